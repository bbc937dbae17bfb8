/* SPDX-License-Identifier: MIT */
/* wa-template: sync, list, show, create and delete templates; templates as files; send template messages. */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "wa.h"
#include "jsonl_files.h"
#include "sender.h"
#include "subcmd.h"
#include "template.h"
#include "template_files.h"

extern char *program_invocation_short_name;

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
	"           [--idempotency-key K] [--rate N] [--dry-run]\n"
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
	OPT_IDEMPOTENCY_KEY, OPT_RATE, OPT_DRY_RUN, OPT_MARKETING, OPT_PRUNE
};
#define BIT(o) (1u << ((o) - OPT_WABA))
/* every option of send: --to ... --dry-run */
#define SEND_OPTS (((BIT(OPT_DRY_RUN) << 1) - BIT(OPT_TO)) | BIT(OPT_LANGUAGE))

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
	{ NULL, 0, NULL, 0 }
};

static struct cli cli = { usage, NULL, OUT_AUTO };
static const char *opt_waba, *opt_status, *opt_category, *opt_language;
static const char *opt_channel;
static unsigned opt_set;	/* BIT() of the options given */
static int opt_rate = 80, opt_dry_run, opt_flag_target, opt_prune;
static int opt_marketing = -1;	/* set --marketing-messages: 1 on, 0 off */
static jv flags;		/* send defaults, as record keys */

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

	if (template_flag_pair(&flags, opt, key, arg, index, &err) < 0)
		cli_usage_error(&cli, "%s", err.message);
}

static void
flag_str(const char *key, const char *arg)
{
	flags = jv_object_set(flags, jv_string(key), jv_string(arg));
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

	if (opt >= OPT_WABA && opt <= OPT_PRUNE)
		opt_set |= BIT(opt);
	switch (opt) {
	case OPT_WABA: opt_waba = arg; break;
	case OPT_STATUS: opt_status = arg; break;
	case OPT_CATEGORY: opt_category = arg; break;
	case OPT_LANGUAGE: opt_language = arg; break;
	case OPT_TO:
		flag_str("to", arg);
		opt_flag_target = 1;
		break;
	case OPT_THREAD:
		if (parse_int(arg, 1, INT64_MAX, &v) < 0)
			cli_usage_error(&cli, "--thread: '%s' is not a thread "
					"id", arg);
		flags = jv_object_set(flags, jv_string("thread_id"),
				      jv_number((double)v));
		opt_flag_target = 1;
		break;
	case OPT_PARAM: flag_pair("--param", "params", arg, 0); break;
	case OPT_BUTTON_PARAM:
		flag_pair("--button-param", "button_params", arg, 1);
		break;
	case OPT_HEADER_TEXT: case OPT_HEADER_IMAGE: case OPT_HEADER_VIDEO:
	case OPT_HEADER_DOCUMENT: case OPT_IDEMPOTENCY_KEY:
		flag_str(keys[opt - OPT_WABA], arg);
		break;
	case OPT_CHANNEL: opt_channel = arg; break;
	case OPT_RATE:
		if (parse_int(arg, 1, 10000, &v) < 0)
			cli_usage_error(&cli, "--rate: '%s' is not 1..10000",
					arg);
		opt_rate = (int)v;
		break;
	case OPT_DRY_RUN: opt_dry_run = 1; break;
	case OPT_MARKETING:
		if (strcmp(arg, "on") != 0 && strcmp(arg, "off") != 0)
			cli_usage_error(&cli, "--marketing-messages: want on "
					"or off, got '%s'", arg);
		opt_marketing = strcmp(arg, "on") == 0;
		break;
	case OPT_PRUNE: opt_prune = 1; break;
	default: cli_usage_error(&cli, "unexpected option");
	}
}

/* What every command gets. */
static struct run {
	struct store *st;	/* NULL for lint */
	struct wa_config cfg;
	struct graph *g;	/* for the commands that call Meta */
	char *waba;		/* for those that work on one WABA */
	int n;			/* operands after the command */
	char **ops;
	struct out o;
} run;

/* Prints a fatal err and exits with its status. */
static void
die_err(const struct wa_err *err)
{
	fflush(stdout);
	wa_warn(err, 0);
	exit(err->sysexit > 1 ? err->sysexit : WA_EX_USAGE);
}

/* Reports a per-input failure (stderr and a result record); fatal ones
 * end the run. Returns the exit status to merge. */
static int
report(struct out *o, const struct wa_err *err, jv input, long line)
{
	wa_warn(err, line);
	out_record(o, wa_err_result(err, input, line));
	if (err->sysexit > 1) {
		out_finish(o);
		exit(err->sysexit);
	}
	return WA_EX_REJECTED;
}

