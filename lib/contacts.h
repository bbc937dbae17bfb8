/* SPDX-License-Identifier: MIT */
/* Contacts kept by people: add, import (linked to the threads of their numbers), list. */
#ifndef WA_CONTACTS_H
#define WA_CONTACTS_H

#include <stdint.h>
#include <jv.h>
#include "err.h"
#include "store.h"

/*
 * A contact record has "name", "email", "phone", "mobile_phone" (other
 * keys are ignored).  Numbers are normalised to digits (default_cc for
 * national forms), so desk_contact_resolve() finds the contact when one
 * of them writes to us.  An existing contact whose wa_id, phone or
 * mobile_phone equals one of the numbers (else whose email equals the
 * email) is updated instead of duplicated: it keeps its threads, which
 * is how an imported contact is linked to conversations it already had.
 */

/* Adds or updates one contact in its own transaction; borrows rec.
 * *out gets {"ok":true,"contact_id",...,"created","threads"}.  Errors:
 * invalid_input (not an object, nothing to store, bad email),
 * invalid_phone; store errors exit 74/75. */
int contacts_upsert(struct store *st, jv rec, const char *default_cc,
		    int64_t now, jv *out, struct wa_err *err);

/* Every contact, oldest first, with its number of threads. */
int contacts_list(struct store *st, void (*fn)(jv rec, void *ctx), void *ctx,
		  struct wa_err *err);

/* The contact record with "thread_list": its threads (thread_id,
 * channel, messages, unread, last_message_at), latest first. Errors:
 * unknown_contact (exit 65); store's codes. */
int contacts_show(struct store *st, int64_t id, jv *out,
		  struct wa_err *err);

/* Changes the given fields (rec as for contacts_upsert) of contact id,
 * recorded in the audit log with actor. A number rule 4 finds on
 * another contact is refused (conflict, exit 65): merging is explicit.
 * *out: {"ok":true,"actor",...the record}. */
int contacts_edit(struct store *st, int64_t id, jv rec,
		  const char *default_cc, const char *actor, int64_t now,
		  jv *out, struct wa_err *err);

/* Makes b part of a, explicitly (never done automatically, not even
 * for variants of one number): b's threads, messages, conversations
 * and sessions move to a, b's numbers fill a's empty wa_id, phone and
 * mobile_phone (so rule 4 finds a by every number either had), its ids
 * and names fill a's empty ones, and b is removed; recorded in the
 * audit log with actor. Refused (exit 65, nothing changed): unknown
 * ids (unknown_contact); a group; two different BSUIDs or more numbers
 * than a has room for (conflict). *out: {"ok":true,"merged":B,
 * "actor",...a's record}. */
int contacts_merge(struct store *st, int64_t a, int64_t b,
		   const char *actor, int64_t now, jv *out,
		   struct wa_err *err);

#endif
