/* SPDX-License-Identifier: MIT */
/* Applying messages, echoes and statuses to the desk (rules 2-11). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "int.h"
#include "jsonl.h"
#include "window.h"

/* ---- channels (rule 2) ---------------------------------------------- */

int
apply_chan(struct ingest *in, const char *id, enum chan_state *state,
	   int64_t *connected_at, struct wa_err *err)
{
	struct sq *q;
	int rc;

	*state = CHAN_UNKNOWN;
	*connected_at = 0;
	if (!id)
		return 0;
	if (in->chan.valid && strcmp(in->chan.id, id) == 0) {
		*state = (enum chan_state)in->chan.state;
		*connected_at = in->chan.connected_at;
		return 0;
	}
	q = store_q(in->st, Q_INGEST_CHANNEL);
	sq_text(q, 1, id);
	rc = sq_step(q);
	if (rc > 0) {
		const char *st = sq_col_text(q, 0);

		*state = st && strcmp(st, "connected") == 0 ? CHAN_ON :
			 CHAN_OFF;
		*connected_at = sq_col_int(q, 1);
		sq_reset(q);
	}
	if (rc < 0)
		return sq_fail(q, err, "read channel");
	in->chan.valid = strlen(id) < sizeof(in->chan.id);
	if (in->chan.valid) {
		memcpy(in->chan.id, id, strlen(id) + 1);
		in->chan.state = (int)*state;
		in->chan.connected_at = *connected_at;
	}
	return 0;
}

int
apply_skipped(struct ingest *in, const char *reason, const char *channel,
	      const char *wamid, const char *wa_id, int64_t ts,
	      const char *what, struct wa_err *err)
{
	jv ev = JV_OBJECT(jv_string("event"), jv_string("skipped"),
			  jv_string("reason"), jv_string(reason),
			  jv_string("wamid"), str_or_null(wamid),
			  jv_string("channel"), str_or_null(channel),
			  jv_string("wa_id"), str_or_null(wa_id),
			  jv_string("timestamp"), time_jv(ts));

	if (what)
		ev = jv_object_set(ev, jv_string("of"), jv_string(what));
	return events_add(in, ev, err);
}

int
apply_chan_skip(struct ingest *in, const char *channel, enum chan_state state,
		int64_t connected_at, const char *wamid, const char *wa_id,
		int64_t ts, const char *what, struct wa_err *err)
{
	const char *why = NULL;

	if (state == CHAN_UNKNOWN)
		why = "unknown_channel";
	else if (state == CHAN_OFF)
		why = "not_connected";
	else if (ts >= 0 && ts < connected_at && strcmp(what, "status"))
		why = "before_connect";
	if (!why)
		return 0;
	if (apply_skipped(in, why, channel, wamid, wa_id, ts, what, err) < 0)
		return -1;
	return 1;
}

/* ---- messages ------------------------------------------------------- */

/* What the row and the event of one message say beyond the plan. */
struct msg_row {
	const struct plan_el *e;
	const char *from, *to, *from_bsuid, *to_bsuid;
	int64_t contact_id, id, expires;
	int64_t owner;			/* the thread's contact: the group's
					   for a group message */
	struct desk_thread th;
	int moved;
};

static void
bind_content(struct sq *q, int idx, const struct norm_msg *m)
{
	jv c = jv_copy(m->content);

	if (jv_get_kind(c) == JV_KIND_OBJECT)
		c = jv_object_delete(c, jv_string("_text"));
	else if (jv_get_kind(m->media) == JV_KIND_OBJECT) {
		jv_free(c);
		c = JV_OBJECT(jv_string(m->type), jv_copy(m->media));
	}
	sq_jv(q, idx, c);
	jv_free(c);
}

