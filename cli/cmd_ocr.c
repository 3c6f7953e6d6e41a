/* cmd_ocr.c -- `sohoa ocr`: analyse and recognize image files, one result
 * per page (JSON Lines with --json).
 */
#include "cli_int.h"

#include "ocr/ocr.h"

#include <jansson.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static void print_page(const char *file, int page, const sohoa_ocr_result *r,
                       const char *json, int as_json)
{
	if (as_json) {
		json_error_t err;
		json_t *o = json_object(), *rest = json_loads(json, 0, &err);
		char *s;

		json_object_set_new(o, "file", json_string(file));
		json_object_set_new(o, "page", json_integer(page));
		if (rest)
			json_object_update(o, rest);
		if ((s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER))) {
			puts(s);
			free(s);
		}
		json_decref(rest);
		json_decref(o);
		return;
	}
	printf("%s page %d: %s, rotation %d, skew %.2f°, confidence %.0f%%, "
	       "type %s, case %s\n",
	       file, page, r->blank ? "blank" : "content", r->rotation,
	       r->skew_deg, 100 * r->mean_confidence, r->document_type,
	       r->case_number ? r->case_number : "-");
	for (size_t i = 0; i < r->ncodes; i++)
		printf("  code %s: %s\n", r->codes[i].type, r->codes[i].data);
	for (size_t i = 0; i < r->nfields; i++) {
		const sohoa_ocr_field *f = &r->fields[i];

		printf("  %s: %s (%s, %.0f%%%s)\n", f->name, f->value,
		       f->source, 100 * f->confidence,
		       f->valid ? "" : ", CHECK");
		for (size_t k = 0; k < f->nproblems; k++)
			printf("    ! %s\n", f->problems[k]);
	}
	if (r->text && r->text[0])
		printf("%s\n", r->text);
}

/* One page to read, or a file that could not be opened. */
struct unit {
	const char *file; /* borrowed: argv */
	int page;         /* 0-based */
	int rc;           /* result of counting or reading */
	char msg[1024];   /* sohoa_error_last() of a failure */
	sohoa_ocr_result r;
	char *json; /* owned */
	int done;
};

/* Workers take units in order; the main thread prints them in order as
 * they finish, so output order is argument order whatever the timing. */
struct pool {
	const sohoa_config *cfg;
	struct unit *u;
	size_t n, next;
	sohoa_ocr *first; /* owned until a worker takes it */
	pthread_mutex_t lock;
	pthread_cond_t cond;
};

static void finish(struct pool *p, struct unit *u, int rc)
{
	pthread_mutex_lock(&p->lock);
	u->rc = rc;
	if (rc != SOHOA_OK)
		snprintf(u->msg, sizeof(u->msg), "%s", sohoa_error_last());
	u->done = 1;
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
}

static void *worker(void *arg)
{
	struct pool *p = arg;
	sohoa_ocr *ocr;
	int rc = SOHOA_OK;

	pthread_mutex_lock(&p->lock);
	ocr = p->first;
	p->first = NULL;
	pthread_mutex_unlock(&p->lock);
	if (!ocr)
		rc = cli_ocr_create(&ocr, p->cfg);
	for (;;) {
		struct unit *u;
		size_t i;

		pthread_mutex_lock(&p->lock);
		i = p->next++;
		pthread_mutex_unlock(&p->lock);
		if (i >= p->n)
			break;
		u = &p->u[i];
		if (u->done)
			continue; /* a file that could not be counted */
		if (rc != SOHOA_OK) {
			finish(p, u, rc);
			continue;
		}
		sohoa_ocr_result_init(&u->r);
		int prc = sohoa_ocr_page(&u->r, ocr, u->file, u->page);
		if (prc == SOHOA_OK)
			prc = sohoa_ocr_result_json(&u->json, &u->r);
		finish(p, u, prc);
	}
	sohoa_ocr_free(ocr);
	return NULL;
}

int cmd_ocr(int argc, char **argv)
{
	sohoa_config *cfg = NULL;
	struct pool p;
	pthread_t th[64];
	int as_json = 0, first = 1, ex, rc, worst = SOHOA_EXIT_OK;
	int nth, started = 0;
	size_t cap = 0;

	if (argc > 1 && strcmp(argv[1], "--json") == 0) {
		as_json = 1;
		first = 2;
	}
	if (first >= argc)
		return cli_usage_error("ocr", "no FILE given");
	for (int i = first; i < argc; i++)
		if (argv[i][0] == '-' && argv[i][1])
			return cli_usage_error("ocr", "unknown option '%s'",
			                       argv[i]);
	if ((ex = cli_load_config(&cfg)))
		return ex;
	memset(&p, 0, sizeof(p));
	p.cfg = cfg;
	/* One recognizer now: a missing traineddata is reported once. */
	if ((rc = cli_ocr_create(&p.first, cfg))) {
		sohoa_config_free(cfg);
		return cli_fail(rc);
	}
	/* Count pages first: a bad file is one unit that reports it. */
	for (int i = first; i < argc; i++) {
		int n = 0;

		rc = sohoa_ocr_count_pages(&n, argv[i]);
		for (int k = 0; k < (rc == SOHOA_OK ? n : 1); k++) {
			if (p.n == cap) {
				size_t ncap = cap ? 2 * cap : 64;
				struct unit *g =
				    realloc(p.u, ncap * sizeof(*p.u));

				if (!g) {
					free(p.u);
					sohoa_ocr_free(p.first);
					sohoa_config_free(cfg);
					return cli_fail(sohoa_error_set(
					    SOHOA_ENOMEM, "out of memory"));
				}
				p.u = g;
				cap = ncap;
			}
			memset(&p.u[p.n], 0, sizeof(p.u[p.n]));
			p.u[p.n].file = argv[i];
			p.u[p.n].page = k;
			if (rc != SOHOA_OK) {
				p.u[p.n].rc = rc;
				p.u[p.n].done = 1;
				snprintf(p.u[p.n].msg, sizeof(p.u[p.n].msg),
				         "%s", sohoa_error_last());
			}
			p.n++;
		}
	}
	pthread_mutex_init(&p.lock, NULL);
	pthread_cond_init(&p.cond, NULL);
	nth = cli_ocr_workers(cfg, p.n);
	for (int i = 0; i < nth; i++)
		if (pthread_create(&th[started], NULL, worker, &p) == 0)
			started++;
	if (started == 0)
		worker(&p); /* no threads: read everything here */
	for (size_t i = 0; i < p.n; i++) {
		struct unit *u = &p.u[i];

		pthread_mutex_lock(&p.lock);
		while (!u->done)
			pthread_cond_wait(&p.cond, &p.lock);
		pthread_mutex_unlock(&p.lock);
		if (u->rc == SOHOA_OK) {
			print_page(u->file, u->page + 1, &u->r, u->json,
			           as_json);
		} else {
			ex = cli_fail(sohoa_error_set(u->rc, "%s", u->msg));
			worst = ex > worst ? ex : worst;
		}
		fflush(stdout);
		free(u->json);
		sohoa_ocr_result_dispose(&u->r);
	}
	for (int i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	sohoa_ocr_free(p.first);
	pthread_cond_destroy(&p.cond);
	pthread_mutex_destroy(&p.lock);
	free(p.u);
	sohoa_config_free(cfg);
	return worst;
}
