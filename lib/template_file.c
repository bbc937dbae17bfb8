/* SPDX-License-Identifier: MIT */
/* One template as a file: reading, offline checks with the line of the field, the stable form, changes. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "template_files.h"
#include "template.h"
#include "template_int.h"
#include "json_locate.h"
#include "jsonl.h"
#include "util.h"

#define TEMPLATE_FILE_MAX (1 << 20)	/* a template is a few KiB */

/* The keys a template file may hold. */
static const char *const file_keys[] = {
	"name", "language", "category", "parameter_format", "components",
	TEMPLATE_FILE_META, NULL
};

/* The keys of its TEMPLATE_FILE_META part. */
static const char *const meta_keys[] = {
	"id", "status", "category", "reason", NULL
};

static const char *
base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/* NAME and LANGUAGE of "NAME.LANGUAGE.json" into f, when it is one. */
static void
split_name(struct template_file *f)
{
	const char *b = base_name(f->path), *dot;
	size_t n = strlen(b), sl = strlen(TEMPLATE_FILE_SUFFIX);
	char *stem;

	if (n <= sl || strcmp(b + n - sl, TEMPLATE_FILE_SUFFIX) != 0)
		return;
	stem = xstrndup(b, n - sl);
	dot = strrchr(stem, '.');
	if (dot && dot > stem && dot[1]) {
		f->name = xstrndup(stem, (size_t)(dot - stem));
		f->language = xstrdup(dot + 1);
	}
	free(stem);
}

static int
read_all(FILE *fp, struct template_file *f, struct wa_err *err)
{
	struct strbuf sb = STRBUF_INIT;
	char buf[8192];
	size_t n;

	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0) {
		sb_add(&sb, buf, n);
		if (sb.len > TEMPLATE_FILE_MAX) {
			sb_release(&sb);
			return wa_err_set(err, WA_EX_DATAERR, "invalid_input",
					  "%s: larger than 1 MiB", f->path);
		}
	}
	if (ferror(fp)) {
		sb_release(&sb);
		return wa_err_set(err, WA_EX_IOERR, "io", "%s: cannot read: "
				  "%s", f->path, strerror(errno));
	}
	f->len = sb.len;
	f->text = sb_detach(&sb);
	return 0;
}

int
template_file_read(struct template_file *f, const char *path,
		   struct wa_err *err)
{
	FILE *fp = fopen(path, "r");
	struct stat sb;
	int rc;

	f->path = xstrdup(path);
	f->tpl = jv_invalid();
	if (!fp)
		return wa_err_set(err, WA_EX_NOINPUT, "invalid_input", "%s: "
				  "cannot open: %s", path, strerror(errno));
	if (fstat(fileno(fp), &sb) == 0 && S_ISDIR(sb.st_mode)) {
		fclose(fp);
		return wa_err_set(err, WA_EX_NOINPUT, "invalid_input", "%s: "
				  "is a directory", path);
	}
	rc = read_all(fp, f, err);
	fclose(fp);
	if (rc < 0)
		return -1;
	split_name(f);
	f->tpl = jv_parse_sized(f->text, (int)f->len);
	return 0;
}

void
template_file_release(struct template_file *f)
{
	free(f->path);
	free(f->text);
	free(f->name);
	free(f->language);
	jv_free(f->tpl);
	memset(f, 0, sizeof(*f));
	f->tpl = jv_invalid();
}

/* ---- checks ---- */

/* "at line N" of jq's parse error, else 1; never past the file's last
 * line. Only before " (while parsing": jq quotes the input after it,
 * and a file may say "at line 5" itself (fuzz-template-file). */
static long
parse_error_line(const char *msg, const struct template_file *f)
{
	const char *at = strstr(msg, "at line ");
	const char *quoted = strstr(msg, " (while parsing");
	long long v;
	long lines = 1;
	char num[24];
	size_t n, i;

	if (!at || (quoted && at > quoted))
		return 1;
	at += strlen("at line ");
	n = strspn(at, "0123456789");
	if (n == 0 || n >= sizeof(num))
		return 1;
	memcpy(num, at, n);
	num[n] = '\0';
	if (parse_int(num, 1, 1L << 30, &v) < 0)
		return 1;
	for (i = 0; i < f->len; i++)
		lines += f->text[i] == '\n';
	return v < lines ? (long)v : lines;
}

/* The line of the field an error message starts with ("FIELD: ..."). */
static long
field_line(const struct template_file *f, const char *msg)
{
	const char *colon = strstr(msg, ": ");
	char field[256];
	size_t n = colon ? (size_t)(colon - msg) : 0;

	if (n == 0 || n >= sizeof(field))
		return 1;
	memcpy(field, msg, n);
	field[n] = '\0';
	return json_locate_line(f->text, f->len, field);
}

