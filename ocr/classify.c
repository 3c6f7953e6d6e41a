/* classify.c -- what a recognized page is: its case number (mã số hồ sơ)
 * and its document type.
 *
 * Pure text work, no third-party handles.  Matching of labels is done on
 * folded text (sohoa_text_fold) so OCR tone-mark errors do not matter.
 */
#include "ocr/ocr.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "ocr_int.h"

/* Document types from folded keywords, first match wins.  `phrase` is
 * folded text (lower case, no diacritics, single spaces); `head` limits
 * the search to the first lines (titles), 0 means anywhere.  ID cards are
 * recognised by their printed titles and labels, the back by its MRZ
 * (raw text, upper case) and its labels. */
#define HEAD_LINES 15
static const struct {
	const char *type;
	const char *phrase;
	int head;
} doc_types[] = {
    {"receipt", "giay tiep nhan ho so", 0},
    {"receipt", "hen tra ket qua", HEAD_LINES},
    {"id_card_back", "dac diem nhan dang", 0},
    {"id_card_back", "noi dang ky khai sinh", 0},
    {"id_card_back", "place of birth", 0},
    {"id_card_front", "can cuoc cong dan", 0},
    {"id_card_front", "citizen identity card", 0},
    {"id_card_front", "identity card", 0},
    {"id_card_front", "personal identification number", 0},
    {"id_card_front", "date of birth", 0},
    {"application_form", "to khai", HEAD_LINES},
    {"application_form", "don de nghi", HEAD_LINES},
    {"application_form", "don xin", HEAD_LINES},
    {"application_form", "phieu de nghi", HEAD_LINES},
    {"result", "giay chung nhan", HEAD_LINES},
    {"result", "quyet dinh", HEAD_LINES},
    {"result", "giay xac nhan", HEAD_LINES},
    {"result", "giay phep", HEAD_LINES},
    {"result", "trich luc", HEAD_LINES},
    {"result", "thong bao", HEAD_LINES},
    {"result", "ket qua giai quyet", HEAD_LINES},
};

/* A card is 85.6 x 54 mm; a page whose longer side passes this holds a
 * card among other things: a photocopy. */
#define CARD_PAGE_MAX_MM 120.0

/* Labels that announce a case number on a line, folded. */
static const char *const case_labels[] = {"ma ho so", "ma so ho so",
                                          "so ho so"};

static int is_alnum_ascii(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
	       (c >= 'a' && c <= 'z');
}

static int is_digit(int c)
{
	return c >= '0' && c <= '9';
}

/* Does s[0..n) have the shape
 * [0-9A-Z]{1,10}(\.[0-9A-Z]{1,10}){0,6}-\d{6}-\d{4,} (any letter case)? */
static int case_shape(const char *s, size_t n)
{
	size_t i = 0, run, groups = 0;

	for (;;) {
		for (run = 0; i < n && is_alnum_ascii((unsigned char)s[i]); i++)
			run++;
		if (run < 1 || run > 10 || ++groups > 7)
			return 0;
		if (i < n && s[i] == '.') {
			i++;
			continue;
		}
		break;
	}
	if (i >= n || s[i++] != '-')
		return 0;
	for (run = 0; i < n && is_digit((unsigned char)s[i]); i++)
		run++;
	if (run != 6 || i >= n || s[i++] != '-')
		return 0;
	for (run = 0; i < n && is_digit((unsigned char)s[i]); i++)
		run++;
	return run >= 4 && i == n;
}

/* A token can hold a case number: letters, digits, dots and dashes. */
static int token_char(int c)
{
	return is_alnum_ascii(c) || c == '.' || c == '-';
}

/* What a search for case numbers found: the first valid one and the first
 * rejected candidate with the reason it was rejected. */
struct found {
	char valid[SOHOA_CASE_MAX];
	char bad[SOHOA_CASE_MAX];
	char why[200];
};

/* Look at s[0..n) as a case number.  `loose`: a token that merely looks
 * like one (a dash and six digits) counts as a candidate even without the
 * exact shape; used on labelled lines, where OCR damage shows as a
 * number of the wrong shape.  1 when it is a valid case number. */
