/* stages.c -- sohoad's pipeline: capture -> OCR -> pack -> index, with
 * bounded queues between the stages and the spool as the durable queue.
 *
 *   capture   `sohoa scan --capture-only` children (control.c) and the
 *             hot-folder thread write journaled jobs into the spool;
 *   feeder    (sohoad's main loop, cli_stages_tick) reads the journals
 *             read-only and puts pages without a result into the bounded
 *             OCR queue; the rest simply waits on disk;
 *   OCR       [ocr] workers threads, one recognizer each, made once; each
 *             result is written beside its page (PAGE.ocr.json), so a
 *             restart never recognizes a page twice;
 *   packer    one thread: a job captured, not busy, all pages recognized
 *             is opened for writing, appended to its case's bundle and
 *             journaled `filed`;
 *   indexer   one thread: indexes the case from the bundle, then removes
 *             the spool job.
 *
 * Every job state lives in the journal or the result files: the in-memory
 * records are rebuilt from the spool at start, so a kill -9 at any moment
 * loses nothing and repeats nothing (see docs/pipeline.md).
 */
#define _GNU_SOURCE /* pthread_setname_np */
#include "cli_int.h"

#include <errno.h>
#include <jansson.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_WORKERS 64
#define INDEX_CAP   4
#define NERRORS     20
#define RATE_SECS   600

enum { ST_NONE, ST_PACKING, ST_INDEXING };

struct spage {
	char *path; /* owned */
	unsigned char done, queued;
	unsigned char removed; /* drafts: staff removed it */
	int want;              /* drafts: staff's view turn */
	int have; /* the turn its result on disk was made for (0 without
	             staff's), HAVE_NONE, or HAVE_UNKNOWN: read the file */
};

#define HAVE_NONE    (-1)
#define HAVE_UNKNOWN (-2)

struct sjob {
	char *id, *dir; /* owned */
	char case_no[SOHOA_CASE_MAX];
	char what[16];
	char state[16];
	char *component; /* owned */
	char *device;    /* owned or NULL */
	int has_origin;
	int draft; /* a front-desk draft (committed or not) */
	int held;  /* a draft not committed: never filed */
	int busy, ours;
	struct timespec mtime;
	off_t size;
	struct spage *pages; /* owned */
	size_t npages, ndone, nqueued;
	int stage;   /* ST_* */
	char *fault; /* owned: OCR/pack/index failure; skipped until reload */
	json_t *saved_fault; /* owned: the fault file's (this run's or an
	                        earlier one's), NULL when none */
	int fault_read;      /* the fault file was looked for */
	int seen, idle_ticks, resume_asked, bad_logged;
};

struct ocr_item {
	char *id;   /* owned */
	char *path; /* owned */
	size_t page;
	int view; /* drafts: staff's turn to read it with; -1: OSD decides */
};

struct index_item {
	struct cli_job *job; /* owned, open for writing (locked) */
	char *bundle;        /* owned */
	char id[256];
};

struct note {
	char time[21];
	char level[8];
	char job[96];
	char msg[400];
};

struct cli_stages {
	pthread_mutex_t lock;
	pthread_cond_t ocr_cv, pack_cv, index_cv, space_cv;
	const sohoa_config *cfg; /* borrowed; sohoad keeps old ones alive */
	unsigned gen;
	int stop, draining;
	struct cli_control *ctl;

	struct sjob **jobs;
	size_t njobs;

	struct ocr_item *q; /* ring */
	size_t qcap, qhead, qlen;
	int nworkers, busy;
	pthread_t workers[MAX_WORKERS];
	int nstarted;

	char **packq; /* job ids */
	size_t npackq;
	int packing;
	pthread_t packer;
	unsigned archive_gen; /* packer: config generation set up */
	pthread_rwlock_t archive_lock;

	struct index_item indexq[INDEX_CAP];
	size_t nindexq;
	int indexing;
	pthread_t indexer;

	pthread_t hot;
	int hot_started;
	int hot_busy, hot_waiting; /* a poll running; files not yet stable */
	unsigned hot_gen;          /* polls that spooled something */
	unsigned tick_hot_gen;     /* hot_gen seen by the last full tick */
	unsigned long ticks;

	time_t started;
	time_t rate_sec[RATE_SECS];
	unsigned rate_rec[RATE_SECS], rate_filed[RATE_SECS];
	unsigned long total_rec, total_filed, total_jobs, rec_while_capturing;
	struct note notes[NERRORS];
	size_t nnotes, note_next;
};

/* ---- small helpers ------------------------------------------------------ */

static void note_locked(struct cli_stages *s, int level, const char *job,
                        const char *msg)
{
	struct note *n = &s->notes[s->note_next];
	size_t len;

	sohoa_time_iso8601(n->time);
	snprintf(n->level, sizeof(n->level), "%s",
	         level <= SOHOA_LOG_ERROR ? "error" : "warn");
	snprintf(n->job, sizeof(n->job), "%s", job ? job : "");
	/* cut long messages on a UTF-8 character boundary */
	len = strlen(msg);
	if (len >= sizeof(n->msg)) {
		len = sizeof(n->msg) - 1;
		while (len > 0 && ((unsigned char)msg[len] & 0xC0) == 0x80)
			len--;
	}
	memcpy(n->msg, msg, len);
	n->msg[len] = '\0';
	s->note_next = (s->note_next + 1) % NERRORS;
	if (s->nnotes < NERRORS)
		s->nnotes++;
}

void cli_stages_note(struct cli_stages *s, int level, const char *job,
                     const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (job)
		sohoa_log(level, "job %s: %s", job, msg);
	else
		sohoa_log(level, "%s", msg);
	if (!s)
		return;
	pthread_mutex_lock(&s->lock);
	note_locked(s, level, job, msg);
	pthread_mutex_unlock(&s->lock);
}

static void rate_add(struct cli_stages *s, unsigned rec, unsigned filed)
{
	time_t now = time(NULL);
	size_t i = (size_t)(now % RATE_SECS);

	if (s->rate_sec[i] != now) {
		s->rate_sec[i] = now;
		s->rate_rec[i] = s->rate_filed[i] = 0;
	}
	s->rate_rec[i] += rec;
	s->rate_filed[i] += filed;
}

