/* SPDX-License-Identifier: MIT */
/* X-Hub-Signature-256 check: HMAC-SHA256 over the raw bytes, compared in constant time. */
#include <string.h>
#include <strings.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include "signature.h"
#include "util.h"

#define SIG_PREFIX "sha256="

static int
mac(const char *secret, const void *body, size_t len, unsigned char *md)
{
	unsigned int mdlen = 0;

	/* HMAC() with a NULL key pointer would use a static empty key. */
	if (!HMAC(EVP_sha256(), secret, (int)strlen(secret),
		  body ? body : "", len, md, &mdlen))
		return -1;
	return mdlen == 32 ? 0 : -1;
}

void
signature_hex(const char *secret, const void *body, size_t len, char *out)
{
	unsigned char md[EVP_MAX_MD_SIZE];

	if (mac(secret, body, len, md) < 0) {
		out[0] = '\0';
		return;
	}
	hex_encode(md, 32, out);
	OPENSSL_cleanse(md, sizeof(md));
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* 64 hex digits (either case) to 32 bytes; -1 when malformed. */
static int
unhex(const char *s, unsigned char *out)
{
	int i, hi, lo;

	if (strlen(s) != SIGNATURE_HEX_LEN)
		return -1;
	for (i = 0; i < SIGNATURE_HEX_LEN / 2; i++) {
		hi = hexval((unsigned char)s[2 * i]);
		lo = hexval((unsigned char)s[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}

int
signature_verify(const char *secret, const void *body, size_t len,
		 const char *header, struct wa_err *err)
{
	unsigned char want[EVP_MAX_MD_SIZE], got[32];
	int same;

	if (!header || !*header)
		return wa_err_set(err, WA_EX_NOPERM, "auth",
				  "missing X-Hub-Signature-256");
	if (strncasecmp(header, SIG_PREFIX, strlen(SIG_PREFIX)) != 0 ||
	    unhex(header + strlen(SIG_PREFIX), got) < 0)
		return wa_err_set(err, WA_EX_NOPERM, "auth",
				  "malformed X-Hub-Signature-256");
	if (!secret || mac(secret, body, len, want) < 0)
		return wa_err_set(err, WA_EX_NOPERM, "auth",
				  "cannot compute the signature");
	same = CRYPTO_memcmp(want, got, sizeof(got)) == 0;
	OPENSSL_cleanse(want, sizeof(want));
	if (!same)
		return wa_err_set(err, WA_EX_NOPERM, "auth",
				  "X-Hub-Signature-256 does not match the "
				  "body");
	return 0;
}
