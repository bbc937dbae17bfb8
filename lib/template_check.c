/* SPDX-License-Identifier: MIT */
/* Offline checks of a template create payload, the way Meta would refuse it. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "template.h"
#include "template_int.h"
#include "jsonl.h"
#include "util.h"

/* ---- offline checks of a create payload ---- */

__attribute__((format(printf, 3, 4))) static int
bad(struct wa_err *err, const char *field, const char *fmt, ...)
{
	char msg[384];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return wa_err_set(err, WA_EX_REJECTED, "invalid_input", "%s: %s",
			  field, msg);
}

int
template_bad_param(struct wa_err *err, const char *field, const char *fmt,
		   ...)
{
	char msg[384];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	bad(err, field, "%s", msg);
	snprintf(err->code, sizeof(err->code), "template_params");
	err->action = wa_err_default_action(err->code);
	return -1;
}

static int
check_name(jv tpl, struct wa_err *err)
{
	const char *name = jx_cstr(tpl, "name");
	const char *p;

	if (!name || !*name)
		return bad(err, "name", "missing");
	if (strlen(name) > TEMPLATE_NAME_MAX)
		return bad(err, "name", "longer than 512 characters");
	for (p = name; *p; p++)
		if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) ||
		      *p == '_'))
			return bad(err, "name", "'%s' may hold only lowercase "
				   "letters, digits and '_'", name);
	return 0;
}

static int
check_head(jv tpl, int *named, struct wa_err *err)
{
	const char *cat = jx_cstr(tpl, "category");
	const char *lang = jx_cstr(tpl, "language");
	const char *pf = jx_cstr(tpl, "parameter_format");
	jv v;
	const char *p;

	if (check_name(tpl, err) < 0)
		return -1;
	if (!cat)
		return bad(err, "category", "missing (MARKETING, UTILITY or "
			   "AUTHENTICATION)");
	if (!template_ieq(cat, "MARKETING") && !template_ieq(cat, "UTILITY") &&
	    !template_ieq(cat, "AUTHENTICATION"))
		return bad(err, "category", "'%s' is not MARKETING, UTILITY "
			   "or AUTHENTICATION", cat);
	if (!lang || !*lang)
		return bad(err, "language", "missing (e.g. en_US)");
	for (p = lang; *p; p++)
		if (!isalpha((unsigned char)*p) && *p != '_')
			return bad(err, "language", "'%s' is not a language "
				   "code like en_US", lang);
	v = jx_get(tpl, "parameter_format");
	if (jv_is_valid(v) && !pf) {
		jv_free(v);
		return bad(err, "parameter_format", "must be a string");
	}
	jv_free(v);
	if (pf && !template_ieq(pf, "NAMED") && !template_ieq(pf, "POSITIONAL"))
		return bad(err, "parameter_format", "'%s' is not named or "
			   "positional", pf);
	*named = template_ieq(pf, "NAMED");
	return 0;
}

static int
check_text_len(jv comp, const char *field, size_t max, int required,
	       const char **text, struct wa_err *err)
{
	char f[96], lim[48];

	*text = jx_cstr(comp, "text");
	snprintf(f, sizeof(f), "%s.text", field);
	if (!*text) {
		if (required)
			return bad(err, f, "missing");
		return 0;
	}
	if (!**text && required)
		return bad(err, f, "empty");
	snprintf(lim, sizeof(lim), "%zu", max);
	if (utf8_len(*text) > max)
		return bad(err, f, "longer than %s characters", lim);
	return 0;
}

static int
check_body(jv comp, const char *field, int named, int auth,
	   struct wa_err *err)
{
	struct template_phs ph = { 0 };
	const char *text;
	char f[96];
	int rc;

	if (check_text_len(comp, field, TEMPLATE_BODY_MAX, !auth, &text,
			   err) < 0)
		return -1;
	if (!text)
		return 0;
	snprintf(f, sizeof(f), "%s.text", field);
	rc = template_check_placeholders(text, f, named, 1, &ph, err);
	if (rc == 0)
		rc = template_check_examples(comp, field, named ?
				    "body_text_named_params" : "body_text",
				    named, 1, &ph, err);
	template_phs_release(&ph);
	return rc;
}

