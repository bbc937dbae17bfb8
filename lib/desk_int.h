/* SPDX-License-Identifier: MIT */
/* Internal to lib/desk*.c: a text column copied out of a row. */
#ifndef WA_DESK_INT_H
#define WA_DESK_INT_H

#include <stddef.h>
#include "store.h"

/* Copies column col of q's row into out (len bytes, "" for NULL); out
 * NULL: nothing. */
void desk_copy_col(struct sq *q, int col, char *out, size_t len);

#endif
