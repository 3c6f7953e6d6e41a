/* web_desk.c -- the front-desk routes (docs/http-api.md, "Front desk"):
 * scanners and procedures for the Tiếp nhận page, case-number checks as
 * staff type, and drafts -- a scan held in the spool after OCR until staff
 * have arranged its pages, checked its identity fields and committed it.
 *
 * A draft is a journaled spool job created here with params.hold; every
 * scan into it is a {"cmd":"scan","job":ID} request on sohoad's control
 * socket (the capture child runs `sohoa scan --resume ID --capture-only`),
 * so SANE stays out of sohoad's process.  Staff decisions are journal
 * records (scan/scan.h, drafts); the masters are never changed, and a
 * removed page stays in the job folder until the job leaves the spool
 * after filing.  Handlers hold no state but the short list of committed
 * drafts (to say where they were filed once the spool job is gone), kept
 * on disk too: a small record per committed draft in desk-filed/ beside
 * the spool folder, written atomically at the commit, pruned after
 * FILED_KEEP_DAYS, so the answer outlives a restart of sohoad.
 */
#define _GNU_SOURCE /* pipe2 */
#include "web_int.h"

#include "archive/archive.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define THUMB_SIDE 480
#define MAX_SET    16

/* ---- small helpers ------------------------------------------------------- */

static int oom(sohoa_web_response *resp)
{
	return sohoa_web_error(resp, 500, NULL, "out of memory");
}

