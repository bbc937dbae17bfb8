/* SPDX-License-Identifier: MIT */
/* Webhook deliveries into the help desk in three stages: plan, apply, render (rule 12). */
#ifndef WA_INGEST_H
#define WA_INGEST_H

#include <stddef.h>
#include <stdint.h>
#include <jv.h>
#include "err.h"
#include "store.h"

/*
 * Every driver (file mode, serve, replay) goes through the same three
 * stages; the code is in lib/ingest/.
 *
 *   plan    pure, any thread, no database: the delivery's bytes (and its
 *           parsed value when the driver has it) into a plan: SHA-256,
 *           each element of every change of every entry in Meta's
 *           order, normalised, checked, quarantined, its event record
 *           rendered as text. An element that cannot be understood is
 *           an error element of the plan, never a reason to stop.
 *   apply   inside the caller's transaction: the raw delivery row, then
 *           each element through the desk; each event gets the next
 *           number of the event log and is logged with the rows.
 *   render  after the commit, any thread: the events' lines to a sink,
 *           errors also to its warn.
 */

struct ingest;
struct ingest_plan;
struct ingest_events;
struct quarantine;

/* Prepares ingestion into st (borrowed): loads the quarantine rules'
 * texts (compiled when first used: ingest_rules). */
int ingest_new(struct ingest **out, struct store *st, struct wa_err *err);
void ingest_free(struct ingest *in);

/* Adds the rules of a quarantine rules file (WA_QUARANTINE_RULES). -1
 * with err (config, exit 78). */
int ingest_quarantine_file(struct ingest *in, const char *path,
			   struct wa_err *err);

/* The rules of in compiled (borrowed), for the thread that owns in;
 * NULL with err (config, exit 78) when a rule does not compile. */
struct quarantine *ingest_rules(struct ingest *in, struct wa_err *err);
/* The rules' texts (borrowed): another planning thread compiles its own
 * copy with quarantine_copy. */
struct quarantine *ingest_rule_texts(struct ingest *in);

/* ---- plan ---- */

/* Plans body (taken: malloc'd, NUL-terminated, len bytes without the
 * NUL), parsing it here. q: the calling thread's rules (borrowed; NULL
 * for none). line: the input line, 0 for none. Never fails. */
struct ingest_plan *ingest_plan(struct quarantine *q, char *body, size_t len,
				long line);
/* The same for a body already parsed: d taken (an invalid value with a
 * message when the input was not JSON: the plan stores it raw, as an
 * error). */
struct ingest_plan *ingest_plan_parsed(struct quarantine *q, jv d,
				       char *body, size_t len, long line);
void ingest_plan_free(struct ingest_plan *p);
/* The X-Hub-Signature-256 header the body came with (copied), for the
 * raw row. */
void ingest_plan_set_signature(struct ingest_plan *p, const char *signature);
const char *ingest_plan_signature(const struct ingest_plan *p);

/* ---- apply ---- */

/* Applies p (borrowed; the thread that holds it) inside a transaction
 * the caller opened: source "file"|"http" (NULL in replay), signature
 * the X-Hub-Signature-256 header or NULL. Returns 0 understood, 1 stored
 * but not (wholly) understood (error events queued), -1 only on a
 * database error (err; the caller rolls back and calls ingest_rollback). */
int ingest_apply(struct ingest *in, struct ingest_plan *p, const char *source,
		 const char *signature, struct wa_err *err);

/* With on = 1, message text is indexed for search once per transaction
 * by ingest_finish, which the caller then calls before each COMMIT. */
void ingest_defer_text(struct ingest *in, int on);
int ingest_finish(struct ingest *in, struct wa_err *err);

/* After ROLLBACK: drops the queued events. */
void ingest_rollback(struct ingest *in);

/* ---- render ---- */

/* Where events go: line gets each event as compact JSON without a
 * newline (< 0: the output failed; later lines are not offered); warn
 * (may be NULL) gets each error event as a diagnostic with its input
 * line (0 none). */
struct ingest_sink {
	int (*line)(const char *text, size_t len, void *ctx);
	void (*warn)(const struct wa_err *err, long line, void *ctx);
	void *ctx;
};

/* After COMMIT: takes the events out of in (NULL when none). */
struct ingest_events *ingest_take_events(struct ingest *in);
/* Writes q's events to sink and frees q. 0, or -1 when line failed. */
int ingest_render(struct ingest_events *q, const struct ingest_sink *sink);
void ingest_events_free(struct ingest_events *q);
/* The sequence number of q's last event (0 none), and how many. */
int64_t ingest_events_last(const struct ingest_events *q);
size_t ingest_events_count(const struct ingest_events *q);

/* ---- drivers inside lib/ingest ---- */

/* Derives again from stored deliveries (wa-recv replay), idempotently,
 * rendering to sink after each commit. A delivery stored as not
 * understood that is still not understood is no news: its error events
 * are not made again (known_errors counts it), and one event
 * {"event":"skipped","reason":"known_errors","deliveries":N} at the end
 * says how many there were. 0, 1 when some were newly not wholly
 * understood, -1 with err, -2 when the sink failed; stats filled either
 * way. */
struct ingest_replay_stats {
	long deliveries;	/* derived again */
	long errors;		/* not wholly understood, newly */
	long known_errors;	/* not understood, as stored before */
};
int ingest_replay(struct ingest *in, int64_t since, const char *channel,
		  const struct ingest_sink *sink,
		  struct ingest_replay_stats *stats, struct wa_err *err);

/* The logged events after since (wa-recv events), to sink.line. 0, -1
 * with err, -2 when the sink failed. */
int ingest_log(struct store *st, int64_t since, const struct ingest_sink *sink,
	       struct wa_err *err);

#endif
