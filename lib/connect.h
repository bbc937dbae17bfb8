/* SPDX-License-Identifier: MIT */
/* wa-connect's Graph flows: add a number, verification steps, webhook subscription, profile. */
#ifndef WA_CONNECT_H
#define WA_CONNECT_H

#include <stdint.h>
#include <jv.h>
#include "channel.h"
#include "err.h"
#include "graph.h"
#include "store.h"

/* Rule 1 end to end: checks what it can offline, reads the number
 * (GET /{pnid}), subscribes the app to the WABA (POST subscribed_apps;
 * before recording, so a failure leaves nothing half-done), then records
 * the channel connected at now in its own transaction (never across
 * HTTP). *rec: the owned channel record. Codes: already_connected,
 * limit_reached, invalid_input (not Cloud API), Graph's, store's. */
int connect_add(struct store *st, struct graph *g, const char *waba_id,
		const char *pnid, int64_t now, jv *rec, struct wa_err *err);

/* A verification step of connected channel id: POST /{id}/request_code,
 * verify_code or register with body (consumed), then records it (arg:
 * the code method). Codes: not_connected (78 unknown, 1 disconnected),
 * Graph's, store's. */
int connect_step(struct store *st, struct graph *g, const char *id,
		 enum channel_step step, jv body, const char *arg,
		 int64_t now, struct wa_err *err);

/* DELETE /{waba}/subscribed_apps. */
int connect_unsubscribe(struct graph *g, const char *waba_id,
			struct wa_err *err);

/* Sets the profile of number id when p changes anything (POST), then
 * reads it (GET); *out: the owned profile object without
 * messaging_product. Graph's codes. */
int connect_profile(struct graph *g, const char *id,
		    const struct profile_update *p, jv *out,
		    struct wa_err *err);

#endif
