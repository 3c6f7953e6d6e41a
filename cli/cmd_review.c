/* cmd_review.c -- `sohoa review`: list what waits in the review folder,
 * and file an item to a case by hand.
 */
#include "cli_int.h"

#include <dirent.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int is_page(const char *name)
{
	return name[0] == 'p';
}

/* The page files of an item, sorted.  *out owned (each string too). */
static int item_pages(char ***out, size_t *n_out, const char *dir)
{
	int rc = cli_list_dir(out, n_out, dir, is_page);

	if (rc == SOHOA_EENV)
		rc = sohoa_error_set(SOHOA_ENOTFOUND,
		                     "no review item %s; see 'sohoa review'",
		                     dir);
	return rc;
}

static void first_line(char *buf, size_t size, const char *path)
{
	char *text = NULL;

	buf[0] = '\0';
	if (sohoa_fs_read_all(&text, NULL, path) == SOHOA_OK) {
		snprintf(buf, size, "%.*s", (int)strcspn(text, "\n"), text);
		free(text);
	}
}

static int list_items(const sohoa_config *cfg)
{
	const char *root = sohoa_config_get(cfg, "review.path");
	DIR *d = opendir(root);
	struct dirent *e;
	int count = 0;

	if (!d) {
		printf("nothing waits for review\n");
		return SOHOA_EXIT_OK;
	}
	while ((e = readdir(d))) {
		char *dir = NULL, *whyp = NULL, why[600], **pages = NULL;
		size_t n = 0;
		struct stat st;

		if (e->d_name[0] == '.' ||
		    sohoa_asprintf(&dir, "%s/%s", root, e->d_name))
			continue;
		if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode) &&
		    item_pages(&pages, &n, dir) == SOHOA_OK &&
		    sohoa_asprintf(&whyp, "%s.why", dir) == SOHOA_OK) {
			first_line(why, sizeof(why), whyp);
			printf("%s  %zu page%s  %s\n", e->d_name, n,
			       n == 1 ? "" : "s", why);
			count++;
		}
		for (size_t i = 0; i < n; i++)
			free(pages[i]);
		free(pages);
		free(dir);
		free(whyp);
	}
	closedir(d);
	if (count == 0)
		printf("nothing waits for review\n");
	return SOHOA_EXIT_OK;
}

static int file_item(const sohoa_config *cfg, const char *item,
                     const char *case_arg, const char *component,
                     const char *kind)
{
	char norm[SOHOA_CASE_MAX], *dir = NULL, *whyp = NULL;
	char **files = NULL, source[256];
	struct cli_job job = {0};
	int rc;
	size_t n = 0;

	if (strchr(item, '/') || item[0] == '.')
		return sohoa_error_set(SOHOA_EINVALID,
		                       "'%s' is not a review item name", item);
	if ((rc = sohoa_case_normalize(norm, case_arg)))
		return rc;
	if ((rc = sohoa_asprintf(&dir, "%s/%s",
	                         sohoa_config_get(cfg, "review.path"), item)) ||
	    (rc = sohoa_asprintf(&whyp, "%s.why", dir)) ||
	    (rc = item_pages(&files, &n, dir)))
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
	for (size_t i = 0; i < n; i++)
		free(files[i]);
	free(files);
	free(dir);
	free(whyp);
	cli_job_dispose(&job);
	return rc;
}

int cmd_review(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"case", required_argument, NULL, 'c'},
	    {"component", required_argument, NULL, 'C'},
	    {"kind", required_argument, NULL, 'k'},
	    {NULL, 0, NULL, 0}};
	const char *case_arg = NULL, *component = "Kết quả", *kind = "result";
	sohoa_config *cfg = NULL;
	int c, rc, ex;

	if (argc >= 2 && strcmp(argv[1], "file") == 0) {
		optind = 2;
		opterr = 0;
		while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
			if (c == 'c')
				case_arg = optarg;
			else if (c == 'C')
				component = optarg;
			else if (c == 'k')
				kind = optarg;
			else
				return cli_usage_error("review",
				                       "unknown option '%s'",
				                       argv[optind - 1]);
		}
		if (optind != argc - 1 || !case_arg)
			return cli_usage_error(
			    "review", "expected 'file ITEM --case CASE'");
		if (strcmp(kind, "result") && strcmp(kind, "component"))
			return cli_usage_error(
			    "review", "--kind must be component or result");
		if ((ex = cli_load_config(&cfg)))
			return ex;
		rc = file_item(cfg, argv[optind], case_arg, component, kind);
		ex = rc == SOHOA_OK ? SOHOA_EXIT_OK : cli_fail(rc);
		sohoa_config_free(cfg);
		return ex;
	}
	if (argc > 1)
		return cli_usage_error("review", "expected no argument or "
		                                 "'file ITEM --case CASE'");
	if ((ex = cli_load_config(&cfg)))
		return ex;
	ex = list_items(cfg);
	sohoa_config_free(cfg);
	return ex;
}
