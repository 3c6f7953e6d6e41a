/* config.c -- the INI configuration (inih), with built-in defaults.
 *
 * Every key sohoa knows is in one table below, with its default and how
 * its value is checked.  Problems are collected with FILE:LINE, so
 * `sohoa config check` can report all of them at once.
 */
#include "config/config.h"

#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* K_OPTFILE: a file path that may be empty (resolved like K_FILE when set,
 * its folder not checked) */
enum kind {
	K_STR,
	K_INT,
	K_BOOL,
	K_ENUM,
	K_DIR,
	K_FILE,
	K_OPTFILE,
	K_LISTEN,
	K_LANGS
};

struct keydef {
	const char *key; /* "section.name" */
	enum kind kind;
	const char *def;     /* built-in default; paths relative to cwd */
	int min, max;        /* K_INT range */
	const char *choices; /* K_ENUM: '|'-separated */
};

static const struct keydef keys[] = {
    {"station.name", K_STR, "sohoa-station", 0, 0, NULL},
    {"station.operator", K_STR, "operator", 0, 0, NULL},
    {"scanner.device", K_STR, "", 0, 0, NULL},
    {"scanner.resolution", K_INT, "300", 50, 1200, NULL},
    {"scanner.mode", K_ENUM, "gray", 0, 0, "color|gray|lineart"},
    {"scanner.source", K_ENUM, "flatbed", 0, 0, "flatbed|adf|duplex"},
    {"scanner.duplex", K_BOOL, "false", 0, 0, NULL},
    {"scanner.jpeg_quality", K_INT, "0", 0, 100, NULL},
    {"ocr.languages", K_LANGS, "vie+eng", 0, 0, NULL},
    {"ocr.workers", K_INT, "0", 0, 64, NULL},
    {"ocr.tessdata", K_STR, "", 0, 0, NULL},
    {"ocr.data", K_STR, "", 0, 0, NULL},
    {"ocr.max_megapixels", K_INT, "200", 1, 2000, NULL},
    {"archive.root", K_DIR, "sohoa-data/archive", 0, 0, NULL},
    {"archive.sign_cert", K_STR, "", 0, 0, NULL},
    {"archive.sign_key", K_STR, "", 0, 0, NULL},
    {"archive.trust_ca", K_STR, "", 0, 0, NULL},
    {"archive.require_signature", K_BOOL, "false", 0, 0, NULL},
    {"archive.encrypt_key", K_STR, "", 0, 0, NULL},
    {"archive.encrypt_types", K_STR, "id_card_*", 0, 0, NULL},
    {"index.path", K_FILE, "sohoa-data/index.sqlite", 0, 0, NULL},
    {"spool.path", K_DIR, "sohoa-data/spool", 0, 0, NULL},
    {"hotfolder.path", K_DIR, "sohoa-data/hotfolder", 0, 0, NULL},
    {"hotfolder.poll_seconds", K_INT, "5", 1, 3600, NULL},
    {"hotfolder.stable_seconds", K_INT, "10", 0, 3600, NULL},
    /* default: hotfolder.path/ket-qua, whatever hotfolder.path is */
    {"hotfolder.batch_path", K_DIR, "sohoa-data/hotfolder/ket-qua", 0, 0, NULL},
    {"review.path", K_DIR, "sohoa-data/review", 0, 0, NULL},
    {"batch.reports", K_DIR, "sohoa-data/batches", 0, 0, NULL},
    {"server.listen", K_LISTEN, "127.0.0.1:8080", 0, 0, NULL},
    {"server.socket", K_FILE, "sohoa-data/sohoad.sock", 0, 0, NULL},
    {"server.drain_seconds", K_INT, "120", 0, 86400, NULL},
    {"web.enabled", K_BOOL, "true", 0, 0, NULL},
    {"web.users", K_FILE, "sohoa-data/users.json", 0, 0, NULL},
    {"web.tls_cert", K_OPTFILE, "", 0, 0, NULL},
    {"web.tls_key", K_OPTFILE, "", 0, 0, NULL},
    {"web.host_names", K_STR, "", 0, 0, NULL},
    {"web.session_minutes", K_INT, "480", 1, 10080, NULL},
    /* of the server's 200 connection threads */
    {"web.max_connections_per_address", K_INT, "16", 1, 200, NULL},
    {"web.procedures", K_OPTFILE, "", 0, 0, NULL},
    {"audit.path", K_FILE, "sohoa-data/audit.log", 0, 0, NULL},
    {"log.level", K_ENUM, "warn", 0, 0, "error|warn|info|debug"},
};
#define NKEYS (sizeof(keys) / sizeof(keys[0]))

