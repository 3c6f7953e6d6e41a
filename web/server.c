/* server.c -- sohoad's HTTP server (libmicrohttpd, a thread per
 * connection): embedded pages, sessions, CSRF, login rate limits, body
 * limits, role checks, and the routes cli/ registers.
 *
 * Nothing here opens a file named by a request: pages and assets are
 * compiled in (web/static -> static_files.inc) and looked up by exact name.
 */
#include "web_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

#define BODY_MAX       (1024 * 1024) /* 413 above */
#define LOGIN_BODY_MAX (16 * 1024)   /* for POST /api/login */
#define SESSIONS_MAX   2000
#define SESSIONS_USER  20   /* per user: a new login ends the oldest beyond */
#define FAIL_USER      5    /* failed logins for one user name ... */
#define FAIL_ADDR      20   /* ... or from one address (an office NAT) ... */
#define FAIL_WINDOW    300  /* ... in this many seconds -> 429 */
#define FAILURES_MAX   4096 /* entries kept for the rate limit */
#define IDLE_SECONDS   30   /* a connection silent this long is closed */
/* connection threads in all; one address gets at most
 * [web] max_connections_per_address of them (default 16: a browser opens
 * 6 per server, an office behind one NAT a few browsers), so an address
 * that holds its connections open silently cannot starve the others */
#define CONNECTIONS_MAX 200
#define HASHES_MAX      4 /* password checks at once (32 MiB of scrypt each) */
#define COOKIE          "sohoa_session"

#define CSP                                                                    \
	"default-src 'self'; img-src 'self' blob: data:; object-src 'none'; "  \
	"base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

struct session {
	char id[65];
	char csrf[65];
	char user[65];
	sohoa_role role;
	char stamp[SOHOA_USER_STAMP]; /* of the password at login */
	double last; /* monotonic seconds of the last request */
	struct session *next;
};

struct sohoa_web_server {
	struct MHD_Daemon *d;
	const sohoa_config *cfg;
	const sohoa_web_route *routes;
	size_t nroutes;
	void *payload;
	sohoa_users *users;
	sohoa_audit *audit;
	int tls;
	int loopback;      /* listening on a loopback address */
	char **host_names; /* [web] host_names, NULL-terminated (owned) */
	unsigned port;
	char url[300];
	char *cert, *key;     /* TLS PEM, kept while the daemon runs */
	double idle;          /* session lifetime without requests, seconds */
	pthread_mutex_t lock; /* sessions and failures */
	struct session *sessions;
	size_t nsessions;
	struct sohoa_failure failures[FAILURES_MAX];
	size_t nfailures;
	pthread_cond_t hash_free; /* a password check ended */
	int hashing;              /* password checks running */
};

struct sohoa_web_request {
	struct MHD_Connection *conn;
	const char *method;
	const char *path;
	const char *rest;
	json_t *json;
	const char *body;
	size_t body_len;
	char user[65];
	sohoa_role role;
	sohoa_audit *audit;
	char client[64];
};

/* per connection-request state while the body arrives */
struct upload {
	char *body;
	size_t len, cap;
	size_t max; /* BODY_MAX, LOGIN_BODY_MAX for /api/login */
	int too_big;
};

/* the pages (docs/http-api.md): path, embedded file, roles (0: public) */
static const struct page {
	const char *path;
	const char *file;
	unsigned roles;
} pages[] = {
    {"/dang-nhap", "dang-nhap.html", 0},
    {"/tiep-nhan", "tiep-nhan.html", SOHOA_ROLE_FRONT_DESK | SOHOA_ROLE_ADMIN},
    {"/tra-cuu", "tra-cuu.html", SOHOA_ROLE_ARCHIVIST | SOHOA_ROLE_ADMIN},
    {"/ho-so", "ho-so.html", SOHOA_ROLE_ARCHIVIST | SOHOA_ROLE_ADMIN},
    {"/xem-xet", "xem-xet.html", SOHOA_ROLE_ARCHIVIST | SOHOA_ROLE_ADMIN},
    {"/trang-thai", "trang-thai.html", SOHOA_ROLE_ANY},
};

#include "static_files.inc"

const struct sohoa_static_file *sohoa_static_find(const char *name)
{
	if (!name || !name[0] || strchr(name, '/'))
		return NULL;
	for (size_t i = 0; i < sizeof(static_files) / sizeof(static_files[0]);
	     i++)
		if (static_files[i].name && !strcmp(static_files[i].name, name))
			return &static_files[i];
	return NULL;
}

const char *sohoa_static_type(const char *name)
{
	static const char *const types[][2] = {
	    {".html", "text/html; charset=utf-8"},
	    {".css", "text/css; charset=utf-8"},
	    {".js", "text/javascript; charset=utf-8"},
	    {".json", "application/json"},
	    {".svg", "image/svg+xml"},
	    {".png", "image/png"},
	    {".ico", "image/x-icon"},
	    {".woff2", "font/woff2"},
	};
	const char *dot = strrchr(name, '.');

	for (size_t i = 0; dot && i < sizeof(types) / sizeof(types[0]); i++)
		if (!strcmp(dot, types[i][0]))
			return types[i][1];
	return "application/octet-stream";
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int random_hex(char out[65])
{
	static const char digits[] = "0123456789abcdef";
	unsigned char b[32];

	if (RAND_bytes(b, sizeof(b)) != 1)
		return -1;
	for (int i = 0; i < 32; i++) {
		out[2 * i] = digits[b[i] >> 4];
		out[2 * i + 1] = digits[b[i] & 15];
	}
	out[64] = '\0';
	return 0;
}

/* ---- request accessors ------------------------------------------------ */

const char *sohoa_web_method(const sohoa_web_request *req)
{
	return req->method;
}

const char *sohoa_web_path(const sohoa_web_request *req)
{
	return req->path;
}

const char *sohoa_web_path_rest(const sohoa_web_request *req)
{
	return req->rest ? req->rest : "";
}

const char *sohoa_web_query(const sohoa_web_request *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND,
	                                   name);
}

json_t *sohoa_web_body_json(const sohoa_web_request *req)
{
	return req->json;
}

const void *sohoa_web_body(const sohoa_web_request *req, size_t *len)
{
	if (len)
		*len = req->body_len;
	return req->body_len ? req->body : NULL;
}

