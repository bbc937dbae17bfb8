/* SPDX-License-Identifier: MIT */
/* A directory of template files: reading it, lint, pull from Meta (diff with the stored templates: template_files_diff.c). */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include "template_files.h"
#include "template_files_int.h"
#include "template.h"
#include "jsonl.h"
#include "util.h"

/* ---- shared ---- */

jv
template_files_error(const struct wa_err *err, const char *file,
		     const char *name, const char *language, long line)
{
	jv in = jv_object(), rec;

	if (file)
		in = jv_object_set(in, jv_string("file"), jv_string(file));
	if (name)
		in = jv_object_set(in, jv_string("name"), jv_string(name));
	if (language)
		in = jv_object_set(in, jv_string("language"),
				   jv_string(language));
	rec = wa_err_result(err, jv_copy(in), line);
	/* file, name, language also on top, like the commands' results */
	return jv_object_merge(rec, in);
}

int
template_files_fail(template_files_emit *emit, void *ctx,
		    const struct wa_err *err, const char *file)
{
	emit(template_files_error(err, file, NULL, NULL, 0), ctx);
	return -1;
}

jv
template_files_key(const char *name, const char *language)
{
	return jv_string_fmt("%s\t%s", name ? name : "",
			     language ? language : "");
}

/* dir/name (owned), one '/' between them. */
static char *
path_join(const char *dir, const char *name)
{
	struct strbuf sb = STRBUF_INIT;
	size_t n = strlen(dir);

	while (n > 1 && dir[n - 1] == '/')
		n--;
	sb_add(&sb, dir, n);
	sb_addf(&sb, "/%s", name);
	return sb_detach(&sb);
}

char *
template_files_path(const char *dir, const char *name, const char *language)
{
	char *fname = template_file_name(name, language), *path;

	if (!fname)
		return NULL;
	path = path_join(dir, fname);
	free(fname);
	return path;
}

int
template_files_stored(struct store *st, const char *waba, jv *out,
		      struct wa_err *err)
{
	jv list;

	*out = jv_invalid();
	if (template_list(st, waba, NULL, NULL, NULL, NULL, &list, err) < 0)
		return -1;
	*out = jv_object();
	jv_array_foreach(list, i, t) {
		*out = jv_object_set(*out, template_files_key(
			jx_cstr(t, "name"), jx_cstr(t, "language")), t);
		(void)i;
	}
	jv_free(list);
	return 0;
}

int
template_dir_check(const struct template_dir *d, int full,
		   template_files_emit *emit, void *ctx)
{
	struct wa_err err;
	long line;
	int i, bad = 0;

	for (i = 0; i < d->n; i++) {
		const struct template_file *f = &d->v[i];

		if (template_file_check(f, full, &line, &err) == 0)
			continue;
		bad++;
		emit(template_files_error(&err, f->path, NULL, NULL, line),
		     ctx);
	}
	return bad;
}

/* ---- reading a directory ---- */

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The paths of dir's template files, sorted (owned array of owned). */
static int
dir_list(const char *dir, char ***out, int *n, struct wa_err *err)
{
	size_t sl = strlen(TEMPLATE_FILE_SUFFIX), len;
	DIR *dp = opendir(dir);
	struct dirent *de;
	struct stat sb;
	char **v = NULL;
	char *path;

	*n = 0;
	if (!dp)
		return wa_err_set(err, WA_EX_NOINPUT, "invalid_input", "%s: "
				  "cannot open the directory: %s", dir,
				  strerror(errno));
	while ((de = readdir(dp)) != NULL) {
		len = strlen(de->d_name);
		if (de->d_name[0] == '.' || len <= sl ||
		    strcmp(de->d_name + len - sl, TEMPLATE_FILE_SUFFIX) != 0)
			continue;
		path = path_join(dir, de->d_name);
		if (stat(path, &sb) < 0 || !S_ISREG(sb.st_mode)) {
			free(path);
			continue;
		}
		v = xrealloc(v, (size_t)(*n + 1) * sizeof(*v));
		v[(*n)++] = path;
	}
	closedir(dp);
	if (*n > 1)
		qsort(v, (size_t)*n, sizeof(*v), cmp_str);
	*out = v;
	return 0;
}

