/* SPDX-License-Identifier: MIT */
/* The help desk's records: contacts, threads, tickets, sessions, statuses (rules 3-7). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "desk.h"
#include "desk_cache.h"
#include "identity.h"
#include "jsonl.h"
#include "util.h"
#include "window.h"

/*
 * The per-message lookups (contact, open thread, session) go through
 * the connection's desk cache (lib/desk_cache.h) inside a write
 * transaction. The rows this file writes on the hot path are written
 * through: own_stmt/own_done mute the store's invalidation and the
 * caller then updates the entry. Every other write to contacts,
 * threads, tickets or sessions, here or elsewhere, drops entries in
 * lib/store.c.
 */
static sqlite3_stmt *
own_stmt(struct store *st, const char *sql)
{
	store_cache_mute(st, 1);
	return store_stmt(st, sql);
}

static int
own_done(struct store *st, sqlite3_stmt *s, struct wa_err *err)
{
	int rc = store_step_done(st, s, err);

	store_cache_mute(st, 0);
	return rc;
}

/* ---- contacts (rule 4) ---------------------------------------------- */

static const char SQL_CONTACT_INSERT[] =
	"INSERT INTO contacts (name, profile_name, username, phone, wa_id,"
	" bsuid, parent_bsuid, created_at, updated_at)"
	" VALUES (?1, ?1, ?2, ?3, ?3, ?4, ?5, ?6, ?6)";
/* Fills in what was missing or changed; NULL arguments keep the column. */
static const char SQL_CONTACT_UPDATE[] =
	"UPDATE contacts SET wa_id = coalesce(?2, wa_id),"
	" bsuid = coalesce(?3, bsuid),"
	" parent_bsuid = coalesce(?4, parent_bsuid),"
	" profile_name = coalesce(?5, profile_name),"
	" username = coalesce(?6, username),"
	" name = coalesce(name, ?5),"
	" phone = coalesce(phone, ?2),"
	" updated_at = ?7 WHERE id = ?1";
static const char SQL_CONTACT_CLEAR_BSUID[] =
	"UPDATE contacts SET bsuid = NULL, parent_bsuid = NULL,"
	" updated_at = ?2 WHERE bsuid = ?1";
static const char SQL_CONTACT_MOVE_NUMBER[] =
	"UPDATE contacts SET wa_id = ?2,"
	" phone = CASE WHEN phone IS NULL OR phone = ?3 THEN ?2 ELSE phone END,"
	" updated_at = ?4 WHERE id = ?1";

static int
differs(const char *have, const char *want)
{
	return want && *want && (!have || strcmp(have, want) != 0);
}

static const char *
nonempty(const char *s)
{
	return s && *s ? s : NULL;
}

/* Updates c with what who adds; writes only when something changed
 * (the common case of a known sender costs one SELECT, or none when
 * cached). 0 unchanged, 1 updated, -1 error. */
static int
contact_refresh(struct store *st, const struct identity_row *c,
		const struct desk_who *who, int64_t now, struct wa_err *err)
{
	sqlite3_stmt *s;
	const char *wa_id = NULL, *bsuid = NULL;

	if (!c->wa_id && nonempty(who->wa_id))
		wa_id = who->wa_id;
	if (!c->bsuid && nonempty(who->bsuid))
		bsuid = who->bsuid;
	if (!wa_id && !bsuid && !differs(c->parent_bsuid, who->parent_bsuid) &&
	    !differs(c->profile_name, who->profile_name) &&
	    !differs(c->username, who->username))
		return 0;
	s = store_stmt(st, SQL_CONTACT_UPDATE);
	store_bind_int(s, 1, c->id);
	store_bind_text(s, 2, wa_id);
	store_bind_text(s, 3, bsuid);
	store_bind_text(s, 4, nonempty(who->parent_bsuid));
	store_bind_text(s, 5, nonempty(who->profile_name));
	store_bind_text(s, 6, nonempty(who->username));
	store_bind_int(s, 7, now);
	return store_step_done(st, s, err) < 0 ? -1 : 1;
}

