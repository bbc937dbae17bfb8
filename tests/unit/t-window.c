/* SPDX-License-Identifier: MIT */
/* Unit tests for lib/window.c: the 24-hour second, skew, conversation kinds. */
#include <stdint.h>
#include "tap.h"
#include "window.h"

#define T0 INT64_C(1713290225)	/* 2024-04-16T17:57:05Z */
#define DAY INT64_C(86400)
#define NEVER INT64_C(-1)
#define EXISTING WINDOW_CONV_EXISTING
#define NEW_USER WINDOW_CONV_NEW_USER
#define NEW_BUSINESS WINDOW_CONV_NEW_BUSINESS
#define REFUSED WINDOW_CONV_REFUSED

struct open_case {
	int64_t now;
	int64_t last_inbound;
	int open;
	int64_t remaining;
	int64_t expires;
	const char *what;
};

static const struct open_case open_cases[] = {
	{ T0, NEVER, 0, 0, -1, "never wrote" },
	{ T0, -86400, 0, 0, -1, "any negative stamp is never" },
	{ T0, T0, 1, DAY, T0 + DAY, "inbound this second" },
	{ T0 + 1, T0, 1, DAY - 1, T0 + DAY, "one second later" },
	{ T0 + DAY - 1, T0, 1, 1, T0 + DAY, "24 h - 1 s: open" },
	{ T0 + DAY, T0, 0, 0, T0 + DAY, "exactly 24 h: closed" },
	{ T0 + DAY + 1, T0, 0, 0, T0 + DAY, "24 h + 1 s: closed" },
	{ T0 + 30 * DAY, T0, 0, 0, T0 + DAY, "a month later" },
	{ T0, T0 + 3600, 1, DAY + 3600, T0 + 3600 + DAY, "future inbound" },
	{ T0 - 10 * DAY, T0, 1, 11 * DAY, T0 + DAY, "far future inbound" },
	{ 0, 0, 1, DAY, DAY, "epoch is a real stamp" },
	{ DAY, 0, 0, 0, DAY, "epoch + 24 h" },
	{ INT64_MAX, INT64_MAX - 10, 0, 0, INT64_MAX, "saturates" },
};

struct closing_case {
	int64_t now;
	int64_t last_inbound;
	int64_t within;
	int expect;
	const char *what;
};

static const struct closing_case closing_cases[] = {
	{ T0 + DAY - 3600, T0, 3600, 1, "closes exactly at now + within" },
	{ T0 + DAY - 3600, T0, 3599, 0, "one second short" },
	{ T0 + DAY - 3601, T0, 3600, 0, "closes one second after" },
	{ T0 + DAY - 3599, T0, 3600, 1, "closes one second before" },
	{ T0 + DAY - 1, T0, 1, 1, "last open second, within 1" },
	{ T0 + DAY - 1, T0, 0, 0, "within 0 never matches" },
	{ T0 + DAY - 1, T0, -5, 0, "negative within never matches" },
	{ T0 + DAY, T0, 3600, 0, "closed is not closing" },
	{ T0 + DAY + 5, T0, DAY, 0, "long closed is not closing" },
	{ T0, NEVER, DAY, 0, "never is not closing" },
	{ T0, T0, DAY, 1, "fresh session within 24 h" },
	{ T0, T0, DAY - 1, 0, "fresh session within 24 h - 1 s" },
	{ T0, T0, INT64_MAX, 1, "huge within, no overflow" },
	{ T0, T0 + 3600, DAY, 0, "future inbound: 25 h left" },
};

struct classify_case {
	int64_t now;
	int64_t last_inbound;
	int session_counted;
	int is_template;
	enum window_conv expect;
	const char *what;
};

static const struct classify_case classify_cases[] = {
	{ T0 + 60, T0, 0, 0, NEW_USER, "open, uncounted, text" },
	{ T0 + 60, T0, 0, 1, NEW_USER, "open, uncounted, template" },
	{ T0 + 60, T0, 1, 0, EXISTING, "open, counted, text" },
	{ T0 + 60, T0, 1, 1, EXISTING, "open, counted, template" },
	{ T0 + DAY - 1, T0, 1, 0, EXISTING, "last second, counted" },
	{ T0 + DAY - 1, T0, 0, 0, NEW_USER, "last second, uncounted" },
	{ T0 + DAY, T0, 0, 0, REFUSED, "closed, text" },
	{ T0 + DAY, T0, 0, 1, NEW_BUSINESS, "closed, template" },
	{ T0 + DAY, T0, 1, 0, REFUSED, "closed, stale counted, text" },
	{ T0 + DAY, T0, 1, 1, NEW_BUSINESS, "closed, stale counted, template" },
	{ T0, NEVER, 0, 0, REFUSED, "never, text" },
	{ T0, NEVER, 0, 1, NEW_BUSINESS, "never, template" },
	{ T0, NEVER, 1, 1, NEW_BUSINESS, "never, counted, template" },
	{ T0, T0 + 600, 0, 0, NEW_USER, "future inbound, text" },
	{ T0, T0 + 600, 1, 1, EXISTING, "future inbound, counted" },
};

static void
test_open(void)
{
	size_t i;

	for (i = 0; i < sizeof(open_cases) / sizeof(open_cases[0]); i++) {
		const struct open_case *c = &open_cases[i];

		is_int(window_is_open(c->last_inbound, c->now), c->open,
		       "is_open: %s", c->what);
		is_int(window_remaining(c->last_inbound, c->now), c->remaining,
		       "remaining: %s", c->what);
		is_int(window_expires_at(c->last_inbound), c->expires,
		       "expires_at: %s", c->what);
	}
}

static void
test_closing(void)
{
	size_t i;

	for (i = 0; i < sizeof(closing_cases) / sizeof(closing_cases[0]);
	     i++) {
		const struct closing_case *c = &closing_cases[i];

		is_int(window_is_closing(c->last_inbound, c->now, c->within),
		       c->expect, "is_closing: %s", c->what);
	}
}

static void
test_classify(void)
{
	size_t i;

	for (i = 0; i < sizeof(classify_cases) / sizeof(classify_cases[0]);
	     i++) {
		const struct classify_case *c = &classify_cases[i];

		is_str(window_conv_name(window_classify(c->last_inbound, c->now,
		       c->session_counted, c->is_template)),
		       window_conv_name(c->expect), "classify: %s", c->what);
	}
}

static void
test_names(void)
{
	is_str(window_conv_name(WINDOW_CONV_EXISTING), "existing",
	       "name existing");
	is_str(window_conv_name(WINDOW_CONV_NEW_USER), "new_user_initiated",
	       "name new_user_initiated");
	is_str(window_conv_name(WINDOW_CONV_NEW_BUSINESS),
	       "new_business_initiated", "name new_business_initiated");
	is_str(window_conv_name(WINDOW_CONV_REFUSED), "refused",
	       "name refused");
	is_str(window_conv_name((enum window_conv)42), NULL,
	       "name out of range is NULL");
	is_int(WINDOW_SECONDS, 86400, "WINDOW_SECONDS is 24 h");
}

int
main(void)
{
	test_open();
	test_closing();
	test_classify();
	test_names();
	return done_testing();
}
