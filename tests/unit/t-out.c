/* SPDX-License-Identifier: MIT */
/* Unit tests for lib/out*.c on a terminal: widths of UTF-8, cutting, wrapping, tables that fit, key: value lines. */
#include <stdio.h>
#include <stdlib.h>
#include "tap.h"
#include "out_int.h"
#include "util.h"

/* What fn printed into a memory stream (owned). */
struct mem {
	char *buf;
	size_t len;
	FILE *fp;
};

static FILE *
mem_open(struct mem *m)
{
	m->buf = NULL;
	m->len = 0;
	m->fp = open_memstream(&m->buf, &m->len);
	return m->fp;
}

static char *
mem_close(struct mem *m)
{
	fclose(m->fp);
	return m->buf;
}

static void
test_width(void)
{
	char s[64];

	is_int(out_text_width("hello"), 5, "ASCII: a column a byte");
	is_int(out_text_width("caf\xc3\xa9"), 4, "é is one column");
	is_int(out_text_width("e\xcc\x81"), 1, "a combining accent takes none");
	is_int(out_text_width("\xe6\x97\xa5\xe6\x9c\xac"), 4,
	       "CJK characters take two");
	is_int(out_text_width("ok \xf0\x9f\x91\x8d"), 5, "an emoji takes two");
	is_int(out_text_width("\xff\xfe"), 2, "bytes that are no UTF-8: one each");
	snprintf(s, sizeof(s), "%s", "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e");
	out_text_cut(s, 4);
	is_str(s, "\xe6\x97\xa5~", "a cut never splits a wide character");
	ok(out_text_width(s) <= 4, "and fits");
	snprintf(s, sizeof(s), "%s", "exactly");
	out_text_cut(s, 7);
	is_str(s, "exactly", "text that fits is not cut");
}

static void
test_clean(void)
{
	char *c = out_text_clean("a\x1b[31mred\x07\nb\xc2\x9b" "2J", 0);

	is_str(c, "a [31mred  b 2J", "escape, bell, newline and C1 CSI are spaces");
	free(c);
	c = out_text_clean("line 1\nline 2\tend", 1);
	is_str(c, "line 1\nline 2 end", "newlines kept for wrapped text");
	free(c);
}

static void
test_wrap(void)
{
	struct mem m;

	out_text_wrap(mem_open(&m), "the quick brown fox jumps over the "
		      "lazy dog and runs", 4, 28);
	is_str(mem_close(&m), "the quick brown fox\n"
	       "    jumps over the lazy dog\n"
	       "    and runs\n", "words fill lines of 24, indented by 4");
	free(m.buf);
	out_text_wrap(mem_open(&m), "short\n\nnext paragraph", 2, 40);
	is_str(mem_close(&m), "short\n  \n  next paragraph\n",
	       "newlines in the text are kept");
	free(m.buf);
	out_text_wrap(mem_open(&m), "see https://example.com/a/very/long/"
		      "path/that/never/ends ok", 0, 20);
	is_str(mem_close(&m), "see\nhttps://example.com/\na/very/long/path/tha\n"
	       "t/never/ends ok\n", "a word longer than a line is broken");
	free(m.buf);
}

static const struct out_col cols[] = {
	{ "id", "ID", 0 },
	{ "name", "NAME", 20 | OUT_TEXT },
	{ "code", "CODE", OUT_DROP(1) },
	{ "at", "AT", OUT_TIME | OUT_DROP(2) },
	{ "text", "TEXT", OUT_TEXT | OUT_MIN(8) },
	{ NULL, NULL, 0 },
};

/* What a table of cols at width prints for the records (JSON texts,
 * NULL-terminated); owned. */
static char *
print_table(const struct out_col *c, int width, const char *const *recs)
{
	struct mem m;
	struct out o;

	out_init(&o, mem_open(&m), OUT_TABLE, c);
	o.width = width;
	for (; *recs; recs++)
		out_record(&o, jv_parse(*recs));
	out_finish(&o);
	return mem_close(&m);
}

static char *
table(int width)
{
	static const char *const recs[] = {
		"{\"id\":\"100200300400500\",\"name\":\"Ann Lee-Montgomery\","
		"\"code\":\"x1\",\"at\":\"2024-04-16T17:57:05Z\","
		"\"text\":\"where is my order?\"}",
		"{\"id\":\"7\",\"name\":\"Bo\",\"code\":null,\"at\":null,"
		"\"text\":\"ok\"}",
		NULL
	};

	return print_table(cols, width, recs);
}

static void
test_table(void)
{
	char *s;

	s = table(100);
	is_str(s, "ID               NAME                CODE  AT                "
	       "TEXT\n"
	       "100200300400500  Ann Lee-Montgomery  x1    2024-04-16 17:57  "
	       "where is my order?\n"
	       "7                Bo                  -     -                 "
	       "ok\n", "wide: every column, times without seconds");
	free(s);
	s = table(60);
	is_str(s, "ID               NAME         AT                TEXT\n"
	       "100200300400500  Ann Lee-Mo~  2024-04-16 17:57  where is my~\n"
	       "7                Bo           -                 ok\n",
	       "60: the least wanted column goes first, text shares the rest");
	free(s);
	s = table(40);
	is_str(s, "ID               NAME        TEXT\n"
	       "100200300400500  Ann Lee-M~  where is m~\n"
	       "7                Bo          ok\n",
	       "40: both optional columns out, text shrunk, the id whole");
	free(s);
	s = table(24);
	is_str(s, "ID               NAME  TEXT\n"
	       "100200300400500  Ann~  whe~\n"
	       "7                Bo    ok\n",
	       "24: text down to its title; ids never cut (it overflows)");
	free(s);
}

