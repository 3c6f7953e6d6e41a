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

#include <jansson.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int cli_job_init(struct cli_job *job, const sohoa_config *cfg,
                 const char *case_number, const char *component,
                 const char *kind, const char *what)
{
	char stamp[32];
	struct timespec ts;
	int rc;

	memset(job, 0, sizeof(*job));
	job->cfg = cfg;
	job->component = component;
	job->kind = kind;
	if ((rc = sohoa_case_normalize(job->case_number, case_number)))
		return rc;
	clock_gettime(CLOCK_REALTIME, &ts);
	snprintf(stamp, sizeof(stamp), "%lld-%09ld", (long long)ts.tv_sec,
	         ts.tv_nsec);
	if ((rc = sohoa_asprintf(&job->spool_dir, "%s/%s-%s-%ld",
	                         sohoa_config_get(cfg, "spool.path"), what,
	                         stamp, (long)getpid())))
		return rc;
	return sohoa_fs_mkdirs(job->spool_dir);
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
	memset(job, 0, sizeof(*job));
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

int cli_job_add_page(const sohoa_scan_page *pg, void *payload)
{
	struct cli_job *job = payload;
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
	sohoa_time_iso8601(p->capture_time);
	job->npages++;
	if (!p->path || (pg->source && !p->source))
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	return SOHOA_OK;
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

/* A field of the OCR analysis: "fields": {"<key>": {"value": "..."}}
 * (a plain string value is taken too).  Borrowed from `analysis`. */
static const char *analysis_field(json_t *analysis, const char *key)
{
	json_t *f = json_object_get(json_object_get(analysis, "fields"), key);

	if (json_is_object(f))
		f = json_object_get(f, "value");
	return json_is_string(f) ? json_string_value(f) : NULL;
}

int cli_index_bundle(const sohoa_config *cfg, const char *bundle_path)
{
	sohoa_archive_case *c = NULL;
	sohoa_index *ix = NULL;
	sohoa_index_page *pages = NULL;
	json_t **analyses = NULL, *meta = NULL;
	const char *procedure = NULL;
	size_t n = 0;
	int rc;

	if ((rc = sohoa_archive_case_open(&c, bundle_path)))
		return rc;
	n = sohoa_archive_case_npages(c);
	if (!(pages = calloc(n ? n : 1, sizeof(*pages))) ||
	    !(analyses = calloc(n ? n : 1, sizeof(*analyses)))) {
		rc = sohoa_error_set(SOHOA_ENOMEM, "out of memory");
		goto done;
	}
	/* the bundle was verified when written: unreadable JSON here only
	 * means fewer fields, never a page left out of the index */
	meta = json_loads(sohoa_archive_case_metadata(c), 0, NULL);
	if (json_is_string(json_object_get(meta, "procedure_code")))
		procedure =
		    json_string_value(json_object_get(meta, "procedure_code"));
	for (size_t i = 0; i < n; i++) {
		sohoa_archive_page_info pi;
		json_t *a;

		if ((rc = sohoa_archive_case_page(&pi, c, i)))
			goto done;
		pages[i].component = pi.component;
		pages[i].kind = pi.kind;
		pages[i].page = pi.page;
		pages[i].document_type = pi.document_type;
		pages[i].capture_time = pi.capture_time;
		pages[i].text = pi.text;
		pages[i].procedure_code = procedure;
		if (!pi.analysis_json)
			continue;
		a = analyses[i] = json_loads(pi.analysis_json, 0, NULL);
		pages[i].id_number = analysis_field(a, "id_number");
		pages[i].full_name = analysis_field(a, "full_name");
		pages[i].date_of_birth = analysis_field(a, "date_of_birth");
		if (!procedure)
			pages[i].procedure_code =
			    analysis_field(a, "procedure_code");
	}
	if ((rc = sohoa_index_open(&ix, sohoa_config_get(cfg, "index.path"))))
		goto done;
	rc = sohoa_index_put_case(ix, sohoa_archive_case_number(c), bundle_path,
	                          pages, n);
done:
	sohoa_index_close(ix);
	for (size_t i = 0; analyses && i < n; i++)
		json_decref(analyses[i]);
	free(analyses);
	json_decref(meta);
	free(pages);
	sohoa_archive_case_free(c);
	return rc;
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
	if ((rc = sohoa_archive_append(
	         &bundle, &created, sohoa_config_get(job->cfg, "archive.root"),
	         job->case_number, &comp)))
		goto done;
	/* the bundle is written, synced and verified: the spool may go */
	if ((rc = sohoa_fs_remove_tree(job->spool_dir)))
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
