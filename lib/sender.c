/* SPDX-License-Identifier: MIT */
/* The send pipeline: intents and outcomes in batches, answers in order. */
#include <stdlib.h>
#include <string.h>
#include "sender_int.h"
#include "jsonl.h"
#include "util.h"

void
sender_opts_default(struct sender_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->rate = 80;
	o->pair_burst = 5;
	o->pair_interval_ms = 6000;
}

static void
list_init(struct job_list *l)
{
	l->head = NULL;
	l->tail = &l->head;
	l->n = 0;
}

static void
list_add(struct job_list *l, struct job *j)
{
	j->bnext = NULL;
	*l->tail = j;
	l->tail = &j->bnext;
	l->n++;
}

/* Empties l and returns its jobs. */
static struct job *
list_take(struct job_list *l)
{
	struct job *j = l->head;

	list_init(l);
	return j;
}

int
sender_new(struct sender **out, struct store *st, const struct wa_config *cfg,
	   const struct sender_opts *opts, sender_emit_fn emit, void *ctx,
	   struct wa_err *err)
{
	struct sender *s = xcalloc(1, sizeof(*s));
	struct graph_multi_opts mo;
	struct channel ch;
	int rc;

	*out = NULL;
	s->lockfd = -1;
	s->st = st;
	s->cfg = cfg;
	s->o = *opts;
	s->emit = emit;
	s->ctx = ctx;
	if (s->o.channel) {
		rc = channel_id_valid(s->o.channel) ?
		     channel_get(st, s->o.channel, &ch, err) : 1;
		if (rc == 1)
			wa_err_set(err, WA_EX_CONFIG, "not_connected",
				   "unknown channel '%s'", s->o.channel);
		if (rc != 0)
			goto fail;
	}
	if (!s->o.dry_run) {
		if (graph_open(&s->g, cfg, NULL, err) < 0)
			goto fail;
		mo.rate = s->o.rate;
		mo.max_conns = s->o.sequential ? 1 :
			       s->o.rate < 512 ? s->o.rate : 512;
		mo.pair_burst = s->o.pair_burst;
		mo.pair_interval_ms = s->o.pair_interval_ms;
		if (graph_multi_new(&s->gm, s->g, &mo, err) < 0)
			goto fail;
	}
	/* before any intent: the run's owner id, then what dead runs left */
	if (sender_owner_take(s, err) < 0 || sender_recover(s, err) < 0)
		goto fail;
	/* About 1/16 s of requests per intent transaction. */
	s->batch = s->o.rate / 16;
	if (s->batch < 1)
		s->batch = 1;
	if (s->batch > SENDER_BATCH_MAX)
		s->batch = SENDER_BATCH_MAX;
	list_init(&s->intents);
	list_init(&s->outcomes);
	*out = s;
	return 0;
fail:
	sender_free(s);
	return -1;
}

static void
job_free(struct job *j)
{
	jv_free(j->input);
	jv_free(j->result);
	jv_free(j->msg);
	jv_free(j->body);
	jv_free(j->upload_at);
	jv_free(j->resp);
	jv_free(j->pending);
	free(j->payload);
	free(j->key);
	free(j->file);
	free(j);
}

void
sender_free(struct sender *s)
{
	struct job *j, *n;

	if (!s)
		return;
	graph_multi_free(s->gm);
	graph_close(s->g);
	for (j = s->head; j; j = n) {
		n = j->next;
		job_free(j);
	}
	sender_owner_release(s);
	free(s);
}

int
sender_status(const struct sender *s)
{
	return s->status;
}

/* ---- answers, in order ---------------------------------------------- */

static void
set_fatal(struct sender *s, const struct wa_err *e)
{
	if (s->fatal)
		return;
	s->fatal = 1;
	s->fatal_err = *e;
	s->status = e->sysexit;
}

jv
sender_add_keys(const struct job *j, jv rec)
{
	if (j->channel[0])
		rec = jv_object_set(rec, jv_string("channel"),
				    jv_string(j->channel));
	if (j->wa_id[0])
		rec = jv_object_set(rec, jv_string("wa_id"),
				    jv_string(j->wa_id));
	if (j->thread_id > 0)
		rec = jv_object_set(rec, jv_string("thread_id"),
				    id_jv(j->thread_id));
	if (j->ticket_id > 0)
		rec = jv_object_set(rec, jv_string("ticket_id"),
				    id_jv(j->ticket_id));
	return rec;
}

