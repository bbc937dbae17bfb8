/* SPDX-License-Identifier: MIT */
/* libFuzzer harness: the parsers of what users type (phone numbers, times, durations, base64) never crash, and what they accept is stable. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define check(cond) do { if (!(cond)) __builtin_trap(); } while (0)

/* A number that normalises is international digits (7 to 15, no
 * leading 0): written with '+', it normalises to itself whatever the
 * default country code. */
static void
phone(const char *s, const char *cc)
{
	char out[32], plus[40], again[32];
	struct wa_err err;
	size_t i;

	if (phone_normalize(s, cc, out, sizeof(out), &err) < 0)
		return;
	for (i = 0; out[i]; i++)
		check(out[i] >= '0' && out[i] <= '9');
	check(i >= 7 && i <= 15 && out[0] != '0');
	snprintf(plus, sizeof(plus), "+%s", out);
	check(phone_normalize(plus, "44", again, sizeof(again), &err) == 0);
	check(strcmp(out, again) == 0);
}

/* A time that parses prints as ISO 8601 and reads back the same. */
static void
when(const char *s)
{
	struct wa_err err;
	int64_t t, back;
	char buf[64];

	if (time_parse(s, &t, &err) < 0 || t < 0)
		return;
	time_fmt(t, buf, sizeof(buf));
	check(time_parse(buf, &back, &err) == 0);
	check(back == t);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	unsigned char *b = malloc(size + 1);
	int64_t d;

	if (!s || !b)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	phone(s, NULL);
	phone(s, "44");
	when(s);
	if (duration_parse(s, &d) == 0)
		check(d >= 0);
	check(base64_decode(s, b, size + 1) <= (long)size + 1);
	free(s);
	free(b);
	return 0;
}
