/* fields.c -- identity fields of ID cards (2021 and 2024) and application
 * forms: the card's QR payload parsed by shape, labelled values found in
 * recognized lines by folded fuzzy label matching, validation (DOMAIN.md),
 * QR/OCR cross-check and repair of tone marks on names and places.
 *
 * Pure text work, no third-party handles.  Province codes, the names
 * lexicon and the list of administrative units are data files (ocr/data)
 * loaded at run time.
 */
#include "ocr/ocr.h"

#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "config/config.h"
#include "ocr_int.h"

/* ---- fields ------------------------------------------------------------ */

enum {
	F_ID,
	F_NAME,
	F_DOB,
	F_SEX,
	F_NAT,
	F_ORIGIN,
	F_RESIDENCE,
	F_EXPIRY,
	F_ISSUE,
	F_OLDID,
	NFIELDS
};

static const char *const field_names[NFIELDS] = {
    "id_number",     "full_name",       "date_of_birth",      "sex",
    "nationality",   "place_of_origin", "place_of_residence", "date_of_expiry",
    "date_of_issue", "old_id_number"};

/* Labels, folded (lower case, no diacritics, đ -> d) and without
 * punctuation.  `vi` variants are tried longest first; `en` is the English
 * half of the bilingual card labels, skipped when present.  Forms and
 * cards of both generations (DOMAIN.md). */
static const struct label {
	int field;
	const char *vi;
} labels[] = {
    {F_ID, "so dinh danh ca nhan"},
    {F_ID, "so can cuoc cong dan"},
    {F_ID, "so cccd"},
    {F_ID, "so can cuoc"},
    {F_ID, "so"},
    {F_NAME, "ho chu dem va ten khai sinh"},
    {F_NAME, "ho chu dem va ten"},
    {F_NAME, "ho va ten"},
    {F_NAME, "ho ten"},
    {F_DOB, "ngay thang nam sinh"},
    {F_DOB, "ngay sinh"},
    {F_SEX, "gioi tinh"},
    {F_NAT, "quoc tich"},
    {F_ORIGIN, "que quan"},
    {F_RESIDENCE, "noi thuong tru"},
    {F_RESIDENCE, "noi cu tru"},
    {F_RESIDENCE, "dia chi thuong tru"},
    {F_EXPIRY, "co gia tri den"},
    {F_EXPIRY, "ngay thang nam het han"},
    {F_ISSUE, "ngay thang nam cap"},
    {F_ISSUE, "ngay cap"},
    {F_ISSUE, "ngay thang nam"},
    {F_OLDID, "so cmnd"},
    {F_OLDID, "so chung minh nhan dan"},
    /* English halves and English-only lines of the bilingual cards. */
    {F_ID, "personal identification number"},
    {F_ID, "no"},
    {F_NAME, "full name"},
    {F_DOB, "date of birth"},
    {F_SEX, "sex"},
    {F_NAT, "nationality"},
    {F_ORIGIN, "place of origin"},
    {F_RESIDENCE, "place of residence"},
    {F_EXPIRY, "date of expiry"},
    {F_ISSUE, "date of issue"},
    {F_ISSUE, "date month year"},
};
#define NLABELS  (sizeof(labels) / sizeof(labels[0]))
#define FIRST_EN 24 /* labels[FIRST_EN..] are English */

/* ---- small UTF-8 helpers ------------------------------------------------ */

static size_t utf8_dec(const char *s, unsigned *cp)
{
	const unsigned char *u = (const unsigned char *)s;

	if (u[0] < 0x80) {
		*cp = u[0];
		return 1;
	}
	if ((u[0] & 0xE0) == 0xC0 && (u[1] & 0xC0) == 0x80) {
		*cp = ((u[0] & 0x1Fu) << 6) | (u[1] & 0x3Fu);
		return 2;
	}
	if ((u[0] & 0xF0) == 0xE0 && (u[1] & 0xC0) == 0x80 &&
	    (u[2] & 0xC0) == 0x80) {
		*cp = ((u[0] & 0x0Fu) << 12) | ((u[1] & 0x3Fu) << 6) |
		      (u[2] & 0x3Fu);
		return 3;
	}
	*cp = u[0];
	return 1;
}

static size_t utf8_enc(char *o, unsigned cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xC0 | (cp >> 6));
		o[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	o[0] = (char)(0xE0 | (cp >> 12));
	o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
	o[2] = (char)(0x80 | (cp & 0x3F));
	return 3;
}

/* Case of the letters Vietnamese uses (Latin-1, Latin Extended-A/B,
 * Latin Extended Additional U+1EA0..U+1EF9). */
static unsigned cp_upper(unsigned c)
{
	if (c >= 'a' && c <= 'z')
		return c - 32;
	if (c >= 0xE0 && c <= 0xFE && c != 0xF7)
		return c - 0x20;
	if (c >= 0x100 && c <= 0x17F && (c & 1))
		return c - 1;
	if (c == 0x1A1 || c == 0x1B0)
		return c == 0x1A1 ? 0x1A0 : 0x1AF;
	if (c >= 0x1EA0 && c <= 0x1EF9 && (c & 1))
		return c - 1;
	return c;
}

static unsigned cp_lower(unsigned c)
{
	if (c >= 'A' && c <= 'Z')
		return c + 32;
	if (c >= 0xC0 && c <= 0xDE && c != 0xD7)
		return c + 0x20;
	if (c >= 0x100 && c <= 0x17F && !(c & 1))
		return c + 1;
	if (c == 0x1A0 || c == 0x1AF)
		return c == 0x1A0 ? 0x1A1 : 0x1B0;
	if (c >= 0x1EA0 && c <= 0x1EF9 && !(c & 1))
		return c + 1;
	return c;
}

/* Copy of s in upper (up=1) or lower (up=0) case; NULL on no memory. */
static char *utf8_case(const char *s, int up)
{
	char *o = malloc(strlen(s) * 2 + 1), *w = o;
	unsigned cp;

	if (!o)
		return NULL;
	while (*s) {
		s += utf8_dec(s, &cp);
		w += utf8_enc(w, up ? cp_upper(cp) : cp_lower(cp));
	}
	*w = '\0';
	return o;
}

/* 1: all letters upper case; 0: some lower case. */
static int all_upper(const char *s)
{
	unsigned cp;

	while (*s) {
		s += utf8_dec(s, &cp);
		if (cp_upper(cp) != cp)
			return 0;
	}
	return 1;
}

/* Folded copy with only [a-z0-9] kept ("Họ," -> "ho"); NULL on error. */
static char *fold_clean(const char *s, size_t n)
{
	char *tmp = strndup(s, n), *f = NULL, *w, *r;

	if (!tmp)
		return NULL;
	if (sohoa_text_fold(&f, tmp) != SOHOA_OK)
		f = NULL;
	free(tmp);
	if (!f)
		return NULL;
	for (r = w = f; *r; r++)
		if ((*r >= 'a' && *r <= 'z') || (*r >= '0' && *r <= '9'))
			*w++ = *r;
	*w = '\0';
	return f;
}

static size_t levenshtein(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	size_t row[64], prev, tmp;

	if (lb >= 64 || la >= 64)
		return la > lb ? la : lb;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t best = prev + (a[i - 1] != b[j - 1]);

			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			tmp = row[j];
			row[j] = best;
			prev = tmp;
		}
	}
	return row[lb];
}

/* Vietnamese tone marks (NFD combining marks). */
static int is_tone(utf8proc_int32_t c)
{
	return c == 0x300 || c == 0x301 || c == 0x303 || c == 0x309 ||
	       c == 0x323;
}

/* Lower-case key of a name in which a syllable's tone mark counts
 * wherever it sits: "Hoà" and "Hòa" are one name.  NFD, case folded, the
 * tone marks of each word moved to the word's end.  *out owned. */
static char *tone_key(const char *s)
{
	utf8proc_uint8_t *nfd = NULL;
	utf8proc_int32_t cp, tones[8];
	utf8proc_ssize_t len, i, k;
	size_t o = 0, nt = 0, t;
	char *out;

	len = utf8proc_map((const utf8proc_uint8_t *)s, 0, &nfd,
	                   UTF8PROC_NULLTERM | UTF8PROC_STABLE |
	                       UTF8PROC_DECOMPOSE | UTF8PROC_CASEFOLD);
	if (len < 0)
		return NULL;
	if (!(out = malloc((size_t)len + 1))) {
		free(nfd);
		return NULL;
	}
	for (i = 0; i <= len; i += k) {
		k = i < len ? utf8proc_iterate(nfd + i, len - i, &cp) : 1;
		if (k < 1)
			break;
		if (i < len && is_tone(cp)) {
			if (nt < 8)
				tones[nt++] = cp;
			continue;
		}
		if (i == len || cp == ' ' || cp == '-') {
			for (t = 0; t < nt; t++)
				o += (size_t)utf8proc_encode_char(
				    tones[t], (utf8proc_uint8_t *)out + o);
			nt = 0;
			if (i == len)
				break;
		}
		memcpy(out + o, nfd + i, (size_t)k);
		o += (size_t)k;
	}
	out[o] = '\0';
	free(nfd);
	return out;
}

