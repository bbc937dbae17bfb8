/* SPDX-License-Identifier: MIT */
/* Templates at Meta: sync (every page, then prune), create, delete. */
#include <stdlib.h>
#include "template.h"
#include "template_int.h"
#include "jsonl.h"
#include "util.h"

#define SYNC_MAX_PAGES 10000	/* a paging loop that never ends is a bug */

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
	    template_upsert_source(st, waba, row, now, "create", err) < 0 ||
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
