/* SPDX-License-Identifier: MIT */
/* Subcommands: the options each takes and needs, its operands, flag-named usage errors. */
#ifndef WA_SUBCMD_H
#define WA_SUBCMD_H

#include <stddef.h>
#include "cli.h"
#include "err.h"

/* A tool option (CLI_OPT_FIRST_FREE + 0..31) as a bit of a set. */
#define SUBCMD_BIT(o) (1u << ((o) - CLI_OPT_FIRST_FREE))

/* What a subcommand accepts; the first member of a tool's own entry. */
struct subcmd {
	const char *name;
	int operands;		/* how many operands it takes */
	const char *operand;	/* ... as "'NAME' needs ..." says them */
	unsigned opts;		/* SUBCMD_BIT of the options it takes */
	unsigned need;		/* ... and of those it cannot do without */
	const char *needs;	/* ... as "NAME needs ..." says them */
};

/* The long name of option o in longopts, "?" when it has none. */
const char *subcmd_opt_name(const struct option *longopts, int o);

/* Adds option o to *set; o given before is a usage error (exit 64)
 * unless it is in repeat. */
void subcmd_opt_seen(const struct cli *cli, const struct option *longopts,
		     unsigned *set, int o, unsigned repeat);

/* The entry of table (n entries of size bytes, each starting with a
 * struct subcmd) named argv[first], once the options in set and the
 * operands after argv[first] suit it. Else a usage error (exit 64):
 * missing or unknown command, an option it does not take, the wrong
 * number of operands, a needed option missing. */
const void *subcmd_find(const struct cli *cli, const struct option *longopts,
			const void *table, size_t n, size_t size,
			unsigned set, int argc, char **argv, int first);

/* A usage error (exit 64) for err when it is one (sysexit 64); a lib
 * check's message that starts with a field's name ("website: ...")
 * names the flag ("--website: ..."). Returns when err is no usage
 * error. */
void subcmd_usage_err(const struct cli *cli, const struct wa_err *err);

#endif