/* ---- data -------------------------------------------------------------- */

struct name_entry {
	int kind;     /* 0 family, 1 middle, 2 given */
	char *word;   /* owned: NFC, title case */
	char *lower;  /* owned: lower case */
	char *folded; /* owned */
	double weight;
};

/* One administrative unit of places.tsv. */
struct place {
	int level;    /* 1 province, 2 district, 3 commune/ward/town */
	int parent;   /* index of the unit above, -1 for a province */
	char *name;   /* owned: NFC, as listed, without its unit word */
	char *folded; /* owned: [a-z0-9] only */
	char *key;    /* owned: tone_key(name) */
};

struct sohoa_ocr__data {
	char provinces[1000]; /* 1 for a known code */
	struct name_entry *names;
	size_t nnames;
	struct place *places;
	size_t nplaces;
};

void sohoa_ocr__data_free(sohoa_ocr__data *d)
{
	size_t i;

	if (!d)
		return;
	for (i = 0; i < d->nplaces; i++) {
		free(d->places[i].name);
		free(d->places[i].folded);
		free(d->places[i].key);
	}
	free(d->places);
	for (i = 0; i < d->nnames; i++) {
		free(d->names[i].word);
		free(d->names[i].lower);
		free(d->names[i].folded);
	}
	free(d->names);
	free(d);
}

static int open_data(FILE **out, const char *dir, const char *name)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (!(*out = fopen(path, "r")))
		return sohoa_error_set(SOHOA_EENV,
		                       "ocr data %s: %s (set [ocr] data to the "
		                       "folder holding provinces.tsv, "
		                       "names.tsv and places.tsv)",
		                       path, strerror(errno));
	return SOHOA_OK;
}

static int load_provinces(sohoa_ocr__data *d, const char *dir)
{
	FILE *fp;
	char line[512];
	int rc;

	if ((rc = open_data(&fp, dir, "provinces.tsv")) != SOHOA_OK)
		return rc;
	while (fgets(line, sizeof(line), fp)) {
		int code;

		if (!(isdigit((unsigned char)line[0]) &&
		      isdigit((unsigned char)line[1]) &&
		      isdigit((unsigned char)line[2]) &&
		      (line[3] == '\t' || line[3] == ' ')))
			continue;
		code = (line[0] - '0') * 100 + (line[1] - '0') * 10 +
		       (line[2] - '0');
		d->provinces[code] = 1;
	}
	fclose(fp);
	return SOHOA_OK;
}

static int load_names(sohoa_ocr__data *d, const char *dir)
{
	FILE *fp;
	char line[512], *kind, *word, *weight, *save = NULL;
	size_t cap = 0;
	int rc = SOHOA_OK;

	if ((rc = open_data(&fp, dir, "names.tsv")) != SOHOA_OK)
		return rc;
	while (fgets(line, sizeof(line), fp)) {
		struct name_entry *e;

		if (line[0] == '#' || line[0] == '\n')
			continue;
		kind = strtok_r(line, "\t\n", &save);
		word = strtok_r(NULL, "\t\n", &save);
		weight = strtok_r(NULL, "\t\n", &save);
		if (!kind || !word)
			continue;
		if (d->nnames == cap) {
			size_t ncap = cap ? 2 * cap : 512;
			void *g = realloc(d->names, ncap * sizeof(*d->names));

			if (!g) {
				rc = sohoa_error_set(SOHOA_ENOMEM,
				                     "out of memory");
				break;
			}
			d->names = g;
			cap = ncap;
		}
		e = &d->names[d->nnames];
		memset(e, 0, sizeof(*e));
		e->kind = !strcmp(kind, "family")   ? 0
		          : !strcmp(kind, "middle") ? 1
		                                    : 2;
		e->weight = weight ? atof(weight) : 1.0;
		if (sohoa_text_nfc(&e->word, word) != SOHOA_OK ||
		    !(e->lower = utf8_case(e->word, 0)) ||
		    !(e->folded = fold_clean(e->word, strlen(e->word)))) {
			free(e->word);
			free(e->lower);
			rc = sohoa_error_set(SOHOA_EINVALID,
			                     "ocr data %s/names.tsv: bad entry "
			                     "\"%s\"",
			                     dir, word);
			break;
		}
		d->nnames++;
	}
	fclose(fp);
	return rc;
}

/* places.tsv: LEVEL<TAB>UNIT<TAB>NAME, a unit's parent being the nearest
 * line above it of a lower level. */
static int load_places(sohoa_ocr__data *d, const char *dir)
{
	FILE *fp;
	char line[512];
	size_t cap = 0;
	int last[4] = {-1, -1, -1, -1}, rc;

	if ((rc = open_data(&fp, dir, "places.tsv")) != SOHOA_OK)
		return rc;
	while (fgets(line, sizeof(line), fp)) {
		struct place *e;
		char *name;
		int level = line[0] - '0', k;

		if (level < 1 || level > 3 || line[1] != '\t' ||
		    !(name = strchr(line + 2, '\t')))
			continue;
		name++;
		name[strcspn(name, "\r\n")] = '\0';
		if (level > 1 && last[level - 1] < 0) {
			rc = sohoa_error_set(
			    SOHOA_EINVALID,
			    "ocr data %s/places.tsv: \"%s\" has "
			    "no unit above it",
			    dir, name);
			break;
		}
		if (d->nplaces == cap) {
			size_t ncap = cap ? 2 * cap : 4096;
			void *g = realloc(d->places, ncap * sizeof(*d->places));

			if (!g) {
				rc = sohoa_error_set(SOHOA_ENOMEM,
				                     "out of memory");
				break;
			}
			d->places = g;
			cap = ncap;
		}
		e = &d->places[d->nplaces];
		memset(e, 0, sizeof(*e));
		e->level = level;
		e->parent = level > 1 ? last[level - 1] : -1;
		if (!*name || sohoa_text_nfc(&e->name, name) != SOHOA_OK ||
		    !(e->folded = fold_clean(e->name, strlen(e->name))) ||
		    !(e->key = tone_key(e->name))) {
			free(e->name);
			free(e->folded);
			rc =
			    sohoa_error_set(SOHOA_EINVALID,
			                    "ocr data %s/places.tsv: bad entry "
			                    "\"%s\"",
			                    dir, name);
			break;
		}
		last[level] = (int)d->nplaces;
		for (k = level + 1; k < 4; k++)
			last[k] = -1;
		d->nplaces++;
	}
	fclose(fp);
	return rc;
}

int sohoa_ocr__data_load(sohoa_ocr__data **out, const char *dir)
{
	sohoa_ocr__data *d;
	int rc;

	*out = NULL;
	if (!(d = calloc(1, sizeof(*d))))
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	if ((rc = load_provinces(d, dir)) != SOHOA_OK ||
	    (rc = load_names(d, dir)) != SOHOA_OK ||
	    (rc = load_places(d, dir)) != SOHOA_OK) {
		sohoa_ocr__data_free(d);
		return rc;
	}
	*out = d;
	return SOHOA_OK;
}

/* ---- name repair -------------------------------------------------------- */

/* The repaired form of one word at position `kind` (0 first, 1 middle,
 * 2 last), or NULL when it stays as read.  Borrowed from the lexicon. */
static const char *repair_word(const sohoa_ocr__data *d, const char *w,
                               int kind)
{
	char *low = utf8_case(w, 0), *fw = fold_clean(w, strlen(w));
	const struct name_entry *best = NULL, *second = NULL, *exact = NULL;
	size_t i;

	if (!low || !fw)
		goto done;
	for (i = 0; i < d->nnames; i++) {
		const struct name_entry *e = &d->names[i];
		int fits = kind == e->kind || (kind == 1 && e->kind == 2);

		if (!strcmp(e->lower, low) && fits)
			exact = e;
		if (!fits || strcmp(e->folded, fw) != 0)
			continue;
		if (best && !strcmp(best->word, e->word))
			continue;
		if (!best || e->weight > best->weight) {
			second = best;
			best = e;
		} else if (!second || e->weight > second->weight) {
			second = e;
		}
	}
done:
	free(low);
	free(fw);
	if (!best)
		return NULL;
	/* A name as read stays, unless it is a rare family name that OCR
	 * makes out of a very common one (Nguyên for Nguyễn). */
	if (exact)
		return kind == 0 && best != exact &&
		               strcmp(best->word, exact->word) != 0 &&
		               best->weight >= 100 * exact->weight
		           ? best->word
		           : NULL;
	/* Unique, or far more common than any other of the same letters. */
	if (second && best->weight < 10 * second->weight)
		return NULL;
	return best->word;
}

