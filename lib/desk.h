/* SPDX-License-Identifier: MIT */
/* The help desk's records: contacts, threads, tickets, sessions, messages (rules 3-7). */
#ifndef WA_DESK_H
#define WA_DESK_H

#include <stddef.h>
#include <stdint.h>
#include <jv.h>
#include "err.h"
#include "who.h"
#include "store.h"

/*
 * Every function here runs inside the caller's transaction (store_begin)
 * and never commits. Implemented in lib/desk.c and lib/desk_status.c.
 */


/* Rule 4: finds the contact by BSUID, else by phone/mobile_phone/wa_id,
 * else creates one; fills in what was missing (both ids are kept). */
int desk_contact_resolve(struct store *st, const struct desk_who *who,
			 int64_t now, int64_t *contact_id, struct wa_err *err);

/* user_changed_number / user_changed_user_id: moves the identity of the
 * contact known by old_* to new_* (never creates a second contact). */
int desk_contact_move(struct store *st, const struct desk_who *old_who,
		      const struct desk_who *new_who, int64_t now,
		      int64_t *contact_id, struct wa_err *err);

/* Rule 3: a group chat is a contact of its own (group_id set, no
 * number), so that its thread is the group's on every channel it writes
 * on; found or created. */
int desk_group_resolve(struct store *st, const char *group_id, int64_t now,
		       int64_t *contact_id, struct wa_err *err);

struct desk_thread {
	int64_t thread_id;
	int64_t ticket_id;
	int created;		/* 1 when this call made thread + ticket */
};

/* Rule 3: the contact's open thread on the channel (its ticket open), or
 * a new thread with a new open ticket. origin: "inbound"|"outbound". */
int desk_thread_open(struct store *st, const char *channel_id,
		     int64_t contact_id, const char *origin, int64_t now,
		     struct desk_thread *out, struct wa_err *err);

/* The contact's open thread on the channel without creating one:
 * 0 found (out filled), 1 none, -1 error. */
int desk_thread_find(struct store *st, const char *channel_id,
		     int64_t contact_id, struct desk_thread *out,
		     struct wa_err *err);

/* What a thread id refers to: 0 found, 1 not found, -1 error.
 * channel_out (>= 64 bytes); wa_id_out (>= 32, "" when unknown): the
 * number a reply goes to, the one its last inbound message came from;
 * group_out (DESK_ID_MAX, the size of a group id or BSUID; may be
 * NULL): a group thread's group id,
 * "" for a 1:1 thread (a reply goes to the group, never to a member). */
#define DESK_ID_MAX 136
int desk_thread_lookup(struct store *st, int64_t thread_id,
		       char *channel_out, int64_t *contact_id,
		       char *wa_id_out, char *group_out, int64_t *ticket_id,
		       char *ticket_status, struct wa_err *err);

/* Rule 5: a session belongs to (channel, WhatsApp identity): the
 * number, the BSUID when there is no number, or a group's id for the
 * group's own window. Records an inbound message time; a message after
 * the window closed starts a new session (conversation_id cleared).
 * contact_id (0 none) is kept for views. */
int desk_session_touch(struct store *st, const char *channel_id,
		       const char *identity, int64_t contact_id,
		       int64_t inbound_ts, struct wa_err *err);

/* desk_session_touch that also says the session's last inbound time
 * afterwards (*last_out), saving the caller a second lookup. */
int desk_session_record(struct store *st, const char *channel_id,
			const char *identity, int64_t contact_id,
			int64_t inbound_ts, int64_t *last_out,
			struct wa_err *err);

/* The session: last inbound (-1 never) and its counted conversation id
 * (0 none). */
int desk_session_get(struct store *st, const char *channel_id,
		     const char *identity, int64_t *last_inbound,
		     int64_t *conversation_id, struct wa_err *err);

/* Records who changed a ticket (assign, close, reopen, create). */
int desk_ticket_event(struct store *st, int64_t ticket_id,
		      const char *action, const char *actor,
		      const char *from_value, const char *to_value,
		      int64_t now, struct wa_err *err);

/* Maintains threads.last_message_at/_id, last_inbound_at or
 * last_outbound_at, unread (inbound) and message_count for one new
 * message stamped ts (Meta's time); reply_to (inbound, may be NULL): the
 * identity a reply goes to, kept when this is the latest inbound. */
int desk_thread_touch(struct store *st, int64_t thread_id,
		      int64_t message_id, int64_t ts, int inbound,
		      const char *reply_to, struct wa_err *err);

/* One status webhook as applied to a message (rule 7). Strings borrowed. */
struct desk_status {
	const char *status;		/* sent|delivered|read|played|failed */
	int64_t timestamp;		/* Meta's */
	const char *error_json;		/* failed: Meta's errors[] as JSON */
	const char *pricing_category;	/* NULL keeps what is recorded */
	const char *pricing_type;
	const char *pricing_model;
	int billable;			/* 1, 0, -1 unknown */
};

/* Rank for "never backwards": sent 1 < delivered 2 < failed 3 < read 4
 * < played 5; anything else 0. */
int desk_status_rank(const char *status);

/* Applies ds to message message_id: keeps the time of each status, moves
 * the current status only up the rank, records failure and pricing.
 * current (len bytes, may be NULL) receives the status afterwards. */
int desk_message_status(struct store *st, int64_t message_id,
			const struct desk_status *ds, char *current,
			size_t len, struct wa_err *err);

/* Fills ds's pricing fields from Meta's pricing object (borrowed; the
 * strings point into it). */
void desk_status_pricing(struct desk_status *ds, jv pricing);

/* Applies statuses stored before their message was known (applied = 0)
 * to the message with this wamid; wa-send calls it after recording a
 * sent message. Returns how many were applied, or -1 (err io/busy). */
int desk_apply_pending_statuses(struct store *st, const char *wamid,
				struct wa_err *err);

#endif
