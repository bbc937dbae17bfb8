/* SPDX-License-Identifier: MIT */
/* Unit tests for lib/jsonl.c: JSON lines and pretty input, bad lines, caps, getters. */
#include <stdio.h>
#include <stdlib.h>
#include "tap.h"
#include "jsonl.h"
#include "util.h"

/* Reads all of text; writes "L<line>:<compact>" or "E<line>:<msg>" per
 * result into a summary separated by '|'. */
static char *
read_all(const char *text, size_t limit)
{
	FILE *fp = fmemopen((void *)text, strlen(text), "r");
	struct jsonl *r = jsonl_open(fp, "input");
	struct strbuf sb = STRBUF_INIT;
	struct wa_err err;
	long line;
	jv v;
	int rc;

	if (limit)
		jsonl_set_limit(r, limit);
	while ((rc = jsonl_next(r, &v, &line, &err)) != 0) {
		if (sb.len)
			sb_adds(&sb, "|");
		if (rc == 1) {
			jv s = jv_dump_string(v, 0);

			sb_addf(&sb, "L%ld:%s", line, jv_string_value(s));
			jv_free(s);
		} else {
			sb_addf(&sb, "E%ld:%s", line, err.code);
			if (rc == -2)
				break;
		}
	}
	jsonl_close(r);
	fclose(fp);
	return sb_detach(&sb);
}

static const struct {
	const char *in, *want, *what;
} cases[] = {
	{ "{\"a\":1}\n{\"b\":2}\n", "L1:{\"a\":1}|L2:{\"b\":2}", "JSON lines" },
	{ "{\"a\":1}", "L1:{\"a\":1}", "no final newline" },
	{ "{\n  \"a\": 1,\n  \"b\": [1,\n 2]\n}\n", "L5:{\"a\":1,\"b\":[1,2]}",
	  "pretty input ends on its last line" },
	{ "{\"a\":1} {\"b\":2}\n", "L1:{\"a\":1}|L1:{\"b\":2}",
	  "two values on one line" },
	{ "\n\n{\"a\":1}\n\n", "L3:{\"a\":1}", "blank lines skipped" },
	{ "{\"a\":1}\nnot json\n{\"b\":2}\n",
	  "L1:{\"a\":1}|E2:invalid_input|L3:{\"b\":2}",
	  "a bad line is one error, the stream goes on" },
	{ "bad\nworse\n{\"ok\":1}\n", "E1:invalid_input|L3:{\"ok\":1}",
	  "consecutive bad lines merge" },
	{ "{\"a\":1}\n{\"b\":\n", "L1:{\"a\":1}|E2:invalid_input",
	  "unfinished record at EOF" },
	{ "{\"a\":1,,}\n{\"c\":3}\n", "E1:invalid_input|L2:{\"c\":3}",
	  "syntax error inside an object" },
	{ "", "", "empty input" },
	{ "[1,2]\n\"s\"\n", "L1:[1,2]|L2:\"s\"", "non-objects are returned" },
	{ "{\"u\":\"\\u00e9\\/x\"}\n", "L1:{\"u\":\"\xc3\xa9/x\"}",
	  "Meta's escapes" },
	{ "{\n\"a\":\x1e \"b\"\n}\n{\"c\":1}\n", "E2:invalid_input|L4:{\"c\":1}",
	  "an ASCII RS inside a record (found by fuzzing) is an error" },
};

static void
test_cases(void)
{
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = read_all(cases[i].in, 0);

		is_str(got, cases[i].want, "%s", cases[i].what);
		free(got);
	}
}

static void
test_limit(void)
{
	struct strbuf sb = STRBUF_INIT;
	char *got;
	int i;

	sb_adds(&sb, "{\"big\":\"");
	for (i = 0; i < 200; i++)
		sb_adds(&sb, "xxxxxxxxxx");
	sb_adds(&sb, "\"}\n{\"small\":1}\n");
	got = read_all(sb.buf, 1000);
	is_str(got, "E1:invalid_input|L2:{\"small\":1}",
	       "a record over the cap is refused, the next one read");
	free(got);
	sb_reset(&sb);
	sb_adds(&sb, "{\n");
	for (i = 0; i < 200; i++)
		sb_adds(&sb, "\"k\":\"xxxxxxxxxx\",\n");
	sb_adds(&sb, "\"z\":1}\n{\"after\":1}\n");
	got = read_all(sb.buf, 1000);
	ok(strncmp(got, "E", 1) == 0 && strstr(got, "L203:{\"after\":1}"),
	   "a multi-line record over the cap is refused (%s)", got);
	free(got);
	sb_release(&sb);
}

