/* SPDX-License-Identifier: MIT */
/* Looking after the store as a whole: backup, copying a desk between stores (the check: store_check.c). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <openssl/evp.h>
#include "store_admin.h"
#include "store_int.h"
#include "schema.h"
#include "util.h"

/* ---- backup --------------------------------------------------------- */

int
store_backup(struct store *st, const char *dest_path, int force,
	     struct wa_err *err)
{
	struct strbuf tmp = STRBUF_INIT;
	sqlite3 *dest = NULL;
	sqlite3_backup *b;
	struct stat sb;
	mode_t old;
	int rc = -1, fd;

	if (st->engine != SQL_SQLITE)
		return wa_err_set(err, WA_EX_USAGE, "usage",
				  "backup copies a SQLite file; back up "
				  "PostgreSQL with pg_dump or pg_basebackup");
	if (!force && stat(dest_path, &sb) == 0)
		return wa_err_set(err, WA_EX_CANTCREAT, "exists",
				  "'%s' exists (--force replaces it)",
				  dest_path);
	sb_addf(&tmp, "%s.tmp-%ld", dest_path, (long)getpid());
	(void)unlink(tmp.buf);
	old = umask(077);
	if (sqlite3_open_v2(tmp.buf, &dest, SQLITE_OPEN_READWRITE |
			    SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		umask(old);
		wa_err_set(err, WA_EX_IOERR, "io", "cannot create '%s': %s",
			   tmp.buf, dest ? sqlite3_errmsg(dest) : "no memory");
		goto out;
	}
	umask(old);
	b = sqlite3_backup_init(dest, "main", st->db, "main");
	if (!b || sqlite3_backup_step(b, -1) != SQLITE_DONE) {
		if (b)
			sqlite3_backup_finish(b);
		wa_err_set(err, WA_EX_IOERR, "io", "backup to '%s': %s",
			   dest_path, sqlite3_errmsg(dest));
		goto out;
	}
	if (sqlite3_backup_finish(b) != SQLITE_OK ||
	    sqlite3_exec(dest, "PRAGMA journal_mode=DELETE", NULL, NULL,
			 NULL) != SQLITE_OK) {
		wa_err_set(err, WA_EX_IOERR, "io", "backup to '%s': %s",
			   dest_path, sqlite3_errmsg(dest));
		goto out;
	}
	sqlite3_close(dest);
	dest = NULL;
	fd = open(tmp.buf, O_RDONLY);
	if (fd < 0 || fsync(fd) < 0 || rename(tmp.buf, dest_path) < 0) {
		wa_err_set(err, WA_EX_IOERR, "io", "cannot write '%s': %s",
			   dest_path, strerror(errno));
		if (fd >= 0)
			close(fd);
		goto out;
	}
	close(fd);
	rc = 0;
out:
	if (dest)
		sqlite3_close(dest);
	if (rc < 0)
		(void)unlink(tmp.buf);
	sb_release(&tmp);
	return rc;
}

/* ---- copy ----------------------------------------------------------- */

struct table {
	char *name;
	char **cols;
	int ncols;
	char *order;	/* ORDER BY list: the primary key, else every column */
	int done, busy;
};

struct tables {
	struct table *v;
	int n, cap;
};

static void
tables_free(struct tables *t)
{
	int i, j;

	for (i = 0; i < t->n; i++) {
		for (j = 0; j < t->v[i].ncols; j++)
			free(t->v[i].cols[j]);
		free(t->v[i].cols);
		free(t->v[i].name);
		free(t->v[i].order);
	}
	free(t->v);
}

/* Quoted as an SQL identifier (the names come from the schema). */
static void
add_ident(struct strbuf *sb, const char *name)
{
	sb_adds(sb, "\"");
	for (; *name; name++)
		sb_add(sb, *name == '"' ? "\"\"" : name, *name == '"' ? 2 : 1);
	sb_adds(sb, "\"");
}

static int
read_columns(struct store *st, struct table *t, struct wa_err *err)
{
	struct sq *q = store_sql(st, "SELECT name, pk FROM pragma_table_info(?1)"
				 " ORDER BY cid", err);
	struct strbuf pk = STRBUF_INIT, all = STRBUF_INIT;
	int rc, npk = 0;

	if (!q)
		return -1;
	sq_text(q, 1, t->name);
	while ((rc = sq_step(q)) > 0) {
		t->cols = realloc(t->cols, sizeof(char *) *
				  (size_t)(t->ncols + 1));
		if (!t->cols)
			abort();
		t->cols[t->ncols++] = sq_col_dup(q, 0);
		if (all.len)
			sb_adds(&all, ", ");
		add_ident(&all, t->cols[t->ncols - 1]);
		if (sq_col_int(q, 1) > 0) {
			if (npk++)
				sb_adds(&pk, ", ");
			add_ident(&pk, t->cols[t->ncols - 1]);
		}
	}
	if (rc < 0)
		sq_fail(q, err, "read columns");
	sq_free(q);
	t->order = npk ? sb_detach(&pk) : sb_detach(&all);
	sb_release(&pk);
	sb_release(&all);
	return rc < 0 ? -1 : 0;
}

/* The tables of a SQLite store, but SQLite's own and the shadow tables
 * of virtual ones (FTS5): those are rebuilt by each engine itself. */
static int
read_tables(struct store *st, struct tables *t, struct wa_err *err)
{
	struct sq *q = store_sql(st,
		"SELECT t.name FROM sqlite_schema t WHERE t.type = 'table'"
		" AND t.name NOT LIKE 'sqlite!_%' ESCAPE '!'"
		" AND t.sql NOT LIKE 'CREATE VIRTUAL%'"
		" AND NOT EXISTS (SELECT 1 FROM sqlite_schema v"
		"  WHERE v.type = 'table' AND v.sql LIKE 'CREATE VIRTUAL%'"
		"  AND substr(t.name, 1, length(v.name) + 1) = v.name || '_')"
		" ORDER BY t.name", err);
	int rc, i;

	if (!q)
		return -1;
	while ((rc = sq_step(q)) > 0) {
		if (t->n == t->cap) {
			t->cap = t->cap ? 2 * t->cap : 32;
			t->v = realloc(t->v, sizeof(*t->v) * (size_t)t->cap);
			if (!t->v)
				abort();
		}
		memset(&t->v[t->n], 0, sizeof(t->v[0]));
		t->v[t->n++].name = sq_col_dup(q, 0);
	}
	if (rc < 0)
		sq_fail(q, err, "read tables");
	sq_free(q);
	if (rc < 0)
		return -1;
	for (i = 0; i < t->n; i++)
		if (read_columns(st, &t->v[i], err) < 0)
			return -1;
	return 0;
}

static struct table *
find_table(struct tables *t, const char *name)
{
	int i;

	for (i = 0; i < t->n; i++)
		if (strcmp(t->v[i].name, name) == 0)
			return &t->v[i];
	return NULL;
}

/* Depth first over foreign keys: a table comes after what it names. */
static int
order_table(struct store *st, struct tables *t, struct table *tb,
	    struct table ***out, int *n, struct wa_err *err)
{
	struct sq *q;
	int rc;

