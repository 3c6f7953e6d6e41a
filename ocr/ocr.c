/* ocr.c -- the recognizer handle and the page pipeline: load, gray, blank
 * check, orientation (Tesseract OSD), deskew, codes (zbar), recognition
 * (Tesseract LSTM), case number and document type.
 *
 * Each handle owns two TessBaseAPI (text, and OSD when osd.traineddata is
 * installed) and one zbar scanner, initialized once and reused per page.
 */
#include "ocr/ocr.h"

#include <assert.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <leptonica/allheaders.h>
#include <tesseract/capi.h>
#include <zbar.h>

#include "config/config.h"
#include "ocr_int.h"

#define DEFAULT_LANGUAGES "vie+eng"
#define DEFAULT_TESSDATA  "/usr/share/tesseract-ocr/5/tessdata"
#define DEFAULT_MAX_MP    200.0

/* OSD's confidence is the margin of the best orientation over the next.
 * Tesseract itself ignores orientations below this margin when it runs
 * OSD as part of recognition (its min_orientation_margin, default 7). */
#define OSD_MIN_CONF 7.0f

#define ZBUF_KEEP (18u << 20)

struct sohoa_ocr {
	TessBaseAPI *api;           /* owned: text recognition */
	TessBaseAPI *osd;           /* owned: orientation, NULL without osd */
	zbar_image_scanner_t *zbar; /* owned */
	unsigned char *zbuf;        /* owned: bytes of the page zbar reads */
	size_t zcap;                /* its size */
	double max_mp;              /* page size limit, megapixels */
	sohoa_ocr__data *data;      /* owned: provinces, names lexicon */
};

/* Data folders tried in turn when none is configured: the installed one,
 * then the source tree's (a build used in place). */
#ifndef SOHOA_OCR_DATA_DIRS
#define SOHOA_OCR_DATA_DIRS "/usr/local/share/sohoa/ocr"
#endif

static pthread_once_t env_once = PTHREAD_ONCE_INIT;
static pthread_once_t osd_warn_once = PTHREAD_ONCE_INIT;

/* Tesseract is built with OpenMP on Debian and starts a team of threads
 * inside every recognition.  The pipeline runs one handle per worker
 * thread already, so those teams only oversubscribe the CPU: measured on
 * 2 cores, 1.4 s instead of 0.35 s for tests/data/text_vi.png.  Tesseract's
 * FAQ recommends OMP_THREAD_LIMIT=1 for such use; an operator's own
 * setting wins.  Caveat: libgomp reads its environment when it is loaded,
 * before any of our code runs, so setting it here only reaches child
 * processes; the effective place is the environment of the process (the
 * systemd unit, the tests).  Hence the warning. */
static void env_setup(void)
{
	if (getenv("OMP_THREAD_LIMIT"))
		return;
	setenv("OMP_THREAD_LIMIT", "1", 0);
	sohoa_log(SOHOA_LOG_WARN,
	          "OMP_THREAD_LIMIT=1 was not in the environment at start-up: "
	          "tesseract runs several threads per page, which makes "
	          "parallel workers slower");
}

static void warn_no_osd(void)
{
	sohoa_log(SOHOA_LOG_WARN,
	          "osd.traineddata not installed: page orientation is not "
	          "detected (install Debian package tesseract-ocr-osd)");
}

/* Debian package of a language: tesseract-ocr-chi-sim for chi_sim. */
static void package_name(char *buf, size_t size, const char *lang, size_t n)
{
	size_t i, o = (size_t)snprintf(buf, size, "tesseract-ocr-");

	for (i = 0; i < n && o + 1 < size; i++) {
		char c = lang[i];

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		buf[o++] = (c == '_' || c == '/') ? '-' : c;
	}
	buf[o] = '\0';
}

/* Every language of "vie+eng" has its traineddata in `dir`. */
static int check_languages(const char *languages, const char *dir)
{
	const char *p = languages;
	char path[4096], pkg[128];
	size_t n;

	if (!*languages)
		return sohoa_error_set(SOHOA_EINVALID, "no ocr language given");
	while (*p) {
		n = strcspn(p, "+");
		if (n == 0 || n > 64 || memchr(p, '.', n))
			return sohoa_error_set(SOHOA_EINVALID,
			                       "bad ocr language list \"%s\"",
			                       languages);
		snprintf(path, sizeof(path), "%s/%.*s.traineddata", dir, (int)n,
		         p);
		if (access(path, R_OK) != 0) {
			package_name(pkg, sizeof(pkg), p, n);
			return sohoa_error_set(
			    SOHOA_EENV,
			    "missing traineddata %.*s.traineddata in %s: "
			    "install Debian package %s",
			    (int)n, p, dir, pkg);
		}
		p += n;
		if (*p == '+')
			p++;
	}
	return SOHOA_OK;
}

