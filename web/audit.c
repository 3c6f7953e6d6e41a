/* audit.c -- the append-only, hash-chained audit trail ([audit] path).
 *
 * One JSON line per entry:
 *   {"seq","time","user","action","case","detail","prev","hash"}
 * hash = SHA-256 hex of (prev || the canonical JSON of the entry without
 * "hash": compact, keys sorted), prev = the hash of the entry before (64
 * zeros for the first).  Each entry is fsynced, then PATH.head ("SEQ
 * HASH\n") is rewritten atomically, so a removed last entry shows too.
 * sohoad and the CLI both append: an flock on the log orders them, and
 * the chain's end is read back from the file under it.
 */
#include "web_int.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define HASH_HEX 64
#define ZERO_HASH                                                              \
	"0000000000000000000000000000000000000000000000000000000000000000"
#define TAIL_MAX   (256 * 1024) /* longest entry we look back for */
#define DETAIL_MAX 2000

struct sohoa_audit {
	pthread_mutex_t lock;
	char *path;
	char *head;
	int fd;
};

static void sha256_hex(char out[HASH_HEX + 1], const char *a, const char *b)
{
	static const char digits[] = "0123456789abcdef";
	unsigned char md[32];
	unsigned int len = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	if (!ctx || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1 ||
	    EVP_DigestUpdate(ctx, a, strlen(a)) != 1 ||
	    EVP_DigestUpdate(ctx, b, strlen(b)) != 1 ||
	    EVP_DigestFinal_ex(ctx, md, &len) != 1 || len != 32) {
		memset(md, 0, sizeof(md));
	}
	EVP_MD_CTX_free(ctx);
	for (int i = 0; i < 32; i++) {
		out[2 * i] = digits[md[i] >> 4];
		out[2 * i + 1] = digits[md[i] & 15];
	}
	out[HASH_HEX] = '\0';
}

/* The hash an entry (without "hash") should carry. */
static int entry_hash(char out[HASH_HEX + 1], json_t *entry, const char *prev)
{
	char *canon = json_dumps(entry, JSON_COMPACT | JSON_SORT_KEYS);

	if (!canon)
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	sha256_hex(out, prev, canon);
	free(canon);
	return SOHOA_OK;
}

static int read_head(const char *head, long long *seq, char hash[HASH_HEX + 1])
{
	FILE *f = fopen(head, "r");
	int n;

	if (!f)
		return errno == ENOENT ? SOHOA_ENOTFOUND : SOHOA_EIO;
	n = fscanf(f, "%lld %64s", seq, hash);
	fclose(f);
	return n == 2 && strlen(hash) == HASH_HEX ? SOHOA_OK : SOHOA_EINVALID;
}

static int write_head(const char *head, long long seq, const char *hash)
{
	char buf[128];
	int n = snprintf(buf, sizeof(buf), "%lld %s\n", seq, hash);

	return sohoa_fs_write_atomic(head, buf, (size_t)n);
}

static char *last_nl(char *buf, size_t len)
{
	while (len > 0)
		if (buf[--len] == '\n')
			return buf + len;
	return NULL;
}

/* The last complete line of the open log: its seq and hash (0 and zeros
 * when empty).  A torn last line (a crash inside write) is cut off. */
