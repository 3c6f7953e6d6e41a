/* archive.h -- case bundles: one zip per case holding a BagIt 1.0 bag
 * (libzip, jansson, OpenSSL libcrypto).
 *
 * A bundle is written whole into a temp file, fsynced, verified and renamed
 * over the old one, then the folder is fsynced: a crash leaves the old or
 * the new bundle.  Appends to one case are serialized with a lock file.
 * docs/bundle-format.md describes the layout.
 */
#ifndef SOHOA_ARCHIVE_H
#define SOHOA_ARCHIVE_H

#include <stddef.h>

/* A page to add.  All strings borrowed for the duration of the call. */
typedef struct sohoa_archive_page_in {
	/* master file stored byte-identical; its extension (.tif .png .jpg
	 * .pnm ...) is kept */
	const char *image_path;
	const char *text;           /* OCR text (NFC), may be NULL */
	const char *hocr;           /* hOCR, may be NULL */
	const char *analysis_json;  /* JSON object text from the OCR stage
	                               (sohoa_ocr_result_json), may be NULL */
	const char *source;         /* "import:NAME" or "scanner:DEVICE" */
	const char *source_sha256;  /* of the imported original, may be NULL */
	const char *source_options; /* SANE options or NULL */
	const char *capture_time;   /* ISO 8601 UTC, NULL = now */
	int dpi;                    /* 0 if unknown */
	const char *colour_mode;    /* "color", "gray", "lineart" or NULL */
} sohoa_archive_page_in;

/* A component (or result) to add to a case. */
typedef struct sohoa_archive_component_in {
	const char *name; /* as given by staff, e.g. "Tờ khai" (NFC) */
	const char *kind; /* "component" or "result" */
	const char *operator_name;  /* who digitized */
	const char *station;        /* which station */
	const char *procedure_code; /* mã TTHC or NULL */
	const sohoa_archive_page_in *pages;
	size_t npages;
} sohoa_archive_component_in;

/* Path of the bundle of `case_number` under `root`.  *out owned. */
int sohoa_archive_bundle_path(char **out, const char *root,
                              const char *case_number);

/* Add a component to the case's bundle, creating the bundle when the case
 * is new, as a new revision: earlier entries are carried over untouched.
 * Pages of a component that already exists are appended after its pages.
 * The case number must be valid (sohoa_case_normalize).  On success
 * *bundle_out (may be NULL) receives the bundle path (owned) and *created
 * (may be NULL) 1 when the bundle is new.  SOHOA_EENV on disk full or an
 * unwritable root (the old bundle is left intact), SOHOA_EINVALID on a bad
 * argument, SOHOA_EBUSY when the case lock is held past the timeout. */
int sohoa_archive_append(char **bundle_out, int *created, const char *root,
                         const char *case_number,
                         const sohoa_archive_component_in *comp);

/* How long sohoa_archive_append waits for the case lock before
 * SOHOA_EBUSY (default 60000 ms).  Process-wide: set once at start-up. */
void sohoa_archive_set_lock_timeout(int ms);

/* Check a bundle: zip integrity, every manifest line, Payload-Oxum,
 * metadata.json, pages present.  SOHOA_OK when all holds; otherwise
 * SOHOA_EINVALID and the first problem in the message.  When `report` is
 * not NULL, every problem found is appended to *report, one per line
 * (owned; "" when there is none).  A bundle that does not exist or cannot
 * be read is SOHOA_ENOTFOUND / SOHOA_EIO / SOHOA_EENV, not a finding. */
int sohoa_archive_verify(const char *bundle_path, char **report);

/* ---- reading a bundle -------------------------------------------------- */

typedef struct sohoa_archive_case sohoa_archive_case;

/* One page of an opened bundle; strings borrowed from the case handle. */
typedef struct sohoa_archive_page_info {
	const char *component;     /* component name */
	const char *kind;          /* "component" or "result" */
	int page;                  /* 1-based within the component */
	const char *entry;         /* zip entry of the master image */
	const char *text;          /* OCR text ("" when none) */
	const char *document_type; /* from the analysis, or "other" */
	const char *capture_time;  /* ISO 8601 */
	const char *analysis_json; /* the analysis object as text, or NULL */
} sohoa_archive_page_info;

/* Open a bundle for reading (metadata and texts loaded).  *out owned:
 * sohoa_archive_case_free().  SOHOA_ENOTFOUND, or SOHOA_EINVALID when it is
 * not a sohoa bundle. */
int sohoa_archive_case_open(sohoa_archive_case **out, const char *bundle_path);
void sohoa_archive_case_free(sohoa_archive_case *c);

const char *sohoa_archive_case_number(const sohoa_archive_case *c);
size_t sohoa_archive_case_npages(const sohoa_archive_case *c);
/* Pages in paper order: components in the order they were added. */
int sohoa_archive_case_page(sohoa_archive_page_info *out,
                            const sohoa_archive_case *c, size_t i);
/* metadata.json as text.  Borrowed. */
const char *sohoa_archive_case_metadata(const sohoa_archive_case *c);

/* Copy a zip entry of an opened bundle to a file, byte-identical. */
int sohoa_archive_case_extract(const sohoa_archive_case *c, const char *entry,
                               const char *dest_path);

#endif /* SOHOA_ARCHIVE_H */
