/* cmd_scan.c -- `sohoa scan` and `sohoa devices`: paper from a SANE
 * scanner into a case's bundle.
 */
#include "cli_int.h"

#include <getopt.h>
#include <jansson.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

static void on_signal(int sig)
{
	(void)sig;
	sohoa_scan_cancel();
}

/* The command that continues a job, with the --config given. */
static void resume_command(char *buf, size_t size, const char *id)
{
	snprintf(buf, size, "sohoa %s%s%sscan --resume %s",
	         cli_globals.config_path ? "--config '" : "",
	         cli_globals.config_path ? cli_globals.config_path : "",
	         cli_globals.config_path ? "' " : "", id);
}

/* Scan (or continue scanning) into the job, then file it (with
 * `capture_only`, sohoad's mode: leave it captured for sohoad's stages).
 * Faults leave the job in the spool, journaled as faulted, for --resume. */
static int capture_and_file(struct cli_job *job, sohoa_scan_opts *so, int fresh,
                            int capture_only)
{
	const char *state = sohoa_scan_job_state(job->sj);
	char cmd[512];
	int rc, scan_rc;

	if (strcmp(state, SOHOA_SCAN_JOB_CAPTURED) != 0 &&
	    strcmp(state, SOHOA_SCAN_JOB_FILING) != 0 &&
	    strcmp(state, CLI_JOB_FILED) != 0) {
		so->resuming = job->npages > 0;
		scan_rc =
		    sohoa_scan_run(so, job->spool_dir, (int)job->npages + 1,
		                   cli_job_add_page, job);
		if (scan_rc != SOHOA_OK && scan_rc != SOHOA_ECANCELLED) {
			char msg[1024];

			snprintf(msg, sizeof(msg), "%s", sohoa_error_last());
			if (fresh && job->npages == 0 &&
			    (scan_rc == SOHOA_EINVALID ||
			     scan_rc == SOHOA_ENOTFOUND ||
			     scan_rc == SOHOA_ENODOCS)) {
				/* nothing scanned, nothing to resume */
				sohoa_scan_job_remove(job->sj);
				return sohoa_error_set(scan_rc, "%s", msg);
			}
			if ((rc = sohoa_scan_job_set_state(
			         job->sj, SOHOA_SCAN_JOB_FAULTED, msg)))
				return rc;
			resume_command(cmd, sizeof(cmd),
			               sohoa_scan_job_id(job->sj));
			return sohoa_error_set(
			    scan_rc,
			    "%s; job %s keeps the %zu page%s "
			    "scanned so far; then run `%s`",
			    msg, sohoa_scan_job_id(job->sj), job->npages,
			    job->npages == 1 ? "" : "s", cmd);
		}
		if (scan_rc == SOHOA_ECANCELLED)
			sohoa_log(SOHOA_LOG_WARN, "job %s: %s; filing them",
			          sohoa_scan_job_id(job->sj),
			          sohoa_error_last());
		if (job->npages == 0) {
			sohoa_scan_job_remove(job->sj);
			return sohoa_error_set(
			    SOHOA_ECANCELLED, "scan cancelled before the first "
			                      "page; nothing was kept");
		}
		if ((rc = sohoa_scan_job_set_state(
		         job->sj, SOHOA_SCAN_JOB_CAPTURED, NULL)))
			return rc;
	}
	if (capture_only) {
		printf("case %s: %zu page%s captured in job %s; sohoad files "
		       "them\n",
		       job->case_number, job->npages,
		       job->npages == 1 ? "" : "s", sohoa_scan_job_id(job->sj));
		return SOHOA_OK;
	}
	if ((rc = cli_job_finish(job)) != SOHOA_OK) {
		char msg[1024];

		snprintf(msg, sizeof(msg), "%s", sohoa_error_last());
		resume_command(cmd, sizeof(cmd), sohoa_scan_job_id(job->sj));
		sohoa_error_set(rc,
		                "%s; the scanned pages are kept in %s: once "
		                "that is fixed, run `%s`",
		                msg, job->spool_dir, cmd);
	}
	return rc;
}

