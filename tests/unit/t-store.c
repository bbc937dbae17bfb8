/* SPDX-License-Identifier: MIT */
/* Unit tests for lib/store.c and lib/schema.c: file mode, WAL, migrations, refusal of newer schemas. */
#define _XOPEN_SOURCE 700
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include "tap.h"
#include "testdb.h"
#include "schema.h"
#include "store.h"
#include "util.h"

static char dir[] = "/tmp/wa-t-store.XXXXXX";

static int
rm_entry(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(p);
}

static char *
path_in(const char *leaf)
{
	struct strbuf sb = STRBUF_INIT;

	sb_addf(&sb, "%s/%s", dir, leaf);
	return sb_detach(&sb);
}


static void
test_open(void)
{
	char *p = path_in("sub/dir/wa.db");
	struct store *st = NULL;
	struct wa_err err;
	struct stat sb;
	struct sq *a, *b;

	ok(store_open(&st, p, &err) == 0, "store_open creates parent dirs");
	ok(stat(p, &sb) == 0 && (sb.st_mode & 0777) == 0600,
	   "database file is mode 0600");
	is_int((int)sql1(st, "PRAGMA user_version"), schema_version(),
	       "migrated to the newest version");
	is_int((int)sql1(st, "PRAGMA foreign_keys"), 1, "foreign keys on");
	ok((int)sql1(st, "SELECT count(*) FROM sqlite_schema "
		  "WHERE name = 'messages_fts'") == 1, "FTS5 table exists");
	a = store_q(st, Q_SETTING_GET);
	b = store_q(st, Q_SETTING_GET);
	ok(a == b, "a query is prepared once a connection");
	ok(store_begin(st, &err) == 0 && store_in_tx(st), "BEGIN IMMEDIATE");
	ok(store_setting_set(st, "k", "v1", &err) == 0, "setting set");
	ok(store_setting_set(st, "k", "v2", &err) == 0, "setting replaced");
	ok(store_commit(st, &err) == 0 && !store_in_tx(st), "COMMIT");
	{
		char *v = store_setting_get(st, "k");

		is_str(v, "v2", "setting read back");
		free(v);
	}
	store_close(st);
	ok(store_open(&st, p, &err) == 0, "reopen an existing database");
	{
		char *mode = sql1_text(st, "PRAGMA journal_mode");

		is_str(mode, "wal", "journal mode is WAL");
		free(mode);
	}
	store_close(st);
	free(p);
}

static void
test_newer(void)
{
	char *p = path_in("newer.db");
	struct store *st = NULL;
	struct wa_err err;
	sqlite3 *db;
	struct stat before, after;
	char sql[64];

	sqlite3_open(p, &db);
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d",
		 schema_version() + 1);
	sqlite3_exec(db, "CREATE TABLE future (x)", NULL, NULL, NULL);
	sqlite3_exec(db, sql, NULL, NULL, NULL);
	sqlite3_close(db);
	stat(p, &before);
	sleep(1);
	ok(store_open(&st, p, &err) < 0, "a newer schema is refused");
	is_int(err.sysexit, 78, "with exit 78");
	ok(strstr(err.message, "newer") != NULL, "message says newer (%s)",
	   err.message);
	stat(p, &after);
	ok(before.st_size == after.st_size &&
	   before.st_mtime == after.st_mtime, "the file is untouched");
	ok(access(p, F_OK) == 0, "and still there");
	free(p);
}

static void
test_unwritable(void)
{
	struct store *st = NULL;
	struct wa_err err;

	ok(store_open(&st, "/proc/nonexistent/dir/wa.db", &err) < 0,
	   "an impossible path fails");
	is_int(err.sysexit, 74, "with exit 74");
}

int
main(void)
{
	if (!mkdtemp(dir))
		return 99;
	test_open();
	test_newer();
	test_unwritable();
	nftw(dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
	return done_testing();
}
