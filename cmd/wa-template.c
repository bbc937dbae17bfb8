/* SPDX-License-Identifier: MIT */
/* wa-template: sync, list, show, create and delete templates; send template messages. */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "wa.h"
#include "jsonl_files.h"
#include "sender.h"
#include "template.h"

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
	"       common options: [--db PATH] [--json | --table]\n";

enum {
	OPT_WABA = CLI_OPT_FIRST_FREE, OPT_STATUS, OPT_CATEGORY, OPT_LANGUAGE,
	OPT_TO, OPT_THREAD, OPT_PARAM, OPT_HEADER_TEXT, OPT_HEADER_IMAGE,
	OPT_HEADER_VIDEO, OPT_HEADER_DOCUMENT, OPT_BUTTON_PARAM, OPT_CHANNEL,
	OPT_IDEMPOTENCY_KEY, OPT_RATE, OPT_DRY_RUN, OPT_MARKETING
};

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
	{ NULL, 0, NULL, 0 }
};

static struct cli cli = { usage, NULL, OUT_AUTO };
static const char *opt_waba, *opt_status, *opt_category, *opt_language;
static const char *opt_channel, *opt_send_only;
static int opt_rate = 80, opt_dry_run, opt_flag_target;
static int opt_marketing = -1;	/* set --marketing-messages: 1 on, 0 off */
static jv flags;		/* send defaults, as record keys */

static const struct out_col list_cols[] = {
	{ "name", "NAME", 40 }, { "language", "LANGUAGE", 0 },
	{ "status", "STATUS", 0 }, { "category", "CATEGORY", 0 },
	{ "params", "PARAMS", 0 }, { "quality", "QUALITY", 0 },
	{ "waba_id", "WABA", 0 }, { NULL, NULL, 0 }
};

static const struct out_col sync_cols[] = {
	{ "waba_id", "WABA", 0 }, { "synced", "SYNCED", 0 },
	{ "removed", "REMOVED", 0 }, { "pages", "PAGES", 0 },
	{ "error.message", "ERROR", 0 }, { NULL, NULL, 0 }
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

	if (opt >= OPT_TO && opt <= OPT_DRY_RUN)
		opt_send_only = opt_send_only ? opt_send_only : "--to ...";
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
	default: cli_usage_error(&cli, "unexpected option");
	}
}

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
wabas(struct store *st, int need_one)
{
	struct wa_err err;
	jv list;

	if (template_wabas_for(st, opt_waba, need_one, &list, &err) < 0) {
		if (err.sysexit == WA_EX_USAGE)
			cli_usage_error(&cli, "%s", err.message);
		die_err(&err);
	}
	return list;
}

static struct graph *
open_graph(const struct wa_config *cfg)
{
	struct graph *g;
	struct wa_err err;

	if (graph_open(&g, cfg, NULL, &err) < 0)
		die_err(&err);
	return g;
}

static int
cmd_sync(struct store *st, const struct wa_config *cfg)
{
	struct graph *g = open_graph(cfg);
	jv list = wabas(st, 0), rec;
	struct wa_err err;
	struct out o;
	int status = 0;

	out_init(&o, stdout, cli.out, sync_cols);
	jv_array_foreach(list, i, w) {
		if (template_sync(st, g, jv_string_value(w), wa_now(), &rec,
				  &err) == 0)
			out_record(&o, rec);
		else
			status = report(&o, &err, JV_OBJECT(jv_string("waba_id"),
					jv_copy(w)), 0);
		(void)i;
		jv_free(w);
	}
	jv_free(list);
	graph_close(g);
	return out_finish(&o) < 0 ? WA_EX_IOERR : status;
}

static int
cmd_list(struct store *st, const char *name, int full)
{
	struct wa_err err;
	struct out o;
	jv list;
	int rc;

	rc = full ? template_show(st, opt_waba, name, opt_language, &list,
				  &err) :
		template_list(st, opt_waba, NULL, opt_language, opt_status,
			      opt_category, &list, &err);
	if (rc < 0 && err.sysexit > 1)
		die_err(&err);
	out_init(&o, stdout, cli.out, full ? NULL : list_cols);
	jv_array_foreach(list, i, t) {
		out_record(&o, template_json(t, full));
		(void)i;
	}
	jv_free(list);
	if (rc < 0)
		report(&o, &err, jv_invalid(), 0);
	return out_finish(&o) < 0 ? WA_EX_IOERR : rc < 0;
}