static int
in_list(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(s, *list) == 0)
			return 1;
	return 0;
}

/* Known top-level keys; TEMPLATE_FILE_META an object of known strings. */
static int
check_keys(jv tpl, struct wa_err *err)
{
	jv meta = jx_get(tpl, TEMPLATE_FILE_META);
	int rc = 0;

	jv_object_foreach(tpl, k, v) {
		if (rc == 0 && !in_list(jv_string_value(k), file_keys))
			rc = wa_err_set(err, WA_EX_REJECTED, "invalid_input",
					"%s: not a key of a template file (name, "
					"language, category, parameter_format, "
					"components, " TEMPLATE_FILE_META ")",
					jv_string_value(k));
		jv_free(k);
		jv_free(v);
	}
	if (rc == 0 && jv_is_valid(meta) &&
	    jv_get_kind(meta) != JV_KIND_OBJECT)
		rc = wa_err_set(err, WA_EX_REJECTED, "invalid_input", "%s: "
				"must be an object", TEMPLATE_FILE_META);
	if (rc == 0 && jv_is_valid(meta))
		jv_object_foreach(meta, k, v) {
			jv_kind kind = jv_get_kind(v);

			if (rc == 0 && (!in_list(jv_string_value(k), meta_keys) ||
			    (kind != JV_KIND_STRING && kind != JV_KIND_NULL)))
				rc = wa_err_set(err, WA_EX_REJECTED,
					"invalid_input", "%s.%s: not one of "
					"Meta's strings (id, status, category, "
					"reason)", TEMPLATE_FILE_META,
					jv_string_value(k));
			jv_free(k);
			jv_free(v);
		}
	jv_free(meta);
	return rc;
}

/* "name" and "language" are those of the file name. */
static int
check_file_name(const struct template_file *f, struct wa_err *err)
{
	const char *name = jx_cstr(f->tpl, "name");
	const char *lang = jx_cstr(f->tpl, "language");

	if (!f->name)
		return wa_err_set(err, WA_EX_REJECTED, "invalid_input",
				  "file: '%s' is not named NAME.LANGUAGE%s",
				  base_name(f->path), TEMPLATE_FILE_SUFFIX);
	if (!name)
		return wa_err_set(err, WA_EX_REJECTED, "invalid_input",
				  "name: missing");
	if (!lang)
		return wa_err_set(err, WA_EX_REJECTED, "invalid_input",
				  "language: missing");
	if (strcmp(name, f->name) != 0)
		return wa_err_set(err, WA_EX_REJECTED, "invalid_input",
				  "name: '%s', but the file is named for '%s'",
				  name, f->name);
	if (strcmp(lang, f->language) != 0)
		return wa_err_set(err, WA_EX_REJECTED, "invalid_input",
				  "language: '%s', but the file is named for "
				  "'%s'", lang, f->language);
	return 0;
}

int
template_file_check(const struct template_file *f, int full, long *line,
		    struct wa_err *err)
{
	char msg[400];
	jv v, payload;
	int rc;

	*line = 1;
	if (!jv_is_valid(f->tpl)) {
		v = jv_invalid_get_msg(jv_copy(f->tpl));

		snprintf(msg, sizeof(msg), "%s", jv_get_kind(v) ==
			 JV_KIND_STRING ? jv_string_value(v) : "not JSON");
		jv_free(v);
		*line = parse_error_line(msg, f);
		jsonl_clean_message(msg);
		return wa_err_set(err, WA_EX_REJECTED, "invalid_input",
				  "not JSON: %s", msg);
	}
	if (jv_get_kind(f->tpl) != JV_KIND_OBJECT)
		return wa_err_set(err, WA_EX_REJECTED, "invalid_input",
				  "template: must be a JSON object");
	rc = full ? check_keys(f->tpl, err) : 0;
	if (rc == 0 && full) {
		payload = template_file_payload(f->tpl);
		rc = template_validate(payload, err);
		jv_free(payload);
	}
	if (rc == 0)
		rc = check_file_name(f, err);
	if (rc < 0)
		*line = field_line(f, err->message);
	return rc;
}

/* ---- the stable form ---- */

/* Only characters a file name can hold everywhere: Meta's names are
 * a-z, 0-9 and '_'; languages letters and '_' (webhooks: '-'). */
