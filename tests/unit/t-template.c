/* SPDX-License-Identifier: MIT */
/* Unit tests for lib/template*.c: analysis, create checks, send objects, store. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "tap.h"
#include "testdb.h"
#include "template.h"
#include "jsonl.h"
#include "store.h"
#include "util.h"

static jv
J(const char *s)
{
	jv v = jv_parse(s);

	if (!jv_is_valid(v)) {
		printf("# bad test JSON: %s\n", s);
		abort();
	}
	return v;
}

/* Compact JSON text of v (consumed), in a static buffer. */
static const char *
dump(jv v)
{
	static char buf[4096];
	jv s = jv_dump_string(v, JV_PRINT_SORTED);

	snprintf(buf, sizeof(buf), "%s", jv_string_value(s));
	jv_free(s);
	return buf;
}

static const char ORDER_UPDATE[] =
	"{\"name\":\"order_update\",\"language\":\"en_US\",\"status\":"
	"\"APPROVED\",\"category\":\"UTILITY\",\"id\":\"101\",\"components\":["
	"{\"type\":\"BODY\",\"text\":\"Hi {{1}}, order {{2}} shipped.\"}]}";

static const char PROMO_NAMED[] =
	"{\"name\":\"promo_named\",\"language\":\"en_US\",\"status\":"
	"\"APPROVED\",\"parameter_format\":\"NAMED\",\"components\":["
	"{\"type\":\"HEADER\",\"format\":\"TEXT\",\"text\":\"Hey {{first_name}}\"},"
	"{\"type\":\"BODY\",\"text\":\"Hi {{first_name}}, use {{code}} now.\"},"
	"{\"type\":\"BUTTONS\",\"buttons\":[{\"type\":\"QUICK_REPLY\",\"text\":"
	"\"Stop\"},{\"type\":\"URL\",\"text\":\"Go\",\"url\":"
	"\"https://x.example/{{1}}\"},{\"type\":\"COPY_CODE\",\"example\":"
	"\"X1\"},{\"type\":\"PHONE_NUMBER\",\"text\":\"Call\","
	"\"phone_number\":\"15550001111\"}]}]}";

static const char IMAGE_HEADER[] =
	"{\"name\":\"image_header\",\"language\":\"en_US\",\"components\":["
	"{\"type\":\"HEADER\",\"format\":\"IMAGE\"},"
	"{\"type\":\"BODY\",\"text\":\"Look, {{1}}!\"}]}";

static void
test_analyze(void)
{
	struct template_info in;
	jv t = J(ORDER_UPDATE);

	template_analyze(t, &in);
	is_int(in.named, 0, "order_update is positional");
	is_int(in.nbody, 2, "order_update has 2 body params");
	is_str(in.header, "", "no header");
	is_str(dump(template_info_json(&in)),
	       "{\"body\":[\"1\",\"2\"],\"buttons\":[],\"count\":2,"
	       "\"format\":\"positional\",\"header\":null}", "params json");
	template_info_release(&in);
	jv_free(t);

	t = J(PROMO_NAMED);
	template_analyze(t, &in);
	is_int(in.named, 1, "promo_named is named");
	is_int(in.nbody, 2, "two names");
	is_str(in.body[0], "first_name", "first name first");
	is_str(in.body[1], "code", "then code");
	is_str(in.header, "TEXT", "text header");
	is_int(in.nheader, 1, "header takes one param");
	is_str(in.header_name, "first_name", "header param name");
	is_int(in.nbuttons, 4, "four buttons");
	is_int(in.buttons[0].takes, 1, "quick reply takes a payload");
	is_int(in.buttons[0].required, 0, "but needs none");
	is_int(in.buttons[1].required, 1, "URL with {{1}} needs one");
	is_int(in.buttons[2].required, 1, "COPY_CODE needs one");
	is_int(in.buttons[3].takes, 0, "phone number takes none");
	template_info_release(&in);
	jv_free(t);

	t = J("{\"components\":[{\"type\":\"BODY\",\"text\":\"a {{x}} b\"}]}");
	template_analyze(t, &in);
	is_int(in.named, 1, "named guessed without parameter_format");
	template_info_release(&in);
	jv_free(t);

	t = J("{\"components\":\"junk\"}");
	template_analyze(t, &in);
	is_int(in.nbody, 0, "junk components: nothing needed");
	template_info_release(&in);
	jv_free(t);
}

