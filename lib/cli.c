/* SPDX-License-Identifier: MIT */
/* Options shared by every tool, and getopt_long with options after operands. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "err.h"
#include "util.h"

extern char *program_invocation_short_name;

void
cli_usage_error(const struct cli *cli, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: usage: ", program_invocation_short_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s --help' for more information.\n",
		program_invocation_short_name);
	exit(WA_EX_USAGE);
}

int
cli_common(struct cli *cli, int opt, const char *arg)
{
	switch (opt) {
	case 'h':
		fputs(cli->usage, stdout);
		exit(fflush(stdout) == EOF ? WA_EX_IOERR : 0);
	case CLI_OPT_VERSION:
		printf("%s %s\n", program_invocation_short_name, WA_VERSION);
		exit(fflush(stdout) == EOF ? WA_EX_IOERR : 0);
	case CLI_OPT_DB:
		cli->db = arg;
		return 1;
	case CLI_OPT_JSON:
		cli->out = OUT_JSON;
		return 1;
	case CLI_OPT_TABLE:
		cli->out = OUT_TABLE;
		return 1;
	case '?':
		/* getopt_long already named the bad option. */
		fprintf(stderr, "Try '%s --help' for more information.\n",
			program_invocation_short_name);
		exit(WA_EX_USAGE);
	case ':':
		cli_usage_error(cli, "option needs an argument");
	default:
		return 0;
	}
}

int
cli_parse(struct cli *cli, int argc, char **argv, const char *shortopts,
	  const struct option *longopts,
	  void (*handle)(int opt, const char *arg, void *ctx), void *ctx)
{
	char sopts[128];
	int opt;

	/* Leading '-' is not used: GNU permutation lets options follow
	 * operands; "--" ends options. */
	snprintf(sopts, sizeof(sopts), "h%s", shortopts ? shortopts : "");
	optind = 1;
	opterr = 1;
	while ((opt = getopt_long(argc, argv, sopts, longopts, NULL)) != -1) {
		if (cli_common(cli, opt, optarg))
			continue;
		if (handle)
			handle(opt, optarg, ctx);
		else
			cli_usage_error(cli, "unexpected option");
	}
	return optind;
}

long long
cli_thread_arg(const struct cli *cli, const char *arg)
{
	long long v;

	if (parse_int(arg, 1, INT64_MAX, &v) < 0)
		cli_usage_error(cli, "--thread: '%s' is not a thread id", arg);
	return v;
}
