/* SPDX-License-Identifier: MIT */
/* wa-recv serve's life: durable commits, checkpointer, server, signals. */
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>
#include <pthread.h>
#include "recv.h"
#include "util.h"

/* wi first: whserver_ingest_batch and its log get the same pointer. */
struct recv_serve {
	struct whserver_ingest wi;
	struct whserver *srv;
	struct whserver_ckpt *ckpt;
	struct recv_serve_cb cb;
	sigset_t sigs;			/* SIGINT, SIGTERM */
};

/* The writer thread, after a group's answers went out: its events. */
static void
after(void *ctx)
{
	struct recv_serve *rs = ctx;

	ingest_flush(rs->wi.in, rs->cb.emit, rs->cb.ctx);
	if (rs->cb.flush && rs->cb.flush(rs->cb.ctx) < 0)
		kill(getpid(), SIGTERM);	/* no reader: stop */
}

static void
log_err(void *ctx, const struct wa_err *err)
{
	struct recv_serve *rs = ctx;

	if (rs->cb.log)
		rs->cb.log(rs->cb.ctx, err);
}

int
recv_serve_start(struct recv_serve **out, const struct whserver_opts *o,
		 const char *db_path, struct store *st, struct ingest *in,
		 const struct recv_serve_cb *cb, struct wa_err *err)
{
	struct recv_serve *rs;
	struct whserver_opts so = *o;

	*out = NULL;
	/* A 200 tells Meta never to send it again: make the commit survive
	 * a power cut, not only a crash. Checkpoints run in their own
	 * thread (the large limit is a safety net). */
	if (store_exec(st, "PRAGMA synchronous=FULL;"
		       " PRAGMA wal_autocheckpoint=4000", err) < 0)
		return -1;
	rs = xcalloc(1, sizeof(*rs));
	rs->cb = *cb;
	rs->wi.st = st;
	rs->wi.in = in;
	rs->wi.emit = cb->emit;
	rs->wi.log = log_err;
	/* Every thread inherits the mask; recv_serve_wait takes signals. */
	sigemptyset(&rs->sigs);
	sigaddset(&rs->sigs, SIGTERM);
	sigaddset(&rs->sigs, SIGINT);
	pthread_sigmask(SIG_BLOCK, &rs->sigs, NULL);
	so.batch = whserver_ingest_batch;
	so.after = after;
	so.log = log_err;
	so.ctx = rs;
	if (whserver_ckpt_start(&rs->ckpt, db_path, 100, err) < 0) {
		free(rs);
		return -1;
	}
	if (whserver_start(&rs->srv, &so, err) < 0) {
		whserver_ckpt_stop(rs->ckpt);
		free(rs);
		return -1;
	}
	*out = rs;
	return 0;
}

unsigned
recv_serve_port(const struct recv_serve *rs)
{
	return whserver_port(rs->srv);
}

int
recv_serve_write_port(const struct recv_serve *rs, const char *file,
		      struct wa_err *err)
{
	return whserver_write_port(rs->srv, file, err);
}

int
recv_serve_wait(struct recv_serve *rs)
{
	int sig = 0;

	sigwait(&rs->sigs, &sig);
	return sig;
}

unsigned
recv_serve_stop(struct recv_serve *rs, struct whserver_stats *stats)
{
	unsigned left = whserver_stop(rs->srv, stats);

	whserver_ckpt_stop(rs->ckpt);
	free(rs);
	return left;
}
