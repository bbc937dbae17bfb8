/* SPDX-License-Identifier: MIT */
/* The sender's who, where and what: recipient, channel, content, body (what the input names: sender_input.c). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "sender_int.h"
#include "desk.h"
#include "identity.h"
#include "jsonl.h"
#include "media_check.h"
#include "util.h"

/* The connected channel of the contact's latest thread with an open
 * ticket ("" for none). */
static int
contact_channel(struct store *st, int64_t contact_id, char *out,
		struct wa_err *err)
{
	struct sq *q = store_q(st, Q_SENDER_CONTACT_CHANNEL);
	int rc;

	out[0] = '\0';
	sq_int(q, 1, contact_id);
	rc = sq_step(q);
	if (rc > 0) {
		snprintf(out, CHANNEL_ID_MAX, "%s", sq_col_text(q, 0));
		sq_reset(q);
	}
	if (rc < 0)
		return sq_fail(q, err, "find channel");
	return 0;
}

/* thread_id (number or numeric string): 1 given, 0 absent, -1 bad. */
static int
msg_thread(jv msg, int64_t *id, struct wa_err *err)
{
	jv v = jx_get(msg, "thread_id");
	int kind = jv_get_kind(v), rc;

	jv_free(v);
	if (kind == JV_KIND_INVALID || kind == JV_KIND_NULL)
		return 0;
	rc = jx_intish(msg, "thread_id", id);
	if (rc <= 0 || *id <= 0)
		return wa_err_set(err, WA_EX_REJECTED, "invalid_input",
				  "thread_id: want a positive integer");
	return 1;
}

/* A thread with no number to answer: the BSUID its last inbound message
 * came from, else the contact's (usernames, 2026). */
static int
thread_bsuid(struct store *st, int64_t id, char *out, struct wa_err *err)
{
	struct sq *q = store_q(st, Q_SENDER_THREAD_BSUID);
	int rc;

	out[0] = '\0';
	sq_int(q, 1, id);
	rc = sq_step(q);
	if (rc > 0) {
		if (sq_col_text(q, 0))
			snprintf(out, DESK_ID_MAX, "%s", sq_col_text(q, 0));
		sq_reset(q);
	}
	if (rc < 0)
		return sq_fail(q, err, "find user id");
	return 0;
}

/* A business-scoped user id as Meta writes it: "US.1349...", or
 * "US.ENT.118..." for a parent. */
static int
is_bsuid(const char *s)
{
	if (!((s[0] >= 'A' && s[0] <= 'Z') && (s[1] >= 'A' && s[1] <= 'Z') &&
	      s[2] == '.' && s[3]))
		return 0;
	for (s += 3; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= 'a' && *s <= 'z') || *s == '.'))
			return 0;
	return 1;
}

static int
target_thread(struct sender *s, struct job *j, int64_t id,
	      struct wa_err *err)
{
	char status[8];
	int rc;

	rc = desk_thread_lookup(s->st, id, j->channel, &j->contact_id,
				j->wa_id, j->group, &j->ticket_id, status,
				err);
	if (rc < 0)
		return -1;
	if (rc == 1)
		return wa_err_set(err, WA_EX_REJECTED, "unknown_thread",
				  "no thread %lld", (long long)id);
	j->thread_id = id;
	if (!j->wa_id[0] && !j->group[0] &&
	    thread_bsuid(s->st, id, j->bsuid, err) < 0)
		return -1;
	if (!j->wa_id[0] && !j->group[0] && !j->bsuid[0])
		return wa_err_set(err, WA_EX_REJECTED, "invalid_phone",
				  "thread %lld: the contact has no WhatsApp "
				  "number or user id", (long long)id);
	return 0;
}

/* 1 when s is a WhatsApp id as Meta and wa's records write it: the
 * international digits alone, no '+', no separator, no leading 0. */
static int
is_wa_id(const char *s)
{
	size_t n = strspn(s, "0123456789");

	return s[n] == '\0' && n >= 7 && n <= 15 && s[0] != '0';
}

