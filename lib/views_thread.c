/* SPDX-License-Identifier: MIT */
/* The help desk's conversations: show a thread, search messages, assign/close/reopen tickets. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "views.h"
#include "desk.h"
#include "jsonl.h"
#include "util.h"
#include "window.h"

static const char *
col_text(sqlite3_stmt *s, int col)
{
	return (const char *)sqlite3_column_text(s, col);
}

/* ---- show ----------------------------------------------------------- */

static const char SQL_THREAD_HEAD[] =
	"SELECT t.id, k.id, k.status, k.owner, t.contact_id,"
	" coalesce(c.name, c.profile_name), c.wa_id, c.bsuid, t.channel_id,"
	" t.created_at, t.last_message_at, t.unread, t.message_count,"
	" s.last_inbound_at, t.source, t.origin, k.closed_at,"
	" coalesce(c.group_id, t.reply_to, c.wa_id, c.bsuid), c.username"
	" FROM threads t JOIN tickets k ON k.thread_id = t.id"
	" JOIN contacts c ON c.id = t.contact_id"
	" LEFT JOIN sessions s ON s.channel_id = t.channel_id"
	"  AND s.identity = t.reply_to"
	" WHERE (?1 IS NULL OR t.id = ?1) AND (?2 IS NULL OR k.id = ?2)";
static const char SQL_THREAD_MESSAGES[] =
	"SELECT id, wamid, direction, type, text, media_caption, unsupported,"
	" quarantined, from_addr, to_addr, from_bsuid, to_bsuid, timestamp,"
	" status, sent_at, delivered_at, read_at, played_at, failed_at, error,"
	" media_id, media_mime, media_filename, media_size, media_path,"
	" media_sha256, media_state, template_name, agent, channel_id,"
	" context_wamid"
	" FROM messages WHERE thread_id = ?1 ORDER BY timestamp, id";
static const char SQL_THREAD_READ[] =
	"UPDATE threads SET unread = 0 WHERE id = ?1 AND unread <> 0";

static jv
show_head(sqlite3_stmt *s, int64_t now)
{
	int64_t li = sqlite3_column_type(s, 13) == SQLITE_NULL ? -1 :
		sqlite3_column_int64(s, 13);

	return jv_object_merge(views_obj("record", jv_string("thread"), NULL),
		jv_object_merge(views_thread_json(s, 17, li, now), views_obj(
		"created_at", store_col_time(s, 9),
		"last_message_at", store_col_time(s, 10),
		"unread", store_col_int(s, 11),
		"messages", store_col_int(s, 12),
		"source", store_col_str(s, 14),
		"origin", store_col_str(s, 15),
		"closed_at", store_col_time(s, 16), NULL)));
}

/* Media as recorded, or null; hidden content shows none of it. */
static jv
show_media(sqlite3_stmt *s, int hidden)
{
	if (hidden || (sqlite3_column_type(s, 20) == SQLITE_NULL &&
		       sqlite3_column_type(s, 24) == SQLITE_NULL))
		return jv_null();
	return JV_OBJECT(jv_string("id"), store_col_str(s, 20),
			 jv_string("mime"), store_col_str(s, 21),
			 jv_string("filename"), store_col_str(s, 22),
			 jv_string("size"), store_col_int(s, 23),
			 jv_string("path"), store_col_str(s, 24),
			 jv_string("sha256"), store_col_str(s, 25),
			 jv_string("state"), store_col_str(s, 26));
}