/* jsonl_files_each, but a file that cannot be read ends the run before
 * the first record (66). */
static int
each_record(int nfiles, char **files, int (*fn)(jv rec, long line,
		const struct wa_err *bad, void *ctx), void *ctx)
{
	struct wa_err err;
	long line;
	int rc = jsonl_files_each(nfiles, files, fn, ctx, &line, &err);

	if (rc == -2)
		die_err(&err);
	return rc;
}

struct create_ctx {
	struct store *st;
	struct graph *g;
	const char *waba;
	struct out o;
	long good, bad;
	int status;
};

static int
create_one(jv rec, long line, const struct wa_err *bad, void *ctx)
{
	struct create_ctx *c = ctx;
	struct wa_err err;
	jv res;

	if (bad) {
		c->bad++;
		c->status = report(&c->o, bad, jv_invalid(), line);
		return 0;
	}
	c->good++;
	if (template_create(c->st, c->g, c->waba, rec, wa_now(), &res,
			    &err) == 0)
		out_record(&c->o, res);
	else
		c->status = report(&c->o, &err, jv_copy(rec), line);
	jv_free(rec);
	return 0;
}

static int
cmd_create(struct store *st, const struct wa_config *cfg, int nfiles,
	   char **files)
{
	struct create_ctx c = { .st = st, .g = open_graph(cfg) };
	jv list = wabas(st, 1), w = jv_array_get(jv_copy(list), 0);

	c.waba = jv_string_value(w);
	out_init(&c.o, stdout, OUT_JSON, NULL);
	each_record(nfiles, files, create_one, &c);
	jv_free(w);
	jv_free(list);
	graph_close(c.g);
	if (out_finish(&c.o) < 0)
		return WA_EX_IOERR;
	return c.good == 0 && c.bad > 0 ? WA_EX_DATAERR : c.status;
}

static int
cmd_delete(struct store *st, const struct wa_config *cfg, const char *name)
{
	struct graph *g = open_graph(cfg);
	jv list = wabas(st, 1), res, w = jv_array_get(jv_copy(list), 0);
	struct wa_err err;
	struct out o;
	int status = 0;

	out_init(&o, stdout, OUT_JSON, NULL);
	if (template_remove(st, g, jv_string_value(w), name, opt_language,
			    &res, &err) == 0)
		out_record(&o, res);
	else
		status = report(&o, &err, JV_OBJECT(jv_string("name"),
				jv_string(name)), 0);
	jv_free(w);
	jv_free(list);
	graph_close(g);
	return out_finish(&o) < 0 ? WA_EX_IOERR : status;
}

/* set: stores what was given, then prints the settings. */
static int
cmd_set(struct store *st)
{
	struct wa_err err;
	struct out o;
	int on;

	if (opt_marketing >= 0 &&
	    template_marketing_set(st, opt_marketing, &err) < 0)
		die_err(&err);
	if (template_marketing_get(st, &on, &err) < 0)
		die_err(&err);
	out_init(&o, stdout, cli.out, NULL);
	out_record(&o, JV_OBJECT(jv_string("marketing_messages"),
				 jv_bool(on)));
	return out_finish(&o) < 0 ? WA_EX_IOERR : 0;
}

static int
emit_result(jv rec, void *ctx)
{
	wa_warn_result(rec);
	return jsonl_write(stdout, rec) < 0 || fflush(stdout) == EOF ? -1 : 0;
}

struct send_ctx {
	struct sender *s;
	struct store *st;
	struct wa_err err;	/* the fatal one */
};

/* One input: its checks and the shared pipeline. -1 when fatal. */
static int
send_one(jv rec, long line, const struct wa_err *bad, void *ctx)
{
	struct send_ctx *c = ctx;

	if (bad) {
		sender_reject(c->s, bad, jv_invalid(), line);
		return 0;
	}
	/* from flags (line 0): the flags are the input */
	return template_submit(c->s, c->st, rec, flags, line ? jv_copy(rec) :
			       jv_copy(flags), line, &c->err);
}