/* Builds tpl with params and the extra args ({"header_text",
 * "header_media","header_location","buttons"}); returns template_build's
 * answer with *out and *err. */
static int
run_build(const char *tpl, const char *params, const char *extra, jv *out,
	  struct wa_err *err)
{
	struct template_info in;
	struct template_args a;
	jv t = J(tpl), x = extra ? J(extra) : jv_object();
	int rc;

	template_analyze(t, &in);
	a.params = params ? J(params) : jv_invalid();
	a.header_text = jx_get(x, "header_text");
	a.header_media = jx_get(x, "header_media");
	a.header_location = jx_get(x, "header_location");
	a.buttons = jx_get(x, "buttons");
	rc = template_build(&in, jx_cstr(t, "name"), "en_US", &a, out, err);
	jv_free(a.params);
	jv_free(a.header_text);
	jv_free(a.header_media);
	jv_free(a.header_location);
	jv_free(a.buttons);
	jv_free(x);
	jv_free(t);
	template_info_release(&in);
	return rc;
}

static void
build_ok(const char *tpl, const char *params, const char *extra,
	 const char *want, const char *desc)
{
	struct wa_err err;
	jv out;

	if (!ok(run_build(tpl, params, extra, &out, &err) == 0, "%s builds",
		desc))
		printf("#   %s: %s\n", err.code, err.message);
	else
		is_str(dump(out), want, "%s", desc);
}

static void
build_bad(const char *tpl, const char *params, const char *extra,
	  const char *want_msg, const char *desc)
{
	struct wa_err err;
	jv out;
	int rc = run_build(tpl, params, extra, &out, &err);

	ok(rc < 0 && strcmp(err.code, "template_params") == 0 &&
	   strstr(err.message, want_msg), "%s", desc);
	if (rc == 0)
		jv_free(out);
	else if (!strstr(err.message, want_msg))
		printf("#   got: %s\n", err.message);
}

