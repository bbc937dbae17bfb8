/* SPDX-License-Identifier: MIT */
/* The send pipeline: target, checks, intent, Graph (multi handle), outcome, result. */
#include <stdlib.h>
#include <string.h>
#include "sender.h"
#include "channel.h"
#include "desk.h"
#include "graph.h"
#include "graph_multi.h"
#include "jsonl.h"
#include "media_check.h"
#include "quota.h"
#include "quotadb.h"
#include "util.h"
#include "window.h"

#define SENDER_TEXT_MAX 4096	/* characters in a text body */
#define SENDER_CAPTION_MAX 1024

struct job {
	struct job *next;
	struct sender *s;
	jv input;			/* original record, for errors */
	long line;
	jv result;			/* the answer, once done */
	int done;
	struct job *leader;		/* same idempotency key, earlier */
	int nfollowers;			/* jobs whose leader this is */
	jv msg;				/* the message (owned) */
	jv body;			/* the Graph request body */
	char type[16];
	int is_template, is_read;
	char channel[CHANNEL_ID_MAX];
	char phone[32];			/* the channel's number */
	char wa_id[32];
	char *key;			/* idempotency key or NULL */
	int64_t contact_id, thread_id, ticket_id, message_id;
	int64_t conversation_id;	/* counted in; 0 none */
	enum window_conv conv;
	jv upload_at;			/* path in body of the media object */
	char *file;			/* local media to upload first */
	char mime[80];
	char media_id[64];		/* Meta's id of the upload */
};

struct sender {
	struct store *st;		/* borrowed */
	const struct wa_config *cfg;	/* borrowed */
	struct sender_opts o;
	sender_emit_fn emit;
	void *ctx;
	struct graph *g;
	struct graph_multi *gm;
	struct job *head, *tail;	/* answers not yet emitted, in order */
	int njobs;
	int status;			/* exit status so far */
	int fatal;			/* a fatal error stopped the run */
	int stopped;			/* queued requests were cancelled */
	struct wa_err fatal_err;
	int64_t now;
};

void
sender_opts_default(struct sender_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->rate = 80;
	o->pair_burst = 5;
	o->pair_interval_ms = 6000;
}

int
sender_new(struct sender **out, struct store *st, const struct wa_config *cfg,
	   const struct sender_opts *opts, sender_emit_fn emit, void *ctx,
	   struct wa_err *err)
{
	struct sender *s = xcalloc(1, sizeof(*s));
	struct graph_multi_opts mo;
	struct channel ch;
	int rc;

	*out = NULL;
	s->st = st;
	s->cfg = cfg;
	s->o = *opts;
	s->emit = emit;
	s->ctx = ctx;
	if (s->o.channel) {
		rc = channel_id_valid(s->o.channel) ?
		     channel_get(st, s->o.channel, &ch, err) : 1;
		if (rc == 1)
			wa_err_set(err, WA_EX_CONFIG, "not_connected",
				   "unknown channel '%s'", s->o.channel);
		if (rc != 0)
			goto fail;
	}
	if (!s->o.dry_run) {
		if (graph_open(&s->g, cfg, NULL, err) < 0)
			goto fail;
		mo.rate = s->o.rate;
		mo.max_conns = s->o.sequential ? 1 :
			       s->o.rate < 512 ? s->o.rate : 512;
		mo.pair_burst = s->o.pair_burst;
		mo.pair_interval_ms = s->o.pair_interval_ms;
		if (graph_multi_new(&s->gm, s->g, &mo, err) < 0)
			goto fail;
	}
	*out = s;
	return 0;
fail:
	graph_close(s->g);
	free(s);
	return -1;
}

static void
job_free(struct job *j)
{
	jv_free(j->input);
	jv_free(j->result);
	jv_free(j->msg);
	jv_free(j->body);
	jv_free(j->upload_at);
	free(j->key);
	free(j->file);
	free(j);
}

void
sender_free(struct sender *s)
{
	struct job *j, *n;

	if (!s)
		return;
	graph_multi_free(s->gm);
	graph_close(s->g);
	for (j = s->head; j; j = n) {
		n = j->next;
		job_free(j);
	}
	free(s);
}

int
sender_status(const struct sender *s)
{
	return s->status;
}

/* ---- answers, in order ---------------------------------------------- */

static void
set_fatal(struct sender *s, const struct wa_err *e)
{
	if (s->fatal)
		return;
	s->fatal = 1;
	s->fatal_err = *e;
	s->status = e->sysexit;
}

static jv
id_str(int64_t id)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%lld", (long long)id);
	return jv_string(buf);
}

/* Adds the join keys we know to rec. */
static jv
add_keys(struct job *j, jv rec)
{
	if (j->channel[0])
		rec = jv_object_set(rec, jv_string("channel"),
				    jv_string(j->channel));
	if (j->wa_id[0])
		rec = jv_object_set(rec, jv_string("wa_id"),
				    jv_string(j->wa_id));
	if (j->thread_id > 0)
		rec = jv_object_set(rec, jv_string("thread_id"),
				    id_str(j->thread_id));
	if (j->ticket_id > 0)
		rec = jv_object_set(rec, jv_string("ticket_id"),
				    id_str(j->ticket_id));
	return rec;
}

