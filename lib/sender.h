/* SPDX-License-Identifier: MIT */
/* The send pipeline shared by wa-send and wa-template send: checks, intent, Graph, outcome. */
#ifndef WA_SENDER_H
#define WA_SENDER_H

/*
 * NOTE from wa-template: `wa-template send` relies on "type":"template"
 * counting per rule 6 (window_classify(..., is_template = 1)), header
 * "path" upload (check_template_media), and sender_reject() for its own
 * refusals (template_not_found, template_not_approved, template_params).
 */

#include <stdint.h>
#include <jv.h>
#include "err.h"
#include "config.h"
#include "store.h"

/*
 * One input goes through:
 *
 *   target    thread_id wins, then to (any phone format, WA_DEFAULT_CC),
 *             then wa_id; channel from the input, the thread, the
 *             sender's default, the contact's open thread, or the only
 *             connected channel (not_connected, unknown_thread,
 *             invalid_phone, invalid_input).
 *   checks    channel connected; rule 5 window (window_classify; a
 *             free-form message outside the session is window_closed,
 *             naming when it closed, action use_template); rule 6 quota
 *             (quotadb_usage: settings "quota.limit" and
 *             "quota.subscription_start", see lib/quotadb.h;
 *             quota_exhausted, and daily_limit for an unverified
 *             business); local media type and size (media_type,
 *             media_too_large).  Nothing is sent when one fails.
 *   intent    in one BEGIN IMMEDIATE: the checks above, a 'pending' row
 *             in messages (with idempotency_key and send_owner, the
 *             run's byte in the send lock file) and the conversation it
 *             is counted in (a new one is reserved now, so concurrent
 *             sends cannot overrun the limit); committed before the
 *             request starts.  Intents are batched (about rate/16 per
 *             transaction) while enough requests are queued to keep the
 *             wire busy; otherwise each is committed at once.
 *   Graph     upload of local media (POST /PNID/media), then
 *             POST /PNID/messages on one curl multi handle: at most
 *             opts.rate requests in any 1-second window, one message per
 *             6 s per recipient after a small burst (queued, not failed),
 *             retries with backoff and Retry-After only where the answer
 *             proves Meta did not process the message (no connection,
 *             rate limits, 503 with Retry-After); a POST without an
 *             answer after its body went out, or any other 5xx, is
 *             'ambiguous' and is never resent.
 *   outcome   in a new transaction (one per poll round for all the
 *             answers that came in it): status sent (wamid) / failed /
 *             ambiguous, the thread and ticket (desk_thread_open, origin
 *             "outbound"), statuses that arrived before the message
 *             (desk_apply_pending_statuses); a reserved conversation of a
 *             failed send is released.  Committed, then the result record
 *             is handed to emit.
 *
 * Result records reach emit once per input, in submission order, each
 * after its commit:
 *   {"ok":true,"wamid","thread_id","ticket_id","wa_id","channel","to",
 *    "type","conversation":"existing|new_user_initiated|
 *    new_business_initiated","status":"sent","line"}
 * or wa_err_result() with "input" and "line".  Dry runs give
 *   {"ok":true,"dry_run":true,"request":{"method","path","body"},
 *    ["upload":{"method","path","file","mime"}],...}
 * and record nothing.  A repeated idempotency_key whose first attempt was
 * sent (or is ambiguous) is answered with the first result plus
 * "duplicate":true and not sent again; one still pending in another live
 * run is the error duplicate; one whose first attempt failed is sent
 * again.  A key is a non-empty string or a whole number (its decimal
 * string); ids, numbers and keys holding U+0000 are invalid_input.
 *
 * sender_new (unless a dry run) first records every send left pending
 * by a run that died as ambiguous; each is answered ahead of the inputs
 * with {"ok":false,"error":{"code":"ambiguous"},"recovered":true,
 * "idempotency_key","wamid":null,"message_id",...} (lib/sender_recover.c).
 */

struct sender;

