/* SPDX-License-Identifier: MIT */
/* wa-template create and send: each record of the input files, created at Meta or sent through the sender. */
#include "template_files.h"
#include "template.h"
#include "jsonl_files.h"
#include "sender.h"

struct create {
	const struct template_files_run *r;
	long good;		/* inputs that were JSON */
	int status;
	struct wa_err fatal;	/* the error that ended the run */
	int failed;		/* fatal is set */
};

/* An error record for one input (taken; may be invalid); a fatal error
 * stops the reading. */
static int
refuse(struct create *c, const struct wa_err *err, jv input, long line)
{
	c->r->emit(wa_err_result(err, input, line), c->r->ctx);
	c->status = WA_EX_REJECTED;
	if (err->sysexit <= 1)
		return 0;
	c->fatal = *err;
	c->failed = 1;
	return -1;
}

static int
create_one(jv rec, long line, const struct wa_err *bad, void *ctx)
{
	struct create *c = ctx;
	struct wa_err err;
	jv res;
	int rc = 0;

	if (bad)
		return refuse(c, bad, jv_invalid(), line);
	c->good++;
	if (template_create(c->r->st, c->r->g, c->r->waba, rec, c->r->now, &res,
			    &err) == 0)
		c->r->emit(res, c->r->ctx);
	else
		rc = refuse(c, &err, jv_copy(rec), line);
	jv_free(rec);
	return rc;
}

int
template_create_files(const struct template_files_run *r, int *status,
		      struct wa_err *err)
{
	struct create c = { r, 0, 0, { .code = "" }, 0 };
	long line;

	*status = 0;
	if (jsonl_files_each(r->n, r->ops, create_one, &c, &line, err) == -2) {
		r->emit(wa_err_result(err, jv_invalid(), 0), r->ctx);
		return -1;
	}
	if (c.failed) {
		*err = c.fatal;
		return -1;
	}
	*status = jsonl_files_status(c.good, c.status);
	return 0;
}

struct send {
	struct sender *s;
	struct store *st;
	jv flags;		/* borrowed */
	struct wa_err err;	/* the fatal one */
	long good;		/* inputs that were JSON */
};

/* One input: its checks and the shared pipeline. -1 when fatal. */
static int
send_one(jv rec, long line, const struct wa_err *bad, void *ctx)
{
	struct send *c = ctx;

	if (bad) {
		sender_reject(c->s, bad, jv_invalid(), line);
		return 0;
	}
	c->good++;
	/* from flags (line 0): the flags are the input */
	return template_submit(c->s, c->st, rec, c->flags, line ?
			       jv_copy(rec) : jv_copy(c->flags), line,
			       &c->err);
}

int
template_send_files(struct store *st, const struct wa_config *cfg,
		    const struct sender_opts *so, jv flags, int n,
		    char **files, sender_emit_fn emit, void *ctx,
		    int *status, struct wa_err *err)
{
	struct send c = { NULL, st, flags, { .code = "" }, 0 };
	struct wa_err ferr;
	long line;
	int rc, fin;

	*status = 0;
	if (sender_new(&c.s, st, cfg, so, emit, ctx, err) < 0)
		return -1;
	if (n < 0)
		rc = send_one(jv_object(), 0, NULL, &c);
	else
		rc = jsonl_files_each(n, files, send_one, &c, &line, &c.err);
	/* the sender's fatal error (a read error it answered in-band is
	 * one), else a fatal one before the sender (c.err) */
	fin = sender_finish(c.s, &ferr);
	if (fin < 0 || rc < 0)
		*err = fin < 0 ? ferr : c.err;
	else
		*status = n < 0 ? sender_status(c.s) :
			jsonl_files_status(c.good, sender_status(c.s));
	sender_free(c.s);
	return fin < 0 || rc < 0 ? -1 : 0;
}