static int
msg_insert(struct ingest *in, struct msg_row *r, struct wa_err *err)
{
	const struct plan_el *e = r->e;
	const struct norm_msg *m = &e->m;
	struct sq *q = store_q(in->st, Q_INGEST_MSG_INSERT);
	int quar = e->qrule[0] != 0;
	int flagged = m->unsupported || quar || !strcmp(m->type, "system");
	int failed = jv_get_kind(m->errors) == JV_KIND_ARRAY;
	/* Only text that goes into the search index is worth deferring. */
	int defer = in->defer_text && m->text && !flagged;

	sq_text(q, 1, m->wamid);
	sq_text(q, 2, e->w.channel);
	sq_int_or_null(q, 3, r->th.thread_id, r->th.thread_id <= 0);
	sq_int(q, 4, r->contact_id);
	sq_text(q, 5, e->echo ? "out" : "in");
	sq_text(q, 6, m->type);
	/* with its length: text keeps every character */
	sq_textn(q, 7, m->unsupported ? NULL : m->text, m->text_len);
	bind_content(q, 8, m);
	sq_text(q, 9, r->from);
	sq_text(q, 10, r->to);
	sq_text(q, 11, r->from_bsuid);
	sq_text(q, 12, r->to_bsuid);
	sq_int(q, 13, m->ts);
	sq_int(q, 14, in->now);
	sq_text(q, 15, m->context_wamid);
	sq_int(q, 16, m->forwarded);
	sq_jv(q, 17, m->referral);
	sq_text(q, 18, m->media_id);
	sq_text(q, 19, m->media_mime);
	sq_text(q, 20, m->media_sha256[0] ? m->media_sha256 : NULL);
	sq_text(q, 21, m->media_caption);
	sq_text(q, 22, m->media_filename);
	sq_text(q, 23, m->media_url);
	/* Media Meta could not give us is never queued for download. */
	sq_text(q, 24, m->media_id && !quar && !failed ? "pending" : NULL);
	sq_text(q, 25, m->unsupported);
	sq_int(q, 26, quar);
	sq_text(q, 27, quar ? e->qrule : NULL);
	/* The delivery keeps everything; flagged messages keep their own
	 * raw object too (rule 9). */
	if (flagged || failed)
		sq_jv(q, 28, e->obj);
	sq_int(q, 29, in->delivery_id);
	sq_int(q, 30, e->echo ? 1 : 0);
	sq_int(q, 31, defer);
	sq_text(q, 32, m->group_id);
	sq_jv(q, 33, failed ? m->errors : jv_null());
	if (apply_insert(in, q, &r->id, err) < 0)
		return -1;
	if (defer)
		apply_defer(in, r->id);
	return 0;
}