static void
test_build(void)
{
	build_ok(ORDER_UPDATE, "[\"Ann\",\"#123\"]", NULL,
		 "{\"components\":[{\"parameters\":[{\"text\":\"Ann\","
		 "\"type\":\"text\"},{\"text\":\"#123\",\"type\":\"text\"}],"
		 "\"type\":\"body\"}],\"language\":{\"code\":\"en_US\"},"
		 "\"name\":\"order_update\"}", "positional list");
	build_ok(ORDER_UPDATE, "{\"2\":\"#123\",\"1\":\"Ann\"}", NULL,
		 "{\"components\":[{\"parameters\":[{\"text\":\"Ann\","
		 "\"type\":\"text\"},{\"text\":\"#123\",\"type\":\"text\"}],"
		 "\"type\":\"body\"}],\"language\":{\"code\":\"en_US\"},"
		 "\"name\":\"order_update\"}", "positional by number");
	build_ok(ORDER_UPDATE, "[\"Ann\",42]", NULL,
		 "{\"components\":[{\"parameters\":[{\"text\":\"Ann\","
		 "\"type\":\"text\"},{\"text\":\"42\",\"type\":\"text\"}],"
		 "\"type\":\"body\"}],\"language\":{\"code\":\"en_US\"},"
		 "\"name\":\"order_update\"}", "a number becomes text");
	build_bad(ORDER_UPDATE, "[\"Ann\"]", NULL,
		  "needs body parameters {{1}}, {{2}}; got 1", "too few");
	build_bad(ORDER_UPDATE, "[\"a\",\"b\",\"c\"]", NULL, "got 3",
		  "too many");
	build_bad(ORDER_UPDATE, NULL, NULL, "got 0", "none given");
	build_bad(ORDER_UPDATE, "{\"1\":\"a\",\"3\":\"c\"}", NULL,
		  "unknown parameter '3'", "unknown number");
	build_bad(ORDER_UPDATE, "{\"1\":\"a\"}", NULL,
		  "missing parameter '2'", "missing number");
	build_bad(ORDER_UPDATE, "[\"\",\"b\"]", NULL,
		  "parameter '1' must be a non-empty string", "empty value");
	build_bad(ORDER_UPDATE, "[\"a\",\"b\"]",
		  "{\"header_media\":{\"type\":\"image\",\"link\":\"x\"}}",
		  "it has no media header", "header image for a text template");
	build_bad(ORDER_UPDATE, "[\"a\",\"b\"]", "{\"buttons\":{\"0\":\"x\"}}",
		  "button 0 takes no parameter", "button it lacks");

	build_ok(PROMO_NAMED, "{\"first_name\":\"Ann\",\"code\":\"C1\"}",
		 "{\"header_text\":\"Ann\",\"buttons\":{\"1\":\"abc\","
		 "\"2\":\"SAVE\"}}",
		 "{\"components\":[{\"parameters\":[{\"parameter_name\":"
		 "\"first_name\",\"text\":\"Ann\",\"type\":\"text\"}],\"type\":"
		 "\"header\"},{\"parameters\":[{\"parameter_name\":\"first_name\","
		 "\"text\":\"Ann\",\"type\":\"text\"},{\"parameter_name\":\"code\","
		 "\"text\":\"C1\",\"type\":\"text\"}],\"type\":\"body\"},"
		 "{\"index\":\"1\",\"parameters\":[{\"text\":\"abc\",\"type\":"
		 "\"text\"}],\"sub_type\":\"url\",\"type\":\"button\"},"
		 "{\"index\":\"2\",\"parameters\":[{\"coupon_code\":\"SAVE\","
		 "\"type\":\"coupon_code\"}],\"sub_type\":\"copy_code\","
		 "\"type\":\"button\"}],\"language\":{\"code\":\"en_US\"},"
		 "\"name\":\"promo_named\"}", "named with header and buttons");
	build_ok(PROMO_NAMED, "{\"first_name\":\"Ann\",\"code\":\"C1\"}",
		 "{\"header_text\":\"Ann\",\"buttons\":[\"yes\",\"abc\","
		 "\"SAVE\"]}",
		 "{\"components\":[{\"parameters\":[{\"parameter_name\":"
		 "\"first_name\",\"text\":\"Ann\",\"type\":\"text\"}],\"type\":"
		 "\"header\"},{\"parameters\":[{\"parameter_name\":\"first_name\","
		 "\"text\":\"Ann\",\"type\":\"text\"},{\"parameter_name\":\"code\","
		 "\"text\":\"C1\",\"type\":\"text\"}],\"type\":\"body\"},"
		 "{\"index\":\"0\",\"parameters\":[{\"payload\":\"yes\",\"type\":"
		 "\"payload\"}],\"sub_type\":\"quick_reply\",\"type\":\"button\"},"
		 "{\"index\":\"1\",\"parameters\":[{\"text\":\"abc\",\"type\":"
		 "\"text\"}],\"sub_type\":\"url\",\"type\":\"button\"},"
		 "{\"index\":\"2\",\"parameters\":[{\"coupon_code\":\"SAVE\","
		 "\"type\":\"coupon_code\"}],\"sub_type\":\"copy_code\","
		 "\"type\":\"button\"}],\"language\":{\"code\":\"en_US\"},"
		 "\"name\":\"promo_named\"}", "buttons as an array, quick reply");
	build_bad(PROMO_NAMED, "{\"first_name\":\"Ann\"}",
		  "{\"header_text\":\"Ann\",\"buttons\":{\"1\":\"a\",\"2\":\"b\"}}",
		  "missing parameter 'code'", "named: missing");
	build_bad(PROMO_NAMED, "{\"first_name\":\"Ann\",\"code\":\"x\","
		  "\"nick\":\"A\"}", "{\"header_text\":\"Ann\"}",
		  "unknown parameter 'nick'", "named: unknown");
	build_bad(PROMO_NAMED, "[\"Ann\",\"x\"]", "{\"header_text\":\"Ann\"}",
		  "it takes named parameters (first_name, code), not a list",
		  "named: list given");
	build_bad(PROMO_NAMED, "{\"first_name\":\"Ann\",\"code\":\"x\"}", NULL,
		  "missing header parameter 'first_name'", "header missing");
	build_bad(PROMO_NAMED, "{\"first_name\":\"Ann\",\"code\":\"x\"}",
		  "{\"header_text\":\"A\",\"buttons\":{\"2\":\"b\"}}",
		  "button 1 (URL) needs a parameter", "URL button missing");
	build_bad(PROMO_NAMED, "{\"first_name\":\"Ann\",\"code\":\"x\"}",
		  "{\"header_text\":\"A\",\"buttons\":{\"3\":\"b\"}}",
		  "button 3 takes no parameter", "phone button given one");
	build_bad(PROMO_NAMED, "{\"first_name\":\"Ann\",\"code\":\"x\"}",
		  "{\"header_text\":\"A\",\"buttons\":{\"x\":\"b\"}}",
		  "button index 'x' is not 0-9", "bad button index");

	build_ok(IMAGE_HEADER, "[\"Ann\"]",
		 "{\"header_media\":{\"type\":\"image\",\"link\":"
		 "\"https://x.example/a.jpg\"}}",
		 "{\"components\":[{\"parameters\":[{\"image\":{\"link\":"
		 "\"https://x.example/a.jpg\"},\"type\":\"image\"}],\"type\":"
		 "\"header\"},{\"parameters\":[{\"text\":\"Ann\",\"type\":"
		 "\"text\"}],\"type\":\"body\"}],\"language\":{\"code\":"
		 "\"en_US\"},\"name\":\"image_header\"}", "image header link");
	build_ok(IMAGE_HEADER, "[\"Ann\"]",
		 "{\"header_media\":{\"type\":\"image\",\"path\":\"a.jpg\"}}",
		 "{\"components\":[{\"parameters\":[{\"image\":{\"path\":"
		 "\"a.jpg\"},\"type\":\"image\"}],\"type\":\"header\"},"
		 "{\"parameters\":[{\"text\":\"Ann\",\"type\":\"text\"}],"
		 "\"type\":\"body\"}],\"language\":{\"code\":\"en_US\"},"
		 "\"name\":\"image_header\"}", "image header path for upload");
	build_bad(IMAGE_HEADER, "[\"Ann\"]", NULL,
		  "missing header IMAGE", "image header missing");
	build_bad(IMAGE_HEADER, "[\"Ann\"]",
		  "{\"header_media\":{\"type\":\"video\",\"link\":\"v\"}}",
		  "its header is image, not video", "wrong media kind");
	build_ok("{\"name\":\"welcome\",\"components\":[{\"type\":\"BODY\","
		 "\"text\":\"Welcome!\"}]}", NULL, NULL,
		 "{\"language\":{\"code\":\"en_US\"},\"name\":\"welcome\"}",
		 "no parameters: no components");
	build_bad("{\"name\":\"welcome\",\"components\":[{\"type\":\"BODY\","
		  "\"text\":\"Welcome!\"}]}", "[\"x\"]", NULL,
		  "needs body parameters none; got 1", "welcome takes none");
}

