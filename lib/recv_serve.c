/* SPDX-License-Identifier: MIT */
/* wa-recv serve: the ingest pipeline behind the group-commit server; durable commits, a printer that never holds them up. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "jsonl.h"
#include "quarantine.h"
#include "recv.h"
#include "util.h"

/*
 * plan   on the HTTP thread that read the body (prepare), with that
 *        thread's own compiled rules;
 * apply  on the server's writer thread, one transaction per group;
 * render on the printer thread, after the commit, from a queue the
 *        writer never waits on.
 */

struct printer {
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct pq {
		struct ingest_events *q;
		struct pq *next;
	} *head, *tail;
	size_t waiting;			/* events queued */
	size_t backlog;			/* most events queued */
	int64_t missed_from, missed_to;	/* dropped, not yet told */
	size_t missed;
	int quit;
	int failed;
};

struct recv_serve {
	struct store *st;		/* borrowed */
	struct ingest *in;		/* borrowed */
	struct whserver *srv;
	struct store_ckpt *ckpt;
	struct recv_serve_cb cb;
	struct printer pr;
	pthread_key_t rules;		/* each HTTP thread's compiled rules */
	sigset_t sigs;			/* SIGINT, SIGTERM */
};

/* ---- plan: on the HTTP threads ---- */

static void
rules_free(void *q)
{
	quarantine_free(q);
	jx_cache_release();
}

static void *
prepare(void *ctx, char *body, size_t len, const char *signature)
{
	struct recv_serve *rs = ctx;
	struct quarantine *q = pthread_getspecific(rs->rules);
	struct ingest_plan *p;
	struct wa_err err;

	if (!q) {	/* compiled once per thread: the texts are only read */
		q = quarantine_copy(ingest_rule_texts(rs->in), &err);
		pthread_setspecific(rs->rules, q);
	}
	p = ingest_plan(q, body, len, 0);
	ingest_plan_set_signature(p, signature);
	return p;
}

static void
release(void *ctx, void *payload)
{
	ingest_plan_free(payload);
}

/* ---- apply: the writer thread ---- */

static int
apply_group(struct recv_serve *rs, struct whserver_item *it, size_t n)
{
	struct wa_err err;
	size_t i;

	wa_err_clear(&err);
	if (store_begin(rs->st, &err) < 0)
		goto fail;
	for (i = 0; i < n; i++)
		if (ingest_apply(rs->in, it[i].payload, "http",
				 ingest_plan_signature(it[i].payload),
				 &err) < 0) {
			store_rollback(rs->st);
			goto fail;
		}
	if (store_commit(rs->st, &err) < 0)
		goto fail;
	for (i = 0; i < n; i++)
		it[i].stored = 1;
	return 0;
fail:
	ingest_rollback(rs->in);
	if (rs->cb.log)
		rs->cb.log(rs->cb.ctx, &err);
	return -1;
}

static void printer_put(struct printer *pr, struct ingest_events *q);

/* One transaction for the group; if it fails, one per delivery, so one
 * delivery the database refuses cannot keep the others out. */
static void
batch(void *ctx, struct whserver_item *it, size_t n)
{
	struct recv_serve *rs = ctx;
	size_t i;

	if (apply_group(rs, it, n) == 0 || n == 1)
		return;
	for (i = 0; i < n; i++)
		if (apply_group(rs, it + i, 1) == 0)
			printer_put(&rs->pr, ingest_take_events(rs->in));
}

/* After a group's answers went out: its events to the printer. */
static void
after(void *ctx)
{
	struct recv_serve *rs = ctx;

	printer_put(&rs->pr, ingest_take_events(rs->in));
}

/* ---- render: the printer thread ---- */

static void
printer_put(struct printer *pr, struct ingest_events *q)
{
	struct pq *n;
	size_t count = ingest_events_count(q);

	if (!count) {
		ingest_events_free(q);
		return;
	}
	pthread_mutex_lock(&pr->mu);
	if (pr->missed || pr->waiting + count > pr->backlog) {
		/* The reader is stalled: keep acknowledging Meta, and drop
		 * until it has caught up with what is queued. */
		int64_t last = ingest_events_last(q);

		if (!pr->missed)
			pr->missed_from = last - (int64_t)count + 1;
		pr->missed_to = last;
		pr->missed += count;
		pthread_mutex_unlock(&pr->mu);
		ingest_events_free(q);
		return;
	}
	n = xcalloc(1, sizeof(*n));
	n->q = q;
	if (pr->tail)
		pr->tail->next = n;
	else
		pr->head = n;
	pr->tail = n;
	pr->waiting += count;
	pthread_cond_signal(&pr->cv);
	pthread_mutex_unlock(&pr->mu);
}

/* The line that tells a reader what it missed and how to get it. */
static int
tell_missed(struct recv_serve *rs, size_t n, int64_t from, int64_t to)
{
	char line[256];
	int len = snprintf(line, sizeof(line),
			   "{\"event\":\"missed\",\"count\":%zu,"
			   "\"from_seq\":%lld,\"to_seq\":%lld,\"resume\":"
			   "\"wa-recv events --since %lld\"}", n,
			   (long long)from, (long long)to,
			   (long long)(from - 1));

	return rs->cb.sink.line(line, (size_t)len, rs->cb.sink.ctx);
}

