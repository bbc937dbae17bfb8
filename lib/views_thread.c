/* SPDX-License-Identifier: MIT */
/* The help desk's conversations: show a thread, search messages, assign/close/reopen tickets. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "audit.h"
#include "views.h"
#include "agents.h"
#include "desk.h"
#include "desk_ticket.h"
#include "jsonl.h"
#include "util.h"
#include "window.h"

/* ---- show ----------------------------------------------------------- */

static jv
show_head(struct sq *q, int64_t now)
{
	int64_t li = sq_col_null(q, 13) ? -1 : sq_col_int(q, 13);

	return jv_object_merge(views_obj("record", jv_string("thread"), NULL),
		jv_object_merge(views_thread_json(q, 17, li, now), views_obj(
		"created_at", sq_col_time(q, 9),
		"last_message_at", sq_col_time(q, 10),
		"unread", sq_col_jint(q, 11),
		"messages", sq_col_jint(q, 12),
		"source", sq_col_str(q, 14),
		"origin", sq_col_str(q, 15),
		"closed_at", sq_col_time(q, 16), NULL)));
}

/* Media as recorded, or null; hidden content shows none of it. */
static jv
show_media(struct sq *q, int hidden)
{
	if (hidden || (sq_col_null(q, 20) && sq_col_null(q, 24)))
		return jv_null();
	return JV_OBJECT(jv_string("id"), sq_col_str(q, 20),
			 jv_string("mime"), sq_col_str(q, 21),
			 jv_string("filename"), sq_col_str(q, 22),
			 jv_string("size"), sq_col_jint(q, 23),
			 jv_string("path"), sq_col_str(q, 24),
			 jv_string("sha256"), sq_col_str(q, 25),
			 jv_string("state"), sq_col_str(q, 26));
}

static jv
show_message(struct sq *q, jv head)
{
	int quarantined = sq_col_int(q, 7) != 0;
	int hidden = !sq_col_null(q, 6) || quarantined;
	jv m = views_obj("record", jv_string("message"),
		"thread_id", jx_get(head, "thread_id"),
		"ticket_id", jx_get(head, "ticket_id"),
		"message_id", sq_col_str(q, 0),
		"wamid", sq_col_str(q, 1),
		"channel", sq_col_str(q, 29),
		"wa_id", jx_get(head, "wa_id"),
		"direction", sq_col_str(q, 2),
		"from", sq_col_str(q, 8),
		"to", sq_col_str(q, 9),
		"from_bsuid", sq_col_str(q, 10),
		"to_bsuid", sq_col_str(q, 11),
		"time", sq_col_time(q, 12),
		"type", sq_col_str(q, 3), NULL);

	/* a text keeps every character, U+0000 included */
	if (!hidden && sq_col_text(q, 3) && !strcmp(sq_col_text(q, 3), "text") &&
	    !sq_col_null(q, 4))
		m = jv_object_set(m, jv_string("text"), sq_col_str(q, 4));
	else
		m = jv_object_set(m, jv_string("text"), views_message_text(
			sq_col_text(q, 3), sq_col_text(q, 4),
			sq_col_text(q, 5), sq_col_text(q, 6), quarantined));
	m = jv_object_set(m, jv_string("unsupported"), sq_col_str(q, 6));
	m = jv_object_set(m, jv_string("quarantined"),
			  jv_bool(quarantined));
	m = jv_object_set(m, jv_string("status"), sq_col_str(q, 13));
	m = jv_object_set(m, jv_string("sent_at"), sq_col_time(q, 14));
	m = jv_object_set(m, jv_string("delivered_at"), sq_col_time(q, 15));
	m = jv_object_set(m, jv_string("read_at"), sq_col_time(q, 16));
	m = jv_object_set(m, jv_string("played_at"), sq_col_time(q, 17));
	m = jv_object_set(m, jv_string("failed_at"), sq_col_time(q, 18));
	m = jv_object_set(m, jv_string("error"), sq_col_json(q, 19));
	m = jv_object_set(m, jv_string("media"), show_media(q, hidden));
	m = jv_object_set(m, jv_string("template"), sq_col_str(q, 27));
	m = jv_object_set(m, jv_string("agent"), sq_col_str(q, 28));
	return jv_object_set(m, jv_string("reply_to"), sq_col_str(q, 30));
}

/* Opening a conversation reads it: unread goes to 0 (committed first);
 * a desk opened read-only (a snapshot) keeps its counts. */
static int
show_mark_read(struct store *st, int64_t thread_id, struct wa_err *err)
{
	struct sq *q;

	if (store_readonly(st))
		return 0;
	if (store_begin(st, err) < 0)
		return -1;
	q = store_q(st, Q_VIEWS_THREAD_READ);
	sq_int(q, 1, thread_id);
	if (sq_done(q, err) < 0) {
		store_rollback(st);
		return -1;
	}
	return store_commit(st, err);
}

