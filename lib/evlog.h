/* SPDX-License-Identifier: MIT */
/* The event log: what every writer changed, numbered in commit order, for wa-recv events and wa-view watch. */
#ifndef WA_EVLOG_H
#define WA_EVLOG_H

#include <stddef.h>
#include <stdint.h>
#include <jv.h>
#include "err.h"
#include "store.h"

/*
 * Every event is one line of compact JSON with "event" first and "seq"
 * last, stored in event_log in the transaction that wrote the rows it
 * describes, so a reader that has seen up to SEQ finds the rest with
 * seq > SEQ: writers hold the write lock, and the numbers follow the
 * commits with no gap. Ingest numbers its own (lib/ingest/events.c);
 * the desk's other writers (ticket changes, sends) come through here.
 */

/* Appends rec (taken; an object whose first key is "event") with the
 * next number as "seq", in the caller's store_begin transaction; at is
 * the writer's clock. *seq (may be NULL) gets the number. -1 with err
 * io/busy. */
int evlog_append(struct store *st, jv rec, int64_t at, int64_t *seq,
		 struct wa_err *err);

/* The last number (0 when the log is empty). */
int evlog_last(struct store *st, int64_t *out, struct wa_err *err);

/* Calls fn with each of the first limit events after since, in order
 * (line is the record as stored, len bytes, valid during the call);
 * fn < 0 stops. Returns how many were read, or -1 with err io/busy. */
long evlog_each(struct store *st, int64_t since, long limit,
		int (*fn)(int64_t seq, const char *line, size_t len,
			  void *ctx),
		void *ctx, struct wa_err *err);

#endif
