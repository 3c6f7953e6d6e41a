/* cmd_extract.c -- `sohoa extract`: copy the page masters of a case (or of
 * one component) out of its bundle, byte-identical, as
 * DIR/<component folder>/NNNN.<ext>, the names they have in the bag.  The
 * bundle is verified first: a damaged one is not exported.
 */
#include "cli_int.h"

#include "archive/archive.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

/* "<top>/data/<folder>/NNNN.ext" -> "<folder>/NNNN.ext" */
static const char *rel_of(const char *entry)
{
	const char *d = strstr(entry, "/data/");

	return d ? d + 6 : entry;
}

static int extract_pages(const sohoa_archive_case *c, const char *component,
                         const char *dir, size_t *count)
{
	size_t i, n = sohoa_archive_case_npages(c);
	int rc = SOHOA_OK;

	*count = 0;
	for (i = 0; i < n && rc == SOHOA_OK; i++) {
		sohoa_archive_page_info pi;
		char *dest = NULL, *slash;

		if ((rc = sohoa_archive_case_page(&pi, c, i)))
			break;
		if (component && strcmp(pi.component, component) != 0)
			continue;
		if ((rc =
		         sohoa_asprintf(&dest, "%s/%s", dir, rel_of(pi.entry))))
			break;
		slash = strrchr(dest, '/');
		*slash = '\0';
		rc = sohoa_fs_mkdirs(dest);
		*slash = '/';
		if (rc == SOHOA_OK && (rc = sohoa_archive_case_extract(
		                           c, pi.entry, dest)) == SOHOA_OK) {
			printf("%s\n", dest);
			(*count)++;
		}
		free(dest);
	}
	return rc;
}

int cmd_extract(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"component", required_argument, NULL, 'C'}, {NULL, 0, NULL, 0}};
	const char *component = NULL, *dir;
	sohoa_config *cfg = NULL;
	sohoa_archive_case *c = NULL;
	char *bundle = NULL, *report = NULL, detail[600];
	size_t count = 0;
	int opt, rc, ex;

	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt != 'C')
			return cli_usage_error("extract", "unknown option '%s'",
			                       argv[optind - 1]);
		component = optarg;
	}
	if (optind != argc - 2)
		return cli_usage_error("extract", "give CASE and DIR");
	dir = argv[optind + 1];
	if ((ex = cli_load_config(&cfg)))
		return ex;
	if ((rc = cli_archive_setup(cfg, 0)) ||
	    (rc = cli_bundle_for(&bundle, cfg, argv[optind])))
		goto done;
	if ((rc = sohoa_archive_verify(bundle, &report)) != SOHOA_OK) {
		if (report && report[0])
			fputs(report, stderr);
		if (rc == SOHOA_EINVALID)
			rc = sohoa_error_set(rc,
			                     "%s fails verification; nothing "
			                     "extracted",
			                     bundle);
		goto done;
	}
	if ((rc = sohoa_archive_case_open(&c, bundle)))
		goto done;
	if (component) {
		size_t i, n = sohoa_archive_case_npages(c), found = 0;

		for (i = 0; i < n; i++) {
			sohoa_archive_page_info pi;

			if (sohoa_archive_case_page(&pi, c, i) == SOHOA_OK &&
			    strcmp(pi.component, component) == 0)
				found++;
		}
		if (!found) {
			rc = sohoa_error_set(SOHOA_ENOTFOUND,
			                     "case %s has no component \"%s\" "
			                     "(see 'sohoa show %s')",
			                     sohoa_archive_case_number(c),
			                     component,
			                     sohoa_archive_case_number(c));
			goto done;
		}
	}
	if ((rc = sohoa_fs_mkdirs(dir)))
		goto done;
	rc = extract_pages(c, component, dir, &count);
	snprintf(detail, sizeof(detail), "%zu pages%s%.200s%s to %.300s", count,
	         component ? " of \"" : "", component ? component : "",
	         component ? "\"" : "", dir);
	cli_access_log(cfg, "extract", sohoa_archive_case_number(c), detail);
	if (rc == SOHOA_OK)
		fprintf(stderr, "sohoa: %s: %zu page%s extracted to %s\n",
		        sohoa_archive_case_number(c), count,
		        count == 1 ? "" : "s", dir);
done:
	ex = rc == SOHOA_OK ? SOHOA_EXIT_OK : cli_fail(rc);
	free(report);
	sohoa_archive_case_free(c);
	free(bundle);
	sohoa_config_free(cfg);
	return ex;
}
