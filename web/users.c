/* users.c -- staff accounts: a JSON file of names, roles and scrypt hashes.
 *
 * The file ([web] users) is
 *   {"users": [{"name", "role", "hash", "created", "changed"}, ...]}
 * with hash = "scrypt$LOGN$R$P$SALT_HEX$KEY_HEX" (OpenSSL EVP_PBE_scrypt),
 * so the cost can be raised later without breaking old entries.  Every
 * change re-reads the file under an flock (the CLI and sohoad both use
 * it), edits it and writes it atomically.  Password checks hash outside
 * the lock, and an unknown user is checked against a dummy hash so both
 * answers take the same time.
 */
#include "web_int.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

/* scrypt N = 2^15, r = 8, p = 1: 32 MiB and ~0.1 s per hash */
#define SCRYPT_LOGN  15
#define SCRYPT_R     8
#define SCRYPT_P     1
#define SALT_LEN     16
#define KEY_LEN      32
#define PASSWORD_MIN 8
#define PASSWORD_MAX 1024

struct sohoa_users {
	pthread_mutex_t lock;
	char *path;
	json_t *users;   /* the "users" array */
	struct stat st;  /* of the file last read (st_ino 0: none) */
	char dummy[160]; /* a hash to check unknown names against */
};

sohoa_role sohoa_role_parse(const char *name)
{
	if (!name)
		return SOHOA_ROLE_NONE;
	if (!strcmp(name, "front_desk"))
		return SOHOA_ROLE_FRONT_DESK;
	if (!strcmp(name, "archivist"))
		return SOHOA_ROLE_ARCHIVIST;
	if (!strcmp(name, "admin"))
		return SOHOA_ROLE_ADMIN;
	return SOHOA_ROLE_NONE;
}

const char *sohoa_role_name(sohoa_role role)
{
	switch (role) {
	case SOHOA_ROLE_FRONT_DESK:
		return "front_desk";
	case SOHOA_ROLE_ARCHIVIST:
		return "archivist";
	case SOHOA_ROLE_ADMIN:
		return "admin";
	default:
		return "none";
	}
}

int sohoa_user_name_valid(const char *name)
{
	size_t n = name ? strlen(name) : 0;

	if (n == 0 || n > 64)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		      c == '-'))
			return 0;
	}
	return name[0] != '.' && name[0] != '-';
}

static void hex(char *out, const unsigned char *in, size_t n)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * n] = '\0';
}

static int unhex(unsigned char *out, size_t n, const char *in, size_t len)
{
	if (len != 2 * n)
		return -1;
	for (size_t i = 0; i < 2 * n; i++) {
		char c = in[i];
		int v = c >= '0' && c <= '9'   ? c - '0'
		        : c >= 'a' && c <= 'f' ? c - 'a' + 10
		                               : -1;

		if (v < 0)
			return -1;
		if (i % 2 == 0)
			out[i / 2] = (unsigned char)(v << 4);
		else
			out[i / 2] |= (unsigned char)v;
	}
	return 0;
}

static int scrypt(unsigned char *key, size_t keylen, const char *password,
                  const unsigned char *salt, size_t saltlen, unsigned logn,
                  unsigned r, unsigned p)
{
	uint64_t n = (uint64_t)1 << logn;
	uint64_t maxmem = 128 * (uint64_t)r * n * 2 + (1u << 20);

	if (EVP_PBE_scrypt(password, strlen(password), salt, saltlen, n, r, p,
	                   maxmem, key, keylen) != 1)
		return sohoa_error_set(SOHOA_ERROR, "scrypt failed");
	return SOHOA_OK;
}