const char *sohoa_web_header(const sohoa_web_request *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

const char *sohoa_web_client(const sohoa_web_request *req)
{
	return req->client;
}

const char *sohoa_web_user(const sohoa_web_request *req)
{
	return req->user;
}

sohoa_role sohoa_web_role(const sohoa_web_request *req)
{
	return req->role;
}

sohoa_audit *sohoa_web_audit(const sohoa_web_request *req)
{
	return req->audit;
}

int sohoa_web_error(sohoa_web_response *resp, unsigned status,
                    const char *field, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	json_decref(resp->json);
	resp->status = status;
	resp->json = json_pack("{s:s}", "error", msg);
	if (resp->json && field)
		json_object_set_new(resp->json, "field", json_string(field));
	return SOHOA_OK;
}

/* ---- answers ------------------------------------------------------------ */

static void security_headers(struct MHD_Response *r, int tls)
{
	MHD_add_response_header(r, "Content-Security-Policy", CSP);
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Referrer-Policy", "same-origin");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	if (tls)
		MHD_add_response_header(r, "Strict-Transport-Security",
		                        "max-age=31536000");
}

/* Send `len` bytes (`owned`: free()d by MHD) with the usual headers;
 * `extra` is a NULL-terminated list of header name, value pairs. */
static enum MHD_Result send_buf(sohoa_web_server *srv,
                                struct MHD_Connection *conn, unsigned status,
                                const char *type, void *buf, size_t len,
                                int owned, const char *cache, ...)
{
	struct MHD_Response *r;
	enum MHD_Result ret;
	const char *name;
	va_list ap;

	r = MHD_create_response_from_buffer(
	    len, buf, owned ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
	if (!r) {
		if (owned)
			free(buf);
		return MHD_NO;
	}
	security_headers(r, srv->tls);
	if (type)
		MHD_add_response_header(r, "Content-Type", type);
	MHD_add_response_header(r, "Cache-Control", cache ? cache : "no-store");
	va_start(ap, cache);
	while ((name = va_arg(ap, const char *))) {
		const char *value = va_arg(ap, const char *);

		if (value)
			MHD_add_response_header(r, name, value);
	}
	va_end(ap);
	ret = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result send_json(sohoa_web_server *srv,
                                 struct MHD_Connection *conn, unsigned status,
                                 json_t *j, const char *cookie)
{
	char *text = j ? json_dumps(j, JSON_COMPACT) : NULL;

	json_decref(j);
	if (!text)
		return send_buf(srv, conn, 500, "text/plain; charset=utf-8",
		                "out of memory\n", 14, 0, NULL, NULL);
	return send_buf(srv, conn, status, "application/json", text,
	                strlen(text), 1, NULL, "Set-Cookie", cookie, NULL);
}

static enum MHD_Result send_error(sohoa_web_server *srv,
                                  struct MHD_Connection *conn, unsigned status,
                                  const char *msg)
{
	return send_json(srv, conn, status, json_pack("{s:s}", "error", msg),
	                 NULL);
}

/* A short page for a browser (403/404 of pages), in Vietnamese. */
static enum MHD_Result send_page_error(sohoa_web_server *srv,
                                       struct MHD_Connection *conn,
                                       unsigned status, const char *title,
                                       const char *text)
{
	char *html = NULL;

	if (sohoa_asprintf(
	        &html,
	        "<!doctype html><html lang=\"vi\"><head><meta "
	        "charset=\"utf-8\"><title>%s</title><link "
	        "rel=\"stylesheet\" href=\"/static/app.css\"><script "
	        "src=\"/static/app.js\" defer></script></head>"
	        "<body><main class=\"narrow\"><h1>%s</h1><p>%s</p>"
	        "<p><a href=\"/\">Về trang chính</a></p></main>"
	        "</body></html>\n",
	        title, title, text) != SOHOA_OK)
		return MHD_NO;
	return send_buf(srv, conn, status, "text/html; charset=utf-8", html,
	                strlen(html), 1, NULL, NULL);
}

static enum MHD_Result redirect(sohoa_web_server *srv,
                                struct MHD_Connection *conn,
                                const char *location)
{
	return send_buf(srv, conn, 303, "text/plain; charset=utf-8", "", 0, 0,
	                NULL, "Location", location, NULL);
}

/* ---- sessions ------------------------------------------------------------ */

static void prune_sessions(sohoa_web_server *srv, double now)
{
	struct session **pp = &srv->sessions;

	while (*pp) {
		struct session *s = *pp;

		if (now - s->last > srv->idle) {
			*pp = s->next;
			OPENSSL_cleanse(s, sizeof(*s));
			free(s);
			srv->nsessions--;
		} else {
			pp = &s->next;
		}
	}
}

/* Copy the live session `id` into *out (refreshing its time). */
static int session_get(sohoa_web_server *srv, const char *id,
                       struct session *out)
{
	double now = now_s();
	int found = 0;

	if (!id || strlen(id) != 64)
		return 0;
	pthread_mutex_lock(&srv->lock);
	for (struct session *s = srv->sessions; s; s = s->next) {
		if (CRYPTO_memcmp(s->id, id, 64) == 0) {
			if (now - s->last <= srv->idle) {
				s->last = now;
				*out = *s;
				out->next = NULL;
				found = 1;
			}
			break;
		}
	}
	pthread_mutex_unlock(&srv->lock);
	return found;
}

static void session_drop(sohoa_web_server *srv, const char *id)
{
	pthread_mutex_lock(&srv->lock);
	for (struct session **pp = &srv->sessions; *pp; pp = &(*pp)->next) {
		if (!strcmp((*pp)->id, id)) {
			struct session *s = *pp;

			*pp = s->next;
			OPENSSL_cleanse(s, sizeof(*s));
			free(s);
			srv->nsessions--;
			break;
		}
	}
	pthread_mutex_unlock(&srv->lock);
}

/* One user may not fill the session table (SESSIONS_MAX, then nobody
 * logs in for hours): beyond SESSIONS_USER - 1 of theirs, the least
 * recently used ends.  Called with the lock held. */
static void drop_oldest_of(sohoa_web_server *srv, const char *user)
{
	struct session **oldest = NULL;
	size_t n = 0;

	for (struct session **pp = &srv->sessions; *pp; pp = &(*pp)->next)
		if (!strcmp((*pp)->user, user)) {
			n++;
			if (!oldest || (*pp)->last < (*oldest)->last)
				oldest = pp;
		}
	if (n >= SESSIONS_USER) {
		struct session *s = *oldest;

		*oldest = s->next;
		OPENSSL_cleanse(s, sizeof(*s));
		free(s);
		srv->nsessions--;
	}
}

static int session_new(sohoa_web_server *srv, const char *user, sohoa_role role,
                       const char *stamp, struct session *out)
{
	struct session *s = calloc(1, sizeof(*s));
	size_t len = strlen(user);

	if (len >= sizeof(s->user)) {
		free(s);
		return sohoa_error_set(SOHOA_EINVALID, "user name too long");
	}
	if (!s || random_hex(s->id) || random_hex(s->csrf)) {
		free(s);
		return sohoa_error_set(SOHOA_ERROR, "no session");
	}
	memcpy(s->user, user, len + 1);
	s->role = role;
	snprintf(s->stamp, sizeof(s->stamp), "%s", stamp);
	s->last = now_s();
	pthread_mutex_lock(&srv->lock);
	prune_sessions(srv, s->last);
	drop_oldest_of(srv, user);
	if (srv->nsessions >= SESSIONS_MAX) {
		pthread_mutex_unlock(&srv->lock);
		free(s);
		return sohoa_error_set(SOHOA_EBUSY, "too many sessions");
	}
	s->next = srv->sessions;
	srv->sessions = s;
	srv->nsessions++;
	*out = *s;
	pthread_mutex_unlock(&srv->lock);
	return SOHOA_OK;
}

/* ---- login rate limit ---------------------------------------------------- */

size_t sohoa_failure_victim(const struct sohoa_failure *f, size_t n, double now,
                            double window)
{
	size_t v = 0;

	for (size_t i = 0; i < n; i++) {
		if (now - f[i].first > window)
			return i; /* its window is over: nothing lost */
		if (f[i].count < f[v].count ||
		    (f[i].count == f[v].count && f[i].first < f[v].first))
			v = i;
	}
	return v;
}

static struct sohoa_failure *failure_find(sohoa_web_server *srv,
                                          const char *key, double now, int add)
{
	size_t i;

	for (i = 0; i < srv->nfailures; i++) {
		struct sohoa_failure *f = &srv->failures[i];

		if (!strcmp(f->key, key)) {
			if (now - f->first > FAIL_WINDOW) {
				f->count = 0;
				f->first = now;
			}
			return f;
		}
	}
	if (!add)
		return NULL;
	if (srv->nfailures < FAILURES_MAX)
		i = srv->nfailures++;
	else
		i = sohoa_failure_victim(srv->failures, srv->nfailures, now,
		                         FAIL_WINDOW);
	snprintf(srv->failures[i].key, sizeof(srv->failures[i].key), "%s", key);
	srv->failures[i].count = 0;
	srv->failures[i].first = now;
	return &srv->failures[i];
}

/* Check and count an attempt in one step: 1 (nothing counted) when the
 * user name or the address is over its limit; else the attempt counts
 * as a failure until succeeded() takes it back.  Checking first and
 * counting after the slow password hash would let a burst of parallel
 * requests all pass the check before any of them is counted. */
static int attempt(sohoa_web_server *srv, const char *ukey, const char *akey)
{
	double now = now_s();
	struct sohoa_failure *u, *a;
	int over = 0;

	pthread_mutex_lock(&srv->lock);
	if ((u = failure_find(srv, ukey, now, 0)) && u->count >= FAIL_USER)
		over = 1;
	if ((a = failure_find(srv, akey, now, 0)) && a->count >= FAIL_ADDR)
		over = 1;
	if (!over) {
		if ((u = failure_find(srv, ukey, now, 1)))
			u->count++;
		if ((a = failure_find(srv, akey, now, 1)))
			a->count++;
	}
	pthread_mutex_unlock(&srv->lock);
	return over;
}

/* The right password: the user's failures are forgotten, and this
 * attempt no longer counts against the address. */
static void succeeded(sohoa_web_server *srv, const char *ukey, const char *akey)
{
	struct sohoa_failure *f;
	double now = now_s();

	pthread_mutex_lock(&srv->lock);
	if ((f = failure_find(srv, ukey, now, 0)))
		f->count = 0;
	if ((f = failure_find(srv, akey, now, 0)) && f->count > 0)
		f->count--;
	pthread_mutex_unlock(&srv->lock);
}

/* ---- core handlers ---------------------------------------------------------
 */

static void client_address(struct MHD_Connection *conn, char out[64])
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);

	strcpy(out, "-");
	if (ci && ci->client_addr) {
		const struct sockaddr *sa = ci->client_addr;
		socklen_t len = sa->sa_family == AF_INET6
		                    ? sizeof(struct sockaddr_in6)
		                    : sizeof(struct sockaddr_in);

		if (getnameinfo(sa, len, out, 64, NULL, 0, NI_NUMERICHOST))
			strcpy(out, "-");
	}
}

static void session_cookie(char *buf, size_t n, const char *id, int tls)
{
	if (id)
		snprintf(buf, n,
		         COOKIE "=%s; HttpOnly; SameSite=Strict; Path=/%s", id,
		         tls ? "; Secure" : "");
	else
		snprintf(buf, n,
		         COOKIE "=; HttpOnly; SameSite=Strict; Path=/; "
		                "Max-Age=0%s",
		         tls ? "; Secure" : "");
}

static int is_json(struct MHD_Connection *conn)
{
	const char *ct =
	    MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Type");

	return ct && !strncasecmp(ct, "application/json", 16) &&
	       (ct[16] == '\0' || ct[16] == ';' || ct[16] == ' ');
}

/* 1 when `name` is an account (the user name of a failed login is
 * written down only then). */
static int account(sohoa_web_server *srv, const char *name)
{
	sohoa_role role;

	return srv->users &&
	       sohoa_users_role(srv->users, name, &role) == SOHOA_OK;
}

static enum MHD_Result do_login(sohoa_web_server *srv,
                                struct MHD_Connection *conn,
                                const struct upload *up, const char *addr)
{
	json_t *body, *out;
	const char *user, *password;
	char ukey[100], akey[100], cookie[200], who[80];
	char stamp[SOHOA_USER_STAMP];
	struct session s;
	sohoa_role role;
	enum MHD_Result ret;
	int rc;

	if (!is_json(conn) || !up->len)
		return send_error(srv, conn, 415,
		                  "send {\"user\",\"password\"} as "
		                  "application/json");
	if (!(body = json_loadb(up->body, up->len, 0, NULL)))
		return send_error(srv, conn, 400, "the body is not JSON");
	user = json_string_value(json_object_get(body, "user"));
	password = json_string_value(json_object_get(body, "password"));
	if (!user || !password) {
		json_decref(body);
		return send_error(srv, conn, 400,
		                  "\"user\" and \"password\" are required");
	}
	/* an invalid name is still counted, under a fixed key */
	snprintf(who, sizeof(who), "%s",
	         sohoa_user_name_valid(user) ? user : "?");
	snprintf(ukey, sizeof(ukey), "u:%s", who);
	snprintf(akey, sizeof(akey), "a:%s", addr);
	if (attempt(srv, ukey, akey)) {
		char detail[160];

		json_decref(body);
		snprintf(detail, sizeof(detail),
		         "from %s; too many attempts, refused%s", addr,
		         account(srv, who) ? "" : "; not an account");
		if (srv->audit)
			sohoa_audit_log(srv->audit,
			                account(srv, who) ? who : "-",
			                "login_failed", "", detail);
		return send_error(srv, conn, 429,
		                  "too many failed logins; wait 5 minutes");
	}
	/* scrypt takes 32 MiB for its time: a burst of logins (one thread
	 * each) waits here rather than taking gigabytes */
	pthread_mutex_lock(&srv->lock);
	while (srv->hashing >= HASHES_MAX)
		pthread_cond_wait(&srv->hash_free, &srv->lock);
	srv->hashing++;
	pthread_mutex_unlock(&srv->lock);
	/* the stamp before the check: a password changed meanwhile ends
	 * the new session at once rather than keep it */
	stamp[0] = '\0';
	rc = srv->users && sohoa_users_refresh(srv->users) == SOHOA_OK
	         ? (sohoa_users_stamp(srv->users, who, &role, stamp),
	            sohoa_users_check(srv->users, user, password, &role))
	         : SOHOA_EENV;
	pthread_mutex_lock(&srv->lock);
	srv->hashing--;
	pthread_cond_signal(&srv->hash_free);
	pthread_mutex_unlock(&srv->lock);
	if (rc != SOHOA_OK) {
		char detail[120];

		json_decref(body);
		/* a name that is no account is not written down: it may be
		 * a password typed into the wrong field */
		if (!account(srv, who))
			snprintf(who, sizeof(who), "-");
		snprintf(detail, sizeof(detail), "from %s%s", addr,
		         strcmp(who, "-") ? "" : "; not an account");
		if (srv->audit)
			sohoa_audit_log(srv->audit, who, "login_failed", "",
			                detail);
		sohoa_log(SOHOA_LOG_INFO, "failed login for '%s' from %s", who,
		          addr);
		return send_error(srv, conn, 401,
		                  "wrong user name or password");
	}
	json_decref(body);
	succeeded(srv, ukey, akey);
	if (session_new(srv, who, role, stamp, &s) != SOHOA_OK)
		return send_error(srv, conn, 503,
		                  "too many sessions; try again later");
	if (srv->audit) {
		char detail[120];

		snprintf(detail, sizeof(detail), "from %s", addr);
		sohoa_audit_log(srv->audit, who, "login", "", detail);
	}
	session_cookie(cookie, sizeof(cookie), s.id, srv->tls);
	out = json_pack("{s:s, s:s, s:s}", "user", s.user, "role",
	                sohoa_role_name(s.role), "csrf", s.csrf);
	ret = send_json(srv, conn, 200, out, cookie);
	OPENSSL_cleanse(&s, sizeof(s));
	return ret;
}

/* "/path?query" URL-encoded for ?next= */
struct qbuf {
	char *s;
	size_t len, cap;
	int n;
};

static void qb_add(struct qbuf *q, const char *str, size_t n)
{
	if (q->len + n + 1 > q->cap) {
		size_t cap = (q->len + n + 1) * 2;
		char *ns = realloc(q->s, cap);

		if (!ns)
			return;
		q->s = ns;
		q->cap = cap;
	}
	memcpy(q->s + q->len, str, n);
	q->len += n;
	q->s[q->len] = '\0';
}

static void qb_enc(struct qbuf *q, const char *str)
{
	for (; *str; str++) {
		unsigned char c = (unsigned char)*str;
		char e[4];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || strchr("-._~", c)) {
			qb_add(q, str, 1);
		} else {
			snprintf(e, sizeof(e), "%%%02X", c);
			qb_add(q, e, 3);
		}
	}
}

