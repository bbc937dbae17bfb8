/* SPDX-License-Identifier: MIT */
/* The webhook HTTP(S) server: its options, start, certificate reload, counters and stop. */
#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "whserver_int.h"

/*
 * Threads: libmicrohttpd's pool reads requests and checks signatures in
 * parallel (lib/whserver_req.c), a reaper thread cuts off requests past
 * the read deadline (lib/whserver_guard.c), one writer thread commits
 * and a sync thread answers (lib/whserver_commit.c).
 */

void
whserver_opts_default(struct whserver_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->path = "/webhook";
	o->max_body = WHSERVER_MAX_BODY_DEFAULT;
	o->threads = 4;
	o->max_batch = 1000;
	o->drain_ms = 10000;
	o->max_conns = WHSERVER_MAX_CONNS_DEFAULT;
	o->max_per_addr = WHSERVER_MAX_PER_ADDR_DEFAULT;
	o->read_ms = WHSERVER_READ_MS_DEFAULT;
	o->max_unverified = WHSERVER_MAX_UNVERIFIED_DEFAULT;
}

/* ---- start, reload and stop ---- */

/* The writer finishes its queue, then the syncer its groups. */
static void
stop_threads(struct whserver *s)
{
	pthread_mutex_lock(&s->mu);
	s->quit = 1;
	pthread_cond_signal(&s->queued);
	pthread_mutex_unlock(&s->mu);
	pthread_join(s->writer, NULL);
	pthread_mutex_lock(&s->mu);
	s->sync_quit = 1;
	pthread_cond_signal(&s->synced);
	pthread_mutex_unlock(&s->mu);
	if (s->syncer_started)
		pthread_join(s->syncer, NULL);
}

static void
server_free(struct whserver *s)
{
	whs_guard_stop(s->guard);
	whs_tls_free(s->tls);
	pthread_mutex_destroy(&s->mu);
	pthread_cond_destroy(&s->queued);
	pthread_cond_destroy(&s->synced);
	pthread_cond_destroy(&s->idle);
	free(s);
}

/* libmicrohttpd's options for s listening on fd. */
static void
mhd_options(struct whserver *s, int fd, struct MHD_OptionItem *op)
{
	size_t n = 0;

#define OPT(o, v, p) (op[n].option = (o), op[n].value = (intptr_t)(v), \
		      op[n].ptr_value = (p), n++)
	OPT(MHD_OPTION_LISTEN_SOCKET, fd, NULL);
	OPT(MHD_OPTION_THREAD_POOL_SIZE, s->o.threads, NULL);
	OPT(MHD_OPTION_CONNECTION_LIMIT, whs_fd_room(s->o.max_conns), NULL);
	if (s->o.max_per_addr)
		OPT(MHD_OPTION_PER_IP_CONNECTION_LIMIT, s->o.max_per_addr,
		    NULL);
	OPT(MHD_OPTION_CONNECTION_TIMEOUT, 60u, NULL);
	OPT(MHD_OPTION_NOTIFY_COMPLETED, whs_on_completed, s);
	OPT(MHD_OPTION_NOTIFY_CONNECTION, whs_guard_notify, s->guard);
	if (s->tls)
		OPT(MHD_OPTION_HTTPS_CERT_CALLBACK, 0, (void *)whs_tls_retrieve);
	OPT(MHD_OPTION_END, 0, NULL);
#undef OPT
}

int
whserver_start(struct whserver **out, const struct whserver_opts *opts,
	       struct wa_err *err)
{
	struct MHD_OptionItem op[12];
	struct whserver *s;
	int fd;

