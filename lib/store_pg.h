/* SPDX-License-Identifier: MIT */
/* Inside the PostgreSQL driver: its part of a connection (store_pg*.c). */
#ifndef WA_STORE_PG_H
#define WA_STORE_PG_H

#include "pq_lazy.h"
#include "store_int.h"
#include "pgerr.h"

struct store_pg {
	PGconn *conn;
	unsigned gen;		/* 1, then one more at each reconnection */
	int64_t changes;	/* rows of the last finished write */
	int64_t total;		/* rows written since the connection opened */
	struct pgerr e;		/* the last error */
	unsigned adhoc;		/* store_sql's statements named so far */
	unsigned listening;	/* gen of the LISTEN for watchers, 0 none */
	int warned;		/* the server sent a WARNING (store_pg_commit) */
};

/* The connection is usable: reconnected when it was lost, outside a
 * transaction; -1 with the error noted. */
int store_pg_alive(struct store *st);

#endif
