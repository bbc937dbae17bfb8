/* SPDX-License-Identifier: MIT */
/* wa-recv's drivers: opening, file-mode group commit, media runs. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "config.h"
#include "desk.h"
#include "jsonl.h"
#include "media.h"
#include "recv.h"
#include "util.h"

int
recv_open(const char *db, struct store **st, struct ingest **in,
	  struct wa_err *err)
{
	struct wa_config cfg;
	const char *rules;
	int rc;

	*st = NULL;
	*in = NULL;
	config_load(&cfg, db);
	rc = store_open(st, cfg.db_path, err);
	config_release(&cfg);
	if (rc < 0)
		return -1;
	rules = getenv("WA_QUARANTINE_RULES");
	if (ingest_new(in, *st, err) < 0 || (rules && *rules &&
	    ingest_quarantine_file(*in, rules, err) < 0)) {
		ingest_free(*in);
		store_close(*st);
		*in = NULL;
		*st = NULL;
		return -1;
	}
	return 0;
}

/* ---- file mode ---- */

int
recv_batch_commit(struct recv_batch *b, struct wa_err *err)
{
	if (!b->pending)
		return 0;
	b->pending = 0;
	if (ingest_finish(b->in, err) < 0 || store_commit(b->st, err) < 0) {
		store_rollback(b->st);
		ingest_flush(b->in, NULL, NULL);
		return -1;
	}
	ingest_flush(b->in, b->emit, b->ctx);
	return 0;
}

int
recv_batch_add(struct recv_batch *b, jv body, const char *raw, size_t rawlen,
	       const char *source, struct wa_err *err)
{
	int rc;

	if (!b->pending && store_begin(b->st, err) < 0) {
		jv_free(body);
		return -1;
	}
	b->pending++;
	rc = ingest_delivery_jv(b->in, body, raw, rawlen, NULL, source, err);
	if (rc < 0) {
		store_rollback(b->st);
		ingest_flush(b->in, NULL, NULL);
		b->pending = 0;
		return -1;
	}
	if (b->pending >= b->limit && recv_batch_commit(b, err) < 0)
		return -1;
	return rc > 0;
}

/* Commits; reports a failure. 0, or the exit status. */
static int
commit(struct recv_batch *b)
{
	struct wa_err err;

	wa_err_clear(&err);
	if (recv_batch_commit(b, &err) < 0) {
		b->warn(b->ctx, &err, 0);
		return err.sysexit;
	}
	return b->flush(b->ctx) < 0 ? WA_EX_IOERR : 0;
}

static int
one(struct recv_batch *b, jv body, const char *raw, size_t rawlen, long line)
{
	struct wa_err err;
	int rc, pending = b->pending;

	wa_err_clear(&err);
	rc = recv_batch_add(b, body, raw, rawlen, "file", &err);
	if (rc < 0) {
		b->warn(b->ctx, &err, line);
		return err.sysexit;
	}
	if (rc > 0)
		b->status = wa_exit_merge(b->status, WA_EX_REJECTED);
	if (b->pending < pending + 1)	/* it committed */
		return b->flush(b->ctx) < 0 ? WA_EX_IOERR : 0;
	return 0;
}

/* A run of lines that is not JSON: reported in-band, after what came
 * before it was committed so events stay in input order. */
static int
bad(struct recv_batch *b, const struct wa_err *err, long line)
{
	int rc = commit(b);

	if (rc)
		return rc;
	b->warn(b->ctx, err, line);
	b->emit(JV_OBJECT(jv_string("event"), jv_string("error"),
			  jv_string("code"), jv_string(err->code),
			  jv_string("message"), jv_string(err->message),
			  jv_string("line"), jv_number(line)), b->ctx);
	b->status = wa_exit_merge(b->status, WA_EX_REJECTED);
	return 0;
}

