/* SPDX-License-Identifier: MIT */
/* Webhook deliveries into the help desk: store raw, derive, emit events (rule 12). */
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
#include "ingest.h"
#include "ingest_int.h"
#include "desk.h"
#include "jsonl.h"
#include "normalize.h"
#include "quarantine.h"
#include "util.h"
#include "window.h"

#define INGEST_PARSER_VERSION 1	/* bump when derivation understands more */

/* Messages inserted with index_later = 1 get into the search index at
 * ingest_finish, with one statement for the batch (FTS5 writes its index
 * at every statement). They are the batch's own rows from pending_from
 * on: the transaction holds the write lock. Visibility is read now, so a
 * message hidden since its insert is not indexed. */
static const char SQL_PENDING_INDEX[] =
	"INSERT INTO main.messages_fts (rowid, text)"
	" SELECT id, text FROM main.messages"
	" WHERE id >= ?1 AND index_later = 1"
	" AND text IS NOT NULL AND unsupported IS NULL AND quarantined = 0";
static const char SQL_PENDING_DONE[] =
	"UPDATE main.messages SET index_later = 0"
	" WHERE id >= ?1 AND index_later = 1";

void
ingest_defer_text(struct ingest *in, int on)
{
	in->defer_text = on;
}

void
ingest_defer(struct ingest *in, int64_t message_id)
{
	if (!in->npending || message_id < in->pending_from)
		in->pending_from = message_id;
	in->npending++;
}

void
ingest_unshared_events(struct ingest *in, int on)
{
	in->unshared = on;
}

int
ingest_finish(struct ingest *in, struct wa_err *err)
{
	sqlite3_stmt *s;

	if (!in->npending)
		return 0;
	s = store_stmt(in->st, SQL_PENDING_INDEX);
	store_bind_int(s, 1, in->pending_from);
	if (store_step_done(in->st, s, err) < 0)
		return -1;
	s = store_stmt(in->st, SQL_PENDING_DONE);
	store_bind_int(s, 1, in->pending_from);
	if (store_step_done(in->st, s, err) < 0)
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
	if (quarantine_load_table(in->q, st, err) < 0 ||
	    quarantine_compile(in->q, err) < 0) {
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
	if (quarantine_load_file(in->q, path, err) < 0)
		return -1;
	return quarantine_compile(in->q, err);
}

void
ingest_free(struct ingest *in)
{
	if (!in)
		return;
	ingest_events_emit(ingest_take_events(in), NULL, NULL);
	if (!in->q_lent)	/* else a thread left running still has it */
		quarantine_free(in->q);
	quarantine_free(in->q_own);
	free(in);
}

/* Notes that part of the delivery was not understood; the first reason
 * is kept on the delivery row, each one is an "error" event. */
void
ingest_problem(struct ingest *in, jv where, const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	jv ev;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!in->problem[0])
		snprintf(in->problem, sizeof(in->problem), "%s", msg);
	ev = JV_OBJECT(jv_string("event"), jv_string("error"),
		       jv_string("code"), jv_string("invalid_input"),
		       jv_string("message"), jv_string(msg));
	if (jv_get_kind(where) == JV_KIND_OBJECT)
		jv_object_foreach(where, k, v)	/* borrows where */
			ev = jv_object_set(ev, k, v);
	jv_free(where);
	ingest_event(in, ev);
}

/* ---- raw storage (rule 12) ------------------------------------------ */

static const char SQL_DELIVERY_FIND[] =
	"SELECT id FROM deliveries WHERE body_key = ?1 AND body = ?2";
static const char SQL_DELIVERY_INSERT[] =
	"INSERT INTO deliveries (received_at, source, body, body_sha256,"
	" signature, state, parser_version, body_key) VALUES (?1, ?2, ?3, ?4,"
	" ?5, 'ok', ?6, ?7)";
static const char SQL_DELIVERY_STATE[] =
	"UPDATE deliveries SET state = ?2, error = ?3, parser_version = ?4"
	" WHERE id = ?1 AND (state IS NOT ?2 OR error IS NOT ?3"
	" OR parser_version IS NOT ?4)";

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
store_raw(struct ingest *in, const char *body, size_t len,
	  const char *signature, const char *source, struct wa_err *err)
{
	sqlite3_stmt *s = store_stmt(in->st, SQL_DELIVERY_FIND);
	char sha[65];
	int rc;

	if (in->prep)
		memcpy(sha, in->prep->sha, sizeof(sha));
	else
		ingest_sha256_hex(body, len, sha);
	store_bind_int(s, 1, sha_key(sha));
	sqlite3_bind_blob(s, 2, body, (int)len, SQLITE_STATIC);
	in->delivery_id = 0;
	in->fresh = 0;
	rc = store_step_int(in->st, s, &in->delivery_id, "find delivery", err);
	sqlite3_clear_bindings(s);	/* body is borrowed */
	if (rc != 0)
		return rc < 0 ? -1 : 0;
	s = store_stmt(in->st, SQL_DELIVERY_INSERT);
	store_bind_int(s, 1, in->now);
	store_bind_text(s, 2, source ? source : "file");
	sqlite3_bind_blob(s, 3, body, (int)len, SQLITE_STATIC);
	store_bind_text(s, 4, sha);
	store_bind_text(s, 5, signature);
	store_bind_int(s, 6, INGEST_PARSER_VERSION);
	store_bind_int(s, 7, sha_key(sha));
	rc = store_step_done(in->st, s, err);
	sqlite3_clear_bindings(s);
	if (rc < 0)
		return -1;
	in->delivery_id = sqlite3_last_insert_rowid(store_db(in->st));
	in->fresh = 1;
	return 0;
}

