/* SPDX-License-Identifier: MIT */
/* wa-template diff: the files of a directory against the stored templates (added, changed, removed). */
#include <stdlib.h>
#include <string.h>
#include "template_files.h"
#include "template_files_int.h"
#include "jsonl.h"

static jv
diff_record(const char *change, const char *path, const char *name,
	    const char *language)
{
	return JV_OBJECT(jv_string("change"), jv_string(change),
			 jv_string("file"), jv_string(path),
			 jv_string("name"), jv_string(name),
			 jv_string("language"), jv_string(language));
}

/* The status and category Meta has now against those the file was
 * pulled with (its TEMPLATE_FILE_META part). */
static int
diff_meta(const struct template_file *f, jv row, template_files_emit *emit,
	  void *ctx)
{
	static const char *const keys[] = { "status", "category" };
	int k, n = 0;

	for (k = 0; k < 2; k++) {
		const char *was = template_file_meta(f->tpl, keys[k]);
		const char *now = jx_cstr(row, keys[k]);
		jv rec;

		if (!was || strcasecmp(was, now ? now : "") == 0)
			continue;
		rec = diff_record(keys[k], f->path, f->name, f->language);
		rec = jv_object_set(rec, jv_string("from"), jv_string(was));
		rec = jv_object_set(rec, jv_string("to"), now ?
				    jv_string(now) : jv_null());
		emit(rec, ctx);
		n++;
	}
	return n;
}

/* One checked file against stored (borrowed): how many records. */
static int
diff_file(const struct template_file *f, jv stored, jv *matched,
	  template_files_emit *emit, void *ctx)
{
	jv key = template_files_key(f->name, f->language);
	jv row = jv_object_get(jv_copy(stored), jv_copy(key)), fields;
	int n = 0;

	if (!jv_is_valid(row)) {
		jv_free(row);
		jv_free(key);
		emit(diff_record("new", f->path, f->name, f->language), ctx);
		return 1;
	}
	*matched = jv_object_set(*matched, key, jv_true());
	fields = template_file_changes(f->tpl, row);
	if (jv_array_length(jv_copy(fields)) > 0) {
		emit(jv_object_set(diff_record("changed", f->path, f->name,
					       f->language),
				   jv_string("fields"), fields), ctx);
		n++;
	} else
		jv_free(fields);
	n += diff_meta(f, row, emit, ctx);
	jv_free(row);
	return n;
}

/* A record for each stored template no file matched. */
static int
diff_removed(const char *dir, jv stored, jv matched,
	     template_files_emit *emit, void *ctx)
{
	jv keys = jv_keys(jv_copy(stored));
	int n = 0;

	jv_array_foreach(keys, i, k) {
		jv row;
		char *path;

		if (jv_object_has(jv_copy(matched), jv_copy(k))) {
			jv_free(k);
			continue;
		}
		row = jv_object_get(jv_copy(stored), k);
		path = template_files_path(dir, jx_cstr(row, "name"),
					   jx_cstr(row, "language"));
		emit(diff_record("removed", path ? path : "",
				 jx_cstr(row, "name"),
				 jx_cstr(row, "language")), ctx);
		free(path);
		jv_free(row);
		n++;
		(void)i;
	}
	jv_free(keys);
	return n;
}

int
template_files_diff(const struct template_files_run *r, int *status,
		    struct wa_err *err)
{
	struct template_dir d = { 0 };
	jv stored, matched = jv_object();
	int i, ndiff = 0, nbad = 0;
	long line;

	*status = 0;
	if (template_dir_read(&d, r->ops[0], err) < 0 ||
	    template_files_stored(r->st, r->waba, &stored, err) < 0) {
		template_dir_release(&d);
		jv_free(matched);
		return template_files_fail(r->emit, r->ctx, err, r->ops[0]);
	}
	for (i = 0; i < d.n; i++) {
		struct wa_err bad;

		if (template_file_check(&d.v[i], 0, &line, &bad) < 0) {
			r->emit(template_files_error(&bad, d.v[i].path, NULL,
						     NULL, line), r->ctx);
			nbad++;
			continue;
		}
		ndiff += diff_file(&d.v[i], stored, &matched, r->emit,
				   r->ctx);
	}
	ndiff += diff_removed(r->ops[0], stored, matched, r->emit, r->ctx);
	jv_free(stored);
	jv_free(matched);
	template_dir_release(&d);
	*status = nbad ? WA_EX_DATAERR : ndiff > 0;
	return 0;
}
