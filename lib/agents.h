/* SPDX-License-Identifier: MIT */
/* The desk's agents: names, teams, skills, availability, notification setting; who may act (lib/agents.c, agents_change.c). */
#ifndef WA_AGENTS_H
#define WA_AGENTS_H

#include <stddef.h>
#include <stdint.h>
#include <jv.h>
#include "err.h"
#include "store.h"

/*
 * Before the first agent is added the desk has no notion of agents: an
 * owner or an actor is any name, as it always was. Once one exists,
 * owners and actors are agents. A ticket keeps its owner as a name, so
 * an agent's history outlives the agent.
 *
 * Names of agents, teams and skills: letters, digits and ". _ - @ +",
 * at most 64 bytes, not starting with '-'; "me" is no agent's name (it
 * means the one asking, to wa-view watch).
 */
#define AGENTS_NAME_MAX 64

/* What agents add and agents set were given. */
struct agents_opts {
	const char **teams;	/* borrowed */
	size_t nteams;
	int teams_given;	/* set: replace the teams (none: clear) */
	const char **skills;
	size_t nskills;
	int skills_given;
	int max_open_given;
	long long max_open;	/* -1: no limit */
	const char *notify;	/* none|mine|team|all; NULL: keep, or all */
};

/* A bad name: -1 with err invalid_input (exit 64) naming what. */
int agents_name_check(const char *what, const char *name,
		      struct wa_err *err);

/* How many agents there are. */
int agents_count(struct store *st, int64_t *out, struct wa_err *err);

/* Each takes its own transaction, logs agent.add (set, away, back) by
 * actor in the audit log, and gives *out the agent's record
 * ({"name","teams","skills","max_open","away","notify","open",
 * "created_at","updated_at"}) with "action". A name already taken:
 * duplicate; an unknown name: invalid_input naming the closest agent
 * (both exit 1); bad options: invalid_input (exit 64). */
int agents_add(struct store *st, const char *name,
	       const struct agents_opts *o, const char *actor, int64_t now,
	       jv *out, struct wa_err *err);
int agents_set(struct store *st, const char *name,
	       const struct agents_opts *o, const char *actor, int64_t now,
	       jv *out, struct wa_err *err);
int agents_away(struct store *st, const char *name, int away,
		const char *actor, int64_t now, jv *out, struct wa_err *err);

/* Removes an agent; its open tickets become unassigned, each with an
 * "unassign" event by actor; *out: {"name","removed":true,
 * "unassigned":[ticket ids]}, also logged as agent.remove. Closed
 * tickets keep it as their owner. */
int agents_remove(struct store *st, const char *name, const char *actor,
		  int64_t now, jv *out, struct wa_err *err);

/* Ends a change to the desk's people (agents, routing rules): appends
 * KIND.ACTION by actor on subject KIND:NAME to the audit log, *rec (its
 * "name" and "action") as the detail, and commits. Else -1 with err,
 * rolled back and *rec freed. */
int agents_audit_commit(struct store *st, const char *actor, const char *kind,
			jv *rec, struct wa_err *err);

/* Every agent (name NULL) or one, by name; an unknown name is
 * invalid_input (exit 1) naming the closest agent. */
int agents_list(struct store *st, const char *name,
		void (*fn)(jv rec, void *ctx), void *ctx, struct wa_err *err);

/* One agent's record: 1 with *out owned, 0 no such agent. */
int agents_get(struct store *st, const char *name, jv *out,
	       struct wa_err *err);

/* An agent's notification setting (wa-view watch): 1 with out (at
 * least 8 bytes) "none", "mine", "team" or "all"; 0 not an agent. */
int agents_notify(struct store *st, const char *name, char *out,
		  struct wa_err *err);

/* 1 when agents a and b share a team (an agent shares its own), 0
 * when not or either is no agent (wa-view watch --notify team). */
int agents_same_team(struct store *st, const char *a, const char *b,
		     struct wa_err *err);

/* 0 when name is an agent or no agent exists; else -1 with err
 * invalid_input (exit 1) "WHAT: no agent 'x' (did you mean 'y'?)". */
int agents_known(struct store *st, const char *name, const char *what,
		 struct wa_err *err);

/* Who is acting must be an agent once agents exist: 0, or -1 with err
 * invalid_input, exit 64 when the name came from --as (option 1), 78
 * when from WA_USER or the login name. */
int agents_actor_check(struct store *st, const char *user, int option,
		       struct wa_err *err);

#endif
