/* cmd_hotfolder.c -- `sohoa hotfolder --once`: one look at the hot folder,
 * as sohoad takes it every poll.
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
	sohoa_scan_hotfolder *hf = NULL;
	sohoa_scan_hotfolder_stats a = {0}, b = {0};
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
	         sohoa_config_get_int(cfg, "hotfolder.stable_seconds"))))
		goto done;
	/* two looks, stable_seconds apart: a file is taken only when its
	 * size and mtime did not change in between */
	if ((rc = sohoa_scan_hotfolder_poll(hf, cli_hotfolder_ingest, cfg, &a)))
		goto done;
	if (a.waiting) {
		sleep_seconds(
		    sohoa_config_get_int(cfg, "hotfolder.stable_seconds"));
		if ((rc = sohoa_scan_hotfolder_poll(hf, cli_hotfolder_ingest,
		                                    cfg, &b)))
			goto done;
	}
	printf("hot folder %s: %d taken, %d failed, %d duplicate%s, %d "
	       "waiting\n",
	       sohoa_config_get(cfg, "hotfolder.path"), a.taken + b.taken,
	       a.failed + b.failed, a.duplicates + b.duplicates,
	       a.duplicates + b.duplicates == 1 ? "" : "s", b.waiting);
done:
	ex = rc == SOHOA_OK ? SOHOA_EXIT_OK : cli_fail(rc);
	sohoa_scan_hotfolder_free(hf);
	sohoa_config_free(cfg);
	return ex;
}
