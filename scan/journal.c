/* journal.c -- capture jobs: a spool folder and its append-only journal.
 *
 * journal.jsonl holds one JSON object per line (jansson), each written
 * with one write() and fsynced before the caller goes on.  The job holds
 * an exclusive flock on the journal while it is open for writing.
 */
#include "scan/scan.h"

#include "config/config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define JOURNAL "journal.jsonl"

/* A journaled page, kept small: a long batch holds one per page. */
struct page_rec {
	sohoa_scan_page pg; /* strings point into `strs` */
	char *strs;         /* owned: path, mode, source, sha, options, time
	                       back to back */
};

struct sohoa_scan_job {
	char *dir;    /* owned */
	char *id;     /* owned: points into a copy of the folder name */
	int fd;       /* journal, -1 when read-only */
	int busy;     /* read-only: another process holds it */
	json_t *head; /* owned: the "job" record */
	sohoa_scan_job_params params;
	const char **set; /* owned array; strings in head or extra */
	json_t *extra;    /* owned: array of resume option strings */
	char *state;      /* owned */
	char *error;      /* owned or NULL */
	struct page_rec *pages;
	size_t npages;
	json_t *view;        /* owned or NULL: the last "view" record */
	json_t *corrections; /* owned: array of "correct" records */
	json_t *commit;      /* owned or NULL: the "commit" record */
	json_t *case_rec;    /* owned or NULL: the last "case" record */
};

