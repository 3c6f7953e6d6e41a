// lib.mjs -- what the browser tests share: Debian's Chromium (headless,
// no network beyond loopback) driven by playwright-core, a login helper,
// and screenshots into docs/screenshots/ so readers see what staff see.
// The shell wrapper (tests/web/web_lib.sh) starts sohoad and passes
// SOHOA_WEB_URL; a test prints "ok - ..."/"not ok - ..." lines and ends
// with "N passed, M failed" like the shell tests.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BASE = process.env.SOHOA_WEB_URL || 'http://127.0.0.1:8080';
const SHOTS = process.env.SOHOA_SCREENSHOTS ||
	join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'screenshots');

let pass = 0, fail = 0;
export function ok(name) { pass++; console.log(`ok - ${name}`); }
export function notOk(name, why) {
	fail++;
	console.log(`not ok - ${name}${why ? ` (${String(why).slice(0, 600)})` : ''}`);
}
export function check(name, cond, why) { cond ? ok(name) : notOk(name, why); }
// expect(name, async () => {...}): a step that must not throw
export async function expect(name, fn) {
	try { await fn(); ok(name); return true; } catch (e) { notOk(name, e && e.message); return false; }
}
export function finish() {
	console.log(`${pass} passed, ${fail} failed`);
	process.exitCode = fail ? 1 : 0;
}

export async function launch() {
	const browser = await chromium.launch({
		executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
		args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
			'--disable-background-networking', '--disable-component-update',
			'--disable-sync', '--disable-dev-shm-usage'],
	});
	const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'vi-VN' });
	return { browser, context };
}

// Log in through the login page; resolves when the next page has loaded.
export async function login(page, user, password) {
	await page.goto(`${BASE}/dang-nhap`);
	await page.fill('input[name=user]', user);
	await page.fill('input[name=password]', password);
	await Promise.all([page.waitForLoadState('load'), page.press('input[name=password]', 'Enter')]);
}

export async function shot(page, name) {
	mkdirSync(SHOTS, { recursive: true });
	await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}