int
views_show(struct store *st, int64_t thread_id, int64_t ticket_id,
	   int64_t now, unsigned flags, void (*fn)(jv rec, void *ctx),
	   void *ctx, struct wa_err *err)
{
	struct sq *q = store_q(st, Q_VIEWS_THREAD_HEAD);
	jv head = jv_invalid();
	int rc;

	sq_int_or_null(q, 1, thread_id, thread_id <= 0);
	sq_int_or_null(q, 2, ticket_id, ticket_id <= 0);
	rc = sq_step(q);
	if (rc < 0)
		return sq_fail(q, err, "read thread");
	if (rc > 0) {
		head = show_head(q, now);
		thread_id = sq_col_int(q, 0);
		sq_reset(q);
	}
	if (rc == 0 && ticket_id > 0)
		return wa_err_set(err, WA_EX_REJECTED, "unknown_thread",
				  "no ticket %lld%s", (long long)ticket_id,
				  thread_id > 0 ? " in that thread" : "");
	if (rc == 0)
		return wa_err_set(err, WA_EX_REJECTED, "unknown_thread",
				  "no thread %lld", (long long)thread_id);
	if (!(flags & VIEWS_SHOW_PEEK) &&
	    show_mark_read(st, thread_id, err) < 0) {
		jv_free(head);
		return -1;
	}
	fn(jv_copy(head), ctx);
	q = store_q(st, Q_VIEWS_THREAD_MESSAGES);
	sq_int(q, 1, thread_id);
	while ((rc = sq_step(q)) > 0)
		fn(show_message(q, head), ctx);
	jv_free(head);
	return rc < 0 ? sq_fail(q, err, "read messages") : 0;
}

int
views_channels(struct store *st, int64_t *n, struct wa_err *err)
{
	*n = 0;
	return sq_int1(store_q(st, Q_VIEWS_CHANNELS), n, "count channels",
		       err) < 0 ? -1 : 0;
}

/* ---- search --------------------------------------------------------- */

int
views_search(struct store *st, const char *text, long limit,
	     void (*fn)(jv rec, void *ctx), void *ctx, struct wa_err *err)
{
	struct sq *q;
	char *fts;
	int rc = views_fts_query(text ? text : "", store_engine(st), "search",
				 &fts, err);

	if (rc <= 0)
		return rc;	/* an error, or nothing can match */
	q = store_q(st, Q_VIEWS_SEARCH);
	sq_text(q, 1, fts);
	sq_int(q, 2, limit > 0 ? limit : INT64_MAX);
	free(fts);
	while ((rc = sq_step(q)) > 0)
		fn(views_obj("thread_id", sq_col_str(q, 0),
			"ticket_id", sq_col_str(q, 1),
			"message_id", sq_col_str(q, 2),
			"wamid", sq_col_str(q, 3),
			"channel", sq_col_str(q, 4),
			"wa_id", sq_col_str(q, 5),
			"contact", sq_col_str(q, 6),
			"direction", sq_col_str(q, 7),
			"type", sq_col_str(q, 8),
			"time", sq_col_time(q, 9),
			"snippet", sq_col_str(q, 10),
			"status", sq_col_str(q, 11),
			"owner", sq_col_str(q, 12), NULL), ctx);
	return rc < 0 ? sq_fail(q, err, "search") : 0;
}

/* ---- tickets -------------------------------------------------------- */

/* Rule 3 keeps one open thread per contact and channel. */
static int
ticket_may_reopen(struct store *st, const struct desk_ticket *t,
		  struct wa_err *err)
{
	struct sq *q = store_q(st, Q_VIEWS_TICKET_OTHER_OPEN);
	int64_t other = 0;

	sq_text(q, 1, t->channel);
	sq_int(q, 2, t->contact_id);
	sq_int(q, 3, t->thread_id);
	if (sq_int1(q, &other, "read tickets", err) < 0)
		return -1;
	if (other)
		return wa_err_set(err, WA_EX_REJECTED, "duplicate",
				  "ticket %lld is open for this contact on "
				  "this channel; close it first",
				  (long long)other);
	return 0;
}

static const char *const action_names[] = {
	"assign", "close", "reopen", "unassign"
};

/* Applies a to t; 1 changed, 0 already so, -1 error. */
static int
ticket_apply(struct store *st, struct desk_ticket *t, enum views_action a,
	     const char *owner, const char *actor, int64_t now,
	     struct wa_err *err)
{
	const char *from = t->status, *to;
	struct sq *q;

	if (a == VIEWS_ASSIGN || a == VIEWS_UNASSIGN) {
		if (a == VIEWS_UNASSIGN ? !t->owner :
		    t->owner && strcmp(t->owner, owner) == 0)
			return 0;
		if (a == VIEWS_ASSIGN &&
		    agents_known(st, owner, "OWNER", err) < 0)
			return -1;
		q = store_q(st, Q_VIEWS_TICKET_ASSIGN);
		sq_text(q, 2, a == VIEWS_ASSIGN ? owner : NULL);
		sq_int(q, 3, now);
		from = t->owner;
		to = a == VIEWS_ASSIGN ? owner : NULL;
	} else if (a == VIEWS_CLOSE) {
		if (strcmp(t->status, "closed") == 0)
			return 0;
		q = store_q(st, Q_VIEWS_TICKET_CLOSE);
		sq_int(q, 2, now);
		to = "closed";
	} else {
		if (strcmp(t->status, "open") == 0)
			return 0;
		if (ticket_may_reopen(st, t, err) < 0)
			return -1;
		q = store_q(st, Q_VIEWS_TICKET_REOPEN);
		sq_int(q, 2, now);
		to = "open";
	}
	sq_int(q, 1, t->id);
	if (sq_done(q, err) < 0 ||
	    desk_ticket_event(st, t->id, action_names[a], actor, from, to,
			      now, err) < 0)
		return -1;
	return 1;
}

