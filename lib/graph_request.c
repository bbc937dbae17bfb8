/* SPDX-License-Identifier: MIT */
/* Graph requests: one transfer (the body read from memory), retries, GET/POST/DELETE/upload, escaping, paging. */
#include <stdlib.h>
#include <string.h>
#include "graph.h"
#include "graph_int.h"
#include "jsonl.h"
#include "util.h"

static size_t
on_body(char *p, size_t size, size_t n, void *ctx)
{
	struct graph *g = ctx;

	return graph_take_body(&g->body, p, size * n, GRAPH_MAX_BODY,
			       &g->too_big);
}

static size_t
on_header(char *p, size_t size, size_t n, void *ctx)
{
	struct graph *g = ctx;
	long ra = graph_retry_after(p, size * n);

	if (ra >= 0)
		g->retry_after = ra;
	return size * n;
}

static size_t
body_read(char *buf, size_t size, size_t n, void *ctx)
{
	struct graph_body *b = ctx;
	size_t want = size * n, left = b->len - b->off;

	if (want > left)
		want = left;
	memcpy(buf, b->p + b->off, want);
	b->off += want;
	return want;
}

static int
body_seek(void *ctx, curl_off_t offset, int origin)
{
	struct graph_body *b = ctx;

	/* Only a rewind before anything went out is harmless. */
	if (origin == SEEK_SET && offset == 0 && b->off == 0)
		return CURL_SEEKFUNC_OK;
	return CURL_SEEKFUNC_CANTSEEK;
}

void
graph_body_setup(CURL *h, struct graph_body *b, const char *p, size_t len)
{
	b->p = p;
	b->len = len;
	b->off = 0;
	curl_easy_setopt(h, CURLOPT_POST, 1L);
	curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	curl_easy_setopt(h, CURLOPT_READFUNCTION, body_read);
	curl_easy_setopt(h, CURLOPT_READDATA, b);
	curl_easy_setopt(h, CURLOPT_SEEKFUNCTION, body_seek);
	curl_easy_setopt(h, CURLOPT_SEEKDATA, b);
}

static int
perform(struct graph *g, const char *method, const char *url,
	const char *payload, curl_mime *mime, int idempotent, jv *resp,
	struct wa_err *err)
{
	struct curl_slist *hdrs;
	struct graph_body gb;
	long status = 0, reqsize = 0;
	CURLcode rc;
	jv body;

	/* A bodyless POST sends "{}" through the guarded body as well, so
	 * libcurl cannot resend it on its own either. */
	if (strcmp(method, "POST") == 0 && !payload && !mime)
		payload = "{}";
	hdrs = graph_headers(g, payload != NULL);

