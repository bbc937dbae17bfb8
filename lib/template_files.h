/* SPDX-License-Identifier: MIT */
/* Templates as files: one file per template and language; lint, pull, diff and push a directory of them. */
#ifndef WA_TEMPLATE_FILES_H
#define WA_TEMPLATE_FILES_H

/*
 * A template file, DIR/NAME.LANGUAGE.json, holds one JSON object in a
 * stable form (keys sorted, two-space indentation, one component per
 * block of lines): the content, "name", "language", "category",
 * "parameter_format" and "components" as Meta's create call takes them,
 * and under TEMPLATE_FILE_META what Meta said at the last pull ("id",
 * "status", "category", "reason"), which is never content: a status
 * change at Meta is not a content change, and editing that part asks
 * nothing of Meta. A "category" other than the one recorded there (or,
 * without that part, other than Meta's) asks for a new category.
 */

#include <stddef.h>
#include <stdint.h>
#include <jv.h>
#include "err.h"
#include "graph.h"
#include "store.h"

#define TEMPLATE_FILE_META "~meta"
#define TEMPLATE_FILE_SUFFIX ".json"

/* One file as read. */
struct template_file {
	char *path;		/* as named (owned) */
	char *text;		/* its bytes, NUL-terminated (owned) */
	size_t len;
	jv tpl;			/* the parsed value, or invalid (owned) */
	char *name;		/* NAME of NAME.LANGUAGE.json (owned), or */
	char *language;		/* NULL when the file is not named so */
};

/* Reads path into f (zeroed by the caller): 0, or -1 with err
 * (invalid_input, exit 66, when it cannot be read; 74 on a read error).
 * A file that is not JSON is read: f->tpl is then invalid. */
int template_file_read(struct template_file *f, const char *path,
		       struct wa_err *err);
void template_file_release(struct template_file *f);

/* Offline checks of f: one JSON object, named NAME.LANGUAGE.json after
 * its "name" and "language"; with full also only known keys, a
 * well-formed TEMPLATE_FILE_META part and template_validate's checks.
 * 0, or -1 with err (invalid_input or template_params, message "FIELD:
 * why") and *line the line of the field in the file. */
int template_file_check(const struct template_file *f, int full,
			long *line, struct wa_err *err);

/* The file text of a stored template (borrowed, as template_get gives
 * it): owned, ends with a newline. */
char *template_file_render(jv row);

/* "NAME.LANGUAGE.json" (owned), or NULL when name or language cannot be
 * part of a file name (only a-z, A-Z, 0-9, '_' and '-'). */
char *template_file_name(const char *name, const char *language);

/* The content of tpl (borrowed) to send to Meta: without the
 * TEMPLATE_FILE_META part (owned). */
jv template_file_payload(jv tpl);

/* What differs between the content of tpl (borrowed, checked) and the
 * stored row (borrowed): an owned array of fields, "category",
 * "parameter_format", "components[N]" (type and format compared without
 * case); empty when the content is Meta's. */
jv template_file_changes(jv tpl, jv row);

/* TEMPLATE_FILE_META's key of tpl (borrowed string), or NULL. */
const char *template_file_meta(jv tpl, const char *key);

/* Writes text to dir/fname through a temporary file and rename(2):
 * 1 when written, 0 when the file held text already, -1 with err (io,
 * exit 74). */
int template_file_write(const char *dir, const char *fname, const char *text,
			struct wa_err *err);

/* The template files of a directory: its *.json files but hidden ones,
 * sorted by name. */
struct template_dir {
	struct template_file *v;	/* owned */
	int n;
};

/* Reads every file of dir into d (zeroed by the caller): 0, or -1 with
 * err (invalid_input, exit 66, when dir or a file cannot be read). */
int template_dir_read(struct template_dir *d, const char *dir,
		      struct wa_err *err);
void template_dir_release(struct template_dir *d);

/* Receives each record (taken) of the commands below, in order: result
 * records, and error records ("ok":false) with "file" and "line" when a
 * file is at fault. */
typedef void template_files_emit(jv rec, void *ctx);

/* lint: template_file_check (full) of each of paths[0..n), one record
 * each. Every file is read first: one that cannot be read is -1 with
 * err (66) before any record. *bad counts the files that failed. */
int template_files_lint(int n, char **paths, template_files_emit *emit,
			void *ctx, int *bad, struct wa_err *err);

/* pull: template_sync of waba, then one file per stored template of it
 * in dir (created when missing), written when its text changed;
 * records {"file","name","language","status","written"}, and
 * {"file","written":false,"local_only":true} for a file of dir Meta
 * does not have (left as it is). -1 with err when the sync or a write
 * fails. */
int template_files_pull(struct store *st, struct graph *g, const char *waba,
			const char *dir, int64_t now,
			template_files_emit *emit, void *ctx,
			struct wa_err *err);

/* diff: the files of dir against the stored templates of waba (no
 * request): records {"change","file","name","language"} with change
 * "new", "changed" (and "fields"), "removed", "status" or "category"
 * (with "from", the file's TEMPLATE_FILE_META, and "to", Meta's).
 * *ndiff counts them, *nbad the files that could not be compared (an
 * error record each). -1 with err when dir or the store cannot be
 * read. */
int template_files_diff(struct store *st, const char *waba, const char *dir,
			template_files_emit *emit, void *ctx, int *ndiff,
			int *nbad, struct wa_err *err);

struct template_push_opts {
	int prune;		/* delete what dir does not have */
	int dry_run;		/* print the requests, send none */
	int64_t now;
};

/*
 * push: every file of dir checked as lint does; any that fails is an
 * error record, and nothing is sent (*status 65). Then template_sync of
 * waba, and per file: a template Meta lacks is created; a changed one
 * is edited (POST /{template-id}) where Meta's rules allow it, else
 * refused before any request with template_not_editable naming the
 * rule; with prune, the templates dir lacks are deleted (by name when
 * every language goes, else by hsm_id). One record per action,
 * {"ok":true,"op":"create|edit|delete",...}, with "dry_run":true
 * and "request" instead when dry_run; Meta's refusals are error
 * records. *status 0, 1 when something was refused or failed, 65 as
 * above. After any change, waba is synced again. -1 with err on a
 * fatal error (Graph unavailable, token, store).
 */
int template_files_push(struct store *st, struct graph *g, const char *waba,
			const char *dir, const struct template_push_opts *o,
			template_files_emit *emit, void *ctx, int *status,
			struct wa_err *err);

#endif