static jv
show_message(sqlite3_stmt *s, jv head)
{
	int hidden = sqlite3_column_type(s, 6) != SQLITE_NULL ||
		sqlite3_column_int(s, 7);
	jv m = views_obj("record", jv_string("message"),
		"thread_id", jx_get(head, "thread_id"),
		"ticket_id", jx_get(head, "ticket_id"),
		"message_id", store_col_str(s, 0),
		"wamid", store_col_str(s, 1),
		"channel", store_col_str(s, 29),
		"wa_id", jx_get(head, "wa_id"),
		"direction", store_col_str(s, 2),
		"from", store_col_str(s, 8),
		"to", store_col_str(s, 9),
		"from_bsuid", store_col_str(s, 10),
		"to_bsuid", store_col_str(s, 11),
		"time", store_col_time(s, 12),
		"type", store_col_str(s, 3), NULL);

	m = jv_object_set(m, jv_string("text"), views_message_text(
		col_text(s, 3), col_text(s, 4), col_text(s, 5),
		col_text(s, 6), sqlite3_column_int(s, 7)));
	m = jv_object_set(m, jv_string("unsupported"), store_col_str(s, 6));
	m = jv_object_set(m, jv_string("quarantined"),
			  jv_bool(sqlite3_column_int(s, 7)));
	m = jv_object_set(m, jv_string("status"), store_col_str(s, 13));
	m = jv_object_set(m, jv_string("sent_at"), store_col_time(s, 14));
	m = jv_object_set(m, jv_string("delivered_at"), store_col_time(s, 15));
	m = jv_object_set(m, jv_string("read_at"), store_col_time(s, 16));
	m = jv_object_set(m, jv_string("played_at"), store_col_time(s, 17));
	m = jv_object_set(m, jv_string("failed_at"), store_col_time(s, 18));
	m = jv_object_set(m, jv_string("error"), store_col_json(s, 19));
	m = jv_object_set(m, jv_string("media"), show_media(s, hidden));
	m = jv_object_set(m, jv_string("template"), store_col_str(s, 27));
	m = jv_object_set(m, jv_string("agent"), store_col_str(s, 28));
	return jv_object_set(m, jv_string("reply_to"), store_col_str(s, 30));
}

/* Opening a conversation reads it: unread goes to 0 (committed first). */
static int
show_mark_read(struct store *st, int64_t thread_id, struct wa_err *err)
{
	sqlite3_stmt *s;

	if (store_begin(st, err) < 0)
		return -1;
	s = store_stmt(st, SQL_THREAD_READ);
	store_bind_int(s, 1, thread_id);
	if (store_step_done(st, s, err) < 0) {
		store_rollback(st);
		return -1;
	}
	return store_commit(st, err);
}

int
views_show(struct store *st, int64_t thread_id, int64_t ticket_id,
	   int64_t now, void (*fn)(jv rec, void *ctx), void *ctx,
	   struct wa_err *err)
{
	sqlite3_stmt *s = store_stmt(st, SQL_THREAD_HEAD);
	jv head = jv_invalid();
	int rc;

