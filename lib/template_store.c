/* SPDX-License-Identifier: MIT */
/* Templates in the store: upsert, lookup, list, prune, WABAs, category history, settings. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "template.h"
#include "template_int.h"
#include "jsonl.h"
#include "util.h"

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

void
template_bind_key(struct sq *q, const struct tpl_key *k)
{
	sq_text(q, 1, k->waba);
	sq_text(q, 2, k->name);
	sq_text(q, 3, k->language);
}

int
template_category_change(struct store *st,
			 const struct category_change *c, struct wa_err *err)
{
	struct sq *q;

	if (!c->category)
		return 0;
	q = store_q(st, Q_TEMPLATE_CATEGORY_CHANGE);
	template_bind_key(q, &c->key);
	sq_text(q, 4, c->category);
	sq_text(q, 5, c->id);
	sq_int(q, 6, c->now);
	sq_text(q, 7, c->source);
	return sq_done(q, err);
}

int
template_upsert_source(struct store *st, const char *waba, jv tpl,
		       int64_t now, const char *source, struct wa_err *err)
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
	if (template_category_change(st, &c, err) < 0)
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
	return template_upsert_source(st, waba, tpl, now, "sync", err);
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
	template_bind_key(q, &k);
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
