/* SPDX-License-Identifier: MIT */
/* Contacts kept by people: add, import (linked to the threads of their numbers), list. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "contacts.h"
#include "identity.h"
#include "jsonl.h"
#include "util.h"
#include "views.h"

/* After the numbers (rule 4, lib/identity.h), the email. */
static const char SQL_MATCH_EMAIL[] =
	"SELECT id FROM contacts WHERE lower(email) = lower(?1)"
	" ORDER BY id LIMIT 1";
static const char SQL_INSERT[] =
	"INSERT INTO contacts (name, email, phone, mobile_phone, created_at,"
	" updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5)";
static const char SQL_UPDATE[] =
	"UPDATE contacts SET name = coalesce(?2, name),"
	" email = coalesce(?3, email), phone = coalesce(?4, phone),"
	" mobile_phone = coalesce(?5, mobile_phone), updated_at = ?6"
	" WHERE id = ?1";
static const char SQL_ONE[] =
	"SELECT c.id, c.name, c.profile_name, c.email, c.phone,"
	" c.mobile_phone, c.wa_id, c.bsuid, c.created_at, c.updated_at,"
	" (SELECT count(*) FROM threads t WHERE t.contact_id = c.id),"
	" c.username, c.group_id"
	" FROM contacts c WHERE (?1 IS NULL OR c.id = ?1) ORDER BY c.id";

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
	sqlite3_stmt *s;
	int rc = 0;

	*id = 0;
	/* the record's numbers as ingest and sends find them */
	if (f->phone[0])
		rc = identity_contact_id(st, NULL, f->phone, id, err);
	if (rc == 0 && f->mobile[0])
		rc = identity_contact_id(st, NULL, f->mobile, id, err);
	if (rc != 0 || !f->email)
		return rc < 0 ? -1 : 0;
	s = store_stmt(st, SQL_MATCH_EMAIL);
	store_bind_text(s, 1, f->email);
	return store_step_int(st, s, id, "find contact", err) < 0 ? -1 : 0;
}

static int
write_contact(struct store *st, const struct fields *f, int64_t now,
	      int64_t *id, struct wa_err *err)
{
	sqlite3_stmt *s;

	if (*id) {
		s = store_stmt(st, SQL_UPDATE);
		store_bind_int(s, 1, *id);
		store_bind_text(s, 2, f->name);
		store_bind_text(s, 3, f->email);
		store_bind_text(s, 4, orn(f->phone));
		store_bind_text(s, 5, orn(f->mobile));
		store_bind_int(s, 6, now);
		return store_step_done(st, s, err);
	}
	s = store_stmt(st, SQL_INSERT);
	store_bind_text(s, 1, f->name);
	store_bind_text(s, 2, f->email);
	store_bind_text(s, 3, orn(f->phone));
	store_bind_text(s, 4, orn(f->mobile));
	store_bind_int(s, 5, now);
	if (store_step_done(st, s, err) < 0)
		return -1;
	*id = sqlite3_last_insert_rowid(store_db(st));
	return 0;
}

static jv
contact_row(sqlite3_stmt *s)
{
	return views_obj("contact_id", store_col_str(s, 0),
			 "name", store_col_str(s, 1),
			 "profile_name", store_col_str(s, 2),
			 "email", store_col_str(s, 3),
			 "phone", store_col_str(s, 4),
			 "mobile_phone", store_col_str(s, 5),
			 "wa_id", store_col_str(s, 6),
			 "bsuid", store_col_str(s, 7),
			 "created_at", store_col_time(s, 8),
			 "updated_at", store_col_time(s, 9),
			 "threads", store_col_int(s, 10),
			 "username", store_col_str(s, 11),
			 "group_id", store_col_str(s, 12), NULL);
}

static int
each(struct store *st, int64_t id, void (*fn)(jv rec, void *ctx),
     void *ctx, struct wa_err *err)
{
	sqlite3_stmt *s = store_stmt(st, SQL_ONE);
	int rc;

	store_bind_int_or_null(s, 1, id, id <= 0);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		fn(contact_row(s), ctx);
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : store_fail(st, err, "read contacts");
}

static void
keep(jv rec, void *ctx)
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
	    each(st, id, keep, &row, err) < 0 || store_commit(st, err) < 0)
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
	return each(st, 0, fn, ctx, err);
}
