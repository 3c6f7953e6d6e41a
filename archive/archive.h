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
 * metadata.json, pages present, the signature when there is one (against
 * the trust store, sohoa_archive_set_trust) or when one is required.  SOHOA_OK
 * when all holds; otherwise SOHOA_EINVALID and the first problem in the
 * message.  When `report` is not NULL, every problem found is appended to
 * *report, one per line (owned; "" when there is none).  A bundle that does not
 * exist or cannot be read is SOHOA_ENOTFOUND / SOHOA_EIO / SOHOA_EENV, not a
 * finding. */
int sohoa_archive_verify(const char *bundle_path, char **report);

/* ---- signatures ----------------------------------------------------------
 * A bundle may carry signature.p7s beside its tag manifest: a detached CMS
 * (PKCS#7, DER) signature of tagmanifest-sha256.txt, which lists the
 * manifests, which list every payload file.  Every revision is signed
 * anew by whoever writes it (docs/bundle-format.md). */

/* Sign every bundle written from now on with the certificate and private
 * key in these PEM files (the key unencrypted); NULL or "" for both turns
 * signing off.  The files are read and matched now: SOHOA_EENV /
 * SOHOA_ENOTFOUND when one cannot be read, SOHOA_EINVALID when it is not a
 * certificate or key or they do not belong together.  Process-wide: set
 * once at start-up. */
int sohoa_archive_set_signer(const char *cert_path, const char *key_path);

/* The trust store (a PEM file of CA certificates) that sohoa_archive_verify
 * checks signers against, and whether an unsigned bundle is a finding.
 * "" or NULL: signatures are checked against the tag manifest only.
 * SOHOA_ENOTFOUND / SOHOA_EENV when the file cannot be read.
 * Process-wide: set once at start-up. */
int sohoa_archive_set_trust(const char *ca_file, int require_signature);

/* What a bundle's signature says. */
typedef struct sohoa_archive_signature {
	int present;           /* signature.p7s is in the bundle */
	int valid;             /* it signs this tagmanifest-sha256.txt */
	int trusted;           /* and its signer chains to the trust store */
	char signer[256];      /* signer's subject (RFC 2253, UTF-8) or "" */
	char signing_time[21]; /* its signingTime, ISO 8601 UTC, or "" */
	char problem[512];     /* why not valid or trusted, or "" */
	int revision;  /* the revision it signs (sohoa_archive_signatures
	                  only; 0 otherwise) */
	char file[64]; /* its entry in the bag folder ("signature.p7s",
	                  "signatures/r0001/signature.p7s"), "" when absent */
} sohoa_archive_signature;

/* Check the signature of a bundle (the zip is not otherwise verified).
 * SOHOA_OK whatever the signature's state (see *out); SOHOA_ENOTFOUND,
 * SOHOA_EINVALID (not a bundle), SOHOA_EENV (trust store unreadable). */
int sohoa_archive_signature_check(sohoa_archive_signature *out,
                                  const char *bundle_path);

/* Every revision's signature, oldest first: one element per revision
 * (metadata.json "revisions"), element i for revision i + 1, present = 0
 * for a revision that was not signed.  Each is checked like the current
 * one (against the tag manifest it signed, and the trust store), nothing
 * else is verified.  *out owned (free()).  SOHOA_ENOTFOUND, SOHOA_EINVALID
 * (not a bundle), SOHOA_EENV (trust store unreadable). */
int sohoa_archive_signatures(sohoa_archive_signature **out, size_t *n,
                             const char *bundle_path);

/* ---- encryption at rest ---------------------------------------------------
 * Pages whose document type (from the OCR analysis) matches one of
 * `patterns` (fnmatch globs separated by commas or spaces, e.g.
 * "id_card_*") are stored with WinZip AES-256: image, text, hOCR, the
 * full analysis, and the PDF of their component.  Their metadata keeps
 * only what is not personal.  The password is the first line of
 * `key_file` (at least 16 characters), which must lie outside `root`
 * (SOHOA_EINVALID otherwise).  The key file is read when first needed:
 * reading or writing encrypted entries without it is SOHOA_EENV naming
 * the file.  NULL or "" key_file: nothing is encrypted (and encrypted
 * bundles cannot be read).  Process-wide: set once at start-up. */
int sohoa_archive_set_encryption(const char *key_file, const char *patterns,
                                 const char *root);

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
	/* sohoa_archive_case_open_locked only: why the page cannot be read
	 * (stored encrypted and the key is missing or wrong, naming the key
	 * file), or NULL.  A locked page has no text and its analysis is
	 * what metadata.json keeps (nothing personal). */
	const char *locked;
} sohoa_archive_page_info;

/* Open a bundle for reading (metadata and texts loaded).  *out owned:
 * sohoa_archive_case_free().  SOHOA_ENOTFOUND, or SOHOA_EINVALID when it is
 * not a sohoa bundle. */
int sohoa_archive_case_open(sohoa_archive_case **out, const char *bundle_path);
/* The same, but a page stored encrypted whose key is not at hand is
 * loaded locked (sohoa_archive_page_info.locked) instead of failing the
 * whole case: for views that show what can be shown. */
int sohoa_archive_case_open_locked(sohoa_archive_case **out,
                                   const char *bundle_path);
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

/* Read a zip entry (full name or path inside the bag folder) of an
 * opened bundle into memory, byte-identical, decrypted when stored
 * encrypted: nothing is written to disk.  *out owned (free()), with a NUL
 * after its *len bytes.  SOHOA_ENOTFOUND (no such entry), SOHOA_EENV (an
 * encrypted entry and no key, naming the key file). */
int sohoa_archive_case_read(void **out, size_t *len,
                            const sohoa_archive_case *c, const char *entry);

/* The masters of one component (its name, as in sohoa_archive_page_info)
 * as a zip made in memory: each page's master byte-identical under its
 * name in the bundle (0001.tif ...), and manifest.json {case, component,
 * folder, revision (of the bundle), files: [{name, page, bytes, sha256,
 * page_revision}]}.  Nothing is written to disk.  *out owned (free());
 * *npages (may be NULL) the masters in it.  The bundle is not verified
 * here: callers that export call sohoa_archive_verify first.
 * SOHOA_ENOTFOUND when the case has no such component, SOHOA_EENV as
 * sohoa_archive_case_read. */
int sohoa_archive_case_component_zip(void **out, size_t *len, size_t *npages,
                                     const sohoa_archive_case *c,
                                     const char *component);

#endif /* SOHOA_ARCHIVE_H */
