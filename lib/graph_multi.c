/* SPDX-License-Identifier: MIT */
/* Concurrent Graph requests on one curl multi handle: rate cap, pair pacing, retries. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include "graph_multi.h"
#include "jsonl.h"
#include "util.h"

#define GM_MAX_BODY (1L << 20)	/* message answers are tiny */
#define GM_PAIR_BUCKETS 4096
#define GM_PENDING INT64_MAX	/* a ring slot whose request is not sent */
/* The rate window, with a margin for the time a request takes from our
 * send to the server's clock. */
#define GM_WINDOW 1015000
#define GM_CATCHUP 100000	/* us of missed slots a late wake may use */
/* Starts due within a tick go out together: a wake (poll over every
 * socket, curl_multi_perform) per request cost more CPU than the
 * requests themselves at 1000/s.  The ring still caps every second. */
#define GM_TICK 4000

struct gm_req {
	struct gm_req *next, *prev;	/* queue links while waiting */
	char *url;			/* owned */
	char *payload;			/* owned JSON body, NULL for upload */
	struct graph_body sent;		/* payload as libcurl reads it */
	char *file, *mime;		/* owned, upload only */
	struct gm_pair *pair;		/* pacing bucket or NULL */
	int attempts;			/* tries started so far */
	int once;			/* a send: graph_once_check */
	int slot;			/* its rate ring slot, -1 none */
	int64_t not_before;		/* monotonic us; backoff */
	graph_multi_done_fn done;
	void *ctx;
	struct graph_multi *m;		/* owner, for callbacks */
	/* while running: */
	CURL *h;
	curl_mime *form;
	struct curl_slist *hdrs;
	struct strbuf body;
	long retry_after;		/* seconds, -1 none */
	int too_big;
	char errbuf[CURL_ERROR_SIZE];
};

struct gm_list {
	struct gm_req *head, *tail;
	int n;
};

struct gm_pair {
	struct gm_pair *next;	/* hash chain */
	char *key;
	double tokens;		/* starts available now */
	int64_t last;		/* us of the last refill */
};

struct graph_multi {
	struct graph *g;		/* borrowed */
	struct graph_multi_opts o;
	CURLM *multi;
	CURL **idle;			/* easy handles ready for reuse */
	int nidle;			/* of idle */
	struct gm_list wait;		/* queued, in order */
	struct gm_list run;		/* transfers in progress */
	int64_t *ring;			/* send times of the last `rate`
					 * requests, us; GM_PENDING while
					 * started but not yet sent */
	int ring_pos;			/* where the next search starts */
	int64_t next_slot;		/* even spacing of starts, us */
	int64_t interval;		/* us between starts */
	struct gm_pair *pairs[GM_PAIR_BUCKETS];
	unsigned long seed;		/* jitter */
	int64_t last_round;		/* us, start of the last waiting run */
};

int
graph_multi_new(struct graph_multi **out, struct graph *g,
		const struct graph_multi_opts *opts, struct wa_err *err)
{
	struct graph_multi *m = xcalloc(1, sizeof(*m));
	int i;

	m->g = g;
	m->o = *opts;
	if (m->o.rate < 1)
		m->o.rate = 1;
	if (m->o.max_conns < 1)
		m->o.max_conns = 1;
	if (m->o.pair_burst < 1)
		m->o.pair_burst = 1;
	m->multi = curl_multi_init();
	if (!m->multi) {
		free(m);
		*out = NULL;
		return wa_err_set(err, WA_EX_UNAVAILABLE, "network",
				  "cannot start libcurl");
	}
	curl_multi_setopt(m->multi, CURLMOPT_MAXCONNECTS,
			  (long)m->o.max_conns);
	m->idle = xcalloc((size_t)m->o.max_conns, sizeof(*m->idle));
	m->ring = xcalloc((size_t)m->o.rate, sizeof(*m->ring));
	for (i = 0; i < m->o.rate; i++)
		m->ring[i] = INT64_MIN / 2;
	/* A steady 1.5% under the cap: timer jitter then never pushes a
	 * 1-second window over it, and the ring still enforces it. */
	m->interval = (int64_t)(1000000.0 / (m->o.rate * 0.985));
	m->seed = (unsigned long)mono_us() ^ ((unsigned long)getpid() << 16);
	*out = m;
	return 0;
}

static void
req_free(struct gm_req *r)
{
	free(r->url);
	free(r->payload);
	free(r->file);
	free(r->mime);
	sb_release(&r->body);
	free(r);
}

static void
list_del(struct gm_list *l, struct gm_req *r)
{
	if (r->prev)
		r->prev->next = r->next;
	else
		l->head = r->next;
	if (r->next)
		r->next->prev = r->prev;
	else
		l->tail = r->prev;
	r->next = r->prev = NULL;
	l->n--;
}

