/* SPDX-License-Identifier: MIT */
/* libFuzzer harness: the JSON lines reader on arbitrary bytes never crashes or leaks, and no bad line swallows a good one after it. */
#define _GNU_SOURCE	/* memmem */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "jsonl.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define LIMIT 4096
#define SENTINEL "{\"after\":\"everything\"}"

#define check(cond) do { if (!(cond)) __builtin_trap(); } while (0)

/* What the writer prints reads back and prints the same (not value
 * equality: JSON cannot say infinity, so a huge literal comes back as
 * the largest double, as in jq). */
static void
round_trip(jv v)
{
	struct strbuf sb = STRBUF_INIT, sb2 = STRBUF_INIT;
	jv back;

	jsonl_dump(&sb, v);
	back = jv_parse(sb_str(&sb));
	check(jv_is_valid(back));
	jsonl_dump(&sb2, back);
	check(strcmp(sb_str(&sb), sb_str(&sb2)) == 0);
	jv_free(back);
	sb_release(&sb);
	sb_release(&sb2);
}

/*
 * The value a line must give whatever came before it (see jsonl.h): a
 * line that begins with '{' in its first column and is one whole JSON
 * value, no RS, within the limit, always starts a record of its own.
 * jv_invalid() for any other line.
 */
static jv
must_give(const char *s, size_t n)
{
	size_t len = n;

	if (len > 0 && s[len - 1] == '\n')
		len--;
	if (len > 0 && s[len - 1] == '\r')
		len--;
	if (n == 0 || s[0] != '{' || len > LIMIT || memchr(s, 0x1e, n))
		return jv_invalid();
	return jv_parse_sized(s, (int)n);
}

/* a and b (borrowed) print the same (jv_equal: NaN is not NaN) */
static int
same(jv a, jv b)
{
	struct strbuf sa = STRBUF_INIT, sb = STRBUF_INIT;
	int rc;

	jsonl_dump(&sa, a);
	jsonl_dump(&sb, b);
	rc = strcmp(sb_str(&sa), sb_str(&sb)) == 0;
	sb_release(&sa);
	sb_release(&sb);
	return rc;
}

/* Bytes the reader says it read (a record's or an error's) are a piece
 * of the input, as it was. */
static void
check_piece(const char *in, size_t n, const char *p, size_t len)
{
	if (p)
		check(len <= n && memmem(in, n, p, len) != NULL);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* the input, then a newline and a good record on its own line */
	size_t n = size + sizeof("\n" SENTINEL "\n") - 1, i, start;
	char *in = xmalloc(n);
	long nlines = 0, line, l;
	jv *got, v;
	int *count;
	struct jsonl *r;
	struct wa_err err;
	const char *raw;
	size_t len;
	FILE *fp;
	int rc;

	memcpy(in, data, size);
	memcpy(in + size, "\n" SENTINEL "\n", n - size);
	for (i = 0; i < n; i++)
		nlines += in[i] == '\n';
	got = xcalloc((size_t)nlines + 1, sizeof(*got));
	count = xcalloc((size_t)nlines + 1, sizeof(*count));
	fp = fmemopen(in, n, "r");
	check(fp);
	r = jsonl_open(fp, "fuzz");
	jsonl_set_limit(r, LIMIT);
	while ((rc = jsonl_next(r, &v, &line, &err)) != 0) {
		check(rc != -2 && line >= 1 && line <= nlines);
		if (rc < 0) {
			raw = jsonl_bad_raw(r, &len);
			check_piece(in, n, raw, len);
			continue;
		}
		raw = jsonl_raw(r, &len);
		check_piece(in, n, raw, len);
		round_trip(v);
		if (count[line]++ == 0)
			got[line] = v;
		else
			jv_free(v);
	}
	jsonl_close(r);
	fclose(fp);

	/* every line that must give a record gave it, once: a cut line
	 * before it never takes it as its rest */
	for (start = 0, l = 1; start < n; l++) {
		const char *nl = memchr(in + start, '\n', n - start);
		size_t end = nl ? (size_t)(nl - in) + 1 : n;

		v = must_give(in + start, end - start);
		if (jv_is_valid(v)) {
			check(count[l] == 1);
			check(same(v, got[l]));
		}
		jv_free(v);
		start = end;
	}
	check(count[nlines] == 1);	/* the sentinel */
	for (l = 1; l <= nlines; l++)
		if (count[l])
			jv_free(got[l]);
	free(got);
	free(count);
	free(in);
	return 0;
}
