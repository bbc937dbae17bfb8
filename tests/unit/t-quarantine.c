/* SPDX-License-Identifier: MIT */
/* Unit tests for lib/quarantine.c: the built-in rules compile, hold where they should, and a bad rule is named. */
#include <string.h>
#include "tap.h"
#include "quarantine.h"

static const char *
match(struct quarantine *q, const char *json)
{
	jv rec = jv_parse(json);
	const char *hit = quarantine_match(q, rec);

	jv_free(rec);
	return hit;
}

int
main(void)
{
	struct quarantine *q = quarantine_new();
	struct wa_err err;

	/* the defaults are compiled when a message might match them */
	ok(quarantine_compile(q, &err) == 0, "the built-in rules load");
	is_str(match(q, "{\"text\":\"hello\"}"), NULL, "plain text holds none");
	is_str(match(q, "{\"text\":\"see http://10.0.0.1/x\"}"), "ip_link",
	       "a link to an IP address: ip_link (compiled on first need)");
	is_str(match(q, "{\"text\":\"see https://example.com/\"}"), NULL,
	       "a link to a name holds none");
	is_str(match(q, "{\"media\":{\"filename\":\"invoice.PDF.exe\"}}"),
	       "executable_attachment", "an .exe attachment");
	is_str(match(q, "{\"media\":{\"mime_type\":"
			"\"application/vnd.android.package-archive\"}}"),
	       "executable_mime", "an APK by its MIME type");
	is_str(match(q, "{\"text\":\"ftp://192.168.1.1\"}"), "ip_link",
	       "and again, compiled once");

	/* a rule of one's own is compiled at once, and a bad one named */
	ok(quarantine_set(q, "shouty", "(.text // \"\") | test(\"^[A-Z !]+$\")",
			  &err) == 0, "a rule of one's own");
	ok(quarantine_compile(q, &err) == 0, "compiles with the defaults");
	is_str(match(q, "{\"text\":\"BUY NOW!\"}"), "shouty", "and holds");
	ok(quarantine_set(q, "broken", ".text | nosuchfunction", &err) == 0,
	   "a rule that does not compile");
	ok(quarantine_compile(q, &err) < 0, "is refused at compile time");
	ok(strstr(err.message, "'broken'") != NULL &&
	   strstr(err.message, "nosuchfunction") != NULL, "naming it and "
	   "jq's reason: %s", err.message);
	ok(!strchr(err.message, '\n'), "on one line");
	is_int(err.sysexit, WA_EX_CONFIG, "exit 78");
	quarantine_free(q);
	return done_testing();
}
