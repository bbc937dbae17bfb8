/* SPDX-License-Identifier: MIT */
/* wa-recv: ingest webhook deliveries (files, replay, HTTP server, media). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <pthread.h>
#include <unistd.h>
#include "wa.h"
#include "desk.h"
#include "ingest.h"
#include "media.h"
#include "whserver.h"

#define RECV_BATCH 2000		/* deliveries per transaction in file mode */
#define RECV_MAX_BODY (3 << 20)	/* Meta's payloads are at most 3 MB */

static const char usage[] =
	"usage: wa-recv [--db PATH] [FILE ...]\n"
	"       wa-recv replay [--since T] [--channel ID] [--db PATH]\n"
	"       wa-recv serve --listen ADDR:PORT [--path P] [--max-body BYTES]\n"
	"               [--no-verify-signature] [--port-file F] [--db PATH]\n"
	"       wa-recv media [--thread N | --pending] [--limit N] [--db PATH]\n";

static int out_failed;		/* a write to stdout failed (EPIPE...) */

/*
 * Prints one event record as a JSON line; takes ev. Shared by every
 * mode (serve sets stdout line-buffered and calls it after each commit).
 */
static void
emit(jv ev, void *ctx)
{
	(void)ctx;
	if (out_failed) {
		jv_free(ev);
		return;
	}
	if (jsonl_write(stdout, ev) < 0)
		out_failed = 1;
}

static int
finish(int status)
{
	if (fflush(stdout) == EOF || ferror(stdout) || out_failed) {
		wa_warnx("write error on standard output: %s",
			 strerror(errno ? errno : EIO));
		status = WA_EX_IOERR;
	}
	return status;
}

static int
open_store(struct cli *cli, struct store **st, struct ingest **in)
{
	struct wa_config cfg;
	struct wa_err err;
	const char *rules;

	wa_err_clear(&err);
	config_load(&cfg, cli->db);
	if (store_open(st, cfg.db_path, &err) < 0) {
		config_release(&cfg);
		wa_warn(&err, 0);
		return err.sysexit;
	}
	config_release(&cfg);
	rules = getenv("WA_QUARANTINE_RULES");
	if (ingest_new(in, *st, &err) < 0 || (rules && *rules &&
	    ingest_quarantine_file(*in, rules, &err) < 0)) {
		wa_warn(&err, 0);
		ingest_free(*in);
		store_close(*st);
		return err.sysexit;
	}
	return 0;
}

/* ---- file mode ---------------------------------------------------- */

struct filemode {
	struct store *st;
	struct ingest *in;
	int pending;		/* deliveries in the open transaction */
	int status;		/* exit status so far */
};

static int
fm_commit(struct filemode *fm)
{
	struct wa_err err;

	wa_err_clear(&err);
	if (!fm->pending)
		return 0;
	if (ingest_finish(fm->in, &err) < 0 ||
	    store_commit(fm->st, &err) < 0) {
		store_rollback(fm->st);
		ingest_flush(fm->in, NULL, NULL);
		wa_warn(&err, 0);
		return err.sysexit;
	}
	fm->pending = 0;
	ingest_flush(fm->in, emit, NULL);
	fflush(stdout);
	return out_failed ? WA_EX_IOERR : 0;
}

static int
fm_one(struct filemode *fm, jv body, const char *raw, size_t rawlen,
       long line)
{
	struct wa_err err;
	int rc;

	wa_err_clear(&err);
	if (!fm->pending && store_begin(fm->st, &err) < 0) {
		jv_free(body);
		wa_warn(&err, line);
		return err.sysexit;
	}
	fm->pending++;
	/* raw: the line's exact bytes when the record was one line */
	rc = ingest_delivery_jv(fm->in, body, raw, rawlen, NULL, "file", &err);
	if (rc < 0) {
		store_rollback(fm->st);
		ingest_flush(fm->in, NULL, NULL);
		fm->pending = 0;
		wa_warn(&err, line);
		return err.sysexit;
	}
	if (rc > 0)
		fm->status = wa_exit_merge(fm->status, WA_EX_REJECTED);
	if (fm->pending >= RECV_BATCH)
		return fm_commit(fm);
	return 0;
}

/* A run of lines that is not JSON: reported in-band, after what came
 * before it was committed so events stay in input order. */
