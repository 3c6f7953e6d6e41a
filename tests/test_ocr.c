/* test_ocr.c -- page analysis and recognition on the fixtures in
 * tests/data (text_vi.png with its ground truth, blank_noisy.png,
 * one_line.png) and on variants made at test time in a mkdtemp() folder:
 * turned pages, a skewed page, a two-page TIFF, damaged files.
 */
#include "ocr/ocr.h"

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>
#include <wctype.h>

#include <cmocka.h>
#include <jansson.h>
#include <leptonica/allheaders.h>

#include "config/config.h"

#define TEXT_VI  SOHOA_TEST_DATA "/text_vi.png"
#define TEXT_GT  SOHOA_TEST_DATA "/text_vi.gt.txt"
#define BLANK    SOHOA_TEST_DATA "/blank_noisy.png"
#define ONE_LINE SOHOA_TEST_DATA "/one_line.png"
#define RECEIPT  SOHOA_SAMPLES "/03-giay-tiep-nhan.png"
#define ID_CARD  SOHOA_SAMPLES "/02-cccd-front.png"
#define FORM     SOHOA_SAMPLES "/01-to-khai.png"

/* The QR payload of the sample card (docs/samples/README.md). */
#define CARD_QR                                                                            \
	"042190001234||NGUYỄN THỊ LIÊN|12031990|Nữ|Thôn Đông, xã Thạch Hà, " \
	"tỉnh Hà Tĩnh|15082021"

/* Words of text_vi.gt.txt that must come out of recognition. */
static const char *const main_words[] = {
    "đơn đề nghị",     "giấy chứng nhận", "quyền sử dụng đất",
    "nguyễn thị liên", "042190001234",    "thạch hà",
    "hà tĩnh",         "thửa đất số 125", "tiếp nhận hồ sơ",
};

struct fixture {
	char dir[64];   /* mkdtemp() folder, removed at the end */
	sohoa_ocr *ocr; /* one recognizer for all tests, as one worker */
	char *gt;       /* text_vi.gt.txt */
};

static struct fixture fx;

static int group_setup(void **state)
{
	size_t len;

	strcpy(fx.dir, "/tmp/test_ocr.XXXXXX");
	if (!mkdtemp(fx.dir))
		return -1;
	if (sohoa_ocr_create(&fx.ocr, NULL, NULL) != SOHOA_OK) {
		fprintf(stderr, "sohoa_ocr_create: %s\n", sohoa_error_last());
		return -1;
	}
	if (sohoa_fs_read_all(&fx.gt, &len, TEXT_GT) != SOHOA_OK)
		return -1;
	*state = &fx;
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	sohoa_ocr_free(fx.ocr);
	free(fx.gt);
	sohoa_fs_remove_tree(fx.dir);
	return 0;
}

static char *tmp_path(const char *name)
{
	char *p = NULL;

	assert_int_equal(sohoa_asprintf(&p, "%s/%s", fx.dir, name), SOHOA_OK);
	return p;
}

/* UTF-8 to lower-case wide characters; whitespace runs become one space
 * and blank lines vanish, so layout does not count as an error. */
static wchar_t *wide_lower(const char *s)
{
	size_t n = strlen(s), i, o = 0;
	wchar_t *w = calloc(n + 1, sizeof(*w)),
	        *tmp = calloc(n + 1, sizeof(*w));
	size_t k;

	assert_non_null(w);
	assert_non_null(tmp);
	k = mbstowcs(tmp, s, n + 1);
	assert_int_not_equal(k, (size_t)-1);
	for (i = 0; i < k; i++) {
		if (iswspace((wint_t)tmp[i])) {
			if (o > 0 && w[o - 1] != L' ')
				w[o++] = L' ';
			continue;
		}
		w[o++] = (wchar_t)towlower((wint_t)tmp[i]);
	}
	while (o > 0 && w[o - 1] == L' ')
		o--;
	w[o] = 0;
	free(tmp);
	return w;
}

static int contains_ci(const char *hay, const char *needle)
{
	wchar_t *h = wide_lower(hay), *n = wide_lower(needle);
	int found = wcsstr(h, n) != NULL;

	free(h);
	free(n);
	return found;
}

