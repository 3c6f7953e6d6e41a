// archive.mjs -- the archive pages in Chromium: search typed without
// diacritics, the case page and its viewer (zoom, rotate), the PDF, the
// review queue (file an item to a case), the status page, and a front-desk
// user refused the search page.  Run by tests/test_web_archive.sh, which
// prepares the case (SOHOA_CASE) and the review item (SOHOA_ITEM).
import { readFileSync } from 'node:fs';
import { BASE, launch, login, shot, check, expect, finish, notOk } from './lib.mjs';

const CASE = process.env.SOHOA_CASE;
const ITEM = process.env.SOHOA_ITEM;
const { browser, context } = await launch();
try {
	const page = await context.newPage();
	const pageErrors = [];
	page.on('pageerror', (e) => pageErrors.push(e.message));
	await login(page, 'luu', 'mat-khau-luu-tru-1');
	// the login page moves on by script after its fetch
	await page.waitForURL((u) => !u.pathname.startsWith('/dang-nhap'), { timeout: 20000 });

	if (process.env.SOHOA_LOCKED) {
		// the key file is gone: the case shows what is not encrypted
		await page.goto(`${BASE}/ho-so?case=${encodeURIComponent(CASE)}`);
		await expect('the case page opens without the key', () =>
			page.waitForSelector('#case:not([hidden])', { timeout: 20000 }));
		check('the case explains the lock in Vietnamese',
			/không đọc được tệp khóa/.test(await page.textContent('#locked')));
		check('the integrity badge says it could not be checked, not failed',
			(await page.textContent('#badges')).includes('chưa kiểm tra được'));
		check('one component is marked locked', (await page.locator('#components .lt-locked').count()) === 1);
		const ncomp = await page.locator('#components tbody tr').count();
		const npages = await page.locator('#strip a').count();
		check('the others keep their PDF; no zip while the bundle cannot be verified',
			ncomp >= 3 && (await page.locator('#components a.pdf').count()) === ncomp - 1 &&
			(await page.locator('#components a.zip').count()) === 0 &&
			(await page.locator('#components .zip-off').count()) === ncomp - 1);
		check('the strip shows the locked page without its image',
			(await page.locator('#strip .lt-locked-thumb').count()) === 1 && (await page.locator('#strip img').count()) === npages - 1);
		await page.locator('#strip a').nth(1).click();
		await expect('the locked page says why in the viewer', () => page.waitForFunction(
			() => !document.getElementById('page-locked').hidden &&
				document.getElementById('page-locked').textContent.includes('tệp khóa'), null, { timeout: 20000 }));
		await shot(page, 'ho-so-khoa');
		check('no script error on the locked case page', pageErrors.length === 0, pageErrors.join('; '));
		throw null; // done: the rest needs the key
	}

	// ---- Tra cứu -------------------------------------------------------
	await expect('the search page opens', async () => {
		const r = await page.goto(`${BASE}/tra-cuu`);
		if (r.status() !== 200) throw new Error(`status ${r.status()}`);
	});
	await page.fill('#q', 'nguyen thi lien');
	await page.press('#q', 'Enter');
	await expect('results appear for the name typed without diacritics', () =>
		page.waitForSelector('.lt-result', { timeout: 20000 }));
	const first = page.locator('.lt-result').first();
	check('the first result is the case', (await first.locator('.lt-case').textContent()) === CASE);
	const marked = await first.locator('.lt-snippet mark').allTextContents();
	check('the snippet highlights the name with its diacritics',
		marked.some((m) => /NGUYỄN|LIÊN|THỊ/i.test(m)), JSON.stringify(marked));
	await expect('the result shows a page thumbnail', () => page.waitForFunction(() => {
		const i = document.querySelector('.lt-result .lt-thumbs img');
		return i && i.complete && i.naturalWidth > 0;
	}, null, { timeout: 20000 }));
	check('the address keeps the query', new URL(page.url()).searchParams.get('q') === 'nguyen thi lien');
	await shot(page, 'tra-cuu');
	await page.selectOption('#kind', 'result');
	await expect('a filter with no match says so', () => page.waitForFunction(
		() => document.getElementById('summary').textContent.includes('Không tìm thấy'), null, { timeout: 20000 }));
	check('the filter is in the address', new URL(page.url()).searchParams.get('kind') === 'result');
	await page.goBack();
	await expect('Back gives the results again', () => page.waitForFunction(
		() => document.querySelectorAll('.lt-result').length >= 2 && document.getElementById('kind').value === '',
		null, { timeout: 20000 }));

	// ---- Hồ sơ ---------------------------------------------------------
	await Promise.all([page.waitForURL(/\/ho-so\?/), first.locator('.lt-case').click()]);
	await expect('the case page shows the case', () => page.waitForSelector('#case:not([hidden])', { timeout: 20000 }));
	check('the title names the case', (await page.textContent('#title')).includes(CASE));
	check('the bundle is shown as verified', (await page.textContent('#badges')).includes('Toàn vẹn: đạt'));
	await expect('the viewer shows the page', () =>
		page.waitForFunction(() => { const i = document.getElementById('view'); return i.complete && i.naturalWidth > 0; },
			null, { timeout: 20000 }));
	const w0 = await page.$eval('#view', (i) => i.getBoundingClientRect().width);
	await page.click('#zoom-in');
	await page.click('#zoom-in');
	const w1 = await page.$eval('#view', (i) => i.getBoundingClientRect().width);
	check('zoom in makes the page larger', w1 > w0 * 1.4, `${w0} -> ${w1}`);
	await page.click('#rot-right');
	check('rotate turns the page a quarter', (await page.getAttribute('#stage', 'data-rotation')) === '90');
	await page.click('#zoom-fit');
	await page.click('#rot-left');
	check('rotate left turns it back', (await page.getAttribute('#stage', 'data-rotation')) === '0');
	check('the fields of the page are listed', (await page.locator('#fields').textContent()).length > 0);
	check('revisions and events are listed',
		(await page.locator('#revisions tbody tr').count()) >= 2 && (await page.locator('#events tbody tr').count()) >= 2);
	// the ID card page: its fields (personal data) shown
	const cards = page.locator('#strip a');
	check('the strip has every page', (await cards.count()) === 3);
	await cards.nth(1).click();
	await page.waitForFunction(() => document.getElementById('where').textContent.includes('Căn cước'));
	await shot(page, 'ho-so');
	const [download] = await Promise.all([
		page.waitForEvent('download', { timeout: 20000 }),
		page.locator('a.pdf').first().click(),
	]);
	const pdf = readFileSync(await download.path());
	check('the PDF download is a PDF', pdf.subarray(0, 5).toString() === '%PDF-', pdf.subarray(0, 8).toString());
	check('the PDF is named after the case', download.suggestedFilename().startsWith(CASE));
	const [zdl] = await Promise.all([
		page.waitForEvent('download', { timeout: 20000 }),
		page.getByText('Tải ảnh gốc (.zip)').first().click(),
	]);
	const zip = readFileSync(await zdl.path());
	check('the masters download as a zip', zip.subarray(0, 2).toString() === 'PK' && zdl.suggestedFilename().endsWith('.zip'),
		zdl.suggestedFilename());

	// ---- Chờ xử lý ------------------------------------------------------
	await page.goto(`${BASE}/xem-xet`);
	const item = page.locator(`article[data-item="${ITEM}"]`);
	await expect('the review item is listed', () => item.waitFor({ timeout: 20000 }));
	check('the reason is explained in Vietnamese', /mã hồ sơ/.test(await item.locator('.lt-reason').textContent()));
	await expect('the item shows its page', () => page.waitForFunction((sel) => {
		const i = document.querySelector(sel); return i && i.complete && i.naturalWidth > 0;
	}, `article[data-item="${ITEM}"] .lt-thumbs img`, { timeout: 20000 }));
	await item.locator('input[name=case]').fill('000.00.22.H27-250231-0001');
	await item.locator('button[type=submit]').click();
	await expect('a case number that is not a real date is refused in Vietnamese', () =>
		item.locator('.lt-msg .error').waitFor({ timeout: 20000 }));
	await shot(page, 'xem-xet');
	await item.locator('input[name=case]').fill(CASE);
	await item.locator('button[type=submit]').click();
	await expect('filing the item says where it went', () =>
		item.locator('.lt-msg .ok').waitFor({ timeout: 60000 }));
	check('the message names the case', (await item.locator('.lt-msg').textContent()).includes(CASE));

	// ---- Trạng thái -----------------------------------------------------
	await page.goto(`${BASE}/trang-thai`);
	await expect('the status page shows the queues', () =>
		page.waitForFunction(() => document.querySelectorAll('#queues tbody tr').length >= 4, null, { timeout: 20000 }));
	check('sohoad is shown running', (await page.textContent('#daemon')).includes('Đang chạy'));
	check('the review queue is shown', (await page.textContent('#queues')).includes('Mục chờ xử lý'));
	await shot(page, 'trang-thai');
	check('no script error on the archive pages', pageErrors.length === 0, pageErrors.join('; '));

	// ---- a front-desk user ------------------------------------------------
	const other = await browser.newContext();
	const fp = await other.newPage();
	await login(fp, 'tiepnhan', 'mat-khau-tiep-nhan-1');
	await fp.waitForURL((u) => !u.pathname.startsWith('/dang-nhap'), { timeout: 20000 });
	const r = await fp.goto(`${BASE}/tra-cuu`);
	check('the front desk is refused the search page', r.status() === 403, `status ${r.status()}`);
	const api = await fp.evaluate(async () => (await fetch('/api/search?q=lien')).status);
	check('the front desk gets 403 from /api/search', api === 403, `status ${api}`);
	const st = await fp.goto(`${BASE}/trang-thai`);
	check('the front desk may open the status page', st.status() === 200, `status ${st.status()}`);
	await expect('the front desk sees the queues', () => fp.waitForFunction(
		() => document.querySelectorAll('#queues tbody tr').length >= 4, null, { timeout: 20000 }));
	await other.close();
} catch (e) {
	if (e !== null) notOk('the archive pages run through', e && e.stack);
} finally {
	await browser.close();
	finish();
}
