/* SPDX-License-Identifier: MIT */
/* Conversation usage from the store: the period, counts and settings (rule 6). */
#ifndef WA_QUOTADB_H
#define WA_QUOTADB_H

#include <stdint.h>
#include <jv.h>
#include "err.h"
#include "store.h"
#include "quota.h"

/*
 * Settings (table `settings`, read by wa-quota and wa-send alike):
 *
 *   quota.limit               conversations per period, decimal, >= 0;
 *                             absent: QUOTA_DEFAULT_LIMIT (1000).
 *   quota.subscription_start  "YYYY-MM-DD"; its day of month is the
 *                             reset day.  Absent: the business's local
 *                             date of the earliest channels.connected_at
 *                             (connected or not), else reset day 1.
 *
 * Time zone: business.timezone (an IANA name; none: UTC).  Periods reset
 * at the start of the reset day there, and the daily business-initiated
 * count is over the business day there that contains now (from its
 * start to now); it matters only while the business is not verified
 * (business.verified = 0, or no business row).
 *
 * Counting: a conversation is a row of `conversations`; it belongs to the
 * period that contains its started_at.
 *
 * Functions here only read, so they need no transaction; a caller that
 * is about to count a new conversation calls quotadb_usage inside its
 * BEGIN IMMEDIATE so that the check and the insert are atomic.
 */

#define QUOTADB_KEY_LIMIT "quota.limit"
#define QUOTADB_KEY_START "quota.subscription_start"

struct quotadb_usage {
	struct quota_period period;	/* the period containing now */
	int reset_day;			/* 1..31 */
	int start_is_default;		/* 1 when not set explicitly */
	const struct tz *tz;		/* the business's zone; NULL: UTC */
	struct quota_period day;	/* the business day containing now */
	int64_t first_connected_at;	/* the first channel's, -1: none */
	long limit;			/* quota.limit */
	long used;			/* conversations in the period */
	long user_initiated;		/* of used */
	long business_initiated;	/* of used */
	long daily_business_initiated;	/* business-initiated, last 24 h */
	int verified;			/* business verified: no daily limit */
};

/* Fills out for the period containing now.  Store errors: -1 with err
 * (74/75); a malformed setting or a business time zone the tz database
 * has not: -1 with err "invalid_input", exit 78. */
int quotadb_usage(struct store *st, int64_t now, struct quotadb_usage *out,
		  struct wa_err *err);

/* The counts of an arbitrary period [p->start, p->end) into out (only
 * used/user_initiated/business_initiated are touched). */
int quotadb_count(struct store *st, const struct quota_period *p,
		  struct quotadb_usage *out, struct wa_err *err);

/* The status record of SPEC §4 (owned), with "timezone" and the daily
 * count's "resets_at". */
jv quotadb_status_json(const struct quotadb_usage *u);

/* Stores the settings after validating them; limit < 0 or start NULL
 * leaves that one alone.  Runs its own transaction.  A bad date: -1 with
 * err invalid_input (exit 64). */
int quotadb_set(struct store *st, long limit, const char *start,
		struct wa_err *err);

/* Walks the conversations counted in [p->start, p->end), oldest first,
 * calling fn with an owned record {"conversation_id","kind","started_at",
 * "channel","contact_id","wa_id","thread_id"}. */
int quotadb_log(struct store *st, const struct quota_period *p,
		void (*fn)(jv rec, void *ctx), void *ctx, struct wa_err *err);

/* One record per period, oldest first, from the period of the first
 * counted conversation (at most QUOTADB_HISTORY_MAX back) to u's current
 * one: {"period_start","period_end","used","user_initiated",
 * "business_initiated","current"}. */
#define QUOTADB_HISTORY_MAX 1200	/* periods, a century */
int quotadb_history(struct store *st, const struct quotadb_usage *u,
		    void (*fn)(jv rec, void *ctx), void *ctx,
		    struct wa_err *err);

/* Meta's per-message pricing of the messages delivered in [p->start,
 * p->end) (by their first delivered, read or played status; each wamid
 * once), from the statuses table: one record per channel and
 * pricing.category (an opaque string; null when Meta gave no pricing),
 * ordered by both: fn gets an owned {"period_start","period_end",
 * "channel","category","delivered","charged" (type regular),"free"
 * (types free_*),"free_entry_point","free_customer_service","types"
 * (count by Meta's pricing.type)}.  The deprecated billable is not read. */
int quotadb_billing(struct store *st, const struct quota_period *p,
		    void (*fn)(jv rec, void *ctx), void *ctx,
		    struct wa_err *err);

#endif
