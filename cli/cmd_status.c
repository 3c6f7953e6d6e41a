/* cmd_status.c -- `sohoa status [--json]`: what sohoad is doing (queues,
 * workers, jobs in flight, pages per minute, the last errors), or, when
 * no sohoad runs, what the spool holds (exit 3).
 */
#include "cli_int.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static long long ival(json_t *o, const char *a, const char *b)
{
	json_t *v = json_object_get(o, a);

	if (b)
		v = json_object_get(v, b);
	return (long long)json_integer_value(v);
}

static double rate(json_t *o, const char *what, const char *win)
{
	return json_number_value(json_object_get(
	    json_object_get(json_object_get(o, "pages_per_minute"), what),
	    win));
}

static void print_jobs(json_t *jobs, int daemon)
{
	if (json_array_size(jobs) == 0) {
		printf("jobs: none\n");
		return;
	}
	printf("jobs:\n");
	for (size_t i = 0; i < json_array_size(jobs); i++) {
		json_t *j = json_array_get(jobs, i);
		json_t *fault = json_object_get(j, "fault");
		const char *err =
		    json_string_value(json_object_get(j, "error"));
		char last[1200];

		/* no fault now, one kept from before (sohoad not running,
		 * or trying the job again) */
		if (!err && fault) {
			cli_job_fault_text(last, sizeof(last), fault);
			err = last;
		}
		printf("  %s\t%s\t%s\t%s\t%lld/%lld recognized%s%s\n",
		       json_string_value(json_object_get(j, "id")),
		       json_string_value(json_object_get(j, "case")),
		       json_string_value(json_object_get(j, "state")),
		       daemon ? json_string_value(json_object_get(j, "stage"))
		       : json_is_true(json_object_get(j, "busy")) ? "busy"
		                                                  : "-",
		       ival(j, "recognized", NULL), ival(j, "pages", NULL),
		       err ? ": " : "", err ? err : "");
	}
}

static void print_status(json_t *o)
{
	json_t *errs = json_object_get(o, "errors");

	printf("sohoad: running (pid %lld, since %s)%s%s\n",
	       ival(o, "pid", NULL),
	       json_string_value(json_object_get(o, "started")),
	       json_is_true(json_object_get(o, "draining")) ? ", stopping" : "",
	       json_is_true(json_object_get(o, "idle")) ? ", idle" : "");
	printf("queues: OCR %lld/%lld, pages waiting in the spool %lld, "
	       "pack %lld, index %lld\n",
	       ival(json_object_get(o, "queues"), "ocr", "depth"),
	       ival(json_object_get(o, "queues"), "ocr", "capacity"),
	       ival(o, "queues", "spool_pages_waiting"),
	       ival(o, "queues", "pack"), ival(o, "queues", "index"));
	printf("OCR workers: %lld of %lld busy\n", ival(o, "workers", "busy"),
	       ival(o, "workers", "total"));
	printf("scans: %lld queued, %lld running\n", ival(o, "scans", "queued"),
	       ival(o, "scans", "running"));
	printf("pages per minute: recognized %.1f (1 min), %.1f (10 min); "
	       "filed %.1f (1 min), %.1f (10 min)\n",
	       rate(o, "recognized", "1min"), rate(o, "recognized", "10min"),
	       rate(o, "filed", "1min"), rate(o, "filed", "10min"));
	printf("since start: %lld pages recognized (%lld while capturing), "
	       "%lld pages in %lld jobs filed\n",
	       ival(o, "totals", "recognized"),
	       ival(o, "totals", "recognized_while_capturing"),
	       ival(o, "totals", "filed_pages"),
	       ival(o, "totals", "filed_jobs"));
	print_jobs(json_object_get(o, "jobs"), 1);
	if (json_array_size(errs) == 0) {
		printf("errors: none\n");
		return;
	}
	printf("last errors:\n");
	for (size_t i = 0; i < json_array_size(errs); i++) {
		json_t *e = json_array_get(errs, i);
		const char *job = json_string_value(json_object_get(e, "job"));

		printf("  %s %s %s%s%s\n",
		       json_string_value(json_object_get(e, "time")),
		       json_string_value(json_object_get(e, "level")),
		       job && job[0] ? job : "", job && job[0] ? ": " : "",
		       json_string_value(json_object_get(e, "message")));
	}
}

int cmd_status(int argc, char **argv)
{
	sohoa_config *cfg = NULL;
	char *text;
	json_t *o = NULL;
	int ex, as_json = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			as_json = 1;
		else
			return cli_usage_error(
			    "status", "unknown argument '%s'", argv[i]);
	}
	if ((ex = cli_load_config(&cfg)))
		return ex;
	if (cli_status_json(&o, cfg) != SOHOA_OK) {
		ex = SOHOA_EXIT_ENV;
		if (!o) { /* sohoad runs but answered nonsense */
			fprintf(stderr, "sohoa: %s\n", sohoa_error_last());
		} else {
			fprintf(stderr, "sohoa: sohoad is not running: %s\n",
			        json_string_value(json_object_get(o, "error")));
			if (as_json) {
				text = json_dumps(o, JSON_COMPACT);
				printf("%s\n", text ? text : "{}");
				free(text);
			} else {
				printf("sohoad: not running\nspool (%s):\n",
				       sohoa_config_get(cfg, "spool.path"));
				print_jobs(json_object_get(o, "spool"), 0);
			}
		}
	} else if (as_json) {
		ex = SOHOA_EXIT_OK;
		text = json_dumps(o, JSON_COMPACT);
		printf("%s\n", text ? text : "{}");
		free(text);
	} else {
		ex = SOHOA_EXIT_OK;
		print_status(o);
	}
	json_decref(o);
	sohoa_config_free(cfg);
	return ex;
}
