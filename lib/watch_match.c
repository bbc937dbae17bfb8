/* SPDX-License-Identifier: MIT */
/* wa-view watch: which events a watcher gets: kinds, filters, the user's notification level. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include "watch_int.h"
#include "agents.h"
#include "jsonl.h"
#include "util.h"

static const char DEFAULT_KINDS[] = ",message,echo,send,status,ticket,window,";

int
watch_notify_setting(struct store *st, const char *user,
		     enum watch_notify *out, struct wa_err *err)
{
	static const char *const names[] = { "none", "mine", "team", "all" };
	char v[16];
	int rc, i;

	*out = WATCH_ALL;	/* a user who is no agent gets everything */
	rc = agents_notify(st, user, v, err);
	if (rc <= 0)
		return rc;
	for (i = 0; i < 4; i++)
		if (strcmp(v, names[i]) == 0)
			*out = (enum watch_notify)(WATCH_NONE + i);
	return 0;
}

/* 1 when a and b work in one team; a store error counts as not, said
 * once on stderr so that the watcher goes on. */
static int
same_team(struct watch *w, const char *a, const char *b)
{
	struct wa_err e;
	int rc;

	wa_err_clear(&e);
	rc = agents_same_team(w->st, a, b, &e);
	if (rc < 0)
		wa_warn(&e, 0);
	return rc > 0;
}

/* who is the watcher, or (level team) a teammate. */
static int
is_us(struct watch *w, const char *who)
{
	if (!who)
		return 0;
	if (strcmp(who, w->me) == 0)
		return 1;
	return w->level == WATCH_TEAM && same_team(w, w->me, who);
}

