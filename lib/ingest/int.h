/* SPDX-License-Identifier: MIT */
/* Internals of the ingest pipeline: the plan's elements, the ingest state, events. */
#ifndef WA_INGEST_INT_H
#define WA_INGEST_INT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <jv.h>
#include "err.h"
#include "desk.h"
#include "ingest.h"
#include "normalize.h"
#include "store.h"
#include "util.h"

/*
 * A plan is what a delivery says, element by element, in the order Meta
 * wrote it: every change of every entry, and in a change's value its
 * messages, statuses, errors and other arrays. Nothing in it needs the
 * database; it owns the delivery (d) and every jv in it comes from d, so
 * the whole plan moves between threads as one (jv reference counts are
 * not atomic: only one thread may hold it at a time).
 */
enum plan_kind {
	PLAN_MESSAGE,			/* messages[] or message_echoes[] */
	PLAN_STATUS,			/* statuses[] */
	PLAN_VALUE_ERROR,		/* value.errors[]: Meta's own errors */
	PLAN_FIELD,			/* any other field, or a part of the
					   messages value kept as an event
					   (user_actions, calls) */
	PLAN_BAD			/* an element that cannot be
					   understood (stored raw with the
					   delivery, reported) */
};

/* Where an element is: the entry and change it came from. */
struct plan_where {
	char waba[64];			/* entry.id as text ("" none) */
	int64_t time;			/* entry.time, -1 none */
	const char *field;		/* change.field, or NULL */
	const char *channel;		/* metadata.phone_number_id, or NULL */
	char display[32];		/* the business number, digits only
					   (Meta writes "+1 555-123-4567"),
					   "" when none */
	/* Its path (entry[0].changes[1].value.messages[2]), written out
	 * only when something needs it (where_path): */
	int entry, change, index;	/* -1: the path stops before */
	int value;			/* .value follows the change */
	const char *list;		/* "messages", ... or NULL */
};

struct plan_el {
	enum plan_kind kind;
	struct plan_where w;
	jv obj;				/* the element's object (owned) */
	/* PLAN_MESSAGE */
	int echo;
	struct norm_msg m;		/* strings borrowed from obj */
	struct desk_who who;		/* the user (strings from the value) */
	const char *user;		/* the user's address as given */
	int sys_new_only;		/* a system message naming only the
					   new identity (who is it) */
	char qrule[64];			/* quarantine rule that holds, "" */
	char *rec;			/* the event's record as JSON text
					   without its closing brace */
	size_t rec_len;
	/* PLAN_FIELD: the event name ("user_actions", "calls" or field) */
	const char *event;
	/* PLAN_BAD */
	char problem[200];
};

struct ingest_plan {
	jv d;				/* the delivery, or invalid (not JSON) */
	char *body;			/* its bytes as received */
	size_t len;
	char sha[65];			/* of body, hex */
	long line;			/* input line (file mode), 0 none */
	char *signature;		/* X-Hub-Signature-256, or NULL */
	struct plan_el *el;
	size_t n, cap;
	char problem[200];		/* the delivery as a whole, "" ok */
};

/* One event waiting for its commit: its line as printed. */
struct ingest_ev {
	char *text;			/* compact JSON, no newline */
	size_t len;
	int64_t seq;
	char code[32];			/* an error event: its code... */
	char *message;			/* ...and message (stderr) */
	long line;			/* ...and input line, 0 none */
};

struct ingest_events {
	struct ingest_ev *v;
	size_t n, cap;
};

struct quarantine;

struct ingest {
	struct store *st;		/* borrowed */
	struct quarantine *q;		/* the rules (replay plans inline) */
	int q_compiled;			/* q compiled (ingest_rules) */
	struct ingest_events *events;	/* waiting for the commit, or NULL */
	int64_t next_seq;		/* of the event log, 0 unknown */
	int64_t delivery_id;		/* the delivery being derived */
	int fresh;			/* the delivery row was inserted just now */
	int64_t now;			/* received_at (WA_NOW) */
	int replay;			/* deriving again from storage */
	const char *only_channel;	/* replay --channel, borrowed */
	int defer_text;			/* index text at ingest_finish */
	int npending;			/* texts waiting for ingest_finish */
	int64_t pending_from;		/* the first of their message ids */
	long line;			/* input line of the delivery, 0 none */
	char problem[256];		/* first thing not understood */
	int was_unread;			/* replay: the delivery is stored as
					   not understood */
	int problem_known;		/* ... and still is: its problems
					   are no news */
	struct strbuf sb;		/* scratch for event text */
	struct {			/* the last channel read in this
					   transaction */
		int valid;
		char id[64];
		int state;
		int64_t connected_at;
	} chan;
};

