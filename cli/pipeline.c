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

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
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

/* A committed draft is filed as staff arranged it: kept pages in their
 * order with their view turns; removed pages stay in the spool folder
 * (never deleted before the job leaves the spool) but are not filed.
 * Before the commit a draft is adopted in capture order, so that a scan
 * adding pages numbers them after every journaled page. */
static int adopt_committed_draft(struct cli_job *job)
{
	sohoa_scan_view_page *v = NULL;
	size_t n = 0;
	int rc = sohoa_scan_job_view(job->sj, &v, &n);

	for (size_t i = 0; rc == SOHOA_OK && i < n && !v[i].removed; i++)
		if ((rc = remember_page(
		         job, sohoa_scan_job_page(job->sj, v[i].page))) ==
		    SOHOA_OK)
			job->pages[job->npages - 1].rotation = v[i].rotation;
	free(v);
	return rc;
}

static int adopt(struct cli_job *job)
{
	const sohoa_scan_job_params *p = sohoa_scan_job_get_params(job->sj);
	int rc;

	job->component = p->component;
	job->kind = p->kind;
	/* a draft may wait for its number (read from its receipt page) */
	if ((p->case_number[0] || !sohoa_scan_job_held(job->sj)) &&
	    (rc = sohoa_case_normalize(job->case_number, p->case_number)))
		return rc;
	if (!(job->spool_dir = strdup(sohoa_scan_job_dir(job->sj))))
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	if (sohoa_scan_job_is_draft(job->sj) && !sohoa_scan_job_held(job->sj))
		return adopt_committed_draft(job);
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
	if (!case_number) {
		/* a result batch: its inputs stay where they are until it is
		 * filed, so a plain folder without a journal will do */
		char stamp[32];
		struct timespec ts;

		job->component = component;
		job->kind = kind;
		clock_gettime(CLOCK_REALTIME, &ts);
		snprintf(stamp, sizeof(stamp), "%lld-%09ld",
		         (long long)ts.tv_sec, ts.tv_nsec);
		if ((rc = sohoa_asprintf(&job->spool_dir, "%s/%s-%s-%ld",
		                         sohoa_config_get(cfg, "spool.path"),
		                         what, stamp, (long)getpid())))
			return rc;
		return sohoa_fs_mkdirs(job->spool_dir);
	}
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

	if (!job->sj) /* no journal: batches, review items */
		return remember_page(job, pg);
	/* journaled (fsynced) before the next page is read */
	if ((rc = sohoa_scan_job_add_page(pg, job->sj)))
		return rc;
	n = sohoa_scan_job_npages(job->sj);
	return remember_page(job, sohoa_scan_job_page(job->sj, n - 1));
}

/* ---- OCR workers ----------------------------------------------------- */

struct ocr_work {
	const sohoa_config *cfg;
	const char *const *paths; /* borrowed: one per page */
	size_t n;
	sohoa_ocr_result *results; /* one per page */
	char **json;               /* one per page */
	const int *views;          /* NULL, or per page: staff's turn, -1 for
	                              none (OSD decides) */
	const int *dets;           /* with views: the turn found first */
	size_t next;               /* next page to take */
	size_t done;               /* pages recognized */
	int rc;                    /* first failure */
	char msg[1024];            /* its message */
	pthread_mutex_t lock;
};

void cli_reexec_single_threaded_omp(char **argv)
{
	char self[4096];
	ssize_t n;

	if (getenv("OMP_THREAD_LIMIT"))
		return;
	setenv("OMP_THREAD_LIMIT", "1", 1);
	/* the binary's own path, not /proc/self/exe: the process keeps its
	 * name (ps, pgrep, top show "sohoad", not "exe") */
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return; /* no /proc: carry on; OCR is slower but correct */
	self[n] = '\0';
	execv(self, argv);
}

int cli_ocr_create(sohoa_ocr **out, const sohoa_config *cfg)
{
	const char *tessdata = sohoa_config_get(cfg, "ocr.tessdata");
	const char *data = sohoa_config_get(cfg, "ocr.data");
	sohoa_ocr *ocr = NULL;
	int rc;

	*out = NULL;
	rc = sohoa_ocr_create(&ocr, sohoa_config_get(cfg, "ocr.languages"),
	                      tessdata[0] ? tessdata : NULL);
	if (rc == SOHOA_OK && data[0])
		rc = sohoa_ocr_set_data_dir(ocr, data);
	if (rc != SOHOA_OK) {
		sohoa_ocr_free(ocr);
		return rc;
	}
	sohoa_ocr_set_max_megapixels(
	    ocr, sohoa_config_get_int(cfg, "ocr.max_megapixels"));
	*out = ocr;
	return SOHOA_OK;
}

