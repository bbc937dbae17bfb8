/* SPDX-License-Identifier: MIT */
/* Channels, rule 1 (25 numbers per WABA, one connection per number), business and profile checks. */
#include <ctype.h>
#include <string.h>
#include <strings.h>
#include "channel.h"
#include "jsonl.h"
#include "util.h"

#define CH_COLS \
	"id, waba_id, phone, display_phone_number, verified_name, status, " \
	"code_verification_status, quality_rating, platform_type, " \
	"code_requested_at, code_method, verified_at, registered_at, " \
	"subscribed_at, connected_at, disconnected_at, info, " \
	"quality_event, messaging_limit"

static const char SQL_CH_GET[] =
	"SELECT id, waba_id, phone, status, connected_at, disconnected_at "
	"FROM channels WHERE id = ?1";
static const char SQL_CH_CONNECTED[] =
	"SELECT id FROM channels WHERE status = 'connected' ORDER BY id "
	"LIMIT 11";
static const char SQL_CH_BY_PHONE[] =
	"SELECT id FROM channels WHERE phone = ?1 AND status = 'connected'";
static const char SQL_CH_COUNT[] =
	"SELECT count(*) FROM channels WHERE waba_id = ?1 "
	"AND status = 'connected'";
static const char SQL_CH_HISTORY[] =
	"SELECT info, connected_at, disconnected_at FROM channels "
	"WHERE id = ?1";
static const char SQL_CH_UPSERT[] =
	"INSERT INTO channels (id, waba_id, phone, display_phone_number, "
	"  verified_name, code_verification_status, quality_rating, "
	"  platform_type, status, connected_at, disconnected_at, info) "
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'connected', ?9, NULL, ?10) "
	"ON CONFLICT (id) DO UPDATE SET waba_id = excluded.waba_id, "
	"  phone = excluded.phone, "
	"  display_phone_number = excluded.display_phone_number, "
	"  verified_name = excluded.verified_name, "
	"  code_verification_status = excluded.code_verification_status, "
	"  quality_rating = excluded.quality_rating, "
	"  platform_type = excluded.platform_type, status = 'connected', "
	"  connected_at = excluded.connected_at, disconnected_at = NULL, "
	"  info = excluded.info";
static const char SQL_CH_DISCONNECT[] =
	"UPDATE channels SET status = 'disconnected', disconnected_at = ?2 "
	"WHERE id = ?1";
static const char SQL_CH_CODE[] =
	"UPDATE channels SET code_requested_at = ?2, code_method = ?3 "
	"WHERE id = ?1";
static const char SQL_CH_VERIFIED[] =
	"UPDATE channels SET verified_at = ?2, "
	"code_verification_status = 'VERIFIED' WHERE id = ?1";
static const char SQL_CH_REGISTERED[] =
	"UPDATE channels SET registered_at = ?2 WHERE id = ?1";
static const char SQL_CH_SUBSCRIBED[] =
	"UPDATE channels SET subscribed_at = ?2 WHERE id = ?1";
static const char SQL_CH_RECORD[] =
	"SELECT " CH_COLS " FROM channels WHERE id = ?1";
static const char SQL_CH_LIST[] =
	"SELECT " CH_COLS " FROM channels "
	"ORDER BY status = 'connected' DESC, id";

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
copy_col(char *dst, size_t n, sqlite3_stmt *s, int col)
{
	const unsigned char *t = sqlite3_column_text(s, col);

	snprintf(dst, n, "%s", t ? (const char *)t : "");
}

int
channel_get(struct store *st, const char *id, struct channel *out,
	    struct wa_err *err)
{
	sqlite3_stmt *s = store_stmt(st, SQL_CH_GET);
	int rc;

	memset(out, 0, sizeof(*out));
	store_bind_text(s, 1, id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_DONE) {
		sqlite3_reset(s);
		return 1;
	}
	if (rc != SQLITE_ROW) {
		sqlite3_reset(s);
		return store_fail(st, err, "read channel");
	}
	copy_col(out->id, sizeof(out->id), s, 0);
	copy_col(out->waba_id, sizeof(out->waba_id), s, 1);
	copy_col(out->phone, sizeof(out->phone), s, 2);
	out->connected = strcmp((const char *)sqlite3_column_text(s, 3),
				"connected") == 0;
	out->connected_at = sqlite3_column_int64(s, 4);
	out->disconnected_at = sqlite3_column_type(s, 5) == SQLITE_NULL ? -1 :
		sqlite3_column_int64(s, 5);
	sqlite3_reset(s);
	return 0;
}

