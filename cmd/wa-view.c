/* SPDX-License-Identifier: MIT */
/* wa-view: the help desk: list threads through views, show, search, assign, close, contacts, agents, routing. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "wa.h"
#include "audit_cli.h"
#include "jsonl_files.h"
#include "viewcmd.h"

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
static struct viewcmd_opts vo = { .cli = &cli };	/* what the commands borrow */
static int nfilters;			/* how many were given */
static int owner_given, unassigned_given;	/* exclude each other */

static void
contact_opt(const char *key, const char *arg)
{
	vo.contact = jv_object_set(vo.contact, jv_string(key),
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
		if (views_filter_set(&vo.filter,
				     (enum views_key)(opt - OPT_FILTER),
				     arg ? arg : "true", &err) < 0)
			cli_usage_error(&cli, "%s", err.message);
		nfilters++;
		return;
	}
	if (opt >= OPT_PEOPLE && opt < OPT_PEOPLE + PEOPLE_NOPTS) {
		if (people_option(&vo.people,
				  (enum people_opt)(opt - OPT_PEOPLE), arg,
				  &err) < 0)
			cli_usage_error(&cli, "%s", err.message);
		return;
	}
	if (opt >= OPT_WATCH && opt < OPT_WATCH + WATCH_NOPTS) {
		if (watch_opt_set(&vo.watch, (enum watch_opt)(opt - OPT_WATCH),
				  arg ? arg : "", &err) < 0)
			cli_usage_error(&cli, "%s", err.message);
		return;
	}
	switch (opt) {
	case OPT_VIEW: vo.view = arg; break;
	case OPT_SHARING: vo.sharing = arg; break;
	case OPT_AS: vo.as = arg; break;
	case OPT_TICKET:
		if (parse_int(arg, 1, INT64_MAX, &vo.ticket) < 0)
			cli_usage_error(&cli, "--ticket: '%s' is not a ticket "
					"number", arg);
		break;
	case OPT_NAME: contact_opt("name", arg); break;
	case OPT_EMAIL: contact_opt("email", arg); break;
	case OPT_PHONE: contact_opt("phone", arg); break;
	case OPT_MOBILE: contact_opt("mobile_phone", arg); break;
	case OPT_PEEK: vo.peek = 1; break;
	default: cli_usage_error(&cli, "unexpected option");
	}
}

/* Every command, and whether it only reads (it opens the store
 * read-only and lets SIGPIPE end it): contacts reads when it lists. */
enum { WRITES, READS, READS_TO_LIST };
static const struct command {
	const char *name;
	int reads;
} commands[] = {
	{ "list", READS }, { "show", READS }, { "search", READS },
	{ "history", READS }, { "views", READS }, { "watch", READS },
	{ "contacts", READS_TO_LIST }, { "assign", WRITES },
	{ "unassign", WRITES }, { "close", WRITES }, { "reopen", WRITES },
	{ "create", WRITES }, { "delete", WRITES }, { "quarantine", WRITES },
	{ "agents", WRITES }, { "route", WRITES }, { NULL, 0 }
};

