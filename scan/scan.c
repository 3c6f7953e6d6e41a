#if defined(SOHOA_DEFERRED_CANCEL)
#define _GNU_SOURCE /* RTLD_NEXT */
#endif
/* scan.c -- SANE capture into TIFF masters, streamed line by line.
 *
 * Holds a SANE_Handle per run and a TIFF * per page.  Page data goes from
 * sane_read() straight into TIFFWriteScanline(), so memory stays flat
 * however long the batch; each page file is fsynced (and its folder)
 * before the callback hears of it.
 */
#include "scan/scan.h"

#include "config/config.h"

#include <sane/sane.h>
#include <sane/saneopts.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <time.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <tiffio.h>
#include <unistd.h>

#if defined(SOHOA_DEFERRED_CANCEL)
#include <dlfcn.h>
#include <pthread.h>
#include <stdatomic.h>

/* Every build (CMakeLists.txt defines the macro and links every executable
 * with -rdynamic, so that the dlopen'ed backend binds to this symbol).
 *
 * SANE's test backend runs its reader as a thread that sets
 * PTHREAD_CANCEL_ASYNCHRONOUS (sanei_thread.c, local_thread), and
 * finish_pass() cancels it at the end of every frame and on sane_cancel.
 * A thread cancelled asynchronously while inside ASan's allocator (its first
 * malloc refills the thread's cache under a size-class mutex) dies holding
 * that mutex, and the next malloc of that size in any thread waits forever:
 * seen here as test_scan hanging in libjpeg's malloc, 13 runs in 31.
 *
 * Asynchronous requests are made deferred: the reader is then cancelled at
 * its next cancellation point (the write() to the pipe, usleep() for
 * read-delay) or simply finishes, never inside malloc/free.  finish_pass()
 * closes the read end of the pipe before it cancels, so a reader blocked in
 * write() wakes up either way.  Nothing else in the backend, and nothing in
 * sohoa, changes: sohoa sees the same sane_read/sane_cancel results.
 * glibc's malloc is no more async-cancel-safe than ASan's: the normal build
 * hung the same way, rarely (a foreground `sohoa scan --resume` with the
 * test backend, stuck on a futex), so the shim is in every build. */
static atomic_int deferred_cancels;

/* How many asynchronous cancel requests were made deferred (test_scan
 * checks the shim is in use).  Not in scan.h: a test hook. */
int sohoa_scan_deferred_cancels(void);
int sohoa_scan_deferred_cancels(void)
{
	return atomic_load(&deferred_cancels);
}

int pthread_setcanceltype(int type, int *oldtype)
{
	int (*real)(int, int *) =
	    (int (*)(int, int *))dlsym(RTLD_NEXT, "pthread_setcanceltype");

	if (!real)
		abort();
	if (type == PTHREAD_CANCEL_ASYNCHRONOUS) {
		type = PTHREAD_CANCEL_DEFERRED;
		atomic_fetch_add(&deferred_cancels, 1);
	}
	return real(type, oldtype);
}
#endif

static volatile sig_atomic_t cancel_requested;

/* Some backends start their reader as a thread that sets SIGTERM back to
 * the default action for the whole process (Debian's `test` backend does:
 * code written for forked readers), so SIGTERM would kill sohoa instead
 * of stopping it at a page boundary.  The caller's disposition is saved
 * when a run starts and put back after every sane_start and sane_read. */
static struct sigaction saved_term;
static int saved_term_valid;

static void keep_sigterm(void)
{
	struct sigaction now;

	if (saved_term_valid && sigaction(SIGTERM, NULL, &now) == 0 &&
	    now.sa_handler != saved_term.sa_handler)
		sigaction(SIGTERM, &saved_term, NULL);
}

void sohoa_scan_cancel(void)
{
	cancel_requested = 1;
}

int sohoa_scan_init(void)
{
	SANE_Int version = 0;
	SANE_Status st = sane_init(&version, NULL);

	if (st != SANE_STATUS_GOOD)
		return sohoa_error_set(SOHOA_EENV, "sane_init: %s",
		                       sane_strstatus(st));
	return SOHOA_OK;
}

void sohoa_scan_exit(void)
{
#if defined(SOHOA_SANITIZED)
	/* Sanitizer builds keep the backends loaded: SANE's test backend
	 * leaks its reader thread's buffers, and once sane_exit() has
	 * unloaded libsane-test.so LeakSanitizer reports them from an
	 * "<unknown module>" that tests/lsan.supp cannot name (STYLE.md R9).
	 * The process is ending either way. */
	return;
#else
	sane_exit();
#endif
}

/* SANE status -> return code and an operator message that says what to
 * do.  One table, one place. */
static int sane_fail(SANE_Status st, const char *what, const char *dev)
{
	switch (st) {
	case SANE_STATUS_NO_DOCS:
		return sohoa_error_set(SOHOA_ENODOCS,
		                       "%s: feeder empty on %s: load the pages "
		                       "and scan again",
		                       what, dev);
	case SANE_STATUS_JAMMED:
		return sohoa_error_set(
		    SOHOA_EIO,
		    "%s: paper jam on %s: clear the feeder "
		    "and put back the sheets not yet scanned",
		    what, dev);
	case SANE_STATUS_COVER_OPEN:
		return sohoa_error_set(
		    SOHOA_EIO, "%s: cover open on %s: close it", what, dev);
	case SANE_STATUS_DEVICE_BUSY:
		return sohoa_error_set(SOHOA_EBUSY,
		                       "%s: %s is busy: wait for the other job "
		                       "or close the other program using it",
		                       what, dev);
	case SANE_STATUS_NO_MEM:
		return sohoa_error_set(SOHOA_ENOMEM, "%s: %s: out of memory",
		                       what, dev);
	case SANE_STATUS_ACCESS_DENIED:
		return sohoa_error_set(SOHOA_EENV,
		                       "%s: access to %s denied: check the "
		                       "user's scanner permissions",
		                       what, dev);
	case SANE_STATUS_CANCELLED:
		return sohoa_error_set(SOHOA_ECANCELLED, "%s: %s: cancelled",
		                       what, dev);
	case SANE_STATUS_INVAL:
		return sohoa_error_set(SOHOA_EINVALID, "%s: %s: %s", what, dev,
		                       sane_strstatus(st));
	default:
		return sohoa_error_set(SOHOA_EIO,
		                       "%s: %s: %s: check the cable and power, "
		                       "then scan again",
		                       what, dev, sane_strstatus(st));
	}
}