static const char *str_or_null(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static int sys_fail(const char *what, const char *path)
{
	int err = errno;

	return sohoa_error_set(sohoa_error_from_errno(err), "%s %s: %s", what,
	                       path, strerror(err));
}

/* Append one record and make it durable. */
static int append(sohoa_scan_job *job, json_t *rec)
{
	char *text = json_dumps(rec, JSON_COMPACT | JSON_ENSURE_ASCII);
	size_t len, off = 0;
	int rc = SOHOA_OK;

	if (!text)
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	len = strlen(text);
	text[len++] = '\n'; /* replaces the NUL: json_dumps' buffer */
	while (off < len) {
		ssize_t n = write(job->fd, text + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = sys_fail("cannot write journal in", job->dir);
			break;
		}
		off += (size_t)n;
	}
	if (rc == SOHOA_OK && fsync(job->fd) != 0)
		rc = sys_fail("cannot sync journal in", job->dir);
	free(text);
	return rc;
}

static void now_iso(char buf[21])
{
	sohoa_time_iso8601(buf);
}

static int rebuild_set(sohoa_scan_job *job)
{
	json_t *orig = json_object_get(job->head, "set");
	size_t n1 = json_array_size(orig), n2 = json_array_size(job->extra);
	const char **set = calloc(n1 + n2 + 1, sizeof(*set));

	if (!set)
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	for (size_t i = 0; i < n1; i++)
		set[i] = json_string_value(json_array_get(orig, i));
	for (size_t i = 0; i < n2; i++)
		set[n1 + i] = json_string_value(json_array_get(job->extra, i));
	free(job->set);
	job->set = set;
	job->params.scan.set = set;
	job->params.scan.nset = n1 + n2;
	return SOHOA_OK;
}

/* Point params at the strings of the "job" record. */
static int load_head(sohoa_scan_job *job)
{
	json_t *h = job->head;
	sohoa_scan_job_params *p = &job->params;

	p->what = str_or_null(h, "what");
	p->case_number = str_or_null(h, "case");
	p->component = str_or_null(h, "component");
	p->kind = str_or_null(h, "kind");
	p->origin = str_or_null(h, "origin");
	p->scan.device = str_or_null(h, "device");
	p->scan.source = str_or_null(h, "source");
	p->scan.mode = str_or_null(h, "mode");
	p->scan.dpi = (int)json_integer_value(json_object_get(h, "dpi"));
	p->scan.max_pages =
	    (int)json_integer_value(json_object_get(h, "max_pages"));
	p->hold = json_is_true(json_object_get(h, "hold"));
	if (job->case_rec && str_or_null(job->case_rec, "case"))
		p->case_number = str_or_null(job->case_rec, "case");
	if (!p->what || !p->case_number || !p->component || !p->kind)
		return sohoa_error_set(
		    SOHOA_EIO,
		    "journal of job %s: the job record lacks "
		    "what, case, component or kind",
		    job->dir);
	return rebuild_set(job);
}

static int set_state(sohoa_scan_job *job, const char *state, const char *error)
{
	char *s = strdup(state), *e = error ? strdup(error) : NULL;

	if (!s || (error && !e)) {
		free(s);
		free(e);
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	}
	free(job->state);
	free(job->error);
	job->state = s;
	job->error = e;
	return SOHOA_OK;
}

static int push_page(sohoa_scan_job *job, json_t *rec)
{
	struct page_rec *np, *r;
	const char *file = str_or_null(rec, "file");

	if (!file || strchr(file, '/'))
		return sohoa_error_set(SOHOA_EIO,
		                       "journal of job %s: page record without "
		                       "a file name",
		                       job->dir);
	const char *v[6];
	size_t len = strlen(job->dir) + strlen(file) + 2;
	char *w;

	v[0] = NULL; /* the path, made below */
	v[1] = str_or_null(rec, "mode");
	v[2] = str_or_null(rec, "source");
	v[3] = str_or_null(rec, "source_sha256");
	v[4] = str_or_null(rec, "options");
	v[5] = str_or_null(rec, "time");
	for (int i = 1; i < 6; i++)
		len += v[i] ? strlen(v[i]) + 1 : 0;
	np = realloc(job->pages, (job->npages + 1) * sizeof(*np));
	if (!np)
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	job->pages = np;
	r = &np[job->npages];
	memset(r, 0, sizeof(*r));
	if (!(r->strs = w = malloc(len)))
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	r->pg.path = w;
	w += sprintf(w, "%s/%s", job->dir, file) + 1;
	for (int i = 1; i < 6; i++) {
		const char **dst[] = {NULL,           &r->pg.mode,
		                      &r->pg.source,  &r->pg.source_sha256,
		                      &r->pg.options, &r->pg.capture_time};

		if (!v[i])
			continue;
		*dst[i] = w;
		w += sprintf(w, "%s", v[i]) + 1;
	}
	r->pg.index = (int)json_integer_value(json_object_get(rec, "index"));
	r->pg.width = (int)json_integer_value(json_object_get(rec, "width"));
	r->pg.height = (int)json_integer_value(json_object_get(rec, "height"));
	r->pg.dpi = (int)json_integer_value(json_object_get(rec, "dpi"));
	r->pg.depth = (int)json_integer_value(json_object_get(rec, "depth"));
	job->npages++;
	return SOHOA_OK;
}

static int new_job(sohoa_scan_job **out, const char *dir)
{
	sohoa_scan_job *job = calloc(1, sizeof(*job));
	const char *slash;

	*out = NULL;
	if (!job)
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	job->fd = -1;
	slash = strrchr(dir, '/');
	if (!(job->dir = strdup(dir)) ||
	    !(job->id = strdup(slash ? slash + 1 : dir)) ||
	    !(job->extra = json_array()) ||
	    !(job->corrections = json_array())) {
		sohoa_scan_job_free(job);
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	}
	*out = job;
	return SOHOA_OK;
}

void sohoa_scan_job_free(sohoa_scan_job *job)
{
	if (!job)
		return;
	if (job->fd >= 0)
		close(job->fd); /* releases the flock */
	for (size_t i = 0; i < job->npages; i++)
		free(job->pages[i].strs);
	free(job->pages);
	free(job->set);
	json_decref(job->extra);
	json_decref(job->view);
	json_decref(job->corrections);
	json_decref(job->commit);
	json_decref(job->case_rec);
	json_decref(job->head);
	free(job->state);
	free(job->error);
	free(job->dir);
	free(job->id);
	free(job);
}

static int lock_journal(sohoa_scan_job *job, const char *path)
{
	/* a read-only open (sohoad's feeder, `sohoa jobs`) probes with a
	 * shared lock for a few microseconds: try again for ~100 ms before
	 * calling the job busy; a writer holds its lock for the whole job */
	int rc, tries = 0;

	while ((rc = flock(job->fd, LOCK_EX | LOCK_NB)) != 0 &&
	       errno == EWOULDBLOCK && ++tries < 50) {
		struct timespec ts = {0, 2000000};

		nanosleep(&ts, NULL);
	}
	if (rc != 0) {
		if (errno == EWOULDBLOCK)
			return sohoa_error_set(SOHOA_EBUSY,
			                       "job %s is in use by another "
			                       "sohoa process; wait for it to "
			                       "finish (see 'sohoa jobs')",
			                       job->id);
		return sys_fail("cannot lock", path);
	}
	return SOHOA_OK;
}

int sohoa_scan_job_create(sohoa_scan_job **out, const char *spool,
                          const sohoa_scan_job_params *p)
{
	sohoa_scan_job *job = NULL;
	char *dir = NULL, *path = NULL, created[21];
	json_t *rec = NULL, *set = NULL;
	struct timespec ts;
	int rc;

	*out = NULL;
	clock_gettime(CLOCK_REALTIME, &ts);
	if ((rc = sohoa_asprintf(&dir, "%s/%s-%lld-%09ld-%ld", spool, p->what,
	                         (long long)ts.tv_sec, ts.tv_nsec,
	                         (long)getpid())))
		return rc;
	if ((rc = sohoa_fs_mkdirs(dir)) || (rc = new_job(&job, dir)) ||
	    (rc = sohoa_asprintf(&path, "%s/" JOURNAL, dir)))
		goto done;
	job->fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC,
	               0664);
	if (job->fd < 0) {
		rc = sys_fail("cannot create", path);
		goto done;
	}
	if ((rc = lock_journal(job, path)))
		goto done;
	now_iso(created);
	set = json_array();
	for (size_t i = 0; set && i < p->scan.nset; i++)
		json_array_append_new(set, json_string(p->scan.set[i]));
	rec = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "rec", "job", "what",
	                p->what, "case", p->case_number, "component",
	                p->component, "kind", p->kind, "time", created);
	if (!rec || !set) {
		rc = sohoa_error_set(SOHOA_ENOMEM, "out of memory");
		goto done;
	}
	if (p->origin)
		json_object_set_new(rec, "origin", json_string(p->origin));
	if (p->scan.device && p->scan.device[0])
		json_object_set_new(rec, "device", json_string(p->scan.device));
	if (p->scan.source)
		json_object_set_new(rec, "source", json_string(p->scan.source));
	if (p->scan.mode)
		json_object_set_new(rec, "mode", json_string(p->scan.mode));
	if (p->scan.dpi)
		json_object_set_new(rec, "dpi", json_integer(p->scan.dpi));
	if (p->scan.max_pages)
		json_object_set_new(rec, "max_pages",
		                    json_integer(p->scan.max_pages));
	if (p->hold)
		json_object_set_new(rec, "hold", json_true());
	json_object_set(rec, "set", set);
	if ((rc = append(job, rec)) || (rc = sohoa_fs_sync_dir(dir)) ||
	    (rc = sohoa_fs_sync_dir(spool)))
		goto done;
	job->head = json_incref(rec);
	if ((rc = load_head(job)) ||
	    (rc = set_state(job, SOHOA_SCAN_JOB_CAPTURING, NULL)))
		goto done;
	*out = job;
	job = NULL;
