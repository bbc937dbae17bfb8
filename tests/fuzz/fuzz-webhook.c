/* SPDX-License-Identifier: MIT */
/* libFuzzer harness: any webhook body is stored and derived without a crash or leak. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "ingest.h"
#include "store.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct store *st;
static struct ingest *in;

static void
setup(void)
{
	char path[] = "/tmp/wa-fuzz.XXXXXX";
	struct wa_err err;
	int fd = mkstemp(path);

	if (fd < 0)
		abort();
	close(fd);
	unlink(path);
	if (store_open(&st, path, &err) < 0 || ingest_new(&in, st, &err) < 0)
		abort();
	/* a connected channel, so messages get past rule 2 */
	if (store_exec(st, "INSERT INTO channels (id, waba_id, phone, "
		       "connected_at) VALUES ('111111111111111', "
		       "'100200300400500', '15550001111', 0)", &err) < 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wa_err err;

	if (!st)
		setup();
	if (store_begin(st, &err) < 0)
		abort();
	if (ingest_delivery(in, (const char *)data, size, NULL, "file",
			    &err) < 0)
		abort();	/* only a database error may fail */
	store_rollback(st);	/* every input starts from the same state */
	ingest_flush(in, NULL, NULL);
	return 0;
}