/* ---- option names: vendors' words mapped to sohoa's ---------------------- */

struct alias {
	const char *ours;
	const char *theirs[8];
};

/* Row order is bit order: SOHOA_SCAN_SRC_* and SOHOA_SCAN_MODE_*. */
static const struct alias source_names[] = {
    {"flatbed", {"Flatbed", "FlatBed", "Normal", "Document Table", NULL}},
    {"adf",
     {"ADF", "ADF Front", "Automatic Document Feeder", "Document Feeder",
      "ADF Simplex", "Automatic Document Feeder(left aligned)", NULL}},
    {"duplex",
     {"ADF Duplex", "Duplex",
      "Automatic Document Feeder(centrally aligned,Duplex)",
      "ADF Duplex - Long-Edge Binding", NULL}},
};

static const struct alias mode_names[] = {
    {"color", {"Color", "Colour", "24bit Color", "Color24", NULL}},
    {"gray", {"Gray", "Grayscale", "Greyscale", "8bit Gray", "Gray8", NULL}},
    {"lineart",
     {"Lineart", "Binary", "Black & White", "Monochrome", "LineArt", NULL}},
};

/* Find the device's word for our `ours` among the option's string list.
 * NULL when the device offers none (never guessed). */
static const char *map_choice(const struct alias *tab, size_t n,
                              const char *ours,
                              const SANE_String_Const *offered)
{
	for (size_t i = 0; i < n; i++) {
		if (strcmp(tab[i].ours, ours) != 0)
			continue;
		for (size_t j = 0; tab[i].theirs[j]; j++)
			for (size_t k = 0; offered && offered[k]; k++)
				if (strcasecmp(tab[i].theirs[j], offered[k]) ==
				    0)
					return offered[k];
	}
	return NULL;
}

/* ---- options ------------------------------------------------------------- */

static int find_option(SANE_Handle h, const char *name,
                       const SANE_Option_Descriptor **d_out)
{
	SANE_Int n = 0;

	if (sane_control_option(h, 0, SANE_ACTION_GET_VALUE, &n, NULL) !=
	    SANE_STATUS_GOOD)
		return -1;
	for (SANE_Int i = 1; i < n; i++) {
		const SANE_Option_Descriptor *d =
		    sane_get_option_descriptor(h, i);

		if (d && d->name && strcmp(d->name, name) == 0) {
			*d_out = d;
			return i;
		}
	}
	return -1;
}

/* A readable description of what values an option takes. */
static void describe_valid(char *buf, size_t size,
                           const SANE_Option_Descriptor *d)
{
	size_t len = 0;

	buf[0] = '\0';
	if (d->constraint_type == SANE_CONSTRAINT_STRING_LIST) {
		for (size_t i = 0; d->constraint.string_list[i]; i++)
			len += (size_t)snprintf(
			    buf + len, len < size ? size - len : 0, "%s'%s'",
			    i ? ", " : "", d->constraint.string_list[i]);
	} else if (d->constraint_type == SANE_CONSTRAINT_RANGE) {
		const SANE_Range *r = d->constraint.range;

		if (d->type == SANE_TYPE_FIXED)
			snprintf(buf, size, "%g..%g", SANE_UNFIX(r->min),
			         SANE_UNFIX(r->max));
		else
			snprintf(buf, size, "%d..%d", r->min, r->max);
	} else if (d->constraint_type == SANE_CONSTRAINT_WORD_LIST) {
		const SANE_Word *w = d->constraint.word_list;

		for (SANE_Int i = 1; i <= w[0]; i++)
			len += (size_t)snprintf(
			    buf + len, len < size ? size - len : 0, "%s%g",
			    i > 1 ? ", " : "",
			    d->type == SANE_TYPE_FIXED ? SANE_UNFIX(w[i])
			                               : (double)w[i]);
	} else if (d->type == SANE_TYPE_BOOL) {
		snprintf(buf, size, "yes, no");
	} else {
		snprintf(buf, size, "any %s",
		         d->type == SANE_TYPE_STRING ? "text" : "number");
	}
}

static int list_options(char *buf, size_t size, SANE_Handle h)
{
	SANE_Int n = 0;
	size_t len = 0;

	buf[0] = '\0';
	sane_control_option(h, 0, SANE_ACTION_GET_VALUE, &n, NULL);
	for (SANE_Int i = 1; i < n; i++) {
		const SANE_Option_Descriptor *d =
		    sane_get_option_descriptor(h, i);

		if (!d || !d->name || !d->name[0] ||
		    !SANE_OPTION_IS_SETTABLE(d->cap) ||
		    d->type == SANE_TYPE_GROUP)
			continue;
		len += (size_t)snprintf(buf + len, len < size ? size - len : 0,
		                        "%s%s", len ? ", " : "", d->name);
	}
	return 0;
}

/* Set option `name` to the text `value`, checked against the device's
 * constraint.  `dev` for messages. */
