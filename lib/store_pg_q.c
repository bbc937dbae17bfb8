/* SPDX-License-Identifier: MIT */
/* The PostgreSQL driver's queries: prepared per connection, text parameters, rows read in one go. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "store_pg.h"
#include "util.h"

/* Type OIDs of the results we tell apart (catalog/pg_type_d.h). */
enum {
	PG_BOOL = 16, PG_BYTEA = 17, PG_INT8 = 20, PG_INT2 = 21,
	PG_INT4 = 23, PG_OID = 26, PG_FLOAT4 = 700, PG_FLOAT8 = 701,
	PG_NUMERIC = 1700
};

struct sq_pg {
	struct store *st;
	const char *label;	/* the query's name in errors */
	char name[16];		/* the prepared statement's */
	int adhoc;		/* store_sql's, deallocated when freed */
	char *text;		/* the catalogue's text with $N for ?N */
	int nparams;		/* the highest N */
	unsigned gen;		/* prepared on this connection, 0 not yet */
	char **val;		/* bound values, owned, NUL-ended; NULL: NULL */
	int *len;
	int *fmt;		/* 1: bytes (sq_blob), 0: text */
	int nul;		/* a text bound holds U+0000: refused */
	PGresult *res;		/* the rows, read in one go */
	int row;		/* the current row */
	int nrows, ncols;
	char **blob;		/* a bytea column of the current row, decoded */
	size_t *blob_len;
};

/* PostgreSQL numbers parameters $N: ?N outside quotes becomes $N. */
static char *
pg_text(const char *s, int *nparams)
{
	struct strbuf sb = STRBUF_INIT;
	char quote = 0;
	int n = 0;

	for (; *s; s++) {
		if (quote) {
			if (*s == quote)
				quote = 0;
		} else if (*s == '\'' || *s == '"') {
			quote = *s;
		} else if (*s == '?' && isdigit((unsigned char)s[1])) {
			const char *d = s + 1;
			int k = 0;

			while (isdigit((unsigned char)*d))
				k = k * 10 + (*d++ - '0');
			if (k > n)
				n = k;
			sb_add(&sb, "$", 1);
			continue;
		}
		sb_add(&sb, s, 1);
	}
	*nparams = n;
	return sb_detach(&sb);
}

static struct sq_pg *
sq_pg_new(struct store *st, const char *text)
{
	struct sq_pg *p = xcalloc(1, sizeof(*p));
	size_t n;

	p->st = st;
	p->text = pg_text(text, &p->nparams);
	n = (size_t)p->nparams + 1;
	p->val = xcalloc(n, sizeof(*p->val));
	p->len = xcalloc(n, sizeof(*p->len));
	p->fmt = xcalloc(n, sizeof(*p->fmt));
	return p;
}

/* Prepared on the first step: an error then is the step's, and a
 * connection made again after a failover prepares it again. */
struct sq_pg *
sq_pg_prepare(struct store *st, enum sql_id id)
{
	struct sq_pg *p = sq_pg_new(st, sql_text(id, SQL_PG));

	p->label = sql_name(id);
	snprintf(p->name, sizeof(p->name), "q%d", (int)id);
	return p;
}

static int prepare(struct sq_pg *p);

struct sq_pg *
sq_pg_prepare_text(struct store *st, const char *text, struct wa_err *err)
{
	struct sq_pg *p = sq_pg_new(st, text);

	p->label = "ad-hoc query";
	p->adhoc = 1;
	snprintf(p->name, sizeof(p->name), "a%u", ++st->pg->adhoc);
	if (store_pg_alive(st) < 0 || prepare(p) < 0) {
		store_pg_fail(st, err, "prepare");
		sq_pg_free(p);
		return NULL;
	}
	return p;
}

static void
blobs_drop(struct sq_pg *p)
{
	int i;

	if (!p->blob)
		return;
	for (i = 0; i < p->ncols; i++) {
		free(p->blob[i]);
		p->blob[i] = NULL;
	}
}