struct sender_opts {
	int rate;		/* requests per second, never more (80) */
	int sequential;		/* 1: one request at a time (baseline) */
	int dry_run;		/* check and print; record and send nothing */
	const char *channel;	/* default channel id or NULL (borrowed) */
	const char *agent;	/* who sends, stored on the message (borrowed) */
	int pair_burst;		/* messages to one user before pacing (5) */
	long pair_interval_ms;	/* then one per this many ms (6000) */
};

/* Called once per input in submission order, after its outcome was
 * committed; takes rec.  Returns 0, or -1 when output failed: the
 * pipeline then stops taking input (sender_submit returns -1, exit 74). */
typedef int (*sender_emit_fn)(jv rec, void *ctx);

/* Fills opts with the defaults above. */
void sender_opts_default(struct sender_opts *opts);

/* A pipeline over st and cfg (both borrowed, must outlive it).  Opens the
 * Graph client unless opts->dry_run: no token is exit 78 ("auth").  An
 * opts->channel that is not a known channel is exit 78 ("config").
 * Sets err and returns -1 on failure. */
int sender_new(struct sender **out, struct store *st,
	       const struct wa_config *cfg, const struct sender_opts *opts,
	       sender_emit_fn emit, void *ctx, struct wa_err *err);
/* Frees everything; call after sender_finish. NULL is fine. */
void sender_free(struct sender *s);

/*
 * Submits one message; takes msg and input (the original record, echoed
 * in error results; jv_invalid() for none), line for results (0 none).
 * msg is an object:
 *   target    "thread_id" (number or numeric string), "to", "wa_id",
 *             "channel" (phone-number id)
 *   content   "type" and the Graph object under that key, as Meta wants it:
 *             text {"body","preview_url"}, image|video|document|audio|
 *             sticker {"link"} or {"path" (local file, uploaded first),
 *             "caption","filename","voice"}, location, contacts, reaction,
 *             template {"name","language":{"code"},"components"} (header
 *             media parameters may carry "path" too);
 *             "type":"read" with "read":{"message_id","typing"} marks a
 *             received message read (no window, not recorded as a message;
 *             the thread's unread drops to 0)
 *   optional  "context":{"message_id"} (reply), "idempotency_key",
 *             "text" (what to store and index for search when the
 *             content has no plain body, e.g. a rendered template)
 * Checks run now; a refused input is answered in order and 0 returned.
 * May run transfers while it waits for room.  Returns -1 only for a fatal
 * error (err->sysexit not 0/1: 69 Graph unavailable after retries, 74,
 * 75, 77 bad token, 78): stop submitting, call sender_finish.
 */
int sender_submit(struct sender *s, jv msg, jv input, long line,
		  struct wa_err *err);

/* Answers input with a refusal the caller found itself (e.g. a template
 * check), in order with the others.  Borrows e; takes input. */
void sender_reject(struct sender *s, const struct wa_err *e, jv input,
		   long line);

/* Runs until every submitted input was answered (after a fatal error:
 * the transfers in flight finish, queued ones are answered with the fatal
 * error and their intents released).  0, or -1 with the fatal err. */
int sender_finish(struct sender *s, struct wa_err *err);

/* wa-send's input: a record (borrowed) and the command line's flags
 * (borrowed object with the same keys) into msg (owned).  Content keys:
 * text (string or {"body","preview_url"}), image, video, audio, voice,
 * document, sticker (a file name, an http(s) URL or {"path"|"link"|
 * "id","caption","filename"}), location ("LAT,LON" or {"latitude",
 * "longitude","name","address"}), contacts (array), reaction (emoji with
 * reply_to, or {"message_id","emoji"}), mark_read (wamid, with typing).
 * The record's content wins; the flags' applies when it has none.
 * Records other tools write (with "event" or "ok") give targets only.
 * Targets: thread_id, to, wa_id from the record, else from the flags.
 * -1 with err invalid_input (exit 1). */
int sender_msg_from_record(jv rec, jv flags, jv *msg, struct wa_err *err);

/* The run's exit status so far: 0, 1 (some input refused) or fatal. */
int sender_status(const struct sender *s);

#endif
