/* text.c -- UTF-8 normalization and search folding with utf8proc.
 *
 * utf8proc is a small, well-kept Debian library (libutf8proc-dev) that does
 * NFC and mark stripping from the Unicode tables; nothing here re-implements
 * Unicode data.  đ/Đ are letters, not marks, so they are folded by hand.
 */
#include "config/config.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

static int map(char **out, const char *in, utf8proc_option_t opts)
{
	utf8proc_uint8_t *res = NULL;
	utf8proc_ssize_t n;

	*out = NULL;
	n = utf8proc_map((const utf8proc_uint8_t *)in, 0, &res,
	                 opts | UTF8PROC_NULLTERM);
	if (n < 0)
		return sohoa_error_set(
		    n == UTF8PROC_ERROR_NOMEM ? SOHOA_ENOMEM : SOHOA_EINVALID,
		    "text: %s", utf8proc_errmsg(n));
	*out = (char *)res;
	return SOHOA_OK;
}

int sohoa_text_nfc(char **out, const char *in)
{
	return map(out, in, UTF8PROC_STABLE | UTF8PROC_COMPOSE);
}

/* Replace đ (C4 91) and Đ (C4 90) by "d" in place; the string shrinks. */
static void fold_d(char *s)
{
	char *w = s;

	for (char *r = s; *r;) {
		if ((unsigned char)r[0] == 0xC4 &&
		    ((unsigned char)r[1] == 0x91 ||
		     (unsigned char)r[1] == 0x90)) {
			*w++ = 'd';
			r += 2;
		} else {
			*w++ = *r++;
		}
	}
	*w = '\0';
}

int sohoa_text_fold(char **out, const char *in)
{
	int rc = map(out, in,
	             UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_STRIPMARK |
	                 UTF8PROC_CASEFOLD);

	if (rc == SOHOA_OK)
		fold_d(*out);
	return rc;
}

int sohoa_text_slug(char **out, const char *in)
{
	char *folded = NULL, *s;
	size_t w = 0;
	int rc, dash = 0;

	*out = NULL;
	if ((rc = sohoa_text_fold(&folded, in)) != SOHOA_OK)
		return rc;
	s = folded;
	for (size_t r = 0; s[r]; r++) {
		unsigned char c = (unsigned char)s[r];

		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
			if (dash && w > 0)
				s[w++] = '-';
			dash = 0;
			s[w++] = (char)c;
		} else {
			dash = 1; /* spaces, punctuation, non-ASCII letters */
		}
		if (w >= 60)
			break;
	}
	s[w] = '\0';
	if (w == 0) {
		free(folded);
		if (!(folded = strdup("x")))
			return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	}
	*out = folded;
	return SOHOA_OK;
}