static void
answer(struct job *j, jv rec)
{
	jv_free(j->result);
	j->result = rec;
	j->done = 1;
}

static void
answer_err(struct job *j, const struct wa_err *e)
{
	jv rec = wa_err_result(e, jv_copy(j->input), j->line);

	if (e->sysexit != 0 && e->sysexit != 1)
		set_fatal(j->s, e);
	else
		j->s->status = wa_exit_merge(j->s->status, WA_EX_REJECTED);
	answer(j, add_keys(j, rec));
}

/* A repeat of an earlier result: same answer, this line, "duplicate". */
static jv
as_duplicate(jv first, long line)
{
	if (jv_get_kind(first) != JV_KIND_OBJECT)
		return first;
	first = jv_object_set(first, jv_string("duplicate"), jv_true());
	if (line > 0)
		first = jv_object_set(first, jv_string("line"),
				      jv_number(line));
	return first;
}

/* Answers j with the first result (taken) of its key. */
static void
answer_dup(struct job *j, jv first)
{
	jv ok = jx_get(first, "ok");

	if (jv_get_kind(ok) != JV_KIND_TRUE)
		j->s->status = wa_exit_merge(j->s->status, WA_EX_REJECTED);
	jv_free(ok);
	answer(j, as_duplicate(first, j->line));
}

/* Answers the followers of leader j (same idempotency key) from its
 * result, so j can go. */
static void
settle_followers(struct sender *s, struct job *j)
{
	struct job *f;

	for (f = j->next; f && j->nfollowers; f = f->next) {
		if (f->leader != j)
			continue;
		f->leader = NULL;
		j->nfollowers--;
		answer_dup(f, jv_copy(j->result));
	}
}

/* Emits the answers at the head of the line. */
static void
flush(struct sender *s)
{
	struct job *j;
	struct wa_err e;

	while ((j = s->head) && j->done) {
		s->head = j->next;
		if (!s->head)
			s->tail = NULL;
		s->njobs--;
		if (j->nfollowers)
			settle_followers(s, j);
		if (s->emit(jv_copy(j->result), s->ctx) < 0 && !s->fatal) {
			wa_err_set(&e, WA_EX_IOERR, "io",
				   "cannot write the result");
			set_fatal(s, &e);
		}
		job_free(j);
	}
}

/* ---- target ---------------------------------------------------------- */

static const char SQL_CONTACT_BY_NUMBER[] =
	"SELECT id FROM contacts WHERE wa_id = ?1 OR phone = ?1"
	" OR mobile_phone = ?1 ORDER BY wa_id = ?1 DESC, id LIMIT 1";
static const char SQL_CONTACT_CHANNEL[] =
	"SELECT t.channel_id FROM threads t"
	" JOIN tickets k ON k.thread_id = t.id"
	" JOIN channels c ON c.id = t.channel_id"
	" WHERE t.contact_id = ?1 AND k.status = 'open'"
	" AND c.status = 'connected'"
	" ORDER BY coalesce(t.last_message_at, t.created_at) DESC, t.id DESC"
	" LIMIT 1";

static int
contact_by_number(struct store *st, const char *wa_id, int64_t *id,
		  struct wa_err *err)
{
	sqlite3_stmt *q = store_stmt(st, SQL_CONTACT_BY_NUMBER);
	int rc;

	*id = 0;
	store_bind_text(q, 1, wa_id);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		*id = sqlite3_column_int64(q, 0);
	sqlite3_reset(q);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(st, err, "find contact");
	return 0;
}

static int
contact_channel(struct store *st, int64_t contact_id, char *out,
		struct wa_err *err)
{
	sqlite3_stmt *q = store_stmt(st, SQL_CONTACT_CHANNEL);
	int rc;

	out[0] = '\0';
	store_bind_int(q, 1, contact_id);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		snprintf(out, CHANNEL_ID_MAX, "%s",
			 (const char *)sqlite3_column_text(q, 0));
	sqlite3_reset(q);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(st, err, "find channel");
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

static int
target_thread(struct sender *s, struct job *j, int64_t id,
	      struct wa_err *err)
{
	char status[8];
	int rc;

