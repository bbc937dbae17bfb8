/* SPDX-License-Identifier: MIT */
/* Events waiting for their commit; a message event is finished (its keys set) only when printed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ingest.h"
#include "ingest_int.h"
#include "jsonl.h"
#include "util.h"

/*
 * Most events are messages: the normalised record plus a dozen keys.
 * Setting those keys is a good part of the work of the thread that holds
 * the database, so for messages it is done by whoever prints them (in
 * file mode, the writer thread): the queue keeps the record and the keys
 * as plain C values until then.
 */
struct msg_keys {
	struct ingest_msg_ev k;
	/* the strings of k follow */
};

struct queued {
	jv ev;				/* finished, or the message record */
	struct msg_keys *mk;		/* NULL when ev is finished */
};

struct ingest_events {
	struct queued *v;
	size_t n, cap;
};

static void
push(struct ingest_events *q, jv ev, struct msg_keys *mk)
{
	if (q->n == q->cap) {
		q->cap = q->cap ? 2 * q->cap : 64;
		q->v = xrealloc(q->v, q->cap * sizeof(*q->v));
	}
	q->v[q->n].ev = ev;
	q->v[q->n++].mk = mk;
}

void
ingest_event_fresh(struct ingest *in, jv ev)
{
	if (in->delivery_id > 0)
		ev = jv_object_set(ev, jv_string("delivery_id"),
				   id_jv(in->delivery_id));
	if (!in->events)
		in->events = xcalloc(1, sizeof(*in->events));
	push(in->events, ev, NULL);
}

void
ingest_event(struct ingest *in, jv ev)
{
	ingest_event_fresh(in, in->unshared ? jx_fresh(ev) : ev);
}

static size_t
len0(const char *s)
{
	return s ? strlen(s) + 1 : 0;
}

/* Copies s into *at (advanced); NULL stays NULL. */
static const char *
keep(char **at, const char *s)
{
	char *d = *at;
	size_t n = len0(s);

	if (!s)
		return NULL;
	memcpy(d, s, n);
	*at += n;
	return d;
}

void
ingest_msg_event(struct ingest *in, jv rec, const struct ingest_msg_ev *k)
{
	struct msg_keys *mk = xmalloc(sizeof(*mk) + len0(k->channel) +
				      len0(k->wa_id) + len0(k->user_id) +
				      len0(k->to));
	char *at = (char *)(mk + 1);

	mk->k = *k;
	mk->k.channel = keep(&at, k->channel);
	mk->k.wa_id = keep(&at, k->wa_id);
	mk->k.user_id = keep(&at, k->user_id);
	mk->k.to = keep(&at, k->to);
	mk->k.delivery_id = in->delivery_id;
	if (!in->events)
		in->events = xcalloc(1, sizeof(*in->events));
	push(in->events, rec, mk);
}

static jv
str_or_null(const char *s)
{
	return s ? jv_string(s) : jv_null();
}

/* Appends rec as JSON without its closing brace, so that keys can follow;
 * -1 when rec is not an object with keys (never expected). */
static int
dump_open(struct strbuf *sb, jv rec)
{
	jsonl_dump(sb, rec);
	if (sb->len < 2 || sb->buf[sb->len - 1] != '}' ||
	    sb->buf[sb->len - 2] == '{')
		return -1;
	sb->len--;
	return 0;
}

jv
ingest_rec_text(jv rec)
{
	struct strbuf sb = STRBUF_INIT;
	jv out;

	if (dump_open(&sb, rec) < 0) {
		sb_release(&sb);
		return rec;
	}
	out = jv_string_sized(sb.buf, (int)sb.len);
	sb_release(&sb);
	jv_free(rec);
	return out;
}

/* The record of ingest_rec_text as an object again. */
static jv
rec_object(jv rec)
{
	struct strbuf sb = STRBUF_INIT;
	jv out;

	if (jv_get_kind(rec) != JV_KIND_STRING)
		return rec;
	sb_add(&sb, jv_string_value(rec),
	       (size_t)jv_string_length_bytes(jv_copy(rec)));
	sb_add(&sb, "}", 1);
	out = jv_parse_sized(sb.buf, (int)sb.len);
	sb_release(&sb);
	jv_free(rec);
	return out;
}

