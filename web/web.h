/* web.h -- sohoa's web layer: users and roles, the audit trail, and the
 * HTTP server (libmicrohttpd) that sohoad runs for the front desk and the
 * archive.  Depends on config/ only; the routes that reach the scanner,
 * the archive and the index are registered by cli/ (cli/web*.c).
 *
 * Threads: the server answers each request on a libmicrohttpd thread, so
 * handlers must be thread-safe.  Users and audit objects lock inside.
 */
#ifndef SOHOA_WEB_H
#define SOHOA_WEB_H

#include "config/config.h"

#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct json_t;

/* ---- users and roles (users.c) ----------------------------------------
 * A JSON file ([web] users) rewritten atomically; each password is kept
 * only as a slow salted hash (OpenSSL scrypt, parameters stored with it).
 */
typedef enum {
	SOHOA_ROLE_NONE = 0,
	SOHOA_ROLE_FRONT_DESK = 1 << 0,
	SOHOA_ROLE_ARCHIVIST = 1 << 1,
	SOHOA_ROLE_ADMIN = 1 << 2,
} sohoa_role;

#define SOHOA_ROLE_ANY                                                         \
	(SOHOA_ROLE_FRONT_DESK | SOHOA_ROLE_ARCHIVIST | SOHOA_ROLE_ADMIN)

/* "front_desk" | "archivist" | "admin" <-> the enum; NONE when unknown. */
sohoa_role sohoa_role_parse(const char *name);
const char *sohoa_role_name(sohoa_role role);

typedef struct sohoa_users sohoa_users;

/* Open (and create when `create`) the users file at `path`. */
int sohoa_users_open(sohoa_users **out, const char *path, int create);
void sohoa_users_free(sohoa_users *u);
/* Re-read the file when it changed on disk (the CLI edits it while
 * sohoad runs); cheap when nothing changed. */
int sohoa_users_refresh(sohoa_users *u);
int sohoa_users_add(sohoa_users *u, const char *name, sohoa_role role,
                    const char *password);
int sohoa_users_passwd(sohoa_users *u, const char *name, const char *password);
int sohoa_users_del(sohoa_users *u, const char *name);
/* SOHOA_OK and the role when the password matches; SOHOA_EINVALID
 * otherwise, taking the same time whether or not the user exists. */
int sohoa_users_check(sohoa_users *u, const char *name, const char *password,
                      sohoa_role *role_out);
/* [{"name","role","created","changed"}...] without hashes. */
struct json_t *sohoa_users_list(sohoa_users *u);
/* The role of an existing user (SOHOA_ENOTFOUND when there is none). */
int sohoa_users_role(sohoa_users *u, const char *name, sohoa_role *role_out);
/* The role of an existing user and a stamp of their password (16
 * characters that change with every `passwd`): a session made before a
 * password change ends.  SOHOA_ENOTFOUND when there is no such user. */
#define SOHOA_USER_STAMP 17
int sohoa_users_stamp(sohoa_users *u, const char *name, sohoa_role *role_out,
                      char stamp[SOHOA_USER_STAMP]);
/* 1 when `name` is a valid user name: 1-64 of [A-Za-z0-9._-], not
 * starting with '.' or '-'. */
int sohoa_user_name_valid(const char *name);

/* ---- audit trail (audit.c) -------------------------------------------
 * Append-only JSON lines, each entry hash-chained to the one before
 * (SHA-256 over the previous hash and the entry), fsynced per entry; the
 * chain head is also kept apart so a removed last entry shows.
 */
typedef struct sohoa_audit sohoa_audit;

int sohoa_audit_open(sohoa_audit **out, const char *path);
void sohoa_audit_free(sohoa_audit *a);
/* One entry: who (user name, or "-"), what action ("login",
 * "login_failed", "page_view", "page_export", "pdf_download",
 * "field_correct", "review_file", "user_add", ...), which case ("" when
 * none), and a short free-form detail (may be NULL). */
int sohoa_audit_log(sohoa_audit *a, const char *user, const char *action,
                    const char *case_number, const char *detail);
