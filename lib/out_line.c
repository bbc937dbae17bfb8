/* SPDX-License-Identifier: MIT */
/* Output on a terminal, a record a line: its columns two spaces apart, printed as it comes (wa-view watch). */
#include <stdlib.h>
#include "out_int.h"

/*
 * No header and no table: a line cannot wait for the next to learn the
 * widths. Each cell is shown as in a table (out_cell), capped by its
 * column's width and padded to it, so that lines align; free text
 * (OUT_TEXT) is cut so that the line fits the terminal, the last text
 * column first, none below its OUT_MIN.
 */

#define LINE_COLS 16

static int
text_min(int fmt)
{
	int m = (fmt >> 20) & 0xff;

	return m ? m : 10;
}

void
out_line_print(struct out *o, jv rec)
{
	char *cell[LINE_COLS];
	int pad[LINE_COLS], n, i, total = 0, over;

	for (n = 0; n < LINE_COLS && o->cols[n].key; n++) {
		int cap = o->cols[n].fmt & OUT_MAX_MASK;

		cell[n] = out_cell(o, out_get(rec, o->cols[n].key),
				   o->cols[n].fmt);
		if (cap)
			out_text_cut(cell[n], cap);
		pad[n] = cap;
		total += (cap ? cap : out_text_width(cell[n])) + (n ? 2 : 0);
	}
	for (i = n - 1; i >= 0 && (over = total - o->width) > 0; i--) {
		int w = pad[i] ? pad[i] : out_text_width(cell[i]), to;

		if (!(o->cols[i].fmt & OUT_TEXT))
			continue;
		to = w - over < text_min(o->cols[i].fmt) ?
		     text_min(o->cols[i].fmt) : w - over;
		if (to >= w)
			continue;
		out_text_cut(cell[i], to);
		if (pad[i])
			pad[i] = to;
		total -= w - to;
	}
	for (i = 0; i < n; i++) {
		out_text_pad(o->fp, cell[i], pad[i], i == n - 1 || !pad[i]);
		if (i < n - 1 && !pad[i])
			fputs("  ", o->fp);
		free(cell[i]);
	}
	putc('\n', o->fp);
	o->printed++;
}
