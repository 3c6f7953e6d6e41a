/* views.c -- the JSON that both `sohoa` and sohoad's web pages show: a
 * search hit, the fields of a bundle page, the review folder, and what
 * sohoad is doing.  One builder per view, so the command line and the web
 * give the same data (jansson).
 */
#include "cli_int.h"

#include "archive/archive.h"
#include "index/index.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

json_t *cli_search_hit_json(const sohoa_index_hit *h)
{
	json_t *o = json_object();

	json_object_set_new(o, "case_number", json_string(h->case_number));
	json_object_set_new(o, "component", json_string(h->component));
	json_object_set_new(o, "kind", json_string(h->kind));
	json_object_set_new(o, "page", json_integer(h->page));
	json_object_set_new(o, "document_type", json_string(h->document_type));
	json_object_set_new(o, "snippet", json_string(h->snippet));
	json_object_set_new(o, "score", json_real(h->score));
	return o;
}

json_t *cli_case_page_fields(const sohoa_archive_case *c, json_t *meta,
                             size_t i)
{
	json_t *pg = json_array_get(json_object_get(meta, "pages"), i);
	json_t *an = json_object_get(pg, "analysis");
	json_t *fields = json_object_get(an, "fields"), *full, *f;
	sohoa_archive_page_info pi;

	/* an encrypted page: its fields are in the encrypted analysis,
	 * which the case handle has read with the key */
	if (json_is_string(json_object_get(an, "analysis_file")) &&
	    sohoa_archive_case_page(&pi, c, i) == SOHOA_OK &&
	    pi.analysis_json &&
	    (full = json_loads(pi.analysis_json, 0, NULL))) {
		f = json_object_get(full, "fields");
		f = json_is_object(f) ? json_incref(f) : json_object();
		json_decref(full);
		return f;
	}
	return json_is_object(fields) ? json_incref(fields) : json_object();
}

/* ---- review folder ------------------------------------------------------ */

static int is_page(const char *name)
{
	return name[0] == 'p';
}

int cli_review_item_name_ok(const char *item)
{
	if (!item || !item[0] || item[0] == '.' || strlen(item) > 200)
		return 0;
	for (const char *s = item; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '-' || *s == '_' ||
		      *s == '.'))
			return 0;
	return 1;
}

int cli_review_item_pages(char ***out, size_t *n_out, const sohoa_config *cfg,
                          const char *item)
{
	char *dir = NULL;
	struct stat st;
	int rc;

	*out = NULL;
	*n_out = 0;
	if (!cli_review_item_name_ok(item))
		return sohoa_error_set(SOHOA_ENOTFOUND,
		                       "'%s' is not a review item name", item);
	if ((rc = sohoa_asprintf(&dir, "%s/%s",
	                         sohoa_config_get(cfg, "review.path"), item)))
		return rc;
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		rc = SOHOA_EENV;
	else
		rc = cli_list_dir(out, n_out, dir, is_page);
	if (rc == SOHOA_EENV)
		rc = sohoa_error_set(SOHOA_ENOTFOUND,
		                     "no review item %s; see 'sohoa review'",
		                     dir);
	free(dir);
	return rc;
}

char *cli_review_item_why(const sohoa_config *cfg, const char *item)
{
	char *path = NULL, *text = NULL;

	if (sohoa_asprintf(&path, "%s/%s.why",
	                   sohoa_config_get(cfg, "review.path"),
	                   item) != SOHOA_OK)
		return NULL;
	if (sohoa_fs_read_all(&text, NULL, path) == SOHOA_OK)
		text[strcspn(text, "\n")] = '\0';
	free(path);
	return text;
}

json_t *cli_review_item_json(const sohoa_config *cfg, const char *item)
{
	char **pages = NULL, *why;
	size_t n = 0;
	json_t *o, *a;

	if (cli_review_item_pages(&pages, &n, cfg, item) != SOHOA_OK)
		return NULL;
	why = cli_review_item_why(cfg, item);
	a = json_array();
	for (size_t i = 0; i < n; i++) {
		const char *slash = strrchr(pages[i], '/');

		json_array_append_new(
		    a, json_string(slash ? slash + 1 : pages[i]));
	}
	o = json_pack("{s:s, s:I, s:o, s:s}", "item", item, "pages",
	              (json_int_t)n, "files", a, "why", why ? why : "");
	free(why);
	cli_free_list(pages, n);
	return o;
}

static int is_item(const char *name)
{
	/* not .tmp-ITEM nor ITEM.why */
	return cli_review_item_name_ok(name) && !strchr(name, '.');
}