done:
	if (job) {
		sohoa_scan_job_free(job);
		sohoa_fs_remove_tree(dir);
	}
	json_decref(rec);
	json_decref(set);
	free(path);
	free(dir);
	return rc;
}

/* Parse the journal text; `*good_len` gets the length of the complete
 * lines (a torn last line is not counted). */
static int parse_journal(sohoa_scan_job *job, char *text, size_t len,
                         size_t *good_len)
{
	size_t off = 0;
	int line = 0, rc;

	while (off < len) {
		char *nl = memchr(text + off, '\n', len - off);
		json_t *rec;
		json_error_t err;
		const char *kind;

		line++;
		if (!nl)
			break; /* torn last line: the write never completed */
		rec = json_loadb(text + off, (size_t)(nl - (text + off)), 0,
		                 &err);
		if (!rec || !(kind = str_or_null(rec, "rec"))) {
			json_decref(rec);
			return sohoa_error_set(SOHOA_EIO,
			                       "journal %s/" JOURNAL
			                       " line %d is damaged (%s); "
			                       "move the job out of the spool "
			                       "and file its pages with 'sohoa "
			                       "import'",
			                       job->dir, line, err.text);
		}
		rc = SOHOA_OK;
		if (line == 1) {
			if (strcmp(kind, "job") != 0)
				rc = sohoa_error_set(SOHOA_EIO,
				                     "journal %s/" JOURNAL
				                     " does not start with a "
				                     "job record",
				                     job->dir);
			else
				job->head = json_incref(rec);
		} else if (strcmp(kind, "page") == 0) {
			rc = push_page(job, rec);
		} else if (strcmp(kind, "state") == 0) {
			rc = set_state(job,
			               str_or_null(rec, "state")
			                   ? str_or_null(rec, "state")
			                   : SOHOA_SCAN_JOB_CAPTURING,
			               str_or_null(rec, "error"));
		} else if (strcmp(kind, "set") == 0) {
			json_t *a = json_object_get(rec, "set");

			for (size_t i = 0; i < json_array_size(a); i++)
				json_array_append(job->extra,
				                  json_array_get(a, i));
		} else if (strcmp(kind, "view") == 0) {
			json_decref(job->view);
			job->view = json_incref(rec);
		} else if (strcmp(kind, "correct") == 0) {
			json_array_append(job->corrections, rec);
		} else if (strcmp(kind, "case") == 0) {
			json_decref(job->case_rec);
			job->case_rec = json_incref(rec);
		} else if (strcmp(kind, "commit") == 0) {
			json_decref(job->commit);
			job->commit = json_incref(rec);
		} /* unknown records are skipped: newer sohoa */
		json_decref(rec);
		if (rc)
			return rc;
		off = (size_t)(nl - text) + 1;
	}
	*good_len = off;
	if (!job->head)
		return sohoa_error_set(
		    SOHOA_EIO, "journal %s/" JOURNAL " is empty", job->dir);
	return SOHOA_OK;
}

