/* SPDX-License-Identifier: MIT */
/* Internal to wa-recv's file mode (recv_files.c, recv_reader.c): the items, the queues between the threads. */
#ifndef WA_RECV_FILES_INT_H
#define WA_RECV_FILES_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include "ingest.h"
#include "recv.h"

/*
 * The ingest pipeline's three stages on three threads: the reader parses
 * and plans each delivery (no database), this thread applies plans and
 * commits, the writer renders a commit's events. A plan crosses a thread
 * boundary whole, through a queue, and the thread that gave it away
 * keeps no reference (jv reference counts are not atomic); the events
 * are text, shared with nothing.
 *
 * A plan goes back to the reader to be freed: memory freed on another
 * thread than the one that allocated it takes glibc's lock of that
 * thread's arena, and with the reader allocating all the time this
 * thread spent a fifth of its time waiting for it.
 */

/* IT_IDLE: the input paused (a pipe or terminal with nothing to read):
 * what is pending is committed so its events do not wait. */
enum item_kind {
	IT_DELIVERY, IT_BAD, IT_FATAL, IT_IDLE, IT_FILE_END, IT_END
};

struct item {
	enum item_kind kind;
	struct ingest_plan *plan;	/* IT_DELIVERY (a bad line too) */
	long line;
	struct wa_err err;		/* IT_BAD, IT_FATAL */
	long good, nbad;		/* IT_FILE_END */
	const char *name;
};

#define QUEUE_CAP 128		/* parsed deliveries waiting */
#define CHUNK 16		/* handed over at once */
#define TAKE 32			/* taken at once (what is done goes back
				   to the reader as often) */
#define CKPT_MS 100		/* between WAL checkpoints */
#define OUT_CAP 1		/* committed batches waiting to be printed */

/* Items on their way back to be freed (see above). */
struct spent {
	struct item *v;
	int n, cap;
};

struct out_node {
	struct ingest_events *batch;	/* a commit's events, or NULL */
	int flush;
	struct out_node *next;
};

struct pipe {
	pthread_mutex_t mu;
	pthread_cond_t can_put;		/* the reader waits for room */
	pthread_cond_t can_take;	/* this thread waits for items, room
					   for output, the reader's end */
	pthread_cond_t out_ready;	/* the writer waits for output */
	struct item q[QUEUE_CAP];
	int head, count;
	struct item chunk[CHUNK];	/* the reader's, not yet queued */
	int nchunk;
	int idle_sent;			/* the reader's: IT_IDLE since the
					   last delivery */
	struct item got[TAKE];		/* taken, this thread's */
	int ngot, igot;
	struct spent used;		/* this thread's, done with */
	struct spent back;		/* handed back, not yet freed */
	struct spent freeing;		/* the reader's */
	atomic_int stop;		/* the database side is done */
	int reader_done;
	struct out_node *out_head, *out_tail;
	int nout, out_end, out_failed;
	char **files;
	int nfiles;
	struct quarantine *rules;	/* the reader's own copy */
	struct ingest *in;		/* its rules are copied by the reader */
	struct recv_batch orig;		/* sink, flush, warn, ctx */
	struct store_ckpt *ckpt;	/* checkpoints off this thread */
	pthread_t reader, writer;
};

/* The reader thread (recv_reader.c): arg is the struct pipe. */
void *recv_reader_main(void *arg);

/* recv_files.c: an item's plan freed; items handed back. */
void recv_item_free(struct item *it);
/* Moves everything in from to the end of to (swapped when to is empty). */
void recv_spent_move(struct spent *to, struct spent *from);
void recv_spent_free(struct spent *s);

#endif
