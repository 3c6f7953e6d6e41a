/* index_bench.c -- the search index at scale: generates N synthetic pages
 * (realistic Vietnamese administrative text with names, addresses, ID
 * numbers and case numbers, deterministic), 10 pages per case, ingests
 * them through sohoa_index_put_case, then times query classes through
 * sohoa_index_search next to a plain FTS5 MATCH on the same tables (the
 * floor).  Reads the index's private header for the tokenizer only, so the
 * floor can query page_fts on its own connection.
 *
 *   index_bench DB_PATH [PAGES] [QUERIES_PER_CLASS]
 */
#include "index/index.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "config/config.h"
#include "index_int.h"

#define PAGES_PER_CASE 10

static unsigned long long rng = 88172645463325252ULL;

static unsigned next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng >> 11);
}

#define PICK(a) (a[next() % (sizeof(a) / sizeof(a[0]))])

static const char *const surnames[] = {
    "Nguyễn", "Nguyễn", "Nguyễn", "Nguyễn", "Trần", "Trần", "Lê",    "Lê",
    "Phạm",   "Hoàng",  "Huỳnh",  "Phan",   "Vũ",   "Võ",   "Đặng",  "Bùi",
    "Đỗ",     "Hồ",     "Ngô",    "Dương",  "Lý",   "Đinh", "Trương"};
static const char *const middles[] = {
    "Văn",   "Thị",  "Thị", "Văn",  "Hữu",  "Đức", "Minh", "Ngọc",
    "Thanh", "Quốc", "Kim", "Xuân", "Hoài", "Bảo", "Gia",  "Thu"};
static const char *const givens[] = {
    "Liên",  "Hoa",   "Lan",   "Hùng",  "Dũng",  "Tuấn",  "Anh",   "Bình",
    "Cường", "Hải",   "Hạnh",  "Hương", "Khánh", "Linh",  "Long",  "Mai",
    "Nam",   "Phong", "Quân",  "Sơn",   "Thảo",  "Trang", "Trung", "Vy",
    "Yến",   "Đạt",   "Đào",   "Giang", "Hiếu",  "Huy",   "Lộc",   "Nga",
    "Oanh",  "Phúc",  "Quyên", "Tâm",   "Thắng", "Thủy",  "Tiến",  "Vinh"};
static const char *const streets[] = {
    "Lê Lợi",         "Trần Hưng Đạo", "Nguyễn Trãi",         "Hai Bà Trưng",
    "Lý Thường Kiệt", "Điện Biên Phủ", "Phan Đình Phùng",     "Hùng Vương",
    "Quang Trung",    "Bà Triệu",      "Cách Mạng Tháng Tám", "Võ Thị Sáu"};
static const char *const wards[] = {
    "phường Bến Nghé", "phường Đa Kao",  "phường Tân Định", "xã Thạch Hà",
    "phường Hàng Bạc", "phường Cửa Nam", "xã Yên Hòa",      "phường Hòa Cường",
    "xã Phú Mỹ",       "phường An Hải",  "xã Đông Thạnh",   "phường Vĩnh Ninh"};
static const char *const districts[] = {
    "quận 1",       "quận Hoàn Kiếm",  "huyện Thạch Hà", "quận Hải Châu",
    "huyện Củ Chi", "thành phố Huế",   "quận Ba Đình",   "huyện Gia Lâm",
    "quận Sơn Trà", "thị xã Hồng Lĩnh"};
static const char *const provinces[] = {
    "Thành phố Hồ Chí Minh", "Hà Nội",    "Hà Tĩnh", "Đà Nẵng",
    "Thừa Thiên Huế",        "Hải Phòng", "Cần Thơ", "Nghệ An"};
static const char *const agencies[] = {"000.00.22.H27", "000.01.05.G10",
                                       "000.00.13.H56", "H27.151"};
