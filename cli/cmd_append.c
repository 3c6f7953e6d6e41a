/* cmd_append.c -- `sohoa append`: add a component or a result to a case
 * that already has a bundle, as a new revision.  The work is import's
 * (cli_import_files in cmd_import.c).
 */
#include "cli_int.h"

int cmd_append(int argc, char **argv)
{
	return cli_import_files("append", 1, argc, argv);
}
