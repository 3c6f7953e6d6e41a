/* bag.c -- small helpers of the archive module: SHA-256/512 with OpenSSL
 * EVP (EVP_MD_CTX handles, freed in dispose), whole-entry reads and
 * libzip error translation.
 */
#include "archive/archive.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <zip.h>

#include "archive_int.h"
#include "config/config.h"

int sohoa_archive__hash_init(sohoa_archive__hash *h)
{
	h->s256 = EVP_MD_CTX_new();
	h->s512 = EVP_MD_CTX_new();
	if (!h->s256 || !h->s512 ||
	    EVP_DigestInit_ex(h->s256, EVP_sha256(), NULL) != 1 ||
	    EVP_DigestInit_ex(h->s512, EVP_sha512(), NULL) != 1) {
		sohoa_archive__hash_dispose(h);
		return sohoa_error_set(SOHOA_ERROR, "openssl: digest init");
	}
	return SOHOA_OK;
}

int sohoa_archive__hash_update(sohoa_archive__hash *h, const void *p, size_t n)
{
	if (EVP_DigestUpdate(h->s256, p, n) != 1 ||
	    (h->s512 && EVP_DigestUpdate(h->s512, p, n) != 1))
		return sohoa_error_set(SOHOA_ERROR, "openssl: digest update");
	return SOHOA_OK;
}

static void to_hex(char *out, const unsigned char *md, unsigned int n)
{
	static const char digits[] = "0123456789abcdef";
	unsigned int i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[md[i] >> 4];
		out[2 * i + 1] = digits[md[i] & 15];
	}
	out[2 * n] = '\0';
}

int sohoa_archive__hash_final(sohoa_archive__hash *h, char hex256[65],
                              char hex512[129])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	if (EVP_DigestFinal_ex(h->s256, md, &n) != 1 || n != 32)
		return sohoa_error_set(SOHOA_ERROR, "openssl: digest final");
	to_hex(hex256, md, n);
	if (!h->s512) { /* SHA-256 only */
		hex512[0] = '\0';
		return SOHOA_OK;
	}
	if (EVP_DigestFinal_ex(h->s512, md, &n) != 1 || n != 64)
		return sohoa_error_set(SOHOA_ERROR, "openssl: digest final");
	to_hex(hex512, md, n);
	return SOHOA_OK;
}

int sohoa_archive__hash_peek(const sohoa_archive__hash *h, char hex256[65],
                             char hex512[129])
{
	sohoa_archive__hash c = {EVP_MD_CTX_new(),
	                         h->s512 ? EVP_MD_CTX_new() : NULL};
	int rc;

	if (!c.s256 || (h->s512 && !c.s512) ||
	    EVP_MD_CTX_copy_ex(c.s256, h->s256) != 1 ||
	    (h->s512 && EVP_MD_CTX_copy_ex(c.s512, h->s512) != 1)) {
		sohoa_archive__hash_dispose(&c);
		return sohoa_error_set(SOHOA_ERROR, "openssl: digest copy");
	}
	rc = sohoa_archive__hash_final(&c, hex256, hex512);
	sohoa_archive__hash_dispose(&c);
	return rc;
}

void sohoa_archive__hash_dispose(sohoa_archive__hash *h)
{
	EVP_MD_CTX_free(h->s256);
	EVP_MD_CTX_free(h->s512);
	h->s256 = NULL;
	h->s512 = NULL;
}

int sohoa_archive__zip_fail(int code, zip_error_t *ze, const char *what)
{
	int sys = zip_error_code_system(ze);

	if (zip_error_system_type(ze) == ZIP_ET_SYS && sys != 0)
		code = sohoa_error_from_errno(sys);
	return sohoa_error_set(code, "%s: %s", what, zip_error_strerror(ze));
}

int sohoa_archive__read_entry(char **out, size_t *len_out, zip_t *za,
                              zip_uint64_t idx)
{
	return sohoa_archive__read_entry_max(out, len_out, za, idx, 64u << 20);
}

int sohoa_archive__raw_ok(const zip_stat_t *st)
{
	return (st->valid & ZIP_STAT_COMP_METHOD) &&
	       st->comp_method == ZIP_CM_STORE && (st->valid & ZIP_STAT_SIZE) &&
	       (st->valid & ZIP_STAT_COMP_SIZE) && st->comp_size == st->size &&
	       st->size >= 2 && (st->valid & ZIP_STAT_ENCRYPTION_METHOD) &&
	       st->encryption_method == ZIP_EM_NONE;
}

int sohoa_archive__raw_open(sohoa_archive__raw *r, zip_t *za, zip_uint64_t idx,
                            zip_uint64_t size)
{
	int i;

	memset(r, 0, sizeof(*r));
	r->w[0] = zip_source_zip(za, za, idx, 0, 0, (zip_int64_t)size - 1);
	r->w[1] = zip_source_zip(za, za, idx, 0, size - 1, 1);
	for (i = 0; i < 2; i++)
		if (!r->w[i] || zip_source_open(r->w[i]) != 0) {
			int rc = sohoa_archive__zip_read_fail(
			    r->w[i] ? zip_source_error(r->w[i])
			            : zip_get_error(za),
			    zip_get_name(za, idx, 0));

			if (r->w[i])
				zip_source_free(r->w[i]);
			r->w[i] = NULL;
			sohoa_archive__raw_close(r);
			return rc;
		}
	return SOHOA_OK;
}

zip_int64_t sohoa_archive__raw_read(sohoa_archive__raw *r, void *buf,
                                    zip_uint64_t n)
{
	while (r->cur < 2) {
		zip_int64_t got = zip_source_read(r->w[r->cur], buf, n);

		if (got != 0)
			return got; /* bytes, or -1 */
		r->cur++;
	}
	return 0;
}

