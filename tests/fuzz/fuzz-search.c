/* SPDX-License-Identifier: MIT */
/* libFuzzer harness: any search text is a query or a usage error (64) on the real index, never a syntax error, and always has a PostgreSQL form. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "store.h"
#include "util.h"
#include "views.h"
#include "desk.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct store *st;

/* A desk with a few messages in the index, as wa-recv stores them. */
static void
setup(void)
{
	static const char *const texts[] = {
		"Where is my order #123? It's late",
		"refund please, the order-123 was broken",
		"Olá, está atrasado o pedido",
		"x@y.com wrote: \"late order\" again",
	};
	struct ingest *in;
	struct wa_err err;
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	fuzz_desk(&st, &in);
	if (store_begin(st, &err) < 0)
		abort();
	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		struct ingest_plan *p;
		jv t = jv_dump_string(jv_string(texts[i]), 0);

		sb_reset(&sb);
		sb_addf(&sb, "{\"object\":\"whatsapp_business_account\","
			"\"entry\":[{\"id\":\"100200300400500\",\"changes\":[{"
			"\"field\":\"messages\",\"value\":{\"messaging_product\":"
			"\"whatsapp\",\"metadata\":{\"display_phone_number\":"
			"\"15550001111\",\"phone_number_id\":\"111111111111111\"},"
			"\"messages\":[{\"from\":\"1555123000%zu\",\"id\":"
			"\"wamid.F%zu\",\"timestamp\":\"1713290225\",\"type\":"
			"\"text\",\"text\":{\"body\":%s}}]}}]}]}", i, i,
			jv_string_value(t));
		jv_free(t);
		/* the plan owns the body it is given */
		p = ingest_plan(ingest_rules(in, &err), xstrdup(sb.buf),
				sb.len, 1);
		if (ingest_apply(in, p, "file", NULL, &err) < 0)
			abort();
		ingest_plan_free(p);
	}
	if (store_commit(st, &err) < 0)
		abort();
	ingest_events_free(ingest_take_events(in));
	sb_release(&sb);
	ingest_free(in);
}

static void
hit(jv rec, void *ctx)
{
	(*(int *)ctx)++;
	jv_free(rec);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wa_err err;
	char *text, *pg = NULL;
	int hits = 0, rc;

	if (!st)
		setup();
	text = xmalloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';
	/* the user's text on the real FTS5 index: rows, or no word (64) */
	wa_err_clear(&err);
	if (views_search(st, text, 50, hit, &hits, &err) < 0 &&
	    err.sysexit != WA_EX_USAGE)
		abort();	/* a syntax error, or a crash of the store */
	/* and its PostgreSQL form exists whenever SQLite's does */
	wa_err_clear(&err);
	rc = views_fts_query(text, SQL_PG, "search", &pg, &err);
	if ((rc == 1) != (pg != NULL) || (rc < 0 && err.sysexit != WA_EX_USAGE))
		abort();
	free(pg);
	free(text);
	return 0;
}
