/* test_archive_torture.c -- kill -9 during append: a child process appends
 * one page to a case bundle and the parent SIGKILLs it at a random moment
 * within the time an append takes.  After every kill the bundle must
 * verify and hold either the old or the new revision; a temp file left by
 * a killed writer must be gone after the next append.
 * SOHOA_TORTURE_ITERATIONS (default 200) sets the number of kills.
 */
#include "archive/archive.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "config/config.h"

#define CASE "000.00.22.H27-250701-0001"

struct fixture {
	char dir[64];
	char root[128];
	char page[128];
	char bundle[256];
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	unsigned char *b;
	unsigned seed = 7;
	FILE *f;
	size_t i, n = 48 * 1024;

	if (!fx)
		return -1;
	strcpy(fx->dir, "/tmp/sohoa-torture-XXXXXX");
	if (!mkdtemp(fx->dir))
		return -1;
	snprintf(fx->root, sizeof(fx->root), "%s/root", fx->dir);
	snprintf(fx->page, sizeof(fx->page), "%s/page.tif", fx->dir);
	snprintf(fx->bundle, sizeof(fx->bundle), "%s/%s.zip", fx->root, CASE);
	/* incompressible bytes: stored, so the copy costs real I/O */
	if (!(b = malloc(n)) || !(f = fopen(fx->page, "wb")))
		return -1;
	for (i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		b[i] = (unsigned char)(seed >> 16);
	}
	if (fwrite(b, 1, n, f) != n || fclose(f) != 0)
		return -1;
	free(b);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	if (sohoa_fs_remove_tree(fx->dir) != SOHOA_OK)
		return -1;
	free(fx);
	return 0;
}

static int append_page(const struct fixture *fx)
{
	sohoa_archive_page_in p = {0};
	sohoa_archive_component_in c = {0};

	p.image_path = fx->page;
	p.text = "Cộng hòa xã hội chủ nghĩa Việt Nam";
	p.hocr = "<html><body>hocr</body></html>";
	p.source = "scanner:test:0";
	p.dpi = 300;
	p.colour_mode = "gray";
	c.name = "Tờ khai";
	c.kind = "component";
	c.operator_name = "lan";
	c.station = "quay-1";
	c.pages = &p;
	c.npages = 1;
	return sohoa_archive_append(NULL, NULL, fx->root, CASE, &c);
}

/* Temp bundles of the case in the root (".CASE.zip.*"). */
static size_t count_temps(const struct fixture *fx)
{
	DIR *d = opendir(fx->root);
	struct dirent *e;
	size_t n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)))
		if (strncmp(e->d_name, "." CASE ".zip.",
		            strlen("." CASE ".zip.")) == 0)
			n++;
	closedir(d);
	return n;
}

/* Pages in the bundle (one per revision here); 0 when there is none. */
static size_t bundle_pages(const struct fixture *fx)
{
	sohoa_archive_case *c = NULL;
	char *report = NULL;
	size_t n;
	int rc;

	if (access(fx->bundle, F_OK) != 0)
		return 0;
	rc = sohoa_archive_verify(fx->bundle, &report);
	if (rc != SOHOA_OK)
		fail_msg("bundle does not verify after a kill: %s\n%s",
		         sohoa_error_last(), report ? report : "");
	free(report);
	assert_int_equal(sohoa_archive_case_open(&c, fx->bundle), SOHOA_OK);
	n = sohoa_archive_case_npages(c);
	sohoa_archive_case_free(c);
	return n;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* One un-killed append: returns how long it took. */
static double timed_append(const struct fixture *fx)
{
	double t0 = now_s();
	int rc = append_page(fx);

	if (rc != SOHOA_OK)
		fail_msg("append: %s", sohoa_error_last());
	return now_s() - t0;
}

static void kill9_leaves_old_or_new(void **state)
{
	struct fixture *fx = *state;
	const char *env = getenv("SOHOA_TORTURE_ITERATIONS");
	int iterations = env ? atoi(env) : 200;
	size_t pages, kept_old = 0, got_new = 0, temps_seen = 0;
	double span;
	int i;

	srand((unsigned)time(NULL) ^ (unsigned)getpid());
	span = timed_append(fx);
	pages = bundle_pages(fx);
	assert_int_equal(pages, 1);
	for (i = 0; i < iterations; i++) {
		/* anywhere from before the lock to after the rename */
		long us = (long)(span * 1.3e6 * rand() / RAND_MAX);
		pid_t pid = fork();
		int status = 0;
		size_t now;

		assert_true(pid >= 0);
		if (pid == 0)
			_exit(append_page(fx) == SOHOA_OK ? 0 : 1);
		usleep((useconds_t)us);
		kill(pid, SIGKILL);
		assert_int_equal(waitpid(pid, &status, 0), pid);
		if (WIFEXITED(status))
			assert_int_equal(WEXITSTATUS(status), 0);
		now = bundle_pages(fx);
		if (now != pages && now != pages + 1)
			fail_msg("iteration %d: %zu pages, want %zu or %zu", i,
			         now, pages, pages + 1);
		if (now == pages)
			kept_old++;
		else
			got_new++;
		pages = now;
		if (count_temps(fx)) {
			temps_seen++;
			/* the next append (not killed) clears them */
			span = timed_append(fx);
			pages++;
			assert_int_equal(count_temps(fx), 0);
			assert_int_equal(bundle_pages(fx), pages);
		}
		/* keep an append short: start over now and then */
		if (pages >= 20) {
			assert_int_equal(unlink(fx->bundle), 0);
			span = timed_append(fx);
			pages = 1;
		}
	}
	printf("# %d kills: %zu kept the old revision, %zu had the new one, "
	       "%zu left a temp file that the next append removed\n",
	       iterations, kept_old, got_new, temps_seen);
	/* the kills did land inside appends */
	assert_true(kept_old > 0);
	assert_true(got_new > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(kill9_leaves_old_or_new, setup,
	                                    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
