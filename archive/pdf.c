/* pdf.c -- a two-layer searchable PDF of a component: each page is the
 * master image (JPEG passed through; gray and colour rasters JPEG-encoded
 * at SOHOA_ARCHIVE__PDF_JPEG_QUALITY, the PDF being an access copy; 1-bit
 * and palette images Flate-compressed, losslessly; all via Leptonica's
 * L_COMP_DATA) under an invisible text layer (render mode
 * 3) placed word by word from the hOCR, in Tesseract's glyphless font
 * (Identity-H, CID = UTF-16 code unit, ToUnicode), as Tesseract's own PDF
 * renderer does.  A minimal writer: objects in a byte buffer, offsets for
 * the xref table.  Leptonica objects live only inside a call.
 */
#include "archive/archive.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <leptonica/allheaders.h>
#include <libdeflate.h>
#include <tiffio.h>

#include "archive_int.h"
#include "config/config.h"
#include "glyphless_font.h"

enum {
	OBJ_CATALOG = 1,
	OBJ_PAGES,
	OBJ_FONT,
	OBJ_CIDFONT,
	OBJ_DESC,
	OBJ_FONTFILE,
	OBJ_TOUNICODE,
	OBJ_CIDTOGID,
	OBJ_INFO,
	OBJ_METADATA, /* XMP, PDF/A-2b identification */
	OBJ_ICC,      /* the output intent's sRGB profile */
	OBJ_FIRST_PAGE
};

/* The catalog of every PDF this writer makes (PDF/A-2b since format 2):
 * pdf_resume continues only files that start with it, so an older PDF is
 * rebuilt whole, as PDF/A, at its next append. */
#define CATALOG_PDFA                                                           \
	"<</Type /Catalog /Pages 2 0 R /Metadata 10 0 R /OutputIntents "       \
	"[<</Type /OutputIntent /S /GTS_PDFA1 /OutputConditionIdentifier "     \
	"(sRGB IEC61966-2.1) /Info (sRGB IEC61966-2.1) /DestOutputProfile 11 " \
	"0 R>>]>>"

_Static_assert(OBJ_PAGES == 2 && OBJ_METADATA == 10 && OBJ_ICC == 11,
               "CATALOG_PDFA names these object numbers");

/* The sRGB profile embedded as the PDF/A output intent: Debian's
 * icc-profiles-free (ICC v2.3; read per PDF, 7 kB). */
#ifndef SOHOA_ARCHIVE_SRGB_ICC
#define SOHOA_ARCHIVE_SRGB_ICC "/usr/share/color/icc/sRGB.icc"
#endif

struct sohoa_archive__pdf {
	unsigned char *p; /* owned: the file so far */
	size_t len, cap;
	size_t *off; /* owned: offset of object i (index = number) */
	size_t noff, capoff;
	int npages;
	int oom;
	size_t prev_xref; /* resumed: the old file's xref offset, else 0 */
	size_t first_new; /* resumed: first object number written now */
	char id0[33];     /* first /ID string (hex), kept across updates */
};

static void put(sohoa_archive__pdf *d, const void *data, size_t n)
{
	if (d->oom)
		return;
	if (d->len + n > d->cap) {
		size_t cap = d->cap ? d->cap : 65536;
		unsigned char *np;

		while (cap < d->len + n)
			cap *= 2;
		if (!(np = realloc(d->p, cap))) {
			d->oom = 1;
			return;
		}
		d->p = np;
		d->cap = cap;
	}
	memcpy(d->p + d->len, data, n);
	d->len += n;
}

SOHOA_PRINTF(2, 3)
static void putf(sohoa_archive__pdf *d, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(buf)) {
		d->oom = 1;
		return;
	}
	put(d, buf, (size_t)n);
}

/* Start object `num`: record its offset. */
static void obj(sohoa_archive__pdf *d, size_t num)
{
	if (num >= d->capoff) {
		size_t cap = d->capoff ? d->capoff * 2 : 64;
		size_t *np;

		while (cap <= num)
			cap *= 2;
		if (!(np = realloc(d->off, cap * sizeof(*np)))) {
			d->oom = 1;
			return;
		}
		memset(np + d->capoff, 0, (cap - d->capoff) * sizeof(*np));
		d->off = np;
		d->capoff = cap;
	}
	d->off[num] = d->len;
	if (num + 1 > d->noff)
		d->noff = num + 1;
	putf(d, "%zu 0 obj\n", num);
}

/* A stream object: `dict` without the Length, then the data. */
static void stream(sohoa_archive__pdf *d, size_t num, const char *dict,
                   const void *data, size_t n)
{
	obj(d, num);
	putf(d, "<<%s /Length %zu>>\nstream\n", dict, n);
	put(d, data, n);
	putf(d, "\nendstream\nendobj\n");
}

/* A Flate-compressed stream. */
static void zstream(sohoa_archive__pdf *d, size_t num, const char *dict,
                    const void *data, size_t n)
{
	size_t zn = 0;
	l_uint8 *z = zlibCompress((const l_uint8 *)data, n, &zn);
	char full[512];

	if (!z) {
		d->oom = 1;
		return;
	}
	snprintf(full, sizeof(full), "%s /Filter /FlateDecode", dict);
	stream(d, num, full, z, zn);
	lept_free(z);
}

/* UTF-8 to UTF-16BE hex, appended to `hex` (4 or 8 digits a character).
 * Invalid bytes become U+FFFD.  Returns the number of code units. */
