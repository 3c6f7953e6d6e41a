/* test_index.c -- the search index: Vietnamese folding (diacritics, đ),
 * NFD input, exact-match ranking, phrases, AND, snippets, replacement,
 * deletion, paging, bad queries, open errors, WAL and concurrent readers.
 */
#include "index/index.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "config/config.h"

#define CASE1 "000.00.22.H27-250701-0001"
#define CASE2 "000.00.22.H27-250701-0002"
#define CASE3 "000.00.22.H27-250702-0003"

struct fixture {
	char dir[64];
	char path[128];
	sohoa_index *ix;
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	if (!fx)
		return -1;
	strcpy(fx->dir, "/tmp/sohoa-test-index-XXXXXX");
	if (!mkdtemp(fx->dir))
		return -1;
	snprintf(fx->path, sizeof(fx->path), "%s/index.sqlite", fx->dir);
	if (sohoa_index_open(&fx->ix, fx->path) != SOHOA_OK) {
		fprintf(stderr, "open: %s\n", sohoa_error_last());
		return -1;
	}
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	sohoa_index_close(fx->ix);
	chmod(fx->dir, 0700);
	sohoa_fs_remove_tree(fx->dir);
	free(fx);
	return 0;
}

/* Index one case whose pages have these texts (NULL-terminated). */
static void put_texts(sohoa_index *ix, const char *case_number,
                      const char *const *texts)
{
	sohoa_index_page pages[16];
	size_t n;

	memset(pages, 0, sizeof(pages));
	for (n = 0; texts[n]; n++) {
		assert_true(n < 16);
		pages[n].component = "don";
		pages[n].kind = "component";
		pages[n].page = (int)n + 1;
		pages[n].document_type = "application";
		pages[n].capture_time = "2025-07-01T08:00:00Z";
		pages[n].text = texts[n];
	}
	assert_int_equal(
	    sohoa_index_put_case(ix, case_number, "/b/x.zip", pages, n),
	    SOHOA_OK);
}

static void put_text(sohoa_index *ix, const char *case_number, const char *text)
{
	const char *texts[] = {text, NULL};

	put_texts(ix, case_number, texts);
}

static size_t count_hits(sohoa_index *ix, const char *query)
{
	sohoa_index_hit *hits = NULL;
	size_t n = 99;

	assert_int_equal(sohoa_index_search(&hits, &n, ix, query, 100, 0),
	                 SOHOA_OK);
	sohoa_index_hits_free(hits, n);
	return n;
}

static long long count_pages(sohoa_index *ix)
{
	long long n = -1;

	assert_int_equal(sohoa_index_count_pages(&n, ix), SOHOA_OK);
	return n;
}

static void folded_query_finds_upper_case_diacritics(void **state)
{
	struct fixture *fx = *state;
	sohoa_index_hit *hits = NULL;
	size_t n = 0;

	put_text(fx->ix, CASE1, "Họ và tên: NGUYỄN THỊ LIÊN, sinh năm 1980");
	assert_int_equal(
	    sohoa_index_search(&hits, &n, fx->ix, "nguyen thi lien", 10, 0),
	    SOHOA_OK);
	assert_int_equal(n, 1);
	assert_string_equal(hits[0].case_number, CASE1);
	assert_string_equal(hits[0].component, "don");
	assert_string_equal(hits[0].kind, "component");
	assert_int_equal(hits[0].page, 1);
	assert_string_equal(hits[0].document_type, "application");
	assert_true(hits[0].score > 0);
	/* the snippet shows the original text, diacritics and all */
	assert_non_null(strstr(hits[0].snippet, "[NGUYỄN]"));
	assert_non_null(strstr(hits[0].snippet, "[LIÊN]"));
	sohoa_index_hits_free(hits, n);
	assert_int_equal(count_hits(fx->ix, "Nguyễn Thị Liên"), 1);
	assert_int_equal(count_hits(fx->ix, "NGUYEN"), 1);
	assert_int_equal(count_hits(fx->ix, "nguyen van"), 0);
}

static void d_stroke_is_folded(void **state)
{
	struct fixture *fx = *state;
	sohoa_index_hit *hits = NULL;
	size_t n = 0;

	put_text(fx->ix, CASE1, "Giấy chứng nhận quyền sử dụng đất ĐỒNG NAI");
	assert_int_equal(count_hits(fx->ix, "quyen su dung dat"), 1);
	assert_int_equal(count_hits(fx->ix, "dong nai"), 1);
	assert_int_equal(count_hits(fx->ix, "ĐẤT"), 1);
	assert_int_equal(count_hits(fx->ix, "\"dung dat\""), 1);
	assert_int_equal(sohoa_index_search(&hits, &n, fx->ix, "dat", 10, 0),
	                 SOHOA_OK);
	assert_int_equal(n, 1);
	assert_non_null(strstr(hits[0].snippet, "[đất]"));
	sohoa_index_hits_free(hits, n);
}

static void long_token_with_d_stroke_is_folded(void **state)
{
	struct fixture *fx = *state;
	char text[512], query[256];
	int i;

	/* 150 x "đ" is a 300-byte token: past the tokenizer's stack buffer */
	for (i = 0; i < 150; i++) {
		memcpy(text + 2 * i, "\xC4\x91", 2);
		query[i] = 'd';
	}
	strcpy(text + 300, " cuối");
	query[150] = '\0';
	put_text(fx->ix, CASE1, text);
	assert_int_equal(count_hits(fx->ix, query), 1);
	assert_int_equal(count_hits(fx->ix, "cuoi"), 1);
}

