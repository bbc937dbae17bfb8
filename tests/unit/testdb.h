/* SPDX-License-Identifier: MIT */
/* Unit-test helpers for a database in a temporary directory. */
#ifndef WA_TEST_TESTDB_H
#define WA_TEST_TESTDB_H

#include <stdio.h>
#include <unistd.h>
#include <stdlib.h>
#include "store.h"
#include "util.h"

/* The integer answer of sql on st's connection, -1 when there is none. */
static inline long long
sql1(struct store *st, const char *sql)
{
	struct wa_err err;
	struct sq *q = store_sql(st, sql, &err);
	long long v = -1;

	if (q && sq_step(q) > 0)
		v = sq_col_int(q, 0);
	sq_free(q);
	return v;
}

/* The text answer of sql on st's connection (owned), NULL when none. */
static inline char *
sql1_text(struct store *st, const char *sql)
{
	struct wa_err err;
	struct sq *q = store_sql(st, sql, &err);
	char *v = NULL;

	if (q && sq_step(q) > 0)
		v = sq_col_dup(q, 0);
	sq_free(q);
	return v;
}

/* Runs sql, one statement, on st's connection as other code would (not
 * through store_exec, which empties the desk cache); prints a TAP note
 * when it fails. */
static inline void
sql_run(struct store *st, const char *sql)
{
	struct wa_err err;
	struct sq *q = store_sql(st, sql, &err);

	if (!q || sq_done(q, &err) < 0)
		printf("# %s: %s\n", sql, err.message);
	sq_free(q);
}

/* Removes dir/wa.db with its WAL files, then dir. */
static inline void
testdb_remove(const char *dir)
{
	static const char *const sfx[] = { "", "-wal", "-shm" };
	char path[256];
	size_t i;

	for (i = 0; i < sizeof(sfx) / sizeof(sfx[0]); i++) {
		snprintf(path, sizeof(path), "%s/wa.db%s", dir, sfx[i]);
		unlink(path);
	}
	rmdir(dir);
}

#endif
