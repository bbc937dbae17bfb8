/* SPDX-License-Identifier: MIT */
/* Unit tests for lib/quota.c: reset days, month ends, leap years, verdicts. */
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include "tap.h"
#include "quota.h"
#include "util.h"

/* 1 when t is not where its own local day starts. */
static int
tz_date_start_differs(const struct tz *z, int64_t t)
{
	int y, m, d;

	tz_date(z, t, &y, &m, &d);
	return tz_day_start(z, y, m, d) != t;
}

/*
 * "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SS" (UTC) in Unix seconds.  timegm(3)
 * is the oracle, so the tests do not share lib/quota.c's calendar code.
 */
static int64_t
ts(const char *s)
{
	struct tm tm = { 0 };
	int y, mo, d, h = 0, mi = 0, sec = 0;
	int n = sscanf(s, "%d-%d-%dT%d:%d:%d", &y, &mo, &d, &h, &mi, &sec);

	if (n != 3 && n != 6)
		abort();
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	return (int64_t)timegm(&tm);
}

struct reset_day_case {
	int year, month, day;
	int expect;
};

static const struct reset_day_case reset_day_cases[] = {
	{ 2025, 2, 31, 28 },	/* non-leap */
	{ 2024, 2, 31, 29 },	/* leap */
	{ 2100, 2, 31, 28 },	/* century, not leap */
	{ 2000, 2, 31, 29 },	/* 400-year, leap */
	{ 1900, 2, 29, 28 },
	{ 2025, 4, 31, 30 },
	{ 2025, 6, 31, 30 },
	{ 2025, 9, 31, 30 },
	{ 2025, 11, 31, 30 },
	{ 2025, 1, 31, 31 },
	{ 2025, 12, 31, 31 },
	{ 2025, 2, 30, 28 },
	{ 2024, 2, 30, 29 },
	{ 2025, 2, 29, 28 },
	{ 2024, 2, 29, 29 },
	{ 2025, 2, 28, 28 },
	{ 2025, 6, 28, 28 },
	{ 2025, 3, 1, 1 },
	{ 2025, 3, 0, 1 },	/* clamped up */
	{ 2025, 1, 40, 31 },	/* clamped down */
	{ 2025, 4, 40, 30 },
	{ 2025, 0, 15, -1 },	/* bad month */
	{ 2025, 13, 15, -1 },
};

struct period_case {
	int day;
	const char *now;
	const char *start;
	const char *end;
};

