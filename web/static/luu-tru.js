// luu-tru.js -- what the archive pages (Tra cứu, Hồ sơ, Chờ xử lý, Trạng
// thái) share on top of app.js: the Vietnamese names of document types,
// kinds and errors, page and case addresses.  Plain JS, no framework;
// loaded after app.js and before each page's own script.
'use strict';

const LT = (() => {
	// Vietnamese message for a failed call where the page can say more
	// than app.js's general one (the API's English text stays in
	// err.detail, for developers).
	function message(status, detail) {
		if (status === 404) return 'Không tìm thấy (hồ sơ, trang hoặc mục không tồn tại).';
		if (status === 503 && /key/i.test(detail || ''))
			return 'Trang này được mã hóa và máy chủ chưa có khóa giải mã ' +
				'(mục [archive] encrypt_key). Hãy báo quản trị viên.';
		if (status === 503) return 'Hệ thống đang bận hoặc thiếu cấu hình; thử lại sau.';
		return null;
	}

	// app.js's sohoa.api (CSRF token, login on 401), with those messages
	async function api(path, opts = {}) {
		try {
			return await sohoa.api(path, opts);
		} catch (err) {
			err.message = message(err.status, err.detail) || err.message;
			throw err;
		}
	}

	const el = sohoa.el;

	const TYPES = {
		id_card_front: 'Căn cước (mặt trước)',
		id_card_back: 'Căn cước (mặt sau)',
		id_card_copy: 'Bản sao căn cước',
		application_form: 'Đơn, tờ khai',
		receipt: 'Giấy tiếp nhận hồ sơ',
		result: 'Kết quả giải quyết',
		blank: 'Trang trắng',
		other: 'Giấy tờ khác',
	};
	const typeName = (t) => TYPES[t] || t || 'Giấy tờ khác';
	const kindName = (k) => (k === 'result' ? 'Kết quả' : 'Thành phần hồ sơ');

	// "2025-07-01T08:00:00Z" -> "01/07/2025 15:00" (local time)
	function when(iso) {
		if (!iso) return '';
		const d = new Date(iso);
		if (isNaN(d)) return iso;
		const p = (n) => String(n).padStart(2, '0');
		return `${p(d.getDate())}/${p(d.getMonth() + 1)}/${d.getFullYear()} ${p(d.getHours())}:${p(d.getMinutes())}`;
	}

	// Case number shape (docs: DOMAIN), checked again by the server.
	const CASE_RE = /^[0-9A-Z]{1,10}(\.[0-9A-Z]{1,10}){0,6}-\d{6}-\d{4,}$/;

	const enc = encodeURIComponent;
	function caseUrl(c) { return '/ho-so?case=' + enc(c); }
	function pageImg(c, folder, n, size) {
		return `/api/cases/${enc(c)}/pages/${enc(folder)}/${n}?size=${size}`;
	}

	function showError(box, err) {
		box.replaceChildren(el('p', { class: 'error', role: 'alert', text: err.message }),
			err.detail ? el('p', { class: 'muted small', text: 'Chi tiết: ' + err.detail }) : null);
	}

	return { api, el, typeName, kindName, when, CASE_RE, caseUrl, pageImg, showError, enc, TYPES };
})();
