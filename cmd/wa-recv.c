/* SPDX-License-Identifier: MIT */
/* wa-recv: ingest webhook deliveries (files, replay, HTTP server, media). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include "wa.h"
#include "channel.h"
#include "recv_cmd.h"

static const char usage[] =
	"usage: wa-recv [--db PATH] [FILE ...]\n"
	"       wa-recv replay [--since T] [--channel ID] [--db PATH]\n"
	"       wa-recv events [--since SEQ] [--db PATH]\n"
	"       wa-recv serve --listen ADDR:PORT [--path P] [--max-body BYTES]\n"
	"               [--tls-cert F --tls-key F] [--max-connections N]\n"
	"               [--max-per-address N] [--read-timeout SECS]\n"
	"               [--max-unverified BYTES] [--log F]\n"
	"               [--no-verify-signature] [--port-file F] [--backlog N]\n"
	"               [--db PATH]\n"
	"       wa-recv media [--thread N | --pending] [--retry-failed] [--limit N]\n"
	"               [--db PATH]\n";

/* ---- options ------------------------------------------------------- */

enum {
	OPT_SINCE = CLI_OPT_FIRST_FREE, OPT_CHANNEL, OPT_LISTEN, OPT_PATH,
	OPT_MAX_BODY, OPT_NO_VERIFY, OPT_PORT_FILE, OPT_THREAD, OPT_PENDING,
	OPT_LIMIT, OPT_SEQ, OPT_BACKLOG, OPT_TLS_CERT, OPT_TLS_KEY,
	OPT_MAX_CONNS, OPT_MAX_PER_ADDR, OPT_READ_TIMEOUT, OPT_MAX_UNVERIFIED,
	OPT_LOG, OPT_RETRY_FAILED
};

static long long
num_arg(struct cli *cli, const char *opt, const char *arg, long long min,
	long long max)
{
	long long v;

	if (parse_int(arg, min, max, &v) < 0)
		cli_usage_error(cli, "%s: '%s' is not a number from %lld to "
				"%lld", opt, arg, min, max);
	return v;
}

static void
on_opt(int opt, const char *arg, void *ctx)
{
	struct recv_cmd *o = ctx;
	struct wa_err err;

	switch (opt) {
	case OPT_SINCE:
		if (time_parse(arg, &o->since, &err) < 0)
			cli_usage_error(&o->cli, "--since: bad time '%s'", arg);
		break;
	case OPT_SEQ:
		o->seq = num_arg(&o->cli, "--since", arg, 0, INT64_MAX);
		break;
	case OPT_CHANNEL:
		if (!channel_id_valid(arg))
			cli_usage_error(&o->cli, "--channel: '%s' is not a "
					"phone-number id", arg);
		o->channel = arg;
		break;
	case OPT_LISTEN:
		o->o.listen = arg;
		break;
	case OPT_PATH:
		if (arg[0] != '/')
			cli_usage_error(&o->cli, "--path must start with '/'");
		o->o.path = arg;
		break;
	case OPT_MAX_BODY:
		o->o.max_body = (size_t)num_arg(&o->cli, "--max-body", arg, 1,
						1LL << 30);
		break;
	case OPT_NO_VERIFY:
		o->no_verify = 1;
		break;
	case OPT_BACKLOG:
		o->backlog = (long)num_arg(&o->cli, "--backlog", arg, 1,
					   100000000);
		break;
	case OPT_PORT_FILE:
		o->port_file = arg;
		break;
	case OPT_TLS_CERT:
		o->o.tls_cert = arg;
		break;
	case OPT_TLS_KEY:
		o->o.tls_key = arg;
		break;
	case OPT_MAX_CONNS:
		o->o.max_conns = (unsigned)num_arg(&o->cli, "--max-connections",
						   arg, 1, 1000000);
		break;
	case OPT_MAX_PER_ADDR:
		o->o.max_per_addr = (unsigned)num_arg(&o->cli,
			"--max-per-address", arg, 0, 1000000);
		break;
	case OPT_READ_TIMEOUT:
		o->o.read_ms = 1000 * (unsigned)num_arg(&o->cli,
			"--read-timeout", arg, 1, 3600);
		break;
	case OPT_MAX_UNVERIFIED:
		o->o.max_unverified = (size_t)num_arg(&o->cli,
			"--max-unverified", arg, 1, 1LL << 40);
		break;
	case OPT_LOG:
		o->log = arg;
		break;
	case OPT_THREAD:
		o->thread = num_arg(&o->cli, "--thread", arg, 1, INT64_MAX);
		break;
	case OPT_PENDING:
		o->thread = 0;
		break;
	case OPT_RETRY_FAILED:
		o->retry_failed = 1;
		break;
	case OPT_LIMIT:
		o->limit = (long)num_arg(&o->cli, "--limit", arg, 1, LONG_MAX);
		break;
	default:
		cli_usage_error(&o->cli, "unexpected option");
	}
}

