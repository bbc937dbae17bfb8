/* SPDX-License-Identifier: MIT */
/* The webhook server's read deadline: a request not read whole within it is cut off, however slowly its bytes trickle in. */
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>
#include <sys/socket.h>
#include "util.h"
#include "whserver_int.h"

/*
 * libmicrohttpd's own timeout is an idle timeout: a client that sends
 * one byte a second keeps its connection, and a thousand of them keep
 * every connection. Here each connection is timed from its accept (or
 * from the end of its last request, for the next one on a kept-alive
 * connection) until its request was read whole; a reaper thread shuts
 * down the socket of every connection past the deadline, and libmicrohttpd
 * then closes it. The connections being read are kept oldest first, so
 * the reaper looks at the expired ones only.
 *
 * libmicrohttpd calls NOTIFY_CLOSED before it closes the socket, and
 * both that and the reaper's shutdown(2) hold g->mu: the reaper never
 * shuts down a descriptor that was reused for another connection.
 *
 * After a burst of connections (most of them gone again) the reaper also
 * hands the memory they left in malloc's per-thread arenas back to the
 * system: a flood must not leave the server holding it.
 */

#define TRIM_PEAK 64		/* connections that make a burst */

struct whs_conn {
	MHD_socket fd;
	struct timespec since;		/* when its current request began */
	int linked;			/* in the list: being read */
	int cut;			/* shut down by the reaper */
	struct whs_conn *prev, *next;
};

struct whs_guard {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct whs_conn *head, *tail;	/* being read, oldest first */
	unsigned ms;
	int quit;
	unsigned long cut;		/* connections cut so far */
	unsigned conns, peak;		/* open now, most since the last trim */
	whserver_log_fn log;
	void *ctx;
	pthread_t th;
};

static void
unlink_conn(struct whs_guard *g, struct whs_conn *c)
{
	if (!c->linked)
		return;
	if (c->prev)
		c->prev->next = c->next;
	else
		g->head = c->next;
	if (c->next)
		c->next->prev = c->prev;
	else
		g->tail = c->prev;
	c->prev = c->next = NULL;
	c->linked = 0;
}

/* (g->mu held) c begins a request now: to the end of the list. */
static void
link_conn(struct whs_guard *g, struct whs_conn *c)
{
	clock_gettime(CLOCK_MONOTONIC, &c->since);
	c->prev = g->tail;
	c->next = NULL;
	if (g->tail)
		g->tail->next = c;
	else
		g->head = c;
	g->tail = c;
	c->linked = 1;
}

static long long
ms_since(const struct timespec *t, const struct timespec *now)
{
	return (long long)(now->tv_sec - t->tv_sec) * 1000 +
	       (now->tv_nsec - t->tv_nsec) / 1000000;
}

static void
log_cut(struct whs_guard *g, unsigned long n)
{
	struct wa_err err;

	if (!g->log)
		return;
	wa_err_set(&err, WA_EX_DATAERR, "invalid_input", "closed %lu connection%s "
		   "that did not send a whole request within %u ms", n,
		   n == 1 ? "" : "s", g->ms);
	g->log(g->ctx, &err);
}

static void *
reaper_main(void *arg)
{
	struct whs_guard *g = arg;
	struct timespec now, wake;
	unsigned step = g->ms / 4 < 250 ? (g->ms / 4 ? g->ms / 4 : 1) : 250;
	unsigned long n;

	whserver_name_thread("wa-reaper");
	pthread_mutex_lock(&g->mu);
	while (!g->quit) {
		deadline_after_ms(step, &wake);
		pthread_cond_timedwait(&g->cv, &g->mu, &wake);
		clock_gettime(CLOCK_MONOTONIC, &now);
		n = 0;
		while (g->head && ms_since(&g->head->since, &now) >= g->ms) {
			struct whs_conn *c = g->head;

			unlink_conn(g, c);
			c->cut = 1;
			shutdown(c->fd, SHUT_RDWR);
			n++;
		}
		g->cut += n;
		if (g->peak >= TRIM_PEAK && g->conns < g->peak / 4) {
			g->peak = g->conns;
			malloc_trim(0);
		}
		if (n) {
			pthread_mutex_unlock(&g->mu);
			log_cut(g, n);
			pthread_mutex_lock(&g->mu);
		}
	}
	pthread_mutex_unlock(&g->mu);
	return NULL;
}

int
whs_guard_start(struct whs_guard **out, unsigned ms, whserver_log_fn log,
		void *ctx, struct wa_err *err)
{
	struct whs_guard *g = xcalloc(1, sizeof(*g));

	*out = NULL;
	g->ms = ms;
	g->log = log;
	g->ctx = ctx;
	pthread_mutex_init(&g->mu, NULL);
	pthread_cond_init(&g->cv, NULL);
	if (pthread_create(&g->th, NULL, reaper_main, g) != 0) {
		free(g);
		return wa_err_set(err, WA_EX_IOERR, "io",
				  "cannot start the reaper thread");
	}
	*out = g;
	return 0;
}

void
whs_guard_stop(struct whs_guard *g)
{
	if (!g)
		return;
	pthread_mutex_lock(&g->mu);
	g->quit = 1;
	pthread_cond_signal(&g->cv);
	pthread_mutex_unlock(&g->mu);
	pthread_join(g->th, NULL);
	pthread_mutex_destroy(&g->mu);
	pthread_cond_destroy(&g->cv);
	free(g);
}

unsigned long
whs_guard_cut(struct whs_guard *g)
{
	unsigned long n;

	pthread_mutex_lock(&g->mu);
	n = g->cut;
	pthread_mutex_unlock(&g->mu);
	return n;
}

void
whs_guard_notify(void *cls, struct MHD_Connection *mc, void **socket_context,
		 enum MHD_ConnectionNotificationCode code)
{
	struct whs_guard *g = cls;
	struct whs_conn *c = *socket_context;
	const union MHD_ConnectionInfo *ci;

	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		c = xcalloc(1, sizeof(*c));
		ci = MHD_get_connection_info(mc,
					     MHD_CONNECTION_INFO_CONNECTION_FD);
		c->fd = ci ? ci->connect_fd : MHD_INVALID_SOCKET;
		pthread_mutex_lock(&g->mu);
		if (c->fd != MHD_INVALID_SOCKET)
			link_conn(g, c);
		if (++g->conns > g->peak)
			g->peak = g->conns;
		pthread_mutex_unlock(&g->mu);
		*socket_context = c;
		return;
	}
	if (!c)
		return;
	pthread_mutex_lock(&g->mu);
	unlink_conn(g, c);
	g->conns--;
	pthread_mutex_unlock(&g->mu);
	free(c);
	*socket_context = NULL;
}

static struct whs_conn *
conn_of(struct MHD_Connection *mc)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(mc, MHD_CONNECTION_INFO_SOCKET_CONTEXT);

	return ci ? ci->socket_context : NULL;
}

void
whs_guard_read(struct whs_guard *g, struct MHD_Connection *mc)
{
	struct whs_conn *c = conn_of(mc);

	if (!c)
		return;
	pthread_mutex_lock(&g->mu);
	unlink_conn(g, c);
	pthread_mutex_unlock(&g->mu);
}

void
whs_guard_next(struct whs_guard *g, struct MHD_Connection *mc)
{
	struct whs_conn *c = conn_of(mc);

	if (!c)
		return;
	pthread_mutex_lock(&g->mu);
	if (!c->cut) {
		unlink_conn(g, c);
		link_conn(g, c);
	}
	pthread_mutex_unlock(&g->mu);
}
