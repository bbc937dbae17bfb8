/* SPDX-License-Identifier: MIT */
/* Unit tests for lib/channel*.c: channel_resolve, rule 1, URL/e-mail shapes, profile limits. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "tap.h"
#include "testdb.h"
#include "channel.h"
#include "util.h"

static struct store *st;

static void
connect_num(const char *id, const char *waba, const char *display)
{
	struct channel_number n;
	struct wa_err err;
	jv num = JV_OBJECT(jv_string("id"), jv_string(id),
			   jv_string("display_phone_number"),
			   jv_string(display),
			   jv_string("platform_type"), jv_string("CLOUD_API"));
	int rc;

	rc = channel_number_parse(num, waba, &n, &err);
	if (rc == 0) {
		store_begin(st, &err);
		rc = channel_connect(st, &n, 1000, &err);
		if (rc == 0)
			rc = store_commit(st, &err);
		else
			store_rollback(st);
	}
	ok(rc == 0, "connect %s", id);
	jv_free(num);
}

static void
test_resolve(void)
{
	char id[CHANNEL_ID_MAX];
	struct wa_err err;
	int left;

	ok(channel_resolve(st, NULL, id, &err) < 0 &&
	   strcmp(err.code, "not_connected") == 0 && err.sysexit == 78,
	   "none connected: not_connected, 78");
	connect_num("111", "9", "+1 555-000-1111");
	ok(channel_resolve(st, NULL, id, &err) == 0, "one connected");
	is_str(id, "111", "it is the default");
	ok(channel_resolve(st, "111", id, &err) == 0, "named and connected");
	ok(channel_resolve(st, "222", id, &err) < 0 && err.sysexit == 78 &&
	   strcmp(err.code, "not_connected") == 0, "unknown: 78");
	ok(channel_resolve(st, "x y", id, &err) < 0 && err.sysexit == 78,
	   "not an id: 78");
	connect_num("222", "9", "+1 555-000-2222");
	ok(channel_resolve(st, NULL, id, &err) < 0 &&
	   strcmp(err.code, "invalid_input") == 0 && err.sysexit == 1 &&
	   strstr(err.message, "111, 222") != NULL,
	   "several: invalid_input naming them");
	store_begin(st, &err);
	ok(channel_disconnect(st, "222", 2000, &left, &err) == 0 && left == 1,
	   "disconnect: one left in the WABA");
	ok(channel_disconnect(st, "222", 3000, &left, &err) == 1 && left == 1,
	   "disconnect again: nothing to do (1)");
	store_commit(st, &err);
	ok(channel_resolve(st, "222", id, &err) < 0 && err.sysexit == 1 &&
	   strstr(err.message, "disconnected") != NULL,
	   "disconnected: not_connected, 1");
	ok(channel_resolve(st, NULL, id, &err) == 0 && !strcmp(id, "111"),
	   "the one still connected is the default again");
	ok(business_verified(st) == 0, "no business: not verified");
}

static void
test_rule1(void)
{
	struct wa_err err;
	char id[16], disp[32];
	int i;

	ok(channel_check_connect(st, "9", "333", "15550001111", &err) < 0 &&
	   strcmp(err.code, "already_connected") == 0,
	   "the same phone under another id: already_connected");
	for (i = 0; i < 24; i++) {
		snprintf(id, sizeof(id), "5%02d", i);
		snprintf(disp, sizeof(disp), "+44 7700 9000%02d", i);
		connect_num(id, "9", disp);
	}
	ok(channel_check_connect(st, "9", "999", NULL, &err) < 0 &&
	   strcmp(err.code, "limit_reached") == 0 && err.sysexit == 1,
	   "25 connected: limit_reached");
	ok(channel_check_connect(st, "8", "999", NULL, &err) == 0,
	   "another WABA has room");
}

static void
test_parse(void)
{
	struct channel_number n;
	struct wa_err err;
	jv num = JV_OBJECT(jv_string("id"), jv_string("4"),
			   jv_string("display_phone_number"),
			   jv_string("15550004444"),
			   jv_string("platform_type"), jv_string("ON_PREMISE"));

	ok(channel_number_parse(num, "9", &n, &err) < 0 &&
	   strcmp(err.code, "invalid_input") == 0, "ON_PREMISE refused");
	jv_free(num);
	num = JV_OBJECT(jv_string("id"), jv_string("4"),
			jv_string("display_phone_number"), jv_string("+1 55"),
			jv_string("platform_type"),
			jv_string("NOT_APPLICABLE"));
	ok(channel_number_parse(num, "9", &n, &err) < 0 &&
	   strcmp(err.code, "graph_error") == 0, "no usable number");
	jv_free(num);
	num = JV_OBJECT(jv_string("id"), jv_string("4"),
			jv_string("display_phone_number"),
			jv_string("+49 30 1234567"));
	ok(channel_number_parse(num, "9", &n, &err) == 0 &&
	   strcmp(n.phone, "49301234567") == 0,
	   "no platform_type (not registered yet) is accepted; digits kept");
	jv_free(num);
}

static void
test_shapes(void)
{
	static const char *const good_url[] = {
		"http://a.example", "https://a.example/", "HTTP://A.EXAMPLE",
		"https://a.example:8443/x?y#z", "http://[::1]/",
		"http://localhost", NULL
	};
	static const char *const bad_url[] = {
		"", "a.example", "ftp://a.example", "http://", "http:///x",
		"http://a b", "http://a..b", "http://-a.example",
		"http://a-.example", "http://u@a.example", "http://a:0",
		"http://a:65536", "http://[zz]/", "http://a.example/\x7f", NULL
	};
	static const char *const good_mail[] = {
		"a@b.example", "a.b+c@d.e.example", "x_y@z.io", NULL
	};
	static const char *const bad_mail[] = {
		"", "a", "a@", "@b.example", "a@b", "a@b.1", ".a@b.example",
		"a.@b.example", "a..b@c.example", "a b@c.example",
		"a@-b.example", NULL
	};
	const char *const *p;

	for (p = good_url; *p; p++)
		ok(url_valid(*p), "url ok: '%s'", *p);
	for (p = bad_url; *p; p++)
		ok(!url_valid(*p), "url refused: '%s'", *p);
	for (p = good_mail; *p; p++)
		ok(email_valid(*p), "email ok: '%s'", *p);
	for (p = bad_mail; *p; p++)
		ok(!email_valid(*p), "email refused: '%s'", *p);
}

static void
test_profile(void)
{
	struct profile_update p = { 0 };
	struct wa_err err;
	char about[140 * 2 + 1];
	jv body, want;

	ok(!profile_has_update(&p), "empty update");
	memset(about, 'a', 139);
	about[139] = '\0';
	p.about = about;
	ok(profile_validate(&p, &err) == 0, "about of 139");
	about[139] = 'a';
	about[140] = '\0';
	ok(profile_validate(&p, &err) < 0 && err.sysexit == 64 &&
	   strncmp(err.message, "about:", 6) == 0, "about of 140: 64");
	p.about = "";
	ok(profile_validate(&p, &err) < 0, "empty about");
	p.about = "hi";
	p.vertical = "edu";
	p.websites[0] = "https://a.example";
	p.nwebsites = 1;
	ok(profile_validate(&p, &err) == 0, "vertical in any case");
	body = profile_body(&p);
	want = jv_parse("{\"messaging_product\":\"whatsapp\",\"about\":\"hi\","
			"\"vertical\":\"EDU\","
			"\"websites\":[\"https://a.example\"]}");
	ok(jv_equal(body, want), "body in Meta's spelling");
	p.vertical = "spaceships";
	ok(profile_validate(&p, &err) < 0, "unknown vertical");
	p.vertical = "";
	ok(profile_validate(&p, &err) == 0, "empty vertical clears");
	p.nwebsites = 3;
	p.websites[1] = "https://b.example";
	ok(profile_validate(&p, &err) < 0, "three websites");
}

int
main(void)
{
	char dir[] = "/tmp/wa-t-channel.XXXXXX", path[64];
	struct wa_err err;

	if (!mkdtemp(dir))
		return 1;
	snprintf(path, sizeof(path), "%s/wa.db", dir);
	if (store_open(&st, path, &err) < 0) {
		printf("Bail out! %s\n", err.message);
		return 1;
	}
	test_resolve();
	test_rule1();
	test_parse();
	test_shapes();
	test_profile();
	store_close(st);
	testdb_remove(dir);
	return done_testing();
}
