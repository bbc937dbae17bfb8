/* SPDX-License-Identifier: MIT */
/* Routing rules kept in the desk: route add, remove, list, and test (what routing would do). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "routing.h"
#include "routing_int.h"
#include "jsonl.h"
#include "views.h"

static jv
str_or_null(const char *s)
{
	return s ? jv_string(s) : jv_null();
}

static jv
rule_record(const struct routing_rule_row *r)
{
	return views_obj("name", jv_string(r->name),
		"priority", jv_number((double)r->priority),
		"where", jv_string(r->where),
		"team", str_or_null(r->team),
		"skill", str_or_null(r->skill),
		"agent", str_or_null(r->agent),
		"strategy", jv_string(r->strategy == ROUTING_LEAST_OPEN ?
				      "least-open" : "round-robin"),
		"last_owner", str_or_null(r->last),
		"created_at", time_jv(r->created_at), NULL);
}

int
routing_list(struct store *st, void (*fn)(jv rec, void *ctx), void *ctx,
	     struct wa_err *err)
{
	struct routing_rules r;
	size_t i;
	int rc = routing_rules_load(st, &r, err);

	for (i = 0; rc == 0 && i < r.n; i++)
		fn(rule_record(&r.v[i]), ctx);
	routing_rules_release(&r);
	return rc;
}

/* The record of the rule named name (*out), or -1. */
static int
rule_get(struct store *st, const char *name, jv *out, struct wa_err *err)
{
	struct routing_rules r;
	size_t i;
	int rc = routing_rules_load(st, &r, err);

	*out = jv_invalid();
	for (i = 0; rc == 0 && i < r.n; i++)
		if (strcmp(r.v[i].name, name) == 0)
			*out = rule_record(&r.v[i]);
	routing_rules_release(&r);
	if (rc == 0 && !jv_is_valid(*out))
		rc = wa_err_set(err, WA_EX_REJECTED, "invalid_input",
				"no routing rule '%s' (see 'wa-view route "
				"list')", name);
	return rc;
}

static int
rule_check(const char *name, const struct routing_rule *r,
	   struct wa_err *err)
{
	if (agents_name_check("NAME", name, err) < 0)
		return -1;
	if (!r->where || !*r->where)
		return wa_err_set(err, WA_EX_USAGE, "invalid_input",
				  "route add needs --where JQ");
	if ((r->team && agents_name_check("--team", r->team, err) < 0) ||
	    (r->skill && agents_name_check("--skill", r->skill, err) < 0) ||
	    (r->agent && agents_name_check("--agent", r->agent, err) < 0))
		return -1;
	if (r->strategy && strcmp(r->strategy, "round-robin") != 0 &&
	    strcmp(r->strategy, "least-open") != 0)
		return wa_err_set(err, WA_EX_USAGE, "invalid_input",
				  "--strategy: bad value '%s' (round-robin "
				  "or least-open)", r->strategy);
	/* Alone first, for jq's message about the program as written. */
	if (jqwhere_check(r->where, "--where", err) < 0 ||
	    routing_rule_check(r->where, "--where", err) < 0)
		return -1;
	return 0;
}

int
routing_add(struct store *st, const char *name, const struct routing_rule *r,
	    const char *actor, int64_t now, jv *out, struct wa_err *err)
{
	struct sq *q;
	int64_t id;
	int rc;

	if (rule_check(name, r, err) < 0 || store_begin(st, err) < 0)
		return -1;
	if (r->agent && agents_known(st, r->agent, "--agent", err) < 0)
		goto fail;
	q = store_q(st, Q_ROUTES_ID);
	sq_text(q, 1, name);
	rc = sq_int1(q, &id, "read routing rules", err);
	if (rc != 0) {
		if (rc > 0)
			wa_err_set(err, WA_EX_REJECTED, "duplicate",
				   "routing rule '%s' exists", name);
		goto fail;
	}
	q = store_q(st, Q_ROUTES_INSERT);
	sq_text(q, 1, name);
	sq_text(q, 2, r->where);
	sq_text(q, 3, r->team);
	sq_text(q, 4, r->skill);
	sq_text(q, 5, r->agent);
	sq_text(q, 6, r->strategy ? r->strategy : "round-robin");
	sq_int(q, 7, r->priority);
	sq_int(q, 8, now);
	if (sq_int1(q, &id, "add routing rule", err) < 0 ||
	    rule_get(st, name, out, err) < 0)
		goto fail;
	*out = jv_object_set(*out, jv_string("action"), jv_string("add"));
	return agents_audit_commit(st, actor, "route", out, err);
fail:
	store_rollback(st);
	return -1;
}

