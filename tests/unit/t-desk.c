/* SPDX-License-Identifier: MIT */
/* Unit tests for lib/desk*.c: contacts (rule 4), threads (3), sessions (5), statuses (7). */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "tap.h"
#include "testdb.h"
#include "desk.h"
#include "store.h"
#include "util.h"

static struct store *st;
static struct wa_err err;

/* The integer answer of sql on the test's connection. */
static long long
scalar(const char *sql)
{
	return sql1(st, sql);
}

static char *
text(const char *sql)
{
	return sql1_text(st, sql);
}

static void
is_text(const char *sql, const char *want, const char *desc)
{
	char *got = text(sql);

	is_str(got, want, "%s", desc);
	free(got);
}

static void
contacts(void)
{
	struct desk_who a = { "15551230001", NULL, NULL, "Ann", NULL };
	struct desk_who b = { NULL, "US.111", NULL, "Bob", "bob" };
	struct desk_who b2 = { "15551230002", "US.111", NULL, "Bob", NULL };
	struct desk_who br = { "5511912345678", NULL, NULL, "Br", NULL };
	struct desk_who br8 = { "551112345678", NULL, NULL, "Br", NULL };
	struct desk_who none = { NULL, NULL, NULL, "x", NULL };
	struct desk_who newnum = { "15551239999", NULL, NULL, NULL, NULL };
	int64_t id1, id2, id3;

	ok(desk_contact_resolve(st, &a, 100, &id1, &err) == 0, "resolve new");
	ok(desk_contact_resolve(st, &a, 101, &id2, &err) == 0 && id1 == id2,
	   "same number, same contact");
	is_text("SELECT name || ',' || phone || ',' || wa_id FROM contacts "
		"WHERE id = 1", "Ann,15551230001,15551230001",
		"created from profile name and number");
	ok(desk_contact_resolve(st, &b, 102, &id2, &err) == 0 && id2 != id1,
	   "BSUID-only sender gets a contact");
	ok(desk_contact_resolve(st, &b2, 103, &id3, &err) == 0 && id3 == id2,
	   "BSUID wins, number filled in");
	is_text("SELECT wa_id FROM contacts WHERE bsuid = 'US.111'",
		"15551230002", "both ids kept");
	/* A contact added by an agent (phone digits) is joined. */
	sql_run(st, "INSERT INTO contacts (name, mobile_phone, "
		"created_at, updated_at) VALUES ('Agent made', "
		"'5511912345678', 1, 1)");
	id3 = scalar("SELECT max(id) FROM contacts");
	ok(desk_contact_resolve(st, &br, 104, &id2, &err) == 0 && id2 == id3,
	   "mobile_phone match joins the contact");
	ok(desk_contact_resolve(st, &br8, 105, &id2, &err) == 0 && id2 != id3,
	   "Brazil variant without the 9 is not merged");
	ok(desk_contact_resolve(st, &none, 106, &id2, &err) < 0,
	   "no number nor BSUID: error");
	is_str(err.code, "invalid_input", "error code");
	ok(desk_contact_move(st, &a, &newnum, 107, &id2, &err) == 0 &&
	   id2 == id1, "number change moves to the same contact");
	is_text("SELECT wa_id || ',' || phone FROM contacts WHERE id = 1",
		"15551239999,15551239999", "new number recorded");
	ok(desk_contact_resolve(st, &newnum, 108, &id2, &err) == 0 &&
	   id2 == id1, "new number finds the contact");
}

static void
threads(void)
{
	struct desk_thread t1, t2;
	char ch[64], wa[32], status[8];
	int64_t cid, tid;

	sql_run(st, "INSERT INTO channels (id, waba_id, phone, "
		"connected_at) VALUES ('111', 'w', '15550001111', 0)");
	ok(desk_thread_open(st, "111", 1, "inbound", 200, &t1, &err) == 0 &&
	   t1.created, "new thread and ticket");
	ok(desk_thread_open(st, "111", 1, "inbound", 201, &t2, &err) == 0 &&
	   !t2.created && t2.thread_id == t1.thread_id,
	   "open thread joined");
	is_int(scalar("SELECT count(*) FROM ticket_events"), 1,
	       "create event recorded");
	ok(desk_thread_lookup(st, t1.thread_id, ch, &cid, wa, NULL, &tid, status,
			      &err) == 0, "lookup");
	is_str(ch, "111", "lookup channel");
	is_str(wa, "15551239999", "lookup wa_id");
	is_str(status, "open", "lookup status");
	ok(tid == t1.ticket_id && cid == 1, "lookup ids");
	is_int(desk_thread_lookup(st, 999, ch, &cid, wa, NULL, &tid, status, &err),
	       1, "unknown thread");
	sql_run(st, "UPDATE tickets SET status = 'closed'");
	ok(desk_thread_open(st, "111", 1, "inbound", 202, &t2, &err) == 0 &&
	   t2.created && t2.thread_id != t1.thread_id,
	   "closed ticket: new thread");
	ok(desk_thread_touch(st, t2.thread_id, 5, 300, 1, NULL, &err) == 0 &&
	   desk_thread_touch(st, t2.thread_id, 4, 250, 1, NULL, &err) == 0,
	   "touch");
	is_text("SELECT last_message_at || ',' || last_message_id || ',' || "
		"unread || ',' || message_count FROM threads ORDER BY id DESC",
		"300,5,2,2", "late old message does not become the last");
}

