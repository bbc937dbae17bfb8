/* SPDX-License-Identifier: MIT */
/* wa-connect add-number: a new number in a WABA (POST /{waba}/phone_numbers). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "connect.h"
#include "jsonl.h"
#include "util.h"

int
connect_number_check(struct connect_number *n, struct wa_err *err)
{
	char in[64], full[32];
	size_t cl;

	if (!channel_id_valid(n->waba_id))
		return wa_err_set(err, WA_EX_USAGE, "invalid_input", "waba: "
				  "'%s' is not a Graph id (digits)", n->waba_id);
	cl = strlen(n->cc);
	if (cl < 1 || cl > 3 || strspn(n->cc, "0123456789") != cl ||
	    n->cc[0] == '0')
		return wa_err_set(err, WA_EX_USAGE, "invalid_input", "cc: '%s' "
				  "is not a country calling code (1 to 3 "
				  "digits)", n->cc);
	snprintf(in, sizeof(in), "+%s %s", n->cc, n->number);
	if (phone_normalize(in, NULL, full, sizeof(full), err) < 0 ||
	    strncmp(full, n->cc, cl) != 0) {
		wa_err_set(err, WA_EX_USAGE, "invalid_input", "number: '%s' is "
			   "not a phone number in country code %s", n->number,
			   n->cc);
		return -1;
	}
	/* the national part, digits only, as Meta takes it */
	snprintf(n->national, sizeof(n->national), "%s", full + cl);
	snprintf(n->phone, sizeof(n->phone), "%s", full);
	if (!n->name || !*n->name || strlen(n->name) > 256 ||
	    strpbrk(n->name, "\n\r\t"))
		return wa_err_set(err, WA_EX_USAGE, "invalid_input",
				  "display name: one line of 1 to 256 "
				  "characters");
	return 0;
}

struct count {
	long n;
	const char *phone;
	int dup;
};

static int
page_count(jv data, void *ctx)
{
	struct count *c = ctx;
	struct wa_err e;
	char d[32];

	jv_array_foreach(data, i, num) {
		const char *s = jx_cstr(num, "display_phone_number");

		(void)i;
		c->n++;
		if (s && phone_normalize(s, NULL, d, sizeof(d), &e) == 0 &&
		    strcmp(d, c->phone) == 0)
			c->dup = 1;
		jv_free(num);
	}
	jv_free(data);
	return 0;
}

int
connect_add_number(struct graph *g, const struct connect_number *n,
		   jv *rec, struct wa_err *err)
{
	struct count c = { 0, n->phone, 0 };
	struct strbuf path = STRBUF_INIT;
	char what[96];
	const char *id;
	jv resp;

	*rec = jv_invalid();
	sb_addf(&path, "/%s/phone_numbers?fields=id,display_phone_number",
		n->waba_id);
	snprintf(what, sizeof(what), "phone numbers of WABA '%.60s'",
		 n->waba_id);
	if (graph_pages(g, sb_str(&path), 100, what, page_count, &c, NULL,
			err) < 0) {
		sb_release(&path);
		return -1;
	}
	sb_release(&path);
	if (c.dup)
		return wa_err_set(err, WA_EX_REJECTED, "exists",
				  "+%s is already in WABA '%s'; wa-connect "
				  "list or GET /%s/phone_numbers shows its id",
				  n->phone, n->waba_id, n->waba_id);
	if (c.n >= CHANNEL_WABA_MAX)
		return wa_err_set(err, WA_EX_REJECTED, "limit_reached",
				  "WABA '%s' already has %ld numbers, the "
				  "most allowed is %d", n->waba_id, c.n,
				  CHANNEL_WABA_MAX);
	sb_addf(&path, "/%s/phone_numbers", n->waba_id);
	if (graph_post(g, sb_str(&path), JV_OBJECT(jv_string("cc"),
		       jv_string(n->cc), jv_string("phone_number"),
		       jv_string(n->national), jv_string("verified_name"),
		       jv_string(n->name)), &resp, err) < 0) {
		sb_release(&path);
		return -1;
	}
	sb_release(&path);
	id = jx_cstr(resp, "id");
	if (!id || !channel_id_valid(id)) {
		jv_free(resp);
		return wa_err_set(err, WA_EX_UNAVAILABLE, "graph_error",
				  "POST phone_numbers answered without an id");
	}
	*rec = JV_OBJECT(jv_string("ok"), jv_true(),
			 jv_string("phone_number_id"), jv_string(id),
			 jv_string("waba_id"), jv_string(n->waba_id),
			 jv_string("phone"), jv_string(n->phone),
			 jv_string("verified_name"), jv_string(n->name),
			 jv_string("numbers_in_waba"), jv_number(c.n + 1));
	jv_free(resp);
	return 0;
}
