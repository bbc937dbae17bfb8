/* SPDX-License-Identifier: MIT */
/* Looking after the store as a whole: its check, backup, copying a desk between stores (wa-db). */
#ifndef WA_STORE_ADMIN_H
#define WA_STORE_ADMIN_H

#include <jv.h>
#include "store.h"

/* Checks the database (lib/store_check.c), calling fn with one record
 * per problem found ({"table":..,"problem":..}, "rowid" for a row):
 * SQLite's integrity_check and foreign_key_check; on PostgreSQL the rows
 * that break a foreign key and, when the amcheck extension is installed
 * in the database, its check of every table and B-tree index. *pages says whether pages and indexes
 * were checked (always on SQLite; on PostgreSQL with amcheck). Returns
 * the number of problems, or -1 with err. */
int store_check(struct store *st, void (*fn)(jv rec, void *ctx), void *ctx,
		int *pages, struct wa_err *err);

/* Copies a SQLite store to dest_path with SQLite's online backup, made
 * mode 0600 and renamed into place only when complete. An existing
 * dest_path is refused (exit 73 EX_CANTCREAT) unless force. */
int store_backup(struct store *st, const char *dest_path, int force,
		 struct wa_err *err);

/* Copies every table of from (a SQLite store at the current schema) into
 * to (any engine, migrated, with no rows yet): tables in dependency order,
 * identities reset afterwards, then the row count and a SHA-256 of each
 * table compared on both sides. fn gets one record per table
 * ({"table","rows","sha256","same"}). 0 when every table is the same, 1
 * when one differs (the copy is rolled back), -1 with err. */
int store_copy(struct store *from, struct store *to,
	       void (*fn)(jv rec, void *ctx), void *ctx, struct wa_err *err);

#endif
