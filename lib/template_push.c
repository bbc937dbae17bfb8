/* SPDX-License-Identifier: MIT */
/* wa-template push: create, edit where Meta's rules allow it, and prune templates from a directory of files. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "audit.h"
#include "template_files.h"
#include "template_files_int.h"
#include "template.h"
#include "jsonl.h"
#include "util.h"

struct push {
	const struct template_files_run *r;
	int status;		/* 0, or 1 once something was refused */
	int wrote;		/* something changed at Meta */
};

/* What a push does to one template. */
struct action {
	const char *what;	/* "create", "edit", "delete" */
	const char *file;	/* its file, or NULL for a delete */
	const char *name, *language;	/* language NULL: every one */
	const char *id;		/* Meta's id: edit, delete of a language */
	jv body;		/* what is sent (owned), or invalid */
	jv fields;		/* an edit's changed fields (owned) */
};

/* The request an action makes (owned), as --dry-run prints it. */
static jv
request_json(const struct push *p, const struct action *a)
{
	struct strbuf path = STRBUF_INIT;
	char *e = graph_escape(p->r->waba), *en = graph_escape(a->name), *ei;
	const char *method = "POST";
	jv req;

	if (strcmp(a->what, "create") == 0)
		sb_addf(&path, "/%s/message_templates", e);
	else if (strcmp(a->what, "edit") == 0) {
		ei = graph_escape(a->id);
		sb_addf(&path, "/%s", ei);
		free(ei);
	} else {
		method = "DELETE";
		sb_addf(&path, "/%s/message_templates?name=%s", e, en);
		if (a->language) {
			ei = graph_escape(a->id);
			sb_addf(&path, "&hsm_id=%s", ei);
			free(ei);
		}
	}
	req = JV_OBJECT(jv_string("method"), jv_string(method),
			jv_string("path"), jv_string(sb_str(&path)));
	if (jv_is_valid(a->body))
		req = jv_object_set(req, jv_string("body"), jv_copy(a->body));
	free(e);
	free(en);
	sb_release(&path);
	return req;
}

static jv
action_record(const struct push *p, const struct action *a, jv rec)
{
	rec = jv_object_set(rec, jv_string("op"), jv_string(a->what));
	if (a->file)
		rec = jv_object_set(rec, jv_string("file"),
				    jv_string(a->file));
	if (jv_is_valid(a->fields))
		rec = jv_object_set(rec, jv_string("fields"),
				    jv_copy(a->fields));
	return rec;
}

/* POST /{template-id} with the changed content. */
static int
edit(struct push *p, const struct action *a, jv *res, struct wa_err *err)
{
	struct strbuf path = STRBUF_INIT;
	char *e = graph_escape(a->id);
	jv resp;
	int rc;

	sb_addf(&path, "/%s", e);
	free(e);
	rc = graph_post(p->r->g, sb_str(&path), jv_copy(a->body), &resp, err);
	sb_release(&path);
	jv_free(resp);
	if (rc < 0)
		return -1;
	*res = JV_OBJECT(jv_string("ok"), jv_true(),
			 jv_string("waba_id"), jv_string(p->r->waba),
			 jv_string("id"), jv_string(a->id),
			 jv_string("name"), jv_string(a->name),
			 jv_string("language"), jv_string(a->language));
	return 0;
}

/* The action and its outcome (why: the error code of a failure, else
 * NULL) in the audit log. */
static int
audit_push(struct push *p, const struct action *a, const char *why,
	   struct wa_err *err)
{
	char subject[512];
	jv d = JV_OBJECT(jv_string("op"), jv_string(a->what),
			 jv_string("waba_id"), jv_string(p->r->waba),
			 jv_string("file"), a->file ? jv_string(a->file) :
			 jv_null(),
			 jv_string("outcome"), jv_string(why ? "failed" : "ok"));

	if (why)
		d = jv_object_set(d, jv_string("error"), jv_string(why));
	snprintf(subject, sizeof(subject), "template:%s/%s", a->name,
		 a->language ? a->language : "*");
	return audit_append(p->r->st, NULL, "template.push", subject, d, err);
}

