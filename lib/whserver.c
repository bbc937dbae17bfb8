/* SPDX-License-Identifier: MIT */
/* The webhook HTTP server: handshake, signature check, one writer thread committing in groups. */
#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/prctl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sqlite3.h>
#include <openssl/crypto.h>
#include "mhd_lazy.h"
#include "signature.h"
#include "util.h"
#include "whserver.h"

/*
 * Threads: libmicrohttpd's pool reads requests and checks signatures in
 * parallel; a signed body goes to prepare, is queued and its connection
 * suspended. The one writer thread takes everything queued and hands it
 * to the batch callback (one transaction), then passes the group to the
 * syncer and takes the next group at once. The syncer makes every group
 * committed so far durable with one sync callback and only then resumes
 * their connections, which answer 200 (or 500 if the commit or the sync
 * failed). So every 200 follows a durable commit, 64 concurrent
 * deliveries cost one commit, not 64, and the next group is applied
 * while the last one's sync waits for the disk.
 */

#define WHS_QUEUE_BYTES ((size_t)256 << 20)	/* queued bodies: 503 above */

/* A request starts ANSWERED (nothing more to do) unless it is a POST. */
enum req_state { REQ_ANSWERED, REQ_READING, REQ_QUEUED, REQ_DONE };

struct req {
	struct strbuf body;		/* raw bytes as received */
	void *payload;			/* what prepare made of them */
	size_t bytes;			/* their length, in queue_bytes */
	enum req_state state;
	unsigned status;		/* answer once REQ_DONE */
	int too_big;			/* body passed max_body: discard */
	int counted;			/* in s->suspended until answered */
	struct MHD_Connection *conn;	/* to resume */
	struct req *next;		/* queue link, then group link */
};

/* A group the writer committed, waiting for the sync that covers it. */
struct group {
	struct req *reqs;		/* linked by next */
	void *done;			/* for the after callback */
	struct group *next;
};

struct whserver {
	struct whserver_opts o;
	struct MHD_Daemon *d;
	unsigned port;
	pthread_t writer, syncer;
	pthread_mutex_t mu;		/* guards everything below */
	pthread_cond_t queued;		/* writer: work or quit */
	pthread_cond_t synced;		/* syncer: a group or quit */
	pthread_cond_t idle;		/* stop: active or suspended changed */
	struct req *head, *tail;	/* queued for the writer */
	struct group *ghead, *gtail;	/* committed, not yet synced */
	size_t queue_bytes;
	unsigned active;		/* requests between first call and completion */
	unsigned suspended;		/* queued or waiting to answer */
	int stopping;			/* refuse new requests (503) */
	int closing;			/* refuse to queue (503) */
	int quit;			/* writer: finish the queue and leave */
	int sync_quit;			/* syncer: the same, after the writer */
	int syncer_started;
	struct whserver_stats stats;
};

void
whserver_opts_default(struct whserver_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->path = "/webhook";
	o->max_body = WHSERVER_MAX_BODY_DEFAULT;
	o->threads = 4;
	o->max_batch = 1000;
	o->drain_ms = 10000;
}

/* ---- listening socket ---- */

static int
split_listen(const char *addr, char **host, char **port)
{
	const char *colon;

	if (addr[0] == '[') {
		const char *end = strchr(addr, ']');

		if (!end || end[1] != ':')
			return -1;
		*host = xstrndup(addr + 1, (size_t)(end - addr - 1));
		colon = end + 1;
	} else {
		colon = strrchr(addr, ':');
		if (!colon)
			return -1;
		*host = xstrndup(addr, (size_t)(colon - addr));
	}
	*port = xstrdup(colon + 1);
	return 0;
}

