/* import.c -- pages from image files (PNG, JPEG, TIFF, PNM) into the
 * spool, and the SHA-256 of originals.
 *
 * Leptonica decodes every page once to prove a file is readable before
 * anything is written (a check remembered per thread is trusted by the
 * import of the same unchanged file that follows it).  One-page files are
 * then copied byte-identical; each page of a multi-page TIFF becomes a
 * single-page TIFF holding the page's own compressed strips, copied raw
 * with libtiff where that is safe, else decoded and written losslessly.
 * OpenSSL libcrypto does the hashing.
 */
#include "scan/scan.h"

#include "config/config.h"

#include <errno.h>
#include <fcntl.h>
#include <leptonica/allheaders.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <tiffio.h>
#include <time.h>
#include <unistd.h>

static pthread_once_t lept_once = PTHREAD_ONCE_INIT;

static void lept_quiet(void)
{
	/* Leptonica prints "Error in pixRead..." itself; we report errors */
	setMsgSeverity(L_SEVERITY_NONE);
}

struct format {
	l_int32 lept;    /* IFF_* */
	const char *ext; /* extension kept for the copy */
	int tiff;
};

static int detect(struct format *f, const char *path)
{
	l_int32 fmt = IFF_UNKNOWN;
	struct stat st;

	pthread_once(&lept_once, lept_quiet);
	if (stat(path, &st) != 0) {
		int err = errno;

		return sohoa_error_set(err == ENOENT
		                           ? SOHOA_ENOTFOUND
		                           : sohoa_error_from_errno(err),
		                       "%s: %s", path, strerror(err));
	}
	if (!S_ISREG(st.st_mode))
		return sohoa_error_set(SOHOA_EINVALID, "%s: not a regular file",
		                       path);
	if (st.st_size == 0)
		return sohoa_error_set(SOHOA_EINVALID,
		                       "%s: empty file (0 bytes); scan or copy "
		                       "it again",
		                       path);
	if (findFileFormat(path, &fmt) != 0)
		fmt = IFF_UNKNOWN;
	memset(f, 0, sizeof(*f));
	f->lept = fmt;
	switch (fmt) {
	case IFF_PNG:
		f->ext = "png";
		break;
	case IFF_JFIF_JPEG:
		f->ext = "jpg";
		break;
	case IFF_PNM:
		f->ext = "pnm";
		break;
	case IFF_TIFF:
	case IFF_TIFF_G3:
	case IFF_TIFF_G4:
	case IFF_TIFF_RLE:
	case IFF_TIFF_PACKBITS:
	case IFF_TIFF_LZW:
	case IFF_TIFF_ZIP:
	case IFF_TIFF_JPEG:
		f->ext = "tif";
		f->tiff = 1;
		break;
	default:
		return sohoa_error_set(
		    SOHOA_EINVALID,
		    "%s: not a PNG, JPEG, TIFF or PNM image; "
		    "convert it or scan the paper again",
		    path);
	}
	return SOHOA_OK;
}

static PIX *read_page(const char *path, const struct format *f, int i)
{
	return f->tiff ? pixReadTiff(path, i) : pixRead(path);
}

/* What decoding a page found, for the page callback. */
struct page_info {
	int width, height, dpi, depth;
	const char *mode;
};

/* The latest successful checks on this thread (a short list, newest
 * first), each trusted by an import of the same unchanged file (same
 * device, inode, size, mtime and ctime) that follows, so each page is
 * decoded once on the way in. */
struct checked {
	struct checked *next;
	char *path;
	struct stat st;
	int n;
	struct page_info *pages;
};

#define CHECKED_MAX 64

static pthread_key_t checked_key;
static pthread_once_t checked_once = PTHREAD_ONCE_INIT;

static void checked_free(void *p)
{
	for (struct checked *c = p, *next; c; c = next) {
		next = c->next;
		free(c->path);
		free(c->pages);
		free(c);
	}
}

