/* capture_bench.c -- capture overhead per page: the SANE test backend
 * (an A4 page, see bench/sane/test.conf) into a journaled spool job,
 * encoding and fsync included, no OCR.  Prints pages, seconds and
 * pages/s; run it under /usr/bin/time -v for peak RSS.
 *
 * usage: capture_bench SPOOL_DIR PAGES [DPI]
 */
#include "config/config.h"
#include "scan/scan.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(int argc, char **argv)
{
	const char *sets[] = {"test-picture=Grid", "read-delay=no"};
	sohoa_scan_job_params p = {.what = "scan",
	                           .case_number = "000.00.22.H27-250701-0001",
	                           .component = "bench",
	                           .kind = "component"};
	sohoa_scan_job *job = NULL;
	struct timespec t0, t1;
	double s;
	int n, rc;

	if (argc < 3 || (n = atoi(argv[2])) < 1) {
		fprintf(stderr, "usage: capture_bench SPOOL_DIR PAGES [DPI]\n");
		return SOHOA_EXIT_USAGE;
	}
	p.scan.device = "test:0";
	p.scan.source = "flatbed";
	p.scan.mode = "gray";
	p.scan.dpi = argc > 3 ? atoi(argv[3]) : 300;
	p.scan.set = sets;
	p.scan.nset = 2;
	p.scan.max_pages = n;
	if ((rc = sohoa_scan_init()) ||
	    (rc = sohoa_scan_job_create(&job, argv[1], &p))) {
		fprintf(stderr, "capture_bench: %s\n", sohoa_error_last());
		return sohoa_error_exit_code(rc);
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = sohoa_scan_run(&p.scan, sohoa_scan_job_dir(job), 1,
	                    sohoa_scan_job_add_page, job);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (rc) {
		fprintf(stderr, "capture_bench: %s\n", sohoa_error_last());
		sohoa_scan_job_free(job);
		return sohoa_error_exit_code(rc);
	}
	s = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("pages %zu seconds %.3f pages_per_second %.2f\n",
	       sohoa_scan_job_npages(job), s,
	       (double)sohoa_scan_job_npages(job) / s);
	sohoa_scan_job_remove(job);
	sohoa_scan_job_free(job);
	sohoa_scan_exit();
	return 0;
}
