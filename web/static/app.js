// app.js -- what every page shares: window.sohoa with
//   sohoa.me()                    -> Promise of {user, role, csrf} (cached)
//   sohoa.api(path, {method, body, headers, raw})
//                                 -> Promise of the JSON answer (or the
//                                    Response with raw: true); adds the
//                                    X-CSRF-Token to every non-GET call,
//                                    sends `body` as JSON; a 401 goes to
//                                    the login page; other failures throw
//                                    an Error with .status, .field and a
//                                    Vietnamese .message (sohoa.errorText)
//   sohoa.el(tag, attrs, ...children) -> a DOM element (text is text,
//                                    never HTML)
//   sohoa.roleName(role)          -> Vietnamese role name
// and the header bar (unless <body data-nav="none">): the pages of the
// user's role, the user, and Đăng xuất.
'use strict';
(function () {
	const ROLE_NAMES = {
		front_desk: 'Tiếp nhận',
		archivist: 'Lưu trữ',
		admin: 'Quản trị',
	};
	const NAV = [
		{ path: '/tiep-nhan', label: 'Tiếp nhận hồ sơ', roles: ['front_desk', 'admin'] },
		{ path: '/tra-cuu', label: 'Tra cứu', roles: ['archivist', 'admin'] },
		{ path: '/xem-xet', label: 'Chờ xử lý', roles: ['archivist', 'admin'] },
		{ path: '/trang-thai', label: 'Trạng thái', roles: ['front_desk', 'archivist', 'admin'] },
	];
	const STATUS_TEXT = {
		400: 'Dữ liệu không hợp lệ.',
		401: 'Phiên làm việc đã hết. Vui lòng đăng nhập lại.',
		403: 'Bạn không có quyền thực hiện thao tác này.',
		404: 'Không tìm thấy.',
		409: 'Đang bận, vui lòng thử lại sau.',
		413: 'Dữ liệu gửi lên quá lớn.',
		429: 'Quá nhiều lần thử. Vui lòng đợi rồi thử lại.',
	};

	let mePromise = null;

	function loginUrl() {
		return '/dang-nhap?next=' + encodeURIComponent(location.pathname + location.search);
	}

	function errorText(status) {
		if (STATUS_TEXT[status]) return STATUS_TEXT[status];
		if (status >= 500) return `Lỗi máy chủ (${status}). Vui lòng thử lại hoặc báo quản trị viên.`;
		return `Có lỗi xảy ra (${status}).`;
	}

	function me() {
		if (!mePromise) {
			mePromise = fetch('/api/me', { credentials: 'same-origin' }).then((r) => {
				if (r.status === 401) {
					location.assign(loginUrl());
					return new Promise(() => {});
				}
				if (!r.ok) throw Object.assign(new Error(errorText(r.status)), { status: r.status });
				return r.json();
			});
			mePromise.catch(() => { mePromise = null; });
		}
		return mePromise;
	}

	async function api(path, opts = {}) {
		const method = (opts.method || 'GET').toUpperCase();
		const headers = Object.assign({}, opts.headers || {});
		let body = opts.body;
		if (method !== 'GET' && method !== 'HEAD') {
			headers['X-CSRF-Token'] = (await me()).csrf;
			if (body !== undefined && !(body instanceof Blob) && !(body instanceof FormData) &&
				typeof body !== 'string') {
				headers['Content-Type'] = 'application/json';
				body = JSON.stringify(body);
			}
		}
		let r;
		try {
			r = await fetch(path, { method, headers, body, credentials: 'same-origin' });
		} catch (e) {
			throw Object.assign(new Error('Không kết nối được máy chủ.'), { status: 0 });
		}
		if (r.status === 401) {
			location.assign(loginUrl());
			return new Promise(() => {});
		}
		if (!r.ok) {
			let detail = null;
			try { detail = await r.json(); } catch (e) { /* not JSON */ }
			const err = new Error(errorText(r.status));
			err.status = r.status;
			err.field = detail && detail.field;
			err.detail = detail && detail.error; // English, for developers
			throw err;
		}
		if (opts.raw) return r;
		if (r.status === 204) return null;
		const type = r.headers.get('Content-Type') || '';
		return type.startsWith('application/json') ? r.json() : r.text();
	}

	function el(tag, attrs, ...children) {
		const e = document.createElement(tag);
		for (const [k, v] of Object.entries(attrs || {})) {
			if (v === null || v === undefined || v === false) continue;
			if (k === 'class') e.className = v;
			else if (k === 'text') e.textContent = v;
			else if (k.startsWith('on') && typeof v === 'function') e.addEventListener(k.slice(2), v);
			else if (k === 'dataset') Object.assign(e.dataset, v);
			else e.setAttribute(k, v === true ? '' : v);
		}
		for (const c of children.flat()) {
			if (c === null || c === undefined || c === false) continue;
			e.append(c instanceof Node ? c : document.createTextNode(String(c)));
		}
		return e;
	}

	async function logout() {
		try {
			await api('/api/logout', { method: 'POST' });
		} finally {
			location.assign('/dang-nhap');
		}
	}

	async function navBar() {
		if (document.body.dataset.nav === 'none') return;
		const who = await me();
		const links = NAV.filter((n) => n.roles.includes(who.role)).map((n) =>
			el('a', {
				href: n.path,
				'aria-current': location.pathname === n.path ? 'page' : null,
			}, n.label));
		const bar = el('header', { class: 'topbar' },
			el('a', { class: 'brand', href: '/' }, 'Số hoá hồ sơ'),
			el('nav', { 'aria-label': 'Trang' }, links),
			el('div', { class: 'who' },
				el('span', { class: 'user', id: 'nav-user' }, who.user),
				el('span', { class: 'role' }, ROLE_NAMES[who.role] || who.role),
				el('button', { type: 'button', id: 'logout', onclick: logout }, 'Đăng xuất')));
		document.body.prepend(bar);
	}

	window.sohoa = {
		me, api, el, errorText, logout,
		roleName: (r) => ROLE_NAMES[r] || r,
	};
	if (document.readyState === 'loading')
		document.addEventListener('DOMContentLoaded', () => { navBar().catch(() => {}); });
	else
		navBar().catch(() => {});
})();
