/* verify.c -- sohoa_archive_verify: checks a case bundle end to end (zip
 * consistency and CRCs, BagIt manifests, Payload-Oxum, tag manifest,
 * metadata.json).  Holds a read-only zip_t for the duration of the call.
 */
#include "archive/archive.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <libdeflate.h>
#include <zip.h>

#include "archive_int.h"
#include "config/config.h"

struct ventry {
	char *rel;         /* owned: path inside the bag folder */
	const char *name;  /* borrowed from the zip: full entry name */
	zip_uint64_t size; /* uncompressed bytes */
	int payload;       /* under data/ */
	int readable;      /* read in full, CRC good */
	int listed256;     /* seen in manifest-sha256.txt */
	int listed512;     /* seen in manifest-sha512.txt */
	int only256;       /* payload hashed with SHA-256 only (mode) */
	int crconly;       /* read back and CRC-checked, not hashed */
	int raw;           /* stored, not encrypted: read as is, CRC here */
	zip_uint32_t crc;  /* the directory's CRC-32 (when raw) */
	char h256[65];
	char h512[129];
};

struct vctx {
	const char *path;
	char *top;        /* owned: bag folder */
	struct ventry *e; /* owned */
	size_t n;
	sohoa_archive__buf rep; /* every problem, one per line */
	char first[512];        /* the first problem */
	size_t nproblems;
	int mode;             /* SOHOA_ARCHIVE__VERIFY_* */
	const char *crc_only; /* SHA256 mode: this entry by CRC only */
};

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void
problem(struct vctx *v, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (v->nproblems++ == 0)
		snprintf(v->first, sizeof(v->first), "%s", line);
	sohoa_archive__buf_printf(&v->rep, "%s\n", line);
}

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct ventry *)a)->rel,
	              ((const struct ventry *)b)->rel);
}

static struct ventry *lookup(struct vctx *v, const char *rel)
{
	struct ventry key;

	key.rel = (char *)rel;
	if (!v->n)
		return NULL;
	return bsearch(&key, v->e, v->n, sizeof(*v->e), cmp_entry);
}

/* Read one entry in full and hash it; the CRC is checked at the end, by
 * libzip, or here for a stored entry (most of a bundle's bytes: masters
 * and PDFs), which is read as it lies in the zip and its CRC-32 computed
 * with libdeflate (PCLMUL) in the same pass as the digests: zlib's CRC,
 * which libzip uses, took 9 % of an append's CPU. */
static int hash_entry(struct vctx *v, zip_t *za, zip_uint64_t idx,
                      struct ventry *e)
{
	sohoa_archive__hash h = {0};
	sohoa_archive__raw raw;
	zip_file_t *zf = NULL;
	char buf[65536];
	zip_int64_t n;
	zip_uint64_t total = 0;
	zip_uint32_t crc = 0;
	int rc, israw = 0;

	if (!e->crconly && (rc = sohoa_archive__hash_init(&h)) != SOHOA_OK)
		return rc;
	if (e->only256 && h.s512) {
		EVP_MD_CTX_free(h.s512);
		h.s512 = NULL;
	}
	if (e->raw) {
		if (sohoa_archive__raw_open(&raw, za, idx, e->size) !=
		    SOHOA_OK) {
			problem(v, "%s: cannot open: %s", e->name,
			        sohoa_error_last());
			goto done;
		}
		israw = 1;
	} else if (!(zf = zip_fopen_index(za, idx, 0))) {
		int zc = zip_error_code_zip(zip_get_error(za));

		/* no key is not a finding about the bundle: stop, exit 3 */
		if (zc == ZIP_ER_NOPASSWD || zc == ZIP_ER_WRONGPASSWD) {
			rc = sohoa_archive__zip_read_fail(zip_get_error(za),
			                                  e->name);
			goto done;
		}
		problem(v, "%s: cannot open: %s", e->name,
		        zip_error_strerror(zip_get_error(za)));
		goto done;
	}
	while ((n = israw ? sohoa_archive__raw_read(&raw, buf, sizeof(buf))
	                  : zip_fread(zf, buf, sizeof(buf))) > 0) {
		total += (zip_uint64_t)n;
		if (israw)
			crc =
			    (zip_uint32_t)libdeflate_crc32(crc, buf, (size_t)n);
		if (!e->crconly &&
		    (rc = sohoa_archive__hash_update(&h, buf, (size_t)n)))
			goto done;
	}
	if (n < 0) {
		problem(v, "%s: damaged: %s", e->name,
		        zip_error_strerror(israw
		                               ? sohoa_archive__raw_error(&raw)
		                               : zip_file_get_error(zf)));
		goto done;
	}
	if (total != e->size) {
		problem(v, "%s: read %llu bytes, directory says %llu", e->name,
		        (unsigned long long)total, (unsigned long long)e->size);
		goto done;
	}
	if (israw && crc != e->crc) {
		/* libzip's wording for the same finding */
		problem(v, "%s: damaged: CRC error", e->name);
		goto done;
	}
	if (!e->crconly &&
	    (rc = sohoa_archive__hash_final(&h, e->h256, e->h512)))
		goto done;
	e->readable = 1;
done:
	if (israw)
		sohoa_archive__raw_close(&raw);
	if (zf)
		zip_fclose(zf);
	sohoa_archive__hash_dispose(&h);
	return rc;
}