static const char *jstr(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* The sohoa binary beside the running sohoad. */
static int sohoa_bin(char *buf, size_t size)
{
	ssize_t n = readlink("/proc/self/exe", buf, size - 16);
	char *slash;

	if (n <= 0)
		return -1;
	buf[n] = '\0';
	if (!(slash = strrchr(buf, '/')))
		return -1;
	strcpy(slash + 1, "sohoa");
	return 0;
}

/* Run `sohoa [--config C] ARGS...`, its stdout into *out (owned); at most
 * `seconds`, then it is killed.  Returns its exit status, -1 on failure. */
static int run_sohoa(char **out, const struct cli_web *w,
                     const char *const *args, int seconds)
{
	char bin[4096], *buf = NULL;
	const char *argv[16];
	size_t n = 0, len = 0, cap = 0;
	posix_spawn_file_actions_t fa;
	int p[2], status = -1, devnull;
	pid_t pid;
	struct timespec t0, now;

	*out = NULL;
	if (sohoa_bin(bin, sizeof(bin)) || pipe2(p, O_CLOEXEC) != 0)
		return -1;
	argv[n++] = "sohoa";
	if (w->config_path) {
		argv[n++] = "--config";
		argv[n++] = w->config_path;
	}
	for (size_t i = 0; args[i] && n < 15; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[1], 1);
	if (devnull >= 0)
		posix_spawn_file_actions_adddup2(&fa, devnull, 2);
	if (posix_spawn(&pid, bin, &fa, NULL, (char *const *)argv, environ) !=
	    0)
		pid = -1;
	posix_spawn_file_actions_destroy(&fa);
	close(p[1]);
	if (devnull >= 0)
		close(devnull);
	if (pid < 0) {
		close(p[0]);
		return -1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		struct pollfd pf = {.fd = p[0], .events = POLLIN};
		ssize_t r;

		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - t0.tv_sec > seconds) {
			kill(pid, SIGKILL);
			break;
		}
		if (poll(&pf, 1, 500) <= 0)
			continue;
		if (cap - len < 4096) {
			char *nb = realloc(buf, cap + 65536);

			if (!nb)
				break;
			buf = nb;
			cap += 65536;
		}
		if ((r = read(p[0], buf + len, cap - len - 1)) <= 0)
			break;
		len += (size_t)r;
	}
	close(p[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (buf)
		buf[len] = '\0';
	*out = buf;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* ---- scanners ------------------------------------------------------------ */

/* GET /api/devices -> [{name, vendor, model, type, sources, modes,
 * resolutions, dpi_min, dpi_max, unmapped, error}] (`sohoa devices
 * --json` in a child: SANE stays out of sohoad's process). */
static int h_devices(sohoa_web_request *req, sohoa_web_response *resp,
                     void *payload)
{
	static const char *const args[] = {"devices", "--json", NULL};
	char *out = NULL;
	json_t *list;
	int st;

	(void)req;
	st = run_sohoa(&out, payload, args, 60);
	list = out ? json_loads(out, 0, NULL) : NULL;
	free(out);
	if (st != 0 || !json_is_array(list)) {
		json_decref(list);
		return sohoa_web_error(
		    resp, 503, NULL,
		    "Không đọc được danh sách máy quét (SANE); "
		    "kiểm tra máy quét đã bật và kết nối");
	}
	resp->json = json_pack("{s:o}", "devices", list);
	return resp->json ? SOHOA_OK : oom(resp);
}

/* ---- procedures ---------------------------------------------------------- */

/* The built-in list ([web] procedures = "" ): common procedures at a
 * commune centre and the components staff usually receive.  Procedure
 * codes differ by province and version, so none are compiled in; a
 * file in [web] procedures may give them ("code"). */
static const char builtin_procedures[] =
    "{\"procedures\":["
    "{\"name\":\"Đăng ký khai sinh\",\"components\":["
    "\"Tờ khai đăng ký khai sinh\",\"Giấy chứng sinh\","
    "\"Căn cước của người đi đăng ký\",\"Giấy tờ chứng minh nơi cư trú\","
    "\"Văn bản ủy quyền\"]},"
    "{\"name\":\"Đăng ký kết hôn\",\"components\":["
    "\"Tờ khai đăng ký kết hôn\",\"Căn cước của bên nam\","
    "\"Căn cước của bên nữ\",\"Giấy xác nhận tình trạng hôn nhân\"]},"
    "{\"name\":\"Đăng ký khai tử\",\"components\":["
    "\"Tờ khai đăng ký khai tử\",\"Giấy báo tử\","
    "\"Căn cước của người đi đăng ký\"]},"
    "{\"name\":\"Đăng ký thường trú\",\"components\":["
    "\"Tờ khai thay đổi thông tin cư trú\","
    "\"Giấy tờ chứng minh chỗ ở hợp pháp\",\"Căn cước\"]},"
    "{\"name\":\"Chứng thực bản sao từ bản chính\",\"components\":["
    "\"Bản chính giấy tờ\",\"Bản sao cần chứng thực\","
    "\"Căn cước của người yêu cầu\"]},"
    "{\"name\":\"Cấp Giấy chứng nhận quyền sử dụng đất lần đầu\","
    "\"components\":[\"Đơn đăng ký, cấp Giấy chứng nhận\","
    "\"Giấy tờ về quyền sử dụng đất\",\"Sơ đồ thửa đất\","
    "\"Căn cước của người sử dụng đất\"]}"
    "]}";

/* Check a procedures document: {"procedures":[{"name","code"?,
 * "components":[names]}...]}; NULL reply = ok, else why (English). */
static const char *procedures_problem(json_t *doc)
{
	json_t *a = json_object_get(doc, "procedures");

	if (!json_is_array(a) || json_array_size(a) == 0)
		return "expected {\"procedures\": [...]} with at least one";
	for (size_t i = 0; i < json_array_size(a); i++) {
		json_t *p = json_array_get(a, i), *c;

		c = json_object_get(p, "components");
		if (!jstr(p, "name") || !json_is_array(c))
			return "each procedure needs \"name\" and "
			       "\"components\"";
		for (size_t k = 0; k < json_array_size(c); k++)
			if (!json_string_value(json_array_get(c, k)))
				return "components are names (strings)";
	}
	return NULL;
}

/* GET /api/desk/procedures -> {"procedures":[{name, code?, components}]}
 * from [web] procedures, or the built-in list. */
static int h_procedures(sohoa_web_request *req, sohoa_web_response *resp,
                        void *payload)
{
	const struct cli_web *w = payload;
	const char *path = sohoa_config_get(w->cfg, "web.procedures");
	json_error_t err;
	json_t *doc;
	const char *why;

	(void)req;
	doc = path && path[0] ? json_load_file(path, 0, &err)
	                      : json_loads(builtin_procedures, 0, &err);
	if (!doc)
		return sohoa_web_error(
		    resp, 500, NULL,
		    "[web] procedures %s: line %d: %s; fix "
		    "the file or leave the key empty for the "
		    "built-in list",
		    path, err.line, err.text);
	if ((why = procedures_problem(doc))) {
		json_decref(doc);
		return sohoa_web_error(resp, 500, NULL,
		                       "[web] procedures %s: %s", path, why);
	}
	resp->json = doc;
	return SOHOA_OK;
}

/* ---- case numbers -------------------------------------------------------- */

/* sohoa_case_normalize's reason, said for front-desk staff. */
static const char *case_problem_vi(const char *why)
{
	static const char *const map[][2] = {
	    {"empty", "Chưa nhập mã hồ sơ."},
	    {"too long", "Mã hồ sơ quá dài."},
	    {"missing", "Thiếu ngày tiếp nhận hoặc số thứ tự: mã hồ sơ có "
	                "dạng MÃ CƠ QUAN-YYMMDD-SỐ THỨ TỰ, ví dụ "
	                "000.00.22.H27-250701-0001."},
	    {"agency code", "Mã cơ quan không hợp lệ: chỉ gồm chữ số, chữ in "
	                    "hoa và dấu chấm (tối đa 7 nhóm, mỗi nhóm tối đa "
	                    "10 ký tự)."},
	    {"6 digits", "Ngày tiếp nhận phải gồm 6 chữ số YYMMDD."},
	    {"real date", "Ngày tiếp nhận không có thật: kiểm tra ngày và "
	                  "tháng (YYMMDD)."},
	    {"sequence", "Số thứ tự phải gồm 4 đến 12 chữ số."},
	};

	/* "invalid case number 'X': WHY; expected SHAPE": only WHY */
	const char *from = strstr(why, "': "), *to;
	char part[200];

	from = from ? from + 3 : why;
	to = strstr(from, "; expected");
	snprintf(part, sizeof(part), "%.*s",
	         (int)(to ? (size_t)(to - from) : strlen(from)), from);
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strstr(part, map[i][0]))
			return map[i][1];
	return "Mã hồ sơ không hợp lệ.";
}

/* Normalize; on failure *vi gets the Vietnamese reason. */
static int check_case(char norm[SOHOA_CASE_MAX], const char *in,
                      const char **vi)
{
	int rc = sohoa_case_normalize(norm, in ? in : "");

	*vi = rc ? case_problem_vi(sohoa_error_last()) : NULL;
	return rc;
}

/* GET /api/desk/case?number=N -> {"valid":true,"case":NORMALIZED,
 * "receipt_date":"YYYY-MM-DD","archived":B} or {"valid":false,
 * "error":VIETNAMESE} (200 either way: a check, not a failure). */
static int h_case(sohoa_web_request *req, sohoa_web_response *resp,
                  void *payload)
{
	const struct cli_web *w = payload;
	const char *in = sohoa_web_query(req, "number"), *vi;
	char norm[SOHOA_CASE_MAX], date[11] = "", *bundle = NULL;
	int archived = 0;

	if (check_case(norm, in, &vi)) {
		resp->json = json_pack("{s:b, s:s}", "valid", 0, "error", vi);
		return resp->json ? SOHOA_OK : oom(resp);
	}
	sohoa_case_receipt_date(date, norm);
	if (sohoa_archive_bundle_path(&bundle,
	                              sohoa_config_get(w->cfg, "archive.root"),
	                              norm) == SOHOA_OK)
		archived = access(bundle, F_OK) == 0;
	free(bundle);
	resp->json = json_pack("{s:b, s:s, s:s, s:b}", "valid", 1, "case", norm,
	                       "receipt_date", date, "archived", archived);
	return resp->json ? SOHOA_OK : oom(resp);
}

/* ---- drafts -------------------------------------------------------------- */

/* Committed drafts, to say where they were filed once the spool job is
 * gone (the last few hundred; a restart forgets them). */
#define KEEP_COMMITTED 256
struct committed {
	char id[128];
	char case_no[SOHOA_CASE_MAX];
	char component[256];
	char first_time[21]; /* capture time of the first kept page */
	size_t pages;
	char by[64];
};
static struct committed committed[KEEP_COMMITTED];
static size_t ncommitted;
static pthread_mutex_t committed_lock = PTHREAD_MUTEX_INITIALIZER;

static int find_committed(struct committed *out, const char *id)
{
	int found = 0;

	pthread_mutex_lock(&committed_lock);
	for (size_t i = 0; i < ncommitted && i < KEEP_COMMITTED; i++)
		if (!strcmp(committed[i].id, id)) {
			*out = committed[i];
			found = 1;
		}
	pthread_mutex_unlock(&committed_lock);
	return found;
}

static void remember_committed(const struct committed *c)
{
	pthread_mutex_lock(&committed_lock);
	committed[ncommitted++ % KEEP_COMMITTED] = *c;
	pthread_mutex_unlock(&committed_lock);
}

/* ---- desk_view: who saw which ID-card page of which draft ---------------
 * A draft's page with identity data (an ID card, a page the OCR read
 * identity fields on, or a page not recognized yet, which may be either;
 * see personal_page) is audited as desk_view the first time a user is
 * shown it (preview or fields), not at every poll of the page: once per
 * user, draft and page while sohoad runs (a restart, or more than
 * SEEN_MAX views since, audits it again: more entries, never fewer). */
#define SEEN_MAX 4096
static char (*seen)[256]; /* ring of "USER\tJOB\tFILE" */
static size_t nseen;
static pthread_mutex_t seen_lock = PTHREAD_MUTEX_INITIALIZER;

static int seen_has(const char *key)
{
	for (size_t i = 0; i < nseen && i < SEEN_MAX; i++)
		if (!strcmp(seen[i], key))
			return 1;
	return 0;
}

/* Audit user's view of page `file` of draft `job` unless done before.
 * Non-zero when the audit trail cannot be written (nothing may be shown
 * then). */
static int desk_view(sohoa_web_request *req, const char *job, const char *file,
                     const char *case_number, const char *what)
{
	sohoa_audit *a = sohoa_web_audit(req);
	const char *user = sohoa_web_user(req) ? sohoa_web_user(req) : "-";
	char key[256], detail[400];
	int rc = SOHOA_OK;

	if (!a)
		return 0;
	snprintf(key, sizeof(key), "%s\t%s\t%s", user, job, file);
	snprintf(detail, sizeof(detail), "draft %s page %s (%s)", job, file,
	         what);
	pthread_mutex_lock(&seen_lock);
	if (!seen && !(seen = calloc(SEEN_MAX, sizeof(*seen)))) {
		pthread_mutex_unlock(&seen_lock);
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	}
	if (!seen_has(key)) {
		rc = sohoa_audit_log(a, user, "desk_view", case_number, detail);
		if (rc == SOHOA_OK)
			snprintf(seen[nseen++ % SEEN_MAX], sizeof(*seen), "%s",
			         key);
	}
	pthread_mutex_unlock(&seen_lock);
	if (rc != SOHOA_OK)
		sohoa_log(SOHOA_LOG_ERROR,
		          "desk_view of %s by %s: the audit trail cannot be "
		          "written (%s); the page is not shown",
		          detail, user, sohoa_error_last());
	return rc != SOHOA_OK;
}

/* May the page show identity data?  An ID card, a page the OCR read
 * identity fields on (an application form names its applicant), or a
 * page not recognized yet. */
static int personal_page(json_t *ocr)
{
	const char *t = jstr(ocr, "document_type");

	return json_is_null(ocr) || !t || !strncmp(t, "id_card", 7) ||
	       json_object_size(json_object_get(ocr, "fields")) > 0;
}

/* ---- the records of committed drafts on disk ----------------------------- */

#define FILED_KEEP_DAYS 30

/* "<folder of the spool>/desk-filed".  *out owned. */
static int filed_dir(char **out, const struct cli_web *w)
{
	const char *spool = sohoa_config_get(w->cfg, "spool.path");
	size_t n = strlen(spool);

	while (n > 1 && spool[n - 1] == '/') /* "a/spool/" is "a/spool" */
		n--;
	while (n > 0 && spool[n - 1] != '/')
		n--;
	/* n: the length of "a/" (0 for a spool named without a folder) */
	if (n == 0)
		return sohoa_asprintf(out, "desk-filed");
	return sohoa_asprintf(out, "%.*sdesk-filed", (int)n, spool);
}

/* Remove records older than FILED_KEEP_DAYS. */
static void prune_filed(const char *dir)
{
	time_t limit = time(NULL) - (time_t)FILED_KEEP_DAYS * 86400;
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name);
		char *path = NULL;
		struct stat st;

		if (e->d_name[0] == '.' || n < 6 ||
		    strcmp(e->d_name + n - 5, ".json") ||
		    sohoa_asprintf(&path, "%s/%s", dir, e->d_name) != SOHOA_OK)
			continue;
		if (stat(path, &st) == 0 && st.st_mtime < limit &&
		    unlink(path) != 0)
			sohoa_log(SOHOA_LOG_WARN, "cannot remove %s: %s", path,
			          strerror(errno));
		free(path);
	}
	closedir(d);
}

