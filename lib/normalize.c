/* SPDX-License-Identifier: MIT */
/* One webhook message object as the help desk sees it: text, media, content, reasons (its record: normalize_record.c). */
#include <stdio.h>
#include <string.h>
#include "normalize.h"
#include "jsonl.h"
#include "util.h"

/* Borrowed string at obj.k1[.k2] (the root keeps the reference). */
static const char *
str2(jv obj, const char *k1, const char *k2)
{
	jv sub;
	const char *s;

	if (!k2)
		return jx_cstr(obj, k1);
	sub = jx_get(obj, k1);
	s = jx_cstr(sub, k2);
	jv_free(sub);
	return s;
}

/* str2 that also gives the string's length in bytes (it may hold U+0000). */
static const char *
str2n(jv obj, const char *k1, const char *k2, size_t *len)
{
	jv sub = k2 ? jx_get(obj, k1) : jv_copy(obj);
	jv v = jx_get(sub, k2 ? k2 : k1);
	const char *s = NULL;

	if (jv_get_kind(v) == JV_KIND_STRING) {
		s = jv_string_value(v);	/* obj keeps its own reference */
		*len = (size_t)jv_string_length_bytes(jv_copy(v));
	}
	jv_free(v);
	jv_free(sub);
	return s;
}

/* The visible text and its length. */
static void
set_text(struct norm_msg *m, jv obj, const char *k1, const char *k2)
{
	m->text_len = 0;
	m->text = str2n(obj, k1, k2, &m->text_len);
}

static int
is_media_type(const char *t)
{
	static const char *const types[] = {
		"image", "video", "audio", "document", "sticker"
	};
	size_t i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(t, types[i]) == 0)
			return 1;
	return 0;
}

static int
is_supported(const char *t)
{
	static const char *const types[] = {
		"text", "location", "contacts", "interactive", "button",
		"order", "request_welcome", "system"
	};
	size_t i;

	if (is_media_type(t))
		return 1;
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(t, types[i]) == 0)
			return 1;
	return 0;
}

/* The code of the first of Meta's errors[] on a message, 0 when none. */
static long
first_error_code(jv msg)
{
	jv code = jx_path(msg, "errors", NULL);
	long out = 0;

	if (jv_get_kind(code) == JV_KIND_ARRAY &&
	    jv_array_length(jv_copy(code)) > 0) {
		jv e = jv_array_get(jv_copy(code), 0);
		int64_t c;

		if (jx_intish(e, "code", &c) == 1)
			out = (long)c;
		jv_free(e);
	}
	jv_free(code);
	return out;
}

/* Rule 9 for Meta's "unsupported": by unsupported.type on newer payloads,
 * else by the error code. 131051 without a kind is how a delete for
 * everyone arrived; 130501 is an unsupported type and 131052 media that
 * could not be downloaded, neither a delete. */
static const char *
unsupported_kind(jv msg)
{
	const char *k = str2(msg, "unsupported", "type");

	if (!k) {
		switch (first_error_code(msg)) {
		case 131051:
			return "deleted";
		case 131052:
			return "attachment";
		default:
			return "unknown";
		}
	}
	if (strstr(k, "poll") || strcmp(k, "pool") == 0)
		return "poll";
	if (strstr(k, "edit"))
		return "edited";
	if (strstr(k, "reaction"))
		return "reaction";
	if (strstr(k, "delete") || strstr(k, "revoke"))
		return "deleted";
	if (strcmp(k, "unknown") == 0)
		return "unknown";
	return "attachment";
}

const char *
norm_unsupported_reason(const char *type, jv msg)
{
	jv obj;
	int has;

	if (!type)
		return "unknown";
	if (strcmp(type, "reaction") == 0)
		return "reaction";
	if (strcmp(type, "revoke") == 0)
		return "deleted";
	if (strcmp(type, "edit") == 0)
		return "edited";
	if (strcmp(type, "poll") == 0)
		return "poll";
	if (strcmp(type, "unsupported") == 0)
		return unsupported_kind(msg);
	if (!is_supported(type))
		return "unknown";
	if (strcmp(type, "request_welcome") == 0 ||
	    strcmp(type, "system") == 0)
		return NULL;
	/* A supported type without its object cannot be shown. */
	obj = jx_get(msg, type);
	has = jv_get_kind(obj) == JV_KIND_OBJECT ||
	      jv_get_kind(obj) == JV_KIND_ARRAY;
	jv_free(obj);
	return has ? NULL : "unknown";
}