static int load_entries(struct vctx *v, zip_t *za)
{
	zip_int64_t i, n = zip_get_num_entries(za, 0);
	size_t tl = strlen(v->top);
	int rc;

	if (n > 0 && !(v->e = calloc((size_t)n, sizeof(*v->e))))
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	for (i = 0; i < n; i++) {
		zip_stat_t st;
		struct ventry *e = &v->e[v->n];
		const char *name;

		zip_stat_init(&st);
		if (zip_stat_index(za, (zip_uint64_t)i, 0, &st) != 0) {
			problem(v, "entry %lld: cannot stat", (long long)i);
			continue;
		}
		name = st.name;
		if (strncmp(name, v->top, tl) != 0 || name[tl] != '/') {
			problem(v, "%s: outside the bag folder %s/", name,
			        v->top);
			continue;
		}
		if (name[strlen(name) - 1] == '/')
			continue; /* a folder entry */
		if (!(e->rel = strdup(name + tl + 1)))
			return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
		e->name = name;
		e->size = st.size;
		e->raw =
		    sohoa_archive__raw_ok(&st) && (st.valid & ZIP_STAT_CRC);
		e->crc = st.crc;
		e->payload = strncmp(e->rel, "data/", 5) == 0;
		v->n++;
		/* listed and sized, content not read; metadata.json is read
		 * (the writer builds on it) */
		if (e->payload && v->mode == SOHOA_ARCHIVE__VERIFY_LIGHT &&
		    strcmp(e->rel, SOHOA_ARCHIVE__METADATA) != 0)
			continue;
		e->only256 =
		    e->payload && v->mode == SOHOA_ARCHIVE__VERIFY_SHA256;
		e->crconly = e->only256 && v->crc_only &&
		             strcmp(e->rel, v->crc_only) == 0;
		if ((rc = hash_entry(v, za, (zip_uint64_t)i, e)))
			return rc;
	}
	qsort(v->e, v->n, sizeof(*v->e), cmp_entry);
	return SOHOA_OK;
}

/* Read a tag file that was hashed fine; NULL (and a problem) otherwise. */
static char *tag_text(struct vctx *v, zip_t *za, const char *rel)
{
	char full[1024];
	zip_int64_t idx;
	char *text = NULL;

	snprintf(full, sizeof(full), "%s/%s", v->top, rel);
	idx = zip_name_locate(za, full, 0);
	if (idx < 0) {
		problem(v, "%s: missing", full);
		return NULL;
	}
	if (sohoa_archive__read_entry(&text, NULL, za, (zip_uint64_t)idx)) {
		problem(v, "%s: %s", full, sohoa_error_last());
		return NULL;
	}
	return text;
}

