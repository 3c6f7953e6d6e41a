/* review.c -- the review folder: pages that could not be filed with
 * confidence wait here, with a short .why, until someone files them with
 * `sohoa review file ITEM --case CASE`.  Nothing is ever dropped.
 */
#include "cli_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *ext_of(const char *path)
{
	const char *slash = strrchr(path, '/'), *dot = strrchr(path, '.');

	return dot && (!slash || dot > slash) ? dot : "";
}

int cli_review_add(const sohoa_config *cfg, const char *item,
                   const char *const *paths, size_t n, const char *why)
{
	const char *root = sohoa_config_get(cfg, "review.path");
	char *tmp = NULL, *dst = NULL, *final = NULL, *whyp = NULL,
	     *text = NULL;
	int rc;

	if ((rc = sohoa_asprintf(&tmp, "%s/.tmp-%s", root, item)) ||
	    (rc = sohoa_asprintf(&final, "%s/%s", root, item)) ||
	    (rc = sohoa_asprintf(&whyp, "%s/%s.why", root, item)))
		goto done;
	if (access(final, F_OK) == 0) {
		/* a run cut short by a crash put it here already (a stack
		 * run again keeps its item names): only the .why may lack */
		sohoa_log(SOHOA_LOG_INFO, "review item %s: already there",
		          item);
		if (access(whyp, F_OK) != 0 &&
		    (rc = sohoa_asprintf(&text, "%s\n", why)) == SOHOA_OK)
			rc = sohoa_fs_write_atomic(whyp, text, strlen(text));
		goto done;
	}
	if ((rc = sohoa_fs_mkdirs(tmp)))
		goto done;
	for (size_t i = 0; i < n; i++) {
		free(dst);
		if ((rc = sohoa_asprintf(&dst, "%s/p%04zu%s", tmp, i + 1,
		                         ext_of(paths[i]))) ||
		    (rc = sohoa_fs_copy(dst, paths[i])))
			goto done;
	}
	if ((rc = sohoa_fs_sync_dir(tmp)))
		goto done;
	if (rename(tmp, final) != 0) {
		rc = sohoa_error_set(sohoa_error_from_errno(errno),
		                     "cannot move review item to %s: %s", final,
		                     strerror(errno));
		goto done;
	}
	if ((rc = sohoa_fs_sync_dir(root)) ||
	    (rc = sohoa_asprintf(&text, "%s\n", why)) ||
	    (rc = sohoa_fs_write_atomic(whyp, text, strlen(text))))
		goto done;
	sohoa_log(SOHOA_LOG_INFO, "review item %s: %zu pages: %s", item, n,
	          why);
done:
	if (rc != SOHOA_OK && tmp)
		sohoa_fs_remove_tree(tmp);
	free(tmp);
	free(dst);
	free(final);
	free(whyp);
	free(text);
	return rc;
}