/* Whose number to is. A record's wa_id, and a bare international
 * number that is already a contact's, are never read as national:
 * WA_DEFAULT_CC=1 must not make Iceland's 3545551234 (a wa_id of ten
 * digits) into 13545551234. Anything else is as the user typed it; the
 * contacts are asked only when the two readings differ. */
static int
number_of(struct sender *s, const char *to, int from_wa_id, char *out,
	  size_t len, struct wa_err *err)
{
	struct wa_err lookup;
	int64_t contact = 0;
	int rc;

	if (!is_wa_id(to) || strlen(to) >= len)
		return phone_normalize(to, s->cfg->default_cc, out, len, err);
	if (!from_wa_id) {
		rc = phone_normalize(to, s->cfg->default_cc, out, len, err);
		if (rc == 0 && strcmp(out, to) == 0)
			return 0;	/* one reading */
		if (identity_contact_id(s->st, NULL, to, &contact,
					&lookup) < 0) {
			*err = lookup;
			return -1;
		}
		if (!contact)
			return rc;	/* as typed, or why not */
	}
	snprintf(out, len, "%s", to);
	return 0;
}

static int
target_number(struct sender *s, struct job *j, struct wa_err *err)
{
	const char *to = jx_cstr(j->msg, "to");
	int from_wa_id = 0;

	if (!to && (to = jx_cstr(j->msg, "wa_id")))
		from_wa_id = 1;
	if (!to)
		to = jx_cstr(j->msg, "user_id");
	if (to && is_bsuid(to) && strlen(to) < sizeof(j->bsuid)) {
		/* a user known by BSUID alone: Meta's "recipient" */
		snprintf(j->bsuid, sizeof(j->bsuid), "%s", to);
		return identity_contact_id(s->st, j->bsuid, NULL,
					   &j->contact_id, err) < 0 ? -1 : 0;
	}
	if (!to) {
		jv v = jx_get(j->msg, "to");
		int k = jv_get_kind(v);

		jv_free(v);
		return wa_err_set(err, WA_EX_REJECTED, "invalid_input",
				  k == JV_KIND_NUMBER ?
				  "to: phone numbers must be strings" :
				  "no recipient: give thread_id, to or wa_id");
	}
	if (number_of(s, to, from_wa_id, j->wa_id, sizeof(j->wa_id), err) < 0)
		return -1;
	/* rule 4, as ingest applies it */
	if (identity_contact_id(s->st, NULL, j->wa_id, &j->contact_id,
				err) < 0)
		return -1;
	return 0;
}

/* j->channel, or the only one when empty, if connected. */
static int
resolve_channel(struct sender *s, struct job *j, struct wa_err *err)
{
	char id[CHANNEL_ID_MAX];

	if (channel_resolve(s->st, j->channel[0] ? j->channel : NULL, id,
			    err) < 0)
		return -1;
	snprintf(j->channel, sizeof(j->channel), "%s", id);
	return 0;
}

/* Who and where: wa_id, contact (0 unknown), channel (connected). */
static int
target(struct sender *s, struct job *j, struct wa_err *err)
{
	const char *ch = jx_cstr(j->msg, "channel");
	struct channel c;
	int64_t tid;
	int rc;

	rc = msg_thread(j->msg, &tid, err);
	if (rc < 0)
		return -1;
	if (rc == 1 ? target_thread(s, j, tid, err) :
	    target_number(s, j, err))
		return -1;
	if (!j->channel[0] && ch)
		snprintf(j->channel, sizeof(j->channel), "%s", ch);
	if (!j->channel[0] && s->o.channel)
		snprintf(j->channel, sizeof(j->channel), "%s", s->o.channel);
	if (!j->channel[0] && j->contact_id &&
	    contact_channel(s->st, j->contact_id, j->channel, err) < 0)
		return -1;
	if (resolve_channel(s, j, err) < 0)
		return -1;
	if (channel_get(s->st, j->channel, &c, err) < 0)
		return -1;
	snprintf(j->phone, sizeof(j->phone), "%s", c.phone);
	return 0;
}

/* ---- content ---------------------------------------------------------- */

