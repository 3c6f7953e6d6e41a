/* cli_int.h -- what the `sohoa` subcommands share: the command table, the
 * common start-up (configuration, logging) and the pipeline that takes
 * spooled pages through OCR into a bundle and the index.
 */
#ifndef SOHOA_CLI_INT_H
#define SOHOA_CLI_INT_H

#include "config/config.h"
#include "ocr/ocr.h"
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
	int rotation; /* committed drafts: staff's clockwise view turn */
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
 * file of a hot-folder job, or NULL.  `case_number` may be NULL for a result
 * batch, whose pages carry their own; it then has no journal (its
 * inputs stay where they are until the batch is filed). */
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

/* Journal state after the bundle holds the job's pages and before the
 * index does: a restart indexes it again and removes it. */
#define CLI_JOB_FILED "filed"

/* A page's OCR result is kept beside it as PAGE.ocr.json (text, hOCR,
 * analysis JSON), written atomically, so a restart never recognizes a
 * page twice.  The journal keeps these files (scan/journal.c). */
#define CLI_OCR_RESULT_SUFFIX ".ocr.json"
int cli_ocr_result_save(const char *page, const sohoa_ocr_result *r,
                        const char *analysis);
/* 1 when the page has a result file (cheap: no parsing). */
int cli_ocr_result_exists(const char *page);
/* SOHOA_ENOTFOUND when the page has no (readable) result yet. */
int cli_ocr_result_load(const char *page, sohoa_ocr_result *r, char **analysis);

/* A page read again as front-desk staff turned it: `view` is their
 * clockwise turn on top of `detected`, the turn the OCR found the first
 * time (0 when it never read the page).  The page is recognized turned by
 * their sum, without orientation detection; the analysis (*json, owned)
 * records "view_rotation" and "rotation_detected" beside "rotation" (the
 * sum), so a result made for another turn is known to be stale. */
int cli_ocr_page_for_turn(sohoa_ocr_result *r, char **json,
                          struct sohoa_ocr *ocr, const char *path, int view,
                          int detected);
/* The turn an analysis was made for: *view 0 when staff's turn played no
 * part, *detected the turn the OCR found first. */
void cli_analysis_turn(const char *analysis, int *view, int *detected);
/* The same from a page's result file; SOHOA_ENOTFOUND when it has none. */
int cli_ocr_result_turn(const char *page, int *view, int *detected);
/* A fault of sohoad's OCR, pack or index stage that set a job aside is
 * kept in the job's spool folder as SOHOA_SCAN_JOB_FAULT_FILE, written
 * atomically, so `sohoa jobs` and `sohoa status` show it whether or not
 * sohoad runs: {"stage": "ocr"|"pack"|"index", "time": ISO 8601 UTC,
 * "message": str}.  It is not the journal's state (`sohoa scan --resume`
 * of a faulted scan scans again, wrong for an OCR fault).  It goes when
 * the job's pages are in the bundle (cli_job_fault_clear) and with the
 * folder when the job is indexed.  `stage` and `message` are copied. */
struct json_t;
int cli_job_fault_save(const char *dir, const char *stage, const char *msg);
/* Remove the fault file of the job in `dir`, if any. */
int cli_job_fault_clear(const char *dir);
/* The fault kept in `dir` as a new JSON object, or NULL when none (or
 * unreadable). */
struct json_t *cli_job_fault_load(const char *dir);
/* "STAGE fault at TIME: MESSAGE" of a fault object, into buf. */
void cli_job_fault_text(char *buf, size_t size, const struct json_t *fault);

/* The steps of cli_job_finish, also run by sohoad's stages.
 * Recognize: results[] (initialized) and json[] for every page, read
 * from the result files where they exist, the rest recognized (worker
 * threads) and saved beside the pages of a journaled job. */
int cli_job_recognize(struct cli_job *job, sohoa_ocr_result *results,
                      char **json);
/* Pack: append the pages to the case's bundle (not again when an earlier
 * run got that far: state filing with the pages in the bundle, or filed),
 * then journal CLI_JOB_FILED.  *bundle owned. */
int cli_job_pack(struct cli_job *job, const sohoa_ocr_result *results,
                 char *const *json, char **bundle, int *created);
/* Index the case from its bundle, then remove the spool job. */
int cli_job_index_remove(struct cli_job *job, const char *bundle);