static void check_manifest(struct vctx *v, zip_t *za, const char *rel, int alg,
                           int tag)
{
	char *text = tag_text(v, za, rel);
	char *line, *save = NULL;
	size_t hexlen = alg == 512 ? 128 : 64;
	size_t i, lineno = 0;

	if (!text)
		return;
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *sp = strpbrk(line, " \t");
		char *file;
		struct ventry *e;
		const char *have;

		lineno++;
		if (*line == '\0' || (line[0] == '\r' && line[1] == '\0'))
			continue;
		if (!sp || (size_t)(sp - line) != hexlen) {
			problem(v, "%s/%s: line %zu: malformed", v->top, rel,
			        lineno);
			continue;
		}
		*sp = '\0';
		file = sp + 1;
		while (*file == ' ' || *file == '\t')
			file++;
		if (*file == '*') /* sha256sum binary marker */
			file++;
		e = lookup(v, file);
		if (!e || e->payload == tag) {
			problem(v, "%s/%s: listed in %s but %s", v->top, file,
			        rel, e ? "of the wrong kind" : "missing");
			continue;
		}
		if (alg == 512)
			e->listed512 = 1;
		else
			e->listed256 = 1;
		if (!e->readable || (alg == 512 && e->only256) || e->crconly)
			continue; /* already reported, or not read (mode) */
		have = alg == 512 ? e->h512 : e->h256;
		if (strcmp(have, line) != 0)
			problem(v,
			        "%s: sha%d mismatch (%s has %.16s..., content "
			        "is %.16s...)",
			        e->name, alg, rel, line, have);
	}
	free(text);
	if (tag)
		return;
	for (i = 0; i < v->n; i++) {
		struct ventry *e = &v->e[i];

		if (e->payload && !(alg == 512 ? e->listed512 : e->listed256))
			problem(v, "%s: not in %s", e->name, rel);
	}
}

static void check_baginfo(struct vctx *v, zip_t *za)
{
	char *text = tag_text(v, za, SOHOA_ARCHIVE__BAGINFO);
	const char *ox;
	unsigned long long octets = 0, files = 0, want_o = 0, want_f = 0;
	size_t i;

	if (!text)
		return;
	for (i = 0; i < v->n; i++)
		if (v->e[i].payload) {
			octets += v->e[i].size;
			files++;
		}
	ox = strstr(text, "Payload-Oxum:");
	if (!ox || sscanf(ox, "Payload-Oxum: %llu.%llu", &want_o, &want_f) != 2)
		problem(v, "%s/" SOHOA_ARCHIVE__BAGINFO ": no Payload-Oxum",
		        v->top);
	else if (want_o != octets || want_f != files)
		problem(v,
		        "%s/" SOHOA_ARCHIVE__BAGINFO
		        ": Payload-Oxum %llu.%llu but payload is %llu.%llu",
		        v->top, want_o, want_f, octets, files);
	free(text);
}

static void check_bagit(struct vctx *v, zip_t *za)
{
	char *text = tag_text(v, za, SOHOA_ARCHIVE__BAGIT);

	if (text && strcmp(text, SOHOA_ARCHIVE__BAGIT_TEXT) != 0)
		problem(v, "%s/" SOHOA_ARCHIVE__BAGIT ": not BagIt 1.0 UTF-8",
		        v->top);
	free(text);
}

static void check_file_ref(struct vctx *v, json_t *page, const char *key,
                           int required, size_t pageno)
{
	json_t *j = json_object_get(page, key);
	struct ventry *e;

	if (json_is_null(j) || (!j && !required))
		return;
	if (!json_is_string(j)) {
		problem(v, "%s/" SOHOA_ARCHIVE__METADATA ": page %zu: no %s",
		        v->top, pageno, key);
		return;
	}
	e = lookup(v, json_string_value(j));
	if (!e || !e->payload)
		problem(v, "%s/%s: named by metadata (page %zu %s) but missing",
		        v->top, json_string_value(j), pageno, key);
}

static void schema_violation(void *arg, const char *pointer, const char *what)
{
	struct vctx *v = arg;

	problem(v, "%s/" SOHOA_ARCHIVE__METADATA ": %s: %s", v->top, pointer,
	        what);
}

/* metadata.json against docs/metadata.schema.json (built in), then what
 * a schema cannot say: the case number is the bag folder, every file it
 * names is in the bag. */
