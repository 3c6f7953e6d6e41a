/* casenum.c -- case numbers (mã số hồ sơ): {agency}-{YYMMDD}-{sequence}.
 *
 * The agency code is opaque (both the QCVN 102:2016 and the QĐ 20/2020
 * orientations are accepted); the date must be real.  See DOMAIN.md.
 */
#include "config/config.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static int is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
	static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	return m == 2 && is_leap(y) ? 29 : d[m - 1];
}

const char *sohoa_case_problem(char norm[SOHOA_CASE_MAX], const char *in)
{
	char s[SOHOA_CASE_MAX];
	size_t len = 0, agency_len, group = 0, groups = 1;
	const char *p, *dash1, *dash2;
	int yy, mm, dd;

	norm[0] = '\0';
	while (*in && isspace((unsigned char)*in))
		in++;
	for (p = in; *p; p++) {
		if (len + 1 >= sizeof(s))
			return "too long";
		s[len++] = (char)toupper((unsigned char)*p);
	}
	while (len > 0 && isspace((unsigned char)s[len - 1]))
		len--;
	s[len] = '\0';
	if (len == 0)
		return "empty";

	dash2 = strrchr(s, '-');
	if (!dash2 || dash2 == s)
		return "missing '-{YYMMDD}-{sequence}'";
	dash1 = dash2 - 1;
	while (dash1 > s && *dash1 != '-')
		dash1--;
	if (*dash1 != '-')
		return "missing '-{YYMMDD}-'";

	agency_len = (size_t)(dash1 - s);
	if (agency_len == 0 || agency_len > 35)
		return "agency code must have 1 to 35 characters";
	for (p = s; p < dash1; p++) {
		if (*p == '.') {
			if (group == 0)
				return "empty group in agency code";
			group = 0;
			groups++;
		} else if (isdigit((unsigned char)*p) ||
		           (*p >= 'A' && *p <= 'Z')) {
			if (++group > 10)
				return "agency code group longer than "
				       "10 characters";
		} else {
			return "agency code may hold only 0-9, A-Z "
			       "and '.'";
		}
	}
	if (group == 0)
		return "empty group in agency code";
	if (groups > 7)
		return "agency code has more than 7 groups";

	if (dash2 - dash1 - 1 != 6)
		return "receipt date must be 6 digits YYMMDD";
	for (p = dash1 + 1; p < dash2; p++)
		if (!isdigit((unsigned char)*p))
			return "receipt date must be 6 digits YYMMDD";
	yy = (dash1[1] - '0') * 10 + (dash1[2] - '0');
	mm = (dash1[3] - '0') * 10 + (dash1[4] - '0');
	dd = (dash1[5] - '0') * 10 + (dash1[6] - '0');
	if (mm < 1 || mm > 12 || dd < 1 || dd > days_in_month(2000 + yy, mm))
		return "receipt date is not a real date";

	if (strlen(dash2 + 1) < 4 || strlen(dash2 + 1) > 12)
		return "sequence must have 4 to 12 digits";
	for (p = dash2 + 1; *p; p++)
		if (!isdigit((unsigned char)*p))
			return "sequence must be digits";

	memcpy(norm, s, len + 1);
	return NULL;
}

int sohoa_case_normalize(char norm[SOHOA_CASE_MAX], const char *in)
{
	const char *why = sohoa_case_problem(norm, in);

	if (!why)
		return SOHOA_OK;
	while (*in && isspace((unsigned char)*in))
		in++;
	return sohoa_error_set(
	    SOHOA_EINVALID,
	    "invalid case number '%s': %s; expected " SOHOA_CASE_SHAPE, in,
	    why);
}

int sohoa_case_receipt_date(char date[11], const char *case_number)
{
	char norm[SOHOA_CASE_MAX];
	const char *d;
	int rc;

	if ((rc = sohoa_case_normalize(norm, case_number)) != SOHOA_OK)
		return rc;
	d = strrchr(norm, '-') - 6;
	snprintf(date, 11, "20%.2s-%.2s-%.2s", d, d + 2, d + 4);
	return SOHOA_OK;
}