/* A TessBaseAPI that writes nothing to stderr, initialized. */
static int tess_open(TessBaseAPI **out, const char *dir, const char *langs,
                     TessOcrEngineMode oem)
{
	TessBaseAPI *api = TessBaseAPICreate();

	*out = NULL;
	if (!api)
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	TessBaseAPISetVariable(api, "debug_file", "/dev/null");
	if (TessBaseAPIInit2(api, dir, langs, oem) != 0) {
		TessBaseAPIDelete(api);
		return sohoa_error_set(SOHOA_EENV,
		                       "tesseract: cannot load %s from %s "
		                       "(damaged traineddata?)",
		                       langs, dir);
	}
	*out = api;
	return SOHOA_OK;
}

int sohoa_ocr_create(sohoa_ocr **out, const char *languages,
                     const char *tessdata)
{
	sohoa_ocr *ocr = NULL;
	char osd_path[4096];
	int rc;

	assert(out);
	*out = NULL;
	pthread_once(&env_once, env_setup);
	sohoa_ocr__global_init();
	if (!languages)
		languages = DEFAULT_LANGUAGES;
	if (!tessdata)
		tessdata = DEFAULT_TESSDATA;
	if ((rc = check_languages(languages, tessdata)) != SOHOA_OK)
		return rc;
	if (!(ocr = calloc(1, sizeof(*ocr))))
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	ocr->max_mp = DEFAULT_MAX_MP;
	if ((rc = sohoa_ocr_set_data_dir(ocr, NULL)) != SOHOA_OK)
		goto fail;
	if ((rc = tess_open(&ocr->api, tessdata, languages, OEM_DEFAULT)) !=
	    SOHOA_OK)
		goto fail;
	TessBaseAPISetPageSegMode(ocr->api, PSM_AUTO);
	snprintf(osd_path, sizeof(osd_path), "%s/osd.traineddata", tessdata);
	if (access(osd_path, R_OK) == 0) {
		/* OSD only exists for the legacy engine. */
		if ((rc = tess_open(&ocr->osd, tessdata, "osd",
		                    OEM_TESSERACT_ONLY)) != SOHOA_OK)
			goto fail;
	} else {
		pthread_once(&osd_warn_once, warn_no_osd);
	}
	if (!(ocr->zbar = zbar_image_scanner_create())) {
		rc = sohoa_error_set(SOHOA_ENOMEM, "out of memory");
		goto fail;
	}
	zbar_image_scanner_set_config(ocr->zbar, 0, ZBAR_CFG_ENABLE, 1);
	/* GS1 DataBar is for retail goods, never on dossier papers, and its
	 * decoder prints assertion noise on text. */
	zbar_image_scanner_set_config(ocr->zbar, ZBAR_DATABAR, ZBAR_CFG_ENABLE,
	                              0);
	zbar_image_scanner_set_config(ocr->zbar, ZBAR_DATABAR_EXP,
	                              ZBAR_CFG_ENABLE, 0);
	/* Nor the 2- and 5-digit add-ons of retail EAN codes (prices,
	 * magazine issues): they cannot carry a case number, and a few
	 * lines of paper noise decode as one, which made a blank page look
	 * like a page with a code (seen with EAN-2 "50" on a noisy blank
	 * page of bench/ocr_accuracy.sh). */
	zbar_image_scanner_set_config(ocr->zbar, ZBAR_EAN2, ZBAR_CFG_ENABLE, 0);
	zbar_image_scanner_set_config(ocr->zbar, ZBAR_EAN5, ZBAR_CFG_ENABLE, 0);
	/* Raw bytes: we decode UTF-8 ourselves (see codes.c). */
	zbar_image_scanner_set_config(ocr->zbar, ZBAR_QRCODE, ZBAR_CFG_BINARY,
	                              1);
	*out = ocr;
	return SOHOA_OK;
fail:
	sohoa_ocr_free(ocr);
	return rc;
}