static int check_metadata(struct vctx *v, zip_t *za)
{
	char *text = tag_text(v, za, SOHOA_ARCHIVE__METADATA);
	json_error_t jerr;
	json_t *root = NULL, *schema = NULL, *pages, *page;
	size_t i, nviol = 0;
	int rc = SOHOA_OK;

	if (!text)
		return SOHOA_OK;
	root = json_loads(text, 0, &jerr);
	free(text);
	if (!json_is_object(root)) {
		problem(v, "%s/" SOHOA_ARCHIVE__METADATA ": %s", v->top,
		        root ? "not an object" : jerr.text);
		goto done;
	}
	if ((rc = sohoa_archive__metadata_schema(&schema)) ||
	    (rc = sohoa_archive__schema_check(&nviol, schema, root,
	                                      schema_violation, v)))
		goto done;
	if (json_is_string(json_object_get(root, "case_number")) &&
	    strcmp(json_string_value(json_object_get(root, "case_number")),
	           v->top) != 0)
		problem(v,
		        "%s/" SOHOA_ARCHIVE__METADATA
		        ": case_number does not match the bag folder",
		        v->top);
	pages = json_object_get(root, "pages");
	if (!json_is_array(pages) ||
	    !json_is_array(json_object_get(root, "components")))
		goto done; /* a schema violation, already reported */
	json_array_foreach(json_object_get(root, "components"), i, page)
	{
		json_t *pdf = json_object_get(page, "pdf");
		struct ventry *e;

		if (!json_is_string(pdf))
			continue;
		e = lookup(v, json_string_value(pdf));
		if (!e || !e->payload)
			problem(v,
			        "%s/%s: named by metadata (component %zu pdf) "
			        "but missing",
			        v->top, json_string_value(pdf), i + 1);
	}
	json_array_foreach(pages, i, page)
	{
		check_file_ref(v, page, "image", 1, i + 1);
		check_file_ref(v, page, "text", 0, i + 1);
		check_file_ref(v, page, "hocr", 0, i + 1);
	}
done:
	json_decref(root);
	json_decref(schema);
	return rc;
}

/* Read the tag manifest and signature.p7s under `dir` ("" for the current
 * revision, "signatures/rNNNN/" for a kept one) of an open bundle and check
 * one against the other.  out->present is 0 when there is no signature. */
static int read_and_check_sig_in(sohoa_archive_signature *out, zip_t *za,
                                 const char *top, const char *dir)
{
	char name[1024], *tag = NULL, *der = NULL;
	size_t taglen = 0, derlen = 0;
	zip_int64_t ti, si;
	int rc;

	memset(out, 0, sizeof(*out));
	snprintf(name, sizeof(name), "%s/%s" SOHOA_ARCHIVE__SIGNATURE, top,
	         dir);
	if ((si = zip_name_locate(za, name, 0)) < 0)
		return SOHOA_OK;
	snprintf(out->file, sizeof(out->file), "%s" SOHOA_ARCHIVE__SIGNATURE,
	         dir);
	snprintf(name, sizeof(name), "%s/%s" SOHOA_ARCHIVE__TAGMAN, top, dir);
	if ((ti = zip_name_locate(za, name, 0)) < 0) {
		out->present = 1;
		snprintf(out->problem, sizeof(out->problem),
		         "no %s" SOHOA_ARCHIVE__TAGMAN " to check it against",
		         dir);
		return SOHOA_OK;
	}
	if ((rc = sohoa_archive__read_entry(&tag, &taglen, za,
	                                    (zip_uint64_t)ti)) == SOHOA_OK &&
	    (rc = sohoa_archive__read_entry(&der, &derlen, za,
	                                    (zip_uint64_t)si)) == SOHOA_OK)
		rc = sohoa_archive__sig_check(out, tag, taglen, der, derlen);
	/* sig_check fills the rest; keep which file it was */
	snprintf(out->file, sizeof(out->file), "%s" SOHOA_ARCHIVE__SIGNATURE,
	         dir);
	free(tag);
	free(der);
	return rc;
}

static int read_and_check_sig(sohoa_archive_signature *out, zip_t *za,
                              const char *top)
{
	return read_and_check_sig_in(out, za, top, "");
}

static int check_signature(struct vctx *v, zip_t *za)
{
	sohoa_archive_signature sig;
	int rc = read_and_check_sig(&sig, za, v->top);

	if (rc == SOHOA_EINVALID) {
		/* an unreadable entry: already a finding of load_entries */
		return SOHOA_OK;
	}
	if (rc != SOHOA_OK)
		return rc;
	if (!sig.present) {
		if (sohoa_archive__signatures_required())
			problem(v,
			        "%s/" SOHOA_ARCHIVE__SIGNATURE
			        ": missing (signatures are required)",
			        v->top);
	} else if (!sig.valid ||
	           (sohoa_archive__trust_configured() && !sig.trusted)) {
		problem(v, "%s/" SOHOA_ARCHIVE__SIGNATURE ": %s", v->top,
		        sig.problem);
	}
	return SOHOA_OK;
}