static void
free_list(char **v, int n)
{
	int i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

int
template_dir_read(struct template_dir *d, const char *dir,
		  struct wa_err *err)
{
	char **paths = NULL;
	int n, i, rc = 0;

	if (dir_list(dir, &paths, &n, err) < 0)
		return -1;
	d->v = xcalloc((size_t)n + 1, sizeof(*d->v));
	for (i = 0; i < n && rc == 0; i++) {
		rc = template_file_read(&d->v[i], paths[i], err);
		d->n = i + 1;
	}
	free_list(paths, n);
	return rc;
}

void
template_dir_release(struct template_dir *d)
{
	int i;

	for (i = 0; i < d->n; i++)
		template_file_release(&d->v[i]);
	free(d->v);
	d->v = NULL;
	d->n = 0;
}

/* ---- lint ---- */

int
template_files_lint(const struct template_files_run *r, int *status,
		    struct wa_err *err)
{
	struct template_dir d = { xcalloc((size_t)r->n + 1, sizeof(*d.v)), 0 };
	int i, rc = 0;

	*status = 0;
	for (i = 0; i < r->n && rc == 0; i++) {
		rc = template_file_read(&d.v[i], r->ops[i], err);
		d.n = i + 1;
	}
	if (rc < 0) {
		template_dir_release(&d);
		return template_files_fail(r->emit, r->ctx, err,
					   r->ops[i - 1]);
	}
	for (i = 0; i < r->n; i++) {
		struct template_dir one = { &d.v[i], 1 };

		if (template_dir_check(&one, 1, r->emit, r->ctx) > 0) {
			*status = WA_EX_DATAERR;
			continue;
		}
		r->emit(JV_OBJECT(jv_string("ok"), jv_true(),
				  jv_string("file"), jv_string(d.v[i].path),
				  jv_string("name"), jx_get(d.v[i].tpl, "name"),
				  jv_string("language"),
				  jx_get(d.v[i].tpl, "language")), r->ctx);
	}
	template_dir_release(&d);
	return 0;
}

/* ---- pull ---- */

/* {"file","name","language","status","written"}. */
static jv
pull_record(int written, const char *path, jv row)
{
	return JV_OBJECT(jv_string("file"), jv_string(path),
			 jv_string("name"), jx_get(row, "name"),
			 jv_string("language"), jx_get(row, "language"),
			 jv_string("status"), jx_get(row, "status"),
			 jv_string("written"), jv_bool(written));
}

/* A file of DIR Meta does not have: one pulled before (it has Meta's
 * id) was deleted at Meta and goes too; any other is the user's and
 * stays. */
static int
pull_gone(const char *path, template_files_emit *emit, void *ctx,
	  struct wa_err *err)
{
	struct template_file f = { 0 };
	int pulled = template_file_read(&f, path, err) == 0 &&
		     jv_get_kind(f.tpl) == JV_KIND_OBJECT &&
		     template_file_meta(f.tpl, "id") != NULL;
	jv rec = JV_OBJECT(jv_string("file"), jv_string(path),
			   jv_string("written"), jv_false());

	template_file_release(&f);
	if (pulled && unlink(path) < 0) {
		jv_free(rec);
		wa_err_set(err, WA_EX_IOERR, "io", "%s: cannot remove: %s",
			   path, strerror(errno));
		return template_files_fail(emit, ctx, err, path);
	}
	emit(jv_object_set(rec, jv_string(pulled ? "removed" : "local_only"),
			   jv_true()), ctx);
	return 0;
}

/* The file of one stored template (path NULL: it cannot have one). */
static int
pull_one(const char *dir, const char *path, jv row,
	 template_files_emit *emit, void *ctx, int *status,
	 struct wa_err *err)
{
	struct wa_err bad;
	char *text;
	int w;

	if (!path) {
		wa_err_set(&bad, WA_EX_REJECTED, "invalid_input", "template "
			   "'%s' (%s) cannot be a file name",
			   jx_cstr(row, "name"), jx_cstr(row, "language"));
		emit(template_files_error(&bad, NULL, jx_cstr(row, "name"),
					  jx_cstr(row, "language"), 0), ctx);
		*status = WA_EX_REJECTED;
		return 0;
	}
	text = template_file_render(row);
	w = template_file_write(dir, strrchr(path, '/') + 1, text, err);
	free(text);
	if (w < 0)
		return template_files_fail(emit, ctx, err, path);
	emit(pull_record(w, path, row), ctx);
	return 0;
}

/* Writes the file of each stored template (by name and language); seen
 * gets their paths. */
static int
pull_write(const struct template_files_run *r, jv stored, jv *seen,
	   int *status, struct wa_err *err)
{
	const char *dir = r->ops[0];
	jv keys = jv_keys(jv_copy(stored));
	int rc = 0;

	jv_array_foreach(keys, i, k) {
		jv row = jv_object_get(jv_copy(stored), k);
		char *path = template_files_path(dir, jx_cstr(row, "name"),
						 jx_cstr(row, "language"));

		if (rc == 0)
			rc = pull_one(dir, path, row, r->emit, r->ctx,
				      status, err);
		if (path)
			*seen = jv_object_set(*seen, jv_string(path),
					      jv_true());
		free(path);
		jv_free(row);
		(void)i;
	}
	jv_free(keys);
	return rc;
}

int
template_files_pull(const struct template_files_run *r, int *status,
		    struct wa_err *err)
{
	const char *dir = r->ops[0];
	jv rec, stored, seen = jv_object();
	char **paths = NULL;
	int n = 0, i, rc;

	*status = 0;
	if (mkdir_p(dir) < 0) {
		jv_free(seen);
		wa_err_set(err, WA_EX_IOERR, "io", "%s: cannot create the "
			   "directory: %s", dir, strerror(errno));
		return template_files_fail(r->emit, r->ctx, err, dir);
	}
	if (template_sync(r->st, r->g, r->waba, r->now, &rec, err) < 0 ||
	    template_files_stored(r->st, r->waba, &stored, err) < 0) {
		jv_free(seen);
		r->emit(jv_object_set(template_files_error(err, NULL, NULL,
				      NULL, 0), jv_string("waba_id"),
				      jv_string(r->waba)), r->ctx);
		return -1;
	}
	jv_free(rec);
	rc = pull_write(r, stored, &seen, status, err);
	if (rc == 0 && dir_list(dir, &paths, &n, err) < 0)
		rc = template_files_fail(r->emit, r->ctx, err, dir);
	for (i = 0; rc == 0 && i < n; i++)
		if (!jv_object_has(jv_copy(seen), jv_string(paths[i])))
			rc = pull_gone(paths[i], r->emit, r->ctx, err);
	free_list(paths, n);
	jv_free(stored);
	jv_free(seen);
	return rc;
}
