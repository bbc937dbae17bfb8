/* SPDX-License-Identifier: MIT */
/* Bounded cache of the desk's per-message lookups: contact, thread, session. */
#ifndef WA_DESK_CACHE_H
#define WA_DESK_CACHE_H

#include <stdint.h>

/*
 * One cache per connection (struct store owns it). It knows nothing of
 * SQL: lib/store.c decides when entries can no longer be trusted and
 * drops them, lib/desk.c fills them and writes its own changes through.
 * Every function accepts a NULL cache and then does nothing (get: miss).
 */
struct desk_cache;
struct desk_who;

enum desk_cache_parts {
	DESK_CACHE_CONTACTS = 1 << 0,	/* who -> contact id */
	DESK_CACHE_THREADS = 1 << 1,	/* (channel, contact) -> open thread */
	DESK_CACHE_SESSIONS = 1 << 2,	/* (channel, contact) -> last inbound */
	DESK_CACHE_ALL = 7
};

/* Returns an owned, empty cache of bounded size (under 1 MiB). */
struct desk_cache *desk_cache_new(void);
void desk_cache_free(struct desk_cache *dc);

/* Forgets every entry of the parts named (O(1)). */
void desk_cache_drop(struct desk_cache *dc, unsigned parts);

/* The parts a row written to table can make stale (0: none). */
unsigned desk_cache_parts(const char *table);

/* desk_contact_resolve's answer for exactly this who, when the contact
 * needed no update: 1 hit (*id set), 0 miss. */
int desk_cache_contact_get(struct desk_cache *dc, const struct desk_who *who,
			   int64_t *id);
/* Records that resolving who gives contact id and changes nothing. */
void desk_cache_contact_put(struct desk_cache *dc, const struct desk_who *who,
			    int64_t id);
/* Contact id was just created from who: drops the entries the new row
 * may answer differently (same number or same BSUID), then puts who. */
void desk_cache_contact_created(struct desk_cache *dc,
				const struct desk_who *who, int64_t id);

/* The open thread and ticket of contact on channel: 1 hit, 0 miss. */
int desk_cache_thread_get(struct desk_cache *dc, const char *channel,
			  int64_t contact, int64_t *thread, int64_t *ticket);
void desk_cache_thread_put(struct desk_cache *dc, const char *channel,
			   int64_t contact, int64_t thread, int64_t ticket);

/* The session's last inbound time (-1: no session): 1 hit, 0 miss. */
int desk_cache_session_get(struct desk_cache *dc, const char *channel,
			   int64_t contact, int64_t *last_inbound);
void desk_cache_session_put(struct desk_cache *dc, const char *channel,
			    int64_t contact, int64_t last_inbound);

#endif
