/* web_int.h -- how sohoad's web routes are put together.  cli/web.c
 * starts the server (web/web.h) with its own routes (login, pages, me)
 * followed by these tables; each file owns one table.  Handlers run on
 * libmicrohttpd threads: they reach sohoad's scan queue through the
 * control socket (cli_control_call) and read bundles and the index
 * directly, so they share no unlocked state with the main loop.
 */
#ifndef SOHOA_CLI_WEB_INT_H
#define SOHOA_CLI_WEB_INT_H

#include "cli_int.h"
#include "web/web.h"

/* What every handler gets as payload. */
struct cli_web {
	const sohoa_config *cfg; /* the running configuration */
	const char *config_path; /* or NULL: for control-socket calls */
	sohoa_users *users;
	sohoa_audit *audit;
};

/* What staff read when a change is refused because the audit trail
 * cannot be written (the English reason goes to the log). */
#define CLI_WEB_AUDIT_DOWN_VI                                                                    \
	"Không ghi được nhật ký kiểm tra (audit) nên thao tác này chưa "           \
	"được thực hiện, không có gì bị thay đổi. Hãy báo quản trị viên " \
	"kiểm tra ổ đĩa và tệp nhật ký ([audit] path), rồi thử lại."

/* front desk (cli/web_desk.c): /api/desk/..., /api/devices, ... */
extern const sohoa_web_route cli_web_desk_routes[];
extern const size_t cli_web_desk_nroutes;

/* archive, review, status (cli/web_archive.c) */
extern const sohoa_web_route cli_web_archive_routes[];
extern const size_t cli_web_archive_nroutes;

/* sohoad's web service (cli/web.c): the users file, the audit trail and
 * the server with the core routes and both tables.  SOHOA_EENV when it
 * cannot start (listen address, TLS keys, files). */
struct cli_web_service;
int cli_web_start(struct cli_web_service **out, const sohoa_config *cfg,
                  const char *config_path);
void cli_web_stop(struct cli_web_service *w);

#endif
