/* search.c -- compiles a parsed query (query.c) into SQL and runs it.
 *
 * Plan.  The top-level AND is split into conjuncts.  Those made only of
 * words, phrases and name: (and AND/OR/NOT of them) become one FTS5 MATCH
 * expression over page_fts, the "driver"; every other conjunct becomes an
 * SQL condition on `pages` (b-tree columns), with any FTS part nested in
 * it as `p.id IN (SELECT rowid FROM page_fts WHERE page_fts MATCH ?)`.
 * All user text is bound as parameters; FTS5 strings are quoted with ""
 * escaped, so query syntax never reaches FTS5 raw.
 *
 * Cost.  bm25 costs 1-3 us per hit, so scoring every hit of a common word
 * at a million pages takes seconds.  Phase 1 therefore takes the newest
 * CANDIDATES (2,000) matching pages (FTS5 walks its doclists in rowid
 * order and stops there), scores only those with sohoa_rank (rank.c:
 * bm25 without the IDF scan that costs seconds for a common phrase),
 * marks the ones that also match the query as typed (page_exact, diacritics
 * kept) and sorts them; phase 2 fetches snippets for the page of hits shown.
 * date:, captured: and case: conjuncts first narrow the rowid range (pages are
 * indexed in receipt order, so the range is tight).  Counting never scores.
 */
#include "index/index.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "index_int.h"

/* Hits scored per query (the newest matching pages). */
#define CANDIDATES 2000
/* Added to the score of pages that also match the query as typed, with
 * its diacritics; -bm25 stays far below it. */
#define EXACT_BONUS 1000.0

/* ---- growing strings and parameter lists ------------------------------- */

struct sbuf {
	char *s;
	size_t len, cap;
	int oom;
};