int
routing_remove(struct store *st, const char *name, const char *actor,
	       jv *out, struct wa_err *err)
{
	struct sq *q;
	int64_t id;

	if (store_begin(st, err) < 0)
		return -1;
	if (rule_get(st, name, out, err) < 0) {
		store_rollback(st);
		return -1;
	}
	q = store_q(st, Q_ROUTES_ID);
	sq_text(q, 1, name);
	if (sq_int1(q, &id, "read routing rules", err) < 0)
		goto fail;
	q = store_q(st, Q_ROUTES_DELETE);
	sq_int(q, 1, id);
	if (sq_done(q, err) < 0)
		goto fail;
	*out = jv_object_set(*out, jv_string("action"), jv_string("remove"));
	return agents_audit_commit(st, actor, "route", out, err);
fail:
	jv_free(*out);
	store_rollback(st);
	return -1;
}

/* ---- route test ----------------------------------------------------- */

/* Why each candidate can or cannot take a ticket, and who is chosen. */
static void
describe(const struct routing_cands *c, int pick,
	 const struct routing_rule_row *r, struct strbuf *sb)
{
	size_t i;

	if (pick >= 0 && r->strategy == ROUTING_LEAST_OPEN)
		sb_addf(sb, "least-open: %lld open; ",
			(long long)c->v[pick].open);
	else if (pick >= 0 && r->last)
		sb_addf(sb, "round-robin after '%s'; ", r->last);
	else if (pick >= 0)
		sb_adds(sb, "round-robin, first turn; ");
	else
		sb_adds(sb, c->n ? "nobody available: " :
			"no agent has the rule's team, skill or name");
	for (i = 0; i < c->n; i++) {
		const struct routing_cand *x = &c->v[i];

		sb_addf(sb, "%s%s ", i ? ", " : "", x->name);
		if (x->away)
			sb_adds(sb, "away");
		else if (x->max_open >= 0)
			sb_addf(sb, "%lld of %lld open", (long long)x->open,
				(long long)x->max_open);
		else
			sb_addf(sb, "%lld open", (long long)x->open);
	}
}

/* The rule that decides: who would get the ticket, into o and rec. */
static int
test_decide(struct store *st, const struct routing_rule_row *r, int state,
	    const char *msg, struct routing_outcome *o, jv *rec,
	    struct strbuf *why, struct wa_err *err)
{
	struct routing_cands c;
	int pick;

	snprintf(o->rule, sizeof(o->rule), "%s", r->name);
	if (state == ROUTING_FAILED) {
		o->reason = "rule failed";
		snprintf(o->error, sizeof(o->error), "%s", msg);
		sb_addf(why, "the rule fails: %s", msg);
	} else {
		if (routing_cands_load(st, r, &c, err) < 0) {
			routing_cands_release(&c);
			return -1;
		}
		pick = routing_pick(c.v, c.n, r->strategy, r->last);
		describe(&c, pick, r, why);
		if (pick >= 0)
			snprintf(o->owner, sizeof(o->owner), "%s",
				 c.v[pick].name);
		o->routed = pick >= 0;
		o->reason = pick >= 0 ? NULL : "no agent available";
		routing_cands_release(&c);
	}
	*rec = jv_object_set(*rec, jv_string("owner"), o->routed ?
			     jv_string(o->owner) : jv_null());
	*rec = jv_object_set(*rec, jv_string("why"), jv_string(sb_str(why)));
	return 0;
}

