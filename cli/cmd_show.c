/* cmd_show.c -- `sohoa show`: print a case from its bundle (components,
 * pages, fields, revisions, events) as text, or metadata.json with --json.
 * Reads data/metadata.json through the archive module, walks it with
 * jansson.
 */
#include "cli_int.h"

#include "archive/archive.h"

#include <getopt.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static const char *str(json_t *o, const char *key, const char *fallback)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s && *s ? s : fallback;
}

static void print_fields(json_t *fields)
{
	const char *key;
	json_t *v;

	json_object_foreach(fields, key, v)
	{
		json_t *val =
		    json_is_object(v) ? json_object_get(v, "value") : v;
		char *text =
		    json_is_string(val)
		        ? strdup(json_string_value(val))
		        : json_dumps(val, JSON_COMPACT | JSON_ENCODE_ANY);

		printf("      %s: %s", key, text ? text : "?");
		free(text);
		if (json_is_object(v)) {
			json_t *conf = json_object_get(v, "confidence");
			json_t *valid = json_object_get(v, "valid");

			if (json_is_number(conf))
				printf(" (confidence %.2f)",
				       json_number_value(conf));
			if (json_is_boolean(valid))
				printf("%s", json_is_true(valid)
				                 ? " valid"
				                 : " NOT VALID");
			if (json_is_string(json_object_get(v, "source")))
				printf(" from %s", str(v, "source", ""));
		}
		printf("\n");
	}
}

static void print_case(json_t *m, const char *bundle,
                       const sohoa_archive_case *c)
{
	json_t *a, *o;
	size_t i;

	printf("case %s\n", str(m, "case_number", "?"));
	printf("bundle: %s\n", bundle);
	printf("procedure: %s\n", str(m, "procedure_code", "(unknown)"));

	a = json_object_get(m, "components");
	printf("components: %zu\n", json_array_size(a));
	json_array_foreach(a, i, o)
	{
		printf("  %zu. %s [%s] folder %s, %d page%s\n", i + 1,
		       str(o, "name", "?"), str(o, "kind", "?"),
		       str(o, "folder", "?"),
		       (int)json_integer_value(json_object_get(o, "pages")),
		       json_integer_value(json_object_get(o, "pages")) == 1
		           ? ""
		           : "s");
	}

	a = json_object_get(m, "pages");
	printf("pages: %zu\n", json_array_size(a));
	json_array_foreach(a, i, o)
	{
		json_t *an = json_object_get(o, "analysis");
		json_t *fields = cli_case_page_fields(c, m, i);
		int dpi = (int)json_integer_value(json_object_get(o, "dpi"));

		printf("  %3zu. %s p%d  %s\n", i + 1, str(o, "component", "?"),
		       (int)json_integer_value(json_object_get(o, "page")),
		       str(o, "image", "?"));
		printf("      ");
		if (dpi > 0)
			printf("%d dpi, ", dpi);
		printf("%s, %s", str(o, "colour_mode", "mode unknown"),
		       str(an, "document_type", "other"));
		if (json_is_true(json_object_get(an, "blank")))
			printf(", blank");
		printf("; %s", str(o, "source", "?"));
		if (json_is_string(json_object_get(o, "source_sha256")))
			printf(" (sha256 %.16s...)",
			       str(o, "source_sha256", ""));
		if (json_is_true(json_object_get(o, "encrypted")))
			printf(", encrypted");
		printf("\n      captured %s by %s at %s, revision %d%s\n",
		       str(o, "capture_time", "?"), str(o, "operator", "?"),
		       str(o, "station", "?"),
		       (int)json_integer_value(json_object_get(o, "revision")),
		       json_is_string(json_object_get(o, "text")) ? ", has text"
		                                                  : "");
		if (json_object_size(fields))
			print_fields(fields);
		json_decref(fields);
	}

	a = json_object_get(m, "revisions");
	printf("revisions: %zu\n", json_array_size(a));
	json_array_foreach(a, i, o)
	{
		printf(
		    "  %d. %s  %s [%s] +%d page(s) from p%d, by %s at %s\n",
		    (int)json_integer_value(json_object_get(o, "number")),
		    str(o, "time", "?"), str(o, "component", "?"),
		    str(o, "kind", "?"),
		    (int)json_integer_value(json_object_get(o, "pages_added")),
		    (int)json_integer_value(json_object_get(o, "first_page")),
		    str(o, "operator", "?"), str(o, "station", "?"));
	}

	a = json_object_get(m, "events");
	printf("events: %zu\n", json_array_size(a));
	json_array_foreach(a, i, o)
	{
		printf("  %s  %-10s rev %d  %s at %s: %s\n",
		       str(o, "time", "?"), str(o, "event", "?"),
		       (int)json_integer_value(json_object_get(o, "revision")),
		       str(o, "who", "?"), str(o, "station", "?"),
		       str(o, "detail", ""));
	}
}

int cmd_show(int argc, char **argv)
{
	static const struct option opts[] = {{"json", no_argument, NULL, 'j'},
	                                     {NULL, 0, NULL, 0}};
	sohoa_config *cfg = NULL;
	sohoa_archive_case *c = NULL;
	char *bundle = NULL;
	json_t *meta = NULL;
	json_error_t jerr;
	int opt, rc, ex, as_json = 0;

	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt != 'j')
			return cli_usage_error("show", "unknown option '%s'",
			                       argv[optind - 1]);
		as_json = 1;
	}
	if (optind != argc - 1)
		return cli_usage_error("show", "give one CASE");
	if ((ex = cli_load_config(&cfg)))
		return ex;
	if ((rc = cli_archive_setup(cfg, 0)) ||
	    (rc = cli_bundle_for(&bundle, cfg, argv[optind])) ||
	    (rc = sohoa_archive_case_open(&c, bundle)))
		goto done;
	if (!(meta = json_loads(sohoa_archive_case_metadata(c), 0, &jerr))) {
		rc = sohoa_error_set(SOHOA_EINVALID, "%s: metadata: %s", bundle,
		                     jerr.text);
		goto done;
	}
	cli_access_log(cfg, "show", sohoa_archive_case_number(c), "");
	if (as_json) {
		char *s =
		    json_dumps(meta, JSON_INDENT(1) | JSON_PRESERVE_ORDER);

		if (!s) {
			rc = sohoa_error_set(SOHOA_ENOMEM, "out of memory");
			goto done;
		}
		puts(s);
		free(s);
	} else {
		sohoa_archive_signature sig;

		print_case(meta, bundle, c);
		if ((rc = sohoa_archive_signature_check(&sig, bundle)))
			goto done;
		if (!sig.present)
			printf("signature: none\n");
		else
			printf("signature: %s at %s%s%s\n",
			       sig.signer[0] ? sig.signer : "?",
			       sig.signing_time[0] ? sig.signing_time : "?",
			       sig.trusted ? ", trusted" : "; ",
			       sig.trusted ? "" : sig.problem);
	}
done:
	ex = rc == SOHOA_OK ? SOHOA_EXIT_OK : cli_fail(rc);
	json_decref(meta);
	sohoa_archive_case_free(c);
	free(bundle);
	sohoa_config_free(cfg);
	return ex;
}
