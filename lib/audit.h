/* SPDX-License-Identifier: MIT */
/* The audit log: every change to the desk and every send, hash-chained so an edit shows. */
#ifndef WA_AUDIT_H
#define WA_AUDIT_H

#include <stdint.h>
#include <jv.h>
#include "err.h"
#include "store.h"

#define AUDIT_HASH_LEN 64	/* hex SHA-256 */

/*
 * Appends one entry: actor (NULL: the user running it, as
 * config_user) did action ("ticket.assign",
 * "send", ...) to subject ("ticket:12", "message:KEY", ...); detail is a
 * JSON object (consumed; null for none), e.g. the idempotency key and
 * the outcome of a send. Call it inside the writer's transaction
 * (store_begin), so the entry commits or rolls back with the change and
 * the head is read under the write lock; outside one it opens its own.
 * 0, or -1 with err (the caller rolls back).
 */
int audit_append(struct store *st, const char *actor, const char *action,
		 const char *subject, jv detail, struct wa_err *err);

/* What audit_list shows: NULL members do not filter. */
struct audit_filter {
	const char *actor, *action, *subject;
	long limit;		/* the newest N, 0: all */
};

/* Calls each(rec, ctx) for the entries that match, oldest first. */
int audit_list(struct store *st, const struct audit_filter *f,
	       void (*each)(jv rec, void *ctx), void *ctx, struct wa_err *err);

/* The head's hash ("" when the log is empty) into hash. */
int audit_head(struct store *st, char hash[AUDIT_HASH_LEN + 1],
	       struct wa_err *err);

/*
 * Recomputes the chain. anchor (NULL: none) is a head printed before:
 * the entry with that hash must still be there. 0 with *out a record
 * (entries, head); -1 with err naming the first entry edited, deleted or
 * reordered (exit 65), or a missing anchor.
 */
int audit_verify(struct store *st, const char *anchor, jv *out,
		 struct wa_err *err);

#endif