	rc = desk_thread_lookup(s->st, id, j->channel, &j->contact_id,
				j->wa_id, &j->ticket_id, status, err);
	if (rc < 0)
		return -1;
	if (rc == 1)
		return wa_err_set(err, WA_EX_REJECTED, "unknown_thread",
				  "no thread %lld", (long long)id);
	j->thread_id = id;
	if (!j->wa_id[0])
		return wa_err_set(err, WA_EX_REJECTED, "invalid_phone",
				  "thread %lld: the contact has no WhatsApp "
				  "number", (long long)id);
	return 0;
}

static int
target_number(struct sender *s, struct job *j, struct wa_err *err)
{
	const char *to = jx_cstr(j->msg, "to");

	if (!to)
		to = jx_cstr(j->msg, "wa_id");
	if (!to) {
		jv v = jx_get(j->msg, "to");
		int k = jv_get_kind(v);

		jv_free(v);
		return wa_err_set(err, WA_EX_REJECTED, "invalid_input",
				  k == JV_KIND_NUMBER ?
				  "to: phone numbers must be strings" :
				  "no recipient: give thread_id, to or wa_id");
	}
	if (phone_normalize(to, s->cfg->default_cc, j->wa_id,
			    sizeof(j->wa_id), err) < 0)
		return -1;
	if (contact_by_number(s->st, j->wa_id, &j->contact_id, err) < 0)
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

	snprintf(to, sizeof(to), "+%s", j->wa_id);
	j->body = JV_OBJECT(jv_string("messaging_product"),
			    jv_string("whatsapp"),
			    jv_string("recipient_type"),
			    jv_string("individual"),
			    jv_string("to"), jv_string(to),
			    jv_string("type"), jv_string(j->type));
	j->body = jv_object_set(j->body, jv_string(j->type),
				jx_get(j->msg, j->type));
	c = jx_get(j->msg, "context");
	if (jv_get_kind(c) == JV_KIND_OBJECT)
		j->body = jv_object_set(j->body, jv_string("context"), c);
	else
		jv_free(c);
}

/* ---- idempotency ------------------------------------------------------ */

static const char SQL_IDEM_GET[] =
	"SELECT id, status, result FROM messages WHERE idempotency_key = ?1";
static const char SQL_IDEM_FREE[] =
	"UPDATE messages SET idempotency_key = NULL WHERE id = ?1";

enum idem { IDEM_NEW, IDEM_ANSWERED, IDEM_RETRY };

/* An earlier job of this run with j's key makes j its follower. */
static int
idem_follow(struct sender *s, struct job *j)
{
	struct job *o;

	if (!j->key)
		return 0;
	for (o = s->head; o && o != j; o = o->next)
		if (o->key && !o->leader && strcmp(o->key, j->key) == 0) {
			j->leader = o;
			o->nfollowers++;
			return 1;
		}
	return 0;
}

/* What an earlier run's use of j's key means for j. */
static int
idem_check(struct sender *s, struct job *j, enum idem *out, int64_t *row,
	   struct wa_err *err)
{
	sqlite3_stmt *q;
	const char *st;
	int rc;

	*out = IDEM_NEW;
	*row = 0;
	if (!j->key)
		return 0;
	q = store_stmt(s->st, SQL_IDEM_GET);
	store_bind_text(q, 1, j->key);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		*row = sqlite3_column_int64(q, 0);
		st = (const char *)sqlite3_column_text(q, 1);
		if (st && strcmp(st, "failed") == 0) {
			*out = IDEM_RETRY;
		} else if (st && strcmp(st, "pending") == 0) {
			wa_err_set(err, WA_EX_REJECTED, "duplicate",
				   "idempotency_key '%s' is being sent by "
				   "another run", j->key);
			rc = -2;
		} else {
			*out = IDEM_ANSWERED;
			answer_dup(j, store_col_json(q, 2));
		}
	}
	sqlite3_reset(q);
	if (rc == -2)
		return -1;
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(s->st, err, "read idempotency key");
	return 0;
}

/* ---- rules 5 and 6 ---------------------------------------------------- */

static int
refuse_window(struct job *j, int64_t last, struct wa_err *err)
{
	char when[32];

	if (last < 0)
		wa_err_set(err, WA_EX_REJECTED, "window_closed",
			   "no message from %s on channel %s yet: only a "
			   "template can start the conversation; use "
			   "wa-template", j->wa_id, j->channel);
	else
		wa_err_set(err, WA_EX_REJECTED, "window_closed",
			   "the session with %s on channel %s closed at %s, "
			   "24 hours after their last message; use "
			   "wa-template", j->wa_id, j->channel,
			   time_fmt(window_expires_at(last), when,
				    sizeof(when)));
	err->graph_code = 131047;
	return -1;
}

static int
refuse_quota(enum quota_verdict v, const struct quotadb_usage *u,
	     struct wa_err *err)
{
	char from[32], to[32];

	if (v == QUOTA_EXHAUSTED)
		return wa_err_set(err, WA_EX_REJECTED, "quota_exhausted",
				  "the limit of %ld conversations is reached "
				  "(%ld counted from %s to %s); nothing sent",
				  u->limit, u->used,
				  time_fmt(u->period.start, from, sizeof(from)),
				  time_fmt(u->period.end, to, sizeof(to)));
	return wa_err_set(err, WA_EX_REJECTED, "daily_limit",
			  "the business is not verified: %ld "
			  "business-initiated conversations in the last 24 "
			  "hours (at most %d); nothing sent",
			  u->daily_business_initiated,
			  QUOTA_DAILY_UNVERIFIED);
}

