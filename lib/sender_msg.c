/* SPDX-License-Identifier: MIT */
/* wa-send's input records and flags into the pipeline's message objects. */
#include <stdlib.h>
#include <string.h>
#include "sender.h"
#include "jsonl.h"
#include "util.h"

/* The content keys of a record, in the order they are looked for. */
static const char *const content_keys[] = {
	"text", "image", "video", "audio", "voice", "document", "sticker",
	"location", "contacts", "reaction", "mark_read", NULL
};

static int
is_url(const char *s)
{
	return strncmp(s, "http://", 7) == 0 || strncmp(s, "https://", 8) == 0;
}

/* Records other tools write (wa-recv events, result records, wa-view
 * show's thread and message records) carry the customer's text or our
 * last result: never content to send. */
static int
is_foreign(jv rec)
{
	static const char *const keys[] = { "event", "ok", "record" };
	size_t i;
	int r = 0;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]) && !r; i++) {
		jv v = jx_get(rec, keys[i]);

		r = jv_is_valid(v);
		jv_free(v);
	}
	return r;
}

/* The record's content key, or NULL; *second the next one it holds
 * (two kinds of message in one record), or NULL. */
static const char *
content_key2(jv rec, const char **second)
{
	const char *first = NULL;
	int i;

	*second = NULL;
	if (jv_get_kind(rec) != JV_KIND_OBJECT || is_foreign(rec))
		return NULL;
	for (i = 0; content_keys[i] && !*second; i++) {
		jv v = jx_get(rec, content_keys[i]);
		int k = jv_get_kind(v);

		jv_free(v);
		if (k == JV_KIND_INVALID || k == JV_KIND_NULL)
			continue;
		if (first)
			*second = content_keys[i];
		else
			first = content_keys[i];
	}
	return first;
}

static const char *
content_key(jv rec)
{
	const char *second;

	return content_key2(rec, &second);
}

/* Looks key up in rec, then in flags: owned value or invalid. */
static jv
pick(jv rec, jv flags, const char *key)
{
	jv v = jx_get(rec, key);

	if (jv_is_valid(v) && jv_get_kind(v) != JV_KIND_NULL)
		return v;
	jv_free(v);
	return jx_get(flags, key);
}

static int
bad(struct wa_err *err, const char *what, const char *why)
{
	return wa_err_set(err, WA_EX_REJECTED, "invalid_input", "%s: %s",
			  what, why);
}

static int
build_text(jv src, jv opts, jv *obj, struct wa_err *err)
{
	jv body = jv_get_kind(src) == JV_KIND_OBJECT ? jx_get(src, "body") :
		  jv_copy(src);
	jv pv = jv_get_kind(src) == JV_KIND_OBJECT ?
		jx_get(src, "preview_url") : jx_get(opts, "preview_url");

	if (jv_get_kind(body) != JV_KIND_STRING ||
	    jv_string_length_bytes(jv_copy(body)) == 0) {
		jv_free(body);
		jv_free(pv);
		return bad(err, "text", "needs a non-empty string");
	}
	*obj = JV_OBJECT(jv_string("body"), body);
	if (jv_get_kind(pv) == JV_KIND_TRUE)
		*obj = jv_object_set(*obj, jv_string("preview_url"), jv_true());
	jv_free(pv);
	return 0;
}

/* The options of a record over the flags' (owned object). */
static jv
merge_opts(jv rec, jv flags)
{
	jv o = jv_get_kind(flags) == JV_KIND_OBJECT ? jv_copy(flags) :
	       jv_object();

	if (jv_get_kind(rec) == JV_KIND_OBJECT && !is_foreign(rec))
		o = jv_object_merge(o, jv_copy(rec));
	return o;
}

/* Copies the optional string key from src (or opts) into obj. */
static jv
copy_opt(jv obj, jv src, jv opts, const char *key, const char *as)
{
	jv v = pick(src, opts, key);

	if (jv_get_kind(v) == JV_KIND_STRING)
		return jv_object_set(obj, jv_string(as), v);
	jv_free(v);
	return obj;
}

