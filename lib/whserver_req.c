/* SPDX-License-Identifier: MIT */
/* The webhook server's requests: the handshake, and a POST read within bounds, its signature checked, queued for the writer. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <openssl/crypto.h>
#include "signature.h"
#include "whserver_int.h"

/*
 * Before the signature is checked a request is a stranger's: it is read
 * within the read deadline (lib/whserver_guard.c), from at most
 * max_per_addr connections of its address, and its body counts against
 * max_unverified, all bodies being read together: past that it is
 * answered 503 before it is read (its Content-Length) or as soon as it
 * grows past it (chunked), and what it sent is dropped. A signed body
 * goes to prepare on this HTTP thread, is queued and its connection
 * suspended until lib/whserver_commit.c answers it.
 */

#define WHS_QUEUE_BYTES ((size_t)256 << 20)	/* queued bodies: 503 above */

/* ---- answers ---- */

static enum MHD_Result
reply(struct MHD_Connection *c, unsigned status, const char *text, int copy)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = MHD_create_response_from_buffer(strlen(text), (void *)text,
					    copy ? MHD_RESPMEM_MUST_COPY :
					    MHD_RESPMEM_PERSISTENT);
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
				"text/plain; charset=utf-8");
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, POST");
	if (status == MHD_HTTP_SERVICE_UNAVAILABLE ||
	    status == MHD_HTTP_CONTENT_TOO_LARGE)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION,
					"close");
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

/* Logs err about the request on c, counts a rejection and answers. */
static enum MHD_Result
refuse(struct whserver *s, struct MHD_Connection *c, unsigned status,
       struct wa_err *err, const char *text)
{
	char addr[INET6_ADDRSTRLEN + 1];

	pthread_mutex_lock(&s->mu);
	s->stats.rejected++;
	pthread_mutex_unlock(&s->mu);
	if (err && s->o.log) {
		wa_err_prefix(err, "%s %s from %s: HTTP %u",
			      MHD_lookup_connection_value(c, MHD_HEADER_KIND,
							  "X-Hub-Signature-256")
			      ? "signed" : "request", s->o.path,
			      whs_peer(c, addr, sizeof(addr)), status);
		s->o.log(s->o.ctx, err);
	}
	return reply(c, status, text, 0);
}

/* ---- GET: the verification handshake ---- */

static int
same_secret(const char *want, const char *got)
{
	size_t n = strlen(want);

	return got && strlen(got) == n && CRYPTO_memcmp(want, got, n) == 0;
}

static enum MHD_Result
handshake(struct whserver *s, struct MHD_Connection *c)
{
	const char *mode, *token, *challenge;
	struct wa_err err;

	mode = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND,
					   "hub.mode");
	token = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND,
					    "hub.verify_token");
	challenge = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND,
						"hub.challenge");
	if (!mode || strcmp(mode, "subscribe") != 0 || !s->o.verify_token ||
	    !same_secret(s->o.verify_token, token)) {
		wa_err_set(&err, WA_EX_NOPERM, "auth", "%s",
			   !s->o.verify_token ? "WA_VERIFY_TOKEN is not set" :
			   !mode || strcmp(mode, "subscribe") ?
			   "hub.mode is not 'subscribe'" :
			   "hub.verify_token does not match WA_VERIFY_TOKEN");
		return refuse(s, c, MHD_HTTP_FORBIDDEN, &err, "forbidden\n");
	}
	if (!challenge)
		return refuse(s, c, MHD_HTTP_BAD_REQUEST, NULL,
			      "missing hub.challenge\n");
	return reply(c, MHD_HTTP_OK, challenge, 1);
}

/* ---- POST: the delivery ---- */

/* The declared Content-Length, or -1 when there is none (chunked). */
static long long
declared(struct MHD_Connection *c)
{
	const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
		MHD_HTTP_HEADER_CONTENT_LENGTH);
	long long n;

	return cl && parse_int(cl, 0, INT64_MAX, &n) == 0 ? n : -1;
}

