/* archive_int.h -- helpers shared by the archive module's files (hashing
 * with OpenSSL EVP, whole-entry reads and error translation for libzip).
 * Not part of the public API.
 */
#ifndef SOHOA_ARCHIVE_INT_H
#define SOHOA_ARCHIVE_INT_H

#include <stddef.h>
#include <zip.h>

#include <jansson.h>
#include <openssl/evp.h>

/* Tag file names inside the bag folder. */
#define SOHOA_ARCHIVE__BAGIT     "bagit.txt"
#define SOHOA_ARCHIVE__BAGINFO   "bag-info.txt"
#define SOHOA_ARCHIVE__MAN256    "manifest-sha256.txt"
#define SOHOA_ARCHIVE__MAN512    "manifest-sha512.txt"
#define SOHOA_ARCHIVE__TAGMAN    "tagmanifest-sha256.txt"
#define SOHOA_ARCHIVE__METADATA  "data/metadata.json"
#define SOHOA_ARCHIVE__SIGNATURE "signature.p7s"
/* earlier revisions' signatures: signatures/rNNNN/{signature.p7s and the
 * tag files it signed} */
#define SOHOA_ARCHIVE__SIGDIR "signatures/"
#define SOHOA_ARCHIVE__BAGIT_TEXT                                              \
	"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"

/* SHA-256 and SHA-512 of one stream.  s512 may be freed and set to NULL
 * after init: SHA-256 only, hex512 comes back empty. */
typedef struct sohoa_archive__hash {
	EVP_MD_CTX *s256; /* owned */
	EVP_MD_CTX *s512; /* owned, or NULL */
} sohoa_archive__hash;

int sohoa_archive__hash_init(sohoa_archive__hash *h);
int sohoa_archive__hash_update(sohoa_archive__hash *h, const void *p, size_t n);
/* Lower-case hex into hex256 (65 bytes) and hex512 (129 bytes). */
int sohoa_archive__hash_final(sohoa_archive__hash *h, char hex256[65],
                              char hex512[129]);
/* The digests of what was hashed so far; `h` goes on unchanged. */
int sohoa_archive__hash_peek(const sohoa_archive__hash *h, char hex256[65],
                             char hex512[129]);
void sohoa_archive__hash_dispose(sohoa_archive__hash *h);

/* Read a whole zip entry (at most 64 MiB, or `max` bytes); *out owned and
 * NUL-terminated. */
int sohoa_archive__read_entry(char **out, size_t *len_out, zip_t *za,
                              zip_uint64_t idx);
int sohoa_archive__read_entry_max(char **out, size_t *len_out, zip_t *za,
                                  zip_uint64_t idx, zip_uint64_t max);
/* The same for a caller that checks the bytes against a digest of its
 * own (SHA-256 of a manifest line, stronger than the CRC): a stored,
 * unencrypted entry is read as it lies, without libzip's CRC pass
 * (sohoa_archive__raw_open). */
int sohoa_archive__read_entry_digested(char **out, size_t *len_out, zip_t *za,
                                       zip_uint64_t idx, zip_uint64_t max);

/* A stored, unencrypted entry's bytes as they lie in the zip, without
 * libzip's CRC layer: libzip 1.7 checks the CRC (with zlib's crc32, 9 %
 * of an append's CPU) on every whole-entry read, even a raw one
 * (ZIP_FL_COMPRESSED), but not on a part of an entry, so the entry is
 * read as two windows (all but its last byte, then that byte).  For
 * callers that check the bytes themselves (a digest, or a CRC-32 of their
 * own).  raw_ok: the entry qualifies (stored, not encrypted, >= 2 bytes).
 * raw_read: bytes read, 0 at the end, -1 on error (raw_error says
 * which). */
typedef struct sohoa_archive__raw {
	zip_source_t *w[2];
	int cur;
} sohoa_archive__raw;
int sohoa_archive__raw_ok(const zip_stat_t *st);
int sohoa_archive__raw_open(sohoa_archive__raw *r, zip_t *za, zip_uint64_t idx,
                            zip_uint64_t size);
zip_int64_t sohoa_archive__raw_read(sohoa_archive__raw *r, void *buf,
                                    zip_uint64_t n);
zip_error_t *sohoa_archive__raw_error(sohoa_archive__raw *r);
void sohoa_archive__raw_close(sohoa_archive__raw *r);

/* Set the error for a libzip failure: a system error goes through
 * sohoa_error_from_errno, anything else is `code`. */
