/* SPDX-License-Identifier: MIT */
/* Unit tests for lib/jsonl*.c: JSON lines and pretty input, bad lines, caps, getters. */
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include "tap.h"
#include "jsonl.h"
#include "util.h"

/* A reader named "in" over text, in a memory stream; finish() closes both. */
static struct jsonl *
reader(const char *text, FILE **fp)
{
	*fp = fmemopen((void *)text, strlen(text), "r");
	return jsonl_open(*fp, "in");
}

static void
finish(struct jsonl *r, FILE *fp)
{
	jsonl_close(r);
	fclose(fp);
}

/* Reads all of text; writes "L<line>:<compact>" or "E<line>:<msg>" per
 * result into a summary separated by '|'. */
static char *
read_all(const char *text, size_t limit)
{
	FILE *fp;
	struct jsonl *r = reader(text, &fp);
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
	finish(r, fp);
	return sb_detach(&sb);
}

#define like(got, glob, what) do { \
	const char *g_ = (got); \
	if (!ok(fnmatch((glob), g_, 0) == 0, what)) \
		printf("#   got '%s'\n", g_); \
} while (0)

static int
only_blank(const char *s, size_t n)
{
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\n'))
		n--;
	return n == 0;
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
	{ "bad\nworse\n{\"ok\":1}\n",
	  "E1:invalid_input|E2:invalid_input|L3:{\"ok\":1}",
	  "two bad lines in a row are two errors" },
	{ "{\"a\":1}\n{\"b\":\n", "L1:{\"a\":1}|E2:invalid_input",
	  "unfinished record at EOF" },
	{ "{\"a\":1,,}\n{\"c\":3}\n", "E1:invalid_input|L2:{\"c\":3}",
	  "syntax error inside an object" },
	{ "", "", "empty input" },
	{ "[1,2]\n\"s\"\n", "L1:[1,2]|L2:\"s\"", "non-objects are returned" },
	{ "{\"u\":\"\\u00e9\\/x\"}\n", "L1:{\"u\":\"\xc3\xa9/x\"}",
	  "Meta's escapes" },
	{ "{\n\"a\":\x1e \"b\"\n}\n{\"c\":1}\n", "E1:invalid_input|L4:{\"c\":1}",
	  "an ASCII RS inside a record (found by fuzzing) is an error "
	  "naming the record's first line" },
	{ "{\"a\":1}\x1e{\"b\":2}\n{\"c\":3}\n", "E1:invalid_input|L2:{\"c\":3}",
	  "an ASCII RS between values on a line is an error, not a lost value" },
	/* resync: a cut line is an error of its own */
	{ "{\"to\":\"1555\",\"text\":\n{\"to\":\"1666\",\"text\":\"b\"}\n",
	  "E1:invalid_input|L2:{\"to\":\"1666\",\"text\":\"b\"}",
	  "a cut line does not take the next line as its rest" },
	{ "{\n{\"a\":2}\n", "E1:invalid_input|L2:{\"a\":2}",
	  "cut after its '{': the next record still comes out" },
	{ "[\n{\"a\":2}\n", "E1:invalid_input|L2:{\"a\":2}",
	  "cut after its '[': the next record still comes out" },
	{ "{\"a\":1} {\"b\":\n{\"c\":3}\n", "E1:invalid_input|L2:{\"c\":3}",
	  "a line with a cut value gives one error and none of its values" },
	{ "{\"a\":1}x\n{\"c\":3}\n", "E1:invalid_input|L2:{\"c\":3}",
	  "trailing garbage makes the line one error" },
	{ "\"text\": \"x\",\n", "E1:invalid_input",
	  "a stray member line is one error, not a string and an error" },
	{ "{\"a\":1}\r\n{\"b\":\r\n{\"c\":3}\r\n",
	  "L1:{\"a\":1}|E2:invalid_input|L3:{\"c\":3}", "CRLF lines" },
	{ "\xef\xbb\xbf{\"a\":1}\n{\"b\":2}\n", "L1:{\"a\":1}|L2:{\"b\":2}",
	  "a BOM before the first record" },
	{ "\xef\xbb\xbf{\n\"a\":1\n}\n", "L3:{\"a\":1}",
	  "a BOM before a pretty-printed record" },
	/* pretty-printed input */
	{ "{\n  \"a\": 1\n}\n{\n  \"b\": 2\n}\n", "L3:{\"a\":1}|L6:{\"b\":2}",
	  "jq . output of two records" },
	{ "[\n  {\n    \"a\": 1\n  },\n  {\n    \"b\": [\n      1\n    ]\n  }\n]\n",
	  "L10:[{\"a\":1},{\"b\":[1]}]",
	  "python json.dumps(indent=2) of a list" },
	{ "[\n  {\"a\":1},\n  {\"b\":2}\n]\n", "L4:[{\"a\":1},{\"b\":2}]",
	  "indented compact lines inside a pretty array" },
	{ "{\n\"a\":1\n} {\n\"b\":2\n}\n", "L3:{\"a\":1}|L5:{\"b\":2}",
	  "a record opening on the line another one closes" },
	{ "{\n  \"a\": 1\n}\n{\"b\":2}\n{\n  \"c\": 3\n}\n",
	  "L3:{\"a\":1}|L4:{\"b\":2}|L7:{\"c\":3}", "pretty and compact mixed" },
	{ "{\n  \"a\": 1,\n{\"b\":2}\n", "E1:invalid_input|L3:{\"b\":2}",
	  "a cut pretty record ends where a line starts another" },
	{ "{\n  \"a\":\n{\n  \"b\": 2\n}\n", "E1:invalid_input|L5:{\"b\":2}",
	  "a cut pretty record followed by a pretty one" },
	{ "{\n  \"a\" 1,\n  \"b\": 2\n}\n{\"c\":3}\n",
	  "E1:invalid_input|L5:{\"c\":3}",
	  "a pretty blob bad as a whole is one error" },
	{ "{\n  \"a\": 1\n", "E1:invalid_input", "a pretty record cut at EOF" },
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

/*
 * Three records, the middle one cut at every byte: the other two always
 * come out with their lines, and the cut one is exactly one error (none
 * when nothing of it is left), whether the stream is JSON lines or the
 * cut record was pretty-printed.
 */
static void
test_every_cut(const char *mid, const char *what)
{
	static const char r1[] = "{\"to\":\"1555\",\"text\":\"a\"}";
	static const char r3[] = "{\"to\":\"1777\",\"text\":\"c\"}";
	size_t k, n = strlen(mid), bad = 0;

	for (k = 0; k < n; k++) {
		struct strbuf in = STRBUF_INIT, want = STRBUF_INIT;
		long cut_lines = 1;
		size_t i;
		char *got;

		for (i = 0; i < k; i++)
			cut_lines += mid[i] == '\n';
		sb_addf(&in, "%s\n%.*s\n%s\n", r1, (int)k, mid, r3);
		sb_addf(&want, "L1:%s|", r1);
		if (!only_blank(mid, k))
			sb_adds(&want, "E2:invalid_input|");
		sb_addf(&want, "L%ld:%s", 2 + cut_lines, r3);
		got = read_all(in.buf, 0);
		if (strcmp(got, want.buf) != 0) {
			if (bad++ < 3)
				printf("# cut at %zu: got %s\n#   want %s\n", k,
				       got, want.buf);
		}
		free(got);
		sb_release(&in);
		sb_release(&want);
	}
	ok(bad == 0, "%s cut at each of its %zu bytes: the others come out",
	   what, n);
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

/* The exact bytes of records (jsonl_raw) and of errors (jsonl_bad_raw). */
static void
test_raw(void)
{
	const char *text = "{\"a\": 1}\n  {\"b\":2}  \n{\"c\":3} {\"d\":4}\n"
			   "{\n\"e\":5}\n";
	FILE *fp;
	struct jsonl *r = reader(text, &fp);
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
	finish(r, fp);

	/* messages and the bytes of bad lines (jsonl_bad_raw) */
	r = reader("{\"a\":1}\n{\"to\":\"1555\",\"text\":\r\n"
		   "{\n  \"x\" 1,\n  \"y\": 2\n}\n{\"c\":3}\n"
		   "xx\n{\n  \"z\": 1", &fp);
	ok(jsonl_next(r, &v, &line, &err) == 1, "a good line");
	ok(jsonl_bad_raw(r, &len) == NULL && len == 0, "no bad bytes after it");
	jv_free(v);
	ok(jsonl_next(r, &v, &line, &err) == -1 && line == 2, "a cut line");
	is_str(err.message, "in: not JSON: the line ends inside a value",
	       "the message says the line was cut");
	raw = jsonl_bad_raw(r, &len);
	ok(raw && len == 20 && memcmp(raw, "{\"to\":\"1555\",\"text\":", 20) == 0,
	   "its exact bytes, without CR LF");
	ok(jsonl_next(r, &v, &line, &err) == -1 && line == 3, "a bad pretty record");
	like(err.message, "in: lines 3-6: not JSON: *", "names its lines");
	raw = jsonl_bad_raw(r, &len);
	ok(raw && len == strlen("{\n  \"x\" 1,\n  \"y\": 2\n}") &&
	   memcmp(raw, "{\n  \"x\" 1,\n  \"y\": 2\n}", len) == 0,
	   "bad bytes: all its lines");
	ok(jsonl_next(r, &v, &line, &err) == 1 && line == 7 &&
	   jsonl_bad_raw(r, &len) == NULL, "the next record");
	jv_free(v);
	ok(jsonl_next(r, &v, &line, &err) == -1 && line == 8, "a line of junk");
	raw = jsonl_bad_raw(r, &len);
	ok(raw && len == 2 && memcmp(raw, "xx", 2) == 0, "its bytes");
	ok(jsonl_next(r, &v, &line, &err) == -1 && line == 9,
	   "a pretty record cut at the end");
	like(err.message, "in: lines 9-10: not JSON: the input ends inside*",
	     "the message says so");
	raw = jsonl_bad_raw(r, &len);
	ok(raw && len == 10 && memcmp(raw, "{\n  \"z\": 1", 10) == 0,
	   "bad bytes without a final newline");
	ok(jsonl_next(r, &v, &line, &err) == 0, "then the end");
	ok(jsonl_count(r) == 6, "six records and errors counted");
	finish(r, fp);

	/* over the limit: the error, but no bytes */
	r = reader("{\"big\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"\n{}\n",
		   &fp);
	jsonl_set_limit(r, 16);
	ok(jsonl_next(r, &v, &line, &err) == -1 &&
	   jsonl_bad_raw(r, &len) == NULL, "a line over the limit: no bytes");
	ok(jsonl_next(r, &v, &line, &err) == 1 && line == 2, "the next line");
	jv_free(v);
	finish(r, fp);
}

int
main(void)
{
	test_dump();
	test_raw();
	test_cases();
	test_every_cut("{\"to\":\"1666\",\"text\":\"b\",\"n\":[1,{\"x\":null}]}",
		       "a JSON line");
	test_every_cut("{\n  \"to\": \"1666\",\n  \"n\": [\n    1,\n"
		       "    {\n      \"x\": true\n    }\n  ]\n}",
		       "a pretty-printed record");
	test_limit();
	test_getters();
	return done_testing();
}
