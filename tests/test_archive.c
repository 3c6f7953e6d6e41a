/* test_archive.c -- case bundles: create, read back, append, BagIt
 * conformance (checked by unzip + coreutils too), corruption detection,
 * locking, refused input and an unwritable root.  Page files are small
 * byte blobs written into a mkdtemp() folder.
 */
#include "archive/archive.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>
#include <leptonica/allheaders.h>
#include <tiffio.h>
#include <zip.h>

#include "config/config.h"

#define CASE        "000.00.22.H27-250701-0001"
#define BAGIT_CHECK SOHOA_TEST_DATA "/../bagit_check.sh"

struct fixture {
	char dir[64];   /* mkdtemp */
	char root[128]; /* dir/root: the archive root */
	char in[128];   /* dir/in: page files */
	char bundle[256];
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	if (!fx)
		return -1;
	strcpy(fx->dir, "/tmp/sohoa-archive-XXXXXX");
	if (!mkdtemp(fx->dir))
		return -1;
	snprintf(fx->root, sizeof(fx->root), "%s/root", fx->dir);
	snprintf(fx->in, sizeof(fx->in), "%s/in", fx->dir);
	snprintf(fx->bundle, sizeof(fx->bundle), "%s/%s.zip", fx->root, CASE);
	if (mkdir(fx->in, 0755) != 0)
		return -1;
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	char cmd[200];

	snprintf(cmd, sizeof(cmd), "chmod -R u+rwx %s && rm -rf %s", fx->dir,
	         fx->dir);
	if (system(cmd) != 0)
		return -1;
	free(fx);
	return 0;
}

/* ---- helpers ----------------------------------------------------------- */

