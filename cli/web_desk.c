/* web_desk.c -- the front-desk routes (docs/http-api.md). */
#include "web_int.h"

const sohoa_web_route cli_web_desk_routes[] = {
    {NULL, NULL, 0, NULL},
};
const size_t cli_web_desk_nroutes = 0;