static enum MHD_Result qb_arg(void *cls, enum MHD_ValueKind kind,
                              const char *key, const char *value)
{
	struct qbuf *q = cls;

	(void)kind;
	qb_add(q, q->n++ ? "&" : "?", 1);
	qb_enc(q, key);
	if (value) {
		qb_add(q, "=", 1);
		qb_enc(q, value);
	}
	return MHD_YES;
}

static enum MHD_Result to_login(sohoa_web_server *srv,
                                struct MHD_Connection *conn, const char *path)
{
	struct qbuf inner = {0}, outer = {0};
	enum MHD_Result ret;

	/* path and arguments are decoded: encode the arguments again, then
	 * the whole for next= */
	qb_add(&inner, path, strlen(path));
	MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, qb_arg, &inner);
	qb_add(&outer, "/dang-nhap?next=", 16);
	if (inner.s)
		qb_enc(&outer, inner.s);
	ret = redirect(srv, conn, outer.s ? outer.s : "/dang-nhap");
	free(inner.s);
	free(outer.s);
	return ret;
}

static const char *home_of(sohoa_role role)
{
	return role == SOHOA_ROLE_FRONT_DESK ? "/tiep-nhan" : "/tra-cuu";
}

/* ---- dispatch --------------------------------------------------------------
 */

