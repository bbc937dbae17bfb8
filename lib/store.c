/* SPDX-License-Identifier: MIT */
/* The store: open (a SQLite file 0600 in WAL, or PostgreSQL), migrate, transactions. */
#include <errno.h>
#include <stdint.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include "store_int.h"
#include "desk_cache.h"
#include "jsonl.h"
#include "schema.h"
#include "util.h"

char *
store_wal_path(struct store *st)
{
	if (st->engine == SQL_PG)
		return NULL;
	return xstrdup(sqlite3_filename_wal(sqlite3_db_filename(st->db,
								"main")));
}

int
store_fail(struct store *st, struct wa_err *err, const char *what)
{
	int ext, prim;

	if (st->engine == SQL_PG)
		return store_pg_fail(st, err, what);
	ext = sqlite3_extended_errcode(st->db);
	prim = ext & 0xff;
	if (prim == SQLITE_BUSY || prim == SQLITE_LOCKED)
		return wa_err_set(err, WA_EX_TEMPFAIL, "busy",
				  "%s: database is busy (sqlite %d): retry "
				  "later", what, ext);
	return wa_err_set(err, WA_EX_IOERR, "io", "%s: %s (sqlite %d)", what,
			  sqlite3_errmsg(st->db), ext);
}

static int
parent_dir(const char *path)
{
	char *copy = xstrdup(path), *slash = strrchr(copy, '/');
	int rc = 0;

	if (slash && slash != copy) {
		*slash = '\0';
		rc = mkdir_p(copy);
	}
	free(copy);
	return rc;
}

static int
pragma_wal(struct store *st, struct wa_err *err)
{
	sqlite3_stmt *s;
	int ok = 0;

	if (sqlite3_prepare_v2(st->db, "PRAGMA journal_mode=WAL", -1, &s,
			       NULL))
		return store_fail(st, err, "set WAL mode");
	if (sqlite3_step(s) == SQLITE_ROW)
		ok = strcmp((const char *)sqlite3_column_text(s, 0), "wal") == 0;
	sqlite3_finalize(s);
	if (!ok)
		return wa_err_set(err, WA_EX_IOERR, "io",
				  "cannot use WAL journal mode "
				  "(network filesystem?)");
	return 0;
}

/* ---- the desk cache (lib/desk_cache.h) ---------------------------- */

/* This connection wrote a row. What the desk writes through itself is
 * muted; anything else drops the parts the table feeds. Writes to
 * WITHOUT ROWID tables (sessions) never come here: see stmt_drops. */
static void
on_update(void *ctx, int op, const char *dbname, const char *table,
	  sqlite3_int64 rowid)
{
	struct store *st = ctx;

	if (st->cache && !st->cache_mute)
		desk_cache_drop(st->cache, desk_cache_parts(table));
}

/* Any rollback, explicit or automatic (an I/O error, a full disk). */
static void
on_rollback(void *ctx)
{
	struct store *st = ctx;

	desk_cache_drop(st->cache, DESK_CACHE_ALL);
	st->generation++;
}

static int
names(const char *sql, const char *word)
{
	size_t n = strlen(word);

	for (; *sql; sql++)
		if (strncasecmp(sql, word, n) == 0)
			return 1;
	return 0;
}

/* What fetching a statement makes stale, decided when it is prepared:
 * ROLLBACK TO undoes rows the cache may hold without firing the
 * rollback hook; a write naming sessions may change a session. */
unsigned
store_stmt_drops(const char *sql, int readonly)
{
	while (isspace((unsigned char)*sql))
		sql++;
	if (strncasecmp(sql, "ROLLBACK", 8) == 0)
		return DESK_CACHE_ALL;
	if (!readonly && names(sql, "sessions"))
		return DESK_CACHE_SESSIONS;
	return 0;
}

/* Called holding the write lock: PRAGMA data_version changes when
 * another connection has committed since the last look (never for our
 * own commits), and nobody else can commit until we do. */
static void
cache_check(struct store *st)
{
	struct wa_err err;
	int64_t v = -1;

	if (!st->cache)
		st->cache = desk_cache_new();
	if (sq_int1(store_q(st, Q_STORE_DATA_VERSION), &v, "data_version",
		    &err) <= 0)
		v = -1;
	if (v < 0 || v != st->data_version) {
		desk_cache_drop(st->cache, DESK_CACHE_ALL);
		st->generation++;
	}
	st->data_version = v;
}

struct desk_cache *
store_cache(struct store *st)
{
	if (st->engine == SQL_PG)
		return NULL;	/* other hosts write: nothing can be trusted */
	if (st->in_tx && !sqlite3_get_autocommit(st->db))
		return st->cache;
	desk_cache_drop(st->cache, DESK_CACHE_ALL);
	return NULL;
}

uint64_t
store_generation(struct store *st)
{
	return st->generation;
}

