/* SPDX-License-Identifier: MIT */
/* wa-view: the help desk: list threads through views, show, search, assign, close, contacts, agents, routing. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "wa.h"
#include "audit_cli.h"
#include "contacts.h"
#include "quarantine_admin.h"
#include "jsonl_files.h"
#include "people.h"
#include "views.h"
#include "watch.h"

static const char usage[] =
	"usage: wa-view list [--view NAME] [--status open|closed|sent|all]\n"
	"           [--source whatsapp] [--owner USER | --unassigned]\n"
	"           [--channel ID] [--contact ID] [--search TEXT] [--since T]\n"
	"           [--limit N] [--window open|closed|closing[:DURATION]]\n"
	"           [--where JQ] [--as USER]\n"
	"       wa-view show THREAD | --ticket N [--peek]\n"
	"       wa-view search TEXT [--limit N]\n"
	"       wa-view assign TICKET OWNER | unassign TICKET | close TICKET\n"
	"       wa-view reopen TICKET\n"
	"       wa-view history TICKET\n"
	"       wa-view create NAME [filters] [--sharing private|team|everyone]\n"
	"       wa-view views | delete NAME\n"
	"       wa-view watch [--owner USER | --unassigned] [--channel ID]\n"
	"           [--contact ID] [--where JQ] [--window closing[:DURATION]]\n"
	"           [--since SEQ] [--event KIND,...] [--notify none|mine|team|all]\n"
	"           [--exec CMD] [--exec-timeout SECONDS] [--count N] [--once]\n"
	"       wa-view contacts add [--name N] [--email E] [--phone P]\n"
	"           [--mobile-phone P]\n"
	"       wa-view contacts import [FILE ...] | contacts list\n"
	"       wa-view audit [--actor USER] [--action NAME] [--subject S]\n"
	"           [--limit N] | audit --anchor | audit --verify [--anchor H]\n"
	"       wa-view contacts show ID | contacts merge ID OTHER\n"
	"       wa-view quarantine show MSG | quarantine release MSG\n"
	"       wa-view contacts edit ID [--name N] [--email E] [--phone P]\n"
	"           [--mobile-phone P]\n"
	"       wa-view agents add NAME [--team T ...] [--skill S ...]\n"
	"           [--max-open N] [--notify none|mine|team|all]\n"
	"       wa-view agents set NAME [--team T ...] [--skill S ...]\n"
	"           [--max-open N|none] [--notify none|mine|team|all]\n"
	"       wa-view agents list [NAME] | agents remove NAME\n"
	"       wa-view agents away NAME | agents back NAME\n"
	"       wa-view route add NAME --where JQ [--team T] [--skill S]\n"
	"           [--agent A] [--strategy round-robin|least-open]\n"
	"           [--priority N]\n"
	"       wa-view route list | route remove NAME | route test TICKET\n"
	"       common: [--as USER] [--db PATH] [--json | --table]\n";

enum {
	OPT_VIEW = CLI_OPT_FIRST_FREE,
	OPT_SHARING, OPT_AS, OPT_TICKET, OPT_NAME, OPT_EMAIL, OPT_PHONE,
	OPT_MOBILE, OPT_PEEK,
	OPT_PEOPLE = CLI_OPT_FIRST_FREE + 0x20,	/* + enum people_opt */
	OPT_FILTER = CLI_OPT_FIRST_FREE + 0x40,	/* + enum views_key */
	OPT_WATCH = CLI_OPT_FIRST_FREE + 0x80	/* + enum watch_opt */
};

#define FILTER_OPT(name, has, key) \
	{ name, has, NULL, OPT_FILTER + (key) }
#define WATCH_OPT(name, has, key) \
	{ name, has, NULL, OPT_WATCH + (key) }

