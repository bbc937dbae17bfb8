/* SPDX-License-Identifier: MIT */
/* The records of a tool's FILE operands (stdin when none, "-" for stdin), one after another. */
#ifndef WA_JSONL_FILES_H
#define WA_JSONL_FILES_H

#include <jv.h>
#include "err.h"

/* Reads files[0..n) in turn (n 0: stdin) and calls fn for each record
 * (rec taken, bad NULL) or run of bad lines (rec invalid, bad says
 * which) with the line it ends on; fn returns 0 to go on, -1 to stop.
 * Returns 0 when all was read, -1 when fn stopped, -2 with err when a
 * file cannot be opened (invalid_input, exit 64, *line 0) or read (io,
 * exit 74, *line the last line given to fn). */
int jsonl_files_each(int n, char **files,
		     int (*fn)(jv rec, long line, const struct wa_err *bad,
			       void *ctx),
		     void *ctx, long *line, struct wa_err *err);

#endif
