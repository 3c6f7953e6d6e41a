/* cmd_verify.c -- `sohoa verify`: check bundles; exit 0 only when every
 * one holds.
 */
#include "cli_int.h"

#include "archive/archive.h"

#include <stdlib.h>
#include <string.h>

static int env_failures; /* bundles that could not be read: exit 3 */

static int verify_one(const char *path, int *bad)
{
	char *report = NULL;
	int rc = sohoa_archive_verify(path, &report);

	if (rc == SOHOA_OK) {
		sohoa_archive_signature sig;

		printf("%s: ok", path);
		if (sohoa_archive_signature_check(&sig, path) != SOHOA_OK)
			printf(" (signature not read: %s)", sohoa_error_last());
		else if (!sig.present)
			printf(" (unsigned)");
		else
			printf(" (signed by %s at %s%s%s)", sig.signer,
			       sig.signing_time[0] ? sig.signing_time : "?",
			       sig.trusted ? ", trusted" : "; ",
			       sig.trusted ? "" : sig.problem);
		printf("\n");
	} else {
		(*bad)++;
		if (sohoa_error_exit_code(rc) == SOHOA_EXIT_ENV)
			env_failures++;
		printf("%s: FAILED\n", path);
		if (report && report[0])
			fputs(report, stdout);
		if (!report || !report[0] ||
		    sohoa_error_exit_code(rc) == SOHOA_EXIT_ENV)
			printf("  %s\n", sohoa_error_last());
	}
	free(report);
	return rc;
}

int cmd_verify(int argc, char **argv)
{
	sohoa_config *cfg = NULL;
	int ex, rc, bad = 0, count = 0;

	if (argc < 2)
		return cli_usage_error("verify", "give BUNDLE... or --all");
	/* the trust store and whether signatures are required */
	if ((ex = cli_load_config(&cfg)))
		return ex;
	if ((rc = cli_archive_setup(cfg, 0))) {
		sohoa_config_free(cfg);
		return cli_fail(rc);
	}
	if (strcmp(argv[1], "--all") == 0) {
		char **paths = NULL;
		size_t n = 0;

		if (argc > 2) {
			sohoa_config_free(cfg);
			return cli_usage_error("verify",
			                       "--all takes no BUNDLE");
		}
		if ((rc = cli_list_bundles(&paths, &n, cfg))) {
			sohoa_config_free(cfg);
			return cli_fail(rc);
		}
		for (size_t i = 0; i < n; i++, count++) {
			verify_one(paths[i], &bad);
			cli_progress("verify", i + 1, n);
		}
		cli_free_list(paths, n);
	} else {
		for (int i = 1; i < argc; i++, count++)
			verify_one(argv[i], &bad);
	}
	sohoa_config_free(cfg);
	printf("%d bundle%s checked, %d failed\n", count, count == 1 ? "" : "s",
	       bad);
	if (env_failures == bad && bad)
		return SOHOA_EXIT_ENV; /* nothing wrong found, just unreadable
		                        */
	return bad ? SOHOA_EXIT_FAIL : SOHOA_EXIT_OK;
}
