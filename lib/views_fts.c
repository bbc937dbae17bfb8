/* SPDX-License-Identifier: MIT */
/* The search syntax of wa-view (words, "phrases", -word, or, prefix*) as an FTS5 or a tsquery query. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "views.h"
#include "util.h"

/*
 * The user writes words, which must all occur; "a phrase" (its words
 * next to each other, in order; a quote left open runs to the end);
 * -word or -"a phrase", which must not occur; a or b, either (or binds
 * its two neighbours, before the words are ANDed; an "or" that does not
 * sit between two terms to look for is a word); word* or "a phr"*, a
 * word (the phrase's last word) beginning so. Nothing else is syntax:
 * NEAR, col:x, ^, ( and AND are text, so no input is a syntax error.
 *
 * The indexes cut text into tokens at anything but letters and digits
 * (FTS5 unicode61; PostgreSQL's parser, mostly), so a word such as
 * order-123 is the phrase "order 123". A term with no letter or digit
 * is dropped, as FTS5 drops an empty phrase.
 *
 * FTS5: each term is a quoted string (a quote doubled inside), "x" * a
 * prefix; terms joined by AND, an or-group in parentheses with OR, then
 * NOT for each term to leave out: "a" AND ("b" OR "c") NOT "d".
 *
 * PostgreSQL (to_tsquery with the wa_simple configuration, which folds
 * case and diacritics): each token a quoted lexeme, a phrase's tokens
 * joined by <->, 'x':* a prefix, & | and !: 'a' & ('b' | 'c') & !'d'.
 * A word that the cut splits is also looked for whole, because
 * PostgreSQL's parser keeps e-mail addresses, hosts and URLs as one
 * token: ('x@y.com' | 'x' <-> 'y' <-> 'com').  Inside a phrase such a
 * word is only its pieces, so a phrase holding an address does not find
 * it on PostgreSQL, nor does "order 123 still" find order-123 still
 * (its parser reads -123 as a signed number).  Which hits a query finds
 * is otherwise the same; both list them by time, not by rank.
 */

struct term {
	const char *s;		/* the text, not terminated */
	size_t len;
	unsigned phrase : 1;	/* "quoted" */
	unsigned prefix : 1;	/* last token is a prefix */
	unsigned neg : 1;	/* -term: must not occur */
	unsigned op : 1;	/* an "or" between two terms, not a term */
	unsigned empty : 1;	/* no letter or digit: dropped */
};

/* A byte of a token: an ASCII letter or digit, or any byte of a UTF-8
 * sequence (the index decides; most of them are letters). */
static int
token_byte(unsigned char c)
{
	return c >= 0x80 || isalnum(c);
}

static int
has_token(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (token_byte((unsigned char)s[i]))
			return 1;
	return 0;
}

/* One term at *pp (not at a space); advances past it. */
static void
parse_term(const char **pp, struct term *t)
{
	const char *p = *pp, *end;

	memset(t, 0, sizeof(*t));
	if (*p == '-' && p[1] && !isspace((unsigned char)p[1])) {
		t->neg = 1;
		p++;
	}
	if (*p == '"') {
		t->phrase = 1;
		t->s = ++p;
		end = strchr(p, '"');
		t->len = end ? (size_t)(end - p) : strlen(p);
		p += t->len + (end != NULL);
		if (end && *p == '*') {
			t->prefix = 1;
			while (*p == '*')
				p++;
		}
	} else {
		t->s = p;
		while (*p && !isspace((unsigned char)*p))
			p++;
		t->len = (size_t)(p - t->s);
		while (t->len && t->s[t->len - 1] == '*') {
			t->len--;
			t->prefix = 1;
		}
	}
	t->empty = !has_token(t->s, t->len);
	*pp = p;
}

static int
is_or_word(const struct term *t)
{
	return !t->phrase && !t->neg && !t->prefix && t->len == 2 &&
	       strncasecmp(t->s, "or", 2) == 0;
}

/* The terms of text into t (room for strlen(text) terms); their count.
 * Terms of no length ("", a lone *) are left out. */
static size_t
parse(const char *text, struct term *t)
{
	const char *p = text;
	size_t n = 0, i;

	while (*p) {
		if (isspace((unsigned char)*p)) {
			p++;
			continue;
		}
		parse_term(&p, &t[n]);
		if (t[n].len)
			n++;
	}
	for (i = 1; i + 1 < n; i++)
		t[i].op = is_or_word(&t[i]) && !t[i - 1].neg &&
			  !t[i - 1].op && !t[i + 1].neg;
	return n;
}

/* ---- the two dialects ----------------------------------------------- */

struct dialect {
	const char *and, *or, *not;	/* joiners; not comes after a term */
	void (*term)(struct strbuf *sb, const struct term *t);
};

