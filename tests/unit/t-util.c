/* SPDX-License-Identifier: MIT */
/* Unit tests for lib/util*.c: integers, time parsing and formatting, phones, encodings. */
#include <stdlib.h>
#include "tap.h"
#include "util.h"

static void
test_parse_int(void)
{
	long long v = 0;

	ok(parse_int("42", 0, 100, &v) == 0 && v == 42, "parse_int 42");
	ok(parse_int("-5", -10, 10, &v) == 0 && v == -5, "negative in range");
	ok(parse_int("101", 0, 100, &v) < 0, "above max refused");
	ok(parse_int("", 0, 100, &v) < 0, "empty refused");
	ok(parse_int(" 4", 0, 100, &v) < 0, "leading space refused");
	ok(parse_int("4x", 0, 100, &v) < 0, "trailing junk refused");
	ok(parse_int("99999999999999999999", 0, 1LL << 62, &v) < 0,
	   "overflow refused");
}

static const struct {
	const char *in;
	int64_t want;		/* -1: must fail */
} times[] = {
	{ "1713290225", 1713290225 },
	{ "0", 0 },
	{ "2024-04-16T17:57:05Z", 1713290225 },
	{ "2024-04-16T17:57:05.123Z", 1713290225 },
	{ "2024-04-16T19:57:05+02:00", 1713290225 },
	{ "2024-04-16T12:57:05-0500", 1713290225 },
	{ "2024-04-16 17:57:05", 1713290225 },
	{ "2024-04-16T17:57Z", 1713290220 },
	{ "2024-04-16", 1713225600 },
	{ "2024-02-29", 1709164800 },
	{ "2023-02-29", -1 },
	{ "2000-02-29T00:00:00Z", 951782400 },
	{ "2100-02-29", -1 },
	{ "2024-13-01", -1 },
	{ "2024-04-31", -1 },
	{ "2024-04-16T24:00:00Z", -1 },
	{ "2024-04-16T17:57:05Zjunk", -1 },
	{ "yesterday", -1 },
	{ "", -1 },
	{ "-5", -1 },
	{ "1970-01-01T00:00:00Z", 0 },
	{ "2038-01-19T03:14:08Z", 2147483648LL },
	{ "9999-12-31T23:59:59Z", 253402300799LL },
	{ "9999-12-31T23:59:12-11", -1 },	/* year 10000 (fuzz-values) */
	{ "1969-12-31T23:59:59Z", -1 },		/* before 1970 is "never" */
	{ "1970-01-01T00:30:00+01:00", -1 },
};

static void
test_time(void)
{
	struct wa_err err;
	char buf[32];
	size_t i;
	int y, m, d;

	for (i = 0; i < sizeof(times) / sizeof(times[0]); i++) {
		int64_t t = -99;
		int rc = time_parse(times[i].in, &t, &err);

		if (times[i].want < 0)
			ok(rc < 0 && strcmp(err.code, "invalid_input") == 0,
			   "time_parse('%s') refused", times[i].in);
		else
			is_int(rc == 0 ? t : -99, times[i].want,
			       "time_parse('%s')", times[i].in);
	}
	is_str(time_fmt(1713290225, buf, sizeof(buf)), "2024-04-16T17:57:05Z",
	       "time_fmt");
	is_str(time_fmt(0, buf, sizeof(buf)), "1970-01-01T00:00:00Z",
	       "time_fmt epoch");
	is_str(time_fmt(951868799, buf, sizeof(buf)), "2000-02-29T23:59:59Z",
	       "time_fmt leap day last second");
	time_to_ymd(time_from_ymd(2024, 2, 29), &y, &m, &d);
	ok(y == 2024 && m == 2 && d == 29, "ymd round trip leap day");
	is_int(time_days_in_month(2024, 2), 29, "Feb 2024 has 29 days");
	is_int(time_days_in_month(2025, 2), 28, "Feb 2025 has 28 days");
	is_int(time_days_in_month(1900, 2), 28, "Feb 1900 has 28 days");
	is_int(time_days_in_month(2000, 2), 29, "Feb 2000 has 29 days");
	is_int(time_days_in_month(2024, 4), 30, "April has 30 days");
	setenv("WA_NOW", "1700000000", 1);
	is_int(wa_now(), 1700000000, "WA_NOW overrides the clock");
	setenv("WA_NOW", "garbage", 1);
	ok(wa_now() > 1700000000, "bad WA_NOW falls back to the clock");
	unsetenv("WA_NOW");
}

