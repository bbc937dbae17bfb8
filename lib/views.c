/* SPDX-License-Identifier: MIT */
/* The help desk's views: filters to SQL over threads and tickets, the list of a view. */
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "views.h"
#include "desk.h"
#include "jqwhere.h"
#include "jsonl.h"
#include "util.h"
#include "window.h"

#define VIEWS_PREVIEW_MAX 160	/* code points of a preview in a row */

static const char *const key_names[VIEWS_NKEYS] = {
	"status", "source", "owner", "unassigned", "channel", "contact",
	"search", "since", "limit", "window", "where", "flagged"
};

const char *
views_key_name(enum views_key k)
{
	return k < VIEWS_NKEYS ? key_names[k] : NULL;
}

void
views_filter_init(struct views_filter *f)
{
	memset(f, 0, sizeof(*f));
}

void
views_filter_release(struct views_filter *f)
{
	int i;

	for (i = 0; i < VIEWS_NKEYS; i++)
		free(f->v[i]);
	memset(f, 0, sizeof(*f));
}

/* "open", "closed", "closing" or "closing:DURATION" (> 0); within gets
 * the duration (default one hour). */
static int
parse_window(const char *v, int64_t *within)
{
	*within = 3600;
	if (strcmp(v, "open") == 0 || strcmp(v, "closed") == 0 ||
	    strcmp(v, "closing") == 0)
		return 0;
	if (strncmp(v, "closing:", 8) == 0 &&
	    duration_parse(v + 8, within) == 0 && *within > 0)
		return 0;
	return -1;
}

static int
check_value(enum views_key k, const char *v, struct wa_err *err)
{
	static const char *const statuses[] = {
		"open", "closed", "sent", "all", NULL
	};
	static const char *const bools[] = { "true", "false", NULL };
	long long n;
	int64_t t;

	switch (k) {
	case VIEWS_STATUS:
		if (!str_one_of(v, statuses))
			goto bad;
		return 0;
	case VIEWS_UNASSIGNED:
	case VIEWS_FLAGGED:
		if (!str_one_of(v, bools))
			goto bad;
		return 0;
	case VIEWS_SINCE:
		return time_parse(v, &t, err);
	case VIEWS_LIMIT:
		if (parse_int(v, 0, INT_MAX, &n) < 0)
			goto bad;
		return 0;
	case VIEWS_WINDOW:
		if (parse_window(v, &t) < 0)
			goto bad;
		return 0;
	default:
		if (!*v)
			goto bad;
		return 0;
	}
bad:
	return wa_err_set(err, WA_EX_USAGE, "invalid_input",
			  "--%s: bad value '%s'", key_names[k], v);
}

int
views_filter_set(struct views_filter *f, enum views_key k,
		 const char *value, struct wa_err *err)
{
	if (k >= VIEWS_NKEYS || check_value(k, value, err) < 0)
		return -1;
	free(f->v[k]);
	f->v[k] = xstrdup(value);
	if (k == VIEWS_OWNER) {
		free(f->v[VIEWS_UNASSIGNED]);
		f->v[VIEWS_UNASSIGNED] = NULL;
	} else if (k == VIEWS_UNASSIGNED && strcmp(value, "true") == 0) {
		free(f->v[VIEWS_OWNER]);
		f->v[VIEWS_OWNER] = NULL;
	}
	return 0;
}

void
views_filter_merge(struct views_filter *dst, const struct views_filter *src)
{
	struct wa_err err;
	int i;

	for (i = 0; i < VIEWS_NKEYS; i++)
		if (src->v[i])
			views_filter_set(dst, (enum views_key)i, src->v[i],
					 &err);
}

jv
views_filter_json(const struct views_filter *f)
{
	jv o = jv_object();
	int i;

	for (i = 0; i < VIEWS_NKEYS; i++)
		if (f->v[i])
			o = jv_object_set(o, jv_string(key_names[i]),
					  jv_string(f->v[i]));
	return o;
}

int
views_filter_from_json(struct views_filter *f, jv obj, struct wa_err *err)
{
	const char *v;
	int i;

	if (jv_get_kind(obj) != JV_KIND_OBJECT)
		return wa_err_set(err, WA_EX_DATAERR, "invalid_input",
				  "view filters are not an object");
	for (i = 0; i < VIEWS_NKEYS; i++)
		if ((v = jx_cstr(obj, key_names[i])) != NULL &&
		    views_filter_set(f, (enum views_key)i, v, err) < 0)
			return -1;
	return 0;
}

