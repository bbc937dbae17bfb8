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
	char *line;		/* getline buffer */
	size_t cap;
	size_t len;		/* bytes in line */
	long lineno;		/* lines read so far */
	long count;		/* records and errors returned */
	size_t max;		/* cap for a line and for a record */
	int eof;
	int again;		/* line is read again: it ended a span */
	/* A record spanning lines (p), or after it failed the lines up to
	 * the next record start (skipping): */
	jv_parser *p;
	int skipping;
	long first;		/* the span's first line */
	size_t span;		/* its bytes so far */
	struct strbuf text;	/* its bytes while span <= max */
	char msg[256];		/* why it failed */
	/* The values of one line, handed out one per call: */
	jv vals;
	int nvals, next_val;
	long vals_line;
	const char *raw;	/* exact text of the last record, or NULL */
	size_t raw_len;
	const char *bad;	/* exact text of the last error, or NULL */
	size_t bad_len;
};

struct jsonl *
jsonl_open(FILE *fp, const char *name)
{
	struct jsonl *r = xcalloc(1, sizeof(*r));

	r->fp = fp;
	r->name = xstrdup(name ? name : "-");
	r->max = JSONL_MAX_RECORD;
	r->vals = jv_invalid();
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
	jv_free(r->vals);
	sb_release(&r->text);
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

/* JSON's blanks (RFC 8259 whitespace). */
static int
blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int
only_space(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!blank(s[i]))
			return 0;
	return 1;
}

/* A line of text without its line ending. */
static size_t
chomp(const char *s, size_t n)
{
	if (n > 0 && s[n - 1] == '\n')
		n--;
	if (n > 0 && s[n - 1] == '\r')
		n--;
	return n;
}

/* Keeps a parser's message, in words that do not quote the input. */
static void
set_msg(struct jsonl *r, const char *msg, const char *cut)
{
	if (strncmp(msg, "Unfinished JSON term", 20) == 0)
		msg = cut;
	snprintf(r->msg, sizeof(r->msg), "%s", msg);
	jsonl_clean_message(r->msg);
}

/* Reports lines first..last as one error; text/len their bytes (NULL
 * when they were too many to keep). */
static int
report(struct jsonl *r, long first, long last, const char *text,
       size_t len, long *line, struct wa_err *err)
{
	if (first == last)
		wa_err_set(err, WA_EX_REJECTED, "invalid_input",
			   "%s: not JSON: %s", r->name, r->msg);
	else
		wa_err_set(err, WA_EX_REJECTED, "invalid_input",
			   "%s: lines %ld-%ld: not JSON: %s", r->name, first,
			   last, r->msg);
	*line = first;
	r->bad = text;
	r->bad_len = text ? chomp(text, len) : 0;
	r->count++;
	return -1;
}

/* The current line is an error on its own. */
static int
line_error(struct jsonl *r, const char *msg, long *line, struct wa_err *err)
{
	set_msg(r, msg, "the line ends inside a value");
	return report(r, r->lineno, r->lineno,
		      chomp(r->line, r->len) <= r->max ? r->line : NULL,
		      r->len, line, err);
}

/* Adds the current line to the span; 0, or -1 once it is over the cap. */
static int
span_add(struct jsonl *r)
{
	r->span += r->len;
	if (r->span > r->max)
		return -1;
	sb_add(&r->text, r->line, r->len);
	return 0;
}

/* A span starts on this line with s (n bytes of it). */
static void
span_begin(struct jsonl *r, const char *s, size_t n)
{
	sb_reset(&r->text);
	r->first = r->lineno;
	r->span = n;
	if (n <= r->max)
		sb_add(&r->text, s, n);
}

/* The span's record failed (msg): the lines up to the next record start
 * are part of its error. */
static void
span_fail(struct jsonl *r, const char *msg)
{
	if (r->p) {
		jv_parser_free(r->p);
		r->p = NULL;
	}
	set_msg(r, msg, "the input ends inside a value");
	r->skipping = 1;
}

