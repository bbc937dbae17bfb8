/* SPDX-License-Identifier: MIT */
/* wa-connect: the business, its phone numbers (channels), verification, profile. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "wa.h"
#include "channel.h"
#include "connect.h"
#include "subcmd.h"

static const char usage[] =
"usage: wa-connect business [--legal-name N] [--display-name N] [--website URL]\n"
"           [--email E] [--timezone TZ] [--country CC] [--phone NUMBER]\n"
"           [--verified true|false]\n"
"       wa-connect add-number --waba ID --cc CC --number N --display-name NAME\n"
"       wa-connect add --waba ID --phone-number-id ID\n"
"       wa-connect request-code ID --method sms|voice [--language LANG]\n"
"       wa-connect verify ID --code CODE\n"
"       wa-connect register ID --pin PIN\n"
"       wa-connect list [--waba ID]\n"
"       wa-connect show ID\n"
"       wa-connect disconnect ID\n"
"       wa-connect profile ID [--about T] [--address A] [--description T]\n"
"           [--email E] [--vertical V] [--website URL ...]\n"
"       wa-connect command [--db PATH] [--json | --table] [-h | --help] [--version]\n";

enum {
	O_LEGAL = CLI_OPT_FIRST_FREE, O_DISPLAY, O_WEBSITE, O_EMAIL,
	O_TIMEZONE, O_COUNTRY, O_VERIFIED, O_WABA, O_PNID, O_METHOD,
	O_LANGUAGE, O_CODE, O_PIN, O_ABOUT, O_ADDRESS, O_DESCRIPTION,
	O_VERTICAL, O_PHONE, O_CC, O_NUMBER, O_END
};
#define BIT(o) SUBCMD_BIT(o)

static const struct option longopts[] = {
	CLI_COMMON_OPTIONS,
	{ "legal-name", required_argument, NULL, O_LEGAL },
	{ "display-name", required_argument, NULL, O_DISPLAY },
	{ "website", required_argument, NULL, O_WEBSITE },
	{ "email", required_argument, NULL, O_EMAIL },
	{ "timezone", required_argument, NULL, O_TIMEZONE },
	{ "country", required_argument, NULL, O_COUNTRY },
	{ "verified", required_argument, NULL, O_VERIFIED },
	{ "waba", required_argument, NULL, O_WABA },
	{ "phone-number-id", required_argument, NULL, O_PNID },
	{ "method", required_argument, NULL, O_METHOD },
	{ "language", required_argument, NULL, O_LANGUAGE },
	{ "code", required_argument, NULL, O_CODE },
	{ "pin", required_argument, NULL, O_PIN },
	{ "about", required_argument, NULL, O_ABOUT },
	{ "address", required_argument, NULL, O_ADDRESS },
	{ "description", required_argument, NULL, O_DESCRIPTION },
	{ "vertical", required_argument, NULL, O_VERTICAL },
	{ "phone", required_argument, NULL, O_PHONE },
	{ "cc", required_argument, NULL, O_CC },
	{ "number", required_argument, NULL, O_NUMBER },
	{ NULL, 0, NULL, 0 }
};

/* Option values, by O_* index; --website may repeat. */
static struct {
	unsigned set;
	const char *val[O_END - CLI_OPT_FIRST_FREE];
	const char *websites[3];
	int nwebsites;
} opt;
static struct cli cli = { usage, NULL, OUT_AUTO };

#define OPT(o) (opt.val[(o) - CLI_OPT_FIRST_FREE])

static void
on_option(int o, const char *arg, void *ctx)
{
	if (o < CLI_OPT_FIRST_FREE || o >= O_END)
		cli_usage_error(&cli, "unexpected option");
	if (o == O_WEBSITE) {
		if (opt.nwebsites == 3)
			cli_usage_error(&cli, "--website: at most 2 websites");
		opt.websites[opt.nwebsites++] = arg;
	}
	subcmd_opt_seen(&cli, longopts, &opt.set, o, BIT(O_WEBSITE));
	OPT(o) = arg;
}

struct ctx;

struct command {
	struct subcmd sc;	/* name, operands, options */
	int (*run)(struct ctx *);
	enum channel_step step;	/* cmd_step's step */
};

/* What every command shares: config, store, Graph client, output. */
struct ctx {
	const struct command *cmd;
	struct wa_config cfg;
	struct store *st;
	struct graph *g;
	struct out out;
	const char *id;		/* the ID operand */
	int64_t now;
};

