/* SPDX-License-Identifier: MIT */
/* Internal to lib/template_file*.c and template_push.c: records, checks of a whole directory, lookups. */
#ifndef WA_TEMPLATE_FILES_INT_H
#define WA_TEMPLATE_FILES_INT_H

#include "template_files.h"

/* An error record (owned) for err about file (may be NULL) and the
 * template name and language (may be NULL), with "line" when > 0. */
jv template_files_error(const struct wa_err *err, const char *file,
			const char *name, const char *language, long line);

/* Emits the error record of err and returns -1. */
int template_files_fail(template_files_emit *emit, void *ctx,
			const struct wa_err *err, const char *file);

/* template_file_check of every file of d (full or not): an error record
 * for each that fails; returns how many failed. */
int template_dir_check(const struct template_dir *d, int full,
		       template_files_emit *emit, void *ctx);

/* The stored templates of waba by "NAME\tLANGUAGE" (owned object), from
 * template_list; -1 with err. */
int template_files_stored(struct store *st, const char *waba, jv *out,
			  struct wa_err *err);

/* "NAME\tLANGUAGE" (owned jv string). */
jv template_files_key(const char *name, const char *language);

/* dir/NAME.LANGUAGE.json (owned), or NULL as template_file_name. */
char *template_files_path(const char *dir, const char *name,
			  const char *language);

#endif