static size_t utf16_hex(sohoa_archive__buf *hex, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, units = 0;

	while (i < n) {
		uint32_t c = u[i];
		int extra = c < 0x80 ? 0 : c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : 1;

		if (c >= 0x80 && (c < 0xC0 || c >= 0xF8))
			extra = -1;
		if (extra > 0) {
			c &= 0x3F >> extra;
			for (int k = 1; k <= extra; k++) {
				if (i + k >= n || (u[i + k] & 0xC0) != 0x80) {
					extra = -1;
					break;
				}
				c = (c << 6) | (u[i + k] & 0x3F);
			}
		}
		if (extra < 0) {
			c = 0xFFFD;
			extra = 0;
		}
		i += (size_t)extra + 1;
		if (c >= 0x10000) {
			c -= 0x10000;
			sohoa_archive__buf_printf(hex, "%04X%04X",
			                          0xD800 + (c >> 10),
			                          0xDC00 + (c & 0x3FF));
			units += 2;
		} else {
			sohoa_archive__buf_printf(hex, "%04X", c);
			units++;
		}
	}
	return units;
}

/* `s` with the XML special characters escaped. */
static void xml_text(sohoa_archive__buf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == '&')
			sohoa_archive__buf_printf(b, "&amp;");
		else if (*s == '<')
			sohoa_archive__buf_printf(b, "&lt;");
		else if (*s == '>')
			sohoa_archive__buf_printf(b, "&gt;");
		else
			sohoa_archive__buf_printf(b, "%c", *s);
	}
}

/* The XMP metadata stream (uncompressed, as PDF/A wants): PDF/A-2b
 * identification and the document information, mirrored from /Info. */