static int
contact_create(struct store *st, const struct desk_who *who, int64_t now,
	       int64_t *contact_id, struct wa_err *err)
{
	sqlite3_stmt *s = own_stmt(st, SQL_CONTACT_INSERT);

	store_bind_text(s, 1, nonempty(who->profile_name));
	store_bind_text(s, 2, nonempty(who->username));
	store_bind_text(s, 3, nonempty(who->wa_id));
	store_bind_text(s, 4, nonempty(who->bsuid));
	store_bind_text(s, 5, nonempty(who->parent_bsuid));
	store_bind_int(s, 6, now);
	if (own_done(st, s, err) < 0)
		return -1;
	*contact_id = sqlite3_last_insert_rowid(store_db(st));
	desk_cache_contact_created(store_cache(st), who, *contact_id);
	return 0;
}

int
desk_contact_resolve(struct store *st, const struct desk_who *who,
		     int64_t now, int64_t *contact_id, struct wa_err *err)
{
	struct desk_cache *dc = store_cache(st);
	struct identity_row c;
	int rc = 0;

	if (!nonempty(who->bsuid) && !nonempty(who->wa_id))
		return wa_err_set(err, WA_EX_REJECTED, "invalid_input",
				  "sender has neither a number nor a user id");
	if (desk_cache_contact_get(dc, who, contact_id))
		return 0;
	rc = identity_find(st, who->bsuid, who->wa_id, &c, err);
	if (rc < 0)
		return -1;
	if (rc == 0)
		return contact_create(st, who, now, contact_id, err);
	*contact_id = c.id;
	rc = contact_refresh(st, &c, who, now, err);
	identity_row_release(&c);
	if (rc == 0)	/* an update dropped the contacts already */
		desk_cache_contact_put(dc, who, *contact_id);
	return rc < 0 ? -1 : 0;
}

int
desk_contact_move(struct store *st, const struct desk_who *old_who,
		  const struct desk_who *new_who, int64_t now,
		  int64_t *contact_id, struct wa_err *err)
{
	struct identity_row c;
	sqlite3_stmt *s;
	int rc = 0;

	if (nonempty(old_who->bsuid) &&
	    (rc = identity_find(st, old_who->bsuid, NULL, &c, err)) < 0)
		return -1;
	if (rc == 0 && nonempty(old_who->wa_id) &&
	    (rc = identity_find(st, NULL, old_who->wa_id, &c, err)) < 0)
		return -1;
	if (rc == 0)	/* never saw the old identity: the new one */
		return desk_contact_resolve(st, new_who, now, contact_id,
					    err);
	*contact_id = c.id;
	if (differs(c.wa_id, new_who->wa_id)) {
		s = store_stmt(st, SQL_CONTACT_MOVE_NUMBER);
		store_bind_int(s, 1, c.id);
		store_bind_text(s, 2, new_who->wa_id);
		store_bind_text(s, 3, c.wa_id);
		store_bind_int(s, 4, now);
		if (store_step_done(st, s, err) < 0)
			goto fail;
	}
	if (differs(c.bsuid, new_who->bsuid)) {
		/* A contact made from the new id before this system message
		 * arrived gives it up: the identity moves, never splits. */
		s = store_stmt(st, SQL_CONTACT_CLEAR_BSUID);
		store_bind_text(s, 1, new_who->bsuid);
		store_bind_int(s, 2, now);
		if (store_step_done(st, s, err) < 0)
			goto fail;
		s = store_stmt(st, SQL_CONTACT_CLEAR_BSUID);
		store_bind_text(s, 1, c.bsuid);
		store_bind_int(s, 2, now);
		if (c.bsuid && store_step_done(st, s, err) < 0)
			goto fail;
		free(c.bsuid);
		c.bsuid = NULL;
		free(c.parent_bsuid);
		c.parent_bsuid = NULL;
	}
	{
		struct desk_who add = *new_who;

		add.wa_id = NULL;	/* moved above */
		rc = contact_refresh(st, &c, &add, now, err);
	}
	identity_row_release(&c);
	return rc < 0 ? -1 : 0;
fail:
	identity_row_release(&c);
	return -1;
}