static void checked_init(void)
{
	if (pthread_key_create(&checked_key, checked_free) != 0)
		abort();
}

static int same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino &&
	       a->st_size == b->st_size &&
	       a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
	       a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
	       a->st_ctim.tv_sec == b->st_ctim.tv_sec &&
	       a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

/* Forget this thread's check of `path`; if it was of the file as it is now
 * (`st`, or NULL: never), hand its pages over. */
static struct page_info *checked_take(const char *path, const struct stat *st,
                                      int *n)
{
	struct checked *prev = NULL, *c;
	struct page_info *pages = NULL;

	pthread_once(&checked_once, checked_init);
	for (c = pthread_getspecific(checked_key); c && strcmp(c->path, path);
	     c = c->next)
		prev = c;
	if (!c)
		return NULL;
	if (prev)
		prev->next = c->next;
	else
		pthread_setspecific(checked_key, c->next);
	c->next = NULL;
	if (st && same_file(&c->st, st)) {
		pages = c->pages;
		c->pages = NULL;
		*n = c->n;
	}
	checked_free(c);
	return pages;
}

static void checked_put(const char *path, const struct stat *st, int n,
                        struct page_info *pages)
{
	struct checked *c = calloc(1, sizeof(*c)), *k;
	int i = 1;

	if (!c || !(c->path = strdup(path))) {
		free(c);
		free(pages); /* only a missed shortcut */
		return;
	}
	c->st = *st;
	c->n = n;
	c->pages = pages;
	c->next = pthread_getspecific(checked_key);
	if (pthread_setspecific(checked_key, c) != 0) {
		c->next = NULL;
		checked_free(c);
		return;
	}
	for (k = c; k && i < CHECKED_MAX; k = k->next)
		i++;
	if (k) {
		checked_free(k->next);
		k->next = NULL;
	}
}

/* Pages in a TIFF: 0 when none is readable, -1 when the chain of page
 * directories breaks off (a truncated file would otherwise lose its last
 * pages without a word). */
static int tiff_count(const char *path)
{
	TIFF *t = TIFFOpen(path, "r");
	int n = 1;

	if (!t)
		return 0;
	while (n > 0 && !TIFFLastDirectory(t))
		n = TIFFReadDirectory(t) ? n + 1 : -1;
	TIFFClose(t);
	return n;
}

static const char *mode_of(PIX *pix);

/* Decode every page once: the page count and what each page is.  `st` is
 * the file as it was before decoding began. */
static int check_pages(const char *path, struct format *f, struct stat *st,
                       int *npages_out, struct page_info **pages_out)
{
	struct page_info *pages;
	l_int32 n = 1;
	int rc;

	*npages_out = 0;
	*pages_out = NULL;
	if ((rc = detect(f, path)) != SOHOA_OK)
		return rc;
	if (stat(path, st) != 0)
		return sohoa_error_set(sohoa_error_from_errno(errno), "%s: %s",
		                       path, strerror(errno));
	if (f->tiff && (n = tiff_count(path)) < 1)
		return sohoa_error_set(SOHOA_EINVALID,
		                       "%s: damaged TIFF (%s); scan or copy it "
		                       "again",
		                       path,
		                       n == 0 ? "no readable page directory"
		                              : "a page directory is missing, "
		                                "the file may be cut short");
	if (!(pages = calloc((size_t)n, sizeof(*pages))))
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	for (l_int32 i = 0; i < n; i++) {
		PIX *pix = read_page(path, f, i);

		if (!pix || pixGetWidth(pix) < 1 || pixGetHeight(pix) < 1) {
			pixDestroy(&pix);
			free(pages);
			return sohoa_error_set(
			    SOHOA_EINVALID,
			    "%s: page %d cannot be decoded "
			    "(corrupt or truncated %s); scan "
			    "or copy it again",
			    path, i + 1, f->ext);
		}
		pages[i].width = pixGetWidth(pix);
		pages[i].height = pixGetHeight(pix);
		pages[i].dpi = pixGetXRes(pix);
		pages[i].depth = pixGetDepth(pix) == 32 ? 8 : pixGetDepth(pix);
		pages[i].mode = mode_of(pix);
		pixDestroy(&pix);
	}
	*npages_out = n;
	*pages_out = pages;
	return SOHOA_OK;
}

