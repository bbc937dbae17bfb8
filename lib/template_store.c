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

/* A template's key in the store. */
struct tpl_key {
	const char *waba, *name, *language;
};

struct category_change {
	struct tpl_key key;			/* the stored row */
	const char *category, *id, *source;
	int64_t now;
};

static void
bind_key(struct sq *q, const struct tpl_key *k)
{
	sq_text(q, 1, k->waba);
	sq_text(q, 2, k->name);
	sq_text(q, 3, k->language);
}

static int
category_change(struct store *st, const struct category_change *c,
		struct wa_err *err)
{
	struct sq *q;

	if (!c->category)
		return 0;
	q = store_q(st, Q_TEMPLATE_CATEGORY_CHANGE);
	bind_key(q, &c->key);
	sq_text(q, 4, c->category);
	sq_text(q, 5, c->id);
	sq_int(q, 6, c->now);
	sq_text(q, 7, c->source);
	return sq_done(q, err);
}

static int
upsert(struct store *st, const char *waba, jv tpl, int64_t now,
       const char *source, struct wa_err *err)
{
	struct category_change c = { 0 };
	struct sq *q;
	const char *name = jx_cstr(tpl, "name");
	const char *lang = jx_cstr(tpl, "language");
	const char *status = jx_cstr(tpl, "status");
	char pf[16] = "";
	const char *fmt = jx_cstr(tpl, "parameter_format");
	size_t i;
	jv comps, id, qs;

	if (!name || !lang)
		return wa_err_set(err, WA_EX_REJECTED, "invalid_input",
				  "a template needs a name and a language");
	for (i = 0; fmt && fmt[i] && i + 1 < sizeof(pf); i++)
		pf[i] = (char)toupper((unsigned char)fmt[i]);
	pf[i] = '\0';
	c.key.waba = waba;
	c.key.name = name;
	c.key.language = lang;
	c.category = jx_cstr(tpl, "category");
	c.id = jx_cstr(tpl, "id");
	c.source = source;
	c.now = now;
	if (category_change(st, &c, err) < 0)
		return -1;
	q = store_q(st, Q_TEMPLATE_UPSERT);
	id = jx_get(tpl, "id");
	comps = jx_get(tpl, "components");
	if (jv_get_kind(comps) != JV_KIND_ARRAY) {
		jv_free(comps);
		comps = jv_array();
	}
	qs = quality_of(tpl);
	sq_jv(q, 1, id);
	sq_text(q, 2, waba);
	sq_text(q, 3, name);
	sq_text(q, 4, lang);
	sq_text(q, 5, jx_cstr(tpl, "category"));
	sq_text(q, 6, status ? status : "PENDING");
	sq_text(q, 7, pf[0] ? pf : "POSITIONAL");
	sq_jv(q, 8, comps);
	sq_jv(q, 9, qs);
	sq_text(q, 10, jx_cstr(tpl, "rejected_reason"));
	sq_int(q, 11, now);
	sq_jv(q, 12, tpl);
	jv_free(id);
	jv_free(qs);
	jv_free(comps);
	return sq_done(q, err);
}

int
template_upsert(struct store *st, const char *waba, jv tpl, int64_t now,
		struct wa_err *err)
{
	return upsert(st, waba, tpl, now, "sync", err);
}

/* A row of Q_TEMPLATE_GET or Q_TEMPLATE_LIST. */
static jv
row_json(struct sq *q)
{
	jv r = JV_OBJECT(jv_string("waba_id"), sq_col_str(q, 0),
			 jv_string("id"), sq_col_str(q, 1),
			 jv_string("name"), sq_col_str(q, 2),
			 jv_string("language"), sq_col_str(q, 3),
			 jv_string("status"), sq_col_str(q, 4),
			 jv_string("category"), sq_col_str(q, 5),
			 jv_string("parameter_format"), sq_col_str(q, 6),
			 jv_string("components"), sq_col_json(q, 7),
			 jv_string("quality"), sq_col_str(q, 8));

	r = jv_object_set(r, jv_string("reason"), sq_col_str(q, 9));
	return jv_object_set(r, jv_string("updated_at"), sq_col_time(q, 10));
}