static int xmp(sohoa_archive__pdf *d, const char *title, const char *now)
{
	sohoa_archive__buf x = {0};

	sohoa_archive__buf_printf(
	    &x, "<?xpacket begin=\"\xef\xbb\xbf\" "
	        "id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
	        "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n"
	        "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/"
	        "22-rdf-syntax-ns#\">\n"
	        "<rdf:Description rdf:about=\"\"\n"
	        " xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\"\n"
	        " xmlns:dc=\"http://purl.org/dc/elements/1.1/\"\n"
	        " xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\"\n"
	        " xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\">\n"
	        "<pdfaid:part>2</pdfaid:part>\n"
	        "<pdfaid:conformance>B</pdfaid:conformance>\n"
	        "<dc:format>application/pdf</dc:format>\n"
	        "<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">");
	xml_text(&x, title);
	sohoa_archive__buf_printf(
	    &x,
	    "</rdf:li></rdf:Alt></dc:title>\n"
	    "<xmp:CreateDate>%s</xmp:CreateDate>\n"
	    "<pdf:Producer>sohoa " SOHOA_VERSION "</pdf:Producer>\n"
	    "</rdf:Description>\n</rdf:RDF>\n</x:xmpmeta>\n"
	    "<?xpacket end=\"w\"?>",
	    now);
	if (x.oom) {
		sohoa_archive__buf_dispose(&x);
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	}
	stream(d, OBJ_METADATA, "/Type /Metadata /Subtype /XML", x.p, x.len);
	sohoa_archive__buf_dispose(&x);
	return SOHOA_OK;
}

/* The output intent's ICC profile.  SOHOA_EENV naming the file (and the
 * package) when it cannot be read. */
static int icc(sohoa_archive__pdf *d)
{
	char *prof = NULL;
	size_t n = 0;

	if (sohoa_fs_read_all(&prof, &n, SOHOA_ARCHIVE_SRGB_ICC) != SOHOA_OK ||
	    n < 132 || memcmp(prof + 36, "acsp", 4) != 0) {
		free(prof);
		return sohoa_error_set(SOHOA_EENV,
		                       "%s: not a readable ICC profile (the "
		                       "PDF/A output intent; install Debian's "
		                       "icc-profiles-free)",
		                       SOHOA_ARCHIVE_SRGB_ICC);
	}
	zstream(d, OBJ_ICC, "/N 3", prof, n);
	free(prof);
	return SOHOA_OK;
}

int sohoa_archive__pdf_new(sohoa_archive__pdf **out, const char *title)
{
	static const char tounicode[] =
	    "/CIDInit /ProcSet findresource begin\n"
	    "12 dict begin\nbegincmap\n"
	    "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement "
	    "0 >> def\n"
	    "/CMapName /Adobe-Identify-UCS def\n/CMapType 2 def\n"
	    "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
	    "1 beginbfrange\n<0000> <FFFF> <0000>\nendbfrange\n"
	    "endcmap\nCMapName currentdict /CMap defineresource pop\n"
	    "end\nend\n";
	sohoa_archive__pdf *d = calloc(1, sizeof(*d));
	sohoa_archive__buf t = {0};
	unsigned char *gid = NULL;
	char dict[64], now[21];
	size_t i;
	int rc;

	*out = NULL;
	if (!d)
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	/* binary marker comment: the file is 8-bit */
	putf(d, "%%PDF-1.7\n%%\xe2\xe3\xcf\xd3\n");
	obj(d, OBJ_CATALOG);
	putf(d, "%s\nendobj\n", CATALOG_PDFA);
	obj(d, OBJ_FONT);
	putf(d,
	     "<</Type /Font /Subtype /Type0 /BaseFont /GlyphLessFont "
	     "/Encoding /Identity-H /DescendantFonts [%d 0 R] /ToUnicode %d "
	     "0 R>>\nendobj\n",
	     OBJ_CIDFONT, OBJ_TOUNICODE);
	obj(d, OBJ_CIDFONT);
	putf(d,
	     "<</Type /Font /Subtype /CIDFontType2 /BaseFont /GlyphLessFont "
	     "/CIDSystemInfo <</Registry (Adobe) /Ordering (Identity) "
	     "/Supplement 0>> /FontDescriptor %d 0 R /CIDToGIDMap %d 0 R "
	     "/DW 500>>\nendobj\n",
	     OBJ_DESC, OBJ_CIDTOGID);
	obj(d, OBJ_DESC);
	putf(d,
	     "<</Type /FontDescriptor /FontName /GlyphLessFont /Flags 5 "
	     "/FontBBox [0 0 500 1000] /ItalicAngle 0 /Ascent 1000 "
	     "/Descent -1 /CapHeight 1000 /StemV 80 /FontFile2 %d 0 R>>\n"
	     "endobj\n",
	     OBJ_FONTFILE);
	snprintf(dict, sizeof(dict), "/Length1 %zu",
	         sizeof(sohoa_archive__glyphless_ttf));
	stream(d, OBJ_FONTFILE, dict, sohoa_archive__glyphless_ttf,
	       sizeof(sohoa_archive__glyphless_ttf));
	stream(d, OBJ_TOUNICODE, "", tounicode, strlen(tounicode));
	/* every CID shows glyph 1, the blank one */
	if (!(gid = malloc(65536 * 2))) {
		sohoa_archive__pdf_free(d);
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	}
	for (i = 0; i < 65536; i++) {
		gid[2 * i] = 0;
		gid[2 * i + 1] = 1;
	}
	zstream(d, OBJ_CIDTOGID, "", gid, 65536 * 2);
	free(gid);
	sohoa_time_iso8601(now);
	obj(d, OBJ_INFO);
	utf16_hex(&t, title, strlen(title));
	/* the same values as the XMP below (PDF/A-2 6.6.2.3) */
	putf(d,
	     "<</Producer (sohoa " SOHOA_VERSION ") /CreationDate "
	     "(D:%.4s%.2s%.2s%.2s%.2s%.2sZ) /Title <FEFF",
	     now, now + 5, now + 8, now + 11, now + 14, now + 17);
	if (t.p)
		put(d, t.p, t.len);
	putf(d, ">>>\nendobj\n");
	d->oom |= t.oom; /* read before dispose clears it */
	sohoa_archive__buf_dispose(&t);
	if ((rc = xmp(d, title, now)) || (rc = icc(d))) {
		sohoa_archive__pdf_free(d);
		return rc;
	}
	if (d->oom) {
		sohoa_archive__pdf_free(d);
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	}
	/* a file identifier (PDF/A-2 6.1.3): digest of the title and time */
	{
		char h256[65], h512[129], seed[700];

		snprintf(seed, sizeof(seed), "%s %s", title, now);
		if ((rc = sohoa_archive__hash_mem(seed, strlen(seed), h256,
		                                  h512))) {
			sohoa_archive__pdf_free(d);
			return rc;
		}
		memcpy(d->id0, h256, 32);
		d->id0[32] = '\0';
	}
	*out = d;
	return SOHOA_OK;
}

void sohoa_archive__pdf_free(sohoa_archive__pdf *d)
{
	if (!d)
		return;
	free(d->p);
	free(d->off);
	free(d);
}

/* Decode the few HTML entities hOCR uses, drop tags; in place. */
static size_t html_text(char *s, size_t n)
{
	static const struct {
		const char *ent;
		char ch;
	} ents[] = {{"&amp;", '&'},  {"&lt;", '<'},   {"&gt;", '>'},
	            {"&quot;", '"'}, {"&#39;", '\''}, {"&apos;", '\''}};
	size_t r = 0, w = 0;

	while (r < n) {
		if (s[r] == '<') {
			while (r < n && s[r] != '>')
				r++;
			r++;
			continue;
		}
		if (s[r] == '&') {
			size_t k;

			for (k = 0; k < sizeof(ents) / sizeof(*ents); k++) {
				size_t el = strlen(ents[k].ent);

				if (r + el <= n &&
				    !strncmp(s + r, ents[k].ent, el)) {
					s[w++] = ents[k].ch;
					r += el;
					break;
				}
			}
			if (k < sizeof(ents) / sizeof(*ents))
				continue;
		}
		s[w++] = s[r++];
	}
	return w;
}

/* The text layer: one positioned, horizontally scaled run per hOCR word
 * (ocrx_word, title "bbox x0 y0 x1 y1"), in image pixels from the top
 * left, converted with k = 72 / dpi points per pixel. */
static void text_layer(sohoa_archive__buf *c, const char *hocr, double k,
                       double page_h)
{
	const char *p = hocr;

	sohoa_archive__buf_printf(c, "BT\n3 Tr\n");
	while ((p = strstr(p, "ocrx_word"))) {
		const char *bb = strstr(p, "bbox "), *gt, *end;
		double x0, y0, x1, y1, size, width;
		sohoa_archive__buf hex = {0};
		char *word;
		size_t n, units;

		p += 9;
		if (!bb || !(gt = strchr(p, '>')) || bb > gt ||
		    sscanf(bb, "bbox %lf %lf %lf %lf", &x0, &y0, &x1, &y1) != 4)
			continue;
		if (!(end = strstr(gt, "</span>")))
			break;
		if (!(word = strndup(gt + 1, (size_t)(end - gt - 1))))
			break;
		n = html_text(word, strlen(word));
		units = utf16_hex(&hex, word, n);
		free(word);
		size = (y1 - y0) * k;
		width = (x1 - x0) * k;
		if (units && size > 0 && width > 0 && hex.p && !hex.oom) {
			/* each glyph is 0.5 em wide; a trailing space keeps
			 * words apart for text extraction */
			sohoa_archive__buf_printf(
			    c,
			    "/F1 %.2f Tf %.2f Tz 1 0 0 1 %.2f %.2f Tm <%s0020> "
			    "Tj\n",
			    size, 100.0 * width / (0.5 * size * (double)units),
			    x0 * k, page_h - y1 * k, hex.p);
		}
		sohoa_archive__buf_dispose(&hex);
		p = end;
	}
	sohoa_archive__buf_printf(c, "ET\n");
}

/* JPEG quality of the gray and colour page images in the PDF.  The PDF is
 * the access copy (the masters stay byte-identical, lossless); 85 keeps
 * print and scan detail legible on screen and in print at a tenth of the
 * Flate size of a noisy scan (docs/bundle-format.md, docs/archive-bench.md).
 */
#define SOHOA_ARCHIVE__PDF_JPEG_QUALITY 85

/* The bytes fast_flate (zlib format, libdeflate level 1) and the JPEG
 * encoder would make of an 8-bit gray or 24-bit colour raster, estimated
 * from one band of 32 rows in 8 (32: a whole number of JPEG MCU rows),
 * each band compressed both ways: an eighth of the work of each.  0 when
 * it cannot be told. */
static int size_estimates(PIX *pix, size_t *flate, size_t *jpeg)
{
	enum { BAND = 32, STEP = 8 };
	l_int32 w = pixGetWidth(pix), h = pixGetHeight(pix), y;
	struct libdeflate_compressor *z = libdeflate_alloc_compressor(1);
	size_t fz = 0, jz = 0, rows = 0;
	int ok = z != NULL;

	for (y = 0; ok && y < h; y += BAND * STEP) {
		BOX *box = boxCreate(0, y, w, BAND);
		PIX *band = box ? pixClipRectangle(pix, box, NULL) : NULL;
		l_uint8 *raw = NULL, *jp = NULL;
		size_t nraw = 0, nz = 0, nj = 0;
		void *out = NULL;

		boxDestroy(&box);
		ok = band && pixGetRasterData(band, &raw, &nraw) == 0 &&
		     (nz = libdeflate_zlib_compress_bound(z, nraw)) &&
		     (out = malloc(nz)) &&
		     (nz = libdeflate_zlib_compress(z, raw, nraw, out, nz)) &&
		     pixWriteMemJpeg(&jp, &nj, band,
		                     SOHOA_ARCHIVE__PDF_JPEG_QUALITY, 0) == 0;
		if (ok) {
			fz += nz;
			jz += nj;
			rows += (size_t)pixGetHeight(band);
		}
		free(jp);
		free(out);
		lept_free(raw);
		pixDestroy(&band);
	}
	libdeflate_free_compressor(z);
	if (!ok || !rows)
		return 0;
	*flate = fz * (size_t)h / rows;
	*jpeg = jz * (size_t)h / rows;
	return 1;
}

/* An 8-bit gray or 24-bit colour raster without a palette, JPEG-encoded
 * (baseline, libjpeg through Leptonica, in memory: no temp file holds the
 * page), unless the lossless Flate stream would be no larger (clean or
 * born-digital pages, and noisy gray scans: see docs/bundle-format.md);
 * the choice is made on estimates (size_estimates), so only the winner is
 * encoded in full.  Returns NULL when the image is of another kind (1 bit,
 * palette, 16 bit: those stay lossless), Flate is no larger, or encoding
 * fails: fast_flate then. */
static L_COMP_DATA *access_jpeg(PIX *pix)
{
	l_int32 depth = pixGetDepth(pix);
	l_uint8 *data = NULL;
	size_t n = 0, fest = 0, jest = 0;
	L_COMP_DATA *cid;

	if (pixGetColormap(pix) || (depth != 8 && depth != 32))
		return NULL;
	if (depth == 32)
		pixSetSpp(pix, 3); /* PDF/A: no transparency; alpha dropped */
	if (!size_estimates(pix, &fest, &jest) || jest >= fest)
		return NULL;
	if (pixWriteMemJpeg(&data, &n, pix, SOHOA_ARCHIVE__PDF_JPEG_QUALITY,
	                    0) != 0 ||
	    !data)
		return NULL;
	/* the cid takes over `data` (freed by l_CIDataDestroy) */
	if (!(cid = l_generateJpegDataMem(data, n, 0)))
		free(data);
	return cid;
}

/* The lossless case, fast: a 1-bit, 8-bit gray or RGB image without a
 * palette, its raster Flate-compressed (zlib format) by libdeflate at
 * level 1: on a noisy A4 gray scan Leptonica's zlib level 6 took 0.84 s a
 * page, zlib level 1 0.30 s for 9 % more bytes; on a noisy A4 colour page
 * libdeflate level 1 takes 0.17 s where zlib level 1 took 0.37 s, and
 * makes 8 % fewer bytes (the PDF is derived data; the master is the
 * record).  Returns NULL when the image is of another kind. */
static L_COMP_DATA *fast_flate(PIX *pix)
{
	l_int32 depth = pixGetDepth(pix);
	l_uint8 *raw = NULL;
	size_t nraw = 0, nz = 0;
	struct libdeflate_compressor *z = NULL;
	L_COMP_DATA *cid;

	if (pixGetColormap(pix) || (depth != 1 && depth != 8 && depth != 32) ||
	    pixGetRasterData(pix, &raw, &nraw) != 0)
		return NULL;
	if (!(z = libdeflate_alloc_compressor(1)) ||
	    !(cid = calloc(1, sizeof(*cid)))) {
		libdeflate_free_compressor(z);
		lept_free(raw);
		return NULL;
	}
	nz = libdeflate_zlib_compress_bound(z, nraw);
	if (!(cid->datacomp = malloc(nz)) ||
	    !(nz = libdeflate_zlib_compress(z, raw, nraw, cid->datacomp, nz))) {
		free(cid->datacomp);
		free(cid);
		libdeflate_free_compressor(z);
		lept_free(raw);
		return NULL;
	}
	libdeflate_free_compressor(z);
	lept_free(raw);
	cid->type = L_FLATE_ENCODE;
	cid->nbytescomp = nz;
	cid->w = pixGetWidth(pix);
	cid->h = pixGetHeight(pix);
	cid->bps = depth == 1 ? 1 : 8;
	cid->spp = depth == 32 ? 3 : 1;
	cid->res = pixGetXRes(pix);
	return cid; /* l_CIDataDestroy frees it (LEPT_FREE is free) */
}

/* ---- 8-bit gray and RGB TIFF masters, strip by strip -------------------- */

/* Leptonica reads a TIFF one scan line at a time, and libtiff then inflates
 * a Deflate strip with zlib in pieces; read whole strips, libtiff inflates
 * each with libdeflate in one call (perf, realistic gray masters as the
 * scan module writes them: zlib's inflate and adler32 were a quarter of
 * the packing CPU).  The bytes are the master's, in memory. */
struct memtiff {
	const unsigned char *p;
	tmsize_t n, pos;
};

static tmsize_t memtiff_read(thandle_t h, void *buf, tmsize_t n)
{
	struct memtiff *m = (struct memtiff *)h;

	if (n > m->n - m->pos)
		n = m->n - m->pos;
	if (n > 0) {
		memcpy(buf, m->p + m->pos, (size_t)n);
		m->pos += n;
	}
	return n < 0 ? 0 : n;
}

static tmsize_t memtiff_write(thandle_t h, void *buf, tmsize_t n)
{
	(void)h;
	(void)buf;
	(void)n;
	return -1;
}

static toff_t memtiff_seek(thandle_t h, toff_t off, int whence)
{
	struct memtiff *m = (struct memtiff *)h;
	int64_t base = whence == SEEK_CUR   ? (int64_t)m->pos
	               : whence == SEEK_END ? (int64_t)m->n
	                                    : 0;
	int64_t np = base + (int64_t)off;

	if (np < 0)
		return (toff_t)-1;
	m->pos = (tmsize_t)np;
	return (toff_t)np;
}

static int memtiff_close(thandle_t h)
{
	(void)h;
	return 0;
}

static toff_t memtiff_size(thandle_t h)
{
	return (toff_t)((struct memtiff *)h)->n;
}

static void quiet_tiff(const char *module, const char *fmt, va_list ap)
{
	(void)module;
	(void)fmt;
	(void)ap;
}

/* One Deflate strip inflated by libdeflate and, with the horizontal
 * predictor, undone here: libtiff's loop (horAcc8) adds through memory,
 * byte after byte, and took a fifth of the packing CPU of a realistic gray
 * page; this one carries the running sum in a register.  0 when the strip
 * is not as expected (libtiff then reads it). */
static int deflate_strip(TIFF *tif, tstrip_t s,
                         struct libdeflate_decompressor *dz,
                         unsigned char **raw, size_t *rawcap,
                         unsigned char *out, size_t cap, size_t want, int spp,
                         size_t rowbytes, int predictor)
{
	uint64_t *counts = NULL;
	size_t n, got = 0, off;

	if (!TIFFGetField(tif, TIFFTAG_STRIPBYTECOUNTS, &counts) || !counts ||
	    counts[s] == 0 || counts[s] > ((uint64_t)1 << 31))
		return 0;
	n = (size_t)counts[s];
	if (n > *rawcap) {
		unsigned char *p = realloc(*raw, n);

		if (!p)
			return 0;
		*raw = p;
		*rawcap = n;
	}
	if (TIFFReadRawStrip(tif, s, *raw, (tmsize_t)n) != (tmsize_t)n ||
	    libdeflate_zlib_decompress(dz, *raw, n, out, cap, &got) !=
	        LIBDEFLATE_SUCCESS ||
	    got < want)
		return 0;
	if (!predictor)
		return 1;
	for (off = 0; off < want; off += rowbytes) {
		unsigned char *p = out + off, *end = p + rowbytes;

		if (spp == 1) {
			unsigned char v = 0;

			for (; p < end; p++)
				*p = v = (unsigned char)(v + *p);
		} else {
			unsigned char r = 0, g = 0, b = 0;

			for (; p + 2 < end; p += 3) {
				p[0] = r = (unsigned char)(r + p[0]);
				p[1] = g = (unsigned char)(g + p[1]);
				p[2] = b = (unsigned char)(b + p[2]);
			}
		}
	}
	return 1;
}

/* The first image of an 8-bit gray (min-is-black) or RGB TIFF, unsigned,
 * contiguous, top-left, no extra samples; NULL for anything else, which
 * Leptonica reads instead. */
static PIX *tiff_strips_pix(const unsigned char *img, size_t n)
{
	struct memtiff m = {img, (tmsize_t)n, 0};
	TIFFErrorHandler eh, wh;
	TIFF *tif;
	PIX *pix = NULL;
	uint32_t w = 0, h = 0, rps = 0, row = 0;
	uint16_t bps = 0, spp = 0, photo = 0, planar = 0, fmt = 1, orient = 1;
	uint16_t nextra = 0, *extra = NULL, unit = RESUNIT_INCH;
	uint16_t comp = COMPRESSION_NONE, pred = PREDICTOR_NONE;
	struct libdeflate_decompressor *dz = NULL;
	unsigned char *raw = NULL;
	size_t rawcap = 0;
	float xres = 0;
	unsigned char *strip = NULL;
	tmsize_t ssize;
	tstrip_t s, ns;

	/* not a finding: Leptonica reads what this does not */
	eh = TIFFSetErrorHandler(quiet_tiff);
	wh = TIFFSetWarningHandler(quiet_tiff);
	tif = TIFFClientOpen("master", "rm", (thandle_t)&m, memtiff_read,
	                     memtiff_write, memtiff_seek, memtiff_close,
	                     memtiff_size, NULL, NULL);
	if (!tif)
		goto done;
	if (!TIFFGetField(tif, TIFFTAG_IMAGEWIDTH, &w) ||
	    !TIFFGetField(tif, TIFFTAG_IMAGELENGTH, &h) ||
	    !TIFFGetField(tif, TIFFTAG_PHOTOMETRIC, &photo) || TIFFIsTiled(tif))
		goto done;
	TIFFGetFieldDefaulted(tif, TIFFTAG_BITSPERSAMPLE, &bps);
	TIFFGetFieldDefaulted(tif, TIFFTAG_SAMPLESPERPIXEL, &spp);
	TIFFGetFieldDefaulted(tif, TIFFTAG_PLANARCONFIG, &planar);
	TIFFGetFieldDefaulted(tif, TIFFTAG_SAMPLEFORMAT, &fmt);
	TIFFGetFieldDefaulted(tif, TIFFTAG_ORIENTATION, &orient);
	TIFFGetFieldDefaulted(tif, TIFFTAG_EXTRASAMPLES, &nextra, &extra);
	TIFFGetFieldDefaulted(tif, TIFFTAG_ROWSPERSTRIP, &rps);
	if (w == 0 || h == 0 || w > 100000 || h > 100000 || bps != 8 ||
	    fmt != SAMPLEFORMAT_UINT || planar != PLANARCONFIG_CONTIG ||
	    orient != ORIENTATION_TOPLEFT || nextra != 0 ||
	    !((spp == 1 && photo == PHOTOMETRIC_MINISBLACK) ||
	      (spp == 3 && photo == PHOTOMETRIC_RGB)))
		goto done;
	if (rps == 0 || rps > h)
		rps = h;
	ssize = TIFFStripSize(tif);
	ns = TIFFNumberOfStrips(tif);
	if (ssize <= 0 || (uint64_t)ssize < (uint64_t)rps * w * spp ||
	    !(strip = malloc((size_t)ssize)) ||
	    !(pix = pixCreate((l_int32)w, (l_int32)h, spp == 1 ? 8 : 32)))
		goto fail;
	if (spp == 3)
		pixSetSpp(pix, 3);
	TIFFGetFieldDefaulted(tif, TIFFTAG_COMPRESSION, &comp);
	TIFFGetFieldDefaulted(tif, TIFFTAG_PREDICTOR, &pred);
	if ((comp == COMPRESSION_ADOBE_DEFLATE ||
	     comp == COMPRESSION_DEFLATE) &&
	    (pred == PREDICTOR_NONE || pred == PREDICTOR_HORIZONTAL))
		dz = libdeflate_alloc_decompressor();
	for (s = 0; s < ns && row < h; s++) {
		uint32_t rows = h - row < rps ? h - row : rps, r, x;
		size_t want = (size_t)rows * w * spp;

		if (!dz ||
		    !deflate_strip(tif, s, dz, &raw, &rawcap, strip,
		                   (size_t)ssize, want, spp, (size_t)w * spp,
		                   pred == PREDICTOR_HORIZONTAL)) {
			if (TIFFReadEncodedStrip(tif, s, strip,
			                         (tmsize_t)want) !=
			    (tmsize_t)want)
				goto fail;
		}
		for (r = 0; r < rows; r++, row++) {
			const unsigned char *src = strip + (size_t)r * w * spp;
			l_uint32 *line = pixGetData(pix) +
			                 (size_t)row * (size_t)pixGetWpl(pix);

			if (spp == 1) {
				/* Leptonica's byte order inside a word is
				 * fixed below, for the whole raster */
				memcpy(line, src, w);
				continue;
			}
			for (x = 0; x < w; x++, src += 3)
				line[x] = ((l_uint32)src[0] << 24) |
				          ((l_uint32)src[1] << 16) |
				          ((l_uint32)src[2] << 8);
		}
	}
	if (row != h)
		goto fail;
	if (spp == 1)
		pixEndianByteSwap(pix);
	if (TIFFGetField(tif, TIFFTAG_XRESOLUTION, &xres) && xres > 0) {
		TIFFGetFieldDefaulted(tif, TIFFTAG_RESOLUTIONUNIT, &unit);
		if (unit == RESUNIT_CENTIMETER)
			xres *= 2.54f;
		if (unit != RESUNIT_NONE)
			pixSetResolution(pix, (l_int32)(xres + 0.5f),
			                 (l_int32)(xres + 0.5f));
	}
	goto done;
fail:
	pixDestroy(&pix);
done:
	free(strip);
	free(raw);
	if (dz)
		libdeflate_free_decompressor(dz);
	if (tif)
		TIFFClose(tif);
	TIFFSetErrorHandler(eh);
	TIFFSetWarningHandler(wh);
	return pix;
}

int sohoa_archive__pdf_page(sohoa_archive__pdf *d, const unsigned char *img,
                            size_t n, const char *hocr, int dpi, int rotation)
{
	L_COMP_DATA *cid = NULL;
	PIX *pix = NULL;
	sohoa_archive__buf c = {0};
	char dict[512], cs[64], cm[128];
	l_int32 format = IFF_UNKNOWN;
	size_t pnum = OBJ_FIRST_PAGE + 3 * (size_t)d->npages;
	double k, w, h;
	int rc = SOHOA_OK;

	if (n < 12 || findFileFormatBuffer(img, &format) ||
	    format == IFF_UNKNOWN)
		return sohoa_error_set(SOHOA_EINVALID, "not an image");
	if (format == IFF_JFIF_JPEG) {
		/* the JPEG bytes pass through; the cid takes over the copy */
		l_uint8 *copy = malloc(n);

		if (!copy)
			return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
		memcpy(copy, img, n);
		if (!(cid = l_generateJpegDataMem(copy, n, 0)))
			free(copy);
	} else {
		if (format >= IFF_TIFF && format <= IFF_TIFF_ZIP)
			pix = tiff_strips_pix(img, n);
		if (!pix)
			pix = pixReadMem(img, n);
		if (pix && !(cid = access_jpeg(pix)) &&
		    !(cid = fast_flate(pix)))
			pixGenerateCIData(pix, L_FLATE_ENCODE, 0, 0, &cid);
	}
	pixDestroy(&pix);
	if (!cid)
		return sohoa_error_set(SOHOA_EINVALID,
		                       "image cannot be decoded");
	if (dpi <= 0)
		dpi = cid->res > 0 ? cid->res : 300;
	k = 72.0 / dpi;
	w = cid->w * k; /* the master, in points */
	h = cid->h * k;
	rotation = ((rotation % 360) + 360) % 360 / 90 * 90;
	/* the page shows the master turned upright (OCR's hOCR boxes are in
	 * that frame): `rotation` degrees clockwise; image space is the unit
	 * square, (0,0) its bottom left */
	if (rotation == 90)
		snprintf(cm, sizeof(cm), "0 %.2f %.2f 0 0 %.2f", -w, h, w);
	else if (rotation == 180)
		snprintf(cm, sizeof(cm), "%.2f 0 0 %.2f %.2f %.2f", -w, -h, w,
		         h);
	else if (rotation == 270)
		snprintf(cm, sizeof(cm), "0 %.2f %.2f 0 %.2f 0", w, -h, h);
	else
		snprintf(cm, sizeof(cm), "%.2f 0 0 %.2f 0 0", w, h);
	if (rotation == 90 || rotation == 270) {
		double t = w;

		w = h; /* the page, upright */
		h = t;
	}

	/* page, contents, image */
	obj(d, pnum);
	putf(d,
	     "<</Type /Page /Parent %d 0 R /MediaBox [0 0 %.2f %.2f] "
	     "/Contents %zu 0 R /Resources <</XObject <</Im1 %zu 0 R>> "
	     "/Font <</F1 %d 0 R>>>>>>\nendobj\n",
	     OBJ_PAGES, w, h, pnum + 1, pnum + 2, OBJ_FONT);
	sohoa_archive__buf_printf(&c, "q %s cm /Im1 Do Q\n", cm);
	if (hocr)
		text_layer(&c, hocr, k, h);
	if (c.oom) {
		rc = sohoa_error_set(SOHOA_ENOMEM, "out of memory");
		goto done;
	}
	zstream(d, pnum + 1, "", c.p, c.len);

	if (cid->ncolors > 0 && cid->cmapdatahex)
		snprintf(cs, sizeof(cs), "[/Indexed /DeviceRGB %d ",
		         cid->ncolors - 1);
	else
		snprintf(cs, sizeof(cs), "%s",
		         cid->spp == 3   ? "/DeviceRGB"
		         : cid->spp == 4 ? "/DeviceCMYK"
		                         : "/DeviceGray");
	if (cid->ncolors > 0 && cid->cmapdatahex) {
		/* the palette is a hex string; write it straight out */
		obj(d, pnum + 2);
		putf(d,
		     "<</Type /XObject /Subtype /Image /Width %d /Height %d "
		     "/BitsPerComponent %d /ColorSpace %s",
		     cid->w, cid->h, cid->bps, cs);
		put(d, cid->cmapdatahex, strlen(cid->cmapdatahex));
		putf(d, "] /Filter /FlateDecode /Length %zu>>\nstream\n",
		     cid->nbytescomp);
		put(d, cid->datacomp, cid->nbytescomp);
		putf(d, "\nendstream\nendobj\n");
	} else {
		char parms[160] = "";

		if (cid->type == L_FLATE_ENCODE && cid->predictor)
			snprintf(parms, sizeof(parms),
			         " /DecodeParms <</Columns %d /Predictor 14 "
			         "/Colors %d /BitsPerComponent %d>>",
			         cid->w, cid->spp, cid->bps);
		snprintf(dict, sizeof(dict),
		         "/Type /XObject /Subtype /Image /Width %d /Height %d "
		         "/BitsPerComponent %d /ColorSpace %s%s /Filter %s%s",
		         cid->w, cid->h, cid->bps, cs,
		         /* Leptonica's 1 bpp: 1 is black */
		         cid->bps == 1 && cid->spp == 1 ? " /Decode [1 0]" : "",
		         cid->type == L_JPEG_ENCODE ? "/DCTDecode"
		                                    : "/FlateDecode",
		         parms);
		stream(d, pnum + 2, dict, cid->datacomp, cid->nbytescomp);
	}
	d->npages++;
	if (d->oom)
		rc = sohoa_error_set(SOHOA_ENOMEM, "out of memory");
done:
	sohoa_archive__buf_dispose(&c);
	l_CIDataDestroy(&cid);
	return rc;
}

int sohoa_archive__pdf_resume(sohoa_archive__pdf **out, unsigned char *old,
                              size_t len, int npages)
{
	sohoa_archive__pdf *d;
	const char *sx = NULL;
	size_t i, xref = 0;

	*out = NULL;
	/* "startxref\nNNN\n%%EOF" at the end of a file we wrote */
	for (i = len > 64 ? len - 64 : 0; i + 9 < len; i++)
		if (memcmp(old + i, "startxref", 9) == 0)
			sx = (const char *)old + i;
	if (!sx || npages < 1 || len < 32 ||
	    memcmp(old + len - 6, "%%EOF\n", 6) != 0 ||
	    sscanf(sx, "startxref %zu", &xref) != 1 || xref == 0 ||
	    xref >= len) {
		free(old);
		return sohoa_error_set(SOHOA_EINVALID,
		                       "not a PDF this writer made");
	}
	/* ours, PDF/A: the catalog right after the header, and an /ID */
	{
		static const char cat[] = "1 0 obj\n" CATALOG_PDFA;
		const char *id = NULL;

		for (i = xref; i + 40 < len; i++)
			if (memcmp(old + i, "/ID [<", 6) == 0)
				id = (const char *)old + i + 6;
		if (len < 16 + sizeof(cat) ||
		    memcmp(old + 15, cat, sizeof(cat) - 1) != 0 || !id) {
			free(old);
			return sohoa_error_set(SOHOA_EINVALID,
			                       "not a PDF/A this writer made");
		}
		if (!(d = calloc(1, sizeof(*d)))) {
			free(old);
			return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
		}
		memcpy(d->id0, id, 32);
		d->id0[32] = '\0';
	}
	d->p = old;
	d->len = d->cap = len;
	d->npages = npages;
	d->prev_xref = xref;
	d->first_new = OBJ_FIRST_PAGE + 3 * (size_t)npages;
	d->noff = d->first_new;
	*out = d;
	return SOHOA_OK;
}

int sohoa_archive__pdf_finish(sohoa_archive__pdf *d, unsigned char **out,
                              size_t *len)
{
	size_t xref, i;
	char id1[33];
	int pg;

	*out = NULL;
	*len = 0;
	if (d->npages == 0)
		return sohoa_error_set(SOHOA_EINVALID, "a PDF needs a page");
	/* the second /ID string changes with each version of the file */
	{
		char seed[96], h256[65], h512[129];
		int rc;

		snprintf(seed, sizeof(seed), "%s %zu %d", d->id0, d->len,
		         d->npages);
		if ((rc = sohoa_archive__hash_mem(seed, strlen(seed), h256,
		                                  h512)))
			return rc;
		memcpy(id1, h256 + 32, 32);
		id1[32] = '\0';
	}
	obj(d, OBJ_PAGES);
	putf(d, "<</Type /Pages /Count %d /Kids [", d->npages);
	for (pg = 0; pg < d->npages; pg++)
		putf(d, "%s%d 0 R", pg ? " " : "", OBJ_FIRST_PAGE + 3 * pg);
	putf(d, "]>>\nendobj\n");
	xref = d->len;
	if (d->prev_xref) {
		/* an incremental update: the old bytes stay as they were, the
		 * new pages and the new page tree are added after them */
		putf(d,
		     "xref\n0 1\n0000000000 65535 f \n%d 1\n%010zu 00000 n \n",
		     OBJ_PAGES, d->off[OBJ_PAGES]);
		putf(d, "%zu %zu\n", d->first_new, d->noff - d->first_new);
		for (i = d->first_new; i < d->noff; i++)
			putf(d, "%010zu 00000 n \n", d->off[i]);
		putf(d,
		     "trailer\n<</Size %zu /Root %d 0 R /Info %d 0 R /ID [<%s> "
		     "<%s>] /Prev %zu>>\nstartxref\n%zu\n%%%%EOF\n",
		     d->noff, OBJ_CATALOG, OBJ_INFO, d->id0, id1, d->prev_xref,
		     xref);
		goto out;
	}
	putf(d, "xref\n0 %zu\n0000000000 65535 f \n", d->noff);
	for (i = 1; i < d->noff; i++)
		putf(d, "%010zu 00000 n \n", d->off[i]);
	putf(d,
	     "trailer\n<</Size %zu /Root %d 0 R /Info %d 0 R /ID [<%s> <%s>]>>"
	     "\nstartxref\n%zu\n%%%%EOF\n",
	     d->noff, OBJ_CATALOG, OBJ_INFO, d->id0, id1, xref);
out:
	if (d->oom)
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	*out = d->p;
	*len = d->len;
	d->p = NULL;
	return SOHOA_OK;
}
