/* SPDX-License-Identifier: MIT */
/* Rule 4 in one place: which contact a WhatsApp identity (BSUID, number) is, for ingest and sends alike. */
#ifndef WA_IDENTITY_H
#define WA_IDENTITY_H

#include <stdint.h>
#include "err.h"
#include "store.h"

/*
 * The precedence, written once (wa-recv(1), wa-send(1)):
 *   1. a BSUID names the contact whose bsuid it is;
 *   2. else the number names the contact whose wa_id is that number,
 *      then one whose phone is, then one whose mobile_phone is; the
 *      oldest contact first within each;
 *   3. a number found on a contact that has another BSUID than the one
 *      given is a different user (Meta recycles numbers): no match.
 * Numbers are compared digit for digit: Brazil's extra 9 and Mexico's
 * 521 are other numbers, never merged silently.
 */
struct identity_row {
	int64_t id;
	char *wa_id, *bsuid, *parent_bsuid, *profile_name, *username, *phone;
};

/* The contact of (bsuid, number) (either may be NULL or ""): 1 found
 * (out filled, release it), 0 none, -1 with err. */
int identity_find(struct store *st, const char *bsuid, const char *number,
		  struct identity_row *out, struct wa_err *err);
void identity_row_release(struct identity_row *r);

/* identity_find for the id alone: *id 0 when none. */
int identity_contact_id(struct store *st, const char *bsuid,
			const char *number, int64_t *id, struct wa_err *err);

#endif