/* Keep the record of a committed draft on disk (atomic write). */
static int store_committed(const struct cli_web *w, const struct committed *c)
{
	char *dir = NULL, *path = NULL, *text = NULL, now[21], *bundle = NULL;
	json_t *o;
	int rc;

	sohoa_time_iso8601(now);
	if ((rc = filed_dir(&dir, w)) ||
	    (rc = sohoa_archive_bundle_path(
	         &bundle, sohoa_config_get(w->cfg, "archive.root"),
	         c->case_no)) ||
	    (rc = sohoa_asprintf(&path, "%s/%s.json", dir, c->id)))
		goto done;
	o = json_pack("{s:s, s:s, s:s, s:I, s:s, s:s, s:s, s:s}", "job", c->id,
	              "case", c->case_no, "component", c->component, "pages",
	              (json_int_t)c->pages, "first_capture_time", c->first_time,
	              "by", c->by, "committed_at", now, "bundle",
	              strrchr(bundle, '/') ? strrchr(bundle, '/') + 1 : bundle);
	text = o ? json_dumps(o, JSON_INDENT(1) | JSON_PRESERVE_ORDER) : NULL;
	json_decref(o);
	if (!text) {
		rc = sohoa_error_set(SOHOA_ENOMEM, "out of memory");
		goto done;
	}
	if ((rc = sohoa_fs_mkdirs(dir)) ||
	    (rc = sohoa_fs_write_atomic(path, text, strlen(text))))
		goto done;
	prune_filed(dir);
done:
	free(text);
	free(path);
	free(bundle);
	free(dir);
	return rc;
}

/* The record of committed draft `id` (a job folder name) from disk. */
static int load_committed(struct committed *out, const struct cli_web *w,
                          const char *id)
{
	char *dir = NULL, *path = NULL;
	json_t *o = NULL;
	int found = 0;

	if (filed_dir(&dir, w) == SOHOA_OK &&
	    sohoa_asprintf(&path, "%s/%s.json", dir, id) == SOHOA_OK &&
	    (o = json_load_file(path, 0, NULL)) && jstr(o, "case") &&
	    jstr(o, "component")) {
		memset(out, 0, sizeof(*out));
		snprintf(out->id, sizeof(out->id), "%s", id);
		snprintf(out->case_no, sizeof(out->case_no), "%s",
		         jstr(o, "case"));
		snprintf(out->component, sizeof(out->component), "%s",
		         jstr(o, "component"));
		snprintf(out->first_time, sizeof(out->first_time), "%s",
		         jstr(o, "first_capture_time")
		             ? jstr(o, "first_capture_time")
		             : "");
		snprintf(out->by, sizeof(out->by), "%s",
		         jstr(o, "by") ? jstr(o, "by") : "");
		out->pages =
		    (size_t)json_integer_value(json_object_get(o, "pages"));
		found = 1;
	}
	json_decref(o);
	free(path);
	free(dir);
	return found;
}

/* A job id from a URL: a folder name in the spool, nothing more. */
static int job_dir(char **dir, const struct cli_web *w, const char *id,
                   size_t len)
{
	if (len == 0 || len > 120 || id[0] == '.' || memchr(id, '/', len))
		return SOHOA_EINVALID;
	return sohoa_asprintf(dir, "%s/%.*s",
	                      sohoa_config_get(w->cfg, "spool.path"), (int)len,
	                      id);
}

static const char *file_of(const sohoa_scan_page *pg)
{
	const char *s = strrchr(pg->path, '/');

	return s ? s + 1 : pg->path;
}

/* The page's OCR analysis with staff's decisions beside each field
 * ("staff": {"value","by","at"}), or null while it is not recognized.
 * "rotation" is the turn the OCR found (staff's turn goes on top of it);
 * "view_rotation" the staff turn the reading was made with (*view). */