static const char *const result_names[] = { "no match", "match", "failed" };

/* One record per rule; o gets what the rule that decides says. */
static int
test_rules(struct store *st, const struct routing_rules *r, jv results,
	   jv ticket, struct routing_outcome *o, struct strbuf *why,
	   void (*fn)(jv rec, void *ctx), void *ctx, struct wa_err *err)
{
	const char *decider = NULL;
	char msg[256];
	size_t i;
	int state, k, n = jv_get_kind(results) == JV_KIND_ARRAY ?
		jv_array_length(jv_copy(results)) : 0;
	jv rec;

	for (k = 0; k < n; k++) {
		msg[0] = '\0';
		state = routing_result(jv_array_get(jv_copy(results), k), r,
				       &i, msg, sizeof(msg));
		if (i >= r->n)
			abort();	/* the program numbers the rules */
		rec = views_obj("record", jv_string("rule"),
			"ticket_id", jv_copy(ticket),
			"rule", jv_string(r->v[i].name),
			"priority", jv_number((double)r->v[i].priority),
			"result", jv_string(result_names[state]),
			"owner", jv_null(), NULL);
		if (state == ROUTING_FAILED)
			rec = jv_object_set(rec, jv_string("error"),
					    jv_string(msg));
		if (decider)
			rec = jv_object_set(rec, jv_string("why"),
				jv_string_fmt("not tried: rule '%s' decides "
					      "first", decider));
		else if (state == ROUTING_NO)
			rec = jv_object_set(rec, jv_string("why"),
				jv_string("the program yields no true"));
		else if (test_decide(st, &r->v[i], state, msg, o, &rec, why,
				     err) < 0) {
			jv_free(rec);
			return -1;
		} else {
			decider = r->v[i].name;
		}
		fn(rec, ctx);
	}
	return 0;
}

int
routing_test(struct store *st, int64_t ticket_id, int64_t now,
	     void (*fn)(jv rec, void *ctx), void *ctx, struct wa_err *err)
{
	struct routing_outcome o = { 0 };
	struct routing_rules r;
	struct jqwhere w = { 0 };
	struct strbuf why = STRBUF_INIT;
	jv row, res = jv_invalid(), ticket = id_jv(ticket_id), sum;
	char *msg = NULL;
	int rc = routing_rules_load(st, &r, err);

	if (rc == 0)
		rc = views_ticket_row(st, ticket_id, now, &row, err);
	if (rc < 0)
		goto out;
	o.ran = 1;
	if (routing_compile(&w, &r, 1) < 0 ||
	    jqwhere_first(&w, row, &res, &msg) < 0) {
		o.reason = "rule failed";	/* cannot happen */
		snprintf(o.error, sizeof(o.error), "%s",
			 msg ? msg : "rules do not compile");
	} else if (test_rules(st, &r, res, ticket, &o, &why, fn, ctx,
			      err) < 0) {
		rc = -1;
		goto out;
	}
	if (!o.routed && !o.reason)
		o.reason = r.n ? "no rule matches" : "there are no rules";
	sum = views_obj("record", jv_string("route"),
		"ticket_id", jv_copy(ticket),
		"rule", o.rule[0] ? jv_string(o.rule) : jv_null(),
		"result", jv_string(o.routed ? "routed" : "unassigned"),
		"owner", o.routed ? jv_string(o.owner) : jv_null(),
		"why", jv_string(why.len ? sb_str(&why) : o.reason), NULL);
	fn(routing_outcome_keys(&o, sum), ctx);
out:
	sb_release(&why);
	free(msg);
	jv_free(res);
	jv_free(ticket);
	jqwhere_free(&w);
	routing_rules_release(&r);
	return rc;
}