static void
test_body(void)
{
	static const struct out_col msg[] = {
		{ "time", "TIME", OUT_TIME }, { "from", "FROM", 0 },
		{ "text", "TEXT", OUT_BODY }, { NULL, NULL, 0 },
	};
	static const char *const recs[] = {
		"{\"time\":\"2024-04-16T15:06:40Z\",\"from\":\"15551230001\","
		"\"text\":\"Where is my order? It was due on Monday.\\n"
		"Thanks\"}",
		"{\"time\":\"2024-04-16T15:07:00Z\",\"from\":\"15550001111\","
		"\"text\":\"On it\"}",
		NULL
	};
	char *s = print_table(msg, 30, recs);

	is_str(s, "TIME              FROM\n"
	       "2024-04-16 15:06  15551230001\n"
	       "    Where is my order? It was\n"
	       "    due on Monday.\n"
	       "    Thanks\n"
	       "\n"
	       "2024-04-16 15:07  15550001111\n"
	       "    On it\n", "each body wrapped under its row");
	free(s);
}

static void
test_record(void)
{
	static const struct out_col head[] = {
		{ "thread_id", "thread", 0 }, { "owner", "owner", 0 },
		{ "username", "username", OUT_DROP(1) },
		{ "end", "window", OUT_LEFT }, { NULL, NULL, 0 },
	};
	struct mem m, m2;
	struct out o, o2;

	out_init(&o, mem_open(&m), OUT_TABLE, NULL);
	o.style = OUT_STYLE_RECORD;
	o.width = 40;
	out_record(&o, jv_parse("{\"ok\":true,\"about\":\"We sell everything "
		"you need, and some things you do not\",\"error\":{\"code\":"
		"\"x\"},\"list\":[1,2],\"body\":{\"a\":{\"b\":[\"a long value "
		"that does not fit\"]}}}"));
	out_record(&o, jv_parse("{\"ok\":false}"));
	out_finish(&o);
	is_str(mem_close(&m), "ok:          yes\n"
	       "about:       We sell everything you\n"
	       "             need, and some things you\n"
	       "             do not\n"
	       "error.code:  x\n"
	       "list:        [1,2]\n"
	       "body.a:      {\n"
	       "               \"b\": [\n"
	       "                 \"a long value that does not fit\"\n"
	       "               ]\n"
	       "             }\n"
	       "\n"
	       "ok:  no\n", "keys aligned, long values wrapped, objects as JSON");
	free(m.buf);

	setenv("WA_NOW", "1713290225", 1);
	out_init(&o, mem_open(&m), OUT_TABLE, head);
	o.style = OUT_STYLE_RECORD;
	out_record(&o, jv_parse("{\"thread_id\":\"4\",\"owner\":null,"
		"\"username\":null,\"end\":\"2024-04-16T18:00:00Z\"}"));
	out_finish(&o);
	out_init(&o2, m.fp, OUT_TABLE, cols);
	out_follow(&o2, &o);
	out_record(&o2, jv_parse("{\"id\":\"1\"}"));
	out_finish(&o2);
	is_str(mem_close(&m), "thread:  4\nowner:   -\nwindow:  2m\n\n"
	       "ID  NAME  CODE  AT  TEXT\n1   -     -     -   -\n",
	       "given keys; an optional null left out; a table after it");
	free(m.buf);

	out_init(&o, mem_open(&m2), OUT_JSON, head);
	o.style = OUT_STYLE_RECORD;
	out_record(&o, jv_parse("{\"thread_id\":\"4\",\"end\":null}"));
	out_finish(&o);
	is_str(mem_close(&m2), "{\"thread_id\":\"4\",\"end\":null}\n",
	       "piped, a record is its JSON line");
	free(m2.buf);
}

static void
test_left(void)
{
	static const struct out_col c[] = {
		{ "end", "W", OUT_LEFT }, { NULL, NULL, 0 },
	};
	static const char *const ends[][2] = {
		{ "\"2024-04-17T17:57:04Z\"", "23h" },
		{ "\"2024-04-16T18:42:05Z\"", "45m" },
		{ "\"2024-04-16T17:58:04Z\"", "<1m" },
		{ "\"2024-04-16T17:57:05Z\"", "closed" },
		{ "null", "closed" },
	};
	struct mem m;
	struct out o;
	char in[64], want[32];
	size_t i;

	setenv("WA_NOW", "1713290225", 1);	/* 2024-04-16T17:57:05Z */
	for (i = 0; i < sizeof(ends) / sizeof(ends[0]); i++) {
		out_init(&o, mem_open(&m), OUT_TABLE, c);
		snprintf(in, sizeof(in), "{\"end\":%s}", ends[i][0]);
		out_record(&o, jv_parse(in));
		out_finish(&o);
		snprintf(want, sizeof(want), "W\n%s\n", ends[i][1]);
		is_str(mem_close(&m), want, "window ending %s: %s", ends[i][0],
		       ends[i][1]);
		free(m.buf);
	}
}

int
main(void)
{
	test_width();
	test_clean();
	test_wrap();
	test_table();
	test_body();
	test_record();
	test_left();
	return done_testing();
}
