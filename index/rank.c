/* rank.c -- sohoa_rank(), an FTS5 auxiliary function: bm25 without its
 * IDF term.  FTS5's bm25() counts, once per query, the documents holding
 * each phrase, which for a phrase means matching positions on every page
 * that has its words: seconds for "quyen su dung dat" at a million pages,
 * however few candidates are then scored.  Candidates (search.c) all
 * match the query, so term frequency against page length (k1 = 1.2,
 * b = 0.75, as bm25) orders them; IDF would only weigh the phrases of a
 * query against each other.  Lower is better, like bm25().
 */
#include "index/index.h"

#include <sqlite3.h>
#include <stdlib.h>

#include "config/config.h"
#include "index_int.h"

#define K1 1.2
#define B  0.75

static void rank_fn(const Fts5ExtensionApi *api, Fts5Context *fts,
                    sqlite3_context *ctx, int nval, sqlite3_value **val)
{
	sqlite3_int64 rows = 0, total = 0;
	int nphrase = api->xPhraseCount(fts), ninst = 0, len = 0, i;
	int stack[16], *hits = stack;
	double avg, score = 0.0;

	(void)nval, (void)val;
	if (nphrase > 16 &&
	    !(hits = sqlite3_malloc64(sizeof(int) * (size_t)nphrase))) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	for (i = 0; i < nphrase; i++)
		hits[i] = 0;
	if (api->xRowCount(fts, &rows) != SQLITE_OK ||
	    api->xColumnTotalSize(fts, -1, &total) != SQLITE_OK ||
	    api->xColumnSize(fts, -1, &len) != SQLITE_OK ||
	    api->xInstCount(fts, &ninst) != SQLITE_OK) {
		sqlite3_result_error(ctx, "sohoa_rank: no statistics", -1);
		goto done;
	}
	for (i = 0; i < ninst; i++) {
		int ph, col, off;

		if (api->xInst(fts, i, &ph, &col, &off) == SQLITE_OK &&
		    ph >= 0 && ph < nphrase)
			hits[ph]++;
	}
	avg = rows > 0 ? (double)total / (double)rows : 1.0;
	if (avg <= 0)
		avg = 1.0;
	for (i = 0; i < nphrase; i++)
		score += hits[i] * (K1 + 1.0) /
		         (hits[i] + K1 * (1.0 - B + B * len / avg));
	sqlite3_result_double(ctx, -score);
done:
	if (hits != stack)
		sqlite3_free(hits);
}

int sohoa_index__register_rank(fts5_api *api)
{
	int rc = api->xCreateFunction(api, "sohoa_rank", NULL, rank_fn, NULL);

	if (rc != SQLITE_OK)
		return sohoa_error_set(SOHOA_ERROR,
		                       "sqlite: register sohoa_rank: %s",
		                       sqlite3_errstr(rc));
	return SOHOA_OK;
}
