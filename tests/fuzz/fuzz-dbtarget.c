/* SPDX-License-Identifier: MIT */
/* libFuzzer harness: a --db value that libpq cannot parse is refused (78) with a message that never shows its password, wherever the password stands. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "store_int.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define check(cond) do { if (!(cond)) __builtin_trap(); } while (0)

#define PASSWORD "Pw7xQz"

/* The password around the input, in a URI and in a conninfo string, as
 * a user might type it (the input may break the syntax anywhere). */
static const char *const shapes[] = {
	"postgresql://wa:" PASSWORD "@%s",
	"postgresql://wa:" PASSWORD "@%s/wa",
	"postgresql://wa@%s/wa?password=" PASSWORD,
	"postgresql://%s:" PASSWORD "@db/wa",
	"password=" PASSWORD " %s",
	"%s password=" PASSWORD,
	"password='" PASSWORD "' %s",
	"host=%s password=" PASSWORD,
};

static void
one(const char *shape, const char *s)
{
	struct strbuf sb = STRBUF_INIT;
	struct wa_err err;

	sb_addf(&sb, shape, s);
	wa_err_clear(&err);
	if (store_pg_parse(sb_str(&sb), &err) < 0) {
		check(err.sysexit == WA_EX_CONFIG || err.sysexit == 69);
		check(strstr(err.message, PASSWORD) == NULL);
	}
	sb_release(&sb);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	size_t i;

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	/* where the input is a target of its own, it is one of the two
	 * kinds or a SQLite path, never a crash */
	(void)store_pg_target(s);
	if (!strstr(s, PASSWORD))	/* the input itself may hold it */
		for (i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++)
			one(shapes[i], s);
	free(s);
	return 0;
}
