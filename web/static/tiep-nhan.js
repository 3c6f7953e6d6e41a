// tiep-nhan.js -- the front-desk page (docs/http-api.md, "Front desk"):
// pick a scanner and profile, give the case number (barcode reader,
// keyboard, or read from the receipt page), pick the component, scan into
// a draft, arrange its pages and check its identity fields, then commit.
// Everything works from the keyboard alone.
'use strict';
(function () {
	const { api, el } = window.sohoa;
	const $ = (id) => document.getElementById(id);
	const form = $('scan-form');
	const caseIn = $('case');
	const caseMsg = $('case-msg');
	const compIn = $('component');
	const compMsg = $('component-msg');
	const pagesEl = $('pages');

	const RECEIPT = 'Giấy tiếp nhận hồ sơ và hẹn trả kết quả';
	const SOURCE_NAMES = { flatbed: 'Mặt kính', adf: 'Khay nạp giấy (ADF)', duplex: 'Hai mặt (ADF)' };
	const MODE_NAMES = { color: 'Màu', gray: 'Xám', lineart: 'Đen trắng' };
	const FIELD_NAMES = {
		id_number: 'Số định danh', old_id_number: 'Số CMND cũ', full_name: 'Họ và tên',
		date_of_birth: 'Ngày sinh', sex: 'Giới tính', nationality: 'Quốc tịch',
		place_of_origin: 'Quê quán', place_of_residence: 'Nơi thường trú',
		date_of_issue: 'Ngày cấp', date_of_expiry: 'Có giá trị đến',
	};
	const SOURCE_LABEL = { qr: 'Mã QR', ocr: 'Nhận dạng chữ', 'qr+ocr': 'QR + chữ', staff: 'Nhân viên nhập' };
	const STATE_TEXT = {
		capturing: 'Đang quét…', captured: 'Đã quét xong, chờ kiểm tra.',
		faulted: 'Máy quét báo lỗi.', filing: 'Đang ghi vào hồ sơ lưu trữ…',
		filed: 'Đã ghi vào hồ sơ lưu trữ, đang cập nhật chỉ mục…',
	};
	const LOW_CONFIDENCE = 0.8;

	let devices = [];
	let procedures = [];
	let caseOk = null; // normalized case number once valid
	let draft = null; // the last GET /api/desk/job/ID answer
	let jobId = null;
	let receiptMode = false; // the draft reads the case number from its page
	let replaceFile = null; // rescan: the page the next new page replaces
	let knownFiles = new Set();
	let viewPending = 0;
	let pollTimer = null;
	let fieldsSig = new Map(); // file -> signature of the fields shown

	// A message for staff: the server's own when it is Vietnamese.
	function say(err) {
		if (err && err.detail && /[^\x00-\x7f]/.test(err.detail)) return err.detail;
		return (err && err.message) || String(err);
	}
	function showError(where, err) {
		const p = $(where);
		p.textContent = typeof err === 'string' ? err : say(err);
		p.hidden = false;
	}
	function clearError(where) { $(where).hidden = true; }

	// ---- scanner and profile -------------------------------------------------
	function fillSelect(sel, values, names, want) {
		sel.replaceChildren(...values.map((v) => el('option', { value: v }, names[v] || v)));
		if (want && values.includes(want)) sel.value = want;
	}

	function dpiChoices(d) {
		const std = [150, 200, 300, 400, 600];
		if (!d) return std;
		const list = (d.resolutions || '').split(',').map((s) => parseInt(s, 10)).filter((n) => n > 0);
		if (list.length && !(d.resolutions || '').includes('..')) return list;
		const lo = d.dpi_min || 50, hi = d.dpi_max || 1200;
		const ok = std.filter((n) => n >= lo && n <= hi);
		return ok.length ? ok : [lo];
	}

	function saved() {
		try { return JSON.parse(localStorage.getItem('sohoa.desk.profile') || '{}'); } catch (e) { return {}; }
	}
	function save() {
		localStorage.setItem('sohoa.desk.profile', JSON.stringify({
			device: $('device').value, source: $('source').value, mode: $('mode').value,
			dpi: $('dpi').value, options: $('options').value,
		}));
	}

	function deviceChanged() {
		const d = devices.find((x) => x.name === $('device').value);
		const s = saved();
		fillSelect($('source'), d && d.sources.length ? d.sources : ['flatbed'], SOURCE_NAMES, s.source);
		fillSelect($('mode'), d && d.modes.length ? d.modes : ['gray'], MODE_NAMES, s.mode || 'gray');
		const dpis = dpiChoices(d).map(String);
		fillSelect($('dpi'), dpis, {}, s.dpi || (dpis.includes('300') ? '300' : dpis[0]));
	}

	async function loadDevices() {
		try {
			devices = (await api('/api/devices')).devices.filter((d) => !d.error);
		} catch (e) {
			showError('desk-error', e);
			devices = [];
		}
		const sel = $('device');
		if (!devices.length) {
			sel.replaceChildren(el('option', { value: '' }, 'Không tìm thấy máy quét'));
		} else {
			sel.replaceChildren(...devices.map((d) =>
				el('option', { value: d.name }, `${d.vendor} ${d.model} (${d.name})`)));
			const s = saved();
			if (s.device && devices.some((d) => d.name === s.device)) sel.value = s.device;
		}
		const s = saved();
		if (s.options) $('options').value = s.options;
		deviceChanged();
	}

	// ---- procedures and components --------------------------------------------
	async function loadProcedures() {
		try {
			procedures = (await api('/api/desk/procedures')).procedures;
		} catch (e) {
			showError('desk-error', e);
			return;
		}
		$('procedure').append(...procedures.map((p, i) => el('option', { value: String(i) }, p.name)));
		procedureChanged();
	}
	function procedureChanged() {
		const p = procedures[parseInt($('procedure').value, 10)];
		const names = p ? p.components : [...new Set(procedures.flatMap((x) => x.components))];
		$('components').replaceChildren(...names.map((n) => el('option', { value: n })));
	}

	// ---- case number: barcode reader, keyboard, receipt -----------------------
	let caseSeq = 0;
	async function checkCase() {
		const v = caseIn.value.trim();
		const seq = ++caseSeq;
		if (!v) {
			caseOk = null;
			caseIn.removeAttribute('aria-invalid');
			caseMsg.className = 'field-msg muted';
			caseMsg.textContent = 'Quét mã vạch trên giấy tiếp nhận, gõ mã, hoặc bấm «Đọc mã từ giấy tiếp nhận».';
			return false;
		}
		let r;
		try {
			r = await api('/api/desk/case?number=' + encodeURIComponent(v));
		} catch (e) {
			if (seq === caseSeq) showError('desk-error', e);
			return false;
		}
		if (seq !== caseSeq) return caseOk !== null; // typed on meanwhile
		if (r.valid) {
			caseOk = r.case;
			caseIn.setAttribute('aria-invalid', 'false');
			caseMsg.className = 'field-msg good';
			caseMsg.textContent = `Mã hợp lệ: ${r.case} (tiếp nhận ngày ${r.receipt_date.split('-').reverse().join('/')})` +
				(r.archived ? ' — hồ sơ đã có trong kho, các trang quét sẽ được bổ sung.' : '.');
		} else {
			caseOk = null;
			caseIn.setAttribute('aria-invalid', 'true');
			caseMsg.className = 'field-msg bad';
			caseMsg.textContent = r.error;
		}
		return r.valid;
	}
	let caseTimer = null;
	caseIn.addEventListener('input', () => {
		clearTimeout(caseTimer);
		caseTimer = setTimeout(checkCase, 250);
	});
	// a keyboard-wedge reader types the code fast and presses Enter
	caseIn.addEventListener('keydown', async (ev) => {
		if (ev.key !== 'Enter') return;
		ev.preventDefault();
		clearTimeout(caseTimer);
		if (!(await checkCase())) { caseIn.focus(); return; }
		if (draft && !draft.case && !draft.committed) { await setDraftCase(caseOk); return; }
		if (compIn.value.trim()) startScan();
		else compIn.focus();
	});
	compIn.addEventListener('input', () => { compMsg.textContent = ''; compIn.removeAttribute('aria-invalid'); });

	// A barcode reader types the code far faster than a person, then
	// Enter, into whatever field has the focus.  A burst like that which
	// has the shape of a case number goes to the case number field, and the
	// field it landed in gets its text back.
	const CASE_SHAPE = /^[0-9A-Za-z]{1,10}(\.[0-9A-Za-z]{1,10}){0,6}-\d{6}-\d{4,12}$/;
	let burst = { target: null, start: 0, before: '', keys: 0, last: 0 };
	document.addEventListener('keydown', (ev) => {
		const t = ev.target;
		if (t === caseIn || !(t instanceof HTMLInputElement) || t.type !== 'text') return;
		const now = performance.now();
		if (ev.key === 'Enter') {
			const typed = t.value.slice(burst.before.length).trim();
			if (burst.target === t && burst.keys >= 10 && (now - burst.start) / burst.keys < 35 &&
				t.value.startsWith(burst.before) && CASE_SHAPE.test(typed)) {
				ev.preventDefault();
				ev.stopImmediatePropagation();
				t.value = burst.before;
				t.dispatchEvent(new Event('input'));
				caseIn.value = typed;
				caseIn.focus();
				checkCase();
			}
			burst = { target: null, start: 0, before: '', keys: 0, last: 0 };
			return;
		}
		if (ev.key.length !== 1) return;
		if (burst.target !== t || now - burst.last > 100) {
			burst = { target: t, start: now, before: t.value, keys: 0, last: now };
		}
		burst.keys++;
		burst.last = now;
	}, true);
	$('procedure').addEventListener('change', procedureChanged);
	$('device').addEventListener('change', () => { deviceChanged(); save(); });
	for (const id of ['source', 'mode', 'dpi', 'options']) $(id).addEventListener('change', save);

	function profile() {
		const set = $('options').value.split('\n').map((s) => s.trim()).filter(Boolean);
		return {
			device: $('device').value || undefined, source: $('source').value || undefined,
			mode: $('mode').value || undefined, dpi: parseInt($('dpi').value, 10) || undefined,
			set,
		};
	}

	// ---- scanning into a draft ------------------------------------------------
	async function startScan() {
		clearError('desk-error');
		clearTimeout(caseTimer);
		const valid = await checkCase();
		if (!valid) {
			if (!caseIn.value.trim()) {
				caseMsg.className = 'field-msg bad';
				caseMsg.textContent = 'Chưa nhập mã hồ sơ.';
				caseIn.setAttribute('aria-invalid', 'true');
			}
			caseIn.focus();
			return;
		}
		const component = compIn.value.trim();
		if (!component) {
			compMsg.className = 'field-msg bad';
			compMsg.textContent = 'Chọn hoặc nhập tên thành phần hồ sơ.';
			compIn.setAttribute('aria-invalid', 'true');
			compIn.focus();
			return;
		}
		// the same case and component: more pages into the open draft
		if (draft && !draft.committed && draft.case === caseOk && draft.component === component) {
			return scanMore();
		}
		await newDraft({ case: caseOk, component, ...profile() });
	}

	async function newDraft(body) {
		const btn = $('scan');
		btn.disabled = true;
		// a draft that never got a page (wrong device, empty feeder) goes
		if (draft && jobId && !draft.committed && !draft.busy && draft.pages && !draft.pages.length) {
			await api(`/api/desk/job/${encodeURIComponent(jobId)}/discard`, { method: 'POST' }).catch(() => {});
		}
		try {
			const r = await api('/api/desk/scan', { method: 'POST', body });
			openDraft(r.job);
		} catch (e) {
			if (e.field === 'case') {
				caseMsg.className = 'field-msg bad';
				caseMsg.textContent = say(e);
				caseIn.focus();
			} else if (e.field === 'component') {
				compMsg.className = 'field-msg bad';
				compMsg.textContent = say(e);
				compIn.focus();
			} else {
				showError('desk-error', e);
			}
		} finally {
			btn.disabled = false;
		}
	}

	async function scanMore() {
		clearError('draft-error');
		try {
			await api('/api/desk/scan', { method: 'POST', body: { job: jobId } });
			$('draft-state').textContent = 'Đang quét…';
			poll();
		} catch (e) {
			showError('draft-error', e);
		}
	}

	function openDraft(id) {
		jobId = id;
		draft = null;
		knownFiles = new Set();
		fieldsSig = new Map();
		replaceFile = null;
		pagesEl.replaceChildren();
		$('filed').hidden = true;
		$('draft').hidden = false;
		clearError('draft-error');
		$('draft-state').textContent = 'Đang quét…';
		poll();
	}

	form.addEventListener('submit', (ev) => { ev.preventDefault(); startScan(); });

	$('read-receipt').addEventListener('click', async () => {
		clearError('desk-error');
		receiptMode = true;
		caseIn.value = '';
		caseOk = null;
		caseMsg.className = 'field-msg muted';
		caseMsg.textContent = 'Đang quét giấy tiếp nhận để đọc mã hồ sơ…';
		compIn.value = RECEIPT;
		await newDraft({ receipt: true, component: RECEIPT, ...profile() });
	});

	async function setDraftCase(number) {
		try {
			await api(`/api/desk/job/${encodeURIComponent(jobId)}/case`, { method: 'POST', body: { case: number } });
			receiptMode = false;
			poll();
			compIn.focus();
		} catch (e) {
			showError('draft-error', e);
		}
	}

	// ---- the draft: poll, previews, fields ---------------------------------------
	async function poll() {
		clearTimeout(pollTimer);
		if (!jobId) return;
		const id = jobId;
		let d;
		try {
			d = await api(`/api/desk/job/${encodeURIComponent(id)}`);
		} catch (e) {
			if (id === jobId) {
				showError('draft-error', e);
				pollTimer = setTimeout(poll, 3000);
			}
			return;
		}
		if (id !== jobId) return;
		clearError('draft-error');
		draft = d;
		render();
		if (d.filed) return showFiled(d);
		// every second while something is on its way, else now and then
		const pending = d.state === 'capturing' || d.busy || (d.committed && !d.filed) ||
			(d.pages || []).some((p) => !p.ocr || p.stale);
		pollTimer = setTimeout(poll, pending ? 1000 : 4000);
	}

	function view() { // staff's arrangement, as shown
		return [...pagesEl.children].map((li) => ({
			file: li.dataset.file, rotation: parseInt(li.dataset.rotation, 10) || 0,
			removed: li.dataset.removed === 'true',
		}));
	}

	async function sendView() {
		viewPending++;
		try {
			await api(`/api/desk/job/${encodeURIComponent(jobId)}/view`, { method: 'POST', body: { pages: view() } });
		} catch (e) {
			showError('draft-error', e);
		} finally {
			viewPending--;
		}
	}

	function render() {
		const d = draft;
		$('draft-title').textContent = d.case ? `Bản nháp: ${d.case} — ${d.component}` :
			`Bản nháp: ${d.component} (chưa có mã hồ sơ)`;
		const kept = (d.pages || []).filter((p) => !p.removed).length;
		const waitingOcr = (d.pages || []).filter((p) => !p.ocr || p.stale).length;
		let state = STATE_TEXT[d.state] || d.state;
		if (d.state === 'faulted' && d.error) state += ' ' + d.error;
		if (d.committed && !d.filed) state = 'Đã chuyển lưu trữ, đang ghi…';
		if (d.filing_error) showError('draft-error', 'Chưa lưu được vào kho lưu trữ (báo quản trị viên; các trang vẫn được giữ an toàn): ' + d.filing_error);
		$('draft-state').textContent = `${state} ${kept} trang` +
			(waitingOcr ? `, ${waitingOcr} trang đang nhận dạng.` : '.');
		// a scan that is running holds the draft (busy); one that died or
		// is still queued leaves it "capturing": the commit files what is in
		$('commit').disabled = !!d.committed || d.busy || kept === 0 || !d.case;
		$('scan-more').disabled = !!d.committed || d.busy;

		if (d.filed || !d.pages) return;
		// a rescan: the first new page takes the replaced page's place
		const fresh = d.pages.filter((p) => !knownFiles.has(p.file));
		const firstRender = knownFiles.size === 0;
		for (const p of d.pages) knownFiles.add(p.file);
		if (!viewPending) arrange(d.pages);
		if (!firstRender && fresh.length && replaceFile) {
			const old = pagesEl.querySelector(`li[data-file="${CSS.escape(replaceFile)}"]`);
			const neu = pagesEl.querySelector(`li[data-file="${CSS.escape(fresh[0].file)}"]`);
			if (old && neu) {
				pagesEl.insertBefore(neu, old);
				setRemoved(old, true);
				sendView();
				neu.focus();
			}
			replaceFile = null;
		}
		// while a scan holds the draft (or once committed) it cannot change
		const locked = !!d.committed || d.busy;
		for (const b of pagesEl.querySelectorAll('.tools button, .confirm')) b.disabled = locked;
		if (receiptMode && !d.case) readCaseFromPages(d.pages);
	}

	// place the <li>s in the server's order (keeping focus), update them
	function arrange(pages) {
		const focused = document.activeElement;
		pages.forEach((p, i) => {
			let li = pagesEl.querySelector(`li[data-file="${CSS.escape(p.file)}"]`);
			if (!li) li = pageItem(p);
			if (pagesEl.children[i] !== li) pagesEl.insertBefore(li, pagesEl.children[i] || null);
			li.dataset.rotation = String(p.rotation);
			setRemoved(li, p.removed);
			updatePage(li, p);
		});
		numberPages();
		if (focused && focused !== document.activeElement && document.contains(focused)) focused.focus();
	}

	function numberPages() {
		let n = 0;
		for (const li of pagesEl.children) {
			const removed = li.dataset.removed === 'true';
			if (!removed) n++;
			li.querySelector('.num').textContent = removed ? 'Trang đã bỏ' : `Trang ${n}`;
			li.setAttribute('aria-label', (removed ? 'Trang đã bỏ' : `Trang ${n}`) + `, ${li.dataset.file}`);
			li.querySelector('.thumb img').className = 'rot-' + ((parseInt(li.dataset.rotation, 10) +
				(parseInt(li.dataset.detected, 10) || 0)) % 360);
		}
	}

	function setRemoved(li, removed) {
		li.dataset.removed = removed ? 'true' : 'false';
		li.classList.toggle('removed', removed);
		li.querySelector('.remove').textContent = removed ? 'Lấy lại trang' : 'Bỏ trang';
	}

	function pageItem(p) {
		const tool = (cls, label, fn, title) => el('button', { type: 'button', class: cls, title, onclick: fn }, label);
		const li = el('li', { class: 'page', tabindex: '0', dataset: { file: p.file } },
			el('div', { class: 'thumb' },
				el('img', { src: `/api/desk/job/${encodeURIComponent(jobId)}/page/${encodeURIComponent(p.file)}`,
					alt: `Ảnh trang ${p.captured_as}` })),
			el('div', { class: 'side' },
				el('div', { class: 'head' }, el('strong', { class: 'num' }), el('span', { class: 'badges' })),
				el('div', { class: 'tools' },
					tool('rot-left', '↶ Xoay trái', () => rotate(li, 270), 'L'),
					tool('rot-right', '↷ Xoay phải', () => rotate(li, 90), 'R'),
					tool('up', '↑ Lên', () => move(li, -1), 'Alt+↑'),
					tool('down', '↓ Xuống', () => move(li, 1), 'Alt+↓'),
					tool('rescan', 'Quét lại', () => rescan(li)),
					tool('remove', 'Bỏ trang', () => toggleRemoved(li), 'Delete')),
				el('div', { class: 'fields-box' })));
		li.addEventListener('keydown', (ev) => pageKeys(ev, li));
		return li;
	}

	function pageKeys(ev, li) {
		if (ev.target !== li) return; // typing in a field
		if (draft && (draft.busy || draft.committed) &&
			(ev.altKey || (ev.key !== 'ArrowUp' && ev.key !== 'ArrowDown'))) return;
		const k = ev.key;
		if ((k === 'ArrowUp' || k === 'ArrowDown') && ev.altKey) {
			ev.preventDefault();
			move(li, k === 'ArrowUp' ? -1 : 1);
		} else if (k === 'ArrowUp' || k === 'ArrowDown') {
			ev.preventDefault();
			const next = k === 'ArrowUp' ? li.previousElementSibling : li.nextElementSibling;
			if (next) next.focus();
		} else if (k === 'r' || k === 'R') {
			ev.preventDefault();
			rotate(li, 90);
		} else if (k === 'l' || k === 'L') {
			ev.preventDefault();
			rotate(li, 270);
		} else if (k === 'Delete') {
			ev.preventDefault();
			toggleRemoved(li);
		}
	}

	function rotate(li, by) {
		li.dataset.rotation = String((parseInt(li.dataset.rotation, 10) + by) % 360);
		numberPages();
		sendView();
	}
	function move(li, dir) {
		const other = dir < 0 ? li.previousElementSibling : li.nextElementSibling;
		if (!other) return;
		if (dir < 0) pagesEl.insertBefore(li, other);
		else pagesEl.insertBefore(other, li);
		numberPages();
		li.focus();
		sendView();
	}
	function toggleRemoved(li) {
		setRemoved(li, li.dataset.removed !== 'true');
		numberPages();
		sendView();
	}
	function rescan(li) {
		replaceFile = li.dataset.file;
		scanMore();
	}

	function badge(text, cls) { return el('span', { class: 'badge ' + (cls || '') }, text); }

	function updatePage(li, p) {
		const o = p.ocr;
		li.dataset.detected = String(o ? o.rotation || 0 : 0);
		const b = li.querySelector('.badges');
		const items = [];
		if (!o) items.push(badge('Đang nhận dạng…'));
		else {
			if (o.blank) items.push(badge('Trang trắng', 'warn'));
			items.push(badge(`Độ tin cậy chữ ${Math.round(100 * (o.mean_confidence || 0))}%`,
				(o.mean_confidence || 0) < LOW_CONFIDENCE && !o.blank ? 'warn' : ''));
			if (o.case_number) items.push(badge(`Mã hồ sơ trên trang: ${o.case_number}`,
				draft.case && o.case_number !== draft.case ? 'bad' : 'good'));
			if (o.case_number_candidate) items.push(badge(`Mã không hợp lệ trên trang: ${o.case_number_candidate}`, 'bad'));
		}
		if (p.rotation) items.push(badge(`Đã xoay ${p.rotation}°`));
		// turned since it was read: sohoad reads it again with the turn
		if (o && p.stale) items.push(badge('Đang nhận dạng lại…', 'warn stale'));
		b.replaceChildren(...items);
		const box = li.querySelector('.fields-box');
		const sig = JSON.stringify(o && o.fields);
		if (fieldsSig.get(p.file) === sig || box.contains(document.activeElement)) return;
		fieldsSig.set(p.file, sig);
		box.replaceChildren(fieldsTable(p));
	}

	function fieldsTable(p) {
		const fields = (p.ocr && p.ocr.fields) || {};
		const review = new Set((p.ocr && p.ocr.needs_review) || []);
		const names = Object.keys(FIELD_NAMES).filter((n) => fields[n]);
		if (!names.length) return el('p', { class: 'muted' }, p.ocr ? 'Không có thông tin nhận dạng cá nhân trên trang này.' : '');
		const rows = names.map((n) => fieldRow(p, n, fields[n], review.has(n)));
		return el('table', { class: 'fields' },
			el('thead', {}, el('tr', {}, el('th', {}, 'Trường'), el('th', {}, 'Giá trị'),
				el('th', {}, 'Nguồn'), el('th', {}, 'Tin cậy'), el('th', {}, ''))),
			el('tbody', {}, rows));
	}

	function fieldRow(p, name, f, needsReview) {
		const staff = f.staff;
		const value = staff ? staff.value : (f.value || '');
		const low = (f.confidence || 0) < LOW_CONFIDENCE;
		const problems = f.problems || [];
		const cls = staff ? 'done' : !f.valid || problems.length ? 'invalid' : low || needsReview ? 'attention' : '';
		const input = el('input', { type: 'text', value, 'aria-label': FIELD_NAMES[name], dataset: { field: name },
			'aria-invalid': !staff && (!f.valid || problems.length) ? 'true' : null });
		const btn = el('button', { type: 'button', class: 'confirm' }, staff ? 'Lưu lại' : 'Xác nhận');
		const saveIt = async () => {
			const v = input.value.trim();
			if (!v) { input.focus(); return; }
			try {
				await api(`/api/desk/job/${encodeURIComponent(jobId)}/field`, {
					method: 'POST', body: { file: p.file, field: name, value: v },
				});
				btn.textContent = 'Đã lưu';
				row.className = 'done';
				fieldsSig.delete(p.file);
				input.blur();
				poll();
			} catch (e) {
				showError('draft-error', e);
			}
		};
		btn.addEventListener('click', saveIt);
		input.addEventListener('keydown', (ev) => { if (ev.key === 'Enter') { ev.preventDefault(); saveIt(); } });
		const notes = [];
		if (problems.length) notes.push(el('span', { class: 'why' }, problems.join('; ')));
		else if (low && !staff) notes.push(el('span', { class: 'why' }, 'Độ tin cậy thấp: kiểm tra lại'));
		if (staff) notes.push(el('span', { class: 'who' },
			(staff.value === f.value ? 'Đã xác nhận' : `Đã sửa (máy đọc: ${f.value || '—'})`) + ` bởi ${staff.by}`));
		const row = el('tr', { class: cls },
			el('th', { scope: 'row' }, FIELD_NAMES[name]),
			el('td', { class: 'val' }, input, notes),
			el('td', {}, SOURCE_LABEL[f.source] || f.source || ''),
			el('td', {}, `${Math.round(100 * (f.confidence || 0))}%`),
			el('td', {}, btn));
		return row;
	}

	function readCaseFromPages(pages) {
		for (const p of pages) {
			if (!p.ocr || p.removed) continue;
			if (p.ocr.case_number) {
				caseIn.value = p.ocr.case_number;
				checkCase().then((ok) => { if (ok) setDraftCase(caseOk); });
				receiptMode = false;
				return;
			}
			if (p.ocr.case_number_candidate) {
				caseIn.value = p.ocr.case_number_candidate;
				caseIn.setAttribute('aria-invalid', 'true');
				caseMsg.className = 'field-msg bad';
				caseMsg.textContent = `Đọc được mã ${p.ocr.case_number_candidate} nhưng mã này không hợp lệ: kiểm tra giấy tiếp nhận, sửa mã rồi bấm Enter.`;
				receiptMode = false;
				caseIn.focus();
				return;
			}
		}
		if (pages.length && pages.every((p) => p.ocr)) {
			caseMsg.className = 'field-msg bad';
			caseMsg.textContent = 'Không đọc được mã hồ sơ trên giấy tiếp nhận: quét mã vạch hoặc gõ mã rồi bấm Enter.';
			receiptMode = false;
			caseIn.focus();
		}
	}

	// ---- commit and what was filed ------------------------------------------------
	async function commit() {
		if (!draft || $('commit').disabled) return;
		clearError('draft-error');
		$('commit').disabled = true;
		try {
			const r = await api(`/api/desk/job/${encodeURIComponent(jobId)}/commit`, { method: 'POST' });
			$('draft-state').textContent = `Đã chuyển lưu trữ ${r.pages} trang, đang ghi…`;
			poll();
		} catch (e) {
			showError('draft-error', e);
			$('commit').disabled = false;
		}
	}
	$('commit').addEventListener('click', commit);
	$('scan-more').addEventListener('click', scanMore);
	document.addEventListener('keydown', (ev) => {
		if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey) && !$('draft').hidden) {
			ev.preventDefault();
			commit();
		}
	});

	function showFiled(d) {
		const f = d.filed;
		$('draft').hidden = true;
		const sec = $('filed');
		sec.hidden = false;
		$('filed-text').textContent = `Đã lưu ${f.pages} trang của «${f.component}» vào hồ sơ ${f.case}.`;
		const facts = [['Mã hồ sơ', f.case], ['Thành phần', f.component], ['Số trang', String(f.pages)],
			['Phiên bản hồ sơ', String(f.revision)], ['Từ trang', String(f.first_page)], ['Tệp lưu trữ', f.bundle]];
		$('filed-facts').replaceChildren(...facts.flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]));
		jobId = null;
		draft = null;
		sec.focus();
	}

	function reset(keepCase) {
		clearTimeout(pollTimer);
		jobId = null;
		draft = null;
		$('draft').hidden = true;
		$('filed').hidden = true;
		pagesEl.replaceChildren();
		compIn.value = '';
		if (!keepCase) {
			caseIn.value = '';
			checkCase();
			caseIn.focus();
		} else {
			compIn.focus();
		}
		loadDrafts();
	}
	// drafts not committed (left for later, or from before a restart)
	async function loadDrafts() {
		let list = [];
		try { list = (await api('/api/desk/jobs')).drafts; } catch (e) { /* shown elsewhere */ }
		list = list.filter((d) => d.job !== jobId);
		const box = $('open-drafts');
		box.hidden = !list.length;
		box.querySelector('ul').replaceChildren(...list.map((d) => el('li', {},
			el('button', { type: 'button', onclick: () => {
				caseIn.value = d.case;
				compIn.value = d.component;
				if (d.case) checkCase();
				openDraft(d.job);
				loadDrafts();
			} }, `${d.case || '(chưa có mã)'} — ${d.component} (${d.pages} trang)`))));
	}

	$('next-component').addEventListener('click', () => reset(true));
	$('next-case').addEventListener('click', () => reset(false));
	$('new-draft').addEventListener('click', () => reset(false));

	loadProcedures();
	loadDevices();
	loadDrafts();
	caseIn.focus();
})();
