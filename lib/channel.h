/* SPDX-License-Identifier: MIT */
/* Channels (connected phone numbers), the business and its profile: rule 1. */
#ifndef WA_CHANNEL_H
#define WA_CHANNEL_H

#include <stdint.h>
#include <jv.h>
#include "err.h"
#include "store.h"

#define CHANNEL_WABA_MAX 25	/* rule 1: numbers per WABA */
#define CHANNEL_ID_MAX 64	/* bytes for a phone-number or WABA id */

struct channel {
	char id[CHANNEL_ID_MAX];	/* Meta's phone-number id */
	char waba_id[CHANNEL_ID_MAX];
	char phone[32];			/* digits */
	int connected;			/* 1 connected, 0 disconnected */
	int64_t connected_at;		/* Unix seconds */
	int64_t disconnected_at;	/* -1 while connected */
};

/* What Graph says about a number (GET /{phone-number-id}); borrowed
 * strings, valid while the jv they came from lives. */
struct channel_number {
	const char *id;
	const char *waba_id;
	char phone[32];			/* digits of display_phone_number */
	const char *display_phone_number;
	const char *verified_name;
	const char *code_verification_status;
	const char *quality_rating;
	const char *platform_type;
	jv raw;				/* borrowed: the whole answer */
};

/* 1 when s is a Graph id (1 to 63 digits), else 0. */
int channel_id_valid(const char *s);

/* Looks up a channel: 0 found (out filled), 1 unknown, -1 error (74/75). */
int channel_get(struct store *st, const char *id, struct channel *out,
		struct wa_err *err);

/* Which channel a command means. id given: it, when connected; unknown
 * is not_connected exit 78, disconnected is not_connected exit 1.
 * id NULL: the only connected channel; none is not_connected exit 78,
 * several is invalid_input (exit 1) naming them. out_id has
 * CHANNEL_ID_MAX bytes. */
int channel_resolve(struct store *st, const char *id, char *out_id,
		    struct wa_err *err);

/* Fills n from Graph's answer num (borrowed) for waba. Refuses a number
 * not on the Cloud API (invalid_input, exit 1) and one without a usable
 * display_phone_number (graph_error). */
int channel_number_parse(jv num, const char *waba_id,
			 struct channel_number *n, struct wa_err *err);

/* Rule 1 check without writing: already_connected when the id or the
 * phone (NULL: not checked) is connected, limit_reached when waba holds
 * CHANNEL_WABA_MAX connected numbers. Both exit 1. */
int channel_check_connect(struct store *st, const char *waba_id,
			  const char *id, const char *phone,
			  struct wa_err *err);

/* Inside the caller's transaction: checks rule 1 again and records the
 * channel connected at now (a disconnected channel is connected again;
 * its earlier period is kept in info.history). */
int channel_connect(struct store *st, const struct channel_number *n,
		    int64_t now, struct wa_err *err);

/* Inside the caller's transaction: marks id disconnected at now and
 * returns 0; a channel already disconnected is left as it was and
 * returns 1 (nothing to do, like closing a closed ticket). *left is how
 * many other channels of its WABA stay connected. Unknown: -1 with err
 * not_connected, exit 78. */
int channel_disconnect(struct store *st, const char *id, int64_t now,
		       int *left, struct wa_err *err);

enum channel_step {
	CHANNEL_CODE_REQUESTED,	/* arg: "SMS" or "VOICE" */
	CHANNEL_VERIFIED,
	CHANNEL_REGISTERED,
	CHANNEL_SUBSCRIBED
};

/* Records a verification step of id at now (autocommit is fine). */
int channel_mark(struct store *st, const char *id, enum channel_step step,
		 const char *arg, int64_t now, struct wa_err *err);

/* The channel record (owned): channel, waba_id, phone, status, times...
 * 0, 1 unknown (*out invalid), -1 error. */
int channel_record(struct store *st, const char *id, jv *out,
		   struct wa_err *err);

/* Every channel record (owned array) of waba_id (NULL: of every WABA),
 * connected first, then by id. */
int channel_list(struct store *st, const char *waba_id, jv *out,
		 struct wa_err *err);

/* ---- the business (one row) ---- */

struct business_update {
	const char *legal_name;		/* NULL: unchanged */
	const char *display_name;
	const char *website;
	const char *email;
	const char *timezone;
	const char *country;
	int verified;			/* -1 unchanged, 0, 1 */
	const char *phone;		/* normalised digits (business_phone) */
};

/* Normalises the business's number like every number (default_cc for
 * national forms) into out (>= 32 bytes); invalid_input exit 64
 * "phone: ..." when it is not a number. */
int business_phone(const char *in, const char *default_cc, char *out,
		   struct wa_err *err);

/* Checks the shapes: http(s) URL with a host, e-mail, country (two
 * letters), timezone, names (no control characters). invalid_input
 * (exit 64) whose message starts with the field's name. */
int business_validate(const struct business_update *u, struct wa_err *err);

/* Inside the caller's transaction: creates (all of legal_name,
 * display_name, website and email needed, else invalid_input exit 64
 * naming the missing ones) or updates the business; *created 1 when new. */
int business_save(struct store *st, const struct business_update *u,
		  int64_t now, int *created, struct wa_err *err);

/* The business record (owned): 0, 1 none yet (*out invalid), -1 error. */
int business_get(struct store *st, jv *out, struct wa_err *err);

/* Rule 6: 1 when the business is marked verified, 0 when not or unset. */
int business_verified(struct store *st);

/* 1 when s is an http or https URL with a host and no spaces, else 0. */
int url_valid(const char *s);
/* 1 when s looks like an e-mail address (local@domain.tld), else 0. */
int email_valid(const char *s);

/* ---- the WhatsApp business profile of a number ---- */

struct profile_update {
	const char *about;		/* NULL: unchanged */
	const char *address;
	const char *description;
	const char *email;
	const char *vertical;
	const char *websites[2];
	int nwebsites;			/* 0: unchanged */
};

/* Meta's limits, offline: about 1-139 characters, address <= 256,
 * description <= 512, email <= 128 and an address, websites <= 2 http(s)
 * URLs of <= 256, vertical in Meta's list. invalid_input (exit 64)
 * whose message starts with the field's name. */
int profile_validate(const struct profile_update *p, struct wa_err *err);

/* 1 when p changes anything. */
int profile_has_update(const struct profile_update *p);

/* The POST body (owned) for /{id}/whatsapp_business_profile. */
jv profile_body(const struct profile_update *p);

/* The fields to ask for in GET .../whatsapp_business_profile. */
#define PROFILE_FIELDS \
	"about,address,description,email,profile_picture_url,websites,vertical"

#endif
