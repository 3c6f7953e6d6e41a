/* manifest.c -- the list of payload files with their SHA-256/SHA-512
 * that becomes manifest-*.txt, and streaming digests of files on disk, zip
 * entries and buffers (OpenSSL EVP contexts live only inside a call).
 */
#include "archive/archive.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <zip.h>

#include "archive_int.h"
#include "config/config.h"

int sohoa_archive__mlist_add(sohoa_archive__mlist *m, const char *rel,
                             zip_uint64_t size, const char *h256,
                             const char *h512)
{
	sohoa_archive__mentry *e;

	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 32;
		sohoa_archive__mentry *p = realloc(m->e, cap * sizeof(*p));

		if (!p)
			return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
		m->e = p;
		m->cap = cap;
	}
	e = &m->e[m->n];
	if (!(e->rel = strdup(rel)))
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	e->size = size;
	memcpy(e->h256, h256, sizeof(e->h256));
	memcpy(e->h512, h512, sizeof(e->h512));
	m->n++;
	return SOHOA_OK;
}

void sohoa_archive__mlist_dispose(sohoa_archive__mlist *m)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		free(m->e[i].rel);
	free(m->e);
	memset(m, 0, sizeof(*m));
}

static int cmp_mentry(const void *a, const void *b)
{
	return strcmp(((const sohoa_archive__mentry *)a)->rel,
	              ((const sohoa_archive__mentry *)b)->rel);
}

void sohoa_archive__mlist_sort(sohoa_archive__mlist *m)
{
	if (m->n)
		qsort(m->e, m->n, sizeof(*m->e), cmp_mentry);
}

int sohoa_archive__hash_mem(const void *p, size_t n, char h256[65],
                            char h512[129])
{
	sohoa_archive__hash h = {0};
	int rc;

	if ((rc = sohoa_archive__hash_init(&h)) == SOHOA_OK &&
	    (rc = sohoa_archive__hash_update(&h, p, n)) == SOHOA_OK)
		rc = sohoa_archive__hash_final(&h, h256, h512);
	sohoa_archive__hash_dispose(&h);
	return rc;
}

/* Stream a file from disk through both digests. */
int sohoa_archive__hash_file(const char *path, zip_uint64_t *size,
                             char h256[65], char h512[129])
{
	sohoa_archive__hash h = {0};
	char buf[65536];
	FILE *f = NULL;
	size_t n;
	int rc;

	*size = 0;
	if ((rc = sohoa_archive__hash_init(&h)) != SOHOA_OK)
		return rc;
	if (!(f = fopen(path, "rb"))) {
		rc = sohoa_error_set(sohoa_error_from_errno(errno), "%s: %s",
		                     path, strerror(errno));
		goto done;
	}
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		*size += n;
		if ((rc = sohoa_archive__hash_update(&h, buf, n)))
			goto done;
	}
	if (ferror(f)) {
		rc = sohoa_error_set(SOHOA_EIO, "read %s: %s", path,
		                     strerror(errno));
		goto done;
	}
	rc = sohoa_archive__hash_final(&h, h256, h512);
done:
	if (f)
		fclose(f);
	sohoa_archive__hash_dispose(&h);
	return rc;
}

/* Stream a zip entry through both digests. */
int sohoa_archive__hash_zip_entry(zip_t *za, zip_uint64_t idx,
                                  zip_uint64_t *size, char h256[65],
                                  char h512[129])
{
	sohoa_archive__hash h = {0};
	zip_file_t *zf = NULL;
	char buf[65536];
	zip_int64_t n;
	int rc;

	*size = 0;
	if ((rc = sohoa_archive__hash_init(&h)) != SOHOA_OK)
		return rc;
	if (!(zf = zip_fopen_index(za, idx, 0))) {
		rc = sohoa_archive__zip_read_fail(zip_get_error(za),
		                                  zip_get_name(za, idx, 0));
		goto done;
	}
	while ((n = zip_fread(zf, buf, sizeof(buf))) > 0) {
		*size += (zip_uint64_t)n;
		if ((rc = sohoa_archive__hash_update(&h, buf, (size_t)n)))
			goto done;
	}
	if (n < 0) {
		rc = sohoa_archive__zip_fail(SOHOA_EINVALID,
		                             zip_file_get_error(zf),
		                             zip_get_name(za, idx, 0));
		goto done;
	}
	rc = sohoa_archive__hash_final(&h, h256, h512);
done:
	if (zf)
		zip_fclose(zf);
	sohoa_archive__hash_dispose(&h);
	return rc;
}
