/* SPDX-License-Identifier: MIT */
/* Contacts kept by people: add, import (linked to the threads of their numbers), list. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "audit.h"
#include "contacts.h"
#include "contacts_int.h"
#include "identity.h"
#include "jsonl.h"
#include "jsonl_files.h"
#include "util.h"
#include "views.h"

struct fields {
	const char *name, *email;
	char phone[32], mobile[32];
};

static int
get_phone(jv rec, const char *key, const char *cc, char *out,
	  struct wa_err *err)
{
	const char *v;
	int rc = jx_str(rec, key, &v, err);

	out[0] = '\0';
	if (rc <= 0 || !*v)
		return rc;
	if (phone_normalize(v, cc, out, 32, err) < 0) {
		wa_err_prefix(err, "%s", key);
		return -1;
	}
	return 1;
}

static int
read_fields(jv rec, const char *cc, struct fields *f, struct wa_err *err)
{
	memset(f, 0, sizeof(*f));
	if (jv_get_kind(rec) != JV_KIND_OBJECT)
		return wa_err_set(err, WA_EX_REJECTED, "invalid_input",
				  "a contact is a JSON object");
	if (jx_str(rec, "name", &f->name, err) < 0 ||
	    jx_str(rec, "email", &f->email, err) < 0 ||
	    get_phone(rec, "phone", cc, f->phone, err) < 0 ||
	    get_phone(rec, "mobile_phone", cc, f->mobile, err) < 0)
		return -1;
	if (f->name && !*f->name)
		f->name = NULL;
	if (f->email && !*f->email)
		f->email = NULL;
	if (f->email && (!strchr(f->email, '@') || strchr(f->email, ' ')))
		return wa_err_set(err, WA_EX_REJECTED, "invalid_input",
				  "email: '%s' is not an address", f->email);
	if (!f->name && !f->email && !f->phone[0] && !f->mobile[0])
		return wa_err_set(err, WA_EX_REJECTED, "invalid_input",
				  "a contact needs a name, email, phone or "
				  "mobile_phone");
	return 0;
}

static const char *
orn(const char *s)
{
	return s && *s ? s : NULL;
}

static int
match(struct store *st, const struct fields *f, int64_t *id,
      struct wa_err *err)
{
	struct sq *q;
	int rc = 0;

	*id = 0;
	/* the record's numbers as ingest and sends find them */
	if (f->phone[0])
		rc = identity_contact_id(st, NULL, f->phone, id, err);
	if (rc == 0 && f->mobile[0])
		rc = identity_contact_id(st, NULL, f->mobile, id, err);
	if (rc != 0 || !f->email)
		return rc < 0 ? -1 : 0;
	q = store_q(st, Q_CONTACTS_MATCH_EMAIL);
	sq_text(q, 1, f->email);
	return sq_int1(q, id, "find contact", err) < 0 ? -1 : 0;
}

static int
write_contact(struct store *st, const struct fields *f, int64_t now,
	      int64_t *id, struct wa_err *err)
{
	struct sq *q;

	if (*id) {
		q = store_q(st, Q_CONTACTS_UPDATE);
		sq_int(q, 1, *id);
		sq_text(q, 2, f->name);
		sq_text(q, 3, f->email);
		sq_text(q, 4, orn(f->phone));
		sq_text(q, 5, orn(f->mobile));
		sq_int(q, 6, now);
		return sq_done(q, err);
	}
	q = store_q(st, Q_CONTACTS_INSERT);
	sq_text(q, 1, f->name);
	sq_text(q, 2, f->email);
	sq_text(q, 3, orn(f->phone));
	sq_text(q, 4, orn(f->mobile));
	sq_int(q, 5, now);
	return sq_int1(q, id, "add contact", err) < 0 ? -1 : 0;
}

static jv
contact_row(struct sq *q)
{
	return views_obj("to", sq_col_str(q, 13),
			 "contact_id", sq_col_str(q, 0),
			 "name", sq_col_str(q, 1),
			 "profile_name", sq_col_str(q, 2),
			 "email", sq_col_str(q, 3),
			 "phone", sq_col_str(q, 4),
			 "mobile_phone", sq_col_str(q, 5),
			 "wa_id", sq_col_str(q, 6),
			 "bsuid", sq_col_str(q, 7),
			 "created_at", sq_col_time(q, 8),
			 "updated_at", sq_col_time(q, 9),
			 "threads", sq_col_jint(q, 10),
			 "username", sq_col_str(q, 11),
			 "group_id", sq_col_str(q, 12), NULL);
}

int
contacts_each(struct store *st, int64_t id, void (*fn)(jv rec, void *ctx),
     void *ctx, struct wa_err *err)
{
	struct sq *q = store_q(st, Q_CONTACTS_ONE);
	int rc;

	sq_int_or_null(q, 1, id, id <= 0);
	while ((rc = sq_step(q)) > 0)
		fn(contact_row(q), ctx);
	return rc < 0 ? sq_fail(q, err, "read contacts") : 0;
}

void
contacts_keep(jv rec, void *ctx)
{
	jv *out = ctx;

	jv_free(*out);
	*out = rec;
}