static int repair_name(char **out, const sohoa_ocr__data *d, const char *raw)
{
	char *buf = NULL, *copy = NULL, *words[16], *save = NULL, *w, *o;
	size_t n = 0, i, len = 0;
	int upper;

	*out = NULL;
	if (!(copy = strdup(raw)))
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	for (w = strtok_r(copy, " \t", &save); w && n < 16;
	     w = strtok_r(NULL, " \t", &save))
		words[n++] = w;
	for (i = 0; i < n; i++)
		len += strlen(words[i]) * 2 + 1;
	if (!(buf = malloc(len + 1))) {
		free(copy);
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	}
	buf[0] = '\0';
	for (i = 0; i < n; i++) {
		int kind = i == 0 && n > 1 ? 0 : i + 1 == n ? 2 : 1;
		const char *rep = d ? repair_word(d, words[i], kind) : NULL;

		if (i)
			strcat(buf, " ");
		if (!rep) {
			strcat(buf, words[i]);
			continue;
		}
		upper = all_upper(words[i]);
		if (upper && (o = utf8_case(rep, 1))) {
			strcat(buf, o);
			free(o);
		} else {
			strcat(buf, rep);
		}
	}
	free(copy);
	*out = buf;
	return SOHOA_OK;
}

/* ---- place repair -------------------------------------------------------- */

/* Unit words that may stand before a name in a place, folded, with the
 * levels they fit (bit L for level L) and their spelling (NULL for an
 * abbreviation, kept as read). */
static const struct unit_word {
	const char *fold;
	int levels;
	const char *word;
} unit_words[] = {
    {"thanhpho", 2 | 4, "thành phố"},
    {"thixa", 4, "thị xã"},
    {"thitran", 8, "thị trấn"},
    {"tinh", 2, "tỉnh"},
    {"huyen", 4, "huyện"},
    {"quan", 4, "quận"},
    {"phuong", 8, "phường"},
    {"xa", 8, "xã"},
    {"tp", 2 | 4, NULL},
    {"tx", 4, NULL},
    {"tt", 8, NULL},
};

/* Length of a unit word and the spaces after it at the start of p[0..n)
 * when a name follows, else 0. */
static size_t unit_prefix(const char *p, size_t n, const struct unit_word **uw)
{
	int words, k;
	size_t e, u;

	for (words = 2; words >= 1; words--) {
		char *f;

		for (e = 0, k = 0; k < words; k++) {
			while (e < n && p[e] == ' ')
				e++;
			while (e < n && p[e] != ' ')
				e++;
		}
		if (e >= n || !(f = fold_clean(p, e)))
			continue;
		for (u = 0; u < sizeof(unit_words) / sizeof(unit_words[0]); u++)
			if (!strcmp(f, unit_words[u].fold)) {
				*uw = &unit_words[u];
				free(f);
				while (e < n && p[e] == ' ')
					e++;
				return e < n ? e : 0;
			}
		free(f);
	}
	return 0;
}

#define PLACE_HITS 32

/* The best unit for one comma-separated part of a place. */
struct pmatch {
	int ok;      /* a repair (or a confirmation) that is not in doubt */
	int best;    /* index of a place of the best name, -1 none */
	int other;   /* a place of another name just as close, -1 none */
	size_t dist; /* folded edit distance of the best */
	int hit[PLACE_HITS]; /* the places of the best name at best's level */
	int nhit;
};

/* 1 when place i lies under one of anc[0..nanc) (or nanc is 0). */
static int place_under(const sohoa_ocr__data *d, int i, const int *anc,
                       int nanc)
{
	int a, k;

	if (!nanc)
		return 1;
	for (a = d->places[i].parent; a >= 0; a = d->places[a].parent)
		for (k = 0; k < nanc; k++)
			if (anc[k] == a)
				return 1;
	return 0;
}

/* 1 when the parent of place i is one of anc[0..nanc). */
static int child_of(const sohoa_ocr__data *d, int i, const int *anc, int nanc)
{
	int k;

	for (k = 0; k < nanc; k++)
		if (anc[k] == d->places[i].parent)
			return 1;
	return 0;
}

/* Do a and b hold the same digits in the same order? */
static int same_digits(const char *a, const char *b)
{
	for (;;) {
		while (*a && !isdigit((unsigned char)*a))
			a++;
		while (*b && !isdigit((unsigned char)*b))
			b++;
		if (*a != *b)
			return 0;
		if (!*a)
			return 1;
		a++;
		b++;
	}
}

/* Edit distance allowed between folded letters of a part and a name:
 * short names must match exactly. */
static size_t place_slack(size_t len)
{
	return len <= 4 ? 0 : len <= 8 ? 1 : 2;
}

/* Match folded text f (tone key `key` as read) against the units of the
 * levels in `mask` under anc; the highest level wins among the closest
 * (a province before a commune of the same letters).  Unambiguous means:
 * one name (tone placement aside) at the best distance and level, or the
 * name as read among them; a fuzzy match also needs every other name two
 * edits further, and `fuzzy` set. */
static int match_place(struct pmatch *m, const sohoa_ocr__data *d,
                       const char *f, const char *key, int mask, const int *anc,
                       int nanc, int fuzzy)
{
	size_t lf = strlen(f), slack = place_slack(lf), i, second = SIZE_MAX;
	unsigned char *dist;
	int lbest = 9;

	memset(m, 0, sizeof(*m));
	m->best = m->other = -1;
	m->dist = SIZE_MAX;
	if (!lf || !d->nplaces)
		return SOHOA_OK;
	if (!(dist = malloc(d->nplaces)))
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	for (i = 0; i < d->nplaces; i++) {
		const struct place *p = &d->places[i];
		size_t lp = strlen(p->folded), dd;

		dist[i] = 255;
		if (!(mask & (1 << p->level)) ||
		    (lp > lf ? lp - lf : lf - lp) > slack + 2 ||
		    !place_under(d, (int)i, anc, nanc))
			continue;
		dd = levenshtein(f, p->folded);
		/* a misread letter only under the unit's own parent (not
		 * across a district left out), and never in a number: a
		 * commune missing from the list must not become its
		 * neighbour (Mỹ Đình 2 -> Mỹ Đình 1) */
		if (dd > slack + 2 ||
		    (dd > 0 && (!same_digits(f, p->folded) ||
		                (nanc && !child_of(d, (int)i, anc, nanc)))))
			continue;
		dist[i] = (unsigned char)dd;
		if (dd < m->dist || (dd == m->dist && p->level < lbest)) {
			m->dist = dd;
			lbest = p->level;
		}
	}
	if (m->dist > slack)
		goto done;
	/* the best name: the one as read if it is among the closest */
	for (i = 0; i < d->nplaces; i++)
		if (dist[i] == m->dist && d->places[i].level == lbest &&
		    (m->best < 0 || !strcmp(d->places[i].key, key)))
			m->best = (int)i;
	for (i = 0; i < d->nplaces; i++) {
		const struct place *p = &d->places[i];

		if (dist[i] == 255)
			continue;
		if (strcmp(p->key, d->places[m->best].key) != 0) {
			if (dist[i] == m->dist && p->level == lbest &&
			    m->other < 0)
				m->other = (int)i;
			if (dist[i] < second)
				second = dist[i];
		} else if (dist[i] == m->dist && p->level == lbest &&
		           m->nhit < PLACE_HITS) {
			m->hit[m->nhit++] = (int)i;
		}
	}
	m->ok = (m->other < 0 || !strcmp(d->places[m->best].key, key)) &&
	        (m->dist == 0 || (fuzzy && second >= m->dist + 2));
done:
	free(dist);
	return SOHOA_OK;
}

/* `word` in the letter case of the read text r[0..n): all capitals, a
 * capital first letter, or as given.  NULL on error. */
static char *case_like(const char *word, const char *r, size_t n)
{
	char *read = strndup(r, n), *out = NULL;
	unsigned cp = 0, up;
	size_t k;

	if (!read)
		return NULL;
	utf8_dec(read, &cp);
	if (all_upper(read)) {
		out = utf8_case(word, 1);
	} else if (cp_upper(cp) == cp && cp_lower(cp) != cp) {
		if ((out = malloc(strlen(word) + 8))) {
			k = utf8_dec(word, &cp);
			up = cp_upper(cp);
			strcpy(out + utf8_enc(out, up), word + k);
		}
	} else {
		out = strdup(word);
	}
	free(read);
	return out;
}

/* What repair_place found out. */
struct place_fix {
	int fuzzy;   /* a part was repaired beyond its tone marks */
	int unknown; /* a part where a unit was expected is not in the list */
	char note[256]; /* a part left as read because it could be two names */
};

/* Repair the tone marks of a place ("Tan Phú, Đức Trong, Lâm Dong") from
 * the list of administrative units: from the right, each comma-separated
 * part is matched against the units of the next level down (a province,
 * then its districts or communes, then the communes of the district
 * found), folded and with a small edit distance; a part gets the listed
 * spelling only when the match is unambiguous within the units found to
 * its right.  The first part that does not match ends the repair: what
 * stands left of it (a village, a street) stays as read, and no part is
 * ever added.  Unit words (xã, huyện, tỉnh ...) keep their place.
 * *out owned. */
