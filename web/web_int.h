/* web_int.h -- what the files of web/ share (and tests/test_web_core.c). */
#ifndef SOHOA_WEB_INT_H
#define SOHOA_WEB_INT_H

#include "web/web.h"

/* A password hash "scrypt$LOGN$R$P$SALT_HEX$KEY_HEX" (*out owned). */
int sohoa_password_hash(char **out, const char *password);
/* 1 when `password` matches `stored` (constant-time compare), else 0. */
int sohoa_password_verify(const char *stored, const char *password);

/* An embedded file of web/static (generated static_files.inc). */
struct sohoa_static_file {
	const char *name; /* "app.css" */
	const unsigned char *data;
	size_t len;
};

/* The embedded file `name` (no '/' allowed), or NULL. */
const struct sohoa_static_file *sohoa_static_find(const char *name);
/* Its content type from the extension (a static string). */
const char *sohoa_static_type(const char *name);

/* A key of the login rate limit ("u:NAME" or "a:ADDRESS") and its
 * failures since `first` (monotonic seconds). */
struct sohoa_failure {
	char key[80];
	int count;
	double first;
};

/* Which of the `n` entries of a full table a new key replaces: one whose
 * `window` is over, else the one with the fewest failures (the oldest
 * of those), so a flood of new names cannot push out a name that is
 * locked out. */
size_t sohoa_failure_victim(const struct sohoa_failure *f, size_t n, double now,
                            double window);

#endif