void
store_cache_mute(struct store *st, int on)
{
	st->cache_mute = on;
}

/* ---- open, close, transactions -------------------------------------- */

int
store_open(struct store **out, const char *path, struct wa_err *err)
{
	return store_open_flags(out, path, 0, err);
}

/* "file:" URI of path for sqlite3_open_v2 with query (percent-encoded
 * where a URI needs it); owned. */
static char *
file_uri(const char *path, const char *query)
{
	struct strbuf sb = STRBUF_INIT;
	const unsigned char *p;

	sb_adds(&sb, "file:");
	for (p = (const unsigned char *)path; *p; p++)
		if (*p == '%' || *p == '?' || *p == '#' || *p <= ' ' ||
		    *p >= 0x7f)
			sb_addf(&sb, "%%%02X", *p);
		else
			sb_add(&sb, p, 1);
	sb_addf(&sb, "?%s", query);
	return sb_detach(&sb);
}

/* 1 when path or its directory cannot be written (a read-only file,
 * directory or filesystem): SQLite could not make the -wal and -shm
 * files a WAL database is read through. */
static int
unwritable(const char *path)
{
	char *dir = xstrdup(path), *slash = strrchr(dir, '/');
	int rc;

	if (slash)
		slash[slash == dir] = '\0';
	rc = access(path, W_OK) < 0 ||
	     access(slash ? dir : ".", W_OK) < 0;
	free(dir);
	return rc;
}

/*
 * A desk that cannot be written (STORE_READ): read-only through its WAL
 * when one is there (SQLite reads it with the -shm beside it); without a
 * WAL nothing is waiting to be checkpointed and the file is read as
 * immutable, the only way SQLite reads a WAL database where it cannot
 * make a -shm. Nothing is changed: no WAL pragma, no migration.
 */
static int
open_readonly(struct store *st, const char *path, struct wa_err *err)
{
	char *wal = NULL, *uri;
	struct strbuf sb = STRBUF_INIT;
	int rc, have;

	sb_addf(&sb, "%s-wal", path);
	wal = sb_detach(&sb);
	uri = file_uri(path, access(wal, F_OK) == 0 ? "mode=ro" :
		       "immutable=1");
	free(wal);
	rc = sqlite3_open_v2(uri, &st->db, SQLITE_OPEN_READONLY |
			     SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, NULL);
	free(uri);
	if (rc != SQLITE_OK)
		return -1;
	st->readonly = 1;
	sqlite3_extended_result_codes(st->db, 1);
	store_turn_open(st, path, 0);
	if (schema_check_newer(st->db, err) < 0 ||
	    store_schema_version(st, &have, err) < 0)
		return -1;
	if (have < schema_version() && !(st->open_flags & STORE_KEEP_SCHEMA))
		return wa_err_set(err, WA_EX_CONFIG, "config",
				  "cannot be written and its schema (%d) is "
				  "older than this wa's (%d): migrate a "
				  "writable copy", have, schema_version());
	return store_exec(st, "PRAGMA foreign_keys=ON", err);
}

/* A SQLite desk made or opened read-write (0600), in WAL, migrated. */
static int
open_readwrite(struct store *st, const char *path, struct wa_err *err)
{
	mode_t old;
	int rc;

	if (parent_dir(path) < 0)
		return wa_err_set(err, WA_EX_IOERR, "io",
				  "cannot create the directory: %s",
				  strerror(errno));
	old = umask(077);
	rc = sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE |
			     SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	umask(old);
	if (rc != SQLITE_OK)
		return -1;
	sqlite3_extended_result_codes(st->db, 1);
	store_turn_open(st, path, 1);
	/* A newer schema is refused before anything (even WAL) is written. */
	if (schema_check_newer(st->db, err) < 0 || pragma_wal(st, err) < 0 ||
	    store_exec(st, "PRAGMA synchronous=NORMAL; PRAGMA cache_size=-4096; "
		       "PRAGMA foreign_keys=ON", err) < 0 ||
	    (!(st->open_flags & STORE_KEEP_SCHEMA) &&
	     schema_migrate(st->db, err) < 0))
		return -1;
	return 0;
}

int
store_open_flags(struct store **out, const char *path, unsigned flags,
		 struct wa_err *err)
{
	struct store *st = xcalloc(1, sizeof(*st));
	struct stat sb;
	int rc;

