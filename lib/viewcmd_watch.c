/* SPDX-License-Identifier: MIT */
/* wa-view agents and route (lib/people.c), and watch: the desk's events a line as they come. */
#include <stdio.h>
#include "viewcmd_int.h"
#include "util.h"

/* agents ..., route ...: the records, or a rejected operation. */
int
viewcmd_people(struct store *st, struct out *o,
	       const struct viewcmd_opts *vo, int argc, char **argv,
	       const char *user, struct wa_err *err)
{
	jv input;

	if (people_run(st, &vo->people, vo->filter.v[VIEWS_WHERE], argc, argv,
		       user, wa_now(), viewcmd_emit, o, &o->cols, &input,
		       err) == 0)
		return 0;
	if (err->sysexit == WA_EX_USAGE)
		cli_usage_error(vo->cli, "%s", err->message);
	return viewcmd_rejected(o, err,
				jv_is_valid(input) ? input : jv_object());
}

/* watch: a record a line as it comes; on a terminal, for people. */
static const struct out_col watch_cols[] = {
	{ "at", "AT", OUT_TIME }, { "event", "EVENT", 8 },
	{ "ticket", "TICKET", 6 }, { "who", "WHO", 16 },
	{ "what", "WHAT", OUT_TEXT | OUT_MIN(20) }, { NULL, NULL, 0 }
};

static int
watch_line(const char *text, size_t len, void *ctx)
{
	struct out *o = ctx;
	jv rec;

	if (o->table) {
		rec = jv_parse_sized(text, (int)len);
		out_record(o, watch_show(rec));
		jv_free(rec);
		return o->failed ? -1 : 0;
	}
	if (fwrite(text, 1, len, stdout) != len || putchar('\n') == EOF ||
	    fflush(stdout) == EOF)
		return -1;
	return 0;
}

static void
watch_warn(const char *msg, void *ctx)
{
	wa_warnx("%s", msg);
}

int
viewcmd_watch(struct store *st, struct out *o,
	      const struct viewcmd_opts *vo, int argc, char **argv,
	      const char *user, struct wa_err *err)
{
	struct watch_cb cb = { watch_line, watch_warn, o };
	int rc;

	if (argc)
		cli_usage_error(vo->cli, "unexpected argument '%s'", argv[0]);
	o->style = OUT_STYLE_LINE;
	o->cols = watch_cols;
	rc = watch_run(st, user, &vo->filter, &vo->watch, &cb, err);
	if (rc >= 0)
		return rc;
	if (err->sysexit == WA_EX_USAGE)
		cli_usage_error(vo->cli, "%s", err->message);
	wa_warn(err, 0);
	return err->sysexit;
}
