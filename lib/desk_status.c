/* SPDX-License-Identifier: MIT */
/* Message statuses on the desk (rule 7): their rank, applying one, pricing, the ones that came before their message. */
#include <stdlib.h>
#include <string.h>
#include "desk.h"
#include "desk_int.h"
#include "jsonl.h"

int
desk_status_rank(const char *status)
{
	static const char *const order[] = {
		"sent", "delivered", "failed", "read", "played"
	};
	size_t i;

	for (i = 0; status && i < sizeof(order) / sizeof(order[0]); i++)
		if (strcmp(order[i], status) == 0)
			return (int)i + 1;
	return 0;
}

int
desk_message_status(struct store *st, int64_t message_id,
		    const struct desk_status *ds, char *current, size_t len,
		    struct wa_err *err)
{
	struct sq *q = store_q(st, Q_DESK_STATUS_APPLY);
	int rc;

	sq_int(q, 1, message_id);
	sq_text(q, 2, ds->status);
	sq_int(q, 3, ds->timestamp);
	sq_text(q, 4, ds->error_json);
	sq_int(q, 5, desk_status_rank(ds->status));
	sq_text(q, 6, ds->pricing_category);
	sq_text(q, 7, ds->pricing_type);
	sq_text(q, 8, ds->pricing_model);
	sq_int_or_null(q, 9, ds->billable, ds->billable < 0);
	rc = sq_step(q);
	if (rc < 0)
		return sq_fail(q, err, "apply status");
	if (rc > 0) {
		desk_copy_col(q, 0, current, len);
		sq_reset(q);
	}
	return 0;
}

/* Fills ds's pricing from Meta's pricing object (borrowed). */
void
desk_status_pricing(struct desk_status *ds, jv pricing)
{
	jv b;

	ds->pricing_category = jx_cstr(pricing, "category");
	ds->pricing_type = jx_cstr(pricing, "type");
	ds->pricing_model = jx_cstr(pricing, "pricing_model");
	ds->billable = -1;
	b = jx_get(pricing, "billable");
	if (jv_get_kind(b) == JV_KIND_TRUE)
		ds->billable = 1;
	else if (jv_get_kind(b) == JV_KIND_FALSE)
		ds->billable = 0;
	jv_free(b);
}

struct pending_status {
	int64_t id, ts;
	char *status, *errors, *pricing;
};

static int
apply_pending(struct store *st, int64_t message_id,
	      struct pending_status *p, struct wa_err *err)
{
	struct desk_status ds = { 0 };
	jv pricing = p->pricing ? jv_parse(p->pricing) : jv_invalid();
	struct sq *q;
	int rc;

	ds.status = p->status;
	ds.timestamp = p->ts;
	ds.error_json = p->errors;
	ds.billable = -1;
	if (jv_get_kind(pricing) == JV_KIND_OBJECT)
		desk_status_pricing(&ds, pricing);
	rc = desk_message_status(st, message_id, &ds, NULL, 0, err);
	jv_free(pricing);
	if (rc < 0)
		return -1;
	q = store_q(st, Q_DESK_STATUS_APPLIED);
	sq_int(q, 1, p->id);
	return sq_done(q, err);
}

int
desk_apply_pending_statuses(struct store *st, const char *wamid,
			    struct wa_err *err)
{
	struct pending_status p[8];
	struct sq *q = store_q(st, Q_DESK_MESSAGE_BY_WAMID);
	int64_t message_id;
	char channel[64];
	int rc, n = 0, i, applied = 0;

	sq_text(q, 1, wamid);
	rc = sq_step(q);
	if (rc <= 0)
		return rc < 0 ? sq_fail(q, err, "find message") : 0;
	message_id = sq_col_int(q, 0);
	desk_copy_col(q, 1, channel, sizeof(channel));
	sq_reset(q);
	/* At most one row per status name: collect, then write. */
	q = store_q(st, Q_DESK_PENDING_STATUSES);
	sq_text(q, 1, wamid);
	sq_text(q, 2, channel);
	while (n < 8 && (rc = sq_step(q)) > 0) {
		p[n].id = sq_col_int(q, 0);
		p[n].status = sq_col_dup(q, 1);
		p[n].ts = sq_col_int(q, 2);
		p[n].errors = sq_col_dup(q, 3);
		p[n].pricing = sq_col_dup(q, 4);
		n++;
	}
	if (rc < 0)
		applied = sq_fail(q, err, "read pending statuses");
	else if (rc > 0)
		sq_reset(q);
	for (i = 0; i < n; i++) {
		if (applied >= 0 && apply_pending(st, message_id, &p[i],
						  err) < 0)
			applied = -1;
		else if (applied >= 0)
			applied++;
		free(p[i].status);
		free(p[i].errors);
		free(p[i].pricing);
	}
	return applied;
}
