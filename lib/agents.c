/* SPDX-License-Identifier: MIT */
/* The desk's agents: names, teams, skills, availability, notification setting; who may act. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "agents.h"
#include "audit.h"
#include "desk.h"
#include "jsonl.h"
#include "util.h"

static const char *const notify_values[] = {
	"none", "mine", "team", "all", NULL
};

int
agents_name_check(const char *what, const char *name, struct wa_err *err)
{
	const char *p;

	for (p = name; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("._-@+", *p))
			break;
	if (!*name || *p || p - name > AGENTS_NAME_MAX || *name == '-')
		return wa_err_set(err, WA_EX_USAGE, "invalid_input",
				  "%s: bad name '%s': use letters, digits, "
				  "'.', '_', '-', '@' and '+'", what, name);
	if (strcmp(name, "me") == 0)
		return wa_err_set(err, WA_EX_USAGE, "invalid_input",
				  "%s: 'me' means whoever asks, not a name",
				  what);
	return 0;
}

int
agents_count(struct store *st, int64_t *out, struct wa_err *err)
{
	*out = 0;
	return sq_int1(store_q(st, Q_AGENTS_ANY), out, "read agents",
		       err) < 0 ? -1 : 0;
}

/* The agent's id: 1 found, 0 not, -1 error. */
static int
agent_id(struct store *st, const char *name, int64_t *id,
	 struct wa_err *err)
{
	struct sq *q = store_q(st, Q_AGENTS_ID);

	sq_text(q, 1, name);
	return sq_int1(q, id, "read agents", err);
}

/* ---- the closest name, for hints ------------------------------------ */

/* Levenshtein distance of two short strings (names are at most 64). */
static size_t
distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	size_t row[AGENTS_NAME_MAX + 2], diag, up;

	if (la > AGENTS_NAME_MAX || lb > AGENTS_NAME_MAX)
		return (size_t)-1;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		diag = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			up = row[j];
			row[j] = diag + (tolower((unsigned char)a[i - 1]) !=
					 tolower((unsigned char)b[j - 1]));
			if (up + 1 < row[j])
				row[j] = up + 1;
			if (row[j - 1] + 1 < row[j])
				row[j] = row[j - 1] + 1;
			diag = up;
		}
	}
	return row[lb];
}

/* The agent whose name is nearest to name, owned, or NULL when none is
 * near enough to be what was meant. */
static char *
closest(struct store *st, const char *name)
{
	struct sq *q = store_q(st, Q_AGENTS_NAMES);
	size_t best = (size_t)-1, d, len = strlen(name);
	size_t near = len < 6 ? 2 : len / 3;
	char *pick = NULL;

	while (sq_step(q) > 0) {
		d = distance(name, sq_col_text(q, 0));
		if (d < best) {
			best = d;
			free(pick);
			pick = xstrdup(sq_col_text(q, 0));
		}
	}
	if (best > near) {
		free(pick);
		pick = NULL;
	}
	return pick;
}

static int
unknown(struct store *st, const char *name, const char *what, int sysexit,
	struct wa_err *err)
{
	char *hint = closest(st, name);

	wa_err_set(err, sysexit, "invalid_input", "%s%sno agent '%s'%s%s%s",
		   what ? what : "", what ? ": " : "", name,
		   hint ? " (did you mean '" : " (see 'wa-view agents list')",
		   hint ? hint : "", hint ? "'?)" : "");
	free(hint);
	return -1;
}

/* 0 when name is an agent or there are none; else -1 with err
 * invalid_input, exit sysexit, naming the closest agent. */
static int
check_agent(struct store *st, const char *name, const char *what,
	    int sysexit, struct wa_err *err)
{
	int64_t n, id;
	int rc;

	if (agents_count(st, &n, err) < 0)
		return -1;
	if (n == 0)
		return 0;
	rc = agent_id(st, name, &id, err);
	if (rc != 0)
		return rc < 0 ? -1 : 0;
	return unknown(st, name, what, sysexit, err);
}

int
agents_known(struct store *st, const char *name, const char *what,
	     struct wa_err *err)
{
	return check_agent(st, name, what, WA_EX_REJECTED, err);
}

int
agents_actor_check(struct store *st, const char *user, int option,
		   struct wa_err *err)
{
	return check_agent(st, user, option ? "--as" : "WA_USER (or --as)",
			   option ? WA_EX_USAGE : WA_EX_CONFIG, err);
}

/* ---- records -------------------------------------------------------- */

struct agent_row {
	int64_t id;
	jv rec;
};

static jv
row_record(struct sq *q)
{
	return JV_OBJECT(jv_string("name"), sq_col_str(q, 1),
			 jv_string("teams"), jv_array(),
			 jv_string("skills"), jv_array(),
			 jv_string("max_open"), sq_col_jint(q, 2),
			 jv_string("away"), jv_bool(sq_col_int(q, 3) != 0),
			 jv_string("notify"), sq_col_str(q, 4),
			 jv_string("open"), sq_col_jint(q, 7),
			 jv_string("created_at"), sq_col_time(q, 5),
			 jv_string("updated_at"), sq_col_time(q, 6));
}