/* The event record of a message: the record, then its keys. */
static jv
finish(jv rec, const struct ingest_msg_ev *k)
{
	rec = rec_object(rec);
	rec = jv_object_set(rec, jv_string("channel"), str_or_null(k->channel));
	rec = jv_object_set(rec, jv_string("wa_id"), str_or_null(k->wa_id));
	if (k->user_id)
		rec = jv_object_set(rec, jv_string("user_id"),
				    jv_string(k->user_id));
	if (!k->out)
		rec = jv_object_set(rec, jv_string("to"), str_or_null(k->to));
	rec = jv_object_set(rec, jv_string("contact_id"), id_jv(k->contact_id));
	rec = jv_object_set(rec, jv_string("thread_id"), id_jv(k->thread_id));
	rec = jv_object_set(rec, jv_string("ticket_id"), id_jv(k->ticket_id));
	rec = jv_object_set(rec, jv_string("new_ticket"),
			    jv_bool(k->new_ticket));
	if (!k->out)
		rec = jv_object_set(rec, jv_string("session_expires_at"),
				    k->expires >= 0 ? time_jv(k->expires) :
				    jv_null());
	rec = jv_object_set(rec, jv_string("quarantined"),
			    jv_bool(k->qrule != NULL));
	if (k->qrule) {
		rec = jv_object_set(rec, jv_string("quarantine_rule"),
				    jv_string(k->qrule));
		rec = jv_object_set(rec, jv_string("text"), jv_null());
	}
	if (k->identity_moved)
		rec = jv_object_set(rec, jv_string("identity_moved"),
				    jv_true());
	rec = jv_object_set(rec, jv_string("message_id"), id_jv(k->message_id));
	if (k->delivery_id > 0)
		rec = jv_object_set(rec, jv_string("delivery_id"),
				    id_jv(k->delivery_id));
	return rec;
}

struct ingest_events *
ingest_take_events(struct ingest *in)
{
	struct ingest_events *q = in->events;

	in->events = NULL;
	in->npending = 0;	/* committed or rolled back with the rest */
	in->chan.valid = 0;	/* another connection may change it now */
	return q;
}

/* ,"key": */
static void
key(struct strbuf *sb, const char *name)
{
	sb_add(sb, ",\"", 2);
	sb_adds(sb, name);
	sb_add(sb, "\":", 2);
}

static void
key_str(struct strbuf *sb, const char *name, const char *s)
{
	key(sb, name);
	jsonl_dump_str(sb, s);
}

static void
key_id(struct strbuf *sb, const char *name, int64_t id)
{
	char buf[24];

	if (id > 0)
		snprintf(buf, sizeof(buf), "%lld", (long long)id);
	key_str(sb, name, id > 0 ? buf : NULL);
}

static void
key_bool(struct strbuf *sb, const char *name, int b)
{
	key(sb, name);
	sb_adds(sb, b ? "true" : "false");
}

/* finish() as text into sb: the same keys, values and order. Only for a
 * record that holds none of the keys (finish would set it in place):
 * norm_record gives "to" and "text", and those are left to finish. */
static int
finish_text(struct strbuf *sb, jv rec, const struct ingest_msg_ev *k)
{
	char buf[32];

	sb_reset(sb);
	if (jv_get_kind(rec) == JV_KIND_STRING)	/* ingest_rec_text */
		sb_add(sb, jv_string_value(rec),
		       (size_t)jv_string_length_bytes(jv_copy(rec)));
	else {
		if (k->qrule || (!k->out && jv_object_has(jv_copy(rec),
							  jv_string("to"))) ||
		    dump_open(sb, rec) < 0)
			return -1;
	}
	key_str(sb, "channel", k->channel);
	key_str(sb, "wa_id", k->wa_id);
	if (k->user_id)
		key_str(sb, "user_id", k->user_id);
	if (!k->out)
		key_str(sb, "to", k->to);
	key_id(sb, "contact_id", k->contact_id);
	key_id(sb, "thread_id", k->thread_id);
	key_id(sb, "ticket_id", k->ticket_id);
	key_bool(sb, "new_ticket", k->new_ticket);
	if (!k->out)
		key_str(sb, "session_expires_at", k->expires >= 0 ?
			time_fmt(k->expires, buf, sizeof(buf)) : NULL);
	key_bool(sb, "quarantined", 0);
	if (k->identity_moved)
		key_bool(sb, "identity_moved", 1);
	key_id(sb, "message_id", k->message_id);
	if (k->delivery_id > 0)
		key_id(sb, "delivery_id", k->delivery_id);
	sb_add(sb, "}", 1);
	return 0;
}

void
ingest_events_print(struct ingest_events *q, ingest_emit_fn emit,
		    ingest_line_fn line, void *ctx)
{
	struct strbuf sb = STRBUF_INIT;
	int failed = 0;
	size_t i;

	if (!q)
		return;
	for (i = 0; i < q->n; i++) {
		jv ev = q->v[i].ev;
		struct msg_keys *mk = q->v[i].mk;

		if (!emit || (mk && line && !failed &&
			      finish_text(&sb, ev, &mk->k) == 0)) {
			if (emit && line(sb.buf, sb.len, ctx) < 0)
				failed = 1;
			jv_free(ev);
		} else if (mk)
			emit(finish(ev, &mk->k), ctx);
		else
			emit(ev, ctx);
		free(mk);
	}
	sb_release(&sb);
	free(q->v);
	free(q);
}

void
ingest_events_emit(struct ingest_events *q, ingest_emit_fn emit, void *ctx)
{
	ingest_events_print(q, emit, NULL, ctx);
}

void
ingest_flush(struct ingest *in, ingest_emit_fn emit, void *ctx)
{
	ingest_events_emit(ingest_take_events(in), emit, ctx);
}
