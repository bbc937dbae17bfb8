/* SPDX-License-Identifier: MIT */
/* The sender's events: each send's outcome in the event log, with the rows it describes. */
#include <string.h>
#include "sender_int.h"
#include "evlog.h"
#include "jsonl.h"
#include "util.h"

int
sender_log(struct sender *s, struct job *j, struct wa_err *err)
{
	int ok = j->out_rc == 0;
	const char *wamid = ok ? jx_cstr(j->pending, "wamid") : NULL;
	jv rec = JV_OBJECT(jv_string("event"), jv_string("send"),
			   jv_string("ok"), jv_bool(ok),
			   jv_string("status"), jv_string(ok ? "sent" :
				strcmp(j->why.code, "ambiguous") == 0 ?
				"ambiguous" : "failed"),
			   jv_string("wamid"),
			   wamid ? jv_string(wamid) : jv_null(),
			   jv_string("type"), jv_string(j->type),
			   jv_string("to"), jv_string(JOB_IDENTITY(j)));

	rec = sender_add_keys(j, rec);
	rec = jv_object_merge(rec, JV_OBJECT(
		jv_string("new_ticket"), jv_bool(j->new_ticket),
		jv_string("conversation"), ok ?
			jv_string(window_conv_name(j->conv)) : jv_null(),
		jv_string("agent"),
			s->o.agent ? jv_string(s->o.agent) : jv_null(),
		jv_string("message_id"), id_jv(j->message_id),
		jv_string("idempotency_key"),
			j->key ? jv_string(j->key) : jv_null(),
		jv_string("error"), ok ? jv_null() : wa_err_json(&j->why),
		jv_string("at"), time_jv(s->now)));
	return evlog_append(s->st, rec, s->now, NULL, err);
}
