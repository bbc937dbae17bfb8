/* SPDX-License-Identifier: MIT */
/* wa-quota: conversation usage against the monthly limit, for people and cron. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "wa.h"
#include "quota.h"
#include "quotadb.h"

static const char usage[] =
	"usage: wa-quota [status] [--db PATH] [--json | --table]\n"
	"       wa-quota set [--limit N] [--subscription-start YYYY-MM-DD]\n"
	"       wa-quota check [--warn PCT]\n"
	"       wa-quota history | log | forecast\n"
	"       wa-quota billing [--periods N]\n";

enum {
	OPT_LIMIT = CLI_OPT_FIRST_FREE,
	OPT_START,
	OPT_WARN,
	OPT_PERIODS
};

static const struct option longopts[] = {
	CLI_COMMON_OPTIONS,
	{ "limit", required_argument, NULL, OPT_LIMIT },
	{ "subscription-start", required_argument, NULL, OPT_START },
	{ "warn", required_argument, NULL, OPT_WARN },
	{ "periods", required_argument, NULL, OPT_PERIODS },
	{ NULL, 0, NULL, 0 }
};

static struct cli cli = { usage, NULL, OUT_AUTO };
static long opt_limit = -1;
static const char *opt_start;
static int opt_warn = 80;
static int opt_warn_set;
static int opt_periods = 1;	/* billing: this period and N - 1 before */
static int opt_periods_set;

static const struct out_col history_cols[] = {
	{ "period_start", "PERIOD START", OUT_TIME },
	{ "period_end", "PERIOD END", OUT_TIME },
	{ "used", "USED", 0 },
	{ "user_initiated", "USER", 0 },
	{ "business_initiated", "BUSINESS", 0 },
	{ "current", "CURRENT", 0 },
	{ NULL, NULL, 0 }
};

static const struct out_col log_cols[] = {
	{ "conversation_id", "ID", 0 },
	{ "kind", "KIND", 0 },
	{ "started_at", "STARTED", OUT_TIME },
	{ "channel", "CHANNEL", 0 },
	{ "wa_id", "WA_ID", 0 },
	{ "thread_id", "THREAD", 0 },
	{ NULL, NULL, 0 }
};

static const struct out_col billing_cols[] = {
	{ "channel", "CHANNEL", 0 },
	{ "category", "CATEGORY", 0 },
	{ "delivered", "DELIVERED", 0 },
	{ "charged", "CHARGED", 0 },
	{ "free", "FREE", 0 },
	{ "free_entry_point", "ENTRY POINT", 0 },
	{ "free_customer_service", "SERVICE", 0 },
	{ "period_start", "PERIOD START", OUT_TIME },
	{ NULL, NULL, 0 }
};

static void
handle(int opt, const char *arg, void *ctx)
{
	long long v;

	switch (opt) {
	case OPT_LIMIT:
		if (parse_int(arg, 0, 1000000000, &v) < 0)
			cli_usage_error(&cli, "--limit: '%s' is not a count",
					arg);
		opt_limit = (long)v;
		break;
	case OPT_START:
		opt_start = arg;
		break;
	case OPT_WARN:
		if (parse_int(arg, 0, 100, &v) < 0)
			cli_usage_error(&cli, "--warn: '%s' is not a "
					"percentage 0..100", arg);
		opt_warn = (int)v;
		opt_warn_set = 1;
		break;
	case OPT_PERIODS:
		if (parse_int(arg, 1, QUOTADB_HISTORY_MAX, &v) < 0)
			cli_usage_error(&cli, "--periods: '%s' is not 1..%d",
					arg, QUOTADB_HISTORY_MAX);
		opt_periods = (int)v;
		opt_periods_set = 1;
		break;
	default:
		cli_usage_error(&cli, "unexpected option");
	}
}

static void
emit(jv rec, void *ctx)
{
	out_record(ctx, rec);
}

/* The pace is of the time the desk has counted in this period: from the
 * period's start, or from when its first channel connected. */
static jv
forecast_json(const struct quotadb_usage *u, int64_t now)
{
	int64_t at = quota_forecast(u->used, u->limit, &u->period,
				    u->first_connected_at, now);
	int64_t from = u->first_connected_at > u->period.start ?
		       u->first_connected_at : u->period.start;
	int64_t elapsed = now - from;
	double pace;

	if (elapsed < 1)
		elapsed = 1;
	/* Two decimals are plenty for a rate shown to people. */
	pace = (double)(long long)((double)u->used * 86400.0 /
				   (double)elapsed * 100.0 + 0.5) / 100.0;
	return JV_OBJECT(jv_string("reach_at"), time_jv(at),
			 jv_string("pace_per_day"), jv_number(pace),
			 jv_string("used"), jv_number(u->used),
			 jv_string("limit"), jv_number(u->limit),
			 jv_string("period_start"), time_jv(u->period.start),
			 jv_string("period_end"), time_jv(u->period.end),
			 jv_string("pace_since"), time_jv(from));
}

