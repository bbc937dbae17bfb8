/* SPDX-License-Identifier: MIT */
/* The transfers of a multi handle: started at the rate cap and the pair pace, retried with backoff, completed. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "graph_multi.h"
#include "graph_multi_int.h"
#include "util.h"

/* Refills p and says whether a start may take a token now. */
static int
pair_ready(struct graph_multi *m, struct gm_pair *p, int64_t now)
{
	double iv = (double)m->o.pair_interval_ms * 1000.0;

	if (iv <= 0)
		return 1;
	p->tokens += (double)(now - p->last) / iv;
	if (p->tokens > m->o.pair_burst)
		p->tokens = m->o.pair_burst;
	p->last = now;
	return p->tokens >= 1.0;
}

static size_t
on_body(char *p, size_t size, size_t n, void *ctx)
{
	struct gm_req *r = ctx;

	return graph_take_body(&r->body, p, size * n, GM_MAX_BODY,
			       &r->too_big);
}

static size_t
on_header(char *p, size_t size, size_t n, void *ctx)
{
	struct gm_req *r = ctx;
	long ra = graph_retry_after(p, size * n);

	if (ra >= 0)
		r->retry_after = ra;
	return size * n;
}

/* Builds the multipart form of an upload, as graph_upload does. */
static int
make_form(struct gm_req *r)
{
	curl_mimepart *part;

	r->form = curl_mime_init(r->h);
	part = curl_mime_addpart(r->form);
	curl_mime_name(part, "messaging_product");
	curl_mime_data(part, "whatsapp", CURL_ZERO_TERMINATED);
	part = curl_mime_addpart(r->form);
	curl_mime_name(part, "type");
	curl_mime_data(part, r->mime, CURL_ZERO_TERMINATED);
	part = curl_mime_addpart(r->form);
	curl_mime_name(part, "file");
	if (curl_mime_filedata(part, r->file) != CURLE_OK)
		return -1;
	curl_mime_type(part, r->mime);
	return 0;
}

static void finish(struct graph_multi *m, struct gm_req *r, int rc, jv resp,
		   const struct wa_err *err);

struct gm_prereq {
	struct graph_multi *m;
	struct gm_req *r;
};

/* The request is about to go out on its connection: its real send time
 * goes into the ring (a slow connect must not bunch sends together). */
static void
mark_sent(struct graph_multi *m, struct gm_req *r)
{
	if (r->slot >= 0 && m->ring[r->slot] == GM_PENDING)
		m->ring[r->slot] = mono_us();
}

static int
on_prereq(void *ctx, char *conn_primary_ip, char *conn_local_ip,
	  int conn_primary_port, int conn_local_port)
{
	struct gm_req *r = ctx;

	(void)conn_primary_ip;
	(void)conn_local_ip;
	(void)conn_primary_port;
	(void)conn_local_port;
	mark_sent(r->m, r);
	return CURL_PREREQFUNC_OK;
}

static void
start(struct graph_multi *m, struct gm_req *r, int slot)
{
	struct wa_err err;
	CURL *h;

	h = m->nidle ? m->idle[--m->nidle] : curl_easy_init();
	if (!h)
		abort();
	curl_easy_reset(h);
	r->h = h;
	r->slot = -1;
	gm_list_add(&m->run, r);
	graph_setup_easy(m->g, h, r->errbuf);
	r->hdrs = graph_headers(m->g, r->payload != NULL);
	curl_easy_setopt(h, CURLOPT_URL, r->url);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, r->hdrs);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, r);
	curl_easy_setopt(h, CURLOPT_PRIVATE, r);
	if (r->payload) {
		graph_body_setup(h, &r->sent, r->payload, strlen(r->payload));
	} else if (make_form(r) < 0) {
		gm_end_transfer(m, r);
		wa_err_set(&err, WA_EX_REJECTED, "invalid_input",
			   "cannot read '%s'", r->file);
		finish(m, r, -1, jv_invalid(), &err);
		return;
	} else {
		curl_easy_setopt(h, CURLOPT_MIMEPOST, r->form);
	}
	sb_reset(&r->body);
	r->retry_after = -1;
	r->too_big = 0;
	r->errbuf[0] = '\0';
	r->attempts++;
	r->m = m;
	r->slot = slot;
	m->ring[slot] = GM_PENDING;
	m->ring_pos = (slot + 1) % m->o.rate;
	curl_easy_setopt(h, CURLOPT_PREREQFUNCTION, on_prereq);
	curl_easy_setopt(h, CURLOPT_PREREQDATA, r);
	if (r->pair)
		r->pair->tokens -= 1.0;
	curl_multi_add_handle(m->multi, h);
}

/* The rate gate: a ring slot whose send is at least a second old, or -1
 * with *wait the us until one may be.  Started-but-unsent requests count
 * as sending now. */
static int
rate_slot(struct graph_multi *m, int64_t now, int64_t *wait)
{
	int64_t w = GM_WINDOW, t;
	int i, k;

	for (i = 0; i < m->o.rate; i++) {
		k = (m->ring_pos + i) % m->o.rate;
		t = m->ring[k];
		if (t != GM_PENDING && now - t >= GM_WINDOW)
			break;
		if (t != GM_PENDING && GM_WINDOW - (now - t) < w)
			w = GM_WINDOW - (now - t);
	}
	if (i < m->o.rate) {
		/* up to a tick early: one wake starts a few requests */
		*wait = m->next_slot - GM_TICK > now ?
			m->next_slot - GM_TICK - now : 0;
		return *wait ? -1 : k;
	}
	*wait = w > 0 ? w : 1000;
	return -1;
}