static int
resolve_only(struct store *st, char *out_id, struct wa_err *err)
{
	sqlite3_stmt *s = store_stmt(st, SQL_CH_CONNECTED);
	struct strbuf names = STRBUF_INIT;
	int n = 0, rc;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(s, 0);

		if (n == 0)
			snprintf(out_id, CHANNEL_ID_MAX, "%s", id);
		sb_addf(&names, "%s%s", n ? ", " : "", n < 10 ? id : "...");
		n++;
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		sb_release(&names);
		return store_fail(st, err, "read channels");
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
	sqlite3_stmt *s = store_stmt(st, SQL_CH_COUNT);

	*n = 0;
	store_bind_text(s, 1, waba_id);
	return store_step_int(st, s, n, "count channels", err) < 0 ? -1 : 0;
}

static int
phone_owner(struct store *st, const char *phone, char *id, size_t n,
	    struct wa_err *err)
{
	sqlite3_stmt *s = store_stmt(st, SQL_CH_BY_PHONE);
	int rc;

	id[0] = '\0';
	store_bind_text(s, 1, phone);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		copy_col(id, n, s, 0);
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(st, err, "read channels");
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
	sqlite3_stmt *s = store_stmt(st, SQL_CH_HISTORY);
	jv old, hist = jv_array();
	int rc;

	store_bind_text(s, 1, n->id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		old = store_col_json(s, 0);
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
			jv_string("connected_at"), store_col_time(s, 1),
			jv_string("disconnected_at"), store_col_time(s, 2)));
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		jv_free(hist);
		return store_fail(st, err, "read channel");
	}
	*info = JV_OBJECT(jv_string("number"), jv_copy(n->raw),
			  jv_string("history"), hist);
	return 0;
}

int
channel_connect(struct store *st, const struct channel_number *n,
		int64_t now, struct wa_err *err)
{
	sqlite3_stmt *s;
	jv info;

	if (channel_check_connect(st, n->waba_id, n->id, n->phone, err) < 0 ||
	    connect_info(st, n, &info, err) < 0)
		return -1;
	s = store_stmt(st, SQL_CH_UPSERT);
	store_bind_text(s, 1, n->id);
	store_bind_text(s, 2, n->waba_id);
	store_bind_text(s, 3, n->phone);
	store_bind_text(s, 4, n->display_phone_number);
	store_bind_text(s, 5, n->verified_name);
	store_bind_text(s, 6, n->code_verification_status);
	store_bind_text(s, 7, n->quality_rating);
	store_bind_text(s, 8, n->platform_type);
	store_bind_int(s, 9, now);
	store_bind_jv(s, 10, info);
	jv_free(info);
	return store_step_done(st, s, err);
}

int
channel_disconnect(struct store *st, const char *id, int64_t now, int *left,
		   struct wa_err *err)
{
	sqlite3_stmt *s;
	struct channel c;
	char rid[CHANNEL_ID_MAX];
	int64_t n;

	*left = 0;
	if (channel_resolve(st, id, rid, err) < 0 ||
	    channel_get(st, id, &c, err) != 0)
		return -1;
	s = store_stmt(st, SQL_CH_DISCONNECT);
	store_bind_text(s, 1, id);
	store_bind_int(s, 2, now);
	if (store_step_done(st, s, err) < 0 ||
	    count_connected(st, c.waba_id, &n, err) < 0)
		return -1;
	*left = (int)n;
	return 0;
}