jv
views_obj(const char *key, ...)
{
	va_list ap;
	jv o = jv_object();
	const char *k;

	va_start(ap, key);
	for (k = key; k; k = va_arg(ap, const char *))
		o = jv_object_set(o, jv_string(k), va_arg(ap, jv));
	va_end(ap);
	return o;
}

/* ---- what a view may show ------------------------------------------- */

static jv
cut_preview(const char *s)
{
	const char *p;
	int n = 0;
	jv v;

	for (p = s; *p; p++) {
		if (((unsigned char)*p & 0xC0) != 0x80 &&
		    n++ == VIEWS_PREVIEW_MAX)
			break;
	}
	if (!*p)
		return jv_string(s);
	v = jv_string_sized(s, (int)(p - s));
	return jv_string_append_str(v, "\xe2\x80\xa6");
}

jv
views_message_text(const char *type, const char *text, const char *caption,
		   const char *unsupported, int quarantined)
{
	jv v;

	if (quarantined)
		return jv_string("[quarantined]");
	if (unsupported)
		return jv_string_fmt("[unsupported: %s]", unsupported);
	if (type && strcmp(type, "text") == 0 && text)
		return jv_string(text);
	if (!type)
		return text ? jv_string(text) : jv_null();
	v = jv_string_fmt("[%s]", type);
	if (text || caption)
		v = jv_string_append_str(jv_string_append_str(v, " "),
					 text ? text : caption);
	return v;
}

/* ---- list ----------------------------------------------------------- */

struct list_q {
	const char *status;
	int64_t since, contact_id, within;
	char *contact_key, *fts;
	int none;		/* the search text can match nothing */
	int window;		/* 0 any, 1 open, 2 closed, 3 closing */
	long limit;
};

static int
list_prepare(struct store *st, const struct views_filter *f,
	     struct list_q *lq, long default_limit, struct wa_err *err)
{
	const char *c = f->v[VIEWS_CONTACT], *w = f->v[VIEWS_WINDOW];
	long long n;
	char num[32];
	int rc;

	memset(lq, 0, sizeof(*lq));
	lq->status = f->v[VIEWS_STATUS] ? f->v[VIEWS_STATUS] : "open";
	lq->since = -1;
	lq->contact_id = -1;
	if (f->v[VIEWS_SINCE] && time_parse(f->v[VIEWS_SINCE], &lq->since,
					    err) < 0)
		return -1;
	lq->limit = default_limit;
	if (f->v[VIEWS_LIMIT] && parse_int(f->v[VIEWS_LIMIT], 0, INT_MAX,
					   &n) == 0)
		lq->limit = (long)n;
	if (c && parse_int(c, 1, INT64_MAX, &n) == 0)
		lq->contact_id = n;
	if (c && phone_normalize(c, NULL, num, sizeof(num), err) == 0)
		lq->contact_key = xstrdup(num);
	else if (c)
		lq->contact_key = xstrdup(c);	/* a BSUID */
	if (f->v[VIEWS_SEARCH]) {
		rc = views_fts_query(f->v[VIEWS_SEARCH], store_engine(st),
				     "--search", &lq->fts, err);
		if (rc < 0)
			return -1;
		lq->none = rc == 0;
	}
	if (w && parse_window(w, &lq->within) == 0)
		lq->window = strcmp(w, "open") == 0 ? 1 :
			strcmp(w, "closed") == 0 ? 2 : 3;
	return 0;
}

static void
list_bind(struct sq *q, const struct views_filter *f,
	  const struct list_q *lq)
{
	sq_text(q, 1, lq->status);
	sq_text(q, 2, f->v[VIEWS_SOURCE]);
	sq_text(q, 3, f->v[VIEWS_OWNER]);
	sq_int(q, 4, f->v[VIEWS_UNASSIGNED] &&
	       strcmp(f->v[VIEWS_UNASSIGNED], "true") == 0);
	sq_text(q, 5, f->v[VIEWS_CHANNEL]);
	sq_int_or_null(q, 6, lq->contact_id, lq->contact_id < 0);
	sq_text(q, 7, lq->contact_key);
	sq_int_or_null(q, 8, lq->since, lq->since < 0);
	sq_int(q, 9, f->v[VIEWS_FLAGGED] &&
	       strcmp(f->v[VIEWS_FLAGGED], "true") == 0);
	sq_text(q, 10, lq->fts);
}

static int
window_match(const struct list_q *lq, int64_t last_inbound, int64_t now)
{
	int open = last_inbound >= 0 && window_is_open(last_inbound, now);

	switch (lq->window) {
	case 1:
		return open;
	case 2:
		return !open;
	case 3:
		return last_inbound >= 0 &&
			window_is_closing(last_inbound, now, lq->within);
	default:
		return 1;
	}
}

