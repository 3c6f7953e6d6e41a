/* cmd_hotfolder.c -- `sohoa hotfolder --once`: one look at the hot folder
 * and at its batch folder ([hotfolder] batch_path: result stacks run as
 * batches), as sohoad takes them every poll.
 */
#include "cli_int.h"

#include <string.h>
#include <time.h>

static void sleep_seconds(int s)
{
	struct timespec ts = {s, 50000000};

	while (nanosleep(&ts, &ts) != 0)
		;
}

int cmd_hotfolder(int argc, char **argv)
{
	sohoa_scan_hotfolder *hf = NULL, *bf = NULL;
	sohoa_scan_hotfolder_stats a = {0}, b = {0}, ba = {0}, bb = {0};
	sohoa_config *cfg = NULL;
	int rc, ex;

	if (argc != 2 || strcmp(argv[1], "--once") != 0)
		return cli_usage_error("hotfolder",
		                       "--once is required (sohoad polls the "
		                       "hot folder continuously)");
	if ((ex = cli_load_config(&cfg)))
		return ex;
	if ((rc = sohoa_scan_hotfolder_open(
	         &hf, sohoa_config_get(cfg, "hotfolder.path"),
	         sohoa_config_get_int(cfg, "hotfolder.stable_seconds"))) ||
	    (rc = cli_batch_hotfolder_open(&bf, cfg)))
		goto done;
	/* two looks, stable_seconds apart: a file is taken only when its
	 * size and mtime did not change in between */
	if ((rc = sohoa_scan_hotfolder_poll(hf, cli_hotfolder_ingest, cfg,
	                                    &a)) ||
	    (rc = sohoa_scan_hotfolder_poll(bf, cli_batch_ingest, cfg, &ba)))
		goto done;
	if (a.waiting || ba.waiting) {
		sleep_seconds(
		    sohoa_config_get_int(cfg, "hotfolder.stable_seconds"));
		if ((rc = sohoa_scan_hotfolder_poll(hf, cli_hotfolder_ingest,
		                                    cfg, &b)) ||
		    (rc = sohoa_scan_hotfolder_poll(bf, cli_batch_ingest, cfg,
		                                    &bb)))
			goto done;
	}
	printf("hot folder %s: %d taken, %d failed, %d duplicate%s, %d "
	       "waiting\n",
	       sohoa_config_get(cfg, "hotfolder.path"), a.taken + b.taken,
	       a.failed + b.failed, a.duplicates + b.duplicates,
	       a.duplicates + b.duplicates == 1 ? "" : "s", b.waiting);
	printf("batch folder %s: %d taken, %d failed, %d duplicate%s, %d "
	       "waiting\n",
	       sohoa_config_get(cfg, "hotfolder.batch_path"),
	       ba.taken + bb.taken, ba.failed + bb.failed,
	       ba.duplicates + bb.duplicates,
	       ba.duplicates + bb.duplicates == 1 ? "" : "s", bb.waiting);
done:
	ex = rc == SOHOA_OK ? SOHOA_EXIT_OK : cli_fail(rc);
	sohoa_scan_hotfolder_free(hf);
	sohoa_scan_hotfolder_free(bf);
	sohoa_config_free(cfg);
	return ex;
}