/* "a.jpg" / "https://..." / {"path"|"file"|"link"|"url"|"id",...}. */
static int
build_media(const char *kind, jv src, jv opts, jv *obj, struct wa_err *err)
{
	static const char *const keys[] = { "link", "url", "path", "file",
					     NULL };
	jv where = jv_invalid(), o = jv_object(), id;
	const char *w;
	int i;

	if (jv_get_kind(src) == JV_KIND_STRING) {
		where = jv_copy(src);
	} else if (jv_get_kind(src) == JV_KIND_OBJECT) {
		id = jx_get(src, "id");
		if (jv_get_kind(id) == JV_KIND_STRING)
			o = jv_object_set(o, jv_string("id"), id);
		else
			jv_free(id);
		for (i = 0; keys[i] && !jv_object_length(jv_copy(o)) &&
		     !jv_is_valid(where); i++) {
			where = jx_get(src, keys[i]);
			if (jv_get_kind(where) != JV_KIND_STRING) {
				jv_free(where);
				where = jv_invalid();
			}
		}
	}
	if (jv_is_valid(where)) {
		w = jv_string_value(where);
		o = jv_object_set(o, jv_string(is_url(w) ? "link" : "path"),
				  jv_copy(where));
	} else if (!jv_object_length(jv_copy(o))) {
		jv_free(o);
		return bad(err, kind, "needs a file name, a URL or an id");
	}
	if (strcmp(kind, "audio") && strcmp(kind, "sticker"))
		o = copy_opt(o, src, opts, "caption", "caption");
	if (strcmp(kind, "document") == 0) {
		o = copy_opt(o, src, opts, "filename", "filename");
		if (!jv_object_has(jv_copy(o), jv_string("filename")) &&
		    jv_is_valid(where) && !is_url(jv_string_value(where))) {
			const char *p = jv_string_value(where);
			const char *b = strrchr(p, '/');

			o = jv_object_set(o, jv_string("filename"),
					  jv_string(b ? b + 1 : p));
		}
	}
	jv_free(where);
	*obj = o;
	return 0;
}

static int
num_of(jv v, double lo, double hi, double *out)
{
	char *end;

	if (jv_get_kind(v) == JV_KIND_NUMBER)
		*out = jv_number_value(v);
	else if (jv_get_kind(v) == JV_KIND_STRING) {
		*out = strtod(jv_string_value(v), &end);
		if (end == jv_string_value(v) || *end)
			return -1;
	} else
		return -1;
	return *out >= lo && *out <= hi ? 0 : -1;
}

/* "LAT,LON" or {"latitude","longitude","name","address"}. */
static int
build_location(jv src, jv opts, jv *obj, struct wa_err *err)
{
	double lat, lon;
	jv la, lo;
	int rc;

	if (jv_get_kind(src) == JV_KIND_STRING) {
		const char *s = jv_string_value(src), *c = strchr(s, ',');

		if (!c)
			return bad(err, "location", "want LAT,LON");
		la = jv_string_sized(s, (int)(c - s));
		lo = jv_string(c + 1);
	} else if (jv_get_kind(src) == JV_KIND_OBJECT) {
		la = jx_get(src, "latitude");
		lo = jx_get(src, "longitude");
	} else {
		return bad(err, "location", "want LAT,LON or an object");
	}
	rc = num_of(la, -90, 90, &lat) < 0 || num_of(lo, -180, 180, &lon) < 0;
	jv_free(la);
	jv_free(lo);
	if (rc)
		return bad(err, "location", "latitude must be in -90..90 and longitude "
			   "in -180..180");
	*obj = JV_OBJECT(jv_string("latitude"), jv_number(lat),
			 jv_string("longitude"), jv_number(lon));
	*obj = copy_opt(*obj, src, opts, "name", "name");
	*obj = copy_opt(*obj, src, opts, "address", "address");
	return 0;
}

static int
build_contacts(jv src, jv *obj, struct wa_err *err)
{
	if (jv_get_kind(src) == JV_KIND_OBJECT)
		src = JV_ARRAY(jv_copy(src));
	else
		src = jv_copy(src);
	if (jv_get_kind(src) != JV_KIND_ARRAY ||
	    jv_array_length(jv_copy(src)) == 0) {
		jv_free(src);
		return bad(err, "contacts", "needs an array of contact objects");
	}
	jv_array_foreach(src, i, c) {
		jv name = jx_get(c, "name");
		int ok = jv_get_kind(c) == JV_KIND_OBJECT &&
			 jv_get_kind(name) == JV_KIND_OBJECT;

		jv_free(name);
		jv_free(c);
		if (!ok) {
			jv_free(src);
			return bad(err, "contacts", "every contact needs a name object "
				   "({\"formatted_name\":...})");
		}
	}
	*obj = src;
	return 0;
}

/* reaction: "EMOJI" with reply_to, or {"message_id","emoji"}. */
static int
build_reaction(jv src, jv rec, jv flags, jv *obj, struct wa_err *err)
{
	jv emoji = jv_get_kind(src) == JV_KIND_OBJECT ? jx_get(src, "emoji") :
		   jv_copy(src);
	jv target = jv_get_kind(src) == JV_KIND_OBJECT ?
		    jx_get(src, "message_id") : jv_invalid();

	if (!jv_is_valid(target)) {
		jv_free(target);
		target = pick(rec, flags, "reply_to");
	}
	if (jv_get_kind(emoji) != JV_KIND_STRING ||
	    jv_get_kind(target) != JV_KIND_STRING) {
		jv_free(emoji);
		jv_free(target);
		return bad(err, "reaction", "needs an emoji (\"\" removes) and the "
			   "message it reacts to (reply_to)");
	}
	*obj = JV_OBJECT(jv_string("message_id"), target, jv_string("emoji"),
			 emoji);
	return 0;
}

