/* sohoad.c -- the sohoa daemon entry point.
 *
 * At start it carries on the spool jobs a crash left, then polls the hot
 * folder every [hotfolder] poll_seconds.  SIGHUP reloads the configuration
 * (a broken file is reported and the old one kept); SIGTERM/SIGINT stop it
 * once the file being taken in is filed.  The web pages come with issue 8.
 */
#include "cli_int.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* the pipeline code shared with `sohoa` reads these (quiet: no progress) */
struct cli_globals cli_globals = {.quiet = 1};

static volatile sig_atomic_t stop_requested, reload_requested;

static void on_signal(int sig)
{
	if (sig == SIGHUP)
		reload_requested = 1;
	else
		stop_requested = 1;
}

/* Sleep up to `s` seconds, waking early for a signal. */
static void nap(int s)
{
	for (int i = 0; i < s * 10 && !stop_requested && !reload_requested;
	     i++) {
		struct timespec ts = {0, 100000000};

		nanosleep(&ts, NULL);
	}
}

static sohoa_scan_hotfolder *open_hotfolder(const sohoa_config *cfg)
{
	sohoa_scan_hotfolder *hf = NULL;

	if (sohoa_scan_hotfolder_open(
	        &hf, sohoa_config_get(cfg, "hotfolder.path"),
	        sohoa_config_get_int(cfg, "hotfolder.stable_seconds")) !=
	    SOHOA_OK)
		sohoa_log(SOHOA_LOG_ERROR,
		          "hot folder unavailable, tried again at the next "
		          "poll: %s",
		          sohoa_error_last());
	else
		sohoa_log(SOHOA_LOG_INFO, "watching hot folder %s",
		          sohoa_config_get(cfg, "hotfolder.path"));
	return hf;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: sohoad [--config FILE] [-v]\n"
	           "Runs the sohoa service until SIGTERM; SIGHUP reloads the "
	           "configuration.\n");
}

int main(int argc, char **argv)
{
	const char *path = NULL;
	sohoa_config *cfg = NULL;
	sohoa_scan_hotfolder *hf = NULL;
	struct cli_control *ctl = NULL;
	struct sigaction sa = {0};
	int verbose = 0, rc;

	/* Tesseract must not start OpenMP threads (see sohoa.c) */
	if (!getenv("OMP_THREAD_LIMIT")) {
		setenv("OMP_THREAD_LIMIT", "1", 1);
		execv("/proc/self/exe", argv);
	}
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--config") && i + 1 < argc) {
			path = argv[++i];
		} else if (!strncmp(argv[i], "--config=", 9)) {
			path = argv[i] + 9;
		} else if (!strcmp(argv[i], "-v")) {
			verbose = 1;
		} else if (!strcmp(argv[i], "--version")) {
			printf("sohoad %s\n", SOHOA_VERSION);
			return SOHOA_EXIT_OK;
		} else if (!strcmp(argv[i], "--help")) {
			usage(stdout);
			return SOHOA_EXIT_OK;
		} else {
			usage(stderr);
			return SOHOA_EXIT_USAGE;
		}
	}
	if ((rc = sohoa_config_load(&cfg, path)) != SOHOA_OK) {
		fprintf(stderr, "sohoad: %s\n", sohoa_error_last());
		return sohoa_error_exit_code(rc);
	}
	sohoa_log_threshold =
	    verbose ? SOHOA_LOG_INFO
	            : sohoa_log_level_parse(sohoa_config_get(cfg, "log.level"));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sohoa_log(SOHOA_LOG_INFO, "started, station %s, archive %s",
	          sohoa_config_get(cfg, "station.name"),
	          sohoa_config_get(cfg, "archive.root"));
	if ((rc = cli_spool_recover(cfg)) > 0)
		sohoa_log(SOHOA_LOG_INFO, "%d spool job%s filed after restart",
		          rc, rc == 1 ? "" : "s");
	if (cli_control_open(&ctl, cfg, path) != SOHOA_OK)
		sohoa_log(SOHOA_LOG_ERROR, "no control socket: %s",
		          sohoa_error_last());
	while (!stop_requested) {
		sohoa_scan_hotfolder_stats st;

		if (!hf)
			hf = open_hotfolder(cfg);
		if (hf && sohoa_scan_hotfolder_poll(hf, cli_hotfolder_ingest,
		                                    cfg, &st) != SOHOA_OK)
			sohoa_log(SOHOA_LOG_ERROR, "hot folder: %s",
			          sohoa_error_last());
		fflush(stdout);
		if (!stop_requested && !reload_requested) {
			int s =
			    sohoa_config_get_int(cfg, "hotfolder.poll_seconds");

			if (!ctl)
				nap(s);
			/* serve the socket until the next hot-folder poll */
			for (int i = 0; ctl && i < s * 5 && !stop_requested &&
			                !reload_requested;
			     i++)
				cli_control_step(ctl, 200);
		}
		if (reload_requested) {
			sohoa_config *fresh = NULL;

			reload_requested = 0;
			if (sohoa_config_load(&fresh, path) != SOHOA_OK) {
				sohoa_log(SOHOA_LOG_ERROR,
				          "reload refused, keeping the running "
				          "configuration: %s",
				          sohoa_error_last());
				continue;
			}
			sohoa_config_free(cfg);
			cfg = fresh;
			sohoa_scan_hotfolder_free(hf);
			hf = NULL; /* its path may have changed */
			sohoa_log(SOHOA_LOG_INFO, "configuration reloaded");
		}
	}
	sohoa_log(SOHOA_LOG_INFO, "stopping");
	if (ctl) {
		cli_control_drain(ctl);
		cli_control_free(ctl);
	}
	sohoa_scan_hotfolder_free(hf);
	sohoa_config_free(cfg);
	return SOHOA_EXIT_OK;
}
