/* web_archive.c -- archive, review and status routes (docs/http-api.md,
 * "Archive, review, status"): search over the index, one case from its
 * bundle (metadata, verification, page images rendered with Leptonica,
 * the component PDF, the masters), the review folder, sohoad's status.
 *
 * Every name taken from a path (case, component folder, review item, page
 * number) is checked for its shape and then looked up among what exists
 * before any file is touched: anything else is 404, so no path leaves the
 * archive or the review folder.  The views are built by views.c, which
 * `sohoa search/show/review/status` use too.
 */
#include "web_int.h"

#include "archive/archive.h"
#include "index/index.h"

#include <errno.h>
#include <jansson.h>
#include <leptonica/allheaders.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define ARCHIVE_ROLES (SOHOA_ROLE_ARCHIVIST | SOHOA_ROLE_ADMIN)

/* Rendered sizes (pixels, the longer side is kept inside both). */
#define THUMB_W 240
#define THUMB_H 340
#define VIEW_W  1700
#define VIEW_H  2400

#define PER_PAGE_DEFAULT 20
#define PER_PAGE_MAX     100

/* ---- small helpers ------------------------------------------------------ */

/* The archive settings (the encryption key, the trust store) are
 * process-wide: hand them over once, before the first bundle is read. */
static int archive_ready(const struct cli_web *w)
{
	static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
	static int done;
	int rc = SOHOA_OK;

	pthread_mutex_lock(&mu);
	if (!done && (rc = cli_archive_setup(w->cfg, 0)) == SOHOA_OK)
		done = 1;
	pthread_mutex_unlock(&mu);
	return rc;
}

/* A sohoa error code as an HTTP answer with the message of this thread. */
static int fail(sohoa_web_response *resp, int rc, const char *field)
{
	unsigned status;

	switch (rc) {
	case SOHOA_ENOTFOUND:
		status = 404;
		break;
	case SOHOA_EINVALID:
		status = 400;
		break;
	case SOHOA_EENV:
	case SOHOA_EBUSY:
		status = 503;
		break;
	default:
		status = 500;
	}
	return sohoa_web_error(resp, status, field, "%s", sohoa_error_last());
}

/* Log to the audit trail before the answer leaves: personal data is not
 * shown unless its view is recorded, so on failure the answer built so
 * far is dropped for a 503.  Returns the audit's code. */
static int audit(sohoa_web_request *req, sohoa_web_response *resp,
                 const char *action, const char *case_number,
                 const char *detail)
{
	sohoa_audit *a = sohoa_web_audit(req);
	int rc;

	if (!a)
		return SOHOA_OK;
	rc = sohoa_audit_log(a, sohoa_web_user(req), action,
	                     case_number ? case_number : "", detail);
	if (rc != SOHOA_OK && resp) {
		sohoa_log(SOHOA_LOG_ERROR, "audit %s: %s", action,
		          sohoa_error_last());
		free(resp->body);
		resp->body = NULL;
		resp->body_len = 0;
		free(resp->disposition);
		resp->disposition = NULL;
		sohoa_web_error(resp, 503, NULL,
		                "the audit trail cannot be written (%s); "
		                "nothing is shown until it can",
		                sohoa_error_last());
	}
	return rc;
}

static const char *str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

/* "1".."99999" -> the number; 0 for anything else. */
static int parse_page(const char *s)
{
	long v = 0;

	if (!s || !*s || strlen(s) > 5)
		return 0;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return 0;
		v = v * 10 + (*p - '0');
	}
	return (int)v;
}

static int is_id_card(const char *document_type)
{
	return document_type && strncmp(document_type, "id_card", 7) == 0;
}

/* Render an image (owned, may be NULL) as a JPEG fitting max_w x max_h
 * (never enlarged): bilevel and palette pages become grey or colour
 * first, so a reduced page stays readable. */
static int render_pix(sohoa_web_response *resp, PIX *p, int max_w, int max_h)
{
	PIX *p8 = NULL, *q = NULL;
	l_uint8 *data = NULL;
	size_t size = 0;
	int rc = SOHOA_OK, w, h, d;
	float f;

	if (!p)
		return sohoa_error_set(SOHOA_EINVALID,
		                       "the page image cannot be read");
	w = pixGetWidth(p);
	h = pixGetHeight(p);
	d = pixGetDepth(p);
	f = (float)max_w / (float)w;
	if ((float)max_h / (float)h < f)
		f = (float)max_h / (float)h;
	if (f > 1.0f)
		f = 1.0f;
	if (pixGetColormap(p))
		p8 = pixRemoveColormap(p, REMOVE_CMAP_BASED_ON_SRC);
	else if (d < 8 || d == 16)
		p8 = pixConvertTo8(p, 0);
	else
		p8 = pixClone(p);
	if (p8 && pixGetDepth(p8) < 8) { /* a palette of two: 1 bpp */
		PIX *t = pixConvertTo8(p8, 0);

		pixDestroy(&p8);
		p8 = t;
	}
	if (p8)
		q = f < 1.0f ? pixScale(p8, f, f) : pixCopy(NULL, p8);
	if (q && pixGetDepth(q) == 32)
		pixSetSpp(q, 3); /* JPEG has no alpha: a PNG's is dropped */
	if (!q || pixWriteMem(&data, &size, q, IFF_JFIF_JPEG) != 0 || !data) {
		rc = sohoa_error_set(SOHOA_EINVALID,
		                     "the page image cannot be rendered");
	} else if (!(resp->body = malloc(size))) {
		rc = sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	} else {
		memcpy(resp->body, data, size);
		resp->body_len = size;
		resp->content_type = "image/jpeg";
	}
	lept_free(data);
	pixDestroy(&q);
	pixDestroy(&p8);
	pixDestroy(&p);
	return rc;
}

static int size_param(sohoa_web_request *req, int *max_w, int *max_h)
{
	const char *size = sohoa_web_query(req, "size");

	*max_w = VIEW_W; /* set on every path (-O3 warns otherwise) */
	*max_h = VIEW_H;
	if (!size || !*size || !strcmp(size, "view")) {
		/* the defaults */
	} else if (!strcmp(size, "thumb")) {
		*max_w = THUMB_W;
		*max_h = THUMB_H;
	} else {
		return sohoa_error_set(SOHOA_EINVALID,
		                       "size must be thumb or view, not '%s'",
		                       size);
	}
	return SOHOA_OK;
}

static int render_jpeg(sohoa_web_response *resp, const char *path, int max_w,
                       int max_h)
{
	return render_pix(resp, pixRead(path), max_w, max_h);
}

/* A zip entry of the case as the body, read into memory: an encrypted
 * page is decrypted there and never touches the disk. */