int sohoa_ocr_set_data_dir(sohoa_ocr *ocr, const char *dir)
{
	sohoa_ocr__data *d = NULL;
	char buf[4096], probe[4200];
	const char *p = SOHOA_OCR_DATA_DIRS;
	size_t n;
	int rc;

	assert(ocr);
	if (!dir || !*dir) {
		/* first folder of the list that holds the data */
		dir = NULL;
		while (*p) {
			n = strcspn(p, ":");
			snprintf(buf, sizeof(buf), "%.*s", (int)n, p);
			snprintf(probe, sizeof(probe), "%s/provinces.tsv", buf);
			if (!dir || access(probe, R_OK) == 0)
				dir = buf;
			if (access(probe, R_OK) == 0)
				break;
			p += n;
			if (*p)
				p++;
		}
	}
	if ((rc = sohoa_ocr__data_load(&d, dir)) != SOHOA_OK)
		return rc;
	sohoa_ocr__data_free(ocr->data);
	ocr->data = d;
	return SOHOA_OK;
}

const sohoa_ocr__data *sohoa_ocr__data_of(const sohoa_ocr *ocr)
{
	return ocr->data;
}

static void tess_close(TessBaseAPI *api)
{
	if (api) {
		TessBaseAPIEnd(api);
		TessBaseAPIDelete(api);
	}
}

void sohoa_ocr_free(sohoa_ocr *ocr)
{
	if (!ocr)
		return;
	tess_close(ocr->api);
	tess_close(ocr->osd);
	sohoa_ocr__data_free(ocr->data);
	if (ocr->zbar)
		zbar_image_scanner_destroy(ocr->zbar);
	free(ocr->zbuf);
	free(ocr);
}

void sohoa_ocr_set_max_megapixels(sohoa_ocr *ocr, double mp)
{
	assert(ocr && mp > 0);
	ocr->max_mp = mp;
}

void sohoa_ocr_result_init(sohoa_ocr_result *r)
{
	assert(r);
	memset(r, 0, sizeof(*r));
}

void sohoa_ocr_result_dispose(sohoa_ocr_result *r)
{
	size_t i;

	if (!r)
		return;
	free(r->text);
	free(r->hocr);
	free(r->document_type);
	free(r->case_number);
	free(r->case_number_candidate);
	free(r->case_number_problem);
	for (i = 0; i < r->ncodes; i++) {
		free(r->codes[i].type);
		free(r->codes[i].data);
	}
	free(r->codes);
	sohoa_ocr__fields_dispose(r);
	memset(r, 0, sizeof(*r));
}

struct lines {
	sohoa_ocr__line *v; /* owned array */
	size_t n, cap;
};

static void lines_free(struct lines *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i].text);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* The text lines of the last recognition, NFC, with their confidence and
 * box, in Tesseract's reading order. */
static int get_lines(struct lines *out, TessBaseAPI *api)
{
	TessResultIterator *it = TessBaseAPIGetIterator(api);
	TessPageIterator *pit;
	char *t, *nfc;
	size_t len;
	int rc = SOHOA_OK;

	if (!it)
		return SOHOA_OK;
	pit = TessResultIteratorGetPageIterator(it);
	do {
		sohoa_ocr__line *l;

		if (!(t = TessResultIteratorGetUTF8Text(it, RIL_TEXTLINE)))
			continue;
		len = strlen(t);
		while (len && (t[len - 1] == '\n' || t[len - 1] == ' '))
			t[--len] = '\0';
		nfc = NULL;
		if (len && sohoa_text_nfc(&nfc, t) != SOHOA_OK)
			nfc = NULL;
		TessDeleteText(t);
		if (!nfc)
			continue;
		if (out->n == out->cap) {
			size_t ncap = out->cap ? 2 * out->cap : 64;
			void *g = realloc(out->v, ncap * sizeof(*out->v));

			if (!g) {
				free(nfc);
				rc = sohoa_error_set(SOHOA_ENOMEM,
				                     "out of memory");
				break;
			}
			out->v = g;
			out->cap = ncap;
		}
		l = &out->v[out->n++];
		l->text = nfc;
		l->conf =
		    TessResultIteratorConfidence(it, RIL_TEXTLINE) / 100.0;
		TessPageIteratorBoundingBox(pit, RIL_TEXTLINE, &l->x0, &l->y0,
		                            &l->x1, &l->y1);
	} while (TessPageIteratorNext(pit, RIL_TEXTLINE));
	TessResultIteratorDelete(it);
	return rc;
}