	*out = NULL;
	if (mhd_lazy_load(err) < 0)
		return -1;
	s = xcalloc(1, sizeof(*s));
	s->o = *opts;
	if (!s->o.max_batch)
		s->o.max_batch = 1000;
	if (!s->o.threads)
		s->o.threads = 4;
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->queued, NULL);
	pthread_cond_init(&s->synced, NULL);
	pthread_cond_init(&s->idle, NULL);
	if ((s->o.tls_cert && whs_tls_load(&s->tls, s->o.tls_cert,
					   s->o.tls_key, err) < 0) ||
	    whs_guard_start(&s->guard, s->o.read_ms, s->o.log, s->o.ctx,
			    err) < 0) {
		server_free(s);
		return -1;
	}
	if ((fd = whserver_listen(opts->listen, err)) < 0) {
		server_free(s);
		return -1;
	}
	s->port = whs_bound_port(fd);
	/* Bodies above 256 KB are mmap'd, so their memory goes back to the
	 * system when freed (glibc would raise the threshold to the size
	 * of the largest freed body and keep them in its heaps). Fixing
	 * that threshold also fixes the trim threshold at 128 KB, so every
	 * group the writer freed went back to the system and was faulted
	 * in again (a fifth of the writer's time): keep 32 MB per heap,
	 * malloc_trim gives it back after a burst (whserver_guard.c). */
	mallopt(M_MMAP_THRESHOLD, 256 * 1024);
	mallopt(M_TRIM_THRESHOLD, 32 << 20);
	if (pthread_create(&s->writer, NULL, whs_writer_main, s) != 0) {
		close(fd);
		server_free(s);
		return wa_err_set(err, WA_EX_IOERR, "io",
				  "cannot start the writer thread");
	}
	s->syncer_started = pthread_create(&s->syncer, NULL, whs_syncer_main,
					   s) == 0;
	if (!s->syncer_started) {
		stop_threads(s);
		close(fd);
		server_free(s);
		return wa_err_set(err, WA_EX_IOERR, "io",
				  "cannot start the sync thread");
	}
	mhd_options(s, fd, op);
	s->d = MHD_start_daemon(MHD_USE_AUTO_INTERNAL_THREAD |
				MHD_ALLOW_SUSPEND_RESUME |
				(s->tls ? MHD_USE_TLS : 0), 0, NULL, NULL,
				whs_on_request, s, MHD_OPTION_ARRAY, op,
				MHD_OPTION_END);
	if (!s->d) {
		stop_threads(s);
		close(fd);
		server_free(s);
		return wa_err_set(err, WA_EX_CONFIG, "config",
				  "cannot start the HTTP server on '%s'",
				  opts->listen);
	}
	*out = s;
	return 0;
}

int
whserver_reload(struct whserver *s, struct wa_err *err)
{
	return s->tls ? whs_tls_reload(s->tls, err) : 0;
}

unsigned
whserver_port(const struct whserver *s)
{
	return s->port;
}

void
whserver_stats(struct whserver *s, struct whserver_stats *out)
{
	pthread_mutex_lock(&s->mu);
	*out = s->stats;
	pthread_mutex_unlock(&s->mu);
	out->cut = whs_guard_cut(s->guard);
}

/* Waits (s->mu held) until *count is 0 or the deadline passed. */
static void
wait_zero(struct whserver *s, const unsigned *count,
	  const struct timespec *deadline)
{
	while (*count > 0)
		if (pthread_cond_timedwait(&s->idle, &s->mu, deadline) ==
		    ETIMEDOUT)
			break;
}

unsigned
whserver_stop(struct whserver *s, struct whserver_stats *final)
{
	struct timespec deadline;
	MHD_socket fd;
	unsigned left;

	pthread_mutex_lock(&s->mu);
	s->stopping = 1;
	pthread_mutex_unlock(&s->mu);
	fd = MHD_quiesce_daemon(s->d);
	if (fd != MHD_INVALID_SOCKET)
		close(fd);

	deadline_after_ms(s->o.drain_ms, &deadline);
	pthread_mutex_lock(&s->mu);
	wait_zero(s, &s->active, &deadline);
	left = s->active;
	/* Requests still reading their body are given up (Meta resends
	 * them); queued ones are committed and answered before MHD stops,
	 * which must not happen while a connection is suspended. */
	s->closing = 1;
	while (s->suspended > 0)
		pthread_cond_wait(&s->idle, &s->mu);
	pthread_mutex_unlock(&s->mu);
	MHD_stop_daemon(s->d);

	stop_threads(s);
	if (final)
		whserver_stats(s, final);
	server_free(s);
	return left;
}
