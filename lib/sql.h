/* SPDX-License-Identifier: MIT */
/* The catalogue of named queries: every SQL text of the desk, by id (the .def files of lib/sql). */
#ifndef WA_SQL_H
#define WA_SQL_H

/*
 * Each family of queries has a file lib/sql/FAMILY.def of entries
 *
 *	SQL(NAME, "text")		one text for both engines
 *	SQL2(NAME, "sqlite", "pg")	a dialect variant, only where needed
 *
 * and lib/sql/all.def includes every family. Texts number their
 * placeholders ?1, ?2, ... (SQLite); the PostgreSQL driver turns ?N into
 * $N. Bare ? is not allowed: SQLite numbers it by first appearance.
 * Queries are reached as Q_NAME through store_q() (lib/store.h).
 * A new row's id is read with "INSERT INTO ... RETURNING id" (no upsert)
 * and sq_int1: SQLite runs such a text without its RETURNING, and the
 * store makes the row from sqlite3_last_insert_rowid.
 */
enum sql_id {
#define SQL(name, text) Q_##name,
#define SQL2(name, lite, pg) Q_##name,
#include "sql/all.def"
#undef SQL
#undef SQL2
	SQL_QUERIES
};

enum sql_engine { SQL_SQLITE, SQL_PG };

/* The text of query id for the engine; its name (for errors). */
const char *sql_text(enum sql_id id, enum sql_engine engine);
const char *sql_name(enum sql_id id);

#endif
