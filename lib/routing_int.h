/* SPDX-License-Identifier: MIT */
/* Inside routing: rules and candidates as read, the rules as one jq program. */
#ifndef WA_ROUTING_INT_H
#define WA_ROUTING_INT_H

#include "routing.h"
#include "jqwhere.h"

struct routing_rule_row {
	int64_t id;
	char *name, *where;
	char *team, *skill, *agent;	/* NULL: any */
	enum routing_strategy strategy;
	int64_t priority;
	char *last;			/* round-robin's last choice */
	int64_t created_at;
};

struct routing_rules {
	struct routing_rule_row *v;
	size_t n, cap;
};

struct routing_cands {
	struct routing_cand *v;	/* names owned */
	size_t n, cap;
};

/* Every rule in the order they are tried (release even on error). */
int routing_rules_load(struct store *st, struct routing_rules *r,
		       struct wa_err *err);
void routing_rules_release(struct routing_rules *r);

/* The agents rule r may choose, by name (release even on error). */
int routing_cands_load(struct store *st, const struct routing_rule_row *r,
		       struct routing_cands *c, struct wa_err *err);
void routing_cands_release(struct routing_cands *c);

/* The rules as one program (see routing_program.c): bad[i], when not NULL,
 * replaces rule i by an error with that message; all: every rule's
 * [i, result] in an array, else the deciding one's only. */
void routing_program(struct strbuf *sb, const struct routing_rules *r,
		     const char *const *bad, int all);
/* Compiles it; a rule that does not compile fails alone at run time.
 * -1 only when even that does not compile. Free w either way. */
int routing_compile(struct jqwhere *w, const struct routing_rules *r,
		    int all);
/* One rule alone in the program: 0 when it compiles, else -1 with err
 * invalid_input (exit 64), its message "WHAT: jq's". */
int routing_rule_check(const char *where, const char *what,
		       struct wa_err *err);

/* A program's output [i, result] (consumed): the rule's index (r->n
 * when malformed) and what it said: ROUTING_NO (0), ROUTING_MATCH or
 * ROUTING_FAILED with jq's message in msg (len bytes). */
enum { ROUTING_NO, ROUTING_MATCH, ROUTING_FAILED };
int routing_result(jv res, const struct routing_rules *r, size_t *idx,
		   char *msg, size_t len);

#endif
