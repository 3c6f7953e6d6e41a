/* hotfolder.c -- what the hot folder does with a dropped file: spool it as
 * an import job, then file it (`sohoa hotfolder`) or leave it to sohoad's
 * stages (cli_hotfolder_spool).
 */
#include "cli_int.h"

#include "archive/archive.h"

#include <stdlib.h>
#include <string.h>

/* Was this file filed already (a crash after filing, before the hot
 * folder recorded it)?  Its SHA-256 is in the bundle's metadata; logs
 * a warning when so. */
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
	if (found)
		sohoa_log(SOHOA_LOG_WARN,
		          "hot folder: %s is already in case %s (SHA-256 %s); "
		          "not filed again",
		          f->name, f->case_number, f->sha256);
	return found;
}

/* Spool a dropped file as a journaled import job, left `captured`.
 * *job is open (locked) on SOHOA_OK. */
static int spool_file(struct cli_job *job, const sohoa_config *cfg,
                      const sohoa_scan_hotfolder_file *f)
{
	int rc;

	if ((rc = cli_job_init(job, cfg, f->case_number, f->component,
	                       "component", "import", NULL, f->path)))
		return rc;
	if ((rc = sohoa_scan_import_file(f->path, job->spool_dir, 1,
	                                 cli_job_add_page, job)) ||
	    (rc = sohoa_scan_job_set_state(job->sj, SOHOA_SCAN_JOB_CAPTURED,
	                                   NULL))) {
		char msg[1024];

		snprintf(msg, sizeof(msg), "%s", sohoa_error_last());
		sohoa_scan_job_remove(job->sj);
		return sohoa_error_set(rc, "%s", msg);
	}
	sohoa_log(SOHOA_LOG_INFO, "job %s: %s: %zu page%s in the spool",
	          sohoa_scan_job_id(job->sj), f->name, job->npages,
	          job->npages == 1 ? "" : "s");
	return SOHOA_OK;
}

int cli_hotfolder_ingest(const sohoa_scan_hotfolder_file *f, void *payload)
{
	const sohoa_config *cfg = payload;
	struct cli_job job = {0};
	int rc;

	if (already_filed(cfg, f)) /* says so */
		return SOHOA_OK;
	if ((rc = spool_file(&job, cfg, f)))
		goto done;
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

int cli_hotfolder_spool(const sohoa_scan_hotfolder_file *f, void *payload)
{
	const sohoa_config *cfg = payload;
	struct cli_job job = {0};
	int rc;

	if (already_filed(cfg, f)) /* says so */
		return SOHOA_OK;
	rc = spool_file(&job, cfg, f);
	cli_job_dispose(&job); /* unlocked: sohoad's stages take it on */
	return rc;
}
