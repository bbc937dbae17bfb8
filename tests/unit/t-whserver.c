/* SPDX-License-Identifier: MIT */
/* Unit tests for lib/whserver.c over loopback HTTP, storing raw rows; and the store's checkpointer. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include "curl_lazy.h"	/* libcurl is loaded on first use */
#include "tap.h"
#include "testdb.h"
#include "signature.h"
#include "store.h"
#include "util.h"
#include "whserver.h"

#define SECRET "t0p-secret"
#define NPAR 50

/* ---- the callbacks: store raw deliveries, fail on "POISON" ---- */

struct body {
	char *buf;
	size_t len;
	char *sig;
};

struct sink {
	struct store *st;
	struct sq *put;		/* SQL_PUT, prepared at the first */
	int queued;		/* events waiting for the after callback */
};

static int emitted, logged;

static void *
prepare(void *ctx, char *buf, size_t len, const char *sig)
{
	struct body *b = xcalloc(1, sizeof(*b));

	b->buf = buf;
	b->len = len;
	b->sig = sig ? xstrdup(sig) : NULL;
	return b;
}

static void
release(void *ctx, void *payload)
{
	struct body *b = payload;

	free(b->buf);
	free(b->sig);
	free(b);
}

static const char SQL_PUT[] =
	"INSERT INTO deliveries (received_at, source, body, body_sha256,"
	" signature) VALUES (0, 'http', ?1, 'x', ?2)";

static int
put(struct sink *k, const struct body *b, struct wa_err *err)
{
	struct timespec ts = { 0, 2000000 };

	if (b->len >= 4 && memcmp(b->buf, "SLOW", 4) == 0)
		ts.tv_nsec = 400000000;
	nanosleep(&ts, NULL);	/* slow enough for requests to pile up */
	if (b->len >= 6 && memcmp(b->buf, "POISON", 6) == 0)
		return wa_err_set(err, WA_EX_IOERR, "io", "poisoned");
	if (!k->put && !(k->put = store_sql(k->st, SQL_PUT, err)))
		return -1;
	sq_reset(k->put);
	sq_blob(k->put, 1, b->buf, b->len);
	sq_text(k->put, 2, b->sig);
	return sq_done(k->put, err);
}

static void log_err(void *ctx, const struct wa_err *err);

/* One transaction for the group; when it fails, one per delivery. */
static int
group(struct sink *k, struct whserver_item *it, size_t n)
{
	struct wa_err err;
	size_t i;

	if (store_begin(k->st, &err) < 0)
		return -1;
	for (i = 0; i < n; i++)
		if (put(k, it[i].payload, &err) < 0) {
			store_rollback(k->st);
			log_err(NULL, &err);
			return -1;
		}
	if (store_commit(k->st, &err) < 0)
		return -1;
	for (i = 0; i < n; i++)
		it[i].stored = 1;
	k->queued += (int)n;
	return 0;
}

static void *
batch(void *ctx, struct whserver_item *it, size_t n)
{
	struct sink *k = ctx;
	size_t i;

	if (group(ctx, it, n) < 0 && n > 1)
		for (i = 0; i < n; i++)
			(void)group(ctx, it + i, 1);
	i = (size_t)k->queued;
	k->queued = 0;
	return (void *)i;
}

static void
after(void *ctx, void *done)
{
	emitted += (int)(size_t)done;
}

static void
log_err(void *ctx, const struct wa_err *err)
{
	(void)ctx;
	(void)err;
	__atomic_add_fetch(&logged, 1, __ATOMIC_SEQ_CST);
}

/* ---- a tiny HTTP client ---- */

static char base[64];

static size_t
sink(char *p, size_t size, size_t n, void *ctx)
{
	struct strbuf *sb = ctx;

	if (sb)
		sb_add(sb, p, size * n);
	return size * n;
}

struct call {
	const char *method;	/* NULL: POST when body, else GET */
	const char *path;	/* after base */
	const char *body;
	const char *sig;	/* "sign" to sign body, else header value */
	int chunked;
	long speed;		/* upload bytes per second, 0 = full */
	long timeout_ms;	/* 0: 20 s */
	long status;		/* out */
	struct strbuf resp;	/* out */
};