int sohoa_password_hash(char **out, const char *password)
{
	unsigned char salt[SALT_LEN], key[KEY_LEN];
	char salt_hex[2 * SALT_LEN + 1], key_hex[2 * KEY_LEN + 1];
	int rc;

	*out = NULL;
	if (RAND_bytes(salt, sizeof(salt)) != 1)
		return sohoa_error_set(SOHOA_EENV,
		                       "no random bytes for a salt");
	if ((rc = scrypt(key, sizeof(key), password, salt, sizeof(salt),
	                 SCRYPT_LOGN, SCRYPT_R, SCRYPT_P)) != SOHOA_OK)
		return rc;
	hex(salt_hex, salt, sizeof(salt));
	hex(key_hex, key, sizeof(key));
	OPENSSL_cleanse(key, sizeof(key));
	return sohoa_asprintf(out, "scrypt$%d$%d$%d$%s$%s", SCRYPT_LOGN,
	                      SCRYPT_R, SCRYPT_P, salt_hex, key_hex);
}

/* 1 when `password` matches `stored`, 0 when not or malformed. */
int sohoa_password_verify(const char *stored, const char *password)
{
	unsigned logn, r, p;
	unsigned char salt[64], want[64], got[64];
	const char *s, *k;
	size_t saltlen, keylen;
	int n = 0, match;

	if (!stored ||
	    sscanf(stored, "scrypt$%u$%u$%u$%n", &logn, &r, &p, &n) != 3 ||
	    n == 0)
		return 0;
	if (logn < 10 || logn > 22 || r < 1 || r > 32 || p < 1 || p > 16)
		return 0;
	s = stored + n;
	if (!(k = strchr(s, '$')))
		return 0;
	saltlen = (size_t)(k - s) / 2;
	keylen = strlen(k + 1) / 2;
	/* the key length is fixed: a cut key would still be a prefix */
	if (saltlen < 8 || saltlen > sizeof(salt) || keylen != KEY_LEN ||
	    unhex(salt, saltlen, s, (size_t)(k - s)) != 0 ||
	    unhex(want, keylen, k + 1, strlen(k + 1)) != 0)
		return 0;
	if (scrypt(got, keylen, password, salt, saltlen, logn, r, p) !=
	    SOHOA_OK)
		return 0;
	match = CRYPTO_memcmp(got, want, keylen) == 0;
	OPENSSL_cleanse(got, sizeof(got));
	return match;
}

/* Read the file into u->users (locked by the caller).  A missing file is
 * an empty list. */
static int load(sohoa_users *u)
{
	json_t *root, *arr;
	json_error_t jerr;
	struct stat st;

	if (stat(u->path, &st) != 0) {
		if (errno != ENOENT)
			return sohoa_error_set(sohoa_error_from_errno(errno),
			                       "users file %s: %s", u->path,
			                       strerror(errno));
		json_decref(u->users);
		u->users = json_array();
		memset(&u->st, 0, sizeof(u->st));
		return u->users ? SOHOA_OK : SOHOA_ENOMEM;
	}
	if (!(root = json_load_file(u->path, 0, &jerr)))
		return sohoa_error_set(SOHOA_EINVALID,
		                       "users file %s:%d: %s; fix it or "
		                       "restore it from a backup",
		                       u->path, jerr.line, jerr.text);
	arr = json_object_get(root, "users");
	if (!json_is_array(arr)) {
		json_decref(root);
		return sohoa_error_set(SOHOA_EINVALID,
		                       "users file %s: no \"users\" list; fix "
		                       "it or restore it from a backup",
		                       u->path);
	}
	json_decref(u->users);
	u->users = json_incref(arr);
	json_decref(root);
	u->st = st;
	return SOHOA_OK;
}

/* sohoa_fs_write_atomic, but readable by its owner only (0600): the
 * hashes are slow to attack, not impossible. */
