/* SPDX-License-Identifier: MIT */
/* The help desk's records: contacts, threads, tickets, sessions, groups (rules 3-6; statuses: desk_status.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "desk.h"
#include "desk_cache.h"
#include "desk_int.h"
#include "identity.h"
#include "jsonl.h"
#include "util.h"
#include "window.h"

/*
 * The per-message lookups (contact, open thread, session) go through
 * the connection's desk cache (lib/desk_cache.h) inside a write
 * transaction. The rows this file writes on the hot path are written
 * through: own_q mutes the store's invalidation (before store_q, which
 * drops entries when it hands out a write), own_done/own_id step and
 * unmute, and the caller then updates the entry. Every other write to
 * contacts, threads, tickets or sessions, here or elsewhere, drops
 * entries in lib/store.c.
 */
static struct sq *
own_q(struct store *st, enum sql_id id)
{
	store_cache_mute(st, 1);
	return store_q(st, id);
}

/* Runs the desk's own write, which nothing here reads back (sq_later),
 * and unmutes the cache. */
static int
own_later(struct store *st, struct sq *q, struct wa_err *err)
{
	int rc = sq_later(q, err);

	store_cache_mute(st, 0);
	return rc;
}

/* An INSERT ... RETURNING id of the desk's own. */
static int
own_id(struct store *st, struct sq *q, int64_t *id, const char *what,
       struct wa_err *err)
{
	int rc = sq_int1(q, id, what, err);

	store_cache_mute(st, 0);
	return rc < 0 ? -1 : 0;
}

void
desk_copy_col(struct sq *q, int col, char *out, size_t len)
{
	const char *t = sq_col_text(q, col);

	if (out)
		snprintf(out, len, "%s", t ? t : "");
}

/* ---- contacts (rule 4) ---------------------------------------------- */

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
	struct sq *q;
	const char *wa_id = NULL, *bsuid = NULL;

	if (!c->wa_id && nonempty(who->wa_id))
		wa_id = who->wa_id;
	if (!c->bsuid && nonempty(who->bsuid))
		bsuid = who->bsuid;
	if (!wa_id && !bsuid && !differs(c->parent_bsuid, who->parent_bsuid) &&
	    !differs(c->profile_name, who->profile_name) &&
	    !differs(c->username, who->username))
		return 0;
	q = store_q(st, Q_DESK_CONTACT_UPDATE);
	sq_int(q, 1, c->id);
	sq_text(q, 2, wa_id);
	sq_text(q, 3, bsuid);
	sq_text(q, 4, nonempty(who->parent_bsuid));
	sq_text(q, 5, nonempty(who->profile_name));
	sq_text(q, 6, nonempty(who->username));
	sq_int(q, 7, now);
	return sq_done(q, err) < 0 ? -1 : 1;
}