/* 1 - (edit distance / ground-truth length), over code points. */
static double char_accuracy(const char *text, const char *gt)
{
	wchar_t *a = wide_lower(text), *b = wide_lower(gt);
	size_t na = wcslen(a), nb = wcslen(b), i, j;
	size_t *prev = calloc(nb + 1, sizeof(size_t));
	size_t *cur = calloc(nb + 1, sizeof(size_t)), *t;
	double acc;

	assert_non_null(prev);
	assert_non_null(cur);
	for (j = 0; j <= nb; j++)
		prev[j] = j;
	for (i = 1; i <= na; i++) {
		cur[0] = i;
		for (j = 1; j <= nb; j++) {
			size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
			size_t del = prev[j] + 1, ins = cur[j - 1] + 1;

			cur[j] = sub < del ? (sub < ins ? sub : ins)
			                   : (del < ins ? del : ins);
		}
		t = prev, prev = cur, cur = t;
	}
	acc = nb ? 1.0 - (double)prev[nb] / (double)nb : 0.0;
	free(prev);
	free(cur);
	free(a);
	free(b);
	return acc;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void assert_main_words(const char *text)
{
	size_t i;

	for (i = 0; i < sizeof(main_words) / sizeof(main_words[0]); i++) {
		if (!contains_ci(text, main_words[i]))
			fail_msg("\"%s\" not recognized in:\n%s", main_words[i],
			         text);
	}
}

/* Write text_vi.png turned `quads` quarter turns clockwise. */
static char *write_turned(int quads, const char *name)
{
	char *path = tmp_path(name);
	PIX *pix = pixRead(TEXT_VI), *rot;

	assert_non_null(pix);
	rot = pixRotateOrth(pix, quads);
	assert_non_null(rot);
	assert_int_equal(pixWrite(path, rot, IFF_PNG), 0);
	pixDestroy(&rot);
	pixDestroy(&pix);
	return path;
}

static void text_page_is_read(void **state)
{
	sohoa_ocr_result r;
	double t0, t1, acc;
	(void)state;

	sohoa_ocr_result_init(&r);
	t0 = now();
	assert_int_equal(sohoa_ocr_page(&r, fx.ocr, TEXT_VI, 0), SOHOA_OK);
	t1 = now();
	assert_false(r.blank);
	assert_int_equal(r.rotation, 0);
	assert_true(r.skew_deg > -0.5 && r.skew_deg < 0.5);
	assert_int_equal(r.width, 2000);
	assert_int_equal(r.height, 700);
	assert_int_equal(r.dpi, 300);
	/* "ĐƠN ĐỀ NGHỊ ..." is a request form */
	assert_string_equal(r.document_type, "application_form");
	assert_null(r.case_number);
	assert_int_equal(r.ncodes, 0);
	assert_main_words(r.text);
	acc = char_accuracy(r.text, fx.gt);
	printf("# text_vi.png: character accuracy %.4f, confidence %.2f, "
	       "%.2f s\n",
	       acc, r.mean_confidence, t1 - t0);
	/* The national target for Vietnamese OCR is 98% of characters. */
	assert_true(acc >= 0.98);
	assert_true(r.mean_confidence > 0.8 && r.mean_confidence <= 1.0);
	assert_non_null(r.hocr);
	assert_non_null(strstr(r.hocr, "ocrx_word"));
	assert_non_null(strstr(r.hocr, "NGUYỄN"));
	sohoa_ocr_result_dispose(&r);
	assert_null(r.text);
	assert_int_equal(r.ncodes, 0);
}

static void text_is_nfc(void **state)
{
	sohoa_ocr_result r;
	char *nfc = NULL;
	(void)state;

	sohoa_ocr_result_init(&r);
	assert_int_equal(sohoa_ocr_page(&r, fx.ocr, TEXT_VI, 0), SOHOA_OK);
	assert_int_equal(sohoa_text_nfc(&nfc, r.text), SOHOA_OK);
	assert_string_equal(nfc, r.text);
	free(nfc);
	sohoa_ocr_result_dispose(&r);
}

static void noisy_blank_page_is_blank(void **state)
{
	sohoa_ocr_result r;
	(void)state;

	sohoa_ocr_result_init(&r);
	assert_int_equal(sohoa_ocr_page(&r, fx.ocr, BLANK, 0), SOHOA_OK);
	assert_true(r.blank);
	assert_string_equal(r.text, "");
	assert_null(r.hocr);
	assert_string_equal(r.document_type, "blank");
	assert_true(r.mean_confidence == 0.0);
	assert_int_equal(r.width, 1750);
	assert_int_equal(r.height, 2480);
	sohoa_ocr_result_dispose(&r);
}

static void one_line_page_is_not_blank(void **state)
{
	sohoa_ocr_result r;
	(void)state;

	sohoa_ocr_result_init(&r);
	assert_int_equal(sohoa_ocr_page(&r, fx.ocr, ONE_LINE, 0), SOHOA_OK);
	assert_false(r.blank);
	assert_true(contains_ci(r.text, "ghi chú"));
	assert_true(contains_ci(r.text, "nhận đủ"));
	assert_string_equal(r.document_type, "other");
	sohoa_ocr_result_dispose(&r);
}

static void check_turned(int quads, int expect_rotation)
{
	char name[32];
	char *path;
	sohoa_ocr_result r;
	double acc;

	snprintf(name, sizeof(name), "turned%d.png", quads * 90);
	path = write_turned(quads, name);
	sohoa_ocr_result_init(&r);
	assert_int_equal(sohoa_ocr_page(&r, fx.ocr, path, 0), SOHOA_OK);
	assert_int_equal(r.rotation, expect_rotation);
	/* The analysed page is upright again: landscape like the original. */
	assert_int_equal(r.width, 2000);
	assert_int_equal(r.height, 700);
	assert_main_words(r.text);
	acc = char_accuracy(r.text, fx.gt);
	printf("# page turned %d cw: rotation %d, accuracy %.4f\n", quads * 90,
	       r.rotation, acc);
	assert_true(acc >= 0.98);
	sohoa_ocr_result_dispose(&r);
	free(path);
}

static void upside_down_page_is_turned_and_read(void **state)
{
	(void)state;
	check_turned(2, 180);
}

static void page_turned_right_is_turned_back(void **state)
{
	(void)state;
	/* Turned 90 degrees clockwise: 270 more clockwise makes it upright. */
	check_turned(1, 270);
}

static void page_turned_left_is_turned_back(void **state)
{
	(void)state;
	check_turned(3, 90);
}

static void skewed_page_is_straightened(void **state)
{
	char *path = tmp_path("skewed.png");
	PIX *pix = pixRead(TEXT_VI), *rot;
	sohoa_ocr_result r;
	(void)state;

	assert_non_null(pix);
	/* Leptonica: positive angles turn clockwise. */
	rot = pixRotate(pix, (float)(3.0 * M_PI / 180.0), L_ROTATE_AREA_MAP,
	                L_BRING_IN_WHITE, 0, 0);
	assert_non_null(rot);
	assert_int_equal(pixWrite(path, rot, IFF_PNG), 0);
	pixDestroy(&rot);
	pixDestroy(&pix);

	sohoa_ocr_result_init(&r);
	assert_int_equal(sohoa_ocr_page(&r, fx.ocr, path, 0), SOHOA_OK);
	assert_int_equal(r.rotation, 0);
	/* Turned clockwise = negative skew (+ is counter-clockwise). */
	assert_true(r.skew_deg < -2.5 && r.skew_deg > -3.5);
	assert_main_words(r.text);
	assert_true(char_accuracy(r.text, fx.gt) >= 0.98);
	sohoa_ocr_result_dispose(&r);
	free(path);
}

static void two_page_tiff_is_counted_and_read(void **state)
{
	char *path = tmp_path("two.tif");
	PIX *text = pixRead(TEXT_VI), *blank = pixRead(BLANK);
	sohoa_ocr_result r;
	int n = 0;
	(void)state;

	assert_non_null(text);
	assert_non_null(blank);
	assert_int_equal(pixWriteTiff(path, text, IFF_TIFF_ZIP, "w"), 0);
	assert_int_equal(pixWriteTiff(path, blank, IFF_TIFF_ZIP, "a"), 0);
	pixDestroy(&text);
	pixDestroy(&blank);

	assert_int_equal(sohoa_ocr_count_pages(&n, path), SOHOA_OK);
	assert_int_equal(n, 2);
	sohoa_ocr_result_init(&r);
	assert_int_equal(sohoa_ocr_page(&r, fx.ocr, path, 0), SOHOA_OK);
	assert_false(r.blank);
	assert_true(contains_ci(r.text, "quyền sử dụng đất"));
	assert_int_equal(sohoa_ocr_page(&r, fx.ocr, path, 1), SOHOA_OK);
	assert_true(r.blank);
	assert_int_equal(r.width, 1750);

	/* There is no third page. */
	assert_int_equal(sohoa_ocr_page(&r, fx.ocr, path, 2), SOHOA_EINVALID);
	assert_null(r.text);
	assert_non_null(strstr(sohoa_error_last(), path));
	sohoa_ocr_result_dispose(&r);
	free(path);
}

static void png_counts_one_page(void **state)
{
	int n = 0;
	(void)state;

	assert_int_equal(sohoa_ocr_count_pages(&n, TEXT_VI), SOHOA_OK);
	assert_int_equal(n, 1);
}

static void truncated_file_is_refused(void **state)
{
	char *path = tmp_path("truncated.png"), *data = NULL;
	size_t len = 0;
	FILE *f;
	sohoa_ocr_result r;
	(void)state;

	assert_int_equal(sohoa_fs_read_all(&data, &len, TEXT_VI), SOHOA_OK);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len / 2, f), len / 2);
	fclose(f);
	free(data);

	sohoa_ocr_result_init(&r);
	assert_int_equal(sohoa_ocr_page(&r, fx.ocr, path, 0), SOHOA_EINVALID);
	assert_null(r.text);
	assert_null(r.document_type);
	assert_non_null(strstr(sohoa_error_last(), path));
	assert_non_null(strstr(sohoa_error_last(), "not a readable image"));
	sohoa_ocr_result_dispose(&r);
	free(path);
}

static void empty_file_is_refused(void **state)
{
	char *path = tmp_path("empty.png");
	FILE *f = fopen(path, "wb");
	sohoa_ocr_result r;
	int n = 7;
	(void)state;

	assert_non_null(f);
	fclose(f);
	assert_int_equal(sohoa_ocr_count_pages(&n, path), SOHOA_EINVALID);
	assert_int_equal(n, 0);
	assert_non_null(strstr(sohoa_error_last(), path));
	sohoa_ocr_result_init(&r);
	assert_int_equal(sohoa_ocr_page(&r, fx.ocr, path, 0), SOHOA_EINVALID);
	assert_null(r.text);
	assert_non_null(strstr(sohoa_error_last(), path));
	assert_non_null(strstr(sohoa_error_last(), "empty"));
	free(path);
}

