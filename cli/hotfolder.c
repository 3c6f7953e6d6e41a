/* hotfolder.c -- what the hot folder and a restarted daemon do with files
 * and spool jobs: ingest a dropped file as an import job and file it, and
 * carry on jobs a crash left in the spool.  Shared by `sohoa hotfolder`
 * and sohoad.
 */
#include "cli_int.h"

#include "archive/archive.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Was this file filed already (a crash after filing, before the hot
 * folder recorded it)?  Its SHA-256 is in the bundle's metadata. */
static int already_filed(const sohoa_config *cfg,
                         const sohoa_scan_hotfolder_file *f)
{
	sohoa_archive_case *c = NULL;
	char *bundle = NULL;
	int found = 0;

	if (sohoa_archive_bundle_path(&bundle,
	                              sohoa_config_get(cfg, "archive.root"),
	                              f->case_number) == SOHOA_OK &&
	    sohoa_archive_case_open(&c, bundle) == SOHOA_OK)
		found =
		    strstr(sohoa_archive_case_metadata(c), f->sha256) != NULL;
	sohoa_archive_case_free(c);
	free(bundle);
	return found;
}

int cli_hotfolder_ingest(const sohoa_scan_hotfolder_file *f, void *payload)
{
	const sohoa_config *cfg = payload;
	struct cli_job job = {0};
	int rc;

	if (already_filed(cfg, f)) {
		sohoa_log(SOHOA_LOG_WARN,
		          "hot folder: %s is already in case %s (SHA-256 %s); "
		          "not filed again",
		          f->name, f->case_number, f->sha256);
		return SOHOA_OK;
	}
	if ((rc = cli_job_init(&job, cfg, f->case_number, f->component,
	                       "component", "import", NULL, f->path)))
		goto done;
	if ((rc = sohoa_scan_import_file(f->path, job.spool_dir, 1,
	                                 cli_job_add_page, &job)) ||
	    (rc = sohoa_scan_job_set_state(job.sj, SOHOA_SCAN_JOB_CAPTURED,
	                                   NULL))) {
		char msg[1024];

		snprintf(msg, sizeof(msg), "%s", sohoa_error_last());
		sohoa_scan_job_remove(job.sj);
		sohoa_error_set(rc, "%s", msg);
		goto done;
	}
	sohoa_log(SOHOA_LOG_INFO, "job %s: %s: %zu page%s in the spool",
	          sohoa_scan_job_id(job.sj), f->name, job.npages,
	          job.npages == 1 ? "" : "s");
	/* the pages are durable: whatever filing does, the original may go */
	if (cli_job_finish(&job) != SOHOA_OK)
		sohoa_log(SOHOA_LOG_ERROR,
		          "job %s (hot folder file %s): %s; its pages stay in "
		          "the spool: once fixed, run 'sohoa scan --resume %s'",
		          sohoa_scan_job_id(job.sj), f->name,
		          sohoa_error_last(), sohoa_scan_job_id(job.sj));
	rc = SOHOA_OK;
done:
	cli_job_dispose(&job);
	return rc;
}

int cli_spool_recover(const sohoa_config *cfg)
{
	const char *spool = sohoa_config_get(cfg, "spool.path");
	DIR *d = opendir(spool);
	struct dirent *e;
	int filed = 0;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		struct cli_job job = {0};
		const char *state;
		char *dir = NULL;

		if (e->d_name[0] == '.' ||
		    sohoa_asprintf(&dir, "%s/%s", spool, e->d_name))
			continue;
		if (cli_job_resume(&job, cfg, dir) != SOHOA_OK) {
			/* busy (a running sohoa) or not a job: leave it */
			sohoa_log(SOHOA_LOG_INFO, "spool %s: %s", e->d_name,
			          sohoa_error_last());
			free(dir);
			cli_job_dispose(&job);
			continue;
		}
		free(dir);
		state = sohoa_scan_job_state(job.sj);
		if (!strcmp(state, SOHOA_SCAN_JOB_CAPTURED) ||
		    !strcmp(state, SOHOA_SCAN_JOB_FILING)) {
			sohoa_log(SOHOA_LOG_INFO,
			          "job %s: found %s with %zu pages; filing it",
			          e->d_name, state, job.npages);
			if (cli_job_finish(&job) == SOHOA_OK)
				filed++;
			else
				sohoa_log(SOHOA_LOG_ERROR, "job %s: %s",
				          e->d_name, sohoa_error_last());
		} else if (!strcmp(sohoa_scan_job_get_params(job.sj)->what,
		                   "import") &&
		           sohoa_scan_job_get_params(job.sj)->origin) {
			/* cut short while importing: the original is still
			 * in the hot folder and will be taken again */
			sohoa_log(SOHOA_LOG_INFO,
			          "job %s: unfinished import of %s dropped; "
			          "the file is taken again",
			          e->d_name,
			          sohoa_scan_job_get_params(job.sj)->origin);
			sohoa_scan_job_remove(job.sj);
		} else {
			sohoa_log(SOHOA_LOG_WARN,
			          "job %s: %s with %zu pages, waiting for the "
			          "operator: 'sohoa scan --resume %s'",
			          e->d_name, state, job.npages, e->d_name);
		}
		cli_job_dispose(&job);
	}
	closedir(d);
	return filed;
}