static size_t
u8_chars(const char *p)
{
	size_t n = 0;

	for (; *p; p++)
		n += ((unsigned char)*p & 0xc0) != 0x80;
	return n;
}

static int
is_media_type(const char *t)
{
	return strcmp(t, "image") == 0 || strcmp(t, "video") == 0 ||
	       strcmp(t, "audio") == 0 || strcmp(t, "document") == 0 ||
	       strcmp(t, "sticker") == 0;
}

/* Checks a media object at path `at` of the body: a local "path" is
 * checked and remembered for upload (only one per message). */
static int
check_media(struct job *j, const char *kind, jv at, struct wa_err *err)
{
	jv m = jv_getpath(jv_copy(j->body), jv_copy(at));
	const char *path = jx_cstr(m, "path"), *link = jx_cstr(m, "link");
	const char *cap = jx_cstr(m, "caption");
	struct media_file mf;
	int voice = 0, rc = 0;

	jx_bool(m, "voice", &voice, err);
	if (cap && u8_chars(cap) > SENDER_CAPTION_MAX)
		rc = wa_err_set(err, WA_EX_REJECTED, "invalid_input",
				"%s: a caption has at most %d characters",
				kind, SENDER_CAPTION_MAX);
	else if (link && strncmp(link, "https://", 8) &&
		 strncmp(link, "http://", 7))
		rc = wa_err_set(err, WA_EX_REJECTED, "invalid_input",
				"%s: link must be an http(s) URL", kind);
	else if (path && j->file)
		rc = wa_err_set(err, WA_EX_REJECTED, "invalid_input",
				"%s: one local file per message", kind);
	else if (path && media_check(path, kind, voice, &mf, err) == 0) {
		j->file = xstrdup(path);
		snprintf(j->mime, sizeof(j->mime), "%s", mf.mime);
		jv_free(j->upload_at);
		j->upload_at = jv_copy(at);
	} else if (path)
		rc = -1;
	jv_free(m);
	jv_free(at);
	return rc;
}

/* Template header/body parameters may name a local file too. */
static int
check_template_media(struct job *j, struct wa_err *err)
{
	static const char *const kinds[] = { "image", "video", "document" };
	jv comps = jx_path(j->body, "template", "components", NULL);
	int rc = 0;

	if (jv_get_kind(comps) != JV_KIND_ARRAY) {
		jv_free(comps);
		return 0;
	}
	jv_array_foreach(comps, ci, comp) {
		jv params = jx_get(comp, "parameters");

		if (jv_get_kind(params) == JV_KIND_ARRAY) {
			jv_array_foreach(params, pi, p) {
				size_t k;

				for (k = 0; k < 3 && rc == 0; k++) {
					jv m = jx_get(p, kinds[k]);

					if (jx_cstr(m, "path"))
						rc = check_media(j, kinds[k],
							JV_ARRAY(jv_string("template"),
								 jv_string("components"),
								 jv_number(ci),
								 jv_string("parameters"),
								 jv_number(pi),
								 jv_string(kinds[k])),
							err);
					jv_free(m);
				}
				jv_free(p);
			}
		}
		jv_free(params);
		jv_free(comp);
	}
	jv_free(comps);
	return rc;
}

static int
check_content(struct job *j, struct wa_err *err)
{
	jv obj = jx_get(j->body, j->type);
	const char *text = jx_cstr(obj, "body");
	int rc = 0;

	if (!jv_is_valid(obj) || jv_get_kind(obj) == JV_KIND_NULL)
		rc = wa_err_set(err, WA_EX_REJECTED, "invalid_input",
				"%s: missing the '%s' object", j->type,
				j->type);
	else if (strcmp(j->type, "text") == 0 &&
		 (!text || !*text || u8_chars(text) > SENDER_TEXT_MAX))
		rc = wa_err_set(err, WA_EX_REJECTED, "invalid_input",
				"text: needs a body of 1 to %d characters",
				SENDER_TEXT_MAX);
	else if (is_media_type(j->type))
		rc = check_media(j, j->type, JV_ARRAY(jv_string(j->type)),
				 err);
	else if (j->is_template)
		rc = check_template_media(j, err);
	jv_free(obj);
	return rc;
}