/* Sentences of the forms and decisions a one-stop centre receives. */
static const char *const sentences[] = {
    "Cộng hòa xã hội chủ nghĩa Việt Nam. Độc lập - Tự do - Hạnh phúc.",
    "Đơn đề nghị cấp giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở "
    "và tài sản khác gắn liền với đất.",
    "Tờ khai đăng ký khai sinh cho con.",
    "Kính gửi Ủy ban nhân dân phường.",
    "Tôi xin cam đoan những lời khai trên là đúng sự thật và chịu trách "
    "nhiệm trước pháp luật.",
    "Giấy xác nhận tình trạng hôn nhân.",
    "Đơn đăng ký biến động đất đai, tài sản gắn liền với đất.",
    "Hợp đồng chuyển nhượng quyền sử dụng đất.",
    "Diện tích thửa đất là 120 mét vuông, mục đích sử dụng đất ở tại đô "
    "thị.",
    "Hồ sơ gồm bản sao giấy khai sinh, sổ hộ khẩu và căn cước công dân.",
    "Phiếu tiếp nhận hồ sơ và hẹn trả kết quả.",
    "Quyết định về việc cấp giấy phép xây dựng nhà ở riêng lẻ.",
    "Thời hạn giải quyết là mười lăm ngày làm việc kể từ ngày nhận đủ hồ "
    "sơ hợp lệ.",
    "Lệ phí đã nộp theo quy định của Hội đồng nhân dân tỉnh.",
    "Bản sao có chứng thực giấy tờ tùy thân của người nộp hồ sơ.",
    "Đề nghị cơ quan có thẩm quyền xem xét giải quyết.",
    "Văn bản ủy quyền có công chứng.",
    "Biên bản kiểm tra hiện trạng sử dụng đất.",
    "Thông báo nộp tiền sử dụng đất và lệ phí trước bạ.",
    "Chứng nhận đăng ký hộ kinh doanh."};
static const char *const types[] = {"application", "application", "other",
                                    "other", "receipt"};

struct person {
	char name[96];
	char id[16];
	char dob[11];
	char address[200];
};

static void make_person(struct person *p)
{
	snprintf(p->name, sizeof(p->name), "%s %s %s", PICK(surnames),
	         PICK(middles), PICK(givens));
	snprintf(p->id, sizeof(p->id), "0%02u%u%02u%06u", next() % 96,
	         next() % 2, next() % 100, next() % 1000000);
	snprintf(p->dob, sizeof(p->dob), "%04u-%02u-%02u", 1940 + next() % 65,
	         1 + next() % 12, 1 + next() % 28);
	snprintf(p->address, sizeof(p->address), "số %u đường %s, %s, %s, %s",
	         1 + next() % 300, PICK(streets), PICK(wards), PICK(districts),
	         PICK(provinces));
}

