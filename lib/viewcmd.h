/* SPDX-License-Identifier: MIT */
/* wa-view's commands on the options cmd/wa-view.c parsed (viewcmd_*.c). */
#ifndef WA_VIEWCMD_H
#define WA_VIEWCMD_H

#include <stdint.h>
#include <jv.h>
#include "cli.h"
#include "config.h"
#include "err.h"
#include "out.h"
#include "people.h"
#include "store.h"
#include "views.h"
#include "watch.h"

/* Like audit_cli.c these are the command-line side of lib/: each prints
 * its records through o, its failures on stderr, and ends the process
 * with a usage error (exit 64) on bad operands. Each returns the exit
 * status; err is scratch. */

/* wa-view's options: cmd/wa-view.c fills them, the commands borrow them. */
struct viewcmd_opts {
	const struct cli *cli;		/* for usage errors */
	struct views_filter filter;	/* from the command line */
	struct people people;		/* agents and route options */
	const char *view;		/* --view */
	const char *sharing;		/* --sharing */
	const char *as;			/* --as */
	long long ticket;		/* --ticket, 0 when not given */
	int peek;			/* --peek */
	jv contact;			/* contacts add and edit: the record */
	struct watch_opts watch;	/* watch's own options */
};

/* list: the threads of --view and the filters, for user. */
int viewcmd_list(struct store *st, struct out *o,
		 const struct viewcmd_opts *vo, const char *user,
		 struct wa_err *err);

/* show THREAD | --ticket N [--peek]. */
int viewcmd_show(struct store *st, struct out *o,
		 const struct viewcmd_opts *vo, int argc, char **argv,
		 struct wa_err *err);

/* search TEXT [--limit N]. */
int viewcmd_search(struct store *st, struct out *o,
		   const struct viewcmd_opts *vo, int argc, char **argv,
		   struct wa_err *err);

/* history TICKET. */
int viewcmd_history(struct store *st, struct out *o,
		    const struct viewcmd_opts *vo, int argc, char **argv,
		    struct wa_err *err);

/* cmd (assign, unassign, close, reopen) TICKET [OWNER], by user. */
int viewcmd_ticket(struct store *st, struct out *o,
		   const struct viewcmd_opts *vo, const char *cmd, int argc,
		   char **argv, const char *user, struct wa_err *err);

/* cmd (views, create, delete) [NAME]: saved views of user. */
int viewcmd_views(struct store *st, struct out *o,
		  const struct viewcmd_opts *vo, const char *cmd, int argc,
		  char **argv, const char *user, struct wa_err *err);

/* contacts [add|import|list|show|edit|merge] ...; argv[0] is the
 * subcommand (none: list). */
int viewcmd_contacts(struct store *st, struct out *o,
		     const struct viewcmd_opts *vo, struct wa_config *cfg,
		     int argc, char **argv, struct wa_err *err);

/* quarantine show|release MSG, by user. */
int viewcmd_quarantine(struct store *st, struct out *o,
		       const struct viewcmd_opts *vo, const char *user,
		       int argc, char **argv, struct wa_err *err);

/* agents ... and route ...; argv[0] is "agents" or "route". */
int viewcmd_people(struct store *st, struct out *o,
		   const struct viewcmd_opts *vo, int argc, char **argv,
		   const char *user, struct wa_err *err);

/* watch: events as they come, for user. */
int viewcmd_watch(struct store *st, struct out *o,
		  const struct viewcmd_opts *vo, int argc, char **argv,
		  const char *user, struct wa_err *err);

#endif
