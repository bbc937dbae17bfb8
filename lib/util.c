/* SPDX-License-Identifier: MIT */
/* Memory, string buffers, integer parsing, the clock (WA_NOW), phone numbers, encodings (calendar time: util_time.c). */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "util.h"

extern char *program_invocation_short_name;

static void
oom(void)
{
	fprintf(stderr, "%s: out of memory\n", program_invocation_short_name);
	abort();
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		oom();
	return p;
}

void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		oom();
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		oom();
	return p;
}

char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *
xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

static void
sb_grow(struct strbuf *sb, size_t extra)
{
	size_t want = sb->len + extra + 1;

	if (want <= sb->cap)
		return;
	sb->cap = sb->cap ? sb->cap : 64;
	while (sb->cap < want)
		sb->cap *= 2;
	sb->buf = xrealloc(sb->buf, sb->cap);
}

void
sb_add(struct strbuf *sb, const void *p, size_t n)
{
	sb_grow(sb, n);
	memcpy(sb->buf + sb->len, p, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

void
sb_adds(struct strbuf *sb, const char *s)
{
	sb_add(sb, s, strlen(s));
}

void
sb_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		abort();
	sb_grow(sb, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sb->len += (size_t)n;
}

void
sb_reset(struct strbuf *sb)
{
	sb->len = 0;
	if (sb->buf)
		sb->buf[0] = '\0';
}

const char *
sb_str(struct strbuf *sb)
{
	return sb->buf ? sb->buf : "";
}

char *
sb_detach(struct strbuf *sb)
{
	char *p = sb->buf ? sb->buf : xstrdup("");

	sb->buf = NULL;
	sb->len = sb->cap = 0;
	return p;
}

void
sb_release(struct strbuf *sb)
{
	free(sb->buf);
	sb->buf = NULL;
	sb->len = sb->cap = 0;
}

int
parse_int(const char *s, long long min, long long max, long long *out)
{
	char *end;
	long long v;

	if (!s || !*s || isspace((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int64_t
wa_now(void)
{
	const char *s = getenv("WA_NOW");
	long long v;

	if (s && *s && parse_int(s, 0, WA_NOW_MAX, &v) == 0)
		return v;
	return (int64_t)time(NULL);
}

int64_t
mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int64_t
wa_now_ms(void)
{
	const char *s = getenv("WA_NOW");
	struct timespec ts;
	long long v;

	if (s && *s && parse_int(s, 0, 253402300799LL, &v) == 0)
		return v * 1000;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

jv
id_jv(int64_t id)
{
	char buf[24];

	if (id <= 0)
		return jv_null();
	snprintf(buf, sizeof(buf), "%lld", (long long)id);
	return jv_string(buf);
}

int
phone_normalize(const char *in, const char *default_cc, char *out,
		size_t outlen, struct wa_err *err)
{
	char dig[40];
	size_t n = 0;
	const char *p = in;
	int intl = 0, national = 0;

	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '+') {
		intl = 1;
		p++;
	}
	for (; *p; p++) {
		if (intl && n > 0 && strncmp(p, "(0)", 3) == 0) {
			p += 2;	/* +44 (0)20 ...: the trunk 0, not dialled
				   from abroad */
		} else if (isdigit((unsigned char)*p)) {
			if (n + 1 >= sizeof(dig))
				goto bad;
			dig[n++] = *p;
		} else if (!strchr(" -().\t/", *p)) {
			goto bad;
		}
	}
	dig[n] = '\0';
	if (n == 0)
		goto bad;
	if (!intl && n > 2 && dig[0] == '0' && dig[1] == '0') {
		memmove(dig, dig + 2, n - 1);
		n -= 2;
		intl = 1;
	} else if (!intl && dig[0] == '0') {
		memmove(dig, dig + 1, n);
		n--;
		national = 1;
	} else if (!intl && n <= 10) {
		national = 1;
	}
	if (national) {
		if (!default_cc || !*default_cc)
			return wa_err_set(err, 1, "invalid_phone",
					  "'%s' has no country code: write it "
					  "as +CC... or set WA_DEFAULT_CC", in);
		if (strlen(default_cc) + n + 1 > sizeof(dig))
			goto bad;
		memmove(dig + strlen(default_cc), dig, n + 1);
		memcpy(dig, default_cc, strlen(default_cc));
		n += strlen(default_cc);
	}
	if (n < 7 || n > 15 || dig[0] == '0')
		goto bad;
	if (n + 1 > outlen)
		goto bad;
	memcpy(out, dig, n + 1);
	return 0;
bad:
	return wa_err_set(err, 1, "invalid_phone",
			  "'%s' is not a phone number", in);
}

void
hex_encode(const unsigned char *in, size_t n, char *out)
{
	static const char hx[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = hx[in[i] >> 4];
		out[2 * i + 1] = hx[in[i] & 15];
	}
	out[2 * n] = '\0';
}

static int
b64val(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+' || c == '-')
		return 62;
	if (c == '/' || c == '_')
		return 63;
	return -1;
}

long
base64_decode(const char *in, unsigned char *out, size_t outlen)
{
	unsigned acc = 0;
	int bits = 0, v;
	size_t n = 0;

	for (; *in && *in != '='; in++) {
		if (isspace((unsigned char)*in))
			continue;
		if ((v = b64val((unsigned char)*in)) < 0)
			return -1;
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (n >= outlen)
				return -1;
			out[n++] = (unsigned char)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	return (long)n;
}

int
mkdir_p(const char *path)
{
	char *p = xstrdup(path), *s;
	int rc = 0;

	for (s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0700) < 0 && errno != EEXIST)
			rc = -1;
		*s = '/';
	}
	if (rc == 0 && mkdir(p, 0700) < 0 && errno != EEXIST)
		rc = -1;
	free(p);
	return rc;
}

size_t
utf8_len(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

void
thread_background(void)
{
#ifdef SYS_gettid
	(void)setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 10);
#endif
}

void
deadline_after_ms(unsigned ms, struct timespec *t)
{
	clock_gettime(CLOCK_REALTIME, t);
	t->tv_sec += ms / 1000;
	t->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (t->tv_nsec >= 1000000000L) {
		t->tv_sec++;
		t->tv_nsec -= 1000000000L;
	}
}

int
str_one_of(const char *s, const char *const *set)
{
	for (; *set; set++)
		if (strcmp(s, *set) == 0)
			return 1;
	return 0;
}
