/* sohoa.c -- the `sohoa` command: git-style subcommands.
 *
 * main() strips the global options (--config, -v, -q), sets up the
 * process-wide library state once, and dispatches.
 */
#include "cli_int.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct cli_globals cli_globals;

static int cmd_help(int argc, char **argv);

static const struct cli_command commands[] = {
    {"import", cmd_import, "digitize image files into a case's bundle",
     "usage: sohoa import --case CASE [--component NAME] "
     "[--kind component|result] FILE...\n"
     "\n"
     "Reads PNG, JPEG, TIFF (multi-page too) and PNM files, recognizes\n"
     "each page (Tesseract, languages from [ocr] languages), adds them\n"
     "as a component of the case's bundle under [archive] root and\n"
     "indexes the case.  Every file is checked before anything is\n"
     "written.\n"
     "\n"
     "  --case CASE       case number, e.g. 000.00.22.H27-250701-0001\n"
     "  --component NAME  component name (default \"Hồ sơ\")\n"
     "  --kind KIND       component (default) or result\n"
     "\n"
     "example: sohoa import --case 000.00.22.H27-250701-0001 "
     "--component \"Tờ khai\" to-khai.png\n"},
    {"append", cmd_append, "add a component or result to a case's bundle",
     "usage: sohoa append --case CASE --component NAME "
     "[--kind component|result] FILE...\n"
     "\n"
     "Like import, for a case that already has a bundle: the files are\n"
     "checked, recognized and added as a new revision (a supplement, or\n"
     "the result with --kind result); earlier entries are carried over\n"
     "byte-identical.  Pages of an existing component go after its\n"
     "pages.  A case without a bundle is refused (use import).\n"
     "\n"
     "example: sohoa append --case 000.00.22.H27-250701-0001 "
     "--component \"Kết quả\" --kind result giay-phep.tif\n"},
    {"scan", cmd_scan, "scan paper from a SANE scanner into a case",
     "usage: sohoa scan --case CASE [--component NAME] [--kind KIND]\n"
     "                  [--device DEV] [--source flatbed|adf|duplex]\n"
     "                  [--dpi N] [--mode color|gray|lineart]\n"
     "                  [--max-pages N] [--set NAME=VALUE]...\n"
     "       sohoa scan --resume JOB [--set NAME=VALUE]...\n"
     "       sohoa scan --daemon [--hold] --case CASE [options as above]\n"
     "\n"
     "Scans pages (flatbed: one; adf/duplex: until the feeder is empty)\n"
     "into a spool job, each page journaled as soon as it is on disk,\n"
     "then recognizes them, adds them to the case's bundle and indexes\n"
     "the case.  Defaults come from [scanner].  --set passes a device\n"
     "option by its SANE name, as scanimage does.\n"
     "\n"
     "On a device fault (paper jam, cover open...) the pages scanned so\n"
     "far stay in the job and the message gives the job id.  --resume\n"
     "JOB continues that job (or one cut short by a crash, see 'sohoa\n"
     "jobs') into the same case and component, then files it; an empty\n"
     "feeder then just files what the job holds.\n"
     "\n"
     "--daemon hands the scan to sohoad's queue (see 'sohoa status').\n"
     "--capture-only (for sohoad's use) stops after capture, leaving the\n"
     "job captured in the spool for sohoad's OCR, packing and indexing.\n"
     "--hold (with --daemon) makes the job a front-desk draft: sohoad\n"
     "recognizes it but files it only once staff commit it on the\n"
     "Tiếp nhận page (docs/http-api.md).\n"
     "\n"
     "example: sohoa scan --case 000.00.22.H27-250701-0001 --device "
     "pnm:0 --set filename=page.pnm\n"},
    {"batch", cmd_batch, "file a stack of scanned results to their cases",
     "usage: sohoa batch [--component NAME] DIR|FILE...\n"
     "\n"
     "Reads a stack of scanned result documents (files in order, folders\n"
     "by file name; multi-page TIFFs page by page), possibly for many\n"
     "cases.  A page with a case number (QR or barcode first, then the\n"
     "text 'Mã hồ sơ') starts a document; pages without one belong to the\n"
     "document before them.  A receipt slip (Giấy tiếp nhận hồ sơ) is a\n"
     "separator sheet: kept with the report, not filed.  Each document is\n"
     "appended to its case's bundle as a result (default component\n"
     "\"Kết quả\"), creating the bundle when the case is not archived.\n"
     "Whatever cannot be filed with confidence goes to the review folder.\n"
     "A JSON report is written under [batch] reports.  Exit 1 when\n"
     "anything went to review.\n"
     "\n"
     "example: sohoa batch /srv/scans/ket-qua-2025-07-01/\n"},
    {"review", cmd_review, "list or file pages waiting for review",
     "usage: sohoa review [--json]\n"
     "       sohoa review file ITEM --case CASE [--component NAME]\n"
     "                             [--kind result|component]\n"
     "\n"
     "Without arguments, lists the items in [review] path with why they\n"
     "wait (--json: one array of {item, pages, files, why}).  'file' adds\n"
     "an item's pages to a case (as a result by default) and removes the\n"
     "item once the bundle is verified.\n"
     "\n"
     "example: sohoa review file batch-20250701-093000-42-01 --case "
     "H27.151-251008-090123\n"},
    {"hotfolder", cmd_hotfolder, "take in the files dropped in the hot folder",
     "usage: sohoa hotfolder --once\n"
     "\n"
     "Looks at [hotfolder] path twice, [hotfolder] stable_seconds apart,\n"
     "and takes each file whose size and mtime did not change: named\n"
     "CASE.ext or CASE__COMPONENT.ext (TIFF, PNG, JPEG, PNM), it is\n"
     "imported into the spool, filed into the case's bundle, and the\n"
     "original removed.  Files that cannot be taken go to failed/ with a\n"
     "NAME.why beside them; a file whose content was taken before goes\n"
     "to duplicates/.  sohoad does this every poll_seconds.\n"
     "\n"
     "example: sohoa hotfolder --once\n"},
    {"jobs", cmd_jobs, "list the capture jobs waiting in the spool",
     "usage: sohoa jobs\n"
     "\n"
     "One line per job folder under [spool] path, tab-separated: job id,\n"
     "state, pages journaled, case, component, device (or original\n"
     "file), and the fault message.  States: running (a process holds\n"
     "it), interrupted (its process died while capturing), faulted (a\n"
     "device fault), captured and filing (pages all in, not yet filed),\n"
     "filed (in the bundle, not yet indexed), draft (a front-desk scan\n"
     "held until staff commit it on the Tiếp nhận page).\n"
     "Continue any of them but drafts with 'sohoa scan --resume JOB'.\n"},
    {"status", cmd_status, "what sohoad is doing: queues, jobs, rates",
     "usage: sohoa status [--json]\n"
     "\n"
     "Asks sohoad for its queues (OCR, pages waiting in the spool, pack,\n"
     "index), OCR workers busy, jobs in flight with pages captured and\n"
     "recognized, scans queued and running, pages per minute over the\n"
     "last 1 and 10 minutes, and the last errors.  --json prints one\n"
     "JSON object.  Without a running sohoad it says so, lists what the\n"
     "spool holds and exits 3.\n"},
    {"devices", cmd_devices, "list the scanners SANE can see",
     "usage: sohoa devices [--json]\n"
     "  --json  one JSON array: name, vendor, model, type, sources, modes,\n"
     "          resolutions, dpi_min, dpi_max, unmapped, error\n"},
    {"search", cmd_search, "search the index",
     "usage: sohoa search [--limit N] [--offset N] [--json] WORDS...\n"
     "\n"
     "Finds pages holding all the words, with or without diacritics\n"
     "(\"nguyen thi lien\" finds \"NGUYỄN THỊ LIÊN\"); \"quoted phrases\"\n"
     "match adjacent words.  Prints case number, component, page,\n"
     "document type, score and a snippet with matches in [brackets].\n"
     "\n"
     "example: sohoa search nguyen thi lien\n"},
    {"ocr", cmd_ocr, "analyse and recognize image files",
     "usage: sohoa ocr [--json] FILE...\n"
     "\n"
     "Prints, per page, orientation, skew, blankness, codes, the case\n"
     "number found and the text; --json prints one JSON object per page.\n"
     "\n"
     "example: sohoa ocr --json receipt.png\n"},
    {"verify", cmd_verify, "check case bundles",
     "usage: sohoa verify [--json] BUNDLE... | --all\n"
     "\n"
     "Checks zip integrity, every manifest line, Payload-Oxum, the\n"
     "metadata and the signature of every revision (against [archive]\n"
     "trust_ca; says who signed and when; an unsigned bundle is a note,\n"
     "or a failure with [archive] require_signature = true).  Exit 0\n"
     "only when everything holds.  --json: one JSON object per bundle\n"
     "(docs/bundle-format.md).\n"
     "\n"
     "example: sohoa verify --all\n"},
    {"show", cmd_show, "print a case: components, pages, revisions",
     "usage: sohoa show [--json] CASE\n"
     "\n"
     "Prints the case from its bundle: components, pages (image, dpi,\n"
     "colour mode, document type, source, capture), fields, revisions\n"
     "and events.  --json prints the bundle's data/metadata.json.\n"
     "CASE is a case number (bundle under [archive] root) or a path to\n"
     "a bundle.  Each show is recorded in ARCHIVE_ROOT/access.log.\n"
     "\n"
     "example: sohoa show 000.00.22.H27-250701-0001\n"},
    {"extract", cmd_extract, "copy a case's page masters out",
     "usage: sohoa extract [--component NAME] CASE DIR\n"
     "\n"
     "Verifies the bundle, then writes every page master (or those of\n"
     "one component) byte-identical as DIR/<folder>/NNNN.<ext>, the\n"
     "names they have in the bundle, and prints each path.  Existing\n"
     "files of the same name are replaced.  Each extract is recorded\n"
     "in ARCHIVE_ROOT/access.log.\n"
     "\n"
     "example: sohoa extract 000.00.22.H27-250701-0001 /tmp/out\n"},
    {"reindex", cmd_reindex, "rebuild the index from the bundles",
     "usage: sohoa reindex [--all | CASE...]\n"
     "\n"
     "Re-reads bundles under [archive] root and replaces what the index\n"
     "holds for each case.  With no argument, --all.\n"
     "\n"
     "example: sohoa reindex --all\n"},
    {"config", cmd_config, "check or show the configuration",
     "usage: sohoa config check [FILE]\n"
     "       sohoa config show\n"
     "\n"
     "check: report every problem with FILE:LINE (unknown section or\n"
     "key, bad value, unwritable folder); exit 1 when there is one.\n"
     "show: print the effective configuration and where each value\n"
     "came from.  The file is --config FILE, else $SOHOA_CONFIG, else\n"
     "/etc/sohoa/sohoa.conf, else built-in defaults.\n"},
    {"user", cmd_user, "manage the staff accounts of the web pages",
     "usage: sohoa user add NAME --role ROLE [--password-stdin]\n"
     "       sohoa user passwd NAME [--password-stdin]\n"
     "       sohoa user del NAME\n"
     "       sohoa user list [--json]\n"
     "\n"
     "ROLE is front_desk, archivist or admin.  The password (at least 8\n"
     "characters) is asked twice on the terminal, or read as one line of\n"
     "standard input with --password-stdin; only a scrypt hash of it is\n"
     "kept in [web] users.  Changes are written to the audit trail.\n"
     "\n"
     "example: sohoa user add lan --role front_desk\n"},
    {"audit", cmd_audit, "check or read the audit trail",
     "usage: sohoa audit verify\n"
     "       sohoa audit show [--user U] [--case C] [--since T] [--until T]"
     " [--json]\n"
     "\n"
     "verify: re-compute the hash chain of [audit] path; exit 1 naming\n"
     "the first line that was changed, removed, added or moved, or when\n"
     "the last entries were removed.\n"
     "show: the entries (seq, time, user, action, case, detail), only\n"
     "those of user U, case C, from T / up to T (UTC, 2026-11-23 or\n"
     "2026-11-23T08:00:00Z; a date covers its whole day).\n"
     "\n"
     "example: sohoa audit show --case 000.00.22.H27-250701-0001\n"},
    {"help", cmd_help, "show help for a command",
     "usage: sohoa help [COMMAND]\n"},
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static const struct cli_command *find_command(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

static void print_overview(FILE *f)
{
	fprintf(f,
	        "sohoa %s -- digitize dossiers: scan, recognize, archive, "
	        "search\n\n"
	        "usage: sohoa [--config FILE] [-v|-q] COMMAND [ARGS]\n\n"
	        "commands:\n",
	        SOHOA_VERSION);
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-9s %s\n", commands[i].name,
		        commands[i].summary);
	fprintf(f, "\n'sohoa help COMMAND' tells more about a command.\n");
}

static int cmd_help(int argc, char **argv)
{
	const struct cli_command *c;

	if (argc < 2) {
		print_overview(stdout);
		return SOHOA_EXIT_OK;
	}
	if (!(c = find_command(argv[1]))) {
		fprintf(stderr, "sohoa: no command '%s'; see 'sohoa help'\n",
		        argv[1]);
		return SOHOA_EXIT_USAGE;
	}
	fputs(c->usage, stdout);
	return SOHOA_EXIT_OK;
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	const struct cli_command *c = find_command(cmd);
	va_list ap;

	fprintf(stderr, "sohoa %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	if (c)
		fputs(c->usage, stderr);
	return SOHOA_EXIT_USAGE;
}

int cli_fail(int rc)
{
	fprintf(stderr, "sohoa: %s\n", sohoa_error_last());
	return sohoa_error_exit_code(rc);
}

int cli_load_config(sohoa_config **out)
{
	int rc = sohoa_config_load(out, cli_globals.config_path);
	int level;

	if (rc != SOHOA_OK)
		return cli_fail(rc) == SOHOA_EXIT_ENV ? SOHOA_EXIT_ENV
		                                      : SOHOA_EXIT_FAIL;
	level = sohoa_log_level_parse(sohoa_config_get(*out, "log.level"));
	if (cli_globals.verbose)
		level =
		    cli_globals.verbose > 1 ? SOHOA_LOG_DEBUG : SOHOA_LOG_INFO;
	if (cli_globals.quiet)
		level = SOHOA_LOG_ERROR;
	sohoa_log_threshold = level;
	return SOHOA_EXIT_OK;
}

/* Take --config/-v/-q out of argv wherever they stand (before "--"). */
static int strip_globals(int *argc, char **argv)
{
	int w = 1;

	for (int r = 1; r < *argc; r++) {
		const char *a = argv[r];

		if (strcmp(a, "--") == 0) {
			while (r < *argc)
				argv[w++] = argv[r++];
			break;
		}
		if (strcmp(a, "--config") == 0) {
			if (r + 1 >= *argc) {
				fprintf(stderr,
				        "sohoa: --config needs a FILE\n");
				return -1;
			}
			cli_globals.config_path = argv[++r];
		} else if (strncmp(a, "--config=", 9) == 0) {
			cli_globals.config_path = a + 9;
		} else if (strcmp(a, "-v") == 0 ||
		           strcmp(a, "--verbose") == 0) {
			cli_globals.verbose++;
		} else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
			cli_globals.quiet = 1;
		} else {
			argv[w++] = argv[r];
		}
	}
	argv[w] = NULL;
	*argc = w;
	return 0;
}

int main(int argc, char **argv)
{
	const struct cli_command *c;
	int rc;

	cli_reexec_single_threaded_omp(argv);
	if (strip_globals(&argc, argv) != 0)
		return SOHOA_EXIT_USAGE;
	if (argc < 2) {
		print_overview(stderr);
		return SOHOA_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
		printf("sohoa %s\n", SOHOA_VERSION);
		return SOHOA_EXIT_OK;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return cmd_help(1, argv);
	if (!(c = find_command(argv[1]))) {
		fprintf(stderr,
		        "sohoa: '%s' is not a sohoa command; see 'sohoa "
		        "help'\n",
		        argv[1]);
		return SOHOA_EXIT_USAGE;
	}
	/* subcommand sees argv[0] = its own name */
	if (argc > 2 &&
	    (!strcmp(argv[2], "--help") || !strcmp(argv[2], "-h"))) {
		fputs(c->usage, stdout);
		return SOHOA_EXIT_OK;
	}
	rc = c->run(argc - 1, argv + 1);
	fflush(stdout);
	return rc;
}
