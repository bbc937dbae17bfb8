/* SPDX-License-Identifier: MIT */
/* Stage 1 of ingest: a delivery's bytes into a plan of elements, with no database (pure). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "int.h"
#include "jsonl.h"
#include "quarantine.h"

struct plan_el *
plan_add(struct ingest_plan *p, enum plan_kind kind,
	 const struct plan_where *w, jv obj)
{
	struct plan_el *e;

	if (p->n == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 4;
		p->el = xrealloc(p->el, p->cap * sizeof(*p->el));
	}
	e = &p->el[p->n++];
	memset(e, 0, sizeof(*e));
	e->kind = kind;
	e->w = *w;
	e->obj = obj;
	e->m.content = e->m.media = e->m.context = e->m.referral = jv_null();
	e->m.errors = jv_null();
	return e;
}

void
plan_bad(struct ingest_plan *p, const struct plan_where *w, jv obj,
	 const char *fmt, ...)
{
	struct plan_el *e = plan_add(p, PLAN_BAD, w, obj);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e->problem, sizeof(e->problem), fmt, ap);
	va_end(ap);
}

const char *
where_path(const struct plan_where *w, char *buf)
{
	int n = snprintf(buf, WHERE_PATH_MAX, "entry[%d]", w->entry);

	if (w->change >= 0)
		n += snprintf(buf + n, WHERE_PATH_MAX - (size_t)n,
			      ".changes[%d]", w->change);
	if (w->value && n < WHERE_PATH_MAX)
		n += snprintf(buf + n, WHERE_PATH_MAX - (size_t)n, ".value");
	if (w->list && n < WHERE_PATH_MAX)
		n += snprintf(buf + n, WHERE_PATH_MAX - (size_t)n, ".%s",
			      w->list);
	if (w->index >= 0 && n < WHERE_PATH_MAX)
		snprintf(buf + n, WHERE_PATH_MAX - (size_t)n, "[%d]",
			 w->index);
	return buf;
}

/* A string that names something (an id): U+0000 inside or another kind
 * is a problem. 1 a clean string (out), 0 absent or null, -1 bad. */
static int
clean_str(jv obj, const char *key, const char **out)
{
	jv v = jx_get(obj, key);
	int rc = 0;

	*out = NULL;
	if (jv_get_kind(v) == JV_KIND_STRING) {
		*out = jv_string_value(v);	/* obj keeps a reference */
		rc = strlen(*out) == (size_t)jv_string_length_bytes(jv_copy(v))
			? 1 : -1;
	} else if (jv_is_valid(v) && jv_get_kind(v) != JV_KIND_NULL)
		rc = -1;
	jv_free(v);
	return rc;
}

/* The digits of a phone number as Meta formats it, into buf (NULL
 * when there are none or too many). */
static const char *
digits(const char *s, char *buf, size_t len)
{
	size_t n = 0;

	if (!s)
		return NULL;
	for (; *s; s++)
		if (*s >= '0' && *s <= '9') {
			if (n + 1 >= len)
				return NULL;
			buf[n++] = *s;
		}
	buf[n] = '\0';
	return n ? buf : NULL;
}

/* Entry ids may be numbers in samples: as text into out. */
static void
waba_text(jv entry, char *out, size_t len)
{
	jv v = jx_get(entry, "id");

	out[0] = '\0';
	if (jv_get_kind(v) == JV_KIND_STRING &&
	    strlen(jv_string_value(v)) ==
	    (size_t)jv_string_length_bytes(jv_copy(v)))
		snprintf(out, len, "%s", jv_string_value(v));
	else if (jv_get_kind(v) == JV_KIND_NUMBER)
		snprintf(out, len, "%.0f", jv_number_value(v));
	jv_free(v);
}

