/* index_int.h -- private declarations shared by the index module's files:
 * the "sohoa" FTS5 tokenizer (tokenizer.c) and the query parser (query.c).
 * Included by bare name from index/ only.
 */
#ifndef SOHOA_INDEX_INT_H
#define SOHOA_INDEX_INT_H

#include <stddef.h>
#include <sqlite3.h>

/* ---- tokenizer (tokenizer.c) ------------------------------------------- */

/* Register the "sohoa" FTS5 tokenizer on `db`: unicode61 with
 * remove_diacritics 2, plus đ/Đ -> d in every token, original byte offsets
 * kept.  Must run on every connection before an FTS5 table using it is
 * touched.  *api_out is borrowed from `db` (valid until it is closed). */
int sohoa_index__register_tokenizer(sqlite3 *db, fts5_api **api_out);

/* Register sohoa_rank() (rank.c), bm25 without IDF, on `api`'s db. */
int sohoa_index__register_rank(fts5_api *api);

/* A "sohoa" tokenizer instance for looking at query text outside SQL. */
typedef struct sohoa_index__tok sohoa_index__tok;

int sohoa_index__tok_create(sohoa_index__tok **out, fts5_api *api);
void sohoa_index__tok_free(sohoa_index__tok *t);

/* Number of tokens FTS5 would see in `text` (0: only punctuation). */
int sohoa_index__tok_count(size_t *n_out, sohoa_index__tok *t,
                           const char *text);

/* ---- query (query.c) --------------------------------------------------- */

/* The parsed query: an AST whose leaves carry checked, normalized values.
 * search.c compiles it into SQL with bound parameters. */
typedef enum {
	SOHOA_INDEX__N_AND,     /* kids: all must hold */
	SOHOA_INDEX__N_OR,      /* kids: any */
	SOHOA_INDEX__N_NOT,     /* one kid */
	SOHOA_INDEX__N_WORD,    /* free word: text, folded */
	SOHOA_INDEX__N_PHRASE,  /* "quoted words": text, folded */
	SOHOA_INDEX__N_NAME,    /* name: full-name words in order */
	SOHOA_INDEX__N_ID,      /* id: identity number (upper case) */
	SOHOA_INDEX__N_CASE,    /* case: text, or prefix in [lo, hi) */
	SOHOA_INDEX__N_DOB,     /* dob: text YYYY-MM-DD */
	SOHOA_INDEX__N_TYPE,    /* type: document type */
	SOHOA_INDEX__N_KIND,    /* kind: component or result */
	SOHOA_INDEX__N_PROC,    /* procedure: procedure code */
	SOHOA_INDEX__N_DATE,    /* date: receipt date in [lo, hi] */
	SOHOA_INDEX__N_CAPTURED /* captured: capture date in [lo, hi] */
} sohoa_index__node_kind;

typedef struct sohoa_index__node {
	sohoa_index__node_kind kind;
	size_t pos;                      /* 1-based character position */
	struct sohoa_index__node **kids; /* owned */
	size_t nkids;
	char *text;   /* owned: NFC value as typed (or normalized) */
	char *folded; /* owned: sohoa_text_fold(text), text leaves only */
	char *lo;     /* owned: range start (dates, case prefix) */
	char *hi;     /* owned: range end (dates inclusive, prefix not) */
	int prefix;   /* case: ends with '*' */
	int quoted;   /* value was "quoted" */
	int empty;    /* word with no token (pruned by the parser) */
} sohoa_index__node;

/* Parse `query` into *out (owned: sohoa_index__node_free).  `qtok` (may
 * be NULL) drops words without letters or digits.  SOHOA_EINVALID with
 * "at position N" (1-based characters) for bad syntax or values. */
int sohoa_index__query_parse(sohoa_index__node **out, const char *query,
                             sohoa_index__tok *qtok);
void sohoa_index__node_free(sohoa_index__node *n);

/* Normalize YYYY-MM-DD, DD/MM/YYYY or DD-MM-YYYY (n bytes) to
 * YYYY-MM-DD.  -1 when it is none of them. */
int sohoa_index__date_norm(char out[11], const char *s, size_t n);

/* ---- search (search.c) ------------------------------------------------- */

struct sohoa_index;
struct sohoa_index_hit;

/* Run a parsed query on `db`.  With count_out, only counts. */
int sohoa_index__run(struct sohoa_index_hit **hits_out, size_t *n_out,
                     long long *count_out, sqlite3 *db, const char *path,
                     const sohoa_index__node *q, size_t limit, size_t offset);

/* SQLite error on `db` as our code and message ("what path: msg"). */
int sohoa_index__db_fail(sqlite3 *db, const char *path, int rc,
                         const char *what);

#endif /* SOHOA_INDEX_INT_H */