static int read_tail(sohoa_audit *a, long long *seq, char hash[HASH_HEX + 1])
{
	struct stat st;
	off_t from;
	char *buf, *end, *line;
	ssize_t got;
	json_t *e;
	size_t len;

	*seq = 0;
	strcpy(hash, ZERO_HASH);
	if (fstat(a->fd, &st) != 0)
		return sohoa_error_set(SOHOA_EIO, "audit log %s: %s", a->path,
		                       strerror(errno));
	if (st.st_size == 0)
		return SOHOA_OK;
	from = st.st_size > TAIL_MAX ? st.st_size - TAIL_MAX : 0;
	len = (size_t)(st.st_size - from);
	if (!(buf = malloc(len + 1)))
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	got = pread(a->fd, buf, len, from);
	if (got != (ssize_t)len) {
		free(buf);
		return sohoa_error_set(SOHOA_EIO, "audit log %s: short read",
		                       a->path);
	}
	buf[len] = '\0';
	end = buf + len;
	if (end[-1] != '\n') {
		/* torn write: drop the partial line */
		char *nl = last_nl(buf, len);
		off_t keep = nl ? from + (nl + 1 - buf) : from;

		sohoa_log(SOHOA_LOG_WARN,
		          "audit log %s: cutting off an unfinished last line "
		          "(a crash while writing it)",
		          a->path);
		if (ftruncate(a->fd, keep) != 0 || fsync(a->fd) != 0) {
			free(buf);
			return sohoa_error_set(SOHOA_EIO, "audit log %s: %s",
			                       a->path, strerror(errno));
		}
		if (!nl) {
			free(buf);
			return from == 0 ? SOHOA_OK
			                 : sohoa_error_set(SOHOA_EINVALID,
			                                   "audit log %s: last "
			                                   "line is too long",
			                                   a->path);
		}
		end = nl + 1;
	}
	end[-1] = '\0';
	line = last_nl(buf, (size_t)(end - 1 - buf));
	line = line ? line + 1 : buf;
	if (line == buf && from > 0) {
		free(buf);
		return sohoa_error_set(SOHOA_EINVALID,
		                       "audit log %s: last line is too long",
		                       a->path);
	}
	e = json_loads(line, 0, NULL);
	free(buf);
	if (!e || !json_is_integer(json_object_get(e, "seq")) ||
	    !json_is_string(json_object_get(e, "hash")) ||
	    strlen(json_string_value(json_object_get(e, "hash"))) != HASH_HEX) {
		json_decref(e);
		return sohoa_error_set(SOHOA_EINVALID,
		                       "audit log %s: the last line is not an "
		                       "audit entry; run 'sohoa audit verify'",
		                       a->path);
	}
	*seq = json_integer_value(json_object_get(e, "seq"));
	memcpy(hash, json_string_value(json_object_get(e, "hash")),
	       HASH_HEX + 1);
	json_decref(e);
	return SOHOA_OK;
}

int sohoa_audit_open(sohoa_audit **out, const char *path)
{
	sohoa_audit *a;
	char *dir, *slash;

	*out = NULL;
	if (!(a = calloc(1, sizeof(*a))) || !(a->path = strdup(path)) ||
	    sohoa_asprintf(&a->head, "%s.head", path) != SOHOA_OK) {
		if (a)
			free(a->path);
		free(a);
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	}
	if ((dir = strdup(path)) && (slash = strrchr(dir, '/')) &&
	    slash != dir) {
		*slash = '\0';
		sohoa_fs_mkdirs(dir);
	}
	free(dir);
	a->fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (a->fd < 0) {
		int err = errno;

		free(a->head);
		free(a->path);
		free(a);
		return sohoa_error_set(sohoa_error_from_errno(err),
		                       "audit log %s: %s; check [audit] path",
		                       path, strerror(err));
	}
	pthread_mutex_init(&a->lock, NULL);
	*out = a;
	return SOHOA_OK;
}

void sohoa_audit_free(sohoa_audit *a)
{
	if (!a)
		return;
	close(a->fd);
	pthread_mutex_destroy(&a->lock);
	free(a->head);
	free(a->path);
	free(a);
}

/* Keep a free-form string to one line of reasonable length. */
static json_t *clean(const char *s, size_t max)
{
	char *c;
	size_t n;
	json_t *j;

	if (!s)
		s = "";
	n = strnlen(s, max);
	if (!(c = malloc(n + 1)))
		return NULL;
	for (size_t i = 0; i < n; i++)
		c[i] = (s[i] == '\n' || s[i] == '\r') ? ' ' : s[i];
	c[n] = '\0';
	/* a cut inside a UTF-8 sequence: back off to its start */
	while (n > 0 && !(j = json_string(c))) {
		c[--n] = '\0';
	}
	if (n == 0)
		j = json_string("");
	free(c);
	return j;
}

