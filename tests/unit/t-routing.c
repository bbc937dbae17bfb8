/* SPDX-License-Identifier: MIT */
/* Unit tests for routing_pick: round-robin's turn and wrap, least-open's ties, away and max-open. */
#include <stddef.h>
#include "tap.h"
#include "routing.h"

#define RR ROUTING_ROUND_ROBIN
#define LO ROUTING_LEAST_OPEN
#define NOLIMIT (-1)

struct pick_case {
	enum routing_strategy s;
	const char *last;		/* the rule's previous choice */
	struct routing_cand c[4];	/* by name; name NULL ends */
	int want;			/* index, -1 nobody */
	const char *what;
};

static const struct pick_case cases[] = {
	{ RR, NULL, { { "ann", 0, NOLIMIT, 5 }, { "bob", 0, NOLIMIT, 0 } },
	  0, "round-robin, first turn: the first name, whatever the load" },
	{ RR, "ann", { { "ann", 0, NOLIMIT, 0 }, { "bob", 0, NOLIMIT, 0 },
		       { "cy", 0, NOLIMIT, 0 } },
	  1, "the next name after the last" },
	{ RR, "cy", { { "ann", 0, NOLIMIT, 0 }, { "bob", 0, NOLIMIT, 0 },
		      { "cy", 0, NOLIMIT, 0 } },
	  0, "after the last name: wraps to the first" },
	{ RR, "bo", { { "ann", 0, NOLIMIT, 0 }, { "bob", 0, NOLIMIT, 0 } },
	  1, "a last that is no agent any more: the next name after it" },
	{ RR, "zed", { { "ann", 0, NOLIMIT, 0 }, { "bob", 0, NOLIMIT, 0 } },
	  0, "a removed last past every name: wraps" },
	{ RR, "ann", { { "ann", 0, NOLIMIT, 0 }, { "bob", 1, NOLIMIT, 0 },
		       { "cy", 0, NOLIMIT, 0 } },
	  2, "away: skipped" },
	{ RR, "ann", { { "ann", 0, NOLIMIT, 0 }, { "bob", 0, 2, 2 },
		       { "cy", 0, 3, 2 } },
	  2, "at max-open: skipped; under it: taken" },
	{ RR, "bob", { { "ann", 0, NOLIMIT, 0 }, { "bob", 0, NOLIMIT, 0 } },
	  0, "two agents alternate" },
	{ RR, "ann", { { "ann", 0, NOLIMIT, 0 }, { "bob", 1, NOLIMIT, 0 } },
	  0, "the only one available again, even right after its turn" },
	{ RR, NULL, { { "ann", 1, NOLIMIT, 0 }, { "bob", 0, 0, 0 } },
	  -1, "all away or at max-open 0: nobody" },
	{ RR, NULL, { { NULL, 0, 0, 0 } }, -1, "no candidate: nobody" },
	{ LO, NULL, { { "ann", 0, NOLIMIT, 3 }, { "bob", 0, NOLIMIT, 1 },
		      { "cy", 0, NOLIMIT, 2 } },
	  1, "least-open: the fewest open" },
	{ LO, NULL, { { "ann", 0, NOLIMIT, 2 }, { "bob", 0, NOLIMIT, 1 },
		      { "cy", 0, NOLIMIT, 1 } },
	  1, "a tie: the first name" },
	{ LO, "bob", { { "ann", 0, NOLIMIT, 1 }, { "bob", 0, NOLIMIT, 1 } },
	  0, "a tie ignores the last choice" },
	{ LO, NULL, { { "ann", 0, NOLIMIT, 4 }, { "bob", 1, NOLIMIT, 0 },
		      { "cy", 0, 1, 1 } },
	  0, "away and full are no candidates, however few they hold" },
	{ LO, NULL, { { "ann", 1, NOLIMIT, 0 }, { "bob", 1, NOLIMIT, 0 } },
	  -1, "least-open, all away: nobody" },
};

int
main(void)
{
	size_t i, n;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		for (n = 0; n < 4 && cases[i].c[n].name; n++)
			;
		is_int(routing_pick(cases[i].c, n, cases[i].s, cases[i].last),
		       cases[i].want, "%s", cases[i].what);
	}
	return done_testing();
}