static const struct period_case period_cases[] = {
	/* D = 28: every month has it */
	{ 28, "2025-03-15T12:00:00", "2025-02-28", "2025-03-28" },
	{ 28, "2025-03-28T00:00:00", "2025-03-28", "2025-04-28" },
	{ 28, "2025-03-27T23:59:59", "2025-02-28", "2025-03-28" },
	{ 28, "2025-02-28T00:00:00", "2025-02-28", "2025-03-28" },
	{ 28, "2025-02-27T23:59:59", "2025-01-28", "2025-02-28" },
	{ 28, "2026-01-05T08:00:00", "2025-12-28", "2026-01-28" },
	{ 28, "2025-12-28T00:00:00", "2025-12-28", "2026-01-28" },
	/* D = 31: short months reset on their last day */
	{ 31, "2025-02-15T00:00:00", "2025-01-31", "2025-02-28" },
	{ 31, "2025-02-27T23:59:59", "2025-01-31", "2025-02-28" },
	{ 31, "2025-02-28T00:00:00", "2025-02-28", "2025-03-31" },
	{ 31, "2025-03-30T23:59:59", "2025-02-28", "2025-03-31" },
	{ 31, "2025-03-31T00:00:00", "2025-03-31", "2025-04-30" },
	{ 31, "2024-02-28T23:59:59", "2024-01-31", "2024-02-29" },
	{ 31, "2024-02-29T00:00:00", "2024-02-29", "2024-03-31" },
	{ 31, "2100-02-28T00:00:00", "2100-02-28", "2100-03-31" },
	{ 31, "2100-03-01T00:00:00", "2100-02-28", "2100-03-31" },
	{ 31, "2000-02-28T12:00:00", "2000-01-31", "2000-02-29" },
	{ 31, "2000-02-29T00:00:00", "2000-02-29", "2000-03-31" },
	{ 31, "2025-04-29T23:59:59", "2025-03-31", "2025-04-30" },
	{ 31, "2025-04-30T00:00:00", "2025-04-30", "2025-05-31" },
	{ 31, "2025-05-15T00:00:00", "2025-04-30", "2025-05-31" },
	{ 31, "2025-12-30T23:59:59", "2025-11-30", "2025-12-31" },
	{ 31, "2025-12-31T00:00:00", "2025-12-31", "2026-01-31" },
	{ 31, "2026-01-01T00:00:00", "2025-12-31", "2026-01-31" },
	{ 31, "2026-01-31T00:00:00", "2026-01-31", "2026-02-28" },
	/* D = 30 and 29 in February */
	{ 30, "2025-02-27T23:59:59", "2025-01-30", "2025-02-28" },
	{ 30, "2025-02-28T00:00:00", "2025-02-28", "2025-03-30" },
	{ 30, "2025-03-29T23:59:59", "2025-02-28", "2025-03-30" },
	{ 30, "2024-02-28T23:59:59", "2024-01-30", "2024-02-29" },
	{ 30, "2024-02-29T00:00:00", "2024-02-29", "2024-03-30" },
	{ 29, "2025-02-27T23:59:59", "2025-01-29", "2025-02-28" },
	{ 29, "2025-02-28T00:00:00", "2025-02-28", "2025-03-29" },
	{ 29, "2024-02-28T00:00:00", "2024-01-29", "2024-02-29" },
	{ 29, "2024-02-29T00:00:00", "2024-02-29", "2024-03-29" },
	/* D = 1 and the year wrap */
	{ 1, "2024-12-31T23:59:59", "2024-12-01", "2025-01-01" },
	{ 1, "2025-01-01T00:00:00", "2025-01-01", "2025-02-01" },
	/* before 1970: floor, not truncation */
	{ 1, "1969-12-31T23:59:59", "1969-12-01", "1970-01-01" },
	{ 15, "1969-12-20T00:00:00", "1969-12-15", "1970-01-15" },
	{ 15, "1970-01-01T00:00:00", "1969-12-15", "1970-01-15" },
	/* out-of-range days are clamped */
	{ 0, "2025-03-15T00:00:00", "2025-03-01", "2025-04-01" },
	{ 99, "2025-02-15T00:00:00", "2025-01-31", "2025-02-28" },
};

/* Consecutive period starts for D = 31 from 2025-02-28, for chaining. */
static const char *const chain31[] = {
	"2025-02-28", "2025-03-31", "2025-04-30", "2025-05-31", "2025-06-30",
	"2025-07-31", "2025-08-31", "2025-09-30", "2025-10-31", "2025-11-30",
	"2025-12-31", "2026-01-31", "2026-02-28", "2026-03-31",
};

struct check_case {
	enum window_conv conv;
	long used, limit;
	int verified;
	long daily;
	enum quota_verdict expect;
	const char *what;
};