static int set_option(SANE_Handle h, const char *dev, const char *name,
                      const char *value)
{
	const SANE_Option_Descriptor *d = NULL;
	char valid[1024];
	SANE_Status st;
	SANE_Int info = 0;
	int i = find_option(h, name, &d);

	if (i < 0 || !SANE_OPTION_IS_ACTIVE(d->cap) ||
	    !SANE_OPTION_IS_SETTABLE(d->cap)) {
		list_options(valid, sizeof(valid), h);
		return sohoa_error_set(SOHOA_EINVALID,
		                       "device %s has no settable option '%s'; "
		                       "its options: %s",
		                       dev, name, valid);
	}
	describe_valid(valid, sizeof(valid), d);
	switch (d->type) {
	case SANE_TYPE_BOOL: {
		SANE_Bool b;

		if (!strcasecmp(value, "yes") || !strcasecmp(value, "true") ||
		    !strcmp(value, "1"))
			b = SANE_TRUE;
		else if (!strcasecmp(value, "no") ||
		         !strcasecmp(value, "false") || !strcmp(value, "0"))
			b = SANE_FALSE;
		else
			goto bad;
		st =
		    sane_control_option(h, i, SANE_ACTION_SET_VALUE, &b, &info);
		break;
	}
	case SANE_TYPE_INT:
	case SANE_TYPE_FIXED: {
		char *end;
		double v = strtod(value, &end);
		SANE_Word w;

		if (end == value || *end != '\0' ||
		    d->size != sizeof(SANE_Word))
			goto bad;
		w = d->type == SANE_TYPE_FIXED ? SANE_FIX(v) : (SANE_Word)v;
		if (d->constraint_type == SANE_CONSTRAINT_RANGE &&
		    (w < d->constraint.range->min ||
		     w > d->constraint.range->max))
			goto bad;
		st =
		    sane_control_option(h, i, SANE_ACTION_SET_VALUE, &w, &info);
		break;
	}
	case SANE_TYPE_STRING: {
		char *buf;

		if (d->constraint_type == SANE_CONSTRAINT_STRING_LIST) {
			int ok = 0;

			for (size_t k = 0; d->constraint.string_list[k]; k++)
				ok |= strcmp(d->constraint.string_list[k],
				             value) == 0;
			if (!ok)
				goto bad;
		}
		if (strlen(value) + 1 > (size_t)d->size)
			goto bad;
		if (!(buf = calloc(1, (size_t)d->size)))
			return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
		strcpy(buf, value);
		st = sane_control_option(h, i, SANE_ACTION_SET_VALUE, buf,
		                         &info);
		free(buf);
		break;
	}
	case SANE_TYPE_BUTTON:
		st = sane_control_option(h, i, SANE_ACTION_SET_VALUE, NULL,
		                         &info);
		break;
	default:
		goto bad;
	}
	if (st == SANE_STATUS_INVAL)
		goto bad;
	if (st != SANE_STATUS_GOOD)
		return sane_fail(st, "set option", dev);
	return SOHOA_OK;
bad:
	return sohoa_error_set(SOHOA_EINVALID,
	                       "device %s: bad value '%s' for option '%s'; "
	                       "valid: %s",
	                       dev, value, name, valid);
}

static int get_int_option(SANE_Handle h, const char *name, int *out)
{
	const SANE_Option_Descriptor *d = NULL;
	SANE_Word w;
	int i = find_option(h, name, &d);

	if (i < 0 || d->size != sizeof(SANE_Word) ||
	    (d->type != SANE_TYPE_INT && d->type != SANE_TYPE_FIXED) ||
	    sane_control_option(h, i, SANE_ACTION_GET_VALUE, &w, NULL) !=
	        SANE_STATUS_GOOD)
		return -1;
	*out = d->type == SANE_TYPE_FIXED ? (int)(SANE_UNFIX(w) + 0.5) : w;
	return 0;
}

/* Map one of sohoa's words (source/mode) onto the device's option. */
static int set_mapped(SANE_Handle h, const char *dev, const char *option,
                      const struct alias *tab, size_t n, const char *ours)
{
	const SANE_Option_Descriptor *d = NULL;
	const char *theirs;

	if (find_option(h, option, &d) < 0 ||
	    d->constraint_type != SANE_CONSTRAINT_STRING_LIST) {
		if (strcmp(ours, "flatbed") == 0 || strcmp(option, "mode") == 0)
			return SOHOA_OK; /* nothing to choose: the default */
		return sohoa_error_set(SOHOA_EINVALID,
		                       "device %s has no %s option, so it "
		                       "cannot scan with %s '%s'",
		                       dev, option, option, ours);
	}
	if (!(theirs = map_choice(tab, n, ours, d->constraint.string_list))) {
		char valid[1024];

		describe_valid(valid, sizeof(valid), d);
		return sohoa_error_set(SOHOA_EINVALID,
		                       "device %s offers no %s matching '%s' "
		                       "(it offers %s); use --set %s=VALUE",
		                       dev, option, ours, valid, option);
	}
	return set_option(h, dev, option, theirs);
}

/* ---- one page into TIFF -------------------------------------------------- */

struct page_writer {
	TIFF *tif;
	unsigned char *line; /* one scan line being assembled */
	size_t line_bytes;   /* bytes per line from SANE */
	size_t fill;         /* bytes in `line` */
	uint32_t rows;
};

/* How pages are encoded: lineart always CCITT G4; 8-bit gray and colour
 * Deflate, or JPEG when configured; 16-bit always Deflate. */
struct encoding {
	int jpeg_quality; /* 0 = lossless */
	int dpi;
};

