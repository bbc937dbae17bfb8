/* SPDX-License-Identifier: MIT */
/* wa-view audit: its own options, parsed apart from the desk's (audit_cli.c). */
#ifndef WA_AUDIT_CLI_H
#define WA_AUDIT_CLI_H

/* 1 when the command on argv (wa-view's) is "audit". */
int audit_cli_wants(int argc, char **argv);

/* Runs "wa-view ... audit ..."; the exit status. */
int audit_cli_main(int argc, char **argv);

#endif
