/* read.c -- the reading side of a case bundle: metadata and page texts
 * loaded into a sohoa_archive_case (no zip handle is kept open; extract
 * reopens the bundle), and byte-identical extraction of one entry.
 */
#include "archive/archive.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <zip.h>

#include "archive_int.h"
#include "config/config.h"

struct rpage {
	char *component; /* owned */
	char *kind;      /* owned */
	int page;
	char *entry;         /* owned: full zip entry name */
	char *text;          /* owned, "" when none */
	char *document_type; /* owned */
	char *capture_time;  /* owned */
	char *analysis_json; /* owned or NULL */
	char *locked;        /* owned: why it cannot be read, or NULL */
};

struct sohoa_archive_case {
	char *path;          /* owned: the bundle */
	char *top;           /* owned: bag folder = case number */
	char *metadata;      /* owned: metadata.json text */
	struct rpage *pages; /* owned */
	size_t npages;
};

void sohoa_archive_case_free(sohoa_archive_case *c)
{
	size_t i;

	if (!c)
		return;
	for (i = 0; i < c->npages; i++) {
		struct rpage *p = &c->pages[i];

		free(p->component);
		free(p->kind);
		free(p->entry);
		free(p->text);
		free(p->document_type);
		free(p->capture_time);
		free(p->analysis_json);
		free(p->locked);
	}
	free(c->pages);
	free(c->metadata);
	free(c->top);
	free(c->path);
	free(c);
}

static char *dup_or(const char *s, const char *fallback)
{
	return strdup(s ? s : fallback);
}

/* With `tolerant`, an entry encrypted with a key that is not at hand
 * (SOHOA_EENV) leaves the page locked instead of failing. */
static int load_page(struct rpage *p, json_t *jp, zip_t *za, const char *top,
                     int tolerant)
{
	const char *img = json_string_value(json_object_get(jp, "image"));
	const char *txt = json_string_value(json_object_get(jp, "text"));
	json_t *an = json_object_get(jp, "analysis");
	const char *dt =
	    json_string_value(json_object_get(an, "document_type"));
	char name[1024];
	int rc;

	if (!img)
		return sohoa_error_set(SOHOA_EINVALID,
		                       "metadata: a page has no image");
	p->page = (int)json_integer_value(json_object_get(jp, "page"));
	p->component =
	    dup_or(json_string_value(json_object_get(jp, "component")), "");
	p->kind =
	    dup_or(json_string_value(json_object_get(jp, "kind")), "component");
	p->document_type = dup_or(dt && *dt ? dt : NULL, "other");
	p->capture_time =
	    dup_or(json_string_value(json_object_get(jp, "capture_time")), "");
	if (json_is_string(json_object_get(an, "analysis_file"))) {
		/* an encrypted page: the full analysis is in its own entry */
		zip_int64_t idx;

		snprintf(
		    name, sizeof(name), "%s/%s", top,
		    json_string_value(json_object_get(an, "analysis_file")));
		if ((idx = zip_name_locate(za, name, 0)) < 0)
			return sohoa_error_set(SOHOA_EINVALID,
			                       "%s: missing from the bundle",
			                       name);
		rc = sohoa_archive__read_entry(&p->analysis_json, NULL, za,
		                               (zip_uint64_t)idx);
		if (rc == SOHOA_EENV && tolerant) {
			/* what metadata.json keeps: nothing personal */
			if (!(p->locked = strdup(sohoa_error_last())) ||
			    !(p->analysis_json = json_dumps(
			          an, JSON_COMPACT | JSON_PRESERVE_ORDER)))
				return sohoa_error_set(SOHOA_ENOMEM,
				                       "out of memory");
		} else if (rc) {
			return rc;
		}
	} else if (json_is_object(an) &&
	           !(p->analysis_json =
	                 json_dumps(an, JSON_COMPACT | JSON_PRESERVE_ORDER))) {
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	}
	if (sohoa_asprintf(&p->entry, "%s/%s", top, img) != SOHOA_OK)
		return SOHOA_ENOMEM;
	if (!p->component || !p->kind || !p->document_type || !p->capture_time)
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	if (txt && !p->locked) {
		zip_int64_t idx;

		snprintf(name, sizeof(name), "%s/%s", top, txt);
		if ((idx = zip_name_locate(za, name, 0)) < 0)
			return sohoa_error_set(SOHOA_EINVALID,
			                       "%s: missing from the bundle",
			                       name);
		rc = sohoa_archive__read_entry(&p->text, NULL, za,
		                               (zip_uint64_t)idx);
		if (rc == SOHOA_EENV && tolerant) {
			if (!(p->locked = strdup(sohoa_error_last())))
				return sohoa_error_set(SOHOA_ENOMEM,
				                       "out of memory");
		} else if (rc) {
			return rc;
		}
	}
	if (!p->text && !(p->text = strdup("")))
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	if (tolerant && !p->locked) {
		/* a page without text or analysis file: its image tells */
		zip_stat_t st;
		const char *k = NULL;

		zip_stat_init(&st);
		if (zip_stat(za, p->entry, 0, &st) == 0 &&
		    (st.valid & ZIP_STAT_ENCRYPTION_METHOD) &&
		    st.encryption_method != ZIP_EM_NONE &&
		    sohoa_archive__key(&k) != SOHOA_OK) {
			sohoa_asprintf(&p->locked,
			               "%s is encrypted and no key is "
			               "available: %s",
			               p->entry, sohoa_error_last());
			if (!p->locked)
				return sohoa_error_set(SOHOA_ENOMEM,
				                       "out of memory");
		}
	}
	return SOHOA_OK;
}

