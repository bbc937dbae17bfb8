/* SPDX-License-Identifier: MIT */
/* The webhook server's commits: one writer thread applies group after group, a sync thread answers each once its commit is durable. */
#include <stdlib.h>
#include <sys/prctl.h>
#include "whserver_int.h"

/*
 * The writer takes everything queued and hands it to the batch callback
 * (one transaction), then passes the group to the syncer and takes the
 * next group at once. The syncer makes every group committed so far
 * durable with one sync callback and only then resumes their
 * connections, which answer 200 (or 500 if the commit or the sync
 * failed, 503 if the store could not be reached). So every 200 follows a durable commit, 64 concurrent
 * deliveries cost one commit, not 64, and the next group is applied
 * while the last one's sync waits for the disk.
 */

void
whserver_name_thread(const char *name)
{
	(void)prctl(PR_SET_NAME, name, 0, 0, 0);
}

/* Takes up to max_batch queued requests off the queue (s->mu held). */
static size_t
take(struct whserver *s, struct req **reqs, struct whserver_item *items)
{
	size_t n = 0;
	struct req *r;

	while (s->head && n < s->o.max_batch) {
		r = s->head;
		s->head = r->next;
		if (!s->head)
			s->tail = NULL;
		r->next = NULL;
		s->queue_bytes -= r->bytes;
		reqs[n] = r;
		items[n].payload = r->payload;
		items[n].stored = 0;
		items[n].retry = 0;
		n++;
	}
	return n;
}

/* Hands a committed group to the syncer (its requests linked by next). */
static void
committed(struct whserver *s, struct req **reqs, struct whserver_item *items,
	  size_t n, void *done)
{
	struct group *g = xcalloc(1, sizeof(*g));
	size_t i;

	for (i = 0; i < n; i++) {
		reqs[i]->status = items[i].stored ? MHD_HTTP_OK :
			items[i].retry ? MHD_HTTP_SERVICE_UNAVAILABLE :
			MHD_HTTP_INTERNAL_SERVER_ERROR;
		reqs[i]->next = i + 1 < n ? reqs[i + 1] : NULL;
	}
	g->reqs = reqs[0];
	g->done = done;
	pthread_mutex_lock(&s->mu);
	if (s->gtail)
		s->gtail->next = g;
	else
		s->ghead = g;
	s->gtail = g;
	pthread_cond_signal(&s->synced);
	pthread_mutex_unlock(&s->mu);
}

/* Applies and commits group after group; it never waits for a sync, so
 * the next group is applied while the last one's commit reaches the
 * disk. */
void *
whs_writer_main(void *arg)
{
	struct whserver *s = arg;
	struct req **reqs = xcalloc(s->o.max_batch, sizeof(*reqs));
	struct whserver_item *items = xcalloc(s->o.max_batch, sizeof(*items));
	size_t n;
	void *done;

	whserver_name_thread("wa-writer");
	pthread_mutex_lock(&s->mu);
	for (;;) {
		while (!s->head && !s->quit)
			pthread_cond_wait(&s->queued, &s->mu);
		if (!s->head)
			break;
		n = take(s, reqs, items);
		pthread_mutex_unlock(&s->mu);
		done = s->o.batch(s->o.ctx, items, n);
		committed(s, reqs, items, n, done);
		pthread_mutex_lock(&s->mu);
	}
	pthread_mutex_unlock(&s->mu);
	free(reqs);
	free(items);
	return NULL;
}

/* Answers the requests of the groups in gs (stats counted) and hands
 * each group's done to after. */
static void
release_groups(struct whserver *s, struct group *gs)
{
	struct group *g;
	struct req *r, *next;

	while ((g = gs)) {
		gs = g->next;
		/* After the resume the request may be freed at any time. */
		for (r = g->reqs; r; r = next) {
			next = r->next;
			r->next = NULL;
			r->state = REQ_DONE;
			MHD_resume_connection(r->conn);
		}
		if (s->o.after)
			s->o.after(s->o.ctx, g->done);
		free(g);
	}
}

/* Makes the commits of everything in gs durable with one sync, and
 * counts the outcome. A failed sync turns its 200s into 500s: the rows
 * may not survive a power cut, so Meta must send them again (a stored
 * body is then a duplicate, answered 200 once synced). */
static void
sync_groups(struct whserver *s, struct group *gs)
{
	unsigned long ok = 0, failed = 0, groups = 0, most = 0, in;
	struct group *g;
	struct req *r;
	int bad;

	for (g = gs; g; g = g->next)
		for (r = g->reqs; r; r = r->next)
			ok += r->status == MHD_HTTP_OK;
	bad = ok && s->o.sync && s->o.sync(s->o.ctx) < 0;
	ok = 0;
	for (g = gs; g; g = g->next, groups++) {
		in = 0;
		for (r = g->reqs; r; r = r->next) {
			if (bad && r->status == MHD_HTTP_OK)
				r->status = MHD_HTTP_INTERNAL_SERVER_ERROR;
			if (r->status == MHD_HTTP_OK)
				in++;
			else
				failed++;
		}
		ok += in;
		if (in > most)
			most = in;
	}
	pthread_mutex_lock(&s->mu);
	s->stats.batches += groups;
	s->stats.accepted += ok;
	s->stats.failed += failed;
	if (most > s->stats.max_batch)
		s->stats.max_batch = most;
	pthread_mutex_unlock(&s->mu);
}

/* Syncs whatever the writer committed since the last sync, then answers
 * it: a 200 only ever follows the sync that covers its commit. */
void *
whs_syncer_main(void *arg)
{
	struct whserver *s = arg;
	struct group *gs;

	whserver_name_thread("wa-sync");
	pthread_mutex_lock(&s->mu);
	for (;;) {
		while (!s->ghead && !s->sync_quit)
			pthread_cond_wait(&s->synced, &s->mu);
		if (!s->ghead)
			break;
		gs = s->ghead;
		s->ghead = s->gtail = NULL;
		pthread_mutex_unlock(&s->mu);
		sync_groups(s, gs);
		release_groups(s, gs);
		pthread_mutex_lock(&s->mu);
	}
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

