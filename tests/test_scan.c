/* test_scan.c -- capture through SANE's own `test` and `pnm` backends
 * (SANE_CONFIG_DIR = tests/data/sane) and import of image files.
 */
#include "scan/scan.h"

#include "config/config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <leptonica/allheaders.h>
#include <tiffio.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#if defined(SOHOA_DEFERRED_CANCEL)
/* scan/scan.c, sanitizer builds: asynchronous cancels made deferred */
int sohoa_scan_deferred_cancels(void);
#endif

/* Any case that runs this long has hung: fail it with a message instead of
 * waiting for ctest's timeout (cmocka has just printed the case's name). */
enum { WATCHDOG_SECONDS = 120 };
static char watchdog_msg[256];

static void watchdog_fired(int sig)
{
	ssize_t n = write(STDERR_FILENO, watchdog_msg, strlen(watchdog_msg));

	(void)sig;
	(void)n;
	_exit(3);
}

static int watchdog(void **state)
{
	(void)state;
	alarm(WATCHDOG_SECONDS);
	return 0;
}

struct fixture {
	char dir[64];
	char spool[128];
};

struct seen {
	int n;
	char paths[16][256];
	char modes[16][16];
	int depth[16];
	char sha[65];
	char source[256];
};

static int collect(const sohoa_scan_page *pg, void *payload)
{
	struct seen *s = payload;

	if (s->n < 16) {
		snprintf(s->paths[s->n], sizeof(s->paths[0]), "%s", pg->path);
		snprintf(s->modes[s->n], sizeof(s->modes[0]), "%s", pg->mode);
		s->depth[s->n] = pg->depth;
		snprintf(s->source, sizeof(s->source), "%s", pg->source);
		if (pg->source_sha256)
			snprintf(s->sha, sizeof(s->sha), "%s",
			         pg->source_sha256);
		/* the page is durable when we hear of it */
		assert_int_equal(access(pg->path, R_OK), 0);
	}
	s->n++;
	return SOHOA_OK;
}

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	watchdog(state);

	strcpy(fx->dir, "/tmp/sohoa-test-scan-XXXXXX");
	if (!mkdtemp(fx->dir))
		return -1;
	snprintf(fx->spool, sizeof(fx->spool), "%s/spool", fx->dir);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	sohoa_fs_remove_tree(fx->dir);
	free(fx);
	return 0;
}

static char *tmp_path(struct fixture *fx, const char *name)
{
	char *p = NULL;

	assert_int_equal(sohoa_asprintf(&p, "%s/%s", fx->dir, name), 0);
	return p;
}

static void devices_include_the_virtual_scanners(void **state)
{
	char *list = NULL;

	(void)state;
	assert_int_equal(sohoa_scan_list_devices(&list), SOHOA_OK);
	assert_non_null(strstr(list, "pnm:0\t"));
	assert_non_null(strstr(list, "test:0\t"));
	free(list);
}

/* Capabilities in sohoa's words, from the devices' option descriptors. */
static void devices_report_capabilities(void **state)
{
	sohoa_scan_device_info *list = NULL;
	size_t n = 0, seen = 0;

	(void)state;
	assert_int_equal(sohoa_scan_devices(&list, &n), SOHOA_OK);
	assert_true(n >= 2);
	for (size_t i = 0; i < n; i++) {
		const sohoa_scan_device_info *d = &list[i];

		assert_null(d->error);
		if (!strcmp(d->name, "test:0")) {
			seen++;
			assert_string_equal(d->vendor, "Noname");
			assert_int_equal(d->sources, SOHOA_SCAN_SRC_FLATBED |
			                                 SOHOA_SCAN_SRC_ADF);
			assert_int_equal(d->modes, SOHOA_SCAN_MODE_COLOR |
			                               SOHOA_SCAN_MODE_GRAY);
			assert_int_equal(d->dpi_min, 1);
			assert_int_equal(d->dpi_max, 1200);
			assert_string_equal(d->resolutions, "1..1200");
			assert_true(d->width_mm > 199 && d->width_mm < 201);
			assert_true(d->height_mm > 199 && d->height_mm < 201);
			assert_null(d->unmapped);
		} else if (!strcmp(d->name, "pnm:0")) {
			seen++;
			assert_int_equal(d->sources, 0); /* no source option */
			assert_int_equal(d->modes, 0);
			assert_int_equal(d->dpi_min, 75);
			assert_int_equal(d->dpi_max, 300);
			assert_non_null(strstr(d->resolutions, "75, 90, 100"));
			assert_true(d->width_mm == 0); /* not in mm: unknown */
		}
	}
	assert_int_equal(seen, 2);
	sohoa_scan_devices_free(list, n);
}

/* Vendors' words map through one table; unknown ones are not guessed. */
static void vendor_names_map_or_are_refused(void **state)
{
	static const struct {
		const char *option, *theirs, *ours;
	} cases[] = {
	    {"source", "ADF", "adf"},
	    {"source", "Automatic Document Feeder", "adf"},
	    {"source", "ADF Front", "adf"},
	    {"source", "ADF Duplex", "duplex"},
	    {"source", "Duplex", "duplex"},
	    {"source", "Flatbed", "flatbed"},
	    {"source", "ADF Back", NULL},
	    {"source", "Transparency Unit", NULL},
	    {"mode", "Color", "color"},
	    {"mode", "24bit Color", "color"},
	    {"mode", "Gray", "gray"},
	    {"mode", "Lineart", "lineart"},
	    {"mode", "Halftone", NULL},
	    {"depth", "8", NULL},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *got =
		    sohoa_scan_map_name(cases[i].option, cases[i].theirs);

		if (cases[i].ours)
			assert_string_equal(got, cases[i].ours);
		else
			assert_null(got);
	}
}

/* A real document image through the pnm backend comes out pixel-exact. */
static void pnm_scan_is_pixel_exact(void **state)
{
	struct fixture *fx = *state;
	char *src = tmp_path(fx, "page.pgm"), set[300];
	const char *sets[] = {set};
	sohoa_scan_opts o = {.device = "pnm:0", .set = sets, .nset = 1};
	struct seen s = {0};
	PIX *orig = pixRead(SOHOA_TEST_DATA "/text_vi.png"), *gray, *got;
	l_int32 same = 0;

	assert_non_null(orig);
	gray = pixConvertTo8(orig, 0);
	assert_int_equal(pixWrite(src, gray, IFF_PNM), 0);
	snprintf(set, sizeof(set), "filename=%s", src);
	assert_int_equal(sohoa_scan_run(&o, fx->spool, 1, collect, &s),
	                 SOHOA_OK);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.modes[0], "gray");
	assert_string_equal(s.source, "scanner:pnm:0");
	assert_non_null(strstr(s.paths[0], "/p0001.tif"));
	assert_non_null(got = pixRead(s.paths[0]));
	assert_int_equal(pixEqual(gray, got, &same), 0);
	assert_true(same);
	pixDestroy(&orig);
	pixDestroy(&gray);
	pixDestroy(&got);
	free(src);
}

/* ADF: the test backend feeds 10 sheets, then NO_DOCS ends the run. */
static void adf_feeds_until_empty(void **state)
{
	struct fixture *fx = *state;
	const char *sets[] = {"test-picture=Color pattern"};
	sohoa_scan_opts o = {.device = "test:0",
	                     .source = "adf",
	                     .dpi = 25,
	                     .set = sets,
	                     .nset = 1};
	struct seen s = {0};

	assert_int_equal(sohoa_scan_run(&o, fx->spool, 1, collect, &s),
	                 SOHOA_OK);
	assert_int_equal(s.n, 10);
	assert_non_null(strstr(s.paths[9], "/p0010.tif"));
}

static void depths_1_and_16_are_kept(void **state)
{
	struct fixture *fx = *state;
	const char *one[] = {"depth=1", "test-picture=Grid"};
	const char *sixteen[] = {"depth=16", "test-picture=Grid"};
	sohoa_scan_opts o = {
	    .device = "test:0", .dpi = 25, .set = one, .nset = 2};
	struct seen s = {0};
	TIFF *t;
	uint16_t bps = 0, comp = 0;
	float xres = 0;

	assert_int_equal(sohoa_scan_run(&o, fx->spool, 1, collect, &s),
	                 SOHOA_OK);
	assert_string_equal(s.modes[0], "lineart");
	o.set = sixteen;
	assert_int_equal(sohoa_scan_run(&o, fx->spool, 2, collect, &s),
	                 SOHOA_OK);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.depth[1], 16);
	/* the TIFFs hold what the scanner sent: 1-bit G4, 16-bit samples */
	assert_non_null(t = TIFFOpen(s.paths[0], "r"));
	TIFFGetField(t, TIFFTAG_BITSPERSAMPLE, &bps);
	TIFFGetField(t, TIFFTAG_COMPRESSION, &comp);
	assert_int_equal(bps, 1);
	assert_int_equal(comp, COMPRESSION_CCITTFAX4);
	TIFFClose(t);
	assert_non_null(t = TIFFOpen(s.paths[1], "r"));
	TIFFGetField(t, TIFFTAG_BITSPERSAMPLE, &bps);
	assert_int_equal(bps, 16);
	assert_true(TIFFGetField(t, TIFFTAG_XRESOLUTION, &xres));
	assert_true(xres > 24.5f && xres < 25.5f);
	TIFFClose(t);
}

