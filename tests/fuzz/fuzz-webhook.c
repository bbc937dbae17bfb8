/* SPDX-License-Identifier: MIT */
/* libFuzzer harness: any webhook body goes through plan, apply and render without a crash, and only a database error may fail it. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "desk.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct store *st;
static struct ingest *in;

static int
line(const char *text, size_t len, void *ctx)
{
	(void)ctx;
	/* an event is one line of JSON */
	if (!len || text[0] != '{' || text[len - 1] != '}' ||
	    memchr(text, '\n', len))
		abort();
	return 0;
}

/* Twice: the second time everything is a duplicate. */
static void
once(const uint8_t *data, size_t size)
{
	static const struct ingest_sink sink = { line, NULL, NULL };
	struct ingest_plan *p;
	struct wa_err err;
	char *body = xmalloc(size + 1);

	memcpy(body, data, size);
	body[size] = '\0';
	p = ingest_plan(ingest_rules(in, &err), body, size, 1);
	if (ingest_apply(in, p, "file", NULL, &err) < 0)
		abort();	/* only a database error may fail */
	ingest_plan_free(p);
	if (ingest_render(ingest_take_events(in), &sink) < 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wa_err err;

	if (!st)
		fuzz_desk(&st, &in);
	if (store_begin(st, &err) < 0)
		abort();
	once(data, size);
	once(data, size);
	store_rollback(st);	/* every input starts from the same state */
	return 0;
}
