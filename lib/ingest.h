/* SPDX-License-Identifier: MIT */
/* Webhook deliveries into the help desk: store raw, derive, emit events (rule 12). */
#ifndef WA_INGEST_H
#define WA_INGEST_H

#include <stddef.h>
#include <stdint.h>
#include <jv.h>
#include "err.h"
#include "store.h"

struct ingest;

/* Called once per event record (message, status, skipped, error, ...);
 * takes ev. Called only after the delivery's transaction committed. */
typedef void (*ingest_emit_fn)(jv ev, void *ctx);

/* Prepares ingestion into st (borrowed): loads quarantine rules
 * (compiled once with libjq). */
int ingest_new(struct ingest **out, struct store *st, struct wa_err *err);
void ingest_free(struct ingest *in);

/* Adds the rules of a quarantine rules file (WA_QUARANTINE_RULES) and
 * recompiles. -1 with err (config, exit 78). */
int ingest_quarantine_file(struct ingest *in, const char *path,
			   struct wa_err *err);

/* One delivery: body are the raw bytes (stored as received), signature
 * the X-Hub-Signature-256 header or NULL, source "file"|"http".
 * Must be called inside a transaction the caller opened (so a caller
 * may group many deliveries into one commit); events are queued and
 * handed to emit by ingest_flush after the caller commits. A delivery
 * that is not JSON or not a webhook is still stored (state 'error') and
 * yields an "error" event; returns -1 only on a database error, 1 when
 * the delivery (or part of it) could not be understood, else 0. */
int ingest_delivery(struct ingest *in, const char *body, size_t len,
		    const char *signature, const char *source,
		    struct wa_err *err);

/* Like ingest_delivery for a body already parsed (file mode): takes
 * delivery; body/len are the raw bytes to store, or NULL to store the
 * compact JSON of delivery. Returns 0 understood, 1 stored but not (or
 * not wholly) understood, -1 on a database error. */
int ingest_delivery_jv(struct ingest *in, jv delivery, const char *body,
		       size_t len, const char *signature, const char *source,
		       struct wa_err *err);

/* With on = 1, message text is written (and indexed for search) once per
 * transaction by ingest_finish instead of once per message: FTS5 flushes
 * at the end of every statement. The caller must then call ingest_finish
 * before each COMMIT. */
void ingest_defer_text(struct ingest *in, int on);
int ingest_finish(struct ingest *in, struct wa_err *err);

/* With on = 1, queued events share no allocation with the delivery they
 * came from, so the delivery may be freed on another thread while they
 * are printed (jv reference counts are not atomic). */
void ingest_unshared_events(struct ingest *in, int on);

/* Hands queued events to emit (after COMMIT) or drops them (after
 * ROLLBACK, emit NULL). */
void ingest_flush(struct ingest *in, ingest_emit_fn emit, void *ctx);

/* The same in two steps, so that the events of a commit can be printed
 * by another thread: takes them out of in (NULL when none), then emits
 * (NULL emit: drops) and frees them. */
struct ingest_events;
struct ingest_events *ingest_take_events(struct ingest *in);
void ingest_events_emit(struct ingest_events *q, ingest_emit_fn emit,
			void *ctx);
/* Hands one event to a printer as a line of compact JSON (no newline);
 * < 0 when the output failed. */
typedef int (*ingest_line_fn)(const char *line, size_t len, void *ctx);
/* ingest_events_emit, giving message events to line as text (their keys
 * appended as text, not set in the record: most of the work of printing
 * them); the rest, and any that cannot be done so, to emit. */
void ingest_events_print(struct ingest_events *q, ingest_emit_fn emit,
			 ingest_line_fn line, void *ctx);

/* Derives again from stored deliveries (wa-recv replay), idempotently. */
int ingest_replay(struct ingest *in, int64_t since, const char *channel,
		  ingest_emit_fn emit, void *ctx, struct wa_err *err);

/*
 * File mode's pipeline: what deriving delivery d (borrowed; body, len its
 * bytes) needs no database for, its SHA-256 and each message normalised
 * and matched against the rules of q (a copy owned by the calling thread:
 * see quarantine_copy). Nothing the result holds is shared with the
 * caller, so it can be handed to the ingest's thread with d.
 */
struct quarantine;
struct ingest_prep;
struct ingest_prep *ingest_prepare(struct quarantine *q, jv d,
				   const char *body, size_t len);
void ingest_prep_free(struct ingest_prep *p);

/* ingest_delivery_jv for a delivery made ready by ingest_prepare (prep
 * borrowed, may be NULL: what it holds stays its own, except the records
 * that go into events, so it can be freed on the thread that made it). */
int ingest_delivery_prepared(struct ingest *in, jv delivery,
			     const char *body, size_t len,
			     struct ingest_prep *prep, const char *source,
			     struct wa_err *err);

/* Lends the compiled quarantine rules of in to another thread (compiling
 * them again costs more than a small run); in compiles its own copy if it
 * ever needs one before they are returned. */
struct quarantine *ingest_rules_lend(struct ingest *in);
void ingest_rules_return(struct ingest *in);

#endif
