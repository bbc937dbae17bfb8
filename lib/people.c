/* SPDX-License-Identifier: MIT */
/* wa-view agents and route: the people side of the desk as subcommands (options, operands, records). */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "people.h"
#include "util.h"

static const char *const opt_names[PEOPLE_NOPTS] = {
	"team", "skill", "max-open", "notify", "agent", "strategy",
	"priority"
};

/* What each subcommand takes: its operand and its options. */
static const struct {
	const char *group, *name;
	const char *operand;	/* NULL: none; "[NAME]": optional */
	unsigned opts;
	int where;		/* takes --where (needs it) */
} subs[] = {
#define B(o) (1u << PEOPLE_##o)
	{ "agents", "add", "NAME", B(TEAM) | B(SKILL) | B(MAX_OPEN) |
	  B(NOTIFY), 0 },
	{ "agents", "set", "NAME", B(TEAM) | B(SKILL) | B(MAX_OPEN) |
	  B(NOTIFY), 0 },
	{ "agents", "list", "[NAME]", 0, 0 },
	{ "agents", "remove", "NAME", 0, 0 },
	{ "agents", "away", "NAME", 0, 0 },
	{ "agents", "back", "NAME", 0, 0 },
	{ "route", "add", "NAME", B(TEAM) | B(SKILL) | B(AGENT) |
	  B(STRATEGY) | B(PRIORITY), 1 },
	{ "route", "list", NULL, 0, 0 },
	{ "route", "remove", "NAME", 0, 0 },
	{ "route", "test", "TICKET", 0, 0 },
#undef B
};
#define NSUBS (sizeof(subs) / sizeof(subs[0]))

static const struct out_col agent_cols[] = {
	{ "name", "NAME", 0 }, { "teams", "TEAMS", 24 },
	{ "skills", "SKILLS", 24 }, { "open", "OPEN", 0 },
	{ "max_open", "MAX", 0 }, { "away", "AWAY", 0 },
	{ "notify", "NOTIFY", 0 }, { NULL, NULL, 0 }
};
static const struct out_col route_cols[] = {
	{ "priority", "PRIO", 0 }, { "name", "NAME", 0 },
	{ "where", "WHERE", 40 }, { "team", "TEAM", 0 },
	{ "skill", "SKILL", 0 }, { "agent", "AGENT", 0 },
	{ "strategy", "STRATEGY", 0 }, { "last_owner", "LAST", 0 },
	{ NULL, NULL, 0 }
};
static const struct out_col test_cols[] = {
	{ "rule", "RULE", 0 }, { "priority", "PRIO", 0 },
	{ "result", "RESULT", 0 }, { "owner", "OWNER", 0 },
	{ "why", "WHY", 72 }, { NULL, NULL, 0 }
};

const char *
people_opt_name(enum people_opt o)
{
	return o < PEOPLE_NOPTS ? opt_names[o] : "?";
}

void
people_init(struct people *p)
{
	memset(p, 0, sizeof(*p));
	p->max_open = -1;
	p->priority = 100;
}

void
people_release(struct people *p)
{
	free(p->teams);
	free(p->skills);
	memset(p, 0, sizeof(*p));
}

static void
push(const char ***v, size_t *n, const char *arg)
{
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[(*n)++] = arg;
}

int
people_option(struct people *p, enum people_opt o, const char *arg,
	      struct wa_err *err)
{
	p->given |= 1u << o;
	switch (o) {
	case PEOPLE_TEAM:
		if (*arg)	/* --team '' clears the teams (agents set) */
			push(&p->teams, &p->nteams, arg);
		return 0;
	case PEOPLE_SKILL:
		if (*arg)
			push(&p->skills, &p->nskills, arg);
		return 0;
	case PEOPLE_MAX_OPEN:
		if (strcmp(arg, "none") == 0) {
			p->max_open = -1;
			return 0;
		}
		if (parse_int(arg, 0, INT_MAX, &p->max_open) == 0)
			return 0;
		break;
	case PEOPLE_PRIORITY:
		if (parse_int(arg, 0, 1000000, &p->priority) == 0)
			return 0;
		break;
	case PEOPLE_NOTIFY:
		p->notify = arg;
		return 0;
	case PEOPLE_AGENT:
		p->agent = arg;
		return 0;
	case PEOPLE_STRATEGY:
		p->strategy = arg;
		return 0;
	default:
		break;
	}
	return wa_err_set(err, WA_EX_USAGE, "invalid_input",
			  "--%s: bad value '%s'", people_opt_name(o), arg);
}

static int __attribute__((format(printf, 2, 3)))
usage(struct wa_err *err, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return wa_err_set(err, WA_EX_USAGE, "invalid_input", "%s", msg);
}

/* The subcommand's entry once its operands and options suit it. */
static int
find_sub(const struct people *p, const char *where, int argc, char **argv,
	 struct wa_err *err)
{
	const char *sub = argc > 1 ? argv[1] : NULL;
	unsigned extra;
	size_t i;
	int o, want;

