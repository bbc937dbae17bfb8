/* SPDX-License-Identifier: MIT */
/* A run's requests to Graph (upload, then send) and its batches: intents committed before, outcomes after. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sender_int.h"
#include "jsonl.h"
#include "util.h"

static void
on_sent(void *ctx, int rc, jv resp, const struct wa_err *err)
{
	struct job *j = ctx;

	j->out_rc = rc;
	jv_free(j->resp);
	j->resp = resp;
	if (rc < 0)
		j->why = *err;
	sender_list_add(&j->s->outcomes, j);
}

static void
post_message(struct sender *s, struct job *j)
{
	char path[CHANNEL_ID_MAX + 32], pair[CHANNEL_ID_MAX + 40];
	char *payload = j->payload;

	snprintf(path, sizeof(path), "/%s/%s", j->channel, j->endpoint);
	snprintf(pair, sizeof(pair), "%s:%s", j->channel, j->wa_id);
	/* the outcome stores the payload again only after an upload */
	j->payload = j->media_id[0] ? xstrdup(payload) : NULL;
	/* a read receipt may be repeated; a message must never be */
	if (j->is_read)
		graph_multi_post_raw(s->gm, path, payload, NULL, on_sent, j);
	else
		graph_multi_post_once(s->gm, path, payload, pair, on_sent, j);
}

/* The uploaded media's id goes where the local path was. */
static void
on_upload(void *ctx, int rc, jv resp, const struct wa_err *err)
{
	struct job *j = ctx;
	jv id = jx_get(resp, "id"), m;
	struct wa_err e;

	if (rc == 0 && jv_get_kind(id) != JV_KIND_STRING) {
		wa_err_set(&e, WA_EX_REJECTED, "graph_error",
			   "media upload answered without an id");
		err = &e;
		rc = -1;
	}
	if (rc < 0) {
		jv_free(id);
		on_sent(j, -1, resp, err);
		return;
	}
	m = jv_getpath(jv_copy(j->body), jv_copy(j->upload_at));
	m = jv_object_delete(m, jv_string("path"));
	m = jv_object_set(m, jv_string("id"), jv_copy(id));
	j->body = jv_setpath(j->body, jv_copy(j->upload_at), m);
	snprintf(j->media_id, sizeof(j->media_id), "%s", jv_string_value(id));
	jv_free(id);
	jv_free(resp);
	sender_dump_body(j);
	post_message(j->s, j);
}

void
sender_start_request(struct sender *s, struct job *j)
{
	char path[CHANNEL_ID_MAX + 16];

	s->queued = 1;
	if (!j->file) {
		post_message(s, j);
		return;
	}
	snprintf(path, sizeof(path), "/%s/media", j->channel);
	graph_multi_upload(s->gm, path, j->file, j->mime, on_upload, j);
}

/* After a fatal error nothing new starts: queued requests are answered
 * as not sent (and their intents released). */
static void
stop_err(const struct sender *s, struct wa_err *e)
{
	*e = s->fatal_err;
	snprintf(e->message, sizeof(e->message),
		 "not sent: the run stopped after an earlier error (%s)",
		 s->fatal_err.code);
}

static void
stop_queued(struct sender *s)
{
	struct wa_err e;

	if (!s->fatal || !s->gm || s->stopped)
		return;
	s->stopped = 1;
	stop_err(s, &e);
	graph_multi_cancel(s->gm, &e);
}

/* ---- batches ------------------------------------------------------------ */

static int
exec_stmt(struct sender *s, enum sql_id id, struct wa_err *err)
{
	return sq_done(store_q(s->st, id), err);
}

static int
is_fatal(const struct wa_err *e)
{
	return e->sysexit != 0 && e->sysexit != 1;
}

/*
 * Runs fn for every job of list in one transaction.  A refusal writes
 * nothing (the checks come before the rows), so it needs no savepoint; a
 * fatal error ends the batch.  Should a job ever fail after writing, the
 * batch is undone and run again with a savepoint per job.  Returns 0 (the
 * caller commits), or -1 with *fatal after a rollback.
 */
