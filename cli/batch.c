/* batch.c -- the result-batch engine behind `sohoa batch` and the batch
 * folder: a stack of scanned result documents,
 * possibly for many cases in one file or feeder run, separated by the case
 * numbers on the pages and filed to each case as a result.  The same run
 * takes the stacks dropped in [hotfolder] batch_path (cli_batch_ingest).
 *
 * A page with a case number (code first, then text) starts a document;
 * pages without one belong to the document before them, unless they open
 * a new document themselves (the national heading, "Trang 1/N") and do
 * not say they continue ("tiếp theo", "Trang 2/3"): such a page starts a
 * document with no case number, which goes to review.  So does a page
 * whose case number is invalid or disagrees with its code, with the
 * pages that follow it.  A receipt slip with a case number is a separator
 * sheet: it starts that case's document and is kept with the batch
 * report, not filed.  Nothing is dropped.
 */
#include "cli_int.h"
#include "batch_int.h"

#include "archive/archive.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Expand folders into their files, sorted by name (scan order). */
int cli_batch_gather(char ***out, size_t *n_out, char **args, int nargs)
{
	char **list = NULL;
	size_t n = 0;
	int rc = SOHOA_OK;

	for (int i = 0; i < nargs && rc == SOHOA_OK; i++) {
		char **files = NULL, **nl;
		size_t nf = 1;
		struct stat st;

		if (stat(args[i], &st) == 0 && S_ISDIR(st.st_mode))
			rc = cli_list_dir(&files, &nf, args[i], NULL);
		else if (!(files = malloc(sizeof(*files))) ||
		         !(files[0] = strdup(args[i])))
			rc = sohoa_error_set(SOHOA_ENOMEM, "out of memory");
		if (rc != SOHOA_OK) {
			if (files && nf == 1 && !files[0])
				nf = 0;
			cli_free_list(files, files ? nf : 0);
			break;
		}
		if (!(nl = realloc(list, (n + nf) * sizeof(*nl)))) {
			cli_free_list(files, nf);
			rc = sohoa_error_set(SOHOA_ENOMEM, "out of memory");
			break;
		}
		list = nl;
		memcpy(list + n, files, nf * sizeof(*files));
		n += nf;
		free(files); /* the strings now belong to `list` */
	}
	*out = list;
	*n_out = n;
	return rc;
}

static const char *page_name(const struct batch *b, size_t i)
{
	const char *s = b->job.pages[i].source;

	return s && !strncmp(s, "import:", 7) ? s + 7 : (s ? s : "?");
}

/* Stack positions (1-based) of pages [first, first+n). */
static json_t *positions(size_t first, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(
		    a, json_integer((json_int_t)(first + i + 1)));
	return a;
}

/* Put pages [first, first+n) in review with `why`. */
static void to_review(struct batch *b, const char *const *paths, size_t n,
                      const char *why, long first, char **item_out)
{
	char item[96];
	json_t *o;

	snprintf(item, sizeof(item), "%s-%02d", b->id, ++b->nreview);
	if (cli_review_add(b->cfg, item, paths, n, why) != SOHOA_OK) {
		fprintf(stderr, "sohoa: review item %s not written: %s\n", item,
		        sohoa_error_last());
		b->failures++;
		return;
	}
	o = json_object();
	json_object_set_new(o, "item", json_string(item));
	json_object_set_new(o, "pages", json_integer((json_int_t)n));
	json_object_set_new(o, "why", json_string(why));
	json_object_set_new(o, "positions",
	                    first >= 0 ? positions((size_t)first, n)
	                               : json_array());
	json_array_append_new(b->review, o);
	if (item_out)
		*item_out = strdup(item);
}

static void review_pages(struct batch *b, size_t first, size_t n,
                         const char *why, char **item_out)
{
	const char **paths = calloc(n, sizeof(*paths));

	if (!paths) {
		b->failures++;
		return;
	}
	for (size_t i = 0; i < n; i++)
		paths[i] = b->job.pages[first + i].path;
	to_review(b, paths, n, why, (long)first, item_out);
	free(paths);
}

/* Folded page text with every run of other characters made one space:
 * "(tiếp theo) Trang 2/3" -> " tiep theo trang 2/3 ". */
