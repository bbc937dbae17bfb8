/* SPDX-License-Identifier: MIT */
/* Message templates: placeholders, parameter analysis, rendering, the record (send objects: template_build.c). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "template.h"
#include "template_int.h"
#include "jsonl.h"
#include "util.h"

void
template_phs_release(struct template_phs *p)
{
	free(p->v);
	memset(p, 0, sizeof(*p));
}

void
template_phs_scan(const char *text, struct template_phs *p)
{
	const char *s = text, *o, *c;
	size_t len;

	while ((o = strstr(s, "{{")) != NULL) {
		c = strstr(o + 2, "}}");
		if (!c) {
			p->bad = 1;
			return;
		}
		o += 2;
		while (o < c && isspace((unsigned char)*o))
			o++;
		len = (size_t)(c - o);
		while (len > 0 && isspace((unsigned char)o[len - 1]))
			len--;
		if (len == 0 || len >= TEMPLATE_PH_NAME_MAX) {
			p->bad = 1;
			s = c + 2;
			continue;
		}
		if (p->n == p->cap) {
			p->cap = p->cap ? p->cap * 2 : 8;
			p->v = xrealloc(p->v, (size_t)p->cap * sizeof(*p->v));
		}
		p->v[p->n].start = (size_t)(strstr(s, "{{") - text);
		p->v[p->n].end = (size_t)(c + 2 - text);
		memcpy(p->v[p->n].name, o, len);
		p->v[p->n].name[len] = '\0';
		p->n++;
		s = c + 2;
	}
}

int
template_all_digits(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return 0;
	return 1;
}

/* Case-insensitive s == want, NULL-safe. */
int
template_ieq(const char *s, const char *want)
{
	return s && strcasecmp(s, want) == 0;
}

static void
upper_copy(char *dst, size_t n, const char *src)
{
	size_t i;

	for (i = 0; src && src[i] && i + 1 < n; i++)
		dst[i] = (char)toupper((unsigned char)src[i]);
	dst[i] = '\0';
}

/* ---- analysis of stored templates ---- */