static int
batch_run(struct sender *s, struct job *list,
	  int (*fn)(struct sender *, struct job *, struct wa_err *),
	  struct wa_err *fatal)
{
	struct wa_err e;
	struct job *j;
	int64_t changes;
	int careful = 0, rc;

again:
	if (store_begin(s->st, fatal) < 0)
		return -1;
	s->usage_ok = 0;
	for (j = list; j; j = j->bnext) {
		if (j->done)
			continue;
		if (careful && exec_stmt(s, Q_SENDER_SAVEPOINT, fatal) < 0)
			goto fail;
		changes = store_total_changes(s->st);
		rc = fn(s, j, &e);
		if (rc < 0 && is_fatal(&e)) {
			*fatal = e;
			goto fail;
		}
		if (rc < 0 && !careful &&
		    store_total_changes(s->st) != changes) {
			store_rollback(s->st);
			careful = 1;
			goto again;
		}
		if (rc < 0 && careful &&
		    exec_stmt(s, Q_SENDER_ROLLBACK_TO, fatal) < 0)
			goto fail;
		if (careful && exec_stmt(s, Q_SENDER_RELEASE, fatal) < 0)
			goto fail;
		j->failed = rc < 0;
		if (rc < 0)
			j->rec_err = e;
		s->usage_ok = s->usage_ok && !(rc < 0 && careful);
	}
	s->usage_ok = 0;
	return 0;
fail:
	s->usage_ok = 0;
	store_rollback(s->st);
	return -1;
}

/* Answers every job of list not answered yet: its refusal, else e. */
static void
answer_all(struct job *list, const struct wa_err *e)
{
	for (; list; list = list->bnext)
		if (!list->done)
			sender_answer_err(list, list->failed ?
					  &list->rec_err : e);
}

/* The intents of the checked jobs in one transaction, then their
 * requests: each intent is committed before its request can start. */
void
sender_intents_flush(struct sender *s)
{
	struct job *list = sender_list_take(&s->intents), *j;
	struct wa_err fatal;

	if (!list)
		return;
	if (s->fatal) {
		stop_err(s, &fatal);
		answer_all(list, &fatal);
		return;
	}
	s->now = wa_now();
	/* on failure nothing of the batch is recorded, so nothing is sent */
	if (batch_run(s, list, sender_intent, &fatal) < 0 ||
	    store_commit(s->st, &fatal) < 0) {
		answer_all(list, &fatal);
		return;
	}
	for (j = list; j; j = j->bnext)
		if (j->failed)
			sender_answer_err(j, &j->rec_err);
		else if (!j->done)
			sender_start_request(s, j);
}

/* Answers the outcomes of one poll round after their commit. */
static void
answer_outcomes(struct job *list)
{
	struct job *j;

	for (j = list; j; j = j->bnext) {
		if (j->done)
			continue;
		if (j->failed) {
			sender_answer_err(j, &j->rec_err);
		} else if (j->pending_err) {
			sender_answer_err(j, &j->why);
		} else {
			sender_answer(j, j->pending);
			j->pending = jv_invalid();
		}
	}
}

/* A failed commit: what Meta accepted is not in the store. */
static void
outcomes_failed(struct job *list, const struct wa_err *e)
{
	struct wa_err w;
	const char *wamid;

	for (; list; list = list->bnext) {
		if (list->done)
			continue;
		w = *e;
		wamid = list->out_rc == 0 && !list->is_read ?
			jx_cstr(list->pending, "wamid") : NULL;
		if (list->out_rc == 0 && !list->is_read)
			wa_err_prefix(&w, "sent as %s but not recorded",
				      wamid ? wamid : "(no wamid)");
		sender_answer_err(list, &w);
	}
}

/* The outcomes of one poll round, recorded in one transaction. */
static void
outcomes_flush(struct sender *s)
{
	struct job *list = sender_list_take(&s->outcomes);
	struct wa_err fatal;

	if (!list)
		return;
	s->now = wa_now();
	if (batch_run(s, list, sender_outcome, &fatal) < 0 ||
	    store_commit(s->st, &fatal) < 0) {
		outcomes_failed(list, &fatal);
		return;
	}
	answer_outcomes(list);
}

/* Records the outcomes so far and emits what is answered. */
void
sender_settle(struct sender *s)
{
	do {
		outcomes_flush(s);
		stop_queued(s);	/* may answer queued ones at once */
	} while (s->outcomes.head);
	sender_flush(s);
}

/* One poll round: transfers progress, finished ones are recorded. */
void
sender_run_round(struct sender *s, int timeout_ms)
{
	graph_multi_run(s->gm, timeout_ms);
	sender_settle(s);
}
