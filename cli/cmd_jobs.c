/* cmd_jobs.c -- `sohoa jobs`: the capture jobs waiting in the spool, read
 * from their journals without disturbing a job that is running.
 */
#include "cli_int.h"

#include <dirent.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int cmd_jobs(int argc, char **argv)
{
	sohoa_config *cfg = NULL;
	const char *spool;
	char **names = NULL;
	size_t n = 0;
	struct dirent *e;
	DIR *d;
	int ex;

	(void)argv;
	if (argc > 1)
		return cli_usage_error("jobs", "no arguments expected");
	if ((ex = cli_load_config(&cfg)))
		return ex;
	/* what sohoad has queued or running, when one listens */
	{
		char *answer = NULL;
		json_t *r = NULL, *jobs;

		if (cli_control_call(&answer, cfg, "{\"cmd\":\"jobs\"}") ==
		        SOHOA_OK &&
		    (r = json_loads(answer, JSON_DISABLE_EOF_CHECK, NULL)) &&
		    (jobs = json_object_get(r, "jobs"))) {
			for (size_t i = 0; i < json_array_size(jobs); i++) {
				json_t *j = json_array_get(jobs, i);
				const char *st = json_string_value(
				    json_object_get(j, "state"));

				printf(
				    "%s\t%s\t-\t%s\t%s\t%s\t",
				    json_string_value(json_object_get(j, "id")),
				    st,
				    json_string_value(
				        json_object_get(j, "case")),
				    json_string_value(
				        json_object_get(j, "component")),
				    json_string_value(
				        json_object_get(j, "device")));
				if (!strcmp(st, "done"))
					printf("exit %lld",
					       (long long)json_integer_value(
					           json_object_get(j, "exit")));
				printf("\n");
			}
		}
		json_decref(r);
		free(answer);
	}
	spool = sohoa_config_get(cfg, "spool.path");
	if (!(d = opendir(spool))) {
		sohoa_config_free(cfg);
		return SOHOA_EXIT_OK; /* no spool yet: no jobs */
	}
	while ((e = readdir(d))) {
		char **nn;

		if (e->d_name[0] == '.')
			continue;
		if (!(nn = realloc(names, (n + 1) * sizeof(*nn))) ||
		    !(nn[n] = strdup(e->d_name))) {
			names = nn ? nn : names;
			break;
		}
		names = nn;
		n++;
	}
	closedir(d);
	if (n > 1) /* qsort(NULL, 0, ...) is undefined */
		qsort(names, n, sizeof(*names), by_name);
	for (size_t i = 0; i < n; i++) {
		sohoa_scan_job *job = NULL;
		char *dir = NULL;

		if (sohoa_asprintf(&dir, "%s/%s", spool, names[i]) ||
		    sohoa_scan_job_open(&job, dir, 1) != SOHOA_OK) {
			printf("%s\tunreadable\t-\t-\t-\t-\t%s\n", names[i],
			       sohoa_error_last());
		} else {
			const sohoa_scan_job_params *p =
			    sohoa_scan_job_get_params(job);
			const char *state = sohoa_scan_job_state(job);
			const char *err = sohoa_scan_job_error(job);
			json_t *fault = cli_job_fault_load(dir);
			char ftext[1200];

			/* a capturing job nobody holds was cut short */
			if (sohoa_scan_job_busy(job))
				state = "running";
			else if (sohoa_scan_job_held(job))
				state = "draft"; /* staff commit it */
			else if (!strcmp(state, SOHOA_SCAN_JOB_CAPTURING))
				state = "interrupted";
			else if (fault) {
				/* sohoad's OCR, pack or index stage set it
				 * aside (kept until the job files) */
				cli_job_fault_text(ftext, sizeof(ftext), fault);
				state = "faulted";
				err = ftext;
			}
			json_decref(fault);
			printf("%s\t%s\t%zu\t%s\t%s\t%s\t%s\n",
			       sohoa_scan_job_id(job), state,
			       sohoa_scan_job_npages(job), p->case_number,
			       p->component,
			       p->origin        ? p->origin
			       : p->scan.device ? p->scan.device
			                        : "-",
			       err && strcmp(state, "faulted") == 0 ? err : "");
		}
		sohoa_scan_job_free(job);
		free(dir);
		free(names[i]);
	}
	free(names);
	sohoa_config_free(cfg);
	return SOHOA_EXIT_OK;
}