int sohoa_scan_import_check(const char *path, int *npages_out)
{
	struct page_info *pages = NULL;
	struct format f;
	struct stat st;
	int rc;

	checked_take(path, NULL, NULL);
	if ((rc = check_pages(path, &f, &st, npages_out, &pages)) != SOHOA_OK)
		return rc;
	checked_put(path, &st, *npages_out, pages);
	return SOHOA_OK;
}

/* The latest hash on this thread, of the file as it was (`st`) from
 * before the hash began to after it ended: the hot folder hashes a file to
 * find duplicates, then imports it, which hashes it again for the pages'
 * source_sha256; an unchanged file is not read twice. */
static _Thread_local struct {
	char path[4096];
	struct stat st;
	char hex[65];
} last_hash;

static int same_file(const struct stat *a, const struct stat *b);

/* The remembered hash of `path` if the file is unchanged since, else 0. */
static int hash_known(char hex[65], const char *path)
{
	struct stat st;

	if (!last_hash.hex[0] || strcmp(last_hash.path, path) != 0 ||
	    stat(path, &st) != 0 || !same_file(&st, &last_hash.st))
		return 0;
	memcpy(hex, last_hash.hex, 65);
	return 1;
}

int sohoa_scan_sha256_file(char hex[65], const char *path)
{
	unsigned char buf[65536], md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	EVP_MD_CTX *ctx = NULL;
	struct stat before, after;
	time_t started;
	int fd, rc = SOHOA_OK;
	ssize_t n;

	hex[0] = '\0';
	if (hash_known(hex, path))
		return SOHOA_OK;
	last_hash.hex[0] = '\0';
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return sohoa_error_set(sohoa_error_from_errno(errno),
		                       "cannot open %s: %s", path,
		                       strerror(errno));
	started = time(NULL);
	if (fstat(fd, &before) != 0)
		memset(&before, 0, sizeof(before));
	if (!(ctx = EVP_MD_CTX_new()) ||
	    !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL)) {
		rc = sohoa_error_set(SOHOA_ENOMEM, "sha256: cannot start");
		goto done;
	}
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = sohoa_error_set(SOHOA_EIO, "cannot read %s: %s",
			                     path, strerror(errno));
			goto done;
		}
		EVP_DigestUpdate(ctx, buf, (size_t)n);
	}
	EVP_DigestFinal_ex(ctx, md, &mdlen);
	for (unsigned int i = 0; i < mdlen; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	/* Remembered only when nothing changed the file meanwhile and it
	 * was last written seconds before the hash began: a later write then
	 * gives it a newer mtime even with the kernel's coarse clock (a file
	 * rewritten at once, to the same size, is hashed again). */
	if (before.st_ino && fstat(fd, &after) == 0 &&
	    same_file(&before, &after) &&
	    before.st_mtim.tv_sec <= started - 2 &&
	    strlen(path) < sizeof(last_hash.path)) {
		snprintf(last_hash.path, sizeof(last_hash.path), "%s", path);
		last_hash.st = before;
		memcpy(last_hash.hex, hex, 65);
	}
done:
	EVP_MD_CTX_free(ctx);
	close(fd);
	return rc;
}

static const char *mode_of(PIX *pix)
{
	l_int32 d = pixGetDepth(pix);

	if (d == 1)
		return "lineart";
	if (d == 32 || (pixGetColormap(pix) &&
	                pixcmapHasColor(pixGetColormap(pix), &d) == 0 && d))
		return "color";
	return "gray";
}

/* Compressions whose strips are self-contained, so raw bytes can move
 * into a new file unchanged.  JPEG is not here: its strips lean on
 * JPEGTABLES and colour-conversion state, so it takes the decode path. */
