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
	int max_pages; /* stop after this many pages; 0 = source
	                  default (1 on flatbed, until empty on adf) */
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

/* ---- files ------------------------------------------------------------- */

/* Decode every page of an image file (PNG, JPEG, TIFF, PNM) to prove it
 * is readable; *npages_out gets the page count.  SOHOA_EINVALID naming the
 * file and what is wrong; SOHOA_ENOTFOUND when it does not exist. */
int sohoa_scan_import_check(const char *path, int *npages_out);

/* Take the pages of an image file into `dir`: a one-page file is copied
 * byte-identical (pNNNN.<ext>); each page of a multi-page TIFF becomes a
 * lossless single-page TIFF.  `cb` is called for each durable page. */
int sohoa_scan_import_file(const char *path, const char *dir, int first,
                           sohoa_scan_page_cb cb, void *payload);

/* SHA-256 of a file as 64 lower-case hex digits. */
int sohoa_scan_sha256_file(char hex[65], const char *path);

#endif /* SOHOA_SCAN_H */