/* Pages per minute over the last `window` seconds (or since start). */
static double rate_get(const struct cli_stages *s, int window, int filed)
{
	time_t now = time(NULL);
	double span = (double)(now - s->started + 1);
	unsigned long sum = 0;

	for (size_t i = 0; i < RATE_SECS; i++)
		if (s->rate_sec[i] && now - s->rate_sec[i] < window)
			sum += filed ? s->rate_filed[i] : s->rate_rec[i];
	if (span > window)
		span = window;
	return (double)sum * 60.0 / span;
}

static struct sjob *find_job(struct cli_stages *s, const char *id)
{
	for (size_t i = 0; i < s->njobs; i++)
		if (!strcmp(s->jobs[i]->id, id))
			return s->jobs[i];
	return NULL;
}

static void free_job(struct sjob *j)
{
	for (size_t i = 0; i < j->npages; i++)
		free(j->pages[i].path);
	free(j->pages);
	free(j->id);
	free(j->dir);
	free(j->component);
	free(j->device);
	free(j->fault);
	json_decref(j->saved_fault);
	free(j);
}

static void drop_job(struct cli_stages *s, const char *id)
{
	for (size_t i = 0; i < s->njobs; i++)
		if (!strcmp(s->jobs[i]->id, id)) {
			free_job(s->jobs[i]);
			s->jobs[i] = s->jobs[--s->njobs];
			return;
		}
}

/* Set the job aside with this fault.  Returns the job's folder (owned)
 * when the fault is new, for fault_save() once the lock is released. */
static char *fault_locked(struct cli_stages *s, struct sjob *j, const char *msg)
{
	char *dir = NULL;

	if (!j->fault) {
		j->fault = strdup(msg);
		dir = strdup(j->dir);
	}
	note_locked(s, SOHOA_LOG_ERROR, j->id, msg);
	return dir;
}

/* Keep a new fault in the job's folder (cli_job_fault_save), so that it
 * outlives sohoad; called without the lock.  Frees `dir`. */
static void fault_save(struct cli_stages *s, const char *id, char *dir,
                       const char *stage, const char *msg)
{
	json_t *o;
	struct sjob *j;

	if (!dir)
		return;
	if (cli_job_fault_save(dir, stage, msg) != SOHOA_OK)
		sohoa_log(SOHOA_LOG_WARN,
		          "job %s: the fault is not kept in the spool: %s", id,
		          sohoa_error_last());
	o = cli_job_fault_load(dir);
	pthread_mutex_lock(&s->lock);
	if ((j = find_job(s, id))) {
		json_decref(j->saved_fault);
		j->saved_fault = o;
		j->fault_read = 1;
		o = NULL;
	}
	pthread_mutex_unlock(&s->lock);
	json_decref(o);
	free(dir);
}

/* A page whose result is there and made for staff's turn (a removed
 * page is not filed: any result will do). */
static int page_done(const struct spage *p)
{
	return p->have >= 0 && (p->removed || p->have == p->want);
}

static void recount(struct sjob *j)
{
	j->ndone = 0;
	for (size_t i = 0; i < j->npages; i++) {
		j->pages[i].done =
		    !j->pages[i].queued && page_done(&j->pages[i]);
		j->ndone += j->pages[i].done;
	}
}

/* The turn a page's result on disk was made for, or HAVE_NONE.  Drafts'
 * results are read (a turned page's result says its turn); other jobs'
 * pages are never turned. */
static int result_turn(const char *path, int draft)
{
	int view = 0, det = 0;

	if (!draft)
		return cli_ocr_result_exists(path) ? 0 : HAVE_NONE;
	return cli_ocr_result_turn(path, &view, &det) == SOHOA_OK ? view
	                                                          : HAVE_NONE;
}

/* Recognize one queued page: as OSD finds it, or, for a draft page, with
 * staff's turn on top of the turn found the first time. */
static int recognize_item(sohoa_ocr_result *res, char **json, sohoa_ocr *ocr,
                          const struct ocr_item *it)
{
	int view = 0, det = 0, had;
	int rc;

	if (it->view >= 0) {
		had = cli_ocr_result_turn(it->path, &view, &det) == SOHOA_OK;
		/* a page never read and not turned: OSD decides, as for
		 * any page; else staff's turn (their view of a page never
		 * read was the page as scanned: det 0) */
		if (had || it->view != 0)
			return cli_ocr_page_for_turn(res, json, ocr, it->path,
			                             it->view, had ? det : 0);
	}
	if ((rc = sohoa_ocr_page(res, ocr, it->path, 0)) != SOHOA_OK)
		return rc;
	return sohoa_ocr_result_json(json, res);
}

/* ---- OCR workers -------------------------------------------------------- */