static const struct check_case check_cases[] = {
	{ WINDOW_CONV_NEW_USER, 999, 1000, 1, 0, QUOTA_OK, "user, limit - 1" },
	{ WINDOW_CONV_NEW_USER, 1000, 1000, 1, 0, QUOTA_EXHAUSTED,
	  "user, at limit" },
	{ WINDOW_CONV_NEW_USER, 1001, 1000, 1, 0, QUOTA_EXHAUSTED,
	  "user, above limit" },
	{ WINDOW_CONV_NEW_BUSINESS, 999, 1000, 1, 0, QUOTA_OK,
	  "business, limit - 1" },
	{ WINDOW_CONV_NEW_BUSINESS, 1000, 1000, 1, 0, QUOTA_EXHAUSTED,
	  "business, at limit" },
	{ WINDOW_CONV_NEW_BUSINESS, 10, 1000, 0, 49, QUOTA_OK,
	  "unverified, 49 today" },
	{ WINDOW_CONV_NEW_BUSINESS, 10, 1000, 0, 50, QUOTA_DAILY_LIMIT,
	  "unverified, 50 today" },
	{ WINDOW_CONV_NEW_BUSINESS, 10, 1000, 0, 51, QUOTA_DAILY_LIMIT,
	  "unverified, 51 today" },
	{ WINDOW_CONV_NEW_BUSINESS, 10, 1000, 1, 50, QUOTA_OK,
	  "verified, 50 today" },
	{ WINDOW_CONV_NEW_BUSINESS, 10, 1000, 1, 5000, QUOTA_OK,
	  "verified, 5000 today" },
	{ WINDOW_CONV_NEW_BUSINESS, 1000, 1000, 0, 50, QUOTA_EXHAUSTED,
	  "unverified, both: monthly first" },
	{ WINDOW_CONV_NEW_USER, 10, 1000, 0, 50, QUOTA_OK,
	  "unverified, user-initiated ignores daily" },
	{ WINDOW_CONV_NEW_USER, 1000, 1000, 0, 50, QUOTA_EXHAUSTED,
	  "unverified, user-initiated at limit" },
	{ WINDOW_CONV_EXISTING, 1000, 1000, 0, 50, QUOTA_OK,
	  "existing at limit and daily" },
	{ WINDOW_CONV_EXISTING, 5000, 1000, 1, 0, QUOTA_OK,
	  "existing far above limit" },
	{ WINDOW_CONV_EXISTING, 0, 0, 0, 0, QUOTA_OK, "existing, limit 0" },
	{ WINDOW_CONV_REFUSED, 1000, 1000, 0, 50, QUOTA_OK,
	  "refused is the window's business" },
	{ WINDOW_CONV_NEW_USER, 0, 0, 1, 0, QUOTA_EXHAUSTED, "limit 0" },
	{ WINDOW_CONV_NEW_USER, 0, 1, 1, 0, QUOTA_OK, "limit 1, first" },
	{ WINDOW_CONV_NEW_USER, 1, 1, 1, 0, QUOTA_EXHAUSTED, "limit 1, 2nd" },
};

struct level_case {
	long used, limit;
	int warn;
	int expect;
};

static const struct level_case level_cases[] = {
	{ 0, 1000, 80, 0 },
	{ 799, 1000, 80, 0 },
	{ 800, 1000, 80, 1 },
	{ 801, 1000, 80, 1 },
	{ 999, 1000, 80, 1 },
	{ 1000, 1000, 80, 2 },
	{ 1200, 1000, 80, 2 },
	{ 3, 7, 50, 0 },	/* 300 < 350 */
	{ 4, 7, 50, 1 },	/* 400 >= 350: no rounding down of 3.5 */
	{ 999, 1000, 100, 0 },
	{ 1000, 1000, 100, 2 },
	{ 0, 1000, 0, 1 },	/* warn 0 always warns */
	{ 0, 0, 80, 2 },	/* limit 0 is exhausted */
	{ 0, 1, 80, 0 },
	{ 1, 1, 80, 2 },
};

struct forecast_case {
	long used, limit;
	const char *now;
	int64_t expect;		/* seconds after "now", or -1 */
	const char *what;
};

/* All in the D = 1 period 2025-03-01 .. 2025-04-01 (31 days). */
static const struct forecast_case forecast_cases[] = {
	{ 0, 1000, "2025-03-11T00:00:00", -1, "nothing used" },
	{ 1000, 1000, "2025-03-11T00:00:00", 0, "exhausted: now" },
	{ 1200, 1000, "2025-03-11T00:00:00", 0, "above: now" },
	{ 500, 1000, "2025-03-11T00:00:00", 10 * 86400,
	  "half in 10 days: 10 more days" },
	{ 250, 1000, "2025-03-11T00:00:00", -1, "would take 40 days" },
	{ 310, 1000, "2025-03-11T00:00:00", -1, "would take 32.3 days" },
	{ 333, 1000, "2025-03-11T00:00:00", 1730595,
	  "1730594.59 s rounds up" },
	{ 10, 100, "2025-03-04T02:24:00", -1, "lands exactly on end" },
	{ 10, 99, "2025-03-04T02:24:00", 2383776, "one fewer: just inside" },
	{ 1, 1000, "2025-03-01T00:00:00", 999, "at start, elapsed taken as 1" },
	{ 1, 3, "2025-02-20T00:00:00", 2, "before start, elapsed taken as 1" },
	{ 10, 1000, "2025-04-01T00:00:00", -1, "period over" },
	{ 999, 1000, "2025-03-16T00:00:00", 1298, "one left, 1297.3 s" },
	{ 999, 1000, "2025-03-31T23:59:59", -1, "last second, one left" },
};

