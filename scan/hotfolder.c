/* hotfolder.c -- a polled drop folder: stability window, SHA-256
 * de-duplication with a persisted seen-list, failed/ and duplicates/ with
 * a .why text beside each file moved there.
 *
 * Polling only (SMB and NFS mounts do not deliver inotify events); POSIX
 * directory reads, stat, rename within the folder.
 */
#include "scan/scan.h"

#include "config/config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define SEEN ".sohoa-seen"

struct watch {
	char *name; /* owned */
	off_t size; /* last size seen */
	struct timespec mtime;
	double since; /* monotonic seconds when size/mtime last changed */
	int present;  /* seen in this pass */
};

struct seen {
	char sha[65];
	char *what; /* owned: "CASE NAME TIME" of the first drop */
};

struct sohoa_scan_hotfolder {
	char *path; /* owned */
	int stable_seconds;
	struct watch *w;
	size_t nw;
	struct seen *seen;
	size_t nseen;
	int caseless; /* names need not hold a case number */
};

static double now_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int sys_fail(const char *what, const char *path)
{
	int err = errno;

	return sohoa_error_set(sohoa_error_from_errno(err), "%s %s: %s", what,
	                       path, strerror(err));
}

static int add_seen(sohoa_scan_hotfolder *hf, const char *sha, const char *what)
{
	struct seen *n = realloc(hf->seen, (hf->nseen + 1) * sizeof(*n));

	if (!n)
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	hf->seen = n;
	snprintf(n[hf->nseen].sha, sizeof(n[0].sha), "%s", sha);
	if (!(n[hf->nseen].what = strdup(what)))
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	hf->nseen++;
	return SOHOA_OK;
}

static const struct seen *find_seen(const sohoa_scan_hotfolder *hf,
                                    const char *sha)
{
	for (size_t i = 0; i < hf->nseen; i++)
		if (!strcmp(hf->seen[i].sha, sha))
			return &hf->seen[i];
	return NULL;
}

static int load_seen(sohoa_scan_hotfolder *hf)
{
	char *path = NULL, *text = NULL, *line, *save = NULL;
	size_t len = 0;
	int rc;

	if ((rc = sohoa_asprintf(&path, "%s/" SEEN, hf->path)))
		return rc;
	rc = sohoa_fs_read_all(&text, &len, path);
	free(path);
	if (rc == SOHOA_ENOTFOUND)
		return SOHOA_OK;
	if (rc)
		return rc;
	for (line = strtok_r(text, "\n", &save); line && rc == SOHOA_OK;
	     line = strtok_r(NULL, "\n", &save)) {
		/* "SHA256 what..."; a torn last line is skipped */
		if (strlen(line) < 66 || line[64] != ' ')
			continue;
		line[64] = '\0';
		rc = add_seen(hf, line, line + 65);
	}
	free(text);
	return rc;
}

/* Append one line to the seen-list and make it durable. */
static int record_seen(sohoa_scan_hotfolder *hf, const char *sha,
                       const char *what)
{
	char *path = NULL, *line = NULL;
	int fd, rc;

	if ((rc = sohoa_asprintf(&path, "%s/" SEEN, hf->path)) ||
	    (rc = sohoa_asprintf(&line, "%s %s\n", sha, what)))
		goto done;
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0664);
	if (fd < 0) {
		rc = sys_fail("cannot write", path);
		goto done;
	}
	if (write(fd, line, strlen(line)) != (ssize_t)strlen(line) ||
	    fsync(fd) != 0)
		rc = sys_fail("cannot write", path);
	close(fd);
	if (rc == SOHOA_OK) {
		line[strlen(line) - 1] = '\0';
		rc = add_seen(hf, sha, line + 65);
	}
done:
	free(path);
	free(line);
	return rc;
}