/* Check the whole chain; SOHOA_OK or an error naming the first bad line. */
int sohoa_audit_verify(const char *path, size_t *entries_out);

/* ---- HTTP server (server.c) -------------------------------------------
 * Serves the embedded pages (web/static), GET /healthz, login/logout,
 * sessions (HttpOnly SameSite=Strict cookie), CSRF (token per session,
 * required in the X-CSRF-Token header of every non-GET request), login
 * rate limits, request size limits, role checks per route.  Listens on
 * [server] listen; any non-loopback address needs [web] tls_cert and
 * tls_key or start fails with a clear message.
 */
typedef struct sohoa_web_server sohoa_web_server;
typedef struct sohoa_web_request sohoa_web_request;

/* What a handler hands back: fill one of json / body / file. */
typedef struct sohoa_web_response {
	unsigned status;     /* 200 when left 0 */
	struct json_t *json; /* owned: sent as application/json */
	void *body;          /* owned (free()d): raw bytes */
	size_t body_len;
	const char *content_type; /* static string, for body */
	char *disposition;        /* owned or NULL: Content-Disposition */
} sohoa_web_response;

typedef int (*sohoa_web_handler)(sohoa_web_request *req,
                                 sohoa_web_response *resp, void *payload);

typedef struct sohoa_web_route {
	const char *method; /* "GET", "POST", "DELETE" */
	const char *path;   /* exact, or a prefix when it ends in '/' */
	unsigned roles;     /* mask of sohoa_role allowed */
	sohoa_web_handler handler;
} sohoa_web_route;

/* Request accessors, valid during the handler call. */
const char *sohoa_web_method(const sohoa_web_request *req);
const char *sohoa_web_path(const sohoa_web_request *req);
/* The part of the path after a prefix route, URL-decoded, "" if none. */
const char *sohoa_web_path_rest(const sohoa_web_request *req);
const char *sohoa_web_query(const sohoa_web_request *req, const char *name);
/* The parsed JSON body of a POST (NULL when there is none). */
struct json_t *sohoa_web_body_json(const sohoa_web_request *req);
/* The raw body (NULL and 0 when there is none); any content type. */
const void *sohoa_web_body(const sohoa_web_request *req, size_t *len);
/* A request header (case-insensitive name), or NULL. */
const char *sohoa_web_header(const sohoa_web_request *req, const char *name);
/* The client's address ("127.0.0.1"), for audit details. */
const char *sohoa_web_client(const sohoa_web_request *req);
const char *sohoa_web_user(const sohoa_web_request *req);
sohoa_role sohoa_web_role(const sohoa_web_request *req);
sohoa_audit *sohoa_web_audit(const sohoa_web_request *req);

/* A JSON error answer: {"error": message, "field": field or absent}. */
int sohoa_web_error(sohoa_web_response *resp, unsigned status,
                    const char *field, const char *fmt, ...) SOHOA_PRINTF(4, 5);

typedef struct sohoa_web_options {
	const sohoa_config *cfg; /* [server] listen, [web] ... */
	const sohoa_web_route *routes;
	size_t nroutes;
	void *payload;      /* handed to every handler */
	sohoa_users *users; /* borrowed: login, and sessions of users that
	                       are deleted or change role or password end */
	sohoa_audit *audit; /* borrowed: login, login_failed, logout */
} sohoa_web_options;

/* Check [server] listen and the TLS keys before anything starts:
 * SOHOA_EENV naming the keys to set when a non-loopback address has no
 * [web] tls_cert and tls_key. */
int sohoa_web_check_listen(const sohoa_config *cfg);

int sohoa_web_start(sohoa_web_server **out, const sohoa_web_options *opts);
/* The port actually bound (for listen = 127.0.0.1:0 in tests). */
unsigned sohoa_web_port(const sohoa_web_server *srv);
/* "http://HOST:PORT/" (https under TLS), for the log. */
const char *sohoa_web_url(const sohoa_web_server *srv);
void sohoa_web_stop(sohoa_web_server *srv);

#endif