static void sb_addn(struct sbuf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = (b->len + n + 1) * 2;
		char *g = realloc(b->s, cap);

		if (!g) {
			b->oom = 1;
			return;
		}
		b->s = g;
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void sb_add(struct sbuf *b, const char *s)
{
	sb_addn(b, s, strlen(s));
}

/* An FTS5 string: "..." with " doubled. */
static void sb_fts_string(struct sbuf *b, const char *s)
{
	sb_add(b, "\"");
	for (; *s; s++)
		sb_addn(b, *s == '"' ? "\"\"" : s, *s == '"' ? 2 : 1);
	sb_add(b, "\"");
}

struct param {
	char *s; /* owned; NULL: integer */
	long long i;
};

struct params {
	struct param *v;
	size_t n;
	int oom;
};

static void pa_push(struct params *pa, char *owned, long long i)
{
	struct param *g;

	if (pa->oom || !(g = realloc(pa->v, (pa->n + 1) * sizeof(*g)))) {
		pa->oom = 1;
		free(owned);
		return;
	}
	pa->v = g;
	pa->v[pa->n].s = owned;
	pa->v[pa->n++].i = i;
}

static void pa_text(struct params *pa, const char *s)
{
	char *d = strdup(s);

	if (!d) {
		pa->oom = 1;
		return;
	}
	pa_push(pa, d, 0);
}

static void pa_dispose(struct params *pa)
{
	for (size_t i = 0; i < pa->n; i++)
		free(pa->v[i].s);
	free(pa->v);
	memset(pa, 0, sizeof(*pa));
}

static void bind_all(sqlite3_stmt *st, const struct params *pa)
{
	for (size_t i = 0; i < pa->n; i++)
		if (pa->v[i].s)
			sqlite3_bind_text(st, (int)i + 1, pa->v[i].s, -1,
			                  SQLITE_STATIC);
		else
			sqlite3_bind_int64(st, (int)i + 1, pa->v[i].i);
}

/* ---- FTS5 expressions --------------------------------------------------- */

typedef sohoa_index__node node;

static int is_fts(const node *n);

/* A NOT whose operand is pure FTS can be a right operand of FTS5 NOT. */
static int is_fts_not(const node *n)
{
	return n->kind == SOHOA_INDEX__N_NOT && is_fts(n->kids[0]);
}

/* Can `n` be written as one FTS5 expression? */
static int is_fts(const node *n)
{
	size_t i, pos = 0;

	switch (n->kind) {
	case SOHOA_INDEX__N_WORD:
	case SOHOA_INDEX__N_PHRASE:
	case SOHOA_INDEX__N_NAME:
		return 1;
	case SOHOA_INDEX__N_OR:
		for (i = 0; i < n->nkids; i++)
			if (!is_fts(n->kids[i]))
				return 0;
		return 1;
	case SOHOA_INDEX__N_AND:
		for (i = 0; i < n->nkids; i++) {
			if (is_fts(n->kids[i]))
				pos++;
			else if (!is_fts_not(n->kids[i]))
				return 0;
		}
		return pos > 0;
	default:
		return 0;
	}
}

static int has_8bit(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return 1;
	return 0;
}

/* Write FTS node `n` (is_fts) folded or as typed.  As typed (exact), only
 * leaves with diacritics count: returns 0 when nothing was written. */
static int fts_expr(struct sbuf *b, const node *n, int exact)
{
	struct sbuf part = {0};
	size_t i, wrote = 0;

	switch (n->kind) {
	case SOHOA_INDEX__N_WORD:
	case SOHOA_INDEX__N_PHRASE:
	case SOHOA_INDEX__N_NAME:
		if (exact && !has_8bit(n->text))
			return 0;
		if (n->kind == SOHOA_INDEX__N_NAME)
			sb_add(b, "name : ");
		sb_fts_string(b, exact ? n->text : n->folded);
		return 1;
	case SOHOA_INDEX__N_OR:
	case SOHOA_INDEX__N_AND:
		for (i = 0; i < n->nkids; i++) {
			const node *k = n->kids[i];

			if (k->kind == SOHOA_INDEX__N_NOT)
				continue;
			part.len = 0;
			if (part.s)
				part.s[0] = '\0';
			if (!fts_expr(&part, k, exact))
				continue;
			if (wrote++)
				sb_add(b, n->kind == SOHOA_INDEX__N_OR
				              ? " OR "
				              : " AND ");
			sb_add(b, "(");
			sb_add(b, part.s ? part.s : "");
			sb_add(b, ")");
			b->oom |= part.oom;
		}
		free(part.s);
		if (exact || n->kind == SOHOA_INDEX__N_OR)
			return wrote > 0;
		/* folded AND: then the NOTs, (X) NOT (y) */
		for (i = 0; i < n->nkids; i++) {
			if (n->kids[i]->kind != SOHOA_INDEX__N_NOT)
				continue;
			/* wrap what we have so far */
			{
				struct sbuf w = {0};

				sb_add(&w, "(");
				sb_add(&w, b->s ? b->s : "");
				sb_add(&w, ") NOT (");
				fts_expr(&w, n->kids[i]->kids[0], 0);
				sb_add(&w, ")");
				free(b->s);
				*b = w;
			}
		}
		return 1;
	default:
		return 0;
	}
}

/* ---- SQL conditions ---------------------------------------------------- */

static void sql_fts_in(struct sbuf *b, struct params *pa, const node *n)
{
	struct sbuf e = {0};

	fts_expr(&e, n, 0);
	sb_add(b,
	       "p.id IN (SELECT rowid FROM page_fts WHERE page_fts MATCH ?)");
	if (e.oom || !e.s)
		pa->oom = 1;
	else
		pa_push(pa, e.s, 0);
}

/* type:PREFIX* (id_card_* for every kind of identity card): the b-tree
 * range of the lower-cased prefix, as case:PREFIX*.  0 when `text` is no
 * prefix. */
static int type_prefix(struct sbuf *b, struct params *pa, const char *text)
{
	size_t len = strlen(text);
	char *lo, *hi;

	if (len < 2 || text[len - 1] != '*')
		return 0;
	lo = malloc(len);
	hi = malloc(len);
	if (!lo || !hi) {
		free(lo);
		free(hi);
		pa->oom = 1;
		return 1;
	}
	for (size_t i = 0; i < len - 1; i++)
		lo[i] = hi[i] = (char)tolower((unsigned char)text[i]);
	lo[len - 1] = hi[len - 1] = '\0';
	hi[len - 2]++; /* ASCII: the first string past the prefix */
	sb_add(b, "(p.document_type >= ? AND p.document_type < ?)");
	pa_push(pa, lo, 0);
	pa_push(pa, hi, 0);
	return 1;
}

static void sql_expr(struct sbuf *b, struct params *pa, const node *n)
{
	size_t i;

	if (is_fts(n)) {
		sql_fts_in(b, pa, n);
		return;
	}
	switch (n->kind) {
	case SOHOA_INDEX__N_AND:
	case SOHOA_INDEX__N_OR:
		sb_add(b, "(");
		for (i = 0; i < n->nkids; i++) {
			if (i)
				sb_add(b, n->kind == SOHOA_INDEX__N_OR
				              ? " OR "
				              : " AND ");
			sql_expr(b, pa, n->kids[i]);
		}
		sb_add(b, ")");
		break;
	case SOHOA_INDEX__N_NOT:
		sb_add(b, "NOT (");
		sql_expr(b, pa, n->kids[0]);
		sb_add(b, ")");
		break;
	case SOHOA_INDEX__N_ID: {
		struct sbuf e = {0};

		/* the field from the analysis, or the number in the text */
		sb_add(b, "(p.id_number = ? OR p.id IN (SELECT rowid FROM "
		          "page_fts WHERE page_fts MATCH ?))");
		pa_text(pa, n->text);
		sb_add(&e, "text : ");
		sb_fts_string(&e, n->folded);
		if (e.oom)
			pa->oom = 1;
		else
			pa_push(pa, e.s, 0);
		break;
	}
	case SOHOA_INDEX__N_CASE:
		if (n->prefix) {
			sb_add(b, "(p.case_number >= ? AND p.case_number < ?)");
			pa_text(pa, n->lo);
			pa_text(pa, n->hi);
		} else {
			sb_add(b, "p.case_number = ?");
			pa_text(pa, n->text);
		}
		break;
	case SOHOA_INDEX__N_DOB:
		sb_add(b, "p.date_of_birth = ?");
		pa_text(pa, n->text);
		break;
	case SOHOA_INDEX__N_TYPE:
		if (type_prefix(b, pa, n->text))
			break;
		sb_add(b, "p.document_type = ? COLLATE NOCASE");
		pa_text(pa, n->text);
		break;
	case SOHOA_INDEX__N_KIND:
		sb_add(b, "p.kind = ? COLLATE NOCASE");
		pa_text(pa, n->text);
		break;
	case SOHOA_INDEX__N_PROC:
		sb_add(b, "p.procedure_code = ? COLLATE NOCASE");
		pa_text(pa, n->text);
		break;
	case SOHOA_INDEX__N_DATE:
	case SOHOA_INDEX__N_CAPTURED:
		sb_add(b, n->kind == SOHOA_INDEX__N_DATE
		              ? "p.receipt_date BETWEEN ? AND ?"
		              : "p.capture_date BETWEEN ? AND ?");
		pa_text(pa, n->lo);
		pa_text(pa, n->hi);
		break;
	default: /* words are FTS, handled above */
		sb_add(b, "0");
		break;
	}
}

/* ---- the plan ----------------------------------------------------------- */

struct plan {
	struct sbuf match; /* driver MATCH expression, folded ("" if none) */
	struct sbuf exact; /* as typed, diacritics leaves only ("" if none) */
	struct sbuf where; /* SQL over p, "" if none */
	struct params wpa; /* parameters of `where` */
	long long lo, hi;  /* rowid range */
	int empty;         /* the range is empty: no hits */
	int by_case;       /* no driver, a top-level case: conjunct */
};

static void plan_dispose(struct plan *pl)
{
	free(pl->match.s);
	free(pl->exact.s);
	free(pl->where.s);
	pa_dispose(&pl->wpa);
}

/* Narrow [lo, hi] with the rowids of pages a range conjunct admits. */
static int narrow(struct plan *pl, sqlite3 *db, const char *path, const node *n)
{
	struct sbuf b = {0};
	struct params pa = {0};
	sqlite3_stmt *st = NULL;
	int rc;

	sb_add(&b, "SELECT min(p.id), max(p.id) FROM pages AS p WHERE ");
	sql_expr(&b, &pa, n);
	if (b.oom || pa.oom) {
		rc = sohoa_error_set(SOHOA_ENOMEM, "out of memory");
		goto done;
	}
	rc = sqlite3_prepare_v2(db, b.s, -1, &st, NULL);
	if (rc == SQLITE_OK) {
		bind_all(st, &pa);
		rc = sqlite3_step(st);
	}
	if (rc != SQLITE_ROW) {
		rc = sohoa_index__db_fail(db, path, rc, "search");
		goto done;
	}
	if (sqlite3_column_type(st, 0) == SQLITE_NULL) {
		pl->empty = 1;
	} else {
		long long a = sqlite3_column_int64(st, 0);
		long long z = sqlite3_column_int64(st, 1);

		if (a > pl->lo)
			pl->lo = a;
		if (z < pl->hi)
			pl->hi = z;
		if (pl->lo > pl->hi)
			pl->empty = 1;
	}
	rc = SOHOA_OK;
done:
	sqlite3_finalize(st);
	free(b.s);
	pa_dispose(&pa);
	return rc;
}

static int make_plan(struct plan *pl, sqlite3 *db, const char *path,
                     const node *q)
{
	const node *const *conj = (const node *const *)&q;
	size_t nconj = 1, i, nfts = 0, nsql = 0;
	int rc;

	memset(pl, 0, sizeof(*pl));
	pl->lo = INT64_MIN;
	pl->hi = INT64_MAX;
	if (q->kind == SOHOA_INDEX__N_AND) {
		conj = (const node *const *)q->kids;
		nconj = q->nkids;
	}
	for (i = 0; i < nconj; i++)
		nfts += is_fts(conj[i]);
	if (nfts) {
		/* all FTS conjuncts, plus negated ones, as one expression */
		node drv = {.kind = SOHOA_INDEX__N_AND};
		const node **kids = calloc(nconj, sizeof(*kids));

		if (!kids)
			return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
		for (i = 0; i < nconj; i++)
			if (is_fts(conj[i]) || is_fts_not(conj[i]))
				kids[drv.nkids++] = conj[i];
		drv.kids = (node **)kids;
		fts_expr(&pl->match, &drv, 0);
		fts_expr(&pl->exact, &drv, 1);
		free(kids);
	}
	for (i = 0; i < nconj; i++) {
		if (nfts && (is_fts(conj[i]) || is_fts_not(conj[i])))
			continue;
		if (nsql++)
			sb_add(&pl->where, " AND ");
		sql_expr(&pl->where, &pl->wpa, conj[i]);
		if (conj[i]->kind == SOHOA_INDEX__N_CASE)
			pl->by_case = 1;
		if (nfts &&
		    (conj[i]->kind == SOHOA_INDEX__N_DATE ||
		     conj[i]->kind == SOHOA_INDEX__N_CAPTURED ||
		     conj[i]->kind == SOHOA_INDEX__N_CASE) &&
		    (rc = narrow(pl, db, path, conj[i])))
			return rc;
	}
	if (pl->match.oom || pl->exact.oom || pl->where.oom || pl->wpa.oom)
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	return SOHOA_OK;
}

/* ---- running ------------------------------------------------------------ */

struct cand {
	long long rid;
	double score;
	char *case_number; /* owned */
	char *component;   /* owned */
	int page;
};

static int cmp_cand(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;
	int c;

	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	if ((c = strcmp(x->case_number, y->case_number)))
		return -c; /* newer cases first */
	if ((c = strcmp(x->component, y->component)))
		return c;
	return x->page - y->page;
}

static int cmp_rid_desc(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;

	return x->rid < y->rid ? 1 : x->rid > y->rid ? -1 : 0;
}

/* The statement for phase 1 (or counting): driver, range, conditions. */
static int build_select(struct sbuf *b, struct params *pa,
                        const struct plan *pl, int count, size_t cap)
{
	const int drv = pl->match.len > 0;

	if (count && drv && !pl->where.len)
		sb_add(b, "SELECT count(*) FROM page_fts WHERE 1");
	else if (count && drv)
		sb_add(b, "SELECT count(*) FROM page_fts CROSS JOIN pages AS p"
		          " ON p.id = page_fts.rowid WHERE 1");
	else if (count)
		sb_add(b, "SELECT count(*) FROM pages AS p WHERE 1");
	else if (drv)
		sb_add(b, "SELECT p.id, sohoa_rank(page_fts), p.case_number,"
		          " p.component, p.page FROM page_fts CROSS JOIN"
		          " pages AS p ON p.id = page_fts.rowid WHERE 1");
	else
		sb_add(b, "SELECT p.id, 0.0, p.case_number, p.component,"
		          " p.page FROM pages AS p WHERE 1");
	if (drv) {
		sb_add(b, " AND page_fts MATCH ?");
		pa_text(pa, pl->match.s);
		if (pl->lo != INT64_MIN) {
			sb_add(b, " AND page_fts.rowid BETWEEN ? AND ?");
			pa_push(pa, NULL, pl->lo);
			pa_push(pa, NULL, pl->hi);
		}
	}
	if (pl->where.len) {
		sb_add(b, " AND ");
		sb_add(b, pl->where.s);
		for (size_t i = 0; i < pl->wpa.n; i++)
			if (pl->wpa.v[i].s)
				pa_text(pa, pl->wpa.v[i].s);
			else
				pa_push(pa, NULL, pl->wpa.v[i].i);
	}
	if (!count) {
		/* newest first; "+" keeps SQLite from walking the whole
		 * table in rowid order to avoid a sort */
		sb_add(b, drv ? " ORDER BY page_fts.rowid DESC LIMIT ?"
		          : pl->by_case ? " ORDER BY p.case_number DESC LIMIT ?"
		                        : " ORDER BY +p.id DESC LIMIT ?");
		pa_push(pa, NULL, (long long)cap);
	}
	if (b->oom || pa->oom)
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	return SOHOA_OK;
}

static char *dup_col(sqlite3_stmt *st, int col)
{
	const unsigned char *s = sqlite3_column_text(st, col);

	return strdup(s ? (const char *)s : "");
}

/* Snippets are shown on one line: every run of white space (OCR text has
 * line breaks and indents) becomes one space. */
static void squeeze_space(char *s)
{
	char *w = s;
	int space = 0;

	for (char *r = s; *r; r++) {
		if (*r == ' ' || *r == '\n' || *r == '\t' || *r == '\r') {
			space = 1;
			continue;
		}
		if (space && w > s)
			*w++ = ' ';
		space = 0;
		*w++ = *r;
	}
	*w = '\0';
}

static int mark_exact(struct cand *c, size_t n, sqlite3 *db, const char *path,
                      const struct plan *pl)
{
	sqlite3_stmt *st = NULL;
	int rc;

	/* c is sorted by rowid, newest first */
	rc = sqlite3_prepare_v2(db,
	                        "SELECT rowid FROM page_exact WHERE page_exact"
	                        " MATCH ?1 AND rowid BETWEEN ?2 AND ?3",
	                        -1, &st, NULL);
	if (rc != SQLITE_OK)
		goto fail;
	sqlite3_bind_text(st, 1, pl->exact.s, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, c[n - 1].rid);
	sqlite3_bind_int64(st, 3, c[0].rid);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct cand key = {.rid = sqlite3_column_int64(st, 0)};
		struct cand *hit =
		    bsearch(&key, c, n, sizeof(*c), cmp_rid_desc);

		if (hit)
			hit->score += EXACT_BONUS;
	}
	if (rc != SQLITE_DONE)
		goto fail;
	sqlite3_finalize(st);
	return SOHOA_OK;
fail:
	rc = sohoa_index__db_fail(db, path, rc, "search");
	sqlite3_finalize(st);
	return rc;
}

