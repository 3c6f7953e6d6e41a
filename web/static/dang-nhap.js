// dang-nhap.js -- the login form: POST /api/login, then on to ?next=
// (a path of this site only) or the page of the user's role.
'use strict';
(function () {
	const form = document.getElementById('login-form');
	const error = document.getElementById('login-error');
	const button = form.querySelector('button[type=submit]');

	function show(text) {
		error.textContent = text;
		error.hidden = false;
	}

	// only a page of this site: never "//host", "https://...", nor what
	// the URL parser turns into them ("/\t/host": tabs and newlines are
	// dropped), so the address is resolved first and its origin compared
	function nextPage() {
		const next = new URLSearchParams(location.search).get('next');
		let url;
		if (!next || !next.startsWith('/')) return '/';
		try {
			url = new URL(next, location.origin);
		} catch (e) {
			return '/';
		}
		if (url.origin !== location.origin || url.pathname.startsWith('/dang-nhap')) return '/';
		return url.pathname + url.search + url.hash;
	}

	form.addEventListener('submit', async (ev) => {
		ev.preventDefault();
		const user = form.user.value.trim();
		const password = form.password.value;
		if (!user || !password) {
			show('Vui lòng nhập tên đăng nhập và mật khẩu.');
			(user ? form.password : form.user).focus();
			return;
		}
		button.disabled = true;
		error.hidden = true;
		try {
			const r = await fetch('/api/login', {
				method: 'POST',
				credentials: 'same-origin',
				headers: { 'Content-Type': 'application/json' },
				body: JSON.stringify({ user, password }),
			});
			if (r.ok) {
				location.assign(nextPage());
				return;
			}
			if (r.status === 401)
				show('Sai tên đăng nhập hoặc mật khẩu.');
			else if (r.status === 429)
				show('Quá nhiều lần thử. Vui lòng đợi 5 phút rồi thử lại.');
			else
				show(`Không đăng nhập được (lỗi ${r.status}). Vui lòng thử lại.`);
		} catch (e) {
			show('Không kết nối được máy chủ. Vui lòng kiểm tra mạng rồi thử lại.');
		}
		button.disabled = false;
		form.password.value = '';
		form.password.focus();
	});
})();
