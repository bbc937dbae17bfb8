/* SPDX-License-Identifier: MIT */
/* Changing the desk's agents: add, set, away, back, remove (its open tickets let go), each in the audit log. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "agents.h"
#include "agents_int.h"
#include "audit.h"
#include "desk.h"
#include "desk_ticket.h"
#include "jsonl.h"
#include "util.h"

static const char *const notify_values[] = {
	"none", "mine", "team", "all", NULL
};

static int
opts_check(const struct agents_opts *o, struct wa_err *err)
{
	size_t i;

	for (i = 0; i < o->nteams; i++)
		if (agents_name_check("--team", o->teams[i], err) < 0)
			return -1;
	for (i = 0; i < o->nskills; i++)
		if (agents_name_check("--skill", o->skills[i], err) < 0)
			return -1;
	if (o->notify && !str_one_of(o->notify, notify_values))
		return wa_err_set(err, WA_EX_USAGE, "invalid_input",
				  "--notify: bad value '%s' (none, mine, "
				  "team or all)", o->notify);
	return 0;
}

/* Replaces the agent's tags of kind with v (duplicates once). */
static int
tags_set(struct store *st, int64_t id, const char *kind, const char **v,
	 size_t n, struct wa_err *err)
{
	struct sq *q = store_q(st, Q_AGENTS_TAGS_CLEAR);
	size_t i, j;

	sq_int(q, 1, id);
	sq_text(q, 2, kind);
	if (sq_done(q, err) < 0)
		return -1;
	for (i = 0; i < n; i++) {
		for (j = 0; j < i && strcmp(v[i], v[j]) != 0; j++)
			;
		if (j < i)
			continue;
		q = store_q(st, Q_AGENTS_TAG_ADD);
		sq_int(q, 1, id);
		sq_text(q, 2, kind);
		sq_text(q, 3, v[i]);
		if (sq_done(q, err) < 0)
			return -1;
	}
	return 0;
}

static int
apply_opts(struct store *st, int64_t id, const struct agents_opts *o,
	   int away, int64_t now, struct wa_err *err)
{
	struct sq *q = store_q(st, Q_AGENTS_UPDATE);

	sq_int(q, 1, id);
	sq_int(q, 2, o->max_open_given);
	sq_int_or_null(q, 3, o->max_open, o->max_open < 0);
	sq_text(q, 4, o->notify);
	sq_int_or_null(q, 5, away, away < 0);
	sq_int(q, 6, now);
	if (sq_done(q, err) < 0)
		return -1;
	if (o->teams_given &&
	    tags_set(st, id, "team", o->teams, o->nteams, err) < 0)
		return -1;
	if (o->skills_given &&
	    tags_set(st, id, "skill", o->skills, o->nskills, err) < 0)
		return -1;
	return 0;
}

int
agents_audit_commit(struct store *st, const char *actor, const char *kind,
		    jv *rec, struct wa_err *err)
{
	char what[32], subject[AGENTS_NAME_MAX + 16];
	const char *name = jx_cstr(*rec, "name"), *action;

	action = jx_cstr(*rec, "action");
	snprintf(what, sizeof(what), "%s.%s", kind, action ? action : "");
	snprintf(subject, sizeof(subject), "%s:%s", kind, name ? name : "");
	if (audit_append(st, actor, what, subject, jv_copy(*rec), err) == 0 &&
	    store_commit(st, err) == 0)
		return 0;
	jv_free(*rec);
	*rec = jv_invalid();
	store_rollback(st);
	return -1;
}

/* Logs, commits and answers with the agent's record and the action. */
static int
finish(struct store *st, const char *name, const char *action,
       const char *actor, jv *out, struct wa_err *err)
{
	if (agents_get(st, name, out, err) < 0) {
		store_rollback(st);
		return -1;
	}
	*out = jv_object_set(*out, jv_string("action"), jv_string(action));
	return agents_audit_commit(st, actor, "agent", out, err);
}

int
agents_add(struct store *st, const char *name, const struct agents_opts *o,
	   const char *actor, int64_t now, jv *out, struct wa_err *err)
{
	struct sq *q;
	int64_t id;
	int rc;

	if (agents_name_check("NAME", name, err) < 0 || opts_check(o, err) < 0 ||
	    store_begin(st, err) < 0)
		return -1;
	rc = agents_id(st, name, &id, err);
	if (rc != 0) {
		store_rollback(st);
		return rc < 0 ? -1 : wa_err_set(err, WA_EX_REJECTED,
			"duplicate", "agent '%s' exists (use agents set)",
			name);
	}
	q = store_q(st, Q_AGENTS_INSERT);
	sq_text(q, 1, name);
	sq_int_or_null(q, 2, o->max_open, !o->max_open_given ||
		       o->max_open < 0);
	sq_text(q, 3, o->notify ? o->notify : "all");
	sq_int(q, 4, now);
	if (sq_int1(q, &id, "add agent", err) < 0 ||
	    tags_set(st, id, "team", o->teams, o->nteams, err) < 0 ||
	    tags_set(st, id, "skill", o->skills, o->nskills, err) < 0) {
		store_rollback(st);
		return -1;
	}
	return finish(st, name, "add", actor, out, err);
}

