/* SPDX-License-Identifier: MIT */
/* wa-template's files: templates as files (lint, pull, diff, push a directory of them); create and send from record files. */
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
#include "sender.h"

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

/* What the commands below work with (all borrowed). */
struct template_files_run {
	struct store *st;	/* NULL for lint */
	struct graph *g;	/* NULL for diff and lint */
	const char *waba;	/* the WABA; NULL for lint */
	int n;			/* operands: DIR, or the FILEs */
	char **ops;
	int prune;		/* push: delete what DIR does not have */
	int dry_run;		/* push: print the requests, send none */
	int64_t now;
	template_files_emit *emit;
	void *ctx;
};

/*
 * Each command below emits its records and sets *status, the exit
 * status its outcome calls for; it returns 0, or -1 with err when a
 * fatal error ended it (err->sysexit), after that error's record.
 */

/* create: each record (Meta's template JSON) of the FILEs (standard
 * input when none) checked offline and created in the WABA
 * (template_create), a result record each, in order. *status 0, 1 when
 * some were refused, 65 when none was JSON. Fatal: a file that cannot
 * be read (66, before any record), Graph or the store. */
int template_create_files(const struct template_files_run *r, int *status,
			  struct wa_err *err);

/* lint: template_file_check (full) of each FILE, a record each, and
 * *status 65 when one failed. Every file is read first: one that
 * cannot be read is fatal (66) before any other record. */
int template_files_lint(const struct template_files_run *r, int *status,
			struct wa_err *err);

/* pull: template_sync of the WABA, then one file per stored template of
 * it in DIR (created when missing), written when its text changed:
 * records {"file","name","language","status","written"}. A file of
 * DIR that Meta does not have is removed when it was pulled (it has
 * Meta's id under TEMPLATE_FILE_META: Meta deleted the template),
 * {"file","written":false,"removed":true}, else left as it is,
 * {"file","written":false,"local_only":true}. *status 1 when a template
 * cannot have a file. Fatal: the sync, a write. */
int template_files_pull(const struct template_files_run *r, int *status,
			struct wa_err *err);

/* diff: the files of DIR against the stored templates of the WABA (no
 * request): records {"change","file","name","language"} with change
 * "new", "changed" (and "fields"), "removed", "status" or "category"
 * (with "from", the file's TEMPLATE_FILE_META, and "to", Meta's).
 * *status 0 when there is none, 1 when there are, 65 when a file could
 * not be compared (an error record each). Fatal: DIR or the store
 * cannot be read. */
int template_files_diff(const struct template_files_run *r, int *status,
			struct wa_err *err);

/*
 * push: every file of DIR checked as lint does; any that fails is an
 * error record, and nothing is sent (*status 65). Then template_sync of
 * the WABA, and per file: a template Meta lacks is created; a changed
 * one is edited (POST /{template-id}) where Meta's rules allow it, else
 * refused before any request with template_not_editable naming the
 * rule; with prune, the templates DIR lacks are deleted (by name when
 * every language goes, else by hsm_id). One record per operation,
 * {"ok":true,"op":"create|edit|delete",...}, with "dry_run":true and
 * "request" instead when dry_run; Meta's refusals are error records.
 * *status 0, or 1 when something was refused or failed. After any
 * change the WABA is synced again. Fatal: Graph unavailable, the token,
 * the store.
 */
int template_files_push(const struct template_files_run *r, int *status,
			struct wa_err *err);

/* send: one message from flags (borrowed) alone when n < 0, else one
 * per record of files[0..n) (standard input when n is 0) completed by
 * flags (template_submit), through a sender with so; its results go to
 * emit. *status is the sender's (0, or 1 when some were refused). -1
 * with err when fatal: a file that cannot be read (66, before any
 * record), the sender's (sender_new, sender_finish). */
int template_send_files(struct store *st, const struct wa_config *cfg,
			const struct sender_opts *so, jv flags, int n,
			char **files, sender_emit_fn emit, void *ctx,
			int *status, struct wa_err *err);

#endif