static int repair_place(char **out, const sohoa_ocr__data *d, const char *raw,
                        struct place_fix *fix)
{
	size_t st[16], pa[16], pb[16], np = 0, i, len = 0, o;
	char *rep[16];
	const char *p;
	int anc[PLACE_HITS], nanc = 0, mask = 2 | 4 | 8, rc = SOHOA_OK;

	*out = NULL;
	memset(fix, 0, sizeof(*fix));
	memset(rep, 0, sizeof(rep));
	for (p = raw, i = 0; *p; p++)
		i += *p == ',';
	if (i >= 16 || !d || !d->nplaces) {
		if (!(*out = strdup(raw)))
			return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
		return SOHOA_OK;
	}
	for (p = raw;; np++) {
		size_t n = strcspn(p, ","), a = 0, b = n;

		while (a < b && p[a] == ' ')
			a++;
		while (b > a && (p[b - 1] == ' ' || p[b - 1] == '.'))
			b--;
		st[np] = (size_t)(p - raw);
		pa[np] = a;
		pb[np] = b;
		if (!p[n]) {
			np++;
			break;
		}
		p += n + 1;
	}
	for (i = np; i-- > 0 && mask;) {
		const char *part = raw + st[i] + pa[i];
		size_t n = pb[i] - pa[i], pre = 0, k;
		const struct unit_word *uw = NULL;
		struct pmatch m[2];
		char *f[2] = {NULL, NULL}, *key[2] = {NULL, NULL}, *t;
		int use = -1, lvl, lmask;

		if (!n)
			continue;
		pre = unit_prefix(part, n, &uw);
		for (k = 0; k < 2; k++) {
			size_t skip = k == 0 ? pre : 0;

			m[k].ok = 0;
			m[k].best = -1;
			if (k == 1 && !pre)
				break;
			f[k] = fold_clean(part + skip, n - skip);
			t = strndup(part + skip, n - skip);
			key[k] = t ? tone_key(t) : NULL;
			free(t);
			if (!f[k] || !key[k]) {
				rc = sohoa_error_set(SOHOA_ENOMEM,
				                     "out of memory");
				goto next;
			}
			lmask = k == 0 && pre ? mask & uw->levels : mask;
			/* no parent known yet: fuzzy only among the 63
			 * provinces, exact among all units */
			if (!nanc && (lmask & 2) &&
			    (rc = match_place(&m[k], d, f[k], key[k], 2, anc, 0,
			                      1)) != SOHOA_OK)
				goto next;
			if ((nanc || !(lmask & 2) || !m[k].ok) &&
			    (rc = match_place(&m[k], d, f[k], key[k], lmask,
			                      anc, nanc, nanc > 0)) != SOHOA_OK)
				goto next;
		}
		if (m[0].ok && (!m[1].ok || m[1].dist >= m[0].dist))
			use = 0;
		else if (pre && m[1].ok)
			use = 1;
		if (use < 0) {
			if (m[0].best >= 0 && m[0].other >= 0)
				snprintf(fix->note, sizeof(fix->note),
				         "place: \"%.*s\" could be %s or %s; "
				         "left as read",
				         (int)n, part,
				         d->places[m[0].best].name,
				         d->places[m[0].other].name);
			else
				fix->unknown = 1;
			mask = 0;
			goto next;
		}
		fix->fuzzy |= m[use].dist > 0;
		lvl = d->places[m[use].best].level;
		{
			size_t skip = use == 0 ? pre : 0;
			const char *name = d->places[m[use].best].name;
			char *w = NULL, *nm = NULL;

			if (strcmp(key[use], d->places[m[use].best].key) != 0 &&
			    !(nm = case_like(name, part + skip, n - skip)))
				rc = sohoa_error_set(SOHOA_ENOMEM,
				                     "out of memory");
			if (skip && uw->word &&
			    !(w = case_like(uw->word, part, pre)))
				rc = sohoa_error_set(SOHOA_ENOMEM,
				                     "out of memory");
			/* the unit word (as printed, or repaired) and the
			 * name (repaired, or as printed) */
			if (rc == SOHOA_OK && (nm || w))
				rc = sohoa_asprintf(
				    &rep[i], "%s%s%.*s%.*s", w ? w : "",
				    w ? " " : "", w ? 0 : (int)skip, part,
				    nm ? (int)strlen(nm) : (int)(n - skip),
				    nm ? nm : part + skip);
			free(w);
			free(nm);
		}
		memcpy(anc, m[use].hit, (size_t)m[use].nhit * sizeof(int));
		nanc = m[use].nhit;
		mask &= ~((2 << lvl) - 1);
	next:
		free(f[0]);
		free(f[1]);
		free(key[0]);
		free(key[1]);
		if (rc != SOHOA_OK)
			goto done;
	}
	len = strlen(raw) + 1;
	for (i = 0; i < np; i++)
		len += rep[i] ? strlen(rep[i]) : 0;
	if (!(*out = malloc(len))) {
		rc = sohoa_error_set(SOHOA_ENOMEM, "out of memory");
		goto done;
	}
	for (o = 0, i = 0; i < np; i++) {
		const char *part = raw + st[i];
		size_t n = strcspn(part, ",");

		if (i)
			(*out)[o++] = ',';
		if (!rep[i]) {
			memcpy(*out + o, part, n);
			o += n;
			continue;
		}
		memcpy(*out + o, part, pa[i]);
		o += pa[i];
		memcpy(*out + o, rep[i], strlen(rep[i]));
		o += strlen(rep[i]);
		memcpy(*out + o, part + pb[i], n - pb[i]);
		o += n - pb[i];
	}
	(*out)[o] = '\0';
done:
	for (i = 0; i < np; i++)
		free(rep[i]);
	return rc;
}

/* ---- dates and numbers --------------------------------------------------- */

struct date {
	int y, m, d;
};

static int leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int real_date(struct date t)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30,
	                            31, 31, 30, 31, 30, 31};

	if (t.y < 1900 || t.y > 2399 || t.m < 1 || t.m > 12 || t.d < 1)
		return 0;
	return t.d <= mdays[t.m - 1] + (t.m == 2 && leap(t.y));
}

static int date_cmp(struct date a, struct date b)
{
	if (a.y != b.y)
		return a.y < b.y ? -1 : 1;
	if (a.m != b.m)
		return a.m < b.m ? -1 : 1;
	return a.d < b.d ? -1 : a.d > b.d;
}

static int parse_iso(struct date *t, const char *s)
{
	return s && sscanf(s, "%4d-%2d-%2d", &t->y, &t->m, &t->d) == 3;
}

/* Digit with OCR confusions of digits inside numbers: O->0, l/I->1. */
static int ocr_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c;
	if (c == 'O' || c == 'o' || c == 'D')
		return '0';
	if (c == 'l' || c == 'I' || c == '|')
		return '1';
	return 0;
}

/* First date in s: d/m/yyyy (separators / . -, spaces allowed around
 * them), or DDMMYYYY; "YYYY-MM-DD" into out[11].  1 when found. */
static int find_date(char out[11], const char *s)
{
	const char *p;
	int d, m, y, n;

	for (p = s; *p; p++) {
		if (!isdigit((unsigned char)*p) ||
		    (p > s && isdigit((unsigned char)p[-1])))
			continue;
		n = 0;
		if (sscanf(p, "%2d %*1[/.-] %2d %*1[/.-] %4d%n", &d, &m, &y,
		           &n) == 3 &&
		    n > 0 && y >= 1000 && y <= 9999 && m >= 0 && d >= 0) {
			char t[40];

			snprintf(t, sizeof(t), "%04d-%02d-%02d", y, m, d);
			memcpy(out, t, 10);
			out[10] = '\0';
			return 1;
		}
		if (strspn(p, "0123456789") == 8) {
			snprintf(out, 11, "%.4s-%.2s-%.2s", p + 4, p + 2, p);
			return 1;
		}
	}
	return 0;
}

/* First run of exactly `len` digits (OCR confusions mapped) in s. */
static int find_digits(char *out, size_t len, const char *s)
{
	size_t i, run = 0;
	const char *start = s;

	for (i = 0;; i++) {
		int c = s[i] ? ocr_digit(s[i]) : 0;
		/* a letter digit counts only inside a run of real digits */
		if (c && !isdigit((unsigned char)s[i]) &&
		    !(run > 0 || isdigit((unsigned char)s[i + 1])))
			c = 0;
		if (c) {
			if (run++ == 0)
				start = s + i;
			continue;
		}
		if (run == len) {
			size_t k;

			for (k = 0; k < len; k++)
				out[k] = (char)ocr_digit(start[k]);
			out[len] = '\0';
			return 1;
		}
		run = 0;
		if (!s[i])
			return 0;
	}
}

/* ---- collected values -------------------------------------------------- */

