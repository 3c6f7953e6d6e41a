/* index.c -- implements the search index (index.h) on SQLite: connection
 * set-up (WAL, schema version, the "sohoa" tokenizer), case replacement in
 * one transaction, and ranked full-text search.
 * Handles: one sqlite3 connection and its prepared statements per
 * sohoa_index, all released by sohoa_index_close().
 *
 * Schema (version 2, PRAGMA user_version; application_id marks the file):
 *   cases      one row per case
 *   pages      one row per page: its NFC text and full name (the FTS
 *              content) and the filter columns, b-tree indexed where a
 *              filter narrows: case_number (case: prefixes are ranges),
 *              receipt_date (from the case number), capture_date,
 *              id_number; date_of_birth, document_type, kind and
 *              procedure_code are checked on rows already narrowed
 *   page_fts   FTS5 over pages.text and pages.name, tokenizer "sohoa"
 *              (folded: no diacritics, đ -> d): what queries match and
 *              bm25 ranks
 *   page_exact the same with unicode61 remove_diacritics 0: a page that
 *              also matches the query as typed ranks first
 * Both FTS5 tables are external-content tables over `pages`, kept in step
 * by triggers, so the text is stored once.  Changing the tokenizer means a
 * new schema version; an older index is refused with a message saying to
 * delete it and run `sohoa reindex --all` (bundles are the source).
 * search.c compiles queries (query.c) against this schema.
 *
 * SQLite's own log (SQLITE_CONFIG_LOG) is not routed here: it must be set
 * before sqlite3_initialize(), once per process, which a library opened
 * from any thread cannot guarantee.  Errors reach callers through
 * sqlite3_errmsg() in sohoa_error_set() instead.
 */
#include "index/index.h"

#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>

#include "config/config.h"
#include "index_int.h"

#define SCHEMA_VERSION  2
#define APPLICATION_ID  0x534F4831 /* "SOH1" */
#define BUSY_TIMEOUT_MS 5000
enum {
	ST_BEGIN,
	ST_COMMIT,
	ST_ROLLBACK,
	ST_DEL_PAGES,
	ST_INS_PAGE,
	ST_UPSERT_CASE,
	ST_DEL_CASE,
	ST_COUNT_PAGES,
	ST_N
};

static const char *const stmt_sql[ST_N] = {
    [ST_BEGIN] = "BEGIN IMMEDIATE",
    [ST_COMMIT] = "COMMIT",
    [ST_ROLLBACK] = "ROLLBACK",
    [ST_DEL_PAGES] = "DELETE FROM pages WHERE case_number = ?1",
    [ST_INS_PAGE] =
        "INSERT INTO pages(case_number, component, kind, page,"
        " document_type, capture_time, capture_date, receipt_date,"
        " procedure_code, id_number, date_of_birth, name, text)"
        " VALUES(?1, ?2, ?3, ?4, ?5, ?6, substr(?6, 1, 10), ?7, ?8, ?9,"
        " ?10, ?11, ?12)",
    [ST_UPSERT_CASE] =
        "INSERT INTO cases(case_number, bundle_path, receipt_date,"
        " indexed_at) VALUES(?1, ?2, ?3, ?4)"
        " ON CONFLICT(case_number) DO UPDATE SET"
        " bundle_path = excluded.bundle_path,"
        " receipt_date = excluded.receipt_date,"
        " indexed_at = excluded.indexed_at",
    [ST_DEL_CASE] = "DELETE FROM cases WHERE case_number = ?1",
    [ST_COUNT_PAGES] = "SELECT count(*) FROM pages",
};

