/* SPDX-License-Identifier: MIT */
/* The sender's policy: idempotency keys, the 24-hour window, the quota. */
#include <string.h>
#include "sender_int.h"
#include "desk.h"
#include "quota.h"
#include "util.h"

/* An earlier job of this run with j's key makes j its follower. */
int
sender_idem_follow(struct sender *s, struct job *j)
{
	struct job *o;

	if (!j->key)
		return 0;
	for (o = s->head; o && o != j; o = o->next)
		if (o->key && !o->leader && strcmp(o->key, j->key) == 0) {
			j->leader = o;
			o->nfollowers++;
			return 1;
		}
	return 0;
}

/* What an earlier run's use of j's key means for j. */
int
sender_idem_check(struct sender *s, struct job *j, enum sender_idem *out,
		  int64_t *row, struct wa_err *err)
{
	struct sq *q;
	const char *st;
	int rc;

	*out = SENDER_IDEM_NEW;
	*row = 0;
	if (!j->key)
		return 0;
	q = store_q(s->st, Q_SENDER_IDEM_GET);
	sq_text(q, 1, j->key);
	rc = sq_step(q);
	if (rc > 0) {
		*row = sq_col_int(q, 0);
		st = sq_col_text(q, 1);
		if (st && strcmp(st, "failed") == 0) {
			*out = SENDER_IDEM_RETRY;
		} else if (st && strcmp(st, "pending") == 0 &&
			   !sender_owner_alive(s, sq_col_int(q, 3),
					       sq_col_null(q, 3))) {
			*out = SENDER_IDEM_ORPHAN;
		} else if (st && strcmp(st, "pending") == 0) {
			wa_err_set(err, WA_EX_REJECTED, "duplicate",
				   "idempotency_key '%s' is being sent by "
				   "another run", j->key);
			rc = -2;
		} else {
			*out = SENDER_IDEM_ANSWERED;
			sender_answer_dup(j, sq_col_json(q, 2));
		}
		sq_reset(q);
	}
	if (rc == -2)
		return -1;
	if (rc < 0)
		return sq_fail(q, err, "read idempotency key");
	return 0;
}

/* ---- rules 5 and 6 ---------------------------------------------------- */

int
sender_refuse_window(const struct job *j, int64_t last, struct wa_err *err)
{
	char when[32];

	if (last < 0)
		wa_err_set(err, WA_EX_REJECTED, "window_closed",
			   "no message from %s on channel %s yet: only a "
			   "template can start the conversation; use "
			   "wa-template", j->wa_id, j->channel);
	else
		wa_err_set(err, WA_EX_REJECTED, "window_closed",
			   "the session with %s on channel %s closed at %s, "
			   "24 hours after their last message; use "
			   "wa-template", j->wa_id, j->channel,
			   time_fmt(window_expires_at(last), when,
				    sizeof(when)));
	return -1;
}

static int
refuse_quota(enum quota_verdict v, const struct quotadb_usage *u,
	     struct wa_err *err)
{
	char from[32], to[32];

	if (v == QUOTA_EXHAUSTED)
		return wa_err_set(err, WA_EX_REJECTED, "quota_exhausted",
				  "the limit of %ld conversations is reached "
				  "(%ld counted from %s to %s); nothing sent",
				  u->limit, u->used,
				  time_fmt(u->period.start, from, sizeof(from)),
				  time_fmt(u->period.end, to, sizeof(to)));
	return wa_err_set(err, WA_EX_REJECTED, "daily_limit",
			  "the business is not verified: %ld "
			  "business-initiated conversations today (at most "
			  "%d a day, %s, until %s); nothing sent",
			  u->daily_business_initiated,
			  QUOTA_DAILY_UNVERIFIED, tz_name(u->tz),
			  time_fmt(u->day.end, to, sizeof(to)));
}

/* The usage counts, read once per transaction: inside BEGIN IMMEDIATE
 * nobody else counts, and sender_intent adds ours to the copy.  Counting
 * scans the period's conversations, so once per batch, not per message. */
static int
usage(struct sender *s, const struct quotadb_usage **out,
      struct wa_err *err)
{
	*out = &s->usage;
	if (s->usage_ok)
		return 0;
	if (quotadb_usage(s->st, s->now, &s->usage, err) < 0)
		return -1;
	s->usage_ok = store_in_tx(s->st);
	return 0;
}

/* A refused job still names the contact's open thread (SPEC 2: records
 * carry the join keys); a lookup only, nothing is created. */
static void
name_thread(struct sender *s, struct job *j)
{
	struct desk_thread th;
	struct wa_err ignore;

	if (j->thread_id > 0 || !j->contact_id)
		return;
	if (desk_thread_find(s->st, j->channel, j->contact_id, &th,
			     &ignore) == 0) {
		j->thread_id = th.thread_id;
		j->ticket_id = th.ticket_id;
	}
}

/* Which conversation j joins or starts; refusals as errors. */
int
sender_classify(struct sender *s, struct job *j, struct wa_err *err)
{
	int64_t last = -1, counted = 0;
	const struct quotadb_usage *u;
	enum quota_verdict v;

	/* The window of the identity the message goes to (rule 5): its
	 * number, or the group of a group thread. */
	if (desk_session_get(s->st, j->channel, JOB_IDENTITY(j), &last,
			     &counted, err) < 0)
		return -1;
	j->conv = window_classify(last, s->now, counted != 0, j->is_template);
	j->conversation_id = 0;
	if (j->conv == WINDOW_CONV_REFUSED) {
		name_thread(s, j);
		return sender_refuse_window(j, last, err);
	}
	if (j->conv == WINDOW_CONV_EXISTING) {
		j->conversation_id = counted;
		return 0;
	}
	if (usage(s, &u, err) < 0)
		return -1;
	v = quota_check(j->conv, u->used, u->limit, u->verified,
			u->daily_business_initiated);
	if (v == QUOTA_OK)
		return 0;
	name_thread(s, j);
	return refuse_quota(v, u, err);
}