static int
is_digits(const char *s)
{
	if (!s || !*s)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

/* user_changed_number / user_changed_user_id move the identity (rule 4);
 * other system messages just join the contact. */
static int
system_contact(struct ingest *in, const struct plan_el *e,
	       struct desk_who *who, struct msg_row *r, struct wa_err *err)
{
	const struct norm_msg *m = &e->m;
	struct desk_who nw = { 0 };
	const char *t = m->sys_type ? m->sys_type : "";

	if (e->sys_new_only ||
	    (strcmp(t, "user_changed_number") &&
	     strcmp(t, "user_changed_user_id") &&
	     strcmp(t, "customer_changed_number")))
		return desk_contact_resolve(in->st, who, in->now,
					    &r->contact_id, err);
	nw.wa_id = is_digits(m->sys_wa_id) ? m->sys_wa_id : NULL;
	nw.bsuid = m->sys_bsuid;
	nw.parent_bsuid = m->sys_parent_bsuid;
	if (m->sys_prev_bsuid)
		who->bsuid = m->sys_prev_bsuid;
	if (!nw.wa_id && !nw.bsuid)
		return desk_contact_resolve(in->st, who, in->now,
					    &r->contact_id, err);
	r->moved = 1;
	return desk_contact_move(in->st, who, &nw, in->now, &r->contact_id,
				 err);
}

/* The thread: a group's own (rule 3), else the contact's. */
static int
msg_thread(struct ingest *in, const struct plan_el *e, struct msg_row *r,
	   struct wa_err *err)
{
	r->owner = r->contact_id;
	if (e->m.group_id && desk_group_resolve(in->st, e->m.group_id,
						in->now, &r->owner, err) < 0)
		return -1;
	return desk_thread_open(in->st, e->w.channel, r->owner,
				e->echo ? "outbound" : "inbound", in->now,
				&r->th, err);
}

/* ,"key": */
static void
key(struct strbuf *sb, const char *name)
{
	sb_add(sb, ",\"", 2);
	sb_adds(sb, name);
	sb_add(sb, "\":", 2);
}

static void
key_str(struct strbuf *sb, const char *name, const char *s)
{
	key(sb, name);
	jsonl_dump_str(sb, s);
}

static void
key_id(struct strbuf *sb, const char *name, int64_t id)
{
	char buf[24];

	if (id > 0)
		snprintf(buf, sizeof(buf), "%lld", (long long)id);
	key_str(sb, name, id > 0 ? buf : NULL);
}

static void
key_bool(struct strbuf *sb, const char *name, int b)
{
	key(sb, name);
	sb_adds(sb, b ? "true" : "false");
}

/* The message event: the planned record, then what applying found. */
static int
msg_event(struct ingest *in, const struct msg_row *r, const char *wa_id,
	  struct wa_err *err)
{
	const struct plan_el *e = r->e;
	struct strbuf *sb = &in->sb;
	char buf[32];

	sb_reset(sb);
	sb_add(sb, e->rec, e->rec_len);
	key_str(sb, "channel", e->w.channel);
	key_str(sb, "wa_id", wa_id);
	if (e->echo ? r->to_bsuid : r->from_bsuid)
		key_str(sb, "user_id", e->echo ? r->to_bsuid : r->from_bsuid);
	key_str(sb, "to", r->to);
	key_id(sb, "contact_id", r->contact_id);
	key_id(sb, "thread_id", r->th.thread_id);
	key_id(sb, "ticket_id", r->th.ticket_id);
	key_bool(sb, "new_ticket", r->th.created);
	if (!e->echo)
		key_str(sb, "session_expires_at", r->expires >= 0 ?
			time_fmt(r->expires, buf, sizeof(buf)) : NULL);
	key_bool(sb, "quarantined", e->qrule[0] != 0);
	if (e->qrule[0])
		key_str(sb, "quarantine_rule", e->qrule);
	if (r->moved)
		key_bool(sb, "identity_moved", 1);
	key_id(sb, "message_id", r->id);
	if (in->delivery_id > 0)
		key_id(sb, "delivery_id", in->delivery_id);
	return events_add_text(in, sb, err);
}

/* Where a reply to this inbound message goes (rule 5): the group, else
 * the number it came from, else the BSUID. */
static const char *
reply_to(const struct plan_el *e, const struct desk_who *who)
{
	if (e->m.group_id)
		return e->m.group_id;
	return who->wa_id && *who->wa_id ? who->wa_id : who->bsuid;
}

/* Contact, thread, session, row and event for one new message. */
static int
msg_record(struct ingest *in, struct plan_el *e, struct msg_row *r,
	   struct desk_who *who, struct wa_err *err)
{
	const struct norm_msg *m = &e->m;
	int system = strcmp(m->type, "system") == 0;
	int64_t last = -1;

	if (system) {
		if (system_contact(in, e, who, r, err) < 0 ||
		    desk_thread_find(in->st, e->w.channel, r->contact_id,
				     &r->th, err) < 0)
			return -1;
	} else if (desk_contact_resolve(in->st, who, in->now, &r->contact_id,
					err) < 0 ||
		   msg_thread(in, e, r, err) < 0)
		return -1;
	/* The session is the identity's: the number, else the BSUID; a
	 * group message opens the group's, never the sender's (rule 5). */
	if ((!e->echo && !system &&
	     desk_session_record(in->st, e->w.channel, reply_to(e, who),
				 r->owner, m->ts, &last, err) < 0) ||
	    msg_insert(in, r, err) < 0 ||
	    (!system && r->th.thread_id > 0 &&
	     desk_thread_touch(in->st, r->th.thread_id, r->id, m->ts,
			       !e->echo, e->echo ? NULL : reply_to(e, who),
			       err) < 0) ||
	    (e->echo && desk_apply_pending_statuses(in->st, m->wamid,
						    err) < 0))
		return -1;
	r->expires = window_expires_at(last);
	return msg_event(in, r, r->moved ? m->sys_wa_id : who->wa_id, err);
}

int
apply_message(struct ingest *in, struct plan_el *e, struct wa_err *err)
{
	const struct norm_msg *m = &e->m;
	const char *what = e->echo ? "echo" : "message", *user;
	struct desk_who who = e->who;
	struct msg_row r = { .e = e };
	enum chan_state state;
	int64_t connected_at, id;
	struct sq *q;
	int rc;

	if (apply_chan(in, e->w.channel, &state, &connected_at, err) < 0)
		return -1;
	rc = apply_chan_skip(in, e->w.channel, state, connected_at, m->wamid,
			     who.wa_id, m->ts, what, err);
	if (rc)
		return rc < 0 ? -1 : 0;
	q = store_q(in->st, Q_INGEST_MSG_EXISTS);
	sq_text(q, 1, e->w.channel);
	sq_text(q, 2, m->wamid);
	rc = sq_int1(q, &id, "find message", err);
	if (rc != 0) {
		if (rc > 0)
			rc = apply_skipped(in, "duplicate", e->w.channel,
					   m->wamid, who.wa_id, m->ts, what,
					   err);
		return rc < 0 ? -1 : 0;
	}
	user = who.wa_id ? who.wa_id : e->user;	/* digits when known */
	r.from = e->echo ? WHERE_DISPLAY(&e->w) : user;
	r.to = e->echo ? user : WHERE_DISPLAY(&e->w);
	r.from_bsuid = e->echo ? NULL : who.bsuid;
	r.to_bsuid = e->echo ? who.bsuid : NULL;
	return msg_record(in, e, &r, &who, err);
}
