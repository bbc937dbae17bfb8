/* SPDX-License-Identifier: MIT */
/* Internal to lib/viewcmd_*.c: printing a record, an id operand, a refusal. */
#ifndef WA_VIEWCMD_INT_H
#define WA_VIEWCMD_INT_H

#include "viewcmd.h"

/* Prints rec (taken) through ctx, a struct out *. */
void viewcmd_emit(jv rec, void *ctx);

/* The id s ("#12" or "12") names; missing or not a number is a usage
 * error naming what (exit 64). */
int64_t viewcmd_id_arg(const struct viewcmd_opts *vo, const char *what,
		       const char *s);

/* A rejected operation: the result record on stdout (on a terminal as
 * key: value lines), the line on stderr; takes input. Returns the exit
 * status. */
int viewcmd_rejected(struct out *o, const struct wa_err *err, jv input);

#endif
