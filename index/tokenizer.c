/* tokenizer.c -- the "sohoa" FTS5 tokenizer: SQLite's unicode61 with
 * remove_diacritics 2, plus đ/Đ folded to d, which unicode61 keeps (it is a
 * letter, not a letter with a mark).  Token offsets stay those of the
 * original text, so snippet() shows it with its diacritics.
 * Handles: the parent unicode61 Fts5Tokenizer, owned by each instance.
 */
#include "index/index.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>

#include "config/config.h"
#include "index_int.h"

/* One tokenizer instance (one per FTS5 table and connection). */
struct tok {
	fts5_tokenizer parent;     /* unicode61's methods */
	Fts5Tokenizer *parent_tok; /* owned: parent.xDelete() */
};

/* What the wrapped callback needs to reach FTS5's own callback. */
struct tok_call {
	void *ctx; /* FTS5's context */
	int (*x_token)(void *, int, const char *, int, int, int);
};

static void tok_delete(Fts5Tokenizer *p)
{
	struct tok *t = (struct tok *)p;

	if (!t)
		return;
	if (t->parent_tok)
		t->parent.xDelete(t->parent_tok);
	sqlite3_free(t);
}

static int tok_create(void *user, const char **argv, int argc,
                      Fts5Tokenizer **out)
{
	fts5_api *api = user;
	void *parent_user = NULL;
	const char **args = NULL;
	struct tok *t = NULL;
	int rc, i;

	*out = NULL;
	if (!(t = sqlite3_malloc(sizeof(*t))))
		return SQLITE_NOMEM;
	memset(t, 0, sizeof(*t));
	rc = api->xFindTokenizer(api, "unicode61", &parent_user, &t->parent);
	if (rc != SQLITE_OK)
		goto done;
	/* remove_diacritics 2 first; arguments from the table definition
	 * come after it and so may override it. */
	if (!(args = sqlite3_malloc64(sizeof(*args) * ((size_t)argc + 2)))) {
		rc = SQLITE_NOMEM;
		goto done;
	}
	args[0] = "remove_diacritics";
	args[1] = "2";
	for (i = 0; i < argc; i++)
		args[i + 2] = argv[i];
	rc = t->parent.xCreate(parent_user, args, argc + 2, &t->parent_tok);
done:
	sqlite3_free(args);
	if (rc != SQLITE_OK) {
		tok_delete((Fts5Tokenizer *)t);
		return rc;
	}
	*out = (Fts5Tokenizer *)t;
	return SQLITE_OK;
}

/* Is there a U+0111 đ or U+0110 Đ (C4 91 / C4 90) in the token? */
static int has_dstroke(const char *s, int n)
{
	int i;

	for (i = 0; i + 1 < n; i++)
		if ((unsigned char)s[i] == 0xC4 &&
		    ((unsigned char)s[i + 1] == 0x91 ||
		     (unsigned char)s[i + 1] == 0x90))
			return 1;
	return 0;
}

static int tok_fold_cb(void *p, int tflags, const char *token, int ntoken,
                       int start, int end)
{
	struct tok_call *call = p;
	char stackbuf[128];
	char *buf = stackbuf;
	int i, n = 0, rc;

	if (!has_dstroke(token, ntoken))
		return call->x_token(call->ctx, tflags, token, ntoken, start,
		                     end);
	/* Folding only shrinks the token (2 bytes -> 1). */
	if ((size_t)ntoken > sizeof(stackbuf) &&
	    !(buf = sqlite3_malloc(ntoken)))
		return SQLITE_NOMEM;
	for (i = 0; i < ntoken; i++) {
		if (i + 1 < ntoken && (unsigned char)token[i] == 0xC4 &&
		    ((unsigned char)token[i + 1] == 0x91 ||
		     (unsigned char)token[i + 1] == 0x90)) {
			buf[n++] = 'd';
			i++;
		} else {
			buf[n++] = token[i];
		}
	}
	rc = call->x_token(call->ctx, tflags, buf, n, start, end);
	if (buf != stackbuf)
		sqlite3_free(buf);
	return rc;
}

