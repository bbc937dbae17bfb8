/* SPDX-License-Identifier: MIT */
/* Admins and the hidden content of quarantined or unsupported messages. */
#ifndef WA_QUARANTINE_ADMIN_H
#define WA_QUARANTINE_ADMIN_H

#include <stdint.h>
#include <jv.h>
#include "err.h"
#include "store.h"

/* 1 when user is an admin: named in WA_ADMINS (user names separated by
 * commas or spaces); nobody is when it is unset. */
int admin_is(const char *user);

/* The hidden content of quarantined or unsupported message id (text,
 * content, caption, media, rule), recorded in the audit log as
 * quarantine_show by actor. Errors (exit 1 unless said): not_admin
 * (77) when actor is no admin, unknown_message, not_hidden; store's. */
int quarantine_reveal(struct store *st, int64_t id, const char *actor,
		      int64_t now, jv *out, struct wa_err *err);

/* Makes quarantined message id visible again (a false positive),
 * recorded as quarantine_release with the rule it matched. Errors as
 * quarantine_reveal's; an unsupported message stays hidden (not_hidden
 * when it is not quarantined). *out: {"ok":true,"message_id","actor",
 * "released_rule"}. */
int quarantine_release(struct store *st, int64_t id, const char *actor,
		       int64_t now, jv *out, struct wa_err *err);

#endif