/* The statuses[] of a messages value. */
static void
plan_statuses(struct ingest_plan *p, const struct plan_where *w, jv list)
{
	struct plan_where ew = *w;
	char path[WHERE_PATH_MAX];

	ew.list = "statuses";
	jv_array_foreach(list, i, st) {
		ew.index = i;
		if (jv_get_kind(st) != JV_KIND_OBJECT)
			plan_bad(p, &ew, st, "%s is not an object",
				 where_path(&ew, path));
		else if (!w->channel)
			plan_bad(p, &ew, st, "%s: status without metadata."
				 "phone_number_id: cannot be attributed",
				 where_path(&ew, path));
		else
			plan_add(p, PLAN_STATUS, &ew, st);
	}
}

/* An array of a messages value, one element of kind each (user_actions
 * and calls are kept as events named after the array). */
static void
plan_list(struct ingest_plan *p, const struct plan_where *w, jv list,
	  const char *name, enum plan_kind kind)
{
	struct plan_where ew = *w;
	char path[WHERE_PATH_MAX];

	ew.list = name;
	jv_array_foreach(list, i, el) {
		ew.index = i;
		if (jv_get_kind(el) != JV_KIND_OBJECT)
			plan_bad(p, &ew, el, "%s is not an object",
				 where_path(&ew, path));
		else
			plan_add(p, kind, &ew, el)->event = name;
	}
}

/* The arrays of a messages (or echoes) value, in a fixed order; a key
 * holding something other than an array is a problem, not nothing. */
static void
plan_messages_value(struct ingest_plan *p, struct quarantine *q,
		    struct plan_where *w, jv value, int echo)
{
	static const char *const kept[] = { "user_actions", "calls" };
	char path[WHERE_PATH_MAX];
	jv v;
	size_t i;

	plan_messages(p, q, w, value, echo);
	v = jx_get(value, "statuses");
	if (jv_get_kind(v) == JV_KIND_ARRAY)
		plan_statuses(p, w, v);
	else if (jv_is_valid(v) && jv_get_kind(v) != JV_KIND_NULL)
		plan_bad(p, w, jv_copy(v), "%s.statuses is not an array",
			 where_path(w, path));
	jv_free(v);
	v = jx_get(value, "errors");
	if (jv_get_kind(v) == JV_KIND_ARRAY)
		plan_list(p, w, v, "errors", PLAN_VALUE_ERROR);
	jv_free(v);
	for (i = 0; i < sizeof(kept) / sizeof(kept[0]); i++) {
		v = jx_get(value, kept[i]);
		if (jv_get_kind(v) == JV_KIND_ARRAY)
			plan_list(p, w, v, kept[i], PLAN_FIELD);
		else if (jv_is_valid(v) && jv_get_kind(v) != JV_KIND_NULL)
			plan_bad(p, w, jv_copy(v), "%s.%s is not an array",
				 where_path(w, path), kept[i]);
		jv_free(v);
	}
}

static void
plan_change(struct ingest_plan *p, struct quarantine *q,
	    struct plan_where *w, jv change)
{
	const char *field = NULL, *id = NULL, *display = NULL;
	jv value = jx_get(change, "value"), meta;
	char path[WHERE_PATH_MAX];
	int echo;

	if (clean_str(change, "field", &field) != 1 ||
	    jv_get_kind(value) != JV_KIND_OBJECT) {
		jv_free(value);
		plan_bad(p, w, jv_copy(change), "%s: change without a field "
			 "or a value object", where_path(w, path));
		return;
	}
	w->field = field;
	meta = jx_get(value, "metadata");
	w->channel = NULL;
	w->display[0] = '\0';
	if (clean_str(meta, "phone_number_id", &id) < 0 ||
	    clean_str(meta, "display_phone_number", &display) < 0) {
		jv_free(meta);
		jv_free(value);
		plan_bad(p, w, jv_copy(change), "%s.value.metadata: "
			 "phone_number_id or display_phone_number is not a "
			 "clean string", where_path(w, path));
		return;
	}
	w->channel = id && *id ? id : NULL;
	if (!digits(display, w->display, sizeof(w->display)))
		w->display[0] = '\0';
	jv_free(meta);	/* value keeps the strings */
	w->value = 1;
	echo = strcmp(field, "smb_message_echoes") == 0;
	if (echo || strcmp(field, "messages") == 0)
		plan_messages_value(p, q, w, value, echo);
	else
		plan_add(p, PLAN_FIELD, w, jv_copy(value))->event = field;
	jv_free(value);
}