/* Which conversation j joins or starts; refusals as errors. */
static int
classify(struct sender *s, struct job *j, struct wa_err *err)
{
	int64_t last = -1, counted = 0;
	struct quotadb_usage u;
	enum quota_verdict v;

	if (j->contact_id &&
	    desk_session_get(s->st, j->channel, j->contact_id, &last,
			     &counted, err) < 0)
		return -1;
	j->conv = window_classify(last, s->now, counted != 0, j->is_template);
	j->conversation_id = 0;
	if (j->conv == WINDOW_CONV_REFUSED)
		return refuse_window(j, last, err);
	if (j->conv == WINDOW_CONV_EXISTING) {
		j->conversation_id = counted;
		return 0;
	}
	if (quotadb_usage(s->st, s->now, &u, err) < 0)
		return -1;
	v = quota_check(j->conv, u.used, u.limit, u.verified,
			u.daily_business_initiated);
	return v == QUOTA_OK ? 0 : refuse_quota(v, &u, err);
}

/* ---- intent ----------------------------------------------------------- */

static const char SQL_CONV_INSERT[] =
	"INSERT INTO conversations (channel_id, contact_id, kind, started_at,"
	" session_opened_at) VALUES (?1, ?2, ?3, ?4,"
	" (SELECT opened_at FROM sessions WHERE channel_id = ?1"
	"  AND contact_id = ?2))";
static const char SQL_SESSION_COUNT[] =
	"UPDATE sessions SET conversation_id = ?3"
	" WHERE channel_id = ?1 AND contact_id = ?2";
static const char SQL_MSG_INSERT[] =
	"INSERT INTO messages (channel_id, contact_id, direction, type, text,"
	" content, from_addr, to_addr, timestamp, received_at, context_wamid,"
	" media_mime, media_caption, media_filename, media_path, status,"
	" status_at, conversation_id, template_name, template_language, agent,"
	" idempotency_key, request) VALUES (?1, ?2, 'out', ?3, ?4, ?5, ?6, ?7,"
	" ?8, ?8, ?9, ?10, ?11, ?12, ?13, 'pending', ?8, ?14, ?15, ?16, ?17,"
	" ?18, ?19)";

/* The text stored and indexed for search. */
static const char *
stored_text(struct job *j, jv obj)
{
	const char *t = jx_cstr(j->msg, "text");

	if (t)
		return t;
	if ((t = jx_cstr(obj, "body")))
		return t;
	if ((t = jx_cstr(obj, "caption")))
		return t;
	return jx_cstr(obj, "name");
}

static int
insert_message(struct sender *s, struct job *j, struct wa_err *err)
{
	sqlite3_stmt *q = store_stmt(s->st, SQL_MSG_INSERT);
	jv obj = jx_get(j->body, j->type);
	jv tpl = jx_get(j->body, "template");
	jv lang = jx_path(tpl, "language", "code", NULL);
	jv reply = jx_path(j->body, "context", "message_id", NULL);
	const char *media = jx_cstr(obj, "link");
	int rc;

	store_bind_text(q, 1, j->channel);
	store_bind_int(q, 2, j->contact_id);
	store_bind_text(q, 3, j->type);
	store_bind_text(q, 4, stored_text(j, obj));
	store_bind_jv(q, 5, obj);
	store_bind_text(q, 6, j->phone);
	store_bind_text(q, 7, j->wa_id);
	store_bind_int(q, 8, s->now);
	store_bind_jv(q, 9, reply);
	store_bind_text(q, 10, j->file ? j->mime : NULL);
	store_bind_text(q, 11, jx_cstr(obj, "caption"));
	store_bind_text(q, 12, jx_cstr(obj, "filename"));
	store_bind_text(q, 13, j->file ? j->file : media);
	store_bind_int_or_null(q, 14, j->conversation_id,
			       j->conversation_id == 0);
	store_bind_text(q, 15, jx_cstr(tpl, "name"));
	store_bind_text(q, 16, jv_get_kind(lang) == JV_KIND_STRING ?
			jv_string_value(lang) : NULL);
	store_bind_text(q, 17, s->o.agent);
	store_bind_text(q, 18, j->key);
	store_bind_jv(q, 19, j->body);
	rc = store_step_done(s->st, q, err);
	j->message_id = sqlite3_last_insert_rowid(store_db(s->st));
	jv_free(reply);
	jv_free(lang);
	jv_free(tpl);
	jv_free(obj);
	return rc;
}

static int
count_conversation(struct sender *s, struct job *j, struct wa_err *err)
{
	sqlite3_stmt *q = store_stmt(s->st, SQL_CONV_INSERT);

	store_bind_text(q, 1, j->channel);
	store_bind_int(q, 2, j->contact_id);
	store_bind_text(q, 3, j->conv == WINDOW_CONV_NEW_USER ?
			"user_initiated" : "business_initiated");
	store_bind_int(q, 4, s->now);
	if (store_step_done(s->st, q, err) < 0)
		return -1;
	j->conversation_id = sqlite3_last_insert_rowid(store_db(s->st));
	if (j->conv != WINDOW_CONV_NEW_USER)
		return 0;
	q = store_stmt(s->st, SQL_SESSION_COUNT);
	store_bind_text(q, 1, j->channel);
	store_bind_int(q, 2, j->contact_id);
	store_bind_int(q, 3, j->conversation_id);
	return store_step_done(s->st, q, err);
}