static void hit_carries_page_fields(void **state)
{
	struct fixture *fx = *state;
	sohoa_index_page pg = {.component = "ket-qua",
	                       .kind = "result",
	                       .page = 3,
	                       .text = "Giấy phép"};
	sohoa_index_hit *hits = NULL;
	size_t n = 0;

	assert_int_equal(sohoa_index_put_case(fx->ix,
	                                      " 000.00.22.h27-250701-0001 ",
	                                      "/b/x.zip", &pg, 1),
	                 SOHOA_OK);
	assert_int_equal(
	    sohoa_index_search(&hits, &n, fx->ix, "giay phep", 10, 0),
	    SOHOA_OK);
	assert_int_equal(n, 1);
	assert_string_equal(hits[0].case_number, CASE1); /* normalized */
	assert_string_equal(hits[0].component, "ket-qua");
	assert_string_equal(hits[0].kind, "result");
	assert_int_equal(hits[0].page, 3);
	assert_string_equal(hits[0].document_type, "other");
	sohoa_index_hits_free(hits, n);
	assert_int_equal(sohoa_index_delete_case(fx->ix, CASE1), SOHOA_OK);
	assert_int_equal(count_pages(fx->ix), 0);
}

static void nfd_text_is_found_by_nfc_and_folded_queries(void **state)
{
	struct fixture *fx = *state;
	sohoa_index_hit *hits = NULL;
	size_t n = 0;

	/* "Nguyễn Thị Liên" decomposed: e + U+0302 + U+0303, i + U+0323,
	 * e + U+0302 */
	put_text(fx->ix, CASE1,
	         "Nguye\xCC\x82\xCC\x83n Thi\xCC\xA3 Lie\xCC\x82n");
	assert_int_equal(count_hits(fx->ix, "Nguyễn Thị Liên"), 1);
	assert_int_equal(count_hits(fx->ix, "nguyen thi lien"), 1);
	/* an NFD query too */
	assert_int_equal(count_hits(fx->ix, "Lie\xCC\x82n"), 1);
	/* stored NFC: the snippet has the composed letters */
	assert_int_equal(sohoa_index_search(&hits, &n, fx->ix, "lien", 10, 0),
	                 SOHOA_OK);
	assert_int_equal(n, 1);
	assert_non_null(strstr(hits[0].snippet, "[Liên]"));
	assert_non_null(strstr(hits[0].snippet, "Nguyễn Thị"));
	sohoa_index_hits_free(hits, n);
}

static void diacritics_query_ranks_exact_match_first(void **state)
{
	struct fixture *fx = *state;
	sohoa_index_hit *hits = NULL;
	size_t n = 0;

	/* CASE1 would win on bm25 alone (the word twice, short page) */
	put_text(fx->ix, CASE1, "Liễn Liễn");
	put_text(fx->ix, CASE2,
	         "Người nộp hồ sơ là bà Trần Thị Liên, cư trú tại phường "
	         "Bến Nghé, quận Một");
	put_text(fx->ix, CASE3, "Lien");

	assert_int_equal(sohoa_index_search(&hits, &n, fx->ix, "lien", 10, 0),
	                 SOHOA_OK);
	assert_int_equal(n, 3);
	assert_string_equal(hits[0].case_number, CASE1);
	sohoa_index_hits_free(hits, n);

	assert_int_equal(sohoa_index_search(&hits, &n, fx->ix, "Liên", 10, 0),
	                 SOHOA_OK);
	assert_int_equal(n, 3); /* folded matches still come */
	assert_string_equal(hits[0].case_number, CASE2);
	assert_true(hits[0].score > hits[1].score);
	assert_true(hits[1].score >= hits[2].score);
	sohoa_index_hits_free(hits, n);

	assert_int_equal(sohoa_index_search(&hits, &n, fx->ix, "Liễn", 10, 0),
	                 SOHOA_OK);
	assert_int_equal(n, 3);
	assert_string_equal(hits[0].case_number, CASE1);
	sohoa_index_hits_free(hits, n);
}

static void phrase_matches_adjacent_words_only(void **state)
{
	struct fixture *fx = *state;
	sohoa_index_hit *hits = NULL;
	size_t n = 0;

	put_text(fx->ix, CASE1, "Nguyễn Thị Liên");
	put_text(fx->ix, CASE2, "Lê Thị Hoa, Nguyễn Văn Liên");
	assert_int_equal(count_hits(fx->ix, "thi lien"), 2);
	assert_int_equal(
	    sohoa_index_search(&hits, &n, fx->ix, "\"thi lien\"", 10, 0),
	    SOHOA_OK);
	assert_int_equal(n, 1);
	assert_string_equal(hits[0].case_number, CASE1);
	sohoa_index_hits_free(hits, n);
	assert_int_equal(count_hits(fx->ix, "\"lien thi\""), 0);
	assert_int_equal(count_hits(fx->ix, "\"Văn Liên\" nguyen"), 1);
}