static int case_open(sohoa_archive_case **out, const char *bundle_path,
                     int tolerant)
{
	sohoa_archive_case *c = NULL;
	zip_t *za = NULL;
	json_t *meta = NULL, *pages, *jp;
	json_error_t jerr;
	char name[1024];
	zip_int64_t idx;
	size_t i;
	int rc;

	*out = NULL;
	if (!bundle_path)
		return sohoa_error_set(SOHOA_EINVALID, "no bundle path");
	if ((rc = sohoa_archive__open_ro(&za, bundle_path, 0)))
		return rc;
	if (!(c = calloc(1, sizeof(*c))) || !(c->path = strdup(bundle_path))) {
		rc = sohoa_error_set(SOHOA_ENOMEM, "out of memory");
		goto done;
	}
	if ((rc = sohoa_archive__find_top(&c->top, za))) {
		rc = sohoa_error_set(rc, "%s: %s", bundle_path,
		                     sohoa_error_last());
		goto done;
	}
	snprintf(name, sizeof(name), "%s/" SOHOA_ARCHIVE__METADATA, c->top);
	if ((idx = zip_name_locate(za, name, 0)) < 0) {
		rc = sohoa_error_set(SOHOA_EINVALID,
		                     "%s: not a sohoa bundle (no %s)",
		                     bundle_path, name);
		goto done;
	}
	if ((rc = sohoa_archive__read_entry(&c->metadata, NULL, za,
	                                    (zip_uint64_t)idx)))
		goto done;
	meta = json_loads(c->metadata, 0, &jerr);
	pages = json_object_get(meta, "pages");
	if (!json_is_object(meta) || !json_is_array(pages) ||
	    !json_is_string(json_object_get(meta, "case_number"))) {
		rc = sohoa_error_set(SOHOA_EINVALID, "%s: bad %s: %s",
		                     bundle_path, name,
		                     meta ? "missing fields" : jerr.text);
		goto done;
	}
	if (json_array_size(pages) &&
	    !(c->pages = calloc(json_array_size(pages), sizeof(*c->pages)))) {
		rc = sohoa_error_set(SOHOA_ENOMEM, "out of memory");
		goto done;
	}
	json_array_foreach(pages, i, jp)
	{
		c->npages++;
		if ((rc = load_page(&c->pages[i], jp, za, c->top, tolerant)))
			goto done;
	}
	*out = c;
	c = NULL;
done:
	json_decref(meta);
	if (za)
		zip_discard(za);
	sohoa_archive_case_free(c);
	return rc;
}

int sohoa_archive_case_open(sohoa_archive_case **out, const char *bundle_path)
{
	return case_open(out, bundle_path, 0);
}

