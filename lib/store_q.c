/* SPDX-License-Identifier: MIT */
/* The catalogue's queries on a connection: prepare once, bind, step, read columns. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "store_int.h"
#include "desk_cache.h"
#include "jsonl.h"
#include "util.h"

static const char RETURNING_ID[] = " RETURNING id";

/* A plain INSERT whose only RETURNING is the new row's id: SQLite runs it
 * without, and the id comes from sqlite3_last_insert_rowid. Not with an
 * upsert, whose update path does not set it. */
static int
returns_new_id(const char *text, size_t *len)
{
	size_t n = strlen(text), k = sizeof(RETURNING_ID) - 1;

	if (strncmp(text, "INSERT INTO ", 12) != 0 || n <= k ||
	    strcmp(text + n - k, RETURNING_ID) != 0 ||
	    strstr(text, "ON CONFLICT"))
		return 0;
	*len = n - k;
	return 1;
}

static struct sq *
prepare(struct store *st, enum sql_id id)
{
	struct sq *q = xcalloc(1, sizeof(*q));
	const char *text = sql_text(id, st->engine);
	size_t len = strlen(text);

	q->st = st;
	q->id = id;
	if (st->engine == SQL_PG) {
		q->pg = sq_pg_prepare(st, id);
		q->drops = store_stmt_drops(text, 0);
		return q;
	}
	q->last_id = returns_new_id(text, &len);
	if (sqlite3_prepare_v3(st->db, text, (int)len,
			       SQLITE_PREPARE_PERSISTENT, &q->s,
			       NULL) != SQLITE_OK) {
		fprintf(stderr, "wa: bad SQL in %s: %s\n%s\n", sql_name(id),
			sqlite3_errmsg(st->db), text);
		abort();
	}
	q->drops = store_stmt_drops(text, sqlite3_stmt_readonly(q->s));
	return q;
}

struct sq *
store_q(struct store *st, enum sql_id id)
{
	struct sq *q = st->q[id];

	if (!q)
		q = st->q[id] = prepare(st, id);
	else
		sq_reset(q);
	if (q->drops && !st->cache_mute)
		desk_cache_drop(st->cache, q->drops);
	return q;
}

struct sq *
store_sql(struct store *st, const char *text, struct wa_err *err)
{
	struct sq *q = xcalloc(1, sizeof(*q));
	size_t len;

	q->st = st;
	q->id = SQL_QUERIES;
	if (st->engine == SQL_PG) {
		q->pg = sq_pg_prepare_text(st, text, err);
		if (!q->pg) {
			free(q);
			return NULL;
		}
		return q;
	}
	len = strlen(text);
	q->last_id = returns_new_id(text, &len);
	if (sqlite3_prepare_v2(st->db, text, (int)len, &q->s,
			       NULL) != SQLITE_OK) {
		store_fail(st, err, "prepare");
		free(q);
		return NULL;
	}
	q->drops = store_stmt_drops(text, sqlite3_stmt_readonly(q->s));
	if (q->drops && !st->cache_mute)
		desk_cache_drop(st->cache, q->drops);
	return q;
}

/* Drops the current row's unescaped texts. */
static void
plain_drop(struct sq *q)
{
	int i;

	for (i = 0; i < q->nplain; i++) {
		free(q->plain[i]);
		q->plain[i] = NULL;
	}
}

static void
sq_release(struct sq *q)
{
	if (q->s)
		sqlite3_finalize(q->s);
	sq_pg_free(q->pg);
	plain_drop(q);
	free(q->plain);
	free(q->plain_len);
	free(q);
}

void
sq_free(struct sq *q)
{
	if (q)
		sq_release(q);
}

int
store_q_check(struct store *st, enum sql_id id, struct wa_err *err)
{
	struct sq *q = store_q(st, id);	/* SQLite prepares it here */

	return q->pg ? sq_pg_ready(st, q->pg, err) : 0;
}

/* Every prepared query of the connection (store_close). */
void
store_q_free_all(struct store *st)
{
	int i;

	for (i = 0; i < SQL_QUERIES; i++) {
		struct sq *q = st->q[i];

		if (!q)
			continue;
		sq_release(q);
		st->q[i] = NULL;
	}
}

enum sql_engine
store_engine(struct store *st)
{
	return st->engine;
}

/* ---- binding -------------------------------------------------------- */

void
sq_null(struct sq *q, int idx)
{
	if (q->pg)
		sq_pg_bind(q->pg, idx, NULL, 0, 0);
	else
		sqlite3_bind_null(q->s, idx);
}

void
sq_int(struct sq *q, int idx, int64_t v)
{
	char buf[24];

	if (!q->pg) {
		sqlite3_bind_int64(q->s, idx, v);
		return;
	}
	sq_pg_bind(q->pg, idx, buf,
		   (size_t)snprintf(buf, sizeof(buf), "%" PRId64, v), 0);
}

void
sq_int_or_null(struct sq *q, int idx, int64_t v, int isnull)
{
	if (isnull)
		sq_null(q, idx);
	else
		sq_int(q, idx, v);
}