static int
fm_bad(struct filemode *fm, const struct wa_err *err, long line)
{
	int rc = fm_commit(fm);

	if (rc)
		return rc;
	wa_warn(err, line);
	emit(JV_OBJECT(jv_string("event"), jv_string("error"),
		       jv_string("code"), jv_string(err->code),
		       jv_string("message"), jv_string(err->message),
		       jv_string("line"), jv_number(line)), NULL);
	fm->status = wa_exit_merge(fm->status, WA_EX_REJECTED);
	return 0;
}

static int
fm_file(struct filemode *fm, const char *name)
{
	FILE *fp = strcmp(name, "-") ? fopen(name, "r") : stdin;
	struct jsonl *r;
	struct wa_err err;
	long line, good = 0, bad = 0;
	jv v;
	int rc = 0, n;

	if (!fp) {
		wa_err_set(&err, WA_EX_REJECTED, "invalid_input",
			   "cannot open '%s': %s", name, strerror(errno));
		return fm_bad(fm, &err, 0);
	}
	r = jsonl_open(fp, name);
	jsonl_set_limit(r, RECV_MAX_BODY);
	while (!rc && (n = jsonl_next(r, &v, &line, &err)) != 0) {
		if (n == 1) {
			const char *raw;
			size_t rawlen;

			raw = jsonl_raw(r, &rawlen);
			good++;
			rc = fm_one(fm, v, raw, rawlen, line);
		} else if (n == -1) {
			bad++;
			rc = fm_bad(fm, &err, line);
		} else {
			wa_warn(&err, 0);
			rc = err.sysexit;
		}
	}
	jsonl_close(r);
	if (fp != stdin)
		fclose(fp);
	if (!rc && !good && bad) {
		rc = fm_commit(fm);
		wa_err_set(&err, WA_EX_DATAERR, "invalid_input",
			   "'%s' holds no JSON at all", name);
		wa_warn(&err, 0);
		return rc ? rc : WA_EX_DATAERR;
	}
	return rc;
}

static int
cmd_files(struct cli *cli, int argc, char **argv)
{
	struct filemode fm = { 0 };
	int i, rc = 0;

	if ((rc = open_store(cli, &fm.st, &fm.in)))
		return rc;
	ingest_defer_text(fm.in, 1);
	if (argc == 0)
		rc = fm_file(&fm, "-");
	for (i = 0; i < argc && !rc; i++)
		rc = fm_file(&fm, argv[i]);
	if (!rc)
		rc = fm_commit(&fm);
	else if (fm.pending) {
		/* A fatal error: what the batch held is committed only if
		 * the database still works; the rest is not read. */
		int rc2 = fm_commit(&fm);

		(void)rc2;
	}
	ingest_free(fm.in);
	store_close(fm.st);
	return rc ? rc : fm.status;
}

/* ---- replay -------------------------------------------------------- */

struct replay_opts {
	struct cli *cli;
	int64_t since;
	const char *channel;
};

enum { OPT_SINCE = CLI_OPT_FIRST_FREE, OPT_CHANNEL };

static void
replay_opt(int opt, const char *arg, void *ctx)
{
	struct replay_opts *o = ctx;
	struct wa_err err;

	switch (opt) {
	case OPT_SINCE:
		if (time_parse(arg, &o->since, &err) < 0)
			cli_usage_error(o->cli, "--since: bad time '%s'", arg);
		break;
	case OPT_CHANNEL:
		o->channel = arg;
		break;
	default:
		cli_usage_error(o->cli, "unexpected option");
	}
}

static int
cmd_replay(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_COMMON_OPTIONS,
		{ "since", required_argument, NULL, OPT_SINCE },
		{ "channel", required_argument, NULL, OPT_CHANNEL },
		{ NULL, 0, NULL, 0 }
	};
	struct replay_opts o = { cli, -1, NULL };
	struct store *st;
	struct ingest *in;
	struct wa_err err;
	int optind_, rc;

	optind_ = cli_parse(cli, argc, argv, "", longopts, replay_opt, &o);
	if (optind_ < argc)
		cli_usage_error(cli, "replay takes no operands");
	if ((rc = open_store(cli, &st, &in)))
		return rc;
	wa_err_clear(&err);
	rc = ingest_replay(in, o.since, o.channel, emit, NULL, &err);
	if (rc < 0) {
		wa_warn(&err, 0);
		rc = err.sysexit;
	}
	ingest_free(in);
	store_close(st);
	return rc;
}

