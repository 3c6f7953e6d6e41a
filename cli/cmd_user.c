/* cmd_user.c -- `sohoa user add|passwd|del|list`: the staff accounts of
 * the web pages ([web] users).  Every change is written to the audit
 * trail as done by the local account that ran the command.
 */
#include "cli_int.h"
#include "web/web.h"

#include <errno.h>
#include <jansson.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

/* "cli:LOGIN", who is audited for a change made here */
static void operator_name(char *out, size_t n)
{
	struct passwd *pw = getpwuid(getuid());

	snprintf(out, n, "cli:%s", pw && pw->pw_name ? pw->pw_name : "?");
}

static int read_line(char *buf, size_t n, FILE *f)
{
	size_t len;

	if (!fgets(buf, (int)n, f))
		return -1;
	len = strlen(buf);
	if (len && buf[len - 1] == '\n')
		buf[--len] = '\0';
	else if (len == n - 1)
		return -2; /* too long */
	if (len && buf[len - 1] == '\r')
		buf[--len] = '\0';
	return 0;
}

/* The new password: one line of stdin (--password-stdin), or asked twice
 * on the terminal without echo. */
static int get_password(char *buf, size_t n, int from_stdin)
{
	char again[1100];
	struct termios old, quiet;
	FILE *tty;
	int rc;

	if (from_stdin) {
		rc = read_line(buf, n, stdin);
		if (rc == -2)
			return sohoa_error_set(SOHOA_EINVALID,
			                       "the password is too long");
		if (rc)
			return sohoa_error_set(SOHOA_EINVALID,
			                       "no password on standard input");
		return SOHOA_OK;
	}
	if (!(tty = fopen("/dev/tty", "r+")))
		return sohoa_error_set(SOHOA_EINVALID,
		                       "no terminal to ask the password on; "
		                       "pipe it in with --password-stdin");
	tcgetattr(fileno(tty), &old);
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	tcsetattr(fileno(tty), TCSAFLUSH, &quiet);
	fprintf(tty, "New password: ");
	fflush(tty);
	rc = read_line(buf, n, tty);
	fprintf(tty, "\nAgain: ");
	fflush(tty);
	if (rc == 0)
		rc = read_line(again, sizeof(again), tty);
	fprintf(tty, "\n");
	tcsetattr(fileno(tty), TCSAFLUSH, &old);
	fclose(tty);
	if (rc)
		return sohoa_error_set(SOHOA_EINVALID, "no password given");
	if (strcmp(buf, again)) {
		memset(again, 0, sizeof(again));
		return sohoa_error_set(SOHOA_EINVALID,
		                       "the two passwords differ; try again");
	}
	memset(again, 0, sizeof(again));
	return SOHOA_OK;
}

static void audit(const sohoa_config *cfg, const char *action,
                  const char *detail)
{
	sohoa_audit *a = NULL;
	char who[80];

	operator_name(who, sizeof(who));
	if (sohoa_audit_open(&a, sohoa_config_get(cfg, "audit.path")) !=
	        SOHOA_OK ||
	    sohoa_audit_log(a, who, action, "", detail) != SOHOA_OK)
		fprintf(stderr, "sohoa: warning: not in the audit trail: %s\n",
		        sohoa_error_last());
	sohoa_audit_free(a);
}

static int list(sohoa_users *u, int json)
{
	json_t *l = sohoa_users_list(u), *e;
	size_t i;

	if (!l)
		return cli_fail(SOHOA_ENOMEM);
	if (json) {
		json_t *root = json_pack("{s:o}", "users", l);
		char *text =
		    root
		        ? json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER)
		        : NULL;

		if (text)
			printf("%s\n", text);
		free(text);
		json_decref(root);
		return text ? SOHOA_EXIT_OK : cli_fail(SOHOA_ENOMEM);
	}
	json_array_foreach(l, i, e)
	{
		printf("%s\t%s\t%s\n",
		       json_string_value(json_object_get(e, "name")),
		       json_string_value(json_object_get(e, "role")),
		       json_string_value(json_object_get(e, "changed")));
	}
	json_decref(l);
	return SOHOA_EXIT_OK;
}