static void
render(const char *tpl, const char *params, const char *want,
       const char *desc)
{
	jv t = J(tpl), p = params ? J(params) : jv_invalid();
	jv r = template_render(t, p);

	is_str(jv_string_value(r), want, "render: %s", desc);
	jv_free(r);
	jv_free(p);
	jv_free(t);
}

static void
test_render(void)
{
	jv t, row;

	render(ORDER_UPDATE, "[\"Ann\",\"#123\"]", "Hi Ann, order #123 shipped.",
	       "positional list");
	render(ORDER_UPDATE, "{\"1\":\"Ann\",\"2\":7}",
	       "Hi Ann, order 7 shipped.", "by number, a number value");
	render(ORDER_UPDATE, "[\"Ann\"]", "Hi Ann, order {{2}} shipped.",
	       "a missing value stays a placeholder");
	render(ORDER_UPDATE, "[\"Ann\",{\"type\":\"currency\",\"currency\":"
	       "{\"fallback_value\":\"$9.99\",\"code\":\"USD\","
	       "\"amount_1000\":9990}}]", "Hi Ann, order $9.99 shipped.",
	       "a currency's fallback value");
	render(PROMO_NAMED, "{\"first_name\":\"Bo\",\"code\":\"C\"}",
	       "Hi Bo, use C now.", "named");
	render("{\"components\":[]}", NULL, "", "no body");

	t = J(PROMO_NAMED);
	row = template_json(jv_copy(t), 0);
	is_int(jv_number_value(jv_object_get(jv_copy(row), jv_string("params"))),
	       2, "list row: params is the count");
	ok(!jv_object_has(jv_copy(row), jv_string("components")),
	   "list row: no components");
	jv_free(row);
	row = template_json(t, 1);
	is_str(dump(jv_object_get(jv_copy(row), jv_string("params"))),
	       "{\"body\":[\"first_name\",\"code\"],\"buttons\":[{\"index\":0,"
	       "\"required\":false,\"type\":\"QUICK_REPLY\"},{\"index\":1,"
	       "\"required\":true,\"type\":\"URL\"},{\"index\":2,\"required\":"
	       "true,\"type\":\"COPY_CODE\"}],\"count\":2,\"format\":\"named\","
	       "\"header\":{\"format\":\"TEXT\",\"param\":\"first_name\"}}",
	       "show: params in full");
	jv_free(row);
}

