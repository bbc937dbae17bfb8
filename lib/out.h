/* SPDX-License-Identifier: MIT */
/* Output: JSON lines when piped; on a terminal a table or key: value lines that fit its width. */
#ifndef WA_OUT_H
#define WA_OUT_H

#include <stdint.h>
#include <stdio.h>
#include <jv.h>
#include "cli.h"

/* How a column shows its values on a terminal (JSON never changes): the
 * third member of struct out_col, a cap on the width ORed with these. */
#define OUT_TEXT (1 << 12)	/* free text: shrinks to fit, cut with "~" */
#define OUT_TIME (1 << 13)	/* ISO time as "2024-04-16 17:57" (UTC) */
#define OUT_LEFT (1 << 14)	/* end of a window (ISO time or null) as the
				 * time left: "23h", "45m", "<1m", "closed" */
#define OUT_BODY (1 << 15)	/* wrapped under its row, not a column */
#define OUT_DROP(n) ((n) << 16)	/* n 1..15: left out when the terminal is
				 * too narrow, lowest n first; in key:
				 * value lines, left out when null */
#define OUT_MIN(n) ((n) << 20)	/* OUT_TEXT's narrowest, 1..255 (else 10) */
#define OUT_MAX_MASK 0xfff	/* the cap: widest it may grow, 0 = none */

struct out_col {
	const char *key;	/* record key; nested keys as "a.b" */
	const char *title;	/* column header, or the key of key: value */
	int fmt;		/* cap | OUT_* flags | OUT_DROP | OUT_MIN */
};

enum out_style {
	OUT_STYLE_TABLE = 0,	/* rows under a header line */
	OUT_STYLE_RECORD,	/* each record as aligned key: value lines */
	OUT_STYLE_LINE,		/* each record one line of o->cols, at once */
};

struct out {
	FILE *fp;			/* stdout */
	int table;			/* 1 = for people, 0 = JSON lines */
	enum out_style style;		/* the layout when table */
	const struct out_col *cols;	/* NULL: every key of the record */
	jv rows;			/* buffered rows of a table */
	long printed;			/* records printed so far */
	int gap;			/* a blank line before the first */
	int width;			/* terminal columns */
	int64_t now;			/* for OUT_LEFT */
	int failed;			/* a write failed */
	int error;			/* its errno (0: not known) */
};

/* Decides once from mode and isatty(fileno(fp)). cols is borrowed. */
void out_init(struct out *o, FILE *fp, enum out_mode mode,
	      const struct out_col *cols);
/* Emits rec (consumed): as JSON or as key: value lines at once, or
 * buffered as a row of the table. */
void out_record(struct out *o, jv rec);
/* Prints the table (if any), flushes. 0, or -1 when output failed. */
int out_finish(struct out *o);
/* o's output follows prev's on the same stream: on a terminal, a blank
 * line between them when prev printed something. */
void out_follow(struct out *o, const struct out *prev);

/* Terminal width: $COLUMNS, the tty's (TIOCGWINSZ), or 80. */
int out_width(FILE *fp);

#endif
