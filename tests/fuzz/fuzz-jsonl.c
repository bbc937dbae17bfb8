/* SPDX-License-Identifier: MIT */
/* libFuzzer harness: the JSON lines reader on arbitrary bytes never crashes or leaks. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "jsonl.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FILE *fp = fmemopen((void *)data, size, "r");
	struct strbuf sb = STRBUF_INIT, sb2 = STRBUF_INIT;
	struct jsonl *r;
	struct wa_err err;
	const char *raw;
	size_t len;
	long line;
	jv v;
	int rc;

	if (!fp)
		return 0;
	r = jsonl_open(fp, "fuzz");
	jsonl_set_limit(r, 4096);
	while ((rc = jsonl_next(r, &v, &line, &err)) != 0 && rc != -2) {
		if (rc < 0)
			continue;
		raw = jsonl_raw(r, &len);
		(void)raw;
		/* What the writer prints reads back and prints the same
		 * (not value equality: JSON cannot say infinity, so a huge
		 * literal comes back as the largest double, as in jq). */
		sb_reset(&sb);
		jsonl_dump(&sb, v);
		jv back = jv_parse(sb_str(&sb));
		if (!jv_is_valid(back))
			__builtin_trap();
		sb_reset(&sb2);
		jsonl_dump(&sb2, back);
		if (strcmp(sb_str(&sb), sb_str(&sb2)) != 0)
			__builtin_trap();
		jv_free(back);
		jv_free(v);
	}
	jsonl_close(r);
	fclose(fp);
	sb_release(&sb);
	sb_release(&sb2);
	return 0;
}
