/* SPDX-License-Identifier: MIT */
/* wa-db: the store itself: migrate, check, back up, copy a desk from SQLite to PostgreSQL. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "wa.h"
#include "schema.h"
#include "store_admin.h"

static const char usage[] =
	"usage: wa-db migrate [--check] [--db TARGET] [--json | --table]\n"
	"       wa-db check [--db TARGET]\n"
	"       wa-db backup DEST [--force] [--db PATH]\n"
	"       wa-db copy --from [sqlite:]PATH --to TARGET\n";

enum {
	OPT_CHECK = CLI_OPT_FIRST_FREE,
	OPT_FORCE,
	OPT_FROM,
	OPT_TO
};

static const struct option longopts[] = {
	CLI_COMMON_OPTIONS,
	{ "check", no_argument, NULL, OPT_CHECK },
	{ "force", no_argument, NULL, OPT_FORCE },
	{ "from", required_argument, NULL, OPT_FROM },
	{ "to", required_argument, NULL, OPT_TO },
	{ NULL, 0, NULL, 0 }
};

static struct cli cli = { usage, NULL, OUT_AUTO };
static int opt_check, opt_force;
static int pages_unchecked;	/* check on PostgreSQL without amcheck */
static const char *opt_from, *opt_to;

static const struct out_col copy_cols[] = {
	{ "table", "TABLE", 0 },
	{ "rows", "ROWS", 0 },
	{ "copied", "COPIED", 0 },
	{ "same", "SAME", 0 },
	{ "sha256", "SHA256", 0 },
	{ NULL, NULL, 0 }
};

static void
handle(int opt, const char *arg, void *ctx)
{
	switch (opt) {
	case OPT_CHECK:
		opt_check = 1;
		break;
	case OPT_FORCE:
		opt_force = 1;
		break;
	case OPT_FROM:
		opt_from = arg;
		break;
	case OPT_TO:
		opt_to = arg;
		break;
	default:
		cli_usage_error(&cli, "unexpected option");
	}
}

static void
emit(jv rec, void *ctx)
{
	out_record(ctx, rec);
}

static int
migrate(struct store *st, struct out *o, struct wa_err *err)
{
	int have, now;

	if (store_schema_version(st, &have, err) < 0)
		return -1;
	if (opt_check) {
		out_record(o, JV_OBJECT(jv_string("ok"), jv_bool(have ==
						schema_version()),
				jv_string("schema"), jv_number(have),
				jv_string("current"),
				jv_number(schema_version()),
				jv_string("pending"),
				jv_number(have < schema_version() ?
					  schema_version() - have : 0)));
		return have == schema_version() ? 0 : 1;
	}
	if (store_migrate(st, err) < 0 ||
	    store_schema_version(st, &now, err) < 0)
		return -1;
	out_record(o, JV_OBJECT(jv_string("ok"), jv_true(),
				jv_string("schema"), jv_number(now),
				jv_string("from"), jv_number(have),
				jv_string("migrated"), jv_number(now - have)));
	return 0;
}

static int
check(struct store *st, struct out *o, struct wa_err *err)
{
	int pages, n = store_check(st, emit, o, &pages, err);

	if (n < 0)
		return -1;
	pages_unchecked = !pages;	/* said once the record is out */
	out_record(o, JV_OBJECT(jv_string("ok"), jv_bool(n == 0),
				jv_string("problems"), jv_number(n)));
	return n ? 1 : 0;
}

static int
backup(struct store *st, const char *dest, struct out *o,
       struct wa_err *err)
{
	struct stat sb;

	if (store_backup(st, dest, opt_force, err) < 0)
		return -1;
	out_record(o, JV_OBJECT(jv_string("ok"), jv_true(),
				jv_string("backup"), jv_string(dest),
				jv_string("bytes"), jv_number(stat(dest, &sb) ?
							     0 : (double)sb.st_size)));
	return 0;
}

/* 1 when both paths are one existing file (however they are written). */
static int
same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	return stat(a, &sa) == 0 && stat(b, &sb) == 0 &&
	       sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