struct val {
	char *value; /* owned */
	char *raw;   /* owned, OCR only */
	char *note;  /* owned: a doubt of the repair, for problems, or NULL */
	double conf;
};

struct collect {
	struct val qr[NFIELDS];
	struct val ocr[NFIELDS];
};

static void collect_free(struct collect *c)
{
	int i;

	for (i = 0; i < NFIELDS; i++) {
		free(c->qr[i].value);
		free(c->qr[i].raw);
		free(c->ocr[i].value);
		free(c->ocr[i].raw);
		free(c->ocr[i].note);
	}
}

static int set_val(struct val *v, const char *value, const char *raw,
                   double conf)
{
	if (v->value)
		return SOHOA_OK; /* first occurrence wins */
	if (!(v->value = strdup(value)) || (raw && !(v->raw = strdup(raw)))) {
		free(v->value);
		v->value = NULL;
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	}
	v->conf = conf;
	return SOHOA_OK;
}

/* ---- QR payload ---------------------------------------------------------- */

static int all_digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return n > 0;
}

/* Sex word: "Nam" / "Nữ" in any case and normalization; NULL otherwise. */
static const char *sex_word(const char *s, size_t n)
{
	char *f = fold_clean(s, n);
	const char *r = NULL;

	if (f && !strcmp(f, "nam"))
		r = "Nam";
	else if (f && !strcmp(f, "nu"))
		r = "Nữ";
	free(f);
	return r;
}

const char *sohoa_ocr__id_qr(const sohoa_ocr_result *r)
{
	size_t i;

	for (i = 0; i < r->ncodes; i++) {
		const char *d = r->codes[i].data;

		if (strncmp(r->codes[i].type, "QR", 2) == 0 &&
		    all_digits(d, 12) && d[12] == '|')
			return d;
	}
	return NULL;
}

/* Parse a card QR payload by shape: the 12-digit id first, then an
 * optional old number, the name, DDMMYYYY dates, Nam|Nữ, the residence.
 * Returns 1 when it is an ID card payload. */
static int parse_qr(struct collect *c, const char *payload, int *rc)
{
	const char *p = payload, *f[16];
	size_t len[16], n = 0, i;
	int dates = 0, after_sex = 0;
	char buf[512], iso[11];

	*rc = SOHOA_OK;
	while (n < 16) {
		f[n] = p;
		len[n] = strcspn(p, "|");
		p += len[n];
		n++;
		if (!*p)
			break;
		p++;
	}
	if (n < 5 || len[0] != 12 || !all_digits(f[0], 12))
		return 0;
	for (i = 1; i < n; i++) {
		if (len[i] >= sizeof(buf))
			continue;
		memcpy(buf, f[i], len[i]);
		buf[len[i]] = '\0';
		if (len[i] == 8 && all_digits(buf, 8)) {
			snprintf(iso, sizeof(iso), "%.4s-%.2s-%.2s", buf + 4,
			         buf + 2, buf);
			*rc = set_val(&c->qr[dates++ == 0 ? F_DOB : F_ISSUE],
			              iso, NULL, 0.98);
		} else if ((len[i] == 9 || len[i] == 12) &&
		           all_digits(buf, len[i]) && i == 1) {
			*rc = set_val(&c->qr[F_OLDID], buf, NULL, 0.98);
		} else if (sex_word(buf, len[i])) {
			*rc = set_val(&c->qr[F_SEX], sex_word(buf, len[i]),
			              NULL, 0.98);
			after_sex = 1;
		} else if (len[i] > 0 && !all_digits(buf, len[i])) {
			/* text: the name before sex, the residence after */
			if (!after_sex && !c->qr[F_NAME].value)
				*rc = set_val(&c->qr[F_NAME], buf, NULL, 0.98);
			else if (after_sex)
				*rc = set_val(&c->qr[F_RESIDENCE], buf, NULL,
				              0.98);
		}
		if (*rc != SOHOA_OK)
			return 0;
	}
	if (!c->qr[F_DOB].value && !c->qr[F_SEX].value) {
		/* not shaped like a card: forget the guesses */
		for (i = 0; i < NFIELDS; i++) {
			free(c->qr[i].value);
			c->qr[i].value = NULL;
		}
		return 0;
	}
	memcpy(buf, f[0], 12);
	buf[12] = '\0';
	*rc = set_val(&c->qr[F_ID], buf, NULL, 0.98);
	return 1;
}

/* ---- labelled lines ------------------------------------------------------ */

struct tok {
	const char *b; /* borrowed: into the line text */
	size_t n;
	char *fold; /* owned: [a-z0-9] folded, "" for punctuation */
	char punct; /* ':' or '/' for a separator token, else 0 */
};

struct tline {
	struct tok *t;
	size_t n;
	const sohoa_ocr__line *src;
};

static void tline_free(struct tline *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->t[i].fold);
	free(l->t);
	l->t = NULL;
	l->n = 0;
}

/* Split on spaces, and cut ':' and '/' out as tokens of their own (but
 * not '/' between digits: dates). */
static int tokenize(struct tline *l, const sohoa_ocr__line *src)
{
	const char *s = src->text, *b;
	size_t cap = strlen(s) + 1;

	l->src = src;
	l->n = 0;
	if (!(l->t = calloc(cap, sizeof(*l->t))))
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	while (*s) {
		struct tok *t;

		while (*s && isspace((unsigned char)*s))
			s++;
		if (!*s)
			break;
		t = &l->t[l->n];
		b = s;
		if (*s == ':' || *s == '/') {
			t->punct = *s++;
		} else {
			while (*s && !isspace((unsigned char)*s) && *s != ':' &&
			       !(*s == '/' &&
			         !(s > b && isdigit((unsigned char)s[-1]) &&
			           isdigit((unsigned char)s[1]))))
				s++;
		}
		t->b = b;
		t->n = (size_t)(s - b);
		if (!(t->fold = t->punct ? strdup("") : fold_clean(b, t->n)))
			return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
		l->n++;
	}
	return SOHOA_OK;
}

/* Does label `lb` match tokens from i on?  Returns the end token (one
 * past), or 0.  A little OCR noise is allowed: edit distance on the
 * letters up to one in six, none for labels of three letters or fewer;
 * OCR may split or merge words. */
static size_t match_at(const struct tline *l, size_t i, const char *lb)
{
	char want[64], got[128];
	size_t wn = 0, k, words = 1, m, best_end = 0, best_d = 99, allowed;
	const char *p;

	for (p = lb; *p && wn < sizeof(want) - 1; p++) {
		if (*p == ' ')
			words++;
		else
			want[wn++] = *p;
	}
	want[wn] = '\0';
	allowed = wn <= 3 ? 0 : wn / 6;
	for (m = words > 1 ? words - 1 : 1; m <= words + 1; m++) {
		size_t gn = 0, d;

		if (i + m > l->n)
			break;
		for (k = i; k < i + m; k++) {
			size_t fl = strlen(l->t[k].fold);

			if (!fl || gn + fl >= sizeof(got))
				break;
			memcpy(got + gn, l->t[k].fold, fl);
			gn += fl;
		}
		if (k < i + m)
			break;
		got[gn] = '\0';
		if (gn + allowed < wn || gn > wn + allowed)
			continue;
		d = levenshtein(got, want);
		if (d <= allowed && d < best_d) {
			best_d = d;
			best_end = i + m;
		}
	}
	return best_end;
}

struct hit {
	int field;
	size_t start, value; /* label start token, value start token */
	int english_only;
};

/* English half after a Vietnamese label at token j: returns the token
 * after it (j when there is none). */
static size_t skip_english(const struct tline *l, size_t j, int field)
{
	size_t k, e, s = j;

	if (s < l->n && l->t[s].punct == '/')
		s++;
	for (k = FIRST_EN; k < NLABELS; k++)
		if (labels[k].field == field &&
		    (e = match_at(l, s, labels[k].vi)))
			return e;
	return s > j ? s : j;
}

/* The first label at or after token `from` of line l. */
static int find_label(struct hit *h, const struct tline *l, size_t from)
{
	size_t i, k, e, j, q;

	for (i = from; i < l->n; i++) {
		if (l->t[i].punct)
			continue;
		for (k = 0; k < NLABELS; k++) {
			int en = k >= FIRST_EN, qualified = 0;

			if (!(e = match_at(l, i, labels[k].vi)))
				continue;
			/* A label starts its line or is followed by ':' or
			 * '/'; otherwise it is a word of some value.  A label
			 * of two letters ("Số") must be followed by them. */
			j = en ? e : skip_english(l, e, labels[k].field);
			if ((i != 0 || strlen(labels[k].vi) <= 3) &&
			    !(j < l->n && l->t[j].punct) &&
			    !(e < l->n && l->t[e].punct) && j == e)
				continue;
			/* "Họ và tên / Full name" and an English-only label
			 * are one label; words before a ':' that are neither
			 * qualify it ("... của chủ hộ:"): not ours, and no
			 * shorter label at this place either. */
			if (j == e && j < l->n && !l->t[j].punct) {
				for (q = j; q < l->n && q < j + 6; q++)
					if (l->t[q].punct)
						break;
				qualified = q < l->n && q < j + 6 &&
				            l->t[q].punct == ':';
			}
			if (qualified)
				break;
			while (j < l->n && l->t[j].punct)
				j++;
			h->field = labels[k].field;
			h->start = i;
			h->value = j;
			h->english_only = en;
			return 1;
		}
	}
	return 0;
}

