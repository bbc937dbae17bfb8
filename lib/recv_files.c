/* SPDX-License-Identifier: MIT */
/* wa-recv's file mode: a reader thread parses and plans, the caller's thread applies and commits, a writer thread renders. */
#include <errno.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include "ingest.h"
#include "jsonl.h"
#include "quarantine.h"
#include "recv.h"
#include "util.h"

/*
 * The ingest pipeline's three stages on three threads: the reader parses
 * and plans each delivery (no database), this thread applies plans and
 * commits, the writer renders a commit's events. A plan crosses a thread
 * boundary whole, through a queue, and the thread that gave it away
 * keeps no reference (jv reference counts are not atomic); the events
 * are text, shared with nothing.
 *
 * A plan goes back to the reader to be freed: memory freed on another
 * thread than the one that allocated it takes glibc's lock of that
 * thread's arena, and with the reader allocating all the time this
 * thread spent a fifth of its time waiting for it.
 */

/* IT_IDLE: the input paused (a pipe or terminal with nothing to read):
 * what is pending is committed so its events do not wait. */
enum item_kind {
	IT_DELIVERY, IT_BAD, IT_FATAL, IT_IDLE, IT_FILE_END, IT_END
};

struct item {
	enum item_kind kind;
	struct ingest_plan *plan;	/* IT_DELIVERY (a bad line too) */
	long line;
	struct wa_err err;		/* IT_BAD, IT_FATAL */
	long good, nbad;		/* IT_FILE_END */
	const char *name;
};

#define QUEUE_CAP 128		/* parsed deliveries waiting */
#define CHUNK 16		/* handed over at once */
#define TAKE 32			/* taken at once (what is done goes back
				   to the reader as often) */
#define CKPT_MS 100		/* between WAL checkpoints */
#define OUT_CAP 1		/* committed batches waiting to be printed */

/* Items on their way back to be freed (see above). */
struct spent {
	struct item *v;
	int n, cap;
};

struct out_node {
	struct ingest_events *batch;	/* a commit's events, or NULL */
	int flush;
	struct out_node *next;
};

struct pipe {
	pthread_mutex_t mu;
	pthread_cond_t can_put;		/* the reader waits for room */
	pthread_cond_t can_take;	/* this thread waits for items, room
					   for output, the reader's end */
	pthread_cond_t out_ready;	/* the writer waits for output */
	struct item q[QUEUE_CAP];
	int head, count;
	struct item chunk[CHUNK];	/* the reader's, not yet queued */
	int nchunk;
	int idle_sent;			/* the reader's: IT_IDLE since the
					   last delivery */
	struct item got[TAKE];		/* taken, this thread's */
	int ngot, igot;
	struct spent used;		/* this thread's, done with */
	struct spent back;		/* handed back, not yet freed */
	struct spent freeing;		/* the reader's */
	atomic_int stop;		/* the database side is done */
	int reader_done;
	struct out_node *out_head, *out_tail;
	int nout, out_end, out_failed;
	char **files;
	int nfiles;
	struct quarantine *rules;	/* the reader's own copy */
	struct ingest *in;		/* its rules are copied by the reader */
	struct recv_batch orig;		/* sink, flush, warn, ctx */
	struct store_ckpt *ckpt;	/* checkpoints off this thread */
	pthread_t reader, writer;
};

static void
item_free(struct item *it)
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
static void
spent_move(struct spent *to, struct spent *from)
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

static void
spent_free(struct spent *s)
{
	int i;

	for (i = 0; i < s->n; i++)
		item_free(&s->v[i]);
	s->n = 0;
}

/* ---- the reader ---- */

/* Hands the reader's chunk over; -1 (chunk freed) once the database
 * side has stopped. */
static int
put_chunk(struct pipe *p)
{
	int i, n = p->nchunk;

	p->nchunk = 0;
	pthread_mutex_lock(&p->mu);
	while (QUEUE_CAP - p->count < n && !p->stop)
		pthread_cond_wait(&p->can_put, &p->mu);
	if (p->stop) {
		pthread_mutex_unlock(&p->mu);
		for (i = 0; i < n; i++)
			item_free(&p->chunk[i]);
		return -1;
	}
	for (i = 0; i < n; i++)
		p->q[(p->head + p->count++) % QUEUE_CAP] = p->chunk[i];
	pthread_cond_signal(&p->can_take);
	spent_move(&p->freeing, &p->back);
	pthread_mutex_unlock(&p->mu);
	spent_free(&p->freeing);
	return 0;
}

/* Queues it (taken), in chunks so the threads seldom wake each other;
 * -1 when the database side has stopped. */
static int
put(struct pipe *p, struct item *it)
{
	p->chunk[p->nchunk++] = *it;
	if (p->nchunk < CHUNK && it->kind == IT_DELIVERY)
		return 0;
	return put_chunk(p);
}

static int
put_delivery(struct pipe *p, struct jsonl *r, jv v, long line)
{
	struct item it = { .kind = IT_DELIVERY, .line = line };
	size_t len;
	const char *raw = jsonl_raw(r, &len);
	char *body;

	if (raw) {
		body = xmalloc(len + 1);
		memcpy(body, raw, len);
		body[len] = '\0';
	} else {	/* several lines, or several values on one */
		jv dump = jv_dump_string(jv_copy(v), 0);

		body = xstrdup(jv_string_value(dump));
		len = strlen(body);
		jv_free(dump);
	}
	it.plan = ingest_plan_parsed(p->rules, v, body, len, line);
	return put(p, &it);
}