static void *
printer_main(void *arg)
{
	struct recv_serve *rs = arg;
	struct printer *pr = &rs->pr;

	for (;;) {
		struct pq *n;
		size_t missed;
		int64_t from = 0, to = 0;
		int bad = 0;

		pthread_mutex_lock(&pr->mu);
		while (!pr->head && !pr->missed && !pr->quit)
			pthread_cond_wait(&pr->cv, &pr->mu);
		n = pr->head;
		missed = 0;
		if (n) {
			pr->head = n->next;
			if (!pr->head)
				pr->tail = NULL;
			pr->waiting -= ingest_events_count(n->q);
		} else {	/* what was queued before the gap is out */
			missed = pr->missed;
			from = pr->missed_from;
			to = pr->missed_to;
			pr->missed = 0;
		}
		if (!n && !missed) {
			pthread_mutex_unlock(&pr->mu);
			break;
		}
		pthread_mutex_unlock(&pr->mu);
		if (n) {
			bad = ingest_render(n->q, &rs->cb.sink) < 0;
			free(n);
		}
		if (missed && !bad)
			bad = tell_missed(rs, missed, from, to) < 0;
		if (!bad && rs->cb.flush && rs->cb.flush(rs->cb.ctx) < 0)
			bad = 1;
		if (bad && !pr->failed) {
			pr->failed = 1;
			kill(getpid(), SIGTERM);	/* no reader: stop */
		}
	}
	return NULL;
}

static int
printer_start(struct recv_serve *rs, struct wa_err *err)
{
	pthread_mutex_init(&rs->pr.mu, NULL);
	pthread_cond_init(&rs->pr.cv, NULL);
	if (pthread_create(&rs->pr.th, NULL, printer_main, rs) != 0)
		return wa_err_set(err, WA_EX_IOERR, "io",
				  "cannot start the printer thread");
	return 0;
}

static void
printer_stop(struct printer *pr)
{
	pthread_mutex_lock(&pr->mu);
	pr->quit = 1;
	pthread_cond_signal(&pr->cv);
	pthread_mutex_unlock(&pr->mu);
	pthread_join(pr->th, NULL);
	pthread_mutex_destroy(&pr->mu);
	pthread_cond_destroy(&pr->cv);
}

/* ---- the server's life ---- */

static void
log_err(void *ctx, const struct wa_err *err)
{
	struct recv_serve *rs = ctx;

	if (rs->cb.log)
		rs->cb.log(rs->cb.ctx, err);
}

/* A database the server cannot write would answer 500 to everything:
 * refuse to start instead (74). */
static int
writable(struct store *st, struct wa_err *err)
{
	if (store_begin(st, err) < 0)
		return -1;
	if (store_exec(st, "UPDATE settings SET value = value WHERE 1 = 0",
		       err) < 0
	    || store_commit(st, err) < 0) {
		store_rollback(st);
		return -1;
	}
	return 0;
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
	if ((store_engine(st) == SQL_SQLITE &&
	     store_exec(st, "PRAGMA synchronous=FULL;"
			" PRAGMA wal_autocheckpoint=4000", err) < 0) ||
	    writable(st, err) < 0) {
		if (err->sysexit != WA_EX_TEMPFAIL)
			err->sysexit = WA_EX_IOERR;
		return -1;
	}
	/* the rules compile (each HTTP thread compiles its own copy) */
	if (!ingest_rules(in, err))
		return -1;
	rs = xcalloc(1, sizeof(*rs));
	rs->cb = *cb;
	rs->pr.backlog = cb->backlog ? cb->backlog : RECV_SERVE_BACKLOG;
	rs->st = st;
	rs->in = in;
	pthread_key_create(&rs->rules, rules_free);
	/* Every thread inherits the mask; recv_serve_wait takes signals. */
	sigemptyset(&rs->sigs);
	sigaddset(&rs->sigs, SIGTERM);
	sigaddset(&rs->sigs, SIGINT);
	pthread_sigmask(SIG_BLOCK, &rs->sigs, NULL);
	so.prepare = prepare;
	so.batch = batch;
	so.release = release;
	so.after = after;
	so.log = log_err;
	so.ctx = rs;
	if (store_engine(st) == SQL_SQLITE &&
	    store_ckpt_start(&rs->ckpt, db_path, 100, err) < 0)
		goto fail;
	if (printer_start(rs, err) < 0) {
		store_ckpt_stop(rs->ckpt);
		goto fail;
	}
	if (whserver_start(&rs->srv, &so, err) < 0) {
		printer_stop(&rs->pr);
		store_ckpt_stop(rs->ckpt);
		goto fail;
	}
	*out = rs;
	return 0;
fail:
	pthread_key_delete(rs->rules);
	free(rs);
	return -1;
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

	printer_stop(&rs->pr);
	store_ckpt_stop(rs->ckpt);
	pthread_key_delete(rs->rules);
	free(rs);
	return left;
}