static void
norm_media(jv msg, struct norm_msg *m)
{
	jv o = jx_get(msg, m->type);
	unsigned char bin[64];
	const char *sha;
	long n;

	m->media_id = jx_cstr(o, "id");
	m->media_mime = jx_cstr(o, "mime_type");
	m->media_caption = jx_cstr(o, "caption");
	m->media_filename = jx_cstr(o, "filename");
	m->media_url = jx_cstr(o, "url");
	sha = jx_cstr(o, "sha256");
	m->media_sha256[0] = '\0';
	if (sha) {
		n = base64_decode(sha, bin, sizeof(bin));
		if (n == 32)
			hex_encode(bin, 32, m->media_sha256);
		else
			snprintf(m->media_sha256, sizeof(m->media_sha256),
				 "%s", sha);
	}
	/* A document without a caption is known by its file name. */
	set_text(m, o, m->media_caption ? "caption" : "filename", NULL);
	jv_free(m->media);
	m->media = jv_get_kind(o) == JV_KIND_OBJECT ? jv_copy(o) :
		jv_object();
	if (m->media_sha256[0])
		m->media = jv_object_set(m->media, jv_string("sha256"),
					 jv_string(m->media_sha256));
	jv_free(o);
}

/* Visible text of a contacts card message: the formatted names. */
static jv
contacts_text(jv cards)
{
	jv out = jv_string("");
	int n = 0;

	if (jv_get_kind(cards) != JV_KIND_ARRAY)
		return jv_null();
	jv_array_foreach(cards, i, card) {
		const char *name = str2(card, "name", "formatted_name");

		if (name) {
			if (n++)
				out = jv_string_append_str(out, ", ");
			out = jv_string_append_str(out, name);
		}
		jv_free(card);
		(void)i;
	}
	if (!n) {
		jv_free(out);
		return jv_null();
	}
	return out;
}

/* Text shown and searched for the non-media types. */
static void
norm_text(jv msg, struct norm_msg *m)
{
	const char *t = m->type;

	if (strcmp(t, "text") == 0)
		set_text(m, msg, "text", "body");
	else if (strcmp(t, "button") == 0)
		set_text(m, msg, "button", "text");
	else if (strcmp(t, "order") == 0)
		set_text(m, msg, "order", "text");
	else if (strcmp(t, "location") == 0) {
		set_text(m, msg, "location", "name");
		if (!m->text)
			set_text(m, msg, "location", "address");
	} else if (strcmp(t, "interactive") == 0) {
		jv it = jx_get(msg, "interactive");
		const char *kind = jx_cstr(it, "type");

		if (kind) {
			set_text(m, it, kind, "title");
			if (!m->text)
				set_text(m, it, kind, "body");
		}
		jv_free(it);
	}
}

static void
norm_system(jv msg, struct norm_msg *m)
{
	jv sys = jx_get(msg, "system");

	m->sys_type = jx_cstr(sys, "type");
	m->sys_body = jx_cstr(sys, "body");
	m->sys_wa_id = jx_cstr(sys, "wa_id");
	if (!m->sys_wa_id)
		m->sys_wa_id = jx_cstr(sys, "new_wa_id");	/* pre-v12 */
	m->sys_bsuid = jx_cstr(sys, "user_id");
	m->sys_parent_bsuid = jx_cstr(sys, "parent_user_id");
	m->sys_prev_bsuid = jx_cstr(sys, "previous_user_id");
	set_text(m, sys, "body", NULL);
	jv_free(sys);
}

/* A key that names something (an id, a number, the type): a string or
 * absent. Another kind, or U+0000 inside (a C string would cut it:
 * "wamid.X\u00000" and "wamid.X\u00001" would be one id), is an error
 * (the first is kept in m->error). */
static const char *
id_key(jv msg, const char *key, struct norm_msg *m)
{
	jv v = jx_get(msg, key);
	jv_kind k = jv_get_kind(v);
	const char *s = NULL, *bad = NULL;

	if (k == JV_KIND_STRING) {
		s = jv_string_value(v);	/* msg keeps its own reference */
		if (strlen(s) != (size_t)jv_string_length_bytes(jv_copy(v)))
			bad = "holds U+0000";
	} else if (k != JV_KIND_INVALID && k != JV_KIND_NULL)
		bad = "is not a string";
	jv_free(v);
	if (bad) {
		if (!m->error[0])
			snprintf(m->error, sizeof(m->error), "'%s' %s", key,
				 bad);
		return NULL;
	}
	return s;
}

/* The type's own object where Meta always sends one with a string in it:
 * a text whose body is not a string is not a text message. */
static void
check_content(jv msg, struct norm_msg *m)
{
	jv body;

	if (m->error[0] || !m->type || strcmp(m->type, "text"))
		return;
	body = jx_path(msg, "text", "body", NULL);
	if (jv_get_kind(body) != JV_KIND_STRING)
		snprintf(m->error, sizeof(m->error), "'text.body' is %s",
			 jv_is_valid(body) ? "not a string" : "missing");
	jv_free(body);
}

/* A message without "type" but with exactly one type's object (seen in
 * SDK fixtures): that type, as Meta means it; else NULL. */
