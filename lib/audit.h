/* SPDX-License-Identifier: MIT */
/* The audit log: who did what to records outside tickets. */
#ifndef WA_AUDIT_H
#define WA_AUDIT_H

#include <stdint.h>
#include <jv.h>
#include "err.h"
#include "store.h"

/* Inside the caller's transaction: records that actor did action
 * ("contact_merge", "quarantine_show", ...) to subject ("contact:3",
 * "message:7") at now; detail (borrowed, may be invalid) is kept as
 * JSON. Store's codes. */
int audit_add(struct store *st, int64_t now, const char *actor,
	      const char *action, const char *subject, jv detail,
	      struct wa_err *err);

#endif
