/* log.c -- one-line log records on stderr with the sd-daemon priority
 * prefix (`<3>scan: ...`); journald adds the time.
 */
#include "config/config.h"

#include <stdio.h>
#include <string.h>

int sohoa_log_threshold = SOHOA_LOG_WARN;

void sohoa_log_write(int level, const char *module, const char *fmt, ...)
{
	char line[2048];
	va_list ap;
	int n;

	n = snprintf(line, sizeof(line), "<%d>%s: ", level, module);
	if (n < 0 || (size_t)n >= sizeof(line))
		n = 0;
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	va_end(ap);
	/* one write per record, so lines of concurrent threads don't mix */
	fprintf(stderr, "%s\n", line);
}

int sohoa_log_level_parse(const char *name)
{
	static const struct {
		const char *name;
		int level;
	} levels[] = {{"error", SOHOA_LOG_ERROR},
	              {"warn", SOHOA_LOG_WARN},
	              {"info", SOHOA_LOG_INFO},
	              {"debug", SOHOA_LOG_DEBUG}};

	for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++)
		if (name && strcmp(name, levels[i].name) == 0)
			return levels[i].level;
	return -1;
}