static void *ocr_worker(void *arg)
{
	struct cli_stages *s = arg;
	sohoa_ocr *ocr = NULL;
	unsigned gen = 0;

	for (;;) {
		struct ocr_item it;
		const sohoa_config *cfg;
		sohoa_ocr_result res;
		char *json = NULL, msg[1024] = "", fmsg[1200] = "",
		     *fdir = NULL;
		struct sjob *j;
		int rc = SOHOA_OK, busy_job;

		pthread_mutex_lock(&s->lock);
		while (!s->stop && s->qlen == 0)
			pthread_cond_wait(&s->ocr_cv, &s->lock);
		if (s->stop) {
			pthread_mutex_unlock(&s->lock);
			break;
		}
		it = s->q[s->qhead];
		s->qhead = (s->qhead + 1) % s->qcap;
		s->qlen--;
		s->busy++;
		cfg = s->cfg;
		if (gen != s->gen) {
			gen = s->gen;
			sohoa_ocr_free(ocr);
			ocr = NULL;
		}
		pthread_mutex_unlock(&s->lock);

		sohoa_ocr_result_init(&res);
		if (!ocr)
			rc = cli_ocr_create(&ocr, cfg);
		if (rc == SOHOA_OK)
			rc = recognize_item(&res, &json, ocr, &it);
		if (rc == SOHOA_OK)
			cli_test_stall("ocr");
		if (rc == SOHOA_OK)
			rc = cli_ocr_result_save(it.path, &res, json);
		if (rc != SOHOA_OK)
			snprintf(msg, sizeof(msg), "%s", sohoa_error_last());

		pthread_mutex_lock(&s->lock);
		s->busy--;
		j = find_job(s, it.id);
		if (j && it.page < j->npages && j->pages[it.page].queued) {
			struct spage *p = &j->pages[it.page];

			p->queued = 0;
			j->nqueued--;
			busy_job = j->busy;
			if (rc == SOHOA_OK) {
				/* staff may have turned it again meanwhile:
				 * then it is queued again for that turn */
				p->have = it.view < 0 ? 0 : it.view;
				recount(j);
				s->total_rec++;
				s->rec_while_capturing +=
				    busy_job &&
				    !strcmp(j->state, SOHOA_SCAN_JOB_CAPTURING);
				rate_add(s, 1, 0);
				if (it.view > 0)
					sohoa_log(
					    SOHOA_LOG_INFO,
					    "job %s: page %zu recognized "
					    "(%.0f%%), turned %d by staff",
					    it.id, it.page + 1,
					    100 * res.mean_confidence, it.view);
				else
					sohoa_log(SOHOA_LOG_INFO,
					          "job %s: page %zu recognized "
					          "(%.0f%%)%s",
					          it.id, it.page + 1,
					          100 * res.mean_confidence,
					          busy_job ? " while capturing"
					                   : "");
			} else if (access(j->dir, F_OK) == 0) {
				snprintf(
				    fmsg, sizeof(fmsg),
				    "page %zu (%s) cannot be recognized: %s; "
				    "the job stays in the spool and is "
				    "tried again after 'kill -HUP' of "
				    "sohoad or a restart",
				    it.page + 1, it.path, msg);
				fdir = fault_locked(s, j, fmsg);
			}
		}
		pthread_cond_broadcast(&s->space_cv);
		pthread_mutex_unlock(&s->lock);
		fault_save(s, it.id, fdir, "ocr", fmsg);
		sohoa_ocr_result_dispose(&res);
		free(json);
		free(it.id);
		free(it.path);
	}
	sohoa_ocr_free(ocr);
	return NULL;
}

/* ---- packer and indexer ----------------------------------------------- */

static void pack_one(struct cli_stages *s, const char *id)
{
	struct cli_job *job = calloc(1, sizeof(*job));
	const sohoa_config *cfg;
	sohoa_ocr_result *results = NULL;
	char **json = NULL, *bundle = NULL, *dir = NULL, msg[1200] = "";
	char *fdir = NULL;
	size_t nres = 0;
	const char *state;
	unsigned gen;
	int rc, created = 0, requeue = 0;

	pthread_mutex_lock(&s->lock);
	cfg = s->cfg;
	gen = s->gen;
	{
		struct sjob *j = find_job(s, id);

		dir = j ? strdup(j->dir) : NULL;
	}
	pthread_mutex_unlock(&s->lock);
	if (!job || !dir) {
		free(job);
		free(dir);
		return;
	}
	if (s->archive_gen != gen) {
		pthread_rwlock_wrlock(&s->archive_lock);
		rc = cli_archive_setup(cfg, 1);
		pthread_rwlock_unlock(&s->archive_lock);
		if (rc != SOHOA_OK) {
			snprintf(msg, sizeof(msg), "cannot file: %s",
			         sohoa_error_last());
			goto done;
		}
		s->archive_gen = gen;
	}
	if ((rc = cli_job_resume(job, cfg, dir)) != SOHOA_OK) {
		/* busy again (an operator's --resume): read it again later */
		if (rc == SOHOA_EBUSY || access(dir, F_OK) != 0)
			requeue = 1;
		else
			snprintf(msg, sizeof(msg), "%s", sohoa_error_last());
		goto done;
	}
	state = sohoa_scan_job_state(job->sj);
	if (strcmp(state, SOHOA_SCAN_JOB_CAPTURED) &&
	    strcmp(state, SOHOA_SCAN_JOB_FILING) &&
	    strcmp(state, CLI_JOB_FILED)) {
		requeue = 1;
		goto done;
	}
	nres = job->npages;
	results = calloc(nres ? nres : 1, sizeof(*results));
	json = calloc(nres ? nres : 1, sizeof(*json));
	if (!results || !json) {
		snprintf(msg, sizeof(msg), "out of memory");
		goto done;
	}
	if (strcmp(state, CLI_JOB_FILED) &&
	    (rc = cli_job_recognize(job, results, json)) != SOHOA_OK) {
		snprintf(msg, sizeof(msg), "%s", sohoa_error_last());
		goto done;
	}
	pthread_rwlock_rdlock(&s->archive_lock);
	rc = cli_job_pack(job, results, json, &bundle, &created);
	pthread_rwlock_unlock(&s->archive_lock);
	if (rc != SOHOA_OK) {
		snprintf(msg, sizeof(msg), "cannot file case %s: %s",
		         job->case_number, sohoa_error_last());
		goto done;
	}
	sohoa_log(SOHOA_LOG_INFO, "job %s: %zu page%s in %s%s", id, job->npages,
	          job->npages == 1 ? "" : "s", bundle, created ? " (new)" : "");
	/* in the bundle: an earlier OCR or pack fault is over */
	if (cli_job_fault_clear(dir) != SOHOA_OK)
		sohoa_log(SOHOA_LOG_WARN, "job %s: %s", id, sohoa_error_last());
	pthread_mutex_lock(&s->lock);
	{
		struct sjob *j = find_job(s, id);

		if (j) {
			json_decref(j->saved_fault);
			j->saved_fault = NULL;
		}
	}
	pthread_mutex_unlock(&s->lock);
	pthread_mutex_lock(&s->lock);
	while (!s->stop && s->nindexq == INDEX_CAP)
		pthread_cond_wait(&s->space_cv, &s->lock);
	{
		struct sjob *j = find_job(s, id);
		struct index_item *it = &s->indexq[s->nindexq];

		if (j)
			j->stage = ST_INDEXING;
		if (s->nindexq == INDEX_CAP) { /* stopping: left filed */
			pthread_mutex_unlock(&s->lock);
			goto done;
		}
		it->job = job;
		it->bundle = bundle;
		snprintf(it->id, sizeof(it->id), "%s", id);
		s->nindexq++;
		s->total_filed += job->npages;
		rate_add(s, 0, (unsigned)job->npages);
		job = NULL;
		bundle = NULL;
		pthread_cond_signal(&s->index_cv);
	}
	pthread_mutex_unlock(&s->lock);
done:
	pthread_mutex_lock(&s->lock);
	{
		struct sjob *j = find_job(s, id);

		if (j && job) { /* not handed on */
			j->stage = ST_NONE;
			/* the packer may have read stale pages again */
			for (size_t i = 0; i < j->npages; i++)
				if (!j->pages[i].queued)
					j->pages[i].have = HAVE_UNKNOWN;
			j->mtime.tv_sec = 0; /* read again */
			if (msg[0])
				fdir = fault_locked(s, j, msg);
			else if (requeue)
				j->mtime.tv_sec = 0; /* read it again */
		}
	}
	pthread_mutex_unlock(&s->lock);
	fault_save(s, id, fdir, "pack", msg);
	for (size_t i = 0; results && json && i < nres; i++) {
		sohoa_ocr_result_dispose(&results[i]);
		free(json[i]);
	}
	free(results);
	free(json);
	free(bundle);
	free(dir);
	if (job) {
		cli_job_dispose(job);
		free(job);
	}
}