static int
store_state(struct ingest *in, struct wa_err *err)
{
	sqlite3_stmt *s = store_stmt(in->st, SQL_DELIVERY_STATE);

	store_bind_int(s, 1, in->delivery_id);
	store_bind_text(s, 2, in->problem[0] ? "error" : "ok");
	store_bind_text(s, 3, in->problem[0] ? in->problem : NULL);
	store_bind_int(s, 4, INGEST_PARSER_VERSION);
	return store_step_done(in->st, s, err);
}

/* ---- the envelope --------------------------------------------------- */

/* Entry and change ids may be numbers in samples: as text. */
static void
id_text(jv obj, const char *key, char *out, size_t len)
{
	jv v = jx_get(obj, key);

	out[0] = '\0';
	if (jv_get_kind(v) == JV_KIND_STRING)
		snprintf(out, len, "%s", jv_string_value(v));
	else if (jv_get_kind(v) == JV_KIND_NUMBER)
		snprintf(out, len, "%.0f", jv_number_value(v));
	jv_free(v);
}

static int
derive_change(struct ingest *in, const char *waba, int64_t time, jv change,
	      struct wa_err *err)
{
	const char *field = jx_cstr(change, "field");
	jv value = jx_get(change, "value");
	int rc;

	if (!field || jv_get_kind(value) != JV_KIND_OBJECT) {
		jv_free(value);
		ingest_problem(in, JV_OBJECT(jv_string("waba_id"),
					     jv_string(waba)),
			       "change without a field or a value object");
		return 0;
	}
	if (strcmp(field, "messages") == 0)
		rc = ingest_messages_value(in, value, 0, err);
	else if (strcmp(field, "smb_message_echoes") == 0)
		rc = ingest_messages_value(in, value, 1, err);
	else {
		rc = ingest_field_event(in, field, waba, time, value, err);
		in->chan.valid = 0;	/* it may have changed a channel */
	}
	jv_free(value);
	return rc;
}

static int
derive_entry(struct ingest *in, jv entry, struct wa_err *err)
{
	char waba[64];
	int64_t time = -1;
	jv changes;
	int rc = 0;

	id_text(entry, "id", waba, sizeof(waba));
	if (jx_intish(entry, "time", &time) != 1)
		time = -1;
	changes = jx_get(entry, "changes");
	if (jv_get_kind(changes) != JV_KIND_ARRAY) {
		jv_free(changes);
		ingest_problem(in, JV_OBJECT(jv_string("waba_id"),
					     jv_string(waba)),
			       "entry without a changes array");
		return 0;
	}
	jv_array_foreach(changes, i, change) {
		(void)i;
		if (rc == 0)
			rc = derive_change(in, waba, time, change, err);
		jv_free(change);
	}
	jv_free(changes);
	return rc;
}

static int
derive(struct ingest *in, jv d, struct wa_err *err)
{
	const char *object = jx_cstr(d, "object");
	jv entries = jx_get(d, "entry");
	int rc = 0;

	if (jv_get_kind(entries) != JV_KIND_ARRAY ||
	    (object && strcmp(object, "whatsapp_business_account") != 0)) {
		jv_free(entries);
		ingest_problem(in, jv_null(), "not a WhatsApp webhook "
			       "delivery (no entry array%s)",
			       object ? " or another object" : "");
		return 0;
	}
	jv_array_foreach(entries, i, entry) {
		(void)i;
		if (rc == 0)
			rc = derive_entry(in, entry, err);
		jv_free(entry);
	}
	jv_free(entries);
	return rc;
}

/* Stores body (unless it is known), derives from d (taken), records the
 * delivery's state. */