static int
build_read(jv src, jv rec, jv flags, jv *obj, struct wa_err *err)
{
	jv typing = pick(rec, flags, "typing");

	if (jv_get_kind(src) != JV_KIND_STRING || !*jv_string_value(src)) {
		jv_free(typing);
		return bad(err, "mark_read", "needs the wamid of a received message");
	}
	*obj = JV_OBJECT(jv_string("message_id"), jv_copy(src));
	if (jv_get_kind(typing) == JV_KIND_TRUE)
		*obj = jv_object_set(*obj, jv_string("typing"), jv_true());
	jv_free(typing);
	return 0;
}

static int
build_content(const char *key, jv src, jv rec, jv flags, jv *type,
	      jv *obj, struct wa_err *err)
{
	/* options such as caption: the record's own, else the flags' */
	jv opts = merge_opts(rec, flags);
	const char *t = key;
	int rc;

	if (strcmp(key, "text") == 0)
		rc = build_text(src, opts, obj, err);
	else if (strcmp(key, "location") == 0)
		rc = build_location(src, opts, obj, err);
	else if (strcmp(key, "contacts") == 0)
		rc = build_contacts(src, obj, err);
	else if (strcmp(key, "reaction") == 0)
		rc = build_reaction(src, rec, flags, obj, err);
	else if (strcmp(key, "mark_read") == 0) {
		t = "read";
		rc = build_read(src, rec, flags, obj, err);
	} else if (strcmp(key, "voice") == 0) {
		t = "audio";
		rc = build_media("audio", src, opts, obj, err);
		if (rc == 0)
			*obj = jv_object_set(*obj, jv_string("voice"),
					     jv_true());
	} else {
		rc = build_media(key, src, opts, obj, err);
	}
	jv_free(opts);
	*type = jv_string(t);
	return rc;
}

/* Copies the target keys: thread_id, then to, then wa_id (strings or
 * numbers), and channel. */
static jv
copy_target(jv msg, jv rec, jv flags)
{
	static const char *const keys[] = {
		"thread_id", "to", "wa_id", "channel", "idempotency_key", NULL
	};
	jv src = rec;
	int i, any = 0;

	for (i = 0; i < 3; i++) {
		jv v = jx_get(rec, keys[i]);

		any |= jv_is_valid(v) && jv_get_kind(v) != JV_KIND_NULL;
		jv_free(v);
	}
	if (!any)
		src = flags;
	for (i = 0; keys[i]; i++) {
		jv v = i < 3 ? jx_get(src, keys[i]) : pick(rec, flags, keys[i]);
		int k = jv_get_kind(v);

		/* any key is passed on, to be taken or refused, never
		 * dropped */
		if (k == JV_KIND_STRING || k == JV_KIND_NUMBER ||
		    (i == 4 && k != JV_KIND_INVALID && k != JV_KIND_NULL))
			msg = jv_object_set(msg, jv_string(keys[i]), v);
		else
			jv_free(v);
	}
	return msg;
}

/* reply_to, when given, is a wamid: never dropped for being another
 * kind. */
static int
check_reply_to(jv rec, jv flags, struct wa_err *err)
{
	jv v = pick(rec, flags, "reply_to");
	int k = jv_get_kind(v), empty = k == JV_KIND_STRING &&
		!*jv_string_value(v);

	jv_free(v);
	if ((k != JV_KIND_STRING && k != JV_KIND_INVALID &&
	     k != JV_KIND_NULL) || empty)
		return bad(err, "reply_to", "want the wamid (a string) of the "
			   "message to answer");
	return 0;
}

int
sender_msg_from_record(jv rec, jv flags, jv *msg, struct wa_err *err)
{
	const char *second, *key = content_key2(rec, &second);
	jv src, type = jv_invalid(), obj = jv_invalid(), ctx;

	*msg = jv_invalid();
	if (jv_get_kind(rec) != JV_KIND_OBJECT)
		return bad(err, "input", "a record must be a JSON object");
	if (second)
		return wa_err_set(err, WA_EX_REJECTED, "invalid_input",
				  "%s, %s: a record holds one message; "
				  "send each in a record of its own", key,
				  second);
	if (!is_foreign(rec) && check_reply_to(rec, flags, err) < 0)
		return -1;
	if (key) {
		src = jx_get(rec, key);
	} else if ((key = content_key(flags))) {
		src = jx_get(flags, key);
	} else {
		return bad(err, "input", "nothing to send (text, image, video, "
			   "audio, voice, document, sticker, location, "
			   "contacts, reaction or mark_read)");
	}
	if (build_content(key, src, rec, flags, &type, &obj, err) < 0) {
		jv_free(src);
		jv_free(type);
		jv_free(obj);
		return -1;
	}
	jv_free(src);
	*msg = JV_OBJECT(jv_string("type"), jv_copy(type));
	*msg = jv_object_set(*msg, type, obj);
	*msg = copy_target(*msg, rec, flags);
	ctx = pick(rec, flags, "reply_to");
	if (jv_get_kind(ctx) == JV_KIND_STRING && strcmp(key, "reaction") &&
	    strcmp(key, "mark_read"))
		*msg = jv_object_set(*msg, jv_string("context"),
				     JV_OBJECT(jv_string("message_id"), ctx));
	else
		jv_free(ctx);
	return 0;
}