static int write_private(const char *path, const char *data, size_t len)
{
	char *tmp = NULL, *dir = NULL, *slash;
	int fd, rc = SOHOA_OK;
	size_t off = 0;

	if (sohoa_asprintf(&tmp, "%s.tmp.%ld", path, (long)getpid()) !=
	        SOHOA_OK ||
	    !(dir = strdup(path))) {
		free(tmp);
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	}
	if ((slash = strrchr(dir, '/')))
		*(slash == dir ? slash + 1 : slash) = '\0';
	else
		strcpy(dir, ".");
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		rc = sohoa_error_set(sohoa_error_from_errno(errno),
		                     "users file %s: %s", tmp, strerror(errno));
		goto out;
	}
	while (off < len) {
		ssize_t n = write(fd, data + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = sohoa_error_set(sohoa_error_from_errno(errno),
			                     "users file %s: %s", tmp,
			                     strerror(errno));
			break;
		}
		off += (size_t)n;
	}
	if (rc == SOHOA_OK && fsync(fd) != 0)
		rc = sohoa_error_set(sohoa_error_from_errno(errno),
		                     "users file %s: %s", tmp, strerror(errno));
	close(fd);
	if (rc == SOHOA_OK && rename(tmp, path) != 0)
		rc =
		    sohoa_error_set(sohoa_error_from_errno(errno),
		                    "users file %s: %s", path, strerror(errno));
	if (rc != SOHOA_OK)
		unlink(tmp);
	else
		rc = sohoa_fs_sync_dir(dir);
out:
	free(tmp);
	free(dir);
	return rc;
}

static int save(sohoa_users *u)
{
	json_t *root = json_pack("{s:O}", "users", u->users);
	char *text;
	int rc;

	if (!root)
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(root);
	if (!text)
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	rc = write_private(u->path, text, strlen(text));
	free(text);
	if (rc == SOHOA_OK)
		stat(u->path, &u->st);
	return rc;
}

int sohoa_users_open(sohoa_users **out, const char *path, int create)
{
	sohoa_users *u;
	char *dummy = NULL;
	int rc;

	*out = NULL;
	if (!create && access(path, F_OK) != 0)
		return sohoa_error_set(
		    SOHOA_ENOTFOUND,
		    "no users file %s: add the first user "
		    "with 'sohoa user add NAME --role admin'",
		    path);
	if (!(u = calloc(1, sizeof(*u))) || !(u->path = strdup(path))) {
		free(u);
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	}
	pthread_mutex_init(&u->lock, NULL);
	if ((rc = load(u)) != SOHOA_OK ||
	    (rc = sohoa_password_hash(&dummy, "not a password")) != SOHOA_OK) {
		sohoa_users_free(u);
		return rc;
	}
	snprintf(u->dummy, sizeof(u->dummy), "%s", dummy);
	free(dummy);
	*out = u;
	return SOHOA_OK;
}

void sohoa_users_free(sohoa_users *u)
{
	if (!u)
		return;
	json_decref(u->users);
	pthread_mutex_destroy(&u->lock);
	free(u->path);
	free(u);
}

int sohoa_users_refresh(sohoa_users *u)
{
	struct stat st;
	int rc = SOHOA_OK, changed;

	pthread_mutex_lock(&u->lock);
	if (stat(u->path, &st) != 0)
		changed = u->st.st_ino != 0 || json_array_size(u->users) > 0;
	else
		changed = st.st_ino != u->st.st_ino ||
		          st.st_size != u->st.st_size ||
		          st.st_mtim.tv_sec != u->st.st_mtim.tv_sec ||
		          st.st_mtim.tv_nsec != u->st.st_mtim.tv_nsec;
	if (changed)
		rc = load(u);
	pthread_mutex_unlock(&u->lock);
	return rc;
}

static json_t *find(sohoa_users *u, const char *name, size_t *index)
{
	size_t i;
	json_t *e;

	json_array_foreach(u->users, i, e)
	{
		const char *n = json_string_value(json_object_get(e, "name"));

		if (n && !strcmp(n, name)) {
			if (index)
				*index = i;
			return e;
		}
	}
	return NULL;
}

static int check_password(const char *password)
{
	size_t n = password ? strlen(password) : 0;

	if (n < PASSWORD_MIN)
		return sohoa_error_set(SOHOA_EINVALID,
		                       "the password is too short: use at "
		                       "least %d characters",
		                       PASSWORD_MIN);
	if (n > PASSWORD_MAX)
		return sohoa_error_set(SOHOA_EINVALID,
		                       "the password is too long: at most %d "
		                       "bytes",
		                       PASSWORD_MAX);
	return SOHOA_OK;
}

