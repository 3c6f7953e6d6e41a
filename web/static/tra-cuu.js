// tra-cuu.js -- the search page: the query and its filters live in the
// address (so Back and a shared link give the same results), results come
// from GET /api/search with snippets the server has escaped and marked.
'use strict';

(() => {
	const { api, el, typeName, kindName, caseUrl, showError, enc } = LT;
	const form = document.getElementById('search-form');
	const summary = document.getElementById('summary');
	const list = document.getElementById('results');
	const pager = document.getElementById('pager');
	const FIELDS = ['q', 'from', 'to', 'type', 'kind'];
	const PER_PAGE = 20;

	function params() {
		const u = new URLSearchParams(location.search);
		return { page: Math.max(1, parseInt(u.get('page') || '1', 10) || 1),
			values: Object.fromEntries(FIELDS.map((f) => [f, u.get(f) || ''])) };
	}

	function fill(values) {
		for (const f of FIELDS) document.getElementById(f).value = values[f];
	}

	function result(r) {
		const href = caseUrl(r.case) + (r.folder ? `&component=${enc(r.folder)}&page=${r.page}` : '');
		const snippet = el('p', { class: 'lt-snippet' });
		// built by the server: the page text HTML-escaped, then <mark>
		snippet.innerHTML = r.snippet_html;
		const thumbs = el('div', { class: 'lt-thumbs' },
			(r.pages || []).map((p) => el('a', { href },
				el('img', { src: p.thumb, alt: `Trang ${p.page} của ${p.component}`, loading: 'lazy' }))));
		return el('li', { class: 'lt-result' }, thumbs,
			el('div', { class: 'lt-result-body' },
				el('h2', {}, el('a', { href, class: 'lt-case', text: r.case })),
				el('p', { class: 'muted' },
					`${r.component} (${kindName(r.kind)}) · trang ${r.page} · ${typeName(r.document_type)}`),
				snippet));
	}

	function paging(total, page) {
		const pages = Math.max(1, Math.ceil(total / PER_PAGE));
		const go = (p) => () => { search(p, true); };
		pager.replaceChildren(
			el('button', { type: 'button', class: 'lt-prev', disabled: page <= 1, onclick: go(page - 1) }, '‹ Trang trước'),
			el('span', { text: ` Trang ${page}/${pages} ` }),
			el('button', { type: 'button', class: 'lt-next', disabled: page >= pages, onclick: go(page + 1) }, 'Trang sau ›'));
		pager.hidden = total <= PER_PAGE;
	}

	async function search(page, push) {
		const values = Object.fromEntries(FIELDS.map((f) => [f, document.getElementById(f).value.trim()]));
		if (!values.q && !values.from && !values.to && !values.type && !values.kind) {
			summary.textContent = 'Nhập từ khóa hoặc chọn bộ lọc để tìm.';
			list.replaceChildren();
			pager.hidden = true;
			return;
		}
		const u = new URLSearchParams();
		for (const f of FIELDS) if (values[f]) u.set(f, values[f]);
		if (page > 1) u.set('page', page);
		if (push) history.pushState(null, '', '/tra-cuu?' + u);
		u.set('per_page', PER_PAGE);
		if (page <= 1) u.set('page', 1);
		summary.textContent = 'Đang tìm…';
		try {
			const data = await api('/api/search?' + u);
			summary.textContent = data.total === 0
				? 'Không tìm thấy trang nào khớp. Hãy thử ít từ hơn hoặc bỏ bớt bộ lọc.'
				: `Tìm thấy ${data.total} trang.`;
			list.replaceChildren(...data.results.map(result));
			paging(data.total, data.page);
		} catch (err) {
			list.replaceChildren();
			pager.hidden = true;
			if (err.status === 400 && err.field === 'q')
				err.message = 'Câu tìm kiếm chưa đúng cú pháp (xem “Cách gõ câu tìm kiếm”).';
			else if (err.status === 400)
				err.message = 'Bộ lọc chưa hợp lệ (ngày theo dạng ngày/tháng/năm).';
			showError(summary, err);
		}
	}

	form.addEventListener('submit', (e) => { e.preventDefault(); search(1, true); });
	for (const f of ['from', 'to', 'type', 'kind'])
		document.getElementById(f).addEventListener('change', () => search(1, true));
	window.addEventListener('popstate', () => { const p = params(); fill(p.values); search(p.page, false); });
	const p = params();
	fill(p.values);
	if (FIELDS.some((f) => p.values[f])) search(p.page, false);
})();
