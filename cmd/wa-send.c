/* SPDX-License-Identifier: MIT */
/* wa-send: free-form WhatsApp messages from records or flags, inside the 24-hour window. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "wa.h"
#include "sender.h"
#include "agents.h"
#include "jsonl_files.h"

static const char usage[] =
"usage: wa-send [options] [FILE ...]\n"
"       wa-send --to N | --thread N [--channel ID] content [--reply-to WAMID]\n"
"               [--idempotency-key K] [--rate N] [--sequential] [--dry-run]\n"
"       wa-send --mark-read WAMID [--typing] [--channel ID] [--dry-run]\n"
"content is one of:\n"
"       --text T [--preview-url]\n"
"       --image F|URL [--caption T]      --video F|URL [--caption T]\n"
"       --audio F|URL                    --voice F\n"
"       --document F|URL [--filename N] [--caption T]\n"
"       --sticker F|URL                  --contacts FILE.json\n"
"       --location LAT,LON [--name N] [--address A]\n"
"       --reaction EMOJI --reply-to WAMID\n"
"common: [--as USER] [--db PATH] [--json | --table] [-h | --help] [--version]\n";

enum {
	OPT_TO = CLI_OPT_FIRST_FREE, OPT_THREAD, OPT_CHANNEL, OPT_TEXT,
	OPT_PREVIEW, OPT_IMAGE, OPT_CAPTION, OPT_DOCUMENT, OPT_FILENAME,
	OPT_AUDIO, OPT_VOICE, OPT_VIDEO, OPT_STICKER, OPT_LOCATION, OPT_NAME,
	OPT_ADDRESS, OPT_CONTACTS, OPT_REACTION, OPT_REPLY_TO, OPT_MARK_READ,
	OPT_TYPING, OPT_IDEM, OPT_RATE, OPT_DRY_RUN, OPT_SEQUENTIAL, OPT_AS
};

static const struct option longopts[] = {
	CLI_COMMON_OPTIONS,
	{ "to", required_argument, NULL, OPT_TO },
	{ "thread", required_argument, NULL, OPT_THREAD },
	{ "channel", required_argument, NULL, OPT_CHANNEL },
	{ "text", required_argument, NULL, OPT_TEXT },
	{ "preview-url", no_argument, NULL, OPT_PREVIEW },
	{ "image", required_argument, NULL, OPT_IMAGE },
	{ "caption", required_argument, NULL, OPT_CAPTION },
	{ "document", required_argument, NULL, OPT_DOCUMENT },
	{ "filename", required_argument, NULL, OPT_FILENAME },
	{ "audio", required_argument, NULL, OPT_AUDIO },
	{ "voice", required_argument, NULL, OPT_VOICE },
	{ "video", required_argument, NULL, OPT_VIDEO },
	{ "sticker", required_argument, NULL, OPT_STICKER },
	{ "location", required_argument, NULL, OPT_LOCATION },
	{ "name", required_argument, NULL, OPT_NAME },
	{ "address", required_argument, NULL, OPT_ADDRESS },
	{ "contacts", required_argument, NULL, OPT_CONTACTS },
	{ "reaction", required_argument, NULL, OPT_REACTION },
	{ "reply-to", required_argument, NULL, OPT_REPLY_TO },
	{ "mark-read", required_argument, NULL, OPT_MARK_READ },
	{ "typing", no_argument, NULL, OPT_TYPING },
	{ "idempotency-key", required_argument, NULL, OPT_IDEM },
	{ "rate", required_argument, NULL, OPT_RATE },
	{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
	{ "sequential", no_argument, NULL, OPT_SEQUENTIAL },
	{ "as", required_argument, NULL, OPT_AS },
	{ NULL, 0, NULL, 0 }
};

/* Flag name -> record key, for the options that are plain strings. */
static const struct {
	int opt;
	const char *key;
	int content;		/* a content option: at most one */
} keymap[] = {
	{ OPT_TO, "to", 0 }, { OPT_THREAD, "thread_id", 0 },
	{ OPT_TEXT, "text", 1 }, { OPT_IMAGE, "image", 1 },
	{ OPT_CAPTION, "caption", 0 }, { OPT_DOCUMENT, "document", 1 },
	{ OPT_FILENAME, "filename", 0 }, { OPT_AUDIO, "audio", 1 },
	{ OPT_VOICE, "voice", 1 }, { OPT_VIDEO, "video", 1 },
	{ OPT_STICKER, "sticker", 1 }, { OPT_LOCATION, "location", 1 },
	{ OPT_NAME, "name", 0 }, { OPT_ADDRESS, "address", 0 },
	{ OPT_REACTION, "reaction", 1 }, { OPT_REPLY_TO, "reply_to", 0 },
	{ OPT_MARK_READ, "mark_read", 1 }, { OPT_IDEM, "idempotency_key", 0 },
};