static void *
run_call(void *arg)
{
	struct call *c = arg;
	CURL *h = curl_easy_init();
	struct curl_slist *hd = NULL;
	char url[512], sig[SIGNATURE_HEX_LEN + 1], hdr[128];

	snprintf(url, sizeof(url), "%s%s", base, c->path);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS,
			 c->timeout_ms ? c->timeout_ms : 20000L);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, sink);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &c->resp);
	if (c->body) {
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, c->body);
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE,
				 (long)strlen(c->body));
	}
	if (c->method)
		curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, c->method);
	if (c->sig && strcmp(c->sig, "sign") == 0) {
		signature_hex(SECRET, c->body, strlen(c->body), sig);
		snprintf(hdr, sizeof(hdr), "X-Hub-Signature-256: sha256=%s",
			 sig);
		hd = curl_slist_append(hd, hdr);
	} else if (c->sig) {
		snprintf(hdr, sizeof(hdr), "X-Hub-Signature-256: %s", c->sig);
		hd = curl_slist_append(hd, hdr);
	}
	if (c->chunked)
		hd = curl_slist_append(hd, "Transfer-Encoding: chunked");
	hd = curl_slist_append(hd, "Expect:");
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hd);
	if (c->speed)
		curl_easy_setopt(h, CURLOPT_MAX_SEND_SPEED_LARGE,
				 (curl_off_t)c->speed);
	if (curl_easy_perform(h) == CURLE_OK)
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &c->status);
	else
		c->status = -1;
	curl_slist_free_all(hd);
	curl_easy_cleanup(h);
	return NULL;
}

static long
call(const char *method, const char *path, const char *body,
     const char *sig, char **resp)
{
	struct call c = { method, path, body, sig, 0, 0, 0, 0, STRBUF_INIT };

	run_call(&c);
	if (resp)
		*resp = xstrdup(sb_str(&c.resp));
	sb_release(&c.resp);
	return c.status;
}

static long
rows(struct store *st)
{
	return (long)sql1(st, "SELECT count(*) FROM deliveries");
}

/* ---- the tests ---- */

static void
test_listen(void)
{
	struct wa_err err;
	int fd, fd2;
	char addr[64];
	struct whserver_opts o;
	struct whserver *s;

	is_int(whserver_listen("nonsense", &err), -1, "no colon");
	is_int(err.sysexit, 64, "malformed listen is a usage error");
	is_int(whserver_listen("127.0.0.1:99999", &err), -1, "port too big");
	is_int(whserver_listen("[::1:80", &err), -1, "unclosed bracket");
	is_int(whserver_listen("no.such.host.invalid:80", &err), -1,
	       "unresolvable host");
	is_int(err.sysexit, 78, "unresolvable host is configuration");
	fd = whserver_listen("127.0.0.1:0", &err);
	ok(fd >= 0, "port 0 binds");
	whserver_opts_default(&o);
	o.listen = "127.0.0.1:0";
	o.prepare = prepare;
	o.batch = batch;
	o.release = release;
	is_int(whserver_start(&s, &o, &err), 0, "second server on port 0");
	snprintf(addr, sizeof(addr), "127.0.0.1:%u", whserver_port(s));
	fd2 = whserver_listen(addr, &err);
	is_int(fd2, -1, "address in use");
	is_int(err.sysexit, 75, "address in use is temporary");
	whserver_stop(s, NULL);
	close(fd);
}

static void
test_handshake(void)
{
	char *r;

	is_int(call(NULL, "/hook?hub.mode=subscribe&hub.verify_token=vt"
		    "&hub.challenge=1158201444", NULL, NULL, &r), 200,
	       "handshake");
	is_str(r, "1158201444", "echoes the challenge");
	free(r);
	is_int(call(NULL, "/hook?hub.mode=subscribe&hub.verify_token=v%20t%2B"
		    "&hub.challenge=a%20b", NULL, NULL, &r), 403,
	       "other token: 403");
	free(r);
	is_int(call(NULL, "/hook?hub.mode=subscribe&hub.verify_token=vt",
		    NULL, NULL, NULL), 400, "no challenge: 400");
	is_int(call(NULL, "/hook?hub.mode=unsubscribe&hub.verify_token=vt"
		    "&hub.challenge=1", NULL, NULL, NULL), 403,
	       "other mode: 403");
	is_int(call(NULL, "/hook", NULL, NULL, NULL), 403, "bare GET: 403");
	is_int(call(NULL, "/other", NULL, NULL, NULL), 404, "other path");
	is_int(call("PUT", "/hook", "x", NULL, NULL), 405, "PUT: 405");
	is_int(call("DELETE", "/hook", NULL, NULL, NULL), 405,
	       "DELETE: 405");
}

