/* SPDX-License-Identifier: MIT */
/* The catalogue's texts and names, built from the .def files of lib/sql. */
#include "sql.h"

static const char *const lite[SQL_QUERIES] = {
#define SQL(name, text) [Q_##name] = text,
#define SQL2(name, l, p) [Q_##name] = l,
#include "sql/all.def"
#undef SQL
#undef SQL2
};

static const char *const pg[SQL_QUERIES] = {
#define SQL(name, text) [Q_##name] = text,
#define SQL2(name, l, p) [Q_##name] = p,
#include "sql/all.def"
#undef SQL
#undef SQL2
};

static const char *const names[SQL_QUERIES] = {
#define SQL(name, text) [Q_##name] = #name,
#define SQL2(name, l, p) [Q_##name] = #name,
#include "sql/all.def"
#undef SQL
#undef SQL2
};

const char *
sql_text(enum sql_id id, enum sql_engine engine)
{
	return engine == SQL_PG ? pg[id] : lite[id];
}

const char *
sql_name(enum sql_id id)
{
	return names[id];
}
