/* SPDX-License-Identifier: MIT */
/* Options shared by every tool: -h/--help, --version, --db, --json, --table. */
#ifndef WA_CLI_H
#define WA_CLI_H

#include <getopt.h>

enum cli_opt {
	CLI_OPT_VERSION = 0x1000,
	CLI_OPT_DB,
	CLI_OPT_JSON,
	CLI_OPT_TABLE,
	CLI_OPT_FIRST_FREE = 0x1100	/* tools number their long-only opts from here */
};

#define CLI_COMMON_OPTIONS \
	{ "help", no_argument, NULL, 'h' }, \
	{ "version", no_argument, NULL, CLI_OPT_VERSION }, \
	{ "db", required_argument, NULL, CLI_OPT_DB }, \
	{ "json", no_argument, NULL, CLI_OPT_JSON }, \
	{ "table", no_argument, NULL, CLI_OPT_TABLE }

enum out_mode { OUT_AUTO = 0, OUT_JSON, OUT_TABLE };

struct cli {
	const char *usage;	/* the SYNOPSIS text printed by --help */
	const char *db;		/* --db value or NULL */
	enum out_mode out;	/* from --json / --table */
};

/* Handles a common option returned by getopt_long: prints the synopsis
 * and exits 0 for -h, prints the version and exits 0 for --version, is a
 * usage error (exit 64) for '?' or ':'. Returns 1 when opt was handled, 0
 * when not. */
int cli_common(struct cli *cli, int opt, const char *arg);

/* Prints "prog: usage: message" and "Try 'prog --help' ..." to stderr,
 * then exits 64: the synopsis only with --help. */
void cli_usage_error(const struct cli *cli, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));

/* --thread N of the sending tools: the thread id, else a usage error. */
long long cli_thread_arg(const struct cli *cli, const char *arg);

/* Runs getopt_long over argv (options may follow operands); calls
 * handle(opt, optarg, ctx) for every tool option, cli_common for the
 * shared ones. Afterwards argv[optind..argc) are the operands. */
int cli_parse(struct cli *cli, int argc, char **argv, const char *shortopts,
	      const struct option *longopts,
	      void (*handle)(int opt, const char *arg, void *ctx), void *ctx);

#endif
