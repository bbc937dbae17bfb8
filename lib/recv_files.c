/* SPDX-License-Identifier: MIT */
/* wa-recv's file mode: a reader thread parses and plans, the caller's thread applies and commits, a writer thread renders. */
#include <errno.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "ingest.h"
#include "recv.h"
#include "recv_files_int.h"
#include "util.h"

void
recv_item_free(struct item *it)
{
	if (it->kind == IT_DELIVERY)
		ingest_plan_free(it->plan);
}

static void
spent_add(struct spent *s, const struct item *it)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : QUEUE_CAP;
		s->v = xrealloc(s->v, (size_t)s->cap * sizeof(*s->v));
	}
	s->v[s->n++] = *it;
}

/* Moves everything in from to the end of to (swapped when to is empty). */
void
recv_spent_move(struct spent *to, struct spent *from)
{
	int i;

	if (!to->n) {
		struct spent t = *to;

		*to = *from;
		*from = t;
		return;
	}
	for (i = 0; i < from->n; i++)
		spent_add(to, &from->v[i]);
	from->n = 0;
}

void
recv_spent_free(struct spent *s)
{
	int i;

	for (i = 0; i < s->n; i++)
		recv_item_free(&s->v[i]);
	s->n = 0;
}

/* ---- the writer ---- */

