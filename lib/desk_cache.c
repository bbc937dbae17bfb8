/* SPDX-License-Identifier: MIT */
/* Bounded cache of the desk's per-message lookups: contact, thread, session. */
#include <stdlib.h>
#include <string.h>
#include "who.h"
#include "desk_cache.h"
#include "util.h"

/*
 * Two set-associative tables of DC_SETS x DC_WAYS entries, allocated
 * once: a full set evicts round robin, so memory never grows. An entry
 * is valid while its generation equals the cache's for its part, which
 * makes dropping a part O(1).
 */
#define DC_WAYS 8
#define DC_SETS 512
#define DC_TEXT 104	/* a packed who longer than this is not cached */
#define DC_CHANNEL 32	/* a longer channel id is not cached */

struct dc_contact {
	uint32_t gen;		/* valid while == cache's cgen */
	uint32_t hash;		/* of text[0..len) */
	int64_t id;		/* the contact */
	uint16_t len;
	char text[DC_TEXT];	/* who, packed (see pack) */
};

struct dc_pair {
	uint32_t tgen;		/* thread part valid while == cache's tgen */
	uint32_t sgen;		/* session part valid while == cache's sgen */
	uint32_t hash;		/* of (channel, contact) */
	int64_t contact;
	int64_t thread, ticket;	/* the open thread and its ticket */
	int64_t last_inbound;	/* sessions.last_inbound_at, -1 none */
	char channel[DC_CHANNEL];
};

struct desk_cache {
	uint32_t cgen, tgen, sgen;	/* current generations; 0 never is */
	unsigned victim;		/* round robin over a full set */
	struct dc_contact contacts[DC_SETS][DC_WAYS];
	struct dc_pair pairs[DC_SETS][DC_WAYS];
};

struct desk_cache *
desk_cache_new(void)
{
	struct desk_cache *dc = xcalloc(1, sizeof(*dc));

	dc->cgen = dc->tgen = dc->sgen = 1;
	return dc;
}

void
desk_cache_free(struct desk_cache *dc)
{
	free(dc);
}

/* Each next generation; after 2^32 drops the old ones are wiped so that
 * none can come back to life. */
static void
drop_contacts(struct desk_cache *dc)
{
	int i, w;

	if (++dc->cgen)
		return;
	for (i = 0; i < DC_SETS; i++)
		for (w = 0; w < DC_WAYS; w++)
			dc->contacts[i][w].gen = 0;
	dc->cgen = 1;
}

static void
drop_pairs(struct desk_cache *dc, uint32_t *gen, int session)
{
	int i, w;

	if (++*gen)
		return;
	for (i = 0; i < DC_SETS; i++)
		for (w = 0; w < DC_WAYS; w++)
			if (session)
				dc->pairs[i][w].sgen = 0;
			else
				dc->pairs[i][w].tgen = 0;
	*gen = 1;
}

void
desk_cache_drop(struct desk_cache *dc, unsigned parts)
{
	if (!dc)
		return;
	if (parts & DESK_CACHE_CONTACTS)
		drop_contacts(dc);
	if (parts & DESK_CACHE_THREADS)
		drop_pairs(dc, &dc->tgen, 0);
	if (parts & DESK_CACHE_SESSIONS)
		drop_pairs(dc, &dc->sgen, 1);
}

unsigned
desk_cache_parts(const char *table)
{
	switch (table[0]) {
	case 'c':
		return strcmp(table, "contacts") == 0 ? DESK_CACHE_CONTACTS : 0;
	case 't':
		return strcmp(table, "threads") == 0 ||
		       strcmp(table, "tickets") == 0 ? DESK_CACHE_THREADS : 0;
	case 's':
		return strcmp(table, "sessions") == 0 ? DESK_CACHE_SESSIONS : 0;
	}
	return 0;
}

static uint32_t
fnv(const void *p, size_t n, uint32_t h)
{
	const unsigned char *b = p;

	while (n--)
		h = (h ^ *b++) * 16777619u;
	return h;
}

#define FNV_SEED 2166136261u

