/* SPDX-License-Identifier: MIT */
/* wa-recv's subcommands run (files, replay, events, serve, media) and its standard output. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include "recv_cmd.h"
#include "channel.h"
#include "config.h"
#include "jsonl_files.h"
#include "out.h"
#include "util.h"

#define RECV_BATCH 2000		/* deliveries per transaction in file mode */
/* On PostgreSQL each statement is a round trip: smaller transactions,
 * and none held past a quarter second however slow the round trips get
 * (a loaded host), so that the writers queued for the lock (serve, other
 * ingests, agents; each waits at most ~5 s) get their turns. */
#define RECV_BATCH_PG 200
#define RECV_HOLD_PG_US 250000

/* ---- standard output ------------------------------------------------ */

/* Prints one event (a line of JSON); shared by every mode (serve sets
 * stdout line-buffered and flushes after each group). */
static int
emit_line(const char *line, size_t len, void *ctx)
{
	struct recv_cmd *o = ctx;

	if (o->out_failed)
		return -1;
	if (fwrite(line, 1, len, stdout) != len || putchar('\n') == EOF) {
		o->out_failed = 1;
		o->out_errno = errno;
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

static int
flush_out(void *ctx)
{
	struct recv_cmd *o = ctx;

	if (!o->out_failed && fflush(stdout) == EOF) {
		o->out_failed = 1;
		o->out_errno = errno;
	}
	return o->out_failed ? -1 : 0;
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

int
recv_cmd_finish(struct recv_cmd *o, int status)
{
	if (!o->out_failed && (fflush(stdout) == EOF || ferror(stdout))) {
		o->out_failed = 1;
		o->out_errno = errno;
	}
	/* the drivers stop with 74 when the output fails */
	if (o->out_failed)
		status = wa_output_failed(status == WA_EX_IOERR ? 0 : status,
					  o->out_errno);
	return status;
}

/* The events of a run go to stdout, their errors to stderr too. */
static struct ingest_sink
sink_of(struct recv_cmd *o)
{
	struct ingest_sink s = { emit_line, emit_warn, o };

	return s;
}

/* flags: 0 where the command sets a desk up (ingest), else
 * STORE_MUST_EXIST or STORE_READ. */
static int
open_store(struct recv_cmd *o, unsigned flags, struct store **st,
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

/* ---- files, replay, events ----------------------------------------- */

int
recv_cmd_files(struct recv_cmd *o, char **files, int n)
{
	struct recv_batch b = { 0 };
	struct wa_config cfg;
	struct wa_err err;
	int rc;

	/* Every input is checked before anything is stored: a typo in the
	 * third name must not leave the first two half done (66). */
	if (jsonl_files_check(n, files, &err) < 0) {
		wa_warn(&err, 0);
		return err.sysexit;
	}
	if ((rc = open_store(o, 0, &b.st, &b.in)))
		return rc;
	config_load(&cfg, o->cli.db, &err);	/* open_store checked it */
	b.db_path = cfg.db_path;
	b.limit = store_engine(b.st) == SQL_PG ? RECV_BATCH_PG : RECV_BATCH;
	b.hold_us = store_engine(b.st) == SQL_PG ? RECV_HOLD_PG_US : 0;
	b.sink = sink_of(o);
	b.flush = flush_out;
	b.warn = warn_line;
	b.ctx = o;
	ingest_defer_text(b.in, 1);
	rc = recv_files(&b, files, n);
	ingest_free(b.in);
	store_close(b.st);
	config_release(&cfg);
	return rc;
}

int
recv_cmd_replay(struct recv_cmd *o)
{
	struct ingest_sink sink = sink_of(o);
	struct store *st;
	struct ingest_replay_stats stats;
	struct ingest *in;
	struct wa_err err;
	int rc;

	if ((rc = open_store(o, STORE_MUST_EXIST, &st, &in)))
		return rc;
	wa_err_clear(&err);
	if (o->channel) {	/* a channel the desk never had: 78 */
		struct channel ch;

		rc = channel_get(st, o->channel, &ch, &err);
		if (rc == 1)
			wa_err_set(&err, WA_EX_CONFIG, "not_connected",
				   "unknown channel '%s' (see 'wa-connect "
				   "list')", o->channel);
		if (rc != 0)
			return close_store(st, in, -1, &err);
	}
	rc = ingest_replay(in, o->since, o->channel, &sink, &stats, &err);
	return close_store(st, in, rc, &err);
}

/* The event log from a sequence number on: what a consumer that missed
 * events (a crash, a stalled pipe) reads to catch up. */
int
recv_cmd_events(struct recv_cmd *o)
{
	struct ingest_sink sink = sink_of(o);
	struct store *st;
	struct ingest *in;
	struct wa_err err;
	int rc;

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
serve_wait(struct recv_cmd *o, struct recv_serve *rs)
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
serve_run(struct recv_cmd *o, const char *db_path, struct store *st,
	  struct ingest *in)
{
	struct recv_serve_cb cb = {
		{ emit_line, emit_warn, o }, 0, flush_out, warn_err, o
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
	return o->out_failed ? WA_EX_IOERR : 0;
}

int
recv_cmd_serve(struct recv_cmd *o)
{
	struct store *st;
	struct ingest *in;
	struct wa_config cfg;
	struct wa_err err;
	int rc;

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

int
recv_cmd_media(struct recv_cmd *o)
{
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
	if (out_finish(&out) < 0 && !o->out_failed) {
		o->out_failed = 1;
		o->out_errno = out.error;
	}
	graph_close(g);
	store_close(st);
	config_release(&cfg);
	return rc;
}
