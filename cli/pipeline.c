/* pipeline.c -- spooled pages -> OCR (one Tesseract per worker thread) ->
 * bundle -> index, and only then the spool folder is removed.
 *
 * A page is never deleted before the bundle holding it is written, synced
 * and verified (the archive verifies before it renames).
 */
#include "cli_int.h"

#include "archive/archive.h"
#include "index/index.h"
#include "ocr/ocr.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

/* Keep a journaled page in memory for OCR and the bundle. */
static int remember_page(struct cli_job *job, const sohoa_scan_page *pg)
{
	struct cli_page *np, *p;

	np = realloc(job->pages, (job->npages + 1) * sizeof(*np));
	if (!np)
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	job->pages = np;
	p = &job->pages[job->npages];
	memset(p, 0, sizeof(*p));
	p->path = strdup(pg->path);
	p->source = dup_or_null(pg->source);
	p->sha256 = dup_or_null(pg->source_sha256);
	p->options = dup_or_null(pg->options);
	p->dpi = pg->dpi;
	snprintf(p->mode, sizeof(p->mode), "%s", pg->mode ? pg->mode : "");
	if (pg->capture_time)
		snprintf(p->capture_time, sizeof(p->capture_time), "%s",
		         pg->capture_time);
	else
		sohoa_time_iso8601(p->capture_time);
	job->npages++;
	if (!p->path || (pg->source && !p->source))
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	return SOHOA_OK;
}

static int adopt(struct cli_job *job)
{
	const sohoa_scan_job_params *p = sohoa_scan_job_get_params(job->sj);
	int rc;

	job->component = p->component;
	job->kind = p->kind;
	if ((rc = sohoa_case_normalize(job->case_number, p->case_number)))
		return rc;
	if (!(job->spool_dir = strdup(sohoa_scan_job_dir(job->sj))))
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	for (size_t i = 0; i < sohoa_scan_job_npages(job->sj); i++)
		if ((rc = remember_page(job, sohoa_scan_job_page(job->sj, i))))
			return rc;
	return SOHOA_OK;
}

int cli_job_init(struct cli_job *job, const sohoa_config *cfg,
                 const char *case_number, const char *component,
                 const char *kind, const char *what, const sohoa_scan_opts *so,
                 const char *origin)
{
	sohoa_scan_job_params p = {0};
	char norm[SOHOA_CASE_MAX];
	int rc;

	memset(job, 0, sizeof(*job));
	job->cfg = cfg;
	if ((rc = sohoa_case_normalize(norm, case_number)))
		return rc;
	p.what = what;
	p.case_number = norm;
	p.component = component;
	p.kind = kind;
	p.origin = origin;
	if (so)
		p.scan = *so;
	if ((rc = sohoa_scan_job_create(
	         &job->sj, sohoa_config_get(cfg, "spool.path"), &p)))
		return rc;
	return adopt(job);
}

int cli_job_resume(struct cli_job *job, const sohoa_config *cfg, const char *id)
{
	char *dir = NULL;
	int rc;

	memset(job, 0, sizeof(*job));
	job->cfg = cfg;
	if (strchr(id, '/'))
		dir = strdup(id);
	else
		sohoa_asprintf(&dir, "%s/%s",
		               sohoa_config_get(cfg, "spool.path"), id);
	if (!dir)
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	rc = sohoa_scan_job_open(&job->sj, dir, 0);
	free(dir);
	if (rc == SOHOA_ENOTFOUND)
		return sohoa_error_set(rc,
		                       "no job '%s' in the spool %s; see "
		                       "'sohoa jobs'",
		                       id, sohoa_config_get(cfg, "spool.path"));
	return rc ? rc : adopt(job);
}

void cli_job_dispose(struct cli_job *job)
{
	for (size_t i = 0; i < job->npages; i++) {
		free(job->pages[i].path);
		free(job->pages[i].source);
		free(job->pages[i].sha256);
		free(job->pages[i].options);
	}
	free(job->pages);
	free(job->spool_dir);
	sohoa_scan_job_free(job->sj);
	memset(job, 0, sizeof(*job));
}

int cli_job_add_page(const sohoa_scan_page *pg, void *payload)
{
	struct cli_job *job = payload;
	size_t n;
	int rc;

	/* journaled (fsynced) before the next page is read */
	if ((rc = sohoa_scan_job_add_page(pg, job->sj)))
		return rc;
	n = sohoa_scan_job_npages(job->sj);
	return remember_page(job, sohoa_scan_job_page(job->sj, n - 1));
}

/* ---- OCR workers ----------------------------------------------------- */

