/* SPDX-License-Identifier: MIT */
/* wa-view list, show, search, history, assign/unassign/close/reopen, views/create/delete. */
#include <string.h>
#include "viewcmd_int.h"
#include "jsonl.h"
#include "util.h"

/* On a terminal: ids and times whole, text shrunk, the optional columns
 * that fit (OUT_DROP: the lowest goes first); the channel only when the
 * desk has more than one. */
static const struct out_col list_cols[] = {
	{ "ticket_id", "TICKET", 0 }, { "status", "STATUS", OUT_DROP(1) },
	{ "session_expires_at", "WINDOW", OUT_LEFT },
	{ "owner", "OWNER", 12 | OUT_TEXT | OUT_MIN(5) | OUT_DROP(4) },
	{ "contact", "CONTACT", 20 | OUT_TEXT },
	{ "wa_id", "WA_ID", OUT_DROP(2) }, { "channel", "CHANNEL", 0 },
	{ "last_message_at", "LAST MESSAGE", OUT_TIME | OUT_DROP(3) },
	{ "unread", "NEW", 0 },
	{ "preview", "PREVIEW", 48 | OUT_TEXT | OUT_MIN(20) },
	{ NULL, NULL, 0 }
};
#define NLIST_COLS (sizeof(list_cols) / sizeof(list_cols[0]))
/* show: the thread as key: value lines, then each message's line with
 * its text wrapped under it */
static const struct out_col thread_cols[] = {
	{ "thread_id", "thread", 0 }, { "ticket_id", "ticket", 0 },
	{ "status", "status", 0 }, { "owner", "owner", 0 },
	{ "contact", "contact", 0 }, { "wa_id", "wa_id", 0 },
	{ "username", "username", OUT_DROP(1) },
	{ "channel", "channel", 0 },
	{ "session_expires_at", "window", OUT_LEFT },
	{ NULL, NULL, 0 }
};
static const struct out_col show_cols[] = {
	{ "time", "TIME", OUT_TIME }, { "direction", "DIR", 0 },
	{ "from", "FROM", 0 }, { "to", "TO", OUT_DROP(1) },
	{ "type", "TYPE", 0 }, { "status", "STATUS", 0 },
	{ "read_at", "READ", OUT_TIME | OUT_DROP(2) },
	{ "text", "TEXT", OUT_BODY }, { NULL, NULL, 0 }
};
static const struct out_col search_cols[] = {
	{ "time", "TIME", OUT_TIME }, { "thread_id", "THREAD", 0 },
	{ "ticket_id", "TICKET", 0 }, { "contact", "CONTACT", 20 | OUT_TEXT },
	{ "direction", "DIR", 0 },
	{ "snippet", "SNIPPET", 60 | OUT_TEXT | OUT_MIN(20) },
	{ NULL, NULL, 0 }
};
static const struct out_col view_cols[] = {
	{ "name", "NAME", 0 }, { "owner", "OWNER", 0 },
	{ "sharing", "SHARING", 0 }, { "builtin", "BUILTIN", 0 },
	{ "filters", "FILTERS", 60 | OUT_TEXT }, { NULL, NULL, 0 }
};
static const struct out_col ticket_cols[] = {
	{ "ticket_id", "TICKET", 0 }, { "thread_id", "THREAD", 0 },
	{ "status", "STATUS", 0 }, { "owner", "OWNER", 0 },
	{ "changed", "CHANGED", 0 }, { "updated_at", "UPDATED", OUT_TIME },
	{ NULL, NULL, 0 }
};
static const struct out_col event_cols[] = {
	{ "at", "AT", OUT_TIME }, { "action", "ACTION", 0 },
	{ "actor", "BY", 0 }, { "from", "FROM", 0 }, { "to", "TO", 0 },
	{ NULL, NULL, 0 }
};

void
viewcmd_emit(jv rec, void *ctx)
{
	out_record(ctx, rec);
}

/* On a terminal the thread record prints first as key: value lines. */
struct show_ctx {
	struct out *o;		/* the messages */
	struct out head;	/* the thread */
};

