/* SPDX-License-Identifier: MIT */
/* Stage 3 of ingest: events numbered and logged with their rows, then written after the commit. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "int.h"
#include "evlog.h"
#include "jsonl.h"

/*
 * Every event gets the next number of the event log and is written to it
 * in the transaction that writes the rows it describes: a consumer that
 * missed some (a crash between commit and print, a stalled pipe) reads
 * them again with `wa-recv events --since SEQ`. The line printed is the
 * line logged, byte for byte.
 */

static void
push(struct ingest *in, struct ingest_ev *ev)
{
	struct ingest_events *q;

	if (!in->events)
		in->events = xcalloc(1, sizeof(*in->events));
	q = in->events;
	if (q->n == q->cap) {
		q->cap = q->cap ? 2 * q->cap : 64;
		q->v = xrealloc(q->v, q->cap * sizeof(*q->v));
	}
	q->v[q->n++] = *ev;
}

/* Closes text (a record without its closing brace) with the seq, logs it
 * and queues it. */
static int
log_line(struct ingest *in, struct strbuf *text, struct ingest_ev *ev,
	 struct wa_err *err)
{
	struct sq *q;
	char buf[48];

	if (!in->next_seq) {
		q = store_q(in->st, Q_EVLOG_NEXT);
		if (sq_int1(q, &in->next_seq, "read event log", err) <= 0)
			return -1;
	}
	ev->seq = in->next_seq;
	snprintf(buf, sizeof(buf), ",\"seq\":%lld}", (long long)ev->seq);
	sb_adds(text, buf);
	q = store_q(in->st, Q_EVLOG_INSERT);
	sq_int(q, 1, ev->seq);
	sq_int_or_null(q, 2, in->delivery_id, in->delivery_id <= 0);
	sq_int(q, 3, in->now);
	sq_textn(q, 4, text->buf, text->len);
	if (sq_later(q, err) < 0)
		return -1;
	in->next_seq++;
	ev->len = text->len;
	ev->text = xmalloc(text->len + 1);
	memcpy(ev->text, text->buf, text->len);
	ev->text[text->len] = '\0';
	push(in, ev);
	return 0;
}

int
events_add_text(struct ingest *in, struct strbuf *text, struct wa_err *err)
{
	struct ingest_ev ev = { 0 };

	return log_line(in, text, &ev, err);
}

int
events_add(struct ingest *in, jv ev, struct wa_err *err)
{
	struct ingest_ev e = { 0 };
	struct wa_err scratch;
	const char *kind;
	int rc;

	if (in->delivery_id > 0)
		ev = jv_object_set(ev, jv_string("delivery_id"),
				   id_jv(in->delivery_id));
	kind = jx_cstr(ev, "event");
	if (kind && strcmp(kind, "error") == 0) {
		if (in->line > 0)
			ev = jv_object_set(ev, jv_string("line"),
					   jv_number((double)in->line));
		const char *code = jx_cstr(ev, "code");
		const char *msg = jx_cstr(ev, "message");

		snprintf(e.code, sizeof(e.code), "%s",
			 code ? code : "invalid_input");
		e.message = xstrdup(msg ? msg : "error");
		e.line = in->line;
	}
	sb_reset(&in->sb);
	jsonl_dump(&in->sb, ev);
	jv_free(ev);
	in->sb.len--;	/* the closing brace: the seq goes there */
	rc = log_line(in, &in->sb, &e, err ? err : &scratch);
	if (rc < 0)
		free(e.message);
	return rc;
}

struct ingest_events *
ingest_take_events(struct ingest *in)
{
	struct ingest_events *q = in->events;

	in->events = NULL;
	in->npending = 0;	/* committed or rolled back with the rest */
	in->chan.valid = 0;	/* another connection may change it now */
	in->next_seq = 0;	/* and write to the log */
	return q;
}

void
ingest_events_free(struct ingest_events *q)
{
	size_t i;

	if (!q)
		return;
	for (i = 0; i < q->n; i++) {
		free(q->v[i].text);
		free(q->v[i].message);
	}
	free(q->v);
	free(q);
}

void
ingest_rollback(struct ingest *in)
{
	ingest_events_free(ingest_take_events(in));
}

int64_t
ingest_events_last(const struct ingest_events *q)
{
	return q && q->n ? q->v[q->n - 1].seq : 0;
}

size_t
ingest_events_count(const struct ingest_events *q)
{
	return q ? q->n : 0;
}

int
ingest_render(struct ingest_events *q, const struct ingest_sink *sink)
{
	struct wa_err e;
	size_t i;
	int rc = 0;

	for (i = 0; q && i < q->n; i++) {
		struct ingest_ev *ev = &q->v[i];

		if (ev->message && sink->warn) {
			wa_err_set(&e, WA_EX_REJECTED, ev->code, "%s",
				   ev->message);
			sink->warn(&e, ev->line, sink->ctx);
		}
		if (rc == 0 && sink->line &&
		    sink->line(ev->text, ev->len, sink->ctx) < 0)
			rc = -1;
	}
	ingest_events_free(q);
	return rc;
}

struct log_sink {
	const struct ingest_sink *sink;
	int64_t since;		/* the last one written */
	int failed;
};

static int
log_line_out(int64_t seq, const char *line, size_t len, void *ctx)
{
	struct log_sink *ls = ctx;

	if (ls->sink->line(line, len, ls->sink->ctx) < 0) {
		ls->failed = 1;
		return -1;
	}
	ls->since = seq;
	return 0;
}

int
ingest_log(struct store *st, int64_t since, const struct ingest_sink *sink,
	   struct wa_err *err)
{
	struct log_sink ls = { sink, since, 0 };
	long n;

	do {
		n = evlog_each(st, ls.since, 500, log_line_out, &ls, err);
		if (n < 0)
			return -1;
		if (ls.failed)
			return -2;
	} while (n > 0);
	return 0;
}