static void
results_drop(struct sq_pg *p)
{
	blobs_drop(p);
	free(p->blob);
	free(p->blob_len);
	p->blob = NULL;
	p->blob_len = NULL;
	PQclear(p->res);
	p->res = NULL;
	p->nrows = p->ncols = p->row = 0;
}

void
sq_pg_reset(struct sq_pg *p)
{
	int i;

	results_drop(p);
	p->nul = 0;
	for (i = 0; i < p->nparams; i++) {
		free(p->val[i]);
		p->val[i] = NULL;
	}
}

void
sq_pg_free(struct sq_pg *p)
{
	struct store_pg *pg;

	if (!p)
		return;
	pg = p->st->pg;
	(void)store_pg_drain(p->st);
	if (p->adhoc && p->gen == pg->gen && PQstatus(pg->conn) == CONNECTION_OK) {
		char sql[32];

		snprintf(sql, sizeof(sql), "DEALLOCATE %s", p->name);
		PQclear(PQexec(pg->conn, sql));
	}
	sq_pg_reset(p);
	free(p->val);
	free(p->len);
	free(p->fmt);
	free(p->text);
	free(p);
}

void
sq_pg_bind(struct sq_pg *p, int idx, const char *v, size_t len, int binary)
{
	char *c = NULL;

	if (idx < 1 || idx > p->nparams)
		return;		/* SQLite too ignores an index out of range */
	/* PostgreSQL's text cannot hold U+0000, and libpq would cut the
	 * value there without a word: the step refuses it instead */
	if (v && !binary && memchr(v, '\0', len))
		p->nul = 1;
	if (v) {
		c = xmalloc(len + 1);
		memcpy(c, v, len);
		c[len] = '\0';
	}
	free(p->val[idx - 1]);
	p->val[idx - 1] = c;
	p->len[idx - 1] = (int)len;
	p->fmt[idx - 1] = binary;
}

static int
prepare(struct sq_pg *p)
{
	struct store_pg *pg = p->st->pg;
	PGresult *r = PQprepare(pg->conn, p->name, p->text, 0, NULL);

	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		pgerr_note(&pg->e, pg->conn, r, p->label);
		PQclear(r);
		return -1;
	}
	PQclear(r);
	p->gen = pg->gen;
	return 0;
}

int
sq_pg_ready(struct store *st, struct sq_pg *p, struct wa_err *err)
{
	if (store_pg_alive(st) < 0 ||
	    (p->gen != st->pg->gen && prepare(p) < 0))
		return store_pg_fail(st, err, "prepare");
	return 0;
}

/* Rows written, as sqlite3_changes counts them: by writes only. */
static void
count(struct store_pg *pg, PGresult *r)
{
	const char *s = PQcmdStatus(r);

	if (strncmp(s, "INSERT", 6) && strncmp(s, "UPDATE", 6) &&
	    strncmp(s, "DELETE", 6))
		return;
	pg->changes = strtoll(PQcmdTuples(r), NULL, 10);
	pg->total += pg->changes;
}

/* PostgreSQL's text cannot hold U+0000: a bound text that does is
 * refused (noted as the server would), -1; else 0. */
static int
refuse_nul(struct sq_pg *p, struct store_pg *pg)
{
	if (!p->nul)
		return 0;
	snprintf(pg->e.state, sizeof(pg->e.state), "22021");
	snprintf(pg->e.msg, sizeof(pg->e.msg), "a text holds U+0000, "
		 "which PostgreSQL cannot store");
	snprintf(pg->e.query, sizeof(pg->e.query), "%s", p->label);
	pg->e.lost = 0;
	return -1;
}

/*
 * sq_later inside a transaction: the write is sent in pipeline mode and
 * its answer read by store_pg_drain, which the next statement that needs
 * an answer (and the commit) calls first. A delivery's writes that need
 * no answer then cost no round trip of their own.
 */
