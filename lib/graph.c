/* SPDX-License-Identifier: MIT */
/* Graph API client on libcurl: the handle, its options, backoff, Meta's error mapping (requests: graph_request.c). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include "graph.h"
#include "graph_int.h"
#include "jsonl.h"
#include "util.h"

/* libcurl is loaded, and curl_global_init run, on the first curl call
 * (lib/curl_lazy.c); these keep main's shape and clean up only then. */
void
graph_global_init(void)
{
}

void
graph_global_cleanup(void)
{
	if (curl_lazy_loaded())
		curl_global_cleanup();
}

void
graph_opts_default(struct graph_opts *o, const struct wa_config *cfg)
{
	o->max_attempts = (int)cfg->graph_retries;
	o->backoff_ms = cfg->graph_backoff_ms;
	o->max_backoff_ms = 30000;
	o->connect_timeout_ms = 10000;
	o->timeout_ms = cfg->graph_timeout_ms;
}

int
graph_open(struct graph **out, const struct wa_config *cfg,
	   const struct graph_opts *opts, struct wa_err *err)
{
	struct graph *g;

	*out = NULL;
	if (config_need_token(cfg, err) < 0)
		return -1;
	g = xcalloc(1, sizeof(*g));
	g->cfg = cfg;
	if (opts)
		g->o = *opts;
	else
		graph_opts_default(&g->o, cfg);
	g->loopback = cfg->graph_loopback;
	g->h = curl_easy_init();
	if (!g->h) {
		free(g);
		return wa_err_set(err, WA_EX_UNAVAILABLE, "network",
				  "cannot start libcurl");
	}
	*out = g;
	return 0;
}

void
graph_close(struct graph *g)
{
	if (!g)
		return;
	curl_easy_cleanup(g->h);
	sb_release(&g->body);
	free(g);
}

const struct graph_opts *
graph_options(struct graph *g)
{
	return &g->o;
}

char *
graph_url(struct graph *g, const char *path)
{
	struct strbuf sb = STRBUF_INIT;

	if (strncmp(path, "http://", 7) == 0 ||
	    strncmp(path, "https://", 8) == 0)
		return xstrdup(path);
	sb_adds(&sb, g->cfg->graph_url);
	if (path[0] != '/')
		sb_adds(&sb, "/");
	sb_adds(&sb, path);
	return sb_detach(&sb);
}

struct curl_slist *
graph_headers(struct graph *g, int json)
{
	struct curl_slist *l = NULL;
	struct strbuf sb = STRBUF_INIT;

	sb_addf(&sb, "Authorization: Bearer %s", g->cfg->token);
	l = curl_slist_append(l, sb.buf);
	memset(sb.buf, 0, sb.len);
	sb_release(&sb);
	if (json)
		l = curl_slist_append(l, "Content-Type: application/json");
	l = curl_slist_append(l, "Expect:");
	return l;
}

void
graph_setup_easy(struct graph *g, CURL *h, char *errbuf)
{
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, g->o.connect_timeout_ms);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, g->o.timeout_ms);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "wa/" WA_VERSION);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR,
			 g->loopback ? "http,https" : "https");
	curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR,
			 g->loopback ? "http,https" : "https");
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
}

size_t
graph_take_body(struct strbuf *sb, const char *p, size_t n, size_t cap,
		int *too_big)
{
	if (sb->len + n > cap) {
		*too_big = 1;
		return 0;	/* libcurl stops the transfer */
	}
	sb_add(sb, p, n);
	return n;
}

long
graph_retry_after(const char *p, size_t len)
{
	size_t i = 12, j = 0;
	long long v;
	char buf[32];

	if (len <= 12 || strncasecmp(p, "Retry-After:", 12) != 0)
		return -1;
	while (i < len && isspace((unsigned char)p[i]))
		i++;
	while (i < len && j + 1 < sizeof(buf) && isdigit((unsigned char)p[i]))
		buf[j++] = p[i++];
	buf[j] = '\0';
	return parse_int(buf, 0, 86400, &v) == 0 ? (long)v : -1;
}

static unsigned long
jitter_seed(void)
{
	static unsigned long x;

	if (!x)
		x = (unsigned long)time(NULL) ^ ((unsigned long)getpid() << 16);
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return x;
}