void
sq_double(struct sq *q, int idx, double v)
{
	char buf[32];

	if (!q->pg) {
		sqlite3_bind_double(q->s, idx, v);
		return;
	}
	sq_pg_bind(q->pg, idx, buf,
		   (size_t)snprintf(buf, sizeof(buf), "%.17g", v), 0);
}

void
sq_textn(struct sq *q, int idx, const char *v, size_t len)
{
	char *e;

	if (!v) {
		sq_null(q, idx);
		return;
	}
	e = store_text_escape(v, len, &len);	/* U+0000 */
	if (q->pg) {
		sq_pg_bind(q->pg, idx, e ? e : v, len, 0);
		free(e);
	} else if (e) {
		sqlite3_bind_text64(q->s, idx, e, len, free, SQLITE_UTF8);
	} else {
		sqlite3_bind_text64(q->s, idx, v, len, SQLITE_TRANSIENT,
				    SQLITE_UTF8);
	}
}

void
sq_text(struct sq *q, int idx, const char *v)
{
	sq_textn(q, idx, v, v ? strlen(v) : 0);
}

void
sq_blob(struct sq *q, int idx, const void *v, size_t len)
{
	/* no bytes are an empty blob, never NULL (a zero-length blob read
	 * back has no pointer: an empty delivery's body, copied) */
	if (!v)
		v = "";
	if (q->pg)
		sq_pg_bind(q->pg, idx, v, len, 1);
	else
		sqlite3_bind_blob64(q->s, idx, v, len, SQLITE_STATIC);
}

void
sq_jv(struct sq *q, int idx, jv v)
{
	double d;

	switch (jv_get_kind(v)) {
	case JV_KIND_STRING:
		sq_textn(q, idx, jv_string_value(v),
			 (size_t)jv_string_length_bytes(jv_copy(v)));
		break;
	case JV_KIND_NUMBER:
		d = jv_number_value(v);
		if (d == (double)(int64_t)d)
			sq_int(q, idx, (int64_t)d);
		else
			sq_double(q, idx, d);
		break;
	case JV_KIND_TRUE:
		sq_int(q, idx, 1);
		break;
	case JV_KIND_FALSE:
		sq_int(q, idx, 0);
		break;
	case JV_KIND_ARRAY:
	case JV_KIND_OBJECT: {
		/* jsonl_dump: several times faster than jv_dump_string */
		struct strbuf sb = STRBUF_INIT;

		size_t len;

		jsonl_dump(&sb, v);	/* U+0000 as \u0000 */
		len = sb.len;
		if (q->pg) {
			sq_pg_bind(q->pg, idx, sb_str(&sb), len, 0);
			sb_release(&sb);
		} else {
			sqlite3_bind_text64(q->s, idx, sb_detach(&sb), len,
					    free, SQLITE_UTF8);
		}
		break;
	}
	default:
		sq_null(q, idx);
	}
}

/* ---- stepping ------------------------------------------------------- */

int
sq_step(struct sq *q)
{
	int rc;

	if (q->nplain)
		plain_drop(q);
	if (q->pg)
		return sq_pg_step(q);
	if (q->id_row) {	/* past the made row */
		q->id_row = 0;
		return 0;
	}
	rc = sqlite3_step(q->s);
	store_turn_done(q->st);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE) {
		sqlite3_reset(q->s);
		if (q->last_id && sqlite3_changes(q->st->db) > 0) {
			q->new_id = sqlite3_last_insert_rowid(q->st->db);
			q->id_row = 1;
			return 1;
		}
		return 0;
	}
	return -1;	/* reset by sq_fail, which reads the error first */
}

void
sq_reset(struct sq *q)
{
	q->id_row = 0;
	if (q->nplain)
		plain_drop(q);
	if (q->pg) {
		sq_pg_reset(q->pg);
		return;
	}
	sqlite3_reset(q->s);
	sqlite3_clear_bindings(q->s);
}

int
sq_fail(struct sq *q, struct wa_err *err, const char *what)
{
	int rc = store_fail(q->st, err, what);

	if (q->pg)
		sq_pg_reset(q->pg);
	else
		sqlite3_reset(q->s);
	return rc;
}

int
sq_done(struct sq *q, struct wa_err *err)
{
	int rc;

	while ((rc = sq_step(q)) > 0)
		;
	return rc < 0 ? sq_fail(q, err, "write") : 0;
}

int
sq_later(struct sq *q, struct wa_err *err)
{
	int rc;

	if (!q->pg)
		return sq_done(q, err);
	if (q->nplain)
		plain_drop(q);
	rc = sq_pg_later(q);
	if (rc > 0)
		return sq_done(q, err);
	return rc < 0 ? sq_fail(q, err, "write") : 0;
}

int
sq_int1(struct sq *q, int64_t *out, const char *what, struct wa_err *err)
{
	int rc = sq_step(q);

	if (rc < 0)
		return sq_fail(q, err, what);
	if (rc > 0) {
		*out = sq_col_int(q, 0);
		sq_reset(q);
	}
	return rc;
}

/* ---- columns -------------------------------------------------------- */

