/* SPDX-License-Identifier: MIT */
/* wa-recv serve's printer: events to standard output without ever holding up a commit. */
#ifndef WA_RECV_PRINTER_H
#define WA_RECV_PRINTER_H

#include "recv.h"

struct recv_printer;

/* Starts the printer thread: events go to cb->sink, cb->flush after each
 * group; when more than cb->backlog wait, the live stream drops what
 * follows until the reader caught up, then says what it missed (one
 * "missed" event). A failed write or flush stops the server (SIGTERM).
 * -1 with err (74). */
int recv_printer_start(struct recv_printer **out,
		       const struct recv_serve_cb *cb, struct wa_err *err);
/* Queues a group's events (taken; NULL or empty: nothing). Any thread. */
void recv_printer_put(struct recv_printer *pr, struct ingest_events *q);
/* Prints what is queued, then stops the thread and frees pr. */
void recv_printer_stop(struct recv_printer *pr);

#endif
