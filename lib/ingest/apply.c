/* SPDX-License-Identifier: MIT */
/* Stage 2 of ingest: a plan applied inside the caller's transaction (raw row first, then each element). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
/* SHA256_Init/Update/Final are deprecated in OpenSSL 3 in favour of EVP,
 * which sets up the provider machinery on first use: 1.8 MB more resident
 * memory in wa-recv and three times the time per delivery (measured, 450
 * bytes: 0.31 against 0.9 us). The low-level calls are still there. */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>
#include "int.h"
#include "jsonl.h"
#include "quarantine.h"

#define INGEST_PARSER_VERSION 2	/* bump when derivation understands more */

/* Messages inserted with index_later = 1 get into the search index at
 * ingest_finish, with one statement for the batch (lib/sql/ingest.def):
 * the rows from pending_from on. SQLite only: PostgreSQL computes the
 * search column as the row is inserted, and marking the row done would
 * write every message twice (an UPDATE computes it again). */
void
ingest_defer_text(struct ingest *in, int on)
{
	in->defer_text = on && store_engine(in->st) == SQL_SQLITE;
}

void
apply_defer(struct ingest *in, int64_t message_id)
{
	if (!in->npending || message_id < in->pending_from)
		in->pending_from = message_id;
	in->npending++;
}

int
ingest_finish(struct ingest *in, struct wa_err *err)
{
	struct sq *q;

	if (!in->npending)
		return 0;
	q = store_q(in->st, Q_INGEST_PENDING_INDEX);
	sq_int(q, 1, in->pending_from);
	if (sq_done(q, err) < 0)
		return -1;
	q = store_q(in->st, Q_INGEST_PENDING_DONE);
	sq_int(q, 1, in->pending_from);
	if (sq_done(q, err) < 0)
		return -1;
	in->npending = 0;
	return 0;
}

int
ingest_new(struct ingest **out, struct store *st, struct wa_err *err)
{
	struct ingest *in = xcalloc(1, sizeof(*in));

	in->st = st;
	in->q = quarantine_new();
	*out = NULL;
	if (quarantine_load_table(in->q, st, err) < 0) {
		ingest_free(in);
		return -1;
	}
	*out = in;
	return 0;
}

int
ingest_quarantine_file(struct ingest *in, const char *path,
		       struct wa_err *err)
{
	in->q_compiled = 0;
	return quarantine_load_file(in->q, path, err);
}

/* Compiling the rules costs as much as ingesting thousands of messages:
 * done once, on first use, by the thread that plans inline. */
struct quarantine *
ingest_rules(struct ingest *in, struct wa_err *err)
{
	if (!in->q_compiled) {
		if (quarantine_compile(in->q, err) < 0)
			return NULL;
		in->q_compiled = 1;
	}
	return in->q;
}

struct quarantine *
ingest_rule_texts(struct ingest *in)
{
	return in->q;
}

void
ingest_free(struct ingest *in)
{
	if (!in)
		return;
	ingest_events_free(ingest_take_events(in));
	quarantine_free(in->q);
	sb_release(&in->sb);
	free(in);
}

int
apply_problem(struct ingest *in, jv where, struct wa_err *err,
	      const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	jv ev;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!in->problem[0]) {
		snprintf(in->problem, sizeof(in->problem), "%s", msg);
		in->problem_known = in->was_unread;
	}
	/* a replay finding what it found before reports nothing new */
	if (in->problem_known) {
		jv_free(where);
		return 0;
	}
	ev = JV_OBJECT(jv_string("event"), jv_string("error"),
		       jv_string("code"), jv_string("invalid_input"),
		       jv_string("message"), jv_string(msg));
	if (jv_get_kind(where) == JV_KIND_OBJECT)
		jv_object_foreach(where, k, v)	/* borrows where */
			ev = jv_object_set(ev, k, v);
	jv_free(where);
	return events_add(in, ev, err);
}

/* ---- raw storage (rule 12) ------------------------------------------ */

int
apply_insert(struct ingest *in, struct sq *q, int64_t *id,
	     struct wa_err *err)
{
	int rc = sq_int1(q, id, "write", err);

	if (rc == 0)	/* an insert always returns its row */
		return wa_err_set(err, WA_EX_IOERR, "io", "write: no id");
	return rc < 0 ? -1 : 0;
}

void
ingest_sha256_hex(const void *p, size_t n, char out[65])
{
	unsigned char md[SHA256_DIGEST_LENGTH];
	SHA256_CTX c;

	SHA256_Init(&c);
	SHA256_Update(&c, p, n);
	SHA256_Final(md, &c);
	hex_encode(md, sizeof(md), out);
}

/* The index key of a body: the first 64 bits of its SHA-256 (hex). */
static int64_t
sha_key(const char *hex)
{
	uint64_t k = 0;
	int64_t out;
	int i;

	for (i = 0; i < 16; i++)
		k = k << 4 | (uint64_t)(hex[i] <= '9' ? hex[i] - '0' :
					hex[i] - 'a' + 10);
	memcpy(&out, &k, sizeof(out));
	return out;
}

