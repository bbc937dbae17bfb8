/* SPDX-License-Identifier: MIT */
/* wa-view audit: list the audit log, print its head (--anchor), verify the chain (--verify). */
#include <stdio.h>
#include <string.h>
#include "audit.h"
#include "audit_cli.h"
#include "cli.h"
#include "config.h"
#include "out.h"
#include "util.h"

static const char usage[] =
	"usage: wa-view audit [--actor USER] [--action NAME] [--subject S]\n"
	"           [--limit N]\n"
	"       wa-view audit --anchor\n"
	"       wa-view audit --verify [--anchor HASH]\n"
	"       common: [--db PATH] [--json | --table]\n";

enum {
	OPT_ACTOR = CLI_OPT_FIRST_FREE, OPT_ACTION, OPT_SUBJECT, OPT_LIMIT,
	OPT_VERIFY, OPT_ANCHOR
};

static const struct option longopts[] = {
	CLI_COMMON_OPTIONS,
	{ "actor", required_argument, NULL, OPT_ACTOR },
	{ "action", required_argument, NULL, OPT_ACTION },
	{ "subject", required_argument, NULL, OPT_SUBJECT },
	{ "limit", required_argument, NULL, OPT_LIMIT },
	{ "verify", no_argument, NULL, OPT_VERIFY },
	{ "anchor", no_argument, NULL, OPT_ANCHOR },
	{ NULL, 0, NULL, 0 }
};

static const struct out_col audit_cols[] = {
	{ "id", "ID", 0 }, { "time", "TIME", OUT_TIME },
	{ "actor", "ACTOR", 16 | OUT_TEXT }, { "action", "ACTION", 0 },
	{ "subject", "SUBJECT", 24 | OUT_TEXT },
	{ "detail", "DETAIL", 60 | OUT_TEXT | OUT_MIN(20) },
	{ NULL, NULL, 0 }
};

struct audit_opts {
	struct cli cli;
	struct audit_filter f;
	int verify, anchor;
};

static void
handle(int opt, const char *arg, void *ctx)
{
	struct audit_opts *a = ctx;
	long long n;

	switch (opt) {
	case OPT_ACTOR: a->f.actor = arg; break;
	case OPT_ACTION: a->f.action = arg; break;
	case OPT_SUBJECT: a->f.subject = arg; break;
	case OPT_LIMIT:
		if (parse_int(arg, 1, 1 << 30, &n) < 0)
			cli_usage_error(&a->cli, "--limit: not a count: '%s'",
					arg);
		a->f.limit = (long)n;
		break;
	case OPT_VERIFY: a->verify = 1; break;
	case OPT_ANCHOR: a->anchor = 1; break;
	default: cli_usage_error(&a->cli, "unexpected option");
	}
}

int
audit_cli_wants(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			return i + 1 < argc && !strcmp(argv[i + 1], "audit");
		if (argv[i][0] != '-')
			return strcmp(argv[i], "audit") == 0;
		/* the common options that take their value apart */
		if (!strcmp(argv[i], "--db") || !strcmp(argv[i], "--as") ||
		    !strcmp(argv[i], "--view") || !strcmp(argv[i], "--ticket"))
			i++;
	}
	return 0;
}

static void
emit(jv rec, void *ctx)
{
	out_record(ctx, rec);
}

static int
run(struct audit_opts *a, struct store *st, struct out *o, const char *op,
    struct wa_err *err)
{
	char head[AUDIT_HASH_LEN + 1];
	jv res;

	if (a->verify) {
		if (audit_verify(st, a->anchor ? op : NULL, &res, err) < 0) {
			wa_warn(err, 0);
			return err->sysexit;
		}
		o->style = OUT_STYLE_RECORD;
		out_record(o, res);
		return 0;
	}
	if (a->anchor) {
		if (audit_head(st, head, err) < 0) {
			wa_warn(err, 0);
			return err->sysexit;
		}
		if (!head[0]) {
			fprintf(stderr, "wa-view: audit: the log is empty\n");
			return WA_EX_DATAERR;
		}
		if (fprintf(o->fp, "%s\n", head) < 0)
			o->failed = 1;
		return 0;
	}
	o->cols = audit_cols;
	if (audit_list(st, &a->f, emit, o, err) < 0) {
		wa_warn(err, 0);
		return err->sysexit;
	}
	return 0;
}

int
audit_cli_main(int argc, char **argv)
{
	struct audit_opts a = { { usage, NULL, OUT_AUTO }, { 0 }, 0, 0 };
	struct wa_config cfg;
	struct wa_err err;
	struct store *st;
	struct out o;
	int i, status, nop, filters;

	wa_err_clear(&err);
	i = cli_parse(&a.cli, argc, argv, "", longopts, handle, &a);
	nop = argc - i - 1;	/* after "audit" */
	filters = a.f.actor || a.f.action || a.f.subject || a.f.limit;
	if (filters && (a.verify || a.anchor))
		cli_usage_error(&a.cli, "filters do not go with --verify "
				"or --anchor");
	if (nop > (a.verify && a.anchor))
		cli_usage_error(&a.cli, "unexpected argument '%s'",
				argv[argc - 1]);
	if (a.verify && a.anchor && nop != 1)
		cli_usage_error(&a.cli, "--verify --anchor needs HASH");
	if (config_load(&cfg, a.cli.db, &err) < 0) {
		wa_warn(&err, 0);
		return err.sysexit;
	}
	if (store_open_flags(&st, cfg.db_path, STORE_MUST_EXIST, &err) < 0) {
		wa_warn(&err, 0);
		config_release(&cfg);
		return err.sysexit;
	}
	out_init(&o, stdout, a.cli.out, NULL);
	status = run(&a, st, &o, nop ? argv[argc - 1] : NULL, &err);
	if (out_finish(&o) < 0 && status < WA_EX_USAGE) {
		fprintf(stderr, "wa-view: io: cannot write output\n");
		status = WA_EX_IOERR;
	}
	store_close(st);
	config_release(&cfg);
	return status;
}
