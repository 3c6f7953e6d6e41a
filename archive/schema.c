/* schema.c -- checks a JSON document against a JSON Schema (2020-12) with
 * jansson: Debian 12 has no C JSON Schema validator, so this interprets
 * the subset of keywords docs/metadata.schema.json uses, and refuses a
 * schema with any other (so the schema file stays the single source of
 * truth: a keyword added there without support here fails the tests).
 * Supported: type, enum, const, properties, required,
 * additionalProperties, items, minItems, minLength, pattern (POSIX
 * extended regular expressions), minimum, maximum, $ref to "#/$defs/...";
 * annotations ($schema, $id, $defs, title, description, $comment) are
 * skipped.
 */
#include "archive/archive.h"

#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "archive_int.h"
#include "config/config.h"

struct sctx {
	json_t *root;                    /* the schema, for $ref */
	sohoa_archive__violation_fn *fn; /* called once per violation */
	void *arg;
	size_t n;       /* violations */
	int bad_schema; /* an error was set */
	char ptr[1024]; /* JSON pointer of the value being checked */
};

SOHOA_PRINTF(2, 3)
static void violation(struct sctx *c, const char *fmt, ...)
{
	char what[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	c->n++;
	c->fn(c->arg, c->ptr[0] ? c->ptr : "/", what);
}

static void schema_error(struct sctx *c, const char *what, const char *key)
{
	if (!c->bad_schema)
		sohoa_error_set(SOHOA_ERROR, "metadata schema at %s: %s %s",
		                c->ptr[0] ? c->ptr : "/", what, key);
	c->bad_schema = 1;
}

static const char *type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "object";
	case JSON_ARRAY:
		return "array";
	case JSON_STRING:
		return "string";
	case JSON_INTEGER:
		return "integer";
	case JSON_REAL:
		return "number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "boolean";
	default:
		return "null";
	}
}

static int type_is(const json_t *v, const char *t)
{
	if (strcmp(t, "number") == 0)
		return json_is_number(v);
	if (strcmp(t, "integer") == 0) {
		double d;

		if (json_is_integer(v))
			return 1;
		d = json_is_real(v) ? json_real_value(v) : 0.5;
		return d == (double)(long long)d;
	}
	return strcmp(t, type_name(v)) == 0;
}

/* Append "/<token>" (RFC 6901 escaped) to the pointer; returns the old
 * length, to restore it. */
static size_t push(struct sctx *c, const char *token)
{
	size_t old = strlen(c->ptr), n = old;

	if (n + 1 < sizeof(c->ptr))
		c->ptr[n++] = '/';
	for (; *token && n + 2 < sizeof(c->ptr); token++) {
		if (*token == '~' || *token == '/') {
			c->ptr[n++] = '~';
			c->ptr[n++] = *token == '~' ? '0' : '1';
		} else {
			c->ptr[n++] = *token;
		}
	}
	c->ptr[n] = '\0';
	return old;
}