	store_bind_int_or_null(s, 1, thread_id, thread_id <= 0);
	store_bind_int_or_null(s, 2, ticket_id, ticket_id <= 0);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		head = show_head(s, now);
		thread_id = sqlite3_column_int64(s, 0);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(st, err, "read thread");
	if (rc == SQLITE_DONE && ticket_id > 0)
		return wa_err_set(err, WA_EX_REJECTED, "unknown_thread",
				  "no ticket %lld%s", (long long)ticket_id,
				  thread_id > 0 ? " in that thread" : "");
	if (rc == SQLITE_DONE)
		return wa_err_set(err, WA_EX_REJECTED, "unknown_thread",
				  "no thread %lld", (long long)thread_id);
	if (show_mark_read(st, thread_id, err) < 0) {
		jv_free(head);
		return -1;
	}
	fn(jv_copy(head), ctx);
	s = store_stmt(st, SQL_THREAD_MESSAGES);
	store_bind_int(s, 1, thread_id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		fn(show_message(s, head), ctx);
	sqlite3_reset(s);
	jv_free(head);
	return rc == SQLITE_DONE ? 0 : store_fail(st, err, "read messages");
}

/* ---- search --------------------------------------------------------- */

static const char SQL_SEARCH[] =
	"SELECT m.thread_id, k.id, m.id, m.wamid, m.channel_id, c.wa_id,"
	" coalesce(c.name, c.profile_name), m.direction, m.type, m.timestamp,"
	" snippet(messages_fts, 0, '[', ']', '...', 12), k.status, k.owner"
	" FROM messages_fts JOIN messages m ON m.id = messages_fts.rowid"
	" LEFT JOIN threads t ON t.id = m.thread_id"
	" LEFT JOIN tickets k ON k.thread_id = m.thread_id"
	" LEFT JOIN contacts c ON c.id = t.contact_id"
	" WHERE messages_fts MATCH ?1"
	" ORDER BY m.timestamp DESC, m.id DESC LIMIT ?2";

int
views_search(struct store *st, const char *text, long limit,
	     void (*fn)(jv rec, void *ctx), void *ctx, struct wa_err *err)
{
	char *q = views_fts_query(text ? text : "");
	sqlite3_stmt *s;
	int rc;

	if (!q)
		return wa_err_set(err, WA_EX_USAGE, "invalid_input",
				  "search: no words to look for");
	s = store_stmt(st, SQL_SEARCH);
	store_bind_text(s, 1, q);
	store_bind_int(s, 2, limit > 0 ? limit : -1);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		fn(views_obj("thread_id", store_col_str(s, 0),
			"ticket_id", store_col_str(s, 1),
			"message_id", store_col_str(s, 2),
			"wamid", store_col_str(s, 3),
			"channel", store_col_str(s, 4),
			"wa_id", store_col_str(s, 5),
			"contact", store_col_str(s, 6),
			"direction", store_col_str(s, 7),
			"type", store_col_str(s, 8),
			"time", store_col_time(s, 9),
			"snippet", store_col_str(s, 10),
			"status", store_col_str(s, 11),
			"owner", store_col_str(s, 12), NULL), ctx);
	sqlite3_reset(s);
	free(q);
	return rc == SQLITE_DONE ? 0 : store_fail(st, err, "search");
}

/* ---- tickets -------------------------------------------------------- */

static const char SQL_TICKET_GET[] =
	"SELECT k.id, k.thread_id, k.status, k.owner, t.channel_id,"
	" t.contact_id, c.wa_id, k.created_at, k.updated_at, k.closed_at"
	" FROM tickets k JOIN threads t ON t.id = k.thread_id"
	" LEFT JOIN contacts c ON c.id = t.contact_id WHERE k.id = ?1";
static const char SQL_TICKET_OTHER_OPEN[] =
	"SELECT k.id FROM threads t JOIN tickets k ON k.thread_id = t.id"
	" WHERE t.channel_id = ?1 AND t.contact_id = ?2 AND t.id <> ?3"
	" AND k.status = 'open' LIMIT 1";
static const char SQL_TICKET_ASSIGN[] =
	"UPDATE tickets SET owner = ?2, updated_at = ?3 WHERE id = ?1";
static const char SQL_TICKET_CLOSE[] =
	"UPDATE tickets SET status = 'closed', closed_at = ?2,"
	" updated_at = ?2 WHERE id = ?1";
static const char SQL_TICKET_REOPEN[] =
	"UPDATE tickets SET status = 'open', closed_at = NULL,"
	" updated_at = ?2 WHERE id = ?1";
static const char SQL_TICKET_EVENTS[] =
	"SELECT e.id, e.action, e.actor, e.from_value, e.to_value, e.at,"
	" k.thread_id FROM tickets k"
	" LEFT JOIN ticket_events e ON e.ticket_id = k.id"
	" WHERE k.id = ?1 ORDER BY e.id";

struct ticket {
	int64_t id, thread_id, contact_id;
	char status[8];
	char *owner, *channel;
	jv rec;
};

static int
ticket_get(struct store *st, int64_t id, struct ticket *t,
	   struct wa_err *err)
{
	sqlite3_stmt *s = store_stmt(st, SQL_TICKET_GET);
	int rc;

	memset(t, 0, sizeof(*t));
	t->rec = jv_invalid();
	store_bind_int(s, 1, id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		t->id = id;
		t->thread_id = sqlite3_column_int64(s, 1);
		snprintf(t->status, sizeof(t->status), "%s", col_text(s, 2));
		t->owner = col_text(s, 3) ? xstrdup(col_text(s, 3)) : NULL;
		t->channel = xstrdup(col_text(s, 4));
		t->contact_id = sqlite3_column_int64(s, 5);
		t->rec = views_obj("ticket_id", store_col_str(s, 0),
			"thread_id", store_col_str(s, 1),
			"status", store_col_str(s, 2),
			"owner", store_col_str(s, 3),
			"channel", store_col_str(s, 4),
			"contact_id", store_col_str(s, 5),
			"wa_id", store_col_str(s, 6),
			"created_at", store_col_time(s, 7),
			"updated_at", store_col_time(s, 8),
			"closed_at", store_col_time(s, 9), NULL);
	}
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc == SQLITE_DONE)
		return wa_err_set(err, WA_EX_REJECTED, "unknown_thread",
				  "no ticket %lld", (long long)id);
	return store_fail(st, err, "read ticket");
}

static void
ticket_release(struct ticket *t)
{
	free(t->owner);
	free(t->channel);
	jv_free(t->rec);
	t->rec = jv_invalid();
	t->owner = t->channel = NULL;
}

/* Rule 3 keeps one open thread per contact and channel. */
static int
ticket_may_reopen(struct store *st, const struct ticket *t,
		  struct wa_err *err)
{
	sqlite3_stmt *s = store_stmt(st, SQL_TICKET_OTHER_OPEN);
	int64_t other = 0;

