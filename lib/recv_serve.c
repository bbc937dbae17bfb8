/* SPDX-License-Identifier: MIT */
/* wa-recv serve: the ingest pipeline behind the group-commit server; durable commits, a printer that never holds them up. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include "jsonl.h"
#include "quarantine.h"
#include "recv.h"
#include "recv_printer.h"
#include "util.h"

/*
 * plan   on the HTTP thread that read the body (prepare), with that
 *        thread's own compiled rules;
 * apply  on the server's writer thread, one transaction per group,
 *        committed in WAL mode with synchronous=NORMAL (no fsync);
 * sync   on the server's sync thread: one fsync of the WAL file
 *        covers every group committed before it, whose 200s go out
 *        only then, while the writer applies the next group;
 * render on the printer thread (lib/recv_printer.c), after the sync,
 *        from a queue the writer never waits on.
 */


struct recv_serve {
	struct store *st;		/* borrowed */
	struct ingest *in;		/* borrowed */
	struct whserver *srv;
	struct store_ckpt *ckpt;
	struct recv_serve_cb cb;
	struct recv_printer *pr;
	pthread_key_t rules;		/* each HTTP thread's compiled rules */
	char *wal_path;			/* the database's write-ahead log */
	int wal_fd;			/* open on it (sync thread), or -1 */
	struct stat wal_st;		/* which file wal_fd is */
	sigset_t sigs;			/* SIGINT, SIGTERM, SIGHUP */
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

/* The events of a group, in commit order (one node unless the group was
 * retried one delivery at a time). */
struct evlist {
	struct ingest_events *q;
	struct evlist *next;
};

static struct evlist *
events_add(struct evlist **tail, struct ingest_events *q)
{
	struct evlist *e;

	if (!q)
		return *tail;
	e = xcalloc(1, sizeof(*e));
	e->q = q;
	if (*tail)
		(*tail)->next = e;
	return *tail = e;
}

/*
 * PostgreSQL's COMMIT waits for a synchronous standby only when the
 * transaction wrote: a group of duplicates writes nothing, yet the first
 * copy of one may still be on the primary alone (its commit's wait for
 * the standby was cancelled, and answered 503). A row written again makes
 * this commit wait until the standby has everything before it, so that
 * the duplicate's 200 means the same as any other.
 */
static int
must_wait(struct recv_serve *rs, int64_t before, struct wa_err *err)
{
	if (store_engine(rs->st) != SQL_PG ||
	    store_total_changes(rs->st) != before)
		return 0;
	return sq_done(store_q(rs->st, Q_INGEST_SERVE_TOUCH), err);
}

/* 0 committed; -1 failed; -2 failed for now (the store is unreachable,
 * read-only or busy: exit status 75), when trying again may work. */
static int
apply_group(struct recv_serve *rs, struct whserver_item *it, size_t n,
	    struct wa_err *err)
{
	int64_t before = store_total_changes(rs->st);
	size_t i;

	wa_err_clear(err);
	if (store_begin(rs->st, err) < 0)
		goto fail;
	for (i = 0; i < n; i++)
		if (ingest_apply(rs->in, it[i].payload, "http",
				 ingest_plan_signature(it[i].payload),
				 err) < 0)
			goto rollback;
	/* the group's texts into the search index in one statement */
	if (ingest_finish(rs->in, err) < 0)
		goto rollback;
	if (must_wait(rs, before, err) < 0)
		goto rollback;
	if (store_commit(rs->st, err) < 0)
		goto fail;
	for (i = 0; i < n; i++)
		it[i].stored = 1;
	store_turn_yield(rs->st);	/* an agent waiting gets in */
	return 0;
rollback:
	store_rollback(rs->st);
fail:
	ingest_rollback(rs->in);
	return err->sysexit == WA_EX_TEMPFAIL ? -2 : -1;
}

/*
 * A group the store cannot take for now (PostgreSQL's connection lost in
 * a failover, a standby that is read-only, a lock past its timeout;
 * SQLite busy) is tried again: at once, on a connection made again
 * (libpq tries each host of the target; target_session_attrs holds),
 * then after waits that double, until RETRY_MS have passed. Still
 * failing, the group is answered 503 and Meta sends it again; the next
 * group tries again. A commit whose answer was lost may have happened:
 * the resent body is then a duplicate, stored once.
 */
#define RETRY_MS 1500

static void
sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0)
		;
}

