/* SPDX-License-Identifier: MIT */
/* Templates in the store and at Meta: upsert, lookup, prune, webhooks, sync, create, delete. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "template.h"
#include "template_int.h"
#include "jsonl.h"
#include "util.h"

#define SYNC_MAX_PAGES 10000	/* a paging loop that never ends is a bug */

/* ---- the store ---- */

static const char SQL_UPSERT[] =
	"INSERT INTO templates (id, waba_id, name, language, category, "
	"status, parameter_format, components, quality, reason, updated_at, "
	"synced_at, raw) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
	"?11, ?11, ?12) ON CONFLICT (waba_id, name, language) DO UPDATE SET "
	"id = coalesce(excluded.id, id), category = excluded.category, "
	"status = excluded.status, "
	"parameter_format = excluded.parameter_format, "
	"components = excluded.components, quality = excluded.quality, "
	"reason = excluded.reason, updated_at = excluded.updated_at, "
	"synced_at = excluded.synced_at, raw = excluded.raw";

/* quality_score is {"score":"GREEN",...} in Graph answers. */
static jv
quality_of(jv tpl)
{
	jv q = jx_get(tpl, "quality_score");

	if (jv_get_kind(q) == JV_KIND_OBJECT) {
		jv s = jx_get(q, "score");

		jv_free(q);
		return s;
	}
	return q;
}

/* A category that changes is kept in template_category_changes, from the
 * stored row to the new one (case aside: Meta spells them in capitals). */
#define CATEGORY_CHANGE \
	"INSERT INTO template_category_changes (waba_id, template_id, " \
	"name, language, previous_category, new_category, changed_at, " \
	"source) SELECT waba_id, coalesce(id, ?5), name, language, " \
	"category, ?4, ?6, ?7 FROM templates WHERE category IS NOT NULL " \
	"AND ?4 IS NOT NULL AND upper(category) <> upper(?4) AND "
static const char SQL_CATEGORY_BY_KEY[] =
	CATEGORY_CHANGE "waba_id = ?1 AND name = ?2 AND language = ?3";
static const char SQL_CATEGORY_BY_ROW[] =
	CATEGORY_CHANGE "rowid = ?1";

struct category_change {
	const char *waba, *name, *language;	/* the key, or: */
	int64_t row;				/* the row, when not 0 */
	const char *category, *id, *source;
	int64_t now;
};

static int
category_change(struct store *st, const struct category_change *c,
		struct wa_err *err)
{
	sqlite3_stmt *s;

	if (!c->category)
		return 0;
	s = store_stmt(st, c->row ? SQL_CATEGORY_BY_ROW :
		       SQL_CATEGORY_BY_KEY);
	if (c->row) {
		store_bind_int(s, 1, c->row);
	} else {
		store_bind_text(s, 1, c->waba);
		store_bind_text(s, 2, c->name);
		store_bind_text(s, 3, c->language);
	}
	store_bind_text(s, 4, c->category);
	store_bind_text(s, 5, c->id);
	store_bind_int(s, 6, c->now);
	store_bind_text(s, 7, c->source);
	return store_step_done(st, s, err);
}

static int
upsert(struct store *st, const char *waba, jv tpl, int64_t now,
       const char *source, struct wa_err *err)
{
	struct category_change c = { 0 };
	sqlite3_stmt *s;
	const char *name = jx_cstr(tpl, "name");
	const char *lang = jx_cstr(tpl, "language");
	const char *status = jx_cstr(tpl, "status");
	char pf[16] = "";
	const char *fmt = jx_cstr(tpl, "parameter_format");
	size_t i;
	jv comps, id, q;

	if (!name || !lang)
		return wa_err_set(err, WA_EX_REJECTED, "invalid_input",
				  "a template needs a name and a language");
	for (i = 0; fmt && fmt[i] && i + 1 < sizeof(pf); i++)
		pf[i] = (char)toupper((unsigned char)fmt[i]);
	pf[i] = '\0';
	c.waba = waba;
	c.name = name;
	c.language = lang;
	c.category = jx_cstr(tpl, "category");
	c.id = jx_cstr(tpl, "id");
	c.source = source;
	c.now = now;
	if (category_change(st, &c, err) < 0)
		return -1;
	s = store_stmt(st, SQL_UPSERT);
	id = jx_get(tpl, "id");
	comps = jx_get(tpl, "components");
	if (jv_get_kind(comps) != JV_KIND_ARRAY) {
		jv_free(comps);
		comps = jv_array();
	}
	q = quality_of(tpl);
	store_bind_jv(s, 1, id);
	store_bind_text(s, 2, waba);
	store_bind_text(s, 3, name);
	store_bind_text(s, 4, lang);
	store_bind_text(s, 5, jx_cstr(tpl, "category"));
	store_bind_text(s, 6, status ? status : "PENDING");
	store_bind_text(s, 7, pf[0] ? pf : "POSITIONAL");
	store_bind_jv(s, 8, comps);
	store_bind_jv(s, 9, q);
	store_bind_text(s, 10, jx_cstr(tpl, "rejected_reason"));
	store_bind_int(s, 11, now);
	store_bind_jv(s, 12, tpl);
	jv_free(id);
	jv_free(q);
	jv_free(comps);
	return store_step_done(st, s, err);
}