static void
fts5_term(struct strbuf *sb, const struct term *t)
{
	size_t i;

	sb_adds(sb, "\"");
	for (i = 0; i < t->len; i++)
		if (t->s[i] == '"')
			sb_adds(sb, "\"\"");
		else
			sb_add(sb, &t->s[i], 1);
	sb_adds(sb, t->prefix ? "\" *" : "\"");
}

/* A tsquery lexeme in quotes; ' and \ escaped. */
static void
ts_lexeme(struct strbuf *sb, const char *s, size_t len, int prefix)
{
	size_t i;

	sb_adds(sb, "'");
	for (i = 0; i < len; i++) {
		if (s[i] == '\'' || s[i] == '\\')
			sb_add(sb, &s[i], 1);
		sb_add(sb, &s[i], 1);
	}
	sb_adds(sb, prefix ? "':*" : "'");
}

/* The tokens of s joined by <->, the last a prefix if asked; their
 * count. */
static int
ts_tokens(struct strbuf *sb, const char *s, size_t len, int prefix)
{
	size_t i = 0, start;
	int n = 0;

	while (i < len) {
		if (!token_byte((unsigned char)s[i])) {
			i++;
			continue;
		}
		for (start = i; i < len && token_byte((unsigned char)s[i]);)
			i++;
		if (n++)
			sb_adds(sb, " <-> ");
		ts_lexeme(sb, s + start, i - start, prefix &&
			  !has_token(s + i, len - i));
	}
	return n;
}

static void
ts_term(struct strbuf *sb, const struct term *t)
{
	struct strbuf tok = STRBUF_INIT;
	size_t whole = 0;
	int n = ts_tokens(&tok, t->s, t->len, t->prefix);

	while (whole < t->len && token_byte((unsigned char)t->s[whole]))
		whole++;
	if (n == 1 && (t->phrase || whole == t->len)) {
		sb_adds(sb, sb_str(&tok));
	} else {
		sb_adds(sb, "(");
		if (!t->phrase) {
			ts_lexeme(sb, t->s, t->len, t->prefix);
			sb_adds(sb, " | ");
		}
		sb_adds(sb, sb_str(&tok));
		sb_adds(sb, ")");
	}
	sb_release(&tok);
}

static const struct dialect dialects[] = {
	[SQL_SQLITE] = { " AND ", " OR ", " NOT ", fts5_term },
	[SQL_PG] = { " & ", " | ", " & !", ts_term },
};

/* The or-group starting at t[i] (terms to look for joined by op words)
 * into sb, its empty terms left out; the index after it. */
static size_t
group(struct strbuf *sb, const struct dialect *d, const struct term *t,
      size_t n, size_t i)
{
	size_t j, end = i + 1, kept = 0;
	struct strbuf g = STRBUF_INIT;

	while (end + 1 < n && t[end].op)
		end += 2;
	for (j = i; j < end; j += 2) {
		if (t[j].empty)
			continue;
		if (kept++)
			sb_adds(&g, d->or);
		d->term(&g, &t[j]);
	}
	if (kept > 1) {
		sb_adds(sb, "(");
		sb_adds(sb, sb_str(&g));
		sb_adds(sb, ")");
	} else {
		sb_adds(sb, sb_str(&g));
	}
	sb_release(&g);
	return end;
}

/* The terms to look for, or-groups joined by and, into sb. */
static void
looked_for(struct strbuf *sb, const struct dialect *d, const struct term *t,
	   size_t n)
{
	struct strbuf g = STRBUF_INIT;
	size_t i = 0;

	while (i < n) {
		if (t[i].neg) {
			i++;
			continue;
		}
		sb_reset(&g);
		i = group(&g, d, t, n, i);
		if (!g.len)
			continue;
		if (sb->len)
			sb_adds(sb, d->and);
		sb_adds(sb, sb_str(&g));
	}
	sb_release(&g);
}

int
views_fts_query(const char *text, enum sql_engine engine, const char *what,
		char **out, struct wa_err *err)
{
	const struct dialect *d = &dialects[engine];
	struct term *t = xcalloc(strlen(text) + 1, sizeof(*t));
	struct strbuf sb = STRBUF_INIT;
	size_t n = parse(text, t), i, looks = 0;

	*out = NULL;
	for (i = 0; i < n; i++)
		looks += !t[i].neg;
	if (!looks) {
		free(t);
		return wa_err_set(err, WA_EX_USAGE, "invalid_input", n ?
				  "%s: only words to leave out: give one to "
				  "look for" : "%s: no words to look for", what);
	}
	looked_for(&sb, d, t, n);
	for (i = 0; sb.len && i < n; i++) {
		if (!t[i].neg || t[i].empty)
			continue;
		sb_adds(&sb, d->not);
		d->term(&sb, &t[i]);
	}
	free(t);
	if (!sb.len)
		return 0;	/* every term to look for was dropped */
	*out = sb_detach(&sb);
	return 1;
}
