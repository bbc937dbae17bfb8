/* SPDX-License-Identifier: MIT */
/* The POSIX TZ rule of a TZif footer ("CET-1CEST,M3.5.0,M10.5.0/3"): parsed, the offset at an instant, the next change. */
#include <stdint.h>
#include <string.h>
#include "tz_int.h"
#include "util.h"

#define DAY 86400

/* [+-]hh[:mm[:ss]] with hours up to max; *p moved past it. */
static int
parse_hms(const char **p, int max, int32_t *out)
{
	const char *s = *p;
	int sign = 1, part[3] = { 0, 0, 0 }, i;

	if (*s == '+' || *s == '-')
		sign = *s++ == '-' ? -1 : 1;
	for (i = 0; i < 3; i++) {
		if (i && *s != ':')
			break;
		if (i)
			s++;
		if (*s < '0' || *s > '9')
			return -1;
		while (*s >= '0' && *s <= '9') {
			part[i] = part[i] * 10 + (*s++ - '0');
			if (part[i] > 999)
				return -1;
		}
	}
	if (part[0] > max || part[1] > 59 || part[2] > 59)
		return -1;
	*out = sign * (part[0] * 3600 + part[1] * 60 + part[2]);
	*p = s;
	return 0;
}

/* A zone abbreviation: three or more letters, or <...>. */
static int
parse_abbr(const char **p)
{
	const char *s = *p;
	size_t n;

	if (*s == '<') {
		n = strcspn(s, ">");
		if (s[n] != '>')
			return -1;
		*p = s + n + 1;
		return 0;
	}
	n = strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ");
	if (n < 3)
		return -1;
	*p = s + n;
	return 0;
}

static int
parse_num(const char **p, int lo, int hi, int *out)
{
	int v = 0, digits = 0;

	while (**p >= '0' && **p <= '9' && digits < 4) {
		v = v * 10 + (*(*p)++ - '0');
		digits++;
	}
	if (!digits || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

/* ",Jn[/time]", ",n[/time]" or ",Mm.w.d[/time]". */
static int
parse_when(const char **p, struct tz_when *w)
{
	if (*(*p)++ != ',')
		return -1;
	w->time = 7200;
	if (**p == 'J') {
		(*p)++;
		w->kind = 'J';
		if (parse_num(p, 1, 365, &w->a) < 0)
			return -1;
	} else if (**p == 'M') {
		(*p)++;
		w->kind = 'M';
		if (parse_num(p, 1, 12, &w->a) < 0 || *(*p)++ != '.' ||
		    parse_num(p, 1, 5, &w->b) < 0 || *(*p)++ != '.' ||
		    parse_num(p, 0, 6, &w->c) < 0)
			return -1;
	} else {
		w->kind = 'n';
		if (parse_num(p, 0, 365, &w->a) < 0)
			return -1;
	}
	if (**p == '/') {
		(*p)++;
		return parse_hms(p, 167, &w->time);
	}
	return 0;
}

/* "std offset [dst [offset] [,start[/time],end[/time]]]" (RFC 8536 3.3
 * and POSIX); offsets there count west, ours east. */
int
tz_rule_parse(const char *s, struct tz_rule *r)
{
	int32_t v;

	memset(r, 0, sizeof(*r));
	if (parse_abbr(&s) < 0 || parse_hms(&s, 24, &v) < 0)
		return -1;
	r->std_off = -v;
	if (*s == '\0')
		return 0;
	if (parse_abbr(&s) < 0)
		return -1;
	r->has_dst = 1;
	r->dst_off = r->std_off + 3600;
	if (*s && *s != ',') {
		if (parse_hms(&s, 24, &v) < 0)
			return -1;
		r->dst_off = -v;
	}
	if (*s == '\0') {	/* no rule: the USA's, as POSIX systems do */
		r->start = (struct tz_when){ 'M', 3, 2, 0, 7200 };
		r->end = (struct tz_when){ 'M', 11, 1, 0, 7200 };
		return 0;
	}
	if (parse_when(&s, &r->start) < 0 || parse_when(&s, &r->end) < 0)
		return -1;
	return *s ? -1 : 0;
}

static int
leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* The day (since 1970-01-01) of w in year y. */
static int64_t
when_day(const struct tz_when *w, int y)
{
	int64_t jan1 = time_from_ymd(y, 1, 1) / DAY, first;
	int wd, d;

	if (w->kind == 'J')
		return jan1 + w->a - 1 + (leap(y) && w->a >= 60);
	if (w->kind == 'n')
		return jan1 + w->a;
	first = time_from_ymd(y, w->a, 1) / DAY;
	wd = (int)(((first + 4) % 7 + 7) % 7);	/* 1970-01-01: Thursday */
	d = 1 + (w->c - wd + 7) % 7 + (w->b - 1) * 7;
	while (d > time_days_in_month(y, w->a))
		d -= 7;
	return first + d - 1;
}

/* The instants daylight time starts and ends in year y. */
static void
rule_year(const struct tz_rule *r, int y, int64_t *start, int64_t *end)
{
	*start = when_day(&r->start, y) * DAY + r->start.time - r->std_off;
	*end = when_day(&r->end, y) * DAY + r->end.time - r->dst_off;
}

static int
utc_year(int64_t t)
{
	int y, m, d;

	time_to_ymd(t, &y, &m, &d);
	return y;
}

int32_t
tz_rule_offset(const struct tz_rule *r, int64_t t)
{
	int64_t s, e;
	int in;

	if (!r->has_dst)
		return r->std_off;
	rule_year(r, utc_year(t + r->std_off), &s, &e);
	in = s < e ? (t >= s && t < e) : !(t >= e && t < s);
	return in ? r->dst_off : r->std_off;
}

/* The first start or end of daylight time after t. */
int64_t
tz_rule_next(const struct tz_rule *r, int64_t t)
{
	int64_t best = INT64_MAX, s, e;
	int y = utc_year(t), i;

	if (!r->has_dst)
		return INT64_MAX;
	for (i = -1; i <= 1; i++) {
		rule_year(r, y + i, &s, &e);
		if (s > t && s < best)
			best = s;
		if (e > t && e < best)
			best = e;
	}
	return best;
}
