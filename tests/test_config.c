/* test_config.c -- configuration, case numbers, text folding, atomic
 * files and error codes.
 */
#include "config/config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct fixture {
	char dir[64];
	char old_cwd[4096];
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	strcpy(fx->dir, "/tmp/sohoa-test-config-XXXXXX");
	if (!mkdtemp(fx->dir) || !getcwd(fx->old_cwd, sizeof(fx->old_cwd)))
		return -1;
	if (chdir(fx->dir) != 0)
		return -1;
	unsetenv("SOHOA_CONFIG");
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	if (chdir(fx->old_cwd) != 0)
		return -1;
	sohoa_fs_remove_tree(fx->dir);
	free(fx);
	return 0;
}

static char *write_conf(struct fixture *fx, const char *name, const char *text)
{
	char *path = NULL;
	FILE *f;

	assert_int_equal(sohoa_asprintf(&path, "%s/%s", fx->dir, name), 0);
	assert_non_null(f = fopen(path, "w"));
	fputs(text, f);
	fclose(f);
	return path;
}

/* the problem list holds a line containing both needles */
static int has_problem(const sohoa_config *cfg, const char *a, const char *b)
{
	for (size_t i = 0; i < sohoa_config_problem_count(cfg); i++) {
		const char *p = sohoa_config_problem(cfg, i);

		if (strstr(p, a) && (!b || strstr(p, b)))
			return 1;
	}
	return 0;
}

static void defaults_work_without_a_file(void **state)
{
	struct fixture *fx = *state;
	sohoa_config *cfg = NULL;
	const char *key, *value, *origin;
	char expect[256];

	assert_int_equal(sohoa_config_load(&cfg, NULL), SOHOA_OK);
	assert_null(sohoa_config_file(cfg));
	snprintf(expect, sizeof(expect), "%s/sohoa-data/archive", fx->dir);
	assert_string_equal(sohoa_config_get(cfg, "archive.root"), expect);
	assert_string_equal(sohoa_config_get(cfg, "ocr.languages"), "vie+eng");
	assert_int_equal(sohoa_config_get_int(cfg, "scanner.resolution"), 300);
	assert_false(sohoa_config_get_bool(cfg, "scanner.duplex"));
	assert_true(sohoa_config_entry(cfg, 0, &key, &value, &origin));
	assert_string_equal(origin, "default");
	sohoa_config_free(cfg);
}

static void file_values_carry_their_line(void **state)
{
	struct fixture *fx = *state;
	sohoa_config *cfg = NULL;
	const char *key, *value, *origin;
	char *path = write_conf(fx, "a.conf",
	                        "; station settings\n"
	                        "[station]\n"
	                        "name = Xã Thạch Hà\n"
	                        "operator = lan\n"
	                        "\n"
	                        "[scanner]\n"
	                        "resolution = 200\n"
	                        "duplex = yes\n"
	                        "[archive]\n"
	                        "root = data/archive\n"
	                        "[server]\n"
	                        "listen = 127.0.0.1:9090\n");
	char expect[256];

	assert_int_equal(sohoa_config_load(&cfg, path), SOHOA_OK);
	assert_string_equal(sohoa_config_file(cfg), path);
	assert_string_equal(sohoa_config_get(cfg, "station.name"),
	                    "Xã Thạch Hà");
	assert_int_equal(sohoa_config_get_int(cfg, "scanner.resolution"), 200);
	assert_true(sohoa_config_get_bool(cfg, "scanner.duplex"));
	/* relative paths are relative to the file's folder */
	snprintf(expect, sizeof(expect), "%s/data/archive", fx->dir);
	assert_string_equal(sohoa_config_get(cfg, "archive.root"), expect);
	for (size_t i = 0; sohoa_config_entry(cfg, i, &key, &value, &origin);
	     i++) {
		if (strcmp(key, "scanner.resolution") == 0) {
			char want[300];

			snprintf(want, sizeof(want), "%s:7", path);
			assert_string_equal(origin, want);
		}
	}
	sohoa_config_free(cfg);
	free(path);
}