static int entry_body(sohoa_web_response *resp, const sohoa_archive_case *c,
                      const char *entry, const char *content_type)
{
	void *data = NULL;
	size_t len = 0;
	int rc;

	if ((rc = sohoa_archive_case_read(&data, &len, c, entry)))
		return rc;
	resp->body = data;
	resp->body_len = len;
	resp->content_type = content_type;
	return SOHOA_OK;
}

static const char *content_type_of(const char *name)
{
	const char *dot = strrchr(name, '.');

	if (!dot)
		return "application/octet-stream";
	if (!strcmp(dot, ".tif") || !strcmp(dot, ".tiff"))
		return "image/tiff";
	if (!strcmp(dot, ".png"))
		return "image/png";
	if (!strcmp(dot, ".jpg") || !strcmp(dot, ".jpeg"))
		return "image/jpeg";
	if (!strcmp(dot, ".pdf"))
		return "application/pdf";
	return "application/octet-stream";
}

/* ---- one case ------------------------------------------------------------ */

struct open_case {
	char number[SOHOA_CASE_MAX];
	const sohoa_config *cfg; /* borrowed */
	char *bundle;            /* owned */
	sohoa_archive_case *c;   /* owned */
	json_t *meta;            /* owned: metadata.json */
};

static void case_close(struct open_case *oc)
{
	json_decref(oc->meta);
	sohoa_archive_case_free(oc->c);
	free(oc->bundle);
	memset(oc, 0, sizeof(*oc));
}

/* Open the bundle of the case named `arg` in a URL: only a valid case
 * number whose bundle exists; SOHOA_ENOTFOUND for anything else. */
static int case_open(struct open_case *oc, const struct cli_web *w,
                     const char *arg)
{
	json_error_t jerr;
	int rc;

	memset(oc, 0, sizeof(*oc));
	oc->cfg = w->cfg;
	if (sohoa_case_normalize(oc->number, arg) != SOHOA_OK)
		return sohoa_error_set(SOHOA_ENOTFOUND,
		                       "'%.80s' is not a case number (%s)", arg,
		                       SOHOA_CASE_SHAPE);
	if ((rc = archive_ready(w)) ||
	    (rc = sohoa_archive_bundle_path(
	         &oc->bundle, sohoa_config_get(w->cfg, "archive.root"),
	         oc->number)))
		return rc;
	if (access(oc->bundle, F_OK) != 0) {
		rc = sohoa_error_set(SOHOA_ENOTFOUND,
		                     "case %s is not in the archive",
		                     oc->number);
		case_close(oc);
		return rc;
	}
	/* pages encrypted with a key not at hand are shown locked */
	if ((rc = sohoa_archive_case_open_locked(&oc->c, oc->bundle))) {
		case_close(oc);
		return rc;
	}
	if (!(oc->meta =
	          json_loads(sohoa_archive_case_metadata(oc->c), 0, &jerr))) {
		rc = sohoa_error_set(SOHOA_EINVALID, "%s: metadata: %s",
		                     oc->bundle, jerr.text);
		case_close(oc);
	}
	return rc;
}

/* Why an encrypted page cannot be shown, for the staff (Vietnamese):
 * `why` is the archive's message (English, naming the key file).
 * *out owned. */
static char *key_explanation(const struct open_case *oc, const char *why)
{
	const char *key = sohoa_config_get(oc->cfg, "archive.encrypt_key");
	char *out = NULL;

	if (!key || !*key)
		sohoa_asprintf(
		    &out, "%s",
		    "Trang được lưu mã hóa nhưng khóa giải mã chưa "
		    "được cấu hình ([archive] encrypt_key) nên không "
		    "xem được. Hãy báo quản trị viên hệ thống.");
	else if (why && strstr(why, "does not open"))
		sohoa_asprintf(
		    &out,
		    "Trang được lưu mã hóa và khóa giải mã trong tệp "
		    "%s không mở được (sai khóa). Hãy báo quản trị "
		    "viên hệ thống.",
		    key);
	else
		sohoa_asprintf(&out,
		               "Trang được lưu mã hóa nhưng không đọc được tệp "
		               "khóa %s nên không xem được. Hãy báo quản trị "
		               "viên hệ thống.",
		               key);
	return out;
}

/* 503 for a locked page: the archive's message, the key file and the
 * explanation for the page. */
static int locked_error(sohoa_web_response *resp, const struct open_case *oc,
                        const char *why)
{
	const char *key = sohoa_config_get(oc->cfg, "archive.encrypt_key");
	char *vi = key_explanation(oc, why);

	sohoa_web_error(resp, 503, NULL, "%s", why);
	if (resp->json) {
		json_object_set_new(resp->json, "key_file",
		                    json_string(key ? key : ""));
		json_object_set_new(resp->json, "explanation",
		                    json_string(vi ? vi : ""));
	}
	free(vi);
	return SOHOA_OK;
}

/* The component whose folder is `folder` (borrowed), or NULL. */
static json_t *case_component(const struct open_case *oc, const char *folder)
{
	json_t *comp;
	size_t i;

	json_array_foreach(json_object_get(oc->meta, "components"), i, comp)
	{
		if (!strcmp(str(comp, "folder"), folder))
			return comp;
	}
	return NULL;
}

static const char *folder_of(const struct open_case *oc, const char *name)
{
	json_t *comp;
	size_t i;

	json_array_foreach(json_object_get(oc->meta, "components"), i, comp)
	{
		if (!strcmp(str(comp, "name"), name))
			return str(comp, "folder");
	}
	return NULL;
}

/* Page `n` of the component in folder `folder`: its index in paper order
 * and its info.  SOHOA_ENOTFOUND when there is no such page. */
static int case_page(size_t *index, sohoa_archive_page_info *pi,
                     const struct open_case *oc, const char *folder,
                     const char *n_arg)
{
	json_t *comp = case_component(oc, folder), *pg;
	int n = parse_page(n_arg);
	size_t i;

	if (!comp)
		return sohoa_error_set(SOHOA_ENOTFOUND,
		                       "case %s has no component in folder "
		                       "'%.80s'",
		                       oc->number, folder);
	json_array_foreach(json_object_get(oc->meta, "pages"), i, pg)
	{
		if (n > 0 && !strcmp(str(pg, "component"), str(comp, "name")) &&
		    json_integer_value(json_object_get(pg, "page")) == n) {
			*index = i;
			return sohoa_archive_case_page(pi, oc->c, i);
		}
	}
	return sohoa_error_set(SOHOA_ENOTFOUND,
	                       "component '%s' of case %s has no page '%.20s'",
	                       str(comp, "name"), oc->number, n_arg);
}

/* "<top>/data/..." -> "<top>/" + rel, the zip entry of a bag path. */
static int bag_entry(char **out, const struct open_case *oc, const char *rel)
{
	sohoa_archive_page_info pi;
	const char *d;
	int rc;

	if ((rc = sohoa_archive_case_page(&pi, oc->c, 0)))
		return rc;
	if (!(d = strstr(pi.entry, "/data/")))
		return sohoa_error_set(SOHOA_EINVALID,
		                       "%s: unexpected entry %s", oc->bundle,
		                       pi.entry);
	return sohoa_asprintf(out, "%.*s/%s", (int)(d - pi.entry), pi.entry,
	                      rel);
}