int cmd_user(int argc, char **argv)
{
	const char *action, *name = NULL, *role_arg = NULL;
	int from_stdin = 0, json = 0, ex, rc;
	sohoa_config *cfg = NULL;
	sohoa_users *u = NULL;
	char password[1100] = "", detail[200];
	sohoa_role role = SOHOA_ROLE_NONE;

	if (argc < 2)
		return cli_usage_error("user", "say add, passwd, del or list");
	action = argv[1];
	if (strcmp(action, "add") && strcmp(action, "passwd") &&
	    strcmp(action, "del") && strcmp(action, "list"))
		return cli_usage_error("user",
		                       "unknown action '%s': add, passwd, del "
		                       "or list",
		                       action);
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--role") && i + 1 < argc)
			role_arg = argv[++i];
		else if (!strncmp(argv[i], "--role=", 7))
			role_arg = argv[i] + 7;
		else if (!strcmp(argv[i], "--password-stdin"))
			from_stdin = 1;
		else if (!strcmp(argv[i], "--json"))
			json = 1;
		else if (argv[i][0] == '-')
			return cli_usage_error("user", "unknown option '%s'",
			                       argv[i]);
		else if (!name)
			name = argv[i];
		else
			return cli_usage_error("user", "one user name only");
	}
	if (!strcmp(action, "list") ? name != NULL : name == NULL)
		return cli_usage_error("user", !strcmp(action, "list")
		                                   ? "list takes no name"
		                                   : "which user?");
	if (!strcmp(action, "add")) {
		if (!role_arg)
			return cli_usage_error("user",
			                       "add needs --role front_desk, "
			                       "archivist or admin");
		if ((role = sohoa_role_parse(role_arg)) == SOHOA_ROLE_NONE)
			return cli_usage_error("user",
			                       "unknown role '%s': front_desk, "
			                       "archivist or admin",
			                       role_arg);
	} else if (role_arg) {
		return cli_usage_error("user", "--role goes with add only");
	}
	if ((ex = cli_load_config(&cfg)))
		return ex;
	if ((rc = sohoa_users_open(&u, sohoa_config_get(cfg, "web.users"),
	                           1)) != SOHOA_OK) {
		sohoa_config_free(cfg);
		return cli_fail(rc);
	}
	if (!strcmp(action, "list")) {
		ex = list(u, json);
		goto out;
	}
	if (!strcmp(action, "add") || !strcmp(action, "passwd")) {
		if (!sohoa_user_name_valid(name)) {
			ex = cli_fail(sohoa_error_set(
			    SOHOA_EINVALID,
			    "user name '%s': use 1 to 64 letters, digits, "
			    "'.', '_' or '-' (ASCII)",
			    name));
			goto out;
		}
		if (!strcmp(action, "passwd")) {
			sohoa_role r;

			if (sohoa_users_role(u, name, &r) != SOHOA_OK) {
				ex = cli_fail(sohoa_error_set(
				    SOHOA_ENOTFOUND,
				    "no user '%s' ('sohoa user list' shows "
				    "them)",
				    name));
				goto out;
			}
		}
		if ((rc = get_password(password, sizeof(password),
		                       from_stdin)) != SOHOA_OK) {
			ex = cli_fail(rc);
			goto out;
		}
	}
	if (!strcmp(action, "add"))
		rc = sohoa_users_add(u, name, role, password);
	else if (!strcmp(action, "passwd"))
		rc = sohoa_users_passwd(u, name, password);
	else
		rc = sohoa_users_del(u, name);
	memset(password, 0, sizeof(password));
	if (rc != SOHOA_OK) {
		ex = cli_fail(rc);
		goto out;
	}
	if (!strcmp(action, "add")) {
		snprintf(detail, sizeof(detail), "%s (%s)", name,
		         sohoa_role_name(role));
		audit(cfg, "user_add", detail);
		printf("user %s added (%s)\n", name, sohoa_role_name(role));
	} else if (!strcmp(action, "passwd")) {
		audit(cfg, "user_passwd", name);
		printf("password of %s changed\n", name);
	} else {
		audit(cfg, "user_del", name);
		printf("user %s deleted\n", name);
	}
	ex = SOHOA_EXIT_OK;
out:
	sohoa_users_free(u);
	sohoa_config_free(cfg);
	return ex;
}