/* Ids whole (they are copied into commands); every other command
 * prints its one record as key: value lines. */
static const struct out_col list_cols[] = {
	{ "channel", "CHANNEL", 0 }, { "phone", "PHONE", 0 },
	{ "verified_name", "NAME", 24 | OUT_TEXT }, { "status", "STATUS", 0 },
	{ "waba_id", "WABA", OUT_DROP(2) },
	{ "connected_at", "CONNECTED", OUT_TIME | OUT_DROP(1) },
	{ NULL, NULL, 0 }
};

/* A fatal error before any action: stderr only. */
static void
die_err(const struct wa_err *err)
{
	wa_warn(err, 0);
	exit(err->sysexit ? err->sysexit : WA_EX_IOERR);
}

/* Usage errors from lib validation: "website: ..." names --website. */
static void
die_usage_err(const struct wa_err *err)
{
	subcmd_usage_err(&cli, err);
	die_err(err);
}

/* The input echoed in result records: the command and its operands,
 * never the PIN or the code. */
static jv
input_json(const char *cmd, const char *id)
{
	static const struct {
		int o;
		const char *key;
	} keys[] = {
		{ O_WABA, "waba_id" }, { O_PNID, "phone_number_id" },
		{ O_METHOD, "method" }, { O_LANGUAGE, "language" },
	};
	jv in = JV_OBJECT(jv_string("command"), jv_string(cmd));
	size_t i;

	if (id)
		in = jv_object_set(in, jv_string("channel"), jv_string(id));
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (OPT(keys[i].o))
			in = jv_object_set(in, jv_string(keys[i].key),
					   jv_string(OPT(keys[i].o)));
	return in;
}

/* A failed action: result record on stdout, diagnostic on stderr. */
static int
fail(struct ctx *c, struct wa_err *err)
{
	jv r = wa_err_result(err, input_json(c->cmd->sc.name, c->id), 0);

	if (c->id)	/* the join key, as on success */
		r = jv_object_set(r, jv_string("channel"), jv_string(c->id));
	out_record(&c->out, r);
	wa_warn(err, 0);
	return err->sysexit ? err->sysexit : WA_EX_REJECTED;
}

/* Opens what a command needs once its arguments are checked: the Graph
 * client first (no token: 78 before the database is touched), then the
 * store with flags (0 only where the command sets a desk up). */
static void
ctx_open(struct ctx *c, int graph, unsigned flags)
{
	struct wa_err err;

	if (graph && graph_open(&c->g, &c->cfg, NULL, &err) < 0)
		die_err(&err);
	if (store_open_flags(&c->st, c->cfg.db_path, flags, &err) < 0)
		die_err(&err);
}

static int
cmd_business(struct ctx *c)
{
	struct business_update u = {
		OPT(O_LEGAL), OPT(O_DISPLAY), opt.websites[0], OPT(O_EMAIL),
		OPT(O_TIMEZONE), OPT(O_COUNTRY), -1, NULL
	};
	struct wa_err err;
	char phone[32];
	int rc;
	jv b;

	if (OPT(O_PHONE)) {
		if (business_phone(OPT(O_PHONE), c->cfg.default_cc, phone,
				   &err) < 0)
			die_usage_err(&err);
		u.phone = phone;
	}
	if (opt.nwebsites > 1)
		cli_usage_error(&cli, "--website: one website for the business");
	if (OPT(O_VERIFIED)) {
		if (strcmp(OPT(O_VERIFIED), "true") == 0)
			u.verified = 1;
		else if (strcmp(OPT(O_VERIFIED), "false") == 0)
			u.verified = 0;
		else
			cli_usage_error(&cli, "--verified: '%s' is not true "
					"or false", OPT(O_VERIFIED));
	}
	if (business_validate(&u, &err) < 0)
		die_usage_err(&err);
	ctx_open(c, 0, opt.set ? 0 : STORE_READ);
	/* no flags: show the business */
	rc = connect_business(c->st, opt.set ? &u : NULL, c->now, &b, &err);
	if (rc < 0)
		die_usage_err(&err);
	if (rc == 1)
		cli_usage_error(&cli, "no business yet: give --legal-name, "
				"--display-name, --website and --email");
	out_record(&c->out, b);
	return 0;
}