static void garbage_file_is_refused(void **state)
{
	char *path = tmp_path("notes.png");
	FILE *f = fopen(path, "wb");
	sohoa_ocr_result r;
	int n = 7;
	(void)state;

	assert_non_null(f);
	fputs("this is a text file, not an image\n", f);
	fclose(f);
	assert_int_equal(sohoa_ocr_count_pages(&n, path), SOHOA_EINVALID);
	assert_non_null(strstr(sohoa_error_last(), path));
	sohoa_ocr_result_init(&r);
	assert_int_equal(sohoa_ocr_page(&r, fx.ocr, path, 0), SOHOA_EINVALID);
	assert_non_null(strstr(sohoa_error_last(), path));
	free(path);
}

static void missing_file_is_not_found(void **state)
{
	char *path = tmp_path("no-such-page.png");
	sohoa_ocr_result r;
	(void)state;

	sohoa_ocr_result_init(&r);
	assert_int_equal(sohoa_ocr_page(&r, fx.ocr, path, 0), SOHOA_ENOTFOUND);
	assert_non_null(strstr(sohoa_error_last(), path));
	free(path);
}

static void oversized_page_is_refused(void **state)
{
	sohoa_ocr_result r;
	(void)state;

	/* text_vi.png is 2000x700 = 1.4 megapixels. */
	sohoa_ocr_set_max_megapixels(fx.ocr, 1.0);
	sohoa_ocr_result_init(&r);
	assert_int_equal(sohoa_ocr_page(&r, fx.ocr, TEXT_VI, 0),
	                 SOHOA_EINVALID);
	assert_non_null(strstr(sohoa_error_last(), TEXT_VI));
	assert_non_null(strstr(sohoa_error_last(), "megapixels"));
	sohoa_ocr_set_max_megapixels(fx.ocr, 200.0);
	assert_int_equal(sohoa_ocr_page(&r, fx.ocr, TEXT_VI, 0), SOHOA_OK);
	sohoa_ocr_result_dispose(&r);
}

static void missing_traineddata_names_package(void **state)
{
	sohoa_ocr *ocr = (sohoa_ocr *)&fx; /* must be reset to NULL */
	(void)state;

	assert_int_equal(sohoa_ocr_create(&ocr, "xyz", NULL), SOHOA_EENV);
	assert_null(ocr);
	assert_non_null(strstr(sohoa_error_last(), "xyz.traineddata"));
	assert_non_null(strstr(sohoa_error_last(), "tesseract-ocr-xyz"));

	ocr = (sohoa_ocr *)&fx;
	assert_int_equal(sohoa_ocr_create(&ocr, "eng+xyz", fx.dir), SOHOA_EENV);
	assert_null(ocr);
	/* The first missing one, in the folder that was given. */
	assert_non_null(strstr(sohoa_error_last(), "eng.traineddata"));
	assert_non_null(strstr(sohoa_error_last(), fx.dir));
}

/* Without osd.traineddata pages are still read, only not turned. */
/* A tessdata folder with vie and eng but no osd.traineddata, as on a
 * machine without tesseract-ocr-osd.  Returns the folder (owned). */
static char *tessdata_without_osd(void)
{
	const char *langs[] = {"vie", "eng"};
	char *dir = tmp_path("tessdata"), *link = NULL, *target = NULL;
	size_t i;

	assert_int_equal(sohoa_fs_mkdirs(dir), SOHOA_OK);
	for (i = 0; i < 2; i++) {
		assert_int_equal(sohoa_asprintf(&target,
		                                "/usr/share/tesseract-ocr/5/"
		                                "tessdata/%s.traineddata",
		                                langs[i]),
		                 SOHOA_OK);
		assert_int_equal(
		    sohoa_asprintf(&link, "%s/%s.traineddata", dir, langs[i]),
		    SOHOA_OK);
		assert_true(symlink(target, link) == 0 || errno == EEXIST);
		free(target);
		free(link);
	}
	return dir;
}

static void works_without_osd(void **state)
{
	char *dir = tessdata_without_osd();
	sohoa_ocr *ocr = NULL;
	sohoa_ocr_result r;
	(void)state;

	assert_int_equal(sohoa_ocr_create(&ocr, "vie+eng", dir), SOHOA_OK);
	sohoa_ocr_result_init(&r);
	assert_int_equal(sohoa_ocr_page(&r, ocr, TEXT_VI, 0), SOHOA_OK);
	assert_int_equal(r.rotation, 0);
	assert_main_words(r.text);
	sohoa_ocr_result_dispose(&r);
	sohoa_ocr_free(ocr);
	free(dir);
}

/* Without OSD an upside-down page is read as it lies (badly); read with
 * the turn staff gave it, it is upright again and read well. */
static void given_turn_is_used_instead_of_detection(void **state)
{
	char *dir = tessdata_without_osd();
	char *path = write_turned(2, "given180.png");
	sohoa_ocr *ocr = NULL;
	sohoa_ocr_result r, t;
	(void)state;

	assert_int_equal(sohoa_ocr_create(&ocr, "vie+eng", dir), SOHOA_OK);
	sohoa_ocr_result_init(&r);
	sohoa_ocr_result_init(&t);
	assert_int_equal(sohoa_ocr_page(&r, ocr, path, 0), SOHOA_OK);
	assert_int_equal(r.rotation, 0);
	assert_false(contains_ci(r.text, "nguyễn thị liên"));
	assert_int_equal(sohoa_ocr_page_turned(&t, ocr, path, 0, 180),
	                 SOHOA_OK);
	assert_int_equal(t.rotation, 180);
	assert_int_equal(t.width, 2000);
	assert_int_equal(t.height, 700);
	assert_main_words(t.text);
	assert_true(t.mean_confidence > r.mean_confidence);
	/* the given turn wins over detection on the recognizer with OSD too:
	 * an upright page read as turned a quarter is not turned back */
	assert_int_equal(sohoa_ocr_page_turned(&t, fx.ocr, TEXT_VI, 0, 90),
	                 SOHOA_OK);
	assert_int_equal(t.rotation, 90);
	assert_int_equal(t.width, 700);
	assert_int_equal(sohoa_ocr_page_turned(&t, fx.ocr, TEXT_VI, 0, 45),
	                 SOHOA_EINVALID);
	assert_null(t.text);
	assert_non_null(strstr(sohoa_error_last(), "45"));
	sohoa_ocr_result_dispose(&r);
	sohoa_ocr_result_dispose(&t);
	sohoa_ocr_free(ocr);
	free(path);
	free(dir);
}

static void result_json_has_all_keys(void **state)
{
	sohoa_ocr_result r;
	char *text = NULL;
	json_t *o;
	json_error_t err;
	(void)state;

	sohoa_ocr_result_init(&r);
	assert_int_equal(sohoa_ocr_page(&r, fx.ocr, TEXT_VI, 0), SOHOA_OK);
	assert_int_equal(sohoa_ocr_result_json(&text, &r), SOHOA_OK);
	assert_null(strchr(text, '\n')); /* one line */
	o = json_loads(text, 0, &err);
	if (!o)
		fail_msg("json: %s", err.text);
	assert_true(json_is_false(json_object_get(o, "blank")));
	assert_int_equal(json_integer_value(json_object_get(o, "rotation")), 0);
	assert_true(json_is_number(json_object_get(o, "skew_deg")));
	assert_string_equal(
	    json_string_value(json_object_get(o, "document_type")),
	    "application_form");
	assert_true(json_is_null(json_object_get(o, "case_number")));
	assert_string_equal(json_string_value(json_object_get(o, "text")),
	                    r.text);
	assert_true(json_number_value(json_object_get(o, "mean_confidence")) ==
	            r.mean_confidence);
	assert_true(json_is_array(json_object_get(o, "codes")));
	assert_int_equal(json_array_size(json_object_get(o, "codes")), 0);
	assert_true(json_is_object(json_object_get(o, "fields")));
	assert_true(json_is_array(json_object_get(o, "needs_review")));
	assert_true(json_is_null(json_object_get(o, "case_number_candidate")));
	assert_true(json_is_null(json_object_get(o, "case_number_problem")));
	assert_int_equal(json_object_size(o), 12);
	json_decref(o);
	free(text);
	sohoa_ocr_result_dispose(&r);
}