void
graph_backoff(const struct graph_opts *o, int n, long retry_after)
{
	long ms;
	struct timespec ts;

	if (retry_after >= 0) {
		ms = retry_after * 1000;
	} else {
		ms = o->backoff_ms << (n < 16 ? n : 16);
		/* full jitter on the upper half keeps clients apart */
		if (ms > 1)
			ms = ms / 2 + (long)(jitter_seed() % (unsigned long)(ms / 2 + 1));
	}
	if (ms > o->max_backoff_ms)
		ms = o->max_backoff_ms;
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) < 0)
		;
}

static const struct code_map {
	long lo, hi;		/* Meta's codes, inclusive range */
	const char *code;	/* our stable code */
	const char *action;
	int sysexit;
	int retry;
} code_map[] = {
	{ 0, 0, "auth", "admin", WA_EX_NOPERM, 0 },
	{ 190, 190, "auth", "admin", WA_EX_NOPERM, 0 },
	{ 102, 102, "auth", "admin", WA_EX_NOPERM, 0 },
	{ 3, 3, "auth", "admin", WA_EX_NOPERM, 0 },
	{ 10, 10, "auth", "admin", WA_EX_NOPERM, 0 },
	{ 200, 299, "auth", "admin", WA_EX_NOPERM, 0 },
	{ 4, 4, "rate_limited", "retry", WA_EX_TEMPFAIL, 1 },
	{ 613, 613, "rate_limited", "retry", WA_EX_TEMPFAIL, 1 },
	{ 80007, 80008, "rate_limited", "retry", WA_EX_TEMPFAIL, 1 },
	{ 130429, 130429, "rate_limited", "retry", WA_EX_TEMPFAIL, 1 },
	{ 131056, 131056, "rate_limited", "retry", WA_EX_TEMPFAIL, 1 },
	{ 1, 2, "graph_error", "retry", WA_EX_UNAVAILABLE, 1 },
	{ 131000, 131000, "graph_error", "retry", WA_EX_UNAVAILABLE, 1 },
	{ 131016, 131016, "graph_error", "retry", WA_EX_UNAVAILABLE, 1 },
	{ 131057, 131057, "graph_error", "retry", WA_EX_UNAVAILABLE, 1 },
	{ 133004, 133004, "graph_error", "retry", WA_EX_UNAVAILABLE, 1 },
	{ 131047, 131047, "window_closed", "use_template", WA_EX_REJECTED, 0 },
	{ 132001, 132001, "template_not_found", "fix_input", WA_EX_REJECTED, 0 },
	{ 132000, 132000, "template_params", "fix_input", WA_EX_REJECTED, 0 },
	{ 132005, 132008, "template_params", "fix_input", WA_EX_REJECTED, 0 },
	{ 132012, 132012, "template_params", "fix_input", WA_EX_REJECTED, 0 },
	{ 132015, 132016, "template_not_approved", "fix_input", WA_EX_REJECTED, 0 },
	{ 131053, 131053, "media_type", "fix_input", WA_EX_REJECTED, 0 },
	{ 131026, 131026, "graph_error", "never", WA_EX_REJECTED, 0 },
	{ 131049, 131050, "graph_error", "never", WA_EX_REJECTED, 0 },
	{ 131048, 131048, "graph_error", "admin", WA_EX_REJECTED, 0 },
	{ 368, 368, "graph_error", "admin", WA_EX_REJECTED, 0 },
	{ 131005, 131005, "auth", "admin", WA_EX_NOPERM, 0 },
	{ 131031, 131031, "graph_error", "admin", WA_EX_REJECTED, 0 },
	{ 131037, 131037, "graph_error", "admin", WA_EX_REJECTED, 0 },
	{ 131042, 131042, "graph_error", "admin", WA_EX_REJECTED, 0 },
	{ 131045, 131045, "graph_error", "admin", WA_EX_REJECTED, 0 },
	{ 131063, 131064, "graph_error", "admin", WA_EX_REJECTED, 0 },
	{ 130497, 130497, "graph_error", "admin", WA_EX_REJECTED, 0 },
};

