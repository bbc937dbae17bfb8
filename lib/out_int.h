/* SPDX-License-Identifier: MIT */
/* Inside lib/out*.c: terminal text (widths, cutting, wrapping), cells, the two layouts. */
#ifndef WA_OUT_INT_H
#define WA_OUT_INT_H

#include <stddef.h>
#include "out.h"

/* The columns text takes on a terminal: wide (CJK, emoji) characters
 * count 2, combining marks 0; bytes that are no UTF-8 count 1 each. */
int out_text_width(const char *s);
/* Cuts s in place to at most w columns, ending with "~" when cut. */
void out_text_cut(char *s, int w);
/* Writes s and, unless last, spaces up to w columns plus the gap. */
void out_text_pad(FILE *fp, const char *s, int w, int last);
/* Writes s (newlines kept) in lines of at most width - col columns;
 * the caller is at column col of the first line, the others are
 * indented by col. Ends with a newline. A word longer than a line is
 * broken; a line is never narrower than 20 columns. */
void out_text_wrap(FILE *fp, const char *s, int col, int width);
/* Owned copy of s where control characters (C0, DEL, C1) are spaces;
 * newlines too unless keep_newlines. */
char *out_text_clean(const char *s, int keep_newlines);

/* Value of rec at a dotted key ("error.code"); owned, invalid when
 * absent. Borrows rec. */
jv out_get(jv rec, const char *key);
/* Owned cell text of v (consumed) as column format fmt shows it. */
char *out_cell(const struct out *o, jv v, int fmt);

/* Prints the buffered rows as a table (body columns under their row). */
void out_table_print(struct out *o);
/* Prints rec (borrowed) as key: value lines. */
void out_record_print(struct out *o, jv rec);
/* Prints rec (borrowed) as one line of o->cols (lib/out_line.c). */
void out_line_print(struct out *o, jv rec);

#endif