static int
listen_fail(struct wa_err *err, const char *addr, int e)
{
	int code = e == EADDRINUSE ? WA_EX_TEMPFAIL :
		   e == EACCES || e == EPERM ? WA_EX_NOPERM : WA_EX_CONFIG;

	return wa_err_set(err, code, code == WA_EX_TEMPFAIL ? "busy" :
			  code == WA_EX_NOPERM ? "auth" : "config",
			  "cannot listen on '%s': %s", addr, strerror(e));
}

static int
bind_first(struct addrinfo *ai, const char *addr, struct wa_err *err)
{
	int fd = -1, e = EADDRNOTAVAIL, one = 1;

	for (; ai; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
			    ai->ai_protocol);
		if (fd < 0) {
			e = errno;
			continue;
		}
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 &&
		    listen(fd, 1024) == 0)
			return fd;
		e = errno;
		close(fd);
		fd = -1;
	}
	return listen_fail(err, addr, e);
}

int
whserver_listen(const char *addr, struct wa_err *err)
{
	struct addrinfo hints, *ai = NULL;
	char *host = NULL, *port = NULL;
	long long pn;
	int rc, fd;

	if (split_listen(addr, &host, &port) < 0 ||
	    parse_int(port, 0, 65535, &pn) < 0) {
		free(host);
		free(port);
		return wa_err_set(err, WA_EX_USAGE, "invalid_input",
				  "'%s' is not ADDR:PORT", addr);
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	rc = getaddrinfo(*host && strcmp(host, "*") ? host : NULL, port,
			 &hints, &ai);
	free(host);
	free(port);
	if (rc != 0)
		return wa_err_set(err, WA_EX_CONFIG, "config",
				  "cannot listen on '%s': %s", addr,
				  gai_strerror(rc));
	fd = bind_first(ai, addr, err);
	freeaddrinfo(ai);
	return fd;
}

static unsigned
bound_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
		return 0;
	if (ss.ss_family == AF_INET6)
		return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	return ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

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

static const char *
peer(struct MHD_Connection *c, char *buf, size_t len)
{
	const union MHD_ConnectionInfo *ci;
	const struct sockaddr *sa;

	snprintf(buf, len, "?");
	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (!ci || !ci->client_addr)
		return buf;
	sa = ci->client_addr;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr,
			  buf, (socklen_t)len);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6,
			  &((const struct sockaddr_in6 *)sa)->sin6_addr, buf,
			  (socklen_t)len);
	return buf;
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
			      peer(c, addr, sizeof(addr)), status);
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

static int
declared_too_big(struct whserver *s, struct MHD_Connection *c)
{
	const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
		MHD_HTTP_HEADER_CONTENT_LENGTH);
	long long n;

	return cl && parse_int(cl, 0, INT64_MAX, &n) == 0 &&
	       (unsigned long long)n > s->o.max_body;
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

/* The whole body is in: check it and queue it for the writer. No MHD
 * call is made under s->mu, so MHD's own locks never nest inside it. */
static enum MHD_Result
deliver(struct whserver *s, struct MHD_Connection *c, struct req *r)
{
	const char *sig;
	struct wa_err err;
	int full;

	r->state = REQ_ANSWERED;
	if (r->too_big)
		return too_big(s, c);
	sig = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
					  "X-Hub-Signature-256");
	if (s->o.app_secret && signature_verify(s->o.app_secret, r->body.buf,
						r->body.len, sig, &err) < 0)
		return refuse(s, c, MHD_HTTP_UNAUTHORIZED, &err,
			      "bad signature\n");
	sb_add(&r->body, "", 0);	/* a NUL-terminated, non-NULL buffer */
	r->bytes = r->body.len;
	/* The body goes to prepare, here on the HTTP thread: the writer
	 * thread gets the work of the batch only. */
	r->payload = s->o.prepare(s->o.ctx, sb_detach(&r->body), r->bytes,
				  sig);
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
		return refuse(s, c, MHD_HTTP_SERVICE_UNAVAILABLE, NULL,
			      "busy, try again\n");
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
	if (strcmp(url, s->o.path) != 0)
		return refuse(s, c, MHD_HTTP_NOT_FOUND, NULL, "not found\n");
	if (strcmp(method, MHD_HTTP_METHOD_GET) == 0)
		return handshake(s, c);
	if (strcmp(method, MHD_HTTP_METHOD_POST) != 0)
		return refuse(s, c, MHD_HTTP_METHOD_NOT_ALLOWED, NULL,
			      "method not allowed\n");
	if (declared_too_big(s, c))
		return too_big(s, c);
	(*r)->state = REQ_READING;
	return MHD_YES;
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *c, const char *url,
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
			if (r->body.len + *size > s->o.max_body)
				r->too_big = 1;
			if (!r->too_big)
				sb_add(&r->body, data, *size);
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

