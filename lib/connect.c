/* SPDX-License-Identifier: MIT */
/* wa-connect's Graph flows: add (rule 1 + subscription), verification steps, profile. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "audit.h"
#include "connect.h"
#include "jsonl.h"
#include "util.h"

#define NUMBER_FIELDS \
	"id,display_phone_number,verified_name,status," \
	"code_verification_status,quality_rating,platform_type"

static int
post_edge(struct graph *g, const char *id, const char *edge, jv body,
	  struct wa_err *err)
{
	char path[160];
	jv resp;
	int rc;

	snprintf(path, sizeof(path), "/%s/%s", id, edge);
	rc = graph_post(g, path, body, &resp, err);
	jv_free(resp);
	return rc;
}

/* A paging loop that never ends is a bug: Meta caps a WABA at 25
 * numbers (rule 1), a page holds 25 by default. */
#define OWNER_MAX_PAGES 1000

/* One page of a WABA's numbers: 1 (stop) when it holds the one sought. */
static int
page_has(jv data, void *ctx)
{
	const char *pnid = ctx;
	int found = 0;

	jv_array_foreach(data, i, num) {
		const char *id = jx_cstr(num, "id");

		(void)i;
		if (id && strcmp(id, pnid) == 0)
			found = 1;
		jv_free(num);
	}
	jv_free(data);
	return found;
}

/* Whether waba lists pnid among its numbers (GET /{waba}/phone_numbers,
 * page after page until found): 1 yes, 0 no, -1 Graph's error. */
static int
waba_has_number(struct graph *g, const char *waba_id, const char *pnid,
		struct wa_err *err)
{
	struct strbuf path = STRBUF_INIT;
	char what[96];
	int rc;

	sb_addf(&path, "/%s/phone_numbers?fields=id", waba_id);
	snprintf(what, sizeof(what), "phone numbers of WABA '%.60s'", waba_id);
	rc = graph_pages(g, sb_str(&path), OWNER_MAX_PAGES, what, page_has,
			 (void *)pnid, NULL, err);
	sb_release(&path);
	return rc;
}

/* The WABA that lists pnid among the other WABAs this desk has channels
 * of, into owner ("" when none does). Best effort: a failing lookup
 * leaves it unknown, the refusal stands either way. */
static void
owner_find(struct store *st, struct graph *g, const char *waba_id,
	   const char *pnid, char *owner, size_t size)
{
	struct wa_err e;
	jv all, seen = jv_object();

	owner[0] = '\0';
	if (channel_list(st, NULL, &all, &e) < 0) {
		jv_free(seen);
		return;
	}
	jv_array_foreach(all, i, rec) {
		const char *w = jx_cstr(rec, "waba_id");

		if (!owner[0] && w && strcmp(w, waba_id) &&
		    !jv_object_has(jv_copy(seen), jv_string(w))) {
			seen = jv_object_set(seen, jv_string(w), jv_true());
			if (waba_has_number(g, w, pnid, &e) == 1)
				snprintf(owner, size, "%s", w);
		}
		jv_free(rec);
	}
	jv_free(all);
	jv_free(seen);
}

/* Refuses pnid unless Graph lists it among waba's numbers: connecting
 * another WABA's number would subscribe the wrong WABA and count the
 * number against the wrong limit (rule 1). */
static int
check_owner(struct store *st, struct graph *g, const char *waba_id,
	    const char *pnid, struct wa_err *err)
{
	char owner[CHANNEL_ID_MAX];
	int rc = waba_has_number(g, waba_id, pnid, err);

	if (rc != 0)
		return rc < 0 ? -1 : 0;
	owner_find(st, g, waba_id, pnid, owner, sizeof(owner));
	if (owner[0])
		return wa_err_set(err, WA_EX_REJECTED, "invalid_input",
				  "number '%s' belongs to WABA '%s', not to "
				  "WABA '%s'", pnid, owner, waba_id);
	return wa_err_set(err, WA_EX_REJECTED, "invalid_input",
			  "number '%s' is not one of the phone numbers of "
			  "WABA '%s'", pnid, waba_id);
}

static int
record_connect(struct store *st, const struct channel_number *n, int64_t now,
	       struct wa_err *err)
{
	char subject[CHANNEL_ID_MAX + 16];

	snprintf(subject, sizeof(subject), "channel:%s", n->id);
	if (store_begin(st, err) < 0)
		return -1;
	if (channel_connect(st, n, now, err) < 0 ||
	    channel_mark(st, n->id, CHANNEL_SUBSCRIBED, NULL, now, err) < 0 ||
	    audit_append(st, NULL, "channel.connect", subject,
			 JV_OBJECT(jv_string("waba_id"), jv_string(n->waba_id),
				   jv_string("phone"), jv_string(n->phone)),
			 err) < 0 ||
	    store_commit(st, err) < 0) {
		store_rollback(st);
		return -1;
	}
	return 0;
}

