/* SPDX-License-Identifier: MIT */
/* The records of a tool's FILE operands (stdin when none, "-" for stdin), one after another. */
#include <stdio.h>
#include <string.h>
#include "jsonl_files.h"
#include "jsonl.h"

/* One file to its end: 0, -1 when fn stopped, -2 on a read error. */
static int
each_record(FILE *fp, const char *name,
	    int (*fn)(jv, long, const struct wa_err *, void *), void *ctx,
	    long *line, struct wa_err *err)
{
	struct jsonl *r = jsonl_open(fp, name);
	int got, rc = 0;
	jv rec;

	while (rc == 0 && (got = jsonl_next(r, &rec, line, err)) != 0)
		if (got == -2)
			rc = -2;
		else
			rc = fn(got > 0 ? rec : jv_invalid(), *line,
				got > 0 ? NULL : err, ctx) < 0 ? -1 : 0;
	jsonl_close(r);
	return rc;
}

int
jsonl_files_each(int n, char **files,
		 int (*fn)(jv rec, long line, const struct wa_err *bad,
			   void *ctx),
		 void *ctx, long *line, struct wa_err *err)
{
	int i, rc = 0;

	*line = 0;
	for (i = 0; rc == 0 && i < (n ? n : 1); i++) {
		const char *f = n ? files[i] : "-";
		FILE *fp = strcmp(f, "-") ? fopen(f, "r") : stdin;

		if (!fp) {
			*line = 0;
			return wa_err_set(err, WA_EX_USAGE, "invalid_input",
					  "cannot open '%s'", f) - 1;
		}
		rc = each_record(fp, f, fn, ctx, line, err);
		if (fp != stdin)
			fclose(fp);
	}
	return rc;
}