static void
test_reset_day(void)
{
	size_t i;

	for (i = 0; i < sizeof(reset_day_cases) / sizeof(reset_day_cases[0]);
	     i++) {
		const struct reset_day_case *c = &reset_day_cases[i];

		is_int(quota_reset_day_in(c->year, c->month, c->day),
		       c->expect, "reset_day_in(%d, %d, %d)", c->year,
		       c->month, c->day);
	}
}

static void
test_period_at(void)
{
	struct quota_period p;
	size_t i;

	for (i = 0; i < sizeof(period_cases) / sizeof(period_cases[0]); i++) {
		const struct period_case *c = &period_cases[i];

		quota_period_at(c->day, NULL, ts(c->now), &p);
		is_int(p.start, ts(c->start), "D=%d at %s starts %s", c->day,
		       c->now, c->start);
		is_int(p.end, ts(c->end), "D=%d at %s ends %s", c->day,
		       c->now, c->end);
	}
}

static void
test_period_for(void)
{
	struct quota_period p = { -7, -7 };

	is_int(quota_period_for(ts("2024-01-31T15:30:00"), NULL,
	       ts("2025-02-28T10:00:00"), &p), 31, "for: D from start's day");
	is_int(p.start, ts("2025-02-28"), "for: Feb 28 start");
	is_int(p.end, ts("2025-03-31"), "for: Mar 31 end");
	is_int(quota_period_for(ts("2026-05-28T23:59:59"), NULL,
	       ts("2025-03-01T00:00:00"), &p), 28, "for: start after now");
	is_int(p.start, ts("2025-02-28"), "for: future start still uses D");
	is_int(p.end, ts("2025-03-28"), "for: future start end");
	p.start = p.end = -7;
	is_int(quota_period_for(-1, NULL, ts("2025-03-01"), &p), -1,
	       "for: never set");
	ok(p.start == -7 && p.end == -7, "for: never set leaves p alone");
}

static void
test_chain(void)
{
	size_t n = sizeof(chain31) / sizeof(chain31[0]), i;
	struct quota_period cur, step;

	quota_period_at(31, NULL, ts("2025-03-15T00:00:00"), &cur);
	is_int(cur.start, ts(chain31[0]), "mid-March is in the Feb 28 period");
	quota_period_prev(31, NULL, &cur, &step);
	is_int(step.start, ts("2025-01-31"), "its prev starts Jan 31");
	is_int(step.end, cur.start, "prev ends where cur starts");
	for (i = 1; i + 1 < n; i++) {
		quota_period_next(31, NULL, &cur, &step);
		is_int(step.start, ts(chain31[i]), "next starts %s",
		       chain31[i]);
		is_int(step.end, ts(chain31[i + 1]), "next ends %s",
		       chain31[i + 1]);
		cur = step;
	}
	for (i = n - 2; i > 0; i--) {
		quota_period_prev(31, NULL, &cur, &step);
		ok(step.start == ts(chain31[i - 1]) && step.end == cur.start,
		   "prev back to %s", chain31[i - 1]);
		cur = step;
	}

	quota_period_at(30, NULL, ts("2024-04-01"), &cur);
	quota_period_prev(30, NULL, &cur, &step);
	ok(step.start == ts("2024-02-29") && step.end == ts("2024-03-30"),
	   "D=30 prev into leap Feb");
	quota_period_prev(30, NULL, &step, &cur);
	ok(cur.start == ts("2024-01-30") && cur.end == ts("2024-02-29"),
	   "D=30 prev out of leap Feb");
}

