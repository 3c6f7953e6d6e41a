// xem-xet.js -- the review queue: each item with its pages, why it waits
// (in Vietnamese; the technical reason beside it), and a form that files it
// to a case: POST /api/review/ITEM/file {"case", "component", "kind"}
// puts its pages in sohoad's spool, whose stages recognize and file them.
'use strict';

(() => {
	const { api, el, showError, enc, CASE_RE, caseUrl } = LT;
	const $ = (id) => document.getElementById(id);

	function zoom(src, alt) {
		$('zoom-img').src = src;
		$('zoom-img').alt = alt;
		$('zoom').showModal();
	}

	function item(it) {
		const msg = el('div', { class: 'lt-msg', 'aria-live': 'polite' });
		const caseIn = el('input', { name: 'case', required: true, autocomplete: 'off', spellcheck: 'false',
			placeholder: 'VD: 000.00.22.H27-250701-0001', 'aria-label': 'Mã hồ sơ' });
		const kind = el('select', { name: 'kind', 'aria-label': 'Lưu làm' },
			el('option', { value: 'result', text: 'Kết quả' }),
			el('option', { value: 'component', text: 'Thành phần hồ sơ' }));
		const comp = el('input', { name: 'component', value: 'Kết quả', 'aria-label': 'Tên thành phần' });
		kind.addEventListener('change', () => {
			if (kind.value === 'component' && comp.value === 'Kết quả') comp.value = 'Giấy tờ bổ sung';
			if (kind.value === 'result' && comp.value === 'Giấy tờ bổ sung') comp.value = 'Kết quả';
		});
		const button = el('button', { type: 'submit', class: 'primary' }, 'Lưu vào hồ sơ');
		const form = el('form', { class: 'lt-file' },
			el('label', {}, 'Mã hồ sơ ', caseIn),
			el('label', {}, 'Lưu làm ', kind),
			el('label', {}, 'Tên ', comp), button);
		form.addEventListener('submit', async (e) => {
			e.preventDefault();
			const c = caseIn.value.trim().toUpperCase();
			if (!CASE_RE.test(c)) {
				msg.replaceChildren(el('p', { class: 'error', role: 'alert',
					text: 'Mã hồ sơ chưa đúng dạng {mã cơ quan}-{YYMMDD}-{số thứ tự}, ví dụ 000.00.22.H27-250701-0001.' }));
				caseIn.focus();
				return;
			}
			button.disabled = true;
			msg.replaceChildren(el('p', { text: 'Đang chuyển trang vào hàng đợi lưu hồ sơ…' }));
			try {
				const r = await api(`/api/review/${enc(it.item)}/file`, { method: 'POST',
					body: { case: c, kind: kind.value, component: comp.value.trim() || 'Kết quả' } });
				msg.replaceChildren(el('p', { class: 'ok', role: 'status' },
					`Đã chuyển ${r.pages} trang vào hàng đợi lưu vào hồ sơ `,
					el('a', { href: caseUrl(r.case), text: r.case }),
					'. Hệ thống đang nhận dạng chữ và đóng gói; xem tiến độ ở trang ',
					el('a', { href: '/trang-thai', text: 'Trạng thái' }), '.'));
				form.remove();
				setTimeout(load, 4000);
			} catch (err) {
				if (err.status === 400 && err.field === 'case')
					err.message = 'Mã hồ sơ không hợp lệ (ngày tiếp nhận không có thật, hoặc sai dạng).';
				else if (err.status === 404)
					err.message = 'Mục này không còn trong hàng chờ (có thể người khác đã lưu).';
				showError(msg, err);
				button.disabled = false;
			}
		});
		return el('article', { class: 'lt-item', 'data-item': it.item },
			el('h2', {}, `${it.pages} trang chờ xử lý `, el('span', { class: 'muted small', text: it.item })),
			el('p', { class: 'lt-reason', text: it.reason }),
			el('details', {}, el('summary', { text: 'Chi tiết kỹ thuật' }), el('p', { class: 'muted small', text: it.why })),
			el('div', { class: 'lt-thumbs' }, it.page_urls.map((url, i) => el('a', { href: '#',
				onclick: (e) => { e.preventDefault(); zoom(url + '?size=view', `Trang ${i + 1}`); } },
			el('img', { src: url + '?size=thumb', alt: `Trang ${i + 1} của mục ${it.item}`, loading: 'lazy' })))),
			form, msg);
	}

	async function load() {
		try {
			const d = await api('/api/review');
			$('status').textContent = d.items.length
				? `${d.items.length} mục đang chờ.`
				: 'Không có trang nào chờ xử lý.';
			$('items').replaceChildren(...d.items.map(item));
		} catch (err) {
			showError($('status'), err);
		}
	}

	$('zoom').addEventListener('click', (e) => { if (e.target === $('zoom')) $('zoom').close(); });
	load();
})();