int
template_upsert(struct store *st, const char *waba, jv tpl, int64_t now,
		struct wa_err *err)
{
	return upsert(st, waba, tpl, now, "sync", err);
}

#define TEMPLATE_COLS \
	"waba_id, id, name, language, status, category, parameter_format, " \
	"components, quality, reason, updated_at"

static jv
row_json(sqlite3_stmt *s)
{
	jv r = JV_OBJECT(jv_string("waba_id"), store_col_str(s, 0),
			 jv_string("id"), store_col_str(s, 1),
			 jv_string("name"), store_col_str(s, 2),
			 jv_string("language"), store_col_str(s, 3),
			 jv_string("status"), store_col_str(s, 4),
			 jv_string("category"), store_col_str(s, 5),
			 jv_string("parameter_format"), store_col_str(s, 6),
			 jv_string("components"), store_col_json(s, 7),
			 jv_string("quality"), store_col_str(s, 8));

	r = jv_object_set(r, jv_string("reason"), store_col_str(s, 9));
	return jv_object_set(r, jv_string("updated_at"),
			     store_col_time(s, 10));
}

static const char SQL_GET[] =
	"SELECT " TEMPLATE_COLS " FROM templates WHERE (?1 IS NULL OR "
	"waba_id = ?1) AND name = ?2 AND language = ?3 ORDER BY waba_id "
	"LIMIT 1";

int
template_get(struct store *st, const char *waba, const char *name,
	     const char *language, jv *out, struct wa_err *err)
{
	sqlite3_stmt *s = store_stmt(st, SQL_GET);
	int rc;

	*out = jv_invalid();
	store_bind_text(s, 1, waba);
	store_bind_text(s, 2, name);
	store_bind_text(s, 3, language);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*out = row_json(s);
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(st, err, "read template");
	return rc == SQLITE_ROW;
}

static const char SQL_LIST[] =
	"SELECT " TEMPLATE_COLS " FROM templates WHERE "
	"(?1 IS NULL OR waba_id = ?1) AND (?2 IS NULL OR name = ?2) AND "
	"(?3 IS NULL OR language = ?3) AND "
	"(?4 IS NULL OR upper(status) = upper(?4)) AND "
	"(?5 IS NULL OR upper(category) = upper(?5)) "
	"ORDER BY name, language, waba_id";

int
template_list(struct store *st, const char *waba, const char *name,
	      const char *language, const char *status,
	      const char *category, jv *out, struct wa_err *err)
{
	sqlite3_stmt *s = store_stmt(st, SQL_LIST);
	int rc;

	*out = jv_array();
	store_bind_text(s, 1, waba);
	store_bind_text(s, 2, name);
	store_bind_text(s, 3, language);
	store_bind_text(s, 4, status);
	store_bind_text(s, 5, category);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		*out = jv_array_append(*out, row_json(s));
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		jv_free(*out);
		*out = jv_invalid();
		return store_fail(st, err, "list templates");
	}
	return 0;
}

static const char SQL_DELETE[] =
	"DELETE FROM templates WHERE waba_id = ?1 AND name = ?2 AND "
	"(?3 IS NULL OR language = ?3)";

