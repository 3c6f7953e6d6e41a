/* crypt.c -- encryption at rest: pages whose document type matches a
 * configured pattern (id_card_* by default) are stored with libzip's
 * WinZip AES-256, the password read from a key file kept outside the
 * archive root.  The key is read lazily, when an entry needs it, so a
 * missing key file only stops work on encrypted data, and says where the
 * key was looked for.
 */
#include "archive/archive.h"

#include <errno.h>
#include <fnmatch.h>
#include <libgen.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <zip.h>

#include "archive_int.h"
#include "config/config.h"

static char key_path[PATH_MAX]; /* "" = no key configured */
static char types[512];         /* patterns, ", " separated */
static char *password;          /* owned: the key, once read */

/* sohoad sets these from several threads (the stages at each pack and
 * reload, the web pages, batches) while others read bundles with the key:
 * a setter that changes nothing writes nothing, a key once read is never
 * freed while the process runs (a changed key file retires it to this
 * list: a reader may still hold it), and the lazy read is locked. */
static pthread_mutex_t key_lock = PTHREAD_MUTEX_INITIALIZER;
struct retired {
	struct retired *next;
	char *key;
};
static struct retired *retired_keys;

/* With key_lock held: forget the key read so far (see key_lock). */
static void retire_key(void)
{
	struct retired *r;

	if (!password)
		return;
	if ((r = malloc(sizeof(*r)))) {
		r->key = password;
		r->next = retired_keys;
		retired_keys = r;
	} /* else leak it: freeing could pull it from under a reader */
	password = NULL;
}

/* With key_lock held: the new settings, unless they are the same. */
static void set_locked(const char *path, const char *patterns)
{
	if (strcmp(path, key_path) == 0 && strcmp(patterns, types) == 0)
		return;
	retire_key();
	snprintf(key_path, sizeof(key_path), "%s", path);
	snprintf(types, sizeof(types), "%s", patterns);
}

/* realpath of an existing file or of its folder. */
static int real_of(char out[PATH_MAX], const char *path)
{
	char copy[PATH_MAX], dir[PATH_MAX];

	if (realpath(path, out))
		return 0;
	snprintf(copy, sizeof(copy), "%s", path);
	if (!realpath(dirname(copy), dir))
		return -1;
	{
		const char *b;
		size_t dl = strlen(dir), bl;

		snprintf(copy, sizeof(copy), "%s", path);
		b = basename(copy);
		bl = strlen(b);
		if (dl + 1 + bl >= PATH_MAX)
			return -1;
		memcpy(out, dir, dl);
		out[dl] = '/';
		memcpy(out + dl + 1, b, bl + 1);
	}
	return 0;
}

int sohoa_archive_set_encryption(const char *key_file, const char *patterns,
                                 const char *root)
{
	char rk[PATH_MAX], rr[PATH_MAX];
	const char *use = "";
	size_t rl;
	int rc = SOHOA_OK;

	if (!patterns)
		patterns = "";
	if (!key_file || !*key_file)
		use = ""; /* encryption off */
	else if (strlen(key_file) >= sizeof(key_path))
		rc = sohoa_error_set(SOHOA_EINVALID, "key path too long");
	/* the key must not travel with the data it protects */
	else if (root && *root && real_of(rk, key_file) == 0 &&
	         real_of(rr, root) == 0 && (rl = strlen(rr)) > 0 &&
	         strncmp(rk, rr, rl) == 0 && (rk[rl] == '/' || rk[rl] == '\0'))
		rc = sohoa_error_set(SOHOA_EINVALID,
		                     "key file %s is inside the archive root "
		                     "%s; keep it apart from the data",
		                     key_file, root);
	else
		use = key_file;
	pthread_mutex_lock(&key_lock);
	set_locked(use, patterns);
	pthread_mutex_unlock(&key_lock);
	return rc;
}

int sohoa_archive__encrypts(const char *document_type)
{
	char copy[sizeof(types)], *tok, *save = NULL;

	/* encryption is on only with a key configured ([archive]
	 * encrypt_key); the types then say what it covers */
	if (!document_type || !types[0] || (!key_path[0] && !password))
		return 0;
	snprintf(copy, sizeof(copy), "%s", types);
	for (tok = strtok_r(copy, ", \t", &save); tok;
	     tok = strtok_r(NULL, ", \t", &save))
		if (fnmatch(tok, document_type, 0) == 0)
			return 1;
	return 0;
}

static int key_locked(const char **out)
{
	char *text = NULL;
	size_t n = 0;
	struct stat st;
	int rc;

	*out = NULL;
	if (password) {
		*out = password;
		return SOHOA_OK;
	}
	if (!key_path[0])
		return sohoa_error_set(SOHOA_EENV,
		                       "no key file configured ([archive] "
		                       "encrypt_key)");
	if (stat(key_path, &st) == 0 && (st.st_mode & 077))
		sohoa_log(SOHOA_LOG_WARN,
		          "key file %s can be read by others (mode %03o); "
		          "chmod 600 it",
		          key_path, (unsigned)(st.st_mode & 0777));
	if ((rc = sohoa_fs_read_all(&text, &n, key_path)) != SOHOA_OK)
		return sohoa_error_set(SOHOA_EENV, "key file %s: %s", key_path,
		                       sohoa_error_last());
	while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == '\r' ||
	                 text[n - 1] == ' '))
		text[--n] = '\0';
	if (n < 16 || strlen(text) != n) {
		free(text);
		return sohoa_error_set(SOHOA_EINVALID,
		                       "key file %s: want at least 16 "
		                       "characters on one line, e.g. "
		                       "'head -c 32 /dev/urandom | base64'",
		                       key_path);
	}
	password = text;
	*out = password;
	return SOHOA_OK;
}

int sohoa_archive__key(const char **out)
{
	int rc;

	pthread_mutex_lock(&key_lock);
	rc = key_locked(out);
	pthread_mutex_unlock(&key_lock);
	return rc;
}

void sohoa_archive__key_apply(zip_t *za)
{
	const char *k = NULL;

	if (key_path[0] && sohoa_archive__key(&k) == SOHOA_OK)
		zip_set_default_password(za, k);
}

int sohoa_archive__zip_read_fail(zip_error_t *ze, const char *what)
{
	int code = zip_error_code_zip(ze);

	if (code == ZIP_ER_NOPASSWD || code == ZIP_ER_WRONGPASSWD) {
		const char *k = NULL;

		if (code == ZIP_ER_WRONGPASSWD)
			return sohoa_error_set(SOHOA_EENV,
			                       "%s is encrypted and the key in "
			                       "%s does not open it",
			                       what, key_path);
		sohoa_archive__key(&k); /* sets why there is none */
		return sohoa_error_set(SOHOA_EENV,
		                       "%s is encrypted and no key is "
		                       "available: %s",
		                       what, sohoa_error_last());
	}
	return sohoa_archive__zip_fail(SOHOA_EINVALID, ze, what);
}