static int hexval(char c)
{
	return c >= '0' && c <= '9'   ? c - '0'
	       : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10
	                              : -1;
}

/* Refuse paths that could mean something to a file system. */
static int path_ok(const char *p)
{
	if (p[0] != '/')
		return 0;
	for (const char *c = p; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f || *c == '\\')
			return 0;
	for (const char *seg = p; seg; seg = strchr(seg + 1, '/')) {
		const char *s = seg + 1;
		size_t n = strcspn(s, "/");

		if ((n == 1 && s[0] == '.') ||
		    (n == 2 && s[0] == '.' && s[1] == '.'))
			return 0;
		if (n == 0 && s[0] == '/')
			return 0; /* "//" */
	}
	return 1;
}

/* A browser's Origin, when it sends one, names this server: its
 * "scheme://host[:port]" ends in the Host header.  Requests without an
 * Origin (curl, the CLI) are left to the session and CSRF checks. */
static int same_origin(struct MHD_Connection *conn)
{
	const char *origin =
	    MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Origin");
	const char *host =
	    MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Host");
	const char *sep;

	if (!origin)
		return 1;
	if (!host || !(sep = strstr(origin, "://")))
		return 0;
	return strcasecmp(sep + 3, host) == 0;
}

/* DNS rebinding: a page of another site whose name an attacker points
 * at 127.0.0.1 would reach a loopback listener with the browser's
 * cookies for that name, so the Host header must name this server: on a
 * loopback address only 127.0.0.1, localhost or [::1] with the bound
 * port; any [web] host_names (under TLS, whose certificate names the
 * server anyway; none listed: any name).  1 when it does. */