static const char schema_sql[] =
    "CREATE TABLE cases("
    " case_number TEXT PRIMARY KEY NOT NULL,"
    " bundle_path TEXT NOT NULL,"
    " receipt_date TEXT,"         /* YYYY-MM-DD */
    " indexed_at TEXT NOT NULL);" /* ISO 8601 UTC */
    "CREATE TABLE pages("
    " id INTEGER PRIMARY KEY,"
    " case_number TEXT NOT NULL,"
    " component TEXT NOT NULL,"
    " kind TEXT NOT NULL,"
    " page INTEGER NOT NULL,"
    " document_type TEXT NOT NULL,"
    " capture_time TEXT,"          /* ISO 8601 */
    " capture_date TEXT,"          /* YYYY-MM-DD, from capture_time */
    " receipt_date TEXT NOT NULL," /* YYYY-MM-DD, from the case number */
    " procedure_code TEXT,"
    " id_number TEXT,"      /* upper case */
    " date_of_birth TEXT,"  /* YYYY-MM-DD */
    " name TEXT NOT NULL,"  /* NFC full name, '' when none */
    " text TEXT NOT NULL);" /* NFC */
    "CREATE INDEX pages_by_case ON pages(case_number);"
    "CREATE INDEX pages_by_receipt ON pages(receipt_date);"
    "CREATE INDEX pages_by_capture ON pages(capture_date);"
    "CREATE INDEX pages_by_id_number ON pages(id_number)"
    " WHERE id_number IS NOT NULL;"
    "CREATE VIRTUAL TABLE page_fts USING fts5(text, name, content='pages',"
    " content_rowid='id', tokenize='sohoa');"
    "CREATE VIRTUAL TABLE page_exact USING fts5(text, name,"
    " content='pages', content_rowid='id',"
    " tokenize='unicode61 remove_diacritics 0');"
    "CREATE TRIGGER pages_ai AFTER INSERT ON pages BEGIN"
    " INSERT INTO page_fts(rowid, text, name)"
    " VALUES(new.id, new.text, new.name);"
    " INSERT INTO page_exact(rowid, text, name)"
    " VALUES(new.id, new.text, new.name);"
    " END;"
    "CREATE TRIGGER pages_ad AFTER DELETE ON pages BEGIN"
    " INSERT INTO page_fts(page_fts, rowid, text, name)"
    " VALUES('delete', old.id, old.text, old.name);"
    " INSERT INTO page_exact(page_exact, rowid, text, name)"
    " VALUES('delete', old.id, old.text, old.name);"
    " END;"
    "CREATE TRIGGER pages_au AFTER UPDATE ON pages BEGIN"
    " INSERT INTO page_fts(page_fts, rowid, text, name)"
    " VALUES('delete', old.id, old.text, old.name);"
    " INSERT INTO page_exact(page_exact, rowid, text, name)"
    " VALUES('delete', old.id, old.text, old.name);"
    " INSERT INTO page_fts(rowid, text, name)"
    " VALUES(new.id, new.text, new.name);"
    " INSERT INTO page_exact(rowid, text, name)"
    " VALUES(new.id, new.text, new.name);"
    " END;";

struct sohoa_index {
	sqlite3 *db;            /* owned: sqlite3_close_v2() */
	char *path;             /* owned: for messages */
	sohoa_index__tok *qtok; /* owned: checks query words */
	sqlite3_stmt *st[ST_N]; /* owned: sqlite3_finalize() */
};

/* SQLite result code to ours; `sys` is the OS errno SQLite saw. */
static int sql_code(int rc, int sys)
{
	switch (rc & 0xff) {
	case SQLITE_NOMEM:
		return SOHOA_ENOMEM;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return SOHOA_EBUSY;
	case SQLITE_NOTADB:
	case SQLITE_CORRUPT:
		return SOHOA_EINVALID;
	case SQLITE_CANTOPEN: /* the file or its folder cannot be made */
	case SQLITE_READONLY:
	case SQLITE_PERM:
	case SQLITE_FULL:
		return SOHOA_EENV;
	case SQLITE_IOERR:
		return sys ? sohoa_error_from_errno(sys) : SOHOA_EIO;
	default:
		return SOHOA_ERROR;
	}
}