/* Text of tokens [a, b) of l as in the line; owned. */
static char *span_text(const struct tline *l, size_t a, size_t b)
{
	const char *s, *e;
	char *o;

	while (a < b && l->t[a].punct)
		a++;
	while (b > a && l->t[b - 1].punct)
		b--;
	if (a >= b)
		return strdup("");
	s = l->t[a].b;
	e = l->t[b - 1].b + l->t[b - 1].n;
	while (e > s && strchr(".,;_|-", e[-1]))
		e--;
	if (!(o = strndup(s, (size_t)(e - s))))
		return NULL;
	return o;
}

/* Does line l hold a label at its start? */
static int starts_with_label(const struct tline *l)
{
	struct hit h;

	return find_label(&h, l, 0) && h.start == 0;
}

/* Does line l hold nothing but labels (and separators)? */
static int only_labels(const struct tline *l)
{
	struct hit h;
	size_t from = 0;

	while (from < l->n && find_label(&h, l, from)) {
		if (h.start != from)
			return 0;
		from = h.value;
		if (from == h.start)
			return 0;
	}
	return from >= l->n;
}

/* Normalize a raw OCR value of field f; *out owned or NULL when the
 * value has no usable shape. */
static int shape_value(char **out, int f, const char *raw)
{
	char buf[16];
	const char *sx;
	char *fold;

	*out = NULL;
	switch (f) {
	case F_ID:
		if (find_digits(buf, 12, raw))
			*out = strdup(buf);
		break;
	case F_OLDID:
		if (find_digits(buf, 9, raw) || find_digits(buf, 12, raw))
			*out = strdup(buf);
		break;
	case F_DOB:
	case F_EXPIRY:
	case F_ISSUE:
		if (find_date(buf, raw))
			*out = strdup(buf);
		else if (f == F_EXPIRY &&
		         (fold = fold_clean(raw, strlen(raw)))) {
			if (strstr(fold, "khongthoihan"))
				*out = strdup("Không thời hạn");
			free(fold);
		}
		break;
	case F_SEX:
		if (!(fold = fold_clean(raw, strlen(raw))))
			break;
		sx = NULL;
		/* "NỮ", "ÑNỮ": the last letters decide */
		if (strlen(fold) >= 2 && !strcmp(fold + strlen(fold) - 2, "nu"))
			sx = "Nữ";
		else if (strstr(fold, "nam"))
			sx = "Nam";
		else if (strstr(fold, "nu"))
			sx = "Nữ";
		free(fold);
		if (sx)
			*out = strdup(sx);
		break;
	case F_NAT:
		if (!(fold = fold_clean(raw, strlen(raw))))
			break;
		if (levenshtein(fold, "vietnam") <= 1 ||
		    (!strncmp(fold, "viet", 4) && strlen(fold) >= 6 &&
		     levenshtein(fold, "vietnam") <= 2))
			*out = strdup("Việt Nam");
		else if (*fold)
			*out = strdup(raw);
		free(fold);
		break;
	default:
		if (*raw)
			*out = strdup(raw);
		break;
	}
	return SOHOA_OK;
}

static int is_place(int f)
{
	return f == F_ORIGIN || f == F_RESIDENCE;
}

/* Does a place or expiry label stand anywhere in line l (after specks
 * that OCR made of a border: "pppoe Nơi thường trú / Place of ...")? */
static int place_label_in(const struct tline *l)
{
	struct hit h;
	size_t from = 0;

	while (find_label(&h, l, from)) {
		if (is_place(h.field) || h.field == F_EXPIRY)
			return 1;
		from = h.value > h.start ? h.value : h.start + 1;
	}
	return 0;
}

/* Continue a place over the next lines: the value ends with ',' or the
 * next line starts in lower case, and the next line holds no label. */
static char *continue_place(char *value, const struct tline *lines, size_t nl,
                            size_t next)
{
	size_t k;

	for (k = next; k < nl && k < next + 2; k++) {
		const char *t = lines[k].src->text;
		const char *prev = lines[k - 1].src->text;
		size_t vl = strlen(value), pl = strlen(prev);
		int comma = pl && prev[pl - 1] == ',';
		unsigned cp;
		char *joined;

		if (!vl || starts_with_label(&lines[k]) ||
		    place_label_in(&lines[k]) || !*t)
			break;
		utf8_dec(t, &cp);
		if (!comma && cp_upper(cp) == cp)
			break;
		if (!(joined = malloc(vl + strlen(t) + 3)))
			break;
		sprintf(joined, "%s%s %s", value,
		        comma && value[vl - 1] != ',' ? "," : "", t);
		free(value);
		value = joined;
	}
	return value;
}

/* Value of a label hit: on its line up to the next label, or on the
 * next lines when the line has none. */
/* On a 2021 card the column under the photo (the expiry) runs beside the
 * place lines, and Tesseract joins or interleaves them ("Có giá trị
 * đến: Tân Thanh, Lâm Hà, Lâm Đồng").  For a place whose label line holds
 * no value, line l starting with another label: returns 1 with *out
 * (owned) the text after a date label when it is no date (the place),
 * 0 when a date label has nothing after it (pass over the line), -1 when
 * the line is another field's (stop looking). */
static int beside_date_label(char **out, const struct tline *l)
{
	struct hit h, next;
	size_t end = l->n;
	char *span, *shaped = NULL;

	*out = NULL;
	if (!find_label(&h, l, 0) || h.start != 0 ||
	    (h.field != F_EXPIRY && h.field != F_ISSUE && h.field != F_DOB))
		return -1;
	if (find_label(&next, l, h.value > h.start ? h.value : h.start + 1))
		end = next.start;
	if (!(span = span_text(l, h.value, end)))
		return -1;
	if (!*span) {
		free(span);
		return 0;
	}
	shape_value(&shaped, h.field, span);
	if (shaped) {
		free(shaped);
		free(span);
		return -1;
	}
	*out = span;
	return 1;
}

/* A line that is a date or "Không thời hạn" and little else (the expiry
 * column), never a place. */
static int date_line(const char *s)
{
	char *shaped = NULL;
	int is_date;

	if (strlen(s) > 24)
		return 0;
	shape_value(&shaped, F_EXPIRY, s);
	is_date = shaped != NULL;
	free(shaped);
	return is_date;
}

static int take_value(struct collect *c, const sohoa_ocr__data *d,
                      const struct tline *lines, size_t nl, size_t li,
                      const struct hit *h, size_t end)
{
	char *raw = NULL, *value = NULL, *repaired = NULL;
	struct place_fix fix;
	size_t k, used = li;
	double conf = lines[li].src->conf;
	int rc = SOHOA_OK, f = h->field;

	memset(&fix, 0, sizeof(fix));
	if (c->ocr[f].value)
		return SOHOA_OK;
	if (!(raw = span_text(&lines[li], h->value, end)))
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	shape_value(&value, f, raw);
	/* Nothing usable here: look at the next lines, past English-only
	 * label lines, up to another label. */
	for (k = li + 1; !value && k < nl && k <= li + (is_place(f) ? 5 : 3);
	     k++) {
		char *beside = NULL;

		if (only_labels(&lines[k]))
			continue;
		if (starts_with_label(&lines[k])) {
			int b = is_place(f)
			            ? beside_date_label(&beside, &lines[k])
			            : -1;

			if (b < 0)
				break;
			if (b == 0)
				continue;
		} else if (is_place(f) && date_line(lines[k].src->text)) {
			continue;
		}
		free(raw);
		raw = beside ? beside : strdup(lines[k].src->text);
		if (!raw)
			return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
		shape_value(&value, f, raw);
		conf = lines[k].src->conf;
		used = k;
		if (!value && f != F_DOB && f != F_EXPIRY && f != F_ISSUE &&
		    f != F_ID)
			break;
	}
	if (!value)
		goto done;
	if (is_place(f) && end >= lines[li].n) {
		value = continue_place(value, lines, nl, used + 1);
		free(raw);
		if (!(raw = strdup(value))) {
			rc = sohoa_error_set(SOHOA_ENOMEM, "out of memory");
			goto done;
		}
	}
	if (f == F_NAME) {
		if ((rc = repair_name(&repaired, d, value)) != SOHOA_OK)
			goto done;
		free(value);
		value = repaired;
	} else if (is_place(f)) {
		if ((rc = repair_place(&repaired, d, value, &fix)) != SOHOA_OK)
			goto done;
		free(value);
		value = repaired;
		/* a guess beyond tone marks, or a unit not in the list */
		if (fix.fuzzy)
			conf *= 0.9;
		if (fix.unknown)
			conf *= 0.8;
	}
	rc = set_val(&c->ocr[f], value, raw, conf);
	if (rc == SOHOA_OK && is_place(f) && fix.note[0] &&
	    !(c->ocr[f].note = strdup(fix.note)))
		rc = sohoa_error_set(SOHOA_ENOMEM, "out of memory");
done:
	free(raw);
	free(value);
	return rc;
}

