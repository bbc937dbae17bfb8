/* SPDX-License-Identifier: MIT */
/* wa-connect: the business, its phone numbers (channels), verification, profile. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "wa.h"
#include "channel.h"
#include "connect.h"

static const char usage[] =
"usage: wa-connect business [--legal-name N] [--display-name N] [--website URL]\n"
"           [--email E] [--timezone TZ] [--country CC] [--verified true|false]\n"
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
	O_VERTICAL, O_END
};
#define BIT(o) (1u << ((o) - CLI_OPT_FIRST_FREE))

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

static const char *
opt_name(int o)
{
	const struct option *p;

	for (p = longopts; p->name; p++)
		if (p->val == o)
			return p->name;
	return "?";
}

static void
on_option(int o, const char *arg, void *ctx)
{
	if (o < CLI_OPT_FIRST_FREE || o >= O_END)
		cli_usage_error(&cli, "unexpected option");
	if (o == O_WEBSITE) {
		if (opt.nwebsites == 3)
			cli_usage_error(&cli, "--website: at most 2 websites");
		opt.websites[opt.nwebsites++] = arg;
	} else if (opt.set & BIT(o)) {
		cli_usage_error(&cli, "option '--%s' given twice",
				opt_name(o));
	}
	opt.set |= BIT(o);
	OPT(o) = arg;
}

/* What every command shares: config, store, Graph client, output. */
struct ctx {
	struct wa_config cfg;
	struct store *st;
	struct graph *g;
	struct out out;
	const char *id;		/* the ID operand */
	int64_t now;
};