static int
copy(struct out *o, struct wa_err *err)
{
	const char *from = opt_from;
	struct store *src = NULL, *dst = NULL;
	int rc;

	if (strncmp(from, "sqlite:", 7) == 0)
		from += 7;
	if (same_file(from, opt_to))	/* else: busy, which no retry helps */
		return wa_err_set(err, WA_EX_USAGE, "usage", "--from and --to "
				  "name the same file '%s'", from);
	if (store_open_flags(&src, from, STORE_READ | STORE_KEEP_SCHEMA,
			     err) < 0)
		return -1;
	if (store_engine(src) != SQL_SQLITE) {
		store_close(src);
		return wa_err_set(err, WA_EX_USAGE, "usage",
				  "--from names a SQLite file");
	}
	if (store_open(&dst, opt_to, err) < 0) {
		store_close(src);
		return -1;
	}
	o->cols = copy_cols;
	o->style = OUT_STYLE_TABLE;
	rc = store_copy(src, dst, emit, o, err);
	store_close(dst);
	store_close(src);
	return rc;
}

static void
check_args(const char *cmd, int nargs)
{
	static const char *const commands[] = {
		"migrate", "check", "backup", "copy", NULL
	};
	int i;

	for (i = 0; commands[i]; i++)
		if (strcmp(cmd, commands[i]) == 0)
			break;
	if (!commands[i])
		cli_usage_error(&cli, "unknown command '%s'", cmd);
	if (opt_check && strcmp(cmd, "migrate") != 0)
		cli_usage_error(&cli, "--check goes with 'migrate'");
	if (opt_force && strcmp(cmd, "backup") != 0)
		cli_usage_error(&cli, "--force goes with 'backup'");
	if ((opt_from || opt_to) && strcmp(cmd, "copy") != 0)
		cli_usage_error(&cli, "--from and --to go with 'copy'");
	if (strcmp(cmd, "copy") == 0 && (!opt_from || !opt_to))
		cli_usage_error(&cli, "copy needs --from and --to");
	if (strcmp(cmd, "backup") == 0 && nargs != 1)
		cli_usage_error(&cli, "backup needs one DEST file");
	if (strcmp(cmd, "backup") != 0 && nargs != 0)
		cli_usage_error(&cli, "unexpected argument");
}

static int
run(const char *cmd, const char *arg, const char *db, struct out *o,
    struct wa_err *err)
{
	struct store *st;
	unsigned flags = STORE_KEEP_SCHEMA;
	int rc;

	if (strcmp(cmd, "copy") == 0)
		return copy(o, err);
	/* Only migrate makes a desk; the others read what is there (a
	 * read-only snapshot too). */
	if (strcmp(cmd, "migrate") != 0 || opt_check)
		flags |= STORE_READ;
	if (store_open_flags(&st, db, flags, err) < 0)
		return -1;
	if (strcmp(cmd, "migrate") == 0)
		rc = migrate(st, o, err);
	else if (strcmp(cmd, "check") == 0)
		rc = check(st, o, err);
	else
		rc = backup(st, arg, o, err);
	store_close(st);
	return rc;
}

int
main(int argc, char **argv)
{
	struct wa_config cfg;
	struct wa_err err;
	struct out o;
	const char *cmd;
	int i, status;

	wa_err_clear(&err);
	i = cli_parse(&cli, argc, argv, "", longopts, handle, NULL);
	if (i >= argc)
		cli_usage_error(&cli, "a command is needed");
	cmd = argv[i++];
	check_args(cmd, argc - i);
	out_init(&o, stdout, cli.out, NULL);
	o.style = OUT_STYLE_RECORD;	/* one record; copy is a table */
	if (config_load(&cfg, cli.db, &err) < 0)
		status = -1;
	else
		status = run(cmd, i < argc ? argv[i] : NULL, cfg.db_path, &o,
			     &err);
	if (status < 0) {
		wa_warn(&err, 0);
		status = err.sysexit;
	}
	if (out_finish(&o) < 0)
		status = wa_output_failed(status, o.error);
	else if (pages_unchecked)
		wa_warnx("pages and indexes not checked: the amcheck extension "
			 "is not installed in the database (CREATE EXTENSION "
			 "amcheck)");
	config_release(&cfg);
	return status;
}
