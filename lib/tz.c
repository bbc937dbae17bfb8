/* SPDX-License-Identifier: MIT */
/* Time zones: TZif files of the tz database read once (RFC 8536), then offsets, local dates and day starts. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tz.h"
#include "util.h"

#define TZ_FILE_MAX (1 << 20)	/* a zone is a few kB */
#define DAY 86400

/* A date of a POSIX TZ rule: Jn, n or Mm.w.d, and the local time. */
struct tz_when {
	char kind;		/* 'J', 'n' or 'M' */
	int a, b, c;		/* n; or month, week, weekday */
	int32_t time;		/* seconds after local midnight */
};

/* The footer's rule, for the instants after the last transition. */
struct tz_rule {
	int32_t std_off;	/* seconds east of UTC */
	int32_t dst_off;
	int has_dst;
	struct tz_when start, end;	/* of daylight time */
};

struct tz {
	char name[TZ_NAME_MAX];
	size_t n;		/* transitions */
	int64_t *at;		/* their instants, ascending */
	int32_t *off;		/* the offset from each on */
	int32_t first_off;	/* before the first (time type 0) */
	int has_rule;
	struct tz_rule rule;
};

int
tz_name_valid(const char *name)
{
	size_t n = strlen(name);
	const char *p;

	if (n == 0 || n >= TZ_NAME_MAX || strspn(name,
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789/_+-") != n)
		return 0;
	for (p = name; p; p = strchr(p, '/') ? strchr(p, '/') + 1 : NULL)
		if (*p == '\0' || *p == '/' || *p == '.' || *p == '-')
			return 0;
	return 1;
}

/* ---- the POSIX TZ rule of the footer -------------------------------- */

/* [+-]hh[:mm[:ss]] with hours up to max; *p moved past it. */
static int
parse_hms(const char **p, int max, int32_t *out)
{
	const char *s = *p;
	int sign = 1, part[3] = { 0, 0, 0 }, i;

	if (*s == '+' || *s == '-')
		sign = *s++ == '-' ? -1 : 1;
	for (i = 0; i < 3; i++) {
		if (i && *s != ':')
			break;
		if (i)
			s++;
		if (*s < '0' || *s > '9')
			return -1;
		while (*s >= '0' && *s <= '9') {
			part[i] = part[i] * 10 + (*s++ - '0');
			if (part[i] > 999)
				return -1;
		}
	}
	if (part[0] > max || part[1] > 59 || part[2] > 59)
		return -1;
	*out = sign * (part[0] * 3600 + part[1] * 60 + part[2]);
	*p = s;
	return 0;
}

/* A zone abbreviation: three or more letters, or <...>. */
static int
parse_abbr(const char **p)
{
	const char *s = *p;
	size_t n;

	if (*s == '<') {
		n = strcspn(s, ">");
		if (s[n] != '>')
			return -1;
		*p = s + n + 1;
		return 0;
	}
	n = strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ");
	if (n < 3)
		return -1;
	*p = s + n;
	return 0;
}

static int
parse_num(const char **p, int lo, int hi, int *out)
{
	int v = 0, digits = 0;

	while (**p >= '0' && **p <= '9' && digits < 4) {
		v = v * 10 + (*(*p)++ - '0');
		digits++;
	}
	if (!digits || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

/* ",Jn[/time]", ",n[/time]" or ",Mm.w.d[/time]". */
static int
parse_when(const char **p, struct tz_when *w)
{
	if (*(*p)++ != ',')
		return -1;
	w->time = 7200;
	if (**p == 'J') {
		(*p)++;
		w->kind = 'J';
		if (parse_num(p, 1, 365, &w->a) < 0)
			return -1;
	} else if (**p == 'M') {
		(*p)++;
		w->kind = 'M';
		if (parse_num(p, 1, 12, &w->a) < 0 || *(*p)++ != '.' ||
		    parse_num(p, 1, 5, &w->b) < 0 || *(*p)++ != '.' ||
		    parse_num(p, 0, 6, &w->c) < 0)
			return -1;
	} else {
		w->kind = 'n';
		if (parse_num(p, 0, 365, &w->a) < 0)
			return -1;
	}
	if (**p == '/') {
		(*p)++;
		return parse_hms(p, 167, &w->time);
	}
	return 0;
}

/* "std offset [dst [offset] [,start[/time],end[/time]]]" (RFC 8536 3.3
 * and POSIX); offsets there count west, ours east. */
static int
parse_rule(const char *s, struct tz_rule *r)
{
	int32_t v;

	memset(r, 0, sizeof(*r));
	if (parse_abbr(&s) < 0 || parse_hms(&s, 24, &v) < 0)
		return -1;
	r->std_off = -v;
	if (*s == '\0')
		return 0;
	if (parse_abbr(&s) < 0)
		return -1;
	r->has_dst = 1;
	r->dst_off = r->std_off + 3600;
	if (*s && *s != ',') {
		if (parse_hms(&s, 24, &v) < 0)
			return -1;
		r->dst_off = -v;
	}
	if (*s == '\0') {	/* no rule: the USA's, as POSIX systems do */
		r->start = (struct tz_when){ 'M', 3, 2, 0, 7200 };
		r->end = (struct tz_when){ 'M', 11, 1, 0, 7200 };
		return 0;
	}
	if (parse_when(&s, &r->start) < 0 || parse_when(&s, &r->end) < 0)
		return -1;
	return *s ? -1 : 0;
}

static int
leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* The day (since 1970-01-01) of w in year y. */
static int64_t
when_day(const struct tz_when *w, int y)
{
	int64_t jan1 = time_from_ymd(y, 1, 1) / DAY, first;
	int wd, d;

	if (w->kind == 'J')
		return jan1 + w->a - 1 + (leap(y) && w->a >= 60);
	if (w->kind == 'n')
		return jan1 + w->a;
	first = time_from_ymd(y, w->a, 1) / DAY;
	wd = (int)(((first + 4) % 7 + 7) % 7);	/* 1970-01-01: Thursday */
	d = 1 + (w->c - wd + 7) % 7 + (w->b - 1) * 7;
	while (d > time_days_in_month(y, w->a))
		d -= 7;
	return first + d - 1;
}

/* The instants daylight time starts and ends in year y. */
static void
rule_year(const struct tz_rule *r, int y, int64_t *start, int64_t *end)
{
	*start = when_day(&r->start, y) * DAY + r->start.time - r->std_off;
	*end = when_day(&r->end, y) * DAY + r->end.time - r->dst_off;
}

static int
utc_year(int64_t t)
{
	int y, m, d;

	time_to_ymd(t, &y, &m, &d);
	return y;
}

static int32_t
rule_offset(const struct tz_rule *r, int64_t t)
{
	int64_t s, e;
	int in;

	if (!r->has_dst)
		return r->std_off;
	rule_year(r, utc_year(t + r->std_off), &s, &e);
	in = s < e ? (t >= s && t < e) : !(t >= e && t < s);
	return in ? r->dst_off : r->std_off;
}

/* The first start or end of daylight time after t. */
static int64_t
rule_next(const struct tz_rule *r, int64_t t)
{
	int64_t best = INT64_MAX, s, e;
	int y = utc_year(t), i;

	if (!r->has_dst)
		return INT64_MAX;
	for (i = -1; i <= 1; i++) {
		rule_year(r, y + i, &s, &e);
		if (s > t && s < best)
			best = s;
		if (e > t && e < best)
			best = e;
	}
	return best;
}

/* ---- TZif ------------------------------------------------------------ */

static uint32_t
be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static int64_t
be64(const unsigned char *p)
{
	return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

struct tzif_counts {
	uint32_t isut, isstd, leap, time, type, chars;
};

/* The header at p (44 bytes); the size of the data block after it for
 * times of tsize bytes, or 0 when it does not fit in left. */
static size_t
tzif_header(const unsigned char *p, size_t left, int tsize,
	    struct tzif_counts *c)
{
	size_t need;

	if (left < 44 || memcmp(p, "TZif", 4) != 0)
		return 0;
	c->isut = be32(p + 20);
	c->isstd = be32(p + 24);
	c->leap = be32(p + 28);
	c->time = be32(p + 32);
	c->type = be32(p + 36);
	c->chars = be32(p + 40);
	if (c->type == 0 || c->type > 256 || c->time > 100000 ||
	    c->leap > 100000 || c->chars > 100000)
		return 0;
	need = (size_t)c->time * (tsize + 1) + (size_t)c->type * 6 +
	       c->chars + (size_t)c->leap * (tsize + 4) + c->isstd + c->isut;
	return need <= left - 44 ? need : 0;
}

/* Reads the data block at p: transitions with times of tsize bytes. */
static int
tzif_data(struct tz *z, const unsigned char *p, int tsize,
	  const struct tzif_counts *c)
{
	const unsigned char *idx = p + (size_t)c->time * tsize;
	const unsigned char *types = idx + c->time;
	size_t i;

	z->n = c->time;
	z->at = xcalloc(z->n + 1, sizeof(*z->at));
	z->off = xcalloc(z->n + 1, sizeof(*z->off));
	z->first_off = (int32_t)be32(types);
	for (i = 0; i < z->n; i++) {
		if (idx[i] >= c->type)
			return -1;
		z->at[i] = tsize == 8 ? be64(p + i * 8) :
			   (int32_t)be32(p + i * 4);
		z->off[i] = (int32_t)be32(types + idx[i] * 6);
		if (i && z->at[i] <= z->at[i - 1])
			return -1;
	}
	return 0;
}

/* The whole file in buf (n bytes) into z. */
static int
tzif_parse(struct tz *z, const unsigned char *buf, size_t n)
{
	struct tzif_counts c;
	size_t v1 = tzif_header(buf, n, 4, &c), v2, at;
	char footer[128];
	const unsigned char *nl;

	if (!v1)
		return -1;
	if (buf[4] < '2')	/* version 1: 32-bit times, no footer */
		return tzif_data(z, buf + 44, 4, &c);
	at = 44 + v1;
	v2 = tzif_header(buf + at, n - at, 8, &c);
	if (!v2 || tzif_data(z, buf + at + 44, 8, &c) < 0)
		return -1;
	at += 44 + v2;
	if (at + 2 > n || buf[at] != '\n')
		return 0;
	nl = memchr(buf + at + 1, '\n', n - at - 1);
	if (!nl || (size_t)(nl - buf - at - 1) >= sizeof(footer))
		return -1;
	memcpy(footer, buf + at + 1, (size_t)(nl - buf - at - 1));
	footer[nl - buf - at - 1] = '\0';
	if (!footer[0])
		return 0;
	if (parse_rule(footer, &z->rule) < 0)
		return -1;
	z->has_rule = 1;
	return 0;
}

static int
tz_read(struct tz *z, const char *path, struct wa_err *err)
{
	FILE *fp = fopen(path, "rb");
	unsigned char *buf;
	size_t n;
	int rc;

	if (!fp)
		return -1;
	buf = xmalloc(TZ_FILE_MAX);
	n = fread(buf, 1, TZ_FILE_MAX, fp);
	rc = ferror(fp) || n == TZ_FILE_MAX ? -1 : tzif_parse(z, buf, n);
	fclose(fp);
	free(buf);
	if (rc < 0)
		wa_err_set(err, WA_EX_IOERR, "io", "'%s' is not a time zone "
			   "file of the tz database", path);
	return rc;
}

int
tz_load(struct tz **out, const char *name, const char *dir,
	struct wa_err *err)
{
	struct tz *z;
	struct strbuf sb = STRBUF_INIT;
	int rc;

	*out = NULL;
	if (!tz_name_valid(name))
		return wa_err_set(err, WA_EX_USAGE, "invalid_input",
				  "'%s' is not a time zone name like "
				  "Europe/Berlin", name);
	z = xcalloc(1, sizeof(*z));
	snprintf(z->name, sizeof(z->name), "%s", name);
	/* UTC needs no database (a machine without tzdata has it too) */
	if (strcmp(name, "UTC") == 0 || strcmp(name, "Etc/UTC") == 0) {
		*out = z;
		return 0;
	}
	wa_err_clear(err);
	sb_addf(&sb, "%s/%s", dir ? dir : TZ_DIR_DEFAULT, name);
	rc = tz_read(z, sb.buf, err);
	if (rc < 0 && !err->code[0])
		wa_err_set(err, WA_EX_USAGE, "invalid_input",
			   "'%s' is not a time zone of the tz database (%s): "
			   "%s", name, dir ? dir : TZ_DIR_DEFAULT,
			   strerror(errno));
	sb_release(&sb);
	if (rc < 0) {
		tz_free(z);
		return -1;
	}
	*out = z;
	return 0;
}

void
tz_free(struct tz *z)
{
	if (!z)
		return;
	free(z->at);
	free(z->off);
	free(z);
}

/* The zones loaded so far, each once: a desk has one business zone. */
static struct tz_cache {
	struct tz *z;
	struct tz_cache *next;
} *cache;
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;

const struct tz *
tz_cached(const char *name, struct wa_err *err)
{
	struct tz_cache *c;
	struct tz *z = NULL;

	pthread_mutex_lock(&cache_lock);
	for (c = cache; c; c = c->next)
		if (strcmp(c->z->name, name) == 0) {
			z = c->z;
			break;
		}
	if (!z && tz_load(&z, name, NULL, err) == 0) {
		c = xmalloc(sizeof(*c));
		c->z = z;
		c->next = cache;
		cache = c;
	}
	pthread_mutex_unlock(&cache_lock);
	return z;
}

const char *
tz_name(const struct tz *z)
{
	return z ? z->name : "UTC";
}

/* ---- questions ------------------------------------------------------- */

/* The index of the last transition at or before t, -1 when none. */
static long
last_at(const struct tz *z, int64_t t)
{
	size_t lo = 0, hi = z->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (z->at[mid] <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (long)lo - 1;
}

int32_t
tz_offset(const struct tz *z, int64_t t)
{
	long i;

	if (!z)
		return 0;
	if (z->n == 0)
		return z->has_rule ? rule_offset(&z->rule, t) : z->first_off;
	i = last_at(z, t);
	if (i < 0)
		return z->first_off;
	if ((size_t)i == z->n - 1 && z->has_rule)
		return rule_offset(&z->rule, t);
	return z->off[i];
}

/* The first instant after t at which the offset may change. */
static int64_t
next_change(const struct tz *z, int64_t t)
{
	long i;

	if (z->n && t < z->at[z->n - 1]) {
		i = last_at(z, t);
		return z->at[i + 1];
	}
	return z->has_rule ? rule_next(&z->rule, t) : INT64_MAX;
}

void
tz_date(const struct tz *z, int64_t t, int *y, int *m, int *d)
{
	time_to_ymd(t + tz_offset(z, t), y, m, d);
}

int64_t
tz_day_start(const struct tz *z, int y, int m, int d)
{
	int64_t day, t, next, cand;
	int32_t o;
	int i;

	if (m < 1) {
		m += 12;
		y--;
	} else if (m > 12) {
		m -= 12;
		y++;
	}
	day = time_from_ymd(y, m, d);
	if (!z)
		return day;
	/* No offset reaches 16 hours: before day - 16 h every local time is
	 * of an earlier day. Between changes local time grows with t, so
	 * the first instant of each stretch with a late enough local time
	 * is max(start, day - offset). */
	t = day - 16 * 3600;
	for (i = 0; i < 64; i++) {
		o = tz_offset(z, t);
		next = next_change(z, t);
		cand = day - o > t ? day - o : t;
		if (cand < next)
			return cand;
		t = next;
	}
	return day - tz_offset(z, day);
}
