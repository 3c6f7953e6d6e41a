// desk.mjs -- the front-desk flow in Debian's Chromium, keyboard only
// after login: pick the pnm scanner and its profile, type an invalid case
// number (the problem is shown) then the right one as a barcode reader
// does (fast, then Enter), pick the component, scan (Enter) three pages
// (the third blank, and marked so), turn one, move one, remove the blank
// one, rescan the first, correct an identity field and confirm another,
// commit (Ctrl+Enter) and see what was filed; then read a case number
// from a receipt page and file that.  The shell side
// (tests/test_web_desk.sh) checks the bundles and the audit trail; what it
// needs to know is written to DESK_RESULT as JSON.
import { writeFileSync, copyFileSync } from 'node:fs';
import { BASE, launch, login, shot, check, expect, notOk, finish } from './lib.mjs';

const CASE = process.env.DESK_CASE;
const BAD_CASE = process.env.DESK_BAD_CASE;
const PNM = process.env.DESK_PNM;        // the file the pnm backend reads
const PAGES = (process.env.DESK_PAGES || '').split(':'); // fed in turn
const COMPONENT = 'Căn cước của người đi đăng ký';
const result = { case: CASE, component: COMPONENT };

const { browser, context } = await launch();
const page = await context.newPage();
page.on('pageerror', (e) => notOk('no script error on the page', e.message));

// Tab (or Shift+Tab) until the focused element matches `sel`.
async function tabTo(sel, back = false) {
	for (let i = 0; i < 60; i++) {
		if (await page.evaluate((s) => document.activeElement && document.activeElement.matches(s), sel)) return;
		await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
	}
	throw new Error(`Tab never reached ${sel}`);
}
// With a <select> focused: arrow keys until its value is `want`.
async function arrowTo(sel, want) {
	for (const key of ['ArrowDown', 'ArrowUp']) {
		for (let i = 0; i < 20; i++) {
			if (await page.$eval(sel, (e) => e.value) === want) return;
			await page.keyboard.press(key);
		}
	}
	throw new Error(`${sel} never showed ${want}`);
}
const focused = () => page.evaluate(() => document.activeElement && document.activeElement.id);
async function job() {
	const id = await page.evaluate(() => document.querySelector('#pages li img') &&
		decodeURIComponent(document.querySelector('#pages li img').getAttribute('src').split('/')[4]));
	return page.evaluate(async (j) => (await fetch(`/api/desk/job/${encodeURIComponent(j)}`)).json(), id);
}
async function until(what, fn, ms = 120000) {
	const t0 = Date.now();
	for (;;) {
		const v = await fn();
		if (v) return v;
		if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
		await page.waitForTimeout(300);
	}
}
async function pagesDone(n) {
	return until(`${n} recognized pages`, async () => {
		const d = await job();
		return d.pages && d.pages.length === n && d.state === 'captured' && d.pages.every((p) => p.ocr) && d;
	});
}

