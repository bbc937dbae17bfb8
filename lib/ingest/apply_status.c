/* SPDX-License-Identifier: MIT */
/* Applying statuses (rule 7) and Meta's value-level errors. */
#include <stdio.h>
#include <string.h>
#include "int.h"
#include "jsonl.h"

struct status_in {
	const char *channel;
	const char *wamid, *status, *recipient, *recipient_bsuid;
	const char *group_id, *participant;	/* a status of a group
						   message */
	int64_t ts;
	jv errors, pricing, conversation;	/* borrowed from obj */
};

/* 1 stored, 0 duplicate, -1 error. */
static int
status_store(struct ingest *in, const struct status_in *si,
	     struct wa_err *err)
{
	struct sq *q = store_q(in->st, Q_INGEST_STATUS_INSERT);

	sq_text(q, 1, si->wamid);
	sq_text(q, 2, si->channel);
	sq_text(q, 3, si->status);
	sq_int(q, 4, si->ts);
	sq_text(q, 5, si->recipient);
	sq_text(q, 6, si->recipient_bsuid);
	sq_jv(q, 7, si->errors);
	sq_jv(q, 8, si->pricing);
	sq_jv(q, 9, si->conversation);
	sq_int(q, 10, in->delivery_id);
	if (sq_done(q, err) < 0)
		return -1;
	return store_changes(in->st) > 0;
}

/* Applies to a known message; fills the event's keys. */
static int
status_apply(struct ingest *in, const struct status_in *si, jv *ev,
	     struct wa_err *err)
{
	struct sq *q = store_q(in->st, Q_INGEST_STATUS_MSG);
	struct desk_status ds = { 0 };
	int64_t mid = 0, thread = 0, ticket = 0;
	char wa_id[32] = "", current[24] = "";
	jv errs;
	int rc;

	sq_text(q, 1, si->channel);
	sq_text(q, 2, si->wamid);
	rc = sq_step(q);
	if (rc > 0) {
		mid = sq_col_int(q, 0);
		thread = sq_col_int(q, 1);
		ticket = sq_col_int(q, 2);
		if (sq_col_text(q, 3))
			snprintf(wa_id, sizeof(wa_id), "%s", sq_col_text(q, 3));
		sq_reset(q);
	}
	if (rc < 0)
		return sq_fail(q, err, "find message");
	*ev = jv_object_set(*ev, jv_string("applied"), jv_bool(mid > 0));
	if (!mid)
		return 0;
	ds.status = si->status;
	ds.timestamp = si->ts;
	ds.billable = -1;
	errs = jv_get_kind(si->errors) == JV_KIND_ARRAY ?
		jv_dump_string(jv_copy(si->errors), 0) : jv_invalid();
	ds.error_json = jv_is_valid(errs) ? jv_string_value(errs) : NULL;
	if (jv_get_kind(si->pricing) == JV_KIND_OBJECT)
		desk_status_pricing(&ds, si->pricing);
	rc = desk_message_status(in->st, mid, &ds, current, sizeof(current),
				 err);
	jv_free(errs);
	if (rc < 0)
		return -1;
	q = store_q(in->st, Q_INGEST_STATUS_DONE);
	sq_text(q, 1, si->wamid);
	sq_text(q, 2, si->status);
	if (sq_done(q, err) < 0)
		return -1;
	*ev = jv_object_set(*ev, jv_string("current"), jv_string(current));
	*ev = jv_object_set(*ev, jv_string("thread_id"), id_jv(thread));
	*ev = jv_object_set(*ev, jv_string("ticket_id"), id_jv(ticket));
	if (wa_id[0] && !si->group_id)
		*ev = jv_object_set(*ev, jv_string("wa_id"),
				    jv_string(wa_id));
	return 0;
}

static jv
status_event(const struct status_in *si, jv obj)
{
	jv ev = JV_OBJECT(jv_string("event"), jv_string("status"),
			  jv_string("wamid"), jv_string(si->wamid),
			  jv_string("status"), jv_string(si->status),
			  jv_string("channel"), jv_string(si->channel),
			  jv_string("thread_id"), jv_null(),
			  jv_string("ticket_id"), jv_null(),
			  jv_string("wa_id"), str_or_null(si->group_id ?
							   si->participant :
							   si->recipient),
			  jv_string("timestamp"), time_jv(si->ts));
	jv e0, opaque = jx_get(obj, "biz_opaque_callback_data");

	if (si->group_id) {
		ev = jv_object_set(ev, jv_string("group_id"),
				   jv_string(si->group_id));
		ev = jv_object_set(ev, jv_string("participant"),
				   str_or_null(si->participant));
	}
	if (si->recipient_bsuid)
		ev = jv_object_set(ev, jv_string("user_id"),
				   jv_string(si->recipient_bsuid));
	if (jv_get_kind(si->pricing) == JV_KIND_OBJECT)
		ev = jv_object_set(ev, jv_string("pricing"),
				   jv_copy(si->pricing));
	if (jv_get_kind(si->errors) == JV_KIND_ARRAY &&
	    jv_array_length(jv_copy(si->errors)) > 0) {
		jv code, title;

		e0 = jv_array_get(jv_copy(si->errors), 0);
		code = jx_get(e0, "code");
		title = jx_get(e0, "title");
		ev = jv_object_set(ev, jv_string("error"), JV_OBJECT(
			jv_string("code"), jv_string("graph_error"),
			jv_string("message"), jv_is_valid(title) ? title :
			jv_null(), jv_string("graph_code"),
			jv_is_valid(code) ? code : jv_null()));
		ev = jv_object_set(ev, jv_string("errors"),
				   jv_copy(si->errors));
		jv_free(e0);
	}
	if (jv_get_kind(opaque) == JV_KIND_STRING)
		ev = jv_object_set(ev, jv_string("biz_opaque_callback_data"),
				   opaque);
	else
		jv_free(opaque);
	return ev;
}

