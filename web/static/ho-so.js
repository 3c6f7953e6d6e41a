// ho-so.js -- one case: verification and signature, components with their
// PDF, a page viewer (zoom, rotate, page by page; images rendered by the
// server from the masters), the fields read on the page, revisions and
// events.  GET /api/cases/CASE.
'use strict';

(() => {
	const { api, el, typeName, kindName, when, showError, enc, pageImg } = LT;
	const $ = (id) => document.getElementById(id);
	const u = new URLSearchParams(location.search);
	const caseNo = u.get('case') || '';
	let data = null, cur = 0, zoom = 0, rot = 0; // zoom 0: fit the frame

	const EVENTS = { captured: 'Số hóa', recognised: 'Nhận dạng chữ', packed: 'Đóng gói', verified: 'Kiểm tra toàn vẹn' };
	const FIELD_NAMES = {
		id_number: 'Số định danh', full_name: 'Họ và tên', date_of_birth: 'Ngày sinh',
		sex: 'Giới tính', nationality: 'Quốc tịch', place_of_origin: 'Quê quán',
		place_of_residence: 'Nơi thường trú', date_of_issue: 'Ngày cấp',
		date_of_expiry: 'Có giá trị đến', case_number: 'Mã hồ sơ', procedure_code: 'Mã thủ tục',
	};

	function badges(d) {
		const v = d.verification, s = d.signature;
		const out = [v.ok
			? el('span', { class: 'badge ok', text: '✔ Toàn vẹn: đạt' })
			: v.checked === false
				? el('span', { class: 'badge warn', text: 'Toàn vẹn: chưa kiểm tra được' })
				: el('span', { class: 'badge bad', text: '✘ Toàn vẹn: KHÔNG đạt' })];
		if (!s.present) out.push(el('span', { class: 'badge', text: 'Chưa có chữ ký số' }));
		else if (s.valid && s.trusted) out.push(el('span', { class: 'badge ok', text: `✔ Chữ ký số hợp lệ: ${s.signer}` }));
		else if (s.valid) out.push(el('span', { class: 'badge warn', text: `Chữ ký số đúng nhưng chưa được tin cậy: ${s.signer}` }));
		else out.push(el('span', { class: 'badge bad', text: 'Chữ ký số không hợp lệ' }));
		const box = [el('div', {}, out)];
		// a bundle that cannot be checked (the key is missing): the lock note says why
		if (!v.ok && v.checked !== false) box.push(el('ul', { class: 'error' }, v.problems.map((p) => el('li', { text: p }))));
		return box;
	}

	// "1990-03-12" -> "12/03/1990", as Vietnamese papers write dates
	const dmy = (s) => String(s).replace(/^(\d{4})-(\d{2})-(\d{2})$/, '$3/$2/$1');

	function fieldValue(v) {
		if (v && typeof v === 'object' && 'value' in v) {
			let s = dmy(v.value);
			if (v.valid === false) s += ' (không hợp lệ)';
			if (typeof v.confidence === 'number') s += ` · độ tin cậy ${Math.round(v.confidence * 100)}%`;
			return s;
		}
		return typeof v === 'object' ? JSON.stringify(v) : String(v);
	}

	function showFields() {
		const p = data.pages[cur];
		const keys = Object.keys(p.fields || {});
		$('fields').replaceChildren(keys.length
			? el('table', { class: 'lt-table lt-fields' }, el('tbody', {}, keys.map((k) =>
				el('tr', {}, el('th', { text: FIELD_NAMES[k] || k }), el('td', { text: fieldValue(p.fields[k]) })))))
			: el('p', { class: 'muted', text: 'Không có thông tin nào được đọc riêng trên trang này.' }));
	}

	function applyView() {
		const img = $('view'), stage = $('stage');
		const side = rot % 180 !== 0;
		const nw = img.naturalWidth || 1, nh = img.naturalHeight || 1;
		const fit = (stage.clientWidth - 8) / (side ? nh : nw);
		const scale = zoom === 0 ? Math.min(fit, 1) : zoom;
		const w = nw * scale, h = nh * scale;
		img.style.width = `${w}px`;
		img.style.height = `${h}px`;
		img.style.transform = `rotate(${rot}deg)`;
		// the box the turned image needs, so scrolling reaches every corner
		const bw = side ? h : w, bh = side ? w : h;
		img.style.margin = `${(bh - h) / 2}px ${(bw - w) / 2}px`;
		stage.dataset.zoom = scale.toFixed(2);
		stage.dataset.rotation = String(rot);
	}

	function show(i) {
		cur = Math.max(0, Math.min(data.pages.length - 1, i));
		const p = data.pages[cur];
		rot = ((p.rotation || 0) % 360 + 360) % 360; // upright as OCR found it
		zoom = 0;
		const img = $('view');
		img.alt = `${p.component}, trang ${p.page}`;
		img.onload = applyView;
		img.hidden = !!p.locked;
		$('page-locked').hidden = !p.locked;
		$('page-locked').textContent = p.locked && data.locked ? data.locked.explanation : '';
		if (p.locked) img.removeAttribute('src');
		else img.src = pageImg(data.case, p.folder, p.page, 'view');
		$('master').hidden = !!p.locked || !data.verification.ok;
		$('where').textContent = `${p.component} — trang ${p.page} (${cur + 1}/${data.pages.length})`;
		$('master').href = `/api/cases/${enc(data.case)}/extract/${enc(p.folder)}/${p.page}`;
		$('page-info').textContent = [typeName(p.document_type), kindName(p.kind),
			p.dpi ? `${p.dpi} dpi` : '', p.encrypted ? 'lưu mã hóa' : '',
			p.capture_time ? `số hóa ${when(p.capture_time)}` : '', p.operator ? `bởi ${p.operator}` : '']
			.filter(Boolean).join(' · ');
		for (const [k, a] of document.querySelectorAll('#strip a').entries())
			a.classList.toggle('current', k === cur);
		$('prev').disabled = cur === 0;
		$('next').disabled = cur === data.pages.length - 1;
		const q = new URLSearchParams({ case: data.case, component: p.folder, page: p.page });
		history.replaceState(null, '', '/ho-so?' + q);
		showFields();
	}

	function render(d) {
		data = d;
		document.title = `Hồ sơ ${d.case} — sohoa`;
		$('title').textContent = `Hồ sơ ${d.case}`;
		$('badges').replaceChildren(...badges(d));
		$('procedure').textContent = d.procedure_code ? `Mã thủ tục: ${d.procedure_code}` : '';
		$('components').tBodies[0].replaceChildren(...d.components.map((c) => el('tr', {},
			el('td', { text: c.name }), el('td', { text: kindName(c.kind) }), el('td', { text: c.pages }),
			el('td', {}, c.locked
				? el('span', { class: 'badge warn lt-locked', text: 'Đã khóa (thiếu khóa giải mã)' })
				: [c.pdf
					? el('a', { class: 'button pdf', href: `/api/cases/${enc(d.case)}/pdf/${enc(c.folder)}`, download: '' }, 'Tải PDF')
					: el('span', { class: 'muted', text: 'không có PDF' }),
				' ',
				// masters leave only a bundle that verifies (the server refuses the rest)
				d.verification.ok
					? el('a', { class: 'button zip', href: `/api/cases/${enc(d.case)}/zip/${enc(c.folder)}`, download: '' }, 'Tải ảnh gốc (.zip)')
					: el('span', { class: 'muted zip-off', title: 'Chỉ tải được ảnh gốc khi hồ sơ kiểm tra toàn vẹn đạt',
						text: 'Tải ảnh gốc: cần kiểm tra toàn vẹn đạt' })]))));
		// encrypted pages whose key file is missing: shown locked, the rest as usual
		$('locked').replaceChildren(...(d.locked
			? [el('p', { class: 'error', text: d.locked.explanation })]
			: []));
		$('locked').hidden = !d.locked;
		$('strip').replaceChildren(...d.pages.map((p, i) => el('a', { href: '#', title: `${p.component} — trang ${p.page}`,
			onclick: (e) => { e.preventDefault(); show(i); } },
		p.locked
			? el('span', { class: 'lt-locked-thumb', text: 'Đã khóa', title: 'Trang lưu mã hóa, chưa có khóa giải mã' })
			: el('img', { src: pageImg(d.case, p.folder, p.page, 'thumb'), alt: `${p.component} trang ${p.page}`, loading: 'lazy' }),
		el('span', { text: `${p.page}` }))));
		$('revisions').tBodies[0].replaceChildren(...(d.revisions || []).map((r) => el('tr', {},
			el('td', { text: r.number }), el('td', { text: when(r.time) }),
			el('td', { text: `${r.component} (${kindName(r.kind)})` }), el('td', { text: r.pages_added }),
			el('td', { text: r.operator || '' }), el('td', { text: r.station || '' }))));
		$('events').tBodies[0].replaceChildren(...(d.events || []).map((e) => el('tr', {},
			el('td', { text: when(e.time) }), el('td', { text: EVENTS[e.event] || e.event }),
			el('td', { text: e.revision }), el('td', { text: e.who || '' }), el('td', { text: e.detail || '' }))));
		$('case').hidden = false;
		let start = 0;
		const want = d.pages.findIndex((p) => p.folder === u.get('component') && String(p.page) === u.get('page'));
		if (want >= 0) start = want;
		if (d.pages.length) show(start);
	}

	$('prev').addEventListener('click', () => show(cur - 1));
	$('next').addEventListener('click', () => show(cur + 1));
	$('zoom-in').addEventListener('click', () => { zoom = Math.min(4, (zoom || +$('stage').dataset.zoom || 1) * 1.25); applyView(); });
	$('zoom-out').addEventListener('click', () => { zoom = Math.max(0.1, (zoom || +$('stage').dataset.zoom || 1) / 1.25); applyView(); });
	$('zoom-fit').addEventListener('click', () => { zoom = 0; applyView(); });
	$('rot-left').addEventListener('click', () => { rot = (rot + 270) % 360; applyView(); });
	$('rot-right').addEventListener('click', () => { rot = (rot + 90) % 360; applyView(); });
	document.addEventListener('keydown', (e) => {
		if (!data || e.target.closest('input, textarea, select')) return;
		if (e.key === 'ArrowLeft' || e.key === 'PageUp') show(cur - 1);
		if (e.key === 'ArrowRight' || e.key === 'PageDown') show(cur + 1);
	});
	window.addEventListener('resize', () => { if (data) applyView(); });

	if (!caseNo) {
		$('status').replaceChildren(el('p', { class: 'error', text: 'Chưa chọn hồ sơ. Hãy tìm hồ sơ ở trang Tra cứu.' }));
	} else {
		$('title').textContent = `Hồ sơ ${caseNo}`;
		$('status').textContent = 'Đang tải hồ sơ…';
		api('/api/cases/' + enc(caseNo))
			.then((d) => { $('status').textContent = ''; render(d); })
			.catch((err) => {
				if (err.status === 404) err.message = `Không có hồ sơ ${caseNo} trong kho lưu trữ.`;
				showError($('status'), err);
			});
	}
})();
