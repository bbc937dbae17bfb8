/* SPDX-License-Identifier: MIT */
/* The PostgreSQL driver (libpq): connection, transactions, errors. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "pq_lazy.h"
#include "store_pg.h"
#include "schema.h"
#include "util.h"

/*
 * Every write transaction takes this advisory lock of its database
 * first. On SQLite, BEGIN IMMEDIATE lets one writer in at a time, and the
 * desk relies on it: a read then a write in one transaction (a contact
 * looked up, then created), event_log numbered in commit order. Several
 * hosts writing one PostgreSQL database keep that order this way; readers
 * never wait. lock_timeout bounds the wait like SQLite's busy timeout.
 */
#define PG_WRITE_LOCK "7752626425"

static const char PG_SESSION[] =
	"SET client_encoding = 'UTF8'; SET bytea_output = 'hex';"
	" SET lock_timeout = '5s'; SET client_min_messages = 'warning'";

/* libpq's connection keywords (libpq 15): a conninfo string starts with
 * one of them and '='. */
static const char *const conninfo_keys[] = {
	"host", "hostaddr", "port", "dbname", "user", "password", "passfile",
	"channel_binding", "connect_timeout", "client_encoding", "options",
	"application_name", "fallback_application_name", "keepalives",
	"keepalives_idle", "keepalives_interval", "keepalives_count",
	"tcp_user_timeout", "replication", "gssencmode", "sslmode",
	"requiressl", "sslcompression", "sslcert", "sslkey", "sslpassword",
	"sslrootcert", "sslcrl", "sslcrldir", "sslsni", "requirepeer",
	"ssl_min_protocol_version", "ssl_max_protocol_version", "krbsrvname",
	"gsslib", "service", "target_session_attrs", "load_balance_hosts",
};

int
store_pg_target(const char *target)
{
	size_t n, i;

	if (strncmp(target, "postgresql://", 13) == 0 ||
	    strncmp(target, "postgres://", 11) == 0)
		return 1;
	while (isspace((unsigned char)*target))
		target++;
	for (n = 0; isalnum((unsigned char)target[n]) || target[n] == '_'; n++)
		;
	for (i = 0; i < sizeof(conninfo_keys) / sizeof(*conninfo_keys); i++)
		if (strlen(conninfo_keys[i]) == n &&
		    strncmp(target, conninfo_keys[i], n) == 0)
			break;
	if (i == sizeof(conninfo_keys) / sizeof(*conninfo_keys))
		return 0;
	target += n;
	while (isspace((unsigned char)*target))
		target++;
	return *target == '=';
}

/*
 * libpq's socket takes the lowest free descriptor: with standard output
 * closed (wa-recv serve >&-) it would be 1, and the events printed would
 * go to the server. While connecting, /dev/null holds each of 0, 1 and 2
 * that is closed; they are closed again after, so a write to them still
 * fails as it should. (SQLite never opens a file on them either.)
 */
static void
std_hold(int held[3])
{
	int i;

	for (i = 0; i < 3; i++)
		held[i] = fcntl(i, F_GETFD) < 0 && errno == EBADF ?
			open("/dev/null", O_RDWR | O_CLOEXEC) : -1;
}

static void
std_release(const int held[3])
{
	int i;

	for (i = 0; i < 3; i++)
		if (held[i] >= 0)
			close(held[i]);
}

/* libpq prints notices on stderr by default: nothing of ours to show,
 * but a WARNING is noted (store_pg_commit). */
static void
notice(void *arg, const PGresult *r)
{
	struct store_pg *pg = arg;
	const char *sev = PQresultErrorField(r, PG_DIAG_SEVERITY_NONLOCALIZED);

	if (sev && strcmp(sev, "WARNING") == 0)
		pg->warned = 1;
}

/* Runs sql on the connection; the error noted on failure. */
static int
pg_run(struct store_pg *pg, const char *sql)
{
	PGresult *r = PQexec(pg->conn, sql);
	ExecStatusType s = PQresultStatus(r);

	if (s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK) {
		PQclear(r);
		return 0;
	}
	pgerr_note(&pg->e, pg->conn, r, NULL);
	PQclear(r);
	return -1;
}

/* The connection is usable, reconnected when it was lost (a failover:
 * libpq tries the hosts again, target_session_attrs holds). Statements
 * are prepared again on the new one. Never inside a transaction: its
 * first part is gone with the old connection. */