/*
 * Every 6 hours over 2023..2028 (two leap Februaries), every D: now is in
 * its period, which starts at midnight on min(D, month length), and the
 * period is the next of its prev.  gmtime_r is the oracle.
 */
static void
test_sweep(void)
{
	int64_t t, from = ts("2023-01-01"), to = ts("2029-01-01");
	int day, bad_in = 0, bad_day = 0, bad_chain = 0, n = 0;

	for (day = 1; day <= 31; day++) {
		for (t = from; t < to; t += 6 * 3600) {
			struct quota_period p, prev, back;
			struct tm tm;
			time_t start;
			int want;

			quota_period_at(day, NULL, t, &p);
			start = (time_t)p.start;
			gmtime_r(&start, &tm);
			want = quota_reset_day_in(tm.tm_year + 1900,
						  tm.tm_mon + 1, day);
			bad_in += !(p.start <= t && t < p.end);
			bad_day += tm.tm_mday != want || tm.tm_hour != 0 ||
				   tm.tm_min != 0 || tm.tm_sec != 0;
			quota_period_prev(day, NULL, &p, &prev);
			quota_period_next(day, NULL, &prev, &back);
			bad_chain += prev.end != p.start ||
				     back.start != p.start || back.end != p.end;
			n++;
		}
	}
	is_int(bad_in, 0, "sweep: now within its period (%d cases)", n);
	is_int(bad_day, 0, "sweep: periods start at midnight on the reset day");
	is_int(bad_chain, 0, "sweep: next(prev(p)) == p");
}

static void
test_check(void)
{
	size_t i;

	for (i = 0; i < sizeof(check_cases) / sizeof(check_cases[0]); i++) {
		const struct check_case *c = &check_cases[i];

		is_int(quota_check(c->conv, c->used, c->limit, c->verified,
		       c->daily), c->expect, "check: %s", c->what);
	}
	is_str(quota_verdict_code(QUOTA_OK), NULL, "code ok is NULL");
	is_str(quota_verdict_code(QUOTA_EXHAUSTED), "quota_exhausted",
	       "code exhausted");
	is_str(quota_verdict_code(QUOTA_DAILY_LIMIT), "daily_limit",
	       "code daily");
	is_int(QUOTA_DEFAULT_LIMIT, 1000, "default limit");
	is_int(QUOTA_DAILY_UNVERIFIED, 50, "daily unverified");
}

static void
test_level(void)
{
	size_t i;

	for (i = 0; i < sizeof(level_cases) / sizeof(level_cases[0]); i++) {
		const struct level_case *c = &level_cases[i];

		is_int(quota_check_level(c->used, c->limit, c->warn), c->expect,
		       "level %ld/%ld warn %d%%", c->used, c->limit, c->warn);
	}
}

static void
test_forecast(void)
{
	struct quota_period p;
	size_t i;

	quota_period_at(1, NULL, ts("2025-03-15"), &p);
	for (i = 0; i < sizeof(forecast_cases) / sizeof(forecast_cases[0]);
	     i++) {
		const struct forecast_case *c = &forecast_cases[i];
		int64_t now = ts(c->now);
		int64_t want = c->expect < 0 ? -1 : now + c->expect;

		is_int(quota_forecast(c->used, c->limit, &p, -1, now), want,
		       "forecast: %s", c->what);
	}
	/* 50 of 100 in the 5 days since the first channel connected, on
	 * 10 March: the other 50 in 5 more days, not in the 14 since the
	 * period began */
	is_int(quota_forecast(50, 100, &p, ts("2025-03-10"), ts("2025-03-15")),
	       ts("2025-03-20"), "forecast: the pace from the first "
	       "connection");
	is_int(quota_forecast(50, 100, &p, -1, ts("2025-03-15")),
	       ts("2025-03-29"), "forecast: from the period's start without "
	       "one");
	is_int(quota_forecast(50, 100, &p, ts("2025-01-10"), ts("2025-03-15")),
	       ts("2025-03-29"), "forecast: a connection before the period "
	       "counts from its start");
}

/* The business's zone: periods and days from local midnight, across the
 * changes of clocks. */
