/* SPDX-License-Identifier: MIT */
/* Unit tests for lib/signature.c: HMAC-SHA256 vectors and X-Hub-Signature-256 checks. */
#include <string.h>
#include "tap.h"
#include "signature.h"

/* RFC 4231 test case 2. */
#define RFC_KEY "Jefe"
#define RFC_MSG "what do ya want for nothing?"
#define RFC_MAC "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"

/* A webhook body with the escapes Meta sends; MAC from openssl dgst -hmac. */
#define HOOK_KEY "s3cr3t-app"
#define HOOK_BODY "{\"object\":\"whatsapp_business_account\",\"entry\":[{" \
	"\"id\":\"100200300400500\",\"changes\":[{\"field\":\"messages\"," \
	"\"value\":{\"text\":\"caf\\u00e9 \\/ \\u0040\"}}]}]}"
#define HOOK_MAC "c1337a03f41ec623aa7c2259483e7636f854cdc5f06b646d6ff85dc7cae10200"
#define EMPTY_MAC "8bb990c40a7d61cb97597a942125025be50ac8beb74436e3735b98893a7f6620"

static int
check(const char *key, const char *body, const char *header, char *code)
{
	struct wa_err err;
	int rc;

	wa_err_clear(&err);
	rc = signature_verify(key, body, strlen(body), header, &err);
	if (code)
		memcpy(code, err.code, sizeof(err.code));
	if (rc < 0 && strstr(err.message, key))
		return -2;	/* leaked the secret */
	return rc;
}

int
main(void)
{
	char hex[SIGNATURE_HEX_LEN + 1], code[32], bad[80];
	struct wa_err err;

	signature_hex(RFC_KEY, RFC_MSG, strlen(RFC_MSG), hex);
	is_str(hex, RFC_MAC, "RFC 4231 case 2");
	signature_hex(HOOK_KEY, HOOK_BODY, strlen(HOOK_BODY), hex);
	is_str(hex, HOOK_MAC, "raw webhook bytes with \\u escapes");
	signature_hex("k", "", 0, hex);
	is_str(hex, EMPTY_MAC, "empty body");
	signature_hex("k", NULL, 0, hex);
	is_str(hex, EMPTY_MAC, "NULL empty body");

	is_int(check(HOOK_KEY, HOOK_BODY, "sha256=" HOOK_MAC, NULL), 0,
	       "matching header");
	{
		char up[80];
		size_t i;

		snprintf(up, sizeof(up), "SHA256=%s", HOOK_MAC);
		for (i = 7; up[i]; i++)
			if (up[i] >= 'a' && up[i] <= 'f')
				up[i] = (char)(up[i] - 'a' + 'A');
		is_int(check(HOOK_KEY, HOOK_BODY, up, NULL), 0,
		       "upper-case hex and prefix accepted");
	}

	is_int(check(HOOK_KEY, HOOK_BODY, NULL, code), -1, "missing header");
	is_str(code, "auth", "missing: code auth");
	is_int(check(HOOK_KEY, HOOK_BODY, "", code), -1, "empty header");
	is_int(check(HOOK_KEY, HOOK_BODY, HOOK_MAC, code), -1,
	       "no sha256= prefix");
	is_int(check(HOOK_KEY, HOOK_BODY, "sha1=" HOOK_MAC, code), -1,
	       "sha1 prefix");
	is_int(check(HOOK_KEY, HOOK_BODY, "sha256=" HOOK_MAC "00", code), -1,
	       "too long");
	is_int(check(HOOK_KEY, HOOK_BODY, "sha256=c1337a03", code), -1,
	       "too short");
	snprintf(bad, sizeof(bad), "sha256=%s", HOOK_MAC);
	bad[10] = 'g';
	is_int(check(HOOK_KEY, HOOK_BODY, bad, code), -1, "non-hex digit");
	snprintf(bad, sizeof(bad), "sha256=%s", HOOK_MAC);
	bad[strlen(bad) - 1] = '1';
	is_int(check(HOOK_KEY, HOOK_BODY, bad, code), -1, "last digit wrong");
	is_str(code, "auth", "wrong: code auth");
	is_int(check("other-secret", HOOK_BODY, "sha256=" HOOK_MAC, code), -1,
	       "wrong secret");
	{
		char tampered[] = HOOK_BODY;

		tampered[strlen(tampered) - 3] = ' ';
		is_int(check(HOOK_KEY, tampered, "sha256=" HOOK_MAC, code), -1,
		       "tampered body");
	}
	wa_err_clear(&err);
	is_int(signature_verify(HOOK_KEY, HOOK_BODY, strlen(HOOK_BODY),
				"sha256=" RFC_MAC, &err), -1, "other MAC");
	is_int(err.sysexit, 77, "bad signature exits 77");
	ok(strstr(err.message, HOOK_MAC) == NULL,
	   "message never shows the expected MAC");
	is_int(check(HOOK_KEY, HOOK_BODY, "sha256=" HOOK_MAC " ", code), -1,
	       "trailing garbage");
	return done_testing();
}
