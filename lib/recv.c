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
recv_open(const char *db, unsigned flags, struct store **st,
	  struct ingest **in, struct wa_err *err)
{
	struct wa_config cfg;
	const char *rules;
	int rc;

	*st = NULL;
	*in = NULL;
	rc = config_load(&cfg, db, err);
	if (rc == 0)
		rc = store_open_flags(st, cfg.db_path, flags, err);
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

	rc = desk_thread_lookup(st, thread, channel, NULL, wa_id, NULL, NULL,
				status, err);
	if (rc <= 0)
		return rc;
	wa_err_set(&e, WA_EX_REJECTED, "unknown_thread", "no thread %lld",
		   (long long)thread);
	fn(wa_err_result(&e, JV_OBJECT(jv_string("thread_id"),
				       id_jv(thread)), 0), ctx);
	return 1;
}

/* The error record of a failed job: what became of its media. */
static jv
media_error_record(const struct media_job *j, const struct wa_err *e,
		   const char *state, int64_t retry_at)
{
	jv rec = wa_err_result(e, media_job_json(j), 0);

	rec = jv_object_set(rec, jv_string("media_state"), jv_string(state));
	if (retry_at >= 0)
		rec = jv_object_set(rec, jv_string("retry_at"),
				    time_jv(retry_at));
	return rec;
}

int
recv_media(struct store *st, struct graph *g, const char *dir,
	   int64_t thread_id, long limit, int retry_failed, int64_t now,
	   recv_record_fn fn, void *ctx, int *status, struct wa_err *err)
{
	struct media_job *jobs = NULL;
	const char *state;
	int64_t retry_at;
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
	if (media_due(st, thread_id, limit, retry_failed, now, &jobs, &n,
		      err) < 0)
		return -1;
	for (i = 0; i < n && *status <= WA_EX_REJECTED; i++) {
		wa_err_clear(&e);
		if (media_fetch(st, g, dir, &jobs[i], now, &rec, &state,
				&retry_at, &e) == 0) {
			fn(rec, ctx);
			continue;
		}
		fn(media_error_record(&jobs[i], &e, state, retry_at), ctx);
		*status = wa_exit_merge(*status, e.sysexit ? e.sysexit :
					WA_EX_REJECTED);
	}
	media_jobs_free(jobs, n);
	return 0;
}
