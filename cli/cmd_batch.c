/* cmd_batch.c -- `sohoa batch`: a stack of scanned result documents,
 * possibly for many cases in one file or feeder run, filed to each case as
 * a result (the engine is batch.c).
 */
#include "batch_int.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

int cmd_batch(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"component", required_argument, NULL, 'C'}, {NULL, 0, NULL, 0}};
	struct batch b = {0};
	sohoa_config *cfg = NULL;
	char **files = NULL, *report = NULL;
	size_t nfiles = 0;
	int c, rc, ex;

	b.component = "Kết quả";
	b.print = 1;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 'C')
			return cli_usage_error("batch", "unknown option '%s'",
			                       argv[optind - 1]);
		b.component = optarg;
	}
	if (optind >= argc)
		return cli_usage_error("batch", "no DIR or FILE given");
	if ((ex = cli_load_config(&cfg)))
		return ex;
	b.cfg = cfg;
	if ((rc = cli_batch_gather(&files, &nfiles, argv + optind,
	                           argc - optind)) == SOHOA_OK)
		rc = cli_batch_run(&b, files, nfiles, &report);
	if (rc != SOHOA_OK) {
		ex = cli_fail(rc);
		if (b.job.spool_dir && b.job.npages)
			fprintf(stderr,
			        "sohoa: the batch's pages are kept in "
			        "%s\n",
			        b.job.spool_dir);
	} else if (b.failures) {
		ex = SOHOA_EXIT_ENV;
	} else if (json_array_size(b.review)) {
		fprintf(stderr,
		        "sohoa: %zu item%s need%s review: see 'sohoa review'\n",
		        json_array_size(b.review),
		        json_array_size(b.review) == 1 ? "" : "s",
		        json_array_size(b.review) == 1 ? "s" : "");
		ex = SOHOA_EXIT_FAIL;
	} else {
		ex = SOHOA_EXIT_OK;
	}
	for (size_t i = 0; i < nfiles; i++)
		free(files[i]);
	free(files);
	free(report);
	cli_batch_dispose(&b);
	sohoa_config_free(cfg);
	return ex;
}