static json_t *page_ocr(const sohoa_scan_job *sj, const sohoa_scan_page *pg,
                        int *view)
{
	static const char *const keys[] = {"blank",
	                                   "rotation",
	                                   "view_rotation",
	                                   "mean_confidence",
	                                   "document_type",
	                                   "case_number",
	                                   "case_number_candidate",
	                                   "case_number_problem",
	                                   "codes",
	                                   "needs_review"};
	sohoa_ocr_result r;
	char *analysis = NULL;
	json_t *an = NULL, *fields, *out;

	sohoa_ocr_result_init(&r);
	if (cli_ocr_result_load(pg->path, &r, &analysis) == SOHOA_OK &&
	    analysis)
		an = json_loads(analysis, 0, NULL);
	sohoa_ocr_result_dispose(&r);
	*view = 0;
	if (an) {
		int det = 0;

		cli_analysis_turn(analysis, view, &det);
		json_object_set_new(an, "rotation", json_integer(det));
		json_object_set_new(an, "view_rotation", json_integer(*view));
	}
	free(analysis);
	if (!an)
		return json_null();
	fields = json_object_get(an, "fields"); /* {NAME: {value...}} */
	for (size_t k = 0; k < sohoa_scan_job_ncorrections(sj); k++) {
		sohoa_scan_correction c;
		json_t *f;

		if (sohoa_scan_job_correction(sj, k, &c) != SOHOA_OK ||
		    strcmp(c.file, file_of(pg)))
			continue;
		if (!json_is_object(fields)) {
			fields = json_object();
			json_object_set_new(an, "fields", fields);
		}
		if (!(f = json_object_get(fields, c.field))) {
			f = json_pack("{s:n, s:s, s:f, s:b, s:[]}", "value",
			              "source", "staff", "confidence", 1.0,
			              "valid", 1, "problems");
			json_object_set_new(fields, c.field, f);
		}
		json_object_set_new(f, "staff",
		                    json_pack("{s:s, s:s, s:s}", "value",
		                              c.value, "by", c.by ? c.by : "-",
		                              "at", c.time ? c.time : ""));
	}
	/* the page's text is for search, not for this page: keep it small */
	out = json_object();
	for (size_t i = 0; out && i < sizeof(keys) / sizeof(keys[0]); i++) {
		json_t *v = json_object_get(an, keys[i]);

		json_object_set_new(out, keys[i],
		                    v ? json_incref(v)
		                    : !strcmp(keys[i], "codes") ||
		                            !strcmp(keys[i], "needs_review")
		                        ? json_array()
		                        : json_null());
	}
	if (out)
		json_object_set_new(out, "fields",
		                    json_is_object(fields) ? json_incref(fields)
		                                           : json_object());
	json_decref(an);
	return out ? out : json_null();
}

/* Where a committed draft went: its case's bundle, the revision and the
 * first page its first kept page became. */
static json_t *filed_info(const struct cli_web *w, const struct committed *c)
{
	sohoa_archive_case *ac = NULL;
	char *bundle = NULL;
	json_t *meta = NULL, *pages, *out = NULL;

	if (sohoa_archive_bundle_path(&bundle,
	                              sohoa_config_get(w->cfg, "archive.root"),
	                              c->case_no) != SOHOA_OK ||
	    sohoa_archive_case_open_locked(&ac, bundle) != SOHOA_OK ||
	    !(meta = json_loads(sohoa_archive_case_metadata(ac), 0, NULL)))
		goto done;
	pages = json_object_get(meta, "pages");
	for (size_t i = 0; i < json_array_size(pages) && !out; i++) {
		json_t *p = json_array_get(pages, i);

		if (jstr(p, "component") && jstr(p, "capture_time") &&
		    !strcmp(jstr(p, "component"), c->component) &&
		    !strcmp(jstr(p, "capture_time"), c->first_time)) {
			const char *slash = strrchr(bundle, '/');

			out = json_pack(
			    "{s:s, s:s, s:s, s:I, s:I, s:I, s:I}", "case",
			    c->case_no, "component", c->component, "bundle",
			    slash ? slash + 1 : bundle, "revision",
			    json_integer_value(json_object_get(p, "revision")),
			    "first_page",
			    json_integer_value(json_object_get(p, "page")),
			    "pages", (json_int_t)c->pages, "revisions",
			    (json_int_t)json_array_size(
			        json_object_get(meta, "revisions")));
		}
	}
done:
	json_decref(meta);
	sohoa_archive_case_free(ac);
	free(bundle);
	return out;
}

/* A committed draft that sohoad could not file: the fault its stages
 * keep (`sohoa status`), or NULL.  *out owned. */
static char *stage_fault(const struct cli_web *w, const char *id)
{
	char *answer = NULL, *out = NULL;
	json_t *st, *jobs;

	if (cli_control_call(&answer, w->cfg, "{\"cmd\":\"status\"}") !=
	    SOHOA_OK)
		return NULL;
	st = json_loads(answer, JSON_DISABLE_EOF_CHECK, NULL);
	free(answer);
	jobs = json_object_get(st, "jobs");
	for (size_t i = 0; i < json_array_size(jobs) && !out; i++) {
		json_t *j = json_array_get(jobs, i);

		if (jstr(j, "id") && !strcmp(jstr(j, "id"), id) &&
		    jstr(j, "error"))
			out = strdup(jstr(j, "error"));
	}
	json_decref(st);
	return out;
}

/* GET /api/desk/job/ID: the draft as the page shows it; the fields of
 * an ID-card page are audited (desk_view) the first time a user sees
 * them. */
static int get_job(sohoa_web_request *req, sohoa_web_response *resp,
                   const struct cli_web *w, const char *id, const char *dir)
{
	sohoa_scan_job *sj = NULL;
	const sohoa_scan_job_params *p;
	sohoa_scan_view_page *v = NULL;
	struct committed c;
	json_t *pages, *o;
	size_t n = 0;
	int rc = sohoa_scan_job_open(&sj, dir, 1);

	if (rc == SOHOA_ENOTFOUND || (rc && access(dir, F_OK) != 0)) {
		json_t *filed;

		if (!find_committed(&c, id) && !load_committed(&c, w, id))
			return sohoa_web_error(resp, 404, NULL,
			                       "Không có hồ sơ nháp %s", id);
		if (!(filed = filed_info(w, &c)))
			return sohoa_web_error(
			    resp, 500, NULL,
			    "Hồ sơ nháp %s đã rời hàng đợi nhưng "
			    "không thấy trong hồ sơ lưu trữ %s",
			    id, c.case_no);
		resp->json = json_pack("{s:s, s:s, s:s, s:s, s:b, s:o}", "job",
		                       id, "case", c.case_no, "component",
		                       c.component, "state", "indexed",
		                       "committed", 1, "filed", filed);
		return resp->json ? SOHOA_OK : oom(resp);
	}
	if (rc)
		return sohoa_web_error(resp, 500, NULL, "%s",
		                       sohoa_error_last());
	p = sohoa_scan_job_get_params(sj);
	if (!sohoa_scan_job_is_draft(sj)) {
		sohoa_scan_job_free(sj);
		return sohoa_web_error(resp, 404, NULL,
		                       "%s không phải hồ sơ nháp của bộ phận "
		                       "tiếp nhận",
		                       id);
	}
	if ((rc = sohoa_scan_job_view(sj, &v, &n)) || !(pages = json_array())) {
		sohoa_scan_job_free(sj);
		free(v);
		return oom(resp);
	}
	for (size_t i = 0; i < n; i++) {
		const sohoa_scan_page *pg = sohoa_scan_job_page(sj, v[i].page);
		int view = 0;
		json_t *ocr = page_ocr(sj, pg, &view);
		if (!json_is_null(ocr) && personal_page(ocr) &&
		    desk_view(req, id, file_of(pg), p->case_number,
		              "identity data: image and fields")) {
			json_decref(ocr);
			json_decref(pages);
			free(v);
			sohoa_scan_job_free(sj);
			return sohoa_web_error(resp, 503, NULL, "%s",
			                       CLI_WEB_AUDIT_DOWN_VI);
		}

		/* stale: read for another turn than staff's last; sohoad's
		 * OCR workers read it again (a removed page is not filed) */
		json_array_append_new(
		    pages,
		    json_pack("{s:s, s:i, s:i, s:b, s:s?, s:i, s:i, s:i, s:b, "
		              "s:o}",
		              "file", file_of(pg), "captured_as",
		              (int)v[i].page + 1, "rotation", v[i].rotation,
		              "removed", v[i].removed, "capture_time",
		              pg->capture_time, "width", pg->width, "height",
		              pg->height, "dpi", pg->dpi, "stale",
		              !json_is_null(ocr) && !v[i].removed &&
		                  view != v[i].rotation,
		              "ocr", ocr));
	}
	free(v);
	o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s?, s:s?, s:s?, s:i, s:b, "
	              "s:b, s:s?, s:s?, s:s?, s:o}",
	              "job", id, "case", p->case_number, "component",
	              p->component, "kind", p->kind, "state",
	              sohoa_scan_job_state(sj), "device", p->scan.device,
	              "source", p->scan.source, "mode", p->scan.mode, "dpi",
	              p->scan.dpi, "busy", sohoa_scan_job_busy(sj), "committed",
	              !sohoa_scan_job_held(sj), "committed_by",
	              sohoa_scan_job_committed_by(sj), "committed_at",
	              sohoa_scan_job_committed_at(sj), "error",
	              sohoa_scan_job_error(sj), "pages", pages);
	if (o && !sohoa_scan_job_held(sj)) {
		char *fault = stage_fault(w, id);

		if (fault)
			json_object_set_new(o, "filing_error",
			                    json_string(fault));
		free(fault);
	}
	sohoa_scan_job_free(sj);
	resp->json = o;
	return o ? SOHOA_OK : oom(resp);
}