/* Phase 2: kind, type and snippet of one hit. */
static int fill_hit(sohoa_index_hit *h, const struct cand *c, sqlite3 *db,
                    const char *path, const struct plan *pl)
{
	sqlite3_stmt *st = NULL;
	const int drv = pl->match.len > 0;
	int rc;

	rc = sqlite3_prepare_v2(
	    db,
	    drv ? "SELECT p.kind, p.document_type, snippet(page_fts, -1,"
	          " char(2), char(3), '\xE2\x80\xA6', 12) FROM page_fts"
	          " CROSS JOIN pages"
	          " AS p ON p.id = page_fts.rowid WHERE page_fts MATCH ?2"
	          " AND page_fts.rowid = ?1"
	        : "SELECT p.kind, p.document_type, CASE WHEN length(p.text)"
	          " > 100 THEN substr(p.text, 1, 100) || '\xE2\x80\xA6' ELSE"
	          " p.text END FROM pages AS p WHERE p.id = ?1",
	    -1, &st, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, c->rid);
		if (drv)
			sqlite3_bind_text(st, 2, pl->match.s, -1,
			                  SQLITE_STATIC);
		rc = sqlite3_step(st);
	}
	if (rc != SQLITE_ROW) {
		rc = rc == SQLITE_DONE
		         ? sohoa_error_set(SOHOA_EBUSY,
		                           "search: page changed while read")
		         : sohoa_index__db_fail(db, path, rc, "search");
		sqlite3_finalize(st);
		return rc;
	}
	h->case_number = strdup(c->case_number);
	h->component = strdup(c->component);
	h->page = c->page;
	h->score = c->score;
	h->kind = dup_col(st, 0);
	h->document_type = dup_col(st, 1);
	h->marked = dup_col(st, 2);
	sqlite3_finalize(st);
	if (!h->case_number || !h->component || !h->kind || !h->document_type ||
	    !h->marked)
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	squeeze_space(h->marked);
	/* the printable form: matches in [ ] */
	if (!(h->snippet = strdup(h->marked)))
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	for (char *m = h->snippet; *m; m++)
		if (*m == SOHOA_INDEX_MARK_OPEN)
			*m = '[';
		else if (*m == SOHOA_INDEX_MARK_CLOSE)
			*m = ']';
	return SOHOA_OK;
}

