/* progress.c -- what long operations share: a progress line on a terminal
 * (silent when stderr is piped or with -q), and the list of bundles under
 * the archive root.
 */
#include "cli_int.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void cli_progress(const char *what, size_t done, size_t total)
{
	static int tty = -1;

	if (tty < 0)
		tty = isatty(STDERR_FILENO) && !cli_globals.quiet;
	if (!tty || total < 2)
		return;
	fprintf(stderr, "\r%s: %zu/%zu", what, done, total);
	if (done >= total)
		fputc('\n', stderr);
	fflush(stderr);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int cli_list_dir(char ***out, size_t *n_out, const char *dir,
                 int (*keep)(const char *name))
{
	size_t len = strlen(dir);
	DIR *d = opendir(dir);
	struct dirent *e;
	char **list = NULL;
	size_t n = 0;

	*out = NULL;
	*n_out = 0;
	if (!d)
		return sohoa_error_set(SOHOA_EENV, "cannot read folder %s: %s",
		                       dir, strerror(errno));
	while (len > 1 && dir[len - 1] == '/')
		len--; /* "dir/" names its files "dir/x" */
	while ((e = readdir(d))) {
		char **nl;

		if (keep ? !keep(e->d_name) : e->d_name[0] == '.')
			continue;
		if (!(nl = realloc(list, (n + 1) * sizeof(*nl))) ||
		    sohoa_asprintf(&nl[n], "%.*s/%s", (int)len, dir,
		                   e->d_name)) {
			list = nl ? nl : list;
			closedir(d);
			cli_free_list(list, n);
			return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
		}
		list = nl;
		n++;
	}
	closedir(d);
	if (n > 1) /* qsort(NULL, 0, ...) is undefined */
		qsort(list, n, sizeof(*list), cmp_str);
	*out = list;
	*n_out = n;
	return SOHOA_OK;
}

static int is_bundle(const char *name)
{
	size_t len = strlen(name);

	return len >= 5 && strcmp(name + len - 4, ".zip") == 0;
}

int cli_list_bundles(char ***out, size_t *n_out, const sohoa_config *cfg)
{
	const char *root = sohoa_config_get(cfg, "archive.root");
	int rc = cli_list_dir(out, n_out, root, is_bundle);

	if (rc == SOHOA_EENV)
		rc = sohoa_error_set(SOHOA_EENV,
		                     "archive root %s cannot be read; check "
		                     "[archive] root",
		                     root);
	return rc;
}

void cli_free_list(char **list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(list[i]);
	free(list);
}
