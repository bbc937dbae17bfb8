/* SPDX-License-Identifier: MIT */
/* SQLite writers take turns: one waiting for the write lock says so, and a writer that goes on writing (an import, the webhook server) lets it in after its commit. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <sys/file.h>
#include "store_int.h"
#include "util.h"

/*
 * SQLite's own wait for the write lock polls with sleeps that grow to
 * 100 ms, while an import commits and begins its next transaction within
 * microseconds: an agent's assign waited for the whole import, and after
 * 5 s failed busy. So a connection that finds the lock taken polls every
 * millisecond, holding a shared flock(2) on "<db>-turn.lock" while it
 * waits; a writer that goes on writing calls store_turn_yield after each
 * commit, and while a shared lock is held it waits (up to YIELD_MS) for
 * the waiters to begin. flock, not fcntl: the file is SQLite's business
 * in no way, and flock locks never meet the send lock's (sender_recover.c)
 * nor SQLite's. Without the file (a directory that cannot be written) the
 * polling alone remains.
 */

#define BUSY_MS 5000	/* how long a statement waits for a lock */
#define YIELD_MS 200	/* how long a writer waits for the waiters */

static void
sleep_1ms(void)
{
	struct timespec ts = { 0, 1000000L };

	nanosleep(&ts, NULL);
}

/* The sqlite3_busy_handler: 1 to try again, 0 to give up (busy). The
 * shared lock may be refused while a writer looks (store_turn_yield):
 * taken at a later call then. */
static int
busy(void *ctx, int count)
{
	struct store *st = ctx;

	if (count == 0)
		st->turn_since = mono_us();
	if (st->turn_fd >= 0 && !st->turn_waiting &&
	    flock(st->turn_fd, LOCK_SH | LOCK_NB) == 0)
		st->turn_waiting = 1;
	if (mono_us() - st->turn_since >= (int64_t)BUSY_MS * 1000)
		return 0;
	sleep_1ms();
	return 1;
}

void
store_turn_open(struct store *st, const char *path, int writer)
{
	struct strbuf sb = STRBUF_INIT;
	char *real;

	st->turn_fd = -1;
	st->turn_waiting = 0;
	sqlite3_busy_handler(st->db, busy, st);
	if (!writer)
		return;
	/* next to the file itself, however it was named (as SQLite does) */
	real = realpath(path, NULL);
	sb_addf(&sb, "%s-turn.lock", real ? real : path);
	free(real);
	st->turn_fd = open(sb.buf, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	sb_release(&sb);
}

void
store_turn_done(struct store *st)
{
	if (st->turn_waiting) {
		(void)flock(st->turn_fd, LOCK_UN);
		st->turn_waiting = 0;
	}
}

void
store_turn_yield(struct store *st)
{
	int64_t until;
	int free_now;

	if (st->engine != SQL_SQLITE || st->turn_fd < 0)
		return;
	free_now = flock(st->turn_fd, LOCK_EX | LOCK_NB) == 0;
	/* somebody waits; but not again for one that did not begin in
	 * YIELD_MS (a process stopped while it waited, ^Z): only once the
	 * lock has been free */
	if (!free_now && errno == EWOULDBLOCK && !st->turn_stuck) {
		until = mono_us() + (int64_t)YIELD_MS * 1000;
		do
			sleep_1ms();
		while (!(free_now = flock(st->turn_fd,
					  LOCK_EX | LOCK_NB) == 0) &&
		       mono_us() < until);
		st->turn_stuck = !free_now;
	} else if (free_now) {
		st->turn_stuck = 0;
	}
	(void)flock(st->turn_fd, LOCK_UN);
}

void
store_turn_close(struct store *st)
{
	if (st->turn_fd >= 0)
		close(st->turn_fd);
	st->turn_fd = -1;
}