/* --daemon: hand the scan to sohoad's queue instead of scanning here. */
static int submit(const sohoa_config *cfg, const char *case_number,
                  const char *component, const char *kind,
                  const sohoa_scan_opts *so, int hold)
{
	json_t *q =
	           json_pack("{s:s, s:s, s:s, s:s}", "cmd", "scan", "case",
	                     case_number, "component", component, "kind", kind),
	       *set = json_array(), *reply = NULL;
	char *text = NULL, *answer = NULL;
	int rc, ex = SOHOA_EXIT_FAIL;

	if (!q || !set) {
		json_decref(q);
		json_decref(set);
		return cli_fail(sohoa_error_set(SOHOA_ENOMEM, "out of memory"));
	}
	if (so->device && so->device[0])
		json_object_set_new(q, "device", json_string(so->device));
	if (hold)
		json_object_set_new(q, "hold", json_true());
	if (so->source)
		json_object_set_new(q, "source", json_string(so->source));
	if (so->mode)
		json_object_set_new(q, "mode", json_string(so->mode));
	if (so->dpi)
		json_object_set_new(q, "dpi", json_integer(so->dpi));
	for (size_t i = 0; i < so->nset; i++)
		json_array_append_new(set, json_string(so->set[i]));
	json_object_set_new(q, "set", set);
	text = json_dumps(q, JSON_COMPACT);
	if ((rc = cli_control_call(&answer, cfg, text ? text : "{}"))) {
		cli_fail(rc);
		ex = SOHOA_EXIT_ENV; /* no daemon: the environment */
		goto done;
	}
	if (!(reply = json_loads(answer, JSON_DISABLE_EOF_CHECK, NULL))) {
		fprintf(stderr, "sohoa: sohoad answered nonsense: %s\n",
		        answer);
		ex = SOHOA_EXIT_ENV;
	} else if (json_is_true(json_object_get(reply, "ok"))) {
		printf("queued as %s on sohoad; see 'sohoa jobs'\n",
		       json_string_value(json_object_get(reply, "id")));
		ex = SOHOA_EXIT_OK;
	} else {
		fprintf(stderr, "sohoa: sohoad refused the scan: %s\n",
		        json_string_value(json_object_get(reply, "error")));
	}
done:
	json_decref(reply);
	json_decref(q);
	free(text);
	free(answer);
	return ex;
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
	    {"resume", required_argument, NULL, 'R'},
	    {"max-pages", required_argument, NULL, 'n'},
	    {"daemon", no_argument, NULL, 'D'},
	    {"capture-only", no_argument, NULL, 'O'},
	    {"hold", no_argument, NULL, 'H'},
	    {NULL, 0, NULL, 0}};
	const char *case_arg = NULL, *component = "Hồ sơ", *kind = "component";
	const char *resume = NULL, *set[64];
	char norm[SOHOA_CASE_MAX];
	sohoa_scan_opts so = {0};
	sohoa_config *cfg = NULL;
	struct cli_job job = {0};
	struct sigaction sa = {0};
	int c, rc, ex, settings = 0, daemon = 0, capture_only = 0, hold = 0;

	so.set = set;
	optind = 1;
	opterr = 0;
	if ((ex = cli_load_config(&cfg)))
		return ex;
	so.device = sohoa_config_get(cfg, "scanner.device");
	so.source = sohoa_config_get(cfg, "scanner.source");
	so.mode = sohoa_config_get(cfg, "scanner.mode");
	so.dpi = sohoa_config_get_int(cfg, "scanner.resolution");
	so.jpeg_quality = sohoa_config_get_int(cfg, "scanner.jpeg_quality");
	if (sohoa_config_get_bool(cfg, "scanner.duplex"))
		so.source = "duplex";
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		settings += c != 'S' && c != 'R' && c != 'D' && c != 'O';
		switch (c) {
		case 'H':
			hold = 1;
			break;
		case 'O':
			capture_only = 1;
			break;
		case 'D':
			daemon = 1;
			break;
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
		case 'R':
			resume = optarg;
			break;
		case 'n': {
			char *end;
			long v = strtol(optarg, &end, 10);

			if (*end || end == optarg || v < 1 || v > 100000) {
				sohoa_error_set(SOHOA_EINVALID,
				                "--max-pages '%s': expected "
				                "1..100000",
				                optarg);
				goto usage;
			}
			so.max_pages = (int)v;
			break;
		}
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
	if (resume && settings) {
		sohoa_config_free(cfg);
		return cli_usage_error("scan",
		                       "--resume continues a job with its own "
		                       "case, component and device settings; "
		                       "only --set may be added");
	}
	if (!case_arg && !resume) {
		sohoa_config_free(cfg);
		return cli_usage_error("scan", "--case CASE is required");
	}
	if (optind < argc) {
		sohoa_config_free(cfg);
		return cli_usage_error("scan", "unexpected argument '%s'",
		                       argv[optind]);
	}
	if (!resume && (strcmp(kind, "component") && strcmp(kind, "result"))) {
		sohoa_config_free(cfg);
		return cli_usage_error("scan",
		                       "--kind must be component or result");
	}
	if (case_arg && (rc = sohoa_case_normalize(norm, case_arg))) {
		sohoa_config_free(cfg);
		return cli_fail(rc);
	}
	if (hold && !daemon && !capture_only) {
		sohoa_config_free(cfg);
		return cli_usage_error("scan",
		                       "--hold makes a front-desk draft for "
		                       "sohoad: use it with --daemon");
	}
	if (daemon && !resume) {
		ex = submit(cfg, norm, component, kind, &so, hold);
		sohoa_config_free(cfg);
		return ex;
	}
	if ((rc = sohoa_scan_init())) {
		sohoa_config_free(cfg);
		return cli_fail(rc);
	}
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART; /* a backend thread may take it */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (capture_only) /* outlive a killed sohoad: scan to the end */
		signal(SIGPIPE, SIG_IGN);
	if (resume) {
		const sohoa_scan_job_params *p;

		if ((rc = cli_job_resume(&job, cfg, resume)))
			goto done;
		p = sohoa_scan_job_get_params(job.sj);
		if (strcmp(p->what, "scan") != 0 &&
		    strcmp(sohoa_scan_job_state(job.sj),
		           SOHOA_SCAN_JOB_CAPTURED) != 0 &&
		    strcmp(sohoa_scan_job_state(job.sj),
		           SOHOA_SCAN_JOB_FILING) != 0 &&
		    strcmp(sohoa_scan_job_state(job.sj), CLI_JOB_FILED) != 0) {
			rc = sohoa_error_set(SOHOA_EINVALID,
			                     "job %s is an unfinished %s, "
			                     "which cannot be continued: "
			                     "import the files again",
			                     resume, p->what);
			goto done;
		}
		if (sohoa_scan_job_held(job.sj) && !capture_only) {
			/* only sohoad scans into a draft; staff file it */
			rc =
			    sohoa_error_set(SOHOA_EINVALID,
			                    "job %s is a front-desk draft: "
			                    "scan into it and commit it on the "
			                    "Tiếp nhận page of sohoad",
			                    resume);
			goto done;
		}
		if ((rc = sohoa_scan_job_add_options(job.sj, so.set, so.nset)))
			goto done;
		so = p->scan;
		so.jpeg_quality =
		    sohoa_config_get_int(cfg, "scanner.jpeg_quality");
		sohoa_log(SOHOA_LOG_INFO,
		          "job %s: resuming case %s \"%s\" after %zu pages",
		          resume, job.case_number, job.component, job.npages);
		rc = capture_and_file(&job, &so, 0, capture_only);
	} else if (hold) {
		/* a draft: the job record says so (sohoad holds it) */
		sohoa_scan_job_params p = {.what = "scan",
		                           .case_number = norm,
		                           .component = component,
		                           .kind = kind,
		                           .scan = so,
		                           .hold = 1};
		sohoa_scan_job *sj = NULL;
		char *dir = NULL;

		if ((rc = sohoa_scan_job_create(
		         &sj, sohoa_config_get(cfg, "spool.path"), &p)) ||
		    !(dir = strdup(sohoa_scan_job_dir(sj)))) {
			sohoa_scan_job_free(sj);
			rc = rc ? rc
			        : sohoa_error_set(SOHOA_ENOMEM, "out of "
			                                        "memory");
			goto done;
		}
		sohoa_scan_job_free(sj); /* taken over at once below */
		rc = cli_job_resume(&job, cfg, dir);
		free(dir);
		if (rc == SOHOA_OK)
			rc = capture_and_file(&job, &so, 1, capture_only);
	} else {
		if ((rc = cli_job_init(&job, cfg, norm, component, kind, "scan",
		                       &so, NULL)))
			goto done;
		rc = capture_and_file(&job, &so, 1, capture_only);
	}
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

static void print_bits(const char *label, unsigned bits,
                       const char *const names[3], const char *none)
{
	int first = 1;

	printf("  %s: ", label);
	for (int i = 0; i < 3; i++)
		if (bits & (1u << i)) {
			printf("%s%s", first ? "" : ", ", names[i]);
			first = 0;
		}
	printf("%s\n", first ? none : "");
}

static json_t *bits_json(unsigned bits, const char *const names[3])
{
	json_t *a = json_array();

	for (int i = 0; i < 3; i++)
		if (bits & (1u << i))
			json_array_append_new(a, json_string(names[i]));
	return a;
}

/* --json: one array of {name, vendor, model, type, sources, modes,
 * resolutions, dpi_min, dpi_max, unmapped, error}. */
static void print_devices_json(const sohoa_scan_device_info *list, size_t n,
                               const char *const sources[3],
                               const char *const modes[3])
{
	json_t *a = json_array();
	char *text;

	for (size_t i = 0; i < n; i++) {
		const sohoa_scan_device_info *d = &list[i];

		json_array_append_new(
		    a, json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:s, s:i, "
		                 "s:i, s:s?, s:s?}",
		                 "name", d->name, "vendor", d->vendor, "model",
		                 d->model, "type", d->type, "sources",
		                 d->sources ? bits_json(d->sources, sources)
		                            : json_pack("[s]", "flatbed"),
		                 "modes", bits_json(d->modes, modes),
		                 "resolutions",
		                 d->resolutions ? d->resolutions : "",
		                 "dpi_min", d->dpi_min, "dpi_max", d->dpi_max,
		                 "unmapped", d->unmapped, "error", d->error));
	}
	text = json_dumps(a, JSON_COMPACT);
	printf("%s\n", text ? text : "[]");
	free(text);
	json_decref(a);
}