struct ocr_work {
	struct cli_job *job;
	sohoa_ocr_result *results; /* one per page */
	char **json;               /* one per page */
	size_t next;               /* next page to take */
	int rc;                    /* first failure */
	char msg[1024];            /* its message */
	pthread_mutex_t lock;
};

static void *ocr_worker(void *arg)
{
	struct ocr_work *w = arg;
	const sohoa_config *cfg = w->job->cfg;
	const char *tessdata = sohoa_config_get(cfg, "ocr.tessdata");
	sohoa_ocr *ocr = NULL;
	int rc;

	rc = sohoa_ocr_create(&ocr, sohoa_config_get(cfg, "ocr.languages"),
	                      tessdata[0] ? tessdata : NULL);
	if (rc == SOHOA_OK)
		sohoa_ocr_set_max_megapixels(
		    ocr, sohoa_config_get_int(cfg, "ocr.max_megapixels"));
	for (;;) {
		size_t i;

		pthread_mutex_lock(&w->lock);
		if (rc != SOHOA_OK && w->rc == SOHOA_OK) {
			w->rc = rc;
			snprintf(w->msg, sizeof(w->msg), "%s",
			         sohoa_error_last());
		}
		i = w->next++;
		pthread_mutex_unlock(&w->lock);
		if (rc != SOHOA_OK || i >= w->job->npages || w->rc != SOHOA_OK)
			break;
		rc = sohoa_ocr_page(&w->results[i], ocr, w->job->pages[i].path,
		                    0);
		if (rc == SOHOA_OK)
			rc = sohoa_ocr_result_json(&w->json[i], &w->results[i]);
		if (rc == SOHOA_OK)
			sohoa_log(SOHOA_LOG_INFO,
			          "case %s: page %zu recognized (%.0f%%)",
			          w->job->case_number, i + 1,
			          100 * w->results[i].mean_confidence);
	}
	sohoa_ocr_free(ocr);
	return NULL;
}

static int workers_for(const sohoa_config *cfg, size_t npages)
{
	long n = sohoa_config_get_int(cfg, "ocr.workers");

	if (n <= 0)
		n = sysconf(_SC_NPROCESSORS_ONLN);
	if (n < 1)
		n = 1;
	if ((size_t)n > npages)
		n = (long)npages;
	return (int)n;
}

