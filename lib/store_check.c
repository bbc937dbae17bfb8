/* SPDX-License-Identifier: MIT */
/* wa-db check: the store's integrity, on SQLite (integrity_check, foreign_key_check) and on PostgreSQL (foreign keys, amcheck). */
#include <stdio.h>
#include <string.h>
#include "store_admin.h"
#include "store_int.h"
#include "util.h"

typedef void (*problem_fn)(jv rec, void *ctx);

/* ---- SQLite --------------------------------------------------------- */

static int
each_row_problem(struct store *st, const char *text, int table_col,
		 const char *ok_text, problem_fn fn, void *ctx,
		 struct wa_err *err)
{
	struct sq *q = store_sql(st, text, err);
	int n = 0, rc;

	if (!q)
		return -1;
	while ((rc = sq_step(q)) > 0) {
		const char *t = sq_col_text(q, 0);

		if (ok_text && t && strcmp(t, ok_text) == 0)
			continue;
		n++;
		if (table_col)
			fn(JV_OBJECT(jv_string("table"), sq_col_str(q, 0),
				     jv_string("rowid"), sq_col_jint(q, 1),
				     jv_string("problem"),
				     jv_string_fmt("row breaks its foreign key "
						   "to %s", sq_col_text(q, 2) ?
						   sq_col_text(q, 2) : "?")),
			   ctx);
		else
			fn(JV_OBJECT(jv_string("problem"), sq_col_str(q, 0)),
			   ctx);
	}
	if (rc < 0)
		n = sq_fail(q, err, "check");
	sq_free(q);
	return n;
}

static int
check_sqlite(struct store *st, problem_fn fn, void *ctx, struct wa_err *err)
{
	int a, b;

	a = each_row_problem(st, "PRAGMA integrity_check", 0, "ok", fn, ctx,
			     err);
	if (a < 0)
		return -1;
	b = each_row_problem(st, "PRAGMA foreign_key_check", 1, NULL, fn, ctx,
			     err);
	return b < 0 ? -1 : a + b;
}

/* ---- PostgreSQL ----------------------------------------------------- */

/*
 * The server enforces foreign keys as rows are written, but not for rows
 * written with its triggers off (session_replication_role = replica, a
 * restore with --disable-triggers) or under a constraint added NOT
 * VALID. For each foreign key of the schema, a query of the rows whose
 * parent is missing, made from the catalogue: the child's table, the
 * parent's, and the query (the child's one-column primary key, else
 * NULL, as SQLite's rowid).
 */
static const char PG_FOREIGN_KEYS[] =
	"SELECT ct.relname, pt.relname, format('SELECT %s FROM %I c"
	" WHERE %s AND NOT EXISTS (SELECT 1 FROM %I p WHERE %s)',"
	" coalesce((SELECT 'c.' || quote_ident(a.attname) FROM pg_constraint k"
	"  JOIN pg_attribute a ON a.attrelid = k.conrelid"
	"  AND a.attnum = k.conkey[1] WHERE k.conrelid = f.conrelid"
	"  AND k.contype = 'p' AND cardinality(k.conkey) = 1), 'NULL'),"
	" ct.relname,"
	" (SELECT string_agg('c.' || quote_ident(a.attname) || ' IS NOT NULL',"
	"  ' AND ') FROM unnest(f.conkey) k(n) JOIN pg_attribute a"
	"  ON a.attrelid = f.conrelid AND a.attnum = k.n),"
	" pt.relname,"
	" (SELECT string_agg('p.' || quote_ident(pa.attname) || ' = c.' ||"
	"  quote_ident(ca.attname), ' AND ')"
	"  FROM unnest(f.conkey, f.confkey) k(cn, pn)"
	"  JOIN pg_attribute ca ON ca.attrelid = f.conrelid AND ca.attnum = k.cn"
	"  JOIN pg_attribute pa ON pa.attrelid = f.confrelid"
	"  AND pa.attnum = k.pn))"
	" FROM pg_constraint f"
	" JOIN pg_class ct ON ct.oid = f.conrelid"
	" JOIN pg_class pt ON pt.oid = f.confrelid"
	" JOIN pg_namespace s ON s.oid = ct.relnamespace"
	" WHERE f.contype = 'f' AND s.nspname = current_schema()"
	" ORDER BY 1, 2, f.conname";

/* amcheck's check of every table's pages and tuples (verify_heapam
 * returns one row per corruption found). */
static const char PG_HEAP_CHECK[] =
	"SELECT c.relname, v.blkno, v.msg FROM pg_class c"
	" JOIN pg_namespace s ON s.oid = c.relnamespace"
	" CROSS JOIN LATERAL verify_heapam(c.oid) v"
	" WHERE c.relkind = 'r' AND s.nspname = current_schema()"
	" ORDER BY 1, 2";

/* Every B-tree index, for amcheck's bt_index_check (which raises an
 * error for the first corruption it finds, XX002). */