int sohoa_archive_case_open_locked(sohoa_archive_case **out,
                                   const char *bundle_path)
{
	return case_open(out, bundle_path, 1);
}

const char *sohoa_archive_case_number(const sohoa_archive_case *c)
{
	return c->top;
}

size_t sohoa_archive_case_npages(const sohoa_archive_case *c)
{
	return c->npages;
}

int sohoa_archive_case_page(sohoa_archive_page_info *out,
                            const sohoa_archive_case *c, size_t i)
{
	const struct rpage *p;

	memset(out, 0, sizeof(*out));
	if (i >= c->npages)
		return sohoa_error_set(SOHOA_ENOTFOUND,
		                       "case %s has %zu pages, no page %zu",
		                       c->top, c->npages, i + 1);
	p = &c->pages[i];
	out->component = p->component;
	out->kind = p->kind;
	out->page = p->page;
	out->entry = p->entry;
	out->text = p->text;
	out->document_type = p->document_type;
	out->capture_time = p->capture_time;
	out->analysis_json = p->analysis_json;
	out->locked = p->locked;
	return SOHOA_OK;
}

const char *sohoa_archive_case_metadata(const sohoa_archive_case *c)
{
	return c->metadata;
}

int sohoa_archive_case_extract(const sohoa_archive_case *c, const char *entry,
                               const char *dest_path)
{
	zip_t *za = NULL;
	zip_file_t *zf = NULL;
	char *tmp = NULL, buf[65536];
	zip_int64_t idx, n;
	int fd = -1, rc;

	if (!entry || !dest_path)
		return sohoa_error_set(SOHOA_EINVALID,
		                       "extract: no entry or destination");
	if ((rc = sohoa_archive__open_ro(&za, c->path, 0)))
		return rc;
	/* Accept a full entry name or a path inside the bag folder. */
	if ((idx = zip_name_locate(za, entry, 0)) < 0) {
		char full[1024];

		snprintf(full, sizeof(full), "%s/%s", c->top, entry);
		idx = zip_name_locate(za, full, 0);
	}
	if (idx < 0) {
		rc = sohoa_error_set(SOHOA_ENOTFOUND, "%s: no entry %s",
		                     c->path, entry);
		goto done;
	}
	if (!(zf = zip_fopen_index(za, (zip_uint64_t)idx, 0))) {
		rc = sohoa_archive__zip_read_fail(zip_get_error(za), entry);
		goto done;
	}
	if ((rc = sohoa_asprintf(&tmp, "%s.XXXXXX", dest_path)))
		goto done;
	if ((fd = mkstemp(tmp)) < 0) {
		rc = sohoa_error_set(sohoa_error_from_errno(errno), "%s: %s",
		                     dest_path, strerror(errno));
		free(tmp);
		tmp = NULL;
		goto done;
	}
	while ((n = zip_fread(zf, buf, sizeof(buf))) > 0) {
		char *p = buf;
		size_t left = (size_t)n;

		while (left > 0) {
			ssize_t w = write(fd, p, left);

			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0) {
				rc = sohoa_error_set(
				    sohoa_error_from_errno(errno),
				    "write %s: %s", dest_path, strerror(errno));
				goto done;
			}
			p += w;
			left -= (size_t)w;
		}
	}
	if (n < 0) {
		rc = sohoa_archive__zip_fail(SOHOA_EINVALID,
		                             zip_file_get_error(zf), entry);
		goto done;
	}
	if (fsync(fd) != 0 || close(fd) != 0) {
		fd = -1;
		rc =
		    sohoa_error_set(sohoa_error_from_errno(errno),
		                    "write %s: %s", dest_path, strerror(errno));
		goto done;
	}
	fd = -1;
	if (rename(tmp, dest_path) != 0) {
		rc = sohoa_error_set(sohoa_error_from_errno(errno),
		                     "rename %s: %s", dest_path,
		                     strerror(errno));
		goto done;
	}
	free(tmp);
	tmp = NULL;