/* Recognize `pix`: NFC text, hOCR, lines and mean confidence into r. */
static int recognize(sohoa_ocr_result *r, struct lines *lines, TessBaseAPI *api,
                     PIX *pix, int dpi, int page)
{
	char *t = NULL, *h = NULL;
	int rc = SOHOA_OK, conf;

	TessBaseAPISetImage2(api, pix);
	TessBaseAPISetSourceResolution(api, dpi);
	if (TessBaseAPIRecognize(api, NULL) != 0) {
		rc = sohoa_error_set(SOHOA_ERROR, "tesseract: recognition "
		                                  "failed");
		goto done;
	}
	t = TessBaseAPIGetUTF8Text(api);
	h = TessBaseAPIGetHOCRText(api, page);
	if (!t || !h) {
		rc = sohoa_error_set(SOHOA_ERROR, "tesseract: no text result");
		goto done;
	}
	if ((rc = sohoa_text_nfc(&r->text, t)) != SOHOA_OK)
		goto done;
	if (!(r->hocr = strdup(h))) {
		rc = sohoa_error_set(SOHOA_ENOMEM, "out of memory");
		goto done;
	}
	conf = TessBaseAPIMeanTextConf(api);
	r->mean_confidence = conf > 0 ? conf / 100.0 : 0.0;
	rc = get_lines(lines, api);
done:
	TessDeleteText(t);
	TessDeleteText(h);
	TessBaseAPIClear(api);
	return rc;
}

/* Clockwise turn (0/90/180/270) that makes `gray` upright, 0 when OSD is
 * not installed or not sure.  OSD's orient_deg is how far the page itself
 * is turned clockwise; the correction is the rest of a full turn. */
static int orient(sohoa_ocr *ocr, PIX *gray, int dpi)
{
	int deg = 0;
	float conf = 0, sconf = 0;
	const char *script = NULL;

	if (!ocr->osd)
		return 0;
	TessBaseAPISetImage2(ocr->osd, gray);
	TessBaseAPISetSourceResolution(ocr->osd, dpi);
	if (!TessBaseAPIDetectOrientationScript(ocr->osd, &deg, &conf, &script,
	                                        &sconf))
		deg = 0, conf = 0;
	TessBaseAPIClear(ocr->osd);
	sohoa_log(SOHOA_LOG_DEBUG, "osd: orientation %d confidence %.2f", deg,
	          (double)conf);
	if (conf < OSD_MIN_CONF || (deg != 90 && deg != 180 && deg != 270))
		return 0;
	return 360 - deg;
}

/* Mean word confidence from which a page is taken to be upright without
 * asking OSD, and under which a page OSD left alone is tried upside down.
 * Upright 300 dpi pages read at 0.85-0.96; turned ones under 0.6. */
#define UPRIGHT_CONFIDENCE 0.80
#define LOW_CONFIDENCE     0.70

/* Tesseract reads a page turned a quarter as vertical lines, sometimes
 * with good confidence: more tall lines than wide ones means turned. */
static int mostly_vertical(const struct lines *l)
{
	size_t i, tall = 0, wide = 0;

	for (i = 0; i < l->n; i++) {
		int w = l->v[i].x1 - l->v[i].x0, h = l->v[i].y1 - l->v[i].y0;

		if (strlen(l->v[i].text) < 4)
			continue;
		if (h > 2 * w)
			tall++;
		else
			wide++;
	}
	return tall > wide;
}

/* Turn `gray` by `rot` degrees clockwise, deskew it and recognize it into
 * res and lines, replacing an earlier reading. */
static int read_turned(sohoa_ocr_result *res, struct lines *lines,
                       PIX **upright, PIX **straight, sohoa_ocr *ocr, PIX *gray,
                       int rot, int dpi, int page)
{
	int rc;

	free(res->text);
	free(res->hocr);
	res->text = res->hocr = NULL;
	lines_free(lines);
	pixDestroy(straight);
	pixDestroy(upright);
	*upright = rot ? pixRotateOrth(gray, rot / 90) : pixClone(gray);
	if (!*upright)
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	res->rotation = rot;
	if ((rc = sohoa_ocr__deskew(straight, &res->skew_deg, *upright)) !=
	    SOHOA_OK)
		return rc;
	res->width = pixGetWidth(*straight);
	res->height = pixGetHeight(*straight);
	return recognize(res, lines, ocr->api, *straight, dpi, page);
}

