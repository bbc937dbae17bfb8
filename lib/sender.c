/* SPDX-License-Identifier: MIT */
/* The send pipeline: jobs, answers in order, submitting (Graph and the batches: sender_batch.c). */
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

void
sender_list_add(struct job_list *l, struct job *j)
{
	j->bnext = NULL;
	*l->tail = j;
	l->tail = &j->bnext;
	l->n++;
}

/* Empties l and returns its jobs. */
struct job *
sender_list_take(struct job_list *l)
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
void
sender_flush(struct sender *s)
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
		/* no intent: nothing is counted */
		sender_start_request(s, j);
		return 0;
	}
	/* Refuse before BEGIN when nothing could change that. */
	if (!j->contact_id && !j->is_template) {
		j->conv = WINDOW_CONV_REFUSED;
		return sender_refuse_window(j, -1, err);
	}
	sender_list_add(&s->intents, j);
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
		sender_intents_flush(s);
	sender_flush(s);
	if (!s->gm)
		return;
	if (s->njobs > max) {
		/* room for a batch, not a record at a time */
		while (s->njobs > max - s->batch &&
		       graph_multi_pending(s->gm) > 0)
			sender_run_round(s, 100);
	} else if (s->queued && graph_multi_pending(s->gm) > 0) {
		sender_run_round(s, 0);	/* start what was just queued */
	}
	s->queued = 0;
	sender_flush(s);
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
		sender_intents_flush(s);
		sender_settle(s);
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
	sender_flush(s);
}

int
sender_finish(struct sender *s, struct wa_err *err)
{
	sender_intents_flush(s);
	while (s->gm && graph_multi_pending(s->gm) > 0)
		sender_run_round(s, 200);
	sender_settle(s);
	if (s->fatal) {
		*err = s->fatal_err;
		return -1;
	}
	return 0;
}