/* The change in the event log, for watchers (lib/desk_ticket.h). */
static int
ticket_log(struct store *st, const struct desk_ticket *was,
	   const struct desk_ticket *now_t, enum views_action a,
	   const char *actor, int64_t now, struct wa_err *err)
{
	int by_status = a == VIEWS_CLOSE || a == VIEWS_REOPEN;

	return desk_ticket_log(st, now_t, action_names[a],
			       by_status ? was->status : was->owner,
			       by_status ? now_t->status : now_t->owner,
			       actor, now, err);
}

/* The change in the audit log, in its transaction. */
static int
ticket_audit(struct store *st, const struct desk_ticket *t, enum views_action a,
	     const char *actor, struct wa_err *err)
{
	char subject[32], action[32];

	snprintf(subject, sizeof(subject), "ticket:%lld", (long long)t->id);
	snprintf(action, sizeof(action), "ticket.%s", action_names[a]);
	return audit_append(st, actor, action, subject,
			    JV_OBJECT(jv_string("status"), jv_string(t->status),
				      jv_string("owner"), t->owner ?
				      jv_string(t->owner) : jv_null()), err);
}

int
views_ticket_change(struct store *st, int64_t ticket_id,
		    enum views_action a, const char *owner,
		    const char *actor, int64_t now, jv *out,
		    struct wa_err *err)
{
	struct desk_ticket was, t;
	int changed;

	if (a == VIEWS_ASSIGN && (!owner || !*owner))
		return wa_err_set(err, WA_EX_USAGE, "invalid_input",
				  "assign needs an owner");
	/* a name an agent could have, agents or not ("-" is no owner) */
	if (a == VIEWS_ASSIGN && agents_name_check("OWNER", owner, err) < 0)
		return -1;
	memset(&t, 0, sizeof(t));
	t.rec = jv_invalid();
	if (store_begin(st, err) < 0)
		return -1;
	if (desk_ticket_get(st, ticket_id, &was, err) < 0)
		goto fail;
	changed = ticket_apply(st, &was, a, owner, actor, now, err);
	if (changed < 0 || desk_ticket_get(st, ticket_id, &t, err) < 0 ||
	    (changed && ticket_log(st, &was, &t, a, actor, now, err) < 0))
		goto fail;
	if (changed && ticket_audit(st, &t, a, actor, err) < 0)
		goto fail;
	desk_ticket_release(&was);
	if (store_commit(st, err) < 0) {
		desk_ticket_release(&t);
		return -1;
	}
	*out = jv_object_merge(JV_OBJECT(jv_string("ok"), jv_true()),
			       jv_copy(t.rec));
	*out = jv_object_set(*out, jv_string("action"),
			     jv_string(action_names[a]));
	*out = jv_object_set(*out, jv_string("changed"), jv_bool(changed));
	*out = jv_object_set(*out, jv_string("actor"),
			     actor ? jv_string(actor) : jv_null());
	desk_ticket_release(&t);
	return 0;
fail:
	desk_ticket_release(&was);
	desk_ticket_release(&t);
	store_rollback(st);
	return -1;
}

int
views_ticket_history(struct store *st, int64_t ticket_id,
		     void (*fn)(jv rec, void *ctx), void *ctx,
		     struct wa_err *err)
{
	struct sq *q = store_q(st, Q_VIEWS_TICKET_EVENTS);
	int rc, n = 0;

	sq_int(q, 1, ticket_id);
	while ((rc = sq_step(q)) > 0) {
		n++;
		if (sq_col_null(q, 0))
			continue;
		fn(JV_OBJECT(jv_string("ticket_id"),
			     jv_string_fmt("%lld", (long long)ticket_id),
			     jv_string("thread_id"), sq_col_str(q, 6),
			     jv_string("event_id"), sq_col_str(q, 0),
			     jv_string("action"), sq_col_str(q, 1),
			     jv_string("actor"), sq_col_str(q, 2),
			     jv_string("from"), sq_col_str(q, 3),
			     jv_string("to"), sq_col_str(q, 4),
			     jv_string("at"), sq_col_time(q, 5)), ctx);
	}
	if (rc < 0)
		return sq_fail(q, err, "read ticket events");
	if (n == 0)
		return wa_err_set(err, WA_EX_REJECTED, "unknown_thread",
				  "no ticket %lld", (long long)ticket_id);
	return 0;
}