/* The Graph body: messaging_product, recipient, type, object, context. */
static void
build_body(struct job *j)
{
	char to[40];
	jv c;

	/* A group thread's reply goes to the group, never to a member; a
	 * user known only by BSUID is Meta's "recipient" (2026). */
	snprintf(to, sizeof(to), "+%s", j->wa_id);
	j->body = JV_OBJECT(jv_string("messaging_product"),
			    jv_string("whatsapp"),
			    jv_string("recipient_type"),
			    jv_string(j->group[0] ? "group" : "individual"),
			    jv_string(!j->group[0] && !j->wa_id[0] ?
				      "recipient" : "to"),
			    jv_string(j->group[0] ? j->group :
				      j->wa_id[0] ? to : j->bsuid),
			    jv_string("type"), jv_string(j->type));
	j->body = jv_object_set(j->body, jv_string(j->type),
				jx_get(j->msg, j->type));
	c = jx_get(j->msg, "context");
	if (jv_get_kind(c) == JV_KIND_OBJECT)
		j->body = jv_object_set(j->body, jv_string("context"), c);
	else
		jv_free(c);
}

/* ---- mark as read ------------------------------------------------------ */

/* Where the read message lives: known wamid, else the given target. */
int
sender_prepare_read(struct sender *s, struct job *j, struct wa_err *err)
{
	jv obj = jx_get(j->msg, "read");
	const char *w;
	int typing = 0, rc;
	const char *ch = jx_cstr(j->msg, "channel");
	struct sq *q;
	int64_t tid;

	w = jx_cstr(obj, "message_id");
	jx_bool(obj, "typing", &typing, err);
	if (!w || !*w) {
		jv_free(obj);
		return wa_err_set(err, WA_EX_REJECTED, "invalid_input",
				  "mark_read: needs a message id");
	}
	q = store_q(s->st, Q_SENDER_READ_FIND);
	sq_text(q, 1, w);
	rc = sq_step(q);
	if (rc > 0) {
		snprintf(j->channel, sizeof(j->channel), "%s",
			 sq_col_text(q, 0));
		j->thread_id = sq_col_int(q, 1);
		snprintf(j->wa_id, sizeof(j->wa_id), "%s", sq_col_text(q, 2));
		sq_reset(q);
	}
	if (rc < 0) {
		jv_free(obj);
		return sq_fail(q, err, "find message");
	}
	if (rc == 0) {
		rc = msg_thread(j->msg, &tid, err);
		if (rc == 1)
			rc = target_thread(s, j, tid, err) < 0 ? -1 : 0;
		if (!j->channel[0] && (ch || s->o.channel))
			snprintf(j->channel, sizeof(j->channel), "%s",
				 ch ? ch : s->o.channel);
		if (rc < 0 || resolve_channel(s, j, err) < 0) {
			jv_free(obj);
			return -1;
		}
	}
	j->body = JV_OBJECT(jv_string("messaging_product"),
			    jv_string("whatsapp"),
			    jv_string("status"), jv_string("read"),
			    jv_string("message_id"), jv_string(w));
	if (typing)
		j->body = jv_object_set(j->body,
					jv_string("typing_indicator"),
					JV_OBJECT(jv_string("type"),
						  jv_string("text")));
	jv_free(obj);
	return 0;
}

/* Recipient, channel, the Graph body and its checks. */
int
sender_prepare_msg(struct sender *s, struct job *j, struct wa_err *err)
{
	if (target(s, j, err) < 0)
		return -1;
	j->is_template = strcmp(j->type, "template") == 0;
	if (j->is_template && !j->wa_id[0] && !j->group[0] &&
	    jx_cstr(j->msg, "category") &&
	    strcasecmp(jx_cstr(j->msg, "category"), "AUTHENTICATION") == 0)
		return wa_err_set(err, WA_EX_REJECTED, "invalid_phone",
				  "an authentication template needs a phone "
				  "number; %s is known only by user id",
				  j->bsuid);
	build_body(j);
	return check_content(j, err);
}