static const struct option longopts[] = {
	CLI_COMMON_OPTIONS,
	{ "view", required_argument, NULL, OPT_VIEW },
	{ "sharing", required_argument, NULL, OPT_SHARING },
	{ "as", required_argument, NULL, OPT_AS },
	{ "ticket", required_argument, NULL, OPT_TICKET },
	{ "name", required_argument, NULL, OPT_NAME },
	{ "email", required_argument, NULL, OPT_EMAIL },
	{ "phone", required_argument, NULL, OPT_PHONE },
	{ "mobile-phone", required_argument, NULL, OPT_MOBILE },
	{ "peek", no_argument, NULL, OPT_PEEK },
	{ "team", required_argument, NULL, OPT_PEOPLE + PEOPLE_TEAM },
	{ "skill", required_argument, NULL, OPT_PEOPLE + PEOPLE_SKILL },
	{ "max-open", required_argument, NULL, OPT_PEOPLE + PEOPLE_MAX_OPEN },
	{ "notify", required_argument, NULL, OPT_PEOPLE + PEOPLE_NOTIFY },
	{ "agent", required_argument, NULL, OPT_PEOPLE + PEOPLE_AGENT },
	{ "strategy", required_argument, NULL, OPT_PEOPLE + PEOPLE_STRATEGY },
	{ "priority", required_argument, NULL, OPT_PEOPLE + PEOPLE_PRIORITY },
	FILTER_OPT("status", required_argument, VIEWS_STATUS),
	FILTER_OPT("source", required_argument, VIEWS_SOURCE),
	FILTER_OPT("owner", required_argument, VIEWS_OWNER),
	FILTER_OPT("unassigned", no_argument, VIEWS_UNASSIGNED),
	FILTER_OPT("channel", required_argument, VIEWS_CHANNEL),
	FILTER_OPT("contact", required_argument, VIEWS_CONTACT),
	FILTER_OPT("search", required_argument, VIEWS_SEARCH),
	FILTER_OPT("since", required_argument, VIEWS_SINCE),
	FILTER_OPT("limit", required_argument, VIEWS_LIMIT),
	FILTER_OPT("window", required_argument, VIEWS_WINDOW),
	FILTER_OPT("where", required_argument, VIEWS_WHERE),
	WATCH_OPT("event", required_argument, WATCH_OPT_EVENT),
	WATCH_OPT("exec", required_argument, WATCH_OPT_EXEC),
	WATCH_OPT("exec-timeout", required_argument, WATCH_OPT_EXEC_TIMEOUT),
	WATCH_OPT("count", required_argument, WATCH_OPT_COUNT),
	WATCH_OPT("once", no_argument, WATCH_OPT_ONCE),
	{ NULL, 0, NULL, 0 }
};

static struct cli cli = { usage, NULL, OUT_AUTO };
static struct views_filter filter;	/* from the command line */
static int nfilters;			/* how many were given */
static int owner_given, unassigned_given;	/* exclude each other */
static struct people people;		/* agents and route options */
static const char *opt_view, *opt_sharing, *opt_as;
static long long opt_ticket;
static int opt_peek;
static jv contact_opts;			/* contacts add: the record */
static struct watch_opts watch_opts;

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
static const struct out_col contact_cols[] = {
	{ "contact_id", "ID", 0 }, { "name", "NAME", 24 | OUT_TEXT },
	{ "email", "EMAIL", 28 | OUT_TEXT | OUT_DROP(3) },
	{ "phone", "PHONE", 0 }, { "mobile_phone", "MOBILE", OUT_DROP(2) },
	{ "wa_id", "WA_ID", 0 }, { "username", "USERNAME", OUT_DROP(1) },
	{ "threads", "THREADS", 0 }, { NULL, NULL, 0 }
};

static void
contact_opt(const char *key, const char *arg)
{
	contact_opts = jv_object_set(contact_opts, jv_string(key),
				     jv_string(arg));
}

static void
handle(int opt, const char *arg, void *ctx)
{
	struct wa_err err;

	if (opt >= OPT_FILTER && opt < OPT_FILTER + VIEWS_NKEYS) {
		owner_given |= opt == OPT_FILTER + VIEWS_OWNER;
		unassigned_given |= opt == OPT_FILTER + VIEWS_UNASSIGNED;
		if (owner_given && unassigned_given)
			cli_usage_error(&cli, "--owner and --unassigned "
					"exclude each other");
		if (views_filter_set(&filter, (enum views_key)(opt - OPT_FILTER),
				     arg ? arg : "true", &err) < 0)
			cli_usage_error(&cli, "%s", err.message);
		nfilters++;
		return;
	}
	if (opt >= OPT_PEOPLE && opt < OPT_PEOPLE + PEOPLE_NOPTS) {
		if (people_option(&people, (enum people_opt)(opt - OPT_PEOPLE),
				  arg, &err) < 0)
			cli_usage_error(&cli, "%s", err.message);
		return;
	}
	if (opt >= OPT_WATCH && opt < OPT_WATCH + WATCH_NOPTS) {
		if (watch_opt_set(&watch_opts, (enum watch_opt)(opt - OPT_WATCH),
				  arg ? arg : "", &err) < 0)
			cli_usage_error(&cli, "%s", err.message);
		return;
	}
	switch (opt) {
	case OPT_VIEW: opt_view = arg; break;
	case OPT_SHARING: opt_sharing = arg; break;
	case OPT_AS: opt_as = arg; break;
	case OPT_TICKET:
		if (parse_int(arg, 1, INT64_MAX, &opt_ticket) < 0)
			cli_usage_error(&cli, "--ticket: '%s' is not a ticket "
					"number", arg);
		break;
	case OPT_NAME: contact_opt("name", arg); break;
	case OPT_EMAIL: contact_opt("email", arg); break;
	case OPT_PHONE: contact_opt("phone", arg); break;
	case OPT_MOBILE: contact_opt("mobile_phone", arg); break;
	case OPT_PEEK: opt_peek = 1; break;
	default: cli_usage_error(&cli, "unexpected option");
	}
}