static void *packer(void *arg)
{
	struct cli_stages *s = arg;

	pthread_mutex_lock(&s->lock);
	for (;;) {
		char *id;

		while (!s->stop && s->npackq == 0)
			pthread_cond_wait(&s->pack_cv, &s->lock);
		if (s->stop)
			break;
		id = s->packq[0];
		memmove(s->packq, s->packq + 1,
		        (s->npackq - 1) * sizeof(*s->packq));
		s->npackq--;
		s->packing = 1;
		pthread_mutex_unlock(&s->lock);
		pack_one(s, id);
		free(id);
		pthread_mutex_lock(&s->lock);
		s->packing = 0;
	}
	pthread_mutex_unlock(&s->lock);
	return NULL;
}

static void *indexer(void *arg)
{
	struct cli_stages *s = arg;

	pthread_mutex_lock(&s->lock);
	for (;;) {
		struct index_item it;
		char msg[1200] = "", *fdir = NULL;
		size_t n;
		int rc;

		while (!s->stop && s->nindexq == 0)
			pthread_cond_wait(&s->index_cv, &s->lock);
		if (s->stop)
			break;
		it = s->indexq[0];
		memmove(s->indexq, s->indexq + 1,
		        (s->nindexq - 1) * sizeof(*s->indexq));
		s->nindexq--;
		s->indexing = 1;
		pthread_cond_broadcast(&s->space_cv);
		pthread_mutex_unlock(&s->lock);

		n = it.job->npages;
		pthread_rwlock_rdlock(&s->archive_lock);
		rc = cli_job_index_remove(it.job, it.bundle);
		pthread_rwlock_unlock(&s->archive_lock);
		if (rc != SOHOA_OK)
			snprintf(msg, sizeof(msg), "%s", sohoa_error_last());
		else
			sohoa_log(SOHOA_LOG_INFO,
			          "job %s: case %s filed and indexed, %zu "
			          "page%s",
			          it.id, it.job->case_number, n,
			          n == 1 ? "" : "s");
		cli_job_dispose(it.job);
		free(it.job);
		free(it.bundle);

		pthread_mutex_lock(&s->lock);
		s->indexing = 0;
		if (rc == SOHOA_OK) {
			s->total_jobs++;
			drop_job(s, it.id);
		} else {
			struct sjob *j = find_job(s, it.id);

			if (j) {
				j->stage = ST_NONE;
				fdir = fault_locked(s, j, msg);
			}
		}
		if (fdir) {
			pthread_mutex_unlock(&s->lock);
			fault_save(s, it.id, fdir, "index", msg);
			pthread_mutex_lock(&s->lock);
		}
	}
	pthread_mutex_unlock(&s->lock);
	return NULL;
}

/* ---- the hot folder, in its own thread ---------------------------------- */

static void *hot_thread(void *arg)
{
	struct cli_stages *s = arg;
	sohoa_scan_hotfolder *hf = NULL, *bf = NULL;
	unsigned gen = 0;

	for (;;) {
		const sohoa_config *cfg;
		sohoa_scan_hotfolder_stats st;
		int secs;

		pthread_mutex_lock(&s->lock);
		if (s->stop || s->draining) {
			pthread_mutex_unlock(&s->lock);
			break;
		}
		cfg = s->cfg;
		if (gen != s->gen) {
			sohoa_scan_hotfolder_free(hf);
			sohoa_scan_hotfolder_free(bf);
			hf = bf = NULL; /* their paths may have changed */
			gen = s->gen;
		}
		pthread_mutex_unlock(&s->lock);
		if (!hf) {
			if (sohoa_scan_hotfolder_open(
			        &hf, sohoa_config_get(cfg, "hotfolder.path"),
			        sohoa_config_get_int(
			            cfg, "hotfolder.stable_seconds")) !=
			    SOHOA_OK)
				cli_stages_note(s, SOHOA_LOG_ERROR, NULL,
				                "hot folder unavailable, tried "
				                "again at the next poll: %s",
				                sohoa_error_last());
			else
				sohoa_log(
				    SOHOA_LOG_INFO, "watching hot folder %s",
				    sohoa_config_get(cfg, "hotfolder.path"));
		}
		if (!bf && cli_batch_hotfolder_open(&bf, cfg) != SOHOA_OK)
			cli_stages_note(s, SOHOA_LOG_ERROR, NULL,
			                "batch folder unavailable, tried again "
			                "at the next poll: %s",
			                sohoa_error_last());
		pthread_mutex_lock(&s->lock);
		s->hot_busy = 1;
		pthread_mutex_unlock(&s->lock);
		memset(&st, 0, sizeof(st));
		if (hf &&
		    sohoa_scan_hotfolder_poll(hf, cli_hotfolder_spool,
		                              (void *)cfg, &st) != SOHOA_OK)
			cli_stages_note(s, SOHOA_LOG_ERROR, NULL,
			                "hot folder: %s", sohoa_error_last());
		/* result stacks: run whole as batches (their own OCR
		 * workers), in this thread, so the socket is never held */
		if (bf &&
		    sohoa_scan_hotfolder_poll(bf, cli_batch_ingest, (void *)cfg,
		                              NULL) != SOHOA_OK)
			cli_stages_note(s, SOHOA_LOG_ERROR, NULL,
			                "batch folder: %s", sohoa_error_last());
		pthread_mutex_lock(&s->lock);
		s->hot_busy = 0;
		s->hot_waiting = st.waiting;
		s->hot_gen += st.taken > 0;
		pthread_mutex_unlock(&s->lock);
		secs = sohoa_config_get_int(cfg, "hotfolder.poll_seconds");
		for (int i = 0; i < secs * 10; i++) {
			struct timespec ts = {0, 100000000};
			int quit;

			pthread_mutex_lock(&s->lock);
			quit = s->stop || s->draining || gen != s->gen;
			pthread_mutex_unlock(&s->lock);
			if (quit)
				break;
			nanosleep(&ts, NULL);
		}
	}
	sohoa_scan_hotfolder_free(hf);
	sohoa_scan_hotfolder_free(bf);
	return NULL;
}