/* Parses a subcommand's options; it takes no operands. */
static void
parse_sub(struct recv_cmd *o, int argc, char **argv,
	  const struct option *longopts, const char *name)
{
	if (cli_parse(&o->cli, argc, argv, "", longopts, on_opt, o) < argc)
		cli_usage_error(&o->cli, "%s takes no operands", name);
}

/* ---- subcommands ---------------------------------------------------- */

static int
cmd_files(struct recv_cmd *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_COMMON_OPTIONS,
		{ NULL, 0, NULL, 0 }
	};
	int n = cli_parse(&o->cli, argc, argv, "", longopts, NULL, NULL);

	return recv_cmd_files(o, argv + n, argc - n);
}

static int
cmd_replay(struct recv_cmd *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_COMMON_OPTIONS,
		{ "since", required_argument, NULL, OPT_SINCE },
		{ "channel", required_argument, NULL, OPT_CHANNEL },
		{ NULL, 0, NULL, 0 }
	};

	o->since = -1;
	parse_sub(o, argc, argv, longopts, "replay");
	return recv_cmd_replay(o);
}

static int
cmd_events(struct recv_cmd *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_COMMON_OPTIONS,
		{ "since", required_argument, NULL, OPT_SEQ },
		{ NULL, 0, NULL, 0 }
	};

	parse_sub(o, argc, argv, longopts, "events");
	return recv_cmd_events(o);
}

static int
cmd_serve(struct recv_cmd *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_COMMON_OPTIONS,
		{ "listen", required_argument, NULL, OPT_LISTEN },
		{ "path", required_argument, NULL, OPT_PATH },
		{ "max-body", required_argument, NULL, OPT_MAX_BODY },
		{ "no-verify-signature", no_argument, NULL, OPT_NO_VERIFY },
		{ "port-file", required_argument, NULL, OPT_PORT_FILE },
		{ "backlog", required_argument, NULL, OPT_BACKLOG },
		{ "tls-cert", required_argument, NULL, OPT_TLS_CERT },
		{ "tls-key", required_argument, NULL, OPT_TLS_KEY },
		{ "max-connections", required_argument, NULL, OPT_MAX_CONNS },
		{ "max-per-address", required_argument, NULL,
		  OPT_MAX_PER_ADDR },
		{ "read-timeout", required_argument, NULL, OPT_READ_TIMEOUT },
		{ "max-unverified", required_argument, NULL,
		  OPT_MAX_UNVERIFIED },
		{ "log", required_argument, NULL, OPT_LOG },
		{ NULL, 0, NULL, 0 }
	};

	whserver_opts_default(&o->o);
	parse_sub(o, argc, argv, longopts, "serve");
	if (!o->o.listen)
		cli_usage_error(&o->cli, "serve needs --listen ADDR:PORT");
	if (!o->o.tls_cert != !o->o.tls_key)
		cli_usage_error(&o->cli, "--tls-cert and --tls-key go together");
	if (o->o.max_unverified < o->o.max_body)
		cli_usage_error(&o->cli, "--max-unverified must be at least "
				"--max-body (%zu)", o->o.max_body);
	return recv_cmd_serve(o);
}

static int
cmd_media(struct recv_cmd *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_COMMON_OPTIONS,
		{ "thread", required_argument, NULL, OPT_THREAD },
		{ "pending", no_argument, NULL, OPT_PENDING },
		{ "retry-failed", no_argument, NULL, OPT_RETRY_FAILED },
		{ "limit", required_argument, NULL, OPT_LIMIT },
		{ NULL, 0, NULL, 0 }
	};

	parse_sub(o, argc, argv, longopts, "media");
	return recv_cmd_media(o);
}

/* ---- main ---------------------------------------------------------- */

/* The first operand, skipping options (and --db's value): a subcommand
 * name when it is one; a file named like one needs "./". */
static int
find_subcommand(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			return -1;
		if (strcmp(argv[i], "--db") == 0) {
			i++;
			continue;
		}
		if (argv[i][0] == '-' && argv[i][1])
			continue;
		return i;
	}
	return -1;
}

int
main(int argc, char **argv)
{
	static const char *const names[] = {
		"replay", "serve", "media", "events"
	};
	static int (*const cmds[])(struct recv_cmd *, int, char **) = {
		cmd_replay, cmd_serve, cmd_media, cmd_events
	};
	static struct recv_cmd o;
	int sub, i, rc = -1;

	graph_global_init();
	signal(SIGPIPE, SIG_IGN);
	o.cli.usage = usage;
	sub = find_subcommand(argc, argv);
	for (i = 0; sub > 0 && i < 4 && rc < 0; i++) {
		if (strcmp(argv[sub], names[i]) != 0)
			continue;
		/* drop the name, keeping argv[0] */
		memmove(argv + sub, argv + sub + 1,
			(size_t)(argc - sub) * sizeof(*argv));
		rc = cmds[i](&o, argc - 1, argv);
	}
	if (rc < 0)
		rc = cmd_files(&o, argc, argv);
	rc = recv_cmd_finish(&o, rc);
	graph_global_cleanup();
	return rc;
}