int
template_get(struct store *st, const char *waba, const char *name,
	     const char *language, jv *out, struct wa_err *err)
{
	struct sq *q = store_q(st, Q_TEMPLATE_GET);
	int rc;

	*out = jv_invalid();
	sq_text(q, 1, waba);
	sq_text(q, 2, name);
	sq_text(q, 3, language);
	rc = sq_step(q);
	if (rc < 0)
		return sq_fail(q, err, "read template");
	if (rc > 0) {
		*out = row_json(q);
		sq_reset(q);
	}
	return rc;
}

int
template_list(struct store *st, const char *waba, const char *name,
	      const char *language, const char *status,
	      const char *category, jv *out, struct wa_err *err)
{
	struct sq *q = store_q(st, Q_TEMPLATE_LIST);
	int rc;

	*out = jv_array();
	sq_text(q, 1, waba);
	sq_text(q, 2, name);
	sq_text(q, 3, language);
	sq_text(q, 4, status);
	sq_text(q, 5, category);
	while ((rc = sq_step(q)) > 0)
		*out = jv_array_append(*out, row_json(q));
	if (rc < 0) {
		jv_free(*out);
		*out = jv_invalid();
		return sq_fail(q, err, "list templates");
	}
	return 0;
}

int
template_delete(struct store *st, const char *waba, const char *name,
		const char *language, int *n, struct wa_err *err)
{
	struct sq *q = store_q(st, Q_TEMPLATE_DELETE);

	sq_text(q, 1, waba);
	sq_text(q, 2, name);
	sq_text(q, 3, language);
	if (sq_done(q, err) < 0)
		return -1;
	*n = (int)store_changes(st);
	return 0;
}

/* The "name\tlanguage" keys of waba's stored templates not in seen
 * (borrowed) into *gone (owned array). */
static int
prune_keys(struct store *st, const char *waba, jv seen, jv *gone,
	   struct wa_err *err)
{
	struct sq *q = store_q(st, Q_TEMPLATE_KEYS);
	struct strbuf key = STRBUF_INIT;
	int rc;

	*gone = jv_array();
	sq_text(q, 1, waba);
	while ((rc = sq_step(q)) > 0) {
		sb_reset(&key);
		sb_addf(&key, "%s\t%s", sq_col_text(q, 0), sq_col_text(q, 1));
		if (!jv_object_has(jv_copy(seen), jv_string(sb_str(&key))))
			*gone = jv_array_append(*gone,
						jv_string(sb_str(&key)));
	}
	sb_release(&key);
	return rc < 0 ? sq_fail(q, err, "read templates") : 0;
}

int
template_prune(struct store *st, const char *waba, jv seen, int *n,
	       struct wa_err *err)
{
	jv gone;
	int rc, one;

	*n = 0;
	rc = prune_keys(st, waba, seen, &gone, err);
	jv_array_foreach(gone, i, k) {
		char *name = xstrdup(jv_string_value(k));
		char *tab = strrchr(name, '\t');

		*tab = '\0';
		if (rc == 0)
			rc = template_delete(st, waba, name, tab + 1, &one,
					     err);
		free(name);
		jv_free(k);
		(void)i;
	}
	if (rc == 0)
		*n = jv_array_length(gone);
	else
		jv_free(gone);
	return rc;
}

/* The key of the template known by id, else by key, into *k (owned
 * strings): 1, or 0 when none; -1 with err. */
static int
find_row(struct store *st, const char *waba, const char *id,
	 const char *name, const char *language, struct tpl_key *k,
	 struct wa_err *err)
{
	struct sq *q;
	int64_t one;
	int rc;

