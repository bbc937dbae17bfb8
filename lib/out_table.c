/* SPDX-License-Identifier: MIT */
/* The table on a terminal: ids whole, text shrunk, optional columns left out to fit the width; bodies wrapped under their row. */
#include <stdlib.h>
#include <string.h>
#include "out_int.h"
#include "jsonl.h"
#include "util.h"

#define GAP 2	/* spaces between columns */

struct tcol {
	const struct out_col *c;
	int w;		/* width it gets */
	int nat;	/* widest cell (within the cap) */
	int min;	/* narrowest: nat unless OUT_TEXT */
	int shown;
};

/* Columns from the first row when none were given. */
static struct out_col *
guess_cols(jv rows, int *ncols)
{
	struct out_col *cols;
	jv first = jv_array_get(jv_copy(rows), 0), keys;
	int i, n;

	if (jv_get_kind(first) != JV_KIND_OBJECT) {
		jv_free(first);
		*ncols = 0;
		return NULL;
	}
	keys = jv_keys_unsorted(first);
	n = jv_array_length(jv_copy(keys));
	cols = xcalloc((size_t)n + 1, sizeof(*cols));
	for (i = 0; i < n; i++) {
		jv k = jv_array_get(jv_copy(keys), i);

		cols[i].key = xstrdup(jv_string_value(k));
		cols[i].title = cols[i].key;
		jv_free(k);
	}
	jv_free(keys);
	*ncols = n;
	return cols;
}

/* Width of the shown columns at their w. */
static int
total(const struct tcol *t, int n)
{
	int j, sum = 0, k = 0;

	for (j = 0; j < n; j++)
		if (t[j].shown) {
			sum += t[j].w;
			k++;
		}
	return k ? sum + GAP * (k - 1) : 0;
}

/* Shows the optional columns that fit, most wanted first (highest
 * drop number), each at its narrowest. */
static void
choose(struct tcol *t, int n, int width)
{
	int j, best, pass;

	for (j = 0; j < n; j++) {
		t[j].w = t[j].min;
		t[j].shown = (t[j].c->fmt & OUT_DROP(15)) == 0;
		if (t[j].c->fmt & OUT_BODY) {
			t[j].shown = 0;
			t[j].w = -1;	/* under the row */
		}
	}
	for (pass = 0; pass < n; pass++) {
		best = -1;
		for (j = 0; j < n; j++)
			if (!t[j].shown && t[j].w >= 0 &&
			    (best < 0 || (t[j].c->fmt & OUT_DROP(15)) >=
			     (t[best].c->fmt & OUT_DROP(15))))
				best = j;
		if (best < 0)
			break;
		t[best].shown = 1;
		if (total(t, n) > width) {
			t[best].shown = 0;
			t[best].w = -1;	/* tried */
		}
	}
}

/* Takes from the widest text column, not below its floor, until the
 * table fits; the over-width left. */
static int
take(struct tcol *t, int n, int over, int (*floor)(const struct tcol *))
{
	int j, widest;

	while (over > 0) {
		widest = -1;
		for (j = 0; j < n; j++)
			if (t[j].shown && t[j].w > floor(&t[j]) &&
			    (widest < 0 || t[j].w > t[widest].w))
				widest = j;
		if (widest < 0)
			break;
		t[widest].w--;
		over--;
	}
	return over;
}

static int
at_min(const struct tcol *t)
{
	return t->min;
}

/* A text column's last resort: its title (at least 3 columns). */
static int
at_title(const struct tcol *t)
{
	int w = out_text_width(t->c->title);

	if (!(t->c->fmt & OUT_TEXT))
		return t->min;
	w = w < 3 ? 3 : w;
	return w < t->min ? w : t->min;
}

/* Grows the shown columns to their natural width, then shrinks text
 * columns until the table fits: to their narrowest, then (when the
 * columns that are always shown do not fit) to their titles. Ids and
 * times stay whole: a table that still does not fit overflows. */