/* ---- main ---------------------------------------------------------- */

static int cmd_serve(int argc, char **argv);
static int cmd_media(int argc, char **argv);

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

/* Removes argv[i], keeping argv[0]. */
static void
drop_arg(int *argc, char **argv, int i)
{
	memmove(argv + i, argv + i + 1, (size_t)(*argc - i) * sizeof(*argv));
	(*argc)--;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_COMMON_OPTIONS,
		{ NULL, 0, NULL, 0 }
	};
	struct cli cli = { usage, NULL, OUT_AUTO };
	int sub, n, rc;
	const char *name = NULL;

	graph_global_init();
	signal(SIGPIPE, SIG_IGN);
	sub = find_subcommand(argc, argv);
	if (sub > 0) {
		name = argv[sub];
		if (strcmp(name, "serve") && strcmp(name, "media") &&
		    strcmp(name, "replay"))
			name = NULL;
		else
			drop_arg(&argc, argv, sub);
	}
	if (name && strcmp(name, "serve") == 0)
		rc = cmd_serve(argc, argv);
	else if (name && strcmp(name, "media") == 0)
		rc = cmd_media(argc, argv);
	else if (name)
		rc = cmd_replay(&cli, argc, argv);
	else {
		n = cli_parse(&cli, argc, argv, "", longopts, NULL, NULL);
		rc = cmd_files(&cli, argc - n, argv + n);
	}
	rc = finish(rc);
	graph_global_cleanup();
	return rc;
}

/* ==== serve and media: owned by the serve/media engineer ============== */

enum {
	OPT_LISTEN = CLI_OPT_FIRST_FREE + 32, OPT_PATH, OPT_MAX_BODY,
	OPT_NO_VERIFY, OPT_PORT_FILE, OPT_THREAD, OPT_PENDING, OPT_LIMIT
};

