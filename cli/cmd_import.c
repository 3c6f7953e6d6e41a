/* cmd_import.c -- `sohoa import`: image files into a case's bundle.  The
 * same code runs `sohoa append` (cmd_append.c), which only adds that the
 * component is named and the bundle already exists.
 */
#include "cli_int.h"

#include "archive/archive.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The case must already have a bundle: append adds a revision. */
static int require_bundle(const sohoa_config *cfg, const char *norm)
{
	char *path = NULL;
	int rc;

	if ((rc = sohoa_archive_bundle_path(
	         &path, sohoa_config_get(cfg, "archive.root"), norm)))
		return rc;
	if (access(path, F_OK) != 0)
		rc = errno == ENOENT
		         ? sohoa_error_set(SOHOA_EINVALID,
		                           "case %s has no bundle (%s); use "
		                           "'sohoa import' to start it",
		                           norm, path)
		         : sohoa_error_set(sohoa_error_from_errno(errno),
		                           "%s: %s", path, strerror(errno));
	free(path);
	return rc;
}

int cli_import_files(const char *cmd, int append, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"case", required_argument, NULL, 'c'},
	    {"component", required_argument, NULL, 'C'},
	    {"kind", required_argument, NULL, 'k'},
	    {NULL, 0, NULL, 0}};
	const char *case_arg = NULL, *component = NULL, *kind = "component";
	char norm[SOHOA_CASE_MAX];
	sohoa_config *cfg = NULL;
	struct cli_job job = {0};
	int c, rc, bad = 0, ex;

	optind = 1;
	opterr = 0;
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
		default:
			return cli_usage_error(cmd, "unknown option '%s'",
			                       argv[optind - 1]);
		}
	}
	if (!case_arg)
		return cli_usage_error(cmd, "--case CASE is required");
	if (append && !component)
		return cli_usage_error(cmd, "--component NAME is required");
	if (!component)
		component = "Hồ sơ";
	if (optind >= argc)
		return cli_usage_error(cmd, "no FILE given");
	if (strcmp(kind, "component") != 0 && strcmp(kind, "result") != 0)
		return cli_usage_error(cmd,
		                       "--kind must be component or result");
	if (!component[0])
		return cli_usage_error(cmd, "--component is empty");
	/* the case number is checked before anything else happens */
	if ((rc = sohoa_case_normalize(norm, case_arg)))
		return cli_fail(rc);
	if ((ex = cli_load_config(&cfg)))
		return ex;
	if ((rc = cli_archive_setup(cfg, 1)) ||
	    (append && (rc = require_bundle(cfg, norm)))) {
		sohoa_config_free(cfg);
		return cli_fail(rc);
	}
	/* every file is decoded before anything is written */
	for (int i = optind; i < argc; i++) {
		int n;

		if ((rc = sohoa_scan_import_check(argv[i], &n))) {
			fprintf(stderr, "sohoa: %s\n", sohoa_error_last());
			bad++;
		}
	}
	if (bad) {
		fprintf(stderr,
		        "sohoa: %d of %d file%s refused; nothing was written\n",
		        bad, argc - optind, argc - optind == 1 ? "" : "s");
		sohoa_config_free(cfg);
		return SOHOA_EXIT_FAIL;
	}
	if ((rc = cli_job_init(&job, cfg, norm, component, kind, cmd, NULL,
	                       NULL)))
		goto done;
	for (int i = optind; i < argc; i++)
		if ((rc = sohoa_scan_import_file(argv[i], job.spool_dir,
		                                 (int)job.npages + 1,
		                                 cli_job_add_page, &job)))
			goto done;
	rc = cli_job_finish(&job);
done:
	/* the originals are still where they were: drop a failed spool */
	if (rc != SOHOA_OK && job.spool_dir) {
		char msg[1024];

		snprintf(msg, sizeof(msg), "%s", sohoa_error_last());
		sohoa_fs_remove_tree(job.spool_dir);
		sohoa_error_set(rc, "%s", msg);
	}
	ex = rc == SOHOA_OK ? SOHOA_EXIT_OK : cli_fail(rc);
	cli_job_dispose(&job);
	sohoa_config_free(cfg);
	return ex;
}

int cmd_import(int argc, char **argv)
{
	return cli_import_files("import", 0, argc, argv);
}
