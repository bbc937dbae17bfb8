/* SPDX-License-Identifier: MIT */
/* Graph API client on libcurl: auth, retries, Meta's error mapping. */
#ifndef WA_GRAPH_H
#define WA_GRAPH_H

#include <stdio.h>
#include <curl/curl.h>
#include "curl_lazy.h"
#include <jv.h>
#include "err.h"
#include "config.h"

struct graph;

struct graph_opts {
	int max_attempts;	/* total tries for retryable failures (4) */
	long backoff_ms;	/* first backoff, doubled per try (500) */
	long max_backoff_ms;	/* cap per wait incl. Retry-After (30000) */
	long connect_timeout_ms;/* (10000) */
	long timeout_ms;	/* whole request (30000) */
};

/* Global curl init/cleanup: once, first and last thing in main. */
void graph_global_init(void);
void graph_global_cleanup(void);

/* Defaults, overridable by WA_GRAPH_RETRIES / WA_GRAPH_BACKOFF_MS /
 * WA_GRAPH_TIMEOUT_MS (read and checked by config_load). */
void graph_opts_default(struct graph_opts *o, const struct wa_config *cfg);

/* A client with one reused easy handle. Needs cfg->token (else exit 78,
 * code "auth"). cfg is borrowed and must outlive the client. */
int graph_open(struct graph **out, const struct wa_config *cfg,
	       const struct graph_opts *opts, struct wa_err *err);
void graph_close(struct graph *g);

/* One request. path is "/123/messages" (joined to the base URL, may carry
 * a query) or an absolute http(s) URL. body (consumed; jv_invalid() for
 * none) is sent as JSON. On 2xx: 0 and *resp owned (jv_null() for an empty
 * body). On failure: -1, err filled from Meta's envelope (graph_code,
 * code, action, sysexit), *resp the error body or invalid.
 * POST/DELETE whose outcome is unknown are "ambiguous" and never retried. */
int graph_request(struct graph *g, const char *method, const char *path,
		  jv body, jv *resp, struct wa_err *err);
int graph_get(struct graph *g, const char *path, jv *resp, struct wa_err *err);
int graph_post(struct graph *g, const char *path, jv body, jv *resp,
	       struct wa_err *err);
int graph_delete(struct graph *g, const char *path, jv *resp,
		 struct wa_err *err);

/* GET path and every page after it (Meta's paging.next), handing each
 * page's "data" array (taken) to fn, which returns 0 for the next page
 * or 1 to stop. At most max_pages (a paging loop that never ends is a
 * bug: graph_error, 69); what names the list in messages. Returns 0
 * after the last page, 1 when fn stopped, -1 with err (Graph's error, or
 * a page without "data"); *pages (may be NULL) how many were read. */
int graph_pages(struct graph *g, const char *path, int max_pages,
		const char *what, int (*fn)(jv data, void *ctx), void *ctx,
		int *pages, struct wa_err *err);

/* multipart/form-data upload of a file (field "file" with mime, plus
 * messaging_product=whatsapp and type=mime). */
int graph_upload(struct graph *g, const char *path, const char *file,
		 const char *mime, jv *resp, struct wa_err *err);

/* Downloads url (Bearer token) into fp; at most max_bytes. */
int graph_download(struct graph *g, const char *url, FILE *fp,
		   long max_bytes, struct wa_err *err);

/* Classifies a finished transfer into err (also for multi-handle users):
 * curl result, whether the request bytes went out, HTTP status, body
 * (borrowed; may be invalid), Retry-After seconds (-1 none).
 * Returns 0 for success (2xx), -1 otherwise. */
int graph_classify(CURLcode rc, int request_sent, int idempotent,
		   long http_status, jv body, struct wa_err *err);

/* For a request that must never run twice (a message send), after
 * graph_classify failed with err->retry set: the retry stays only when
 * the answer proves Meta did not process the request: no connection
 * ("network"), Meta's rate limits ("rate_limited": 4, 613, 80007,
 * 80008, 130429, 131056, HTTP 429), or 503 with Retry-After
 * (retry_after >= 0).  Any other retryable answer (500, 502, 504, a 503
 * without Retry-After, Meta's transient codes) may come after Meta
 * processed it: err becomes "ambiguous", action never, no retry. */
void graph_once_check(struct wa_err *err, long retry_after);

/* Maps Meta's numeric error code (and HTTP status) to our stable code,
 * action, retry flag and sysexit inside err. */
void graph_map_code(long graph_code, long http_status, struct wa_err *err);

/* Building blocks for multi-handle users (wa-send --rate): the full URL
 * for path (owned), the header list (owned; JSON content type when
 * json), and the options every request gets (timeouts, protocols,
 * user agent, error buffer, NOSIGNAL) applied to h. */
char *graph_url(struct graph *g, const char *path);
struct curl_slist *graph_headers(struct graph *g, int json);
void graph_setup_easy(struct graph *g, CURL *h, char *errbuf);
const struct graph_opts *graph_options(struct graph *g);
/* Waits for backoff attempt n (0-based), or retry_after seconds (>= 0). */
void graph_backoff(const struct graph_opts *o, int n, long retry_after);

/* A request body handed to libcurl so that it can never be sent twice:
 * libcurl silently resends a POST when a reused connection dies after the
 * request went out; rewinding this body fails instead once any byte was
 * read (CURLE_SEND_FAIL_REWIND), which graph_classify reports as
 * "ambiguous". b must live until the transfer ends; p is borrowed. */
struct graph_body {
	const char *p;		/* the bytes */
	size_t len;		/* their length */
	size_t off;		/* how many libcurl has read */
};
void graph_body_setup(CURL *h, struct graph_body *b, const char *p,
		      size_t len);

/* libcurl callback helpers shared with graph_multi_run.c: append a received
 * chunk to sb unless that passes cap (then *too_big = 1 and 0 is
 * returned, which stops the transfer); the seconds of a Retry-After
 * header line, or -1 when the line is another header. */
struct strbuf;
size_t graph_take_body(struct strbuf *sb, const char *p, size_t n,
		       size_t cap, int *too_big);
long graph_retry_after(const char *line, size_t len);

/* Escapes a path component for URLs (ids are plain, names may not be).
 * Returns owned string. */
char *graph_escape(const char *s);

#endif