int
template_delete(struct store *st, const char *waba, const char *name,
		const char *language, int *n, struct wa_err *err)
{
	sqlite3_stmt *s = store_stmt(st, SQL_DELETE);

	store_bind_text(s, 1, waba);
	store_bind_text(s, 2, name);
	store_bind_text(s, 3, language);
	if (store_step_done(st, s, err) < 0)
		return -1;
	*n = sqlite3_changes(store_db(st));
	return 0;
}

static const char SQL_KEYS[] =
	"SELECT rowid, name, language FROM templates WHERE waba_id = ?1";
static const char SQL_DELETE_ROW[] =
	"DELETE FROM templates WHERE rowid = ?1";

int
template_prune(struct store *st, const char *waba, jv seen, int *n,
	       struct wa_err *err)
{
	sqlite3_stmt *s = store_stmt(st, SQL_KEYS);
	int64_t *gone = NULL;
	size_t ngone = 0, i;
	int rc;

	*n = 0;
	store_bind_text(s, 1, waba);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct strbuf key = STRBUF_INIT;

		sb_addf(&key, "%s\t%s", sqlite3_column_text(s, 1),
			sqlite3_column_text(s, 2));
		if (!jv_object_has(jv_copy(seen), jv_string(sb_str(&key)))) {
			gone = xrealloc(gone, (ngone + 1) * sizeof(*gone));
			gone[ngone++] = sqlite3_column_int64(s, 0);
		}
		sb_release(&key);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		free(gone);
		return store_fail(st, err, "read templates");
	}
	for (i = 0; i < ngone; i++) {
		s = store_stmt(st, SQL_DELETE_ROW);
		store_bind_int(s, 1, gone[i]);
		if (store_step_done(st, s, err) < 0) {
			free(gone);
			return -1;
		}
	}
	*n = (int)ngone;
	free(gone);
	return 0;
}

static const char SQL_FIND_ID[] =
	"SELECT rowid FROM templates WHERE id = ?1 ORDER BY rowid LIMIT 1";
static const char SQL_FIND_KEY[] =
	"SELECT rowid FROM templates WHERE waba_id = ?1 AND name = ?2 AND "
	"language = ?3";
static const char SQL_APPLY[] =
	"UPDATE templates SET status = coalesce(?2, status), "
	"category = coalesce(?3, category), quality = coalesce(?4, quality), "
	/* a new status brings its own reason (NONE: none); quality and
	 * category updates keep the reason of the last status */
	"reason = CASE WHEN ?2 IS NOT NULL THEN ?5 ELSE coalesce(?5, reason) "
	"END, id = coalesce(id, ?6), "
	"updated_at = ?7 WHERE rowid = ?1";
static const char SQL_INSERT_BARE[] =
	"INSERT INTO templates (id, waba_id, name, language, category, "
	"status, quality, reason, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, "
	"?6, ?7, ?8, ?9)";

/* rowid of the template known by id, else by key; 0 none, -1 error. */
static int64_t
find_row(struct store *st, const char *waba, const char *id,
	 const char *name, const char *language, struct wa_err *err)
{
	sqlite3_stmt *s;
	int64_t row = 0;

	if (id) {
		s = store_stmt(st, SQL_FIND_ID);
		store_bind_text(s, 1, id);
		if (store_step_int(st, s, &row, "find template", err) < 0)
			return -1;
	}
	if (row || !waba || !name || !language)
		return row;
	s = store_stmt(st, SQL_FIND_KEY);
	store_bind_text(s, 1, waba);
	store_bind_text(s, 2, name);
	store_bind_text(s, 3, language);
	if (store_step_int(st, s, &row, "find template", err) < 0)
		return -1;
	return row;
}

int
template_apply_status(struct store *st, const char *waba, const char *id,
		      const char *name, const char *language,
		      const char *status, const char *category,
		      const char *quality, const char *reason, int64_t now,
		      struct wa_err *err)
{
	struct category_change c = { 0 };
	char lang[32], *p;
	const char *st_new = status;
	sqlite3_stmt *s;
	int64_t row;

