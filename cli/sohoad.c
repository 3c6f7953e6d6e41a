/* sohoad.c -- the sohoa daemon entry point.
 *
 * For now it loads and watches the configuration: SIGHUP reloads it (a
 * broken file is reported and the old one kept), SIGTERM/SIGINT stop it.
 * Capture jobs, the hot folder and the web pages are served from here as
 * they are built (issues 3, 7, 8).
 */
#include "config/config.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t stop_requested, reload_requested;

static void on_signal(int sig)
{
	if (sig == SIGHUP)
		reload_requested = 1;
	else
		stop_requested = 1;
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
	struct sigaction sa = {0};
	int verbose = 0, rc;

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
	while (!stop_requested) {
		pause();
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
			sohoa_log(SOHOA_LOG_INFO, "configuration reloaded");
		}
	}
	sohoa_log(SOHOA_LOG_INFO, "stopping");
	sohoa_config_free(cfg);
	return SOHOA_EXIT_OK;
}
