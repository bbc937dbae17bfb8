/* SPDX-License-Identifier: MIT */
/* Sends left pending by a run that died: found by the next run, reported and recorded ambiguous. */
#define _GNU_SOURCE	/* F_OFD_SETLK, F_OFD_GETLK */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "sender_int.h"
#include "desk.h"
#include "jsonl.h"
#include "util.h"

/*
 * Who owns a pending send.  A message is committed 'pending' before its
 * request and gets its outcome after the answer; a run killed in between
 * leaves it pending.  The next run must tell such a row from one a live
 * run is still sending, and it must never guess wrong the second way:
 * taking a live run's row would answer "ambiguous" for a message that is
 * about to be recorded sent, and unblock its key.
 *
 * Each run that records intents holds a write lock on one byte of the
 * database's send lock file ("<db>-send.lock"), at a random offset below
 * 2^62 that is its owner id, stored with each intent (send_owner).  The
 * kernel drops the lock when the process ends however it ends (kill -9,
 * a crash, the OOM killer), so a row whose owner's byte is unlocked was
 * left by a dead run.  Unlike a pid plus its start time this needs no
 * /proc, cannot be fooled by a recycled pid, and holds across pid
 * namespaces (two containers sharing the database file see the same
 * locks).  The byte is locked before any row names it, so a row never
 * names an owner that has not locked yet.  Open file description locks
 * (Linux) keep two senders in one process apart; a classic POSIX lock is
 * the fallback elsewhere.  Rows written before schema 5 have no owner: no
 * run of this version can be sending them.
 *
 * A dead run's rows are recorded 'ambiguous' (the request may have
 * reached Meta: never resent) under BEGIN IMMEDIATE, checking again there
 * so that two runs starting together never both report one row.
 */

#ifdef F_OFD_SETLK
#define LOCK_SET F_OFD_SETLK
#define LOCK_GET F_OFD_GETLK
#else
#define LOCK_SET F_SETLK
#define LOCK_GET F_GETLK
#endif

static int64_t
random_owner(void)
{
	uint64_t v = 0, mask = sizeof(off_t) >= 8 ? ((uint64_t)1 << 62) - 1 :
			       0x3fffffff;
	struct timespec ts;
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		if (read(fd, &v, sizeof(v)) != (ssize_t)sizeof(v))
			v = 0;
		close(fd);
	}
	if (!v) {
		clock_gettime(CLOCK_REALTIME, &ts);
		v = ((uint64_t)getpid() << 32) ^ (uint64_t)ts.tv_nsec ^
		    ((uint64_t)ts.tv_sec << 20);
	}
	v &= mask;
	return v ? (int64_t)v : 1;
}

static void
byte_lock(struct flock *fl, int64_t at)
{
	memset(fl, 0, sizeof(*fl));
	fl->l_type = F_WRLCK;
	fl->l_whence = SEEK_SET;
	fl->l_start = (off_t)at;
	fl->l_len = 1;
}

/*
 * PostgreSQL: no file for the hosts to share, but the server's advisory
 * locks of the database, held by the run's connection, which the server
 * drops however the run ends (its socket closes). Owners there are below
 * 2^31: the lock's key is two 32-bit numbers (a key space apart from the
 * store's own locks), the second one the owner.
 */
static int
pg_owner_lock(struct sender *s, enum sql_id id, int64_t owner,
	      struct wa_err *err)
{
	struct sq *q = store_q(s->st, id);
	int64_t got = 0;
	int rc;

	sq_int(q, 1, owner);
	rc = sq_int1(q, &got, "lock the run's owner key", err);
	return rc < 0 ? -1 : got == 1;
}

static int
pg_owner_take(struct sender *s, struct wa_err *err)
{
	int i, rc;

	for (i = 0; i < 8; i++) {
		int64_t at = random_owner() & 0x7fffffff;

		if (!at)
			continue;
		rc = pg_owner_lock(s, Q_SENDER_OWNER_LOCK, at, err);
		if (rc < 0)
			return -1;
		if (rc) {
			s->owner = at;
			return 0;
		}
	}
	return wa_err_set(err, WA_EX_TEMPFAIL, "busy",
			  "no free owner key for this run: retry later");
}

