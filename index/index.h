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
	const char *capture_time;  /* ISO 8601 or NULL */
	const char *text;          /* full text (any normalization) */
} sohoa_index_page;

/* Replace everything indexed for `case_number` with these pages, in one
 * transaction (a crash leaves the old or the new state).  `bundle_path`
 * is recorded for `show`/`extract`.  The case number is validated and
 * stored normalized (sohoa_case_normalize): SOHOA_EINVALID when it is not
 * one, or when a page's text is not UTF-8 (nothing is changed then);
 * SOHOA_EBUSY when another writer holds the index for more than 5 s. */
int sohoa_index_put_case(sohoa_index *ix, const char *case_number,
                         const char *bundle_path, const sohoa_index_page *pages,
                         size_t npages);

/* Remove a case.  SOHOA_ENOTFOUND when it was not indexed. */
int sohoa_index_delete_case(sohoa_index *ix, const char *case_number);

typedef struct sohoa_index_hit {
	char *case_number;   /* owned */
	char *component;     /* owned */
	char *kind;          /* owned */
	int page;            /* 1-based within the component */
	char *document_type; /* owned */
	char *snippet;       /* owned: text around the match, matches
	                        wrapped in [ and ] */
	double score;        /* higher is better */
} sohoa_index_hit;

/* Search.  `query` is words typed by a person, with or without diacritics;
 * all words must match (AND); "quoted words" must be adjacent, in order.
 * Pages that also match the query as typed (with its diacritics) come
 * first.  Hits best first, at most `limit` (0: none) after skipping
 * `offset`; *hits_out owned (NULL when there are none):
 * sohoa_index_hits_free().  SOHOA_EINVALID with a message naming the
 * position for a query that cannot be searched (empty, unbalanced quote,
 * only punctuation, not UTF-8). */
int sohoa_index_search(sohoa_index_hit **hits_out, size_t *n_out,
                       sohoa_index *ix, const char *query, size_t limit,
                       size_t offset);
void sohoa_index_hits_free(sohoa_index_hit *hits, size_t n);

/* Number of pages indexed (all cases). */
int sohoa_index_count_pages(long long *out, sohoa_index *ix);

#endif /* SOHOA_INDEX_H */