static void all_words_must_match(void **state)
{
	struct fixture *fx = *state;
	sohoa_index_hit *hits = NULL;
	size_t n = 0;

	put_text(fx->ix, CASE1, "Nguyễn Thị Liên");
	put_text(fx->ix, CASE2, "Lê Thị Hoa, Nguyễn Văn Liên");
	assert_int_equal(count_hits(fx->ix, "lien"), 2);
	assert_int_equal(
	    sohoa_index_search(&hits, &n, fx->ix, "lien hoa", 10, 0), SOHOA_OK);
	assert_int_equal(n, 1);
	assert_string_equal(hits[0].case_number, CASE2);
	sohoa_index_hits_free(hits, n);
	assert_int_equal(count_hits(fx->ix, "lien hoa tuan"), 0);
}

static void query_syntax_is_not_passed_to_fts5(void **state)
{
	struct fixture *fx = *state;

	put_text(fx->ix, CASE1, "Nguyễn Thị Liên");
	/* FTS5 syntax typed by a person is plain words: only our OR, AND,
	 * NOT and parentheses are operators */
	assert_int_equal(count_hits(fx->ix, "lien OR hoa"), 1);
	assert_int_equal(count_hits(fx->ix, "lien* ^thi"), 1);
	assert_int_equal(count_hits(fx->ix, "NEAR(thi lien)"), 0);
	assert_int_equal(count_hits(fx->ix, "lien or hoa"), 0); /* a word */
	assert_int_equal(count_hits(fx->ix, "lien -"), 1); /* "-" dropped */
	assert_int_equal(count_hits(fx->ix, "\"name\" : lien"), 0);
}

static void snippet_marks_words_and_elides(void **state)
{
	struct fixture *fx = *state;
	sohoa_index_hit *hits = NULL;
	size_t n = 0;

	put_text(fx->ix, CASE1,
	         "Ủy ban nhân dân phường Bến Nghé tiếp nhận hồ sơ của công "
	         "dân về việc cấp giấy chứng nhận quyền sử dụng đất và quyền "
	         "sở hữu nhà ở cùng tài sản khác gắn liền với đất tại thửa "
	         "đất số 123 tờ bản đồ số 45 do ông Trần Văn Đức đứng tên");
	assert_int_equal(sohoa_index_search(&hits, &n, fx->ix, "duc", 10, 0),
	                 SOHOA_OK);
	assert_int_equal(n, 1);
	assert_non_null(strstr(hits[0].snippet, "[Đức]"));
	assert_non_null(strstr(hits[0].snippet, "\xE2\x80\xA6"));
	assert_null(strstr(hits[0].snippet, "Ủy ban"));
	sohoa_index_hits_free(hits, n);
}

static void marked_snippet_tells_brackets_from_matches(void **state)
{
	struct fixture *fx = *state;
	sohoa_index_hit *hits = NULL;
	size_t n = 0;

	put_text(fx->ix, CASE1, "Ghi chú [kèm theo] của ông Phạm Đức Minh");
	assert_int_equal(
	    sohoa_index_search(&hits, &n, fx->ix, "pham duc", 10, 0), SOHOA_OK);
	assert_int_equal(n, 1);
	/* the printable snippet cannot tell them apart; the marked one can */
	assert_non_null(strstr(hits[0].snippet, "[kèm theo]"));
	assert_non_null(strstr(hits[0].snippet, "[Phạm] [Đức]"));
	assert_non_null(strstr(hits[0].marked, "[kèm theo]"));
	assert_non_null(strstr(hits[0].marked, "\x02Phạm\x03 \x02Đức\x03"));
	assert_null(strchr(hits[0].snippet, SOHOA_INDEX_MARK_OPEN));
	sohoa_index_hits_free(hits, n);
}

static void put_case_twice_replaces(void **state)
{
	struct fixture *fx = *state;
	const char *v1[] = {"một hai", "ba bốn", "năm sáu", NULL};
	const char *v2[] = {"bảy tám", "chín mười", "mười một", NULL};
	const char *v3[] = {"mười hai", NULL};

	put_texts(fx->ix, CASE1, v1);
	put_text(fx->ix, CASE2, "khác");
	assert_int_equal(count_pages(fx->ix), 4);
	put_texts(fx->ix, CASE1, v1);
	assert_int_equal(count_pages(fx->ix), 4);
	assert_int_equal(count_hits(fx->ix, "hai"), 1);

	put_texts(fx->ix, CASE1, v2);
	assert_int_equal(count_pages(fx->ix), 4);
	assert_int_equal(count_hits(fx->ix, "hai"), 0);
	assert_int_equal(count_hits(fx->ix, "muoi"), 2);

	put_texts(fx->ix, CASE1, v3);
	assert_int_equal(count_pages(fx->ix), 2);
	assert_int_equal(count_hits(fx->ix, "muoi"), 1);
	assert_int_equal(count_hits(fx->ix, "khac"), 1);
}