static long
elapsed_ms(const struct timespec *since)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - since->tv_sec) * 1000L +
	       (now.tv_nsec - since->tv_nsec) / 1000000L;
}

static int
apply_retrying(struct recv_serve *rs, struct whserver_item *it, size_t n)
{
	struct timespec start;
	unsigned wait = 0;
	struct wa_err err;
	int rc;

	clock_gettime(CLOCK_MONOTONIC, &start);
	while ((rc = apply_group(rs, it, n, &err)) == -2 &&
	       elapsed_ms(&start) + (long)wait < RETRY_MS) {
		sleep_ms(wait);
		wait = wait ? wait * 2 : 50;
	}
	if (rc < 0 && rs->cb.log)
		rs->cb.log(rs->cb.ctx, &err);
	return rc;
}

/* One transaction for the group; if the database refuses it, one per
 * delivery, so one delivery the database refuses cannot keep the others
 * out. Those the store could not take for now are answered 503. Returns
 * the committed events, for after. */
static void *
batch(void *ctx, struct whserver_item *it, size_t n)
{
	struct recv_serve *rs = ctx;
	struct evlist *head = NULL, *tail = NULL;
	size_t i;
	int rc;

	rc = apply_retrying(rs, it, n);
	if (rc == 0)
		return events_add(&tail, ingest_take_events(rs->in));
	for (i = 0; rc == -1 && n > 1 && i < n; i++) {
		struct wa_err err;
		int one = apply_group(rs, it + i, 1, &err);

		if (one == 0 && events_add(&tail, ingest_take_events(rs->in)) &&
		    !head)
			head = tail;
		if (one < 0 && rs->cb.log)
			rs->cb.log(rs->cb.ctx, &err);
		if (one == -2)
			rc = -2;
	}
	for (i = 0; rc == -2 && i < n; i++)
		it[i].retry = !it[i].stored;
	return head;
}

/* ---- sync: the server's sync thread ---- */

/* (Re)opens the WAL file when it is not the one open (SQLite made it
 * anew): its directory entry is synced once too. */
static int
wal_open(struct recv_serve *rs, struct wa_err *err)
{
	struct stat now;
	char *dir, *slash;
	int fd;

	if (stat(rs->wal_path, &now) == 0 && rs->wal_fd >= 0 &&
	    now.st_ino == rs->wal_st.st_ino && now.st_dev == rs->wal_st.st_dev)
		return 0;
	if (rs->wal_fd >= 0)
		close(rs->wal_fd);
	rs->wal_fd = open(rs->wal_path, O_RDONLY | O_CLOEXEC);
	if (rs->wal_fd < 0 || fstat(rs->wal_fd, &rs->wal_st) < 0)
		return wa_err_set(err, WA_EX_IOERR, "io", "cannot sync '%s': %s",
				  rs->wal_path, strerror(errno));
	dir = xstrdup(rs->wal_path);
	slash = strrchr(dir, '/');
	if (slash)
		*(slash == dir ? slash + 1 : slash) = '\0';
	fd = open(slash ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		(void)fdatasync(fd);
		close(fd);
	}
	free(dir);
	return 0;
}

/*
 * Every group committed so far onto the disk: fsync of the WAL file
 * writes its frames, as a synchronous=FULL commit would have. fsync(2),
 * not the fdatasync(2) SQLite itself calls, so that a test can delay or
 * fail this sync alone (tests/t/1520-recv-serve-durable.t).
 */