static const char PG_BTREES[] =
	"SELECT t.relname, i.relname, i.oid FROM pg_index x"
	" JOIN pg_class i ON i.oid = x.indexrelid"
	" JOIN pg_class t ON t.oid = x.indrelid"
	" JOIN pg_am am ON am.oid = i.relam"
	" JOIN pg_namespace s ON s.oid = i.relnamespace"
	" WHERE am.amname = 'btree' AND s.nspname = current_schema()"
	" ORDER BY 1, 2";

/* Runs text (made from the catalogue by the query q) and, for each row
 * it gives, calls row; -1 with err when it cannot run. */
static int
each_made(struct store *st, struct sq *q, int col,
	  int (*row)(struct sq *made, struct sq *q, problem_fn fn, void *ctx),
	  problem_fn fn, void *ctx, struct wa_err *err)
{
	struct sq *made = store_sql(st, sq_col_text(q, col), err);
	int n = 0, rc;

	if (!made)
		return -1;
	while ((rc = sq_step(made)) > 0)
		n += row(made, q, fn, ctx);
	if (rc < 0)
		n = sq_fail(made, err, "check");
	sq_free(made);
	return n;
}

static int
orphan_row(struct sq *made, struct sq *fk, problem_fn fn, void *ctx)
{
	fn(JV_OBJECT(jv_string("table"), sq_col_str(fk, 0),
		     jv_string("rowid"), sq_col_jint(made, 0),
		     jv_string("problem"),
		     jv_string_fmt("row breaks its foreign key to %s",
				   sq_col_text(fk, 1))), ctx);
	return 1;
}

/* Each row of text (a catalogue query making queries) made and run. */
static int
each_check(struct store *st, const char *text, int col,
	   int (*row)(struct sq *made, struct sq *q, problem_fn fn, void *ctx),
	   problem_fn fn, void *ctx, struct wa_err *err)
{
	struct sq *q = store_sql(st, text, err);
	int n = 0, k, rc;

	if (!q)
		return -1;
	while ((rc = sq_step(q)) > 0) {
		k = each_made(st, q, col, row, fn, ctx, err);
		if (k < 0) {
			sq_free(q);
			return -1;
		}
		n += k;
	}
	if (rc < 0)
		n = sq_fail(q, err, "check");
	sq_free(q);
	return n;
}

/* amcheck: every table's pages, then every B-tree index against its
 * table (heapallindexed: every row is in the index). A corruption found
 * is a problem; any other error (no right to run amcheck) fails. */
static int
amcheck(struct store *st, problem_fn fn, void *ctx, struct wa_err *err)
{
	struct sq *q = store_sql(st, PG_HEAP_CHECK, err);
	int n = 0, rc;

	if (!q)
		return -1;
	while ((rc = sq_step(q)) > 0) {
		n++;
		fn(JV_OBJECT(jv_string("table"), sq_col_str(q, 0),
			     jv_string("problem"),
			     jv_string_fmt("page %lld: %s", (long long)
					   sq_col_int(q, 1),
					   sq_col_text(q, 2))), ctx);
	}
	if (rc < 0)
		n = sq_fail(q, err, "check the tables (amcheck)");
	sq_free(q);
	if (n < 0 || !(q = store_sql(st, PG_BTREES, err)))
		return -1;
	while ((rc = sq_step(q)) > 0) {
		struct sq *b = store_sql(st, "SELECT bt_index_check(?1::oid::"
					 "regclass, true)", err);
		struct wa_err e;
		int bad;

		if (!b) {
			sq_free(q);
			return -1;
		}
		wa_err_clear(&e);
		sq_text(b, 1, sq_col_text(q, 2));
		bad = sq_done(b, &e) < 0;
		sq_free(b);
		if (bad && !strstr(e.message, "(postgresql XX00")) {
			*err = e;
			sq_free(q);
			return -1;
		}
		if (bad) {
			n++;
			fn(JV_OBJECT(jv_string("table"), sq_col_str(q, 0),
				     jv_string("problem"),
				     jv_string_fmt("index %s: %s",
						   sq_col_text(q, 1),
						   e.message)), ctx);
		}
	}
	if (rc < 0)
		n = sq_fail(q, err, "check the indexes (amcheck)");
	sq_free(q);
	return n;
}

static int
check_pg(struct store *st, problem_fn fn, void *ctx, int *pages,
	 struct wa_err *err)
{
	struct sq *q;
	int64_t have = 0;
	int a, c = 0;

	a = each_check(st, PG_FOREIGN_KEYS, 2, orphan_row, fn, ctx, err);
	if (a < 0)
		return -1;
	q = store_sql(st, "SELECT count(*) FROM pg_extension"
		      " WHERE extname = 'amcheck'", err);
	if (!q || sq_int1(q, &have, "look for amcheck", err) < 0) {
		sq_free(q);
		return -1;
	}
	sq_free(q);
	*pages = have > 0;
	if (have > 0 && (c = amcheck(st, fn, ctx, err)) < 0)
		return -1;
	return a + c;
}

int
store_check(struct store *st, problem_fn fn, void *ctx, int *pages,
	    struct wa_err *err)
{
	*pages = 1;
	if (st->engine == SQL_PG)
		return check_pg(st, fn, ctx, pages, err);
	return check_sqlite(st, fn, ctx, err);
}