static void put_case_rejects_bad_input_and_keeps_old_state(void **state)
{
	struct fixture *fx = *state;
	sohoa_index_page pg = {.component = "don",
	                       .kind = "component",
	                       .page = 1,
	                       .text = "x\xC3"};

	put_text(fx->ix, CASE1, "Nguyễn Thị Liên");
	assert_int_equal(
	    sohoa_index_put_case(fx->ix, "not a case", "/b", &pg, 1),
	    SOHOA_EINVALID);
	assert_true(strlen(sohoa_error_last()) > 0);
	/* invalid UTF-8 on the page: rolled back, the old pages stay */
	assert_int_equal(sohoa_index_put_case(fx->ix, CASE1, "/b", &pg, 1),
	                 SOHOA_EINVALID);
	assert_int_equal(count_pages(fx->ix), 1);
	assert_int_equal(count_hits(fx->ix, "lien"), 1);
	/* the handle is still usable */
	pg.text = NULL; /* a blank page */
	assert_int_equal(sohoa_index_put_case(fx->ix, CASE1, "/b", &pg, 1),
	                 SOHOA_OK);
	assert_int_equal(count_pages(fx->ix), 1);
	assert_int_equal(count_hits(fx->ix, "lien"), 0);
}

static void delete_case_removes_it(void **state)
{
	struct fixture *fx = *state;
	const char *v[] = {"Nguyễn Thị Liên", "trang hai", NULL};

	put_texts(fx->ix, CASE1, v);
	put_text(fx->ix, CASE2, "Lê Văn Liên");
	assert_int_equal(count_pages(fx->ix), 3);
	assert_int_equal(sohoa_index_delete_case(fx->ix, CASE1), SOHOA_OK);
	assert_int_equal(count_pages(fx->ix), 1);
	assert_int_equal(count_hits(fx->ix, "lien"), 1);
	assert_int_equal(count_hits(fx->ix, "trang"), 0);
	assert_int_equal(sohoa_index_delete_case(fx->ix, CASE1),
	                 SOHOA_ENOTFOUND);
	assert_non_null(strstr(sohoa_error_last(), CASE1));
	assert_int_equal(sohoa_index_delete_case(fx->ix, CASE3),
	                 SOHOA_ENOTFOUND);
	assert_int_equal(count_pages(fx->ix), 1);
}

static void limit_and_offset_page_through_hits(void **state)
{
	struct fixture *fx = *state;
	const char *v[] = {"hồ sơ một", "hồ sơ hai", "hồ sơ ba",
	                   "hồ sơ bốn", "hồ sơ năm", NULL};
	sohoa_index_hit *hits = NULL;
	size_t n = 0, off, total = 0;
	int seen[6] = {0};

	put_texts(fx->ix, CASE1, v);
	put_text(fx->ix, CASE2, "khác");
	for (off = 0; off < 6; off += 2) {
		assert_int_equal(
		    sohoa_index_search(&hits, &n, fx->ix, "ho so", 2, off),
		    SOHOA_OK);
		assert_int_equal(n, off < 4 ? 2 : 1);
		for (size_t i = 0; i < n; i++) {
			assert_true(hits[i].page >= 1 && hits[i].page <= 5);
			assert_false(seen[hits[i].page]);
			seen[hits[i].page] = 1;
		}
		total += n;
		sohoa_index_hits_free(hits, n);
	}
	assert_int_equal(total, 5);
	assert_int_equal(sohoa_index_search(&hits, &n, fx->ix, "ho so", 10, 5),
	                 SOHOA_OK);
	assert_int_equal(n, 0);
	assert_null(hits);
	assert_int_equal(sohoa_index_search(&hits, &n, fx->ix, "ho so", 0, 0),
	                 SOHOA_OK);
	assert_int_equal(n, 0);
}

static void bad_query_is_invalid(void **state)
{
	struct fixture *fx = *state;
	static const struct {
		const char *query;
		const char *msg; /* expected in the message */
	} bad[] = {
	    {"", "empty"},
	    {"   \t ", "empty"},
	    {"nguyen \"thi lien", "position 8"},
	    {"Nguyễn \"thi", "position 8"}, /* characters, not bytes */
	    {"\"", "position 1"},
	    {"... --- !!", "position 1"},
	    {"\"\"", "position 1"},
	    {"x\xC3", "text"}, /* not UTF-8 */
	};
	sohoa_index_hit *hits = (sohoa_index_hit *)1;
	size_t n = 99, i;

	put_text(fx->ix, CASE1, "Nguyễn Thị Liên");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		hits = (sohoa_index_hit *)1;
		n = 99;
		assert_int_equal(
		    sohoa_index_search(&hits, &n, fx->ix, bad[i].query, 10, 0),
		    SOHOA_EINVALID);
		assert_null(hits);
		assert_int_equal(n, 0);
		if (!strstr(sohoa_error_last(), bad[i].msg))
			fail_msg("query \"%s\": message \"%s\" lacks \"%s\"",
			         bad[i].query, sohoa_error_last(), bad[i].msg);
	}
}

static void open_non_sqlite_file_is_invalid(void **state)
{
	struct fixture *fx = *state;
	char path[160];
	sohoa_index *ix = (sohoa_index *)1;
	const char junk[] = "this is not an SQLite database, it is a page of "
	                    "text that happens to be long enough to matter\n";

	snprintf(path, sizeof(path), "%s/junk.sqlite", fx->dir);
	assert_int_equal(sohoa_fs_write_atomic(path, junk, sizeof(junk)),
	                 SOHOA_OK);
	assert_int_equal(sohoa_index_open(&ix, path), SOHOA_EINVALID);
	assert_null(ix);
	assert_non_null(strstr(sohoa_error_last(), path));
}