/* Inside BEGIN IMMEDIATE: the checks again, so that they and the rows
 * are atomic; then the pending message. 1 when answered meanwhile. */
static int
intent_tx(struct sender *s, struct job *j, struct wa_err *err)
{
	struct desk_who who = { 0 };
	enum idem idem;
	int64_t row;
	sqlite3_stmt *q;

	if (idem_check(s, j, &idem, &row, err) < 0)
		return -1;
	if (idem == IDEM_ANSWERED)
		return 1;
	if (classify(s, j, err) < 0)
		return -1;
	if (!j->contact_id) {
		who.wa_id = j->wa_id;
		if (desk_contact_resolve(s->st, &who, s->now, &j->contact_id,
					 err) < 0)
			return -1;
	}
	if (j->conv != WINDOW_CONV_EXISTING &&
	    count_conversation(s, j, err) < 0)
		return -1;
	if (idem == IDEM_RETRY) {
		q = store_stmt(s->st, SQL_IDEM_FREE);
		store_bind_int(q, 1, row);
		if (store_step_done(s->st, q, err) < 0)
			return -1;
	}
	return insert_message(s, j, err);
}

static int
intent(struct sender *s, struct job *j, struct wa_err *err)
{
	int rc;

	if (store_begin(s->st, err) < 0)
		return -1;
	rc = intent_tx(s, j, err);
	if (rc != 0) {
		store_rollback(s->st);
		return rc;
	}
	return store_commit(s->st, err);
}

/* ---- outcome ---------------------------------------------------------- */

static const char SQL_MSG_SENT[] =
	"UPDATE messages SET status = 'sent', status_at = ?2, sent_at = ?2,"
	" wamid = ?3, thread_id = ?4, media_id = coalesce(?5, media_id),"
	" to_addr = coalesce(?6, to_addr), request = ?7, result = ?8"
	" WHERE id = ?1";
static const char SQL_MSG_UNSENT[] =
	"UPDATE messages SET status = ?2, status_at = ?3,"
	" failed_at = CASE WHEN ?2 = 'failed' THEN ?3 END, thread_id = ?4,"
	" error = ?5, result = ?6,"
	" conversation_id = CASE WHEN ?2 = 'failed' THEN NULL"
	"  ELSE conversation_id END WHERE id = ?1";
static const char SQL_CONV_FIRST[] =
	"UPDATE conversations SET first_message_id = ?2"
	" WHERE id = ?1 AND first_message_id IS NULL";
static const char SQL_CONV_USED[] =
	"SELECT count(*) FROM messages WHERE conversation_id = ?1";
static const char SQL_CONV_UNCOUNT[] =
	"UPDATE sessions SET conversation_id = NULL WHERE conversation_id = ?1";
static const char SQL_CONV_DELETE[] =
	"DELETE FROM conversations WHERE id = ?1";

/* A failed send counts nothing: drop its conversation unless another
 * message (sent, pending or ambiguous) is in it. */
static int
release_conversation(struct sender *s, struct job *j, struct wa_err *err)
{
	sqlite3_stmt *q;
	int64_t used = 0;

	if (!j->conversation_id)
		return 0;
	q = store_stmt(s->st, SQL_CONV_USED);
	store_bind_int(q, 1, j->conversation_id);
	if (sqlite3_step(q) == SQLITE_ROW)
		used = sqlite3_column_int64(q, 0);
	sqlite3_reset(q);
	if (used > 0)
		return 0;
	q = store_stmt(s->st, SQL_CONV_UNCOUNT);
	store_bind_int(q, 1, j->conversation_id);
	if (store_step_done(s->st, q, err) < 0)
		return -1;
	q = store_stmt(s->st, SQL_CONV_DELETE);
	store_bind_int(q, 1, j->conversation_id);
	j->conversation_id = 0;
	return store_step_done(s->st, q, err);
}

static jv
sent_record(struct job *j, const char *wamid)
{
	jv r = JV_OBJECT(jv_string("ok"), jv_true(),
			 jv_string("wamid"),
			 wamid ? jv_string(wamid) : jv_null(),
			 jv_string("status"), jv_string("sent"),
			 jv_string("type"), jv_string(j->type),
			 jv_string("to"), jv_string(j->wa_id),
			 jv_string("conversation"),
			 jv_string(window_conv_name(j->conv)));

	if (j->key)
		r = jv_object_set(r, jv_string("idempotency_key"),
				  jv_string(j->key));
	r = add_keys(j, r);
	if (j->line > 0)
		r = jv_object_set(r, jv_string("line"), jv_number(j->line));
	return r;
}

static int
record_sent_tx(struct sender *s, struct job *j, const char *wamid,
	       const char *wa_id, const char *media_id, jv rec,
	       struct wa_err *err)
{
	sqlite3_stmt *q = store_stmt(s->st, SQL_MSG_SENT);