static void
emit(jv rec, void *ctx)
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

static int64_t
id_arg(const char *what, const char *s)
{
	long long v;

	if (!s)
		cli_usage_error(&cli, "missing %s", what);
	if (*s == '#')
		s++;
	if (parse_int(s, 1, INT64_MAX, &v) < 0)
		cli_usage_error(&cli, "%s: '%s' is not a number", what, s);
	return v;
}

/* A rejected operation: the result record on stdout (on a terminal as
 * key: value lines), the line on stderr. */
static int
rejected(struct out *o, const struct wa_err *err, jv input)
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

static int
cmd_list(struct store *st, struct out *o, const char *user,
	 struct wa_err *err)
{
	struct views_filter f;
	static struct out_col one_channel[NLIST_COLS];
	long where_errors = 0;
	int64_t channels = 0;
	size_t i, j;
	int rc;

	views_filter_init(&f);
	if (opt_view && views_resolve(st, opt_view, user, &f, err) < 0) {
		views_filter_release(&f);
		return rejected(o, err, JV_OBJECT(jv_string("view"),
						  jv_string(opt_view)));
	}
	views_filter_merge(&f, &filter);
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
	rc = views_list(st, &f, wa_now(), o->table ? 50 : 0, emit, o,
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

/* An answer of contacts import: a refusal also on stderr. */
static void
emit_import(jv rec, void *ctx)
{
	wa_warn_result(rec);
	out_record(ctx, rec);
}

static int
cmd_import(struct store *st, struct out *o, struct wa_config *cfg,
	   int argc, char **argv, struct wa_err *err)
{
	int status;

	if (contacts_import(st, argc, argv, cfg->default_cc, wa_now(),
			    emit_import, o, &status, err) == 0)
		return status;
	wa_warn(err, 0);	/* a file that cannot be read: nothing done */
	return err->sysexit;
}

/* contacts show, edit and merge: one contact by id. */
static int
cmd_contact(struct store *st, struct out *o, struct wa_config *cfg,
	    int argc, char **argv, struct wa_err *err)
{
	const char *sub = argv[0], *user = opt_as ? opt_as : cfg->user;
	int merge = strcmp(sub, "merge") == 0;
	int64_t id;
	jv res;
	int rc;

	if (argc != 2 + merge)
		cli_usage_error(&cli, "contacts %s takes %s", sub,
				merge ? "ID OTHER" : "ID");
	id = id_arg("ID", argv[1]);
	if (strcmp(sub, "show") == 0)
		rc = contacts_show(st, id, &res, err);
	else if (merge)
		rc = contacts_merge(st, id, id_arg("OTHER", argv[2]), user,
				    wa_now(), &res, err);
	else
		rc = contacts_edit(st, id, contact_opts, cfg->default_cc, user,
				   wa_now(), &res, err);
	if (rc < 0)
		return rejected(o, err, JV_OBJECT(jv_string("contact_id"),
						  jv_string(argv[1])));
	o->style = OUT_STYLE_RECORD;
	out_record(o, res);
	return 0;
}

static int
cmd_contacts(struct store *st, struct out *o, struct wa_config *cfg,
	     int argc, char **argv, struct wa_err *err)
{
	const char *sub = argc > 0 ? argv[0] : "list";
	jv res;

	o->cols = contact_cols;
	if (strcmp(sub, "import") == 0)
		return cmd_import(st, o, cfg, argc - 1, argv + 1, err);
	if (!strcmp(sub, "show") || !strcmp(sub, "edit") ||
	    !strcmp(sub, "merge"))
		return cmd_contact(st, o, cfg, argc, argv, err);
	if (argc > 1)
		cli_usage_error(&cli, "unexpected argument '%s'", argv[1]);
	if (strcmp(sub, "list") == 0) {
		if (contacts_list(st, emit, o, err) == 0)
			return 0;
		wa_warn(err, 0);
		return err->sysexit;
	}
	if (strcmp(sub, "add") != 0)
		cli_usage_error(&cli, "unknown contacts command '%s'", sub);
	if (contacts_upsert(st, contact_opts, cfg->default_cc, wa_now(), &res,
			    err) < 0)
		return rejected(o, err, jv_copy(contact_opts));
	out_record(o, res);
	return 0;
}

/* quarantine show|release MSG: admins only (WA_ADMINS), recorded. */
static int
cmd_quarantine(struct store *st, struct out *o, const char *user, int argc,
	       char **argv, struct wa_err *err)
{
	int show = argc > 0 && strcmp(argv[0], "show") == 0;
	int64_t id;
	jv res;

	if (argc != 2 || (!show && strcmp(argv[0], "release")))
		cli_usage_error(&cli, "quarantine show|release takes MSG");
	id = id_arg("MSG", argv[1]);
	if ((show ? quarantine_reveal : quarantine_release)(st, id, user,
							    wa_now(), &res,
							    err) < 0)
		return rejected(o, err, JV_OBJECT(jv_string("message_id"),
						  jv_string(argv[1])));
	o->style = OUT_STYLE_RECORD;
	out_record(o, res);
	return 0;
}

static int
cmd_ticket(struct store *st, struct out *o, const char *cmd, int argc,
	   char **argv, const char *user, struct wa_err *err)
{
	enum views_action a = strcmp(cmd, "assign") == 0 ? VIEWS_ASSIGN :
		strcmp(cmd, "close") == 0 ? VIEWS_CLOSE :
		strcmp(cmd, "unassign") == 0 ? VIEWS_UNASSIGN : VIEWS_REOPEN;
	int want = a == VIEWS_ASSIGN ? 2 : 1;
	int64_t id = id_arg("TICKET", argc > 0 ? argv[0] : NULL);
	jv res;

	if (argc != want)
		cli_usage_error(&cli, "%s takes %s", cmd, want == 2 ?
				"TICKET OWNER" : "TICKET");
	o->cols = ticket_cols;
	if (want == 2 && strcmp(argv[1], "me") == 0)
		argv[1] = (char *)user;	/* assign TICKET me: take it */
	if (views_ticket_change(st, id, a, want == 2 ? argv[1] : NULL, user,
				wa_now(), &res, err) < 0)
		return rejected(o, err, JV_OBJECT(
			jv_string("ticket_id"), jv_string(argv[0])));
	out_record(o, res);
	return 0;
}

static int
cmd_views(struct store *st, struct out *o, const char *cmd, int argc,
	  char **argv, const char *user, struct wa_err *err)
{
	jv res;
	int rc;

	o->cols = view_cols;
	if (strcmp(cmd, "views") == 0) {
		if (argc)
			cli_usage_error(&cli, "views takes no argument");
		rc = views_each(st, user, emit, o, err);
		if (rc < 0)
			wa_warn(err, 0);
		return rc < 0 ? err->sysexit : 0;
	}
	if (argc != 1)
		cli_usage_error(&cli, "%s takes NAME", cmd);
	if (strcmp(cmd, "create") == 0)
		rc = views_create(st, argv[0], user, opt_sharing, &filter,
				  wa_now(), &res, err);
	else
		rc = views_delete(st, argv[0], user, &res, err);
	if (rc < 0)
		return rejected(o, err, JV_OBJECT(jv_string("name"),
						  jv_string(argv[0])));
	out_record(o, res);
	return 0;
}

static int
cmd_show(struct store *st, struct out *o, int argc, char **argv,
	 struct wa_err *err)
{
	int64_t thread = argc > 0 ? id_arg("THREAD", argv[0]) : 0;
	struct show_ctx c = { o, { 0 } };
	int rc;

	if (argc > 1 || (argc == 0 && !opt_ticket))
		cli_usage_error(&cli, "show takes THREAD or --ticket N");
	o->cols = show_cols;
	out_init(&c.head, o->fp, o->table ? OUT_TABLE : OUT_JSON,
		 thread_cols);
	c.head.style = OUT_STYLE_RECORD;
	rc = views_show(st, thread, opt_ticket, wa_now(),
			opt_peek ? VIEWS_SHOW_PEEK : 0, emit_show, &c, err);
	if (out_finish(&c.head) < 0)
		o->failed = 1;
	out_follow(o, &c.head);
	if (rc == 0)
		return 0;
	return rejected(o, err, argc > 0 ?
			JV_OBJECT(jv_string("thread_id"), jv_string(argv[0])) :
			JV_OBJECT(jv_string("ticket_id"),
				  jv_string_fmt("%lld", opt_ticket)));
}

/* agents ..., route ...: the records, or a rejected operation. */
static int
cmd_people(struct store *st, struct out *o, int argc, char **argv,
	   const char *user, struct wa_err *err)
{
	jv input;

	if (people_run(st, &people, filter.v[VIEWS_WHERE], argc, argv, user,
		       wa_now(), emit, o, &o->cols, &input, err) == 0)
		return 0;
	if (err->sysexit == WA_EX_USAGE)
		cli_usage_error(&cli, "%s", err->message);
	return rejected(o, err, jv_is_valid(input) ? input : jv_object());
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

static int
cmd_watch(struct store *st, struct out *o, int argc, char **argv,
	  const char *user, struct wa_err *err)
{
	struct watch_cb cb = { watch_line, watch_warn, o };
	int rc;

	if (argc)
		cli_usage_error(&cli, "unexpected argument '%s'", argv[0]);
	o->style = OUT_STYLE_LINE;
	o->cols = watch_cols;
	rc = watch_run(st, user, &filter, &watch_opts, &cb, err);
	if (rc >= 0)
		return rc;
	if (err->sysexit == WA_EX_USAGE)
		cli_usage_error(&cli, "%s", err->message);
	wa_warn(err, 0);
	return err->sysexit;
}

/* Options each command takes beyond the common ones. */
static void
check_options(const char *cmd)
{
	int list = strcmp(cmd, "list") == 0, create = !strcmp(cmd, "create");
	int route = strcmp(cmd, "route") == 0;
	int watch = strcmp(cmd, "watch") == 0;
	struct wa_err err;
	static const char *const commands[] = { "list", "show", "search",
		"assign", "unassign", "close", "reopen", "history", "create",
		"views", "delete", "contacts", "audit", "quarantine", "agents",
		"route", "watch", NULL };

	if (!str_one_of(cmd, commands))	/* before any database is opened */
		cli_usage_error(&cli, "unknown command '%s'", cmd);

	if (watch && (people.given & 1u << PEOPLE_NOTIFY)) {
		/* one --notify: the agent's setting, or watch's level */
		if (watch_opt_set(&watch_opts, WATCH_OPT_NOTIFY,
				  people.notify, &err) < 0)
			cli_usage_error(&cli, "%s", err.message);
		people.given &= ~(1u << PEOPLE_NOTIFY);
	}
	if (people.given == 1u << PEOPLE_NOTIFY && !route &&
	    strcmp(cmd, "agents") != 0)
		cli_usage_error(&cli, "--notify goes with agents and watch");
	if (watch_opts.given && !watch)
		cli_usage_error(&cli, "--event, --exec, "
				"--exec-timeout, --count and --once go with "
				"watch");
	if (nfilters && !list && !create && !watch &&
	    !(strcmp(cmd, "search") == 0 && nfilters == 1 &&
	      filter.v[VIEWS_LIMIT]) &&
	    !(route && nfilters == 1 && filter.v[VIEWS_WHERE]))
		cli_usage_error(&cli, "filters go with list, create and "
				"watch");
	if (people.given && !route && strcmp(cmd, "agents") != 0)
		cli_usage_error(&cli, "--%s goes with agents and route",
				people_opt_name((enum people_opt)
						__builtin_ctz(people.given)));
	if (opt_view && !list)
		cli_usage_error(&cli, "--view goes with list");
	if (opt_sharing && !create)
		cli_usage_error(&cli, "--sharing goes with create");
	if ((opt_ticket || opt_peek) && strcmp(cmd, "show") != 0)
		cli_usage_error(&cli, "--ticket and --peek go with show");
	if (jv_object_length(jv_copy(contact_opts)) && strcmp(cmd, "contacts"))
		cli_usage_error(&cli, "--name, --email, --phone and "
				"--mobile-phone go with contacts add and edit");
}

static int
run(struct store *st, struct out *o, struct wa_config *cfg, int argc,
    char **argv, struct wa_err *err)
{
	const char *cmd = argv[0], *user = opt_as ? opt_as : cfg->user;
	long long n = 0;

	/* once agents exist, only agents act */
	if (agents_actor_check(st, user, opt_as != NULL, err) < 0) {
		wa_warn(err, 0);
		return err->sysexit;
	}
	argc--;
	argv++;
	if (strcmp(cmd, "list") == 0) {
		if (argc)
			cli_usage_error(&cli, "unexpected argument '%s'",
					argv[0]);
		return cmd_list(st, o, user, err);
	}
	if (strcmp(cmd, "show") == 0)
		return cmd_show(st, o, argc, argv, err);
	if (strcmp(cmd, "search") == 0) {
		if (argc != 1)
			cli_usage_error(&cli, "search takes one TEXT (quote it)");
		if (filter.v[VIEWS_LIMIT])
			parse_int(filter.v[VIEWS_LIMIT], 0, 1 << 30, &n);
		o->cols = search_cols;
		if (views_search(st, argv[0], filter.v[VIEWS_LIMIT] ? (long)n :
				 50, emit, o, err) == 0)
			return 0;
		wa_warn(err, 0);
		return err->sysexit;
	}
	if (!strcmp(cmd, "assign") || !strcmp(cmd, "close") ||
	    !strcmp(cmd, "reopen") || !strcmp(cmd, "unassign"))
		return cmd_ticket(st, o, cmd, argc, argv, user, err);
	if (!strcmp(cmd, "agents") || !strcmp(cmd, "route"))
		return cmd_people(st, o, argc + 1, argv - 1, user, err);
	if (strcmp(cmd, "history") == 0) {
		if (argc != 1)
			cli_usage_error(&cli, "history takes TICKET");
		o->cols = event_cols;
		if (views_ticket_history(st, id_arg("TICKET", argv[0]), emit,
					 o, err) == 0)
			return 0;
		return rejected(o, err, JV_OBJECT(jv_string("ticket_id"),
						  jv_string(argv[0])));
	}
	if (!strcmp(cmd, "views") || !strcmp(cmd, "create") ||
	    !strcmp(cmd, "delete"))
		return cmd_views(st, o, cmd, argc, argv, user, err);
	if (strcmp(cmd, "contacts") == 0)
		return cmd_contacts(st, o, cfg, argc, argv, err);
	if (strcmp(cmd, "quarantine") == 0)
		return cmd_quarantine(st, o, user, argc, argv, err);
	if (strcmp(cmd, "watch") == 0)
		return cmd_watch(st, o, argc, argv, user, err);
	cli_usage_error(&cli, "unknown command '%s'", cmd);
}

int
main(int argc, char **argv)
{
	struct wa_config cfg;
	struct wa_err err;
	struct store *st;
	struct out o;
	int i, status, reads;

	if (audit_cli_wants(argc, argv))
		return audit_cli_main(argc, argv);	/* its own options */
	graph_global_init();
	wa_err_clear(&err);
	views_filter_init(&filter);
	people_init(&people);
	contact_opts = jv_object();
	watch_opts_init(&watch_opts);
	i = cli_parse(&cli, argc, argv, "", longopts, handle, NULL);
	if (i >= argc)
		cli_usage_error(&cli, "missing command");
	check_options(argv[i]);
	reads = !strcmp(argv[i], "list") || !strcmp(argv[i], "show") ||
		!strcmp(argv[i], "search") || !strcmp(argv[i], "views") ||
		!strcmp(argv[i], "history") || !strcmp(argv[i], "watch") ||
		(!strcmp(argv[i], "contacts") &&
		(i + 1 == argc || !strcmp(argv[i + 1], "list")));
	if (!reads)
		signal(SIGPIPE, SIG_IGN);	/* changes: commit, then print */
	if (config_load(&cfg, cli.db, &err) < 0 ||
	    store_open_flags(&st, cfg.db_path, reads ? STORE_READ :
			     STORE_MUST_EXIST, &err) < 0) {
		wa_warn(&err, 0);
		config_release(&cfg);
		views_filter_release(&filter);
		people_release(&people);
		jv_free(contact_opts);
		watch_opts_release(&watch_opts);
		return err.sysexit;
	}
	out_init(&o, stdout, cli.out, NULL);
	status = run(st, &o, &cfg, argc - i, argv + i, &err);
	if (out_finish(&o) < 0)
		status = wa_output_failed(status, o.error);
	store_close(st);
	views_filter_release(&filter);
	people_release(&people);
	jv_free(contact_opts);
	watch_opts_release(&watch_opts);
	config_release(&cfg);
	graph_global_cleanup();
	return status;
}