static int consider(struct found *f, const char *s, size_t n, int loose)
{
	char tok[SOHOA_CASE_MAX], norm[SOHOA_CASE_MAX];
	size_t digits = 0, i;
	int dash = 0;
	const char *why;

	if (n == 0 || n >= sizeof(tok))
		return 0;
	for (i = 0; i < n; i++) {
		digits += is_digit((unsigned char)s[i]);
		dash |= s[i] == '-';
	}
	if (!case_shape(s, n) && !(loose && dash && digits >= 6))
		return 0;
	memcpy(tok, s, n);
	tok[n] = '\0';
	if (!(why = sohoa_case_problem(norm, tok))) {
		if (case_shape(s, n)) {
			if (!f->valid[0])
				memcpy(f->valid, norm, sizeof(norm));
			return 1;
		}
		if (!f->bad[0]) {
			snprintf(f->bad, sizeof(f->bad), "%s", tok);
			snprintf(f->why, sizeof(f->why),
			         "does not have the shape " SOHOA_CASE_SHAPE);
		}
		return 0;
	}
	if (!f->bad[0]) {
		snprintf(f->bad, sizeof(f->bad), "%s", tok);
		snprintf(f->why, sizeof(f->why), "%s", why);
	}
	return 0;
}

/* Case numbers among the tokens of s[0..n); 1 when a valid one is found. */
static int scan_tokens(struct found *f, const char *s, size_t n, int loose)
{
	size_t i = 0, b, e;

	while (i < n) {
		while (i < n && !token_char((unsigned char)s[i]))
			i++;
		b = i;
		while (i < n && token_char((unsigned char)s[i]))
			i++;
		e = i;
		/* Trailing sentence punctuation is not part of it. */
		while (e > b && (s[e - 1] == '.' || s[e - 1] == '-'))
			e--;
		if (e > b && consider(f, s + b, e - b, loose))
			return 1;
	}
	return 0;
}

static int dup_out(char **out, const char *s)
{
	if (!(*out = strdup(s)))
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	return SOHOA_OK;
}

/* Fold a line and squeeze spaces; NULL when it cannot be folded. */
static char *fold_line(const char *s, size_t n)
{
	char *line = strndup(s, n), *f = NULL, *r, *w;

	if (!line)
		return NULL;
	if (sohoa_text_fold(&f, line) != SOHOA_OK)
		f = NULL;
	free(line);
	if (!f)
		return NULL;
	for (r = w = f; *r; r++) {
		int sp = isspace((unsigned char)*r) || *r == ':';

		if (sp && (w == f || w[-1] == ' '))
			continue;
		*w++ = sp ? ' ' : *r;
	}
	*w = '\0';
	return f;
}

static int has_label(const char *folded)
{
	size_t i;

	for (i = 0; i < sizeof(case_labels) / sizeof(case_labels[0]); i++)
		if (strstr(folded, case_labels[i]))
			return 1;
	return 0;
}

/* Case numbers in free text: lines with a "Mã hồ sơ" label first
 * (`labelled`), then any line (`any`). */
static void text_case_numbers(struct found *labelled, struct found *any,
                              const char *text)
{
	const char *p, *eol;
	char *folded;

	if (!text)
		return;
	for (p = text; *p; p = *eol ? eol + 1 : eol) {
		eol = p + strcspn(p, "\n");
		folded = fold_line(p, (size_t)(eol - p));
		if (folded && has_label(folded))
			scan_tokens(labelled, p, (size_t)(eol - p), 1);
		free(folded);
		scan_tokens(any, p, (size_t)(eol - p), 0);
	}
}

/* A payload that is a case number, or holds one as a line, a |-, ;- or
 * ,-separated field, or a "key: value" / "key=value" value. */
static int case_in_payload(struct found *f, const char *data)
{
	const char *p = data, *end, *v;
	size_t n;

	while (*p) {
		n = strcspn(p, "|\n\r;,\t");
		end = p + n;
		v = p;
		/* The value of a "key: value" field. */
		for (; v < end && *v != ':' && *v != '='; v++)
			;
		v = v < end ? v + 1 : p;
		while (v < end && isspace((unsigned char)*v))
			v++;
		while (end > v && isspace((unsigned char)end[-1]))
			end--;
		if (end > v && consider(f, v, (size_t)(end - v), 0))
			return 1;
		p += n;
		if (*p)
			p++;
	}
	return 0;
}

/* Characters OCR takes for one another in case numbers, mapped to one. */
static int look_alike(int c)
{
	c = toupper(c);
	switch (c) {
	case 'O':
	case 'Q':
	case 'D':
		return '0';
	case 'I':
	case 'L':
		return '1';
	case 'Z':
		return '2';
	case 'S':
		return '5';
	case 'G':
		return '6';
	case 'B':
		return '8';
	default:
		return c;
	}
}

/* Do two case numbers differ only in characters OCR confuses? */
static int ocr_same(const char *a, const char *b)
{
	if (strlen(a) != strlen(b))
		return 0;
	for (; *a; a++, b++)
		if (look_alike((unsigned char)*a) !=
		    look_alike((unsigned char)*b))
			return 0;
	return 1;
}