static int host_ok(const sohoa_web_server *srv, const char *host)
{
	static const char *const loop[] = {"127.0.0.1", "localhost", "::1"};
	char name[256];
	const char *end, *colon;
	unsigned long port;
	size_t n;

	if (!host || !host[0])
		return 0;
	if (host[0] == '[') { /* [v6]:port */
		if (!(end = strchr(host, ']')))
			return 0;
		n = (size_t)(end - host - 1);
		if (n >= sizeof(name))
			return 0;
		memcpy(name, host + 1, n);
		colon = end[1] == ':' ? end + 1 : end[1] ? host : NULL;
		if (colon == host)
			return 0; /* "]" followed by something else */
	} else {
		colon = strchr(host, ':');
		n = colon ? (size_t)(colon - host) : strlen(host);
		if (n >= sizeof(name) || (colon && strchr(colon + 1, ':')))
			return 0;
		memcpy(name, host, n);
	}
	name[n] = '\0';
	if (colon) {
		if (!colon[1] || strlen(colon + 1) > 5 ||
		    strspn(colon + 1, "0123456789") != strlen(colon + 1))
			return 0;
		port = strtoul(colon + 1, NULL, 10);
	} else {
		port = srv->tls ? 443 : 80;
	}
	if (srv->tls && !srv->host_names)
		return 1; /* TLS and no list: the certificate decides */
	if (port != srv->port)
		return 0;
	for (size_t i = 0; srv->loopback && i < sizeof(loop) / sizeof(*loop);
	     i++)
		if (!strcasecmp(name, loop[i]))
			return 1;
	for (char **h = srv->host_names; h && *h; h++)
		if (!strcasecmp(name, *h))
			return 1;
	return 0;
}

static int path_match(const sohoa_web_route *r, const char *path,
                      size_t *prefix)
{
	size_t n = strlen(r->path);

	if (n && r->path[n - 1] == '/') {
		if (!strncmp(path, r->path, n)) {
			*prefix = n;
			return 1;
		}
		return 0;
	}
	*prefix = 0;
	return !strcmp(path, r->path);
}

static enum MHD_Result run_route(sohoa_web_server *srv,
                                 struct MHD_Connection *conn,
                                 const char *method, const char *path,
                                 const struct session *s,
                                 const struct upload *up, const char *addr)
{
	const sohoa_web_route *best = NULL;
	size_t best_len = 0, prefix;
	int path_seen = 0;
	sohoa_web_request req = {0};
	sohoa_web_response resp = {0};
	const char *m = !strcmp(method, "HEAD") ? "GET" : method;
	enum MHD_Result ret;
	int rc;

	for (size_t i = 0; i < srv->nroutes; i++) {
		const sohoa_web_route *r = &srv->routes[i];

		if (!r->path || !r->handler || !path_match(r, path, &prefix))
			continue;
		path_seen = 1;
		if (!r->method || strcmp(r->method, m))
			continue;
		/* exact beats prefix, a longer prefix beats a shorter */
		if (!best || (prefix == 0 && best_len != 0) ||
		    (best_len != 0 && prefix > best_len)) {
			best = r;
			best_len = prefix;
		}
	}
	if (!best)
		return path_seen ? send_error(srv, conn, 405,
		                              "method not allowed here")
		                 : send_error(srv, conn, 404, "no such API");
	if (!(best->roles & s->role) && s->role != SOHOA_ROLE_ADMIN)
		return send_error(srv, conn, 403, "your role may not do this");
	req.conn = conn;
	req.method = method;
	req.path = path;
	req.rest = best_len ? path + best_len : "";
	req.body = up->body;
	req.body_len = up->len;
	snprintf(req.user, sizeof(req.user), "%s", s->user);
	req.role = s->role;
	req.audit = srv->audit;
	snprintf(req.client, sizeof(req.client), "%s", addr);
	if (up->len && is_json(conn) &&
	    !(req.json = json_loadb(up->body, up->len, 0, NULL)))
		return send_error(srv, conn, 400, "the body is not valid JSON");
	rc = best->handler(&req, &resp, srv->payload);
	json_decref(req.json);
	if (rc != SOHOA_OK && !resp.json && !resp.body) {
		free(resp.disposition);
		sohoa_log(SOHOA_LOG_ERROR, "%s %s: %s", method, path,
		          sohoa_error_last());
		return send_error(srv, conn,
		                  rc == SOHOA_ENOTFOUND  ? 404
		                  : rc == SOHOA_EINVALID ? 400
		                  : rc == SOHOA_EBUSY    ? 409
		                                         : 500,
		                  sohoa_error_last()[0] ? sohoa_error_last()
		                                        : "internal error");
	}
	if (resp.body) {
		ret = send_buf(srv, conn, resp.status ? resp.status : 200,
		               resp.content_type ? resp.content_type
		                                 : "application/octet-stream",
		               resp.body, resp.body_len, 1, NULL,
		               "Content-Disposition", resp.disposition, NULL);
		json_decref(resp.json);
	} else if (resp.json) {
		ret = send_json(srv, conn, resp.status ? resp.status : 200,
		                resp.json, NULL);
	} else {
		ret = send_buf(srv, conn, resp.status ? resp.status : 204, NULL,
		               "", 0, 0, NULL, NULL);
	}
	free(resp.disposition);
	return ret;
}

