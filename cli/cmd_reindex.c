/* cmd_reindex.c -- `sohoa reindex`: rebuild the index from the bundles
 * alone.
 */
#include "cli_int.h"

#include "archive/archive.h"

#include <stdlib.h>
#include <string.h>

static int env_failures; /* bundles that could not be read: exit 3 */

static int reindex_path(const sohoa_config *cfg, const char *path, int *bad)
{
	int rc = cli_index_bundle(cfg, path);

	if (rc != SOHOA_OK) {
		(*bad)++;
		if (sohoa_error_exit_code(rc) == SOHOA_EXIT_ENV)
			env_failures++;
		fprintf(stderr, "sohoa: %s: %s\n", path, sohoa_error_last());
	}
	return rc;
}

int cmd_reindex(int argc, char **argv)
{
	sohoa_config *cfg = NULL;
	const char *root;
	int ex, bad = 0, count = 0;

	if ((ex = cli_load_config(&cfg)))
		return ex;
	if ((ex = cli_archive_setup(cfg, 0))) { /* the key, if any */
		sohoa_config_free(cfg);
		return cli_fail(ex);
	}
	root = sohoa_config_get(cfg, "archive.root");
	if (argc < 2 || strcmp(argv[1], "--all") == 0) {
		char **paths = NULL;
		size_t n = 0;
		int rc;

		if ((rc = cli_list_bundles(&paths, &n, cfg))) {
			sohoa_config_free(cfg);
			return cli_fail(rc);
		}
		for (size_t i = 0; i < n; i++, count++) {
			reindex_path(cfg, paths[i], &bad);
			cli_progress("reindex", i + 1, n);
		}
		cli_free_list(paths, n);
	} else {
		for (int i = 1; i < argc; i++, count++) {
			char norm[SOHOA_CASE_MAX], *path = NULL;
			int rc;

			if ((rc = sohoa_case_normalize(norm, argv[i])) ||
			    (rc = sohoa_archive_bundle_path(&path, root,
			                                    norm))) {
				fprintf(stderr, "sohoa: %s\n",
				        sohoa_error_last());
				bad++;
				continue;
			}
			reindex_path(cfg, path, &bad);
			free(path);
		}
	}
	printf("%d case%s reindexed, %d failed\n", count - bad,
	       count - bad == 1 ? "" : "s", bad);
	sohoa_config_free(cfg);
	if (bad && env_failures == bad)
		return SOHOA_EXIT_ENV; /* a key or a disk, not the bundles */
	return bad ? SOHOA_EXIT_FAIL : SOHOA_EXIT_OK;
}
