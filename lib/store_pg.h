/* SPDX-License-Identifier: MIT */
/* Inside the PostgreSQL driver: its part of a connection (store_pg*.c). */
#ifndef WA_STORE_PG_H
#define WA_STORE_PG_H

#include "pq_lazy.h"
#include "store_int.h"
#include "pgerr.h"

/* Writes sent ahead before their answers are read: the answers wait in
 * the socket's buffers, which must not fill up (a few dozen bytes
 * each). */
#define STORE_PG_PIPE_MAX 256

struct store_pg {
	PGconn *conn;
	unsigned gen;		/* 1, then one more at each reconnection */
	int64_t changes;	/* rows of the last finished write */
	int64_t total;		/* rows written since the connection opened */
	struct pgerr e;		/* the last error */
	unsigned adhoc;		/* store_sql's statements named so far */
	unsigned listening;	/* gen of the LISTEN for watchers, 0 none */
	int warned;		/* the server sent a WARNING (store_pg_commit) */
	/* Writes sent ahead in pipeline mode (sq_later), answers unread: */
	int piped;		/* how many */
	int pipe_failed;	/* one failed: so does the transaction */
	const char *piped_label[STORE_PG_PIPE_MAX];	/* their names */
};

/* The connection is usable: reconnected when it was lost, outside a
 * transaction; -1 with the error noted. */
int store_pg_alive(struct store *st);

/* Reads the answers of the writes sent ahead and leaves pipeline mode:
 * 0, or -1 with the first failure noted (the transaction has failed).
 * Every other use of the connection comes after it. */
int store_pg_drain(struct store *st);

#endif