static int run_ocr(struct ocr_work *w)
{
	int n = workers_for(w->job->cfg, w->job->npages);
	pthread_t th[64];
	int started = 0;

	if (n > 64)
		n = 64;
	for (int i = 0; i < n; i++)
		if (pthread_create(&th[started], NULL, ocr_worker, w) == 0)
			started++;
	if (started == 0)
		ocr_worker(w);
	for (int i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	if (w->rc != SOHOA_OK)
		return sohoa_error_set(w->rc, "%s", w->msg);
	return SOHOA_OK;
}

int cli_index_bundle(const sohoa_config *cfg, const char *bundle_path)
{
	sohoa_archive_case *c = NULL;
	sohoa_index *ix = NULL;
	sohoa_index_page *pages = NULL;
	size_t n;
	int rc;

	if ((rc = sohoa_archive_case_open(&c, bundle_path)))
		return rc;
	n = sohoa_archive_case_npages(c);
	if (!(pages = calloc(n ? n : 1, sizeof(*pages)))) {
		rc = sohoa_error_set(SOHOA_ENOMEM, "out of memory");
		goto done;
	}
	for (size_t i = 0; i < n; i++) {
		sohoa_archive_page_info pi;

		if ((rc = sohoa_archive_case_page(&pi, c, i)))
			goto done;
		pages[i].component = pi.component;
		pages[i].kind = pi.kind;
		pages[i].page = pi.page;
		pages[i].document_type = pi.document_type;
		pages[i].capture_time = pi.capture_time;
		pages[i].text = pi.text;
	}
	if ((rc = sohoa_index_open(&ix, sohoa_config_get(cfg, "index.path"))))
		goto done;
	rc = sohoa_index_put_case(ix, sohoa_archive_case_number(c), bundle_path,
	                          pages, n);
done:
	sohoa_index_close(ix);
	free(pages);
	sohoa_archive_case_free(c);
	return rc;
}

/* Did an earlier run already append this job to the bundle (it died
 * after the bundle was renamed in but before the spool was removed)?  The
 * last pages of the component must carry the journal's capture times. */
static int already_filed(const struct cli_job *job, const char *bundle)
{
	sohoa_archive_case *c = NULL;
	size_t n, match = 0;
	int found = 0;

	if (sohoa_archive_case_open(&c, bundle) != SOHOA_OK)
		return 0;
	n = sohoa_archive_case_npages(c);
	for (size_t i = 0; i < n; i++) {
		sohoa_archive_page_info pi;

		if (sohoa_archive_case_page(&pi, c, i) != SOHOA_OK)
			break;
		if (strcmp(pi.component, job->component) != 0 ||
		    strcmp(pi.kind, job->kind) != 0)
			continue;
		/* restart the match at each page that could begin it */
		if (match < job->npages &&
		    strcmp(pi.capture_time, job->pages[match].capture_time) ==
		        0)
			match++;
		else
			match = strcmp(pi.capture_time,
			               job->pages[0].capture_time) == 0;
		found |= match == job->npages;
	}
	sohoa_archive_case_free(c);
	return found;
}

int cli_job_finish(struct cli_job *job)
{
	struct ocr_work w = {.job = job};
	sohoa_archive_page_in *in = NULL;
	sohoa_archive_component_in comp = {0};
	char *bundle = NULL;
	int rc, created = 0, blanks = 0;

	if (job->npages == 0)
		return sohoa_error_set(SOHOA_EINVALID, "no pages to file");
	pthread_mutex_init(&w.lock, NULL);
	w.results = calloc(job->npages, sizeof(*w.results));
	w.json = calloc(job->npages, sizeof(*w.json));
	in = calloc(job->npages, sizeof(*in));
	if (!w.results || !w.json || !in) {
		rc = sohoa_error_set(SOHOA_ENOMEM, "out of memory");
		goto done;
	}
	for (size_t i = 0; i < job->npages; i++)
		sohoa_ocr_result_init(&w.results[i]);
	if ((rc = run_ocr(&w)))
		goto done;

	for (size_t i = 0; i < job->npages; i++) {
		const struct cli_page *p = &job->pages[i];

		in[i].image_path = p->path;
		in[i].text = w.results[i].text;
		in[i].hocr = w.results[i].hocr;
		in[i].analysis_json = w.json[i];
		in[i].source = p->source;
		in[i].source_sha256 = p->sha256;
		in[i].source_options = p->options;
		in[i].capture_time = p->capture_time;
		in[i].dpi = p->dpi ? p->dpi : w.results[i].dpi;
		in[i].colour_mode = p->mode[0] ? p->mode : NULL;
		blanks += w.results[i].blank;
	}
	comp.name = job->component;
	comp.kind = job->kind;
	comp.operator_name = sohoa_config_get(job->cfg, "station.operator");
	comp.station = sohoa_config_get(job->cfg, "station.name");
	comp.pages = in;
	comp.npages = job->npages;
	if (!strcmp(sohoa_scan_job_state(job->sj), SOHOA_SCAN_JOB_FILING) &&
	    (rc = sohoa_archive_bundle_path(
	         &bundle, sohoa_config_get(job->cfg, "archive.root"),
	         job->case_number)) == SOHOA_OK &&
	    already_filed(job, bundle)) {
		sohoa_log(SOHOA_LOG_INFO,
		          "job %s: already in %s, not appended again",
		          sohoa_scan_job_id(job->sj), bundle);
	} else {
		free(bundle);
		bundle = NULL;
		if ((rc = sohoa_scan_job_set_state(
		         job->sj, SOHOA_SCAN_JOB_FILING, NULL)) ||
		    (rc = sohoa_archive_append(
		         &bundle, &created,
		         sohoa_config_get(job->cfg, "archive.root"),
		         job->case_number, &comp)))
			goto done;
	}
	/* the bundle is written, synced and verified: the spool may go */
	if ((rc = sohoa_scan_job_remove(job->sj)))
		sohoa_log(SOHOA_LOG_WARN, "spool %s left behind: %s",
		          job->spool_dir, sohoa_error_last());
	if ((rc = cli_index_bundle(job->cfg, bundle))) {
		char msg[1024];

		snprintf(msg, sizeof(msg), "%s", sohoa_error_last());
		rc = sohoa_error_set(rc,
		                     "case %s is archived in %s but not "
		                     "indexed: %s; run 'sohoa reindex %s'",
		                     job->case_number, bundle, msg,
		                     job->case_number);
		goto done;
	}
	printf("case %s: %zu page%s added to %s \"%s\"", job->case_number,
	       job->npages, job->npages == 1 ? "" : "s", job->kind,
	       job->component);
	if (blanks)
		printf(" (%d blank, kept)", blanks);
	printf("\n");
	printf("bundle: %s%s\n", bundle, created ? " (new)" : "");
	printf("indexed: yes\n");
done:
	for (size_t i = 0; w.results && i < job->npages; i++) {
		sohoa_ocr_result_dispose(&w.results[i]);
		free(w.json[i]);
	}
	free(w.results);
	free(w.json);
	free(in);
	free(bundle);
	pthread_mutex_destroy(&w.lock);
	return rc;
}
