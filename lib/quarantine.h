/* SPDX-License-Identifier: MIT */
/* Quarantine rules (rule 10): jq predicates over the normalised message, compiled once. */
#ifndef WA_QUARANTINE_H
#define WA_QUARANTINE_H

#include <jv.h>
#include "err.h"
#include "store.h"

struct quarantine;

/* The built-in rules, NULL-terminated {name, predicate} pairs (static). */
extern const char *const quarantine_defaults[][2];

/* An empty rule set holding the built-in rules. */
struct quarantine *quarantine_new(void);
void quarantine_free(struct quarantine *q);

/* Adds or replaces (same name) a rule; predicate NULL removes it.
 * Names: letters, digits, '_' and '-'. -1 with err invalid_input. */
int quarantine_set(struct quarantine *q, const char *name,
		   const char *predicate, struct wa_err *err);

/* Rules from a file: one "NAME PREDICATE" per line, '#' comments, a
 * line "!NAME" drops a rule. -1 with err (config, exit 78) naming the
 * line. */
int quarantine_load_file(struct quarantine *q, const char *path,
			 struct wa_err *err);

/* Rules from the quarantine_rules table (enabled = 0 drops that name). */
int quarantine_load_table(struct quarantine *q, struct store *st,
			  struct wa_err *err);

/* Compiles every rule into one jq program. -1 with err (config, exit
 * 78) naming the rule that does not compile. */
int quarantine_compile(struct quarantine *q, struct wa_err *err);

/* Name of the first rule that holds for rec (borrowed: a norm_record()
 * object), or NULL. A rule that fails at run time does not hold. The name
 * lives as long as q. */
const char *quarantine_match(struct quarantine *q, jv rec);

/* How many rules are active. */
/* A compiled copy with the same rules, for another thread (a compiled
 * rule set is used by one thread at a time). NULL with err. */
struct quarantine *quarantine_copy(const struct quarantine *q,
				   struct wa_err *err);

int quarantine_count(const struct quarantine *q);

#endif
