/* SPDX-License-Identifier: MIT */
/* wa-view watch: follow the event log as writers commit, wake for closing windows, hand records on. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <time.h>
#include "watch_int.h"
#include "evlog.h"
#include "jsonl.h"
#include "util.h"

#define WATCH_BATCH 500		/* events read from the log at a time */
#define WATCH_IDLE_MS 60000	/* longest sleep when told of commits */

/* ---- options ---------------------------------------------------------- */

void
watch_opts_init(struct watch_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->notify = WATCH_NOTIFY_SETTING;
	o->exec_timeout = 30;
}

void
watch_opts_release(struct watch_opts *o)
{
	free(o->events);
	free(o->exec);
	watch_opts_init(o);
}

static int
notify_parse(const char *s)
{
	static const char *const names[] = { "none", "mine", "team", "all" };
	int i;

	for (i = 0; i < 4; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

int
watch_opt_set(struct watch_opts *o, enum watch_opt k, const char *arg,
	      struct wa_err *err)
{
	long long n;

	o->given++;
	switch (k) {
	case WATCH_OPT_NOTIFY:
		if ((o->notify = notify_parse(arg)) < 0)
			goto bad;
		return 0;
	case WATCH_OPT_EVENT:
		if (!*arg)
			goto bad;
		free(o->events);
		o->events = xstrdup(arg);
		return 0;
	case WATCH_OPT_EXEC:
		if (!*arg)
			goto bad;
		free(o->exec);
		o->exec = xstrdup(arg);
		return 0;
	case WATCH_OPT_EXEC_TIMEOUT:
		if (parse_int(arg, 1, 86400, &n) < 0)
			goto bad;
		o->exec_timeout = (int)n;
		return 0;
	case WATCH_OPT_COUNT:
		if (parse_int(arg, 1, LONG_MAX, &n) < 0)
			goto bad;
		o->count = (long)n;
		return 0;
	case WATCH_OPT_ONCE:
		o->once = 1;
		return 0;
	default:
		break;
	}
bad:
	return wa_err_set(err, WA_EX_USAGE, "invalid_input",
			  "bad value '%s' for a watch option", arg);
}

/* ---- the clock -------------------------------------------------------- */

/* WA_NOW sets where it starts; from there it runs. */
int64_t
watch_clock_ms(const struct watch *w)
{
	return w->base_ms + mono_us() / 1000 - w->mono0;
}

void
watch_say(struct watch *w, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (w->cb->warn)
		w->cb->warn(msg, w->cb->ctx);
}

/* ---- signals: taken only while waiting -------------------------------- */

static volatile sig_atomic_t got_stop;

static void
on_stop(int sig)
{
	got_stop = 1;
}

/* Only to end the sleep: the loop reaps. */
static void
on_child(int sig)
{
}

static void
signals_take(struct watch *w, struct sigaction old[3])
{
	static const int sigs[3] = { SIGINT, SIGTERM, SIGCHLD };
	struct sigaction sa;
	sigset_t block;
	int i;

	sigemptyset(&block);
	for (i = 0; i < 3; i++)
		sigaddset(&block, sigs[i]);
	sigprocmask(SIG_BLOCK, &block, &w->oldmask);
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < 3; i++) {
		sa.sa_handler = sigs[i] == SIGCHLD ? on_child : on_stop;
		sigaction(sigs[i], &sa, &old[i]);
	}
	got_stop = 0;
}

static void
signals_give_back(struct watch *w, const struct sigaction old[3])
{
	static const int sigs[3] = { SIGINT, SIGTERM, SIGCHLD };
	int i;

	for (i = 0; i < 3; i++)
		sigaction(sigs[i], &old[i], NULL);
	sigprocmask(SIG_SETMASK, &w->oldmask, NULL);
}

/* ---- events ----------------------------------------------------------- */

int
watch_deliver(struct watch *w, const char *text, size_t len,
	      const char *kind, int64_t seq, struct wa_err *err)
{
	if (w->o->exec) {
		if (watch_exec_start(w, text, len, kind, seq) < 0)
			return 1;	/* every command slot is busy */
	} else if (w->cb->line(text, len, w->cb->ctx) < 0) {
		w->stop = 1;
		return wa_err_set(err, WA_EX_IOERR, "io",
				  "cannot write output");
	}
	if (w->o->count && ++w->delivered >= w->o->count)
		w->stop = 1;
	return 0;
}

struct batch {
	int64_t *seq;
	char **line;
	size_t *len;
	long n;
};

static int
batch_add(int64_t seq, const char *line, size_t len, void *ctx)
{
	struct batch *b = ctx;

	b->seq[b->n] = seq;
	b->len[b->n] = len;
	b->line[b->n] = xmalloc(len + 1);
	memcpy(b->line[b->n], line, len);
	b->line[b->n][len] = '\0';
	b->n++;
	return 0;
}

static void
batch_clear(struct batch *b)
{
	while (b->n > 0)
		free(b->line[--b->n]);
}

/* One event of the log; 1 when it has to wait (--exec busy). */
static int
event(struct watch *w, int64_t seq, const char *line, size_t len,
      int *messages, struct wa_err *err)
{
	jv rec = jv_parse_sized(line, (int)len);
	const char *kind = jx_cstr(rec, "event");
	int rc = 0;

	if (kind && strcmp(kind, "message") == 0)
		*messages = 1;
	if (kind && (rc = watch_match(w, rec, kind, err)) > 0)
		rc = watch_deliver(w, line, len, kind, seq, err);
	jv_free(rec);
	if (rc == 0)
		w->since = seq;
	return rc;
}

/* Everything the log has after w->since, as far as the commands take
 * it; *messages: a message came in (a window may have moved). 1 when
 * events are left for later, 0 done, -1 with err. */
static int
drain(struct watch *w, int *messages, struct wa_err *err)
{
	struct batch b;
	long i, got;
	int rc = 0;

	b.seq = xmalloc(WATCH_BATCH * sizeof(*b.seq));
	b.line = xmalloc(WATCH_BATCH * sizeof(*b.line));
	b.len = xmalloc(WATCH_BATCH * sizeof(*b.len));
	b.n = 0;
	do {
		got = evlog_each(w->st, w->since, WATCH_BATCH, batch_add, &b,
				 err);
		if (got < 0)
			rc = -1;
		for (i = 0; i < b.n && rc == 0 && !w->stop; i++)
			rc = event(w, b.seq[i], b.line[i], b.len[i], messages,
				   err);
		batch_clear(&b);
	} while (rc == 0 && got == WATCH_BATCH && !w->stop);
	free(b.seq);
	free(b.line);
	free(b.len);
	return rc;
}

/* ---- the loop --------------------------------------------------------- */

static int64_t
earliest(int64_t a, int64_t b)
{
	if (a < 0)
		return b;
	return b < 0 || a < b ? a : b;
}

/* Sleeps until the store may have changed, a command ended, a signal,
 * or the first of the deadlines (ms on the watcher's clock). The
 * signals are blocked but here: one that came meanwhile ends the sleep
 * at once. */
static void
wait_for(struct watch *w, int fd, int64_t until)
{
	int64_t ms = until < 0 ? WATCH_IDLE_MS : until - watch_clock_ms(w);
	struct timespec ts;
	fd_set rd;

	if (ms < 0)
		ms = 0;
	if (ms > WATCH_IDLE_MS)
		ms = WATCH_IDLE_MS;
	ts.tv_sec = (time_t)(ms / 1000);
	ts.tv_nsec = (long)(ms % 1000) * 1000000;
	FD_ZERO(&rd);
	if (fd >= 0)
		FD_SET(fd, &rd);
	pselect(fd >= 0 ? fd + 1 : 0, &rd, NULL, NULL, &ts, &w->oldmask);
}

/* When the loop must look again without being told (ms), -1 never. */
static int64_t
next_wake(struct watch *w, int fd, int pending)
{
	int64_t now = watch_clock_ms(w), t = watch_exec_deadline(w);

	if (pending && w->nkids < WATCH_EXEC_MAX)
		return now;
	if (fd < 0 || pending)
		t = earliest(t, now + WATCH_CHECK_MS);
	if (w->within && w->next_edge >= 0)
		t = earliest(t, w->next_edge * 1000);
	if (w->within)
		t = earliest(t, w->scan_due);
	return t;
}

/* Takes what there is: the log when it changed (or events wait in it),
 * then the windows due. */
static int
take(struct watch *w, int changed, int *pending, struct wa_err *err)
{
	int messages = 0, rc;

	if (*pending)
		changed = w->nkids < WATCH_EXEC_MAX;	/* room for one? */
	if (changed) {
		rc = drain(w, &messages, err);
		if (rc < 0)
			return -1;
		*pending = rc > 0;
	}
	if (!w->within || w->stop)
		return 0;
	if (messages)	/* at most one look a second for those */
		w->scan_due = earliest(w->scan_due,
				       w->last_scan + 1000);
	if (w->last_scan == 0 || (w->scan_due >= 0 &&
				   watch_clock_ms(w) >= w->scan_due) ||
	    (w->next_edge >= 0 &&
	     watch_clock_ms(w) / 1000 >= w->next_edge))
		return watch_windows_scan(w, err);
	return 0;
}

/* The store says whether another connection committed; with a socket
 * to wait on (PostgreSQL), it is asked before sleeping too: a NOTIFY
 * read along with a query's rows would not wake the sleep. */
static int
loop(struct watch *w, struct wa_err *err)
{
	int pending = 0, changed = 1, signalled = 0, hurried = 0, fd;

	for (;;) {
		if (got_stop)
			w->stop = signalled = 1;
		got_stop = 0;
		if (!w->stop && take(w, changed, &pending, err) < 0)
			return -1;
		watch_exec_reap(w);
		if (w->o->once && !pending && w->scan_due < 0)
			w->stop = 1;	/* nothing left, no window put off */
		if (signalled && !hurried) {
			watch_exec_hurry(w);
			watch_exec_reap(w);
			hurried = 1;
		}
		if (w->stop && !w->nkids)
			return 0;
		fd = w->stop ? -1 : store_watch_fd(w->st);
		changed = fd >= 0 ? store_watch_changed(w->st, err) : 0;
		if (changed == 0)
			wait_for(w, fd, w->stop ? watch_exec_deadline(w) :
				 next_wake(w, fd, pending));
		if (changed == 0 && !w->stop)
			changed = store_watch_changed(w->st, err);
		if (changed < 0)
			return -1;
	}
}

static int
setup(struct watch *w, const struct views_filter *f, struct wa_err *err)
{
	const char *win = f->v[VIEWS_WINDOW], *since = f->v[VIEWS_SINCE];
	long long n;

	w->base_ms = wa_now_ms();
	w->mono0 = mono_us() / 1000;
	w->next_edge = w->scan_due = -1;
	w->since = -1;
	if (since && parse_int(since, 0, INT64_MAX, &n) < 0)
		return wa_err_set(err, WA_EX_USAGE, "invalid_input",
				  "--since: '%s' is not an event number "
				  "(watch resumes after a seq)", since);
	if (since)
		w->since = n;
	if (win && (strncmp(win, "closing", 7) != 0 ||
		    (win[7] != ':' && win[7] != '\0')))
		return wa_err_set(err, WA_EX_USAGE, "invalid_input",
				  "--window: watch takes closing[:DURATION]");
	w->within = 3600;
	if (win && win[7] == ':' && duration_parse(win + 8, &w->within) < 0)
		return wa_err_set(err, WA_EX_USAGE, "invalid_input",
				  "--window: bad duration '%s'", win + 8);
	if (!win)
		w->within = 0;
	if (watch_match_init(w, f, err) < 0)
		return -1;
	if (w->since < 0 && evlog_last(w->st, &w->since, err) < 0)
		return -1;
	return store_watch_start(w->st, err);
}

int
watch_run(struct store *st, const char *user, const struct views_filter *f,
	  const struct watch_opts *o, const struct watch_cb *cb,
	  struct wa_err *err)
{
	struct sigaction old[3];
	struct watch w;
	int rc;

	memset(&w, 0, sizeof(w));
	w.st = st;
	w.o = o;
	w.cb = cb;
	w.me = user;
	rc = setup(&w, f, err);
	if (rc == 0 && w.level == WATCH_NONE)
		watch_say(&w, "notifications are off for '%s' (--notify "
			  "overrides)", user);
	if (rc == 0 && w.level != WATCH_NONE) {
		signals_take(&w, old);
		rc = loop(&w, err);
		if (rc < 0)
			watch_exec_hurry(&w);
		while (rc < 0 && w.nkids) {
			watch_exec_reap(&w);
			if (w.nkids)
				wait_for(&w, -1, watch_exec_deadline(&w));
		}
		signals_give_back(&w, old);
	}
	store_watch_stop(st);
	watch_windows_release(&w);
	watch_match_release(&w);
	if (rc < 0)
		return -1;
	return w.failed ? 1 : 0;
}
