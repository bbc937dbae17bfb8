/* SPDX-License-Identifier: MIT */
/* Unit tests for lib/agents.c as other modules use it: notify, same team, known agents, actors. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "tap.h"
#include "testdb.h"
#include "agents.h"
#include "jsonl.h"
#include "util.h"

static struct store *st;
static struct wa_err err;

static void
add(const char *name, const char *team, const char *notify)
{
	const char *teams[] = { team };
	struct agents_opts o = { 0 };
	jv rec;

	o.teams = teams;
	o.nteams = team ? 1 : 0;
	o.max_open = -1;
	o.notify = notify;
	if (agents_add(st, name, &o, "t", 1713290225, &rec, &err) < 0)
		printf("# add %s: %s\n", name, err.message);
	else
		jv_free(rec);
}

int
main(void)
{
	char dir[] = "/tmp/wa-t-agents.XXXXXX", path[64], v[8];
	int64_t n = -1;
	jv rec;

	if (!mkdtemp(dir))
		return 1;
	snprintf(path, sizeof(path), "%s/wa.db", dir);
	ok(store_open(&st, path, &err) == 0, "store opened");

	ok(agents_count(st, &n, &err) == 0 && n == 0, "no agents at first");
	is_int(agents_notify(st, "ann", v, &err), 0, "notify: no such agent");
	is_int(agents_known(st, "anyone", "OWNER", &err), 0,
	       "before the first agent, any name is known");
	is_int(agents_actor_check(st, "anyone", 1, &err), 0,
	       "and anyone acts");

	add("ann", "support", NULL);
	add("bob", "support", "mine");
	add("cy", "sales", "none");
	add("dee", NULL, "team");
	ok(agents_count(st, &n, &err) == 0 && n == 4, "four agents");

	is_int(agents_notify(st, "ann", v, &err), 1, "ann's notify");
	is_str(v, "all", "all unless set");
	agents_notify(st, "bob", v, &err);
	is_str(v, "mine", "bob's");
	agents_notify(st, "dee", v, &err);
	is_str(v, "team", "dee's");

	is_int(agents_same_team(st, "ann", "bob", &err), 1, "ann and bob: support");
	is_int(agents_same_team(st, "bob", "ann", &err), 1, "both ways");
	is_int(agents_same_team(st, "ann", "cy", &err), 0, "ann and cy: no");
	is_int(agents_same_team(st, "ann", "ann", &err), 1, "an agent and itself");
	is_int(agents_same_team(st, "dee", "dee", &err), 0, "no team: nobody's teammate");
	is_int(agents_same_team(st, "ann", "zed", &err), 0, "no such agent");

	is_int(agents_get(st, "cy", &rec, &err), 1, "get cy");
	is_str(jx_cstr(rec, "notify"), "none", "the record");
	jv_free(rec);
	is_int(agents_get(st, "zed", &rec, &err), 0, "get nobody");

	is_int(agents_known(st, "bobb", "OWNER", &err), -1, "bobb is no agent");
	is_str(err.message, "OWNER: no agent 'bobb' (did you mean 'bob'?)",
	       "the closest name as a hint");
	is_int(err.sysexit, 1, "a rejected operation");
	is_int(agents_actor_check(st, "bobb", 1, &err), -1, "--as bobb");
	is_int(err.sysexit, 64, "a usage error");
	is_int(agents_actor_check(st, "bobb", 0, &err), -1, "WA_USER=bobb");
	is_int(err.sysexit, 78, "a configuration error");
	is_int(agents_actor_check(st, "cy", 0, &err), 0, "cy acts");

	store_close(st);
	testdb_remove(dir);
	return done_testing();
}
