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

/* A "sohoa" tokenizer instance for looking at query text outside SQL. */
typedef struct sohoa_index__tok sohoa_index__tok;

int sohoa_index__tok_create(sohoa_index__tok **out, fts5_api *api);
void sohoa_index__tok_free(sohoa_index__tok *t);

/* Number of tokens FTS5 would see in `text` (0: only punctuation). */
int sohoa_index__tok_count(size_t *n_out, sohoa_index__tok *t,
                           const char *text);

/* ---- query (query.c) --------------------------------------------------- */

/* The parsed query is a clause list, all ANDed.  Field filters (id:,
 * name:, case:, date:) and OR/NOT/parentheses are future clause kinds or
 * an AST built over these clauses by the same lexer. */
typedef enum {
	SOHOA_INDEX__CLAUSE_WORD,  /* a free word */
	SOHOA_INDEX__CLAUSE_PHRASE /* "quoted words", adjacent in order */
} sohoa_index__clause_kind;

typedef struct sohoa_index__clause {
	sohoa_index__clause_kind kind;
	char *text;   /* owned: NFC, as typed */
	char *folded; /* owned: sohoa_text_fold(text) */
	size_t pos;   /* 1-based character position in the query */
} sohoa_index__clause;

typedef struct sohoa_index__query {
	sohoa_index__clause *clauses; /* owned */
	size_t n;
} sohoa_index__query;

/* Parse `query` into `q` (caller-provided, zeroed or disposed).
 * SOHOA_EINVALID with the position for an empty query, an unbalanced
 * quote or text that is not UTF-8.  Punctuation-only clauses are kept;
 * the caller drops them with the tokenizer. */
int sohoa_index__query_parse(sohoa_index__query *q, const char *query);

/* Remove clause i (frees its strings). */
void sohoa_index__query_drop(sohoa_index__query *q, size_t i);

void sohoa_index__query_dispose(sohoa_index__query *q);

/* Build an FTS5 MATCH expression: every clause an FTS5 string ("" escaped)
 * joined by AND; `folded` picks the folded or the NFC text.  *out owned. */
int sohoa_index__query_match(char **out, const sohoa_index__query *q,
                             int folded);

/* Does any clause carry non-ASCII text (so an exact, diacritics-aware
 * match can be told apart from a folded one)? */
int sohoa_index__query_has_diacritics(const sohoa_index__query *q);

#endif /* SOHOA_INDEX_INT_H */