	/* webhooks sometimes spell en_US as en-US */
	snprintf(lang, sizeof(lang), "%s", language ? language : "");
	for (p = lang; *p; p++)
		if (*p == '-')
			*p = '_';
	if (template_ieq(status, "REINSTATED"))
		st_new = "APPROVED";
	else if (template_ieq(status, "FLAGGED") || template_ieq(status, "LOCKED"))
		st_new = NULL;
	if (reason && template_ieq(reason, "NONE"))
		reason = NULL;
	row = find_row(st, waba, id, name, language ? lang : NULL, err);
	if (row < 0)
		return -1;
	if (row == 0) {
		if (!waba || !name || !language)
			return 0;
		s = store_stmt(st, SQL_INSERT_BARE);
		store_bind_text(s, 1, id);
		store_bind_text(s, 2, waba);
		store_bind_text(s, 3, name);
		store_bind_text(s, 4, lang);
		store_bind_text(s, 5, category);
		store_bind_text(s, 6, st_new ? st_new : "UNKNOWN");
		store_bind_text(s, 7, quality);
		store_bind_text(s, 8, reason);
		store_bind_int(s, 9, now);
		return store_step_done(st, s, err);
	}
	c.row = row;
	c.category = category;
	c.id = id;
	c.source = "webhook";
	c.now = now;
	if (category_change(st, &c, err) < 0)
		return -1;
	s = store_stmt(st, SQL_APPLY);
	store_bind_int(s, 1, row);
	store_bind_text(s, 2, st_new);
	store_bind_text(s, 3, category);
	store_bind_text(s, 4, quality);
	store_bind_text(s, 5, reason);
	store_bind_text(s, 6, id);
	store_bind_int(s, 7, now);
	return store_step_done(st, s, err);
}

static const char SQL_WABAS[] =
	"SELECT DISTINCT waba_id FROM channels WHERE status = 'connected' "
	"ORDER BY waba_id";

int
template_wabas(struct store *st, jv *out, struct wa_err *err)
{
	sqlite3_stmt *s = store_stmt(st, SQL_WABAS);
	int rc;

	*out = jv_array();
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		*out = jv_array_append(*out, store_col_str(s, 0));
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		jv_free(*out);
		*out = jv_invalid();
		return store_fail(st, err, "list channels");
	}
	return 0;
}

int
template_wabas_for(struct store *st, const char *waba, int need_one,
		   jv *out, struct wa_err *err)
{
	int n;

	if (waba) {
		*out = JV_ARRAY(jv_string(waba));
		return 0;
	}
	if (template_wabas(st, out, err) < 0)
		return -1;
	n = jv_array_length(jv_copy(*out));
	if (n == 0)
		wa_err_set(err, WA_EX_CONFIG, "not_connected", "no connected "
			   "channel: give --waba or run 'wa-connect add'");
	else if (need_one && n > 1)
		wa_err_set(err, WA_EX_USAGE, "invalid_input", "several WABAs "
			   "have channels: give --waba");
	else
		return 0;
	jv_free(*out);
	*out = jv_invalid();
	return -1;
}

static const char SQL_CATEGORY_HISTORY[] =
	"SELECT changed_at, previous_category, new_category, source FROM "
	"template_category_changes WHERE waba_id = ?1 AND name = ?2 AND "
	"language = ?3 ORDER BY id";

int
template_category_history(struct store *st, const char *waba,
			  const char *name, const char *language, jv *out,
			  struct wa_err *err)
{
	sqlite3_stmt *s = store_stmt(st, SQL_CATEGORY_HISTORY);
	int rc;

	*out = jv_array();
	store_bind_text(s, 1, waba);
	store_bind_text(s, 2, name);
	store_bind_text(s, 3, language);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		*out = jv_array_append(*out, JV_OBJECT(
			jv_string("at"), store_col_time(s, 0),
			jv_string("from"), store_col_str(s, 1),
			jv_string("to"), store_col_str(s, 2),
			jv_string("source"), store_col_str(s, 3)));
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		jv_free(*out);
		*out = jv_invalid();
		return store_fail(st, err, "read category changes");
	}
	return 0;
}

/* Each template of list (taken) with its category_history (owned). */
static int
with_history(struct store *st, jv list, jv *out, struct wa_err *err)
{
	int rc = 0;

	*out = jv_array();
	jv_array_foreach(list, i, t) {
		jv h = jv_invalid();

		if (rc == 0)
			rc = template_category_history(st,
				jx_cstr(t, "waba_id"), jx_cstr(t, "name"),
				jx_cstr(t, "language"), &h, err);
		if (rc == 0)
			*out = jv_array_append(*out, jv_object_set(t,
				jv_string("category_history"), h));
		else
			jv_free(t);
		(void)i;
	}
	jv_free(list);
	return rc;
}