try {
	await login(page, 'lan', process.env.DESK_PW);
	await expect('the front-desk user lands on Tiếp nhận hồ sơ', async () => {
		await page.waitForURL(`${BASE}/tiep-nhan`);
		await page.waitForSelector('h1:has-text("Tiếp nhận hồ sơ")');
	});
	await expect('the scanners SANE sees are offered', async () => {
		await page.waitForSelector('#device option[value="pnm:0"]', { state: 'attached', timeout: 60000 });
	});
	await expect('the built-in procedures are offered', async () => {
		await page.waitForSelector('#procedure option:has-text("Đăng ký khai sinh")', { state: 'attached' });
	});
	check('the case number field has the focus at start', (await focused()) === 'case', await focused());

	// --- scanner and profile, from the keyboard ---------------------------
	await expect('device and profile are picked with the keyboard', async () => {
		copyFileSync(PAGES[0], PNM);
		await tabTo('#device', true);
		await arrowTo('#device', 'pnm:0');
		await tabTo('#source');
		await arrowTo('#source', 'flatbed');
		await tabTo('#mode');
		await arrowTo('#mode', 'gray');
		await tabTo('#advanced summary');
		await page.keyboard.press('Enter'); // open the advanced options
		await tabTo('#options');
		await page.keyboard.type(`filename=${PNM}`);
	});

	// --- the case number: wrong, then as a barcode reader types it -------
	await expect('an invalid case number is explained in Vietnamese as it is typed', async () => {
		await tabTo('#case');
		await page.keyboard.type(BAD_CASE);
		await page.waitForSelector('#case-msg.bad:has-text("Ngày tiếp nhận không có thật")', { timeout: 10000 });
		const inv = await page.$eval('#case', (e) => e.getAttribute('aria-invalid'));
		if (inv !== 'true') throw new Error(`aria-invalid ${inv}`);
	});
	await shot(page, 'tiep-nhan-ma-sai');
	await expect('Enter on an invalid number keeps the focus there', async () => {
		await page.keyboard.press('Enter');
		await page.waitForTimeout(300);
		if ((await focused()) !== 'case') throw new Error(`focus on ${await focused()}`);
		if (await page.isVisible('#draft')) throw new Error('a draft was started');
	});
	await expect('a barcode reader types the right number and Enter: on to the component', async () => {
		await page.keyboard.press('Control+A');
		await page.keyboard.press('Backspace');
		await page.keyboard.type(CASE, { delay: 4 });
		await page.keyboard.press('Enter');
		await page.waitForSelector('#case-msg.good', { timeout: 10000 });
		await until('focus on the component', async () => (await focused()) === 'component', 5000);
	});
	await expect('a code read while the component field has the focus goes to the case number', async () => {
		await page.keyboard.type('Tờ', { delay: 120 }); // a person typing
		await page.keyboard.type(CASE, { delay: 3 });   // the reader
		await page.keyboard.press('Enter');
		await until('focus back on the case number', async () => (await focused()) === 'case', 5000);
		if ((await page.$eval('#case', (e) => e.value)) !== CASE) throw new Error('case field not filled');
		const c = await page.$eval('#component', (e) => e.value);
		if (c !== 'Tờ') throw new Error(`component holds ${c}`);
		if (await page.isVisible('#draft')) throw new Error('a draft was started');
		await tabTo('#component');
		await page.keyboard.press('Control+A');
		await page.keyboard.press('Backspace');
	});
	await expect('the component is typed and Enter scans', async () => {
		await page.keyboard.type(COMPONENT);
		await page.keyboard.press('Enter');
		await page.waitForSelector('#draft:not([hidden])', { timeout: 10000 });
	});
	let d;
	await expect('the page arrives, recognized, with its identity fields', async () => {
		d = await pagesDone(1);
		await page.waitForSelector('#pages li table.fields', { timeout: 30000 });
	});
	result.job = d && d.job;

	// --- two more pages: Enter again in the component field ---------------
	for (const [i, n] of [[1, 2], [2, 3]]) {
		await expect(`Enter in the component field scans page ${n} into the same draft`, async () => {
			copyFileSync(PAGES[i % PAGES.length], PNM);
			await tabTo('#component', true);
			await page.keyboard.press('Enter');
			d = await pagesDone(n);
			await until(`${n} previews`, async () => (await page.$$('#pages li img')).length === n, 10000);
		});
	}
	const fieldsPage = d.pages.find((p) => p.ocr && p.ocr.fields && p.ocr.fields.id_number);
	check('a page shows the ID number the OCR read', !!fieldsPage, JSON.stringify(d.pages.map((p) => p.ocr && p.ocr.fields)));
	await expect('thumbnails load as images', async () => {
		await until('every preview decoded', () => page.$$eval('#pages li img', (imgs) =>
			imgs.length > 0 && imgs.every((i) => i.complete && i.naturalWidth > 0)), 20000);
	});
	check('each field shows its source and confidence', await page.$$eval('#pages table.fields tbody tr', (rows) =>
		rows.length > 0 && rows.every((r) => /\d+%/.test(r.children[3].textContent) && r.children[2].textContent.length > 0)));

	// --- arrange with the keyboard: move page 1 down, drop page 3, rescan
	// the new first page, then turn it (a turned page is read again, so the
	// page with the identity fields keeps its orientation)
	const moved = (await job()).pages[0];
	await expect('Alt+ArrowDown moves the first page after the second', async () => {
		await tabTo('#pages li:nth-child(1)');
		await page.keyboard.press('Alt+ArrowDown');
		await until('the order saved', async () => (await job()).pages[1].file === moved.file, 10000);
	});
	result.moved_time = moved.capture_time;
	const third = (await job()).pages[2].file;
	check('the blank third page is marked blank', (await job()).pages[2].ocr.blank === true);
	await expect('the blank page shows the "Trang trắng" mark', async () => {
		await page.waitForSelector(`#pages li[data-file="${third}"] .badge:has-text("Trang trắng")`, { timeout: 10000 });
	});
	await expect('Delete on the third page removes it (kept in the draft, marked)', async () => {
		await page.keyboard.press('ArrowDown');
		await page.keyboard.press('Delete');
		await until('the removal saved', async () => {
			const j = await job();
			return j.pages.find((p) => p.file === third).removed;
		}, 10000);
		await page.waitForSelector('#pages li.removed');
	});

	// --- rescan: the new page takes the first page's place -------------------
	const replaced = (await job()).pages[0].file;
	await expect('"Quét lại" on the first page puts a new scan in its place', async () => {
		copyFileSync(PAGES[1], PNM);
		await tabTo('#pages li:nth-child(1) button.rescan', true);
		await page.keyboard.press('Enter');
		d = await pagesDone(4);
		await until('the replacement saved', async () => {
			const j = await job();
			const old = j.pages.find((p) => p.file === replaced);
			return old && old.removed && j.pages[0].file !== replaced && !j.pages[0].removed && j;
		}, 15000);
	});
	d = await job();
	result.rescanned = d.pages[0].file;
	result.rescanned_time = d.pages[0].capture_time;
	await expect('R on the rescanned page turns it 90 degrees', async () => {
		await tabTo('#pages li:nth-child(1)');
		await page.keyboard.press('r');
		await until('the turn saved', async () => (await job()).pages[0].rotation === 90, 10000);
	});
	const rotated = d.pages[0].file;
	await expect('the turned page is recognized again with the turn', async () => {
		await until('read for the turn', async () => {
			const p = (await job()).pages[0];
			return p.ocr && p.ocr.view_rotation === 90 && p.stale === false;
		}, 60000);
		await page.waitForSelector('#pages li:nth-child(1) .badge:has-text("Đã xoay 90°")', { timeout: 10000 });
		await until('no "Đang nhận dạng lại" badge left', async () =>
			(await page.$$('#pages .badge.stale')).length === 0, 10000);
	});
	check('the rescanned page keeps the order: new, moved, then the removed ones',
		d.pages.map((p) => p.removed).join() === 'false,false,true,true', JSON.stringify(d.pages));

	// --- identity fields: correct one, confirm another ---------------------
	const ocrValue = fieldsPage && fieldsPage.ocr.fields.id_number.value;
	const newValue = ocrValue && (ocrValue.slice(0, -1) + String((parseInt(ocrValue.slice(-1), 10) + 1) % 10));
	Object.assign(result, { field_file: fieldsPage && fieldsPage.file, field: 'id_number', ocr_value: ocrValue,
		new_value: newValue, rotated, removed: third });
	await expect('a field is corrected from the keyboard (Enter saves)', async () => {
		const sel = `#pages li[data-file="${fieldsPage.file}"] input[data-field="id_number"]`;
		await tabTo(sel);
		await page.keyboard.press('Control+A');
		await page.keyboard.type(newValue);
		await page.keyboard.press('Enter');
		await page.waitForSelector(`#pages li[data-file="${fieldsPage.file}"] tr.done .who:has-text("Đã sửa")`, { timeout: 10000 });
	});
	const confirmName = Object.keys(fieldsPage.ocr.fields).find((n) => n !== 'id_number');
	result.confirmed = confirmName || null;
	if (confirmName) {
		await expect('another field is confirmed as read', async () => {
			const sel = `#pages li[data-file="${fieldsPage.file}"] input[data-field="${confirmName}"]`;
			await tabTo(sel);
			await page.keyboard.press('Enter');
			await page.waitForSelector(`#pages li[data-file="${fieldsPage.file}"] tr.done .who:has-text("Đã xác nhận")`, { timeout: 10000 });
		});
	}
	await shot(page, 'tiep-nhan-ban-nhap');

	// --- commit, then what was filed --------------------------------------
	await expect('Ctrl+Enter commits and the page shows what was filed', async () => {
		await page.keyboard.press('Control+Enter');
		await page.waitForSelector('#filed:not([hidden])', { timeout: 180000 });
	});
	const facts = await page.$$eval('#filed-facts dd', (dd) => dd.map((e) => e.textContent));
	result.filed = facts;
	check('the filed case is shown', facts[0] === CASE, facts.join(' | '));
	check('the filed component is shown', facts[1] === COMPONENT, facts.join(' | '));
	check('two pages were filed (the removed ones are not)', facts[2] === '2', facts.join(' | '));
	check('the bundle revision is shown', /^[1-9]\d*$/.test(facts[3] || ''), facts.join(' | '));
	await shot(page, 'tiep-nhan-da-luu');
	await expect('"Quét thành phần tiếp theo" keeps the case and goes to the component', async () => {
		await page.keyboard.press('Tab'); // from the filed section to its first button
		await tabTo('#next-component');
		await page.keyboard.press('Enter');
		await until('focus on the component', async () => (await focused()) === 'component', 5000);
		const v = await page.$eval('#case', (e) => e.value);
		if (v !== CASE) throw new Error(`case field holds ${v}`);
	});

	// --- the case number read from the receipt page itself ---------------
	const RECEIPT_CASE = process.env.DESK_RECEIPT_CASE;
	copyFileSync(process.env.DESK_RECEIPT, PNM);
	await expect('scanning the receipt fills in the case number it carries', async () => {
		await tabTo('#read-receipt');
		await page.keyboard.press('Enter');
		await until('the case number read', async () =>
			(await page.$eval('#case', (e) => e.value)) === RECEIPT_CASE, 120000);
		await page.waitForSelector('#case-msg.good', { timeout: 10000 });
		await until('the draft took the number', async () => (await job()).case === RECEIPT_CASE, 10000);
	});
	await expect('the receipt draft is committed and filed under that number', async () => {
		await page.keyboard.press('Control+Enter');
		await page.waitForSelector('#filed:not([hidden])', { timeout: 180000 });
		const f = await page.$$eval('#filed-facts dd', (dd) => dd.map((e) => e.textContent));
		if (f[0] !== RECEIPT_CASE) throw new Error(f.join(' | '));
	});
} catch (e) {
	notOk('the front-desk flow runs to its end', e && e.stack);
} finally {
	writeFileSync(process.env.DESK_RESULT, JSON.stringify(result));
	await browser.close();
	finish();
}
