/* json.c -- a page result as one line of JSON (jansson).
 *
 * The text is copied into a buffer of ours with json_dumpb(), so callers
 * free() it without knowing jansson's allocator.
 */
#include "ocr/ocr.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "config/config.h"

/* One line, keys in the documented order, reals to 6 significant digits
 * (confidences and angles; 17 digits would only show binary noise). */
#define FLAGS (JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6))

/* json_object_set_new() and json_array_append_new() take the reference
 * even on failure; count failures instead of checking each call. */
static void put(json_t *obj, const char *key, json_t *val, int *bad)
{
	if (!val || json_object_set_new(obj, key, val) != 0)
		(*bad)++;
}

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *codes_json(const sohoa_ocr_result *r, int *bad)
{
	json_t *arr = json_array(), *c;
	size_t i;

	if (!arr)
		return NULL;
	for (i = 0; i < r->ncodes; i++) {
		if (!(c = json_object())) {
			(*bad)++;
			break;
		}
		put(c, "type", json_string(r->codes[i].type), bad);
		put(c, "data", json_string(r->codes[i].data), bad);
		if (json_array_append_new(arr, c) != 0)
			(*bad)++;
	}
	return arr;
}

/* {"id_number": {"value", "confidence", "source", "valid", "problems"},
 * ...}, plus "raw" when a repair changed the OCR text. */
static json_t *fields_json(const sohoa_ocr_result *r, int *bad)
{
	json_t *obj = json_object(), *f, *pr;
	size_t i, k;

	if (!obj)
		return NULL;
	for (i = 0; i < r->nfields; i++) {
		const sohoa_ocr_field *x = &r->fields[i];

		if (!(f = json_object()) || !(pr = json_array())) {
			json_decref(f);
			(*bad)++;
			break;
		}
		put(f, "value", json_string(x->value), bad);
		put(f, "confidence", json_real(x->confidence), bad);
		put(f, "source", json_string(x->source), bad);
		put(f, "valid", json_boolean(x->valid), bad);
		for (k = 0; k < x->nproblems; k++)
			if (json_array_append_new(pr,
			                          json_string(x->problems[k])))
				(*bad)++;
		put(f, "problems", pr, bad);
		if (x->raw && strcmp(x->raw, x->value) != 0)
			put(f, "raw", json_string(x->raw), bad);
		put(obj, x->name, f, bad);
	}
	return obj;
}

static json_t *review_json(const sohoa_ocr_result *r, int *bad)
{
	json_t *arr = json_array();
	size_t i;

	if (!arr)
		return NULL;
	for (i = 0; i < r->nneeds_review; i++)
		if (json_array_append_new(arr, json_string(r->needs_review[i])))
			(*bad)++;
	return arr;
}

int sohoa_ocr_result_json(char **out, const sohoa_ocr_result *r)
{
	json_t *o = NULL;
	size_t n;
	int bad = 0, rc = SOHOA_OK;

	assert(out && r);
	*out = NULL;
	if (!(o = json_object()))
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	put(o, "blank", json_boolean(r->blank), &bad);
	put(o, "rotation", json_integer(r->rotation), &bad);
	put(o, "skew_deg", json_real(r->skew_deg), &bad);
	put(o, "document_type",
	    json_string(r->document_type ? r->document_type
	                                 : (r->blank ? "blank" : "other")),
	    &bad);
	put(o, "case_number", str_or_null(r->case_number), &bad);
	put(o, "text", json_string(r->text ? r->text : ""), &bad);
	put(o, "mean_confidence", json_real(r->mean_confidence), &bad);
	put(o, "codes", codes_json(r, &bad), &bad);
	put(o, "fields", fields_json(r, &bad), &bad);
	put(o, "needs_review", review_json(r, &bad), &bad);
	put(o, "case_number_candidate", str_or_null(r->case_number_candidate),
	    &bad);
	put(o, "case_number_problem", str_or_null(r->case_number_problem),
	    &bad);
	if (bad) {
		/* Out of memory, or a string that is not UTF-8. */
		rc = sohoa_error_set(SOHOA_ERROR,
		                     "json: cannot encode the page result");
		goto done;
	}
	n = json_dumpb(o, NULL, 0, FLAGS);
	if (n == 0 || !(*out = malloc(n + 1))) {
		rc = sohoa_error_set(SOHOA_ENOMEM, "out of memory");
		goto done;
	}
	if (json_dumpb(o, *out, n, FLAGS) != n) {
		free(*out);
		*out = NULL;
		rc = sohoa_error_set(SOHOA_ERROR, "json: cannot write result");
		goto done;
	}
	(*out)[n] = '\0';
done:
	json_decref(o);
	return rc;
}