static void every_fault_status_has_an_operator_message(void **state)
{
	struct fixture *fx = *state;
	static const struct {
		const char *status;
		int code;
		const char *words;
	} faults[] = {
	    {"SANE_STATUS_JAMMED", SOHOA_EIO, "paper jam"},
	    {"SANE_STATUS_COVER_OPEN", SOHOA_EIO, "cover open"},
	    {"SANE_STATUS_DEVICE_BUSY", SOHOA_EBUSY, "busy"},
	    {"SANE_STATUS_IO_ERROR", SOHOA_EIO, "check the cable"},
	    {"SANE_STATUS_NO_MEM", SOHOA_ENOMEM, "out of memory"},
	    {"SANE_STATUS_ACCESS_DENIED", SOHOA_EENV, "permissions"},
	    {"SANE_STATUS_CANCELLED", SOHOA_ECANCELLED, "cancelled"},
	    {"SANE_STATUS_NO_DOCS", SOHOA_ENODOCS, "feeder empty"},
	};

	for (size_t i = 0; i < sizeof(faults) / sizeof(faults[0]); i++) {
		char set[128];
		const char *sets[] = {set};
		sohoa_scan_opts o = {
		    .device = "test:0", .dpi = 25, .set = sets, .nset = 1};
		struct seen s = {0};

		snprintf(set, sizeof(set), "read-return-value=%s",
		         faults[i].status);
		assert_int_equal(sohoa_scan_run(&o, fx->spool, 1, collect, &s),
		                 faults[i].code);
		assert_non_null(strstr(sohoa_error_last(), faults[i].words));
		assert_non_null(strstr(sohoa_error_last(), "test:0"));
		assert_int_equal(s.n, 0);
	}
}

static void bad_options_list_the_valid_ones(void **state)
{
	struct fixture *fx = *state;
	const char *unknown[] = {"no-such-option=1"};
	const char *badval[] = {"test-picture=Zebra"};
	const char *noeq[] = {"depth"};
	sohoa_scan_opts o = {
	    .device = "test:0", .dpi = 25, .set = unknown, .nset = 1};
	struct seen s = {0};

	assert_int_equal(sohoa_scan_run(&o, fx->spool, 1, collect, &s),
	                 SOHOA_EINVALID);
	assert_non_null(strstr(sohoa_error_last(), "no-such-option"));
	assert_non_null(strstr(sohoa_error_last(), "test-picture"));
	o.set = badval;
	assert_int_equal(sohoa_scan_run(&o, fx->spool, 1, collect, &s),
	                 SOHOA_EINVALID);
	assert_non_null(strstr(sohoa_error_last(), "'Solid black'"));
	o.set = noeq;
	assert_int_equal(sohoa_scan_run(&o, fx->spool, 1, collect, &s),
	                 SOHOA_EINVALID);
	/* a mode the device does not offer is refused, never guessed */
	o.nset = 0;
	o.mode = "lineart";
	assert_int_equal(sohoa_scan_run(&o, fx->spool, 1, collect, &s),
	                 SOHOA_EINVALID);
	assert_non_null(strstr(sohoa_error_last(), "lineart"));
	/* an unknown device is named, with the ones that exist */
	o.mode = NULL;
	o.device = "nosuch:0";
	assert_int_equal(sohoa_scan_run(&o, fx->spool, 1, collect, &s),
	                 SOHOA_ENOTFOUND);
	assert_non_null(strstr(sohoa_error_last(), "nosuch:0"));
	assert_non_null(strstr(sohoa_error_last(), "test:0"));
	assert_int_equal(s.n, 0);
}

/* Scan one page from test:0 (options reset first: the test backend keeps
 * option values between opens in one process) and read it back. */
static PIX *scan_test_page(struct fixture *fx, const char *mode,
                           const char *const *extra, size_t nextra,
                           int jpeg_quality, char *path_out)
{
	const char *sets[16] = {"read-return-value=Default",
	                        "test-picture=Color pattern",
	                        "non-blocking=no",
	                        "select-fd=no",
	                        "ppl-loss=0",
	                        "hand-scanner=no",
	                        "depth=8"};
	size_t n = 7;
	sohoa_scan_opts o = {.device = "test:0",
	                     .source = "flatbed",
	                     .mode = mode,
	                     .dpi = 50,
	                     .set = sets,
	                     .jpeg_quality = jpeg_quality};
	static int next = 100;
	struct seen s = {0};
	PIX *pix;
	int rc;

	for (size_t i = 0; i < nextra && n < 16; i++)
		sets[n++] = extra[i];
	o.nset = n;
	rc = sohoa_scan_run(&o, fx->spool, next++, collect, &s);
	if (rc != SOHOA_OK)
		fail_msg("scan (%s): %s", nextra ? extra[nextra - 1] : "-",
		         sohoa_error_last());
	assert_int_equal(s.n, 1);
	if (path_out)
		strcpy(path_out, s.paths[0]);
	assert_non_null(pix = pixRead(s.paths[0]));
	return pix;
}

static void assert_same_pix(PIX *a, PIX *b)
{
	l_int32 same = 0;

	assert_int_equal(pixGetWidth(a), pixGetWidth(b));
	assert_int_equal(pixGetHeight(a), pixGetHeight(b));
	assert_int_equal(pixEqual(a, b, &same), 0);
	assert_true(same);
}

/* Three-pass colour frames are interleaved into the same RGB page a
 * single-pass scan gives, whatever the order of the frames. */
static void three_pass_frames_make_one_rgb_page(void **state)
{
	struct fixture *fx = *state;
	const char *rgb[] = {"three-pass=yes", "three-pass-order=RGB"};
	const char *bgr[] = {"three-pass=yes", "three-pass-order=BGR"};
	const char *one[] = {"three-pass=no"};
	PIX *single = scan_test_page(fx, "color", one, 1, 0, NULL);
	PIX *a = scan_test_page(fx, "color", rgb, 2, 0, NULL);
	PIX *b = scan_test_page(fx, "color", bgr, 2, 0, NULL);

	assert_int_equal(pixGetDepth(single), 32);
	assert_same_pix(single, a);
	assert_same_pix(single, b);
	pixDestroy(&single);
	pixDestroy(&a);
	pixDestroy(&b);
}

/* A real colour image through the pnm backend's three-pass mode (green,
 * blue, red) comes out pixel-exact. */
static void pnm_three_pass_is_pixel_exact(void **state)
{
	struct fixture *fx = *state;
	char *src = tmp_path(fx, "page.ppm"), set[300];
	const char *sets[] = {set, "three-pass=yes"};
	sohoa_scan_opts o = {.device = "pnm:0", .set = sets, .nset = 2};
	struct seen s = {0};
	PIX *orig = pixRead(SOHOA_TEST_DATA "/text_vi.png"), *c, *got;

	assert_non_null(orig);
	/* a colour page: the gray text tinted, so the planes differ */
	c = pixConvertTo32(orig);
	for (l_int32 y = 0; y < pixGetHeight(c); y += 7)
		for (l_int32 x = 0; x < pixGetWidth(c); x += 3)
			pixSetRGBPixel(c, x, y, (x * 7) & 255, (y * 3) & 255,
			               (x + y) & 255);
	assert_int_equal(pixWrite(src, c, IFF_PNM), 0);
	snprintf(set, sizeof(set), "filename=%s", src);
	assert_int_equal(sohoa_scan_run(&o, fx->spool, 1, collect, &s),
	                 SOHOA_OK);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.modes[0], "color");
	assert_non_null(got = pixRead(s.paths[0]));
	assert_same_pix(c, got);
	pixDestroy(&orig);
	pixDestroy(&c);
	pixDestroy(&got);
	free(src);
}

/* Non-blocking reads (with and without a select fd) give the page a
 * blocking read gives. */
static void non_blocking_reads_give_the_same_page(void **state)
{
	struct fixture *fx = *state;
	const char *limit[] = {"read-limit=yes", "read-limit-size=997"};
	const char *nb[] = {"read-limit=yes", "read-limit-size=997",
	                    "non-blocking=yes", "select-fd=yes"};
	const char *nb_nofd[] = {"read-limit=yes", "read-limit-size=997",
	                         "non-blocking=yes", "select-fd=no"};
	PIX *a = scan_test_page(fx, "gray", limit, 2, 0, NULL);
	PIX *b = scan_test_page(fx, "gray", nb, 4, 0, NULL);
	PIX *c = scan_test_page(fx, "gray", nb_nofd, 4, 0, NULL);

	assert_same_pix(a, b);
	assert_same_pix(a, c);
	pixDestroy(&a);
	pixDestroy(&b);
	pixDestroy(&c);
}

/* Lines padded after the last pixel (ppl-loss) and pages of unknown
 * height (hand scanner) are cut to what the device announced. */
