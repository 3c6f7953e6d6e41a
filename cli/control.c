/* control.c -- sohoad's control socket and scan queue.
 *
 * A Unix stream socket ([server] socket) takes one JSON request per
 * connection and answers one JSON line:
 *   {"cmd":"scan","case":C,"device":D,"component":N,"kind":K,
 *    "source":S,"mode":M,"dpi":N,"set":["NAME=VALUE",...]}
 *       -> {"ok":true,"id":"r1","state":"queued"}
 *     "hold":true makes the job a front-desk draft (sohoa scan --hold):
 *     recognized, then held in the spool until staff commit it;
 *     {"cmd":"scan","job":JOB} scans more pages into the spool job JOB
 *     (a draft, or a faulted scan) with its own settings (--resume).
 *   {"cmd":"jobs"} -> {"ok":true,"jobs":[{"id","state","device","case",
 *                       "component","pid","exit","cancelled"},...]}
 *   {"cmd":"cancel","id":"rN"} -> {"ok":true,"id":"rN","state":
 *                       "cancelled" (was queued) | "stopping" (running)}
 *   {"cmd":"status"} -> {"ok":true,"daemon":true,"idle":B,"scans":{...},
 *                       ...what cli_stages_status() gives}
 * Each scan runs as a `sohoa scan --capture-only` child process (plain
 * `sohoa scan` without stages), one at a time per device, later ones
 * queued; its output goes to sohoad's log with the request id in front.
 * Cancelling or draining sends a running child SIGINT: it stops at a page
 * boundary and keeps what it has, which the stages then file.
 */
#include "cli_int.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

enum req_state { REQ_QUEUED, REQ_RUNNING, REQ_DONE };

struct request {
	int id;
	enum req_state state;
	char *device;    /* owned: "" = the configured/first device */
	char *case_no;   /* owned */
	char *component; /* owned */
	char **argv;     /* owned, NULL-terminated: the sohoa command */
	pid_t pid;
	int out;         /* child's stdout+stderr, -1 when closed */
	char line[1024]; /* partial output line */
	size_t fill;
	int exit_code;   /* REQ_DONE: exit status, or -signal */
	char *resume_id; /* owned or NULL: the spool job it resumes */
	int cancelled;
};

struct cli_control {
	int fd;                  /* listening socket */
	char *path;              /* owned: socket path */
	char *bin;               /* owned: the sohoa binary */
	char *config;            /* owned or NULL: --config for the children */
	const sohoa_config *cfg; /* borrowed: defaults */
	struct request *req;
	size_t nreq;
	int next_id;
	int draining;
	struct cli_stages *stages; /* borrowed or NULL */
};

static void free_request(struct request *r)
{
	for (size_t i = 0; r->argv && r->argv[i]; i++)
		free(r->argv[i]);
	free(r->argv);
	free(r->device);
	free(r->case_no);
	free(r->component);
	free(r->resume_id);
	if (r->out >= 0)
		close(r->out);
}

void cli_control_free(struct cli_control *c)
{
	if (!c)
		return;
	if (c->fd >= 0) {
		close(c->fd);
		unlink(c->path);
	}
	for (size_t i = 0; i < c->nreq; i++)
		free_request(&c->req[i]);
	free(c->req);
	free(c->path);
	free(c->bin);
	free(c->config);
	free(c);
}