int
connect_add(struct store *st, struct graph *g, const char *waba_id,
	    const char *pnid, int64_t now, jv *rec, struct wa_err *err)
{
	struct channel_number n;
	char path[128];
	jv num = jv_invalid();
	int rc = -1;

	*rec = jv_invalid();
	if (channel_check_connect(st, waba_id, pnid, NULL, err) < 0)
		return -1;
	snprintf(path, sizeof(path), "/%s?fields=" NUMBER_FIELDS, pnid);
	if (graph_get(g, path, &num, err) == 0 &&
	    check_owner(st, g, waba_id, pnid, err) == 0 &&
	    channel_number_parse(num, waba_id, &n, err) == 0 &&
	    channel_check_connect(st, waba_id, pnid, n.phone, err) == 0) {
		n.id = pnid;
		if (post_edge(g, waba_id, "subscribed_apps", jv_invalid(),
			      err) == 0 &&
		    record_connect(st, &n, now, err) == 0)
			rc = channel_record(st, pnid, rec, err) == 0 ? 0 : -1;
	}
	jv_free(num);
	return rc;
}

int
connect_ids_check(const char *waba_id, const char *pnid, struct wa_err *err)
{
	if (!channel_id_valid(waba_id))
		return wa_err_set(err, WA_EX_USAGE, "invalid_input", "waba: "
				  "'%s' is not a Graph id (digits)", waba_id);
	if (!channel_id_valid(pnid))
		return wa_err_set(err, WA_EX_USAGE, "invalid_input", "phone "
				  "number id: '%s' is not a Graph id (digits)",
				  pnid);
	return 0;
}

static int
digits_only(const char *s, size_t min, size_t max)
{
	size_t n = strlen(s);

	return n >= min && n <= max && strspn(s, "0123456789") == n;
}

int
connect_step_check(struct connect_step_args *a, struct wa_err *err)
{
	const char *m = a->method, *lang = a->language;

	switch (a->step) {
	case CHANNEL_CODE_REQUESTED:
		if (strcmp(m, "sms") == 0 || strcmp(m, "SMS") == 0)
			a->method = "SMS";
		else if (strcmp(m, "voice") == 0 || strcmp(m, "VOICE") == 0)
			a->method = "VOICE";
		else
			return wa_err_set(err, WA_EX_USAGE, "invalid_input",
					  "method: '%s' is not sms or voice",
					  m);
		if (!lang)
			lang = a->language = "en_US";
		if (!*lang || strlen(lang) > 16 ||
		    strspn(lang, "abcdefghijklmnopqrstuvwxyz"
			   "ABCDEFGHIJKLMNOPQRSTUVWXYZ_") != strlen(lang))
			return wa_err_set(err, WA_EX_USAGE, "invalid_input",
					  "language: '%s' is not a language "
					  "code like en_US", lang);
		return 0;
	case CHANNEL_VERIFIED:
		if (!digits_only(a->code, 4, 10))
			return wa_err_set(err, WA_EX_USAGE, "invalid_input",
					  "code: the code is 4 to 10 digits");
		return 0;
	case CHANNEL_REGISTERED:
		if (!digits_only(a->pin, 6, 6))
			return wa_err_set(err, WA_EX_USAGE, "invalid_input",
					  "pin: the PIN is 6 digits");
		return 0;
	default:
		abort();
	}
}

/* The POST body of a step (owned). */
static jv
step_body(const struct connect_step_args *a)
{
	switch (a->step) {
	case CHANNEL_CODE_REQUESTED:
		return JV_OBJECT(jv_string("code_method"),
				 jv_string(a->method),
				 jv_string("language"), jv_string(a->language));
	case CHANNEL_VERIFIED:
		return JV_OBJECT(jv_string("code"), jv_string(a->code));
	default:
		return JV_OBJECT(jv_string("messaging_product"),
				 jv_string("whatsapp"),
				 jv_string("pin"), jv_string(a->pin));
	}
}

int
connect_step(struct store *st, struct graph *g, const char *id,
	     const struct connect_step_args *a, int64_t now,
	     struct wa_err *err)
{
	static const char *const edges[] = {
		[CHANNEL_CODE_REQUESTED] = "request_code",
		[CHANNEL_VERIFIED] = "verify_code",
		[CHANNEL_REGISTERED] = "register",
		[CHANNEL_SUBSCRIBED] = "subscribed_apps",
	};
	char rid[CHANNEL_ID_MAX];
	struct channel ch;
	int rc;