static void
test_duration(void)
{
	int64_t s = 0;

	ok(duration_parse("90", &s) == 0 && s == 90, "duration 90");
	ok(duration_parse("15m", &s) == 0 && s == 900, "duration 15m");
	ok(duration_parse("1h", &s) == 0 && s == 3600, "duration 1h");
	ok(duration_parse("155555555555555555m", &s) < 0,
	   "a duration past year 9999 is refused, not overflowed");
	ok(duration_parse("2d", &s) == 0 && s == 172800, "duration 2d");
	ok(duration_parse("1x", &s) < 0, "duration 1x refused");
	ok(duration_parse("h", &s) < 0, "duration h refused");
	ok(duration_parse("-1h", &s) < 0, "negative duration refused");
}

static const struct {
	const char *in, *cc, *want;	/* want NULL: invalid_phone */
} phones[] = {
	{ "+1 (555) 123-4567", NULL, "15551234567" },
	{ "15551234567", NULL, "15551234567" },
	{ "+44 7700 900123", NULL, "447700900123" },
	{ "0044 7700 900123", NULL, "447700900123" },
	{ "07700 900123", "44", "447700900123" },
	{ "07700 900123", NULL, NULL },
	{ "(555) 123-4567", "1", "15551234567" },
	{ "(555) 123-4567", NULL, NULL },
	{ "+55 11 91234-5678", NULL, "5511912345678" },
	{ "+52 1 55 1234 5678", NULL, "5215512345678" },
	{ "+1 555 CALL NOW", NULL, NULL },
	{ "", NULL, NULL },
	{ "+", NULL, NULL },
	{ "+12345", NULL, NULL },
	{ "+1234567890123456", NULL, NULL },
	{ "  +49.30.1234567  ", NULL, "49301234567" },
	{ "+0 555 1234567", NULL, NULL },
	{ "+44 (0)7700 900126", NULL, "447700900126" },
	{ "+44(0)20 7946 0018", "1", "442079460018" },
	{ "(0)7700 900126", "44", "447700900126" },
	{ "+(0)44 7700 900126", NULL, NULL },
};

static void
test_phone(void)
{
	struct wa_err err;
	char out[32];
	size_t i;

	for (i = 0; i < sizeof(phones) / sizeof(phones[0]); i++) {
		int rc = phone_normalize(phones[i].in, phones[i].cc, out,
					 sizeof(out), &err);

		if (phones[i].want)
			is_str(rc == 0 ? out : err.message, phones[i].want,
			       "phone '%s' (cc %s)", phones[i].in,
			       phones[i].cc ? phones[i].cc : "-");
		else
			ok(rc < 0 && strcmp(err.code, "invalid_phone") == 0,
			   "phone '%s' (cc %s) refused", phones[i].in,
			   phones[i].cc ? phones[i].cc : "-");
	}
	phone_normalize("(555) 123-4567", NULL, out, sizeof(out), &err);
	ok(strstr(err.message, "WA_DEFAULT_CC") != NULL,
	   "missing country code names WA_DEFAULT_CC");
}

static void
test_encodings(void)
{
	unsigned char raw[64];
	char hex[129];
	long n;

	n = base64_decode("aGVsbG8=", raw, sizeof(raw));
	ok(n == 5 && memcmp(raw, "hello", 5) == 0, "base64 hello");
	n = base64_decode("+/8=", raw, sizeof(raw));
	ok(n == 2 && raw[0] == 0xfb && raw[1] == 0xff, "base64 +/");
	ok(base64_decode("a*b", raw, sizeof(raw)) < 0, "base64 junk refused");
	hex_encode((const unsigned char *)"\x01\xab", 2, hex);
	is_str(hex, "01ab", "hex_encode");
}

static void
test_strbuf(void)
{
	struct strbuf sb = STRBUF_INIT;
	char *p;
	int i;

	is_str(sb_str(&sb), "", "empty strbuf is \"\"");
	for (i = 0; i < 1000; i++)
		sb_addf(&sb, "%d,", i);
	ok(sb.len == strlen(sb.buf), "strbuf length tracks content");
	sb_reset(&sb);
	sb_adds(&sb, "abc");
	p = sb_detach(&sb);
	is_str(p, "abc", "detach gives the content");
	ok(sb.buf == NULL && sb.len == 0, "detach re-inits");
	free(p);
}

int
main(void)
{
	test_parse_int();
	test_time();
	test_duration();
	test_phone();
	test_encodings();
	test_strbuf();
	return done_testing();
}
