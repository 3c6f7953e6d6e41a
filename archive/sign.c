/* sign.c -- detached CMS (PKCS#7) signatures of tagmanifest-sha256.txt
 * with OpenSSL: the operator's certificate and key sign each new revision
 * (signature.p7s in the bag folder), verify checks the signature against
 * the tag manifest and the signer against a trust store (a CA file).
 * OpenSSL objects live only inside a call or in a sohoa_archive__signer.
 */
#include "archive/archive.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include "archive_int.h"
#include "config/config.h"

/* Process-wide settings, set once at start-up. */
static char signer_cert[4096]; /* "" = do not sign */
static char signer_key[4096];
static char trust_ca[4096]; /* "" = no trust store */
static int trust_require;

struct sohoa_archive__signer {
	X509 *cert;      /* owned */
	EVP_PKEY *key;   /* owned */
	char name[256];  /* subject, RFC 2253, UTF-8 */
	char cname[128]; /* its CN, or the subject */
};

/* The last OpenSSL error as text (the queue is cleared). */
static const char *ssl_reason(char *buf, size_t n)
{
	unsigned long e = ERR_peek_last_error();

	if (e)
		ERR_error_string_n(e, buf, n);
	else
		snprintf(buf, n, "unknown OpenSSL error");
	ERR_clear_error();
	return buf;
}

static void subject_of(X509 *x, char *out, size_t n)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *p = NULL;
	long len;

	out[0] = '\0';
	if (!b)
		return;
	if (X509_NAME_print_ex(b, X509_get_subject_name(x), 0,
	                       XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) >= 0 &&
	    (len = BIO_get_mem_data(b, &p)) > 0)
		snprintf(out, n, "%.*s", (int)len, p);
	BIO_free(b);
}

static void cn_of(X509 *x, char *out, size_t n)
{
	X509_NAME *nm = X509_get_subject_name(x);
	int i = X509_NAME_get_index_by_NID(nm, NID_commonName, -1);
	unsigned char *utf = NULL;
	int len;

	out[0] = '\0';
	if (i < 0)
		return;
	len = ASN1_STRING_to_UTF8(
	    &utf, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(nm, i)));
	if (len >= 0)
		snprintf(out, n, "%.*s", len, (char *)utf);
	OPENSSL_free(utf);
}

int sohoa_archive_set_signer(const char *cert_path, const char *key_path)
{
	sohoa_archive__signer *s = NULL;
	int rc;

	/* sohoad calls this again at each pack and reload while other
	 * threads sign or verify: the same paths again change nothing */
	if (cert_path && key_path && *cert_path && *key_path &&
	    strcmp(cert_path, signer_cert) == 0 &&
	    strcmp(key_path, signer_key) == 0)
		return SOHOA_OK;
	signer_cert[0] = signer_key[0] = '\0';
	if ((!cert_path || !*cert_path) && (!key_path || !*key_path))
		return SOHOA_OK;
	if (!cert_path || !*cert_path || !key_path || !*key_path)
		return sohoa_error_set(SOHOA_EINVALID,
		                       "signing needs both a certificate and "
		                       "a key");
	if (strlen(cert_path) >= sizeof(signer_cert) ||
	    strlen(key_path) >= sizeof(signer_key))
		return sohoa_error_set(SOHOA_EINVALID, "path too long");
	strcpy(signer_cert, cert_path);
	strcpy(signer_key, key_path);
	/* fail now, not at the first append */
	if ((rc = sohoa_archive__signer_load(&s)) != SOHOA_OK)
		signer_cert[0] = signer_key[0] = '\0';
	sohoa_archive__signer_free(s);
	return rc;
}

int sohoa_archive_set_trust(const char *ca_file, int require)
{
	if (ca_file && *ca_file && strcmp(ca_file, trust_ca) == 0 &&
	    require == trust_require)
		return SOHOA_OK; /* as for the signer: nothing changes */
	trust_ca[0] = '\0';
	trust_require = require;
	if (!ca_file || !*ca_file)
		return SOHOA_OK;
	if (strlen(ca_file) >= sizeof(trust_ca))
		return sohoa_error_set(SOHOA_EINVALID, "path too long");
	if (access(ca_file, R_OK) != 0)
		return sohoa_error_set(sohoa_error_from_errno(errno),
		                       "trust store %s: %s", ca_file,
		                       strerror(errno));
	strcpy(trust_ca, ca_file);
	return SOHOA_OK;
}