static void open_other_sqlite_database_is_invalid(void **state)
{
	struct fixture *fx = *state;
	char path[160];
	sohoa_index *ix = (sohoa_index *)1;
	sqlite3 *db = NULL;

	snprintf(path, sizeof(path), "%s/other.sqlite", fx->dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(
	    sqlite3_exec(db, "CREATE TABLE t(x)", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(sohoa_index_open(&ix, path), SOHOA_EINVALID);
	assert_null(ix);
	assert_non_null(strstr(sohoa_error_last(), "not a sohoa index"));
}

static void open_newer_schema_is_invalid(void **state)
{
	struct fixture *fx = *state;
	sohoa_index *ix = (sohoa_index *)1;
	sqlite3 *db = NULL;

	sohoa_index_close(fx->ix);
	fx->ix = NULL;
	assert_int_equal(sqlite3_open(fx->path, &db), SQLITE_OK);
	assert_int_equal(
	    sqlite3_exec(db, "PRAGMA user_version=99", NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(sohoa_index_open(&ix, fx->path), SOHOA_EINVALID);
	assert_null(ix);
	assert_non_null(strstr(sohoa_error_last(), "version 99"));
}

static void open_unwritable_place_is_env(void **state)
{
	struct fixture *fx = *state;
	char file[160], path[200];
	sohoa_index *ix = (sohoa_index *)1;

	/* under a regular file: fails for everyone, root included */
	snprintf(file, sizeof(file), "%s/plain", fx->dir);
	assert_int_equal(sohoa_fs_write_atomic(file, "x", 1), SOHOA_OK);
	snprintf(path, sizeof(path), "%s/sub/index.sqlite", file);
	assert_int_equal(sohoa_index_open(&ix, path), SOHOA_EENV);
	assert_null(ix);
	assert_non_null(strstr(sohoa_error_last(), path));

	/* a read-only folder: only meaningful when we are not root */
	snprintf(path, sizeof(path), "%s/ro", fx->dir);
	assert_int_equal(mkdir(path, 0555), 0);
	if (access(path, W_OK) == 0)
		return; /* root writes anyway */
	snprintf(path, sizeof(path), "%s/ro/index.sqlite", fx->dir);
	ix = (sohoa_index *)1;
	assert_int_equal(sohoa_index_open(&ix, path), SOHOA_EENV);
	assert_null(ix);
}

static void reopen_keeps_data(void **state)
{
	struct fixture *fx = *state;

	put_text(fx->ix, CASE1, "Nguyễn Thị Liên");
	sohoa_index_close(fx->ix);
	fx->ix = NULL;
	assert_int_equal(sohoa_index_open(&fx->ix, fx->path), SOHOA_OK);
	assert_int_equal(count_pages(fx->ix), 1);
	assert_int_equal(count_hits(fx->ix, "quyen lien"), 0);
	assert_int_equal(count_hits(fx->ix, "nguyen lien"), 1);
}

static void journal_is_wal(void **state)
{
	struct fixture *fx = *state;
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;

	assert_int_equal(sqlite3_open(fx->path, &db), SQLITE_OK);
	assert_int_equal(
	    sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "wal");
	sqlite3_finalize(st);
	sqlite3_close(db);
}

static void search_runs_while_another_connection_writes(void **state)
{
	struct fixture *fx = *state;
	sohoa_index *reader = NULL;
	sqlite3 *db = NULL;

	put_text(fx->ix, CASE1, "Nguyễn Thị Liên");
	assert_int_equal(sqlite3_open(fx->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
	                              "BEGIN IMMEDIATE;"
	                              "INSERT INTO cases(case_number,"
	                              " bundle_path, indexed_at)"
	                              " VALUES('x', 'y', 'z');",
	                              NULL, NULL, NULL),
	                 SQLITE_OK);
	/* the write lock is held: a new handle opens and searches */
	assert_int_equal(sohoa_index_open(&reader, fx->path), SOHOA_OK);
	assert_int_equal(count_hits(reader, "nguyen thi lien"), 1);
	assert_int_equal(count_hits(fx->ix, "lien"), 1);
	assert_int_equal(count_pages(reader), 1);
	assert_int_equal(sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL),
	                 SQLITE_OK);
	sqlite3_close(db);
	sohoa_index_close(reader);
}

/* ---- fields, operators, counting ------------------------------------- */

#define CASE4 "000.00.22.H27-250815-0004"
#define CASE5 "000.01.05.G10-250701-0005"

/* One page with fields. */
static void put_person(sohoa_index *ix, const char *case_number,
                       const char *kind, const char *type, const char *capture,
                       const char *name, const char *idn, const char *dob,
                       const char *proc, const char *text)
{
	sohoa_index_page pg = {.component = "don",
	                       .kind = kind,
	                       .page = 1,
	                       .document_type = type,
	                       .capture_time = capture,
	                       .text = text,
	                       .id_number = idn,
	                       .full_name = name,
	                       .date_of_birth = dob,
	                       .procedure_code = proc};

	assert_int_equal(
	    sohoa_index_put_case(ix, case_number, "/b/x.zip", &pg, 1),
	    SOHOA_OK);
}

static void put_people(sohoa_index *ix)
{
	/* from a QR code: exact diacritics */
	put_person(
	    ix, CASE1, "component", "cccd", "2025-07-01T08:00:00Z",
	    "NGUYỄN THỊ LIÊN", "001085012345", "12/03/1985", "1.001234",
	    "Căn cước công dân số 001085012345 họ và tên NGUYỄN THỊ LIÊN");
	/* OCR near-miss: wrong tone mark on NGUYỄN */
	put_person(ix, CASE2, "component", "application",
	           "2025-07-02T09:00:00Z", "NGUYÊN THỊ LIÊN", NULL,
	           "1985-03-12", "1.001234",
	           "Đơn đề nghị cấp giấy chứng nhận quyền sử dụng đất");
	/* another person */
	put_person(ix, CASE4, "result", "certificate", "2025-08-20T10:00:00Z",
	           "TRẦN VĂN ĐỨC", "079090000111", "1990-01-01", "2.000999",
	           "Giấy chứng nhận quyền sử dụng đất cho ông Trần Văn Đức");
	put_person(ix, CASE5, "component", "application",
	           "2025-07-03T09:00:00Z", NULL, NULL, NULL, NULL,
	           "Tờ khai đăng ký khai sinh, người khai Lê Thị Hoa");
}

/* The case numbers of the hits of `query`, best first, space-separated. */
static char *cases_of(sohoa_index *ix, const char *query)
{
	static char buf[512];
	sohoa_index_hit *hits = NULL;
	size_t n = 0;

	buf[0] = '\0';
	if (sohoa_index_search(&hits, &n, ix, query, 100, 0) != SOHOA_OK)
		fail_msg("query \"%s\": %s", query, sohoa_error_last());
	for (size_t i = 0; i < n; i++) {
		if (i)
			strcat(buf, " ");
		/* last 4 digits tell the cases apart */
		strcat(buf,
		       hits[i].case_number + strlen(hits[i].case_number) - 4);
	}
	sohoa_index_hits_free(hits, n);
	return buf;
}

static void each_filter_selects_its_pages(void **state)
{
	struct fixture *fx = *state;
	static const struct {
		const char *query, *cases;
	} t[] = {
	    {"id:001085012345", "0001"},
	    {"id:079090000111", "0004"},
	    {"id:999", ""},
	    {"dob:1985-03-12", "0002 0001"},
	    {"dob:12/03/1985", "0002 0001"},
	    {"type:cccd", "0001"},
	    {"type:APPLICATION", "0005 0002"},
	    {"type:cc*", "0001"},
	    {"type:APPL*", "0005 0002"},
	    {"type:applicatioo*", ""},
	    {"kind:result", "0004"},
	    {"procedure:1.001234", "0002 0001"},
	    {"case:000.00.22.H27-250701-0001", "0001"},
	    {"case:000.00.22.h27-250701-0001", "0001"},
	    {"case:000.00.22.H27-2507*", "0002 0001"},
	    {"case:000.00.22.H27-25*", "0004 0002 0001"},
	    {"case:000.01*", "0005"},
	    {"date:2025-07-01", "0005 0002 0001"},
	    {"date:2025-07", "0005 0002 0001"},
	    {"date:2025-08-01..2025-08-31", "0004"},
	    {"date:..2025-07-01", "0005 0002 0001"},
	    {"date:2025-08-15..", "0004"},
	    {"captured:2025-07-02..2025-07-03", "0005 0002"},
	    {"captured:2025-08", "0004"},
	    {"dat date:2025-08", "0004"},
	    {"dat case:000.00.22.H27-2507*", "0002"},
	    {"name:lien", "0002 0001"},
	    {"name:hoa", ""}, /* in the text, not a name field */
	};

	put_people(fx->ix);
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		const char *got = cases_of(fx->ix, t[i].query);

		if (strcmp(got, t[i].cases))
			fail_msg("query \"%s\": got \"%s\", want \"%s\"",
			         t[i].query, got, t[i].cases);
	}
}

/* cases_of(), sorted newest first: for queries whose bm25 order is not
 * the point. */
static char *set_of(sohoa_index *ix, const char *query)
{
	char *s = cases_of(ix, query);
	size_t n = (strlen(s) + 1) / 5;

	/* "dddd dddd ...": a bubble sort on 5-byte cells, descending */
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j + 1 < n - i; j++)
			if (memcmp(s + 5 * j, s + 5 * (j + 1), 4) < 0) {
				char t[4];

				memcpy(t, s + 5 * j, 4);
				memcpy(s + 5 * j, s + 5 * (j + 1), 4);
				memcpy(s + 5 * (j + 1), t, 4);
			}
	return s;
}

static void operators_combine(void **state)
{
	struct fixture *fx = *state;
	static const struct {
		const char *query, *cases;
	} t[] = {
	    {"khai OR chung", "0005 0004 0002"},
	    {"dat NOT duc", "0002"},
	    {"NOT dat", "0005 0001"},
	    {"dat AND duc", "0004"},
	    {"(khai OR duc) kind:component", "0005"},
	    {"NOT (dat OR khai)", "0001"},
	    {"NOT kind:component", "0004"},
	    {"id:001085012345 OR name:duc", "0004 0001"},
	    {"type:cccd OR (dat NOT duc)", "0002 0001"},
	    {"(name:\"nguyen thi lien\" NOT type:cccd)", "0002"},
	};

	put_people(fx->ix);
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		const char *got = set_of(fx->ix, t[i].query);

		if (strcmp(got, t[i].cases))
			fail_msg("query \"%s\": got \"%s\", want \"%s\"",
			         t[i].query, got, t[i].cases);
	}
}

static void name_finds_qr_and_ocr_near_misses_exact_first(void **state)
{
	struct fixture *fx = *state;
	sohoa_index_hit *hits = NULL;
	size_t n = 0;

	put_people(fx->ix);
	/* typed without marks: both, the QR one and the OCR near-miss */
	assert_string_equal(cases_of(fx->ix, "name:\"nguyen thi lien\""),
	                    "0002 0001");
	assert_string_equal(cases_of(fx->ix, "name:\"thi lien nguyen\""), "");
	/* typed with marks: the exact one ranks first, the near-miss (wrong
	 * tone mark) still comes */
	assert_int_equal(sohoa_index_search(&hits, &n, fx->ix,
	                                    "name:\"Nguyễn Thị Liên\"", 10, 0),
	                 SOHOA_OK);
	assert_int_equal(n, 2);
	assert_string_equal(hits[0].case_number, CASE1);
	assert_true(hits[0].score > hits[1].score);
	sohoa_index_hits_free(hits, n);
	assert_int_equal(sohoa_index_search(&hits, &n, fx->ix,
	                                    "name:\"Nguyên Thị Liên\"", 10, 0),
	                 SOHOA_OK);
	assert_int_equal(n, 2);
	assert_string_equal(hits[0].case_number, CASE2);
	sohoa_index_hits_free(hits, n);
	/* NFD typed name works like NFC; đ folds */
	assert_string_equal(cases_of(fx->ix, "name:\"tra\xCC\x80n va\xCC\x86n "
	                                     "\xC4\x91u\xCC\x9B\xCC\x81\xCC\x81"
	                                     "c\""),
	                    "0004");
	assert_string_equal(cases_of(fx->ix, "name:\"tran van duc\""), "0004");
}

static void count_counts_all_matches(void **state)
{
	struct fixture *fx = *state;
	long long n = -1;

	put_people(fx->ix);
	assert_int_equal(sohoa_index_count(&n, fx->ix, "dat"), SOHOA_OK);
	assert_int_equal(n, 2);
	assert_int_equal(sohoa_index_count(&n, fx->ix, "date:2025-07"),
	                 SOHOA_OK);
	assert_int_equal(n, 3);
	assert_int_equal(sohoa_index_count(&n, fx->ix, "dat kind:result"),
	                 SOHOA_OK);
	assert_int_equal(n, 1);
	assert_int_equal(sohoa_index_count(&n, fx->ix, "nothing"), SOHOA_OK);
	assert_int_equal(n, 0);
	assert_int_equal(sohoa_index_count(&n, fx->ix, "("), SOHOA_EINVALID);
}

static void syntax_errors_name_the_position(void **state)
{
	struct fixture *fx = *state;
	static const struct {
		const char *query;
		const char *msg; /* expected in the message */
	} bad[] = {
	    {"(lien", "'(' is never closed at position 1"},
	    {"lien)", "')' without '(' at position 5"},
	    {"lien OR", "after OR at position 8"},
	    {"OR lien", "at position 1"},
	    {"NOT", "after NOT at position 4"},
	    {"lien AND )", "')' without '(' after AND at position 10"},
	    {"()", "empty parentheses at position 2"},
	    {"lien foo:bar", "unknown field 'foo:' at position 6"},
	    {"id:", "needs a value at position 1"},
	    {"Liên id:12-3", "id takes letters and digits at position 6"},
	    {"date:2025-13-01", "date expects"},
	    {"date:2025-08-01..2025-07-01", "ends before it starts"},
	    {"x date:nay", "at position 3"},
	    {"dob:1985", "dob expects YYYY-MM-DD or DD/MM/YYYY at position 1"},
	    {"case:abc", "not a case number"},
	    {"case:*", "case prefix is empty"},
	    {"case:00_1*", "case prefix takes"},
	    {"name:\"lien", "unbalanced quote at position 6"},
	    {"name:\"...\"", "name has no letters at position 1"},
	    {"lien OR ...", "nothing to search for"},
	};
	sohoa_index_hit *hits = NULL;
	size_t n = 99, i;

	put_text(fx->ix, CASE1, "Nguyễn Thị Liên");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		hits = (sohoa_index_hit *)1;
		n = 99;
		if (sohoa_index_search(&hits, &n, fx->ix, bad[i].query, 10,
		                       0) != SOHOA_EINVALID)
			fail_msg("query \"%s\" was accepted", bad[i].query);
		assert_null(hits);
		assert_int_equal(n, 0);
		if (!strstr(sohoa_error_last(), bad[i].msg))
			fail_msg("query \"%s\": message \"%s\" lacks \"%s\"",
			         bad[i].query, sohoa_error_last(), bad[i].msg);
	}
}