/* Open a draft for a change; answers the page itself on failure
 * (returns non-zero then). */
static int open_draft(sohoa_scan_job **sj, sohoa_web_response *resp,
                      const char *id, const char *dir)
{
	int rc = sohoa_scan_job_open(sj, dir, 0);

	if (rc == SOHOA_ENOTFOUND)
		sohoa_web_error(resp, 404, NULL, "Không có hồ sơ nháp %s", id);
	else if (rc == SOHOA_EBUSY)
		sohoa_web_error(
		    resp, 409, NULL,
		    "Máy quét đang quét vào hồ sơ này: chờ quét xong "
		    "rồi thử lại");
	else if (rc)
		sohoa_web_error(resp, 500, NULL, "%s", sohoa_error_last());
	if (rc)
		return 1;
	if (!sohoa_scan_job_is_draft(*sj) || !sohoa_scan_job_held(*sj)) {
		int was_draft = sohoa_scan_job_is_draft(*sj);

		sohoa_scan_job_free(*sj);
		*sj = NULL;
		sohoa_web_error(resp, 409, NULL, "%s",
		                was_draft ? "Hồ sơ này đã được chuyển lưu trữ, "
		                            "không sửa được nữa"
		                          : "Đây không phải hồ sơ nháp");
		return 1;
	}
	return 0;
}

/* Send a scan of `id` to sohoad's queue. */
static int queue_scan(char **request_id, const struct cli_web *w,
                      const char *id, const char *device, const char *case_no)
{
	json_t *q = json_pack("{s:s, s:s, s:s, s:s, s:b}", "cmd", "scan", "job",
	                      id, "device", device ? device : "", "case",
	                      case_no, "hold", 1),
	       *reply = NULL;
	char *text = q ? json_dumps(q, JSON_COMPACT) : NULL, *answer = NULL;
	int rc;

	*request_id = NULL;
	json_decref(q);
	if (!text)
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	rc = cli_control_call(&answer, w->cfg, text);
	free(text);
	if (rc)
		return rc;
	reply = json_loads(answer, JSON_DISABLE_EOF_CHECK, NULL);
	free(answer);
	if (!json_is_true(json_object_get(reply, "ok")))
		rc = sohoa_error_set(SOHOA_EBUSY, "sohoad refused the scan: %s",
		                     jstr(reply, "error") ? jstr(reply, "error")
		                                          : "no answer");
	else if (!(*request_id =
	               strdup(jstr(reply, "id") ? jstr(reply, "id") : "")))
		rc = sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	json_decref(reply);
	return rc;
}

static int is_one_of(const char *v, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(v, *list))
			return 1;
	return 0;
}

/* POST /api/desk/scan: a new draft ({case, component, kind?, device?,
 * source?, mode?, dpi?, set?}) or more pages into one ({job}). */