/* ---- threads and tickets (rule 3) ----------------------------------- */

static const char SQL_THREAD_OPEN[] =
	"SELECT t.id, k.id FROM threads t JOIN tickets k ON k.thread_id = t.id"
	" WHERE t.channel_id = ?1 AND t.contact_id = ?2 AND k.status = 'open'"
	" ORDER BY t.id DESC LIMIT 1";
static const char SQL_THREAD_INSERT[] =
	"INSERT INTO threads (channel_id, contact_id, origin, created_at)"
	" VALUES (?1, ?2, ?3, ?4)";
static const char SQL_TICKET_INSERT[] =
	"INSERT INTO tickets (thread_id, status, created_at, updated_at)"
	" VALUES (?1, 'open', ?2, ?2)";

int
desk_thread_find(struct store *st, const char *channel_id,
		 int64_t contact_id, struct desk_thread *out,
		 struct wa_err *err)
{
	struct desk_cache *dc = store_cache(st);
	sqlite3_stmt *s;
	int rc;

	memset(out, 0, sizeof(*out));
	if (desk_cache_thread_get(dc, channel_id, contact_id, &out->thread_id,
				  &out->ticket_id))
		return 0;
	s = store_stmt(st, SQL_THREAD_OPEN);
	store_bind_text(s, 1, channel_id);
	store_bind_int(s, 2, contact_id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		out->thread_id = sqlite3_column_int64(s, 0);
		out->ticket_id = sqlite3_column_int64(s, 1);
	}
	sqlite3_reset(s);
	if (rc == SQLITE_ROW) {
		desk_cache_thread_put(dc, channel_id, contact_id,
				      out->thread_id, out->ticket_id);
		return 0;
	}
	if (rc == SQLITE_DONE)
		return 1;
	return store_fail(st, err, "find thread");
}

int
desk_thread_open(struct store *st, const char *channel_id,
		 int64_t contact_id, const char *origin, int64_t now,
		 struct desk_thread *out, struct wa_err *err)
{
	sqlite3_stmt *s;
	sqlite3 *db = store_db(st);
	int rc = desk_thread_find(st, channel_id, contact_id, out, err);

	if (rc <= 0)
		return rc;
	s = own_stmt(st, SQL_THREAD_INSERT);
	store_bind_text(s, 1, channel_id);
	store_bind_int(s, 2, contact_id);
	store_bind_text(s, 3, origin && strcmp(origin, "outbound") == 0 ?
			"outbound" : "inbound");
	store_bind_int(s, 4, now);
	if (own_done(st, s, err) < 0)
		return -1;
	out->thread_id = sqlite3_last_insert_rowid(db);
	s = own_stmt(st, SQL_TICKET_INSERT);
	store_bind_int(s, 1, out->thread_id);
	store_bind_int(s, 2, now);
	if (own_done(st, s, err) < 0)
		return -1;
	out->ticket_id = sqlite3_last_insert_rowid(db);
	out->created = 1;
	/* The newest thread, its ticket open: what SQL_THREAD_OPEN finds. */
	desk_cache_thread_put(store_cache(st), channel_id, contact_id,
			      out->thread_id, out->ticket_id);
	return desk_ticket_event(st, out->ticket_id, "create", NULL, NULL,
				 "open", now, err);
}

/* A reply goes to the number of the thread's last inbound message, else
 * the contact's; a group thread's to the group. */