static enum MHD_Result
too_big(struct whserver *s, struct MHD_Connection *c)
{
	struct wa_err err;

	wa_err_set(&err, WA_EX_DATAERR, "invalid_input",
		   "body larger than %zu bytes", s->o.max_body);
	return refuse(s, c, MHD_HTTP_CONTENT_TOO_LARGE, &err,
		      "payload too large\n");
}

/* Too many bytes of unchecked bodies are being read: not this one (not
 * logged: a flood would fill the log). */
static enum MHD_Result
shed(struct whserver *s, struct MHD_Connection *c)
{
	return refuse(s, c, MHD_HTTP_SERVICE_UNAVAILABLE, NULL,
		      "busy, try again\n");
}

/* Holds n more bytes of r's body against max_unverified: 0, or -1 when
 * they do not fit (nothing held then). */
static int
hold(struct whserver *s, struct req *r, size_t n)
{
	int ok;

	pthread_mutex_lock(&s->mu);
	ok = s->unverified + n <= s->o.max_unverified;
	if (ok) {
		s->unverified += n;
		r->held += n;
	}
	pthread_mutex_unlock(&s->mu);
	return ok ? 0 : -1;
}

/* r's body is checked, dropped or gone: its bytes are not held. */
static void
unhold(struct whserver *s, struct req *r)
{
	if (!r->held)
		return;
	pthread_mutex_lock(&s->mu);
	s->unverified -= r->held;
	pthread_mutex_unlock(&s->mu);
	r->held = 0;
}

/* Drops what r read (too big, or past max_unverified). */
static void
drop_body(struct whserver *s, struct req *r)
{
	sb_release(&r->body);
	unhold(s, r);
}

/* Some of r's body came: kept while it fits both limits. */
static void
take_body(struct whserver *s, struct req *r, const char *data, size_t n)
{
	size_t len = r->body.len + n;

	if (r->too_big || r->shed)
		return;
	if (len > s->o.max_body) {
		r->too_big = 1;
		drop_body(s, r);
	} else if (len > r->held && hold(s, r, len - r->held) < 0) {
		r->shed = 1;
		drop_body(s, r);
	} else {
		sb_add(&r->body, data, n);
	}
}

/* The whole body is in: check it and queue it for the writer. No MHD
 * call is made under s->mu, so MHD's own locks never nest inside it. */
static enum MHD_Result
deliver(struct whserver *s, struct MHD_Connection *c, struct req *r)
{
	const char *sig;
	struct wa_err err;
	int full, bad;

	whs_guard_read(s->guard, c);
	r->state = REQ_ANSWERED;
	if (r->too_big)
		return too_big(s, c);
	if (r->shed)
		return shed(s, c);
	sig = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
					  "X-Hub-Signature-256");
	bad = s->o.app_secret && signature_verify(s->o.app_secret,
						  r->body.buf, r->body.len,
						  sig, &err) < 0;
	if (bad) {
		drop_body(s, r);
		return refuse(s, c, MHD_HTTP_UNAUTHORIZED, &err,
			      "bad signature\n");
	}
	sb_add(&r->body, "", 0);	/* a NUL-terminated, non-NULL buffer */
	r->bytes = r->body.len;
	/* The body goes to prepare, here on the HTTP thread: the writer
	 * thread gets the work of the batch only. */
	r->payload = s->o.prepare(s->o.ctx, sb_detach(&r->body), r->bytes,
				  sig);
	unhold(s, r);
	r->conn = c;
	pthread_mutex_lock(&s->mu);
	full = s->closing || s->queue_bytes + r->bytes > WHS_QUEUE_BYTES;
	if (!full) {
		s->suspended++;
		r->counted = 1;
		s->queue_bytes += r->bytes;
	}
	pthread_mutex_unlock(&s->mu);
	if (full)
		return shed(s, c);
	/* Suspend before the writer can see it, so it never resumes a
	 * connection that is not suspended yet. */
	r->state = REQ_QUEUED;
	MHD_suspend_connection(c);
	pthread_mutex_lock(&s->mu);
	if (s->tail)
		s->tail->next = r;
	else
		s->head = r;
	s->tail = r;
	pthread_cond_signal(&s->queued);
	pthread_mutex_unlock(&s->mu);
	return MHD_YES;
}