static void
on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
	     enum MHD_RequestTerminationCode toe)
{
	struct whserver *s = cls;
	struct req *r = *con_cls;

	if (!r)
		return;
	*con_cls = NULL;
	/* A client that hung up while its delivery was being committed is
	 * never answered; it still must not hold up whserver_stop. MHD only
	 * gets here after the writer resumed it, so the writer is done
	 * with r. */
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

/* ---- the writer and the syncer ---- */

void
whserver_name_thread(const char *name)
{
	(void)prctl(PR_SET_NAME, name, 0, 0, 0);
}

/* Takes up to max_batch queued requests off the queue (s->mu held). */
static size_t
take(struct whserver *s, struct req **reqs, struct whserver_item *items)
{
	size_t n = 0;
	struct req *r;

	while (s->head && n < s->o.max_batch) {
		r = s->head;
		s->head = r->next;
		if (!s->head)
			s->tail = NULL;
		r->next = NULL;
		s->queue_bytes -= r->bytes;
		reqs[n] = r;
		items[n].payload = r->payload;
		items[n].stored = 0;
		n++;
	}
	return n;
}

/* Hands a committed group to the syncer (its requests linked by next). */
static void
committed(struct whserver *s, struct req **reqs, struct whserver_item *items,
	  size_t n, void *done)
{
	struct group *g = xcalloc(1, sizeof(*g));
	size_t i;

	for (i = 0; i < n; i++) {
		reqs[i]->status = items[i].stored ? MHD_HTTP_OK :
			MHD_HTTP_INTERNAL_SERVER_ERROR;
		reqs[i]->next = i + 1 < n ? reqs[i + 1] : NULL;
	}
	g->reqs = reqs[0];
	g->done = done;
	pthread_mutex_lock(&s->mu);
	if (s->gtail)
		s->gtail->next = g;
	else
		s->ghead = g;
	s->gtail = g;
	pthread_cond_signal(&s->synced);
	pthread_mutex_unlock(&s->mu);
}

/* Applies and commits group after group; it never waits for a sync, so
 * the next group is applied while the last one's commit reaches the
 * disk. */
static void *
writer_main(void *arg)
{
	struct whserver *s = arg;
	struct req **reqs = xcalloc(s->o.max_batch, sizeof(*reqs));
	struct whserver_item *items = xcalloc(s->o.max_batch, sizeof(*items));
	size_t n;
	void *done;

	whserver_name_thread("wa-writer");
	pthread_mutex_lock(&s->mu);
	for (;;) {
		while (!s->head && !s->quit)
			pthread_cond_wait(&s->queued, &s->mu);
		if (!s->head)
			break;
		n = take(s, reqs, items);
		pthread_mutex_unlock(&s->mu);
		done = s->o.batch(s->o.ctx, items, n);
		committed(s, reqs, items, n, done);
		pthread_mutex_lock(&s->mu);
	}
	pthread_mutex_unlock(&s->mu);
	free(reqs);
	free(items);
	return NULL;
}

/* Answers the requests of the groups in gs (stats counted) and hands
 * each group's done to after. */
static void
release_groups(struct whserver *s, struct group *gs)
{
	struct group *g;
	struct req *r, *next;

	while ((g = gs)) {
		gs = g->next;
		/* After the resume the request may be freed at any time. */
		for (r = g->reqs; r; r = next) {
			next = r->next;
			r->next = NULL;
			r->state = REQ_DONE;
			MHD_resume_connection(r->conn);
		}
		if (s->o.after)
			s->o.after(s->o.ctx, g->done);
		free(g);
	}
}

/* Makes the commits of everything in gs durable with one sync, and
 * counts the outcome. A failed sync turns its 200s into 500s: the rows
 * may not survive a power cut, so Meta must send them again (a stored
 * body is then a duplicate, answered 200 once synced). */
static void
sync_groups(struct whserver *s, struct group *gs)
{
	unsigned long ok = 0, failed = 0, groups = 0, most = 0, in;
	struct group *g;
	struct req *r;
	int bad;

	for (g = gs; g; g = g->next)
		for (r = g->reqs; r; r = r->next)
			ok += r->status == MHD_HTTP_OK;
	bad = ok && s->o.sync && s->o.sync(s->o.ctx) < 0;
	ok = 0;
	for (g = gs; g; g = g->next, groups++) {
		in = 0;
		for (r = g->reqs; r; r = r->next) {
			if (bad && r->status == MHD_HTTP_OK)
				r->status = MHD_HTTP_INTERNAL_SERVER_ERROR;
			if (r->status == MHD_HTTP_OK)
				in++;
			else
				failed++;
		}
		ok += in;
		if (in > most)
			most = in;
	}
	pthread_mutex_lock(&s->mu);
	s->stats.batches += groups;
	s->stats.accepted += ok;
	s->stats.failed += failed;
	if (most > s->stats.max_batch)
		s->stats.max_batch = most;
	pthread_mutex_unlock(&s->mu);
}

/* Syncs whatever the writer committed since the last sync, then answers
 * it: a 200 only ever follows the sync that covers its commit. */
static void *
syncer_main(void *arg)
{
	struct whserver *s = arg;
	struct group *gs;

	whserver_name_thread("wa-sync");
	pthread_mutex_lock(&s->mu);
	for (;;) {
		while (!s->ghead && !s->sync_quit)
			pthread_cond_wait(&s->synced, &s->mu);
		if (!s->ghead)
			break;
		gs = s->ghead;
		s->ghead = s->gtail = NULL;
		pthread_mutex_unlock(&s->mu);
		sync_groups(s, gs);
		release_groups(s, gs);
		pthread_mutex_lock(&s->mu);
	}
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

int
whserver_write_port(const struct whserver *s, const char *file,
		    struct wa_err *err)
{
	struct strbuf tmp = STRBUF_INIT;
	FILE *fp;
	int rc = -1;

	sb_addf(&tmp, "%s.tmp", file);
	if ((fp = fopen(tmp.buf, "w"))) {
		fprintf(fp, "%u\n", s->port);
		rc = fclose(fp) == 0 && rename(tmp.buf, file) == 0 ? 0 : -1;
	}
	if (rc < 0)
		wa_err_set(err, WA_EX_IOERR, "io", "cannot write '%s': %s",
			   file, strerror(errno));
	sb_release(&tmp);
	return rc;
}

/* ---- start and stop ---- */

/* The writer finishes its queue, then the syncer its groups. */
static void
stop_threads(struct whserver *s)
{
	pthread_mutex_lock(&s->mu);
	s->quit = 1;
	pthread_cond_signal(&s->queued);
	pthread_mutex_unlock(&s->mu);
	pthread_join(s->writer, NULL);
	pthread_mutex_lock(&s->mu);
	s->sync_quit = 1;
	pthread_cond_signal(&s->synced);
	pthread_mutex_unlock(&s->mu);
	if (s->syncer_started)
		pthread_join(s->syncer, NULL);
}

int
whserver_start(struct whserver **out, const struct whserver_opts *opts,
	       struct wa_err *err)
{
	struct whserver *s;
	int fd;

	*out = NULL;
	if (mhd_lazy_load(err) < 0)
		return -1;
	fd = whserver_listen(opts->listen, err);
	if (fd < 0)
		return -1;
	s = xcalloc(1, sizeof(*s));
	s->o = *opts;
	if (!s->o.max_batch)
		s->o.max_batch = 1000;
	if (!s->o.threads)
		s->o.threads = 4;
	s->port = bound_port(fd);
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->queued, NULL);
	pthread_cond_init(&s->synced, NULL);
	pthread_cond_init(&s->idle, NULL);
	if (pthread_create(&s->writer, NULL, writer_main, s) != 0) {
		close(fd);
		free(s);
		return wa_err_set(err, WA_EX_IOERR, "io",
				  "cannot start the writer thread");
	}
	s->syncer_started = pthread_create(&s->syncer, NULL, syncer_main,
					   s) == 0;
	if (!s->syncer_started) {
		stop_threads(s);
		close(fd);
		free(s);
		return wa_err_set(err, WA_EX_IOERR, "io",
				  "cannot start the sync thread");
	}
	s->d = MHD_start_daemon(MHD_USE_AUTO_INTERNAL_THREAD |
				MHD_ALLOW_SUSPEND_RESUME, 0, NULL, NULL,
				on_request, s,
				MHD_OPTION_LISTEN_SOCKET, fd,
				MHD_OPTION_THREAD_POOL_SIZE, s->o.threads,
				MHD_OPTION_CONNECTION_LIMIT, 1024u,
				MHD_OPTION_CONNECTION_TIMEOUT, 60u,
				MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
				MHD_OPTION_END);
	if (!s->d) {
		stop_threads(s);
		close(fd);
		free(s);
		return wa_err_set(err, WA_EX_CONFIG, "config",
				  "cannot start the HTTP server on '%s'",
				  opts->listen);
	}
	*out = s;
	return 0;
}

unsigned
whserver_port(const struct whserver *s)
{
	return s->port;
}

void
whserver_stats(struct whserver *s, struct whserver_stats *out)
{
	pthread_mutex_lock(&s->mu);
	*out = s->stats;
	pthread_mutex_unlock(&s->mu);
}

/* Waits (s->mu held) until *count is 0 or the deadline passed. */
static void
wait_zero(struct whserver *s, const unsigned *count,
	  const struct timespec *deadline)
{
	while (*count > 0)
		if (pthread_cond_timedwait(&s->idle, &s->mu, deadline) ==
		    ETIMEDOUT)
			break;
}

unsigned
whserver_stop(struct whserver *s, struct whserver_stats *final)
{
	struct timespec deadline;
	MHD_socket fd;
	unsigned left;

	pthread_mutex_lock(&s->mu);
	s->stopping = 1;
	pthread_mutex_unlock(&s->mu);
	fd = MHD_quiesce_daemon(s->d);
	if (fd != MHD_INVALID_SOCKET)
		close(fd);

	deadline_after_ms(s->o.drain_ms, &deadline);
	pthread_mutex_lock(&s->mu);
	wait_zero(s, &s->active, &deadline);
	left = s->active;
	/* Requests still reading their body are given up (Meta resends
	 * them); queued ones are committed and answered before MHD stops,
	 * which must not happen while a connection is suspended. */
	s->closing = 1;
	while (s->suspended > 0)
		pthread_cond_wait(&s->idle, &s->mu);
	pthread_mutex_unlock(&s->mu);
	MHD_stop_daemon(s->d);

	stop_threads(s);
	if (final)
		*final = s->stats;
	pthread_mutex_destroy(&s->mu);
	pthread_cond_destroy(&s->queued);
	pthread_cond_destroy(&s->synced);
	pthread_cond_destroy(&s->idle);
	free(s);
	return left;
}
