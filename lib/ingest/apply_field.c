/* SPDX-License-Identifier: MIT */
/* Applying the other webhook fields: templates, account, quality, identity, coexistence (rule 12). */
#include <stdio.h>
#include <string.h>
#include "int.h"
#include "jsonl.h"
#include "template.h"

int
apply_store_field(struct ingest *in, const char *field, const char *kind,
		  const char *waba, const char *channel, int64_t time,
		  jv value, const char *dedup_key, struct wa_err *err)
{
	struct sq *q = store_q(in->st, Q_INGEST_EVENT_INSERT);
	jv dump = jv_dump_string(jv_copy(value), 0);
	struct strbuf sb = STRBUF_INIT;
	char sha[65];
	int rc;

	if (!dedup_key) {
		/* Meta's retries repeat field, entry time and value. */
		sb_addf(&sb, "%s\n%s\n%lld\n%s", field, waba ? waba : "",
			(long long)time, jv_string_value(dump));
		ingest_sha256_hex(sb.buf, sb.len, sha);
		dedup_key = sha;
	}
	sq_int(q, 1, in->delivery_id);
	sq_text(q, 2, field);
	sq_text(q, 3, kind);
	sq_text(q, 4, waba);
	sq_text(q, 5, channel);
	sq_int_or_null(q, 6, time, time < 0);
	sq_jv(q, 7, dump);
	sq_text(q, 8, dedup_key);
	rc = sq_done(q, err);
	sb_release(&sb);
	jv_free(dump);
	if (rc < 0)
		return -1;
	return store_changes(in->st) > 0;
}

/* ---- templates ------------------------------------------------------ */

struct tpl {
	const char *name, *status, *reason, *quality, *category;
	char language[32];	/* en-US spelled en_US, as templates keep it */
	char id[32];
};

static void
number_text(jv obj, const char *key, char *out, size_t len)
{
	jv v = jx_get(obj, key);

	out[0] = '\0';
	if (jv_get_kind(v) == JV_KIND_NUMBER)
		snprintf(out, len, "%.0f", jv_number_value(v));
	else if (jv_get_kind(v) == JV_KIND_STRING)
		snprintf(out, len, "%s", jv_string_value(v));
	jv_free(v);
}

/* The template fields: status, quality and category updates. A category
 * change is applied when Meta says it happened (previous_category), not
 * when it announces one (correct_category, category_update_timestamp). */
static int
template_event(struct ingest *in, const char *field, const char *waba,
	       jv value, jv *ev, struct wa_err *err)
{
	const char *lang = jx_cstr(value, "message_template_language");
	const char *name = "template_components", *stage = NULL;
	struct tpl t = { 0 };
	int64_t before = store_total_changes(in->st);
	char *p;
	int rc = 0;

	t.name = jx_cstr(value, "message_template_name");
	snprintf(t.language, sizeof(t.language), "%s", lang ? lang : "");
	for (p = t.language; *p; p++)
		if (*p == '-')
			*p = '_';
	number_text(value, "message_template_id", t.id, sizeof(t.id));
	if (strcmp(field, "message_template_status_update") == 0) {
		name = "template_status";
		t.status = jx_cstr(value, "event");
		t.reason = jx_cstr(value, "reason");
		t.category = jx_cstr(value, "message_template_category");
	} else if (strcmp(field, "message_template_quality_update") == 0) {
		name = "template_quality";
		t.quality = jx_cstr(value, "new_quality_score");
	} else if (strcmp(field, "template_category_update") == 0) {
		name = "template_category";
		stage = jx_cstr(value, "previous_category") ? "completed" :
			"impending";
		if (strcmp(stage, "completed") == 0)
			t.category = jx_cstr(value, "new_category");
	}
	if (t.status || t.quality || t.category)
		rc = template_apply_status(in->st, waba, t.id[0] ? t.id : NULL,
					   t.name, t.language[0] ?
					   t.language : NULL, t.status,
					   t.category, t.quality, t.reason,
					   in->now, err);
	if (rc < 0)
		return -1;
	*ev = jv_object_merge(*ev, JV_OBJECT(
		jv_string("event"), jv_string(name),
		jv_string("template_id"), t.id[0] ? jv_string(t.id) : jv_null(),
		jv_string("name"), str_or_null(t.name),
		jv_string("language"), t.language[0] ?
			jv_string(t.language) : jv_null(),
		jv_string("applied"),
		jv_bool(store_total_changes(in->st) != before)));
	if (t.status)
		*ev = jv_object_set(*ev, jv_string("status"),
				    jv_string(t.status));
	if (t.quality)
		*ev = jv_object_set(*ev, jv_string("quality"),
				    jv_string(t.quality));
	if (stage) {	/* the category after the change, and before it:
			   an announcement's new_category is the current
			   one, correct_category the one to come */
		int done = strcmp(stage, "completed") == 0;

		*ev = jv_object_set(*ev, jv_string("stage"), jv_string(stage));
		*ev = jv_object_set(*ev, jv_string("category"), str_or_null(
			jx_cstr(value, done ? "new_category" :
				"correct_category")));
		*ev = jv_object_set(*ev, jv_string("previous_category"),
				    str_or_null(jx_cstr(value, done ?
					"previous_category" : "new_category")));
	} else if (t.category)
		*ev = jv_object_set(*ev, jv_string("category"),
				    jv_string(t.category));
	return 0;
}

/* ---- phone numbers -------------------------------------------------- */

