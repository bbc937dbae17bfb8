/* SPDX-License-Identifier: MIT */
/* The store: open (SQLite file or PostgreSQL), transactions, the catalogue's queries. */
#ifndef WA_STORE_H
#define WA_STORE_H

#include <stdint.h>
#include <jv.h>
#include "err.h"
#include "sql.h"

struct store;
struct desk_cache;

/* Opens (creating parent dirs and the file mode 0600) and migrates.
 * Newer schema than this binary: -1, err exit 78, file untouched.
 * I/O: 74; busy past the timeout: 75. */
int store_open(struct store **out, const char *path, struct wa_err *err);
/* store_open with flags: STORE_KEEP_SCHEMA opens without migrating (the
 * caller reads store_schema_version); STORE_MUST_EXIST refuses a SQLite
 * file that is not there (exit 78, naming the path) instead of creating
 * it: only the commands that set a desk up create one, so a mistyped
 * --db is not taken for an empty desk. STORE_READ (implies MUST_EXIST):
 * the command only reads, so a desk that cannot be written (a read-only
 * file, directory or filesystem: a backup snapshot) is opened read-only
 * (store_readonly) instead of failing; its schema must be current. */
enum { STORE_KEEP_SCHEMA = 1, STORE_MUST_EXIST = 2, STORE_READ = 4 };
int store_open_flags(struct store **out, const char *path, unsigned flags,
		     struct wa_err *err);
/* 1 when the store was opened read-only (STORE_READ on a desk that
 * cannot be written): writes fail, so readers skip their bookkeeping. */
int store_readonly(struct store *st);
/* The schema version of the database; this binary's is schema_version(). */
int store_schema_version(struct store *st, int *out, struct wa_err *err);
/* Brings the schema up to date (store_open does it unless told not to). */
int store_migrate(struct store *st, struct wa_err *err);
/* Finalises every cached statement and closes. NULL is fine. */
void store_close(struct store *st);
/* The path of a SQLite desk's WAL file (owned), NULL on PostgreSQL. */
char *store_wal_path(struct store *st);

/* BEGIN IMMEDIATE / COMMIT / ROLLBACK. Rollback never fails loudly. */
int store_begin(struct store *st, struct wa_err *err);
int store_commit(struct store *st, struct wa_err *err);
void store_rollback(struct store *st);
/* For a writer that goes on writing (an import, the webhook server),
 * after a commit: while another connection waits for the write lock,
 * waits a little (at most 200 ms) for it to begin. SQLite only
 * (lib/store_turn.c); PostgreSQL's lock queue is fair already. */
void store_turn_yield(struct store *st);
int store_in_tx(struct store *st);

/* The desk cache (lib/desk_cache.h) of the connection while it holds
 * the write lock in a store_begin transaction, when entries can be
 * trusted; otherwise NULL, and the cache is emptied (a write outside a
 * transaction may not be seen). The store drops entries when another
 * connection committed, on rollback, and on any write not muted. */
struct desk_cache *store_cache(struct store *st);
/* on = 1 while the desk writes rows whose cache entries it updates
 * itself (write-through); back to 0 right after the step. */
void store_cache_mute(struct store *st, int on);

/* Changes whenever rows this connection read may have changed under
 * it: another connection committed (seen at store_begin), a rollback,
 * store_exec; on PostgreSQL at every store_begin. A module that keeps
 * rows between transactions (routing's rules) reads them again when it
 * changed, and keeps its own writes in step. */
uint64_t store_generation(struct store *st);

/* State a module above the store keeps per connection (routing's
 * compiled rules): NULL until set; store_close frees it with free_fn. */
enum store_aux { STORE_AUX_ROUTING, STORE_AUX_N };
void *store_aux(struct store *st, enum store_aux which);
void store_aux_set(struct store *st, enum store_aux which, void *p,
		   void (*free_fn)(void *p));

/* Runs sql (one or more statements, no results). */
int store_exec(struct store *st, const char *sql, struct wa_err *err);

/* Fills err from the connection's last error: BUSY/LOCKED exit 75,
 * others 74; what names the operation. Returns -1. */
int store_fail(struct store *st, struct wa_err *err, const char *what);

/* settings table: owned value or NULL; set replaces. */
char *store_setting_get(struct store *st, const char *key);
int store_setting_set(struct store *st, const char *key, const char *value,
		      struct wa_err *err);

/* A thread with its own connection to db_path that checkpoints the WAL
 * (PASSIVE) every ms, so the writer's commits do not wait for
 * checkpoints; the writer keeps a large wal_autocheckpoint as a safety
 * net. Best effort: a failed checkpoint is tried again later. -1 with err
 * (io, 74) when it cannot start. */
struct store_ckpt;
int store_ckpt_start(struct store_ckpt **out, const char *db_path,
		     unsigned ms, struct wa_err *err);
void store_ckpt_stop(struct store_ckpt *c);