static void *
writer_main(void *arg)
{
	struct pipe *p = arg;
	struct out_node *o;
	int failed = 0;

	thread_background();	/* the reader needs the CPU more */
	for (;;) {
		pthread_mutex_lock(&p->mu);
		while (!p->out_head && !p->out_end)
			pthread_cond_wait(&p->out_ready, &p->mu);
		o = p->out_head;
		if (o) {
			p->out_head = o->next;
			if (!p->out_head)
				p->out_tail = NULL;
			p->nout--;
			p->out_failed |= failed;
			pthread_cond_signal(&p->can_take);
		}
		pthread_mutex_unlock(&p->mu);
		if (!o)
			break;
		if (ingest_render(o->batch, &p->orig.sink) < 0)
			failed = 1;
		if (o->flush && p->orig.flush && p->orig.flush(p->orig.ctx) < 0)
			failed = 1;
		free(o);
	}
	pthread_mutex_lock(&p->mu);
	p->out_failed |= failed;
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

/* ---- this thread's side ---- */

/* Hands batch (may be NULL) to the writer, which flushes the output
 * after it when flush is set; -1 once output failed. */
static int
pipe_push(struct pipe *p, struct ingest_events *batch, int flush)
{
	struct out_node *o = xcalloc(1, sizeof(*o));
	int failed;

	o->batch = batch;
	o->flush = flush;
	pthread_mutex_lock(&p->mu);
	while (p->nout >= OUT_CAP && !p->out_failed)
		pthread_cond_wait(&p->can_take, &p->mu);
	if (p->out_tail)
		p->out_tail->next = o;
	else
		p->out_head = o;
	p->out_tail = o;
	p->nout++;
	failed = p->out_failed;
	pthread_cond_signal(&p->out_ready);
	pthread_mutex_unlock(&p->mu);
	return failed ? -1 : 0;
}

static int
pipe_flush(void *ctx)
{
	return pipe_push(ctx, NULL, 1);
}

/* The next item, waiting for the reader. */
static struct item
take(struct pipe *p)
{
	if (p->igot == p->ngot) {
		pthread_mutex_lock(&p->mu);
		while (!p->count)
			pthread_cond_wait(&p->can_take, &p->mu);
		for (p->ngot = 0; p->count && p->ngot < TAKE; p->count--) {
			p->got[p->ngot++] = p->q[p->head];
			p->head = (p->head + 1) % QUEUE_CAP;
		}
		p->igot = 0;
		recv_spent_move(&p->back, &p->used);
		pthread_cond_signal(&p->can_put);
		pthread_mutex_unlock(&p->mu);
	}
	return p->got[p->igot++];
}

/* ---- file mode on this thread ---- */

/* Commits the open transaction and hands its events to the writer, after
 * what came before. */
static int
batch_commit(struct pipe *p, struct recv_batch *b, struct wa_err *err)
{
	if (!b->pending)
		return 0;
	b->pending = 0;
	if (ingest_finish(b->in, err) < 0 || store_commit(b->st, err) < 0) {
		store_rollback(b->st);
		ingest_rollback(b->in);
		return -1;
	}
	(void)pipe_push(p, ingest_take_events(b->in), 0);
	store_turn_yield(b->st);	/* an agent waiting gets in */
	return 0;
}

/* Commits; reports a failure. 0, or the exit status. */
static int
commit(struct pipe *p, struct recv_batch *b)
{
	struct wa_err err;

	wa_err_clear(&err);
	if (batch_commit(p, b, &err) < 0) {
		b->warn(b->ctx, &err, 0);
		return err.sysexit;
	}
	return pipe_flush(p) < 0 ? WA_EX_IOERR : 0;
}

/* Applies one plan in the open transaction (opening one); commits every
 * limit deliveries, or once it was open hold_us. 0, or the exit status
 * of a fatal error. */
static int
one(struct pipe *p, struct recv_batch *b, struct item *it)
{
	struct wa_err err;
	int rc;

	wa_err_clear(&err);
	if (!b->pending) {
		if (store_begin(b->st, &err) < 0) {
			b->warn(b->ctx, &err, it->line);
			return err.sysexit;
		}
		b->begun_us = b->hold_us ? mono_us() : 0;
	}
	b->pending++;
	rc = ingest_apply(b->in, it->plan, "file", NULL, &err);
	if (rc < 0) {
		store_rollback(b->st);
		ingest_rollback(b->in);
		b->pending = 0;
		b->warn(b->ctx, &err, it->line);
		return err.sysexit;
	}
	if (rc > 0)
		b->status = wa_exit_merge(b->status, WA_EX_REJECTED);
	if (b->pending >= b->limit ||
	    (b->hold_us && mono_us() - b->begun_us >= b->hold_us))
		return commit(p, b);
	return 0;
}

/* ---- starting and ending ---- */

static struct pipe *
pipe_start(struct recv_batch *b, char **files, int n, struct wa_err *err)
{
	struct pipe *p = xcalloc(1, sizeof(*p));

#ifdef __GLIBC__
	/* Memory freed on one thread and reused on another: without this,
	 * glibc gives it back to the kernel and faults it in again (and
	 * every give-back interrupts the other CPU), a third of the time. */
	mallopt(M_TRIM_THRESHOLD, 64 << 20);
	mallopt(M_MMAP_THRESHOLD, 32 << 20);
#endif
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->can_put, NULL);
	pthread_cond_init(&p->can_take, NULL);
	pthread_cond_init(&p->out_ready, NULL);
	p->files = files;
	p->nfiles = n;
	p->in = b->in;
	p->orig = *b;
	/* Checkpoints in their own thread and connection, as the server
	 * does (the large limit is a safety net); best effort. */
	if (b->db_path && store_engine(b->st) == SQL_SQLITE &&
	    store_ckpt_start(&p->ckpt, b->db_path, CKPT_MS, err) == 0)
		(void)sq_done(store_q(b->st, Q_INGEST_WAL_AUTOCHECKPOINT), err);
	wa_err_clear(err);
	if (pthread_create(&p->writer, NULL, writer_main, p) != 0)
		goto fail;
	if (pthread_create(&p->reader, NULL, recv_reader_main, p) != 0) {
		pthread_mutex_lock(&p->mu);
		p->out_end = 1;
		pthread_cond_signal(&p->out_ready);
		pthread_mutex_unlock(&p->mu);
		pthread_join(p->writer, NULL);
		goto fail;
	}
	return p;
fail:
	store_ckpt_stop(p->ckpt);
	free(p);
	wa_err_set(err, WA_EX_IOERR, "io", "cannot start a thread: %s",
		   strerror(errno));
	return NULL;
}

