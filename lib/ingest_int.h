/* SPDX-License-Identifier: MIT */
/* Internals shared by lib/ingest*.c: the ingest state, events, problems. */
#ifndef WA_INGEST_INT_H
#define WA_INGEST_INT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <jv.h>
#include "err.h"
#include "desk.h"
#include "normalize.h"
#include "store.h"

struct quarantine;
struct ingest_prep;

struct ingest {
	struct store *st;		/* borrowed */
	struct quarantine *q;		/* compiled rules */
	int q_lent;			/* q is another thread's for now */
	struct quarantine *q_own;	/* a copy for this thread meanwhile */
	struct ingest_events *events;	/* waiting for the commit, or NULL */
	int64_t delivery_id;		/* the delivery being derived */
	int fresh;			/* the delivery row was inserted just now */
	int64_t now;			/* received_at (WA_NOW) */
	int replay;			/* deriving again from storage */
	const char *only_channel;	/* replay --channel, borrowed */
	int defer_text;			/* index text at ingest_finish */
	int unshared;			/* events share nothing with the
					   delivery */
	int npending;			/* texts waiting for ingest_finish */
	int64_t pending_from;		/* the first of their message ids */
	char problem[256];		/* first thing not understood */
	struct ingest_prep *prep;	/* of the delivery, or NULL */
	struct {			/* the last channel read in this
					   transaction (ingest_flush and any
					   field that may change a channel
					   forget it) */
		int valid;
		char id[64];
		int state;
		int64_t connected_at;
	} chan;
};

/* A message normalised ahead (ingest_prepare); one_message takes m and
 * rec (invalid when m says the object is unusable). */
struct ingest_prep_msg {
	jv msg;				/* the object it came from */
	int echo;
	struct norm_msg m;
	jv rec;				/* norm_record(), unshared; owned
					   until taken */
	const char *qrule;		/* quarantine rule that holds, or NULL */
	struct desk_who who;		/* see ingest_msg_who */
	const char *user;
};

/* The user of message m (the party that is not the business number
 * display) into who, with the value's contacts[] (borrowed; the strings
 * stay theirs). Returns the user's address as the message gives it. */
const char *ingest_msg_who(const struct norm_msg *m, int echo,
			   const char *display, jv contacts,
			   struct desk_who *who);

struct ingest_prep {
	char sha[65];			/* of the body, hex */
	struct ingest_prep_msg *msgs;
	size_t n, cap, next;
};

/* The next prepared message if it is msg (else NULL: the caller derives
 * msg itself). The caller owns the rec of what it gets (made to share
 * nothing with the delivery) and borrows the rest until p is freed. */
struct ingest_prep_msg *ingest_prep_take(struct ingest_prep *p, jv msg,
					 int echo);

/* The rules this thread may run now (NULL: none could be compiled). */
struct quarantine *ingest_match_rules(struct ingest *in);

/* A message record (taken) as the text of its JSON without the closing
 * brace, in a jv string: what ingest_msg_event accepts in place of the
 * record when none of the event's keys is already in it. */
jv ingest_rec_text(jv rec);

/* Queues ev (taken) with the delivery id. */
void ingest_event(struct ingest *in, jv ev);
/* The same for an event built to share nothing with the delivery (fresh
 * values, jx_fresh() copies): ingest_event rebuilds the others when
 * events must not share (ingest_unshared_events). */
void ingest_event_fresh(struct ingest *in, jv ev);

/* The keys of a message event (strings borrowed, copied). */
struct ingest_msg_ev {
	const char *channel, *wa_id, *user_id, *to;
	int64_t contact_id, thread_id, ticket_id, message_id, delivery_id;
	int64_t expires;		/* session end, -1 none */
	int out;			/* an echo: no "to", no session */
	int new_ticket, identity_moved;
	const char *qrule;		/* quarantine rule, lives with the
					   rules, or NULL */
};

/* Queues a message event: rec (taken, from norm_record) and k, put
 * together when printed (ingest_events_emit), possibly on another
 * thread: rec must share nothing that this thread still uses then. */
void ingest_msg_event(struct ingest *in, jv rec,
		      const struct ingest_msg_ev *k);

/* Records that something was not understood: an "error" event with the
 * keys of where (taken; an object or null) and the delivery's error. */
void ingest_problem(struct ingest *in, jv where, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Marks message_id (inserted with index_later = 1) for ingest_finish to
 * add to the search index (defer_text). */
void ingest_defer(struct ingest *in, int64_t message_id);

void ingest_sha256_hex(const void *p, size_t n, char out[65]);

/* field "messages" (echo 0) or "smb_message_echoes" (echo 1); value
 * borrowed. -1 only on a database error. */
int ingest_messages_value(struct ingest *in, jv value, int echo,
			  struct wa_err *err);

/* Any other field: stored in events (deduplicated), templates and
 * channels updated where it says so. value borrowed. */
int ingest_field_event(struct ingest *in, const char *field,
		       const char *waba, int64_t time, jv value,
		       struct wa_err *err);

/* One row in events (value borrowed); dedup_key NULL: a hash of field,
 * waba, time and value. 1 stored, 0 duplicate, -1 error. */
int ingest_store_event(struct ingest *in, const char *field,
		       const char *kind, const char *waba,
		       const char *channel, int64_t time, jv value,
		       const char *dedup_key, struct wa_err *err);

#endif