int
store_pg_alive(struct store *st)
{
	struct store_pg *pg = st->pg;
	int held[3];

	if (store_pg_drain(st) < 0)
		return -1;
	if (PQstatus(pg->conn) == CONNECTION_OK)
		return 0;
	if (st->in_tx) {
		pgerr_note(&pg->e, pg->conn, NULL, NULL);
		return -1;
	}
	std_hold(held);
	PQreset(pg->conn);
	std_release(held);
	if (PQstatus(pg->conn) != CONNECTION_OK) {
		pgerr_note(&pg->e, pg->conn, NULL, NULL);
		return -1;
	}
	if (pg_run(pg, PG_SESSION) < 0)
		return -1;
	pg->gen++;
	return 0;
}

/*
 * A parse error of libpq quotes the parts it did not understand, which
 * may hold the password. The target itself may hold quotes too, so no
 * count of them tells libpq's from the user's: everything from libpq's
 * first quote to its last (its own closing one) becomes one "...", in
 * the whole message (cut first, the last quote might be the user's).
 */
int
store_pg_parse(const char *target, struct wa_err *err)
{
	PQconninfoOption *opts;
	const char *m, *first, *last;
	char *perr = NULL, msg[300];
	struct strbuf hidden = STRBUF_INIT;

	if (pq_lazy_load(err) < 0)
		return -1;
	opts = PQconninfoParse(target, &perr);
	if (opts) {
		PQconninfoFree(opts);
		return 0;
	}
	m = perr ? perr : "out of memory";
	first = strchr(m, '"');
	last = strrchr(m, '"');
	if (first)
		sb_addf(&hidden, "%.*s\"...\"%s", (int)(first - m), m,
			last > first ? last + 1 : "");
	else
		sb_adds(&hidden, m);
	PQfreemem(perr);
	pgerr_clean(msg, sizeof(msg), sb_str(&hidden), NULL);
	sb_release(&hidden);
	return wa_err_set(err, WA_EX_CONFIG, "config",
			  "invalid PostgreSQL connection string: %s", msg);
}

int
store_pg_open(struct store *st, const char *target, struct wa_err *err)
{
	static const char *const keys[] = {
		"dbname", "fallback_application_name", NULL
	};
	const char *const vals[] = { target, "wa", NULL };
	struct store_pg *pg = xcalloc(1, sizeof(*pg));
	int have, held[3];

	st->pg = pg;
	if (store_pg_parse(target, err) < 0)
		return -1;
	std_hold(held);
	pg->conn = PQconnectdbParams(keys, vals, 1);
	std_release(held);
	if (!pg->conn)
		return wa_err_set(err, WA_EX_IOERR, "io",
				  "cannot connect to PostgreSQL: out of memory");
	PQsetNoticeReceiver(pg->conn, notice, pg);
	if (PQstatus(pg->conn) != CONNECTION_OK) {
		pgerr_note(&pg->e, pg->conn, NULL, NULL);
		return wa_err_set(err, WA_EX_TEMPFAIL, "busy",
				  "cannot connect to PostgreSQL: %s: retry "
				  "later", pg->e.msg);
	}
	pg->gen = 1;
	if (pg_run(pg, PG_SESSION) < 0)
		return pgerr_fill(&pg->e, err, "set up the session");
	/* a newer schema is refused before anything is written */
	if (store_pg_schema_version(st, &have, err) < 0)
		return -1;
	if (have > schema_version())
		return wa_err_set(err, WA_EX_CONFIG, "config",
				  "database schema version %d is newer than "
				  "this wa knows (%d); upgrade wa", have,
				  schema_version());
	/* as a SQLite file that is not there: nothing is made */
	if (have == 0 && (st->open_flags & (STORE_MUST_EXIST | STORE_READ)))
		return wa_err_set(err, WA_EX_CONFIG, "config",
				  "no desk in PostgreSQL database '%s' "
				  STORE_NO_DESK_HINT, PQdb(pg->conn));
	/* current: no second look (each is a round trip) */
	if ((st->open_flags & STORE_KEEP_SCHEMA) || have == schema_version())
		return 0;
	return store_pg_migrate(st, err);
}