int
channel_mark(struct store *st, const char *id, enum channel_step step,
	     const char *arg, int64_t now, struct wa_err *err)
{
	static const char *const sql[] = {
		[CHANNEL_CODE_REQUESTED] = SQL_CH_CODE,
		[CHANNEL_VERIFIED] = SQL_CH_VERIFIED,
		[CHANNEL_REGISTERED] = SQL_CH_REGISTERED,
		[CHANNEL_SUBSCRIBED] = SQL_CH_SUBSCRIBED,
	};
	sqlite3_stmt *s = store_stmt(st, sql[step]);

	store_bind_text(s, 1, id);
	store_bind_int(s, 2, now);
	if (step == CHANNEL_CODE_REQUESTED)
		store_bind_text(s, 3, arg);
	return store_step_done(st, s, err);
}

static jv
channel_row(sqlite3_stmt *s)
{
	jv info = store_col_json(s, 16), hist = jx_get(info, "history");

	jv_free(info);
	if (jv_get_kind(hist) != JV_KIND_ARRAY) {
		jv_free(hist);
		hist = jv_array();
	}
	jv r = JV_OBJECT(
		jv_string("channel"), store_col_str(s, 0),
		jv_string("waba_id"), store_col_str(s, 1),
		jv_string("phone"), store_col_str(s, 2),
		jv_string("display_phone_number"), store_col_str(s, 3),
		jv_string("verified_name"), store_col_str(s, 4),
		jv_string("status"), store_col_str(s, 5),
		jv_string("code_verification_status"), store_col_str(s, 6),
		jv_string("quality_rating"), store_col_str(s, 7),
		jv_string("platform_type"), store_col_str(s, 8));
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
				  store_col_time(s, more[i].col) :
				  store_col_str(s, more[i].col));
	return jv_object_set(r, jv_string("history"), hist);
}

int
channel_record(struct store *st, const char *id, jv *out, struct wa_err *err)
{
	sqlite3_stmt *s = store_stmt(st, SQL_CH_RECORD);
	int rc;

	*out = jv_invalid();
	store_bind_text(s, 1, id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*out = channel_row(s);
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return 0;
	return rc == SQLITE_DONE ? 1 : store_fail(st, err, "read channel");
}

int
channel_list(struct store *st, const char *waba_id, jv *out,
	     struct wa_err *err)
{
	sqlite3_stmt *s = store_stmt(st, SQL_CH_LIST);
	const unsigned char *w;
	int rc;

	*out = jv_array();
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		w = sqlite3_column_text(s, 1);
		if (!waba_id || (w && strcmp((const char *)w, waba_id) == 0))
			*out = jv_array_append(*out, channel_row(s));
	}
	sqlite3_reset(s);
	if (rc == SQLITE_DONE)
		return 0;
	jv_free(*out);
	*out = jv_invalid();
	return store_fail(st, err, "list channels");
}

/* ---- shapes: URLs, e-mail addresses, names ---- */

static int
has_ctl(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

/* Host name labels: [A-Za-z0-9-] (and UTF-8 for IDN), not starting or
 * ending with '-', separated by single dots; n bytes of s. */
static int
host_valid(const char *s, size_t n, int need_dot)
{
	size_t i, label = 0, dots = 0;

	if (n == 0 || n > 253)
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '.') {
			if (label == 0 || s[i - 1] == '-')
				return 0;
			label = 0;
			dots++;
		} else if (isalnum(c) || c >= 0x80 ||
			   (c == '-' && label > 0)) {
			if (++label > 63)
				return 0;
		} else {
			return 0;
		}
	}
	return label > 0 && s[n - 1] != '-' && (!need_dot || dots > 0);
}

static int
port_valid(const char *s, size_t n)
{
	char buf[8];
	long long v;

	if (n == 0 || n >= sizeof(buf))
		return 0;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return parse_int(buf, 1, 65535, &v) == 0;
}