void
sender_answer(struct job *j, jv rec)
{
	jv_free(j->result);
	j->result = rec;
	j->done = 1;
}

void
sender_answer_err(struct job *j, const struct wa_err *e)
{
	jv rec = wa_err_result(e, jv_copy(j->input), j->line);

	if (j->key)
		rec = jv_object_set(rec, jv_string("idempotency_key"),
				    jv_string(j->key));
	if (e->sysexit != 0 && e->sysexit != 1)
		set_fatal(j->s, e);
	else
		j->s->status = wa_exit_merge(j->s->status, WA_EX_REJECTED);
	sender_answer(j, sender_add_keys(j, rec));
}

/* A repeat of an earlier result: same answer, this line, "duplicate". */
static jv
as_duplicate(jv first, long line)
{
	if (jv_get_kind(first) != JV_KIND_OBJECT)
		return first;
	first = jv_object_set(first, jv_string("duplicate"), jv_true());
	if (line > 0)
		first = jv_object_set(first, jv_string("line"),
				      jv_number(line));
	return first;
}

/* Answers j with the first result (taken) of its key. */
void
sender_answer_dup(struct job *j, jv first)
{
	jv ok = jx_get(first, "ok");

	if (jv_get_kind(ok) != JV_KIND_TRUE)
		j->s->status = wa_exit_merge(j->s->status, WA_EX_REJECTED);
	jv_free(ok);
	sender_answer(j, as_duplicate(first, j->line));
}

/* Answers the followers of leader j (same idempotency key) from its
 * result, so j can go. */
static void
settle_followers(struct sender *s, struct job *j)
{
	struct job *f;

	for (f = j->next; f && j->nfollowers; f = f->next) {
		if (f->leader != j)
			continue;
		f->leader = NULL;
		j->nfollowers--;
		sender_answer_dup(f, jv_copy(j->result));
	}
}

/* Emits the answers at the head of the line. */
static void
flush(struct sender *s)
{
	struct job *j;
	struct wa_err e;

	while ((j = s->head) && j->done) {
		s->head = j->next;
		if (!s->head)
			s->tail = NULL;
		s->njobs--;
		if (j->nfollowers)
			settle_followers(s, j);
		if (s->emit(jv_copy(j->result), s->ctx) < 0 && !s->fatal) {
			wa_err_set(&e, WA_EX_IOERR, "io",
				   "cannot write the result");
			set_fatal(s, &e);
		}
		job_free(j);
	}
}


/* ---- Graph ------------------------------------------------------------- */