/* ICAO 9303 check digit of s[0..n): weights 7, 3, 1; '<' counts 0. */
static int mrz_check(const char *s, size_t n)
{
	static const int w[3] = {7, 3, 1};
	size_t i;
	int sum = 0, v;

	for (i = 0; i < n; i++) {
		char ch = s[i];

		v = ch >= '0' && ch <= '9'   ? ch - '0'
		    : ch >= 'A' && ch <= 'Z' ? ch - 'A' + 10
		                             : 0;
		sum += v * w[i % 3];
	}
	return '0' + sum % 10;
}

/* An MRZ line with spaces taken out and OCR's '«' read as '<'. */
static void mrz_clean(char *out, size_t size, const char *s)
{
	size_t o = 0;

	for (; *s && o + 1 < size; s++) {
		if (*s == ' ')
			continue;
		if (!strncmp(s, "«", 2)) {
			out[o++] = '<'; /* after the fields we read */
			s++;
			continue;
		}
		out[o++] = *s;
	}
	out[o] = '\0';
}

/* The ICAO TD1 machine-readable zone on the back of both cards: line 1
 * IDVNM + the last 9 digits of the number + check + the 12-digit number;
 * line 2 birth YYMMDD + check, sex M/F.  Taken only where the check
 * digits hold (OCR errors do not pass), and only to fill gaps. */
static int read_mrz(struct collect *c, const sohoa_ocr__line *src, size_t n)
{
	char l1[128], l2[128], idn[13], iso[24];
	size_t i;
	int rc = SOHOA_OK, g, cent;

	for (i = 0; i + 1 < n; i++) {
		mrz_clean(l1, sizeof(l1), src[i].text);
		/* "ID" is often read "TD" or "1D": the check digits below
		 * decide */
		if (strlen(l1) < 30 || strncmp(l1 + 2, "VNM", 3) != 0 ||
		    !(l1[0] == 'I' || l1[1] == 'D'))
			continue;
		if (l1[14] != mrz_check(l1 + 5, 9) || !all_digits(l1 + 15, 12))
			continue;
		memcpy(idn, l1 + 15, 12);
		idn[12] = '\0';
		if (strncmp(idn + 3, l1 + 5, 9) != 0)
			continue;
		if ((rc = set_val(&c->ocr[F_ID], idn, l1, src[i].conf)))
			return rc;
		mrz_clean(l2, sizeof(l2), src[i + 1].text);
		if (strlen(l2) < 15 || !all_digits(l2, 6) ||
		    l2[6] != mrz_check(l2, 6))
			return SOHOA_OK;
		g = idn[3] - '0';
		cent = 19 + g / 2;
		snprintf(iso, sizeof(iso), "%02d%.2s-%.2s-%.2s", cent % 100, l2,
		         l2 + 2, l2 + 4);
		if ((rc = set_val(&c->ocr[F_DOB], iso, l2, src[i + 1].conf)))
			return rc;
		if (l2[7] == 'M' || l2[7] == 'F')
			rc =
			    set_val(&c->ocr[F_SEX], l2[7] == 'M' ? "Nam" : "Nữ",
			            l2, src[i + 1].conf);
		return rc;
	}
	return SOHOA_OK;
}

static int read_lines(struct collect *c, const sohoa_ocr__data *d,
                      const sohoa_ocr__line *src, size_t n)
{
	struct tline *lines = calloc(n ? n : 1, sizeof(*lines));
	size_t i, from;
	struct hit h, next;
	char buf[16];
	int rc = SOHOA_OK;

	if (!lines)
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	for (i = 0; i < n; i++)
		if ((rc = tokenize(&lines[i], &src[i])) != SOHOA_OK)
			goto done;
	for (i = 0; i < n; i++) {
		for (from = 0; find_label(&h, &lines[i], from);) {
			size_t end = lines[i].n;

			if (find_label(&next, &lines[i],
			               h.value > h.start ? h.value
			                                 : h.start + 1))
				end = next.start;
			if (!h.english_only || h.value < end || h.start == 0)
				if ((rc = take_value(c, d, lines, n, i, &h,
				                     end)) != SOHOA_OK)
					goto done;
			from = end > h.start ? end : h.start + 1;
		}
	}
	if ((rc = read_mrz(c, src, n)) != SOHOA_OK)
		goto done;
	/* No labelled number: the first 12-digit number of the page (a card
	 * has one; on a form the applicant's comes first). */
	for (i = 0; i < n && !c->ocr[F_ID].value; i++)
		if (find_digits(buf, 12, src[i].text))
			rc = set_val(&c->ocr[F_ID], buf, buf, src[i].conf);
done:
	for (i = 0; i < n; i++)
		tline_free(&lines[i]);
	free(lines);
	return rc;
}

/* ---- result building ----------------------------------------------------- */

static int add_problem(sohoa_ocr_field *f, const char *fmt, ...)
    SOHOA_PRINTF(2, 3);

static int add_problem(sohoa_ocr_field *f, const char *fmt, ...)
{
	va_list ap;
	char buf[512], **g;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (!(g = realloc(f->problems, (f->nproblems + 1) * sizeof(*g))))
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	f->problems = g;
	if (!(g[f->nproblems] = strdup(buf)))
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	f->nproblems++;
	f->valid = 0;
	return SOHOA_OK;
}

void sohoa_ocr__fields_dispose(sohoa_ocr_result *r)
{
	size_t i, k;

	for (i = 0; i < r->nfields; i++) {
		free(r->fields[i].value);
		free(r->fields[i].raw);
		for (k = 0; k < r->fields[i].nproblems; k++)
			free(r->fields[i].problems[k]);
		free(r->fields[i].problems);
	}
	free(r->fields);
	free(r->needs_review);
	r->fields = NULL;
	r->needs_review = NULL;
	r->nfields = r->nneeds_review = 0;
}

static sohoa_ocr_field *field_of(sohoa_ocr_result *r, int f)
{
	size_t i;

	for (i = 0; i < r->nfields; i++)
		if (r->fields[i].name == field_names[f])
			return &r->fields[i];
	return NULL;
}

/* Share of the words of `ocr` (folded) that occur among the words of
 * `qr`, 0..1. */
static double words_in(const char *qr, const char *ocr)
{
	char *q = NULL, *o = NULL, *w, *save = NULL;
	size_t n = 0, found = 0;
	char key[128];

	if (sohoa_text_fold(&q, qr) != SOHOA_OK ||
	    sohoa_text_fold(&o, ocr) != SOHOA_OK) {
		free(q);
		return 0;
	}
	for (w = q; *w; w++)
		if (*w == ',' || *w == '.')
			*w = ' ';
	for (w = strtok_r(o, " ,.;_|", &save); w;
	     w = strtok_r(NULL, " ,.;_|", &save)) {
		const char *hit = q;
		size_t len = strlen(w);

		if (len >= sizeof(key) - 2)
			continue;
		n++;
		snprintf(key, sizeof(key), "%s", w);
		while ((hit = strstr(hit, key)) != NULL) {
			if ((hit == q || hit[-1] == ' ') &&
			    (hit[len] == '\0' || hit[len] == ' ')) {
				found++;
				break;
			}
			hit += len;
		}
	}
	free(q);
	free(o);
	return n ? (double)found / n : 0;
}

/* Compare for the cross-check: the same text (spaces and commas
 * squeezed) is agreement; for names and places, the same letters with
 * other tone marks are OCR noise, not a conflict (the QR's marks are
 * error-corrected, Tesseract's are not).  A printed address often comes
 * out cut short or with a neighbouring column's words run in (the expiry
 * beside it): when most printed words are words of the QR's address, it
 * does not contradict it. */
static int agree(int f, const char *a, const char *b)
{
	char *fa, *fb;
	int same;

	if (is_place(f) && strcmp(a, b) != 0 && words_in(a, b) >= 0.7)
		return 1;
	if (!strcmp(a, b))
		return 1;
	if (f != F_NAME && !is_place(f) && f != F_NAT)
		return 0;
	fa = fold_clean(a, strlen(a));
	fb = fold_clean(b, strlen(b));
	same = fa && fb && !strcmp(fa, fb);
	free(fa);
	free(fb);
	return same;
}

