/* SPDX-License-Identifier: MIT */
/* The desk cache changes no answer: other connections, rollbacks, moves. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "tap.h"
#include "testdb.h"
#include "desk.h"
#include "store.h"

#define CH "111"


/* A session's identity for contact id (sessions are per identity). */
static const char *
ident(int64_t id)
{
	static char buf[4][24];
	static int n;

	n = (n + 1) % 4;
	snprintf(buf[n], sizeof(buf[n]), "1555000%04lld", (long long)id);
	return buf[n];
}

static struct store *st, *other;	/* two connections, one file */
static struct wa_err err;

/* The integer answer of sql on the test's connection. */
static long long
scalar(const char *sql)
{
	return sql1(st, sql);
}

/* Another connection writes and commits (autocommit). */
static void
elsewhere(const char *sql)
{
	sql_run(other, sql);
}

/* Other code writes on this connection. */
static void
raw(const char *sql)
{
	sql_run(st, sql);
}

static void
begin(void)
{
	if (store_begin(st, &err) < 0)
		printf("# begin: %s\n", err.message);
}

static void
commit(void)
{
	if (store_commit(st, &err) < 0)
		printf("# commit: %s\n", err.message);
}

static int64_t
resolve(const struct desk_who *who, int64_t now)
{
	int64_t id = -1;

	if (desk_contact_resolve(st, who, now, &id, &err) < 0)
		printf("# resolve: %s\n", err.message);
	return id;
}

static int64_t
last_inbound(int64_t contact)
{
	int64_t last = -2;

	desk_session_get(st, CH, ident(contact), &last, NULL, &err);
	return last;
}

/* Another connection closes the ticket between two transactions. */
static void
other_closes_ticket(void)
{
	struct desk_thread t1, t2;

	begin();
	ok(desk_thread_open(st, CH, 1, "inbound", 100, &t1, &err) == 0 &&
	   t1.created, "first thread");
	ok(desk_thread_open(st, CH, 1, "inbound", 101, &t2, &err) == 0 &&
	   !t2.created && t2.thread_id == t1.thread_id, "joined");
	commit();
	elsewhere("UPDATE tickets SET status = 'closed', closed_at = 102");
	begin();
	ok(desk_thread_open(st, CH, 1, "inbound", 103, &t2, &err) == 0 &&
	   t2.created && t2.thread_id != t1.thread_id,
	   "ticket closed by another connection: a new thread and ticket");
	ok(desk_thread_find(st, CH, 1, &t1, &err) == 0 &&
	   t1.ticket_id == t2.ticket_id, "found afterwards");
	commit();
}

/* Another connection changes the contact between two transactions. */
static void
other_changes_contact(void)
{
	struct desk_who ann = { "15551230001", NULL, NULL, "Ann", NULL };
	int64_t id, again;

	begin();
	id = resolve(&ann, 200);
	again = resolve(&ann, 201);
	ok(id == 1 && again == id, "same contact twice");
	commit();
	elsewhere("UPDATE contacts SET profile_name = 'Changed' WHERE id = 1");
	begin();
	ok(resolve(&ann, 202) == id, "still the same contact");
	is_int(scalar("SELECT profile_name = 'Ann' AND updated_at = 202 "
		      "FROM contacts WHERE id = 1"), 1,
	       "the profile name Meta sends is kept again");
	commit();
	elsewhere("UPDATE contacts SET wa_id = '19990000001', "
		  "phone = '19990000001' WHERE id = 1");
	begin();
	again = resolve(&ann, 203);
	ok(again != id && again > 0,
	   "number taken away by another connection: a new contact");
	commit();
}

/* Another connection moves the session between two transactions. */
static void
other_moves_session(void)
{
	int64_t last = 0;

	begin();
	desk_session_touch(st, CH, ident(1), 1, 1000, &err);
	is_int(last_inbound(1), 1000, "session recorded");
	commit();
	elsewhere("UPDATE sessions SET last_inbound_at = 5000");
	begin();
	ok(desk_session_record(st, CH, ident(1), 1, 2000, &last, &err) == 0 &&
	   last == 5000, "a message older than another connection's: late");
	is_int(scalar("SELECT last_inbound_at FROM sessions WHERE "
		      "contact_id = 1"), 5000, "not moved back");
	commit();
}

