/* cli_int.h -- what the `sohoa` subcommands share: the command table, the
 * common start-up (configuration, logging) and the pipeline that takes
 * spooled pages through OCR into a bundle and the index.
 */
#ifndef SOHOA_CLI_INT_H
#define SOHOA_CLI_INT_H

#include "config/config.h"
#include "scan/scan.h"

#include <stdio.h>

/* Options every subcommand takes, parsed out of argv by main(). */
struct cli_globals {
	const char *config_path; /* --config FILE, or NULL */
	int verbose;             /* -v count */
	int quiet;               /* -q */
};

extern struct cli_globals cli_globals;

struct cli_command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary; /* one line */
	const char *usage;   /* full help text */
};

/* Load the configuration for a subcommand; prints the error and returns
 * the exit code (non-zero) on failure. */
int cli_load_config(sohoa_config **out);

/* Print "sohoa: <message>" for an error code and return its exit code. */
int cli_fail(int rc);

/* Print usage for a command to stderr and return SOHOA_EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...) SOHOA_PRINTF(2, 3);

/* ---- pipeline -------------------------------------------------------- */

/* A page waiting in the spool. */
struct cli_page {
	char *path; /* owned: spool file */
	int dpi;
	char mode[16];
	char *source;  /* owned */
	char *sha256;  /* owned or NULL */
	char *options; /* owned or NULL */
	char capture_time[21];
};

struct cli_job {
	const sohoa_config *cfg; /* borrowed */
	char case_number[SOHOA_CASE_MAX];
	const char *component;  /* borrowed from `sj` */
	const char *kind;       /* "component" or "result" */
	char *spool_dir;        /* owned */
	sohoa_scan_job *sj;     /* owned: the journaled spool job */
	struct cli_page *pages; /* owned */
	size_t npages;
};

/* Make a new spool folder with its journal for a job.  `so` holds the
 * device settings of a scan job (NULL for imports); `origin` the original
 * file of a hot-folder job, or NULL. */
int cli_job_init(struct cli_job *job, const sohoa_config *cfg,
                 const char *case_number, const char *component,
                 const char *kind, const char *what, const sohoa_scan_opts *so,
                 const char *origin);

/* Take over an existing spool job (an id under [spool] path, or a folder)
 * with the pages its journal holds. */
int cli_job_resume(struct cli_job *job, const sohoa_config *cfg,
                   const char *id);

void cli_job_dispose(struct cli_job *job);

/* sohoa_scan_page_cb that journals a page and records it in a struct
 * cli_job. */
int cli_job_add_page(const sohoa_scan_page *pg, void *job);

/* OCR every page (worker threads), append the component to the case's
 * bundle, index the case from the bundle, and only then remove the spool
 * folder.  Prints a summary to stdout. */
int cli_job_finish(struct cli_job *job);

/* Index a case from its bundle (used by import, scan and reindex). */
int cli_index_bundle(const sohoa_config *cfg, const char *bundle_path);

/* sohoa_scan_hotfolder_cb: take a dropped file in as an import job (the
 * payload is the const sohoa_config *) and file it.  SOHOA_OK once its
 * pages are durable in the spool, even when filing then fails (the job
 * stays for 'sohoa scan --resume'). */
int cli_hotfolder_ingest(const sohoa_scan_hotfolder_file *f, void *payload);

/* Carry on the spool jobs a crash left: file those whose pages are all
 * in, drop unfinished hot-folder imports (their originals are still
 * there), and log the scan jobs that wait for an operator.  Returns how
 * many were filed. */
int cli_spool_recover(const sohoa_config *cfg);

/* ---- sohoad control socket (control.c) -------------------------------- */

struct cli_control;

/* Listen on [server] socket.  Scans are run by the `sohoa` binary next to
 * the running one, with --config `config_path` (or none). */
int cli_control_open(struct cli_control **out, const sohoa_config *cfg,
                     const char *config_path);
/* Start queued scans on free devices, then wait up to `timeout_ms` for
 * requests and children's output. */
void cli_control_step(struct cli_control *c, int timeout_ms);
/* Scans running now. */
int cli_control_running(const struct cli_control *c);
/* Refuse new scans, drop queued ones, SIGTERM running ones (they stop at
 * a page boundary and file what they have) and wait for them. */
void cli_control_drain(struct cli_control *c);
void cli_control_free(struct cli_control *c);

/* Send one request to sohoad's socket; *reply_out owned (a JSON line).
 * SOHOA_ENOTFOUND when no sohoad listens there. */
int cli_control_call(char **reply_out, const sohoa_config *cfg,
                     const char *request);

/* Subcommands. */
int cmd_config(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_scan(int argc, char **argv);
int cmd_devices(int argc, char **argv);
int cmd_search(int argc, char **argv);
int cmd_ocr(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_reindex(int argc, char **argv);
int cmd_jobs(int argc, char **argv);
int cmd_hotfolder(int argc, char **argv);

#endif /* SOHOA_CLI_INT_H */
