/* SPDX-License-Identifier: MIT */
/* Inside wa-view watch (watch*.c only): the watcher's state, matching, windows, commands. */
#ifndef WA_WATCH_INT_H
#define WA_WATCH_INT_H

#include <signal.h>
#include <sys/types.h>
#include <jv.h>
#include "watch.h"
#include "jqwhere.h"

struct watch_seen {
	char *key;		/* channel, US (0x1f), identity */
	int64_t expires;	/* the window reported: its end */
};

struct watch_child {
	pid_t pid;		/* 0: a free slot */
	int64_t seq;		/* the event it got, 0 for a window */
	char kind[32];
	int64_t deadline;	/* watch_clock_ms() when it is stopped */
	int stopped;		/* 1 TERM sent, 2 KILL sent */
	int hurried;		/* stopped because the watcher stops */
};

struct watch {
	struct store *st;
	const struct watch_opts *o;
	const struct watch_cb *cb;
	const char *me;
	enum watch_notify level;
	struct strbuf kinds;	/* ",message,status," or "" for all */
	struct jqwhere where;
	long where_errors;
	const char *owner;	/* --owner (me resolved), or NULL */
	int unassigned;		/* --unassigned */
	const char *channel;	/* --channel */
	const char *contact;	/* --contact as given */
	char contact_num[32];	/* as a number, or "" */
	int64_t contact_id;	/* as an id, or -1 */
	int64_t since;		/* the last event handled */
	long delivered;		/* records printed or handed to commands */
	int stop;		/* a signal, --count or the output */
	/* --window closing:DURATION */
	int64_t within;		/* seconds; 0: no window records */
	struct watch_seen *seen;
	size_t nseen, capseen;
	int64_t next_edge;	/* the next window to start closing (s), -1 */
	int64_t scan_due;	/* when to look at the windows (ms), -1 */
	int64_t last_scan;	/* when they were looked at (ms) */
	/* the clock: WA_NOW (or the real time) at the start, running */
	int64_t base_ms, mono0;
	/* --exec */
	struct watch_child kids[WATCH_EXEC_MAX];
	int nkids;
	int failed;		/* commands that failed */
	sigset_t oldmask;	/* restored in children and at the end */
};

/* The watcher's clock in milliseconds (Unix epoch). */
int64_t watch_clock_ms(const struct watch *w);

/* watch_match.c: 1 when w wants rec (borrowed; kind its "event"), 0
 * when not, -1 with err (a lookup failed). */
int watch_match(struct watch *w, jv rec, const char *kind,
		struct wa_err *err);
/* The kinds, the level and the filters from f; -1 with err. */
int watch_match_init(struct watch *w, const struct views_filter *f,
		     struct wa_err *err);
void watch_match_release(struct watch *w);

/* watch.c: hands one record to the output or a command; -1 with err
 * when the output failed. */
int watch_deliver(struct watch *w, const char *text, size_t len,
		  const char *kind, int64_t seq, struct wa_err *err);

/* watch_window.c: reports the windows that closing has reached and
 * sets w->next_edge. */
int watch_windows_scan(struct watch *w, struct wa_err *err);
void watch_windows_release(struct watch *w);

/* watch_exec.c: --exec. start: 0, or -1 when every slot is busy (try
 * again later); a command that cannot start is reported, not an error.
 * reap: collects the ones that ended and stops late ones. deadline: the
 * earliest time (ms) reap has to run, -1 none. hurry: the watcher was
 * told to stop: every command still running is stopped now (by the
 * next reap), and not reported. */
int watch_exec_start(struct watch *w, const char *text, size_t len,
		     const char *kind, int64_t seq);
void watch_exec_reap(struct watch *w);
int64_t watch_exec_deadline(const struct watch *w);
void watch_exec_hurry(struct watch *w);

/* watch.c: tells the user (cb->warn) */
void watch_say(struct watch *w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