int
template_show(struct store *st, const char *waba, const char *name,
	      const char *language, jv *out, struct wa_err *err)
{
	jv list;

	*out = jv_array();
	if (template_list(st, waba, name, language, NULL, NULL, &list,
			  err) < 0)
		return -1;
	jv_free(*out);
	if (with_history(st, list, out, err) < 0)
		return -1;
	if (jv_array_length(jv_copy(*out)) > 0)
		return 0;
	return wa_err_set(err, WA_EX_REJECTED, "template_not_found",
			  "template '%s'%s%s%s is not known; run 'wa-template "
			  "sync'", name, language ? " (" : "",
			  language ? language : "", language ? ")" : "");
}

/* ---- settings ---- */

int
template_marketing_get(struct store *st, int *on, struct wa_err *err)
{
	char *v = store_setting_get(st, TEMPLATE_KEY_MARKETING);
	int rc = 0;

	*on = 1;
	if (!v)
		return 0;
	if (strcmp(v, "off") == 0)
		*on = 0;
	else if (strcmp(v, "on") != 0)
		rc = wa_err_set(err, WA_EX_CONFIG, "invalid_input",
				"setting '%s' is not on or off: '%s'",
				TEMPLATE_KEY_MARKETING, v);
	free(v);
	return rc;
}

int
template_marketing_set(struct store *st, int on, struct wa_err *err)
{
	if (store_begin(st, err) < 0)
		return -1;
	if (store_setting_set(st, TEMPLATE_KEY_MARKETING, on ? "on" : "off",
			      err) < 0) {
		store_rollback(st);
		return -1;
	}
	return store_commit(st, err);
}

/* ---- at Meta: sync, create, delete ---- */

static const char SYNC_FIELDS[] =
	"id,name,language,status,category,components,parameter_format,"
	"quality_score,rejected_reason";

static int
page_append(jv data, void *ctx)
{
	jv *all = ctx;

	*all = jv_array_concat(*all, data);
	return 0;
}

/* Every page of waba's templates into *all (owned array). */
static int
fetch_all(struct graph *g, const char *waba, jv *all, int *pages,
	  struct wa_err *err)
{
	struct strbuf path = STRBUF_INIT;
	char *esc = graph_escape(waba);
	int rc;

	*all = jv_array();
	sb_addf(&path, "/%s/message_templates?limit=100&fields=%s", esc,
		SYNC_FIELDS);
	free(esc);
	rc = graph_pages(g, sb_str(&path), SYNC_MAX_PAGES, "templates",
			 page_append, all, pages, err);
	sb_release(&path);
	if (rc < 0) {
		jv_free(*all);
		*all = jv_invalid();
	}
	return rc;
}

static int
store_all(struct store *st, const char *waba, jv all, int64_t now,
	  int *removed, struct wa_err *err)
{
	jv seen = jv_object();
	int rc = 0;

	if (store_begin(st, err) < 0) {
		jv_free(seen);
		return -1;
	}
	jv_array_foreach(all, i, t) {
		struct strbuf key = STRBUF_INIT;

		if (rc == 0 && jx_cstr(t, "name") && jx_cstr(t, "language")) {
			rc = template_upsert(st, waba, t, now, err);
			sb_addf(&key, "%s\t%s", jx_cstr(t, "name"),
				jx_cstr(t, "language"));
			seen = jv_object_set(seen, jv_string(sb_str(&key)),
					     jv_true());
		}
		sb_release(&key);
		(void)i;
		jv_free(t);
	}
	if (rc == 0)
		rc = template_prune(st, waba, seen, removed, err);
	jv_free(seen);
	if (rc == 0)
		rc = store_commit(st, err);
	if (rc < 0)
		store_rollback(st);
	return rc;
}