static int raw_copyable(uint16_t comp)
{
	switch (comp) {
	case COMPRESSION_NONE:
	case COMPRESSION_CCITTFAX3:
	case COMPRESSION_CCITTFAX4:
	case COMPRESSION_LZW:
	case COMPRESSION_PACKBITS:
	case COMPRESSION_ADOBE_DEFLATE:
	case COMPRESSION_DEFLATE:
		return 1;
	default:
		return 0;
	}
}

/* Page `page` of the TIFF `src` into the single-page TIFF `dst` by copying
 * its compressed strips as they are and the tags that describe them (as
 * libtiff's tiffsplit does).  *written is 0 when the page is not a case
 * for a raw copy (tiled, JPEG, unusual photometric...): nothing written. */
static int split_raw(const char *src, int page, const char *dst, int *written)
{
	TIFF *in = NULL, *out = NULL;
	uint16_t comp = 0, photo = 0, bps = 1, spp = 1, planar = 1, fill = 1,
	         u16 = 0, *r, *g, *b, *extra;
	uint32_t w = 0, h = 0, rps = 0, u32 = 0, nstrips;
	uint64_t *counts = NULL;
	unsigned char *buf = NULL;
	size_t cap = 0;
	float xres, yres;
	void *data;
	int rc = SOHOA_OK;

	*written = 0;
	if (!(in = TIFFOpen(src, "r")) || !TIFFSetDirectory(in, (tdir_t)page)) {
		rc = sohoa_error_set(SOHOA_EINVALID,
		                     "%s: page %d: cannot read its TIFF "
		                     "directory; scan or copy it again",
		                     src, page + 1);
		goto done;
	}
	TIFFGetFieldDefaulted(in, TIFFTAG_COMPRESSION, &comp);
	if (TIFFIsTiled(in) || !raw_copyable(comp) ||
	    !TIFFGetField(in, TIFFTAG_PHOTOMETRIC, &photo) ||
	    (photo != PHOTOMETRIC_MINISWHITE &&
	     photo != PHOTOMETRIC_MINISBLACK && photo != PHOTOMETRIC_RGB &&
	     photo != PHOTOMETRIC_PALETTE) ||
	    !TIFFGetField(in, TIFFTAG_IMAGEWIDTH, &w) ||
	    !TIFFGetField(in, TIFFTAG_IMAGELENGTH, &h) ||
	    !TIFFGetField(in, TIFFTAG_STRIPBYTECOUNTS, &counts) || !counts)
		goto done;
	TIFFGetFieldDefaulted(in, TIFFTAG_BITSPERSAMPLE, &bps);
	TIFFGetFieldDefaulted(in, TIFFTAG_SAMPLESPERPIXEL, &spp);
	TIFFGetFieldDefaulted(in, TIFFTAG_PLANARCONFIG, &planar);
	TIFFGetFieldDefaulted(in, TIFFTAG_ROWSPERSTRIP, &rps);
	TIFFGetFieldDefaulted(in, TIFFTAG_FILLORDER, &fill);
	nstrips = TIFFNumberOfStrips(in);
	/* same byte order as the source: uncompressed or predicted samples
	 * wider than a byte are stored in it */
	if (!(out = TIFFOpen(dst, TIFFIsBigEndian(in) ? "wb" : "wl"))) {
		rc = sohoa_error_set(SOHOA_EENV, "cannot write %s", dst);
		goto done;
	}
	TIFFSetField(out, TIFFTAG_IMAGEWIDTH, w);
	TIFFSetField(out, TIFFTAG_IMAGELENGTH, h);
	TIFFSetField(out, TIFFTAG_BITSPERSAMPLE, bps);
	TIFFSetField(out, TIFFTAG_SAMPLESPERPIXEL, spp);
	TIFFSetField(out, TIFFTAG_PLANARCONFIG, planar);
	TIFFSetField(out, TIFFTAG_ROWSPERSTRIP, rps);
	TIFFSetField(out, TIFFTAG_FILLORDER, fill);
	TIFFSetField(out, TIFFTAG_PHOTOMETRIC, photo);
	TIFFSetField(out, TIFFTAG_COMPRESSION, comp);
	/* codec options, after the compression that owns them */
	if ((comp == COMPRESSION_LZW || comp == COMPRESSION_ADOBE_DEFLATE ||
	     comp == COMPRESSION_DEFLATE) &&
	    TIFFGetField(in, TIFFTAG_PREDICTOR, &u16))
		TIFFSetField(out, TIFFTAG_PREDICTOR, u16);
	if (comp == COMPRESSION_CCITTFAX3 &&
	    TIFFGetField(in, TIFFTAG_GROUP3OPTIONS, &u32))
		TIFFSetField(out, TIFFTAG_GROUP3OPTIONS, u32);
	if (comp == COMPRESSION_CCITTFAX4 &&
	    TIFFGetField(in, TIFFTAG_GROUP4OPTIONS, &u32))
		TIFFSetField(out, TIFFTAG_GROUP4OPTIONS, u32);
	if (TIFFGetField(in, TIFFTAG_XRESOLUTION, &xres))
		TIFFSetField(out, TIFFTAG_XRESOLUTION, xres);
	if (TIFFGetField(in, TIFFTAG_YRESOLUTION, &yres))
		TIFFSetField(out, TIFFTAG_YRESOLUTION, yres);
	if (TIFFGetField(in, TIFFTAG_RESOLUTIONUNIT, &u16))
		TIFFSetField(out, TIFFTAG_RESOLUTIONUNIT, u16);
	if (TIFFGetField(in, TIFFTAG_COLORMAP, &r, &g, &b))
		TIFFSetField(out, TIFFTAG_COLORMAP, r, g, b);
	if (TIFFGetField(in, TIFFTAG_EXTRASAMPLES, &u16, &extra))
		TIFFSetField(out, TIFFTAG_EXTRASAMPLES, u16, extra);
	if (TIFFGetField(in, TIFFTAG_SAMPLEFORMAT, &u16))
		TIFFSetField(out, TIFFTAG_SAMPLEFORMAT, u16);
	if (TIFFGetField(in, TIFFTAG_ORIENTATION, &u16))
		TIFFSetField(out, TIFFTAG_ORIENTATION, u16);
	if (TIFFGetField(in, TIFFTAG_ICCPROFILE, &u32, &data))
		TIFFSetField(out, TIFFTAG_ICCPROFILE, u32, data);
	for (uint32_t s = 0; s < nstrips; s++) {
		uint64_t len = counts[s];

		if (len == 0 || len > (uint64_t)INT32_MAX) {
			rc = sohoa_error_set(SOHOA_EINVALID,
			                     "%s: page %d: strip %u has a bad "
			                     "size; scan or copy it again",
			                     src, page + 1, (unsigned)s);
			goto done;
		}
		if (len > cap) {
			unsigned char *nb = realloc(buf, (size_t)len);

			if (!nb) {
				rc = sohoa_error_set(SOHOA_ENOMEM,
				                     "out of memory");
				goto done;
			}
			buf = nb;
			cap = (size_t)len;
		}
		if (TIFFReadRawStrip(in, s, buf, (tmsize_t)len) !=
		    (tmsize_t)len) {
			rc = sohoa_error_set(SOHOA_EINVALID,
			                     "%s: page %d: strip %u cannot be "
			                     "read (truncated file); scan or "
			                     "copy it again",
			                     src, page + 1, (unsigned)s);
			goto done;
		}
		if (TIFFWriteRawStrip(out, s, buf, (tmsize_t)len) !=
		    (tmsize_t)len) {
			rc = sohoa_error_set(SOHOA_EIO, "cannot write %s", dst);
			goto done;
		}
	}
	if (!TIFFWriteDirectory(out)) {
		rc = sohoa_error_set(SOHOA_EIO, "cannot write %s", dst);
		goto done;
	}
	*written = 1;
done:
	if (out)
		TIFFClose(out);
	if (in)
		TIFFClose(in);
	free(buf);
	if (!*written && out)
		unlink(dst);
	return rc;
}