/* A committed front-desk draft (draft.c): page `i`'s analysis JSON with
 * staff's decisions applied for the bundle -- each corrected field keeps
 * the OCR value as "correction": {"original", "by", "at"}, a confirmed
 * one gets "confirmed": {"by", "at"}.  A page staff turned must have
 * been recognized with their turn ("view_rotation" in its analysis equal
 * to cli_page.rotation; "rotation", the turn the PDF applies, is then the
 * detected one plus theirs): SOHOA_EINVALID otherwise.  *out owned. */
int cli_draft_analysis(char **out, const struct cli_job *job, size_t i,
                       const char *analysis);

/* Test-only: SOHOA_TEST_STALL="STAGE:SECONDS[,...]" makes STAGE (ocr,
 * pack, index) sleep at a fixed point, so a test can kill -9 inside it. */
void cli_test_stall(const char *stage);

/* Tesseract must not start OpenMP threads (one instance per worker), and
 * libgomp reads OMP_THREAD_LIMIT once, when it is loaded, before main():
 * without it set, start the program again with OMP_THREAD_LIMIT=1.
 * Returns only when it is set already or the exec failed. */
void cli_reexec_single_threaded_omp(char **argv);

/* A recognizer set up from the [ocr] section (languages, tessdata,
 * data, max_megapixels).  *out owned: sohoa_ocr_free(). */
struct sohoa_ocr;
int cli_ocr_create(struct sohoa_ocr **out, const sohoa_config *cfg);

/* Number of OCR worker threads for `units` pages ([ocr] workers, 0 = one
 * per core). */
int cli_ocr_workers(const sohoa_config *cfg, size_t units);

/* OCR `n` page files with one recognizer per worker thread ([ocr]
 * workers).  results[] must be initialized; json[i] receives the analysis
 * of page i (owned).  The first failure stops the run. */
int cli_ocr_pages(const sohoa_config *cfg, const char *const *paths, size_t n,
                  sohoa_ocr_result *results, char **json);

/* Append recognized pages to a case's bundle as one component (or result)
 * and index the case from the bundle.  *bundle_out (owned) is set once the
 * bundle is written, even when indexing then fails. */
int cli_file_pages(char **bundle_out, int *created, const sohoa_config *cfg,
                   const char *case_number, const char *component,
                   const char *kind, const struct cli_page *pages,
                   const sohoa_ocr_result *results, char *const *json,
                   size_t n);

/* Index a case from its bundle (used by import, scan and reindex). */
int cli_index_bundle(const sohoa_config *cfg, const char *bundle_path);

/* ---- long operations (progress.c) ------------------------------------ */

/* "what: done/total" on a terminal, redrawn in place; nothing when stderr
 * is not a terminal or with -q. */
void cli_progress(const char *what, size_t done, size_t total);

/* Paths of the bundles under [archive] root, sorted.  *out owned:
 * cli_free_list().  SOHOA_EENV when the root cannot be read. */
int cli_list_bundles(char ***out, size_t *n_out, const sohoa_config *cfg);

/* Paths of the entries of `dir` whose name `keep` accepts (NULL: every
 * name not starting with '.'), sorted by name.
 * *out owned: cli_free_list().  SOHOA_EENV when the folder cannot be read. */
int cli_list_dir(char ***out, size_t *n_out, const char *dir,
                 int (*keep)(const char *name));
void cli_free_list(char **list, size_t n);

/* ---- review folder (review.c) ----------------------------------------- */

/* File pages that cannot be filed with confidence as review item `item`:
 * review.path/ITEM/pNNNN.<ext> (copies, synced), then review.path/ITEM.why
 * with `why`.  The originals are left alone.  An item that is already there
 * (a stack run again after a crash) is left as it is. */
int cli_review_add(const sohoa_config *cfg, const char *item,
                   const char *const *paths, size_t n, const char *why);

/* `sohoa import` and `sohoa append` (cmd = their name, for messages and
 * the spool folder): check every file, spool, OCR, append to the case's
 * bundle, index.  With `append` the component must be named and the case
 * must already have a bundle.  Returns the exit code. */
int cli_import_files(const char *cmd, int append, int argc, char **argv);

/* The bundle named by a command-line argument: a path to a .zip (when it
 * contains '/' or ends in ".zip") or a case number under [archive] root.
 * *out owned. */
int cli_bundle_for(char **out, const sohoa_config *cfg, const char *arg);

