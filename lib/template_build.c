/* SPDX-License-Identifier: MIT */
/* The send object of a template message: parameters checked against the template; body, header and buttons built. */
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "template.h"
#include "template_int.h"
#include "jsonl.h"
#include "util.h"

__attribute__((format(printf, 4, 5))) static int
param_err(struct wa_err *err, const char *name, const char *lang,
	  const char *fmt, ...)
{
	char msg[384];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return wa_err_set(err, WA_EX_REJECTED, "template_params",
			  "template '%s' (%s): %s", name, lang, msg);
}

/* A parameter value as Graph's parameter object (owned), or invalid. */
static jv
param_value(jv v, const char *pname)
{
	jv p;

	switch (jv_get_kind(v)) {
	case JV_KIND_STRING:
		if (!jv_string_value(v)[0])
			return jv_invalid();
		p = JV_OBJECT(jv_string("type"), jv_string("text"),
			      jv_string("text"), jv_copy(v));
		break;
	case JV_KIND_NUMBER:
		p = JV_OBJECT(jv_string("type"), jv_string("text"),
			      jv_string("text"), jv_dump_string(jv_copy(v), 0));
		break;
	case JV_KIND_OBJECT:
		if (!jx_cstr(v, "type"))
			return jv_invalid();
		p = jv_copy(v);
		break;
	default:
		return jv_invalid();
	}
	if (pname && !jx_cstr(p, "parameter_name"))
		p = jv_object_set(p, jv_string("parameter_name"),
				  jv_string(pname));
	return p;
}

static int
kind_count(jv v)
{
	jv_kind k = jv_get_kind(v);

	if (k == JV_KIND_ARRAY)
		return jv_array_length(jv_copy(v));
	if (k == JV_KIND_OBJECT)
		return jv_object_length(jv_copy(v));
	return 0;
}

/* Named or {"1":..} keys of params that the template does not know. */
static int
unknown_keys(const struct template_info *info, jv params, const char *name,
	     const char *lang, struct wa_err *err)
{
	long long v;
	int rc = 0;

	jv_object_foreach(params, k, val) {
		const char *ks = jv_string_value(k);
		int known = info->named ?
			template_name_index(info->body, info->nbody, ks) >= 0 :
			parse_int(ks, 1, info->nbody, &v) == 0;

		if (!known && rc == 0)
			rc = param_err(err, name, lang, info->nbody ?
				       "unknown parameter '%s'" :
				       "unknown parameter '%s': it takes no "
				       "body parameters", ks);
		jv_free(k);
		jv_free(val);
	}
	return rc;
}

static jv
expected_list(const struct template_info *info)
{
	struct strbuf sb = STRBUF_INIT;
	jv s;
	int i;

	for (i = 0; i < info->nbody; i++) {
		if (info->named)
			sb_addf(&sb, "%s%s", i ? ", " : "", info->body[i]);
		else
			sb_addf(&sb, "%s{{%d}}", i ? ", " : "", i + 1);
	}
	s = jv_string(info->nbody ? sb_str(&sb) : "none");
	sb_release(&sb);
	return s;
}

/* The body component's parameters (owned array) into *out. */
static int
build_body(const struct template_info *info, const char *name,
	   const char *lang, jv params, jv *out, struct wa_err *err)
{
	jv_kind k = jv_get_kind(params);
	jv list = jv_array(), want = expected_list(info);
	char got[64], key[16];
	int i, rc = 0;

	if (k == JV_KIND_INVALID || k == JV_KIND_NULL)
		params = jv_array();
	else
		params = jv_copy(params);
	k = jv_get_kind(params);
	if (k != JV_KIND_ARRAY && k != JV_KIND_OBJECT) {
		rc = param_err(err, name, lang, "\"params\" must be an array "
			       "or an object");
		goto out;
	}
	if (info->named && k == JV_KIND_ARRAY && kind_count(params) > 0) {
		rc = param_err(err, name, lang, "it takes named parameters "
			       "(%s), not a list", jv_string_value(want));
		goto out;
	}
	if (k == JV_KIND_OBJECT && (rc = unknown_keys(info, params, name,
						       lang, err)) < 0)
		goto out;
	if (k == JV_KIND_ARRAY && kind_count(params) != info->nbody) {
		snprintf(got, sizeof(got), "got %d", kind_count(params));
		rc = param_err(err, name, lang, "needs body parameters %s; "
			       "%s", jv_string_value(want), got);
		goto out;
	}
	for (i = 0; i < info->nbody && rc == 0; i++) {
		jv v;

		snprintf(key, sizeof(key), "%d", i + 1);
		if (k == JV_KIND_ARRAY)
			v = jv_array_get(jv_copy(params), i);
		else
			v = jx_get(params, info->named ? info->body[i] : key);
		if (!jv_is_valid(v))
			rc = param_err(err, name, lang, "missing parameter "
				       "'%s' (needs %s)", info->named ?
				       info->body[i] : key,
				       jv_string_value(want));
		else {
			jv p = param_value(v, info->named ? info->body[i] :
					   NULL);

			if (!jv_is_valid(p))
				rc = param_err(err, name, lang, "parameter '%s'"
					       " must be a non-empty string, "
					       "a number or a parameter "
					       "object", info->named ?
					       info->body[i] : key);
			if (jv_is_valid(p))
				list = jv_array_append(list, p);
		}
		jv_free(v);
	}
out:
	jv_free(want);
	jv_free(params);
	if (rc < 0) {
		jv_free(list);
		return -1;
	}
	*out = list;
	return 0;
}