int sohoa_archive__zip_fail(int code, zip_error_t *ze, const char *what);

/* Open a bundle read-only; SOHOA_ENOTFOUND when it does not exist,
 * SOHOA_EINVALID when it is not a zip. */
int sohoa_archive__open_ro(zip_t **out, const char *path, int checkcons);

/* The bag folder: the part of the entry "<top>/bagit.txt" before the
 * slash.  *out owned.  SOHOA_EINVALID when there is no such entry. */
int sohoa_archive__find_top(char **out, zip_t *za);

/* A growing string.  Zero-initialize; after an allocation failure `oom`
 * stays set and further appends do nothing. */
typedef struct sohoa_archive__buf {
	char *p;    /* owned, NUL-terminated once anything was added */
	size_t len; /* bytes used, without the NUL */
	size_t cap;
	int oom;
} sohoa_archive__buf;

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
void sohoa_archive__buf_printf(sohoa_archive__buf *b, const char *fmt, ...);
void sohoa_archive__buf_dispose(sohoa_archive__buf *b);

/* ---- verify.c ------------------------------------------------------------ */

/* How much of the payload sohoa_archive__verify reads.  FULL is what
 * sohoa_archive_verify does.  LIGHT reads no payload entry (names, sizes,
 * manifests' listings, Payload-Oxum, tag manifest, metadata and signature
 * are checked; the payload digests are not): the writer uses it on the
 * bundle it extends, whose payload it then checks through the new one.
 * SHA256 checks every payload entry against manifest-sha256.txt only
 * (manifest-sha512.txt for listing): the writer's check of what it wrote,
 * whose SHA-512 lines it computed from the same bytes or carried from a
 * verified manifest. */
#define SOHOA_ARCHIVE__VERIFY_FULL   0
#define SOHOA_ARCHIVE__VERIFY_LIGHT  1
#define SOHOA_ARCHIVE__VERIFY_SHA256 2
int sohoa_archive__verify(const char *bundle_path, char **report, int mode);
/* The writer's check of what it wrote: SHA256 mode, but the payload entry
 * `crc_only` (or none, NULL) is read back and checked against its zip CRC
 * only: the entry whose digests were computed from the very buffer libzip
 * wrote (the component PDF), so the CRC, computed by libzip from that
 * buffer as it wrote, ties the bytes on disk to those digests. */
int sohoa_archive__verify_written(const char *bundle_path,
                                  const char *crc_only);

/* ---- schema.c: JSON Schema (the subset docs/metadata.schema.json uses) -- */

/* Called once per violation: `pointer` is the JSON pointer (RFC 6901) of
 * the offending value, `what` says what is wrong with it. */
typedef void sohoa_archive__violation_fn(void *arg, const char *pointer,
                                         const char *what);
/* Check `doc` against `schema`; *violations is how many were reported.
 * SOHOA_ERROR when the schema itself uses something not supported. */
int sohoa_archive__schema_check(size_t *violations, json_t *schema, json_t *doc,
                                sohoa_archive__violation_fn *fn, void *arg);
/* docs/metadata.schema.json as built in; *out owned. */
int sohoa_archive__metadata_schema(json_t **out);

/* ---- manifest.c: payload files and their digests ---------------------- */

typedef struct sohoa_archive__mentry {
	char *rel;         /* owned: path in the bag, "data/..." */
	zip_uint64_t size; /* bytes */
	char h256[65];
	char h512[129];
} sohoa_archive__mentry;

/* Zero-initialize; release with sohoa_archive__mlist_dispose. */
typedef struct sohoa_archive__mlist {
	sohoa_archive__mentry *e; /* owned */
	size_t n, cap;
} sohoa_archive__mlist;

int sohoa_archive__mlist_add(sohoa_archive__mlist *m, const char *rel,
                             zip_uint64_t size, const char *h256,
                             const char *h512);
/* By path, the order of the manifest files. */
void sohoa_archive__mlist_sort(sohoa_archive__mlist *m);
void sohoa_archive__mlist_dispose(sohoa_archive__mlist *m);

/* Both digests of a buffer, a file on disk (streamed) or a zip entry
 * (streamed; a CRC error is SOHOA_EINVALID). */
int sohoa_archive__hash_mem(const void *p, size_t n, char h256[65],
                            char h512[129]);
int sohoa_archive__hash_file(const char *path, zip_uint64_t *size,
                             char h256[65], char h512[129]);