static json_t *signature_json(const char *bundle)
{
	sohoa_archive_signature sig;

	if (sohoa_archive_signature_check(&sig, bundle) != SOHOA_OK)
		return json_pack("{s:b, s:s}", "present", 0, "problem",
		                 sohoa_error_last());
	return json_pack("{s:b, s:b, s:b, s:s, s:s, s:s}", "present",
	                 sig.present, "valid", sig.valid, "trusted",
	                 sig.trusted, "signer", sig.signer, "signing_time",
	                 sig.signing_time, "problem", sig.problem);
}

static json_t *verification_json(const char *bundle)
{
	char *report = NULL, *line, *save = NULL;
	json_t *problems = json_array();
	int rc = sohoa_archive_verify(bundle, &report);

	if (rc != SOHOA_OK && (!report || !report[0]))
		json_array_append_new(problems,
		                      json_string(sohoa_error_last()));
	for (line = report ? strtok_r(report, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save))
		json_array_append_new(problems, json_string(line));
	free(report);
	/* checked: false when it could not be read through (no key, I/O),
	 * which is no finding about the bundle */
	return json_pack("{s:b, s:b, s:o}", "ok", rc == SOHOA_OK, "checked",
	                 rc == SOHOA_OK || rc == SOHOA_EINVALID, "problems",
	                 problems);
}

/* The first locked page of component `name`, or NULL. */
static const char *locked_reason(const struct open_case *oc, const char *name)
{
	sohoa_archive_page_info pi;

	for (size_t i = 0; i < sohoa_archive_case_npages(oc->c); i++)
		if (sohoa_archive_case_page(&pi, oc->c, i) == SOHOA_OK &&
		    pi.locked && !strcmp(pi.component, name))
			return pi.locked;
	return NULL;
}

/* GET /api/cases/CASE */
static int case_json(sohoa_web_request *req, sohoa_web_response *resp,
                     const struct open_case *oc)
{
	json_t *o = json_object(), *comps = json_array(), *pages = json_array();
	json_t *comp, *pg;
	size_t i, id_pages = 0;
	char detail[64];
	const char *why = NULL;

	json_object_set_new(o, "case", json_string(oc->number));
	json_object_set(o, "procedure_code",
	                json_object_get(oc->meta, "procedure_code"));
	json_array_foreach(json_object_get(oc->meta, "components"), i, comp)
	{
		json_array_append_new(
		    comps,
		    json_pack(
		        "{s:s, s:s, s:s, s:I, s:b, s:b}", "name",
		        str(comp, "name"), "kind", str(comp, "kind"), "folder",
		        str(comp, "folder"), "pages",
		        json_integer_value(json_object_get(comp, "pages")),
		        "pdf", json_is_string(json_object_get(comp, "pdf")),
		        "locked",
		        locked_reason(oc, str(comp, "name")) != NULL));
	}
	json_object_set_new(o, "components", comps);
	json_array_foreach(json_object_get(oc->meta, "pages"), i, pg)
	{
		json_t *an = json_object_get(pg, "analysis");
		const char *type =
		    json_string_value(json_object_get(an, "document_type"));
		const char *folder = folder_of(oc, str(pg, "component"));
		json_t *x = json_object();
		sohoa_archive_page_info pi;

		if (sohoa_archive_case_page(&pi, oc->c, i) != SOHOA_OK)
			memset(&pi, 0, sizeof(pi));
		/* a locked page shows no fields */
		if (is_id_card(type) && !pi.locked)
			id_pages++;
		json_object_set_new(x, "component",
		                    json_string(str(pg, "component")));
		json_object_set_new(x, "folder",
		                    json_string(folder ? folder : ""));
		json_object_set(x, "kind", json_object_get(pg, "kind"));
		json_object_set(x, "page", json_object_get(pg, "page"));
		json_object_set_new(x, "document_type",
		                    json_string(type ? type : "other"));
		json_object_set(x, "capture_time",
		                json_object_get(pg, "capture_time"));
		json_object_set(x, "dpi", json_object_get(pg, "dpi"));
		json_object_set(x, "colour_mode",
		                json_object_get(pg, "colour_mode"));
		json_object_set_new(x, "encrypted",
		                    json_boolean(json_is_true(
		                        json_object_get(pg, "encrypted"))));
		json_object_set_new(x, "rotation",
		                    json_integer(json_integer_value(
		                        json_object_get(an, "rotation"))));
		json_object_set_new(
		    x, "blank",
		    json_boolean(json_is_true(json_object_get(an, "blank"))));
		json_object_set(x, "operator", json_object_get(pg, "operator"));
		json_object_set(x, "revision", json_object_get(pg, "revision"));
		json_object_set_new(x, "fields",
		                    cli_case_page_fields(oc->c, oc->meta, i));
		json_object_set_new(x, "locked", json_boolean(pi.locked));
		if (pi.locked && !why)
			why = pi.locked;
		json_array_append_new(pages, x);
	}
	/* encrypted pages whose key is missing: everything else is shown */
	if (why) {
		const char *key =
		    sohoa_config_get(oc->cfg, "archive.encrypt_key");
		char *vi = key_explanation(oc, why);

		json_object_set_new(o, "locked",
		                    json_pack("{s:s, s:s, s:s}", "key_file",
		                              key ? key : "", "problem", why,
		                              "explanation", vi ? vi : ""));
		free(vi);
	} else {
		json_object_set_new(o, "locked", json_null());
	}
	json_object_set_new(o, "pages", pages);
	json_object_set(o, "revisions", json_object_get(oc->meta, "revisions"));
	json_object_set(o, "events", json_object_get(oc->meta, "events"));
	json_object_set_new(o, "signature", signature_json(oc->bundle));
	json_object_set_new(o, "verification", verification_json(oc->bundle));
	/* the fields of identity cards are personal data: their view is
	 * logged like a page view */
	if (id_pages) {
		snprintf(detail, sizeof(detail), "fields of %zu id-card page%s",
		         id_pages, id_pages == 1 ? "" : "s");
		resp->json = o;
		audit(req, resp, "page_view", oc->number, detail);
		return SOHOA_OK;
	}
	resp->json = o;
	return SOHOA_OK;
}

/* ---- rendered thumbnails ------------------------------------------------
 * A page of search results asks for twenty thumbnails, and each costs a
 * decode and a scale of an A4 master (bench/web_archive.sh): the last
 * THUMB_CACHE are kept, keyed by the bundle file's identity (path, size,
 * mtime: every revision is a new file) and the entry.  Pages stored
 * encrypted are never kept.  A hit is still a view, and logged. */
#define THUMB_CACHE 256