/* The same bytes delivered again are stored once (Meta retries). */
static int
store_raw(struct ingest *in, const struct ingest_plan *p,
	  const char *signature, const char *source, struct wa_err *err)
{
	struct sq *q = store_q(in->st, Q_INGEST_DELIVERY_FIND);
	int rc;

	sq_int(q, 1, sha_key(p->sha));
	sq_blob(q, 2, p->body, p->len);
	in->delivery_id = 0;
	in->fresh = 0;
	rc = sq_int1(q, &in->delivery_id, "find delivery", err);
	if (rc == 0)
		sq_reset(q);	/* body is borrowed */
	if (rc != 0)
		return rc < 0 ? -1 : 0;
	q = store_q(in->st, Q_INGEST_DELIVERY_INSERT);
	sq_int(q, 1, in->now);
	sq_text(q, 2, source ? source : "file");
	sq_blob(q, 3, p->body, p->len);
	sq_text(q, 4, p->sha);
	sq_text(q, 5, signature);
	sq_int(q, 6, INGEST_PARSER_VERSION);
	sq_int(q, 7, sha_key(p->sha));
	rc = apply_insert(in, q, &in->delivery_id, err);
	sq_reset(q);	/* body is borrowed */
	if (rc < 0)
		return -1;
	in->fresh = 1;
	return 0;
}

static int
store_state(struct ingest *in, struct wa_err *err)
{
	struct sq *q = store_q(in->st, Q_INGEST_DELIVERY_STATE);

	sq_int(q, 1, in->delivery_id);
	sq_text(q, 2, in->problem[0] ? "error" : "ok");
	sq_text(q, 3, in->problem[0] ? in->problem : NULL);
	sq_int(q, 4, INGEST_PARSER_VERSION);
	return sq_done(q, err);
}

/* ---- the elements --------------------------------------------------- */

/* An element that cannot be understood: an error, unless rule 2 says
 * the channel it came on is none of ours (then it is skipped). */
static int
apply_bad(struct ingest *in, struct plan_el *e, struct wa_err *err)
{
	enum chan_state state;
	int64_t connected_at;
	char path[WHERE_PATH_MAX];
	jv where;
	int rc;

	if (e->w.channel) {
		if (apply_chan(in, e->w.channel, &state, &connected_at,
			       err) < 0)
			return -1;
		if (state != CHAN_ON) {
			rc = apply_chan_skip(in, e->w.channel, state,
					     connected_at, e->m.wamid,
					     e->who.wa_id, e->m.ts,
					     e->kind == PLAN_STATUS ? "status" :
					     e->echo ? "echo" : "message", err);
			return rc < 0 ? -1 : 0;
		}
	}
	where = JV_OBJECT(jv_string("path"), jv_string(where_path(&e->w, path)),
			     jv_string("channel"), str_or_null(e->w.channel));

	if (e->m.wamid)
		where = jv_object_set(where, jv_string("wamid"),
				      jv_string(e->m.wamid));
	return apply_problem(in, where, err, "%s", e->problem);
}

/* Every element, in order, whatever came before it: only a database
 * error stops the walk (and fails the delivery). */
static int
apply_elements(struct ingest *in, struct ingest_plan *p, struct wa_err *err)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < p->n && rc == 0; i++) {
		struct plan_el *e = &p->el[i];

		if (in->only_channel && e->kind != PLAN_FIELD &&
		    (!e->w.channel || strcmp(e->w.channel, in->only_channel)))
			continue;
		switch (e->kind) {
		case PLAN_MESSAGE:
			rc = apply_message(in, e, err);
			break;
		case PLAN_STATUS:
			rc = apply_status(in, e, err);
			break;
		case PLAN_VALUE_ERROR:
			rc = apply_value_error(in, e, err);
			break;
		case PLAN_FIELD:
			rc = apply_field(in, e, err);
			break;
		case PLAN_BAD:
			rc = apply_bad(in, e, err);
			break;
		}
	}
	return rc;
}

int
ingest_apply(struct ingest *in, struct ingest_plan *p, const char *source,
	     const char *signature, struct wa_err *err)
{
	int rc = 0;

	in->now = wa_now();
	in->problem[0] = '\0';
	in->problem_known = 0;
	in->line = p->line;
	if (in->replay)
		in->fresh = 0;
	else if (store_raw(in, p, signature, source, err) < 0)
		rc = -1;
	if (rc == 0 && p->problem[0])
		rc = apply_problem(in, jv_null(), err, "%s", p->problem);
	if (rc == 0)
		rc = apply_elements(in, p, err);
	/* a row inserted just now already says 'ok' and this version; a
	 * replay of one channel cannot tell that the rest is understood */
	if (rc == 0 && (in->problem[0] || (!in->fresh && !in->only_channel)))
		rc = store_state(in, err);
	in->line = 0;
	if (rc < 0)
		return -1;
	return in->problem[0] ? 1 : 0;
}

/* ---- replay --------------------------------------------------------- */

