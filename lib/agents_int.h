/* SPDX-License-Identifier: MIT */
/* Inside agents: finding an agent by name, and the refusal that names the closest one. */
#ifndef WA_AGENTS_INT_H
#define WA_AGENTS_INT_H

#include "agents.h"

/* The agent's id: 1 found, 0 not, -1 error. */
int agents_id(struct store *st, const char *name, int64_t *id,
	      struct wa_err *err);

/* -1 with err invalid_input, exit sysexit: "WHAT: no agent 'x' (did
 * you mean 'y'?)" (what may be NULL). */
int agents_unknown(struct store *st, const char *name, const char *what,
		   int sysexit, struct wa_err *err);

#endif
