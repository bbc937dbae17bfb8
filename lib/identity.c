/* SPDX-License-Identifier: MIT */
/* Rule 4: which contact a WhatsApp identity is (see identity.h for the precedence). */
#include <stdlib.h>
#include <string.h>
#include "identity.h"
#include "util.h"

#define COLS "id, wa_id, bsuid, parent_bsuid, profile_name, username, phone"

static const char SQL_BY_BSUID[] =
	"SELECT " COLS " FROM contacts WHERE bsuid = ?1";
static const char SQL_BY_WA_ID[] =
	"SELECT " COLS " FROM contacts WHERE wa_id = ?1 ORDER BY id LIMIT 1";
static const char SQL_BY_PHONE[] =
	"SELECT " COLS " FROM contacts WHERE phone = ?1 ORDER BY id LIMIT 1";
static const char SQL_BY_MOBILE[] =
	"SELECT " COLS " FROM contacts WHERE mobile_phone = ?1"
	" ORDER BY id LIMIT 1";

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
find(struct store *st, const char *sql, const char *key,
     struct identity_row *r, struct wa_err *err)
{
	sqlite3_stmt *s = store_stmt(st, sql);
	int rc;

	memset(r, 0, sizeof(*r));
	store_bind_text(s, 1, key);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		r->id = sqlite3_column_int64(s, 0);
		r->wa_id = store_col_dup(s, 1);
		r->bsuid = store_col_dup(s, 2);
		r->parent_bsuid = store_col_dup(s, 3);
		r->profile_name = store_col_dup(s, 4);
		r->username = store_col_dup(s, 5);
		r->phone = store_col_dup(s, 6);
	}
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return store_fail(st, err, "find contact");
}

int
identity_find(struct store *st, const char *bsuid, const char *number,
	      struct identity_row *out, struct wa_err *err)
{
	static const char *const by_number[] = {
		SQL_BY_WA_ID, SQL_BY_PHONE, SQL_BY_MOBILE
	};
	size_t i;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (bsuid && *bsuid && (rc = find(st, SQL_BY_BSUID, bsuid, out,
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