enum sq_type
sq_col_type(struct sq *q, int col)
{
	if (q->id_row)
		return SQ_INT;
	if (q->pg)
		return sq_pg_col_type(q->pg, col);
	switch (sqlite3_column_type(q->s, col)) {
	case SQLITE_INTEGER: return SQ_INT;
	case SQLITE_FLOAT: return SQ_REAL;
	case SQLITE_TEXT: return SQ_TEXT;
	case SQLITE_BLOB: return SQ_BLOB;
	default: return SQ_NULL;
	}
}

int
sq_col_null(struct sq *q, int col)
{
	return sq_col_type(q, col) == SQ_NULL;
}

int64_t
sq_col_int(struct sq *q, int col)
{
	const char *t;

	if (q->id_row)
		return q->new_id;
	if (!q->pg)
		return sqlite3_column_int64(q->s, col);
	t = sq_pg_col_text(q->pg, col);
	return t ? strtoll(t, NULL, 10) : 0;
}

double
sq_col_double(struct sq *q, int col)
{
	const char *t;

	if (!q->pg)
		return sqlite3_column_double(q->s, col);
	t = sq_pg_col_text(q->pg, col);
	return t ? strtod(t, NULL) : 0;
}

/* Column col as the engine has it: text (or bytes) and length. */
static const char *
col_raw(struct sq *q, int col, size_t *len)
{
	const char *t;

	if (q->pg) {
		*len = sq_pg_col_bytes(q->pg, col);
		return sq_pg_col_text(q->pg, col);
	}
	t = (const char *)sqlite3_column_text(q->s, col);
	*len = (size_t)sqlite3_column_bytes(q->s, col);
	return t;
}

/* Column col as text, unescaped (U+0000, store_text.c) when a text. */
static const char *
col_text(struct sq *q, int col, size_t *len)
{
	const char *t;
	char *u;
	size_t ulen;
	int text;

	if (q->id_row) {
		*len = (size_t)snprintf(q->id_text, sizeof(q->id_text),
					"%lld", (long long)q->new_id);
		return q->id_text;
	}
	if (col >= 0 && col < q->nplain && q->plain[col]) {
		*len = q->plain_len[col];
		return q->plain[col];
	}
	/* the type first: SQLite's is undefined after a conversion */
	text = col >= 0 && sq_col_type(q, col) == SQ_TEXT;
	t = col_raw(q, col, len);
	if (!t || !text || !(u = store_text_unescape(t, *len, &ulen)))
		return t;
	if (col >= q->nplain) {
		int n = col + 8, i;

		q->plain = xrealloc(q->plain, (size_t)n * sizeof(*q->plain));
		q->plain_len = xrealloc(q->plain_len,
					(size_t)n * sizeof(*q->plain_len));
		for (i = q->nplain; i < n; i++)
			q->plain[i] = NULL;
		q->nplain = n;
	}
	q->plain[col] = u;
	q->plain_len[col] = *len = ulen;
	return u;
}

const char *
sq_col_text(struct sq *q, int col)
{
	size_t len;

	return col_text(q, col, &len);
}

size_t
sq_col_bytes(struct sq *q, int col)
{
	size_t len;

	if (!q->id_row && sq_col_type(q, col) == SQ_BLOB)	/* as it is */
		return q->pg ? sq_pg_col_bytes(q->pg, col) :
			(size_t)sqlite3_column_bytes(q->s, col);
	col_text(q, col, &len);
	return len;
}

const void *
sq_col_blob(struct sq *q, int col)
{
	if (q->pg)
		return sq_pg_col_text(q->pg, col);
	return sqlite3_column_blob(q->s, col);
}

jv
sq_col_str(struct sq *q, int col)
{
	const char *t = sq_col_text(q, col);

	if (!t)
		return jv_null();
	return jv_string_sized(t, (int)sq_col_bytes(q, col));
}

jv
sq_col_jint(struct sq *q, int col)
{
	if (sq_col_null(q, col))
		return jv_null();
	return jv_number((double)sq_col_int(q, col));
}

jv
sq_col_json(struct sq *q, int col)
{
	const char *t = sq_col_text(q, col);
	jv v;

	if (!t)
		return jv_null();
	v = jv_parse_sized(t, (int)sq_col_bytes(q, col));
	if (!jv_is_valid(v)) {
		jv_free(v);
		return jv_null();
	}
	return v;
}

jv
sq_col_time(struct sq *q, int col)
{
	if (sq_col_null(q, col))
		return jv_null();
	return time_jv(sq_col_int(q, col));
}

char *
sq_col_dup(struct sq *q, int col)
{
	const char *t = sq_col_text(q, col);

	return t ? xstrdup(t) : NULL;
}

int64_t
store_changes(struct store *st)
{
	if (st->engine == SQL_PG)
		return store_pg_changes(st);
	return sqlite3_changes64(st->db);
}

int64_t
store_total_changes(struct store *st)
{
	if (st->engine == SQL_PG)
		return store_pg_total_changes(st);
	return sqlite3_total_changes64(st->db);
}