json_t *cli_review_list_json(const sohoa_config *cfg)
{
	json_t *a = json_array();
	char **dirs = NULL;
	size_t n = 0;

	if (cli_list_dir(&dirs, &n, sohoa_config_get(cfg, "review.path"),
	                 is_item) != SOHOA_OK)
		return a; /* no review folder yet: nothing waits */
	for (size_t i = 0; i < n; i++) {
		json_t *o =
		    cli_review_item_json(cfg, strrchr(dirs[i], '/') + 1);

		if (o) /* a plain file of that name is not an item */
			json_array_append_new(a, o);
	}
	cli_free_list(dirs, n);
	return a;
}

int cli_review_file(const sohoa_config *cfg, const char *item,
                    const char *case_arg, const char *component,
                    const char *kind, char *case_out)
{
	char norm[SOHOA_CASE_MAX], *dir = NULL, *whyp = NULL;
	char **files = NULL, source[256];
	struct cli_job job = {0};
	int rc;
	size_t n = 0;

	if (!cli_review_item_name_ok(item))
		return sohoa_error_set(SOHOA_EINVALID,
		                       "'%s' is not a review item name", item);
	if ((rc = sohoa_case_normalize(norm, case_arg)))
		return rc;
	if (case_out)
		snprintf(case_out, SOHOA_CASE_MAX, "%s", norm);
	if ((rc = sohoa_asprintf(&dir, "%s/%s",
	                         sohoa_config_get(cfg, "review.path"), item)) ||
	    (rc = sohoa_asprintf(&whyp, "%s.why", dir)) ||
	    (rc = cli_review_item_pages(&files, &n, cfg, item)))
		goto done;
	if (n == 0) {
		rc = sohoa_error_set(SOHOA_EINVALID, "review item %s is empty",
		                     item);
		goto done;
	}
	/* the item's pages are the job's pages: no copy, they are removed
	 * only after the bundle is verified */
	job.cfg = cfg;
	snprintf(job.case_number, sizeof(job.case_number), "%s", norm);
	job.component = component;
	job.kind = kind;
	job.spool_dir = strdup(dir);
	snprintf(source, sizeof(source), "review:%s", item);
	for (size_t i = 0; i < n && rc == SOHOA_OK; i++) {
		sohoa_scan_page pg = {.path = files[i], .source = source};

		rc = cli_job_add_page(&pg, &job);
	}
	if (rc == SOHOA_OK && (rc = cli_job_finish(&job)) == SOHOA_OK)
		unlink(whyp); /* cli_job_finish removed the item folder */
done:
	cli_free_list(files, n);
	free(dir);
	free(whyp);
	cli_job_dispose(&job);
	return rc;
}

/* Pages of a review item go into the spool with their provenance. */
struct review_spool {
	struct cli_job *job;
	const char *source; /* "review:ITEM" */
};

static int review_page(const sohoa_scan_page *pg, void *payload)
{
	struct review_spool *x = payload;
	sohoa_scan_page p = *pg;

	p.source = x->source;
	return cli_job_add_page(&p, x->job);
}