int
url_valid(const char *s)
{
	const char *h, *end, *colon;
	size_t i;

	if (strncasecmp(s, "http://", 7) == 0)
		h = s + 7;
	else if (strncasecmp(s, "https://", 8) == 0)
		h = s + 8;
	else
		return 0;
	if (strlen(s) > 2048)
		return 0;
	for (i = 0; s[i]; i++)
		if ((unsigned char)s[i] <= 0x20 || s[i] == 0x7f)
			return 0;
	end = h + strcspn(h, "/?#");
	if (memchr(h, '@', (size_t)(end - h)))
		return 0;	/* no user:password@ in a business website */
	if (*h == '[') {
		const char *rb = memchr(h, ']', (size_t)(end - h));

		if (!rb || rb == h + 1 ||
		    strspn(h + 1, "0123456789abcdefABCDEF:.") !=
		    (size_t)(rb - h - 1))
			return 0;
		if (rb + 1 == end)
			return 1;
		return rb[1] == ':' && port_valid(rb + 2,
						  (size_t)(end - rb - 2));
	}
	colon = memchr(h, ':', (size_t)(end - h));
	if (colon && !port_valid(colon + 1, (size_t)(end - colon - 1)))
		return 0;
	return host_valid(h, (size_t)((colon ? colon : end) - h), 0);
}

int
email_valid(const char *s)
{
	static const char atext[] = "abcdefghijklmnopqrstuvwxyz"
		"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+/=?^_`{|}~-.";
	const char *at = strrchr(s, '@'), *tld;
	size_t local, i;

	if (!at || strlen(s) > 254)
		return 0;
	local = (size_t)(at - s);
	if (local == 0 || local > 64 || strspn(s, atext) != local ||
	    s[0] == '.' || at[-1] == '.')
		return 0;
	for (i = 1; i < local; i++)
		if (s[i] == '.' && s[i - 1] == '.')
			return 0;
	if (!host_valid(at + 1, strlen(at + 1), 1))
		return 0;
	tld = strrchr(at + 1, '.') + 1;
	return strlen(tld) >= 2 && !isdigit((unsigned char)tld[0]);
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

/* IANA names: "Europe/Berlin", "America/Argentina/Buenos_Aires", "UTC". */
static int
timezone_valid(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && n <= 64 && isalpha((unsigned char)s[0]) &&
	       strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		      "0123456789/_+-") == n &&
	       s[n - 1] != '/' && !strstr(s, "//");
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
	if (u->timezone && !timezone_valid(u->timezone))
		return wa_err_set(err, WA_EX_USAGE, "invalid_input",
				  "timezone: '%s' is not a time zone name like "
				  "Europe/Berlin", u->timezone);
	if (u->country && !country_valid(u->country))
		return wa_err_set(err, WA_EX_USAGE, "invalid_input",
				  "country: '%s' is not a two-letter country "
				  "code", u->country);
	return 0;
}

/* ---- the business row ---- */

static const char SQL_BIZ_GET[] =
	"SELECT legal_name, display_name, website, email, timezone, country, "
	"verified, created_at, updated_at FROM business WHERE id = 1";
static const char SQL_BIZ_INSERT[] =
	"INSERT INTO business (id, legal_name, display_name, website, email, "
	"  timezone, country, verified, created_at, updated_at) "
	"VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, coalesce(?7, 0), ?8, ?8)";
static const char SQL_BIZ_UPDATE[] =
	"UPDATE business SET legal_name = coalesce(?1, legal_name), "
	"  display_name = coalesce(?2, display_name), "
	"  website = coalesce(?3, website), email = coalesce(?4, email), "
	"  timezone = coalesce(?5, timezone), "
	"  country = coalesce(?6, country), "
	"  verified = coalesce(?7, verified), updated_at = ?8 WHERE id = 1";

int
business_get(struct store *st, jv *out, struct wa_err *err)
{
	sqlite3_stmt *s = store_stmt(st, SQL_BIZ_GET);
	int rc;

	*out = jv_invalid();
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*out = JV_OBJECT(
			jv_string("legal_name"), store_col_str(s, 0),
			jv_string("display_name"), store_col_str(s, 1),
			jv_string("website"), store_col_str(s, 2),
			jv_string("email"), store_col_str(s, 3),
			jv_string("timezone"), store_col_str(s, 4),
			jv_string("country"), store_col_str(s, 5),
			jv_string("verified"), jv_bool(
				sqlite3_column_int(s, 6) != 0),
			jv_string("created_at"), store_col_time(s, 7),
			jv_string("updated_at"), store_col_time(s, 8));
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return 0;
	return rc == SQLITE_DONE ? 1 : store_fail(st, err, "read business");
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
	sqlite3_stmt *s;
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
	s = store_stmt(st, *created ? SQL_BIZ_INSERT : SQL_BIZ_UPDATE);
	store_bind_text(s, 1, u->legal_name);
	store_bind_text(s, 2, u->display_name);
	store_bind_text(s, 3, u->website);
	store_bind_text(s, 4, u->email);
	store_bind_text(s, 5, u->timezone);
	store_bind_text(s, 6, u->country ? cc : NULL);
	store_bind_int_or_null(s, 7, u->verified, u->verified < 0);
	store_bind_int(s, 8, now);
	return store_step_done(st, s, err);
}

