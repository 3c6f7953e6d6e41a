/* meta.c -- data/metadata.json of a case bundle as a jansson object:
 * a new case, placing a component (folder slug, next page number), paper
 * order of pages, events.
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

json_t *sohoa_archive__meta_new(const char *norm)
{
	return json_pack("{s:s, s:i, s:s, s:n, s:[], s:[], s:[], s:[]}",
	                 "format", "sohoa-case-bundle", "format_version", 1,
	                 "case_number", norm, "procedure_code", "components",
	                 "pages", "revisions", "events");
}

/* Find or create the component; *first_page is its next page number. */
int sohoa_archive__meta_place(const char **folder_out, int *first_page,
                              json_t *meta, const sohoa_archive_component_in *c)
{
	json_t *comps = json_object_get(meta, "components");
	json_t *pages = json_object_get(meta, "pages");
	json_t *it, *obj;
	char *slug = NULL, cand[300];
	size_t i, j;
	int n = 0, rc;

	*folder_out = NULL;
	*first_page = 1;
	json_array_foreach(comps, i, it)
	{
		const char *name =
		    json_string_value(json_object_get(it, "name"));

		if (!name || strcmp(name, c->name) != 0)
			continue;
		if (strcmp(json_string_value(json_object_get(it, "kind")),
		           c->kind) != 0)
			return sohoa_error_set(
			    SOHOA_EINVALID,
			    "%s is already in the case as "
			    "a %s",
			    c->name,
			    json_string_value(json_object_get(it, "kind")));
		json_array_foreach(pages, j, obj)
		{
			const char *pc = json_string_value(
			    json_object_get(obj, "component"));
			int pn = (int)json_integer_value(
			    json_object_get(obj, "page"));

			if (pc && strcmp(pc, c->name) == 0 && pn > n)
				n = pn;
		}
		*first_page = n + 1;
		*folder_out = json_string_value(json_object_get(it, "folder"));
		return *folder_out ? SOHOA_OK
		                   : sohoa_error_set(SOHOA_EINVALID,
		                                     "metadata: component %s "
		                                     "has no folder",
		                                     c->name);
	}
	if ((rc = sohoa_text_slug(&slug, c->name)) != SOHOA_OK)
		return rc;
	for (n = 1;; n++) {
		int used = 0;

		if (n == 1)
			snprintf(cand, sizeof(cand), "%.250s", slug);
		else
			snprintf(cand, sizeof(cand), "%.250s-%d", slug, n);
		json_array_foreach(comps, i, it)
		{
			const char *f =
			    json_string_value(json_object_get(it, "folder"));

			if (f && strcmp(f, cand) == 0)
				used = 1;
		}
		if (!used)
			break;
	}
	free(slug);
	obj = json_pack("{s:s, s:s, s:s, s:i}", "name", c->name, "kind",
	                c->kind, "folder", cand, "pages", 0);
	if (!obj || json_array_append_new(comps, obj) != 0)
		return sohoa_error_set(SOHOA_EINVALID,
		                       "component name is not valid UTF-8");
	*folder_out = json_string_value(json_object_get(obj, "folder"));
	return SOHOA_OK;
}

/* Pages in paper order: components in order, pages by number. */
int sohoa_archive__meta_order(json_t *meta)
{
	json_t *comps = json_object_get(meta, "components");
	json_t *pages = json_object_get(meta, "pages");
	json_t *sorted = json_array(), *c, *p;
	size_t i, j;

	if (!sorted)
		return sohoa_error_set(SOHOA_ENOMEM, "out of memory");
	json_array_foreach(comps, i, c)
	{
		const char *name =
		    json_string_value(json_object_get(c, "name"));
		int count = 0;

		json_array_foreach(pages, j, p)
		{
			const char *pc =
			    json_string_value(json_object_get(p, "component"));

			if (pc && name && strcmp(pc, name) == 0) {
				json_array_append(sorted, p);
				count++;
			}
		}
		json_object_set_new(c, "pages", json_integer(count));
	}
	if (json_array_size(sorted) != json_array_size(pages)) {
		json_decref(sorted);
		return sohoa_error_set(SOHOA_EINVALID,
		                       "metadata: a page names an unknown "
		                       "component");
	}
	json_object_set_new(meta, "pages", sorted);
	return SOHOA_OK;
}

void sohoa_archive__meta_event(json_t *events, const char *time,
                               const char *what, const char *who,
                               const char *station, int revision,
                               const char *detail)
{
	json_array_append_new(
	    events, json_pack("{s:s, s:s, s:s, s:s, s:i, s:s}", "time", time,
	                      "event", what, "who", who, "station", station,
	                      "revision", revision, "detail", detail));
}