int sohoa_archive__hash_zip_entry(zip_t *za, zip_uint64_t idx,
                                  zip_uint64_t *size, char h256[65],
                                  char h512[129]);

/* ---- meta.c: metadata.json --------------------------------------------- */

/* Metadata of a new case; NULL when out of memory.  Caller owns it. */
json_t *sohoa_archive__meta_new(const char *norm);

/* Find the component named c->name or add it (with a folder slug unique
 * in the case).  *folder_out is borrowed from `meta`; *first_page is the
 * number of its next page.  SOHOA_EINVALID when the name exists with
 * another kind or is not UTF-8. */
int sohoa_archive__meta_place(const char **folder_out, int *first_page,
                              json_t *meta,
                              const sohoa_archive_component_in *c);

/* Put the pages in paper order and refresh the components' page counts. */
int sohoa_archive__meta_order(json_t *meta);

void sohoa_archive__meta_event(json_t *events, const char *time,
                               const char *what, const char *who,
                               const char *station, int revision,
                               const char *detail);

/* ---- sign.c: CMS signatures of the tag manifest ------------------------ */

typedef struct sohoa_archive__signer sohoa_archive__signer;

/* The configured signer's certificate and key; *out NULL (and SOHOA_OK)
 * when signing is off. */
int sohoa_archive__signer_load(sohoa_archive__signer **out);
void sohoa_archive__signer_free(sohoa_archive__signer *s);
/* Common name of the signer (borrowed). */
const char *sohoa_archive__signer_name(const sohoa_archive__signer *s);
/* Detached CMS signature (DER) of `data`; *der_out owned. */
int sohoa_archive__sign(char **der_out, size_t *len_out,
                        const sohoa_archive__signer *s, const char *data,
                        size_t len);
/* Check a signature of the tag manifest text; fills *out (present = 1).
 * Not a finding when it fails: see out->valid, out->trusted. */
int sohoa_archive__sig_check(sohoa_archive_signature *out, const char *tag,
                             size_t taglen, const char *der, size_t derlen);
int sohoa_archive__signatures_required(void);
int sohoa_archive__trust_configured(void);

/* ---- pdf.c: the searchable PDF of a component -------------------------- */

typedef struct sohoa_archive__pdf sohoa_archive__pdf;

/* Start a PDF (title: UTF-8).  *out owned: sohoa_archive__pdf_free. */
int sohoa_archive__pdf_new(sohoa_archive__pdf **out, const char *title);
/* Add a page: the master's bytes (PNG, TIFF, JPEG, PNM...), its hOCR (or
 * NULL), dpi (0: from the image, else 300) and the clockwise rotation
 * (0, 90, 180, 270) that makes it upright, as OCR found it: the page shows
 * it upright, where the hOCR boxes belong.  SOHOA_EINVALID when the
 * bytes are not an image Leptonica can read. */
int sohoa_archive__pdf_page(sohoa_archive__pdf *d, const unsigned char *img,
                            size_t n, const char *hocr, int dpi, int rotation);
/* Continue a PDF this writer made, of `npages` pages, as an incremental
 * update (the old bytes are kept, new pages appended).  Takes `old`
 * (malloc'd) in all cases.  SOHOA_EINVALID when it does not look like
 * one of ours. */
int sohoa_archive__pdf_resume(sohoa_archive__pdf **out, unsigned char *old,
                              size_t len, int npages);
/* The whole file; *out owned (free()). */
int sohoa_archive__pdf_finish(sohoa_archive__pdf *d, unsigned char **out,
                              size_t *len);
void sohoa_archive__pdf_free(sohoa_archive__pdf *d);

/* ---- crypt.c: encryption at rest --------------------------------------- */

/* Is a page of this document type stored encrypted? */
int sohoa_archive__encrypts(const char *document_type);
/* The key (borrowed), read from the key file on first use.  SOHOA_EENV
 * naming the key file when there is none. */
int sohoa_archive__key(const char **out);
/* Give an opened zip the key, when one is configured and readable. */
void sohoa_archive__key_apply(zip_t *za);
/* Error for a failed zip_fopen: SOHOA_EENV naming the key file when the
 * entry is encrypted and there is no (right) key, else SOHOA_EINVALID. */
int sohoa_archive__zip_read_fail(zip_error_t *ze, const char *what);

#endif /* SOHOA_ARCHIVE_INT_H */
