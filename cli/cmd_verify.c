/* cmd_verify.c -- `sohoa verify`: check bundles; exit 0 only when every
 * one holds.
 */
#include "cli_int.h"

#include "archive/archive.h"

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
		char **paths = NULL;
		size_t n = 0;
		int rc;

		if (argc > 2)
			return cli_usage_error("verify",
			                       "--all takes no BUNDLE");
		if ((ex = cli_load_config(&cfg)))
			return ex;
		if ((rc = cli_list_bundles(&paths, &n, cfg))) {
			sohoa_config_free(cfg);
			return cli_fail(rc);
		}
		for (size_t i = 0; i < n; i++, count++) {
			verify_one(paths[i], &bad);
			cli_progress("verify", i + 1, n);
		}
		cli_free_list(paths, n);
		sohoa_config_free(cfg);
	} else {
		for (int i = 1; i < argc; i++, count++)
			verify_one(argv[i], &bad);
	}
	printf("%d bundle%s checked, %d failed\n", count, count == 1 ? "" : "s",
	       bad);
	return bad ? SOHOA_EXIT_FAIL : SOHOA_EXIT_OK;
}
