/* SPDX-License-Identifier: MIT */
/* wa-recv: ingest webhook deliveries (files, replay, HTTP server, media). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "wa.h"
#include "ingest.h"

#define RECV_BATCH 500		/* deliveries per transaction in file mode */
#define RECV_MAX_BODY (3 << 20)	/* Meta's payloads are at most 3 MB */

static const char usage[] =
	"usage: wa-recv [--db PATH] [FILE ...]\n"
	"       wa-recv replay [--since T] [--channel ID] [--db PATH]\n"
	"       wa-recv serve --listen ADDR:PORT [--path P] [--db PATH]\n"
	"       wa-recv media [--thread N | --pending] [--db PATH]\n";

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

	wa_err_clear(&err);
	config_load(&cfg, cli->db);
	if (store_open(st, cfg.db_path, &err) < 0) {
		config_release(&cfg);
		wa_warn(&err, 0);
		return err.sysexit;
	}
	config_release(&cfg);
	if (ingest_new(in, *st, &err) < 0) {
		wa_warn(&err, 0);
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
	if (store_commit(fm->st, &err) < 0) {
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
fm_one(struct filemode *fm, jv body, long line)
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
	rc = ingest_delivery_jv(fm->in, body, NULL, 0, NULL, "file", &err);
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
			good++;
			rc = fm_one(fm, v, line);
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

/* owned by the serve/media engineer */
static int
cmd_serve(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "wa-recv: usage: serve is not implemented yet\n%s",
		usage);
	return WA_EX_USAGE;
}

/* owned by the serve/media engineer */
static int
cmd_media(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "wa-recv: usage: media is not implemented yet\n%s",
		usage);
	return WA_EX_USAGE;
}