int sohoa_archive__signatures_required(void)
{
	return trust_require;
}

void sohoa_archive__signer_free(sohoa_archive__signer *s)
{
	if (!s)
		return;
	X509_free(s->cert);
	EVP_PKEY_free(s->key);
	free(s);
}

static int read_pem(BIO **out, const char *path, const char *what)
{
	if (!(*out = BIO_new_file(path, "r"))) {
		int err = errno;

		ERR_clear_error();
		return sohoa_error_set(
		    err ? sohoa_error_from_errno(err) : SOHOA_EENV, "%s %s: %s",
		    what, path, err ? strerror(err) : "cannot open");
	}
	return SOHOA_OK;
}

int sohoa_archive__signer_load(sohoa_archive__signer **out)
{
	sohoa_archive__signer *s = NULL;
	BIO *b = NULL;
	char why[256];
	int rc;

	*out = NULL;
	if (!signer_cert[0])
		return SOHOA_OK;
	if (!(s = calloc(1, sizeof(*s))))
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	if ((rc = read_pem(&b, signer_cert, "signer certificate")))
		goto done;
	if (!(s->cert = PEM_read_bio_X509(b, NULL, NULL, NULL))) {
		rc = sohoa_error_set(SOHOA_EINVALID,
		                     "signer certificate %s: not a PEM "
		                     "certificate: %s",
		                     signer_cert, ssl_reason(why, sizeof(why)));
		goto done;
	}
	BIO_free(b);
	if ((rc = read_pem(&b, signer_key, "signer key")))
		goto done;
	/* no passphrase callback: an encrypted key is refused, not asked */
	if (!(s->key = PEM_read_bio_PrivateKey(b, NULL, NULL, (void *)""))) {
		rc = sohoa_error_set(SOHOA_EINVALID,
		                     "signer key %s: not an unencrypted PEM "
		                     "private key: %s",
		                     signer_key, ssl_reason(why, sizeof(why)));
		goto done;
	}
	if (X509_check_private_key(s->cert, s->key) != 1) {
		ERR_clear_error();
		rc = sohoa_error_set(SOHOA_EINVALID,
		                     "signer key %s does not belong to the "
		                     "certificate %s",
		                     signer_key, signer_cert);
		goto done;
	}
	subject_of(s->cert, s->name, sizeof(s->name));
	cn_of(s->cert, s->cname, sizeof(s->cname));
	if (!s->cname[0])
		snprintf(s->cname, sizeof(s->cname), "%.127s", s->name);
	*out = s;
	s = NULL;
done:
	BIO_free(b);
	sohoa_archive__signer_free(s);
	return rc;
}

const char *sohoa_archive__signer_name(const sohoa_archive__signer *s)
{
	return s->cname;
}

int sohoa_archive__sign(char **der_out, size_t *len_out,
                        const sohoa_archive__signer *s, const char *data,
                        size_t len)
{
	BIO *in = BIO_new_mem_buf(data, (int)len);
	BIO *out = BIO_new(BIO_s_mem());
	CMS_ContentInfo *cms = NULL;
	char why[256], *p = NULL;
	long n;
	int rc = SOHOA_OK;

	*der_out = NULL;
	*len_out = 0;
	if (!in || !out) {
		rc = sohoa_error_set(SOHOA_ENOMEM, "out of memory");
		goto done;
	}
	/* signingTime and the content digest are signed attributes */
	if (!(cms = CMS_sign(s->cert, s->key, NULL, in,
	                     CMS_DETACHED | CMS_BINARY)) ||
	    i2d_CMS_bio(out, cms) != 1) {
		rc = sohoa_error_set(SOHOA_ERROR, "cms sign: %s",
		                     ssl_reason(why, sizeof(why)));
		goto done;
	}
	n = BIO_get_mem_data(out, &p);
	if (n <= 0 || !(*der_out = malloc((size_t)n))) {
		rc = sohoa_error_set(SOHOA_ENOMEM, "out of memory");
		goto done;
	}
	memcpy(*der_out, p, (size_t)n);
	*len_out = (size_t)n;
done:
	CMS_ContentInfo_free(cms);
	BIO_free(in);
	BIO_free(out);
	return rc;
}

