/* SPDX-License-Identifier: MIT */
/* Media files: SHA-256 of a file checked against Meta's (hex or base64), a file name extension from the MIME type. */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <openssl/evp.h>
#include "media_int.h"
#include "util.h"

/* SHA-256 of the open file fp (rewound), as 32 bytes. */
int
media_file_sha256(FILE *fp, unsigned char *md)
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	unsigned char buf[65536];
	unsigned int mdlen = 0;
	size_t n;
	int ok;

	rewind(fp);
	ok = c && EVP_DigestInit_ex(c, EVP_sha256(), NULL);
	while (ok && (n = fread(buf, 1, sizeof(buf), fp)) > 0)
		ok = EVP_DigestUpdate(c, buf, n);
	ok = ok && !ferror(fp) && EVP_DigestFinal_ex(c, md, &mdlen) &&
	     mdlen == 32;
	EVP_MD_CTX_free(c);
	return ok ? 0 : -1;
}

/* A checksum as Meta gives it (base64 in webhooks, hex from Graph) to 32
 * bytes; -1 when it is neither. */
static int
sha_decode(const char *s, unsigned char *out)
{
	unsigned char tmp[64];
	size_t i;

	if (strlen(s) == 64 && strspn(s, "0123456789abcdefABCDEF") == 64) {
		for (i = 0; i < 32; i++) {
			unsigned int b;

			if (sscanf(s + 2 * i, "%2x", &b) != 1)
				return -1;
			out[i] = (unsigned char)b;
		}
		return 0;
	}
	if (base64_decode(s, tmp, sizeof(tmp)) != 32)
		return -1;
	memcpy(out, tmp, 32);
	return 0;
}

/* Checks got against want (NULL: nothing to check); who names the source. */
int
media_sha_check(const char *want, const unsigned char *got, const char *hex,
	  const char *who, struct wa_err *err)
{
	unsigned char w[32];

	if (!want || !*want)
		return 0;
	if (sha_decode(want, w) < 0)
		return wa_err_set(err, WA_EX_REJECTED, "graph_error",
				  "%s sha256 '%.80s' is neither hex nor "
				  "base64", who, want);
	if (memcmp(w, got, 32) != 0)
		return wa_err_set(err, WA_EX_REJECTED, "graph_error",
				  "sha256 mismatch: got %s, %s says %s", hex,
				  who, want);
	return 0;
}

static const struct {
	const char *mime, *ext;
} exts[] = {
	{ "image/jpeg", ".jpg" }, { "image/png", ".png" },
	{ "image/webp", ".webp" }, { "image/gif", ".gif" },
	{ "video/mp4", ".mp4" }, { "video/3gpp", ".3gp" },
	{ "audio/ogg", ".ogg" }, { "audio/mpeg", ".mp3" },
	{ "audio/aac", ".aac" }, { "audio/amr", ".amr" },
	{ "audio/mp4", ".m4a" }, { "application/pdf", ".pdf" },
	{ "text/plain", ".txt" }, { "application/msword", ".doc" },
	{ "application/vnd.ms-excel", ".xls" },
	{ "application/vnd.ms-powerpoint", ".ppt" },
	{ "application/vnd.openxmlformats-officedocument.wordprocessingml."
	  "document", ".docx" },
	{ "application/vnd.openxmlformats-officedocument.spreadsheetml."
	  "sheet", ".xlsx" },
	{ "application/vnd.openxmlformats-officedocument.presentationml."
	  "presentation", ".pptx" },
};

/* A file name extension for mime ("audio/ogg; codecs=opus" too), or "". */
const char *
media_mime_ext(const char *mime)
{
	size_t i, n;

	if (!mime)
		return "";
	n = strcspn(mime, "; ");
	for (i = 0; i < sizeof(exts) / sizeof(exts[0]); i++)
		if (strlen(exts[i].mime) == n &&
		    strncasecmp(exts[i].mime, mime, n) == 0)
			return exts[i].ext;
	return "";
}
