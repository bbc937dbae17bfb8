/* SPDX-License-Identifier: MIT */
/* Conversation usage from the store: settings, counts, log, history, billing. */
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "audit.h"
#include "quotadb.h"
#include "jsonl.h"
#include "util.h"

/* Strict "YYYY-MM-DD" to midnight UTC; -1 when malformed. */
static int
parse_date(const char *s, int64_t *out)
{
	int y, m, d, i;

	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	for (i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
			return -1;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
	    (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (y < 1970 || m < 1 || m > 12 || d < 1 ||
	    d > time_days_in_month(y, m))
		return -1;
	*out = time_from_ymd(y, m, d);
	return 0;
}

static int
read_limit(struct store *st, long *limit, struct wa_err *err)
{
	char *v = store_setting_get(st, QUOTADB_KEY_LIMIT);
	long long n;

	*limit = QUOTA_DEFAULT_LIMIT;
	if (!v)
		return 0;
	if (parse_int(v, 0, INT_MAX, &n) < 0) {
		wa_err_set(err, WA_EX_CONFIG, "invalid_input",
			   "setting '%s' is not a count: '%s'",
			   QUOTADB_KEY_LIMIT, v);
		free(v);
		return -1;
	}
	free(v);
	*limit = (long)n;
	return 0;
}

/* The business: verified, and its zone (u->tz; NULL for UTC). */
static int
read_business(struct store *st, struct quotadb_usage *u, struct wa_err *err)
{
	struct sq *q = store_q(st, Q_QUOTA_BUSINESS);
	const char *name;
	int rc = sq_step(q);

	if (rc < 0)
		return sq_fail(q, err, "read business");
	if (rc == 0)
		return 0;
	u->verified = sq_col_int(q, 0) != 0;
	name = sq_col_text(q, 1);
	if (name && *name && !(u->tz = tz_cached(name, err))) {
		wa_err_prefix(err, "the business's time zone");
		err->sysexit = WA_EX_CONFIG;
		sq_reset(q);
		return -1;
	}
	sq_reset(q);
	return 0;
}

/* The reset day: of the setting's date, else of the first connection's
 * local date, else 1. */
static int
read_start(struct store *st, struct quotadb_usage *u, struct wa_err *err)
{
	char *v = store_setting_get(st, QUOTADB_KEY_START);
	struct sq *q;
	int64_t t;
	int y, m, d;

	u->start_is_default = v == NULL;
	u->first_connected_at = -1;
	q = store_q(st, Q_QUOTA_FIRST_CONNECT);
	if (sq_step(q) <= 0) {	/* an aggregate has a row */
		free(v);
		return sq_fail(q, err, "read channels");
	}
	if (!sq_col_null(q, 0))
		u->first_connected_at = sq_col_int(q, 0);
	sq_reset(q);
	if (v) {
		if (parse_date(v, &t) < 0) {
			wa_err_set(err, WA_EX_CONFIG, "invalid_input",
				   "setting '%s' is not a date (YYYY-MM-DD): "
				   "'%s'", QUOTADB_KEY_START, v);
			free(v);
			return -1;
		}
		free(v);
		time_to_ymd(t, &y, &m, &d);
	} else if (u->first_connected_at >= 0) {
		tz_date(u->tz, u->first_connected_at, &y, &m, &d);
	} else {
		d = 1;
	}
	u->reset_day = d;
	return 0;
}

/* Business-initiated conversations of the business day, up to now. */
static int
count_daily(struct store *st, const struct quota_period *day, int64_t now,
	    long *out, struct wa_err *err)
{
	struct sq *q = store_q(st, Q_QUOTA_DAILY);
	int64_t n = 0;

	sq_int(q, 1, day->start);
	sq_int(q, 2, now);
	if (sq_int1(q, &n, "count conversations", err) < 0)
		return -1;
	*out = (long)n;
	return 0;
}

int
quotadb_count(struct store *st, const struct quota_period *p,
	      struct quotadb_usage *out, struct wa_err *err)
{
	struct sq *q = store_q(st, Q_QUOTA_COUNT);

	sq_int(q, 1, p->start);
	sq_int(q, 2, p->end);
	if (sq_step(q) <= 0)
		return sq_fail(q, err, "count conversations");
	out->used = (long)sq_col_int(q, 0);
	out->user_initiated = (long)sq_col_int(q, 1);
	out->business_initiated = (long)sq_col_int(q, 2);
	sq_reset(q);
	return 0;
}

int
quotadb_usage(struct store *st, int64_t now, struct quotadb_usage *out,
	      struct wa_err *err)
{
	memset(out, 0, sizeof(*out));
	if (read_limit(st, &out->limit, err) < 0 ||
	    read_business(st, out, err) < 0 ||
	    read_start(st, out, err) < 0)
		return -1;
	quota_period_at(out->reset_day, out->tz, now, &out->period);
	quota_day_at(out->tz, now, &out->day);
	if (quotadb_count(st, &out->period, out, err) < 0 ||
	    count_daily(st, &out->day, now, &out->daily_business_initiated,
			err) < 0)
		return -1;
	return 0;
}

jv
quotadb_status_json(const struct quotadb_usage *u)
{
	long left = u->limit - u->used;
	jv daily = JV_OBJECT(jv_string("limit"),
			     u->verified ? jv_null() :
			     jv_number(QUOTA_DAILY_UNVERIFIED),
			     jv_string("used"),
			     jv_number(u->daily_business_initiated),
			     jv_string("resets_at"), time_jv(u->day.end));

	return JV_OBJECT(jv_string("period_start"), time_jv(u->period.start),
			 jv_string("period_end"), time_jv(u->period.end),
			 jv_string("limit"), jv_number(u->limit),
			 jv_string("used"), jv_number(u->used),
			 jv_string("remaining"), jv_number(left > 0 ? left : 0),
			 jv_string("user_initiated"),
			 jv_number(u->user_initiated),
			 jv_string("business_initiated"),
			 jv_number(u->business_initiated),
			 jv_string("daily_business_initiated"), daily,
			 jv_string("timezone"), jv_string(tz_name(u->tz)));
}

int
quotadb_set(struct store *st, long limit, const char *start,
	    struct wa_err *err)
{
	char buf[32];
	int64_t t;

	if (start && parse_date(start, &t) < 0)
		return wa_err_set(err, WA_EX_USAGE, "invalid_input",
				  "'%s' is not a date: use YYYY-MM-DD", start);
	if (store_begin(st, err) < 0)
		return -1;
	if (limit >= 0) {
		snprintf(buf, sizeof(buf), "%ld", limit);
		if (store_setting_set(st, QUOTADB_KEY_LIMIT, buf, err) < 0)
			goto fail;
	}
	if (start && store_setting_set(st, QUOTADB_KEY_START, start, err) < 0)
		goto fail;
	if (audit_append(st, NULL, "quota.set", "quota",
			 JV_OBJECT(jv_string("limit"), limit >= 0 ?
				   jv_number((double)limit) : jv_null(),
				   jv_string("start"), start ?
				   jv_string(start) : jv_null()), err) < 0)
		goto fail;
	return store_commit(st, err);
fail:
	store_rollback(st);
	return -1;
}

int
quotadb_log(struct store *st, const struct quota_period *p,
	    void (*fn)(jv rec, void *ctx), void *ctx, struct wa_err *err)
{
	struct sq *q = store_q(st, Q_QUOTA_LOG);
	int rc;

	sq_int(q, 1, p->start);
	sq_int(q, 2, p->end);
	while ((rc = sq_step(q)) > 0) {
		fn(JV_OBJECT(jv_string("conversation_id"),
			     sq_col_str(q, 0),
			     jv_string("kind"), sq_col_str(q, 1),
			     jv_string("started_at"), sq_col_time(q, 2),
			     jv_string("channel"), sq_col_str(q, 3),
			     jv_string("contact_id"), sq_col_str(q, 4),
			     jv_string("wa_id"), sq_col_str(q, 5),
			     jv_string("bsuid"), sq_col_str(q, 6),
			     jv_string("thread_id"), sq_col_str(q, 7)),
		   ctx);
	}
	return rc < 0 ? sq_fail(q, err, "read conversations") : 0;
}

static jv
bill_new(jv channel, jv category, const struct quota_period *p)
{
	jv rec = JV_OBJECT(jv_string("period_start"), time_jv(p->start),
			   jv_string("period_end"), time_jv(p->end),
			   jv_string("channel"), channel,
			   jv_string("category"), category,
			   jv_string("delivered"), jv_number(0),
			   jv_string("charged"), jv_number(0),
			   jv_string("free"), jv_number(0),
			   jv_string("free_entry_point"), jv_number(0));

	rec = jv_object_set(rec, jv_string("free_customer_service"),
			    jv_number(0));
	return jv_object_set(rec, jv_string("types"), jv_object());
}

/* obj (taken) with n added to the number at key (owned). */
static jv
add_n(jv obj, const char *key, int64_t n)
{
	jv v = jx_get(obj, key);
	double have = jv_get_kind(v) == JV_KIND_NUMBER ? jv_number_value(v) :
		      0;

	jv_free(v);
	return jv_object_set(obj, jv_string(key),
			     jv_number(have + (double)n));
}

/* n delivered messages of Meta's pricing type (NULL: none given) into
 * rec (taken; owned).  regular is charged; a type free_* is free. */
static jv
bill_add(jv rec, const char *type, int64_t n)
{
	rec = add_n(rec, "delivered", n);
	if (!type)
		return rec;
	if (strcmp(type, "regular") == 0)
		rec = add_n(rec, "charged", n);
	else if (strncmp(type, "free_", 5) == 0)
		rec = add_n(rec, "free", n);
	if (strcmp(type, "free_entry_point") == 0 ||
	    strcmp(type, "free_customer_service") == 0)
		rec = add_n(rec, type, n);
	return jv_object_set(rec, jv_string("types"),
			     add_n(jx_get(rec, "types"), type, n));
}

/* 1 when rec (borrowed) is the record of channel and category (both
 * borrowed). */
static int
bill_same(jv rec, jv channel, jv category)
{
	return jv_equal(jx_get(rec, "channel"), jv_copy(channel)) &&
	       jv_equal(jx_get(rec, "category"), jv_copy(category));
}

int
quotadb_billing(struct store *st, const struct quota_period *p,
		void (*fn)(jv rec, void *ctx), void *ctx, struct wa_err *err)
{
	struct sq *q = store_q(st, Q_QUOTA_BILLING);
	jv cur = jv_invalid();
	int rc;

	sq_int(q, 1, p->start);
	sq_int(q, 2, p->end);
	while ((rc = sq_step(q)) > 0) {
		jv ch = sq_col_str(q, 0), cat = sq_col_str(q, 1);

		if (jv_is_valid(cur) && bill_same(cur, ch, cat)) {
			jv_free(ch);
			jv_free(cat);
		} else {
			if (jv_is_valid(cur))
				fn(cur, ctx);
			cur = bill_new(ch, cat, p);
		}
		cur = bill_add(cur, sq_col_text(q, 2), sq_col_int(q, 3));
	}
	if (rc < 0) {
		jv_free(cur);
		return sq_fail(q, err, "read pricing");
	}
	if (jv_is_valid(cur))
		fn(cur, ctx);
	return 0;
}

int
quotadb_history(struct store *st, const struct quotadb_usage *u,
		void (*fn)(jv rec, void *ctx), void *ctx, struct wa_err *err)
{
	struct sq *q = store_q(st, Q_QUOTA_FIRST_CONV);
	struct quota_period p = u->period;
	struct quotadb_usage c;
	int64_t first;
	int n = 0;

	if (sq_step(q) <= 0)
		return sq_fail(q, err, "read conversations");
	first = sq_col_null(q, 0) ? p.start : sq_col_int(q, 0);
	sq_reset(q);
	/* Back to the period holding the first conversation; a bound keeps
	 * a stray timestamp from walking back for ever. */
	while (first < p.start && n++ < QUOTADB_HISTORY_MAX)
		quota_period_prev(u->reset_day, u->tz, &p, &p);
	for (; p.start <= u->period.start;
	     quota_period_next(u->reset_day, u->tz, &p, &p)) {
		if (quotadb_count(st, &p, &c, err) < 0)
			return -1;
		fn(JV_OBJECT(jv_string("period_start"), time_jv(p.start),
			     jv_string("period_end"), time_jv(p.end),
			     jv_string("used"), jv_number(c.used),
			     jv_string("user_initiated"),
			     jv_number(c.user_initiated),
			     jv_string("business_initiated"),
			     jv_number(c.business_initiated),
			     jv_string("current"),
			     jv_bool(p.start == u->period.start)), ctx);
	}
	return 0;
}