static int
cmd_add_number(struct ctx *c)
{
	struct connect_number n = { OPT(O_WABA), OPT(O_CC), OPT(O_NUMBER),
				    OPT(O_DISPLAY), "", "" };
	struct wa_err err;
	jv rec;

	if (connect_number_check(&n, &err) < 0)
		die_usage_err(&err);
	ctx_open(c, 1, 0);	/* sets the desk up */
	if (connect_add_number(c->g, &n, &rec, &err) < 0)
		return fail(c, &err);
	out_record(&c->out, rec);
	return 0;
}

static int
cmd_add(struct ctx *c)
{
	struct wa_err err;
	jv rec;

	if (connect_ids_check(OPT(O_WABA), OPT(O_PNID), &err) < 0)
		die_usage_err(&err);
	c->id = OPT(O_PNID);
	ctx_open(c, 1, 0);
	if (connect_add(c->st, c->g, OPT(O_WABA), c->id, c->now, &rec,
			&err) < 0)
		return fail(c, &err);
	out_record(&c->out, jv_object_merge(JV_OBJECT(jv_string("ok"),
						      jv_true()), rec));
	return 0;
}

/* request-code, verify and register: check, POST, record, print. */
static int
cmd_step(struct ctx *c)
{
	struct connect_step_args a = { c->cmd->step, OPT(O_METHOD),
		OPT(O_LANGUAGE), OPT(O_CODE), OPT(O_PIN) };
	struct wa_err err;
	jv rec;

	if (connect_step_check(&a, &err) < 0)
		die_usage_err(&err);
	ctx_open(c, 1, STORE_MUST_EXIST);
	if (connect_step(c->st, c->g, c->id, &a, c->now, &err) < 0)
		return fail(c, &err);
	if (connect_step_record(c->st, c->id, &a, c->now, &rec, &err) < 0)
		die_err(&err);
	out_record(&c->out, rec);
	return 0;
}

static int
cmd_list(struct ctx *c)
{
	struct wa_err err;
	jv all;

	ctx_open(c, 0, STORE_READ);
	if (channel_list(c->st, OPT(O_WABA), &all, &err) < 0)
		die_err(&err);
	jv_array_foreach(all, i, rec)
		out_record(&c->out, rec);
	jv_free(all);
	return 0;
}

/* show and profile: *rec the record of channel c->id and 0, else the
 * exit status of not_connected. */
static int
known_channel(struct ctx *c, jv *rec)
{
	struct wa_err err;
	int rc;

	*rec = jv_invalid();
	rc = channel_id_valid(c->id) ? channel_record(c->st, c->id, rec, &err)
		: 1;
	if (rc < 0)
		die_err(&err);
	if (rc == 0)
		return 0;
	wa_err_set(&err, WA_EX_CONFIG, "not_connected",
		   "unknown channel '%s'", c->id);
	return fail(c, &err);
}

static int
cmd_show(struct ctx *c)
{
	jv rec;
	int rc;

	ctx_open(c, 0, STORE_READ);
	rc = known_channel(c, &rec);
	if (rc == 0)
		out_record(&c->out, rec);
	return rc;
}

static int
cmd_disconnect(struct ctx *c)
{
	struct wa_err err;
	struct channel ch;
	int left, unsub = 0, was;

	ctx_open(c, 0, STORE_MUST_EXIST);
	if (store_begin(c->st, &err) < 0)
		die_err(&err);
	/* was: 1 when it was disconnected already (ok, nothing changed) */
	if ((was = channel_disconnect(c->st, c->id, c->now, &left, &err)) < 0 ||
	    channel_get(c->st, c->id, &ch, &err) != 0 ||
	    store_commit(c->st, &err) < 0) {
		store_rollback(c->st);
		return fail(c, &err);
	}
	/* The WABA's webhooks stay while another number of it is connected;
	 * unsubscribing is a courtesy: deliveries for a disconnected channel
	 * are skipped anyway. */
	if (!was && left == 0 && c->cfg.token) {
		if (!c->g && graph_open(&c->g, &c->cfg, NULL, &err) < 0)
			die_err(&err);
		unsub = connect_unsubscribe(c->g, ch.waba_id, &err) == 0;
		if (!unsub)
			wa_warnx("webhook subscription of WABA '%s' kept: %s: %s",
				 ch.waba_id, err.code, err.message);
	}
	out_record(&c->out, connect_disconnected(&ch, !was, unsub));
	return 0;
}

