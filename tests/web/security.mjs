// security.mjs -- the login page in Debian's Chromium: a wrong password
// shows the Vietnamese error and leaves no session; the right one lands
// on the page of the role with the header bar; a front-desk user is
// refused the archive pages; logging out ends the session.  Users come
// from test_web_security.sh (SOHOA_TEST_* variables).
import { BASE, launch, login, shot, check, expect, notOk, finish } from './lib.mjs';

const DESK = process.env.SOHOA_TEST_DESK || 'lan';
const DESK_PW = process.env.SOHOA_TEST_DESK_PW || '';
const ARCH = process.env.SOHOA_TEST_ARCH || 'minh';
const ARCH_PW = process.env.SOHOA_TEST_ARCH_PW || '';

const { browser, context } = await launch();
try {
	const page = await context.newPage();
	const consoleErrors = [];
	// script errors only: refused and missing resources are what we test
	page.on('console', (m) => {
		if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) consoleErrors.push(m.text());
	});
	page.on('pageerror', (e) => consoleErrors.push(e.message));

	// a page without a session goes to the login page, keeping where to
	await page.goto(`${BASE}/tra-cuu`);
	check('a page without a session opens the login page', new URL(page.url()).pathname === '/dang-nhap',
		page.url());
	check('the login page says where to go next', new URL(page.url()).searchParams.get('next') === '/tra-cuu',
		page.url());
	await expect('the login page is in Vietnamese', async () => {
		const h = await page.textContent('h2');
		if (h.trim() !== 'Đăng nhập') throw new Error(`heading '${h}'`);
		const labels = await page.$$eval('label', (ls) => ls.map((l) => l.textContent.trim()));
		if (!labels.includes('Tên đăng nhập') || !labels.includes('Mật khẩu'))
			throw new Error(`labels ${labels}`);
	});
	await shot(page, 'dang-nhap');

	// wrong password: the Vietnamese error, still on the login page
	await page.fill('input[name=user]', ARCH);
	await page.fill('input[name=password]', 'not-the-password');
	await page.press('input[name=password]', 'Enter');
	await expect('a wrong password shows "Sai tên đăng nhập hoặc mật khẩu."', async () => {
		await page.waitForSelector('#login-error:not([hidden])', { timeout: 10000 });
		const t = (await page.textContent('#login-error')).trim();
		if (t !== 'Sai tên đăng nhập hoặc mật khẩu.') throw new Error(`error text '${t}'`);
	});
	check('a wrong password stays on the login page', new URL(page.url()).pathname === '/dang-nhap', page.url());
	check('a wrong password sets no session cookie',
		!(await context.cookies()).some((c) => c.name === 'sohoa_session'));
	await shot(page, 'dang-nhap-sai-mat-khau');

	// the keyboard alone: Tab from the name to the password, Enter
	await page.fill('input[name=user]', '');
	await page.focus('input[name=user]');
	await page.keyboard.type(ARCH);
	await page.keyboard.press('Tab');
	await page.keyboard.type(ARCH_PW);
	await Promise.all([page.waitForURL((u) => u.pathname === '/tra-cuu', { timeout: 15000 }).catch(() => {}),
		page.keyboard.press('Enter')]);
	check('the right password goes on to the page asked for', new URL(page.url()).pathname === '/tra-cuu',
		page.url());
	const cookie = (await context.cookies()).find((c) => c.name === 'sohoa_session');
	check('the session cookie is HttpOnly and SameSite=Strict',
		cookie && cookie.httpOnly && cookie.sameSite === 'Strict', JSON.stringify(cookie));
	check('page scripts cannot read the session cookie',
		!(await page.evaluate(() => document.cookie)).includes('sohoa_session'));
	await expect('the header bar shows the user, the archive links and Đăng xuất', async () => {
		await page.waitForSelector('header.topbar #nav-user', { timeout: 10000 });
		const user = (await page.textContent('#nav-user')).trim();
		if (user !== ARCH) throw new Error(`user '${user}'`);
		const links = await page.$$eval('header.topbar nav a', (as) => as.map((a) => a.textContent.trim()));
		for (const want of ['Tra cứu', 'Chờ xử lý', 'Trạng thái'])
			if (!links.includes(want)) throw new Error(`links ${links}`);
		if (links.includes('Tiếp nhận hồ sơ')) throw new Error(`an archivist sees the front desk: ${links}`);
		const out = (await page.textContent('#logout')).trim();
		if (out !== 'Đăng xuất') throw new Error(`logout button '${out}'`);
	});
	// the API answers the page's fetch wrapper, CSRF token included
	await expect('sohoa.api sends the CSRF token (POST with it passes)', async () => {
		const r = await page.evaluate(async () => {
			const me = await window.sohoa.me();
			const bad = await fetch('/api/logout', { method: 'POST', credentials: 'same-origin' });
			return { user: me.user, csrfLen: me.csrf.length, badStatus: bad.status };
		});
		if (r.user !== ARCH || r.csrfLen !== 64) throw new Error(JSON.stringify(r));
		if (r.badStatus !== 403) throw new Error(`POST without the token got ${r.badStatus}`);
	});
	// log out through the button: back to the login page, session gone
	await Promise.all([page.waitForURL((u) => u.pathname === '/dang-nhap', { timeout: 15000 }).catch(() => {}),
		page.click('#logout')]);
	check('Đăng xuất goes back to the login page', new URL(page.url()).pathname === '/dang-nhap', page.url());
	const me = await page.evaluate(async () => (await fetch('/api/me')).status);
	check('after Đăng xuất the session is gone (401)', me === 401, String(me));

	// ?next= leads to a page of this site only, also when the URL parser
	// would make another site of it (tabs and newlines are dropped)
	for (const next of ['/\t/example.invalid/x', '/\n/example.invalid/x', '//example.invalid/x',
		'/\\example.invalid/x', 'https://example.invalid/x']) {
		await page.goto(`${BASE}/dang-nhap?next=${encodeURIComponent(next)}`);
		await page.fill('input[name=user]', ARCH);
		await page.fill('input[name=password]', ARCH_PW);
		await Promise.all([page.waitForURL((u) => u.pathname !== '/dang-nhap', { timeout: 15000 }).catch(() => {}),
			page.press('input[name=password]', 'Enter')]);
		check(`?next=${JSON.stringify(next)} stays on this site`, page.url().startsWith(`${BASE}/`), page.url());
		await page.evaluate(() => window.sohoa && window.sohoa.logout()).catch(() => {});
		await page.waitForURL((u) => u.pathname === '/dang-nhap', { timeout: 15000 }).catch(() => {});
	}

	// a front-desk user: refused the archive pages and the user list
	await login(page, DESK, DESK_PW);
	await page.waitForURL((u) => u.pathname !== '/dang-nhap', { timeout: 15000 }).catch(() => {});
	await page.goto(`${BASE}/`);
	check('/ takes the front desk to Tiếp nhận hồ sơ', new URL(page.url()).pathname === '/tiep-nhan', page.url());
	const resp = await page.goto(`${BASE}/tra-cuu`);
	check('the front desk is refused Tra cứu (403)', resp.status() === 403, String(resp.status()));
	await expect('the refusal is said in Vietnamese', async () => {
		const h = (await page.textContent('h1')).trim();
		if (h !== 'Không có quyền truy cập') throw new Error(`heading '${h}'`);
	});
	await shot(page, 'khong-co-quyen');
	const users = await page.evaluate(async () => (await fetch('/api/users')).status);
	check('the front desk is refused GET /api/users (403)', users === 403, String(users));
	check('no script errors on the pages', consoleErrors.length === 0, consoleErrors.join(' | '));
} catch (e) {
	notOk('the browser run finished', e && e.stack);
} finally {
	await browser.close();
	finish();
}
