/* SPDX-License-Identifier: MIT */
/* The records of a tool's FILE operands (stdin when none, "-" for stdin), one after another. */
#ifndef WA_JSONL_FILES_H
#define WA_JSONL_FILES_H

#include <jv.h>
#include "err.h"

/* Whether files[0..n) can all be read ("-" is stdin), without reading
 * them: 0, or -1 with err (invalid_input, exit 66 as SPEC 2 says)
 * naming the first that does not exist, is a directory or is not
 * readable. Tools call it before any effect. */
int jsonl_files_check(int n, char **files, struct wa_err *err);

/* The same for the local files a one-message command line names: the
 * values of rec (borrowed) at keys (NULL-terminated) that are strings
 * and no http(s) URL. */
int jsonl_paths_check(jv rec, const char *const *keys, struct wa_err *err);

/* Reads files[0..n) in turn (n 0: stdin) and calls fn for each record
 * (rec taken, bad NULL) or bad line (rec invalid, bad says which, see
 * jsonl_next) with its line; fn returns 0 to go on, -1 to stop.
 * Every file is checked first (jsonl_files_check): one that cannot be
 * read is -2 with err and *line 0, and fn is never called. A failure
 * after that is handed to fn in-band like a bad line, and ends the
 * reading: a read error (io, exit 74) or a file gone since the check
 * (invalid_input, exit 66).
 * Returns 0 when all was read, -1 when fn stopped or a failure ended
 * the reading, -2 as above. */
/* A record tool's exit status after jsonl_files_each: 65 (data unusable
 * as a whole) when something was rejected and not one input was JSON,
 * else status. */
int jsonl_files_status(long good, int status);

int jsonl_files_each(int n, char **files,
		     int (*fn)(jv rec, long line, const struct wa_err *bad,
			       void *ctx),
		     void *ctx, long *line, struct wa_err *err);

#endif
