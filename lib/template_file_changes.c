/* SPDX-License-Identifier: MIT */
/* What differs between a template file's content and the template Meta has. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "template_files.h"
#include "jsonl.h"
#include "util.h"

/* Upper-cases the string at obj[key], when there is one. */
static jv
upper_key(jv obj, const char *key)
{
	const char *s = jx_cstr(obj, key);
	char *u;
	size_t i;
	jv v;

	if (!s)
		return obj;
	u = xstrdup(s);
	for (i = 0; u[i]; i++)
		u[i] = (char)toupper((unsigned char)u[i]);
	v = jv_string(u);
	free(u);
	return jv_object_set(obj, jv_string(key), v);
}

/* A component as Meta stores it: type, format and button types in
 * capitals (taken, owned). */
static jv
normal_component(jv c)
{
	jv buttons, out;

	if (jv_get_kind(c) != JV_KIND_OBJECT)
		return c;
	c = upper_key(upper_key(c, "type"), "format");
	buttons = jx_get(c, "buttons");
	if (jv_get_kind(buttons) != JV_KIND_ARRAY) {
		jv_free(buttons);
		return c;
	}
	out = jv_array();
	jv_array_foreach(buttons, i, b) {
		out = jv_array_append(out, jv_get_kind(b) == JV_KIND_OBJECT ?
				      upper_key(b, "type") : b);
		(void)i;
	}
	jv_free(buttons);
	return jv_object_set(c, jv_string("buttons"), out);
}

static int
str_ieq(const char *a, const char *b)
{
	return strcasecmp(a ? a : "", b ? b : "") == 0;
}

/* The file asks for another category than Meta's. */
static int
category_asked(jv tpl, jv row)
{
	const char *want = jx_cstr(tpl, "category");
	const char *at_meta = jx_cstr(row, "category");
	const char *pulled = template_file_meta(tpl, "category");

	if (str_ieq(want, at_meta))
		return 0;
	return !pulled || !str_ieq(want, pulled);
}

static jv
component_changes(jv mine, jv theirs, jv fields)
{
	int n = jv_array_length(jv_copy(mine));
	int m = jv_array_length(jv_copy(theirs)), i;
	char f[48];

	for (i = 0; i < n || i < m; i++) {
		jv a = i < n ? normal_component(jv_array_get(jv_copy(mine),
								 i)) :
			       jv_null();
		jv b = i < m ? normal_component(jv_array_get(jv_copy(theirs),
								 i)) :
			       jv_null();

		if (!jv_equal(a, b)) {
			snprintf(f, sizeof(f), "components[%d]", i);
			fields = jv_array_append(fields, jv_string(f));
		}
	}
	return fields;
}

jv
template_file_changes(jv tpl, jv row)
{
	jv fields = jv_array(), mine, theirs;
	const char *pf = jx_cstr(tpl, "parameter_format");

	if (category_asked(tpl, row))
		fields = jv_array_append(fields, jv_string("category"));
	if (!str_ieq(pf ? pf : "POSITIONAL",
		     jx_cstr(row, "parameter_format")))
		fields = jv_array_append(fields,
					 jv_string("parameter_format"));
	mine = jx_get(tpl, "components");
	theirs = jx_get(row, "components");
	if (jv_get_kind(theirs) != JV_KIND_ARRAY) {
		jv_free(theirs);
		theirs = jv_array();
	}
	if (jv_get_kind(mine) == JV_KIND_ARRAY)
		fields = component_changes(mine, theirs, fields);
	jv_free(mine);
	jv_free(theirs);
	return fields;
}
