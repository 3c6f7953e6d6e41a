/* archive.c -- sohoa_archive_append: writes a new revision of a case
 * bundle (one zip = one BagIt bag, docs/bundle-format.md).  Holds the old
 * bundle read-only and the new one as zip_t handles, the case lock file
 * descriptor, and the metadata as a jansson object, all released in
 * append()'s single exit.
 */
#include "archive/archive.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <zip.h>

#include "archive_int.h"
#include "config/config.h"

static int lock_timeout_ms = 60000;

void sohoa_archive_set_lock_timeout(int ms)
{
	lock_timeout_ms = ms < 0 ? 0 : ms;
}

int sohoa_archive_bundle_path(char **out, const char *root,
                              const char *case_number)
{
	char norm[SOHOA_CASE_MAX];
	size_t rl;
	int rc;

	*out = NULL;
	if (!root || !*root)
		return sohoa_error_set(SOHOA_EINVALID, "archive root not set");
	if (!case_number)
		return sohoa_error_set(SOHOA_EINVALID, "no case number");
	if ((rc = sohoa_case_normalize(norm, case_number)) != SOHOA_OK)
		return rc;
	rl = strlen(root);
	while (rl > 1 && root[rl - 1] == '/')
		rl--;
	return sohoa_asprintf(out, "%.*s/%s.zip", (int)rl, root, norm);
}

/* ---- the case lock ----------------------------------------------------- */

static int lock_case(int *fd_out, const char *root, const char *norm)
{
	char *dir = NULL, *path = NULL;
	int fd = -1, waited = 0, rc;

	*fd_out = -1;
	if ((rc = sohoa_asprintf(&dir, "%s/.locks", root)) != SOHOA_OK)
		return rc;
	if ((rc = sohoa_fs_mkdirs(dir)) != SOHOA_OK)
		goto done;
	if ((rc = sohoa_asprintf(&path, "%s/%s.lock", dir, norm)) != SOHOA_OK)
		goto done;
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644)) < 0) {
		rc = sohoa_error_set(sohoa_error_from_errno(errno), "%s: %s",
		                     path, strerror(errno));
		goto done;
	}
	while (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		struct timespec ts = {0, 20 * 1000 * 1000};

		if (errno == EINTR)
			continue;
		if (errno != EWOULDBLOCK) {
			rc = sohoa_error_set(sohoa_error_from_errno(errno),
			                     "lock %s: %s", path,
			                     strerror(errno));
			goto done;
		}
		if (waited >= lock_timeout_ms) {
			rc = sohoa_error_set(SOHOA_EBUSY,
			                     "case %s is locked by another "
			                     "writer (waited %d ms)",
			                     norm, waited);
			goto done;
		}
		nanosleep(&ts, NULL);
		waited += 20;
	}
	*fd_out = fd;
	fd = -1;
done:
	if (fd >= 0)
		close(fd);
	free(dir);
	free(path);
	return rc;
}

/* ---- argument checks --------------------------------------------------- */

static int check_args(const char *root, const sohoa_archive_component_in *c)
{
	size_t i;

	if (!root || !*root)
		return sohoa_error_set(SOHOA_EINVALID, "archive root not set");
	if (!c)
		return sohoa_error_set(SOHOA_EINVALID, "no component");
	if (!c->name || !*c->name)
		return sohoa_error_set(SOHOA_EINVALID, "component has no name");
	if (!c->kind ||
	    (strcmp(c->kind, "component") && strcmp(c->kind, "result")))
		return sohoa_error_set(SOHOA_EINVALID,
		                       "component %s: kind must be "
		                       "\"component\" or \"result\"",
		                       c->name);
	if (!c->operator_name || !*c->operator_name || !c->station ||
	    !*c->station)
		return sohoa_error_set(SOHOA_EINVALID,
		                       "component %s: operator and station "
		                       "are required",
		                       c->name);
	if (!c->pages || c->npages == 0)
		return sohoa_error_set(SOHOA_EINVALID, "component %s: no pages",
		                       c->name);
	for (i = 0; i < c->npages; i++) {
		const sohoa_archive_page_in *p = &c->pages[i];
		struct stat st;

		if (!p->image_path)
			return sohoa_error_set(
			    SOHOA_EINVALID, "page %zu: no image file", i + 1);
		if (stat(p->image_path, &st) != 0)
			return sohoa_error_set(sohoa_error_from_errno(errno),
			                       "%s: %s", p->image_path,
			                       strerror(errno));
		if (!S_ISREG(st.st_mode))
			return sohoa_error_set(SOHOA_EINVALID,
			                       "%s: not a regular file",
			                       p->image_path);
		if (!p->source || !*p->source)
			return sohoa_error_set(SOHOA_EINVALID,
			                       "page %zu: no source", i + 1);
		if (p->dpi < 0)
			return sohoa_error_set(SOHOA_EINVALID,
			                       "page %zu: negative dpi", i + 1);
		if (p->colour_mode && strcmp(p->colour_mode, "color") &&
		    strcmp(p->colour_mode, "gray") &&
		    strcmp(p->colour_mode, "lineart"))
			return sohoa_error_set(SOHOA_EINVALID,
			                       "page %zu: colour mode %s is "
			                       "not color, gray or lineart",
			                       i + 1, p->colour_mode);
		if (p->analysis_json) {
			json_t *j = json_loads(p->analysis_json, 0, NULL);
			int ok = json_is_object(j);

			json_decref(j);
			if (!ok)
				return sohoa_error_set(SOHOA_EINVALID,
				                       "page %zu: analysis is "
				                       "not a JSON object",
				                       i + 1);
		}
	}
	return SOHOA_OK;
}

/* ---- building the new zip ---------------------------------------------- */

/* The extension of the master, lower-cased, [a-z0-9] only; "bin" if none. */
static void image_ext(char ext[9], const char *path)
{
	const char *base = strrchr(path, '/');
	const char *dot;
	size_t i, n = 0;

	base = base ? base + 1 : path;
	dot = strrchr(base, '.');
	if (dot && dot != base) {
		for (i = 1; dot[i] && n < 8; i++) {
			char ch = dot[i];

			if (ch >= 'A' && ch <= 'Z')
				ch = (char)(ch - 'A' + 'a');
			if ((ch >= 'a' && ch <= 'z') ||
			    (ch >= '0' && ch <= '9'))
				ext[n++] = ch;
		}
	}
	ext[n] = '\0';
	if (n == 0)
		strcpy(ext, "bin");
}

static int already_compressed(const char *ext)
{
	static const char *const list[] = {"png", "jpg",  "jpeg", "jp2",
	                                   "gif", "webp", "tif",  "tiff"};
	size_t i;

	for (i = 0; i < sizeof(list) / sizeof(*list); i++)
		if (strcmp(ext, list[i]) == 0)
			return 1;
	return 0;
}

/* Add `src` as `<top>/<rel>`; on failure the source is freed. */
static int add_source(zip_t *za, const char *top, const char *rel,
                      zip_source_t *src, zip_int32_t method)
{
	char name[1024];
	zip_int64_t idx;

	if (!src)
		return sohoa_archive__zip_fail(SOHOA_ERROR, zip_get_error(za),
		                               rel);
	snprintf(name, sizeof(name), "%s/%s", top, rel);
	if ((idx = zip_file_add(za, name, src, ZIP_FL_ENC_UTF_8)) < 0) {
		zip_source_free(src);
		return sohoa_archive__zip_fail(SOHOA_ERROR, zip_get_error(za),
		                               name);
	}
	/* Plain 0644 files for unzip, whatever the source was. */
	if (zip_set_file_compression(za, (zip_uint64_t)idx, method, 0) != 0 ||
	    zip_file_set_external_attributes(
	        za, (zip_uint64_t)idx, 0, ZIP_OPSYS_UNIX,
	        (zip_uint32_t)(0100644) << 16) != 0)
		return sohoa_archive__zip_fail(SOHOA_ERROR, zip_get_error(za),
		                               name);
	return SOHOA_OK;
}

