/* SPDX-License-Identifier: MIT */
/* A jq program as a predicate over records (--where, routing rules): compiled once, run per record. */
#include <stdlib.h>
#include <string.h>
#include "jqwhere.h"

static void
error_cb(void *data, jv msg)
{
	struct jqwhere *w = data;
	jv f = jq_format_error(msg);

	if (!w->msg.len && jv_get_kind(f) == JV_KIND_STRING)
		sb_adds(&w->msg, jv_string_value(f));
	jv_free(f);
}

int
jqwhere_compile(struct jqwhere *w, const char *prog, const char *what,
		struct wa_err *err)
{
	memset(w, 0, sizeof(*w));
	w->jq = jq_init();
	if (!w->jq)
		return wa_err_set(err, WA_EX_IOERR, "io", "cannot start jq");
	jq_set_error_cb(w->jq, error_cb, w);
	if (jq_compile(w->jq, prog))
		return 0;
	return wa_err_set(err, WA_EX_USAGE, "invalid_input", "%s: %s", what,
			  w->msg.len ? sb_str(&w->msg) : "does not compile");
}

void
jqwhere_free(struct jqwhere *w)
{
	if (w->jq)
		jq_teardown(&w->jq);
	sb_release(&w->msg);
}

int
jqwhere_check(const char *prog, const char *what, struct wa_err *err)
{
	struct jqwhere w;
	int rc = jqwhere_compile(&w, prog, what, err);

	jqwhere_free(&w);
	return rc;
}

/* jq's message of a failed run (r consumed), owned. */
static char *
run_error(jv r)
{
	jv m = jv_invalid_get_msg(r);
	char *s;

	if (jv_get_kind(m) == JV_KIND_STRING) {
		s = xstrdup(jv_string_value(m));
	} else {
		jv d = jv_dump_string(jv_copy(m), 0);

		s = xstrdup(jv_string_value(d));
		jv_free(d);
	}
	jv_free(m);
	return s;
}

int
jqwhere_pass(struct jqwhere *w, jv rec, char **msg)
{
	int pass = 0;
	jv r;

	jq_start(w->jq, jv_copy(rec), 0);
	while (jv_is_valid(r = jq_next(w->jq))) {
		if (jv_get_kind(r) == JV_KIND_TRUE)
			pass = 1;
		jv_free(r);
	}
	if (!jv_invalid_has_msg(jv_copy(r))) {
		jv_free(r);
		return pass;
	}
	if (msg)
		*msg = run_error(r);
	else
		jv_free(r);
	return -1;
}

int
jqwhere_first(struct jqwhere *w, jv rec, jv *out, char **msg)
{
	jv r;

	jq_start(w->jq, rec, 0);
	r = jq_next(w->jq);
	if (jv_is_valid(r) || !jv_invalid_has_msg(jv_copy(r))) {
		*out = r;
		return 0;
	}
	*out = jv_invalid();
	if (msg)
		*msg = run_error(r);
	else
		jv_free(r);
	return -1;
}
