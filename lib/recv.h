/* SPDX-License-Identifier: MIT */
/* wa-recv's drivers: opening, file mode (lib/recv_files.c), the server's life, media runs. */
#ifndef WA_RECV_H
#define WA_RECV_H

#include <stddef.h>
#include <stdint.h>
#include <jv.h>
#include "err.h"
#include "graph.h"
#include "ingest.h"
#include "store.h"
#include "whserver.h"

/* Opens the store at db (NULL: WA_DB, the default) with store_open_flags'
 * flags and an ingest on it with WA_QUARANTINE_RULES when set. 0, or -1
 * with err (nothing open). */
int recv_open(const char *db, unsigned flags, struct store **st,
	      struct ingest **in, struct wa_err *err);

/* ---- file mode: many deliveries per transaction ---- */

#define RECV_MAX_BODY (3 << 20)	/* Meta's payloads are at most 3 MB */

struct recv_batch {
	struct store *st;	/* borrowed */
	const char *db_path;	/* st's file, checkpointed by a thread of its
				   own (borrowed; NULL: none) */
	struct ingest *in;	/* borrowed */
	int limit;		/* deliveries per transaction */
	int64_t hold_us;	/* and at most this long (0: no bound) */
	int pending;		/* deliveries in the open transaction */
	int64_t begun_us;	/* when it began (mono_us) */
	int status;		/* 1 once a delivery or line was rejected */
	struct ingest_sink sink;	/* committed events (a writer thread) */
	int (*flush)(void *ctx);	/* after a commit (writer thread);
					   < 0: the output failed (74) */
	void (*warn)(void *ctx, const struct wa_err *err, long line);
	void *ctx;		/* of flush and warn */
};

/*
 * Stores the deliveries of the files (none: standard input; "-" is
 * standard input too), one JSON value each, limit per transaction. A
 * line that is not JSON is stored raw as a delivery in error (an error
 * event, status 1); a file with no JSON at all is 65. A fatal error (database, output) stops the run after
 * committing what the open transaction held, if it still can. Returns the
 * exit status; everything was reported through warn.
 */
int recv_files(struct recv_batch *b, char **files, int n);

/* ---- serve: the HTTP server, its checkpointer and signals ---- */

struct recv_serve;

/* What the server reports. Events go to sink from a printer thread of
 * their own, never holding up the commits: when more than backlog
 * events wait for a slow reader, the live stream drops what comes next
 * (it is in the event log) until the reader has caught up, then one
 * "missed" event says which to read back with `wa-recv events --since`. */
#define RECV_SERVE_BACKLOG 100000
struct recv_serve_cb {
	struct ingest_sink sink;	/* events of committed groups */
	size_t backlog;			/* 0: RECV_SERVE_BACKLOG */
	int (*flush)(void *ctx);	/* after a group; < 0: the output is
					   gone, the server stops */
	whserver_log_fn log;		/* refused requests, database errors */
	void *ctx;			/* of flush and log */
};

/*
 * Answers 200 only once a commit is durable (a 200 tells Meta never to
 * send again): commits with synchronous=NORMAL, then an fsync of the WAL
 * on the server's sync thread. Blocks SIGINT, SIGTERM and SIGHUP in the
 * calling thread (the threads started here inherit that; recv_serve_wait takes
 * them), starts the WAL checkpoint thread on db_path and the server with
 * o (copied; its callbacks and ctx are set here). st and in are borrowed. 0, or -1 with
 * err (64 bad address, 69 no libmicrohttpd, 74, 75 address in use, 77,
 * 78).
 */
int recv_serve_start(struct recv_serve **out, const struct whserver_opts *o,
		     const char *db_path, struct store *st, struct ingest *in,
		     const struct recv_serve_cb *cb, struct wa_err *err);

/* The bound port. */
unsigned recv_serve_port(const struct recv_serve *rs);

/* Writes the bound port to file (atomically). -1 with err io (74). */
int recv_serve_write_port(const struct recv_serve *rs, const char *file,
			  struct wa_err *err);

/* Blocks until SIGINT, SIGTERM (also raised when flush failed) or SIGHUP;
 * returns the signal. */
int recv_serve_wait(struct recv_serve *rs);

/* SIGHUP: reads the certificate and key again (HTTPS). 0, or -1 with err
 * (78), the old ones still in use. */
int recv_serve_reload(struct recv_serve *rs, struct wa_err *err);

/* Appends standard error to path from now on (--log; again on SIGHUP,
 * after a rotation). -1 with err (74), standard error unchanged. */
int recv_log_open(const char *path, struct wa_err *err);

/* Stops the server (requests in flight finish, queued ones are
 * committed), then the checkpointer; frees rs. Fills stats; returns the
 * requests still unfinished when it gave up. */
unsigned recv_serve_stop(struct recv_serve *rs, struct whserver_stats *stats);

/* ---- media: fetch what is due ---- */

typedef void (*recv_record_fn)(jv rec, void *ctx);

/* Fetches the media that are due at now (media_due: thread_id 0 every
 * thread, limit <= 0 all, retry_failed the failed ones too) into dir,
 * handing one result record per message to fn: ok true, or a SPEC error
 * record with "media_state" ("failed": for good; "pending": tried again,
 * from "retry_at" when that is set). An unknown thread gives one
 * unknown_thread record. *status: 0, 1 when some failed, or the fatal
 * exit status (74, 75, 77, 78, ...) of the failure that stopped the run.
 * -1 with err when the due list cannot be read. */
int recv_media(struct store *st, struct graph *g, const char *dir,
	       int64_t thread_id, long limit, int retry_failed, int64_t now,
	       recv_record_fn fn, void *ctx, int *status,
	       struct wa_err *err);

#endif
