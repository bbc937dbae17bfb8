/* SPDX-License-Identifier: MIT */
/* The help desk's views: filters to SQL over threads and tickets, saved views, list. */
#include <ctype.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <jq.h>
#include "views.h"
#include "desk.h"
#include "jsonl.h"
#include "util.h"
#include "window.h"

#define VIEWS_PREVIEW_MAX 160	/* code points of a preview in a row */

static const char *const key_names[VIEWS_NKEYS] = {
	"status", "source", "owner", "unassigned", "channel", "contact",
	"search", "since", "limit", "window", "where", "flagged"
};

/* The built-in views, never stored (SPEC §4). */
static const struct {
	const char *name;
	const char *filters;
} builtins[] = {
	{ "all-open", "{\"status\":\"open\"}" },
	{ "all-closed", "{\"status\":\"closed\"}" },
	{ "sent", "{\"status\":\"sent\"}" },
	{ "unassigned", "{\"status\":\"open\",\"unassigned\":\"true\"}" },
	{ "whatsapp", "{\"status\":\"all\",\"source\":\"whatsapp\"}" },
	{ "quarantine", "{\"status\":\"all\",\"flagged\":\"true\"}" },
};
#define NBUILTINS ((int)(sizeof(builtins) / sizeof(builtins[0])))

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