static void blank_result_json(void **state)
{
	sohoa_ocr_result r;
	char *text = NULL;
	json_t *o;
	(void)state;

	sohoa_ocr_result_init(&r);
	assert_int_equal(sohoa_ocr_page(&r, fx.ocr, BLANK, 0), SOHOA_OK);
	assert_int_equal(sohoa_ocr_result_json(&text, &r), SOHOA_OK);
	o = json_loads(text, 0, NULL);
	assert_non_null(o);
	assert_true(json_is_true(json_object_get(o, "blank")));
	assert_string_equal(
	    json_string_value(json_object_get(o, "document_type")), "blank");
	assert_string_equal(json_string_value(json_object_get(o, "text")), "");
	json_decref(o);
	free(text);
	sohoa_ocr_result_dispose(&r);
}

/* docs/samples are made by tools/gen_samples.py; skip when absent. */
static void receipt_gives_case_number_and_type(void **state)
{
	sohoa_ocr_result r;
	size_t i;
	int qr = 0, code128 = 0;
	(void)state;

	if (access(RECEIPT, R_OK) != 0)
		skip();
	sohoa_ocr_result_init(&r);
	assert_int_equal(sohoa_ocr_page(&r, fx.ocr, RECEIPT, 0), SOHOA_OK);
	assert_string_equal(r.document_type, "receipt");
	assert_non_null(r.case_number);
	assert_string_equal(r.case_number, "000.00.22.H27-250701-0001");
	for (i = 0; i < r.ncodes; i++) {
		if (!strcmp(r.codes[i].type, "QR-Code") &&
		    strstr(r.codes[i].data, "000.00.22.H27-250701-0001"))
			qr = 1;
		if (!strcmp(r.codes[i].type, "CODE-128") &&
		    !strcmp(r.codes[i].data, "000.00.22.H27-250701-0001"))
			code128 = 1;
	}
	assert_true(qr);
	assert_true(code128);
	sohoa_ocr_result_dispose(&r);
}

/* Codes are looked for along every second row and column at 300 dpi
 * (codes.c): a QR code with modules of 0.25 mm (3 pixels), the smallest
 * printed to be scanned, is still read.  The receipt is shrunk to 0.6 (its
 * 5-pixel modules become 3) and put on an A4 page at 300 dpi, where the
 * retry at another scale halves the page and no deskew happens, so only
 * the first pass can read the code. */
static void small_qr_modules_are_read(void **state)
{
	sohoa_ocr_result r;
	PIX *src, *gray, *small, *page;
	char path[128];
	size_t i;
	int qr = 0;
	(void)state;

	if (access(RECEIPT, R_OK) != 0)
		skip();
	assert_non_null(src = pixRead(RECEIPT));
	assert_non_null(gray = pixConvertTo8(src, 0));
	assert_non_null(small = pixScale(gray, 0.6f, 0.6f));
	page = pixAddBorderGeneral(small, 0, 2480 - pixGetWidth(small), 0,
	                           3508 - pixGetHeight(small), 255);
	assert_non_null(page);
	pixSetResolution(page, 300, 300);
	snprintf(path, sizeof(path), "%s/small_qr.png", fx.dir);
	assert_int_equal(pixWrite(path, page, IFF_PNG), 0);
	sohoa_ocr_result_init(&r);
	assert_int_equal(sohoa_ocr_page(&r, fx.ocr, path, 0), SOHOA_OK);
	for (i = 0; i < r.ncodes; i++)
		if (!strcmp(r.codes[i].type, "QR-Code") &&
		    strstr(r.codes[i].data, "000.00.22.H27-250701-0001"))
			qr = 1;
	assert_true(qr);
	assert_string_equal(r.case_number, "000.00.22.H27-250701-0001");
	sohoa_ocr_result_dispose(&r);
	pixDestroy(&page);
	pixDestroy(&small);
	pixDestroy(&gray);
	pixDestroy(&src);
}

/* A page result with `code` (a QR payload, or NULL) and `text`, run
 * through the case-number search. */
static void case_of(sohoa_ocr_result *r, const char *code, const char *text)
{
	sohoa_ocr_result_init(r);
	r->text = strdup(text);
	assert_non_null(r->text);
	if (code) {
		r->codes = calloc(1, sizeof(*r->codes));
		assert_non_null(r->codes);
		r->codes[0].type = strdup("QR-Code");
		r->codes[0].data = strdup(code);
		r->ncodes = 1;
	}
	assert_int_equal(sohoa_ocr_case_number(r), SOHOA_OK);
}

static void invalid_case_number_is_a_candidate(void **state)
{
	sohoa_ocr_result r;
	char *json = NULL;
	json_t *o;
	(void)state;

	/* 31 February does not exist: shaped right, but not valid */
	case_of(&r, NULL, "QUYẾT ĐỊNH\nMã hồ sơ: H27.151-250231-0042\n");
	assert_null(r.case_number);
	assert_string_equal(r.case_number_candidate, "H27.151-250231-0042");
	assert_non_null(strstr(r.case_number_problem, "not a real date"));
	assert_int_equal(sohoa_ocr_result_json(&json, &r), SOHOA_OK);
	o = json_loads(json, 0, NULL);
	assert_non_null(o);
	assert_string_equal(
	    json_string_value(json_object_get(o, "case_number_candidate")),
	    "H27.151-250231-0042");
	assert_true(json_is_string(json_object_get(o, "case_number_problem")));
	json_decref(o);
	free(json);
	sohoa_ocr_result_dispose(&r);

	/* a labelled number of the wrong shape (OCR read O for 0) */
	case_of(&r, NULL, "Mã hồ sơ: H27.151-2510O8-090123\nĐiều 1.\n");
	assert_null(r.case_number);
	assert_string_equal(r.case_number_candidate, "H27.151-2510O8-090123");
	sohoa_ocr_result_dispose(&r);

	/* an invalid number in a code (month 13) */
	case_of(&r, "000.00.22.H27-251301-0002|1.004194", "GIẤY XÁC NHẬN\n");
	assert_null(r.case_number);
	assert_string_equal(r.case_number_candidate,
	                    "000.00.22.H27-251301-0002");
	assert_non_null(strstr(r.case_number_problem, "code"));
	sohoa_ocr_result_dispose(&r);

	/* no case number at all: nothing to review */
	case_of(&r, NULL, "(tiếp theo) Trang 2/3\nĐiều 2. Hiệu lực.\n");
	assert_null(r.case_number);
	assert_null(r.case_number_candidate);
	assert_null(r.case_number_problem);
	sohoa_ocr_result_dispose(&r);
}

static void code_and_text_must_agree(void **state)
{
	sohoa_ocr_result r;
	(void)state;

	/* the same number, the text with OCR look-alikes: no conflict */
	case_of(&r, "H27.151-251008-090123",
	        "Mã hồ sơ: H27.I5I-25IOO8-O9O123\n");
	assert_string_equal(r.case_number, "H27.151-251008-090123");
	assert_null(r.case_number_candidate);
	sohoa_ocr_result_dispose(&r);

	/* two different valid numbers: the page cannot be filed by either */
	case_of(&r, "H27.151-251008-090123",
	        "Mã hồ sơ: H27.151-251008-090124\n");
	assert_string_equal(r.case_number, "H27.151-251008-090123");
	assert_string_equal(r.case_number_candidate, "H27.151-251008-090124");
	assert_non_null(strstr(r.case_number_problem, "H27.151-251008-090123"));
	sohoa_ocr_result_dispose(&r);

	/* a valid code and a garbled label: the code is trusted */
	case_of(&r, "H27.151-251008-090123", "Mã hồ sơ: H27.151-2510#8-0901\n");
	assert_string_equal(r.case_number, "H27.151-251008-090123");
	assert_null(r.case_number_candidate);
	sohoa_ocr_result_dispose(&r);

	/* text only, valid: as before */
	case_of(&r, NULL, "Mã hồ sơ: 000.00.22.H27-250701-0001.\n");
	assert_string_equal(r.case_number, "000.00.22.H27-250701-0001");
	assert_null(r.case_number_candidate);
	sohoa_ocr_result_dispose(&r);
}