static size_t utf8_len(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

static void check(struct sctx *c, json_t *s, json_t *v);

static int check_type(struct sctx *c, json_t *t, json_t *v)
{
	char want[128] = "";
	size_t i;
	json_t *it;

	if (json_is_string(t)) {
		if (type_is(v, json_string_value(t)))
			return 1;
		snprintf(want, sizeof(want), "%s", json_string_value(t));
	} else if (json_is_array(t)) {
		json_array_foreach(t, i, it)
		{
			if (!json_is_string(it)) {
				schema_error(c, "bad", "type");
				return 1;
			}
			if (type_is(v, json_string_value(it)))
				return 1;
			snprintf(want + strlen(want),
			         sizeof(want) - strlen(want), "%s%s",
			         i ? " or " : "", json_string_value(it));
		}
	} else {
		schema_error(c, "bad", "type");
		return 1;
	}
	violation(c, "expected %s, got %s", want, type_name(v));
	return 0;
}

static void check_pattern(struct sctx *c, const char *re, const char *s)
{
	regex_t rx;

	if (regcomp(&rx, re, REG_EXTENDED | REG_NOSUB) != 0) {
		schema_error(c, "bad pattern", re);
		return;
	}
	if (regexec(&rx, s, 0, NULL, 0) != 0)
		violation(c, "\"%.200s\" does not match %s", s, re);
	regfree(&rx);
}

static void check_object(struct sctx *c, json_t *s, json_t *v)
{
	json_t *props = json_object_get(s, "properties");
	json_t *req = json_object_get(s, "required");
	json_t *addl = json_object_get(s, "additionalProperties");
	const char *key;
	json_t *it;
	size_t i;

	json_array_foreach(req, i, it)
	{
		if (json_is_string(it) &&
		    !json_object_get(v, json_string_value(it))) {
			size_t old = push(c, json_string_value(it));

			violation(c, "missing (required)");
			c->ptr[old] = '\0';
		}
	}
	json_object_foreach(v, key, it)
	{
		json_t *ps = json_object_get(props, key);
		size_t old = push(c, key);

		if (ps)
			check(c, ps, it);
		else if (json_is_false(addl))
			violation(c, "not allowed (no such property)");
		else if (json_is_object(addl))
			check(c, addl, it);
		c->ptr[old] = '\0';
	}
}

static void check(struct sctx *c, json_t *s, json_t *v)
{
	static const char *const known[] = {"$schema",
	                                    "$id",
	                                    "$defs",
	                                    "$comment",
	                                    "title",
	                                    "description",
	                                    "$ref",
	                                    "type",
	                                    "enum",
	                                    "const",
	                                    "properties",
	                                    "required",
	                                    "additionalProperties",
	                                    "items",
	                                    "minItems",
	                                    "minLength",
	                                    "pattern",
	                                    "minimum",
	                                    "maximum"};
	const char *key;
	json_t *k, *it;
	size_t i;

	if (c->bad_schema || json_is_true(s))
		return;
	if (json_is_false(s)) {
		violation(c, "not allowed");
		return;
	}
	if (!json_is_object(s)) {
		schema_error(c, "not a schema:", type_name(s));
		return;
	}
	json_object_foreach(s, key, k)
	{
		for (i = 0; i < sizeof(known) / sizeof(*known); i++)
			if (strcmp(key, known[i]) == 0)
				break;
		if (i == sizeof(known) / sizeof(*known)) {
			schema_error(c, "keyword not supported:", key);
			return;
		}
	}
	if ((k = json_object_get(s, "$ref"))) {
		const char *ref = json_string_value(k);
		json_t *def = NULL;

		if (ref && strncmp(ref, "#/$defs/", 8) == 0)
			def = json_object_get(json_object_get(c->root, "$defs"),
			                      ref + 8);
		if (!def) {
			schema_error(c, "unresolved $ref", ref ? ref : "");
			return;
		}
		check(c, def, v);
	}
	/* a wrong type: that one finding, not every keyword after it */
	if ((k = json_object_get(s, "type")) && !check_type(c, k, v))
		return;
	if ((k = json_object_get(s, "const")) && !json_equal(k, v)) {
		char *want = json_dumps(k, JSON_ENCODE_ANY);

		violation(c, "must be %s", want ? want : "?");
		free(want);
	}
	if ((k = json_object_get(s, "enum"))) {
		int found = 0;
		char *list;

		json_array_foreach(k, i, it) found |= json_equal(it, v);
		if (!found) {
			char *got = json_dumps(v, JSON_ENCODE_ANY);

			list = json_dumps(k, JSON_COMPACT);
			violation(c, "%.200s is not one of %s", got ? got : "?",
			          list ? list : "?");
			free(got);
			free(list);
		}
	}
	if (json_is_string(v)) {
		if ((k = json_object_get(s, "minLength")) &&
		    utf8_len(json_string_value(v)) <
		        (size_t)json_integer_value(k))
			violation(c, "shorter than the minimum length %lld",
			          (long long)json_integer_value(k));
		if ((k = json_object_get(s, "pattern")))
			check_pattern(c, json_string_value(k),
			              json_string_value(v));
	}
	if (json_is_number(v)) {
		char num[64];

		if ((k = json_object_get(s, "minimum")) &&
		    json_number_value(v) < json_number_value(k)) {
			snprintf(num, sizeof(num), "%g", json_number_value(k));
			violation(c, "less than the minimum %s", num);
		}
		if ((k = json_object_get(s, "maximum")) &&
		    json_number_value(v) > json_number_value(k)) {
			snprintf(num, sizeof(num), "%g", json_number_value(k));
			violation(c, "more than the maximum %s", num);
		}
	}
	if (json_is_array(v)) {
		if ((k = json_object_get(s, "minItems")) &&
		    json_array_size(v) < (size_t)json_integer_value(k))
			violation(c, "fewer than %lld items",
			          (long long)json_integer_value(k));
		if ((k = json_object_get(s, "items"))) {
			json_array_foreach(v, i, it)
			{
				char idx[32];
				size_t old;

				snprintf(idx, sizeof(idx), "%zu", i);
				old = push(c, idx);
				check(c, k, it);
				c->ptr[old] = '\0';
			}
		}
	}
	if (json_is_object(v))
		check_object(c, s, v);
}

int sohoa_archive__schema_check(size_t *violations, json_t *schema, json_t *doc,
                                sohoa_archive__violation_fn *fn, void *arg)
{
	struct sctx c;

	memset(&c, 0, sizeof(c));
	c.root = schema;
	c.fn = fn;
	c.arg = arg;
	check(&c, schema, doc);
	*violations = c.n;
	return c.bad_schema ? SOHOA_ERROR : SOHOA_OK;
}

int sohoa_archive__metadata_schema(json_t **out)
{
	static const char text[] = {
#include "metadata_schema.inc"
	    0};
	json_error_t jerr;

	if (!(*out = json_loads(text, 0, &jerr)))
		return sohoa_error_set(
		    SOHOA_ERROR, "built-in metadata schema: %s", jerr.text);
	return SOHOA_OK;
}
