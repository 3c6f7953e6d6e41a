// trang-thai.js -- what sohoad is doing (GET /api/status, the same data as
// `sohoa status --json`): scanners, queues, pages per minute, jobs, the
// last errors; refreshed every 5 seconds.
'use strict';

(() => {
	const { api, el, when, showError } = LT;
	const $ = (id) => document.getElementById(id);
	const STAGES = { capturing: 'Đang quét', recognizing: 'Đang nhận dạng chữ', waiting: 'Chờ',
		packing: 'Đang đóng gói', indexing: 'Đang lập chỉ mục', faulted: 'Lỗi' };
	const SCANS = { idle: 'Sẵn sàng', queued: 'Có lượt chờ', running: 'Đang quét', done: 'Xong' };
	const LEVELS = { error: 'Lỗi', warn: 'Cảnh báo', warning: 'Cảnh báo', info: 'Thông tin' };
	const n = (v) => (typeof v === 'number' ? v : 0);
	const rate = (v) => n(v).toLocaleString('vi-VN', { maximumFractionDigits: 1 });
	const rows = (pairs) => pairs.map(([k, v]) => el('tr', {}, el('th', { text: k }), el('td', { text: v })));

	function table(head, body) {
		return el('table', { class: 'lt-table' }, el('thead', {}, el('tr', {}, head.map((h) => el('th', { text: h })))),
			el('tbody', {}, body));
	}

	function render(s) {
		if (s.daemon === false || s.ok === false) {
			$('daemon').replaceChildren(el('span', { class: 'badge bad', text: 'Dịch vụ sohoad không trả lời' }),
				el('span', { class: 'muted small', text: ' ' + (s.error || '') }));
		} else {
			$('daemon').replaceChildren(el('span', { class: 'badge ok', text: s.draining ? 'Đang dừng' : 'Đang chạy' }),
				` từ ${when(s.started)}` + (s.idle ? ' · đang rảnh' : ''));
		}
		const devs = s.devices || [];
		$('devices').replaceChildren(devs.length
			? table(['Máy', 'Trạng thái', 'Hồ sơ'], devs.map((d) => el('tr', {},
				el('td', { text: d.device || '(máy mặc định)' }), el('td', { text: SCANS[d.state] || d.state }),
				el('td', { text: d.case || '' }))))
			: el('p', { class: 'muted', text: 'Không có máy quét nào được cấu hình.' }));
		const q = s.queues || {};
		$('queues').tBodies[0].replaceChildren(...rows([
			['Chờ nhận dạng chữ (OCR)', `${n(q.ocr && q.ocr.depth)} / ${n(q.ocr && q.ocr.capacity)}`],
			['Trang trong thư mục tạm chờ xử lý', n(q.spool_pages_waiting)],
			['Chờ đóng gói', n(q.pack)],
			['Chờ lập chỉ mục', n(q.index)],
			['Lượt quét đang chờ / đang chạy', `${n(s.scans && s.scans.queued)} / ${n(s.scans && s.scans.running)}`],
			['Mục chờ xử lý (xem xét)', n(s.review_items)],
			['Bộ nhận dạng đang bận', `${n(s.workers && s.workers.busy)} / ${n(s.workers && s.workers.total)}`],
		]));
		const r = s.pages_per_minute || {};
		const rr = r.recognized || {}, rf = r.filed || {};
		$('rates').tBodies[0].replaceChildren(...rows([
			['Nhận dạng (1 phút)', rate(rr['1min'])], ['Nhận dạng (10 phút)', rate(rr['10min'])],
			['Lưu vào hồ sơ (1 phút)', rate(rf['1min'])], ['Lưu vào hồ sơ (10 phút)', rate(rf['10min'])],
		]));
		const jobs = s.jobs || s.spool || [];
		$('jobs').replaceChildren(jobs.length
			? table(['Mã hồ sơ', 'Nội dung', 'Giai đoạn', 'Đã nhận dạng'], jobs.map((j) => el('tr', {},
				el('td', { text: j.case }), el('td', { text: j.component || j.what || '' }),
				el('td', { text: (STAGES[j.stage] || j.stage || j.state) + (j.error ? `: ${j.error}` : '') }),
				el('td', { text: `${n(j.recognized)}/${n(j.pages)}` }))))
			: el('p', { class: 'muted', text: 'Không có công việc nào.' }));
		const errs = (s.errors || []).slice().reverse();
		$('errors').replaceChildren(errs.length
			? table(['Thời gian', 'Mức', 'Công việc', 'Nội dung'], errs.map((e) => el('tr', {},
				el('td', { text: when(e.time) }), el('td', { text: LEVELS[e.level] || e.level }),
				el('td', { text: e.job || '' }), el('td', { text: e.message }))))
			: el('p', { class: 'muted', text: 'Không có lỗi nào.' }));
		$('updated').textContent = 'Cập nhật lúc ' + new Date().toLocaleTimeString('vi-VN') + '.';
	}

	async function load() {
		try { render(await api('/api/status')); } catch (err) { showError($('daemon'), err); }
	}
	load();
	setInterval(load, 5000);
})();
