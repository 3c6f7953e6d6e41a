/* query.c -- the search query language: a lexer and a recursive-descent
 * parser that turn what a person typed into an AST (index_int.h), with
 * every filter value checked and normalized here, so search.c only
 * compiles trees into SQL with bound parameters.
 *
 *   query   := or END
 *   or      := and ("OR" and)*
 *   and     := unary (["AND"] unary)*
 *   unary   := "NOT" unary | primary
 *   primary := WORD | "PHRASE" | FIELD:VALUE | FIELD:"PHRASE" | "(" or ")"
 *
 * Positions in messages are 1-based characters (not bytes) of the NFC
 * query, always written "at position N" (the CLI draws a caret from it).
 */
#include "index/index.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "index_int.h"

typedef enum {
	LEX_END,
	LEX_WORD,   /* a run of characters up to space, quote or paren */
	LEX_PHRASE, /* "..." without the quotes */
	LEX_FIELD,  /* name:value or name:"value" */
	LEX_LPAREN,
	LEX_RPAREN,
	LEX_AND,
	LEX_OR,
	LEX_NOT
} lex_kind;

struct lex_token {
	lex_kind kind;
	const char *start; /* borrowed: word, phrase or field value */
	size_t len;        /* bytes */
	size_t pos;        /* 1-based character position */
	int quoted;        /* field value was "quoted" */
	sohoa_index__node_kind field;
};

struct parser {
	const char *s; /* NFC query */
	size_t i;      /* byte offset of the next character */
	size_t chars;  /* characters before s[i] */
	struct lex_token tok;
	sohoa_index__tok *qtok; /* may be NULL: no empty-word check */
};

static const struct {
	const char *name;
	sohoa_index__node_kind kind;
} fields[] = {
    {"id", SOHOA_INDEX__N_ID},
    {"name", SOHOA_INDEX__N_NAME},
    {"case", SOHOA_INDEX__N_CASE},
    {"dob", SOHOA_INDEX__N_DOB},
    {"type", SOHOA_INDEX__N_TYPE},
    {"kind", SOHOA_INDEX__N_KIND},
    {"procedure", SOHOA_INDEX__N_PROC},
    {"date", SOHOA_INDEX__N_DATE},
    {"captured", SOHOA_INDEX__N_CAPTURED},
};

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	       c == '\f';
}

static int ends_word(char c)
{
	return !c || is_space(c) || c == '"' || c == '(' || c == ')';
}

static void advance(struct parser *p)
{
	/* count characters, not UTF-8 continuation bytes */
	if (((unsigned char)p->s[p->i] & 0xC0) != 0x80)
		p->chars++;
	p->i++;
}

static int bad(size_t pos, const char *what)
{
	return sohoa_error_set(SOHOA_EINVALID, "query: %s at position %zu",
	                       what, pos);
}

/* Read "..." starting at the quote; sets start/len of the inside. */
static int lex_quoted(struct parser *p, struct lex_token *t, size_t qpos)
{
	advance(p); /* opening quote */
	t->start = p->s + p->i;
	while (p->s[p->i] && p->s[p->i] != '"')
		advance(p);
	if (!p->s[p->i])
		return bad(qpos, "unbalanced quote");
	t->len = (size_t)(p->s + p->i - t->start);
	advance(p); /* closing quote */
	return SOHOA_OK;
}