static void
list_add(struct gm_list *l, struct gm_req *r)
{
	r->prev = l->tail;
	r->next = NULL;
	if (l->tail)
		l->tail->next = r;
	else
		l->head = r;
	l->tail = r;
	l->n++;
}

static void
end_transfer(struct graph_multi *m, struct gm_req *r)
{
	curl_multi_remove_handle(m->multi, r->h);
	curl_slist_free_all(r->hdrs);
	r->hdrs = NULL;
	if (r->form)
		curl_mime_free(r->form);
	r->form = NULL;
	m->idle[m->nidle++] = r->h;
	r->h = NULL;
	list_del(&m->run, r);
}

void
graph_multi_free(struct graph_multi *m)
{
	struct gm_req *r;
	size_t i;

	if (!m)
		return;
	while ((r = m->wait.head)) {
		list_del(&m->wait, r);
		req_free(r);
	}
	while ((r = m->run.head)) {
		end_transfer(m, r);
		req_free(r);
	}
	for (i = 0; i < (size_t)m->nidle; i++)
		curl_easy_cleanup(m->idle[i]);
	for (i = 0; i < GM_PAIR_BUCKETS; i++) {
		struct gm_pair *p, *n;

		for (p = m->pairs[i]; p; p = n) {
			n = p->next;
			free(p->key);
			free(p);
		}
	}
	curl_multi_cleanup(m->multi);
	free(m->idle);
	free(m->ring);
	free(m);
}

static struct gm_pair *
pair_get(struct graph_multi *m, const char *key)
{
	unsigned long hsh = 5381;
	const char *c;
	struct gm_pair *p;

	for (c = key; *c; c++)
		hsh = hsh * 33 + (unsigned char)*c;
	hsh %= GM_PAIR_BUCKETS;
	for (p = m->pairs[hsh]; p; p = p->next)
		if (strcmp(p->key, key) == 0)
			return p;
	p = xcalloc(1, sizeof(*p));
	p->key = xstrdup(key);
	p->tokens = m->o.pair_burst;
	p->last = mono_us();
	p->next = m->pairs[hsh];
	m->pairs[hsh] = p;
	return p;
}

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

static void
queue_new(struct graph_multi *m, struct gm_req *r, const char *path,
	  const char *pair_key, graph_multi_done_fn done, void *ctx)
{
	r->url = graph_url(m->g, path);
	r->pair = pair_key ? pair_get(m, pair_key) : NULL;
	r->done = done;
	r->ctx = ctx;
	r->m = m;
	r->slot = -1;
	r->retry_after = -1;
	list_add(&m->wait, r);
}

void
graph_multi_post(struct graph_multi *m, const char *path, jv body,
		 const char *pair_key, graph_multi_done_fn done, void *ctx)
{
	struct strbuf sb = STRBUF_INIT;

	jsonl_dump(&sb, body);
	jv_free(body);
	graph_multi_post_raw(m, path, sb_detach(&sb), pair_key, done, ctx);
}

static void
post(struct graph_multi *m, const char *path, char *payload, int once,
     const char *pair_key, graph_multi_done_fn done, void *ctx)
{
	struct gm_req *r = xcalloc(1, sizeof(*r));

	r->payload = payload;
	r->once = once;
	queue_new(m, r, path, pair_key, done, ctx);
}

void
graph_multi_post_raw(struct graph_multi *m, const char *path, char *payload,
		     const char *pair_key, graph_multi_done_fn done,
		     void *ctx)
{
	post(m, path, payload, 0, pair_key, done, ctx);
}

void
graph_multi_post_once(struct graph_multi *m, const char *path, char *payload,
		      const char *pair_key, graph_multi_done_fn done,
		      void *ctx)
{
	post(m, path, payload, 1, pair_key, done, ctx);
}

void
graph_multi_upload(struct graph_multi *m, const char *path, const char *file,
		   const char *mime, graph_multi_done_fn done, void *ctx)
{
	struct gm_req *r = xcalloc(1, sizeof(*r));

	r->file = xstrdup(file);
	r->mime = xstrdup(mime);
	queue_new(m, r, path, NULL, done, ctx);
}

int
graph_multi_pending(const struct graph_multi *m)
{
	return m->wait.n + m->run.n;
}

int
graph_multi_waiting(const struct graph_multi *m)
{
	return m->wait.n;
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
	list_add(&m->run, r);
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
		end_transfer(m, r);
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
		list_del(&m->wait, r);
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
	req_free(r);
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
	end_transfer(m, r);
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
		list_add(&m->wait, r);
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
		list_del(&m->wait, r);
		finish(m, r, -1, jv_invalid(), err);
	}
}
