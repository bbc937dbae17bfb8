/* SPDX-License-Identifier: MIT */
/* wa-template send inputs into the sender's message: lookup, approval, parameters. */
#include <stdlib.h>
#include <string.h>
#include "template.h"
#include "template_int.h"
#include "channel.h"
#include "desk.h"
#include "jsonl.h"
#include "sender.h"
#include "util.h"

static const char *const target_keys[] = { "thread_id", "to", "wa_id",
					   NULL };
static const char *const header_kinds[] = { "image", "video", "document",
					    NULL };

static int
present(jv obj, const char *key)
{
	jv v = jx_get(obj, key);
	int k = jv_get_kind(v);

	jv_free(v);
	return k != JV_KIND_INVALID && k != JV_KIND_NULL;
}

/* rec with the flags' values for the keys it lacks (owned). A record
 * that names its recipient keeps it: flags' to/thread_id do not mix in. */
static jv
merge(jv rec, jv flags)
{
	jv out = jv_copy(rec);
	int has_target = 0, i;

	for (i = 0; target_keys[i]; i++)
		has_target |= present(rec, target_keys[i]);
	jv_object_foreach(flags, k, v) {
		const char *ks = jv_string_value(k);
		int is_target = 0;

		for (i = 0; target_keys[i]; i++)
			is_target |= strcmp(ks, target_keys[i]) == 0;
		if (present(out, ks) || (is_target && has_target)) {
			jv_free(k);
			jv_free(v);
		} else
			out = jv_object_set(out, k, v);
	}
	return out;
}

/* The WABA whose templates apply: from the thread, the channel or the
 * only connected channel; "" when it cannot be told (any WABA). */
static int
find_waba(struct store *st, jv m, char *waba, struct wa_err *err)
{
	char ch[CHANNEL_ID_MAX] = "", wa_id[32], status[16];
	struct channel c;
	struct wa_err ignore;
	int64_t tid, contact, ticket;

	waba[0] = '\0';
	if (jx_intish(m, "thread_id", &tid) == 1 &&
	    desk_thread_lookup(st, tid, ch, &contact, wa_id, NULL, &ticket,
			       status, err) < 0)
		return -1;
	if (!ch[0] && jx_cstr(m, "channel"))
		snprintf(ch, sizeof(ch), "%s", jx_cstr(m, "channel"));
	if (!ch[0] && channel_resolve(st, NULL, ch, &ignore) < 0)
		return 0;
	if (channel_id_valid(ch) && channel_get(st, ch, &c, &ignore) == 0)
		snprintf(waba, CHANNEL_ID_MAX, "%s", c.waba_id);
	return 0;
}

/* Fills the language from the only one the template has. */
static int
pick_language(struct store *st, const char *waba, const char *name,
	      char *lang, size_t n, struct wa_err *err)
{
	struct strbuf all = STRBUF_INIT;
	jv list;
	int count;

	if (template_list(st, waba[0] ? waba : NULL, name, NULL, NULL, NULL,
			  &list, err) < 0)
		return -1;
	count = jv_array_length(jv_copy(list));
	if (count == 1) {
		jv t = jv_array_get(jv_copy(list), 0);

		snprintf(lang, n, "%s", jx_cstr(t, "language"));
		jv_free(t);
	}
	jv_array_foreach(list, i, t) {
		sb_addf(&all, "%s%s", i ? ", " : "", jx_cstr(t, "language"));
		jv_free(t);
	}
	jv_free(list);
	if (count == 0)
		wa_err_set(err, WA_EX_REJECTED, "template_not_found",
			   "template '%s' is not known; run 'wa-template "
			   "sync'", name);
	else if (count > 1)
		wa_err_set(err, WA_EX_REJECTED, "invalid_input",
			   "template '%s' has several languages (%s): give "
			   "--language or \"language\"", name, sb_str(&all));
	sb_release(&all);
	return count == 1 ? 0 : -1;
}

/* The stored, approved template for m into *tpl (owned). */
static int
lookup(struct store *st, jv m, jv *tpl, struct wa_err *err)
{
	const char *name = jx_cstr(m, "template");
	const char *lang = jx_cstr(m, "language");
	char waba[CHANNEL_ID_MAX], picked[32];
	const char *status;
	int rc;

	*tpl = jv_invalid();
	if (!name || !*name)
		return wa_err_set(err, WA_EX_REJECTED, "invalid_input",
				  "no template: give NAME or \"template\"");
	if (find_waba(st, m, waba, err) < 0)
		return -1;
	if (!lang) {
		if (pick_language(st, waba, name, picked, sizeof(picked),
				  err) < 0)
			return -1;
		lang = picked;
	}
	rc = template_get(st, waba[0] ? waba : NULL, name, lang, tpl, err);
	if (rc < 0)
		return -1;
	if (rc == 0)
		return wa_err_set(err, WA_EX_REJECTED, "template_not_found",
				  "template '%s' (%s) is not known%s%s; run "
				  "'wa-template sync'", name, lang,
				  waba[0] ? " in WABA " : "", waba);
	status = jx_cstr(*tpl, "status");
	if (!status || strcmp(status, "APPROVED") != 0)
		return wa_err_set(err, WA_EX_REJECTED, "template_not_approved",
				  "template '%s' (%s) is %s, not APPROVED",
				  name, lang, status ? status : "of no status");
	return 0;
}

/* header_image / header_video / header_document as a media object:
 * a URL is a link, other strings a local file; objects pass ({"id"}). */