/* Is `rel` (a path in the bag) superseded at each revision, so that an
 * earlier revision's manifest line for it no longer holds? */
static int superseded(const char *rel)
{
	size_t n = strlen(rel);

	return strcmp(rel, SOHOA_ARCHIVE__METADATA) == 0 ||
	       (n > 4 && strcmp(rel + n - 4, ".pdf") == 0);
}

/* signatures/rNNNN/: an earlier revision's signature and the tag files it
 * signed.  Each must still be valid (and trusted, when a trust store is
 * set), its tag manifest must match the kept tag files, and every payload
 * entry its manifest lists must be unchanged (but metadata.json and the
 * PDFs, which each revision rewrites or extends). */
static int check_old_signatures(struct vctx *v, zip_t *za)
{
	size_t i, dl = strlen(SOHOA_ARCHIVE__SIGDIR);
	int rc = SOHOA_OK;

	for (i = 0; i < v->n && rc == SOHOA_OK; i++) {
		struct ventry *e = &v->e[i];
		char dir[64], rel[128], full[1024], *tag = NULL, *der = NULL;
		char *line, *save = NULL, *man = NULL;
		size_t taglen = 0, derlen = 0;
		sohoa_archive_signature sig;
		struct ventry *te, *me;
		zip_int64_t idx;

		if (strncmp(e->rel, SOHOA_ARCHIVE__SIGDIR, dl) != 0 ||
		    strcmp(strrchr(e->rel, '/') + 1,
		           SOHOA_ARCHIVE__SIGNATURE) ||
		    strrchr(e->rel, '/') - e->rel - (long)dl >=
		        (long)sizeof(dir))
			continue;
		snprintf(dir, sizeof(dir), "%.*s",
		         (int)(strrchr(e->rel, '/') - e->rel), e->rel);
		snprintf(rel, sizeof(rel), "%s/" SOHOA_ARCHIVE__TAGMAN, dir);
		te = lookup(v, rel);
		snprintf(full, sizeof(full), "%s/%s", v->top, rel);
		if (!te || !te->readable || !e->readable) {
			problem(v, "%s: missing or unreadable", full);
			continue;
		}
		snprintf(full, sizeof(full), "%s/%s", v->top, e->rel);
		idx = zip_name_locate(za, full, 0);
		if (idx < 0 || sohoa_archive__read_entry(&der, &derlen, za,
		                                         (zip_uint64_t)idx))
			goto next;
		snprintf(full, sizeof(full), "%s/%s", v->top, rel);
		idx = zip_name_locate(za, full, 0);
		if (idx < 0 || sohoa_archive__read_entry(&tag, &taglen, za,
		                                         (zip_uint64_t)idx))
			goto next;
		memset(&sig, 0, sizeof(sig));
		if ((rc = sohoa_archive__sig_check(&sig, tag, taglen, der,
		                                   derlen)))
			goto next;
		if (!sig.valid ||
		    (sohoa_archive__trust_configured() && !sig.trusted))
			problem(v, "%s/%s: %s", v->top, e->rel, sig.problem);
		/* the kept tag files against the tag manifest they signed */
		for (line = strtok_r(tag, "\n", &save); line;
		     line = strtok_r(NULL, "\n", &save)) {
			char *sp = strstr(line, "  "), h256[65], h512[129];
			const char *have = NULL;

			if (!sp)
				continue;
			*sp = '\0';
			/* earlier signatures it lists are where they were */
			if (strncmp(sp + 2, SOHOA_ARCHIVE__SIGDIR, dl) == 0)
				snprintf(rel, sizeof(rel), "%s", sp + 2);
			else
				snprintf(rel, sizeof(rel), "%s/%s", dir,
				         sp + 2);
			if (strcmp(sp + 2, SOHOA_ARCHIVE__BAGIT) == 0) {
				sohoa_archive__hash_mem(
				    SOHOA_ARCHIVE__BAGIT_TEXT,
				    strlen(SOHOA_ARCHIVE__BAGIT_TEXT), h256,
				    h512);
				have = h256;
			} else if ((te = lookup(v, rel)) && te->readable) {
				have = te->h256;
			}
			if (!have || strcmp(have, line) != 0)
				problem(v, "%s/%s: %s the %s it signed", v->top,
				        rel, have ? "differs from" : "missing:",
				        SOHOA_ARCHIVE__TAGMAN);
		}
		/* the payload that revision's signer vouched for, unchanged */
		snprintf(rel, sizeof(rel), "%s/" SOHOA_ARCHIVE__MAN256, dir);
		snprintf(full, sizeof(full), "%s/%s", v->top, rel);
		idx = zip_name_locate(za, full, 0);
		if (idx < 0 || sohoa_archive__read_entry(&man, NULL, za,
		                                         (zip_uint64_t)idx))
			goto next;
		save = NULL;
		for (line = strtok_r(man, "\n", &save); line;
		     line = strtok_r(NULL, "\n", &save)) {
			char *sp = strstr(line, "  ");

			if (!sp)
				continue;
			*sp = '\0';
			if (superseded(sp + 2))
				continue;
			me = lookup(v, sp + 2);
			if (!me || !me->payload)
				problem(v,
				        "%s/%s: signed in %s, no longer in the "
				        "bag",
				        v->top, sp + 2, dir);
			else if (me->readable && strcmp(me->h256, line) != 0)
				problem(
				    v,
				    "%s/%s: changed since it was signed in %s",
				    v->top, sp + 2, dir);
		}
	next:
		free(man);
		free(tag);
		free(der);
	}
	return rc;
}