static int lex_next(struct parser *p)
{
	struct lex_token *t = &p->tok;
	size_t colon, k;

	memset(t, 0, sizeof(*t));
	while (p->s[p->i] && is_space(p->s[p->i]))
		advance(p);
	t->pos = p->chars + 1;
	switch (p->s[p->i]) {
	case '\0':
		t->kind = LEX_END;
		return SOHOA_OK;
	case '(':
		t->kind = LEX_LPAREN;
		advance(p);
		return SOHOA_OK;
	case ')':
		t->kind = LEX_RPAREN;
		advance(p);
		return SOHOA_OK;
	case '"':
		t->kind = LEX_PHRASE;
		return lex_quoted(p, t, t->pos);
	default:
		break;
	}
	/* field name: ASCII letters then ':' */
	for (colon = p->i; isalpha((unsigned char)p->s[colon]); colon++)
		;
	if (colon > p->i && p->s[colon] == ':') {
		size_t n = colon - p->i;

		for (k = 0; k < sizeof(fields) / sizeof(fields[0]); k++)
			if (strlen(fields[k].name) == n &&
			    strncasecmp(fields[k].name, p->s + p->i, n) == 0)
				break;
		if (k == sizeof(fields) / sizeof(fields[0]))
			return sohoa_error_set(
			    SOHOA_EINVALID,
			    "query: unknown field '%.*s:' at position %zu "
			    "(fields: id name case dob type kind procedure "
			    "date captured)",
			    (int)n, p->s + p->i, t->pos);
		t->kind = LEX_FIELD;
		t->field = fields[k].kind;
		while (p->i <= colon)
			advance(p);
		if (p->s[p->i] == '"') {
			t->quoted = 1;
			return lex_quoted(p, t, p->chars + 1);
		}
		t->start = p->s + p->i;
		while (!ends_word(p->s[p->i]))
			advance(p);
		t->len = (size_t)(p->s + p->i - t->start);
		if (t->len == 0)
			return bad(t->pos, "field needs a value");
		return SOHOA_OK;
	}
	t->kind = LEX_WORD;
	t->start = p->s + p->i;
	while (!ends_word(p->s[p->i]))
		advance(p);
	t->len = (size_t)(p->s + p->i - t->start);
	if (t->len == 2 && memcmp(t->start, "OR", 2) == 0)
		t->kind = LEX_OR;
	else if (t->len == 3 && memcmp(t->start, "AND", 3) == 0)
		t->kind = LEX_AND;
	else if (t->len == 3 && memcmp(t->start, "NOT", 3) == 0)
		t->kind = LEX_NOT;
	return SOHOA_OK;
}

/* ---- nodes ------------------------------------------------------------- */

static int new_node(sohoa_index__node **out, sohoa_index__node_kind kind,
                    size_t pos)
{
	if (!(*out = calloc(1, sizeof(**out))))
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	(*out)->kind = kind;
	(*out)->pos = pos;
	return SOHOA_OK;
}

void sohoa_index__node_free(sohoa_index__node *n)
{
	size_t i;

	if (!n)
		return;
	for (i = 0; i < n->nkids; i++)
		sohoa_index__node_free(n->kids[i]);
	free(n->kids);
	free(n->text);
	free(n->folded);
	free(n->lo);
	free(n->hi);
	free(n);
}

static int add_kid(sohoa_index__node *n, sohoa_index__node *kid)
{
	sohoa_index__node **v = realloc(n->kids, (n->nkids + 1) * sizeof(*v));

	if (!v) {
		sohoa_index__node_free(kid);
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	}
	n->kids = v;
	n->kids[n->nkids++] = kid;
	return SOHOA_OK;
}

static int dup_text(char **out, const char *s, size_t len)
{
	if (!(*out = strndup(s, len)))
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	return SOHOA_OK;
}

/* ---- values ------------------------------------------------------------ */

static int all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

int sohoa_index__date_norm(char out[11], const char *s, size_t n)
{
	/* YYYY-MM-DD, or DD/MM/YYYY and DD-MM-YYYY as printed on papers */
	if (n == 10 && all_digits(s, 4) && s[4] == '-' &&
	    all_digits(s + 5, 2) && s[7] == '-' && all_digits(s + 8, 2)) {
		memcpy(out, s, 10);
	} else if (n == 10 && all_digits(s, 2) &&
	           (s[2] == '/' || s[2] == '-') && all_digits(s + 3, 2) &&
	           s[5] == s[2] && all_digits(s + 6, 4)) {
		memcpy(out, s + 6, 4);
		out[4] = '-';
		memcpy(out + 5, s + 3, 2);
		out[7] = '-';
		memcpy(out + 8, s, 2);
	} else {
		return -1;
	}
	out[10] = '\0';
	if (memcmp(out + 5, "01", 2) < 0 || memcmp(out + 5, "12", 2) > 0 ||
	    memcmp(out + 8, "01", 2) < 0 || memcmp(out + 8, "31", 2) > 0)
		return -1;
	return 0;
}

/* One end of a date range: YYYY, YYYY-MM or a full date.  `hi` picks the
 * last day the shorter forms cover. */
