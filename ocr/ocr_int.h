/* ocr_int.h -- functions shared between the files of the ocr module.
 *
 * image.c loads and analyses pages (Leptonica), codes.c reads barcodes
 * (zbar), classify.c finds the case number and the document type, json.c
 * writes results.  Not for use outside ocr/.
 */
#ifndef SOHOA_OCR_INT_H
#define SOHOA_OCR_INT_H

#include <leptonica/allheaders.h>
#include <zbar.h>

#include "ocr/ocr.h"

#define SOHOA_OCR_DEFAULT_DPI 300

/* One-time process setup (Leptonica message handler); pthread_once. */
void sohoa_ocr__global_init(void);

/* Read page `page` of `path` (any depth).  Refuses empty, undecodable and
 * truncated files and pages over `max_mp` megapixels with SOHOA_EINVALID
 * naming the file.  *out owned (pixDestroy); *dpi_out 0 when unknown. */
int sohoa_ocr__load(PIX **out, int *dpi_out, const char *path, int page,
                    double max_mp);

/* 8-bit gray copy of any page; NULL on failure (no error set). */
PIX *sohoa_ocr__to_gray(PIX *pix);

/* Gray level that separates ink from paper on `gray`: well below the
 * paper's own level, so bleed-through and background shading stay paper. */
int sohoa_ocr__ink_threshold(PIX *gray);

/* 1 when the gray page holds nothing printed or written. */
int sohoa_ocr__is_blank(PIX *gray, int dpi);

/* Find the skew of an upright gray page; when it is found with confidence
 * return a deskewed copy in *out (else a clone) and the angle in
 * *deg_out (+ = page turned counter-clockwise; 0 when not found). */
int sohoa_ocr__deskew(PIX **out, double *deg_out, PIX *gray);

/* Scan `gray` for codes; append new ones (no duplicates) to r->codes.
 * *found_out = number appended.  `dpi` is the resolution of `gray` (0 when
 * unknown): it sets how far apart the scan lines are (see codes.c).
 * *buf (capacity *cap bytes, owned by the caller, free() it) holds the
 * bytes handed to zbar; it is grown when too small and kept for the next
 * call, so that a worker does not allocate a page-sized buffer per pass. */
int sohoa_ocr__scan_codes(sohoa_ocr_result *r, size_t *found_out,
                          zbar_image_scanner_t *scanner, PIX *gray, int dpi,
                          unsigned char **buf, size_t *cap);

/* One recognized text line: NFC text, confidence, box in pixels. */
typedef struct sohoa_ocr__line {
	char *text;  /* owned */
	double conf; /* 0..1 */
	int x0, y0, x1, y1;
} sohoa_ocr__line;

/* Read-only data of the fields reader (provinces, names lexicon). */
typedef struct sohoa_ocr__data sohoa_ocr__data;

/* Load provinces.tsv and names.tsv from `dir`; SOHOA_EENV naming the
 * file when one cannot be read.  *out owned: sohoa_ocr__data_free(). */
int sohoa_ocr__data_load(sohoa_ocr__data **out, const char *dir);
void sohoa_ocr__data_free(sohoa_ocr__data *d);

/* The data of a handle (NULL when not loaded). */
const sohoa_ocr__data *sohoa_ocr__data_of(const sohoa_ocr *ocr);

/* Identity fields from a QR payload (or NULL) and recognized lines into
 * r->fields / r->needs_review (replaced). */
int sohoa_ocr__extract_fields(sohoa_ocr_result *r, const sohoa_ocr__data *d,
                              const char *qr, const sohoa_ocr__line *lines,
                              size_t nlines);

/* The payload of the first ID card QR code among r->codes, or NULL. */
const char *sohoa_ocr__id_qr(const sohoa_ocr_result *r);

/* Free the fields and needs_review of r. */
void sohoa_ocr__fields_dispose(sohoa_ocr_result *r);

/* Document type of a recognized page from its text, whether an ID card
 * QR code was found and the page size in millimetres (0 when unknown);
 * *out owned. */
int sohoa_ocr__classify(char **out, const char *text, int has_id_qr,
                        double width_mm, double height_mm);

#endif /* SOHOA_OCR_INT_H */
