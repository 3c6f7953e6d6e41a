/* image.c -- page loading and page analysis with Leptonica: decoding with
 * clear refusals, gray conversion, blank-page detection and deskew.
 *
 * Leptonica prints its own errors; a handler installed once keeps the
 * first message of the current read in a per-thread buffer so that it
 * ends up in the refusal message instead of on stderr.
 */
#include "ocr/ocr.h"

#include <assert.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <leptonica/allheaders.h>

#include "config/config.h"
#include "ocr_int.h"

static _Thread_local char lept_msg[200]; /* first message since reset */

static void lept_handler(const char *msg)
{
	size_t n;

	if (lept_msg[0] != '\0')
		return;
	/* "Error in pixReadStreamPng: internal png error" */
	if (!strncmp(msg, "Error in ", 9))
		msg += 9;
	snprintf(lept_msg, sizeof(lept_msg), "%s", msg);
	n = strlen(lept_msg);
	while (n > 0 && (lept_msg[n - 1] == '\n' || lept_msg[n - 1] == ' '))
		lept_msg[--n] = '\0';
}

static pthread_once_t global_once = PTHREAD_ONCE_INIT;

static void global_setup(void)
{
	/* Errors only: warnings and info are not ours to show. */
	setMsgSeverity(L_SEVERITY_ERROR);
	leptSetStderrHandler(lept_handler);
}

void sohoa_ocr__global_init(void)
{
	pthread_once(&global_once, global_setup);
}