static void padded_lines_and_unknown_height(void **state)
{
	struct fixture *fx = *state;
	const char *grid[] = {"test-picture=Grid"};
	const char *lossy[] = {"test-picture=Grid", "ppl-loss=7"};
	const char *hand[] = {"test-picture=Grid", "hand-scanner=yes"};
	PIX *full = scan_test_page(fx, "gray", grid, 1, 0, NULL);
	PIX *cut = scan_test_page(fx, "gray", lossy, 2, 0, NULL);
	PIX *h = scan_test_page(fx, "gray", hand, 2, 0, NULL);
	BOX *box;
	PIX *left;

	assert_int_equal(pixGetWidth(cut), pixGetWidth(full) - 7);
	box = boxCreate(0, 0, pixGetWidth(cut), pixGetHeight(full));
	left = pixClipRectangle(full, box, NULL);
	assert_same_pix(left, cut);
	/* hand scanner: 11 cm wide at 50 dpi, height found at the end */
	assert_true(pixGetWidth(h) >= 215 && pixGetWidth(h) <= 218);
	assert_true(pixGetHeight(h) > 0);
	boxDestroy(&box);
	pixDestroy(&left);
	pixDestroy(&full);
	pixDestroy(&cut);
	pixDestroy(&h);
}

static uint16_t tiff_compression(const char *path)
{
	TIFF *t = TIFFOpen(path, "r");
	uint16_t comp = 0;

	assert_non_null(t);
	TIFFGetField(t, TIFFTAG_COMPRESSION, &comp);
	TIFFClose(t);
	return comp;
}

/* Deflate unless JPEG is configured; JPEG only for 8-bit gray and
 * colour, never for 16-bit or lineart. */
static void encoding_follows_depth_and_configuration(void **state)
{
	struct fixture *fx = *state;
	const char *d16[] = {"depth=16"};
	const char *d1[] = {"depth=1", "test-picture=Grid"};
	char path[256];
	PIX *lossless, *jpeg;
	l_float32 diff = 0;

	lossless = scan_test_page(fx, "color", NULL, 0, 0, path);
	assert_int_equal(tiff_compression(path), COMPRESSION_ADOBE_DEFLATE);
	jpeg = scan_test_page(fx, "color", NULL, 0, 85, path);
	assert_int_equal(tiff_compression(path), COMPRESSION_JPEG);
	/* lossy, but the same picture */
	assert_int_equal(pixGetWidth(jpeg), pixGetWidth(lossless));
	pixGetDifferenceStats(lossless, jpeg, 0, 1, NULL, &diff, 0);
	assert_true(diff < 12.0f);
	pixDestroy(&jpeg);
	jpeg = scan_test_page(fx, "gray", NULL, 0, 85, path);
	assert_int_equal(tiff_compression(path), COMPRESSION_JPEG);
	pixDestroy(&jpeg);
	jpeg = scan_test_page(fx, "gray", d16, 1, 85, path);
	assert_int_equal(tiff_compression(path), COMPRESSION_ADOBE_DEFLATE);
	pixDestroy(&jpeg);
	jpeg = scan_test_page(fx, "gray", d1, 2, 85, path);
	assert_int_equal(tiff_compression(path), COMPRESSION_CCITTFAX4);
	pixDestroy(&jpeg);
	pixDestroy(&lossless);
}

/* ---- hot folder ---------------------------------------------------- */

struct taken {
	int n;
	char names[8][128];
	char sha[8][65];
	char cases[8][64];
	char components[8][64];
	int rc; /* what the callback returns */
};

static int take(const sohoa_scan_hotfolder_file *f, void *payload)
{
	struct taken *t = payload;

	if (t->rc != SOHOA_OK)
		return sohoa_error_set(t->rc, "refused by the test");
	if (t->n < 8) {
		snprintf(t->names[t->n], sizeof(t->names[0]), "%s", f->name);
		snprintf(t->sha[t->n], sizeof(t->sha[0]), "%s", f->sha256);
		snprintf(t->cases[t->n], sizeof(t->cases[0]), "%s",
		         f->case_number);
		snprintf(t->components[t->n], sizeof(t->components[0]), "%s",
		         f->component);
	}
	t->n++;
	return SOHOA_OK;
}

static void write_bytes(const char *path, const void *data, size_t len,
                        const char *mode)
{
	FILE *f = fopen(path, mode);

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
}

/* The hot folder hashes a file, then its import hashes it again: the second
 * hash of an unchanged, settled file is remembered, never a stale one. */
static void sha256_is_remembered_only_for_an_unchanged_file(void **state)
{
	struct fixture *fx = *state;
	char a[256], b[256], sha_a[65], sha_b[65], again[65];
	struct timespec old[2] = {{time(NULL) - 3600, 0},
	                          {time(NULL) - 3600, 0}};

	snprintf(a, sizeof(a), "%s/a.bin", fx->dir);
	snprintf(b, sizeof(b), "%s/b.bin", fx->dir);
	write_bytes(a, "first content", 13, "wb");
	assert_int_equal(utimensat(AT_FDCWD, a, old, 0), 0);
	assert_int_equal(sohoa_scan_sha256_file(sha_a, a), SOHOA_OK);
	assert_int_equal(sohoa_scan_sha256_file(again, a), SOHOA_OK);
	assert_string_equal(again, sha_a);
	/* rewritten at once to the same size: hashed again */
	write_bytes(a, "other content", 13, "wb");
	write_bytes(b, "other content", 13, "wb");
	assert_int_equal(sohoa_scan_sha256_file(sha_b, b), SOHOA_OK);
	assert_string_not_equal(sha_b, sha_a);
	assert_int_equal(sohoa_scan_sha256_file(again, a), SOHOA_OK);
	assert_string_equal(again, sha_b);
	/* a file written just now is not remembered: an immediate rewrite
	 * of the same size may keep its mtime */
	write_bytes(b, "third content", 13, "wb");
	assert_int_equal(sohoa_scan_sha256_file(again, b), SOHOA_OK);
	assert_string_not_equal(again, sha_b);
}

static int exists(struct fixture *fx, const char *rel)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/hot/%s", fx->dir, rel);
	return access(path, F_OK) == 0;
}