/* Append one line to the access log ARCHIVE_ROOT/access.log (who, when,
 * what: the views and exports of personal data, Decree 13/2023). */
int cli_access_log(const sohoa_config *cfg, const char *what,
                   const char *case_number, const char *detail);

/* Hand the archive settings of the configuration to the archive module:
 * the trust store and whether signatures are required, and with
 * `signing` the signer's certificate and key (read and checked now).  Relative
 * paths are taken from the configuration file's folder.  Returns a sohoa error
 * code (message set). */
int cli_archive_setup(const sohoa_config *cfg, int signing);

/* sohoa_scan_hotfolder_cb: take a dropped file in as an import job (the
 * payload is the const sohoa_config *) and file it.  SOHOA_OK once its
 * pages are durable in the spool, even when filing then fails (the job
 * stays for 'sohoa scan --resume'). */
int cli_hotfolder_ingest(const sohoa_scan_hotfolder_file *f, void *payload);

/* The same for sohoad: only spool the file (a journaled import job left
 * `captured`); sohoad's stages recognize, pack and index it. */
int cli_hotfolder_spool(const sohoa_scan_hotfolder_file *f, void *payload);

/* sohoa_scan_hotfolder_cb for the batch folder ([hotfolder] batch_path;
 * the payload is the const sohoa_config *): run the dropped file as a
 * result batch (`sohoa batch FILE`).  SOHOA_OK once every page is filed,
 * in review or kept as a separator sheet (the original may then go).
 * Otherwise an error leaves the file for the next poll (SOHOA_EINVALID,
 * when nothing was written yet, sends it to failed/ with a .why).  A run
 * again after a crash or a partial failure files only what is missing: a
 * document whose pages (same input SHA-256 and page of the file) are all
 * in its case's bundle is not filed again, and review items keep their
 * names (batch-SHA256PREFIX-NN). */
int cli_batch_ingest(const sohoa_scan_hotfolder_file *f, void *payload);

/* Open the batch folder: [hotfolder] batch_path in the mode that needs no
 * case number in file names.  sohoad polls it beside the hot folder:
 *   sohoa_scan_hotfolder_poll(bf, cli_batch_ingest, cfg, &stats); */
int cli_batch_hotfolder_open(sohoa_scan_hotfolder **out,
                             const sohoa_config *cfg);

/* ---- sohoad control socket (control.c) -------------------------------- */

struct cli_control;
struct cli_stages;
struct json_t;

/* Listen on [server] socket.  Scans are run by the `sohoa` binary next to
 * the running one, with --config `config_path` (or none). */
int cli_control_open(struct cli_control **out, const sohoa_config *cfg,
                     const char *config_path);
/* Attach sohoad's stages: scans then run with --capture-only (the stages
 * file them), and "status" reports the stages. */
void cli_control_set_stages(struct cli_control *c, struct cli_stages *s);
/* Start queued scans on free devices, then wait up to `timeout_ms` for
 * requests and children's output. */
void cli_control_step(struct cli_control *c, int timeout_ms);
/* Scans running now / queued. */
int cli_control_running(const struct cli_control *c);
int cli_control_queued(const struct cli_control *c);
/* Queue `sohoa scan --resume JOB --capture-only` on `device`. */
int cli_control_resume(struct cli_control *c, const char *job_id,
                       const char *device);
/* Is a running request resuming this job? */
int cli_control_resuming(const struct cli_control *c, const char *job_id);
/* Refuse new scans, drop queued ones, SIGINT running ones (they stop at a
 * page boundary and keep what they have); cli_control_step until
 * cli_control_running() is 0. */
void cli_control_drain_begin(struct cli_control *c);
/* drain_begin, then wait for the running scans. */
void cli_control_drain(struct cli_control *c);
void cli_control_free(struct cli_control *c);

/* Send one request to sohoad's socket; *reply_out owned (a JSON line).
 * SOHOA_ENOTFOUND when no sohoad listens there. */
int cli_control_call(char **reply_out, const sohoa_config *cfg,
                     const char *request);

/* ---- sohoad's stages (stages.c) ------------------------------------- */

/* Start the OCR workers, the packer, the indexer and the hot-folder
 * thread.  `cfg` must stay alive until cli_stages_free (or the next
 * cli_stages_set_config and then some: sohoad keeps every one). */
int cli_stages_start(struct cli_stages **out, const sohoa_config *cfg,
                     struct cli_control *ctl);