/* Reads and writes outside a transaction (autocommit) on both sides. */
static void
outside_tx(void)
{
	int64_t last = 0;

	begin();
	desk_session_touch(st, CH, ident(1), 1, 10000, &err);
	is_int(last_inbound(1), 10000, "session in a transaction");
	commit();
	elsewhere("UPDATE sessions SET last_inbound_at = 10500");
	is_int(last_inbound(1), 10500, "read outside a transaction: current");
	begin();
	is_int(last_inbound(1), 10500, "and inside the next one");
	commit();
	desk_session_touch(st, CH, ident(1), 1, 11000, &err);
	begin();
	ok(desk_session_record(st, CH, ident(1), 1, 10800, &last, &err) == 0 &&
	   last == 11000, "written outside a transaction: seen");
	commit();
}

/* Nothing a rolled-back transaction cached survives it. */
static void
rollback(void)
{
	struct desk_who zed = { "15557770001", NULL, NULL, "Zed", NULL };
	struct desk_thread t;
	int64_t id, id2;

	begin();
	id = resolve(&zed, 300);
	ok(desk_thread_open(st, CH, id, "inbound", 300, &t, &err) == 0 &&
	   t.created, "thread in the doomed transaction");
	desk_session_touch(st, CH, ident(id), id, 300, &err);
	store_rollback(st);
	begin();
	is_int(last_inbound(id), -1, "rolled back: no session");
	id2 = resolve(&zed, 301);
	is_int(scalar("SELECT count(*) FROM contacts WHERE wa_id = "
		      "'15557770001'"), 1, "rolled back: the contact is made "
	       "again");
	ok(desk_thread_open(st, CH, id2, "inbound", 301, &t, &err) == 0 &&
	   t.created, "rolled back: the thread is made again");
	is_int(scalar("SELECT count(*) FROM threads t JOIN contacts c ON "
		      "c.id = t.contact_id WHERE c.wa_id = '15557770001'"), 1,
	       "one thread");
	commit();
}

/* A query of the catalogue that returns nothing (wa-send's savepoints). */
static void
step(enum sql_id id)
{
	if (sq_done(store_q(st, id), &err) < 0)
		printf("# %s: %s\n", sql_name(id), err.message);
}

/* A savepoint rolled back (wa-send's careful batches) and writes by
 * other code on this connection, inside one transaction. */
static void
same_connection(void)
{
	struct desk_who ann = { "15551230001", NULL, NULL, "Ann", NULL };
	struct desk_who sam = { "15556660001", NULL, NULL, "Sam", NULL };
	struct desk_thread t, t2;
	int64_t id, sid, last = 0;

	begin();
	sid = resolve(&sam, 399);
	step(Q_SENDER_SAVEPOINT);
	ok(desk_thread_open(st, CH, sid, "outbound", 400, &t, &err) == 0 &&
	   t.created, "thread inside a savepoint");
	step(Q_SENDER_ROLLBACK_TO);
	step(Q_SENDER_RELEASE);
	ok(desk_thread_open(st, CH, sid, "outbound", 401, &t, &err) == 0 &&
	   t.created, "savepoint rolled back: the thread is made again");
	is_int(scalar("SELECT count(*) FROM threads t JOIN contacts c ON "
		      "c.id = t.contact_id WHERE c.wa_id = '15556660001'"), 1,
	       "one thread for the contact");
	raw("UPDATE tickets SET status = 'closed' WHERE thread_id = (SELECT "
	    "max(id) FROM threads)");
	ok(desk_thread_open(st, CH, sid, "inbound", 402, &t2, &err) == 0 &&
	   t2.created && t2.thread_id != t.thread_id,
	   "ticket closed on this connection: a new thread");
	id = resolve(&ann, 403);
	raw("UPDATE contacts SET profile_name = 'Other' WHERE wa_id = "
	    "'15551230001'");
	ok(resolve(&ann, 404) == id, "same contact");
	is_int(scalar("SELECT profile_name = 'Ann' FROM contacts WHERE "
		      "wa_id = '15551230001'"), 1,
	       "changed on this connection: refreshed");
	desk_session_touch(st, CH, ident(sid), sid, 8000, &err);
	raw("UPDATE sessions SET last_inbound_at = 9000");
	ok(desk_session_record(st, CH, ident(sid), sid, 8500, &last, &err) == 0 &&
	   last == 9000, "session written by other code: seen");
	commit();
}