static char *squeeze(const char *text)
{
	char *f = NULL, *out, *w;

	if (!text || sohoa_text_fold(&f, text) != SOHOA_OK)
		return NULL;
	if (!(out = malloc(strlen(f) + 3))) {
		free(f);
		return NULL;
	}
	w = out;
	*w++ = ' ';
	for (const char *r = f; *r; r++) {
		int keep = (*r >= 'a' && *r <= 'z') ||
		           (*r >= '0' && *r <= '9') || *r == '/';

		if (keep)
			*w++ = *r;
		else if (w[-1] != ' ')
			*w++ = ' ';
	}
	if (w[-1] != ' ')
		*w++ = ' ';
	*w = '\0';
	free(f);
	return out;
}

enum role { ROLE_UNKNOWN, ROLE_STARTS, ROLE_CONTINUES };

/* Does a page without a case number say it continues a document, or that
 * it opens one?  Signs of a continuation: "tiếp theo", "Trang N/M" with
 * N > 1.  Signs of a first page: "Trang 1/M", the national heading
 * (Quốc hiệu "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" and the motto), which an
 * administrative document carries on its first page only (Nghị định
 * 30/2020/NĐ-CP).  A continuation sign wins. */
static enum role page_role(const sohoa_ocr_result *r)
{
	char *f = squeeze(r->text), *p;
	enum role role = ROLE_UNKNOWN;

	if (!f)
		return ROLE_UNKNOWN;
	for (p = f; (p = strstr(p, " trang ")); p += 6) {
		char *slash;
		long n = strtol(p + 7, &slash, 10);

		if (slash == p + 7 || *slash != '/' || slash[1] < '0' ||
		    slash[1] > '9')
			continue;
		role = n > 1 ? ROLE_CONTINUES : ROLE_STARTS;
		break;
	}
	if (strstr(f, " tiep theo "))
		role = ROLE_CONTINUES;
	else if (role == ROLE_UNKNOWN &&
	         (strstr(f, " cong hoa xa hoi chu nghia viet nam ") ||
	          strstr(f, " doc lap tu do hanh phuc ")))
		role = ROLE_STARTS;
	free(f);
	return role;
}

static struct doc *new_doc(struct batch *b, size_t i)
{
	struct doc *d = &b->docs[b->ndocs++];

	d->separator = -1;
	d->first = i;
	d->n = 1;
	return d;
}

/* Split the recognized stack into documents; orphans go to review. */
static int separate(struct batch *b)
{
	size_t np = b->job.npages, orphan_first = 0, norphans = 0;
	struct doc *cur = NULL;
	char why[1200];

	b->docs = calloc(np ? np : 1, sizeof(*b->docs));
	if (!b->docs)
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	for (size_t i = 0; i < np; i++) {
		const sohoa_ocr_result *r = &b->results[i];
		int separator = r->case_number && r->document_type &&
		                strcmp(r->document_type, "receipt") == 0;
		enum role role;

		if (r->case_number_candidate) {
			/* never filed to the case before it, nor guessed */
			cur = new_doc(b, i);
			cur->hold = 1;
			cur->candidate = strdup(r->case_number_candidate);
			snprintf(why, sizeof(why),
			         "stack page %zu shows case number '%s' that "
			         "cannot be trusted: %s; check the paper and "
			         "file it with 'sohoa review file ITEM --case "
			         "CASE'",
			         i + 1, r->case_number_candidate,
			         r->case_number_problem ? r->case_number_problem
			                                : "?");
			cur->why = strdup(why);
			continue;
		}
		if (r->case_number) {
			/* a separator sheet, then its result with the same
			 * number printed on it; or a page that repeats its
			 * document's number and does not open a document of
			 * its own (agencies that print the code on every
			 * page): one document */
			if (cur && !separator && !cur->hold &&
			    !strcmp(cur->case_number, r->case_number) &&
			    (cur->n == 0 || page_role(r) != ROLE_STARTS)) {
				cur->n++;
				continue;
			}
			cur = &b->docs[b->ndocs++];
			snprintf(cur->case_number, sizeof(cur->case_number),
			         "%s", r->case_number);
			cur->separator = separator ? (long)i : -1;
			cur->first = separator ? i + 1 : i;
			cur->n = separator ? 0 : 1;
			continue;
		}
		role = page_role(r);
		if (cur && cur->n > 0 && role == ROLE_STARTS) {
			cur = new_doc(b, i);
			cur->hold = 1;
			snprintf(
			    why, sizeof(why),
			    "stack page %zu begins a new document (national "
			    "heading or 'Trang 1/N') but no case number "
			    "could be read on it (code damaged or missing, "
			    "no 'Mã hồ sơ' line); file it with 'sohoa "
			    "review file ITEM --case CASE'",
			    i + 1);
			cur->why = strdup(why);
			continue;
		}
		if (cur) {
			cur->n++;
			continue;
		}
		if (norphans++ == 0)
			orphan_first = i;
	}
	if (norphans)
		review_pages(b, orphan_first, norphans,
		             "pages before the first case number: no code or "
		             "'Mã hồ sơ' found; file them with 'sohoa review "
		             "file ITEM --case CASE'",
		             NULL);
	return SOHOA_OK;
}

