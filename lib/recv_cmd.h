/* SPDX-License-Identifier: MIT */
/* wa-recv's subcommands on the options cmd/wa-recv.c parsed (recv_cmd.c). */
#ifndef WA_RECV_CMD_H
#define WA_RECV_CMD_H

#include <stdint.h>
#include "cli.h"
#include "recv.h"

/* Like audit_cli.c this is the command-line side of lib/: the events go
 * to stdout, errors and the server's messages to stderr. Each run
 * returns the exit status; a failed write to stdout is kept in out_failed
 * for recv_cmd_finish. */

/* wa-recv's options and the state of its standard output. */
struct recv_cmd {
	struct cli cli;
	int64_t since;			/* replay */
	int64_t seq;			/* events --since */
	const char *channel;
	struct whserver_opts o;		/* serve */
	const char *port_file;
	const char *log;		/* serve: stderr appended to this file */
	long backlog;			/* serve: events held for stdout */
	int no_verify;
	int64_t thread;			/* media */
	long limit;
	int retry_failed;		/* media: the failed ones too */
	int out_failed;		/* a write to stdout failed (EPIPE...) */
	int out_errno;		/* why (set on the thread that wrote) */
};

/* Stores the deliveries of the n files (none: standard input). */
int recv_cmd_files(struct recv_cmd *o, char **files, int n);

/* replay [--since T] [--channel ID]: the events again from the store. */
int recv_cmd_replay(struct recv_cmd *o);

/* events [--since SEQ]: the event log from a sequence number on. */
int recv_cmd_events(struct recv_cmd *o);

/* serve: the HTTP server until SIGTERM or SIGINT (o->o checked). */
int recv_cmd_serve(struct recv_cmd *o);

/* media: fetches the media of --thread or the pending ones. */
int recv_cmd_media(struct recv_cmd *o);

/* The exit status once stdout is flushed: status, or the one a failed
 * output makes of it (74, or quiet like SIGPIPE). */
int recv_cmd_finish(struct recv_cmd *o, int status);

#endif