static int merge(sohoa_ocr_result *r, struct collect *c)
{
	int f, rc;

	r->fields = calloc(NFIELDS, sizeof(*r->fields));
	if (!r->fields)
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	for (f = 0; f < NFIELDS; f++) {
		struct val *q = &c->qr[f], *o = &c->ocr[f];
		sohoa_ocr_field *x;

		if (!q->value && !o->value)
			continue;
		x = &r->fields[r->nfields++];
		x->name = field_names[f];
		x->valid = 1;
		if (q->value && o->value) {
			x->source = "qr+ocr";
			x->value = q->value;
			q->value = NULL;
			x->raw = o->raw;
			o->raw = NULL;
			if (agree(f, x->value, o->value)) {
				x->confidence =
				    1.0 - (1.0 - q->conf) * (1.0 - o->conf);
			} else {
				x->confidence = q->conf * 0.5;
				if ((rc = add_problem(
				         x,
				         "conflict: QR code says \"%s\", "
				         "printed text says \"%s\"",
				         x->value, o->value)) != SOHOA_OK)
					return rc;
			}
		} else if (q->value) {
			x->source = "qr";
			x->value = q->value;
			q->value = NULL;
			x->confidence = q->conf;
		} else {
			x->source = "ocr";
			x->value = o->value;
			o->value = NULL;
			x->raw = o->raw;
			o->raw = NULL;
			x->confidence = o->conf;
			/* a doubt, not a validation failure: valid stays, the
			 * low confidence puts the field up for review */
			if (o->note) {
				if ((rc = add_problem(x, "%s", o->note)) !=
				    SOHOA_OK)
					return rc;
				x->valid = 1;
				if (x->confidence > 0.5)
					x->confidence = 0.5;
			}
		}
	}
	return SOHOA_OK;
}

/* ---- validation (DOMAIN.md) ---------------------------------------------- */

static int validate(sohoa_ocr_result *r, const sohoa_ocr__data *d)
{
	sohoa_ocr_field *id = field_of(r, F_ID), *dob = field_of(r, F_DOB);
	sohoa_ocr_field *sex = field_of(r, F_SEX), *exp = field_of(r, F_EXPIRY);
	sohoa_ocr_field *iss = field_of(r, F_ISSUE);
	sohoa_ocr_field *old = field_of(r, F_OLDID);
	struct date b = {0, 0, 0}, e, t;
	int have_b = 0, rc = SOHOA_OK, f;

	for (f = F_DOB; f <= F_ISSUE; f++) {
		sohoa_ocr_field *x = field_of(r, f);

		if (!x || (f != F_DOB && f != F_EXPIRY && f != F_ISSUE))
			continue;
		if (f == F_EXPIRY && !strcmp(x->value, "Không thời hạn"))
			continue;
		if (!parse_iso(&t, x->value) || !real_date(t))
			if ((rc = add_problem(x, "not a real date: %s",
			                      x->value)) != SOHOA_OK)
				return rc;
	}
	if (dob && parse_iso(&b, dob->value) && real_date(b))
		have_b = 1;
	if (id) {
		const char *v = id->value;

		if (strlen(v) != 12 || !all_digits(v, 12)) {
			if ((rc = add_problem(id, "not 12 digits: %s", v)))
				return rc;
		} else {
			int prov = (v[0] - '0') * 100 + (v[1] - '0') * 10 +
			           (v[2] - '0');
			int g = v[3] - '0', yy = (v[4] - '0') * 10 + v[5] - '0';

			if (d && !d->provinces[prov] &&
			    (rc = add_problem(id, "unknown province code %.3s",
			                      v)))
				return rc;
			if (have_b) {
				int century = 1900 + 100 * (g / 2);

				if (century != b.y / 100 * 100 ||
				    yy != b.y % 100)
					if ((rc = add_problem(
					         id,
					         "digits %.3s (century, year) "
					         "disagree with date of birth "
					         "%s",
					         v + 3, dob->value)))
						return rc;
			}
			if (sex && ((g % 2 == 0) != !strcmp(sex->value, "Nam")))
				if ((rc = add_problem(
				         id,
				         "digit %c (%s) disagrees with sex %s",
				         v[3], g % 2 ? "female" : "male",
				         sex->value)))
					return rc;
		}
	}
	if (old && !((strlen(old->value) == 9 || strlen(old->value) == 12) &&
	             all_digits(old->value, strlen(old->value))))
		if ((rc = add_problem(old, "not 9 or 12 digits: %s",
		                      old->value)))
			return rc;
	if (exp && have_b) {
		static const int ages[] = {25, 40, 60};
		int ok = 0, k,
		    issued = iss && parse_iso(&t, iss->value) && real_date(t);

		if (!strcmp(exp->value, "Không thời hạn")) {
			/* only for cards issued from 58 on (2-year rule) */
			struct date at58 = {b.y + 58, b.m, b.d};

			ok = !issued || date_cmp(t, at58) >= 0;
		} else if (parse_iso(&e, exp->value) && real_date(e)) {
			for (k = 0; k < 3; k++) {
				struct date due = {b.y + ages[k], b.m, b.d};

				if (due.m == 2 && due.d == 29 && !leap(due.y))
					due.d = 28;
				if (date_cmp(e, due) != 0)
					continue;
				ok = 1;
				if (!issued)
					break;
				/* issued before the card's own age minus two
				 * years and after the previous age minus two
				 * years (else it would run to another age) */
				{
					struct date lo = {
					    b.y + (k ? ages[k - 1] : 0) - 2,
					    b.m, b.d};
					struct date hi = {b.y + ages[k] - 2,
					                  b.m, b.d};

					if (date_cmp(t, hi) >= 0 ||
					    (k && date_cmp(t, lo) < 0))
						ok = 0;
				}
				break;
			}
		} else {
			ok = 1; /* already reported as not a date */
		}
		if (!ok &&
		    (rc = add_problem(
		         exp,
		         "expiry %s does not match the renewal ages "
		         "25/40/60 for birth %s%s%s",
		         exp->value, dob->value, issued ? " and issue " : "",
		         issued ? iss->value : "")))
			return rc;
	}
	return SOHOA_OK;
}

static int list_review(sohoa_ocr_result *r)
{
	size_t i;

	if (!r->nfields)
		return SOHOA_OK;
	if (!(r->needs_review = calloc(r->nfields, sizeof(char *))))
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	for (i = 0; i < r->nfields; i++)
		if (!r->fields[i].valid || r->fields[i].confidence < 0.6)
			r->needs_review[r->nneeds_review++] = r->fields[i].name;
	return SOHOA_OK;
}

int sohoa_ocr__extract_fields(sohoa_ocr_result *r, const sohoa_ocr__data *d,
                              const char *qr, const sohoa_ocr__line *lines,
                              size_t nlines)
{
	struct collect c;
	int rc = SOHOA_OK;

	memset(&c, 0, sizeof(c));
	sohoa_ocr__fields_dispose(r);
	if (qr) {
		parse_qr(&c, qr, &rc);
		if (rc != SOHOA_OK)
			goto done;
	}
	if (lines && (rc = read_lines(&c, d, lines, nlines)) != SOHOA_OK)
		goto done;
	if ((rc = merge(r, &c)) != SOHOA_OK ||
	    (rc = validate(r, d)) != SOHOA_OK)
		goto done;
	rc = list_review(r);
done:
	collect_free(&c);
	if (rc != SOHOA_OK)
		sohoa_ocr__fields_dispose(r);
	return rc;
}

/* ---- public wrappers ----------------------------------------------------- */

int sohoa_ocr_fields_from_text(sohoa_ocr_result *r, const sohoa_ocr *ocr,
                               const char *qr_payload, const char *text,
                               double text_conf)
{
	sohoa_ocr__line *lines = NULL;
	size_t n = 0, cap = 0, i;
	const char *p, *eol;
	int rc = SOHOA_OK;

	assert(r && ocr);
	for (p = text; p && *p; p = *eol ? eol + 1 : eol) {
		eol = p + strcspn(p, "\n");
		if (eol == p)
			continue;
		if (n == cap) {
			size_t ncap = cap ? 2 * cap : 32;
			void *g = realloc(lines, ncap * sizeof(*lines));

			if (!g) {
				rc = sohoa_error_set(SOHOA_ENOMEM,
				                     "out of memory");
				goto done;
			}
			lines = g;
			cap = ncap;
		}
		memset(&lines[n], 0, sizeof(lines[n]));
		lines[n].conf = text_conf;
		if (!(lines[n].text = strndup(p, (size_t)(eol - p)))) {
			rc = sohoa_error_set(SOHOA_ENOMEM, "out of memory");
			goto done;
		}
		n++;
	}
	rc = sohoa_ocr__extract_fields(r, sohoa_ocr__data_of(ocr), qr_payload,
	                               text ? lines : NULL, n);
done:
	for (i = 0; i < n; i++)
		free(lines[i].text);
	free(lines);
	return rc;
}

int sohoa_ocr_repair_name(char **out, const sohoa_ocr *ocr, const char *raw)
{
	assert(out && ocr && raw);
	return repair_name(out, sohoa_ocr__data_of(ocr), raw);
}
