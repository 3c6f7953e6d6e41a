/* error.c -- the per-thread last error message (libgit2 model).
 *
 * sohoa_error_set() records a code and a one-line message where a failure
 * is found; callers pass the code up and the entry point prints the
 * message once.
 */
#include "config/config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static _Thread_local char last_msg[1024];

int sohoa_error_set(int code, const char *fmt, ...)
{
	char msg[sizeof(last_msg)];
	va_list ap;

	/* via a copy: callers wrap the last message in a new one */
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	memcpy(last_msg, msg, sizeof(msg));
	return code;
}

const char *sohoa_error_last(void)
{
	return last_msg;
}

int sohoa_error_exit_code(int code)
{
	switch (code) {
	case SOHOA_OK:
		return SOHOA_EXIT_OK;
	case SOHOA_EENV:
	case SOHOA_EIO:
	case SOHOA_ENOMEM:
		return SOHOA_EXIT_ENV;
	default:
		return SOHOA_EXIT_FAIL;
	}
}

int sohoa_error_from_errno(int err)
{
	switch (err) {
	case ENOSPC:
	case EDQUOT:
	case EROFS:
	case EACCES:
	case EPERM:
	case ENOTDIR:
		return SOHOA_EENV;
	case ENOENT:
		return SOHOA_ENOTFOUND;
	case ENOMEM:
		return SOHOA_ENOMEM;
	default:
		return SOHOA_EIO;
	}
}
