/* SPDX-License-Identifier: MIT */
/* For the libFuzzer harnesses: a fresh desk in a temporary file with one connected channel and an ingest on it. */
#ifndef WA_FUZZ_TESTS_DESK_H
#define WA_FUZZ_TESTS_DESK_H

#include <stdlib.h>
#include <unistd.h>
#include "ingest.h"
#include "store.h"

/* Aborts on any failure: a harness cannot run without its desk. */
static void
fuzz_desk(struct store **st, struct ingest **in)
{
	char path[] = "/tmp/wa-fuzz.XXXXXX";
	struct wa_err err;
	int fd = mkstemp(path);

	if (fd < 0)
		abort();
	close(fd);
	unlink(path);
	if (store_open(st, path, &err) < 0 || ingest_new(in, *st, &err) < 0)
		abort();
	/* a connected channel, so messages get past rule 2 */
	if (store_exec(*st, "INSERT INTO channels (id, waba_id, phone, "
		       "connected_at) VALUES ('111111111111111', "
		       "'100200300400500', '15550001111', 0)", &err) < 0)
		abort();
}

#endif
