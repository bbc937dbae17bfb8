/* SPDX-License-Identifier: MIT */
/* The audit log: who did what to records outside tickets. */
#include <stdlib.h>
#include "audit.h"

int
audit_add(struct store *st, int64_t now, const char *actor,
	  const char *action, const char *subject, jv detail,
	  struct wa_err *err)
{
	struct sq *q = store_q(st, Q_AUDIT_ADD);
	jv s = jv_is_valid(detail) ? jv_dump_string(jv_copy(detail), 0)
				   : jv_invalid();
	int64_t id;
	int rc;

	sq_int(q, 1, now);
	sq_text(q, 2, actor);
	sq_text(q, 3, action);
	sq_text(q, 4, subject);
	sq_text(q, 5, jv_is_valid(s) ? jv_string_value(s) : NULL);
	rc = sq_int1(q, &id, "record who did it", err);
	jv_free(s);
	return rc < 0 ? -1 : 0;
}