/* Runs (or, dry, prints) one action; -1 when its error ends the run. */
static int
run(struct push *p, struct action *a, struct wa_err *err)
{
	jv res = jv_invalid();
	struct wa_err e;
	char why[sizeof(err->code)];
	int rc;

	if (p->r->dry_run) {
		res = JV_OBJECT(jv_string("ok"), jv_true(),
				jv_string("dry_run"), jv_true(),
				jv_string("name"), jv_string(a->name),
				jv_string("language"), a->language ?
				jv_string(a->language) : jv_null(),
				jv_string("request"), request_json(p, a));
		p->r->emit(action_record(p, a, res), p->r->ctx);
		return 0;
	}
	if (strcmp(a->what, "create") == 0)
		rc = template_create(p->r->st, p->r->g, p->r->waba, a->body,
				     p->r->now, &res, err);
	else if (strcmp(a->what, "edit") == 0)
		rc = edit(p, a, &res, err);
	else
		rc = template_remove(p->r->st, p->r->g, p->r->waba, a->name,
				     a->language, &res, err);
	if (rc < 0)
		snprintf(why, sizeof(why), "%s", err->code);
	if (audit_push(p, a, rc < 0 ? why : NULL, rc < 0 ? &e : err) < 0) {
		if (rc < 0)
			*err = e;
		jv_free(res);
		p->status = err->sysexit;
		return -1;
	}
	if (rc == 0) {
		p->wrote = 1;
		p->r->emit(action_record(p, a, res), p->r->ctx);
		return 0;
	}
	if (a->file)
		wa_err_prefix(err, "%s", a->file);
	p->r->emit(action_record(p, a, template_files_error(err, a->file,
		   a->name, a->language, 0)), p->r->ctx);
	p->status = 1;
	return err->sysexit > 1 ? -1 : 0;
}

/* Meta's rules for editing, checked before any request: only an
 * APPROVED, REJECTED or PAUSED template can be edited, and an approved
 * one keeps its category. (How often an approved one may change, once
 * in 24 hours and 10 times in 30 days, only Meta knows: it refuses.) */
static int
editable(const struct template_file *f, jv row, jv fields,
	 struct wa_err *err)
{
	const char *status = jx_cstr(row, "status");
	const char *cat = jx_cstr(row, "category");
	int approved = status && strcasecmp(status, "APPROVED") == 0;
	int cat_asked = 0;

	if (!jx_cstr(row, "id"))	/* known from a webhook alone */
		return wa_err_set(err, WA_EX_REJECTED, "template_not_found",
				  "%s: Meta's id of '%s' (%s) is not known; "
				  "run 'wa-template sync'", f->path, f->name,
				  f->language);

	jv_array_foreach(fields, i, fl) {
		cat_asked |= strcmp(jv_string_value(fl), "category") == 0;
		(void)i;
		jv_free(fl);
	}
	if (!approved && (!status || (strcasecmp(status, "REJECTED") != 0 &&
				      strcasecmp(status, "PAUSED") != 0)))
		return wa_err_set(err, WA_EX_REJECTED, "template_not_editable",
				  "%s: '%s' (%s) is %s at Meta: only APPROVED, "
				  "REJECTED or PAUSED templates can be edited "
				  "(Meta's rule); wait for Meta's review, or "
				  "delete the template and create it again",
				  f->path, f->name, f->language,
				  status ? status : "of no known status");
	if (approved && cat_asked)
		return wa_err_set(err, WA_EX_REJECTED, "template_not_editable",
				  "%s: '%s' (%s) is APPROVED as %s: the "
				  "category of an approved template cannot be "
				  "changed (Meta's rule); keep \"category\":"
				  "\"%s\", or delete the template and create "
				  "it again", f->path, f->name, f->language,
				  cat ? cat : "(none)", cat ? cat : "");
	return 0;
}

/* The body of an edit: the components (and parameter_format) when they
 * changed, the category when the file asks for another one. */
static jv
edit_body(jv tpl, jv fields)
{
	jv body = jv_object();
	int content = 0;

	jv_array_foreach(fields, i, fl) {
		const char *s = jv_string_value(fl);

		if (strcmp(s, "category") == 0)
			body = jv_object_set(body, jv_string("category"),
					     jx_get(tpl, "category"));
		else if (strcmp(s, "parameter_format") == 0)
			body = jv_object_set(body,
					     jv_string("parameter_format"),
					     jv_string(jx_cstr(tpl,
						"parameter_format") ?
						jx_cstr(tpl, "parameter_format") :
						"POSITIONAL"));
		else
			content = 1;
		(void)i;
		jv_free(fl);
	}
	if (content || jv_object_has(jv_copy(body),
				     jv_string("parameter_format")))
		body = jv_object_set(body, jv_string("components"),
				     jx_get(tpl, "components"));
	return body;
}

/* One file: create, edit, refuse, or nothing when Meta has it as is. */
static int
push_file(struct push *p, const struct template_file *f, jv row,
	  struct wa_err *err)
{
	struct action a = { "create", f->path, f->name, f->language, NULL,
			    jv_invalid(), jv_invalid() };
	int rc = 0;