/* ---- the WhatsApp business profile ---- */

static const char *const verticals[] = {
	"ALCOHOL", "APPAREL", "AUTO", "BEAUTY", "EDU", "ENTERTAIN",
	"EVENT_PLAN", "FINANCE", "GOVT", "GROCERY", "HEALTH", "HOTEL",
	"NONPROFIT", "ONLINE_GAMBLING", "OTC_DRUGS", "OTHER",
	"PHYSICAL_GAMBLING", "PROF_SERVICES", "RESTAURANT", "RETAIL",
	"TRAVEL", NULL
};

/* Meta's spelling of vertical v ("" clears it), or NULL when unknown. */
static const char *
vertical_name(const char *v)
{
	const char *const *p;

	if (!*v)
		return "";
	for (p = verticals; *p; p++)
		if (strcasecmp(*p, v) == 0)
			return *p;
	return NULL;
}

static int
text_check(const char *what, const char *v, size_t min, size_t max,
	   struct wa_err *err)
{
	size_t n;

	if (!v)
		return 0;
	n = utf8_len(v);
	if (n < min || n > max)
		return wa_err_set(err, WA_EX_USAGE, "invalid_input",
				  "%s: %zu characters, must be %zu to %zu",
				  what, n, min, max);
	return 0;
}

int
profile_validate(const struct profile_update *p, struct wa_err *err)
{
	int i;

	if (text_check("about", p->about, 1, 139, err) ||
	    text_check("address", p->address, 0, 256, err) ||
	    text_check("description", p->description, 0, 512, err) ||
	    text_check("email", p->email, 0, 128, err))
		return -1;
	if (p->email && *p->email && !email_valid(p->email))
		return wa_err_set(err, WA_EX_USAGE, "invalid_input",
				  "email: '%s' is not an e-mail address",
				  p->email);
	if (p->vertical && !vertical_name(p->vertical))
		return wa_err_set(err, WA_EX_USAGE, "invalid_input",
				  "vertical: '%s' is not one of Meta's "
				  "verticals (e.g. RETAIL, EDU, OTHER)",
				  p->vertical);
	if (p->nwebsites > 2)
		return wa_err_set(err, WA_EX_USAGE, "invalid_input",
				  "website: at most 2 websites");
	for (i = 0; i < p->nwebsites; i++)
		if (!url_valid(p->websites[i]) ||
		    utf8_len(p->websites[i]) > 256)
			return wa_err_set(err, WA_EX_USAGE, "invalid_input",
					  "website: '%s' is not an http or "
					  "https URL of at most 256 characters",
					  p->websites[i]);
	return 0;
}

int
profile_has_update(const struct profile_update *p)
{
	return p->about || p->address || p->description || p->email ||
	       p->vertical || p->nwebsites > 0;
}

static jv
set_opt(jv o, const char *k, const char *v)
{
	return v ? jv_object_set(o, jv_string(k), jv_string(v)) : o;
}

jv
profile_body(const struct profile_update *p)
{
	jv o = JV_OBJECT(jv_string("messaging_product"), jv_string("whatsapp"));
	jv ws;
	int i;

	o = set_opt(o, "about", p->about);
	o = set_opt(o, "address", p->address);
	o = set_opt(o, "description", p->description);
	o = set_opt(o, "email", p->email);
	if (p->vertical)
		o = set_opt(o, "vertical", vertical_name(p->vertical));
	if (p->nwebsites > 0) {
		ws = jv_array();
		for (i = 0; i < p->nwebsites && i < 2; i++)
			ws = jv_array_append(ws, jv_string(p->websites[i]));
		o = jv_object_set(o, jv_string("websites"), ws);
	}
	return o;
}
