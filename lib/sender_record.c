/* SPDX-License-Identifier: MIT */
/* The sender's rows: the intent before a request, the outcome after it. */
#include <stdlib.h>
#include <string.h>
#include "sender_int.h"
#include "audit.h"
#include "desk.h"
#include "jsonl.h"
#include "routing.h"
#include "util.h"

/* ---- intent ----------------------------------------------------------- */

/* The text stored and indexed for search (owned; invalid for none):
 * as a jv, so that it keeps every character it is sent with, U+0000
 * too. */
static jv
stored_text(struct job *j, jv obj)
{
	static const char *const keys[] = { "body", "caption", "name" };
	jv t = jx_get(j->msg, "text");
	size_t i;

	for (i = 0; jv_get_kind(t) != JV_KIND_STRING && i < 3; i++) {
		jv_free(t);
		t = jx_get(obj, keys[i]);
	}
	if (jv_get_kind(t) == JV_KIND_STRING)
		return t;
	jv_free(t);
	return jv_invalid();
}

/* obj[key] when a string, bound with every character; else NULL. */
static void
bind_str(struct sq *q, int i, jv obj, const char *key)
{
	jv v = jx_get(obj, key);

	sq_jv(q, i, jv_get_kind(v) == JV_KIND_STRING ? v : jv_null());
	jv_free(v);
}

static int
insert_message(struct sender *s, struct job *j, struct wa_err *err)
{
	struct sq *q = store_q(s->st, Q_SENDER_MSG_INSERT);
	jv obj = jx_get(j->body, j->type);
	jv tpl = jx_get(j->body, "template");
	jv lang = jx_path(tpl, "language", "code", NULL);
	jv reply = jx_path(j->body, "context", "message_id", NULL);
	const char *media = jx_cstr(obj, "link");
	jv text = stored_text(j, obj);
	int rc;

	sq_text(q, 1, j->channel);
	sq_int(q, 2, j->contact_id);
	sq_text(q, 3, j->type);
	sq_jv(q, 4, text);
	sq_jv(q, 5, obj);
	sq_text(q, 6, j->phone);
	sq_text(q, 7, JOB_IDENTITY(j));
	sq_int(q, 8, s->now);
	sq_jv(q, 9, reply);
	sq_text(q, 10, j->file ? j->mime : NULL);
	bind_str(q, 11, obj, "caption");
	bind_str(q, 12, obj, "filename");
	sq_text(q, 13, j->file ? j->file : media);
	sq_int_or_null(q, 14, j->conversation_id, j->conversation_id == 0);
	sq_text(q, 15, jx_cstr(tpl, "name"));
	sq_text(q, 16, jv_get_kind(lang) == JV_KIND_STRING ?
		jv_string_value(lang) : NULL);
	sq_text(q, 17, s->o.agent);
	sq_text(q, 18, j->key);
	sq_text(q, 19, j->payload);
	sq_int_or_null(q, 20, s->owner, s->owner == 0);
	rc = sq_int1(q, &j->message_id, "write", err) < 0 ? -1 : 0;
	jv_free(text);
	jv_free(reply);
	jv_free(lang);
	jv_free(tpl);
	jv_free(obj);
	return rc;
}

/* Keeps the transaction's usage copy (sender_classify) current. */
static void
count_usage(struct sender *s, enum window_conv conv)
{
	if (!s->usage_ok)
		return;
	s->usage.used++;
	if (conv == WINDOW_CONV_NEW_USER) {
		s->usage.user_initiated++;
	} else {
		s->usage.business_initiated++;
		s->usage.daily_business_initiated++;
	}
}

static int
count_conversation(struct sender *s, struct job *j, struct wa_err *err)
{
	struct sq *q = store_q(s->st, Q_SENDER_CONV_INSERT);

	sq_text(q, 1, j->channel);
	sq_int(q, 2, j->contact_id);
	sq_text(q, 3, j->conv == WINDOW_CONV_NEW_USER ?
		"user_initiated" : "business_initiated");
	sq_int(q, 4, s->now);
	sq_text(q, 5, JOB_IDENTITY(j));
	if (sq_int1(q, &j->conversation_id, "write", err) < 0)
		return -1;
	count_usage(s, j->conv);
	if (j->conv != WINDOW_CONV_NEW_USER)
		return 0;
	q = store_q(s->st, Q_SENDER_SESSION_COUNT);
	sq_text(q, 1, j->channel);
	sq_text(q, 2, JOB_IDENTITY(j));
	sq_int(q, 3, j->conversation_id);
	return sq_done(q, err);
}