static jv
component(const char *type, jv params)
{
	return JV_OBJECT(jv_string("type"), jv_string(type),
			 jv_string("parameters"), params);
}

static int
build_media_header(const struct template_info *info, const char *name,
		   const char *lang, jv media, jv *out, struct wa_err *err)
{
	char want[16];
	const char *type = jx_cstr(media, "type");
	jv obj;
	size_t i;

	for (i = 0; info->header[i] && i + 1 < sizeof(want); i++)
		want[i] = (char)tolower((unsigned char)info->header[i]);
	want[i] = '\0';
	if (!type || strcmp(type, want) != 0)
		return param_err(err, name, lang, "its header is %s, not %s",
				 want, type ? type : "(none)");
	obj = jv_object();
	jv_object_foreach(media, k, v) {
		if (strcmp(jv_string_value(k), "type") == 0) {
			jv_free(k);
			jv_free(v);
		} else
			obj = jv_object_set(obj, k, v);
	}
	*out = JV_OBJECT(jv_string("type"), jv_string(want),
			 jv_string(want), obj);
	return 0;
}

/* The header component (owned) or jv_null() when it needs none. */
static int
build_header(const struct template_info *info, const char *name,
	     const char *lang, const struct template_args *a, jv *out,
	     struct wa_err *err)
{
	int has_text = jv_get_kind(a->header_text) == JV_KIND_STRING;
	int has_media = jv_get_kind(a->header_media) == JV_KIND_OBJECT;
	int has_loc = jv_get_kind(a->header_location) == JV_KIND_OBJECT;
	int media = strcmp(info->header, "IMAGE") == 0 ||
		    strcmp(info->header, "VIDEO") == 0 ||
		    strcmp(info->header, "DOCUMENT") == 0;
	jv p;

	*out = jv_null();
	if (has_text && !info->nheader)
		return param_err(err, name, lang, "it takes no header text "
				 "parameter");
	if (has_media && !media)
		return param_err(err, name, lang, "it has no media header "
				 "(header: %s)", info->header[0] ?
				 info->header : "none");
	if (has_loc && strcmp(info->header, "LOCATION") != 0)
		return param_err(err, name, lang, "it has no location "
				 "header");
	if (info->nheader) {
		if (!has_text || !jv_string_value(a->header_text)[0])
			return param_err(err, name, lang, "missing header "
					 "parameter '%s'", info->header_name ?
					 info->header_name : "1");
		p = param_value(a->header_text, info->header_name);
		*out = component("header", JV_ARRAY(p));
	} else if (media) {
		if (!has_media)
			return param_err(err, name, lang, "missing header %s "
					 "(it has a %s header)", info->header,
					 info->header);
		if (build_media_header(info, name, lang, a->header_media, &p,
				       err) < 0)
			return -1;
		*out = component("header", JV_ARRAY(p));
	} else if (strcmp(info->header, "LOCATION") == 0) {
		if (!has_loc)
			return param_err(err, name, lang, "missing header "
					 "location");
		p = JV_OBJECT(jv_string("type"), jv_string("location"),
			      jv_string("location"),
			      jv_copy(a->header_location));
		*out = component("header", JV_ARRAY(p));
	}
	return 0;
}

/* The value given for button idx (owned; invalid when none). */
static jv
button_arg(jv buttons, int idx)
{
	char key[16];

	if (jv_get_kind(buttons) == JV_KIND_ARRAY) {
		if (idx >= jv_array_length(jv_copy(buttons)))
			return jv_invalid();
		jv v = jv_array_get(jv_copy(buttons), idx);
		if (jv_get_kind(v) == JV_KIND_NULL) {
			jv_free(v);
			return jv_invalid();
		}
		return v;
	}
	snprintf(key, sizeof(key), "%d", idx);
	return jx_get(buttons, key);
}

