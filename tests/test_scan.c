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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(devices_include_the_virtual_scanners),
	    cmocka_unit_test(devices_report_capabilities),
	    cmocka_unit_test(vendor_names_map_or_are_refused),
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
	    cmocka_unit_test_setup_teardown(job_journal_survives_a_crash, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(import_takes_each_file_type, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(import_refuses_bad_files_by_name,
	                                    setup, teardown),
	};
	int rc;

	setMsgSeverity(L_SEVERITY_NONE);
	if (sohoa_scan_init() != SOHOA_OK) {
		fprintf(stderr, "%s\n", sohoa_error_last());
		return 1;
	}
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	/* no sane_exit: LSan must still see libsane-test.so's name
	 * (STYLE.md R9) */
	return rc;
}
