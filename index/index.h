/* index.h -- the search index over cases, fields and full text (SQLite
 * FTS5, WAL mode).
 *
 * Vietnamese-aware: text is stored NFC and matched folded (diacritics
 * removed, đ -> d, case folded), so "nguyen thi lien" finds
 * "NGUYỄN THỊ LIÊN".  The bundles are the source of truth: a case is always
 * (re)indexed whole from its bundle with sohoa_index_put_case().
 * One handle per thread.
 */
#ifndef SOHOA_INDEX_H
#define SOHOA_INDEX_H

#include <stddef.h>

typedef struct sohoa_index sohoa_index;

/* Open (creating it and its schema when missing) the index at `path`.
 * *out owned: sohoa_index_close().  SOHOA_EENV when the file or its folder
 * cannot be written, SOHOA_EINVALID when it is not a sohoa index. */
int sohoa_index_open(sohoa_index **out, const char *path);
void sohoa_index_close(sohoa_index *ix);

/* A page to index; strings borrowed for the call. */
typedef struct sohoa_index_page {
	const char *component;     /* component name */
	const char *kind;          /* "component" or "result" */
	int page;                  /* 1-based within the component */
	const char *document_type; /* "other" when NULL */
	const char *capture_time;  /* ISO 8601 or NULL (captured: filter) */
	const char *text;          /* full text (any normalization) */
	/* Fields read from the page (QR code or OCR), each NULL or "" when
	 * unknown. */
	const char *id_number;      /* CCCD/CMND number (id:) */
	const char *full_name;      /* any normalization (name:) */
	const char *date_of_birth;  /* YYYY-MM-DD or DD/MM/YYYY (dob:) */
	const char *procedure_code; /* mã TTHC of the case (procedure:) */
} sohoa_index_page;

/* Replace everything indexed for `case_number` with these pages, in one
 * transaction (a crash leaves the old or the new state).  `bundle_path`
 * is recorded for `show`/`extract`.  The case number is validated and
 * stored normalized (sohoa_case_normalize), with its receipt date
 * (sohoa_case_receipt_date, the date: filter): SOHOA_EINVALID when it is not
 * one, or when a page's text is not UTF-8 (nothing is changed then);
 * SOHOA_EBUSY when another writer holds the index for more than 5 s. */
int sohoa_index_put_case(sohoa_index *ix, const char *case_number,
                         const char *bundle_path, const sohoa_index_page *pages,
                         size_t npages);

/* Remove a case.  SOHOA_ENOTFOUND when it was not indexed. */
int sohoa_index_delete_case(sohoa_index *ix, const char *case_number);

/* The bytes around a match in sohoa_index_hit.marked: control
 * characters, which a page's text does not hold. */
#define SOHOA_INDEX_MARK_OPEN  '\x02'
#define SOHOA_INDEX_MARK_CLOSE '\x03'

typedef struct sohoa_index_hit {
	char *case_number;   /* owned */
	char *component;     /* owned */
	char *kind;          /* owned */
	int page;            /* 1-based within the component */
	char *document_type; /* owned */
	char *snippet;       /* owned: text around the match, matches
	                        wrapped in [ and ] */
	char *marked;        /* owned: the same text with the matches
	                        between SOHOA_INDEX_MARK_OPEN and _CLOSE,
	                        so a '[' of the page's own is no match */
	double score;        /* higher is better */
} sohoa_index_hit;

/* Search.  `query` is typed by a person (README.md, "Search syntax"):
 *   words and "phrases"       all must match (AND), with or without
 *                             diacritics; OR, NOT and ( ) combine them
 *   id:NUMBER                 identity number (field or page text)
 *   name:WORD, name:"A B C"   full name read from the page, words in order
 *   case:NUMBER, case:PREFIX* case number, or those starting with PREFIX
 *   dob:DATE                  date of birth, YYYY-MM-DD or DD/MM/YYYY
 *   type:, kind:, procedure:  document type (type:PREFIX* those starting
 *                             so), component|result, mã TTHC
 *   date:RANGE                receipt date (from the case number)
 *   captured:RANGE            capture date of the page
 * RANGE is YYYY-MM-DD, YYYY-MM, YYYY, or FROM..TO of those (either end
 * may be left out).  Pages that also match the words as typed, with their
 * diacritics, rank first; then bm25; then newer cases first.  Only the
 * newest 2,000 matching pages are ranked (sohoa_index_count counts all).
 * Hits best first, at most `limit` (0: none) after skipping `offset`;
 * *hits_out owned (NULL when there are none): sohoa_index_hits_free().
 * SOHOA_EINVALID with a message ending "at position N" (1-based
 * characters) for a query that cannot be searched: empty, unbalanced
 * quote or parenthesis, a dangling OR/NOT, an unknown field, a bad value,
 * only punctuation, not UTF-8. */
int sohoa_index_search(sohoa_index_hit **hits_out, size_t *n_out,
                       sohoa_index *ix, const char *query, size_t limit,
                       size_t offset);

/* Number of pages `query` matches (same errors as sohoa_index_search). */
int sohoa_index_count(long long *out, sohoa_index *ix, const char *query);

void sohoa_index_hits_free(sohoa_index_hit *hits, size_t n);

/* Check the whole index: SQLite's integrity_check, then FTS5's
 * 'integrity-check' of both full-text tables against the pages.
 * SOHOA_EINVALID naming the first problem (then delete the index and run
 * `sohoa reindex --all`). */
int sohoa_index_check(sohoa_index *ix);

/* Number of pages indexed (all cases). */
int sohoa_index_count_pages(long long *out, sohoa_index *ix);

#endif /* SOHOA_INDEX_H */
