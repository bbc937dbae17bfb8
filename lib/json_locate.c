/* SPDX-License-Identifier: MIT */
/* Where a field is in JSON text: a small scanner that follows a path without building values. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "json_locate.h"

#define LOCATE_DEPTH_MAX 512	/* deeper nesting is skipped as text */

struct scan {
	const char *p, *end;
};

static void
skip_ws(struct scan *s)
{
	while (s->p < s->end && isspace((unsigned char)*s->p))
		s->p++;
}

/* At '"': past the closing quote (or the end). */
static void
skip_string(struct scan *s)
{
	for (s->p++; s->p < s->end && *s->p != '"'; s->p++)
		if (*s->p == '\\' && s->p + 1 < s->end)
			s->p++;
	if (s->p < s->end)
		s->p++;
}

/* Past one value: a string, a whole object or array, or a scalar. */
static void
skip_value(struct scan *s)
{
	int depth = 0;

	skip_ws(s);
	do {
		if (s->p >= s->end)
			return;
		if (*s->p == '"') {
			skip_string(s);
			continue;
		}
		if (*s->p == '{' || *s->p == '[')
			depth++;
		else if (*s->p == '}' || *s->p == ']')
			depth--;
		else if (depth == 0) {
			/* a scalar: up to the next delimiter */
			while (s->p < s->end && !strchr(",]}", *s->p) &&
			       !isspace((unsigned char)*s->p))
				s->p++;
			return;
		}
		s->p++;
	} while (depth > 0 && depth < LOCATE_DEPTH_MAX);
}

/* In an object at '{': moves to the value of key (klen bytes) and
 * returns where the key is written, or NULL when it is absent. */
static const char *
find_key(struct scan *s, const char *key, size_t klen)
{
	const char *k;
	size_t n;

	s->p++;
	for (;;) {
		skip_ws(s);
		if (s->p >= s->end || *s->p != '"')
			return NULL;
		k = s->p;
		skip_string(s);
		n = (size_t)(s->p - k);	/* with both quotes */
		skip_ws(s);
		if (s->p >= s->end || *s->p != ':')
			return NULL;
		s->p++;
		skip_ws(s);
		if (n == klen + 2 && memcmp(k + 1, key, klen) == 0)
			return k;
		skip_value(s);
		skip_ws(s);
		if (s->p >= s->end || *s->p != ',')
			return NULL;
		s->p++;
	}
}

/* In an array at '[': moves to element idx, or returns -1. */
static int
find_index(struct scan *s, long idx)
{
	long i;

	s->p++;
	for (i = 0;; i++) {
		skip_ws(s);
		if (s->p >= s->end || *s->p == ']')
			return -1;
		if (i == idx)
			return 0;
		skip_value(s);
		skip_ws(s);
		if (s->p >= s->end || *s->p != ',')
			return -1;
		s->p++;
	}
}

static long
line_at(const char *text, const char *at)
{
	long line = 1;

	for (; text < at; text++)
		line += *text == '\n';
	return line;
}

long
json_locate_line(const char *text, size_t len, const char *path)
{
	struct scan s = { text, text + len };
	const char *best, *seg = path, *k;
	size_t n;
	char *endp;
	long idx;

	skip_ws(&s);
	best = s.p;
	while (*seg) {
		if (*seg == '[') {
			idx = strtol(seg + 1, &endp, 10);
			if (*endp != ']' || idx < 0 || s.p >= s.end ||
			    *s.p != '[' || find_index(&s, idx) < 0)
				break;
			best = s.p;
			seg = endp + 1;
		} else {
			if (*seg == '.')
				seg++;
			n = strcspn(seg, ".[");
			if (n == 0 || s.p >= s.end || *s.p != '{' ||
			    (k = find_key(&s, seg, n)) == NULL)
				break;
			best = k;
			seg += n;
		}
	}
	return line_at(text, best);
}