int sohoa_index__run(sohoa_index_hit **hits_out, size_t *n_out,
                     long long *count_out, sqlite3 *db, const char *path,
                     const sohoa_index__node *q, size_t limit, size_t offset)
{
	struct plan pl;
	struct sbuf sql = {0};
	struct params pa = {0};
	sqlite3_stmt *st = NULL;
	struct cand *c = NULL;
	sohoa_index_hit *hits = NULL;
	size_t nc = 0, cap, nh = 0, i;
	int rc;

	if ((rc = make_plan(&pl, db, path, q)))
		goto done;
	if (pl.empty || (!count_out && limit == 0))
		goto done;
	cap = offset + limit < offset || offset + limit > SIZE_MAX / 2
	          ? SIZE_MAX / 2
	          : offset + limit;
	/* Unscored (no words): the order is the case number's, which the
	 * b-tree gives for case: queries; the margin keeps a case whose
	 * pages straddle the cut whole (a case has fewer pages). */
	if (pl.match.len == 0 && pl.by_case)
		cap = cap + 1000 < cap ? cap : cap + 1000;
	else if (cap < CANDIDATES)
		cap = CANDIDATES;
	if ((rc = build_select(&sql, &pa, &pl, count_out != NULL, cap)))
		goto done;
	rc = sqlite3_prepare_v2(db, sql.s, -1, &st, NULL);
	if (rc != SQLITE_OK) {
		rc = sohoa_index__db_fail(db, path, rc, "search");
		goto done;
	}
	bind_all(st, &pa);
	if (count_out) {
		rc = sqlite3_step(st);
		if (rc != SQLITE_ROW) {
			rc = sohoa_index__db_fail(db, path, rc, "count");
			goto done;
		}
		*count_out = sqlite3_column_int64(st, 0);
		rc = SOHOA_OK;
		goto done;
	}
	{
		size_t ccap = 0;

		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			if (nc == ccap) {
				struct cand *g;

				ccap = ccap ? ccap * 2 : 64;
				if (!(g = realloc(c, ccap * sizeof(*c)))) {
					rc = sohoa_error_set(SOHOA_ENOMEM,
					                     "out of memory");
					goto done;
				}
				c = g;
			}
			c[nc].rid = sqlite3_column_int64(st, 0);
			c[nc].score = -sqlite3_column_double(st, 1);
			c[nc].page = sqlite3_column_int(st, 4);
			c[nc].case_number = dup_col(st, 2);
			c[nc].component = dup_col(st, 3);
			nc++;
			if (!c[nc - 1].case_number || !c[nc - 1].component) {
				rc = sohoa_error_set(SOHOA_ENOMEM,
				                     "out of memory");
				goto done;
			}
		}
		if (rc != SQLITE_DONE) {
			rc = sohoa_index__db_fail(db, path, rc, "search");
			goto done;
		}
		rc = SOHOA_OK;
	}
	if (nc == 0 || offset >= nc)
		goto done;
	if (pl.exact.len > 0 && (rc = mark_exact(c, nc, db, path, &pl)))
		goto done;
	qsort(c, nc, sizeof(*c), cmp_cand);
	nh = nc - offset < limit ? nc - offset : limit;
	if (!(hits = calloc(nh, sizeof(*hits)))) {
		rc = sohoa_error_set(SOHOA_ENOMEM, "out of memory");
		nh = 0;
		goto done;
	}
	for (i = 0; i < nh; i++)
		if ((rc = fill_hit(&hits[i], &c[offset + i], db, path, &pl)))
			goto done;
done:
	sqlite3_finalize(st);
	for (i = 0; i < nc; i++) {
		free(c[i].case_number);
		free(c[i].component);
	}
	free(c);
	free(sql.s);
	pa_dispose(&pa);
	plan_dispose(&pl);
	if (rc != SOHOA_OK) {
		sohoa_index_hits_free(hits, nh);
		return rc;
	}
	if (hits_out) {
		*hits_out = hits;
		*n_out = nh;
	}
	return SOHOA_OK;
}