static int
check_header(jv comp, const char *field, int named, struct wa_err *err)
{
	const char *fmt = jx_cstr(comp, "format"), *text;
	struct template_phs ph = { 0 };
	char f[96];
	jv h;
	int rc;

	snprintf(f, sizeof(f), "%s.format", field);
	if (!fmt)
		return bad(err, f, "missing (TEXT, IMAGE, VIDEO, DOCUMENT or "
			   "LOCATION)");
	if (template_ieq(fmt, "IMAGE") || template_ieq(fmt, "VIDEO") || template_ieq(fmt, "DOCUMENT")) {
		h = jx_path(comp, "example", "header_handle", NULL);
		rc = jv_get_kind(h) == JV_KIND_ARRAY &&
		     jv_array_length(jv_copy(h)) > 0;
		jv_free(h);
		snprintf(f, sizeof(f), "%s.example.header_handle", field);
		return rc ? 0 : template_bad_param(err, f, "a %s header needs "
						   "an example media handle",
						   fmt);
	}
	if (template_ieq(fmt, "LOCATION"))
		return 0;
	if (!template_ieq(fmt, "TEXT"))
		return bad(err, f, "'%s' is not TEXT, IMAGE, VIDEO, DOCUMENT "
			   "or LOCATION", fmt);
	if (check_text_len(comp, field, TEMPLATE_HEADER_MAX, 1, &text,
			   err) < 0)
		return -1;
	snprintf(f, sizeof(f), "%s.text", field);
	rc = template_check_placeholders(text, f, named, 0, &ph, err);
	if (rc == 0 && ph.n > 1)
		rc = template_bad_param(err, f, "a header takes at most one "
					"parameter");
	if (rc == 0)
		rc = template_check_examples(comp, field, named ?
				    "header_text_named_params" : "header_text",
				    named, 0, &ph, err);
	template_phs_release(&ph);
	return rc;
}

static int
check_footer(jv comp, const char *field, struct wa_err *err)
{
	const char *text;
	char f[96];

	if (check_text_len(comp, field, TEMPLATE_FOOTER_MAX, 1, &text,
			   err) < 0)
		return -1;
	snprintf(f, sizeof(f), "%s.text", field);
	if (strstr(text, "{{"))
		return template_bad_param(err, f, "a footer takes no "
					  "parameters");
	return 0;
}

static int
check_button(jv b, const char *f, struct wa_err *err)
{
	const char *type = jx_cstr(b, "type"), *text, *url;
	char ff[128];
	jv ex;

	snprintf(ff, sizeof(ff), "%s.type", f);
	if (!type)
		return bad(err, ff, "missing");
	if (template_ieq(type, "QUICK_REPLY") || template_ieq(type, "URL") ||
	    template_ieq(type, "PHONE_NUMBER") || template_ieq(type, "FLOW"))
		if (check_text_len(b, f, 25, 1, &text, err) < 0)
			return -1;
	if (template_ieq(type, "PHONE_NUMBER") && !jx_cstr(b, "phone_number")) {
		snprintf(ff, sizeof(ff), "%s.phone_number", f);
		return bad(err, ff, "missing");
	}
	ex = jx_get(b, "example");
	if (template_ieq(type, "COPY_CODE") && !jv_is_valid(ex)) {
		jv_free(ex);
		snprintf(ff, sizeof(ff), "%s.example", f);
		return template_bad_param(err, ff, "a COPY_CODE button needs "
					  "an example code");
	}
	jv_free(ex);
	if (!template_ieq(type, "URL"))
		return 0;
	url = jx_cstr(b, "url");
	snprintf(ff, sizeof(ff), "%s.url", f);
	if (!url || !*url)
		return bad(err, ff, "missing");
	if (!strstr(url, "{{"))
		return 0;
	if (!strstr(url, "{{1}}") ||
	    strcmp(url + strlen(url) - 5, "{{1}}") != 0 ||
	    strstr(url, "{{1}}") != url + strlen(url) - 5)
		return template_bad_param(err, ff, "a URL takes one "
					  "parameter, {{1}}, at its end");
	ex = jx_get(b, "example");
	if (jv_get_kind(ex) != JV_KIND_ARRAY &&
	    jv_get_kind(ex) != JV_KIND_STRING) {
		jv_free(ex);
		snprintf(ff, sizeof(ff), "%s.example", f);
		return template_bad_param(err, ff, "a URL with {{1}} needs an "
					  "example URL");
	}
	jv_free(ex);
	return 0;
}