void
graph_map_code(long graph_code, long http_status, struct wa_err *err)
{
	size_t i;

	for (i = 0; i < sizeof(code_map) / sizeof(code_map[0]); i++) {
		const struct code_map *m = &code_map[i];

		if (graph_code >= m->lo && graph_code <= m->hi &&
		    (graph_code != 0 || http_status == 401)) {
			snprintf(err->code, sizeof(err->code), "%s", m->code);
			err->action = m->action;
			err->sysexit = m->sysexit;
			err->retry = m->retry;
			return;
		}
	}
	if (http_status == 429) {
		snprintf(err->code, sizeof(err->code), "rate_limited");
		err->action = "retry";
		err->sysexit = WA_EX_TEMPFAIL;
		err->retry = 1;
	} else if (http_status >= 500) {
		snprintf(err->code, sizeof(err->code), "graph_error");
		err->action = "retry";
		err->sysexit = WA_EX_UNAVAILABLE;
		err->retry = 1;
	} else if (http_status == 401 || http_status == 403) {
		snprintf(err->code, sizeof(err->code), "auth");
		err->action = "admin";
		err->sysexit = WA_EX_NOPERM;
		err->retry = 0;
	} else {
		snprintf(err->code, sizeof(err->code), "graph_error");
		err->action = "fix_input";
		err->sysexit = WA_EX_REJECTED;
		err->retry = 0;
	}
}

/* Fills err from Meta's envelope {"error":{...}} in body (borrowed). */
static void
map_envelope(long http_status, jv body, struct wa_err *err)
{
	jv e = jx_get(body, "error");
	const char *msg = jx_cstr(e, "message");
	const char *details = NULL;
	jv data = jx_get(e, "error_data");
	int64_t code = 0, sub = 0;
	int transient = 0;
	struct wa_err ignore;

	details = jx_cstr(data, "details");
	if (!details)
		details = jx_cstr(e, "error_user_msg");
	jx_intish(e, "code", &code);
	jx_intish(e, "error_subcode", &sub);
	jx_bool(e, "is_transient", &transient, &ignore);
	wa_err_clear(err);
	err->graph_code = (long)code;
	err->graph_subcode = (long)sub;
	err->http_status = http_status;
	graph_map_code((long)code, http_status, err);
	if (code == 100 && sub == 2593002) {
		snprintf(err->code, sizeof(err->code), "template_not_found");
		err->action = "fix_input";
	}
	if (transient && !err->retry) {
		err->retry = 1;
		err->action = "retry";
	}
	if (msg && details && !strstr(msg, details))
		snprintf(err->message, sizeof(err->message),
			 "Graph API error %lld: %s: %s", (long long)code, msg,
			 details);
	else if (msg)
		snprintf(err->message, sizeof(err->message),
			 "Graph API error %lld: %s", (long long)code, msg);
	else
		snprintf(err->message, sizeof(err->message),
			 "Graph API answered HTTP %ld", http_status);
	jv_free(data);
	jv_free(e);
}

int
graph_classify(CURLcode rc, int request_sent, int idempotent,
	       long http_status, jv body, struct wa_err *err)
{
	if (rc != CURLE_OK) {
		/* libcurl wanted to resend a body that had gone out */
		int unknown = rc == CURLE_SEND_FAIL_REWIND ||
			(request_sent && !idempotent &&
			 rc != CURLE_COULDNT_CONNECT &&
			 rc != CURLE_COULDNT_RESOLVE_HOST &&
			 rc != CURLE_SSL_CONNECT_ERROR);

		if (unknown) {
			wa_err_set(err, WA_EX_REJECTED, "ambiguous",
				   "no answer after the request was sent (%s): "
				   "it may or may not have reached Meta; not "
				   "resent", curl_easy_strerror(rc));
			err->action = "never";
			err->retry = 0;
		} else {
			wa_err_set(err, WA_EX_UNAVAILABLE, "network",
				   "Graph API unreachable: %s",
				   curl_easy_strerror(rc));
			err->retry = 1;
		}
		return -1;
	}
	if (http_status >= 200 && http_status < 300)
		return 0;
	map_envelope(http_status, body, err);
	return -1;
}

void
graph_once_check(struct wa_err *err, long retry_after)
{
	if (!err->retry || strcmp(err->code, "network") == 0 ||
	    strcmp(err->code, "rate_limited") == 0 ||
	    (err->http_status == 503 && retry_after >= 0))
		return;
	/* a 500 from a proxy or from Meta's own back end can follow the
	 * send: only Meta knows whether the message went out */
	wa_err_prefix(err, "HTTP %ld, which may come after Meta processed "
		      "the request; not resent", err->http_status);
	snprintf(err->code, sizeof(err->code), "ambiguous");
	err->action = "never";
	err->retry = 0;
	err->sysexit = WA_EX_REJECTED;
}