struct sohoa_config {
	char *file;          /* owned: file read, or NULL */
	char *dir;           /* owned: its folder, for relative paths */
	char *value[NKEYS];  /* owned: effective values */
	char *origin[NKEYS]; /* owned: "default", "FILE:LINE", ... */
	char **problems;     /* owned array of owned strings */
	size_t nproblems;
	size_t nenv; /* problems of the environment (folders) */
	/* parse state */
	FILE *fp;         /* borrowed during the parse */
	int line;         /* current line number */
	char section[64]; /* section of the current line */
};

static const char *const sections[] = {
    "station", "scanner", "ocr",    "archive", "index", "spool", "hotfolder",
    "review",  "batch",   "server", "web",     "audit", "log"};

static int find_key(const char *key)
{
	for (size_t i = 0; i < NKEYS; i++)
		if (strcmp(keys[i].key, key) == 0)
			return (int)i;
	return -1;
}

SOHOA_PRINTF(2, 3)
static void problem(sohoa_config *cfg, const char *fmt, ...)
{
	char msg[512], *line = NULL;
	char **np;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (cfg->file && cfg->line > 0)
		sohoa_asprintf(&line, "%s:%d: %s", cfg->file, cfg->line, msg);
	else
		sohoa_asprintf(&line, "%s", msg);
	if (!line)
		return;
	np = realloc(cfg->problems, (cfg->nproblems + 1) * sizeof(*np));
	if (!np) {
		free(line);
		return;
	}
	cfg->problems = np;
	cfg->problems[cfg->nproblems++] = line;
}

static int parse_int(const char *s, long *out)
{
	char *end;

	errno = 0;
	*out = strtol(s, &end, 10);
	return s[0] != '\0' && *end == '\0' && errno == 0;
}

static int parse_bool(const char *s, int *out)
{
	static const char *const yes[] = {"1", "true", "yes", "on"};
	static const char *const no[] = {"0", "false", "no", "off"};

	for (size_t i = 0; i < 4; i++) {
		if (strcasecmp(s, yes[i]) == 0)
			return *out = 1, 1;
		if (strcasecmp(s, no[i]) == 0)
			return *out = 0, 1;
	}
	return 0;
}

static int in_choices(const char *choices, const char *v)
{
	size_t n = strlen(v);

	for (const char *p = choices; p && *p;) {
		const char *bar = strchr(p, '|');
		size_t len = bar ? (size_t)(bar - p) : strlen(p);

		if (len == n && strncmp(p, v, n) == 0)
			return 1;
		p = bar ? bar + 1 : NULL;
	}
	return 0;
}

static int valid_listen(const char *v)
{
	const char *colon = strrchr(v, ':');
	long port;

	if (!colon || colon == v)
		return 0;
	/* port 0: the system picks a free one (tests) */
	if (!parse_int(colon + 1, &port) || port < 0 || port > 65535)
		return 0;
	return 1;
}

static int valid_langs(const char *v)
{
	int n = 0;

	for (const char *p = v; *p; p++) {
		if (*p == '+') {
			if (n == 0)
				return 0;
			n = 0;
		} else if (islower((unsigned char)*p) || *p == '_' ||
		           isdigit((unsigned char)*p)) {
			n++;
		} else {
			return 0;
		}
	}
	return n > 0;
}

/* Check `value` for key `k`; on success return a new string for it
 * (paths resolved against `base`), else NULL with *why set. */
