/* SPDX-License-Identifier: MIT */
/* Offline checks of a create payload's placeholders and their examples (template_params). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "template.h"
#include "template_int.h"
#include "jsonl.h"
#include "util.h"

/* Lowercase letters, digits and '_', not starting with a digit. */
static int
param_name_ok(const char *s)
{
	const char *p;

	if (!*s || isdigit((unsigned char)*s))
		return 0;
	for (p = s; *p; p++)
		if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) ||
		      *p == '_'))
			return 0;
	return 1;
}

/* The i-th placeholder of text: its form, once only, in range, not
 * next to the one before; *max grows to the largest positional one. */
static int
check_one(const char *text, const char *field, int named,
	  const struct template_phs *ph, int i, int *max, struct wa_err *err)
{
	const char *nm = ph->v[i].name;
	long long v;
	size_t j;
	int k;

	if (named && template_all_digits(nm))
		return template_bad_param(err, field, "'{{%s}}' is positional "
					  "but parameter_format is named", nm);
	if (!named && !template_all_digits(nm))
		return template_bad_param(err, field, "'{{%s}}' is named but "
					  "parameter_format is positional (set "
					  "\"parameter_format\":\"named\")",
					  nm);
	if (named && !param_name_ok(nm))
		return template_bad_param(err, field, "'{{%s}}': parameter "
					  "names are lowercase letters, "
					  "digits and '_'", nm);
	for (k = 0; k < i; k++)
		if (strcmp(ph->v[k].name, nm) == 0)
			return template_bad_param(err, field, "'{{%s}}' is "
						  "used more than once", nm);
	if (!named) {
		if (parse_int(nm, 1, 1000, &v) < 0)
			return template_bad_param(err, field, "'{{%s}}' is out "
						  "of range", nm);
		if (v > *max)
			*max = (int)v;
	}
	if (i > 0) {
		for (j = ph->v[i - 1].end; j < ph->v[i].start; j++)
			if (!isspace((unsigned char)text[j]))
				break;
		if (j == ph->v[i].start)
			return template_bad_param(err, field, "'{{%s}}' is "
						  "adjacent to the "
						  "placeholder before it", nm);
	}
	return 0;
}

/* Positional placeholders up to max that are not {{1}}..{{n}}: the
 * first one missing. */
static int
check_gaps(const char *field, const struct template_phs *ph, int max,
	   struct wa_err *err)
{
	char *seen;
	long long v;
	int i;

	seen = xcalloc((size_t)max + 1, 1);
	for (i = 0; i < ph->n; i++)
		if (parse_int(ph->v[i].name, 1, max, &v) == 0)
			seen[v] = 1;
	for (i = 1; i <= max && seen[i]; i++)
		;
	free(seen);
	char num[16];
	snprintf(num, sizeof(num), "%d", i);
	return template_bad_param(err, field, "placeholders must be {{1}}, "
				  "{{2}}, ... without gaps: {{%s}} is missing",
				  num);
}

/* A body's text may neither start nor end with a placeholder. */
static int
check_ends(const char *text, const char *field,
	   const struct template_phs *ph, struct wa_err *err)
{
	size_t j;

	for (j = 0; j < ph->v[0].start; j++)
		if (!isspace((unsigned char)text[j]))
			break;
	if (j == ph->v[0].start)
		return template_bad_param(err, field, "the text may not start "
					  "with a placeholder");
	for (j = ph->v[ph->n - 1].end; text[j]; j++)
		if (!isspace((unsigned char)text[j]))
			break;
	if (!text[j])
		return template_bad_param(err, field, "the text may not end "
					  "with a placeholder");
	return 0;
}

int
template_check_placeholders(const char *text, const char *field, int named,
			    int is_body, struct template_phs *ph,
			    struct wa_err *err)
{
	int i, max = 0;

	template_phs_scan(text, ph);
	if (ph->bad)
		return template_bad_param(err, field, "malformed placeholder "
					  "(use {{1}} or {{name}})");
	for (i = 0; i < ph->n; i++)
		if (check_one(text, field, named, ph, i, &max, err) < 0)
			return -1;
	if (!named && max != ph->n)
		return check_gaps(field, ph, max, err);
	if (is_body && ph->n > 0)
		return check_ends(text, field, ph, err);
	return 0;
}

/* Positional examples: row (borrowed) holds one non-empty string for
 * each placeholder. */
static int
positional_examples(jv row, const char *f, const struct template_phs *ph,
		    struct wa_err *err)
{
	int i, n = jv_array_length(jv_copy(row)), rc = 0;
	char cnt[48];

	snprintf(cnt, sizeof(cnt), "%d values, got %d", ph->n, n);
	if (n != ph->n)
		return template_bad_param(err, f, "needs %s", cnt);
	for (i = 0; i < n && rc == 0; i++) {
		jv v = jv_array_get(jv_copy(row), i);

		if (jv_get_kind(v) != JV_KIND_STRING ||
		    !jv_string_value(v)[0])
			rc = template_bad_param(err, f, "example values must "
						"be non-empty strings");
		jv_free(v);
	}
	return rc;
}

/* Named examples: row (borrowed) has an example for every name, and
 * names nothing else. */
static int
named_examples(jv row, const char *f, const struct template_phs *ph,
	       struct wa_err *err)
{
	int i, rc = 0;

	for (i = 0; i < ph->n && rc == 0; i++) {
		int found = 0;

		jv_array_foreach(row, k, e) {
			const char *pn = jx_cstr(e, "param_name");
			const char *pe = jx_cstr(e, "example");

			if (pn && strcmp(pn, ph->v[i].name) == 0 && pe && *pe)
				found = 1;
			(void)k;
			jv_free(e);
		}
		if (!found)
			rc = template_bad_param(err, f, "no example for '%s'",
						ph->v[i].name);
	}
	jv_array_foreach(row, k, e) {
		const char *pn = jx_cstr(e, "param_name");
		int m;

		for (m = 0; rc == 0 && m < ph->n; m++)
			if (pn && strcmp(pn, ph->v[m].name) == 0)
				break;
		if (rc == 0 && m == ph->n)
			rc = template_bad_param(err, f, "'%s' is not a "
						"placeholder of the text",
						pn ? pn : "(no param_name)");
		(void)k;
		jv_free(e);
	}
	return rc;
}

int
template_check_examples(jv comp, const char *field, const char *key,
			int named, int nested, const struct template_phs *ph,
			struct wa_err *err)
{
	char f[128];
	jv ex = jx_path(comp, "example", key, NULL), row;
	int rc;

	snprintf(f, sizeof(f), "%s.example.%s", field, key);
	if (ph->n == 0) {
		jv_free(ex);
		return 0;
	}
	if (jv_get_kind(ex) != JV_KIND_ARRAY) {
		jv_free(ex);
		return template_bad_param(err, f, "missing: every parameter "
					  "needs an example value");
	}
	row = nested && !named ? jv_array_get(jv_copy(ex), 0) : jv_copy(ex);
	if (jv_get_kind(row) != JV_KIND_ARRAY)
		rc = template_bad_param(err, f, "must be an array of example "
					"values");
	else if (!named)
		rc = positional_examples(row, f, ph, err);
	else
		rc = named_examples(row, f, ph, err);
	jv_free(row);
	jv_free(ex);
	return rc;
}