static void id_card_qr_is_utf8(void **state)
{
	sohoa_ocr_result r;
	size_t i;
	int found = 0;
	(void)state;

	if (access(ID_CARD, R_OK) != 0)
		skip();
	sohoa_ocr_result_init(&r);
	assert_int_equal(sohoa_ocr_page(&r, fx.ocr, ID_CARD, 0), SOHOA_OK);
	for (i = 0; i < r.ncodes; i++)
		if (!strcmp(r.codes[i].type, "QR-Code") &&
		    strstr(r.codes[i].data, "|NGUYỄN THỊ LIÊN|"))
			found = 1;
	assert_true(found);
	assert_null(r.case_number); /* an id number is not a case number */
	sohoa_ocr_result_dispose(&r);
}

static const sohoa_ocr_field *field(const sohoa_ocr_result *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->nfields; i++)
		if (!strcmp(r->fields[i].name, name))
			return &r->fields[i];
	return NULL;
}

static const char *value(const sohoa_ocr_result *r, const char *name)
{
	const sohoa_ocr_field *f = field(r, name);

	return f ? f->value : "(none)";
}

static int in_review(const sohoa_ocr_result *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->nneeds_review; i++)
		if (!strcmp(r->needs_review[i], name))
			return 1;
	return 0;
}

/* Does some problem of the field contain `what`? */
static int has_problem(const sohoa_ocr_result *r, const char *name,
                       const char *what)
{
	const sohoa_ocr_field *f = field(r, name);
	size_t i;

	for (i = 0; f && i < f->nproblems; i++)
		if (strstr(f->problems[i], what))
			return 1;
	return 0;
}

static void from_text(sohoa_ocr_result *r, const char *qr, const char *text)
{
	sohoa_ocr_result_init(r);
	assert_int_equal(sohoa_ocr_fields_from_text(r, fx.ocr, qr, text, 0.9),
	                 SOHOA_OK);
}

static void qr_with_seven_fields_is_parsed(void **state)
{
	sohoa_ocr_result r;
	const sohoa_ocr_field *f;
	(void)state;

	from_text(&r, CARD_QR, NULL);
	assert_string_equal(value(&r, "id_number"), "042190001234");
	assert_string_equal(value(&r, "full_name"), "NGUYỄN THỊ LIÊN");
	assert_string_equal(value(&r, "date_of_birth"), "1990-03-12");
	assert_string_equal(value(&r, "sex"), "Nữ");
	assert_string_equal(value(&r, "place_of_residence"),
	                    "Thôn Đông, xã Thạch Hà, tỉnh Hà Tĩnh");
	assert_string_equal(value(&r, "date_of_issue"), "2021-08-15");
	assert_null(field(&r, "old_id_number")); /* empty in the payload */
	f = field(&r, "full_name");
	assert_string_equal(f->source, "qr");
	assert_true(f->valid);
	assert_true(f->confidence > 0.9);
	assert_int_equal(r.nneeds_review, 0);
	sohoa_ocr_result_dispose(&r);

	from_text(&r,
	          "001085012345|123456789|Trần Văn Bình|01021985|Nam|"
	          "Hà Nội|20052021",
	          NULL);
	assert_string_equal(value(&r, "old_id_number"), "123456789");
	assert_string_equal(value(&r, "sex"), "Nam");
	assert_string_equal(value(&r, "full_name"), "Trần Văn Bình");
	assert_int_equal(r.nneeds_review, 0);
	sohoa_ocr_result_dispose(&r);
}

static void qr_with_six_fields_is_parsed(void **state)
{
	sohoa_ocr_result r;
	(void)state;

	/* Some readers drop the empty old-number field. */
	from_text(&r,
	          "042190001234|NGUYỄN THỊ LIÊN|12031990|Nữ|Thôn Đông, xã "
	          "Thạch Hà, tỉnh Hà Tĩnh|15082021",
	          NULL);
	assert_string_equal(value(&r, "full_name"), "NGUYỄN THỊ LIÊN");
	assert_string_equal(value(&r, "date_of_birth"), "1990-03-12");
	assert_string_equal(value(&r, "date_of_issue"), "2021-08-15");
	assert_string_equal(value(&r, "sex"), "Nữ");
	assert_null(field(&r, "old_id_number"));
	sohoa_ocr_result_dispose(&r);
}

static void garbage_qr_gives_no_fields(void **state)
{
	static const char *const bad[] = {
	    "hello|world",
	    "",
	    "04219000123||NGUYỄN|12031990|Nữ|x|15082021", /* 11 digits */
	    "000.00.22.H27-250701-0001|1.004194|042190001234|Giấy tiếp "
	    "nhận|Hệ thống|01/07/2025 08:15",
	    "042190001234|a|b|c|d", /* no date, no sex */
	};
	sohoa_ocr_result r;
	size_t i;
	(void)state;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		from_text(&r, bad[i], NULL);
		assert_int_equal(r.nfields, 0);
		sohoa_ocr_result_dispose(&r);
	}
}

static void unknown_province_is_reported(void **state)
{
	sohoa_ocr_result r;
	(void)state;

	from_text(&r, "099190001234||NGUYỄN THỊ LIÊN|12031990|Nữ|x|15082021",
	          NULL);
	assert_false(field(&r, "id_number")->valid);
	assert_true(has_problem(&r, "id_number", "province code 099"));
	assert_true(in_review(&r, "id_number"));
	assert_true(field(&r, "full_name")->valid);
	sohoa_ocr_result_dispose(&r);
}

static void century_and_sex_digit_must_agree(void **state)
{
	sohoa_ocr_result r;
	(void)state;

	/* digit 0: a man born in the 1900s, but the card says Nữ */
	from_text(&r, "042090001234||NGUYỄN THỊ LIÊN|12031990|Nữ|x|15082021",
	          NULL);
	assert_true(has_problem(&r, "id_number", "sex"));
	assert_true(in_review(&r, "id_number"));
	sohoa_ocr_result_dispose(&r);
	/* digit 3: a woman born in the 2000s, but the birth is 1990 */
	from_text(&r, "042390001234||NGUYỄN THỊ LIÊN|12031990|Nữ|x|15082021",
	          NULL);
	assert_true(has_problem(&r, "id_number", "date of birth"));
	sohoa_ocr_result_dispose(&r);
	/* year digits 91 for a birth in 1990 */
	from_text(&r, "042191001234||NGUYỄN THỊ LIÊN|12031990|Nữ|x|15082021",
	          NULL);
	assert_true(has_problem(&r, "id_number", "date of birth"));
	sohoa_ocr_result_dispose(&r);
	/* a man born in 2003: digit 2 */
	from_text(&r, "001203001234||LÊ VĂN AN|01022003|Nam|x|15082021", NULL);
	assert_true(field(&r, "id_number")->valid);
	assert_int_equal(r.nneeds_review, 0);
	sohoa_ocr_result_dispose(&r);
	/* 31 February is no date */
	from_text(&r, NULL, "Ngày sinh: 31/02/1990");
	assert_true(has_problem(&r, "date_of_birth", "not a real date"));
	sohoa_ocr_result_dispose(&r);
}