static int tiff_open_page(struct page_writer *pw, const char *path,
                          const SANE_Parameters *p, const struct encoding *e)
{
	int spp = p->format == SANE_FRAME_RGB ? 3 : 1;
	int jpeg = e->jpeg_quality > 0 && p->depth == 8;
	uint32_t rps;

	if (!(pw->tif = TIFFOpen(path, "w")))
		return sohoa_error_set(SOHOA_EENV, "cannot create %s", path);
	TIFFSetField(pw->tif, TIFFTAG_IMAGEWIDTH, (uint32_t)p->pixels_per_line);
	/* A known height is set up front; an unknown one (lines == -1, hand
	 * scanners, some feeders) grows with every line written. */
	if (p->lines > 0)
		TIFFSetField(pw->tif, TIFFTAG_IMAGELENGTH, (uint32_t)p->lines);
	TIFFSetField(pw->tif, TIFFTAG_BITSPERSAMPLE, (uint16_t)p->depth);
	TIFFSetField(pw->tif, TIFFTAG_SAMPLESPERPIXEL, (uint16_t)spp);
	TIFFSetField(pw->tif, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
	TIFFSetField(pw->tif, TIFFTAG_ORIENTATION, ORIENTATION_TOPLEFT);
	TIFFSetField(pw->tif, TIFFTAG_COMPRESSION,
	             p->depth == 1 ? COMPRESSION_CCITTFAX4
	             : jpeg        ? COMPRESSION_JPEG
	                           : COMPRESSION_ADOBE_DEFLATE);
	if (jpeg) {
		/* libtiff converts RGB to YCbCr itself */
		TIFFSetField(pw->tif, TIFFTAG_PHOTOMETRIC,
		             spp == 3 ? PHOTOMETRIC_YCBCR
		                      : PHOTOMETRIC_MINISBLACK);
		TIFFSetField(pw->tif, TIFFTAG_JPEGQUALITY, e->jpeg_quality);
		if (spp == 3)
			TIFFSetField(pw->tif, TIFFTAG_JPEGCOLORMODE,
			             JPEGCOLORMODE_RGB);
	} else {
		TIFFSetField(pw->tif, TIFFTAG_PHOTOMETRIC,
		             spp == 3 ? PHOTOMETRIC_RGB
		             : p->depth == 1
		                 ? PHOTOMETRIC_MINISWHITE /* SANE: 1=black */
		                 : PHOTOMETRIC_MINISBLACK);
		if (p->depth > 1)
			TIFFSetField(pw->tif, TIFFTAG_PREDICTOR,
			             PREDICTOR_HORIZONTAL);
	}
	/* fixed strips of about 64 KiB, whatever the height; JPEG strips
	 * are whole MCU rows */
	rps =
	    (uint32_t)(65536 / (p->bytes_per_line > 0 ? p->bytes_per_line : 1) +
	               1);
	if (jpeg)
		rps = (rps + 15) / 16 * 16;
	TIFFSetField(pw->tif, TIFFTAG_ROWSPERSTRIP, rps);
	if (e->dpi > 0) {
		TIFFSetField(pw->tif, TIFFTAG_XRESOLUTION, (float)e->dpi);
		TIFFSetField(pw->tif, TIFFTAG_YRESOLUTION, (float)e->dpi);
		TIFFSetField(pw->tif, TIFFTAG_RESOLUTIONUNIT, RESUNIT_INCH);
	}
	TIFFSetField(pw->tif, TIFFTAG_SOFTWARE, "sohoa " SOHOA_VERSION);
	pw->line_bytes = (size_t)p->bytes_per_line;
	pw->fill = 0;
	pw->rows = 0;
	/* a line from SANE may carry padding after the last pixel
	 * (bytes_per_line > what the width needs): TIFFWriteScanline
	 * takes only the width's bytes from the front of it */
	if (!(pw->line = malloc(pw->line_bytes)))
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	return SOHOA_OK;
}

/* Append bytes from SANE; every completed line goes to the TIFF. */
static int tiff_feed(struct page_writer *pw, const unsigned char *buf,
                     size_t len, const char *path)
{
	while (len > 0) {
		size_t take = pw->line_bytes - pw->fill;

		if (take > len)
			take = len;
		memcpy(pw->line + pw->fill, buf, take);
		pw->fill += take;
		buf += take;
		len -= take;
		if (pw->fill == pw->line_bytes) {
			if (TIFFWriteScanline(pw->tif, pw->line, pw->rows, 0) <
			    0)
				return sohoa_error_set(SOHOA_EENV,
				                       "cannot write %s (disk "
				                       "full?)",
				                       path);
			pw->rows++;
			pw->fill = 0;
		}
	}
	return SOHOA_OK;
}

static void tiff_discard(struct page_writer *pw, const char *path)
{
	if (pw->tif) {
		TIFFClose(pw->tif);
		unlink(path);
	}
	pw->tif = NULL;
	free(pw->line);
	pw->line = NULL;
}

/* Copy a raw file of whole lines into the page writer (unknown-height
 * frames: the height is known only at the end of the frame). */
static int feed_raw(struct page_writer *pw, FILE *raw, const char *path)
{
	unsigned char buf[65536];
	size_t n;
	int rc = SOHOA_OK;

	rewind(raw);
	while (rc == SOHOA_OK && (n = fread(buf, 1, sizeof(buf), raw)) > 0)
		rc = tiff_feed(pw, buf, n, path);
	if (rc == SOHOA_OK && ferror(raw))
		rc =
		    sohoa_error_set(SOHOA_EIO, "cannot read back %s.raw", path);
	return rc;
}

/* ---- reading a frame ------------------------------------------------------
 */

/* Where the bytes of a frame go: the TIFF, or a raw temp file. */
struct sink {
	struct page_writer *pw; /* or */
	FILE *raw;
	const char *path; /* for messages */
	long long bytes;
};

static int sink_put(struct sink *k, const unsigned char *buf, size_t n)
{
	k->bytes += (long long)n;
	if (k->pw)
		return tiff_feed(k->pw, buf, n, k->path);
	if (fwrite(buf, 1, n, k->raw) != n)
		return sohoa_error_set(SOHOA_EENV,
		                       "cannot write %s (disk full?)", k->path);
	return SOHOA_OK;
}

/* Read the current frame to its end.  When the backend offers
 * non-blocking reads and a select fd, each read waits in poll() until the
 * fd is readable (so a stuck device does not hang inside sane_read, and a
 * read never comes back empty); without a select fd non-blocking reads
 * would only spin, so blocking reads are used.  Polling before reading
 * also keeps clear of Debian's test backend (1.1.1), which reports EOF
 * when a non-blocking read finds no data yet. */
static int read_frame(SANE_Handle h, const char *dev, struct sink *k)
{
	unsigned char buf[65536];
	int nonblock = sane_set_io_mode(h, SANE_TRUE) == SANE_STATUS_GOOD;
	SANE_Int fd = -1, n;
	SANE_Status st;
	int rc;

	if (nonblock && sane_get_select_fd(h, &fd) != SANE_STATUS_GOOD) {
		fd = -1;
		nonblock = sane_set_io_mode(h, SANE_FALSE) != SANE_STATUS_GOOD;
	}
	sohoa_log(SOHOA_LOG_DEBUG, "%s: %s reads", dev,
	          fd >= 0    ? "non-blocking, polled"
	          : nonblock ? "non-blocking"
	                     : "blocking");
	for (;;) {
		if (fd >= 0) {
			struct pollfd pfd = {.fd = fd, .events = POLLIN};
			int r = poll(&pfd, 1, 300000);

			if (r < 0 && errno != EINTR)
				return sohoa_error_set(SOHOA_EIO,
				                       "%s: poll: %s", dev,
				                       strerror(errno));
			if (r == 0)
				return sohoa_error_set(
				    SOHOA_EIO,
				    "%s sent nothing for five minutes: check "
				    "the cable and power, then scan again",
				    dev);
			if (r < 0)
				continue;
		}
		st = sane_read(h, buf, sizeof(buf), &n);
		keep_sigterm();
		if (st == SANE_STATUS_EOF)
			return SOHOA_OK;
		if (st != SANE_STATUS_GOOD)
			return sane_fail(st, "read", dev);
		if (n > 0) {
			if ((rc = sink_put(k, buf, (size_t)n)))
				return rc;
		} else if (nonblock && fd < 0) {
			struct timespec ts = {0, 2000000};

			nanosleep(&ts, NULL);
		}
	}
}

/* Close, sync and describe a finished page. */
static int finish_page(struct page_writer *pw, const char *dev,
                       const char *path, const SANE_Parameters *p, int color,
                       const struct encoding *e, sohoa_scan_page *pg)
{
	int rc;

	if (pw->rows == 0)
		return sohoa_error_set(SOHOA_EIO,
		                       "device %s sent an empty page", dev);
	if (p->lines > 0 && pw->rows < (uint32_t)p->lines)
		sohoa_log(SOHOA_LOG_WARN,
		          "%s: page ended after %u of %d lines; kept as is",
		          dev, pw->rows, p->lines);
	if (p->lines <= 0 || pw->rows != (uint32_t)p->lines)
		TIFFSetField(pw->tif, TIFFTAG_IMAGELENGTH, pw->rows);
	if (!TIFFWriteDirectory(pw->tif))
		return sohoa_error_set(SOHOA_EENV, "cannot write %s", path);
	TIFFClose(pw->tif);
	pw->tif = NULL;
	free(pw->line);
	pw->line = NULL;
	if ((rc = sohoa_fs_sync_file(path)) != SOHOA_OK) {
		unlink(path);
		return rc;
	}
	pg->width = p->pixels_per_line;
	pg->height = (int)pw->rows;
	pg->depth = p->depth;
	pg->mode = color ? "color" : p->depth == 1 ? "lineart" : "gray";
	pg->dpi = e->dpi;
	return SOHOA_OK;
}

/* Three-pass colour: one frame per colour, in the device's order.  Each
 * plane goes to its own raw temp file; then the planes are interleaved a
 * line at a time into an RGB TIFF, so memory stays flat. */
static int scan_three_pass(SANE_Handle h, const char *dev, const char *path,
                           SANE_Parameters p, const struct encoding *e,
                           sohoa_scan_page *pg)
{
	struct page_writer pw = {0};
	FILE *plane[3] = {NULL, NULL, NULL};
	char *raw_path[3] = {NULL, NULL, NULL};
	unsigned char *in = NULL, *out = NULL;
	long long lines = -1;
	int ppl = p.pixels_per_line, bpl = p.bytes_per_line, depth = p.depth;
	int rc = SOHOA_OK, frames = 0;
	size_t s = (size_t)depth / 8;
	SANE_Status st;

	if (depth != 8 && depth != 16)
		return sohoa_error_set(SOHOA_EINVALID,
		                       "device %s sends %d-bit three-pass "
		                       "colour, which sohoa does not read: "
		                       "use 8 or 16 bits",
		                       dev, depth);
	for (;;) {
		int c = p.format == SANE_FRAME_RED     ? 0
		        : p.format == SANE_FRAME_GREEN ? 1
		        : p.format == SANE_FRAME_BLUE  ? 2
		                                       : -1;
		struct sink k = {0};

		if (c < 0 || plane[c] || p.depth != depth ||
		    p.pixels_per_line != ppl || p.bytes_per_line != bpl) {
			rc = sohoa_error_set(SOHOA_EIO,
			                     "device %s sent an inconsistent "
			                     "three-pass frame (format %d)",
			                     dev, (int)p.format);
			goto done;
		}
		if ((rc = sohoa_asprintf(&raw_path[c], "%s.%c.raw", path,
		                         "rgb"[c])))
			goto done;
		if (!(plane[c] = fopen(raw_path[c], "w+b"))) {
			rc = sohoa_error_set(SOHOA_EENV, "cannot create %s",
			                     raw_path[c]);
			goto done;
		}
		k.raw = plane[c];
		k.path = raw_path[c];
		if ((rc = read_frame(h, dev, &k)))
			goto done;
		if (lines < 0 || k.bytes / bpl < lines)
			lines = k.bytes / bpl;
		frames++;
		if (p.last_frame)
			break;
		if ((st = sane_start(h)) != SANE_STATUS_GOOD) {
			rc = sane_fail(st, "start next colour frame", dev);
			goto done;
		}
		if ((st = sane_get_parameters(h, &p)) != SANE_STATUS_GOOD) {
			rc = sane_fail(st, "get parameters", dev);
			goto done;
		}
	}
	if (frames != 3 || !plane[0] || !plane[1] || !plane[2]) {
		rc = sohoa_error_set(SOHOA_EIO,
		                     "device %s ended a three-pass scan after "
		                     "%d frames",
		                     dev, frames);
		goto done;
	}
	p.format = SANE_FRAME_RGB;
	p.lines = (SANE_Int)lines;
	p.bytes_per_line = (SANE_Int)(3 * s * (size_t)ppl);
	in = malloc((size_t)bpl);
	out = malloc((size_t)p.bytes_per_line);
	if (!in || !out) {
		rc = sohoa_error_set(SOHOA_ENOMEM, "out of memory");
		goto done;
	}
	if ((rc = tiff_open_page(&pw, path, &p, e)))
		goto done;
	for (int c = 0; c < 3; c++)
		rewind(plane[c]);
	for (long long y = 0; y < lines; y++) {
		for (int c = 0; c < 3; c++) {
			if (fread(in, 1, (size_t)bpl, plane[c]) !=
			    (size_t)bpl) {
				rc = sohoa_error_set(SOHOA_EIO,
				                     "cannot read back %s",
				                     raw_path[c]);
				goto done;
			}
			for (int x = 0; x < ppl; x++)
				memcpy(out + ((size_t)x * 3 + (size_t)c) * s,
				       in + (size_t)x * s, s);
		}
		if ((rc = tiff_feed(&pw, out, (size_t)p.bytes_per_line, path)))
			goto done;
	}
	rc = finish_page(&pw, dev, path, &p, 1, e, pg);
done:
	if (rc != SOHOA_OK)
		tiff_discard(&pw, path);
	for (int c = 0; c < 3; c++) {
		if (plane[c])
			fclose(plane[c]);
		if (raw_path[c])
			unlink(raw_path[c]);
		free(raw_path[c]);
	}
	free(in);
	free(out);
	return rc;
}

/* Read one page from SANE into a new TIFF at `path`, then close and fsync
 * it.  Lines stream straight into the TIFF when the height is announced;
 * otherwise into a raw temp file first, so memory stays flat either way.
 * Returns SOHOA_OK with the page in `pg`. */
static int scan_page(SANE_Handle h, const char *dev, const char *path,
                     const struct encoding *e, sohoa_scan_page *pg)
{
	struct page_writer pw = {0};
	struct sink k = {.path = path};
	SANE_Parameters p;
	SANE_Status st;
	char *raw_path = NULL;
	FILE *raw = NULL;
	int rc;

	if ((st = sane_get_parameters(h, &p)) != SANE_STATUS_GOOD)
		return sane_fail(st, "get parameters", dev);
	if (p.bytes_per_line <= 0)
		return sohoa_error_set(SOHOA_EIO,
		                       "device %s reports %d bytes per line",
		                       dev, p.bytes_per_line);
	if (p.format == SANE_FRAME_RED || p.format == SANE_FRAME_GREEN ||
	    p.format == SANE_FRAME_BLUE)
		return scan_three_pass(h, dev, path, p, e, pg);
	if (p.format != SANE_FRAME_GRAY && p.format != SANE_FRAME_RGB)
		return sohoa_error_set(SOHOA_EINVALID,
		                       "device %s sends frame format %d, which "
		                       "sohoa does not read",
		                       dev, (int)p.format);
	if (p.depth != 1 && p.depth != 8 && p.depth != 16)
		return sohoa_error_set(SOHOA_EINVALID,
		                       "device %s sends %d-bit samples; sohoa "
		                       "reads 1, 8 and 16",
		                       dev, p.depth);
	if (p.lines > 0) {
		if ((rc = tiff_open_page(&pw, path, &p, e)) != SOHOA_OK)
			goto done;
		k.pw = &pw;
	} else {
		if ((rc = sohoa_asprintf(&raw_path, "%s.raw", path)))
			goto done;
		if (!(raw = fopen(raw_path, "w+b"))) {
			rc = sohoa_error_set(SOHOA_EENV, "cannot create %s",
			                     raw_path);
			goto done;
		}
		k.raw = raw;
		k.path = raw_path;
	}
	if ((rc = read_frame(h, dev, &k)))
		goto done;
	if (raw) {
		p.lines = (SANE_Int)(k.bytes / p.bytes_per_line);
		if (p.lines > 0 && ((rc = tiff_open_page(&pw, path, &p, e)) ||
		                    (rc = feed_raw(&pw, raw, path))))
			goto done;
		p.lines = -1; /* the height was not announced */
	}
	rc = finish_page(&pw, dev, path, &p, p.format == SANE_FRAME_RGB, e, pg);
done:
	if (rc != SOHOA_OK)
		tiff_discard(&pw, path);
	if (raw) {
		fclose(raw);
		unlink(raw_path);
	}
	free(raw_path);
	return rc;
}

static int first_device(char *name, size_t size)
{
	const SANE_Device **list = NULL;
	SANE_Status st = sane_get_devices(&list, SANE_FALSE);

	if (st != SANE_STATUS_GOOD)
		return sane_fail(st, "list devices", "SANE");
	if (!list || !list[0])
		return sohoa_error_set(
		    SOHOA_EENV, "no scanner found: connect and switch on "
		                "a scanner, check 'sohoa devices', or "
		                "set [scanner] device");
	snprintf(name, size, "%s", list[0]->name);
	return SOHOA_OK;
}

int sohoa_scan_list_devices(char **out)
{
	const SANE_Device **list = NULL;
	SANE_Status st = sane_get_devices(&list, SANE_FALSE);
	size_t len = 0, cap = 1;
	char *buf;

	*out = NULL;
	if (st != SANE_STATUS_GOOD)
		return sane_fail(st, "list devices", "SANE");
	for (size_t i = 0; list && list[i]; i++)
		cap += strlen(list[i]->name) + strlen(list[i]->vendor) +
		       strlen(list[i]->model) + strlen(list[i]->type) + 4;
	if (!(buf = malloc(cap)))
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	buf[0] = '\0';
	for (size_t i = 0; list && list[i]; i++)
		len += (size_t)snprintf(
		    buf + len, cap - len, "%s\t%s\t%s\t%s\n", list[i]->name,
		    list[i]->vendor, list[i]->model, list[i]->type);
	*out = buf;
	return SOHOA_OK;
}

/* ---- capabilities in sohoa's words --------------------------------------- */

/* The bit for a vendor's value, or 0 when the table does not know it. */
static unsigned reverse_map(const struct alias *tab, size_t n,
                            const char *theirs)
{
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; tab[i].theirs[j]; j++)
			if (strcasecmp(tab[i].theirs[j], theirs) == 0)
				return 1u << i;
	return 0;
}