static char *check_value(int k, const char *value, const char *base,
                         char why[256])
{
	const struct keydef *d = &keys[k];
	char *out = NULL;
	long n;
	int b;

	why[0] = '\0';
	switch (d->kind) {
	case K_INT:
		if (!parse_int(value, &n) || n < d->min || n > d->max) {
			snprintf(why, 256,
			         "%s = '%s': expected a whole number from %d "
			         "to %d",
			         d->key, value, d->min, d->max);
			return NULL;
		}
		break;
	case K_BOOL:
		if (!parse_bool(value, &b)) {
			snprintf(why, 256, "%s = '%s': expected true or false",
			         d->key, value);
			return NULL;
		}
		return strdup(b ? "true" : "false");
	case K_ENUM:
		if (!in_choices(d->choices, value)) {
			snprintf(why, 256, "%s = '%s': expected one of %s",
			         d->key, value, d->choices);
			return NULL;
		}
		break;
	case K_LISTEN:
		if (!valid_listen(value)) {
			snprintf(why, 256,
			         "%s = '%s': expected ADDRESS:PORT, e.g. "
			         "127.0.0.1:8080",
			         d->key, value);
			return NULL;
		}
		break;
	case K_LANGS:
		if (!valid_langs(value)) {
			snprintf(why, 256,
			         "%s = '%s': expected Tesseract language "
			         "codes joined by '+', e.g. vie+eng",
			         d->key, value);
			return NULL;
		}
		break;
	case K_OPTFILE:
		if (value[0] != '\0' && value[0] != '/' && base) {
			sohoa_asprintf(&out, "%s/%s", base, value);
			return out;
		}
		break;
	case K_DIR:
	case K_FILE:
		if (value[0] == '\0') {
			snprintf(why, 256, "%s: a path is required", d->key);
			return NULL;
		}
		if (value[0] != '/' && base) {
			sohoa_asprintf(&out, "%s/%s", base, value);
			return out;
		}
		break;
	case K_STR:
		break;
	}
	return strdup(value);
}

static int set_value(sohoa_config *cfg, int k, const char *value,
                     const char *origin, const char *base, char why[256])
{
	char *v = check_value(k, value, base, why), *o;

	if (!v)
		return why[0] ? SOHOA_EINVALID : SOHOA_ENOMEM;
	if (!(o = strdup(origin))) {
		free(v);
		return SOHOA_ENOMEM;
	}
	free(cfg->value[k]);
	free(cfg->origin[k]);
	cfg->value[k] = v;
	cfg->origin[k] = o;
	return SOHOA_OK;
}

static int known_section(const char *s)
{
	for (size_t i = 0; i < sizeof(sections) / sizeof(sections[0]); i++)
		if (strcmp(sections[i], s) == 0)
			return 1;
	return 0;
}

/* inih reader: one line per call; counts lines and checks the shape of
 * section headers and key lines itself, so every problem has its line. */
static char *reader(char *buf, int size, void *stream)
{
	sohoa_config *cfg = stream;
	char *s, *e;

	if (!fgets(buf, size, cfg->fp))
		return NULL;
	cfg->line++;
	s = buf;
	if (cfg->line == 1 && (unsigned char)s[0] == 0xEF &&
	    (unsigned char)s[1] == 0xBB && (unsigned char)s[2] == 0xBF)
		s += 3;
	while (isspace((unsigned char)*s))
		s++;
	if (*s == '\0' || *s == ';' || *s == '#')
		return buf;
	if (*s == '[') {
		if (!(e = strchr(s, ']'))) {
			problem(cfg, "section header without ']'");
			return buf;
		}
		snprintf(cfg->section, sizeof(cfg->section), "%.*s",
		         (int)(e - s - 1), s + 1);
		if (!known_section(cfg->section))
			problem(cfg,
			        "unknown section [%s]; known sections: "
			        "station, scanner, ocr, archive, index, "
			        "spool, hotfolder, review, batch, server, web, "
			        "audit, log",
			        cfg->section);
		return buf;
	}
	if (!strchr(s, '=') && !strchr(s, ':'))
		problem(cfg, "expected 'key = value', got '%.*s'",
		        (int)strcspn(s, "\r\n"), s);
	return buf;
}

