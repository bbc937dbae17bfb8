/* SPDX-License-Identifier: MIT */
/* Time zones: TZif files of the tz database read once (RFC 8536), then offsets, local dates and day starts (footer rules: tz_rule.c). */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tz.h"
#include "tz_int.h"
#include "util.h"

#define TZ_FILE_MAX (1 << 20)	/* a zone is a few kB */

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
	if (tz_rule_parse(footer, &z->rule) < 0)
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
		return z->has_rule ? tz_rule_offset(&z->rule, t) : z->first_off;
	i = last_at(z, t);
	if (i < 0)
		return z->first_off;
	if ((size_t)i == z->n - 1 && z->has_rule)
		return tz_rule_offset(&z->rule, t);
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
	return z->has_rule ? tz_rule_next(&z->rule, t) : INT64_MAX;
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