const char *sohoa_scan_map_name(const char *option, const char *theirs)
{
	const struct alias *tab = NULL;
	unsigned b = 0;
	size_t n = 0;

	if (!strcmp(option, SANE_NAME_SCAN_SOURCE)) {
		tab = source_names;
		n = sizeof(source_names) / sizeof(source_names[0]);
	} else if (!strcmp(option, SANE_NAME_SCAN_MODE)) {
		tab = mode_names;
		n = sizeof(mode_names) / sizeof(mode_names[0]);
	}
	if (tab)
		b = reverse_map(tab, n, theirs);
	for (size_t i = 0; i < n; i++)
		if (b == 1u << i)
			return tab[i].ours;
	return NULL;
}

static int append_text(char **buf, const char *fmt, ...) SOHOA_PRINTF(2, 3);

static int append_text(char **buf, const char *fmt, ...)
{
	char piece[512], *n;
	size_t old = *buf ? strlen(*buf) : 0;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(piece, sizeof(piece), fmt, ap);
	va_end(ap);
	if (!(n = realloc(*buf, old + strlen(piece) + 1)))
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	strcpy(n + old, piece);
	*buf = n;
	return SOHOA_OK;
}

/* Map a string-list option (source, mode) onto bits; values the table
 * does not know go to `unmapped`. */