static int set_candidate(sohoa_ocr_result *r, const char *cand, const char *fmt,
                         ...) SOHOA_PRINTF(3, 4);

static int set_candidate(sohoa_ocr_result *r, const char *cand, const char *fmt,
                         ...)
{
	char why[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (!(r->case_number_candidate = strdup(cand)) ||
	    !(r->case_number_problem = strdup(why)))
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	return SOHOA_OK;
}

int sohoa_ocr_case_number(sohoa_ocr_result *r)
{
	struct found code = {0}, other = {0}, labelled = {0}, any = {0};
	size_t i;
	int rc = SOHOA_OK;

	free(r->case_number);
	free(r->case_number_candidate);
	free(r->case_number_problem);
	r->case_number = r->case_number_candidate = NULL;
	r->case_number_problem = NULL;
	/* Codes first: a payload field, then free text inside a payload.
	 * A second code with another valid number is a conflict. */
	for (i = 0; i < r->ncodes; i++) {
		struct found one = {0};

		if (!case_in_payload(&one, r->codes[i].data))
			scan_tokens(&one, r->codes[i].data,
			            strlen(r->codes[i].data), 0);
		if (one.valid[0] && !code.valid[0])
			memcpy(&code.valid, one.valid, sizeof(one.valid));
		else if (one.valid[0] && strcmp(one.valid, code.valid) &&
		         !other.valid[0])
			memcpy(&other.valid, one.valid, sizeof(one.valid));
		if (one.bad[0] && !code.bad[0]) {
			memcpy(code.bad, one.bad, sizeof(one.bad));
			memcpy(code.why, one.why, sizeof(one.why));
		}
	}
	text_case_numbers(&labelled, &any, r->text);

	if (code.valid[0]) {
		if ((rc = dup_out(&r->case_number, code.valid)))
			return rc;
		if (other.valid[0])
			return set_candidate(r, other.valid,
			                     "a second code on the page holds "
			                     "case number %s, the first %s",
			                     other.valid, code.valid);
		/* A labelled number in the text that is another case, not
		 * the code's number misread. */
		if (labelled.valid[0] && strcmp(labelled.valid, code.valid) &&
		    !ocr_same(labelled.valid, code.valid))
			return set_candidate(r, labelled.valid,
			                     "the text says 'Mã hồ sơ: %s' but "
			                     "the page's code holds %s",
			                     labelled.valid, code.valid);
		return SOHOA_OK;
	}
	if (code.bad[0])
		return set_candidate(r, code.bad,
		                     "the page's code holds '%s', not a valid "
		                     "case number: %s",
		                     code.bad, code.why);
	if (labelled.valid[0])
		return dup_out(&r->case_number, labelled.valid);
	if (any.valid[0])
		return dup_out(&r->case_number, any.valid);
	if (labelled.bad[0])
		return set_candidate(r, labelled.bad,
		                     "the text says 'Mã hồ sơ: %s', not a "
		                     "valid case number: %s",
		                     labelled.bad, labelled.why);
	if (any.bad[0])
		return set_candidate(r, any.bad,
		                     "the text holds '%s', shaped like a case "
		                     "number but not valid: %s",
		                     any.bad, any.why);
	return SOHOA_OK;
}

/* Start of the line after the first `lines` lines of text. */
static size_t head_len(const char *text, int lines)
{
	const char *p = text;

	while (*p && lines > 0) {
		p += strcspn(p, "\n");
		if (*p)
			p++;
		if (p[0] != '\n')
			lines--;
	}
	return (size_t)(p - text);
}

int sohoa_ocr__classify(char **out, const char *text, int has_id_qr,
                        double width_mm, double height_mm)
{
	char *folded = NULL, *head = NULL;
	size_t i;
	const char *type = "other";
	double longer = width_mm > height_mm ? width_mm : height_mm;

	*out = NULL;
	if (!text)
		text = "";
	folded = fold_line(text, strlen(text));
	head = fold_line(text, head_len(text, HEAD_LINES));
	if (folded && head) {
		if (strstr(text, "IDVNM"))
			type = "id_card_back"; /* ICAO TD1 MRZ */
		for (i = 0; !strcmp(type, "other") &&
		            i < sizeof(doc_types) / sizeof(doc_types[0]);
		     i++)
			if (strstr(doc_types[i].head ? head : folded,
			           doc_types[i].phrase))
				type = doc_types[i].type;
	}
	if (has_id_qr &&
	    (!strcmp(type, "other") || !strcmp(type, "application_form")))
		type = "id_card_front";
	if (!strncmp(type, "id_card", 7) && longer > CARD_PAGE_MAX_MM)
		type = "id_card_copy";
	free(folded);
	free(head);
	return dup_out(out, type);
}
