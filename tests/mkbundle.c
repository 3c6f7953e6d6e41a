/* mkbundle.c -- test helper: write a one-page component into a case bundle
 * with a given text and OCR analysis JSON, as the pipeline would, so the
 * CLI tests can index fields (id_number, full_name, ...) that the OCR
 * stage does not extract yet.
 *
 *   mkbundle ROOT CASE COMPONENT KIND PROCEDURE|- IMAGE TEXT ANALYSIS_JSON
 */
#include "archive/archive.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"

int main(int argc, char **argv)
{
	sohoa_archive_page_in pg = {0};
	sohoa_archive_component_in comp = {0};
	char *bundle = NULL;

	if (argc != 9) {
		fprintf(stderr, "usage: mkbundle ROOT CASE COMPONENT KIND "
		                "PROCEDURE|- IMAGE TEXT ANALYSIS_JSON\n");
		return 2;
	}
	pg.image_path = argv[6];
	pg.text = argv[7];
	pg.analysis_json = argv[8];
	pg.source = "import:mkbundle";
	pg.capture_time = "2025-07-01T08:00:00Z";
	comp.name = argv[3];
	comp.kind = argv[4];
	comp.operator_name = "tester";
	comp.station = "test-station";
	comp.procedure_code = strcmp(argv[5], "-") ? argv[5] : NULL;
	comp.pages = &pg;
	comp.npages = 1;
	if (sohoa_archive_append(&bundle, NULL, argv[1], argv[2], &comp)) {
		fprintf(stderr, "mkbundle: %s\n", sohoa_error_last());
		return 1;
	}
	puts(bundle);
	free(bundle);
	return 0;
}