static void every_problem_is_reported_with_its_line(void **state)
{
	struct fixture *fx = *state;
	sohoa_config *cfg = NULL;
	char *path = write_conf(fx, "bad.conf",
	                        "[station]\n"           /* 1 */
	                        "nmae = typo\n"         /* 2 */
	                        "[scaner]\n"            /* 3 */
	                        "x = 1\n"               /* 4 */
	                        "[scanner]\n"           /* 5 */
	                        "resolution = lots\n"   /* 6 */
	                        "mode = sepia\n"        /* 7 */
	                        "duplex = maybe\n"      /* 8 */
	                        "this line is broken\n" /* 9 */
	                        "[server]\n"            /* 10 */
	                        "listen = localhost\n"  /* 11 */
	                        "[ocr]\n"               /* 12 */
	                        "languages = vie eng\n" /* 13 */
	                        "[index]\n"             /* 14 */
	                        "path = bad.conf/x.db\n");
	char l[300];

	assert_int_equal(sohoa_config_read(&cfg, path), SOHOA_OK);
#define AT(n) (snprintf(l, sizeof(l), "%s:%d:", path, n), l)
	assert_true(has_problem(cfg, AT(2), "unknown key 'nmae'"));
	assert_true(has_problem(cfg, AT(3), "unknown section [scaner]"));
	assert_true(has_problem(cfg, AT(6), "whole number"));
	assert_true(has_problem(cfg, AT(7), "color|gray|lineart"));
	assert_true(has_problem(cfg, AT(8), "true or false"));
	assert_true(has_problem(cfg, AT(9), "key = value"));
	assert_true(has_problem(cfg, AT(11), "ADDRESS:PORT"));
	assert_true(has_problem(cfg, AT(13), "vie+eng"));
	assert_true(has_problem(cfg, "index.path", "not a folder"));
#undef AT
	assert_int_equal(sohoa_config_problem_count(cfg), 9);
	sohoa_config_free(cfg);

	/* load refuses the same file, naming a problem and the count */
	assert_int_equal(sohoa_config_load(&cfg, path), SOHOA_EINVALID);
	assert_null(cfg);
	assert_non_null(strstr(sohoa_error_last(), "9 problems"));
	assert_non_null(strstr(sohoa_error_last(), "sohoa config check"));
	free(path);
}

static void unwritable_directory_is_a_problem(void **state)
{
	struct fixture *fx = *state;
	sohoa_config *cfg = NULL;
	char *path;

	/* a folder below a regular file can never be created */
	free(write_conf(fx, "plainfile", "x"));
	path = write_conf(fx, "dir.conf", "[archive]\nroot = plainfile/sub\n");
	assert_int_equal(sohoa_config_read(&cfg, path), SOHOA_OK);
	assert_true(has_problem(cfg, "archive.root", "not a folder"));
	sohoa_config_free(cfg);
	free(path);
}

static void missing_named_file_is_not_found(void **state)
{
	sohoa_config *cfg = (sohoa_config *)state; /* must be reset */

	assert_int_equal(sohoa_config_read(&cfg, "/nonexistent/sohoa.conf"),
	                 SOHOA_ENOTFOUND);
	assert_null(cfg);
	assert_non_null(strstr(sohoa_error_last(), "/nonexistent/sohoa.conf"));
}

static void environment_variable_names_the_file(void **state)
{
	struct fixture *fx = *state;
	sohoa_config *cfg = NULL;
	char *path = write_conf(fx, "env.conf", "[station]\nname = env\n");

	setenv("SOHOA_CONFIG", path, 1);
	assert_int_equal(sohoa_config_load(&cfg, NULL), SOHOA_OK);
	assert_string_equal(sohoa_config_get(cfg, "station.name"), "env");
	sohoa_config_free(cfg);
	/* --config wins over the environment */
	free(path);
	path = write_conf(fx, "flag.conf", "[station]\nname = flag\n");
	assert_int_equal(sohoa_config_load(&cfg, path), SOHOA_OK);
	assert_string_equal(sohoa_config_get(cfg, "station.name"), "flag");
	sohoa_config_free(cfg);
	unsetenv("SOHOA_CONFIG");
	free(path);
}