static void expiry_follows_renewal_ages(void **state)
{
	static const struct {
		const char *text;
		int valid;
	} cases[] = {
	    /* issued at 31: runs to 40 */
	    {"Ngày sinh: 12/03/1990\nCó giá trị đến: 12/03/2030\n"
	     "Ngày, tháng, năm cấp: 15/08/2021",
	     1},
	    {"Ngày sinh: 12/03/1990\nCó giá trị đến: 12/03/2031", 0},
	    {"Ngày sinh: 12/03/1990\nCó giá trị đến: 13/03/2030", 0},
	    /* issued within two years before 40: runs to 60 */
	    {"Ngày sinh: 12/03/1990\nCó giá trị đến: 12/03/2030\n"
	     "Ngày, tháng, năm cấp: 01/01/2029",
	     0},
	    {"Ngày sinh: 12/03/1990\nCó giá trị đến: 12/03/2050\n"
	     "Ngày, tháng, năm cấp: 01/01/2029",
	     1},
	    /* issued at 20: runs to 25 */
	    {"Ngày sinh: 12/03/2001\nCó giá trị đến: 12/03/2026\n"
	     "Ngày, tháng, năm cấp: 10/04/2021",
	     1},
	    /* from 60 on: no expiry; at 45 there must be one */
	    {"Ngày sinh: 01/01/1950\nCó giá trị đến: Không thời hạn\n"
	     "Ngày, tháng, năm cấp: 10/04/2021",
	     1},
	    {"Ngày sinh: 01/01/1976\nCó giá trị đến: Không thời hạn\n"
	     "Ngày, tháng, năm cấp: 10/04/2021",
	     0},
	};
	sohoa_ocr_result r;
	size_t i;
	(void)state;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		from_text(&r, NULL, cases[i].text);
		if (!field(&r, "date_of_expiry"))
			fail_msg("no expiry in case %zu", i);
		if (field(&r, "date_of_expiry")->valid != cases[i].valid)
			fail_msg("case %zu: expiry %s valid %d", i,
			         value(&r, "date_of_expiry"), !cases[i].valid);
		assert_int_equal(in_review(&r, "date_of_expiry"),
		                 !cases[i].valid);
		sohoa_ocr_result_dispose(&r);
	}
}

static void qr_and_text_conflict_is_reported(void **state)
{
	sohoa_ocr_result r;
	const sohoa_ocr_field *f;
	(void)state;

	from_text(&r, CARD_QR,
	          "Họ và tên / Full name: TRẦN THỊ LAN\n"
	          "Ngày sinh / Date of birth: 12/03/1990\n"
	          "Giới tính / Sex: Nữ Quốc tịch / Nationality: Việt Nam\n");
	f = field(&r, "full_name");
	assert_string_equal(f->source, "qr+ocr");
	assert_string_equal(f->value, "NGUYỄN THỊ LIÊN"); /* QR preferred */
	assert_false(f->valid);
	assert_true(has_problem(&r, "full_name", "NGUYỄN THỊ LIÊN"));
	assert_true(has_problem(&r, "full_name", "TRẦN THỊ LAN"));
	assert_true(in_review(&r, "full_name"));
	/* what agrees is confirmed */
	f = field(&r, "date_of_birth");
	assert_string_equal(f->source, "qr+ocr");
	assert_true(f->valid);
	assert_true(f->confidence > 0.99);
	assert_string_equal(field(&r, "sex")->source, "qr+ocr");
	assert_string_equal(value(&r, "nationality"), "Việt Nam");
	assert_string_equal(field(&r, "nationality")->source, "ocr");
	assert_false(in_review(&r, "date_of_birth"));
	sohoa_ocr_result_dispose(&r);

	/* an address cut short or run into the next column is no conflict;
	 * another address is */
	from_text(&r, CARD_QR,
	          "Nơi thường trú: Thôn Đông, Không thời hạn xã Thạch Hà, "
	          "tỉnh Hà Tĩnh");
	assert_true(field(&r, "place_of_residence")->valid);
	assert_string_equal(field(&r, "place_of_residence")->source, "qr+ocr");
	sohoa_ocr_result_dispose(&r);
	from_text(&r, CARD_QR, "Nơi thường trú: Thôn Đông,");
	assert_true(field(&r, "place_of_residence")->valid);
	sohoa_ocr_result_dispose(&r);
	from_text(&r, CARD_QR,
	          "Nơi thường trú: Số 8 ngõ 21 phố Huế, phường Hải Châu, "
	          "thành phố Đà Nẵng");
	assert_false(field(&r, "place_of_residence")->valid);
	assert_true(in_review(&r, "place_of_residence"));
	sohoa_ocr_result_dispose(&r);
}

static void name_tone_marks_are_repaired_when_unambiguous(void **state)
{
	static const char *const cases[][2] = {
	    {"NGUYÊN THI LIÊN", "NGUYỄN THỊ LIÊN"},
	    {"TRẤN VĂN BÌNH", "TRẦN VĂN BÌNH"},
	    {"Nguyên Thi Liên", "Nguyễn Thị Liên"},
	    /* Hoa / Hòa, Hương / Hường: ambiguous, left as read */
	    {"NGUYỄN THỊ HOA", "NGUYỄN THỊ HOA"},
	    {"PHẠM VĂN HUONG", "PHẠM VĂN HUONG"},
	    /* already a name: not touched */
	    {"LÊ THỊ LAN", "LÊ THỊ LAN"},
	};
	sohoa_ocr_result r;
	char *out = NULL;
	size_t i;
	(void)state;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(
		    sohoa_ocr_repair_name(&out, fx.ocr, cases[i][0]), SOHOA_OK);
		assert_string_equal(out, cases[i][1]);
		free(out);
	}
	/* in the fields, the raw OCR stays beside the value */
	from_text(&r, NULL, "Họ và tên: NGUYÊN THI LIÊN");
	assert_string_equal(value(&r, "full_name"), "NGUYỄN THỊ LIÊN");
	assert_string_equal(field(&r, "full_name")->raw, "NGUYÊN THI LIÊN");
	sohoa_ocr_result_dispose(&r);
	/* province names get their marks back; a part that is no unit of
	 * that province, and the village left of it, stay as read */
	from_text(&r, NULL,
	          "Quê quán: Hải Chau, Quang Ngãi\n"
	          "Nơi thường trú: Thôn Đông, xã Thạch Hx, tinh Ha Tinh");
	assert_string_equal(value(&r, "place_of_origin"),
	                    "Hải Chau, Quảng Ngãi");
	assert_string_equal(value(&r, "place_of_residence"),
	                    "Thôn Đông, xã Thạch Hx, tỉnh Hà Tĩnh");
	sohoa_ocr_result_dispose(&r);
	from_text(&r, NULL, "Họ và tên: NGUYỄN THỊ HUONG");
	assert_string_equal(value(&r, "full_name"), "NGUYỄN THỊ HUONG");
	assert_string_equal(field(&r, "full_name")->raw, "NGUYỄN THỊ HUONG");
	sohoa_ocr_result_dispose(&r);
}

/* Places are repaired part by part from ocr/data/places.tsv (the GSO list
 * of administrative units), each part among the units of the part found
 * to its right. */