int
template_name_index(char **names, int n, const char *name)
{
	int i;

	for (i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return i;
	return -1;
}

static void
analyze_body(const char *text, struct template_info *info)
{
	struct template_phs p = { 0 };
	long long v;
	int i;

	template_phs_scan(text, &p);
	for (i = 0; i < p.n; i++) {
		if (!info->named) {
			if (parse_int(p.v[i].name, 1, 1000, &v) == 0 &&
			    v > info->nbody)
				info->nbody = (int)v;
			continue;
		}
		if (template_name_index(info->body, info->nbody, p.v[i].name) >= 0)
			continue;
		info->body = xrealloc(info->body, (size_t)(info->nbody + 1) *
				      sizeof(*info->body));
		info->body[info->nbody++] = xstrdup(p.v[i].name);
	}
	template_phs_release(&p);
}

static void
analyze_header(jv comp, struct template_info *info)
{
	const char *fmt = jx_cstr(comp, "format");
	const char *text = jx_cstr(comp, "text");
	struct template_phs p = { 0 };

	upper_copy(info->header, sizeof(info->header), fmt ? fmt : "TEXT");
	if (strcmp(info->header, "TEXT") != 0 || !text)
		return;
	template_phs_scan(text, &p);
	if (p.n > 0) {
		info->nheader = 1;
		if (info->named)
			info->header_name = xstrdup(p.v[0].name);
	}
	template_phs_release(&p);
}

static void
analyze_buttons(jv comp, struct template_info *info)
{
	jv list = jx_get(comp, "buttons");
	int i, n;

	if (jv_get_kind(list) != JV_KIND_ARRAY) {
		jv_free(list);
		return;
	}
	n = jv_array_length(jv_copy(list));
	for (i = 0; i < n && info->nbuttons < TEMPLATE_MAX_BUTTONS; i++) {
		jv b = jv_array_get(jv_copy(list), i);
		struct template_button *tb = &info->buttons[info->nbuttons++];
		const char *url = jx_cstr(b, "url");

		tb->index = i;
		upper_copy(tb->type, sizeof(tb->type), jx_cstr(b, "type"));
		if (strcmp(tb->type, "URL") == 0)
			tb->takes = tb->required = url && strstr(url, "{{");
		else if (strcmp(tb->type, "COPY_CODE") == 0)
			tb->takes = tb->required = 1;
		else if (strcmp(tb->type, "FLOW") == 0 ||
			 strcmp(tb->type, "QUICK_REPLY") == 0)
			tb->takes = 1;
		jv_free(b);
	}
	jv_free(list);
}

/* Named when Meta says so, or when a placeholder is not a number. */
static int
guess_named(jv tpl, jv comps)
{
	const char *pf = jx_cstr(tpl, "parameter_format");
	int named = 0;

	if (pf)
		return template_ieq(pf, "NAMED");
	jv_array_foreach(comps, i, c) {
		const char *text = jx_cstr(c, "text");
		struct template_phs p = { 0 };
		int k;

		if (text) {
			template_phs_scan(text, &p);
			for (k = 0; k < p.n; k++)
				if (!template_all_digits(p.v[k].name))
					named = 1;
			template_phs_release(&p);
		}
		(void)i;
		jv_free(c);
	}
	return named;
}

void
template_analyze(jv tpl, struct template_info *info)
{
	jv comps = jx_get(tpl, "components");

	memset(info, 0, sizeof(*info));
	if (jv_get_kind(comps) != JV_KIND_ARRAY) {
		jv_free(comps);
		return;
	}
	info->named = guess_named(tpl, comps);
	jv_array_foreach(comps, i, c) {
		const char *type = jx_cstr(c, "type");
		const char *text = jx_cstr(c, "text");

		if (template_ieq(type, "BODY") && text)
			analyze_body(text, info);
		else if (template_ieq(type, "HEADER"))
			analyze_header(c, info);
		else if (template_ieq(type, "BUTTONS"))
			analyze_buttons(c, info);
		(void)i;
		jv_free(c);
	}
	jv_free(comps);
}

void
template_info_release(struct template_info *info)
{
	int i;

	for (i = 0; info->body && i < info->nbody; i++)
		free(info->body[i]);
	free(info->body);
	free(info->header_name);
	memset(info, 0, sizeof(*info));
}

static jv
info_body_json(const struct template_info *info)
{
	jv a = jv_array();
	char buf[16];
	int i;

	for (i = 0; i < info->nbody; i++) {
		if (info->named) {
			a = jv_array_append(a, jv_string(info->body[i]));
			continue;
		}
		snprintf(buf, sizeof(buf), "%d", i + 1);
		a = jv_array_append(a, jv_string(buf));
	}
	return a;
}

jv
template_info_json(const struct template_info *info)
{
	jv header = jv_null(), buttons = jv_array();
	int i;

	if (info->header[0]) {
		header = JV_OBJECT(jv_string("format"),
				   jv_string(info->header));
		if (info->nheader)
			header = jv_object_set(header, jv_string("param"),
					       jv_string(info->header_name ?
							 info->header_name :
							 "1"));
	}
	for (i = 0; i < info->nbuttons; i++) {
		const struct template_button *b = &info->buttons[i];

		if (!b->takes)
			continue;
		buttons = jv_array_append(buttons,
			JV_OBJECT(jv_string("index"), jv_number(b->index),
				  jv_string("type"), jv_string(b->type),
				  jv_string("required"),
				  jv_bool(b->required)));
	}
	return JV_OBJECT(jv_string("format"),
			 jv_string(info->named ? "named" : "positional"),
			 jv_string("count"), jv_number(info->nbody),
			 jv_string("body"), info_body_json(info),
			 jv_string("header"), header,
			 jv_string("buttons"), buttons);
}

/* Text of a parameter value for rendering (owned), or invalid. */
static jv
render_value(jv params, const char *key, int pos)
{
	jv v;

	if (jv_get_kind(params) == JV_KIND_ARRAY) {
		if (pos < 0 || pos >= jv_array_length(jv_copy(params)))
			return jv_invalid();
		v = jv_array_get(jv_copy(params), pos);
	} else
		v = jx_get(params, key);
	if (jv_get_kind(v) == JV_KIND_STRING)
		return v;
	if (jv_get_kind(v) == JV_KIND_NUMBER)
		return jv_dump_string(v, 0);
	if (jv_get_kind(v) == JV_KIND_OBJECT) {
		jv t = jx_get(v, "text");

		if (jv_get_kind(t) != JV_KIND_STRING) {
			jv vals = jv_array();

			jv_free(t);
			/* currency, date_time: {"fallback_value":...} */
			jv_object_foreach(v, k, o) {
				jv fb = jx_get(o, "fallback_value");

				if (jv_get_kind(fb) == JV_KIND_STRING)
					vals = jv_array_append(vals, fb);
				else
					jv_free(fb);
				jv_free(k);
				jv_free(o);
			}
			t = jv_array_length(jv_copy(vals)) > 0 ?
			    jv_array_get(jv_copy(vals), 0) : jv_invalid();
			jv_free(vals);
		}
		jv_free(v);
		return t;
	}
	jv_free(v);
	return jv_invalid();
}

jv
template_render(jv tpl, jv params)
{
	struct strbuf sb = STRBUF_INIT;
	struct template_phs p = { 0 };
	const char *text = NULL;
	jv comps = jx_get(tpl, "components"), out;
	size_t at = 0;
	long long n;
	int i;

	if (jv_get_kind(comps) == JV_KIND_ARRAY)
		jv_array_foreach(comps, k, c) {
			if (!text && template_ieq(jx_cstr(c, "type"), "BODY"))
				text = jx_cstr(c, "text");
			(void)k;
			jv_free(c);
		}
	if (!text) {
		jv_free(comps);
		return jv_string("");
	}
	template_phs_scan(text, &p);
	for (i = 0; i < p.n; i++) {
		jv v;

		if (parse_int(p.v[i].name, 1, 1000, &n) < 0)
			n = 0;
		v = render_value(params, p.v[i].name, (int)n - 1);
		sb_add(&sb, text + at, p.v[i].start - at);
		if (jv_is_valid(v))
			sb_adds(&sb, jv_string_value(v));
		else
			sb_add(&sb, text + p.v[i].start,
			       p.v[i].end - p.v[i].start);
		at = p.v[i].end;
		jv_free(v);
	}
	sb_adds(&sb, text + at);
	template_phs_release(&p);
	out = jv_string(sb_str(&sb));
	sb_release(&sb);
	jv_free(comps);
	return out;
}

jv
template_json(jv t, int full)
{
	struct template_info info;

	template_analyze(t, &info);
	if (full) {
		t = jv_object_set(t, jv_string("params"),
				  template_info_json(&info));
	} else {
		t = jv_object_delete(t, jv_string("components"));
		t = jv_object_set(t, jv_string("params"),
				  jv_number(info.nbody));
	}
	template_info_release(&info);
	return t;
}