/* ---- start, stop -------------------------------------------------------- */

/* Memory of a daemon that goes through pages of 9 MB (gray A4 at 300 dpi)
 * to 35 MB (colour) all day.  glibc serves blocks over its mmap threshold
 * with mmap and gives them back on free, but each time such a block is
 * freed it raises the threshold to its size (up to 32 MiB): after the
 * first pages, page buffers come from the per-thread arenas, whose free
 * space stays resident, so the peak creeps up with every unlucky mix of
 * pages over the workers.  The threshold is fixed at 8 MiB, just under a
 * gray A4 page, so page-sized buffers are mapped and unmapped while
 * Tesseract's smaller ones stay in the arenas; fixing it also fixes the
 * trim threshold, which is set high so that the heap top is not given
 * back and faulted in again for every page.  Measured with sohoa ocr on
 * 40 e2e pages, 2 workers (docs/e2e-bench.md): peak 345 -> 290 MiB for
 * 1.5 s more system time (+4% CPU); a 1 MiB threshold cost +20% CPU
 * (800,000 page faults instead of 140,000 on 20 pages), a 16 MiB one
 * saved nothing, limiting the arenas to 2 saved 5%.  An operator's
 * MALLOC_MMAP_THRESHOLD_ or GLIBC_TUNABLES wins. */
#define MMAP_THRESHOLD (8 << 20)
#define TRIM_THRESHOLD (64 << 20)

static void malloc_setup(void)
{
	if (getenv("MALLOC_MMAP_THRESHOLD_") || getenv("GLIBC_TUNABLES"))
		return;
	if (mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD) != 1 ||
	    mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD) != 1)
		sohoa_log(SOHOA_LOG_WARN, "mallopt refused the thresholds");
}

int cli_stages_start(struct cli_stages **out, const sohoa_config *cfg,
                     struct cli_control *ctl)
{
	struct cli_stages *s = calloc(1, sizeof(*s));

	*out = NULL;
	if (!s)
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	malloc_setup(); /* before the threads start */
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->ocr_cv, NULL);
	pthread_cond_init(&s->pack_cv, NULL);
	pthread_cond_init(&s->index_cv, NULL);
	pthread_cond_init(&s->space_cv, NULL);
	pthread_rwlock_init(&s->archive_lock, NULL);
	s->cfg = cfg;
	s->gen = 1;
	s->ctl = ctl;
	s->started = time(NULL);
	s->nworkers = cli_ocr_workers(cfg, MAX_WORKERS);
	s->qcap = 2 * (size_t)s->nworkers;
	if (!(s->q = calloc(s->qcap, sizeof(*s->q)))) {
		free(s);
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	}
	for (int i = 0; i < s->nworkers; i++)
		if (pthread_create(&s->workers[s->nstarted], NULL, ocr_worker,
		                   s) == 0)
			s->nstarted++;
	if (s->nstarted == 0 ||
	    pthread_create(&s->packer, NULL, packer, s) != 0 ||
	    pthread_create(&s->indexer, NULL, indexer, s) != 0) {
		/* not worth unwinding: sohoad exits */
		return sohoa_error_set(SOHOA_EENV, "cannot start threads: %s",
		                       strerror(errno));
	}
	s->hot_started = pthread_create(&s->hot, NULL, hot_thread, s) == 0;
	/* names for `top -H` and gdb */
	for (int i = 0; i < s->nstarted; i++) {
		char name[32];

		snprintf(name, sizeof(name), "sohoad-ocr%d", i % 100);
		name[15] = '\0'; /* the kernel keeps 15 bytes */
		pthread_setname_np(s->workers[i], name);
	}
	pthread_setname_np(s->packer, "sohoad-pack");
	pthread_setname_np(s->indexer, "sohoad-index");
	if (s->hot_started)
		pthread_setname_np(s->hot, "sohoad-hot");
	sohoa_log(SOHOA_LOG_INFO,
	          "pipeline: %d OCR worker%s, OCR queue of %zu pages",
	          s->nstarted, s->nstarted == 1 ? "" : "s", s->qcap);
	*out = s;
	return SOHOA_OK;
}

void cli_stages_set_config(struct cli_stages *s, const sohoa_config *cfg)
{
	pthread_mutex_lock(&s->lock);
	s->cfg = cfg;
	s->gen++;
	/* faults may come from the configuration: try again */
	for (size_t i = 0; i < s->njobs; i++) {
		free(s->jobs[i]->fault);
		s->jobs[i]->fault = NULL;
		s->jobs[i]->mtime.tv_sec = 0;
	}
	pthread_mutex_unlock(&s->lock);
}

void cli_stages_drain(struct cli_stages *s)
{
	pthread_mutex_lock(&s->lock);
	s->draining = 1;
	pthread_mutex_unlock(&s->lock);
	if (s->hot_started) {
		pthread_join(s->hot, NULL);
		s->hot_started = 0;
	}
}