/* Inside BEGIN IMMEDIATE: the checks again, so that they and the rows
 * are atomic; then the pending message. 1 when answered meanwhile. */
int
sender_intent(struct sender *s, struct job *j, struct wa_err *err)
{
	struct desk_who who = { 0 };
	enum sender_idem idem;
	int64_t row;
	struct sq *q;

	if (sender_idem_check(s, j, &idem, &row, err) < 0)
		return -1;
	/* its run died a moment ago: the next run records it */
	if (idem == SENDER_IDEM_ORPHAN)
		return sender_answer_orphan(s, j, row, err) < 0 ? -1 : 1;
	if (idem == SENDER_IDEM_ANSWERED)
		return 1;
	if (sender_classify(s, j, err) < 0)
		return -1;
	if (!j->contact_id) {
		who.wa_id = j->wa_id;
		if (desk_contact_resolve(s->st, &who, s->now, &j->contact_id,
					 err) < 0)
			return -1;
	}
	if (j->conv != WINDOW_CONV_EXISTING &&
	    count_conversation(s, j, err) < 0)
		return -1;
	if (idem == SENDER_IDEM_RETRY) {
		q = store_q(s->st, Q_SENDER_IDEM_FREE);
		sq_int(q, 1, row);
		if (sq_done(q, err) < 0)
			return -1;
	}
	return insert_message(s, j, err);
}

/* ---- outcome ---------------------------------------------------------- */

/* A failed send counts nothing: drop its conversation unless another
 * message (sent, pending or ambiguous) is in it. */
static int
release_conversation(struct sender *s, struct job *j, struct wa_err *err)
{
	struct sq *q;
	int64_t used = 0;

	if (!j->conversation_id)
		return 0;
	q = store_q(s->st, Q_SENDER_CONV_USED);
	sq_int(q, 1, j->conversation_id);
	if (sq_int1(q, &used, "count conversation use", err) < 0)
		return -1;
	if (used > 0)
		return 0;
	q = store_q(s->st, Q_SENDER_CONV_UNCOUNT);
	sq_int(q, 1, j->conversation_id);
	if (sq_done(q, err) < 0)
		return -1;
	q = store_q(s->st, Q_SENDER_CONV_DELETE);
	sq_int(q, 1, j->conversation_id);
	j->conversation_id = 0;
	return sq_done(q, err);
}

static jv
sent_record(const struct job *j, const char *wamid)
{
	jv r = JV_OBJECT(jv_string("ok"), jv_true(),
			 jv_string("wamid"),
			 wamid ? jv_string(wamid) : jv_null(),
			 jv_string("status"), jv_string("sent"),
			 jv_string("type"), jv_string(j->type),
			 jv_string("to"), jv_string(j->wa_id),
			 jv_string("conversation"),
			 jv_string(window_conv_name(j->conv)));

	if (j->key)
		r = jv_object_set(r, jv_string("idempotency_key"),
				  jv_string(j->key));
	r = sender_add_keys(j, r);
	if (j->line > 0)
		r = jv_object_set(r, jv_string("line"), jv_number(j->line));
	return r;
}

static int
record_sent_tx(struct sender *s, struct job *j, const char *wamid,
	       const char *wa_id, const char *media_id, jv rec,
	       struct wa_err *err)
{
	struct sq *q = store_q(s->st, Q_SENDER_MSG_SENT);

	sq_int(q, 1, j->message_id);
	sq_int(q, 2, s->now);
	sq_text(q, 3, wamid);
	sq_int(q, 4, j->thread_id);
	sq_text(q, 5, media_id);
	sq_text(q, 6, wa_id);
	/* the request as sent differs from the intent's after an upload */
	sq_text(q, 7, j->media_id[0] ? j->payload : NULL);
	sq_jv(q, 8, rec);
	if (sq_done(q, err) < 0 ||
	    desk_thread_touch(s->st, j->thread_id, j->message_id, s->now, 0,
			      NULL, err) < 0)
		return -1;
	if (j->conversation_id) {
		q = store_q(s->st, Q_SENDER_CONV_FIRST);
		sq_int(q, 1, j->conversation_id);
		sq_int(q, 2, j->message_id);
		if (sq_done(q, err) < 0)
			return -1;
	}
	return wamid && desk_apply_pending_statuses(s->st, wamid, err) < 0 ?
	       -1 : 0;
}