static void set_validates_like_a_file(void **state)
{
	sohoa_config *cfg = NULL;

	(void)state;
	assert_int_equal(sohoa_config_load(&cfg, NULL), SOHOA_OK);
	assert_int_equal(sohoa_config_set(cfg, "scanner.mode", "color", NULL),
	                 SOHOA_OK);
	assert_string_equal(sohoa_config_get(cfg, "scanner.mode"), "color");
	assert_int_equal(sohoa_config_set(cfg, "scanner.mode", "sepia", NULL),
	                 SOHOA_EINVALID);
	assert_non_null(strstr(sohoa_error_last(), "color|gray|lineart"));
	assert_string_equal(sohoa_config_get(cfg, "scanner.mode"), "color");
	assert_int_equal(sohoa_config_set(cfg, "scanner.nope", "1", NULL),
	                 SOHOA_ENOTFOUND);
	sohoa_config_free(cfg);
}

static void case_numbers_follow_the_domain_shape(void **state)
{
	char norm[SOHOA_CASE_MAX], date[11];
	static const char *const good[] = {
	    "000.00.22.H27-250701-0001", "H15.50.05.13-261008-0975",
	    "H27.151-251008-090123", "H29-240229-1234"};
	static const char *const bad[] = {"",
	                                  "000.00.22.H27",
	                                  "000.00.22.H27-250701-001",
	                                  "000.00.22.H27-250231-0001",
	                                  "000.00.22.H27-251301-0001",
	                                  "000..22.H27-250701-0001",
	                                  "000.00.22.H27-2507-0001",
	                                  "H27_151-251008-0901",
	                                  "-250701-0001",
	                                  "H29-230229-1234",
	                                  "A.B.C.D.E.F.G.H-250701-0001",
	                                  "ABCDEFGHIJK-250701-0001",
	                                  "000.00.22.H27-250701-00A1"};

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		assert_int_equal(sohoa_case_normalize(norm, good[i]), SOHOA_OK);
		assert_string_equal(norm, good[i]);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(sohoa_case_normalize(norm, bad[i]),
		                 SOHOA_EINVALID);
		assert_string_equal(norm, "");
		assert_non_null(strstr(sohoa_error_last(), "expected"));
		assert_non_null(strstr(sohoa_error_last(), "YYMMDD"));
		/* the same verdict without the error state, reason included */
		const char *why = sohoa_case_problem(norm, bad[i]);
		assert_non_null(why);
		assert_non_null(strstr(sohoa_error_last(), why));
	}
	assert_null(sohoa_case_problem(norm, good[0]));
	assert_string_equal(
	    sohoa_case_problem(norm, "000.00.22.H27-250231-0001"),
	    "receipt date is not a real date");
	/* typed with spaces and lower case: normalized */
	assert_int_equal(sohoa_case_normalize(norm, "  h27.151-251008-090123 "),
	                 SOHOA_OK);
	assert_string_equal(norm, "H27.151-251008-090123");
	assert_int_equal(sohoa_case_receipt_date(date, norm), SOHOA_OK);
	assert_string_equal(date, "2025-10-08");
}

static void text_is_normalized_and_folded(void **state)
{
	char *out = NULL;
	/* "Liên" with e + U+0302 (circumflex) composed from NFD */
	const char *nfd = "Li\x65\xcc\x82n";

	(void)state;
	assert_int_equal(sohoa_text_nfc(&out, nfd), SOHOA_OK);
	assert_string_equal(out, "Liên");
	free(out);
	assert_int_equal(sohoa_text_fold(&out, "NGUYỄN Thị Đào đất"), SOHOA_OK);
	assert_string_equal(out, "nguyen thi dao dat");
	free(out);
	assert_int_equal(sohoa_text_fold(&out, nfd), SOHOA_OK);
	assert_string_equal(out, "lien");
	free(out);
	assert_int_equal(sohoa_text_slug(&out, "Tờ khai (bản chính)"),
	                 SOHOA_OK);
	assert_string_equal(out, "to-khai-ban-chinh");
	free(out);
	assert_int_equal(sohoa_text_slug(&out, "???"), SOHOA_OK);
	assert_string_equal(out, "x");
	free(out);
	out = (char *)state;
	assert_int_equal(sohoa_text_nfc(&out, "bad \xff utf8"), SOHOA_EINVALID);
	assert_null(out);
}