static void
on_sent(void *ctx, int rc, jv resp, const struct wa_err *err)
{
	struct job *j = ctx;

	j->out_rc = rc;
	jv_free(j->resp);
	j->resp = resp;
	if (rc < 0)
		j->why = *err;
	list_add(&j->s->outcomes, j);
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

static void
start_request(struct sender *s, struct job *j)
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
static void
intents_flush(struct sender *s)
{
	struct job *list = list_take(&s->intents), *j;
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
			start_request(s, j);
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
	struct job *list = list_take(&s->outcomes);
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
static void
settle(struct sender *s)
{
	do {
		outcomes_flush(s);
		stop_queued(s);	/* may answer queued ones at once */
	} while (s->outcomes.head);
	flush(s);
}

/* One poll round: transfers progress, finished ones are recorded. */
static void
run_round(struct sender *s, int timeout_ms)
{
	graph_multi_run(s->gm, timeout_ms);
	settle(s);
}

/* ---- submit ------------------------------------------------------------ */

/* The Graph edge of msg's "endpoint": /messages, or /marketing_messages
 * for a template (Meta routes MARKETING templates there, 2026). */
static int
sender_endpoint(struct job *j, struct wa_err *err)
{
	const char *e = jx_cstr(j->msg, "endpoint");

	if (!e || strcmp(e, "messages") == 0 ||
	    (strcmp(e, "marketing_messages") == 0 &&
	     strcmp(j->type, "template") == 0)) {
		snprintf(j->endpoint, sizeof(j->endpoint), "%s",
			 e ? e : "messages");
		return 0;
	}
	return wa_err_set(err, WA_EX_REJECTED, "invalid_input",
			  "endpoint '%s': want messages, or "
			  "marketing_messages for a template", e);
}

/* Checks, then the job waits for its intent (or is answered); 0 queued or
 * answered, -1 refused with err. */
static int
prepare(struct sender *s, struct job *j, struct wa_err *err)
{
	const char *t = jx_cstr(j->msg, "type");
	enum sender_idem idem;
	int64_t row;
	int rc;

	if (jv_get_kind(j->msg) != JV_KIND_OBJECT || !t || strlen(t) >= 16)
		return wa_err_set(err, WA_EX_REJECTED, "invalid_input",
				  "a message needs a type");
	snprintf(j->type, sizeof(j->type), "%s", t);
	j->is_read = strcmp(t, "read") == 0;
	if (sender_endpoint(j, err) < 0)
		return -1;
	if (sender_check_input(j, err) < 0)
		return -1;
	if (j->is_read) {	/* a receipt is never counted or recorded */
		free(j->key);
		j->key = NULL;
	}
	if (sender_idem_follow(s, j))
		return 0;
	if (sender_idem_check(s, j, &idem, &row, err) < 0)
		return -1;
	/* its run died since we started: recorded now, then answered */
	if (idem == SENDER_IDEM_ORPHAN && !s->o.dry_run &&
	    (sender_recover(s, err) < 0 ||
	     sender_idem_check(s, j, &idem, &row, err) < 0))
		return -1;
	if (idem == SENDER_IDEM_ORPHAN)
		return sender_answer_orphan(s, j, row, err);
	if (idem == SENDER_IDEM_ANSWERED)
		return 0;
	rc = j->is_read ? sender_prepare_read(s, j, err) :
	     sender_prepare_msg(s, j, err);
	if (rc < 0)
		return -1;
	if (s->o.dry_run) {
		if (!j->is_read && sender_classify(s, j, err) < 0)
			return -1;
		sender_answer(j, sender_dry_record(j));
		return 0;
	}
	sender_dump_body(j);
	if (j->is_read) {
		start_request(s, j);	/* no intent: nothing is counted */
		return 0;
	}
	/* Refuse before BEGIN when nothing could change that. */
	if (!j->contact_id && !j->is_template) {
		j->conv = WINDOW_CONV_REFUSED;
		return sender_refuse_window(j, -1, err);
	}
	list_add(&s->intents, j);
	return 0;
}

struct job *
sender_job_add(struct sender *s, jv input, long line)
{
	struct job *j = xcalloc(1, sizeof(*j));

	j->s = s;
	j->input = input;
	j->line = line;
	j->result = jv_invalid();
	j->msg = jv_invalid();
	j->body = jv_invalid();
	j->upload_at = jv_invalid();
	j->resp = jv_invalid();
	j->pending = jv_invalid();
	if (s->tail)
		s->tail->next = j;
	else
		s->head = j;
	s->tail = j;
	s->njobs++;
	return j;
}

/* Runs transfers until fewer than max answers wait.  Intents wait for a
 * batch while enough requests are queued to keep the wire busy. */
static void
pump(struct sender *s, int max)
{
	if (s->intents.n && (s->intents.n >= s->batch || s->njobs > max ||
			     !s->gm || graph_multi_waiting(s->gm) < s->batch))
		intents_flush(s);
	flush(s);
	if (!s->gm)
		return;
	if (s->njobs > max) {
		/* room for a batch, not a record at a time */
		while (s->njobs > max - s->batch &&
		       graph_multi_pending(s->gm) > 0)
			run_round(s, 100);
	} else if (s->queued && graph_multi_pending(s->gm) > 0) {
		run_round(s, 0);	/* start what was just queued */
	}
	s->queued = 0;
	flush(s);
}

int
sender_submit(struct sender *s, jv msg, jv input, long line,
	      struct wa_err *err)
{
	struct job *j;
	struct wa_err e;

	if (s->fatal) {
		jv_free(msg);
		jv_free(input);
		*err = s->fatal_err;
		return -1;
	}
	s->now = wa_now();
	j = sender_job_add(s, input, line);
	j->msg = msg;
	if (prepare(s, j, &e) < 0)
		sender_answer_err(j, &e);
	pump(s, s->o.rate + 64);
	if (s->fatal) {
		intents_flush(s);
		settle(s);
		*err = s->fatal_err;
		return -1;
	}
	return 0;
}

void
sender_reject(struct sender *s, const struct wa_err *e, jv input, long line)
{
	struct job *j = sender_job_add(s, input, line);

	sender_answer_err(j, e);
	flush(s);
}

int
sender_finish(struct sender *s, struct wa_err *err)
{
	intents_flush(s);
	while (s->gm && graph_multi_pending(s->gm) > 0)
		run_round(s, 200);
	settle(s);
	if (s->fatal) {
		*err = s->fatal_err;
		return -1;
	}
	return 0;
}
