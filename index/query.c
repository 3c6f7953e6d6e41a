/* query.c -- the search query language: a small lexer that turns what a
 * person typed into a clause list (free words and "quoted phrases", all
 * ANDed), and the FTS5 MATCH expression built from it, with every clause
 * quoted as an FTS5 string so user text is never spliced in raw.
 * Later kinds (field filters, OR/NOT, parentheses) extend the lexer's token
 * set and the clause list (or an AST over it).
 */
#include "index/index.h"

#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "index_int.h"

typedef enum {
	LEX_END,
	LEX_WORD,  /* a run of characters up to white space or a quote */
	LEX_PHRASE /* "..." without the quotes */
} lex_kind;

struct lexer {
	const char *s; /* NFC query */
	size_t i;      /* byte offset of the next character */
	size_t chars;  /* characters before s[i] */
};

struct lex_token {
	lex_kind kind;
	const char *start; /* borrowed from the query */
	size_t len;        /* bytes */
	size_t pos;        /* 1-based character position */
};

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	       c == '\f';
}

static void lex_advance(struct lexer *lx)
{
	/* count characters, not UTF-8 continuation bytes */
	if (((unsigned char)lx->s[lx->i] & 0xC0) != 0x80)
		lx->chars++;
	lx->i++;
}

static int lex_next(struct lex_token *tok, struct lexer *lx)
{
	while (lx->s[lx->i] && is_space(lx->s[lx->i]))
		lex_advance(lx);
	tok->pos = lx->chars + 1;
	if (!lx->s[lx->i]) {
		tok->kind = LEX_END;
		return SOHOA_OK;
	}
	if (lx->s[lx->i] == '"') {
		lex_advance(lx);
		tok->kind = LEX_PHRASE;
		tok->start = lx->s + lx->i;
		while (lx->s[lx->i] && lx->s[lx->i] != '"')
			lex_advance(lx);
		if (!lx->s[lx->i])
			return sohoa_error_set(SOHOA_EINVALID,
			                       "query: unbalanced quote at "
			                       "position %zu",
			                       tok->pos);
		tok->len = (size_t)(lx->s + lx->i - tok->start);
		lex_advance(lx); /* closing quote */
		return SOHOA_OK;
	}
	tok->kind = LEX_WORD;
	tok->start = lx->s + lx->i;
	while (lx->s[lx->i] && !is_space(lx->s[lx->i]) && lx->s[lx->i] != '"')
		lex_advance(lx);
	tok->len = (size_t)(lx->s + lx->i - tok->start);
	return SOHOA_OK;
}

static int add_clause(sohoa_index__query *q, const struct lex_token *tok)
{
	sohoa_index__clause *v, *c;
	int rc;

	v = realloc(q->clauses, (q->n + 1) * sizeof(*v));
	if (!v)
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	q->clauses = v;
	c = &v[q->n];
	memset(c, 0, sizeof(*c));
	c->kind = tok->kind == LEX_PHRASE ? SOHOA_INDEX__CLAUSE_PHRASE
	                                  : SOHOA_INDEX__CLAUSE_WORD;
	c->pos = tok->pos;
	if (!(c->text = strndup(tok->start, tok->len)))
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	if ((rc = sohoa_text_fold(&c->folded, c->text)) != SOHOA_OK) {
		free(c->text);
		return rc;
	}
	q->n++;
	return SOHOA_OK;
}

int sohoa_index__query_parse(sohoa_index__query *q, const char *query)
{
	struct lexer lx = {NULL, 0, 0};
	struct lex_token tok = {0};
	char *nfc = NULL;
	int rc;

	memset(q, 0, sizeof(*q));
	if ((rc = sohoa_text_nfc(&nfc, query)) != SOHOA_OK)
		goto done;
	lx.s = nfc;
	for (;;) {
		if ((rc = lex_next(&tok, &lx)) != SOHOA_OK)
			goto done;
		if (tok.kind == LEX_END)
			break;
		if ((rc = add_clause(q, &tok)) != SOHOA_OK)
			goto done;
	}
	if (q->n == 0)
		rc = sohoa_error_set(SOHOA_EINVALID, "query: empty");
done:
	free(nfc);
	if (rc != SOHOA_OK)
		sohoa_index__query_dispose(q);
	return rc;
}

void sohoa_index__query_drop(sohoa_index__query *q, size_t i)
{
	free(q->clauses[i].text);
	free(q->clauses[i].folded);
	memmove(&q->clauses[i], &q->clauses[i + 1],
	        (q->n - i - 1) * sizeof(q->clauses[0]));
	q->n--;
}

void sohoa_index__query_dispose(sohoa_index__query *q)
{
	size_t i;

	for (i = 0; i < q->n; i++) {
		free(q->clauses[i].text);
		free(q->clauses[i].folded);
	}
	free(q->clauses);
	memset(q, 0, sizeof(*q));
}

int sohoa_index__query_match(char **out, const sohoa_index__query *q,
                             int folded)
{
	size_t i, len = 1;
	const char *s;
	char *buf, *p;

	*out = NULL;
	/* worst case: every byte a doubled quote, two quotes and " AND " */
	for (i = 0; i < q->n; i++)
		len += 2 * strlen(folded ? q->clauses[i].folded
		                         : q->clauses[i].text) +
		       7;
	if (!(buf = malloc(len)))
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	p = buf;
	for (i = 0; i < q->n; i++) {
		if (i > 0) {
			memcpy(p, " AND ", 5);
			p += 5;
		}
		*p++ = '"';
		for (s = folded ? q->clauses[i].folded : q->clauses[i].text; *s;
		     s++) {
			if (*s == '"')
				*p++ = '"';
			*p++ = *s;
		}
		*p++ = '"';
	}
	*p = '\0';
	*out = buf;
	return SOHOA_OK;
}

int sohoa_index__query_has_diacritics(const sohoa_index__query *q)
{
	const unsigned char *s;
	size_t i;

	for (i = 0; i < q->n; i++)
		for (s = (const unsigned char *)q->clauses[i].text; *s; s++)
			if (*s >= 0x80)
				return 1;
	return 0;
}
