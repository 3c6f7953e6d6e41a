/* cmd_scan.c -- `sohoa scan` and `sohoa devices`: paper from a SANE
 * scanner into a case's bundle.
 */
#include "cli_int.h"

#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

static void on_signal(int sig)
{
	(void)sig;
	sohoa_scan_cancel();
}

int cmd_scan(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"case", required_argument, NULL, 'c'},
	    {"component", required_argument, NULL, 'C'},
	    {"kind", required_argument, NULL, 'k'},
	    {"device", required_argument, NULL, 'd'},
	    {"source", required_argument, NULL, 's'},
	    {"dpi", required_argument, NULL, 'r'},
	    {"mode", required_argument, NULL, 'm'},
	    {"set", required_argument, NULL, 'S'},
	    {NULL, 0, NULL, 0}};
	const char *case_arg = NULL, *component = "Hồ sơ", *kind = "component";
	const char *set[64];
	char norm[SOHOA_CASE_MAX];
	sohoa_scan_opts so = {0};
	sohoa_config *cfg = NULL;
	struct cli_job job = {0};
	struct sigaction sa = {0};
	int c, rc, ex, scan_rc;

	so.set = set;
	optind = 1;
	opterr = 0;
	if ((ex = cli_load_config(&cfg)))
		return ex;
	so.device = sohoa_config_get(cfg, "scanner.device");
	so.source = sohoa_config_get(cfg, "scanner.source");
	so.mode = sohoa_config_get(cfg, "scanner.mode");
	so.dpi = sohoa_config_get_int(cfg, "scanner.resolution");
	if (sohoa_config_get_bool(cfg, "scanner.duplex"))
		so.source = "duplex";
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			case_arg = optarg;
			break;
		case 'C':
			component = optarg;
			break;
		case 'k':
			kind = optarg;
			break;
		case 'd':
			so.device = optarg;
			break;
		case 's':
			if ((rc = sohoa_config_set(cfg, "scanner.source",
			                           optarg, NULL)))
				goto usage;
			so.source = sohoa_config_get(cfg, "scanner.source");
			break;
		case 'm':
			if ((rc = sohoa_config_set(cfg, "scanner.mode", optarg,
			                           NULL)))
				goto usage;
			so.mode = sohoa_config_get(cfg, "scanner.mode");
			break;
		case 'r':
			if ((rc = sohoa_config_set(cfg, "scanner.resolution",
			                           optarg, NULL)))
				goto usage;
			so.dpi =
			    sohoa_config_get_int(cfg, "scanner.resolution");
			break;
		case 'S':
			if (so.nset >= sizeof(set) / sizeof(set[0])) {
				sohoa_error_set(SOHOA_EINVALID,
				                "too many --set options");
				goto usage;
			}
			set[so.nset++] = optarg;
			break;
		default:
			sohoa_config_free(cfg);
			return cli_usage_error("scan", "unknown option '%s'",
			                       argv[optind - 1]);
		}
	}
	if (!case_arg) {
		sohoa_config_free(cfg);
		return cli_usage_error("scan", "--case CASE is required");
	}
	if (optind < argc) {
		sohoa_config_free(cfg);
		return cli_usage_error("scan", "unexpected argument '%s'",
		                       argv[optind]);
	}
	if ((rc = sohoa_case_normalize(norm, case_arg))) {
		sohoa_config_free(cfg);
		return cli_fail(rc);
	}
	if ((rc = sohoa_scan_init())) {
		sohoa_config_free(cfg);
		return cli_fail(rc);
	}
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if ((rc = cli_job_init(&job, cfg, norm, component, kind, "scan")))
		goto done;
	scan_rc = sohoa_scan_run(&so, job.spool_dir, 1, cli_job_add_page, &job);
	if (scan_rc != SOHOA_OK && job.npages == 0) {
		rc = scan_rc;
		sohoa_fs_remove_tree(job.spool_dir);
		goto done;
	}
	if (scan_rc != SOHOA_OK) {
		/* pages captured before the fault are filed, then the
		 * fault is reported */
		char msg[1024];

		snprintf(msg, sizeof(msg), "%s", sohoa_error_last());
		rc = cli_job_finish(&job);
		if (rc == SOHOA_OK)
			rc = sohoa_error_set(scan_rc,
			                     "%s (the %zu page%s scanned "
			                     "before it were filed)",
			                     msg, job.npages,
			                     job.npages == 1 ? "" : "s");
		goto done;
	}
	rc = cli_job_finish(&job);
	if (rc != SOHOA_OK)
		fprintf(stderr, "sohoa: the scanned pages are kept in %s\n",
		        job.spool_dir);
done:
	ex = rc == SOHOA_OK ? SOHOA_EXIT_OK : cli_fail(rc);
	cli_job_dispose(&job);
	sohoa_config_free(cfg);
	sohoa_scan_exit();
	return ex;
usage:
	fprintf(stderr, "sohoa scan: %s\n", sohoa_error_last());
	sohoa_config_free(cfg);
	return SOHOA_EXIT_USAGE;
}

int cmd_devices(int argc, char **argv)
{
	char *list = NULL;
	int rc;

	(void)argv;
	if (argc > 1)
		return cli_usage_error("devices", "no arguments expected");
	if ((rc = sohoa_scan_init()))
		return cli_fail(rc);
	rc = sohoa_scan_list_devices(&list);
	if (rc == SOHOA_OK) {
		if (!list[0])
			fprintf(stderr, "sohoa: no scanner found\n");
		fputs(list, stdout);
	}
	free(list);
	sohoa_scan_exit();
	if (rc != SOHOA_OK)
		return cli_fail(rc);
	return SOHOA_EXIT_OK;
}