int sohoa_scan_hotfolder_open(sohoa_scan_hotfolder **out, const char *path,
                              int stable_seconds)
{
	sohoa_scan_hotfolder *hf;
	int rc;

	*out = NULL;
	if ((rc = sohoa_fs_mkdirs(path)))
		return rc;
	if (!(hf = calloc(1, sizeof(*hf))) || !(hf->path = strdup(path))) {
		free(hf);
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	}
	hf->stable_seconds = stable_seconds;
	if ((rc = load_seen(hf))) {
		sohoa_scan_hotfolder_free(hf);
		return rc;
	}
	*out = hf;
	return SOHOA_OK;
}

void sohoa_scan_hotfolder_free(sohoa_scan_hotfolder *hf)
{
	if (!hf)
		return;
	for (size_t i = 0; i < hf->nw; i++)
		free(hf->w[i].name);
	for (size_t i = 0; i < hf->nseen; i++)
		free(hf->seen[i].what);
	free(hf->w);
	free(hf->seen);
	free(hf->path);
	free(hf);
}

void sohoa_scan_hotfolder_set_caseless(sohoa_scan_hotfolder *hf, int on)
{
	hf->caseless = on;
}

/* Move `name` into SUB/ (failed, duplicates) under a free name, with
 * NAME.why beside it. */
static int move_aside(sohoa_scan_hotfolder *hf, const char *name,
                      const char *sub, const char *why)
{
	char *dir = NULL, *src = NULL, *dst = NULL, *whyp = NULL, *text = NULL,
	     now[21];
	int rc;

	if ((rc = sohoa_asprintf(&dir, "%s/%s", hf->path, sub)) ||
	    (rc = sohoa_fs_mkdirs(dir)) ||
	    (rc = sohoa_asprintf(&src, "%s/%s", hf->path, name)) ||
	    (rc = sohoa_asprintf(&dst, "%s/%s", dir, name)))
		goto done;
	/* never overwrite an earlier file of the same name */
	for (int i = 1; access(dst, F_OK) == 0 && i < 1000; i++) {
		free(dst);
		if ((rc = sohoa_asprintf(&dst, "%s/%d.%s", dir, i, name)))
			goto done;
	}
	sohoa_time_iso8601(now);
	if ((rc = sohoa_asprintf(&whyp, "%s.why", dst)) ||
	    (rc = sohoa_asprintf(&text, "%s\n%s\nmoved here by sohoa at %s\n",
	                         name, why, now)) ||
	    (rc = sohoa_fs_write_atomic(whyp, text, strlen(text))))
		goto done;
	if (rename(src, dst) != 0) {
		rc = sys_fail("cannot move", src);
		goto done;
	}
	if ((rc = sohoa_fs_sync_dir(dir)) == SOHOA_OK)
		rc = sohoa_fs_sync_dir(hf->path);
	sohoa_log(SOHOA_LOG_WARN, "hot folder: %s moved to %s/: %s", name, sub,
	          why);
done:
	free(dir);
	free(src);
	free(dst);
	free(whyp);
	free(text);
	return rc;
}

static int supported_ext(const char *name)
{
	static const char *const ok[] = {"tif", "tiff", "png", "jpg", "jpeg",
	                                 "pnm", "pbm",  "pgm", "ppm"};
	const char *dot = strrchr(name, '.');

	for (size_t i = 0; dot && i < sizeof(ok) / sizeof(ok[0]); i++)
		if (!strcasecmp(dot + 1, ok[i]))
			return 1;
	return 0;
}

/* CASE[__COMPONENT].ext -> case number and component. */
static int parse_name(char norm[SOHOA_CASE_MAX], char **component,
                      const char *name)
{
	const char *dot = strrchr(name, '.');
	const char *sep = strstr(name, "__");
	char raw[256];
	size_t clen;
	int rc;

	*component = NULL;
	clen = (size_t)((sep && sep < dot ? sep : dot) - name);
	if (clen == 0 || clen >= sizeof(raw))
		return sohoa_error_set(SOHOA_EINVALID,
		                       "the name does not start with a case "
		                       "number");
	memcpy(raw, name, clen);
	raw[clen] = '\0';
	if ((rc = sohoa_case_normalize(norm, raw)))
		return rc;
	if (sep && sep < dot && dot - (sep + 2) > 0) {
		if (!(*component = strndup(sep + 2, (size_t)(dot - (sep + 2)))))
			return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	} else if (!(*component = strdup("Hồ sơ"))) {
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	}
	return SOHOA_OK;
}