int
sq_pg_later(struct sq *q)
{
	struct sq_pg *p = q->pg;
	struct store_pg *pg = q->st->pg;

	if (!q->st->in_tx || pg->piped >= STORE_PG_PIPE_MAX ||
	    p->gen != pg->gen)	/* prepared (again) outside the pipeline */
		return 1;
	if (pg->pipe_failed || PQstatus(pg->conn) != CONNECTION_OK) {
		if (!pg->pipe_failed)
			pgerr_note(&pg->e, pg->conn, NULL, p->label);
		return -1;
	}
	if (refuse_nul(p, pg) < 0)
		return -1;
	if ((!pg->piped && !PQenterPipelineMode(pg->conn)) ||
	    !PQsendQueryPrepared(pg->conn, p->name, p->nparams,
				 (const char *const *)p->val, p->len, p->fmt,
				 0)) {
		pgerr_note(&pg->e, pg->conn, NULL, p->label);
		if (pg->piped)
			(void)store_pg_drain(q->st);
		else
			(void)PQexitPipelineMode(pg->conn);
		pg->pipe_failed = 1;
		return -1;
	}
	pg->piped_label[pg->piped++] = p->label;
	return 0;
}

/*
 * Ends the pipeline: a sync, the answers of the writes sent ahead (the
 * first failure noted), and when mine is not NULL the answer of one more
 * statement sent after them, returned in *mine (to PQclear): a read
 * after writes sent ahead costs one round trip for all.
 */
static int
pipe_end(struct store_pg *pg, PGresult **mine)
{
	PGresult *r;
	int i;

	if (!PQpipelineSync(pg->conn) && !pg->pipe_failed) {
		pgerr_note(&pg->e, pg->conn, NULL, pg->piped_label[0]);
		pg->pipe_failed = 1;
	}
	for (i = 0; i < pg->piped; i++)
		while ((r = PQgetResult(pg->conn))) {
			switch (PQresultStatus(r)) {
			case PGRES_COMMAND_OK:
			case PGRES_TUPLES_OK:
				count(pg, r);
				break;
			case PGRES_PIPELINE_ABORTED:	/* after a failure */
				break;
			default:
				if (!pg->pipe_failed) {
					pgerr_note(&pg->e, pg->conn, r,
						   pg->piped_label[i]);
					pg->e.ahead = 1;
				}
				pg->pipe_failed = 1;
			}
			PQclear(r);
		}
	if (mine) {
		*mine = PQgetResult(pg->conn);
		while ((r = PQgetResult(pg->conn)))	/* its end (NULL) */
			PQclear(r);
	}
	while ((r = PQgetResult(pg->conn))) {	/* up to the sync's */
		ExecStatusType s = PQresultStatus(r);

		PQclear(r);
		if (s == PGRES_PIPELINE_SYNC)
			break;
	}
	(void)PQexitPipelineMode(pg->conn);
	pg->piped = 0;
	return pg->pipe_failed ? -1 : 0;
}

int
store_pg_drain(struct store *st)
{
	struct store_pg *pg = st->pg;

	if (!pg->piped)
		return pg->pipe_failed ? -1 : 0;
	return pipe_end(pg, NULL);
}

/* Runs p: behind the writes sent ahead, in the same round trip, when
 * there are some; NULL with the error noted when it was not run. */
static PGresult *
run(struct store *st, struct sq_pg *p)
{
	struct store_pg *pg = st->pg;
	PGresult *r = NULL;

	if (pg->piped && !pg->pipe_failed && p->gen == pg->gen && !p->nul &&
	    PQstatus(pg->conn) == CONNECTION_OK) {
		if (!PQsendQueryPrepared(pg->conn, p->name, p->nparams,
					 (const char *const *)p->val, p->len,
					 p->fmt, 0)) {
			pgerr_note(&pg->e, pg->conn, NULL, p->label);
			pg->pipe_failed = 1;
			(void)pipe_end(pg, NULL);
			return NULL;
		}
		if (pipe_end(pg, &r) < 0) {
			PQclear(r);
			return NULL;
		}
	} else {
		if (store_pg_alive(st) < 0 ||
		    (p->gen != pg->gen && prepare(p) < 0) ||
		    refuse_nul(p, pg) < 0)
			return NULL;
		r = PQexecPrepared(pg->conn, p->name, p->nparams,
				   (const char *const *)p->val, p->len, p->fmt,
				   0);
	}
	if (!r)		/* the connection is gone (or memory) */
		pgerr_note(&pg->e, pg->conn, NULL, p->label);
	return r;
}