/* ---- crash safety and concurrency ------------------------------------ */

#define CRASH_PAGES 20

/* Child: index cases of CRASH_PAGES pages over and over, alternating
 * between replacing and deleting, until killed.  Never returns. */
static void index_forever(const char *path)
{
	static char texts[CRASH_PAGES][256];
	sohoa_index_page pages[CRASH_PAGES];
	sohoa_index *ix = NULL;
	char case_number[40];

	if (sohoa_index_open(&ix, path) != SOHOA_OK)
		_exit(3);
	memset(pages, 0, sizeof(pages));
	for (unsigned round = 0;; round++) {
		snprintf(case_number, sizeof(case_number),
		         "000.00.22.H27-250701-%04u", round % 50);
		for (int i = 0; i < CRASH_PAGES; i++) {
			snprintf(
			    texts[i], sizeof(texts[i]),
			    "Vòng %u trang %d: Nguyễn Thị Liên nộp đơn xin "
			    "cấp giấy chứng nhận quyền sử dụng đất số %u",
			    round, i, round * 100 + (unsigned)i);
			pages[i].component = "don";
			pages[i].kind = "component";
			pages[i].page = i + 1;
			pages[i].text = texts[i];
			pages[i].full_name = "NGUYỄN THỊ LIÊN";
			pages[i].id_number = "001085012345";
		}
		if (round % 7 == 6)
			sohoa_index_delete_case(ix, case_number);
		else if (sohoa_index_put_case(ix, case_number, "/b/x.zip",
		                              pages, CRASH_PAGES) != SOHOA_OK)
			_exit(4);
	}
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

static void kill_during_indexing_never_corrupts(void **state)
{
	struct fixture *fx = *state;

	for (int round = 0; round < 6; round++) {
		sohoa_index *ix = NULL;
		long long n = -1;
		int status = 0;
		pid_t pid = fork();

		assert_true(pid >= 0);
		if (pid == 0)
			index_forever(fx->path);
		sleep_ms(60 + 37 * round); /* kill at varying points */
		assert_int_equal(kill(pid, SIGKILL), 0);
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFSIGNALED(status)); /* it was still indexing */

		assert_int_equal(sohoa_index_open(&ix, fx->path), SOHOA_OK);
		if (sohoa_index_check(ix) != SOHOA_OK)
			fail_msg("round %d: %s", round, sohoa_error_last());
		/* every case is whole: its pages come and go together */
		assert_int_equal(sohoa_index_count_pages(&n, ix), SOHOA_OK);
		assert_int_equal((n - (round > 0)) % CRASH_PAGES,
		                 0); /* CASE3 */
		assert_int_equal(sohoa_index_count(&n, ix, "name:lien"),
		                 SOHOA_OK);
		assert_int_equal(n % CRASH_PAGES, 0);
		assert_int_equal(sohoa_index_count(&n, ix, "id:001085012345"),
		                 SOHOA_OK);
		assert_int_equal(n % CRASH_PAGES, 0);
		/* and it still takes writes */
		put_text(ix, CASE3, "sau sự cố");
		assert_int_equal(count_hits(ix, "\"sau su co\""), 1);
		sohoa_index_close(ix);
	}
	assert_int_equal(sohoa_index_check(fx->ix), SOHOA_OK);
}