static void
valid(const char *tpl, const char *desc)
{
	struct wa_err err;
	jv t = J(tpl);
	int rc = template_validate(t, &err);

	if (!ok(rc == 0, "valid: %s", desc))
		printf("#   %s: %s\n", err.code, err.message);
	jv_free(t);
}

static void
invalid(const char *tpl, const char *code, const char *msg,
	const char *desc)
{
	struct wa_err err;
	jv t = J(tpl);
	int rc = template_validate(t, &err);

	ok(rc < 0 && strcmp(err.code, code) == 0 &&
	   strncmp(err.message, msg, strlen(msg)) == 0, "invalid: %s", desc);
	if (rc == 0)
		printf("#   accepted\n");
	else if (strcmp(err.code, code) != 0 ||
		 strncmp(err.message, msg, strlen(msg)) != 0)
		printf("#   got %s: %s\n", err.code, err.message);
	jv_free(t);
}

#define HEAD "{\"name\":\"t1\",\"category\":\"UTILITY\",\"language\":\"en_US\","
#define BODY(text, ex) "{\"type\":\"BODY\",\"text\":\"" text "\"" ex "}"

static void
test_validate(void)
{
	valid(HEAD "\"components\":[" BODY("Hi {{1}}, order {{2}} shipped.",
	      ",\"example\":{\"body_text\":[[\"A\",\"B\"]]}") "]}",
	      "positional");
	valid("{\"name\":\"p2\",\"category\":\"marketing\",\"language\":\"en\","
	      "\"parameter_format\":\"named\",\"components\":["
	      "{\"type\":\"HEADER\",\"format\":\"TEXT\",\"text\":\"For {{who}}\","
	      "\"example\":{\"header_text_named_params\":[{\"param_name\":"
	      "\"who\",\"example\":\"Ann\"}]}},"
	      BODY("Hi {{first_name}}, use {{code}}.",
		   ",\"example\":{\"body_text_named_params\":[{\"param_name\":"
		   "\"first_name\",\"example\":\"A\"},{\"param_name\":\"code\","
		   "\"example\":\"C\"}]}") ","
	      "{\"type\":\"FOOTER\",\"text\":\"Bye\"},"
	      "{\"type\":\"BUTTONS\",\"buttons\":[{\"type\":\"URL\",\"text\":"
	      "\"Go\",\"url\":\"https://x.example/{{1}}\",\"example\":"
	      "[\"https://x.example/a\"]},{\"type\":\"PHONE_NUMBER\",\"text\":"
	      "\"Call\",\"phone_number\":\"15550001111\"}]}]}", "named, full");
	valid("{\"name\":\"otp\",\"category\":\"AUTHENTICATION\",\"language\":"
	      "\"en_US\",\"components\":[{\"type\":\"BODY\","
	      "\"add_security_recommendation\":true},{\"type\":\"BUTTONS\","
	      "\"buttons\":[{\"type\":\"OTP\",\"otp_type\":\"COPY_CODE\"}]}]}",
	      "authentication body without text");
	invalid("[1]", "invalid_input", "template: must be a JSON object",
		"not an object");
	invalid("{\"category\":\"UTILITY\",\"language\":\"en_US\"}",
		"invalid_input", "name: missing", "no name");
	invalid("{\"name\":\"Bad-Name\",\"category\":\"UTILITY\"}",
		"invalid_input", "name: 'Bad-Name' may hold only", "bad name");
	invalid("{\"name\":\"t\",\"language\":\"en\"}", "invalid_input",
		"category: missing", "no category");
	invalid("{\"name\":\"t\",\"category\":\"PROMO\",\"language\":\"en\"}",
		"invalid_input", "category: 'PROMO' is not", "bad category");
	invalid("{\"name\":\"t\",\"category\":\"UTILITY\"}", "invalid_input",
		"language: missing", "no language");
	invalid(HEAD "\"parameter_format\":\"nice\",\"components\":[]}",
		"invalid_input", "parameter_format: 'nice'", "bad format");
	invalid(HEAD "\"components\":[]}", "invalid_input",
		"components: must be a non-empty array", "no components");
	invalid(HEAD "\"components\":[{\"type\":\"FOOTER\",\"text\":\"x\"}]}",
		"invalid_input", "components: exactly one BODY", "no body");
	invalid(HEAD "\"components\":[" BODY("a", "") "," BODY("b", "") "]}",
		"invalid_input", "components[1]: a second BODY", "two bodies");
	invalid(HEAD "\"components\":[{\"type\":\"WIDGET\"}]}",
		"invalid_input", "components[0].type: 'WIDGET'", "bad type");
	invalid(HEAD "\"components\":[{\"type\":\"BODY\"}]}", "invalid_input",
		"components[0].text: missing", "body without text");
	{
		char big[1200 + 200];
		int i;

		snprintf(big, sizeof(big), HEAD "\"components\":[{\"type\":"
			 "\"BODY\",\"text\":\"");
		for (i = 0; i < 1025; i++)
			strncat(big, "x", 2);
		strncat(big, "\"}]}", 5);
		invalid(big, "invalid_input",
			"components[0].text: longer than 1024", "body too long");
		big[strlen(big) - 5] = '\0';
		strncat(big, "\"}]}", 5);
		valid(big, "body of exactly 1024");
	}
	invalid(HEAD "\"components\":[" BODY("{{1}} starts here", "") "]}",
		"template_params", "components[0].text: the text may not start",
		"placeholder at the start");
	invalid(HEAD "\"components\":[" BODY("ends with {{1}} ", "") "]}",
		"template_params", "components[0].text: the text may not end",
		"placeholder at the end");
	invalid(HEAD "\"components\":[" BODY("a {{1}}{{2}} b", "") "]}",
		"template_params", "components[0].text: '{{2}}' is adjacent",
		"adjacent placeholders");
	invalid(HEAD "\"components\":[" BODY("a {{1}} {{2}} b", "") "]}",
		"template_params", "components[0].text: '{{2}}' is adjacent",
		"placeholders apart by a space only");
	invalid(HEAD "\"components\":[" BODY("a {{1}} and {{3}} b", "") "]}",
		"template_params", "components[0].text: placeholders must be "
		"{{1}}, {{2}}, ... without gaps: {{2}} is missing", "gap");
	invalid(HEAD "\"components\":[" BODY("a {{2}} b", "") "]}",
		"template_params", "components[0].text: placeholders must be",
		"not from 1");
	invalid(HEAD "\"components\":[" BODY("a {{name}} b", "") "]}",
		"template_params", "components[0].text: '{{name}}' is named but",
		"named placeholder in a positional template");
	invalid(HEAD "\"parameter_format\":\"NAMED\",\"components\":["
		BODY("a {{1}} b", "") "]}", "template_params",
		"components[0].text: '{{1}}' is positional", "number when named");
	invalid(HEAD "\"parameter_format\":\"NAMED\",\"components\":["
		BODY("a {{First}} b", "") "]}", "template_params",
		"components[0].text: '{{First}}': parameter names are lowercase",
		"uppercase name");
	invalid(HEAD "\"parameter_format\":\"NAMED\",\"components\":["
		BODY("a {{x}} b {{x}} c", "") "]}", "template_params",
		"components[0].text: '{{x}}' is used more than once",
		"duplicate name");
	invalid(HEAD "\"components\":[" BODY("a {{1 b", "") "]}",
		"template_params", "components[0].text: malformed",
		"unterminated");
	invalid(HEAD "\"components\":[" BODY("a {{1}} b", "") "]}",
		"template_params", "components[0].example.body_text: missing",
		"no example");
	invalid(HEAD "\"components\":[" BODY("a {{1}} b {{2}} c",
		",\"example\":{\"body_text\":[[\"x\"]]}") "]}",
		"template_params",
		"components[0].example.body_text: needs 2 values, got 1",
		"short example");
	invalid(HEAD "\"parameter_format\":\"named\",\"components\":["
		BODY("a {{x}} b {{y}} c", ",\"example\":{"
		"\"body_text_named_params\":[{\"param_name\":\"x\",\"example\":"
		"\"1\"}]}") "]}", "template_params",
		"components[0].example.body_text_named_params: no example for "
		"'y'", "named example missing");
	invalid(HEAD "\"parameter_format\":\"named\",\"components\":["
		BODY("a {{x}} b", ",\"example\":{"
		"\"body_text_named_params\":[{\"param_name\":\"x\",\"example\":"
		"\"1\"},{\"param_name\":\"z\",\"example\":\"2\"}]}") "]}",
		"template_params",
		"components[0].example.body_text_named_params: 'z' is not",
		"named example extra");
	invalid(HEAD "\"components\":[{\"type\":\"HEADER\",\"format\":\"TEXT\","
		"\"text\":\"This header is far too long to be accepted by Meta "
		"at all, really\"}," BODY("b", "") "]}", "invalid_input",
		"components[0].text: longer than 60", "header too long");
	invalid(HEAD "\"components\":[{\"type\":\"HEADER\",\"format\":\"GIF\"},"
		BODY("b", "") "]}", "invalid_input",
		"components[0].format: 'GIF'", "bad header format");
	invalid(HEAD "\"components\":[{\"type\":\"HEADER\",\"format\":"
		"\"IMAGE\"}," BODY("b", "") "]}", "template_params",
		"components[0].example.header_handle", "image without handle");
	invalid(HEAD "\"components\":[{\"type\":\"HEADER\",\"format\":\"TEXT\","
		"\"text\":\"{{1}} {{2}}\"}," BODY("b", "") "]}",
		"template_params", "components[0].text: '{{2}}' is adjacent",
		"two header params adjacent");
	invalid(HEAD "\"components\":[{\"type\":\"HEADER\",\"format\":\"TEXT\","
		"\"text\":\"{{1}} and {{2}}\"}," BODY("b", "") "]}",
		"template_params", "components[0].text: a header takes at most",
		"two header params");
	invalid(HEAD "\"components\":[" BODY("b", "") ",{\"type\":\"FOOTER\","
		"\"text\":\"This footer is far too long to be accepted by Meta "
		"at all, really\"}]}", "invalid_input",
		"components[1].text: longer than 60", "footer too long");
	invalid(HEAD "\"components\":[" BODY("b", "") ",{\"type\":\"FOOTER\","
		"\"text\":\"x {{1}}\"}]}", "template_params",
		"components[1].text: a footer takes no", "footer param");
	invalid(HEAD "\"components\":[" BODY("b", "") ",{\"type\":\"BUTTONS\","
		"\"buttons\":[" "{\"type\":\"QUICK_REPLY\",\"text\":\"1\"},"
		"{\"type\":\"QUICK_REPLY\",\"text\":\"2\"},"
		"{\"type\":\"QUICK_REPLY\",\"text\":\"3\"},"
		"{\"type\":\"QUICK_REPLY\",\"text\":\"4\"},"
		"{\"type\":\"QUICK_REPLY\",\"text\":\"5\"},"
		"{\"type\":\"QUICK_REPLY\",\"text\":\"6\"},"
		"{\"type\":\"QUICK_REPLY\",\"text\":\"7\"},"
		"{\"type\":\"QUICK_REPLY\",\"text\":\"8\"},"
		"{\"type\":\"QUICK_REPLY\",\"text\":\"9\"},"
		"{\"type\":\"QUICK_REPLY\",\"text\":\"10\"},"
		"{\"type\":\"QUICK_REPLY\",\"text\":\"11\"}]}]}",
		"invalid_input", "components[1].buttons: more than 10",
		"eleven buttons");
	invalid(HEAD "\"components\":[" BODY("b", "") ",{\"type\":\"BUTTONS\","
		"\"buttons\":[{\"type\":\"URL\",\"text\":\"Go\",\"url\":"
		"\"https://x/{{1}}\"}]}]}", "template_params",
		"components[1].buttons[0].example", "URL without example");
	invalid(HEAD "\"components\":[" BODY("b", "") ",{\"type\":\"BUTTONS\","
		"\"buttons\":[{\"type\":\"URL\",\"text\":\"Go\",\"url\":"
		"\"https://x/{{1}}/y\"}]}]}", "template_params",
		"components[1].buttons[0].url: a URL takes one", "URL param mid");
	invalid(HEAD "\"components\":[" BODY("b", "") ",{\"type\":\"BUTTONS\","
		"\"buttons\":[{\"type\":\"PHONE_NUMBER\",\"text\":\"Call\"}]}]}",
		"invalid_input", "components[1].buttons[0].phone_number: missing",
		"phone button without number");
	invalid(HEAD "\"components\":[" BODY("b", "") ",{\"type\":\"BUTTONS\","
		"\"buttons\":[{\"type\":\"COPY_CODE\"}]}]}", "template_params",
		"components[1].buttons[0].example", "copy code without example");
}