static int date_end(char **out, const char *s, size_t n, int hi)
{
	char d[11];

	if (n == 4 && all_digits(s, 4)) {
		snprintf(d, sizeof(d), "%.4s-%s", s, hi ? "12-31" : "01-01");
	} else if (n == 7 && all_digits(s, 4) && s[4] == '-' &&
	           all_digits(s + 5, 2)) {
		snprintf(d, sizeof(d), "%.7s-%s", s, hi ? "31" : "01");
	} else if (sohoa_index__date_norm(d, s, n)) {
		return -1;
	}
	return (*out = strdup(d)) ? 0 : -2;
}

static int parse_date_range(sohoa_index__node *n, const char *s, size_t len)
{
	const char *dots = NULL;
	int r1 = 0, r2 = 0;

	for (size_t i = 0; i + 1 < len; i++)
		if (s[i] == '.' && s[i + 1] == '.') {
			dots = s + i;
			break;
		}
	if (!dots) {
		r1 = date_end(&n->lo, s, len, 0);
		if (!r1)
			r2 = date_end(&n->hi, s, len, 1);
	} else {
		size_t a = (size_t)(dots - s), b = len - a - 2;

		if (a == 0 && b == 0)
			r1 = -1;
		r1 = r1  ? r1
		     : a ? date_end(&n->lo, s, a, 0)
		         : ((n->lo = strdup("0000-01-01")) ? 0 : -2);
		if (!r1)
			r2 = b ? date_end(&n->hi, dots + 2, b, 1)
			       : ((n->hi = strdup("9999-12-31")) ? 0 : -2);
	}
	if (r1 == -2 || r2 == -2)
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	if (r1 || r2)
		return bad(n->pos, "date expects YYYY-MM-DD, YYYY-MM, YYYY or "
		                   "FROM..TO");
	if (strcmp(n->lo, n->hi) > 0)
		return bad(n->pos, "date range ends before it starts");
	return SOHOA_OK;
}

/* case:NUMBER (normalized) or case:PREFIX* (a b-tree range). */
static int parse_case(sohoa_index__node *n, const char *s, size_t len)
{
	char buf[SOHOA_CASE_MAX];
	size_t i;

	if (len >= SOHOA_CASE_MAX)
		return bad(n->pos, "case number too long");
	if (len > 0 && s[len - 1] == '*') {
		len--;
		if (len == 0)
			return bad(n->pos, "case prefix is empty");
		for (i = 0; i < len; i++) {
			unsigned char c = (unsigned char)s[i];

			if (!isalnum(c) && c != '.' && c != '-')
				return bad(n->pos, "case prefix takes "
				                   "letters, digits, '.' "
				                   "and '-'");
			buf[i] = (char)toupper(c);
		}
		buf[len] = '\0';
		n->prefix = 1;
		if (!(n->lo = strdup(buf)) || !(n->hi = strdup(buf)))
			return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
		n->hi[len - 1]++; /* ASCII: the first string past the prefix */
		return SOHOA_OK;
	}
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (!(n->text = strdup(buf)))
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	if (sohoa_case_normalize(buf, n->text) != SOHOA_OK)
		return bad(n->pos, "not a case number (" SOHOA_CASE_SHAPE
		                   "; a trailing * searches a prefix)");
	free(n->text);
	return (n->text = strdup(buf))
	           ? SOHOA_OK
	           : sohoa_error_set(SOHOA_ENOMEM, "out of memory");
}