static void nap_ms(int ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

/* A file still being written is not read; once its size and mtime stay
 * put for stable_seconds it is taken whole and the original removed. */
static void hotfolder_waits_for_a_growing_file(void **state)
{
	struct fixture *fx = *state;
	char *hot = tmp_path(fx, "hot"), *dst, full_sha[65];
	sohoa_scan_hotfolder *hf = NULL;
	sohoa_scan_hotfolder_stats st;
	struct taken t = {0};
	char *data = NULL;
	size_t len = 0;

	assert_int_equal(
	    sohoa_fs_read_all(&data, &len, SOHOA_TEST_DATA "/text_vi.png"),
	    SOHOA_OK);
	assert_int_equal(sohoa_scan_hotfolder_open(&hf, hot, 1), SOHOA_OK);
	assert_int_equal(
	    sohoa_asprintf(&dst, "%s/000.00.22.H27-250701-0001__Tờ khai.png",
	                   hot),
	    0);
	write_bytes(dst, data, len / 2, "wb"); /* half copied */
	assert_int_equal(sohoa_scan_hotfolder_poll(hf, take, &t, &st),
	                 SOHOA_OK);
	assert_int_equal(st.waiting, 1);
	nap_ms(1200);
	write_bytes(dst, data + len / 2, len - len / 2, "ab"); /* grows */
	assert_int_equal(sohoa_scan_hotfolder_poll(hf, take, &t, &st),
	                 SOHOA_OK);
	assert_int_equal(t.n, 0); /* changed since the last look */
	assert_int_equal(st.waiting, 1);
	assert_int_equal(sohoa_scan_hotfolder_poll(hf, take, &t, &st),
	                 SOHOA_OK);
	assert_int_equal(t.n, 0); /* unchanged, but not for 1 s yet */
	nap_ms(1200);
	assert_int_equal(sohoa_scan_sha256_file(full_sha, dst), SOHOA_OK);
	assert_int_equal(sohoa_scan_hotfolder_poll(hf, take, &t, &st),
	                 SOHOA_OK);
	assert_int_equal(st.taken, 1);
	assert_int_equal(t.n, 1);
	assert_string_equal(t.sha[0], full_sha); /* the whole file */
	assert_string_equal(t.cases[0], "000.00.22.H27-250701-0001");
	assert_string_equal(t.components[0], "Tờ khai");
	assert_int_not_equal(access(dst, F_OK), 0); /* original removed */
	sohoa_scan_hotfolder_free(hf);
	free(data);
	free(dst);
	free(hot);
}

/* Duplicates (also after a restart), corrupt files, wrong extensions and
 * names without a case number are moved aside with a .why. */
static void hotfolder_moves_bad_files_aside(void **state)
{
	struct fixture *fx = *state;
	char *hot = tmp_path(fx, "hot"), *p = NULL, *why = NULL;
	sohoa_scan_hotfolder *hf = NULL;
	sohoa_scan_hotfolder_stats st;
	struct taken t = {0};
	char *data = NULL;
	size_t len = 0, wlen = 0;
	static const char *const names[] = {
	    "000.00.22.H27-250701-0001.png",       /* taken */
	    "000.00.22.H27-250701-0001__copy.png", /* same bytes */
	    "000.00.22.H27-250701-0002.png",       /* truncated */
	    "000.00.22.H27-250701-0003.docx",      /* wrong type */
	    "scan0001.png",                        /* no case number */
	};

	assert_int_equal(
	    sohoa_fs_read_all(&data, &len, SOHOA_TEST_DATA "/text_vi.png"),
	    SOHOA_OK);
	assert_int_equal(sohoa_scan_hotfolder_open(&hf, hot, 0), SOHOA_OK);
	for (size_t i = 0; i < 5; i++) {
		assert_int_equal(sohoa_asprintf(&p, "%s/%s", hot, names[i]), 0);
		write_bytes(p, data, i == 2 ? len / 3 : len, "wb");
		free(p);
	}
	assert_int_equal(sohoa_scan_hotfolder_poll(hf, take, &t, &st),
	                 SOHOA_OK);
	assert_int_equal(st.waiting, 5); /* first look */
	assert_int_equal(sohoa_scan_hotfolder_poll(hf, take, &t, &st),
	                 SOHOA_OK);
	assert_int_equal(st.taken, 1);
	assert_int_equal(st.duplicates, 1);
	assert_int_equal(st.failed, 3);
	assert_int_equal(t.n, 1);
	assert_string_equal(t.names[0], "000.00.22.H27-250701-0001.png");
	assert_true(
	    exists(fx, "duplicates/000.00.22.H27-250701-0001__copy.png"));
	assert_true(exists(fx, "failed/000.00.22.H27-250701-0002.png"));
	assert_true(exists(fx, "failed/000.00.22.H27-250701-0003.docx"));
	assert_true(exists(fx, "failed/scan0001.png"));
	/* each .why says what is wrong */
	assert_int_equal(
	    sohoa_asprintf(&p, "%s/duplicates/%s.why", hot, names[1]), 0);
	assert_int_equal(sohoa_fs_read_all(&why, &wlen, p), SOHOA_OK);
	assert_non_null(strstr(why, "000.00.22.H27-250701-0001.png"));
	assert_non_null(strstr(why, t.sha[0]));
	free(why);
	free(p);
	assert_int_equal(sohoa_asprintf(&p, "%s/failed/%s.why", hot, names[2]),
	                 0);
	assert_int_equal(sohoa_fs_read_all(&why, &wlen, p), SOHOA_OK);
	assert_non_null(strstr(why, names[2]));
	free(why);
	free(p);
	assert_int_equal(sohoa_asprintf(&p, "%s/failed/%s.why", hot, names[3]),
	                 0);
	assert_int_equal(sohoa_fs_read_all(&why, &wlen, p), SOHOA_OK);
	assert_non_null(strstr(why, "not a file type"));
	free(why);
	free(p);
	assert_int_equal(sohoa_asprintf(&p, "%s/failed/%s.why", hot, names[4]),
	                 0);
	assert_int_equal(sohoa_fs_read_all(&why, &wlen, p), SOHOA_OK);
	assert_non_null(strstr(why, "no usable case number"));
	free(why);
	free(p);
	sohoa_scan_hotfolder_free(hf);

	/* the seen-list outlives the process: the same bytes again, under
	 * another case, are a duplicate */
	assert_int_equal(sohoa_scan_hotfolder_open(&hf, hot, 0), SOHOA_OK);
	assert_int_equal(
	    sohoa_asprintf(&p, "%s/000.00.22.H27-250701-0009.png", hot), 0);
	write_bytes(p, data, len, "wb");
	sohoa_scan_hotfolder_poll(hf, take, &t, &st);
	assert_int_equal(sohoa_scan_hotfolder_poll(hf, take, &t, &st),
	                 SOHOA_OK);
	assert_int_equal(st.duplicates, 1);
	assert_int_equal(t.n, 1);
	free(p);
	/* a callback that cannot take the file now leaves it in place; one
	 * that finds it invalid sends it to failed/ */
	assert_int_equal(
	    sohoa_asprintf(&p, "%s/000.00.22.H27-250701-0010.pgm", hot), 0);
	{
		PIX *pix = pixRead(SOHOA_TEST_DATA "/one_line.png");
		PIX *g = pixConvertTo8(pix, 0);

		assert_int_equal(pixWrite(p, g, IFF_PNM), 0);
		pixDestroy(&pix);
		pixDestroy(&g);
	}
	t.rc = SOHOA_EENV;
	sohoa_scan_hotfolder_poll(hf, take, &t, &st);
	assert_int_equal(sohoa_scan_hotfolder_poll(hf, take, &t, &st),
	                 SOHOA_OK);
	assert_int_equal(access(p, F_OK), 0);
	assert_int_equal(st.waiting, 1);
	t.rc = SOHOA_EINVALID;
	sohoa_scan_hotfolder_poll(hf, take, &t, &st);
	assert_int_equal(sohoa_scan_hotfolder_poll(hf, take, &t, &st),
	                 SOHOA_OK);
	assert_int_equal(st.failed, 1);
	assert_true(exists(fx, "failed/000.00.22.H27-250701-0010.pgm.why"));
	sohoa_scan_hotfolder_free(hf);
	free(p);
	free(data);
	free(hot);
}

/* Each accepted file type, made from one real page at test time. */
static void import_takes_each_file_type(void **state)
{
	struct fixture *fx = *state;
	PIX *pix = pixRead(SOHOA_TEST_DATA "/text_vi.png"), *g, *back;
	static const struct {
		const char *name;
		l_int32 fmt;
	} types[] = {{"a.png", IFF_PNG},
	             {"a.jpg", IFF_JFIF_JPEG},
	             {"a.tif", IFF_TIFF_ZIP},
	             {"a.pgm", IFF_PNM}};
	char sha[65], sha2[65];

	assert_non_null(pix);
	g = pixConvertTo8(pix, 0);
	for (size_t i = 0; i < 4; i++) {
		char *path = tmp_path(fx, types[i].name);
		struct seen s = {0};
		int n = 0;

		assert_int_equal(pixWrite(path, g, types[i].fmt), 0);
		assert_int_equal(sohoa_scan_import_check(path, &n), SOHOA_OK);
		assert_int_equal(n, 1);
		assert_int_equal(sohoa_scan_import_file(
		                     path, fx->spool, (int)i + 1, collect, &s),
		                 SOHOA_OK);
		assert_int_equal(s.n, 1);
		/* a one-page file is kept byte-identical */
		assert_int_equal(sohoa_scan_sha256_file(sha, path), SOHOA_OK);
		assert_int_equal(sohoa_scan_sha256_file(sha2, s.paths[0]),
		                 SOHOA_OK);
		assert_string_equal(sha, sha2);
		assert_string_equal(s.sha, sha);
		assert_non_null(strstr(s.source, types[i].name));
		free(path);
	}
	/* a two-page TIFF becomes two lossless pages */
	{
		char *path = tmp_path(fx, "two.tif");
		struct seen s = {0};
		l_int32 same = 0;
		int n = 0;

		assert_int_equal(pixWriteTiff(path, g, IFF_TIFF_ZIP, "w"), 0);
		assert_int_equal(pixWriteTiff(path, g, IFF_TIFF_ZIP, "a"), 0);
		assert_int_equal(sohoa_scan_import_check(path, &n), SOHOA_OK);
		assert_int_equal(n, 2);
		assert_int_equal(
		    sohoa_scan_import_file(path, fx->spool, 10, collect, &s),
		    SOHOA_OK);
		assert_int_equal(s.n, 2);
		assert_non_null(strstr(s.paths[1], "/p0011.tif"));
		assert_non_null(back = pixRead(s.paths[1]));
		pixEqual(g, back, &same);
		assert_true(same);
		pixDestroy(&back);
		free(path);
	}
	pixDestroy(&g);
	pixDestroy(&pix);
}

/* One page of `pix` (1, 8 or 32 bpp) as the next directory of `t`,
 * written with libtiff so compression and predictor are ours to pick. */
static void tiff_page(TIFF *t, PIX *pix, uint16_t comp, uint16_t pred,
                      float res)
{
	uint32_t w = (uint32_t)pixGetWidth(pix),
	         h = (uint32_t)pixGetHeight(pix);
	int d = pixGetDepth(pix);
	uint16_t spp = d == 32 ? 3 : 1;
	size_t rowlen = d == 1 ? (w + 7) / 8 : (size_t)w * spp;
	unsigned char *row = calloc(1, rowlen);

	assert_non_null(row);
	TIFFSetField(t, TIFFTAG_IMAGEWIDTH, w);
	TIFFSetField(t, TIFFTAG_IMAGELENGTH, h);
	TIFFSetField(t, TIFFTAG_BITSPERSAMPLE, d == 1 ? 1 : 8);
	TIFFSetField(t, TIFFTAG_SAMPLESPERPIXEL, spp);
	TIFFSetField(t, TIFFTAG_PHOTOMETRIC,
	             d == 1   ? PHOTOMETRIC_MINISWHITE
	             : d == 8 ? PHOTOMETRIC_MINISBLACK
	                      : PHOTOMETRIC_RGB);
	TIFFSetField(t, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
	TIFFSetField(t, TIFFTAG_COMPRESSION, comp);
	TIFFSetField(t, TIFFTAG_ROWSPERSTRIP,
	             comp == COMPRESSION_JPEG ? 16 : 48);
	if (pred)
		TIFFSetField(t, TIFFTAG_PREDICTOR, pred);
	if (comp == COMPRESSION_JPEG)
		TIFFSetField(t, TIFFTAG_JPEGQUALITY, 90);
	TIFFSetField(t, TIFFTAG_XRESOLUTION, res);
	TIFFSetField(t, TIFFTAG_YRESOLUTION, res);
	TIFFSetField(t, TIFFTAG_RESOLUTIONUNIT, RESUNIT_INCH);
	for (uint32_t y = 0; y < h; y++) {
		memset(row, 0, rowlen);
		for (uint32_t x = 0; x < w; x++) {
			l_uint32 v = 0;
			l_int32 r, g, b;

			pixGetPixel(pix, (l_int32)x, (l_int32)y, &v);
			if (d == 1) {
				if (v)
					row[x >> 3] |=
					    (unsigned char)(0x80 >> (x & 7));
			} else if (d == 8) {
				row[x] = (unsigned char)v;
			} else {
				extractRGBValues(v, &r, &g, &b);
				row[3 * x] = (unsigned char)r;
				row[3 * x + 1] = (unsigned char)g;
				row[3 * x + 2] = (unsigned char)b;
			}
		}
		assert_int_equal(TIFFWriteScanline(t, row, y, 0), 1);
	}
	assert_int_equal(TIFFWriteDirectory(t), 1);
	free(row);
}

/* A colour page made from a gray one: every channel differs. */
static PIX *colourize(PIX *g)
{
	l_int32 w = pixGetWidth(g), h = pixGetHeight(g);
	PIX *c = pixCreate(w, h, 32);

	for (l_int32 y = 0; y < h; y++)
		for (l_int32 x = 0; x < w; x++) {
			l_uint32 v = 0, rgb = 0;

			pixGetPixel(g, x, y, &v);
			composeRGBPixel((l_int32)v, (l_int32)(255 - v),
			                (l_int32)((v + (l_uint32)x) & 255),
			                &rgb);
			pixSetPixel(c, x, y, rgb);
		}
	pixSetResolution(c, 300, 300);
	return c;
}

static void assert_raw_strips_equal(const char *src, int page, const char *copy)
{
	TIFF *a = TIFFOpen(src, "r"), *b = TIFFOpen(copy, "r");
	uint16_t ca = 0, cb = 0;
	uint32_t n;

	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(TIFFSetDirectory(a, (tdir_t)page), 1);
	TIFFGetFieldDefaulted(a, TIFFTAG_COMPRESSION, &ca);
	TIFFGetFieldDefaulted(b, TIFFTAG_COMPRESSION, &cb);
	assert_int_equal(ca, cb);
	n = TIFFNumberOfStrips(a);
	assert_true(n > 1);
	assert_int_equal(TIFFNumberOfStrips(b), n);
	for (uint32_t s = 0; s < n; s++) {
		tmsize_t la = TIFFRawStripSize(a, s),
		         lb = TIFFRawStripSize(b, s);
		unsigned char *ba, *bb;

		assert_true(la > 0);
		assert_int_equal(la, lb);
		assert_non_null(ba = malloc((size_t)la));
		assert_non_null(bb = malloc((size_t)lb));
		assert_int_equal(TIFFReadRawStrip(a, s, ba, la), la);
		assert_int_equal(TIFFReadRawStrip(b, s, bb, lb), lb);
		assert_memory_equal(ba, bb, (size_t)la);
		free(ba);
		free(bb);
	}
	TIFFClose(a);
	TIFFClose(b);
}

/* A multi-page TIFF is split without re-encoding where its strips can be
 * copied raw (Deflate+predictor gray, G4 lineart, LZW+predictor RGB), and
 * decoded and written losslessly where not (JPEG); each page decodes to
 * the source page's pixels and keeps its resolution. */
static void import_splits_multipage_tiff_raw(void **state)
{
	struct fixture *fx = *state;
	PIX *gray = pixRead(SOHOA_TEST_DATA "/text_vi.png"), *line, *rgb;
	char *path = tmp_path(fx, "multi.tif");
	static const char *const modes[] = {"gray", "lineart", "color",
	                                    "color"};
	static const float res[] = {300, 200, 300, 150};
	struct seen s = {0};
	TIFF *t;
	int n = 0;

	assert_non_null(gray);
	pixSetResolution(gray, 300, 300);
	assert_non_null(line = pixThresholdToBinary(gray, 128));
	assert_non_null(rgb = colourize(gray));
	assert_non_null(t = TIFFOpen(path, "w"));
	tiff_page(t, gray, COMPRESSION_ADOBE_DEFLATE, PREDICTOR_HORIZONTAL,
	          res[0]);
	tiff_page(t, line, COMPRESSION_CCITTFAX4, 0, res[1]);
	tiff_page(t, rgb, COMPRESSION_LZW, PREDICTOR_HORIZONTAL, res[2]);
	tiff_page(t, rgb, COMPRESSION_JPEG, 0, res[3]);
	TIFFClose(t);

	assert_int_equal(sohoa_scan_import_check(path, &n), SOHOA_OK);
	assert_int_equal(n, 4);
	assert_int_equal(
	    sohoa_scan_import_file(path, fx->spool, 1, collect, &s), SOHOA_OK);
	assert_int_equal(s.n, 4);
	for (int i = 0; i < 4; i++) {
		PIX *a = pixReadTiff(path, i), *b = pixRead(s.paths[i]);
		PIX *made = i == 0 ? gray : i == 1 ? line : rgb;
		l_int32 same = 0;
		TIFF *c;
		float xr = 0;
		uint16_t comp = 0;

		assert_non_null(a);
		assert_non_null(b);
		pixEqual(a, b, &same);
		assert_true(same);
		if (i < 3) { /* lossless sources: the very pixels we made */
			pixEqual(made, b, &same);
			assert_true(same);
		}
		assert_string_equal(s.modes[i], modes[i]);
		assert_non_null(c = TIFFOpen(s.paths[i], "r"));
		assert_int_equal(TIFFNumberOfDirectories(c), 1);
		assert_int_equal(TIFFGetField(c, TIFFTAG_XRESOLUTION, &xr), 1);
		assert_true(xr > res[i] - 0.01f && xr < res[i] + 0.01f);
		TIFFGetFieldDefaulted(c, TIFFTAG_COMPRESSION, &comp);
		/* the JPEG page was decoded and stored losslessly */
		if (i == 3)
			assert_int_equal(comp, COMPRESSION_ADOBE_DEFLATE);
		TIFFClose(c);
		if (i < 3)
			assert_raw_strips_equal(path, i, s.paths[i]);
		pixDestroy(&a);
		pixDestroy(&b);
	}
	/* no temporary files left beside the pages */
	{
		char *tmp = NULL;

		assert_int_equal(
		    sohoa_asprintf(&tmp, "%s/.tmp-p0001.tif", fx->spool), 0);
		assert_int_not_equal(access(tmp, F_OK), 0);
		free(tmp);
	}
	free(path);
	pixDestroy(&gray);
	pixDestroy(&line);
	pixDestroy(&rgb);
}

/* A synthetic page written with libtiff: `bps`-bit samples of a pattern,
 * 16 rows per strip; a palette page gets a 256-entry colour map. */
static void tiff_synthetic(TIFF *t, uint16_t bps, uint16_t photo, uint16_t comp,
                           uint16_t fill)
{
	const uint32_t w = 301, h = 100;
	size_t rowlen = bps == 1 ? (w + 7) / 8 : w * (bps / 8);
	unsigned char *row = calloc(1, rowlen);
	uint16_t map[3][256];

	assert_non_null(row);
	TIFFSetField(t, TIFFTAG_IMAGEWIDTH, w);
	TIFFSetField(t, TIFFTAG_IMAGELENGTH, h);
	TIFFSetField(t, TIFFTAG_BITSPERSAMPLE, bps);
	TIFFSetField(t, TIFFTAG_SAMPLESPERPIXEL, 1);
	TIFFSetField(t, TIFFTAG_PHOTOMETRIC, photo);
	TIFFSetField(t, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
	TIFFSetField(t, TIFFTAG_FILLORDER, fill);
	TIFFSetField(t, TIFFTAG_COMPRESSION, comp);
	if (comp == COMPRESSION_CCITTFAX3)
		TIFFSetField(t, TIFFTAG_GROUP3OPTIONS, GROUP3OPT_2DENCODING);
	TIFFSetField(t, TIFFTAG_ROWSPERSTRIP, 16);
	TIFFSetField(t, TIFFTAG_XRESOLUTION, 200.0f);
	TIFFSetField(t, TIFFTAG_YRESOLUTION, 200.0f);
	TIFFSetField(t, TIFFTAG_RESOLUTIONUNIT, RESUNIT_INCH);
	if (photo == PHOTOMETRIC_PALETTE) {
		for (int i = 0; i < 256; i++) {
			map[0][i] = (uint16_t)(i * 257);
			map[1][i] = (uint16_t)((255 - i) * 257);
			map[2][i] = (uint16_t)((i * 7 & 255) * 257);
		}
		TIFFSetField(t, TIFFTAG_COLORMAP, map[0], map[1], map[2]);
	}
	for (uint32_t y = 0; y < h; y++) {
		for (uint32_t x = 0; x < w; x++) {
			uint32_t v = x * 7 + y * 13 + (x / 40) * (y / 30) * 101;

			if (bps == 1)
				row[x >> 3] =
				    (unsigned char)((row[x >> 3] &
				                     ~(0x80 >> (x & 7))) |
				                    (((v / 50) & 1)
				                         ? 0x80 >> (x & 7)
				                         : 0));
			else if (bps == 8)
				row[x] = (unsigned char)v;
			else
				((uint16_t *)(void *)row)[x] =
				    (uint16_t)(v * 211);
		}
		assert_int_equal(TIFFWriteScanline(t, row, y, 0), 1);
	}
	assert_int_equal(TIFFWriteDirectory(t), 1);
	free(row);
}

/* Byte order, colour maps, fill order and G3 options survive the raw
 * copy: a big-endian file of a 16-bit uncompressed gray page, a PackBits
 * palette page and a G3 2-D page stored in fill order 2. */
static void import_raw_split_keeps_what_describes_strips(void **state)
{
	struct fixture *fx = *state;
	char *path = tmp_path(fx, "be.tif");
	struct seen s = {0};
	TIFF *t;
	int n = 0;

	assert_non_null(t = TIFFOpen(path, "wb"));
	tiff_synthetic(t, 16, PHOTOMETRIC_MINISBLACK, COMPRESSION_NONE,
	               FILLORDER_MSB2LSB);
	tiff_synthetic(t, 8, PHOTOMETRIC_PALETTE, COMPRESSION_PACKBITS,
	               FILLORDER_MSB2LSB);
	tiff_synthetic(t, 1, PHOTOMETRIC_MINISWHITE, COMPRESSION_CCITTFAX3,
	               FILLORDER_LSB2MSB);
	TIFFClose(t);
	assert_int_equal(sohoa_scan_import_check(path, &n), SOHOA_OK);
	assert_int_equal(n, 3);
	assert_int_equal(
	    sohoa_scan_import_file(path, fx->spool, 1, collect, &s), SOHOA_OK);
	assert_int_equal(s.n, 3);
	for (int i = 0; i < 3; i++) {
		PIX *a = pixReadTiff(path, i), *b = pixRead(s.paths[i]);
		l_int32 same = 0;
		uint16_t fill = 0, u16 = 0, *r, *g, *bl;
		uint32_t u32 = 0;

		assert_non_null(a);
		assert_non_null(b);
		pixEqual(a, b, &same);
		assert_true(same);
		pixDestroy(&a);
		pixDestroy(&b);
		assert_raw_strips_equal(path, i, s.paths[i]);
		assert_non_null(t = TIFFOpen(s.paths[i], "r"));
		assert_true(TIFFIsBigEndian(t));
		TIFFGetFieldDefaulted(t, TIFFTAG_FILLORDER, &fill);
		assert_int_equal(fill, i == 2 ? FILLORDER_LSB2MSB
		                              : FILLORDER_MSB2LSB);
		TIFFGetFieldDefaulted(t, TIFFTAG_BITSPERSAMPLE, &u16);
		assert_int_equal(u16, i == 0 ? 16 : i == 1 ? 8 : 1);
		if (i == 1) {
			assert_int_equal(
			    TIFFGetField(t, TIFFTAG_COLORMAP, &r, &g, &bl), 1);
			assert_int_equal(r[3], 3 * 257);
			assert_int_equal(g[3], 252 * 257);
		}
		if (i == 2) {
			assert_int_equal(
			    TIFFGetField(t, TIFFTAG_GROUP3OPTIONS, &u32), 1);
			assert_true(u32 & GROUP3OPT_2DENCODING);
		}
		TIFFClose(t);
	}
	free(path);
}

/* A multi-page TIFF cut short is refused before anything is written, also
 * when it was checked whole moments before and cut afterwards. */
static void import_refuses_truncated_multipage_tiff(void **state)
{
	struct fixture *fx = *state;
	PIX *gray = pixRead(SOHOA_TEST_DATA "/text_vi.png");
	char *path = tmp_path(fx, "cut.tif"), *data = NULL;
	struct seen s = {0};
	size_t len = 0;
	TIFF *t;
	FILE *f;
	int n = 0;

	assert_non_null(gray);
	assert_non_null(t = TIFFOpen(path, "w"));
	for (int i = 0; i < 3; i++)
		tiff_page(t, gray, COMPRESSION_ADOBE_DEFLATE,
		          PREDICTOR_HORIZONTAL, 300);
	TIFFClose(t);
	assert_int_equal(sohoa_scan_import_check(path, &n), SOHOA_OK);
	assert_int_equal(n, 3);
	assert_int_equal(sohoa_fs_read_all(&data, &len, path), SOHOA_OK);
	/* cut inside the last page's strips */
	assert_non_null(f = fopen(path, "wb"));
	assert_int_equal(fwrite(data, 1, len * 5 / 6, f), len * 5 / 6);
	fclose(f);
	assert_int_equal(
	    sohoa_scan_import_file(path, fx->spool, 1, collect, &s),
	    SOHOA_EINVALID);
	assert_non_null(strstr(sohoa_error_last(), "cut.tif"));
	assert_int_equal(s.n, 0);
	assert_int_not_equal(access(fx->spool, F_OK), 0);
	assert_int_equal(sohoa_scan_import_check(path, &n), SOHOA_EINVALID);
	assert_int_not_equal(access(fx->spool, F_OK), 0);
	free(data);
	free(path);
	pixDestroy(&gray);
}

static void import_refuses_bad_files_by_name(void **state)
{
	struct fixture *fx = *state;
	char *trunc = tmp_path(fx, "truncated.png");
	char *empty = tmp_path(fx, "empty.png");
	char *text = tmp_path(fx, "notes.png");
	char *data = NULL;
	size_t len = 0;
	int n = 0;
	FILE *f;

	assert_int_equal(
	    sohoa_fs_read_all(&data, &len, SOHOA_TEST_DATA "/text_vi.png"),
	    SOHOA_OK);
	assert_non_null(f = fopen(trunc, "wb"));
	fwrite(data, 1, len / 2, f);
	fclose(f);
	assert_non_null(f = fopen(empty, "wb"));
	fclose(f);
	assert_non_null(f = fopen(text, "wb"));
	fputs("this is not an image\n", f);
	fclose(f);

	assert_int_equal(sohoa_scan_import_check(trunc, &n), SOHOA_EINVALID);
	assert_non_null(strstr(sohoa_error_last(), "truncated.png"));
	assert_int_equal(sohoa_scan_import_check(empty, &n), SOHOA_EINVALID);
	assert_non_null(strstr(sohoa_error_last(), "empty file"));
	assert_int_equal(sohoa_scan_import_check(text, &n), SOHOA_EINVALID);
	assert_non_null(strstr(sohoa_error_last(), "notes.png"));
	assert_int_equal(sohoa_scan_import_check("/nonexistent/x.png", &n),
	                 SOHOA_ENOTFOUND);
	/* and nothing reached the spool */
	assert_int_not_equal(access(fx->spool, F_OK), 0);
	free(data);
	free(trunc);
	free(empty);
	free(text);
}

/* The journal: pages recorded as they become durable, a torn last line
 * and the page in flight dropped on reopen, one writer at a time. */
/* Case-less mode (the batch folder of result stacks): any name is taken,
 * the callback gets no case number; de-duplication and failed/ as usual. */
static int take_caseless(const sohoa_scan_hotfolder_file *f, void *payload)
{
	struct taken *t = payload;

	if (f->case_number || f->component)
		return sohoa_error_set(SOHOA_EINVALID, "a case-less file got "
		                                       "a case number");
	if (t->n < 8)
		snprintf(t->names[t->n], sizeof(t->names[0]), "%s", f->name);
	t->n++;
	return SOHOA_OK;
}

static void hotfolder_caseless_takes_any_name(void **state)
{
	struct fixture *fx = *state;
	char *hot = tmp_path(fx, "hot"), *p = NULL, *seen = NULL;
	sohoa_scan_hotfolder *hf = NULL;
	sohoa_scan_hotfolder_stats st;
	struct taken t = {0};
	char *data = NULL;
	size_t len = 0, slen = 0;
	static const char *const names[] = {
	    "kết quả chiều.png", /* taken, no case number in the name */
	    "scan0002.png",      /* same bytes: a duplicate */
	    "notes.docx",        /* wrong type */
	};

	assert_int_equal(
	    sohoa_fs_read_all(&data, &len, SOHOA_TEST_DATA "/text_vi.png"),
	    SOHOA_OK);
	assert_int_equal(sohoa_scan_hotfolder_open(&hf, hot, 0), SOHOA_OK);
	sohoa_scan_hotfolder_set_caseless(hf, 1);
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(sohoa_asprintf(&p, "%s/%s", hot, names[i]), 0);
		write_bytes(p, data, len, "wb");
		free(p);
	}
	sohoa_scan_hotfolder_poll(hf, take_caseless, &t, &st);
	assert_int_equal(sohoa_scan_hotfolder_poll(hf, take_caseless, &t, &st),
	                 SOHOA_OK);
	assert_int_equal(st.taken, 1);
	assert_int_equal(st.duplicates, 1);
	assert_int_equal(st.failed, 1);
	assert_int_equal(t.n, 1);
	assert_string_equal(t.names[0], names[0]);
	assert_false(exists(fx, names[0])); /* original removed */
	assert_true(exists(fx, "duplicates/scan0002.png"));
	assert_true(exists(fx, "failed/notes.docx.why"));
	assert_int_equal(sohoa_asprintf(&p, "%s/.sohoa-seen", hot), 0);
	assert_int_equal(sohoa_fs_read_all(&seen, &slen, p), SOHOA_OK);
	assert_non_null(strstr(seen, "batch, kết quả chiều.png"));
	free(seen);
	free(p);
	sohoa_scan_hotfolder_free(hf);
	free(data);
	free(hot);
}

static void job_journal_survives_a_crash(void **state)
{
	struct fixture *fx = *state;
	/* the test backend keeps option values between opens in a process */
	const char *sets[] = {"test-picture=Grid", "read-return-value=Default"};
	const char *more[] = {"read-delay=no"};
	sohoa_scan_job_params p = {.what = "scan",
	                           .case_number = "000.00.22.H27-250701-0001",
	                           .component = "Tờ khai",
	                           .kind = "component",
	                           .scan = {.device = "test:0",
	                                    .source = "flatbed",
	                                    .dpi = 25,
	                                    .set = sets,
	                                    .nset = 2,
	                                    .max_pages = 2}};
	sohoa_scan_job *job = NULL, *other = NULL;
	char *dir = NULL, *stray = NULL, *journal = NULL;
	FILE *f;

	assert_int_equal(sohoa_scan_job_create(&job, fx->spool, &p), SOHOA_OK);
	assert_string_equal(sohoa_scan_job_state(job), "capturing");
	assert_non_null(strstr(sohoa_scan_job_id(job), "scan-"));
	assert_non_null(dir = strdup(sohoa_scan_job_dir(job)));
	assert_int_equal(
	    sohoa_scan_run(&p.scan, dir, 1, sohoa_scan_job_add_page, job),
	    SOHOA_OK);
	assert_int_equal(sohoa_scan_job_npages(job), 2);
	/* a second writer is refused while the first holds the job */
	assert_int_equal(sohoa_scan_job_open(&other, dir, 0), SOHOA_EBUSY);
	assert_null(other);
	assert_non_null(strstr(sohoa_error_last(), "in use"));
	/* a reader sees it busy */
	assert_int_equal(sohoa_scan_job_open(&other, dir, 1), SOHOA_OK);
	assert_true(sohoa_scan_job_busy(other));
	assert_int_equal(sohoa_scan_job_npages(other), 2);
	sohoa_scan_job_free(other);
	sohoa_scan_job_free(job); /* as if the process died here */

	/* the page in flight and half a journal line */
	assert_int_equal(sohoa_asprintf(&stray, "%s/p0003.tif", dir), 0);
	assert_int_equal(sohoa_asprintf(&journal, "%s/journal.jsonl", dir), 0);
	assert_non_null(f = fopen(stray, "w"));
	fputs("half a page", f);
	fclose(f);
	assert_non_null(f = fopen(journal, "a"));
	fputs("{\"rec\":\"page\",\"file\":\"p00", f);
	fclose(f);

	assert_int_equal(sohoa_scan_job_open(&job, dir, 0), SOHOA_OK);
	assert_int_equal(sohoa_scan_job_npages(job), 2);
	assert_int_not_equal(access(stray, F_OK), 0);
	assert_string_equal(sohoa_scan_job_get_params(job)->component,
	                    "Tờ khai");
	assert_string_equal(sohoa_scan_job_get_params(job)->scan.device,
	                    "test:0");
	assert_int_equal(sohoa_scan_job_get_params(job)->scan.dpi, 25);
	assert_non_null(strstr(sohoa_scan_job_page(job, 1)->path, "p0002"));
	assert_int_equal(sohoa_scan_job_page(job, 1)->index, 2);
	assert_non_null(sohoa_scan_job_page(job, 1)->capture_time);
	/* resume: options added, one more page, a fault recorded */
	assert_int_equal(sohoa_scan_job_add_options(job, more, 1), SOHOA_OK);
	assert_int_equal(sohoa_scan_job_get_params(job)->scan.nset, 3);
	p.scan.max_pages = 1;
	assert_int_equal(
	    sohoa_scan_run(&p.scan, dir, 3, sohoa_scan_job_add_page, job),
	    SOHOA_OK);
	assert_int_equal(sohoa_scan_job_set_state(job, "faulted", "jam"),
	                 SOHOA_OK);
	sohoa_scan_job_free(job);

	assert_int_equal(sohoa_scan_job_open(&job, dir, 1), SOHOA_OK);
	assert_false(sohoa_scan_job_busy(job));
	assert_int_equal(sohoa_scan_job_npages(job), 3);
	assert_string_equal(sohoa_scan_job_state(job), "faulted");
	assert_string_equal(sohoa_scan_job_error(job), "jam");
	assert_string_equal(sohoa_scan_job_get_params(job)->scan.set[2],
	                    "read-delay=no");
	assert_int_equal(sohoa_scan_job_remove(job), SOHOA_OK);
	assert_int_not_equal(access(dir, F_OK), 0);
	sohoa_scan_job_free(job);
	/* and a missing job is named */
	assert_int_equal(sohoa_scan_job_open(&job, dir, 1), SOHOA_ENOTFOUND);
	assert_null(job);
	assert_non_null(strstr(sohoa_error_last(), dir));
	free(dir);
	free(stray);
	free(journal);
}

/* A front-desk draft: held until committed; staff's order, rotations,
 * removals and field corrections are journaled and read back after a
 * reopen; the masters stay untouched and removed pages stay in the
 * folder; a committed draft no longer changes. */
static void draft_journal_keeps_staff_decisions(void **state)
{
	struct fixture *fx = *state;
	const char *sets[] = {"test-picture=Grid", "read-return-value=Default"};
	sohoa_scan_job_params p = {.what = "scan",
	                           .case_number = "000.00.22.H27-250701-0002",
	                           .component = "Giấy chứng sinh",
	                           .kind = "component",
	                           .hold = 1,
	                           .scan = {.device = "test:0",
	                                    .source = "flatbed",
	                                    .dpi = 25,
	                                    .set = sets,
	                                    .nset = 2,
	                                    .max_pages = 3}};
	sohoa_scan_job *job = NULL;
	sohoa_scan_view_page *v = NULL, want[3];
	sohoa_scan_correction c;
	unsigned char *png = NULL;
	char *dir = NULL, sha[3][65];
	size_t n = 0, len = 0;

	assert_int_equal(sohoa_scan_job_create(&job, fx->spool, &p), SOHOA_OK);
	assert_non_null(dir = strdup(sohoa_scan_job_dir(job)));
	assert_true(sohoa_scan_job_is_draft(job));
	assert_true(sohoa_scan_job_held(job));
	assert_int_equal(
	    sohoa_scan_run(&p.scan, dir, 1, sohoa_scan_job_add_page, job),
	    SOHOA_OK);
	assert_int_equal(sohoa_scan_job_npages(job), 3);
	for (int i = 0; i < 3; i++)
		assert_int_equal(sohoa_scan_sha256_file(
		                     sha[i], sohoa_scan_job_page(job, i)->path),
		                 SOHOA_OK);
	/* committing while capturing is refused */
	assert_int_equal(sohoa_scan_job_commit(job, "le.van.b"),
	                 SOHOA_EINVALID);
	assert_non_null(strstr(sohoa_error_last(), "capturing"));
	assert_int_equal(sohoa_scan_job_set_state(job, "captured", NULL),
	                 SOHOA_OK);
	/* no arrangement yet: capture order */
	assert_int_equal(sohoa_scan_job_view(job, &v, &n), SOHOA_OK);
	assert_int_equal(n, 3);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(v[i].page, i);
		assert_int_equal(v[i].rotation, 0);
		assert_false(v[i].removed);
	}
	free(v);
	/* page 3 first turned 90 degrees, page 1, page 2 removed */
	want[0] = (sohoa_scan_view_page){.page = 2, .rotation = 90};
	want[1] = (sohoa_scan_view_page){.page = 0};
	want[2] = (sohoa_scan_view_page){.page = 1, .removed = 1};
	assert_int_equal(sohoa_scan_job_set_view(job, want, 3, "le.van.b"),
	                 SOHOA_OK);
	/* bad arrangements are refused and change nothing */
	want[1].page = 2;
	assert_int_equal(sohoa_scan_job_set_view(job, want, 2, "x"),
	                 SOHOA_EINVALID);
	assert_non_null(strstr(sohoa_error_last(), "twice"));
	want[1] = (sohoa_scan_view_page){.page = 0, .rotation = 45};
	assert_int_equal(sohoa_scan_job_set_view(job, want, 2, "x"),
	                 SOHOA_EINVALID);
	want[1] = (sohoa_scan_view_page){.page = 7};
	assert_int_equal(sohoa_scan_job_set_view(job, want, 2, "x"),
	                 SOHOA_EINVALID);
	assert_int_equal(sohoa_scan_job_correct(job, "p0003.tif", "full_name",
	                                        "NGUYỄN THỊ LIÊN", "le.van.b"),
	                 SOHOA_OK);
	assert_int_equal(sohoa_scan_job_correct(job, "p0009.tif", "full_name",
	                                        "X", "le.van.b"),
	                 SOHOA_EINVALID);
	/* a page added after the arrangement follows the kept pages */
	p.scan.max_pages = 1;
	assert_int_equal(
	    sohoa_scan_run(&p.scan, dir, 4, sohoa_scan_job_add_page, job),
	    SOHOA_OK);
	sohoa_scan_job_free(job); /* as if the process died here */

	assert_int_equal(sohoa_scan_job_open(&job, dir, 0), SOHOA_OK);
	assert_true(sohoa_scan_job_held(job));
	assert_int_equal(sohoa_scan_job_npages(job), 4);
	assert_int_equal(sohoa_scan_job_view(job, &v, &n), SOHOA_OK);
	assert_int_equal(n, 4);
	assert_int_equal(v[0].page, 2);
	assert_int_equal(v[0].rotation, 90);
	assert_int_equal(v[1].page, 0);
	assert_int_equal(v[2].page, 3); /* the new page */
	assert_false(v[2].removed);
	assert_int_equal(v[3].page, 1);
	assert_true(v[3].removed);
	free(v);
	assert_int_equal(sohoa_scan_job_ncorrections(job), 1);
	assert_int_equal(sohoa_scan_job_correction(job, 0, &c), SOHOA_OK);
	assert_string_equal(c.file, "p0003.tif");
	assert_string_equal(c.field, "full_name");
	assert_string_equal(c.value, "NGUYỄN THỊ LIÊN");
	assert_string_equal(c.by, "le.van.b");
	assert_non_null(c.time);
	/* the removed page and every master are still there, unchanged */
	for (int i = 0; i < 3; i++) {
		char now[65];

		assert_int_equal(sohoa_scan_sha256_file(
		                     now, sohoa_scan_job_page(job, i)->path),
		                 SOHOA_OK);
		assert_string_equal(now, sha[i]);
	}
	assert_int_equal(sohoa_scan_thumbnail(
	                     &png, &len, sohoa_scan_job_page(job, 0)->path, 64),
	                 SOHOA_OK);
	assert_true(len > 8);
	assert_memory_equal(png, "\x89PNG", 4);
	free(png);
	assert_int_equal(sohoa_scan_job_set_state(job, "captured", NULL),
	                 SOHOA_OK);
	assert_null(sohoa_scan_job_committed_by(job));
	assert_int_equal(sohoa_scan_job_commit(job, "le.van.b"), SOHOA_OK);
	assert_false(sohoa_scan_job_held(job));
	assert_int_equal(sohoa_scan_job_commit(job, "le.van.b"),
	                 SOHOA_EINVALID);
	assert_int_equal(
	    sohoa_scan_job_correct(job, "p0001.tif", "sex", "Nữ", "le.van.b"),
	    SOHOA_EINVALID);
	assert_non_null(strstr(sohoa_error_last(), "committed"));
	sohoa_scan_job_free(job);
	assert_int_equal(sohoa_scan_job_open(&job, dir, 1), SOHOA_OK);
	assert_false(sohoa_scan_job_held(job));
	assert_true(sohoa_scan_job_is_draft(job));
	assert_string_equal(sohoa_scan_job_committed_by(job), "le.van.b");
	assert_non_null(sohoa_scan_job_committed_at(job));
	sohoa_scan_job_free(job);
	free(dir);
}

/* A draft started from its receipt page has no case number until staff
 * (or the number read from the page) give it one; it cannot be committed
 * before, and the number it gets is normalized and survives a reopen. */
static void draft_without_case_number_waits_for_one(void **state)
{
	struct fixture *fx = *state;
	const char *sets[] = {"test-picture=Grid", "read-return-value=Default"};
	sohoa_scan_job_params p = {.what = "scan",
	                           .case_number = "",
	                           .component = "Giấy tiếp nhận",
	                           .kind = "component",
	                           .hold = 1,
	                           .scan = {.device = "test:0",
	                                    .source = "flatbed",
	                                    .dpi = 25,
	                                    .set = sets,
	                                    .nset = 2,
	                                    .max_pages = 1}};
	sohoa_scan_job *job = NULL;
	char *dir = NULL;

	assert_int_equal(sohoa_scan_job_create(&job, fx->spool, &p), SOHOA_OK);
	assert_non_null(dir = strdup(sohoa_scan_job_dir(job)));
	assert_int_equal(
	    sohoa_scan_run(&p.scan, dir, 1, sohoa_scan_job_add_page, job),
	    SOHOA_OK);
	assert_int_equal(sohoa_scan_job_set_state(job, "captured", NULL),
	                 SOHOA_OK);
	assert_string_equal(sohoa_scan_job_get_params(job)->case_number, "");
	assert_int_equal(sohoa_scan_job_commit(job, "lan"), SOHOA_EINVALID);
	assert_non_null(strstr(sohoa_error_last(), "no case number"));
	assert_int_equal(
	    sohoa_scan_job_set_case(job, "H27.151-251341-0001", "lan"),
	    SOHOA_EINVALID); /* month 13 */
	assert_int_equal(
	    sohoa_scan_job_set_case(job, " h27.151-251008-0001 ", "lan"),
	    SOHOA_OK);
	assert_string_equal(sohoa_scan_job_get_params(job)->case_number,
	                    "H27.151-251008-0001");
	sohoa_scan_job_free(job);
	assert_int_equal(sohoa_scan_job_open(&job, dir, 0), SOHOA_OK);
	assert_string_equal(sohoa_scan_job_get_params(job)->case_number,
	                    "H27.151-251008-0001");
	assert_int_equal(sohoa_scan_job_commit(job, "lan"), SOHOA_OK);
	assert_int_equal(
	    sohoa_scan_job_set_case(job, "H27.151-251008-0002", "lan"),
	    SOHOA_EINVALID); /* committed */
	sohoa_scan_job_free(job);
	/* a job that is not a draft takes no staff decisions */
	p.hold = 0;
	p.case_number = "H27.151-251008-0003";
	assert_int_equal(sohoa_scan_job_create(&job, fx->spool, &p), SOHOA_OK);
	assert_false(sohoa_scan_job_is_draft(job));
	assert_false(sohoa_scan_job_held(job));
	assert_int_equal(sohoa_scan_job_commit(job, "lan"), SOHOA_EINVALID);
	assert_non_null(strstr(sohoa_error_last(), "not a draft"));
	sohoa_scan_job_free(job);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(devices_include_the_virtual_scanners,
	                           watchdog),
	    cmocka_unit_test_setup(devices_report_capabilities, watchdog),
	    cmocka_unit_test_setup(vendor_names_map_or_are_refused, watchdog),
	    cmocka_unit_test_setup_teardown(pnm_scan_is_pixel_exact, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(adf_feeds_until_empty, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(depths_1_and_16_are_kept, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(
	        every_fault_status_has_an_operator_message, setup, teardown),
	    cmocka_unit_test_setup_teardown(bad_options_list_the_valid_ones,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(three_pass_frames_make_one_rgb_page,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(pnm_three_pass_is_pixel_exact,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        non_blocking_reads_give_the_same_page, setup, teardown),
	    cmocka_unit_test_setup_teardown(padded_lines_and_unknown_height,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        encoding_follows_depth_and_configuration, setup, teardown),
	    cmocka_unit_test_setup_teardown(hotfolder_waits_for_a_growing_file,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(hotfolder_moves_bad_files_aside,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(hotfolder_caseless_takes_any_name,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(draft_journal_keeps_staff_decisions,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        draft_without_case_number_waits_for_one, setup, teardown),
	    cmocka_unit_test_setup_teardown(job_journal_survives_a_crash, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(import_takes_each_file_type, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(import_splits_multipage_tiff_raw,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        import_raw_split_keeps_what_describes_strips, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        import_refuses_truncated_multipage_tiff, setup, teardown),
	    cmocka_unit_test_setup_teardown(import_refuses_bad_files_by_name,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        sha256_is_remembered_only_for_an_unchanged_file, setup,
	        teardown),
	};
	int rc;

	setMsgSeverity(L_SEVERITY_NONE);
	snprintf(watchdog_msg, sizeof(watchdog_msg),
	         "test_scan: the case above ran longer than %d s and is taken "
	         "as hung (a deadlock? SANE's test backend cancels its reader "
	         "thread asynchronously, see docs/scan.md)\n",
	         WATCHDOG_SECONDS);
	signal(SIGALRM, watchdog_fired);
	if (sohoa_scan_init() != SOHOA_OK) {
		fprintf(stderr, "%s\n", sohoa_error_last());
		return 1;
	}
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	alarm(0);
#if defined(SOHOA_DEFERRED_CANCEL)
	if (sohoa_scan_deferred_cancels() == 0) {
		fprintf(stderr, "test_scan: SANE's test backend never called "
		                "scan.c's pthread_setcanceltype: are the "
		                "executables still linked with ENABLE_EXPORTS "
		                "(CMakeLists.txt, SOHOA_SANITIZE)?\n");
		rc = 1;
	}
#endif
	/* no sane_exit: LSan must still see libsane-test.so's name
	 * (STYLE.md R9) */
	return rc;
}