static int try_upside_down(sohoa_ocr_result *res, struct lines *lines,
                           PIX **straight, sohoa_ocr *ocr, int dpi, int page)
{
	sohoa_ocr_result alt;
	struct lines alt_lines = {NULL, 0, 0};
	PIX *turned = pixRotateOrth(*straight, 2);
	int rc;

	if (!turned)
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	sohoa_ocr_result_init(&alt);
	rc = recognize(&alt, &alt_lines, ocr->api, turned, dpi, page);
	if (rc == SOHOA_OK &&
	    alt.mean_confidence > res->mean_confidence + 0.1) {
		char *t = res->text, *h = res->hocr;
		struct lines l = *lines;

		res->text = alt.text;
		res->hocr = alt.hocr;
		res->mean_confidence = alt.mean_confidence;
		res->rotation = 180;
		alt.text = t;
		alt.hocr = h;
		*lines = alt_lines;
		alt_lines = l;
		pixDestroy(straight);
		*straight = turned;
		turned = NULL;
	}
	lines_free(&alt_lines);
	sohoa_ocr_result_dispose(&alt);
	pixDestroy(&turned);
	return rc;
}

static int has_field(const sohoa_ocr_result *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->nfields; i++)
		if (!strcmp(r->fields[i].name, name))
			return 1;
	return 0;
}

/* A card page that lacks a field its kind prints. */
static int card_fields_missing(const sohoa_ocr_result *r, const char *type)
{
	static const char *const front[] = {"id_number", "full_name",
	                                    "date_of_birth", "sex"};
	size_t i;

	if (!strcmp(type, "id_card_back"))
		return !has_field(r, "date_of_issue");
	for (i = 0; i < sizeof(front) / sizeof(front[0]); i++)
		if (!has_field(r, front[i]))
			return 1;
	/* the 2021 front prints an expiry under the photo */
	return !has_field(r, "date_of_expiry") && r->text &&
	       (strstr(r->text, "expiry") || strstr(r->text, "Citizen") ||
	        strstr(r->text, "đến"));
}

/* Recognize the page again with sparse-text segmentation and read the
 * fields from both line sets (the first reading wins where both have a
 * value). */
static int second_look(sohoa_ocr_result *res, struct lines *lines,
                       sohoa_ocr *ocr, PIX *pix, int dpi, const char *qr)
{
	sohoa_ocr_result alt;
	struct lines more = {NULL, 0, 0};
	int rc;

	sohoa_ocr_result_init(&alt);
	TessBaseAPISetPageSegMode(ocr->api, PSM_SPARSE_TEXT);
	rc = recognize(&alt, &more, ocr->api, pix, dpi, 0);
	TessBaseAPISetPageSegMode(ocr->api, PSM_AUTO);
	sohoa_ocr_result_dispose(&alt);
	if (rc != SOHOA_OK)
		goto done;
	if (more.n) {
		size_t n = lines->n + more.n;
		sohoa_ocr__line *v = realloc(lines->v, n * sizeof(*v));

		if (!v) {
			rc = sohoa_error_set(SOHOA_ENOMEM, "out of memory");
			goto done;
		}
		memcpy(v + lines->n, more.v, more.n * sizeof(*v));
		lines->v = v;
		lines->n = lines->cap = n;
		free(more.v); /* the texts now belong to *lines */
		more.v = NULL;
		more.n = 0;
	}
	rc = sohoa_ocr__extract_fields(res, ocr->data, qr, lines->v, lines->n);
done:
	lines_free(&more);
	return rc;
}