/* The job's thread, made now for a contact without an open one
 * (*created 1, may be NULL). */
static int
open_thread(struct sender *s, struct job *j, int *created,
	    struct wa_err *err)
{
	struct desk_thread t;

	if (desk_thread_open(s->st, j->channel, j->contact_id, "outbound",
			     s->now, &t, err) < 0)
		return -1;
	j->thread_id = t.thread_id;
	j->ticket_id = t.ticket_id;
	j->new_ticket = t.created;
	if (created)
		*created = t.created;
	return 0;
}

/* A ticket this send opened goes through the routing rules once the
 * message is in it (rule 3); the answer says what they did. */
static int
route_new(struct sender *s, struct job *j, struct wa_err *err)
{
	struct routing_outcome o;

	if (routing_ticket(s->st, j->ticket_id, s->now, &o, err) < 0)
		return -1;
	j->pending = routing_outcome_keys(&o, j->pending);
	return 0;
}

/* resp[list][0][key] (owned; invalid when absent). */
static jv
first_of(jv resp, const char *list, const char *key)
{
	jv a = jx_get(resp, list), v = jv_invalid();

	if (jv_get_kind(a) == JV_KIND_ARRAY &&
	    jv_array_length(jv_copy(a)) > 0) {
		jv e = jv_array_get(jv_copy(a), 0);

		v = jx_get(e, key);
		jv_free(e);
	}
	jv_free(a);
	return v;
}

/* Meta took it: the thread (opened now for a new contact), the row, the
 * conversation's first message, statuses that came first. */
static int
record_sent(struct sender *s, struct job *j, struct wa_err *err)
{
	jv wamid = first_of(j->resp, "messages", "id");
	jv wa = first_of(j->resp, "contacts", "wa_id");
	const char *w = jv_get_kind(wamid) == JV_KIND_STRING ?
			jv_string_value(wamid) : NULL;
	const char *wa_id = jv_get_kind(wa) == JV_KIND_STRING ?
			    jv_string_value(wa) : NULL;
	int rc, created = 0;

	rc = open_thread(s, j, &created, err);
	if (rc == 0) {
		j->pending = sent_record(j, w);
		rc = record_sent_tx(s, j, w, wa_id,
				    j->media_id[0] ? j->media_id : NULL,
				    j->pending, err);
	}
	if (rc == 0 && created)
		rc = route_new(s, j, err);
	if (rc < 0)
		wa_err_prefix(err, "sent as %s but not recorded",
			      w ? w : "(no wamid)");
	jv_free(wamid);
	jv_free(wa);
	return rc;
}

/* failed (nothing reached Meta, or Meta refused) or ambiguous. */
static int
record_unsent(struct sender *s, struct job *j, struct wa_err *err)
{
	const struct wa_err *why = &j->why;
	int ambiguous = strcmp(why->code, "ambiguous") == 0, rc = 0;
	jv rec = wa_err_result(why, jv_copy(j->input), j->line);
	jv ej = wa_err_json(why);
	struct sq *q;

	if (ambiguous)
		rc = open_thread(s, j, NULL, err);
	rec = sender_add_keys(j, rec);
	if (rc == 0) {
		q = store_q(s->st, Q_SENDER_MSG_UNSENT);
		sq_int(q, 1, j->message_id);
		sq_text(q, 2, ambiguous ? "ambiguous" : "failed");
		sq_int(q, 3, s->now);
		sq_int_or_null(q, 4, j->thread_id, !ambiguous);
		sq_jv(q, 5, ej);
		sq_jv(q, 6, rec);
		rc = sq_done(q, err);
	}
	if (rc == 0 && !ambiguous)
		rc = release_conversation(s, j, err);
	jv_free(ej);
	jv_free(rec);
	j->pending_err = 1;
	return rc;
}

