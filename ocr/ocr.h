/* ocr.h -- page analysis and text recognition (Tesseract C API, Leptonica,
 * zbar).
 *
 * One sohoa_ocr handle per worker thread: it owns one Tesseract instance that
 * is initialized once and reused for every page.  Results are plain structs of
 * owned strings; no third-party type crosses this header.
 */
#ifndef SOHOA_OCR_H
#define SOHOA_OCR_H

#include <stddef.h>

typedef struct sohoa_ocr sohoa_ocr;

/* One code (QR, Code 128, EAN...) found on a page. */
typedef struct sohoa_ocr_code {
	char *type; /* owned: zbar symbology name, e.g. "QR-Code" */
	char *data; /* owned: payload, UTF-8 when it decodes as such */
} sohoa_ocr_code;

/* One identity field (id_number, full_name, date_of_birth, sex, nationality,
 * place_of_origin, place_of_residence, date_of_expiry, date_of_issue,
 * old_id_number).  Dates are YYYY-MM-DD, sex "Nam" or "Nữ". */
typedef struct sohoa_ocr_field {
	const char *name;   /* static string: the field name */
	char *value;        /* owned: NFC value, letter case as printed */
	char *raw;          /* owned: OCR text before repair, NULL when the
	                       value comes from the QR code only */
	double confidence;  /* 0..1 */
	const char *source; /* static: "qr", "ocr" or "qr+ocr" */
	int valid;          /* 1 when no validation rule failed */
	char **problems;    /* owned array of owned one-line messages */
	size_t nproblems;
} sohoa_ocr_field;

/* What the analysis of one page found.  Caller-owned: sohoa_ocr_result_init
 * before use, sohoa_ocr_result_dispose after. */
typedef struct sohoa_ocr_result {
	int blank;       /* 1 when the page holds no content */
	int rotation;    /* 0, 90, 180, 270: clockwise turn that makes
	                    the page upright */
	double skew_deg; /* skew found (degrees, + = counter-clockwise) */
	char *text;      /* owned: NFC UTF-8 full text ("" on blank) */
	char *hocr;      /* owned: hOCR of the page, NULL on blank */
	double mean_confidence; /* 0..1 mean word confidence (0 on blank) */
	char *document_type;    /* owned: "other", "blank", ... */
	char *case_number;      /* owned: normalized case number found on the
	                           page (code first, then text), or NULL */
	char *case_number_candidate; /* owned: a case number the page shows
	                                that cannot be trusted (fails the
	                                checks of DOMAIN.md, or differs
	                                from the page's other case number),
	                                or NULL.  When set, the page cannot
	                                be filed by its case number. */
	char *case_number_problem;   /* owned: what is wrong with the
	                                candidate (one line), or NULL */
	sohoa_ocr_code *codes;       /* owned array of ncodes */
	size_t ncodes;
	sohoa_ocr_field *fields; /* owned array of nfields, in the order
	                            of the names above */
	size_t nfields;
	const char **needs_review; /* owned array of static field names
	                              whose value a person must check */
	size_t nneeds_review;
	int width, height; /* pixels of the analysed page */
	int dpi;           /* resolution from the file, 0 if unknown */
} sohoa_ocr_result;

/* Create a recognizer.  `languages` like "vie+eng"; `tessdata` is the
 * tessdata folder or NULL for the system one.  Fails with SOHOA_EENV and a
 * message naming the missing traineddata file and the Debian package that
 * provides it (tesseract-ocr-vie, ...). *out owned: sohoa_ocr_free(). */
int sohoa_ocr_create(sohoa_ocr **out, const char *languages,
                     const char *tessdata);

void sohoa_ocr_free(sohoa_ocr *ocr);

/* Limit on the pixels of one page (megapixels); larger pages are refused
 * with SOHOA_EINVALID.  Default 200. */
void sohoa_ocr_set_max_megapixels(sohoa_ocr *ocr, double mp);

/* Folder of the ocr data files (provinces.tsv, names.tsv).  By default
 * the installed share/sohoa/ocr folder, else the source tree's ocr/data.
 * SOHOA_EENV naming the file when one is missing or unreadable; the data
 * loaded before then stays in use. */
int sohoa_ocr_set_data_dir(sohoa_ocr *ocr, const char *dir);

/* Identity fields from a card's QR payload (NULL when none) and from
 * recognized text (NULL when none; lines separated by '\n', each read with
 * confidence `text_conf` 0..1): parsed, validated, cross-checked and name-
 * repaired as sohoa_ocr_page() does.  Replaces r->fields and
 * r->needs_review.  Uses the data of `ocr` only (no recognition). */
int sohoa_ocr_fields_from_text(sohoa_ocr_result *r, const sohoa_ocr *ocr,
                               const char *qr_payload, const char *text,
                               double text_conf);

/* Repair dropped or swapped tone marks of a personal name read by OCR
 * ("NGUYÊN THI LIÊN" -> "NGUYỄN THỊ LIÊN") with the names lexicon; a word
 * is changed only when the repair is unambiguous.  *out owned. */
int sohoa_ocr_repair_name(char **out, const sohoa_ocr *ocr, const char *raw);

/* Number of pages in an image file (TIFF may hold many).  SOHOA_EINVALID
 * with the file name when it cannot be decoded. */
int sohoa_ocr_count_pages(int *n_out, const char *path);

/* Analyse and recognize page `page` (0-based) of the image at `path`:
 * orientation, skew, blankness, codes, text, document type, and the
 * identity fields on ID cards and application forms.  `out` must be
 * initialized; it is filled on SOHOA_OK and left empty otherwise.
 * SOHOA_EINVALID for an unreadable, truncated or oversized image (message
 * names the file). */
int sohoa_ocr_page(sohoa_ocr_result *out, sohoa_ocr *ocr, const char *path,
                   int page);

void sohoa_ocr_result_init(sohoa_ocr_result *r);
void sohoa_ocr_result_dispose(sohoa_ocr_result *r);

/* Case number of a page from r->codes (first) and r->text: sets
 * r->case_number, r->case_number_candidate and r->case_number_problem
 * (replacing earlier values).  A code or a "Mã hồ sơ:" line whose number
 * has the shape of a case number but fails validation (a date that does
 * not exist, a bad agency code) gives a candidate and its problem; so do
 * two codes with different case numbers, and a labelled text number that
 * differs from the code's beyond OCR look-alikes (O/0, I/1, S/5, B/8).
 * sohoa_ocr_page() calls it; it uses no recognizer. */
int sohoa_ocr_case_number(sohoa_ocr_result *r);

/* The result as a JSON object text (the `sohoa ocr --json` line minus
 * "file" and "page"; keys: blank, rotation, skew_deg, document_type,
 * case_number, text, mean_confidence, codes, fields, needs_review,
 * case_number_candidate, case_number_problem).
 * *out owned. */
int sohoa_ocr_result_json(char **out, const sohoa_ocr_result *r);

#endif /* SOHOA_OCR_H */