static int
header_media(jv m, jv *out, struct wa_err *err)
{
	char key[32];
	int i, n = 0;

	*out = jv_invalid();
	for (i = 0; header_kinds[i]; i++) {
		jv v;

		snprintf(key, sizeof(key), "header_%s", header_kinds[i]);
		if (!present(m, key))
			continue;
		if (n++) {
			jv_free(*out);
			return wa_err_set(err, WA_EX_REJECTED,
					  "template_params", "one header "
					  "medium only");
		}
		v = jx_get(m, key);
		if (jv_get_kind(v) == JV_KIND_STRING) {
			const char *s = jv_string_value(v);
			int url = strncmp(s, "http://", 7) == 0 ||
				  strncmp(s, "https://", 8) == 0;

			*out = JV_OBJECT(jv_string(url ? "link" : "path"),
					 jv_copy(v));
			jv_free(v);
		} else if (jv_get_kind(v) == JV_KIND_OBJECT) {
			*out = v;
		} else {
			jv_free(v);
			return wa_err_set(err, WA_EX_REJECTED, "invalid_input",
					  "%s: want a URL, a file or an object",
					  key);
		}
		*out = jv_object_set(*out, jv_string("type"),
				     jv_string(header_kinds[i]));
	}
	return 0;
}

/* The sender's message for m and tpl (borrowed) into *msg (owned). */
static int
message(jv m, jv tpl, jv *msg, struct wa_err *err)
{
	static const char *const copy[] = { "thread_id", "to", "wa_id",
					    "channel", "idempotency_key",
					    NULL };
	struct template_info info;
	struct template_args a;
	jv obj;
	int i, rc;

	if (header_media(m, &a.header_media, err) < 0)
		return -1;
	a.params = jx_get(m, "params");
	a.header_text = jx_get(m, "header_text");
	a.header_location = jx_get(m, "header_location");
	a.buttons = jx_get(m, "button_params");
	template_analyze(tpl, &info);
	rc = template_build(&info, jx_cstr(tpl, "name"),
			    jx_cstr(tpl, "language"), &a, &obj, err);
	template_info_release(&info);
	if (rc == 0) {
		*msg = JV_OBJECT(jv_string("type"), jv_string("template"),
				 jv_string("template"), obj,
				 jv_string("text"),
				 template_render(tpl, a.params));
		for (i = 0; copy[i]; i++)
			if (present(m, copy[i]))
				*msg = jv_object_set(*msg, jv_string(copy[i]),
						     jx_get(m, copy[i]));
	}
	jv_free(a.params);
	jv_free(a.header_text);
	jv_free(a.header_media);
	jv_free(a.header_location);
	jv_free(a.buttons);
	return rc;
}

const char *
template_endpoint(const char *category, int marketing)
{
	return marketing && template_ieq(category, "MARKETING") ?
	       "marketing_messages" : "messages";
}

int
template_message(struct store *st, jv rec, jv flags, jv *msg,
		 struct wa_err *err)
{
	jv m, tpl;
	int rc, marketing;

	*msg = jv_invalid();
	if (jv_get_kind(rec) != JV_KIND_OBJECT)
		return wa_err_set(err, WA_EX_REJECTED, "invalid_input",
				  "a send record must be a JSON object");
	if (template_marketing_get(st, &marketing, err) < 0)
		return -1;
	m = jv_get_kind(flags) == JV_KIND_OBJECT ? merge(rec, flags) :
	    jv_copy(rec);
	rc = lookup(st, m, &tpl, err);
	if (rc == 0)
		rc = message(m, tpl, msg, err);
	/* the category as stored now: webhooks and sync keep it current */
	if (rc == 0)
		*msg = jv_object_set(*msg, jv_string("endpoint"), jv_string(
			template_endpoint(jx_cstr(tpl, "category"),
					  marketing)));
	/* the sender refuses an authentication template to a user known
	 * only by BSUID: Meta needs a phone number for those */
	if (rc == 0 && jx_cstr(tpl, "category"))
		*msg = jv_object_set(*msg, jv_string("category"),
				     jv_string(jx_cstr(tpl, "category")));
	jv_free(tpl);
	jv_free(m);
	return rc;
}

int
template_flag_pair(jv *flags, const char *opt, const char *key,
		   const char *arg, int index, struct wa_err *err)
{
	const char *eq = strchr(arg, '=');
	char k[64];
	long long v;
	jv obj;

	if (!eq || eq == arg || (size_t)(eq - arg) >= sizeof(k))
		return wa_err_set(err, WA_EX_USAGE, "invalid_input",
				  "%s: want KEY=VALUE, got '%s'", opt, arg);
	memcpy(k, arg, (size_t)(eq - arg));
	k[eq - arg] = '\0';
	if (index && parse_int(k, 0, TEMPLATE_MAX_BUTTONS - 1, &v) < 0)
		return wa_err_set(err, WA_EX_USAGE, "invalid_input",
				  "%s: '%s' is not a button index 0-9", opt,
				  k);
	obj = jv_object_get(jv_copy(*flags), jv_string(key));
	if (jv_get_kind(obj) != JV_KIND_OBJECT) {
		jv_free(obj);
		obj = jv_object();
	}
	obj = jv_object_set(obj, jv_string(k), jv_string(eq + 1));
	*flags = jv_object_set(*flags, jv_string(key), obj);
	return 0;
}

int
template_submit(struct sender *s, struct store *st, jv rec, jv flags,
		jv input, long line, struct wa_err *err)
{
	jv msg;

	if (template_message(st, rec, flags, &msg, err) < 0) {
		jv_free(rec);
		if (err->sysexit > 1) {
			jv_free(input);
			return -1;
		}
		sender_reject(s, err, input, line);
		return 0;
	}
	jv_free(rec);
	return sender_submit(s, msg, input, line, err);
}
