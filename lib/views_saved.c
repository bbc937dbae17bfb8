/* SPDX-License-Identifier: MIT */
/* Saved views: the built-in ones, resolving a name to its filters, create, delete, list. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "views.h"
#include "jqwhere.h"

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
	struct sq *q;
	char *text = NULL;

	if (b >= 0)
		return filters_from_text(out, builtins[b].filters, err);
	q = store_q(st, Q_VIEWS_FIND);
	sq_text(q, 1, name);
	sq_text(q, 2, user);
	rc = sq_step(q);
	if (rc < 0)
		return sq_fail(q, err, "read views");
	if (rc > 0) {
		text = sq_col_dup(q, 0);
		sq_reset(q);
	}
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
	struct sq *q = store_q(st, Q_VIEWS_MINE);
	int64_t id;

	sq_text(q, 1, name);
	sq_text(q, 2, user);
	return sq_int1(q, &id, "read views", err);
}

int
views_create(struct store *st, const char *name, const char *user,
	     const char *sharing, const struct views_filter *f, int64_t now,
	     jv *out, struct wa_err *err)
{
	static const char *const sharings[] = {
		"private", "team", "everyone", NULL
	};
	struct sq *q;
	jv filters;
	int rc;

	if (!sharing)
		sharing = "private";
	if (!str_one_of(sharing, sharings))
		return wa_err_set(err, WA_EX_USAGE, "invalid_input",
				  "--sharing: bad value '%s'", sharing);
	if (check_view_name(name, err) < 0 ||
	    (f->v[VIEWS_WHERE] &&
	     jqwhere_check(f->v[VIEWS_WHERE], "--where", err) < 0) ||
	    store_begin(st, err) < 0)
		return -1;
	rc = view_exists(st, name, user, err);
	if (rc != 0) {
		store_rollback(st);
		return rc < 0 ? -1 : wa_err_set(err, WA_EX_REJECTED,
			"duplicate", "you already have a view '%s'", name);
	}
	filters = views_filter_json(f);
	q = store_q(st, Q_VIEWS_INSERT);
	sq_text(q, 1, name);
	sq_text(q, 2, user);
	sq_text(q, 3, sharing);
	sq_jv(q, 4, filters);
	sq_int(q, 5, now);
	if (sq_done(q, err) < 0 || store_commit(st, err) < 0) {
		store_rollback(st);
		jv_free(filters);
		return -1;
	}
	*out = jv_object_merge(JV_OBJECT(jv_string("ok"), jv_true()),
			       view_record(name, user, sharing, filters, now,
					   0));
	return 0;
}

int
views_delete(struct store *st, const char *name, const char *user,
	     jv *out, struct wa_err *err)
{
	struct sq *q;

	if (builtin_index(name) >= 0)
		return wa_err_set(err, WA_EX_REJECTED, "invalid_input",
				  "'%s' is a built-in view", name);
	if (store_begin(st, err) < 0)
		return -1;
	q = store_q(st, Q_VIEWS_DELETE);
	sq_text(q, 1, name);
	sq_text(q, 2, user);
	if (sq_done(q, err) < 0) {
		store_rollback(st);
		return -1;
	}
	if (store_changes(st) == 0) {
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
	struct sq *q;
	int i, rc;

	for (i = 0; i < NBUILTINS; i++)
		fn(view_record(builtins[i].name, NULL, "everyone",
			       jv_parse(builtins[i].filters), -1, 1), ctx);
	q = store_q(st, Q_VIEWS_ALL);
	sq_text(q, 1, user);
	while ((rc = sq_step(q)) > 0)
		fn(view_record(sq_col_text(q, 0), sq_col_text(q, 1),
			       sq_col_text(q, 2), sq_col_json(q, 3),
			       sq_col_int(q, 4), 0), ctx);
	return rc < 0 ? sq_fail(q, err, "read views") : 0;
}