/* Begins and finds the agent: its id, or -1 (rolled back). */
static int
begin_known(struct store *st, const char *name, int64_t *id,
	    struct wa_err *err)
{
	int rc;

	if (store_begin(st, err) < 0)
		return -1;
	rc = agents_id(st, name, id, err);
	if (rc > 0)
		return 0;
	if (rc == 0)
		agents_unknown(st, name, NULL, WA_EX_REJECTED, err);
	store_rollback(st);
	return -1;
}

int
agents_set(struct store *st, const char *name, const struct agents_opts *o,
	   const char *actor, int64_t now, jv *out, struct wa_err *err)
{
	int64_t id;

	if (opts_check(o, err) < 0 || begin_known(st, name, &id, err) < 0)
		return -1;
	if (apply_opts(st, id, o, -1, now, err) < 0) {
		store_rollback(st);
		return -1;
	}
	return finish(st, name, "set", actor, out, err);
}

int
agents_away(struct store *st, const char *name, int away, const char *actor,
	    int64_t now, jv *out, struct wa_err *err)
{
	struct agents_opts none = { 0 };
	int64_t id;

	none.max_open = -1;
	if (begin_known(st, name, &id, err) < 0)
		return -1;
	if (apply_opts(st, id, &none, away ? 1 : 0, now, err) < 0) {
		store_rollback(st);
		return -1;
	}
	return finish(st, name, away ? "away" : "back", actor, out, err);
}

/* The agent's open tickets lose their owner, each with its history
 * event and its line in the event log (for watchers). */
static int
unassign_all(struct store *st, const char *name, const char *actor,
	     int64_t now, jv *ids, struct wa_err *err)
{
	struct sq *q = store_q(st, Q_AGENTS_OPEN_TICKETS);
	int64_t *v = NULL;
	size_t n = 0, cap = 0, i;
	int rc;

	sq_text(q, 1, name);
	while ((rc = sq_step(q)) > 0) {
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			v = xrealloc(v, cap * sizeof(*v));
		}
		v[n++] = sq_col_int(q, 0);
	}
	if (rc < 0)
		rc = sq_fail(q, err, "read tickets");
	for (i = 0; rc == 0 && i < n; i++) {
		struct desk_ticket t = { .rec = jv_invalid() };

		q = store_q(st, Q_AGENTS_TICKET_UNASSIGN);
		sq_int(q, 1, v[i]);
		sq_int(q, 2, now);
		if (sq_done(q, err) < 0 ||
		    desk_ticket_event(st, v[i], "unassign", actor, name, NULL,
				      now, err) < 0 ||
		    desk_ticket_get(st, v[i], &t, err) < 0 ||
		    desk_ticket_log(st, &t, "unassign", name, NULL, actor,
				    now, err) < 0)
			rc = -1;
		desk_ticket_release(&t);
		*ids = jv_array_append(*ids, id_jv(v[i]));
	}
	free(v);
	return rc;
}

int
agents_remove(struct store *st, const char *name, const char *actor,
	      int64_t now, jv *out, struct wa_err *err)
{
	jv ids = jv_array();
	struct sq *q;
	int64_t id;

	if (begin_known(st, name, &id, err) < 0) {
		jv_free(ids);
		return -1;
	}
	if (unassign_all(st, name, actor, now, &ids, err) < 0)
		goto fail;
	q = store_q(st, Q_AGENTS_TAGS_CLEAR);
	sq_int(q, 1, id);
	sq_null(q, 2);
	if (sq_done(q, err) < 0)
		goto fail;
	q = store_q(st, Q_AGENTS_DELETE);
	sq_int(q, 1, id);
	if (sq_done(q, err) < 0)
		goto fail;
	*out = JV_OBJECT(jv_string("name"), jv_string(name),
			 jv_string("action"), jv_string("remove"),
			 jv_string("removed"), jv_true(),
			 jv_string("unassigned"), ids);
	return agents_audit_commit(st, actor, "agent", out, err);
fail:
	store_rollback(st);
	jv_free(ids);
	return -1;
}