done:
	if (fd >= 0)
		close(fd);
	if (tmp) {
		unlink(tmp);
		free(tmp);
	}
	if (zf)
		zip_fclose(zf);
	if (za)
		zip_discard(za);
	return rc;
}

/* The entry of the bag path or full name `entry`, or -1 (error set). */
static zip_int64_t locate(zip_t *za, const sohoa_archive_case *c,
                          const char *entry)
{
	zip_int64_t idx = zip_name_locate(za, entry, 0);

	if (idx < 0) {
		char full[1024];

		snprintf(full, sizeof(full), "%s/%s", c->top, entry);
		idx = zip_name_locate(za, full, 0);
	}
	if (idx < 0)
		sohoa_error_set(SOHOA_ENOTFOUND, "%s: no entry %s", c->path,
		                entry);
	return idx;
}

/* Masters of a scanned A3 page in colour at 600 dpi stay well below. */
#define READ_MAX ((zip_uint64_t)512 << 20)

static int read_in(void **out, size_t *len, zip_t *za,
                   const sohoa_archive_case *c, const char *entry)
{
	zip_int64_t idx = locate(za, c, entry);

	if (idx < 0)
		return SOHOA_ENOTFOUND;
	return sohoa_archive__read_entry_max((char **)out, len, za,
	                                     (zip_uint64_t)idx, READ_MAX);
}

int sohoa_archive_case_read(void **out, size_t *len,
                            const sohoa_archive_case *c, const char *entry)
{
	zip_t *za = NULL;
	int rc;

	*out = NULL;
	*len = 0;
	if (!entry)
		return sohoa_error_set(SOHOA_EINVALID, "read: no entry");
	if ((rc = sohoa_archive__open_ro(&za, c->path, 0)))
		return rc;
	rc = read_in(out, len, za, c, entry);
	zip_discard(za);
	return rc;
}

/* The zip written into `src` (kept) as one malloc()ed block. */
static int zip_bytes(void **out, size_t *len, zip_source_t *src)
{
	zip_stat_t st;
	zip_int64_t got;
	char *buf;

	zip_stat_init(&st);
	if (zip_source_stat(src, &st) != 0 || !(st.valid & ZIP_STAT_SIZE))
		return sohoa_archive__zip_fail(SOHOA_EIO, zip_source_error(src),
		                               "zip");
	if (!(buf = malloc(st.size ? st.size : 1)))
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	if (zip_source_open(src) != 0) {
		free(buf);
		return sohoa_archive__zip_fail(SOHOA_EIO, zip_source_error(src),
		                               "zip");
	}
	got = zip_source_read(src, buf, st.size);
	zip_source_close(src);
	if (got < 0 || (zip_uint64_t)got != st.size) {
		free(buf);
		return sohoa_archive__zip_fail(SOHOA_EIO, zip_source_error(src),
		                               "zip");
	}
	*out = buf;
	*len = (size_t)st.size;
	return SOHOA_OK;
}

/* Add `data` (owned, freed here in every case) as `name`, stored as it
 * is when `store`. */
static int zip_put(zip_t *out, const char *name, void *data, size_t len,
                   int store)
{
	zip_source_t *s = zip_source_buffer(out, data, len, 1);
	zip_int64_t idx;

	if (!s) {
		free(data);
		return sohoa_archive__zip_fail(SOHOA_ENOMEM, zip_get_error(out),
		                               name);
	}
	if ((idx = zip_file_add(out, name, s, ZIP_FL_ENC_UTF_8)) < 0) {
		zip_source_free(s);
		return sohoa_archive__zip_fail(SOHOA_EIO, zip_get_error(out),
		                               name);
	}
	if (store &&
	    zip_set_file_compression(out, (zip_uint64_t)idx, ZIP_CM_STORE, 0))
		return sohoa_archive__zip_fail(SOHOA_EIO, zip_get_error(out),
		                               name);
	return SOHOA_OK;
}

