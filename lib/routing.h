/* SPDX-License-Identifier: MIT */
/* Routing rules (SPEC rule 3): a new ticket goes to an available agent of the first matching rule. */
#ifndef WA_ROUTING_H
#define WA_ROUTING_H

#include <stddef.h>
#include <stdint.h>
#include <jv.h>
#include "agents.h"
#include "err.h"
#include "store.h"
#include "util.h"

/*
 * A rule is a jq program (--where) run on the new ticket's row as
 * `wa-view list` prints it, once its first message is recorded. Rules
 * are tried by priority (the lower number first, then by name); the
 * first whose program yields true decides: the ticket goes to one of
 * the rule's agents (its team, skill and agent, each when given) that
 * is available (not away, fewer open tickets than its max-open), by
 * round-robin (the next name after the rule's last choice, wrapping) or
 * least-open (fewest open tickets, the first name on a tie); nobody
 * available leaves it unassigned. A rule whose program fails at run
 * time decides too: the ticket stays unassigned and the outcome says
 * why. Nothing here ever fails an ingest but the database.
 */

enum routing_strategy { ROUTING_ROUND_ROBIN, ROUTING_LEAST_OPEN };

/* What routing did with a new ticket. */
struct routing_outcome {
	int ran;				/* 0: there are no rules */
	int routed;				/* 1: owner set */
	char rule[AGENTS_NAME_MAX + 1];		/* the deciding rule, "" */
	char owner[AGENTS_NAME_MAX + 1];	/* routed: the agent */
	const char *reason;			/* not routed: "no rule
						   matches", "no agent
						   available", "rule failed" */
	char error[256];			/* rule failed: jq's message */
};

/*
 * Routes ticket_id, just created and holding its first message, inside
 * the caller's transaction: sets its owner, advances the rule's
 * round-robin cursor, records a "route" ticket event (actor: the
 * rule) and the decision, routed or not, in the audit log
 * (ticket.route). The compiled rules are kept with the connection and compiled
 * again when the rules change. -1 only on a database error.
 */
int routing_ticket(struct store *st, int64_t ticket_id, int64_t now,
		   struct routing_outcome *out, struct wa_err *err);

/* The outcome as event keys: ,"routed":{"rule":..,"owner":..} or
 * ,"routed":null,"route_reason":..[,"route_rule":..][,"route_error":..]
 * appended to sb; nothing when no rule ran. */
void routing_outcome_text(const struct routing_outcome *o,
			  struct strbuf *sb);
/* The same keys set on rec (consumed, returned). */
jv routing_outcome_keys(const struct routing_outcome *o, jv rec);

/* One candidate of a rule, as routing_pick sees it. */
struct routing_cand {
	const char *name;
	int away;
	int64_t max_open;	/* -1: no limit */
	int64_t open;		/* open tickets it owns */
};

/* Pure: the index in c (sorted by name) of the agent the strategy
 * chooses, last being the rule's previous choice (NULL none); -1 when
 * nobody is available. */
int routing_pick(const struct routing_cand *c, size_t n,
		 enum routing_strategy s, const char *last);

/* route add: what the rule says. */
struct routing_rule {
	const char *where;	/* the jq program */
	const char *team, *skill, *agent;	/* NULL: any */
	const char *strategy;	/* round-robin (NULL) or least-open */
	long long priority;	/* 100 when not given */
};

/* route add, remove (own transactions, logged as route.add and
 * route.remove by actor in the audit log): *out the rule's record
 * {"name","priority","where","team","skill","agent","strategy",
 * "last_owner","created_at"}. A bad name, program, team, skill or
 * strategy: invalid_input (exit 64); an unknown agent: invalid_input
 * with the closest name, a name taken: duplicate, an unknown rule:
 * invalid_input (exit 1). */
int routing_add(struct store *st, const char *name,
		const struct routing_rule *r, const char *actor, int64_t now,
		jv *out, struct wa_err *err);
int routing_remove(struct store *st, const char *name, const char *actor,
		   jv *out, struct wa_err *err);
/* Every rule in the order they are tried. */
int routing_list(struct store *st, void (*fn)(jv rec, void *ctx),
		 void *ctx, struct wa_err *err);

/* route test: what routing would do with the ticket if it were new,
 * changing nothing. One {"record":"rule"} per rule in order: "rule",
 * "priority", "result" (match, no match, failed, not tried), "owner"
 * and "why"; then {"record":"route"}: "routed"/"route_reason" as the
 * ingest event would say, "owner" and "why". Unknown ticket:
 * unknown_thread (exit 1). */
int routing_test(struct store *st, int64_t ticket_id, int64_t now,
		 void (*fn)(jv rec, void *ctx), void *ctx,
		 struct wa_err *err);

#endif