int
contacts_upsert(struct store *st, jv rec, const char *default_cc,
		int64_t now, jv *out, struct wa_err *err)
{
	struct fields f;
	int64_t id;
	int created;
	jv row = jv_invalid();

	if (read_fields(rec, default_cc, &f, err) < 0 ||
	    store_begin(st, err) < 0)
		return -1;
	if (match(st, &f, &id, err) < 0)
		goto fail;
	created = id == 0;
	if (write_contact(st, &f, now, &id, err) < 0 ||
	    contacts_each(st, id, contacts_keep, &row, err) < 0 ||
	    store_commit(st, err) < 0)
		goto fail;
	row = jv_object_set(row, jv_string("created"), jv_bool(created));
	*out = jv_object_merge(JV_OBJECT(jv_string("ok"), jv_true()), row);
	return 0;
fail:
	jv_free(row);
	store_rollback(st);
	return -1;
}

int
contacts_list(struct store *st, void (*fn)(jv rec, void *ctx), void *ctx,
	      struct wa_err *err)
{
	return contacts_each(st, 0, fn, ctx, err);
}

int
contacts_check(struct store *st, int64_t id, struct wa_err *err)
{
	struct sq *q = store_q(st, Q_CONTACTS_EXISTS);
	int64_t found = 0;

	sq_int(q, 1, id);
	if (sq_int1(q, &found, "find contact", err) < 0)
		return -1;
	if (!found)
		return wa_err_set(err, WA_EX_REJECTED, "unknown_contact",
				  "no contact %lld", (long long)id);
	return 0;
}

static jv
thread_row(struct sq *q)
{
	return views_obj("thread_id", sq_col_str(q, 0),
			 "channel", sq_col_str(q, 1),
			 "messages", sq_col_jint(q, 2),
			 "unread", sq_col_jint(q, 3),
			 "last_message_at", sq_col_time(q, 4), NULL);
}

int
contacts_show(struct store *st, int64_t id, jv *out, struct wa_err *err)
{
	struct sq *q;
	jv threads = jv_array();
	int rc;

	*out = jv_invalid();
	if (contacts_check(st, id, err) < 0 ||
	    contacts_each(st, id, contacts_keep, out, err) < 0)
		goto fail;
	q = store_q(st, Q_CONTACTS_THREADS);
	sq_int(q, 1, id);
	while ((rc = sq_step(q)) > 0)
		threads = jv_array_append(threads, thread_row(q));
	if (rc < 0) {
		sq_fail(q, err, "read the contact's threads");
		goto fail;
	}
	*out = jv_object_set(*out, jv_string("thread_list"), threads);
	return 0;
fail:
	jv_free(threads);
	jv_free(*out);
	*out = jv_invalid();
	return -1;
}

/* A number of the edit that rule 4 finds on another contact. */
static int
number_free(struct store *st, int64_t id, const char *key, const char *n,
	    struct wa_err *err)
{
	int64_t other;
	int rc;

	if (!*n)
		return 0;
	rc = identity_contact_id(st, NULL, n, &other, err);
	if (rc < 0)
		return -1;
	if (rc == 1 && other != id)
		return wa_err_set(err, WA_EX_REJECTED, "conflict",
				  "%s: %s is contact %lld's number; to make "
				  "them one contact: wa-view contacts merge "
				  "%lld %lld", key, n, (long long)other,
				  (long long)id, (long long)other);
	return 0;
}

int
contacts_edit(struct store *st, int64_t id, jv rec, const char *default_cc,
	      const char *actor, int64_t now, jv *out, struct wa_err *err)
{
	struct fields f;
	char subject[32];
	jv row = jv_invalid();

	if (read_fields(rec, default_cc, &f, err) < 0 ||
	    store_begin(st, err) < 0)
		return -1;
	snprintf(subject, sizeof(subject), "contact:%lld", (long long)id);
	if (contacts_check(st, id, err) < 0 ||
	    number_free(st, id, "phone", f.phone, err) < 0 ||
	    number_free(st, id, "mobile_phone", f.mobile, err) < 0)
		goto fail;
	if (write_contact(st, &f, now, &id, err) < 0 ||
	    audit_append(st, actor, "contact_edit", subject, jv_copy(rec), err) < 0 ||
	    contacts_each(st, id, contacts_keep, &row, err) < 0 ||
	    store_commit(st, err) < 0)
		goto fail;
	*out = jv_object_merge(JV_OBJECT(jv_string("ok"), jv_true(),
					 jv_string("actor"),
					 jv_string(actor)), row);
	return 0;
fail:
	jv_free(row);
	store_rollback(st);
	return -1;
}

struct import_ctx {
	struct store *st;
	const char *default_cc;
	int64_t now;
	void (*fn)(jv rec, void *ctx);
	void *ctx;
	int status;
	long good;		/* records that were JSON */
};

/* One record of contacts import: -1 stops the run (fatal). */
static int
import_one(jv rec, long line, const struct wa_err *bad, void *ctx)
{
	struct import_ctx *c = ctx;
	struct wa_err err;
	jv res;

	if (bad)
		err = *bad;
	else if (++c->good && contacts_upsert(c->st, rec, c->default_cc,
					      c->now, &res, &err) == 0) {
		c->fn(res, c->ctx);
		jv_free(rec);
		return 0;
	}
	c->fn(wa_err_result(&err, rec, line), c->ctx);
	c->status = wa_exit_merge(c->status, err.sysexit);
	return err.sysexit == WA_EX_REJECTED ? 0 : -1;
}

int
contacts_import(struct store *st, int n, char **files,
		const char *default_cc, int64_t now,
		void (*fn)(jv rec, void *ctx), void *ctx, int *status,
		struct wa_err *err)
{
	struct import_ctx c = { st, default_cc, now, fn, ctx, 0, 0 };
	long line;
	int rc = jsonl_files_each(n, files, import_one, &c, &line, err);

	*status = jsonl_files_status(c.good, c.status);
	return rc == -2 ? -1 : 0;
}