static int
ingest_one(struct ingest *in, jv d, const char *body, size_t len,
	   const char *signature, const char *source, struct wa_err *err)
{
	int rc = 0;

	in->now = wa_now();
	in->problem[0] = '\0';
	if (!in->replay && store_raw(in, body, len, signature, source,
				     err) < 0)
		rc = -1;
	if (rc == 0 && jv_is_valid(d))
		rc = derive(in, d, err);
	else if (rc == 0) {
		jv msg = jv_invalid_get_msg(jv_copy(d));
		char text[200];

		snprintf(text, sizeof(text), "%s",
			 jv_get_kind(msg) == JV_KIND_STRING ?
			 jv_string_value(msg) : "not JSON");
		jsonl_clean_message(text);
		jv_free(msg);
		ingest_problem(in, jv_null(), "body is not JSON: %s", text);
	}
	jv_free(d);
	/* a row inserted just now already says 'ok' and this version */
	if (rc == 0 && (!in->fresh || in->problem[0]))
		rc = store_state(in, err);
	if (rc < 0)
		return -1;
	return in->problem[0] ? 1 : 0;
}

int
ingest_delivery_jv(struct ingest *in, jv delivery, const char *body,
		   size_t len, const char *signature, const char *source,
		   struct wa_err *err)
{
	jv dump = jv_invalid();
	int rc;

	if (!body) {
		dump = jv_dump_string(jv_copy(delivery), 0);
		body = jv_string_value(dump);
		len = (size_t)jv_string_length_bytes(jv_copy(dump));
	}
	rc = ingest_one(in, delivery, body, len, signature, source, err);
	jv_free(dump);
	return rc;
}

int
ingest_delivery_prepared(struct ingest *in, jv delivery, const char *body,
			 size_t len, struct ingest_prep *prep,
			 const char *source, struct wa_err *err)
{
	int rc;

	in->prep = prep;
	rc = ingest_one(in, delivery, body, len, NULL, source, err);
	in->prep = NULL;
	return rc;
}

struct quarantine *
ingest_rules_lend(struct ingest *in)
{
	in->q_lent = 1;
	return in->q;
}

void
ingest_rules_return(struct ingest *in)
{
	in->q_lent = 0;
}

struct quarantine *
ingest_match_rules(struct ingest *in)
{
	struct wa_err err;

	if (!in->q_lent)
		return in->q;
	/* The rule texts are only read: copying them is safe while the
	 * borrower runs its own compiled program. */
	if (!in->q_own)
		in->q_own = quarantine_copy(in->q, &err);
	return in->q_own;
}

int
ingest_delivery(struct ingest *in, const char *body, size_t len,
		const char *signature, const char *source, struct wa_err *err)
{
	jv d = jv_parse_sized(body, (int)len);

	return ingest_one(in, d, body, len, signature, source, err);
}

/* ---- replay --------------------------------------------------------- */

static const char SQL_REPLAY_PAGE[] =
	"SELECT id, body FROM deliveries WHERE id > ?1 AND received_at >= ?2"
	" ORDER BY id LIMIT 200";

/* One page of stored deliveries (ids and bodies copied out, so the read
 * ends before the writes). Returns how many, -1 on error. */
static int
replay_page(struct ingest *in, int64_t after, int64_t since, int64_t *ids,
	    jv *bodies, struct wa_err *err)
{
	sqlite3_stmt *s = store_stmt(in->st, SQL_REPLAY_PAGE);
	int n = 0, rc;

	store_bind_int(s, 1, after);
	store_bind_int(s, 2, since < 0 ? 0 : since);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		ids[n] = sqlite3_column_int64(s, 0);
		bodies[n] = jv_parse_sized(sqlite3_column_blob(s, 1),
					   sqlite3_column_bytes(s, 1));
		n++;
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		while (n > 0)
			jv_free(bodies[--n]);
		return store_fail(in->st, err, "read deliveries");
	}
	return n;
}

int
ingest_replay(struct ingest *in, int64_t since, const char *channel,
	      ingest_emit_fn emit, void *ctx, struct wa_err *err)
{
	int64_t ids[200], after = 0;
	jv bodies[200];
	int n = 0, i, rc = 0, status = 0;

	in->replay = 1;
	in->only_channel = channel;
	in->defer_text = 1;
	while (rc == 0 && (n = replay_page(in, after, since, ids,
					   bodies, err)) > 0) {
		rc = store_begin(in->st, err);
		for (i = 0; i < n; i++) {
			in->delivery_id = ids[i];
			after = ids[i];
			if (rc == 0) {
				rc = ingest_one(in, bodies[i], NULL, 0, NULL,
						NULL, err);
				if (rc == 1)
					status = 1;
				rc = rc < 0 ? -1 : 0;
			} else
				jv_free(bodies[i]);
		}
		if (rc == 0 && ingest_finish(in, err) == 0 &&
		    store_commit(in->st, err) == 0)
			ingest_flush(in, emit, ctx);
		else {
			rc = -1;
			store_rollback(in->st);
			ingest_flush(in, NULL, NULL);
		}
	}
	in->replay = 0;
	in->only_channel = NULL;
	in->defer_text = 0;
	if (n < 0)
		rc = -1;
	return rc < 0 ? -1 : status;
}
