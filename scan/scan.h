/* scan.h -- capture: pages from SANE scanners and from image files, each
 * made durable in a spool folder before anyone else sees it.
 *
 * SANE (libsane), libtiff for the TIFF masters written while the scanner
 * feeds, Leptonica to decode and check imported files.  sane_init is
 * process-global: call sohoa_scan_init() once in main().
 */
#ifndef SOHOA_SCAN_H
#define SOHOA_SCAN_H

#include <stddef.h>

/* A page that is durable on disk (file written and fsynced, folder
 * fsynced).  Strings borrowed for the duration of the callback. */
typedef struct sohoa_scan_page {
	const char *path;          /* the page file in the spool folder */
	int index;                 /* page number in this run, from first */
	int width, height;         /* pixels */
	int dpi;                   /* 0 when unknown */
	int depth;                 /* bits per sample: 1, 8, 16 */
	const char *mode;          /* "color", "gray" or "lineart" */
	const char *source;        /* "scanner:DEVICE" or "import:NAME" */
	const char *source_sha256; /* imported original's SHA-256, or NULL */
	const char *options;       /* SANE options applied, or NULL */
	const char *capture_time;  /* ISO 8601 UTC; NULL = now */
} sohoa_scan_page;

/* Called for each durable page; a non-zero return stops the run and is
 * returned by it. */
typedef int (*sohoa_scan_page_cb)(const sohoa_scan_page *page, void *payload);

/* ---- SANE -------------------------------------------------------------- */

/* sane_init once per process.  SOHOA_EENV when SANE cannot start. */
int sohoa_scan_init(void);
void sohoa_scan_exit(void);

/* What to scan with.  Strings borrowed. */
typedef struct sohoa_scan_opts {
	const char *device;     /* SANE device name; NULL/"" = first found */
	const char *source;     /* "flatbed", "adf", "duplex" or NULL */
	int dpi;                /* 0 = device default */
	const char *mode;       /* "color", "gray", "lineart" or NULL */
	const char *const *set; /* "NAME=VALUE" device options, as scanimage */
	size_t nset;
	int max_pages;    /* stop after this many pages; 0 = source
	                     default (1 on flatbed, until empty on adf) */
	int resuming;     /* the job already holds pages: an empty feeder at
	                     the first page is the normal end, not an error */
	int jpeg_quality; /* 0: lossless (Deflate; lineart CCITT G4);
	                     1..100: JPEG-in-TIFF at that quality for 8-bit
	                     gray and colour (16-bit and lineart stay
	                     lossless) */
} sohoa_scan_opts;

/* Scan into `dir` as pNNNN.tif (NNNN from `first`), calling `cb` as each
 * page becomes durable.  Flatbed: one page.  ADF/duplex: until the feeder
 * is empty.  Errors: SOHOA_ENOTFOUND (no such device, message lists the
 * devices), SOHOA_EINVALID (unknown option or bad value, message lists the
 * valid ones), SOHOA_ENODOCS (feeder empty before the first page),
 * SOHOA_EBUSY, SOHOA_EIO with an operator message (jam, cover open...),
 * SOHOA_ECANCELLED.  Pages made durable before an error are kept and were
 * all passed to `cb`. */
int sohoa_scan_run(const sohoa_scan_opts *opts, const char *dir, int first,
                   sohoa_scan_page_cb cb, void *payload);

/* Ask a running scan to stop at the next page boundary (async-signal
 * safe). */
void sohoa_scan_cancel(void);

/* List devices: one "NAME\tVENDOR\tMODEL\tTYPE" line each into *out
 * (owned).  SOHOA_OK with an empty list when there is none. */
int sohoa_scan_list_devices(char **out);

/* Capability bits, in sohoa's words. */
enum {
	SOHOA_SCAN_SRC_FLATBED = 1 << 0,
	SOHOA_SCAN_SRC_ADF = 1 << 1,
	SOHOA_SCAN_SRC_DUPLEX = 1 << 2,
	SOHOA_SCAN_MODE_COLOR = 1 << 0,
	SOHOA_SCAN_MODE_GRAY = 1 << 1,
	SOHOA_SCAN_MODE_LINEART = 1 << 2
};

