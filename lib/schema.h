/* SPDX-License-Identifier: MIT */
/* Schema migrations: an append-only array of SQL steps. */
#ifndef WA_SCHEMA_H
#define WA_SCHEMA_H

#include <sqlite3.h>
#include "err.h"

/* Number of migration steps this binary knows (= newest user_version). */
int schema_version(void);

/* Brings db to schema_version(); refuses (exit 78) a newer database
 * without changing it. Each step runs in its own BEGIN IMMEDIATE. */
int schema_migrate(sqlite3 *db, struct wa_err *err);

/* The database's schema version (PRAGMA user_version): 0, or -1 on a
 * database error (the connection holds it). */
int schema_user_version(sqlite3 *db, int *out);

/* -1 with err (exit 78) when db's user_version is newer than we know. */
int schema_check_newer(sqlite3 *db, struct wa_err *err);

#endif