void cli_stages_free(struct cli_stages *s)
{
	if (!s)
		return;
	pthread_mutex_lock(&s->lock);
	s->stop = 1;
	pthread_cond_broadcast(&s->ocr_cv);
	pthread_cond_broadcast(&s->pack_cv);
	pthread_cond_broadcast(&s->index_cv);
	pthread_cond_broadcast(&s->space_cv);
	pthread_mutex_unlock(&s->lock);
	if (s->hot_started)
		pthread_join(s->hot, NULL);
	for (int i = 0; i < s->nstarted; i++)
		pthread_join(s->workers[i], NULL);
	pthread_join(s->packer, NULL);
	pthread_join(s->indexer, NULL);
	for (size_t i = 0; i < s->qlen; i++) {
		struct ocr_item *it = &s->q[(s->qhead + i) % s->qcap];

		free(it->id);
		free(it->path);
	}
	for (size_t i = 0; i < s->npackq; i++)
		free(s->packq[i]);
	for (size_t i = 0; i < s->nindexq; i++) {
		cli_job_dispose(s->indexq[i].job);
		free(s->indexq[i].job);
		free(s->indexq[i].bundle);
	}
	for (size_t i = 0; i < s->njobs; i++)
		free_job(s->jobs[i]);
	free(s->jobs);
	free(s->packq);
	free(s->q);
	pthread_rwlock_destroy(&s->archive_lock);
	pthread_cond_destroy(&s->ocr_cv);
	pthread_cond_destroy(&s->pack_cv);
	pthread_cond_destroy(&s->index_cv);
	pthread_cond_destroy(&s->space_cv);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

/* ---- the feeder -----------------------------------------------------------
 */

/* Is the process holding this job one of sohoad's capture children?
 * Its folder is named WHAT-SECONDS-NANOS-PID by the process that made it;
 * a capture child runs with --capture-only. */
static int capture_child(const char *id)
{
	const char *dash = strrchr(id, '-');
	char path[64], buf[4096];
	FILE *f;
	size_t n;
	int found = 0;

	if (!dash || !dash[1])
		return 0;
	snprintf(path, sizeof(path), "/proc/%ld/cmdline", atol(dash + 1));
	if (!(f = fopen(path, "re")))
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	for (size_t i = 0; i < n; i += strlen(buf + i) + 1) {
		buf[n] = '\0';
		found |= !strcmp(buf + i, "--capture-only");
	}
	return found;
}

/* Read a job's journal (read-only) into its record.  Called without the
 * lock; the record's fields it writes are the feeder's alone, except the
 * page list, which is only ever appended to under the lock. */
static void refresh(struct cli_stages *s, struct sjob *j, const struct stat *st)
{
	sohoa_scan_job *sj = NULL;
	const sohoa_scan_job_params *p;
	sohoa_scan_view_page *v = NULL;
	size_t nv = 0, n, known;
	int *turn = NULL, draft;
	json_t *fault = NULL;
	int rc = sohoa_scan_job_open(&sj, j->dir, 1);

	if (rc != SOHOA_OK) {
		if (!j->bad_logged)
			cli_stages_note(s, SOHOA_LOG_WARN, j->id, "%s",
			                sohoa_error_last());
		j->bad_logged = 1;
		sohoa_scan_job_free(sj);
		return;
	}
	p = sohoa_scan_job_get_params(sj);
	n = sohoa_scan_job_npages(sj);
	draft = sohoa_scan_job_is_draft(sj);
	/* the turns of the results of new pages (and of pages the packer
	 * may have read again), read without the lock: only the feeder
	 * adds pages, and a worker never has such a page */
	pthread_mutex_lock(&s->lock);
	known = j->npages;
	turn = calloc(n ? n : 1, sizeof(*turn));
	for (size_t i = 0; turn && i < n; i++)
		turn[i] = i < known && (j->pages[i].queued ||
		                        j->pages[i].have != HAVE_UNKNOWN)
		              ? 1
		              : 0;
	pthread_mutex_unlock(&s->lock);
	if (!turn || (draft && sohoa_scan_job_view(sj, &v, &nv) != SOHOA_OK)) {
		free(turn);
		sohoa_scan_job_free(sj);
		return; /* out of memory: read again at the next tick */
	}
	for (size_t i = 0; i < n; i++)
		turn[i] =
		    turn[i]
		        ? HAVE_UNKNOWN
		        : result_turn(sohoa_scan_job_page(sj, i)->path, draft);

	/* a fault kept by an earlier run (or by this one before a reload) */
	if (!j->fault_read)
		fault = cli_job_fault_load(j->dir);
	pthread_mutex_lock(&s->lock);
	if (!j->fault_read) {
		j->saved_fault = fault;
		j->fault_read = 1;
		fault = NULL;
	}
	j->mtime = st->st_mtim;
	j->size = st->st_size;
	j->busy = sohoa_scan_job_busy(sj);
	snprintf(j->state, sizeof(j->state), "%s", sohoa_scan_job_state(sj));
	snprintf(j->what, sizeof(j->what), "%s", p->what);
	snprintf(j->case_no, sizeof(j->case_no), "%s", p->case_number);
	j->has_origin = p->origin != NULL;
	j->draft = draft;
	j->held = sohoa_scan_job_held(sj);
	if (!j->component)
		j->component = strdup(p->component);
	if (!j->device && p->scan.device)
		j->device = strdup(p->scan.device);
	for (size_t i = 0; i < known && i < n; i++)
		if (turn[i] != HAVE_UNKNOWN &&
		    j->pages[i].have == HAVE_UNKNOWN && !j->pages[i].queued)
			j->pages[i].have = turn[i];
	for (size_t i = j->npages; i < n; i++) {
		struct spage *np =
		    realloc(j->pages, (j->npages + 1) * sizeof(*np));
		if (!np)
			break;
		j->pages = np;
		memset(&np[j->npages], 0, sizeof(*np));
		if (!(np[j->npages].path =
		          strdup(sohoa_scan_job_page(sj, i)->path)))
			break;
		/* a damaged result is recognized again by the packer
		 * (cli_job_recognize), so its presence is enough here */
		np[j->npages].have = turn[i];
		j->npages++;
	}
	/* staff's arrangement: a page turned since it was read is stale */
	for (size_t i = 0; i < nv; i++)
		if (v[i].page < j->npages) {
			j->pages[v[i].page].want = v[i].rotation;
			j->pages[v[i].page].removed =
			    (unsigned char)v[i].removed;
		}
	recount(j);
	pthread_mutex_unlock(&s->lock);
	free(v);
	free(turn);
	json_decref(fault);
	sohoa_scan_job_free(sj);
}

static void enqueue_locked(struct cli_stages *s, struct sjob *j)
{
	for (size_t i = 0; i < j->npages && s->qlen < s->qcap; i++) {
		struct spage *p = &j->pages[i];
		struct ocr_item *it;

		if (p->done || p->queued || p->have == HAVE_UNKNOWN)
			continue;
		it = &s->q[(s->qhead + s->qlen) % s->qcap];
		it->id = strdup(j->id);
		it->path = strdup(p->path);
		it->page = i;
		it->view = j->draft ? p->want : -1;
		if (!it->id || !it->path) {
			free(it->id);
			free(it->path);
			return;
		}
		p->queued = 1;
		j->nqueued++;
		s->qlen++;
		pthread_cond_signal(&s->ocr_cv);
	}
}

static int packable(const struct sjob *j)
{
	return !j->busy && !j->fault && !j->held && j->stage == ST_NONE &&
	       (!strcmp(j->state, CLI_JOB_FILED) ||
	        ((!strcmp(j->state, SOHOA_SCAN_JOB_CAPTURED) ||
	          !strcmp(j->state, SOHOA_SCAN_JOB_FILING)) &&
	         j->npages > 0 && j->ndone == j->npages));
}

/* A result batch's spool folder (BATCH-SECONDS-NANOS-PID, no journal)
 * whose process is gone (a crash): its pages are copies of inputs that
 * are still where they were (the batch folder keeps a stack until it is
 * filed; `sohoa batch` never moves its files), so the copies go. */
static void drop_stale_batch(const char *dir, const char *id)
{
	const char *dash = strrchr(id, '-');
	char *end = NULL;
	long pid;

	if (strncmp(id, "batch-", 6) != 0 || !dash)
		return;
	pid = strtol(dash + 1, &end, 10);
	if (*end || pid <= 0 || kill((pid_t)pid, 0) == 0 || errno != ESRCH)
		return;
	if (sohoa_fs_remove_tree(dir) == SOHOA_OK)
		sohoa_log(SOHOA_LOG_INFO,
		          "spool %s: a result batch cut short (process %ld "
		          "gone); its copies removed, the inputs are run "
		          "again",
		          id, pid);
}

void cli_stages_tick(struct cli_stages *s)
{
	const char *spool;
	char **names = NULL;
	size_t n = 0;
	unsigned hot_gen;

	pthread_mutex_lock(&s->lock);
	hot_gen = s->hot_gen;
	spool = sohoa_config_get(s->cfg, "spool.path");
	for (size_t i = 0; i < s->njobs; i++)
		s->jobs[i]->seen = 0;
	pthread_mutex_unlock(&s->lock);
	if (cli_list_dir(&names, &n, spool, NULL) != SOHOA_OK)
		n = 0;
	for (size_t i = 0; i < n; i++) {
		const char *id = strrchr(names[i], '/') + 1;
		char *jpath = NULL;
		struct stat st;
		struct sjob *j;
		int reread;

		if (sohoa_asprintf(&jpath, "%s/journal.jsonl", names[i]) ||
		    stat(jpath, &st) != 0) {
			free(jpath); /* not a job (yet): a batch folder */
			drop_stale_batch(names[i], id);
			continue;
		}
		free(jpath);
		pthread_mutex_lock(&s->lock);
		if (!(j = find_job(s, id))) {
			struct sjob **nj =
			    realloc(s->jobs, (s->njobs + 1) * sizeof(*nj));

			if (nj)
				s->jobs = nj;
			if (!nj || !(j = calloc(1, sizeof(*j))) ||
			    !(j->id = strdup(id)) ||
			    !(j->dir = strdup(names[i]))) {
				if (j)
					free_job(j);
				pthread_mutex_unlock(&s->lock);
				continue;
			}
			s->jobs[s->njobs++] = j;
		}
		j->seen = 1;
		/* skip what cannot have changed: same journal, nobody in */
		reread = j->stage == ST_NONE &&
		         (j->mtime.tv_sec != st.st_mtim.tv_sec ||
		          j->mtime.tv_nsec != st.st_mtim.tv_nsec ||
		          j->size != st.st_size || j->busy ||
		          !strcmp(j->state, SOHOA_SCAN_JOB_CAPTURING));
		pthread_mutex_unlock(&s->lock);
		if (reread)
			refresh(s, j, &st);
	}
	cli_free_list(names, n);

	pthread_mutex_lock(&s->lock);
	for (size_t i = 0; i < s->njobs;) {
		struct sjob *j = s->jobs[i];

		/* gone (filed by a foreground sohoa, removed by hand) */
		if (!j->seen && j->stage == ST_NONE && j->nqueued == 0) {
			free_job(j);
			s->jobs[i] = s->jobs[--s->njobs];
			continue;
		}
		i++;
		if (!j->seen || j->fault || j->stage != ST_NONE || !j->state[0])
			continue;
		if (j->busy && !j->ours)
			j->ours =
			    capture_child(j->id) ||
			    (s->ctl && cli_control_resuming(s->ctl, j->id));
		/* OCR a job nobody writes, or one our capture child feeds
		 * (a foreground `sohoa scan` recognizes its own pages) */
		if (!j->busy || j->ours)
			enqueue_locked(s, j);
		if (packable(j)) {
			char **np =
			    realloc(s->packq, (s->npackq + 1) * sizeof(*np));

			if (np && (np[s->npackq] = strdup(j->id))) {
				s->packq = np;
				s->npackq++;
				j->stage = ST_PACKING;
				pthread_cond_signal(&s->pack_cv);
			} else if (np) {
				s->packq = np;
			}
		}
		if (!j->busy && !strcmp(j->state, SOHOA_SCAN_JOB_CAPTURING) &&
		    !strcmp(j->what, "scan") && !j->resume_asked && !j->held &&
		    !s->draining && ++j->idle_ticks >= 2 && s->ctl) {
			/* its process died: carry the scan on */
			j->resume_asked = 1;
			if (cli_control_resume(s->ctl, j->id,
			                       j->device ? j->device : "") ==
			    SOHOA_OK)
				sohoa_log(SOHOA_LOG_INFO,
				          "job %s: interrupted scan of case %s "
				          "with %zu pages; resuming it",
				          j->id, j->case_no, j->npages);
			else
				note_locked(s, SOHOA_LOG_ERROR, j->id,
				            sohoa_error_last());
		}
		if (j->busy)
			j->idle_ticks = 0;
	}
	s->tick_hot_gen = hot_gen;
	s->ticks++;
	pthread_mutex_unlock(&s->lock);
	/* unfinished hot-folder imports: their originals are still there */
	for (;;) {
		char *dir = NULL;
		struct cli_job job;

		pthread_mutex_lock(&s->lock);
		for (size_t i = 0; i < s->njobs && !dir; i++) {
			struct sjob *j = s->jobs[i];

			if (j->seen && !j->busy && j->has_origin &&
			    j->stage == ST_NONE && j->nqueued == 0 &&
			    !strcmp(j->what, "import") &&
			    !strcmp(j->state, SOHOA_SCAN_JOB_CAPTURING)) {
				dir = strdup(j->dir);
				j->seen = 0;
			}
		}
		pthread_mutex_unlock(&s->lock);
		if (!dir)
			break;
		if (cli_job_resume(&job, s->cfg, dir) == SOHOA_OK &&
		    !strcmp(sohoa_scan_job_state(job.sj),
		            SOHOA_SCAN_JOB_CAPTURING)) {
			sohoa_log(
			    SOHOA_LOG_INFO,
			    "job %s: unfinished import of %s dropped; the "
			    "file is taken again",
			    sohoa_scan_job_id(job.sj),
			    sohoa_scan_job_get_params(job.sj)->origin);
			sohoa_scan_job_remove(job.sj);
		}
		cli_job_dispose(&job);
		free(dir);
	}
}

int cli_stages_idle(struct cli_stages *s)
{
	int idle;

	pthread_mutex_lock(&s->lock);
	/* the spool read at least once since the hot folder last spooled */
	idle = s->ticks > 0 && s->tick_hot_gen == s->hot_gen &&
	       (s->draining || (!s->hot_busy && s->hot_waiting == 0)) &&
	       s->qlen == 0 && s->busy == 0 && s->npackq == 0 && !s->packing &&
	       s->nindexq == 0 && !s->indexing;
	for (size_t i = 0; idle && i < s->njobs; i++) {
		const struct sjob *j = s->jobs[i];

		if (j->fault || !j->state[0])
			continue;
		if (j->busy || (j->ndone < j->npages) || packable(j) ||
		    j->stage != ST_NONE ||
		    (!s->draining &&
		     !strcmp(j->state, SOHOA_SCAN_JOB_CAPTURING) &&
		     !strcmp(j->what, "scan") && !j->resume_asked && !j->held))
			idle = 0;
	}
	pthread_mutex_unlock(&s->lock);
	return idle;
}

/* ---- status ------------------------------------------------------------- */

struct json_t *cli_stages_status(struct cli_stages *s)
{
	json_t *o = json_object(), *jobs = json_array(), *errs = json_array();
	unsigned long waiting = 0;
	char started[32];
	struct tm tm;

	pthread_mutex_lock(&s->lock);
	for (size_t i = 0; i < s->njobs; i++) {
		const struct sjob *j = s->jobs[i];
		const char *stage = j->stage == ST_PACKING    ? "packing"
		                    : j->stage == ST_INDEXING ? "indexing"
		                    : j->fault                ? "faulted"
		                    : j->busy                 ? "capturing"
		                    : j->ndone < j->npages    ? "recognizing"
		                                              : "waiting";
		json_t *r;

		if (!j->state[0])
			continue;
		waiting += j->npages - j->ndone - j->nqueued;
		r = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:I, s:I}",
		              "id", j->id, "case", j->case_no, "component",
		              j->component ? j->component : "", "what", j->what,
		              "state", j->state, "stage", stage, "busy",
		              j->busy, "pages", (json_int_t)j->npages,
		              "recognized", (json_int_t)j->ndone);
		if (r && j->fault)
			json_object_set_new(r, "error", json_string(j->fault));
		/* the fault kept in the spool: this one, or an earlier
		 * run's while the job is tried again */
		if (r && j->saved_fault)
			json_object_set_new(r, "fault",
			                    json_deep_copy(j->saved_fault));
		if (r && j->held)
			json_object_set_new(r, "held", json_true());
		json_array_append_new(jobs, r);
	}
	for (size_t k = 0; k < s->nnotes; k++) {
		/* oldest first */
		const struct note *n =
		    &s->notes[(s->note_next + NERRORS - s->nnotes + k) %
		              NERRORS];

		json_array_append_new(errs, json_pack("{s:s, s:s, s:s, s:s}",
		                                      "time", n->time, "level",
		                                      n->level, "job", n->job,
		                                      "message", n->msg));
	}
	gmtime_r(&s->started, &tm);
	strftime(started, sizeof(started), "%Y-%m-%dT%H:%M:%SZ", &tm);
	json_object_set_new(o, "started", json_string(started));
	json_object_set_new(
	    o, "queues",
	    json_pack("{s:{s:I, s:I}, s:I, s:I, s:I}", "ocr", "depth",
	              (json_int_t)s->qlen, "capacity", (json_int_t)s->qcap,
	              "spool_pages_waiting", (json_int_t)waiting, "pack",
	              (json_int_t)(s->npackq + (size_t)s->packing), "index",
	              (json_int_t)(s->nindexq + (size_t)s->indexing)));
	json_object_set_new(
	    o, "workers",
	    json_pack("{s:i, s:i}", "busy", s->busy, "total", s->nstarted));
	json_object_set_new(o, "jobs", jobs);
	json_object_set_new(o, "pages_per_minute",
	                    json_pack("{s:{s:f, s:f}, s:{s:f, s:f}}",
	                              "recognized", "1min", rate_get(s, 60, 0),
	                              "10min", rate_get(s, 600, 0), "filed",
	                              "1min", rate_get(s, 60, 1), "10min",
	                              rate_get(s, 600, 1)));
	json_object_set_new(o, "totals",
	                    json_pack("{s:I, s:I, s:I, s:I}", "recognized",
	                              (json_int_t)s->total_rec,
	                              "recognized_while_capturing",
	                              (json_int_t)s->rec_while_capturing,
	                              "filed_pages", (json_int_t)s->total_filed,
	                              "filed_jobs", (json_int_t)s->total_jobs));
	json_object_set_new(o, "errors", errs);
	pthread_mutex_unlock(&s->lock);
	return o;
}