	if (tb->done)
		return 0;
	if (tb->busy)
		return 0;	/* a cycle: its rows keep their order */
	tb->busy = 1;
	q = store_sql(st, "SELECT DISTINCT \"table\" FROM"
		      " pragma_foreign_key_list(?1)", err);
	if (!q)
		return -1;
	sq_text(q, 1, tb->name);
	while ((rc = sq_step(q)) > 0) {
		struct table *dep = find_table(t, sq_col_text(q, 0));

		if (dep && dep != tb &&
		    order_table(st, t, dep, out, n, err) < 0) {
			sq_free(q);
			return -1;
		}
	}
	if (rc < 0)
		sq_fail(q, err, "read foreign keys");
	sq_free(q);
	if (rc < 0)
		return -1;
	tb->done = 1;
	(*out)[(*n)++] = tb;
	return 0;
}

static void
bind_from(struct sq *to, int idx, struct sq *from, int col)
{
	switch (sq_col_type(from, col)) {
	case SQ_INT:
		sq_int(to, idx, sq_col_int(from, col));
		break;
	case SQ_REAL:
		sq_double(to, idx, sq_col_double(from, col));
		break;
	case SQ_TEXT:
		sq_textn(to, idx, sq_col_text(from, col),
			 sq_col_bytes(from, col));
		break;
	case SQ_BLOB:
		sq_blob(to, idx, sq_col_blob(from, col),
			sq_col_bytes(from, col));
		break;
	default:
		sq_null(to, idx);
	}
}

static void
select_text(struct strbuf *sb, const struct table *tb)
{
	int i;

	sb_adds(sb, "SELECT ");
	for (i = 0; i < tb->ncols; i++) {
		if (i)
			sb_adds(sb, ", ");
		add_ident(sb, tb->cols[i]);
	}
	sb_adds(sb, " FROM ");
	add_ident(sb, tb->name);
	sb_addf(sb, " ORDER BY %s", tb->order);
}

/* Rows and SHA-256 of a table read in key order: each value as its
 * text (integers in decimal, reals to 17 digits, bytes as they are),
 * with a tag and length so that no two tables hash alike by accident. */
static int
table_sum(struct store *st, const struct table *tb, int64_t *rows,
	  char hex[65], struct wa_err *err)
{
	struct strbuf sb = STRBUF_INIT;
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned char h[32];
	unsigned hl = 0;
	struct sq *q;
	int rc, i;

	select_text(&sb, tb);
	q = store_sql(st, sb.buf, err);
	sb_release(&sb);
	if (!q || !md) {
		EVP_MD_CTX_free(md);
		sq_free(q);
		return -1;
	}
	EVP_DigestInit_ex(md, EVP_sha256(), NULL);
	*rows = 0;
	while ((rc = sq_step(q)) > 0) {
		++*rows;
		for (i = 0; i < tb->ncols; i++) {
			enum sq_type ty = sq_col_type(q, i);
			char buf[40];
			const void *p = buf;
			size_t n;

			if (ty == SQ_NULL) {
				EVP_DigestUpdate(md, "N", 1);
				continue;
			}
			if (ty == SQ_INT)
				n = (size_t)snprintf(buf, sizeof(buf), "%lld",
						     (long long)sq_col_int(q, i));
			else if (ty == SQ_REAL)
				n = (size_t)snprintf(buf, sizeof(buf), "%.17g",
						     sq_col_double(q, i));
			else {
				p = ty == SQ_BLOB ? sq_col_blob(q, i) :
					sq_col_text(q, i);
				n = sq_col_bytes(q, i);
			}
			EVP_DigestUpdate(md, "V", 1);
			EVP_DigestUpdate(md, &n, sizeof(n));
			EVP_DigestUpdate(md, p, n);
		}
	}
	if (rc < 0)
		sq_fail(q, err, "read table");
	sq_free(q);
	EVP_DigestFinal_ex(md, h, &hl);
	EVP_MD_CTX_free(md);
	for (i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", h[i]);
	return rc < 0 ? -1 : 0;
}

static int
table_empty(struct store *st, const struct table *tb, struct wa_err *err)
{
	struct strbuf sb = STRBUF_INIT;
	struct sq *q;
	int rc;

	sb_adds(&sb, "SELECT 1 FROM ");
	add_ident(&sb, tb->name);
	sb_adds(&sb, " LIMIT 1");
	q = store_sql(st, sb.buf, err);
	sb_release(&sb);
	if (!q)
		return -1;
	rc = sq_step(q);
	if (rc < 0)
		sq_fail(q, err, "read table");
	sq_free(q);
	if (rc > 0)
		return wa_err_set(err, WA_EX_DATAERR, "not_empty",
				  "the destination has rows in '%s': copy "
				  "fills an empty store", tb->name);
	return rc < 0 ? -1 : 0;
}

static int
copy_table(struct store *from, struct store *to, const struct table *tb,
	   struct wa_err *err)
{
	struct strbuf sb = STRBUF_INIT;
	struct sq *r, *w;
	int rc, i;

	select_text(&sb, tb);
	r = store_sql(from, sb.buf, err);
	sb_reset(&sb);
	sb_adds(&sb, "INSERT INTO ");
	add_ident(&sb, tb->name);
	sb_adds(&sb, " (");
	for (i = 0; i < tb->ncols; i++) {
		if (i)
			sb_adds(&sb, ", ");
		add_ident(&sb, tb->cols[i]);
	}
	sb_adds(&sb, ") VALUES (");
	for (i = 0; i < tb->ncols; i++)
		sb_addf(&sb, "%s?%d", i ? ", " : "", i + 1);
	sb_adds(&sb, ")");
	w = r ? store_sql(to, sb.buf, err) : NULL;
	sb_release(&sb);
	if (!r || !w) {
		sq_free(r);
		return -1;
	}
	while ((rc = sq_step(r)) > 0) {
		sq_reset(w);
		for (i = 0; i < tb->ncols; i++)
			bind_from(w, i + 1, r, i);
		if (sq_done(w, err) < 0) {
			wa_err_prefix(err, "%s", tb->name);
			rc = -2;
			break;
		}
	}
	if (rc == -1)
		sq_fail(r, err, "read table");
	sq_free(r);
	sq_free(w);
	return rc < 0 ? -1 : 0;
}

/* PostgreSQL's identities carry on after the copied ids: the identity
 * column of the table (id, event_log's seq), if it has one. */
static int
reset_identity(struct store *to, const struct table *tb, struct wa_err *err)
{
	struct strbuf sb = STRBUF_INIT;
	char *col = NULL, *seq = NULL;
	struct sq *q;
	int rc;

	if (to->engine != SQL_PG)
		return 0;
	q = store_sql(to, "SELECT a.attname, pg_get_serial_sequence("
		      "quote_ident(?1), a.attname) FROM pg_attribute a"
		      " WHERE a.attrelid = to_regclass(quote_ident(?1))"
		      " AND a.attidentity <> '' AND NOT a.attisdropped", err);
	if (!q)
		return -1;
	sq_text(q, 1, tb->name);
	rc = sq_step(q);
	if (rc > 0) {
		col = sq_col_dup(q, 0);
		seq = sq_col_dup(q, 1);
	} else if (rc < 0) {
		sq_fail(q, err, "read identity");
	}
	sq_free(q);
	if (rc <= 0 || !col || !seq) {
		free(col);
		free(seq);
		return rc < 0 ? -1 : 0;
	}
	sb_adds(&sb, "SELECT setval(?1, (SELECT coalesce(max(");
	add_ident(&sb, col);
	sb_adds(&sb, "), 0) + 1 FROM ");
	add_ident(&sb, tb->name);
	sb_adds(&sb, "), false)");
	q = store_sql(to, sb.buf, err);
	sb_release(&sb);
	if (q) {
		sq_text(q, 1, seq);
		rc = sq_done(q, err);
		sq_free(q);
	}
	free(col);
	free(seq);
	return q ? rc : -1;
}

int
store_copy(struct store *from, struct store *to,
	   void (*fn)(jv rec, void *ctx), void *ctx, struct wa_err *err)
{
	struct tables t = { NULL, 0, 0 };
	struct table **order = NULL;
	int i, n = 0, have, differ = 0;

	if (from->engine != SQL_SQLITE)
		return wa_err_set(err, WA_EX_USAGE, "usage",
				  "copy reads a SQLite store");
	if (store_schema_version(from, &have, err) < 0)
		return -1;
	if (have != schema_version())
		return wa_err_set(err, WA_EX_DATAERR, "pending_migrations",
				  "the source is at schema %d, this wa at %d: "
				  "run 'wa-db migrate' on it first", have,
				  schema_version());
	if (store_begin(from, err) < 0)
		return -1;
	if (read_tables(from, &t, err) < 0)
		goto fail_from;
	order = xcalloc((size_t)t.n + 1, sizeof(*order));
	for (i = 0; i < t.n; i++)
		if (order_table(from, &t, &t.v[i], &order, &n, err) < 0)
			goto fail_from;
	if (store_begin(to, err) < 0)
		goto fail_from;
	for (i = 0; i < n; i++)
		if (table_empty(to, order[i], err) < 0 ||
		    copy_table(from, to, order[i], err) < 0 ||
		    reset_identity(to, order[i], err) < 0)
			goto fail_both;
	for (i = 0; i < n; i++) {
		char a[65], b[65];
		int64_t ra, rb;

		if (table_sum(from, order[i], &ra, a, err) < 0 ||
		    table_sum(to, order[i], &rb, b, err) < 0)
			goto fail_both;
		differ |= ra != rb || strcmp(a, b) != 0;
		fn(JV_OBJECT(jv_string("table"), jv_string(order[i]->name),
			     jv_string("rows"), jv_number((double)ra),
			     jv_string("copied"), jv_number((double)rb),
			     jv_string("sha256"), jv_string(a),
			     jv_string("same"),
			     jv_bool(ra == rb && strcmp(a, b) == 0)), ctx);
	}
	if (differ)
		store_rollback(to);
	else if (store_commit(to, err) < 0)
		goto fail_from;
	store_rollback(from);
	free(order);
	tables_free(&t);
	return differ;
fail_both:
	store_rollback(to);
fail_from:
	store_rollback(from);
	free(order);
	tables_free(&t);
	return -1;
}
