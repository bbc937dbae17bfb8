/* SPDX-License-Identifier: MIT */
/* Calendar time: civil dates, ISO-8601 UTC out and in (with offsets), durations; pure, no clock. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "util.h"

/* Days since 1970-01-01 of a proleptic Gregorian date (Hinnant). */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int64_t
time_from_ymd(int y, int m, int d)
{
	return days_from_civil(y, m, d) * 86400;
}

void
time_to_ymd(int64_t t, int *y, int *m, int *d)
{
	int64_t z = (t >= 0 ? t : t - 86399) / 86400 + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;

	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

int
time_days_in_month(int y, int m)
{
	static const int dim[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
				   30, 31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return dim[m - 1];
}

char *
time_fmt(int64_t t, char *buf, size_t len)
{
	int y, mo, d;
	int64_t s = ((t % 86400) + 86400) % 86400;

	time_to_ymd(t, &y, &mo, &d);
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, mo, d,
		 (int)(s / 3600), (int)(s / 60 % 60), (int)(s % 60));
	return buf;
}

jv
time_jv(int64_t t)
{
	char buf[32];

	if (t < 0)
		return jv_null();
	return jv_string(time_fmt(t, buf, sizeof(buf)));
}

static int
digits(const char **p, int n, int *out)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return -1;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*out = v;
	return 0;
}

static int
parse_offset(const char *p, int64_t *off)
{
	int sign, hh, mm = 0;

	if (*p == 'Z' || *p == 'z')
		return p[1] ? -1 : (*off = 0, 0);
	if (*p != '+' && *p != '-')
		return -1;
	sign = *p++ == '-' ? -1 : 1;
	if (digits(&p, 2, &hh) < 0)
		return -1;
	if (*p == ':')
		p++;
	if (*p && digits(&p, 2, &mm) < 0)
		return -1;
	if (*p || hh > 23 || mm > 59)
		return -1;
	*off = sign * (hh * 3600 + mm * 60);
	return 0;
}

/* 9999-12-31T23:59:59Z */
#define TIME_MAX_SECONDS 253402300799LL

static int
parse_iso(const char *s, int64_t *out)
{
	const char *p = s;
	int y, mo, d, hh = 0, mi = 0, ss = 0;
	int64_t off = 0;

	if (digits(&p, 4, &y) < 0 || *p++ != '-' || digits(&p, 2, &mo) < 0 ||
	    *p++ != '-' || digits(&p, 2, &d) < 0)
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > time_days_in_month(y, mo))
		return -1;
	if (*p == 'T' || *p == 't' || *p == ' ') {
		p++;
		if (digits(&p, 2, &hh) < 0 || *p++ != ':' ||
		    digits(&p, 2, &mi) < 0)
			return -1;
		if (*p == ':') {
			p++;
			if (digits(&p, 2, &ss) < 0)
				return -1;
			if (*p == '.' || *p == ',')
				for (p++; isdigit((unsigned char)*p); p++)
					;
		}
		if (hh > 23 || mi > 59 || ss > 60)
			return -1;
		if (*p && parse_offset(p, &off) < 0)
			return -1;
	} else if (*p) {
		return -1;
	}
	*out = time_from_ymd(y, mo, d) + hh * 3600 + mi * 60 + ss - off;
	/* the range Unix seconds have here: before 1970 is "never" to
	 * the desk, and past year 9999 would not print back */
	return *out < 0 || *out > TIME_MAX_SECONDS ? -1 : 0;
}

int
time_parse(const char *s, int64_t *out, struct wa_err *err)
{
	long long v;

	if (s && parse_int(s, 0, TIME_MAX_SECONDS, &v) == 0) {
		*out = v;
		return 0;
	}
	if (s && parse_iso(s, out) == 0)
		return 0;
	return wa_err_set(err, WA_EX_USAGE, "invalid_input",
			  "'%s' is not a time: use ISO 8601 "
			  "(2024-04-16T17:57:05Z) or Unix seconds",
			  s ? s : "");
}

int
duration_parse(const char *s, int64_t *out)
{
	char *end;
	long long v;
	int64_t mult = 1;

	if (!s || !isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || v < 0)
		return -1;
	if (*end) {
		switch (*end) {
		case 's': mult = 1; break;
		case 'm': mult = 60; break;
		case 'h': mult = 3600; break;
		case 'd': mult = 86400; break;
		default: return -1;
		}
		if (end[1])
			return -1;
	}
	if (v > TIME_MAX_SECONDS / mult)	/* no overflow (fuzz-values) */
		return -1;
	*out = (int64_t)v * mult;
	return 0;
}
