/* SPDX-License-Identifier: MIT */
/* Output: JSON lines when piped, an aligned table on a terminal. */
#ifndef WA_OUT_H
#define WA_OUT_H

#include <stdio.h>
#include <jv.h>
#include "cli.h"

struct out_col {
	const char *key;	/* record key; nested keys as "a.b" */
	const char *title;	/* column header */
	int max;		/* widest the column may grow, 0 = no cap */
};

struct out {
	FILE *fp;			/* stdout */
	int table;			/* 1 = table, 0 = JSON lines */
	const struct out_col *cols;	/* NULL: table shows every key */
	jv rows;			/* buffered rows in table mode */
	int failed;			/* a write failed */
	int error;			/* its errno (0: not known) */
};

/* Decides once from mode and isatty(fileno(fp)). cols is borrowed. */
void out_init(struct out *o, FILE *fp, enum out_mode mode,
	      const struct out_col *cols);
/* Emits rec (consumed): written at once as JSON, buffered as a row. */
void out_record(struct out *o, jv rec);
/* Prints the table (if any), flushes. 0, or -1 when output failed. */
int out_finish(struct out *o);

/* Terminal width: $COLUMNS, the tty's, or 80. */
int out_width(FILE *fp);

#endif
