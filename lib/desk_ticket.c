/* SPDX-License-Identifier: MIT */
/* One ticket as its record, and its change in the event log. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "desk_ticket.h"
#include "evlog.h"
#include "jsonl.h"
#include "util.h"

static jv
ticket_rec(struct sq *q)
{
	static const char *const keys[] = { "ticket_id", "thread_id",
		"status", "owner", "channel", "contact_id", "wa_id" };
	static const char *const times[] = { "created_at", "updated_at",
		"closed_at" };
	jv o = jv_object();
	int i;

	for (i = 0; i < 7; i++)
		o = jv_object_set(o, jv_string(keys[i]), sq_col_str(q, i));
	for (i = 0; i < 3; i++)
		o = jv_object_set(o, jv_string(times[i]),
				  sq_col_time(q, 7 + i));
	return o;
}

int
desk_ticket_get(struct store *st, int64_t id, struct desk_ticket *t,
		struct wa_err *err)
{
	struct sq *q = store_q(st, Q_DESK_TICKET_GET);
	int rc;

	memset(t, 0, sizeof(*t));
	t->rec = jv_invalid();
	sq_int(q, 1, id);
	rc = sq_step(q);
	if (rc < 0)
		return sq_fail(q, err, "read ticket");
	if (rc == 0)
		return wa_err_set(err, WA_EX_REJECTED, "unknown_thread",
				  "no ticket %lld", (long long)id);
	t->id = id;
	t->thread_id = sq_col_int(q, 1);
	snprintf(t->status, sizeof(t->status), "%s", sq_col_text(q, 2));
	t->owner = sq_col_dup(q, 3);
	t->channel = xstrdup(sq_col_text(q, 4));
	t->contact_id = sq_col_int(q, 5);
	t->rec = ticket_rec(q);
	sq_reset(q);
	return 0;
}

void
desk_ticket_release(struct desk_ticket *t)
{
	free(t->owner);
	free(t->channel);
	jv_free(t->rec);
	t->rec = jv_invalid();
	t->owner = t->channel = NULL;
}

int
desk_ticket_log(struct store *st, const struct desk_ticket *t,
		const char *action, const char *from, const char *to,
		const char *actor, int64_t now, struct wa_err *err)
{
	jv rec = JV_OBJECT(jv_string("event"), jv_string("ticket"),
			   jv_string("action"), jv_string(action));

	rec = jv_object_merge(rec, jv_copy(t->rec));
	rec = jv_object_merge(rec, JV_OBJECT(
		jv_string("from"), from ? jv_string(from) : jv_null(),
		jv_string("to"), to ? jv_string(to) : jv_null(),
		jv_string("actor"), actor ? jv_string(actor) : jv_null(),
		jv_string("at"), time_jv(now)));
	return evlog_append(st, rec, now, NULL, err);
}