static int map_list(unsigned *bits, char **unmapped, SANE_Handle h,
                    const char *option, const struct alias *tab, size_t n)
{
	const SANE_Option_Descriptor *d = NULL;

	*bits = 0;
	if (find_option(h, option, &d) < 0 ||
	    d->constraint_type != SANE_CONSTRAINT_STRING_LIST)
		return SOHOA_OK;
	for (size_t k = 0; d->constraint.string_list[k]; k++) {
		const char *v = d->constraint.string_list[k];
		unsigned b = reverse_map(tab, n, v);
		int rc;

		if (b)
			*bits |= b;
		else if ((rc = append_text(unmapped, "%s%s '%s'",
		                           *unmapped ? "; " : "", option, v)))
			return rc;
	}
	return SOHOA_OK;
}

static double option_max_mm(SANE_Handle h, const char *name)
{
	const SANE_Option_Descriptor *d = NULL;

	if (find_option(h, name, &d) < 0 || d->unit != SANE_UNIT_MM ||
	    d->constraint_type != SANE_CONSTRAINT_RANGE)
		return 0;
	return d->type == SANE_TYPE_FIXED ? SANE_UNFIX(d->constraint.range->max)
	                                  : (double)d->constraint.range->max;
}

static int read_caps(sohoa_scan_device_info *di, SANE_Handle h)
{
	const SANE_Option_Descriptor *d = NULL;
	int rc;

	/* the alias tables' rows are in bit order: flatbed, adf, duplex;
	 * color, gray, lineart */
	if ((rc = map_list(&di->sources, &di->unmapped, h,
	                   SANE_NAME_SCAN_SOURCE, source_names,
	                   sizeof(source_names) / sizeof(source_names[0]))) ||
	    (rc = map_list(&di->modes, &di->unmapped, h, SANE_NAME_SCAN_MODE,
	                   mode_names,
	                   sizeof(mode_names) / sizeof(mode_names[0]))))
		return rc;
	/* some backends offer duplex as a separate switch */
	if (find_option(h, "duplex", &d) >= 0 && d->type == SANE_TYPE_BOOL &&
	    SANE_OPTION_IS_SETTABLE(d->cap))
		di->sources |= SOHOA_SCAN_SRC_DUPLEX;
	if (find_option(h, SANE_NAME_SCAN_RESOLUTION, &d) >= 0 &&
	    (d->type == SANE_TYPE_INT || d->type == SANE_TYPE_FIXED)) {
		int fixed = d->type == SANE_TYPE_FIXED;

		if (d->constraint_type == SANE_CONSTRAINT_RANGE) {
			const SANE_Range *r = d->constraint.range;

			di->dpi_min = fixed ? (int)SANE_UNFIX(r->min) : r->min;
			di->dpi_max = fixed ? (int)SANE_UNFIX(r->max) : r->max;
			if ((rc = append_text(&di->resolutions, "%d..%d",
			                      di->dpi_min, di->dpi_max)))
				return rc;
		} else if (d->constraint_type == SANE_CONSTRAINT_WORD_LIST) {
			const SANE_Word *w = d->constraint.word_list;

			for (SANE_Int i = 1; i <= w[0]; i++) {
				int v = fixed ? (int)SANE_UNFIX(w[i]) : w[i];

				if (!di->dpi_min || v < di->dpi_min)
					di->dpi_min = v;
				if (v > di->dpi_max)
					di->dpi_max = v;
				if ((rc = append_text(&di->resolutions, "%s%d",
				                      i > 1 ? ", " : "", v)))
					return rc;
			}
		}
	}
	if (!di->resolutions && !(di->resolutions = strdup("")))
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	di->width_mm = option_max_mm(h, SANE_NAME_SCAN_BR_X);
	di->height_mm = option_max_mm(h, SANE_NAME_SCAN_BR_Y);
	return SOHOA_OK;
}

