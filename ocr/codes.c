/* codes.c -- barcodes and QR codes with zbar.
 *
 * QR codes are read as raw bytes (ZBAR_CFG_BINARY): Vietnamese ID cards
 * and receipts hold UTF-8 without an ECI marker, which zbar's own text
 * conversion garbles.  We decode UTF-8 ourselves, and fall back to
 * Latin-1 for payloads that are not UTF-8.
 */
#include "ocr/ocr.h"

#include <stdlib.h>
#include <string.h>

#include <leptonica/allheaders.h>
#include <zbar.h>

#include "config/config.h"
#include "ocr_int.h"

/* Length of the valid UTF-8 sequence at s (n bytes left), 0 if invalid.
 * NUL is treated as invalid: it cannot live in a C string. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	size_t len, i;
	unsigned cp;

	if (s[0] == 0)
		return 0;
	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xC2 && s[0] <= 0xDF)
		len = 2, cp = s[0] & 0x1F;
	else if (s[0] >= 0xE0 && s[0] <= 0xEF)
		len = 3, cp = s[0] & 0x0F;
	else if (s[0] >= 0xF0 && s[0] <= 0xF4)
		len = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
		return 0;
	return len;
}

static int is_utf8(const unsigned char *s, size_t n)
{
	size_t i = 0, k;

	while (i < n) {
		if (!(k = utf8_seq(s + i, n - i)))
			return 0;
		i += k;
	}
	return 1;
}

/* Payload bytes to an owned NUL-terminated UTF-8 string. */
static char *payload_to_utf8(const unsigned char *s, size_t n)
{
	char *out, *p;
	size_t i;

	if (is_utf8(s, n)) {
		if (!(out = malloc(n + 1)))
			return NULL;
		memcpy(out, s, n);
		out[n] = '\0';
		return out;
	}
	/* Latin-1: every byte is one code point; NUL becomes U+FFFD. */
	if (!(out = p = malloc(3 * n + 1)))
		return NULL;
	for (i = 0; i < n; i++) {
		if (s[i] == 0) {
			memcpy(p, "\xEF\xBF\xBD", 3);
			p += 3;
		} else if (s[i] < 0x80) {
			*p++ = (char)s[i];
		} else {
			*p++ = (char)(0xC0 | (s[i] >> 6));
			*p++ = (char)(0x80 | (s[i] & 0x3F));
		}
	}
	*p = '\0';
	return out;
}

static int has_code(const sohoa_ocr_result *r, const char *type,
                    const char *data)
{
	size_t i;

	for (i = 0; i < r->ncodes; i++)
		if (!strcmp(r->codes[i].type, type) &&
		    !strcmp(r->codes[i].data, data))
			return 1;
	return 0;
}

static int add_code(sohoa_ocr_result *r, const char *type, char *data)
{
	sohoa_ocr_code *grown;
	char *nfc = NULL, *t;

	/* Store text as NFC like all other text; keep it as read if it is
	 * not valid UTF-8 for utf8proc (cannot happen after decoding). */
	if (sohoa_text_nfc(&nfc, data) == SOHOA_OK) {
		free(data);
		data = nfc;
	}
	if (has_code(r, type, data)) {
		free(data);
		return 0;
	}
	grown = realloc(r->codes, (r->ncodes + 1) * sizeof(*grown));
	if (!grown || !(t = strdup(type))) {
		if (grown)
			r->codes = grown;
		free(data);
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	}
	r->codes = grown;
	r->codes[r->ncodes].type = t;
	r->codes[r->ncodes].data = data;
	r->ncodes++;
	return 1;
}

/* zbar looks for codes along every row and every column of the image
 * (density 1), which at 300 dpi is a line every 0.085 mm and most of the
 * analysis time of a page without a code.  A code printed to be scanned
 * has modules of 0.25 mm and more (ID card QR codes about 0.3 mm), and
 * zbar needs only a few lines across a QR finder pattern (3 modules) or a
 * barcode (bars many millimetres tall): a line every 1/150 inch (0.17 mm)
 * crosses each finder pattern at least 4 times.  So rows and columns are
 * taken every dpi/150 pixels; every one at 200 dpi or less, or when the
 * resolution is unknown. */
#define SCAN_LINES_PER_INCH 150

static int scan_density(int dpi)
{
	int d = dpi / SCAN_LINES_PER_INCH;

	return d < 1 ? 1 : d > 8 ? 8 : d;
}

int sohoa_ocr__scan_codes(sohoa_ocr_result *r, size_t *found_out,
                          zbar_image_scanner_t *scanner, PIX *gray, int dpi,
                          unsigned char **bufp, size_t *cap)
{
	int w = pixGetWidth(gray), h = pixGetHeight(gray);
	int wpl = pixGetWpl(gray), x, y, rc = SOHOA_OK, added;
	l_uint32 *data = pixGetData(gray), *line;
	unsigned char *buf = NULL;
	zbar_image_t *img = NULL;
	const zbar_symbol_t *sym;
	char *payload;

	*found_out = 0;
	/* zbar wants packed Y800 bytes; Leptonica packs 4 pixels a word. */
	if (*cap < (size_t)w * h) {
		free(*bufp);
		*cap = 0;
		if (!(*bufp = malloc((size_t)w * h))) {
			rc = sohoa_error_set(SOHOA_ENOMEM, "out of memory");
			goto done;
		}
		*cap = (size_t)w * h;
	}
	buf = *bufp;
	if (!(img = zbar_image_create())) {
		rc = sohoa_error_set(SOHOA_ENOMEM, "out of memory");
		goto done;
	}
	for (y = 0; y < h; y++) {
		line = data + (size_t)y * wpl;
		for (x = 0; x < w; x++)
			buf[(size_t)y * w + x] = GET_DATA_BYTE(line, x);
	}
	zbar_image_scanner_set_config(scanner, 0, ZBAR_CFG_X_DENSITY,
	                              scan_density(dpi));
	zbar_image_scanner_set_config(scanner, 0, ZBAR_CFG_Y_DENSITY,
	                              scan_density(dpi));
	zbar_image_set_format(img, zbar_fourcc('Y', '8', '0', '0'));
	zbar_image_set_size(img, (unsigned)w, (unsigned)h);
	zbar_image_set_data(img, buf, (unsigned long)w * h, NULL);
	if (zbar_scan_image(scanner, img) < 0) {
		rc = sohoa_error_set(SOHOA_ERROR, "zbar: scan failed");
		goto done;
	}
	for (sym = zbar_image_first_symbol(img); sym;
	     sym = zbar_symbol_next(sym)) {
		payload = payload_to_utf8(
		    (const unsigned char *)zbar_symbol_get_data(sym),
		    zbar_symbol_get_data_length(sym));
		if (!payload) {
			rc = sohoa_error_set(SOHOA_ENOMEM, "out of memory");
			goto done;
		}
		added =
		    add_code(r, zbar_get_symbol_name(zbar_symbol_get_type(sym)),
		             payload);
		if (added < 0) {
			rc = added;
			goto done;
		}
		*found_out += (size_t)added;
	}
done:
	if (img)
		zbar_image_destroy(img); /* no cleanup handler: buf ours */
	return rc;
}