static void
test_post(struct store *st)
{
	const char *body = "{\"object\":\"whatsapp_business_account\","
			   "\"entry\":[{\"changes\":[]}],\"t\":\"\\u00e9\"}";
	char big[2048];
	long before = rows(st);
	struct call c = { NULL, "/hook", NULL, "sign", 1, 0, 0, 0,
			  STRBUF_INIT };

	is_int(call(NULL, "/hook", body, "sign", NULL), 200, "signed: 200");
	is_int(rows(st), before + 1, "signed: stored");
	is_int(call(NULL, "/hook", body, NULL, NULL), 401, "unsigned: 401");
	is_int(call(NULL, "/hook", body, "sha256=00", NULL), 401,
	       "garbled: 401");
	is_int(call(NULL, "/hook", body, "sha256=0000000000000000000000000000"
		    "000000000000000000000000000000000000", NULL), 401,
	       "wrong: 401");
	is_int(rows(st), before + 1, "refused: nothing stored");
	is_int(call(NULL, "/hook", "not json at all", "sign", NULL), 200,
	       "signed garbage: 200 (stored raw)");
	is_int(rows(st), before + 2, "signed garbage: stored");
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	is_int(call(NULL, "/hook", big, "sign", NULL), 413,
	       "over max_body: 413");
	c.body = big;
	run_call(&c);
	is_int(c.status, 413, "chunked over max_body: 413");
	sb_release(&c.resp);
	big[1000] = '\0';
	c.body = big;
	c.status = 0;
	run_call(&c);
	is_int(c.status, 200, "chunked under max_body: 200");
	sb_release(&c.resp);
	is_int(rows(st), before + 3, "only the small one stored");
	is_int(call(NULL, "/hook", "POISON", "sign", NULL), 500,
	       "not committed: 500");
	is_int(rows(st), before + 3, "poison not stored");
}

static void
test_parallel(struct whserver *s, struct store *st)
{
	static struct call c[NPAR];
	static char bodies[NPAR][64];
	pthread_t th[NPAR];
	struct whserver_stats before, after_;
	long n0 = rows(st), good = 0;
	int i;

	whserver_stats(s, &before);
	for (i = 0; i < NPAR; i++) {
		snprintf(bodies[i], sizeof(bodies[i]), "%s{\"n\":%d}",
			 i == 7 ? "POISON" : "", i);
		c[i] = (struct call){ NULL, "/hook", bodies[i], "sign", 0, 0,
				      0, 0, STRBUF_INIT };
		pthread_create(&th[i], NULL, run_call, &c[i]);
	}
	for (i = 0; i < NPAR; i++) {
		pthread_join(th[i], NULL);
		good += c[i].status == 200;
		sb_release(&c[i].resp);
	}
	is_int(good, NPAR - 1, "parallel: all but the poisoned one 200");
	is_int(c[7].status, 500, "parallel: the poisoned one 500");
	is_int(rows(st), n0 + NPAR - 1, "parallel: every 200 is stored");
	whserver_stats(s, &after_);
	is_int(after_.accepted - before.accepted, NPAR - 1,
	       "parallel: accepted counter");
	ok(after_.batches - before.batches < NPAR,
	   "parallel: grouped into fewer transactions (%lu)",
	   after_.batches - before.batches);
	ok(after_.max_batch > 1, "a group held %lu deliveries",
	   after_.max_batch);
}

/* A client that gives up while its delivery is being committed: the
 * delivery is still stored, and stop does not wait for it forever. */
static void
test_hangup(struct store *st)
{
	struct call c = { NULL, "/hook", "SLOW delivery", "sign", 0, 0, 100,
			  0, STRBUF_INIT };
	struct timespec ts = { 0, 600000000 };
	long n0 = rows(st);

	run_call(&c);
	is_int(c.status, -1, "hang-up: the client timed out");
	nanosleep(&ts, NULL);
	is_int(rows(st), n0 + 1, "hang-up: the delivery was committed anyway");
	sb_release(&c.resp);
}

