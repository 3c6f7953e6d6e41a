/* test_web_core.c -- web/ without the network: users and their password
 * hashes, and the audit trail's hash chain against every way of tampering
 * with it (edited, removed, added, reordered entries, a cut-off tail).
 * Real files in a throwaway folder; the HTTP side is
 * tests/test_web_security.sh.
 */
#include "web/web_int.h"

#include <jansson.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <setjmp.h>

#include <cmocka.h>

struct fx {
	char dir[64];
	char users[128];
	char audit[128];
	char head[160];
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	strcpy(f->dir, "/tmp/sohoa-web-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->users, sizeof(f->users), "%s/users.json", f->dir);
	snprintf(f->audit, sizeof(f->audit), "%s/audit.log", f->dir);
	snprintf(f->head, sizeof(f->head), "%s/audit.log.head", f->dir);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	sohoa_fs_remove_tree(f->dir);
	free(f);
	return 0;
}

/* ---- roles, hashes ------------------------------------------------------ */

static void roles_round_trip(void **state)
{
	static const char *const names[] = {"front_desk", "archivist", "admin"};

	(void)state;
	for (size_t i = 0; i < 3; i++)
		assert_string_equal(sohoa_role_name(sohoa_role_parse(names[i])),
		                    names[i]);
	assert_int_equal(sohoa_role_parse("root"), SOHOA_ROLE_NONE);
	assert_int_equal(sohoa_role_parse("Admin"), SOHOA_ROLE_NONE);
	assert_int_equal(sohoa_role_parse(NULL), SOHOA_ROLE_NONE);
}

static void user_names(void **state)
{
	(void)state;
	assert_true(sohoa_user_name_valid("lan.nguyen"));
	assert_true(sohoa_user_name_valid("archivist_2"));
	assert_false(sohoa_user_name_valid(""));
	assert_false(sohoa_user_name_valid("../etc"));
	assert_false(sohoa_user_name_valid("a/b"));
	assert_false(sohoa_user_name_valid("-rf"));
	assert_false(sohoa_user_name_valid("Lan Nguyễn"));
	assert_false(sohoa_user_name_valid("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	                                   "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
}

static void password_hash_is_salted_and_checked(void **state)
{
	char *h1 = NULL, *h2 = NULL, *bad;

	(void)state;
	assert_int_equal(sohoa_password_hash(&h1, "mật khẩu dài"), SOHOA_OK);
	assert_int_equal(sohoa_password_hash(&h2, "mật khẩu dài"), SOHOA_OK);
	/* parameters kept with the hash; the salt makes each one differ */
	assert_memory_equal(h1, "scrypt$15$8$1$", 14);
	assert_string_not_equal(h1, h2);
	assert_null(strstr(h1, "mật khẩu"));
	assert_true(sohoa_password_verify(h1, "mật khẩu dài"));
	assert_true(sohoa_password_verify(h2, "mật khẩu dài"));
	assert_false(sohoa_password_verify(h1, "mật khẩu dai"));
	assert_false(sohoa_password_verify(h1, ""));
	/* a flipped digit of the key, a cut hash, garbage: never a match */
	bad = strdup(h1);
	assert_non_null(bad);
	bad[strlen(bad) - 1] = bad[strlen(bad) - 1] == '0' ? '1' : '0';
	assert_false(sohoa_password_verify(bad, "mật khẩu dài"));
	bad[strlen(bad) - 10] = '\0';
	assert_false(sohoa_password_verify(bad, "mật khẩu dài"));
	assert_false(sohoa_password_verify("scrypt$99$8$1$00$00", "x"));
	assert_false(sohoa_password_verify("plain", "plain"));
	assert_false(sohoa_password_verify(NULL, "x"));
	free(bad);
	free(h1);
	free(h2);
}

/* ---- users file ------------------------------------------------------------
 */

static void users_add_check_passwd_del(void **state)
{
	struct fx *f = *state;
	sohoa_users *u = NULL, *other = NULL;
	sohoa_role role;
	json_t *list;
	char *text = NULL;
	size_t len;

	assert_int_equal(sohoa_users_open(&u, f->users, 0), SOHOA_ENOTFOUND);
	assert_non_null(strstr(sohoa_error_last(), "sohoa user add"));
	assert_int_equal(sohoa_users_open(&u, f->users, 1), SOHOA_OK);
	assert_int_equal(
	    sohoa_users_add(u, "lan", SOHOA_ROLE_FRONT_DESK, "quầy-một-2025"),
	    SOHOA_OK);
	assert_int_equal(
	    sohoa_users_add(u, "minh", SOHOA_ROLE_ARCHIVIST, "kho-luu-tru-9"),
	    SOHOA_OK);
	/* refused: a second lan, a bad name, a short password, no role */
	assert_int_equal(
	    sohoa_users_add(u, "lan", SOHOA_ROLE_ADMIN, "another-pass"),
	    SOHOA_EINVALID);
	assert_non_null(strstr(sohoa_error_last(), "exists"));
	assert_int_equal(
	    sohoa_users_add(u, "../x", SOHOA_ROLE_ADMIN, "another-pass"),
	    SOHOA_EINVALID);
	assert_int_equal(sohoa_users_add(u, "hoa", SOHOA_ROLE_ADMIN, "short"),
	                 SOHOA_EINVALID);
	assert_non_null(strstr(sohoa_error_last(), "at least 8"));
	assert_int_equal(
	    sohoa_users_add(u, "hoa", SOHOA_ROLE_NONE, "long-enough-1"),
	    SOHOA_EINVALID);

	assert_int_equal(sohoa_users_check(u, "lan", "quầy-một-2025", &role),
	                 SOHOA_OK);
	assert_int_equal(role, SOHOA_ROLE_FRONT_DESK);
	assert_int_equal(sohoa_users_check(u, "lan", "kho-luu-tru-9", &role),
	                 SOHOA_EINVALID);
	assert_int_equal(role, SOHOA_ROLE_NONE);
	assert_int_equal(sohoa_users_check(u, "nobody", "quầy-một-2025", &role),
	                 SOHOA_EINVALID);
	assert_int_equal(sohoa_users_check(u, "lan", NULL, &role),
	                 SOHOA_EINVALID);

	/* on disk: readable by its owner only; hashes, never the passwords */
	{
		struct stat st;

		assert_int_equal(stat(f->users, &st), 0);
		assert_int_equal(st.st_mode & 0777, 0600);
	}
	assert_int_equal(sohoa_fs_read_all(&text, &len, f->users), SOHOA_OK);
	assert_null(strstr(text, "quầy-một-2025"));
	assert_null(strstr(text, "kho-luu-tru-9"));
	assert_non_null(strstr(text, "scrypt$"));
	free(text);

	/* the list has no hashes */
	list = sohoa_users_list(u);
	assert_int_equal(json_array_size(list), 2);
	assert_string_equal(
	    json_string_value(json_object_get(json_array_get(list, 1), "role")),
	    "archivist");
	assert_null(json_object_get(json_array_get(list, 0), "hash"));
	json_decref(list);

	/* a second handle (sohoad while the CLI edits) sees the changes */
	assert_int_equal(sohoa_users_open(&other, f->users, 0), SOHOA_OK);
	assert_int_equal(sohoa_users_passwd(u, "lan", "mật-khẩu-mới-1"),
	                 SOHOA_OK);
	assert_int_equal(sohoa_users_refresh(other), SOHOA_OK);
	assert_int_equal(
	    sohoa_users_check(other, "lan", "quầy-một-2025", &role),
	    SOHOA_EINVALID);
	assert_int_equal(
	    sohoa_users_check(other, "lan", "mật-khẩu-mới-1", &role), SOHOA_OK);
	assert_int_equal(sohoa_users_passwd(u, "ghost", "whatever-1"),
	                 SOHOA_ENOTFOUND);
	assert_int_equal(sohoa_users_del(u, "minh"), SOHOA_OK);
	assert_int_equal(sohoa_users_del(u, "minh"), SOHOA_ENOTFOUND);
	assert_int_equal(sohoa_users_refresh(other), SOHOA_OK);
	assert_int_equal(sohoa_users_role(other, "minh", &role),
	                 SOHOA_ENOTFOUND);
	assert_int_equal(sohoa_users_role(other, "lan", &role), SOHOA_OK);
	assert_int_equal(role, SOHOA_ROLE_FRONT_DESK);
	sohoa_users_free(other);
	sohoa_users_free(u);
}

/* The stamp a session keeps: the same until the password changes, and
 * seen by a second handle on the file (the CLI changes it). */
static void users_stamp_changes_with_password(void **state)
{
	struct fx *f = *state;
	sohoa_users *u = NULL, *cli = NULL;
	sohoa_role role;
	char s1[SOHOA_USER_STAMP], s2[SOHOA_USER_STAMP], s3[SOHOA_USER_STAMP];

	assert_int_equal(sohoa_users_open(&u, f->users, 1), SOHOA_OK);
	assert_int_equal(
	    sohoa_users_add(u, "minh", SOHOA_ROLE_ARCHIVIST, "kho-luu-tru-9"),
	    SOHOA_OK);
	assert_int_equal(sohoa_users_stamp(u, "minh", &role, s1), SOHOA_OK);
	assert_int_equal(role, SOHOA_ROLE_ARCHIVIST);
	assert_int_equal(strlen(s1), SOHOA_USER_STAMP - 1);
	assert_int_equal(sohoa_users_stamp(u, "minh", &role, s2), SOHOA_OK);
	assert_string_equal(s1, s2);
	assert_int_equal(sohoa_users_stamp(u, "ghost", &role, s3),
	                 SOHOA_ENOTFOUND);
	assert_int_equal(role, SOHOA_ROLE_NONE);
	/* the same password again is a new salt, so a new stamp too */
	assert_int_equal(sohoa_users_open(&cli, f->users, 0), SOHOA_OK);
	assert_int_equal(sohoa_users_passwd(cli, "minh", "kho-luu-tru-9"),
	                 SOHOA_OK);
	sohoa_users_free(cli);
	assert_int_equal(sohoa_users_refresh(u), SOHOA_OK);
	assert_int_equal(sohoa_users_stamp(u, "minh", &role, s3), SOHOA_OK);
	assert_string_not_equal(s1, s3);
	sohoa_users_free(u);
}

static void users_file_damaged(void **state)
{
	struct fx *f = *state;
	sohoa_users *u = NULL;

	assert_int_equal(sohoa_fs_write_atomic(f->users, "{\"users\": [", 11),
	                 SOHOA_OK);
	assert_int_equal(sohoa_users_open(&u, f->users, 1), SOHOA_EINVALID);
	assert_non_null(strstr(sohoa_error_last(), f->users));
	assert_null(u);
}

/* ---- audit trail ----------------------------------------------------------
 */

static void log_entries(const char *path, int n)
{
	sohoa_audit *a = NULL;

	assert_int_equal(sohoa_audit_open(&a, path), SOHOA_OK);
	for (int i = 0; i < n; i++) {
		char detail[64];

		snprintf(detail, sizeof(detail), "trang %d", i + 1);
		assert_int_equal(sohoa_audit_log(a, i % 2 ? "lan" : "minh",
		                                 i % 3 ? "page_view" : "login",
		                                 "000.00.22.H27-250701-0001",
		                                 detail),
		                 SOHOA_OK);
	}
	sohoa_audit_free(a);
}

/* The lines of the log (a NULL-terminated array of owned strings). */
static char **read_lines(const char *path, size_t *n)
{
	char *text = NULL, **lines = NULL, *save = NULL;
	size_t len;

	*n = 0;
	assert_int_equal(sohoa_fs_read_all(&text, &len, path), SOHOA_OK);
	for (char *l = strtok_r(text, "\n", &save); l;
	     l = strtok_r(NULL, "\n", &save)) {
		lines = realloc(lines, (*n + 2) * sizeof(*lines));
		assert_non_null(lines);
		lines[(*n)++] = strdup(l);
		lines[*n] = NULL;
	}
	free(text);
	return lines;
}

static void write_lines(const char *path, char **lines, size_t n)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	for (size_t i = 0; i < n; i++)
		if (lines[i])
			fprintf(fp, "%s\n", lines[i]);
	fclose(fp);
}

static void free_lines(char **lines, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
}

static void assert_verify_fails(const char *path, const char *needle)
{
	size_t n = 99;

	assert_int_equal(sohoa_audit_verify(path, &n), SOHOA_EINVALID);
	assert_int_equal(n, 0);
	if (!strstr(sohoa_error_last(), needle))
		fail_msg("'%s' does not say '%s'", sohoa_error_last(), needle);
}

static void audit_chain_verifies(void **state)
{
	struct fx *f = *state;
	size_t n = 0, nl;
	char **lines;
	json_t *e1, *e2;

	log_entries(f->audit, 6);
	assert_int_equal(sohoa_audit_verify(f->audit, &n), SOHOA_OK);
	assert_int_equal(n, 6);
	/* the entries say what was logged and link up */
	lines = read_lines(f->audit, &nl);
	assert_int_equal(nl, 6);
	e1 = json_loads(lines[0], 0, NULL);
	e2 = json_loads(lines[1], 0, NULL);
	assert_non_null(e1);
	assert_non_null(e2);
	assert_int_equal(json_integer_value(json_object_get(e1, "seq")), 1);
	assert_string_equal(json_string_value(json_object_get(e1, "user")),
	                    "minh");
	assert_string_equal(json_string_value(json_object_get(e1, "action")),
	                    "login");
	assert_string_equal(json_string_value(json_object_get(e2, "detail")),
	                    "trang 2");
	assert_string_equal(json_string_value(json_object_get(e2, "prev")),
	                    json_string_value(json_object_get(e1, "hash")));
	json_decref(e1);
	json_decref(e2);
	free_lines(lines, nl);
	/* a second writer (the CLI beside sohoad) carries the chain on */
	log_entries(f->audit, 2);
	assert_int_equal(sohoa_audit_verify(f->audit, &n), SOHOA_OK);
	assert_int_equal(n, 8);
}

static void audit_edited_entry(void **state)
{
	struct fx *f = *state;
	size_t nl;
	char **lines, *p;

	log_entries(f->audit, 5);
	lines = read_lines(f->audit, &nl);
	/* "trang 3" -> "trang 9" in entry 3: same shape, other content */
	assert_non_null(p = strstr(lines[2], "trang 3"));
	p[6] = '9';
	write_lines(f->audit, lines, nl);
	free_lines(lines, nl);
	assert_verify_fails(f->audit, "audit.log:3: the entry was changed");
}

static void audit_edited_entry_rehashed(void **state)
{
	struct fx *f = *state;
	size_t nl;
	char **lines, *p;

	/* an edit that also fixes its own hash still breaks the next link */
	log_entries(f->audit, 4);
	lines = read_lines(f->audit, &nl);
	{
		json_t *e = json_loads(lines[1], 0, NULL);
		char *canon, want[65];
		unsigned char md[32];
		unsigned int mdlen;
		EVP_MD_CTX *ctx;

		assert_non_null(e);
		json_object_set_new(e, "user", json_string("someone-else"));
		json_object_del(e, "hash");
		canon = json_dumps(e, JSON_COMPACT | JSON_SORT_KEYS);
		ctx = EVP_MD_CTX_new();
		EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
		p = (char *)json_string_value(json_object_get(e, "prev"));
		EVP_DigestUpdate(ctx, p, strlen(p));
		EVP_DigestUpdate(ctx, canon, strlen(canon));
		EVP_DigestFinal_ex(ctx, md, &mdlen);
		EVP_MD_CTX_free(ctx);
		for (int i = 0; i < 32; i++)
			snprintf(want + 2 * i, 3, "%02x", md[i]);
		json_object_set_new(e, "hash", json_string(want));
		free(canon);
		free(lines[1]);
		lines[1] = json_dumps(e, JSON_COMPACT | JSON_PRESERVE_ORDER);
		json_decref(e);
	}
	write_lines(f->audit, lines, nl);
	free_lines(lines, nl);
	assert_verify_fails(f->audit, "audit.log:3: does not follow");
}

static void audit_removed_entry(void **state)
{
	struct fx *f = *state;
	size_t nl;
	char **lines;

	log_entries(f->audit, 5);
	lines = read_lines(f->audit, &nl);
	free(lines[1]);
	lines[1] = NULL;
	write_lines(f->audit, lines, nl);
	free_lines(lines, nl);
	assert_verify_fails(f->audit, "audit.log:2: entry number 3");
}

static void audit_reordered_entries(void **state)
{
	struct fx *f = *state;
	size_t nl;
	char **lines, *t;

	log_entries(f->audit, 5);
	lines = read_lines(f->audit, &nl);
	t = lines[2];
	lines[2] = lines[3];
	lines[3] = t;
	write_lines(f->audit, lines, nl);
	free_lines(lines, nl);
	assert_verify_fails(f->audit, "audit.log:3:");
}

static void audit_removed_tail(void **state)
{
	struct fx *f = *state;
	size_t nl;
	char **lines;

	/* the chain of the rest is intact: only the head file shows it */
	log_entries(f->audit, 5);
	lines = read_lines(f->audit, &nl);
	write_lines(f->audit, lines, nl - 2);
	free_lines(lines, nl);
	assert_verify_fails(f->audit, "the last 2 entries were removed");
	/* ... and removing the head file too is no way out */
	assert_int_equal(unlink(f->head), 0);
	assert_verify_fails(f->audit, "head file");
}

static void audit_replaced_tail(void **state)
{
	struct fx *f = *state;
	size_t nl;
	char **lines;

	/* cut the last entry and log a new one in its place: same count */
	log_entries(f->audit, 3);
	lines = read_lines(f->audit, &nl);
	{
		char *head = NULL;
		size_t len;

		assert_int_equal(sohoa_fs_read_all(&head, &len, f->head),
		                 SOHOA_OK);
		write_lines(f->audit, lines, nl - 1);
		/* a crash between an entry and its head: still fine */
		assert_int_equal(unlink(f->head), 0);
		log_entries(f->audit, 1);
		assert_int_equal(sohoa_fs_write_atomic(f->head, head, len),
		                 SOHOA_OK);
		free(head);
	}
	free_lines(lines, nl);
	assert_verify_fails(f->audit, "the last entry differs");
}

static void audit_torn_line_is_cut(void **state)
{
	struct fx *f = *state;
	size_t n = 0;
	FILE *fp;

	log_entries(f->audit, 2);
	/* a crash in the middle of writing entry 3 */
	fp = fopen(f->audit, "a");
	assert_non_null(fp);
	fputs("{\"seq\":3,\"time\":\"2026-", fp);
	fclose(fp);
	assert_int_equal(sohoa_audit_verify(f->audit, &n), SOHOA_EINVALID);
	assert_non_null(strstr(sohoa_error_last(), "audit.log:3: unfinished"));
	/* the next writer cuts it off and carries on */
	log_entries(f->audit, 1);
	assert_int_equal(sohoa_audit_verify(f->audit, &n), SOHOA_OK);
	assert_int_equal(n, 3);
}

static void audit_odd_text(void **state)
{
	struct fx *f = *state;
	sohoa_audit *a = NULL;
	size_t n = 0, nl;
	char **lines, big[5000];

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(sohoa_audit_open(&a, f->audit), SOHOA_OK);
	/* newlines cannot split an entry; Vietnamese stays as it is */
	assert_int_equal(sohoa_audit_log(a, "lan\nfake", "field_correct", "",
	                                 "Họ tên: Nguyễn Thị Đào\r\nx"),
	                 SOHOA_OK);
	assert_int_equal(sohoa_audit_log(a, NULL, "login_failed", NULL, big),
	                 SOHOA_OK);
	assert_int_equal(sohoa_audit_log(a, "lan", "", "", NULL),
	                 SOHOA_EINVALID);
	sohoa_audit_free(a);
	assert_int_equal(sohoa_audit_verify(f->audit, &n), SOHOA_OK);
	assert_int_equal(n, 2);
	lines = read_lines(f->audit, &nl);
	assert_int_equal(nl, 2);
	assert_non_null(strstr(lines[0], "Nguyễn Thị Đào"));
	assert_non_null(strstr(lines[1], "\"user\":\"-\""));
	assert_true(strlen(lines[1]) < 2500);
	free_lines(lines, nl);
}

struct writer {
	sohoa_audit *a;
	int id;
};

static void *write_many(void *p)
{
	struct writer *w = p;

	for (int i = 0; i < 20; i++) {
		char detail[32];

		snprintf(detail, sizeof(detail), "t%d-%d", w->id, i);
		if (sohoa_audit_log(w->a, "lan", "page_view", "", detail) !=
		    SOHOA_OK)
			return (void *)1;
	}
	return NULL;
}

static void audit_threads(void **state)
{
	struct fx *f = *state;
	sohoa_audit *a = NULL;
	pthread_t t[4];
	struct writer w[4];
	size_t n = 0;

	assert_int_equal(sohoa_audit_open(&a, f->audit), SOHOA_OK);
	for (int i = 0; i < 4; i++) {
		w[i] = (struct writer){a, i};
		assert_int_equal(pthread_create(&t[i], NULL, write_many, &w[i]),
		                 0);
	}
	for (int i = 0; i < 4; i++) {
		void *r;

		pthread_join(t[i], &r);
		assert_null(r);
	}
	sohoa_audit_free(a);
	assert_int_equal(sohoa_audit_verify(f->audit, &n), SOHOA_OK);
	assert_int_equal(n, 80);
}

static void audit_missing_log(void **state)
{
	struct fx *f = *state;

	assert_int_equal(sohoa_audit_verify(f->audit, NULL), SOHOA_ENOTFOUND);
	assert_non_null(strstr(sohoa_error_last(), f->audit));
}

/* ---- login rate limit ---------------------------------------------------- */

/* A full table and a flood of new names: the locked-out name stays (it
 * was the oldest entry, and the oldest used to be replaced), entries
 * whose window is over go first, then the ones with fewest failures. */
static void rate_limit_keeps_locked_names(void **state)
{
	enum { N = 64 };
	struct sohoa_failure *f = calloc(N, sizeof(*f));
	double now = 1000.0, window = 300.0;
	size_t v;

	(void)state;
	assert_non_null(f);
	snprintf(f[0].key, sizeof(f[0].key), "u:minh");
	f[0].count = 5; /* locked out, the oldest entry */
	f[0].first = now - 200;
	for (size_t i = 1; i < N; i++) {
		snprintf(f[i].key, sizeof(f[i].key), "u:flood-%zu", i);
		f[i].count = 1 + (int)(i % 3 == 0);
		f[i].first = now - 100 + (double)i;
	}
	v = sohoa_failure_victim(f, N, now, window);
	assert_int_not_equal(v, 0);
	assert_int_equal(f[v].count, 1);
	assert_string_equal(f[v].key, "u:flood-1"); /* oldest of the fewest */
	/* every flood entry at the limit too: then the oldest goes */
	for (size_t i = 1; i < N; i++)
		f[i].count = 5;
	assert_int_equal(sohoa_failure_victim(f, N, now, window), 0);
	/* an entry whose window is over goes before any other */
	f[N - 7].first = now - window - 1;
	assert_int_equal(sohoa_failure_victim(f, N, now, window), N - 7);
	free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(roles_round_trip),
	    cmocka_unit_test(user_names),
	    cmocka_unit_test(password_hash_is_salted_and_checked),
	    cmocka_unit_test_setup_teardown(users_add_check_passwd_del, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(users_stamp_changes_with_password,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(users_file_damaged, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(audit_chain_verifies, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(audit_edited_entry, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(audit_edited_entry_rehashed, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(audit_removed_entry, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(audit_reordered_entries, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(audit_removed_tail, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(audit_replaced_tail, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(audit_torn_line_is_cut, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(audit_odd_text, setup, teardown),
	    cmocka_unit_test_setup_teardown(audit_threads, setup, teardown),
	    cmocka_unit_test_setup_teardown(audit_missing_log, setup, teardown),
	    cmocka_unit_test(rate_limit_keeps_locked_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