/* --waba, else the WABAs with a connected channel (owned array). */
static jv
wabas(int need_one)
{
	struct wa_err err;
	jv list;

	if (template_wabas_for(run.st, opt_waba, need_one, &list, &err) < 0) {
		if (err.sysexit == WA_EX_USAGE)
			cli_usage_error(&cli, "%s", err.message);
		die_err(&err);
	}
	return list;
}

/* The one WABA a command works on (owned). */
static char *
one_waba(void)
{
	jv list = wabas(1), w = jv_array_get(jv_copy(list), 0);
	char *id = xstrdup(jv_string_value(w));

	jv_free(w);
	jv_free(list);
	return id;
}

static int
cmd_sync(void)
{
	jv list = wabas(0), rec;
	struct wa_err err;
	int status = 0;

	jv_array_foreach(list, i, w) {
		if (template_sync(run.st, run.g, jv_string_value(w), wa_now(),
				  &rec, &err) == 0)
			out_record(&run.o, rec);
		else
			status = report(&run.o, &err, JV_OBJECT(
				jv_string("waba_id"), jv_copy(w)), 0);
		(void)i;
		jv_free(w);
	}
	jv_free(list);
	return status;
}

static int
cmd_list(void)
{
	int full = run.n > 0;
	struct wa_err err;
	jv list;
	int rc;

	rc = full ? template_show(run.st, opt_waba, run.ops[0], opt_language,
				  &list, &err) :
		template_list(run.st, opt_waba, NULL, opt_language, opt_status,
			      opt_category, &list, &err);
	if (rc < 0 && err.sysexit > 1)
		die_err(&err);
	jv_array_foreach(list, i, t) {
		out_record(&run.o, template_json(t, full));
		(void)i;
	}
	jv_free(list);
	if (rc < 0)
		report(&run.o, &err, jv_invalid(), 0);
	return rc < 0;
}

static int
cmd_delete(void)
{
	struct wa_err err;
	jv res;

	if (template_remove(run.st, run.g, run.waba, run.ops[0], opt_language,
			    &res, &err) == 0) {
		out_record(&run.o, res);
		return 0;
	}
	return report(&run.o, &err, JV_OBJECT(jv_string("name"),
		      jv_string(run.ops[0])), 0);
}

/* set: stores what was given, then prints the settings. */
static int
cmd_set(void)
{
	struct wa_err err;
	int on;

	if (opt_marketing >= 0 &&
	    template_marketing_set(run.st, opt_marketing, &err) < 0)
		die_err(&err);
	if (template_marketing_get(run.st, &on, &err) < 0)
		die_err(&err);
	out_record(&run.o, opt_marketing >= 0 ?
		   JV_OBJECT(jv_string("ok"), jv_true(),
			     jv_string("marketing_messages"), jv_bool(on)) :
		   JV_OBJECT(jv_string("marketing_messages"), jv_bool(on)));
	return 0;
}

static int
emit_result(jv rec, void *ctx)
{
	wa_warn_result(rec);
	out_record(&run.o, rec);
	return run.o.failed || fflush(stdout) == EOF ? -1 : 0;
}