int cmd_devices(int argc, char **argv)
{
	static const char *const sources[3] = {"flatbed", "adf", "duplex"};
	static const char *const modes[3] = {"color", "gray", "lineart"};
	sohoa_scan_device_info *list = NULL;
	size_t n = 0;
	int rc;

	int json_out = argc == 2 && !strcmp(argv[1], "--json");

	if (argc > 1 && !json_out)
		return cli_usage_error("devices",
		                       "expected no argument or --json");
	if ((rc = sohoa_scan_init()))
		return cli_fail(rc);
	if ((rc = sohoa_scan_devices(&list, &n)) != SOHOA_OK) {
		sohoa_scan_exit();
		return cli_fail(rc);
	}
	if (json_out) {
		print_devices_json(list, n, sources, modes);
		sohoa_scan_devices_free(list, n);
		sohoa_scan_exit();
		return SOHOA_EXIT_OK;
	}
	if (n == 0)
		fprintf(stderr, "sohoa: no scanner found: connect and switch "
		                "on a scanner, or check its SANE backend\n");
	for (size_t i = 0; i < n; i++) {
		const sohoa_scan_device_info *d = &list[i];

		printf("%s\t%s\t%s\t%s\n", d->name, d->vendor, d->model,
		       d->type);
		if (d->error) {
			printf("  capabilities unknown: %s\n", d->error);
			continue;
		}
		print_bits("sources", d->sources, sources,
		           "flatbed (no source option)");
		print_bits("modes", d->modes, modes, "(no mode option)");
		printf("  resolutions: %s%s\n",
		       d->resolutions[0] ? d->resolutions : "(no option)",
		       d->resolutions[0] ? " dpi" : "");
		if (d->width_mm > 0 && d->height_mm > 0)
			printf("  max page: %.0f x %.0f mm\n", d->width_mm,
			       d->height_mm);
		else
			printf("  max page: unknown\n");
		if (d->unmapped)
			printf("  not mapped (use --set): %s\n", d->unmapped);
	}
	sohoa_scan_devices_free(list, n);
	sohoa_scan_exit();
	return SOHOA_EXIT_OK;
}