static void keep_separator(struct batch *b, size_t i)
{
	char *dir = NULL, *dst = NULL;
	const char *ext = strrchr(b->job.pages[i].path, '.');

	if (sohoa_asprintf(&dir, "%s/%s/separators",
	                   sohoa_config_get(b->cfg, "batch.reports"),
	                   b->id) == SOHOA_OK &&
	    sohoa_fs_mkdirs(dir) == SOHOA_OK &&
	    sohoa_asprintf(&dst, "%s/p%04zu%s", dir, i + 1, ext ? ext : "") ==
	        SOHOA_OK &&
	    sohoa_fs_copy(dst, b->job.pages[i].path) == SOHOA_OK &&
	    sohoa_fs_sync_dir(dir) == SOHOA_OK) {
		json_array_append_new(b->separators, json_string(dst));
	} else {
		fprintf(stderr, "sohoa: separator page %zu not kept: %s\n",
		        i + 1, sohoa_error_last());
		b->failures++;
	}
	free(dir);
	free(dst);
}

/* Is page `p` in the bundle's metadata as a result page from the same
 * input (source, SHA-256 and page of the file)? */
static int page_in(json_t *pages, const struct cli_page *p)
{
	size_t i;
	json_t *o;

	json_array_foreach(pages, i, o)
	{
		const char *src =
		    json_string_value(json_object_get(o, "source"));
		const char *sha =
		    json_string_value(json_object_get(o, "source_sha256"));
		const char *opt =
		    json_string_value(json_object_get(o, "source_options"));
		const char *kind =
		    json_string_value(json_object_get(o, "kind"));

		if (src && sha && opt && kind && !strcmp(kind, "result") &&
		    p->source && p->sha256 && p->options &&
		    !strcmp(src, p->source) && !strcmp(sha, p->sha256) &&
		    !strcmp(opt, p->options))
			return 1;
	}
	return 0;
}

/* Did an earlier run of this stack (cut short by a crash) file the
 * document already?  Every page of it must be in the case's bundle.
 * *bundle_out (owned) is set when it did. */
static int filed_before(const struct batch *b, const struct doc *doc,
                        char **bundle_out)
{
	sohoa_archive_case *c = NULL;
	json_t *meta = NULL;
	char *bundle = NULL;
	int all = 0;

	*bundle_out = NULL;
	if (sohoa_archive_bundle_path(&bundle,
	                              sohoa_config_get(b->cfg, "archive.root"),
	                              doc->case_number) != SOHOA_OK ||
	    sohoa_archive_case_open(&c, bundle) != SOHOA_OK)
		goto done;
	meta = json_loads(sohoa_archive_case_metadata(c), 0, NULL);
	all = 1;
	for (size_t i = 0; all && i < doc->n; i++)
		all = page_in(json_object_get(meta, "pages"),
		              &b->job.pages[doc->first + i]);
done:
	json_decref(meta);
	sohoa_archive_case_free(c);
	if (all)
		*bundle_out = bundle;
	else
		free(bundle);
	return all;
}