static void
drop_queued(struct pipe *p)
{
	while (p->count) {
		recv_item_free(&p->q[p->head]);
		p->head = (p->head + 1) % QUEUE_CAP;
		p->count--;
	}
}

/* Stops the reader (a reader blocked on a terminal or a pipe that
 * stays open is left behind: the process is about to end), renders what
 * is left. Returns 1 when output failed. */
static int
pipe_finish(struct pipe *p)
{
	struct timespec until;
	int failed, joined = 1;

	while (p->igot < p->ngot)
		recv_item_free(&p->got[p->igot++]);
	recv_spent_free(&p->used);
	free(p->used.v);
	pthread_mutex_lock(&p->mu);
	recv_spent_free(&p->back);
	p->stop = 1;
	pthread_cond_signal(&p->can_put);
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 1;
	for (;;) {
		drop_queued(p);
		if (p->reader_done)
			break;
		if (pthread_cond_timedwait(&p->can_take, &p->mu, &until) &&
		    !p->reader_done) {
			joined = 0;
			break;
		}
	}
	p->out_end = 1;
	pthread_cond_signal(&p->out_ready);
	pthread_mutex_unlock(&p->mu);
	pthread_join(p->writer, NULL);
	store_ckpt_stop(p->ckpt);
	p->ckpt = NULL;
	failed = p->out_failed;
	if (!joined) {
		pthread_detach(p->reader);
		return failed;	/* p stays: the reader still uses it */
	}
	pthread_join(p->reader, NULL);
	recv_spent_free(&p->back);	/* what the reader had not collected */
	free(p->back.v);
	free(p->freeing.v);
	pthread_cond_destroy(&p->can_put);
	pthread_cond_destroy(&p->can_take);
	pthread_cond_destroy(&p->out_ready);
	pthread_mutex_destroy(&p->mu);
	free(p);
	return failed;
}

/* One item from the reader; 0 to go on, else the exit status. */
static int
handle(struct pipe *p, struct recv_batch *b, struct item *it)
{
	struct wa_err err;
	int rc;

	switch (it->kind) {
	case IT_DELIVERY:
		return one(p, b, it);
	case IT_FATAL:
		b->warn(b->ctx, &it->err, 0);
		return it->err.sysexit;
	case IT_FILE_END:
		if (it->good || !it->nbad)
			return 0;
		rc = commit(p, b);
		wa_err_set(&err, WA_EX_DATAERR, "invalid_input",
			   "'%s' holds no JSON at all", it->name);
		b->warn(b->ctx, &err, 0);
		return rc ? rc : WA_EX_DATAERR;
	case IT_IDLE:
		return b->pending ? commit(p, b) : 0;
	case IT_BAD:	/* a file that cannot be opened */
		b->warn(b->ctx, &it->err, 0);
		b->status = wa_exit_merge(b->status, WA_EX_REJECTED);
		return 0;
	case IT_END:
		break;
	}
	return 0;
}

int
recv_files(struct recv_batch *b, char **files, int n)
{
	struct wa_err err;
	struct pipe *p;
	struct item it;
	int rc = 0;

	wa_err_clear(&err);
	if (!(p = pipe_start(b, files, n, &err))) {
		b->warn(b->ctx, &err, 0);
		return err.sysexit;
	}
	do {
		it = take(p);
		rc = handle(p, b, &it);
		if (it.kind == IT_DELIVERY)
			spent_add(&p->used, &it);
	} while (!rc && it.kind != IT_END);
	if (!rc)
		rc = commit(p, b);
	else if (b->pending)	/* fatal: keep what the batch held if the
				   database still works */
		(void)commit(p, b);
	if (pipe_finish(p) && (!rc || rc == WA_EX_REJECTED))
		rc = WA_EX_IOERR;
	return rc ? rc : b->status;
}
