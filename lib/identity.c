/* SPDX-License-Identifier: MIT */
/* Rule 4: which contact a WhatsApp identity is (see identity.h for the precedence). */
#include <stdlib.h>
#include <string.h>
#include "identity.h"
#include "util.h"

void
identity_row_release(struct identity_row *r)
{
	free(r->wa_id);
	free(r->bsuid);
	free(r->parent_bsuid);
	free(r->profile_name);
	free(r->username);
	free(r->phone);
	memset(r, 0, sizeof(*r));
}

/* 1 found (r filled), 0 not found, -1 error. */
static int
find(struct store *st, enum sql_id id, const char *key,
     struct identity_row *r, struct wa_err *err)
{
	struct sq *q = store_q(st, id);
	int rc;

	memset(r, 0, sizeof(*r));
	sq_text(q, 1, key);
	rc = sq_step(q);
	if (rc <= 0)
		return rc < 0 ? sq_fail(q, err, "find contact") : 0;
	r->id = sq_col_int(q, 0);
	r->wa_id = sq_col_dup(q, 1);
	r->bsuid = sq_col_dup(q, 2);
	r->parent_bsuid = sq_col_dup(q, 3);
	r->profile_name = sq_col_dup(q, 4);
	r->username = sq_col_dup(q, 5);
	r->phone = sq_col_dup(q, 6);
	sq_reset(q);
	return 1;
}

int
identity_find(struct store *st, const char *bsuid, const char *number,
	      struct identity_row *out, struct wa_err *err)
{
	static const enum sql_id by_number[] = {
		Q_IDENTITY_BY_WA_ID, Q_IDENTITY_BY_PHONE, Q_IDENTITY_BY_MOBILE
	};
	size_t i;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (bsuid && *bsuid && (rc = find(st, Q_IDENTITY_BY_BSUID, bsuid, out,
					  err)) != 0)
		return rc;
	for (i = 0; number && *number && rc == 0 &&
	     i < sizeof(by_number) / sizeof(by_number[0]); i++)
		rc = find(st, by_number[i], number, out, err);
	if (rc == 1 && out->bsuid && bsuid && *bsuid) {
		/* the number is another user's now (a recycled number) */
		identity_row_release(out);
		rc = 0;
	}
	return rc;
}

int
identity_contact_id(struct store *st, const char *bsuid, const char *number,
		    int64_t *id, struct wa_err *err)
{
	struct identity_row r;
	int rc = identity_find(st, bsuid, number, &r, err);

	*id = rc == 1 ? r.id : 0;
	identity_row_release(&r);
	return rc;
}