/* Add a buffer we own (`data` is freed in all cases). */
static int add_owned(zip_t *za, const char *top, const char *rel, char *data,
                     size_t len)
{
	zip_source_t *src = zip_source_buffer(za, data, len, 1);

	if (!src)
		free(data);
	return add_source(za, top, rel, src, ZIP_CM_DEFLATE);
}

/* ---- the new bundle's file ---------------------------------------------- */

/* The zip libzip writes, as a source of our own over the temp file we
 * created: libzip's file output goes through stdio in 4 KiB writes (46,846
 * write calls and 18,927 seeks for a 191 MB bundle, a fifth of an
 * append's CPU time in the kernel), into a temp file of its own that it
 * renames over ours.  This one keeps ZOUT_BUF bytes and writes them with
 * one pwrite, writes into our temp file directly, and fsyncs it on commit.
 * Reading (not used on a new archive, but part of what libzip requires of
 * a writable source) goes through pread. */
enum { ZOUT_BUF = 64 * 1024 };

struct zout {
	int fd;             /* owned: the temp file */
	unsigned char *buf; /* ZOUT_BUF bytes */
	size_t blen;        /* bytes waiting in buf */
	zip_uint64_t boff;  /* file offset of buf[0] */
	zip_uint64_t pos;   /* write position */
	zip_uint64_t end;   /* size of what was written */
	zip_uint64_t rpos;  /* read position */
	int began;          /* BEGIN_WRITE seen: the file is ours */
	zip_error_t err;
};