static int
sync_wal(void *ctx)
{
	struct recv_serve *rs = ctx;
	struct wa_err err;

	if (wal_open(rs, &err) == 0) {
		if (fsync(rs->wal_fd) == 0)
			return 0;
		wa_err_set(&err, WA_EX_IOERR, "io", "cannot sync '%s': %s",
			   rs->wal_path, strerror(errno));
	}
	if (rs->cb.log)
		rs->cb.log(rs->cb.ctx, &err);
	return -1;
}

/* After a group's answers went out: its events to the printer. */
static void
after(void *ctx, void *done)
{
	struct recv_serve *rs = ctx;
	struct evlist *e = done, *next;

	for (; e; e = next) {
		next = e->next;
		recv_printer_put(rs->pr, e->q);
		free(e);
	}
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
	/* A 200 tells Meta never to send it again: it must survive a power
	 * cut, not only a crash. Commits do not wait for the disk
	 * (synchronous=NORMAL); the sync thread's fsync of the WAL does,
	 * before any 200 (sync_wal). Checkpoints sync the WAL and the
	 * database themselves, in their own thread (the large limit is a
	 * safety net). PostgreSQL's commit is durable as the server is
	 * set (synchronous_commit). */
	if ((store_engine(st) == SQL_SQLITE &&
	     store_exec(st, "PRAGMA synchronous=NORMAL;"
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
	rs->st = st;
	rs->in = in;
	rs->wal_fd = -1;
	rs->wal_path = store_wal_path(st);	/* none on PostgreSQL */
	pthread_key_create(&rs->rules, rules_free);
	ingest_defer_text(in, 1);	/* one search-index statement a group */
	/* Every thread inherits the mask; recv_serve_wait takes signals. */
	sigemptyset(&rs->sigs);
	sigaddset(&rs->sigs, SIGTERM);
	sigaddset(&rs->sigs, SIGINT);
	sigaddset(&rs->sigs, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &rs->sigs, NULL);
	so.prepare = prepare;
	so.batch = batch;
	so.sync = rs->wal_path ? sync_wal : NULL;
	so.release = release;
	so.after = after;
	so.log = log_err;
	so.ctx = rs;
	if (store_engine(st) == SQL_SQLITE &&
	    store_ckpt_start(&rs->ckpt, db_path, 100, err) < 0)
		goto fail;
	if (recv_printer_start(&rs->pr, cb, err) < 0) {
		store_ckpt_stop(rs->ckpt);
		goto fail;
	}
	if (whserver_start(&rs->srv, &so, err) < 0) {
		recv_printer_stop(rs->pr);
		store_ckpt_stop(rs->ckpt);
		goto fail;
	}
	*out = rs;
	return 0;
fail:
	pthread_key_delete(rs->rules);
	free(rs->wal_path);
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

int
recv_serve_reload(struct recv_serve *rs, struct wa_err *err)
{
	return whserver_reload(rs->srv, err);
}

int
recv_log_open(const char *path, struct wa_err *err)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);

	if (fd < 0)
		return wa_err_set(err, WA_EX_IOERR, "io", "cannot open '%s': %s",
				  path, strerror(errno));
	/* one dup2: a thread writing at this moment writes to the old file
	 * or the new one, never to a closed descriptor */
	if (fd != STDERR_FILENO && dup2(fd, STDERR_FILENO) < 0) {
		close(fd);
		return wa_err_set(err, WA_EX_IOERR, "io", "cannot use '%s': %s",
				  path, strerror(errno));
	}
	if (fd != STDERR_FILENO)
		close(fd);
	return 0;
}

unsigned
recv_serve_stop(struct recv_serve *rs, struct whserver_stats *stats)
{
	unsigned left = whserver_stop(rs->srv, stats);

	recv_printer_stop(rs->pr);
	store_ckpt_stop(rs->ckpt);
	pthread_key_delete(rs->rules);
	if (rs->wal_fd >= 0)
		close(rs->wal_fd);
	free(rs->wal_path);
	free(rs);
	return left;
}
