/* SPDX-License-Identifier: MIT */
/* wa-template: sync, list, show, create and delete templates; templates as files; send template messages. */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "wa.h"
#include "subcmd.h"
#include "template.h"
#include "template_cmd.h"

static const char usage[] =
	"usage: wa-template sync [--waba ID]\n"
	"       wa-template list [--status S] [--category C] [--language L] "
	"[--waba ID]\n"
	"       wa-template show NAME [--language L] [--waba ID]\n"
	"       wa-template create [--waba ID] [FILE ...]\n"
	"       wa-template delete NAME [--language L] [--waba ID]\n"
	"       wa-template send NAME --language L --to N | --thread ID\n"
	"           [--param K=V ...] [--header-text T] [--header-image F|URL]\n"
	"           [--header-video F|URL] [--header-document F|URL]\n"
	"           [--button-param INDEX=V ...] [--channel ID]\n"
	"           [--idempotency-key K] [--rate N] [--dry-run] [--as USER]\n"
	"       wa-template send [NAME | -] [FILE ...] [send options]\n"
	"       wa-template set [--marketing-messages on|off]\n"
	"       wa-template pull DIR [--waba ID]\n"
	"       wa-template diff DIR [--waba ID]\n"
	"       wa-template push DIR [--prune] [--dry-run] [--waba ID]\n"
	"       wa-template lint FILE ...\n"
	"       common options: [--db PATH] [--json | --table]\n";

enum {
	OPT_WABA = CLI_OPT_FIRST_FREE, OPT_STATUS, OPT_CATEGORY, OPT_LANGUAGE,
	OPT_TO, OPT_THREAD, OPT_PARAM, OPT_HEADER_TEXT, OPT_HEADER_IMAGE,
	OPT_HEADER_VIDEO, OPT_HEADER_DOCUMENT, OPT_BUTTON_PARAM, OPT_CHANNEL,
	OPT_IDEMPOTENCY_KEY, OPT_RATE, OPT_DRY_RUN, OPT_MARKETING, OPT_PRUNE,
	OPT_AS
};
#define BIT(o) (1u << ((o) - OPT_WABA))
/* every option of send: --to ... --dry-run */
#define SEND_OPTS (((BIT(OPT_DRY_RUN) << 1) - BIT(OPT_TO)) | BIT(OPT_LANGUAGE) | \
		   BIT(OPT_AS))