int sohoa_archive_signature_check(sohoa_archive_signature *out,
                                  const char *bundle_path)
{
	zip_t *za = NULL;
	char *top = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!bundle_path)
		return sohoa_error_set(SOHOA_EINVALID, "no bundle path");
	if ((rc = sohoa_archive__open_ro(&za, bundle_path, 0)))
		return rc;
	if ((rc = sohoa_archive__find_top(&top, za)) == SOHOA_OK)
		rc = read_and_check_sig(out, za, top);
	free(top);
	zip_discard(za);
	return rc;
}

/* How many revisions the bundle has: metadata.json's "revisions", or,
 * when that cannot be read, one more than the last kept signature's. */
static size_t revision_count(zip_t *za, const char *top)
{
	char name[1024], *text = NULL;
	zip_int64_t i, idx, n = zip_get_num_entries(za, 0);
	size_t tl = strlen(top), dl = strlen(SOHOA_ARCHIVE__SIGDIR), count = 0;
	json_t *meta;

	snprintf(name, sizeof(name), "%s/" SOHOA_ARCHIVE__METADATA, top);
	if ((idx = zip_name_locate(za, name, 0)) >= 0 &&
	    sohoa_archive__read_entry(&text, NULL, za, (zip_uint64_t)idx) ==
	        SOHOA_OK &&
	    (meta = json_loads(text, 0, NULL))) {
		count = json_array_size(json_object_get(meta, "revisions"));
		json_decref(meta);
	}
	free(text);
	if (count)
		return count;
	for (i = 0; i < n; i++) {
		const char *e = zip_get_name(za, (zip_uint64_t)i, 0);
		int r = 0;

		if (e && strncmp(e, top, tl) == 0 && e[tl] == '/' &&
		    strncmp(e + tl + 1, SOHOA_ARCHIVE__SIGDIR, dl) == 0 &&
		    sscanf(e + tl + 1 + dl, "r%d/", &r) == 1 && r > 0 &&
		    (size_t)r >= count)
			count = (size_t)r + 1;
	}
	return count ? count : 1;
}

int sohoa_archive_signatures(sohoa_archive_signature **out, size_t *n,
                             const char *bundle_path)
{
	sohoa_archive_signature *sigs = NULL;
	zip_t *za = NULL;
	char *top = NULL;
	size_t i, count;
	int rc;

	*out = NULL;
	*n = 0;
	if (!bundle_path)
		return sohoa_error_set(SOHOA_EINVALID, "no bundle path");
	if ((rc = sohoa_archive__open_ro(&za, bundle_path, 0)))
		return rc;
	if ((rc = sohoa_archive__find_top(&top, za)))
		goto done;
	count = revision_count(za, top);
	if (!(sigs = calloc(count, sizeof(*sigs)))) {
		rc = sohoa_error_set(SOHOA_ENOMEM, "out of memory");
		goto done;
	}
	for (i = 0; i < count && rc == SOHOA_OK; i++) {
		char dir[48] = "";

		/* earlier revisions' under signatures/rNNNN/, the last one's
		 * beside the tag manifest */
		if (i + 1 < count)
			snprintf(dir, sizeof(dir),
			         SOHOA_ARCHIVE__SIGDIR "r%04zu/", i + 1);
		rc = read_and_check_sig_in(&sigs[i], za, top, dir);
		sigs[i].revision = (int)(i + 1);
	}
	if (rc == SOHOA_OK) {
		*out = sigs;
		*n = count;
		sigs = NULL;
	}
done:
	free(sigs);
	free(top);
	zip_discard(za);
	return rc;
}