/* The way to evict from a full set. */
static int
victim(struct desk_cache *dc)
{
	return (int)(dc->victim++ % DC_WAYS);
}

/* ---- contacts ------------------------------------------------------- */

/* who's five strings, each NUL-ended, NULL as "" (desk_contact_resolve
 * treats them alike): the number first, then the BSUID. Returns the
 * length, or -1 when it does not fit. */
static int
pack(const struct desk_who *who, char *buf)
{
	const char *f[] = {
		who->wa_id, who->bsuid, who->parent_bsuid, who->profile_name,
		who->username
	};
	size_t i, n, len = 0;

	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		n = f[i] ? strlen(f[i]) : 0;
		if (len + n + 1 > DC_TEXT)
			return -1;
		memcpy(buf + len, f[i] ? f[i] : "", n);
		buf[len + n] = '\0';
		len += n + 1;
	}
	return (int)len;
}

/* The set of a packed who: by its number, else by its BSUID, so that
 * every entry for one number shares a set. */
static struct dc_contact *
contact_set(struct desk_cache *dc, const char *text)
{
	const char *key = *text ? text : text + 1;

	return dc->contacts[fnv(key, strlen(key), FNV_SEED) % DC_SETS];
}

static struct dc_contact *
contact_find(struct desk_cache *dc, const char *text, int len,
	     uint32_t hash)
{
	struct dc_contact *set = contact_set(dc, text);
	int w;

	for (w = 0; w < DC_WAYS; w++)
		if (set[w].gen == dc->cgen && set[w].hash == hash &&
		    set[w].len == len && memcmp(set[w].text, text, len) == 0)
			return &set[w];
	return NULL;
}

int
desk_cache_contact_get(struct desk_cache *dc, const struct desk_who *who,
		       int64_t *id)
{
	char text[DC_TEXT];
	struct dc_contact *e;
	int len;

	if (!dc || (len = pack(who, text)) < 0)
		return 0;
	e = contact_find(dc, text, len, fnv(text, len, FNV_SEED));
	if (!e)
		return 0;
	*id = e->id;
	return 1;
}

void
desk_cache_contact_put(struct desk_cache *dc, const struct desk_who *who,
		       int64_t id)
{
	char text[DC_TEXT];
	struct dc_contact *e, *set;
	uint32_t hash;
	int len, w;

	if (!dc || (len = pack(who, text)) < 0)
		return;
	hash = fnv(text, len, FNV_SEED);
	if (!(e = contact_find(dc, text, len, hash))) {
		set = contact_set(dc, text);
		for (w = 0; w < DC_WAYS && set[w].gen == dc->cgen; w++)
			;
		e = &set[w < DC_WAYS ? w : victim(dc)];
	}
	e->gen = dc->cgen;
	e->hash = hash;
	e->id = id;
	e->len = (uint16_t)len;
	memcpy(e->text, text, len);
}

/* Drops e when its number is wa_id or its BSUID is bsuid (non-empty). */
static void
contact_forget_one(struct desk_cache *dc, struct dc_contact *e,
		   const char *wa_id, const char *bsuid)
{
	if (e->gen != dc->cgen)
		return;
	if ((*wa_id && strcmp(e->text, wa_id) == 0) ||
	    (*bsuid && strcmp(e->text + strlen(e->text) + 1, bsuid) == 0))
		e->gen = 0;
}

/*
 * A new contact with number W and BSUID B is found first for B, and for
 * W by wa_id only if no older contact has that wa_id; for any other
 * who it is never found. So only entries with W or B can change. With
 * no BSUID they all sit in W's set; a BSUID can be anywhere.
 */
