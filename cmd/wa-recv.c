/* SPDX-License-Identifier: MIT */
/* wa-recv: ingest webhook deliveries (files, replay, HTTP server, media). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include "wa.h"
#include "recv.h"
#include "jsonl_files.h"

#define RECV_BATCH 2000		/* deliveries per transaction in file mode */
/* On PostgreSQL each statement is a round trip: smaller transactions,
 * and none held past a quarter second however slow the round trips get
 * (a loaded host), so that the writers queued for the lock (serve, other
 * ingests, agents; each waits at most ~5 s) get their turns. */
#define RECV_BATCH_PG 200
#define RECV_HOLD_PG_US 250000

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

static int out_failed;		/* a write to stdout failed (EPIPE...) */
static int out_errno;		/* why (set on the thread that wrote) */

/* Prints one event (a line of JSON); shared by every mode (serve sets
 * stdout line-buffered and flushes after each group). */
static int
emit_line(const char *line, size_t len, void *ctx)
{
	(void)ctx;
	if (out_failed)
		return -1;
	if (fwrite(line, 1, len, stdout) != len || putchar('\n') == EOF) {
		out_failed = 1;
		out_errno = errno;
		return -1;
	}
	return 0;
}

/* An error event on stderr too (SPEC 2): "wa-recv: line N: CODE: msg". */
static void
emit_warn(const struct wa_err *err, long line, void *ctx)
{
	(void)ctx;
	wa_warn(err, line);
}

static const struct ingest_sink sink = { emit_line, emit_warn, NULL };

static int
flush_out(void *ctx)
{
	(void)ctx;
	if (!out_failed && fflush(stdout) == EOF) {
		out_failed = 1;
		out_errno = errno;
	}
	return out_failed ? -1 : 0;
}

static void
warn_line(void *ctx, const struct wa_err *err, long line)
{
	(void)ctx;
	wa_warn(err, line);
}

static void
warn_err(void *ctx, const struct wa_err *err)
{
	warn_line(ctx, err, 0);
}

static int
finish(int status)
{
	if (!out_failed && (fflush(stdout) == EOF || ferror(stdout))) {
		out_failed = 1;
		out_errno = errno;
	}
	/* the drivers stop with 74 when the output fails */
	if (out_failed)
		status = wa_output_failed(status == WA_EX_IOERR ? 0 : status,
					  out_errno);
	return status;
}

/* ---- options ------------------------------------------------------- */

enum {
	OPT_SINCE = CLI_OPT_FIRST_FREE, OPT_CHANNEL, OPT_LISTEN, OPT_PATH,
	OPT_MAX_BODY, OPT_NO_VERIFY, OPT_PORT_FILE, OPT_THREAD, OPT_PENDING,
	OPT_LIMIT, OPT_SEQ, OPT_BACKLOG, OPT_TLS_CERT, OPT_TLS_KEY,
	OPT_MAX_CONNS, OPT_MAX_PER_ADDR, OPT_READ_TIMEOUT, OPT_MAX_UNVERIFIED,
	OPT_LOG, OPT_RETRY_FAILED
};

struct opts {
	struct cli cli;
	int64_t since;			/* replay */
	int64_t seq;			/* events --since */
	const char *channel;
	struct whserver_opts o;		/* serve */
	const char *port_file;
	const char *log;		/* serve: stderr appended to this file */
	long backlog;			/* serve: events held for stdout */
	int no_verify;
	int64_t thread;			/* media */
	long limit;
	int retry_failed;		/* media: the failed ones too */
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
	struct opts *o = ctx;
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
parse_sub(struct opts *o, int argc, char **argv,
	  const struct option *longopts, const char *name)
{
	if (cli_parse(&o->cli, argc, argv, "", longopts, on_opt, o) < argc)
		cli_usage_error(&o->cli, "%s takes no operands", name);
}

/* flags: 0 where the command sets a desk up (ingest), else
 * STORE_MUST_EXIST or STORE_READ. */
static int
open_store(struct opts *o, unsigned flags, struct store **st,
	   struct ingest **in)
{
	struct wa_err err;

	wa_err_clear(&err);
	if (recv_open(o->cli.db, flags, st, in, &err) < 0) {
		wa_warn(&err, 0);
		return err.sysexit;
	}
	return 0;
}

/* Closes what open_store opened; the exit status of rc, a driver's
 * 0/1, -1 (err) or -2 (the output failed). */
static int
close_store(struct store *st, struct ingest *in, int rc,
	    const struct wa_err *err)
{
	if (rc == -1) {
		wa_warn(err, 0);
		rc = err->sysexit;
	} else if (rc == -2)
		rc = WA_EX_IOERR;
	ingest_free(in);
	store_close(st);
	return rc;
}

/* ---- files and replay ---------------------------------------------- */

static int
cmd_files(struct opts *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_COMMON_OPTIONS,
		{ NULL, 0, NULL, 0 }
	};
	struct recv_batch b = { 0 };
	struct wa_config cfg;
	struct wa_err err;
	int n, rc;