	store_bind_int(q, 1, j->message_id);
	store_bind_int(q, 2, s->now);
	store_bind_text(q, 3, wamid);
	store_bind_int(q, 4, j->thread_id);
	store_bind_text(q, 5, media_id);
	store_bind_text(q, 6, wa_id);
	store_bind_jv(q, 7, j->body);
	store_bind_jv(q, 8, rec);
	if (store_step_done(s->st, q, err) < 0 ||
	    desk_thread_touch(s->st, j->thread_id, j->message_id, s->now, 0,
			      err) < 0)
		return -1;
	if (j->conversation_id) {
		q = store_stmt(s->st, SQL_CONV_FIRST);
		store_bind_int(q, 1, j->conversation_id);
		store_bind_int(q, 2, j->message_id);
		if (store_step_done(s->st, q, err) < 0)
			return -1;
	}
	return wamid && desk_apply_pending_statuses(s->st, wamid, err) < 0 ?
	       -1 : 0;
}

static int
open_thread(struct sender *s, struct job *j, struct wa_err *err)
{
	struct desk_thread t;

	if (desk_thread_open(s->st, j->channel, j->contact_id, "outbound",
			     s->now, &t, err) < 0)
		return -1;
	j->thread_id = t.thread_id;
	j->ticket_id = t.ticket_id;
	return 0;
}

/* resp[list][0][key] (owned; invalid when absent). */
static jv
first_of(jv resp, const char *list, const char *key)
{
	jv a = jx_get(resp, list), v = jv_invalid();

	if (jv_get_kind(a) == JV_KIND_ARRAY &&
	    jv_array_length(jv_copy(a)) > 0) {
		jv e = jv_array_get(jv_copy(a), 0);

		v = jx_get(e, key);
		jv_free(e);
	}
	jv_free(a);
	return v;
}

static void
record_sent(struct sender *s, struct job *j, jv resp, const char *media_id)
{
	jv wamid = first_of(resp, "messages", "id");
	jv wa = first_of(resp, "contacts", "wa_id");
	const char *w = jv_get_kind(wamid) == JV_KIND_STRING ?
			jv_string_value(wamid) : NULL;
	const char *wa_id = jv_get_kind(wa) == JV_KIND_STRING ?
			    jv_string_value(wa) : NULL;
	struct wa_err e;
	jv rec = jv_invalid();
	int rc;

	rc = store_begin(s->st, &e);
	if (rc == 0 && (rc = open_thread(s, j, &e)) == 0) {
		rec = sent_record(j, w);
		rc = record_sent_tx(s, j, w, wa_id, media_id, rec, &e);
	}
	if (rc == 0)
		rc = store_commit(s->st, &e);
	else
		store_rollback(s->st);
	if (rc == 0) {
		answer(j, rec);
	} else {
		jv_free(rec);
		wa_err_prefix(&e, "sent as %s but not recorded",
			      w ? w : "(no wamid)");
		answer_err(j, &e);
	}
	jv_free(wamid);
	jv_free(wa);
}

/* failed (nothing reached Meta, or Meta refused) or ambiguous. */
static void
record_unsent(struct sender *s, struct job *j, const struct wa_err *why)
{
	int ambiguous = strcmp(why->code, "ambiguous") == 0;
	jv rec = wa_err_result(why, jv_copy(j->input), j->line);
	jv ej = wa_err_json(why);
	struct wa_err e;
	sqlite3_stmt *q;
	int rc;

	rc = store_begin(s->st, &e);
	if (rc == 0 && ambiguous)
		rc = open_thread(s, j, &e);
	rec = add_keys(j, rec);
	if (rc == 0) {
		q = store_stmt(s->st, SQL_MSG_UNSENT);
		store_bind_int(q, 1, j->message_id);
		store_bind_text(q, 2, ambiguous ? "ambiguous" : "failed");
		store_bind_int(q, 3, s->now);
		store_bind_int_or_null(q, 4, j->thread_id, !ambiguous);
		store_bind_jv(q, 5, ej);
		store_bind_jv(q, 6, rec);
		rc = store_step_done(s->st, q, &e);
	}
	if (rc == 0 && !ambiguous)
		rc = release_conversation(s, j, &e);
	if (rc == 0)
		rc = store_commit(s->st, &e);
	else
		store_rollback(s->st);
	jv_free(ej);
	jv_free(rec);
	answer_err(j, rc == 0 ? why : &e);
}

static void stop_queued(struct sender *s);
static void record_read(struct sender *s, struct job *j);

static void
on_sent(void *ctx, int rc, jv resp, const struct wa_err *err)
{
	struct job *j = ctx;

	if (rc == 0 && j->is_read)
		record_read(j->s, j);
	else if (rc == 0)
		record_sent(j->s, j, resp, j->media_id[0] ? j->media_id : NULL);
	else
		record_unsent(j->s, j, err);
	jv_free(resp);
	stop_queued(j->s);
}