/* Following other connections' commits (wa-view watch): start begins
 * (PostgreSQL: LISTEN); fd is a descriptor that becomes readable when
 * another connection may have committed, or -1 when the caller looks
 * every so often (SQLite); changed says 1 when another connection
 * committed since start or the last call (PostgreSQL: when a NOTIFY
 * came, or the connection was made again), 0 when none did, -1 with err
 * (io 74, busy 75); stop ends it.
 * On SQLite, changed is PRAGMA data_version on this connection: no
 * query, no lock. */
int store_watch_start(struct store *st, struct wa_err *err);
int store_watch_fd(struct store *st);
int store_watch_changed(struct store *st, struct wa_err *err);
void store_watch_stop(struct store *st);

/* ---- the catalogue's queries (lib/sql.h), on either engine ---------- */

/*
 * A query of the catalogue prepared once per connection. store_q resets
 * it and clears its bindings; indexes are 1-based for binds and 0-based
 * for columns, as in SQLite. Text returned by sq_col_text lives until
 * the next step or reset of the query.
 *
 *	struct sq *q = store_q(st, Q_CONTACT_ONE);
 *	sq_int(q, 1, id);
 *	while ((rc = sq_step(q)) > 0)
 *		use(sq_col_text(q, 0));
 *	sq_reset(q);
 *	if (rc < 0)
 *		return sq_fail(q, err, "read contacts");
 */
struct sq;

enum sq_type { SQ_NULL, SQ_INT, SQ_REAL, SQ_TEXT, SQ_BLOB };

struct sq *store_q(struct store *st, enum sql_id id);
/* Prepares query id now, as the engine would at its first step: -1 with
 * err when the engine refuses the text (the tests prepare the whole
 * catalogue on each engine). */
int store_q_check(struct store *st, enum sql_id id, struct wa_err *err);
/* A query that is not in the catalogue because its text is made at run
 * time from the schema (wa-db's copy and checks only; and the tests' and
 * benchmarks' own SQL): prepared now, NULL with err on a bad text; what
 * it may make stale in the desk cache is dropped then, as store_q does;
 * the caller frees it with sq_free. */
struct sq *store_sql(struct store *st, const char *text, struct wa_err *err);
void sq_free(struct sq *q);
enum sql_engine store_engine(struct store *st);

void sq_null(struct sq *q, int idx);
void sq_int(struct sq *q, int idx, int64_t v);
void sq_int_or_null(struct sq *q, int idx, int64_t v, int isnull);
void sq_double(struct sq *q, int idx, double v);
/* NULL binds NULL; the text is copied. */
void sq_text(struct sq *q, int idx, const char *v);
void sq_textn(struct sq *q, int idx, const char *v, size_t len);
/* Bytes kept as they are (raw deliveries): the caller keeps them alive
 * until the query is stepped. NULL with len 0 is the empty blob. */
void sq_blob(struct sq *q, int idx, const void *v, size_t len);
/* jv (borrowed): string as text, number as int/real, true/false as 1/0,
 * null/invalid as NULL, arrays and objects as compact JSON text. */
void sq_jv(struct sq *q, int idx, jv v);

/* 1: a row is ready; 0: done (the query is reset); -1: error (reset;
 * sq_fail names it). */
int sq_step(struct sq *q);
void sq_reset(struct sq *q);
/* Fills err from the query's connection: busy, lost or read-only
 * connection 75, others 74. Returns -1. */
int sq_fail(struct sq *q, struct wa_err *err, const char *what);
/* Steps to the end (a write, or a row ignored); 0 or -1 with err. */
int sq_done(struct sq *q, struct wa_err *err);
/* A write inside a transaction whose outcome only the transaction needs:
 * SQLite runs it now (sq_done); PostgreSQL sends it without waiting for
 * the answer, which is read before the next statement or the commit, so
 * its failure is reported there (and the transaction fails). Nothing may
 * depend on its rows changed but store_changes/store_total_changes,
 * which wait for it. Outside a transaction, sq_done. */
int sq_later(struct sq *q, struct wa_err *err);
/* Steps for one integer: 1 with *out = column 0 of the first row, 0 no
 * row (*out untouched), -1 with err ("cannot <what>: ..."). Resets. */
int sq_int1(struct sq *q, int64_t *out, const char *what,
	    struct wa_err *err);

enum sq_type sq_col_type(struct sq *q, int col);
int sq_col_null(struct sq *q, int col);
int64_t sq_col_int(struct sq *q, int col);
double sq_col_double(struct sq *q, int col);
/* NULL for SQL NULL. */
const char *sq_col_text(struct sq *q, int col);
size_t sq_col_bytes(struct sq *q, int col);
const void *sq_col_blob(struct sq *q, int col);
/* Owned values of a column: jv string / number / parsed JSON / ISO time
 * (NULL -> jv_null()), a C string (NULL for NULL). */
jv sq_col_str(struct sq *q, int col);
jv sq_col_jint(struct sq *q, int col);
jv sq_col_json(struct sq *q, int col);
jv sq_col_time(struct sq *q, int col);
char *sq_col_dup(struct sq *q, int col);

/* Rows changed by the connection's last finished write; by every write
 * since the connection opened. */
int64_t store_changes(struct store *st);
int64_t store_total_changes(struct store *st);

#endif