int
sender_owner_take(struct sender *s, struct wa_err *err)
{
	const char *db = s->cfg->db_path;
	struct strbuf sb = STRBUF_INIT;
	struct flock fl;
	char *real;
	int64_t at;
	int i;

	s->lockfd = -1;
	s->owner = 0;
	if (store_engine(s->st) != SQL_SQLITE)
		return s->o.dry_run ? 0 : pg_owner_take(s, err);
	if (!db || !*db)	/* a private database: nobody else sends */
		return 0;
	/* next to the file itself, however it was named (as SQLite does) */
	real = realpath(db, NULL);
	sb_addf(&sb, "%s-send.lock", real ? real : db);
	free(real);
	s->lockfd = open(sb.buf, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (s->lockfd < 0 && !s->o.dry_run)
		wa_err_set(err, WA_EX_IOERR, "io", "cannot open '%s': %s",
			   sb.buf, strerror(errno));
	sb_release(&sb);
	if (s->lockfd < 0)
		return s->o.dry_run ? 0 : -1;
	if (s->o.dry_run)	/* records nothing: only looks */
		return 0;
	for (i = 0; i < 8; i++) {
		at = random_owner();
		byte_lock(&fl, at);
		if (fcntl(s->lockfd, LOCK_SET, &fl) == 0) {
			s->owner = at;
			return 0;
		}
		if (errno != EAGAIN && errno != EACCES)
			break;
	}
	return wa_err_set(err, WA_EX_IOERR, "io",
			  "cannot lock the send lock file: %s",
			  strerror(errno));
}

void
sender_owner_release(struct sender *s)
{
	struct wa_err err;

	if (store_engine(s->st) != SQL_SQLITE && s->owner)
		(void)pg_owner_lock(s, Q_SENDER_OWNER_UNLOCK, s->owner, &err);
	if (s->lockfd >= 0)
		close(s->lockfd);	/* drops the lock */
	s->lockfd = -1;
	s->owner = 0;
}

int
sender_owner_alive(struct sender *s, int64_t owner, int isnull)
{
	struct flock fl;

	if (isnull)
		return 0;
	if (s->owner && owner == s->owner)
		return 1;
	if (store_engine(s->st) != SQL_SQLITE) {
		struct wa_err err;

		if (owner <= 0 || owner > 0x7fffffff)
			return 0;	/* no run here holds such a key */
		if (pg_owner_lock(s, Q_SENDER_OWNER_LOCK, owner, &err) != 1)
			return 1;	/* held: alive (or cannot tell) */
		(void)pg_owner_lock(s, Q_SENDER_OWNER_UNLOCK, owner, &err);
		return 0;
	}
	if (s->lockfd < 0 || owner <= 0)
		return 1;	/* cannot tell: never take it */
	byte_lock(&fl, owner);
	if (fcntl(s->lockfd, LOCK_GET, &fl) < 0)
		return 1;
	return fl.l_type != F_UNLCK;
}

/* ---- recovery ---------------------------------------------------------- */

static int
cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* The pending sends whose run ended, oldest first (owned array). */
static int
dead_rows(struct sender *s, int64_t **ids, size_t *n, struct wa_err *err)
{
	struct sq *q = store_q(s->st, Q_SENDER_PENDING);
	size_t cap = 0;
	int rc;

	*ids = NULL;
	*n = 0;
	while ((rc = sq_step(q)) > 0) {
		if (sender_owner_alive(s, sq_col_int(q, 1), sq_col_null(q, 1)))
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			*ids = xrealloc(*ids, cap * sizeof(**ids));
		}
		(*ids)[(*n)++] = sq_col_int(q, 0);
	}
	if (rc < 0) {
		free(*ids);
		*ids = NULL;
		*n = 0;
		return sq_fail(q, err, "find pending sends");
	}
	if (*n > 1)
		qsort(*ids, *n, sizeof(**ids), cmp_id);
	return 0;
}

/*
 * The result for pending row `row` of a dead run (owned, in *rec), and
 * with `open` its thread (opened as an ambiguous send's is).
 *   {"ok":false,"error":{"code":"ambiguous","message"},"action":"never",
 *    "recovered":true,"idempotency_key","wamid":null,"message_id","type",
 *    "to","pending_since","channel","wa_id","thread_id","ticket_id"}
 */
