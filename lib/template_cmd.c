/* SPDX-License-Identifier: MIT */
/* wa-template's commands on the options cmd/wa-template.c parsed: sync, list, show, delete, set, send, the files. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "template_cmd.h"
#include "template.h"
#include "agents.h"
#include "jsonl.h"
#include "jsonl_files.h"
#include "sender.h"
#include "util.h"

extern char *program_invocation_short_name;

void
template_cmd_flag(struct template_cmd *tc, const char *key, const char *arg)
{
	tc->flags = jv_object_set(tc->flags, jv_string(key), jv_string(arg));
}

/* Prints a fatal err and exits with its status. */
void
template_cmd_die(const struct wa_err *err)
{
	fflush(stdout);
	wa_warn(err, 0);
	exit(err->sysexit > 1 ? err->sysexit : WA_EX_USAGE);
}

/* Reports a per-input failure (stderr and a result record); fatal ones
 * end the run. Returns the exit status to merge. */
static int
report(struct out *o, const struct wa_err *err, jv input, long line)
{
	wa_warn(err, line);
	out_record(o, wa_err_result(err, input, line));
	if (err->sysexit > 1) {
		out_finish(o);
		exit(err->sysexit);
	}
	return WA_EX_REJECTED;
}

/* --waba, else the WABAs with a connected channel (owned array). */
static jv
wabas(struct template_cmd *tc, int need_one)
{
	struct wa_err err;
	jv list;

	if (template_wabas_for(tc->st, tc->opt_waba, need_one, &list,
			       &err) < 0) {
		if (err.sysexit == WA_EX_USAGE)
			cli_usage_error(tc->cli, "%s", err.message);
		template_cmd_die(&err);
	}
	return list;
}

/* The one WABA a command works on (owned). */
char *
template_cmd_one_waba(struct template_cmd *tc)
{
	jv list = wabas(tc, 1), w = jv_array_get(jv_copy(list), 0);
	char *id = xstrdup(jv_string_value(w));

	jv_free(w);
	jv_free(list);
	return id;
}

int
template_cmd_sync(struct template_cmd *tc)
{
	jv list = wabas(tc, 0), rec;
	struct wa_err err;
	int status = 0;

	jv_array_foreach(list, i, w) {
		if (template_sync(tc->st, tc->g, jv_string_value(w), wa_now(),
				  &rec, &err) == 0)
			out_record(&tc->o, rec);
		else
			status = report(&tc->o, &err, JV_OBJECT(
				jv_string("waba_id"), jv_copy(w)), 0);
		(void)i;
		jv_free(w);
	}
	jv_free(list);
	return status;
}

int
template_cmd_list(struct template_cmd *tc)
{
	int full = tc->n > 0;
	struct wa_err err;
	jv list;
	int rc;

	rc = full ? template_show(tc->st, tc->opt_waba, tc->ops[0],
				  tc->opt_language, &list, &err) :
		template_list(tc->st, tc->opt_waba, NULL, tc->opt_language,
			      tc->opt_status, tc->opt_category, &list, &err);
	if (rc < 0 && err.sysexit > 1)
		template_cmd_die(&err);
	jv_array_foreach(list, i, t) {
		out_record(&tc->o, template_json(t, full));
		(void)i;
	}
	jv_free(list);
	if (rc < 0)
		report(&tc->o, &err, jv_invalid(), 0);
	return rc < 0;
}

int
template_cmd_delete(struct template_cmd *tc)
{
	struct wa_err err;
	jv res;

	if (template_remove(tc->st, tc->g, tc->waba, tc->ops[0],
			    tc->opt_language, &res, &err) == 0) {
		out_record(&tc->o, res);
		return 0;
	}
	return report(&tc->o, &err, JV_OBJECT(jv_string("name"),
		      jv_string(tc->ops[0])), 0);
}

