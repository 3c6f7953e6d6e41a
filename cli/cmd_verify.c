/* cmd_verify.c -- `sohoa verify [--json]`: check bundles; exit 0 only when
 * every one holds.  Reports every revision's signature (who, when, valid,
 * trusted): in text, one line per revision under the bundle's line when
 * the bundle has more than one revision and one is signed; with --json, one
 * JSON object per bundle (JSON Lines):
 *   {"bundle": PATH, "ok": BOOL, "problems": [LINE...],
 *    "error": MESSAGE or null (the bundle could not be read),
 *    "signatures": [{"revision": N, "signed": BOOL, "file": ENTRY or null,
 *                    "signer": SUBJECT or null, "signing_time": ISO or null,
 *                    "valid": BOOL, "trusted": BOOL,
 *                    "problem": TEXT or null}...]}
 */
#include "cli_int.h"

#include "archive/archive.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static int env_failures; /* bundles that could not be read: exit 3 */

static const char *or_q(const char *s)
{
	return s[0] ? s : "?";
}

static json_t *jstr(const char *s)
{
	return s && s[0] ? json_string(s) : json_null();
}

/* The signature part of one revision's line: "signed by X at T, valid,
 * trusted", "unsigned", or what is wrong. */
static void print_signature(const sohoa_archive_signature *s)
{
	if (!s->present) {
		printf("unsigned");
		return;
	}
	printf("signed by %s at %s", or_q(s->signer), or_q(s->signing_time));
	if (!s->valid)
		printf(", NOT VALID: %s", s->problem);
	else if (s->trusted)
		printf(", valid, trusted");
	else
		printf(", valid; %s", s->problem);
}

static json_t *signatures_json(const sohoa_archive_signature *sigs, size_t n)
{
	json_t *arr = json_array();

	for (size_t i = 0; arr && i < n; i++) {
		const sohoa_archive_signature *s = &sigs[i];

		json_array_append_new(
		    arr,
		    json_pack("{s:i, s:b, s:o, s:o, s:o, s:b, s:b, s:o}",
		              "revision", s->revision, "signed", s->present,
		              "file", jstr(s->file), "signer", jstr(s->signer),
		              "signing_time", jstr(s->signing_time), "valid",
		              s->valid, "trusted", s->trusted, "problem",
		              jstr(s->problem)));
	}
	return arr;
}

static void print_json(const char *path, int ok, const char *report,
                       const char *error, const sohoa_archive_signature *sigs,
                       size_t n)
{
	json_t *problems = json_array(), *o;
	char *s;

	if (report) {
		const char *p = report;

		while (*p) {
			const char *nl = strchr(p, '\n');
			size_t len = nl ? (size_t)(nl - p) : strlen(p);

			if (len)
				json_array_append_new(problems,
				                      json_stringn(p, len));
			p += len + (nl != NULL);
		}
	}
	o = json_pack("{s:s, s:b, s:o, s:o, s:o}", "bundle", path, "ok", ok,
	              "problems", problems ? problems : json_array(), "error",
	              jstr(error), "signatures", signatures_json(sigs, n));
	if (!o || !(s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER))) {
		json_decref(o);
		printf("{\"bundle\": null, \"ok\": false, \"error\": \"out of "
		       "memory\"}\n");
		return;
	}
	puts(s);
	free(s);
	json_decref(o);
}