struct thumb {
	char *key;               /* owned, NULL when the slot is free */
	void *jpeg;              /* owned */
	size_t len;              /* bytes of jpeg */
	unsigned long long used; /* thumb_tick at the last use */
};

static struct thumb thumbs[THUMB_CACHE];
static unsigned long long thumb_tick;
static pthread_mutex_t thumb_lock = PTHREAD_MUTEX_INITIALIZER;

static char *thumb_key(const char *bundle, const char *entry)
{
	struct stat st;
	char *key = NULL;

	if (stat(bundle, &st) != 0 ||
	    sohoa_asprintf(&key, "%s\n%lld.%09ld %lld\n%s", bundle,
	                   (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec,
	                   (long long)st.st_size, entry) != SOHOA_OK)
		return NULL;
	return key;
}

/* 1 and the JPEG in resp when `key` is kept. */
static int thumb_get(sohoa_web_response *resp, const char *key)
{
	int found = 0;

	pthread_mutex_lock(&thumb_lock);
	for (size_t i = 0; i < THUMB_CACHE && !found; i++) {
		struct thumb *t = &thumbs[i];

		if (!t->key || strcmp(t->key, key))
			continue;
		if ((resp->body = malloc(t->len))) {
			memcpy(resp->body, t->jpeg, t->len);
			resp->body_len = t->len;
			resp->content_type = "image/jpeg";
			t->used = ++thumb_tick;
			found = 1;
		}
		break;
	}
	pthread_mutex_unlock(&thumb_lock);
	return found;
}

static void thumb_put(const char *key, const void *jpeg, size_t len)
{
	struct thumb *slot = &thumbs[0];
	char *k = strdup(key);
	void *j = malloc(len);

	if (!k || !j) {
		free(k);
		free(j);
		return;
	}
	memcpy(j, jpeg, len);
	pthread_mutex_lock(&thumb_lock);
	for (size_t i = 0; i < THUMB_CACHE; i++) {
		if (!thumbs[i].key) {
			slot = &thumbs[i];
			break;
		}
		if (thumbs[i].used < slot->used)
			slot = &thumbs[i]; /* the least recently used */
	}
	free(slot->key);
	free(slot->jpeg);
	slot->key = k;
	slot->jpeg = j;
	slot->len = len;
	slot->used = ++thumb_tick;
	pthread_mutex_unlock(&thumb_lock);
}

/* GET /api/cases/CASE/pages/FOLDER/N?size=thumb|view.  The master is
 * read into memory and decoded there (an encrypted page never touches
 * the disk in plain). */
static int case_page_image(sohoa_web_request *req, sohoa_web_response *resp,
                           const struct open_case *oc, const char *folder,
                           const char *n)
{
	sohoa_archive_page_info pi;
	char *key = NULL, detail[300];
	size_t index;
	int rc, max_w = 0, max_h = 0;

	if ((rc = size_param(req, &max_w, &max_h)))
		return fail(resp, rc, "size");
	if ((rc = case_page(&index, &pi, oc, folder, n)))
		return fail(resp, rc, NULL);
	if (pi.locked)
		return locked_error(resp, oc, pi.locked);
	if (max_w == THUMB_W &&
	    !json_is_true(json_object_get(
	        json_array_get(json_object_get(oc->meta, "pages"), index),
	        "encrypted")))
		key = thumb_key(oc->bundle, pi.entry);
	if (!key || !thumb_get(resp, key)) {
		void *data = NULL;
		size_t len = 0;

		if ((rc = sohoa_archive_case_read(&data, &len, oc->c,
		                                  pi.entry))) {
			free(key);
			return rc == SOHOA_EENV
			           ? locked_error(resp, oc, sohoa_error_last())
			           : fail(resp, rc, NULL);
		}
		rc = render_pix(resp, pixReadMem(data, len), max_w, max_h);
		free(data);
		if (rc != SOHOA_OK) {
			free(key);
			return fail(resp, rc, NULL);
		}
		if (key)
			thumb_put(key, resp->body, resp->body_len);
	}
	free(key);
	/* every view is logged (id-card pages must be; the rest costs one
	 * line), thumbnails too: they show the page */
	snprintf(detail, sizeof(detail), "%.200s p%d %s (%s)", pi.component,
	         pi.page, pi.document_type,
	         max_w == THUMB_W ? "thumb" : "view");
	audit(req, resp, "page_view", oc->number, detail);
	return SOHOA_OK;
}

/* GET /api/cases/CASE/pdf/FOLDER */
static int case_pdf(sohoa_web_request *req, sohoa_web_response *resp,
                    const struct open_case *oc, const char *folder)
{
	json_t *comp = case_component(oc, folder);
	char *entry = NULL, detail[300];
	const char *why;
	int rc;

	if (!comp) {
		sohoa_error_set(SOHOA_ENOTFOUND,
		                "case %s has no component in folder '%.80s'",
		                oc->number, folder);
		return fail(resp, SOHOA_ENOTFOUND, NULL);
	}
	if (!json_is_string(json_object_get(comp, "pdf")))
		return sohoa_web_error(
		    resp, 404, NULL,
		    "component '%s' of case %s has no PDF "
		    "(a page is not an image Leptonica reads)",
		    str(comp, "name"), oc->number);
	if ((why = locked_reason(oc, str(comp, "name"))))
		return locked_error(resp, oc, why);
	if ((rc = bag_entry(&entry, oc, str(comp, "pdf"))) ||
	    (rc = entry_body(resp, oc->c, entry, "application/pdf"))) {
		free(entry);
		return rc == SOHOA_EENV
		           ? locked_error(resp, oc, sohoa_error_last())
		           : fail(resp, rc, NULL);
	}
	free(entry);
	sohoa_asprintf(&resp->disposition, "attachment; filename=\"%s-%s.pdf\"",
	               oc->number, folder);
	snprintf(detail, sizeof(detail), "%.200s", str(comp, "name"));
	audit(req, resp, "pdf_download", oc->number, detail);
	return SOHOA_OK;
}

/* Exports come only from a bundle that verifies (a damaged one is not
 * exported, as `sohoa extract`): SOHOA_OK, or the answer is set. */
static int verified(sohoa_web_response *resp, const struct open_case *oc)
{
	char *report = NULL;
	int rc = sohoa_archive_verify(oc->bundle, &report);

	if (rc != SOHOA_OK) {
		if (rc == SOHOA_EINVALID)
			sohoa_error_set(rc,
			                "%s fails verification, nothing "
			                "exported: %.300s",
			                oc->number, report ? report : "");
		free(report);
		fail(resp, rc == SOHOA_EINVALID ? SOHOA_EIO : rc, NULL);
		return rc;
	}
	free(report);
	return SOHOA_OK;
}

/* GET /api/cases/CASE/extract/FOLDER/N: the master, byte-identical. */
static int case_extract(sohoa_web_request *req, sohoa_web_response *resp,
                        const struct open_case *oc, const char *folder,
                        const char *n)
{
	sohoa_archive_page_info pi;
	char detail[300];
	const char *name;
	size_t index;
	int rc;

	if (!n)
		return sohoa_web_error(resp, 404, NULL,
		                       "give the page: /api/cases/%s/extract/"
		                       "%.80s/N",
		                       oc->number, folder);
	if ((rc = case_page(&index, &pi, oc, folder, n)))
		return fail(resp, rc, NULL);
	if (pi.locked)
		return locked_error(resp, oc, pi.locked);
	if (verified(resp, oc) != SOHOA_OK)
		return SOHOA_OK;
	name = strrchr(pi.entry, '/') + 1;
	if ((rc = entry_body(resp, oc->c, pi.entry, content_type_of(name))))
		return rc == SOHOA_EENV
		           ? locked_error(resp, oc, sohoa_error_last())
		           : fail(resp, rc, NULL);
	sohoa_asprintf(&resp->disposition, "attachment; filename=\"%s.%s.%s\"",
	               oc->number, folder, name);
	snprintf(detail, sizeof(detail), "%.200s p%d %s master", pi.component,
	         pi.page, pi.document_type);
	audit(req, resp, "page_export", oc->number, detail);
	return SOHOA_OK;
}

/* GET /api/cases/CASE/zip/FOLDER: every master of the component,
 * byte-identical, with manifest.json (sha256 of each), as one zip made in
 * memory. */
static int case_zip(sohoa_web_request *req, sohoa_web_response *resp,
                    const struct open_case *oc, const char *folder)
{
	json_t *comp = case_component(oc, folder);
	char detail[300];
	const char *why;
	void *zip = NULL;
	size_t len = 0, npages = 0;
	int rc;

	if (!comp) {
		sohoa_error_set(SOHOA_ENOTFOUND,
		                "case %s has no component in folder '%.80s'",
		                oc->number, folder);
		return fail(resp, SOHOA_ENOTFOUND, NULL);
	}
	if ((why = locked_reason(oc, str(comp, "name"))))
		return locked_error(resp, oc, why);
	if (verified(resp, oc) != SOHOA_OK)
		return SOHOA_OK;
	if ((rc = sohoa_archive_case_component_zip(&zip, &len, &npages, oc->c,
	                                           str(comp, "name"))))
		return rc == SOHOA_EENV
		           ? locked_error(resp, oc, sohoa_error_last())
		           : fail(resp, rc, NULL);
	resp->body = zip;
	resp->body_len = len;
	resp->content_type = "application/zip";
	sohoa_asprintf(&resp->disposition, "attachment; filename=\"%s-%s.zip\"",
	               oc->number, folder);
	snprintf(detail, sizeof(detail), "%.200s: %zu page%s, zip of masters",
	         str(comp, "name"), npages, npages == 1 ? "" : "s");
	audit(req, resp, "page_export", oc->number, detail);
	return SOHOA_OK;
}

/* GET /api/cases/CASE[/pages/FOLDER/N | /pdf/FOLDER | /zip/FOLDER |
 * /extract/FOLDER/N] */
static int h_cases(sohoa_web_request *req, sohoa_web_response *resp,
                   void *payload)
{
	const struct cli_web *w = payload;
	char rest[512], *part[5] = {0}, *save = NULL, *tok;
	struct open_case oc;
	size_t np = 0;
	int rc;

	if (snprintf(rest, sizeof(rest), "%s", sohoa_web_path_rest(req)) >=
	    (int)sizeof(rest))
		return sohoa_web_error(resp, 404, NULL, "no such case");
	/* "a//b", a trailing '/' and more than five parts are no names */
	if (strstr(rest, "//") || !rest[0] || rest[strlen(rest) - 1] == '/')
		return sohoa_web_error(resp, 404, NULL, "no such resource");
	for (tok = strtok_r(rest, "/", &save); tok;
	     tok = strtok_r(NULL, "/", &save)) {
		if (np == 5)
			return sohoa_web_error(resp, 404, NULL,
			                       "no such resource");
		part[np++] = tok;
	}
	if (!(np == 1 || (np == 4 && !strcmp(part[1], "pages")) ||
	      (np == 3 && !strcmp(part[1], "pdf")) ||
	      (np == 3 && !strcmp(part[1], "zip")) ||
	      ((np == 3 || np == 4) && !strcmp(part[1], "extract"))))
		return sohoa_web_error(resp, 404, NULL, "no such resource");
	if ((rc = case_open(&oc, w, part[0])))
		return fail(resp, rc, NULL);
	if (np == 1)
		rc = case_json(req, resp, &oc);
	else if (!strcmp(part[1], "pages"))
		rc = case_page_image(req, resp, &oc, part[2], part[3]);
	else if (!strcmp(part[1], "pdf"))
		rc = case_pdf(req, resp, &oc, part[2]);
	else if (!strcmp(part[1], "zip"))
		rc = case_zip(req, resp, &oc, part[2]);
	else
		rc = case_extract(req, resp, &oc, part[2], part[3]);
	case_close(&oc);
	return rc;
}

/* ---- search ------------------------------------------------------------- */

static int is_date(const char *s)
{
	static const char shape[] = "dddd-dd-dd";

	if (strlen(s) != 10)
		return 0;
	for (int i = 0; i < 10; i++)
		if (shape[i] == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != '-')
			return 0;
	return 1;
}

static int is_type(const char *s)
{
	if (!*s || strlen(s) > 40)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		      *s == '_' || *s == '*'))
			return 0;
	return 1;
}