static void
plan_entry(struct ingest_plan *p, struct quarantine *q, int i, jv entry)
{
	struct plan_where w = { .entry = i, .change = -1, .index = -1 };
	jv changes = jx_get(entry, "changes");
	char path[WHERE_PATH_MAX];

	waba_text(entry, w.waba, sizeof(w.waba));
	if (jx_intish(entry, "time", &w.time) != 1)
		w.time = -1;
	if (jv_get_kind(changes) != JV_KIND_ARRAY) {
		jv_free(changes);
		plan_bad(p, &w, jv_copy(entry), "%s: entry without a changes "
			 "array", where_path(&w, path));
		return;
	}
	jv_array_foreach(changes, j, change) {
		w.change = j;
		w.value = 0;
		plan_change(p, q, &w, change);
		jv_free(change);
	}
	jv_free(changes);
}

static void
plan_walk(struct ingest_plan *p, struct quarantine *q)
{
	const char *object = NULL;
	jv entries = jx_get(p->d, "entry");

	if (jv_get_kind(p->d) != JV_KIND_OBJECT ||
	    jv_get_kind(entries) != JV_KIND_ARRAY ||
	    clean_str(p->d, "object", &object) < 0 ||
	    (object && strcmp(object, "whatsapp_business_account") != 0)) {
		jv_free(entries);
		snprintf(p->problem, sizeof(p->problem), "not a WhatsApp "
			 "webhook delivery (no entry array%s)",
			 object ? " or another object" : "");
		return;
	}
	jv_array_foreach(entries, i, entry) {
		plan_entry(p, q, i, entry);
		jv_free(entry);
	}
	jv_free(entries);
}

struct ingest_plan *
ingest_plan_parsed(struct quarantine *q, jv d, char *body, size_t len,
		   long line)
{
	struct ingest_plan *p = xcalloc(1, sizeof(*p));

	p->d = d;
	p->body = body;
	p->len = len;
	p->line = line;
	ingest_sha256_hex(body, len, p->sha);
	if (jv_is_valid(d))
		plan_walk(p, q);
	else {
		jv msg = jv_invalid_get_msg(jv_copy(d));
		char text[160];

		snprintf(text, sizeof(text), "%s",
			 jv_get_kind(msg) == JV_KIND_STRING ?
			 jv_string_value(msg) : "not JSON");
		jsonl_clean_message(text);
		jv_free(msg);
		snprintf(p->problem, sizeof(p->problem),
			 "body is not JSON: %s", text);
	}
	return p;
}

struct ingest_plan *
ingest_plan(struct quarantine *q, char *body, size_t len, long line)
{
	return ingest_plan_parsed(q, jv_parse_sized(body, (int)len), body,
				  len, line);
}

void
ingest_plan_free(struct ingest_plan *p)
{
	size_t i;

	if (!p)
		return;
	for (i = 0; i < p->n; i++) {
		norm_release(&p->el[i].m);
		free(p->el[i].rec);
		jv_free(p->el[i].obj);
	}
	free(p->el);
	free(p->body);
	free(p->signature);
	jv_free(p->d);
	free(p);
}

void
ingest_plan_set_signature(struct ingest_plan *p, const char *signature)
{
	free(p->signature);
	p->signature = signature ? xstrdup(signature) : NULL;
}

const char *
ingest_plan_signature(const struct ingest_plan *p)
{
	return p->signature;
}