int
template_sync(struct store *st, struct graph *g, const char *waba,
	      int64_t now, jv *out, struct wa_err *err)
{
	int pages = 0, removed = 0, n;
	jv all;

	*out = jv_invalid();
	if (fetch_all(g, waba, &all, &pages, err) < 0)
		return -1;
	n = jv_array_length(jv_copy(all));
	if (store_all(st, waba, all, now, &removed, err) < 0) {
		jv_free(all);
		return -1;
	}
	jv_free(all);
	*out = JV_OBJECT(jv_string("ok"), jv_true(),
			 jv_string("waba_id"), jv_string(waba),
			 jv_string("synced"), jv_number(n),
			 jv_string("removed"), jv_number(removed),
			 jv_string("pages"), jv_number(pages));
	return 0;
}

int
template_create(struct store *st, struct graph *g, const char *waba,
		jv tpl, int64_t now, jv *out, struct wa_err *err)
{
	struct strbuf path = STRBUF_INIT;
	char *esc = graph_escape(waba);
	jv resp, row;
	int rc;

	*out = jv_invalid();
	if (template_validate(tpl, err) < 0) {
		free(esc);
		return -1;
	}
	sb_addf(&path, "/%s/message_templates", esc);
	free(esc);
	rc = graph_post(g, sb_str(&path), jv_copy(tpl), &resp, err);
	sb_release(&path);
	if (rc < 0) {
		jv_free(resp);
		return -1;
	}
	/* what Meta stored: the payload with its id, status and category */
	row = jv_copy(tpl);
	row = jv_object_set(row, jv_string("id"), jx_get(resp, "id"));
	row = jv_object_set(row, jv_string("status"),
			    jx_cstr(resp, "status") ? jx_get(resp, "status") :
			    jv_string("PENDING"));
	if (jx_cstr(resp, "category"))
		row = jv_object_set(row, jv_string("category"),
				    jx_get(resp, "category"));
	jv_free(resp);
	if (store_begin(st, err) < 0 ||
	    upsert(st, waba, row, now, "create", err) < 0 ||
	    store_commit(st, err) < 0) {
		store_rollback(st);
		jv_free(row);
		return -1;
	}
	*out = JV_OBJECT(jv_string("ok"), jv_true(),
			 jv_string("waba_id"), jv_string(waba),
			 jv_string("id"), jx_get(row, "id"),
			 jv_string("name"), jx_get(row, "name"),
			 jv_string("language"), jx_get(row, "language"),
			 jv_string("status"), jx_get(row, "status"),
			 jv_string("category"), jx_get(row, "category"));
	jv_free(row);
	return 0;
}

int
template_remove(struct store *st, struct graph *g, const char *waba,
		const char *name, const char *language, jv *out,
		struct wa_err *err)
{
	struct strbuf path = STRBUF_INIT;
	char *ew = graph_escape(waba), *en = graph_escape(name);
	jv row = jv_invalid(), resp;
	int rc = 0, n = 0;

	*out = jv_invalid();
	sb_addf(&path, "/%s/message_templates?name=%s", ew, en);
	free(ew);
	free(en);
	if (language) {
		rc = template_get(st, waba, name, language, &row, err);
		if (rc == 1 && !jx_cstr(row, "id"))
			rc = 0;
		if (rc == 0)
			wa_err_set(err, WA_EX_REJECTED, "template_not_found",
				   "template '%s' (%s) is not known in WABA "
				   "%s; run 'wa-template sync'", name,
				   language, waba);
		if (rc <= 0) {
			jv_free(row);
			sb_release(&path);
			return -1;
		}
		en = graph_escape(jx_cstr(row, "id"));
		sb_addf(&path, "&hsm_id=%s", en);
		free(en);
		jv_free(row);
	}
	rc = graph_delete(g, sb_str(&path), &resp, err);
	sb_release(&path);
	jv_free(resp);
	if (rc < 0)
		return -1;
	if (store_begin(st, err) < 0 ||
	    template_delete(st, waba, name, language, &n, err) < 0 ||
	    store_commit(st, err) < 0) {
		store_rollback(st);
		return -1;
	}
	*out = JV_OBJECT(jv_string("ok"), jv_true(),
			 jv_string("waba_id"), jv_string(waba),
			 jv_string("name"), jv_string(name),
			 jv_string("language"),
			 language ? jv_string(language) : jv_null(),
			 jv_string("removed"), jv_number(n));
	return 0;
}
