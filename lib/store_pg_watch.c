/* SPDX-License-Identifier: MIT */
/* The PostgreSQL driver: LISTEN for the event log's NOTIFY, so a watcher sleeps until a commit. */
#include "store_pg.h"

/*
 * event_log's trigger (schema 6) NOTIFYs this channel when a
 * transaction that appended events commits. A connection that was lost
 * and made again (store_pg_alive) listens no more: it LISTENs again,
 * and says "changed", since a commit may have come in between.
 */
#define PG_EVENTS_LISTEN "LISTEN wa_event_log"

int
store_pg_listen(struct store *st, struct wa_err *err)
{
	if (store_pg_exec(st, PG_EVENTS_LISTEN, err) < 0)
		return -1;
	st->pg->listening = st->pg->gen;
	return 0;
}

int
store_pg_socket(struct store *st)
{
	return PQsocket(st->pg->conn);
}

int
store_pg_notified(struct store *st, struct wa_err *err)
{
	struct store_pg *pg = st->pg;
	PGnotify *n;
	int got = 0;

	if (!PQconsumeInput(pg->conn)) {
		pgerr_note(&pg->e, pg->conn, NULL, NULL);
		if (store_pg_alive(st) < 0)
			return store_pg_fail(st, err, "wait for events");
	}
	if (pg->listening != pg->gen)
		return store_pg_listen(st, err) < 0 ? -1 : 1;
	while ((n = PQnotifies(pg->conn)) != NULL) {
		got = 1;
		PQfreemem(n);
	}
	return got;
}

void
store_pg_unlisten(struct store *st)
{
	struct wa_err scratch;

	if (st->pg->listening)
		store_pg_exec(st, "UNLISTEN *", &scratch);
	st->pg->listening = 0;
}
