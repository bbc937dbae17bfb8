/* SPDX-License-Identifier: MIT */
/* contacts merge A B: explicit, recorded, B's rows and numbers go to A. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "audit.h"
#include "contacts_int.h"
#include "util.h"

enum { WA_ID, PHONE, MOBILE, BSUID, PARENT, USERNAME, PROFILE, NAME, EMAIL,
       GROUP, NFIELDS };

struct ids {
	char *v[NFIELDS];
};

static void
ids_release(struct ids *c)
{
	int i;

	for (i = 0; i < NFIELDS; i++)
		free(c->v[i]);
}

static int
ids_read(struct store *st, int64_t id, struct ids *c, struct wa_err *err)
{
	struct sq *q = store_q(st, Q_CONTACTS_IDS);
	int i, rc;

	memset(c, 0, sizeof(*c));
	sq_int(q, 1, id);
	rc = sq_step(q);
	if (rc < 0)
		return sq_fail(q, err, "read contact");
	if (rc == 0)
		return wa_err_set(err, WA_EX_REJECTED, "unknown_contact",
				  "no contact %lld", (long long)id);
	for (i = 0; i < NFIELDS; i++)
		c->v[i] = sq_col_dup(q, i);
	sq_reset(q);
	return 0;
}

static int
has_number(const struct ids *c, const char *n)
{
	int i;

	for (i = WA_ID; i <= MOBILE; i++)
		if (c->v[i] && strcmp(c->v[i], n) == 0)
			return 1;
	return 0;
}

/* a's numbers after the merge: b's wa_id to a's empty wa_id, every other
 * number of b to a's first empty number field. */
static int
numbers(struct ids *a, struct ids *b, int64_t ida, struct wa_err *err)
{
	int i, j;

	for (i = WA_ID; i <= MOBILE; i++) {
		if (!b->v[i] || has_number(a, b->v[i]))
			continue;
		for (j = i == WA_ID ? WA_ID : PHONE; j <= MOBILE && a->v[j]; j++)
			;
		if (j > MOBILE)
			return wa_err_set(err, WA_EX_REJECTED, "conflict",
					  "contact %lld has no empty number "
					  "field for %s; edit it first",
					  (long long)ida, b->v[i]);
		a->v[j] = b->v[i];
		b->v[i] = NULL;
	}
	return 0;
}

static int
refuse(const struct ids *a, const struct ids *b, struct wa_err *err)
{
	if (a->v[GROUP] || b->v[GROUP])
		return wa_err_set(err, WA_EX_REJECTED, "conflict",
				  "a group is not merged with a contact");
	if (a->v[BSUID] && b->v[BSUID] && strcmp(a->v[BSUID], b->v[BSUID]))
		return wa_err_set(err, WA_EX_REJECTED, "conflict",
				  "two WhatsApp users (BSUIDs %s and %s) stay "
				  "two contacts", a->v[BSUID], b->v[BSUID]);
	return 0;
}

static int
move(struct store *st, int64_t a, int64_t b, struct wa_err *err)
{
	static const enum sql_id moves[] = {
		Q_CONTACTS_MOVE_THREADS, Q_CONTACTS_MOVE_MESSAGES,
		Q_CONTACTS_MOVE_CONVERSATIONS, Q_CONTACTS_MOVE_SESSIONS
	};
	struct sq *q;
	size_t i;

	for (i = 0; i < sizeof(moves) / sizeof(moves[0]); i++) {
		q = store_q(st, moves[i]);
		sq_int(q, 1, a);
		sq_int(q, 2, b);
		if (sq_done(q, err) < 0)
			return -1;
	}
	q = store_q(st, Q_CONTACTS_DELETE);
	sq_int(q, 1, b);
	return sq_done(q, err);
}

static int
absorb(struct store *st, int64_t a, const struct ids *na,
       const struct ids *b, int64_t now, struct wa_err *err)
{
	struct sq *q = store_q(st, Q_CONTACTS_ABSORB);
	int i;

	sq_int(q, 1, a);
	for (i = WA_ID; i <= MOBILE; i++)
		sq_text(q, 2 + i, na->v[i]);
	for (i = BSUID; i <= EMAIL; i++)
		sq_text(q, 2 + i, b->v[i]);
	sq_int(q, 11, now);
	return sq_done(q, err);
}

int
contacts_merge(struct store *st, int64_t a, int64_t b, const char *actor,
	       int64_t now, jv *out, struct wa_err *err)
{
	struct ids ca, cb;
	char subject[32];
	jv row = jv_invalid(), detail;

	if (a == b)
		return wa_err_set(err, WA_EX_USAGE, "invalid_input",
				  "merge takes two different contacts");
	if (store_begin(st, err) < 0)
		return -1;
	memset(&ca, 0, sizeof(ca));
	memset(&cb, 0, sizeof(cb));
	snprintf(subject, sizeof(subject), "contact:%lld", (long long)a);
	detail = JV_OBJECT(jv_string("merged"), id_jv(b));
	if (ids_read(st, a, &ca, err) < 0 || ids_read(st, b, &cb, err) < 0 ||
	    refuse(&ca, &cb, err) < 0 || numbers(&ca, &cb, a, err) < 0 ||
	    move(st, a, b, err) < 0 || absorb(st, a, &ca, &cb, now, err) < 0 ||
	    audit_append(st, actor, "contact_merge", subject, jv_copy(detail),
		      err) < 0 ||
	    contacts_each(st, a, contacts_keep, &row, err) < 0 ||
	    store_commit(st, err) < 0)
		goto fail;
	ids_release(&ca);
	ids_release(&cb);
	jv_free(detail);
	*out = jv_object_merge(JV_OBJECT(jv_string("ok"), jv_true(),
					 jv_string("merged"), id_jv(b),
					 jv_string("actor"), jv_string(actor)),
			       row);
	return 0;
fail:
	ids_release(&ca);
	ids_release(&cb);
	jv_free(detail);
	jv_free(row);
	store_rollback(st);
	return -1;
}
