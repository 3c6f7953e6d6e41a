/* cmd_verify.c -- `sohoa verify`: check bundles; exit 0 only when every
 * one holds.
 */
#include "cli_int.h"

#include "archive/archive.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

static int verify_one(const char *path, int *bad)
{
	char *report = NULL;
	int rc = sohoa_archive_verify(path, &report);

	if (rc == SOHOA_OK) {
		printf("%s: ok\n", path);
	} else {
		(*bad)++;
		printf("%s: FAILED\n", path);
		if (report && report[0])
			fputs(report, stdout);
		else
			printf("  %s\n", sohoa_error_last());
	}
	free(report);
	return rc;
}

int cmd_verify(int argc, char **argv)
{
	sohoa_config *cfg = NULL;
	int ex, bad = 0, count = 0;

	if (argc < 2)
		return cli_usage_error("verify", "give BUNDLE... or --all");
	if (strcmp(argv[1], "--all") == 0) {
		const char *root;
		struct dirent *e;
		DIR *d;

		if (argc > 2)
			return cli_usage_error("verify",
			                       "--all takes no BUNDLE");
		if ((ex = cli_load_config(&cfg)))
			return ex;
		root = sohoa_config_get(cfg, "archive.root");
		if (!(d = opendir(root))) {
			fprintf(stderr,
			        "sohoa: archive root %s cannot be read; "
			        "check [archive] root\n",
			        root);
			sohoa_config_free(cfg);
			return SOHOA_EXIT_ENV;
		}
		while ((e = readdir(d))) {
			size_t len = strlen(e->d_name);
			char *path = NULL;

			if (len < 5 || strcmp(e->d_name + len - 4, ".zip"))
				continue;
			if (sohoa_asprintf(&path, "%s/%s", root, e->d_name))
				break;
			verify_one(path, &bad);
			count++;
			free(path);
		}
		closedir(d);
		sohoa_config_free(cfg);
	} else {
		for (int i = 1; i < argc; i++, count++)
			verify_one(argv[i], &bad);
	}
	printf("%d bundle%s checked, %d failed\n", count, count == 1 ? "" : "s",
	       bad);
	return bad ? SOHOA_EXIT_FAIL : SOHOA_EXIT_OK;
}