static enum MHD_Result
answer_done(struct whserver *s, struct MHD_Connection *c, struct req *r)
{
	pthread_mutex_lock(&s->mu);
	r->counted = 0;
	if (--s->suspended == 0)
		pthread_cond_broadcast(&s->idle);
	pthread_mutex_unlock(&s->mu);
	if (r->status == MHD_HTTP_OK)
		return reply(c, MHD_HTTP_OK, "", 0);
	return reply(c, r->status, "not stored, try again\n", 0);
}

/* A POST to the path: its declared body must fit max_body and, with
 * the other bodies being read, max_unverified; then it is read into a
 * buffer of its exact size. */
static enum MHD_Result
start_post(struct whserver *s, struct MHD_Connection *c, struct req *r)
{
	long long cl = declared(c);

	if (cl > 0 && (unsigned long long)cl > s->o.max_body)
		return too_big(s, c);
	if (cl > 0 && hold(s, r, (size_t)cl) < 0)
		return shed(s, c);
	if (cl > 0) {
		r->body.buf = xmalloc((size_t)cl + 1);
		r->body.buf[0] = '\0';
		r->body.cap = (size_t)cl + 1;
	}
	r->state = REQ_READING;
	return MHD_YES;
}

/* First call for a request: route it. Only a POST to the path goes on
 * to read its body; everything else is answered here. */
static enum MHD_Result
start(struct whserver *s, struct MHD_Connection *c, const char *url,
      const char *method, struct req **r)
{
	int stopping;

	*r = NULL;
	pthread_mutex_lock(&s->mu);
	stopping = s->stopping;
	if (!stopping)
		s->active++;
	pthread_mutex_unlock(&s->mu);
	if (stopping)
		return reply(c, MHD_HTTP_SERVICE_UNAVAILABLE,
			     "shutting down\n", 0);
	*r = xcalloc(1, sizeof(**r));
	if (strcmp(url, s->o.path) == 0 &&
	    strcmp(method, MHD_HTTP_METHOD_POST) == 0)
		return start_post(s, c, *r);
	whs_guard_read(s->guard, c);
	if (strcmp(url, s->o.path) != 0)
		return refuse(s, c, MHD_HTTP_NOT_FOUND, NULL, "not found\n");
	if (strcmp(method, MHD_HTTP_METHOD_GET) == 0)
		return handshake(s, c);
	return refuse(s, c, MHD_HTTP_METHOD_NOT_ALLOWED, NULL,
		      "method not allowed\n");
}

enum MHD_Result
whs_on_request(void *cls, struct MHD_Connection *c, const char *url,
	   const char *method, const char *version, const char *data,
	   size_t *size, void **con_cls)
{
	struct whserver *s = cls;
	struct req *r = *con_cls;
	enum MHD_Result ret;

	if (!r) {
		ret = start(s, c, url, method, &r);
		*con_cls = r;
		return ret;
	}
	switch (r->state) {
	case REQ_READING:
		if (*size) {
			take_body(s, r, data, *size);
			*size = 0;
			return MHD_YES;
		}
		return deliver(s, c, r);
	case REQ_DONE:
		r->state = REQ_ANSWERED;
		return answer_done(s, c, r);
	default:
		*size = 0;	/* answered already: drop what still comes */
		return MHD_YES;
	}
}

void
whs_on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
	     enum MHD_RequestTerminationCode toe)
{
	struct whserver *s = cls;
	struct req *r = *con_cls;

	/* the next request on this connection has its own deadline */
	whs_guard_next(s->guard, c);
	if (!r)
		return;
	*con_cls = NULL;
	/* A client that hung up while its delivery was being committed is
	 * never answered; it still must not hold up whserver_stop. MHD only
	 * gets here after the syncer resumed it, so the writer and the
	 * syncer are done with r. */
	unhold(s, r);
	pthread_mutex_lock(&s->mu);
	if (r->counted && --s->suspended == 0)
		pthread_cond_broadcast(&s->idle);
	if (--s->active == 0)
		pthread_cond_broadcast(&s->idle);
	pthread_mutex_unlock(&s->mu);
	sb_release(&r->body);
	if (r->payload)
		s->o.release(s->o.ctx, r->payload);
	free(r);
}