#define NAMING_HELP                                                            \
	"name files CASE.ext or CASE__COMPONENT.ext, e.g. "                    \
	"000.00.22.H27-250701-0001__To khai.png, and drop them again"

/* A stable file: check it, take it in or move it aside. */
static int handle(sohoa_scan_hotfolder *hf, const char *name,
                  sohoa_scan_hotfolder_cb cb, void *payload,
                  sohoa_scan_hotfolder_stats *st)
{
	char norm[SOHOA_CASE_MAX], sha[65], *path = NULL, *component = NULL,
	                                    *why = NULL, now[21];
	const struct seen *dup;
	sohoa_scan_hotfolder_file f = {0};
	int rc, n = 0;

	if ((rc = sohoa_asprintf(&path, "%s/%s", hf->path, name)))
		return rc;
	if (!supported_ext(name)) {
		rc = move_aside(hf, name, "failed",
		                "not a file type sohoa takes (TIFF, PNG, JPEG "
		                "or PNM by its extension): convert it, or scan "
		                "the paper again");
		st->failed += rc == SOHOA_OK;
		goto done;
	}
	norm[0] = '\0';
	if (!hf->caseless && parse_name(norm, &component, name) != SOHOA_OK) {
		if ((rc = sohoa_asprintf(&why, "no usable case number: %s; %s",
		                         sohoa_error_last(), NAMING_HELP)) ==
		    SOHOA_OK)
			rc = move_aside(hf, name, "failed", why);
		st->failed += rc == SOHOA_OK;
		goto done;
	}
	if ((rc = sohoa_scan_sha256_file(sha, path))) {
		st->waiting++; /* vanished or unreadable now: next pass */
		rc = SOHOA_OK;
		goto done;
	}
	if ((dup = find_seen(hf, sha))) {
		if ((rc = sohoa_asprintf(&why,
		                         "same content (SHA-256 %s) as a file "
		                         "already taken: %s; it is stored once",
		                         sha, dup->what)) == SOHOA_OK)
			rc = move_aside(hf, name, "duplicates", why);
		st->duplicates += rc == SOHOA_OK;
		goto done;
	}
	if (sohoa_scan_import_check(path, &n) != SOHOA_OK) {
		if ((rc = sohoa_asprintf(&why, "%s", sohoa_error_last())) ==
		    SOHOA_OK)
			rc = move_aside(hf, name, "failed", why);
		st->failed += rc == SOHOA_OK;
		goto done;
	}
	f.path = path;
	f.name = name;
	f.case_number = hf->caseless ? NULL : norm;
	f.component = component;
	f.sha256 = sha;
	f.npages = n;
	rc = cb(&f, payload);
	if (rc == SOHOA_EINVALID) {
		if ((rc = sohoa_asprintf(&why, "%s", sohoa_error_last())) ==
		    SOHOA_OK)
			rc = move_aside(hf, name, "failed", why);
		st->failed += rc == SOHOA_OK;
		goto done;
	}
	if (rc != SOHOA_OK) {
		sohoa_log(SOHOA_LOG_ERROR,
		          "hot folder: %s left in place, tried again at the "
		          "next poll: %s",
		          name, sohoa_error_last());
		st->waiting++;
		rc = SOHOA_OK;
		goto done;
	}
	/* durable in the spool: remember it, then the original may go */
	sohoa_time_iso8601(now);
	free(why);
	why = NULL;
	if ((rc = hf->caseless
	              ? sohoa_asprintf(&why, "batch, %s, %s", name, now)
	              : sohoa_asprintf(&why, "case %s, %s, %s", norm, name,
	                               now)) ||
	    (rc = record_seen(hf, sha, why)))
		goto done;
	if (unlink(path) != 0) {
		rc = sys_fail("cannot remove", path);
		goto done;
	}
	rc = sohoa_fs_sync_dir(hf->path);
	st->taken++;
	if (hf->caseless)
		sohoa_log(SOHOA_LOG_INFO, "hot folder: %s taken as a batch",
		          name);
	else
		sohoa_log(SOHOA_LOG_INFO, "hot folder: %s taken into case %s",
		          name, norm);
done:
	free(path);
	free(component);
	free(why);
	return rc;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int sohoa_scan_hotfolder_poll(sohoa_scan_hotfolder *hf,
                              sohoa_scan_hotfolder_cb cb, void *payload,
                              sohoa_scan_hotfolder_stats *stats)
{
	sohoa_scan_hotfolder_stats st = {0};
	DIR *d = opendir(hf->path);
	char **names = NULL;
	size_t n = 0, j;
	struct dirent *e;
	double t = now_mono();
	int rc = SOHOA_OK;

	if (!d)
		return sys_fail("cannot read hot folder", hf->path);
	while ((e = readdir(d))) {
		char **nn;

		if (e->d_name[0] == '.')
			continue; /* ours, and half-written temp files */
		if (!(nn = realloc(names, (n + 1) * sizeof(*nn))) ||
		    !(nn[n] = strdup(e->d_name))) {
			names = nn ? nn : names;
			rc = sohoa_error_set(SOHOA_ENOMEM, "out of memory");
			break;
		}
		names = nn;
		n++;
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), by_name);
	for (j = 0; j < hf->nw; j++)
		hf->w[j].present = 0;
	for (size_t i = 0; rc == SOHOA_OK && i < n; i++) {
		struct watch *w = NULL;
		struct stat sb;
		char *path = NULL;

		if ((rc = sohoa_asprintf(&path, "%s/%s", hf->path, names[i])))
			break;
		if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode)) {
			free(path); /* failed/, duplicates/, gone */
			continue;
		}
		free(path);
		for (j = 0; j < hf->nw && !w; j++)
			if (!strcmp(hf->w[j].name, names[i]))
				w = &hf->w[j];
		if (!w) {
			struct watch *nw =
			    realloc(hf->w, (hf->nw + 1) * sizeof(*nw));

			if (!nw) {
				rc = sohoa_error_set(SOHOA_ENOMEM,
				                     "out of memory");
				break;
			}
			hf->w = nw;
			w = &hf->w[hf->nw++];
			memset(w, 0, sizeof(*w));
			w->name = names[i];
			names[i] = NULL;
			w->size = sb.st_size;
			w->mtime = sb.st_mtim;
			w->since = t;
			w->present = 1;
			st.waiting++;
			continue; /* first sight: not stable yet */
		}
		w->present = 1;
		if (w->size != sb.st_size ||
		    w->mtime.tv_sec != sb.st_mtim.tv_sec ||
		    w->mtime.tv_nsec != sb.st_mtim.tv_nsec) {
			w->size = sb.st_size;
			w->mtime = sb.st_mtim;
			w->since = t;
			st.waiting++;
			continue; /* still being written */
		}
		if (t - w->since < hf->stable_seconds) {
			st.waiting++;
			continue;
		}
		rc = handle(hf, w->name, cb, payload, &st);
		w->present = 0; /* taken or moved: forget it */
	}
	/* forget files that are gone */
	for (j = 0; j < hf->nw;) {
		if (hf->w[j].present) {
			j++;
			continue;
		}
		free(hf->w[j].name);
		hf->w[j] = hf->w[--hf->nw];
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	if (stats)
		*stats = st;
	return rc;
}
