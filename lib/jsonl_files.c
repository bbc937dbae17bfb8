/* SPDX-License-Identifier: MIT */
/* The records of a tool's FILE operands (stdin when none, "-" for stdin), one after another. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "jsonl_files.h"
#include "jsonl.h"

static int
cannot_open(const char *f, int errnum, struct wa_err *err)
{
	return wa_err_set(err, WA_EX_NOINPUT, "invalid_input",
			  "cannot open '%s': %s", f, strerror(errnum));
}

int
jsonl_files_check(int n, char **files, struct wa_err *err)
{
	struct stat sb;
	int i;

	/* stat and access, not open: opening a FIFO would wait for its
	 * writer, and closing it again would cost the writer its reader */
	for (i = 0; i < n; i++) {
		if (strcmp(files[i], "-") == 0)
			continue;
		if (stat(files[i], &sb) < 0 || access(files[i], R_OK) < 0)
			return cannot_open(files[i], errno, err);
		if (S_ISDIR(sb.st_mode))
			return cannot_open(files[i], EISDIR, err);
	}
	return 0;
}

int
jsonl_paths_check(jv rec, const char *const *keys, struct wa_err *err)
{
	const char *v;
	char *one[1];

	for (; *keys; keys++) {
		v = jx_cstr(rec, *keys);
		if (!v || !strncmp(v, "http://", 7) ||
		    !strncmp(v, "https://", 8))
			continue;
		one[0] = (char *)v;
		if (jsonl_files_check(1, one, err) < 0)
			return -1;
	}
	return 0;
}

/* One file to its end: 0, or -1 when fn stopped or a read error (given
 * to fn) ended it. */
static int
each_record(FILE *fp, const char *name,
	    int (*fn)(jv, long, const struct wa_err *, void *), void *ctx,
	    long *line)
{
	struct jsonl *r = jsonl_open(fp, name);
	struct wa_err err;
	int got, rc = 0;
	jv rec;

	while (rc == 0 && (got = jsonl_next(r, &rec, line, &err)) != 0) {
		rc = fn(got > 0 ? rec : jv_invalid(), *line,
			got > 0 ? NULL : &err, ctx);
		if (got == -2)
			rc = -1;
	}
	jsonl_close(r);
	return rc < 0 ? -1 : 0;
}

int
jsonl_files_each(int n, char **files,
		 int (*fn)(jv rec, long line, const struct wa_err *bad,
			   void *ctx),
		 void *ctx, long *line, struct wa_err *err)
{
	int i, rc = 0;

	*line = 0;
	if (jsonl_files_check(n, files, err) < 0)
		return -2;
	for (i = 0; rc == 0 && i < (n ? n : 1); i++) {
		const char *f = n ? files[i] : "-";
		FILE *fp = strcmp(f, "-") ? fopen(f, "r") : stdin;

		if (!fp) {
			cannot_open(f, errno, err);
			fn(jv_invalid(), 0, err, ctx);
			return -1;
		}
		rc = each_record(fp, f, fn, ctx, line);
		if (fp != stdin)
			fclose(fp);
	}
	return rc;
}

int
jsonl_files_status(long good, int status)
{
	return good == 0 && status == WA_EX_REJECTED ? WA_EX_DATAERR : status;
}
