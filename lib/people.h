/* SPDX-License-Identifier: MIT */
/* wa-view agents and route: the people side of the desk as subcommands (options, operands, records). */
#ifndef WA_PEOPLE_H
#define WA_PEOPLE_H

#include <stddef.h>
#include <stdint.h>
#include <jv.h>
#include "agents.h"
#include "err.h"
#include "out.h"
#include "routing.h"
#include "store.h"

/* The options of agents and route (wa-view numbers them from a base). */
enum people_opt {
	PEOPLE_TEAM,		/* repeatable for agents */
	PEOPLE_SKILL,		/* repeatable for agents */
	PEOPLE_MAX_OPEN,	/* N, or none (agents set) */
	PEOPLE_NOTIFY,
	PEOPLE_AGENT,
	PEOPLE_STRATEGY,
	PEOPLE_PRIORITY,
	PEOPLE_NOPTS
};

struct people {
	unsigned given;		/* bits (1 << enum people_opt) */
	const char **teams, **skills;	/* borrowed values, owned arrays */
	size_t nteams, nskills;
	const char *notify, *agent, *strategy;
	long long max_open;	/* -1: none */
	long long priority;
};

void people_init(struct people *p);
void people_release(struct people *p);

/* Records option o with its value (borrowed): a bad value is -1 with
 * err invalid_input (exit 64) naming the option. */
int people_option(struct people *p, enum people_opt o, const char *arg,
		  struct wa_err *err);

/* The long name of option o ("team"). */
const char *people_opt_name(enum people_opt o);

/*
 * Runs `agents SUB ...` or `route SUB ...` (argv[0] is agents or route)
 * with where (--where) and actor (who does it, for the audit log).
 * Records go to fn; *cols gets the table's columns. -1 with err: usage
 * errors exit 64 (the caller prints the synopsis); others are rejected
 * operations with *input (owned) the record's input, or fatal.
 */
int people_run(struct store *st, const struct people *p, const char *where,
	       int argc, char **argv, const char *actor, int64_t now,
	       void (*fn)(jv rec, void *ctx), void *ctx,
	       const struct out_col **cols, jv *input, struct wa_err *err);

#endif