static int verify_one(const char *path, int *bad, int as_json)
{
	char *report = NULL, sigerr[512] = "";
	sohoa_archive_signature *sigs = NULL;
	size_t nsigs = 0;
	int rc = sohoa_archive_verify(path, &report), any_signed = 0;
	char error[1024] = "";

	if (rc != SOHOA_OK && (!report || !report[0] ||
	                       sohoa_error_exit_code(rc) == SOHOA_EXIT_ENV))
		snprintf(error, sizeof(error), "%s", sohoa_error_last());
	/* every revision's signer; a bundle that cannot be read as a zip
	 * has none to tell */
	if (sohoa_archive_signatures(&sigs, &nsigs, path) != SOHOA_OK)
		snprintf(sigerr, sizeof(sigerr), "%s", sohoa_error_last());
	if (rc != SOHOA_OK) {
		(*bad)++;
		if (sohoa_error_exit_code(rc) == SOHOA_EXIT_ENV)
			env_failures++;
	}
	if (as_json) {
		print_json(path, rc == SOHOA_OK, rc == SOHOA_OK ? NULL : report,
		           error[0] ? error : NULL, sigs, nsigs);
	} else if (rc == SOHOA_OK) {
		const sohoa_archive_signature *last =
		    nsigs ? &sigs[nsigs - 1] : NULL;

		printf("%s: ok", path);
		if (!last)
			printf(" (signature not read: %s)", sigerr);
		else if (!last->present)
			printf(" (unsigned)");
		else
			printf(" (signed by %s at %s%s%s)", or_q(last->signer),
			       or_q(last->signing_time),
			       last->trusted ? ", trusted" : "; ",
			       last->trusted ? "" : last->problem);
		printf("\n");
	} else {
		printf("%s: FAILED\n", path);
		if (report && report[0])
			fputs(report, stdout);
		if (error[0])
			printf("  %s\n", error);
	}
	/* a line per revision when there are several and one is signed
	 * (an unsigned bundle is "(unsigned)" above) */
	for (size_t i = 0; i < nsigs && !any_signed; i++)
		any_signed = sigs[i].present;
	if (!as_json && nsigs > 1 && any_signed)
		for (size_t i = 0; i < nsigs; i++) {
			printf("  revision %d: ", sigs[i].revision);
			print_signature(&sigs[i]);
			if (sigs[i].file[0])
				printf(" (%s)", sigs[i].file);
			printf("\n");
		}
	free(sigs);
	free(report);
	return rc;
}

int cmd_verify(int argc, char **argv)
{
	sohoa_config *cfg = NULL;
	int ex, rc, bad = 0, count = 0, as_json = 0, first = 1;

	if (argc > 1 && strcmp(argv[1], "--json") == 0) {
		as_json = 1;
		first = 2;
	}
	if (argc <= first)
		return cli_usage_error("verify",
		                       "give BUNDLE... or --all (--json first "
		                       "for JSON Lines)");
	/* the trust store and whether signatures are required */
	if ((ex = cli_load_config(&cfg)))
		return ex;
	if ((rc = cli_archive_setup(cfg, 0))) {
		sohoa_config_free(cfg);
		return cli_fail(rc);
	}
	if (strcmp(argv[first], "--all") == 0) {
		char **paths = NULL;
		size_t n = 0;

		if (argc > first + 1) {
			sohoa_config_free(cfg);
			return cli_usage_error("verify",
			                       "--all takes no BUNDLE");
		}
		if ((rc = cli_list_bundles(&paths, &n, cfg))) {
			sohoa_config_free(cfg);
			return cli_fail(rc);
		}
		for (size_t i = 0; i < n; i++, count++) {
			verify_one(paths[i], &bad, as_json);
			cli_progress("verify", i + 1, n);
		}
		cli_free_list(paths, n);
	} else {
		for (int i = first; i < argc; i++, count++)
			verify_one(argv[i], &bad, as_json);
	}
	sohoa_config_free(cfg);
	/* JSON Lines on stdout: the summary goes to stderr */
	fprintf(as_json ? stderr : stdout, "%d bundle%s checked, %d failed\n",
	        count, count == 1 ? "" : "s", bad);
	if (env_failures == bad && bad)
		return SOHOA_EXIT_ENV; /* nothing wrong found, just unreadable
		                        */
	return bad ? SOHOA_EXIT_FAIL : SOHOA_EXIT_OK;
}