/* user_changed_number, user_changed_user_id, then more messages. */
static void
moves(void)
{
	struct desk_who old = { "15552220001", NULL, NULL, "Moe", NULL };
	struct desk_who nw = { "15552220002", NULL, NULL, "Moe", NULL };
	struct desk_who b1 = { "15553330001", "US.301", NULL, "Bea", NULL };
	struct desk_who b2 = { "15553330001", "US.302", NULL, "Bea", NULL };
	struct desk_who to = { NULL, "US.302", NULL, NULL, NULL };
	int64_t id, moved, id2;

	begin();
	id = resolve(&old, 500);
	ok(resolve(&old, 501) == id, "known by the old number");
	ok(desk_contact_move(st, &old, &nw, 502, &moved, &err) == 0 &&
	   moved == id, "number moved");
	ok(resolve(&nw, 503) == id, "the new number: the same contact");
	id2 = resolve(&old, 504);
	ok(id2 != id && id2 > 0, "the old number: not the moved contact");
	is_int(scalar("SELECT count(*) FROM contacts WHERE wa_id = "
		      "'15552220001'"), 1, "one contact has the old number");
	id = resolve(&b1, 505);
	ok(resolve(&b1, 506) == id, "known by the first BSUID");
	ok(desk_contact_move(st, &b1, &to, 507, &moved, &err) == 0 &&
	   moved == id, "user id moved");
	ok(resolve(&b2, 508) == id, "the new BSUID: the same contact");
	id2 = resolve(&b1, 509);
	ok(id2 != id, "the old BSUID: a different user");
	commit();
}

/* A new contact with a number another contact answered by phone. */
static void
created_takes_number(void)
{
	struct desk_who vic = { "15554440001", "US.401", NULL, "Vic", NULL };
	struct desk_who byphone = { "15554440002", NULL, NULL, "Vic", NULL };
	struct desk_who other_user = { "15554440002", "US.402", NULL, "Neo",
				       NULL };
	int64_t x, r;

	begin();
	x = resolve(&vic, 600);
	raw("UPDATE contacts SET phone = '15554440002' WHERE bsuid = 'US.401'");
	ok(resolve(&byphone, 601) == x && resolve(&byphone, 602) == x,
	   "found by phone");
	r = resolve(&other_user, 603);
	ok(r != x, "recycled number: a new contact for the other user");
	is_int(resolve(&byphone, 604), r,
	       "the number now finds the contact that has it as wa_id");
	commit();
}

/* Far more contacts and threads than the cache holds. */
static void
many(void)
{
	struct desk_who w = { NULL, NULL, NULL, "Many", NULL };
	struct desk_thread t;
	char num[32];
	int64_t first[3] = { 0 }, id;
	int i, bad = 0;

	begin();
	for (i = 0; i < 9000; i++) {
		snprintf(num, sizeof(num), "1777%07d", i);
		w.wa_id = num;
		id = resolve(&w, 700);
		if (i < 3)
			first[i] = id;
		if (desk_thread_open(st, CH, id, "inbound", 700, &t, &err) < 0)
			bad++;
		desk_session_touch(st, CH, ident(id), id, 700 + i, &err);
	}
	for (i = 0; i < 3; i++) {
		snprintf(num, sizeof(num), "1777%07d", i);
		w.wa_id = num;
		if (resolve(&w, 701) != first[i] || last_inbound(first[i]) !=
		    700 + i || desk_thread_open(st, CH, first[i], "inbound",
						701, &t, &err) < 0 || t.created)
			bad++;
	}
	is_int(bad, 0, "evicted entries: the same answers");
	is_int(scalar("SELECT count(*) FROM contacts WHERE profile_name = "
		      "'Many'"), 9000, "one contact each");
	commit();
}

int
main(void)
{
	char dir[] = "/tmp/wa-t-desk-cache.XXXXXX", path[128];

	if (!mkdtemp(dir))
		return 1;
	snprintf(path, sizeof(path), "%s/wa.db", dir);
	if (store_open(&st, path, &err) < 0 ||
	    store_open(&other, path, &err) < 0) {
		printf("Bail out! %s\n", err.message);
		return 1;
	}
	raw("INSERT INTO channels (id, waba_id, phone, connected_at) "
	    "VALUES ('" CH "', 'w', '15550001111', 0)");
	other_changes_contact();	/* makes contact 1 */
	other_closes_ticket();
	other_moves_session();
	outside_tx();
	rollback();
	same_connection();
	moves();
	created_takes_number();
	many();
	store_close(other);
	store_close(st);
	testdb_remove(dir);
	return done_testing();
}