static int
cmd_profile(struct ctx *c)
{
	struct profile_update p = {
		OPT(O_ABOUT), OPT(O_ADDRESS), OPT(O_DESCRIPTION), OPT(O_EMAIL),
		OPT(O_VERTICAL), { opt.websites[0], opt.websites[1] },
		opt.nwebsites
	};
	struct wa_err err;
	jv rec;
	int rc;

	if (profile_validate(&p, &err) < 0)
		die_usage_err(&err);
	ctx_open(c, 1, STORE_MUST_EXIST);
	rc = known_channel(c, &rec);
	if (rc != 0)
		return rc;
	jv_free(rec);
	if (connect_profile(c->g, c->id, &p, &rec, &err) < 0)
		return fail(c, &err);
	out_record(&c->out, rec);
	return 0;
}

#define ID 1, "one channel ID"
static const struct command commands[] = {
	{ { "business", 0, NULL, BIT(O_LEGAL) | BIT(O_DISPLAY) |
	    BIT(O_WEBSITE) | BIT(O_EMAIL) | BIT(O_TIMEZONE) |
	    BIT(O_COUNTRY) | BIT(O_VERIFIED) | BIT(O_PHONE), 0, NULL },
	  cmd_business, 0 },
	{ { "add-number", 0, NULL,
	    BIT(O_WABA) | BIT(O_CC) | BIT(O_NUMBER) | BIT(O_DISPLAY),
	    BIT(O_WABA) | BIT(O_CC) | BIT(O_NUMBER) | BIT(O_DISPLAY),
	    "--waba, --cc, --number and --display-name" },
	  cmd_add_number, 0 },
	{ { "add", 0, NULL, BIT(O_WABA) | BIT(O_PNID),
	    BIT(O_WABA) | BIT(O_PNID), "--waba and --phone-number-id" },
	  cmd_add, 0 },
	{ { "request-code", ID, BIT(O_METHOD) | BIT(O_LANGUAGE),
	    BIT(O_METHOD), "--method sms|voice" },
	  cmd_step, CHANNEL_CODE_REQUESTED },
	{ { "verify", ID, BIT(O_CODE), BIT(O_CODE), "--code CODE" },
	  cmd_step, CHANNEL_VERIFIED },
	{ { "register", ID, BIT(O_PIN), BIT(O_PIN), "--pin PIN" },
	  cmd_step, CHANNEL_REGISTERED },
	{ { "list", 0, NULL, BIT(O_WABA), 0, NULL }, cmd_list, 0 },
	{ { "show", ID, 0, 0, NULL }, cmd_show, 0 },
	{ { "disconnect", ID, 0, 0, NULL }, cmd_disconnect, 0 },
	{ { "profile", ID, BIT(O_ABOUT) | BIT(O_ADDRESS) |
	    BIT(O_DESCRIPTION) | BIT(O_EMAIL) | BIT(O_VERTICAL) |
	    BIT(O_WEBSITE), 0, NULL }, cmd_profile, 0 },
};
#undef ID

static struct ctx run;	/* global for the atexit cleanup */

/* Runs on every exit, usage errors included: nothing is left open. */
static void
cleanup(void)
{
	jv_free(run.out.rows);	/* rows of a table never printed */
	run.out.rows = jv_invalid();
	graph_close(run.g);
	store_close(run.st);
	config_release(&run.cfg);
	graph_global_cleanup();
}

int
main(int argc, char **argv)
{
	const struct command *cmd;
	struct wa_err err;
	int first, rc;

	graph_global_init();
	atexit(cleanup);
	signal(SIGPIPE, SIG_IGN);	/* commit, then print (and end) */
	first = cli_parse(&cli, argc, argv, "", longopts, on_option, NULL);
	run.cmd = cmd = subcmd_find(&cli, longopts, commands,
				    sizeof(commands) / sizeof(commands[0]),
				    sizeof(commands[0]), opt.set, argc, argv,
				    first);
	run.id = cmd->sc.operands ? argv[first + 1] : NULL;
	if (config_load(&run.cfg, cli.db, &err) < 0)
		die_err(&err);
	run.now = wa_now();
	out_init(&run.out, stdout, cli.out,
		 cmd->run == cmd_list ? list_cols : NULL);
	if (cmd->run != cmd_list)
		run.out.style = OUT_STYLE_RECORD;
	rc = cmd->run(&run);
	if (out_finish(&run.out) < 0 || fflush(stdout) == EOF ||
	    ferror(stdout))
		rc = wa_output_failed(rc, run.out.error);
	return rc;
}