int sohoa_archive_verify(const char *bundle_path, char **report)
{
	return sohoa_archive__verify(bundle_path, report,
	                             SOHOA_ARCHIVE__VERIFY_FULL);
}

static int verify(const char *bundle_path, char **report, int mode,
                  const char *crc_only)
{
	struct vctx v;
	zip_t *za = NULL;
	size_t i;
	int rc;

	if (report)
		*report = NULL;
	if (!bundle_path)
		return sohoa_error_set(SOHOA_EINVALID,
		                       "verify: no bundle path");
	memset(&v, 0, sizeof(v));
	v.path = bundle_path;
	v.mode = mode;
	v.crc_only = crc_only;
	if ((rc = sohoa_archive__open_ro(&za, bundle_path, 1)) != SOHOA_OK) {
		if (rc != SOHOA_EINVALID)
			return rc; /* not found, unreadable: not a finding */
		problem(&v, "%s", sohoa_error_last());
		goto done;
	}
	if (sohoa_archive__find_top(&v.top, za) != SOHOA_OK) {
		problem(&v, "%s: %s", bundle_path, sohoa_error_last());
		goto done;
	}
	if ((rc = load_entries(&v, za)) != SOHOA_OK)
		goto done;
	check_bagit(&v, za);
	check_manifest(&v, za, SOHOA_ARCHIVE__MAN256, 256, 0);
	check_manifest(&v, za, SOHOA_ARCHIVE__MAN512, 512, 0);
	check_baginfo(&v, za);
	check_manifest(&v, za, SOHOA_ARCHIVE__TAGMAN, 256, 1);
	{
		static const char *const tags[] = {
		    SOHOA_ARCHIVE__BAGIT, SOHOA_ARCHIVE__BAGINFO,
		    SOHOA_ARCHIVE__MAN256, SOHOA_ARCHIVE__MAN512};
		size_t t;

		for (t = 0; t < sizeof(tags) / sizeof(*tags); t++) {
			struct ventry *e = lookup(&v, tags[t]);

			if (e && !e->listed256)
				problem(&v, "%s: not in " SOHOA_ARCHIVE__TAGMAN,
				        e->name);
		}
	}
	for (i = 0; i < v.n; i++)
		if (strncmp(v.e[i].rel, SOHOA_ARCHIVE__SIGDIR,
		            strlen(SOHOA_ARCHIVE__SIGDIR)) == 0 &&
		    !v.e[i].listed256)
			problem(&v, "%s: not in " SOHOA_ARCHIVE__TAGMAN,
			        v.e[i].name);
	if ((rc = check_metadata(&v, za)) == SOHOA_OK &&
	    (rc = check_signature(&v, za)) == SOHOA_OK)
		rc = check_old_signatures(&v, za);
done:
	if (za)
		zip_discard(za);
	if (rc == SOHOA_OK && v.rep.oom)
		rc = sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	if (rc == SOHOA_OK && v.nproblems) {
		if (v.nproblems > 1)
			rc = sohoa_error_set(SOHOA_EINVALID,
			                     "%s (and %zu more problems)",
			                     v.first, v.nproblems - 1);
		else
			rc = sohoa_error_set(SOHOA_EINVALID, "%s", v.first);
	}
	if (report && rc != SOHOA_ENOMEM) {
		if (!v.rep.p)
			v.rep.p = strdup("");
		*report = v.rep.p;
		v.rep.p = NULL;
	}
	sohoa_archive__buf_dispose(&v.rep);
	for (i = 0; i < v.n; i++)
		free(v.e[i].rel);
	free(v.e);
	free(v.top);
	return rc;
}

int sohoa_archive__verify(const char *bundle_path, char **report, int mode)
{
	return verify(bundle_path, report, mode, NULL);
}

int sohoa_archive__verify_written(const char *bundle_path, const char *crc_only)
{
	return verify(bundle_path, NULL, SOHOA_ARCHIVE__VERIFY_SHA256,
	              crc_only);
}