static int count_param(sohoa_web_request *req, const char *name, int dflt,
                       int max, int *out)
{
	const char *s = sohoa_web_query(req, name);

	*out = dflt;
	if (!s || !*s)
		return SOHOA_OK;
	if (!(*out = parse_page(s)) || *out > max)
		return sohoa_error_set(SOHOA_EINVALID,
		                       "%s must be a number from 1 to %d", name,
		                       max);
	return SOHOA_OK;
}

/* A marked snippet (sohoa_index_hit.marked) as HTML: the text escaped,
 * its matches in <mark>. */
static char *snippet_html(const char *s)
{
	size_t cap = strlen(s) * 6 + 16, n = 0;
	char *o = malloc(cap);
	int open = 0;

	if (!o)
		return NULL;
	for (; *s; s++) {
		const char *rep = NULL;
		char one[2] = {*s, 0};

		switch (*s) {
		case '&':
			rep = "&amp;";
			break;
		case '<':
			rep = "&lt;";
			break;
		case '>':
			rep = "&gt;";
			break;
		case '"':
			rep = "&quot;";
			break;
		case '\'':
			rep = "&#39;";
			break;
		case SOHOA_INDEX_MARK_OPEN:
			rep = open ? "" : "<mark>";
			open = 1;
			break;
		case SOHOA_INDEX_MARK_CLOSE:
			rep = open ? "</mark>" : "";
			open = 0;
			break;
		default:
			rep = one;
		}
		/* "</mark>" is the longest replacement: 7 < 6 + 1 spare */
		if (n + strlen(rep) + 8 > cap) {
			char *t = realloc(o, cap *= 2);

			if (!t) {
				free(o);
				return NULL;
			}
			o = t;
		}
		memcpy(o + n, rep, strlen(rep));
		n += strlen(rep);
	}
	if (open) {
		memcpy(o + n, "</mark>", 7);
		n += 7;
	}
	o[n] = '\0';
	return o;
}