static int
one_file(struct recv_batch *b, const char *name)
{
	FILE *fp = strcmp(name, "-") ? fopen(name, "r") : stdin;
	struct jsonl *r;
	struct wa_err err;
	long line, good = 0, nbad = 0;
	const char *raw;
	size_t rawlen;
	jv v;
	int rc = 0, n;

	if (!fp) {
		wa_err_set(&err, WA_EX_REJECTED, "invalid_input",
			   "cannot open '%s': %s", name, strerror(errno));
		return bad(b, &err, 0);
	}
	r = jsonl_open(fp, name);
	jsonl_set_limit(r, RECV_MAX_BODY);
	while (!rc && (n = jsonl_next(r, &v, &line, &err)) != 0) {
		if (n == 1) {
			/* raw: the exact bytes when the value was one line */
			raw = jsonl_raw(r, &rawlen);
			good++;
			rc = one(b, v, raw, rawlen, line);
		} else if (n == -1) {
			nbad++;
			rc = bad(b, &err, line);
		} else {
			b->warn(b->ctx, &err, 0);
			rc = err.sysexit;
		}
	}
	jsonl_close(r);
	if (fp != stdin)
		fclose(fp);
	if (!rc && !good && nbad) {
		rc = commit(b);
		wa_err_set(&err, WA_EX_DATAERR, "invalid_input",
			   "'%s' holds no JSON at all", name);
		b->warn(b->ctx, &err, 0);
		return rc ? rc : WA_EX_DATAERR;
	}
	return rc;
}

int
recv_files(struct recv_batch *b, char **files, int n)
{
	int i, rc = 0;

	if (n == 0)
		rc = one_file(b, "-");
	for (i = 0; i < n && !rc; i++)
		rc = one_file(b, files[i]);
	if (!rc) {
		rc = commit(b);
		return rc ? rc : b->status;
	}
	/* A fatal error: what the batch held is committed only if the
	 * database still works; the rest is not read. */
	if (b->pending)
		(void)commit(b);
	return rc;
}

/* ---- media ---- */

/* 0 when thread is known; 1 (an unknown_thread record to fn) when not;
 * -1 with err on a database error. */
static int
thread_known(struct store *st, int64_t thread, recv_record_fn fn, void *ctx,
	     struct wa_err *err)
{
	char channel[64], wa_id[32], status[8];
	struct wa_err e;
	int rc;

	rc = desk_thread_lookup(st, thread, channel, NULL, wa_id, NULL, status,
				err);
	if (rc <= 0)
		return rc;
	wa_err_set(&e, WA_EX_REJECTED, "unknown_thread", "no thread %lld",
		   (long long)thread);
	fn(wa_err_result(&e, JV_OBJECT(jv_string("thread_id"),
				       id_jv(thread)), 0), ctx);
	return 1;
}

int
recv_media(struct store *st, struct graph *g, const char *dir,
	   int64_t thread_id, long limit, recv_record_fn fn, void *ctx,
	   int *status, struct wa_err *err)
{
	struct media_job *jobs = NULL;
	struct wa_err e;
	size_t n = 0, i;
	jv rec;
	int rc;

	*status = 0;
	if (thread_id) {
		if ((rc = thread_known(st, thread_id, fn, ctx, err)) < 0)
			return -1;
		if (rc > 0) {
			*status = WA_EX_REJECTED;
			return 0;
		}
	}
	if (media_due(st, thread_id, limit, &jobs, &n, err) < 0)
		return -1;
	for (i = 0; i < n && *status <= WA_EX_REJECTED; i++) {
		wa_err_clear(&e);
		if (media_fetch(st, g, dir, &jobs[i], &rec, &e) == 0) {
			fn(rec, ctx);
			continue;
		}
		fn(wa_err_result(&e, media_job_json(&jobs[i]), 0), ctx);
		*status = wa_exit_merge(*status, e.sysexit ? e.sysexit :
					WA_EX_REJECTED);
	}
	media_jobs_free(jobs, n);
	return 0;
}