/* Reports the failed span, which ended on line last. */
static int
span_report(struct jsonl *r, long last, long *line, struct wa_err *err)
{
	r->skipping = 0;
	return report(r, r->first, last,
		      r->span <= r->max ? sb_str(&r->text) : NULL,
		      r->span <= r->max ? r->text.len : 0, line, err);
}

static int
give(struct jsonl *r, jv v, jv *out, long *line)
{
	*out = v;
	*line = r->lineno;
	r->count++;
	return 1;
}

/* The next value of the span's parser: 1 (given out), 0 when it needs
 * more input; a parse error fails the span (skipping) and returns 0. */
static int
span_next(struct jsonl *r, jv *out, long *line)
{
	jv v = jv_parser_next(r->p);
	size_t rest;

	if (jv_is_valid(v)) {
		/* Blanks after it: the span is done and the next line starts
		 * afresh. Anything else begins another value right here. */
		rest = (size_t)jv_parser_remaining(r->p);
		if (only_space(r->line + r->len - rest, rest)) {
			jv_parser_free(r->p);
			r->p = NULL;
		} else {
			span_begin(r, r->line + r->len - rest, rest);
		}
		return give(r, v, out, line);
	}
	if (jv_invalid_has_msg(jv_copy(v))) {
		jv msg = jv_invalid_get_msg(v);

		span_fail(r, jv_get_kind(msg) == JV_KIND_STRING ?
			  jv_string_value(msg) : "parse error");
		jv_free(msg);
		return 0;
	}
	jv_free(v);
	return 0;
}

/* Feeds the current line to the span's parser (or fails the span). */
static void
span_feed(struct jsonl *r)
{
	if (span_add(r) < 0) {
		char msg[96];

		snprintf(msg, sizeof(msg), "record longer than %zu bytes",
			 r->max);
		span_fail(r, msg);
		return;
	}
	/* RS (RFC 7464) makes libjq drop a partial value without a word;
	 * our input is plain JSON, so the record is bad instead. */
	if (memchr(r->line, 0x1e, r->len)) {
		span_fail(r, "ASCII RS (0x1e) is not JSON");
		return;
	}
	jv_parser_set_buf(r->p, r->line, (int)r->len, 1);
}

/* Hands out the next value of the current line, if one is waiting. */
static int
queued(struct jsonl *r, jv *out, long *line)
{
	if (r->next_val >= r->nvals)
		return 0;
	*out = jv_array_get(jv_copy(r->vals), r->next_val++);
	*line = r->vals_line;
	r->count++;
	if (r->next_val == r->nvals) {
		jv_free(r->vals);
		r->vals = jv_invalid();
	}
	return 1;
}

/*
 * A line on its own, parsed whole: every value on it, or one error and
 * none of them. The common case, one record, is parsed by
 * jv_parse_sized, which is faster than the streaming parser, and keeps
 * the record's exact bytes (jsonl_raw).
 */
static int
whole_line(struct jsonl *r, const char *s, jv *out, long *line,
	   struct wa_err *err)
{
	size_t len = (size_t)(r->line + r->len - s);
	jv_parser *p;
	jv v;

	if (chomp(r->line, r->len) > r->max || r->len > INT_MAX) {
		char msg[96];

		snprintf(msg, sizeof(msg), "record longer than %zu bytes",
			 r->max);
		return line_error(r, msg, line, err);
	}
	/* RS: see span_feed (jv_parse_sized would drop what follows it) */
	if (memchr(r->line, 0x1e, r->len))
		return line_error(r, "ASCII RS (0x1e) is not JSON", line, err);
	while (len > 0 && blank(s[len - 1]))
		len--;
	if (len >= 2 && ((s[0] == '{' && s[len - 1] == '}') ||
			 (s[0] == '[' && s[len - 1] == ']'))) {
		v = jv_parse_sized(s, (int)len);
		if (jv_is_valid(v)) {
			r->raw = s;
			r->raw_len = len;
			return give(r, v, out, line);
		}
		jv_free(v);
	}
	/* several values, a BOM, a scalar, or an error */
	p = jv_parser_new(0);
	jv_parser_set_buf(p, r->line, (int)r->len, 0);
	r->vals = jv_array();
	while (jv_is_valid(v = jv_parser_next(p)))
		r->vals = jv_array_append(r->vals, v);
	jv_parser_free(p);
	if (jv_invalid_has_msg(jv_copy(v))) {
		jv msg = jv_invalid_get_msg(v);

		jv_free(r->vals);
		r->vals = jv_invalid();
		line_error(r, jv_get_kind(msg) == JV_KIND_STRING ?
			   jv_string_value(msg) : "parse error", line, err);
		jv_free(msg);
		return -1;
	}
	jv_free(v);
	r->nvals = jv_array_length(jv_copy(r->vals));
	r->next_val = 0;
	if (r->nvals == 0) {	/* a BOM alone */
		jv_free(r->vals);
		r->vals = jv_invalid();
	}
	r->vals_line = r->lineno;
	return queued(r, out, line);
}