static const char SQL_THREAD_LOOKUP[] =
	"SELECT t.channel_id, t.contact_id,"
	" coalesce(CASE WHEN t.reply_to NOT GLOB '*[^0-9]*' THEN t.reply_to"
	" END, c.wa_id, ''), k.id, k.status, c.group_id FROM threads t"
	" LEFT JOIN contacts c ON c.id = t.contact_id"
	" LEFT JOIN tickets k ON k.thread_id = t.id WHERE t.id = ?1";

static void
copy_col(sqlite3_stmt *s, int col, char *out, size_t len)
{
	const unsigned char *t = sqlite3_column_text(s, col);

	if (out)
		snprintf(out, len, "%s", t ? (const char *)t : "");
}

int
desk_thread_lookup(struct store *st, int64_t thread_id,
		   char *channel_out, int64_t *contact_id,
		   char *wa_id_out, char *group_out, int64_t *ticket_id,
		   char *ticket_status, struct wa_err *err)
{
	sqlite3_stmt *s = store_stmt(st, SQL_THREAD_LOOKUP);
	int rc;

	store_bind_int(s, 1, thread_id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		copy_col(s, 0, channel_out, 64);
		if (contact_id)
			*contact_id = sqlite3_column_int64(s, 1);
		copy_col(s, 2, wa_id_out, 32);
		if (ticket_id)
			*ticket_id = sqlite3_column_int64(s, 3);
		copy_col(s, 4, ticket_status, 8);
		copy_col(s, 5, group_out, DESK_ID_MAX);
	}
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc == SQLITE_DONE)
		return 1;
	return store_fail(st, err, "look up thread");
}

/* last_message_* follow the newest message by Meta's time, so a late
 * delivery of an old message does not become the preview. */
static const char SQL_THREAD_TOUCH[] =
	"UPDATE threads SET"
	" reply_to = CASE WHEN ?4 AND ?5 IS NOT NULL AND (last_inbound_at IS"
	"  NULL OR ?3 >= last_inbound_at) THEN ?5 ELSE reply_to END,"
	" last_message_id = CASE WHEN last_message_at IS NULL"
	"  OR ?3 >= last_message_at THEN ?2 ELSE last_message_id END,"
	" last_message_at = max(coalesce(last_message_at, ?3), ?3),"
	" last_inbound_at = CASE WHEN ?4 THEN"
	"  max(coalesce(last_inbound_at, ?3), ?3) ELSE last_inbound_at END,"
	" last_outbound_at = CASE WHEN ?4 THEN last_outbound_at ELSE"
	"  max(coalesce(last_outbound_at, ?3), ?3) END,"
	" unread = unread + ?4, message_count = message_count + 1"
	" WHERE id = ?1";

int
desk_thread_touch(struct store *st, int64_t thread_id, int64_t message_id,
		  int64_t ts, int inbound, const char *reply_to,
		  struct wa_err *err)
{
	/* Own: no column of the open-thread lookup changes. */
	sqlite3_stmt *s = own_stmt(st, SQL_THREAD_TOUCH);

	store_bind_int(s, 1, thread_id);
	store_bind_int(s, 2, message_id);
	store_bind_int(s, 3, ts);
	store_bind_int(s, 4, inbound ? 1 : 0);
	store_bind_text(s, 5, reply_to);
	return own_done(st, s, err);
}

/* ---- sessions (rule 5) ---------------------------------------------- */

static const char SQL_SESSION_GET[] =
	"SELECT last_inbound_at, coalesce(conversation_id, 0) FROM sessions"
	" WHERE channel_id = ?1 AND identity = ?2";
static const char SQL_SESSION_NEW[] =
	"INSERT INTO sessions (channel_id, identity, contact_id, opened_at,"
	" last_inbound_at) VALUES (?1, ?2, ?4, ?3, ?3)"
	" ON CONFLICT (channel_id, identity) DO UPDATE SET contact_id = ?4,"
	" opened_at = ?3, last_inbound_at = ?3, conversation_id = NULL";
static const char SQL_SESSION_EXTEND[] =
	"UPDATE sessions SET last_inbound_at = ?3"
	" WHERE channel_id = ?1 AND identity = ?2";