/* Starts what the gates allow; returns us until the next start may be
 * possible (-1 when nothing waits on time). */
static int64_t
start_ready(struct graph_multi *m)
{
	int64_t now = mono_us(), wait = -1, w;
	int64_t catchup = m->interval < GM_CATCHUP ? GM_CATCHUP : m->interval;
	struct gm_req *r, *next;
	int slot;

	for (r = m->wait.head; r && m->run.n < m->o.max_conns; r = next) {
		next = r->next;
		if (r->not_before > now) {
			w = r->not_before - now;
			wait = wait < 0 || w < wait ? w : wait;
			continue;
		}
		if (r->pair && !pair_ready(m, r->pair, now)) {
			w = (int64_t)((1.0 - r->pair->tokens) *
				      (double)m->o.pair_interval_ms * 1000.0) + 1;
			wait = wait < 0 || w < wait ? w : wait;
			continue;
		}
		if ((slot = rate_slot(m, now, &w)) < 0) {
			wait = wait < 0 || w < wait ? w : wait;
			break;
		}
		/* Even spacing, with a little catch-up after a late wake. */
		if (m->next_slot == 0)
			m->next_slot = now;	/* no burst at the start */
		else if (m->next_slot < now - catchup)
			m->next_slot = now - catchup;
		m->next_slot += m->interval;
		gm_list_del(&m->wait, r);
		start(m, r, slot);
		now = mono_us();
	}
	return wait;
}

static unsigned long
jitter(struct graph_multi *m)
{
	m->seed ^= m->seed << 13;
	m->seed ^= m->seed >> 7;
	m->seed ^= m->seed << 17;
	return m->seed;
}

static int64_t
backoff_us(struct graph_multi *m, int n, long retry_after)
{
	const struct graph_opts *o = graph_options(m->g);
	long ms;

	if (retry_after >= 0) {
		ms = retry_after * 1000;
	} else {
		ms = o->backoff_ms << (n < 16 ? n : 16);
		if (ms > 1)
			ms = ms / 2 + (long)(jitter(m) % (unsigned long)(ms / 2 + 1));
	}
	if (ms > o->max_backoff_ms)
		ms = o->max_backoff_ms;
	return (int64_t)ms * 1000;
}

static void
finish(struct graph_multi *m, struct gm_req *r, int rc, jv resp,
       const struct wa_err *err)
{
	r->done(r->ctx, rc, resp, err);
	gm_req_free(r);
}

static void
completed(struct graph_multi *m, CURL *h, CURLcode rc)
{
	struct gm_req *r = NULL;
	long status = 0, reqsize = 0;
	struct wa_err err;
	jv body;

	curl_easy_getinfo(h, CURLINFO_PRIVATE, (char **)&r);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_getinfo(h, CURLINFO_REQUEST_SIZE, &reqsize);
	mark_sent(m, r);
	gm_end_transfer(m, r);
	body = r->body.len ? jv_parse_sized(r->body.buf, (int)r->body.len) :
	       jv_null();
	if (!jv_is_valid(body)) {
		jv_free(body);
		body = jv_null();
	}
	wa_err_clear(&err);
	if (graph_classify(rc, reqsize > 0, r->payload == NULL, status, body,
			   &err) == 0) {
		finish(m, r, 0, body, NULL);
		return;
	}
	if (r->once)
		graph_once_check(&err, r->retry_after);
	if (err.retry && r->attempts < graph_options(m->g)->max_attempts) {
		jv_free(body);
		r->not_before = mono_us() + backoff_us(m, r->attempts - 1,
						      r->retry_after);
		gm_list_add(&m->wait, r);
		return;
	}
	if (err.retry)
		wa_err_prefix(&err, "after %d tries", r->attempts);
	finish(m, r, -1, body, &err);
}

int
graph_multi_run(struct graph_multi *m, int timeout_ms)
{
	int64_t wait, gap = m->last_round + GM_TICK - mono_us();
	int still, left, ms, started = m->run.n;
	CURLMsg *msg;

	/* A round per tick at most while transfers run: answers that come
	 * meanwhile are handled (and recorded by the caller) together. */
	if (timeout_ms > 0 && m->run.n && gap > 0) {
		struct timespec ts = { 0, 0 };

		if (gap > (int64_t)timeout_ms * 1000)
			gap = (int64_t)timeout_ms * 1000;
		ts.tv_nsec = (long)gap * 1000;
		nanosleep(&ts, NULL);
	}
	m->last_round = mono_us();
	wait = start_ready(m);
	if (m->run.n != started)
		curl_multi_perform(m->multi, &still);
	/* Round up: a sub-millisecond wait must not become a busy loop. */
	ms = timeout_ms;
	if (wait >= 0 && (wait + 999) / 1000 < ms)
		ms = (int)((wait + 999) / 1000);
	if (m->run.n)
		curl_multi_poll(m->multi, NULL, 0, ms, NULL);
	else if (ms > 0 && m->wait.n) {
		struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

		nanosleep(&ts, NULL);
	}
	curl_multi_perform(m->multi, &still);
	while ((msg = curl_multi_info_read(m->multi, &left)))
		if (msg->msg == CURLMSG_DONE)
			completed(m, msg->easy_handle, msg->data.result);
	return graph_multi_pending(m);
}

void
graph_multi_cancel(struct graph_multi *m, const struct wa_err *err)
{
	struct gm_req *r;

	while ((r = m->wait.head)) {
		gm_list_del(&m->wait, r);
		finish(m, r, -1, jv_invalid(), err);
	}
}