static int handler(void *user, const char *section, const char *name,
                   const char *value)
{
	sohoa_config *cfg = user;
	char key[160], why[256], origin[600];
	int k;

	if (!known_section(section))
		return 1; /* reported once, at the header */
	if (section[0] == '\0') {
		problem(cfg, "'%s' is outside any section", name);
		return 1;
	}
	snprintf(key, sizeof(key), "%s.%s", section, name);
	if ((k = find_key(key)) < 0) {
		problem(cfg, "unknown key '%s' in [%s]", name, section);
		return 1;
	}
	snprintf(origin, sizeof(origin), "%s:%d", cfg->file, cfg->line);
	if (set_value(cfg, k, value, origin, cfg->dir, why) == SOHOA_EINVALID)
		problem(cfg, "%s", why);
	return 1;
}

static void check_dirs(sohoa_config *cfg)
{
	for (size_t k = 0; k < NKEYS; k++) {
		char *dir = NULL;

		if (keys[k].kind != K_DIR && keys[k].kind != K_FILE)
			continue;
		if (keys[k].kind == K_FILE) {
			char *slash;

			if (!(dir = strdup(cfg->value[k])))
				continue;
			if ((slash = strrchr(dir, '/')))
				*slash = '\0';
			else
				strcpy(dir, ".");
		}
		if (sohoa_fs_check_writable(dir ? dir : cfg->value[k]) !=
		    SOHOA_OK) {
			int save = cfg->line;

			cfg->line = 0;
			cfg->nenv++;
			problem(cfg, "%s (%s): %s; create it or fix the path",
			        keys[k].key, cfg->origin[k],
			        sohoa_error_last());
			cfg->line = save;
		}
		free(dir);
	}
}

int sohoa_config_read(sohoa_config **out, const char *path)
{
	sohoa_config *cfg;
	char cwd[4096], why[256];
	const char *env = getenv("SOHOA_CONFIG");
	int rc = SOHOA_OK;

	*out = NULL;
	if (!(cfg = calloc(1, sizeof(*cfg))))
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	if (!getcwd(cwd, sizeof(cwd)))
		strcpy(cwd, ".");
	for (size_t k = 0; k < NKEYS; k++) {
		int is_path = keys[k].kind == K_DIR || keys[k].kind == K_FILE;

		if (set_value(cfg, (int)k, keys[k].def, "default",
		              is_path ? cwd : NULL, why) != SOHOA_OK) {
			rc = sohoa_error_set(SOHOA_ENOMEM, "out of memory");
			goto fail;
		}
	}
	if (!path && env && env[0])
		path = env;
	if (!path && access("/etc/sohoa/sohoa.conf", F_OK) == 0)
		path = "/etc/sohoa/sohoa.conf";
	if (path) {
		char *slash;

		if (!(cfg->file = strdup(path)) || !(cfg->dir = strdup(path))) {
			rc = sohoa_error_set(SOHOA_ENOMEM, "out of memory");
			goto fail;
		}
		if ((slash = strrchr(cfg->dir, '/')))
			*slash =
			    slash == cfg->dir ? (slash[1] = '\0', '/') : '\0';
		else
			strcpy(cfg->dir, ".");
		if (cfg->dir[0] != '/') {
			char *abs = NULL;

			if (sohoa_asprintf(&abs, "%s/%s", cwd, cfg->dir)) {
				rc = SOHOA_ENOMEM;
				goto fail;
			}
			free(cfg->dir);
			cfg->dir = abs;
		}
		if (!(cfg->fp = fopen(path, "r"))) {
			int err = errno;

			rc = sohoa_error_set(
			    err == ENOENT ? SOHOA_ENOTFOUND : SOHOA_EIO,
			    "configuration file %s: %s%s", path, strerror(err),
			    err == ENOENT ? " (check --config or "
			                    "$SOHOA_CONFIG)"
			                  : "");
			goto fail;
		}
		ini_parse_stream(reader, cfg, handler, cfg);
		fclose(cfg->fp);
		cfg->fp = NULL;
	}
	cfg->line = 0;
	{
		int bp = find_key("hotfolder.batch_path"),
		    hp = find_key("hotfolder.path");
		char *v = NULL;

		/* the batch folder follows a hot folder set in the file */
		if (!strcmp(cfg->origin[bp], "default") &&
		    strcmp(cfg->origin[hp], "default") != 0 &&
		    sohoa_asprintf(&v, "%s/ket-qua", cfg->value[hp]) ==
		        SOHOA_OK) {
			free(cfg->value[bp]);
			cfg->value[bp] = v;
		}
	}
	check_dirs(cfg);
	sohoa_log(SOHOA_LOG_DEBUG, "configuration from %s, %zu problems",
	          path ? path : "built-in defaults", cfg->nproblems);
	*out = cfg;
	return SOHOA_OK;
fail:
	sohoa_config_free(cfg);
	return rc;
}