	n = cli_parse(&o->cli, argc, argv, "", longopts, NULL, NULL);
	/* Every input is checked before anything is stored: a typo in the
	 * third name must not leave the first two half done (66). */
	if (jsonl_files_check(argc - n, argv + n, &err) < 0) {
		wa_warn(&err, 0);
		return err.sysexit;
	}
	if ((rc = open_store(o, 0, &b.st, &b.in)))
		return rc;
	config_load(&cfg, o->cli.db, &err);	/* open_store checked it */
	b.db_path = cfg.db_path;
	b.limit = store_engine(b.st) == SQL_PG ? RECV_BATCH_PG : RECV_BATCH;
	b.hold_us = store_engine(b.st) == SQL_PG ? RECV_HOLD_PG_US : 0;
	b.sink = sink;
	b.flush = flush_out;
	b.warn = warn_line;
	ingest_defer_text(b.in, 1);
	rc = recv_files(&b, argv + n, argc - n);
	ingest_free(b.in);
	store_close(b.st);
	config_release(&cfg);
	return rc;
}

static int
cmd_replay(struct opts *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_COMMON_OPTIONS,
		{ "since", required_argument, NULL, OPT_SINCE },
		{ "channel", required_argument, NULL, OPT_CHANNEL },
		{ NULL, 0, NULL, 0 }
	};
	struct store *st;
	struct ingest_replay_stats stats;
	struct ingest *in;
	struct wa_err err;
	int rc;

	o->since = -1;
	parse_sub(o, argc, argv, longopts, "replay");
	if ((rc = open_store(o, STORE_MUST_EXIST, &st, &in)))
		return rc;
	wa_err_clear(&err);
	rc = ingest_replay(in, o->since, o->channel, &sink, &stats, &err);
	return close_store(st, in, rc, &err);
}

/* The event log from a sequence number on: what a consumer that missed
 * events (a crash, a stalled pipe) reads to catch up. */
static int
cmd_events(struct opts *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_COMMON_OPTIONS,
		{ "since", required_argument, NULL, OPT_SEQ },
		{ NULL, 0, NULL, 0 }
	};
	struct store *st;
	struct ingest *in;
	struct wa_err err;
	int rc;

	parse_sub(o, argc, argv, longopts, "events");
	if ((rc = open_store(o, STORE_READ, &st, &in)))
		return rc;
	wa_err_clear(&err);
	rc = ingest_log(st, o->seq, &sink, &err);
	return close_store(st, in, rc, &err);
}

/* ---- serve --------------------------------------------------------- */

/* Waits for SIGTERM or SIGINT; on each SIGHUP reopens the log and
 * reloads the certificate (a failure keeps the old ones). */
static void
serve_wait(struct opts *o, struct recv_serve *rs)
{
	struct wa_err err;

	while (recv_serve_wait(rs) == SIGHUP) {
		wa_err_clear(&err);
		if (o->log && recv_log_open(o->log, &err) == 0)
			fprintf(stderr, "wa-recv: SIGHUP: log reopened\n");
		else if (o->log)
			wa_warn(&err, 0);
		wa_err_clear(&err);
		if (!o->o.tls_cert)
			continue;
		if (recv_serve_reload(rs, &err) == 0)
			fprintf(stderr, "wa-recv: SIGHUP: certificate "
				"reloaded\n");
		else {
			wa_err_prefix(&err, "SIGHUP: the certificate in use "
				      "stays");
			wa_warn(&err, 0);
		}
	}
}

static int
serve_run(struct opts *o, const char *db_path, struct store *st,
	  struct ingest *in)
{
	struct recv_serve_cb cb = {
		{ emit_line, emit_warn, NULL }, 0, flush_out, warn_err, NULL
	};
	struct recv_serve *rs;
	struct whserver_stats stats;
	struct wa_err err;
	unsigned left;

