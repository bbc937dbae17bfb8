/* SPDX-License-Identifier: MIT */
/* Concurrent Graph requests on one curl multi handle: rate cap, pair pacing, retries. */
#ifndef WA_GRAPH_MULTI_H
#define WA_GRAPH_MULTI_H

#include <stdint.h>
#include <jv.h>
#include "err.h"
#include "graph.h"

/*
 * Requests queue in submission order and start when three gates allow:
 *   rate   at most opts.rate starts in any 1-second window (a ring of the
 *          last `rate` start times is the hard limit; starts are also
 *          spread evenly so the wire sees a steady stream, not bursts);
 *   conns  at most opts.max_conns transfers at once, on reused easy
 *          handles sharing the multi handle's connection pool;
 *   pair   per pair key (the recipient), pair_burst starts, then one per
 *          pair_interval_ms: a request waits, it never fails for this.
 * Retryable failures (err->retry: rate limits 4/80007/130429/131056, 5xx,
 * network) go back to the queue after a jittered backoff or Retry-After,
 * up to graph_options()->max_attempts tries; a send (post_once) only when
 * the answer proves it was not processed.  A non-idempotent POST that
 * got no answer after its body went out is "ambiguous" and never resent.
 * Every retry counts against the rate.  No threads: callers drive it with
 * graph_multi_run().
 */

struct graph_multi;

struct graph_multi_opts {
	int rate;		/* starts per second, >= 1 */
	int max_conns;		/* concurrent transfers, >= 1 */
	int pair_burst;		/* starts per key before pacing, >= 1 */
	long pair_interval_ms;	/* then one per interval per key */
};

/* Called once per request when it is finished for good.  rc 0: resp is
 * the owned 2xx answer (jv_null() when empty).  rc -1: err (borrowed,
 * valid during the call) says why, resp the owned error body or invalid. */
typedef void (*graph_multi_done_fn)(void *ctx, int rc, jv resp,
				    const struct wa_err *err);

/* Borrows g (its base URL, token, options) for the multi's lifetime.
 * -1 with err "network" (exit 69) when curl cannot start. */
int graph_multi_new(struct graph_multi **out, struct graph *g,
		    const struct graph_multi_opts *opts, struct wa_err *err);
/* Aborts transfers still running without calling done; NULL is fine. */
void graph_multi_free(struct graph_multi *m);

/* Queues POST path with the JSON body (taken).  pair_key (copied; NULL
 * for none) paces requests to one recipient. */
void graph_multi_post(struct graph_multi *m, const char *path, jv body,
		      const char *pair_key, graph_multi_done_fn done,
		      void *ctx);

/* The same with the JSON body already dumped: takes payload (malloc'd,
 * NUL-terminated). */
void graph_multi_post_raw(struct graph_multi *m, const char *path,
			  char *payload, const char *pair_key,
			  graph_multi_done_fn done, void *ctx);

/* The same for a request that must never run twice (a message send):
 * a failed answer is retried only when it proves Meta did not process
 * the request (graph_once_check); otherwise it is "ambiguous". */
void graph_multi_post_once(struct graph_multi *m, const char *path,
			   char *payload, const char *pair_key,
			   graph_multi_done_fn done, void *ctx);

/* Queues a multipart upload of file (copied path) as mime to path, the
 * way graph_upload does.  Uploads are safe to repeat, so they retry on
 * any network error (never "ambiguous"). */
void graph_multi_upload(struct graph_multi *m, const char *path,
			const char *file, const char *mime,
			graph_multi_done_fn done, void *ctx);

/* Starts what the gates allow, waits at most timeout_ms for progress and
 * finishes transfers (calling done, which may queue more).  Returns how
 * many requests are still queued or running. */
int graph_multi_run(struct graph_multi *m, int timeout_ms);

/* Queued plus running requests. */
int graph_multi_pending(const struct graph_multi *m);
/* Queued requests that have not started (waiting on a gate or backoff). */
int graph_multi_waiting(const struct graph_multi *m);

/* Drops queued requests that have not started (calling done with err,
 * borrowed); running ones go on. */
void graph_multi_cancel(struct graph_multi *m, const struct wa_err *err);

#endif