/* Remove what the journal does not name: the page in flight when the
 * process died, raw temp files.  A journaled page's OCR result
 * (PAGE.ocr.json, written by sohoad's workers) and sohoad's fault note
 * (SOHOA_SCAN_JOB_FAULT_FILE) are kept. */
static int tidy(sohoa_scan_job *job)
{
	DIR *d = opendir(job->dir);
	struct dirent *e;
	int removed = 0;

	if (!d)
		return sys_fail("cannot read", job->dir);
	while ((e = readdir(d))) {
		int named = !strcmp(e->d_name, ".") ||
		            !strcmp(e->d_name, "..") ||
		            !strcmp(e->d_name, JOURNAL) ||
		            /* sohoad's fault note, and its temp file */
		            !strncmp(e->d_name, SOHOA_SCAN_JOB_FAULT_FILE,
		                     strlen(SOHOA_SCAN_JOB_FAULT_FILE));
		char *path = NULL;

		for (size_t i = 0; !named && i < job->npages; i++) {
			const char *f = strrchr(job->pages[i].pg.path, '/') + 1;
			size_t fl = strlen(f);

			/* the page, or its OCR result (PAGE.ocr.json, and
			 * the temp file of one being written) */
			named = !strcmp(f, e->d_name) ||
			        (!strncmp(f, e->d_name, fl) &&
			         !strncmp(e->d_name + fl, ".ocr.json", 9));
		}
		if (named)
			continue;
		if (sohoa_asprintf(&path, "%s/%s", job->dir, e->d_name) == 0) {
			sohoa_log(SOHOA_LOG_INFO,
			          "job %s: removing %s, not in the journal "
			          "(the page in flight when it stopped)",
			          job->id, e->d_name);
			unlink(path);
			removed++;
		}
		free(path);
	}
	closedir(d);
	return removed ? sohoa_fs_sync_dir(job->dir) : SOHOA_OK;
}