/* The folder of each hit's component, from its case's bundle (opened
 * once per case of the page of results). */
struct folder_cache {
	struct open_case *cases;
	int *ok;
	size_t n;
};

static const char *hit_folder(struct folder_cache *fc, const struct cli_web *w,
                              const sohoa_index_hit *h)
{
	for (size_t i = 0; i < fc->n; i++)
		if (!strcmp(fc->cases[i].number, h->case_number))
			return fc->ok[i]
			           ? folder_of(&fc->cases[i], h->component)
			           : NULL;
	if (case_open(&fc->cases[fc->n], w, h->case_number) != SOHOA_OK) {
		/* the index is older than the archive: no thumbnail */
		snprintf(fc->cases[fc->n].number, SOHOA_CASE_MAX, "%s",
		         h->case_number);
		fc->ok[fc->n++] = 0;
		return NULL;
	}
	fc->ok[fc->n] = 1;
	return folder_of(&fc->cases[fc->n++], h->component);
}

/* Are the parentheses outside quotes balanced?  Only then may the words
 * be put in parentheses: "a) OR (b" must stay an error. */
static int balanced(const char *q)
{
	int depth = 0, quoted = 0;

	for (; *q; q++) {
		if (*q == '"')
			quoted = !quoted;
		else if (!quoted && *q == '(')
			depth++;
		else if (!quoted && *q == ')' && --depth < 0)
			return 0;
	}
	return depth == 0 && !quoted;
}

/* The words were searched as "(q) filters": a message "... at position
 * N" then counts the '(' the user did not type. */
static void unwrap_position(void)
{
	char msg[1024];
	const char *at = strstr(sohoa_error_last(), "at position ");
	long pos;

	if (!at || (pos = strtol(at + 12, NULL, 10)) < 2)
		return;
	snprintf(msg, sizeof(msg), "%.*sat position %ld",
	         (int)(at - sohoa_error_last()), sohoa_error_last(), pos - 1);
	sohoa_error_set(SOHOA_EINVALID, "%s", msg);
}

static int h_search(sohoa_web_request *req, sohoa_web_response *resp,
                    void *payload)
{
	const struct cli_web *w = payload;
	const char *q = sohoa_web_query(req, "q");
	const char *from = sohoa_web_query(req, "from");
	const char *to = sohoa_web_query(req, "to");
	const char *type = sohoa_web_query(req, "type");
	const char *kind = sohoa_web_query(req, "kind");
	char filters[160] = "", *query = NULL;
	int page, per_page, rc, wrapped;
	sohoa_index *ix = NULL;
	sohoa_index_hit *hits = NULL;
	size_t n = 0;
	long long total = 0;
	struct folder_cache fc = {0};
	json_t *results;

	if (!q)
		q = "";
	if ((from && *from && !is_date(from)) || (to && *to && !is_date(to)))
		return sohoa_web_error(
		    resp, 400, from && *from && !is_date(from) ? "from" : "to",
		    "dates are YYYY-MM-DD");
	if (type && *type && !is_type(type))
		return sohoa_web_error(resp, 400, "type",
		                       "a document type is [a-z0-9_*], e.g. "
		                       "id_card_*");
	if (kind && *kind && strcmp(kind, "component") &&
	    strcmp(kind, "result"))
		return sohoa_web_error(resp, 400, "kind",
		                       "kind is component or result");
	if ((rc = count_param(req, "page", 1, 50000, &page)))
		return fail(resp, rc, "page");
	if ((rc = count_param(req, "per_page", PER_PAGE_DEFAULT, PER_PAGE_MAX,
	                      &per_page)))
		return fail(resp, rc, "per_page");
	if ((from && *from) || (to && *to))
		snprintf(filters, sizeof(filters), " date:%s..%s",
		         from ? from : "", to ? to : "");
	if (type && *type)
		snprintf(filters + strlen(filters),
		         sizeof(filters) - strlen(filters), " type:%s", type);
	if (kind && *kind)
		snprintf(filters + strlen(filters),
		         sizeof(filters) - strlen(filters), " kind:%s", kind);
	if (!q[strspn(q, " \t")] && !filters[0])
		return sohoa_web_error(resp, 400, "q",
		                       "type something to search for");
	/* the words in parentheses, so an OR among them stays inside */
	wrapped = q[strspn(q, " \t")] && filters[0] && balanced(q);
	if ((rc = wrapped
	              ? sohoa_asprintf(&query, "(%s)%s", q, filters)
	              : sohoa_asprintf(&query, "%s%s", q,
	                               q[strspn(q, " \t")] ? "" : filters + 1)))
		return fail(resp, rc, NULL);
	if ((rc = sohoa_index_open(&ix,
	                           sohoa_config_get(w->cfg, "index.path"))) ||
	    (rc = sohoa_index_count(&total, ix, query)) ||
	    (rc = sohoa_index_search(&hits, &n, ix, query, (size_t)per_page,
	                             (size_t)(page - 1) * (size_t)per_page))) {
		long long t;

		/* the message of the words alone names what was typed */
		if (rc == SOHOA_EINVALID && wrapped &&
		    sohoa_index_count(&t, ix, q) != SOHOA_EINVALID)
			unwrap_position();
		fail(resp, rc, rc == SOHOA_EINVALID ? "q" : NULL);
		goto done;
	}
	fc.cases = calloc(n ? n : 1, sizeof(*fc.cases));
	fc.ok = calloc(n ? n : 1, sizeof(*fc.ok));
	if (!fc.cases || !fc.ok) {
		sohoa_error_set(SOHOA_ENOMEM, "out of memory");
		fail(resp, SOHOA_ENOMEM, NULL);
		goto done;
	}
	results = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *o = cli_search_hit_json(&hits[i]);
		const char *folder = hit_folder(&fc, w, &hits[i]);
		char *html = snippet_html(hits[i].marked), *thumb = NULL;

		json_object_set_new(o, "case",
		                    json_string(hits[i].case_number));
		json_object_set_new(o, "snippet_html",
		                    json_string(html ? html : ""));
		json_object_set_new(o, "folder",
		                    folder ? json_string(folder) : json_null());
		if (folder)
			sohoa_asprintf(
			    &thumb, "/api/cases/%s/pages/%s/%d?size=thumb",
			    hits[i].case_number, folder, hits[i].page);
		json_object_set_new(
		    o, "pages",
		    thumb ? json_pack("[{s:s, s:s, s:i, s:s}]", "component",
		                      hits[i].component, "folder", folder,
		                      "page", hits[i].page, "thumb", thumb)
		          : json_array());
		json_array_append_new(results, o);
		free(html);
		free(thumb);
	}
	resp->json = json_pack("{s:I, s:i, s:i, s:s, s:o}", "total",
	                       (json_int_t)total, "page", page, "per_page",
	                       per_page, "query", query, "results", results);
	audit(req, resp, "search", "", query);
