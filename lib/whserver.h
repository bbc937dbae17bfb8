/* SPDX-License-Identifier: MIT */
/* The webhook HTTP server (libmicrohttpd): handshake, signature, group commit. */
#ifndef WA_WHSERVER_H
#define WA_WHSERVER_H

#include <stddef.h>
#include "err.h"
#include "ingest.h"
#include "store.h"

/* Meta's payloads are at most 3 MB; leave room for headers of a batch. */
#define WHSERVER_MAX_BODY_DEFAULT ((size_t)3 << 20 | (size_t)64 << 10)

struct whserver;

/* One accepted delivery handed to the writer: borrowed, valid during the
 * batch call only. */
struct whserver_item {
	const char *body;	/* raw bytes as received, NUL-terminated */
	size_t len;		/* bytes, without the NUL */
	const char *signature;	/* X-Hub-Signature-256 or NULL */
	int stored;		/* out: 1 once committed (answered 200) */
};

/*
 * Called in the single writer thread with every delivery queued since the
 * last call: store them (one transaction for all, ideally) and set
 * stored = 1 on each one whose transaction committed. Those are answered
 * 200; the others 500, so Meta sends them again. Reports its own errors.
 */
typedef void (*whserver_batch_fn)(void *ctx, struct whserver_item *it,
				  size_t n);
/* Called in the writer thread after the batch's answers were released
 * (a good time to print its events). */
typedef void (*whserver_after_fn)(void *ctx);
/* Diagnostics about rejected requests, from any HTTP thread (lib never
 * prints). */
typedef void (*whserver_log_fn)(void *ctx, const struct wa_err *err);

struct whserver_opts {
	const char *listen;	/* "ADDR:PORT", "[v6]:PORT", ":PORT"; 0 = any port */
	const char *path;	/* "/webhook" */
	size_t max_body;	/* larger bodies get 413 */
	const char *app_secret;	/* borrowed; NULL: signatures not checked */
	const char *verify_token; /* borrowed; NULL: every handshake is 403 */
	unsigned threads;	/* HTTP threads (4) */
	size_t max_batch;	/* deliveries per transaction (1000) */
	unsigned drain_ms;	/* how long whserver_stop waits for requests */
	whserver_batch_fn batch;
	whserver_after_fn after;	/* may be NULL */
	whserver_log_fn log;		/* may be NULL */
	void *ctx;
};

/* Defaults for everything but listen and the callbacks. */
void whserver_opts_default(struct whserver_opts *o);

/* Parses "HOST:PORT" into a bound, listening socket. Returns the fd, or
 * -1 with err: usage (64) for a malformed value, busy (75) when the
 * address is in use, auth (77) when not allowed, config (78) else. */
int whserver_listen(const char *addr, struct wa_err *err);

/* Starts the HTTP threads and the writer. opts is copied; the strings
 * it points at are borrowed and must outlive the server. */
int whserver_start(struct whserver **out, const struct whserver_opts *opts,
		   struct wa_err *err);

/* The bound TCP port (useful after listening on port 0). */
unsigned whserver_port(const struct whserver *s);

struct whserver_stats;

/* Stops accepting, lets requests in flight finish (up to drain_ms),
 * commits what was queued, joins the threads and frees s. Fills final
 * (may be NULL) with the last counters. Returns how many requests were
 * still unfinished when it gave up (0 normally). */
unsigned whserver_stop(struct whserver *s, struct whserver_stats *final);

/* Writes the bound port and a newline to file (via a temporary file and
 * rename, so a reader never sees half of it). -1 with err io (74). */
int whserver_write_port(const struct whserver *s, const char *file,
			struct wa_err *err);

/* The batch callback that stores through ingest: ctx is a struct
 * whserver_ingest. One transaction for the group; if it fails, one per
 * delivery, so one bad delivery cannot keep the others out. Events of
 * the group stay queued in in for the after callback (ingest_flush);
 * those of a one-by-one retry go to emit at once. */
struct whserver_ingest {
	struct store *st;	/* borrowed */
	struct ingest *in;	/* borrowed */
	ingest_emit_fn emit;	/* for one-by-one retries */
	whserver_log_fn log;	/* database errors; may be NULL */
};
void whserver_ingest_batch(void *ctx, struct whserver_item *it, size_t n);

/* A thread with its own connection to db_path that checkpoints the WAL
 * (PASSIVE) every ms, so the writer's commits do not wait for
 * checkpoints; the writer keeps a large wal_autocheckpoint as a safety
 * net. Best effort: a failed checkpoint is tried again later. */
struct whserver_ckpt;
int whserver_ckpt_start(struct whserver_ckpt **out, const char *db_path,
			unsigned ms, struct wa_err *err);
void whserver_ckpt_stop(struct whserver_ckpt *c);

/* Counters since start (read at any time). */
struct whserver_stats {
	unsigned long accepted;		/* answered 200 after commit */
	unsigned long rejected;		/* 4xx */
	unsigned long failed;		/* 500: batch did not commit */
	unsigned long batches;		/* transactions */
	unsigned long max_batch;	/* largest group committed */
};
void whserver_stats(struct whserver *s, struct whserver_stats *out);

#endif