static int
cmd_send(void)
{
	static const char *const header_keys[] = { "header_image", NULL };
	struct sender_opts so;
	struct wa_err err;
	int status, nops = run.n;
	char **ops = run.ops;

	if (nops > 0 && strcmp(ops[0], "-") != 0)
		flag_str("template", ops[0]);
	if (opt_language)
		flag_str("language", opt_language);
	if (opt_channel)
		flag_str("channel", opt_channel);
	if (opt_flag_target && nops != 1)
		cli_usage_error(&cli, nops ? "--to/--thread send one message: "
				"no FILE" : "send: NAME is needed");
	/* a header image named here is an input file: 66 when missing */
	if (jsonl_paths_check(flags, header_keys, &err) < 0)
		die_err(&err);
	sender_opts_default(&so);
	so.rate = opt_rate;
	so.dry_run = opt_dry_run;
	so.channel = opt_channel;
	so.agent = run.cfg.user;
	if (template_send_files(run.st, &run.cfg, &so, flags, opt_flag_target ?
				-1 : nops > 0 ? nops - 1 : 0, ops + 1,
				emit_result, NULL, &status, &err) < 0)
		die_err(&err);
	return status;
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

/* A record of the directory commands: error ones also on stderr, as
 * "FILE:LINE: code: message" when a line of a file is at fault. */
static void
emit_file(jv rec, void *ctx)
{
	const char *file = jx_cstr(rec, "file");
	jv e = jx_get(rec, "error");
	int64_t line = 0;

	if (jv_get_kind(e) == JV_KIND_OBJECT) {
		if (file && jx_intish(rec, "line", &line) == 1)
			fprintf(stderr, "%s: %s:%lld: %s: %s\n",
				program_invocation_short_name, file,
				(long long)line, jx_cstr(e, "code"),
				jx_cstr(e, "message"));
		else
			wa_warn_result(rec);
	}
	jv_free(e);
	out_record(&run.o, rec);
}

/* create and the directory commands: the lib's run of them; a fatal
 * error has its record already. */
static int
cmd_files(int (*fn)(const struct template_files_run *, int *,
		    struct wa_err *))
{
	struct template_files_run r = {
		run.st, run.g, run.waba, run.n, run.ops, opt_prune,
		opt_dry_run, wa_now(), emit_file, NULL
	};
	struct wa_err err;
	int status = 0;

	if (fn(&r, &status, &err) < 0) {
		out_finish(&run.o);
		exit(err.sysexit > 1 ? err.sysexit : WA_EX_IOERR);
	}
	return status;
}

/* What each command takes. NEED_READ: it only reads the store (which
 * may then be a read-only snapshot); the store is never made here. */
enum { NEED_STORE = 1, NEED_GRAPH = 2, NEED_WABA = 4, NEED_READ = 8 };
static const struct command {
	const char *name;
	int min, max;		/* operands; max -1: any number */
	const char *operand;	/* what they are, for messages */
	unsigned opts;		/* BIT() of the options it takes */
	int (*fn)(void);
	int (*files)(const struct template_files_run *, int *,
		     struct wa_err *);	/* instead of fn */
	const struct out_col *cols;	/* of its table */
	enum out_mode out;	/* OUT_JSON: never a table */
	int need;		/* NEED_* */
} commands[] = {
#define S NEED_STORE
#define SGW (NEED_STORE | NEED_GRAPH | NEED_WABA)
	{ "sync", 0, 0, NULL, BIT(OPT_WABA), cmd_sync, NULL, sync_cols,
	  OUT_AUTO, S | NEED_GRAPH },
	{ "list", 0, 0, NULL, BIT(OPT_WABA) | BIT(OPT_STATUS) |
	  BIT(OPT_CATEGORY) | BIT(OPT_LANGUAGE), cmd_list, NULL, list_cols,
	  OUT_AUTO, S | NEED_READ },
	{ "show", 1, 1, "NAME", BIT(OPT_WABA) | BIT(OPT_LANGUAGE), cmd_list,
	  NULL, NULL, OUT_AUTO, S | NEED_READ },
	{ "create", 0, -1, NULL, BIT(OPT_WABA), NULL, template_create_files,
	  NULL, OUT_JSON, SGW },
	{ "delete", 1, 1, "NAME", BIT(OPT_WABA) | BIT(OPT_LANGUAGE),
	  cmd_delete, NULL, NULL, OUT_JSON, SGW },
	{ "send", 0, -1, NULL, SEND_OPTS, cmd_send, NULL, NULL, OUT_JSON, S },
	{ "set", 0, 0, NULL, BIT(OPT_MARKETING), cmd_set, NULL, NULL,
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
	flags = jv_object();
	n = cli_parse(&cli, argc, argv, "", longopts, handle, NULL);
	c = find_command(argc - n, argv + n);
	run.n = argc - n - 1;
	run.ops = argv + n + 1;
	if (c->fn != cmd_list)
		signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (config_load(&run.cfg, cli.db, &err) < 0)
		die_err(&err);
	if ((c->need & NEED_STORE) &&
	    store_open_flags(&run.st, run.cfg.db_path, c->need & NEED_READ ?
			     STORE_READ : STORE_MUST_EXIST, &err) < 0)
		die_err(&err);
	if ((c->need & NEED_GRAPH) &&
	    graph_open(&run.g, &run.cfg, NULL, &err) < 0)
		die_err(&err);
	if (c->need & NEED_WABA)
		run.waba = one_waba();
	/* a dry run shows each request (method, path, body) on a terminal */
	out_init(&run.o, stdout, c->out == OUT_JSON && !opt_dry_run ?
		 OUT_JSON : cli.out, c->cols);
	if (opt_dry_run || c->fn == cmd_set ||
	    (c->fn == cmd_list && c->min == 1)) {
		run.o.style = OUT_STYLE_RECORD;	/* one record each */
		run.o.cols = NULL;
	}
	status = c->fn ? c->fn() : cmd_files(c->files);
	if (out_finish(&run.o) < 0)
		status = wa_output_failed(status, run.o.error);
	free(run.waba);
	graph_close(run.g);
	store_close(run.st);
	config_release(&run.cfg);
	jv_free(flags);
	graph_global_cleanup();
	if (fflush(stdout) == EOF || ferror(stdout))
		status = wa_output_failed(status, errno);
	return status;
}