	store_bind_text(s, 1, t->channel);
	store_bind_int(s, 2, t->contact_id);
	store_bind_int(s, 3, t->thread_id);
	if (store_step_int(st, s, &other, "read tickets", err) < 0)
		return -1;
	if (other)
		return wa_err_set(err, WA_EX_REJECTED, "duplicate",
				  "ticket %lld is open for this contact on "
				  "this channel; close it first",
				  (long long)other);
	return 0;
}

static const char *const action_names[] = { "assign", "close", "reopen" };

/* Applies a to t; 1 changed, 0 already so, -1 error. */
static int
ticket_apply(struct store *st, struct ticket *t, enum views_action a,
	     const char *owner, const char *actor, int64_t now,
	     struct wa_err *err)
{
	const char *from = t->status, *to;
	sqlite3_stmt *s;

	if (a == VIEWS_ASSIGN) {
		if (t->owner && strcmp(t->owner, owner) == 0)
			return 0;
		s = store_stmt(st, SQL_TICKET_ASSIGN);
		store_bind_text(s, 2, owner);
		store_bind_int(s, 3, now);
		from = t->owner;
		to = owner;
	} else if (a == VIEWS_CLOSE) {
		if (strcmp(t->status, "closed") == 0)
			return 0;
		s = store_stmt(st, SQL_TICKET_CLOSE);
		store_bind_int(s, 2, now);
		to = "closed";
	} else {
		if (strcmp(t->status, "open") == 0)
			return 0;
		if (ticket_may_reopen(st, t, err) < 0)
			return -1;
		s = store_stmt(st, SQL_TICKET_REOPEN);
		store_bind_int(s, 2, now);
		to = "open";
	}
	store_bind_int(s, 1, t->id);
	if (store_step_done(st, s, err) < 0 ||
	    desk_ticket_event(st, t->id, action_names[a], actor, from, to,
			      now, err) < 0)
		return -1;
	return 1;
}

int
views_ticket_change(struct store *st, int64_t ticket_id,
		    enum views_action a, const char *owner,
		    const char *actor, int64_t now, jv *out,
		    struct wa_err *err)
{
	struct ticket t;
	int changed;

	if (a == VIEWS_ASSIGN && (!owner || !*owner))
		return wa_err_set(err, WA_EX_USAGE, "invalid_input",
				  "assign needs an owner");
	if (store_begin(st, err) < 0)
		return -1;
	if (ticket_get(st, ticket_id, &t, err) < 0)
		goto fail;
	changed = ticket_apply(st, &t, a, owner, actor, now, err);
	ticket_release(&t);
	if (changed < 0 || ticket_get(st, ticket_id, &t, err) < 0)
		goto fail;
	if (store_commit(st, err) < 0) {
		ticket_release(&t);
		return -1;
	}
	*out = jv_object_set(jv_copy(t.rec), jv_string("action"),
			     jv_string(action_names[a]));
	*out = jv_object_set(*out, jv_string("changed"), jv_bool(changed));
	*out = jv_object_set(*out, jv_string("actor"),
			     actor ? jv_string(actor) : jv_null());
	ticket_release(&t);
	return 0;
fail:
	ticket_release(&t);
	store_rollback(st);
	return -1;
}

int
views_ticket_history(struct store *st, int64_t ticket_id,
		     void (*fn)(jv rec, void *ctx), void *ctx,
		     struct wa_err *err)
{
	sqlite3_stmt *s = store_stmt(st, SQL_TICKET_EVENTS);
	int rc, n = 0;

	store_bind_int(s, 1, ticket_id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		n++;
		if (sqlite3_column_type(s, 0) == SQLITE_NULL)
			continue;
		fn(JV_OBJECT(jv_string("ticket_id"),
			     jv_string_fmt("%lld", (long long)ticket_id),
			     jv_string("thread_id"), store_col_str(s, 6),
			     jv_string("event_id"), store_col_str(s, 0),
			     jv_string("action"), store_col_str(s, 1),
			     jv_string("actor"), store_col_str(s, 2),
			     jv_string("from"), store_col_str(s, 3),
			     jv_string("to"), store_col_str(s, 4),
			     jv_string("at"), store_col_time(s, 5)), ctx);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return store_fail(st, err, "read ticket events");
	if (n == 0)
		return wa_err_set(err, WA_EX_REJECTED, "unknown_thread",
				  "no ticket %lld", (long long)ticket_id);
	return 0;
}
