/* SPDX-License-Identifier: MIT */
/* The desk's agents as others read them: records, notification setting, teams, who may act. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "agents.h"
#include "agents_int.h"
#include "jsonl.h"
#include "util.h"

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
				  "'.', '_', '-', '@' and '+', not '-' first",
				  what, name);
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

int
agents_id(struct store *st, const char *name, int64_t *id,
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

int
agents_unknown(struct store *st, const char *name, const char *what,
	       int sysexit, struct wa_err *err)
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
	rc = agents_id(st, name, &id, err);
	if (rc != 0)
		return rc < 0 ? -1 : 0;
	return agents_unknown(st, name, what, sysexit, err);
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

/* Every agent (name NULL) or one, through fn; how many in *n. */
static int
list_rows(struct store *st, const char *name, void (*fn)(jv rec, void *ctx),
	  void *ctx, size_t *count, struct wa_err *err)
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
	*count = n;
	return rc;
}

int
agents_list(struct store *st, const char *name,
	    void (*fn)(jv rec, void *ctx), void *ctx, struct wa_err *err)
{
	size_t n;

	if (list_rows(st, name, fn, ctx, &n, err) < 0)
		return -1;
	if (name && n == 0)
		return agents_unknown(st, name, NULL, WA_EX_REJECTED, err);
	return 0;
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
	size_t n;

	*out = jv_invalid();
	if (list_rows(st, name, keep_one, out, &n, err) < 0)
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