static int
check_buttons(jv comp, const char *field, struct wa_err *err)
{
	jv list = jx_get(comp, "buttons");
	char f[96];
	int n, rc = 0;

	snprintf(f, sizeof(f), "%s.buttons", field);
	if (jv_get_kind(list) != JV_KIND_ARRAY ||
	    (n = jv_array_length(jv_copy(list))) == 0) {
		jv_free(list);
		return bad(err, f, "must be a non-empty array");
	}
	if (n > TEMPLATE_MAX_BUTTONS) {
		jv_free(list);
		return bad(err, f, "more than 10 buttons");
	}
	jv_array_foreach(list, i, b) {
		char bf[112];

		snprintf(bf, sizeof(bf), "%s[%d]", f, i);
		if (rc == 0 && jv_get_kind(b) != JV_KIND_OBJECT)
			rc = bad(err, bf, "must be an object");
		else if (rc == 0)
			rc = check_button(b, bf, err);
		jv_free(b);
	}
	jv_free(list);
	return rc;
}

static int
check_component(jv c, int i, int named, int auth, int *seen,
		struct wa_err *err)
{
	static const char *const types[] = { "HEADER", "BODY", "FOOTER",
					     "BUTTONS" };
	const char *type = jx_cstr(c, "type");
	char f[64];
	int t;

	snprintf(f, sizeof(f), "components[%d]", i);
	if (jv_get_kind(c) != JV_KIND_OBJECT)
		return bad(err, f, "must be an object");
	for (t = 0; t < 4; t++)
		if (template_ieq(type, types[t]))
			break;
	if (t == 4) {
		snprintf(f, sizeof(f), "components[%d].type", i);
		return bad(err, f, "'%s' is not HEADER, BODY, FOOTER or "
			   "BUTTONS", type ? type : "(missing)");
	}
	if (seen[t]++)
		return bad(err, f, "a second %s", types[t]);
	switch (t) {
	case 0:
		return check_header(c, f, named, err);
	case 1:
		return check_body(c, f, named, auth, err);
	case 2:
		return check_footer(c, f, err);
	default:
		return check_buttons(c, f, err);
	}
}

int
template_validate(jv tpl, struct wa_err *err)
{
	int named = 0, seen[4] = { 0 }, rc = 0, auth;
	jv comps;

	if (jv_get_kind(tpl) != JV_KIND_OBJECT)
		return bad(err, "template", "must be a JSON object");
	if (check_head(tpl, &named, err) < 0)
		return -1;
	auth = template_ieq(jx_cstr(tpl, "category"), "AUTHENTICATION");
	comps = jx_get(tpl, "components");
	if (jv_get_kind(comps) != JV_KIND_ARRAY ||
	    jv_array_length(jv_copy(comps)) == 0) {
		jv_free(comps);
		return bad(err, "components", "must be a non-empty array");
	}
	jv_array_foreach(comps, i, c) {
		if (rc == 0)
			rc = check_component(c, i, named, auth, seen, err);
		jv_free(c);
	}
	jv_free(comps);
	if (rc == 0 && seen[1] == 0)
		rc = bad(err, "components", "exactly one BODY is needed");
	return rc;
}