int sohoa_scan_job_open(sohoa_scan_job **out, const char *dir, int readonly)
{
	sohoa_scan_job *job = NULL;
	char *path = NULL, *text = NULL;
	size_t len = 0, good = 0;
	int rc, fd = -1;

	*out = NULL;
	if ((rc = new_job(&job, dir)) ||
	    (rc = sohoa_asprintf(&path, "%s/" JOURNAL, dir)))
		goto done;
	fd = open(path, (readonly ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (fd < 0) {
		rc = errno == ENOENT
		         ? sohoa_error_set(SOHOA_ENOTFOUND,
		                           "no job in %s (no " JOURNAL
		                           "); see 'sohoa jobs'",
		                           dir)
		         : sys_fail("cannot open", path);
		goto done;
	}
	if (readonly) {
		if (flock(fd, LOCK_SH | LOCK_NB) != 0)
			job->busy = 1;
		close(fd);
		fd = -1;
	} else {
		job->fd = fd;
		fd = -1;
		if ((rc = lock_journal(job, path)))
			goto done;
	}
	/* read after locking: the writer has finished its last record */
	if ((rc = sohoa_fs_read_all(&text, &len, path)) ||
	    (rc = set_state(job, SOHOA_SCAN_JOB_CAPTURING, NULL)) ||
	    (rc = parse_journal(job, text, len, &good)) ||
	    (rc = load_head(job)))
		goto done;
	for (size_t i = 0; i < job->npages; i++)
		if (access(job->pages[i].pg.path, R_OK) != 0) {
			rc = sohoa_error_set(SOHOA_EIO,
			                     "job %s: journaled page %s is "
			                     "missing from the spool",
			                     job->id, job->pages[i].pg.path);
			goto done;
		}
	if (!readonly) {
		if (good < len) {
			sohoa_log(SOHOA_LOG_INFO,
			          "job %s: dropping a torn journal line",
			          job->id);
			if (ftruncate(job->fd, (off_t)good) != 0 ||
			    fsync(job->fd) != 0) {
				rc = sys_fail("cannot repair", path);
				goto done;
			}
		}
		/* O_APPEND was not used for the read/write open */
		if (lseek(job->fd, 0, SEEK_END) < 0) {
			rc = sys_fail("cannot seek", path);
			goto done;
		}
		if ((rc = tidy(job)))
			goto done;
	}
	*out = job;
	job = NULL;
done:
	if (fd >= 0)
		close(fd);
	sohoa_scan_job_free(job);
	free(text);
	free(path);
	return rc;
}

const char *sohoa_scan_job_id(const sohoa_scan_job *job)
{
	return job->id;
}

const char *sohoa_scan_job_dir(const sohoa_scan_job *job)
{
	return job->dir;
}

const sohoa_scan_job_params *
sohoa_scan_job_get_params(const sohoa_scan_job *job)
{
	return &job->params;
}

const char *sohoa_scan_job_state(const sohoa_scan_job *job)
{
	return job->state;
}

const char *sohoa_scan_job_error(const sohoa_scan_job *job)
{
	return job->error;
}

const char *sohoa_scan_job_created(const sohoa_scan_job *job)
{
	const char *t = str_or_null(job->head, "time");

	return t ? t : "";
}

int sohoa_scan_job_busy(const sohoa_scan_job *job)
{
	return job->busy;
}

size_t sohoa_scan_job_npages(const sohoa_scan_job *job)
{
	return job->npages;
}

const sohoa_scan_page *sohoa_scan_job_page(const sohoa_scan_job *job, size_t i)
{
	return i < job->npages ? &job->pages[i].pg : NULL;
}

int sohoa_scan_job_add_page(const sohoa_scan_page *pg, void *payload)
{
	sohoa_scan_job *job = payload;
	const char *slash = strrchr(pg->path, '/');
	size_t dlen = strlen(job->dir);
	char now[21];
	json_t *rec;
	int rc;

	if (!slash || (size_t)(slash - pg->path) != dlen ||
	    strncmp(pg->path, job->dir, dlen) != 0)
		return sohoa_error_set(SOHOA_EINVALID,
		                       "page %s is not in job folder %s",
		                       pg->path, job->dir);
	now_iso(now);
	rec =
	    json_pack("{s:s, s:s, s:i, s:i, s:i, s:i, s:i, s:s}", "rec", "page",
	              "file", slash + 1, "index", pg->index, "width", pg->width,
	              "height", pg->height, "dpi", pg->dpi, "depth", pg->depth,
	              "time", pg->capture_time ? pg->capture_time : now);
	if (!rec)
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	if (pg->mode)
		json_object_set_new(rec, "mode", json_string(pg->mode));
	if (pg->source)
		json_object_set_new(rec, "source", json_string(pg->source));
	if (pg->source_sha256)
		json_object_set_new(rec, "source_sha256",
		                    json_string(pg->source_sha256));
	if (pg->options)
		json_object_set_new(rec, "options", json_string(pg->options));
	if ((rc = append(job, rec)) == SOHOA_OK)
		rc = push_page(job, rec);
	json_decref(rec);
	return rc;
}

int sohoa_scan_job_add_options(sohoa_scan_job *job, const char *const *set,
                               size_t nset)
{
	json_t *a = json_array(), *rec;
	int rc;

	if (nset == 0) {
		json_decref(a);
		return SOHOA_OK;
	}
	for (size_t i = 0; a && i < nset; i++)
		json_array_append_new(a, json_string(set[i]));
	if (!a || !(rec = json_pack("{s:s, s:O}", "rec", "set", "set", a))) {
		json_decref(a);
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	}
	if ((rc = append(job, rec)) == SOHOA_OK) {
		json_array_extend(job->extra, a);
		rc = rebuild_set(job);
	}
	json_decref(rec);
	json_decref(a);
	return rc;
}

int sohoa_scan_job_set_state(sohoa_scan_job *job, const char *state,
                             const char *error)
{
	char now[21];
	json_t *rec;
	int rc;

	now_iso(now);
	rec = json_pack("{s:s, s:s, s:s}", "rec", "state", "state", state,
	                "time", now);
	if (!rec)
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	if (error)
		json_object_set_new(rec, "error", json_string(error));
	if ((rc = append(job, rec)) == SOHOA_OK)
		rc = set_state(job, state, error);
	json_decref(rec);
	return rc;
}

int sohoa_scan_job_remove(sohoa_scan_job *job)
{
	char *parent = strdup(job->dir), *slash;
	int rc;

	if (!parent)
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	rc = sohoa_fs_remove_tree(job->dir);
	if (rc == SOHOA_OK && (slash = strrchr(parent, '/'))) {
		*slash = '\0';
		rc = sohoa_fs_sync_dir(parent[0] ? parent : "/");
	}
	free(parent);
	return rc;
}

/* ---- drafts ------------------------------------------------------------- */

int sohoa_scan_job_is_draft(const sohoa_scan_job *job)
{
	return job->params.hold;
}

int sohoa_scan_job_held(const sohoa_scan_job *job)
{
	return job->params.hold && !job->commit;
}

const char *sohoa_scan_job_committed_by(const sohoa_scan_job *job)
{
	return job->commit ? str_or_null(job->commit, "by") : NULL;
}

const char *sohoa_scan_job_committed_at(const sohoa_scan_job *job)
{
	return job->commit ? str_or_null(job->commit, "time") : NULL;
}

static const char *page_file(const sohoa_scan_job *job, size_t i)
{
	return strrchr(job->pages[i].pg.path, '/') + 1;
}

static size_t find_page(const sohoa_scan_job *job, const char *file)
{
	for (size_t i = 0; file && i < job->npages; i++)
		if (!strcmp(page_file(job, i), file))
			return i;
	return SIZE_MAX;
}

int sohoa_scan_job_view(const sohoa_scan_job *job, sohoa_scan_view_page **out,
                        size_t *n_out)
{
	json_t *pages = job->view ? json_object_get(job->view, "pages") : NULL;
	size_t cap = job->npages ? job->npages : 1, n = 0, nr = 0;
	sohoa_scan_view_page *v = calloc(cap, sizeof(*v)),
	                     *rm = calloc(cap, sizeof(*rm));
	unsigned char *seen = calloc(cap, 1);

	*out = NULL;
	*n_out = 0;
	if (!v || !rm || !seen) {
		free(v);
		free(rm);
		free(seen);
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	}
	/* kept pages as arranged, then new arrivals, then removed ones */
	for (size_t k = 0; k < json_array_size(pages); k++) {
		json_t *e = json_array_get(pages, k);
		size_t i = find_page(job, str_or_null(e, "file"));
		int removed = json_is_true(json_object_get(e, "removed"));
		sohoa_scan_view_page *d;

		if (i == SIZE_MAX || seen[i])
			continue;
		seen[i] = 1;
		d = removed ? &rm[nr++] : &v[n++];
		d->page = i;
		d->rotation =
		    (int)json_integer_value(json_object_get(e, "rotation"));
		d->removed = removed;
	}
	for (size_t i = 0; i < job->npages; i++)
		if (!seen[i])
			v[n++].page = i;
	for (size_t i = 0; i < nr; i++)
		v[n++] = rm[i];
	free(rm);
	free(seen);
	*out = v;
	*n_out = n;
	return SOHOA_OK;
}

static int draft_open(const sohoa_scan_job *job)
{
	if (job->fd < 0)
		return sohoa_error_set(
		    SOHOA_EINVALID, "job %s is not open for writing", job->id);
	if (!job->params.hold)
		return sohoa_error_set(SOHOA_EINVALID,
		                       "job %s is not a draft: only front-desk "
		                       "drafts can be changed before filing",
		                       job->id);
	if (job->commit)
		return sohoa_error_set(SOHOA_EINVALID,
		                       "job %s is committed already: it can no "
		                       "longer change",
		                       job->id);
	return SOHOA_OK;
}

/* Append `rec` (stolen) and keep it in *slot (replacing) or `array`. */
static int append_keep(sohoa_scan_job *job, json_t *rec, json_t **slot,
                       json_t *array)
{
	int rc;

	if (!rec)
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	if ((rc = append(job, rec)) == SOHOA_OK) {
		if (slot) {
			json_decref(*slot);
			*slot = json_incref(rec);
		} else {
			json_array_append(array, rec);
		}
	}
	json_decref(rec);
	return rc;
}

int sohoa_scan_job_set_view(sohoa_scan_job *job,
                            const sohoa_scan_view_page *pages, size_t n,
                            const char *by)
{
	unsigned char *seen;
	json_t *a;
	char now[21];
	int rc;

	if ((rc = draft_open(job)))
		return rc;
	if (!(seen = calloc(job->npages ? job->npages : 1, 1)) ||
	    !(a = json_array())) {
		free(seen);
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	}
	for (size_t k = 0; k < n && rc == SOHOA_OK; k++) {
		const sohoa_scan_view_page *p = &pages[k];

		if (p->page >= job->npages)
			rc = sohoa_error_set(SOHOA_EINVALID,
			                     "job %s has no page %zu", job->id,
			                     p->page + 1);
		else if (seen[p->page])
			rc = sohoa_error_set(SOHOA_EINVALID,
			                     "job %s: page %s named twice",
			                     job->id, page_file(job, p->page));
		else if (p->rotation < 0 || p->rotation > 270 ||
		         p->rotation % 90)
			rc = sohoa_error_set(SOHOA_EINVALID,
			                     "rotation %d: expected 0, 90, 180 "
			                     "or 270",
			                     p->rotation);
		else {
			seen[p->page] = 1;
			json_array_append_new(
			    a,
			    json_pack("{s:s, s:i, s:b}", "file",
			              page_file(job, p->page), "rotation",
			              p->rotation, "removed", p->removed != 0));
		}
	}
	free(seen);
	if (rc) {
		json_decref(a);
		return rc;
	}
	now_iso(now);
	return append_keep(job,
	                   json_pack("{s:s, s:o, s:s, s:s}", "rec", "view",
	                             "pages", a, "by", by ? by : "-", "time",
	                             now),
	                   &job->view, NULL);
}

int sohoa_scan_job_correct(sohoa_scan_job *job, const char *file,
                           const char *field, const char *value, const char *by)
{
	char now[21];
	int rc;

	if ((rc = draft_open(job)))
		return rc;
	if (find_page(job, file) == SIZE_MAX)
		return sohoa_error_set(SOHOA_EINVALID, "job %s has no page %s",
		                       job->id, file ? file : "(none)");
	if (!field || !field[0] || !value)
		return sohoa_error_set(
		    SOHOA_EINVALID, "a correction needs a field and a value");
	now_iso(now);
	return append_keep(job,
	                   json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "rec",
	                             "correct", "file", file, "field", field,
	                             "value", value, "by", by ? by : "-",
	                             "time", now),
	                   NULL, job->corrections);
}

size_t sohoa_scan_job_ncorrections(const sohoa_scan_job *job)
{
	return json_array_size(job->corrections);
}

int sohoa_scan_job_correction(const sohoa_scan_job *job, size_t i,
                              sohoa_scan_correction *out)
{
	json_t *r = json_array_get(job->corrections, i);

	memset(out, 0, sizeof(*out));
	if (!r)
		return sohoa_error_set(SOHOA_ENOTFOUND, "no correction %zu", i);
	out->file = str_or_null(r, "file");
	out->field = str_or_null(r, "field");
	out->value = str_or_null(r, "value");
	out->by = str_or_null(r, "by");
	out->time = str_or_null(r, "time");
	if (!out->file || !out->field || !out->value)
		return sohoa_error_set(
		    SOHOA_EIO,
		    "journal of job %s: correction %zu lacks "
		    "file, field or value",
		    job->id, i + 1);
	return SOHOA_OK;
}

int sohoa_scan_job_commit(sohoa_scan_job *job, const char *by)
{
	sohoa_scan_view_page *v = NULL;
	size_t n = 0, kept = 0;
	char now[21];
	int rc;

	if ((rc = draft_open(job)))
		return rc;
	if (!job->params.case_number[0])
		return sohoa_error_set(SOHOA_EINVALID,
		                       "job %s has no case number yet: give it "
		                       "one before committing",
		                       job->id);
	if (!strcmp(job->state, SOHOA_SCAN_JOB_CAPTURING))
		return sohoa_error_set(SOHOA_EINVALID,
		                       "job %s is still capturing: wait for "
		                       "the scan to end",
		                       job->id);
	if ((rc = sohoa_scan_job_view(job, &v, &n)))
		return rc;
	for (size_t i = 0; i < n; i++)
		kept += !v[i].removed;
	free(v);
	if (kept == 0)
		return sohoa_error_set(SOHOA_EINVALID,
		                       "job %s keeps no page: scan a page "
		                       "before committing",
		                       job->id);
	if (!strcmp(job->state, SOHOA_SCAN_JOB_FAULTED) &&
	    (rc = sohoa_scan_job_set_state(job, SOHOA_SCAN_JOB_CAPTURED, NULL)))
		return rc;
	now_iso(now);
	return append_keep(job,
	                   json_pack("{s:s, s:s, s:s}", "rec", "commit", "by",
	                             by ? by : "-", "time", now),
	                   &job->commit, NULL);
}

int sohoa_scan_job_set_case(sohoa_scan_job *job, const char *case_number,
                            const char *by)
{
	char norm[SOHOA_CASE_MAX], now[21];
	int rc;

	if ((rc = draft_open(job)))
		return rc;
	if ((rc = sohoa_case_normalize(norm, case_number)))
		return rc;
	now_iso(now);
	if ((rc = append_keep(job,
	                      json_pack("{s:s, s:s, s:s, s:s}", "rec", "case",
	                                "case", norm, "by", by ? by : "-",
	                                "time", now),
	                      &job->case_rec, NULL)))
		return rc;
	job->params.case_number = str_or_null(job->case_rec, "case");
	return SOHOA_OK;
}