/* Page `i` of a multi-page TIFF as the single-page TIFF `dest`, written
 * atomically: raw strips where that is safe, else decoded and written
 * losslessly (Deflate, G4 for 1 bit). */
static int write_page(const char *path, const struct format *f, int i,
                      const char *dir, const char *dest)
{
	char *tmp = NULL;
	PIX *pix = NULL;
	int rc, raw = 0;

	if ((rc = sohoa_asprintf(&tmp, "%s/.tmp-%s", dir,
	                         strrchr(dest, '/') + 1)))
		return rc;
	if ((rc = split_raw(path, i, tmp, &raw)))
		goto done;
	if (!raw) {
		if (!(pix = read_page(path, f, i))) {
			rc = sohoa_error_set(SOHOA_EINVALID,
			                     "%s: page %d cannot be decoded",
			                     path, i + 1);
			goto done;
		}
		if (pixWriteTiff(tmp, pix,
		                 pixGetDepth(pix) == 1 ? IFF_TIFF_G4
		                                       : IFF_TIFF_ZIP,
		                 "w") != 0) {
			rc = sohoa_error_set(SOHOA_EENV, "cannot write %s",
			                     dest);
			goto fail;
		}
	}
	if ((rc = sohoa_fs_sync_file(tmp)))
		goto fail;
	if (rename(tmp, dest) != 0) {
		rc = sohoa_error_set(sohoa_error_from_errno(errno),
		                     "cannot rename %s to %s: %s", tmp, dest,
		                     strerror(errno));
		goto fail;
	}
	goto done;
fail:
	unlink(tmp);
done:
	pixDestroy(&pix);
	free(tmp);
	return rc;
}

