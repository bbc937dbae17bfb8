/* SPDX-License-Identifier: MIT */
/* The monthly conversation limit: reset-day periods and verdicts; pure. */
#include <stddef.h>

#include "quota.h"


static int
is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
days_in_month(int64_t y, int m)
{
	static const int mdays[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	if (m == 2 && is_leap(y))
		return 29;
	return mdays[m - 1];
}

static int
clamp_day(int day)
{
	if (day < 1)
		return 1;
	if (day > 31)
		return 31;
	return day;
}

/* The reset instant in month m (may be 0 or 13: wraps into y -/+ 1). */
static int64_t
reset_at(int day, const struct tz *z, int y, int m)
{
	int ym = y, mm = m;

	if (mm < 1) {
		mm += 12;
		ym--;
	} else if (mm > 12) {
		mm -= 12;
		ym++;
	}
	return tz_day_start(z, ym, mm, day < days_in_month(ym, mm) ? day :
			    days_in_month(ym, mm));
}

int
quota_reset_day_in(int year, int month, int day)
{
	int dim;

	if (month < 1 || month > 12)
		return -1;
	dim = days_in_month(year, month);
	day = clamp_day(day);
	return day < dim ? day : dim;
}

void
quota_period_at(int day, const struct tz *z, int64_t now,
		struct quota_period *p)
{
	int y, m, d;
	int64_t r;

	day = clamp_day(day);
	tz_date(z, now, &y, &m, &d);
	r = reset_at(day, z, y, m);
	if (now >= r) {
		p->start = r;
		p->end = reset_at(day, z, y, m + 1);
	} else {
		p->start = reset_at(day, z, y, m - 1);
		p->end = r;
	}
}

int
quota_period_for(int64_t subscription_start, const struct tz *z,
		 int64_t now, struct quota_period *p)
{
	int y, m, d;

	if (subscription_start < 0)
		return -1;
	tz_date(z, subscription_start, &y, &m, &d);
	quota_period_at(d, z, now, p);
	return d;
}

void
quota_period_prev(int day, const struct tz *z,
		  const struct quota_period *cur, struct quota_period *prev)
{
	quota_period_at(day, z, cur->start - 1, prev);
}

void
quota_period_next(int day, const struct tz *z,
		  const struct quota_period *cur, struct quota_period *next)
{
	quota_period_at(day, z, cur->end, next);
}

void
quota_day_at(const struct tz *z, int64_t now, struct quota_period *dp)
{
	int y, m, d;

	tz_date(z, now, &y, &m, &d);
	dp->start = tz_day_start(z, y, m, d);
	if (d < days_in_month(y, m))
		dp->end = tz_day_start(z, y, m, d + 1);
	else
		dp->end = tz_day_start(z, y, m + 1, 1);
}

enum quota_verdict
quota_check(enum window_conv conv, long used_in_period, long limit,
	    int verified, long business_initiated_today)
{
	if (conv != WINDOW_CONV_NEW_USER && conv != WINDOW_CONV_NEW_BUSINESS)
		return QUOTA_OK;
	if (used_in_period >= limit)
		return QUOTA_EXHAUSTED;
	if (conv == WINDOW_CONV_NEW_BUSINESS && !verified &&
	    business_initiated_today >= QUOTA_DAILY_UNVERIFIED)
		return QUOTA_DAILY_LIMIT;
	return QUOTA_OK;
}

const char *
quota_verdict_code(enum quota_verdict v)
{
	switch (v) {
	case QUOTA_OK:
		return NULL;
	case QUOTA_EXHAUSTED:
		return "quota_exhausted";
	case QUOTA_DAILY_LIMIT:
		return "daily_limit";
	}
	return NULL;
}

int
quota_check_level(long used, long limit, int warn_pct)
{
	if (used >= limit)
		return 2;
	/* long double keeps huge limits from overflowing the products. */
	if ((long double)used * 100 >= (long double)limit * warn_pct)
		return 1;
	return 0;
}

/* a * b for a, b >= 0, saturating at INT64_MAX. */
static int64_t
mul_sat(int64_t a, int64_t b)
{
	if (a != 0 && b > INT64_MAX / a)
		return INT64_MAX;
	return a * b;
}

int64_t
quota_forecast(long used, long limit, const struct quota_period *p,
	       int64_t since, int64_t now)
{
	int64_t elapsed, left, delta, part;
	int64_t from = since > p->start ? since : p->start;

	if (used >= limit)
		return now;
	if (used <= 0 || now >= p->end)
		return -1;
	elapsed = now > from ? now - from : 1;
	left = (int64_t)limit - used;
	/* ceil(left * elapsed / used), as quotient and remainder parts. */
	delta = mul_sat(left / used, elapsed);
	if (delta >= p->end - now)
		return -1;
	part = mul_sat(left % used, elapsed);
	if (part == INT64_MAX)
		return -1;
	delta += part / used + (part % used != 0);
	if (delta >= p->end - now)
		return -1;
	return now + delta;
}