/* The cache's key of an identity: negative, so it never meets a
 * contact id in the pairs it shares with threads. */
static int64_t
identity_key(const char *identity)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *identity; identity++)
		h = (h ^ (unsigned char)*identity) * 1099511628211ULL;
	return -(int64_t)(h >> 1) - 1;
}

int
desk_session_get(struct store *st, const char *channel_id,
		 const char *identity, int64_t *last_inbound,
		 int64_t *conversation_id, struct wa_err *err)
{
	struct desk_cache *dc = store_cache(st);
	int64_t key = identity_key(identity);
	sqlite3_stmt *s;
	int rc;

	*last_inbound = -1;
	if (conversation_id)
		*conversation_id = 0;
	/* Only last_inbound_at is cached: desk_session_record alone
	 * writes it, while wa-send also writes conversation_id. */
	else if (desk_cache_session_get(dc, channel_id, key, last_inbound))
		return 0;
	s = store_stmt(st, SQL_SESSION_GET);
	store_bind_text(s, 1, channel_id);
	store_bind_text(s, 2, identity);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*last_inbound = sqlite3_column_int64(s, 0);
		if (conversation_id)
			*conversation_id = sqlite3_column_int64(s, 1);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(st, err, "read session");
	desk_cache_session_put(dc, channel_id, key, *last_inbound);
	return 0;
}

int
desk_session_touch(struct store *st, const char *channel_id,
		   const char *identity, int64_t contact_id,
		   int64_t inbound_ts, struct wa_err *err)
{
	int64_t last;

	return desk_session_record(st, channel_id, identity, contact_id,
				   inbound_ts, &last, err);
}

int
desk_session_record(struct store *st, const char *channel_id,
		    const char *identity, int64_t contact_id,
		    int64_t inbound_ts, int64_t *last_out, struct wa_err *err)
{
	int64_t last;
	sqlite3_stmt *s;
	int extend;

	if (desk_session_get(st, channel_id, identity, &last, NULL, err) < 0)
		return -1;
	*last_out = last;
	if (last >= 0 && inbound_ts <= last)
		return 0;	/* an older message arriving late */
	*last_out = inbound_ts;
	extend = last >= 0 && window_is_open(last, inbound_ts);
	s = own_stmt(st, extend ? SQL_SESSION_EXTEND : SQL_SESSION_NEW);
	store_bind_text(s, 1, channel_id);
	store_bind_text(s, 2, identity);
	store_bind_int(s, 3, inbound_ts);
	if (!extend)
		store_bind_int_or_null(s, 4, contact_id, contact_id <= 0);
	if (own_done(st, s, err) < 0)
		return -1;
	desk_cache_session_put(store_cache(st), channel_id,
			       identity_key(identity), inbound_ts);
	return 0;
}

/* ---- ticket events -------------------------------------------------- */

static const char SQL_TICKET_EVENT[] =
	"INSERT INTO ticket_events (ticket_id, action, actor, from_value,"
	" to_value, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";

int
desk_ticket_event(struct store *st, int64_t ticket_id, const char *action,
		  const char *actor, const char *from_value,
		  const char *to_value, int64_t now, struct wa_err *err)
{
	sqlite3_stmt *s = store_stmt(st, SQL_TICKET_EVENT);

	store_bind_int(s, 1, ticket_id);
	store_bind_text(s, 2, action);
	store_bind_text(s, 3, actor);
	store_bind_text(s, 4, from_value);
	store_bind_text(s, 5, to_value);
	store_bind_int(s, 6, now);
	return store_step_done(st, s, err);
}

/* ---- statuses (rule 7) ---------------------------------------------- */

int
desk_status_rank(const char *status)
{
	static const char *const order[] = {
		"sent", "delivered", "failed", "read", "played"
	};
	size_t i;

	for (i = 0; status && i < sizeof(order) / sizeof(order[0]); i++)
		if (strcmp(order[i], status) == 0)
			return (int)i + 1;
	return 0;
}