static void
test_getters(void)
{
	jv o = jv_parse("{\"s\":\"x\",\"n\":5,\"ns\":\"1713290225\",\"f\":1.5,"
			"\"b\":true,\"nul\":null,\"o\":{\"k\":{\"z\":\"deep\"}}}");
	struct wa_err err;
	const char *s = NULL;
	int64_t i = 0;
	int b = 0;
	jv d;

	ok(jx_str(o, "s", &s, &err) == 1 && strcmp(s, "x") == 0, "jx_str");
	ok(jx_str(o, "missing", &s, &err) == 0, "jx_str absent");
	ok(jx_str(o, "nul", &s, &err) == 0, "jx_str null is absent");
	ok(jx_str(o, "n", &s, &err) < 0 && strstr(err.message, "'n'"),
	   "jx_str wrong kind names the key");
	ok(jx_int(o, "n", &i, &err) == 1 && i == 5, "jx_int");
	ok(jx_int(o, "ns", &i, &err) == 1 && i == 1713290225,
	   "jx_int accepts numeric strings (Meta's timestamps)");
	ok(jx_int(o, "f", &i, &err) < 0, "jx_int refuses 1.5");
	ok(jx_bool(o, "b", &b, &err) == 1 && b == 1, "jx_bool");
	ok(jx_bool(o, "s", &b, &err) < 0, "jx_bool wrong kind");
	ok(jx_cstr(o, "s") && strcmp(jx_cstr(o, "s"), "x") == 0, "jx_cstr");
	ok(jx_cstr(o, "n") == NULL, "jx_cstr of a number is NULL");
	d = jx_path(o, "o", "k", "z", NULL);
	ok(jv_get_kind(d) == JV_KIND_STRING &&
	   strcmp(jv_string_value(d), "deep") == 0, "jx_path");
	jv_free(d);
	d = jx_path(o, "o", "nope", "z", NULL);
	ok(!jv_is_valid(d), "jx_path absent is invalid");
	jv_free(d);
	ok(jx_cstr(jv_null(), "x") == NULL, "getters on null do not abort");
	jv_free(o);
}

/* jsonl_dump must write what jv_dump_string writes (it replaces it). */
static void
test_dump(void)
{
	static const char *const docs[] = {
		"{\"a\":1,\"b\":[true,false,null],\"c\":{\"d\":\"e\"}}",
		"[1.5,-2,0,1e+100,37.48,-122.14,9007199254740993,0.1]",
		"[3.33333e+97,-1e300,1e17,-1e17,99999999999999999]",
		"\"tab\\t nl\\n quote\\\" bs\\\\ ctl\\u0001 del\\u007f\"",
		"\"\\u00e9\\ud83d\\ude00 \\/slash\"",
		"{}", "[]", "\"\"", "{\"z\":1,\"a\":2}",
	};
	size_t i;

	for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		jv v = jv_parse(docs[i]);
		jv want = jv_dump_string(jv_copy(v), 0);
		struct strbuf sb = STRBUF_INIT;

		jsonl_dump(&sb, v);
		is_str(sb_str(&sb), jv_string_value(want),
		       "jsonl_dump matches jq for %s", docs[i]);
		sb_release(&sb);
		jv_free(want);
		jv_free(v);
	}
}

static void
test_raw(void)
{
	const char *text = "{\"a\": 1}\n  {\"b\":2}  \n{\"c\":3} {\"d\":4}\n"
			   "{\n\"e\":5}\n";
	FILE *fp = fmemopen((void *)text, strlen(text), "r");
	struct jsonl *r = jsonl_open(fp, "raw");
	struct wa_err err;
	const char *raw;
	size_t len;
	long line;
	jv v;

	jsonl_next(r, &v, &line, &err);
	raw = jsonl_raw(r, &len);
	ok(raw && len == 8 && memcmp(raw, "{\"a\": 1}", 8) == 0,
	   "raw keeps the line's exact bytes");
	jv_free(v);
	jsonl_next(r, &v, &line, &err);
	raw = jsonl_raw(r, &len);
	ok(raw && len == 7 && memcmp(raw, "{\"b\":2}", 7) == 0,
	   "raw without surrounding blanks");
	jv_free(v);
	jsonl_next(r, &v, &line, &err);
	ok(jsonl_raw(r, &len) == NULL, "two values on a line: no raw");
	jv_free(v);
	jsonl_next(r, &v, &line, &err);
	jv_free(v);
	jsonl_next(r, &v, &line, &err);
	ok(jsonl_raw(r, &len) == NULL && line == 5,
	   "pretty record: no raw, ends on its last line");
	jv_free(v);
	jsonl_close(r);
	fclose(fp);
}

int
main(void)
{
	test_dump();
	test_raw();
	test_cases();
	test_limit();
	test_getters();
	return done_testing();
}
