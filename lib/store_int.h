/* SPDX-License-Identifier: MIT */
/* Inside the store: the connection, its queries, and the engine drivers' hooks. */
#ifndef WA_STORE_INT_H
#define WA_STORE_INT_H

#include <sqlite3.h>
#include "store.h"

struct sq_pg;	/* the PostgreSQL driver's part of a query (store_pg.c) */
struct store_pg;	/* its part of a connection */

struct sq {
	struct store *st;
	enum sql_id id;
	unsigned drops;		/* desk cache parts to drop when fetched */
	sqlite3_stmt *s;	/* SQLite */
	struct sq_pg *pg;	/* PostgreSQL */
	/* SQLite: an "INSERT ... RETURNING id" prepared without its
	 * RETURNING (which costs a temporary table per row in SQLite 3.40);
	 * the row is made from sqlite3_last_insert_rowid. */
	int last_id;		/* prepared so */
	int id_row;		/* 1: the made row is current; 2: it was */
	int64_t new_id;
	char id_text[24];
	/* text columns of the current row read back unescaped
	 * (store_text.c), by column; NULL where the text is as stored */
	char **plain;
	size_t *plain_len;
	int nplain;
};

struct store {
	enum sql_engine engine;
	sqlite3 *db;			/* SQLite */
	struct store_pg *pg;		/* PostgreSQL */
	unsigned open_flags;		/* STORE_KEEP_SCHEMA, ... */
	int readonly;			/* opened read-only (STORE_READ) */
	int in_tx;			/* in a store_begin transaction */
	struct desk_cache *cache;	/* made by the first store_begin */
	int cache_mute;			/* the desk writes through */
	int64_t data_version;		/* at the last store_begin, -1 none */
	uint64_t generation;		/* store_generation */
	int64_t watch_version;		/* at the last store_watch_changed */
	int turn_fd;			/* "<db>-turn.lock" (store_turn.c), -1 */
	int turn_waiting;		/* holds its shared lock */
	int turn_stuck;			/* a waiter did not begin in time */
	int64_t turn_since;		/* the wait began (mono_us) */
	struct sq *q[SQL_QUERIES];	/* prepared on first use */
	struct {			/* store_aux */
		void *p;
		void (*free_fn)(void *p);
	} aux[STORE_AUX_N];
};

/* How a desk comes to be, for the error of a command that does not make
 * one (STORE_MUST_EXIST) where there is none. */
#define STORE_NO_DESK_HINT "(a desk is made by wa-connect business, " \
	"wa-connect add, wa-recv or wa-db migrate)"

/* What fetching a statement of this text makes stale in the desk cache
 * (store.c); readonly is the engine's verdict on the statement. */
unsigned store_stmt_drops(const char *sql, int readonly);

void store_q_free_all(struct store *st);

/* Writers' turns on SQLite (lib/store_turn.c): the busy handler, and
 * for a writer the turn lock file beside path; done once the statement
 * that waited has run. */
void store_turn_open(struct store *st, const char *path, int writer);
void store_turn_done(struct store *st);
void store_turn_close(struct store *st);

/* U+0000 in text (lib/store_text.c): the text as the store writes it,
 * or as it was given when read back; both NULL when it is the same
 * (nearly always), else owned with its length in *out_len. */
char *store_text_escape(const char *v, size_t len, size_t *out_len);
char *store_text_unescape(const char *v, size_t len, size_t *out_len);

/* ---- the PostgreSQL driver (lib/store_pg.c) ------------------------- */

/* 1 when target names a PostgreSQL database (a postgres:// or
 * postgresql:// URI, or a conninfo string), 0 for a file path. */
int store_pg_target(const char *target);
/* Opens and, unless st->open_flags has STORE_KEEP_SCHEMA, migrates. */
int store_pg_open(struct store *st, const char *target, struct wa_err *err);
int store_pg_schema_version(struct store *st, int *out, struct wa_err *err);
int store_pg_migrate(struct store *st, struct wa_err *err);
void store_pg_close(struct store *st);
int store_pg_exec(struct store *st, const char *sql, struct wa_err *err);
int store_pg_begin(struct store *st, struct wa_err *err);
int store_pg_commit(struct store *st, struct wa_err *err);
void store_pg_rollback(struct store *st);
/* 0 when libpq can parse target; else -1 with err config (78), libpq's
 * message with every part it quotes hidden (it may be the password). */
int store_pg_parse(const char *target, struct wa_err *err);
int store_pg_in_tx(struct store *st);
int store_pg_fail(struct store *st, struct wa_err *err, const char *what);
int64_t store_pg_changes(struct store *st);
/* wa-view watch (lib/store_pg_watch.c): LISTEN for the event log's
 * NOTIFY; the socket to wait on; 1 when told of a commit (or
 * reconnected, when some may have been missed), 0 not, -1; UNLISTEN. */
int store_pg_listen(struct store *st, struct wa_err *err);
int store_pg_socket(struct store *st);
int store_pg_notified(struct store *st, struct wa_err *err);
void store_pg_unlisten(struct store *st);
int64_t store_pg_total_changes(struct store *st);

struct sq_pg *sq_pg_prepare(struct store *st, enum sql_id id);
/* An ad-hoc text (store_sql): NULL with err when it does not prepare. */
struct sq_pg *sq_pg_prepare_text(struct store *st, const char *text,
				 struct wa_err *err);
void sq_pg_free(struct sq_pg *p);
/* Prepared on the connection now (else at the first step). */
int sq_pg_ready(struct store *st, struct sq_pg *p, struct wa_err *err);
void sq_pg_reset(struct sq_pg *p);	/* results and bindings */
/* Parameter idx as text (binary 1: bytes, e.g. a raw delivery); v NULL
 * binds NULL. The driver copies the bytes. */
void sq_pg_bind(struct sq_pg *p, int idx, const char *v, size_t len,
		int binary);
int sq_pg_step(struct sq *q);		/* as sq_step */
int sq_pg_later(struct sq *q);		/* sq_later: 0 sent ahead, 1 run
					   it now (sq_done), -1 noted */
enum sq_type sq_pg_col_type(struct sq_pg *p, int col);
const char *sq_pg_col_text(struct sq_pg *p, int col);
size_t sq_pg_col_bytes(struct sq_pg *p, int col);

#endif
