/* SPDX-License-Identifier: MIT */
/* PostgreSQL errors: what libpq said, kept without secrets, and its exit status. */
#ifndef WA_PGERR_H
#define WA_PGERR_H

#include "pq_lazy.h"
#include "err.h"

/* The last error of a connection, copied out of libpq so that it
 * outlives the result it came from. */
struct pgerr {
	char state[6];		/* SQLSTATE, "" when libpq gave none */
	char msg[300];		/* one line, the password replaced */
	char query[48];		/* the catalogue query that failed, or "" */
	int lost;		/* the connection is gone */
	int ahead;		/* of a write sent ahead (sq_later), read
				   with a later statement's answer */
};

/* Notes the error of r (NULL: of the connection itself) on conn, while
 * running query (may be NULL). */
void pgerr_note(struct pgerr *e, PGconn *conn, const PGresult *r,
		const char *query);

/* 1 when a later try may succeed: a lost or read-only connection, a
 * serialization failure, a deadlock, a lock or connection limit. */
int pgerr_retryable(const struct pgerr *e);

/* Fills err from e: retryable 75 ("busy"), others 74 ("io"); what names
 * the operation. Returns -1. */
int pgerr_fill(const struct pgerr *e, struct wa_err *err, const char *what);

/* Copies libpq's message msg to out (size n) on one line, with every
 * occurrence of the password pass (may be NULL) replaced. */
void pgerr_clean(char *out, size_t n, const char *msg, const char *pass);

#endif
