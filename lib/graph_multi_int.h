/* SPDX-License-Identifier: MIT */
/* Internal to lib/graph_multi*.c: requests, their queues, pacing buckets, the multi handle. */
#ifndef WA_GRAPH_MULTI_INT_H
#define WA_GRAPH_MULTI_INT_H

#include <stdint.h>
#include "graph_multi.h"
#include "util.h"

#define GM_MAX_BODY (1L << 20)	/* message answers are tiny */
#define GM_PAIR_BUCKETS 4096
#define GM_PENDING INT64_MAX	/* a ring slot whose request is not sent */
/* The rate window, with a margin for the time a request takes from our
 * send to the server's clock. */
#define GM_WINDOW 1015000
#define GM_CATCHUP 100000	/* us of missed slots a late wake may use */
/* Starts due within a tick go out together: a wake (poll over every
 * socket, curl_multi_perform) per request cost more CPU than the
 * requests themselves at 1000/s.  The ring still caps every second. */
#define GM_TICK 4000

struct gm_req {
	struct gm_req *next, *prev;	/* queue links while waiting */
	char *url;			/* owned */
	char *payload;			/* owned JSON body, NULL for upload */
	struct graph_body sent;		/* payload as libcurl reads it */
	char *file, *mime;		/* owned, upload only */
	struct gm_pair *pair;		/* pacing bucket or NULL */
	int attempts;			/* tries started so far */
	int once;			/* a send: graph_once_check */
	int slot;			/* its rate ring slot, -1 none */
	int64_t not_before;		/* monotonic us; backoff */
	graph_multi_done_fn done;
	void *ctx;
	struct graph_multi *m;		/* owner, for callbacks */
	/* while running: */
	CURL *h;
	curl_mime *form;
	struct curl_slist *hdrs;
	struct strbuf body;
	long retry_after;		/* seconds, -1 none */
	int too_big;
	char errbuf[CURL_ERROR_SIZE];
};

struct gm_list {
	struct gm_req *head, *tail;
	int n;
};

struct gm_pair {
	struct gm_pair *next;	/* hash chain */
	char *key;
	double tokens;		/* starts available now */
	int64_t last;		/* us of the last refill */
};

struct graph_multi {
	struct graph *g;		/* borrowed */
	struct graph_multi_opts o;
	CURLM *multi;
	CURL **idle;			/* easy handles ready for reuse */
	int nidle;			/* of idle */
	struct gm_list wait;		/* queued, in order */
	struct gm_list run;		/* transfers in progress */
	int64_t *ring;			/* send times of the last `rate`
					 * requests, us; GM_PENDING while
					 * started but not yet sent */
	int ring_pos;			/* where the next search starts */
	int64_t next_slot;		/* even spacing of starts, us */
	int64_t interval;		/* us between starts */
	struct gm_pair *pairs[GM_PAIR_BUCKETS];
	unsigned long seed;		/* jitter */
	int64_t last_round;		/* us, start of the last waiting run */
};

/* graph_multi.c: a request freed; the queue links; a transfer's end
 * (its easy handle back to idle, r off the run list). */
void gm_req_free(struct gm_req *r);
void gm_list_del(struct gm_list *l, struct gm_req *r);
void gm_list_add(struct gm_list *l, struct gm_req *r);
void gm_end_transfer(struct graph_multi *m, struct gm_req *r);

#endif
