/* SPDX-License-Identifier: MIT */
/* The business: its details checked, its one row read and saved. */
#include <ctype.h>
#include <string.h>
#include "channel.h"
#include "tz.h"
#include "jsonl.h"
#include "util.h"

static int
has_ctl(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

static int
name_check(const char *what, const char *v, size_t max, struct wa_err *err)
{
	const char *p = v;

	while (*p == ' ')
		p++;
	if (!*p)
		return wa_err_set(err, WA_EX_USAGE, "invalid_input",
				  "%s: must not be empty", what);
	if (has_ctl(v) || utf8_len(v) > max)
		return wa_err_set(err, WA_EX_USAGE, "invalid_input",
				  "%s: '%s' must be at most %zu characters "
				  "without control characters", what, v, max);
	return 0;
}

static int
country_valid(const char *s)
{
	return strlen(s) == 2 && isalpha((unsigned char)s[0]) &&
	       isalpha((unsigned char)s[1]);
}

/* IANA names the system's tz database has: "Europe/Berlin", "UTC". */
static int
timezone_check(const char *s, struct wa_err *err)
{
	if (tz_cached(s, err))
		return 0;
	if (err->sysexit == WA_EX_USAGE)
		wa_err_prefix(err, "timezone");
	return -1;
}

int
business_validate(const struct business_update *u, struct wa_err *err)
{
	if (u->legal_name && name_check("legal name", u->legal_name, 256, err))
		return -1;
	if (u->display_name &&
	    name_check("display name", u->display_name, 256, err))
		return -1;
	if (u->website && !url_valid(u->website))
		return wa_err_set(err, WA_EX_USAGE, "invalid_input",
				  "website: '%s' is not an http or https URL "
				  "with a host", u->website);
	if (u->email && !email_valid(u->email))
		return wa_err_set(err, WA_EX_USAGE, "invalid_input",
				  "email: '%s' is not an e-mail address",
				  u->email);
	if (u->timezone && timezone_check(u->timezone, err) < 0)
		return -1;
	if (u->country && !country_valid(u->country))
		return wa_err_set(err, WA_EX_USAGE, "invalid_input",
				  "country: '%s' is not a two-letter country "
				  "code", u->country);
	return 0;
}

/* ---- the business row ---- */

int
business_get(struct store *st, jv *out, struct wa_err *err)
{
	struct sq *q = store_q(st, Q_CHANNEL_BIZ_GET);
	int rc;

	*out = jv_invalid();
	rc = sq_step(q);
	if (rc <= 0)
		return rc < 0 ? sq_fail(q, err, "read business") : 1;
	*out = JV_OBJECT(jv_string("legal_name"), sq_col_str(q, 0),
			 jv_string("display_name"), sq_col_str(q, 1),
			 jv_string("website"), sq_col_str(q, 2),
			 jv_string("email"), sq_col_str(q, 3),
			 jv_string("timezone"), sq_col_str(q, 4),
			 jv_string("country"), sq_col_str(q, 5),
			 jv_string("verified"), jv_bool(sq_col_int(q, 6) != 0),
			 jv_string("created_at"), sq_col_time(q, 7),
			 jv_string("updated_at"), sq_col_time(q, 8));
	*out = jv_object_set(*out, jv_string("phone"), sq_col_str(q, 9));
	sq_reset(q);
	return 0;
}

int
business_verified(struct store *st)
{
	struct wa_err err;
	jv b, v;
	int yes;

	if (business_get(st, &b, &err) != 0)
		return 0;
	v = jx_get(b, "verified");
	yes = jv_get_kind(v) == JV_KIND_TRUE;
	jv_free(v);
	jv_free(b);
	return yes;
}

static int
business_missing(const struct business_update *u, struct wa_err *err)
{
	struct strbuf sb = STRBUF_INIT;

	if (!u->legal_name)
		sb_adds(&sb, " legal name,");
	if (!u->display_name)
		sb_adds(&sb, " display name,");
	if (!u->website)
		sb_adds(&sb, " website,");
	if (!u->email)
		sb_adds(&sb, " email,");
	if (sb.len == 0)
		return 0;
	sb.buf[--sb.len] = '\0';
	wa_err_set(err, WA_EX_USAGE, "invalid_input",
		   "a new business needs a legal name, display name, website "
		   "and email; missing:%s", sb.buf);
	sb_release(&sb);
	return -1;
}

int
business_save(struct store *st, const struct business_update *u, int64_t now,
	      int *created, struct wa_err *err)
{
	struct sq *q;
	char cc[3] = "";
	jv old;
	int rc = business_get(st, &old, err);

	jv_free(old);
	if (rc < 0 || business_validate(u, err) < 0)
		return -1;
	*created = rc == 1;
	if (*created && business_missing(u, err) < 0)
		return -1;
	if (u->country) {
		cc[0] = (char)toupper((unsigned char)u->country[0]);
		cc[1] = (char)toupper((unsigned char)u->country[1]);
	}
	q = store_q(st, *created ? Q_CHANNEL_BIZ_INSERT : Q_CHANNEL_BIZ_UPDATE);
	sq_text(q, 1, u->legal_name);
	sq_text(q, 2, u->display_name);
	sq_text(q, 3, u->website);
	sq_text(q, 4, u->email);
	sq_text(q, 5, u->timezone);
	sq_text(q, 6, u->country ? cc : NULL);
	sq_int_or_null(q, 7, u->verified, u->verified < 0);
	sq_int(q, 8, now);
	sq_text(q, 9, u->phone);
	return sq_done(q, err);
}

int
business_phone(const char *in, const char *default_cc, char *out,
	       struct wa_err *err)
{
	if (phone_normalize(in, default_cc, out, 32, err) == 0)
		return 0;
	err->sysexit = WA_EX_USAGE;
	wa_err_prefix(err, "phone");
	return -1;
}
