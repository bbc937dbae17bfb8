/* SPDX-License-Identifier: MIT */
/* One webhook message object (messages[] or message_echoes[]) as the help desk sees it. */
#ifndef WA_NORMALIZE_H
#define WA_NORMALIZE_H

#include <stddef.h>
#include <stdint.h>
#include <jv.h>

/*
 * Strings are borrowed from the message object given to norm_message,
 * which must stay alive and unchanged until norm_release. jv members are
 * owned (jv_null() when absent).
 */
struct norm_msg {
	const char *wamid;
	const char *type;		/* Meta's type ("text", "image", ...) */
	int64_t ts;			/* Meta's timestamp, -1 when bad */
	const char *from, *from_bsuid, *from_parent_bsuid;
	const char *to, *to_bsuid;	/* echoes: the user */
	const char *text;		/* visible text (body, caption, title) */
	size_t text_len;		/* its bytes (it may hold U+0000) */
	const char *group_id;		/* a group chat's id, or NULL */
	jv errors;			/* Meta's errors[] on the message */
	const char *unsupported;	/* rule 9 reason (static) or NULL */
	jv content;			/* {"<type>": {...}} type-specific part */
	jv media;			/* {id, mime_type, sha256 (hex), ...} */
	const char *media_id, *media_mime, *media_caption, *media_filename,
		*media_url;
	char media_sha256[72];		/* hex when Meta's base64 decodes */
	jv context;			/* Meta's context object */
	const char *context_wamid;
	int forwarded;
	jv referral;
	/* type "system": an identity change (rule 4) */
	const char *sys_type, *sys_body, *sys_wa_id, *sys_bsuid,
		*sys_parent_bsuid, *sys_prev_bsuid;
	char error[160];		/* why the object is unusable, "" ok */
};

/* Fills m from msg (borrowed, must outlive m). 0, or -1 when the object
 * cannot be a message (m->error says which, naming the field): no wamid,
 * no usable timestamp, an id, number or key holding U+0000 or of the
 * wrong kind, a "from" that is not a number, a text body that is not a
 * string. */
int norm_message(jv msg, struct norm_msg *m);
void norm_release(struct norm_msg *m);

/* The normalised message as a record (owned): event (first, so the
 * event record needs no copy), wamid, type, from, from_user_id, to,
 * timestamp (ISO), text, media, the type object, context, referral,
 * forwarded, unsupported. Hidden text (unsupported) is null. Quarantine
 * predicates run on this record; it shares values with the message, so
 * it stays on the thread that holds the message. */
jv norm_record(const struct norm_msg *m, const char *event);

/* Rule 9 reason for a Meta message type with no usable content, or NULL
 * when the type is supported. */
const char *norm_unsupported_reason(const char *type, jv msg);

#endif