zip_error_t *sohoa_archive__raw_error(sohoa_archive__raw *r)
{
	return zip_source_error(r->w[r->cur < 2 ? r->cur : 1]);
}

void sohoa_archive__raw_close(sohoa_archive__raw *r)
{
	int i;

	for (i = 0; i < 2; i++)
		if (r->w[i]) {
			zip_source_close(r->w[i]);
			zip_source_free(r->w[i]);
			r->w[i] = NULL;
		}
}

/* `nocrc`: a stored, unencrypted entry is read as it lies, without
 * libzip's CRC layer (sohoa_archive__raw_open). */
static int read_entry(char **out, size_t *len_out, zip_t *za, zip_uint64_t idx,
                      zip_uint64_t max, int nocrc)
{
	zip_stat_t st;
	zip_file_t *zf = NULL;
	sohoa_archive__raw raw;
	char *buf = NULL;
	zip_int64_t n = 0, got = 0;
	int rc = SOHOA_OK, israw = 0;

	*out = NULL;
	zip_stat_init(&st);
	if (zip_stat_index(za, idx, 0, &st) != 0 ||
	    !(st.valid & ZIP_STAT_SIZE) || st.size > max)
		return sohoa_error_set(SOHOA_EINVALID, "%s: cannot stat entry",
		                       zip_get_name(za, idx, 0));
	if (!(buf = malloc((size_t)st.size + 1)))
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	if (nocrc && sohoa_archive__raw_ok(&st)) {
		if ((rc = sohoa_archive__raw_open(&raw, za, idx, st.size)))
			goto done;
		israw = 1;
		while ((zip_uint64_t)n < st.size &&
		       (got = sohoa_archive__raw_read(
		            &raw, buf + n, st.size - (zip_uint64_t)n)) > 0)
			n += got;
		if (got < 0) {
			rc = sohoa_archive__zip_fail(
			    SOHOA_EINVALID, sohoa_archive__raw_error(&raw),
			    st.name);
			goto done;
		}
	} else {
		if (!(zf = zip_fopen_index(za, idx, 0))) {
			rc = sohoa_archive__zip_read_fail(zip_get_error(za),
			                                  st.name);
			goto done;
		}
		n = zip_fread(zf, buf, st.size);
		if (n < 0) {
			rc = sohoa_archive__zip_fail(
			    SOHOA_EINVALID, zip_file_get_error(zf), st.name);
			goto done;
		}
	}
	if ((zip_uint64_t)n != st.size) {
		rc = sohoa_error_set(SOHOA_EINVALID, "%s: short read", st.name);
		goto done;
	}
	buf[st.size] = '\0';
	if (len_out)
		*len_out = (size_t)st.size;
	*out = buf;
	buf = NULL;
done:
	if (israw)
		sohoa_archive__raw_close(&raw);
	if (zf)
		zip_fclose(zf);
	free(buf);
	return rc;
}

int sohoa_archive__read_entry_max(char **out, size_t *len_out, zip_t *za,
                                  zip_uint64_t idx, zip_uint64_t max)
{
	return read_entry(out, len_out, za, idx, max, 0);
}

int sohoa_archive__read_entry_digested(char **out, size_t *len_out, zip_t *za,
                                       zip_uint64_t idx, zip_uint64_t max)
{
	return read_entry(out, len_out, za, idx, max, 1);
}

int sohoa_archive__open_ro(zip_t **out, const char *path, int checkcons)
{
	zip_error_t ze;
	int zerr = 0, sys;
	int rc;

	errno = 0;
	*out =
	    zip_open(path, ZIP_RDONLY | (checkcons ? ZIP_CHECKCONS : 0), &zerr);
	if (*out) {
		sohoa_archive__key_apply(*out);
		return SOHOA_OK;
	}
	sys = errno;
	zip_error_init_with_code(&ze, zerr);
	if (zerr == ZIP_ER_NOENT)
		rc = sohoa_error_set(SOHOA_ENOTFOUND, "%s: no such bundle",
		                     path);
	else if ((zerr == ZIP_ER_OPEN || zerr == ZIP_ER_READ) && sys != 0)
		rc = sohoa_error_set(sohoa_error_from_errno(sys), "%s: %s",
		                     path, strerror(sys));
	else
		rc = sohoa_error_set(SOHOA_EINVALID, "%s: %s", path,
		                     zip_error_strerror(&ze));
	zip_error_fini(&ze);
	return rc;
}

int sohoa_archive__find_top(char **out, zip_t *za)
{
	zip_int64_t i, n = zip_get_num_entries(za, 0);
	size_t tl = strlen("/" SOHOA_ARCHIVE__BAGIT);

	*out = NULL;
	for (i = 0; i < n; i++) {
		const char *name = zip_get_name(za, (zip_uint64_t)i, 0);
		const char *slash = name ? strchr(name, '/') : NULL;

		if (!slash || slash == name || strlen(slash) != tl ||
		    strcmp(slash, "/" SOHOA_ARCHIVE__BAGIT) != 0)
			continue;
		if (!(*out = strndup(name, (size_t)(slash - name))))
			return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
		return SOHOA_OK;
	}
	return sohoa_error_set(SOHOA_EINVALID,
	                       "not a bag: no <folder>/" SOHOA_ARCHIVE__BAGIT);
}

void sohoa_archive__buf_printf(sohoa_archive__buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->oom)
		return;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->oom = 1;
		return;
	}
	if (b->len + (size_t)n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		char *p;

		while (cap < b->len + (size_t)n + 1)
			cap *= 2;
		if (!(p = realloc(b->p, cap))) {
			b->oom = 1;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void sohoa_archive__buf_dispose(sohoa_archive__buf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}