int cli_review_spool(const sohoa_config *cfg, const char *item,
                     const char *case_number, const char *component,
                     const char *kind, char *job_out, size_t job_size,
                     size_t *npages_out)
{
	char norm[SOHOA_CASE_MAX], *dir = NULL, *whyp = NULL, source[256];
	char **files = NULL;
	struct cli_job job = {0};
	struct review_spool x = {&job, source};
	size_t n = 0;
	int rc;

	*npages_out = 0;
	if ((rc = sohoa_case_normalize(norm, case_number)))
		return rc;
	if ((rc = cli_review_item_pages(&files, &n, cfg, item)) ||
	    (rc = sohoa_asprintf(&dir, "%s/%s",
	                         sohoa_config_get(cfg, "review.path"), item)) ||
	    (rc = sohoa_asprintf(&whyp, "%s.why", dir)))
		goto done;
	if (n == 0) {
		rc = sohoa_error_set(SOHOA_EINVALID, "review item %s is empty",
		                     item);
		goto done;
	}
	/* origin: an import left unfinished by a crash is dropped by the
	 * stages, and the item, still here, is filed again */
	if ((rc = cli_job_init(&job, cfg, norm, component, kind, "import", NULL,
	                       dir)))
		goto done;
	snprintf(source, sizeof(source), "review:%s", item);
	for (size_t i = 0; i < n && rc == SOHOA_OK; i++)
		rc = sohoa_scan_import_file(files[i], job.spool_dir,
		                            (int)job.npages + 1, review_page,
		                            &x);
	if (rc == SOHOA_OK)
		rc = sohoa_scan_job_set_state(job.sj, SOHOA_SCAN_JOB_CAPTURED,
		                              NULL);
	if (rc != SOHOA_OK) {
		char msg[1024];

		snprintf(msg, sizeof(msg), "%s", sohoa_error_last());
		sohoa_scan_job_remove(job.sj);
		rc = sohoa_error_set(rc, "%s", msg);
		goto done;
	}
	snprintf(job_out, job_size, "%s", sohoa_scan_job_id(job.sj));
	*npages_out = job.npages;
	/* durable in the spool: the item may go (as a hot-folder original) */
	if (sohoa_fs_remove_tree(dir) != SOHOA_OK || unlink(whyp) != 0 ||
	    sohoa_fs_sync_dir(sohoa_config_get(cfg, "review.path")) != SOHOA_OK)
		sohoa_log(SOHOA_LOG_WARN,
		          "review item %s is in the spool as job %s but could "
		          "not be removed from review: %s",
		          item, job_out, sohoa_error_last());
	else
		sohoa_log(SOHOA_LOG_INFO,
		          "review item %s: %zu page%s in the spool as job %s "
		          "for case %s",
		          item, n, n == 1 ? "" : "s", job_out, norm);
done:
	cli_job_dispose(&job); /* unlocked: sohoad's stages take it on */
	cli_free_list(files, n);
	free(dir);
	free(whyp);
	return rc;
}

/* ---- sohoad's status ---------------------------------------------------- */

/* The spool as sohoa sees it without sohoad: one object per job. */
static json_t *spool_jobs(const sohoa_config *cfg)
{
	json_t *a = json_array();
	char **dirs = NULL;
	size_t n = 0;

	if (cli_list_dir(&dirs, &n, sohoa_config_get(cfg, "spool.path"),
	                 NULL) != SOHOA_OK)
		return a;
	for (size_t i = 0; i < n; i++) {
		sohoa_scan_job *sj = NULL;
		json_t *r, *fault;
		size_t done = 0;

		if (sohoa_scan_job_open(&sj, dirs[i], 1) != SOHOA_OK) {
			sohoa_scan_job_free(sj);
			continue; /* not a job: a batch folder */
		}
		for (size_t k = 0; k < sohoa_scan_job_npages(sj); k++)
			done += cli_ocr_result_exists(
			    sohoa_scan_job_page(sj, k)->path);
		r = json_pack("{s:s, s:s, s:s, s:s, s:b, s:I, s:I}", "id",
		              sohoa_scan_job_id(sj), "case",
		              sohoa_scan_job_get_params(sj)->case_number,
		              "what", sohoa_scan_job_get_params(sj)->what,
		              "state", sohoa_scan_job_state(sj), "busy",
		              sohoa_scan_job_busy(sj), "pages",
		              (json_int_t)sohoa_scan_job_npages(sj),
		              "recognized", (json_int_t)done);
		/* a fault sohoad kept (OCR, pack, index) */
		if (r && (fault = cli_job_fault_load(dirs[i])))
			json_object_set_new(r, "fault", fault);
		json_array_append_new(a, r);
		sohoa_scan_job_free(sj);
	}
	cli_free_list(dirs, n);
	return a;
}

int cli_status_json(json_t **out, const sohoa_config *cfg)
{
	char *answer = NULL, msg[1024];
	json_t *o;

	*out = NULL;
	if (cli_control_call(&answer, cfg, "{\"cmd\":\"status\"}") !=
	    SOHOA_OK) {
		snprintf(msg, sizeof(msg), "%s", sohoa_error_last());
		*out = json_pack("{s:b, s:b, s:s, s:o}", "ok", 0, "daemon", 0,
		                 "error", msg, "spool", spool_jobs(cfg));
		sohoa_error_set(SOHOA_EENV, "sohoad is not running: %s", msg);
		return SOHOA_EENV;
	}
	if (!(o = json_loads(answer, JSON_DISABLE_EOF_CHECK, NULL)) ||
	    !json_is_true(json_object_get(o, "ok"))) {
		json_decref(o);
		sohoa_error_set(SOHOA_EENV, "sohoad answered: %s", answer);
		free(answer);
		return SOHOA_EENV;
	}
	free(answer);
	*out = o;
	return SOHOA_OK;
}
