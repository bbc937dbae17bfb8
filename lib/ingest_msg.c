/* SPDX-License-Identifier: MIT */
/* Deriving the "messages" field: inbound messages, echoes, statuses, errors (rules 2-11). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ingest_int.h"
#include "desk.h"
#include "jsonl.h"
#include "normalize.h"
#include "quarantine.h"
#include "util.h"
#include "window.h"

/* The channel a value is addressed to (rule 2). */
struct chan {
	const char *id;			/* metadata.phone_number_id */
	const char *display;		/* metadata.display_phone_number */
	enum { CHAN_UNKNOWN, CHAN_OFF, CHAN_ON } state;
	int64_t connected_at;
	jv contacts;			/* value.contacts[], borrowed */
};

static const char SQL_CHANNEL[] =
	"SELECT status, connected_at FROM channels WHERE id = ?1";

/* The state of c->id, from the cache of the batch when it is there. */
static int
chan_load(struct ingest *in, struct chan *c, struct wa_err *err)
{
	sqlite3_stmt *s;
	int rc;

	c->state = CHAN_UNKNOWN;
	if (!c->id)
		return 0;
	if (in->chan.valid && strcmp(in->chan.id, c->id) == 0) {
		c->state = in->chan.state;
		c->connected_at = in->chan.connected_at;
		return 0;
	}
	s = store_stmt(in->st, SQL_CHANNEL);
	store_bind_text(s, 1, c->id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		const unsigned char *st = sqlite3_column_text(s, 0);

		c->state = st && strcmp((const char *)st, "connected") == 0 ?
			CHAN_ON : CHAN_OFF;
		c->connected_at = sqlite3_column_int64(s, 1);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(in->st, err, "read channel");
	in->chan.valid = strlen(c->id) < sizeof(in->chan.id);
	if (in->chan.valid) {
		memcpy(in->chan.id, c->id, strlen(c->id) + 1);
		in->chan.state = (int)c->state;
		in->chan.connected_at = c->connected_at;
	}
	return 0;
}

static jv
str_or_null(const char *s)
{
	return s ? jv_string(s) : jv_null();
}

static void
skipped(struct ingest *in, const char *reason, const struct chan *c,
	const char *wamid, const char *wa_id, int64_t ts, const char *what)
{
	jv ev = JV_OBJECT(jv_string("event"), jv_string("skipped"),
			  jv_string("reason"), jv_string(reason),
			  jv_string("wamid"), str_or_null(wamid),
			  jv_string("channel"), str_or_null(c->id),
			  jv_string("wa_id"), str_or_null(wa_id),
			  jv_string("timestamp"), time_jv(ts));

	if (what)
		ev = jv_object_set(ev, jv_string("of"), jv_string(what));
	ingest_event_fresh(in, ev);	/* C strings only */
}

/* Rule 2 for anything on the channel: 1 when skipped (event queued). */
static int
chan_skip(struct ingest *in, const struct chan *c, const char *wamid,
	  const char *wa_id, int64_t ts, const char *what)
{
	if (c->state == CHAN_UNKNOWN)
		skipped(in, "unknown_channel", c, wamid, wa_id, ts, what);
	else if (c->state == CHAN_OFF)
		skipped(in, "not_connected", c, wamid, wa_id, ts, what);
	else if (ts >= 0 && ts < c->connected_at && strcmp(what, "status"))
		skipped(in, "before_connect", c, wamid, wa_id, ts, what);
	else
		return 0;
	return 1;
}

static int
all_digits(const char *s)
{
	if (!s || !*s)
		return 0;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return 0;
	return 1;
}

/* The contacts[] entry for a user (by number or BSUID), borrowed into
 * who; the only entry when nothing else matches. */
static void
who_from_contacts(jv contacts, struct desk_who *who)
{
	int n = jv_get_kind(contacts) == JV_KIND_ARRAY ?
		jv_array_length(jv_copy(contacts)) : 0;
	int i, pick = -1;

	for (i = 0; i < n && pick < 0; i++) {
		jv c = jv_array_get(jv_copy(contacts), i);
		const char *wa = jx_cstr(c, "wa_id"), *u = jx_cstr(c, "user_id");

		if ((who->wa_id && wa && strcmp(wa, who->wa_id) == 0) ||
		    (who->bsuid && u && strcmp(u, who->bsuid) == 0))
			pick = i;
		jv_free(c);
	}
	if (pick < 0 && n == 1)
		pick = 0;
	if (pick < 0)
		return;
	/* contacts is kept alive by the delivery; pointers stay valid. */
	{
		jv c = jv_array_get(jv_copy(contacts), pick);
		jv prof = jx_get(c, "profile");
		const char *wa = jx_cstr(c, "wa_id");

		if (!all_digits(who->wa_id) && all_digits(wa))
			who->wa_id = wa;
		if (!who->bsuid)
			who->bsuid = jx_cstr(c, "user_id");
		if (!who->parent_bsuid)
			who->parent_bsuid = jx_cstr(c, "parent_user_id");
		who->profile_name = jx_cstr(prof, "name");
		who->username = jx_cstr(prof, "username");
		jv_free(prof);
		jv_free(c);
	}
	if (who->wa_id && !all_digits(who->wa_id))
		who->wa_id = NULL;
}

static const char SQL_MSG_EXISTS[] =
	"SELECT id FROM messages WHERE channel_id = ?1 AND wamid = ?2";

/* 1 when the channel already has this wamid, 0 not, -1 error. */
static int
msg_exists(struct ingest *in, const char *channel, const char *wamid,
	   struct wa_err *err)
{
	sqlite3_stmt *s = store_stmt(in->st, SQL_MSG_EXISTS);
	int64_t id;

	store_bind_text(s, 1, channel);
	store_bind_text(s, 2, wamid);
	return store_step_int(in->st, s, &id, "find message", err);
}

static const char SQL_MSG_INSERT[] =
	"INSERT INTO messages (wamid, channel_id, thread_id, contact_id,"
	" direction, type, text, content, from_addr, to_addr, from_bsuid,"
	" to_bsuid, timestamp, received_at, context_wamid, forwarded, referral,"
	" media_id, media_mime, media_sha256, media_caption, media_filename,"
	" media_url, media_state, unsupported, quarantined, quarantine_rule,"
	" raw, delivery_id, echo, index_later)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14,"
	" ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27,"
	" ?28, ?29, ?30, ?31)";

struct msg_row {
	const struct norm_msg *m;
	const char *channel;
	int64_t thread_id, contact_id;
	int out;			/* echo: direction out */
	const char *from, *to, *from_bsuid, *to_bsuid;
	const char *qrule;		/* quarantine rule or NULL */
	jv raw;				/* borrowed message object */
};

static void
bind_content(sqlite3_stmt *s, int idx, const struct norm_msg *m)
{
	jv c = jv_copy(m->content);

	if (jv_get_kind(c) == JV_KIND_OBJECT)
		c = jv_object_delete(c, jv_string("_text"));
	else if (jv_get_kind(m->media) == JV_KIND_OBJECT) {
		jv_free(c);
		c = JV_OBJECT(jv_string(m->type), jv_copy(m->media));
	}
	store_bind_jv(s, idx, c);
	jv_free(c);
}

static int
msg_insert(struct ingest *in, const struct msg_row *r, int64_t *id,
	   struct wa_err *err)
{
	const struct norm_msg *m = r->m;
	sqlite3_stmt *s = store_stmt(in->st, SQL_MSG_INSERT);
	int flagged = m->unsupported || r->qrule || !strcmp(m->type, "system");
	/* Only text that goes into the search index is worth deferring. */
	int defer = in->defer_text && m->text && !flagged;

	store_bind_text(s, 1, m->wamid);
	store_bind_text(s, 2, r->channel);
	store_bind_int_or_null(s, 3, r->thread_id, r->thread_id <= 0);
	store_bind_int(s, 4, r->contact_id);
	store_bind_text(s, 5, r->out ? "out" : "in");
	store_bind_text(s, 6, m->type);
	store_bind_text(s, 7, m->unsupported ? NULL : m->text);
	bind_content(s, 8, m);
	store_bind_text(s, 9, r->from);
	store_bind_text(s, 10, r->to);
	store_bind_text(s, 11, r->from_bsuid);
	store_bind_text(s, 12, r->to_bsuid);
	store_bind_int(s, 13, m->ts);
	store_bind_int(s, 14, in->now);
	store_bind_text(s, 15, m->context_wamid);
	store_bind_int(s, 16, m->forwarded);
	store_bind_jv(s, 17, m->referral);
	store_bind_text(s, 18, m->media_id);
	store_bind_text(s, 19, m->media_mime);
	store_bind_text(s, 20, m->media_sha256[0] ? m->media_sha256 : NULL);
	store_bind_text(s, 21, m->media_caption);
	store_bind_text(s, 22, m->media_filename);
	store_bind_text(s, 23, m->media_url);
	store_bind_text(s, 24, m->media_id && !r->qrule ? "pending" : NULL);
	store_bind_text(s, 25, m->unsupported);
	store_bind_int(s, 26, r->qrule != NULL);
	store_bind_text(s, 27, r->qrule);
	/* The delivery keeps everything; flagged messages keep their own
	 * raw object too (rule 9). */
	if (flagged)
		store_bind_jv(s, 28, r->raw);
	store_bind_int(s, 29, in->delivery_id);
	store_bind_int(s, 30, r->out ? 1 : 0);
	store_bind_int(s, 31, defer);
	if (store_step_done(in->st, s, err) < 0)
		return -1;
	*id = sqlite3_last_insert_rowid(store_db(in->st));
	if (defer)
		ingest_defer(in, *id);
	return 0;
}

/* user_changed_number / user_changed_user_id move the identity (rule 4);
 * other system messages just join the contact. */
static int
system_contact(struct ingest *in, const struct norm_msg *m,
	       struct desk_who *who, int64_t *contact_id, int *moved,
	       struct wa_err *err)
{
	struct desk_who nw = { 0 };
	const char *t = m->sys_type ? m->sys_type : "";

	*moved = 0;
	if (strcmp(t, "user_changed_number") && strcmp(t, "user_changed_user_id")
	    && strcmp(t, "customer_changed_number"))
		return desk_contact_resolve(in->st, who, in->now, contact_id,
					    err);
	nw.wa_id = all_digits(m->sys_wa_id) ? m->sys_wa_id : NULL;
	nw.bsuid = m->sys_bsuid;
	nw.parent_bsuid = m->sys_parent_bsuid;
	if (m->sys_prev_bsuid)
		who->bsuid = m->sys_prev_bsuid;
	if (!nw.wa_id && !nw.bsuid)
		return desk_contact_resolve(in->st, who, in->now, contact_id,
					    err);
	*moved = 1;
	return desk_contact_move(in->st, who, &nw, in->now, contact_id, err);
}

/* Contact, thread, session, row for one new message. */
static int
msg_record(struct ingest *in, const struct chan *c, struct msg_row *r,
	   struct desk_who *who, jv rec, struct wa_err *err)
{
	const struct norm_msg *m = r->m;
	struct desk_thread th = { 0 };
	int64_t id, last = -1;
	int system = strcmp(m->type, "system") == 0, moved = 0;

	if (system) {
		if (system_contact(in, m, who, &r->contact_id, &moved,
				   err) < 0 ||
		    desk_thread_find(in->st, c->id, r->contact_id, &th,
				     err) < 0)
			goto fail;
	} else if (desk_contact_resolve(in->st, who, in->now, &r->contact_id,
					err) < 0 ||
		   desk_thread_open(in->st, c->id, r->contact_id,
				    r->out ? "outbound" : "inbound", in->now,
				    &th, err) < 0)
		goto fail;
	r->thread_id = th.thread_id;
	if ((!r->out && !system &&
	     desk_session_record(in->st, c->id, r->contact_id, m->ts, &last,
				 err) < 0) ||
	    msg_insert(in, r, &id, err) < 0 ||
	    (!system && th.thread_id > 0 &&
	     desk_thread_touch(in->st, th.thread_id, id, m->ts, !r->out,
			       err) < 0) ||
	    (r->out && desk_apply_pending_statuses(in->st, m->wamid, err) < 0))
		goto fail;
	{
		struct ingest_msg_ev k = {
			.channel = r->channel,
			.wa_id = moved ? m->sys_wa_id : who->wa_id,
			.user_id = r->out ? r->to_bsuid : r->from_bsuid,
			.to = r->to,
			.contact_id = r->contact_id,
			.thread_id = th.thread_id,
			.ticket_id = th.ticket_id,
			.message_id = id,
			.expires = window_expires_at(last),
			.out = r->out,
			.new_ticket = th.created,
			.identity_moved = moved,
			.qrule = r->qrule,
		};

		ingest_msg_event(in, rec, &k);
	}
	return 0;
fail:
	jv_free(rec);
	return -1;
}

const char *
ingest_msg_who(const struct norm_msg *m, int echo, const char *display,
	       jv contacts, struct desk_who *who)
{
	/* The user is the party that is not the business number. */
	const char *user = echo ? (m->to && (!display ||
				   strcmp(m->to, display)) ? m->to : m->from) :
		m->from;

	memset(who, 0, sizeof(*who));
	who->wa_id = user;
	who->bsuid = echo ? m->to_bsuid : m->from_bsuid;
	who->parent_bsuid = echo ? NULL : m->from_parent_bsuid;
	who_from_contacts(contacts, who);
	return user;
}

static int
one_message(struct ingest *in, const struct chan *c, jv msg, int echo,
	    struct wa_err *err)
{
	struct ingest_prep_msg *pm = ingest_prep_take(in->prep, msg, echo);
	struct norm_msg m;
	struct desk_who who = { 0 };
	struct msg_row r = { 0 };
	const char *user;
	jv rec = jv_invalid();
	int rc;

	if (pm) {	/* m borrowed from the prep, rec taken */
		m = pm->m;
		rec = pm->rec;
		pm->rec = jv_invalid();
		r.qrule = pm->qrule;
	} else
		norm_message(msg, &m);
	if (pm) {
		who = pm->who;
		user = pm->user;
	} else
		user = ingest_msg_who(&m, echo, c->display, c->contacts, &who);
	if (chan_skip(in, c, m.wamid, who.wa_id, m.ts,
		      echo ? "echo" : "message")) {
		jv_free(rec);
		if (!pm)
			norm_release(&m);
		return 0;
	}
	if (m.error[0] || !m.type || (!who.wa_id && !who.bsuid)) {
		ingest_problem(in, JV_OBJECT(jv_string("wamid"),
			       str_or_null(m.wamid), jv_string("channel"),
			       jv_string(c->id)), "%s", m.error[0] ? m.error :
			       !m.type ? "message without a type" :
			       "message without a sender number or user id");
		jv_free(rec);
		if (!pm)
			norm_release(&m);
		return 0;
	}
	if ((rc = msg_exists(in, c->id, m.wamid, err)) != 0) {
		if (rc > 0)
			skipped(in, "duplicate", c, m.wamid, who.wa_id, m.ts,
				echo ? "echo" : "message");
		jv_free(rec);
		if (!pm)
			norm_release(&m);
		return rc < 0 ? -1 : 0;
	}
	r.m = &m;
	r.channel = c->id;
	r.out = echo;
	r.raw = msg;
	user = who.wa_id ? who.wa_id : user;	/* digits when known */
	r.from = echo ? c->display : user;
	r.to = echo ? user : c->display;
	r.from_bsuid = echo ? NULL : who.bsuid;
	r.to_bsuid = echo ? who.bsuid : NULL;
	if (!pm) {
		rec = norm_record(&m, echo ? "echo" : "message");
		if (!m.unsupported && strcmp(m.type, "system"))
			r.qrule = quarantine_match(ingest_match_rules(in),
						   rec);
	}
	rc = msg_record(in, c, &r, &who, rec, err);
	if (!pm)
		norm_release(&m);
	return rc;
}

/* ---- statuses (rule 7) ---------------------------------------------- */
/* Their events share nothing with the delivery: the values taken from it
 * are jx_fresh() copies. */

static const char SQL_STATUS_INSERT[] =
	"INSERT INTO statuses (wamid, channel_id, status, timestamp,"
	" recipient, recipient_bsuid, errors, pricing, conversation, applied,"
	" delivery_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 0, ?10)"
	" ON CONFLICT (wamid, status) DO NOTHING";
static const char SQL_STATUS_MSG[] =
	"SELECT m.id, m.thread_id, k.id, c.wa_id FROM messages m"
	" LEFT JOIN tickets k ON k.thread_id = m.thread_id"
	" LEFT JOIN contacts c ON c.id = m.contact_id"
	" WHERE m.channel_id = ?1 AND m.wamid = ?2 AND m.direction = 'out'";
static const char SQL_STATUS_DONE[] =
	"UPDATE statuses SET applied = 1 WHERE wamid = ?1 AND status = ?2";

struct status_in {
	const char *wamid, *status, *recipient, *recipient_bsuid;
	int64_t ts;
	jv errors, pricing, conversation;	/* borrowed from obj */
};

/* 1 stored, 0 duplicate, -1 error. */
static int
status_store(struct ingest *in, const struct chan *c,
	     const struct status_in *si, struct wa_err *err)
{
	sqlite3_stmt *s = store_stmt(in->st, SQL_STATUS_INSERT);

	store_bind_text(s, 1, si->wamid);
	store_bind_text(s, 2, c->id);
	store_bind_text(s, 3, si->status);
	store_bind_int(s, 4, si->ts);
	store_bind_text(s, 5, si->recipient);
	store_bind_text(s, 6, si->recipient_bsuid);
	store_bind_jv(s, 7, si->errors);
	store_bind_jv(s, 8, si->pricing);
	store_bind_jv(s, 9, si->conversation);
	store_bind_int(s, 10, in->delivery_id);
	if (store_step_done(in->st, s, err) < 0)
		return -1;
	return sqlite3_changes(store_db(in->st)) > 0;
}

/* Applies to a known message; fills the event's keys. */
static int
status_apply(struct ingest *in, const struct chan *c,
	     const struct status_in *si, jv *ev, struct wa_err *err)
{
	sqlite3_stmt *s = store_stmt(in->st, SQL_STATUS_MSG);
	struct desk_status ds = { 0 };
	int64_t mid = 0, thread = 0, ticket = 0;
	char wa_id[32] = "", current[24] = "";
	jv errs;
	int rc;

	store_bind_text(s, 1, c->id);
	store_bind_text(s, 2, si->wamid);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		mid = sqlite3_column_int64(s, 0);
		thread = sqlite3_column_int64(s, 1);
		ticket = sqlite3_column_int64(s, 2);
		if (sqlite3_column_text(s, 3))
			snprintf(wa_id, sizeof(wa_id), "%s",
				 sqlite3_column_text(s, 3));
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(in->st, err, "find message");
	*ev = jv_object_set(*ev, jv_string("applied"), jv_bool(mid > 0));
	if (!mid)
		return 0;
	ds.status = si->status;
	ds.timestamp = si->ts;
	ds.billable = -1;
	errs = jv_get_kind(si->errors) == JV_KIND_ARRAY ?
		jv_dump_string(jv_copy(si->errors), 0) : jv_invalid();
	ds.error_json = jv_is_valid(errs) ? jv_string_value(errs) : NULL;
	if (jv_get_kind(si->pricing) == JV_KIND_OBJECT)
		desk_status_pricing(&ds, si->pricing);
	rc = desk_message_status(in->st, mid, &ds, current, sizeof(current),
				 err);
	jv_free(errs);
	if (rc < 0)
		return -1;
	s = store_stmt(in->st, SQL_STATUS_DONE);
	store_bind_text(s, 1, si->wamid);
	store_bind_text(s, 2, si->status);
	if (store_step_done(in->st, s, err) < 0)
		return -1;
	*ev = jv_object_set(*ev, jv_string("current"), jv_string(current));
	*ev = jv_object_set(*ev, jv_string("thread_id"), id_jv(thread));
	*ev = jv_object_set(*ev, jv_string("ticket_id"), id_jv(ticket));
	if (wa_id[0])
		*ev = jv_object_set(*ev, jv_string("wa_id"),
				    jv_string(wa_id));
	return 0;
}

static jv
status_event(const struct chan *c, const struct status_in *si, jv obj)
{
	jv ev = JV_OBJECT(jv_string("event"), jv_string("status"),
			  jv_string("wamid"), jv_string(si->wamid),
			  jv_string("status"), jv_string(si->status),
			  jv_string("channel"), jv_string(c->id),
			  jv_string("thread_id"), jv_null(),
			  jv_string("ticket_id"), jv_null(),
			  jv_string("wa_id"), str_or_null(si->recipient),
			  jv_string("timestamp"), time_jv(si->ts));
	jv e0, opaque = jx_get(obj, "biz_opaque_callback_data");

	if (si->recipient_bsuid)
		ev = jv_object_set(ev, jv_string("user_id"),
				   jv_string(si->recipient_bsuid));
	if (jv_get_kind(si->pricing) == JV_KIND_OBJECT)
		ev = jv_object_set(ev, jv_string("pricing"),
				   jx_fresh(jv_copy(si->pricing)));
	if (jv_get_kind(si->errors) == JV_KIND_ARRAY &&
	    jv_array_length(jv_copy(si->errors)) > 0) {
		e0 = jv_array_get(jv_copy(si->errors), 0);
		ev = jv_object_set(ev, jv_string("error"), JV_OBJECT(
			jv_string("code"), jv_string("graph_error"),
			jv_string("message"), jx_fresh(jx_get(e0, "title")),
			jv_string("graph_code"), jx_fresh(jx_get(e0, "code"))));
		ev = jv_object_set(ev, jv_string("errors"),
				   jx_fresh(jv_copy(si->errors)));
		jv_free(e0);
	}
	if (jv_get_kind(opaque) == JV_KIND_STRING)
		ev = jv_object_set(ev, jv_string("biz_opaque_callback_data"),
				   jx_fresh(opaque));
	else
		jv_free(opaque);
	return ev;
}

static int
one_status(struct ingest *in, const struct chan *c, jv obj,
	   struct wa_err *err)
{
	struct status_in si = { 0 };
	jv ev;
	int rc;

	si.wamid = jx_cstr(obj, "id");
	si.status = jx_cstr(obj, "status");
	si.recipient = jx_cstr(obj, "recipient_id");
	si.recipient_bsuid = jx_cstr(obj, "recipient_user_id");
	if (!si.recipient_bsuid)
		si.recipient_bsuid = jx_cstr(obj,
					     "recipient_participant_user_id");
	if (jx_intish(obj, "timestamp", &si.ts) != 1)
		si.ts = -1;
	if (chan_skip(in, c, si.wamid, si.recipient, si.ts, "status"))
		return 0;
	if (!si.wamid || !si.status || si.ts < 0) {
		ingest_problem(in, JV_OBJECT(jv_string("wamid"),
			       str_or_null(si.wamid), jv_string("channel"),
			       jv_string(c->id)), "status without %s",
			       !si.wamid ? "an id" : !si.status ? "a status" :
			       "a valid timestamp");
		return 0;
	}
	si.errors = jx_get(obj, "errors");
	si.pricing = jx_get(obj, "pricing");
	si.conversation = jx_get(obj, "conversation");
	rc = status_store(in, c, &si, err);
	if (rc == 0)
		skipped(in, "duplicate", c, si.wamid, si.recipient, si.ts,
			"status");
	else if (rc > 0) {
		ev = status_event(c, &si, obj);
		if (status_apply(in, c, &si, &ev, err) < 0)
			rc = -1;
		ingest_event_fresh(in, ev);
	}
	jv_free(si.errors);
	jv_free(si.pricing);
	jv_free(si.conversation);
	return rc < 0 ? -1 : 0;
}

/* ---- value.errors[] ------------------------------------------------- */

static int
value_errors(struct ingest *in, const struct chan *c, jv errors,
	     struct wa_err *err)
{
	char key[80];
	int rc = 0;

	jv_array_foreach(errors, i, e) {
		jv code = jx_get(e, "code"), title = jx_get(e, "title");
		jv details = jx_path(e, "error_data", "details", NULL);

		snprintf(key, sizeof(key), "errors:%lld:%d",
			 (long long)in->delivery_id, i);
		if (rc == 0 && ingest_store_event(in, "errors", NULL, NULL,
						  c->id, -1, e, key, err) < 0)
			rc = -1;
		ingest_event(in, JV_OBJECT(jv_string("event"),
			jv_string("error"), jv_string("code"),
			jv_string("graph_error"), jv_string("graph_code"),
			jv_is_valid(code) ? code : jv_null(),
			jv_string("message"),
			jv_get_kind(title) == JV_KIND_STRING ? title :
			jv_string("error reported by Meta"),
			jv_string("details"), jv_is_valid(details) ?
			details : jv_null(), jv_string("channel"),
			str_or_null(c->id)));
		jv_free(e);
		if (jv_get_kind(title) != JV_KIND_STRING)
			jv_free(title);
		if (!jv_is_valid(code))
			jv_free(code);
		if (!jv_is_valid(details))
			jv_free(details);
	}
	return rc;
}

/* ---- the value ------------------------------------------------------ */

int
ingest_messages_value(struct ingest *in, jv value, int echo,
		      struct wa_err *err)
{
	jv meta = jx_get(value, "metadata");
	jv list = jx_get(value, echo ? "message_echoes" : "messages");
	jv statuses = jx_get(value, "statuses");
	jv errors = jx_get(value, "errors");
	struct chan c = { 0 };
	int rc;

	c.id = jx_cstr(meta, "phone_number_id");
	c.display = jx_cstr(meta, "display_phone_number");
	c.contacts = jx_get(value, "contacts");
	rc = chan_load(in, &c, err);
	if (in->only_channel && (!c.id || strcmp(c.id, in->only_channel)))
		goto out;
	if (rc == 0 && jv_get_kind(list) == JV_KIND_ARRAY)
		jv_array_foreach(list, i, msg) {
			(void)i;
			if (rc == 0)
				rc = one_message(in, &c, msg, echo, err);
			jv_free(msg);
		}
	if (rc == 0 && jv_get_kind(statuses) == JV_KIND_ARRAY)
		jv_array_foreach(statuses, i, st) {
			(void)i;
			if (rc == 0)
				rc = one_status(in, &c, st, err);
			jv_free(st);
		}
	if (rc == 0 && jv_get_kind(errors) == JV_KIND_ARRAY)
		rc = value_errors(in, &c, errors, err);
out:
	jv_free(c.contacts);
	jv_free(meta);
	jv_free(list);
	jv_free(statuses);
	jv_free(errors);
	return rc;
}