/* The statuses Meta documents; anything else is reported, not applied. */
static int
known_status(const char *s)
{
	return desk_status_rank(s) > 0 || strcmp(s, "deleted") == 0;
}

static jv
where_keys(const struct plan_el *e, const char *wamid)
{
	char path[WHERE_PATH_MAX];

	return JV_OBJECT(jv_string("wamid"), str_or_null(wamid),
			 jv_string("channel"), str_or_null(e->w.channel),
			 jv_string("path"), jv_string(where_path(&e->w, path)));
}

/* Reads a status object; NULL when it is whole, else what is wrong. */
static const char *
status_read(jv obj, struct status_in *si)
{
	const char *rt = jx_cstr(obj, "recipient_type");

	si->wamid = jx_cstr(obj, "id");
	si->status = jx_cstr(obj, "status");
	si->recipient = jx_cstr(obj, "recipient_id");
	si->recipient_bsuid = jx_cstr(obj, "recipient_user_id");
	if (!si->recipient_bsuid)
		si->recipient_bsuid = jx_cstr(obj,
					      "recipient_participant_user_id");
	if (rt && strcmp(rt, "group") == 0) {
		si->group_id = si->recipient;
		si->participant = jx_cstr(obj, "recipient_participant_id");
		if (!si->participant)
			si->participant = jx_cstr(obj,
						  "participant_recipient_id");
	}
	if (jx_intish(obj, "timestamp", &si->ts) != 1)
		si->ts = -1;
	if (!si->wamid || !*si->wamid)
		return "status without an id";
	if (strlen(si->wamid) != (size_t)jv_string_length_bytes(
		    jx_get(obj, "id")))
		return "status id holds U+0000";
	if (!si->status)
		return "status without a status";
	if (!known_status(si->status))
		return "status value is not one Meta documents";
	if (si->ts < 0)
		return "status without a valid timestamp";
	return NULL;
}

int
apply_status(struct ingest *in, struct plan_el *e, struct wa_err *err)
{
	struct status_in si = { .channel = e->w.channel };
	const char *bad = status_read(e->obj, &si);
	char path[WHERE_PATH_MAX];
	enum chan_state state;
	int64_t connected_at;
	jv ev;
	int rc;

	if (apply_chan(in, si.channel, &state, &connected_at, err) < 0)
		return -1;
	rc = apply_chan_skip(in, si.channel, state, connected_at, si.wamid,
			     si.recipient, si.ts, "status", err);
	if (rc)
		return rc < 0 ? -1 : 0;
	if (bad)
		return apply_problem(in, where_keys(e, si.wamid), err,
				     "%s: %s%s%s%s", where_path(&e->w, path), bad,
				     si.status ? " ('" : "",
				     si.status ? si.status : "",
				     si.status ? "')" : "");
	si.errors = jx_get(e->obj, "errors");
	si.pricing = jx_get(e->obj, "pricing");
	si.conversation = jx_get(e->obj, "conversation");
	rc = status_store(in, &si, err);
	if (rc == 0)
		rc = apply_skipped(in, "duplicate", si.channel, si.wamid,
				   si.recipient, si.ts, "status", err);
	else if (rc > 0) {
		ev = status_event(&si, e->obj);
		rc = status_apply(in, &si, &ev, err);
		if (rc == 0)
			rc = events_add(in, ev, err);
		else
			jv_free(ev);
	}
	jv_free(si.errors);
	jv_free(si.pricing);
	jv_free(si.conversation);
	return rc < 0 ? -1 : 0;
}

int
apply_value_error(struct ingest *in, struct plan_el *e, struct wa_err *err)
{
	jv code = jx_get(e->obj, "code"), title = jx_get(e->obj, "title");
	jv details = jx_path(e->obj, "error_data", "details", NULL);
	char key[192], path[WHERE_PATH_MAX];
	int rc;

	snprintf(key, sizeof(key), "errors:%lld:%s",
		 (long long)in->delivery_id, where_path(&e->w, path));
	rc = apply_store_field(in, "errors", NULL, e->w.waba, e->w.channel,
			       -1, e->obj, key, err);
	if (rc <= 0) {
		jv_free(title);
		jv_free(details);
	}
	if (rc < 0) {
		jv_free(code);
		return -1;
	}
	/* reported when it came (a replay, the same bytes again) */
	if (rc == 0)
		return events_add(in, JV_OBJECT(jv_string("event"),
			jv_string("skipped"), jv_string("reason"),
			jv_string("duplicate"), jv_string("of"),
			jv_string("error"), jv_string("graph_code"),
			jv_is_valid(code) ? code : jv_null(),
			jv_string("channel"), str_or_null(e->w.channel)), err);
	return events_add(in, JV_OBJECT(jv_string("event"),
		jv_string("error"), jv_string("code"),
		jv_string("graph_error"), jv_string("graph_code"),
		jv_is_valid(code) ? code : jv_null(),
		jv_string("message"),
		jv_get_kind(title) == JV_KIND_STRING ? title :
		(jv_free(title), jv_string("error reported by Meta")),
		jv_string("details"), jv_is_valid(details) ?
		details : jv_null(), jv_string("channel"),
		str_or_null(e->w.channel)), err);
}