int sohoa_audit_log(sohoa_audit *a, const char *user, const char *action,
                    const char *case_number, const char *detail)
{
	char now[21], prev[HASH_HEX + 1], hash[HASH_HEX + 1], *line = NULL;
	long long seq;
	json_t *e = NULL;
	int rc;

	if (!action || !action[0])
		return sohoa_error_set(SOHOA_EINVALID, "audit: no action");
	sohoa_time_iso8601(now);
	pthread_mutex_lock(&a->lock);
	while (flock(a->fd, LOCK_EX) != 0 && errno == EINTR)
		;
	if ((rc = read_tail(a, &seq, prev)) != SOHOA_OK)
		goto out;
	e = json_object();
	if (!e || json_object_set_new(e, "seq", json_integer(seq + 1)) ||
	    json_object_set_new(e, "time", json_string(now)) ||
	    json_object_set_new(e, "user",
	                        clean(user && user[0] ? user : "-", 200)) ||
	    json_object_set_new(e, "action", clean(action, 64)) ||
	    json_object_set_new(e, "case", clean(case_number, 200)) ||
	    json_object_set_new(e, "detail", clean(detail, DETAIL_MAX)) ||
	    json_object_set_new(e, "prev", json_string(prev))) {
		rc = sohoa_error_set(SOHOA_ENOMEM, "out of memory");
		goto out;
	}
	if ((rc = entry_hash(hash, e, prev)) != SOHOA_OK)
		goto out;
	json_object_set_new(e, "hash", json_string(hash));
	if (!(line = json_dumps(e, JSON_COMPACT | JSON_PRESERVE_ORDER))) {
		rc = sohoa_error_set(SOHOA_ENOMEM, "out of memory");
		goto out;
	}
	{
		size_t n = strlen(line);

		line[n] = '\n'; /* json_dumps leaves room for the NUL */
		if (write(a->fd, line, n + 1) != (ssize_t)(n + 1) ||
		    fsync(a->fd) != 0) {
			rc = sohoa_error_set(sohoa_error_from_errno(errno),
			                     "audit log %s: cannot append: %s",
			                     a->path, strerror(errno));
			goto out;
		}
	}
	rc = write_head(a->head, seq + 1, hash);
out:
	flock(a->fd, LOCK_UN);
	pthread_mutex_unlock(&a->lock);
	free(line);
	json_decref(e);
	if (rc != SOHOA_OK)
		sohoa_log(SOHOA_LOG_ERROR, "audit: %s", sohoa_error_last());
	return rc;
}

static const char *const fields[] = {"seq",  "time",   "user", "action",
                                     "case", "detail", "prev", "hash"};

