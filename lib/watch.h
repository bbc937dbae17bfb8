/* SPDX-License-Identifier: MIT */
/* wa-view watch: follow the desk's event log and report, as they commit, the events a user asked for. */
#ifndef WA_WATCH_H
#define WA_WATCH_H

#include <stddef.h>
#include <stdint.h>
#include <jv.h>
#include "err.h"
#include "store.h"
#include "views.h"

/*
 * A watcher reads the event log (lib/evlog.h) from a sequence number on
 * and hands each event it wants, as stored, to a callback or to a
 * command. It waits for other connections' commits without querying
 * (store_watch_changed: SQLite's data_version on its open connection,
 * looked at every WATCH_CHECK_MS; PostgreSQL's LISTEN), and wakes on
 * its own when a session's window starts closing (--window closing).
 *
 * Which events: the kinds asked for (--event; by default message, echo,
 * send, status and ticket), those that pass the filters (--owner,
 * --unassigned, --channel, --contact, --where) and those the watcher's
 * notification level lets through:
 *   all    every one;
 *   mine   those about a ticket the user owns, an assignment to or
 *          away from them, their own sends and the statuses of those;
 *   team   mine, and the same for their teammates and for tickets
 *          nobody owns;
 *   none   nothing (the watcher returns at once).
 */

#define WATCH_CHECK_MS 200	/* SQLite: the change check's period */
#define WATCH_EXEC_MAX 4	/* --exec commands running at once */

enum watch_notify {
	WATCH_NOTIFY_SETTING = -1,	/* the user's own setting */
	WATCH_NONE, WATCH_MINE, WATCH_TEAM, WATCH_ALL
};

/* The options of its own that watch takes; wa-view's getopt table
 * gives each the value base + its enum, and watch_opt_set parses it. */
enum watch_opt {
	WATCH_OPT_NOTIFY, WATCH_OPT_EVENT, WATCH_OPT_EXEC,
	WATCH_OPT_EXEC_TIMEOUT, WATCH_OPT_COUNT, WATCH_OPT_ONCE, WATCH_NOPTS
};

struct watch_opts {
	int notify;		/* enum watch_notify */
	char *events;		/* "message,status", "all"; NULL: default */
	char *exec;		/* a shell command per record, or NULL */
	int exec_timeout;	/* seconds a command may run (30) */
	long count;		/* stop after this many records; 0 never */
	int once;		/* report what is there, then stop */
	int given;		/* how many of these options were given */
};

void watch_opts_init(struct watch_opts *o);
void watch_opts_release(struct watch_opts *o);
/* Sets one option from its argument (copied); a bad value: -1 with err
 * invalid_input (exit 64) naming the option. */
int watch_opt_set(struct watch_opts *o, enum watch_opt k, const char *arg,
		  struct wa_err *err);

struct watch_cb {
	/* a record to print (text without newline); < 0: output failed */
	int (*line)(const char *text, size_t len, void *ctx);
	/* something to tell the user: a command that failed, notifications
	 * off, a --where that failed on a record */
	void (*warn)(const char *msg, void *ctx);
	void *ctx;
};

/*
 * Watches as user (borrowed: who "me" and the levels mean) with the
 * filters f (borrowed; --since is a sequence number here and --window
 * only closing[:DURATION]; list's other filters are refused) until
 * SIGINT or SIGTERM (exit 0), --count records or, with --once, the end
 * of the log. Blocks SIGINT, SIGTERM and SIGCHLD while it runs and
 * restores them. Returns 0, 1 when a command of --exec failed (each one
 * also told through warn), or -1 with err: invalid_input (64) for a
 * filter watch does not take, io (74) or busy (75) for the database,
 * io (74) when line failed.
 */
int watch_run(struct store *st, const char *user, const struct views_filter *f,
	      const struct watch_opts *o, const struct watch_cb *cb,
	      struct wa_err *err);

/* A record of the log (borrowed) as a terminal shows it, one line:
 * {"at","event","ticket","who","what"} (owned). */
jv watch_show(jv rec);

/* The notification level user chose (wa-view agents set --notify):
 * read here and only here, so that watch follows the agents' setting.
 * -1 with err io/busy. */
int watch_notify_setting(struct store *st, const char *user,
			 enum watch_notify *out, struct wa_err *err);

#endif