static void atomic_write_replaces_whole_files(void **state)
{
	struct fixture *fx = *state;
	char *path = NULL, *data = NULL, *dir = NULL;
	size_t len;

	assert_int_equal(sohoa_asprintf(&dir, "%s/a/b/c", fx->dir), 0);
	assert_int_equal(sohoa_fs_mkdirs(dir), SOHOA_OK);
	assert_int_equal(sohoa_fs_mkdirs(dir), SOHOA_OK); /* idempotent */
	assert_int_equal(sohoa_asprintf(&path, "%s/f.txt", dir), 0);
	assert_int_equal(sohoa_fs_write_atomic(path, "old", 3), SOHOA_OK);
	assert_int_equal(sohoa_fs_write_atomic(path, "new!", 4), SOHOA_OK);
	assert_int_equal(sohoa_fs_read_all(&data, &len, path), SOHOA_OK);
	assert_int_equal(len, 4);
	assert_string_equal(data, "new!");
	free(data);
	/* no temp file is left beside it */
	free(path);
	assert_int_equal(
	    sohoa_asprintf(&path, "%s/f.txt.tmp.%ld", dir, (long)getpid()), 0);
	assert_int_not_equal(access(path, F_OK), 0);
	/* a folder under a regular file cannot be made: environment */
	free(path);
	assert_int_equal(sohoa_asprintf(&path, "%s/f.txt/sub", dir), 0);
	assert_int_equal(sohoa_fs_mkdirs(path), SOHOA_EENV);
	assert_int_equal(sohoa_fs_check_writable(path), SOHOA_EENV);
	assert_int_equal(sohoa_fs_check_writable(fx->dir), SOHOA_OK);
	assert_int_equal(sohoa_fs_remove_tree(dir), SOHOA_OK);
	assert_int_not_equal(access(dir, F_OK), 0);
	free(path);
	free(dir);
}

/* A message may wrap the last one (the archive does, "new bundle failed
 * verification: %s"); formatting must not read what it is writing. */
static void error_message_may_wrap_the_last_one(void **state)
{
	(void)state;
	sohoa_error_set(SOHOA_EINVALID, "signature.p7s: %s", "does not match");
	sohoa_error_set(SOHOA_EIO, "new bundle failed verification: %s",
	                sohoa_error_last());
	assert_string_equal(sohoa_error_last(),
	                    "new bundle failed verification: "
	                    "signature.p7s: does not match");
}

static void error_codes_map_to_exit_codes(void **state)
{
	(void)state;
	assert_int_equal(sohoa_error_exit_code(SOHOA_OK), 0);
	assert_int_equal(sohoa_error_exit_code(SOHOA_EINVALID), 1);
	assert_int_equal(sohoa_error_exit_code(SOHOA_ENOTFOUND), 1);
	assert_int_equal(sohoa_error_exit_code(SOHOA_EENV), 3);
	assert_int_equal(sohoa_error_set(SOHOA_EIO, "disk %s", "x"), SOHOA_EIO);
	assert_string_equal(sohoa_error_last(), "disk x");
	/* wrapping the last message in more context is safe */
	sohoa_error_set(SOHOA_EIO, "case %s: %s", "A", sohoa_error_last());
	assert_string_equal(sohoa_error_last(), "case A: disk x");
	assert_int_equal(sohoa_log_level_parse("debug"), SOHOA_LOG_DEBUG);
	assert_int_equal(sohoa_log_level_parse("loud"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(defaults_work_without_a_file, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(file_values_carry_their_line, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(
	        every_problem_is_reported_with_its_line, setup, teardown),
	    cmocka_unit_test_setup_teardown(unwritable_directory_is_a_problem,
	                                    setup, teardown),
	    cmocka_unit_test(missing_named_file_is_not_found),
	    cmocka_unit_test_setup_teardown(environment_variable_names_the_file,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(set_validates_like_a_file, setup,
	                                    teardown),
	    cmocka_unit_test(case_numbers_follow_the_domain_shape),
	    cmocka_unit_test(text_is_normalized_and_folded),
	    cmocka_unit_test_setup_teardown(atomic_write_replaces_whole_files,
	                                    setup, teardown),
	    cmocka_unit_test(error_codes_map_to_exit_codes),
	    cmocka_unit_test(error_message_may_wrap_the_last_one),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