static void *ocr_worker(void *arg)
{
	struct ocr_work *w = arg;
	sohoa_ocr *ocr = NULL;
	int rc;

	rc = cli_ocr_create(&ocr, w->cfg);
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
		if (rc != SOHOA_OK || i >= w->n || w->rc != SOHOA_OK)
			break;
		if (w->views && w->views[i] >= 0)
			rc = cli_ocr_page_for_turn(&w->results[i], &w->json[i],
			                           ocr, w->paths[i],
			                           w->views[i], w->dets[i]);
		else if ((rc = sohoa_ocr_page(&w->results[i], ocr, w->paths[i],
		                              0)) == SOHOA_OK)
			rc = sohoa_ocr_result_json(&w->json[i], &w->results[i]);
		if (rc == SOHOA_OK) {
			pthread_mutex_lock(&w->lock);
			cli_progress("recognize", ++w->done, w->n);
			pthread_mutex_unlock(&w->lock);
		}
		if (rc == SOHOA_OK)
			sohoa_log(SOHOA_LOG_INFO, "%s: recognized (%.0f%%)",
			          w->paths[i],
			          100 * w->results[i].mean_confidence);
	}
	sohoa_ocr_free(ocr);
	return NULL;
}

int cli_ocr_workers(const sohoa_config *cfg, size_t npages)
{
	long n = sohoa_config_get_int(cfg, "ocr.workers");

	if (n <= 0)
		n = sysconf(_SC_NPROCESSORS_ONLN);
	if (n < 1)
		n = 1;
	if ((size_t)n > npages)
		n = (long)npages;
	if (n > 64)
		n = 64;
	return n < 1 ? 1 : (int)n;
}

