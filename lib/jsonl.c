/* SPDX-License-Identifier: MIT */
/* JSON lines: streaming reader (jv_parser) with line numbers, typed getters, writer. */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "jsonl.h"
#include "util.h"

struct jsonl {
	FILE *fp;		/* borrowed */
	char *name;		/* for messages */
	jv_parser *p;		/* NULL between records after an error */
	char *line;		/* getline buffer */
	size_t cap;
	long lineno;		/* lines read so far */
	long count;		/* records and errors returned */
	size_t pending;		/* bytes fed into the current record */
	size_t max;		/* cap for a line and for a record */
	long bad_first;		/* first line of a run of bad lines, 0 = none */
	long bad_last;
	char bad_msg[256];
	int eof;
	jv held;		/* a good record waiting behind an error */
	long held_line;
	const char *raw;	/* exact text of the last record, or NULL */
	size_t raw_len;
};

struct jsonl *
jsonl_open(FILE *fp, const char *name)
{
	struct jsonl *r = xcalloc(1, sizeof(*r));

	r->fp = fp;
	r->name = xstrdup(name ? name : "-");
	r->max = JSONL_MAX_RECORD;
	r->held = jv_invalid();
	return r;
}

void
jsonl_set_limit(struct jsonl *r, size_t max)
{
	r->max = max;
}

void
jsonl_close(struct jsonl *r)
{
	if (!r)
		return;
	if (r->p)
		jv_parser_free(r->p);
	jv_free(r->held);
	free(r->line);
	free(r->name);
	free(r);
}

long
jsonl_count(const struct jsonl *r)
{
	return r->count;
}

void
jsonl_clean_message(char *msg)
{
	char *w = strstr(msg, " (while parsing");

	if (w)
		*w = '\0';
	w = strstr(msg, " at line ");
	if (w)
		*w = '\0';
	w = strstr(msg, " at EOF");
	if (w)
		*w = '\0';
}

/* Notes a bad line; consecutive bad lines merge into one error. */
static void
mark_bad(struct jsonl *r, const char *msg)
{
	if (!r->bad_first) {
		r->bad_first = r->lineno;
		snprintf(r->bad_msg, sizeof(r->bad_msg), "%s", msg);
		jsonl_clean_message(r->bad_msg);
	}
	r->bad_last = r->lineno;
	if (r->p) {
		jv_parser_free(r->p);
		r->p = NULL;
	}
	r->pending = 0;
}

static int
flush_bad(struct jsonl *r, long *line, struct wa_err *err)
{
	if (r->bad_first == r->bad_last)
		wa_err_set(err, WA_EX_REJECTED, "invalid_input",
			   "%s: not JSON: %s", r->name, r->bad_msg);
	else
		wa_err_set(err, WA_EX_REJECTED, "invalid_input",
			   "%s: lines %ld-%ld: not JSON: %s", r->name,
			   r->bad_first, r->bad_last, r->bad_msg);
	*line = r->bad_first;
	r->bad_first = r->bad_last = 0;
	r->count++;
	return -1;
}

/* Drains the parser: 1 with a value, 0 when it needs more input, -1 on a
 * parse error (noted as bad). */
static int
drain(struct jsonl *r, jv *out)
{
	jv v;

	if (!r->p)
		return 0;
	v = jv_parser_next(r->p);
	/* "No value" normally means "feed me", but libjq also says it after
	 * an ASCII RS reset the parser mid-buffer: go on until the buffer is
	 * used up (jv_parser_set_buf asserts on a buffer not exhausted). */
	while (!jv_is_valid(v) && !jv_invalid_has_msg(jv_copy(v)) &&
	       jv_parser_remaining(r->p) > 0) {
		jv_free(v);
		v = jv_parser_next(r->p);
	}
	if (jv_is_valid(v)) {
		*out = v;
		return 1;
	}
	if (jv_invalid_has_msg(jv_copy(v))) {
		jv msg = jv_invalid_get_msg(v);

		mark_bad(r, jv_get_kind(msg) == JV_KIND_STRING ?
			 jv_string_value(msg) : "parse error");
		jv_free(msg);
		return -1;
	}
	jv_free(v);
	return 0;
}

static int
only_space(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' &&
		    s[i] != '\r')
			return 0;
	return 1;
}

static int
feed_line(struct jsonl *r, ssize_t n)
{
	if ((size_t)n > r->max || r->pending + (size_t)n > r->max) {
		char msg[96];

		snprintf(msg, sizeof(msg), "record longer than %zu bytes",
			 r->max);
		mark_bad(r, msg);
		return -1;
	}
	/* RS (RFC 7464) makes libjq drop a partial value without a word;
	 * our input is plain JSON, so the line is bad instead. */
	if (memchr(r->line, 0x1e, (size_t)n)) {
		mark_bad(r, "ASCII RS (0x1e) is not JSON");
		return -1;
	}
	if (!r->p) {
		if (only_space(r->line, (size_t)n))
			return 0;
		r->p = jv_parser_new(0);
	}
	r->pending += (size_t)n;
	jv_parser_set_buf(r->p, r->line, (int)n, 1);
	return 0;
}