static int
file_safe(const char *s)
{
	static const char ok[] = "abcdefghijklmnopqrstuvwxyz"
				 "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-";

	return *s && strspn(s, ok) == strlen(s);
}

char *
template_file_name(const char *name, const char *language)
{
	struct strbuf sb = STRBUF_INIT;

	if (!name || !language || !file_safe(name) || !file_safe(language))
		return NULL;
	sb_addf(&sb, "%s.%s%s", name, language, TEMPLATE_FILE_SUFFIX);
	return sb_detach(&sb);
}

/* row[key] when it is a string, else nothing. */
static jv
set_str(jv obj, const char *key, jv row, const char *from)
{
	jv v = jx_get(row, from);

	if (jv_get_kind(v) == JV_KIND_STRING && jv_string_value(v)[0])
		return jv_object_set(obj, jv_string(key), v);
	jv_free(v);
	return obj;
}

char *
template_file_render(jv row)
{
	jv obj = jv_object(), meta = jv_object(), comps, s;
	char *text;

	obj = set_str(obj, "name", row, "name");
	obj = set_str(obj, "language", row, "language");
	obj = set_str(obj, "category", row, "category");
	obj = set_str(obj, "parameter_format", row, "parameter_format");
	comps = jx_get(row, "components");
	obj = jv_object_set(obj, jv_string("components"),
			    jv_get_kind(comps) == JV_KIND_ARRAY ? comps :
			    (jv_free(comps), jv_array()));
	meta = set_str(meta, "id", row, "id");
	meta = set_str(meta, "status", row, "status");
	meta = set_str(meta, "category", row, "category");
	/* Meta says NONE for a template it did not reject */
	if (!template_ieq(jx_cstr(row, "reason"), "NONE"))
		meta = set_str(meta, "reason", row, "reason");
	obj = jv_object_set(obj, jv_string(TEMPLATE_FILE_META), meta);
	s = jv_dump_string(obj, JV_PRINT_INDENT_FLAGS(2) | JV_PRINT_SORTED);
	text = xmalloc((size_t)jv_string_length_bytes(jv_copy(s)) + 2);
	snprintf(text, (size_t)jv_string_length_bytes(jv_copy(s)) + 2, "%s\n",
		 jv_string_value(s));
	jv_free(s);
	return text;
}

jv
template_file_payload(jv tpl)
{
	return jv_object_delete(jv_copy(tpl), jv_string(TEMPLATE_FILE_META));
}

const char *
template_file_meta(jv tpl, const char *key)
{
	jv meta = jx_get(tpl, TEMPLATE_FILE_META);
	const char *s = jx_cstr(meta, key);

	/* borrowed from tpl, which holds meta */
	jv_free(meta);
	return s;
}

/* ---- writing ---- */

static int
write_fd(int fd, const char *text, size_t len)
{
	ssize_t w;

	while (len > 0) {
		w = write(fd, text, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		text += w;
		len -= (size_t)w;
	}
	return 0;
}

/* 1 when path holds exactly text. */
static int
same_text(const char *path, const char *text)
{
	struct template_file f = { 0 };
	struct wa_err ignore;
	int same;

	if (template_file_read(&f, path, &ignore) < 0) {
		template_file_release(&f);
		return 0;
	}
	same = f.len == strlen(text) && memcmp(f.text, text, f.len) == 0;
	template_file_release(&f);
	return same;
}

int
template_file_write(const char *dir, const char *fname, const char *text,
		    struct wa_err *err)
{
	struct strbuf path = STRBUF_INIT, tmp = STRBUF_INIT;
	mode_t mask = umask(0);
	int fd, ok;

	umask(mask);
	sb_addf(&path, "%s/%s", dir, fname);
	if (same_text(sb_str(&path), text)) {
		sb_release(&path);
		return 0;
	}
	sb_addf(&tmp, "%s/.%s.XXXXXX", dir, fname);
	fd = mkstemp(tmp.buf);
	ok = fd >= 0 && write_fd(fd, text, strlen(text)) == 0 &&
	     fchmod(fd, 0666 & ~mask) == 0 && fsync(fd) == 0;
	if (fd >= 0 && close(fd) < 0)
		ok = 0;
	if (ok && rename(sb_str(&tmp), sb_str(&path)) < 0)
		ok = 0;
	if (!ok) {
		wa_err_set(err, WA_EX_IOERR, "io", "%s: cannot write: %s",
			   sb_str(&path), strerror(errno));
		if (fd >= 0)
			unlink(sb_str(&tmp));
	}
	sb_release(&path);
	sb_release(&tmp);
	return ok ? 1 : -1;
}