	wa_err_clear(&err);
	cb.backlog = (size_t)o->backlog;
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (recv_serve_start(&rs, &o->o, db_path, st, in, &cb, &err) < 0) {
		wa_warn(&err, 0);
		return err.sysexit;
	}
	fprintf(stderr, "wa-recv: listening on %s (port %u, %s), path %s%s\n",
		o->o.listen, recv_serve_port(rs), o->o.tls_cert ? "HTTPS" :
		"HTTP", o->o.path,
		o->no_verify ? ", signatures NOT checked" : "");
	if (!o->port_file ||
	    recv_serve_write_port(rs, o->port_file, &err) == 0)
		serve_wait(o, rs);
	else
		wa_warn(&err, 0);
	left = recv_serve_stop(rs, &stats);
	if (err.code[0])
		return err.sysexit;
	if (left)
		wa_warnx("%u requests unfinished at shutdown (not stored; "
			 "Meta sends them again)", left);
	fprintf(stderr, "wa-recv: stopped: %lu deliveries stored in %lu "
		"transactions, %lu refused, %lu not stored\n", stats.accepted,
		stats.batches, stats.rejected, stats.failed);
	return out_failed ? WA_EX_IOERR : 0;
}

static int
cmd_serve(struct opts *o, int argc, char **argv)
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
	struct store *st;
	struct ingest *in;
	struct wa_config cfg;
	struct wa_err err;
	int rc;

	whserver_opts_default(&o->o);
	parse_sub(o, argc, argv, longopts, "serve");
	if (!o->o.listen)
		cli_usage_error(&o->cli, "serve needs --listen ADDR:PORT");
	if (!o->o.tls_cert != !o->o.tls_key)
		cli_usage_error(&o->cli, "--tls-cert and --tls-key go together");
	if (o->o.max_unverified < o->o.max_body)
		cli_usage_error(&o->cli, "--max-unverified must be at least "
				"--max-body (%zu)", o->o.max_body);
	wa_err_clear(&err);
	if (o->log && recv_log_open(o->log, &err) < 0) {
		wa_warn(&err, 0);
		return err.sysexit;
	}
	if (config_load(&cfg, o->cli.db, &err) < 0 ||
	    config_serve_check(&cfg, !o->no_verify, &err) < 0) {
		config_release(&cfg);
		wa_warn(&err, 0);
		return err.sysexit;
	}
	o->o.app_secret = o->no_verify ? NULL : cfg.app_secret;
	o->o.verify_token = cfg.verify_token;
	if ((rc = open_store(o, 0, &st, &in)) == 0) {
		rc = serve_run(o, cfg.db_path, st, in);
		ingest_free(in);
		store_close(st);
	}
	config_release(&cfg);
	return rc;
}

/* ---- media --------------------------------------------------------- */

/* A media result record: to stdout, and its error to stderr. */
static void
media_record(jv rec, void *ctx)
{
	wa_warn_result(rec);
	out_record(ctx, rec);
}

static int
cmd_media(struct opts *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_COMMON_OPTIONS,
		{ "thread", required_argument, NULL, OPT_THREAD },
		{ "pending", no_argument, NULL, OPT_PENDING },
		{ "retry-failed", no_argument, NULL, OPT_RETRY_FAILED },
		{ "limit", required_argument, NULL, OPT_LIMIT },
		{ NULL, 0, NULL, 0 }
	};
	static const struct out_col cols[] = {
		{ "ok", "OK", 0 }, { "thread_id", "THREAD", 0 },
		{ "wamid", "WAMID", OUT_DROP(1) }, { "media_id", "MEDIA", 0 },
		{ "bytes", "BYTES", 0 }, { "path", "PATH", 0 },
		{ "media_state", "STATE", OUT_DROP(3) },
		{ "retry_at", "RETRY AT", OUT_TIME | OUT_DROP(2) },
		{ "error.message", "ERROR", OUT_TEXT }, { NULL, NULL, 0 }
	};
	struct wa_config cfg;
	struct wa_err err;
	struct graph *g = NULL;
	struct store *st;
	struct out out;
	int rc;

	parse_sub(o, argc, argv, longopts, "media");
	if (config_load(&cfg, o->cli.db, &err) < 0 ||
	    config_need_token(&cfg, &err) < 0 ||
	    store_open_flags(&st, cfg.db_path, STORE_MUST_EXIST, &err) < 0) {
		wa_warn(&err, 0);
		config_release(&cfg);
		return err.sysexit;
	}
	out_init(&out, stdout, o->cli.out, cols);
	if (graph_open(&g, &cfg, NULL, &err) < 0 ||
	    recv_media(st, g, cfg.media_dir, o->thread, o->limit,
		       o->retry_failed, wa_now(), media_record, &out, &rc,
		       &err) < 0) {
		wa_warn(&err, 0);
		rc = err.sysexit;
	}
	if (out_finish(&out) < 0 && !out_failed) {
		out_failed = 1;
		out_errno = out.error;
	}
	graph_close(g);
	store_close(st);
	config_release(&cfg);
	return rc;
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
	static int (*const cmds[])(struct opts *, int, char **) = {
		cmd_replay, cmd_serve, cmd_media, cmd_events
	};
	static struct opts o;
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
	rc = finish(rc);
	graph_global_cleanup();
	return rc;
}
