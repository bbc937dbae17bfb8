/* SPDX-License-Identifier: MIT */
/* Quarantine rules (rule 10): jq predicates over the normalised message, compiled once. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jq.h>
#include "quarantine.h"
#include "util.h"

/* Documented in wa-recv(1), QUARANTINE. */
const char *const quarantine_defaults[][2] = {
	{ "ip_link",
	  "(.text // \"\") | contains(\"://\") and "
	  "test(\"(https?|ftp)://\\\\[?[0-9]{1,3}(\\\\.[0-9]{1,3}){3}\"; \"i\")" },
	{ "executable_attachment",
	  ".media.filename != null and (.media.filename | test(\"\\\\."
	  "(exe|scr|bat|cmd|com|pif|vbs|vbe|js|jse|jar|msi|apk|ps1|dll|hta|"
	  "lnk|wsf|cpl|reg)$\"; \"i\"))" },
	/* the type without its parameters, in any case */
	{ "executable_mime",
	  ".media.mime_type != null and ((.media.mime_type | tostring |"
	  " ascii_downcase | sub(\"\\\\s*;.*$\"; \"\") | sub(\"^\\\\s+\"; \"\"))"
	  " as $m | any("
	  "\"application/x-msdownload\", \"application/x-msdos-program\","
	  " \"application/x-dosexec\", \"application/x-executable\","
	  " \"application/x-pie-executable\", \"application/x-sharedlib\","
	  " \"application/x-elf\", \"application/x-mach-binary\","
	  " \"application/vnd.microsoft.portable-executable\","
	  " \"application/vnd.android.package-archive\","
	  " \"application/java-archive\", \"application/x-ms-installer\","
	  " \"application/x-msi\", \"application/x-bat\","
	  " \"application/x-sh\", \"application/x-shellscript\","
	  " \"application/x-csh\", \"text/x-sh\", \"text/x-shellscript\";"
	  " . == $m))" },
	{ NULL, NULL }
};

struct qrule {
	char *name;
	char *predicate;
};

struct quarantine {
	struct qrule *rules;
	int n, cap;
	jq_state *jq;		/* NULL until compiled, or with no rules */
	char jq_error[256];	/* the last compile message */
	int defaults_only;	/* the rules are exactly the defaults */
	int lazy;		/* defaults: compiled on the first message
				   they might hold for */
};

static void
rule_free(struct qrule *r)
{
	free(r->name);
	free(r->predicate);
}

struct quarantine *
quarantine_new(void)
{
	struct quarantine *q = xcalloc(1, sizeof(*q));
	struct wa_err err;
	int i;

	for (i = 0; quarantine_defaults[i][0]; i++)
		quarantine_set(q, quarantine_defaults[i][0],
			       quarantine_defaults[i][1], &err);
	return q;
}

void
quarantine_free(struct quarantine *q)
{
	int i;

	if (!q)
		return;
	for (i = 0; i < q->n; i++)
		rule_free(&q->rules[i]);
	free(q->rules);
	if (q->jq)
		jq_teardown(&q->jq);
	free(q);
}

int
quarantine_count(const struct quarantine *q)
{
	return q->n;
}

static int
name_ok(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-')
			return 0;
	return 1;
}

int
quarantine_set(struct quarantine *q, const char *name, const char *predicate,
	       struct wa_err *err)
{
	int i;

	if (!name_ok(name))
		return wa_err_set(err, WA_EX_CONFIG, "invalid_input",
				  "quarantine rule name '%s': use letters, "
				  "digits, '_' and '-'", name);
	for (i = 0; i < q->n; i++)
		if (strcmp(q->rules[i].name, name) == 0)
			break;
	if (!predicate) {
		if (i < q->n) {
			rule_free(&q->rules[i]);
			memmove(&q->rules[i], &q->rules[i + 1],
				(size_t)(q->n - i - 1) * sizeof(*q->rules));
			q->n--;
		}
		return 0;
	}
	if (i == q->n) {
		if (q->n == q->cap) {
			q->cap = q->cap ? 2 * q->cap : 8;
			q->rules = xrealloc(q->rules,
					    (size_t)q->cap * sizeof(*q->rules));
		}
		q->rules[q->n].name = xstrdup(name);
		q->rules[q->n].predicate = NULL;
		q->n++;
	}
	free(q->rules[i].predicate);
	q->rules[i].predicate = xstrdup(predicate);
	return 0;
}

