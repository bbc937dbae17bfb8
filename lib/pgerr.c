/* SPDX-License-Identifier: MIT */
/* PostgreSQL errors: what libpq said, kept without secrets, and its exit status. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include "pgerr.h"

void
pgerr_clean(char *out, size_t n, const char *msg, const char *pass)
{
	size_t plen = pass ? strlen(pass) : 0, o = 0;

	if (!msg)
		msg = "";
	while (*msg && o + 1 < n) {
		if (plen && strncmp(msg, pass, plen) == 0) {
			size_t k;

			for (k = 0; k < 3 && o + 1 < n; k++)
				out[o++] = '*';
			msg += plen;
			continue;
		}
		if (isspace((unsigned char)*msg)) {
			/* libpq's messages end in a newline and indent a
			 * second line with a tab: one space for each run */
			while (isspace((unsigned char)*msg))
				msg++;
			if (o && *msg)
				out[o++] = ' ';
			continue;
		}
		out[o++] = *msg++;
	}
	out[o] = '\0';
}

void
pgerr_note(struct pgerr *e, PGconn *conn, const PGresult *r,
	   const char *query)
{
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY)
		: NULL;

	if (!msg)
		msg = r && *PQresultErrorMessage(r) ? PQresultErrorMessage(r)
			: PQerrorMessage(conn);
	if (!*msg)
		msg = "unknown error";
	snprintf(e->state, sizeof(e->state), "%s", state ? state : "");
	snprintf(e->query, sizeof(e->query), "%s", query ? query : "");
	pgerr_clean(e->msg, sizeof(e->msg), msg, conn ? PQpass(conn) : NULL);
	e->lost = !conn || PQstatus(conn) == CONNECTION_BAD;
	e->ahead = 0;
}

int
pgerr_retryable(const struct pgerr *e)
{
	static const char *const states[] = {
		"25006",	/* read_only_sql_transaction: a standby */
		"40001",	/* serialization_failure */
		"40P01",	/* deadlock_detected */
		"55P03",	/* lock_not_available: lock_timeout */
		"53300",	/* too_many_connections */
		"57P01",	/* admin_shutdown */
		"57P02",	/* crash_shutdown */
		"57P03",	/* cannot_connect_now: starting up */
	};
	size_t i;

	if (e->lost || strncmp(e->state, "08", 2) == 0)	/* connection */
		return 1;
	for (i = 0; i < sizeof(states) / sizeof(states[0]); i++)
		if (strcmp(e->state, states[i]) == 0)
			return 1;
	return 0;
}

int
pgerr_fill(const struct pgerr *e, struct wa_err *err, const char *what)
{
	char where[80] = "";

	if (e->ahead)	/* not what the caller was doing when it came */
		what = "write";
	if (*e->state || *e->query)
		snprintf(where, sizeof(where), " (postgresql%s%s%s%s)",
			 *e->state ? " " : "", e->state,
			 *e->query ? " in " : "", e->query);
	if (e->lost)
		return wa_err_set(err, WA_EX_TEMPFAIL, "busy",
				  "%s: lost the connection to PostgreSQL: "
				  "%s%s: retry later", what, e->msg, where);
	if (pgerr_retryable(e))
		return wa_err_set(err, WA_EX_TEMPFAIL, "busy",
				  "%s: %s%s: retry later", what, e->msg,
				  where);
	return wa_err_set(err, WA_EX_IOERR, "io", "%s: %s%s", what, e->msg,
			  where);
}
