/* SPDX-License-Identifier: MIT */
/* Benchmark ceiling: parse deliveries with libjq and insert the same rows, no help-desk work. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "wa.h"

/*
 * The floor of what these libraries allow: one prepared INSERT per message,
 * per status and per delivery, one transaction per 500 deliveries, no contact, thread,
 * ticket, session or status logic. wa-recv is measured against it.
 * (SQLite's own SQL: the store's ad-hoc queries, not the catalogue.)
 */
enum { Q_DEL, Q_MSG, Q_STA, Q_CHA, NQ };
static struct sq *q[NQ];
static const char SQL_DELIVERY[] =
	"INSERT INTO deliveries (received_at, source, body, body_sha256) "
	"VALUES (?1, 'file', ?2, '') RETURNING id";
static const char SQL_MESSAGE[] =
	"INSERT INTO messages (wamid, channel_id, direction, type, text, "
	"from_addr, timestamp, received_at, delivery_id) "
	"VALUES (?1, ?2, 'in', ?3, ?4, ?5, ?6, ?7, ?8)";
static const char SQL_STATUS[] =
	"INSERT OR IGNORE INTO statuses (wamid, channel_id, status, timestamp,"
	" recipient, delivery_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
static const char SQL_CHANNEL[] =
	"INSERT OR IGNORE INTO channels (id, waba_id, phone, connected_at) "
	"VALUES (?1, 'bench', ?1, 0)";

static void
insert_messages(jv value, int64_t delivery, int64_t now)
{
	const char *pn;
	jv meta = jx_get(value, "metadata"), msgs = jx_get(value, "messages");
	struct wa_err err;

	pn = jx_cstr(meta, "phone_number_id");
	if (pn && jv_get_kind(msgs) == JV_KIND_ARRAY) {
		sq_reset(q[Q_CHA]);
		sq_text(q[Q_CHA], 1, pn);
		sq_done(q[Q_CHA], &err);
		jv_array_foreach(msgs, i, m) {
			struct sq *s = q[Q_MSG];
			jv text = jx_path(m, "text", "body", NULL);
			int64_t ts = 0;

			jx_intish(m, "timestamp", &ts);
			sq_reset(s);
			sq_text(s, 1, jx_cstr(m, "id"));
			sq_text(s, 2, pn);
			sq_text(s, 3, jx_cstr(m, "type"));
			sq_jv(s, 4, text);
			sq_text(s, 5, jx_cstr(m, "from"));
			sq_int(s, 6, ts);
			sq_int(s, 7, now);
			sq_int(s, 8, delivery);
			sq_done(s, &err);
			jv_free(text);
			jv_free(m);
			(void)i;
		}
	}
	jv_free(msgs);
	msgs = jx_get(value, "statuses");
	if (pn && jv_get_kind(msgs) == JV_KIND_ARRAY)
		jv_array_foreach(msgs, i, m) {
			struct sq *s = q[Q_STA];
			int64_t ts = 0;

			jx_intish(m, "timestamp", &ts);
			sq_reset(s);
			sq_text(s, 1, jx_cstr(m, "id"));
			sq_text(s, 2, pn);
			sq_text(s, 3, jx_cstr(m, "status"));
			sq_int(s, 4, ts);
			sq_text(s, 5, jx_cstr(m, "recipient_id"));
			sq_int(s, 6, delivery);
			sq_done(s, &err);
			jv_free(m);
			(void)i;
		}
	jv_free(meta);
	jv_free(msgs);
}

/* raw: the delivery's own line (as wa-recv stores it). */
static void
ingest(jv d, const char *raw, size_t len, int64_t now)
{
	struct sq *s = q[Q_DEL];
	struct wa_err err;
	int64_t id = 0;
	jv entries;

	sq_reset(s);
	sq_int(s, 1, now);
	sq_blob(s, 2, raw, len);
	sq_int1(s, &id, "insert a delivery", &err);
	entries = jx_get(d, "entry");
	if (jv_get_kind(entries) == JV_KIND_ARRAY)
		jv_array_foreach(entries, i, e) {
			jv changes = jx_get(e, "changes");

			if (jv_get_kind(changes) == JV_KIND_ARRAY)
				jv_array_foreach(changes, j, c) {
					jv v = jx_get(c, "value");

					insert_messages(v, id, now);
					jv_free(v);
					jv_free(c);
					(void)j;
				}
			jv_free(changes);
			jv_free(e);
			(void)i;
		}
	jv_free(entries);
	jv_free(d);
}

int
main(int argc, char **argv)
{
	struct store *st;
	struct wa_err err;
	struct jsonl *r;
	long line, n = 0;
	int64_t now = wa_now();
	jv d;
	int rc;

	if (argc != 3) {
		fprintf(stderr, "usage: ingest-ceiling DB DELIVERIES.jsonl\n");
		return 64;
	}
	if (store_open(&st, argv[1], &err) < 0) {
		wa_warn(&err, 0);
		return err.sysexit;
	}
	q[Q_DEL] = store_sql(st, SQL_DELIVERY, &err);
	q[Q_MSG] = store_sql(st, SQL_MESSAGE, &err);
	q[Q_STA] = store_sql(st, SQL_STATUS, &err);
	q[Q_CHA] = store_sql(st, SQL_CHANNEL, &err);
	for (int i = 0; i < NQ; i++)
		if (!q[i]) {
			wa_warn(&err, 0);
			return err.sysexit;
		}
	FILE *fp = fopen(argv[2], "r");
	if (!fp)
		return 66;
	r = jsonl_open(fp, argv[2]);
	jsonl_set_limit(r, 4 << 20);
	store_begin(st, &err);
	while ((rc = jsonl_next(r, &d, &line, &err)) != 0) {
		const char *raw;
		size_t len;

		if (rc < 0)
			continue;
		raw = jsonl_raw(r, &len);
		ingest(d, raw ? raw : "", raw ? len : 0, now);
		if (++n % 500 == 0) {
			store_commit(st, &err);
			store_begin(st, &err);
		}
	}
	store_commit(st, &err);
	jsonl_close(r);
	fclose(fp);
	for (int i = 0; i < NQ; i++)
		sq_free(q[i]);
	store_close(st);
	return 0;
}