/* Run `edit` on the freshly read list under the file lock, then save. */
static int change(sohoa_users *u, int (*edit)(sohoa_users *, void *), void *arg)
{
	char *lockpath = NULL;
	int fd, rc;

	if (sohoa_asprintf(&lockpath, "%s.lock", u->path) != SOHOA_OK)
		return SOHOA_ENOMEM;
	{
		/* the first user of a new installation: make the folder */
		char *slash = strrchr(lockpath, '/');

		if (slash && slash != lockpath) {
			*slash = '\0';
			if ((rc = sohoa_fs_mkdirs(lockpath)) != SOHOA_OK) {
				free(lockpath);
				return rc;
			}
			*slash = '/';
		}
	}
	fd = open(lockpath, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	free(lockpath);
	if (fd < 0)
		return sohoa_error_set(sohoa_error_from_errno(errno),
		                       "users file %s: cannot lock it: %s",
		                       u->path, strerror(errno));
	while (flock(fd, LOCK_EX) != 0 && errno == EINTR)
		;
	pthread_mutex_lock(&u->lock);
	if ((rc = load(u)) == SOHOA_OK && (rc = edit(u, arg)) == SOHOA_OK)
		rc = save(u);
	pthread_mutex_unlock(&u->lock);
	close(fd);
	return rc;
}

struct add_arg {
	const char *name;
	sohoa_role role;
	const char *hash;
};

static int edit_add(sohoa_users *u, void *p)
{
	struct add_arg *a = p;
	char now[21];
	json_t *e;

	if (find(u, a->name, NULL))
		return sohoa_error_set(SOHOA_EINVALID,
		                       "user '%s' exists already; change the "
		                       "password with 'sohoa user passwd %s'",
		                       a->name, a->name);
	sohoa_time_iso8601(now);
	e = json_pack("{s:s, s:s, s:s, s:s, s:s}", "name", a->name, "role",
	              sohoa_role_name(a->role), "hash", a->hash, "created", now,
	              "changed", now);
	if (!e || json_array_append_new(u->users, e) != 0)
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	return SOHOA_OK;
}

int sohoa_users_add(sohoa_users *u, const char *name, sohoa_role role,
                    const char *password)
{
	struct add_arg a = {name, role, NULL};
	char *hash = NULL;
	int rc;

	if (!sohoa_user_name_valid(name))
		return sohoa_error_set(SOHOA_EINVALID,
		                       "user name '%s': use 1 to 64 letters, "
		                       "digits, '.', '_' or '-' (ASCII, not "
		                       "starting with '.' or '-')",
		                       name ? name : "");
	if (role != SOHOA_ROLE_FRONT_DESK && role != SOHOA_ROLE_ARCHIVIST &&
	    role != SOHOA_ROLE_ADMIN)
		return sohoa_error_set(SOHOA_EINVALID,
		                       "unknown role: use front_desk, "
		                       "archivist or admin");
	if ((rc = check_password(password)) != SOHOA_OK ||
	    (rc = sohoa_password_hash(&hash, password)) != SOHOA_OK)
		return rc;
	a.hash = hash;
	rc = change(u, edit_add, &a);
	free(hash);
	return rc;
}

struct passwd_arg {
	const char *name;
	const char *hash;
};

static int edit_passwd(sohoa_users *u, void *p)
{
	struct passwd_arg *a = p;
	json_t *e = find(u, a->name, NULL);
	char now[21];

	if (!e)
		return sohoa_error_set(SOHOA_ENOTFOUND,
		                       "no user '%s' ('sohoa user list' shows "
		                       "them)",
		                       a->name);
	sohoa_time_iso8601(now);
	if (json_object_set_new(e, "hash", json_string(a->hash)) != 0 ||
	    json_object_set_new(e, "changed", json_string(now)) != 0)
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	return SOHOA_OK;
}

int sohoa_users_passwd(sohoa_users *u, const char *name, const char *password)
{
	struct passwd_arg a = {name, NULL};
	char *hash = NULL;
	int rc;

	if ((rc = check_password(password)) != SOHOA_OK ||
	    (rc = sohoa_password_hash(&hash, password)) != SOHOA_OK)
		return rc;
	a.hash = hash;
	rc = change(u, edit_passwd, &a);
	free(hash);
	return rc;
}

static int edit_del(sohoa_users *u, void *p)
{
	const char *name = p;
	size_t i;

	if (!find(u, name, &i))
		return sohoa_error_set(SOHOA_ENOTFOUND,
		                       "no user '%s' ('sohoa user list' shows "
		                       "them)",
		                       name);
	json_array_remove(u->users, i);
	return SOHOA_OK;
}

int sohoa_users_del(sohoa_users *u, const char *name)
{
	return change(u, edit_del, (void *)name);
}

int sohoa_users_check(sohoa_users *u, const char *name, const char *password,
                      sohoa_role *role_out)
{
	char hash[256] = "";
	sohoa_role role = SOHOA_ROLE_NONE;
	json_t *e;
	int match;

	if (role_out)
		*role_out = SOHOA_ROLE_NONE;
	pthread_mutex_lock(&u->lock);
	if (name && (e = find(u, name, NULL))) {
		const char *h = json_string_value(json_object_get(e, "hash"));

		snprintf(hash, sizeof(hash), "%s", h ? h : "");
		role = sohoa_role_parse(
		    json_string_value(json_object_get(e, "role")));
	}
	pthread_mutex_unlock(&u->lock);
	if (!password || strlen(password) > PASSWORD_MAX)
		password = "";
	if (!hash[0]) {
		/* the same work as for a real user, then no */
		sohoa_password_verify(u->dummy, password);
		return sohoa_error_set(SOHOA_EINVALID,
		                       "wrong user name or password");
	}
	match = sohoa_password_verify(hash, password);
	if (!match || role == SOHOA_ROLE_NONE)
		return sohoa_error_set(SOHOA_EINVALID,
		                       "wrong user name or password");
	if (role_out)
		*role_out = role;
	return SOHOA_OK;
}

int sohoa_users_role(sohoa_users *u, const char *name, sohoa_role *role_out)
{
	json_t *e;
	int rc = SOHOA_ENOTFOUND;

	*role_out = SOHOA_ROLE_NONE;
	pthread_mutex_lock(&u->lock);
	if (name && (e = find(u, name, NULL))) {
		*role_out = sohoa_role_parse(
		    json_string_value(json_object_get(e, "role")));
		rc = SOHOA_OK;
	}
	pthread_mutex_unlock(&u->lock);
	return rc;
}

int sohoa_users_stamp(sohoa_users *u, const char *name, sohoa_role *role_out,
                      char stamp[SOHOA_USER_STAMP])
{
	json_t *e;
	int rc = SOHOA_ENOTFOUND;

	*role_out = SOHOA_ROLE_NONE;
	stamp[0] = '\0';
	pthread_mutex_lock(&u->lock);
	if (name && (e = find(u, name, NULL))) {
		const char *h = json_string_value(json_object_get(e, "hash"));
		size_t n = h ? strlen(h) : 0;

		*role_out = sohoa_role_parse(
		    json_string_value(json_object_get(e, "role")));
		/* the end of the derived key: new with every password */
		snprintf(stamp, SOHOA_USER_STAMP, "%s",
		         n >= SOHOA_USER_STAMP - 1
		             ? h + n - (SOHOA_USER_STAMP - 1)
		         : h ? h
		             : "");
		rc = SOHOA_OK;
	}
	pthread_mutex_unlock(&u->lock);
	return rc;
}

json_t *sohoa_users_list(sohoa_users *u)
{
	json_t *out = json_array(), *e;
	size_t i;

	if (!out)
		return NULL;
	pthread_mutex_lock(&u->lock);
	json_array_foreach(u->users, i, e)
	{
		json_t *o = json_pack(
		    "{s:s?, s:s?, s:s?, s:s?}", "name",
		    json_string_value(json_object_get(e, "name")), "role",
		    json_string_value(json_object_get(e, "role")), "created",
		    json_string_value(json_object_get(e, "created")), "changed",
		    json_string_value(json_object_get(e, "changed")));

		if (o)
			json_array_append_new(out, o);
	}
	pthread_mutex_unlock(&u->lock);
	return out;
}