	st->turn_fd = -1;
	*out = NULL;
	st->data_version = -1;
	st->open_flags = flags;
	if (store_pg_target(path)) {
		st->engine = SQL_PG;
		if (store_pg_open(st, path, err) < 0) {
			store_close(st);
			return -1;
		}
		*out = st;
		return 0;
	}
	if ((flags & (STORE_MUST_EXIST | STORE_READ)) && stat(path, &sb) < 0) {
		free(st);
		return wa_err_set(err, WA_EX_CONFIG, "config",
				  "no database at '%s': %s " STORE_NO_DESK_HINT,
				  path, strerror(errno));
	}
	wa_err_clear(err);
	if ((flags & STORE_READ) && unwritable(path))
		rc = open_readonly(st, path, err);
	else
		rc = open_readwrite(st, path, err);
	if (rc < 0) {
		if (!err->code[0])
			wa_err_set(err, WA_EX_IOERR, "io", "cannot open: %s",
				   st->db ? sqlite3_errmsg(st->db) :
				   "out of memory");
		wa_err_prefix(err, "%s", path);
		store_close(st);
		return -1;
	}
	sqlite3_update_hook(st->db, on_update, st);
	sqlite3_rollback_hook(st->db, on_rollback, st);
	*out = st;
	return 0;
}

int
store_readonly(struct store *st)
{
	return st->readonly;
}

int
store_schema_version(struct store *st, int *out, struct wa_err *err)
{
	if (st->engine == SQL_PG)
		return store_pg_schema_version(st, out, err);
	if (schema_user_version(st->db, out) < 0)
		return store_fail(st, err, "read schema version");
	return 0;
}

int
store_migrate(struct store *st, struct wa_err *err)
{
	if (st->engine == SQL_PG)
		return store_pg_migrate(st, err);
	return schema_migrate(st->db, err);
}

void *
store_aux(struct store *st, enum store_aux which)
{
	return st->aux[which].p;
}

void
store_aux_set(struct store *st, enum store_aux which, void *p,
	      void (*free_fn)(void *p))
{
	if (st->aux[which].p && st->aux[which].free_fn)
		st->aux[which].free_fn(st->aux[which].p);
	st->aux[which].p = p;
	st->aux[which].free_fn = free_fn;
}

void
store_close(struct store *st)
{
	int i;

	if (!st)
		return;
	for (i = 0; i < STORE_AUX_N; i++)
		store_aux_set(st, (enum store_aux)i, NULL, NULL);
	store_q_free_all(st);
	if (st->engine == SQL_PG) {
		store_pg_close(st);
		desk_cache_free(st->cache);
		free(st);
		return;
	}
	if (sqlite3_close(st->db) != SQLITE_OK)
		abort();	/* an unfinalised statement is a bug */
	store_turn_close(st);
	desk_cache_free(st->cache);
	free(st);
}

int
store_exec(struct store *st, const char *sql, struct wa_err *err)
{
	int rc;

	desk_cache_drop(st->cache, DESK_CACHE_ALL);	/* any SQL at all */
	st->generation++;
	if (st->engine == SQL_PG)
		return store_pg_exec(st, sql, err);
	rc = sqlite3_exec(st->db, sql, NULL, NULL, NULL);
	store_turn_done(st);
	if (rc != SQLITE_OK)
		return store_fail(st, err, "exec");
	return 0;
}

int
store_begin(struct store *st, struct wa_err *err)
{
	int rc;

	if (st->engine == SQL_PG) {
		st->generation++;	/* other hosts write */
		if (store_pg_begin(st, err) < 0)
			return -1;
		st->in_tx = 1;
		return 0;
	}
	rc = sqlite3_exec(st->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	store_turn_done(st);
	if (rc != SQLITE_OK)
		return store_fail(st, err, "begin transaction");
	st->in_tx = 1;
	cache_check(st);
	return 0;
}

int
store_commit(struct store *st, struct wa_err *err)
{
	if (st->engine == SQL_PG) {
		st->in_tx = 0;
		return store_pg_commit(st, err);
	}
	if (sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL)) {
		store_fail(st, err, "commit");
		store_rollback(st);
		return -1;
	}
	st->in_tx = 0;
	return 0;
}

void
store_rollback(struct store *st)
{
	if (st->engine == SQL_PG)
		store_pg_rollback(st);
	else if (!sqlite3_get_autocommit(st->db))
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	st->in_tx = 0;
	desk_cache_drop(st->cache, DESK_CACHE_ALL);
}

int
store_in_tx(struct store *st)
{
	if (st->engine == SQL_PG)
		return store_pg_in_tx(st);
	return !sqlite3_get_autocommit(st->db);
}

char *
store_setting_get(struct store *st, const char *key)
{
	struct sq *q = store_q(st, Q_SETTING_GET);
	char *v = NULL;

	sq_text(q, 1, key);
	if (sq_step(q) > 0)
		v = sq_col_dup(q, 0);
	sq_reset(q);
	return v;
}

int
store_setting_set(struct store *st, const char *key, const char *value,
		  struct wa_err *err)
{
	struct sq *q = store_q(st, Q_SETTING_SET);

	sq_text(q, 1, key);
	sq_text(q, 2, value);
	return sq_done(q, err);
}