int sohoa_scan_import_file(const char *path, const char *dir, int first,
                           sohoa_scan_page_cb cb, void *payload)
{
	struct page_info *pages = NULL;
	struct format f;
	struct stat st;
	char sha[65], *dest = NULL, *source = NULL;
	const char *base = strrchr(path, '/');
	int n = 0, rc;

	/* a check of this same unchanged file moments ago stands; else
	 * check now, decoding each page once */
	if ((rc = detect(&f, path)) != SOHOA_OK)
		goto done;
	if (stat(path, &st) != 0 || !(pages = checked_take(path, &st, &n)))
		if ((rc = check_pages(path, &f, &st, &n, &pages)) != SOHOA_OK)
			goto done;
	if ((rc = sohoa_scan_sha256_file(sha, path)) != SOHOA_OK ||
	    (rc = sohoa_fs_mkdirs(dir)) != SOHOA_OK ||
	    (rc = sohoa_asprintf(&source, "import:%s", base ? base + 1 : path)))
		goto done;
	for (int i = 0; i < n; i++) {
		sohoa_scan_page pg = {0};

		free(dest);
		dest = NULL;
		if ((rc = sohoa_asprintf(&dest, "%s/p%04d.%s", dir, first + i,
		                         n == 1 ? f.ext : "tif")))
			goto done;
		if ((rc = n == 1 ? sohoa_fs_copy(dest, path)
		                 : write_page(path, &f, i, dir, dest)) ||
		    (rc = sohoa_fs_sync_dir(dir)))
			goto done;
		pg.path = dest;
		pg.index = first + i;
		pg.width = pages[i].width;
		pg.height = pages[i].height;
		pg.dpi = pages[i].dpi;
		pg.depth = pages[i].depth;
		pg.mode = pages[i].mode;
		pg.source = source;
		pg.source_sha256 = sha;
		if (cb && (rc = cb(&pg, payload)) != SOHOA_OK)
			goto done;
	}
done:
	free(pages);
	free(dest);
	free(source);
	return rc;
}
