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

/* Lowercase letters, digits and '_', not starting with a digit. */
static int
param_name_ok(const char *s)
{
	const char *p;

	if (!*s || isdigit((unsigned char)*s))
		return 0;
	for (p = s; *p; p++)
		if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) ||
		      *p == '_'))
			return 0;
	return 1;
}

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

/* Like bad() for placeholders and examples: template_params. */
#define bad_param(err, ...) \
	(bad((err), __VA_ARGS__), \
	 snprintf((err)->code, sizeof((err)->code), "template_params"), \
	 (err)->action = wa_err_default_action((err)->code), -1)

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

/* Placeholders of one text: format, order, adjacency, ends. Names the
 * used parameters in *ph (positional: "1".."n" all present). */
static int
check_placeholders(const char *text, const char *field, int named,
		   int is_body, struct template_phs *ph, struct wa_err *err)
{
	char *seen;
	long long v;
	int i, k, max = 0;
	size_t j;

	template_phs_scan(text, ph);
	if (ph->bad)
		return bad_param(err, field, "malformed placeholder (use "
				 "{{1}} or {{name}})");
	for (i = 0; i < ph->n; i++) {
		const char *nm = ph->v[i].name;

		if (named && template_all_digits(nm))
			return bad_param(err, field, "'{{%s}}' is positional "
					 "but parameter_format is named", nm);
		if (!named && !template_all_digits(nm))
			return bad_param(err, field, "'{{%s}}' is named but "
					 "parameter_format is positional "
					 "(set \"parameter_format\":\"named\")",
					 nm);
		if (named && !param_name_ok(nm))
			return bad_param(err, field, "'{{%s}}': parameter "
					 "names are lowercase letters, digits "
					 "and '_'", nm);
		for (k = 0; k < i; k++)
			if (strcmp(ph->v[k].name, nm) == 0)
				return bad_param(err, field, "'{{%s}}' is used "
						 "more than once", nm);
		if (!named) {
			if (parse_int(nm, 1, 1000, &v) < 0)
				return bad_param(err, field, "'{{%s}}' is out "
						 "of range", nm);
			if (v > max)
				max = (int)v;
		}
		if (i > 0) {
			for (j = ph->v[i - 1].end; j < ph->v[i].start; j++)
				if (!isspace((unsigned char)text[j]))
					break;
			if (j == ph->v[i].start)
				return bad_param(err, field, "'{{%s}}' is "
						 "adjacent to the placeholder "
						 "before it", nm);
		}
	}
	if (!named && max != ph->n) {
		seen = xcalloc((size_t)max + 1, 1);
		for (i = 0; i < ph->n; i++)
			if (parse_int(ph->v[i].name, 1, max, &v) == 0)
				seen[v] = 1;
		for (i = 1; i <= max && seen[i]; i++)
			;
		free(seen);
		char num[16];
		snprintf(num, sizeof(num), "%d", i);
		return bad_param(err, field, "placeholders must be {{1}}, "
				 "{{2}}, ... without gaps: {{%s}} is missing",
				 num);
	}
	if (is_body && ph->n > 0) {
		for (j = 0; j < ph->v[0].start; j++)
			if (!isspace((unsigned char)text[j]))
				break;
		if (j == ph->v[0].start)
			return bad_param(err, field, "the text may not start "
					 "with a placeholder");
		for (j = ph->v[ph->n - 1].end; text[j]; j++)
			if (!isspace((unsigned char)text[j]))
				break;
		if (!text[j])
			return bad_param(err, field, "the text may not end "
					 "with a placeholder");
	}
	return 0;
}

/* Positional examples: ex is example[key] = [[v1..vn]] (body) or
 * [v1] (header). Named: [{"param_name","example"}] covering every name. */
static int
check_examples(jv comp, const char *field, const char *key, int named,
	       int nested, const struct template_phs *ph, struct wa_err *err)
{
	char f[128];
	jv ex = jx_path(comp, "example", key, NULL), row;
	int i, n, rc = 0;

	snprintf(f, sizeof(f), "%s.example.%s", field, key);
	if (ph->n == 0) {
		jv_free(ex);
		return 0;
	}
	if (jv_get_kind(ex) != JV_KIND_ARRAY) {
		jv_free(ex);
		return bad_param(err, f, "missing: every parameter needs an "
				 "example value");
	}
	row = nested && !named ? jv_array_get(jv_copy(ex), 0) : jv_copy(ex);
	if (jv_get_kind(row) != JV_KIND_ARRAY) {
		rc = bad_param(err, f, "must be an array of example "
			       "values");
		goto out;
	}
	n = jv_array_length(jv_copy(row));
	if (!named) {
		char cnt[48];

		snprintf(cnt, sizeof(cnt), "%d values, got %d", ph->n, n);
		if (n != ph->n) {
			rc = bad_param(err, f, "needs %s", cnt);
			goto out;
		}
		for (i = 0; i < n && rc == 0; i++) {
			jv v = jv_array_get(jv_copy(row), i);

			if (jv_get_kind(v) != JV_KIND_STRING ||
			    !jv_string_value(v)[0])
				rc = bad_param(err, f, "example values must "
					       "be non-empty strings");
			jv_free(v);
		}
		goto out;
	}
	for (i = 0; i < ph->n && rc == 0; i++) {
		int found = 0;

		jv_array_foreach(row, k, e) {
			const char *pn = jx_cstr(e, "param_name");
			const char *pe = jx_cstr(e, "example");

			if (pn && strcmp(pn, ph->v[i].name) == 0 && pe && *pe)
				found = 1;
			(void)k;
			jv_free(e);
		}
		if (!found)
			rc = bad_param(err, f, "no example for '%s'",
				       ph->v[i].name);
	}
	jv_array_foreach(row, k, e) {
		const char *pn = jx_cstr(e, "param_name");
		int m;

		for (m = 0; rc == 0 && m < ph->n; m++)
			if (pn && strcmp(pn, ph->v[m].name) == 0)
				break;
		if (rc == 0 && m == ph->n)
			rc = bad_param(err, f, "'%s' is not a placeholder of "
				       "the text", pn ? pn : "(no param_name)");
		(void)k;
		jv_free(e);
	}
out:
	jv_free(row);
	jv_free(ex);
	return rc;
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
	rc = check_placeholders(text, f, named, 1, &ph, err);
	if (rc == 0)
		rc = check_examples(comp, field, named ?
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
		return rc ? 0 : bad_param(err, f, "a %s header needs an "
					  "example media handle", fmt);
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
	rc = check_placeholders(text, f, named, 0, &ph, err);
	if (rc == 0 && ph.n > 1)
		rc = bad_param(err, f, "a header takes at most one "
			       "parameter");
	if (rc == 0)
		rc = check_examples(comp, field, named ?
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
		return bad_param(err, f, "a footer takes no parameters");
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
		return bad_param(err, ff, "a COPY_CODE button needs an "
				 "example code");
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
		return bad_param(err, ff, "a URL takes one parameter, {{1}}, "
				 "at its end");
	ex = jx_get(b, "example");
	if (jv_get_kind(ex) != JV_KIND_ARRAY &&
	    jv_get_kind(ex) != JV_KIND_STRING) {
		jv_free(ex);
		snprintf(ff, sizeof(ff), "%s.example", f);
		return bad_param(err, ff, "a URL with {{1}} needs an example "
				 "URL");
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

