/* SPDX-License-Identifier: MIT */
/* The webhook HTTP(S) server (libmicrohttpd): handshake, signature, bounded reading, group commit of whatever the caller makes of a body. */
#ifndef WA_WHSERVER_H
#define WA_WHSERVER_H

#include <stddef.h>
#include "err.h"
#include "store.h"

/* Meta's payloads are at most 3 MB; leave room for headers of a batch. */
#define WHSERVER_MAX_BODY_DEFAULT ((size_t)3 << 20 | (size_t)64 << 10)
/* What strangers may hold before their signature is checked. */
#define WHSERVER_MAX_CONNS_DEFAULT 4096u
#define WHSERVER_MAX_PER_ADDR_DEFAULT 256u
#define WHSERVER_READ_MS_DEFAULT 30000u
#define WHSERVER_MAX_UNVERIFIED_DEFAULT ((size_t)64 << 20)

struct whserver;

/* One accepted delivery handed to the writer: valid during the batch
 * call only. */
struct whserver_item {
	void *payload;		/* what prepare made of the body */
	int stored;		/* out: 1 once committed (answered 200) */
	int retry;		/* out: not stored because the store cannot
				   be reached now (answered 503) */
};

/* Called on the HTTP thread that read a correctly signed body: takes body
 * (malloc'd, NUL-terminated, len bytes without the NUL); signature is
 * the X-Hub-Signature-256 header (borrowed) or NULL. Returns what the
 * batch gets; it must share nothing with other requests' payloads. */
typedef void *(*whserver_prepare_fn)(void *ctx, char *body, size_t len,
				     const char *signature);
/* Frees a payload once its request is answered (any thread). */
typedef void (*whserver_release_fn)(void *ctx, void *payload);

/*
 * Called in the single writer thread with every delivery queued since the
 * last call: store them (one transaction for all, ideally) and set
 * stored = 1 on each one whose transaction committed. Those are answered
 * 200 once a sync covers the commit; the others 500, or 503 when it set
 * retry (the store is unreachable for now), so Meta sends them again. Reports its own errors. Returns what after gets (may be NULL).
 */
typedef void *(*whserver_batch_fn)(void *ctx, struct whserver_item *it,
				   size_t n);
/*
 * Called in the sync thread: make every transaction the batch callback
 * committed so far durable (the commits need not be: e.g. SQLite's WAL
 * with synchronous=NORMAL, then an fsync of the WAL file). 0, or -1
 * (reported by the callback): the groups it covered are answered 500.
 */
typedef int (*whserver_sync_fn)(void *ctx);
/* Called in the sync thread with what batch returned, after that group's
 * answers were released (a good time to print its events), in the order
 * of the groups. */
typedef void (*whserver_after_fn)(void *ctx, void *done);
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
	const char *tls_cert;	/* PEM chain and key (borrowed): HTTPS; */
	const char *tls_key;	/* NULL: plain HTTP */
	unsigned max_conns;	/* connections open at once */
	unsigned max_per_addr;	/* of them from one client address (0: any) */
	unsigned read_ms;	/* a request (headers and body) is read whole
				   within this from its first byte's turn, or
				   its connection is closed */
	size_t max_unverified;	/* bytes of bodies being read, all requests
				   together: 503 past it */
	whserver_prepare_fn prepare;
	whserver_batch_fn batch;
	whserver_sync_fn sync;		/* NULL: commits are durable */
	whserver_release_fn release;
	whserver_after_fn after;	/* may be NULL */
	whserver_log_fn log;		/* may be NULL */
	void *ctx;
};

/* Names the calling thread (as top -H and /proc show it). */
void whserver_name_thread(const char *name);

/* Defaults for everything but listen and the callbacks. */
void whserver_opts_default(struct whserver_opts *o);

/* Parses "HOST:PORT" into a bound, listening socket. Returns the fd, or
 * -1 with err: usage (64) for a malformed value, busy (75) when the
 * address is in use, auth (77) when not allowed, config (78) else. */
int whserver_listen(const char *addr, struct wa_err *err);

/* Starts the HTTP threads and the writer. opts is copied; the strings
 * it points at are borrowed and must outlive the server. -1 with err as
 * whserver_listen, or 78 for a certificate or key that cannot be used,
 * 69 when libmicrohttpd or its TLS cannot be loaded. */
int whserver_start(struct whserver **out, const struct whserver_opts *opts,
		   struct wa_err *err);

/* Reads the certificate and key files again (a renewal): new handshakes
 * use them, connections open keep theirs. 0 (also without HTTPS), or -1
 * with err (78), the old pair still in use. */
int whserver_reload(struct whserver *s, struct wa_err *err);

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

/* Counters since start (read at any time). */
struct whserver_stats {
	unsigned long accepted;		/* answered 200 after commit */
	unsigned long rejected;		/* 4xx, 503 */
	unsigned long failed;		/* 500: batch did not commit */
	unsigned long batches;		/* transactions */
	unsigned long max_batch;	/* largest group committed */
	unsigned long cut;		/* connections closed by read_ms */
};
void whserver_stats(struct whserver *s, struct whserver_stats *out);

#endif