static int h_scan(sohoa_web_request *req, sohoa_web_response *resp,
                  void *payload)
{
	static const char *const sources[] = {"flatbed", "adf", "duplex", NULL};
	static const char *const modes[] = {"color", "gray", "lineart", NULL};
	static const char *const kinds[] = {"component", "result", NULL};
	const struct cli_web *w = payload;
	json_t *b = sohoa_web_body_json(req), *set;
	const char *id = jstr(b, "job"), *vi, *component, *source, *mode;
	const char *kind, *device, *sets[MAX_SET];
	char norm[SOHOA_CASE_MAX], *dir = NULL, *rid = NULL;
	sohoa_scan_job *sj = NULL;
	sohoa_scan_job_params p = {0};
	json_int_t dpi;
	int rc;

	if (!json_is_object(b))
		return sohoa_web_error(resp, 400, NULL,
		                       "expected a JSON object");
	if (id) { /* more pages into a draft */
		const sohoa_scan_job_params *jp;
		char dev[256], cno[SOHOA_CASE_MAX], prev[32], perr[512];

		if (job_dir(&dir, w, id, strlen(id)))
			return sohoa_web_error(resp, 400, "job",
			                       "Mã hồ sơ nháp không hợp lệ");
		if (open_draft(&sj, resp, id, dir)) {
			free(dir);
			return SOHOA_OK;
		}
		jp = sohoa_scan_job_get_params(sj);
		snprintf(dev, sizeof(dev), "%s",
		         jp->scan.device ? jp->scan.device : "");
		snprintf(cno, sizeof(cno), "%s", jp->case_number);
		snprintf(prev, sizeof(prev), "%s", sohoa_scan_job_state(sj));
		snprintf(perr, sizeof(perr), "%s",
		         sohoa_scan_job_error(sj) ? sohoa_scan_job_error(sj)
		                                  : "");
		rc = strcmp(prev, SOHOA_SCAN_JOB_CAPTURING)
		         ? sohoa_scan_job_set_state(
		               sj, SOHOA_SCAN_JOB_CAPTURING, NULL)
		         : SOHOA_OK;
		sohoa_scan_job_free(sj);
		if (rc == SOHOA_OK &&
		    (rc = queue_scan(&rid, w, id, dev, cno))) {
			char msg[1024];

			/* not queued: the draft is as it was (when nobody
			 * took it meanwhile) */
			snprintf(msg, sizeof(msg), "%s", sohoa_error_last());
			if (strcmp(prev, SOHOA_SCAN_JOB_CAPTURING) &&
			    sohoa_scan_job_open(&sj, dir, 0) == SOHOA_OK) {
				sohoa_scan_job_set_state(sj, prev,
				                         perr[0] ? perr : NULL);
				sohoa_scan_job_free(sj);
			}
			sohoa_error_set(rc, "%s", msg);
		}
		free(dir);
		if (rc)
			return sohoa_web_error(resp, 503, NULL,
			                       "Không gửi được lệnh quét: %s",
			                       sohoa_error_last());
		resp->json = json_pack("{s:s, s:s}", "job", id, "request", rid);
		free(rid);
		return resp->json ? SOHOA_OK : oom(resp);
	}
	/* a receipt: the number is read from the page (POST .../case) */
	if (json_is_true(json_object_get(b, "receipt")) && !jstr(b, "case"))
		norm[0] = '\0';
	else if (check_case(norm, jstr(b, "case"), &vi))
		return sohoa_web_error(resp, 400, "case", "%s", vi);
	component = jstr(b, "component");
	if (!component || !component[0] || strlen(component) > 200)
		return sohoa_web_error(resp, 400, "component",
		                       "Chọn hoặc nhập tên thành phần hồ sơ");
	kind = jstr(b, "kind") ? jstr(b, "kind") : "component";
	source = jstr(b, "source");
	mode = jstr(b, "mode");
	device = jstr(b, "device");
	if (!is_one_of(kind, kinds))
		return sohoa_web_error(resp, 400, "kind",
		                       "kind must be component or result");
	if (source && !is_one_of(source, sources))
		return sohoa_web_error(resp, 400, "source",
		                       "Nguồn giấy không hợp lệ");
	if (mode && !is_one_of(mode, modes))
		return sohoa_web_error(resp, 400, "mode",
		                       "Chế độ màu không hợp lệ");
	dpi = json_integer_value(json_object_get(b, "dpi"));
	if (json_object_get(b, "dpi") && (dpi < 50 || dpi > 1200))
		return sohoa_web_error(resp, 400, "dpi",
		                       "Độ phân giải phải từ 50 đến 1200 dpi");
	set = json_object_get(b, "set");
	if (json_array_size(set) > MAX_SET)
		return sohoa_web_error(resp, 400, "set",
		                       "Quá nhiều tùy chọn thiết bị");
	for (size_t i = 0; i < json_array_size(set); i++) {
		sets[i] = json_string_value(json_array_get(set, i));
		if (!sets[i] || !strchr(sets[i], '=') || sets[i][0] == '=')
			return sohoa_web_error(resp, 400, "set",
			                       "Tùy chọn thiết bị phải có dạng "
			                       "TÊN=GIÁ TRỊ");
	}
	p.what = "scan";
	p.case_number = norm;
	p.component = component;
	p.kind = kind;
	p.hold = 1;
	p.scan.device = device && device[0]
	                    ? device
	                    : sohoa_config_get(w->cfg, "scanner.device");
	p.scan.source =
	    source ? source : sohoa_config_get(w->cfg, "scanner.source");
	p.scan.mode = mode ? mode : sohoa_config_get(w->cfg, "scanner.mode");
	p.scan.dpi =
	    dpi ? (int)dpi : sohoa_config_get_int(w->cfg, "scanner.resolution");
	p.scan.set = sets;
	p.scan.nset = json_array_size(set);
	if ((rc = sohoa_scan_job_create(
	         &sj, sohoa_config_get(w->cfg, "spool.path"), &p)))
		return sohoa_web_error(resp, 500, NULL,
		                       "Không tạo được hồ sơ nháp: %s",
		                       sohoa_error_last());
	{
		char jid[256], jd[4096];

		snprintf(jid, sizeof(jid), "%s", sohoa_scan_job_id(sj));
		snprintf(jd, sizeof(jd), "%s", sohoa_scan_job_dir(sj));
		sohoa_scan_job_free(sj); /* the capture child takes it */
		if ((rc = queue_scan(&rid, w, jid, p.scan.device, norm))) {
			char msg[1024];

			snprintf(msg, sizeof(msg), "%s", sohoa_error_last());
			sohoa_fs_remove_tree(jd); /* empty: nothing lost */
			return sohoa_web_error(resp, 503, NULL,
			                       "Không gửi được lệnh quét: %s",
			                       msg);
		}
		resp->json = json_pack("{s:s, s:s, s:s}", "job", jid, "request",
		                       rid, "case", norm);
	}
	free(rid);
	return resp->json ? SOHOA_OK : oom(resp);
}

/* POST .../view {"pages":[{"file","rotation","removed"}...]} */
static int post_view(sohoa_web_response *resp, sohoa_scan_job *sj, json_t *b,
                     const char *user)
{
	json_t *a = json_object_get(b, "pages");
	size_t n = json_array_size(a);
	sohoa_scan_view_page *v = calloc(n ? n : 1, sizeof(*v));
	int rc = SOHOA_OK;

	if (!v)
		return oom(resp);
	for (size_t i = 0; i < n && rc == SOHOA_OK; i++) {
		json_t *e = json_array_get(a, i);
		const char *f = jstr(e, "file");
		size_t k = 0;

		while (f && k < sohoa_scan_job_npages(sj) &&
		       strcmp(file_of(sohoa_scan_job_page(sj, k)), f))
			k++;
		if (!f || k == sohoa_scan_job_npages(sj))
			rc = sohoa_error_set(SOHOA_EINVALID, "no page %s",
			                     f ? f : "(none)");
		v[i].page = k;
		v[i].rotation =
		    (int)json_integer_value(json_object_get(e, "rotation"));
		v[i].rotation = ((v[i].rotation % 360) + 360) % 360;
		v[i].removed = json_is_true(json_object_get(e, "removed"));
	}
	if (rc == SOHOA_OK)
		rc = sohoa_scan_job_set_view(sj, v, n, user);
	free(v);
	if (rc)
		return sohoa_web_error(resp, 400, "pages", "%s",
		                       sohoa_error_last());
	resp->json = json_pack("{s:b}", "ok", 1);
	return resp->json ? SOHOA_OK : oom(resp);
}

/* Write an audit entry before a change is made: on failure the change is
 * refused (503, in Vietnamese for staff; the reason in English in the
 * log) and nothing is done.  Non-zero when refused. */
static int audit_first(sohoa_web_request *req, sohoa_web_response *resp,
                       const char *user, const char *action,
                       const char *case_number, const char *detail)
{
	sohoa_audit *a = sohoa_web_audit(req);

	if (!a ||
	    sohoa_audit_log(a, user, action, case_number ? case_number : "",
	                    detail) == SOHOA_OK)
		return 0;
	sohoa_log(SOHOA_LOG_ERROR,
	          "%s by %s refused: the audit trail cannot be written: %s; "
	          "check [audit] path and its disk",
	          action, user, sohoa_error_last());
	sohoa_web_error(resp, 503, NULL, "%s", CLI_WEB_AUDIT_DOWN_VI);
	return 1;
}

/* Is `value` what the OCR read for the field of page `file`? */
static int same_as_read(const sohoa_scan_job *sj, const char *file,
                        const char *field, const char *value)
{
	sohoa_ocr_result r;
	char *analysis = NULL;
	json_t *an = NULL;
	const char *read;
	int same = 0;

	for (size_t i = 0; i < sohoa_scan_job_npages(sj); i++) {
		const sohoa_scan_page *pg = sohoa_scan_job_page(sj, i);

		if (strcmp(file_of(pg), file))
			continue;
		sohoa_ocr_result_init(&r);
		if (cli_ocr_result_load(pg->path, &r, &analysis) == SOHOA_OK &&
		    analysis)
			an = json_loads(analysis, 0, NULL);
		sohoa_ocr_result_dispose(&r);
		break;
	}
	read = json_string_value(json_object_get(
	    json_object_get(json_object_get(an, "fields"), field), "value"));
	same = read && !strcmp(read, value);
	json_decref(an);
	free(analysis);
	return same;
}

/* POST .../field {"file","field","value"}: confirm (same value as the
 * OCR read) or correct; audited as field_correct (names, not values:
 * the audit trail holds no personal data). */