static void
shrink(struct tcol *t, int n, int width)
{
	int j;

	for (j = 0; j < n; j++)
		if (t[j].shown)
			t[j].w = t[j].nat;
	take(t, n, take(t, n, total(t, n) - width, at_min), at_title);
}

static int
text_min(const struct out_col *c)
{
	int m = (c->fmt >> 20) & 0xff;

	return m ? m : 10;
}

/* Cells of every row (row 0: the titles), and the columns' widths. */
static char **
cells(const struct out *o, const struct out_col *cols, struct tcol *t,
      int n, int nrows)
{
	char **cell = xcalloc((size_t)(nrows + 1) * (size_t)n, sizeof(*cell));
	int i, j, cap, tw;

	for (j = 0; j < n; j++) {
		t[j].c = &cols[j];
		cell[j] = xstrdup(cols[j].title);
		t[j].nat = out_text_width(cell[j]);
	}
	for (i = 0; i < nrows; i++) {
		jv row = jv_array_get(jv_copy(o->rows), i);

		for (j = 0; j < n; j++) {
			char *c = out_cell(o, out_get(row, cols[j].key),
					   cols[j].fmt);

			cap = cols[j].fmt & OUT_MAX_MASK;
			if (cap > 0 && !(cols[j].fmt & OUT_BODY))
				out_text_cut(c, cap);
			cell[(i + 1) * n + j] = c;
			if (out_text_width(c) > t[j].nat)
				t[j].nat = out_text_width(c);
		}
		jv_free(row);
	}
	for (j = 0; j < n; j++) {
		tw = out_text_width(cols[j].title);
		t[j].min = t[j].nat;
		if ((cols[j].fmt & OUT_TEXT) && t[j].nat > text_min(&cols[j]))
			t[j].min = text_min(&cols[j]) > tw ?
				text_min(&cols[j]) : tw;
		if (cols[j].fmt & OUT_BODY)
			t[j].min = t[j].nat = 0;
	}
	return cell;
}

static void
print_row(struct out *o, struct tcol *t, int n, char **row)
{
	int j, last = -1;

	for (j = 0; j < n; j++)
		if (t[j].shown)
			last = j;
	for (j = 0; j < n; j++) {
		if (!t[j].shown)
			continue;
		out_text_cut(row[j], t[j].w);
		out_text_pad(o->fp, row[j], t[j].w, j == last);
	}
	putc('\n', o->fp);
}

/* The body columns of a row, wrapped and indented under it. */
static void
print_bodies(struct out *o, const struct tcol *t, int n, char **row,
	     int more)
{
	int j, any = 0;

	for (j = 0; j < n; j++) {
		if (!(t[j].c->fmt & OUT_BODY) || strcmp(row[j], "-") == 0)
			continue;
		fputs("    ", o->fp);
		out_text_wrap(o->fp, row[j], 4, o->width);
		any = 1;
	}
	if (any && more)
		putc('\n', o->fp);
}

void
out_table_print(struct out *o)
{
	const struct out_col *cols = o->cols;
	struct out_col *guessed = NULL;
	int n = 0, nrows = jv_array_length(jv_copy(o->rows)), i, j;
	struct tcol *t;
	char **cell;

	if (!cols)
		cols = guessed = guess_cols(o->rows, &n);
	else
		while (cols[n].key)
			n++;
	if (n == 0)
		goto out;
	t = xcalloc((size_t)n, sizeof(*t));
	cell = cells(o, cols, t, n, nrows);
	choose(t, n, o->width);
	shrink(t, n, o->width);
	if (o->gap)
		putc('\n', o->fp);
	for (i = 0; i <= nrows; i++) {
		print_row(o, t, n, cell + i * n);
		if (i > 0)
			print_bodies(o, t, n, cell + i * n, i < nrows);
	}
	o->printed += nrows;
	for (i = 0; i < (nrows + 1) * n; i++)
		free(cell[i]);
	free(cell);
	free(t);
out:
	if (guessed) {
		for (j = 0; j < n; j++)
			free((char *)guessed[j].key);
		free(guessed);
	}
}
