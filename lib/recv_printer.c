/* SPDX-License-Identifier: MIT */
/* wa-recv serve's printer: events of durable groups to standard output on a thread of their own; a stalled reader is told what it missed. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "recv_printer.h"
#include "util.h"
#include "whserver.h"

struct recv_printer {
	struct recv_serve_cb cb;		/* sink, flush */
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct pq {
		struct ingest_events *q;
		struct pq *next;
	} *head, *tail;
	size_t waiting;			/* events queued */
	size_t backlog;			/* most events queued */
	int64_t missed_from, missed_to;	/* dropped, not yet told */
	size_t missed;
	int quit;
	int failed;
};

void
recv_printer_put(struct recv_printer *pr, struct ingest_events *q)
{
	struct pq *n;
	size_t count = ingest_events_count(q);

	if (!count) {
		ingest_events_free(q);
		return;
	}
	pthread_mutex_lock(&pr->mu);
	if (pr->missed || pr->waiting + count > pr->backlog) {
		/* The reader is stalled: keep acknowledging Meta, and drop
		 * until it has caught up with what is queued. */
		int64_t last = ingest_events_last(q);

		if (!pr->missed)
			pr->missed_from = last - (int64_t)count + 1;
		pr->missed_to = last;
		pr->missed += count;
		pthread_mutex_unlock(&pr->mu);
		ingest_events_free(q);
		return;
	}
	n = xcalloc(1, sizeof(*n));
	n->q = q;
	if (pr->tail)
		pr->tail->next = n;
	else
		pr->head = n;
	pr->tail = n;
	pr->waiting += count;
	pthread_cond_signal(&pr->cv);
	pthread_mutex_unlock(&pr->mu);
}

/* The line that tells a reader what it missed and how to get it. */
static int
tell_missed(struct recv_printer *pr, size_t n, int64_t from, int64_t to)
{
	char line[256];
	int len = snprintf(line, sizeof(line),
			   "{\"event\":\"missed\",\"count\":%zu,"
			   "\"from_seq\":%lld,\"to_seq\":%lld,\"resume\":"
			   "\"wa-recv events --since %lld\"}", n,
			   (long long)from, (long long)to,
			   (long long)(from - 1));

	return pr->cb.sink.line(line, (size_t)len, pr->cb.sink.ctx);
}

static void *
printer_main(void *arg)
{
	struct recv_printer *pr = arg;

	whserver_name_thread("wa-printer");
	for (;;) {
		struct pq *n;
		size_t missed;
		int64_t from = 0, to = 0;
		int bad = 0;

		pthread_mutex_lock(&pr->mu);
		while (!pr->head && !pr->missed && !pr->quit)
			pthread_cond_wait(&pr->cv, &pr->mu);
		n = pr->head;
		missed = 0;
		if (n) {
			pr->head = n->next;
			if (!pr->head)
				pr->tail = NULL;
			pr->waiting -= ingest_events_count(n->q);
		} else {	/* what was queued before the gap is out */
			missed = pr->missed;
			from = pr->missed_from;
			to = pr->missed_to;
			pr->missed = 0;
		}
		if (!n && !missed) {
			pthread_mutex_unlock(&pr->mu);
			break;
		}
		pthread_mutex_unlock(&pr->mu);
		if (n) {
			bad = ingest_render(n->q, &pr->cb.sink) < 0;
			free(n);
		}
		if (missed && !bad)
			bad = tell_missed(pr, missed, from, to) < 0;
		if (!bad && pr->cb.flush && pr->cb.flush(pr->cb.ctx) < 0)
			bad = 1;
		if (bad && !pr->failed) {
			pr->failed = 1;
			kill(getpid(), SIGTERM);	/* no reader: stop */
		}
	}
	return NULL;
}

int
recv_printer_start(struct recv_printer **out, const struct recv_serve_cb *cb,
		   struct wa_err *err)
{
	struct recv_printer *pr = xcalloc(1, sizeof(*pr));

	*out = NULL;
	pr->cb = *cb;
	pr->backlog = cb->backlog ? cb->backlog : RECV_SERVE_BACKLOG;
	pthread_mutex_init(&pr->mu, NULL);
	pthread_cond_init(&pr->cv, NULL);
	if (pthread_create(&pr->th, NULL, printer_main, pr) != 0) {
		free(pr);
		return wa_err_set(err, WA_EX_IOERR, "io",
				  "cannot start the printer thread");
	}
	*out = pr;
	return 0;
}

void
recv_printer_stop(struct recv_printer *pr)
{
	pthread_mutex_lock(&pr->mu);
	pr->quit = 1;
	pthread_cond_signal(&pr->cv);
	pthread_mutex_unlock(&pr->mu);
	pthread_join(pr->th, NULL);
	pthread_mutex_destroy(&pr->mu);
	pthread_cond_destroy(&pr->cv);
	free(pr);
}