/* A quality rating is one of Meta's four; an event such as DOWNGRADE or
 * THROUGHPUT_UPGRADE is not a rating. */
static const char *
rating(const char *s)
{
	static const char *const r[] = { "GREEN", "YELLOW", "RED", "UNKNOWN" };
	size_t i;

	for (i = 0; s && i < sizeof(r) / sizeof(r[0]); i++)
		if (strcmp(s, r[i]) == 0)
			return s;
	return NULL;
}

static int
number_event(struct ingest *in, const char *field, jv value, jv *ev,
	     struct wa_err *err)
{
	const char *shown = jx_cstr(value, "display_phone_number");
	const char *set = NULL, *event = NULL, *limit = NULL;
	char phone[32];
	size_t n = 0;
	struct sq *q;
	int rc, quality = strcmp(field, "phone_number_quality_update") == 0;

	for (; shown && *shown && n + 1 < sizeof(phone); shown++)
		if (*shown >= '0' && *shown <= '9')
			phone[n++] = *shown;
	phone[n] = '\0';
	*ev = jv_object_set(*ev, jv_string("display_phone_number"),
			    n ? jv_string(phone) : jv_null());
	if (quality) {
		*ev = jv_object_set(*ev, jv_string("event"),
				    jv_string("phone_number_quality"));
		set = rating(jx_cstr(value, "new_quality_score"));
		event = jx_cstr(value, "event");
		limit = jx_cstr(value, "current_limit");
		*ev = jv_object_set(*ev, jv_string("quality_rating"),
				    str_or_null(set));
		*ev = jv_object_set(*ev, jv_string("quality_event"),
				    str_or_null(event));
		*ev = jv_object_set(*ev, jv_string("messaging_limit"),
				    str_or_null(limit));
	} else {
		*ev = jv_object_set(*ev, jv_string("event"),
				    jv_string("phone_number_name"));
		set = jx_cstr(value, "decision");
		set = set && strcmp(set, "APPROVED") == 0 ?
			jx_cstr(value, "requested_verified_name") : NULL;
	}
	if (!n || (!set && !event && !limit))
		return 0;
	q = store_q(in->st, quality ? Q_INGEST_CHANNEL_QUALITY :
		    Q_INGEST_CHANNEL_NAME);
	sq_text(q, 1, phone);
	sq_text(q, 2, set);
	if (quality) {
		sq_text(q, 3, event);
		sq_text(q, 4, limit);
	}
	rc = sq_step(q);
	if (rc > 0) {
		*ev = jv_object_set(*ev, jv_string("channel"),
				    sq_col_str(q, 0));
		sq_reset(q);
	}
	if (rc < 0)
		return sq_fail(q, err, "update channel");
	return 0;
}

/* ---- any field ------------------------------------------------------ */

static const char *
event_kind(jv value)
{
	const char *k = jx_cstr(value, "event");

	return k ? k : jx_cstr(value, "decision");
}

/* The join keys a value names (strings; a group's id, a user's). */
static jv
join_keys(jv ev, jv value)
{
	static const char *const keys[][2] = {
		{ "group_id", "group_id" }, { "wa_id", "wa_id" },
		{ "from", "wa_id" }, { "user_id", "user_id" },
		{ "from_user_id", "user_id" }, { "wamid", "wamid" },
	};
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		jv v = jx_get(value, keys[i][0]);

		if (jv_get_kind(v) == JV_KIND_STRING &&
		    !jv_object_has(jv_copy(ev), jv_string(keys[i][1])))
			ev = jv_object_set(ev, jv_string(keys[i][1]), v);
		else
			jv_free(v);
	}
	return ev;
}

int
apply_field(struct ingest *in, struct plan_el *e, struct wa_err *err)
{
	const char *field = e->w.field, *kind = event_kind(e->obj);
	jv ev;
	int rc;

	if (in->only_channel && (!e->w.channel ||
				 strcmp(e->w.channel, in->only_channel)))
		return 0;	/* replay --channel: not this channel's */
	rc = apply_store_field(in, strcmp(e->event, field) ? e->event : field,
			       kind, e->w.waba, e->w.channel, e->w.time,
			       e->obj, NULL, err);
	if (rc < 0)
		return -1;
	if (rc == 0)
		return events_add(in, JV_OBJECT(jv_string("event"),
			jv_string("skipped"), jv_string("reason"),
			jv_string("duplicate"), jv_string("of"),
			jv_string(e->event), jv_string("waba_id"),
			jv_string(e->w.waba)), err);
	ev = JV_OBJECT(jv_string("event"), jv_string(e->event),
		       jv_string("field"), jv_string(field),
		       jv_string("waba_id"), jv_string(e->w.waba),
		       jv_string("channel"), str_or_null(e->w.channel),
		       jv_string("time"), time_jv(e->w.time),
		       jv_string("kind"), str_or_null(kind));
	ev = join_keys(ev, e->obj);
	rc = 0;
	if (strstr(field, "template"))
		rc = template_event(in, field, e->w.waba, e->obj, &ev, err);
	else if (strncmp(field, "phone_number_", 13) == 0)
		rc = number_event(in, field, e->obj, &ev, err);
	if (rc < 0) {
		jv_free(ev);
		return -1;
	}
	in->chan.valid = 0;	/* it may have changed a channel */
	ev = jv_object_set(ev, jv_string("value"), jv_copy(e->obj));
	return events_add(in, ev, err);
}
