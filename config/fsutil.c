/* fsutil.c -- crash-safe file helpers: atomic writes (temp file, fsync,
 * rename, fsync folder), mkdir -p, copies and folder removal.
 */
#include "config/config.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int sys_fail(const char *what, const char *path)
{
	int err = errno;

	return sohoa_error_set(sohoa_error_from_errno(err), "%s %s: %s", what,
	                       path, strerror(err));
}

int sohoa_asprintf(char **out, const char *fmt, ...)
{
	va_list ap;
	int n;

	*out = NULL;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !(*out = malloc((size_t)n + 1)))
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	va_start(ap, fmt);
	vsnprintf(*out, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return SOHOA_OK;
}

void sohoa_time_iso8601(char buf[21])
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int sohoa_fs_mkdirs(const char *path)
{
	char *p;
	int rc = SOHOA_OK;

	if (!(p = strdup(path)))
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	for (char *s = p + 1;; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;

		*s = '\0';
		if (mkdir(p, 0775) != 0 && errno != EEXIST) {
			rc = sys_fail("cannot create folder", p);
			rc = rc == SOHOA_ENOTFOUND ? SOHOA_EENV : rc;
			break;
		}
		*s = c;
		if (c == '\0')
			break;
	}
	if (rc == SOHOA_OK) {
		struct stat st;

		if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
			rc = sohoa_error_set(SOHOA_EENV, "%s: not a folder",
			                     path);
	}
	free(p);
	return rc;
}

int sohoa_fs_sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc = SOHOA_OK;

	if (fd < 0)
		return sys_fail("cannot open folder", dir);
	if (fsync(fd) != 0 && errno != EINVAL)
		rc = sys_fail("cannot sync folder", dir);
	close(fd);
	return rc;
}

int sohoa_fs_sync_file(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int rc = SOHOA_OK;

	if (fd < 0)
		return sys_fail("cannot open", path);
	if (fsync(fd) != 0)
		rc = sys_fail("cannot sync", path);
	close(fd);
	return rc;
}

static int write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static char *parent_dir(const char *path)
{
	char *copy = strdup(path), *d;

	if (!copy)
		return NULL;
	d = strdup(dirname(copy));
	free(copy);
	return d;
}

int sohoa_fs_write_atomic(const char *path, const void *data, size_t len)
{
	char *tmp = NULL, *dir = NULL;
	int fd = -1, rc;

	if ((rc = sohoa_asprintf(&tmp, "%s.tmp.%ld", path, (long)getpid())))
		return rc;
	if (!(dir = parent_dir(path))) {
		rc = sohoa_error_set(SOHOA_ENOMEM, "out of memory");
		goto done;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0664);
	if (fd < 0) {
		rc = sys_fail("cannot create", tmp);
		rc = rc == SOHOA_ENOTFOUND ? SOHOA_EENV : rc;
		goto done;
	}
	if (write_all(fd, data, len) != 0) {
		rc = sys_fail("cannot write", tmp);
		goto done;
	}
	if (fsync(fd) != 0) {
		rc = sys_fail("cannot sync", tmp);
		goto done;
	}
	if (close(fd) != 0) {
		fd = -1;
		rc = sys_fail("cannot close", tmp);
		goto done;
	}
	fd = -1;
	if (rename(tmp, path) != 0) {
		rc = sys_fail("cannot rename to", path);
		goto done;
	}
	rc = sohoa_fs_sync_dir(dir);
done:
	if (fd >= 0)
		close(fd);
	if (rc != SOHOA_OK && tmp)
		unlink(tmp);
	free(tmp);
	free(dir);
	return rc;
}

int sohoa_fs_read_all(char **out, size_t *len_out, const char *path)
{
	FILE *f;
	char *buf = NULL;
	size_t cap = 0, len = 0;
	int rc = SOHOA_OK;

	*out = NULL;
	if (len_out)
		*len_out = 0;
	if (!(f = fopen(path, "rb")))
		return sys_fail("cannot open", path);
	for (;;) {
		if (len + 4096 + 1 > cap) {
			size_t ncap = cap ? cap * 2 : 65536;
			char *nbuf = realloc(buf, ncap);

			if (!nbuf) {
				rc = sohoa_error_set(SOHOA_ENOMEM,
				                     "out of memory");
				goto done;
			}
			buf = nbuf;
			cap = ncap;
		}
		size_t n = fread(buf + len, 1, cap - len - 1, f);

		len += n;
		if (n == 0)
			break;
	}
	if (ferror(f)) {
		rc = sys_fail("cannot read", path);
		goto done;
	}
	buf[len] = '\0';
	*out = buf;
	buf = NULL;
	if (len_out)
		*len_out = len;
done:
	free(buf);
	fclose(f);
	return rc;
}

int sohoa_fs_copy(const char *dst, const char *src)
{
	char buf[65536];
	int in = -1, out = -1, rc = SOHOA_OK;
	ssize_t n;

	if ((in = open(src, O_RDONLY | O_CLOEXEC)) < 0)
		return sys_fail("cannot open", src);
	out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0664);
	if (out < 0) {
		rc = sys_fail("cannot create", dst);
		goto done;
	}
	while ((n = read(in, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = sys_fail("cannot read", src);
			goto done;
		}
		if (write_all(out, buf, (size_t)n) != 0) {
			rc = sys_fail("cannot write", dst);
			goto done;
		}
	}
	if (fsync(out) != 0)
		rc = sys_fail("cannot sync", dst);
done:
	if (in >= 0)
		close(in);
	if (out >= 0 && close(out) != 0 && rc == SOHOA_OK)
		rc = sys_fail("cannot close", dst);
	return rc;
}

static int rm_one(const char *path, const struct stat *st, int flag,
                  struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path) != 0 && errno != ENOENT ? -1 : 0;
}

int sohoa_fs_remove_tree(const char *path)
{
	if (nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS) != 0 &&
	    errno != ENOENT)
		return sys_fail("cannot remove", path);
	return SOHOA_OK;
}

int sohoa_fs_check_writable(const char *dir)
{
	char *p = strdup(dir);
	struct stat st;
	int rc = SOHOA_OK;

	if (!p)
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	/* walk up to the nearest folder that exists */
	while (stat(p, &st) != 0) {
		char *up = parent_dir(p);

		if (!up || strcmp(up, p) == 0) {
			free(up);
			break;
		}
		free(p);
		p = up;
	}
	if (stat(p, &st) != 0 || !S_ISDIR(st.st_mode))
		rc = sohoa_error_set(SOHOA_EENV, "%s: %s is not a folder", dir,
		                     p);
	else if (access(p, W_OK | X_OK) != 0)
		rc = sohoa_error_set(SOHOA_EENV,
		                     "%s: folder %s is not writable", dir, p);
	free(p);
	return rc;
}