	if (!jv_is_valid(row)) {
		a.body = template_file_payload(f->tpl);
	} else {
		a.fields = template_file_changes(f->tpl, row);
		if (jv_array_length(jv_copy(a.fields)) == 0) {
			jv_free(a.fields);
			return 0;
		}
		a.what = "edit";
		if (editable(f, row, a.fields, err) < 0) {
			p->r->emit(action_record(p, &a, template_files_error(err,
				f->path, f->name, f->language, 0)), p->r->ctx);
			p->status = 1;
			jv_free(a.fields);
			return 0;
		}
		a.id = jx_cstr(row, "id");
		a.body = edit_body(f->tpl, a.fields);
	}
	rc = run(p, &a, err);
	jv_free(a.body);
	jv_free(a.fields);
	return rc;
}

/* The names that keep a file in some language (owned object). */
static jv
kept_names(jv matched)
{
	jv names = jv_object();

	jv_object_foreach(matched, k, v) {
		const char *s = jv_string_value(k);

		names = jv_object_set(names, jv_string_sized(s,
			(int)strcspn(s, "\t")), jv_true());
		jv_free(k);
		jv_free(v);
	}
	return names;
}

/* --prune: every stored template without a file; by name when no
 * language of that name keeps a file, else one language by its id. */
static int
prune(struct push *p, jv stored, jv matched, struct wa_err *err)
{
	jv keys = jv_keys(jv_copy(stored)), kept = kept_names(matched);
	jv gone = jv_object();
	int rc = 0;

	jv_array_foreach(keys, i, k) {
		jv row = jv_object_get(jv_copy(stored), jv_copy(k));
		struct action a = { "delete", NULL, jx_cstr(row, "name"),
				    jx_cstr(row, "language"),
				    jx_cstr(row, "id"), jv_invalid(),
				    jv_invalid() };
		int skip = jv_object_has(jv_copy(matched), k);

		if (!skip && !jv_object_has(jv_copy(kept),
					    jv_string(a.name))) {
			a.language = NULL;	/* every language goes */
			skip = jv_object_has(jv_copy(gone), jv_string(a.name));
			gone = jv_object_set(gone, jv_string(a.name),
					     jv_true());
		}
		if (rc == 0 && !skip)
			rc = run(p, &a, err);
		jv_free(row);
		(void)i;
	}
	jv_free(keys);
	jv_free(kept);
	jv_free(gone);
	return rc;
}

int
template_files_push(const struct template_files_run *r, int *status,
		    struct wa_err *err)
{
	struct push p = { r, 0, 0 };
	struct template_dir d = { 0 };
	jv rec, stored = jv_invalid(), matched = jv_object();
	int i, rc = 0;

	*status = 0;
	if (template_dir_read(&d, r->ops[0], err) < 0) {
		rc = template_files_fail(r->emit, r->ctx, err, r->ops[0]);
		goto out;
	}
	if (template_dir_check(&d, 1, r->emit, r->ctx) > 0) {
		*status = WA_EX_DATAERR;	/* nothing is sent */
		goto out;
	}
	if (r->prune && d.n == 0) {
		wa_err_set(err, WA_EX_DATAERR, "invalid_input", "%s holds no "
			   "template file: --prune would delete every "
			   "template of WABA %s", r->ops[0], r->waba);
		rc = template_files_fail(r->emit, r->ctx, err, r->ops[0]);
		goto out;
	}
	if (template_sync(r->st, r->g, r->waba, r->now, &rec, err) < 0 ||
	    template_files_stored(r->st, r->waba, &stored, err) < 0) {
		rc = template_files_fail(r->emit, r->ctx, err, NULL);
		goto out;
	}
	jv_free(rec);
	for (i = 0; i < d.n && rc == 0; i++) {
		jv key = template_files_key(d.v[i].name, d.v[i].language);
		jv row = jv_object_get(jv_copy(stored), jv_copy(key));

		matched = jv_object_set(matched, key, jv_true());
		rc = push_file(&p, &d.v[i], row, err);
		jv_free(row);
	}
	if (rc == 0 && r->prune)
		rc = prune(&p, stored, matched, err);
	/* the store keeps what Meta made of the edits */
	if (p.wrote && template_sync(r->st, r->g, r->waba, r->now, &rec,
				     err) == 0)
		jv_free(rec);
	else if (p.wrote && rc == 0)
		rc = template_files_fail(r->emit, r->ctx, err, NULL);
	*status = p.status;
out:
	jv_free(stored);
	jv_free(matched);
	template_dir_release(&d);
	return rc;
}
