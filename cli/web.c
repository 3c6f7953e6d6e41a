/* web.c -- sohoad's web pages: opens the users file and the audit trail,
 * and starts the server (web/web.h) with the core routes below followed
 * by the front-desk and archive tables (web_desk.c, web_archive.c).
 */
#include "web_int.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

struct cli_web_service {
	struct cli_web payload;
	sohoa_web_route *routes;
	sohoa_web_server *srv;
};

/* GET /api/users (admin): the accounts, without their hashes */
static int users_list(sohoa_web_request *req, sohoa_web_response *resp,
                      void *payload)
{
	struct cli_web *w = payload;
	json_t *list;

	(void)req;
	sohoa_users_refresh(w->users);
	if (!(list = sohoa_users_list(w->users)))
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	resp->json = json_pack("{s:o}", "users", list);
	return resp->json ? SOHOA_OK : SOHOA_ENOMEM;
}

static const sohoa_web_route core_routes[] = {
    {"GET", "/api/users", SOHOA_ROLE_ADMIN, users_list},
};

int cli_web_start(struct cli_web_service **out, const sohoa_config *cfg,
                  const char *config_path)
{
	struct cli_web_service *w;
	sohoa_web_options o = {0};
	size_t ncore = sizeof(core_routes) / sizeof(core_routes[0]), n = 0;
	int rc;

	*out = NULL;
	if ((rc = sohoa_web_check_listen(cfg)) != SOHOA_OK)
		return rc;
	if (!(w = calloc(1, sizeof(*w))) ||
	    !(w->routes = calloc(ncore + cli_web_desk_nroutes +
	                             cli_web_archive_nroutes + 1,
	                         sizeof(*w->routes)))) {
		free(w);
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < ncore; i++)
		w->routes[n++] = core_routes[i];
	for (size_t i = 0; i < cli_web_desk_nroutes; i++)
		w->routes[n++] = cli_web_desk_routes[i];
	for (size_t i = 0; i < cli_web_archive_nroutes; i++)
		w->routes[n++] = cli_web_archive_routes[i];
	w->payload.cfg = cfg;
	w->payload.config_path = config_path;
	if ((rc = sohoa_users_open(&w->payload.users,
	                           sohoa_config_get(cfg, "web.users"), 1)) !=
	        SOHOA_OK ||
	    (rc = sohoa_audit_open(&w->payload.audit,
	                           sohoa_config_get(cfg, "audit.path"))) !=
	        SOHOA_OK) {
		cli_web_stop(w);
		return rc;
	}
	{
		json_t *list = sohoa_users_list(w->payload.users);

		if (!json_array_size(list))
			sohoa_log(SOHOA_LOG_WARN,
			          "no users in %s yet: add the first with "
			          "'sohoa user add NAME --role admin'",
			          sohoa_config_get(cfg, "web.users"));
		json_decref(list);
	}
	o.cfg = cfg;
	o.routes = w->routes;
	o.nroutes = n;
	o.payload = &w->payload;
	o.users = w->payload.users;
	o.audit = w->payload.audit;
	if ((rc = sohoa_web_start(&w->srv, &o)) != SOHOA_OK) {
		cli_web_stop(w);
		return rc;
	}
	/* always, whatever the log level: staff need the address */
	sohoa_log_write(SOHOA_LOG_INFO, SOHOA_LOG_MODULE, "web pages at %s",
	                sohoa_web_url(w->srv));
	*out = w;
	return SOHOA_OK;
}

void cli_web_stop(struct cli_web_service *w)
{
	if (!w)
		return;
	sohoa_web_stop(w->srv);
	sohoa_audit_free(w->payload.audit);
	sohoa_users_free(w->payload.users);
	free(w->routes);
	free(w);
}