static int ocr_pages(const sohoa_config *cfg, const char *const *paths,
                     const int *views, const int *dets, size_t n,
                     sohoa_ocr_result *results, char **json)
{
	struct ocr_work w = {.cfg = cfg,
	                     .paths = paths,
	                     .n = n,
	                     .results = results,
	                     .json = json,
	                     .views = views,
	                     .dets = dets};
	int nth = cli_ocr_workers(cfg, n), started = 0;
	pthread_t th[64];

	if (n == 0)
		return SOHOA_OK;
	if (nth > 64)
		nth = 64;
	pthread_mutex_init(&w.lock, NULL);
	for (int i = 0; i < nth; i++)
		if (pthread_create(&th[started], NULL, ocr_worker, &w) == 0)
			started++;
	if (started == 0)
		ocr_worker(&w);
	for (int i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	pthread_mutex_destroy(&w.lock);
	if (w.rc != SOHOA_OK)
		return sohoa_error_set(w.rc, "%s", w.msg);
	return SOHOA_OK;
}

int cli_ocr_pages(const sohoa_config *cfg, const char *const *paths, size_t n,
                  sohoa_ocr_result *results, char **json)
{
	return ocr_pages(cfg, paths, NULL, NULL, n, results, json);
}

int cli_ocr_page_for_turn(sohoa_ocr_result *r, char **json, sohoa_ocr *ocr,
                          const char *path, int view, int detected)
{
	json_t *an = NULL;
	int rc;

	*json = NULL;
	if ((rc = sohoa_ocr_page_turned(r, ocr, path, 0,
	                                (detected + view) % 360)) ||
	    (rc = sohoa_ocr_result_json(json, r)))
		return rc;
	if (!(an = json_loads(*json, 0, NULL)) ||
	    json_object_set_new(an, "view_rotation", json_integer(view)) ||
	    json_object_set_new(an, "rotation_detected",
	                        json_integer(detected))) {
		json_decref(an);
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	}
	free(*json);
	*json = json_dumps(an, JSON_COMPACT);
	json_decref(an);
	return *json ? SOHOA_OK
	             : sohoa_error_set(SOHOA_ENOMEM, "out of memory");
}

void cli_analysis_turn(const char *analysis, int *view, int *detected)
{
	json_t *an = analysis ? json_loads(analysis, 0, NULL) : NULL;
	json_t *v = json_object_get(an, "view_rotation");
	json_t *d = json_object_get(an, "rotation_detected");

	*view = v ? (int)json_integer_value(v) : 0;
	*detected =
	    (int)json_integer_value(d ? d : json_object_get(an, "rotation"));
	json_decref(an);
}

int cli_ocr_result_turn(const char *page, int *view, int *detected)
{
	sohoa_ocr_result r;
	char *analysis = NULL;
	int rc;

	*view = *detected = 0;
	sohoa_ocr_result_init(&r);
	rc = cli_ocr_result_load(page, &r, &analysis);
	sohoa_ocr_result_dispose(&r);
	if (rc == SOHOA_OK)
		cli_analysis_turn(analysis, view, detected);
	free(analysis);
	return rc;
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

/* Append recognized pages to the case's bundle as one component. */
static int append_pages(char **bundle_out, int *created,
                        const sohoa_config *cfg, const char *case_number,
                        const char *component, const char *kind,
                        const struct cli_page *pages,
                        const sohoa_ocr_result *results, char *const *json,
                        size_t n)
{
	sohoa_archive_page_in *in = calloc(n ? n : 1, sizeof(*in));
	sohoa_archive_component_in comp = {0};
	int rc;

	*bundle_out = NULL;
	if (!in)
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		const struct cli_page *p = &pages[i];

		in[i].image_path = p->path;
		in[i].text = results[i].text;
		in[i].hocr = results[i].hocr;
		in[i].analysis_json = json[i];
		in[i].source = p->source;
		in[i].source_sha256 = p->sha256;
		in[i].source_options = p->options;
		in[i].capture_time = p->capture_time;
		in[i].dpi = p->dpi ? p->dpi : results[i].dpi;
		in[i].colour_mode = p->mode[0] ? p->mode : NULL;
	}
	comp.name = component;
	comp.kind = kind;
	comp.operator_name = sohoa_config_get(cfg, "station.operator");
	comp.station = sohoa_config_get(cfg, "station.name");
	comp.pages = in;
	comp.npages = n;
	rc = sohoa_archive_append(bundle_out, created,
	                          sohoa_config_get(cfg, "archive.root"),
	                          case_number, &comp);
	free(in);
	return rc;
}

/* Index a case just filed; the message says how to repair a failure. */
static int index_filed(const sohoa_config *cfg, const char *case_number,
                       const char *bundle)
{
	int rc = cli_index_bundle(cfg, bundle);

	if (rc != SOHOA_OK) {
		char msg[1024];

		snprintf(msg, sizeof(msg), "%s", sohoa_error_last());
		rc = sohoa_error_set(rc,
		                     "case %s is archived in %s but not "
		                     "indexed: %s; run 'sohoa reindex %s'",
		                     case_number, bundle, msg, case_number);
	}
	return rc;
}

int cli_file_pages(char **bundle_out, int *created, const sohoa_config *cfg,
                   const char *case_number, const char *component,
                   const char *kind, const struct cli_page *pages,
                   const sohoa_ocr_result *results, char *const *json, size_t n)
{
	int rc = append_pages(bundle_out, created, cfg, case_number, component,
	                      kind, pages, results, json, n);

	return rc != SOHOA_OK ? rc : index_filed(cfg, case_number, *bundle_out);
}

/* ---- a stage's fault kept in the job's folder --------------------------- */

/* one writer at a time: sohoa_fs_write_atomic's temp name is per process */
static pthread_mutex_t fault_lock = PTHREAD_MUTEX_INITIALIZER;

int cli_job_fault_save(const char *dir, const char *stage, const char *msg)
{
	char now[21], *path = NULL, *text = NULL;
	json_t *o;
	int rc;

	sohoa_time_iso8601(now);
	o = json_pack("{s:s, s:s, s:s}", "stage", stage, "time", now, "message",
	              msg);
	text = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	if (!text)
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	if ((rc = sohoa_asprintf(&path, "%s/" SOHOA_SCAN_JOB_FAULT_FILE,
	                         dir)) == SOHOA_OK) {
		pthread_mutex_lock(&fault_lock);
		/* a job filed and removed meanwhile: nothing to note */
		if (access(dir, F_OK) == 0)
			rc = sohoa_fs_write_atomic(path, text, strlen(text));
		pthread_mutex_unlock(&fault_lock);
	}
	free(text);
	free(path);
	return rc;
}

int cli_job_fault_clear(const char *dir)
{
	char *path = NULL;
	int rc;

	if ((rc = sohoa_asprintf(&path, "%s/" SOHOA_SCAN_JOB_FAULT_FILE, dir)))
		return rc;
	pthread_mutex_lock(&fault_lock);
	if (unlink(path) == 0)
		rc = sohoa_fs_sync_dir(dir);
	else if (errno != ENOENT)
		rc = sohoa_error_set(sohoa_error_from_errno(errno),
		                     "cannot remove %s: %s", path,
		                     strerror(errno));
	pthread_mutex_unlock(&fault_lock);
	free(path);
	return rc;
}

json_t *cli_job_fault_load(const char *dir)
{
	char *path = NULL;
	json_t *o = NULL;

	if (sohoa_asprintf(&path, "%s/" SOHOA_SCAN_JOB_FAULT_FILE, dir))
		return NULL;
	if (access(path, F_OK) == 0 && (o = json_load_file(path, 0, NULL)) &&
	    (!json_is_string(json_object_get(o, "stage")) ||
	     !json_is_string(json_object_get(o, "message")))) {
		json_decref(o);
		o = NULL;
	}
	free(path);
	return o;
}

void cli_job_fault_text(char *buf, size_t size, const json_t *fault)
{
	const char *t = json_string_value(json_object_get(fault, "time"));

	snprintf(buf, size, "%s fault at %s: %s",
	         json_string_value(json_object_get(fault, "stage")),
	         t ? t : "?",
	         json_string_value(json_object_get(fault, "message")));
}

/* ---- OCR results kept beside the pages -------------------------------- */

int cli_ocr_result_save(const char *page, const sohoa_ocr_result *r,
                        const char *analysis)
{
	json_t *o = json_pack("{s:s, s:s?, s:s?, s:i, s:i, s:f}", "text",
	                      r->text ? r->text : "", "hocr", r->hocr,
	                      "analysis", analysis, "dpi", r->dpi, "blank",
	                      r->blank, "mean_confidence", r->mean_confidence);
	char *text = o ? json_dumps(o, JSON_COMPACT) : NULL, *path = NULL;
	int rc;

	json_decref(o);
	if (!text)
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	if ((rc = sohoa_asprintf(&path, "%s" CLI_OCR_RESULT_SUFFIX, page)) ==
	    SOHOA_OK)
		rc = sohoa_fs_write_atomic(path, text, strlen(text));
	free(text);
	free(path);
	return rc;
}

int cli_ocr_result_exists(const char *page)
{
	char *path = NULL;
	int found = 0;

	if (sohoa_asprintf(&path, "%s" CLI_OCR_RESULT_SUFFIX, page) == SOHOA_OK)
		found = access(path, F_OK) == 0;
	free(path);
	return found;
}

int cli_ocr_result_load(const char *page, sohoa_ocr_result *r, char **analysis)
{
	char *path = NULL, *text = NULL;
	const char *hocr, *an;
	size_t len;
	json_t *o = NULL;
	int rc;

	*analysis = NULL;
	if ((rc = sohoa_asprintf(&path, "%s" CLI_OCR_RESULT_SUFFIX, page)))
		return rc;
	if (access(path, F_OK) != 0) {
		rc = SOHOA_ENOTFOUND;
		goto done;
	}
	if ((rc = sohoa_fs_read_all(&text, &len, path)))
		goto done;
	if (!(o = json_loads(text, 0, NULL)) ||
	    !json_is_string(json_object_get(o, "text"))) {
		/* written atomically, so never torn: recognize again */
		rc = sohoa_error_set(SOHOA_ENOTFOUND, "%s: unreadable", path);
		goto done;
	}
	hocr = json_string_value(json_object_get(o, "hocr"));
	an = json_string_value(json_object_get(o, "analysis"));
	r->text = strdup(json_string_value(json_object_get(o, "text")));
	r->hocr = hocr ? strdup(hocr) : NULL;
	*analysis = an ? strdup(an) : NULL;
	r->dpi = (int)json_integer_value(json_object_get(o, "dpi"));
	r->blank = (int)json_integer_value(json_object_get(o, "blank"));
	r->mean_confidence =
	    json_real_value(json_object_get(o, "mean_confidence"));
	if (!r->text || (hocr && !r->hocr) || (an && !*analysis))
		rc = sohoa_error_set(SOHOA_ENOMEM, "out of memory");
done:
	json_decref(o);
	free(text);
	free(path);
	return rc;
}

void cli_test_stall(const char *stage)
{
	const char *env = getenv("SOHOA_TEST_STALL");
	size_t n = strlen(stage);

	for (const char *p = env; p && *p;
	     p = strchr(p, ',') ? strchr(p, ',') + 1 : "") {
		if (!strncmp(p, stage, n) && p[n] == ':') {
			int s = atoi(p + n + 1);

			sohoa_log(SOHOA_LOG_WARN, "test stall: %s %d s", stage,
			          s);
			sleep((unsigned)s);
			return;
		}
	}
}

/* ---- the steps of filing a job ---------------------------------------- */

int cli_job_recognize(struct cli_job *job, sohoa_ocr_result *results,
                      char **json)
{
	const char **paths =
	    calloc(job->npages ? job->npages : 1, sizeof(*paths));
	size_t *which = calloc(job->npages ? job->npages : 1, sizeof(*which));
	sohoa_ocr_result *todo =
	    calloc(job->npages ? job->npages : 1, sizeof(*todo));
	char **tjson = calloc(job->npages ? job->npages : 1, sizeof(*tjson));
	int *views = calloc(job->npages ? job->npages : 1, sizeof(*views));
	int *dets = calloc(job->npages ? job->npages : 1, sizeof(*dets));
	size_t n = 0;
	int rc = SOHOA_OK;

	if (!paths || !which || !todo || !tjson || !views || !dets) {
		rc = sohoa_error_set(SOHOA_ENOMEM, "out of memory");
		goto done;
	}
	for (size_t i = 0; i < job->npages; i++) {
		int want = job->pages[i].rotation, view = 0, det = 0;

		/* a journaled job may hold results of an earlier run; one
		 * made for another turn than staff's last (the feeder had
		 * not caught up) is read again, turned */
		if (job->sj &&
		    (rc = cli_ocr_result_load(job->pages[i].path, &results[i],
		                              &json[i])) == SOHOA_OK) {
			cli_analysis_turn(json[i], &view, &det);
			if (view == want)
				continue;
			sohoa_log(SOHOA_LOG_INFO,
			          "%s: read for a turn of %d, staff turned it "
			          "%d: recognized again",
			          job->pages[i].path, view, want);
		} else if (rc == SOHOA_ENOMEM) {
			goto done;
		} else {
			/* never read: staff's turn is all there is */
			det = 0;
			view = -1;
		}
		rc = SOHOA_OK;
		/* a page read before and turned back to 0 is read with the
		 * turn found first, not detected again */
		views[n] = want || view > 0 ? want : -1;
		dets[n] = det;
		sohoa_ocr_result_dispose(&results[i]);
		free(json[i]);
		json[i] = NULL;
		sohoa_ocr_result_init(&todo[n]);
		paths[n] = job->pages[i].path;
		which[n++] = i;
	}
	if ((rc = ocr_pages(job->cfg, paths, views, dets, n, todo, tjson)))
		goto done;
	for (size_t k = 0; k < n; k++) {
		size_t i = which[k];

		results[i] = todo[k];
		json[i] = tjson[k];
		sohoa_ocr_result_init(&todo[k]);
		tjson[k] = NULL;
		if (job->sj &&
		    cli_ocr_result_save(job->pages[i].path, &results[i],
		                        json[i]) != SOHOA_OK)
			sohoa_log(SOHOA_LOG_WARN, "%s", sohoa_error_last());
	}
done:
	for (size_t k = 0; todo && tjson && k < n; k++) {
		sohoa_ocr_result_dispose(&todo[k]);
		free(tjson[k]);
	}
	free(todo);
	free(tjson);
	free(paths);
	free(which);
	free(views);
	free(dets);
	return rc;
}

int cli_job_pack(struct cli_job *job, const sohoa_ocr_result *results,
                 char *const *json, char **bundle, int *created)
{
	const char *state = job->sj ? sohoa_scan_job_state(job->sj) : "";
	int rc;

	*bundle = NULL;
	*created = 0;
	if (!strcmp(state, CLI_JOB_FILED)) /* appended; index it */
		return sohoa_archive_bundle_path(
		    bundle, sohoa_config_get(job->cfg, "archive.root"),
		    job->case_number);
	if (!strcmp(state, SOHOA_SCAN_JOB_FILING) &&
	    (rc = sohoa_archive_bundle_path(
	         bundle, sohoa_config_get(job->cfg, "archive.root"),
	         job->case_number)) == SOHOA_OK &&
	    already_filed(job, *bundle)) {
		/* an earlier run died after the bundle was renamed in */
		sohoa_log(SOHOA_LOG_INFO,
		          "job %s: already in %s, not appended again",
		          sohoa_scan_job_id(job->sj), *bundle);
	} else {
		free(*bundle);
		*bundle = NULL;
		char **staff = NULL; /* a committed draft's analyses */

		if (job->sj && sohoa_scan_job_is_draft(job->sj)) {
			if (!(staff = calloc(job->npages + 1, sizeof(*staff))))
				return sohoa_error_set(SOHOA_ENOMEM,
				                       "out of memory");
			for (size_t i = 0; i < job->npages; i++)
				if ((rc = cli_draft_analysis(&staff[i], job, i,
				                             json[i]))) {
					cli_free_list(staff, i);
					return rc;
				}
		}
		if ((job->sj && (rc = sohoa_scan_job_set_state(
		                     job->sj, SOHOA_SCAN_JOB_FILING, NULL))) ||
		    (rc = append_pages(bundle, created, job->cfg,
		                       job->case_number, job->component,
		                       job->kind, job->pages, results,
		                       staff ? staff : json, job->npages))) {
			if (staff)
				cli_free_list(staff, job->npages);
			return rc;
		}
		if (staff)
			cli_free_list(staff, job->npages);
	}
	cli_test_stall("pack");
	/* the bundle is written, synced and verified */
	return job->sj ? sohoa_scan_job_set_state(job->sj, CLI_JOB_FILED, NULL)
	               : SOHOA_OK;
}

int cli_job_index_remove(struct cli_job *job, const char *bundle)
{
	int rc;

	if (!job->sj) {
		/* no journal to say "filed": the folder goes first */
		if (sohoa_fs_remove_tree(job->spool_dir) != SOHOA_OK)
			sohoa_log(SOHOA_LOG_WARN, "spool %s left behind: %s",
			          job->spool_dir, sohoa_error_last());
		return index_filed(job->cfg, job->case_number, bundle);
	}
	cli_test_stall("index");
	if ((rc = index_filed(job->cfg, job->case_number, bundle)))
		return sohoa_error_set(rc,
		                       "%s (job %s stays in the spool, filed; "
		                       "sohoad indexes it again at its next "
		                       "start)",
		                       sohoa_error_last(),
		                       sohoa_scan_job_id(job->sj));
	if (sohoa_scan_job_remove(job->sj) != SOHOA_OK)
		sohoa_log(SOHOA_LOG_WARN, "spool %s left behind: %s",
		          job->spool_dir, sohoa_error_last());
	return SOHOA_OK;
}

int cli_job_finish(struct cli_job *job)
{
	sohoa_ocr_result *results = NULL;
	char **json = NULL, *bundle = NULL;
	int rc, created = 0, blanks = 0;

	if (job->npages == 0)
		return sohoa_error_set(SOHOA_EINVALID, "no pages to file");
	/* before OCR: a signer that cannot sign stops the job early */
	if ((rc = cli_archive_setup(job->cfg, 1)))
		return rc;
	results = calloc(job->npages, sizeof(*results));
	json = calloc(job->npages, sizeof(*json));
	if (!results || !json) {
		rc = sohoa_error_set(SOHOA_ENOMEM, "out of memory");
		goto done;
	}
	if (!job->sj || strcmp(sohoa_scan_job_state(job->sj), CLI_JOB_FILED)) {
		if ((rc = cli_job_recognize(job, results, json)))
			goto done;
		for (size_t i = 0; i < job->npages; i++)
			blanks += results[i].blank;
	}
	if ((rc = cli_job_pack(job, results, json, &bundle, &created)) ||
	    (rc = cli_job_index_remove(job, bundle)))
		goto done;
	printf("case %s: %zu page%s added to %s \"%s\"", job->case_number,
	       job->npages, job->npages == 1 ? "" : "s", job->kind,
	       job->component);
	if (blanks)
		printf(" (%d blank, kept)", blanks);
	printf("\n");
	printf("bundle: %s%s\n", bundle, created ? " (new)" : "");
	printf("indexed: yes\n");
done:
	for (size_t i = 0; results && json && i < job->npages; i++) {
		sohoa_ocr_result_dispose(&results[i]);
		free(json[i]);
	}
	free(results);
	free(json);
	free(bundle);
	return rc;
}

int cli_bundle_for(char **out, const sohoa_config *cfg, const char *arg)
{
	size_t n = strlen(arg);

	*out = NULL;
	if (strchr(arg, '/') || (n > 4 && strcmp(arg + n - 4, ".zip") == 0)) {
		if (!(*out = strdup(arg)))
			return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
		return SOHOA_OK;
	}
	return sohoa_archive_bundle_path(
	    out, sohoa_config_get(cfg, "archive.root"), arg);
}

int cli_access_log(const sohoa_config *cfg, const char *what,
                   const char *case_number, const char *detail)
{
	char now[21], *path = NULL, *line = NULL;
	int fd = -1, rc;

	sohoa_time_iso8601(now);
	if ((rc = sohoa_asprintf(&path, "%s/access.log",
	                         sohoa_config_get(cfg, "archive.root"))) ||
	    (rc = sohoa_asprintf(&line, "%s\t%s\t%s\t%s\t%s\t%s\n", now,
	                         sohoa_config_get(cfg, "station.operator"),
	                         sohoa_config_get(cfg, "station.name"), what,
	                         case_number, detail ? detail : "")))
		goto done;
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (fd < 0 || write(fd, line, strlen(line)) != (ssize_t)strlen(line) ||
	    fsync(fd) != 0)
		rc =
		    sohoa_error_set(sohoa_error_from_errno(errno),
		                    "access log %s: %s", path, strerror(errno));
done:
	if (rc != SOHOA_OK)
		sohoa_log(SOHOA_LOG_WARN, "%s not logged: %s", what,
		          sohoa_error_last());
	if (fd >= 0)
		close(fd);
	free(path);
	free(line);
	return rc;
}

/* A path from the configuration: relative ones are relative to the file's
 * folder, as for the path keys config.c resolves itself. */
static int config_path(char **out, const sohoa_config *cfg, const char *key)
{
	const char *v = sohoa_config_get(cfg, key);
	const char *file = sohoa_config_file(cfg);
	const char *slash = file ? strrchr(file, '/') : NULL;

	*out = NULL;
	if (!v[0] || v[0] == '/' || !slash)
		return sohoa_asprintf(out, "%s", v);
	return sohoa_asprintf(out, "%.*s/%s", (int)(slash - file), file, v);
}

int cli_archive_setup(const sohoa_config *cfg, int signing)
{
	char *cert = NULL, *key = NULL, *ca = NULL, *enc = NULL;
	int rc;

	if ((rc = config_path(&enc, cfg, "archive.encrypt_key")) ||
	    (rc = sohoa_archive_set_encryption(
	         enc, sohoa_config_get(cfg, "archive.encrypt_types"),
	         sohoa_config_get(cfg, "archive.root"))))
		goto done;
	if ((rc = config_path(&cert, cfg, "archive.sign_cert")) ||
	    (rc = config_path(&key, cfg, "archive.sign_key")) ||
	    (rc = config_path(&ca, cfg, "archive.trust_ca")))
		goto done;
	if ((signing && (rc = sohoa_archive_set_signer(cert, key))) ||
	    (rc = sohoa_archive_set_trust(
	         ca, sohoa_config_get_bool(cfg, "archive.require_signature"))))
		rc = sohoa_error_set(
		    rc == SOHOA_EINVALID ? SOHOA_EINVALID : SOHOA_EENV,
		    "[archive] signing: %s", sohoa_error_last());
done:
	free(cert);
	free(key);
	free(ca);
	free(enc);
	return rc;
}
