/* SPDX-License-Identifier: MIT */
/* The monthly conversation limit: reset-day periods and verdicts (rule 6). */
#ifndef WA_QUOTA_H
#define WA_QUOTA_H

#include <stdint.h>
#include "tz.h"
#include "window.h"

/*
 * Pure policy: Unix seconds and counts in, no clock, store or
 * environment.  Calendar arithmetic is proleptic Gregorian, in the
 * business's time zone z (a loaded zone, lib/tz.h; NULL: UTC).  None of
 * these set a wa_err; cmd/ maps verdicts to the SPEC's codes.
 *
 * A period resets at the start of reset day D (1..31) of each month in
 * z, local midnight (or the day's first instant when a change of clocks
 * skips it), or on the month's last day when the month is shorter than
 * D.  The daily business-initiated limit counts a business day of z,
 * from one local midnight to the next (23 or 25 hours on the days the
 * clocks change).
 */

#define QUOTA_DEFAULT_LIMIT 1000	/* conversations per period */
#define QUOTA_DAILY_UNVERIFIED 50	/* business-initiated per day */

struct quota_period {
	int64_t start;	/* reset instant, inclusive */
	int64_t end;	/* next reset instant, exclusive */
};

/* The day of month (1..31) the period resets on in year/month (1..12):
 * min(day, days in that month), day clamped to 1..31 first; -1 when month
 * is out of range. */
int quota_reset_day_in(int year, int month, int day);

/* Fills p with the period containing now for reset day `day` (clamped to
 * 1..31) in z.  A now at the reset second belongs to the new period.
 * Nothing here knows when the subscription began: a subscription starting
 * after now still gets the period of its reset day that contains now. */
void quota_period_at(int day, const struct tz *z, int64_t now,
		     struct quota_period *p);

/* quota_period_at() with D = the day of month of subscription_start in z.
 * Returns D, or -1 (p untouched) when subscription_start < 0 (never set). */
int quota_period_for(int64_t subscription_start, const struct tz *z,
		     int64_t now, struct quota_period *p);

/* The period just before / after cur for the same reset day and zone
 * (borrows cur; the result may alias it).  prev->end == cur->start and
 * next->start == cur->end whenever cur came from quota_period_at() with
 * that day and zone. */
void quota_period_prev(int day, const struct tz *z,
		       const struct quota_period *cur,
		       struct quota_period *prev);
void quota_period_next(int day, const struct tz *z,
		       const struct quota_period *cur,
		       struct quota_period *next);

/* The business day of z containing now, [local midnight, the next). */
void quota_day_at(const struct tz *z, int64_t now, struct quota_period *d);

enum quota_verdict {
	QUOTA_OK,
	QUOTA_EXHAUSTED,	/* monthly limit reached: quota_exhausted */
	QUOTA_DAILY_LIMIT	/* unverified, 50 in 24 h: daily_limit */
};

/* May this send go?  Only sends that start a conversation (NEW_USER,
 * NEW_BUSINESS) are refused: the monthly limit is checked first
 * (used_in_period >= limit), then, for an unverified business and a
 * NEW_BUSINESS send only, business_initiated_today >= 50 (today: the
 * business day, quota_day_at).  EXISTING is never refused; REFUSED is the
 * window's verdict, not ours, and gets OK. */
enum quota_verdict quota_check(enum window_conv conv, long used_in_period,
			       long limit, int verified,
			       long business_initiated_today);

/* The SPEC error code of a verdict: NULL for QUOTA_OK, else a static
 * string ("quota_exhausted", "daily_limit"). */
const char *quota_verdict_code(enum quota_verdict v);

/* The exit status of `wa-quota check`: 2 when used >= limit, 1 when
 * used * 100 >= limit * warn_pct (so warn_pct <= 0 always warns), else 0. */
int quota_check_level(long used, long limit, int warn_pct);

/*
 * When the limit will be reached at this period's pace: used conversations
 * in elapsed = now - from seconds (at least 1), from being p->start or,
 * when the desk began counting later (its first channel connected at
 * since, inside the period), since.  The exact instant is
 * rounded up to a whole second: now + ceil((limit - used) * elapsed / used),
 * the first second at which the projected count has reached the limit.
 * Returns now when used >= limit already, and -1 when used <= 0, when now
 * is not before p->end, or when the instant is not before p->end (the
 * counter resets first).  Meant for counts below 2^31; larger products
 * saturate (giving -1), never overflow.
 */
int64_t quota_forecast(long used, long limit, const struct quota_period *p,
		       int64_t since, int64_t now);

#endif