static int post_field(sohoa_web_request *req, sohoa_web_response *resp,
                      sohoa_scan_job *sj, json_t *b, const char *user)
{
	const char *file = jstr(b, "file"), *field = jstr(b, "field");
	const char *value = jstr(b, "value");
	char *nfc = NULL, detail[512];
	int rc;

	if (!file || !field || !value || strlen(value) > 400 ||
	    strlen(field) > 64)
		return sohoa_web_error(resp, 400, "value",
		                       "Cần tên trang, tên trường và giá trị");
	if (sohoa_text_nfc(&nfc, value) != SOHOA_OK)
		return sohoa_web_error(
		    resp, 400, "value",
		    "Giá trị không phải văn bản UTF-8 hợp lệ");
	{
		size_t k = 0;

		while (k < sohoa_scan_job_npages(sj) &&
		       strcmp(file_of(sohoa_scan_job_page(sj, k)), file))
			k++;
		if (!field[0] || k == sohoa_scan_job_npages(sj)) {
			free(nfc);
			return sohoa_web_error(resp, 400, "field",
			                       "job %s has no page %s or the "
			                       "field has no name",
			                       sohoa_scan_job_id(sj), file);
		}
	}
	/* audited first: a correction the trail cannot hold is not made */
	snprintf(detail, sizeof(detail), "job %s page %s field %s %s",
	         sohoa_scan_job_id(sj), file, field,
	         same_as_read(sj, file, field, nfc) ? "confirmed as read"
	                                            : "corrected");
	if (audit_first(req, resp, user, "field_correct",
	                sohoa_scan_job_get_params(sj)->case_number, detail)) {
		free(nfc);
		return SOHOA_OK;
	}
	rc = sohoa_scan_job_correct(sj, file, field, nfc, user);
	free(nfc);
	if (rc) {
		sohoa_log(SOHOA_LOG_ERROR,
		          "field_correct audited but not journaled: %s",
		          sohoa_error_last());
		return sohoa_web_error(resp, 500, "field", "%s",
		                       sohoa_error_last());
	}
	resp->json = json_pack("{s:b}", "ok", 1);
	return resp->json ? SOHOA_OK : oom(resp);
}

/* POST .../case {"case"}: the number of a draft started from its
 * receipt page (or typed after it). */
static int post_case(sohoa_web_response *resp, sohoa_scan_job *sj, json_t *b,
                     const char *user)
{
	char norm[SOHOA_CASE_MAX];
	const char *vi;

	if (check_case(norm, jstr(b, "case"), &vi))
		return sohoa_web_error(resp, 400, "case", "%s", vi);
	if (sohoa_scan_job_set_case(sj, norm, user) != SOHOA_OK)
		return sohoa_web_error(resp, 500, NULL, "%s",
		                       sohoa_error_last());
	resp->json = json_pack("{s:b, s:s}", "ok", 1, "case", norm);
	return resp->json ? SOHOA_OK : oom(resp);
}

/* POST .../discard: drop a draft that holds no page (a scan that never
 * got one: wrong device, empty feeder).  A draft with pages is never
 * dropped from here: commit it, or remove its pages and commit the rest. */
static int post_discard(sohoa_web_response *resp, sohoa_scan_job *sj)
{
	if (sohoa_scan_job_npages(sj) > 0)
		return sohoa_web_error(
		    resp, 409, NULL,
		    "Bản nháp đã có trang quét: không bỏ được, "
		    "hãy chuyển lưu trữ");
	if (sohoa_scan_job_remove(sj) != SOHOA_OK)
		return sohoa_web_error(resp, 500, NULL, "%s",
		                       sohoa_error_last());
	resp->json = json_pack("{s:b}", "ok", 1);
	return resp->json ? SOHOA_OK : oom(resp);
}

/* POST .../commit: release the draft to the packer.  Audited first
 * (desk_commit): a filing the audit trail cannot hold is refused. */
static int post_commit(sohoa_web_request *req, sohoa_web_response *resp,
                       const struct cli_web *w, sohoa_scan_job *sj,
                       const char *user)
{
	const sohoa_scan_job_params *p = sohoa_scan_job_get_params(sj);
	sohoa_scan_view_page *v = NULL;
	struct committed c = {0};
	char detail[512];
	size_t n = 0;
	int rc;

	snprintf(c.id, sizeof(c.id), "%s", sohoa_scan_job_id(sj));
	snprintf(c.case_no, sizeof(c.case_no), "%s", p->case_number);
	snprintf(c.component, sizeof(c.component), "%s", p->component);
	snprintf(c.by, sizeof(c.by), "%s", user);
	if (sohoa_scan_job_view(sj, &v, &n) != SOHOA_OK)
		return oom(resp);
	for (size_t i = 0; i < n; i++) {
		const sohoa_scan_page *pg;

		if (v[i].removed)
			continue;
		/* the first page kept: where the draft begins */
		pg = sohoa_scan_job_page(sj, v[i].page);
		if (!c.pages++ && pg && pg->capture_time)
			snprintf(c.first_time, sizeof(c.first_time), "%s",
			         pg->capture_time);
	}
	free(v);
	/* what sohoa_scan_job_commit refuses, said before the audit entry */
	if (c.pages == 0)
		return sohoa_web_error(resp, 409, NULL,
		                       "Hồ sơ chưa có trang nào để lưu");
	if (!c.case_no[0])
		return sohoa_web_error(
		    resp, 409, NULL, "Chưa có mã hồ sơ: nhập mã rồi bấm Enter");
	snprintf(detail, sizeof(detail), "job %s: %zu page%s of \"%s\"", c.id,
	         c.pages, c.pages == 1 ? "" : "s", c.component);
	if (audit_first(req, resp, user, "desk_commit", c.case_no, detail))
		return SOHOA_OK;
	/* we hold the job: a scan left `capturing` died or never started
	 * (its request is still queued: it will find the job captured) */
	rc = !strcmp(sohoa_scan_job_state(sj), SOHOA_SCAN_JOB_CAPTURING)
	         ? sohoa_scan_job_set_state(sj, SOHOA_SCAN_JOB_CAPTURED, NULL)
	         : SOHOA_OK;
	if (rc == SOHOA_OK)
		rc = sohoa_scan_job_commit(sj, user);
	if (rc != SOHOA_OK) {
		char why[512];

		snprintf(why, sizeof(why), "%s", sohoa_error_last());
		sohoa_log(SOHOA_LOG_ERROR,
		          "draft %s: desk_commit audited but not journaled: %s",
		          c.id, why);
		if (sohoa_web_audit(req))
			sohoa_audit_log(sohoa_web_audit(req), user,
			                "desk_commit_failed", c.case_no, why);
		return sohoa_web_error(
		    resp, 409, NULL, "%s",
		    strstr(why, "capturing")
		        ? "Đang quét: chờ quét xong rồi chuyển lưu trữ"
		        : why);
	}
	remember_committed(&c);
	/* committed already: a record not written is logged, not undone (the
	 * answer is then lost at the next restart only) */
	if (store_committed(w, &c) != SOHOA_OK)
		sohoa_log(SOHOA_LOG_ERROR,
		          "draft %s: the record of its commit is not kept: %s",
		          c.id, sohoa_error_last());
	resp->json =
	    json_pack("{s:b, s:s, s:s, s:I}", "ok", 1, "case", c.case_no,
	              "component", c.component, "pages", (json_int_t)c.pages);
	return resp->json ? SOHOA_OK : oom(resp);
}

