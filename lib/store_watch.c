/* SPDX-License-Identifier: MIT */
/* The store: telling a reader that another connection committed (SQLite's data_version, PostgreSQL's LISTEN). */
#include "store_int.h"

/*
 * PRAGMA data_version changes on a connection when another connection
 * has committed since the connection last asked; it reads a counter the
 * connection keeps (its wal-index header), so asking costs no query of
 * a table and takes no lock, and a connection kept open can ask as
 * often as it likes. PostgreSQL tells: the connection LISTENs for the
 * event log's NOTIFY (lib/store_pg_watch.c) and its socket becomes
 * readable when one comes.
 */

static int
data_version(struct store *st, int64_t *out, struct wa_err *err)
{
	int rc = sq_int1(store_q(st, Q_STORE_DATA_VERSION), out,
			 "data_version", err);

	if (rc == 0)
		return wa_err_set(err, WA_EX_IOERR, "io",
				  "data_version: no answer");
	return rc < 0 ? -1 : 0;
}

int
store_watch_start(struct store *st, struct wa_err *err)
{
	if (st->engine == SQL_PG)
		return store_pg_listen(st, err);
	return data_version(st, &st->watch_version, err);
}

int
store_watch_fd(struct store *st)
{
	return st->engine == SQL_PG ? store_pg_socket(st) : -1;
}

int
store_watch_changed(struct store *st, struct wa_err *err)
{
	int64_t v;

	if (st->engine == SQL_PG)
		return store_pg_notified(st, err);
	if (data_version(st, &v, err) < 0)
		return -1;
	if (v == st->watch_version)
		return 0;
	st->watch_version = v;
	return 1;
}

void
store_watch_stop(struct store *st)
{
	if (st->engine == SQL_PG)
		store_pg_unlisten(st);
}
