/* SPDX-License-Identifier: MIT */
/* Routing rules (SPEC rule 3): a new ticket goes to an available agent of the first matching rule (the rules as one jq program: routing_program.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "routing.h"
#include "routing_int.h"
#include "audit.h"
#include "desk.h"
#include "jsonl.h"
#include "views.h"

/* ---- choosing an agent ---------------------------------------------- */

static int
available(const struct routing_cand *c)
{
	return !c->away && (c->max_open < 0 || c->open < c->max_open);
}

int
routing_pick(const struct routing_cand *c, size_t n,
	     enum routing_strategy s, const char *last)
{
	int first = -1, best = -1;
	size_t i;

	for (i = 0; i < n; i++) {
		if (!available(&c[i]))
			continue;
		if (first < 0)
			first = (int)i;
		if (s == ROUTING_LEAST_OPEN) {
			if (best < 0 || c[i].open < c[best].open)
				best = (int)i;
		} else if (best < 0 && last && strcmp(c[i].name, last) > 0) {
			best = (int)i;
		}
	}
	return best >= 0 ? best : first;
}

/* ---- rules ---------------------------------------------------------- */

void
routing_rules_release(struct routing_rules *r)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		free(r->v[i].name);
		free(r->v[i].where);
		free(r->v[i].team);
		free(r->v[i].skill);
		free(r->v[i].agent);
		free(r->v[i].last);
	}
	free(r->v);
	memset(r, 0, sizeof(*r));
}

int
routing_rules_load(struct store *st, struct routing_rules *r,
		   struct wa_err *err)
{
	struct sq *q = store_q(st, Q_ROUTES_ALL);
	struct routing_rule_row *x;
	int rc;

	memset(r, 0, sizeof(*r));
	while ((rc = sq_step(q)) > 0) {
		if (r->n == r->cap) {
			r->cap = r->cap ? 2 * r->cap : 16;
			r->v = xrealloc(r->v, r->cap * sizeof(*r->v));
		}
		x = &r->v[r->n++];
		x->id = sq_col_int(q, 0);
		x->name = sq_col_dup(q, 1);
		x->where = sq_col_dup(q, 2);
		x->team = sq_col_dup(q, 3);
		x->skill = sq_col_dup(q, 4);
		x->agent = sq_col_dup(q, 5);
		x->strategy = strcmp(sq_col_text(q, 6), "least-open") == 0 ?
			ROUTING_LEAST_OPEN : ROUTING_ROUND_ROBIN;
		x->priority = sq_col_int(q, 7);
		x->last = sq_col_dup(q, 8);
		x->created_at = sq_col_int(q, 9);
	}
	return rc < 0 ? sq_fail(q, err, "read routing rules") : 0;
}

void
routing_cands_release(struct routing_cands *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		free((char *)c->v[i].name);
	free(c->v);
	memset(c, 0, sizeof(*c));
}

int
routing_cands_load(struct store *st, const struct routing_rule_row *r,
		   struct routing_cands *c, struct wa_err *err)
{
	struct sq *q = store_q(st, Q_ROUTES_CANDIDATES);
	struct routing_cand *x;
	int rc;

	memset(c, 0, sizeof(*c));
	sq_text(q, 1, r->team);
	sq_text(q, 2, r->skill);
	sq_text(q, 3, r->agent);
	sq_int(q, 4, r->strategy == ROUTING_LEAST_OPEN);
	while ((rc = sq_step(q)) > 0) {
		if (c->n == c->cap) {
			c->cap = c->cap ? 2 * c->cap : 16;
			c->v = xrealloc(c->v, c->cap * sizeof(*c->v));
		}
		x = &c->v[c->n++];
		x->name = sq_col_dup(q, 0);
		x->away = sq_col_int(q, 1) != 0;
		x->max_open = sq_col_null(q, 2) ? -1 : sq_col_int(q, 2);
		x->open = sq_col_int(q, 3);
	}
	return rc < 0 ? sq_fail(q, err, "read agents") : 0;
}

/* ---- the connection's rules, compiled ------------------------------- */

struct routing_cache {
	uint64_t generation;	/* of the store when rules were read */
	struct routing_rules rules;
	struct strbuf key;	/* name and program of each rule compiled */
	struct jqwhere prog;
	int ok;			/* prog compiled */
};

static void
cache_free(void *p)
{
	struct routing_cache *c = p;

	routing_rules_release(&c->rules);
	jqwhere_free(&c->prog);
	sb_release(&c->key);
	free(c);
}