/* stat the file: a missing file is ENOTFOUND, an empty one EINVALID. */
static int check_file(const char *path)
{
	struct stat st;

	if (stat(path, &st) != 0)
		return sohoa_error_set(sohoa_error_from_errno(errno), "%s: %s",
		                       path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return sohoa_error_set(SOHOA_EINVALID,
		                       "%s: not a readable image (not a file)",
		                       path);
	if (st.st_size == 0)
		return sohoa_error_set(SOHOA_EINVALID,
		                       "%s: not a readable image (empty file)",
		                       path);
	return SOHOA_OK;
}

static int not_readable(const char *path)
{
	return sohoa_error_set(
	    SOHOA_EINVALID, "%s: not a readable image (%s)", path,
	    lept_msg[0] ? lept_msg : "unknown or damaged format");
}

static int file_format(int *fmt_out, const char *path)
{
	int rc;

	sohoa_ocr__global_init();
	lept_msg[0] = '\0';
	if ((rc = check_file(path)) != SOHOA_OK)
		return rc;
	if (findFileFormat(path, fmt_out) != 0 || *fmt_out == IFF_UNKNOWN)
		return not_readable(path);
	return SOHOA_OK;
}

static int tiff_count(int *n_out, const char *path)
{
	FILE *fp = fopen(path, "rb");
	int n = 0;

	if (!fp)
		return sohoa_error_set(sohoa_error_from_errno(errno), "%s: %s",
		                       path, strerror(errno));
	if (tiffGetCount(fp, &n) != 0 || n < 1) {
		fclose(fp);
		return not_readable(path);
	}
	fclose(fp);
	*n_out = n;
	return SOHOA_OK;
}

int sohoa_ocr_count_pages(int *n_out, const char *path)
{
	int fmt, rc;

	assert(n_out && path);
	*n_out = 0;
	if ((rc = file_format(&fmt, path)) != SOHOA_OK)
		return rc;
	if (L_FORMAT_IS_TIFF(fmt))
		return tiff_count(n_out, path);
	*n_out = 1;
	return SOHOA_OK;
}

static int too_big(const char *path, int w, int h, double max_mp)
{
	return sohoa_error_set(SOHOA_EINVALID,
	                       "%s: page of %dx%d pixels is over the limit of "
	                       "%.0f megapixels",
	                       path, w, h, max_mp);
}

int sohoa_ocr__load(PIX **out, int *dpi_out, const char *path, int page,
                    double max_mp)
{
	int fmt, n = 1, w = 0, h = 0, rc;
	PIX *pix = NULL;

	*out = NULL;
	*dpi_out = 0;
	if ((rc = file_format(&fmt, path)) != SOHOA_OK)
		return rc;
	if (L_FORMAT_IS_TIFF(fmt) && (rc = tiff_count(&n, path)) != SOHOA_OK)
		return rc;
	if (page < 0 || page >= n)
		return sohoa_error_set(SOHOA_EINVALID,
		                       "%s: no page %d (the file has %d)", path,
		                       page + 1, n);
	/* Refuse oversized pages before decoding them, from the header.
	 * For a TIFF the header is the first page's; the size is checked
	 * again after decoding. */
	if (page == 0 &&
	    pixReadHeader(path, NULL, &w, &h, NULL, NULL, NULL) == 0 &&
	    (double)w * h > max_mp * 1e6)
		return too_big(path, w, h, max_mp);
	pix = L_FORMAT_IS_TIFF(fmt) ? pixReadTiff(path, page) : pixRead(path);
	if (!pix)
		return not_readable(path);
	w = pixGetWidth(pix);
	h = pixGetHeight(pix);
	if (w <= 0 || h <= 0) {
		pixDestroy(&pix);
		return not_readable(path);
	}
	if ((double)w * h > max_mp * 1e6) {
		pixDestroy(&pix);
		return too_big(path, w, h, max_mp);
	}
	*dpi_out = pixGetXRes(pix) > 0 ? pixGetXRes(pix) : 0;
	*out = pix;
	return SOHOA_OK;
}

PIX *sohoa_ocr__to_gray(PIX *pix)
{
	PIX *g;

	if (pixGetDepth(pix) == 8 && !pixGetColormap(pix))
		return pixClone(pix);
	/* Colour: luminance; colormap: removed; 1/2/4/16 bpp: expanded. */
	g = pixConvertTo8(pix, 0);
	if (g)
		pixCopyResolution(g, pix);
	return g;
}

int sohoa_ocr__ink_threshold(PIX *gray)
{
	l_uint32 hist[256] = {0}, total = 0, acc = 0;
	l_uint32 *data = pixGetData(gray), *line;
	int w = pixGetWidth(gray), h = pixGetHeight(gray);
	int wpl = pixGetWpl(gray), x, y, paper = 255;

	/* Paper is the brightest large part of a page: take the level that
	 * 80% of the pixels do not exceed.  Text, stamps and photos are
	 * darker; a page holds at least 20% bare paper (a code or label
	 * image about half). */
	for (y = 0; y < h; y += 2) {
		line = data + (size_t)y * wpl;
		for (x = 0; x < w; x += 2) {
			hist[GET_DATA_BYTE(line, x)]++;
			total++;
		}
	}
	for (x = 0; x < 256; x++) {
		acc += hist[x];
		if (acc * 10 >= total * 8) {
			paper = x;
			break;
		}
	}
	/* Ink is at least 40% darker than the paper.  Bleed-through,
	 * shading and scanner noise are a few percent darker; printed or
	 * written ink is far darker. */
	return paper * 6 / 10;
}

static int mm_to_px(double mm, int dpi)
{
	int px = (int)lround(mm * dpi / 25.4);

	return px > 1 ? px : 1;
}

int sohoa_ocr__is_blank(PIX *gray, int dpi)
{
	int w = pixGetWidth(gray), h = pixGetHeight(gray);
	int thr = sohoa_ocr__ink_threshold(gray);
	int margin, min_size, big, stroke, i, n, bw, bh, textlike = 0;
	int blank = 1;
	PIX *bin = NULL, *inner = NULL, *clean = NULL, *opened = NULL;
	BOX *box = NULL;
	BOXA *boxa = NULL;

	if (dpi < 50 || dpi > 2400)
		dpi = SOHOA_OCR_DEFAULT_DPI;
	/* What counts, in physical sizes:
	 * - the outer 15 mm are the scanner's: punch holes (centred ~12 mm
	 *   from the edge), lid shadows, black borders.  Administrative
	 *   documents keep at least 15-20 mm margins (Decree 30/2020).
	 * - a stroke thinner than 0.17 mm (2 px at 300 dpi) is a hair or
	 *   noise; printed text of 8 pt and more has thicker strokes.
	 * - a mark smaller than 1.2 mm both ways is dust; a 10 pt x-height
	 *   is ~1.8 mm.
	 * - content is three such marks (a few letters) or one mark of at
	 *   least 8 mm both ways (a signature, stamp, photo, table). */
	margin = mm_to_px(15.0, dpi);
	stroke = mm_to_px(0.17, dpi);
	min_size = mm_to_px(1.2, dpi);
	big = mm_to_px(8.0, dpi);

	if (!(bin = pixThresholdToBinary(gray, thr)))
		goto done; /* cannot analyse: treat as content */
	if (w > 4 * margin && h > 4 * margin) {
		box = boxCreate(margin, margin, w - 2 * margin, h - 2 * margin);
		if (!box || !(inner = pixClipRectangle(bin, box, NULL)))
			goto done_content;
		/* Marks reaching into the margin band belong to it (a
		 * border, a punch hole cut by the band). */
		clean = pixRemoveBorderConnComps(inner, 8);
	} else {
		/* Smaller than a page (a card, a label, a code): cropped,
		 * no scanner band, content may touch the edges. */
		clean = pixClone(bin);
	}
	if (!clean)
		goto done_content;
	if (!(opened = pixOpenBrick(NULL, clean, stroke, stroke)))
		goto done_content;
	if (!(boxa = pixConnCompBB(opened, 8)))
		goto done_content;
	n = boxaGetCount(boxa);
	for (i = 0; i < n && blank; i++) {
		if (boxaGetBoxGeometry(boxa, i, NULL, NULL, &bw, &bh) != 0)
			continue;
		if (bw >= big && bh >= big)
			blank = 0;
		else if ((bw >= min_size || bh >= min_size) && ++textlike >= 3)
			blank = 0;
	}
	goto done;
done_content:
	blank = 0;
done:
	if (!bin)
		blank = 0;
	boxaDestroy(&boxa);
	boxDestroy(&box);
	pixDestroy(&opened);
	pixDestroy(&clean);
	pixDestroy(&inner);
	pixDestroy(&bin);
	return blank;
}

int sohoa_ocr__deskew(PIX **out, double *deg_out, PIX *gray)
{
	l_float32 angle = 0, conf = 0;
	PIX *bin = NULL, *rot = NULL;

	*out = NULL;
	*deg_out = 0;
	bin = pixThresholdToBinary(gray, sohoa_ocr__ink_threshold(gray));
	if (bin && pixFindSkew(bin, &angle, &conf) == 0 && conf >= 3.0f) {
		/* Leptonica's limits for pixDeskew(): confidence 3, angle 0.1
		 */
		*deg_out = angle;
		if (fabsf(angle) >= 0.1f)
			rot = pixRotate(gray, (l_float32)(M_PI / 180.0) * angle,
			                L_ROTATE_AREA_MAP, L_BRING_IN_WHITE, 0,
			                0);
	}
	pixDestroy(&bin);
	*out = rot ? rot : pixClone(gray);
	if (!*out)
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	return SOHOA_OK;
}
