/* SPDX-License-Identifier: MIT */
/* Unit tests for lib/views_fts.c: the search syntax as FTS5 and as tsquery text. */
#include <stdlib.h>
#include "tap.h"
#include "views.h"

struct fts_case {
	const char *text;
	int rc;			/* views_fts_query's */
	const char *fts5;	/* NULL when rc <= 0 */
	const char *pg;
	const char *what;
};

static const struct fts_case cases[] = {
	{ "order", 1, "\"order\"", "'order'", "a word" },
	{ "  order   missing ", 1, "\"order\" AND \"missing\"",
	  "'order' & 'missing'", "words are ANDed" },
	{ "refünd", 1, "\"refünd\"", "'refünd'",
	  "letters beyond ASCII are kept (the index folds them)" },
	{ "order-123", 1, "\"order-123\"", "('order-123' | 'order' <-> '123')",
	  "a word the index cuts: its pieces, and whole on PostgreSQL" },
	{ "x@y.com", 1, "\"x@y.com\"", "('x@y.com' | 'x' <-> 'y' <-> 'com')",
	  "an address" },
	{ "\"late order\"", 1, "\"late order\"", "('late' <-> 'order')",
	  "a phrase" },
	{ "\"late, order\"*", 1, "\"late, order\" *",
	  "('late' <-> 'order':*)",
	  "a phrase ending in a prefix" },
	{ "refund*", 1, "\"refund\" *", "'refund':*", "a prefix" },
	{ "refund**", 1, "\"refund\" *", "'refund':*", "stars are one" },
	{ "order -refund", 1, "\"order\" NOT \"refund\"",
	  "'order' & !'refund'", "a word left out" },
	{ "-refund order", 1, "\"order\" NOT \"refund\"",
	  "'order' & !'refund'", "wherever it stands" },
	{ "order -\"late order\"", 1, "\"order\" NOT \"late order\"",
	  "'order' & !('late' <-> 'order')", "a phrase left out" },
	{ "refund or return", 1, "(\"refund\" OR \"return\")",
	  "('refund' | 'return')", "or" },
	{ "refund OR return or money invoice", 1,
	  "(\"refund\" OR \"return\" OR \"money\") AND \"invoice\"",
	  "('refund' | 'return' | 'money') & 'invoice'",
	  "or binds before and" },
	{ "or", 1, "\"or\"", "'or'", "a lone or is a word" },
	{ "this or", 1, "\"this\" AND \"or\"", "'this' & 'or'",
	  "a trailing or is a word" },
	{ "a or or b", 1, "(\"a\" OR \"or\") AND \"b\"",
	  "('a' | 'or') & 'b'", "the second or is a word" },
	{ "a or -b", 1, "\"a\" AND \"or\" NOT \"b\"", "'a' & 'or' & !'b'",
	  "or before a word left out is a word" },
	{ "# order", 1, "\"order\"", "'order'",
	  "a term with no letter or digit is dropped" },
	{ "# or order", 1, "\"order\"", "'order'", "also in an or" },
	{ "order -#", 1, "\"order\"", "'order'", "also when left out" },
	{ "NEAR( \"quote * col:x OR", 1, "\"NEAR(\" AND \"quote * col:x OR\"",
	  "('NEAR(' | 'NEAR') & ('quote' <-> 'col' <-> 'x' <-> 'OR')",
	  "FTS5 syntax is text; an open quote runs to the end" },
	{ "a\"b it's c:\\d", 1, "\"a\"\"b\" AND \"it's\" AND \"c:\\d\"",
	  "('a\"b' | 'a' <-> 'b') & ('it''s' | 'it' <-> 's') & "
	  "('c:\\\\d' | 'c' <-> 'd')", "quotes and backslashes escaped" },
	{ "#", 0, NULL, NULL, "only punctuation: nothing can match" },
	{ "# -order", 0, NULL, NULL, "nothing left to look for" },
	{ "", -1, NULL, NULL, "no text" },
	{ " \t ", -1, NULL, NULL, "only space" },
	{ "\"\" *", -1, NULL, NULL, "an empty phrase and a lone star" },
	{ "-refund", -1, NULL, NULL, "only a word left out" },
	{ "-", 0, NULL, NULL, "a lone dash is punctuation" },
};

int
main(void)
{
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct fts_case *c = &cases[i];
		struct wa_err err;
		char *lite = NULL, *pg = NULL;
		int rc_lite, rc_pg;

		wa_err_clear(&err);
		rc_lite = views_fts_query(c->text, SQL_SQLITE, "--search",
					  &lite, &err);
		rc_pg = views_fts_query(c->text, SQL_PG, "--search", &pg,
					&err);
		is_int(rc_lite, c->rc, "%s: rc", c->what);
		is_int(rc_pg, c->rc, "%s: rc on PostgreSQL", c->what);
		is_str(lite, c->fts5, "%s: FTS5", c->what);
		is_str(pg, c->pg, "%s: tsquery", c->what);
		if (c->rc < 0)
			is_int(err.sysexit, 64, "%s: exit 64", c->what);
		free(lite);
		free(pg);
	}
	return done_testing();
}
