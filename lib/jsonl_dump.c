/* SPDX-License-Identifier: MIT */
/* Records as compact JSON text (jsonl_dump), written one a line (jsonl_write). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "jsonl.h"
#include "util.h"

static void
dump_string(struct strbuf *sb, const char *s, size_t n)
{
	static const char hx[] = "0123456789abcdef";
	size_t i, start = 0;
	char esc[7];

	sb_add(sb, "\"", 1);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		const char *e = NULL;

		if (c >= 0x20 && c != '"' && c != '\\' && c != 0x7f)
			continue;
		switch (c) {
		case '"': e = "\\\""; break;
		case '\\': e = "\\\\"; break;
		case '\n': e = "\\n"; break;
		case '\t': e = "\\t"; break;
		case '\r': e = "\\r"; break;
		case '\b': e = "\\b"; break;
		case '\f': e = "\\f"; break;
		default:
			memcpy(esc, "\\u00", 4);
			esc[4] = hx[c >> 4];
			esc[5] = hx[c & 15];
			esc[6] = '\0';
			e = esc;
		}
		sb_add(sb, s + start, i - start);
		sb_adds(sb, e);
		start = i + 1;
	}
	sb_add(sb, s + start, n - start);
	sb_add(sb, "\"", 1);
}

void
jsonl_dump_str(struct strbuf *sb, const char *s)
{
	if (s)
		dump_string(sb, s, strlen(s));
	else
		sb_adds(sb, "null");
}

static void
dump_number(struct strbuf *sb, double d)
{
	char buf[32];

	if (d != d) {
		sb_adds(sb, "null");
	} else if (d >= 1.7976931348623157e308) {
		sb_adds(sb, "1.7976931348623157e+308");
	} else if (d <= -1.7976931348623157e308) {
		sb_adds(sb, "-1.7976931348623157e+308");
	} else if (d > -1e17 && d < 1e17 && d == (double)(long long)d) {
		/* range first: casting a larger double is undefined */
		snprintf(buf, sizeof(buf), "%lld", (long long)d);
		sb_adds(sb, buf);
	} else {
		/* the shortest of %.15g..%.17g that reads back the same */
		int p;

		for (p = 15; p <= 17; p++) {
			snprintf(buf, sizeof(buf), "%.*g", p, d);
			if (strtod(buf, NULL) == d)
				break;
		}
		sb_adds(sb, buf);
	}
}

void
jsonl_dump(struct strbuf *sb, jv v)
{
	int first = 1, i, n;

	switch (jv_get_kind(v)) {
	case JV_KIND_NULL:
	case JV_KIND_INVALID:
		sb_adds(sb, "null");
		break;
	case JV_KIND_TRUE:
		sb_adds(sb, "true");
		break;
	case JV_KIND_FALSE:
		sb_adds(sb, "false");
		break;
	case JV_KIND_NUMBER:
		dump_number(sb, jv_number_value(v));
		break;
	case JV_KIND_STRING:
		dump_string(sb, jv_string_value(v),
			    (size_t)jv_string_length_bytes(jv_copy(v)));
		break;
	case JV_KIND_ARRAY:
		sb_add(sb, "[", 1);
		n = jv_array_length(jv_copy(v));
		for (i = 0; i < n; i++) {
			jv e = jv_array_get(jv_copy(v), i);

			if (i)
				sb_add(sb, ",", 1);
			jsonl_dump(sb, e);
			jv_free(e);
		}
		sb_add(sb, "]", 1);
		break;
	case JV_KIND_OBJECT:
		sb_add(sb, "{", 1);
		for (i = jv_object_iter(v); jv_object_iter_valid(v, i);
		     i = jv_object_iter_next(v, i)) {
			jv k = jv_object_iter_key(v, i);
			jv e = jv_object_iter_value(v, i);

			if (!first)
				sb_add(sb, ",", 1);
			first = 0;
			dump_string(sb, jv_string_value(k),
				    (size_t)jv_string_length_bytes(jv_copy(k)));
			sb_add(sb, ":", 1);
			jsonl_dump(sb, e);
			jv_free(k);
			jv_free(e);
		}
		sb_add(sb, "}", 1);
		break;
	}
}

int
jsonl_write(FILE *fp, jv v)
{
	static struct strbuf sb;	/* reused: one line at a time */
	int rc = 0;

	sb_reset(&sb);
	jsonl_dump(&sb, v);
	jv_free(v);
	sb_add(&sb, "\n", 1);
	if (fwrite(sb.buf, 1, sb.len, fp) != sb.len)
		rc = -1;
	return rc;
}