static const char *
infer_type(jv msg)
{
	static const char *const types[] = {
		"text", "image", "video", "audio", "document", "sticker",
		"location", "contacts", "interactive", "button", "order",
		"reaction", "system", "revoke", "edit", "poll", "unsupported"
	};
	const char *found = NULL;
	size_t i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		jv v = jx_get(msg, types[i]);
		int has = jv_get_kind(v) == JV_KIND_OBJECT ||
			  jv_get_kind(v) == JV_KIND_ARRAY;

		jv_free(v);
		if (has && found)
			return NULL;
		if (has)
			found = types[i];
	}
	return found;
}

/* The ids of msg (wamid, type, from, to, group); -1 when one is bad. */
static int
ids_of(jv msg, struct norm_msg *m)
{
	m->ts = -1;
	m->wamid = id_key(msg, "id", m);
	m->type = id_key(msg, "type", m);
	if (!m->type && !m->error[0])
		m->type = infer_type(msg);
	m->from = id_key(msg, "from", m);
	m->from_bsuid = id_key(msg, "from_user_id", m);
	m->from_parent_bsuid = id_key(msg, "from_parent_user_id", m);
	m->to = id_key(msg, "to", m);
	m->to_bsuid = id_key(msg, "to_user_id", m);
	m->group_id = id_key(msg, "group_id", m);
	if (m->error[0]) {
		m->ts = -1;
		return -1;
	}
	return 0;
}

/* Meta's errors (a non-empty array, else null) and the timestamp. */
static void
errors_and_time(jv msg, struct norm_msg *m)
{
	m->errors = jx_get(msg, "errors");
	if (jv_get_kind(m->errors) != JV_KIND_ARRAY ||
	    jv_array_length(jv_copy(m->errors)) == 0) {
		jv_free(m->errors);
		m->errors = jv_null();
	}
	if (jx_intish(msg, "timestamp", &m->ts) != 1 || m->ts < 0)
		m->ts = -1;
}

/* What the message says by its type: text, media, system, content. */
static void
body_of(jv msg, struct norm_msg *m)
{
	m->unsupported = norm_unsupported_reason(m->type, msg);
	if (m->type && !m->unsupported) {
		if (is_media_type(m->type))
			norm_media(msg, m);
		else if (strcmp(m->type, "system") == 0)
			norm_system(msg, m);
		else
			norm_text(msg, m);
	}
	if (m->type && strcmp(m->type, "system") && strcmp(m->type, "text") &&
	    is_supported(m->type) && !is_media_type(m->type)) {
		jv c = jx_get(msg, m->type);

		if (jv_is_valid(c))
			m->content = JV_OBJECT(jv_string(m->type), c);
		else
			jv_free(c);
	}
	if (m->type && strcmp(m->type, "contacts") == 0 && !m->unsupported) {
		jv cards = jx_get(msg, "contacts");

		/* Owned text: kept in content so the pointer lives on. */
		m->content = jv_object_set(m->content, jv_string("_text"),
					   contacts_text(cards));
		jv_free(cards);
		set_text(m, m->content, "_text", NULL);
	}
}

/* The context (the message replied to, forwarded) and the referral. */
static void
context_of(jv msg, struct norm_msg *m)
{
	jv ctx, fw;

	ctx = jx_get(msg, "context");
	if (jv_get_kind(ctx) == JV_KIND_OBJECT) {
		m->context_wamid = str2(msg, "context", "id");
		fw = jx_get(ctx, "forwarded");
		m->forwarded = jv_get_kind(fw) == JV_KIND_TRUE;
		jv_free(fw);
		fw = jx_get(ctx, "frequently_forwarded");
		if (jv_get_kind(fw) == JV_KIND_TRUE)
			m->forwarded = 2;
		jv_free(fw);
		m->context = ctx;
	} else
		jv_free(ctx);
	m->referral = jx_get(msg, "referral");
	if (jv_get_kind(m->referral) != JV_KIND_OBJECT) {
		jv_free(m->referral);
		m->referral = jv_null();
	}
}

int
norm_message(jv msg, struct norm_msg *m)
{
	memset(m, 0, sizeof(*m));
	m->content = m->media = m->context = m->referral = jv_null();
	m->errors = jv_null();
	if (jv_get_kind(msg) != JV_KIND_OBJECT) {
		m->ts = -1;
		snprintf(m->error, sizeof(m->error), "not an object");
		return -1;
	}
	if (ids_of(msg, m) < 0)
		return -1;
	errors_and_time(msg, m);
	body_of(msg, m);
	context_of(msg, m);
	if (!m->wamid || !*m->wamid)
		snprintf(m->error, sizeof(m->error), "message without an id");
	else if (m->ts < 0)
		snprintf(m->error, sizeof(m->error),
			 "message '%s' without a valid timestamp", m->wamid);
	check_content(msg, m);
	return m->error[0] ? -1 : 0;
}

void
norm_release(struct norm_msg *m)
{
	jv_free(m->content);
	jv_free(m->media);
	jv_free(m->context);
	jv_free(m->referral);
	jv_free(m->errors);
	m->content = m->media = m->context = m->referral = jv_null();
	m->errors = jv_null();
}