/* A value completed: hand it out, or hold it while a preceding run of bad
 * lines is reported first. */
static int
give(struct jsonl *r, jv v, jv *out, long *line, struct wa_err *err)
{
	r->pending = 0;
	if (r->bad_first) {
		r->held = v;
		r->held_line = r->lineno;
		return flush_bad(r, line, err);
	}
	*out = v;
	*line = r->lineno;
	r->count++;
	return 1;
}

static int
at_eof(struct jsonl *r, jv *out, long *line, struct wa_err *err)
{
	jv v;

	if (r->p) {
		jv_parser_set_buf(r->p, "", 0, 0);
		if (drain(r, &v) == 1)
			return give(r, v, out, line, err);
		if (r->p) {
			jv_parser_free(r->p);
			r->p = NULL;
		}
	}
	if (r->bad_first)
		return flush_bad(r, line, err);
	return 0;
}

/*
 * The common case, one record per line: parse the line whole, which is
 * faster than the streaming parser and keeps the record's exact bytes
 * (jsonl_raw). Anything else (two values on a line, pretty input, bad
 * JSON) goes through the streaming parser, which reports it properly.
 */
static int
one_line(struct jsonl *r, ssize_t n, jv *out)
{
	size_t len = (size_t)n;
	const char *s = r->line;
	jv v;

	while (len > 0 && (s[len - 1] == '\n' || s[len - 1] == '\r' ||
			   s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	while (len > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		len--;
	}
	if (len < 2 || len > r->max || len > INT_MAX ||
	    !((s[0] == '{' && s[len - 1] == '}') ||
	      (s[0] == '[' && s[len - 1] == ']')))
		return 0;
	v = jv_parse_sized(s, (int)len);
	if (!jv_is_valid(v)) {
		jv_free(v);
		return 0;
	}
	*out = v;
	r->raw = s;
	r->raw_len = len;
	return 1;
}

int
jsonl_next(struct jsonl *r, jv *out, long *line, struct wa_err *err)
{
	ssize_t n;
	jv v;
	int rc;

	r->raw = NULL;
	r->raw_len = 0;

	if (jv_is_valid(r->held)) {
		*out = r->held;
		*line = r->held_line;
		r->held = jv_invalid();
		r->count++;
		return 1;
	}
	for (;;) {
		rc = drain(r, &v);
		if (rc == 1)
			return give(r, v, out, line, err);
		if (rc < 0)
			continue;
		if (r->eof)
			return at_eof(r, out, line, err);
		errno = 0;
		n = getline(&r->line, &r->cap, r->fp);
		if (n < 0) {
			if (ferror(r->fp)) {
				wa_err_set(err, WA_EX_IOERR, "io",
					   "%s: read error: %s", r->name,
					   strerror(errno));
				return -2;
			}
			r->eof = 1;
			continue;
		}
		r->lineno++;
		if (!r->p && !r->bad_first && one_line(r, n, out)) {
			*line = r->lineno;
			r->count++;
			return 1;
		}
		feed_line(r, n);
	}
}

const char *
jsonl_raw(const struct jsonl *r, size_t *len)
{
	*len = r->raw_len;
	return r->raw;
}

static int
kind_error(jv obj, const char *key, const char *want, struct wa_err *err)
{
	(void)obj;
	return wa_err_set(err, WA_EX_REJECTED, "invalid_input",
			  "'%s' must be %s", key, want);
}

/*
 * Keys are nearly always string literals: keep their jv strings (with the
 * hash libjq caches in them) per thread, keyed by the literal's address,
 * instead of allocating and hashing a new string at every lookup. A slot
 * holding another address with the same text is replaced, so a reused
 * buffer with new text can never hit a stale key.
 */
#define KEY_SLOTS 256

static __thread struct key_slot {
	const char *addr;
	jv key;
} key_cache[KEY_SLOTS];
static __thread int key_cache_armed;
static pthread_key_t key_cache_exit;
static pthread_once_t key_cache_once = PTHREAD_ONCE_INIT;

static void
key_cache_destroy(void *p)
{
	(void)p;
	jx_cache_release();
}

static void
key_cache_init(void)
{
	pthread_key_create(&key_cache_exit, key_cache_destroy);
}

static jv
key_jv(const char *key)
{
	uintptr_t h = (uintptr_t)key;
	struct key_slot *s = &key_cache[((h >> 3) ^ (h >> 12)) % KEY_SLOTS];

	if (!key_cache_armed) {
		/* release this thread's keys when it ends */
		pthread_once(&key_cache_once, key_cache_init);
		pthread_setspecific(key_cache_exit, key_cache);
		key_cache_armed = 1;
	}
	if (s->addr == key && strcmp(jv_string_value(s->key), key) == 0)
		return jv_copy(s->key);
	if (s->addr)
		jv_free(s->key);
	s->addr = key;
	s->key = jv_string(key);
	return jv_copy(s->key);
}

jv
jx_fresh(jv v)
{
	jv out;

	switch (jv_get_kind(v)) {
	case JV_KIND_STRING:
		out = jv_string_sized(jv_string_value(v),
				      jv_string_length_bytes(jv_copy(v)));
		break;
	case JV_KIND_ARRAY:
		out = jv_array_sized(jv_array_length(jv_copy(v)));
		jv_array_foreach(v, i, x)
			out = jv_array_set(out, i, jx_fresh(x));
		break;
	case JV_KIND_OBJECT:
		out = jv_object();
		jv_object_foreach(v, k, x) {
			out = jv_object_set(out, jx_fresh(k), jx_fresh(x));
		}
		break;
	default:	/* null, booleans, numbers: values, nothing shared */
		return v;
	}
	jv_free(v);
	return out;
}

/* Owned obj[key], or invalid when obj is not an object / key absent. */
jv
jx_get(jv obj, const char *key)
{
	if (jv_get_kind(obj) != JV_KIND_OBJECT)
		return jv_invalid();
	return jv_object_get(jv_copy(obj), key_jv(key));
}

void
jx_cache_release(void)
{
	int i;

	for (i = 0; i < KEY_SLOTS; i++)
		if (key_cache[i].addr) {
			jv_free(key_cache[i].key);
			key_cache[i].addr = NULL;
		}
}

const char *
jx_cstr(jv obj, const char *key)
{
	jv v = jx_get(obj, key);
	const char *s = NULL;

	if (jv_get_kind(v) == JV_KIND_STRING)
		s = jv_string_value(v);	/* obj keeps its own reference */
	jv_free(v);
	return s;
}

jv
jx_path(jv obj, ...)
{
	va_list ap;
	const char *k;
	jv cur = jv_copy(obj);

	va_start(ap, obj);
	while ((k = va_arg(ap, const char *)) != NULL) {
		jv next = jx_get(cur, k);

		jv_free(cur);
		cur = next;
		if (!jv_is_valid(cur))
			break;
	}
	va_end(ap);
	return cur;
}

int
jx_str(jv obj, const char *key, const char **out, struct wa_err *err)
{
	jv v = jx_get(obj, key);
	jv_kind k = jv_get_kind(v);

	if (k == JV_KIND_INVALID || k == JV_KIND_NULL) {
		jv_free(v);
		return 0;
	}
	if (k != JV_KIND_STRING) {
		jv_free(v);
		return kind_error(obj, key, "a string", err);
	}
	*out = jv_string_value(v);
	jv_free(v);
	return 1;
}

int
jx_num(jv obj, const char *key, double *out, struct wa_err *err)
{
	jv v = jx_get(obj, key);
	jv_kind k = jv_get_kind(v);
	const char *s;
	char *end;
	double d;

	if (k == JV_KIND_INVALID || k == JV_KIND_NULL) {
		jv_free(v);
		return 0;
	}
	if (k == JV_KIND_NUMBER) {
		*out = jv_number_value(v);
		jv_free(v);
		return 1;
	}
	if (k == JV_KIND_STRING) {
		s = jv_string_value(v);
		errno = 0;
		d = strtod(s, &end);
		if (*s && !*end && !errno && isfinite(d)) {
			*out = d;
			jv_free(v);
			return 1;
		}
	}
	jv_free(v);
	return kind_error(obj, key, "a number", err);
}

int
jx_int(jv obj, const char *key, int64_t *out, struct wa_err *err)
{
	double d;
	int rc = jx_num(obj, key, &d, err);

	if (rc <= 0)
		return rc;
	if (d != floor(d) || d < -9007199254740992.0 ||
	    d > 9007199254740992.0)
		return kind_error(obj, key, "an integer", err);
	*out = (int64_t)d;
	return 1;
}

int
jx_intish(jv obj, const char *key, int64_t *out)
{
	struct wa_err err;

	return jx_int(obj, key, out, &err);
}

int
jx_bool(jv obj, const char *key, int *out, struct wa_err *err)
{
	jv v = jx_get(obj, key);
	jv_kind k = jv_get_kind(v);

	jv_free(v);
	if (k == JV_KIND_INVALID || k == JV_KIND_NULL)
		return 0;
	if (k == JV_KIND_TRUE || k == JV_KIND_FALSE) {
		*out = k == JV_KIND_TRUE;
		return 1;
	}
	return kind_error(obj, key, "true or false", err);
}

static void
dump_string(struct strbuf *sb, const char *s, size_t n)
{
	static const char hx[] = "0123456789abcdef";
	size_t i, start = 0;
	char esc[7];

	sb_add(sb, "\"", 1);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		const char *e = NULL;

		if (c >= 0x20 && c != '"' && c != '\\' && c != 0x7f)
			continue;
		switch (c) {
		case '"': e = "\\\""; break;
		case '\\': e = "\\\\"; break;
		case '\n': e = "\\n"; break;
		case '\t': e = "\\t"; break;
		case '\r': e = "\\r"; break;
		case '\b': e = "\\b"; break;
		case '\f': e = "\\f"; break;
		default:
			memcpy(esc, "\\u00", 4);
			esc[4] = hx[c >> 4];
			esc[5] = hx[c & 15];
			esc[6] = '\0';
			e = esc;
		}
		sb_add(sb, s + start, i - start);
		sb_adds(sb, e);
		start = i + 1;
	}
	sb_add(sb, s + start, n - start);
	sb_add(sb, "\"", 1);
}

void
jsonl_dump_str(struct strbuf *sb, const char *s)
{
	if (s)
		dump_string(sb, s, strlen(s));
	else
		sb_adds(sb, "null");
}

static void
dump_number(struct strbuf *sb, double d)
{
	char buf[32];

	if (d != d) {
		sb_adds(sb, "null");
	} else if (d >= 1.7976931348623157e308) {
		sb_adds(sb, "1.7976931348623157e+308");
	} else if (d <= -1.7976931348623157e308) {
		sb_adds(sb, "-1.7976931348623157e+308");
	} else if (d > -1e17 && d < 1e17 && d == (double)(long long)d) {
		/* range first: casting a larger double is undefined */
		snprintf(buf, sizeof(buf), "%lld", (long long)d);
		sb_adds(sb, buf);
	} else {
		/* the shortest of %.15g..%.17g that reads back the same */
		int p;

		for (p = 15; p <= 17; p++) {
			snprintf(buf, sizeof(buf), "%.*g", p, d);
			if (strtod(buf, NULL) == d)
				break;
		}
		sb_adds(sb, buf);
	}
}

void
jsonl_dump(struct strbuf *sb, jv v)
{
	int first = 1, i, n;

	switch (jv_get_kind(v)) {
	case JV_KIND_NULL:
	case JV_KIND_INVALID:
		sb_adds(sb, "null");
		break;
	case JV_KIND_TRUE:
		sb_adds(sb, "true");
		break;
	case JV_KIND_FALSE:
		sb_adds(sb, "false");
		break;
	case JV_KIND_NUMBER:
		dump_number(sb, jv_number_value(v));
		break;
	case JV_KIND_STRING:
		dump_string(sb, jv_string_value(v),
			    (size_t)jv_string_length_bytes(jv_copy(v)));
		break;
	case JV_KIND_ARRAY:
		sb_add(sb, "[", 1);
		n = jv_array_length(jv_copy(v));
		for (i = 0; i < n; i++) {
			jv e = jv_array_get(jv_copy(v), i);

			if (i)
				sb_add(sb, ",", 1);
			jsonl_dump(sb, e);
			jv_free(e);
		}
		sb_add(sb, "]", 1);
		break;
	case JV_KIND_OBJECT:
		sb_add(sb, "{", 1);
		for (i = jv_object_iter(v); jv_object_iter_valid(v, i);
		     i = jv_object_iter_next(v, i)) {
			jv k = jv_object_iter_key(v, i);
			jv e = jv_object_iter_value(v, i);

			if (!first)
				sb_add(sb, ",", 1);
			first = 0;
			dump_string(sb, jv_string_value(k),
				    (size_t)jv_string_length_bytes(jv_copy(k)));
			sb_add(sb, ":", 1);
			jsonl_dump(sb, e);
			jv_free(k);
			jv_free(e);
		}
		sb_add(sb, "}", 1);
		break;
	}
}

int
jsonl_write(FILE *fp, jv v)
{
	static struct strbuf sb;	/* reused: one line at a time */
	int rc = 0;

	sb_reset(&sb);
	jsonl_dump(&sb, v);
	jv_free(v);
	sb_add(&sb, "\n", 1);
	if (fwrite(sb.buf, 1, sb.len, fp) != sb.len)
		rc = -1;
	return rc;
}
