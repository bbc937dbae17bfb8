/* SPDX-License-Identifier: MIT */
/* Output: JSON lines when piped; on a terminal a table or key: value lines that fit its width. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "out_int.h"
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
	if (o->table) {
		o->width = out_width(fp);
		o->now = wa_now();
	}
}

void
out_follow(struct out *o, const struct out *prev)
{
	if (prev->table && prev->printed)
		o->gap = 1;
}

void
out_record(struct out *o, jv rec)
{
	if (o->table && o->style != OUT_STYLE_TABLE) {
		errno = 0;
		if (o->style == OUT_STYLE_LINE) {
			out_line_print(o, rec);
			fflush(o->fp);
		} else {
			out_record_print(o, rec);
		}
		jv_free(rec);
		if (ferror(o->fp) && !o->failed) {
			o->failed = 1;
			o->error = errno;
		}
		return;
	}
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

jv
out_get(jv rec, const char *key)
{
	char part[64];
	const char *dot;
	jv cur = jv_copy(rec), next;

	while ((dot = strchr(key, '.')) != NULL) {
		size_t n = (size_t)(dot - key);

		if (n >= sizeof(part))
			break;
		memcpy(part, key, n);
		part[n] = '\0';
		next = jx_get(cur, part);
		jv_free(cur);
		cur = next;
		key = dot + 1;
	}
	next = jx_get(cur, key);
	jv_free(cur);
	return next;
}

/* "2024-04-16T17:57:05Z" as "2024-04-16 17:57"; else s. */
static void
short_time(struct strbuf *sb, const char *s)
{
	if (strlen(s) == 20 && s[10] == 'T' && s[19] == 'Z') {
		sb_add(sb, s, 10);
		sb_adds(sb, " ");
		sb_add(sb, s + 11, 5);
	} else {
		sb_adds(sb, s);
	}
}

/* Time left until the end of a window: whole hours, else minutes. */
static void
time_left(struct strbuf *sb, const struct out *o, jv v)
{
	int64_t end, left;
	struct wa_err err;

	if (jv_get_kind(v) != JV_KIND_STRING) {
		sb_adds(sb, "closed");
		return;
	}
	if (time_parse(jv_string_value(v), &end, &err) < 0) {
		sb_adds(sb, jv_string_value(v));
		return;
	}
	left = end - o->now;
	if (left <= 0)
		sb_adds(sb, "closed");
	else if (left >= 3600)
		sb_addf(sb, "%lldh", (long long)(left / 3600));
	else if (left >= 60)
		sb_addf(sb, "%lldm", (long long)(left / 60));
	else
		sb_adds(sb, "<1m");
}

char *
out_cell(const struct out *o, jv v, int fmt)
{
	struct strbuf sb = STRBUF_INIT;
	char *c;

	if (fmt & OUT_LEFT) {
		time_left(&sb, o, v);
	} else {
		switch (jv_get_kind(v)) {
		case JV_KIND_INVALID:
		case JV_KIND_NULL:
			sb_adds(&sb, "-");
			break;
		case JV_KIND_STRING:
			if (fmt & OUT_TIME)
				short_time(&sb, jv_string_value(v));
			else
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
	}
	jv_free(v);
	c = out_text_clean(sb_str(&sb), (fmt & OUT_BODY) != 0);
	sb_release(&sb);
	return c;
}

int
out_finish(struct out *o)
{
	if (o->table && o->style == OUT_STYLE_TABLE)
		out_table_print(o);
	jv_free(o->rows);
	o->rows = jv_null();
	errno = 0;
	if ((fflush(o->fp) == EOF || ferror(o->fp)) && !o->failed) {
		o->failed = 1;
		o->error = errno;
	}
	return o->failed ? -1 : 0;
}