/* The agent's teams and skills into rec. */
static int
add_tags(struct store *st, int64_t id, jv *rec, struct wa_err *err)
{
	struct sq *q = store_q(st, Q_AGENTS_TAGS);
	jv teams = jv_array(), skills = jv_array();
	int rc;

	sq_int(q, 1, id);
	while ((rc = sq_step(q)) > 0) {
		if (strcmp(sq_col_text(q, 0), "team") == 0)
			teams = jv_array_append(teams, sq_col_str(q, 1));
		else
			skills = jv_array_append(skills, sq_col_str(q, 1));
	}
	*rec = jv_object_set(*rec, jv_string("teams"), teams);
	*rec = jv_object_set(*rec, jv_string("skills"), skills);
	return rc < 0 ? sq_fail(q, err, "read agent tags") : 0;
}

int
agents_list(struct store *st, const char *name,
	    void (*fn)(jv rec, void *ctx), void *ctx, struct wa_err *err)
{
	struct sq *q = store_q(st, Q_AGENTS_LIST);
	struct agent_row *v = NULL;
	size_t n = 0, cap = 0, i;
	int rc;

	/* Rows first, then each one's tags: one query at a time. */
	sq_text(q, 1, name);
	while ((rc = sq_step(q)) > 0) {
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			v = xrealloc(v, cap * sizeof(*v));
		}
		v[n].id = sq_col_int(q, 0);
		v[n++].rec = row_record(q);
	}
	if (rc < 0)
		rc = sq_fail(q, err, "read agents");
	for (i = 0; i < n; i++) {
		if (rc == 0 && add_tags(st, v[i].id, &v[i].rec, err) < 0)
			rc = -1;
		if (rc == 0)
			fn(v[i].rec, ctx);
		else
			jv_free(v[i].rec);
	}
	free(v);
	return rc;
}

static void
keep_one(jv rec, void *ctx)
{
	jv *out = ctx;

	jv_free(*out);
	*out = rec;
}

int
agents_get(struct store *st, const char *name, jv *out, struct wa_err *err)
{
	*out = jv_invalid();
	if (agents_list(st, name, keep_one, out, err) < 0)
		return -1;
	return jv_is_valid(*out) ? 1 : 0;
}

int
agents_notify(struct store *st, const char *name, char *out,
	      struct wa_err *err)
{
	const char *v;
	jv rec;
	int rc = agents_get(st, name, &rec, err);

	if (rc <= 0)
		return rc;
	v = jx_cstr(rec, "notify");	/* borrowed from rec */
	snprintf(out, 8, "%s", v ? v : "all");
	jv_free(rec);
	return 1;
}

int
agents_same_team(struct store *st, const char *a, const char *b,
		 struct wa_err *err)
{
	struct sq *q = store_q(st, Q_AGENTS_SAME_TEAM);
	int64_t n = 0;

	sq_text(q, 1, a);
	sq_text(q, 2, b);
	if (sq_int1(q, &n, "read teams", err) < 0)
		return -1;
	return n > 0;
}

/* ---- changes -------------------------------------------------------- */

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

/* The change in the audit log, in its transaction: agent.ACTION by
 * actor, the record as detail (borrowed). */
static int
audit(struct store *st, const char *actor, const char *action, jv rec,
      struct wa_err *err)
{
	char what[32], subject[AGENTS_NAME_MAX + 8];
	const char *name = jx_cstr(rec, "name");

	snprintf(what, sizeof(what), "agent.%s", action);
	snprintf(subject, sizeof(subject), "agent:%s", name ? name : "");
	return audit_append(st, actor, what, subject, jv_copy(rec), err);
}

/* Logs, commits and answers with the agent's record and the action. */
static int
finish(struct store *st, const char *name, const char *action,
       const char *actor, jv *out, struct wa_err *err)
{
	if (agents_get(st, name, out, err) < 0)
		goto fail;
	*out = jv_object_set(*out, jv_string("action"), jv_string(action));
	if (audit(st, actor, action, *out, err) < 0 ||
	    store_commit(st, err) < 0) {
		jv_free(*out);
		goto fail;
	}
	return 0;
fail:
	store_rollback(st);
	return -1;
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
	rc = agent_id(st, name, &id, err);
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
	rc = agent_id(st, name, id, err);
	if (rc > 0)
		return 0;
	if (rc == 0)
		unknown(st, name, NULL, WA_EX_REJECTED, err);
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

/* The agent's open tickets lose their owner, each with its event. */
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
		q = store_q(st, Q_AGENTS_TICKET_UNASSIGN);
		sq_int(q, 1, v[i]);
		sq_int(q, 2, now);
		if (sq_done(q, err) < 0 ||
		    desk_ticket_event(st, v[i], "unassign", actor, name, NULL,
				      now, err) < 0)
			rc = -1;
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
	ids = jv_invalid();
	if (audit(st, actor, "remove", *out, err) < 0 ||
	    store_commit(st, err) < 0) {
		jv_free(*out);
		goto fail;
	}
	return 0;
fail:
	store_rollback(st);
	jv_free(ids);
	return -1;
}
