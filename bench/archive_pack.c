/* archive_pack.c -- packing time alone: sohoa_archive_append of pages whose
 * OCR text and hOCR are already known (no OCR), as the pipeline calls it.
 *   bench_archive_pack ROOT CASE COMPONENT PAGES_PER_APPEND APPENDS
 *                      TEXT HOCR IMAGE...
 * appends APPENDS times a component of PAGES_PER_APPEND pages (the images
 * used in turn) and prints one line per append: pages in the bundle
 * before it, pages added, seconds (wall), seconds of CPU (this process,
 * user + system: steadier than wall time on a shared machine).  Built by
 * tests/CMakeLists.txt, run by bench/archive.sh.
 */
#include "archive/archive.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "config/config.h"

static double clock_s(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	sohoa_archive_page_in *pages;
	sohoa_archive_component_in comp = {0};
	char *text = NULL, *hocr = NULL;
	int per, appends, nimg, a, i, done = 0;

	if (argc < 9) {
		fprintf(stderr,
		        "usage: %s ROOT CASE COMPONENT PAGES APPENDS "
		        "TEXT HOCR IMAGE...\n",
		        argv[0]);
		return 2;
	}
	per = atoi(argv[4]);
	appends = atoi(argv[5]);
	nimg = argc - 8;
	if (per < 1 || appends < 1 ||
	    sohoa_fs_read_all(&text, NULL, argv[6]) != SOHOA_OK ||
	    sohoa_fs_read_all(&hocr, NULL, argv[7]) != SOHOA_OK ||
	    !(pages = calloc((size_t)per, sizeof(*pages)))) {
		fprintf(stderr, "bench: %s\n", sohoa_error_last());
		return 1;
	}
	comp.name = argv[3];
	comp.kind = "component";
	comp.operator_name = "bench";
	comp.station = "bench";
	comp.pages = pages;
	comp.npages = (size_t)per;
	for (a = 0; a < appends; a++) {
		double t0, c0;

		for (i = 0; i < per; i++) {
			pages[i].image_path = argv[8 + (done + i) % nimg];
			pages[i].text = text;
			pages[i].hocr = hocr;
			pages[i].analysis_json =
			    "{\"document_type\": \"other\"}";
			pages[i].source = "import:bench";
			pages[i].dpi = 300;
		}
		t0 = clock_s(CLOCK_MONOTONIC);
		c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
		if (sohoa_archive_append(NULL, NULL, argv[1], argv[2], &comp) !=
		    SOHOA_OK) {
			fprintf(stderr, "bench: %s\n", sohoa_error_last());
			return 1;
		}
		printf("%d %d %.4f %.4f\n", done, per,
		       clock_s(CLOCK_MONOTONIC) - t0,
		       clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0);
		done += per;
	}
	free(pages);
	free(text);
	free(hocr);
	return 0;
}