int sohoa_config_load(sohoa_config **out, const char *path)
{
	sohoa_config *cfg = NULL;
	int rc;

	*out = NULL;
	if ((rc = sohoa_config_read(&cfg, path)) != SOHOA_OK)
		return rc;
	if (cfg->nproblems > 0) {
		/* only unwritable folders: an environment problem (exit 3) */
		rc = sohoa_error_set(
		    cfg->nenv == cfg->nproblems ? SOHOA_EENV : SOHOA_EINVALID,
		    "%s (%zu problem%s in the configuration; run 'sohoa "
		    "config check' to see all)",
		    cfg->problems[0], cfg->nproblems,
		    cfg->nproblems == 1 ? "" : "s");
		sohoa_config_free(cfg);
		return rc;
	}
	*out = cfg;
	return SOHOA_OK;
}

void sohoa_config_free(sohoa_config *cfg)
{
	if (!cfg)
		return;
	for (size_t k = 0; k < NKEYS; k++) {
		free(cfg->value[k]);
		free(cfg->origin[k]);
	}
	for (size_t i = 0; i < cfg->nproblems; i++)
		free(cfg->problems[i]);
	free(cfg->problems);
	free(cfg->file);
	free(cfg->dir);
	free(cfg);
}

const char *sohoa_config_file(const sohoa_config *cfg)
{
	return cfg->file;
}

size_t sohoa_config_problem_count(const sohoa_config *cfg)
{
	return cfg->nproblems;
}

const char *sohoa_config_problem(const sohoa_config *cfg, size_t i)
{
	assert(i < cfg->nproblems);
	return cfg->problems[i];
}

const char *sohoa_config_get(const sohoa_config *cfg, const char *key)
{
	int k = find_key(key);

	assert(k >= 0 && "unknown configuration key");
	return k >= 0 ? cfg->value[k] : "";
}

int sohoa_config_get_int(const sohoa_config *cfg, const char *key)
{
	return atoi(sohoa_config_get(cfg, key));
}

int sohoa_config_get_bool(const sohoa_config *cfg, const char *key)
{
	return strcmp(sohoa_config_get(cfg, key), "true") == 0;
}

int sohoa_config_set(sohoa_config *cfg, const char *key, const char *value,
                     const char *origin)
{
	char why[256], cwd[4096];
	int k = find_key(key), rc;

	if (k < 0)
		return sohoa_error_set(SOHOA_ENOTFOUND,
		                       "unknown configuration key '%s'", key);
	if (!getcwd(cwd, sizeof(cwd)))
		strcpy(cwd, ".");
	rc = set_value(cfg, k, value, origin ? origin : "command line", cwd,
	               why);
	if (rc == SOHOA_EINVALID)
		return sohoa_error_set(rc, "%s", why);
	if (rc != SOHOA_OK)
		return sohoa_error_set(rc, "out of memory");
	return SOHOA_OK;
}

int sohoa_config_entry(const sohoa_config *cfg, size_t i, const char **key,
                       const char **value, const char **origin)
{
	if (i >= NKEYS)
		return 0;
	*key = keys[i].key;
	*value = cfg->value[i];
	*origin = cfg->origin[i];
	return 1;
}
