/* SPDX-License-Identifier: MIT */
/* wa-view watch on a terminal: each event as a line for people (when, what, ticket, who, the gist). */
#include <string.h>
#include "watch.h"
#include "jsonl.h"
#include "util.h"
#include "views.h"

/* rec[key] (borrowed rec) as an owned jv string, or jv_null(). */
static jv
str(jv rec, const char *key)
{
	const char *v = jx_cstr(rec, key);

	return v ? jv_string(v) : jv_null();
}

/* What a message says, hidden as every view hides it. */
static jv
message_gist(jv rec)
{
	jv media = jx_get(rec, "media");
	const char *caption = jv_get_kind(media) == JV_KIND_OBJECT ?
			      jx_cstr(media, "caption") : NULL;
	struct wa_err scratch;
	int quarantined = 0, fresh = 0;
	jv gist;

	jx_bool(rec, "quarantined", &quarantined, &scratch);
	jx_bool(rec, "new_ticket", &fresh, &scratch);
	gist = views_message_text(jx_cstr(rec, "type"), jx_cstr(rec, "text"),
				  caption, jx_cstr(rec, "unsupported"),
				  quarantined);
	jv_free(media);
	if (jv_get_kind(gist) != JV_KIND_STRING) {
		jv_free(gist);
		gist = jv_string("");
	}
	if (fresh)
		gist = jv_string_concat(jv_string("new ticket: "), gist);
	return gist;
}

/* "from -> to" of a ticket change, "-" for nobody. */
static jv
change_gist(jv rec)
{
	const char *from = jx_cstr(rec, "from"), *to = jx_cstr(rec, "to");

	return jv_string_fmt("%s -> %s", from ? from : "-", to ? to : "-");
}

/* sent / failed / ambiguous, and where or why. */
static jv
send_gist(jv rec)
{
	jv error = jx_get(rec, "error");
	const char *why = jv_get_kind(error) == JV_KIND_OBJECT ?
			  jx_cstr(error, "message") : NULL;
	const char *status = jx_cstr(rec, "status"), *to = jx_cstr(rec, "to");
	jv gist = jv_string_fmt("%s %s to %s%s%s", status ? status : "?",
				jx_cstr(rec, "type") ? jx_cstr(rec, "type") :
				"message", to ? to : "?", why ? ": " : "",
				why ? why : "");

	jv_free(error);
	return gist;
}

static jv
window_gist(jv rec)
{
	struct wa_err scratch;
	int64_t left = 0;

	jx_int(rec, "closes_in", &left, &scratch);
	if (left >= 3600)
		return jv_string_fmt("closes in %lldh%02lldm",
				     (long long)(left / 3600),
				     (long long)(left % 3600 / 60));
	return jv_string_fmt("closes in %lldm%02llds", (long long)(left / 60),
			     (long long)(left % 60));
}

/* Anything else: its reason, message or status, else its field. */
static jv
other_gist(jv rec)
{
	static const char *const keys[] = {
		"reason", "message", "status", "field", NULL
	};
	int i;

	for (i = 0; keys[i]; i++)
		if (jx_cstr(rec, keys[i]))
			return jv_string(jx_cstr(rec, keys[i]));
	return jv_string("");
}

jv
watch_show(jv rec)
{
	const char *kind = jx_cstr(rec, "event");
	const char *k = kind ? kind : "?";
	jv who = jv_null(), what, at = str(rec, "timestamp");

	if (!strcmp(k, "message") || !strcmp(k, "echo")) {
		who = str(rec, !strcmp(k, "echo") ? "to" :
			  jx_cstr(rec, "from") ? "from" : "user_id");
		what = message_gist(rec);
	} else if (!strcmp(k, "ticket")) {
		who = str(rec, "actor");
		what = change_gist(rec);
	} else if (!strcmp(k, "send")) {
		who = str(rec, "agent");
		what = send_gist(rec);
	} else if (!strcmp(k, "window")) {
		who = jx_cstr(rec, "contact") ? str(rec, "contact") :
		      str(rec, "wa_id");
		what = window_gist(rec);
	} else if (!strcmp(k, "status")) {
		who = str(rec, "wa_id");
		what = other_gist(rec);
	} else {
		what = other_gist(rec);
	}
	if (jv_get_kind(at) == JV_KIND_NULL) {
		jv_free(at);
		at = str(rec, "at");
	}
	return views_obj("at", at,
		"event", !strcmp(k, "ticket") && jx_cstr(rec, "action") ?
			 str(rec, "action") : jv_string(k),
		"ticket", jx_cstr(rec, "ticket_id") ?
			  jv_string_fmt("#%s", jx_cstr(rec, "ticket_id")) :
			  jv_null(),
		"who", who, "what", what, NULL);
}