static void file_docs(struct batch *b)
{
	for (size_t d = 0; d < b->ndocs; d++) {
		struct doc *doc = &b->docs[d];
		int rc;

		if (doc->separator >= 0)
			keep_separator(b, (size_t)doc->separator);
		if (doc->n == 0) {
			doc->why = strdup("separator sheet with no pages "
			                  "after it");
			continue;
		}
		if (doc->hold) {
			review_pages(b, doc->first, doc->n,
			             doc->why ? doc->why : "no case number",
			             &doc->review);
			continue;
		}
		if (filed_before(b, doc, &doc->bundle)) {
			sohoa_log(SOHOA_LOG_WARN,
			          "batch %s: the %zu page%s for case %s are "
			          "already in %s (an earlier run); not filed "
			          "again",
			          b->id, doc->n, doc->n == 1 ? "" : "s",
			          doc->case_number, doc->bundle);
			if (cli_index_bundle(b->cfg, doc->bundle) != SOHOA_OK) {
				doc->why = strdup(sohoa_error_last());
				b->failures++;
			}
			b->filed++;
			continue;
		}
		rc = cli_file_pages(
		    &doc->bundle, &doc->created, b->cfg, doc->case_number,
		    b->component, "result", &b->job.pages[doc->first],
		    &b->results[doc->first], &b->json[doc->first], doc->n);
		if (rc != SOHOA_OK && !doc->bundle) {
			char why[1200];

			snprintf(why, sizeof(why),
			         "could not be filed to case %s: %s",
			         doc->case_number, sohoa_error_last());
			doc->why = strdup(why);
			review_pages(b, doc->first, doc->n, why, &doc->review);
		} else if (rc != SOHOA_OK) {
			/* archived but not indexed: reindex repairs it */
			doc->why = strdup(sohoa_error_last());
			b->failures++;
		}
		b->filed += doc->bundle != NULL;
	}
}

static json_t *report_json(const struct batch *b)
{
	json_t *o = json_object(), *docs = json_array();

	json_object_set_new(o, "batch", json_string(b->id));
	json_object_set_new(o, "inputs", json_incref(b->inputs));
	json_object_set_new(o, "pages",
	                    json_integer((json_int_t)b->job.npages));
	for (size_t d = 0; d < b->ndocs; d++) {
		const struct doc *doc = &b->docs[d];
		json_t *x = json_object(), *names = json_array();

		json_object_set_new(x, "case_number",
		                    doc->case_number[0]
		                        ? json_string(doc->case_number)
		                        : json_null());
		json_object_set_new(x, "case_number_candidate",
		                    doc->candidate ? json_string(doc->candidate)
		                                   : json_null());
		for (size_t i = 0; i < doc->n; i++)
			json_array_append_new(
			    names, json_string(page_name(b, doc->first + i)));
		json_object_set_new(x, "pages", names);
		json_object_set_new(x, "positions",
		                    positions(doc->first, doc->n));
		json_object_set_new(
		    x, "separator",
		    doc->separator >= 0
		        ? json_string(page_name(b, (size_t)doc->separator))
		        : json_null());
		json_object_set_new(x, "filed", json_boolean(doc->bundle));
		json_object_set_new(x, "bundle",
		                    doc->bundle ? json_string(doc->bundle)
		                                : json_null());
		json_object_set_new(x, "created_bundle",
		                    json_boolean(doc->created));
		json_object_set_new(x, "review",
		                    doc->review ? json_string(doc->review)
		                                : json_null());
		json_object_set_new(
		    x, "why", doc->why ? json_string(doc->why) : json_null());
		json_array_append_new(docs, x);
	}
	json_object_set_new(o, "documents", docs);
	json_object_set_new(o, "review", json_incref(b->review));
	json_object_set_new(o, "separators", json_incref(b->separators));
	return o;
}

