/* cmd_config.c -- `sohoa config check|show`. */
#include "cli_int.h"

#include <string.h>

static int check(const char *path)
{
	sohoa_config *cfg = NULL;
	size_t n;
	int rc = sohoa_config_read(&cfg, path ? path : cli_globals.config_path);

	if (rc != SOHOA_OK)
		return cli_fail(rc);
	n = sohoa_config_problem_count(cfg);
	for (size_t i = 0; i < n; i++)
		fprintf(stderr, "%s\n", sohoa_config_problem(cfg, i));
	if (n == 0)
		printf("%s: ok\n", sohoa_config_file(cfg)
		                       ? sohoa_config_file(cfg)
		                       : "built-in defaults");
	else
		fprintf(stderr, "%zu problem%s found\n", n, n == 1 ? "" : "s");
	sohoa_config_free(cfg);
	return n ? SOHOA_EXIT_FAIL : SOHOA_EXIT_OK;
}

static int show(void)
{
	sohoa_config *cfg = NULL;
	const char *key, *value, *origin;
	int rc = sohoa_config_read(&cfg, cli_globals.config_path);

	if (rc != SOHOA_OK)
		return cli_fail(rc);
	printf("# configuration file: %s\n", sohoa_config_file(cfg)
	                                         ? sohoa_config_file(cfg)
	                                         : "none (built-in defaults)");
	for (size_t i = 0; sohoa_config_entry(cfg, i, &key, &value, &origin);
	     i++)
		printf("%-26s = %-40s # %s\n", key, value, origin);
	for (size_t i = 0; i < sohoa_config_problem_count(cfg); i++)
		fprintf(stderr, "problem: %s\n", sohoa_config_problem(cfg, i));
	sohoa_config_free(cfg);
	return SOHOA_EXIT_OK;
}

int cmd_config(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "check") == 0 && argc <= 3)
		return check(argc == 3 ? argv[2] : NULL);
	if (argc == 2 && strcmp(argv[1], "show") == 0)
		return show();
	return cli_usage_error("config", "expected 'check [FILE]' or 'show'");
}