int sohoa_archive_case_component_zip(void **out, size_t *len,
                                     size_t *npages_out,
                                     const sohoa_archive_case *c,
                                     const char *component)
{
	zip_t *za = NULL, *zo = NULL;
	zip_source_t *src = NULL;
	zip_error_t ze;
	json_t *meta = NULL, *man = NULL, *files;
	char *mtext = NULL;
	size_t n = 0;
	int rc = SOHOA_OK;

	*out = NULL;
	*len = 0;
	if (npages_out)
		*npages_out = 0;
	if (!component)
		return sohoa_error_set(SOHOA_EINVALID, "zip: no component");
	meta = json_loads(c->metadata, 0, NULL);
	files = json_array();
	man = json_pack(
	    "{s:s, s:s, s:s?, s:I, s:o}", "case", c->top, "component",
	    component, "folder", NULL, "revision",
	    (json_int_t)json_array_size(json_object_get(meta, "revisions")),
	    "files", files);
	if (!meta || !man) {
		rc = sohoa_error_set(SOHOA_ENOMEM, "out of memory");
		goto done;
	}
	zip_error_init(&ze);
	if (!(src = zip_source_buffer_create(NULL, 0, 0, &ze)) ||
	    !(zo = zip_open_from_source(src, ZIP_TRUNCATE, &ze))) {
		rc = sohoa_archive__zip_fail(SOHOA_ENOMEM, &ze, "zip");
		zip_error_fini(&ze);
		goto done;
	}
	zip_error_fini(&ze);
	zip_source_keep(src);
	if ((rc = sohoa_archive__open_ro(&za, c->path, 0)))
		goto done;
	for (size_t i = 0; i < c->npages; i++) {
		const struct rpage *p = &c->pages[i];
		const char *base = strrchr(p->entry, '/');
		json_t *jp = json_array_get(json_object_get(meta, "pages"), i);
		char hex256[65], hex512[129];
		sohoa_archive__hash h;
		void *data = NULL;
		size_t dlen = 0;

		if (strcmp(p->component, component))
			continue;
		base = base ? base + 1 : p->entry;
		if (!n) {
			/* ".../data/FOLDER/0001.tif" -> FOLDER */
			const char *d = strstr(p->entry, "/data/");

			if (d && strchr(d + 6, '/'))
				json_object_set_new(
				    man, "folder",
				    json_stringn(d + 6,
				                 (size_t)(strchr(d + 6, '/') -
				                          (d + 6))));
		}
		if ((rc = read_in(&data, &dlen, za, c, p->entry)))
			goto done;
		if ((rc = sohoa_archive__hash_init(&h)) == SOHOA_OK) {
			sohoa_archive__hash_update(&h, data, dlen);
			rc = sohoa_archive__hash_final(&h, hex256, hex512);
			sohoa_archive__hash_dispose(&h);
		}
		if (rc) {
			free(data);
			goto done;
		}
		json_array_append_new(
		    files, json_pack("{s:s, s:i, s:I, s:s, s:O?}", "name", base,
		                     "page", p->page, "bytes", (json_int_t)dlen,
		                     "sha256", hex256, "page_revision",
		                     json_object_get(jp, "revision")));
		/* masters are mostly compressed images already */
		if ((rc = zip_put(zo, base, data, dlen, 1)))
			goto done;
		n++;
	}
	if (!n) {
		rc = sohoa_error_set(SOHOA_ENOTFOUND,
		                     "case %s has no component '%s'", c->top,
		                     component);
		goto done;
	}
	if (!(mtext = json_dumps(man, JSON_INDENT(2) | JSON_PRESERVE_ORDER))) {
		rc = sohoa_error_set(SOHOA_ENOMEM, "out of memory");
		goto done;
	}
	if ((rc = zip_put(zo, "manifest.json", mtext, strlen(mtext), 0)))
		goto done;
	mtext = NULL;
	if (zip_close(zo) != 0) {
		rc = sohoa_archive__zip_fail(SOHOA_EIO, zip_get_error(zo),
		                             "zip");
		goto done;
	}
	zo = NULL;
	if ((rc = zip_bytes(out, len, src)) == SOHOA_OK && npages_out)
		*npages_out = n;
done:
	if (zo)
		zip_discard(zo);
	if (src)
		zip_source_free(src);
	if (za)
		zip_discard(za);
	free(mtext);
	json_decref(man);
	json_decref(meta);
	return rc;
}
