/* SPDX-License-Identifier: MIT */
/* Shared inside the contacts module (contacts.c, contacts_merge.c). */
#ifndef WA_CONTACTS_INT_H
#define WA_CONTACTS_INT_H

#include "contacts.h"

/* Calls fn with each contact record (id 0: every contact). */
int contacts_each(struct store *st, int64_t id,
		  void (*fn)(jv rec, void *ctx), void *ctx,
		  struct wa_err *err);
/* An fn for contacts_each: keeps the record in *(jv *)ctx. */
void contacts_keep(jv rec, void *ctx);
/* 0 when contact id exists, else unknown_contact (exit 65). */
int contacts_check(struct store *st, int64_t id, struct wa_err *err);

#endif