void
desk_cache_contact_created(struct desk_cache *dc, const struct desk_who *who,
			   int64_t id)
{
	const char *wa_id = who->wa_id ? who->wa_id : "";
	const char *bsuid = who->bsuid ? who->bsuid : "";
	struct dc_contact *set;
	int i, w;

	if (!dc)
		return;
	if (*bsuid) {
		for (i = 0; i < DC_SETS; i++)
			for (w = 0; w < DC_WAYS; w++)
				contact_forget_one(dc, &dc->contacts[i][w],
						   wa_id, bsuid);
	} else if (*wa_id) {
		set = dc->contacts[fnv(wa_id, strlen(wa_id), FNV_SEED) %
				   DC_SETS];
		for (w = 0; w < DC_WAYS; w++)
			contact_forget_one(dc, &set[w], wa_id, bsuid);
	}
	desk_cache_contact_put(dc, who, id);
}

/* ---- (channel, contact): threads and sessions ----------------------- */

static uint32_t
pair_hash(const char *channel, int64_t contact)
{
	return fnv(&contact, sizeof(contact),
		   fnv(channel, strlen(channel), FNV_SEED));
}

/* The entry of (channel, contact), whatever its parts hold; NULL none. */
static struct dc_pair *
pair_find(struct desk_cache *dc, const char *channel, int64_t contact,
	  uint32_t hash)
{
	struct dc_pair *set = dc->pairs[hash % DC_SETS];
	int w;

	for (w = 0; w < DC_WAYS; w++)
		if (set[w].hash == hash && set[w].contact == contact &&
		    (set[w].tgen || set[w].sgen) &&
		    strcmp(set[w].channel, channel) == 0)
			return &set[w];
	return NULL;
}

static int
pair_free(const struct desk_cache *dc, const struct dc_pair *e)
{
	return e->tgen != dc->tgen && e->sgen != dc->sgen;
}

/* The entry to write for (channel, contact): its own, a free one, or
 * a victim; NULL when the channel id is too long to keep. */
static struct dc_pair *
pair_slot(struct desk_cache *dc, const char *channel, int64_t contact)
{
	uint32_t hash;
	struct dc_pair *e, *set;
	int w;

	if (!dc || strlen(channel) >= DC_CHANNEL)
		return NULL;
	hash = pair_hash(channel, contact);
	if ((e = pair_find(dc, channel, contact, hash)))
		return e;
	set = dc->pairs[hash % DC_SETS];
	for (w = 0; w < DC_WAYS && !pair_free(dc, &set[w]); w++)
		;
	e = &set[w < DC_WAYS ? w : victim(dc)];
	memset(e, 0, sizeof(*e));
	e->hash = hash;
	e->contact = contact;
	memcpy(e->channel, channel, strlen(channel) + 1);
	return e;
}

static struct dc_pair *
pair_get(struct desk_cache *dc, const char *channel, int64_t contact)
{
	if (!dc || strlen(channel) >= DC_CHANNEL)
		return NULL;
	return pair_find(dc, channel, contact, pair_hash(channel, contact));
}

int
desk_cache_thread_get(struct desk_cache *dc, const char *channel,
		      int64_t contact, int64_t *thread, int64_t *ticket)
{
	struct dc_pair *e = pair_get(dc, channel, contact);

	if (!e || e->tgen != dc->tgen)
		return 0;
	*thread = e->thread;
	*ticket = e->ticket;
	return 1;
}

void
desk_cache_thread_put(struct desk_cache *dc, const char *channel,
		      int64_t contact, int64_t thread, int64_t ticket)
{
	struct dc_pair *e = pair_slot(dc, channel, contact);

	if (!e)
		return;
	e->tgen = dc->tgen;
	e->thread = thread;
	e->ticket = ticket;
}

int
desk_cache_session_get(struct desk_cache *dc, const char *channel,
		       int64_t contact, int64_t *last_inbound)
{
	struct dc_pair *e = pair_get(dc, channel, contact);

	if (!e || e->sgen != dc->sgen)
		return 0;
	*last_inbound = e->last_inbound;
	return 1;
}

void
desk_cache_session_put(struct desk_cache *dc, const char *channel,
		       int64_t contact, int64_t last_inbound)
{
	struct dc_pair *e = pair_slot(dc, channel, contact);

	if (!e)
		return;
	e->sgen = dc->sgen;
	e->last_inbound = last_inbound;
}