static void place_tone_marks_are_repaired_from_unit_list(void **state)
{
	sohoa_ocr_result r;
	const sohoa_ocr_field *f;
	(void)state;

	/* unambiguous within the province and district: repaired, the raw
	 * OCR kept beside the value */
	from_text(&r, NULL,
	          "Quê quán / Place of origin: Tan Hoi, Đức Trong, "
	          "Lâm Dong");
	f = field(&r, "place_of_origin");
	assert_non_null(f);
	assert_string_equal(f->value, "Tân Hội, Đức Trọng, Lâm Đồng");
	assert_string_equal(f->raw, "Tan Hoi, Đức Trong, Lâm Dong");
	assert_true(f->valid);
	assert_false(in_review(&r, "place_of_origin"));
	sohoa_ocr_result_dispose(&r);
	/* letter case as printed; unit words get their marks too */
	from_text(&r, NULL,
	          "Quê quán: TAN HOI, DUC TRONG, LAM DONG\n"
	          "Nơi thường trú: Thôn 2, xa Tan Hoi, huyen Duc "
	          "Trong, tinh Lam Dong");
	assert_string_equal(value(&r, "place_of_origin"),
	                    "TÂN HỘI, ĐỨC TRỌNG, LÂM ĐỒNG");
	assert_string_equal(value(&r, "place_of_residence"),
	                    "Thôn 2, xã Tân Hội, huyện Đức Trọng, tỉnh Lâm "
	                    "Đồng");
	sohoa_ocr_result_dispose(&r);
	/* a letter misread under a known parent: repaired, a little less
	 * sure */
	from_text(&r, NULL, "Quê quán: Tan Hoi, Đức Trqng, Lâm Đồng");
	f = field(&r, "place_of_origin");
	assert_string_equal(f->value, "Tân Hội, Đức Trọng, Lâm Đồng");
	assert_true(f->confidence < 0.9);
	sohoa_ocr_result_dispose(&r);
	/* two communes of Hoằng Hóa fold to "hoangphu" (Hoằng Phú, Hoằng
	 * Phụ): left as read, said why, up for review */
	from_text(&r, NULL, "Quê quán: Hoang Phu, Hoang Hoa, Thanh Hoa");
	f = field(&r, "place_of_origin");
	assert_string_equal(f->value, "Hoang Phu, Hoằng Hóa, Thanh Hóa");
	assert_true(has_problem(&r, "place_of_origin", "could be"));
	assert_true(in_review(&r, "place_of_origin"));
	sohoa_ocr_result_dispose(&r);
	/* not a unit of the list: left as read, no part invented, lower
	 * confidence */
	from_text(&r, NULL, "Quê quán: Tan Hoi, Duc Trong, Atlantis");
	f = field(&r, "place_of_origin");
	assert_string_equal(f->value, "Tan Hoi, Duc Trong, Atlantis");
	assert_true(f->confidence < 0.9);
	sohoa_ocr_result_dispose(&r);
	from_text(&r, NULL, "Quê quán: Lâm Dong");
	assert_string_equal(value(&r, "place_of_origin"), "Lâm Đồng");
	sohoa_ocr_result_dispose(&r);
	/* a fuzzy match needs a known parent: a district alone, misread,
	 * stays as read */
	from_text(&r, NULL, "Quê quán: Đức Trqng");
	assert_string_equal(value(&r, "place_of_origin"), "Đức Trqng");
	sohoa_ocr_result_dispose(&r);
	/* the same name with the tone mark on the other vowel (Hòa / Hoà)
	 * is the name as printed: not changed */
	from_text(&r, NULL, "Quê quán: Hòa Lộc, Hậu Lộc, Thanh Hoá");
	assert_string_equal(value(&r, "place_of_origin"),
	                    "Hòa Lộc, Hậu Lộc, Thanh Hoá");
	assert_false(has_problem(&r, "place_of_origin", "could be"));
	sohoa_ocr_result_dispose(&r);
	/* with the QR's residence there, the QR's value stands */
	from_text(&r, CARD_QR, "Nơi thường trú: Thon Dong, xa Tan Hoi");
	assert_string_equal(field(&r, "place_of_residence")->source, "qr+ocr");
	sohoa_ocr_result_dispose(&r);
}

/* On a 2021 card the expiry column under the photo runs beside the place
 * of origin when the place is printed under its label: Tesseract joins
 * the lines or puts the expiry first.  The place is still the place. */
static void place_under_its_label_beside_the_expiry(void **state)
{
	sohoa_ocr_result r;
	(void)state;

	from_text(&r, NULL,
	          "Quê quán / Place of origin:\n"
	          "Có giá trị đến: Tan Thanh, Lam Ha, Lam Đồng\n"
	          "Date of expiry\n"
	          "Không thời hạn\n");
	assert_string_equal(value(&r, "place_of_origin"),
	                    "Tân Thanh, Lâm Hà, Lâm Đồng");
	assert_string_equal(value(&r, "date_of_expiry"), "Không thời hạn");
	sohoa_ocr_result_dispose(&r);
	from_text(&r, NULL,
	          "Quê quán / Place of origin:\n"
	          "Có giá trị đến:\n"
	          "Date of expiry\n"
	          "22/10/2025\n"
	          "Hanh Trung, Nghia Hanh, Quang Ngai\n"
	          "Nơi thường trú / Place of residence: Số 8 ngõ 21,\n");
	assert_string_equal(value(&r, "place_of_origin"),
	                    "Hành Trung, Nghĩa Hành, Quảng Ngãi");
	assert_string_equal(value(&r, "date_of_expiry"), "2025-10-22");
	sohoa_ocr_result_dispose(&r);
	/* the next line is the residence's, after specks from the border:
	 * not a continuation of the place */
	from_text(&r, NULL,
	          "Quê quán / Place of origin: Cư A Mung, Ea H'leo, Đắk Lắk\n"
	          "pppoe Nơi thường trú / Place of residence: Tổ 12,\n");
	assert_string_equal(value(&r, "place_of_origin"),
	                    "Cư A Mung, Ea H'leo, Đắk Lắk");
	sohoa_ocr_result_dispose(&r);
	/* a date after the expiry's label stays the expiry's */
	from_text(&r, NULL,
	          "Quê quán / Place of origin:\n"
	          "Có giá trị đến: 22/10/2025\n");
	assert_string_equal(value(&r, "place_of_origin"), "(none)");
	assert_string_equal(value(&r, "date_of_expiry"), "2025-10-22");
	sohoa_ocr_result_dispose(&r);
}

static void form_labels_are_read(void **state)
{
	sohoa_ocr_result r;
	(void)state;

	/* another person's labelled fields come first: not the applicant's */
	from_text(&r, NULL,
	          "Họ, chữ đệm và tên chủ hộ: NGUYỄN VĂN AN\n"
	          "Số định danh cá nhân của chủ hộ: 042065004321\n"
	          "Họ, chữ đệm và tên: NGUYỄN THỊ LIÊN\n"
	          "Ngày, tháng, năm sinh: 12/03/1990 Giới tính: Nữ\n"
	          "Số định danh cá nhân: 042190001234\n"
	          "Nơi cư trú: Thôn Đông, xã Thạch Hà,\n"
	          "tỉnh Hà Tĩnh\n"
	          "Nội dung đề nghị: Đăng ký thường trú\n");
	assert_string_equal(value(&r, "full_name"), "NGUYỄN THỊ LIÊN");
	assert_string_equal(value(&r, "id_number"), "042190001234");
	assert_string_equal(value(&r, "date_of_birth"), "1990-03-12");
	assert_string_equal(value(&r, "sex"), "Nữ");
	assert_string_equal(value(&r, "place_of_residence"),
	                    "Thôn Đông, xã Thạch Hà, tỉnh Hà Tĩnh");
	assert_int_equal(r.nneeds_review, 0);
	sohoa_ocr_result_dispose(&r);
}

