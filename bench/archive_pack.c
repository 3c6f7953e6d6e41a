/* archive_pack.c -- packing time alone: sohoa_archive_append of pages whose
 * OCR text and hOCR are already known (no OCR), as the pipeline calls it.
 *   bench_archive_pack ROOT CASE COMPONENT PAGES_PER_APPEND APPENDS
 *                      TEXT HOCR IMAGE...
 * appends APPENDS times a component of PAGES_PER_APPEND pages (the images
 * used in turn) and prints one line per append: pages in the bundle
 * before it, pages added, seconds (wall), seconds of CPU (this process,
 * user + system: steadier than wall time on a shared machine), bytes of
 * the bundle before and after it.  TEXT and HOCR "-": each image's own,
 * from the files next to it with the extension replaced by .txt and
 * .hocr (what OCR read on that page).  Built by tests/CMakeLists.txt, run
 * by bench/archive.sh.
 */
#include "archive/archive.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "config/config.h"

static double clock_s(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The bundle's size, 0 when there is none yet. */
static long long bundle_bytes(const char *root, const char *case_number)
{
	char *path = NULL;
	struct stat st;
	long long n = 0;

	if (sohoa_archive_bundle_path(&path, root, case_number) == SOHOA_OK &&
	    stat(path, &st) == 0)
		n = (long long)st.st_size;
	free(path);
	return n;
}

/* The text or hOCR OCR made of `image`: the file next to it with the
 * extension `ext`; *out owned. */
static int sidecar(char **out, const char *image, const char *ext)
{
	const char *slash = strrchr(image, '/');
	const char *dot = strrchr(slash ? slash : image, '.');
	size_t stem = dot ? (size_t)(dot - image) : strlen(image);
	char *path = NULL;
	int rc;

	if ((rc = sohoa_asprintf(&path, "%.*s%s", (int)stem, image, ext)))
		return rc;
	rc = sohoa_fs_read_all(out, NULL, path);
	free(path);
	return rc;
}

int main(int argc, char **argv)
{
	sohoa_archive_page_in *pages;
	sohoa_archive_component_in comp = {0};
	char *text = NULL, *hocr = NULL;
	char **texts, **hocrs;
	int per, appends, nimg, a, i, done = 0, own;

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
	own = strcmp(argv[6], "-") == 0 && strcmp(argv[7], "-") == 0;
	if (per < 1 || appends < 1 ||
	    (!own && (sohoa_fs_read_all(&text, NULL, argv[6]) != SOHOA_OK ||
	              sohoa_fs_read_all(&hocr, NULL, argv[7]) != SOHOA_OK)) ||
	    !(pages = calloc((size_t)per, sizeof(*pages))) ||
	    !(texts = calloc((size_t)nimg, sizeof(*texts))) ||
	    !(hocrs = calloc((size_t)nimg, sizeof(*hocrs)))) {
		fprintf(stderr, "bench: %s\n", sohoa_error_last());
		return 1;
	}
	for (i = 0; i < nimg; i++) {
		if (!own) {
			texts[i] = text;
			hocrs[i] = hocr;
		} else if (sidecar(&texts[i], argv[8 + i], ".txt") !=
		               SOHOA_OK ||
		           sidecar(&hocrs[i], argv[8 + i], ".hocr") !=
		               SOHOA_OK) {
			fprintf(stderr, "bench: %s\n", sohoa_error_last());
			return 1;
		}
	}
	comp.name = argv[3];
	comp.kind = "component";
	comp.operator_name = "bench";
	comp.station = "bench";
	comp.pages = pages;
	comp.npages = (size_t)per;
	for (a = 0; a < appends; a++) {
		double t0, c0;
		long long before = bundle_bytes(argv[1], argv[2]);

		for (i = 0; i < per; i++) {
			int k = (done + i) % nimg;

			pages[i].image_path = argv[8 + k];
			pages[i].text = texts[k];
			pages[i].hocr = hocrs[k];
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
		printf("%d %d %.4f %.4f %lld %lld\n", done, per,
		       clock_s(CLOCK_MONOTONIC) - t0,
		       clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0, before,
		       bundle_bytes(argv[1], argv[2]));
		done += per;
	}
	if (own)
		for (i = 0; i < nimg; i++) {
			free(texts[i]);
			free(hocrs[i]);
		}
	free(texts);
	free(hocrs);
	free(pages);
	free(text);
	free(hocr);
	return 0;
}
