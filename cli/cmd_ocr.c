/* cmd_ocr.c -- `sohoa ocr`: analyse and recognize image files, one result
 * per page (JSON Lines with --json).
 */
#include "cli_int.h"

#include "ocr/ocr.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static void print_page(const char *file, int page, const sohoa_ocr_result *r,
                       const char *json, int as_json)
{
	if (as_json) {
		json_error_t err;
		json_t *o = json_object(), *rest = json_loads(json, 0, &err);
		char *s;

		json_object_set_new(o, "file", json_string(file));
		json_object_set_new(o, "page", json_integer(page));
		if (rest)
			json_object_update(o, rest);
		if ((s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER))) {
			puts(s);
			free(s);
		}
		json_decref(rest);
		json_decref(o);
		return;
	}
	printf("%s page %d: %s, rotation %d, skew %.2f°, confidence %.0f%%, "
	       "type %s, case %s\n",
	       file, page, r->blank ? "blank" : "content", r->rotation,
	       r->skew_deg, 100 * r->mean_confidence, r->document_type,
	       r->case_number ? r->case_number : "-");
	for (size_t i = 0; i < r->ncodes; i++)
		printf("  code %s: %s\n", r->codes[i].type, r->codes[i].data);
	if (r->text && r->text[0])
		printf("%s\n", r->text);
}

int cmd_ocr(int argc, char **argv)
{
	sohoa_config *cfg = NULL;
	sohoa_ocr *ocr = NULL;
	const char *tessdata;
	int as_json = 0, first = 1, ex, rc, worst = SOHOA_EXIT_OK;

	if (argc > 1 && strcmp(argv[1], "--json") == 0) {
		as_json = 1;
		first = 2;
	}
	if (first >= argc)
		return cli_usage_error("ocr", "no FILE given");
	for (int i = first; i < argc; i++)
		if (argv[i][0] == '-' && argv[i][1])
			return cli_usage_error("ocr", "unknown option '%s'",
			                       argv[i]);
	if ((ex = cli_load_config(&cfg)))
		return ex;
	tessdata = sohoa_config_get(cfg, "ocr.tessdata");
	if ((rc = sohoa_ocr_create(&ocr, sohoa_config_get(cfg, "ocr.languages"),
	                           tessdata[0] ? tessdata : NULL))) {
		sohoa_config_free(cfg);
		return cli_fail(rc);
	}
	sohoa_ocr_set_max_megapixels(
	    ocr, sohoa_config_get_int(cfg, "ocr.max_megapixels"));
	for (int i = first; i < argc; i++) {
		int n = 0;

		/* a bad file is reported; the others are still read */
		if ((rc = sohoa_ocr_count_pages(&n, argv[i]))) {
			ex = cli_fail(rc);
			worst = ex > worst ? ex : worst;
			continue;
		}
		for (int p = 0; p < n; p++) {
			sohoa_ocr_result r;
			char *json = NULL;

			sohoa_ocr_result_init(&r);
			rc = sohoa_ocr_page(&r, ocr, argv[i], p);
			if (rc == SOHOA_OK)
				rc = sohoa_ocr_result_json(&json, &r);
			if (rc == SOHOA_OK) {
				print_page(argv[i], p + 1, &r, json, as_json);
			} else {
				ex = cli_fail(rc);
				worst = ex > worst ? ex : worst;
			}
			free(json);
			sohoa_ocr_result_dispose(&r);
		}
		fflush(stdout);
	}
	sohoa_ocr_free(ocr);
	sohoa_config_free(cfg);
	return worst;
}