int
store_pg_schema_version(struct store *st, int *out, struct wa_err *err)
{
	if (store_pg_alive(st) < 0)
		return store_pg_fail(st, err, "read schema version");
	return schema_pg_version(st->pg->conn, out, err);
}

int
store_pg_migrate(struct store *st, struct wa_err *err)
{
	if (store_pg_alive(st) < 0)
		return store_pg_fail(st, err, "migrate");
	return schema_pg_migrate(st->pg->conn, err);
}

void
store_pg_close(struct store *st)
{
	if (!st->pg)
		return;
	if (st->pg->conn)
		PQfinish(st->pg->conn);
	free(st->pg);
	st->pg = NULL;
}

int
store_pg_exec(struct store *st, const char *sql, struct wa_err *err)
{
	if (store_pg_alive(st) < 0 || pg_run(st->pg, sql) < 0)
		return store_pg_fail(st, err, "exec");
	return 0;
}

int
store_pg_begin(struct store *st, struct wa_err *err)
{
	struct store_pg *pg = st->pg;

	if (store_pg_alive(st) < 0 ||
	    pg_run(pg, "BEGIN; SELECT pg_advisory_xact_lock("
		   PG_WRITE_LOCK ")") < 0) {
		store_pg_fail(st, err, "begin transaction");
		store_pg_rollback(st);
		return -1;
	}
	return 0;
}

/*
 * With a synchronous standby (synchronous_standby_names), COMMIT waits
 * until the standby has the commit. When that wait is cancelled (a
 * statement_timeout, pg_cancel_backend) the server says COMMIT all the
 * same, with a WARNING that the commit may not have reached the standby:
 * that is no durable commit, and it fails here as retryable (75), so that
 * nothing is acknowledged on its strength. The rows are committed on the
 * primary; a retry finds them (wa-recv serve makes its commit wait for
 * the standby then too).
 */
int
store_pg_commit(struct store *st, struct wa_err *err)
{
	struct store_pg *pg = st->pg;
	PGresult *r;
	int ok;

	pg->warned = 0;
	if (store_pg_drain(st) < 0) {
		store_pg_fail(st, err, "commit");
		store_pg_rollback(st);
		return -1;
	}
	r = PQexec(pg->conn, "COMMIT");
	ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	if (ok && pg->warned && strcmp(PQcmdStatus(r), "COMMIT") == 0) {
		PQclear(r);
		return wa_err_set(err, WA_EX_TEMPFAIL, "busy",
				  "commit: not confirmed by the synchronous "
				  "standby (the wait for it was cancelled): "
				  "retry later");
	}

	/* COMMIT of a transaction that failed earlier answers ROLLBACK */
	if (ok && strcmp(PQcmdStatus(r), "COMMIT") != 0) {
		PQclear(r);
		store_pg_rollback(st);
		return wa_err_set(err, WA_EX_IOERR, "io",
				  "commit: the transaction failed earlier "
				  "and was rolled back");
	}
	if (!ok) {
		pgerr_note(&pg->e, pg->conn, r, NULL);
		PQclear(r);
		store_pg_fail(st, err, "commit");
		store_pg_rollback(st);
		return -1;
	}
	PQclear(r);
	return 0;
}

void
store_pg_rollback(struct store *st)
{
	PGTransactionStatusType t;

	(void)store_pg_drain(st);
	st->pg->pipe_failed = 0;
	t = PQtransactionStatus(st->pg->conn);
	if (t == PQTRANS_INTRANS || t == PQTRANS_INERROR)
		PQclear(PQexec(st->pg->conn, "ROLLBACK"));
}

int
store_pg_in_tx(struct store *st)
{
	PGTransactionStatusType t = PQtransactionStatus(st->pg->conn);

	return t == PQTRANS_INTRANS || t == PQTRANS_INERROR ||
	       t == PQTRANS_ACTIVE;
}

int
store_pg_fail(struct store *st, struct wa_err *err, const char *what)
{
	return pgerr_fill(&st->pg->e, err, what);
}

/* Both count the writes sent ahead too (a failure among them is
 * reported by the next statement or the commit). */
int64_t
store_pg_changes(struct store *st)
{
	(void)store_pg_drain(st);
	return st->pg->changes;
}

int64_t
store_pg_total_changes(struct store *st)
{
	(void)store_pg_drain(st);
	return st->pg->total;
}
