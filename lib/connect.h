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
 * (GET /{pnid}), checks that the WABA owns it (GET /{waba}/phone_numbers,
 * every page), subscribes the app to the WABA (POST subscribed_apps;
 * before recording, so a failure leaves nothing half-done), then records
 * the channel connected at now in its own transaction (never across
 * HTTP). *rec: the owned channel record. Codes: already_connected,
 * limit_reached, invalid_input (not Cloud API, another WABA's number:
 * nothing changed), Graph's, store's. */
int connect_add(struct store *st, struct graph *g, const char *waba_id,
		const char *pnid, int64_t now, jv *rec, struct wa_err *err);

/* Offline check of add's ids: invalid_input (exit 64) whose message
 * starts with the field's name ("waba", "phone number id"). */
int connect_ids_check(const char *waba_id, const char *pnid,
		      struct wa_err *err);

/* A verification step and what it sends; borrowed strings. */
struct connect_step_args {
	enum channel_step step;	/* CODE_REQUESTED, VERIFIED or REGISTERED */
	const char *method;	/* request-code: sms|voice, then SMS|VOICE */
	const char *language;	/* request-code: NULL means en_US */
	const char *code;	/* verify: 4 to 10 digits */
	const char *pin;	/* register: 6 digits */
};

/* Checks a's values offline and normalises method and language:
 * invalid_input (exit 64) whose message starts with the field's name. */
int connect_step_check(struct connect_step_args *a, struct wa_err *err);

/* A checked step of channel id: POST /{id}/request_code, verify_code
 * or register, then records it on the channel. A phone-number id that
 * is no channel yet (add-number, then the steps, then add) is posted
 * and not recorded: add reads what Graph says of it. Codes:
 * not_connected (78 not an id, 1 disconnected), Graph's, store's. */
int connect_step(struct store *st, struct graph *g, const char *id,
		 const struct connect_step_args *a, int64_t now,
		 struct wa_err *err);

/* The result record (owned) of a step done at now: ok, channel (null
 * for a number not connected yet), phone_number_id, what the step set,
 * phone. Store's codes. */
int connect_step_record(struct store *st, const char *id,
			const struct connect_step_args *a, int64_t now,
			jv *rec, struct wa_err *err);

/* Creates or updates the business in its own transaction; *rec: the
 * owned business record with ok and created. u NULL: only reads it,
 * returns 1 when there is none yet. Codes: business_save's
 * (invalid_input exit 64), store's. */
int connect_business(struct store *st, const struct business_update *u,
		     int64_t now, jv *rec, struct wa_err *err);

/* The result record (owned) of disconnecting ch (as it is now, after);
 * changed 0 when it was disconnected before. */
jv connect_disconnected(const struct channel *ch, int changed, int unsub);

/* DELETE /{waba}/subscribed_apps. */
int connect_unsubscribe(struct graph *g, const char *waba_id,
			struct wa_err *err);

/* Sets the profile of number id when p changes anything (POST), then
 * reads it (GET); *out: the owned record: ok (when set), channel and
 * the profile without messaging_product. Graph's codes. */
int connect_profile(struct graph *g, const char *id,
		    const struct profile_update *p, jv *out,
		    struct wa_err *err);

/* wa-connect add-number: a number new to a WABA. */
struct connect_number {
	const char *waba_id, *cc, *number, *name;	/* borrowed */
	char national[24];	/* set by connect_number_check: digits */
	char phone[32];		/* cc + national */
};

/* Checks the WABA id, the country calling code (1-3 digits), that cc and
 * number make a phone number (normalised into national and phone) and
 * the display name: invalid_input (exit 64) naming the field. */
int connect_number_check(struct connect_number *n, struct wa_err *err);

/* Counts the WABA's numbers (GET /{waba}/phone_numbers, every page):
 * limit_reached (exit 1) at 25, exists when the number is there already;
 * then POST /{waba}/phone_numbers with cc, phone_number and
 * verified_name. *rec (owned): ok, phone_number_id (Meta's new id),
 * waba_id, phone, verified_name, numbers_in_waba. Nothing is stored: the
 * number becomes a channel with wa-connect add. Graph's codes. */
int connect_add_number(struct graph *g, const struct connect_number *n,
		       jv *rec, struct wa_err *err);

#endif