int sohoa_index__db_fail(sqlite3 *db, const char *path, int rc,
                         const char *what)
{
	int sys = db ? sqlite3_system_errno(db) : 0;
	const char *msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);

	if (sys &&
	    ((rc & 0xff) == SQLITE_CANTOPEN || (rc & 0xff) == SQLITE_IOERR))
		return sohoa_error_set(sql_code(rc, sys), "%s %s: %s (%s)",
		                       what, path, msg, strerror(sys));
	return sohoa_error_set(sql_code(rc, sys), "%s %s: %s", what, path, msg);
}

/* Record the connection's error for `what` and return our code. */
static int db_fail(sohoa_index *ix, int rc, const char *what)
{
	return sohoa_index__db_fail(ix->db, ix->path, rc, what);
}

/* Step a statement that returns no row, then reset it. */
static int step_done(sohoa_index *ix, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st), ret = SOHOA_OK;

	if (rc != SQLITE_DONE)
		ret = db_fail(ix, rc, what);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return ret;
}

/* Run one statement that returns at most one integer. */
static int query_int(sohoa_index *ix, const char *sql, long long *out)
{
	sqlite3_stmt *st = NULL;
	int rc;

	*out = 0;
	rc = sqlite3_prepare_v2(ix->db, sql, -1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*out = sqlite3_column_int64(st, 0);
		rc = SQLITE_DONE;
	}
	rc = rc == SQLITE_DONE ? SOHOA_OK : db_fail(ix, rc, "index");
	sqlite3_finalize(st);
	return rc;
}

static int exec(sohoa_index *ix, const char *sql)
{
	int rc = sqlite3_exec(ix->db, sql, NULL, NULL, NULL);

	return rc == SQLITE_OK ? SOHOA_OK : db_fail(ix, rc, "index");
}

/* WAL: readers never block the one writer (search while indexing).
 * synchronous=NORMAL: in WAL mode a power cut can lose the last commits
 * but never leaves a torn one, and the index is rebuilt from the bundles,
 * which are the source of truth; FULL would fsync on every put_case. */
static int set_journal(sohoa_index *ix)
{
	sqlite3_stmt *st = NULL;
	const unsigned char *mode;
	int rc;

	rc = sqlite3_prepare_v2(ix->db, "PRAGMA journal_mode=WAL", -1, &st,
	                        NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		rc = db_fail(ix, rc, "open");
		goto done;
	}
	mode = sqlite3_column_text(st, 0);
	if (!mode || strcmp((const char *)mode, "wal") != 0) {
		rc = sohoa_error_set(SOHOA_EENV,
		                     "open %s: cannot use WAL "
		                     "mode (journal mode %s)",
		                     ix->path,
		                     mode ? (const char *)mode : "unknown");
		goto done;
	}
	/* 32 MB of page cache: FTS5 segment merges during bulk indexing
	 * reread what they just wrote */
	if ((rc = exec(ix, "PRAGMA synchronous=NORMAL")) == SOHOA_OK)
		rc = exec(ix, "PRAGMA cache_size=-32768");
done:
	sqlite3_finalize(st);
	return rc;
}