void sohoa_scan_devices_free(sohoa_scan_device_info *list, size_t n)
{
	for (size_t i = 0; list && i < n; i++) {
		free(list[i].name);
		free(list[i].vendor);
		free(list[i].model);
		free(list[i].type);
		free(list[i].resolutions);
		free(list[i].unmapped);
		free(list[i].error);
	}
	free(list);
}

int sohoa_scan_devices(sohoa_scan_device_info **out, size_t *n_out)
{
	const SANE_Device **list = NULL;
	sohoa_scan_device_info *di = NULL;
	SANE_Status st = sane_get_devices(&list, SANE_FALSE);
	size_t n = 0;
	int rc = SOHOA_OK;

	*out = NULL;
	*n_out = 0;
	if (st != SANE_STATUS_GOOD)
		return sane_fail(st, "list devices", "SANE");
	while (list && list[n])
		n++;
	if (n && !(di = calloc(n, sizeof(*di))))
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	for (size_t i = 0; i < n && rc == SOHOA_OK; i++) {
		SANE_Handle h = NULL;

		if (!(di[i].name = strdup(list[i]->name)) ||
		    !(di[i].vendor = strdup(list[i]->vendor)) ||
		    !(di[i].model = strdup(list[i]->model)) ||
		    !(di[i].type = strdup(list[i]->type))) {
			rc = sohoa_error_set(SOHOA_ENOMEM, "out of memory");
			break;
		}
		st = sane_open(list[i]->name, &h);
		if (st != SANE_STATUS_GOOD) {
			sane_fail(st, "open", list[i]->name);
			if (!(di[i].error = strdup(sohoa_error_last())))
				rc = sohoa_error_set(SOHOA_ENOMEM,
				                     "out of memory");
			continue;
		}
		rc = read_caps(&di[i], h);
		sane_close(h);
	}
	if (rc != SOHOA_OK) {
		sohoa_scan_devices_free(di, n);
		return rc;
	}
	*out = di;
	*n_out = n;
	return SOHOA_OK;
}