done:
	for (size_t i = 0; i < fc.n; i++)
		case_close(&fc.cases[i]);
	free(fc.cases);
	free(fc.ok);
	sohoa_index_hits_free(hits, n);
	sohoa_index_close(ix);
	free(query);
	return SOHOA_OK;
}

/* ---- review folder ------------------------------------------------------ */

/* What the .why of a review item means, for the staff who file it. */
static char *reason_vi(const char *why)
{
	const char *p;
	char *out = NULL;
	unsigned long page;

	if (!strncmp(why, "pages before the first case number", 34)) {
		sohoa_asprintf(&out, "%s",
		               "Các trang nằm trước mã hồ sơ đầu tiên của "
		               "xấp giấy: không đọc được mã QR, mã vạch hay "
		               "dòng “Mã hồ sơ”. Hãy xem trang và chọn hồ sơ "
		               "để lưu.");
	} else if (sscanf(why, "stack page %lu shows case number", &page) ==
	               1 &&
	           (p = strchr(why, '\''))) {
		sohoa_asprintf(&out,
		               "Trang %lu của xấp giấy có mã hồ sơ “%.*s” "
		               "nhưng mã này không đáng tin cậy (sai ngày "
		               "hoặc sai dạng, hay mã và chữ không khớp). Hãy "
		               "đối chiếu với bản giấy rồi lưu vào đúng hồ sơ.",
		               page, (int)strcspn(p + 1, "'"), p + 1);
	} else if (sscanf(why, "stack page %lu begins a new document", &page) ==
	           1) {
		sohoa_asprintf(&out,
		               "Trang %lu mở đầu một văn bản mới (có quốc "
		               "hiệu hoặc “Trang 1/N”) nhưng không đọc được "
		               "mã hồ sơ trên trang (mã hỏng hoặc thiếu, "
		               "không có dòng “Mã hồ sơ”). Hãy chọn hồ sơ để "
		               "lưu.",
		               page);
	} else if (!strncmp(why, "unreadable input", 16)) {
		sohoa_asprintf(&out, "%s",
		               "Tệp đưa vào không đọc được (hỏng, hoặc không "
		               "phải ảnh hay PDF được hỗ trợ). Hãy quét lại "
		               "bản giấy.");
	} else if (!strncmp(why, "could not be filed to case ", 27)) {
		p = why + 27;
		sohoa_asprintf(&out,
		               "Chưa lưu được vào hồ sơ %.*s. Hãy kiểm tra "
		               "mã hồ sơ rồi lưu lại.",
		               (int)strcspn(p, ":"), p);
	} else {
		sohoa_asprintf(&out, "%s",
		               "Trang chưa tự xếp được vào hồ sơ nào. Hãy xem "
		               "trang và chọn hồ sơ để lưu.");
	}
	return out;
}

static json_t *review_item_view(const struct cli_web *w, const char *item)
{
	json_t *o = cli_review_item_json(w->cfg, item), *urls;
	char *reason, *url = NULL;
	size_t n;

	if (!o)
		return NULL;
	reason = reason_vi(str(o, "why"));
	json_object_set_new(o, "reason", json_string(reason ? reason : ""));
	free(reason);
	urls = json_array();
	n = (size_t)json_integer_value(json_object_get(o, "pages"));
	for (size_t i = 0; i < n; i++) {
		if (sohoa_asprintf(&url, "/api/review/%s/pages/%zu", item,
		                   i + 1) == SOHOA_OK)
			json_array_append_new(urls, json_string(url));
		free(url);
		url = NULL;
	}
	json_object_set_new(o, "page_urls", urls);
	return o;
}

/* GET /api/review */
static int h_review_list(sohoa_web_request *req, sohoa_web_response *resp,
                         void *payload)
{
	const struct cli_web *w = payload;
	json_t *items = cli_review_list_json(w->cfg), *it, *a = json_array();
	size_t i;

	(void)req;
	json_array_foreach(items, i, it)
	{
		json_t *v = review_item_view(w, str(it, "item"));

		if (v)
			json_array_append_new(a, v);
	}
	json_decref(items);
	resp->json = json_pack("{s:o}", "items", a);
	return SOHOA_OK;
}

/* Only one filing at a time: two clicks must not spool an item twice. */
static pthread_mutex_t review_lock = PTHREAD_MUTEX_INITIALIZER;