/* A page of stored deliveries: their ids, plans and stored errors. */
#define REPLAY_PAGE 200
struct replay_page {
	int n;
	int64_t ids[REPLAY_PAGE];
	struct ingest_plan *plans[REPLAY_PAGE];
	int unread[REPLAY_PAGE];	/* stored as not understood */
};

/* One page of stored deliveries, planned (bodies copied out, so the read
 * ends before the writes). Returns how many, -1 on error. */
static int
replay_page(struct ingest *in, int64_t after, int64_t since,
	    struct replay_page *pg, struct wa_err *err)
{
	struct sq *q = store_q(in->st, Q_INGEST_REPLAY_PAGE);
	int rc;

	pg->n = 0;
	sq_int(q, 1, after);
	sq_int(q, 2, since < 0 ? 0 : since);
	while ((rc = sq_step(q)) > 0) {
		const void *blob = sq_col_blob(q, 1);
		size_t len = sq_col_bytes(q, 1);
		char *body = xmalloc(len + 1);

		if (len)	/* an empty body is a NULL blob */
			memcpy(body, blob, len);
		body[len] = '\0';
		pg->ids[pg->n] = sq_col_int(q, 0);
		pg->unread[pg->n] = sq_col_int(q, 2) != 0;
		pg->plans[pg->n++] = ingest_plan(in->q, body, len, 0);
	}
	if (rc < 0) {
		while (pg->n > 0)
			ingest_plan_free(pg->plans[--pg->n]);
		return sq_fail(q, err, "read deliveries");
	}
	return pg->n;
}

/* Applies delivery i of pg (then frees it) unless rc says the page has
 * failed; counts it in stats. Returns rc: 0, or -1 with err. */
static int
replay_one(struct ingest *in, struct replay_page *pg, int i, int rc,
	   struct ingest_replay_stats *stats, struct wa_err *err)
{
	in->delivery_id = pg->ids[i];
	in->was_unread = pg->unread[i];
	if (rc == 0) {
		rc = ingest_apply(in, pg->plans[i], NULL, NULL, err);
		stats->deliveries++;
		if (rc == 1 && in->problem_known)
			stats->known_errors++;
		else if (rc == 1)
			stats->errors++;
		rc = rc < 0 ? -1 : 0;
	}
	in->was_unread = 0;
	ingest_plan_free(pg->plans[i]);
	return rc;
}

/* The deliveries that were not understood again, as before: one event
 * after the rest (its own transaction), so a replay that found nothing
 * new says so without an error. 0, -1 with err, -2 when the sink failed. */
static int
replay_known(struct ingest *in, const struct ingest_replay_stats *stats,
	     const struct ingest_sink *sink, struct wa_err *err)
{
	jv ev = JV_OBJECT(jv_string("event"), jv_string("skipped"),
			  jv_string("reason"), jv_string("known_errors"),
			  jv_string("deliveries"),
			  jv_number((double)stats->known_errors),
			  jv_string("message"),
			  jv_string("deliveries stored as not understood were "
				    "not understood again; reported when they "
				    "came"));

	in->delivery_id = 0;
	in->now = wa_now();
	if (store_begin(in->st, err) < 0) {
		jv_free(ev);
		return -1;
	}
	if (events_add(in, ev, err) < 0 || store_commit(in->st, err) < 0) {
		store_rollback(in->st);
		ingest_rollback(in);
		return -1;
	}
	return ingest_render(ingest_take_events(in), sink) < 0 ? -2 : 0;
}

int
ingest_replay(struct ingest *in, int64_t since, const char *channel,
	      const struct ingest_sink *sink,
	      struct ingest_replay_stats *stats, struct wa_err *err)
{
	struct replay_page *pg = xmalloc(sizeof(*pg));
	int64_t after = 0;
	int n = 0, i, rc = 0;

	memset(stats, 0, sizeof(*stats));
	if (!ingest_rules(in, err)) {
		free(pg);
		return -1;
	}
	in->replay = 1;
	in->only_channel = channel;
	ingest_defer_text(in, 1);
	while (rc == 0 && (n = replay_page(in, after, since, pg, err)) > 0) {
		rc = store_begin(in->st, err);
		for (i = 0; i < n; i++)
			rc = replay_one(in, pg, i, rc, stats, err);
		after = pg->ids[n - 1];
		if (rc == 0 && ingest_finish(in, err) == 0 &&
		    store_commit(in->st, err) == 0) {
			if (ingest_render(ingest_take_events(in), sink) < 0)
				rc = -2;
		} else {
			if (rc == 0)
				rc = -1;
			store_rollback(in->st);
			ingest_rollback(in);
		}
	}
	free(pg);
	if (n < 0)
		rc = -1;
	if (rc == 0 && stats->known_errors > 0)
		rc = replay_known(in, stats, sink, err);
	in->replay = 0;
	in->only_channel = NULL;
	in->defer_text = 0;
	if (rc == -2)
		return -2;
	return rc < 0 ? -1 : stats->errors > 0;
}