	for (i = 0; i < NSUBS; i++)
		if (strcmp(subs[i].group, argv[0]) == 0 && sub &&
		    strcmp(subs[i].name, sub) == 0)
			break;
	if (i == NSUBS)
		return usage(err, "%s: %s%s%s", argv[0], sub ?
			     "unknown command '" : "missing command",
			     sub ? sub : "", sub ? "'" : "");
	want = subs[i].operand ? 1 : 0;
	if (argc - 2 > want || (argc - 2 < want &&
				subs[i].operand[0] != '['))
		return usage(err, "%s %s takes %s", argv[0], sub, want ?
			     subs[i].operand : "no operand");
	extra = p->given & ~subs[i].opts;
	for (o = 0; o < PEOPLE_NOPTS; o++)
		if (extra & (1u << o))
			return usage(err, "--%s does not go with %s",
				     people_opt_name((enum people_opt)o),
				     sub);
	if (where && !subs[i].where)
		return usage(err, "--where goes with list, create and "
			     "route add");
	if (subs[i].where && !where)
		return usage(err, "route add needs --where JQ");
	return (int)i;
}

static int
agents_sub(struct store *st, const struct people *p, const char *sub,
	   const char *name, const char *actor, int64_t now,
	   void (*fn)(jv, void *), void *ctx, struct wa_err *err)
{
	struct agents_opts o = { 0 };
	jv res;
	int rc;

	if (strcmp(sub, "list") == 0)
		return agents_list(st, name, fn, ctx, err);
	o.teams = p->teams;
	o.nteams = p->nteams;
	o.teams_given = (p->given >> PEOPLE_TEAM) & 1;
	o.skills = p->skills;
	o.nskills = p->nskills;
	o.skills_given = (p->given >> PEOPLE_SKILL) & 1;
	o.max_open_given = (p->given >> PEOPLE_MAX_OPEN) & 1;
	o.max_open = p->max_open;
	o.notify = p->notify;
	if (strcmp(sub, "add") == 0)
		rc = agents_add(st, name, &o, actor, now, &res, err);
	else if (strcmp(sub, "set") == 0)
		rc = agents_set(st, name, &o, actor, now, &res, err);
	else if (strcmp(sub, "remove") == 0)
		rc = agents_remove(st, name, actor, now, &res, err);
	else
		rc = agents_away(st, name, strcmp(sub, "away") == 0, actor,
				 now, &res, err);
	if (rc == 0)
		fn(res, ctx);
	return rc;
}

static int
route_sub(struct store *st, const struct people *p, const char *where,
	  const char *sub, const char *arg, const char *actor, int64_t now,
	  void (*fn)(jv, void *), void *ctx, struct wa_err *err)
{
	struct routing_rule r = { 0 };
	long long ticket;
	jv res;
	int rc;

	if (strcmp(sub, "list") == 0)
		return routing_list(st, fn, ctx, err);
	if (strcmp(sub, "test") == 0) {
		if (*arg == '#')
			arg++;
		if (parse_int(arg, 1, INT64_MAX, &ticket) < 0)
			return usage(err, "TICKET: '%s' is not a number",
				     arg);
		return routing_test(st, ticket, now, fn, ctx, err);
	}
	if (strcmp(sub, "remove") == 0) {
		rc = routing_remove(st, arg, actor, &res, err);
	} else {
		if (p->nteams > 1 || p->nskills > 1)
			return usage(err, "route add takes one --%s",
				     p->nteams > 1 ? "team" : "skill");
		r.where = where;
		r.team = p->nteams ? p->teams[0] : NULL;
		r.skill = p->nskills ? p->skills[0] : NULL;
		r.agent = p->agent;
		r.strategy = p->strategy;
		r.priority = p->priority;
		rc = routing_add(st, arg, &r, actor, now, &res, err);
	}
	if (rc == 0)
		fn(res, ctx);
	return rc;
}

int
people_run(struct store *st, const struct people *p, const char *where,
	   int argc, char **argv, const char *actor, int64_t now,
	   void (*fn)(jv rec, void *ctx), void *ctx,
	   const struct out_col **cols, jv *input, struct wa_err *err)
{
	const char *arg = argc > 2 ? argv[2] : NULL;
	int i = find_sub(p, where, argc, argv, err);

	*input = jv_invalid();
	if (i < 0)
		return -1;
	if (strcmp(argv[0], "agents") == 0) {
		*cols = agent_cols;
		if (agents_sub(st, p, argv[1], arg, actor, now, fn, ctx,
			       err) == 0)
			return 0;
	} else {
		*cols = strcmp(argv[1], "test") == 0 ? test_cols : route_cols;
		if (route_sub(st, p, where, argv[1], arg, actor, now, fn, ctx,
			      err) == 0)
			return 0;
	}
	if (arg)
		*input = JV_OBJECT(jv_string(strcmp(argv[1], "test") == 0 ?
					     "ticket_id" : "name"),
				   jv_string(arg));
	return -1;
}