/* A line that is not JSON: stored raw like any delivery, as an error
 * (rule 12), so that replay can try it again. */
static int
put_unreadable(struct pipe *p, struct jsonl *r, const struct wa_err *err,
	       long line)
{
	struct item it = { .kind = IT_DELIVERY, .line = line };
	size_t len = 0;
	const char *raw = jsonl_bad_raw(r, &len);
	char *body;

	if (!raw)	/* longer than the limit: the error says so */
		len = 0;
	body = xmalloc(len + 1);
	memcpy(body, raw ? raw : "", len);
	body[len] = '\0';
	it.plan = ingest_plan_parsed(p->rules, jv_invalid_with_msg(
		jv_string(err->message)), body, len, line);
	return put(p, &it);
}

static int
stopped(struct pipe *p)
{
	return atomic_load_explicit(&p->stop, memory_order_relaxed);
}

/* Whether reading fp can ever wait: not for a regular file. */
static int
may_wait(FILE *fp)
{
	struct stat sb;

	return fstat(fileno(fp), &sb) < 0 || !S_ISREG(sb.st_mode);
}

/* Whether reading fp now would not wait (a pipe with something in it):
 * until then the chunk is not worth holding back. */
static int
input_ready(FILE *fp)
{
	struct pollfd pfd = { .fd = fileno(fp), .events = POLLIN };

	return poll(&pfd, 1, 0) > 0;
}

/* Before each read: when it would wait, what was read so far goes to
 * the database thread, with one IT_IDLE per pause. -1 once stopped. */
static int
before_read(struct pipe *p, FILE *fp)
{
	struct item idle = { .kind = IT_IDLE };

	if (input_ready(fp))
		return 0;
	if (p->idle_sent)
		return p->nchunk ? put_chunk(p) : 0;
	p->idle_sent = 1;
	return put(p, &idle);	/* sends the chunk before it */
}

/* 0 to go on with the next file, -1 to stop. */
static int
read_file(struct pipe *p, const char *name)
{
	struct item it = { .kind = IT_FILE_END, .name = name };
	FILE *fp = strcmp(name, "-") ? fopen(name, "r") : stdin;
	struct jsonl *r;
	jv v;
	int n, rc = 0, can_wait;

	if (!fp) {
		it.kind = IT_BAD;
		wa_err_set(&it.err, WA_EX_REJECTED, "invalid_input",
			   "cannot open '%s': %s", name, strerror(errno));
		return put(p, &it);
	}
	r = jsonl_open(fp, name);
	jsonl_set_limit(r, RECV_MAX_BODY);
	can_wait = may_wait(fp);
	while (!rc && !stopped(p) && (!can_wait || before_read(p, fp) == 0) &&
	       (n = jsonl_next(r, &v, &it.line, &it.err)) != 0) {
		if (n == 1) {
			it.good++;
			p->idle_sent = 0;
			rc = put_delivery(p, r, v, it.line);
		} else if (n == -1) {
			it.nbad++;
			rc = put_unreadable(p, r, &it.err, it.line);
		} else {
			struct item bad = { .kind = IT_FATAL, .err = it.err };

			rc = put(p, &bad) < 0 ? -1 : -1;
		}
	}
	jsonl_close(r);
	if (fp != stdin)
		fclose(fp);
	if (rc < 0 || stopped(p))
		return -1;
	it.line = 0;
	return put(p, &it);
}

static void *
reader_main(void *arg)
{
	struct pipe *p = arg;
	struct item end = { .kind = IT_END };
	struct wa_err err;
	int i;

	/* This thread's own compiled rules (the texts are only read); a
	 * rule that does not compile stops the run before anything is
	 * stored (78). */
	p->rules = quarantine_copy(ingest_rule_texts(p->in), &err);
	if (!p->rules) {
		struct item fatal = { .kind = IT_FATAL, .err = err };

		(void)put(p, &fatal);
	} else if (p->nfiles == 0)
		(void)read_file(p, "-");
	for (i = 0; p->rules && i < p->nfiles; i++)
		if (read_file(p, p->files[i]) < 0)
			break;
	if (p->nchunk)
		(void)put_chunk(p);	/* what a stop left unsent */
	(void)put(p, &end);
	pthread_mutex_lock(&p->mu);
	quarantine_free(p->rules);
	p->rules = NULL;
	jx_cache_release();
	p->reader_done = 1;
	pthread_cond_signal(&p->can_take);
	pthread_mutex_unlock(&p->mu);
	return NULL;
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
		spent_move(&p->back, &p->used);
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
	if (pthread_create(&p->reader, NULL, reader_main, p) != 0) {
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
		item_free(&p->q[p->head]);
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
		item_free(&p->got[p->igot++]);
	spent_free(&p->used);
	free(p->used.v);
	pthread_mutex_lock(&p->mu);
	spent_free(&p->back);
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
	spent_free(&p->back);	/* what the reader had not collected */
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