static enum MHD_Result dispatch(sohoa_web_server *srv,
                                struct MHD_Connection *conn, const char *url,
                                const char *method, struct upload *up)
{
	int get = !strcmp(method, "GET") || !strcmp(method, "HEAD");
	int api = !strncmp(url, "/api/", 5);
	const struct page *page = NULL;
	const struct sohoa_static_file *f;
	struct session s;
	const char *token;
	char addr[64];

	if (!get && strcmp(method, "POST") && strcmp(method, "DELETE") &&
	    strcmp(method, "PUT"))
		return send_error(srv, conn, 405, "method not allowed");
	if (!host_ok(srv, MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	                                              "Host")))
		return send_error(
		    srv, conn, 421,
		    "the Host header does not name this server: "
		    "use its address as sohoad logs it (web pages "
		    "at ...), or add the name to [web] host_names");
	if (!path_ok(url))
		return send_error(srv, conn, 400,
		                  "bad path: no '.', '..', '//', '\\' or "
		                  "control characters");
	if (up->too_big)
		return send_error(srv, conn, 413,
		                  up->max == BODY_MAX
		                      ? "request body too large (1 MiB at most)"
		                      : "request body too large (16 KiB at "
		                        "most for a login)");
	if (!strcmp(url, "/healthz"))
		return get ? send_buf(srv, conn, 200,
		                      "text/plain; charset=utf-8", "ok\n", 3, 0,
		                      NULL, NULL)
		           : send_error(srv, conn, 405, "GET only");
	if (!strncmp(url, "/static/", 8)) {
		if (!get)
			return send_error(srv, conn, 405, "GET only");
		if (!(f = sohoa_static_find(url + 8)))
			return send_buf(srv, conn, 404,
			                "text/plain; charset=utf-8",
			                "not found\n", 10, 0, NULL, NULL);
		return send_buf(srv, conn, 200, sohoa_static_type(f->name),
		                (void *)f->data, f->len, 0, "no-cache", NULL);
	}
	if (!get && !same_origin(conn))
		return send_error(srv, conn, 403,
		                  "cross-origin request refused (Origin is not "
		                  "this server)");
	client_address(conn, addr);
	if (!strcmp(url, "/api/login"))
		return !strcmp(method, "POST")
		           ? do_login(srv, conn, up, addr)
		           : send_error(srv, conn, 405, "POST only");
	for (size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++)
		if (!strcmp(url, pages[i].path))
			page = &pages[i];
	if (page && !page->roles) {
		if (!(f = sohoa_static_find(page->file)))
			return send_page_error(srv, conn, 404,
			                       "Không tìm thấy trang",
			                       "Trang này chưa có.");
		return send_buf(srv, conn, 200, sohoa_static_type(f->name),
		                (void *)f->data, f->len, 0, NULL, NULL);
	}

	/* everything below needs a session */
	if (!session_get(
	        srv, MHD_lookup_connection_value(conn, MHD_COOKIE_KIND, COOKIE),
	        &s))
		return api || !get
		           ? send_error(srv, conn, 401,
		                        "log in first (POST /api/login)")
		           : to_login(srv, conn, url);
	if (srv->users) {
		sohoa_role now_role;
		char stamp[SOHOA_USER_STAMP];

		sohoa_users_refresh(srv->users);
		if (sohoa_users_stamp(srv->users, s.user, &now_role, stamp) !=
		        SOHOA_OK ||
		    now_role != s.role || strcmp(stamp, s.stamp)) {
			/* deleted, given another role or another password:
			 * log in again */
			session_drop(srv, s.id);
			return api || !get
			           ? send_error(srv, conn, 401,
			                        "your account changed; log in "
			                        "again")
			           : to_login(srv, conn, url);
		}
	}
	if (!get) {
		token = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
		                                    "X-CSRF-Token");
		if (!token || strlen(token) != 64 ||
		    CRYPTO_memcmp(token, s.csrf, 64) != 0)
			return send_error(srv, conn, 403,
			                  "missing or wrong X-CSRF-Token "
			                  "(GET /api/me gives it)");
	}
	if (!strcmp(url, "/api/logout")) {
		char cookie[200];

		if (strcmp(method, "POST"))
			return send_error(srv, conn, 405, "POST only");
		session_drop(srv, s.id);
		if (srv->audit)
			sohoa_audit_log(srv->audit, s.user, "logout", "", NULL);
		session_cookie(cookie, sizeof(cookie), NULL, srv->tls);
		return send_json(srv, conn, 200, json_pack("{s:b}", "ok", 1),
		                 cookie);
	}
	if (!strcmp(url, "/api/me"))
		return get ? send_json(srv, conn, 200,
		                       json_pack("{s:s, s:s, s:s}", "user",
		                                 s.user, "role",
		                                 sohoa_role_name(s.role),
		                                 "csrf", s.csrf),
		                       NULL)
		           : send_error(srv, conn, 405, "GET only");
	if (!strcmp(url, "/"))
		return redirect(srv, conn, home_of(s.role));
	if (page) {
		if (!get)
			return send_error(srv, conn, 405, "GET only");
		if (!(page->roles & s.role))
			return send_page_error(
			    srv, conn, 403, "Không có quyền truy cập",
			    "Tài khoản của bạn không được dùng trang này.");
		if (!(f = sohoa_static_find(page->file)))
			return send_page_error(srv, conn, 404,
			                       "Không tìm thấy trang",
			                       "Trang này chưa có.");
		return send_buf(srv, conn, 200, sohoa_static_type(f->name),
		                (void *)f->data, f->len, 0, NULL, NULL);
	}
	if (!api)
		return send_page_error(srv, conn, 404, "Không tìm thấy trang",
		                       "Địa chỉ này không có trang nào.");
	return run_route(srv, conn, method, url, &s, up, addr);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn,
                                  const char *url, const char *method,
                                  const char *version, const char *data,
                                  size_t *data_size, void **con_cls)
{
	sohoa_web_server *srv = cls;
	struct upload *up = *con_cls;
	enum MHD_Result ret;

	(void)version;
	if (!up) {
		const char *cl = MHD_lookup_connection_value(
		    conn, MHD_HEADER_KIND, "Content-Length");

		struct session s;

		if (!(up = calloc(1, sizeof(*up))))
			return MHD_NO;
		*con_cls = up;
		up->max = strcmp(url, "/api/login") ? BODY_MAX : LOGIN_BODY_MAX;
		/* a body is read only for a request that may send one: from
		 * this server's name, logged in (or logging in), and not too
		 * big; the others are answered now, their body unread, so
		 * nobody makes sohoad hold megabytes without a session */
		if (strcmp(method, "GET") && strcmp(method, "HEAD")) {
			if (!host_ok(srv, MHD_lookup_connection_value(
			                      conn, MHD_HEADER_KIND, "Host")))
				return dispatch(srv, conn, url, method, up);
			if (strcmp(url, "/api/login") &&
			    !session_get(srv,
			                 MHD_lookup_connection_value(
			                     conn, MHD_COOKIE_KIND, COOKIE),
			                 &s))
				return send_error(
				    srv, conn, 401,
				    "log in first (POST /api/login)");
		}
		if (cl && strtoull(cl, NULL, 10) > up->max) {
			up->too_big = 1;
			return dispatch(srv, conn, url, method, up);
		}
		return MHD_YES;
	}
	if (*data_size) {
		if (!up->too_big && up->len + *data_size > up->max) {
			up->too_big = 1;
			free(up->body);
			up->body = NULL;
			up->len = 0;
		}
		if (!up->too_big) {
			if (up->len + *data_size + 1 > up->cap) {
				size_t cap = (up->len + *data_size + 1) * 2;
				char *nb = realloc(up->body, cap);

				if (!nb)
					return MHD_NO;
				up->body = nb;
				up->cap = cap;
			}
			memcpy(up->body + up->len, data, *data_size);
			up->len += *data_size;
			up->body[up->len] = '\0';
		}
		*data_size = 0;
		return MHD_YES;
	}
	ret = dispatch(srv, conn, url, method, up);
	sohoa_log(SOHOA_LOG_DEBUG, "%s %s", method, url);
	return ret;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
	struct upload *up = *con_cls;

	(void)cls;
	(void)conn;
	(void)toe;
	if (up) {
		free(up->body);
		free(up);
		*con_cls = NULL;
	}
}