struct opts {
	struct cli cli;
	jv flags;		/* the flags as a record */
	int ncontent;		/* content options given */
	struct sender_opts so;
	const char *channel;
	const char *as;		/* --as: who sends */
};

/* The flags that name a media file (or a URL). */
static const char *const media_keys[] = {
	"image", "document", "audio", "voice", "video", "sticker", NULL
};

static jv
read_contacts(struct opts *o, const char *file)
{
	FILE *fp = fopen(file, "r");
	struct strbuf sb = STRBUF_INIT;
	char buf[4096];
	size_t n;
	jv v;

	if (!fp)
		wa_die(WA_EX_NOINPUT, "invalid_input", "--contacts: cannot "
		       "open '%s': %s", file, strerror(errno));
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0 &&
	       sb.len < JSONL_MAX_RECORD)
		sb_add(&sb, buf, n);
	fclose(fp);
	v = jv_parse_sized(sb_str(&sb), (int)sb.len);
	sb_release(&sb);
	if (!jv_is_valid(v)) {
		jv_free(v);
		wa_die(WA_EX_DATAERR, "invalid_input", "--contacts: '%s' is "
		       "not JSON", file);
	}
	return v;
}

static void
on_opt(int opt, const char *arg, void *ctx)
{
	struct opts *o = ctx;
	long long n;
	size_t i;

	if (opt == OPT_THREAD)
		(void)cli_thread_arg(&o->cli, arg);
	for (i = 0; i < sizeof(keymap) / sizeof(keymap[0]); i++)
		if (keymap[i].opt == opt) {
			o->flags = jv_object_set(o->flags,
						 jv_string(keymap[i].key),
						 jv_string(arg));
			o->ncontent += keymap[i].content;
			return;
		}
	switch (opt) {
	case OPT_CHANNEL:
		o->channel = arg;
		o->flags = jv_object_set(o->flags, jv_string("channel"),
					 jv_string(arg));
		break;
	case OPT_PREVIEW:
		o->flags = jv_object_set(o->flags, jv_string("preview_url"),
					 jv_true());
		break;
	case OPT_TYPING:
		o->flags = jv_object_set(o->flags, jv_string("typing"),
					 jv_true());
		break;
	case OPT_CONTACTS:
		o->flags = jv_object_set(o->flags, jv_string("contacts"),
					 read_contacts(o, arg));
		o->ncontent++;
		break;
	case OPT_RATE:
		if (parse_int(arg, 1, 100000, &n) < 0)
			cli_usage_error(&o->cli, "--rate: want 1 to 100000, "
					"not '%s'", arg);
		o->so.rate = (int)n;
		break;
	case OPT_DRY_RUN:
		o->so.dry_run = 1;
		break;
	case OPT_SEQUENTIAL:
		o->so.sequential = 1;
		break;
	case OPT_AS:
		o->as = arg;
		break;
	default:
		cli_usage_error(&o->cli, "unknown option");
	}
}

/* Per-record failures also go to stderr in the SPEC's format. */
static void
warn_result(jv rec)
{
	struct wa_err e;
	const char *code, *msg;
	jv err = jx_get(rec, "error");
	int64_t line = 0;

	code = jx_cstr(err, "code");
	msg = jx_cstr(err, "message");
	if (code) {
		wa_err_clear(&e);
		snprintf(e.code, sizeof(e.code), "%s", code);
		snprintf(e.message, sizeof(e.message), "%s", msg ? msg : "");
		jx_intish(rec, "line", &line);
		wa_warn(&e, (long)line);
	}
	jv_free(err);
}

static int
emit(jv rec, void *ctx)
{
	struct out *out = ctx;

	warn_result(rec);
	out_record(out, rec);
	return out->failed ? -1 : 0;
}

struct feed_ctx {
	struct sender *s;
	jv flags;		/* borrowed */
	long good;		/* inputs that were JSON */
};

/* One input (jsonl_files_each) into the pipeline: -1 when the run must
 * stop (the fatal error is the sender's). */
static int
feed(jv rec, long line, const struct wa_err *bad, void *ctx)
{
	struct feed_ctx *c = ctx;
	struct wa_err err;
	jv msg;

	if (bad) {	/* a bad line, or a read error (fatal) */
		sender_reject(c->s, bad, jv_invalid(), line);
		return bad->sysexit > 1 ? -1 : 0;
	}
	c->good++;
	if (sender_msg_from_record(rec, c->flags, &msg, &err) < 0) {
		sender_reject(c->s, &err, rec, line);
		return 0;
	}
	return sender_submit(c->s, msg, rec, line, &err);
}