static void
rules_key(const struct routing_rules *r, struct strbuf *sb)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		sb_adds(sb, r->v[i].name);
		sb_add(sb, "", 1);
		sb_adds(sb, r->v[i].where);
		sb_add(sb, "", 1);
	}
}

/* The connection's rules, read again when another connection may have
 * changed them, and their program, compiled again when they did. NULL
 * with err on a database error. */
static struct routing_cache *
cached_rules(struct store *st, struct wa_err *err)
{
	struct routing_cache *c = store_aux(st, STORE_AUX_ROUTING);
	struct strbuf key = STRBUF_INIT;

	if (c && c->generation == store_generation(st))
		return c;
	if (!c) {
		c = xcalloc(1, sizeof(*c));
		store_aux_set(st, STORE_AUX_ROUTING, c, cache_free);
	}
	routing_rules_release(&c->rules);
	c->generation = store_generation(st) - 1;	/* not read yet */
	if (routing_rules_load(st, &c->rules, err) < 0) {
		routing_rules_release(&c->rules);
		return NULL;
	}
	c->generation = store_generation(st);
	rules_key(&c->rules, &key);
	if (c->key.len == key.len &&
	    (!key.len || memcmp(c->key.buf, key.buf, key.len) == 0) &&
	    (c->ok || !c->rules.n)) {
		sb_release(&key);
		return c;
	}
	jqwhere_free(&c->prog);
	sb_release(&c->key);
	c->key = key;
	c->ok = c->rules.n && routing_compile(&c->prog, &c->rules, 0) == 0;
	return c;
}

/* ---- routing a new ticket ------------------------------------------- */

int
routing_result(jv res, const struct routing_rules *r, size_t *idx,
	       char *msg, size_t len)
{
	jv i = jv_array_get(jv_copy(res), 0), v = jv_array_get(res, 1);
	int state = ROUTING_NO;

	*idx = jv_get_kind(i) == JV_KIND_NUMBER ?
		(size_t)jv_number_value(i) : r->n;
	jv_free(i);
	if (jv_get_kind(v) == JV_KIND_NUMBER && jv_number_value(v) == 1)
		state = ROUTING_MATCH;
	if (jv_get_kind(v) != JV_KIND_OBJECT) {
		jv_free(v);
		return state;
	}
	v = jv_object_get(v, jv_string("e"));
	if (jv_get_kind(v) == JV_KIND_STRING) {
		snprintf(msg, len, "%s", jv_string_value(v));
	} else {
		jv d = jv_dump_string(jv_copy(v), 0);

		snprintf(msg, len, "%s", jv_string_value(d));
		jv_free(d);
	}
	jv_free(v);
	return ROUTING_FAILED;
}

static void
set_str(char *dst, size_t len, const char *s)
{
	snprintf(dst, len, "%s", s ? s : "");
}

/* The rule matched: its agent, the cursor and the event. */
static int
assign(struct store *st, int64_t ticket_id, const struct routing_rule_row *r,
       int64_t now, struct routing_outcome *out, struct wa_err *err)
{
	struct routing_cands c;
	struct sq *q;
	int pick, rc = 0;

	if (routing_cands_load(st, r, &c, err) < 0) {
		routing_cands_release(&c);
		return -1;
	}
	pick = routing_pick(c.v, c.n, r->strategy, r->last);
	if (pick < 0) {
		out->reason = "no agent available";
		routing_cands_release(&c);
		return 0;
	}
	set_str(out->owner, sizeof(out->owner), c.v[pick].name);
	routing_cands_release(&c);
	q = store_q(st, Q_ROUTES_ASSIGN);
	sq_int(q, 1, ticket_id);
	sq_text(q, 2, out->owner);
	sq_int(q, 3, now);
	if (sq_done(q, err) < 0)
		return -1;
	q = store_q(st, Q_ROUTES_CURSOR);
	sq_int(q, 1, r->id);
	sq_text(q, 2, out->owner);
	if (sq_done(q, err) < 0 ||
	    desk_ticket_event(st, ticket_id, "route", r->name, NULL,
			      out->owner, now, err) < 0)
		rc = -1;
	out->routed = rc == 0;
	return rc;
}

