/* batch_int.h -- the result-batch engine (batch.c) shared by `sohoa batch`
 * (cmd_batch.c) and the batch folder (cli_batch_ingest, also in sohoad).
 */
#ifndef SOHOA_CLI_BATCH_INT_H
#define SOHOA_CLI_BATCH_INT_H

#include "cli_int.h"

#include <jansson.h>

struct doc {
	char case_number[SOHOA_CASE_MAX]; /* "" when none can be trusted */
	char *candidate; /* owned: the untrusted case number shown, or NULL */
	int hold;        /* 1: goes to review, never filed by a guess */
	long separator;  /* page index of its separator sheet, or -1 */
	size_t first;    /* first page index */
	size_t n;        /* pages */
	char *bundle;    /* owned, once filed */
	int created;
	char *review; /* owned: review item, when not filed */
	char *why;    /* owned: why not */
};

struct batch {
	const sohoa_config *cfg;
	char id[64];
	const char *component;
	struct cli_job job; /* the spool of every readable page */
	sohoa_ocr_result *results;
	char **json;
	struct doc *docs;
	size_t ndocs;
	json_t *review;     /* array of {item, pages, why} */
	json_t *inputs;     /* array of input names */
	json_t *separators; /* array of kept separator copies */
	int nreview;
	int failures;       /* items that could not even be put in review */
	int filed;          /* documents written to a bundle */
	const char *sha256; /* the hot-folder input's SHA-256, or NULL */
	int print; /* print the text report (the command, not sohoad) */
};

/* Expand folders into their files, sorted by name (scan order). */
int cli_batch_gather(char ***out, size_t *n_out, char **args, int nargs);

/* Run a prepared batch over `files`: spool every readable page, OCR,
 * separate, file, write the report (*report: its path, owned).
 * Unreadable inputs go to review. */
int cli_batch_run(struct batch *b, char **files, size_t nfiles, char **report);

void cli_batch_dispose(struct batch *b);

#endif /* SOHOA_CLI_BATCH_INT_H */