static void print_report(const struct batch *b, const char *report_path)
{
	size_t filed = 0;

	printf("batch %s: %zu page%s, %zu document%s\n", b->id, b->job.npages,
	       b->job.npages == 1 ? "" : "s", b->ndocs,
	       b->ndocs == 1 ? "" : "s");
	for (size_t d = 0; d < b->ndocs; d++) {
		const struct doc *doc = &b->docs[d];

		printf("  %-28s %2zu page%s  ",
		       doc->case_number[0] ? doc->case_number
		       : doc->candidate    ? doc->candidate
		                           : "(no case number)",
		       doc->n, doc->n == 1 ? " " : "s");
		if (doc->bundle) {
			filed++;
			printf("filed as result%s\n",
			       doc->created ? " (new bundle: the case was not "
			                      "archived yet)"
			                    : "");
		} else {
			if (doc->review)
				printf("NOT filed: in review as %s\n",
				       doc->review);
			else
				printf("NOT filed: %s\n",
				       doc->why ? doc->why : "?");
		}
		if (doc->separator >= 0)
			printf("  %-28s  (separator sheet %s kept with the "
			       "report)\n",
			       "", page_name(b, (size_t)doc->separator));
	}
	for (size_t i = 0; i < json_array_size(b->review); i++) {
		json_t *r = json_array_get(b->review, i);

		printf(
		    "  review %s: %lld page(s): %s\n",
		    json_string_value(json_object_get(r, "item")),
		    (long long)json_integer_value(json_object_get(r, "pages")),
		    json_string_value(json_object_get(r, "why")));
	}
	printf("filed %zu of %zu documents; %zu item%s in review; report %s\n",
	       filed, b->ndocs, json_array_size(b->review),
	       json_array_size(b->review) == 1 ? "" : "s", report_path);
}