static int
one_of(const char *v, const char *const *set)
{
	for (; *set; set++)
		if (strcmp(v, *set) == 0)
			return 1;
	return 0;
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
		if (!one_of(v, statuses))
			goto bad;
		return 0;
	case VIEWS_UNASSIGNED:
	case VIEWS_FLAGGED:
		if (!one_of(v, bools))
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

static int where_check(const char *prog, struct wa_err *err);

/* ---- saved views ---------------------------------------------------- */

static const char SQL_VIEW_FIND[] =
	"SELECT filters FROM views WHERE name = ?1"
	" AND (owner = ?2 OR sharing <> 'private')"
	" ORDER BY owner = ?2 DESC, id LIMIT 1";
static const char SQL_VIEW_MINE[] =
	"SELECT id FROM views WHERE name = ?1 AND owner = ?2";
static const char SQL_VIEW_INSERT[] =
	"INSERT INTO views (name, owner, sharing, filters, created_at)"
	" VALUES (?1, ?2, ?3, ?4, ?5)";
static const char SQL_VIEW_DELETE[] =
	"DELETE FROM views WHERE name = ?1 AND owner = ?2";
static const char SQL_VIEW_ALL[] =
	"SELECT name, owner, sharing, filters, created_at FROM views"
	" WHERE owner = ?1 OR sharing <> 'private' ORDER BY name, owner";

static int
builtin_index(const char *name)
{
	int i;

	for (i = 0; i < NBUILTINS; i++)
		if (strcmp(builtins[i].name, name) == 0)
			return i;
	return -1;
}

static int
filters_from_text(struct views_filter *f, const char *text,
		  struct wa_err *err)
{
	jv obj = jv_parse(text);
	int rc = views_filter_from_json(f, obj, err);

	jv_free(obj);
	return rc;
}

int
views_resolve(struct store *st, const char *name, const char *user,
	      struct views_filter *out, struct wa_err *err)
{
	int b = builtin_index(name), rc;
	sqlite3_stmt *s;
	char *text = NULL;

	if (b >= 0)
		return filters_from_text(out, builtins[b].filters, err);
	s = store_stmt(st, SQL_VIEW_FIND);
	store_bind_text(s, 1, name);
	store_bind_text(s, 2, user);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		text = xstrdup((const char *)sqlite3_column_text(s, 0));
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(st, err, "read views");
	if (!text)
		return wa_err_set(err, WA_EX_REJECTED, "invalid_input",
				  "no view '%s' (see 'wa-view views')", name);
	rc = filters_from_text(out, text, err);
	free(text);
	return rc;
}

static int
check_view_name(const char *name, struct wa_err *err)
{
	const char *p;

	if (builtin_index(name) >= 0)
		return wa_err_set(err, WA_EX_REJECTED, "invalid_input",
				  "'%s' is a built-in view", name);
	for (p = name; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("._-", *p))
			break;
	if (!*name || *p || p - name > 64 || *name == '-')
		return wa_err_set(err, WA_EX_REJECTED, "invalid_input",
				  "bad view name '%s': use letters, digits, "
				  "'.', '_' and '-'", name);
	return 0;
}

static jv
view_record(const char *name, const char *owner, const char *sharing,
	    jv filters, int64_t created, int builtin)
{
	return JV_OBJECT(jv_string("name"), jv_string(name),
			 jv_string("owner"), owner ? jv_string(owner) :
			 jv_null(),
			 jv_string("sharing"), jv_string(sharing),
			 jv_string("builtin"), jv_bool(builtin),
			 jv_string("filters"), filters,
			 jv_string("created_at"), time_jv(created));
}

static int
view_exists(struct store *st, const char *name, const char *user,
	    struct wa_err *err)
{
	sqlite3_stmt *s = store_stmt(st, SQL_VIEW_MINE);
	int rc;

	store_bind_text(s, 1, name);
	store_bind_text(s, 2, user);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : store_fail(st, err, "read views");
}

int
views_create(struct store *st, const char *name, const char *user,
	     const char *sharing, const struct views_filter *f, int64_t now,
	     jv *out, struct wa_err *err)
{
	static const char *const sharings[] = {
		"private", "team", "everyone", NULL
	};
	sqlite3_stmt *s;
	jv filters;
	int rc;

	if (!sharing)
		sharing = "private";
	if (!one_of(sharing, sharings))
		return wa_err_set(err, WA_EX_USAGE, "invalid_input",
				  "--sharing: bad value '%s'", sharing);
	if (check_view_name(name, err) < 0 ||
	    (f->v[VIEWS_WHERE] && where_check(f->v[VIEWS_WHERE], err) < 0) ||
	    store_begin(st, err) < 0)
		return -1;
	rc = view_exists(st, name, user, err);
	if (rc != 0) {
		store_rollback(st);
		return rc < 0 ? -1 : wa_err_set(err, WA_EX_REJECTED,
			"duplicate", "you already have a view '%s'", name);
	}
	filters = views_filter_json(f);
	s = store_stmt(st, SQL_VIEW_INSERT);
	store_bind_text(s, 1, name);
	store_bind_text(s, 2, user);
	store_bind_text(s, 3, sharing);
	store_bind_jv(s, 4, filters);
	store_bind_int(s, 5, now);
	if (store_step_done(st, s, err) < 0 || store_commit(st, err) < 0) {
		store_rollback(st);
		jv_free(filters);
		return -1;
	}
	*out = view_record(name, user, sharing, filters, now, 0);
	return 0;
}

int
views_delete(struct store *st, const char *name, const char *user,
	     jv *out, struct wa_err *err)
{
	sqlite3_stmt *s;

	if (builtin_index(name) >= 0)
		return wa_err_set(err, WA_EX_REJECTED, "invalid_input",
				  "'%s' is a built-in view", name);
	if (store_begin(st, err) < 0)
		return -1;
	s = store_stmt(st, SQL_VIEW_DELETE);
	store_bind_text(s, 1, name);
	store_bind_text(s, 2, user);
	if (store_step_done(st, s, err) < 0) {
		store_rollback(st);
		return -1;
	}
	if (sqlite3_changes(store_db(st)) == 0) {
		store_rollback(st);
		return wa_err_set(err, WA_EX_REJECTED, "invalid_input",
				  "you have no view '%s'", name);
	}
	if (store_commit(st, err) < 0)
		return -1;
	*out = JV_OBJECT(jv_string("ok"), jv_true(),
			 jv_string("name"), jv_string(name),
			 jv_string("owner"), jv_string(user),
			 jv_string("deleted"), jv_true());
	return 0;
}

int
views_each(struct store *st, const char *user,
	   void (*fn)(jv rec, void *ctx), void *ctx, struct wa_err *err)
{
	sqlite3_stmt *s;
	int i, rc;

	for (i = 0; i < NBUILTINS; i++)
		fn(view_record(builtins[i].name, NULL, "everyone",
			       jv_parse(builtins[i].filters), -1, 1), ctx);
	s = store_stmt(st, SQL_VIEW_ALL);
	store_bind_text(s, 1, user);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		fn(view_record((const char *)sqlite3_column_text(s, 0),
			       (const char *)sqlite3_column_text(s, 1),
			       (const char *)sqlite3_column_text(s, 2),
			       store_col_json(s, 3),
			       sqlite3_column_int64(s, 4), 0), ctx);
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : store_fail(st, err, "read views");
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

static const char SQL_LIST[] =
	"SELECT t.id, k.id, k.status, k.owner, t.contact_id,"
	" coalesce(c.name, c.profile_name), c.wa_id, c.bsuid, t.channel_id,"
	" t.last_message_at, m.type, m.text, m.media_caption, m.unsupported,"
	" m.quarantined, t.unread, s.last_inbound_at, t.message_count,"
	" t.source, t.origin, coalesce(c.group_id, t.reply_to, c.wa_id, c.bsuid),"
	" c.username"
	" FROM threads t JOIN tickets k ON k.thread_id = t.id"
	" JOIN contacts c ON c.id = t.contact_id"
	" LEFT JOIN messages m ON m.id = t.last_message_id"
	" LEFT JOIN sessions s ON s.channel_id = t.channel_id"
	"  AND s.identity = t.reply_to"
	" WHERE (?1 = 'all' OR (?1 = 'sent' AND t.origin = 'outbound')"
	"  OR k.status = ?1)"
	" AND (?2 IS NULL OR t.source = ?2)"
	" AND (?3 IS NULL OR k.owner = ?3)"
	" AND (?4 = 0 OR k.owner IS NULL)"
	" AND (?5 IS NULL OR t.channel_id = ?5)"
	" AND ((?6 IS NULL AND ?7 IS NULL) OR t.contact_id = ?6"
	"  OR c.wa_id = ?7 OR c.phone = ?7 OR c.mobile_phone = ?7"
	"  OR c.bsuid = ?7)"
	" AND (?8 IS NULL OR t.last_message_at >= ?8)"
	" AND (?9 = 0 OR EXISTS (SELECT 1 FROM messages f"
	"  WHERE f.thread_id = t.id"
	"  AND (f.unsupported IS NOT NULL OR f.quarantined = 1)))"
	" AND (?10 IS NULL OR t.id IN (SELECT m2.thread_id FROM messages_fts"
	"  JOIN messages m2 ON m2.id = messages_fts.rowid"
	"  WHERE messages_fts MATCH ?10))"
	" ORDER BY t.last_message_at DESC, t.id DESC";

/* Each word quoted: '-', '"', '*', ':' and keywords are only text. */
char *
views_fts_query(const char *text)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p = text;

	while (*p) {
		while (*p && isspace((unsigned char)*p))
			p++;
		if (!*p)
			break;
		if (sb.len)
			sb_adds(&sb, " ");
		sb_adds(&sb, "\"");
		for (; *p && !isspace((unsigned char)*p); p++)
			if (*p == '"')
				sb_adds(&sb, "\"\"");
			else
				sb_add(&sb, p, 1);
		sb_adds(&sb, "\"");
	}
	if (!sb.len)
		return NULL;
	return sb_detach(&sb);
}

struct where {
	jq_state *jq;
	struct strbuf msg;	/* the first compile error */
};

static void
where_error_cb(void *data, jv msg)
{
	struct where *w = data;
	jv f = jq_format_error(msg);

	if (!w->msg.len && jv_get_kind(f) == JV_KIND_STRING)
		sb_adds(&w->msg, jv_string_value(f));
	jv_free(f);
}

static int
where_compile(struct where *w, const char *prog, struct wa_err *err)
{
	struct strbuf sb = STRBUF_INIT;

	memset(w, 0, sizeof(*w));
	w->jq = jq_init();
	if (!w->jq)
		return wa_err_set(err, WA_EX_IOERR, "io", "cannot start jq");
	jq_set_error_cb(w->jq, where_error_cb, w);
	if (jq_compile(w->jq, prog))
		return 0;
	sb_adds(&sb, w->msg.len ? sb_str(&w->msg) : "does not compile");
	wa_err_set(err, WA_EX_USAGE, "invalid_input", "--where: %s",
		   sb_str(&sb));
	sb_release(&sb);
	return -1;
}

static void
where_free(struct where *w)
{
	if (w->jq)
		jq_teardown(&w->jq);
	sb_release(&w->msg);
}

static int
where_check(const char *prog, struct wa_err *err)
{
	struct where w;
	int rc = where_compile(&w, prog, err);

	where_free(&w);
	return rc;
}

/* 1 when the program yields true for row (borrowed), 0 when not, -1 when
 * it fails. */
static int
where_pass(struct where *w, jv row)
{
	int pass = 0, failed;
	jv r;

	jq_start(w->jq, jv_copy(row), 0);
	while (jv_is_valid(r = jq_next(w->jq))) {
		if (jv_get_kind(r) == JV_KIND_TRUE)
			pass = 1;
		jv_free(r);
	}
	failed = jv_invalid_has_msg(r);
	return failed ? -1 : pass;
}

struct list_q {
	const char *status;
	int64_t since, contact_id, within;
	char *contact_key, *fts;
	int window;		/* 0 any, 1 open, 2 closed, 3 closing */
	long limit;
};

static int
list_prepare(const struct views_filter *f, struct list_q *q,
	     long default_limit, struct wa_err *err)
{
	const char *c = f->v[VIEWS_CONTACT], *w = f->v[VIEWS_WINDOW];
	long long n;
	char num[32];

	memset(q, 0, sizeof(*q));
	q->status = f->v[VIEWS_STATUS] ? f->v[VIEWS_STATUS] : "open";
	q->since = -1;
	q->contact_id = -1;
	if (f->v[VIEWS_SINCE] && time_parse(f->v[VIEWS_SINCE], &q->since,
					    err) < 0)
		return -1;
	q->limit = default_limit;
	if (f->v[VIEWS_LIMIT] && parse_int(f->v[VIEWS_LIMIT], 0, INT_MAX,
					   &n) == 0)
		q->limit = (long)n;
	if (c && parse_int(c, 1, INT64_MAX, &n) == 0)
		q->contact_id = n;
	if (c && phone_normalize(c, NULL, num, sizeof(num), err) == 0)
		q->contact_key = xstrdup(num);
	else if (c)
		q->contact_key = xstrdup(c);	/* a BSUID */
	if (f->v[VIEWS_SEARCH] &&
	    !(q->fts = views_fts_query(f->v[VIEWS_SEARCH])))
		return wa_err_set(err, WA_EX_USAGE, "invalid_input",
				  "--search: no words to look for");
	if (w && parse_window(w, &q->within) == 0)
		q->window = strcmp(w, "open") == 0 ? 1 :
			strcmp(w, "closed") == 0 ? 2 : 3;
	return 0;
}

static void
list_bind(sqlite3_stmt *s, const struct views_filter *f,
	  const struct list_q *q)
{
	store_bind_text(s, 1, q->status);
	store_bind_text(s, 2, f->v[VIEWS_SOURCE]);
	store_bind_text(s, 3, f->v[VIEWS_OWNER]);
	store_bind_int(s, 4, f->v[VIEWS_UNASSIGNED] &&
		       strcmp(f->v[VIEWS_UNASSIGNED], "true") == 0);
	store_bind_text(s, 5, f->v[VIEWS_CHANNEL]);
	store_bind_int_or_null(s, 6, q->contact_id, q->contact_id < 0);
	store_bind_text(s, 7, q->contact_key);
	store_bind_int_or_null(s, 8, q->since, q->since < 0);
	store_bind_int(s, 9, f->v[VIEWS_FLAGGED] &&
		       strcmp(f->v[VIEWS_FLAGGED], "true") == 0);
	store_bind_text(s, 10, q->fts);
}

static int
window_match(const struct list_q *q, int64_t last_inbound, int64_t now)
{
	int open = last_inbound >= 0 && window_is_open(last_inbound, now);

	switch (q->window) {
	case 1:
		return open;
	case 2:
		return !open;
	case 3:
		return last_inbound >= 0 &&
			window_is_closing(last_inbound, now, q->within);
	default:
		return 1;
	}
}

static const char *
col_text(sqlite3_stmt *s, int col)
{
	return (const char *)sqlite3_column_text(s, col);
}

jv
views_thread_json(sqlite3_stmt *s, int to_col, int64_t last_inbound,
		  int64_t now)
{
	return views_obj("ticket_id", store_col_str(s, 1),
		"thread_id", store_col_str(s, 0),
		"status", store_col_str(s, 2),
		"owner", store_col_str(s, 3),
		"contact_id", store_col_str(s, 4),
		"contact", store_col_str(s, 5),
		"wa_id", store_col_str(s, 6),
		"bsuid", store_col_str(s, 7),
		"channel", store_col_str(s, 8),
		"to", store_col_str(s, to_col),
		"username", store_col_str(s, to_col + 1),
		"session_open", jv_bool(last_inbound >= 0 &&
			window_is_open(last_inbound, now)),
		"session_expires_at",
		time_jv(window_expires_at(last_inbound)), NULL);
}

static jv
list_row(sqlite3_stmt *s, int64_t last_inbound, int64_t now)
{
	jv row = views_thread_json(s, 20, last_inbound, now);
	jv preview = jv_null();

	if (sqlite3_column_type(s, 10) != SQLITE_NULL) {
		jv p = views_message_text(col_text(s, 10), col_text(s, 11),
					  col_text(s, 12), col_text(s, 13),
					  sqlite3_column_int(s, 14));

		preview = jv_get_kind(p) == JV_KIND_STRING ?
			cut_preview(jv_string_value(p)) : jv_null();
		jv_free(p);
	}
	return jv_object_merge(row, views_obj(
		"last_message_at", store_col_time(s, 9),
		"preview", preview,
		"unread", store_col_int(s, 15),
		"messages", store_col_int(s, 17),
		"source", store_col_str(s, 18),
		"origin", store_col_str(s, 19), NULL));
}

int
views_list(struct store *st, const struct views_filter *f, int64_t now,
	   long default_limit, void (*fn)(jv row, void *ctx), void *ctx,
	   long *where_errors, struct wa_err *err)
{
	struct where w = { 0 };
	struct list_q q;
	sqlite3_stmt *s;
	long n = 0;
	int rc = -1, step = SQLITE_DONE;

	if (where_errors)
		*where_errors = 0;
	if (list_prepare(f, &q, default_limit, err) < 0)
		goto out;
	if (f->v[VIEWS_WHERE] && where_compile(&w, f->v[VIEWS_WHERE], err) < 0)
		goto out;
	s = store_stmt(st, SQL_LIST);
	list_bind(s, f, &q);
	while ((q.limit == 0 || n < q.limit) &&
	       (step = sqlite3_step(s)) == SQLITE_ROW) {
		int64_t li = sqlite3_column_type(s, 16) == SQLITE_NULL ? -1 :
			sqlite3_column_int64(s, 16);
		jv row;
		int pass;

		if (!window_match(&q, li, now))
			continue;
		row = list_row(s, li, now);
		pass = w.jq ? where_pass(&w, row) : 1;
		if (pass < 0 && where_errors)
			(*where_errors)++;
		if (pass <= 0) {
			jv_free(row);
			continue;
		}
		fn(row, ctx);
		n++;
	}
	if (q.limit == 0 || n < q.limit)
		rc = step == SQLITE_DONE ? 0 : store_fail(st, err, "list");
	else
		rc = 0;
	sqlite3_reset(s);
out:
	where_free(&w);
	free(q.contact_key);
	free(q.fts);
	return rc;
}