static void
test_zone(void)
{
	struct quota_period p, prev, back;
	struct wa_err err;
	struct tz *ber, *scl;
	int64_t t;
	int bad = 0, n = 0, day, y, m, d;

	if (tz_load(&ber, "Europe/Berlin", NULL, &err) < 0 ||
	    tz_load(&scl, "America/Santiago", NULL, &err) < 0) {
		ok(0, "zones load: %s", err.message);
		return;
	}
	quota_period_at(31, ber, ts("2024-03-31T12:00:00"), &p);
	is_time(p.start, "2024-03-30T23:00:00Z", "Berlin D=31: from 31 March "
	       "00:00 CET");
	is_time(p.end, "2024-04-29T22:00:00Z", "... to 30 April 00:00 CEST");
	quota_period_at(31, ber, ts("2024-04-29T22:30:00"), &p);
	is_time(p.start, "2024-04-29T22:00:00Z", "22:30Z on 29 April is 30 "
	       "April in Berlin: the new period");
	quota_period_at(31, NULL, ts("2024-04-29T22:30:00"), &p);
	is_time(p.start, "2024-03-31T00:00:00Z", "... and still the old one "
	       "in UTC");
	quota_period_at(27, ber, ts("2024-11-01"), &p);
	is_time(p.start, "2024-10-26T22:00:00Z", "D=27: 27 October begins in "
	       "CEST");
	is_time(p.end, "2024-11-26T23:00:00Z", "and the period ends in CET");
	quota_day_at(ber, ts("2024-03-31T12:00:00"), &p);
	ok(p.start == ts("2024-03-30T23:00:00") &&
	   p.end - p.start == 23 * 3600, "Berlin's 31 March has 23 hours");
	quota_day_at(ber, ts("2024-10-27T12:00:00"), &p);
	ok(p.start == ts("2024-10-26T22:00:00") &&
	   p.end - p.start == 25 * 3600, "Berlin's 27 October has 25 hours");
	quota_day_at(ber, ts("2024-10-26T22:00:00"), &p);
	is_time(p.start, "2024-10-26T22:00:00Z", "its first second is in it");
	quota_day_at(ber, ts("2024-10-26T21:59:59"), &p);
	is_time(p.end, "2024-10-26T22:00:00Z", "the second before is not");
	quota_day_at(scl, ts("2024-09-08T12:00:00"), &p);
	ok(p.start == ts("2024-09-08T04:00:00") &&
	   p.end - p.start == 23 * 3600,
	   "Santiago's 8 September starts at 01:00 (no midnight), 23 hours");
	quota_day_at(NULL, ts("2024-10-27T12:00:00"), &p);
	ok(p.start == ts("2024-10-27") && p.end == ts("2024-10-28"),
	   "no zone: the UTC day");
	quota_period_for(ts("2024-01-31T23:30:00"), ber, ts("2024-03-01"), &p);
	is_time(p.start, "2024-02-29T23:00:00Z", "a start at 23:30Z on 31 "
	       "January is 1 February in Berlin: D=1");
	/* every 5 hours 2023..2029, every D, in Berlin */
	for (day = 1; day <= 31; day++)
		for (t = ts("2023-01-01"); t < ts("2029-01-01"); t += 5 * 3600) {
			quota_period_at(day, ber, t, &p);
			quota_period_prev(day, ber, &p, &prev);
			quota_period_next(day, ber, &prev, &back);
			tz_date(ber, p.start, &y, &m, &d);
			bad += !(p.start <= t && t < p.end) ||
			       d != quota_reset_day_in(y, m, day) ||
			       tz_date_start_differs(ber, p.start) ||
			       prev.end != p.start || back.start != p.start ||
			       back.end != p.end;
			n++;
		}
	is_int(bad, 0, "Berlin sweep: now in its period, which starts at "
	       "local midnight of the reset day; next(prev(p)) == p (%d "
	       "cases)", n);
	tz_free(ber);
	tz_free(scl);
}

int
main(void)
{
	test_reset_day();
	test_period_at();
	test_period_for();
	test_chain();
	test_sweep();
	test_check();
	test_level();
	test_forecast();
	test_zone();
	return done_testing();
}