void cli_stages_set_config(struct cli_stages *s, const sohoa_config *cfg);
/* The feeder: read the spool, queue pages for OCR, jobs for packing,
 * interrupted scans for resuming.  Called every ~0.5 s. */
void cli_stages_tick(struct cli_stages *s);
/* Nothing left that the stages could do now. */
int cli_stages_idle(struct cli_stages *s);
/* Stop taking new work from the hot folder (SIGTERM). */
void cli_stages_drain(struct cli_stages *s);
/* Stop the threads after the page each is on; what is left stays in the
 * spool. */
void cli_stages_free(struct cli_stages *s);
/* Log and keep in the ring of the last errors `sohoa status` shows. */
void cli_stages_note(struct cli_stages *s, int level, const char *job,
                     const char *fmt, ...) SOHOA_PRINTF(4, 5);
/* Queues, workers, jobs, rates, totals, errors (a new JSON object). */
struct json_t *cli_stages_status(struct cli_stages *s);

/* ---- views shared by `sohoa` and the web pages (views.c) ------------- */

struct sohoa_index_hit;
struct sohoa_archive_case;

/* A search hit as `sohoa search --json` prints it (a new object). */
struct json_t *cli_search_hit_json(const struct sohoa_index_hit *h);

/* The fields read from page `i` (0-based, paper order) of an opened case
 * whose metadata.json is `meta`: from the metadata, or, for an encrypted
 * page, from its encrypted analysis (read with the key).  A new object,
 * {} when there is none. */
struct json_t *cli_case_page_fields(const struct sohoa_archive_case *c,
                                    struct json_t *meta, size_t i);

/* Is `item` a name a review item can have ([A-Za-z0-9._-], not starting
 * with '.')?  Nothing that could leave the review folder. */
int cli_review_item_name_ok(const char *item);
/* The page files of review item `item`, sorted (paths).  *out owned:
 * cli_free_list().  SOHOA_ENOTFOUND when there is no such item. */
int cli_review_item_pages(char ***out, size_t *n_out, const sohoa_config *cfg,
                          const char *item);
/* The first line of ITEM.why (owned), or NULL. */
char *cli_review_item_why(const sohoa_config *cfg, const char *item);
/* {"item","pages","files":[names],"why"} or NULL when there is no such
 * item. */
struct json_t *cli_review_item_json(const sohoa_config *cfg, const char *item);
/* Every item of the review folder, sorted by name (a new array). */
struct json_t *cli_review_list_json(const sohoa_config *cfg);
/* File review item `item` to case `case_arg` as `component` of `kind`
 * (recognized, appended, indexed; the item removed once the bundle is
 * verified).  The normalized case number goes to `case_out` (may be NULL,
 * else SOHOA_CASE_MAX bytes). */
int cli_review_file(const sohoa_config *cfg, const char *item,
                    const char *case_arg, const char *component,
                    const char *kind, char *case_out);

/* The same for sohoad, whose stages do the filing: put the item's pages
 * into the spool as a journaled import job of case `case_number` left
 * `captured` (pages "review:ITEM"), then remove the item, as a hot-folder
 * original once it is spooled.  The job's id goes to job_out, its page
 * count to *npages_out.  SOHOA_ENOTFOUND when there is no such item. */
int cli_review_spool(const sohoa_config *cfg, const char *item,
                     const char *case_number, const char *component,
                     const char *kind, char *job_out, size_t job_size,
                     size_t *npages_out);

/* What sohoad is doing, from its control socket (`sohoa status --json`):
 * SOHOA_OK and its answer; SOHOA_EENV when no sohoad answers, with
 * *out = {"ok":false,"daemon":false,"error","spool":[jobs]} when it is
 * not running at all (else NULL).  *out owned. */
int cli_status_json(struct json_t **out, const sohoa_config *cfg);

/* Subcommands. */
int cmd_append(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_extract(int argc, char **argv);
int cmd_config(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_scan(int argc, char **argv);
int cmd_devices(int argc, char **argv);
int cmd_search(int argc, char **argv);
int cmd_ocr(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_reindex(int argc, char **argv);
int cmd_batch(int argc, char **argv);
int cmd_review(int argc, char **argv);
int cmd_jobs(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_hotfolder(int argc, char **argv);
int cmd_user(int argc, char **argv);
int cmd_audit(int argc, char **argv);

#endif /* SOHOA_CLI_INT_H */
