/* SPDX-License-Identifier: MIT */
/* Routing rules as one jq program, compiled once (libjq 1.6 compiles slowly); a rule checked alone. */
#include <stdlib.h>
#include <string.h>
#include "routing.h"
#include "routing_int.h"
#include "jqwhere.h"
#include "jsonl.h"
#include "util.h"

/*
 * libjq 1.6 spends some 170 million instructions compiling any program,
 * so every rule goes into one, compiled once per connection:
 *
 *	def _wa_rule(f): try (label $m | f | select(. == true) | 1,
 *	    break $m) catch {"e": .};
 *	(_wa_rule((RULE0)) | [0, .]), (_wa_rule((RULE1)) | [1, .]), ...
 *
 * A rule yields 1 at its first true, {"e": message} when it fails first,
 * or nothing. The caller takes the first output only, and jq computes
 * outputs when asked: the rules after the one that decides are never
 * run. A rule stands on lines of its own (a "#" comment ends with its
 * line). 1.6's try also catches a break that crosses it, so the label
 * is inside the try and the first output is taken in C, not by first().
 * With all set, the program is [...] of every rule's [i, 1 | 0 | {"e"}]
 * (route test).
 */
static const char RULE_DEF[] =
	"def _wa_rule(f): try (label $m | f | select(. == true) | 1,"
	" break $m) catch {\"e\": .};\n";

void
routing_program(struct strbuf *sb, const struct routing_rules *r,
		const char *const *bad, int all)
{
	size_t i;

	sb_adds(sb, RULE_DEF);
	sb_adds(sb, all ? "[" : "");
	for (i = 0; i < r->n; i++) {
		sb_adds(sb, i ? ",\n(" : "(");
		sb_adds(sb, all ? "[_wa_rule((\n" : "_wa_rule((\n");
		if (bad && bad[i]) {
			sb_adds(sb, "error(");
			jsonl_dump_str(sb, bad[i]);
			sb_adds(sb, ")");
		} else {
			sb_adds(sb, r->v[i].where);
		}
		if (all)
			sb_addf(sb, "\n))] | [%zu, (.[0] // 0)])", i);
		else
			sb_addf(sb, "\n)) | [%zu, .])", i);
	}
	if (!r->n)
		sb_adds(sb, "empty");
	sb_adds(sb, all ? "]" : "");
}

/* One rule alone in the wrapper: 0 when it compiles so, else -1 with
 * err (invalid_input, 64) from jq. */
int
routing_rule_check(const char *where, const char *what, struct wa_err *err)
{
	struct routing_rule_row row = { 0 };
	struct routing_rules one = { &row, 1, 1 };
	struct strbuf sb = STRBUF_INIT;
	int rc;

	row.where = (char *)where;
	routing_program(&sb, &one, NULL, 0);
	rc = jqwhere_check(sb_str(&sb), what, err);
	sb_release(&sb);
	return rc;
}

int
routing_compile(struct jqwhere *w, const struct routing_rules *r, int all)
{
	struct strbuf sb = STRBUF_INIT;
	struct wa_err err;
	char **bad = NULL;
	size_t i;
	int rc;

	routing_program(&sb, r, NULL, all);
	rc = jqwhere_compile(w, sb_str(&sb), "routing rules", &err);
	if (rc < 0 && r->n) {
		/* Rules are checked when added; one that no longer compiles
		 * (another libjq) fails alone, as a run-time error. */
		jqwhere_free(w);
		bad = xcalloc(r->n, sizeof(*bad));
		for (i = 0; i < r->n; i++)
			if (routing_rule_check(r->v[i].where,
					       "does not compile", &err) < 0)
				bad[i] = xstrdup(err.message);
		sb_reset(&sb);
		routing_program(&sb, r, (const char *const *)bad, all);
		rc = jqwhere_compile(w, sb_str(&sb), "routing rules", &err);
		for (i = 0; i < r->n; i++)
			free(bad[i]);
		free(bad);
	}
	sb_release(&sb);
	return rc;
}