static char *
trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* One line of a rules file; 0 or -1 with err. */
static int
file_line(struct quarantine *q, char *line, struct wa_err *err)
{
	char *s = trim(line), *pred;

	if (!*s || *s == '#')
		return 0;
	if (*s == '!')
		return quarantine_set(q, trim(s + 1), NULL, err);
	pred = s;
	while (*pred && !isspace((unsigned char)*pred))
		pred++;
	if (!*pred)
		return wa_err_set(err, WA_EX_CONFIG, "invalid_input",
				  "rule '%s' has no predicate", s);
	*pred++ = '\0';
	return quarantine_set(q, s, trim(pred), err);
}

int
quarantine_load_file(struct quarantine *q, const char *path,
		     struct wa_err *err)
{
	FILE *fp = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	long n = 0;
	int rc = 0;

	if (!fp)
		return wa_err_set(err, WA_EX_CONFIG, "config",
				  "quarantine rules '%s': %s", path,
				  strerror(errno));
	while (rc == 0 && getline(&line, &cap, fp) != -1) {
		n++;
		rc = file_line(q, line, err);
	}
	if (rc < 0) {
		err->sysexit = WA_EX_CONFIG;
		wa_err_prefix(err, "%s: line %ld", path, n);
	}
	free(line);
	fclose(fp);
	return rc;
}

int
quarantine_load_table(struct quarantine *q, struct store *st,
		      struct wa_err *err)
{
	struct sq *r = store_q(st, Q_QUARANTINE_RULES);
	int rc;

	while ((rc = sq_step(r)) > 0) {
		const char *name = sq_col_text(r, 0);
		const char *pred = sq_col_text(r, 1);

		if (quarantine_set(q, name ? name : "",
				   sq_col_int(r, 2) ? pred : NULL, err) < 0) {
			sq_reset(r);
			wa_err_prefix(err, "quarantine_rules table");
			return -1;
		}
	}
	return rc < 0 ? sq_fail(r, err, "read quarantine rules") : 0;
}

static void
jq_msg(void *data, jv msg)
{
	struct quarantine *q = data;

	if (q->jq_error[0])
		;	/* keep the first, most precise message */
	else if (jv_get_kind(msg) == JV_KIND_STRING)
		snprintf(q->jq_error, sizeof(q->jq_error), "%s",
			 jv_string_value(msg));
	else if (jv_invalid_has_msg(jv_copy(msg))) {
		jv m = jv_invalid_get_msg(jv_copy(msg));

		if (jv_get_kind(m) == JV_KIND_STRING)
			snprintf(q->jq_error, sizeof(q->jq_error), "%s",
				 jv_string_value(m));
		jv_free(m);
	}
	/* the first line: jq goes on with the program text, which is ours
	 * (the rules wrapped), not the user's */
	q->jq_error[strcspn(q->jq_error, "\n")] = '\0';
	jv_free(msg);
}

/* Compiles program; returns the state or NULL with q->jq_error set. */
static jq_state *
compile(struct quarantine *q, const char *program)
{
	jq_state *jq = jq_init();

	if (!jq)
		return NULL;
	q->jq_error[0] = '\0';
	jq_set_error_cb(jq, jq_msg, q);
	if (!jq_compile(jq, program)) {
		jq_teardown(&jq);
		return NULL;
	}
	return jq;
}

/* The first rule that fails to compile on its own names the error. */
static int
blame(struct quarantine *q, struct wa_err *err)
{
	struct strbuf sb = STRBUF_INIT;
	jq_state *jq;
	int i;

	for (i = 0; i < q->n; i++) {
		sb_reset(&sb);
		sb_addf(&sb, "first((try (%s\n) catch false), false)",
			q->rules[i].predicate);
		jq = compile(q, sb_str(&sb));
		if (!jq)
			break;
		jq_teardown(&jq);
	}
	sb_release(&sb);
	return wa_err_set(err, WA_EX_CONFIG, "config",
			  "quarantine rule '%s' does not compile: %s",
			  i < q->n ? q->rules[i].name : "?", q->jq_error);
}