	/* a number not connected yet (wa-connect add-number) is verified
	 * and registered before add: Graph only, nothing to record */
	rc = channel_id_valid(id) ? channel_get(st, id, &ch, err) : 0;
	if (rc < 0)
		return -1;
	if (rc == 1)
		return post_edge(g, id, edges[a->step], step_body(a), err);
	if (channel_resolve(st, id, rid, err) < 0)
		return -1;
	if (post_edge(g, rid, edges[a->step], step_body(a), err) < 0)
		return -1;
	return channel_mark(st, rid, a->step, a->step == CHANNEL_CODE_REQUESTED
			    ? a->method : NULL, now, err);
}

/* What a step sets, as record fields (owned). */
static jv
step_fields(const struct connect_step_args *a, int64_t now)
{
	switch (a->step) {
	case CHANNEL_CODE_REQUESTED:
		return JV_OBJECT(jv_string("code_method"),
				 jv_string(a->method),
				 jv_string("language"), jv_string(a->language),
				 jv_string("code_requested_at"), time_jv(now));
	case CHANNEL_VERIFIED:
		return JV_OBJECT(jv_string("code_verification_status"),
				 jv_string("VERIFIED"),
				 jv_string("verified_at"), time_jv(now));
	default:
		return JV_OBJECT(jv_string("registered_at"), time_jv(now));
	}
}

int
connect_step_record(struct store *st, const char *id,
		    const struct connect_step_args *a, int64_t now, jv *rec,
		    struct wa_err *err)
{
	struct channel ch;

	int rc;

	*rec = jv_invalid();
	rc = channel_get(st, id, &ch, err);
	if (rc < 0)
		return -1;
	*rec = jv_object_merge(JV_OBJECT(jv_string("ok"), jv_true(),
					 jv_string("channel"),
					 rc == 0 ? jv_string(id) : jv_null(),
					 jv_string("phone_number_id"),
					 jv_string(id)),
			       step_fields(a, now));
	*rec = jv_object_set(*rec, jv_string("phone"),
			     rc == 0 ? jv_string(ch.phone) : jv_null());
	return 0;
}

int
connect_business(struct store *st, const struct business_update *u,
		 int64_t now, jv *rec, struct wa_err *err)
{
	int created;
	jv b;

	*rec = jv_invalid();
	if (!u)
		return business_get(st, rec, err);
	if (store_begin(st, err) < 0)
		return -1;
	if (business_save(st, u, now, &created, err) < 0) {
		store_rollback(st);
		return -1;
	}
	if (store_commit(st, err) < 0 || business_get(st, &b, err) < 0)
		return -1;
	*rec = jv_object_merge(JV_OBJECT(jv_string("ok"), jv_true(),
					 jv_string("created"),
					 jv_bool(created)), b);
	return 0;
}

jv
connect_disconnected(const struct channel *ch, int changed, int unsub)
{
	jv r = JV_OBJECT(jv_string("ok"), jv_true(),
			 jv_string("channel"), jv_string(ch->id),
			 jv_string("waba_id"), jv_string(ch->waba_id),
			 jv_string("phone"), jv_string(ch->phone),
			 jv_string("status"), jv_string("disconnected"),
			 jv_string("disconnected_at"),
			 time_jv(ch->disconnected_at),
			 jv_string("unsubscribed"), jv_bool(unsub));

	return jv_object_set(r, jv_string("changed"), jv_bool(changed));
}

int
connect_unsubscribe(struct graph *g, const char *waba_id, struct wa_err *err)
{
	char path[128];
	jv resp;
	int rc;

	snprintf(path, sizeof(path), "/%s/subscribed_apps", waba_id);
	rc = graph_delete(g, path, &resp, err);
	jv_free(resp);
	return rc;
}

int
connect_profile(struct graph *g, const char *id,
		const struct profile_update *p, jv *out, struct wa_err *err)
{
	char path[160];
	jv resp, first;

	*out = jv_invalid();
	if (profile_has_update(p) &&
	    post_edge(g, id, "whatsapp_business_profile", profile_body(p),
		      err) < 0)
		return -1;
	snprintf(path, sizeof(path), "/%s/whatsapp_business_profile?fields="
		 PROFILE_FIELDS, id);
	if (graph_get(g, path, &resp, err) < 0) {
		jv_free(resp);
		return -1;
	}
	first = jx_path(resp, "data", NULL);
	jv_free(resp);
	*out = jv_get_kind(first) == JV_KIND_ARRAY &&
		jv_array_length(jv_copy(first)) > 0 ?
		jv_array_get(jv_copy(first), 0) : jv_object();
	jv_free(first);
	if (jv_get_kind(*out) != JV_KIND_OBJECT) {
		jv_free(*out);
		*out = jv_object();
	}
	*out = jv_object_delete(*out, jv_string("messaging_product"));
	*out = jv_object_merge(profile_has_update(p) ?
		JV_OBJECT(jv_string("ok"), jv_true(), jv_string("channel"),
			  jv_string(id)) :
		JV_OBJECT(jv_string("channel"), jv_string(id)), *out);
	return 0;
}