	curl_easy_reset(g->h);
	graph_setup_easy(g, g->h, g->errbuf);
	curl_easy_setopt(g->h, CURLOPT_URL, url);
	curl_easy_setopt(g->h, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(g->h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(g->h, CURLOPT_WRITEDATA, g);
	curl_easy_setopt(g->h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(g->h, CURLOPT_HEADERDATA, g);
	if (mime)
		curl_easy_setopt(g->h, CURLOPT_MIMEPOST, mime);
	else if (payload)
		graph_body_setup(g->h, &gb, payload, strlen(payload));
	if (strcmp(method, "GET") != 0 && strcmp(method, "POST") != 0)
		curl_easy_setopt(g->h, CURLOPT_CUSTOMREQUEST, method);
	sb_reset(&g->body);
	g->retry_after = -1;
	g->too_big = 0;
	g->errbuf[0] = '\0';
	rc = curl_easy_perform(g->h);
	curl_easy_getinfo(g->h, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_getinfo(g->h, CURLINFO_REQUEST_SIZE, &reqsize);
	curl_slist_free_all(hdrs);
	if (g->body.len)
		body = jv_parse_sized(g->body.buf, (int)g->body.len);
	else
		body = jv_null();
	if (!jv_is_valid(body)) {
		jv_free(body);
		body = jv_null();
	}
	if (graph_classify(rc, reqsize > 0, idempotent, status, body, err)) {
		*resp = body;
		return -1;
	}
	*resp = body;
	return 0;
}

static int
with_retries(struct graph *g, const char *method, const char *path,
	     const char *payload, curl_mime *mime, jv *resp,
	     struct wa_err *err)
{
	char *url = graph_url(g, path);
	int idempotent = strcmp(method, "GET") == 0;
	int n, rc = -1;

	*resp = jv_invalid();
	for (n = 0; n < g->o.max_attempts; n++) {
		jv_free(*resp);
		rc = perform(g, method, url, payload, mime, idempotent, resp,
			     err);
		if (rc == 0 || !err->retry)
			break;
		if (n + 1 < g->o.max_attempts)
			graph_backoff(&g->o, n, g->retry_after);
	}
	if (rc < 0 && err->retry)
		wa_err_prefix(err, "after %d tries", n < g->o.max_attempts ?
			      n + 1 : n);
	free(url);
	return rc;
}

int
graph_request(struct graph *g, const char *method, const char *path,
	      jv body, jv *resp, struct wa_err *err)
{
	jv dump = jv_invalid();
	int rc;

	if (jv_is_valid(body))
		dump = jv_dump_string(body, 0);
	else
		jv_free(body);
	rc = with_retries(g, method, path,
			  jv_is_valid(dump) ? jv_string_value(dump) : NULL,
			  NULL, resp, err);
	jv_free(dump);
	return rc;
}

int
graph_get(struct graph *g, const char *path, jv *resp, struct wa_err *err)
{
	return graph_request(g, "GET", path, jv_invalid(), resp, err);
}

int
graph_post(struct graph *g, const char *path, jv body, jv *resp,
	   struct wa_err *err)
{
	return graph_request(g, "POST", path, body, resp, err);
}

int
graph_delete(struct graph *g, const char *path, jv *resp,
	     struct wa_err *err)
{
	return graph_request(g, "DELETE", path, jv_invalid(), resp, err);
}

int
graph_upload(struct graph *g, const char *path, const char *file,
	     const char *mime_type, jv *resp, struct wa_err *err)
{
	curl_mime *mime = curl_mime_init(g->h);
	curl_mimepart *part;
	int rc;

	part = curl_mime_addpart(mime);
	curl_mime_name(part, "messaging_product");
	curl_mime_data(part, "whatsapp", CURL_ZERO_TERMINATED);
	part = curl_mime_addpart(mime);
	curl_mime_name(part, "type");
	curl_mime_data(part, mime_type, CURL_ZERO_TERMINATED);
	part = curl_mime_addpart(mime);
	curl_mime_name(part, "file");
	if (curl_mime_filedata(part, file) != CURLE_OK) {
		curl_mime_free(mime);
		*resp = jv_invalid();
		return wa_err_set(err, WA_EX_REJECTED, "invalid_input",
				  "cannot read '%s'", file);
	}
	curl_mime_type(part, mime_type);
	rc = with_retries(g, "POST", path, NULL, mime, resp, err);
	curl_mime_free(mime);
	return rc;
}

char *
graph_escape(const char *s)
{
	char *e = curl_easy_escape(NULL, s, 0);
	char *r = xstrdup(e ? e : "");

	curl_free(e);
	return r;
}

int
graph_pages(struct graph *g, const char *path, int max_pages,
	    const char *what, int (*fn)(jv data, void *ctx), void *ctx,
	    int *pages, struct wa_err *err)
{
	struct strbuf at = STRBUF_INIT;
	jv resp, data, next;
	int n = 0, rc = 0;

	sb_adds(&at, path);
	while (rc == 0) {
		if (++n > max_pages) {
			rc = wa_err_set(err, WA_EX_UNAVAILABLE, "graph_error",
					"more than %d pages of %s", max_pages,
					what);
			break;
		}
		if (graph_get(g, sb_str(&at), &resp, err) < 0) {
			jv_free(resp);
			rc = -1;
			break;
		}
		data = jx_get(resp, "data");
		if (jv_get_kind(data) != JV_KIND_ARRAY) {
			jv_free(data);
			jv_free(resp);
			rc = wa_err_set(err, WA_EX_UNAVAILABLE, "graph_error",
					"Graph listed %s without \"data\"",
					what);
			break;
		}
		rc = fn(data, ctx);
		next = jx_path(resp, "paging", "next", NULL);
		jv_free(resp);
		if (rc == 0 && jv_get_kind(next) == JV_KIND_STRING &&
		    strcmp(jv_string_value(next), sb_str(&at)) != 0) {
			sb_reset(&at);
			sb_adds(&at, jv_string_value(next));
		} else if (rc == 0)
			rc = 2;		/* the last page */
		jv_free(next);
	}
	sb_release(&at);
	if (pages)
		*pages = n;
	return rc == 2 ? 0 : rc;
}