static int
cmd_send(struct store *st, const struct wa_config *cfg, int nops,
	 char **ops)
{
	struct sender_opts so;
	struct send_ctx c = { .st = st };
	struct wa_err ferr;
	int rc, fin;

	if (nops > 0 && strcmp(ops[0], "-") != 0)
		flag_str("template", ops[0]);
	if (opt_language)
		flag_str("language", opt_language);
	if (opt_channel)
		flag_str("channel", opt_channel);
	if (opt_flag_target && nops != 1)
		cli_usage_error(&cli, nops ? "--to/--thread send one message: "
				"no FILE" : "send: NAME is needed");
	sender_opts_default(&so);
	so.rate = opt_rate;
	so.dry_run = opt_dry_run;
	so.channel = opt_channel;
	so.agent = cfg->user;
	if (sender_new(&c.s, st, cfg, &so, emit_result, NULL, &c.err) < 0)
		die_err(&c.err);
	if (opt_flag_target)
		rc = send_one(jv_object(), 0, NULL, &c);
	else
		rc = each_record(nops > 0 ? nops - 1 : 0, ops + 1, send_one,
				 &c);
	/* the sender's fatal error (a read error it answered in-band is
	 * one), else a fatal one before the sender (c.err) */
	fin = sender_finish(c.s, &ferr);
	if (fin < 0 || rc < 0) {
		sender_free(c.s);
		die_err(fin < 0 ? &ferr : &c.err);
	}
	rc = sender_status(c.s);
	sender_free(c.s);
	return rc;
}

int
main(int argc, char **argv)
{
	struct wa_config cfg;
	struct store *st;
	struct wa_err err;
	const char *cmd;
	int status, n;

	graph_global_init();
	flags = jv_object();
	n = cli_parse(&cli, argc, argv, "", longopts, handle, NULL);
	if (n >= argc)
		cli_usage_error(&cli, "missing command");
	cmd = argv[n++];
	if (opt_send_only && strcmp(cmd, "send") != 0)
		cli_usage_error(&cli, "send options are for 'send' only");
	if (opt_marketing >= 0 && strcmp(cmd, "set") != 0)
		cli_usage_error(&cli, "--marketing-messages goes with 'set'");
	if (strcmp(cmd, "list") && strcmp(cmd, "sync") && strcmp(cmd, "create") &&
	    strcmp(cmd, "send") && strcmp(cmd, "set") && n >= argc)
		cli_usage_error(&cli, "%s: NAME is needed", cmd);
	if ((!strcmp(cmd, "list") || !strcmp(cmd, "sync") ||
	     !strcmp(cmd, "set")) && n < argc)
		cli_usage_error(&cli, "%s: unexpected '%s'", cmd, argv[n]);
	if ((!strcmp(cmd, "show") || !strcmp(cmd, "delete")) && n + 1 < argc)
		cli_usage_error(&cli, "%s: unexpected '%s'", cmd, argv[n + 1]);
	if (strcmp(cmd, "list") && strcmp(cmd, "show"))
		signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (config_load(&cfg, cli.db, &err) < 0 ||
	    store_open_flags(&st, cfg.db_path, strcmp(cmd, "list") &&
			     strcmp(cmd, "show") ? STORE_MUST_EXIST : STORE_READ,
			     &err) < 0)
		die_err(&err);
	if (!strcmp(cmd, "sync"))
		status = cmd_sync(st, &cfg);
	else if (!strcmp(cmd, "list"))
		status = cmd_list(st, NULL, 0);
	else if (!strcmp(cmd, "show"))
		status = cmd_list(st, argv[n], 1);
	else if (!strcmp(cmd, "create"))
		status = cmd_create(st, &cfg, argc - n, argv + n);
	else if (!strcmp(cmd, "delete"))
		status = cmd_delete(st, &cfg, argv[n]);
	else if (!strcmp(cmd, "send"))
		status = cmd_send(st, &cfg, argc - n, argv + n);
	else if (!strcmp(cmd, "set"))
		status = cmd_set(st);
	else
		cli_usage_error(&cli, "unknown command '%s'", cmd);
	store_close(st);
	config_release(&cfg);
	jv_free(flags);
	graph_global_cleanup();
	if (fflush(stdout) == EOF || ferror(stdout)) {
		fprintf(stderr, "%s: io: cannot write output\n",
			program_invocation_short_name);
		return WA_EX_IOERR;
	}
	return status;
}
