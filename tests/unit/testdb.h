/* SPDX-License-Identifier: MIT */
/* Unit-test helpers for a database in a temporary directory. */
#ifndef WA_TEST_TESTDB_H
#define WA_TEST_TESTDB_H

#include <stdio.h>
#include <unistd.h>
#include <sqlite3.h>
#include "store.h"

/* The integer answer of sql on st's connection, -1 when there is none. */
static inline long long
sql1(struct store *st, const char *sql)
{
	sqlite3_stmt *s;
	long long v = -1;

	if (sqlite3_prepare_v2(store_db(st), sql, -1, &s, NULL) == SQLITE_OK &&
	    sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
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