static void
emit_show(jv rec, void *ctx)
{
	struct show_ctx *c = ctx;
	const char *kind = jx_cstr(rec, "record");

	if (c->o->table && kind && strcmp(kind, "thread") == 0)
		out_record(&c->head, rec);
	else
		out_record(c->o, rec);
}

int64_t
viewcmd_id_arg(const struct viewcmd_opts *vo, const char *what,
	       const char *s)
{
	long long v;

	if (!s)
		cli_usage_error(vo->cli, "missing %s", what);
	if (*s == '#')
		s++;
	if (parse_int(s, 1, INT64_MAX, &v) < 0)
		cli_usage_error(vo->cli, "%s: '%s' is not a number", what, s);
	return v;
}

/* A rejected operation: the result record on stdout (on a terminal as
 * key: value lines), the line on stderr. */
int
viewcmd_rejected(struct out *o, const struct wa_err *err, jv input)
{
	wa_warn(err, 0);
	if (err->sysexit != WA_EX_REJECTED) {
		jv_free(input);
		return err->sysexit;
	}
	o->cols = NULL;
	o->style = OUT_STYLE_RECORD;
	out_record(o, wa_err_result(err, input, 0));
	return WA_EX_REJECTED;
}

int
viewcmd_list(struct store *st, struct out *o, const struct viewcmd_opts *vo,
	     const char *user, struct wa_err *err)
{
	struct views_filter f;
	static struct out_col one_channel[NLIST_COLS];
	long where_errors = 0;
	int64_t channels = 0;
	size_t i, j;
	int rc;

	views_filter_init(&f);
	if (vo->view && views_resolve(st, vo->view, user, &f, err) < 0) {
		views_filter_release(&f);
		return viewcmd_rejected(o, err, JV_OBJECT(
			jv_string("view"), jv_string(vo->view)));
	}
	views_filter_merge(&f, &vo->filter);
	/* --owner me (or a saved view's): the user, as assign and watch
	 * take it */
	if (f.v[VIEWS_OWNER] && strcmp(f.v[VIEWS_OWNER], "me") == 0 && user)
		(void)views_filter_set(&f, VIEWS_OWNER, user, err);
	if (o->table && views_channels(st, &channels, err) < 0) {
		views_filter_release(&f);
		wa_warn(err, 0);
		return err->sysexit;
	}
	o->cols = list_cols;
	if (channels <= 1) {
		for (i = j = 0; i < NLIST_COLS; i++)
			if (!list_cols[i].key ||
			    strcmp(list_cols[i].key, "channel") != 0)
				one_channel[j++] = list_cols[i];
		o->cols = one_channel;
	}
	rc = views_list(st, &f, wa_now(), o->table ? 50 : 0, viewcmd_emit, o,
			&where_errors, err);
	views_filter_release(&f);
	if (rc < 0) {
		wa_warn(err, 0);
		return err->sysexit;
	}
	if (where_errors)
		wa_warnx("--where failed on %ld row%s (taken as false)",
			 where_errors, where_errors == 1 ? "" : "s");
	return 0;
}

int
viewcmd_show(struct store *st, struct out *o,
	     const struct viewcmd_opts *vo, int argc, char **argv,
	     struct wa_err *err)
{
	int64_t thread = argc > 0 ? viewcmd_id_arg(vo, "THREAD", argv[0]) : 0;
	struct show_ctx c = { o, { 0 } };
	int rc;

	if (argc > 1 || (argc == 0 && !vo->ticket))
		cli_usage_error(vo->cli, "show takes THREAD or --ticket N");
	o->cols = show_cols;
	out_init(&c.head, o->fp, o->table ? OUT_TABLE : OUT_JSON,
		 thread_cols);
	c.head.style = OUT_STYLE_RECORD;
	rc = views_show(st, thread, vo->ticket, wa_now(),
			vo->peek ? VIEWS_SHOW_PEEK : 0, emit_show, &c, err);
	if (out_finish(&c.head) < 0)
		o->failed = 1;
	out_follow(o, &c.head);
	if (rc == 0)
		return 0;
	return viewcmd_rejected(o, err, argc > 0 ?
			JV_OBJECT(jv_string("thread_id"), jv_string(argv[0])) :
			JV_OBJECT(jv_string("ticket_id"),
				  jv_string_fmt("%lld", vo->ticket)));
}