/* A slow upload still in flight when stop is called gets its 200. */
static void
test_drain(struct whserver *s, struct store *st)
{
	static char body[1401];
	struct call c = { NULL, "/hook", body, "sign", 0, 1000, 0, 0,
			  STRBUF_INIT };
	struct timespec ts = { 0, 300000000 };
	struct whserver_stats fin;
	pthread_t th;
	long n0 = rows(st);
	unsigned left;

	memset(body, 'd', sizeof(body) - 1);
	pthread_create(&th, NULL, run_call, &c);
	nanosleep(&ts, NULL);
	left = whserver_stop(s, &fin);
	pthread_join(th, NULL);
	is_int(left, 0, "stop: nothing left unfinished");
	is_int(c.status, 200, "stop: the in-flight request got 200");
	is_int(rows(st), n0 + 1, "stop: and it was stored");
	ok(fin.accepted > 0, "final counters");
	sb_release(&c.resp);
	is_int(call(NULL, "/hook", body, "sign", NULL), -1,
	       "after stop: connection refused");
}

/* The checkpointer copies committed frames into the database file while
 * this connection, which never checkpoints itself, goes on writing. A
 * checkpoint connection that has read nothing has no WAL open, and
 * sqlite3_wal_checkpoint_v2() on it quietly did nothing. */
static void
test_checkpointer(const char *dir)
{
	char path[160];
	struct store_ckpt *c;
	struct wa_err err;
	struct store *st;
	struct stat sb = { 0 };
	int i;
	struct timespec pause = { 0, 20000000 };

	snprintf(path, sizeof(path), "%s/ckpt.db", dir);
	if (store_open(&st, path, &err) < 0) {
		ok(0, "opens a database for the checkpointer");
		return;
	}
	store_exec(st, "PRAGMA wal_autocheckpoint=0;"
		   " CREATE TABLE t (x BLOB)", &err);
	is_int(store_ckpt_start(&c, path, 10, &err), 0,
	       "checkpointer starts");
	for (i = 0; i < 20; i++) {
		store_exec(st, "INSERT INTO t VALUES (zeroblob(20000))", &err);
		nanosleep(&pause, NULL);
	}
	store_ckpt_stop(c);
	/* This connection has not checkpointed: the rows can only be in the
	 * database file if the checkpointer put them there. */
	if (stat(path, &sb) < 0)
		sb.st_size = -1;
	ok(sb.st_size >= 20 * 20000, "the checkpointer moved the rows into the database file (%lld"
	   " bytes)", (long long)sb.st_size);
	ok(sql1(st, "SELECT count(*) FROM t") == 20, "every row is there");
	store_close(st);
	snprintf(path, sizeof(path), "%s/ckpt.db-wal", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/ckpt.db-shm", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/ckpt.db", dir);
	unlink(path);
}

int
main(void)
{
	char dir[] = "/tmp/t-whserver.XXXXXX", path[128];
	struct whserver_opts o;
	struct sink k = { 0 };
	struct whserver *s;
	struct wa_err err;
	struct store *st;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (!mkdtemp(dir))
		return 1;
	snprintf(path, sizeof(path), "%s/wa.db", dir);
	if (store_open(&st, path, &err) < 0)
		return 1;
	k.st = st;

	test_listen();

	whserver_opts_default(&o);
	o.listen = "127.0.0.1:0";
	o.path = "/hook";
	o.max_body = 1500;
	o.app_secret = SECRET;
	o.verify_token = "vt";
	o.prepare = prepare;
	o.batch = batch;
	o.release = release;
	o.after = after;
	o.log = log_err;
	o.ctx = &k;
	is_int(whserver_start(&s, &o, &err), 0, "starts");
	ok(whserver_port(s) > 0, "bound a port");
	snprintf(base, sizeof(base), "http://127.0.0.1:%u", whserver_port(s));

	test_handshake();
	test_post(st);
	test_parallel(s, st);
	test_hangup(st);
	test_drain(s, st);
	test_checkpointer(dir);
	ok(emitted >= NPAR, "events handed on after commit (%d)", emitted);
	ok(logged > 0, "refusals were logged (%d)", logged);

	sq_free(k.put);
	store_close(st);
	testdb_remove(dir);
	curl_global_cleanup();
	return done_testing();
}
