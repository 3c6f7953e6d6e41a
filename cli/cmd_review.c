/* cmd_review.c -- `sohoa review`: list what waits in the review folder,
 * and file an item to a case by hand.
 */
#include "cli_int.h"

#include <getopt.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* What waits, one line per item, or the JSON array with --json. */
static int list_items(const sohoa_config *cfg, int as_json)
{
	json_t *a = cli_review_list_json(cfg), *o;
	char *s;
	size_t i;

	if (as_json) {
		s = json_dumps(a, JSON_COMPACT);
		puts(s ? s : "[]");
		free(s);
	} else if (json_array_size(a) == 0) {
		printf("nothing waits for review\n");
	}
	json_array_foreach(a, i, o)
	{
		long long n = json_integer_value(json_object_get(o, "pages"));

		if (as_json)
			break;
		printf("%s  %lld page%s  %s\n",
		       json_string_value(json_object_get(o, "item")), n,
		       n == 1 ? "" : "s",
		       json_string_value(json_object_get(o, "why")));
	}
	json_decref(a);
	return SOHOA_EXIT_OK;
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
		rc = cli_review_file(cfg, argv[optind], case_arg, component,
		                     kind, NULL);
		ex = rc == SOHOA_OK ? SOHOA_EXIT_OK : cli_fail(rc);
		sohoa_config_free(cfg);
		return ex;
	}
	if (argc > 2 || (argc == 2 && strcmp(argv[1], "--json")))
		return cli_usage_error("review", "expected no argument, --json "
		                                 "or 'file ITEM --case CASE'");
	if ((ex = cli_load_config(&cfg)))
		return ex;
	ex = list_items(cfg, argc == 2);
	sohoa_config_free(cfg);
	return ex;
}