/* billing of the current period and the opt_periods - 1 before it,
 * oldest first. */
static int
billing(struct store *st, const struct quotadb_usage *u, struct out *o,
	struct wa_err *err)
{
	struct quota_period p = u->period;
	int i;

	for (i = 1; i < opt_periods; i++)
		quota_period_prev(u->reset_day, u->tz, &p, &p);
	for (i = 0; i < opt_periods; i++) {
		if (quotadb_billing(st, &p, emit, o, err) < 0)
			return -1;
		quota_period_next(u->reset_day, u->tz, &p, &p);
	}
	return 0;
}

/* Runs the sub-command; returns its exit status or -1 with err. */
static int
run(struct store *st, const char *cmd, struct out *o, struct wa_err *err)
{
	struct quotadb_usage u;
	int64_t now = wa_now();

	if (strcmp(cmd, "set") == 0 &&
	    quotadb_set(st, opt_limit, opt_start, err) < 0)
		return -1;
	if (quotadb_usage(st, now, &u, err) < 0)
		return -1;
	if (strcmp(cmd, "history") == 0) {
		o->cols = history_cols;
		return quotadb_history(st, &u, emit, o, err);
	}
	if (strcmp(cmd, "log") == 0) {
		o->cols = log_cols;
		return quotadb_log(st, &u.period, emit, o, err);
	}
	if (strcmp(cmd, "billing") == 0) {
		o->cols = billing_cols;
		return billing(st, &u, o, err);
	}
	/* one record: key: value lines on a terminal */
	o->style = OUT_STYLE_RECORD;
	if (strcmp(cmd, "forecast") == 0) {
		out_record(o, forecast_json(&u, now));
		return 0;
	}
	if (strcmp(cmd, "set") == 0)	/* an action: its result record */
		out_record(o, jv_object_merge(JV_OBJECT(jv_string("ok"),
							jv_true()),
					      quotadb_status_json(&u)));
	else
		out_record(o, quotadb_status_json(&u));
	if (strcmp(cmd, "check") == 0)
		return quota_check_level(u.used, u.limit, opt_warn);
	return 0;
}

static const char *const commands[] = {
	"status", "set", "check", "history", "log", "forecast", "billing",
	NULL
};

static void
check_args(const char *cmd)
{
	int i;

	for (i = 0; commands[i]; i++)
		if (strcmp(cmd, commands[i]) == 0)
			break;
	if (!commands[i])
		cli_usage_error(&cli, "unknown command '%s'", cmd);
	if (strcmp(cmd, "set") == 0 && opt_limit < 0 && !opt_start)
		cli_usage_error(&cli, "set needs --limit or "
				"--subscription-start");
	if (strcmp(cmd, "set") != 0 && (opt_limit >= 0 || opt_start))
		cli_usage_error(&cli, "--limit and --subscription-start "
				"go with 'set'");
	if (strcmp(cmd, "check") != 0 && opt_warn_set)
		cli_usage_error(&cli, "--warn goes with 'check'");
	if (strcmp(cmd, "billing") != 0 && opt_periods_set)
		cli_usage_error(&cli, "--periods goes with 'billing'");
}

int
main(int argc, char **argv)
{
	struct wa_config cfg;
	struct wa_err err;
	struct store *st;
	struct out o;
	const char *cmd = "status";
	int i, status;

	graph_global_init();
	wa_err_clear(&err);
	i = cli_parse(&cli, argc, argv, "", longopts, handle, NULL);
	if (i < argc)
		cmd = argv[i++];
	if (i < argc)
		cli_usage_error(&cli, "unexpected argument '%s'", argv[i]);
	check_args(cmd);
	if (config_load(&cfg, cli.db, &err) < 0 ||
	    store_open_flags(&st, cfg.db_path, strcmp(cmd, "set") == 0 ?
			     STORE_MUST_EXIST : STORE_READ, &err) < 0) {
		wa_warn(&err, 0);
		config_release(&cfg);
		return err.sysexit;
	}
	out_init(&o, stdout, cli.out, NULL);
	status = run(st, cmd, &o, &err);
	if (status < 0) {
		wa_warn(&err, 0);
		status = err.sysexit;
	}
	if (out_finish(&o) < 0)
		status = wa_output_failed(status, o.error);
	store_close(st);
	config_release(&cfg);
	graph_global_cleanup();
	return status;
}