static const struct option longopts[] = {
	CLI_COMMON_OPTIONS,
	{ "waba", required_argument, NULL, OPT_WABA },
	{ "status", required_argument, NULL, OPT_STATUS },
	{ "category", required_argument, NULL, OPT_CATEGORY },
	{ "language", required_argument, NULL, OPT_LANGUAGE },
	{ "to", required_argument, NULL, OPT_TO },
	{ "thread", required_argument, NULL, OPT_THREAD },
	{ "param", required_argument, NULL, OPT_PARAM },
	{ "header-text", required_argument, NULL, OPT_HEADER_TEXT },
	{ "header-image", required_argument, NULL, OPT_HEADER_IMAGE },
	{ "header-video", required_argument, NULL, OPT_HEADER_VIDEO },
	{ "header-document", required_argument, NULL, OPT_HEADER_DOCUMENT },
	{ "button-param", required_argument, NULL, OPT_BUTTON_PARAM },
	{ "channel", required_argument, NULL, OPT_CHANNEL },
	{ "idempotency-key", required_argument, NULL, OPT_IDEMPOTENCY_KEY },
	{ "rate", required_argument, NULL, OPT_RATE },
	{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
	{ "marketing-messages", required_argument, NULL, OPT_MARKETING },
	{ "prune", no_argument, NULL, OPT_PRUNE },
	{ "as", required_argument, NULL, OPT_AS },
	{ NULL, 0, NULL, 0 }
};

static struct cli cli = { usage, NULL, OUT_AUTO };
static unsigned opt_set;	/* BIT() of the options given */
/* the options and what every command gets */
static struct template_cmd tc = {
	.cli = &cli, .opt_rate = 80, .opt_marketing = -1
};

/* A name is what send takes: never cut. */
static const struct out_col list_cols[] = {
	{ "name", "NAME", 0 }, { "language", "LANGUAGE", 0 },
	{ "status", "STATUS", 0 }, { "category", "CATEGORY", 0 },
	{ "params", "PARAMS", OUT_DROP(2) },
	{ "quality", "QUALITY", OUT_DROP(1) },
	{ "waba_id", "WABA", OUT_DROP(3) }, { NULL, NULL, 0 }
};

static const struct out_col sync_cols[] = {
	{ "waba_id", "WABA", 0 }, { "synced", "SYNCED", 0 },
	{ "removed", "REMOVED", 0 }, { "pages", "PAGES", 0 },
	{ "error.message", "ERROR", OUT_TEXT }, { NULL, NULL, 0 }
};

/* --param K=V and --button-param INDEX=V into flags[key][K] = V. */
static void
flag_pair(const char *opt, const char *key, const char *arg, int index)
{
	struct wa_err err;

	if (template_flag_pair(&tc.flags, opt, key, arg, index, &err) < 0)
		cli_usage_error(&cli, "%s", err.message);
}

static void
handle(int opt, const char *arg, void *ctx)
{
	static const char *const keys[] = {
		[OPT_HEADER_TEXT - OPT_WABA] = "header_text",
		[OPT_HEADER_IMAGE - OPT_WABA] = "header_image",
		[OPT_HEADER_VIDEO - OPT_WABA] = "header_video",
		[OPT_HEADER_DOCUMENT - OPT_WABA] = "header_document",
		[OPT_IDEMPOTENCY_KEY - OPT_WABA] = "idempotency_key",
	};
	long long v;

	if (opt >= OPT_WABA && opt <= OPT_AS)
		opt_set |= BIT(opt);
	switch (opt) {
	case OPT_WABA: tc.opt_waba = arg; break;
	case OPT_STATUS: tc.opt_status = arg; break;
	case OPT_CATEGORY: tc.opt_category = arg; break;
	case OPT_LANGUAGE: tc.opt_language = arg; break;
	case OPT_TO:
		template_cmd_flag(&tc, "to", arg);
		tc.opt_flag_target = 1;
		break;
	case OPT_THREAD:
		v = cli_thread_arg(&cli, arg);
		tc.flags = jv_object_set(tc.flags, jv_string("thread_id"),
				      jv_number((double)v));
		tc.opt_flag_target = 1;
		break;
	case OPT_PARAM: flag_pair("--param", "params", arg, 0); break;
	case OPT_BUTTON_PARAM:
		flag_pair("--button-param", "button_params", arg, 1);
		break;
	case OPT_HEADER_TEXT: case OPT_HEADER_IMAGE: case OPT_HEADER_VIDEO:
	case OPT_HEADER_DOCUMENT: case OPT_IDEMPOTENCY_KEY:
		template_cmd_flag(&tc, keys[opt - OPT_WABA], arg);
		break;
	case OPT_CHANNEL: tc.opt_channel = arg; break;
	case OPT_RATE:
		if (parse_int(arg, 1, 10000, &v) < 0)
			cli_usage_error(&cli, "--rate: '%s' is not 1..10000",
					arg);
		tc.opt_rate = (int)v;
		break;
	case OPT_DRY_RUN: tc.opt_dry_run = 1; break;
	case OPT_MARKETING:
		if (strcmp(arg, "on") != 0 && strcmp(arg, "off") != 0)
			cli_usage_error(&cli, "--marketing-messages: want on "
					"or off, got '%s'", arg);
		tc.opt_marketing = strcmp(arg, "on") == 0;
		break;
	case OPT_PRUNE: tc.opt_prune = 1; break;
	case OPT_AS: tc.opt_as = arg; break;
	default: cli_usage_error(&cli, "unexpected option");
	}
}
/* ---- create, and templates as files ---- */

/* Files and names whole (they are copied into commands). */
static const struct out_col lint_cols[] = {
	{ "file", "FILE", 0 }, { "line", "LINE", 0 },
	{ "error.message", "ERROR", OUT_TEXT }, { NULL, NULL, 0 }
};

static const struct out_col pull_cols[] = {
	{ "file", "FILE", 0 }, { "status", "STATUS", 0 },
	{ "written", "WRITTEN", 0 }, { "error.message", "ERROR", OUT_TEXT },
	{ NULL, NULL, 0 }
};

static const struct out_col diff_cols[] = {
	{ "change", "CHANGE", 0 }, { "file", "FILE", 0 },
	{ "from", "FROM", OUT_TEXT }, { "to", "TO", OUT_TEXT },
	{ "fields", "FIELDS", OUT_TEXT }, { "line", "LINE", 0 },
	{ "error.message", "ERROR", OUT_TEXT }, { NULL, NULL, 0 }
};

static const struct out_col push_cols[] = {
	{ "op", "OP", 0 }, { "name", "NAME", 0 },
	{ "language", "LANGUAGE", 0 }, { "request.path", "REQUEST", 0 },
	{ "line", "LINE", 0 }, { "error.message", "ERROR", OUT_TEXT },
	{ NULL, NULL, 0 }
};

/* What each command takes. NEED_READ: it only reads the store (which
 * may then be a read-only snapshot); the store is never made here. */
enum { NEED_STORE = 1, NEED_GRAPH = 2, NEED_WABA = 4, NEED_READ = 8 };
static const struct command {
	const char *name;
	int min, max;		/* operands; max -1: any number */
	const char *operand;	/* what they are, for messages */
	unsigned opts;		/* BIT() of the options it takes */
	int (*fn)(struct template_cmd *);
	int (*files)(const struct template_files_run *, int *,
		     struct wa_err *);	/* instead of fn */
	const struct out_col *cols;	/* of its table */
	enum out_mode out;	/* OUT_JSON: never a table */
	int need;		/* NEED_* */
} commands[] = {
#define S NEED_STORE
#define SGW (NEED_STORE | NEED_GRAPH | NEED_WABA)
	{ "sync", 0, 0, NULL, BIT(OPT_WABA), template_cmd_sync, NULL,
	  sync_cols, OUT_AUTO, S | NEED_GRAPH },
	{ "list", 0, 0, NULL, BIT(OPT_WABA) | BIT(OPT_STATUS) |
	  BIT(OPT_CATEGORY) | BIT(OPT_LANGUAGE), template_cmd_list, NULL,
	  list_cols, OUT_AUTO, S | NEED_READ },
	{ "show", 1, 1, "NAME", BIT(OPT_WABA) | BIT(OPT_LANGUAGE),
	  template_cmd_list, NULL, NULL, OUT_AUTO, S | NEED_READ },
	{ "create", 0, -1, NULL, BIT(OPT_WABA), NULL, template_create_files,
	  NULL, OUT_JSON, SGW },
	{ "delete", 1, 1, "NAME", BIT(OPT_WABA) | BIT(OPT_LANGUAGE),
	  template_cmd_delete, NULL, NULL, OUT_JSON, SGW },
	{ "send", 0, -1, NULL, SEND_OPTS, template_cmd_send, NULL, NULL,
	  OUT_JSON, S },
	{ "set", 0, 0, NULL, BIT(OPT_MARKETING), template_cmd_set, NULL, NULL,
	  OUT_AUTO, S },
	{ "pull", 1, 1, "DIR", BIT(OPT_WABA), NULL, template_files_pull,
	  pull_cols, OUT_AUTO, SGW },
	{ "diff", 1, 1, "DIR", BIT(OPT_WABA), NULL, template_files_diff,
	  diff_cols, OUT_AUTO, S | NEED_WABA },
	{ "push", 1, 1, "DIR", BIT(OPT_WABA) | BIT(OPT_PRUNE) |
	  BIT(OPT_DRY_RUN), NULL, template_files_push, push_cols, OUT_AUTO,
	  SGW },
	/* for CI: no database */
	{ "lint", 1, -1, "FILE", 0, NULL, template_files_lint, lint_cols,
	  OUT_AUTO, 0 },
#undef S
#undef SGW
};

/* The command argv[0] names, once its options and operands suit it. */
static const struct command *
find_command(int argc, char **argv)
{
	const struct command *c = NULL;
	size_t i;
	int o, n = argc - 1;

	if (argc < 1)
		cli_usage_error(&cli, "missing command");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[0], commands[i].name) == 0)
			c = &commands[i];
	if (!c)
		cli_usage_error(&cli, "unknown command '%s'", argv[0]);
	for (o = OPT_WABA; o <= OPT_PRUNE; o++)
		if ((opt_set & BIT(o)) && !(c->opts & BIT(o)))
			cli_usage_error(&cli, "'%s' takes no option '--%s'",
					c->name, subcmd_opt_name(longopts, o));
	if (n < c->min)
		cli_usage_error(&cli, "%s: %s is needed", c->name,
				c->operand);
	if (c->max >= 0 && n > c->max)
		cli_usage_error(&cli, "%s: unexpected '%s'", c->name,
				argv[c->max + 1]);
	return c;
}