static int
decide(struct store *st, int64_t ticket_id, int64_t now,
	       struct routing_outcome *out, struct wa_err *err)
{
	struct routing_cache *c;
	struct routing_rule_row *rule;
	jv row, res;
	char *msg = NULL;
	size_t idx;
	int state;

	memset(out, 0, sizeof(*out));
	c = cached_rules(st, err);
	if (!c)
		return -1;
	if (c->rules.n == 0)
		return 0;
	out->ran = 1;
	if (views_ticket_row(st, ticket_id, now, &row, err) < 0)
		return -1;
	if (!c->ok) {	/* cannot happen: bad rules compile as errors */
		jv_free(row);
		out->reason = "rule failed";
		set_str(out->error, sizeof(out->error), "rules do not compile");
		return 0;
	}
	if (jqwhere_first(&c->prog, row, &res, &msg) < 0) {
		out->reason = "rule failed";
		set_str(out->error, sizeof(out->error), msg);
		free(msg);
		return 0;
	}
	if (!jv_is_valid(res)) {
		out->reason = "no rule matches";
		return 0;
	}
	state = routing_result(res, &c->rules, &idx, out->error,
			       sizeof(out->error));
	if (idx >= c->rules.n)
		abort();	/* the program numbers the rules */
	rule = &c->rules.v[idx];
	set_str(out->rule, sizeof(out->rule), rule->name);
	if (state == ROUTING_FAILED) {
		out->reason = "rule failed";
		return 0;
	}
	if (assign(st, ticket_id, rule, now, out, err) < 0)
		return -1;
	if (out->routed) {	/* the cursor as written */
		free(rule->last);
		rule->last = xstrdup(out->owner);
	}
	return 0;
}

/* The decision in the audit log, in the caller's transaction: by the
 * deciding rule (none: the user running the writer), whom it chose or
 * why nobody. */
static int
decision_audit(struct store *st, int64_t ticket_id,
	       const struct routing_outcome *o, struct wa_err *err)
{
	char subject[32];
	jv d = JV_OBJECT(jv_string("owner"),
			 o->routed ? jv_string(o->owner) : jv_null(),
			 jv_string("reason"),
			 o->reason ? jv_string(o->reason) : jv_null());

	if (o->error[0])
		d = jv_object_set(d, jv_string("error"), jv_string(o->error));
	snprintf(subject, sizeof(subject), "ticket:%lld",
		 (long long)ticket_id);
	return audit_append(st, o->rule[0] ? o->rule : NULL, "ticket.route",
			    subject, d, err);
}

int
routing_ticket(struct store *st, int64_t ticket_id, int64_t now,
	       struct routing_outcome *out, struct wa_err *err)
{
	if (decide(st, ticket_id, now, out, err) < 0)
		return -1;
	return out->ran ? decision_audit(st, ticket_id, out, err) : 0;
}

/* ---- the outcome in records ----------------------------------------- */

static void
key_str(struct strbuf *sb, const char *key, const char *v)
{
	sb_addf(sb, ",\"%s\":", key);
	jsonl_dump_str(sb, v);
}

void
routing_outcome_text(const struct routing_outcome *o, struct strbuf *sb)
{
	if (!o->ran)
		return;
	if (o->routed) {
		sb_adds(sb, ",\"routed\":{\"rule\":");
		jsonl_dump_str(sb, o->rule);
		sb_adds(sb, ",\"owner\":");
		jsonl_dump_str(sb, o->owner);
		sb_adds(sb, "}");
		return;
	}
	sb_adds(sb, ",\"routed\":null");
	key_str(sb, "route_reason", o->reason);
	if (o->rule[0])
		key_str(sb, "route_rule", o->rule);
	if (o->error[0])
		key_str(sb, "route_error", o->error);
}

jv
routing_outcome_keys(const struct routing_outcome *o, jv rec)
{
	if (!o->ran)
		return rec;
	if (o->routed)
		return jv_object_set(rec, jv_string("routed"), JV_OBJECT(
			jv_string("rule"), jv_string(o->rule),
			jv_string("owner"), jv_string(o->owner)));
	rec = jv_object_set(rec, jv_string("routed"), jv_null());
	rec = jv_object_set(rec, jv_string("route_reason"),
			    jv_string(o->reason));
	if (o->rule[0])
		rec = jv_object_set(rec, jv_string("route_rule"),
				    jv_string(o->rule));
	if (o->error[0])
		rec = jv_object_set(rec, jv_string("route_error"),
				    jv_string(o->error));
	return rec;
}
