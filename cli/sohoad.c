/* sohoad.c -- the sohoa daemon entry point.
 *
 * Runs the staged pipeline (stages.c: hot folder, OCR workers, packer,
 * indexer) and the control socket (control.c: scan children), and feeds
 * the stages from the spool every half second; the spool is the durable
 * queue, so a restart carries on whatever a crash left.  SIGHUP reloads
 * the configuration (a broken file is reported and the old one kept);
 * SIGTERM/SIGINT drain: no new scans, running ones stop at a page, what
 * is captured is recognized and filed if that takes less than
 * [server] drain_seconds, the rest stays in the spool for the next start.
 * The web pages ([web] enabled, cli/web.c) start after the stages and stop
 * before the drain; a listen address that would send passwords in clear is
 * refused before anything starts.
 */
#include "cli_int.h"
#include "web_int.h"

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

static void usage(FILE *f)
{
	fprintf(f, "usage: sohoad [--config FILE] [-v]\n"
	           "Runs the sohoa service (scan queue, hot folder, OCR, "
	           "packing, indexing) until SIGTERM; SIGHUP reloads the "
	           "configuration.  'sohoa status' shows what it does.\n");
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Serve the socket and feed the stages for about `ms`. */
static void step(struct cli_control *ctl, struct cli_stages *st, int ms)
{
	if (ctl)
		cli_control_step(ctl, ms);
	else {
		struct timespec ts = {0, (long)ms * 1000000L};

		nanosleep(&ts, NULL);
	}
	cli_stages_tick(st);
}

int main(int argc, char **argv)
{
	const char *path = NULL;
	sohoa_config *cfg = NULL, **old = NULL;
	size_t nold = 0;
	struct cli_control *ctl = NULL;
	struct cli_stages *st = NULL;
	struct cli_web_service *web = NULL;
	struct sigaction sa = {0};
	int verbose = 0, rc;
	double t0;

	cli_reexec_single_threaded_omp(argv);
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
	if (sohoa_config_get_bool(cfg, "web.enabled") &&
	    (rc = sohoa_web_check_listen(cfg)) != SOHOA_OK) {
		fprintf(stderr, "sohoad: %s\n", sohoa_error_last());
		sohoa_config_free(cfg);
		return sohoa_error_exit_code(rc);
	}
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN); /* a client that goes away */
	sohoa_log(SOHOA_LOG_INFO, "started, station %s, archive %s",
	          sohoa_config_get(cfg, "station.name"),
	          sohoa_config_get(cfg, "archive.root"));
	if (cli_control_open(&ctl, cfg, path) != SOHOA_OK)
		sohoa_log(SOHOA_LOG_ERROR, "no control socket: %s",
		          sohoa_error_last());
	if ((rc = cli_stages_start(&st, cfg, ctl)) != SOHOA_OK) {
		fprintf(stderr, "sohoad: %s\n", sohoa_error_last());
		cli_control_free(ctl);
		sohoa_config_free(cfg);
		return sohoa_error_exit_code(rc);
	}
	if (ctl)
		cli_control_set_stages(ctl, st);
	if (sohoa_config_get_bool(cfg, "web.enabled") &&
	    (rc = cli_web_start(&web, cfg, path)) != SOHOA_OK) {
		fprintf(stderr, "sohoad: web pages: %s\n", sohoa_error_last());
		cli_stages_drain(st);
		cli_stages_free(st);
		cli_control_free(ctl);
		sohoa_config_free(cfg);
		return sohoa_error_exit_code(rc);
	}
	while (!stop_requested) {
		step(ctl, st, 250);
		step(ctl, st, 250);
		fflush(stdout);
		if (reload_requested) {
			sohoa_config *fresh = NULL, **no;

			reload_requested = 0;
			if (sohoa_config_load(&fresh, path) != SOHOA_OK) {
				cli_stages_note(st, SOHOA_LOG_ERROR, NULL,
				                "reload refused, keeping the "
				                "running configuration: %s",
				                sohoa_error_last());
				continue;
			}
			/* threads may still read the old one: keep it */
			if (!(no = realloc(old, (nold + 1) * sizeof(*no)))) {
				sohoa_config_free(fresh);
				continue;
			}
			old = no;
			old[nold++] = cfg;
			cfg = fresh;
			cli_stages_set_config(st, cfg);
			sohoa_log(SOHOA_LOG_INFO, "configuration reloaded");
		}
	}
	sohoa_log(SOHOA_LOG_INFO, "stopping");
	cli_web_stop(web); /* no new requests while draining */
	cli_stages_drain(st);
	if (ctl)
		cli_control_drain_begin(ctl);
	t0 = now_s();
	while ((ctl && cli_control_running(ctl)) || !cli_stages_idle(st)) {
		if (now_s() - t0 >
		    sohoa_config_get_int(cfg, "server.drain_seconds")) {
			sohoa_log(SOHOA_LOG_WARN,
			          "stopping with work left in the spool; it "
			          "is carried on at the next start");
			break;
		}
		step(ctl, st, 200);
	}
	cli_stages_free(st);
	cli_control_free(ctl);
	for (size_t i = 0; i < nold; i++)
		sohoa_config_free(old[i]);
	free(old);
	sohoa_config_free(cfg);
	return SOHOA_EXIT_OK;
}