/* w's path into buf (WHERE_PATH_MAX bytes); returns buf. */
#define WHERE_PATH_MAX 96
const char *where_path(const struct plan_where *w, char *buf);

/* The business number of w, or NULL. */
#define WHERE_DISPLAY(w) ((w)->display[0] ? (w)->display : NULL)

/* ---- plan (lib/ingest/plan.c, plan_msg.c) ---- */

/* The element appended to p (zeroed but for kind and w). */
struct plan_el *plan_add(struct ingest_plan *p, enum plan_kind kind,
			 const struct plan_where *w, jv obj);
/* A PLAN_BAD element with a message (printf). Takes obj. */
void plan_bad(struct ingest_plan *p, const struct plan_where *w, jv obj,
	      const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* The messages[] or message_echoes[] of a value (borrowed) into p. */
void plan_messages(struct ingest_plan *p, struct quarantine *q,
		   const struct plan_where *w, jv value, int echo);

/* ---- apply (lib/ingest/apply*.c) ---- */

int apply_message(struct ingest *in, struct plan_el *e, struct wa_err *err);
int apply_status(struct ingest *in, struct plan_el *e, struct wa_err *err);
int apply_value_error(struct ingest *in, struct plan_el *e,
		      struct wa_err *err);
int apply_field(struct ingest *in, struct plan_el *e, struct wa_err *err);

/* The channel of w into c: state from the cache of the transaction. */
enum chan_state { CHAN_UNKNOWN, CHAN_OFF, CHAN_ON };
int apply_chan(struct ingest *in, const char *id, enum chan_state *state,
	       int64_t *connected_at, struct wa_err *err);

/* Rule 2: 1 when the element is skipped (event queued), -1 error. */
int apply_chan_skip(struct ingest *in, const char *channel,
		    enum chan_state state, int64_t connected_at,
		    const char *wamid, const char *wa_id, int64_t ts,
		    const char *what, struct wa_err *err);
int apply_skipped(struct ingest *in, const char *reason,
		  const char *channel, const char *wamid, const char *wa_id,
		  int64_t ts, const char *what, struct wa_err *err);

/* One row in events (value borrowed); dedup_key NULL: a hash of field,
 * waba, time and value. 1 stored, 0 duplicate, -1 error. */
int apply_store_field(struct ingest *in, const char *field,
		      const char *kind, const char *waba,
		      const char *channel, int64_t time, jv value,
		      const char *dedup_key, struct wa_err *err);

/* Steps q, an "INSERT ... RETURNING id" (bound), for the id of its row.
 * 0, or -1 with err. */
int apply_insert(struct ingest *in, struct sq *q, int64_t *id,
		 struct wa_err *err);

/* Marks message_id for ingest_finish to index (defer_text). */
void apply_defer(struct ingest *in, int64_t message_id);

/* Records that something was not understood: an "error" event with
 * where's keys (taken; an object or null), and the delivery's error. */
int apply_problem(struct ingest *in, jv where, struct wa_err *err,
		  const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* ---- events (lib/ingest/events.c) ---- */

/* Logs and queues ev (taken, an object): gives it the next sequence
 * number, writes it to the event log. -1 on a database error. */
int events_add(struct ingest *in, jv ev, struct wa_err *err);
/* The same for a message event: text is the record without its closing
 * brace and the keys already appended (in->sb); the seq is added here. */
int events_add_text(struct ingest *in, struct strbuf *text,
		    struct wa_err *err);

void ingest_sha256_hex(const void *p, size_t n, char out[65]);

static inline jv
str_or_null(const char *s)
{
	return s ? jv_string(s) : jv_null();
}

#endif
