/* SPDX-License-Identifier: MIT */
/* One webhook message object as the help desk sees it: text, media, content, reasons. */
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

/* Meta's "unsupported" object names the kind on newer payloads. */
static const char *
unsupported_kind(jv msg)
{
	const char *k = str2(msg, "unsupported", "type");

	if (!k)
		return "deleted";	/* 131051 without a kind: a delete */
	if (strstr(k, "poll") || strcmp(k, "pool") == 0)
		return "poll";
	if (strstr(k, "edit"))
		return "edited";
	if (strstr(k, "reaction"))
		return "reaction";
	if (strstr(k, "delete") || strstr(k, "revoke"))
		return "deleted";
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
	m->text = m->media_caption ? m->media_caption : m->media_filename;
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
		m->text = str2(msg, "text", "body");
	else if (strcmp(t, "button") == 0)
		m->text = str2(msg, "button", "text");
	else if (strcmp(t, "order") == 0)
		m->text = str2(msg, "order", "text");
	else if (strcmp(t, "location") == 0) {
		m->text = str2(msg, "location", "name");
		if (!m->text)
			m->text = str2(msg, "location", "address");
	} else if (strcmp(t, "interactive") == 0) {
		jv it = jx_get(msg, "interactive");
		const char *kind = jx_cstr(it, "type");

		if (kind) {
			m->text = str2(it, kind, "title");
			if (!m->text)
				m->text = str2(it, kind, "body");
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
	m->text = m->sys_body;
	jv_free(sys);
}

int
norm_message(jv msg, struct norm_msg *m)
{
	jv ctx, fw;

	memset(m, 0, sizeof(*m));
	m->content = m->media = m->context = m->referral = jv_null();
	m->ts = -1;
	m->wamid = jx_cstr(msg, "id");
	m->type = jx_cstr(msg, "type");
	m->from = jx_cstr(msg, "from");
	m->from_bsuid = jx_cstr(msg, "from_user_id");
	m->from_parent_bsuid = jx_cstr(msg, "from_parent_user_id");
	m->to = jx_cstr(msg, "to");
	m->to_bsuid = jx_cstr(msg, "to_user_id");
	if (jx_intish(msg, "timestamp", &m->ts) != 1 || m->ts < 0)
		m->ts = -1;
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
		m->text = jx_cstr(m->content, "_text");
	}
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
	if (!m->wamid || !*m->wamid)
		snprintf(m->error, sizeof(m->error), "message without an id");
	else if (m->ts < 0)
		snprintf(m->error, sizeof(m->error),
			 "message '%s' without a valid timestamp", m->wamid);
	return m->error[0] ? -1 : 0;
}

void
norm_release(struct norm_msg *m)
{
	jv_free(m->content);
	jv_free(m->media);
	jv_free(m->context);
	jv_free(m->referral);
	m->content = m->media = m->context = m->referral = jv_null();
}

static jv
str_or_null(const char *s)
{
	return s ? jv_string(s) : jv_null();
}

jv
norm_record(const struct norm_msg *m, const char *event)
{
	jv r = JV_OBJECT(jv_string("event"), jv_string(event),
			 jv_string("wamid"), str_or_null(m->wamid),
			 jv_string("type"), str_or_null(m->type),
			 jv_string("from"), str_or_null(m->from),
			 jv_string("timestamp"), time_jv(m->ts),
			 jv_string("text"),
			 m->unsupported ? jv_null() : str_or_null(m->text),
			 jv_string("media"), jx_fresh(jv_copy(m->media)),
			 jv_string("unsupported"), str_or_null(m->unsupported));

	if (m->from_bsuid)
		r = jv_object_set(r, jv_string("from_user_id"),
				  jv_string(m->from_bsuid));
	if (m->to)
		r = jv_object_set(r, jv_string("to"), jv_string(m->to));
	if (m->to_bsuid)
		r = jv_object_set(r, jv_string("to_user_id"),
				  jv_string(m->to_bsuid));
	if (jv_get_kind(m->content) == JV_KIND_OBJECT && !m->unsupported) {
		jv_object_foreach(m->content, k, v) {	/* borrows */
			if (strcmp(jv_string_value(k), "_text"))
				r = jv_object_set(r, jx_fresh(k), jx_fresh(v));
			else {
				jv_free(k);
				jv_free(v);
			}
		}
	}
	if (jv_get_kind(m->context) == JV_KIND_OBJECT)
		r = jv_object_set(r, jv_string("context"),
				  jx_fresh(jv_copy(m->context)));
	if (m->forwarded)
		r = jv_object_set(r, jv_string("forwarded"), jv_true());
	if (jv_get_kind(m->referral) == JV_KIND_OBJECT)
		r = jv_object_set(r, jv_string("referral"),
				  jx_fresh(jv_copy(m->referral)));
	if (m->sys_type || m->sys_body)
		r = jv_object_set(r, jv_string("system"),
			JV_OBJECT(jv_string("type"), str_or_null(m->sys_type),
				  jv_string("body"), str_or_null(m->sys_body),
				  jv_string("wa_id"), str_or_null(m->sys_wa_id),
				  jv_string("user_id"),
				  str_or_null(m->sys_bsuid)));
	return r;
}