jv
views_thread_json(struct sq *q, int to_col, int64_t last_inbound,
		  int64_t now)
{
	return views_obj("ticket_id", sq_col_str(q, 1),
		"thread_id", sq_col_str(q, 0),
		"status", sq_col_str(q, 2),
		"owner", sq_col_str(q, 3),
		"contact_id", sq_col_str(q, 4),
		"contact", sq_col_str(q, 5),
		"wa_id", sq_col_str(q, 6),
		"bsuid", sq_col_str(q, 7),
		"channel", sq_col_str(q, 8),
		"to", sq_col_str(q, to_col),
		"username", sq_col_str(q, to_col + 1),
		"session_open", jv_bool(last_inbound >= 0 &&
			window_is_open(last_inbound, now)),
		"session_expires_at",
		time_jv(window_expires_at(last_inbound)), NULL);
}

static jv
list_row(struct sq *q, int64_t last_inbound, int64_t now)
{
	jv row = views_thread_json(q, 20, last_inbound, now);
	jv preview = jv_null();

	if (!sq_col_null(q, 10)) {
		jv p = views_message_text(sq_col_text(q, 10),
					  sq_col_text(q, 11),
					  sq_col_text(q, 12),
					  sq_col_text(q, 13),
					  (int)sq_col_int(q, 14));

		preview = jv_get_kind(p) == JV_KIND_STRING ?
			cut_preview(jv_string_value(p)) : jv_null();
		jv_free(p);
	}
	/* set one by one: a merge copies the object (routing reads a row
	 * per new ticket) */
	row = jv_object_set(row, jv_string("last_message_at"),
			    sq_col_time(q, 9));
	row = jv_object_set(row, jv_string("preview"), preview);
	row = jv_object_set(row, jv_string("unread"), sq_col_jint(q, 15));
	row = jv_object_set(row, jv_string("messages"), sq_col_jint(q, 17));
	row = jv_object_set(row, jv_string("source"), sq_col_str(q, 18));
	return jv_object_set(row, jv_string("origin"), sq_col_str(q, 19));
}

int
views_ticket_row(struct store *st, int64_t ticket_id, int64_t now, jv *out,
		 struct wa_err *err)
{
	struct sq *q = store_q(st, Q_VIEWS_TICKET_ROW);
	int rc;

	*out = jv_invalid();
	sq_int(q, 1, ticket_id);
	rc = sq_step(q);
	if (rc < 0)
		return sq_fail(q, err, "read ticket");
	if (rc == 0)
		return wa_err_set(err, WA_EX_REJECTED, "unknown_thread",
				  "no ticket %lld", (long long)ticket_id);
	*out = list_row(q, sq_col_null(q, 16) ? -1 : sq_col_int(q, 16), now);
	sq_reset(q);
	return 0;
}

int
views_list(struct store *st, const struct views_filter *f, int64_t now,
	   long default_limit, void (*fn)(jv row, void *ctx), void *ctx,
	   long *where_errors, struct wa_err *err)
{
	struct jqwhere w = { 0 };
	struct list_q lq;
	struct sq *q;
	long n = 0;
	int rc = -1, step = 0;

	if (where_errors)
		*where_errors = 0;
	if (list_prepare(st, f, &lq, default_limit, err) < 0)
		goto out;
	if (f->v[VIEWS_WHERE] &&
	    jqwhere_compile(&w, f->v[VIEWS_WHERE], "--where", err) < 0)
		goto out;
	rc = 0;
	if (lq.none)
		goto out;
	q = store_q(st, Q_VIEWS_LIST);
	list_bind(q, f, &lq);
	sq_int(q, 11, lq.limit > 0 && !w.jq && !lq.window ? lq.limit : -1);
	while ((lq.limit == 0 || n < lq.limit) && (step = sq_step(q)) > 0) {
		int64_t li = sq_col_null(q, 16) ? -1 : sq_col_int(q, 16);
		jv row;
		int pass;

		if (!window_match(&lq, li, now))
			continue;
		row = list_row(q, li, now);
		pass = w.jq ? jqwhere_pass(&w, row, NULL) : 1;
		if (pass < 0 && where_errors)
			(*where_errors)++;
		if (pass <= 0) {
			jv_free(row);
			continue;
		}
		fn(row, ctx);
		n++;
	}
	if (step < 0)
		rc = sq_fail(q, err, "list");
	else if (step > 0)
		sq_reset(q);	/* stopped at the limit */
out:
	jqwhere_free(&w);
	free(lq.contact_key);
	free(lq.fts);
	return rc;
}