struct serve {
	struct cli *cli;
	struct whserver_opts o;
	struct whserver_ingest wi;	/* the batch callback's context */
	const char *port_file;
	const char *db_path;
	int no_verify;
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
serve_opt(int opt, const char *arg, void *ctx)
{
	struct serve *sv = ctx;

	switch (opt) {
	case OPT_LISTEN:
		sv->o.listen = arg;
		break;
	case OPT_PATH:
		if (arg[0] != '/')
			cli_usage_error(sv->cli, "--path must start with '/'");
		sv->o.path = arg;
		break;
	case OPT_MAX_BODY:
		sv->o.max_body = (size_t)num_arg(sv->cli, "--max-body", arg,
						 1, 1LL << 30);
		break;
	case OPT_NO_VERIFY:
		sv->no_verify = 1;
		break;
	case OPT_PORT_FILE:
		sv->port_file = arg;
		break;
	default:
		cli_usage_error(sv->cli, "unexpected option");
	}
}

/* Prints an event; a delivery that could not be understood is stored
 * anyway (rule 12) and also reported on stderr. */
static void
serve_emit(jv ev, void *ctx)
{
	const char *kind = jx_cstr(ev, "event");

	if (kind && strcmp(kind, "error") == 0) {
		jv msg = jx_path(ev, "error", "message", NULL);
		const char *m = jx_cstr(ev, "message");

		if (!m && jv_get_kind(msg) == JV_KIND_STRING)
			m = jv_string_value(msg);
		wa_warnx("stored a delivery it cannot read: %s",
			 m ? m : "not a webhook");
		jv_free(msg);
	}
	emit(ev, ctx);
}

static void
serve_after(void *ctx)
{
	struct whserver_ingest *wi = ctx;

	ingest_flush(wi->in, serve_emit, NULL);
	if (fflush(stdout) == EOF)
		out_failed = 1;
	if (out_failed)		/* the events have no reader: stop */
		kill(getpid(), SIGTERM);
}

static void
serve_log(void *ctx, const struct wa_err *err)
{
	(void)ctx;
	wa_warn(err, 0);
}

static int
serve_run(struct serve *sv)
{
	struct whserver *srv;
	struct whserver_ckpt *ckpt;
	struct whserver_stats stats;
	struct wa_err err;
	sigset_t set;
	unsigned left;
	int sig;

	/* Every thread inherits the mask; the main thread takes signals. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	wa_err_clear(&err);
	if (whserver_ckpt_start(&ckpt, sv->db_path, 100, &err) < 0) {
		wa_warn(&err, 0);
		return err.sysexit;
	}
	if (whserver_start(&srv, &sv->o, &err) < 0) {
		wa_warn(&err, 0);
		whserver_ckpt_stop(ckpt);
		return err.sysexit;
	}
	fprintf(stderr, "wa-recv: listening on %s (port %u), path %s%s\n",
		sv->o.listen, whserver_port(srv), sv->o.path,
		sv->no_verify ? ", signatures NOT checked" : "");
	if (sv->port_file &&
	    whserver_write_port(srv, sv->port_file, &err) < 0) {
		wa_warn(&err, 0);
		whserver_stop(srv, NULL);
		whserver_ckpt_stop(ckpt);
		return err.sysexit;
	}
	sigwait(&set, &sig);
	left = whserver_stop(srv, &stats);
	whserver_ckpt_stop(ckpt);
	if (left)
		wa_warnx("%u requests unfinished at shutdown (not stored; "
			 "Meta sends them again)", left);
	fprintf(stderr, "wa-recv: stopped: %lu deliveries stored in %lu "
		"transactions, %lu refused, %lu not stored\n", stats.accepted,
		stats.batches, stats.rejected, stats.failed);
	return out_failed ? WA_EX_IOERR : 0;
}

static int
cmd_serve(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_COMMON_OPTIONS,
		{ "listen", required_argument, NULL, OPT_LISTEN },
		{ "path", required_argument, NULL, OPT_PATH },
		{ "max-body", required_argument, NULL, OPT_MAX_BODY },
		{ "no-verify-signature", no_argument, NULL, OPT_NO_VERIFY },
		{ "port-file", required_argument, NULL, OPT_PORT_FILE },
		{ NULL, 0, NULL, 0 }
	};
	struct cli cli = { usage, NULL, OUT_AUTO };
	struct serve sv;
	struct wa_config cfg;
	struct wa_err err;
	int n, rc;

	memset(&sv, 0, sizeof(sv));
	sv.cli = &cli;
	whserver_opts_default(&sv.o);
	n = cli_parse(&cli, argc, argv, "", longopts, serve_opt, &sv);
	if (n < argc)
		cli_usage_error(&cli, "serve takes no operands");
	if (!sv.o.listen)
		cli_usage_error(&cli, "serve needs --listen ADDR:PORT");
	config_load(&cfg, cli.db);
	wa_err_clear(&err);
	if (!cfg.app_secret && !sv.no_verify) {
		config_release(&cfg);
		wa_err_set(&err, WA_EX_CONFIG, "config", "WA_APP_SECRET is not "
			   "set: cannot check X-Hub-Signature-256 (use "
			   "--no-verify-signature to accept unsigned "
			   "deliveries)");
		wa_warn(&err, 0);
		return err.sysexit;
	}
	sv.o.app_secret = sv.no_verify ? NULL : cfg.app_secret;
	sv.o.verify_token = cfg.verify_token;
	sv.db_path = cfg.db_path;
	sv.o.batch = whserver_ingest_batch;
	sv.o.after = serve_after;
	sv.o.log = sv.wi.log = serve_log;
	sv.o.ctx = &sv.wi;
	sv.wi.emit = serve_emit;
	if ((rc = open_store(&cli, &sv.wi.st, &sv.wi.in)) == 0) {
		/* A 200 tells Meta never to send it again: make the commit
		 * survive a power cut, not only a crash. Checkpoints run in
		 * their own thread (the large limit is a safety net). */
		if (store_exec(sv.wi.st, "PRAGMA synchronous=FULL;"
			       " PRAGMA wal_autocheckpoint=4000", &err) < 0) {
			wa_warn(&err, 0);
			rc = err.sysexit;
		} else {
			setvbuf(stdout, NULL, _IOLBF, 0);
			rc = serve_run(&sv);
		}
		ingest_free(sv.wi.in);
		store_close(sv.wi.st);
	}
	config_release(&cfg);
	return rc;
}

/* ---- media --------------------------------------------------------- */

