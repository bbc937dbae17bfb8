/* SPDX-License-Identifier: MIT */
/* A jq program as a predicate over records (--where, routing rules): compiled once, run per record. */
#ifndef WA_JQWHERE_H
#define WA_JQWHERE_H

#include <jq.h>
#include "err.h"
#include "util.h"

struct jqwhere {
	jq_state *jq;		/* NULL until compiled */
	struct strbuf msg;	/* the first compile error */
};

/*
 * Compiles prog. A program that does not compile: -1 with err
 * invalid_input (exit 64), the message "WHAT: jq's first error".
 * jq_init failing: io (74). Release with jqwhere_free either way.
 * libjq 1.6 spends about 170 million instructions on a compile (its
 * builtins are parsed each time): compile once per process.
 */
int jqwhere_compile(struct jqwhere *w, const char *prog, const char *what,
		    struct wa_err *err);
void jqwhere_free(struct jqwhere *w);

/* Compiles and frees: 0 when prog compiles, else as jqwhere_compile. */
int jqwhere_check(const char *prog, const char *what, struct wa_err *err);

/* 1 when the program yields true for rec (borrowed), 0 when not, -1
 * when it fails at run time (*msg, when not NULL, gets jq's message,
 * owned). */
int jqwhere_pass(struct jqwhere *w, jv rec, char **msg);

/* The first output of the program for rec (consumed): owned, invalid
 * when there is none; -1 when it fails (*msg as above). */
int jqwhere_first(struct jqwhere *w, jv rec, jv *out, char **msg);

#endif