static void
post_message(struct sender *s, struct job *j)
{
	char path[CHANNEL_ID_MAX + 16], pair[CHANNEL_ID_MAX + 40];

	snprintf(path, sizeof(path), "/%s/messages", j->channel);
	snprintf(pair, sizeof(pair), "%s:%s", j->channel, j->wa_id);
	graph_multi_post(s->gm, path, jv_copy(j->body),
			 j->is_read ? NULL : pair, on_sent, j);
}

/* The uploaded media's id goes where the local path was. */
static void
on_upload(void *ctx, int rc, jv resp, const struct wa_err *err)
{
	struct job *j = ctx;
	jv id = jx_get(resp, "id"), m;
	struct wa_err e;

	if (rc == 0 && jv_get_kind(id) != JV_KIND_STRING) {
		wa_err_set(&e, WA_EX_REJECTED, "graph_error",
			   "media upload answered without an id");
		err = &e;
		rc = -1;
	}
	if (rc < 0) {
		jv_free(id);
		record_unsent(j->s, j, err);
		stop_queued(j->s);
	} else {
		m = jv_getpath(jv_copy(j->body), jv_copy(j->upload_at));
		m = jv_object_delete(m, jv_string("path"));
		m = jv_object_set(m, jv_string("id"), jv_copy(id));
		j->body = jv_setpath(j->body, jv_copy(j->upload_at), m);
		snprintf(j->media_id, sizeof(j->media_id), "%s",
			 jv_string_value(id));
		jv_free(id);
		post_message(j->s, j);
	}
	jv_free(resp);
}

/* After a fatal error nothing new starts: queued requests are answered
 * as not sent (and their intents released). */
static void
stop_queued(struct sender *s)
{
	struct wa_err e;

	if (!s->fatal || !s->gm || s->stopped)
		return;
	s->stopped = 1;
	e = s->fatal_err;
	snprintf(e.message, sizeof(e.message),
		 "not sent: the run stopped after an earlier error (%s)",
		 s->fatal_err.code);
	graph_multi_cancel(s->gm, &e);
}

/* ---- mark as read ------------------------------------------------------ */

static const char SQL_READ_FIND[] =
	"SELECT m.channel_id, m.thread_id, coalesce(c.wa_id, m.from_addr, '')"
	" FROM messages m LEFT JOIN contacts c ON c.id = m.contact_id"
	" WHERE m.wamid = ?1 AND m.direction = 'in' LIMIT 1";
static const char SQL_THREAD_READ[] =
	"UPDATE threads SET unread = 0 WHERE id = ?1";

static void
record_read(struct sender *s, struct job *j)
{
	sqlite3_stmt *q;
	struct wa_err e;
	jv rec;

	if (j->thread_id > 0) {
		q = store_stmt(s->st, SQL_THREAD_READ);
		store_bind_int(q, 1, j->thread_id);
		if (store_step_done(s->st, q, &e) < 0) {
			answer_err(j, &e);
			return;
		}
	}
	rec = JV_OBJECT(jv_string("ok"), jv_true(),
			jv_string("status"), jv_string("read"),
			jv_string("wamid"),
			jx_path(j->body, "message_id", NULL));
	rec = add_keys(j, rec);
	if (j->line > 0)
		rec = jv_object_set(rec, jv_string("line"), jv_number(j->line));
	answer(j, rec);
}

