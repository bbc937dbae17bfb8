/* SPDX-License-Identifier: MIT */
/* U+0000 in stored text: kept, written the same escaped way on both engines (PostgreSQL's text cannot hold it). */
#include <stdlib.h>
#include <string.h>
#include "store_int.h"
#include "util.h"

/*
 * PostgreSQL refuses U+0000 in text, SQLite keeps it; a text a user
 * gave (a message's body) keeps every character on both. So the store
 * writes every text it binds with U+0000 as U+001A U+0001 and U+001A
 * (SUBSTITUTE) itself as U+001A U+001A, on both engines, and reads text
 * columns back the other way: the rows are the same on both stores
 * (wa-db copy, checksums), both full-text searches take these control
 * characters for spaces as they take U+0000, and a text without either
 * character, nearly every one, is bound and read as it is. A lone
 * U+001A (a text cut by SQL in the middle of a pair) reads as it is.
 */
#define ESC '\x1a'	/* U+001A, SUBSTITUTE */
#define NUL '\x01'	/* after ESC: U+0000 */

char *
store_text_escape(const char *v, size_t len, size_t *out_len)
{
	const char *end = v + len, *p;
	struct strbuf sb = STRBUF_INIT;

	if (!memchr(v, '\0', len) && !memchr(v, ESC, len))
		return NULL;
	for (p = v; p < end; p++) {
		if (*p == '\0')
			sb_add(&sb, (char[]){ ESC, NUL }, 2);
		else if (*p == ESC)
			sb_add(&sb, (char[]){ ESC, ESC }, 2);
		else
			sb_add(&sb, p, 1);
	}
	*out_len = sb.len;
	return sb_detach(&sb);
}

char *
store_text_unescape(const char *v, size_t len, size_t *out_len)
{
	const char *end = v + len, *p = memchr(v, ESC, len), *q;
	struct strbuf sb = STRBUF_INIT;

	if (!p)
		return NULL;
	sb_add(&sb, v, (size_t)(p - v));
	while (p) {
		if (p + 1 < end && (p[1] == NUL || p[1] == ESC)) {
			sb_add(&sb, p[1] == NUL ? "" : p, 1);
			p += 2;
		} else {	/* a lone one, kept */
			sb_add(&sb, p, 1);
			p++;
		}
		q = memchr(p, ESC, (size_t)(end - p));
		sb_add(&sb, p, (size_t)((q ? q : end) - p));
		p = q;
	}
	*out_len = sb.len;
	return sb_detach(&sb);
}
