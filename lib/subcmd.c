/* SPDX-License-Identifier: MIT */
/* Subcommands: the options each takes and needs, its operands, flag-named usage errors. */
#include <stdio.h>
#include <string.h>
#include "subcmd.h"

const char *
subcmd_opt_name(const struct option *longopts, int o)
{
	const struct option *p;

	for (p = longopts; p->name; p++)
		if (p->val == o)
			return p->name;
	return "?";
}

void
subcmd_opt_seen(const struct cli *cli, const struct option *longopts,
		unsigned *set, int o, unsigned repeat)
{
	if ((*set & SUBCMD_BIT(o)) && !(repeat & SUBCMD_BIT(o)))
		cli_usage_error(cli, "option '--%s' given twice",
				subcmd_opt_name(longopts, o));
	*set |= SUBCMD_BIT(o);
}

const void *
subcmd_find(const struct cli *cli, const struct option *longopts,
	    const void *table, size_t n, size_t size, unsigned set,
	    int argc, char **argv, int first)
{
	const struct subcmd *sc = NULL, *p;
	size_t i;
	int o;

	if (first >= argc)
		cli_usage_error(cli, "missing command");
	for (i = 0; i < n; i++) {
		p = (const void *)((const char *)table + i * size);
		if (strcmp(argv[first], p->name) == 0)
			sc = p;
	}
	if (!sc)
		cli_usage_error(cli, "unknown command '%s'", argv[first]);
	for (o = CLI_OPT_FIRST_FREE; o < CLI_OPT_FIRST_FREE + 32; o++)
		if ((set & SUBCMD_BIT(o)) && !(sc->opts & SUBCMD_BIT(o)))
			cli_usage_error(cli, "'%s' takes no option '--%s'",
					sc->name, subcmd_opt_name(longopts, o));
	if (argc - first - 1 != sc->operands) {
		if (sc->operands)
			cli_usage_error(cli, "'%s' needs %s", sc->name,
					sc->operand);
		cli_usage_error(cli, "'%s' takes no operands", sc->name);
	}
	if ((set & sc->need) != sc->need)
		cli_usage_error(cli, "%s needs %s", sc->name, sc->needs);
	return sc;
}

void
subcmd_usage_err(const struct cli *cli, const struct wa_err *err)
{
	char flag[64];
	size_t n = strcspn(err->message, ":"), i;

	if (err->sysexit != WA_EX_USAGE)
		return;
	if (n > 16 || strspn(err->message, "abcdefghijklmnopqrstuvwxyz ") < n)
		cli_usage_error(cli, "%s", err->message);
	snprintf(flag, sizeof(flag), "%.*s", (int)(n < 60 ? n : 60),
		 err->message);
	for (i = 0; flag[i]; i++)
		if (flag[i] == ' ')
			flag[i] = '-';
	cli_usage_error(cli, "--%s%s", flag, err->message + n);
}