/* One device and what it can do, read from its option descriptors and
 * mapped to sohoa's words through the same table `sohoa scan` uses.  A
 * vendor value the table does not know is listed in `unmapped`, never
 * guessed.  Every string is owned by the array. */
typedef struct sohoa_scan_device_info {
	char *name, *vendor, *model, *type;
	unsigned sources;     /* SOHOA_SCAN_SRC_* bits; 0 = not selectable
	                         (the device's one source, flatbed by SANE's
	                         convention) */
	unsigned modes;       /* SOHOA_SCAN_MODE_* bits; 0 = no mode option */
	char *resolutions;    /* "75, 150, 300" or "50..1200" (dpi); "" when
	                         the device has no resolution option */
	int dpi_min, dpi_max; /* 0 when unknown */
	double width_mm, height_mm; /* largest scan area; 0 = unknown */
	char *unmapped;             /* e.g. "source 'Transparency Unit'; mode
	                               'Halftone'", or NULL */
	char *error;                /* the device could not be opened: why (its
	                               capabilities are then unknown), or NULL */
} sohoa_scan_device_info;

/* sohoa's word ("flatbed", "adf", "duplex"; "color", "gray", "lineart")
 * for a vendor's value of the "source" or "mode" option, from the one
 * alias table scans and `sohoa devices` use; NULL when the table does not
 * know it (never guessed).  Static string. */
const char *sohoa_scan_map_name(const char *option, const char *theirs);

/* Every device SANE sees, opened one at a time to read its options.
 * *out is owned (sohoa_scan_devices_free); *n_out may be 0.  A device
 * that cannot be opened is listed with `error` set, not a failure. */
int sohoa_scan_devices(sohoa_scan_device_info **out, size_t *n_out);
void sohoa_scan_devices_free(sohoa_scan_device_info *list, size_t n);

/* ---- jobs: a spool folder and its journal ------------------------------ */

/* A capture job is a folder in the spool holding the page files and
 * `journal.jsonl`: one JSON object per line, appended and fsynced before
 * the next page is read.  First the job's parameters, then one record per
 * durable page, then state changes and resume options.  A last line cut
 * short by a crash is dropped on open, so a kill at any moment loses at
 * most the page in flight.  A job opened for writing holds an exclusive
 * flock on its journal: two processes never feed the same job, and a lock
 * dies with its process (kill -9 included). */
typedef struct sohoa_scan_job sohoa_scan_job;

/* What a job is for.  Strings borrowed by create; when read back from a
 * journal they are owned by the job. */
typedef struct sohoa_scan_job_params {
	const char *what;        /* "scan" or "import": folder prefix */
	const char *case_number; /* normalized case number ("" for a draft
	                            whose number is read from its receipt
	                            page, until sohoa_scan_job_set_case) */
	const char *component;   /* component name */
	const char *kind;        /* "component" or "result" */
	const char *origin;      /* import: the original file, or NULL */
	sohoa_scan_opts scan;    /* scan jobs: device settings; `set` holds
	                            the --set options then any added on resume */
	int hold; /* a front-desk draft: its pages are recognized but it is
	             filed only once staff commit it (see drafts below) */
} sohoa_scan_job_params;

/* Job states, as written in the journal. */
#define SOHOA_SCAN_JOB_CAPTURING                                               \
	"capturing"                        /* pages coming in (or a            \
	                                       crash cut it short) */
#define SOHOA_SCAN_JOB_FAULTED  "faulted"  /* device fault: resume */
#define SOHOA_SCAN_JOB_CAPTURED "captured" /* all pages in: file them */
#define SOHOA_SCAN_JOB_FILING   "filing"   /* a bundle write began */
/* A later stage's fault note in a job's folder (written by sohoad, see
 * cli/cli_int.h); the journal keeps it and its temp files. */
