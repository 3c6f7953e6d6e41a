/* cmd_audit.c -- `sohoa audit verify` and `sohoa audit show`: the audit
 * trail ([audit] path) checked end to end, or filtered by user, case and
 * time.
 */
#include "cli_int.h"
#include "web/web.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "2026-11-23" or "2026-11-23T10:00:00Z" (or a prefix of it) */
static int valid_time(const char *t)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:ddZ";
	size_t n = strlen(t);

	if (n < 4 || n > sizeof(shape) - 1)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (shape[i] == 'd' ? (t[i] < '0' || t[i] > '9')
		                    : t[i] != shape[i])
			return 0;
	}
	return 1;
}

static int show(const sohoa_config *cfg, const char *user, const char *cas,
                const char *since, const char *until, int json)
{
	const char *path = sohoa_config_get(cfg, "audit.path");
	FILE *f = fopen(path, "r");
	json_t *all = json ? json_array() : NULL;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	long long lineno = 0;
	char norm[SOHOA_CASE_MAX];

	if (!f) {
		if (json)
			printf("[]\n");
		json_decref(all);
		return SOHOA_EXIT_OK; /* nothing audited yet */
	}
	if (cas && sohoa_case_normalize(norm, cas) == SOHOA_OK)
		cas = norm;
	while ((len = getline(&line, &cap, f)) > 0) {
		json_t *e = json_loads(line, 0, NULL);
		const char *t, *u, *c;

		lineno++;
		if (!e) {
			fprintf(stderr,
			        "sohoa: %s:%lld: not an audit entry (skipped; "
			        "'sohoa audit verify' checks the trail)\n",
			        path, lineno);
			continue;
		}
		t = json_string_value(json_object_get(e, "time"));
		u = json_string_value(json_object_get(e, "user"));
		c = json_string_value(json_object_get(e, "case"));
		if (!t || !u || !c || (user && strcmp(u, user)) ||
		    (cas && strcmp(c, cas)) ||
		    (since && strncmp(t, since, strlen(since)) < 0) ||
		    (until && strncmp(t, until, strlen(until)) > 0)) {
			json_decref(e);
			continue;
		}
		if (json) {
			json_array_append_new(all, e);
			continue;
		}
		printf("%lld\t%s\t%s\t%s\t%s\t%s\n",
		       (long long)json_integer_value(json_object_get(e, "seq")),
		       t, u, json_string_value(json_object_get(e, "action")),
		       c[0] ? c : "-",
		       json_string_value(json_object_get(e, "detail")));
		json_decref(e);
	}
	free(line);
	fclose(f);
	if (json) {
		char *text =
		    json_dumps(all, JSON_INDENT(2) | JSON_PRESERVE_ORDER);

		printf("%s\n", text ? text : "[]");
		free(text);
		json_decref(all);
	}
	return SOHOA_EXIT_OK;
}

int cmd_audit(int argc, char **argv)
{
	const char *user = NULL, *cas = NULL, *since = NULL, *until = NULL;
	sohoa_config *cfg = NULL;
	int json = 0, ex, rc;
	size_t n;

	if (argc < 2 || (strcmp(argv[1], "verify") && strcmp(argv[1], "show")))
		return cli_usage_error("audit", "say verify or show");
	for (int i = 2; i < argc; i++) {
		const char **opt = !strcmp(argv[i], "--user")    ? &user
		                   : !strcmp(argv[i], "--case")  ? &cas
		                   : !strcmp(argv[i], "--since") ? &since
		                   : !strcmp(argv[i], "--until") ? &until
		                                                 : NULL;

		if (!strcmp(argv[1], "show") && !strcmp(argv[i], "--json"))
			json = 1;
		else if (opt && !strcmp(argv[1], "show") && i + 1 < argc)
			*opt = argv[++i];
		else
			return cli_usage_error("audit", "unexpected '%s'",
			                       argv[i]);
	}
	if ((since && !valid_time(since)) || (until && !valid_time(until)))
		return cli_usage_error("audit",
		                       "--since/--until take a UTC time like "
		                       "2026-11-23 or 2026-11-23T08:00:00Z");
	if ((ex = cli_load_config(&cfg)))
		return ex;
	if (!strcmp(argv[1], "show")) {
		ex = show(cfg, user, cas, since, until, json);
		sohoa_config_free(cfg);
		return ex;
	}
	rc = sohoa_audit_verify(sohoa_config_get(cfg, "audit.path"), &n);
	if (rc == SOHOA_OK)
		printf("audit trail %s: %zu entries, chain intact\n",
		       sohoa_config_get(cfg, "audit.path"), n);
	else
		ex = cli_fail(rc);
	sohoa_config_free(cfg);
	return rc == SOHOA_OK ? SOHOA_EXIT_OK : ex;
}
