/* SPDX-License-Identifier: MIT */
/* JSON lines in: a record reader (jv_parser) that resyncs after bad lines (getters: jsonl_get.c, writer: jsonl_dump.c). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
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