/* Where the read message lives: known wamid, else the given target. */
static int
prepare_read(struct sender *s, struct job *j, struct wa_err *err)
{
	jv obj = jx_get(j->msg, "read");
	const char *w;
	int typing = 0, rc = SQLITE_DONE;
	const char *ch = jx_cstr(j->msg, "channel");
	sqlite3_stmt *q;
	int64_t tid;

	w = jx_cstr(obj, "message_id");
	jx_bool(obj, "typing", &typing, err);
	if (!w || !*w) {
		jv_free(obj);
		return wa_err_set(err, WA_EX_REJECTED, "invalid_input",
				  "mark_read: needs a message id");
	}
	q = store_stmt(s->st, SQL_READ_FIND);
	store_bind_text(q, 1, w);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		snprintf(j->channel, sizeof(j->channel), "%s",
			 (const char *)sqlite3_column_text(q, 0));
		j->thread_id = sqlite3_column_int64(q, 1);
		snprintf(j->wa_id, sizeof(j->wa_id), "%s",
			 (const char *)sqlite3_column_text(q, 2));
	}
	sqlite3_reset(q);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		jv_free(obj);
		return store_fail(s->st, err, "find message");
	}
	if (rc == SQLITE_DONE) {
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

/* ---- submit ------------------------------------------------------------ */

static jv
dry_record(struct job *j)
{
	char path[CHANNEL_ID_MAX + 16];
	jv body = jv_copy(j->body), rec;

	snprintf(path, sizeof(path), "/%s/messages", j->channel);
	if (j->file) {
		jv m = jv_getpath(jv_copy(body), jv_copy(j->upload_at));

		m = jv_object_delete(m, jv_string("path"));
		m = jv_object_set(m, jv_string("id"),
				  jv_string("(media id from the upload)"));
		body = jv_setpath(body, jv_copy(j->upload_at), m);
	}
	rec = JV_OBJECT(jv_string("ok"), jv_true(),
			jv_string("dry_run"), jv_true(),
			jv_string("request"),
			JV_OBJECT(jv_string("method"), jv_string("POST"),
				  jv_string("path"), jv_string(path),
				  jv_string("body"), body));
	if (j->file) {
		snprintf(path, sizeof(path), "/%s/media", j->channel);
		rec = jv_object_set(rec, jv_string("upload"),
			JV_OBJECT(jv_string("method"), jv_string("POST"),
				  jv_string("path"), jv_string(path),
				  jv_string("file"), jv_string(j->file),
				  jv_string("mime"), jv_string(j->mime)));
	}
	if (!j->is_read)
		rec = jv_object_set(rec, jv_string("conversation"),
				    jv_string(window_conv_name(j->conv)));
	rec = add_keys(j, rec);
	if (j->line > 0)
		rec = jv_object_set(rec, jv_string("line"), jv_number(j->line));
	return rec;
}

static int
prepare_msg(struct sender *s, struct job *j, struct wa_err *err)
{
	if (target(s, j, err) < 0)
		return -1;
	j->is_template = strcmp(j->type, "template") == 0;
	build_body(j);
	return check_content(j, err);
}

/* Checks, intent and the queued request; 0 queued or answered. */
static int
prepare(struct sender *s, struct job *j, struct wa_err *err)
{
	const char *t = jx_cstr(j->msg, "type");
	const char *key = jx_cstr(j->msg, "idempotency_key");
	enum idem idem;
	int64_t row;
	int rc;

	if (jv_get_kind(j->msg) != JV_KIND_OBJECT || !t || strlen(t) >= 16)
		return wa_err_set(err, WA_EX_REJECTED, "invalid_input",
				  "a message needs a type");
	snprintf(j->type, sizeof(j->type), "%s", t);
	j->is_read = strcmp(t, "read") == 0;
	if (key && *key && !j->is_read)
		j->key = xstrdup(key);
	if (idem_follow(s, j))
		return 0;
	if (idem_check(s, j, &idem, &row, err) < 0)
		return -1;
	if (idem == IDEM_ANSWERED)
		return 0;
	rc = j->is_read ? prepare_read(s, j, err) : prepare_msg(s, j, err);
	if (rc < 0)
		return -1;
	if (s->o.dry_run) {
		if (!j->is_read && classify(s, j, err) < 0)
			return -1;
		answer(j, dry_record(j));
		return 0;
	}
	if (!j->is_read) {
		/* Refuse before BEGIN when nothing could change that. */
		if (!j->contact_id && !j->is_template) {
			j->conv = WINDOW_CONV_REFUSED;
			return refuse_window(j, -1, err);
		}
		rc = intent(s, j, err);
		if (rc != 0)
			return rc < 0 ? -1 : 0;
	}
	if (j->file) {
		char path[CHANNEL_ID_MAX + 16];

		snprintf(path, sizeof(path), "/%s/media", j->channel);
		graph_multi_upload(s->gm, path, j->file, j->mime, on_upload, j);
	} else {
		post_message(s, j);
	}
	return 0;
}

static struct job *
job_add(struct sender *s, jv input, long line)
{
	struct job *j = xcalloc(1, sizeof(*j));

	j->s = s;
	j->input = input;
	j->line = line;
	j->result = jv_invalid();
	j->msg = jv_invalid();
	j->body = jv_invalid();
	j->upload_at = jv_invalid();
	if (s->tail)
		s->tail->next = j;
	else
		s->head = j;
	s->tail = j;
	s->njobs++;
	return j;
}

/* Runs transfers until fewer than max answers wait. */
static void
pump(struct sender *s, int max)
{
	flush(s);
	while (s->gm && s->njobs > max && graph_multi_pending(s->gm) > 0) {
		graph_multi_run(s->gm, 100);
		flush(s);
	}
	if (s->gm && graph_multi_pending(s->gm) > 0)
		graph_multi_run(s->gm, 0);
	flush(s);
}

int
sender_submit(struct sender *s, jv msg, jv input, long line,
	      struct wa_err *err)
{
	struct job *j;
	struct wa_err e;

	if (s->fatal) {
		jv_free(msg);
		jv_free(input);
		*err = s->fatal_err;
		return -1;
	}
	s->now = wa_now();
	j = job_add(s, input, line);
	j->msg = msg;
	if (prepare(s, j, &e) < 0)
		answer_err(j, &e);
	pump(s, s->o.rate + 64);
	if (s->fatal) {
		stop_queued(s);
		*err = s->fatal_err;
		return -1;
	}
	return 0;
}

void
sender_reject(struct sender *s, const struct wa_err *e, jv input, long line)
{
	struct job *j = job_add(s, input, line);

	answer_err(j, e);
	flush(s);
}

int
sender_finish(struct sender *s, struct wa_err *err)
{
	while (s->gm && graph_multi_pending(s->gm) > 0) {
		graph_multi_run(s->gm, 200);
		flush(s);
	}
	flush(s);
	if (s->fatal) {
		*err = s->fatal_err;
		return -1;
	}
	return 0;
}
