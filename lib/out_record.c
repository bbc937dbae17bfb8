/* SPDX-License-Identifier: MIT */
/* One record on a terminal: aligned key: value lines, long values wrapped, objects as JSON. */
#include <stdlib.h>
#include <string.h>
#include "out_int.h"
#include "jsonl.h"
#include "util.h"

struct pair {
	char *title;	/* owned */
	jv v;		/* owned */
	int fmt;	/* of its column */
};

struct pairs {
	struct pair *p;
	int n, cap;
};

static void
add(struct pairs *ps, const char *title, jv v, int fmt)
{
	if (ps->n == ps->cap) {
		ps->cap = ps->cap ? 2 * ps->cap : 16;
		ps->p = xrealloc(ps->p, (size_t)ps->cap * sizeof(*ps->p));
	}
	ps->p[ps->n].title = xstrdup(title);
	ps->p[ps->n].v = v;
	ps->p[ps->n].fmt = fmt;
	ps->n++;
}

/* Every key of rec (borrowed); an object's keys one level down as
 * "key.sub". */
static void
all_keys(struct pairs *ps, jv rec)
{
	struct strbuf sb = STRBUF_INIT;

	jv_object_foreach(rec, k, v) {
		if (jv_get_kind(v) == JV_KIND_OBJECT &&
		    jv_object_length(jv_copy(v)) > 0) {
			jv_object_foreach(v, k2, v2) {
				sb_reset(&sb);
				sb_addf(&sb, "%s.%s", jv_string_value(k),
					jv_string_value(k2));
				add(ps, sb_str(&sb), v2, 0);
				jv_free(k2);
			}
			jv_free(v);
		} else {
			add(ps, jv_string_value(k), v, 0);
		}
		jv_free(k);
	}
	sb_release(&sb);
}

/* An object or array: one line when it fits, else indented JSON. */
static void
print_json(struct out *o, jv v, int col)
{
	jv d = jv_dump_string(jv_copy(v), 0);
	char *s, *p, *nl;

	if (out_text_width(jv_string_value(d)) > o->width - col) {
		jv_free(d);
		d = jv_dump_string(jv_copy(v), JV_PRINT_INDENT_FLAGS(2));
	}
	s = out_text_clean(jv_string_value(d), 1);
	jv_free(d);
	for (p = s; (nl = strchr(p, '\n')) != NULL; p = nl + 1)
		fprintf(o->fp, "%.*s\n%*s", (int)(nl - p), p, col, "");
	fprintf(o->fp, "%s\n", p);
	free(s);
}

void
out_record_print(struct out *o, jv rec)
{
	struct pairs ps = { NULL, 0, 0 };
	int i, w = 0, col;
	char *text;

	if (o->cols) {
		for (i = 0; o->cols[i].key; i++) {
			jv v = out_get(rec, o->cols[i].key);
			int optional = o->cols[i].fmt & OUT_DROP(15);

			if (jv_is_valid(v) && !(optional &&
			    jv_get_kind(v) == JV_KIND_NULL))
				add(&ps, o->cols[i].title, v, o->cols[i].fmt);
			else
				jv_free(v);
		}
	} else if (jv_get_kind(rec) == JV_KIND_OBJECT) {
		all_keys(&ps, rec);
	}
	for (i = 0; i < ps.n; i++)
		if (out_text_width(ps.p[i].title) > w)
			w = out_text_width(ps.p[i].title);
	col = w + 3;	/* "key:" and two spaces */
	if (o->gap || o->printed)
		putc('\n', o->fp);
	for (i = 0; i < ps.n; i++) {
		fprintf(o->fp, "%s:%*s", ps.p[i].title,
			col - 1 - out_text_width(ps.p[i].title), "");
		if (jv_get_kind(ps.p[i].v) == JV_KIND_OBJECT ||
		    jv_get_kind(ps.p[i].v) == JV_KIND_ARRAY) {
			print_json(o, ps.p[i].v, col);
			jv_free(ps.p[i].v);
		} else {
			text = out_cell(o, ps.p[i].v, ps.p[i].fmt | OUT_BODY);
			out_text_wrap(o->fp, text, col, o->width);
			free(text);
		}
		free(ps.p[i].title);
	}
	free(ps.p);
	o->printed++;
}
