/* SPDX-License-Identifier: MIT */
/* libFuzzer harness: wa-template lint on any file never crashes, and names a line of the file for what it refuses. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "template_files.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[] = "/tmp/wa-fuzz-tpl.XXXXXX";
static char path[sizeof(dir) + 32];

#define check(cond) do { if (!(cond)) __builtin_trap(); } while (0)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct template_file f;
	struct wa_err err;
	FILE *fp;
	long line = -1, lines = 1;
	size_t i;
	int rc;

	if (!path[0]) {
		if (!mkdtemp(dir))
			abort();
		snprintf(path, sizeof(path), "%s/order_update.en_US.json", dir);
	}
	fp = fopen(path, "wb");
	if (!fp || fwrite(data, 1, size, fp) != size || fclose(fp) != 0)
		abort();
	for (i = 0; i < size; i++)
		lines += data[i] == '\n';
	memset(&f, 0, sizeof(f));
	wa_err_clear(&err);
	check(template_file_read(&f, path, &err) == 0);
	rc = template_file_check(&f, 1, &line, &err);
	if (rc < 0) {
		/* a refusal says why, and where when it can */
		check(err.message[0] != '\0');
		check(line <= lines);
	} else {
		jv p = template_file_payload(f.tpl);

		check(jv_get_kind(p) == JV_KIND_OBJECT);
		check(!jv_object_has(jv_copy(p), jv_string(TEMPLATE_FILE_META)));
		jv_free(p);
	}
	template_file_release(&f);
	return 0;
}