#define SOHOA_SCAN_JOB_FAULT_FILE "fault.json"

/* Make a new job folder SPOOL/WHAT-SECONDS-NANOS-PID with its journal
 * (fsynced, folder fsynced) and hold it open.  *out owned
 * (sohoa_scan_job_free).  SOHOA_EENV when the spool cannot be written. */
int sohoa_scan_job_create(sohoa_scan_job **out, const char *spool,
                          const sohoa_scan_job_params *params);

/* Open the job in folder `dir` from its journal.  For writing
 * (`readonly` 0) the journal is locked (SOHOA_EBUSY when another process
 * holds it), a torn last line is cut off, and files in the folder that
 * the journal does not name (the page in flight, temp files) are removed;
 * a journaled page's OCR result `PAGE.ocr.json` is kept.
 * Read-only opens take no lock and change nothing; see
 * sohoa_scan_job_busy().  SOHOA_ENOTFOUND when there is no journal,
 * SOHOA_EIO when it is damaged or a journaled page file is missing. */
int sohoa_scan_job_open(sohoa_scan_job **out, const char *dir, int readonly);

void sohoa_scan_job_free(sohoa_scan_job *job);

/* Accessors; strings borrowed until the job is freed. */
const char *sohoa_scan_job_id(const sohoa_scan_job *job);  /* folder name */
const char *sohoa_scan_job_dir(const sohoa_scan_job *job); /* full path */
const sohoa_scan_job_params *
sohoa_scan_job_get_params(const sohoa_scan_job *job);
const char *sohoa_scan_job_state(const sohoa_scan_job *job);
/* The last fault's operator message, or NULL. */
const char *sohoa_scan_job_error(const sohoa_scan_job *job);
/* Creation time, ISO 8601 UTC. */
const char *sohoa_scan_job_created(const sohoa_scan_job *job);
/* Read-only opens: 1 when another process holds the job open. */
int sohoa_scan_job_busy(const sohoa_scan_job *job);
size_t sohoa_scan_job_npages(const sohoa_scan_job *job);
/* Journaled page `i` (0-based); `path` is the full path.  Borrowed until
 * the job is freed or a page is added. */
const sohoa_scan_page *sohoa_scan_job_page(const sohoa_scan_job *job, size_t i);

/* Record a durable page (a sohoa_scan_page_cb: pass the job as payload).
 * The page file must be in the job's folder.  Fsynced before it returns. */
int sohoa_scan_job_add_page(const sohoa_scan_page *pg, void *job);

/* Record device options added on resume (e.g. to clear a test fault);
 * they follow the original ones in params.scan.set. */
int sohoa_scan_job_add_options(sohoa_scan_job *job, const char *const *set,
                               size_t nset);

/* Record a state change with an optional message (NULL). */
int sohoa_scan_job_set_state(sohoa_scan_job *job, const char *state,
                             const char *error);

/* Remove the job folder (after its pages are filed).  The handle must
 * still be freed. */
int sohoa_scan_job_remove(sohoa_scan_job *job);

/* ---- drafts: a job held for the front desk until staff commit it -------
 * A job created with params.hold is a draft.  Staff arrange its pages
 * (order, view rotation, removal) and confirm or correct the identity
 * fields the OCR stage read; each change is one journal record, fsynced.
 * The master files are never changed or deleted: a removed page stays in
 * the folder (and the journal) until the whole job leaves the spool after
 * filing; a rotation is a view turn noted for the bundle.  A commit record
 * releases the job for filing; after it the draft cannot change. */

/* One page of a draft as staff arranged it. */
typedef struct sohoa_scan_view_page {
	size_t page;  /* journaled page index (sohoa_scan_job_page) */
	int rotation; /* 0, 90, 180, 270: clockwise turn staff chose */
	int removed;  /* staff removed it: not filed */
} sohoa_scan_view_page;

