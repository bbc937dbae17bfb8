/* SPDX-License-Identifier: MIT */
/* The 24-hour customer-service window and conversation kinds (rules 5, 6). */
#ifndef WA_WINDOW_H
#define WA_WINDOW_H

#include <stdint.h>

/*
 * Pure policy: every function takes Unix seconds (UTC) and counts, and
 * reads no clock, store or environment.  A last_inbound below zero means
 * the contact never wrote (no session).  None of these set a wa_err.
 */

#define WINDOW_SECONDS 86400	/* a session ends 24 h after the last inbound */

/* 1 iff now < last_inbound + WINDOW_SECONDS: at exactly 24 h it is closed.
 * An inbound stamped after now (clock skew) counts as open. */
int window_is_open(int64_t last_inbound, int64_t now);

/* The first second at which the session is closed, or -1 when never. */
int64_t window_expires_at(int64_t last_inbound);

/* Seconds until the session closes, 0 when closed.  Equals
 * window_expires_at() - now, so a skewed future inbound may exceed 86400. */
int64_t window_remaining(int64_t last_inbound, int64_t now);

/* 1 iff the session is open and closes at or before now + within; a
 * within <= 0 never matches (an open session closes after now). */
int window_is_closing(int64_t last_inbound, int64_t now, int64_t within);

enum window_conv {
	WINDOW_CONV_EXISTING,		/* joins the session's counted one */
	WINDOW_CONV_NEW_USER,		/* starts a user-initiated one */
	WINDOW_CONV_NEW_BUSINESS,	/* template outside a session */
	WINDOW_CONV_REFUSED		/* free-form outside a session */
};

/* Rule 6: which conversation a send belongs to.  session_counted says the
 * open session has already counted its conversation (ignored when closed).
 * WINDOW_CONV_REFUSED is the caller's window_closed. */
enum window_conv window_classify(int64_t last_inbound, int64_t now,
				 int session_counted, int is_template);

/* Static name for output ("existing", "new_user_initiated",
 * "new_business_initiated", "refused"); NULL for a value out of range. */
const char *window_conv_name(enum window_conv conv);

#endif
