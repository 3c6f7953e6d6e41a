/* import_bench.c -- cost of taking an image file into the spool: what the
 * hot folder does per dropped file (sohoa_scan_import_check, then
 * sohoa_scan_import_file into a fresh job folder), no OCR.
 *
 * usage: import_bench make OUT.tif SOURCE.png
 *          a 6-page A4 300 dpi Deflate TIFF (colour, gray, colour, ...)
 *          made from a gray text image scaled to the page
 *        import_bench run FILE SPOOL_ROOT REPEATS
 *          prints files, pages, seconds and pages/s
 */
#include "config/config.h"
#include "scan/scan.h"

#include <leptonica/allheaders.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int count(const sohoa_scan_page *pg, void *payload)
{
	(void)pg;
	++*(int *)payload;
	return SOHOA_OK;
}

/* Sensor noise of a few levels, as a real scan has (a fixed LCG: the
 * same file every run). */
static l_uint32 noisy(l_uint32 v, l_uint32 *seed)
{
	l_int32 n;

	*seed = *seed * 1103515245u + 12345u;
	n = (l_int32)v + (l_int32)((*seed >> 16) % 9) - 4;
	return (l_uint32)(n < 0 ? 0 : n > 255 ? 255 : n);
}

/* An A4 300 dpi page from `src` with sensor noise: gray, or colour with
 * every channel different. */
static PIX *page(PIX *src, int colour)
{
	PIX *g = pixScaleToSize(src, 2480, 3508), *c;
	l_uint32 seed = 1;

	for (l_int32 y = 0; g && y < 3508; y++)
		for (l_int32 x = 0; x < 2480; x++) {
			l_uint32 v = 0;

			pixGetPixel(g, x, y, &v);
			pixSetPixel(g, x, y, noisy(v, &seed));
		}
	if (!colour || !g)
		return g;
	c = pixCreate(2480, 3508, 32);
	for (l_int32 y = 0; c && y < 3508; y++)
		for (l_int32 x = 0; x < 2480; x++) {
			l_uint32 v = 0, rgb = 0;

			pixGetPixel(g, x, y, &v);
			composeRGBPixel(
			    (l_int32)v, (l_int32)noisy(v * 9 / 10 + 20, &seed),
			    (l_int32)noisy((v + (l_uint32)y / 8) & 255, &seed),
			    &rgb);
			pixSetPixel(c, x, y, rgb);
		}
	pixDestroy(&g);
	return c;
}

static int make(const char *out, const char *srcpath)
{
	PIX *src = pixRead(srcpath), *g = NULL;

	if (!src || !(g = pixConvertTo8(src, 0))) {
		fprintf(stderr, "import_bench: cannot read %s\n", srcpath);
		return SOHOA_EXIT_FAIL;
	}
	for (int i = 0; i < 6; i++) {
		PIX *p = page(g, i % 2 == 0);

		if (!p)
			return SOHOA_EXIT_FAIL;
		pixSetResolution(p, 300, 300);
		if (pixWriteTiff(out, p, IFF_TIFF_ZIP, i ? "a" : "w") != 0) {
			fprintf(stderr, "import_bench: cannot write %s\n", out);
			return SOHOA_EXIT_FAIL;
		}
		pixDestroy(&p);
	}
	pixDestroy(&g);
	pixDestroy(&src);
	return SOHOA_EXIT_OK;
}

int main(int argc, char **argv)
{
	struct timespec t0, t1;
	int n, pages = 0, got = 0;
	double s;

	if (argc == 4 && !strcmp(argv[1], "make"))
		return make(argv[2], argv[3]);
	if (argc != 5 || strcmp(argv[1], "run") || (n = atoi(argv[4])) < 1) {
		fprintf(stderr, "usage: import_bench make OUT.tif SOURCE.png\n"
		                "       import_bench run FILE SPOOL_ROOT "
		                "REPEATS\n");
		return SOHOA_EXIT_USAGE;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < n; i++) {
		char dir[4096];
		int np = 0;

		snprintf(dir, sizeof(dir), "%s/job%04d", argv[3], i);
		if (sohoa_scan_import_check(argv[2], &np) != SOHOA_OK ||
		    sohoa_scan_import_file(argv[2], dir, 1, count, &got) !=
		        SOHOA_OK) {
			fprintf(stderr, "import_bench: %s\n",
			        sohoa_error_last());
			return SOHOA_EXIT_FAIL;
		}
		pages += np;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	s = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	if (got != pages) {
		fprintf(stderr,
		        "import_bench: %d pages reported, %d expected\n", got,
		        pages);
		return SOHOA_EXIT_FAIL;
	}
	printf("files %d pages %d seconds %.3f pages/s %.2f\n", n, pages, s,
	       pages / s);
	return SOHOA_EXIT_OK;
}
