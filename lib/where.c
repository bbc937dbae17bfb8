/* SPDX-License-Identifier: MIT */
/* A --where predicate: one jq program run over each record. */
#include <string.h>
#include "where.h"

static void
error_cb(void *data, jv msg)
{
	struct where *w = data;
	jv f = jq_format_error(msg);

	if (!w->msg.len && jv_get_kind(f) == JV_KIND_STRING)
		sb_adds(&w->msg, jv_string_value(f));
	jv_free(f);
}

int
where_compile(struct where *w, const char *prog, struct wa_err *err)
{
	struct strbuf sb = STRBUF_INIT;

	memset(w, 0, sizeof(*w));
	w->jq = jq_init();
	if (!w->jq)
		return wa_err_set(err, WA_EX_IOERR, "io", "cannot start jq");
	jq_set_error_cb(w->jq, error_cb, w);
	if (jq_compile(w->jq, prog))
		return 0;
	sb_adds(&sb, w->msg.len ? sb_str(&w->msg) : "does not compile");
	wa_err_set(err, WA_EX_USAGE, "invalid_input", "--where: %s",
		   sb_str(&sb));
	sb_release(&sb);
	return -1;
}

void
where_free(struct where *w)
{
	if (w->jq)
		jq_teardown(&w->jq);
	sb_release(&w->msg);
}

int
where_check(const char *prog, struct wa_err *err)
{
	struct where w;
	int rc = where_compile(&w, prog, err);

	where_free(&w);
	return rc;
}

int
where_pass(struct where *w, jv rec)
{
	int pass = 0;
	jv r;

	if (!w->jq)
		return 1;
	jq_start(w->jq, jv_copy(rec), 0);
	while (jv_is_valid(r = jq_next(w->jq))) {
		if (jv_get_kind(r) == JV_KIND_TRUE)
			pass = 1;
		jv_free(r);
	}
	return jv_invalid_has_msg(r) ? -1 : pass;
}