static int
kinds_init(struct watch *w, const char *list, struct wa_err *err)
{
	const char *p;

	if (!list) {
		sb_adds(&w->kinds, DEFAULT_KINDS);
		return 0;
	}
	if (strcmp(list, "all") == 0)
		return 0;	/* empty: every kind */
	for (p = list; *p; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyz_,", *p))
			return wa_err_set(err, WA_EX_USAGE, "invalid_input",
					  "--event: bad value '%s': event "
					  "names separated by commas, or all",
					  list);
	sb_addf(&w->kinds, ",%s,", list);
	return 0;
}

static int
kind_wanted(const struct watch *w, const char *kind)
{
	const char *p;
	size_t n = strlen(kind);

	if (!w->kinds.len)
		return 1;
	for (p = w->kinds.buf; (p = strstr(p, kind)) != NULL; p += n)
		if (p > w->kinds.buf && p[-1] == ',' && p[n] == ',')
			return 1;
	return 0;
}

/* The filters of wa-view list that mean something for events. */
static int
filters_init(struct watch *w, const struct views_filter *f,
	     struct wa_err *err)
{
	static const enum views_key refused[] = {
		VIEWS_STATUS, VIEWS_SOURCE, VIEWS_SEARCH, VIEWS_LIMIT,
		VIEWS_FLAGGED
	};
	const char *c = f->v[VIEWS_CONTACT];
	struct wa_err scratch;
	long long n;
	size_t i;

	for (i = 0; i < sizeof(refused) / sizeof(*refused); i++)
		if (f->v[refused[i]])
			return wa_err_set(err, WA_EX_USAGE, "invalid_input",
					  "--%s goes with list, not watch",
					  views_key_name(refused[i]));
	w->owner = f->v[VIEWS_OWNER];
	if (w->owner && strcmp(w->owner, "me") == 0)
		w->owner = w->me;
	w->unassigned = f->v[VIEWS_UNASSIGNED] &&
			strcmp(f->v[VIEWS_UNASSIGNED], "true") == 0;
	w->channel = f->v[VIEWS_CHANNEL];
	w->contact = c;
	w->contact_id = -1;
	if (c && parse_int(c, 1, INT64_MAX, &n) == 0)
		w->contact_id = n;
	if (c && phone_normalize(c, NULL, w->contact_num,
				 sizeof(w->contact_num), &scratch) < 0)
		w->contact_num[0] = '\0';
	if (f->v[VIEWS_WHERE])
		return jqwhere_compile(&w->where, f->v[VIEWS_WHERE],
				       "--where", err);
	return 0;
}

int
watch_match_init(struct watch *w, const struct views_filter *f,
		 struct wa_err *err)
{
	w->level = (enum watch_notify)w->o->notify;
	if (w->o->notify == WATCH_NOTIFY_SETTING &&
	    watch_notify_setting(w->st, w->me, &w->level, err) < 0)
		return -1;
	if (kinds_init(w, w->o->events, err) < 0)
		return -1;
	if (!kind_wanted(w, "window"))
		w->within = 0;	/* no window records: no need to look */
	return filters_init(w, f, err);
}

void
watch_match_release(struct watch *w)
{
	jqwhere_free(&w->where);
	sb_release(&w->kinds);
}

static int
same(jv rec, const char *key, const char *want)
{
	const char *v = jx_cstr(rec, key);

	return v && want && strcmp(v, want) == 0;
}

static int
contact_is(const struct watch *w, jv rec)
{
	int64_t id;

	if (w->contact_id > 0 && jx_intish(rec, "contact_id", &id) == 1 &&
	    id == w->contact_id)
		return 1;
	if (w->contact_num[0] && same(rec, "wa_id", w->contact_num))
		return 1;
	return same(rec, "user_id", w->contact) ||
	       same(rec, "bsuid", w->contact);
}

/* The first row's text column 0 of q (bound), owned, NULL for none. */
static int
lookup(struct sq *q, char **out, const char *what, struct wa_err *err)
{
	int rc = sq_step(q);

	*out = NULL;
	if (rc < 0)
		return sq_fail(q, err, what);
	if (rc > 0) {
		*out = sq_col_dup(q, 0);
		sq_reset(q);
	}
	return 0;
}

/* rec[key] as an owned string, NULL when absent. */
static char *
dup_key(jv rec, const char *key)
{
	const char *v = jx_cstr(rec, key);

	return v ? xstrdup(v) : NULL;
}

/* What the match needs to know about the event's ticket: whether it has
 * one and its owner (owned, NULL nobody). A ticket or window record says
 * it; any other is looked up (the owner now). */
static int
ticket_owner(struct watch *w, jv rec, const char *kind, int *has,
	     char **owner, struct wa_err *err)
{
	struct sq *q;
	int64_t id;

	*owner = NULL;
	*has = jx_intish(rec, "ticket_id", &id) == 1 && id > 0;
	if (!*has)
		return 0;
	if (strcmp(kind, "ticket") == 0 || strcmp(kind, "window") == 0) {
		*owner = dup_key(rec, "owner");
		return 0;
	}
	q = store_q(w->st, Q_WATCH_TICKET_OWNER);
	sq_int(q, 1, id);
	return lookup(q, owner, "read tickets", err);
}

/* Who sent what rec is about: a send's agent, a status's message's. */
static int
sender_of(struct watch *w, jv rec, const char *kind, char **agent,
	  struct wa_err *err)
{
	const char *wamid = jx_cstr(rec, "wamid");
	struct sq *q;

	*agent = NULL;
	if (strcmp(kind, "send") == 0) {
		*agent = dup_key(rec, "agent");
		return 0;
	}
	if (strcmp(kind, "status") != 0 || !wamid)
		return 0;
	q = store_q(w->st, Q_WATCH_SENDER);
	sq_text(q, 1, wamid);
	return lookup(q, agent, "read messages", err);
}

/* Level mine or team: the event is about us. */
static int
about_us(struct watch *w, jv rec, const char *kind, int has_ticket,
	 const char *owner, struct wa_err *err)
{
	char *agent;
	int rc;

	if (is_us(w, owner))
		return 1;
	if (has_ticket && !owner && w->level == WATCH_TEAM)
		return 1;	/* nobody's yet: the team's */
	if (strcmp(kind, "ticket") == 0)	/* taken away from us? */
		return is_us(w, jx_cstr(rec, "from")) &&
		       !same(rec, "action", "close") &&
		       !same(rec, "action", "reopen");
	if (sender_of(w, rec, kind, &agent, err) < 0)
		return -1;
	rc = is_us(w, agent);
	free(agent);
	return rc;
}

/* Everything but --where; 1 pass, 0 not, -1 error. */
static int
match_fields(struct watch *w, jv rec, const char *kind, struct wa_err *err)
{
	char *owner = NULL;
	int has, rc;

	if (w->channel && !same(rec, "channel", w->channel))
		return 0;
	if (w->contact && !contact_is(w, rec))
		return 0;
	if (!w->owner && !w->unassigned && w->level == WATCH_ALL)
		return 1;
	if (ticket_owner(w, rec, kind, &has, &owner, err) < 0)
		return -1;
	rc = 1;
	if (w->owner && !(owner && strcmp(owner, w->owner) == 0))
		rc = 0;
	else if (w->unassigned && !(has && !owner))
		rc = 0;
	else if (w->level != WATCH_ALL)
		rc = about_us(w, rec, kind, has, owner, err);
	free(owner);
	return rc;
}

int
watch_match(struct watch *w, jv rec, const char *kind, struct wa_err *err)
{
	int rc;

	if (w->level == WATCH_NONE)
		return 0;
	if (!kind_wanted(w, kind))
		return 0;
	rc = match_fields(w, rec, kind, err);
	if (rc <= 0)
		return rc;
	rc = w->where.jq ? jqwhere_pass(&w->where, rec, NULL) : 1;
	if (rc < 0 && w->where_errors++ == 0)
		watch_say(w, "--where failed on an event (taken as false; "
			  "said once)");
	return rc > 0;
}
