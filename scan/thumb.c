/* thumb.c -- small PNG previews of spooled pages for the front-desk page
 * (Leptonica: decode, scale down, encode PNG in memory).
 */
#include "scan/scan.h"

#include "config/config.h"

#include <leptonica/allheaders.h>
#include <stdlib.h>
#include <string.h>

int sohoa_scan_thumbnail(unsigned char **png, size_t *len, const char *path,
                         int max_side)
{
	PIX *pix = NULL, *p8 = NULL, *small = NULL;
	l_uint8 *data = NULL;
	size_t size = 0;
	int w, h, rc = SOHOA_OK;
	float f;

	*png = NULL;
	*len = 0;
	if (max_side < 16)
		max_side = 16;
	if (!(pix = pixRead(path)))
		return sohoa_error_set(
		    SOHOA_EINVALID, "page %s cannot be decoded for a preview",
		    path);
	/* lineart and palettes scale badly: make them gray or RGB first */
	p8 = pixGetDepth(pix) == 32 ? pixClone(pix)
	     : pixGetColormap(pix)
	         ? pixRemoveColormap(pix, REMOVE_CMAP_BASED_ON_SRC)
	         : pixConvertTo8(pix, 0);
	w = pixGetWidth(pix);
	h = pixGetHeight(pix);
	f = (float)max_side / (float)(w > h ? w : h);
	if (p8 && pixGetDepth(p8) != 8 && pixGetDepth(p8) != 32) {
		PIX *t = pixConvertTo8(p8, 0);

		pixDestroy(&p8);
		p8 = t;
	}
	if (p8)
		small = f < 1 ? pixScale(p8, f, f) : pixClone(p8);
	if (!small || pixWriteMemPng(&data, &size, small, 0) != 0 || !data)
		rc = sohoa_error_set(SOHOA_ENOMEM,
		                     "cannot make a preview of %s", path);
	pixDestroy(&small);
	pixDestroy(&p8);
	pixDestroy(&pix);
	if (rc == SOHOA_OK) {
		*png = data;
		*len = size;
	}
	return rc;
}
