/* SPDX-License-Identifier: MIT */
/* Unit tests for lib/err.c and lib/out.c: result records, actions, exit merging, tables. */
#include <stdio.h>
#include <stdlib.h>
#include "tap.h"
#include "err.h"
#include "graph.h"
#include "out.h"
#include "util.h"

static char *
dump(jv v)
{
	jv s = jv_dump_string(v, JV_PRINT_SORTED);
	char *r = xstrdup(jv_string_value(s));

	jv_free(s);
	return r;
}

static void
test_result(void)
{
	struct wa_err err;
	char *s;

	wa_err_set(&err, 1, "window_closed", "session expired at %s",
		   "2024-04-16T17:57:05Z");
	err.graph_code = 131047;
	s = dump(wa_err_result(&err, jv_parse("{\"to\":\"1555\"}"), 3));
	is_str(s, "{\"action\":\"use_template\",\"error\":{\"code\":"
	       "\"window_closed\",\"graph_code\":131047,\"message\":\"session "
	       "expired at 2024-04-16T17:57:05Z\"},\"input\":{\"to\":\"1555\"},"
	       "\"line\":3,\"ok\":false}", "result record shape");
	free(s);
	wa_err_set(&err, 1, "invalid_input", "bad");
	s = dump(wa_err_result(&err, jv_invalid(), 0));
	is_str(s, "{\"action\":\"fix_input\",\"error\":{\"code\":"
	       "\"invalid_input\",\"message\":\"bad\"},\"ok\":false}",
	       "no input, no line, no graph_code");
	free(s);
	wa_err_prefix(&err, "line %d", 7);
	is_str(err.message, "line 7: bad", "wa_err_prefix");
	is_str(wa_err_default_action("rate_limited"), "retry", "action retry");
	is_str(wa_err_default_action("auth"), "admin", "action admin");
	is_str(wa_err_default_action("ambiguous"), "never", "action never");
	is_int(wa_exit_merge(0, 1), 1, "1 beats 0");
	is_int(wa_exit_merge(1, 69), 69, "fatal beats 1");
	is_int(wa_exit_merge(75, 1), 75, "1 does not hide a fatal");
}

static const struct {
	long code, http;
	const char *want, *action;
	int sysexit;
} maps[] = {
	{ 190, 401, "auth", "admin", 77 },
	{ 130429, 400, "rate_limited", "retry", 75 },
	{ 131056, 400, "rate_limited", "retry", 75 },
	{ 80007, 400, "rate_limited", "retry", 75 },
	{ 4, 400, "rate_limited", "retry", 75 },
	{ 131047, 400, "window_closed", "use_template", 1 },
	{ 132000, 400, "template_params", "fix_input", 1 },
	{ 132001, 400, "template_not_found", "fix_input", 1 },
	{ 131026, 400, "graph_error", "never", 1 },
	{ 131053, 400, "media_type", "fix_input", 1 },
	{ 100, 400, "graph_error", "fix_input", 1 },
	{ 0, 503, "graph_error", "retry", 69 },
	{ 0, 429, "rate_limited", "retry", 75 },
	{ 368, 400, "graph_error", "admin", 1 },
};

static void
test_map(void)
{
	struct wa_err err;
	size_t i;

	for (i = 0; i < sizeof(maps) / sizeof(maps[0]); i++) {
		wa_err_clear(&err);
		graph_map_code(maps[i].code, maps[i].http, &err);
		ok(strcmp(err.code, maps[i].want) == 0 &&
		   strcmp(err.action, maps[i].action) == 0 &&
		   err.sysexit == maps[i].sysexit,
		   "Meta code %ld (HTTP %ld) -> %s/%s/%d (got %s/%s/%d)",
		   maps[i].code, maps[i].http, maps[i].want, maps[i].action,
		   maps[i].sysexit, err.code, err.action, err.sysexit);
	}
	{
		jv body = jv_parse("{\"error\":{\"message\":\"Invalid parameter\","
				   "\"type\":\"OAuthException\",\"code\":100,"
				   "\"error_subcode\":2593002}}");

		graph_classify(CURLE_OK, 1, 0, 400, body, &err);
		is_str(err.code, "template_not_found",
		       "100/2593002 is template_not_found");
		is_int(err.graph_subcode, 2593002, "subcode kept");
		jv_free(body);
	}
	graph_classify(CURLE_OPERATION_TIMEDOUT, 1, 0, 0, jv_null(), &err);
	is_str(err.code, "ambiguous", "POST timeout after sending: ambiguous");
	graph_classify(CURLE_OPERATION_TIMEDOUT, 1, 1, 0, jv_null(), &err);
	is_str(err.code, "network", "GET timeout: network, retried");
	graph_classify(CURLE_COULDNT_CONNECT, 0, 0, 0, jv_null(), &err);
	ok(strcmp(err.code, "network") == 0 && err.retry,
	   "refused connection: network, retryable");
}

static void
test_table(void)
{
	static const struct out_col cols[] = {
		{ "id", "ID", 0 },
		{ "text", "TEXT", 10 },
		{ "nested.k", "K", 0 },
		{ NULL, NULL, 0 },
	};
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	struct out o;

	out_init(&o, fp, OUT_TABLE, cols);
	out_record(&o, jv_parse("{\"id\":\"1\",\"text\":\"short\","
				"\"nested\":{\"k\":true}}"));
	out_record(&o, jv_parse("{\"id\":\"22\",\"text\":\"a much longer "
				"text\\nwith newline\",\"nested\":{}}"));
	ok(out_finish(&o) == 0, "table printed");
	fclose(fp);
	is_str(buf, "ID  TEXT        K\n"
	       "1   short       yes\n"
	       "22  a much lo~  -\n", "aligned, capped, nested keys");
	free(buf);
	buf = NULL;
	fp = open_memstream(&buf, &len);
	out_init(&o, fp, OUT_JSON, cols);
	out_record(&o, jv_parse("{\"b\":1,\"a\":\"x\"}"));
	out_finish(&o);
	fclose(fp);
	is_str(buf, "{\"b\":1,\"a\":\"x\"}\n", "JSON lines keep the record");
	free(buf);
}

int
main(void)
{
	test_result();
	test_map();
	test_table();
	return done_testing();
}
