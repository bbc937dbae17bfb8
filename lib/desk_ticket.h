/* SPDX-License-Identifier: MIT */
/* One ticket as its record, and its change in the event log: for every writer that changes a ticket (wa-view, agents). */
#ifndef WA_DESK_TICKET_H
#define WA_DESK_TICKET_H

#include <stdint.h>
#include <jv.h>
#include "err.h"
#include "store.h"

struct desk_ticket {
	int64_t id, thread_id, contact_id;
	char status[8];
	char *owner, *channel;	/* owner NULL: nobody's */
	jv rec;			/* ticket_id, thread_id, status, owner, ... */
};

/* Reads ticket id: 0, or -1 with err unknown_thread (no such ticket,
 * exit 1) or io. Release it with desk_ticket_release either way. */
int desk_ticket_get(struct store *st, int64_t id, struct desk_ticket *t,
		    struct wa_err *err);
void desk_ticket_release(struct desk_ticket *t);

/* The change of ticket t (as read after the change) in the event log
 * (lib/evlog.h), in the caller's transaction, for watchers: the ticket,
 * action (assign, unassign, close, reopen), from and to (an owner or a
 * status, NULL none) and who changed it. */
int desk_ticket_log(struct store *st, const struct desk_ticket *t,
		    const char *action, const char *from, const char *to,
		    const char *actor, int64_t now, struct wa_err *err);

#endif