/* Fill a leaf from a word, phrase or field token. */
static int make_leaf(sohoa_index__node **out, struct parser *p)
{
	const struct lex_token *t = &p->tok;
	sohoa_index__node *n = NULL;
	sohoa_index__node_kind kind = t->kind == LEX_FIELD ? t->field
	                              : t->kind == LEX_PHRASE
	                                  ? SOHOA_INDEX__N_PHRASE
	                                  : SOHOA_INDEX__N_WORD;
	char d[11];
	size_t ntok = 1;
	int rc;

	*out = NULL;
	if ((rc = new_node(&n, kind, t->pos)))
		return rc;
	n->quoted = t->quoted || t->kind == LEX_PHRASE;
	switch (kind) {
	case SOHOA_INDEX__N_CASE:
		rc = parse_case(n, t->start, t->len);
		break;
	case SOHOA_INDEX__N_DATE:
	case SOHOA_INDEX__N_CAPTURED:
		rc = parse_date_range(n, t->start, t->len);
		break;
	case SOHOA_INDEX__N_DOB:
		if (sohoa_index__date_norm(d, t->start, t->len))
			rc =
			    bad(t->pos, "dob expects YYYY-MM-DD or DD/MM/YYYY");
		else
			rc = dup_text(&n->text, d, 10);
		break;
	case SOHOA_INDEX__N_ID:
		for (size_t i = 0; i < t->len && !rc; i++)
			if (!isalnum((unsigned char)t->start[i]))
				rc = bad(t->pos, "id takes letters and digits");
		if (!rc && !(rc = dup_text(&n->text, t->start, t->len)))
			for (char *c = n->text; *c; c++)
				*c = (char)toupper((unsigned char)*c);
		if (!rc)
			rc = sohoa_text_fold(&n->folded, n->text);
		break;
	default: /* words, phrases, name, type, kind, procedure */
		if (!(rc = dup_text(&n->text, t->start, t->len)))
			rc = sohoa_text_fold(&n->folded, n->text);
		if (!rc && p->qtok &&
		    (kind == SOHOA_INDEX__N_WORD ||
		     kind == SOHOA_INDEX__N_PHRASE ||
		     kind == SOHOA_INDEX__N_NAME))
			rc = sohoa_index__tok_count(&ntok, p->qtok, n->folded);
		if (!rc && ntok == 0) {
			if (kind == SOHOA_INDEX__N_NAME)
				rc = bad(t->pos, "name has no letters");
			n->empty = 1; /* dropped from an AND, else an error */
		}
		if (!rc && n->text[0] == '\0')
			rc = bad(t->pos, "field needs a value");
		break;
	}
	if (rc) {
		sohoa_index__node_free(n);
		return rc;
	}
	*out = n;
	return SOHOA_OK;
}

/* ---- parser ------------------------------------------------------------ */

static int parse_or(sohoa_index__node **out, struct parser *p);

static int starts_unary(lex_kind k)
{
	return k == LEX_WORD || k == LEX_PHRASE || k == LEX_FIELD ||
	       k == LEX_LPAREN || k == LEX_NOT;
}

static int what_expected(struct parser *p, const char *after)
{
	char msg[96];

	if (p->tok.kind == LEX_RPAREN)
		snprintf(msg, sizeof(msg), "')' without '(' %s", after);
	else
		snprintf(msg, sizeof(msg),
		         "expected a word, phrase, field or '(' %s", after);
	return bad(p->tok.pos, msg);
}

static int parse_unary(sohoa_index__node **out, struct parser *p,
                       const char *after)
{
	sohoa_index__node *n = NULL, *kid = NULL;
	size_t pos = p->tok.pos;
	int rc;

	*out = NULL;
	switch (p->tok.kind) {
	case LEX_NOT:
		if ((rc = lex_next(p)) ||
		    (rc = parse_unary(&kid, p, "after NOT")))
			return rc;
		if ((rc = new_node(&n, SOHOA_INDEX__N_NOT, pos))) {
			sohoa_index__node_free(kid);
			return rc;
		}
		if ((rc = add_kid(n, kid))) {
			sohoa_index__node_free(n);
			return rc;
		}
		*out = n;
		return SOHOA_OK;
	case LEX_LPAREN:
		if ((rc = lex_next(p)))
			return rc;
		if (p->tok.kind == LEX_RPAREN)
			return bad(p->tok.pos, "empty parentheses");
		if ((rc = parse_or(&n, p)))
			return rc;
		if (p->tok.kind != LEX_RPAREN) {
			sohoa_index__node_free(n);
			return bad(pos, "'(' is never closed");
		}
		if ((rc = lex_next(p))) {
			sohoa_index__node_free(n);
			return rc;
		}
		*out = n;
		return SOHOA_OK;
	case LEX_WORD:
	case LEX_PHRASE:
	case LEX_FIELD:
		if ((rc = make_leaf(&n, p)))
			return rc;
		if ((rc = lex_next(p))) {
			sohoa_index__node_free(n);
			return rc;
		}
		*out = n;
		return SOHOA_OK;
	default:
		return what_expected(p, after);
	}
}