static int
orphan_record(struct sender *s, int64_t row, int open, int64_t *thread,
	      jv *rec, struct wa_err *err)
{
	struct sq *q = store_q(s->st, Q_SENDER_ORPHAN);
	struct desk_thread t = { 0 };
	char channel[CHANNEL_ID_MAX] = "";
	int64_t contact = 0;
	const char *key;
	struct wa_err e;
	jv r;

	*thread = 0;
	sq_int(q, 1, row);
	if (sq_step(q) <= 0)
		return sq_fail(q, err, "read a pending send");
	key = sq_col_text(q, 4);
	wa_err_set(&e, WA_EX_REJECTED, "ambiguous",
		   "message %lld%s%s%s: the run that sent it ended before it "
		   "recorded Meta's answer: it may or may not have reached "
		   "Meta; not resent", (long long)row,
		   key ? " (idempotency_key '" : "", key ? key : "",
		   key ? "')" : "");
	e.action = "never";
	r = wa_err_result(&e, jv_invalid(), 0);
	r = jv_object_set(r, jv_string("recovered"), jv_true());
	r = jv_object_set(r, jv_string("idempotency_key"), sq_col_str(q, 4));
	r = jv_object_set(r, jv_string("wamid"), jv_null());
	r = jv_object_set(r, jv_string("message_id"), id_jv(row));
	r = jv_object_set(r, jv_string("type"), sq_col_str(q, 3));
	r = jv_object_set(r, jv_string("to"), sq_col_str(q, 2));
	r = jv_object_set(r, jv_string("pending_since"),
			  time_jv(sq_col_int(q, 5)));
	r = jv_object_set(r, jv_string("channel"), sq_col_str(q, 0));
	if (!sq_col_null(q, 6))
		r = jv_object_set(r, jv_string("wa_id"), sq_col_str(q, 6));
	snprintf(channel, sizeof(channel), "%s", sq_col_text(q, 0));
	contact = sq_col_int(q, 1);
	sq_reset(q);
	if (open && contact > 0 &&
	    desk_thread_open(s->st, channel, contact, "outbound", s->now, &t,
			     err) < 0) {
		jv_free(r);
		return -1;
	}
	if (t.thread_id > 0) {
		r = jv_object_set(r, jv_string("thread_id"),
				  id_jv(t.thread_id));
		r = jv_object_set(r, jv_string("ticket_id"),
				  id_jv(t.ticket_id));
	}
	*thread = t.thread_id;
	*rec = r;
	return 0;
}

static int
recover_row(struct sender *s, int64_t row, jv *rec, struct wa_err *err)
{
	struct sq *q;
	int64_t thread;
	jv ej;
	int rc;

	if (orphan_record(s, row, 1, &thread, rec, err) < 0)
		return -1;
	ej = jx_get(*rec, "error");
	q = store_q(s->st, Q_SENDER_RECOVER);
	sq_int(q, 1, row);
	sq_int(q, 2, s->now);
	sq_int_or_null(q, 3, thread, thread <= 0);
	sq_jv(q, 4, ej);
	sq_jv(q, 5, *rec);
	rc = sq_done(q, err);
	jv_free(ej);
	if (rc < 0) {
		jv_free(*rec);
		*rec = jv_invalid();
	}
	return rc;
}

int
sender_recover(struct sender *s, struct wa_err *err)
{
	int64_t *ids;
	size_t n, i, done = 0;
	jv *recs;
	int rc = 0;

	/* who is alive is known from the send lock file, or on PostgreSQL
	 * from the server's locks once this run holds its own */
	if (s->o.dry_run || (s->lockfd < 0 &&
			     (store_engine(s->st) == SQL_SQLITE || !s->owner)))
		return 0;
	/* a look first: most runs find nothing, and take no write lock */
	if (dead_rows(s, &ids, &n, err) < 0)
		return -1;
	free(ids);
	if (n == 0)
		return 0;
	if (store_begin(s->st, err) < 0)
		return -1;
	s->now = wa_now();
	if (dead_rows(s, &ids, &n, err) < 0) {
		store_rollback(s->st);
		return -1;
	}
	recs = xcalloc(n ? n : 1, sizeof(*recs));
	for (i = 0; i < n && rc == 0; i++, done++)
		rc = recover_row(s, ids[i], &recs[i], err);
	if (rc < 0 || store_commit(s->st, err) < 0) {
		store_rollback(s->st);
		for (i = 0; i < done; i++)
			jv_free(recs[i]);
		free(recs);
		free(ids);
		return -1;
	}
	/* committed: the answers go out ahead of this run's own */
	for (i = 0; i < n; i++)
		sender_answer(sender_job_add(s, jv_invalid(), 0), recs[i]);
	if (n)
		s->status = wa_exit_merge(s->status, WA_EX_REJECTED);
	free(recs);
	free(ids);
	return 0;
}

int
sender_answer_orphan(struct sender *s, struct job *j, int64_t row,
		     struct wa_err *err)
{
	int64_t thread;
	jv rec;

	if (orphan_record(s, row, 0, &thread, &rec, err) < 0)
		return -1;
	sender_answer_dup(j, rec);
	return 0;
}