/*
 * A line between records (see jsonl.h): blank, the opening line of a
 * pretty-printed record, or a line on its own. 1 with a value, -1 for an
 * error, 0 to read on.
 */
static int
record_start(struct jsonl *r, jv *out, long *line, struct wa_err *err)
{
	const char *s = r->line, *end = r->line + r->len;

	if (r->len >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
		s += 3;	/* a BOM: libjq skips it at the start of a parse */
	while (s < end && blank(*s))
		s++;
	if (s == end)
		return 0;
	if ((*s == '{' || *s == '[') && only_space(s + 1, (size_t)(end - s - 1))) {
		r->p = jv_parser_new(0);
		span_begin(r, "", 0);
		span_feed(r);
		return 0;
	}
	return whole_line(r, s, out, line, err);
}

/* Starts a new record: the first byte of a line is '{' or '['. */
static int
starts_record(const struct jsonl *r)
{
	return r->len > 0 && (r->line[0] == '{' || r->line[0] == '[');
}

static int
at_eof(struct jsonl *r, jv *out, long *line, struct wa_err *err)
{
	if (r->p) {
		jv_parser_set_buf(r->p, "", 0, 0);
		if (span_next(r, out, line) == 1)
			return 1;
		if (r->p)
			span_fail(r, "the input ends inside a value");
	}
	if (r->skipping)
		return span_report(r, r->lineno, line, err);
	return 0;
}

int
jsonl_next(struct jsonl *r, jv *out, long *line, struct wa_err *err)
{
	ssize_t n;
	int rc;

	r->raw = r->bad = NULL;
	r->raw_len = r->bad_len = 0;
	if (queued(r, out, line))
		return 1;
	for (;;) {
		if (r->p && span_next(r, out, line) == 1)
			return 1;
		if (r->again) {
			r->again = 0;
		} else {
			if (r->eof)
				return at_eof(r, out, line, err);
			errno = 0;
			n = getline(&r->line, &r->cap, r->fp);
			if (n < 0) {
				if (ferror(r->fp)) {
					wa_err_set(err, WA_EX_IOERR, "io",
						   "%s: read error: %s",
						   r->name, strerror(errno));
					*line = r->lineno + 1;
					return -2;
				}
				r->eof = 1;
				continue;
			}
			r->lineno++;
			r->len = (size_t)n;
		}
		if (r->p || r->skipping) {
			if (starts_record(r)) {
				/* the span was cut short: its lines are one
				 * error, this one is read again */
				if (r->p)
					span_fail(r, "the record is cut short: "
						  "the next line starts another");
				r->again = 1;
				return span_report(r, r->lineno - 1, line, err);
			}
			if (r->p)
				span_feed(r);
			else
				span_add(r);
			continue;
		}
		if ((rc = record_start(r, out, line, err)) != 0)
			return rc;
	}
}

const char *
jsonl_raw(const struct jsonl *r, size_t *len)
{
	*len = r->raw_len;
	return r->raw;
}

const char *
jsonl_bad_raw(const struct jsonl *r, size_t *len)
{
	*len = r->bad_len;
	return r->bad;
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
