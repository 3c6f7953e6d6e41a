/* web_archive.c -- archive, review and status routes (docs/http-api.md). */
#include "web_int.h"

const sohoa_web_route cli_web_archive_routes[] = {
    {NULL, NULL, 0, NULL},
};
const size_t cli_web_archive_nroutes = 0;