int sohoa_audit_verify(const char *path, size_t *entries_out)
{
	FILE *f;
	char *line = NULL, *head = NULL, prev[HASH_HEX + 1] = ZERO_HASH;
	char hhash[HASH_HEX + 1], before[HASH_HEX + 1] = ZERO_HASH;
	size_t cap = 0;
	ssize_t len;
	long long lineno = 0, hseq = 0;
	int rc = SOHOA_OK, hrc;

	if (entries_out)
		*entries_out = 0;
	if (!(f = fopen(path, "r")))
		return sohoa_error_set(sohoa_error_from_errno(errno),
		                       "audit log %s: %s", path,
		                       strerror(errno));
	while ((len = getline(&line, &cap, f)) > 0) {
		char want[HASH_HEX + 1];
		json_t *e;
		const char *h, *p;

		lineno++;
		if (line[len - 1] != '\n') {
			rc = sohoa_error_set(SOHOA_EINVALID,
			                     "%s:%lld: unfinished line (no "
			                     "newline)",
			                     path, lineno);
			break;
		}
		line[len - 1] = '\0';
		if (!(e = json_loads(line, 0, NULL)) || !json_is_object(e) ||
		    json_object_size(e) != 8) {
			json_decref(e);
			rc = sohoa_error_set(SOHOA_EINVALID,
			                     "%s:%lld: not an audit entry",
			                     path, lineno);
			break;
		}
		for (size_t i = 0; i < 8 && rc == SOHOA_OK; i++) {
			json_t *v = json_object_get(e, fields[i]);

			if (i == 0 ? !json_is_integer(v) : !json_is_string(v))
				rc = sohoa_error_set(SOHOA_EINVALID,
				                     "%s:%lld: entry without a "
				                     "valid \"%s\"",
				                     path, lineno, fields[i]);
		}
		if (rc != SOHOA_OK) {
			json_decref(e);
			break;
		}
		h = json_string_value(json_object_get(e, "hash"));
		p = json_string_value(json_object_get(e, "prev"));
		if (json_integer_value(json_object_get(e, "seq")) != lineno) {
			rc = sohoa_error_set(
			    SOHOA_EINVALID,
			    "%s:%lld: entry number %lld where %lld belongs: an "
			    "entry was removed, added or moved",
			    path, lineno,
			    (long long)json_integer_value(
			        json_object_get(e, "seq")),
			    lineno);
		} else if (strcmp(p, prev) != 0) {
			rc = sohoa_error_set(
			    SOHOA_EINVALID,
			    "%s:%lld: does not follow the entry "
			    "before (prev hash differs): an "
			    "entry was removed, added or moved",
			    path, lineno);
		} else {
			char *hcopy = strdup(h);

			json_object_del(e, "hash");
			if (!hcopy || entry_hash(want, e, prev) != SOHOA_OK)
				rc = sohoa_error_set(SOHOA_ENOMEM,
				                     "out of memory");
			else if (strcmp(want, hcopy) != 0)
				rc = sohoa_error_set(
				    SOHOA_EINVALID,
				    "%s:%lld: the entry was changed (its "
				    "hash does not match its content)",
				    path, lineno);
			else {
				memcpy(before, prev, sizeof(before));
				memcpy(prev, hcopy, sizeof(prev));
			}
			free(hcopy);
		}
		json_decref(e);
		if (rc != SOHOA_OK)
			break;
	}
	free(line);
	fclose(f);
	if (rc != SOHOA_OK)
		return rc;
	if (sohoa_asprintf(&head, "%s.head", path) != SOHOA_OK)
		return SOHOA_ENOMEM;
	hrc = read_head(head, &hseq, hhash);
	if (hrc == SOHOA_ENOTFOUND && lineno > 0)
		rc = sohoa_error_set(SOHOA_EINVALID,
		                     "%s: the head file %s is missing, so a "
		                     "removed last entry cannot be ruled out",
		                     path, head);
	else if (hrc == SOHOA_EINVALID || hrc == SOHOA_EIO)
		rc = sohoa_error_set(SOHOA_EINVALID,
		                     "%s: the head file %s cannot be read",
		                     path, head);
	else if (hrc == SOHOA_OK && hseq > lineno)
		rc = sohoa_error_set(SOHOA_EINVALID,
		                     "%s: the log ends at entry %lld but its "
		                     "head says %lld: the last %lld entries "
		                     "were removed",
		                     path, lineno, hseq, hseq - lineno);
	else if (hrc == SOHOA_OK && hseq == lineno && strcmp(hhash, prev))
		rc = sohoa_error_set(SOHOA_EINVALID,
		                     "%s:%lld: the last entry differs from the "
		                     "one the head file %s recorded",
		                     path, lineno, head);
	else if (hrc == SOHOA_OK && hseq + 1 < lineno)
		rc = sohoa_error_set(SOHOA_EINVALID,
		                     "%s: the head file %s says entry %lld "
		                     "but the log has %lld: entries were "
		                     "added without the head",
		                     path, head, hseq, lineno);
	else if (hrc == SOHOA_OK && hseq + 1 == lineno && strcmp(hhash, before))
		rc = sohoa_error_set(
		    SOHOA_EINVALID,
		    "%s:%lld: the entry before the last differs "
		    "from the one the head file %s recorded",
		    path, lineno - 1, head);
	/* else hseq == lineno - 1 with the right hash: a crash between an
	 * entry and its head, nothing lost */
	free(head);
	if (rc == SOHOA_OK && entries_out)
		*entries_out = (size_t)lineno;
	return rc;
}