/* A staff decision on one identity field of one page. */
typedef struct sohoa_scan_correction {
	const char *file;  /* page file name in the job folder */
	const char *field; /* e.g. "id_number" */
	const char *value; /* what staff confirmed or typed (NFC) */
	const char *by;    /* user name */
	const char *time;  /* ISO 8601 UTC */
} sohoa_scan_correction;

/* 1 for a draft (created with hold), committed or not. */
int sohoa_scan_job_is_draft(const sohoa_scan_job *job);
/* 1 for a draft not committed yet: sohoad must not file it. */
int sohoa_scan_job_held(const sohoa_scan_job *job);
/* Who committed the draft and when; NULL when it is not committed. */
const char *sohoa_scan_job_committed_by(const sohoa_scan_job *job);
const char *sohoa_scan_job_committed_at(const sohoa_scan_job *job);

/* The pages in staff's order: kept pages first (in paper order; pages
 * captured after the last arrangement follow it, in capture order), then
 * removed ones.  Every journaled page appears once.  A job that is not a
 * draft gives its pages in capture order.  *out owned (free()). */
int sohoa_scan_job_view(const sohoa_scan_job *job, sohoa_scan_view_page **out,
                        size_t *n_out);
/* Record a new arrangement (the job open for writing, a draft not
 * committed): `pages` as sohoa_scan_job_view gives them; journaled pages
 * not named are kept after them.  SOHOA_EINVALID for an unknown page, a
 * page named twice, a rotation not a multiple of 90, or a committed
 * job. */
int sohoa_scan_job_set_view(sohoa_scan_job *job,
                            const sohoa_scan_view_page *pages, size_t n,
                            const char *by);
/* Record staff's value for a field of a page (file name as journaled).
 * The OCR value stays in the page's result; the bundle keeps both. */
int sohoa_scan_job_correct(sohoa_scan_job *job, const char *file,
                           const char *field, const char *value,
                           const char *by);
size_t sohoa_scan_job_ncorrections(const sohoa_scan_job *job);
/* Correction `i` in journal order (a later one for the same page and
 * field replaces an earlier one).  Strings borrowed until the job is
 * freed or changed. */
int sohoa_scan_job_correction(const sohoa_scan_job *job, size_t i,
                              sohoa_scan_correction *out);
/* Give a draft its case number (normalized here; a draft may start
 * without one when its first page is the receipt the number is read
 * from).  Replaces the one it had; params.case_number follows. */
int sohoa_scan_job_set_case(sohoa_scan_job *job, const char *case_number,
                            const char *by);
/* Release a draft for filing: journals the commit (and state `captured`
 * when a device fault left it `faulted`).  SOHOA_EINVALID when it is not
 * a draft, already committed, still capturing, or keeps no page. */
int sohoa_scan_job_commit(sohoa_scan_job *job, const char *by);

/* A PNG preview of a page file, at most `max_side` pixels on its longer
 * side (lineart shown as gray).  *png owned (free()). */
int sohoa_scan_thumbnail(unsigned char **png, size_t *len, const char *path,
                         int max_side);

/* ---- hot folder ---------------------------------------------------------- */

/* A folder that scanners and staff drop files into (often an SMB or NFS
 * share, so it is polled: no inotify).  A file is taken once its size and
 * mtime have not changed for `stable_seconds` across polls, so a file
 * still being copied is never read.  Its name says where it goes:
 * `CASE.ext` or `CASE__COMPONENT.ext` (e.g.
 * `000.00.22.H27-250701-0001__Tờ khai.png`); extensions tif, tiff, png,
 * jpg, jpeg, pnm, pbm, pgm, ppm.  A file that cannot be taken is moved to
 * `failed/` with `NAME.why` beside it (what is wrong, how to fix it); a
 * file whose SHA-256 was taken before is moved to `duplicates/` with a
 * `.why` naming the first one.  Taken files' SHA-256 are kept in
 * `.sohoa-seen` in the folder (one line each, appended and fsynced). */
typedef struct sohoa_scan_hotfolder sohoa_scan_hotfolder;