/* Returns 0, 65 when no input was JSON at all, or 66 for an input file
 * that cannot be read (checked before the first record is read). */
static int
run_files(struct sender *s, struct opts *o, int argc, char **argv)
{
	struct feed_ctx c = { .s = s };
	struct wa_err err;
	long line;

	/* --idempotency-key names one message, never a whole stream. */
	if (jv_object_has(jv_copy(o->flags), jv_string("idempotency_key")))
		o->flags = jv_object_delete(o->flags,
					    jv_string("idempotency_key"));
	c.flags = o->flags;
	if (jsonl_files_each(argc, argv, feed, &c, &line, &err) == -2) {
		wa_warn(&err, 0);
		return err.sysexit;
	}
	return jsonl_files_status(c.good, sender_status(s)) == WA_EX_DATAERR ?
	       WA_EX_DATAERR : 0;
}

/* Ids whole; a dry run shows each request as key: value lines. */
static const struct out_col cols[] = {
	{ "ok", "OK", 0 }, { "thread_id", "THREAD", 0 }, { "to", "TO", 0 },
	{ "conversation", "CONVERSATION", OUT_DROP(1) },
	{ "error.code", "ERROR", 0 },
	{ "error.message", "MESSAGE", 60 | OUT_TEXT },
	{ "wamid", "WAMID", OUT_DROP(2) }, { NULL, NULL, 0 }
};

int
main(int argc, char **argv)
{
	struct opts o = { { usage, NULL, OUT_AUTO }, jv_object(), 0, { 0 },
			  NULL, NULL };
	struct wa_config cfg;
	struct store *st;
	struct sender *s;
	struct wa_err err;
	struct out out;
	int first, status, rc = 0, single;

	graph_global_init();
	wa_err_clear(&err);
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	sender_opts_default(&o.so);
	first = cli_parse(&o.cli, argc, argv, "", longopts, on_opt, &o);
	if (o.ncontent > 1)
		cli_usage_error(&o.cli, "give one of --text, --image, --video, "
				"--audio, --voice, --document, --sticker, "
				"--location, --contacts, --reaction, "
				"--mark-read");
	single = first == argc &&
		 (jx_cstr(o.flags, "to") || jx_cstr(o.flags, "thread_id") ||
		  jx_cstr(o.flags, "mark_read"));
	if (single && o.ncontent == 0)
		cli_usage_error(&o.cli, "nothing to send: give a content "
				"option");
	/* a missing input is refused before any effect, not after the
	 * records of the files before it were sent; so is a media file
	 * named by a flag (66 in every tool) */
	if ((!single && jsonl_files_check(argc - first, argv + first,
					  &err) < 0) ||
	    jsonl_paths_check(o.flags, media_keys, &err) < 0)
		wa_die(err.sysexit, err.code, "%s", err.message);
	if (config_load(&cfg, o.cli.db, &err) < 0 ||
	    store_open_flags(&st, cfg.db_path, STORE_MUST_EXIST, &err) < 0)
		wa_die(err.sysexit, err.code, "%s", err.message);
	o.so.channel = o.channel;
	o.so.agent = o.as ? o.as : cfg.user;
	/* once agents exist, only agents send */
	if (agents_actor_check(st, o.so.agent, o.as != NULL, &err) < 0)
		wa_die(err.sysexit, err.code, "%s", err.message);
	out_init(&out, stdout, o.cli.out, o.so.dry_run ? NULL : cols);
	if (o.so.dry_run)
		out.style = OUT_STYLE_RECORD;
	if (sender_new(&s, st, &cfg, &o.so, emit, &out, &err) < 0)
		wa_die(err.sysexit, err.code, "%s", err.message);
	if (single) {
		jv msg, none = jv_object();

		rc = sender_msg_from_record(o.flags, none, &msg, &err);
		jv_free(none);
		if (rc < 0)
			sender_reject(s, &err, jv_copy(o.flags), 0);
		else
			sender_submit(s, msg, jv_copy(o.flags), 0, &err);
		rc = 0;
	} else {
		rc = run_files(s, &o, argc - first, argv + first);
	}
	sender_finish(s, &err);
	status = wa_exit_merge(sender_status(s), rc);
	sender_free(s);
	store_close(st);
	/* a failed output stopped the sender with 74 after the record of
	 * what was sent */
	if (out_finish(&out) < 0 || fflush(stdout) == EOF || ferror(stdout))
		status = wa_output_failed(status == WA_EX_IOERR ? 0 : status,
					  out.error);
	jv_free(o.flags);
	config_release(&cfg);
	graph_global_cleanup();
	return status;
}
