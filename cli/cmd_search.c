/* cmd_search.c -- `sohoa search`: query the index. */
#include "cli_int.h"

#include "index/index.h"

#include <getopt.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int parse_count(const char *s, size_t *out)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (end == s || *end || v < 0 || v > 1000000)
		return -1;
	*out = (size_t)v;
	return 0;
}

static void print_json(const sohoa_index_hit *h)
{
	json_t *o = cli_search_hit_json(h);
	char *s;

	if ((s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER))) {
		puts(s);
		free(s);
	}
	json_decref(o);
}

/* Print the query and a caret under the position the message names
 * ("... at position N", 1-based characters of the NFC query). */
static void print_caret(const char *query)
{
	const char *msg = sohoa_error_last(), *at = strstr(msg, "at position ");
	char *nfc = NULL;
	long pos;

	if (!at || (pos = strtol(at + 12, NULL, 10)) < 1 ||
	    sohoa_text_nfc(&nfc, query) != SOHOA_OK)
		return;
	fprintf(stderr, "    %s\n    ", nfc);
	/* one column per character (NFC Vietnamese is precomposed) */
	for (const char *c = nfc; *c && pos > 1; c++)
		if (((unsigned char)*c & 0xC0) != 0x80) {
			fputc(*c == '\t' ? '\t' : ' ', stderr);
			pos--;
		}
	fputs("^\n", stderr);
	free(nfc);
}

/* The snippet with its matches in bold on a terminal, in [ ] else (from
 * the marked form: a bracket of the page's own text stays as it is). */
static void print_snippet(const sohoa_index_hit *h, int tty)
{
	const char *s = h->marked ? h->marked : h->snippet;

	fputs("    ", stdout);
	for (; *s; s++) {
		if (*s == SOHOA_INDEX_MARK_OPEN)
			fputs(tty ? "\x1b[1m" : "[", stdout);
		else if (*s == SOHOA_INDEX_MARK_CLOSE)
			fputs(tty ? "\x1b[0m" : "]", stdout);
		else
			putchar(*s);
	}
	putchar('\n');
}

int cmd_search(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"limit", required_argument, NULL, 'l'},
	    {"offset", required_argument, NULL, 'o'},
	    {"json", no_argument, NULL, 'j'},
	    {"count", no_argument, NULL, 'n'},
	    {NULL, 0, NULL, 0}};
	size_t limit = 20, offset = 0, n = 0, len = 0;
	int c, rc, ex, as_json = 0, count_only = 0;
	sohoa_config *cfg = NULL;
	sohoa_index *ix = NULL;
	sohoa_index_hit *hits = NULL;
	char *query = NULL;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			if (parse_count(optarg, &limit) || limit == 0)
				return cli_usage_error(
				    "search", "--limit takes 1 to 1000000");
			break;
		case 'o':
			if (parse_count(optarg, &offset))
				return cli_usage_error(
				    "search", "--offset takes 0 to 1000000");
			break;
		case 'j':
			as_json = 1;
			break;
		case 'n':
			count_only = 1;
			break;
		default:
			return cli_usage_error("search", "unknown option '%s'",
			                       argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return cli_usage_error("search", "no words to search for");
	for (int i = optind; i < argc; i++)
		len += strlen(argv[i]) + 1;
	if (!(query = calloc(1, len + 1)))
		return cli_fail(sohoa_error_set(SOHOA_ENOMEM, "out of memory"));
	for (int i = optind; i < argc; i++) {
		if (i > optind)
			strcat(query, " ");
		strcat(query, argv[i]);
	}
	if ((ex = cli_load_config(&cfg))) {
		free(query);
		return ex;
	}
	if ((rc = sohoa_index_open(&ix, sohoa_config_get(cfg, "index.path")))) {
		ex = cli_fail(rc);
		goto done;
	}
	if (count_only) {
		long long total = 0;

		rc = sohoa_index_count(&total, ix, query);
		if (rc == SOHOA_OK)
			printf("%lld\n", total);
	} else {
		rc = sohoa_index_search(&hits, &n, ix, query, limit, offset);
	}
	if (rc != SOHOA_OK) {
		ex = cli_fail(rc);
		if (rc == SOHOA_EINVALID)
			print_caret(query);
		goto done;
	}
	if (count_only) {
		/* printed above */
	} else if (as_json) {
		for (size_t i = 0; i < n; i++)
			print_json(&hits[i]);
	} else {
		int tty = isatty(STDOUT_FILENO);

		for (size_t i = 0; i < n; i++) {
			printf("%s  %s  p.%d  %s  score %.3g\n",
			       hits[i].case_number, hits[i].component,
			       hits[i].page, hits[i].document_type,
			       hits[i].score);
			print_snippet(&hits[i], tty);
		}
		if (n == 0)
			fprintf(stderr, "sohoa: no page matches '%s'\n", query);
	}
	/* finding nothing is an answer, not a failure */
	ex = SOHOA_EXIT_OK;
done:
	sohoa_index_hits_free(hits, n);
	sohoa_index_close(ix);
	sohoa_config_free(cfg);
	free(query);
	return ex;
}
