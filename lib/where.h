/* SPDX-License-Identifier: MIT */
/* A --where predicate: one jq program run over each record (wa-view list, watch). */
#ifndef WA_WHERE_H
#define WA_WHERE_H

#include <jq.h>
#include <jv.h>
#include "err.h"
#include "util.h"

struct where {
	jq_state *jq;		/* NULL: no program, everything passes */
	struct strbuf msg;	/* the first compile error */
};

/* Compiles prog into w. A program that does not compile: -1 with err
 * invalid_input (exit 64) quoting jq's message; w still needs
 * where_free. */
int where_compile(struct where *w, const char *prog, struct wa_err *err);
/* where_compile for its error only. */
int where_check(const char *prog, struct wa_err *err);
/* 1 when the program yields true for rec (borrowed), 0 when not, -1
 * when it fails at run time; 1 when w holds no program. */
int where_pass(struct where *w, jv rec);
void where_free(struct where *w);

#endif
