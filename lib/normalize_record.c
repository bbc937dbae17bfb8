/* SPDX-License-Identifier: MIT */
/* A normalised message as its event record (wamid, type, text, media, content, context, errors, system). */
#include <string.h>
#include "normalize.h"
#include "jsonl.h"
#include "util.h"

static jv
str_or_null(const char *s)
{
	return s ? jv_string(s) : jv_null();
}

/* v (taken), or null when absent. */
static jv
or_null(jv v)
{
	if (!jv_is_valid(v)) {
		jv_free(v);
		return jv_null();
	}
	return v;
}

jv
norm_record(const struct norm_msg *m, const char *event)
{
	jv r = JV_OBJECT(jv_string("event"), jv_string(event),
			 jv_string("wamid"), str_or_null(m->wamid),
			 jv_string("type"), str_or_null(m->type),
			 jv_string("from"), str_or_null(m->from),
			 jv_string("timestamp"), time_jv(m->ts),
			 jv_string("text"), m->unsupported || !m->text ?
			 jv_null() : jv_string_sized(m->text, (int)m->text_len),
			 jv_string("media"), jv_copy(m->media),
			 jv_string("unsupported"), str_or_null(m->unsupported));

	if (m->from_bsuid)
		r = jv_object_set(r, jv_string("from_user_id"),
				  jv_string(m->from_bsuid));
	if (m->group_id)
		r = jv_object_set(r, jv_string("group_id"),
				  jv_string(m->group_id));
	if (m->to_bsuid)
		r = jv_object_set(r, jv_string("to_user_id"),
				  jv_string(m->to_bsuid));
	if (jv_get_kind(m->content) == JV_KIND_OBJECT && !m->unsupported) {
		jv_object_foreach(m->content, k, v) {	/* borrows */
			if (strcmp(jv_string_value(k), "_text"))
				r = jv_object_set(r, k, v);
			else {
				jv_free(k);
				jv_free(v);
			}
		}
	}
	if (jv_get_kind(m->context) == JV_KIND_OBJECT)
		r = jv_object_set(r, jv_string("context"),
				  jv_copy(m->context));
	if (m->forwarded)
		r = jv_object_set(r, jv_string("forwarded"), jv_true());
	if (jv_get_kind(m->referral) == JV_KIND_OBJECT)
		r = jv_object_set(r, jv_string("referral"),
				  jv_copy(m->referral));
	if (jv_get_kind(m->errors) == JV_KIND_ARRAY) {
		jv e0 = jv_array_get(jv_copy(m->errors), 0);
		jv title = jx_get(e0, "title");

		if (jv_get_kind(title) != JV_KIND_STRING) {
			jv_free(title);
			title = jx_get(e0, "message");
		}
		r = jv_object_set(r, jv_string("error"), JV_OBJECT(
			jv_string("code"), jv_string("graph_error"),
			jv_string("message"), jv_get_kind(title) ==
			JV_KIND_STRING ? title :
			(jv_free(title), jv_string("error reported by Meta")),
			jv_string("graph_code"), or_null(jx_get(e0, "code"))));
		r = jv_object_set(r, jv_string("errors"),
				  jv_copy(m->errors));
		jv_free(e0);
	}
	if (m->sys_type || m->sys_body)
		r = jv_object_set(r, jv_string("system"),
			JV_OBJECT(jv_string("type"), str_or_null(m->sys_type),
				  jv_string("body"), str_or_null(m->sys_body),
				  jv_string("wa_id"), str_or_null(m->sys_wa_id),
				  jv_string("user_id"),
				  str_or_null(m->sys_bsuid)));
	return r;
}