/* GET /api/desk/job/ID and /api/desk/job/ID/page/FILE (a PNG preview). */
static int h_job_get(sohoa_web_request *req, sohoa_web_response *resp,
                     void *payload)
{
	const struct cli_web *w = payload;
	const char *rest = sohoa_web_path_rest(req), *slash = strchr(rest, '/');
	size_t idlen = slash ? (size_t)(slash - rest) : strlen(rest);
	char *dir = NULL, id[128];
	int rc;

	if (job_dir(&dir, w, rest, idlen))
		return sohoa_web_error(resp, 404, NULL, "no such draft");
	snprintf(id, sizeof(id), "%.*s", (int)idlen, rest);
	if (!slash) {
		rc = get_job(req, resp, w, id, dir);
		free(dir);
		return rc;
	}
	if (!strncmp(slash, "/page/", 6) && slash[6] &&
	    !strchr(slash + 6, '/') && slash[6] != '.') {
		sohoa_scan_job *sj = NULL;
		unsigned char *png = NULL;
		size_t len = 0, i = 0;
		char *path = NULL, cno[SOHOA_CASE_MAX];
		json_t *ocr = NULL;

		/* only a journaled page (not the journal, not a result) */
		if (sohoa_scan_job_open(&sj, dir, 1) == SOHOA_OK)
			while (i < sohoa_scan_job_npages(sj) &&
			       strcmp(file_of(sohoa_scan_job_page(sj, i)),
			              slash + 6))
				i++;
		if (!sj || i == sohoa_scan_job_npages(sj) ||
		    !sohoa_scan_job_is_draft(sj)) {
			sohoa_scan_job_free(sj);
			free(dir);
			return sohoa_web_error(resp, 404, NULL, "no such page");
		}
		path = strdup(sohoa_scan_job_page(sj, i)->path);
		snprintf(cno, sizeof(cno), "%s",
		         sohoa_scan_job_get_params(sj)->case_number);
		{
			int view = 0;

			ocr = page_ocr(sj, sohoa_scan_job_page(sj, i), &view);
		}
		sohoa_scan_job_free(sj);
		free(dir);
		if (!path) {
			json_decref(ocr);
			return oom(resp);
		}
		/* a draft may hold ID cards: the preview of one (or of a
		 * page not recognized yet) is a view of personal data */
		if (personal_page(ocr) &&
		    desk_view(req, id, slash + 6, cno,
		              json_is_null(ocr)
		                  ? "preview, not recognized yet"
		                  : "identity data: image and fields")) {
			json_decref(ocr);
			free(path);
			return sohoa_web_error(resp, 503, NULL, "%s",
			                       CLI_WEB_AUDIT_DOWN_VI);
		}
		json_decref(ocr);
		rc = sohoa_scan_thumbnail(&png, &len, path, THUMB_SIDE);
		free(path);
		if (rc)
			return sohoa_web_error(resp, 500, NULL, "%s",
			                       sohoa_error_last());
		resp->body = png;
		resp->body_len = len;
		resp->content_type = "image/png";
		return SOHOA_OK;
	}
	free(dir);
	return sohoa_web_error(resp, 404, NULL, "no such resource");
}

/* POST /api/desk/job/ID/{view,field,commit} */
static int h_job_post(sohoa_web_request *req, sohoa_web_response *resp,
                      void *payload)
{
	const struct cli_web *w = payload;
	const char *rest = sohoa_web_path_rest(req), *slash = strchr(rest, '/');
	const char *user = sohoa_web_user(req) ? sohoa_web_user(req) : "-";
	json_t *b = sohoa_web_body_json(req);
	sohoa_scan_job *sj = NULL;
	char *dir = NULL, id[128];
	int rc;

	if (!slash || job_dir(&dir, w, rest, (size_t)(slash - rest)))
		return sohoa_web_error(resp, 404, NULL, "no such draft");
	snprintf(id, sizeof(id), "%.*s", (int)(slash - rest), rest);
	if (strcmp(slash, "/view") && strcmp(slash, "/field") &&
	    strcmp(slash, "/commit") && strcmp(slash, "/case") &&
	    strcmp(slash, "/discard")) {
		free(dir);
		return sohoa_web_error(resp, 404, NULL,
		                       "POST %s: expected view, field, case, "
		                       "commit or discard",
		                       slash + 1);
	}
	if (strcmp(slash, "/commit") && strcmp(slash, "/discard") &&
	    !json_is_object(b)) {
		free(dir);
		return sohoa_web_error(resp, 400, NULL,
		                       "expected a JSON object");
	}
	if (open_draft(&sj, resp, id, dir)) {
		free(dir);
		return SOHOA_OK;
	}
	free(dir);
	if (!strcmp(slash, "/view"))
		rc = post_view(resp, sj, b, user);
	else if (!strcmp(slash, "/field"))
		rc = post_field(req, resp, sj, b, user);
	else if (!strcmp(slash, "/case"))
		rc = post_case(resp, sj, b, user);
	else if (!strcmp(slash, "/discard"))
		rc = post_discard(resp, sj);
	else
		rc = post_commit(req, resp, w, sj, user);
	sohoa_scan_job_free(sj);
	return rc;
}

/* GET /api/desk/jobs -> {"drafts":[{job, case, component, state, pages,
 * busy, created}]}: drafts not committed yet, to pick one up again. */
static int h_jobs(sohoa_web_request *req, sohoa_web_response *resp,
                  void *payload)
{
	const struct cli_web *w = payload;
	char **names = NULL;
	size_t n = 0;
	json_t *a = json_array();

	(void)req;
	if (!a)
		return oom(resp);
	if (cli_list_dir(&names, &n, sohoa_config_get(w->cfg, "spool.path"),
	                 NULL) != SOHOA_OK)
		n = 0;
	for (size_t i = 0; i < n; i++) {
		sohoa_scan_job *sj = NULL;
		const sohoa_scan_job_params *p;

		if (sohoa_scan_job_open(&sj, names[i], 1) != SOHOA_OK ||
		    !sohoa_scan_job_held(sj)) {
			sohoa_scan_job_free(sj);
			continue;
		}
		p = sohoa_scan_job_get_params(sj);
		json_array_append_new(
		    a, json_pack("{s:s, s:s, s:s, s:s, s:I, s:b, s:s}", "job",
		                 sohoa_scan_job_id(sj), "case", p->case_number,
		                 "component", p->component, "state",
		                 sohoa_scan_job_state(sj), "pages",
		                 (json_int_t)sohoa_scan_job_npages(sj), "busy",
		                 sohoa_scan_job_busy(sj), "created",
		                 sohoa_scan_job_created(sj)));
		sohoa_scan_job_free(sj);
	}
	cli_free_list(names, n);
	resp->json = json_pack("{s:o}", "drafts", a);
	return resp->json ? SOHOA_OK : oom(resp);
}

#define DESK (SOHOA_ROLE_FRONT_DESK | SOHOA_ROLE_ADMIN)

const sohoa_web_route cli_web_desk_routes[] = {
    {"GET", "/api/devices", DESK, h_devices},
    {"GET", "/api/desk/procedures", DESK, h_procedures},
    {"GET", "/api/desk/case", DESK, h_case},
    {"GET", "/api/desk/jobs", DESK, h_jobs},
    {"POST", "/api/desk/scan", DESK, h_scan},
    {"GET", "/api/desk/job/", DESK, h_job_get},
    {"POST", "/api/desk/job/", DESK, h_job_post},
};
const size_t cli_web_desk_nroutes =
    sizeof(cli_web_desk_routes) / sizeof(cli_web_desk_routes[0]);
