/* SPDX-License-Identifier: MIT */
/* The PostgreSQL driver (libpq): not built yet; a PostgreSQL target is refused. */
#include <string.h>
#include "store_int.h"

int
store_pg_target(const char *target)
{
	return strncmp(target, "postgresql://", 13) == 0 ||
	       strncmp(target, "postgres://", 11) == 0;
}

int
store_pg_open(struct store *st, const char *target, struct wa_err *err)
{
	return wa_err_set(err, WA_EX_CONFIG, "config",
			  "PostgreSQL is not supported by this build");
}

void store_pg_close(struct store *st) {}
int store_pg_schema_version(struct store *st, int *out, struct wa_err *err)
{ return store_pg_fail(st, err, "read schema version"); }
int store_pg_migrate(struct store *st, struct wa_err *err)
{ return store_pg_fail(st, err, "migrate"); }
int store_pg_exec(struct store *st, const char *sql, struct wa_err *err)
{ return store_pg_fail(st, err, "exec"); }
int store_pg_begin(struct store *st, struct wa_err *err)
{ return store_pg_fail(st, err, "begin"); }
int store_pg_commit(struct store *st, struct wa_err *err)
{ return store_pg_fail(st, err, "commit"); }
void store_pg_rollback(struct store *st) {}
int store_pg_in_tx(struct store *st) { return 0; }
int store_pg_fail(struct store *st, struct wa_err *err, const char *what)
{
	return wa_err_set(err, WA_EX_IOERR, "io", "%s: no PostgreSQL", what);
}
int64_t store_pg_changes(struct store *st) { return 0; }
int64_t store_pg_total_changes(struct store *st) { return 0; }
struct sq_pg *sq_pg_prepare(struct store *st, enum sql_id id) { return NULL; }
struct sq_pg *sq_pg_prepare_text(struct store *st, const char *text,
				 struct wa_err *err)
{ store_pg_fail(st, err, "prepare"); return NULL; }
void sq_pg_free(struct sq_pg *p) {}
void sq_pg_reset(struct sq_pg *p) {}
void sq_pg_bind(struct sq_pg *p, int idx, const char *v, size_t len,
		int binary) {}
int sq_pg_step(struct sq *q) { return -1; }
enum sq_type sq_pg_col_type(struct sq_pg *p, int col) { return SQ_NULL; }
const char *sq_pg_col_text(struct sq_pg *p, int col) { return NULL; }
size_t sq_pg_col_bytes(struct sq_pg *p, int col) { return 0; }