int
viewcmd_search(struct store *st, struct out *o,
	       const struct viewcmd_opts *vo, int argc, char **argv,
	       struct wa_err *err)
{
	long long n = 0;

	if (argc != 1)
		cli_usage_error(vo->cli, "search takes one TEXT (quote it)");
	if (vo->filter.v[VIEWS_LIMIT])
		parse_int(vo->filter.v[VIEWS_LIMIT], 0, 1 << 30, &n);
	o->cols = search_cols;
	if (views_search(st, argv[0], vo->filter.v[VIEWS_LIMIT] ? (long)n :
			 50, viewcmd_emit, o, err) == 0)
		return 0;
	wa_warn(err, 0);
	return err->sysexit;
}

int
viewcmd_history(struct store *st, struct out *o,
		const struct viewcmd_opts *vo, int argc, char **argv,
		struct wa_err *err)
{
	if (argc != 1)
		cli_usage_error(vo->cli, "history takes TICKET");
	o->cols = event_cols;
	if (views_ticket_history(st, viewcmd_id_arg(vo, "TICKET", argv[0]),
				 viewcmd_emit, o, err) == 0)
		return 0;
	return viewcmd_rejected(o, err, JV_OBJECT(
		jv_string("ticket_id"), jv_string(argv[0])));
}

int
viewcmd_ticket(struct store *st, struct out *o,
	       const struct viewcmd_opts *vo, const char *cmd, int argc,
	       char **argv, const char *user, struct wa_err *err)
{
	enum views_action a = strcmp(cmd, "assign") == 0 ? VIEWS_ASSIGN :
		strcmp(cmd, "close") == 0 ? VIEWS_CLOSE :
		strcmp(cmd, "unassign") == 0 ? VIEWS_UNASSIGN : VIEWS_REOPEN;
	int want = a == VIEWS_ASSIGN ? 2 : 1;
	int64_t id = viewcmd_id_arg(vo, "TICKET", argc > 0 ? argv[0] : NULL);
	jv res;

	if (argc != want)
		cli_usage_error(vo->cli, "%s takes %s", cmd, want == 2 ?
				"TICKET OWNER" : "TICKET");
	o->cols = ticket_cols;
	if (want == 2 && strcmp(argv[1], "me") == 0)
		argv[1] = (char *)user;	/* assign TICKET me: take it */
	if (views_ticket_change(st, id, a, want == 2 ? argv[1] : NULL, user,
				wa_now(), &res, err) < 0)
		return viewcmd_rejected(o, err, JV_OBJECT(
			jv_string("ticket_id"), jv_string(argv[0])));
	out_record(o, res);
	return 0;
}

int
viewcmd_views(struct store *st, struct out *o,
	      const struct viewcmd_opts *vo, const char *cmd, int argc,
	      char **argv, const char *user, struct wa_err *err)
{
	jv res;
	int rc;

	o->cols = view_cols;
	if (strcmp(cmd, "views") == 0) {
		if (argc)
			cli_usage_error(vo->cli, "views takes no argument");
		rc = views_each(st, user, viewcmd_emit, o, err);
		if (rc < 0)
			wa_warn(err, 0);
		return rc < 0 ? err->sysexit : 0;
	}
	if (argc != 1)
		cli_usage_error(vo->cli, "%s takes NAME", cmd);
	if (strcmp(cmd, "create") == 0)
		rc = views_create(st, argv[0], user, vo->sharing, &vo->filter,
				  wa_now(), &res, err);
	else
		rc = views_delete(st, argv[0], user, &res, err);
	if (rc < 0)
		return viewcmd_rejected(o, err, JV_OBJECT(
			jv_string("name"), jv_string(argv[0])));
	out_record(o, res);
	return 0;
}