#define RANK_SQL(col) \
	"(CASE " col " WHEN 'sent' THEN 1 WHEN 'delivered' THEN 2" \
	" WHEN 'failed' THEN 3 WHEN 'read' THEN 4 WHEN 'played' THEN 5" \
	" ELSE 0 END)"

/* Each time is kept (the earliest, should Meta repeat one); the current
 * status only moves up the rank; failed keeps Meta's error. */
static const char SQL_STATUS_APPLY[] =
	"UPDATE messages SET"
	" sent_at = CASE WHEN ?2 = 'sent' THEN min(coalesce(sent_at, ?3), ?3)"
	"  ELSE sent_at END,"
	" delivered_at = CASE WHEN ?2 = 'delivered'"
	"  THEN min(coalesce(delivered_at, ?3), ?3) ELSE delivered_at END,"
	" read_at = CASE WHEN ?2 = 'read' THEN min(coalesce(read_at, ?3), ?3)"
	"  ELSE read_at END,"
	" played_at = CASE WHEN ?2 = 'played'"
	"  THEN min(coalesce(played_at, ?3), ?3) ELSE played_at END,"
	" failed_at = CASE WHEN ?2 = 'failed'"
	"  THEN min(coalesce(failed_at, ?3), ?3) ELSE failed_at END,"
	" error = CASE WHEN ?2 = 'failed' THEN coalesce(?4, error) ELSE error END,"
	" status_at = CASE WHEN " RANK_SQL("status") " < ?5 THEN ?3"
	"  ELSE status_at END,"
	" status = CASE WHEN " RANK_SQL("status") " < ?5 THEN ?2 ELSE status END,"
	" pricing_category = coalesce(?6, pricing_category),"
	" pricing_type = coalesce(?7, pricing_type),"
	" pricing_model = coalesce(?8, pricing_model),"
	" billable = coalesce(?9, billable)"
	" WHERE id = ?1 RETURNING status";

int
desk_message_status(struct store *st, int64_t message_id,
		    const struct desk_status *ds, char *current, size_t len,
		    struct wa_err *err)
{
	sqlite3_stmt *s = store_stmt(st, SQL_STATUS_APPLY);
	int rc;

	store_bind_int(s, 1, message_id);
	store_bind_text(s, 2, ds->status);
	store_bind_int(s, 3, ds->timestamp);
	store_bind_text(s, 4, ds->error_json);
	store_bind_int(s, 5, desk_status_rank(ds->status));
	store_bind_text(s, 6, ds->pricing_category);
	store_bind_text(s, 7, ds->pricing_type);
	store_bind_text(s, 8, ds->pricing_model);
	store_bind_int_or_null(s, 9, ds->billable, ds->billable < 0);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW && current)
		copy_col(s, 0, current, len);
	sqlite3_reset(s);
	if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		return 0;
	return store_fail(st, err, "apply status");
}

/* Fills ds's pricing from Meta's pricing object (borrowed). */
void
desk_status_pricing(struct desk_status *ds, jv pricing)
{
	jv b;

	ds->pricing_category = jx_cstr(pricing, "category");
	ds->pricing_type = jx_cstr(pricing, "type");
	ds->pricing_model = jx_cstr(pricing, "pricing_model");
	ds->billable = -1;
	b = jx_get(pricing, "billable");
	if (jv_get_kind(b) == JV_KIND_TRUE)
		ds->billable = 1;
	else if (jv_get_kind(b) == JV_KIND_FALSE)
		ds->billable = 0;
	jv_free(b);
}

static const char SQL_MESSAGE_BY_WAMID[] =
	"SELECT id, channel_id FROM messages WHERE wamid = ?1"
	" AND direction = 'out' ORDER BY id LIMIT 1";
