/* SPDX-License-Identifier: MIT */
/* Internal to lib/media*.c: checksums and file names of fetched media (media_sha.c). */
#ifndef WA_MEDIA_INT_H
#define WA_MEDIA_INT_H

#include <stdio.h>
#include "err.h"

/* SHA-256 of the open file fp (rewound), as 32 bytes. */
int media_file_sha256(FILE *fp, unsigned char *md);

/* Checks got (32 bytes; hex: its text) against want, Meta's base64 or
 * hex (NULL: nothing to check); who names the source. -1 with err
 * graph_error on a mismatch or a want that is neither. */
int media_sha_check(const char *want, const unsigned char *got,
		    const char *hex, const char *who, struct wa_err *err);

/* A file name extension for mime ("audio/ogg; codecs=opus" too), or "". */
const char *media_mime_ext(const char *mime);

#endif
