/* SPDX-License-Identifier: MIT */
/* Admins and the hidden content of quarantined or unsupported messages. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "audit.h"
#include "jsonl.h"
#include "quarantine_admin.h"
#include "util.h"

int
admin_is(const char *user)
{
	const char *s = getenv("WA_ADMINS"), *e;
	size_t n = user ? strlen(user) : 0;

	if (!s || !n)
		return 0;
	while (*s) {
		s += strspn(s, ", \t");
		e = s + strcspn(s, ", \t");
		if ((size_t)(e - s) == n && strncmp(s, user, n) == 0)
			return 1;
		s = e;
	}
	return 0;
}

/* jv keys in the order of QUARANTINE_HIDDEN's columns (18). */
static const char *const hidden_keys[] = {
	"message_id", "thread_id", "channel", "direction", "type", "text",
	"content", "caption", "media_id", "media_mime", "media_filename",
	"media_path", "unsupported", "quarantined", "rule", "time", "from",
	"raw"
};

static jv
hidden_row(struct sq *q)
{
	jv r = jv_object(), v;
	size_t i;

	for (i = 0; i < sizeof(hidden_keys) / sizeof(hidden_keys[0]); i++) {
		if (i == 6 || i == 17)
			v = sq_col_json(q, (int)i);
		else if (i == 13)
			v = jv_bool(sq_col_int(q, 13) != 0);
		else if (i == 15)
			v = sq_col_time(q, 15);
		else
			v = sq_col_str(q, (int)i);
		r = jv_object_set(r, jv_string(hidden_keys[i]), v);
	}
	return r;
}

/* Checks the actor and reads the flagged message: 0, -1 with err. */
static int
hidden(struct store *st, int64_t id, const char *actor, jv *out,
       struct wa_err *err)
{
	struct sq *q;
	int rc, flagged;

	*out = jv_invalid();
	if (!admin_is(actor))
		return wa_err_set(err, WA_EX_NOPERM, "not_admin",
				  "%s is not an admin (WA_ADMINS): hidden "
				  "content is for admins", actor ? actor : "");
	q = store_q(st, Q_QUARANTINE_HIDDEN);
	sq_int(q, 1, id);
	rc = sq_step(q);
	if (rc < 0)
		return sq_fail(q, err, "read message");
	if (rc == 0)
		return wa_err_set(err, WA_EX_REJECTED, "unknown_message",
				  "no message %lld", (long long)id);
	flagged = sq_col_int(q, 13) != 0 || !sq_col_null(q, 12);
	if (flagged)
		*out = hidden_row(q);
	sq_reset(q);
	if (flagged)
		return 0;
	return wa_err_set(err, WA_EX_REJECTED, "not_hidden",
			  "message %lld is neither quarantined nor "
			  "unsupported", (long long)id);
}

static int
record(struct store *st, int64_t id, const char *actor, const char *action,
       jv detail, int64_t now, struct wa_err *err)
{
	char subject[32];
	int rc;

	snprintf(subject, sizeof(subject), "message:%lld", (long long)id);
	rc = audit_append(st, actor, action, subject, jv_copy(detail), err);
	jv_free(detail);
	return rc;
}

int
quarantine_reveal(struct store *st, int64_t id, const char *actor,
		  int64_t now, jv *out, struct wa_err *err)
{
	if (store_begin(st, err) < 0)
		return -1;
	if (hidden(st, id, actor, out, err) < 0 ||
	    record(st, id, actor, "quarantine_show", jv_invalid(), now,
		   err) < 0 || store_commit(st, err) < 0) {
		jv_free(*out);
		*out = jv_invalid();
		store_rollback(st);
		return -1;
	}
	*out = jv_object_set(*out, jv_string("shown_to"), jv_string(actor));
	return 0;
}

int
quarantine_release(struct store *st, int64_t id, const char *actor,
		   int64_t now, jv *out, struct wa_err *err)
{
	struct sq *q;
	jv msg, rule;

	if (store_begin(st, err) < 0)
		return -1;
	if (hidden(st, id, actor, &msg, err) < 0)
		goto fail;
	rule = jx_get(msg, "rule");
	jv_free(msg);
	msg = jv_invalid();
	if (jv_get_kind(rule) != JV_KIND_STRING) {
		jv_free(rule);
		wa_err_set(err, WA_EX_REJECTED, "not_hidden",
			   "message %lld is unsupported, not quarantined: "
			   "there is nothing to release", (long long)id);
		goto fail;
	}
	q = store_q(st, Q_QUARANTINE_RELEASE);
	sq_int(q, 1, id);
	if (sq_done(q, err) < 0 ||
	    record(st, id, actor, "quarantine_release",
		   JV_OBJECT(jv_string("rule"), jv_copy(rule)), now, err) < 0 ||
	    store_commit(st, err) < 0) {
		jv_free(rule);
		goto fail;
	}
	*out = JV_OBJECT(jv_string("ok"), jv_true(),
			 jv_string("message_id"), id_jv(id),
			 jv_string("actor"), jv_string(actor),
			 jv_string("released_rule"), rule);
	return 0;
fail:
	store_rollback(st);
	return -1;
}