int sohoa_scan_run(const sohoa_scan_opts *opts, const char *dir, int first,
                   sohoa_scan_page_cb cb, void *payload)
{
	SANE_Handle h = NULL;
	char dev[256], source[512], applied[2048] = "", *path = NULL;
	const char *src = opts->source ? opts->source : "flatbed";
	int feeder = strcmp(src, "flatbed") != 0;
	int max = opts->max_pages > 0 ? opts->max_pages : (feeder ? 0 : 1);
	int rc, npages = 0, dpi = 0;
	struct encoding enc = {0};
	size_t alen = 0;
	SANE_Status st;

	cancel_requested = 0;
	saved_term_valid = sigaction(SIGTERM, NULL, &saved_term) == 0;
	if (opts->device && opts->device[0])
		snprintf(dev, sizeof(dev), "%s", opts->device);
	else if ((rc = first_device(dev, sizeof(dev))) != SOHOA_OK)
		return rc;
	if ((rc = sohoa_fs_mkdirs(dir)) != SOHOA_OK)
		return rc;
	if ((st = sane_open(dev, &h)) != SANE_STATUS_GOOD) {
		h = NULL;
		if (st == SANE_STATUS_INVAL) {
			char *list = NULL;

			sohoa_scan_list_devices(&list);
			rc = sohoa_error_set(SOHOA_ENOTFOUND,
			                     "no scanner '%s'; devices found: "
			                     "%s(see 'sohoa devices')",
			                     dev,
			                     list && list[0] ? list : "none ");
			free(list);
		} else {
			rc = sane_fail(st, "open", dev);
		}
		goto done;
	}
	if (opts->source &&
	    (rc = set_mapped(h, dev, SANE_NAME_SCAN_SOURCE, source_names,
	                     sizeof(source_names) / sizeof(source_names[0]),
	                     opts->source)) != SOHOA_OK)
		goto done;
	if (opts->mode &&
	    (rc = set_mapped(h, dev, SANE_NAME_SCAN_MODE, mode_names,
	                     sizeof(mode_names) / sizeof(mode_names[0]),
	                     opts->mode)) != SOHOA_OK)
		goto done;
	if (opts->dpi > 0) {
		char v[16];
		const SANE_Option_Descriptor *d = NULL;

		snprintf(v, sizeof(v), "%d", opts->dpi);
		if (find_option(h, SANE_NAME_SCAN_RESOLUTION, &d) >= 0 &&
		    SANE_OPTION_IS_ACTIVE(d->cap) &&
		    (rc = set_option(h, dev, SANE_NAME_SCAN_RESOLUTION, v)) !=
		        SOHOA_OK)
			goto done;
	}
	for (size_t i = 0; i < opts->nset; i++) {
		const char *eq = strchr(opts->set[i], '=');
		char name[128];

		if (!eq || eq == opts->set[i] ||
		    (size_t)(eq - opts->set[i]) >= sizeof(name)) {
			rc = sohoa_error_set(SOHOA_EINVALID,
			                     "--set '%s': expected NAME=VALUE",
			                     opts->set[i]);
			goto done;
		}
		snprintf(name, sizeof(name), "%.*s", (int)(eq - opts->set[i]),
		         opts->set[i]);
		if ((rc = set_option(h, dev, name, eq + 1)) != SOHOA_OK)
			goto done;
		alen += (size_t)snprintf(
		    applied + alen,
		    alen < sizeof(applied) ? sizeof(applied) - alen : 0, "%s%s",
		    alen ? " " : "", opts->set[i]);
	}
	if (get_int_option(h, SANE_NAME_SCAN_RESOLUTION, &dpi) != 0)
		dpi = opts->dpi;
	enc.dpi = dpi;
	enc.jpeg_quality = opts->jpeg_quality;
	snprintf(source, sizeof(source), "scanner:%s", dev);

	while (!cancel_requested && (max == 0 || npages < max)) {
		sohoa_scan_page pg = {0};

		st = sane_start(h);
		keep_sigterm();
		if (st == SANE_STATUS_NO_DOCS && (npages > 0 || opts->resuming))
			break; /* the feeder ran empty: the normal end */
		if (st != SANE_STATUS_GOOD) {
			rc = sane_fail(st, "start", dev);
			goto done;
		}
		free(path);
		if ((rc = sohoa_asprintf(&path, "%s/p%04d.tif", dir,
		                         first + npages)) != SOHOA_OK)
			goto done;
		rc = scan_page(h, dev, path, &enc, &pg);
		if (rc != SOHOA_OK)
			goto done;
		if ((rc = sohoa_fs_sync_dir(dir)) != SOHOA_OK)
			goto done;
		pg.path = path;
		pg.index = first + npages;
		pg.source = source;
		pg.options = applied[0] ? applied : NULL;
		npages++;
		sohoa_log(SOHOA_LOG_INFO, "%s: page %d durable (%dx%d %s)", dev,
		          pg.index, pg.width, pg.height, pg.mode);
		if (cb && (rc = cb(&pg, payload)) != SOHOA_OK)
			goto done;
	}
	rc = cancel_requested ? sohoa_error_set(SOHOA_ECANCELLED,
	                                        "scan on %s cancelled after "
	                                        "%d pages; they are kept",
	                                        dev, npages)
	                      : SOHOA_OK;
done:
	if (h) {
		sane_cancel(h);
		sane_close(h);
	}
	free(path);
	return rc;
}