int
main(int argc, char **argv)
{
	const struct command *c;
	struct wa_err err;
	int status, n;

	graph_global_init();
	tc.flags = jv_object();
	n = cli_parse(&cli, argc, argv, "", longopts, handle, NULL);
	c = find_command(argc - n, argv + n);
	tc.n = argc - n - 1;
	tc.ops = argv + n + 1;
	if (c->fn != template_cmd_list)
		signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (config_load(&tc.cfg, cli.db, &err) < 0)
		template_cmd_die(&err);
	if ((c->need & NEED_STORE) &&
	    store_open_flags(&tc.st, tc.cfg.db_path, c->need & NEED_READ ?
			     STORE_READ : STORE_MUST_EXIST, &err) < 0)
		template_cmd_die(&err);
	if ((c->need & NEED_GRAPH) &&
	    graph_open(&tc.g, &tc.cfg, NULL, &err) < 0)
		template_cmd_die(&err);
	if (c->need & NEED_WABA)
		tc.waba = template_cmd_one_waba(&tc);
	/* a dry run shows each request (method, path, body) on a terminal */
	out_init(&tc.o, stdout, c->out == OUT_JSON && !tc.opt_dry_run ?
		 OUT_JSON : cli.out, c->cols);
	if (tc.opt_dry_run || c->fn == template_cmd_set ||
	    (c->fn == template_cmd_list && c->min == 1)) {
		tc.o.style = OUT_STYLE_RECORD;	/* one record each */
		tc.o.cols = NULL;
	}
	status = c->fn ? c->fn(&tc) :
		template_cmd_files(&tc, c->files);
	if (out_finish(&tc.o) < 0)
		status = wa_output_failed(status, tc.o.error);
	free(tc.waba);
	graph_close(tc.g);
	store_close(tc.st);
	config_release(&tc.cfg);
	jv_free(tc.flags);
	graph_global_cleanup();
	if (fflush(stdout) == EOF || ferror(stdout))
		status = wa_output_failed(status, errno);
	return status;
}
