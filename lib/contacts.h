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

/* contacts import: every record of the files (stdin when n is 0)
 * through contacts_upsert; fn gets each answer, a result record with
 * "ok":false and the line for one refused. A fatal error (the database,
 * a read error) is answered so too and ends the run. *status: 0, 1 when
 * some were refused, or the fatal exit status. A file that cannot be
 * read: -1 with err before anything is done. */
int contacts_import(struct store *st, int n, char **files,
		    const char *default_cc, int64_t now,
		    void (*fn)(jv rec, void *ctx), void *ctx, int *status,
		    struct wa_err *err);

/* Every contact, oldest first, with its number of threads. */
int contacts_list(struct store *st, void (*fn)(jv rec, void *ctx), void *ctx,
		  struct wa_err *err);

#endif
