/* SPDX-License-Identifier: MIT */
/* Unit-test helper: the first column of the first row of a query. */
#ifndef WA_TEST_SQL1_H
#define WA_TEST_SQL1_H

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

#endif
