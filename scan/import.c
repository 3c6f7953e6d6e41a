/* import.c -- pages from image files (PNG, JPEG, TIFF, PNM) into the
 * spool, and the SHA-256 of originals.
 *
 * Leptonica decodes every page to prove a file is readable before anything
 * is written; one-page files are then copied byte-identical, pages of a
 * multi-page TIFF are written as lossless single-page TIFFs.  OpenSSL
 * libcrypto does the hashing.
 */
#include "scan/scan.h"

#include "config/config.h"

#include <errno.h>
#include <fcntl.h>
#include <leptonica/allheaders.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

int sohoa_scan_import_check(const char *path, int *npages_out)
{
	struct format f;
	l_int32 n = 1;
	int rc;

	*npages_out = 0;
	if ((rc = detect(&f, path)) != SOHOA_OK)
		return rc;
	if (f.tiff) {
		FILE *fp = fopen(path, "rb");

		if (!fp || tiffGetCount(fp, &n) != 0 || n < 1) {
			if (fp)
				fclose(fp);
			return sohoa_error_set(SOHOA_EINVALID,
			                       "%s: damaged TIFF (no readable "
			                       "page directory)",
			                       path);
		}
		fclose(fp);
	}
	for (l_int32 i = 0; i < n; i++) {
		PIX *pix = read_page(path, &f, i);

		if (!pix || pixGetWidth(pix) < 1 || pixGetHeight(pix) < 1) {
			pixDestroy(&pix);
			return sohoa_error_set(
			    SOHOA_EINVALID,
			    "%s: page %d cannot be decoded "
			    "(corrupt or truncated %s); scan "
			    "or copy it again",
			    path, i + 1, f.ext);
		}
		pixDestroy(&pix);
	}
	*npages_out = n;
	return SOHOA_OK;
}

int sohoa_scan_sha256_file(char hex[65], const char *path)
{
	unsigned char buf[65536], md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	EVP_MD_CTX *ctx = NULL;
	int fd, rc = SOHOA_OK;
	ssize_t n;

	hex[0] = '\0';
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return sohoa_error_set(sohoa_error_from_errno(errno),
		                       "cannot open %s: %s", path,
		                       strerror(errno));
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

int sohoa_scan_import_file(const char *path, const char *dir, int first,
                           sohoa_scan_page_cb cb, void *payload)
{
	struct format f;
	char sha[65], *dest = NULL, *name = NULL, *source = NULL;
	const char *base = strrchr(path, '/');
	int n = 0, rc;
	PIX *pix = NULL;

	if ((rc = sohoa_scan_import_check(path, &n)) != SOHOA_OK ||
	    (rc = detect(&f, path)) != SOHOA_OK ||
	    (rc = sohoa_scan_sha256_file(sha, path)) != SOHOA_OK ||
	    (rc = sohoa_fs_mkdirs(dir)) != SOHOA_OK)
		return rc;
	if ((rc = sohoa_asprintf(&source, "import:%s", base ? base + 1 : path)))
		return rc;
	for (int i = 0; i < n; i++) {
		sohoa_scan_page pg = {0};

		free(dest);
		dest = NULL;
		pixDestroy(&pix);
		if (!(pix = read_page(path, &f, i))) {
			rc = sohoa_error_set(SOHOA_EINVALID,
			                     "%s: page %d cannot be decoded",
			                     path, i + 1);
			goto done;
		}
		if (n == 1) {
			if ((rc = sohoa_asprintf(&dest, "%s/p%04d.%s", dir,
			                         first + i, f.ext)) ||
			    (rc = sohoa_fs_copy(dest, path)))
				goto done;
		} else {
			l_int32 comp =
			    pixGetDepth(pix) == 1 ? IFF_TIFF_G4 : IFF_TIFF_ZIP;

			if ((rc = sohoa_asprintf(&dest, "%s/p%04d.tif", dir,
			                         first + i)))
				goto done;
			if (pixWriteTiff(dest, pix, comp, "w") != 0) {
				rc = sohoa_error_set(SOHOA_EENV,
				                     "cannot write %s", dest);
				goto done;
			}
			if ((rc = sohoa_fs_sync_file(dest)))
				goto done;
		}
		if ((rc = sohoa_fs_sync_dir(dir)))
			goto done;
		pg.path = dest;
		pg.index = first + i;
		pg.width = pixGetWidth(pix);
		pg.height = pixGetHeight(pix);
		pg.dpi = pixGetXRes(pix);
		pg.depth = pixGetDepth(pix) == 32 ? 8 : pixGetDepth(pix);
		pg.mode = mode_of(pix);
		pg.source = source;
		pg.source_sha256 = sha;
		if (cb && (rc = cb(&pg, payload)) != SOHOA_OK)
			goto done;
	}
done:
	pixDestroy(&pix);
	free(dest);
	free(name);
	free(source);
	return rc;
}
