/* SPDX-License-Identifier: MIT */
/* wa-view watch --exec: a command per record, the record on its stdin; never waited for in line. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "watch_int.h"

/*
 * Each record goes to `sh -c CMD` in a process group of its own, with
 * the record (one line) on its standard input from an unlinked
 * temporary file (a command that does not read it cannot block us),
 * WA_EVENT set to the record's kind and WA_SEQ to its number (unset for
 * a window). At most WATCH_EXEC_MAX run at once: while all are busy
 * the watcher stops taking events from the log (they wait there, in
 * order) but goes on reaping, stopping late commands and waking for
 * windows. A command that exits non-zero, dies of a signal, runs past
 * --exec-timeout (SIGTERM, then SIGKILL 2 s later) or cannot start is
 * reported with the event's number, and the watcher goes on.
 */

#define KILL_GRACE_MS 2000

/* The record as a file to read: an unlinked temporary, rewound. */
static int
stdin_file(const char *text, size_t len)
{
	FILE *f = tmpfile();
	int fd;

	if (!f)
		return -1;
	if (fwrite(text, 1, len, f) != len || fputc('\n', f) == EOF ||
	    fflush(f) == EOF) {
		fclose(f);
		return -1;
	}
	fd = dup(fileno(f));
	fclose(f);
	if (fd >= 0 && lseek(fd, 0, SEEK_SET) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static void
child(struct watch *w, int fd, const char *kind, int64_t seq)
{
	char buf[32];

	setpgid(0, 0);
	if (dup2(fd, 0) < 0)
		_exit(126);
	close(fd);
	setenv("WA_EVENT", kind, 1);
	if (seq > 0) {
		snprintf(buf, sizeof(buf), "%lld", (long long)seq);
		setenv("WA_SEQ", buf, 1);
	} else {
		unsetenv("WA_SEQ");
	}
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGCHLD, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	sigprocmask(SIG_SETMASK, &w->oldmask, NULL);
	execl("/bin/sh", "sh", "-c", w->o->exec, (char *)NULL);
	_exit(127);
}

static void
tell(struct watch *w, int64_t seq, const char *kind, const char *what)
{
	if (seq > 0)
		watch_say(w, "--exec: %s on event %lld (%s)", what,
			  (long long)seq, kind);
	else
		watch_say(w, "--exec: %s on a %s record", what, kind);
	w->failed++;
}

int
watch_exec_start(struct watch *w, const char *text, size_t len,
		 const char *kind, int64_t seq)
{
	struct watch_child *k = NULL;
	int i, fd;
	pid_t pid;

	for (i = 0; i < WATCH_EXEC_MAX && !k; i++)
		if (!w->kids[i].pid)
			k = &w->kids[i];
	if (!k)
		return -1;
	fd = stdin_file(text, len);
	if (fd < 0) {
		tell(w, seq, kind, "cannot start (no temporary file)");
		return 0;
	}
	pid = fork();
	if (pid == 0)
		child(w, fd, kind, seq);
	close(fd);
	if (pid < 0) {
		tell(w, seq, kind, strerror(errno));
		return 0;
	}
	setpgid(pid, pid);	/* also here: no race with a kill */
	k->pid = pid;
	k->seq = seq;
	snprintf(k->kind, sizeof(k->kind), "%s", kind);
	k->deadline = watch_clock_ms(w) + 1000LL * w->o->exec_timeout;
	k->stopped = 0;
	k->hurried = 0;
	w->nkids++;
	return 0;
}

static void
ended(struct watch *w, struct watch_child *k, int status)
{
	char what[64];

	if (k->hurried)
		what[0] = '\0';	/* we were told to stop */
	else if (k->stopped)
		snprintf(what, sizeof(what), "timed out after %d s",
			 w->o->exec_timeout);
	else if (WIFSIGNALED(status))
		snprintf(what, sizeof(what), "killed by signal %d",
			 WTERMSIG(status));
	else if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
		snprintf(what, sizeof(what), "exit status %d",
			 WEXITSTATUS(status));
	else
		what[0] = '\0';
	if (what[0])
		tell(w, k->seq, k->kind, what);
	k->pid = 0;
	w->nkids--;
}

/* Past its deadline: SIGTERM, and SIGKILL when that was not enough. */
static void
stop_late(struct watch_child *k, int64_t now)
{
	if (now < k->deadline)
		return;
	if (!k->stopped) {
		kill(-k->pid, SIGTERM);
		k->stopped = 1;
		k->deadline = now + KILL_GRACE_MS;
	} else if (k->stopped == 1) {
		kill(-k->pid, SIGKILL);
		k->stopped = 2;
		k->deadline = INT64_MAX;
	}
}

void
watch_exec_reap(struct watch *w)
{
	int64_t now = watch_clock_ms(w);
	int i, status;
	pid_t r;

	for (i = 0; i < WATCH_EXEC_MAX; i++) {
		struct watch_child *k = &w->kids[i];

		if (!k->pid)
			continue;
		r = waitpid(k->pid, &status, WNOHANG);
		if (r == k->pid)
			ended(w, k, status);
		else if (r == 0)
			stop_late(k, now);
	}
}

int64_t
watch_exec_deadline(const struct watch *w)
{
	int64_t d = -1;
	int i;

	for (i = 0; i < WATCH_EXEC_MAX; i++)
		if (w->kids[i].pid && w->kids[i].deadline != INT64_MAX &&
		    (d < 0 || w->kids[i].deadline < d))
			d = w->kids[i].deadline;
	return d;
}

void
watch_exec_hurry(struct watch *w)
{
	int64_t now = watch_clock_ms(w);
	int i;

	for (i = 0; i < WATCH_EXEC_MAX; i++)
		if (w->kids[i].pid && !w->kids[i].stopped) {
			w->kids[i].deadline = now;
			w->kids[i].hurried = 1;
		}
}