static const struct out_col list_cols[] = {
	{ "channel", "CHANNEL", 0 }, { "phone", "PHONE", 0 },
	{ "verified_name", "NAME", 24 }, { "status", "STATUS", 0 },
	{ "waba_id", "WABA", 0 }, { "connected_at", "CONNECTED", 0 },
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
	char flag[64];
	size_t n = strcspn(err->message, ":"), i;

	if (err->sysexit != WA_EX_USAGE)
		die_err(err);
	if (n > 16 || strspn(err->message, "abcdefghijklmnopqrstuvwxyz ") < n)
		cli_usage_error(&cli, "%s", err->message);
	snprintf(flag, sizeof(flag), "%.*s", (int)(n < 60 ? n : 60),
		 err->message);
	for (i = 0; flag[i]; i++)
		if (flag[i] == ' ')
			flag[i] = '-';
	cli_usage_error(&cli, "--%s%s", flag, err->message + n);
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
fail(struct ctx *c, const char *cmd, struct wa_err *err)
{
	jv r = wa_err_result(err, input_json(cmd, c->id), 0);

	if (c->id)	/* the join key, as on success */
		r = jv_object_set(r, jv_string("channel"), jv_string(c->id));
	out_record(&c->out, r);
	wa_warn(err, 0);
	return err->sysexit ? err->sysexit : WA_EX_REJECTED;
}

static int
fail_tx(struct ctx *c, const char *cmd, struct wa_err *err)
{
	store_rollback(c->st);
	return fail(c, cmd, err);
}

/* Opens what a command needs once its arguments are checked: the Graph
 * client first (no token: 78 before the database is touched). */
static void
ctx_open(struct ctx *c, int graph)
{
	struct wa_err err;

	if (graph && graph_open(&c->g, &c->cfg, NULL, &err) < 0)
		die_err(&err);
	if (store_open(&c->st, c->cfg.db_path, &err) < 0)
		die_err(&err);
}

static jv
ok_record(const char *id)
{
	jv r = JV_OBJECT(jv_string("ok"), jv_true());

	return id ? jv_object_set(r, jv_string("channel"), jv_string(id)) : r;
}

static int
cmd_business(struct ctx *c)
{
	struct business_update u = {
		OPT(O_LEGAL), OPT(O_DISPLAY), opt.websites[0], OPT(O_EMAIL),
		OPT(O_TIMEZONE), OPT(O_COUNTRY), -1
	};
	struct wa_err err;
	int created;
	jv b;

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
	ctx_open(c, 0);
	if (!opt.set) {		/* no flags: show the business */
		if (business_get(c->st, &b, &err) < 0)
			die_err(&err);
		if (!jv_is_valid(b))
			cli_usage_error(&cli, "no business yet: give "
					"--legal-name, --display-name, "
					"--website and --email");
		out_record(&c->out, b);
		return 0;
	}
	if (store_begin(c->st, &err) < 0)
		die_err(&err);
	if (business_save(c->st, &u, c->now, &created, &err) < 0) {
		store_rollback(c->st);
		die_usage_err(&err);
	}
	if (store_commit(c->st, &err) < 0 || business_get(c->st, &b, &err) < 0)
		die_err(&err);
	b = jv_object_merge(JV_OBJECT(jv_string("ok"), jv_true(),
				      jv_string("created"), jv_bool(created)),
			    b);
	out_record(&c->out, b);
	return 0;
}

static int
cmd_add(struct ctx *c)
{
	const char *waba = OPT(O_WABA), *pnid = OPT(O_PNID);
	struct wa_err err;
	jv rec;

	if (!waba || !pnid)
		cli_usage_error(&cli, "add needs --waba and --phone-number-id");
	if (!channel_id_valid(waba) || !channel_id_valid(pnid))
		cli_usage_error(&cli, "--%s: '%s' is not a Graph id (digits)",
				channel_id_valid(waba) ? "phone-number-id" :
				"waba", channel_id_valid(waba) ? pnid : waba);
	c->id = pnid;
	ctx_open(c, 1);
	if (connect_add(c->st, c->g, waba, pnid, c->now, &rec, &err) < 0)
		return fail(c, "add", &err);
	out_record(&c->out, jv_object_merge(ok_record(NULL), rec));
	return 0;
}

/* POST /{id}/{edge} body, then marks step; result: ok plus extra. */
static int
verify_step(struct ctx *c, const char *cmd, enum channel_step step, jv body,
	    const char *arg, jv extra)
{
	struct channel ch;
	struct wa_err err;

	ctx_open(c, 1);
	if (connect_step(c->st, c->g, c->id, step, body, arg, c->now,
			 &err) < 0) {
		jv_free(extra);
		return fail(c, cmd, &err);
	}
	if (channel_get(c->st, c->id, &ch, &err) != 0)
		die_err(&err);
	extra = jv_object_merge(ok_record(c->id), extra);
	extra = jv_object_set(extra, jv_string("phone"), jv_string(ch.phone));
	out_record(&c->out, extra);
	return 0;
}

static int
cmd_request_code(struct ctx *c)
{
	const char *m = OPT(O_METHOD), *lang = OPT(O_LANGUAGE);
	const char *method;

	if (!m)
		cli_usage_error(&cli, "request-code needs --method sms|voice");
	if (strcmp(m, "sms") == 0 || strcmp(m, "SMS") == 0)
		method = "SMS";
	else if (strcmp(m, "voice") == 0 || strcmp(m, "VOICE") == 0)
		method = "VOICE";
	else
		cli_usage_error(&cli, "--method: '%s' is not sms or voice", m);
	if (!lang)
		lang = "en_US";
	if (!*lang || strlen(lang) > 16 ||
	    strspn(lang, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_")
	    != strlen(lang))
		cli_usage_error(&cli, "--language: '%s' is not a language "
				"code like en_US", lang);
	return verify_step(c, "request-code", CHANNEL_CODE_REQUESTED,
			   JV_OBJECT(jv_string("code_method"),
				     jv_string(method),
				     jv_string("language"), jv_string(lang)),
			   method,
			   JV_OBJECT(jv_string("code_method"),
				     jv_string(method),
				     jv_string("language"), jv_string(lang),
				     jv_string("code_requested_at"),
				     time_jv(c->now)));
}

static int
digits_only(const char *s, size_t min, size_t max)
{
	size_t n = strlen(s);

	return n >= min && n <= max && strspn(s, "0123456789") == n;
}

static int
cmd_verify(struct ctx *c)
{
	const char *code = OPT(O_CODE);

	if (!code)
		cli_usage_error(&cli, "verify needs --code CODE");
	if (!digits_only(code, 4, 10))
		cli_usage_error(&cli, "--code: the code is 4 to 10 digits");
	return verify_step(c, "verify", CHANNEL_VERIFIED,
			   JV_OBJECT(jv_string("code"), jv_string(code)), NULL,
			   JV_OBJECT(jv_string("code_verification_status"),
				     jv_string("VERIFIED"),
				     jv_string("verified_at"),
				     time_jv(c->now)));
}

static int
cmd_register(struct ctx *c)
{
	const char *pin = OPT(O_PIN);

	if (!pin)
		cli_usage_error(&cli, "register needs --pin PIN");
	if (!digits_only(pin, 6, 6))
		cli_usage_error(&cli, "--pin: the PIN is 6 digits");
	return verify_step(c, "register", CHANNEL_REGISTERED,
			   JV_OBJECT(jv_string("messaging_product"),
				     jv_string("whatsapp"),
				     jv_string("pin"), jv_string(pin)), NULL,
			   JV_OBJECT(jv_string("registered_at"),
				     time_jv(c->now)));
}

static int
cmd_list(struct ctx *c)
{
	const char *waba = OPT(O_WABA);
	struct wa_err err;
	jv all;

	ctx_open(c, 0);
	if (channel_list(c->st, &all, &err) < 0)
		die_err(&err);
	jv_array_foreach(all, i, rec) {
		const char *w = jx_cstr(rec, "waba_id");

		if (!waba || (w && strcmp(w, waba) == 0))
			out_record(&c->out, rec);
		else
			jv_free(rec);
	}
	jv_free(all);
	return 0;
}

static int
cmd_show(struct ctx *c)
{
	struct wa_err err;
	jv rec;
	int rc;

	ctx_open(c, 0);
	rc = channel_id_valid(c->id) ? channel_record(c->st, c->id, &rec, &err)
		: 1;

	if (rc < 0)
		die_err(&err);
	if (rc == 1) {
		wa_err_set(&err, WA_EX_CONFIG, "not_connected",
			   "unknown channel '%s'", c->id);
		return fail(c, "show", &err);
	}
	out_record(&c->out, rec);
	return 0;
}

static int
cmd_disconnect(struct ctx *c)
{
	struct wa_err err;
	struct channel ch;
	int left, unsub = 0;

	ctx_open(c, 0);
	if (store_begin(c->st, &err) < 0)
		die_err(&err);
	if (channel_disconnect(c->st, c->id, c->now, &left, &err) < 0 ||
	    channel_get(c->st, c->id, &ch, &err) != 0 ||
	    store_commit(c->st, &err) < 0)
		return fail_tx(c, "disconnect", &err);
	/* The WABA's webhooks stay while another number of it is connected;
	 * unsubscribing is a courtesy: deliveries for a disconnected channel
	 * are skipped anyway. */
	if (left == 0 && c->cfg.token) {
		if (!c->g && graph_open(&c->g, &c->cfg, NULL, &err) < 0)
			die_err(&err);
		unsub = connect_unsubscribe(c->g, ch.waba_id, &err) == 0;
		if (!unsub)
			wa_warnx("webhook subscription of WABA '%s' kept: %s: %s",
				 ch.waba_id, err.code, err.message);
	}
	out_record(&c->out, jv_object_merge(ok_record(c->id), JV_OBJECT(
		jv_string("waba_id"), jv_string(ch.waba_id),
		jv_string("phone"), jv_string(ch.phone),
		jv_string("status"), jv_string("disconnected"),
		jv_string("disconnected_at"), time_jv(c->now),
		jv_string("unsubscribed"), jv_bool(unsub))));
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
	struct channel ch;
	jv prof;
	int rc;

	if (profile_validate(&p, &err) < 0)
		die_usage_err(&err);
	ctx_open(c, 1);
	rc = channel_id_valid(c->id) ? channel_get(c->st, c->id, &ch, &err) : 1;
	if (rc < 0)
		die_err(&err);
	if (rc == 1) {
		wa_err_set(&err, WA_EX_CONFIG, "not_connected",
			   "unknown channel '%s'", c->id);
		return fail(c, "profile", &err);
	}
	if (connect_profile(c->g, c->id, &p, &prof, &err) < 0)
		return fail(c, "profile", &err);
	out_record(&c->out, jv_object_merge(profile_has_update(&p) ?
		ok_record(c->id) : JV_OBJECT(jv_string("channel"),
					     jv_string(c->id)), prof));
	return 0;
}

static const struct command {
	const char *name;
	int (*run)(struct ctx *);
	int operand;		/* takes the ID operand */
	unsigned opts;		/* the options it takes */
} commands[] = {
	{ "business", cmd_business, 0, BIT(O_LEGAL) | BIT(O_DISPLAY) |
	  BIT(O_WEBSITE) | BIT(O_EMAIL) | BIT(O_TIMEZONE) | BIT(O_COUNTRY) |
	  BIT(O_VERIFIED) },
	{ "add", cmd_add, 0, BIT(O_WABA) | BIT(O_PNID) },
	{ "request-code", cmd_request_code, 1,
	  BIT(O_METHOD) | BIT(O_LANGUAGE) },
	{ "verify", cmd_verify, 1, BIT(O_CODE) },
	{ "register", cmd_register, 1, BIT(O_PIN) },
	{ "list", cmd_list, 0, BIT(O_WABA) },
	{ "show", cmd_show, 1, 0 },
	{ "disconnect", cmd_disconnect, 1, 0 },
	{ "profile", cmd_profile, 1, BIT(O_ABOUT) | BIT(O_ADDRESS) |
	  BIT(O_DESCRIPTION) | BIT(O_EMAIL) | BIT(O_VERTICAL) |
	  BIT(O_WEBSITE) },
};

static const struct command *
find_command(int argc, char **argv, int optind_)
{
	const struct command *cmd = NULL;
	size_t i;
	int o;

	if (optind_ >= argc)
		cli_usage_error(&cli, "missing command");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[optind_], commands[i].name) == 0)
			cmd = &commands[i];
	if (!cmd)
		cli_usage_error(&cli, "unknown command '%s'", argv[optind_]);
	for (o = CLI_OPT_FIRST_FREE; o < O_END; o++)
		if ((opt.set & BIT(o)) && !(cmd->opts & BIT(o)))
			cli_usage_error(&cli, "'%s' takes no option '--%s'",
					cmd->name, opt_name(o));
	if (argc - optind_ - 1 != cmd->operand)
		cli_usage_error(&cli, cmd->operand ? "'%s' needs one channel "
				"ID" : "'%s' takes no operands", cmd->name);
	return cmd;
}

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
	signal(SIGPIPE, SIG_IGN);	/* commit before printing; EPIPE is 74 */
	first = cli_parse(&cli, argc, argv, "", longopts, on_option, NULL);
	cmd = find_command(argc, argv, first);
	run.id = cmd->operand ? argv[first + 1] : NULL;
	run.now = wa_now();
	config_load(&run.cfg, cli.db);
	out_init(&run.out, stdout, cli.out,
		 cmd->run == cmd_list || cmd->run == cmd_show ? list_cols :
		 NULL);
	rc = cmd->run(&run);
	if (out_finish(&run.out) < 0 || fflush(stdout) == EOF ||
	    ferror(stdout)) {
		wa_err_set(&err, WA_EX_IOERR, "io", "cannot write output");
		wa_warn(&err, 0);
		rc = WA_EX_IOERR;
	}
	return rc;
}