static void
test_store(void)
{
	char path[] = "/tmp/t-template-XXXXXX";
	char db[64];
	struct store *st;
	struct wa_err err;
	jv t, out, seen;
	int fd, n;

	fd = mkstemp(path);
	close(fd);
	unlink(path);
	mkdir_p(path);
	snprintf(db, sizeof(db), "%s/wa.db", path);
	if (!ok(store_open(&st, db, &err) == 0, "store opens"))
		return;
	t = J(ORDER_UPDATE);
	ok(template_upsert(st, "W1", t, 100, &err) == 0, "upsert");
	jv_free(t);
	t = J("{\"name\":\"order_update\",\"language\":\"es\",\"status\":"
	      "\"PENDING\",\"category\":\"UTILITY\",\"id\":\"102\","
	      "\"quality_score\":{\"score\":\"GREEN\"},\"components\":[]}");
	ok(template_upsert(st, "W1", t, 100, &err) == 0, "upsert es");
	jv_free(t);
	is_int(template_get(st, "W1", "order_update", "en_US", &out, &err), 1,
	       "get");
	is_str(jx_cstr(out, "status"), "APPROVED", "status kept");
	is_str(jx_cstr(out, "id"), "101", "id kept");
	jv_free(out);
	is_int(template_get(st, NULL, "order_update", "es", &out, &err), 1,
	       "get any waba");
	is_str(jx_cstr(out, "quality"), "GREEN", "quality score");
	jv_free(out);
	is_int(template_get(st, "W2", "order_update", "es", &out, &err), 0,
	       "other waba: absent");
	ok(template_list(st, NULL, NULL, NULL, "approved", NULL, &out,
			 &err) == 0, "list");
	is_int(jv_array_length(out), 1, "status filter is case-blind");

	/* webhooks */
	ok(template_apply_status(st, "W1", "102", NULL, NULL, "APPROVED", NULL,
				 NULL, "NONE", 200, &err) == 0, "apply by id");
	template_get(st, "W1", "order_update", "es", &out, &err);
	is_str(jx_cstr(out, "status"), "APPROVED", "approved by webhook");
	jv_free(out);
	template_apply_status(st, "W1", "999", "order_update", "es", "FLAGGED",
			      NULL, NULL, NULL, 201, &err);
	template_get(st, "W1", "order_update", "es", &out, &err);
	is_str(jx_cstr(out, "status"), "APPROVED", "FLAGGED keeps status");
	jv_free(out);
	template_apply_status(st, "W1", NULL, "order_update", "es", "PAUSED",
			      NULL, NULL, NULL, 202, &err);
	template_apply_status(st, "W1", NULL, "order_update", "es", NULL,
			      "MARKETING", "RED", NULL, 203, &err);
	template_get(st, "W1", "order_update", "es", &out, &err);
	is_str(jx_cstr(out, "status"), "PAUSED", "paused by key");
	is_str(jx_cstr(out, "category"), "MARKETING", "category update");
	is_str(jx_cstr(out, "quality"), "RED", "quality update");
	jv_free(out);
	template_apply_status(st, "W1", NULL, "order_update", "es",
			      "REINSTATED", NULL, NULL, NULL, 204, &err);
	template_get(st, "W1", "order_update", "es", &out, &err);
	is_str(jx_cstr(out, "status"), "APPROVED", "REINSTATED approves");
	jv_free(out);
	ok(template_apply_status(st, "W1", "555", "fresh", "en-US", "PENDING",
				 "UTILITY", NULL, NULL, 205, &err) == 0,
	   "unknown template inserted");
	is_int(template_get(st, "W1", "fresh", "en_US", &out, &err), 1,
	       "en-US stored as en_US");
	jv_free(out);

	seen = J("{\"order_update\\ten_US\":true}");
	ok(template_prune(st, "W1", seen, &n, &err) == 0, "prune");
	is_int(n, 2, "two pruned");
	jv_free(seen);
	ok(template_list(st, "W1", NULL, NULL, NULL, NULL, &out, &err) == 0,
	   "list after prune");
	is_int(jv_array_length(out), 1, "one left");
	ok(template_delete(st, "W1", "order_update", NULL, &n, &err) == 0 &&
	   n == 1, "delete");
	store_close(st);
	testdb_remove(path);
}

int
main(void)
{
	test_analyze();
	test_build();
	test_render();
	test_validate();
	test_store();
	return done_testing();
}