/* Whether q holds the default rules and nothing else. */
static int
is_defaults(const struct quarantine *q)
{
	int i, j, n;

	for (n = 0; quarantine_defaults[n][0]; n++)
		;
	if (q->n != n)
		return 0;
	for (i = 0; i < n; i++) {
		for (j = 0; j < q->n; j++)
			if (strcmp(q->rules[j].name, quarantine_defaults[i][0]) ==
			    0)
				break;
		if (j == q->n ||
		    strcmp(q->rules[j].predicate, quarantine_defaults[i][1]))
			return 0;
	}
	return 1;
}

/*
 * Whether none of the default rules can hold for rec, without running
 * them: each is "X and ...", with X false unless the text is a string
 * holding "://" (ip_link: `.text // ""` then contains; anything else
 * but a string fails and counts as false) or media is an object
 * (.media.filename, .media.mime_type). Most messages are plain text, and
 * a jq run is a good part of reading one.
 */
static int
defaults_cannot_hold(jv rec)
{
	jv text, media;
	int may;

	media = jv_object_get(jv_copy(rec), jv_string("media"));
	may = jv_get_kind(media) == JV_KIND_OBJECT;
	jv_free(media);
	if (may)
		return 0;
	text = jv_object_get(jv_copy(rec), jv_string("text"));
	if (jv_get_kind(text) == JV_KIND_STRING) {
		const char *s = jv_string_value(text);
		int i, n = jv_string_length_bytes(jv_copy(text));

		for (i = 0; i + 2 < n && !may; i++)
			may = s[i] == ':' && s[i + 1] == '/' && s[i + 2] == '/';
	}
	jv_free(text);
	return !may;
}

/* One program, one run per message: the first rule that holds yields
 * its name. */
static jq_state *
compile_all(struct quarantine *q)
{
	struct strbuf sb = STRBUF_INIT;
	jq_state *jq;
	jv name;
	int i;

	for (i = 0; i < q->n; i++) {
		name = jv_dump_string(jv_string(q->rules[i].name), 0);
		sb_addf(&sb, "%s first((try (%s\n) catch false), false) then %s ",
			i ? "elif" : "if", q->rules[i].predicate,
			jv_string_value(name));
		jv_free(name);
	}
	sb_adds(&sb, "else null end");
	jq = compile(q, sb_str(&sb));
	sb_release(&sb);
	return jq;
}

int
quarantine_compile(struct quarantine *q, struct wa_err *err)
{
	if (q->jq)
		jq_teardown(&q->jq);
	q->defaults_only = is_defaults(q);
	q->lazy = 0;
	if (!q->n)
		return 0;
	/* The defaults compile (t-quarantine): most messages cannot match
	 * them, and a run that meets none is spared jq's compile, about as
	 * costly as ingesting 450 deliveries. */
	if (q->defaults_only) {
		q->lazy = 1;
		return 0;
	}
	q->jq = compile_all(q);
	if (!q->jq)
		return blame(q, err);
	return 0;
}

const char *
quarantine_match(struct quarantine *q, jv rec)
{
	const char *hit = NULL;
	jv v;
	int i;

	if (!q || (q->defaults_only && defaults_cannot_hold(rec)))
		return NULL;
	if (q->lazy) {
		q->lazy = 0;
		q->jq = compile_all(q);
	}
	if (!q->jq)
		return NULL;
	jq_start(q->jq, jv_copy(rec), 0);
	v = jq_next(q->jq);
	if (jv_get_kind(v) == JV_KIND_STRING)
		for (i = 0; i < q->n && !hit; i++)
			if (strcmp(q->rules[i].name, jv_string_value(v)) == 0)
				hit = q->rules[i].name;
	jv_free(v);
	/* Let go of rec now: it may be handed to another thread, and jq
	 * would otherwise keep a reference until the next run. */
	jq_start(q->jq, jv_null(), 0);
	return hit;
}

struct quarantine *
quarantine_copy(const struct quarantine *q, struct wa_err *err)
{
	struct quarantine *c = xcalloc(1, sizeof(*c));
	int i;

	for (i = 0; i < q->n; i++)
		quarantine_set(c, q->rules[i].name, q->rules[i].predicate,
			       err);
	if (quarantine_compile(c, err) < 0) {
		quarantine_free(c);
		return NULL;
	}
	return c;
}