/* signingTime of the first signer as time_t and ISO 8601; 0 when absent. */
static time_t signing_time(CMS_ContentInfo *cms, char iso[21])
{
	STACK_OF(CMS_SignerInfo) *sis = CMS_get0_SignerInfos(cms);
	CMS_SignerInfo *si;
	X509_ATTRIBUTE *attr;
	ASN1_TYPE *t;
	struct tm tm;
	int i;

	iso[0] = '\0';
	if (!sis || sk_CMS_SignerInfo_num(sis) < 1)
		return 0;
	si = sk_CMS_SignerInfo_value(sis, 0);
	if ((i = CMS_signed_get_attr_by_NID(si, NID_pkcs9_signingTime, -1)) <
	        0 ||
	    !(attr = CMS_signed_get_attr(si, i)) ||
	    !(t = X509_ATTRIBUTE_get0_type(attr, 0)))
		return 0;
	memset(&tm, 0, sizeof(tm));
	if ((t->type != V_ASN1_UTCTIME && t->type != V_ASN1_GENERALIZEDTIME) ||
	    ASN1_TIME_to_tm((const ASN1_TIME *)t->value.asn1_string, &tm) != 1)
		return 0;
	strftime(iso, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return timegm(&tm);
}

int sohoa_archive__sig_check(sohoa_archive_signature *out, const char *tag,
                             size_t taglen, const char *der, size_t derlen)
{
	const unsigned char *p = (const unsigned char *)der;
	CMS_ContentInfo *cms = NULL;
	STACK_OF(X509) *signers = NULL;
	X509_STORE *store = NULL;
	BIO *content = NULL;
	char why[256];
	time_t when;
	int rc = SOHOA_OK;

	out->present = 1;
	out->valid = 0;
	out->trusted = 0;
	if (!(cms = d2i_CMS_ContentInfo(NULL, &p, (long)derlen))) {
		snprintf(out->problem, sizeof(out->problem),
		         "not a CMS signature: %s",
		         ssl_reason(why, sizeof(why)));
		goto done;
	}
	when = signing_time(cms, out->signing_time);
	/* 1. the signature covers this tag manifest (integrity) */
	if (!(content = BIO_new_mem_buf(tag, (int)taglen))) {
		rc = sohoa_error_set(SOHOA_ENOMEM, "out of memory");
		goto done;
	}
	if (CMS_verify(cms, NULL, NULL, content, NULL,
	               CMS_BINARY | CMS_NO_SIGNER_CERT_VERIFY) != 1) {
		snprintf(out->problem, sizeof(out->problem),
		         "does not match " SOHOA_ARCHIVE__TAGMAN " (%s)",
		         ssl_reason(why, sizeof(why)));
		goto done;
	}
	if ((signers = CMS_get0_signers(cms)) && sk_X509_num(signers) > 0) {
		subject_of(sk_X509_value(signers, 0), out->signer,
		           sizeof(out->signer));
	}
	sk_X509_free(signers);
	out->valid = 1;
	if (!trust_ca[0]) {
		snprintf(out->problem, sizeof(out->problem),
		         "signer not checked: no trust store configured");
		goto done;
	}
	/* 2. the signer chains to the trust store, at the signing time the
	 * signature claims (a certificate that expired since still counts;
	 * there is no trusted timestamp, and no revocation check) */
	if (!(store = X509_STORE_new())) {
		rc = sohoa_error_set(SOHOA_ENOMEM, "out of memory");
		goto done;
	}
	if (X509_STORE_load_file(store, trust_ca) != 1) {
		rc = sohoa_error_set(SOHOA_EENV, "trust store %s: %s", trust_ca,
		                     ssl_reason(why, sizeof(why)));
		goto done;
	}
	X509_STORE_set_purpose(store, X509_PURPOSE_ANY);
	if (when)
		X509_VERIFY_PARAM_set_time(X509_STORE_get0_param(store), when);
	BIO_free(content);
	if (!(content = BIO_new_mem_buf(tag, (int)taglen))) {
		rc = sohoa_error_set(SOHOA_ENOMEM, "out of memory");
		goto done;
	}
	if (CMS_verify(cms, NULL, store, content, NULL, CMS_BINARY) != 1) {
		snprintf(out->problem, sizeof(out->problem),
		         "signer %.120s is not trusted (%.100s)",
		         out->signer[0] ? out->signer : "?",
		         ssl_reason(why, sizeof(why)));
		goto done;
	}
	out->trusted = 1;
	out->problem[0] = '\0';
done:
	X509_STORE_free(store);
	BIO_free(content);
	CMS_ContentInfo_free(cms);
	return rc;
}

int sohoa_archive__trust_configured(void)
{
	return trust_ca[0] != '\0';
}
