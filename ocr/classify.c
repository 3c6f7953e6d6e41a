/* classify.c -- what a recognized page is: its case number (mã số hồ sơ)
 * and its document type.
 *
 * Pure text work, no third-party handles.  Matching of labels is done on
 * folded text (sohoa_text_fold) so OCR tone-mark errors do not matter.
 */
#include "ocr/ocr.h"

#include <ctype.h>
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

/* First valid case number among the tokens of s[0..n); 1 when found. */
static int scan_tokens(char norm[SOHOA_CASE_MAX], const char *s, size_t n)
{
	size_t i = 0, b, e;
	char tok[SOHOA_CASE_MAX];

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
		if (e > b && e - b < sizeof(tok) && case_shape(s + b, e - b)) {
			memcpy(tok, s + b, e - b);
			tok[e - b] = '\0';
			if (sohoa_case_normalize(norm, tok) == SOHOA_OK)
				return 1;
		}
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

int sohoa_ocr__case_number_in_text(char **out, const char *text)
{
	char norm[SOHOA_CASE_MAX];
	const char *p, *eol;
	char *folded;
	int pass;

	*out = NULL;
	if (!text)
		return SOHOA_OK;
	/* Pass 0: labelled lines; pass 1: every line. */
	for (pass = 0; pass < 2; pass++) {
		for (p = text; *p; p = *eol ? eol + 1 : eol) {
			eol = p + strcspn(p, "\n");
			if (pass == 0) {
				folded = fold_line(p, (size_t)(eol - p));
				if (!folded || !has_label(folded)) {
					free(folded);
					continue;
				}
				free(folded);
			}
			if (scan_tokens(norm, p, (size_t)(eol - p)))
				return dup_out(out, norm);
		}
	}
	return SOHOA_OK;
}

/* A payload that is a case number, or holds one as a line, a |-, ;- or
 * ,-separated field, or a "key: value" / "key=value" value. */
static int case_in_payload(char norm[SOHOA_CASE_MAX], const char *data)
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
		if (end > v && (size_t)(end - v) < SOHOA_CASE_MAX &&
		    case_shape(v, (size_t)(end - v))) {
			char tok[SOHOA_CASE_MAX];

			memcpy(tok, v, (size_t)(end - v));
			tok[end - v] = '\0';
			if (sohoa_case_normalize(norm, tok) == SOHOA_OK)
				return 1;
		}
		p += n;
		if (*p)
			p++;
	}
	return 0;
}

int sohoa_ocr__find_case_number(char **out, const sohoa_ocr_result *r)
{
	char norm[SOHOA_CASE_MAX];
	size_t i;

	*out = NULL;
	for (i = 0; i < r->ncodes; i++)
		if (case_in_payload(norm, r->codes[i].data))
			return dup_out(out, norm);
	/* Free text inside a payload, then the page text. */
	for (i = 0; i < r->ncodes; i++)
		if (scan_tokens(norm, r->codes[i].data,
		                strlen(r->codes[i].data)))
			return dup_out(out, norm);
	return sohoa_ocr__case_number_in_text(out, r->text);
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