/* A stable file, checked (readable image, valid case number, not seen
 * before).  Strings borrowed for the duration of the callback. */
typedef struct sohoa_scan_hotfolder_file {
	const char *path;        /* the file in the hot folder */
	const char *name;        /* its name */
	const char *case_number; /* normalized; NULL in case-less mode */
	const char *component;   /* from the name, or "Hồ sơ"; NULL in
	                            case-less mode */
	const char *sha256;      /* of the file */
	int npages;              /* pages it holds */
} sohoa_scan_hotfolder_file;

/* Take a file in: return SOHOA_OK once its pages are durable in the spool
 * (the hot folder then records its SHA-256 and removes the original).
 * SOHOA_EINVALID sends the file to failed/ with the message as its .why;
 * any other error leaves it in place to be tried again at the next
 * poll (disk full, archive busy). */
typedef int (*sohoa_scan_hotfolder_cb)(const sohoa_scan_hotfolder_file *f,
                                       void *payload);

/* What one poll did. */
typedef struct sohoa_scan_hotfolder_stats {
	int taken;      /* ingested and removed */
	int failed;     /* moved to failed/ */
	int duplicates; /* moved to duplicates/ */
	int waiting;    /* not yet stable, or left for a retry */
} sohoa_scan_hotfolder_stats;

/* Open the hot folder `path` (created when missing) and its seen-list.
 * *out owned (sohoa_scan_hotfolder_free).  SOHOA_EENV when it cannot be
 * made or read. */
int sohoa_scan_hotfolder_open(sohoa_scan_hotfolder **out, const char *path,
                              int stable_seconds);
void sohoa_scan_hotfolder_free(sohoa_scan_hotfolder *hf);

/* Case-less mode (result batches): file names need not hold a case
 * number; the callback gets case_number and component NULL.  Stability,
 * SHA-256 de-duplication, failed/ and duplicates/ are as above. */
void sohoa_scan_hotfolder_set_caseless(sohoa_scan_hotfolder *hf, int on);

/* One pass over the folder, in name order: note every file's size and
 * mtime, and hand each file that has been stable for stable_seconds since
 * an earlier pass to `cb`.  `stats` (may be NULL) gets what happened.
 * Fails only when the folder itself cannot be read or written. */
int sohoa_scan_hotfolder_poll(sohoa_scan_hotfolder *hf,
                              sohoa_scan_hotfolder_cb cb, void *payload,
                              sohoa_scan_hotfolder_stats *stats);

/* ---- files ------------------------------------------------------------- */

/* Decode every page of an image file (PNG, JPEG, TIFF, PNM) to prove it
 * is readable; *npages_out gets the page count.  A TIFF whose chain of
 * page directories breaks off (cut short) is refused.  SOHOA_EINVALID
 * naming the file and what is wrong; SOHOA_ENOTFOUND when it does not
 * exist.  What was decoded is remembered on the calling thread (its last
 * 64 files), for sohoa_scan_import_file. */
int sohoa_scan_import_check(const char *path, int *npages_out);

/* Take the pages of an image file into `dir`: a one-page file is copied
 * byte-identical (pNNNN.<ext>); each page of a multi-page TIFF becomes a
 * single-page TIFF: its compressed strips copied as they are when the page
 * is strip-organised and uncompressed, G3, G4, LZW, PackBits or Deflate
 * (gray, lineart, RGB or palette), else decoded and written losslessly
 * (Deflate, G4 for 1 bit).  Every page is proven decodable before anything
 * is written: by a sohoa_scan_import_check of the same unchanged file
 * (device, inode, size, mtime, ctime) on this thread, else by decoding it
 * here.  Pages are written atomically; `cb` is called for each durable
 * page. */
int sohoa_scan_import_file(const char *path, const char *dir, int first,
                           sohoa_scan_page_cb cb, void *payload);

/* SHA-256 of a file as 64 lower-case hex digits. */
int sohoa_scan_sha256_file(char hex[65], const char *path);

#endif /* SOHOA_SCAN_H */