static const char SQL_PENDING_STATUSES[] =
	"SELECT id, status, timestamp, errors, pricing FROM statuses"
	" WHERE wamid = ?1 AND applied = 0"
	" AND (channel_id IS NULL OR channel_id = ?2)";
static const char SQL_STATUS_APPLIED[] =
	"UPDATE statuses SET applied = 1 WHERE id = ?1";

struct pending_status {
	int64_t id, ts;
	char *status, *errors, *pricing;
};

static int
apply_pending(struct store *st, int64_t message_id,
	      struct pending_status *p, struct wa_err *err)
{
	struct desk_status ds = { 0 };
	jv pricing = p->pricing ? jv_parse(p->pricing) : jv_invalid();
	sqlite3_stmt *s;
	int rc;

	ds.status = p->status;
	ds.timestamp = p->ts;
	ds.error_json = p->errors;
	ds.billable = -1;
	if (jv_get_kind(pricing) == JV_KIND_OBJECT)
		desk_status_pricing(&ds, pricing);
	rc = desk_message_status(st, message_id, &ds, NULL, 0, err);
	jv_free(pricing);
	if (rc < 0)
		return -1;
	s = store_stmt(st, SQL_STATUS_APPLIED);
	store_bind_int(s, 1, p->id);
	return store_step_done(st, s, err);
}

int
desk_apply_pending_statuses(struct store *st, const char *wamid,
			    struct wa_err *err)
{
	struct pending_status p[8];
	sqlite3_stmt *s = store_stmt(st, SQL_MESSAGE_BY_WAMID);
	int64_t message_id;
	char channel[64];
	int rc, n = 0, i, applied = 0;

	store_bind_text(s, 1, wamid);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		message_id = sqlite3_column_int64(s, 0);
		copy_col(s, 1, channel, sizeof(channel));
	}
	sqlite3_reset(s);
	if (rc == SQLITE_DONE)
		return 0;
	if (rc != SQLITE_ROW)
		return store_fail(st, err, "find message");
	/* At most one row per status name: collect, then write. */
	s = store_stmt(st, SQL_PENDING_STATUSES);
	store_bind_text(s, 1, wamid);
	store_bind_text(s, 2, channel);
	while (n < 8 && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		p[n].id = sqlite3_column_int64(s, 0);
		p[n].status = store_col_dup(s, 1);
		p[n].ts = sqlite3_column_int64(s, 2);
		p[n].errors = store_col_dup(s, 3);
		p[n].pricing = store_col_dup(s, 4);
		n++;
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		applied = store_fail(st, err, "read pending statuses");
	for (i = 0; i < n; i++) {
		if (applied >= 0 && apply_pending(st, message_id, &p[i],
						  err) < 0)
			applied = -1;
		else if (applied >= 0)
			applied++;
		free(p[i].status);
		free(p[i].errors);
		free(p[i].pricing);
	}
	return applied;
}

/* ---- groups (rule 3) ------------------------------------------------ */

static const char SQL_GROUP_FIND[] =
	"SELECT id FROM contacts WHERE group_id = ?1";
static const char SQL_GROUP_INSERT[] =
	"INSERT INTO contacts (group_id, created_at, updated_at)"
	" VALUES (?1, ?2, ?2)";

int
desk_group_resolve(struct store *st, const char *group_id, int64_t now,
		   int64_t *contact_id, struct wa_err *err)
{
	sqlite3_stmt *s = store_stmt(st, SQL_GROUP_FIND);
	int rc;

	store_bind_text(s, 1, group_id);
	rc = store_step_int(st, s, contact_id, "find group", err);
	if (rc != 0)
		return rc < 0 ? -1 : 0;
	s = store_stmt(st, SQL_GROUP_INSERT);
	store_bind_text(s, 1, group_id);
	store_bind_int(s, 2, now);
	if (store_step_done(st, s, err) < 0)
		return -1;
	*contact_id = sqlite3_last_insert_rowid(store_db(st));
	return 0;
}
