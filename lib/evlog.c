/* SPDX-License-Identifier: MIT */
/* The event log: appended in the writer's transaction, read back in order. */
#include <stdio.h>
#include "evlog.h"
#include "jsonl.h"
#include "util.h"

int
evlog_append(struct store *st, jv rec, int64_t at, int64_t *seq,
	     struct wa_err *err)
{
	struct strbuf sb = STRBUF_INIT;
	struct sq *q;
	int64_t next = 0;
	int rc;

	q = store_q(st, Q_EVLOG_NEXT);
	if (sq_int1(q, &next, "read the event log", err) <= 0) {
		jv_free(rec);
		return -1;
	}
	jsonl_dump(&sb, rec);
	jv_free(rec);
	sb.len--;	/* the closing brace: the number goes last */
	sb_addf(&sb, "%s\"seq\":%lld}", sb.len > 1 ? "," : "",
		(long long)next);
	q = store_q(st, Q_EVLOG_INSERT);
	sq_int(q, 1, next);
	sq_null(q, 2);
	sq_int(q, 3, at);
	sq_textn(q, 4, sb.buf, sb.len);
	rc = sq_done(q, err);
	sb_release(&sb);
	if (rc == 0 && seq)
		*seq = next;
	return rc;
}

int
evlog_last(struct store *st, int64_t *out, struct wa_err *err)
{
	*out = 0;
	return sq_int1(store_q(st, Q_EVLOG_LAST), out, "read the event log",
		       err) < 0 ? -1 : 0;
}

long
evlog_each(struct store *st, int64_t since, long limit,
	   int (*fn)(int64_t seq, const char *line, size_t len, void *ctx),
	   void *ctx, struct wa_err *err)
{
	struct sq *q = store_q(st, Q_EVLOG_SINCE);
	long n = 0;
	int rc;

	sq_int(q, 1, since);
	sq_int(q, 2, limit);
	while ((rc = sq_step(q)) > 0) {
		n++;
		if (fn(sq_col_int(q, 0), sq_col_text(q, 1),
		       sq_col_bytes(q, 1), ctx) < 0) {
			sq_reset(q);
			return n;
		}
	}
	return rc < 0 ? sq_fail(q, err, "read the event log") : n;
}