static int write_report(const struct batch *b, char **path_out)
{
	json_t *o = report_json(b);
	char *text = json_dumps(o, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	const char *dir = sohoa_config_get(b->cfg, "batch.reports");
	int rc;

	json_decref(o);
	if (!text)
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	if ((rc = sohoa_fs_mkdirs(dir)) == SOHOA_OK &&
	    (rc = sohoa_asprintf(path_out, "%s/%s.json", dir, b->id)) ==
	        SOHOA_OK)
		rc = sohoa_fs_write_atomic(*path_out, text, strlen(text));
	free(text);
	return rc;
}

void cli_batch_dispose(struct batch *b)
{
	for (size_t i = 0; b->results && i < b->job.npages; i++) {
		sohoa_ocr_result_dispose(&b->results[i]);
		free(b->json[i]);
	}
	for (size_t d = 0; d < b->ndocs; d++) {
		free(b->docs[d].bundle);
		free(b->docs[d].review);
		free(b->docs[d].why);
		free(b->docs[d].candidate);
	}
	free(b->docs);
	free(b->results);
	free(b->json);
	json_decref(b->review);
	json_decref(b->inputs);
	json_decref(b->separators);
	cli_job_dispose(&b->job);
}

/* Run a prepared batch over `files`: spool every readable page, OCR,
 * separate, file, write the report.  Unreadable inputs go to review. */
int cli_batch_run(struct batch *b, char **files, size_t nfiles, char **report)
{
	time_t now = time(NULL);
	struct tm tm;
	char stamp[32];
	static int seq; /* batches run by this process */
	int rc;

	b->review = json_array();
	b->inputs = json_array();
	b->separators = json_array();
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
	if (b->sha256)
		/* a hot-folder stack: the same id when it is run again
		 * after a crash, so its review items are not made twice */
		snprintf(b->id, sizeof(b->id), "batch-%.16s", b->sha256);
	else if (seq++ == 0)
		snprintf(b->id, sizeof(b->id), "batch-%s-%ld", stamp,
		         (long)getpid());
	else
		snprintf(b->id, sizeof(b->id), "batch-%s-%ld-%d", stamp,
		         (long)getpid(), seq);
	/* a signer that cannot sign stops the batch before any work */
	if ((rc = cli_archive_setup(b->cfg, 1)) ||
	    (rc = cli_job_init(&b->job, b->cfg, NULL, b->component, "result",
	                       "batch", NULL, NULL)))
		return rc;
	for (size_t i = 0; i < nfiles; i++) {
		size_t before = b->job.npages;
		int n = 0;

		json_array_append_new(b->inputs, json_string(files[i]));
		/* an unreadable file goes to review whole; the stack goes on */
		if (sohoa_scan_import_check(files[i], &n) != SOHOA_OK) {
			char why[1200];
			const char *one[] = {files[i]};

			snprintf(why, sizeof(why), "unreadable input: %s",
			         sohoa_error_last());
			to_review(b, one, 1, why, -1, NULL);
			continue;
		}
		if ((rc = sohoa_scan_import_file(files[i], b->job.spool_dir,
		                                 (int)b->job.npages + 1,
		                                 cli_job_add_page, &b->job)))
			return rc;
		/* which page of its file: with the file's SHA-256 this names
		 * the page, so a run after a crash can tell it was filed */
		for (size_t k = before; k < b->job.npages; k++)
			if (!b->job.pages[k].options &&
			    (rc = sohoa_asprintf(&b->job.pages[k].options,
			                         "page=%zu", k - before + 1)))
				return rc;
	}
	b->results =
	    calloc(b->job.npages ? b->job.npages : 1, sizeof(*b->results));
	b->json = calloc(b->job.npages ? b->job.npages : 1, sizeof(*b->json));
	if (!b->results || !b->json)
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	for (size_t i = 0; i < b->job.npages; i++)
		sohoa_ocr_result_init(&b->results[i]);
	if ((rc = cli_job_recognize(&b->job, b->results, b->json)) ||
	    (rc = separate(b)))
		return rc;
	file_docs(b);
	if ((rc = write_report(b, report)))
		return rc;
	if (b->print)
		print_report(b, *report);
	/* every page is now in a bundle, in review or kept as separator */
	if (b->failures == 0)
		sohoa_fs_remove_tree(b->job.spool_dir);
	else
		fprintf(stderr, "sohoa: pages kept in %s\n", b->job.spool_dir);
	return SOHOA_OK;
}

int cli_batch_ingest(const sohoa_scan_hotfolder_file *f, void *payload)
{
	struct batch b = {0};
	char *file = NULL, *report = NULL;
	int rc;

	b.cfg = payload;
	b.component = f->component ? f->component : "Kết quả";
	b.sha256 = f->sha256;
	if (!(file = strdup(f->path)))
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	rc = cli_batch_run(&b, &file, 1, &report);
	if (rc == SOHOA_OK && b.failures == 0) {
		sohoa_log(SOHOA_LOG_INFO,
		          "batch folder: %s: %zu pages, %zu documents, %d "
		          "filed, %zu in review; report %s",
		          f->name, b.job.npages, b.ndocs, b.filed,
		          json_array_size(b.review), report);
	} else if (b.filed == 0 && json_array_size(b.review) == 0) {
		/* nothing written anywhere yet: the spool copy is dropped and
		 * the original stays for the next poll, or goes to failed/
		 * when the file itself is at fault (SOHOA_EINVALID) */
		sohoa_log(SOHOA_LOG_ERROR, "batch folder: %s not run: %s",
		          f->name, rc ? sohoa_error_last() : "?");
		if (b.job.spool_dir)
			sohoa_fs_remove_tree(b.job.spool_dir);
		if (rc == SOHOA_OK)
			rc = sohoa_error_set(SOHOA_ERROR,
			                     "batch %s: pages could not be "
			                     "kept",
			                     b.id);
	} else {
		/* part of it is filed: the stack stays for the next poll,
		 * and that run files only what is missing (a document whose
		 * pages are all in the bundle is not filed again; review
		 * items keep their names) */
		char msg[1400];

		snprintf(msg, sizeof(msg),
		         "the batch %s ran only in part (%d documents filed, "
		         "%zu items in review%s%s): %s; it is run again at "
		         "the next poll, filing only what is missing",
		         b.id, b.filed, json_array_size(b.review),
		         report ? ", report " : "", report ? report : "",
		         rc ? sohoa_error_last()
		            : "some pages could not be put in review");
		if (b.job.spool_dir)
			sohoa_fs_remove_tree(b.job.spool_dir);
		rc = sohoa_error_set(SOHOA_EIO, "%s", msg);
	}
	free(file);
	free(report);
	cli_batch_dispose(&b);
	return rc;
}

int cli_batch_hotfolder_open(sohoa_scan_hotfolder **out,
                             const sohoa_config *cfg)
{
	int rc = sohoa_scan_hotfolder_open(
	    out, sohoa_config_get(cfg, "hotfolder.batch_path"),
	    sohoa_config_get_int(cfg, "hotfolder.stable_seconds"));

	if (rc == SOHOA_OK)
		sohoa_scan_hotfolder_set_caseless(*out, 1);
	return rc;
}
