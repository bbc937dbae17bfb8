/* SPDX-License-Identifier: MIT */
/* The monthly conversation limit: reset-day periods and verdicts; pure. */
#include <stddef.h>

#include "quota.h"

#define DAY_SECONDS 86400

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

/* Floor division, so days before 1970 land on the right date. */
static int64_t
floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

/* Days since 1970-01-01 of y-m-d (Howard Hinnant's days_from_civil). */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	if (m <= 2)
		y--;
	era = floor_div(y, 400);
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* The inverse: y-m-d of a day count since 1970-01-01. */
static void
civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = floor_div(z, 146097);
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
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
reset_at(int day, int64_t y, int m)
{
	int d;

	if (m < 1) {
		m += 12;
		y--;
	} else if (m > 12) {
		m -= 12;
		y++;
	}
	d = day < days_in_month(y, m) ? day : days_in_month(y, m);
	return days_from_civil(y, m, d) * DAY_SECONDS;
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
quota_period_at(int day, int64_t now, struct quota_period *p)
{
	int64_t y, r;
	int m, d;

	day = clamp_day(day);
	civil_from_days(floor_div(now, DAY_SECONDS), &y, &m, &d);
	r = reset_at(day, y, m);
	if (now >= r) {
		p->start = r;
		p->end = reset_at(day, y, m + 1);
	} else {
		p->start = reset_at(day, y, m - 1);
		p->end = r;
	}
}

int
quota_period_for(int64_t subscription_start, int64_t now,
		 struct quota_period *p)
{
	int64_t y;
	int m, d;

	if (subscription_start < 0)
		return -1;
	civil_from_days(floor_div(subscription_start, DAY_SECONDS), &y, &m, &d);
	quota_period_at(d, now, p);
	return d;
}

void
quota_period_prev(int day, const struct quota_period *cur,
		  struct quota_period *prev)
{
	quota_period_at(day, cur->start - 1, prev);
}

void
quota_period_next(int day, const struct quota_period *cur,
		  struct quota_period *next)
{
	quota_period_at(day, cur->end, next);
}

enum quota_verdict
quota_check(enum window_conv conv, long used_in_period, long limit,
	    int verified, long business_initiated_last_24h)
{
	if (conv != WINDOW_CONV_NEW_USER && conv != WINDOW_CONV_NEW_BUSINESS)
		return QUOTA_OK;
	if (used_in_period >= limit)
		return QUOTA_EXHAUSTED;
	if (conv == WINDOW_CONV_NEW_BUSINESS && !verified &&
	    business_initiated_last_24h >= QUOTA_DAILY_UNVERIFIED)
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
	       int64_t now)
{
	int64_t elapsed, left, delta, part;

	if (used >= limit)
		return now;
	if (used <= 0 || now >= p->end)
		return -1;
	elapsed = now > p->start ? now - p->start : 1;
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