static int
check_button_keys(const struct template_info *info, const char *name,
		  const char *lang, jv buttons, struct wa_err *err)
{
	long long idx;
	int rc = 0, i;

	if (jv_get_kind(buttons) == JV_KIND_ARRAY) {
		jv_array_foreach(buttons, k, v) {
			int takes = k < info->nbuttons &&
				    info->buttons[k].takes;
			char ks[16];

			snprintf(ks, sizeof(ks), "%d", k);
			if (rc == 0 && jv_get_kind(v) != JV_KIND_NULL &&
			    !takes)
				rc = param_err(err, name, lang, "button %s "
					       "takes no parameter", ks);
			jv_free(v);
		}
		return rc;
	}
	if (jv_get_kind(buttons) != JV_KIND_OBJECT)
		return 0;
	jv_object_foreach(buttons, k, v) {
		const char *ks = jv_string_value(k);

		if (rc == 0) {
			if (parse_int(ks, 0, TEMPLATE_MAX_BUTTONS - 1, &idx) < 0)
				rc = param_err(err, name, lang, "button index "
					       "'%s' is not 0-9", ks);
			else {
				for (i = 0; i < info->nbuttons; i++)
					if (info->buttons[i].index == idx &&
					    info->buttons[i].takes)
						break;
				if (i == info->nbuttons)
					rc = param_err(err, name, lang,
						       "button %s takes no "
						       "parameter", ks);
			}
		}
		jv_free(k);
		jv_free(v);
	}
	return rc;
}

static jv
button_param(const char *type, jv v)
{
	if (strcmp(type, "COPY_CODE") == 0)
		return JV_OBJECT(jv_string("type"), jv_string("coupon_code"),
				 jv_string("coupon_code"), v);
	if (strcmp(type, "QUICK_REPLY") == 0)
		return JV_OBJECT(jv_string("type"), jv_string("payload"),
				 jv_string("payload"), v);
	if (strcmp(type, "FLOW") == 0) {
		if (jv_get_kind(v) != JV_KIND_OBJECT)
			v = JV_OBJECT(jv_string("flow_token"), v);
		return JV_OBJECT(jv_string("type"), jv_string("action"),
				 jv_string("action"), v);
	}
	return JV_OBJECT(jv_string("type"), jv_string("text"),
			 jv_string("text"), v);
}

/* Appends one component per button given a parameter to comps. */
static int
build_buttons(const struct template_info *info, const char *name,
	      const char *lang, jv buttons, jv *comps, struct wa_err *err)
{
	char idx[16], sub[24];
	int i;
	size_t j;

	if (jv_is_valid(buttons) && jv_get_kind(buttons) != JV_KIND_NULL &&
	    jv_get_kind(buttons) != JV_KIND_OBJECT &&
	    jv_get_kind(buttons) != JV_KIND_ARRAY)
		return param_err(err, name, lang, "\"button_params\" must be "
				 "an object or an array");
	if (check_button_keys(info, name, lang, buttons, err) < 0)
		return -1;
	for (i = 0; i < info->nbuttons; i++) {
		const struct template_button *b = &info->buttons[i];
		jv v = b->takes ? button_arg(buttons, b->index) : jv_invalid();
		jv_kind k = jv_get_kind(v);

		snprintf(idx, sizeof(idx), "%d", b->index);
		if (!jv_is_valid(v)) {
			if (b->required)
				return param_err(err, name, lang, "button %s "
						 "(%s) needs a parameter", idx,
						 b->type);
			continue;
		}
		if ((k != JV_KIND_STRING || !jv_string_value(v)[0]) &&
		    !(k == JV_KIND_OBJECT && strcmp(b->type, "FLOW") == 0)) {
			jv_free(v);
			return param_err(err, name, lang, "button %s parameter "
					 "must be a non-empty string", idx);
		}
		for (j = 0; b->type[j] && j + 1 < sizeof(sub); j++)
			sub[j] = (char)tolower((unsigned char)b->type[j]);
		sub[j] = '\0';
		*comps = jv_array_append(*comps, JV_OBJECT(
			jv_string("type"), jv_string("button"),
			jv_string("sub_type"), jv_string(sub),
			jv_string("index"), jv_string(idx),
			jv_string("parameters"),
			JV_ARRAY(button_param(b->type, v))));
	}
	return 0;
}

int
template_build(const struct template_info *info, const char *name,
	       const char *language, const struct template_args *args,
	       jv *out, struct wa_err *err)
{
	jv comps = jv_array(), header, body;

	*out = jv_invalid();
	if (build_header(info, name, language, args, &header, err) < 0)
		goto fail;
	if (jv_get_kind(header) == JV_KIND_OBJECT)
		comps = jv_array_append(comps, header);
	else
		jv_free(header);
	if (build_body(info, name, language, args->params, &body, err) < 0)
		goto fail;
	if (info->nbody > 0)
		comps = jv_array_append(comps, component("body", body));
	else
		jv_free(body);
	if (build_buttons(info, name, language, args->buttons, &comps,
			  err) < 0)
		goto fail;
	*out = JV_OBJECT(jv_string("name"), jv_string(name),
			 jv_string("language"),
			 JV_OBJECT(jv_string("code"), jv_string(language)));
	if (jv_array_length(jv_copy(comps)) > 0)
		*out = jv_object_set(*out, jv_string("components"), comps);
	else
		jv_free(comps);
	return 0;
fail:
	jv_free(comps);
	return -1;
}