static const struct command *
command_find(const char *name)
{
	const struct command *c;

	for (c = commands; c->name; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

/* Options each command takes beyond the common ones. */
static void
check_options(const char *cmd)
{
	int list = strcmp(cmd, "list") == 0, create = !strcmp(cmd, "create");
	int route = strcmp(cmd, "route") == 0;
	int watch = strcmp(cmd, "watch") == 0;
	struct wa_err err;

	if (!command_find(cmd))	/* before any database is opened */
		cli_usage_error(&cli, "unknown command '%s'", cmd);
	if (watch && (vo.people.given & 1u << PEOPLE_NOTIFY)) {
		/* one --notify: the agent's setting, or watch's level */
		if (watch_opt_set(&vo.watch, WATCH_OPT_NOTIFY,
				  vo.people.notify, &err) < 0)
			cli_usage_error(&cli, "%s", err.message);
		vo.people.given &= ~(1u << PEOPLE_NOTIFY);
	}
	if (vo.people.given == 1u << PEOPLE_NOTIFY && !route &&
	    strcmp(cmd, "agents") != 0)
		cli_usage_error(&cli, "--notify goes with agents and watch");
	if (vo.watch.given && !watch)
		cli_usage_error(&cli, "--event, --exec, "
				"--exec-timeout, --count and --once go with "
				"watch");
	if (nfilters && !list && !create && !watch &&
	    !(strcmp(cmd, "search") == 0 && nfilters == 1 &&
	      vo.filter.v[VIEWS_LIMIT]) &&
	    !(route && nfilters == 1 && vo.filter.v[VIEWS_WHERE]))
		cli_usage_error(&cli, "filters go with list, create and "
				"watch");
	if (vo.people.given && !route && strcmp(cmd, "agents") != 0)
		cli_usage_error(&cli, "--%s goes with agents and route",
				people_opt_name((enum people_opt)
					__builtin_ctz(vo.people.given)));
	if (vo.view && !list)
		cli_usage_error(&cli, "--view goes with list");
	if (vo.sharing && !create)
		cli_usage_error(&cli, "--sharing goes with create");
	if ((vo.ticket || vo.peek) && strcmp(cmd, "show") != 0)
		cli_usage_error(&cli, "--ticket and --peek go with show");
	if (jv_object_length(jv_copy(vo.contact)) && strcmp(cmd, "contacts"))
		cli_usage_error(&cli, "--name, --email, --phone and "
				"--mobile-phone go with contacts add and edit");
}

static int
run(struct store *st, struct out *o, struct wa_config *cfg, int argc,
    char **argv, struct wa_err *err)
{
	const char *cmd = argv[0], *user = vo.as ? vo.as : cfg->user;

	/* once agents exist, only agents act */
	if (agents_actor_check(st, user, vo.as != NULL, err) < 0) {
		wa_warn(err, 0);
		return err->sysexit;
	}
	argc--;
	argv++;
	if (strcmp(cmd, "list") == 0) {
		if (argc)
			cli_usage_error(&cli, "unexpected argument '%s'",
					argv[0]);
		return viewcmd_list(st, o, &vo, user, err);
	}
	if (strcmp(cmd, "show") == 0)
		return viewcmd_show(st, o, &vo, argc, argv, err);
	if (strcmp(cmd, "search") == 0)
		return viewcmd_search(st, o, &vo, argc, argv, err);
	if (!strcmp(cmd, "assign") || !strcmp(cmd, "close") ||
	    !strcmp(cmd, "reopen") || !strcmp(cmd, "unassign"))
		return viewcmd_ticket(st, o, &vo, cmd, argc, argv, user, err);
	if (!strcmp(cmd, "agents") || !strcmp(cmd, "route"))
		return viewcmd_people(st, o, &vo, argc + 1, argv - 1, user,
				      err);
	if (strcmp(cmd, "history") == 0)
		return viewcmd_history(st, o, &vo, argc, argv, err);
	if (!strcmp(cmd, "views") || !strcmp(cmd, "create") ||
	    !strcmp(cmd, "delete"))
		return viewcmd_views(st, o, &vo, cmd, argc, argv, user, err);
	if (strcmp(cmd, "contacts") == 0)
		return viewcmd_contacts(st, o, &vo, cfg, argc, argv, err);
	if (strcmp(cmd, "quarantine") == 0)
		return viewcmd_quarantine(st, o, &vo, user, argc, argv, err);
	if (strcmp(cmd, "watch") == 0)
		return viewcmd_watch(st, o, &vo, argc, argv, user, err);
	abort();	/* check_options let through a command run() lacks */
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
	views_filter_init(&vo.filter);
	people_init(&vo.people);
	vo.contact = jv_object();
	watch_opts_init(&vo.watch);
	i = cli_parse(&cli, argc, argv, "", longopts, handle, NULL);
	if (i >= argc)
		cli_usage_error(&cli, "missing command");
	check_options(argv[i]);
	reads = command_find(argv[i])->reads;
	if (reads == READS_TO_LIST)
		reads = i + 1 == argc || !strcmp(argv[i + 1], "list");
	if (!reads)
		signal(SIGPIPE, SIG_IGN);	/* changes: commit, then print */
	if (config_load(&cfg, cli.db, &err) < 0 ||
	    store_open_flags(&st, cfg.db_path, reads ? STORE_READ :
			     STORE_MUST_EXIST, &err) < 0) {
		wa_warn(&err, 0);
		config_release(&cfg);
		views_filter_release(&vo.filter);
		people_release(&vo.people);
		jv_free(vo.contact);
		watch_opts_release(&vo.watch);
		return err.sysexit;
	}
	out_init(&o, stdout, cli.out, NULL);
	status = run(st, &o, &cfg, argc - i, argv + i, &err);
	if (out_finish(&o) < 0)
		status = wa_output_failed(status, o.error);
	store_close(st);
	views_filter_release(&vo.filter);
	people_release(&vo.people);
	jv_free(vo.contact);
	watch_opts_release(&vo.watch);
	config_release(&cfg);
	graph_global_cleanup();
	return status;
}
