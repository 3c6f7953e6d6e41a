/* draft.c -- what a committed front-desk draft adds to its pages'
 * analyses in the bundle: staff's field corrections and confirmations
 * (the OCR value kept beside them).  A page staff turned was recognized
 * again with their turn (cli_ocr_page_for_turn), so its analysis already
 * says "view_rotation" and "rotation_detected".
 */
#include "cli_int.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static void drop_review(json_t *an, const char *name)
{
	json_t *nr = json_object_get(an, "needs_review");

	for (size_t i = 0; i < json_array_size(nr);) {
		const char *n = json_string_value(json_array_get(nr, i));

		if (n && !strcmp(n, name))
			json_array_remove(nr, i);
		else
			i++;
	}
}

/* One staff decision on a field of the analysis `an`. */
static int apply(json_t *an, const sohoa_scan_correction *c)
{
	json_t *fields = json_object_get(an, "fields"), *f;
	const char *ocr;

	/* "fields": {NAME: {value, raw, confidence, source, valid,
	 * problems}} (sohoa_ocr_result_json) */
	if (!json_is_object(fields)) {
		fields = json_object();
		if (!fields || json_object_set_new(an, "fields", fields))
			return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	}
	if (!(f = json_object_get(fields, c->field))) {
		/* a field the OCR stage did not find: typed by staff */
		f = json_pack("{s:n, s:f, s:s, s:b, s:[]}", "value",
		              "confidence", 1.0, "source", "staff", "valid", 1,
		              "problems");
		if (!f || json_object_set_new(fields, c->field, f))
			return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	}
	ocr = json_string_value(json_object_get(f, "value"));
	if (ocr && !strcmp(ocr, c->value) &&
	    !json_object_get(f, "correction")) {
		json_object_set_new(f, "confirmed",
		                    json_pack("{s:s, s:s}", "by", c->by, "at",
		                              c->time ? c->time : ""));
	} else {
		json_t *orig = json_object_get(f, "correction");

		/* a second correction keeps the first OCR value */
		orig = orig ? json_incref(json_object_get(orig, "original"))
		            : json_incref(json_object_get(f, "value"));
		json_object_set_new(f, "correction",
		                    json_pack("{s:o, s:s, s:s}", "original",
		                              orig ? orig : json_null(), "by",
		                              c->by, "at",
		                              c->time ? c->time : ""));
		json_object_set_new(f, "value", json_string(c->value));
		json_object_del(f, "confirmed");
	}
	drop_review(an, c->field);
	return SOHOA_OK;
}

int cli_draft_analysis(char **out, const struct cli_job *job, size_t i,
                       const char *analysis)
{
	const struct cli_page *p = &job->pages[i];
	const char *file =
	    strrchr(p->path, '/') ? strrchr(p->path, '/') + 1 : p->path;
	json_t *an = analysis ? json_loads(analysis, 0, NULL) : json_object();
	int rc = SOHOA_OK;

	*out = NULL;
	if (!an)
		return sohoa_error_set(
		    SOHOA_EIO, "page %s: its OCR result is damaged", p->path);
	for (size_t k = 0;
	     rc == SOHOA_OK && k < sohoa_scan_job_ncorrections(job->sj); k++) {
		sohoa_scan_correction c;

		if ((rc = sohoa_scan_job_correction(job->sj, k, &c)) ==
		        SOHOA_OK &&
		    !strcmp(c.file, file))
			rc = apply(an, &c);
	}
	if (rc == SOHOA_OK) {
		/* the result was made with staff's turn (cli_job_recognize
		 * reads a stale one again): its text, hOCR and fields are of
		 * the turned page and "rotation" is the turn the PDF applies */
		json_t *v = json_object_get(an, "view_rotation");
		json_int_t view = v ? json_integer_value(v) : 0;

		if (view != p->rotation)
			rc = sohoa_error_set(
			    SOHOA_EINVALID,
			    "page %s: its OCR result was made for a turn of "
			    "%d degrees, staff turned it %d: recognize it "
			    "again",
			    p->path, (int)view, p->rotation);
	}
	if (rc == SOHOA_OK && !(*out = json_dumps(an, JSON_COMPACT)))
		rc = sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	json_decref(an);
	return rc;
}
