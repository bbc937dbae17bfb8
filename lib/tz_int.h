/* SPDX-License-Identifier: MIT */
/* Internal to lib/tz*.c: the POSIX TZ rule of a zone's footer (tz_rule.c). */
#ifndef WA_TZ_INT_H
#define WA_TZ_INT_H

#include <stdint.h>

/* A date of a POSIX TZ rule: Jn, n or Mm.w.d, and the local time. */
struct tz_when {
	char kind;		/* 'J', 'n' or 'M' */
	int a, b, c;		/* n; or month, week, weekday */
	int32_t time;		/* seconds after local midnight */
};

/* The footer's rule, for the instants after the last transition. */
struct tz_rule {
	int32_t std_off;	/* seconds east of UTC */
	int32_t dst_off;
	int has_dst;
	struct tz_when start, end;	/* of daylight time */
};

/* "std offset [dst [offset] [,start[/time],end[/time]]]" into r: 0, or
 * -1 when s is not such a rule. */
int tz_rule_parse(const char *s, struct tz_rule *r);
/* The offset east of UTC, in seconds, r gives at t. */
int32_t tz_rule_offset(const struct tz_rule *r, int64_t t);
/* The first start or end of daylight time after t (INT64_MAX: none). */
int64_t tz_rule_next(const struct tz_rule *r, int64_t t);

#endif