/* Parse a list of `sub` separated by `sep` (LEX_END: juxtaposition). */
static int parse_list(sohoa_index__node **out, struct parser *p,
                      sohoa_index__node_kind kind, const char *after)
{
	sohoa_index__node *n = NULL, *kid = NULL;
	size_t pos = p->tok.pos;
	int rc;

	*out = NULL;
	rc = kind == SOHOA_INDEX__N_OR
	         ? parse_list(&kid, p, SOHOA_INDEX__N_AND, after)
	         : parse_unary(&kid, p, after);
	if (rc)
		return rc;
	for (;;) {
		const char *next_after = "after AND";

		if (kind == SOHOA_INDEX__N_OR) {
			if (p->tok.kind != LEX_OR)
				break;
			next_after = "after OR";
			if ((rc = lex_next(p)))
				goto fail;
		} else if (p->tok.kind == LEX_AND) {
			if ((rc = lex_next(p)))
				goto fail;
		} else if (!starts_unary(p->tok.kind)) {
			break;
		}
		if (!n) {
			if ((rc = new_node(&n, kind, pos)))
				goto fail;
			if ((rc = add_kid(n, kid))) {
				kid = NULL;
				goto fail;
			}
		}
		kid = NULL;
		rc = kind == SOHOA_INDEX__N_OR
		         ? parse_list(&kid, p, SOHOA_INDEX__N_AND, next_after)
		         : parse_unary(&kid, p, next_after);
		if (rc || (rc = add_kid(n, kid))) {
			kid = NULL;
			goto fail;
		}
		kid = NULL;
	}
	*out = n ? n : kid;
	return SOHOA_OK;
fail:
	sohoa_index__node_free(kid);
	sohoa_index__node_free(n);
	return rc;
}

static int parse_or(sohoa_index__node **out, struct parser *p)
{
	return parse_list(out, p, SOHOA_INDEX__N_OR, "here");
}

/* Words with no letters or digits ("-", "...") are dropped from an AND;
 * anywhere else they are an error. */
static int prune(sohoa_index__node *n, size_t *first_empty)
{
	size_t i, w;
	int rc;

	if (n->empty) {
		if (!*first_empty)
			*first_empty = n->pos;
		return 1;
	}
	for (i = 0, w = 0; i < n->nkids; i++) {
		rc = prune(n->kids[i], first_empty);
		if (rc < 0)
			return rc;
		if (rc == 1 && n->kind == SOHOA_INDEX__N_AND) {
			sohoa_index__node_free(n->kids[i]);
			continue;
		}
		if (rc == 1)
			return bad(n->kids[i]->pos,
			           "nothing to search for (no letters or "
			           "digits)");
		n->kids[w++] = n->kids[i];
	}
	n->nkids = w;
	if (n->kind == SOHOA_INDEX__N_AND && w == 0)
		return 1;
	return 0;
}

int sohoa_index__query_parse(sohoa_index__node **out, const char *query,
                             sohoa_index__tok *qtok)
{
	struct parser p = {0};
	sohoa_index__node *root = NULL;
	char *nfc = NULL;
	size_t first_empty = 0;
	int rc;

	*out = NULL;
	if ((rc = sohoa_text_nfc(&nfc, query)) != SOHOA_OK)
		return rc;
	p.s = nfc;
	p.qtok = qtok;
	if ((rc = lex_next(&p)))
		goto done;
	if (p.tok.kind == LEX_END) {
		rc = sohoa_error_set(SOHOA_EINVALID, "query: empty");
		goto done;
	}
	if ((rc = parse_or(&root, &p)))
		goto done;
	if (p.tok.kind != LEX_END) {
		rc = p.tok.kind == LEX_RPAREN
		         ? bad(p.tok.pos, "')' without '('")
		         : bad(p.tok.pos, "unexpected text");
		goto done;
	}
	rc = prune(root, &first_empty);
	if (rc == 1)
		rc = bad(first_empty,
		         "nothing to search for (no letters or digits)");
	if (rc == 0 && root->kind == SOHOA_INDEX__N_AND && root->nkids == 1) {
		sohoa_index__node *only = root->kids[0];

		root->nkids = 0;
		sohoa_index__node_free(root);
		root = only;
	}
done:
	free(nfc);
	if (rc != SOHOA_OK) {
		sohoa_index__node_free(root);
		return rc;
	}
	*out = root;
	return SOHOA_OK;
}