static int review_file(sohoa_web_request *req, sohoa_web_response *resp,
                       const struct cli_web *w, const char *item)
{
	json_t *body = sohoa_web_body_json(req);
	const char *case_arg = json_string_value(json_object_get(body, "case"));
	const char *kind = json_string_value(json_object_get(body, "kind"));
	const char *component =
	    json_string_value(json_object_get(body, "component"));
	char norm[SOHOA_CASE_MAX], detail[400], job[128], *name = NULL;
	size_t n = 0;
	int rc;

	if (!case_arg || !*case_arg)
		return sohoa_web_error(resp, 400, "case",
		                       "give the case number: {\"case\": "
		                       "\"...\"}");
	if (sohoa_case_normalize(norm, case_arg) != SOHOA_OK)
		return fail(resp, SOHOA_EINVALID, "case");
	if (!kind || !*kind)
		kind = "result";
	if (strcmp(kind, "result") && strcmp(kind, "component"))
		return sohoa_web_error(resp, 400, "kind",
		                       "kind is component or result");
	if (!component || !*component)
		component = "Kết quả";
	if (strlen(component) > 200)
		return sohoa_web_error(resp, 400, "component",
		                       "a component name is at most 200 bytes");
	for (const char *c = component; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			return sohoa_web_error(
			    resp, 400, "component",
			    "a component name has no control "
			    "characters");
	if ((rc = sohoa_text_nfc(&name, component)))
		return fail(resp, rc, "component");
	/* audited before anything moves: a filing the audit trail cannot
	 * hold is refused (the item stays in review) */
	{
		char **pages = NULL;
		size_t np = 0;

		if ((rc = cli_review_item_pages(&pages, &np, w->cfg, item))) {
			free(name);
			return fail(resp, rc, NULL);
		}
		cli_free_list(pages, np);
		snprintf(detail, sizeof(detail),
		         "item %.100s, %zu page%s as %.100s", item, np,
		         np == 1 ? "" : "s", name);
	}
	if (audit(req, NULL, "review_file", norm, detail) != SOHOA_OK) {
		sohoa_log(SOHOA_LOG_ERROR,
		          "review_file of %s to %s refused: the audit trail "
		          "cannot be written: %s; check [audit] path and its "
		          "disk",
		          item, norm, sohoa_error_last());
		free(name);
		return sohoa_web_error(resp, 503, NULL, "%s",
		                       CLI_WEB_AUDIT_DOWN_VI);
	}
	/* the stages file it, as any spooled job: sohoad's archive
	 * settings and bundle writes stay in one place */
	pthread_mutex_lock(&review_lock);
	rc = cli_review_spool(w->cfg, item, norm, name, kind, job, sizeof(job),
	                      &n);
	pthread_mutex_unlock(&review_lock);
	if (rc != SOHOA_OK) {
		char why[512];

		snprintf(why, sizeof(why), "%s", sohoa_error_last());
		audit(req, NULL, "review_file_failed", norm, why);
		sohoa_error_set(rc, "%s", why);
		free(name);
		return fail(resp, rc, NULL);
	}
	resp->status = 202;
	resp->json = json_pack("{s:s, s:s, s:I, s:s, s:s, s:s}", "item", item,
	                       "case", norm, "pages", (json_int_t)n,
	                       "component", name, "kind", kind, "job", job);
	free(name);
	return SOHOA_OK;
}

/* GET /api/review/ITEM, GET /api/review/ITEM/pages/N,
 * POST /api/review/ITEM/file */
static int h_review(sohoa_web_request *req, sohoa_web_response *resp,
                    void *payload)
{
	const struct cli_web *w = payload;
	const char *rest = sohoa_web_path_rest(req), *slash = strchr(rest, '/');
	int post = !strcmp(sohoa_web_method(req), "POST"), rc, max_w = 0,
	    max_h = 0;
	char item[201], **pages = NULL;
	size_t n = 0, len = slash ? (size_t)(slash - rest) : strlen(rest);
	int k;
	json_t *o;

	if (len == 0 || len >= sizeof(item))
		return sohoa_web_error(resp, 404, NULL, "no such review item");
	memcpy(item, rest, len);
	item[len] = '\0';
	if (!cli_review_item_name_ok(item))
		return sohoa_web_error(resp, 404, NULL, "no such review item");
	if (post) {
		if (!slash || strcmp(slash, "/file"))
			return sohoa_web_error(resp, 404, NULL,
			                       "no such resource");
		return review_file(req, resp, w, item);
	}
	if (!slash) {
		if (!(o = review_item_view(w, item)))
			return sohoa_web_error(resp, 404, NULL,
			                       "no review item %s", item);
		resp->json = o;
		return SOHOA_OK;
	}
	if (strncmp(slash, "/pages/", 7) || !(k = parse_page(slash + 7)))
		return sohoa_web_error(resp, 404, NULL, "no such resource");
	if ((rc = size_param(req, &max_w, &max_h)))
		return fail(resp, rc, "size");
	if ((rc = cli_review_item_pages(&pages, &n, w->cfg, item)))
		return fail(resp, rc, NULL);
	if ((size_t)k > n) {
		cli_free_list(pages, n);
		return sohoa_web_error(resp, 404, NULL,
		                       "review item %s has %zu page%s", item, n,
		                       n == 1 ? "" : "s");
	}
	rc = render_jpeg(resp, pages[k - 1], max_w, max_h);
	cli_free_list(pages, n);
	if (rc != SOHOA_OK)
		return fail(resp, rc, NULL);
	/* pages no case holds yet may be identity cards too: every view is
	 * logged, as the pages of a case */
	{
		char detail[300];

		snprintf(detail, sizeof(detail), "review item %s p%d (%s)",
		         item, k, max_w == THUMB_W ? "thumb" : "view");
		audit(req, resp, "page_view", "", detail);
	}
	return SOHOA_OK;
}

/* ---- status ------------------------------------------------------------- */

/* The scanners: the configured one, then each device a scan request
 * names, with what it does ("running", "queued", or "idle"). */
static json_t *devices_json(const sohoa_config *cfg, json_t *status)
{
	json_t *a = json_array(), *r, *d;
	const char *conf = sohoa_config_get(cfg, "scanner.device");
	size_t i, k;

	json_array_append_new(a, json_pack("{s:s, s:s, s:s}", "device",
	                                   conf ? conf : "", "state", "idle",
	                                   "case", ""));
	json_array_foreach(
	    json_object_get(json_object_get(status, "scans"), "list"), i, r)
	{
		const char *state = str(r, "state"), *dev = str(r, "device");

		if (strcmp(state, "running") && strcmp(state, "queued"))
			continue;
		json_array_foreach(a, k, d)
		{
			if (!strcmp(str(d, "device"), dev))
				break;
		}
		if (k == json_array_size(a))
			json_array_append_new(
			    a, json_pack("{s:s, s:s, s:s}", "device", dev,
			                 "state", "idle", "case", ""));
		d = json_array_get(a, k);
		if (strcmp(str(d, "state"), "running")) {
			json_object_set_new(d, "state", json_string(state));
			json_object_set_new(d, "case",
			                    json_string(str(r, "case")));
		}
	}
	return a;
}

/* GET /api/status: sohoad's own status through its control socket, with
 * the review queue; {"daemon": false, ...} when the socket does not
 * answer. */
static int h_status(sohoa_web_request *req, sohoa_web_response *resp,
                    void *payload)
{
	const struct cli_web *w = payload;
	json_t *o = NULL, *review;

	(void)req;
	if (cli_status_json(&o, w->cfg) != SOHOA_OK && !o)
		o = json_pack("{s:b, s:b, s:s}", "ok", 0, "daemon", 1, "error",
		              sohoa_error_last());
	else if (!json_object_get(o, "daemon"))
		json_object_set_new(o, "daemon", json_true());
	json_object_set_new(o, "devices", devices_json(w->cfg, o));
	review = cli_review_list_json(w->cfg);
	json_object_set_new(o, "review_items",
	                    json_integer((json_int_t)json_array_size(review)));
	json_decref(review);
	resp->json = o;
	return SOHOA_OK;
}

const sohoa_web_route cli_web_archive_routes[] = {
    {"GET", "/api/search", ARCHIVE_ROLES, h_search},
    {"GET", "/api/cases/", ARCHIVE_ROLES, h_cases},
    {"GET", "/api/review", ARCHIVE_ROLES, h_review_list},
    {"GET", "/api/review/", ARCHIVE_ROLES, h_review},
    {"POST", "/api/review/", ARCHIVE_ROLES, h_review},
    {"GET", "/api/status", SOHOA_ROLE_ANY, h_status},
};
const size_t cli_web_archive_nroutes =
    sizeof(cli_web_archive_routes) / sizeof(cli_web_archive_routes[0]);
