/* config.h -- settings, errors, logging and small shared helpers.
 *
 * The one module every other module may depend on: it holds the error
 * model (return codes plus a per-thread last message), the log macro, the
 * INI configuration (read with inih), UTF-8 text normalization (utf8proc),
 * case-number validation and crash-safe file helpers.
 */
#ifndef SOHOA_CONFIG_H
#define SOHOA_CONFIG_H

#include <stdarg.h>
#include <stddef.h>

#if defined(__GNUC__)
#define SOHOA_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define SOHOA_PRINTF(fmt, args)
#endif

/* ---- errors ------------------------------------------------------------ */

/* Return codes.  A condition has its own code only where a caller acts on
 * it; the CLI maps them to exit codes with sohoa_error_exit_code(). */
typedef enum {
	SOHOA_OK = 0,
	SOHOA_ERROR = -1,     /* anything else */
	SOHOA_EINVALID = -2,  /* bad input: image, case number, value */
	SOHOA_EIO = -3,       /* I/O failure on data we own */
	SOHOA_ENOMEM = -4,    /* out of memory */
	SOHOA_ENOTFOUND = -5, /* no such case, file, device, key */
	SOHOA_EBUSY = -6,     /* retry later (device busy, lock held) */
	SOHOA_ENODOCS = -7,   /* feeder empty */
	SOHOA_EENV = -8,      /* environment: no device, missing traineddata,
	                         disk full, unwritable directory */
	SOHOA_ECANCELLED = -9 /* stopped by the operator or a signal */
} sohoa_error_code;

/* Exit codes of the command-line contract. */
enum {
	SOHOA_EXIT_OK = 0,
	SOHOA_EXIT_FAIL = 1,  /* bad input or a failed check */
	SOHOA_EXIT_USAGE = 2, /* usage error */
	SOHOA_EXIT_ENV = 3    /* environment problem */
};

/* Record `code` with a one-line, lower-case message for this thread and
 * return `code`.  Set it once, where the failure is found.  The arguments
 * may include sohoa_error_last() itself, to add context. */
SOHOA_PRINTF(2, 3) int sohoa_error_set(int code, const char *fmt, ...);

/* The last message set on this thread; never NULL (empty when none). */
const char *sohoa_error_last(void);

/* The exit code for a return code: SOHOA_EENV/SOHOA_EIO on system
 * resources -> 3, everything else non-zero -> 1, SOHOA_OK -> 0. */
int sohoa_error_exit_code(int code);

/* errno to a return code: ENOSPC, EDQUOT, EROFS, EACCES, EPERM -> EENV;
 * ENOENT -> ENOTFOUND; ENOMEM -> ENOMEM; else EIO. */
int sohoa_error_from_errno(int err);

/* ---- logging ----------------------------------------------------------- */

/* Levels are sd-daemon priorities, so stderr lines read `<3>scan: ...`. */
typedef enum {
	SOHOA_LOG_ERROR = 3,
	SOHOA_LOG_WARN = 4,
	SOHOA_LOG_INFO = 6,
	SOHOA_LOG_DEBUG = 7
} sohoa_log_level;

extern int sohoa_log_threshold; /* set once at start-up; default WARN */

SOHOA_PRINTF(3, 4)
void sohoa_log_write(int level, const char *module, const char *fmt, ...);

/* Parse "error", "warn", "info" or "debug"; -1 when unknown. */
int sohoa_log_level_parse(const char *name);

#ifndef SOHOA_LOG_MODULE
#define SOHOA_LOG_MODULE "sohoa"
#endif
#define sohoa_log(level, ...)                                                  \
	do {                                                                   \
		if ((int)(level) <= sohoa_log_threshold)                       \
			sohoa_log_write((level), SOHOA_LOG_MODULE,             \
			                __VA_ARGS__);                          \
	} while (0)

/* ---- configuration ----------------------------------------------------- */

typedef struct sohoa_config sohoa_config;

/* Read the configuration.  `path` is `--config FILE`; when NULL the lookup
 * is $SOHOA_CONFIG, then /etc/sohoa/sohoa.conf, then built-in defaults
 * (data under ./sohoa-data).  Problems in the file (unknown section or key,
 * bad value, unwritable directory) are collected, not fatal: see
 * sohoa_config_problem_count().  Relative paths in a file are taken
 * relative to the file's folder.
 * On success the caller owns *out (sohoa_config_free).  Fails with
 * SOHOA_ENOTFOUND when an explicitly named file does not exist, SOHOA_EIO
 * when it cannot be read. */
int sohoa_config_read(sohoa_config **out, const char *path);

/* sohoa_config_read, then SOHOA_EINVALID when any problem was found (the
 * message names the first one and how many there are). */
int sohoa_config_load(sohoa_config **out, const char *path);

void sohoa_config_free(sohoa_config *cfg);