struct media_opts {
	struct cli *cli;
	int64_t thread;
	long limit;
};

static void
media_opt(int opt, const char *arg, void *ctx)
{
	struct media_opts *o = ctx;

	switch (opt) {
	case OPT_THREAD:
		o->thread = num_arg(o->cli, "--thread", arg, 1, INT64_MAX);
		break;
	case OPT_PENDING:
		o->thread = 0;
		break;
	case OPT_LIMIT:
		o->limit = (long)num_arg(o->cli, "--limit", arg, 1, LONG_MAX);
		break;
	default:
		cli_usage_error(o->cli, "unexpected option");
	}
}

/* 0 when --thread names a thread; else a result record and 1. */
static int
media_thread_known(struct store *st, struct out *out, int64_t thread)
{
	char channel[64], wa_id[32], status[8];
	struct wa_err err;
	int rc;

	wa_err_clear(&err);
	rc = desk_thread_lookup(st, thread, channel, NULL, wa_id, NULL, status,
				&err);
	if (rc == 0)
		return 0;
	if (rc > 0)
		wa_err_set(&err, WA_EX_REJECTED, "unknown_thread",
			   "no thread %lld", (long long)thread);
	wa_warn(&err, 0);
	out_record(out, wa_err_result(&err, JV_OBJECT(jv_string("thread_id"),
				      jv_number((double)thread)), 0));
	return err.sysexit;
}

static int
media_run(struct store *st, struct wa_config *cfg, struct out *out,
	  const struct media_opts *o)
{
	struct media_job *jobs = NULL;
	struct graph *g = NULL;
	struct wa_err err;
	size_t n = 0, i;
	int status = 0;
	jv rec;

	wa_err_clear(&err);
	if (graph_open(&g, cfg, NULL, &err) < 0 ||
	    media_due(st, o->thread, o->limit, &jobs, &n, &err) < 0) {
		wa_warn(&err, 0);
		graph_close(g);
		return err.sysexit;
	}
	for (i = 0; i < n && status <= WA_EX_REJECTED; i++) {
		wa_err_clear(&err);
		if (media_fetch(st, g, cfg->media_dir, &jobs[i], &rec,
				&err) == 0) {
			out_record(out, rec);
			continue;
		}
		wa_warn(&err, 0);
		out_record(out, wa_err_result(&err, media_job_json(&jobs[i]),
					      0));
		status = wa_exit_merge(status, err.sysexit ? err.sysexit :
				       WA_EX_REJECTED);
	}
	media_jobs_free(jobs, n);
	graph_close(g);
	return status;
}

static int
cmd_media(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_COMMON_OPTIONS,
		{ "thread", required_argument, NULL, OPT_THREAD },
		{ "pending", no_argument, NULL, OPT_PENDING },
		{ "limit", required_argument, NULL, OPT_LIMIT },
		{ NULL, 0, NULL, 0 }
	};
	static const struct out_col cols[] = {
		{ "ok", "OK", 5 }, { "thread_id", "THREAD", 8 },
		{ "wamid", "WAMID", 24 }, { "media_id", "MEDIA", 18 },
		{ "bytes", "BYTES", 10 }, { "path", "PATH", 0 },
		{ "error.message", "ERROR", 0 }, { NULL, NULL, 0 }
	};
	struct cli cli = { usage, NULL, OUT_AUTO };
	struct media_opts o = { &cli, 0, 0 };
	struct wa_config cfg;
	struct wa_err err;
	struct store *st;
	struct out out;
	int n, rc;

	n = cli_parse(&cli, argc, argv, "", longopts, media_opt, &o);
	if (n < argc)
		cli_usage_error(&cli, "media takes no operands");
	config_load(&cfg, cli.db);
	wa_err_clear(&err);
	if (config_need_token(&cfg, &err) < 0 ||
	    store_open(&st, cfg.db_path, &err) < 0) {
		wa_warn(&err, 0);
		config_release(&cfg);
		return err.sysexit;
	}
	out_init(&out, stdout, cli.out, cols);
	rc = o.thread ? media_thread_known(st, &out, o.thread) : 0;
	if (rc == 0)
		rc = media_run(st, &cfg, &out, &o);
	if (out_finish(&out) < 0)
		out_failed = 1;
	store_close(st);
	config_release(&cfg);
	return rc;
}
