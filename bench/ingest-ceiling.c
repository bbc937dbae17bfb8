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
 */
static const char SQL_DELIVERY[] =
	"INSERT INTO deliveries (received_at, source, body, body_sha256) "
	"VALUES (?1, 'file', ?2, '')";
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
insert_messages(struct store *st, jv value, int64_t delivery, int64_t now)
{
	const char *pn;
	jv meta = jx_get(value, "metadata"), msgs = jx_get(value, "messages");
	struct wa_err err;

	pn = jx_cstr(meta, "phone_number_id");
	if (pn && jv_get_kind(msgs) == JV_KIND_ARRAY) {
		sqlite3_stmt *c = store_stmt(st, SQL_CHANNEL);

		store_bind_text(c, 1, pn);
		store_step_done(st, c, &err);
		jv_array_foreach(msgs, i, m) {
			sqlite3_stmt *s = store_stmt(st, SQL_MESSAGE);
			jv text = jx_path(m, "text", "body", NULL);
			int64_t ts = 0;

			jx_intish(m, "timestamp", &ts);
			store_bind_text(s, 1, jx_cstr(m, "id"));
			store_bind_text(s, 2, pn);
			store_bind_text(s, 3, jx_cstr(m, "type"));
			store_bind_jv(s, 4, text);
			store_bind_text(s, 5, jx_cstr(m, "from"));
			store_bind_int(s, 6, ts);
			store_bind_int(s, 7, now);
			store_bind_int(s, 8, delivery);
			store_step_done(st, s, &err);
			jv_free(text);
			jv_free(m);
			(void)i;
		}
	}
	jv_free(msgs);
	msgs = jx_get(value, "statuses");
	if (pn && jv_get_kind(msgs) == JV_KIND_ARRAY)
		jv_array_foreach(msgs, i, m) {
			sqlite3_stmt *s = store_stmt(st, SQL_STATUS);
			int64_t ts = 0;

			jx_intish(m, "timestamp", &ts);
			store_bind_text(s, 1, jx_cstr(m, "id"));
			store_bind_text(s, 2, pn);
			store_bind_text(s, 3, jx_cstr(m, "status"));
			store_bind_int(s, 4, ts);
			store_bind_text(s, 5, jx_cstr(m, "recipient_id"));
			store_bind_int(s, 6, delivery);
			store_step_done(st, s, &err);
			jv_free(m);
			(void)i;
		}
	jv_free(meta);
	jv_free(msgs);
}

/* raw: the delivery's own line (as wa-recv stores it). */
static void
ingest(struct store *st, jv d, const char *raw, size_t len, int64_t now)
{
	sqlite3_stmt *s = store_stmt(st, SQL_DELIVERY);
	struct wa_err err;
	int64_t id;
	jv entries;

	store_bind_int(s, 1, now);
	sqlite3_bind_blob(s, 2, raw, (int)len, SQLITE_STATIC);
	store_step_done(st, s, &err);
	id = sqlite3_last_insert_rowid(store_db(st));
	entries = jx_get(d, "entry");
	if (jv_get_kind(entries) == JV_KIND_ARRAY)
		jv_array_foreach(entries, i, e) {
			jv changes = jx_get(e, "changes");

			if (jv_get_kind(changes) == JV_KIND_ARRAY)
				jv_array_foreach(changes, j, c) {
					jv v = jx_get(c, "value");

					insert_messages(st, v, id, now);
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
		ingest(st, d, raw ? raw : "", raw ? len : 0, now);
		if (++n % 500 == 0) {
			store_commit(st, &err);
			store_begin(st, &err);
		}
	}
	store_commit(st, &err);
	jsonl_close(r);
	fclose(fp);
	store_close(st);
	return 0;
}