int cli_control_open(struct cli_control **out, const sohoa_config *cfg,
                     const char *config_path)
{
	const char *path = sohoa_config_get(cfg, "server.socket");
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct cli_control *c;
	char exe[4096], *slash;
	ssize_t n;

	*out = NULL;
	if (strlen(path) >= sizeof(sa.sun_path))
		return sohoa_error_set(SOHOA_EINVALID,
		                       "[server] socket %s: path too long (at "
		                       "most %zu bytes)",
		                       path, sizeof(sa.sun_path) - 1);
	if (!(c = calloc(1, sizeof(*c))))
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	c->fd = -1;
	c->cfg = cfg;
	c->next_id = 1;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	exe[n > 0 ? n : 0] = '\0';
	if ((slash = strrchr(exe, '/')))
		slash[1] = '\0';
	if (sohoa_asprintf(&c->bin, "%ssohoa", n > 0 ? exe : "") ||
	    !(c->path = strdup(path)) ||
	    (config_path && !(c->config = strdup(config_path)))) {
		cli_control_free(c);
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	}
	strcpy(sa.sun_path, path);
	unlink(path); /* a socket left by a killed sohoad */
	if ((c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
	    bind(c->fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    listen(c->fd, 16) != 0) {
		int err = errno;

		if (c->fd >= 0)
			close(c->fd);
		c->fd = -1;
		cli_control_free(c);
		return sohoa_error_set(sohoa_error_from_errno(err),
		                       "control socket %s: %s; check [server] "
		                       "socket",
		                       path, strerror(err));
	}
	fcntl(c->fd, F_SETFL, O_NONBLOCK);
	sohoa_log(SOHOA_LOG_INFO, "control socket %s", path);
	*out = c;
	return SOHOA_OK;
}

static const char *state_name(enum req_state s)
{
	return s == REQ_QUEUED    ? "queued"
	       : s == REQ_RUNNING ? "running"
	                          : "done";
}

static int push_arg(char ***argv, size_t *n, const char *a)
{
	char **nv = realloc(*argv, (*n + 2) * sizeof(*nv));

	if (!nv)
		return -1;
	*argv = nv;
	if (!(nv[*n] = strdup(a)))
		return -1;
	nv[++*n] = NULL;
	return 0;
}

/* {"cmd":"scan","job":JOB}: `sohoa scan --resume JOB` on the job's own
 * device ("device" in the request names it for the queue); NULL = ok. */
static char *continue_job(struct cli_control *c, json_t *q, struct request *r,
                          const char *job)
{
	const char *dev = json_string_value(json_object_get(q, "device"));
	const char *case_arg = json_string_value(json_object_get(q, "case"));
	json_t *set = json_object_get(q, "set");
	size_t n = 0;
	int bad = 0;

	if (!job[0] || strchr(job, '/') || job[0] == '.')
		return strdup("\"job\" must name a job in the spool");
	r->device = strdup(dev ? dev : "");
	r->case_no = strdup(case_arg ? case_arg : job);
	r->component = strdup("");
	r->resume_id = strdup(job);
	bad |= !r->device || !r->case_no || !r->component || !r->resume_id;
	bad |= push_arg(&r->argv, &n, "sohoa");
	if (c->config)
		bad |= push_arg(&r->argv, &n, "--config") ||
		       push_arg(&r->argv, &n, c->config);
	bad |= push_arg(&r->argv, &n, "scan") ||
	       push_arg(&r->argv, &n, "--resume") ||
	       push_arg(&r->argv, &n, job);
	if (c->stages)
		bad |= push_arg(&r->argv, &n, "--capture-only");
	for (size_t i = 0; i < json_array_size(set); i++) {
		const char *s = json_string_value(json_array_get(set, i));

		if (s)
			bad |= push_arg(&r->argv, &n, "--set") ||
			       push_arg(&r->argv, &n, s);
	}
	return bad ? strdup("out of memory") : NULL;
}

/* Build the `sohoa scan` command for a request; NULL reply = ok. */
static char *make_request(struct cli_control *c, json_t *q, struct request *r)
{
	static const char *const opt[][2] = {{"component", "--component"},
	                                     {"kind", "--kind"},
	                                     {"source", "--source"},
	                                     {"mode", "--mode"}};
	const char *case_arg = json_string_value(json_object_get(q, "case"));
	const char *dev = json_string_value(json_object_get(q, "device"));
	const char *job = json_string_value(json_object_get(q, "job"));
	char norm[SOHOA_CASE_MAX], num[16];
	json_t *set = json_object_get(q, "set"), *dpi;
	size_t n = 0;
	int bad = 0;

	if (job)
		return continue_job(c, q, r, job);
	if (!case_arg)
		return strdup("a scan request needs \"case\"");
	if (sohoa_case_normalize(norm, case_arg) != SOHOA_OK)
		return strdup(sohoa_error_last());
	if (!dev)
		dev = sohoa_config_get(c->cfg, "scanner.device");
	r->device = strdup(dev);
	r->case_no = strdup(norm);
	r->component =
	    strdup(json_string_value(json_object_get(q, "component"))
	               ? json_string_value(json_object_get(q, "component"))
	               : "Hồ sơ");
	bad |= !r->device || !r->case_no || !r->component;
	bad |= push_arg(&r->argv, &n, "sohoa");
	if (c->config)
		bad |= push_arg(&r->argv, &n, "--config") ||
		       push_arg(&r->argv, &n, c->config);
	bad |= push_arg(&r->argv, &n, "scan") ||
	       push_arg(&r->argv, &n, "--case") || push_arg(&r->argv, &n, norm);
	if (c->stages)
		bad |= push_arg(&r->argv, &n, "--capture-only");
	if (json_is_true(json_object_get(q, "hold")))
		bad |= push_arg(&r->argv, &n, "--hold");
	if (dev[0])
		bad |= push_arg(&r->argv, &n, "--device") ||
		       push_arg(&r->argv, &n, dev);
	for (size_t i = 0; i < sizeof(opt) / sizeof(opt[0]); i++) {
		const char *v =
		    json_string_value(json_object_get(q, opt[i][0]));

		if (v)
			bad |= push_arg(&r->argv, &n, opt[i][1]) ||
			       push_arg(&r->argv, &n, v);
	}
	if ((dpi = json_object_get(q, "dpi")) && json_is_integer(dpi)) {
		snprintf(num, sizeof(num), "%lld",
		         (long long)json_integer_value(dpi));
		bad |= push_arg(&r->argv, &n, "--dpi") ||
		       push_arg(&r->argv, &n, num);
	}
	for (size_t i = 0; i < json_array_size(set); i++) {
		const char *s = json_string_value(json_array_get(set, i));

		if (s)
			bad |= push_arg(&r->argv, &n, "--set") ||
			       push_arg(&r->argv, &n, s);
	}
	return bad ? strdup("out of memory") : NULL;
}

static json_t *jobs_reply(const struct cli_control *c)
{
	json_t *a = json_array();

	for (size_t i = 0; i < c->nreq; i++) {
		const struct request *r = &c->req[i];
		char id[16];

		snprintf(id, sizeof(id), "r%d", r->id);
		json_t *o = json_pack(
		    "{s:s, s:s, s:s, s:s, s:s, s:i, s:i, s:b}", "id", id,
		    "state", state_name(r->state), "device", r->device, "case",
		    r->case_no, "component", r->component, "pid", (int)r->pid,
		    "exit", r->exit_code, "cancelled", r->cancelled);

		if (o && r->resume_id)
			json_object_set_new(o, "job",
			                    json_string(r->resume_id));
		json_array_append_new(a, o);
	}
	return json_pack("{s:b, s:o}", "ok", 1, "jobs", a);
}

static void answer(int fd, json_t *reply)
{
	char *text = json_dumps(reply, JSON_COMPACT);

	if (text) {
		size_t len = strlen(text);

		if (write(fd, text, len) != (ssize_t)len ||
		    write(fd, "\n", 1) != 1)
			sohoa_log(SOHOA_LOG_WARN, "control: client went away");
	}
	free(text);
	json_decref(reply);
}

static json_t *status_reply(const struct cli_control *c)
{
	json_t *o = c->stages ? cli_stages_status(c->stages) : json_object();
	int queued = cli_control_queued(c), running = cli_control_running(c);

	json_object_set_new(o, "ok", json_true());
	json_object_set_new(o, "daemon", json_true());
	json_object_set_new(o, "pid", json_integer((json_int_t)getpid()));
	json_object_set_new(o, "draining", json_boolean(c->draining));
	json_t *jr = jobs_reply(c);

	json_object_set_new(o, "scans",
	                    json_pack("{s:i, s:i, s:O}", "queued", queued,
	                              "running", running, "list",
	                              json_object_get(jr, "jobs")));
	json_decref(jr);
	json_object_set_new(
	    o, "idle",
	    json_boolean(queued == 0 && running == 0 &&
	                 (!c->stages || cli_stages_idle(c->stages))));
	return o;
}

static json_t *cancel(struct cli_control *c, const char *id)
{
	char rid[16];

	for (size_t i = 0; id && i < c->nreq; i++) {
		struct request *r = &c->req[i];

		snprintf(rid, sizeof(rid), "r%d", r->id);
		if (strcmp(rid, id) != 0)
			continue;
		if (r->state == REQ_QUEUED) {
			r->state = REQ_DONE;
			r->exit_code = -1;
			r->cancelled = 1;
			sohoa_log(SOHOA_LOG_INFO,
			          "[%s] cancelled before it "
			          "started",
			          rid);
			return json_pack("{s:b, s:s, s:s}", "ok", 1, "id", rid,
			                 "state", "cancelled");
		}
		if (r->state == REQ_RUNNING) {
			r->cancelled = 1;
			kill(r->pid, SIGINT); /* see cli_control_drain_begin */
			sohoa_log(SOHOA_LOG_INFO,
			          "[%s] cancelled: stopping at the next page; "
			          "what it scanned is filed",
			          rid);
			return json_pack("{s:b, s:s, s:s}", "ok", 1, "id", rid,
			                 "state", "stopping");
		}
		return json_pack("{s:b, s:s, s:s}", "ok", 0, "error",
		                 "that scan has already finished", "id", rid);
	}
	return json_pack("{s:b, s:s}", "ok", 0, "error",
	                 "no such scan request; see 'sohoa jobs'");
}

static void serve_client(struct cli_control *c, int fd)
{
	char buf[8192];
	size_t len = 0;
	json_t *q = NULL;
	json_error_t jerr;
	const char *cmd;
	struct pollfd p = {.fd = fd, .events = POLLIN};

	/* one line, within a second */
	while (len < sizeof(buf) - 1 && poll(&p, 1, 1000) > 0) {
		ssize_t n = read(fd, buf + len, sizeof(buf) - 1 - len);

		if (n <= 0)
			break;
		len += (size_t)n;
		if (memchr(buf, '\n', len))
			break;
	}
	buf[len] = '\0';
	if (!(q = json_loads(buf, JSON_DISABLE_EOF_CHECK, &jerr)) ||
	    !(cmd = json_string_value(json_object_get(q, "cmd")))) {
		answer(fd, json_pack("{s:b, s:s}", "ok", 0, "error",
		                     "expected one JSON object with \"cmd\": "
		                     "\"scan\", \"jobs\", \"cancel\" or "
		                     "\"status\""));
	} else if (!strcmp(cmd, "jobs")) {
		answer(fd, jobs_reply(c));
	} else if (!strcmp(cmd, "status")) {
		answer(fd, status_reply(c));
	} else if (!strcmp(cmd, "cancel")) {
		answer(fd,
		       cancel(c, json_string_value(json_object_get(q, "id"))));
	} else if (!strcmp(cmd, "scan") && c->draining) {
		answer(fd, json_pack("{s:b, s:s}", "ok", 0, "error",
		                     "sohoad is stopping; scan again later"));
	} else if (!strcmp(cmd, "scan")) {
		struct request r = {.out = -1};
		struct request *nr;
		char *err = make_request(c, q, &r), id[16];

		if (err ||
		    !(nr = realloc(c->req, (c->nreq + 1) * sizeof(*nr)))) {
			answer(fd, json_pack("{s:b, s:s}", "ok", 0, "error",
			                     err ? err : "out of memory"));
			free_request(&r);
		} else {
			r.id = c->next_id++;
			c->req = nr;
			c->req[c->nreq++] = r;
			snprintf(id, sizeof(id), "r%d", r.id);
			sohoa_log(SOHOA_LOG_INFO, "[%s] queued: case %s on %s",
			          id, r.case_no,
			          r.device[0] ? r.device : "the first device");
			answer(fd, json_pack("{s:b, s:s, s:s}", "ok", 1, "id",
			                     id, "state", "queued"));
		}
		free(err);
	} else {
		answer(fd, json_pack("{s:b, s:s}", "ok", 0, "error",
		                     "unknown cmd; use \"scan\", \"jobs\", "
		                     "\"cancel\" or \"status\""));
	}
	json_decref(q);
}

static int device_busy(const struct cli_control *c, const char *dev)
{
	for (size_t i = 0; i < c->nreq; i++)
		if (c->req[i].state == REQ_RUNNING &&
		    !strcmp(c->req[i].device, dev))
			return 1;
	return 0;
}

static void start(struct cli_control *c, struct request *r)
{
	int p[2];
	pid_t pid;

	if (pipe(p) != 0) {
		sohoa_log(SOHOA_LOG_ERROR, "[r%d] cannot start: %s", r->id,
		          strerror(errno));
		return;
	}
	if ((pid = fork()) == 0) {
		dup2(p[1], 1);
		dup2(p[1], 2);
		close(p[0]);
		close(p[1]);
		signal(SIGTERM, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		execv(c->bin, r->argv);
		fprintf(stderr, "cannot run %s: %s\n", c->bin, strerror(errno));
		_exit(SOHOA_EXIT_ENV);
	}
	close(p[1]);
	if (pid < 0) {
		close(p[0]);
		sohoa_log(SOHOA_LOG_ERROR, "[r%d] cannot start: %s", r->id,
		          strerror(errno));
		return;
	}
	r->pid = pid;
	r->out = p[0];
	r->state = REQ_RUNNING;
	sohoa_log(SOHOA_LOG_INFO, "[r%d] running sohoa scan (pid %ld)", r->id,
	          (long)pid);
}

/* Child output, a line at a time, into the log with the request id. */
static void drain_output(struct request *r)
{
	ssize_t n =
	    read(r->out, r->line + r->fill, sizeof(r->line) - 1 - r->fill);
	char *nl;

	if (n <= 0) {
		close(r->out);
		r->out = -1;
		n = 0;
	}
	r->fill += (size_t)n;
	r->line[r->fill] = '\0';
	while ((nl = strchr(r->line, '\n')) || (r->out < 0 && r->fill > 0) ||
	       r->fill == sizeof(r->line) - 1) {
		size_t len = nl ? (size_t)(nl - r->line) : r->fill;

		sohoa_log(SOHOA_LOG_INFO, "[r%d] %.*s", r->id, (int)len,
		          r->line);
		len += nl ? 1 : 0;
		memmove(r->line, r->line + len, r->fill - len + 1);
		r->fill -= len;
	}
}

static void reap(struct cli_control *c)
{
	for (size_t i = 0; i < c->nreq; i++) {
		struct request *r = &c->req[i];
		int status;

		if (r->state != REQ_RUNNING || r->out >= 0 ||
		    waitpid(r->pid, &status, WNOHANG) != r->pid)
			continue;
		r->state = REQ_DONE;
		r->exit_code =
		    WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
		if (r->exit_code && c->stages) {
			char rid[16];

			snprintf(rid, sizeof(rid), "r%d", r->id);
			cli_stages_note(
			    c->stages, SOHOA_LOG_WARN, NULL,
			    "[%s] scan of case %s finished, exit %d%s", rid,
			    r->case_no, r->exit_code,
			    r->cancelled ? " (cancelled)" : "");
		} else {
			sohoa_log(
			    r->exit_code ? SOHOA_LOG_WARN : SOHOA_LOG_INFO,
			    "[r%d] finished, exit %d", r->id, r->exit_code);
		}
	}
}

/* Keep the last KEEP_DONE finished requests (a day's scans would
 * otherwise pile up in memory and in every `jobs` reply). */
#define KEEP_DONE 100
static void prune(struct cli_control *c)
{
	size_t done = 0, w = 0;

	for (size_t i = 0; i < c->nreq; i++)
		done += c->req[i].state == REQ_DONE;
	for (size_t i = 0; i < c->nreq; i++) {
		if (done > KEEP_DONE && c->req[i].state == REQ_DONE) {
			free_request(&c->req[i]);
			done--;
			continue;
		}
		c->req[w++] = c->req[i];
	}
	c->nreq = w;
}

void cli_control_step(struct cli_control *c, int timeout_ms)
{
	struct pollfd p[65];
	size_t who[65]; /* index into c->req (it may move), or SIZE_MAX */
	nfds_t n = 0;

	/* start what a free device can take, in arrival order */
	for (size_t i = 0; !c->draining && i < c->nreq; i++)
		if (c->req[i].state == REQ_QUEUED &&
		    !device_busy(c, c->req[i].device))
			start(c, &c->req[i]);
	if (c->fd >= 0) {
		p[n].fd = c->fd;
		p[n].events = POLLIN;
		who[n++] = SIZE_MAX;
	}
	for (size_t i = 0; i < c->nreq && n < 65; i++)
		if (c->req[i].out >= 0) {
			p[n].fd = c->req[i].out;
			p[n].events = POLLIN;
			who[n++] = i;
		}
	if (poll(p, n, timeout_ms) > 0) {
		for (nfds_t i = 0; i < n; i++) {
			if (!(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			if (who[i] != SIZE_MAX) {
				/* serving a client may have grown c->req */
				drain_output(&c->req[who[i]]);
			} else {
				int fd = accept(c->fd, NULL, NULL);

				if (fd >= 0) {
					serve_client(c, fd);
					close(fd);
				}
			}
		}
	}
	reap(c);
	prune(c);
}

int cli_control_running(const struct cli_control *c)
{
	int n = 0;

	for (size_t i = 0; i < c->nreq; i++)
		n += c->req[i].state == REQ_RUNNING;
	return n;
}

int cli_control_queued(const struct cli_control *c)
{
	int n = 0;

	for (size_t i = 0; i < c->nreq; i++)
		n += c->req[i].state == REQ_QUEUED;
	return n;
}

void cli_control_set_stages(struct cli_control *c, struct cli_stages *s)
{
	c->stages = s;
}

int cli_control_resume(struct cli_control *c, const char *job_id,
                       const char *device)
{
	struct request r = {.out = -1}, *nr;
	size_t n = 0;
	int bad = 0;

	if (c->draining)
		return sohoa_error_set(SOHOA_EBUSY, "sohoad is stopping");
	r.device = strdup(device);
	r.case_no = strdup(job_id);
	r.component = strdup("");
	r.resume_id = strdup(job_id);
	bad |= !r.device || !r.case_no || !r.component || !r.resume_id;
	bad |= push_arg(&r.argv, &n, "sohoa");
	if (c->config)
		bad |= push_arg(&r.argv, &n, "--config") ||
		       push_arg(&r.argv, &n, c->config);
	bad |= push_arg(&r.argv, &n, "scan") ||
	       push_arg(&r.argv, &n, "--resume") ||
	       push_arg(&r.argv, &n, job_id) ||
	       push_arg(&r.argv, &n, "--capture-only");
	if (bad || !(nr = realloc(c->req, (c->nreq + 1) * sizeof(*nr)))) {
		free_request(&r);
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	}
	r.id = c->next_id++;
	c->req = nr;
	c->req[c->nreq++] = r;
	sohoa_log(SOHOA_LOG_INFO, "[r%d] queued: resume of job %s on %s", r.id,
	          job_id, device[0] ? device : "the first device");
	return SOHOA_OK;
}

int cli_control_resuming(const struct cli_control *c, const char *job_id)
{
	for (size_t i = 0; i < c->nreq; i++)
		if (c->req[i].state == REQ_RUNNING && c->req[i].resume_id &&
		    !strcmp(c->req[i].resume_id, job_id))
			return 1;
	return 0;
}

void cli_control_drain(struct cli_control *c)
{
	cli_control_drain_begin(c);
	while (cli_control_running(c))
		cli_control_step(c, 200);
}

void cli_control_drain_begin(struct cli_control *c)
{
	int dropped = 0;

	c->draining = 1;
	for (size_t i = 0; i < c->nreq; i++) {
		if (c->req[i].state == REQ_RUNNING) {
			sohoa_log(SOHOA_LOG_INFO,
			          "[r%d] asked to stop at the next page",
			          c->req[i].id);
			/* SIGINT, not SIGTERM: a backend's reader thread
			 * may have reset SIGTERM to its default action
			 * (see scan.c); both stop sohoa scan at a page */
			kill(c->req[i].pid, SIGINT);
		} else if (c->req[i].state == REQ_QUEUED) {
			sohoa_log(SOHOA_LOG_WARN,
			          "[r%d] not started: sohoad is stopping; "
			          "submit it again",
			          c->req[i].id);
			c->req[i].state = REQ_DONE;
			c->req[i].exit_code = -1;
			dropped++;
		}
	}
	if (dropped)
		sohoa_log(SOHOA_LOG_WARN, "%d queued scan%s not started",
		          dropped, dropped == 1 ? "" : "s");
}

int cli_control_call(char **reply_out, const sohoa_config *cfg,
                     const char *request)
{
	const char *path = sohoa_config_get(cfg, "server.socket");
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	char *buf = NULL;
	size_t len = 0, cap = 0;
	int fd, rc = SOHOA_OK;

	*reply_out = NULL;
	if (strlen(path) >= sizeof(sa.sun_path))
		return sohoa_error_set(
		    SOHOA_EINVALID, "[server] socket %s: path too long", path);
	strcpy(sa.sun_path, path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
	    connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		int err = errno;

		if (fd >= 0)
			close(fd);
		return sohoa_error_set(SOHOA_ENOTFOUND,
		                       "no sohoad on %s (%s): start sohoad, or "
		                       "check [server] socket",
		                       path, strerror(err));
	}
	if (write(fd, request, strlen(request)) != (ssize_t)strlen(request) ||
	    write(fd, "\n", 1) != 1)
		rc = sohoa_error_set(SOHOA_EIO, "write to %s: %s", path,
		                     strerror(errno));
	while (rc == SOHOA_OK) {
		ssize_t n;

		if (cap - len < 4096) {
			char *nb = realloc(buf, cap + 65536);

			if (!nb) {
				rc = sohoa_error_set(SOHOA_ENOMEM,
				                     "out of memory");
				break;
			}
			buf = nb;
			cap += 65536;
		}
		if ((n = read(fd, buf + len, cap - 1 - len)) <= 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (rc == SOHOA_OK && !buf && !(buf = malloc(1)))
		rc = sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	if (rc == SOHOA_OK) {
		buf[len] = '\0';
		*reply_out = buf;
		buf = NULL;
	}
	free(buf);
	return rc;
}