static void
sessions(void)
{
	int64_t last, conv;

	ok(desk_session_get(st, "111", "15550001", &last, &conv, &err) == 0 &&
	   last == -1, "no session");
	desk_session_touch(st, "111", "15550001", 1, 1000, &err);
	sql_run(st, "INSERT INTO conversations (id, channel_id, contact_id, "
		"kind, started_at) VALUES (7, '111', 1, 'user_initiated', "
		"1000)");
	sql_run(st, "UPDATE sessions SET conversation_id = 7");
	desk_session_touch(st, "111", "15550001", 1, 1000 + 86399, &err);
	ok(desk_session_get(st, "111", "15550001", &last, &conv, &err) == 0 &&
	   last == 1000 + 86399 && conv == 7, "inside the window: extended");
	desk_session_touch(st, "111", "15550001", 1, 500, &err);
	ok(desk_session_get(st, "111", "15550001", &last, &conv, &err) == 0 &&
	   last == 1000 + 86399, "older message does not move it back");
	desk_session_touch(st, "111", "15550001", 1, 1000 + 86399 + 86400, &err);
	ok(desk_session_get(st, "111", "15550001", &last, &conv, &err) == 0 &&
	   conv == 0 && last == 1000 + 86399 + 86400,
	   "at exactly 24 h: a new session");
	is_int(scalar("SELECT opened_at FROM sessions"), 1000 + 86399 + 86400,
	       "new session opened then");
}

static void
statuses(void)
{
	struct desk_status ds = { "read", 10, NULL, NULL, NULL, NULL, -1 };
	char cur[16];

	sql_run(st, "INSERT INTO messages (id, wamid, "
		"channel_id, direction, type, timestamp, received_at, "
		"status) VALUES (1, 'wamid.A', '111', 'out', 'text', 1, 1,"
		" 'accepted')");
	ok(desk_message_status(st, 1, &ds, cur, sizeof(cur), &err) == 0,
	   "apply read");
	is_str(cur, "read", "read");
	ds.status = "delivered";
	ds.timestamp = 9;
	ds.pricing_category = "service";
	ds.billable = 0;
	desk_message_status(st, 1, &ds, cur, sizeof(cur), &err);
	is_str(cur, "read", "late delivered keeps read");
	is_text("SELECT delivered_at || ',' || read_at || ',' || "
		"pricing_category || ',' || billable FROM messages",
		"9,10,service,0", "times and pricing kept");
	ds.status = "failed";
	ds.error_json = "[{\"code\":131047}]";
	desk_message_status(st, 1, &ds, cur, sizeof(cur), &err);
	is_str(cur, "read", "failed after read keeps read");
	is_text("SELECT error FROM messages", "[{\"code\":131047}]",
		"error recorded");
	is_int(desk_status_rank("played"), 5, "played ranks highest");
	is_int(desk_status_rank("accepted"), 0, "others rank 0");
	sql_run(st, "INSERT INTO statuses (wamid, channel_id, "
		"status, timestamp, pricing) VALUES ('wamid.B', '111', "
		"'delivered', 20, '{\"category\":\"utility\"}'), "
		"('wamid.B', NULL, 'sent', 19, NULL)");
	is_int(desk_apply_pending_statuses(st, "wamid.B", &err), 0,
	       "no message yet");
	sql_run(st, "INSERT INTO messages (id, wamid, "
		"channel_id, direction, type, timestamp, received_at, "
		"status) VALUES (2, 'wamid.B', '111', 'out', 'text', 1, 1,"
		" 'accepted')");
	is_int(desk_apply_pending_statuses(st, "wamid.B", &err), 2,
	       "both pending applied");
	is_text("SELECT status || ',' || sent_at || ',' || delivered_at || "
		"',' || pricing_category FROM messages WHERE id = 2",
		"delivered,19,20,utility", "pending statuses in rank order");
	is_int(scalar("SELECT count(*) FROM statuses WHERE applied = 0"), 0,
	       "marked applied");
}

int
main(void)
{
	char dir[] = "/tmp/wa-t-desk.XXXXXX", path[128];

	if (!mkdtemp(dir))
		return 1;
	snprintf(path, sizeof(path), "%s/wa.db", dir);
	if (store_open(&st, path, &err) < 0 || store_begin(st, &err) < 0) {
		printf("Bail out! %s\n", err.message);
		return 1;
	}
	contacts();
	threads();
	sessions();
	statuses();
	store_rollback(st);
	store_close(st);
	testdb_remove(dir);
	return done_testing();
}