/* set: stores what was given, then prints the settings. */
int
template_cmd_set(struct template_cmd *tc)
{
	struct wa_err err;
	int on;

	if (tc->opt_marketing >= 0 &&
	    template_marketing_set(tc->st, tc->opt_marketing, &err) < 0)
		template_cmd_die(&err);
	if (template_marketing_get(tc->st, &on, &err) < 0)
		template_cmd_die(&err);
	out_record(&tc->o, tc->opt_marketing >= 0 ?
		   JV_OBJECT(jv_string("ok"), jv_true(),
			     jv_string("marketing_messages"), jv_bool(on)) :
		   JV_OBJECT(jv_string("marketing_messages"), jv_bool(on)));
	return 0;
}

static int
emit_result(jv rec, void *ctx)
{
	struct template_cmd *tc = ctx;

	wa_warn_result(rec);
	out_record(&tc->o, rec);
	return tc->o.failed || fflush(stdout) == EOF ? -1 : 0;
}

int
template_cmd_send(struct template_cmd *tc)
{
	static const char *const header_keys[] = { "header_image", NULL };
	struct sender_opts so;
	struct wa_err err;
	int status, nops = tc->n;
	char **ops = tc->ops;

	if (nops > 0 && strcmp(ops[0], "-") != 0)
		template_cmd_flag(tc, "template", ops[0]);
	if (tc->opt_language)
		template_cmd_flag(tc, "language", tc->opt_language);
	if (tc->opt_channel)
		template_cmd_flag(tc, "channel", tc->opt_channel);
	if (tc->opt_flag_target && nops != 1)
		cli_usage_error(tc->cli, nops ? "--to/--thread send one "
				"message: no FILE" : "send: NAME is needed");
	/* a header image named here is an input file: 66 when missing */
	if (jsonl_paths_check(tc->flags, header_keys, &err) < 0)
		template_cmd_die(&err);
	sender_opts_default(&so);
	so.rate = tc->opt_rate;
	so.dry_run = tc->opt_dry_run;
	so.channel = tc->opt_channel;
	so.agent = tc->opt_as ? tc->opt_as : tc->cfg.user;
	/* once agents exist, only agents send */
	if (agents_actor_check(tc->st, so.agent, tc->opt_as != NULL, &err) < 0)
		template_cmd_die(&err);
	if (template_send_files(tc->st, &tc->cfg, &so, tc->flags,
				tc->opt_flag_target ? -1 :
				nops > 0 ? nops - 1 : 0, ops + 1,
				emit_result, tc, &status, &err) < 0)
		template_cmd_die(&err);
	return status;
}

/* ---- create, and templates as files ---- */

/* A record of the directory commands: error ones also on stderr, as
 * "FILE:LINE: code: message" when a line of a file is at fault. */
static void
emit_file(jv rec, void *ctx)
{
	struct template_cmd *tc = ctx;
	const char *file = jx_cstr(rec, "file");
	jv e = jx_get(rec, "error");
	int64_t line = 0;

	if (jv_get_kind(e) == JV_KIND_OBJECT) {
		if (file && jx_intish(rec, "line", &line) == 1)
			fprintf(stderr, "%s: %s:%lld: %s: %s\n",
				program_invocation_short_name, file,
				(long long)line, jx_cstr(e, "code"),
				jx_cstr(e, "message"));
		else
			wa_warn_result(rec);
	}
	jv_free(e);
	out_record(&tc->o, rec);
}

/* create and the directory commands: the lib's run of them; a fatal
 * error has its record already. */
int
template_cmd_files(struct template_cmd *tc,
		   int (*fn)(const struct template_files_run *, int *,
			     struct wa_err *))
{
	struct template_files_run r = {
		tc->st, tc->g, tc->waba, tc->n, tc->ops, tc->opt_prune,
		tc->opt_dry_run, wa_now(), emit_file, tc
	};
	struct wa_err err;
	int status = 0;

	if (fn(&r, &status, &err) < 0) {
		out_finish(&tc->o);
		exit(err.sysexit > 1 ? err.sysexit : WA_EX_IOERR);
	}
	return status;
}