static int
contact_create(struct store *st, const struct desk_who *who, int64_t now,
	       int64_t *contact_id, struct wa_err *err)
{
	struct sq *q = own_q(st, Q_DESK_CONTACT_INSERT);

	sq_text(q, 1, nonempty(who->profile_name));
	sq_text(q, 2, nonempty(who->username));
	sq_text(q, 3, nonempty(who->wa_id));
	sq_text(q, 4, nonempty(who->bsuid));
	sq_text(q, 5, nonempty(who->parent_bsuid));
	sq_int(q, 6, now);
	if (own_id(st, q, contact_id, "add contact", err) < 0)
		return -1;
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
	struct sq *q;
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
		q = store_q(st, Q_DESK_CONTACT_MOVE_NUMBER);
		sq_int(q, 1, c.id);
		sq_text(q, 2, new_who->wa_id);
		sq_text(q, 3, c.wa_id);
		sq_int(q, 4, now);
		if (sq_done(q, err) < 0)
			goto fail;
	}
	if (differs(c.bsuid, new_who->bsuid)) {
		/* A contact made from the new id before this system message
		 * arrived gives it up: the identity moves, never splits. */
		q = store_q(st, Q_DESK_CONTACT_CLEAR_BSUID);
		sq_text(q, 1, new_who->bsuid);
		sq_int(q, 2, now);
		if (sq_done(q, err) < 0)
			goto fail;
		q = store_q(st, Q_DESK_CONTACT_CLEAR_BSUID);
		sq_text(q, 1, c.bsuid);
		sq_int(q, 2, now);
		if (c.bsuid && sq_done(q, err) < 0)
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

int
desk_thread_find(struct store *st, const char *channel_id,
		 int64_t contact_id, struct desk_thread *out,
		 struct wa_err *err)
{
	struct desk_cache *dc = store_cache(st);
	struct sq *q;
	int rc;

	memset(out, 0, sizeof(*out));
	if (desk_cache_thread_get(dc, channel_id, contact_id, &out->thread_id,
				  &out->ticket_id))
		return 0;
	q = store_q(st, Q_DESK_THREAD_OPEN);
	sq_text(q, 1, channel_id);
	sq_int(q, 2, contact_id);
	rc = sq_step(q);
	if (rc < 0)
		return sq_fail(q, err, "find thread");
	if (rc == 0)
		return 1;
	out->thread_id = sq_col_int(q, 0);
	out->ticket_id = sq_col_int(q, 1);
	sq_reset(q);
	desk_cache_thread_put(dc, channel_id, contact_id, out->thread_id,
			      out->ticket_id);
	return 0;
}

int
desk_thread_open(struct store *st, const char *channel_id,
		 int64_t contact_id, const char *origin, int64_t now,
		 struct desk_thread *out, struct wa_err *err)
{
	struct sq *q;
	int rc = desk_thread_find(st, channel_id, contact_id, out, err);

	if (rc <= 0)
		return rc;
	q = own_q(st, Q_DESK_THREAD_INSERT);
	sq_text(q, 1, channel_id);
	sq_int(q, 2, contact_id);
	sq_text(q, 3, origin && strcmp(origin, "outbound") == 0 ?
		"outbound" : "inbound");
	sq_int(q, 4, now);
	if (own_id(st, q, &out->thread_id, "add thread", err) < 0)
		return -1;
	q = own_q(st, Q_DESK_TICKET_INSERT);
	sq_int(q, 1, out->thread_id);
	sq_int(q, 2, now);
	if (own_id(st, q, &out->ticket_id, "add ticket", err) < 0)
		return -1;
	out->created = 1;
	/* The newest thread, its ticket open: what DESK_THREAD_OPEN finds. */
	desk_cache_thread_put(store_cache(st), channel_id, contact_id,
			      out->thread_id, out->ticket_id);
	return desk_ticket_event(st, out->ticket_id, "create", NULL, NULL,
				 "open", now, err);
}

int
desk_thread_lookup(struct store *st, int64_t thread_id,
		   char *channel_out, int64_t *contact_id,
		   char *wa_id_out, char *group_out, int64_t *ticket_id,
		   char *ticket_status, struct wa_err *err)
{
	struct sq *q = store_q(st, Q_DESK_THREAD_LOOKUP);
	int rc;

	sq_int(q, 1, thread_id);
	rc = sq_step(q);
	if (rc < 0)
		return sq_fail(q, err, "look up thread");
	if (rc == 0)
		return 1;
	desk_copy_col(q, 0, channel_out, 64);
	if (contact_id)
		*contact_id = sq_col_int(q, 1);
	desk_copy_col(q, 2, wa_id_out, 32);
	if (ticket_id)
		*ticket_id = sq_col_int(q, 3);
	desk_copy_col(q, 4, ticket_status, 8);
	desk_copy_col(q, 5, group_out, DESK_ID_MAX);
	sq_reset(q);
	return 0;
}

int
desk_thread_touch(struct store *st, int64_t thread_id, int64_t message_id,
		  int64_t ts, int inbound, const char *reply_to,
		  struct wa_err *err)
{
	/* Own: no column of the open-thread lookup changes. */
	struct sq *q = own_q(st, Q_DESK_THREAD_TOUCH);

	sq_int(q, 1, thread_id);
	sq_int(q, 2, message_id);
	sq_int(q, 3, ts);
	sq_int(q, 4, inbound ? 1 : 0);
	sq_text(q, 5, reply_to);
	return own_later(st, q, err);
}

/* ---- sessions (rule 5) ---------------------------------------------- */

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
	struct sq *q;
	int rc;

	*last_inbound = -1;
	if (conversation_id)
		*conversation_id = 0;
	/* Only last_inbound_at is cached: desk_session_record alone
	 * writes it, while wa-send also writes conversation_id. */
	else if (desk_cache_session_get(dc, channel_id, key, last_inbound))
		return 0;
	q = store_q(st, Q_DESK_SESSION_GET);
	sq_text(q, 1, channel_id);
	sq_text(q, 2, identity);
	rc = sq_step(q);
	if (rc < 0)
		return sq_fail(q, err, "read session");
	if (rc > 0) {
		*last_inbound = sq_col_int(q, 0);
		if (conversation_id)
			*conversation_id = sq_col_int(q, 1);
		sq_reset(q);
	}
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
	struct sq *q;
	int extend;

	if (desk_session_get(st, channel_id, identity, &last, NULL, err) < 0)
		return -1;
	*last_out = last;
	if (last >= 0 && inbound_ts <= last)
		return 0;	/* an older message arriving late */
	*last_out = inbound_ts;
	extend = last >= 0 && window_is_open(last, inbound_ts);
	q = own_q(st, extend ? Q_DESK_SESSION_EXTEND : Q_DESK_SESSION_NEW);
	sq_text(q, 1, channel_id);
	sq_text(q, 2, identity);
	sq_int(q, 3, inbound_ts);
	if (!extend)
		sq_int_or_null(q, 4, contact_id, contact_id <= 0);
	if (own_later(st, q, err) < 0)
		return -1;
	desk_cache_session_put(store_cache(st), channel_id,
			       identity_key(identity), inbound_ts);
	return 0;
}

/* ---- ticket events -------------------------------------------------- */

int
desk_ticket_event(struct store *st, int64_t ticket_id, const char *action,
		  const char *actor, const char *from_value,
		  const char *to_value, int64_t now, struct wa_err *err)
{
	struct sq *q = store_q(st, Q_DESK_TICKET_EVENT);

	sq_int(q, 1, ticket_id);
	sq_text(q, 2, action);
	sq_text(q, 3, actor);
	sq_text(q, 4, from_value);
	sq_text(q, 5, to_value);
	sq_int(q, 6, now);
	return sq_done(q, err);
}

/* ---- groups (rule 3) ------------------------------------------------ */

int
desk_group_resolve(struct store *st, const char *group_id, int64_t now,
		   int64_t *contact_id, struct wa_err *err)
{
	struct sq *q = store_q(st, Q_DESK_GROUP_FIND);
	int rc;

	sq_text(q, 1, group_id);
	rc = sq_int1(q, contact_id, "find group", err);
	if (rc != 0)
		return rc < 0 ? -1 : 0;
	q = store_q(st, Q_DESK_GROUP_INSERT);
	sq_text(q, 1, group_id);
	sq_int(q, 2, now);
	return sq_int1(q, contact_id, "add group", err) < 0 ? -1 : 0;
}