/* A read receipt is no message: the thread's unread drops to 0. */
static int
record_read(struct sender *s, struct job *j, struct wa_err *err)
{
	struct sq *q;
	jv rec;

	if (j->thread_id > 0) {
		q = store_q(s->st, Q_SENDER_THREAD_READ);
		sq_int(q, 1, j->thread_id);
		if (sq_done(q, err) < 0)
			return -1;
	}
	rec = JV_OBJECT(jv_string("ok"), jv_true(),
			jv_string("status"), jv_string("read"),
			jv_string("wamid"),
			jx_path(j->body, "message_id", NULL));
	rec = sender_add_keys(j, rec);
	if (j->line > 0)
		rec = jv_object_set(rec, jv_string("line"), jv_number(j->line));
	j->pending = rec;
	return 0;
}

/* The send and its outcome in the audit log, in the outcome's
 * transaction: who, to whom, the idempotency key, sent or why not. */
static int
audit_send(struct sender *s, struct job *j, struct wa_err *err)
{
	char subject[40];
	jv wamid = first_of(j->resp, "messages", "id");
	jv d = JV_OBJECT(jv_string("key"), j->key ? jv_string(j->key) :
			 jv_null(),
			 jv_string("channel"), jv_string(j->channel),
			 jv_string("to"), jv_string(j->group[0] ? j->group :
				j->wa_id[0] ? j->wa_id : j->bsuid),
			 jv_string("type"), jv_string(j->type),
			 jv_string("outcome"), jv_string(j->out_rc < 0 ?
				"failed" : "sent"));

	if (j->out_rc < 0)
		d = jv_object_set(d, jv_string("error"),
				  jv_string(j->why.code));
	else if (jv_get_kind(wamid) == JV_KIND_STRING)
		d = jv_object_set(d, jv_string("wamid"), jv_copy(wamid));
	jv_free(wamid);
	snprintf(subject, sizeof(subject), "message:%lld",
		 (long long)j->message_id);
	return audit_append(s->st, s->o.agent ? s->o.agent : s->cfg->user,
			    j->is_template ?
			    "template.send" : "send", subject, d, err);
}

int
sender_outcome(struct sender *s, struct job *j, struct wa_err *err)
{
	jv_free(j->pending);
	j->pending = jv_invalid();
	j->pending_err = 0;
	if (j->out_rc < 0) {
		if (record_unsent(s, j, err) < 0)
			return -1;
	} else if (j->is_read) {
		return record_read(s, j, err);
	} else if (record_sent(s, j, err) < 0) {
		return -1;
	}
	/* the audit log for auditors, the event log for watchers */
	return audit_send(s, j, err) < 0 ? -1 : sender_log(s, j, err);
}

void
sender_dump_body(struct job *j)
{
	struct strbuf sb = STRBUF_INIT;

	jsonl_dump(&sb, j->body);
	free(j->payload);
	j->payload = sb_detach(&sb);
}

jv
sender_dry_record(const struct job *j)
{
	char path[CHANNEL_ID_MAX + 32];
	jv body = jv_copy(j->body), rec;

	snprintf(path, sizeof(path), "/%s/%s", j->channel, j->endpoint);
	if (j->file) {
		jv m = jv_getpath(jv_copy(body), jv_copy(j->upload_at));

		m = jv_object_delete(m, jv_string("path"));
		m = jv_object_set(m, jv_string("id"),
				  jv_string("(media id from the upload)"));
		body = jv_setpath(body, jv_copy(j->upload_at), m);
	}
	rec = JV_OBJECT(jv_string("ok"), jv_true(),
			jv_string("dry_run"), jv_true(),
			jv_string("request"),
			JV_OBJECT(jv_string("method"), jv_string("POST"),
				  jv_string("path"), jv_string(path),
				  jv_string("body"), body));
	if (j->file) {
		snprintf(path, sizeof(path), "/%s/media", j->channel);
		rec = jv_object_set(rec, jv_string("upload"),
			JV_OBJECT(jv_string("method"), jv_string("POST"),
				  jv_string("path"), jv_string(path),
				  jv_string("file"), jv_string(j->file),
				  jv_string("mime"), jv_string(j->mime)));
	}
	if (!j->is_read)
		rec = jv_object_set(rec, jv_string("conversation"),
				    jv_string(window_conv_name(j->conv)));
	rec = sender_add_keys(j, rec);
	if (j->line > 0)
		rec = jv_object_set(rec, jv_string("line"), jv_number(j->line));
	return rec;
}

