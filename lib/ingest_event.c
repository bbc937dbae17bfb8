/* SPDX-License-Identifier: MIT */
/* Deriving the other webhook fields: templates, account, quality, preferences (rule 12). */
#include <stdio.h>
#include <string.h>
#include "ingest_int.h"
#include "template.h"
#include "jsonl.h"
#include "util.h"

static const char SQL_EVENT_INSERT[] =
	"INSERT INTO events (delivery_id, field, kind, waba_id, channel_id,"
	" time, payload, dedup_key) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
	" ON CONFLICT (dedup_key) DO NOTHING";

int
ingest_store_event(struct ingest *in, const char *field, const char *kind,
		   const char *waba, const char *channel, int64_t time,
		   jv value, const char *dedup_key, struct wa_err *err)
{
	sqlite3_stmt *s = store_stmt(in->st, SQL_EVENT_INSERT);
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
	store_bind_int(s, 1, in->delivery_id);
	store_bind_text(s, 2, field);
	store_bind_text(s, 3, kind);
	store_bind_text(s, 4, waba);
	store_bind_text(s, 5, channel);
	store_bind_int_or_null(s, 6, time, time < 0);
	store_bind_jv(s, 7, dump);
	store_bind_text(s, 8, dedup_key);
	rc = store_step_done(in->st, s, err);
	sb_release(&sb);
	jv_free(dump);
	if (rc < 0)
		return -1;
	return sqlite3_changes(store_db(in->st)) > 0;
}

/* ---- templates ------------------------------------------------------ */

struct tpl {
	const char *name, *status, *reason, *quality, *category;
	char language[32];	/* en-US spelled en_US, as templates keep it */
	char id[32];
};

/* 1 when the webhook changed or added a template row, 0 when it names
 * none we could keep, -1 with err. */
static int
template_update(struct ingest *in, const char *waba, const struct tpl *t,
		struct wa_err *err)
{
	sqlite3 *db = store_db(in->st);
	int before = sqlite3_total_changes(db);

	if (template_apply_status(in->st, waba, t->id[0] ? t->id : NULL,
				  t->name, t->language[0] ? t->language : NULL,
				  t->status, t->category, t->quality, t->reason,
				  in->now, err) < 0)
		return -1;
	return sqlite3_total_changes(db) != before;
}

static jv
str_or_null(const char *s)
{
	return s ? jv_string(s) : jv_null();
}

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

/* The template fields: status, quality and category updates. */
static int
template_event(struct ingest *in, const char *field, const char *waba,
	       jv value, jv *ev, struct wa_err *err)
{
	const char *lang = jx_cstr(value, "message_template_language");
	const char *name = "template_components";
	struct tpl t = { 0 };
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
		t.category = jx_cstr(value, "new_category");
	}
	if (t.status || t.quality || t.category)
		rc = template_update(in, waba, &t, err);
	if (rc < 0)
		return -1;
	*ev = jv_object_merge(*ev, JV_OBJECT(
		jv_string("event"), jv_string(name),
		jv_string("template_id"), t.id[0] ? jv_string(t.id) : jv_null(),
		jv_string("name"), str_or_null(t.name),
		jv_string("language"), t.language[0] ?
			jv_string(t.language) : jv_null(),
		jv_string("applied"), jv_bool(rc > 0)));
	if (t.status)
		*ev = jv_object_set(*ev, jv_string("status"),
				    jv_string(t.status));
	if (t.quality)
		*ev = jv_object_set(*ev, jv_string("quality"),
				    jv_string(t.quality));
	if (t.category)
		*ev = jv_object_set(*ev, jv_string("category"),
				    jv_string(t.category));
	return 0;
}

/* ---- phone numbers -------------------------------------------------- */

static const char SQL_CHANNEL_QUALITY[] =
	"UPDATE channels SET quality_rating = ?2 WHERE phone = ?1"
	" RETURNING id";
static const char SQL_CHANNEL_NAME[] =
	"UPDATE channels SET verified_name = ?2 WHERE phone = ?1"
	" RETURNING id";

static int
number_event(struct ingest *in, const char *field, jv value, jv *ev,
	     struct wa_err *err)
{
	const char *phone = jx_cstr(value, "display_phone_number");
	const char *sql = SQL_CHANNEL_QUALITY, *set;
	sqlite3_stmt *s;
	int rc;

	if (strcmp(field, "phone_number_quality_update") == 0) {
		*ev = jv_object_set(*ev, jv_string("event"),
				    jv_string("phone_number_quality"));
		set = jx_cstr(value, "new_quality_score");
		if (!set)
			set = jx_cstr(value, "event");
	} else {
		*ev = jv_object_set(*ev, jv_string("event"),
				    jv_string("phone_number_name"));
		sql = SQL_CHANNEL_NAME;
		set = jx_cstr(value, "decision");
		set = set && strcmp(set, "APPROVED") == 0 ?
			jx_cstr(value, "requested_verified_name") : NULL;
	}
	*ev = jv_object_set(*ev, jv_string("display_phone_number"),
			    str_or_null(phone));
	if (!phone || !set)
		return 0;
	s = store_stmt(in->st, sql);
	store_bind_text(s, 1, phone);
	store_bind_text(s, 2, set);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*ev = jv_object_set(*ev, jv_string("channel"), jv_string(
			(const char *)sqlite3_column_text(s, 0)));
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(in->st, err, "update channel");
	return 0;
}

/* ---- any field ------------------------------------------------------ */

static const char *
event_kind(jv value)
{
	const char *k = jx_cstr(value, "event");

	return k ? k : jx_cstr(value, "decision");
}

int
ingest_field_event(struct ingest *in, const char *field, const char *waba,
		   int64_t time, jv value, struct wa_err *err)
{
	const char *kind = event_kind(value);
	jv ev;
	int rc;

	if (in->only_channel)
		return 0;	/* replay --channel: not a channel's event */
	rc = ingest_store_event(in, field, kind, waba, NULL, time, value,
				NULL, err);
	if (rc < 0)
		return -1;
	if (rc == 0) {
		ingest_event(in, JV_OBJECT(jv_string("event"),
			jv_string("skipped"), jv_string("reason"),
			jv_string("duplicate"), jv_string("of"),
			jv_string(field), jv_string("waba_id"),
			jv_string(waba)));
		return 0;
	}
	ev = JV_OBJECT(jv_string("event"), jv_string(field),
		       jv_string("field"), jv_string(field),
		       jv_string("waba_id"), jv_string(waba),
		       jv_string("time"), time_jv(time),
		       jv_string("kind"), str_or_null(kind));
	if (strstr(field, "template"))
		rc = template_event(in, field, waba, value, &ev, err);
	else if (strncmp(field, "phone_number_", 13) == 0)
		rc = number_event(in, field, value, &ev, err);
	ev = jv_object_set(ev, jv_string("value"), jv_copy(value));
	ingest_event(in, ev);
	return rc;
}