/* Percent-decoding of paths and query values, in place.  A decoded NUL
 * would cut the string short ("/static/app.css%00.html" read as
 * "/static/app.css"): it becomes DEL, which path_ok() refuses. */
static size_t unescape(void *cls, struct MHD_Connection *conn, char *s)
{
	char *out = s;

	(void)cls;
	(void)conn;
	for (const char *in = s; *in; in++) {
		int hi, lo;

		if (*in == '%' && (hi = hexval(in[1])) >= 0 &&
		    (lo = hexval(in[2])) >= 0) {
			char c = (char)(hi << 4 | lo);

			*out++ = c ? c : 0x7f;
			in += 2;
		} else {
			*out++ = *in;
		}
	}
	*out = '\0';
	return (size_t)(out - s);
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[512];

	(void)cls;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	msg[strcspn(msg, "\n")] = '\0';
	sohoa_log(SOHOA_LOG_WARN, "http: %s", msg);
}

/* ---- start and stop ------------------------------------------------------ */

struct listen_addr {
	struct sockaddr_storage sa;
	char host[256];
	unsigned port;
	int v6, loopback;
};

static int parse_listen(const sohoa_config *cfg, struct listen_addr *la)
{
	const char *v = sohoa_config_get(cfg, "server.listen");
	const char *colon = strrchr(v, ':');
	struct addrinfo hints = {0}, *res = NULL;
	char port[16];
	size_t n;
	int e;

	memset(la, 0, sizeof(*la));
	if (!colon)
		return sohoa_error_set(SOHOA_EINVALID,
		                       "[server] listen = '%s': expected "
		                       "ADDRESS:PORT",
		                       v);
	n = (size_t)(colon - v);
	if (n >= 2 && v[0] == '[' && v[n - 1] == ']')
		snprintf(la->host, sizeof(la->host), "%.*s", (int)(n - 2),
		         v + 1);
	else
		snprintf(la->host, sizeof(la->host), "%.*s", (int)n, v);
	snprintf(port, sizeof(port), "%s", colon + 1);
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	if ((e = getaddrinfo(la->host, port, &hints, &res)) != 0 || !res)
		return sohoa_error_set(SOHOA_EENV,
		                       "[server] listen = '%s': cannot "
		                       "resolve '%s': %s",
		                       v, la->host, gai_strerror(e));
	memcpy(&la->sa, res->ai_addr, res->ai_addrlen);
	la->v6 = res->ai_family == AF_INET6;
	la->port = (unsigned)atoi(port);
	if (la->v6)
		la->loopback = IN6_IS_ADDR_LOOPBACK(
		    &((struct sockaddr_in6 *)res->ai_addr)->sin6_addr);
	else
		la->loopback = (ntohl(((struct sockaddr_in *)res->ai_addr)
		                          ->sin_addr.s_addr) >>
		                24) == 127;
	freeaddrinfo(res);
	return SOHOA_OK;
}

