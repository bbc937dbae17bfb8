/* SPDX-License-Identifier: MIT */
/* struct wa_err, stderr diagnostics in the SPEC's format, result records. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "err.h"

extern char *program_invocation_short_name;

void
wa_err_clear(struct wa_err *err)
{
	memset(err, 0, sizeof(*err));
}

static const struct {
	const char *code;
	const char *action;
} actions[] = {
	{ "rate_limited", "retry" },
	{ "network", "retry" },
	{ "busy", "retry" },
	{ "window_closed", "use_template" },
	{ "auth", "admin" },
	{ "config", "admin" },
	{ "io", "admin" },
	{ "not_connected", "admin" },
	{ "not_admin", "admin" },
	{ "limit_reached", "admin" },
	{ "quota_exhausted", "admin" },
	{ "daily_limit", "retry" },
	{ "ambiguous", "never" },
	{ "duplicate", "never" },
	{ "already_connected", "never" },
	{ "audit_broken", "admin" },
};

const char *
wa_err_default_action(const char *code)
{
	size_t i;

	for (i = 0; i < sizeof(actions) / sizeof(actions[0]); i++)
		if (strcmp(actions[i].code, code) == 0)
			return actions[i].action;
	return "fix_input";
}

int
wa_err_set(struct wa_err *err, int sysexit, const char *code,
	   const char *fmt, ...)
{
	va_list ap;

	wa_err_clear(err);
	snprintf(err->code, sizeof(err->code), "%s", code);
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	err->sysexit = sysexit;
	err->action = wa_err_default_action(code);
	err->retry = strcmp(err->action, "retry") == 0;
	return -1;
}

void
wa_err_prefix(struct wa_err *err, const char *fmt, ...)
{
	char pre[256];
	size_t n, old = strlen(err->message);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(pre, sizeof(pre), fmt, ap);
	va_end(ap);
	n = strlen(pre) + 2;
	if (n >= sizeof(err->message))
		return;
	if (old + n >= sizeof(err->message))
		old = sizeof(err->message) - n - 1;
	memmove(err->message + n, err->message, old);
	err->message[n + old] = '\0';
	memcpy(err->message, pre, n - 2);
	memcpy(err->message + n - 2, ": ", 2);
}

void
wa_warn(const struct wa_err *err, long line)
{
	if (line > 0)
		fprintf(stderr, "%s: line %ld: %s: %s\n",
			program_invocation_short_name, line,
			err->code[0] ? err->code : "error", err->message);
	else
		fprintf(stderr, "%s: %s: %s\n", program_invocation_short_name,
			err->code[0] ? err->code : "error", err->message);
}

void
wa_die(int sysexit, const char *code, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	if (code)
		fprintf(stderr, "%s: %s: ", program_invocation_short_name,
			code);
	else
		fprintf(stderr, "%s: ", program_invocation_short_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(sysexit);
}

/* 1 when fd is a pipe or socket whose reader has gone. */
static int
reader_gone(int fd)
{
	struct pollfd p = { fd, POLLOUT, 0 };
	struct stat sb;

	if (fstat(fd, &sb) < 0 || !(S_ISFIFO(sb.st_mode) ||
				     S_ISSOCK(sb.st_mode)))
		return 0;
	return poll(&p, 1, 0) == 1 && (p.revents & (POLLERR | POLLHUP));
}

int
wa_output_failed(int status, int errnum)
{
	if (status >= WA_EX_USAGE)
		return status;
	if (reader_gone(STDOUT_FILENO)) {
		signal(SIGPIPE, SIG_DFL);
		raise(SIGPIPE);
		_exit(128 + SIGPIPE);
	}
	fprintf(stderr, "%s: io: cannot write output%s%s\n",
		program_invocation_short_name, errnum ? ": " : "",
		errnum ? strerror(errnum) : "");
	return WA_EX_IOERR;
}

void
wa_warnx(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: warning: ", program_invocation_short_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

jv
wa_err_json(const struct wa_err *err)
{
	jv o = JV_OBJECT(jv_string("code"),
			 jv_string(err->code[0] ? err->code : "error"),
			 jv_string("message"), jv_string(err->message));

	if (err->graph_code)
		o = jv_object_set(o, jv_string("graph_code"),
				  jv_number(err->graph_code));
	if (err->graph_subcode)
		o = jv_object_set(o, jv_string("graph_subcode"),
				  jv_number(err->graph_subcode));
	return o;
}

jv
wa_err_result(const struct wa_err *err, jv input, long line)
{
	jv r = JV_OBJECT(jv_string("ok"), jv_false(),
			 jv_string("error"), wa_err_json(err));

	static const char *const keys[] = { "thread_id", "ticket_id", "wa_id",
					    "channel", "wamid" };
	size_t i;

	r = jv_object_set(r, jv_string("action"),
			  jv_string(err->action ? err->action :
				    wa_err_default_action(err->code)));
	/* SPEC 2: a record carries the join keys the next tool needs; an
	 * error record names them at the top as well as inside its input */
	for (i = 0; jv_get_kind(input) == JV_KIND_OBJECT &&
		    i < sizeof(keys) / sizeof(keys[0]); i++) {
		jv v = jv_object_get(jv_copy(input), jv_string(keys[i]));

		if (jv_get_kind(v) == JV_KIND_STRING)
			r = jv_object_set(r, jv_string(keys[i]), v);
		else if (jv_get_kind(v) == JV_KIND_NUMBER && jv_is_integer(v)) {
			char buf[32];

			snprintf(buf, sizeof(buf), "%.0f", jv_number_value(v));
			jv_free(v);
			r = jv_object_set(r, jv_string(keys[i]), jv_string(buf));
		} else {
			jv_free(v);
		}
	}
	if (jv_is_valid(input))
		r = jv_object_set(r, jv_string("input"), input);
	else
		jv_free(input);
	if (line > 0)
		r = jv_object_set(r, jv_string("line"), jv_number(line));
	return r;
}

static int
exit_rank(int status)
{
	if (status == 0)
		return 0;
	if (status == 1)
		return 1;
	return 2;
}

int
wa_exit_merge(int a, int b)
{
	return exit_rank(b) > exit_rank(a) ? b : a;
}

void
wa_warn_result(jv rec)
{
	struct wa_err e;
	jv error = jv_get_kind(rec) == JV_KIND_OBJECT ?
		   jv_object_get(jv_copy(rec), jv_string("error")) :
		   jv_invalid();
	jv code = jv_get_kind(error) == JV_KIND_OBJECT ?
		  jv_object_get(jv_copy(error), jv_string("code")) :
		  jv_invalid();
	jv msg = jv_get_kind(error) == JV_KIND_OBJECT ?
		 jv_object_get(jv_copy(error), jv_string("message")) :
		 jv_invalid();
	jv line = jv_get_kind(rec) == JV_KIND_OBJECT ?
		  jv_object_get(jv_copy(rec), jv_string("line")) :
		  jv_invalid();

	if (jv_get_kind(code) == JV_KIND_STRING) {
		wa_err_clear(&e);
		snprintf(e.code, sizeof(e.code), "%s", jv_string_value(code));
		snprintf(e.message, sizeof(e.message), "%s",
			 jv_get_kind(msg) == JV_KIND_STRING ?
			 jv_string_value(msg) : "");
		wa_warn(&e, jv_get_kind(line) == JV_KIND_NUMBER ?
			(long)jv_number_value(line) : 0);
	}
	jv_free(error);
	jv_free(code);
	jv_free(msg);
	jv_free(line);
}