static int tok_tokenize(Fts5Tokenizer *p, void *ctx, int flags,
                        const char *text, int ntext,
                        int (*x_token)(void *, int, const char *, int, int,
                                       int))
{
	struct tok *t = (struct tok *)p;
	struct tok_call call = {ctx, x_token};

	return t->parent.xTokenize(t->parent_tok, &call, flags, text, ntext,
	                           tok_fold_cb);
}

/* SELECT fts5(?1) hands out the connection's fts5_api (SQLite docs,
 * "Extending FTS5"). */
static int get_fts5_api(sqlite3 *db, fts5_api **out)
{
	sqlite3_stmt *st = NULL;
	fts5_api *api = NULL;
	int rc;

	*out = NULL;
	rc = sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL);
	if (rc != SQLITE_OK)
		goto done;
	sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		rc = SQLITE_OK;
done:
	if (rc != SQLITE_OK)
		sohoa_error_set(SOHOA_EENV, "sqlite: no fts5: %s",
		                sqlite3_errmsg(db));
	sqlite3_finalize(st);
	if (rc != SQLITE_OK)
		return SOHOA_EENV;
	if (!api || api->iVersion < 2)
		return sohoa_error_set(SOHOA_EENV,
		                       "sqlite: fts5 api version too old");
	*out = api;
	return SOHOA_OK;
}

int sohoa_index__register_tokenizer(sqlite3 *db, fts5_api **api_out)
{
	fts5_tokenizer methods = {tok_create, tok_delete, tok_tokenize};
	fts5_api *api = NULL;
	int rc;

	*api_out = NULL;
	if ((rc = get_fts5_api(db, &api)) != SOHOA_OK)
		return rc;
	rc = api->xCreateTokenizer(api, "sohoa", api, &methods, NULL);
	if (rc != SQLITE_OK)
		return sohoa_error_set(SOHOA_ERROR,
		                       "sqlite: register tokenizer: %s",
		                       sqlite3_errstr(rc));
	if ((rc = sohoa_index__register_rank(api)) != SOHOA_OK)
		return rc;
	*api_out = api;
	return SOHOA_OK;
}

/* ---- a tokenizer for query text ----------------------------------------- */

struct sohoa_index__tok {
	fts5_tokenizer methods;
	Fts5Tokenizer *tok; /* owned: methods.xDelete() */
};

int sohoa_index__tok_create(sohoa_index__tok **out, fts5_api *api)
{
	sohoa_index__tok *t = NULL;
	void *user = NULL;
	int rc;

	*out = NULL;
	if (!(t = calloc(1, sizeof(*t))))
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	rc = api->xFindTokenizer(api, "sohoa", &user, &t->methods);
	if (rc == SQLITE_OK)
		rc = t->methods.xCreate(user, NULL, 0, &t->tok);
	if (rc != SQLITE_OK) {
		free(t);
		return sohoa_error_set(
		    rc == SQLITE_NOMEM ? SOHOA_ENOMEM : SOHOA_ERROR,
		    "sqlite: query tokenizer: %s", sqlite3_errstr(rc));
	}
	*out = t;
	return SOHOA_OK;
}

void sohoa_index__tok_free(sohoa_index__tok *t)
{
	if (!t)
		return;
	if (t->tok)
		t->methods.xDelete(t->tok);
	free(t);
}

static int count_cb(void *p, int tflags, const char *token, int ntoken,
                    int start, int end)
{
	size_t *n = p;

	(void)token, (void)ntoken, (void)start, (void)end;
	if (!(tflags & FTS5_TOKEN_COLOCATED))
		(*n)++;
	return SQLITE_OK;
}

int sohoa_index__tok_count(size_t *n_out, sohoa_index__tok *t, const char *text)
{
	size_t len = strlen(text), n = 0;
	int rc;

	*n_out = 0;
	if (len > INT_MAX)
		return sohoa_error_set(SOHOA_EINVALID, "query: too long");
	rc = t->methods.xTokenize(t->tok, &n, FTS5_TOKENIZE_QUERY, text,
	                          (int)len, count_cb);
	if (rc != SQLITE_OK)
		return sohoa_error_set(
		    rc == SQLITE_NOMEM ? SOHOA_ENOMEM : SOHOA_ERROR,
		    "sqlite: tokenize query: %s", sqlite3_errstr(rc));
	*n_out = n;
	return SOHOA_OK;
}