/* The file the values came from, or NULL when only defaults are used.
 * Borrowed: valid until sohoa_config_free(). */
const char *sohoa_config_file(const sohoa_config *cfg);

size_t sohoa_config_problem_count(const sohoa_config *cfg);
/* "FILE:LINE: what is wrong; how to fix it".  Borrowed. */
const char *sohoa_config_problem(const sohoa_config *cfg, size_t i);

/* Effective value of "section.key" (e.g. "archive.root"); paths are
 * already resolved.  Asserts that the key is one sohoa knows.  Borrowed:
 * valid until the key is set again or the config is freed. */
const char *sohoa_config_get(const sohoa_config *cfg, const char *key);
int sohoa_config_get_int(const sohoa_config *cfg, const char *key);
int sohoa_config_get_bool(const sohoa_config *cfg, const char *key);

/* Override a value (a command-line flag); validated like a file value.
 * Returns SOHOA_EINVALID with the reason, SOHOA_ENOTFOUND for an unknown
 * key. */
int sohoa_config_set(sohoa_config *cfg, const char *key, const char *value,
                     const char *origin);

/* Iterate over every known key in a stable order: returns 0 at the end.
 * `origin` is "default", "FILE:LINE" or what sohoa_config_set() got. */
int sohoa_config_entry(const sohoa_config *cfg, size_t i, const char **key,
                       const char **value, const char **origin);

/* ---- text -------------------------------------------------------------- */

/* NFC-normalize UTF-8 text.  *out is owned (free()).  SOHOA_EINVALID when
 * the input is not valid UTF-8. */
int sohoa_text_nfc(char **out, const char *in);

/* Search folding: NFC, diacritics removed, đ/Đ -> d, lower case.
 * "NGUYỄN Thị Đào" -> "nguyen thi dao".  *out is owned. */
int sohoa_text_fold(char **out, const char *in);

/* A filesystem-safe ASCII name for `in` ("Tờ khai" -> "to-khai"); never
 * empty ("x" when nothing is left).  *out is owned. */
int sohoa_text_slug(char **out, const char *in);

/* ---- case numbers (mã số hồ sơ) ------------------------------------------ */

/* Shape of a case number, for messages. */
#define SOHOA_CASE_SHAPE                                                       \
	"{agency code}-{YYMMDD}-{sequence}, e.g. 000.00.22.H27-250701-0001"

/* Validate and normalize a case number (spaces trimmed, letters upper
 * case): agency code of dot-separated [0-9A-Z] groups (at most 35 chars),
 * a real YYMMDD receipt date, a sequence of at least 4 digits.  On success
 * writes the normalized form into `norm` (at least SOHOA_CASE_MAX bytes).
 * SOHOA_EINVALID with a message that shows the expected shape. */
#define SOHOA_CASE_MAX 64
int sohoa_case_normalize(char norm[SOHOA_CASE_MAX], const char *in);

/* The same check without touching the error state: NULL when `in` is a
 * valid case number (its normalized form written to `norm`), else what is
 * wrong with it, e.g. "receipt date is not a real date" (a static string). */
const char *sohoa_case_problem(char norm[SOHOA_CASE_MAX], const char *in);

/* The receipt date of a valid case number as "YYYY-MM-DD" (20YY). */
int sohoa_case_receipt_date(char date[11], const char *case_number);

/* ---- files ------------------------------------------------------------- */

/* mkdir -p.  SOHOA_EENV when the folder cannot be made. */
int sohoa_fs_mkdirs(const char *path);

/* fsync a folder, so a rename or create inside it is durable. */
int sohoa_fs_sync_dir(const char *dir);

/* fsync an open descriptor / a file by path. */
int sohoa_fs_sync_file(const char *path);

/* Write `len` bytes to `path` atomically: temp file in the same folder,
 * fsync, rename, fsync the folder.  A crash leaves the old or the new file. */
int sohoa_fs_write_atomic(const char *path, const void *data, size_t len);

/* Read a whole file; *out is owned and NUL-terminated. */
int sohoa_fs_read_all(char **out, size_t *len_out, const char *path);

/* Copy a file and fsync the copy (not atomic: callers copy into spool or
 * temp names and rename). */
int sohoa_fs_copy(const char *dst, const char *src);

/* rm -rf of a folder we own (spool jobs, test fixtures). */
int sohoa_fs_remove_tree(const char *path);

/* Is `dir` (or, when it does not exist yet, its nearest existing parent)
 * a writable folder?  SOHOA_OK or SOHOA_EENV with the reason. */
int sohoa_fs_check_writable(const char *dir);

/* printf into a new string; *out is owned. */
SOHOA_PRINTF(2, 3) int sohoa_asprintf(char **out, const char *fmt, ...);

/* Current UTC time as "YYYY-MM-DDTHH:MM:SSZ". */
void sohoa_time_iso8601(char buf[21]);

#endif /* SOHOA_CONFIG_H */