int
sq_pg_step(struct sq *q)
{
	struct sq_pg *p = q->pg;
	struct store_pg *pg = q->st->pg;
	PGresult *r;

	if (p->res) {
		blobs_drop(p);
		if (++p->row < p->nrows)
			return 1;
		results_drop(p);
		return 0;
	}
	if (!(r = run(q->st, p)))
		return -1;
	switch (PQresultStatus(r)) {
	case PGRES_COMMAND_OK:
		count(pg, r);
		PQclear(r);
		return 0;
	case PGRES_TUPLES_OK:
		count(pg, r);
		if (PQntuples(r) == 0) {
			PQclear(r);
			return 0;
		}
		p->res = r;
		p->row = 0;
		p->nrows = PQntuples(r);
		p->ncols = PQnfields(r);
		return 1;
	default:
		pgerr_note(&pg->e, pg->conn, r, p->label);
		PQclear(r);
		return -1;
	}
}

/* ---- columns -------------------------------------------------------- */

static int
col_ok(const struct sq_pg *p, int col)
{
	return p->res && col >= 0 && col < p->ncols &&
	       !PQgetisnull(p->res, p->row, col);
}

static int
unhex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* A bytea column's bytes (bytea_output is hex), NUL-ended like SQLite's
 * text of a blob; kept until the row changes. */
static const char *
blob(struct sq_pg *p, int col)
{
	const char *t;
	size_t n, i;
	char *b;

	if (!p->blob) {
		p->blob = xcalloc((size_t)p->ncols, sizeof(*p->blob));
		p->blob_len = xcalloc((size_t)p->ncols, sizeof(*p->blob_len));
	}
	if (p->blob[col])
		return p->blob[col];
	t = PQgetvalue(p->res, p->row, col);
	n = (size_t)PQgetlength(p->res, p->row, col);
	if (n < 2 || t[0] != '\\' || t[1] != 'x')
		abort();	/* the session set bytea_output = 'hex' */
	b = xmalloc((n - 2) / 2 + 1);
	for (i = 0; 2 + 2 * i + 1 < n; i++)
		b[i] = (char)(unhex(t[2 + 2 * i]) << 4 | unhex(t[3 + 2 * i]));
	b[i] = '\0';
	p->blob[col] = b;
	p->blob_len[col] = i;
	return b;
}

enum sq_type
sq_pg_col_type(struct sq_pg *p, int col)
{
	if (!col_ok(p, col))
		return SQ_NULL;
	switch (PQftype(p->res, col)) {
	case PG_BOOL:
	case PG_INT2:
	case PG_INT4:
	case PG_INT8:
	case PG_OID:
		return SQ_INT;
	case PG_FLOAT4:
	case PG_FLOAT8:
		return SQ_REAL;
	case PG_NUMERIC:	/* sum() of integers is numeric */
		return strpbrk(PQgetvalue(p->res, p->row, col), ".eEN") ?
			SQ_REAL : SQ_INT;
	case PG_BYTEA:
		return SQ_BLOB;
	default:
		return SQ_TEXT;
	}
}

const char *
sq_pg_col_text(struct sq_pg *p, int col)
{
	if (!col_ok(p, col))
		return NULL;
	switch (PQftype(p->res, col)) {
	case PG_BOOL:	/* as SQLite gives a comparison: 1 or 0 */
		return *PQgetvalue(p->res, p->row, col) == 't' ? "1" : "0";
	case PG_BYTEA:
		return blob(p, col);
	default:
		return PQgetvalue(p->res, p->row, col);
	}
}

size_t
sq_pg_col_bytes(struct sq_pg *p, int col)
{
	if (!col_ok(p, col))
		return 0;
	switch (PQftype(p->res, col)) {
	case PG_BOOL:
		return 1;
	case PG_BYTEA:
		blob(p, col);
		return p->blob_len[col];
	default:
		return (size_t)PQgetlength(p->res, p->row, col);
	}
}
