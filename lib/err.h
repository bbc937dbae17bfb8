/* SPDX-License-Identifier: MIT */
/* Errors: struct wa_err, the SPEC's stable codes and exit statuses. */
#ifndef WA_ERR_H
#define WA_ERR_H

#include <jv.h>

/* Exit statuses (SPEC §2, sysexits). */
enum wa_exit {
	WA_EX_OK = 0,
	WA_EX_REJECTED = 1,	/* some records rejected */
	WA_EX_USAGE = 64,
	WA_EX_DATAERR = 65,
	WA_EX_NOINPUT = 66,	/* an input file cannot be read */
	WA_EX_UNAVAILABLE = 69,	/* Graph API unavailable after retries */
	WA_EX_CANTCREAT = 73,	/* an output file cannot be made */
	WA_EX_IOERR = 74,
	WA_EX_TEMPFAIL = 75,	/* rate limited, database busy */
	WA_EX_NOPERM = 77,	/* bad token, bad signature */
	WA_EX_CONFIG = 78	/* configuration missing */
};

struct wa_err {
	char code[32];		/* SPEC stable code, "" when clear */
	char message[512];	/* human text, never a secret */
	long graph_code;	/* Meta's error.code, 0 when none */
	long graph_subcode;	/* Meta's error_subcode, 0 when none */
	long http_status;	/* HTTP status, 0 when none */
	int retry;		/* 1 when the same request may succeed later */
	int sysexit;		/* exit status this error implies */
	const char *action;	/* retry|use_template|fix_input|admin|never */
};

/* Clears err to "no error". */
void wa_err_clear(struct wa_err *err);

/* Fills err with code, sysexit and a formatted message; returns -1 so
 * callers can `return wa_err_set(...)`. action is derived from code. */
int wa_err_set(struct wa_err *err, int sysexit, const char *code,
	       const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Prefixes the message with "what: " (keeps code and status). */
void wa_err_prefix(struct wa_err *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The default action for a stable code (never NULL). */
const char *wa_err_default_action(const char *code);

/* Prints "prog: [line N: ]code: message" to stderr; line <= 0 omits it. */
void wa_warn(const struct wa_err *err, long line);

/* For a result record with "ok":false (borrowed): prints its error like
 * wa_warn, with its "line". Other records print nothing. */
void wa_warn_result(jv rec);

/* Prints "prog: code: message" (code may be NULL) and exits sysexit. */
void wa_die(int sysexit, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4), noreturn));

/* The exit status of a run whose standard output failed (errnum the
 * write's errno, 0 when not known), status being the run's own. A fatal
 * status (64 and up, already reported) stays. A closed pipe (`| head`)
 * ends the process quietly, as SIGPIPE would (the tools that ignore
 * SIGPIPE to commit first raise it now: 141 in the shell), never as an
 * I/O error; any other failure prints "prog: io: cannot write output:
 * reason" and gives 74. */
int wa_output_failed(int status, int errnum);

/* Prints "prog: warning: message". */
void wa_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Returns owned {"code","message"[,"graph_code"]}. */
jv wa_err_json(const struct wa_err *err);

/* Returns an owned result record {"ok":false,"error":{...},"action":...,
 * [join keys,] "input":input,"line":line}; consumes input (jv_invalid()
 * to omit); the join keys (thread_id, ticket_id, wa_id, channel, wamid)
 * found in input are copied to the top, ids as strings; line <= 0 omits
 * "line". */
jv wa_err_result(const struct wa_err *err, jv input, long line);

/* The worse of two exit statuses: fatal beats 1 beats 0. */
int wa_exit_merge(int a, int b);

#endif