	memset(k, 0, sizeof(*k));
	if (id) {
		q = store_q(st, Q_TEMPLATE_FIND_ID);
		sq_text(q, 1, id);
		rc = sq_step(q);
		if (rc < 0)
			return sq_fail(q, err, "find template");
		if (rc > 0) {
			k->waba = sq_col_dup(q, 0);
			k->name = sq_col_dup(q, 1);
			k->language = sq_col_dup(q, 2);
			sq_reset(q);
			return 1;
		}
	}
	if (!waba || !name || !language)
		return 0;
	q = store_q(st, Q_TEMPLATE_FIND_KEY);
	sq_text(q, 1, waba);
	sq_text(q, 2, name);
	sq_text(q, 3, language);
	rc = sq_int1(q, &one, "find template", err);
	if (rc > 0) {
		k->waba = xstrdup(waba);
		k->name = xstrdup(name);
		k->language = xstrdup(language);
	}
	return rc;
}

static void
key_release(struct tpl_key *k)
{
	free((char *)k->waba);
	free((char *)k->name);
	free((char *)k->language);
	memset(k, 0, sizeof(*k));
}

/* A template the webhook names that the store does not know yet. */
static int
insert_bare(struct store *st, const struct tpl_key *k, const char *id,
	    const char *status, const char *category, const char *quality,
	    const char *reason, int64_t now, struct wa_err *err)
{
	struct sq *q = store_q(st, Q_TEMPLATE_INSERT_BARE);

	sq_text(q, 1, id);
	sq_text(q, 2, k->waba);
	sq_text(q, 3, k->name);
	sq_text(q, 4, k->language);
	sq_text(q, 5, category);
	sq_text(q, 6, status ? status : "UNKNOWN");
	sq_text(q, 7, quality);
	sq_text(q, 8, reason);
	sq_int(q, 9, now);
	return sq_done(q, err);
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
	struct sq *q;
	int rc;

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
	rc = find_row(st, waba, id, name, language ? lang : NULL, &c.key,
		      err);
	if (rc < 0)
		return -1;
	if (rc == 0) {
		struct tpl_key k = { waba, name, lang };

		if (!waba || !name || !language)
			return 0;
		return insert_bare(st, &k, id, st_new, category, quality,
				   reason, now, err);
	}
	c.category = category;
	c.id = id;
	c.source = "webhook";
	c.now = now;
	rc = category_change(st, &c, err);
	if (rc == 0) {
		q = store_q(st, Q_TEMPLATE_APPLY);
		bind_key(q, &c.key);
		sq_text(q, 4, st_new);
		sq_text(q, 5, category);
		sq_text(q, 6, quality);
		sq_text(q, 7, reason);
		sq_text(q, 8, id);
		sq_int(q, 9, now);
		rc = sq_done(q, err);
	}
	key_release(&c.key);
	return rc;
}

int
template_wabas(struct store *st, jv *out, struct wa_err *err)
{
	struct sq *q = store_q(st, Q_TEMPLATE_WABAS);
	int rc;

	*out = jv_array();
	while ((rc = sq_step(q)) > 0)
		*out = jv_array_append(*out, sq_col_str(q, 0));
	if (rc < 0) {
		jv_free(*out);
		*out = jv_invalid();
		return sq_fail(q, err, "list channels");
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

int
template_category_history(struct store *st, const char *waba,
			  const char *name, const char *language, jv *out,
			  struct wa_err *err)
{
	struct sq *q = store_q(st, Q_TEMPLATE_CATEGORY_HISTORY);
	struct tpl_key k = { waba, name, language };
	int rc;

	*out = jv_array();
	bind_key(q, &k);
	while ((rc = sq_step(q)) > 0)
		*out = jv_array_append(*out, JV_OBJECT(
			jv_string("at"), sq_col_time(q, 0),
			jv_string("from"), sq_col_str(q, 1),
			jv_string("to"), sq_col_str(q, 2),
			jv_string("source"), sq_col_str(q, 3)));
	if (rc < 0) {
		jv_free(*out);
		*out = jv_invalid();
		return sq_fail(q, err, "read category changes");
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
