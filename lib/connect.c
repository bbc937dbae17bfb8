/* SPDX-License-Identifier: MIT */
/* wa-connect's Graph flows: add (rule 1 + subscription), verification steps, profile. */
#include <stdio.h>
#include "connect.h"
#include "jsonl.h"

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

static int
record_connect(struct store *st, const struct channel_number *n, int64_t now,
	       struct wa_err *err)
{
	if (store_begin(st, err) < 0)
		return -1;
	if (channel_connect(st, n, now, err) < 0 ||
	    channel_mark(st, n->id, CHANNEL_SUBSCRIBED, NULL, now, err) < 0 ||
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
connect_step(struct store *st, struct graph *g, const char *id,
	     enum channel_step step, jv body, const char *arg, int64_t now,
	     struct wa_err *err)
{
	static const char *const edges[] = {
		[CHANNEL_CODE_REQUESTED] = "request_code",
		[CHANNEL_VERIFIED] = "verify_code",
		[CHANNEL_REGISTERED] = "register",
		[CHANNEL_SUBSCRIBED] = "subscribed_apps",
	};
	char rid[CHANNEL_ID_MAX];

	if (channel_resolve(st, id, rid, err) < 0) {
		jv_free(body);
		return -1;
	}
	if (post_edge(g, rid, edges[step], body, err) < 0)
		return -1;
	return channel_mark(st, rid, step, arg, now, err);
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
	return 0;
}
