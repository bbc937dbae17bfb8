/* SPDX-License-Identifier: MIT */
/* Concurrent Graph requests on one curl multi handle: the queue, pair buckets (transfers: graph_multi_run.c). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "graph_multi.h"
#include "graph_multi_int.h"
#include "jsonl.h"
#include "util.h"

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

void
gm_req_free(struct gm_req *r)
{
	free(r->url);
	free(r->payload);
	free(r->file);
	free(r->mime);
	sb_release(&r->body);
	free(r);
}

void
gm_list_del(struct gm_list *l, struct gm_req *r)
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

void
gm_list_add(struct gm_list *l, struct gm_req *r)
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

void
gm_end_transfer(struct graph_multi *m, struct gm_req *r)
{
	curl_multi_remove_handle(m->multi, r->h);
	curl_slist_free_all(r->hdrs);
	r->hdrs = NULL;
	if (r->form)
		curl_mime_free(r->form);
	r->form = NULL;
	m->idle[m->nidle++] = r->h;
	r->h = NULL;
	gm_list_del(&m->run, r);
}

void
graph_multi_free(struct graph_multi *m)
{
	struct gm_req *r;
	size_t i;

	if (!m)
		return;
	while ((r = m->wait.head)) {
		gm_list_del(&m->wait, r);
		gm_req_free(r);
	}
	while ((r = m->run.head)) {
		gm_end_transfer(m, r);
		gm_req_free(r);
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
	gm_list_add(&m->wait, r);
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