/* Is this our file, an empty one (created now), or something else? */
static int check_schema(sohoa_index *ix)
{
	long long app = 0, version = 0, objects = 0;
	int rc, in_tx = 0;

	for (;;) {
		if ((rc = query_int(ix, "PRAGMA application_id", &app)) ||
		    (rc = query_int(ix, "PRAGMA user_version", &version)) ||
		    (rc = query_int(ix, "SELECT count(*) FROM sqlite_schema",
		                    &objects)))
			goto done;
		if (app == APPLICATION_ID) {
			if (version != SCHEMA_VERSION)
				rc = sohoa_error_set(
				    SOHOA_EINVALID,
				    "open %s: index schema version %lld, "
				    "this sohoa reads version %d; delete "
				    "the index and run 'sohoa reindex --all'",
				    ix->path, version, SCHEMA_VERSION);
			goto done;
		}
		if (app != 0 || version != 0 || objects != 0) {
			rc = sohoa_error_set(SOHOA_EINVALID,
			                     "open %s: not a sohoa index",
			                     ix->path);
			goto done;
		}
		if (in_tx)
			break;
		/* Empty: create under the write lock, then look again in
		 * case another process created it first. */
		if ((rc = exec(ix, "BEGIN IMMEDIATE")))
			goto done;
		in_tx = 1;
	}
	if ((rc = exec(ix, schema_sql)))
		goto done;
	{
		char pragmas[96];

		snprintf(pragmas, sizeof(pragmas),
		         "PRAGMA application_id=%d; PRAGMA user_version=%d",
		         APPLICATION_ID, SCHEMA_VERSION);
		if ((rc = exec(ix, pragmas)))
			goto done;
	}
	if ((rc = exec(ix, "COMMIT")) == SOHOA_OK) {
		in_tx = 0;
		sohoa_log(SOHOA_LOG_INFO, "created index %s", ix->path);
	}
done:
	if (in_tx && !sqlite3_get_autocommit(ix->db))
		sqlite3_exec(ix->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

int sohoa_index_open(sohoa_index **out, const char *path)
{
	sohoa_index *ix = NULL;
	fts5_api *api = NULL;
	int rc, i;

	assert(out && path);
	*out = NULL;
	if (!(ix = calloc(1, sizeof(*ix))) || !(ix->path = strdup(path))) {
		rc = sohoa_error_set(SOHOA_ENOMEM, "out of memory");
		goto done;
	}
	rc = sqlite3_open_v2(path, &ix->db,
	                     SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
	                         SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE,
	                     NULL);
	if (rc != SQLITE_OK) {
		rc = db_fail(ix, rc, "open");
		goto done;
	}
	if (sqlite3_db_readonly(ix->db, "main") == 1) {
		rc = sohoa_error_set(SOHOA_EENV, "open %s: file is read-only",
		                     path);
		goto done;
	}
	sqlite3_busy_timeout(ix->db, BUSY_TIMEOUT_MS);
	/* journal_mode reads the file header first: a file that is not
	 * SQLite fails here with SQLITE_NOTADB. */
	if ((rc = set_journal(ix)) ||
	    (rc = sohoa_index__register_tokenizer(ix->db, &api)) ||
	    (rc = check_schema(ix)) ||
	    (rc = sohoa_index__tok_create(&ix->qtok, api)))
		goto done;
	for (i = 0; i < ST_N; i++) {
		rc = sqlite3_prepare_v3(ix->db, stmt_sql[i], -1,
		                        SQLITE_PREPARE_PERSISTENT, &ix->st[i],
		                        NULL);
		if (rc != SQLITE_OK) {
			rc = db_fail(ix, rc, "open");
			goto done;
		}
	}
	rc = SOHOA_OK;
done:
	if (rc != SOHOA_OK) {
		sohoa_index_close(ix);
		return rc;
	}
	*out = ix;
	return SOHOA_OK;
}

void sohoa_index_close(sohoa_index *ix)
{
	int i;

	if (!ix)
		return;
	for (i = 0; i < ST_N; i++)
		sqlite3_finalize(ix->st[i]);
	sohoa_index__tok_free(ix->qtok);
	sqlite3_close_v2(ix->db); /* also after a failed open */
	free(ix->path);
	free(ix);
}

static void rollback(sohoa_index *ix)
{
	if (sqlite3_get_autocommit(ix->db))
		return; /* no transaction open (BEGIN failed, or rolled back) */
	sqlite3_step(ix->st[ST_ROLLBACK]);
	sqlite3_reset(ix->st[ST_ROLLBACK]);
}

/* Bind an optional string, NULL when absent or empty. */
static void bind_opt(sqlite3_stmt *st, int i, const char *s)
{
	if (s && *s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

static int insert_page(sohoa_index *ix, const char *case_number,
                       const char *receipt_date, const sohoa_index_page *pg)
{
	sqlite3_stmt *st = ix->st[ST_INS_PAGE];
	char *text = NULL, *name = NULL, *idn = NULL, dob[11];
	int rc;

	assert(pg->component && pg->kind);
	if ((rc = sohoa_text_nfc(&text, pg->text ? pg->text : "")) ||
	    (rc = sohoa_text_nfc(&name, pg->full_name ? pg->full_name : "")))
		goto done;
	if (pg->id_number && *pg->id_number) {
		if (!(idn = strdup(pg->id_number))) {
			rc = sohoa_error_set(SOHOA_ENOMEM, "out of memory");
			goto done;
		}
		for (char *c = idn; *c; c++)
			if (*c >= 'a' && *c <= 'z')
				*c = (char)(*c - 'a' + 'A');
	}
	/* a date of birth in a form we cannot read is kept as given */
	if (pg->date_of_birth &&
	    sohoa_index__date_norm(dob, pg->date_of_birth,
	                           strlen(pg->date_of_birth)) == 0)
		sqlite3_bind_text(st, 10, dob, -1, SQLITE_STATIC);
	else
		bind_opt(st, 10, pg->date_of_birth);
	sqlite3_bind_text(st, 1, case_number, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, pg->component, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, pg->kind, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, pg->page);
	sqlite3_bind_text(st, 5,
	                  pg->document_type ? pg->document_type : "other", -1,
	                  SQLITE_STATIC);
	if (pg->capture_time)
		sqlite3_bind_text(st, 6, pg->capture_time, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 6);
	sqlite3_bind_text(st, 7, receipt_date, -1, SQLITE_STATIC);
	bind_opt(st, 8, pg->procedure_code);
	bind_opt(st, 9, idn);
	sqlite3_bind_text(st, 11, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 12, text, -1, SQLITE_STATIC);
	rc = step_done(ix, st, "index page in");
done:
	free(text);
	free(name);
	free(idn);
	return rc;
}

int sohoa_index_put_case(sohoa_index *ix, const char *case_number,
                         const char *bundle_path, const sohoa_index_page *pages,
                         size_t npages)
{
	char norm[SOHOA_CASE_MAX], date[11], now[21];
	sqlite3_stmt *st;
	size_t i;
	int rc;

	assert(ix && case_number && bundle_path && (pages || npages == 0));
	if ((rc = sohoa_case_normalize(norm, case_number)) ||
	    (rc = sohoa_case_receipt_date(date, norm)))
		return rc;
	sohoa_time_iso8601(now);
	if ((rc = step_done(ix, ix->st[ST_BEGIN], "begin")))
		return rc;
	st = ix->st[ST_DEL_PAGES];
	sqlite3_bind_text(st, 1, norm, -1, SQLITE_STATIC);
	if ((rc = step_done(ix, st, "delete pages in")))
		goto done;
	for (i = 0; i < npages; i++)
		if ((rc = insert_page(ix, norm, date, &pages[i])))
			goto done;
	st = ix->st[ST_UPSERT_CASE];
	sqlite3_bind_text(st, 1, norm, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, bundle_path, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, date, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
	if ((rc = step_done(ix, st, "record case in")))
		goto done;
	rc = step_done(ix, ix->st[ST_COMMIT], "commit");
done:
	if (rc != SOHOA_OK)
		rollback(ix);
	else
		sohoa_log(SOHOA_LOG_DEBUG, "indexed %s: %zu pages", norm,
		          npages);
	return rc;
}

int sohoa_index_delete_case(sohoa_index *ix, const char *case_number)
{
	char norm[SOHOA_CASE_MAX];
	sqlite3_stmt *st;
	int rc;

	assert(ix && case_number);
	if ((rc = sohoa_case_normalize(norm, case_number)))
		return rc;
	if ((rc = step_done(ix, ix->st[ST_BEGIN], "begin")))
		return rc;
	st = ix->st[ST_DEL_CASE];
	sqlite3_bind_text(st, 1, norm, -1, SQLITE_STATIC);
	if ((rc = step_done(ix, st, "delete case in")))
		goto done;
	if (sqlite3_changes(ix->db) == 0) {
		rc = sohoa_error_set(SOHOA_ENOTFOUND, "case %s is not indexed",
		                     norm);
		goto done;
	}
	st = ix->st[ST_DEL_PAGES];
	sqlite3_bind_text(st, 1, norm, -1, SQLITE_STATIC);
	if ((rc = step_done(ix, st, "delete pages in")))
		goto done;
	rc = step_done(ix, ix->st[ST_COMMIT], "commit");
done:
	if (rc != SOHOA_OK)
		rollback(ix);
	return rc;
}

int sohoa_index_check(sohoa_index *ix)
{
	static const char *const fts[] = {"page_fts", "page_exact"};
	sqlite3_stmt *st = NULL;
	const unsigned char *r;
	char sql[128];
	int rc;

	assert(ix);
	rc =
	    sqlite3_prepare_v2(ix->db, "PRAGMA integrity_check", -1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		rc = db_fail(ix, rc, "check");
		goto done;
	}
	r = sqlite3_column_text(st, 0);
	if (!r || strcmp((const char *)r, "ok") != 0) {
		rc = sohoa_error_set(SOHOA_EINVALID, "check %s: %s", ix->path,
		                     r ? (const char *)r : "no answer");
		goto done;
	}
	for (size_t i = 0; i < sizeof(fts) / sizeof(fts[0]); i++) {
		snprintf(sql, sizeof(sql),
		         "INSERT INTO %s(%s) VALUES('integrity-check')", fts[i],
		         fts[i]);
		rc = sqlite3_exec(ix->db, sql, NULL, NULL, NULL);
		if (rc != SQLITE_OK) {
			rc = sohoa_error_set((rc & 0xff) == SQLITE_CORRUPT
			                         ? SOHOA_EINVALID
			                         : sql_code(rc, 0),
			                     "check %s: %s: %s", ix->path,
			                     fts[i], sqlite3_errmsg(ix->db));
			goto done;
		}
	}
	rc = SOHOA_OK;
done:
	sqlite3_finalize(st);
	return rc;
}

int sohoa_index_count_pages(long long *out, sohoa_index *ix)
{
	sqlite3_stmt *st;
	int rc;

	assert(out && ix);
	*out = 0;
	st = ix->st[ST_COUNT_PAGES];
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*out = sqlite3_column_int64(st, 0);
		rc = SOHOA_OK;
	} else {
		rc = db_fail(ix, rc, "count pages in");
	}
	sqlite3_reset(st);
	return rc;
}

/* Parse and run a query inside one read transaction: in WAL mode it sees
 * one snapshot, so hits, their snippets and counts agree while another
 * process indexes. */
static int run_query(sohoa_index_hit **hits_out, size_t *n_out,
                     long long *count_out, sohoa_index *ix, const char *query,
                     size_t limit, size_t offset)
{
	sohoa_index__node *q = NULL;
	int rc;

	if ((rc = sohoa_index__query_parse(&q, query, ix->qtok)))
		return rc;
	if ((rc = exec(ix, "BEGIN")) == SOHOA_OK) {
		rc = sohoa_index__run(hits_out, n_out, count_out, ix->db,
		                      ix->path, q, limit, offset);
		sqlite3_exec(ix->db, "COMMIT", NULL, NULL, NULL);
	}
	sohoa_index__node_free(q);
	return rc;
}

int sohoa_index_search(sohoa_index_hit **hits_out, size_t *n_out,
                       sohoa_index *ix, const char *query, size_t limit,
                       size_t offset)
{
	assert(hits_out && n_out && ix && query);
	*hits_out = NULL;
	*n_out = 0;
	return run_query(hits_out, n_out, NULL, ix, query, limit, offset);
}

int sohoa_index_count(long long *out, sohoa_index *ix, const char *query)
{
	assert(out && ix && query);
	*out = 0;
	return run_query(NULL, NULL, out, ix, query, 0, 0);
}

void sohoa_index_hits_free(sohoa_index_hit *hits, size_t n)
{
	size_t i;

	if (!hits)
		return;
	for (i = 0; i < n; i++) {
		free(hits[i].case_number);
		free(hits[i].component);
		free(hits[i].kind);
		free(hits[i].document_type);
		free(hits[i].snippet);
		free(hits[i].marked);
	}
	free(hits);
}
