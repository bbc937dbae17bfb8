/* SPDX-License-Identifier: MIT */
/* Test helper built on lib/: drives the Graph client, canonicalises JSON. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "wa.h"

static const char usage[] =
	"usage: helper graph METHOD PATH [BODY]\n"
	"       helper upload PATH FILE MIME\n"
	"       helper download URL OUTFILE MAXBYTES\n"
	"       helper canon [FILE]\n"
	"       helper catalogue\n";

static int
report(int rc, jv resp, const struct wa_err *err)
{
	jv r;

	if (rc == 0) {
		r = JV_OBJECT(jv_string("ok"), jv_true(), jv_string("resp"),
			      resp);
	} else {
		r = wa_err_result(err, jv_invalid(), 0);
		r = jv_object_set(r, jv_string("retry"), jv_bool(err->retry));
		r = jv_object_set(r, jv_string("sysexit"),
				  jv_number(err->sysexit));
		r = jv_object_set(r, jv_string("resp"), resp);
	}
	jsonl_write(stdout, r);
	return rc == 0 ? 0 : err->sysexit;
}

static int
do_graph(struct wa_config *cfg, int argc, char **argv)
{
	struct graph *g;
	struct wa_err err;
	jv resp = jv_null(), body = jv_invalid();
	int rc;

	if (graph_open(&g, cfg, NULL, &err) < 0)
		return report(-1, jv_null(), &err);
	if (strcmp(argv[0], "graph") == 0) {
		if (argc > 3)
			body = jv_parse(argv[3]);
		rc = graph_request(g, argv[1], argv[2], body, &resp, &err);
	} else if (strcmp(argv[0], "upload") == 0) {
		rc = graph_upload(g, argv[1], argv[2], argv[3], &resp, &err);
	} else {
		FILE *fp = fopen(argv[2], "w+");
		long long max = 0;

		parse_int(argv[3], 0, 1LL << 40, &max);
		rc = fp ? graph_download(g, argv[1], fp, (long)max, &err) : -1;
		if (fp)
			fclose(fp);
	}
	graph_close(g);
	return report(rc, resp, &err);
}

static int
do_canon(const char *file)
{
	FILE *fp = file ? fopen(file, "r") : stdin;
	struct jsonl *r;
	struct wa_err err;
	long line;
	jv v;
	int rc;

	if (!fp)
		return 66;
	r = jsonl_open(fp, file);
	while ((rc = jsonl_next(r, &v, &line, &err)) != 0) {
		if (rc < 0)
			continue;
		jv s = jv_dump_string(v, JV_PRINT_SORTED);
		puts(jv_string_value(s));
		jv_free(s);
	}
	jsonl_close(r);
	if (file)
		fclose(fp);
	return 0;
}

/* Prepares every query of the catalogue on WA_DB's engine: one line per
 * text it refuses; exit 1 when there is one. */
static int
do_catalogue(void)
{
	struct wa_config cfg;
	struct store *st;
	struct wa_err err;
	int i, bad = 0;

	if (config_load(&cfg, NULL, &err) < 0) {
		wa_warn(&err, 0);
		return err.sysexit;
	}
	if (store_open(&st, cfg.db_path, &err) < 0) {
		wa_warn(&err, 0);
		config_release(&cfg);
		return err.sysexit;
	}
	for (i = 0; i < SQL_QUERIES; i++)
		if (store_q_check(st, (enum sql_id)i, &err) < 0) {
			printf("%s: %s\n", sql_name((enum sql_id)i),
			       err.message);
			bad = 1;
		}
	printf("%d queries\n", i);
	store_close(st);
	config_release(&cfg);
	return bad;
}

int
main(int argc, char **argv)
{
	struct wa_config cfg;
	struct wa_err err;
	int rc;

	if (argc >= 2 && strcmp(argv[1], "canon") == 0)
		return do_canon(argc > 2 ? argv[2] : NULL);
	if (argc == 2 && strcmp(argv[1], "catalogue") == 0)
		return do_catalogue();
	if (argc < 4 || (strcmp(argv[1], "graph") && strcmp(argv[1], "upload") &&
			 strcmp(argv[1], "download")) ||
	    (strcmp(argv[1], "graph") != 0 && argc < 5)) {
		fputs(usage, stderr);
		return 64;
	}
	graph_global_init();
	if (config_load(&cfg, NULL, &err) < 0) {
		fprintf(stderr, "helper: %s\n", err.message);
		config_release(&cfg);
		return err.sysexit;
	}
	rc = do_graph(&cfg, argc - 1, argv + 1);
	config_release(&cfg);
	graph_global_cleanup();
	return rc;
}