int sohoa_web_check_listen(const sohoa_config *cfg)
{
	struct listen_addr la;
	const char *cert = sohoa_config_get(cfg, "web.tls_cert");
	const char *key = sohoa_config_get(cfg, "web.tls_key");
	int rc;

	if ((rc = parse_listen(cfg, &la)) != SOHOA_OK)
		return rc;
	if ((cert[0] != '\0') != (key[0] != '\0'))
		return sohoa_error_set(SOHOA_EENV,
		                       "[web] tls_cert and tls_key go "
		                       "together: set both (PEM files) or "
		                       "neither");
	if (!la.loopback && !cert[0])
		return sohoa_error_set(
		    SOHOA_EENV,
		    "[server] listen = '%s' is not a loopback address, and "
		    "staff passwords must not cross the network in clear: set "
		    "[web] tls_cert and [web] tls_key (PEM certificate and "
		    "key), or listen on 127.0.0.1",
		    sohoa_config_get(cfg, "server.listen"));
	if (cert[0] && !MHD_is_feature_supported(MHD_FEATURE_TLS))
		return sohoa_error_set(SOHOA_EENV,
		                       "this libmicrohttpd has no TLS; "
		                       "install Debian's libmicrohttpd12");
	return SOHOA_OK;
}

/* "a.example, b.example" -> {"a.example", "b.example", NULL}; *out NULL
 * when there is none. */
static int split_names(char ***out, const char *list)
{
	const char *sep = ", \t";
	char **v = NULL;
	size_t n = 0;

	*out = NULL;
	for (const char *p = list ? list : ""; *(p += strspn(p, sep));) {
		size_t len = strcspn(p, sep);
		char **nv = realloc(v, (n + 2) * sizeof(*v));

		if (nv)
			v = nv;
		if (!nv || !(v[n] = strndup(p, len))) {
			for (size_t i = 0; i < n; i++)
				free(v[i]);
			free(v);
			return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
		}
		v[++n] = NULL;
		p += len;
	}
	*out = v;
	return SOHOA_OK;
}

int sohoa_web_start(sohoa_web_server **out, const sohoa_web_options *opts)
{
	sohoa_web_server *srv;
	struct listen_addr la;
	const union MHD_DaemonInfo *di;
	unsigned flags = MHD_USE_THREAD_PER_CONNECTION |
	                 MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;
	const char *cert, *key;
	int rc;

	*out = NULL;
	if ((rc = sohoa_web_check_listen(opts->cfg)) != SOHOA_OK ||
	    (rc = parse_listen(opts->cfg, &la)) != SOHOA_OK)
		return rc;
	if (!(srv = calloc(1, sizeof(*srv))))
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	pthread_mutex_init(&srv->lock, NULL);
	pthread_cond_init(&srv->hash_free, NULL);
	srv->cfg = opts->cfg;
	srv->routes = opts->routes;
	srv->nroutes = opts->nroutes;
	srv->payload = opts->payload;
	srv->users = opts->users;
	srv->audit = opts->audit;
	srv->idle =
	    60.0 * sohoa_config_get_int(opts->cfg, "web.session_minutes");
	srv->loopback = la.loopback;
	if ((rc = split_names(&srv->host_names,
	                      sohoa_config_get(opts->cfg, "web.host_names"))) !=
	    SOHOA_OK) {
		sohoa_web_stop(srv);
		return rc;
	}
	cert = sohoa_config_get(opts->cfg, "web.tls_cert");
	key = sohoa_config_get(opts->cfg, "web.tls_key");
	if (cert[0]) {
		size_t len;

		if ((rc = sohoa_fs_read_all(&srv->cert, &len, cert)) !=
		        SOHOA_OK ||
		    (rc = sohoa_fs_read_all(&srv->key, &len, key)) !=
		        SOHOA_OK) {
			rc = sohoa_error_set(SOHOA_EENV,
			                     "[web] tls_cert / tls_key: %s",
			                     sohoa_error_last());
			sohoa_web_stop(srv);
			return rc;
		}
		srv->tls = 1;
		flags |= MHD_USE_TLS;
	}
	if (la.v6)
		flags |= MHD_USE_IPv6;
	srv->d = MHD_start_daemon(
	    flags, (uint16_t)la.port, NULL, NULL, on_request, srv,
	    MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, srv,
	    MHD_OPTION_UNESCAPE_CALLBACK, unescape, srv, MHD_OPTION_SOCK_ADDR,
	    (struct sockaddr *)&la.sa, MHD_OPTION_NOTIFY_COMPLETED,
	    on_completed, srv, MHD_OPTION_CONNECTION_LIMIT,
	    (unsigned)CONNECTIONS_MAX, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
	    (unsigned)sohoa_config_get_int(opts->cfg,
	                                   "web.max_connections_per_address"),
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)IDLE_SECONDS,
	    srv->tls ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, srv->cert,
	    MHD_OPTION_HTTPS_MEM_KEY, srv->key, MHD_OPTION_END);
	if (!srv->d) {
		rc = sohoa_error_set(
		    SOHOA_EENV,
		    "cannot serve the web pages on %s (in "
		    "use, or not an address of this "
		    "machine?); change [server] listen",
		    sohoa_config_get(opts->cfg, "server.listen"));
		sohoa_web_stop(srv);
		return rc;
	}
	di = MHD_get_daemon_info(srv->d, MHD_DAEMON_INFO_BIND_PORT);
	srv->port = di ? di->port : la.port;
	snprintf(srv->url, sizeof(srv->url),
	         la.v6 ? "%s://[%s]:%u/" : "%s://%s:%u/",
	         srv->tls ? "https" : "http", la.host, srv->port);
	*out = srv;
	return SOHOA_OK;
}

unsigned sohoa_web_port(const sohoa_web_server *srv)
{
	return srv->port;
}

const char *sohoa_web_url(const sohoa_web_server *srv)
{
	return srv->url;
}

void sohoa_web_stop(sohoa_web_server *srv)
{
	if (!srv)
		return;
	if (srv->d)
		MHD_stop_daemon(srv->d);
	while (srv->sessions) {
		struct session *s = srv->sessions;

		srv->sessions = s->next;
		OPENSSL_cleanse(s, sizeof(*s));
		free(s);
	}
	pthread_mutex_destroy(&srv->lock);
	pthread_cond_destroy(&srv->hash_free);
	if (srv->key) {
		OPENSSL_cleanse(srv->key, strlen(srv->key));
		free(srv->key);
	}
	free(srv->cert);
	for (char **h = srv->host_names; h && *h; h++)
		free(*h);
	free(srv->host_names);
	free(srv);
}
