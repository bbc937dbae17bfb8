/* SPDX-License-Identifier: MIT */
/* Channels: rule 1 (25 numbers per WABA, one connection per number), connecting, listing. */
#include <ctype.h>
#include <string.h>
#include "audit.h"
#include "channel.h"
#include "jsonl.h"
#include "util.h"

int
channel_id_valid(const char *s)
{
	size_t i;

	for (i = 0; s[i]; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return i > 0 && i < CHANNEL_ID_MAX;
}

static void
copy_col(char *dst, size_t n, struct sq *q, int col)
{
	const char *t = sq_col_text(q, col);

	snprintf(dst, n, "%s", t ? t : "");
}

int
channel_get(struct store *st, const char *id, struct channel *out,
	    struct wa_err *err)
{
	struct sq *q = store_q(st, Q_CHANNEL_GET);
	int rc;

	memset(out, 0, sizeof(*out));
	sq_text(q, 1, id);
	rc = sq_step(q);
	if (rc <= 0)
		return rc < 0 ? sq_fail(q, err, "read channel") : 1;
	copy_col(out->id, sizeof(out->id), q, 0);
	copy_col(out->waba_id, sizeof(out->waba_id), q, 1);
	copy_col(out->phone, sizeof(out->phone), q, 2);
	out->connected = strcmp(sq_col_text(q, 3), "connected") == 0;
	out->connected_at = sq_col_int(q, 4);
	out->disconnected_at = sq_col_null(q, 5) ? -1 : sq_col_int(q, 5);
	sq_reset(q);
	return 0;
}

static int
resolve_only(struct store *st, char *out_id, struct wa_err *err)
{
	struct sq *q = store_q(st, Q_CHANNEL_CONNECTED);
	struct strbuf names = STRBUF_INIT;
	int n = 0, rc;

	while ((rc = sq_step(q)) > 0) {
		const char *id = sq_col_text(q, 0);

		if (n == 0)
			snprintf(out_id, CHANNEL_ID_MAX, "%s", id);
		sb_addf(&names, "%s%s", n ? ", " : "", n < 10 ? id : "...");
		n++;
	}
	if (rc < 0) {
		sb_release(&names);
		return sq_fail(q, err, "read channels");
	}
	if (n == 0)
		wa_err_set(err, WA_EX_CONFIG, "not_connected",
			   "no channel is connected: connect one with "
			   "'wa-connect add'");
	else if (n > 1)
		wa_err_set(err, WA_EX_REJECTED, "invalid_input",
			   "%d channels are connected, name one of: %s",
			   n > 10 ? 11 : n, sb_str(&names));
	sb_release(&names);
	if (n != 1)
		out_id[0] = '\0';
	return n == 1 ? 0 : -1;
}

int
channel_resolve(struct store *st, const char *id, char *out_id,
		struct wa_err *err)
{
	struct channel c;
	int rc;

	out_id[0] = '\0';
	if (!id)
		return resolve_only(st, out_id, err);
	if (!channel_id_valid(id))
		return wa_err_set(err, WA_EX_CONFIG, "not_connected",
				  "unknown channel '%s'", id);
	rc = channel_get(st, id, &c, err);
	if (rc < 0)
		return -1;
	if (rc == 1)
		return wa_err_set(err, WA_EX_CONFIG, "not_connected",
				  "unknown channel '%s'", id);
	if (!c.connected) {
		char when[32];

		return wa_err_set(err, WA_EX_REJECTED, "not_connected",
				  "channel '%s' was disconnected at %s", id,
				  time_fmt(c.disconnected_at, when,
					   sizeof(when)));
	}
	snprintf(out_id, CHANNEL_ID_MAX, "%s", id);
	return 0;
}

/* Meta's display form "+1 555-000-1111" is international: keep digits. */
static int
display_digits(const char *display, char *out, size_t n)
{
	size_t j = 0;

	for (; display && *display; display++)
		if (isdigit((unsigned char)*display) && j + 1 < n)
			out[j++] = *display;
	out[j] = '\0';
	return j >= 7 && j <= 15 ? 0 : -1;
}

int
channel_number_parse(jv num, const char *waba_id, struct channel_number *n,
		     struct wa_err *err)
{
	const char *pt;

	memset(n, 0, sizeof(*n));
	n->raw = num;
	n->waba_id = waba_id;
	if (jv_get_kind(num) != JV_KIND_OBJECT || !jx_cstr(num, "id"))
		return wa_err_set(err, WA_EX_REJECTED, "graph_error",
				  "Graph answered without a phone number");
	n->id = jx_cstr(num, "id");
	n->display_phone_number = jx_cstr(num, "display_phone_number");
	n->verified_name = jx_cstr(num, "verified_name");
	n->code_verification_status = jx_cstr(num, "code_verification_status");
	n->quality_rating = jx_cstr(num, "quality_rating");
	n->platform_type = pt = jx_cstr(num, "platform_type");
	/* NOT_APPLICABLE: not registered anywhere yet; register makes it
	 * a Cloud API number. */
	if (pt && strcmp(pt, "CLOUD_API") && strcmp(pt, "NOT_APPLICABLE"))
		return wa_err_set(err, WA_EX_REJECTED, "invalid_input",
				  "number '%s' is not a Cloud API number "
				  "(platform_type %s): only Cloud API numbers "
				  "can be connected", n->id, pt);
	if (display_digits(n->display_phone_number, n->phone,
			   sizeof(n->phone)) < 0)
		return wa_err_set(err, WA_EX_REJECTED, "graph_error",
				  "Graph gave no usable display_phone_number "
				  "for '%s'", n->id);
	return 0;
}

static int
count_connected(struct store *st, const char *waba_id, int64_t *n,
		struct wa_err *err)
{
	struct sq *q = store_q(st, Q_CHANNEL_COUNT);

	*n = 0;
	sq_text(q, 1, waba_id);
	return sq_int1(q, n, "count channels", err) < 0 ? -1 : 0;
}

static int
phone_owner(struct store *st, const char *phone, char *id, size_t n,
	    struct wa_err *err)
{
	struct sq *q = store_q(st, Q_CHANNEL_BY_PHONE);
	int rc;

	id[0] = '\0';
	sq_text(q, 1, phone);
	rc = sq_step(q);
	if (rc < 0)
		return sq_fail(q, err, "read channels");
	if (rc > 0) {
		copy_col(id, n, q, 0);
		sq_reset(q);
	}
	return 0;
}

int
channel_check_connect(struct store *st, const char *waba_id, const char *id,
		      const char *phone, struct wa_err *err)
{
	struct channel c;
	char owner[CHANNEL_ID_MAX], when[32];
	int64_t n;
	int rc = channel_get(st, id, &c, err);

	if (rc < 0)
		return -1;
	if (rc == 0 && c.connected)
		return wa_err_set(err, WA_EX_REJECTED, "already_connected",
				  "number '%s' (+%s) is already connected "
				  "since %s", id, c.phone,
				  time_fmt(c.connected_at, when, sizeof(when)));
	if (phone) {
		if (phone_owner(st, phone, owner, sizeof(owner), err) < 0)
			return -1;
		if (owner[0])
			return wa_err_set(err, WA_EX_REJECTED,
					  "already_connected",
					  "+%s is already connected as "
					  "channel '%s'", phone, owner);
	}
	if (count_connected(st, waba_id, &n, err) < 0)
		return -1;
	if (n >= CHANNEL_WABA_MAX)
		return wa_err_set(err, WA_EX_REJECTED, "limit_reached",
				  "WABA '%s' already has %lld connected "
				  "numbers, the most allowed is %d", waba_id,
				  (long long)n, CHANNEL_WABA_MAX);
	return 0;
}

/* info for a (re)connection: Graph's answer plus the earlier periods. */
static int
connect_info(struct store *st, const struct channel_number *n, jv *info,
	     struct wa_err *err)
{
	struct sq *q = store_q(st, Q_CHANNEL_HISTORY);
	jv old, hist = jv_array();
	int rc;

	sq_text(q, 1, n->id);
	rc = sq_step(q);
	if (rc < 0) {
		jv_free(hist);
		return sq_fail(q, err, "read channel");
	}
	if (rc > 0) {
		old = sq_col_json(q, 0);
		if (jv_get_kind(old) == JV_KIND_OBJECT) {
			jv h = jx_get(old, "history");

			if (jv_get_kind(h) == JV_KIND_ARRAY) {
				jv_free(hist);
				hist = h;
			} else {
				jv_free(h);
			}
		}
		jv_free(old);
		hist = jv_array_append(hist, JV_OBJECT(
			jv_string("connected_at"), sq_col_time(q, 1),
			jv_string("disconnected_at"), sq_col_time(q, 2)));
		sq_reset(q);
	}
	*info = JV_OBJECT(jv_string("number"), jv_copy(n->raw),
			  jv_string("history"), hist);
	return 0;
}

int
channel_connect(struct store *st, const struct channel_number *n,
		int64_t now, struct wa_err *err)
{
	struct sq *q;
	jv info;

	if (channel_check_connect(st, n->waba_id, n->id, n->phone, err) < 0 ||
	    connect_info(st, n, &info, err) < 0)
		return -1;
	q = store_q(st, Q_CHANNEL_UPSERT);
	sq_text(q, 1, n->id);
	sq_text(q, 2, n->waba_id);
	sq_text(q, 3, n->phone);
	sq_text(q, 4, n->display_phone_number);
	sq_text(q, 5, n->verified_name);
	sq_text(q, 6, n->code_verification_status);
	sq_text(q, 7, n->quality_rating);
	sq_text(q, 8, n->platform_type);
	sq_int(q, 9, now);
	sq_jv(q, 10, info);
	jv_free(info);
	return sq_done(q, err);
}

int
channel_disconnect(struct store *st, const char *id, int64_t now, int *left,
		   struct wa_err *err)
{
	struct sq *q;
	struct channel c;
	char rid[CHANNEL_ID_MAX], subject[CHANNEL_ID_MAX + 16];
	int64_t n;

	*left = 0;
	if (channel_get(st, id, &c, err) == 0 && !c.connected)
		return count_connected(st, c.waba_id, &n, err) < 0 ? -1 :
		       (*left = (int)n, 1);
	if (channel_resolve(st, id, rid, err) < 0 ||
	    channel_get(st, id, &c, err) != 0)
		return -1;
	q = store_q(st, Q_CHANNEL_DISCONNECT);
	sq_text(q, 1, id);
	sq_int(q, 2, now);
	snprintf(subject, sizeof(subject), "channel:%s", id);
	if (sq_done(q, err) < 0 ||
	    audit_append(st, NULL, "channel.disconnect", subject,
			 JV_OBJECT(jv_string("waba_id"), jv_string(c.waba_id)),
			 err) < 0 ||
	    count_connected(st, c.waba_id, &n, err) < 0)
		return -1;
	*left = (int)n;
	return 0;
}

int
channel_mark(struct store *st, const char *id, enum channel_step step,
	     const char *arg, int64_t now, struct wa_err *err)
{
	static const enum sql_id query[] = {
		[CHANNEL_CODE_REQUESTED] = Q_CHANNEL_CODE,
		[CHANNEL_VERIFIED] = Q_CHANNEL_VERIFIED,
		[CHANNEL_REGISTERED] = Q_CHANNEL_REGISTERED,
		[CHANNEL_SUBSCRIBED] = Q_CHANNEL_SUBSCRIBED,
	};
	struct sq *q = store_q(st, query[step]);

	sq_text(q, 1, id);
	sq_int(q, 2, now);
	if (step == CHANNEL_CODE_REQUESTED)
		sq_text(q, 3, arg);
	return sq_done(q, err);
}

static jv
channel_row(struct sq *q)
{
	jv info = sq_col_json(q, 16), hist = jx_get(info, "history");

	jv_free(info);
	if (jv_get_kind(hist) != JV_KIND_ARRAY) {
		jv_free(hist);
		hist = jv_array();
	}
	jv r = JV_OBJECT(
		jv_string("channel"), sq_col_str(q, 0),
		jv_string("waba_id"), sq_col_str(q, 1),
		jv_string("phone"), sq_col_str(q, 2),
		jv_string("display_phone_number"), sq_col_str(q, 3),
		jv_string("verified_name"), sq_col_str(q, 4),
		jv_string("status"), sq_col_str(q, 5),
		jv_string("code_verification_status"), sq_col_str(q, 6),
		jv_string("quality_rating"), sq_col_str(q, 7),
		jv_string("platform_type"), sq_col_str(q, 8));
	static const struct {
		const char *key;
		int col;
		int time;
	} more[] = {
		{ "code_requested_at", 9, 1 }, { "code_method", 10, 0 },
		{ "verified_at", 11, 1 }, { "registered_at", 12, 1 },
		{ "subscribed_at", 13, 1 }, { "connected_at", 14, 1 },
		{ "disconnected_at", 15, 1 }, { "quality_event", 17, 0 },
		{ "messaging_limit", 18, 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(more) / sizeof(more[0]); i++)
		r = jv_object_set(r, jv_string(more[i].key), more[i].time ?
				  sq_col_time(q, more[i].col) :
				  sq_col_str(q, more[i].col));
	return jv_object_set(r, jv_string("history"), hist);
}

int
channel_record(struct store *st, const char *id, jv *out, struct wa_err *err)
{
	struct sq *q = store_q(st, Q_CHANNEL_RECORD);
	int rc;

	*out = jv_invalid();
	sq_text(q, 1, id);
	rc = sq_step(q);
	if (rc <= 0)
		return rc < 0 ? sq_fail(q, err, "read channel") : 1;
	*out = channel_row(q);
	sq_reset(q);
	return 0;
}

int
channel_list(struct store *st, const char *waba_id, jv *out,
	     struct wa_err *err)
{
	struct sq *q = store_q(st, Q_CHANNEL_LIST);
	const char *w;
	int rc;

	*out = jv_array();
	while ((rc = sq_step(q)) > 0) {
		w = sq_col_text(q, 1);
		if (!waba_id || (w && strcmp(w, waba_id) == 0))
			*out = jv_array_append(*out, channel_row(q));
	}
	if (rc == 0)
		return 0;
	jv_free(*out);
	*out = jv_invalid();
	return sq_fail(q, err, "list channels");
}
