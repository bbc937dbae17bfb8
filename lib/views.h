/* SPDX-License-Identifier: MIT */
/* The help desk's views: filters over threads and tickets, saved views, show, search, ticket changes. */
#ifndef WA_VIEWS_H
#define WA_VIEWS_H

#include <stdint.h>
#include <jv.h>
#include "err.h"
#include "store.h"

/*
 * A filter is a set of named string values, the same whether it comes from
 * the command line (--status open) or from a saved view (stored as the
 * JSON object {"status":"open"}), so both are validated by one function.
 */
enum views_key {
	VIEWS_STATUS,		/* open|closed|sent|all (default open) */
	VIEWS_SOURCE,		/* whatsapp */
	VIEWS_OWNER,		/* ticket owner */
	VIEWS_UNASSIGNED,	/* "true": no owner */
	VIEWS_CHANNEL,		/* phone-number id */
	VIEWS_CONTACT,		/* contact id, number or BSUID */
	VIEWS_SEARCH,		/* search text in any message */
	VIEWS_SINCE,		/* last message at or after */
	VIEWS_LIMIT,		/* at most N rows, 0 = all */
	VIEWS_WINDOW,		/* open|closed|closing[:DURATION] */
	VIEWS_WHERE,		/* jq predicate over the row */
	VIEWS_FLAGGED,		/* "true": has unsupported/quarantined */
	VIEWS_NKEYS
};

struct views_filter {
	char *v[VIEWS_NKEYS];	/* owned values, NULL when unset */
};

/* The key names as in JSON and (with "--") on the command line. */
const char *views_key_name(enum views_key k);

void views_filter_init(struct views_filter *f);
void views_filter_release(struct views_filter *f);

/* Validates and sets one value (copied); replaces an earlier one.  owner
 * and unassigned exclude each other: setting one clears the other.  Bad
 * value: -1 with err invalid_input (exit 64) naming the key. */
int views_filter_set(struct views_filter *f, enum views_key k,
		     const char *value, struct wa_err *err);

/* Copies every value set in src over dst. */
void views_filter_merge(struct views_filter *dst,
			const struct views_filter *src);

/* Owned JSON object of the values set; and back (borrows obj). */
jv views_filter_json(const struct views_filter *f);
int views_filter_from_json(struct views_filter *f, jv obj,
			   struct wa_err *err);

/*
 * Saved views.  `user` is who asks: they see built-ins, their own views
 * and views others share (team or everyone: wa has no team directory, so
 * both mean every user of this database).  Unknown or invisible: -1 with
 * err invalid_input, exit 1.
 */
int views_resolve(struct store *st, const char *name, const char *user,
		  struct views_filter *out, struct wa_err *err);
/* Stores a view owned by user (own transaction).  A built-in name or a
 * bad name: invalid_input; the user already has one: duplicate. */
int views_create(struct store *st, const char *name, const char *user,
		 const char *sharing, const struct views_filter *f,
		 int64_t now, jv *out, struct wa_err *err);
int views_delete(struct store *st, const char *name, const char *user,
		 jv *out, struct wa_err *err);
/* Every view user can see: {"name","owner","sharing","builtin",
 * "filters","created_at"}, built-ins first. */
int views_each(struct store *st, const char *user,
	       void (*fn)(jv rec, void *ctx), void *ctx, struct wa_err *err);

/*
 * Listing: one row per thread, newest activity first.  default_limit
 * applies when the filter sets none.  A bad --where program: -1 with
 * err invalid_input (exit 64).  Rows for which the program fails at run
 * time do not pass; *where_errors counts them (may be NULL).
 */
int views_list(struct store *st, const struct views_filter *f, int64_t now,
	       long default_limit, void (*fn)(jv row, void *ctx), void *ctx,
	       long *where_errors, struct wa_err *err);

enum views_show_flags {
	VIEWS_SHOW_PEEK = 1 << 0,	/* leave the unread count as it is */
};

/* show: a {"record":"thread",...} header then one {"record":"message"}
 * per message in order; reading it sets the thread's unread count to 0
 * (committed first) unless flags has VIEWS_SHOW_PEEK.  thread_id 0 with
 * ticket_id: that ticket's thread.  Unknown: -1 with err unknown_thread
 * (exit 1). */
int views_show(struct store *st, int64_t thread_id, int64_t ticket_id,
	       int64_t now, unsigned flags, void (*fn)(jv rec, void *ctx),
	       void *ctx, struct wa_err *err);

/* How many channels the desk has (connected or not) into *n. */
int views_channels(struct store *st, int64_t *n, struct wa_err *err);

/* Full-text search, newest first, at most limit (0 = all) hits.  The
 * text is views_fts_query's, so no input is a syntax error; no word to
 * look for is invalid_input (exit 64). */
int views_search(struct store *st, const char *text, long limit,
		 void (*fn)(jv rec, void *ctx), void *ctx,
		 struct wa_err *err);

enum views_action { VIEWS_ASSIGN, VIEWS_CLOSE, VIEWS_REOPEN };

/* Changes a ticket (own transaction) and records who and when in
 * ticket_events; *out gets the ticket record with "changed" false when
 * it already was so (no event then).  Unknown ticket: unknown_thread;
 * reopening while the contact has another open thread on the channel:
 * duplicate (both exit 1). */
int views_ticket_change(struct store *st, int64_t ticket_id,
			enum views_action a, const char *owner,
			const char *actor, int64_t now, jv *out,
			struct wa_err *err);

/* A ticket's recorded changes, oldest first. */
int views_ticket_history(struct store *st, int64_t ticket_id,
			 void (*fn)(jv rec, void *ctx), void *ctx,
			 struct wa_err *err);

/* An owned object from "key", value (consumed) pairs ending with NULL;
 * JV_OBJECT stops at nine pairs. */
jv views_obj(const char *key, ...);

/* The keys every thread record has, from a row whose columns 0..8 are
 * thread id, ticket id, status, owner, contact id, contact name, wa_id,
 * bsuid, channel (Q_VIEWS_LIST's and Q_VIEWS_THREAD_HEAD's), and column to_col the identity
 * a reply goes to ("to": the group, else the number or BSUID of the last
 * inbound message) and to_col + 1 the contact's WhatsApp username;
 * the session keys are the window of "to".
 * Owned. */
jv views_thread_json(struct sq *q, int to_col, int64_t last_inbound,
		      int64_t now);

/* The user's search text (words, "phrases", -word, a or b, prefix*: see
 * lib/views_fts.c) as the engine's full-text query, FTS5's MATCH or
 * PostgreSQL's to_tsquery: 1 with *out owned; 0 when nothing can match
 * (every word to look for has no letter or digit), *out NULL.  No word,
 * or only words to leave out: -1 with err invalid_input (exit 64), the
 * message starting with what. */
int views_fts_query(const char *text, enum sql_engine engine,
		    const char *what, char **out, struct wa_err *err);

/* What a view may show of a message: "[quarantined]",
 * "[unsupported: REASON]", the text, or "[TYPE] caption".  Owned. */
jv views_message_text(const char *type, const char *text,
		      const char *caption, const char *unsupported,
		      int quarantined);

#endif