static void mrz_gives_number_birth_and_sex(void **state)
{
	sohoa_ocr_result r;
	(void)state;

	from_text(&r, NULL,
	          "Đặc điểm nhân dạng / Personal identification:\n"
	          "IDVNM1690297248048169029724<<<\n"
	          "6904041F2904043VNM<<<<<<<<<<<6\n"
	          "NGUYEN<<THI<NHAN<<<<<<<<<<<<<<\n");
	assert_string_equal(value(&r, "id_number"), "048169029724");
	assert_string_equal(value(&r, "date_of_birth"), "1969-04-04");
	assert_string_equal(value(&r, "sex"), "Nữ");
	assert_int_equal(r.nneeds_review, 0);
	sohoa_ocr_result_dispose(&r);
	/* "ID" read as "TD" is still the zone: the check digits hold */
	from_text(&r, NULL,
	          "TDVNM1690297248048169029724<<<\n"
	          "6904041F2904043VNM<<<<<<<<<<<6\n");
	assert_string_equal(value(&r, "id_number"), "048169029724");
	assert_string_equal(value(&r, "sex"), "Nữ");
	sohoa_ocr_result_dispose(&r);
	/* a misread digit breaks the check digit: nothing is taken */
	from_text(&r, NULL,
	          "IDVNM1690297848048169029724<<<\n"
	          "6904041F2904043VNM<<<<<<<<<<<6\n");
	assert_null(field(&r, "date_of_birth"));
	sohoa_ocr_result_dispose(&r);
}

static void missing_data_dir_is_named(void **state)
{
	(void)state;
	assert_int_equal(sohoa_ocr_set_data_dir(fx.ocr, "/nonexistent/data"),
	                 SOHOA_EENV);
	assert_non_null(strstr(sohoa_error_last(), "provinces.tsv"));
	/* the data loaded before is still there */
	assert_int_equal(sohoa_ocr_set_data_dir(fx.ocr, NULL), SOHOA_OK);
}

static void id_card_fields_end_to_end(void **state)
{
	sohoa_ocr_result r;
	char *json = NULL;
	json_t *o, *f;
	(void)state;

	if (access(ID_CARD, R_OK) != 0)
		skip();
	sohoa_ocr_result_init(&r);
	assert_int_equal(sohoa_ocr_page(&r, fx.ocr, ID_CARD, 0), SOHOA_OK);
	/* a card photocopied on an A4 sheet */
	assert_string_equal(r.document_type, "id_card_copy");
	assert_string_equal(value(&r, "id_number"), "042190001234");
	assert_string_equal(field(&r, "id_number")->source, "qr+ocr");
	assert_string_equal(value(&r, "full_name"), "NGUYỄN THỊ LIÊN");
	assert_string_equal(field(&r, "full_name")->source, "qr+ocr");
	assert_string_equal(value(&r, "date_of_birth"), "1990-03-12");
	assert_string_equal(value(&r, "sex"), "Nữ");
	assert_string_equal(value(&r, "nationality"), "Việt Nam");
	assert_string_equal(value(&r, "place_of_origin"), "Thạch Hà, Hà Tĩnh");
	assert_string_equal(value(&r, "place_of_residence"),
	                    "Thôn Đông, xã Thạch Hà, tỉnh Hà Tĩnh");
	assert_string_equal(value(&r, "date_of_expiry"), "2030-03-12");
	assert_string_equal(value(&r, "date_of_issue"), "2021-08-15");
	assert_int_equal(r.nneeds_review, 0);
	/* the JSON contract */
	assert_int_equal(sohoa_ocr_result_json(&json, &r), SOHOA_OK);
	assert_non_null(o = json_loads(json, 0, NULL));
	f = json_object_get(json_object_get(o, "fields"), "full_name");
	assert_string_equal(json_string_value(json_object_get(f, "value")),
	                    "NGUYỄN THỊ LIÊN");
	assert_string_equal(json_string_value(json_object_get(f, "source")),
	                    "qr+ocr");
	assert_true(json_is_true(json_object_get(f, "valid")));
	assert_true(json_is_array(json_object_get(f, "problems")));
	assert_true(json_is_number(json_object_get(f, "confidence")));
	assert_int_equal(json_array_size(json_object_get(o, "needs_review")),
	                 0);
	json_decref(o);
	free(json);
	sohoa_ocr_result_dispose(&r);
}

static void form_fields_end_to_end(void **state)
{
	sohoa_ocr_result r;
	(void)state;

	if (access(FORM, R_OK) != 0)
		skip();
	sohoa_ocr_result_init(&r);
	assert_int_equal(sohoa_ocr_page(&r, fx.ocr, FORM, 0), SOHOA_OK);
	assert_string_equal(r.document_type, "application_form");
	assert_string_equal(value(&r, "full_name"), "NGUYỄN THỊ LIÊN");
	assert_string_equal(field(&r, "full_name")->source, "ocr");
	assert_string_equal(value(&r, "id_number"), "042190001234");
	assert_string_equal(value(&r, "date_of_birth"), "1990-03-12");
	assert_string_equal(value(&r, "sex"), "Nữ");
	assert_string_equal(value(&r, "place_of_residence"),
	                    "Thôn Đông, xã Thạch Hà, tỉnh Hà Tĩnh");
	assert_int_equal(r.nneeds_review, 0);
	sohoa_ocr_result_dispose(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(text_page_is_read),
	    cmocka_unit_test(text_is_nfc),
	    cmocka_unit_test(noisy_blank_page_is_blank),
	    cmocka_unit_test(one_line_page_is_not_blank),
	    cmocka_unit_test(upside_down_page_is_turned_and_read),
	    cmocka_unit_test(page_turned_right_is_turned_back),
	    cmocka_unit_test(page_turned_left_is_turned_back),
	    cmocka_unit_test(skewed_page_is_straightened),
	    cmocka_unit_test(two_page_tiff_is_counted_and_read),
	    cmocka_unit_test(png_counts_one_page),
	    cmocka_unit_test(truncated_file_is_refused),
	    cmocka_unit_test(empty_file_is_refused),
	    cmocka_unit_test(garbage_file_is_refused),
	    cmocka_unit_test(missing_file_is_not_found),
	    cmocka_unit_test(oversized_page_is_refused),
	    cmocka_unit_test(missing_traineddata_names_package),
	    cmocka_unit_test(works_without_osd),
	    cmocka_unit_test(given_turn_is_used_instead_of_detection),
	    cmocka_unit_test(result_json_has_all_keys),
	    cmocka_unit_test(blank_result_json),
	    cmocka_unit_test(receipt_gives_case_number_and_type),
	    cmocka_unit_test(small_qr_modules_are_read),
	    cmocka_unit_test(id_card_qr_is_utf8),
	    cmocka_unit_test(invalid_case_number_is_a_candidate),
	    cmocka_unit_test(code_and_text_must_agree),
	    cmocka_unit_test(qr_with_seven_fields_is_parsed),
	    cmocka_unit_test(qr_with_six_fields_is_parsed),
	    cmocka_unit_test(garbage_qr_gives_no_fields),
	    cmocka_unit_test(unknown_province_is_reported),
	    cmocka_unit_test(century_and_sex_digit_must_agree),
	    cmocka_unit_test(expiry_follows_renewal_ages),
	    cmocka_unit_test(qr_and_text_conflict_is_reported),
	    cmocka_unit_test(name_tone_marks_are_repaired_when_unambiguous),
	    cmocka_unit_test(place_tone_marks_are_repaired_from_unit_list),
	    cmocka_unit_test(place_under_its_label_beside_the_expiry),
	    cmocka_unit_test(form_labels_are_read),
	    cmocka_unit_test(mrz_gives_number_birth_and_sex),
	    cmocka_unit_test(missing_data_dir_is_named),
	    cmocka_unit_test(id_card_fields_end_to_end),
	    cmocka_unit_test(form_fields_end_to_end),
	};

	/* Case-insensitive comparison of Vietnamese needs a UTF-8 locale. */
	if (!setlocale(LC_CTYPE, "C.UTF-8"))
		return 1;
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