/* Civil date of day `z` since 1970-01-01 (H. Hinnant's algorithm). */
static void civil(long z, int *y, int *m, int *d)
{
	long era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

/* Case i, received on day i / cases_per_day from 2023-01-01 (day 19358). */
static void case_number(char *out, size_t n, long i, long cases_per_day)
{
	int y, m, d;

	civil(19358 + i / cases_per_day, &y, &m, &d);
	snprintf(out, n, "%s-%02d%02d%02d-%04ld", agencies[i % 4], y % 100, m,
	         d, i % 10000 + 1);
}

static void page_text(char *buf, size_t n, const struct person *p,
                      const char *cn, int page)
{
	size_t len = 0;
	int k = 4 + (int)(next() % 6);

	len += (size_t)snprintf(buf + len, n - len,
	                        "Mã hồ sơ: %s. Trang %d. Họ và tên: %s. "
	                        "Số căn cước công dân: %s. Địa chỉ thường "
	                        "trú: %s. ",
	                        cn, page, p->name, p->id, p->address);
	while (k-- > 0 && len + 300 < n)
		len += (size_t)snprintf(buf + len, n - len, "%s ",
		                        PICK(sentences));
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double pct(double *v, int n, double p)
{
	int i = (int)(p * (n - 1) + 0.5);

	return v[i];
}

/* Our query and the plain FTS5 statement for the same need. */
struct q {
	char ours[160];
	char match[160];  /* FTS5 MATCH, folded */
	long long lo, hi; /* rowid range for the floor, 0: none */
};

enum { C_ID, C_NAME, C_COMMON, C_PHRASE, C_PREFIX, C_DATEWORD, C_N };
static const char *const class_names[C_N] = {
    "exact ID number", "folded name",        "common word (page 1 of 20)",
    "phrase",          "case-number prefix", "date range + word"};

static int make_query(struct q *q, int cls, long ncases, long cases_per_day,
                      sqlite3 *raw)
{
	long i = (long)(next() % (unsigned)ncases);
	char cn[40], *folded = NULL;
	static const char *const common[] = {"dat", "ho so", "giay", "nhan"};
	static const char *const phrases[] = {
	    "quyen su dung dat", "giay xac nhan tinh trang hon nhan",
	    "dang ky khai sinh", "giay phep xay dung"};
	struct person p;

	memset(q, 0, sizeof(*q));
	case_number(cn, sizeof(cn), i, cases_per_day);
	switch (cls) {
	case C_ID: {
		/* regenerate case i's person: same seed scheme as ingest */
		sqlite3_stmt *st = NULL;

		sqlite3_prepare_v2(raw,
		                   "SELECT id_number FROM pages WHERE "
		                   "case_number = ? AND page = 1 AND id_number "
		                   "IS NOT NULL LIMIT 1",
		                   -1, &st, NULL);
		sqlite3_bind_text(st, 1, cn, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW)
			snprintf(p.id, sizeof(p.id), "%s",
			         (const char *)sqlite3_column_text(st, 0));
		else
			snprintf(p.id, sizeof(p.id), "000000000000");
		sqlite3_finalize(st);
		snprintf(q->ours, sizeof(q->ours), "id:%s", p.id);
		snprintf(q->match, sizeof(q->match), "\"%s\"", p.id);
		break;
	}
	case C_NAME: {
		/* the name of case i's person, typed without diacritics */
		sqlite3_stmt *st = NULL;

		sqlite3_prepare_v2(
		    raw,
		    "SELECT name FROM pages WHERE case_number = ?"
		    " AND name != '' LIMIT 1",
		    -1, &st, NULL);
		sqlite3_bind_text(st, 1, cn, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW)
			snprintf(p.name, sizeof(p.name), "%s",
			         (const char *)sqlite3_column_text(st, 0));
		else
			snprintf(p.name, sizeof(p.name), "Nguyễn Thị Liên");
		sqlite3_finalize(st);
		sohoa_text_fold(&folded, p.name);
		snprintf(q->ours, sizeof(q->ours), "name:\"%s\"", folded);
		snprintf(q->match, sizeof(q->match), "name : \"%s\"", folded);
		break;
	}
	case C_COMMON:
		snprintf(q->ours, sizeof(q->ours), "%s", common[next() % 4]);
		if (strchr(q->ours, ' '))
			snprintf(q->match, sizeof(q->match), "ho AND so");
		else
			snprintf(q->match, sizeof(q->match), "%s", q->ours);
		break;
	case C_PHRASE: {
		const char *ph = phrases[next() % 4];

		snprintf(q->ours, sizeof(q->ours), "\"%s\"", ph);
		snprintf(q->match, sizeof(q->match), "\"%s\"", ph);
		break;
	}
	case C_PREFIX: {
		/* agency + YYMM: the cases of one agency in one month */
		char pre[40];
		size_t n = strlen(cn) - 7;

		memcpy(pre, cn, n);
		pre[n] = '\0';
		snprintf(q->ours, sizeof(q->ours), "case:%s*", pre);
		sohoa_text_fold(&folded, pre);
		snprintf(q->match, sizeof(q->match), "\"%s\" *", folded);
		break;
	}
	case C_DATEWORD: {
		/* one month of receipts and a common word */
		sqlite3_stmt *st = NULL;
		char from[11], to[11];
		char d[11];

		sohoa_case_receipt_date(d, cn);
		snprintf(from, sizeof(from), "%.7s-01", d);
		snprintf(to, sizeof(to), "%.7s-31", d);
		snprintf(q->ours, sizeof(q->ours), "date:%s..%s giay", from,
		         to);
		snprintf(q->match, sizeof(q->match), "giay");
		sqlite3_prepare_v2(raw,
		                   "SELECT min(id), max(id) FROM pages WHERE "
		                   "receipt_date BETWEEN ? AND ?",
		                   -1, &st, NULL);
		sqlite3_bind_text(st, 1, from, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, to, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW) {
			q->lo = sqlite3_column_int64(st, 0);
			q->hi = sqlite3_column_int64(st, 1);
		}
		sqlite3_finalize(st);
		break;
	}
	}
	free(folded);
	return 0;
}

int main(int argc, char **argv)
{
	const char *path;
	long npages, ncases, cases_per_day, i;
	int nq, rc;
	sohoa_index *ix = NULL;
	sqlite3 *raw = NULL;
	fts5_api *api = NULL;
	struct stat sb;
	double t0, t1;
	static char texts[PAGES_PER_CASE][4096];
	sohoa_index_page pages[PAGES_PER_CASE];

	if (argc < 2) {
		fprintf(stderr, "usage: index_bench DB [PAGES] [QUERIES]\n");
		return 2;
	}
	path = argv[1];
	npages = argc > 2 ? atol(argv[2]) : 1000000;
	nq = argc > 3 ? atoi(argv[3]) : 200;
	ncases = npages / PAGES_PER_CASE;
	if (ncases < 1) {
		fprintf(stderr, "index_bench: at least %d pages\n",
		        PAGES_PER_CASE);
		return 2;
	}
	/* ~1,000 receipt days (2023-2025) whatever N is */
	cases_per_day = ncases / 1000 > 0 ? ncases / 1000 : 1;
	remove(path);
	{
		char wal[512];

		snprintf(wal, sizeof(wal), "%s-wal", path);
		remove(wal);
		snprintf(wal, sizeof(wal), "%s-shm", path);
		remove(wal);
	}
	if ((rc = sohoa_index_open(&ix, path))) {
		fprintf(stderr, "index_bench: %s\n", sohoa_error_last());
		return 1;
	}
	/* ---- ingest ---- */
	clock_t c0 = clock();

	t0 = now_ms();
	for (i = 0; i < ncases; i++) {
		struct person p;
		char cn[40], capture[24];
		int k;

		case_number(cn, sizeof(cn), i, cases_per_day);
		make_person(&p);
		snprintf(capture, sizeof(capture), "20%.2s-%.2s-%.2sT09:00:00Z",
		         strchr(cn, '-') + 1, strchr(cn, '-') + 3,
		         strchr(cn, '-') + 5);
		memset(pages, 0, sizeof(pages));
		for (k = 0; k < PAGES_PER_CASE; k++) {
			page_text(texts[k], sizeof(texts[k]), &p, cn, k + 1);
			pages[k].component = k == 0 ? "CCCD"
			                     : k < PAGES_PER_CASE - 1
			                         ? "Đơn"
			                         : "Kết quả";
			pages[k].kind =
			    k < PAGES_PER_CASE - 1 ? "component" : "result";
			pages[k].page =
			    k == 0 || k == PAGES_PER_CASE - 1 ? 1 : k;
			pages[k].document_type =
			    k == 0 ? "cccd" : types[next() % 5];
			pages[k].capture_time = capture;
			pages[k].text = texts[k];
			pages[k].procedure_code = "1.001234";
			if (k == 0) {
				pages[k].id_number = p.id;
				pages[k].full_name = p.name;
				pages[k].date_of_birth = p.dob;
			}
		}
		if (sohoa_index_put_case(ix, cn, "/bench/x.zip", pages,
		                         PAGES_PER_CASE)) {
			fprintf(stderr, "index_bench: %s: %s\n", cn,
			        sohoa_error_last());
			return 1;
		}
		if ((i + 1) % 10000 == 0)
			fprintf(stderr, "  %ld pages, %.0f pages/s\n",
			        (i + 1) * PAGES_PER_CASE,
			        (i + 1) * PAGES_PER_CASE * 1e3 /
			            (now_ms() - t0));
	}
	t1 = now_ms();
	double cpu_s = (double)(clock() - c0) / CLOCKS_PER_SEC;

	sohoa_index_close(ix);
	ix = NULL;
	if ((rc = sohoa_index_open(&ix, path)))
		return 1;
	{
		/* checkpoint so the size is the database's, not the WAL's */
		sqlite3_open(path, &raw);
		sqlite3_exec(raw, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL,
		             NULL);
	}
	stat(path, &sb);
	printf("pages %ld in %ld cases\n", ncases * PAGES_PER_CASE, ncases);
	printf("ingest %.0f pages/s (%.1f s)\n",
	       ncases * PAGES_PER_CASE * 1e3 / (t1 - t0), (t1 - t0) / 1e3);
	printf("ingest %.0f pages per CPU second (%.1f s CPU: the machine "
	       "is shared)\n",
	       ncases * PAGES_PER_CASE / cpu_s, cpu_s);
	printf("index %.0f bytes/page (%.1f MB)\n",
	       (double)sb.st_size / (double)(ncases * PAGES_PER_CASE),
	       sb.st_size / 1e6);
	sohoa_index__register_tokenizer(raw, &api);

	/* ---- queries ---- */
	printf("\n%-28s %9s %9s %9s   %9s %9s %9s   %s\n", "class", "p50 ms",
	       "p95 ms", "p99 ms", "floor p50", "floor p95", "floor p99",
	       "ratio p95");
	for (int cls = 0; cls < C_N; cls++) {
		double *ours = calloc((size_t)nq, sizeof(double));
		double *floor = calloc((size_t)nq, sizeof(double));
		long long hits_total = 0;

		for (int k = 0; k < nq; k++) {
			struct q q;
			sohoa_index_hit *hits = NULL;
			size_t n = 0;
			sqlite3_stmt *st = NULL;
			double a;

			make_query(&q, cls, ncases, cases_per_day, raw);
			a = now_ms();
			if (sohoa_index_search(&hits, &n, ix, q.ours, 20, 0)) {
				fprintf(stderr, "%s: %s\n", q.ours,
				        sohoa_error_last());
				return 1;
			}
			ours[k] = now_ms() - a;
			hits_total += (long long)n;
			sohoa_index_hits_free(hits, n);

			a = now_ms();
			sqlite3_prepare_v2(
			    raw,
			    q.lo ? "SELECT rowid, snippet(page_fts, -1, '[', "
			           "']',"
			           " '...', 12) FROM page_fts WHERE page_fts "
			           "MATCH"
			           " ?1 AND rowid BETWEEN ?2 AND ?3 ORDER BY"
			           " bm25(page_fts) LIMIT 20"
			         : "SELECT rowid, snippet(page_fts, -1, '[', "
			           "']',"
			           " '...', 12) FROM page_fts WHERE page_fts "
			           "MATCH"
			           " ?1 ORDER BY bm25(page_fts) LIMIT 20",
			    -1, &st, NULL);
			sqlite3_bind_text(st, 1, q.match, -1, SQLITE_STATIC);
			if (q.lo) {
				sqlite3_bind_int64(st, 2, q.lo);
				sqlite3_bind_int64(st, 3, q.hi);
			}
			while (sqlite3_step(st) == SQLITE_ROW)
				;
			sqlite3_finalize(st);
			floor[k] = now_ms() - a;
		}
		qsort(ours, (size_t)nq, sizeof(double), cmp_d);
		qsort(floor, (size_t)nq, sizeof(double), cmp_d);
		printf("%-28s %9.2f %9.2f %9.2f   %9.2f %9.2f %9.2f   %.2f"
		       "  (%.1f hits/query)\n",
		       class_names[cls], pct(ours, nq, .5), pct(ours, nq, .95),
		       pct(ours, nq, .99), pct(floor, nq, .5),
		       pct(floor, nq, .95), pct(floor, nq, .99),
		       pct(ours, nq, .95) / pct(floor, nq, .95),
		       (double)hits_total / nq);
		free(ours);
		free(floor);
	}
	{
		long long c = 0;
		double a = now_ms();

		sohoa_index_count(&c, ix, "dat");
		printf("\ncount of 'dat': %lld pages in %.1f ms\n", c,
		       now_ms() - a);
	}
	sqlite3_close(raw);
	sohoa_index_close(ix);
	return 0;
}