int sohoa_ocr_page(sohoa_ocr_result *out, sohoa_ocr *ocr, const char *path,
                   int page)
{
	sohoa_ocr_result res;
	PIX *pix = NULL, *gray = NULL, *upright = NULL, *straight = NULL;
	PIX *scaled = NULL;
	struct lines lines = {NULL, 0, 0};
	size_t found = 0;
	int rc, dpi = 0, tess_dpi;

	assert(out && ocr && path);
	sohoa_ocr_result_dispose(out);
	sohoa_ocr_result_init(&res);
	if ((rc = sohoa_ocr__load(&pix, &dpi, path, page, ocr->max_mp)) !=
	    SOHOA_OK)
		goto done;
	res.dpi = dpi;
	tess_dpi = dpi >= 50 ? dpi : SOHOA_OCR_DEFAULT_DPI;
	if (!(gray = sohoa_ocr__to_gray(pix))) {
		rc = sohoa_error_set(SOHOA_ENOMEM, "out of memory");
		goto done;
	}
	/* Only the gray page is used from here on: a colour A4 page at
	 * 300 dpi is 35 MB of pixels, which need not stay while the page is
	 * recognized (peak memory of the workers). */
	pixDestroy(&pix);
	res.width = pixGetWidth(gray);
	res.height = pixGetHeight(gray);
	/* Codes first, on the page as scanned: a page that carries a code
	 * is not blank, whatever its marks look like. */
	if ((rc = sohoa_ocr__scan_codes(&res, &found, ocr->zbar, gray, dpi,
	                                &ocr->zbuf, &ocr->zcap)) != SOHOA_OK)
		goto done;
	if (!found && sohoa_ocr__is_blank(gray, dpi)) {
		res.blank = 1;
		if (!(res.text = strdup("")) ||
		    !(res.document_type = strdup("blank")))
			rc = sohoa_error_set(SOHOA_ENOMEM, "out of memory");
		goto done;
	}

	/* Most pages come upright: read first, and ask OSD (Tesseract's
	 * legacy engine, a fifth of the time of a page) only when the
	 * reading is poor, as it is on a turned page. */
	if ((rc = read_turned(&res, &lines, &upright, &straight, ocr, gray, 0,
	                      tess_dpi, page)) != SOHOA_OK)
		goto done;
	if (ocr->osd && (res.mean_confidence < UPRIGHT_CONFIDENCE ||
	                 mostly_vertical(&lines))) {
		int rot = orient(ocr, gray, tess_dpi);

		if (rot &&
		    (rc = read_turned(&res, &lines, &upright, &straight, ocr,
		                      gray, rot, tess_dpi, page)) != SOHOA_OK)
			goto done;
		/* OSD is unsure on pages with little text (a card on an A4
		 * sheet): when the text reads badly and OSD turned nothing,
		 * try the page upside down and keep what reads better. */
		if (!rot && res.mean_confidence < LOW_CONFIDENCE &&
		    (rc = try_upside_down(&res, &lines, &straight, ocr,
		                          tess_dpi, page)) != SOHOA_OK)
			goto done;
	}

	/* No code on the page as scanned: try it straightened, then at
	 * another scale (zbar misses very large and very small modules). */
	if (!found && straight != gray &&
	    (rc = sohoa_ocr__scan_codes(&res, &found, ocr->zbar, straight, dpi,
	                                &ocr->zbuf, &ocr->zcap)) != SOHOA_OK)
		goto done;
	if (!found) {
		float s = res.width * (double)res.height > 4e6 ? 0.5f : 2.0f;

		scaled = pixScale(straight, s, s);
		if (scaled &&
		    (rc = sohoa_ocr__scan_codes(&res, &found, ocr->zbar, scaled,
		                                (int)(dpi * s), &ocr->zbuf,
		                                &ocr->zcap)) != SOHOA_OK)
			goto done;
	}

	if ((rc = sohoa_ocr_case_number(&res)) != SOHOA_OK)
		goto done;
	{
		double mm = 25.4 / tess_dpi;
		const char *qr = sohoa_ocr__id_qr(&res);
		const char *t;

		if ((rc = sohoa_ocr__classify(&res.document_type, res.text,
		                              qr != NULL, res.width * mm,
		                              res.height * mm)) != SOHOA_OK)
			goto done;
		t = res.document_type;
		/* Identity fields on identity papers and forms only: a
		 * receipt or a result names people too, but not as the
		 * subject of the page. */
		if (qr || !strncmp(t, "id_card", 7) ||
		    !strcmp(t, "application_form"))
			rc = sohoa_ocr__extract_fields(&res, ocr->data, qr,
			                               lines.v, lines.n);
		/* Tesseract's layout analysis sometimes drops a short value
		 * beside a photo or merges two columns: a second look at a
		 * card with sparse-text segmentation fills the gaps only. */
		if (rc == SOHOA_OK && !strncmp(t, "id_card", 7) &&
		    card_fields_missing(&res, t))
			rc = second_look(&res, &lines, ocr, straight, tess_dpi,
			                 qr);
	}
done:
	/* zbar's buffer is kept for the next page, up to the size of an A3
	 * page at 300 dpi; a larger one (a plan, a poster) is not kept. */
	if (ocr->zcap > ZBUF_KEEP) {
		free(ocr->zbuf);
		ocr->zbuf = NULL;
		ocr->zcap = 0;
	}
	lines_free(&lines);
	pixDestroy(&scaled);
	pixDestroy(&straight);
	pixDestroy(&upright);
	pixDestroy(&gray);
	pixDestroy(&pix);
	if (rc == SOHOA_OK)
		*out = res;
	else
		sohoa_ocr_result_dispose(&res);
	return rc;
}