static int zout_flush(struct zout *z)
{
	size_t done = 0;

	while (done < z->blen) {
		ssize_t n = pwrite(z->fd, z->buf + done, z->blen - done,
		                   (off_t)(z->boff + done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			zip_error_set(&z->err, ZIP_ER_WRITE,
			              n < 0 ? errno : EIO);
			return -1;
		}
		done += (size_t)n;
	}
	z->boff += z->blen;
	z->blen = 0;
	return 0;
}

static zip_int64_t zout_seek(struct zout *z, zip_uint64_t *pos, void *data,
                             zip_uint64_t len)
{
	zip_source_args_seek_t *a =
	    ZIP_SOURCE_GET_ARGS(zip_source_args_seek_t, data, len, &z->err);
	zip_int64_t base, np;

	if (!a)
		return -1;
	base = a->whence == SEEK_SET   ? 0
	       : a->whence == SEEK_CUR ? (zip_int64_t)*pos
	       : a->whence == SEEK_END ? (zip_int64_t)z->end
	                               : -1;
	np = base + a->offset;
	if (base < 0 || np < 0) {
		zip_error_set(&z->err, ZIP_ER_INVAL, 0);
		return -1;
	}
	*pos = (zip_uint64_t)np;
	return 0;
}

static zip_int64_t zout_cb(void *ud, void *data, zip_uint64_t len,
                           zip_source_cmd_t cmd)
{
	struct zout *z = ud;

	switch (cmd) {
	case ZIP_SOURCE_BEGIN_WRITE:
		if (ftruncate(z->fd, 0) != 0) {
			zip_error_set(&z->err, ZIP_ER_WRITE, errno);
			return -1;
		}
		z->began = 1;
		z->blen = 0;
		z->boff = z->pos = z->end = 0;
		return 0;
	case ZIP_SOURCE_WRITE: {
		const unsigned char *p = data;
		zip_uint64_t left = len;

		if (z->blen && z->pos != z->boff + z->blen && zout_flush(z))
			return -1;
		if (!z->blen)
			z->boff = z->pos;
		while (left) {
			size_t n = ZOUT_BUF - z->blen;

			if (n > left)
				n = (size_t)left;
			memcpy(z->buf + z->blen, p, n);
			z->blen += n;
			p += n;
			left -= n;
			if (z->blen == ZOUT_BUF && zout_flush(z))
				return -1;
		}
		z->pos += len;
		if (z->pos > z->end)
			z->end = z->pos;
		return (zip_int64_t)len;
	}
	case ZIP_SOURCE_SEEK_WRITE:
		return zout_seek(z, &z->pos, data, len);
	case ZIP_SOURCE_TELL_WRITE:
		return (zip_int64_t)z->pos;
	case ZIP_SOURCE_COMMIT_WRITE:
		/* durable before anyone reads it back or renames it */
		if (zout_flush(z))
			return -1;
		if (ftruncate(z->fd, (off_t)z->end) != 0 || fsync(z->fd) != 0) {
			zip_error_set(&z->err, ZIP_ER_WRITE, errno);
			return -1;
		}
		return 0;
	case ZIP_SOURCE_ROLLBACK_WRITE:
	case ZIP_SOURCE_REMOVE:
		z->blen = 0;
		z->boff = z->pos = z->end = 0;
		if (ftruncate(z->fd, 0) != 0) {
			zip_error_set(&z->err, ZIP_ER_WRITE, errno);
			return -1;
		}
		return 0;
	case ZIP_SOURCE_OPEN:
		z->rpos = 0;
		return 0;
	case ZIP_SOURCE_READ: {
		ssize_t n;

		if (zout_flush(z))
			return -1;
		do
			n = pread(z->fd, data, len, (off_t)z->rpos);
		while (n < 0 && errno == EINTR);
		if (n < 0) {
			zip_error_set(&z->err, ZIP_ER_READ, errno);
			return -1;
		}
		z->rpos += (zip_uint64_t)n;
		return n;
	}
	case ZIP_SOURCE_SEEK:
		return zout_seek(z, &z->rpos, data, len);
	case ZIP_SOURCE_TELL:
		return (zip_int64_t)z->rpos;
	case ZIP_SOURCE_CLOSE:
		return 0;
	case ZIP_SOURCE_STAT: {
		zip_stat_t *st =
		    ZIP_SOURCE_GET_ARGS(zip_stat_t, data, len, &z->err);

		if (!st)
			return -1;
		/* an empty temp file is no archive yet: libzip starts a
		 * new one instead of reading it */
		if (!z->began) {
			zip_error_set(&z->err, ZIP_ER_READ, ENOENT);
			return -1;
		}
		zip_stat_init(st);
		st->valid = ZIP_STAT_SIZE;
		st->size = z->end;
		return sizeof(*st);
	}
	case ZIP_SOURCE_ERROR:
		return zip_error_to_data(&z->err, data, len);
	case ZIP_SOURCE_FREE:
		if (z->fd >= 0)
			close(z->fd);
		free(z->buf);
		zip_error_fini(&z->err);
		free(z);
		return 0;
	case ZIP_SOURCE_SUPPORTS:
		return ZIP_SOURCE_SUPPORTS_WRITABLE;
	default:
		zip_error_set(&z->err, ZIP_ER_OPNOTSUPP, 0);
		return -1;
	}
}

/* A new, empty zip writing into `fd` (taken over in all cases). */
static int zout_open(zip_t **out, int fd, const char *path)
{
	struct zout *z = calloc(1, sizeof(*z));
	zip_source_t *src = NULL;
	zip_error_t ze;
	int rc;

	*out = NULL;
	if (!z || !(z->buf = malloc(ZOUT_BUF))) {
		if (z)
			free(z->buf);
		free(z);
		close(fd);
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	}
	z->fd = fd;
	zip_error_init(&z->err);
	zip_error_init(&ze);
	if (!(src = zip_source_function_create(zout_cb, z, &ze))) {
		/* the source was not made: `z` is still ours */
		close(fd);
		free(z->buf);
		zip_error_fini(&z->err);
		free(z);
		rc = sohoa_archive__zip_fail(SOHOA_ENOMEM, &ze, path);
		zip_error_fini(&ze);
		return rc;
	}
	if (!(*out =
	          zip_open_from_source(src, ZIP_CREATE | ZIP_TRUNCATE, &ze))) {
		zip_source_free(src); /* closes fd, frees z */
		rc = sohoa_archive__zip_fail(SOHOA_EIO, &ze, path);
		zip_error_fini(&ze);
		return rc;
	}
	zip_error_fini(&ze);
	return SOHOA_OK;
}

/* ---- metadata ---------------------------------------------------------- */

static json_t *jstr_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

/* ---- append ------------------------------------------------------------ */

struct job {
	const char *root;
	const sohoa_archive_component_in *comp;
	char norm[SOHOA_CASE_MAX];
	char *final_path; /* owned */
	char *tmp_path;   /* owned; unlinked unless renamed */
	int lock_fd;
	zip_t *old; /* owned, read-only */
	zip_t *za;  /* owned, the new bundle */
	json_t *meta;
	sohoa_archive__mlist man;
	sohoa_archive__mlist oldman;   /* the old bundle's manifests, sorted */
	sohoa_archive__mlist sigs;     /* signatures/...: tag files, SHA-256 */
	sohoa_archive__signer *signer; /* owned, NULL when not signing */
	int created;
};

static int encrypt_entry(struct job *j, const char *rel, const char *key);

static int cmp_rel(const void *key, const void *e)
{
	return strcmp((const char *)key,
	              ((const sohoa_archive__mentry *)e)->rel);
}

/* The digests of the old bundle's payload, from its manifests: the bundle
 * was verified just before, under the case lock, so they are the digests
 * of its content and need not be computed again (one read of every old
 * entry less per append; the new bundle is verified in full anyway). */
static int load_old_manifests(struct job *j)
{
	static const char *const names[] = {SOHOA_ARCHIVE__MAN256,
	                                    SOHOA_ARCHIVE__MAN512};
	static const char no512[129]; /* filled from the second manifest */
	int alg, rc = SOHOA_OK;

	for (alg = 0; alg < 2 && rc == SOHOA_OK; alg++) {
		char name[SOHOA_CASE_MAX + 64], *text = NULL, *line, *save;
		zip_int64_t idx;

		snprintf(name, sizeof(name), "%s/%s", j->norm, names[alg]);
		if ((idx = zip_name_locate(j->old, name, 0)) < 0)
			return sohoa_error_set(SOHOA_EINVALID, "no %s", name);
		if ((rc = sohoa_archive__read_entry(&text, NULL, j->old,
		                                    (zip_uint64_t)idx)))
			return rc;
		for (line = strtok_r(text, "\n", &save); line && rc == SOHOA_OK;
		     line = strtok_r(NULL, "\n", &save)) {
			char *sp = strstr(line, "  ");
			sohoa_archive__mentry *e;

			if (!sp)
				continue;
			*sp = '\0';
			if (alg == 0) {
				if (strlen(line) == 64)
					rc = sohoa_archive__mlist_add(
					    &j->oldman, sp + 2, 0, line, no512);
				continue;
			}
			e = bsearch(sp + 2, j->oldman.e, j->oldman.n,
			            sizeof(*e), cmp_rel);
			if (e && strlen(line) == 128)
				memcpy(e->h512, line, 129);
		}
		free(text);
		if (alg == 0)
			sohoa_archive__mlist_sort(&j->oldman);
	}
	return rc;
}

/* A carried entry that is stored (masters, PDFs: most of the bytes),
 * copied as it lies in the old zip through the two windows of
 * sohoa_archive__raw: libzip would otherwise run zlib's CRC over it twice,
 * checking it as it reads and computing it as it writes (it does the
 * latter for any stored data).  Not checking it here loses nothing: the
 * new bundle's check hashes every carried entry against its manifest line
 * (SHA-256, stronger than the CRC) and CRC-checks what was written. */
struct rawcopy {
	zip_t *old;
	zip_uint64_t idx, size;
	time_t mtime;
	sohoa_archive__raw r;
	int open;
	zip_error_t err;
	/* libzip asks for 8 KiB at a time; the old bundle is read in
	 * RAWCOPY_AHEAD pieces (21,000 read and seek calls fewer for a
	 * 174 MB bundle) and handed out from here */
	unsigned char *ahead; /* RAWCOPY_AHEAD bytes, once open */
	size_t alen, apos;
};

enum { RAWCOPY_AHEAD = 64 * 1024 };

static zip_int64_t rawcopy_cb(void *ud, void *data, zip_uint64_t len,
                              zip_source_cmd_t cmd)
{
	struct rawcopy *c = ud;
	zip_int64_t n;

	switch (cmd) {
	case ZIP_SOURCE_OPEN:
		if (!c->ahead && !(c->ahead = malloc(RAWCOPY_AHEAD))) {
			zip_error_set(&c->err, ZIP_ER_MEMORY, 0);
			return -1;
		}
		if (sohoa_archive__raw_open(&c->r, c->old, c->idx, c->size) !=
		    SOHOA_OK) {
			zip_error_set(&c->err, ZIP_ER_READ, 0);
			return -1;
		}
		c->open = 1;
		c->alen = c->apos = 0;
		return 0;
	case ZIP_SOURCE_READ:
		if (c->apos == c->alen) {
			if ((n = sohoa_archive__raw_read(&c->r, c->ahead,
			                                 RAWCOPY_AHEAD)) < 0) {
				const zip_error_t *e =
				    sohoa_archive__raw_error(&c->r);

				zip_error_set(&c->err, zip_error_code_zip(e),
				              zip_error_code_system(e));
				return -1;
			}
			c->alen = (size_t)n;
			c->apos = 0;
		}
		n = (zip_int64_t)(c->alen - c->apos);
		if ((zip_uint64_t)n > len)
			n = (zip_int64_t)len;
		memcpy(data, c->ahead + c->apos, (size_t)n);
		c->apos += (size_t)n;
		return n;
	case ZIP_SOURCE_CLOSE:
		if (c->open)
			sohoa_archive__raw_close(&c->r);
		c->open = 0;
		return 0;
	case ZIP_SOURCE_STAT: {
		zip_stat_t *st =
		    ZIP_SOURCE_GET_ARGS(zip_stat_t, data, len, &c->err);

		if (!st)
			return -1;
		zip_stat_init(st);
		st->valid = ZIP_STAT_SIZE | ZIP_STAT_COMP_SIZE |
		            ZIP_STAT_COMP_METHOD | ZIP_STAT_ENCRYPTION_METHOD |
		            ZIP_STAT_MTIME;
		st->size = st->comp_size = c->size;
		st->comp_method = ZIP_CM_STORE;
		st->encryption_method = ZIP_EM_NONE;
		st->mtime = c->mtime;
		return sizeof(*st);
	}
	case ZIP_SOURCE_ERROR:
		return zip_error_to_data(&c->err, data, len);
	case ZIP_SOURCE_FREE:
		if (c->open)
			sohoa_archive__raw_close(&c->r);
		zip_error_fini(&c->err);
		free(c->ahead);
		free(c);
		return 0;
	case ZIP_SOURCE_SUPPORTS:
		return zip_source_make_command_bitmap(
		    ZIP_SOURCE_OPEN, ZIP_SOURCE_READ, ZIP_SOURCE_CLOSE,
		    ZIP_SOURCE_STAT, ZIP_SOURCE_ERROR, ZIP_SOURCE_FREE, -1);
	default:
		zip_error_set(&c->err, ZIP_ER_OPNOTSUPP, 0);
		return -1;
	}
}

/* The source for a stored entry of the old bundle (see rawcopy); NULL,
 * with the error in `za`, when it cannot be made. */
static zip_source_t *rawcopy_source(zip_t *za, zip_t *old, zip_uint64_t idx,
                                    const zip_stat_t *st)
{
	struct rawcopy *c = calloc(1, sizeof(*c));
	zip_source_t *src;

	if (!c) {
		zip_error_set(zip_get_error(za), ZIP_ER_MEMORY, 0);
		return NULL;
	}
	c->old = old;
	c->idx = idx;
	c->size = st->size;
	c->mtime = (st->valid & ZIP_STAT_MTIME) ? st->mtime : time(NULL);
	zip_error_init(&c->err);
	if (!(src = zip_source_function(za, rawcopy_cb, c))) {
		zip_error_fini(&c->err);
		free(c);
	}
	return src;
}

/* Copy every payload entry but metadata.json and the PDF of the component
 * being appended to (`pdf`, rebuilt) from the old bundle. */
static int carry_over(struct job *j, const char *pdf)
{
	zip_int64_t i, n = zip_get_num_entries(j->old, 0);
	size_t tl = strlen(j->norm);
	int rc;

	for (i = 0; i < n; i++) {
		const char *name = zip_get_name(j->old, (zip_uint64_t)i, 0);
		const char *rel;
		zip_stat_t st;
		zip_source_t *src;
		zip_uint64_t size;
		char h256[65], h512[129];
		const char *key = NULL;
		int secret;

		if (!name || strncmp(name, j->norm, tl) || name[tl] != '/')
			continue;
		rel = name + tl + 1;
		if (strncmp(rel, SOHOA_ARCHIVE__SIGDIR,
		            strlen(SOHOA_ARCHIVE__SIGDIR)) == 0 &&
		    rel[strlen(rel) - 1] != '/') {
			/* earlier revisions' signatures: kept as they are */
			if ((rc = sohoa_archive__hash_zip_entry(
			         j->old, (zip_uint64_t)i, &size, h256, h512)) ||
			    (rc = sohoa_archive__mlist_add(&j->sigs, rel, size,
			                                   h256, h512)) ||
			    (rc = add_source(
			         j->za, j->norm, rel,
			         zip_source_zip(j->za, j->old, (zip_uint64_t)i,
			                        ZIP_FL_COMPRESSED, 0, -1),
			         ZIP_CM_DEFLATE)))
				return rc;
			continue;
		}
		if (strncmp(rel, "data/", 5) != 0 ||
		    strcmp(rel, SOHOA_ARCHIVE__METADATA) == 0 ||
		    strcmp(rel, pdf) == 0 || rel[strlen(rel) - 1] == '/')
			continue;
		zip_stat_init(&st);
		if (zip_stat_index(j->old, (zip_uint64_t)i, 0, &st) != 0)
			return sohoa_archive__zip_fail(
			    SOHOA_EINVALID, zip_get_error(j->old), name);
		{
			const sohoa_archive__mentry *e =
			    bsearch(rel, j->oldman.e, j->oldman.n,
			            sizeof(*j->oldman.e), cmp_rel);

			if (e && e->h512[0] && (st.valid & ZIP_STAT_SIZE)) {
				size = st.size;
				memcpy(h256, e->h256, sizeof(h256));
				memcpy(h512, e->h512, sizeof(h512));
			} else if ((rc = sohoa_archive__hash_zip_entry(
			                j->old, (zip_uint64_t)i, &size, h256,
			                h512))) {
				return rc;
			}
		}
		if ((rc = sohoa_archive__mlist_add(&j->man, rel, size, h256,
		                                   h512)))
			return rc;
		secret = (st.valid & ZIP_STAT_ENCRYPTION_METHOD) &&
		         st.encryption_method != ZIP_EM_NONE;
		/* no key: stop here, naming the key file (exit 3) */
		if (secret && (rc = sohoa_archive__key(&key)))
			return rc;
		/* the compressed bytes as they are (no inflate, no deflate,
		 * no CRC pass); an encrypted entry is decrypted and encrypted
		 * again with a new salt (libzip cannot carry it raw) */
		if (!secret && sohoa_archive__raw_ok(&st))
			src =
			    rawcopy_source(j->za, j->old, (zip_uint64_t)i, &st);
		else
			src = zip_source_zip(j->za, j->old, (zip_uint64_t)i,
			                     secret ? 0 : ZIP_FL_COMPRESSED, 0,
			                     -1);
		if ((rc = add_source(j->za, j->norm, rel, src,
		                     (zip_int32_t)st.comp_method)))
			return rc;
		if (secret && (rc = encrypt_entry(j, rel, key)))
			return rc;
		if (st.valid & ZIP_STAT_MTIME)
			zip_file_set_mtime(
			    j->za,
			    (zip_uint64_t)zip_name_locate(j->za, name, 0),
			    st.mtime, 0);
	}
	return SOHOA_OK;
}

/* Encrypt the entry `rel` of the new bundle with WinZip AES-256. */
static int encrypt_entry(struct job *j, const char *rel, const char *key)
{
	char name[1024];
	zip_int64_t idx;

	snprintf(name, sizeof(name), "%s/%s", j->norm, rel);
	if ((idx = zip_name_locate(j->za, name, 0)) < 0 ||
	    zip_file_set_encryption(j->za, (zip_uint64_t)idx, ZIP_EM_AES_256,
	                            key) != 0)
		return sohoa_archive__zip_fail(SOHOA_ERROR,
		                               zip_get_error(j->za), name);
	return SOHOA_OK;
}

/* A payload entry from memory (borrowed until zip_close): manifest line,
 * zip entry, encrypted when `key` is not NULL. */
static int add_mem_entry(struct job *j, const char *rel, const char *data,
                         size_t n, const char *key)
{
	char h256[65], h512[129];
	int rc;

	if ((rc = sohoa_archive__hash_mem(data, n, h256, h512)) ||
	    (rc = sohoa_archive__mlist_add(&j->man, rel, n, h256, h512)) ||
	    (rc = add_source(j->za, j->norm, rel,
	                     zip_source_buffer(j->za, data, n, 0),
	                     ZIP_CM_DEFLATE)))
		return rc;
	return key ? encrypt_entry(j, rel, key) : SOHOA_OK;
}

/* What the metadata keeps of the analysis of an encrypted page: nothing
 * personal (no text, codes, fields, case number). */
static json_t *public_analysis(json_t *analysis, const char *file)
{
	static const char *const keep[] = {"blank", "rotation", "skew_deg",
	                                   "document_type", "mean_confidence"};
	json_t *o = json_object();
	size_t i;

	for (i = 0; o && i < sizeof(keep) / sizeof(*keep); i++) {
		json_t *v = json_object_get(analysis, keep[i]);

		if (v)
			json_object_set(o, keep[i], v);
	}
	if (o)
		json_object_set_new(o, "analysis_file", json_string(file));
	return o;
}

static int add_new_pages(struct job *j, const char *folder, int first,
                         int revision, const char *now)
{
	const sohoa_archive_component_in *c = j->comp;
	json_t *pages = json_object_get(j->meta, "pages");
	size_t i;
	int rc = SOHOA_OK;

	for (i = 0; i < c->npages; i++) {
		const sohoa_archive_page_in *p = &c->pages[i];
		int num = first + (int)i;
		char ext[9], img[400], txt[400], hocr[400], ana[400];
		char h256[65], h512[129];
		const char *key = NULL;
		zip_uint64_t size;
		json_t *page, *analysis = NULL, *shown;

		if (p->analysis_json)
			analysis = json_loads(p->analysis_json, 0, NULL);
		if (sohoa_archive__encrypts(json_string_value(
		        json_object_get(analysis, "document_type"))) &&
		    (rc = sohoa_archive__key(&key))) {
			char type[64];

			/* copy before the analysis is released */
			snprintf(type, sizeof(type), "%s",
			         json_string_value(json_object_get(
			             analysis, "document_type")));
			json_decref(analysis);
			return sohoa_error_set(rc,
			                       "page %zu is a %s, to be "
			                       "encrypted: %s",
			                       i + 1, type, sohoa_error_last());
		}
		image_ext(ext, p->image_path);
		snprintf(img, sizeof(img), "data/%s/%04d.%s", folder, num, ext);
		snprintf(txt, sizeof(txt), "data/%s/%04d.txt", folder, num);
		snprintf(hocr, sizeof(hocr), "data/%s/%04d.hocr", folder, num);
		snprintf(ana, sizeof(ana), "data/%s/%04d.json", folder, num);
		if ((rc = sohoa_archive__hash_file(p->image_path, &size, h256,
		                                   h512)) ||
		    (rc = sohoa_archive__mlist_add(&j->man, img, size, h256,
		                                   h512)) ||
		    (rc = add_source(
		         j->za, j->norm, img,
		         zip_source_file(j->za, p->image_path, 0, -1),
		         already_compressed(ext) ? ZIP_CM_STORE
		                                 : ZIP_CM_DEFLATE)) ||
		    (key && (rc = encrypt_entry(j, img, key))) ||
		    (p->text && (rc = add_mem_entry(j, txt, p->text,
		                                    strlen(p->text), key))) ||
		    (p->hocr && (rc = add_mem_entry(j, hocr, p->hocr,
		                                    strlen(p->hocr), key))) ||
		    (key && analysis &&
		     (rc = add_mem_entry(j, ana, p->analysis_json,
		                         strlen(p->analysis_json), key)))) {
			json_decref(analysis);
			return rc;
		}
		shown = analysis;
		if (key && analysis) {
			shown = public_analysis(analysis, ana);
			json_decref(analysis);
		}
		page = json_pack(
		    "{s:s, s:s, s:i, s:s, s:o, s:o, s:i, s:o, s:s, s:o, s:o, "
		    "s:s, s:s, s:s, s:i, s:b, s:o}",
		    "component", c->name, "kind", c->kind, "page", num, "image",
		    img, "text", p->text ? json_string(txt) : json_null(),
		    "hocr", p->hocr ? json_string(hocr) : json_null(), "dpi",
		    p->dpi, "colour_mode", jstr_or_null(p->colour_mode),
		    "source", p->source, "source_sha256",
		    jstr_or_null(p->source_sha256), "source_options",
		    jstr_or_null(p->source_options), "operator",
		    c->operator_name, "station", c->station, "capture_time",
		    p->capture_time ? p->capture_time : now, "revision",
		    revision, "encrypted", key != NULL, "analysis",
		    shown ? shown : json_null());
		if (!page || json_array_append_new(pages, page) != 0)
			return sohoa_error_set(SOHOA_EINVALID,
			                       "page %zu: a field is not valid "
			                       "UTF-8",
			                       i + 1);
	}
	return SOHOA_OK;
}

/* Revision, events, procedure code. */
static int record_revision(struct job *j, int revision, int first,
                           const char *now)
{
	const sohoa_archive_component_in *c = j->comp;
	json_t *events = json_object_get(j->meta, "events");
	json_t *pc = json_object_get(j->meta, "procedure_code");
	const char *captured = NULL;
	char detail[300];
	size_t i, ntext = 0;

	if (c->procedure_code && json_is_null(pc))
		json_object_set_new(j->meta, "procedure_code",
		                    json_string(c->procedure_code));
	else if (c->procedure_code &&
	         strcmp(json_string_value(pc), c->procedure_code) != 0)
		sohoa_log(SOHOA_LOG_WARN,
		          "case %s: procedure code %s kept, %s ignored",
		          j->norm, json_string_value(pc), c->procedure_code);
	json_array_append_new(
	    json_object_get(j->meta, "revisions"),
	    json_pack("{s:i, s:s, s:s, s:s, s:i, s:i, s:s, s:s}", "number",
	              revision, "time", now, "component", c->name, "kind",
	              c->kind, "pages_added", (int)c->npages, "first_page",
	              first, "operator", c->operator_name, "station",
	              c->station));
	for (i = 0; i < c->npages; i++) {
		const char *t =
		    c->pages[i].capture_time ? c->pages[i].capture_time : now;

		if (!captured || strcmp(t, captured) < 0)
			captured = t;
		if (c->pages[i].text)
			ntext++;
	}
	if (!j->created) {
		snprintf(detail, sizeof(detail),
		         "revision %d verified before append", revision - 1);
		sohoa_archive__meta_event(events, now, "verified",
		                          "sohoa " SOHOA_VERSION, c->station,
		                          revision - 1, detail);
	}
	snprintf(detail, sizeof(detail), "%zu pages of %.200s", c->npages,
	         c->name);
	sohoa_archive__meta_event(events, captured, "captured",
	                          c->operator_name, c->station, revision,
	                          detail);
	if (ntext) {
		snprintf(detail, sizeof(detail),
		         "OCR text for %zu of %zu pages", ntext, c->npages);
		sohoa_archive__meta_event(events, now, "recognised",
		                          c->operator_name, c->station,
		                          revision, detail);
	}
	snprintf(detail, sizeof(detail), "revision %d", revision);
	sohoa_archive__meta_event(events, now, "packed", c->operator_name,
	                          c->station, revision, detail);
	/* recorded before the signature is made: the metadata is under the
	 * manifests the signature covers */
	if (j->signer)
		sohoa_archive__meta_event(
		    events, now, "signed",
		    sohoa_archive__signer_name(j->signer), c->station, revision,
		    "CMS signature of " SOHOA_ARCHIVE__TAGMAN);
	return SOHOA_OK;
}

/* metadata.json, manifests, bag-info, tag manifest. */
static int add_tag_files(struct job *j, const char *now)
{
	sohoa_archive__buf m256 = {0}, m512 = {0}, info = {0}, tag = {0};
	char *meta = NULL, h256[65], h512[129], agency[SOHOA_CASE_MAX];
	unsigned long long octets = 0;
	const char *dash;
	size_t i;
	int rc;

	if (!(meta = json_dumps(j->meta, JSON_INDENT(1) | JSON_PRESERVE_ORDER)))
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	if ((rc = sohoa_archive__hash_mem(meta, strlen(meta), h256, h512)) ||
	    (rc = sohoa_archive__mlist_add(&j->man, SOHOA_ARCHIVE__METADATA,
	                                   strlen(meta), h256, h512)))
		goto done;
	sohoa_archive__mlist_sort(&j->man);
	for (i = 0; i < j->man.n; i++) {
		sohoa_archive__buf_printf(&m256, "%s  %s\n", j->man.e[i].h256,
		                          j->man.e[i].rel);
		sohoa_archive__buf_printf(&m512, "%s  %s\n", j->man.e[i].h512,
		                          j->man.e[i].rel);
		octets += j->man.e[i].size;
	}
	snprintf(agency, sizeof(agency), "%s", j->norm);
	if ((dash = strchr(j->norm, '-')))
		agency[dash - j->norm] = '\0';
	sohoa_archive__buf_printf(&info,
	                          "Source-Organization: %s\n"
	                          "Bagging-Date: %.10s\n"
	                          "Payload-Oxum: %llu.%zu\n"
	                          "External-Identifier: %s\n"
	                          "Bag-Software-Agent: sohoa " SOHOA_VERSION
	                          "\n",
	                          agency, now, octets, j->man.n, j->norm);
	if (m256.oom || m512.oom || info.oom) {
		rc = sohoa_error_set(SOHOA_ENOMEM, "out of memory");
		goto done;
	}
	{
		const char *names[] = {
		    SOHOA_ARCHIVE__BAGIT, SOHOA_ARCHIVE__BAGINFO,
		    SOHOA_ARCHIVE__MAN256, SOHOA_ARCHIVE__MAN512};
		const char *texts[] = {SOHOA_ARCHIVE__BAGIT_TEXT, info.p,
		                       m256.p, m512.p};

		for (i = 0; i < 4; i++) {
			if ((rc = sohoa_archive__hash_mem(
			         texts[i], strlen(texts[i]), h256, h512)))
				goto done;
			sohoa_archive__buf_printf(&tag, "%s  %s\n", h256,
			                          names[i]);
		}
		sohoa_archive__mlist_sort(&j->sigs);
		for (i = 0; i < j->sigs.n; i++)
			sohoa_archive__buf_printf(&tag, "%s  %s\n",
			                          j->sigs.e[i].h256,
			                          j->sigs.e[i].rel);
	}
	if (tag.oom) {
		rc = sohoa_error_set(SOHOA_ENOMEM, "out of memory");
		goto done;
	}
	/* Tag files first so a listing of the zip reads like the bag. */
	if ((rc = add_source(
	         j->za, j->norm, SOHOA_ARCHIVE__BAGIT,
	         zip_source_buffer(j->za, SOHOA_ARCHIVE__BAGIT_TEXT,
	                           strlen(SOHOA_ARCHIVE__BAGIT_TEXT), 0),
	         ZIP_CM_DEFLATE)))
		goto done;
	rc =
	    add_owned(j->za, j->norm, SOHOA_ARCHIVE__BAGINFO, info.p, info.len);
	info.p = NULL;
	if (rc)
		goto done;
	rc = add_owned(j->za, j->norm, SOHOA_ARCHIVE__MAN256, m256.p, m256.len);
	m256.p = NULL;
	if (rc)
		goto done;
	rc = add_owned(j->za, j->norm, SOHOA_ARCHIVE__MAN512, m512.p, m512.len);
	m512.p = NULL;
	if (rc)
		goto done;
	if (j->signer) {
		char *der = NULL;
		size_t dlen = 0;

		if ((rc = sohoa_archive__sign(&der, &dlen, j->signer, tag.p,
		                              tag.len)))
			goto done;
		if ((rc = add_owned(j->za, j->norm, SOHOA_ARCHIVE__SIGNATURE,
		                    der, dlen)))
			goto done;
	}
	rc = add_owned(j->za, j->norm, SOHOA_ARCHIVE__TAGMAN, tag.p, tag.len);
	tag.p = NULL;
	if (rc)
		goto done;
	rc = add_owned(j->za, j->norm, SOHOA_ARCHIVE__METADATA, meta,
	               strlen(meta));
	meta = NULL;
done:
	free(meta);
	sohoa_archive__buf_dispose(&m256);
	sohoa_archive__buf_dispose(&m512);
	sohoa_archive__buf_dispose(&info);
	sohoa_archive__buf_dispose(&tag);
	return rc;
}

/* Open the old bundle (verified) or start fresh metadata. */
static int load_old(struct job *j)
{
	char *text = NULL, *top = NULL, name[SOHOA_CASE_MAX + 64];
	json_error_t jerr;
	zip_int64_t idx;
	int rc;

	if (access(j->final_path, F_OK) != 0) {
		if (errno != ENOENT)
			return sohoa_error_set(sohoa_error_from_errno(errno),
			                       "%s: %s", j->final_path,
			                       strerror(errno));
		j->created = 1;
		if (!(j->meta = sohoa_archive__meta_new(j->norm)))
			return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
		return SOHOA_OK;
	}
	/* everything but the payload's digests, which are checked in the
	 * new bundle (its manifest lines for carried entries are the old
	 * ones) and, for the entries rebuilt from old bytes, as they are
	 * read (old_pdf_hash, old_cause) */
	if ((rc = sohoa_archive__verify(
	         j->final_path, NULL, SOHOA_ARCHIVE__VERIFY_LIGHT)) != SOHOA_OK)
		return rc == SOHOA_EINVALID
		           ? sohoa_error_set(SOHOA_EINVALID,
		                             "existing bundle is damaged, not "
		                             "extending it: %s",
		                             sohoa_error_last())
		           : rc;
	if ((rc = sohoa_archive__open_ro(&j->old, j->final_path, 1)))
		return rc;
	if ((rc = sohoa_archive__find_top(&top, j->old)))
		return rc;
	if (strcmp(top, j->norm) != 0) {
		rc = sohoa_error_set(SOHOA_EINVALID,
		                     "%s: bag folder %s is not the case number",
		                     j->final_path, top);
		goto done;
	}
	snprintf(name, sizeof(name), "%s/" SOHOA_ARCHIVE__METADATA, j->norm);
	if ((idx = zip_name_locate(j->old, name, 0)) < 0) {
		rc = sohoa_error_set(SOHOA_EINVALID, "%s: no %s", j->final_path,
		                     name);
		goto done;
	}
	if ((rc = sohoa_archive__read_entry(&text, NULL, j->old,
	                                    (zip_uint64_t)idx)))
		goto done;
	j->meta = json_loads(text, 0, &jerr);
	if (!json_is_object(j->meta) ||
	    !json_is_array(json_object_get(j->meta, "components")) ||
	    !json_is_array(json_object_get(j->meta, "pages")) ||
	    !json_is_array(json_object_get(j->meta, "revisions")) ||
	    !json_is_array(json_object_get(j->meta, "events")))
		rc = sohoa_error_set(SOHOA_EINVALID, "%s: bad %s: %s",
		                     j->final_path, name,
		                     j->meta ? "missing arrays" : jerr.text);
	if (rc == SOHOA_OK)
		rc = load_old_manifests(j);
done:
	free(top);
	free(text);
	return rc;
}

/* One page's master and hOCR: from its file when it is new in this
 * revision, else from the old bundle.  *img and *hocr owned. */
static int page_bytes(struct job *j, json_t *page, int first,
                      unsigned char **img, size_t *n, char **hocr)
{
	int num = (int)json_integer_value(json_object_get(page, "page"));
	const char *hrel = json_string_value(json_object_get(page, "hocr"));
	char name[1024];
	zip_int64_t idx;
	int rc;

	*img = NULL;
	*hocr = NULL;
	if (num >= first) {
		const sohoa_archive_page_in *p = &j->comp->pages[num - first];

		if (p->hocr && !(*hocr = strdup(p->hocr)))
			return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
		return sohoa_fs_read_all((char **)img, n, p->image_path);
	}
	snprintf(name, sizeof(name), "%s/%s", j->norm,
	         json_string_value(json_object_get(page, "image")));
	if ((idx = zip_name_locate(j->old, name, 0)) < 0)
		return sohoa_error_set(SOHOA_EINVALID, "%s: missing", name);
	if ((rc = sohoa_archive__read_entry((char **)img, n, j->old,
	                                    (zip_uint64_t)idx)))
		return rc;
	if (hrel) {
		snprintf(name, sizeof(name), "%s/%s", j->norm, hrel);
		if ((idx = zip_name_locate(j->old, name, 0)) >= 0 &&
		    (rc = sohoa_archive__read_entry(hocr, NULL, j->old,
		                                    (zip_uint64_t)idx)))
			return rc;
	}
	return SOHOA_OK;
}

/* The old bundle's PDF of `rel`, whose bytes an incremental update keeps,
 * against both its manifest lines (the light check of the old bundle did
 * not read it).  On success `h` holds the digests' state after those
 * bytes, to go on with the bytes the update adds: the grown PDF's digests
 * without hashing its old part again. */
static int old_pdf_hash(struct job *j, const char *rel, const void *p, size_t n,
                        sohoa_archive__hash *h)
{
	const sohoa_archive__mentry *e = bsearch(rel, j->oldman.e, j->oldman.n,
	                                         sizeof(*j->oldman.e), cmp_rel);
	char h256[65], h512[129];
	int rc;

	if (!e)
		return sohoa_error_set(SOHOA_EINVALID,
		                       "existing bundle is damaged, not "
		                       "extending it: %s/%s: not in %s",
		                       j->norm, rel, SOHOA_ARCHIVE__MAN256);
	if ((rc = sohoa_archive__hash_init(h)) ||
	    (rc = sohoa_archive__hash_update(h, p, n)) ||
	    (rc = sohoa_archive__hash_peek(h, h256, h512)))
		return rc;
	if (strcmp(h256, e->h256) != 0 ||
	    (e->h512[0] && strcmp(h512, e->h512) != 0))
		return sohoa_error_set(SOHOA_EINVALID,
		                       "existing bundle is damaged, not "
		                       "extending it: %s/%s: sha%s mismatch",
		                       j->norm, rel,
		                       strcmp(h256, e->h256) ? "256" : "512");
	return SOHOA_OK;
}

/* data/<folder>.pdf: every page of the component (image + invisible
 * text), rebuilt whenever the component grows.  A page that is not an
 * image Leptonica reads leaves the component without a PDF ("pdf": null
 * and a warning), never without its masters. */
static int add_component_pdf(struct job *j, const char *rel, int first)
{
	json_t *pages = json_object_get(j->meta, "pages");
	json_t *comps = json_object_get(j->meta, "components");
	json_t *page, *comp = NULL, *it;
	sohoa_archive__pdf *d = NULL;
	unsigned char *out = NULL;
	char title[600], h256[65], h512[129];
	sohoa_archive__hash ph = {0}; /* resumed: after the old bytes */
	size_t i, len = 0, prefix = 0;
	int rc, secret = 0, resumed = 0;

	json_array_foreach(comps, i, it)
	{
		const char *nm = json_string_value(json_object_get(it, "name"));

		if (nm && strcmp(nm, j->comp->name) == 0)
			comp = it;
	}
	/* pages added to a component with a PDF: append them to it as an
	 * incremental update instead of encoding every page again */
	if (j->old && first > 1 &&
	    json_is_string(json_object_get(comp, "pdf"))) {
		char name[1024];
		unsigned char *old = NULL;
		size_t olen = 0;
		zip_int64_t idx;

		snprintf(name, sizeof(name), "%s/%s", j->norm, rel);
		if ((idx = zip_name_locate(j->old, name, 0)) >= 0 &&
		    /* the writer holds the whole PDF in memory anyway; no
		     * CRC pass: old_pdf_hash checks its SHA-256 and SHA-512 */
		    sohoa_archive__read_entry_digested(
		        (char **)&old, &olen, j->old, (zip_uint64_t)idx,
		        (zip_uint64_t)1 << 32) == SOHOA_OK) {
			if ((rc = old_pdf_hash(j, rel, old, olen, &ph))) {
				free(old);
				sohoa_archive__hash_dispose(&ph);
				return rc;
			}
			if (sohoa_archive__pdf_resume(&d, old, olen,
			                              first - 1) == SOHOA_OK) {
				resumed = 1;
				prefix = olen;
			}
		} else {
			free(old);
		}
	}
	snprintf(title, sizeof(title), "%s: %.500s", j->norm, j->comp->name);
	if (!resumed && (rc = sohoa_archive__pdf_new(&d, title))) {
		sohoa_archive__hash_dispose(&ph);
		if (rc != SOHOA_EENV)
			return rc;
		/* derived data: the masters are filed without it */
		sohoa_log(SOHOA_LOG_WARN, "case %s: no PDF of %s: %s", j->norm,
		          j->comp->name, sohoa_error_last());
		json_object_set_new(comp, "pdf", json_null());
		return SOHOA_OK;
	}
	json_array_foreach(pages, i, page)
	{
		const char *pc =
		    json_string_value(json_object_get(page, "component"));
		unsigned char *img = NULL;
		char *hocr = NULL;
		size_t n = 0;

		if (!pc || strcmp(pc, j->comp->name) != 0)
			continue;
		if (json_is_true(json_object_get(page, "encrypted")))
			secret = 1;
		if (resumed &&
		    json_integer_value(json_object_get(page, "page")) < first)
			continue; /* already in the PDF */
		rc = page_bytes(j, page, first, &img, &n, &hocr);
		if (rc == SOHOA_OK)
			rc = sohoa_archive__pdf_page(
			    d, img, n, hocr,
			    (int)json_integer_value(
			        json_object_get(page, "dpi")),
			    (int)json_integer_value(json_object_get(
			        json_object_get(page, "analysis"),
			        "rotation")));
		free(img);
		free(hocr);
		if (rc == SOHOA_EINVALID) {
			sohoa_log(
			    SOHOA_LOG_WARN, "case %s: no PDF of %s: %s %s",
			    j->norm, j->comp->name,
			    json_string_value(json_object_get(page, "image")),
			    sohoa_error_last());
			json_object_set_new(comp, "pdf", json_null());
			rc = SOHOA_OK;
			goto done;
		}
		if (rc)
			goto done;
	}
	if ((rc = sohoa_archive__pdf_finish(d, &out, &len)))
		goto done;
	/* an update leaves the old bytes in place: hash only what follows */
	if (prefix && len >= prefix) {
		if ((rc = sohoa_archive__hash_update(&ph, out + prefix,
		                                     len - prefix)) == SOHOA_OK)
			rc = sohoa_archive__hash_final(&ph, h256, h512);
	} else
		rc = sohoa_archive__hash_mem(out, len, h256, h512);
	if (rc ||
	    (rc = sohoa_archive__mlist_add(&j->man, rel, len, h256, h512)))
		goto done;
	json_object_set_new(comp, "pdf", json_string(rel));
	{
		zip_source_t *src = zip_source_buffer(j->za, out, len, 1);

		if (src)
			out = NULL; /* the source owns it now */
		rc = add_source(j->za, j->norm, rel, src, ZIP_CM_STORE);
	}
	/* it holds the pages: encrypted when one of them is */
	if (rc == SOHOA_OK && secret) {
		const char *key = NULL;

		if ((rc = sohoa_archive__key(&key)) == SOHOA_OK)
			rc = encrypt_entry(j, rel, key);
	}
done:
	free(out);
	sohoa_archive__pdf_free(d);
	sohoa_archive__hash_dispose(&ph);
	return rc;
}

/* Temp bundles of this case left by a crash (ours and libzip's).  Safe to
 * remove: every writer of the case holds its lock, and so do we. */
static void remove_stale_temps(const struct job *j)
{
	char prefix[SOHOA_CASE_MAX + 8];
	DIR *d = opendir(j->root);
	struct dirent *e;

	if (!d)
		return;
	snprintf(prefix, sizeof(prefix), ".%s.zip.", j->norm);
	while ((e = readdir(d))) {
		char *path = NULL;

		if (strncmp(e->d_name, prefix, strlen(prefix)) != 0 ||
		    sohoa_asprintf(&path, "%s/%s", j->root, e->d_name))
			continue;
		if (unlink(path) == 0)
			sohoa_log(SOHOA_LOG_WARN, "removed stale temp %s",
			          path);
		free(path);
	}
	closedir(d);
}

/* The old revision's signature, with the tag files it signed, goes to
 * signatures/rNNNN/ (NNNN: that revision), so every revision's signer
 * stays checkable; the new tag manifest lists them. */
static int keep_old_signature(struct job *j, int old_revision)
{
	static const char *const names[] = {
	    SOHOA_ARCHIVE__SIGNATURE, SOHOA_ARCHIVE__TAGMAN,
	    SOHOA_ARCHIVE__BAGINFO, SOHOA_ARCHIVE__MAN256,
	    SOHOA_ARCHIVE__MAN512};
	char name[SOHOA_CASE_MAX + 64], rel[128];
	size_t i;
	int rc;

	snprintf(name, sizeof(name), "%s/" SOHOA_ARCHIVE__SIGNATURE, j->norm);
	if (zip_name_locate(j->old, name, 0) < 0)
		return SOHOA_OK; /* that revision was not signed */
	for (i = 0; i < sizeof(names) / sizeof(*names); i++) {
		char *data = NULL, h256[65], h512[129];
		size_t len = 0;
		zip_int64_t idx;

		snprintf(name, sizeof(name), "%s/%s", j->norm, names[i]);
		snprintf(rel, sizeof(rel), SOHOA_ARCHIVE__SIGDIR "r%04d/%s",
		         old_revision, names[i]);
		if ((idx = zip_name_locate(j->old, name, 0)) < 0)
			return sohoa_error_set(SOHOA_EINVALID, "no %s", name);
		if ((rc = sohoa_archive__read_entry(&data, &len, j->old,
		                                    (zip_uint64_t)idx)))
			return rc;
		if ((rc = sohoa_archive__hash_mem(data, len, h256, h512)) ||
		    (rc = sohoa_archive__mlist_add(&j->sigs, rel, len, h256,
		                                   h512))) {
			free(data);
			return rc;
		}
		if ((rc = add_owned(j->za, j->norm, rel, data, len)))
			return rc;
	}
	return SOHOA_OK;
}

/* After a failed write (error `rc`): was the cause the old bundle, whose
 * payload the light check before the append does not read (damaged, or
 * encrypted with a key we lack)?  Returns the code to report, with its
 * message set. */
static int old_cause(struct job *j, int rc)
{
	char msg[1024];
	int vrc;

	if (!j->old)
		return rc;
	snprintf(msg, sizeof(msg), "%s", sohoa_error_last());
	vrc = sohoa_archive_verify(j->final_path, NULL);
	if (vrc == SOHOA_EINVALID)
		return sohoa_error_set(SOHOA_EINVALID,
		                       "existing bundle is damaged, not "
		                       "extending it: %s",
		                       sohoa_error_last());
	if (vrc != SOHOA_OK)
		return vrc;
	return sohoa_error_set(rc, "%s", msg);
}

static int write_bundle(struct job *j)
{
	char now[21], pdf[400];
	const char *folder;
	int first, revision, rc, fd;

	sohoa_time_iso8601(now);
	if ((rc = sohoa_archive__meta_place(&folder, &first, j->meta, j->comp)))
		return rc;
	revision =
	    (int)json_array_size(json_object_get(j->meta, "revisions")) + 1;
	remove_stale_temps(j);
	if ((rc = sohoa_asprintf(&j->tmp_path, "%s/.%s.zip.XXXXXX", j->root,
	                         j->norm)))
		return rc;
	if ((fd = mkstemp(j->tmp_path)) < 0) {
		rc = sohoa_error_set(sohoa_error_from_errno(errno),
		                     "create temp bundle in %s: %s", j->root,
		                     strerror(errno));
		free(j->tmp_path);
		j->tmp_path = NULL;
		return rc;
	}
	/* personal data: owner and group only */
	(void)fchmod(fd, 0640);
	if ((rc = zout_open(&j->za, fd, j->tmp_path)))
		return rc;
	snprintf(pdf, sizeof(pdf), "data/%s.pdf", folder);
	/* zip_source_zip decrypts carried entries with the key of the
	 * archive it adds them to */
	sohoa_archive__key_apply(j->za);
	if (j->old && ((rc = carry_over(j, pdf)) ||
	               (rc = keep_old_signature(j, revision - 1))))
		return rc;
	if ((rc = add_new_pages(j, folder, first, revision, now)) ||
	    (rc = sohoa_archive__meta_order(j->meta)) ||
	    (rc = add_component_pdf(j, pdf, first)) ||
	    (rc = record_revision(j, revision, first, now)) ||
	    (rc = add_tag_files(j, now)))
		return rc;
	if (zip_close(j->za) != 0) {
		rc = sohoa_archive__zip_fail(SOHOA_EIO, zip_get_error(j->za),
		                             j->tmp_path);
		return old_cause(j, rc);
	}
	j->za = NULL; /* and the temp file was fsynced (zout_cb) */
	/* SHA-256 of every payload entry against the new manifest: the
	 * carried entries against the digests the old manifest had (so the
	 * old payload is checked here), the new masters against what was
	 * hashed from their files, SHA-512 included, before writing; the
	 * component PDF, hashed from the buffer libzip wrote, by its CRC
	 * (docs/bundle-format.md, "Writing") */
	if ((rc = sohoa_archive__verify_written(j->tmp_path, pdf)) !=
	    SOHOA_OK) {
		if (rc != SOHOA_EINVALID)
			return rc;
		rc = sohoa_error_set(SOHOA_EIO,
		                     "new bundle failed verification: %s",
		                     sohoa_error_last());
		return old_cause(j, rc);
	}
	if (rename(j->tmp_path, j->final_path) != 0)
		return sohoa_error_set(sohoa_error_from_errno(errno),
		                       "rename %s: %s", j->final_path,
		                       strerror(errno));
	free(j->tmp_path);
	j->tmp_path = NULL;
	if ((rc = sohoa_fs_sync_dir(j->root)))
		return rc;
	sohoa_log(SOHOA_LOG_INFO, "case %s: revision %d, %zu pages of %s",
	          j->norm, revision, j->comp->npages, j->comp->name);
	return SOHOA_OK;
}

int sohoa_archive_append(char **bundle_out, int *created, const char *root,
                         const char *case_number,
                         const sohoa_archive_component_in *comp)
{
	struct job j;
	int rc;

	if (bundle_out)
		*bundle_out = NULL;
	if (created)
		*created = 0;
	memset(&j, 0, sizeof(j));
	j.lock_fd = -1;
	j.root = root;
	j.comp = comp;
	if ((rc = check_args(root, comp)))
		return rc;
	if (!case_number)
		return sohoa_error_set(SOHOA_EINVALID, "no case number");
	if ((rc = sohoa_case_normalize(j.norm, case_number)))
		return rc;
	if ((rc = sohoa_archive_bundle_path(&j.final_path, root, j.norm)))
		return rc;
	if ((rc = sohoa_archive__signer_load(&j.signer)))
		goto done;
	if (!j.signer && sohoa_archive__signatures_required()) {
		rc = sohoa_error_set(SOHOA_EENV,
		                     "signatures are required but no signer "
		                     "certificate and key are configured");
		goto done;
	}
	if ((rc = lock_case(&j.lock_fd, root, j.norm)) || (rc = load_old(&j)) ||
	    (rc = write_bundle(&j)))
		goto done;
	if (created)
		*created = j.created;
	if (bundle_out) {
		*bundle_out = j.final_path;
		j.final_path = NULL;
	}
done:
	if (j.za)
		zip_discard(j.za);
	if (j.old)
		zip_discard(j.old);
	if (j.tmp_path)
		unlink(j.tmp_path);
	free(j.tmp_path);
	free(j.final_path);
	json_decref(j.meta);
	sohoa_archive__mlist_dispose(&j.man);
	sohoa_archive__mlist_dispose(&j.oldman);
	sohoa_archive__mlist_dispose(&j.sigs);
	sohoa_archive__signer_free(j.signer);
	if (j.lock_fd >= 0)
		close(j.lock_fd);
	return rc;
}
