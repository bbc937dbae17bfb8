/* SPDX-License-Identifier: MIT */
/* Planning messages and echoes: normalised, checked, their user found, quarantined, rendered. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "int.h"
#include "jsonl.h"
#include "quarantine.h"

static int
all_digits(const char *s)
{
	if (!s || !*s)
		return 0;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return 0;
	return 1;
}

/* The contacts[] entry for a user (by number or BSUID), borrowed into
 * who; the only entry when nothing else matches. */
static void
who_from_contacts(jv contacts, struct desk_who *who)
{
	int n = jv_get_kind(contacts) == JV_KIND_ARRAY ?
		jv_array_length(jv_copy(contacts)) : 0;
	int i, pick = -1;
	jv c, prof;
	const char *wa;

	for (i = 0; i < n && pick < 0; i++) {
		const char *u;

		c = jv_array_get(jv_copy(contacts), i);
		wa = jx_cstr(c, "wa_id");
		u = jx_cstr(c, "user_id");
		if ((who->wa_id && wa && strcmp(wa, who->wa_id) == 0) ||
		    (who->bsuid && u && strcmp(u, who->bsuid) == 0))
			pick = i;
		jv_free(c);
	}
	if (pick < 0 && n == 1)
		pick = 0;
	if (pick < 0)
		return;
	/* contacts is kept alive by the delivery; pointers stay valid. */
	c = jv_array_get(jv_copy(contacts), pick);
	prof = jx_get(c, "profile");
	wa = jx_cstr(c, "wa_id");
	if (!all_digits(who->wa_id) && all_digits(wa))
		who->wa_id = wa;
	if (!who->bsuid)
		who->bsuid = jx_cstr(c, "user_id");
	if (!who->parent_bsuid)
		who->parent_bsuid = jx_cstr(c, "parent_user_id");
	who->profile_name = jx_cstr(prof, "name");
	who->username = jx_cstr(prof, "username");
	jv_free(prof);
	jv_free(c);
}

/* 1 when number is the business's own (display: its digits, or NULL). */
static int
is_display(const char *number, const char *display)
{
	return display && strcmp(number, display) == 0;
}

/* The user of a message: the party that is not the business number. */
static const char *
msg_who(const struct norm_msg *m, int echo, const char *display,
	jv contacts, struct desk_who *who)
{
	/* an echo's user is its to; never the business's own number (an
	 * echo to a user known by BSUID alone has only to_user_id: its
	 * from, the business, is not the user) */
	const char *user = !echo ? m->from :
		m->to && !is_display(m->to, display) ? m->to :
		m->from && !is_display(m->from, display) ? m->from : NULL;

	memset(who, 0, sizeof(*who));
	who->wa_id = user;
	who->bsuid = echo ? m->to_bsuid : m->from_bsuid;
	who->parent_bsuid = echo ? NULL : m->from_parent_bsuid;
	who_from_contacts(contacts, who);
	if (who->wa_id && !all_digits(who->wa_id))
		who->wa_id = NULL;
	if (who->bsuid && !*who->bsuid)
		who->bsuid = NULL;
	return user;
}

/* The event's record as text without its closing brace: the keys that
 * apply adds follow it (lib/ingest/events.c). A quarantined message's
 * text is hidden here, after the rules saw it. */
static void
render_record(struct plan_el *e, jv rec)
{
	struct strbuf sb = STRBUF_INIT;

	if (e->qrule[0])
		rec = jv_object_set(rec, jv_string("text"), jv_null());
	jsonl_dump(&sb, rec);
	jv_free(rec);
	if (sb.len >= 2 && sb.buf[sb.len - 1] == '}')
		sb.len--;
	e->rec_len = sb.len;
	e->rec = sb_detach(&sb);
}

static void
plan_one(struct ingest_plan *p, struct quarantine *q,
	 const struct plan_where *w, jv msg, jv contacts, int echo)
{
	struct plan_el *e = plan_add(p, PLAN_MESSAGE, w, msg);
	char path[WHERE_PATH_MAX];
	jv rec;

	e->echo = echo;
	if (!w->channel) {
		e->kind = PLAN_BAD;
		snprintf(e->problem, sizeof(e->problem), "%s: %s without "
			 "metadata.phone_number_id: cannot be attributed",
			 where_path(w, path), echo ? "echo" : "message");
		return;
	}
	if (norm_message(msg, &e->m) < 0 || !e->m.type) {
		e->kind = PLAN_BAD;
		snprintf(e->problem, sizeof(e->problem), "%s: %.100s",
			 where_path(w, path), e->m.error[0] ? e->m.error : "message without a type");
		return;
	}
	e->user = msg_who(&e->m, echo, WHERE_DISPLAY(w), contacts, &e->who);
	if (!e->who.wa_id && !e->who.bsuid && !echo &&
	    strcmp(e->m.type, "system") == 0) {
		/* An identity change with no sender: the new identity is
		 * all that names the user. */
		e->who.wa_id = all_digits(e->m.sys_wa_id) ? e->m.sys_wa_id :
			NULL;
		e->who.bsuid = e->m.sys_bsuid;
		e->who.parent_bsuid = e->m.sys_parent_bsuid;
		e->sys_new_only = 1;
	}
	if (e->user && *e->user && !all_digits(e->user) && !e->who.wa_id) {
		/* "abc" is no WhatsApp number, and contacts[] has none */
		e->kind = PLAN_BAD;
		snprintf(e->problem, sizeof(e->problem), "%s: '%s' is not a "
			 "phone number", where_path(w, path),
			 echo ? "to" : "from");
		return;
	}
	if (!e->who.wa_id && !e->who.bsuid) {
		e->kind = PLAN_BAD;
		snprintf(e->problem, sizeof(e->problem), "%s: %s without a "
			 "%s number or user id", where_path(w, path),
			 echo ? "echo" : "message",
			 echo ? "recipient" : "sender");
		return;
	}
	rec = norm_record(&e->m, echo ? "echo" : "message");
	if (!e->m.unsupported && strcmp(e->m.type, "system") && q) {
		const char *rule = quarantine_match(q, rec);

		/* a copy: the rules may belong to another thread */
		if (rule)
			snprintf(e->qrule, sizeof(e->qrule), "%s", rule);
	}
	render_record(e, rec);
}

void
plan_messages(struct ingest_plan *p, struct quarantine *q,
	      const struct plan_where *w, jv value, int echo)
{
	const char *key = echo ? "message_echoes" : "messages";
	jv list = jx_get(value, key);
	jv contacts = jx_get(value, "contacts");
	struct plan_where ew = *w;
	char path[WHERE_PATH_MAX];

	ew.list = key;
	if (jv_get_kind(list) == JV_KIND_ARRAY)
		jv_array_foreach(list, i, msg) {
			ew.index = i;
			plan_one(p, q, &ew, msg, contacts, echo);
		}
	else if (jv_is_valid(list) && jv_get_kind(list) != JV_KIND_NULL)
		plan_bad(p, w, jv_copy(list), "%s.%s is not an array",
			 where_path(w, path), key);
	jv_free(contacts);	/* the value keeps them */
	jv_free(list);
}
