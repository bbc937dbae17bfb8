/* SPDX-License-Identifier: MIT */
/* Local media files: MIME type by magic bytes and extension, Meta's size limits (API.md §9). */
#ifndef WA_MEDIA_CHECK_H
#define WA_MEDIA_CHECK_H

#include <stdint.h>
#include "err.h"

/*
 * kind is the message type that carries the file: "image", "video",
 * "audio", "document" or "sticker".  Allowed types and limits:
 *   image     image/jpeg, image/png                          5 MiB
 *   video     video/mp4, video/3gpp                         16 MiB
 *   audio     audio/aac, audio/amr, audio/mpeg, audio/mp4,
 *             audio/ogg (a voice note: audio/ogg only)      16 MiB
 *   document  text/plain, application/pdf, the MS Office and
 *             OOXML word/excel/powerpoint types            100 MiB
 *   sticker   image/webp: static 100 KiB, animated 500 KiB
 */

struct media_file {
	char mime[80];		/* the type we will declare to Meta */
	int64_t size;		/* bytes */
	int animated;		/* webp with animation */
};

/* Sniffs path (magic bytes first; the extension decides between types
 * that share a container, and must not contradict the bytes) and checks
 * it against kind's types and limits.  voice asks for a voice note.
 * 0 with out filled; -1 with err: invalid_input (cannot read, unknown
 * kind), media_type (type not allowed for kind, or the name's extension
 * says another type), media_too_large. All exit 1. */
int media_check(const char *path, const char *kind, int voice,
		struct media_file *out, struct wa_err *err);

/* The sniffed MIME type of the first n bytes of a file named name (for
 * its extension); a static string or NULL when unknown. */
const char *media_sniff(const unsigned char *buf, size_t n, const char *name,
			int *animated);

/* The size limit in bytes for kind and mime (0 when not allowed). */
int64_t media_limit(const char *kind, const char *mime, int animated);

#endif