static void write_bytes(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(p, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
}

static char *slurp(const char *path, size_t *len)
{
	char *p = NULL;
	size_t n = 0;

	if (sohoa_fs_read_all(&p, &n, path) != SOHOA_OK)
		return NULL;
	if (len)
		*len = n;
	return p;
}

/* A page file of `n` pseudo-random bytes seeded by `seed`. */
static void make_blob(char *path, size_t cap, const struct fixture *fx,
                      const char *name, unsigned seed, size_t n)
{
	unsigned char *b = malloc(n);
	size_t i;

	assert_non_null(b);
	for (i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		b[i] = (unsigned char)(seed >> 16);
	}
	snprintf(path, cap, "%s/%s", fx->in, name);
	write_bytes(path, b, n);
	free(b);
}

struct batch {
	char paths[4][256];
	char texts[4][64];
	sohoa_archive_page_in pages[4];
	sohoa_archive_component_in comp;
};

/* A component of `n` pages (first .png, then .tif, .jpg, .pnm). */
static void make_batch(struct batch *b, const struct fixture *fx,
                       const char *name, const char *kind, size_t n,
                       unsigned seed)
{
	static const char *const ext[] = {"png", "tif", "jpg", "pnm"};
	size_t i;

	memset(b, 0, sizeof(*b));
	for (i = 0; i < n; i++) {
		char fname[64];

		snprintf(fname, sizeof(fname), "s%u-p%zu.%s", seed, i, ext[i]);
		make_blob(b->paths[i], sizeof(b->paths[i]), fx, fname,
		          seed * 10 + (unsigned)i, 3000 + 700 * i);
		snprintf(b->texts[i], sizeof(b->texts[i]),
		         "Cộng hòa xã hội chủ nghĩa %u/%zu", seed, i + 1);
		b->pages[i].image_path = b->paths[i];
		b->pages[i].text = b->texts[i];
		b->pages[i].hocr =
		    i == 0 ? "<html><body>hocr</body></html>" : NULL;
		b->pages[i].analysis_json =
		    i == 0 ? "{\"document_type\": \"application_form\", "
		             "\"blank\": false, \"skew_deg\": 0.4}"
		           : NULL;
		b->pages[i].source = "scanner:test:0";
		b->pages[i].source_sha256 = NULL;
		b->pages[i].source_options = "--resolution 300";
		b->pages[i].capture_time = "2025-07-01T08:00:00Z";
		b->pages[i].dpi = 300;
		b->pages[i].colour_mode = "gray";
	}
	b->comp.name = name;
	b->comp.kind = kind;
	b->comp.operator_name = "Nguyễn Thị Đào";
	b->comp.station = "quay-1";
	b->comp.procedure_code = "1.001234";
	b->comp.pages = b->pages;
	b->comp.npages = n;
}

static void append_ok(const struct fixture *fx, const struct batch *b,
                      int want_created)
{
	char *path = NULL;
	int created = -1;
	int rc =
	    sohoa_archive_append(&path, &created, fx->root, CASE, &b->comp);

	if (rc != SOHOA_OK)
		fail_msg("append: %d %s", rc, sohoa_error_last());
	assert_string_equal(path, fx->bundle);
	assert_int_equal(created, want_created);
	free(path);
}

static void assert_verifies(const char *bundle)
{
	char *report = NULL;
	int rc = sohoa_archive_verify(bundle, &report);

	if (rc != SOHOA_OK)
		fail_msg("verify: %s\n%s", sohoa_error_last(),
		         report ? report : "");
	assert_string_equal(report, "");
	free(report);
}

/* Verify must fail and the report must contain `needle`. */
static void assert_finding(const char *bundle, const char *needle)
{
	char *report = NULL;
	int rc = sohoa_archive_verify(bundle, &report);

	assert_int_equal(rc, SOHOA_EINVALID);
	assert_non_null(report);
	if (!strstr(report, needle))
		fail_msg("report lacks \"%s\":\n%s", needle, report);
	free(report);
}

static size_t count_dir(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	size_t n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

/* Content of a zip entry, or NULL. */
static char *zip_entry(const char *bundle, const char *name, size_t *len)
{
	zip_t *za = zip_open(bundle, ZIP_RDONLY, NULL);
	zip_stat_t st;
	zip_file_t *zf;
	char *buf = NULL;

	assert_non_null(za);
	if (zip_stat(za, name, 0, &st) == 0 && (zf = zip_fopen(za, name, 0))) {
		buf = calloc(1, st.size + 1);
		assert_non_null(buf);
		assert_int_equal(zip_fread(zf, buf, st.size),
		                 (zip_int64_t)st.size);
		zip_fclose(zf);
		*len = st.size;
	}
	zip_discard(za);
	return buf;
}

/* Replace one entry's content, leaving the rest (manifests) alone. */
static void zip_replace_entry(const char *bundle, const char *name,
                              const void *data, size_t len)
{
	zip_t *za = zip_open(bundle, 0, NULL);
	zip_int64_t idx;
	zip_source_t *src;
	void *copy = malloc(len);

	assert_non_null(za);
	assert_non_null(copy);
	memcpy(copy, data, len);
	idx = zip_name_locate(za, name, 0);
	assert_true(idx >= 0);
	src = zip_source_buffer(za, copy, len, 1);
	assert_non_null(src);
	assert_int_equal(zip_file_replace(za, (zip_uint64_t)idx, src, 0), 0);
	assert_int_equal(zip_close(za), 0);
}

/* ---- tests ------------------------------------------------------------- */

static void create_then_read_back(void **state)
{
	struct fixture *fx = *state;
	struct batch b;
	sohoa_archive_case *c = NULL;
	sohoa_archive_page_info pi;
	const char *meta;
	char out[300];
	size_t i;

	make_batch(&b, fx, "Tờ khai", "component", 3, 1);
	append_ok(fx, &b, 1);
	assert_verifies(fx->bundle);

	assert_int_equal(sohoa_archive_case_open(&c, fx->bundle), SOHOA_OK);
	assert_string_equal(sohoa_archive_case_number(c), CASE);
	assert_int_equal(sohoa_archive_case_npages(c), 3);
	for (i = 0; i < 3; i++) {
		char *want, *got;
		size_t wl, gl;

		assert_int_equal(sohoa_archive_case_page(&pi, c, i), SOHOA_OK);
		assert_string_equal(pi.component, "Tờ khai");
		assert_string_equal(pi.kind, "component");
		assert_int_equal(pi.page, (int)i + 1);
		assert_string_equal(pi.text, b.texts[i]);
		assert_string_equal(pi.capture_time, "2025-07-01T08:00:00Z");
		assert_string_equal(pi.document_type,
		                    i == 0 ? "application_form" : "other");
		if (i == 0)
			assert_non_null(strstr(pi.analysis_json, "skew_deg"));
		else
			assert_null(pi.analysis_json);
		snprintf(out, sizeof(out), "%s/out%zu", fx->dir, i);
		assert_int_equal(sohoa_archive_case_extract(c, pi.entry, out),
		                 SOHOA_OK);
		want = slurp(b.paths[i], &wl);
		got = slurp(out, &gl);
		assert_non_null(want);
		assert_non_null(got);
		assert_int_equal(wl, gl);
		assert_memory_equal(want, got, wl);
		free(want);
		free(got);
	}
	assert_int_equal(sohoa_archive_case_page(&pi, c, 0), SOHOA_OK);
	assert_string_equal(pi.entry, CASE "/data/to-khai/0001.png");
	assert_int_equal(sohoa_archive_case_page(&pi, c, 1), SOHOA_OK);
	assert_string_equal(pi.entry, CASE "/data/to-khai/0002.tif");
	assert_int_equal(sohoa_archive_case_page(&pi, c, 3), SOHOA_ENOTFOUND);

	meta = sohoa_archive_case_metadata(c);
	assert_non_null(strstr(meta, "\"case_number\": \"" CASE "\""));
	assert_non_null(strstr(meta, "\"procedure_code\": \"1.001234\""));
	assert_non_null(strstr(meta, "\"folder\": \"to-khai\""));
	assert_non_null(strstr(meta, "\"dpi\": 300"));
	assert_non_null(strstr(meta, "\"colour_mode\": \"gray\""));
	assert_non_null(strstr(meta, "\"operator\": \"Nguyễn Thị Đào\""));
	assert_non_null(strstr(meta, "\"hocr\": \"data/to-khai/0001.hocr\""));
	assert_non_null(strstr(meta, "\"event\": \"captured\""));
	assert_non_null(strstr(meta, "\"event\": \"packed\""));

	/* Extract by bag path too; unknown entries are not found. */
	snprintf(out, sizeof(out), "%s/hocr", fx->dir);
	assert_int_equal(
	    sohoa_archive_case_extract(c, "data/to-khai/0001.hocr", out),
	    SOHOA_OK);
	assert_int_equal(sohoa_archive_case_extract(c, "data/nope", out),
	                 SOHOA_ENOTFOUND);
	sohoa_archive_case_free(c);

	{
		size_t len = 0;
		char *info = zip_entry(fx->bundle, CASE "/bag-info.txt", &len);

		assert_non_null(info);
		assert_non_null(strstr(info, "External-Identifier: " CASE));
		assert_non_null(
		    strstr(info, "Source-Organization: 000.00.22.H27\n"));
		assert_non_null(
		    strstr(info, "Bag-Software-Agent: sohoa " SOHOA_VERSION));
		assert_non_null(strstr(info, "Payload-Oxum: "));
		free(info);
	}
}

struct snap {
	char name[128];
	zip_uint32_t crc;
	zip_uint64_t size;
	char *data;
};

/* Every data/ entry but metadata.json, with CRC and content. */
static size_t snapshot(struct snap *s, size_t cap, const char *bundle)
{
	zip_t *za = zip_open(bundle, ZIP_RDONLY, NULL);
	zip_int64_t i, n;
	size_t k = 0;

	assert_non_null(za);
	n = zip_get_num_entries(za, 0);
	for (i = 0; i < n; i++) {
		zip_stat_t st;

		assert_int_equal(zip_stat_index(za, (zip_uint64_t)i, 0, &st),
		                 0);
		if (!strstr(st.name, "/data/") ||
		    strstr(st.name, "metadata.json"))
			continue;
		assert_true(k < cap);
		snprintf(s[k].name, sizeof(s[k].name), "%s", st.name);
		s[k].crc = st.crc;
		s[k].size = st.size;
		k++;
	}
	zip_discard(za);
	for (i = 0; i < (zip_int64_t)k; i++) {
		size_t len = 0;

		s[i].data = zip_entry(bundle, s[i].name, &len);
		assert_non_null(s[i].data);
	}
	return k;
}

static void append_keeps_earlier_entries(void **state)
{
	struct fixture *fx = *state;
	struct batch a, r, a2;
	struct snap before[16], after[32];
	size_t nb, na, i, j;
	sohoa_archive_case *c = NULL;
	sohoa_archive_page_info pi;
	const char *meta;
	static const char *const order[][2] = {
	    {"Tờ khai", CASE "/data/to-khai/0001.png"},
	    {"Tờ khai", CASE "/data/to-khai/0002.tif"},
	    {"Tờ khai", CASE "/data/to-khai/0003.png"},
	    {"Tờ khai", CASE "/data/to-khai/0004.tif"},
	    {"Tờ khai!", CASE "/data/to-khai-2/0001.png"},
	};

	make_batch(&a, fx, "Tờ khai", "component", 2, 1);
	append_ok(fx, &a, 1);
	nb = snapshot(before, 16, fx->bundle);
	assert_int_equal(nb, 2 + 2 + 1); /* images, texts, one hocr */

	/* A different name with the same slug gets its own folder. */
	make_batch(&r, fx, "Tờ khai!", "result", 1, 2);
	append_ok(fx, &r, 0);
	make_batch(&a2, fx, "Tờ khai", "component", 2, 3);
	append_ok(fx, &a2, 0);
	assert_verifies(fx->bundle);

	na = snapshot(after, 32, fx->bundle);
	assert_int_equal(na, nb + 3 + 5);
	for (i = 0; i < nb; i++) {
		for (j = 0; j < na; j++)
			if (strcmp(before[i].name, after[j].name) == 0)
				break;
		assert_true(j < na);
		assert_int_equal(before[i].crc, after[j].crc);
		assert_int_equal(before[i].size, after[j].size);
		assert_memory_equal(before[i].data, after[j].data,
		                    before[i].size);
	}

	assert_int_equal(sohoa_archive_case_open(&c, fx->bundle), SOHOA_OK);
	assert_int_equal(sohoa_archive_case_npages(c), 5);
	for (i = 0; i < 5; i++) {
		assert_int_equal(sohoa_archive_case_page(&pi, c, i), SOHOA_OK);
		assert_string_equal(pi.component, order[i][0]);
		assert_string_equal(pi.entry, order[i][1]);
	}
	assert_int_equal(sohoa_archive_case_page(&pi, c, 2), SOHOA_OK);
	assert_int_equal(pi.page, 3);
	assert_string_equal(pi.text, a2.texts[0]);
	assert_int_equal(sohoa_archive_case_page(&pi, c, 4), SOHOA_OK);
	assert_string_equal(pi.kind, "result");
	meta = sohoa_archive_case_metadata(c);
	assert_non_null(strstr(meta, "\"number\": 3"));
	assert_non_null(strstr(meta, "\"first_page\": 3"));
	assert_non_null(strstr(meta, "\"event\": \"verified\""));
	assert_null(strstr(meta, "\"number\": 4"));
	sohoa_archive_case_free(c);

	for (i = 0; i < nb; i++)
		free(before[i].data);
	for (i = 0; i < na; i++)
		free(after[i].data);
}

static void bundle_passes_unzip_and_bagit_check(void **state)
{
	struct fixture *fx = *state;
	struct batch a, b;
	char cmd[600];

	make_batch(&a, fx, "Giấy tờ tùy thân", "component", 4, 1);
	append_ok(fx, &a, 1);
	make_batch(&b, fx, "Kết quả", "result", 1, 2);
	append_ok(fx, &b, 0);
	snprintf(cmd, sizeof(cmd), "unzip -tq '%s' >/dev/null", fx->bundle);
	assert_int_equal(system(cmd), 0);
	snprintf(cmd, sizeof(cmd), "bash '%s' '%s'", BAGIT_CHECK, fx->bundle);
	assert_int_equal(system(cmd), 0);

	/* The independent check is not a rubber stamp: flip one byte. */
	{
		const char *name = CASE "/data/giay-to-tuy-than/0002.tif";
		size_t len = 0;
		char *d = zip_entry(fx->bundle, name, &len);

		assert_non_null(d);
		d[len / 2] ^= 1;
		zip_replace_entry(fx->bundle, name, d, len);
		free(d);
		snprintf(cmd, sizeof(cmd), "bash '%s' '%s' >/dev/null 2>&1",
		         BAGIT_CHECK, fx->bundle);
		assert_int_not_equal(system(cmd), 0);
	}
}

static void flipped_byte_is_named(void **state)
{
	struct fixture *fx = *state;
#define PAGE1 CASE "/data/to-khai/0001.png"
	const char *name = PAGE1;
	struct batch a;
	size_t len = 0, olen = 0;
	char *d, *orig;

	make_batch(&a, fx, "Tờ khai", "component", 2, 1);
	append_ok(fx, &a, 1);
	d = zip_entry(fx->bundle, name, &len);
	assert_non_null(d);
	d[100] ^= 0x20;
	zip_replace_entry(fx->bundle, name, d, len);
	free(d);
	assert_finding(fx->bundle, PAGE1);
	assert_finding(fx->bundle, PAGE1 ": sha256 mismatch");
	assert_finding(fx->bundle, PAGE1 ": sha512 mismatch");

	/* A damaged bundle is not extended, and stays as it was. */
	orig = slurp(fx->bundle, &olen);
	assert_int_equal(
	    sohoa_archive_append(NULL, NULL, fx->root, CASE, &a.comp),
	    SOHOA_EINVALID);
	assert_non_null(strstr(sohoa_error_last(), "damaged"));
	d = slurp(fx->bundle, &len);
	assert_int_equal(len, olen);
	assert_memory_equal(d, orig, len);
	free(d);
	free(orig);
	assert_int_equal(count_dir(fx->root), 2); /* bundle + .locks */
}

/* Bit rot: one byte of a stored page changes on disk; the zip CRC and
 * the manifests both catch it. */
static void rotten_byte_on_disk_is_named(void **state)
{
	struct fixture *fx = *state;
	struct batch a;
	char *zip, *page, *hit;
	size_t zlen = 0, plen = 0;

	make_batch(&a, fx, "Tờ khai", "component", 2, 1);
	append_ok(fx, &a, 1);
	zip = slurp(fx->bundle, &zlen);
	page = slurp(a.paths[0], &plen); /* .png: stored as is */
	assert_non_null(zip);
	assert_non_null(page);
	for (hit = zip; hit + 256 <= zip + zlen; hit++)
		if (memcmp(hit, page, 256) == 0)
			break;
	assert_true(hit + 256 <= zip + zlen);
	assert_non_null(hit);
	hit[200] ^= 0x01;
	write_bytes(fx->bundle, zip, zlen);
	assert_finding(fx->bundle, CASE "/data/to-khai/0001.png: damaged");
	free(zip);
	free(page);
}

/* The writer does not hash the old payload before an append (it checks it
 * through the new bundle, whose manifest lines for carried entries are
 * the old ones): bit rot in an entry it only carries over must still stop
 * the append, name the entry and leave the bundle as it was. */
static void rotten_carried_entry_stops_append(void **state)
{
	struct fixture *fx = *state;
	struct batch a, b;
	char *zip, *page, *hit, *now;
	size_t zlen = 0, plen = 0, nlen = 0;

	make_batch(&a, fx, "Tờ khai", "component", 2, 1);
	append_ok(fx, &a, 1);
	zip = slurp(fx->bundle, &zlen);
	page = slurp(a.paths[0], &plen);
	assert_non_null(zip);
	assert_non_null(page);
	for (hit = zip; hit + 256 <= zip + zlen; hit++)
		if (memcmp(hit, page, 256) == 0)
			break;
	assert_true(hit + 256 <= zip + zlen);
	hit[200] ^= 0x01;
	write_bytes(fx->bundle, zip, zlen);
	make_batch(&b, fx, "Kết quả", "result", 1, 2);
	assert_int_equal(
	    sohoa_archive_append(NULL, NULL, fx->root, CASE, &b.comp),
	    SOHOA_EINVALID);
	assert_non_null(strstr(sohoa_error_last(), "damaged"));
	assert_non_null(strstr(sohoa_error_last(), "data/to-khai/0001.png"));
	now = slurp(fx->bundle, &nlen);
	assert_int_equal(nlen, zlen);
	assert_memory_equal(now, zip, zlen);
	assert_int_equal(count_dir(fx->root), 2); /* bundle + .locks */
	free(now);
	free(zip);
	free(page);
}

/* The component PDF grows by incremental update, so its old bytes are
 * kept: edited ones (with a matching zip CRC) are refused, not signed
 * into a new revision. */
static void edited_pdf_stops_append(void **state)
{
	struct fixture *fx = *state;
	const char *name = CASE "/data/to-khai.pdf";
	struct batch a;
	char pgm[256], *d;
	size_t len = 0, i;
	FILE *f;

	make_batch(&a, fx, "Tờ khai", "component", 1, 1);
	snprintf(pgm, sizeof(pgm), "%s/page.pgm", fx->dir);
	f = fopen(pgm, "wb");
	assert_non_null(f);
	fprintf(f, "P5\n64 32\n255\n");
	for (i = 0; i < 64 * 32; i++)
		fputc((int)(i * 7 % 256), f);
	assert_int_equal(fclose(f), 0);
	a.pages[0].image_path = pgm;
	append_ok(fx, &a, 1);
	d = zip_entry(fx->bundle, name, &len);
	assert_non_null(d);
	assert_true(len > 100);
	d[len / 2] ^= 0x01;
	zip_replace_entry(fx->bundle, name, d, len);
	free(d);
	assert_int_equal(
	    sohoa_archive_append(NULL, NULL, fx->root, CASE, &a.comp),
	    SOHOA_EINVALID);
	assert_non_null(strstr(sohoa_error_last(), "damaged"));
	assert_non_null(strstr(sohoa_error_last(), "to-khai.pdf"));
	assert_finding(fx->bundle, name);
}

/* The image stream of the first page of a component PDF: its dictionary
 * (from /Subtype to the stream keyword) and its bytes; *dict and the
 * return value owned. */
static char *pdf_image(const char *pdf, size_t len, char **dict, size_t *n)
{
	const char *sub = NULL, *st, *lp;
	size_t i;
	char *out;

	for (i = 0; i + 15 < len && !sub; i++)
		if (memcmp(pdf + i, "/Subtype /Image", 15) == 0)
			sub = pdf + i;
	assert_non_null(sub);
	st = strstr(sub, ">>\nstream\n");
	lp = strstr(sub, "/Length ");
	assert_non_null(st);
	assert_non_null(lp);
	*n = strtoul(lp + 8, NULL, 10);
	*dict = strndup(sub, (size_t)(st - sub));
	out = malloc(*n);
	assert_non_null(out);
	memcpy(out, st + 10, *n);
	return out;
}

/* The PDF image of an 8-bit gray or RGB TIFF master as the scan module
 * writes them (Adobe Deflate, horizontal predictor, many strips; read
 * strip by strip, not by Leptonica) is the one the same pixels give as a
 * PNG (read by Leptonica): same raster, same stream. */
static void tiff_master_pdf_image_is_the_png_one(void **state)
{
	struct fixture *fx = *state;
	int spp;

	for (spp = 1; spp <= 3; spp += 2) {
		enum { W = 301, H = 205 }; /* 7-row strips, a short last one */
		char tif[256], png[256], name[300];
		unsigned char row[W * 3];
		sohoa_archive_page_in p[2];
		sohoa_archive_component_in c[2];
		char *pdf[2], *img[2], *dict[2];
		size_t len[2], n[2];
		PIX *pix = pixCreate(W, H, spp == 1 ? 8 : 32);
		TIFF *t;
		unsigned seed = 7;
		int x, y, k;

		snprintf(tif, sizeof(tif), "%s/m%d.tif", fx->dir, spp);
		snprintf(png, sizeof(png), "%s/m%d.png", fx->dir, spp);
		assert_non_null(pix);
		t = TIFFOpen(tif, "w");
		assert_non_null(t);
		TIFFSetField(t, TIFFTAG_IMAGEWIDTH, (uint32_t)W);
		TIFFSetField(t, TIFFTAG_IMAGELENGTH, (uint32_t)H);
		TIFFSetField(t, TIFFTAG_BITSPERSAMPLE, (uint16_t)8);
		TIFFSetField(t, TIFFTAG_SAMPLESPERPIXEL, (uint16_t)spp);
		TIFFSetField(t, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
		TIFFSetField(t, TIFFTAG_PHOTOMETRIC,
		             spp == 3 ? PHOTOMETRIC_RGB
		                      : PHOTOMETRIC_MINISBLACK);
		TIFFSetField(t, TIFFTAG_COMPRESSION, COMPRESSION_ADOBE_DEFLATE);
		TIFFSetField(t, TIFFTAG_PREDICTOR, PREDICTOR_HORIZONTAL);
		TIFFSetField(t, TIFFTAG_ROWSPERSTRIP, (uint32_t)7);
		for (y = 0; y < H; y++) {
			for (x = 0; x < W; x++)
				for (k = 0; k < spp; k++) {
					/* a gradient with text-like edges
					 * and noise, in every channel */
					seed = seed * 1103515245u + 12345u;
					row[x * spp + k] =
					    (unsigned char)(((x / 9 + y / 5) %
					                                 4 ==
					                             0
					                         ? 20
					                         : 230) -
					                    (x + y * k) % 17 +
					                    (seed >> 28));
				}
			for (x = 0; x < W; x++)
				if (spp == 1)
					pixSetPixel(pix, x, y, row[x]);
				else
					pixSetRGBPixel(pix, x, y, row[3 * x],
					               row[3 * x + 1],
					               row[3 * x + 2]);
			/* last: the predictor works in `row` */
			assert_int_equal(
			    TIFFWriteScanline(t, row, (uint32_t)y, 0), 1);
		}
		TIFFClose(t);
		assert_int_equal(pixWrite(png, pix, IFF_PNG), 0);
		pixDestroy(&pix);
		for (k = 0; k < 2; k++) {
			memset(&p[k], 0, sizeof(p[k]));
			memset(&c[k], 0, sizeof(c[k]));
			p[k].image_path = k ? png : tif;
			p[k].source = "import:test";
			p[k].dpi = 300;
			c[k].name = k ? "png" : "tiff";
			c[k].kind = "component";
			c[k].operator_name = "op";
			c[k].station = "q1";
			c[k].pages = &p[k];
			c[k].npages = 1;
			assert_int_equal(sohoa_archive_append(
			                     NULL, NULL, fx->root, CASE, &c[k]),
			                 SOHOA_OK);
		}
		for (k = 0; k < 2; k++) {
			snprintf(name, sizeof(name), CASE "/data/%s.pdf",
			         k ? "png" : "tiff");
			pdf[k] = zip_entry(fx->bundle, name, &len[k]);
			assert_non_null(pdf[k]);
			img[k] = pdf_image(pdf[k], len[k], &dict[k], &n[k]);
		}
		assert_string_equal(dict[0], dict[1]);
		assert_int_equal(n[0], n[1]);
		assert_memory_equal(img[0], img[1], n[0]);
		for (k = 0; k < 2; k++) {
			free(pdf[k]);
			free(img[k]);
			free(dict[k]);
		}
		assert_verifies(fx->bundle);
		unlink(fx->bundle);
	}
}

/* metadata.json is checked against docs/metadata.schema.json: a missing
 * field, a wrong type, a value outside its set and an unknown key are each
 * named by JSON pointer. */
static void metadata_schema_violations_are_named(void **state)
{
	struct fixture *fx = *state;
	const char *name = CASE "/data/metadata.json";
	struct batch a;
	json_t *meta, *page;
	char *d, *text;
	size_t len = 0;

	make_batch(&a, fx, "Tờ khai", "component", 2, 1);
	append_ok(fx, &a, 1);
	d = zip_entry(fx->bundle, name, &len);
	assert_non_null(d);
	meta = json_loadb(d, len, 0, NULL);
	free(d);
	assert_non_null(meta);
	page = json_array_get(json_object_get(meta, "pages"), 1);
	assert_int_equal(json_object_del(page, "operator"), 0);
	json_object_set_new(page, "dpi", json_string("300"));
	json_object_set_new(json_array_get(json_object_get(meta, "events"), 0),
	                    "event", json_string("lost"));
	json_object_set_new(meta, "colour", json_true());
	text = json_dumps(meta, JSON_INDENT(1));
	json_decref(meta);
	assert_non_null(text);
	zip_replace_entry(fx->bundle, name, text, strlen(text));
	free(text);
#define META CASE "/data/metadata.json: "
	assert_finding(fx->bundle,
	               META "/pages/1/operator: missing (required)");
	assert_finding(fx->bundle,
	               META "/pages/1/dpi: expected integer, got string");
	assert_finding(fx->bundle, META "/events/0/event: \"lost\" is not one "
	                                "of [\"captured\"");
	assert_finding(fx->bundle,
	               META "/colour: not allowed (no such property)");
	/* and it is not extended */
	assert_int_equal(
	    sohoa_archive_append(NULL, NULL, fx->root, CASE, &a.comp),
	    SOHOA_EINVALID);
	assert_non_null(strstr(sohoa_error_last(), "metadata.json"));
#undef META
}

static void truncated_zip_is_named(void **state)
{
	struct fixture *fx = *state;
	struct batch a;
	struct stat st;

	make_batch(&a, fx, "Tờ khai", "component", 2, 1);
	append_ok(fx, &a, 1);
	assert_int_equal(stat(fx->bundle, &st), 0);
	assert_int_equal(truncate(fx->bundle, st.st_size / 2), 0);
	assert_finding(fx->bundle, fx->bundle);
	assert_int_equal(sohoa_archive_verify(fx->bundle, NULL),
	                 SOHOA_EINVALID);
	assert_non_null(strstr(sohoa_error_last(), fx->bundle));
}

static void removed_entry_is_named(void **state)
{
	struct fixture *fx = *state;
	struct batch a;
	zip_t *za;

	make_batch(&a, fx, "Tờ khai", "component", 2, 1);
	append_ok(fx, &a, 1);
	za = zip_open(fx->bundle, 0, NULL);
	assert_non_null(za);
	assert_int_equal(
	    zip_delete(za, (zip_uint64_t)zip_name_locate(
	                       za, CASE "/data/to-khai/0002.tif", 0)),
	    0);
	assert_int_equal(zip_close(za), 0);
	assert_finding(fx->bundle, CASE "/data/to-khai/0002.tif: listed in "
	                                "manifest-sha256.txt but missing");
	assert_finding(fx->bundle, "page 2 image) but missing");
	assert_finding(fx->bundle, "Payload-Oxum");
}

static void edited_manifest_is_named(void **state)
{
	struct fixture *fx = *state;
#define MAN256 CASE "/manifest-sha256.txt"
	const char *name = MAN256;
	struct batch a;
	size_t len = 0;
	char *m, *line;

	make_batch(&a, fx, "Tờ khai", "component", 2, 1);
	append_ok(fx, &a, 1);
	m = zip_entry(fx->bundle, name, &len);
	assert_non_null(m);
	line = strstr(m, "  data/to-khai/0002.tif");
	assert_non_null(line);
	while (line > m && line[-1] != '\n')
		line--;
	line[0] = line[0] == '0' ? '1' : '0';
	zip_replace_entry(fx->bundle, name, m, len);
	free(m);
	assert_finding(fx->bundle,
	               CASE "/data/to-khai/0002.tif: sha256 mismatch");
	assert_finding(fx->bundle, MAN256 ": sha256 mismatch");
}

static void invalid_input_is_refused(void **state)
{
	struct fixture *fx = *state;
	struct batch a;
	char *path = (char *)"x";
	int created = 7;
	sohoa_archive_component_in bad;

	make_batch(&a, fx, "Tờ khai", "component", 1, 1);
	assert_int_equal(sohoa_archive_append(&path, &created, fx->root,
	                                      "not-a-case", &a.comp),
	                 SOHOA_EINVALID);
	assert_null(path);
	assert_int_equal(created, 0);
	assert_int_equal(sohoa_archive_append(NULL, NULL, fx->root,
	                                      "000.00.22.H27-251301-0001",
	                                      &a.comp),
	                 SOHOA_EINVALID);
	assert_int_equal(sohoa_archive_append(NULL, NULL, fx->root,
	                                      "../../etc-250701-0001", &a.comp),
	                 SOHOA_EINVALID);
	assert_int_equal(sohoa_archive_append(NULL, NULL, fx->root, CASE, NULL),
	                 SOHOA_EINVALID);
	bad = a.comp;
	bad.kind = "other";
	assert_int_equal(sohoa_archive_append(NULL, NULL, fx->root, CASE, &bad),
	                 SOHOA_EINVALID);
	assert_non_null(strstr(sohoa_error_last(), "kind"));
	bad = a.comp;
	bad.npages = 0;
	assert_int_equal(sohoa_archive_append(NULL, NULL, fx->root, CASE, &bad),
	                 SOHOA_EINVALID);
	a.pages[0].analysis_json = "[1, 2]";
	assert_int_equal(
	    sohoa_archive_append(NULL, NULL, fx->root, CASE, &a.comp),
	    SOHOA_EINVALID);
	a.pages[0].analysis_json = NULL;
	a.pages[0].image_path = "/nonexistent/page.png";
	assert_int_equal(
	    sohoa_archive_append(NULL, NULL, fx->root, CASE, &a.comp),
	    SOHOA_ENOTFOUND);
	assert_int_equal(access(fx->root, F_OK), -1); /* nothing written */

	/* A component name cannot change kind. */
	make_batch(&a, fx, "Tờ khai", "component", 1, 1);
	append_ok(fx, &a, 1);
	a.comp.kind = "result";
	assert_int_equal(
	    sohoa_archive_append(NULL, NULL, fx->root, CASE, &a.comp),
	    SOHOA_EINVALID);
	assert_int_equal(count_dir(fx->root), 2);

	assert_int_equal(sohoa_archive_verify("/nonexistent.zip", NULL),
	                 SOHOA_ENOTFOUND);
	{
		sohoa_archive_case *c = (sohoa_archive_case *)&bad;

		assert_int_equal(
		    sohoa_archive_case_open(&c, "/nonexistent.zip"),
		    SOHOA_ENOTFOUND);
		assert_null(c);
	}
}

static void concurrent_appends_both_land(void **state)
{
	struct fixture *fx = *state;
	struct batch a, b;
	pid_t pa, pb;
	int sa = -1, sb = -1;
	sohoa_archive_case *c = NULL;
	const char *meta;

	make_batch(&a, fx, "Tờ khai", "component", 3, 1);
	make_batch(&b, fx, "Giấy tờ tùy thân", "component", 2, 2);
	pa = fork();
	assert_true(pa >= 0);
	if (pa == 0) {
		int i, ok = 1;

		for (i = 0; i < 3; i++)
			ok &= sohoa_archive_append(NULL, NULL, fx->root, CASE,
			                           &a.comp) == SOHOA_OK;
		_exit(ok ? 0 : 1);
	}
	pb = fork();
	assert_true(pb >= 0);
	if (pb == 0) {
		int i, ok = 1;

		for (i = 0; i < 3; i++)
			ok &= sohoa_archive_append(NULL, NULL, fx->root, CASE,
			                           &b.comp) == SOHOA_OK;
		_exit(ok ? 0 : 1);
	}
	assert_int_equal(waitpid(pa, &sa, 0), pa);
	assert_int_equal(waitpid(pb, &sb, 0), pb);
	assert_true(WIFEXITED(sa) && WEXITSTATUS(sa) == 0);
	assert_true(WIFEXITED(sb) && WEXITSTATUS(sb) == 0);
	assert_verifies(fx->bundle);
	assert_int_equal(sohoa_archive_case_open(&c, fx->bundle), SOHOA_OK);
	assert_int_equal(sohoa_archive_case_npages(c), 3 * 3 + 3 * 2);
	meta = sohoa_archive_case_metadata(c);
	assert_non_null(strstr(meta, "\"folder\": \"to-khai\""));
	assert_non_null(strstr(meta, "\"folder\": \"giay-to-tuy-than\""));
	assert_non_null(strstr(meta, "\"number\": 6"));
	sohoa_archive_case_free(c);
	assert_int_equal(count_dir(fx->root), 2); /* no temp left */
}

static void held_lock_gives_busy(void **state)
{
	struct fixture *fx = *state;
	struct batch a;
	char lock[300];
	int fd;

	make_batch(&a, fx, "Tờ khai", "component", 1, 1);
	append_ok(fx, &a, 1);
	snprintf(lock, sizeof(lock), "%s/.locks/%s.lock", fx->root, CASE);
	fd = open(lock, O_RDWR);
	assert_true(fd >= 0);
	assert_int_equal(flock(fd, LOCK_EX), 0);
	sohoa_archive_set_lock_timeout(100);
	assert_int_equal(
	    sohoa_archive_append(NULL, NULL, fx->root, CASE, &a.comp),
	    SOHOA_EBUSY);
	assert_non_null(strstr(sohoa_error_last(), CASE));
	close(fd);
	/* A temp left by a crashed writer is cleaned up by the next one. */
	snprintf(lock, sizeof(lock), "%s/.%s.zip.AbC123", fx->root, CASE);
	write_bytes(lock, "partial", 7);
	append_ok(fx, &a, 0);
	assert_int_equal(access(lock, F_OK), -1);
	assert_int_equal(count_dir(fx->root), 2);
	sohoa_archive_set_lock_timeout(60000);
}

/* Run `append` in a child that cannot write the root (dropping root
 * privileges when the tests run as root); returns the child's rc. */
static int append_as_nobody(const struct fixture *fx,
                            const sohoa_archive_component_in *comp)
{
	int st = 0;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		if (geteuid() == 0 &&
		    (setgid(65534) != 0 || setuid(65534) != 0))
			_exit(100);
		_exit(-sohoa_archive_append(NULL, NULL, fx->root, CASE, comp));
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	return -WEXITSTATUS(st);
}

static void unwritable_root_is_env_and_leaves_nothing(void **state)
{
	struct fixture *fx = *state;
	struct batch a, b;
	char *orig, *now;
	size_t olen = 0, nlen = 0;

	make_batch(&a, fx, "Tờ khai", "component", 2, 1);
	assert_int_equal(chmod(fx->dir, 0755), 0);
	assert_int_equal(chmod(fx->in, 0755), 0);
	assert_int_equal(mkdir(fx->root, 0555), 0);
	assert_int_equal(append_as_nobody(fx, &a.comp), SOHOA_EENV);
	assert_int_equal(count_dir(fx->root), 0);

	/* With an existing bundle the old one stays intact. */
	assert_int_equal(chmod(fx->root, 0755), 0);
	append_ok(fx, &a, 1);
	assert_int_equal(chmod(fx->root, 0555), 0);
	orig = slurp(fx->bundle, &olen);
	make_batch(&b, fx, "Kết quả", "result", 1, 2);
	assert_int_equal(append_as_nobody(fx, &b.comp), SOHOA_EENV);
	now = slurp(fx->bundle, &nlen);
	assert_int_equal(olen, nlen);
	assert_memory_equal(orig, now, olen);
	assert_int_equal(count_dir(fx->root), 2);
	assert_verifies(fx->bundle);
	free(orig);
	free(now);
}

/* A throwaway CA (openssl CLI) in the fixture folder: ca, op (issued by
 * ca) and evil (self-signed, same name). */
static void make_pki(const struct fixture *fx)
{
	char cmd[2048];

	snprintf(
	    cmd, sizeof(cmd),
	    "set -e; cd '%s'; "
	    "for n in ca op evil; do openssl req -newkey ec -pkeyopt "
	    "ec_paramgen_curve:P-256 -nodes -keyout $n.key -subj \"/CN=$n\" "
	    "-out $n.csr 2>/dev/null; done; "
	    "printf 'basicConstraints=critical,CA:TRUE\\n' >ca.ext; "
	    "openssl x509 -req -in ca.csr -key ca.key -days 30 -extfile ca.ext "
	    "-out ca.pem 2>/dev/null; "
	    "openssl x509 -req -in evil.csr -key evil.key -days 30 "
	    "-out evil.pem 2>/dev/null; "
	    "openssl x509 -req -in op.csr -CA ca.pem -CAkey ca.key "
	    "-CAcreateserial -days 30 -out op.pem 2>/dev/null",
	    fx->dir);
	assert_int_equal(system(cmd), 0);
}

static void signatures_are_checked(void **state)
{
	struct fixture *fx = *state;
	char cert[200], key[200], ca[200], evil[200], evkey[200];
	sohoa_archive_signature sig;
	struct batch a, b;
	size_t len = 0;
	char *tag;

	make_pki(fx);
	snprintf(cert, sizeof(cert), "%s/op.pem", fx->dir);
	snprintf(key, sizeof(key), "%s/op.key", fx->dir);
	snprintf(ca, sizeof(ca), "%s/ca.pem", fx->dir);
	snprintf(evil, sizeof(evil), "%s/evil.pem", fx->dir);
	snprintf(evkey, sizeof(evkey), "%s/evil.key", fx->dir);

	/* a key that is not the certificate's is refused at once */
	assert_int_equal(sohoa_archive_set_signer(cert, evkey), SOHOA_EINVALID);
	assert_non_null(strstr(sohoa_error_last(), "does not belong"));
	assert_int_equal(sohoa_archive_set_signer(cert, "/nonexistent.key"),
	                 SOHOA_ENOTFOUND);

	/* valid */
	assert_int_equal(sohoa_archive_set_signer(cert, key), SOHOA_OK);
	assert_int_equal(sohoa_archive_set_trust(ca, 1), SOHOA_OK);
	make_batch(&a, fx, "Tờ khai", "component", 2, 1);
	append_ok(fx, &a, 1);
	make_batch(&b, fx, "Kết quả", "result", 1, 2);
	append_ok(fx, &b, 0); /* the old signature is checked, a new made */
	assert_verifies(fx->bundle);
	assert_int_equal(sohoa_archive_signature_check(&sig, fx->bundle),
	                 SOHOA_OK);
	assert_true(sig.present && sig.valid && sig.trusted);
	assert_string_equal(sig.signer, "CN=op");
	assert_int_equal(strlen(sig.signing_time), 20);
	assert_string_equal(sig.problem, "");

	/* tampered tag manifest: one line dropped */
	tag = zip_entry(fx->bundle, CASE "/tagmanifest-sha256.txt", &len);
	assert_non_null(tag);
	*strrchr(tag, '\n') = '\0';
	*(strrchr(tag, '\n') + 1) = '\0';
	zip_replace_entry(fx->bundle, CASE "/tagmanifest-sha256.txt", tag,
	                  strlen(tag));
	free(tag);
	assert_finding(fx->bundle, CASE "/signature.p7s: does not match "
	                                "tagmanifest-sha256.txt");
	assert_int_equal(sohoa_archive_signature_check(&sig, fx->bundle),
	                 SOHOA_OK);
	assert_true(sig.present && !sig.valid && !sig.trusted);
	assert_int_equal(unlink(fx->bundle), 0);

	/* forged: signed by a key the trust store does not know */
	assert_int_equal(sohoa_archive_set_signer(evil, evkey), SOHOA_OK);
	assert_int_equal(sohoa_archive_set_trust(NULL, 0), SOHOA_OK);
	append_ok(fx, &a, 1);
	assert_int_equal(sohoa_archive_signature_check(&sig, fx->bundle),
	                 SOHOA_OK);
	assert_true(sig.valid && !sig.trusted); /* no trust store: unchecked */
	assert_non_null(strstr(sig.problem, "no trust store"));
	assert_int_equal(sohoa_archive_set_trust(ca, 0), SOHOA_OK);
	assert_finding(fx->bundle,
	               CASE "/signature.p7s: signer CN=evil is not trusted");

	/* unsigned: a note, or a finding when signatures are required */
	assert_int_equal(unlink(fx->bundle), 0);
	assert_int_equal(sohoa_archive_set_signer(NULL, NULL), SOHOA_OK);
	append_ok(fx, &a, 1);
	assert_verifies(fx->bundle);
	assert_int_equal(sohoa_archive_signature_check(&sig, fx->bundle),
	                 SOHOA_OK);
	assert_false(sig.present);
	assert_int_equal(sohoa_archive_set_trust(ca, 1), SOHOA_OK);
	assert_finding(fx->bundle, CASE "/signature.p7s: missing");
	assert_int_equal(
	    sohoa_archive_append(NULL, NULL, fx->root, CASE, &b.comp),
	    SOHOA_EENV);
	assert_int_equal(sohoa_archive_set_trust(NULL, 0), SOHOA_OK);
}

/* Every revision's signature is kept (signatures/rNNNN/), and checked:
 * key rotation, where revision 1 was signed under a certificate of an
 * old CA and revision 2 under a new one, verifies while the trust store
 * holds both, and names the old signer when the old CA is dropped. */
static void every_revision_signature_is_kept(void **state)
{
	struct fixture *fx = *state;
	char cert[200], key[200], cert2[200], key2[200], ca[200], both[300];
	char cmd[1200], *tag;
	sohoa_archive_signature *sigs = NULL;
	struct batch a, b;
	size_t len = 0, nsigs = 0, i;

	make_pki(fx);
	snprintf(cmd, sizeof(cmd),
	         "set -e; cd '%s'; for n in ca2 op2; do openssl req -newkey ec "
	         "-pkeyopt ec_paramgen_curve:P-256 -nodes -keyout $n.key "
	         "-subj \"/CN=$n\" -out $n.csr 2>/dev/null; done; "
	         "openssl x509 -req -in ca2.csr -key ca2.key -days 30 "
	         "-extfile ca.ext -out ca2.pem 2>/dev/null; "
	         "openssl x509 -req -in op2.csr -CA ca2.pem -CAkey ca2.key "
	         "-CAcreateserial -days 30 -out op2.pem 2>/dev/null; "
	         "cat ca.pem ca2.pem >both.pem",
	         fx->dir);
	assert_int_equal(system(cmd), 0);
	snprintf(cert, sizeof(cert), "%s/op.pem", fx->dir);
	snprintf(key, sizeof(key), "%s/op.key", fx->dir);
	snprintf(cert2, sizeof(cert2), "%s/op2.pem", fx->dir);
	snprintf(key2, sizeof(key2), "%s/op2.key", fx->dir);
	snprintf(ca, sizeof(ca), "%s/ca2.pem", fx->dir);
	snprintf(both, sizeof(both), "%s/both.pem", fx->dir);

	assert_int_equal(sohoa_archive_set_trust(both, 1), SOHOA_OK);
	assert_int_equal(sohoa_archive_set_signer(cert, key), SOHOA_OK);
	make_batch(&a, fx, "Tờ khai", "component", 2, 1);
	append_ok(fx, &a, 1);
	/* the operator's key is rotated: a new certificate, a new CA */
	assert_int_equal(sohoa_archive_set_signer(cert2, key2), SOHOA_OK);
	make_batch(&b, fx, "Kết quả", "result", 1, 2);
	append_ok(fx, &b, 0);
	assert_verifies(fx->bundle);
	tag =
	    zip_entry(fx->bundle, CASE "/signatures/r0001/signature.p7s", &len);
	assert_non_null(tag); /* revision 1's signature is still there */
	free(tag);
	tag = zip_entry(fx->bundle, CASE "/tagmanifest-sha256.txt", &len);
	assert_non_null(tag); /* and the current tag manifest lists it */
	assert_non_null(strstr(tag, "  signatures/r0001/signature.p7s\n"));
	free(tag);
	/* a third revision keeps both earlier ones */
	append_ok(fx, &b, 0);
	assert_verifies(fx->bundle);
	tag =
	    zip_entry(fx->bundle, CASE "/signatures/r0002/signature.p7s", &len);
	assert_non_null(tag);
	free(tag);
	/* every revision's signer, oldest first */
	assert_int_equal(sohoa_archive_signatures(&sigs, &nsigs, fx->bundle),
	                 SOHOA_OK);
	assert_int_equal(nsigs, 3);
	assert_int_equal(sigs[0].revision, 1);
	assert_string_equal(sigs[0].signer, "CN=op");
	assert_string_equal(sigs[0].file, "signatures/r0001/signature.p7s");
	assert_string_equal(sigs[1].signer, "CN=op2");
	assert_string_equal(sigs[1].file, "signatures/r0002/signature.p7s");
	assert_int_equal(sigs[2].revision, 3);
	assert_string_equal(sigs[2].signer, "CN=op2");
	assert_string_equal(sigs[2].file, "signature.p7s");
	for (i = 0; i < nsigs; i++) {
		assert_true(sigs[i].present && sigs[i].valid &&
		            sigs[i].trusted);
		assert_int_equal(strlen(sigs[i].signing_time), 20);
	}
	free(sigs);

	/* the old CA dropped from the trust store: the old signer is named */
	assert_int_equal(sohoa_archive_set_trust(ca, 0), SOHOA_OK);
	assert_finding(fx->bundle, CASE "/signatures/r0001/signature.p7s: "
	                                "signer CN=op is not trusted");
	assert_int_equal(sohoa_archive_signatures(&sigs, &nsigs, fx->bundle),
	                 SOHOA_OK);
	assert_int_equal(nsigs, 3);
	assert_true(sigs[0].valid && !sigs[0].trusted);
	assert_non_null(strstr(sigs[0].problem, "CN=op is not trusted"));
	assert_true(sigs[1].trusted && sigs[2].trusted);
	free(sigs);

	/* a page revision 1's signer vouched for, changed: named against
	 * that signature too */
	assert_int_equal(sohoa_archive_set_trust(both, 0), SOHOA_OK);
	tag = zip_entry(fx->bundle, CASE "/data/to-khai/0001.png", &len);
	assert_non_null(tag);
	tag[len / 2] ^= 0x04;
	zip_replace_entry(fx->bundle, CASE "/data/to-khai/0001.png", tag, len);
	free(tag);
	assert_finding(fx->bundle, CASE "/data/to-khai/0001.png: changed since "
	                                "it was signed in signatures/r0001");

	/* an edited kept tag manifest no longer matches its signature */
	tag = zip_entry(fx->bundle,
	                CASE "/signatures/r0001/tagmanifest-sha256.txt", &len);
	assert_non_null(tag);
	tag[0] = tag[0] == '0' ? '1' : '0';
	zip_replace_entry(fx->bundle,
	                  CASE "/signatures/r0001/tagmanifest-sha256.txt", tag,
	                  len);
	free(tag);
	assert_finding(fx->bundle, CASE "/signatures/r0001/signature.p7s: "
	                                "does not match");
	assert_int_equal(sohoa_archive_set_signer(NULL, NULL), SOHOA_OK);
	assert_int_equal(sohoa_archive_set_trust(NULL, 0), SOHOA_OK);
}

/* ID card pages are stored with AES-256; the key stays outside the root. */
static void id_cards_are_encrypted(void **state)
{
	struct fixture *fx = *state;
	char key[200], inside[200], *report = NULL;
	sohoa_archive_case *c = NULL;
	sohoa_archive_page_info pi;
	struct batch b;
	zip_t *za;
	zip_stat_t st;
	size_t len = 0;
	char *meta;

	snprintf(key, sizeof(key), "%s/archive.key", fx->dir);
	write_bytes(key, "0123456789abcdef0123456789abcdef\n", 33);
	assert_int_equal(chmod(key, 0600), 0);
	assert_int_equal(mkdir(fx->root, 0755), 0);
	snprintf(inside, sizeof(inside), "%s/archive.key", fx->root);
	assert_int_equal(
	    sohoa_archive_set_encryption(inside, "id_card_*", fx->root),
	    SOHOA_EINVALID);
	assert_non_null(strstr(sohoa_error_last(), "inside the archive root"));

	assert_int_equal(
	    sohoa_archive_set_encryption(key, "id_card_*", fx->root), SOHOA_OK);
	make_batch(&b, fx, "CCCD", "component", 2, 1);
	b.pages[0].analysis_json = "{\"document_type\": \"id_card_front\", "
	                           "\"text\": \"NGUYỄN THỊ LIÊN\", "
	                           "\"fields\": {\"id\": \"042190001234\"}}";
	append_ok(fx, &b, 1);
	assert_verifies(fx->bundle);

	za = zip_open(fx->bundle, ZIP_RDONLY, NULL);
	assert_non_null(za);
	assert_int_equal(zip_stat(za, CASE "/data/cccd/0001.png", 0, &st), 0);
	assert_int_equal(st.encryption_method, ZIP_EM_AES_256);
	assert_int_equal(zip_stat(za, CASE "/data/cccd/0001.json", 0, &st), 0);
	assert_int_equal(st.encryption_method, ZIP_EM_AES_256);
	assert_int_equal(zip_stat(za, CASE "/data/cccd/0002.tif", 0, &st), 0);
	assert_int_equal(st.encryption_method, ZIP_EM_NONE);
	zip_discard(za);
	meta = zip_entry(fx->bundle, CASE "/data/metadata.json", &len);
	assert_non_null(meta);
	assert_null(strstr(meta, "042190001234"));
	assert_null(strstr(meta, "LIÊN"));
	free(meta);

	/* read back with the key: byte-identical, full analysis */
	assert_int_equal(sohoa_archive_case_open(&c, fx->bundle), SOHOA_OK);
	assert_int_equal(sohoa_archive_case_page(&pi, c, 0), SOHOA_OK);
	assert_non_null(strstr(pi.analysis_json, "042190001234"));
	assert_string_equal(pi.text, b.texts[0]);
	sohoa_archive_case_free(c);

	/* without the key: an environment problem naming the key file */
	assert_int_equal(sohoa_archive_set_encryption("/nonexistent/k",
	                                              "id_card_*", fx->root),
	                 SOHOA_OK);
	assert_int_equal(sohoa_archive_verify(fx->bundle, &report), SOHOA_EENV);
	assert_non_null(strstr(sohoa_error_last(), "/nonexistent/k"));
	free(report);
	assert_int_equal(sohoa_archive_case_open(&c, fx->bundle), SOHOA_EENV);
	assert_null(c);

	/* open_locked shows what is not encrypted, the rest locked */
	{
		void *data = (void *)1;
		size_t dlen = 1, n = 9;
		char *want;

		assert_int_equal(sohoa_archive_case_open_locked(&c, fx->bundle),
		                 SOHOA_OK);
		assert_int_equal(sohoa_archive_case_page(&pi, c, 0), SOHOA_OK);
		assert_non_null(pi.locked);
		assert_non_null(strstr(pi.locked, "/nonexistent/k"));
		assert_string_equal(pi.text, "");
		assert_null(strstr(pi.analysis_json, "042190001234"));
		assert_string_equal(pi.document_type, "id_card_front");
		assert_int_equal(
		    sohoa_archive_case_read(&data, &dlen, c, pi.entry),
		    SOHOA_EENV);
		assert_null(data);
		assert_non_null(strstr(sohoa_error_last(), "/nonexistent/k"));
		assert_int_equal(sohoa_archive_case_page(&pi, c, 1), SOHOA_OK);
		assert_null(pi.locked);
		assert_string_equal(pi.text, b.texts[1]);
		assert_int_equal(
		    sohoa_archive_case_read(&data, &dlen, c, pi.entry),
		    SOHOA_OK);
		want = slurp(b.paths[1], &n);
		assert_non_null(want);
		assert_int_equal(dlen, n);
		assert_memory_equal(data, want, n);
		free(want);
		free(data);
		assert_int_equal(sohoa_archive_case_component_zip(
		                     &data, &dlen, &n, c, "CCCD"),
		                 SOHOA_EENV);
		assert_null(data);
		sohoa_archive_case_free(c);
		c = NULL;
	}
	assert_int_equal(sohoa_archive_set_encryption(NULL, NULL, NULL),
	                 SOHOA_OK);
}

/* A component's masters as a zip made in memory: byte-identical, with a
 * manifest; entries are read into memory the same. */
static void component_zip_holds_masters(void **state)
{
	struct fixture *fx = *state;
	struct batch a, b;
	sohoa_archive_case *c = NULL;
	sohoa_archive_page_info pi;
	char zpath[200], *man_text = NULL;
	void *data = NULL;
	size_t len = 0, n = 0, i;
	zip_t *za;
	json_t *man, *f;

	make_batch(&a, fx, "Tờ khai", "component", 3, 4);
	append_ok(fx, &a, 1);
	make_batch(&b, fx, "Kết quả", "result", 1, 5);
	append_ok(fx, &b, 0);
	assert_int_equal(sohoa_archive_case_open(&c, fx->bundle), SOHOA_OK);

	/* one entry into memory: the master as given */
	assert_int_equal(sohoa_archive_case_page(&pi, c, 1), SOHOA_OK);
	assert_int_equal(sohoa_archive_case_read(&data, &len, c, pi.entry),
	                 SOHOA_OK);
	{
		size_t wn = 0;
		char *want = slurp(a.paths[1], &wn);

		assert_non_null(want);
		assert_int_equal(len, wn);
		assert_memory_equal(data, want, wn);
		free(want);
	}
	free(data);
	assert_int_equal(sohoa_archive_case_read(&data, &len, c, "data/nope"),
	                 SOHOA_ENOTFOUND);

	assert_int_equal(
	    sohoa_archive_case_component_zip(&data, &len, &n, c, "Tờ khai"),
	    SOHOA_OK);
	assert_int_equal(n, 3);
	snprintf(zpath, sizeof(zpath), "%s/export.zip", fx->dir);
	write_bytes(zpath, data, len);
	free(data);
	za = zip_open(zpath, ZIP_RDONLY | ZIP_CHECKCONS, NULL);
	assert_non_null(za);
	assert_int_equal(zip_get_num_entries(za, 0), 4);
	zip_discard(za);
	man_text = zip_entry(zpath, "manifest.json", &len);
	assert_non_null(man_text);
	man = json_loads(man_text, 0, NULL);
	assert_non_null(man);
	assert_string_equal(json_string_value(json_object_get(man, "case")),
	                    CASE);
	assert_string_equal(
	    json_string_value(json_object_get(man, "component")), "Tờ khai");
	assert_int_equal(json_integer_value(json_object_get(man, "revision")),
	                 2);
	assert_int_equal(json_array_size(json_object_get(man, "files")), 3);
	json_array_foreach(json_object_get(man, "files"), i, f)
	{
		const char *name =
		    json_string_value(json_object_get(f, "name"));
		size_t wn = 0;
		char *want = slurp(a.paths[i], &wn), *got;

		assert_non_null(name);
		assert_int_equal(json_integer_value(json_object_get(f, "page")),
		                 (json_int_t)i + 1);
		assert_int_equal(
		    strlen(json_string_value(json_object_get(f, "sha256"))),
		    64);
		assert_int_equal(
		    json_integer_value(json_object_get(f, "bytes")),
		    (json_int_t)wn);
		got = zip_entry(zpath, name, &len);
		assert_non_null(got);
		assert_int_equal(len, wn);
		assert_memory_equal(got, want, wn);
		free(got);
		free(want);
	}
	json_decref(man);
	free(man_text);

	assert_int_equal(
	    sohoa_archive_case_component_zip(&data, &len, &n, c, "Không có"),
	    SOHOA_ENOTFOUND);
	assert_null(data);
	sohoa_archive_case_free(c);
}

/* Without a key configured nothing is encrypted, whatever the types say:
 * the default configuration files ID cards as ordinary pages. */
static void no_key_means_no_encryption(void **state)
{
	struct fixture *fx = *state;
	struct batch b;
	zip_t *za;
	zip_stat_t st;

	assert_int_equal(sohoa_archive_set_encryption(NULL, "id_card_*", NULL),
	                 SOHOA_OK);
	make_batch(&b, fx, "CCCD", "component", 1, 1);
	b.pages[0].analysis_json = "{\"document_type\": \"id_card_front\"}";
	append_ok(fx, &b, 1);
	assert_verifies(fx->bundle);
	za = zip_open(fx->bundle, ZIP_RDONLY, NULL);
	assert_non_null(za);
	assert_int_equal(zip_stat(za, CASE "/data/cccd/0001.png", 0, &st), 0);
	assert_int_equal(st.encryption_method, ZIP_EM_NONE);
	zip_discard(za);
	assert_int_equal(sohoa_archive_set_encryption(NULL, NULL, NULL),
	                 SOHOA_OK);
}

/* Disk full: a 200 KiB tmpfs (needs CAP_SYS_ADMIN, else skipped). */
static void disk_full_is_env_and_keeps_old_bundle(void **state)
{
	struct fixture *fx = *state;
	char small[160], root[200], bundle[300], path[300];
	sohoa_archive_page_in p;
	sohoa_archive_component_in c;
	char *orig = NULL, *now;
	size_t olen = 0, nlen = 0;
	int i, rc = SOHOA_OK;

	snprintf(small, sizeof(small), "%s/small", fx->dir);
	assert_int_equal(mkdir(small, 0755), 0);
	if (mount("tmpfs", small, "tmpfs", 0, "size=200k") != 0)
		skip();
	snprintf(root, sizeof(root), "%s/root", small);
	snprintf(bundle, sizeof(bundle), "%s/%s.zip", root, CASE);
	memset(&p, 0, sizeof(p));
	memset(&c, 0, sizeof(c));
	p.image_path = path;
	p.source = "import:x.pdf";
	p.text = "abc";
	c.name = "Tờ khai";
	c.kind = "component";
	c.operator_name = "op";
	c.station = "q1";
	c.pages = &p;
	c.npages = 1;
	for (i = 0; i < 20 && rc == SOHOA_OK; i++) {
		make_blob(path, sizeof(path), fx, "big.png", (unsigned)i,
		          30000);
		free(orig);
		orig = slurp(bundle, &olen);
		rc = sohoa_archive_append(NULL, NULL, root, CASE, &c);
	}
	assert_true(i > 1);
	assert_int_equal(rc, SOHOA_EENV);
	assert_non_null(strstr(sohoa_error_last(), "No space"));
	now = slurp(bundle, &nlen);
	assert_int_equal(olen, nlen);
	assert_memory_equal(orig, now, olen);
	assert_int_equal(count_dir(root), 2); /* no temp left */
	assert_verifies(bundle);
	free(orig);
	free(now);
	assert_int_equal(umount(small), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(create_then_read_back, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(append_keeps_earlier_entries, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(bundle_passes_unzip_and_bagit_check,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(flipped_byte_is_named, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(rotten_byte_on_disk_is_named, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(rotten_carried_entry_stops_append,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(edited_pdf_stops_append, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(
	        tiff_master_pdf_image_is_the_png_one, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        metadata_schema_violations_are_named, setup, teardown),
	    cmocka_unit_test_setup_teardown(truncated_zip_is_named, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(removed_entry_is_named, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(edited_manifest_is_named, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(invalid_input_is_refused, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(concurrent_appends_both_land, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(signatures_are_checked, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(every_revision_signature_is_kept,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(no_key_means_no_encryption, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(component_zip_holds_masters, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(id_cards_are_encrypted, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(held_lock_gives_busy, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(
	        unwritable_root_is_env_and_leaves_nothing, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        disk_full_is_env_and_keeps_old_bundle, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
