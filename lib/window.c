/* SPDX-License-Identifier: MIT */
/* The 24-hour customer-service window and conversation kinds: pure policy. */
#include <stddef.h>

#include "window.h"

int64_t
window_expires_at(int64_t last_inbound)
{
	if (last_inbound < 0)
		return -1;
	/* Saturate rather than overflow on absurd stamps. */
	if (last_inbound > INT64_MAX - WINDOW_SECONDS)
		return INT64_MAX;
	return last_inbound + WINDOW_SECONDS;
}

int
window_is_open(int64_t last_inbound, int64_t now)
{
	if (last_inbound < 0)
		return 0;
	return now < window_expires_at(last_inbound);
}

int64_t
window_remaining(int64_t last_inbound, int64_t now)
{
	int64_t exp;

	if (!window_is_open(last_inbound, now))
		return 0;
	exp = window_expires_at(last_inbound);
	if (now < 0 && exp > INT64_MAX + now)
		return INT64_MAX;
	return exp - now;
}

int
window_is_closing(int64_t last_inbound, int64_t now, int64_t within)
{
	if (!window_is_open(last_inbound, now))
		return 0;
	/* remaining > 0 here: no overflow, unlike now + within. */
	return window_remaining(last_inbound, now) <= within;
}

enum window_conv
window_classify(int64_t last_inbound, int64_t now, int session_counted,
		int is_template)
{
	if (window_is_open(last_inbound, now))
		return session_counted ? WINDOW_CONV_EXISTING :
		    WINDOW_CONV_NEW_USER;
	return is_template ? WINDOW_CONV_NEW_BUSINESS : WINDOW_CONV_REFUSED;
}

const char *
window_conv_name(enum window_conv conv)
{
	switch (conv) {
	case WINDOW_CONV_EXISTING:
		return "existing";
	case WINDOW_CONV_NEW_USER:
		return "new_user_initiated";
	case WINDOW_CONV_NEW_BUSINESS:
		return "new_business_initiated";
	case WINDOW_CONV_REFUSED:
		return "refused";
	}
	return NULL;
}