static void searches_run_while_another_process_indexes(void **state)
{
	struct fixture *fx = *state;
	int status = 0, searches = 0, saw_pages = 0;
	pid_t pid;
	struct timespec t0, t;

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		index_forever(fx->path);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		sohoa_index_hit *hits = NULL;
		size_t n = 0;
		long long c = -1;

		/* never SOHOA_EBUSY: WAL readers do not wait for the writer */
		if (sohoa_index_search(&hits, &n, fx->ix, "nguyen thi lien dat",
		                       20, 0) != SOHOA_OK)
			fail_msg("search: %s", sohoa_error_last());
		sohoa_index_hits_free(hits, n);
		if (sohoa_index_count(&c, fx->ix, "case:000.00.22.H27-2507*") !=
		    SOHOA_OK)
			fail_msg("count: %s", sohoa_error_last());
		assert_int_equal(c % CRASH_PAGES, 0); /* whole cases only */
		saw_pages |= c > 0;
		searches++;
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while ((t.tv_sec - t0.tv_sec) * 1000 +
	             (t.tv_nsec - t0.tv_nsec) / 1000000 <
	         1500);
	assert_int_equal(kill(pid, SIGKILL), 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status)); /* the writer never failed */
	assert_true(saw_pages);
	assert_true(searches > 10);
	assert_int_equal(sohoa_index_check(fx->ix), SOHOA_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	    T(folded_query_finds_upper_case_diacritics),
	    T(d_stroke_is_folded),
	    T(long_token_with_d_stroke_is_folded),
	    T(hit_carries_page_fields),
	    T(nfd_text_is_found_by_nfc_and_folded_queries),
	    T(diacritics_query_ranks_exact_match_first),
	    T(phrase_matches_adjacent_words_only),
	    T(all_words_must_match),
	    T(query_syntax_is_not_passed_to_fts5),
	    T(snippet_marks_words_and_elides),
	    T(marked_snippet_tells_brackets_from_matches),
	    T(put_case_twice_replaces),
	    T(put_case_rejects_bad_input_and_keeps_old_state),
	    T(delete_case_removes_it),
	    T(limit_and_offset_page_through_hits),
	    T(bad_query_is_invalid),
	    T(open_non_sqlite_file_is_invalid),
	    T(open_other_sqlite_database_is_invalid),
	    T(open_newer_schema_is_invalid),
	    T(open_unwritable_place_is_env),
	    T(reopen_keeps_data),
	    T(journal_is_wal),
	    T(search_runs_while_another_connection_writes),
	    T(each_filter_selects_its_pages),
	    T(operators_combine),
	    T(name_finds_qr_and_ocr_near_misses_exact_first),
	    T(count_counts_all_matches),
	    T(syntax_errors_name_the_position),
	    T(kill_during_indexing_never_corrupts),
	    T(searches_run_while_another_process_indexes),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
