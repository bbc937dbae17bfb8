/* SPDX-License-Identifier: MIT */
/* wa-template's commands on the options cmd/wa-template.c parsed (template_cmd.c). */
#ifndef WA_TEMPLATE_CMD_H
#define WA_TEMPLATE_CMD_H

#include <jv.h>
#include "cli.h"
#include "config.h"
#include "err.h"
#include "graph.h"
#include "out.h"
#include "store.h"
#include "template_files.h"

/* Like audit_cli.c this is the command-line side of lib/: the commands
 * print their records through o and their failures on stderr, and a
 * fatal error prints its line and ends the process with its status (a
 * usage error: 64). Each returns the exit status. */

/* wa-template's options (cmd/wa-template.c fills them) and what every
 * command gets. */
struct template_cmd {
	const struct cli *cli;		/* for usage errors */
	const char *opt_waba, *opt_status, *opt_category, *opt_language;
	const char *opt_channel, *opt_as;
	int opt_rate;			/* send --rate */
	int opt_dry_run, opt_flag_target, opt_prune;
	int opt_marketing;	/* set --marketing-messages: 1 on, 0 off */
	jv flags;		/* send defaults, as record keys */
	struct store *st;	/* NULL for lint */
	struct wa_config cfg;
	struct graph *g;	/* for the commands that call Meta */
	char *waba;		/* for those that work on one WABA */
	int n;			/* operands after the command */
	char **ops;
	struct out o;
};

/* Prints a fatal err and exits with its status. */
void template_cmd_die(const struct wa_err *err) __attribute__((noreturn));

/* Sets flags[key] to the string arg. */
void template_cmd_flag(struct template_cmd *tc, const char *key,
		       const char *arg);

/* The one WABA a command works on (owned): --waba, else the WABA with a
 * connected channel; none or several end the process. */
char *template_cmd_one_waba(struct template_cmd *tc);

/* sync: each WABA's templates from Meta into the store. */
int template_cmd_sync(struct template_cmd *tc);
/* list, and show NAME (one operand). */
int template_cmd_list(struct template_cmd *tc);
/* delete NAME [--language L]: at Meta, then in the store. */
int template_cmd_delete(struct template_cmd *tc);
/* set: stores what was given, then prints the settings. */
int template_cmd_set(struct template_cmd *tc);
/* send: template messages from the flags and the records of the
 * operands' files, through lib/sender.c. */
int template_cmd_send(struct template_cmd *tc);

/* create and the directory commands: fn, the lib's run of them. */
int template_cmd_files(struct template_cmd *tc,
		       int (*fn)(const struct template_files_run *, int *,
				 struct wa_err *));

#endif
