/* SPDX-License-Identifier: MIT */
/* Output: JSON lines when piped, an aligned width-aware table on a terminal. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "out.h"
#include "jsonl.h"
#include "util.h"

void
out_init(struct out *o, FILE *fp, enum out_mode mode,
	 const struct out_col *cols)
{
	memset(o, 0, sizeof(*o));
	o->fp = fp;
	o->cols = cols;
	if (mode == OUT_JSON)
		o->table = 0;
	else if (mode == OUT_TABLE)
		o->table = 1;
	else
		o->table = isatty(fileno(fp));
	o->rows = jv_array();
}

void
out_record(struct out *o, jv rec)
{
	if (o->table) {
		o->rows = jv_array_append(o->rows, rec);
		return;
	}
	if (jsonl_write(o->fp, rec) < 0 && !o->failed) {
		o->failed = 1;
		o->error = errno;
	}
}

int
out_width(FILE *fp)
{
	const char *c = getenv("COLUMNS");
	struct winsize ws;
	long long v;

	if (c && parse_int(c, 20, 10000, &v) == 0)
		return (int)v;
	if (ioctl(fileno(fp), TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20)
		return ws.ws_col;
	return 80;
}

/* Display width of UTF-8 text: code points (no East Asian widths). */
static int
u8_width(const char *s)
{
	int w = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			w++;
	return w;
}

/* Cell text for a value: owned C string without control characters. */
static char *
cell_text(jv v)
{
	struct strbuf sb = STRBUF_INIT;
	char *p;

	switch (jv_get_kind(v)) {
	case JV_KIND_INVALID:
	case JV_KIND_NULL:
		sb_adds(&sb, "-");
		break;
	case JV_KIND_STRING:
		sb_adds(&sb, jv_string_value(v));
		break;
	case JV_KIND_TRUE:
		sb_adds(&sb, "yes");
		break;
	case JV_KIND_FALSE:
		sb_adds(&sb, "no");
		break;
	default: {
		jv d = jv_dump_string(jv_copy(v), 0);

		sb_adds(&sb, jv_string_value(d));
		jv_free(d);
	}
	}
	jv_free(v);
	for (p = sb.buf; p && *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	return sb_detach(&sb);
}

/* Value at a dotted key path ("window.open"); owned. */
static jv
get_path(jv rec, const char *key)
{
	char part[64];
	const char *dot;
	jv cur = jv_copy(rec);

	while ((dot = strchr(key, '.')) != NULL) {
		size_t n = (size_t)(dot - key);

		if (n >= sizeof(part))
			break;
		memcpy(part, key, n);
		part[n] = '\0';
		jv next = jx_get(cur, part);
		jv_free(cur);
		cur = next;
		key = dot + 1;
	}
	jv v = jx_get(cur, key);
	jv_free(cur);
	return v;
}

/* Cuts s to at most w display columns, ending with "~" when cut. */
static void
fit(char *s, int w)
{
	int n = 0;
	char *p;

	if (w < 2 || u8_width(s) <= w)
		return;
	for (p = s; *p; p++) {
		if (((unsigned char)*p & 0xC0) != 0x80) {
			if (n == w - 1)
				break;
			n++;
		}
	}
	p[0] = '~';
	p[1] = '\0';
}

static void
pad(FILE *fp, const char *s, int w, int last)
{
	int n = u8_width(s);

	fputs(s, fp);
	if (!last)
		for (; n < w + 2; n++)
			putc(' ', fp);
}

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

static void
shrink(int *w, const struct out_col *cols, int ncols, int total)
{
	int i, widest;

	while (total > 0) {
		widest = 0;
		for (i = 1; i < ncols; i++)
			if (w[i] > w[widest])
				widest = i;
		if (w[widest] <= 8)
			break;
		w[widest]--;
		total--;
	}
	(void)cols;
}

static void
print_table(struct out *o)
{
	const struct out_col *cols = o->cols;
	struct out_col *guessed = NULL;
	int ncols = 0, nrows = jv_array_length(jv_copy(o->rows));
	int i, j, total, *w;
	char **cell;

	if (!cols)
		cols = guessed = guess_cols(o->rows, &ncols);
	else
		while (cols[ncols].key)
			ncols++;
	if (ncols == 0)
		goto out;
	w = xcalloc((size_t)ncols, sizeof(*w));
	cell = xcalloc((size_t)(nrows + 1) * (size_t)ncols, sizeof(*cell));
	for (j = 0; j < ncols; j++) {
		cell[j] = xstrdup(cols[j].title);
		w[j] = u8_width(cell[j]);
	}
	for (i = 0; i < nrows; i++) {
		jv row = jv_array_get(jv_copy(o->rows), i);

		for (j = 0; j < ncols; j++) {
			char *t = cell_text(get_path(row, cols[j].key));

			if (cols[j].max > 0)
				fit(t, cols[j].max);
			cell[(i + 1) * ncols + j] = t;
			if (u8_width(t) > w[j])
				w[j] = u8_width(t);
		}
		jv_free(row);
	}
	total = 0;
	for (j = 0; j < ncols; j++)
		total += w[j] + 2;
	if (total - 2 > out_width(o->fp))
		shrink(w, cols, ncols, total - 2 - out_width(o->fp));
	for (i = 0; i <= nrows; i++)
		for (j = 0; j < ncols; j++) {
			fit(cell[i * ncols + j], w[j]);
			pad(o->fp, cell[i * ncols + j], w[j], j == ncols - 1);
			if (j == ncols - 1)
				putc('\n', o->fp);
			free(cell[i * ncols + j]);
		}
	free(cell);
	free(w);
out:
	if (guessed) {
		for (j = 0; j < ncols; j++)
			free((char *)guessed[j].key);
		free(guessed);
	}
}

int
out_finish(struct out *o)
{
	if (o->table)
		print_table(o);
	jv_free(o->rows);
	o->rows = jv_null();
	errno = 0;
	if ((fflush(o->fp) == EOF || ferror(o->fp)) && !o->failed) {
		o->failed = 1;
		o->error = errno;
	}
	return o->failed ? -1 : 0;
}
