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

static int load_page(struct rpage *p, json_t *jp, zip_t *za, const char *top)
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
		if ((rc = sohoa_archive__read_entry(&p->analysis_json, NULL, za,
		                                    (zip_uint64_t)idx)))
			return rc;
	} else if (json_is_object(an) &&
	           !(p->analysis_json =
	                 json_dumps(an, JSON_COMPACT | JSON_PRESERVE_ORDER))) {
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	}
	if (sohoa_asprintf(&p->entry, "%s/%s", top, img) != SOHOA_OK)
		return SOHOA_ENOMEM;
	if (!p->component || !p->kind || !p->document_type || !p->capture_time)
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	if (txt) {
		zip_int64_t idx;

		snprintf(name, sizeof(name), "%s/%s", top, txt);
		if ((idx = zip_name_locate(za, name, 0)) < 0)
			return sohoa_error_set(SOHOA_EINVALID,
			                       "%s: missing from the bundle",
			                       name);
		if ((rc = sohoa_archive__read_entry(&p->text, NULL, za,
		                                    (zip_uint64_t)idx)))
			return rc;
	} else if (!(p->text = strdup(""))) {
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	}
	return SOHOA_OK;
}

int sohoa_archive_case_open(sohoa_archive_case **out, const char *bundle_path)
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
		if ((rc = load_page(&c->pages[i], jp, za, c->top)))
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
