/* SPDX-License-Identifier: MIT */
/* X-Hub-Signature-256: HMAC-SHA256 of a webhook's raw body under the app secret. */
#ifndef WA_SIGNATURE_H
#define WA_SIGNATURE_H

#include <stddef.h>
#include "err.h"

#define SIGNATURE_HEX_LEN 64	/* lowercase hex digits of the MAC */

/* Writes the lowercase hex HMAC-SHA256 of body under secret into out
 * (>= SIGNATURE_HEX_LEN + 1 bytes). Borrows everything. */
void signature_hex(const char *secret, const void *body, size_t len,
		   char *out);

/* Checks header ("sha256=<64 hex>", as Meta sends it; NULL when absent)
 * against body in constant time. 0 when it matches; else -1 with err
 * "auth" (exit 77) saying whether it was missing, malformed or wrong.
 * Never puts the secret or the expected MAC in the message. */
int signature_verify(const char *secret, const void *body, size_t len,
		     const char *header, struct wa_err *err);

#endif
