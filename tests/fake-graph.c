/* SPDX-License-Identifier: MIT */
/* fake-graph: an in-memory double of Meta's WhatsApp Cloud API for tests. */
#define _GNU_SOURCE	/* memmem, program_invocation_short_name */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <jv.h>
#include <microhttpd.h>
#include <openssl/evp.h>

/*
 * Threading: libmicrohttpd runs one thread per connection, so a slow answer
 * (latency, delay faults) only ever blocks its own connection.  libjq 1.6
 * is not thread-safe (shared dtoa state, non-atomic refcounts), so every jv
 * operation happens under g.lock; only socket I/O, multipart splitting,
 * hashing and sleeping happen outside it.
 */

#define FG_BODY_MAX	(120L << 20)	/* larger request bodies are refused */
#define FG_MEDIA_MAX	(256L << 20)	/* media bytes kept; oldest go first */
#define FG_RING_MAX	200000		/* request-log and message entries kept */
#define FG_CONN_MAX	2000
#define FG_STACK	(512 * 1024)
#define FG_APP_ID	"1234567890123456"
#define FG_VERIFY_CODE	"123456"
#define FG_WAMID_TAG	"wamid.RkFLRUdSQVBI"	/* base64 of "FAKEGRAPH" */

/* ---- memory and strings ---- */

static void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p) {
		fprintf(stderr, "%s: out of memory\n",
		    program_invocation_short_name);
		abort();
	}
	return p;
}

static void *
xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p) {
		fprintf(stderr, "%s: out of memory\n",
		    program_invocation_short_name);
		abort();
	}
	return p;
}

static char *
xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

static char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

struct sb {
	char *buf;	/* NUL-terminated once anything was added */
	size_t len;
	size_t cap;
};

static void
sb_add(struct sb *b, const void *p, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->buf = xrealloc(b->buf, b->cap);
	}
	memcpy(b->buf + b->len, p, n);
	b->len += n;
	b->buf[b->len] = '\0';
}

static void
sb_adds(struct sb *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

static char *
sb_detach(struct sb *b, size_t *len)
{
	char *s = b->buf ? b->buf : xstrdup("");

	if (len)
		*len = b->len;
	b->buf = NULL;
	b->len = b->cap = 0;
	return s;
}

static int
parse_long(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	if (!s || !*s)
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

/* Characters, not bytes: Meta's limits count code points. */
static size_t
utf8_len(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

static const char *
find(const char *hay, size_t n, const char *needle)
{
	return memmem(hay, n, needle, strlen(needle));
}

/* ---- encodings ---- */

static const char b64std[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char b64url[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static void
b64_encode(struct sb *b, const unsigned char *p, size_t n, const char *abc,
    int pad)
{
	size_t i;
	char q[4];

	for (i = 0; i + 2 < n; i += 3) {
		q[0] = abc[p[i] >> 2];
		q[1] = abc[((p[i] & 3) << 4) | (p[i + 1] >> 4)];
		q[2] = abc[((p[i + 1] & 15) << 2) | (p[i + 2] >> 6)];
		q[3] = abc[p[i + 2] & 63];
		sb_add(b, q, 4);
	}
	if (i < n) {
		q[0] = abc[p[i] >> 2];
		if (i + 1 < n) {
			q[1] = abc[((p[i] & 3) << 4) | (p[i + 1] >> 4)];
			q[2] = abc[(p[i + 1] & 15) << 2];
		} else {
			q[1] = abc[(p[i] & 3) << 4];
			q[2] = '=';
		}
		q[3] = '=';
		sb_add(b, q, pad ? 4 : (i + 1 < n ? 3 : 2));
	}
}

/* Decodes standard or URL-safe base64, padding optional; -1 on junk. */
static int
b64_decode(const char *s, struct sb *out)
{
	unsigned acc = 0;
	int bits = 0, v;
	const char *p;
	char c;

	for (; *s && *s != '='; s++) {
		if (isspace((unsigned char)*s))
			continue;
		if ((p = strchr(b64std, *s)) != NULL)
			v = (int)(p - b64std);
		else if ((p = strchr(b64url, *s)) != NULL)
			v = (int)(p - b64url);
		else
			return -1;
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			c = (char)((acc >> bits) & 0xFF);
			sb_add(out, &c, 1);
		}
	}
	return 0;
}

static void
sha256_hex(const void *p, size_t n, char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0, i;

	EVP_Digest(p, n, md, &mdlen, EVP_sha256(), NULL);
	for (i = 0; i < mdlen && i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	out[64] = '\0';
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Percent-decodes n bytes of s ('+' is a space in forms) into owned text. */
static char *
url_decode(const char *s, size_t n, int plus)
{
	char *o = xmalloc(n + 1), *d = o;
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n &&
		    hexval((unsigned char)s[i + 1]) >= 0 &&
		    hexval((unsigned char)s[i + 2]) >= 0) {
			*d++ = (char)(hexval((unsigned char)s[i + 1]) * 16 +
			    hexval((unsigned char)s[i + 2]));
			i += 2;
		} else if (plus && s[i] == '+')
			*d++ = ' ';
		else
			*d++ = s[i];
	}
	*d = '\0';
	return o;
}

/* ---- jv helpers: all borrow their object argument ---- */

static jv
jget(jv o, const char *k)
{
	if (jv_get_kind(o) != JV_KIND_OBJECT)
		return jv_invalid();
	return jv_object_get(jv_copy(o), jv_string(k));
}

static jv_kind
jkind(jv o, const char *k)
{
	jv v = jget(o, k);
	jv_kind kind = jv_get_kind(v);

	jv_free(v);
	return kind;
}

/* The string stays valid while o holds it unchanged. */
static const char *
jstr(jv o, const char *k)
{
	jv v = jget(o, k);
	const char *s = NULL;

	if (jv_get_kind(v) == JV_KIND_STRING)
		s = jv_string_value(v);
	jv_free(v);
	return s;
}

static int
jlen(jv a)
{
	return jv_get_kind(a) == JV_KIND_ARRAY ?
	    jv_array_length(jv_copy(a)) : -1;
}

static int
jstreq(jv o, const char *k, const char *want)
{
	const char *s = jstr(o, k);

	return s && strcmp(s, want) == 0;
}

static int
jstrcaseeq(jv o, const char *k, const char *want)
{
	const char *s = jstr(o, k);

	return s && strcasecmp(s, want) == 0;
}

static jv
jset(jv o, const char *k, jv v)
{
	return jv_object_set(o, jv_string(k), v);
}

/* A string or integral number as owned text ("13437772910"), else NULL. */
static char *
jscalar(jv o, const char *k)
{
	jv v = jget(o, k);
	char buf[64], *s = NULL;

	if (jv_get_kind(v) == JV_KIND_STRING)
		s = xstrdup(jv_string_value(v));
	else if (jv_get_kind(v) == JV_KIND_NUMBER) {
		snprintf(buf, sizeof(buf), "%.0f", jv_number_value(v));
		s = xstrdup(buf);
	}
	jv_free(v);
	return s;
}

/* ---- state ---- */

struct waba {
	char *id;
	jv info;	/* name, message_template_namespace, ... */
	jv numbers;	/* array of phone-number objects */
	jv templates;	/* array of template objects */
	jv apps;	/* subscribed_apps data */
};

struct media {
	char id[24];
	char pnid[32];	/* uploader; "" for seeded media */
	char *mime;
	char *filename;
	char *buf;	/* owned allocation holding data */
	const char *data;
	size_t len;
	char sha[65];
};

struct fault {
	char *method;	/* NULL: any */
	char *suffix;	/* path_suffix */
	char *contains;	/* path_contains */
	long times;	/* -1: forever */
	long http;	/* 0: none */
	long code;	/* Meta error code */
	long subcode;
	long retry_after;/* seconds; -1 none */
	long delay_ms;
	int drop;
	int process;	/* run the request before faulting the answer */
	char *message;
	char *details;
};

struct ring {
	char **v;	/* owned lines */
	size_t cap, start, n;
};

static struct {
	pthread_mutex_t lock;
	struct waba *wabas;
	size_t nwabas;
	jv profiles;		/* phone-number id -> business profile */
	jv edits;		/* template id -> times its approved
				   content was edited (Unix seconds) */
	long long clock;	/* the fake's "now" (state "now"); 0: real */
	char *token;
	struct media **media;
	size_t nmedia, media_cap, media_bytes;
	struct fault *faults;
	size_t nfaults;
	struct ring log;	/* request log, compact JSON lines */
	struct ring msgs;	/* accepted messages */
	long latency_ms;
	unsigned long long seq, next_id, wamids;
	uint64_t rng;
	FILE *logf;
	char base[80];		/* http://ADDR:PORT */
	char nonce[8];		/* makes wamids unique per process */
	struct timespec t0;
	atomic_int stopping;	/* read by sleeping connection threads */
} g = { .lock = PTHREAD_MUTEX_INITIALIZER };

static long long
now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)(t.tv_sec - g.t0.tv_sec) * 1000 +
	    (t.tv_nsec - g.t0.tv_nsec) / 1000000;
}

static uint64_t
rnd(void)
{
	g.rng ^= g.rng << 13;
	g.rng ^= g.rng >> 7;
	g.rng ^= g.rng << 17;
	return g.rng;
}

static void
trace_id(char out[24])
{
	int i;

	out[0] = 'A';
	for (i = 1; i < 23; i++)
		out[i] = b64url[rnd() % 64];
	out[23] = '\0';
}

static void
new_id(char *out, size_t n)
{
	snprintf(out, n, "%llu", 1200000000000000ULL + ++g.next_id);
}

static void
ring_push(struct ring *r, char *line)
{
	if (!r->v) {
		r->cap = FG_RING_MAX;
		r->v = xmalloc(r->cap * sizeof(*r->v));
	}
	if (r->n == r->cap) {
		free(r->v[r->start]);
		r->v[r->start] = line;
		r->start = (r->start + 1) % r->cap;
	} else
		r->v[(r->start + r->n++) % r->cap] = line;
}

static void
ring_clear(struct ring *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		free(r->v[(r->start + i) % r->cap]);
	r->start = r->n = 0;
}

static char *
ring_join(struct ring *r, size_t *len)
{
	struct sb b = { 0 };
	size_t i;

	for (i = 0; i < r->n; i++) {
		sb_adds(&b, r->v[(r->start + i) % r->cap]);
		sb_add(&b, "\n", 1);
	}
	return sb_detach(&b, len);
}

static struct waba *
waba_find(const char *id)
{
	size_t i;

	for (i = 0; i < g.nwabas; i++)
		if (strcmp(g.wabas[i].id, id) == 0)
			return &g.wabas[i];
	return NULL;
}

/* Index of the element of array a whose key k equals v, or -1. */
static int
jfind(jv a, const char *k, const char *v)
{
	int hit = -1;

	jv_array_foreach(a, j, x) {
		if (hit < 0 && jstreq(x, k, v))
			hit = j;
		jv_free(x);
	}
	return hit;
}

static struct waba *
number_find(const char *id, int *idx)
{
	size_t i;

	for (i = 0; i < g.nwabas; i++)
		if ((*idx = jfind(g.wabas[i].numbers, "id", id)) >= 0)
			return &g.wabas[i];
	return NULL;
}

static struct waba *
template_find(const char *id, int *idx)
{
	size_t i;

	for (i = 0; i < g.nwabas; i++)
		if ((*idx = jfind(g.wabas[i].templates, "id", id)) >= 0)
			return &g.wabas[i];
	return NULL;
}

static struct media *
media_find(const char *id, size_t *idx)
{
	size_t i;

	for (i = 0; i < g.nmedia; i++)
		if (strcmp(g.media[i]->id, id) == 0) {
			if (idx)
				*idx = i;
			return g.media[i];
		}
	return NULL;
}

static void
media_free(struct media *m)
{
	free(m->mime);
	free(m->filename);
	free(m->buf);
	free(m);
}

static void
media_remove(size_t i)
{
	g.media_bytes -= g.media[i]->len;
	media_free(g.media[i]);
	memmove(&g.media[i], &g.media[i + 1],
	    (g.nmedia - i - 1) * sizeof(*g.media));
	g.nmedia--;
}

/* Takes m; drops the oldest media to stay under FG_MEDIA_MAX. */
static void
media_add(struct media *m)
{
	while (g.nmedia && g.media_bytes + m->len > FG_MEDIA_MAX)
		media_remove(0);
	if (g.nmedia == g.media_cap) {
		g.media_cap = g.media_cap ? 2 * g.media_cap : 64;
		g.media = xrealloc(g.media, g.media_cap * sizeof(*g.media));
	}
	g.media[g.nmedia++] = m;
	g.media_bytes += m->len;
}

/* ---- requests and replies ---- */

struct req {
	char *uri;		/* raw request target, with the query */
	char *body;
	size_t len, cap;
	int started;
	int too_big;
	long long t_ms;		/* arrival, ms since start */
};

struct part {
	char *name, *filename, *ctype;
	const char *data;
	size_t len;
};

struct reply {
	int status;		/* 0: dropped */
	char *body;		/* owned */
	size_t len;
	const char *ctype;
	char ctype_buf[128];	/* for media types */
	long retry_after;	/* -1: none */
	long delay_ms;
	int www_auth;
	char trace[24];		/* x-fb-trace-id */
};

struct ctx {
	struct MHD_Connection *conn;
	struct req *r;
	const char *method;
	char *path;		/* decoded, version prefix stripped */
	char version[16];	/* "v25.0" */
	const char *rawq;	/* raw query string, or "" */
	char *segbuf;		/* owns seg[] */
	char *seg[3];
	int nseg;		/* may exceed 3 */
	const char *ctype;
	int auth;
	struct part *parts;	/* multipart */
	size_t nparts;
	struct part *file;	/* the multipart file part */
	char file_sha[65];
	jv query;		/* query parameters */
	jv body;		/* what the log shows */
	jv params;		/* query merged with the body's fields */
	int body_bad;
	struct reply rp;
};

static void
reply_raw(struct reply *rp, int status, const char *ctype, char *body,
    size_t len)
{
	free(rp->body);
	rp->status = status;
	rp->ctype = ctype;
	rp->body = body;
	rp->len = len;
}

/* Consumes v.  Escapes like graph.facebook.com: "\/", "\u0040", ASCII. */
static void
reply_json(struct reply *rp, int status, jv v)
{
	jv s = jv_dump_string(v, JV_PRINT_ASCII);
	const char *p = jv_string_value(s), *q;
	struct sb b = { 0 };
	size_t len;
	char *out;

	for (q = p; *q; q++) {
		if (*q != '/' && *q != '@')
			continue;
		sb_add(&b, p, (size_t)(q - p));
		sb_adds(&b, *q == '/' ? "\\/" : "\\u0040");
		p = q + 1;
	}
	sb_add(&b, p, (size_t)(q - p));
	jv_free(s);
	out = sb_detach(&b, &len);
	reply_raw(rp, status, "application/json; charset=UTF-8", out, len);
}

static void
reply_success(struct reply *rp)
{
	reply_json(rp, 200, JV_OBJECT(jv_string("success"), jv_true()));
}

static const char *
code_message(long code)
{
	static const struct {
		long code;
		const char *msg;
	} t[] = {
		{ 1, "An unknown error occurred" },
		{ 2, "(#2) Service temporarily unavailable" },
		{ 4, "(#4) Application request limit reached" },
		{ 100, "(#100) Invalid parameter" },
		{ 190, "Invalid OAuth access token - Cannot parse access token" },
		{ 368, "(#368) Temporarily blocked for policies violations" },
		{ 613, "(#613) Calls to this api have exceeded the rate limit." },
		{ 80007, "(#80007) Rate limit issues" },
		{ 130429, "(#130429) Rate limit hit" },
		{ 131000, "(#131000) Something went wrong" },
		{ 131008, "(#131008) Required parameter is missing" },
		{ 131009, "(#131009) Parameter value is not valid" },
		{ 131016, "(#131016) Service unavailable" },
		{ 131026, "(#131026) Message undeliverable" },
		{ 131047, "(#131047) Re-engagement message" },
		{ 131048, "(#131048) Spam rate limit hit" },
		{ 131053, "(#131053) Media upload error" },
		{ 131056, "(#131056) (Business Account, Consumer Account) pair "
		    "rate limit hit" },
		{ 131057, "(#131057) Account in maintenance mode" },
		{ 132000, "(#132000) Number of parameters does not match the "
		    "expected number of params" },
		{ 132001, "(#132001) Template name does not exist in the "
		    "translation" },
		{ 132012, "(#132012) Parameter format does not match format in "
		    "the created template" },
		{ 132015, "(#132015) Template is Paused" },
		{ 132016, "(#132016) Template is disabled" },
		{ 133010, "(#133010) Account not registered" },
		{ 133016, "(#133016) Account register deregister rate limit "
		    "exceeded" },
		{ 136024, "Request code error" },
		{ 136025, "Verify code error" },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (t[i].code == code)
			return t[i].msg;
	return NULL;
}

static int
code_transient(long code)
{
	return code == 1 || code == 2 || code == 4 || code == 613 ||
	    code == 80007 || code == 130429 || code == 131000 ||
	    code == 131016 || code == 131056 || code == 131057;
}

static jv
err_new(long code, const char *type, const char *msg)
{
	char buf[64];

	if (!msg)
		msg = code_message(code);
	if (!msg) {
		snprintf(buf, sizeof(buf), "(#%ld) Fake error", code);
		msg = buf;
	}
	return JV_OBJECT(jv_string("message"), jv_string(msg),
	    jv_string("type"), jv_string(type),
	    jv_string("code"), jv_number((double)code));
}

/* Consumes e, the inner "error" object. */
static void
reply_err(struct reply *rp, int http, jv e)
{
	char tid[24];

	trace_id(tid);
	e = jset(e, "fbtrace_id", jv_string(tid));
	reply_json(rp, http, JV_OBJECT(jv_string("error"), e));
}

static jv
err_details(jv e, const char *details)
{
	return jset(e, "error_data", JV_OBJECT(
	    jv_string("messaging_product"), jv_string("whatsapp"),
	    jv_string("details"), jv_string(details)));
}

/* A messaging error: HTTP 400, code's message, error_data.details. */
static void __attribute__((format(printf, 3, 4)))
err_wa(struct ctx *x, long code, const char *fmt, ...)
{
	char details[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(details, sizeof(details), fmt, ap);
	va_end(ap);
	reply_err(&x->rp, 400, err_details(err_new(code, "OAuthException",
	    NULL), details));
}

static void
err_missing(struct ctx *x, const char *param)
{
	err_wa(x, 131008, "The parameter %s is required.", param);
}

/* A management error: code 100 with Meta's user-facing title and text. */
static void
err_user(struct ctx *x, long subcode, const char *title, const char *msg)
{
	jv e = err_new(100, "OAuthException", "Invalid parameter");

	if (subcode)
		e = jset(e, "error_subcode", jv_number((double)subcode));
	e = jset(e, "is_transient", jv_false());
	e = jset(e, "error_user_title", jv_string(title));
	e = jset(e, "error_user_msg", jv_string(msg));
	reply_err(&x->rp, 400, e);
}

static void
err_unsupported(struct ctx *x, const char *id)
{
	char msg[512], m[16];
	size_t i;

	for (i = 0; x->method[i] && i < sizeof(m) - 1; i++)
		m[i] = (char)tolower((unsigned char)x->method[i]);
	m[i] = '\0';
	snprintf(msg, sizeof(msg), "Unsupported %s request. Object with ID "
	    "'%s' does not exist, cannot be loaded due to missing "
	    "permissions, or does not support this operation. Please read "
	    "the Graph API documentation at "
	    "https://developers.facebook.com/docs/graph-api", m, id);
	reply_err(&x->rp, 400, jset(err_new(100, "GraphMethodException", msg),
	    "error_subcode", jv_number(33)));
}

static void
err_field(struct ctx *x, const char *field, const char *node)
{
	char msg[256];

	snprintf(msg, sizeof(msg), "(#100) Tried accessing nonexisting field "
	    "(%s) on node type (%s)", field, node);
	reply_err(&x->rp, 400, err_new(100, "OAuthException", msg));
}

static void
err_param(struct ctx *x, const char *msg)
{
	reply_err(&x->rp, 400, err_new(100, "OAuthException", msg));
}

static int
is_get(const struct ctx *x)
{
	return strcmp(x->method, "GET") == 0;
}

static int
is_post(const struct ctx *x)
{
	return strcmp(x->method, "POST") == 0;
}

static int
is_delete(const struct ctx *x)
{
	return strcmp(x->method, "DELETE") == 0;
}

static const char *
param(const struct ctx *x, const char *k)
{
	return jstr(x->params, k);
}

/* ---- fields and paging ---- */

/* Keeps "id" plus the fields named in fields ("a,b{c,d},e"), or in defs
 * when fields is NULL; defs NULL keeps everything.  Consumes obj. */
static jv
project(jv obj, const char *fields, const char *const *defs)
{
	jv out;
	const char *p, *start;
	int depth = 0;
	char name[128];
	size_t n;

	if ((!fields || !*fields) && !defs)
		return obj;
	out = jv_object();
	if (jkind(obj, "id") != JV_KIND_INVALID)
		out = jset(out, "id", jget(obj, "id"));
	if (!fields || !*fields) {
		for (; *defs; defs++)
			if (jkind(obj, *defs) != JV_KIND_INVALID)
				out = jset(out, *defs, jget(obj, *defs));
		jv_free(obj);
		return out;
	}
	for (p = start = fields;; p++) {
		if (*p == '{')
			depth++;
		else if (*p == '}')
			depth--;
		if ((*p == ',' && depth == 0) || !*p) {
			while (start < p && isspace((unsigned char)*start))
				start++;
			n = strcspn(start, "{.,} ");
			if (n && n < sizeof(name)) {
				memcpy(name, start, n);
				name[n] = '\0';
				if (jkind(obj, name) != JV_KIND_INVALID)
					out = jset(out, name, jget(obj, name));
			}
			start = p + 1;
		}
		if (!*p)
			break;
	}
	jv_free(obj);
	return out;
}

static void
cursor_enc(struct sb *b, long idx)
{
	char raw[48];
	int n = snprintf(raw, sizeof(raw), "fakecursor:%ld", idx);

	b64_encode(b, (const unsigned char *)raw, (size_t)n, b64url, 0);
}

static long
cursor_dec(const char *c)
{
	struct sb b = { 0 };
	long v = -1;

	if (c && b64_decode(c, &b) == 0 && b.buf &&
	    strncmp(b.buf, "fakecursor:", 11) == 0)
		parse_long(b.buf + 11, 0, 1L << 30, &v);
	free(b.buf);
	return v;
}

/* The page link: this request's URL with limit and a new cursor. */
static jv
page_link(struct ctx *x, long limit, const char *key, long idx)
{
	struct sb b = { 0 };
	const char *p = x->rawq, *amp;
	char num[32];
	size_t n;
	jv link;

	sb_adds(&b, g.base);
	sb_adds(&b, "/");
	sb_adds(&b, x->version);
	sb_adds(&b, x->path);
	sb_adds(&b, "?");
	while (*p) {
		amp = strchr(p, '&');
		n = amp ? (size_t)(amp - p) : strlen(p);
		if (n && strncmp(p, "limit=", 6) && strncmp(p, "after=", 6) &&
		    strncmp(p, "before=", 7) && strncmp(p, "access_token=", 13)) {
			sb_add(&b, p, n);
			sb_adds(&b, "&");
		}
		p += n + (amp != NULL);
	}
	snprintf(num, sizeof(num), "limit=%ld&", limit);
	sb_adds(&b, num);
	sb_adds(&b, key);
	sb_adds(&b, "=");
	cursor_enc(&b, idx);
	link = jv_string(b.buf);
	free(b.buf);
	return link;
}

/* Consumes items; answers {"data":[...],"paging":{...}}. */
static void
reply_page(struct ctx *x, jv items, long deflimit)
{
	long n = jlen(items), limit = deflimit, start = 0, end, a, b;
	const char *ls = jstr(x->query, "limit");
	jv page, cur, paging;
	struct sb cb = { 0 }, ca = { 0 };

	if (ls && parse_long(ls, 1, 100000, &limit) < 0) {
		jv_free(items);
		err_param(x, "(#100) Param limit must be a positive integer");
		return;
	}
	if ((a = cursor_dec(jstr(x->query, "after"))) >= 0)
		start = a + 1;
	end = start + limit;
	if (jstr(x->query, "after") == NULL &&
	    (b = cursor_dec(jstr(x->query, "before"))) >= 0) {
		end = b;
		start = end - limit > 0 ? end - limit : 0;
	}
	if (end > n)
		end = n;
	if (start > end)
		start = end;
	page = jv_array_slice(items, (int)start, (int)end);
	if (start == end) {
		jv_free(page);
		reply_json(&x->rp, 200, JV_OBJECT(jv_string("data"),
		    jv_array()));
		return;
	}
	cursor_enc(&cb, start);
	cursor_enc(&ca, end - 1);
	cur = JV_OBJECT(jv_string("before"), jv_string(cb.buf),
	    jv_string("after"), jv_string(ca.buf));
	free(cb.buf);
	free(ca.buf);
	paging = JV_OBJECT(jv_string("cursors"), cur);
	if (start > 0)
		paging = jset(paging, "previous",
		    page_link(x, limit, "before", start));
	if (end < n)
		paging = jset(paging, "next", page_link(x, limit, "after",
		    end - 1));
	reply_json(&x->rp, 200, JV_OBJECT(jv_string("data"), page,
	    jv_string("paging"), paging));
}

static void __attribute__((format(printf, 2, 3)))
err_paramf(struct ctx *x, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	err_param(x, msg);
}

static int
in_list(const char *s, const char *const *list, int icase)
{
	for (; s && *list; list++)
		if ((icase ? strcasecmp : strcmp)(s, *list) == 0)
			return 1;
	return 0;
}

/* Whether v is one of the comma-separated values in csv. */
static int
in_csv(const char *csv, const char *v)
{
	size_t n = v ? strlen(v) : 0;
	const char *p = csv;

	while (v && p && *p) {
		while (*p == ' ')
			p++;
		if (strncasecmp(p, v, n) == 0 && (p[n] == ',' || p[n] == '\0' ||
		    p[n] == ' '))
			return 1;
		p = strchr(p, ',');
		p = p ? p + 1 : NULL;
	}
	return 0;
}

/* ---- phone numbers ---- */

static const char *const number_defaults[] = {
	"verified_name", "code_verification_status", "display_phone_number",
	"quality_rating", "platform_type", "throughput", NULL
};
static const char *const list_defaults[] = {
	"verified_name", "code_verification_status", "display_phone_number",
	"quality_rating", NULL
};

static jv
number_get(struct waba *w, int i)
{
	return jv_array_get(jv_copy(w->numbers), i);
}

static void
number_set(struct waba *w, int i, const char *k, const char *v)
{
	w->numbers = jv_array_set(w->numbers, i,
	    jset(number_get(w, i), k, jv_string(v)));
}

static int is_numeric(const char *s);

static int
is_pin(const char *s)
{
	return s && strlen(s) == 6 && is_numeric(s);
}

static void
h_number(struct ctx *x, struct waba *w, int i)
{
	char *pin;

	if (is_get(x)) {
		reply_json(&x->rp, 200, project(number_get(w, i),
		    jstr(x->query, "fields"), number_defaults));
		return;
	}
	if (!is_post(x) || jkind(x->params, "pin") == JV_KIND_INVALID) {
		err_unsupported(x, x->seg[0]);
		return;
	}
	pin = jscalar(x->params, "pin");
	if (!is_pin(pin))
		err_param(x, "(#100) Param pin must be 6 digits.");
	else
		reply_success(&x->rp);
	free(pin);
}

static void
h_request_code(struct ctx *x, struct waba *w, int i)
{
	const char *m = param(x, "code_method");
	const char *lang = param(x, "language");

	if (!lang)
		lang = param(x, "locale");
	if (!m)
		err_param(x, "(#100) The parameter code_method is required.");
	else if (strcasecmp(m, "SMS") && strcasecmp(m, "VOICE"))
		err_paramf(x, "(#100) Param code_method must be one of {SMS, "
		    "VOICE} - got \"%s\".", m);
	else if (!lang)
		err_param(x, "(#100) The parameter language is required.");
	else
		reply_success(&x->rp);
}

static void
h_verify_code(struct ctx *x, struct waba *w, int i)
{
	char *code = jscalar(x->params, "code");
	jv e;

	if (!code)
		err_param(x, "(#100) The parameter code is required.");
	else if (strcmp(code, FG_VERIFY_CODE)) {
		e = err_new(136025, "OAuthException", NULL);
		e = jset(e, "error_subcode", jv_number(2388093));
		e = jset(e, "is_transient", jv_false());
		e = jset(e, "error_user_title", jv_string("Couldn't verify "
		    "code"));
		e = jset(e, "error_user_msg", jv_string("The code you entered "
		    "is incorrect."));
		reply_err(&x->rp, 400, e);
	} else {
		number_set(w, i, "code_verification_status", "VERIFIED");
		reply_success(&x->rp);
	}
	free(code);
}

static int
check_product(struct ctx *x)
{
	const char *mp = param(x, "messaging_product");

	if (!mp)
		err_param(x, "(#100) The parameter messaging_product is "
		    "required.");
	else if (strcasecmp(mp, "whatsapp"))
		err_paramf(x, "(#100) Param messaging_product must be one of "
		    "{WHATSAPP} - got \"%s\".", mp);
	return mp && strcasecmp(mp, "whatsapp") == 0 ? 0 : -1;
}

static void
h_register(struct ctx *x, struct waba *w, int i)
{
	static const char *const regions[] = { "AU", "ID", "IN", "JP", "SG",
	    "KR", "DE", "CH", "GB", "BR", "BH", "ZA", "AE", "CA", NULL };
	const char *region = param(x, "data_localization_region");
	char *pin;

	if (check_product(x) < 0)
		return;
	pin = jscalar(x->params, "pin");
	if (!pin)
		err_param(x, "(#100) The parameter pin is required.");
	else if (!is_pin(pin))
		err_param(x, "(#100) Param pin must be 6 digits.");
	else if (region && !in_list(region, regions, 0))
		err_paramf(x, "(#100) Param data_localization_region is not "
		    "valid: \"%s\".", region);
	else {
		number_set(w, i, "status", "CONNECTED");
		number_set(w, i, "platform_type", "CLOUD_API");
		reply_success(&x->rp);
	}
	free(pin);
}

static void
h_deregister(struct ctx *x, struct waba *w, int i)
{
	number_set(w, i, "status", "DISCONNECTED");
	reply_success(&x->rp);
}

/* ---- business profile ---- */

static const char *const verticals[] = {
	"", "UNDEFINED", "ALCOHOL", "APPAREL", "AUTO", "BEAUTY", "EDU",
	"ENTERTAIN", "EVENT_PLAN", "FINANCE", "GOVT", "GROCERY", "HEALTH",
	"HOTEL", "NONPROFIT", "ONLINE_GAMBLING", "OTC_DRUGS", "OTHER",
	"PHYSICAL_GAMBLING", "PROF_SERVICES", "RESTAURANT", "RETAIL",
	"TRAVEL", NULL
};

/* -1 (answered) when key is present and not a string of min..max chars. */
static int
check_len(struct ctx *x, jv o, const char *k, size_t min, size_t max)
{
	jv_kind kind = jkind(o, k);
	size_t n;

	if (kind == JV_KIND_INVALID)
		return 0;
	if (kind != JV_KIND_STRING) {
		err_paramf(x, "(#100) Param %s must be a string.", k);
		return -1;
	}
	n = utf8_len(jstr(o, k));
	if (n < min || n > max) {
		err_paramf(x, "(#100) Param %s must be between %zu and %zu "
		    "characters long.", k, min, max);
		return -1;
	}
	return 0;
}

static int
check_websites(struct ctx *x, jv ws)
{
	int bad = 0;

	if (jv_get_kind(ws) == JV_KIND_INVALID)
		return 0;
	if (jlen(ws) < 0 || jlen(ws) > 2) {
		err_param(x, "(#100) Param websites must be an array of at "
		    "most 2 URLs.");
		return -1;
	}
	jv_array_foreach(ws, i, u) {
		if (jv_get_kind(u) != JV_KIND_STRING ||
		    (strncmp(jv_string_value(u), "http://", 7) &&
		    strncmp(jv_string_value(u), "https://", 8)) ||
		    utf8_len(jv_string_value(u)) > 256)
			bad = 1;
		jv_free(u);
	}
	if (bad)
		err_param(x, "(#100) Param websites[] must be http or https "
		    "URLs of at most 256 characters.");
	return bad ? -1 : 0;
}

static void
h_profile_post(struct ctx *x, const char *pnid)
{
	static const char *const keys[] = { "about", "address", "description",
	    "email", "vertical", "websites", NULL };
	jv ws, prof;
	const char *const *k;
	int rc;

	if (check_product(x) < 0 || check_len(x, x->params, "about", 1, 139) ||
	    check_len(x, x->params, "address", 0, 256) ||
	    check_len(x, x->params, "description", 0, 512) ||
	    check_len(x, x->params, "email", 0, 128) ||
	    check_len(x, x->params, "vertical", 0, 64))
		return;
	if (jkind(x->params, "vertical") == JV_KIND_STRING &&
	    !in_list(param(x, "vertical"), verticals, 0)) {
		err_paramf(x, "(#100) Param vertical must be one of the "
		    "documented values - got \"%s\".", param(x, "vertical"));
		return;
	}
	ws = jget(x->params, "websites");
	rc = check_websites(x, ws);
	jv_free(ws);
	if (rc < 0)
		return;
	prof = jget(g.profiles, pnid);
	if (jv_get_kind(prof) != JV_KIND_OBJECT) {
		jv_free(prof);
		prof = jv_object();
	}
	for (k = keys; *k; k++)
		if (jkind(x->params, *k) != JV_KIND_INVALID)
			prof = jset(prof, *k, jget(x->params, *k));
	if (param(x, "profile_picture_handle"))
		prof = jset(prof, "profile_picture_url", jv_string(
		    "https://pps.whatsapp.net/v/fake-profile.jpg"));
	g.profiles = jset(g.profiles, pnid, prof);
	reply_success(&x->rp);
}

static void
h_profile(struct ctx *x, struct waba *w, int i)
{
	const char *pnid = x->seg[0];
	const char *fields = jstr(x->query, "fields");
	jv prof, out;

	if (is_post(x)) {
		h_profile_post(x, pnid);
		return;
	}
	if (!is_get(x)) {
		err_unsupported(x, pnid);
		return;
	}
	prof = jget(g.profiles, pnid);
	if (jv_get_kind(prof) != JV_KIND_OBJECT) {
		jv_free(prof);
		prof = jv_object();
	}
	if (jkind(prof, "vertical") == JV_KIND_INVALID ||
	    jstreq(prof, "vertical", ""))
		prof = jset(prof, "vertical", jv_string("UNDEFINED"));
	out = project(prof, fields, NULL);
	out = jset(out, "messaging_product", jv_string("whatsapp"));
	reply_json(&x->rp, 200, JV_OBJECT(jv_string("data"),
	    jv_array_append(jv_array(), out)));
}

/* ---- sending ---- */

static int
is_outgoing(const char *wamid)
{
	return strncmp(wamid, FG_WAMID_TAG, strlen(FG_WAMID_TAG)) == 0;
}

static void
h_mark_read(struct ctx *x)
{
	const char *st = param(x, "status"), *id = param(x, "message_id");
	jv ti = jget(x->params, "typing_indicator");
	int bad_ti = jv_get_kind(ti) != JV_KIND_INVALID &&
	    !jstreq(ti, "type", "text");

	jv_free(ti);
	if (!st || strcmp(st, "read"))
		err_paramf(x, "(#100) Param status must be one of {READ} - got "
		    "\"%s\".", st ? st : "");
	else if (!id)
		err_missing(x, "message_id");
	else if (is_outgoing(id))
		err_wa(x, 100, "Message supplied to mark message as read API "
		    "with message ID: %s is outgoing. Please use an incoming "
		    "message ID.", id);
	else if (strncmp(id, "wamid.", 6))
		err_wa(x, 100, "Please check the message ID you have "
		    "provided.");
	else if (bad_ti)
		err_wa(x, 100, "Param typing_indicator['type'] must be "
		    "\"text\".");
	else
		reply_success(&x->rp);
}

/* Fills *input (owned) and *wa_id (owned, NULL for BSUIDs and groups). */
static int
send_recipient(struct ctx *x, char **input, char **wa_id)
{
	char *to = jscalar(x->params, "to"), *d;
	const char *rcp = param(x, "recipient"), *p;
	size_t n = 0;

	*input = *wa_id = NULL;
	if (!to && rcp) {
		*input = xstrdup(rcp);
		return 0;
	}
	if (!to) {
		err_missing(x, "to");
		return -1;
	}
	if (jstreq(x->params, "recipient_type", "group")) {
		*input = to;
		return 0;
	}
	d = xmalloc(strlen(to) + 1);
	for (p = to; *p; p++) {
		if (isdigit((unsigned char)*p))
			d[n++] = *p;
		else if (!strchr("+-() ", *p))
			break;
	}
	d[n] = '\0';
	if (*p || n < 5 || n > 20) {
		err_wa(x, 100, "Invalid parameter 'to': '%s' is not a valid "
		    "phone number.", to);
		free(to);
		free(d);
		return -1;
	}
	*input = to;
	*wa_id = d;
	return 0;
}

static int
check_text(struct ctx *x, jv t)
{
	const char *body = jstr(t, "body");

	if (!body || !*body) {
		err_missing(x, "text['body']");
		return -1;
	}
	if (utf8_len(body) > 4096) {
		err_wa(x, 100, "Param text['body'] must be at most 4096 "
		    "characters long.");
		return -1;
	}
	if (jkind(t, "preview_url") != JV_KIND_INVALID &&
	    jkind(t, "preview_url") != JV_KIND_TRUE &&
	    jkind(t, "preview_url") != JV_KIND_FALSE) {
		err_wa(x, 100, "Param text['preview_url'] must be a boolean.");
		return -1;
	}
	return 0;
}

/* A media object: exactly one of id (uploaded here) or an http(s) link. */
static int
check_media(struct ctx *x, jv m, const char *type, int caption_ok)
{
	char *id = jscalar(m, "id");
	const char *link = jstr(m, "link");
	int rc = -1;

	if (!id && !link)
		err_wa(x, 131008, "The parameter %s['id'] or %s['link'] is "
		    "required.", type, type);
	else if (id && link)
		err_wa(x, 100, "Param %s must have exactly one of id and "
		    "link.", type);
	else if (id && !media_find(id, NULL))
		err_wa(x, 100, "Invalid media id: %s is not a valid media ID "
		    "for %s.", id, type);
	else if (link && strncmp(link, "http://", 7) &&
	    strncmp(link, "https://", 8))
		err_wa(x, 100, "Param %s['link'] must be an http or https "
		    "URL.", type);
	else if (jkind(m, "caption") != JV_KIND_INVALID && !caption_ok)
		err_wa(x, 100, "Param %s['caption'] is not allowed for %s.",
		    type, type);
	else if (jkind(m, "caption") != JV_KIND_INVALID &&
	    (!jstr(m, "caption") || utf8_len(jstr(m, "caption")) > 1024))
		err_wa(x, 100, "Param %s['caption'] must be a string of at "
		    "most 1024 characters.", type);
	else
		rc = 0;
	free(id);
	return rc;
}

static int
coord(jv o, const char *k, double lim)
{
	jv v = jget(o, k);
	double d = 0;
	char *end;
	int ok = 0;

	if (jv_get_kind(v) == JV_KIND_NUMBER) {
		d = jv_number_value(v);
		ok = 1;
	} else if (jv_get_kind(v) == JV_KIND_STRING) {
		d = strtod(jv_string_value(v), &end);
		ok = *jv_string_value(v) && !*end;
	}
	jv_free(v);
	return ok && d >= -lim && d <= lim ? 0 : -1;
}

static int
check_location(struct ctx *x, jv l)
{
	if (jkind(l, "latitude") == JV_KIND_INVALID) {
		err_missing(x, "location['latitude']");
		return -1;
	}
	if (jkind(l, "longitude") == JV_KIND_INVALID) {
		err_missing(x, "location['longitude']");
		return -1;
	}
	if (coord(l, "latitude", 90) < 0 || coord(l, "longitude", 180) < 0) {
		err_wa(x, 100, "Param location['latitude'] and "
		    "location['longitude'] must be numbers in range.");
		return -1;
	}
	return 0;
}

static int
check_contacts(struct ctx *x, jv a)
{
	int bad = -1;

	if (jlen(a) <= 0) {
		err_missing(x, "contacts");
		return -1;
	}
	jv_array_foreach(a, i, c) {
		jv name = jget(c, "name");

		if (bad < 0 && !jstr(name, "formatted_name"))
			bad = i;
		jv_free(name);
		jv_free(c);
	}
	if (bad >= 0)
		err_missing(x, bad == 0 ? "contacts[0]['name']"
		    "['formatted_name']" : "contacts[]['name']"
		    "['formatted_name']");
	return bad >= 0 ? -1 : 0;
}

static int
check_reaction(struct ctx *x, jv r)
{
	if (!jstr(r, "message_id")) {
		err_missing(x, "reaction['message_id']");
		return -1;
	}
	if (jkind(r, "emoji") != JV_KIND_STRING) {
		err_missing(x, "reaction['emoji']");
		return -1;
	}
	return 0;
}

/* Whether the array a (borrowed) holds the string s. */
static int
jarr_has(jv a, const char *s)
{
	int hit = 0;

	jv_array_foreach(a, i, v) {
		if (jv_get_kind(v) == JV_KIND_STRING &&
		    strcmp(jv_string_value(v), s) == 0)
			hit = 1;
		jv_free(v);
	}
	return hit;
}

/* Reply buttons: 1..3, titles 1..20 characters and unique. */
static int
check_buttons(struct ctx *x, jv bs)
{
	const char *why = NULL;
	jv seen = jv_array();

	if (jlen(bs) < 1 || jlen(bs) > 3) {
		jv_free(seen);
		err_wa(x, 131009, "Number of buttons must be between 1 and 3.");
		return -1;
	}
	jv_array_foreach(bs, i, b) {
		jv r = jget(b, "reply");
		const char *t = jstr(r, "title");

		if (why)
			;	/* report the first problem only */
		else if (!jstr(r, "id") || !*jstr(r, "id") || !t)
			why = "Each button needs reply['id'] and reply['title'].";
		else if (utf8_len(t) < 1 || utf8_len(t) > 20)
			why = "Button title length invalid. Min length: 1, Max "
			    "length: 20";
		else if (jarr_has(seen, t))
			why = "Button title must be unique.";
		else
			seen = jv_array_append(seen, jv_string(t));
		jv_free(r);
		jv_free(b);
	}
	jv_free(seen);
	if (why)
		err_wa(x, 131009, "%s", why);
	return why ? -1 : 0;
}

static int
check_list(struct ctx *x, jv action)
{
	jv secs = jget(action, "sections");
	const char *why = NULL;
	int rows = 0;

	if (!jstr(action, "button") || utf8_len(jstr(action, "button")) > 20)
		why = "Param action['button'] must be 1 to 20 characters.";
	else if (jlen(secs) < 1 || jlen(secs) > 10)
		why = "Number of sections must be between 1 and 10.";
	if (why) {
		jv_free(secs);
		err_wa(x, 131009, "%s", why);
		return -1;
	}
	jv_array_foreach(secs, i, s) {
		jv rs = jget(s, "rows");

		if (jlen(rs) < 0) {
			jv_free(rs);
			rs = jv_array();
		}
		jv_array_foreach(rs, j, row) {
			const char *t = jstr(row, "title");
			const char *d = jstr(row, "description");

			rows++;
			if (!why && (!jstr(row, "id") || !t ||
			    utf8_len(jstr(row, "id")) > 200 ||
			    utf8_len(t) < 1 || utf8_len(t) > 24 ||
			    (d && utf8_len(d) > 72)))
				why = "Row id (max 200), title (1 to 24) or "
				    "description (max 72) invalid.";
			jv_free(row);
		}
		jv_free(rs);
		jv_free(s);
	}
	jv_free(secs);
	if (!why && (rows < 1 || rows > 10))
		why = "Total row count must be between 1 and 10.";
	if (why)
		err_wa(x, 131009, "%s", why);
	return why ? -1 : 0;
}

static int
check_interactive(struct ctx *x, jv in)
{
	static const char *const types[] = { "button", "list", "cta_url",
	    "location_request_message", "flow", "product", "product_list",
	    "catalog_message", "address_message", "call_permission_request",
	    NULL };
	const char *t = jstr(in, "type");
	jv body = jget(in, "body"), action = jget(in, "action"), bs;
	int rc = -1;

	if (!t)
		err_missing(x, "interactive['type']");
	else if (!in_list(t, types, 0))
		err_wa(x, 100, "Param interactive['type'] must be one of "
		    "{button, list, cta_url, location_request_message, flow, "
		    "product, product_list, catalog_message} - got \"%s\".", t);
	else if (jv_get_kind(action) != JV_KIND_OBJECT)
		err_missing(x, "interactive['action']");
	else if ((!strcmp(t, "button") || !strcmp(t, "list")) &&
	    (!jstr(body, "text") || !*jstr(body, "text")))
		err_missing(x, "interactive['body']['text']");
	else if (jstr(body, "text") && utf8_len(jstr(body, "text")) > 1024)
		err_wa(x, 131009, "Param interactive['body']['text'] must be "
		    "at most 1024 characters long.");
	else if (!strcmp(t, "button")) {
		bs = jget(action, "buttons");
		rc = check_buttons(x, bs);
		jv_free(bs);
	} else if (!strcmp(t, "list"))
		rc = check_list(x, action);
	else
		rc = 0;
	jv_free(body);
	jv_free(action);
	return rc;
}

/* ---- templates ---- */

static const char *const categories[] = {
	"MARKETING", "UTILITY", "AUTHENTICATION", NULL
};

static char *
upcase(const char *s, char *buf, size_t n)
{
	size_t i;

	for (i = 0; s && s[i] && i + 1 < n; i++)
		buf[i] = (char)toupper((unsigned char)s[i]);
	buf[i] = '\0';
	return buf;
}

static int
is_numeric(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return 0;
	return 1;
}

/* Distinct {{...}} placeholder names of text, in order of appearance. */
static jv
placeholders(const char *text)
{
	jv a = jv_array();
	const char *p = text, *q, *k;
	char name[128];
	size_t n;

	while (p && (p = strstr(p, "{{")) != NULL) {
		if ((q = strstr(p + 2, "}}")) == NULL)
			break;
		for (k = p + 2; k < q && *k == ' '; k++)
			;
		for (n = (size_t)(q - k); n && k[n - 1] == ' '; n--)
			;
		if (n && n < sizeof(name)) {
			memcpy(name, k, n);
			name[n] = '\0';
			if (!jarr_has(a, name))
				a = jv_array_append(a, jv_string(name));
		}
		p = q + 2;
	}
	return a;
}

/* The first component of comps (borrowed) of that type, or invalid. */
static jv
component(jv comps, const char *type)
{
	jv hit = jv_invalid();

	if (jlen(comps) < 0)
		return hit;
	jv_array_foreach(comps, i, c) {
		if (jv_get_kind(hit) == JV_KIND_INVALID &&
		    jstrcaseeq(c, "type", type))
			hit = c;
		else
			jv_free(c);
	}
	return hit;
}

static jv
tpl_lookup(struct waba *w, const char *name, const char *lang)
{
	jv hit = jv_invalid();

	jv_array_foreach(w->templates, i, t) {
		if (jv_get_kind(hit) == JV_KIND_INVALID &&
		    jstreq(t, "name", name) && jstreq(t, "language", lang))
			hit = t;
		else
			jv_free(t);
	}
	return hit;
}

/* Sent parameters (borrowed) against the placeholder names want. */
static int
check_tpl_params(struct ctx *x, const char *where, jv want, int named,
    jv params)
{
	int have = jlen(params) < 0 ? 0 : jlen(params), rc = 0;
	jv seen = jv_array();

	if (have != jlen(want)) {
		jv_free(seen);
		err_wa(x, 132000, "%s: number of localizable_params (%d) does "
		    "not match the expected number of params (%d)", where,
		    have, jlen(want));
		return -1;
	}
	if (have == 0) {
		jv_free(seen);
		return 0;
	}
	jv_array_foreach(params, i, p) {
		const char *t = jstr(p, "type"), *pn = jstr(p, "parameter_name");

		if (rc)
			;	/* report the first problem only */
		else if (!t) {
			err_wa(x, 131008, "%s: parameter %d: the parameter "
			    "type is required.", where, i);
			rc = -1;
		} else if (!strcmp(t, "text") &&
		    (!jstr(p, "text") || !*jstr(p, "text"))) {
			err_wa(x, 131008, "%s: parameter %d: the parameter "
			    "text is required.", where, i);
			rc = -1;
		} else if (named && (!pn || !jarr_has(want, pn) ||
		    jarr_has(seen, pn))) {
			err_wa(x, 132000, "%s: parameter_name '%s' does not "
			    "match a named parameter of the template", where,
			    pn ? pn : "");
			rc = -1;
		} else if (named)
			seen = jv_array_append(seen, jv_string(pn));
		jv_free(p);
	}
	jv_free(seen);
	return rc;
}

static int
check_tpl_header(struct ctx *x, jv tcomps, jv shead, int named)
{
	jv th = component(tcomps, "HEADER"), params = jget(shead, "parameters");
	jv p0 = jv_invalid(), obj = jv_invalid(), want;
	const char *fmt = jstr(th, "format"), *pt;
	char lower[32], up[32];
	size_t i;
	int rc = -1;

	if (!fmt || !strcasecmp(fmt, "TEXT")) {
		want = placeholders(jstr(th, "text"));
		rc = check_tpl_params(x, "header", want, named, params);
		jv_free(want);
		goto out;
	}
	for (i = 0; fmt[i] && i + 1 < sizeof(lower); i++)
		lower[i] = (char)tolower((unsigned char)fmt[i]);
	lower[i] = '\0';
	if (jlen(params) == 1)
		p0 = jv_array_get(jv_copy(params), 0);
	pt = jstr(p0, "type");
	obj = jget(p0, lower);
	if (!pt || strcasecmp(pt, fmt))
		err_wa(x, 132012, "header: Format mismatch, expected %s, "
		    "received %s", upcase(fmt, up, sizeof(up)),
		    pt ? upcase(pt, up, sizeof(up)) : "UNKNOWN");
	else if (jv_get_kind(obj) != JV_KIND_OBJECT)
		err_wa(x, 131008, "header: the parameter %s is required.",
		    lower);
	else if (!strcmp(lower, "location"))
		rc = check_location(x, obj);
	else
		rc = check_media(x, obj, lower, 0);
out:
	jv_free(th);
	jv_free(params);
	jv_free(p0);
	jv_free(obj);
	return rc;
}

static int
check_tpl_buttons(struct ctx *x, jv tcomps, jv scomps)
{
	jv tb = component(tcomps, "BUTTONS"), bs = jget(tb, "buttons");
	int n = jlen(bs) < 0 ? 0 : jlen(bs), rc = 0;
	long idx;
	char *is;

	jv_free(tb);
	jv_free(bs);
	jv_array_foreach(scomps, i, c) {
		if (!rc && jstrcaseeq(c, "type", "button")) {
			is = jscalar(c, "index");
			if (!is || parse_long(is, 0, 9, &idx) < 0 || idx >= n) {
				err_wa(x, 131009, "button at index %s does not "
				    "exist in the template", is ? is : "(none)");
				rc = -1;
			}
			free(is);
		}
		jv_free(c);
	}
	return rc;
}

/* tpl and scomps borrowed; scomps is an array. */
static int
check_tpl_content(struct ctx *x, jv tpl, jv scomps)
{
	jv tcomps = jget(tpl, "components"), tbody = component(tcomps, "BODY");
	jv sbody = component(scomps, "body"), shead = component(scomps,
	    "header");
	jv want = placeholders(jstr(tbody, "text"));
	jv params = jget(sbody, "parameters");
	int named = jstrcaseeq(tpl, "parameter_format", "NAMED"), rc;

	rc = check_tpl_params(x, "body", want, named, params);
	if (rc == 0)
		rc = check_tpl_header(x, tcomps, shead, named);
	if (rc == 0)
		rc = check_tpl_buttons(x, tcomps, scomps);
	jv_free(tcomps);
	jv_free(tbody);
	jv_free(sbody);
	jv_free(shead);
	jv_free(want);
	jv_free(params);
	return rc;
}

static int
check_template(struct ctx *x, struct waba *w, jv t)
{
	jv lang = jget(t, "language"), sc = jget(t, "components");
	jv tpl = jv_invalid();
	const char *name = jstr(t, "name"), *code = jstr(lang, "code"), *st;
	int rc = -1;

	if (!name)
		err_missing(x, "template['name']");
	else if (!code)
		err_missing(x, "template['language']['code']");
	else if (jv_get_kind(sc) != JV_KIND_INVALID &&
	    jv_get_kind(sc) != JV_KIND_ARRAY)
		err_wa(x, 100, "Param template['components'] must be an "
		    "array.");
	else if (jv_get_kind(tpl = tpl_lookup(w, name, code)) ==
	    JV_KIND_INVALID)
		err_wa(x, 132001, "template name (%s) does not exist in %s",
		    name, code);
	else if ((st = jstr(tpl, "status")) && !strcmp(st, "PAUSED"))
		err_wa(x, 132015, "Template %s (%s) is paused.", name, code);
	else if (st && !strcmp(st, "DISABLED"))
		err_wa(x, 132016, "Template %s (%s) is disabled.", name, code);
	else if (!st || strcmp(st, "APPROVED"))
		err_wa(x, 132001, "template name (%s) is not approved in %s "
		    "(status %s)", name, code, st ? st : "none");
	else {
		if (jv_get_kind(sc) != JV_KIND_ARRAY) {
			jv_free(sc);
			sc = jv_array();
		}
		rc = check_tpl_content(x, tpl, sc);
	}
	jv_free(lang);
	jv_free(sc);
	jv_free(tpl);
	return rc;
}

static int
valid_name(const char *s)
{
	size_t n = 0;

	for (; s[n]; n++)
		if (!islower((unsigned char)s[n]) &&
		    !isdigit((unsigned char)s[n]) && s[n] != '_')
			return 0;
	return n >= 1 && n <= 512;
}

/* Placeholders of a new template's body: {{1}}..{{n}} or named, with an
 * example value for each. */
static int
check_new_body(struct ctx *x, jv body, int named)
{
	const char *text = jstr(body, "text");
	jv ph, ex, rows, row;
	int n, bad = 0, nex;
	long v;

	if (!text || !*text || utf8_len(text) > 1024) {
		err_user(x, 0, "Invalid body text", "The BODY component needs "
		    "text of 1 to 1024 characters.");
		return -1;
	}
	ph = placeholders(text);
	n = jlen(ph);
	jv_array_foreach(ph, i, p) {
		const char *s = jv_string_value(p);

		if (named ? is_numeric(s) || !valid_name(s) :
		    parse_long(s, 1, n, &v) < 0)
			bad = 1;
		jv_free(p);
	}
	jv_free(ph);
	if (bad) {
		err_user(x, 0, "Invalid parameter format", named ?
		    "Named parameters use lowercase letters, numbers and "
		    "underscores, like {{first_name}}." :
		    "Parameters must be sequential numbers like {{1}}, {{2}}.");
		return -1;
	}
	if (n == 0)
		return 0;
	ex = jget(body, "example");
	rows = jget(ex, named ? "body_text_named_params" : "body_text");
	row = named ? jv_copy(rows) : jlen(rows) > 0 ?
	    jv_array_get(jv_copy(rows), 0) : jv_invalid();
	nex = jlen(row);
	jv_free(ex);
	jv_free(rows);
	jv_free(row);
	if (nex != n) {
		err_user(x, 0, "Missing sample values", "Add a sample value "
		    "for each variable in the body (example.body_text or "
		    "example.body_text_named_params).");
		return -1;
	}
	return 0;
}

/* Uppercases components' type and format, as Meta stores them. */
static jv
normalize_components(jv comps)
{
	static const char *const keys[] = { "type", "format", NULL };
	const char *const *k;
	jv out = jv_array();
	char up[64];

	jv_array_foreach(comps, i, c) {
		for (k = keys; *k; k++)
			if (jstr(c, *k))
				c = jset(c, *k, jv_string(upcase(jstr(c, *k),
				    up, sizeof(up))));
		out = jv_array_append(out, c);
	}
	jv_free(comps);
	return out;
}

static int
count_bodies(jv comps)
{
	int n = 0;

	jv_array_foreach(comps, i, c) {
		n += jstrcaseeq(c, "type", "BODY");
		jv_free(c);
	}
	return n;
}

static int
check_new_template(struct ctx *x, struct waba *w, jv comps)
{
	const char *name = param(x, "name"), *cat = param(x, "category");
	const char *lang = param(x, "language");
	const char *pf = param(x, "parameter_format");
	jv body, dup;
	char msg[256];
	int rc;

	if (!name || !valid_name(name)) {
		err_user(x, 0, "Invalid template name", "Template names use "
		    "1 to 512 lowercase letters, numbers and underscores.");
		return -1;
	}
	if (!cat || !in_list(cat, categories, 1)) {
		err_paramf(x, "(#100) Param category must be one of {MARKETING, "
		    "UTILITY, AUTHENTICATION} - got \"%s\".", cat ? cat : "");
		return -1;
	}
	if (!lang || !*lang) {
		err_param(x, "(#100) The parameter language is required.");
		return -1;
	}
	if (pf && strcasecmp(pf, "named") && strcasecmp(pf, "positional")) {
		err_paramf(x, "(#100) Param parameter_format must be one of "
		    "{NAMED, POSITIONAL} - got \"%s\".", pf);
		return -1;
	}
	if (jlen(comps) < 0 || count_bodies(comps) != 1) {
		err_user(x, 0, "Invalid components", "A template needs a "
		    "components array with exactly one BODY component.");
		return -1;
	}
	body = component(comps, "BODY");
	rc = strcasecmp(cat, "AUTHENTICATION") == 0 ? 0 :
	    check_new_body(x, body, pf && !strcasecmp(pf, "named"));
	jv_free(body);
	if (rc < 0)
		return -1;
	dup = tpl_lookup(w, name, lang);
	rc = jv_get_kind(dup) != JV_KIND_INVALID;
	jv_free(dup);
	if (rc) {
		snprintf(msg, sizeof(msg), "There is already %s content for "
		    "this template. You can create a new template and try "
		    "again.", lang);
		err_user(x, 2388024, "Content in this language already exists",
		    msg);
		return -1;
	}
	return 0;
}

static void
h_template_create(struct ctx *x, struct waba *w)
{
	jv comps = jget(x->params, "components"), t;
	const char *pf = param(x, "parameter_format");
	char id[24], cat[32], fmt[32];

	if (check_new_template(x, w, comps) < 0) {
		jv_free(comps);
		return;
	}
	new_id(id, sizeof(id));
	upcase(param(x, "category"), cat, sizeof(cat));
	upcase(pf ? pf : "POSITIONAL", fmt, sizeof(fmt));
	t = JV_OBJECT(jv_string("name"), jv_string(param(x, "name")),
	    jv_string("parameter_format"), jv_string(fmt),
	    jv_string("components"), normalize_components(comps),
	    jv_string("language"), jv_string(param(x, "language")),
	    jv_string("status"), jv_string("PENDING"),
	    jv_string("category"), jv_string(cat),
	    jv_string("id"), jv_string(id));
	w->templates = jv_array_append(w->templates, t);
	reply_json(&x->rp, 200, JV_OBJECT(jv_string("id"), jv_string(id),
	    jv_string("status"), jv_string("PENDING"),
	    jv_string("category"), jv_string(cat)));
}

static void
h_templates_get(struct ctx *x, struct waba *w)
{
	const char *name = jstr(x->query, "name"), *st = jstr(x->query,
	    "status"), *cat = jstr(x->query, "category"), *lang =
	    jstr(x->query, "language"), *fields = jstr(x->query, "fields");
	jv items = jv_array();

	jv_array_foreach(w->templates, i, t) {
		if ((name && (!jstr(t, "name") || !strstr(jstr(t, "name"),
		    name))) || (st && !in_csv(st, jstr(t, "status"))) ||
		    (cat && !in_csv(cat, jstr(t, "category"))) ||
		    (lang && !in_csv(lang, jstr(t, "language"))))
			jv_free(t);
		else
			items = jv_array_append(items, project(t, fields,
			    NULL));
	}
	reply_page(x, items, 25);
}

static void
h_templates_delete(struct ctx *x, struct waba *w)
{
	const char *name = param(x, "name"), *hsm = param(x, "hsm_id");
	jv keep = jv_array();
	char msg[600];
	int gone = 0;

	if (!name) {
		jv_free(keep);
		err_param(x, "(#100) The parameter name is required.");
		return;
	}
	jv_array_foreach(w->templates, i, t) {
		if (jstreq(t, "name", name) && (!hsm || jstreq(t, "id", hsm))) {
			gone++;
			jv_free(t);
		} else
			keep = jv_array_append(keep, t);
	}
	if (!gone) {
		jv_free(keep);
		snprintf(msg, sizeof(msg), "The message template %s wasn't "
		    "found for this account.", name);
		err_user(x, 2593002, "Message Template Not Found", msg);
		return;
	}
	jv_free(w->templates);
	w->templates = keep;
	reply_success(&x->rp);
}

/* The fake's clock: state "now" when set, else the real one. */
static long long
fake_now(void)
{
	return g.clock ? g.clock : (long long)time(NULL);
}

#define DAY (24LL * 3600)

/* Meta's editing rules: only an APPROVED, REJECTED or PAUSED template can
 * be edited; an approved one keeps its category, and its content may
 * change once in 24 hours and 10 times in 30 days (rejected and paused
 * ones as often as needed).  0, or -1 after answering the refusal. */
static int
edit_allowed(struct ctx *x, jv t, const char *cat)
{
	const char *st = jstr(t, "status"), *cur = jstr(t, "category");
	jv times = jget(g.edits, jstr(t, "id"));
	long long now = fake_now();
	int day = 0, month = 0;
	char msg[256];

	if (!st || (strcmp(st, "APPROVED") && strcmp(st, "REJECTED") &&
	    strcmp(st, "PAUSED"))) {
		jv_free(times);
		snprintf(msg, sizeof(msg), "Only templates with status "
		    "APPROVED, REJECTED or PAUSED can be edited. This "
		    "template's status is %s.", st ? st : "unknown");
		err_user(x, 0, "Template can't be edited", msg);
		return -1;
	}
	if (strcmp(st, "APPROVED")) {
		jv_free(times);
		return 0;
	}
	if (cat && cur && strcasecmp(cat, cur)) {
		jv_free(times);
		snprintf(msg, sizeof(msg), "The category of an approved "
		    "template can't be changed (it is %s).", cur);
		err_user(x, 0, "Category can't be changed", msg);
		return -1;
	}
	if (jlen(times) > 0)
		jv_array_foreach(times, k, at) {
			double d = (double)now - jv_number_value(at);

			day += d < DAY;
			month += d < 30 * DAY;
			jv_free(at);
		}
	jv_free(times);
	if (day >= 1 || month >= 10) {
		snprintf(msg, sizeof(msg), "An approved template can be "
		    "edited once in 24 hours and 10 times in 30 days; this "
		    "one was edited %d time%s in the last %s.", day ? day :
		    month, (day ? day : month) == 1 ? "" : "s", day ?
		    "24 hours" : "30 days");
		err_user(x, 0, "Edit limit reached", msg);
		return -1;
	}
	return 0;
}

/* New content of an edit: one BODY, checked like a new template's. */
static int
edit_content_ok(struct ctx *x, jv t, jv comps, const char *cat)
{
	const char *pf = param(x, "parameter_format");
	jv body;
	int rc;

	if (pf && strcasecmp(pf, "named") && strcasecmp(pf, "positional")) {
		err_paramf(x, "(#100) Param parameter_format must be one of "
		    "{NAMED, POSITIONAL} - got \"%s\".", pf);
		return -1;
	}
	if (jlen(comps) < 0)
		return 0;
	if (count_bodies(comps) != 1) {
		err_user(x, 0, "Invalid components", "A template needs a "
		    "components array with exactly one BODY component.");
		return -1;
	}
	if (!pf)
		pf = jstr(t, "parameter_format");
	if (!cat)
		cat = jstr(t, "category");
	body = component(comps, "BODY");
	rc = cat && !strcasecmp(cat, "AUTHENTICATION") ? 0 :
	    check_new_body(x, body, pf && !strcasecmp(pf, "named"));
	jv_free(body);
	return rc;
}

/* POST /{template-id}: an edit of components, category or
 * parameter_format; Meta reviews it again (PENDING). */
static void
h_template_edit(struct ctx *x, struct waba *w, int i, jv t)
{
	jv comps = jget(x->params, "components"), times;
	const char *cat = param(x, "category"), *pf;
	char up[32], id[32];
	int approved = jstreq(t, "status", "APPROVED");

	if (jlen(comps) < 0 && !cat)
		err_param(x, "(#100) The parameter components or category is "
		    "required.");
	else if (cat && !in_list(cat, categories, 1))
		err_paramf(x, "(#100) Param category must be one of {MARKETING, "
		    "UTILITY, AUTHENTICATION} - got \"%s\".", cat);
	else if (edit_allowed(x, t, cat) == 0 &&
	    edit_content_ok(x, t, comps, cat) == 0) {
		if (jlen(comps) >= 0) {
			t = jset(t, "components", normalize_components(comps));
			comps = jv_invalid();
		}
		if (cat)
			t = jset(t, "category", jv_string(upcase(cat, up,
			    sizeof(up))));
		if ((pf = param(x, "parameter_format")) != NULL)
			t = jset(t, "parameter_format", jv_string(upcase(pf,
			    up, sizeof(up))));
		t = jset(t, "status", jv_string("PENDING"));
		snprintf(id, sizeof(id), "%s", jstr(t, "id"));
		w->templates = jv_array_set(w->templates, i, t);
		t = jv_invalid();
		if (approved) {
			times = jget(g.edits, id);
			if (jlen(times) < 0) {
				jv_free(times);
				times = jv_array();
			}
			g.edits = jset(g.edits, id, jv_array_append(times,
			    jv_number((double)fake_now())));
		}
		reply_success(&x->rp);
	}
	jv_free(comps);
	jv_free(t);
}

static void
h_template(struct ctx *x, struct waba *w, int i)
{
	jv t = jv_array_get(jv_copy(w->templates), i);

	if (is_get(x))
		reply_json(&x->rp, 200, project(t, jstr(x->query, "fields"),
		    NULL));
	else if (is_post(x))
		h_template_edit(x, w, i, t);
	else {
		jv_free(t);
		err_unsupported(x, x->seg[0]);
	}
}

/* ---- messages ---- */

static const char *const send_types[] = {
	"text", "image", "audio", "video", "document", "sticker", "location",
	"contacts", "interactive", "reaction", "template", NULL
};

static int
check_type(struct ctx *x, struct waba *w, const char *type)
{
	jv o;
	int rc;

	if (!in_list(type, send_types, 0)) {
		err_wa(x, 100, "Param type must be one of {text, image, audio, "
		    "video, document, sticker, location, contacts, "
		    "interactive, reaction, template} - got \"%s\".", type);
		return -1;
	}
	o = jget(x->params, type);
	if (jv_get_kind(o) == JV_KIND_INVALID ||
	    jv_get_kind(o) == JV_KIND_NULL) {
		jv_free(o);
		err_missing(x, type);
		return -1;
	}
	if (jv_get_kind(o) != (strcmp(type, "contacts") ? JV_KIND_OBJECT :
	    JV_KIND_ARRAY)) {
		jv_free(o);
		err_wa(x, 100, "Param %s has the wrong type.", type);
		return -1;
	}
	if (!strcmp(type, "text"))
		rc = check_text(x, o);
	else if (!strcmp(type, "location"))
		rc = check_location(x, o);
	else if (!strcmp(type, "contacts"))
		rc = check_contacts(x, o);
	else if (!strcmp(type, "reaction"))
		rc = check_reaction(x, o);
	else if (!strcmp(type, "interactive"))
		rc = check_interactive(x, o);
	else if (!strcmp(type, "template"))
		rc = check_template(x, w, o);
	else
		rc = check_media(x, o, type, !strcmp(type, "image") ||
		    !strcmp(type, "video") || !strcmp(type, "document"));
	jv_free(o);
	return rc;
}

static int
check_envelope(struct ctx *x)
{
	jv ctxt = jget(x->params, "context");
	const char *bo = param(x, "biz_opaque_callback_data");
	int rc = -1;

	if (jv_get_kind(ctxt) != JV_KIND_INVALID && !jstr(ctxt, "message_id"))
		err_missing(x, "context['message_id']");
	else if (jkind(x->params, "biz_opaque_callback_data") !=
	    JV_KIND_INVALID && (!bo || utf8_len(bo) > 512))
		err_wa(x, 100, "Param biz_opaque_callback_data must be a "
		    "string of at most 512 characters.");
	else
		rc = 0;
	jv_free(ctxt);
	return rc;
}

/* "wamid." + base64("FAKEGRAPH" nonce counter): unique, recognisable. */
static void
new_wamid(char *out, size_t n)
{
	char raw[64];
	struct sb b = { 0 };
	int len;

	len = snprintf(raw, sizeof(raw), "FAKEGRAPH%.6s%012llu", g.nonce,
	    ++g.wamids);
	b64_encode(&b, (const unsigned char *)raw, (size_t)len, b64std, 1);
	snprintf(out, n, "wamid.%s", b.buf);
	free(b.buf);
}

static void
send_accept(struct ctx *x, struct waba *w, const char *input,
    const char *wa_id, const char *type)
{
	char wamid[96];
	jv contact, msg, rec;
	char *line;

	new_wamid(wamid, sizeof(wamid));
	contact = JV_OBJECT(jv_string("input"), jv_string(input));
	if (wa_id)
		contact = jset(contact, "wa_id", jv_string(wa_id));
	else if (param(x, "recipient") &&
	    jkind(x->params, "to") == JV_KIND_INVALID)
		contact = jset(contact, "user_id", jv_string(input));
	msg = JV_OBJECT(jv_string("id"), jv_string(wamid));
	if (!strcmp(type, "template"))
		msg = jset(msg, "message_status", jv_string("accepted"));
	rec = JV_OBJECT(jv_string("id"), jv_string(wamid),
	    jv_string("phone_number_id"), jv_string(x->seg[0]),
	    jv_string("waba_id"), jv_string(w->id),
	    jv_string("to"), jv_string(input),
	    jv_string("wa_id"), wa_id ? jv_string(wa_id) : jv_null(),
	    jv_string("type"), jv_string(type),
	    jv_string("seq"), jv_number((double)g.seq + 1),
	    jv_string("time_ms"), jv_number((double)x->r->t_ms));
	rec = jset(rec, "request", jv_copy(x->body));
	line = xstrdup(jv_string_value(rec = jv_dump_string(rec, 0)));
	jv_free(rec);
	ring_push(&g.msgs, line);
	reply_json(&x->rp, 200, JV_OBJECT(
	    jv_string("messaging_product"), jv_string("whatsapp"),
	    jv_string("contacts"), jv_array_append(jv_array(), contact),
	    jv_string("messages"), jv_array_append(jv_array(), msg)));
}

static void
h_messages(struct ctx *x, struct waba *w, int i)
{
	jv n;
	int ok;
	char *input = NULL, *wa_id = NULL;
	const char *type = param(x, "type");

	if (!is_post(x)) {
		err_unsupported(x, x->seg[0]);
		return;
	}
	if (check_product(x) < 0)
		return;
	if (jkind(x->params, "status") != JV_KIND_INVALID) {
		h_mark_read(x);
		return;
	}
	n = number_get(w, i);
	ok = jstreq(n, "status", "CONNECTED") &&
	    jstreq(n, "platform_type", "CLOUD_API");
	jv_free(n);
	if (!ok) {
		err_wa(x, 133010, "Phone number %s is not registered on the "
		    "Cloud API.", x->seg[0]);
		return;
	}
	if (!type)
		type = "text";
	if (send_recipient(x, &input, &wa_id) == 0 &&
	    check_envelope(x) == 0 && check_type(x, w, type) == 0)
		send_accept(x, w, input, wa_id, type);
	free(input);
	free(wa_id);
}

/* The Marketing Messages API (2026): template messages only, otherwise
 * the same checks and answer as /messages. */
static void
h_marketing_messages(struct ctx *x, struct waba *w, int i)
{
	const char *type = param(x, "type");

	if (check_product(x) < 0)
		return;
	if (!type || strcmp(type, "template")) {
		err_wa(x, 100, "Param type must be one of {template} - got "
		    "\"%s\".", type ? type : "");
		return;
	}
	h_messages(x, w, i);
}

/* ---- media ---- */

static const struct {
	const char *mime;
	long max;
} mimes[] = {
	{ "audio/aac", 16L << 20 }, { "audio/amr", 16L << 20 },
	{ "audio/mpeg", 16L << 20 }, { "audio/mp4", 16L << 20 },
	{ "audio/ogg", 16L << 20 }, { "text/plain", 100L << 20 },
	{ "application/pdf", 100L << 20 },
	{ "application/vnd.ms-excel", 100L << 20 },
	{ "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	    100L << 20 },
	{ "application/msword", 100L << 20 },
	{ "application/vnd.openxmlformats-officedocument.wordprocessingml."
	    "document", 100L << 20 },
	{ "application/vnd.ms-powerpoint", 100L << 20 },
	{ "application/vnd.openxmlformats-officedocument.presentationml."
	    "presentation", 100L << 20 },
	{ "image/jpeg", 5L << 20 }, { "image/png", 5L << 20 },
	{ "image/webp", 500L << 10 }, { "video/mp4", 16L << 20 },
	{ "video/3gpp", 16L << 20 },
};

/* Size limit for mime ("audio/ogg; codecs=opus" is audio/ogg), or -1. */
static long
mime_max(const char *mime)
{
	size_t i, n = strcspn(mime, "; ");

	for (i = 0; i < sizeof(mimes) / sizeof(mimes[0]); i++)
		if (strlen(mimes[i].mime) == n &&
		    strncasecmp(mimes[i].mime, mime, n) == 0)
			return mimes[i].max;
	return -1;
}

static void
h_media_upload(struct ctx *x, struct waba *w, int i)
{
	struct media *m;
	const char *mime;
	long max;

	if (!is_post(x)) {
		err_unsupported(x, x->seg[0]);
		return;
	}
	if (check_product(x) < 0)
		return;
	if (!x->file) {
		err_param(x, "(#100) The parameter file is required.");
		return;
	}
	mime = x->file->ctype && strcasecmp(x->file->ctype,
	    "application/octet-stream") ? x->file->ctype : param(x, "type");
	if (!mime || (max = mime_max(mime)) < 0) {
		err_wa(x, 131053, "Param file must be a file with one of the "
		    "following types: audio/aac, audio/amr, audio/mpeg, "
		    "audio/mp4, audio/ogg, text/plain, application/pdf, "
		    "application/msword, application/vnd.ms-excel, "
		    "application/vnd.ms-powerpoint, image/jpeg, image/png, "
		    "image/webp, video/mp4, video/3gpp. Received file of type "
		    "'%s'.", mime ? mime : "");
		return;
	}
	if ((long)x->file->len > max) {
		err_wa(x, 131053, "File too big: %zu bytes; the maximum for "
		    "%s is %ld bytes.", x->file->len, mime, max);
		return;
	}
	m = xmalloc(sizeof(*m));
	memset(m, 0, sizeof(*m));
	new_id(m->id, sizeof(m->id));
	snprintf(m->pnid, sizeof(m->pnid), "%s", x->seg[0]);
	m->mime = xstrdup(mime);
	m->filename = x->file->filename ? xstrdup(x->file->filename) : NULL;
	m->buf = x->r->body;	/* the file bytes stay where they arrived */
	x->r->body = NULL;
	m->data = x->file->data;
	m->len = x->file->len;
	memcpy(m->sha, x->file_sha, sizeof(m->sha));
	media_add(m);
	reply_json(&x->rp, 200, JV_OBJECT(jv_string("id"), jv_string(m->id)));
}

static void
h_media(struct ctx *x, struct media *m, size_t idx)
{
	const char *pn = jstr(x->query, "phone_number_id");
	char url[256];

	if (pn && m->pnid[0] && strcmp(pn, m->pnid)) {
		err_param(x, "(#100) Invalid parameter: the media does not "
		    "belong to this phone number.");
		return;
	}
	if (is_delete(x)) {
		media_remove(idx);
		reply_success(&x->rp);
		return;
	}
	if (!is_get(x)) {
		err_unsupported(x, m->id);
		return;
	}
	snprintf(url, sizeof(url), "%s/_media/%s?mid=%s&ext=%lld&hash=%.16s",
	    g.base, m->id, m->id, x->r->t_ms, m->sha);
	reply_json(&x->rp, 200, JV_OBJECT(
	    jv_string("messaging_product"), jv_string("whatsapp"),
	    jv_string("url"), jv_string(url),
	    jv_string("mime_type"), jv_string(m->mime),
	    jv_string("sha256"), jv_string(m->sha),
	    jv_string("file_size"), jv_number((double)m->len),
	    jv_string("id"), jv_string(m->id)));
}

static void
h_download(struct ctx *x)
{
	struct media *m = media_find(x->seg[1], NULL);
	char *copy;

	if (!m) {
		reply_err(&x->rp, 404, err_new(100, "OAuthException",
		    "(#100) Media not found or URL expired"));
		return;
	}
	copy = xmalloc(m->len);
	memcpy(copy, m->data, m->len);
	snprintf(x->rp.ctype_buf, sizeof(x->rp.ctype_buf), "%s", m->mime);
	reply_raw(&x->rp, 200, x->rp.ctype_buf, copy, m->len);
}

/* ---- business accounts ---- */

static void
h_waba_node(struct ctx *x, struct waba *w)
{
	if (!is_get(x)) {
		err_unsupported(x, w->id);
		return;
	}
	reply_json(&x->rp, 200, project(jset(jv_copy(w->info), "id",
	    jv_string(w->id)), jstr(x->query, "fields"), NULL));
}

/* POST /{waba-id}/phone_numbers {cc, phone_number, verified_name}:
 * creates a number still to be verified and registered; {"id":...}. */
static void
h_phone_number_create(struct ctx *x, struct waba *w)
{
	static const char *const req[] = { "cc", "phone_number",
					   "verified_name" };
	char id[32], msg[128], *disp;
	size_t i, n;

	for (i = 0; i < sizeof(req) / sizeof(req[0]); i++)
		if (!param(x, req[i]) || !*param(x, req[i])) {
			snprintf(msg, sizeof(msg), "(#100) The parameter %s "
				 "is required", req[i]);
			err_param(x, msg);
			return;
		}
	if (jv_array_length(jv_copy(w->numbers)) >= 25) {
		err_param(x, "(#100) This WhatsApp Business Account has "
			  "reached its limit of phone numbers");
		return;
	}
	new_id(id, sizeof(id));
	n = strlen(param(x, "cc")) + strlen(param(x, "phone_number")) + 3;
	disp = malloc(n);
	if (!disp)
		abort();
	snprintf(disp, n, "+%s %s", param(x, "cc"), param(x, "phone_number"));
	w->numbers = jv_array_append(w->numbers, jset(JV_OBJECT(
	    jv_string("id"), jv_string(id),
	    jv_string("display_phone_number"), jv_string(disp),
	    jv_string("verified_name"), jv_string(param(x, "verified_name")),
	    jv_string("code_verification_status"), jv_string("NOT_VERIFIED"),
	    jv_string("quality_rating"), jv_string("UNKNOWN"),
	    jv_string("platform_type"), jv_string("NOT_APPLICABLE"),
	    jv_string("status"), jv_string("PENDING"),
	    jv_string("name_status"), jv_string("PENDING_REVIEW"),
	    jv_string("account_mode"), jv_string("LIVE")), "throughput",
	    JV_OBJECT(jv_string("level"), jv_string("STANDARD"))));
	free(disp);
	reply_json(&x->rp, 200, JV_OBJECT(jv_string("id"), jv_string(id)));
}

static void
h_phone_numbers(struct ctx *x, struct waba *w)
{
	const char *fields = jstr(x->query, "fields");
	jv items = jv_array();

	if (is_post(x)) {
		h_phone_number_create(x, w);
		return;
	}
	if (!is_get(x)) {
		err_unsupported(x, w->id);
		return;
	}
	jv_array_foreach(w->numbers, i, n)
		items = jv_array_append(items, project(n, fields,
		    list_defaults));
	reply_page(x, items, 25);
}

static void
h_subscribed_apps(struct ctx *x, struct waba *w)
{
	const char *uri = param(x, "override_callback_uri");
	jv app;

	if (is_get(x)) {
		reply_json(&x->rp, 200, JV_OBJECT(jv_string("data"),
		    jv_copy(w->apps)));
		return;
	}
	if (is_delete(x)) {
		jv_free(w->apps);
		w->apps = jv_array();
		reply_success(&x->rp);
		return;
	}
	if (!is_post(x)) {
		err_unsupported(x, w->id);
		return;
	}
	if (uri && !param(x, "verify_token")) {
		err_param(x, "(#100) The parameter verify_token is required.");
		return;
	}
	app = JV_OBJECT(jv_string("whatsapp_business_api_data"), JV_OBJECT(
	    jv_string("id"), jv_string(FG_APP_ID),
	    jv_string("link"), jv_string("https://www.facebook.com/games/"
	    "?app_id=" FG_APP_ID),
	    jv_string("name"), jv_string("wa test app")));
	if (uri)
		app = jset(app, "override_callback_uri", jv_string(uri));
	jv_free(w->apps);
	w->apps = jv_array_append(jv_array(), app);
	reply_success(&x->rp);
}

static void
h_waba(struct ctx *x, struct waba *w)
{
	const char *edge = x->seg[1];

	if (!edge)
		h_waba_node(x, w);
	else if (!strcmp(edge, "phone_numbers"))
		h_phone_numbers(x, w);
	else if (!strcmp(edge, "subscribed_apps"))
		h_subscribed_apps(x, w);
	else if (strcmp(edge, "message_templates"))
		err_field(x, edge, "WhatsAppBusinessAccount");
	else if (is_get(x))
		h_templates_get(x, w);
	else if (is_post(x))
		h_template_create(x, w);
	else if (is_delete(x))
		h_templates_delete(x, w);
	else
		err_unsupported(x, w->id);
}

static void
h_phone(struct ctx *x, struct waba *w, int i)
{
	static const struct {
		const char *edge;
		void (*fn)(struct ctx *, struct waba *, int);
		int post_only;
	} t[] = {
		{ "messages", h_messages, 1 },
		{ "marketing_messages", h_marketing_messages, 1 },
		{ "media", h_media_upload, 1 },
		{ "request_code", h_request_code, 1 },
		{ "verify_code", h_verify_code, 1 },
		{ "register", h_register, 1 },
		{ "deregister", h_deregister, 1 },
		{ "whatsapp_business_profile", h_profile, 0 },
	};
	size_t k;

	if (!x->seg[1]) {
		h_number(x, w, i);
		return;
	}
	for (k = 0; k < sizeof(t) / sizeof(t[0]); k++) {
		if (strcmp(t[k].edge, x->seg[1]))
			continue;
		if (t[k].post_only && !is_post(x))
			err_unsupported(x, x->seg[0]);
		else
			t[k].fn(x, w, i);
		return;
	}
	if (is_get(x))
		err_field(x, x->seg[1], "WhatsAppBusinessPhoneNumber");
	else
		err_unsupported(x, x->seg[0]);
}

static void
route(struct ctx *x)
{
	struct waba *w;
	struct media *m;
	size_t mi;
	int i;
	char msg[256];

	if (x->nseg == 2 && !strcmp(x->seg[0], "_media"))
		h_download(x);
	else if (x->nseg == 0)
		err_unsupported(x, "");
	else if (x->nseg > 2) {
		snprintf(msg, sizeof(msg), "Unknown path components: %s",
		    x->path + strlen(x->seg[0]) + 1);
		reply_err(&x->rp, 400, err_new(2500, "OAuthException", msg));
	} else if ((w = number_find(x->seg[0], &i)) != NULL)
		h_phone(x, w, i);
	else if ((w = waba_find(x->seg[0])) != NULL)
		h_waba(x, w);
	else if ((w = template_find(x->seg[0], &i)) != NULL && !x->seg[1])
		h_template(x, w, i);
	else if ((m = media_find(x->seg[0], &mi)) != NULL && !x->seg[1])
		h_media(x, m, mi);
	else if (is_delete(x) && !x->seg[1])
		err_param(x, "(#100) Invalid post_id parameter");
	else
		err_unsupported(x, x->seg[0]);
}

/* ---- faults ---- */

static char *
jdup(jv o, const char *k)
{
	const char *s = jstr(o, k);

	return s ? xstrdup(s) : NULL;
}

static long
jlong(jv o, const char *k, long def)
{
	jv v = jget(o, k);
	long r = def;

	if (jv_get_kind(v) == JV_KIND_NUMBER)
		r = (long)jv_number_value(v);
	else if (jv_get_kind(v) == JV_KIND_STRING &&
	    parse_long(jv_string_value(v), -1000000000L, 1000000000L, &r) < 0)
		r = def;
	jv_free(v);
	return r;
}

static void
fault_free(struct fault *f)
{
	free(f->method);
	free(f->suffix);
	free(f->contains);
	free(f->message);
	free(f->details);
	memset(f, 0, sizeof(*f));
}

/* Borrows r, one rule object. */
static int
fault_add(jv r)
{
	struct fault f;

	if (jv_get_kind(r) != JV_KIND_OBJECT)
		return -1;
	memset(&f, 0, sizeof(f));
	f.method = jdup(r, "method");
	f.suffix = jdup(r, "path_suffix");
	f.contains = jdup(r, "path_contains");
	f.times = jlong(r, "times", 1);
	f.http = jlong(r, "http", 0);
	f.code = jlong(r, "code", 0);
	f.subcode = jlong(r, "error_subcode", 0);
	f.retry_after = jlong(r, "retry_after", -1);
	f.delay_ms = jlong(r, "delay_ms", 0);
	f.drop = jkind(r, "drop") == JV_KIND_TRUE;
	f.process = jkind(r, "process") == JV_KIND_TRUE;
	f.message = jdup(r, "message");
	f.details = jdup(r, "details");
	if (!f.http && f.code)
		f.http = 400;
	g.faults = xrealloc(g.faults, (g.nfaults + 1) * sizeof(*g.faults));
	g.faults[g.nfaults++] = f;
	return 0;
}

static int
fault_matches(const struct fault *f, const struct ctx *x)
{
	size_t pl = strlen(x->path), sl = f->suffix ? strlen(f->suffix) : 0;

	return (!f->method || !strcasecmp(f->method, x->method)) &&
	    (!f->suffix || (pl >= sl && !strcmp(x->path + pl - sl,
	    f->suffix))) && (!f->contains || strstr(x->path, f->contains));
}

/* Takes the first matching rule into *out (owned), counting it down. */
static int
fault_take(const struct ctx *x, struct fault *out)
{
	size_t i;
	struct fault *f;

	for (i = 0; i < g.nfaults; i++) {
		f = &g.faults[i];
		if (!fault_matches(f, x))
			continue;
		*out = *f;
		if (f->times > 0 && --f->times == 0) {
			memmove(f, f + 1, (g.nfaults - i - 1) * sizeof(*f));
			g.nfaults--;
			return 1;
		}
		out->method = out->suffix = out->contains = NULL;
		out->message = f->message ? xstrdup(f->message) : NULL;
		out->details = f->details ? xstrdup(f->details) : NULL;
		return 1;
	}
	return 0;
}

static void
fault_apply(struct ctx *x, const struct fault *f)
{
	long code = f->code;
	jv e;

	x->rp.delay_ms += f->delay_ms;
	if (f->drop) {
		x->rp.status = 0;
		return;
	}
	if (!f->http)
		return;
	if (!code)
		code = f->http == 401 ? 190 : f->http == 429 ? 4 :
		    f->http >= 500 ? 2 : 100;
	e = err_new(code, "OAuthException", f->message);
	if (f->subcode)
		e = jset(e, "error_subcode", jv_number((double)f->subcode));
	if (code_transient(code))
		e = jset(e, "is_transient", jv_true());
	if (f->details)
		e = err_details(e, f->details);
	reply_err(&x->rp, (int)f->http, e);
	x->rp.retry_after = f->retry_after;
}

/* ---- state loading (seed file and /_fake/state) ---- */

static struct waba *
waba_add(const char *id)
{
	struct waba *w = waba_find(id);

	if (w)
		return w;
	g.wabas = xrealloc(g.wabas, (g.nwabas + 1) * sizeof(*g.wabas));
	w = &g.wabas[g.nwabas++];
	w->id = xstrdup(id);
	w->info = jv_object();
	w->numbers = jv_array();
	w->templates = jv_array();
	w->apps = jv_array();
	return w;
}

static jv
jarr_remove(jv a, int i)
{
	int n = jlen(a);

	return jv_array_concat(jv_array_slice(jv_copy(a), 0, i),
	    jv_array_slice(a, i + 1, n));
}

static jv
number_fill(jv n)
{
	static const char *const d[][2] = {
		{ "verified_name", "Test Number" },
		{ "code_verification_status", "VERIFIED" },
		{ "quality_rating", "GREEN" },
		{ "platform_type", "CLOUD_API" },
		{ "status", "CONNECTED" },
		{ "name_status", "APPROVED" },
		{ "account_mode", "LIVE" },
	};
	size_t i;

	for (i = 0; i < sizeof(d) / sizeof(d[0]); i++)
		if (jkind(n, d[i][0]) == JV_KIND_INVALID)
			n = jset(n, d[i][0], jv_string(d[i][1]));
	if (jkind(n, "throughput") == JV_KIND_INVALID)
		n = jset(n, "throughput", JV_OBJECT(jv_string("level"),
		    jv_string("STANDARD")));
	return n;
}

/* Adds a number to waba (or merges into the existing one); borrows n. */
static int
number_put(jv n, const char *waba)
{
	struct waba *cur, *dst;
	const char *id = jstr(n, "id");
	jv obj;
	int i;

	if (!id)
		return -1;
	if (waba)
		waba_add(waba);	/* before taking pointers: may move */
	cur = number_find(id, &i);
	dst = waba ? waba_find(waba) : cur;
	if (!dst)
		return -1;
	obj = jv_object_delete(jv_copy(n), jv_string("waba"));
	if (cur) {
		obj = jv_object_merge(number_get(cur, i), obj);
		cur->numbers = jarr_remove(cur->numbers, i);
	}
	dst->numbers = jv_array_append(dst->numbers, number_fill(obj));
	return 0;
}

/* Adds or replaces (same name and language) a template; borrows t. */
static int
template_put(jv t, const char *waba)
{
	struct waba *w;
	jv obj, comps, old;
	char id[24];
	int i = -1;

	if (!waba || !jstr(t, "name"))
		return -1;
	w = waba_add(waba);
	obj = jv_object_delete(jv_copy(t), jv_string("waba"));
	if (!jstr(obj, "id")) {
		new_id(id, sizeof(id));
		obj = jset(obj, "id", jv_string(id));
	}
	if (!jstr(obj, "language"))
		obj = jset(obj, "language", jv_string("en_US"));
	if (!jstr(obj, "status"))
		obj = jset(obj, "status", jv_string("APPROVED"));
	if (!jstr(obj, "category"))
		obj = jset(obj, "category", jv_string("UTILITY"));
	if (!jstr(obj, "parameter_format"))
		obj = jset(obj, "parameter_format", jv_string("POSITIONAL"));
	comps = jget(obj, "components");
	obj = jset(obj, "components", jlen(comps) >= 0 ?
	    normalize_components(comps) : (jv_free(comps), jv_array()));
	old = tpl_lookup(w, jstr(obj, "name"), jstr(obj, "language"));
	if (jv_get_kind(old) != JV_KIND_INVALID)
		i = jfind(w->templates, "id", jstr(old, "id"));
	jv_free(old);
	if (i >= 0)
		w->templates = jv_array_set(w->templates, i, obj);
	else
		w->templates = jv_array_append(w->templates, obj);
	return 0;
}

static void
templates_generate(const char *waba, long n)
{
	char buf[512];
	long k;
	jv t;

	for (k = 1; k <= n; k++) {
		snprintf(buf, sizeof(buf), "{\"name\":\"bulk_%03ld\","
		    "\"category\":\"UTILITY\",\"components\":[{\"type\":"
		    "\"BODY\",\"text\":\"Update {{1}}: item %ld is ready\","
		    "\"example\":{\"body_text\":[[\"Ann\"]]}}]}", k, k);
		t = jv_parse(buf);
		template_put(t, waba);
		jv_free(t);
	}
}

/* Seeds one media object: id, mime_type, content or content_base64. */
static int
media_put(jv o)
{
	struct media *m;
	const char *txt = jstr(o, "content"), *b64 = jstr(o, "content_base64");
	struct sb b = { 0 };
	char *id = jscalar(o, "id");
	size_t idx;

	if (b64 && b64_decode(b64, &b) < 0) {
		free(b.buf);
		free(id);
		return -1;
	}
	if (!b64 && txt)
		sb_adds(&b, txt);
	m = xmalloc(sizeof(*m));
	memset(m, 0, sizeof(*m));
	if (id)
		snprintf(m->id, sizeof(m->id), "%s", id);
	else
		new_id(m->id, sizeof(m->id));
	free(id);
	if (jstr(o, "phone_number_id"))
		snprintf(m->pnid, sizeof(m->pnid), "%s",
		    jstr(o, "phone_number_id"));
	m->mime = xstrdup(jstr(o, "mime_type") ? jstr(o, "mime_type") :
	    "application/octet-stream");
	m->filename = jdup(o, "filename");
	m->buf = sb_detach(&b, &m->len);
	m->data = m->buf;
	sha256_hex(m->data, m->len, m->sha);
	if (media_find(m->id, &idx))
		media_remove(idx);
	media_add(m);
	return 0;
}

/* {"name","language"?,"status"?,"category"?}: Meta approves, pauses or
 * recategorises a template (categories change after approval). */
static int
template_status(jv o)
{
	const char *name = jstr(o, "name"), *lang = jstr(o, "language");
	const char *st = jstr(o, "status"), *cat = jstr(o, "category");
	size_t k;
	int hits = 0;

	for (k = 0; name && (st || cat) && k < g.nwabas; k++) {
		jv_array_foreach(g.wabas[k].templates, i, t) {
			if (jstreq(t, "name", name) &&
			    (!lang || jstreq(t, "language", lang))) {
				if (st)
					t = jset(t, "status", jv_string(st));
				if (cat)
					t = jset(t, "category",
					    jv_string(cat));
				g.wabas[k].templates = jv_array_set(
				    g.wabas[k].templates, i, t);
				hits++;
			} else
				jv_free(t);
		}
	}
	return hits ? 0 : -1;
}

static void
waba_namespace(struct waba *w)
{
	char sha[65], ns[40];

	if (jstr(w->info, "message_template_namespace"))
		return;
	sha256_hex(w->id, strlen(w->id), sha);
	snprintf(ns, sizeof(ns), "%.8s_%.4s_%.4s_%.4s_%.12s", sha, sha + 8,
	    sha + 12, sha + 16, sha + 20);
	w->info = jset(w->info, "message_template_namespace", jv_string(ns));
}

static int
waba_load(const char *id, jv wo)
{
	struct waba *w = waba_add(id);
	int bad = 0;

	if (jv_get_kind(wo) != JV_KIND_OBJECT)
		return -1;
	jv_object_foreach(wo, k, v) {
		const char *key = jv_string_value(k);

		if (!strcmp(key, "phone_numbers") && jlen(v) >= 0) {
			jv_array_foreach(v, i, n) {
				bad |= number_put(n, id);
				jv_free(n);
			}
		} else if (!strcmp(key, "templates") && jlen(v) >= 0) {
			jv_array_foreach(v, i, t) {
				bad |= template_put(t, id);
				jv_free(t);
			}
		} else if (!strcmp(key, "generate_templates") &&
		    jv_get_kind(v) == JV_KIND_NUMBER)
			templates_generate(id, (long)jv_number_value(v));
		else if (!strcmp(key, "subscribed_apps") && jlen(v) >= 0) {
			w = waba_find(id);
			jv_free(w->apps);
			w->apps = jv_copy(v);
		} else {
			w = waba_find(id);
			w->info = jv_object_set(w->info, jv_copy(k), jv_copy(v));
		}
		jv_free(k);
		jv_free(v);
	}
	waba_namespace(waba_find(id));
	return bad ? -1 : 0;
}

/* Calls fn on v, or on each element when v is an array. */
static int
each(jv v, int (*fn)(jv))
{
	int bad = 0;

	if (jv_get_kind(v) != JV_KIND_ARRAY)
		return fn(v);
	jv_array_foreach(v, i, e) {
		bad |= fn(e);
		jv_free(e);
	}
	return bad;
}

static int
number_put_any(jv n)
{
	return number_put(n, jstr(n, "waba"));
}

static int
template_put_any(jv t)
{
	return template_put(t, jstr(t, "waba"));
}

static int
profile_put(jv p)
{
	const char *id = jstr(p, "phone_number_id");

	if (!id)
		return -1;
	g.profiles = jset(g.profiles, id, jv_object_delete(jv_copy(p),
	    jv_string("phone_number_id")));
	return 0;
}

/* Applies a seed or /_fake/state object (borrowed); the key that failed
 * goes to *bad. */
static int
state_apply(jv s, const char **bad)
{
	int rc = 0;

	*bad = NULL;
	if (jv_get_kind(s) != JV_KIND_OBJECT) {
		*bad = "(not an object)";
		return -1;
	}
	jv_object_foreach(s, k, v) {
		const char *key = jv_string_value(k);
		int r = 0;

		if (!strcmp(key, "token") && jv_get_kind(v) == JV_KIND_STRING) {
			free(g.token);
			g.token = xstrdup(jv_string_value(v));
		} else if (!strcmp(key, "latency_ms"))
			g.latency_ms = jlong(s, key, 0);
		else if (!strcmp(key, "now") &&
		    jv_get_kind(v) == JV_KIND_NUMBER)
			g.clock = (long long)jv_number_value(v);
		else if (!strcmp(key, "wabas") &&
		    jv_get_kind(v) == JV_KIND_OBJECT) {
			jv_object_foreach(v, wid, wo) {
				r |= waba_load(jv_string_value(wid), wo);
				jv_free(wid);
				jv_free(wo);
			}
		} else if (!strcmp(key, "business_profiles") &&
		    jv_get_kind(v) == JV_KIND_OBJECT)
			g.profiles = jv_object_merge(g.profiles, jv_copy(v));
		else if (!strcmp(key, "business_profile"))
			r = each(v, profile_put);
		else if (!strcmp(key, "media"))
			r = each(v, media_put);
		else if (!strcmp(key, "faults"))
			r = each(v, fault_add);
		else if (!strcmp(key, "template_status"))
			r = each(v, template_status);
		else if (!strcmp(key, "phone_number"))
			r = each(v, number_put_any);
		else if (!strcmp(key, "template"))
			r = each(v, template_put_any);
		else
			r = -1;
		if (r && !*bad) {
			static char keybuf[64];	/* under g.lock */

			snprintf(keybuf, sizeof(keybuf), "%s", key);
			*bad = keybuf;
			rc = -1;
		}
		jv_free(k);
		jv_free(v);
	}
	return rc;
}

/* ---- request parsing ---- */

/* Form or query fields; values that look like JSON are parsed, as Graph
 * does for form posts. */
static jv
parse_form(const char *s, size_t n)
{
	const char *p = s, *end = s + n, *amp, *eq;
	char *k, *v;
	jv o = jv_object(), val;

	while (p < end) {
		if ((amp = memchr(p, '&', (size_t)(end - p))) == NULL)
			amp = end;
		eq = memchr(p, '=', (size_t)(amp - p));
		if (amp > p) {
			k = url_decode(p, (size_t)((eq ? eq : amp) - p), 1);
			v = eq ? url_decode(eq + 1, (size_t)(amp - eq - 1), 1) :
			    xstrdup("");
			val = jv_invalid();
			if (*v == '{' || *v == '[')
				val = jv_parse(v);
			if (!jv_is_valid(val)) {
				jv_free(val);
				val = jv_string(v);
			}
			o = jset(o, k, val);
			free(k);
			free(v);
		}
		p = amp + 1;
	}
	return o;
}

/* The value of key="..." in a header line (owned), or NULL. */
static char *
hdr_param(const char *line, size_t n, const char *key)
{
	size_t kl = strlen(key), i;
	const char *v, *q;

	for (i = 1; i + kl + 2 <= n; i++) {
		if ((line[i - 1] != ' ' && line[i - 1] != ';') ||
		    strncasecmp(line + i, key, kl) || line[i + kl] != '=')
			continue;
		v = line + i + kl + 1;
		if (*v == '"') {
			v++;
			q = memchr(v, '"', n - (size_t)(v - line));
		} else {
			q = v;
			while (q < line + n && *q != ';')
				q++;
		}
		return q ? xstrndup(v, (size_t)(q - v)) : NULL;
	}
	return NULL;
}

static void
part_headers(struct part *pt, const char *h, const char *end)
{
	const char *eol;
	size_t n;

	for (; h < end; h = eol + 2) {
		if ((eol = find(h, (size_t)(end - h), "\r\n")) == NULL)
			eol = end;
		n = (size_t)(eol - h);
		if (n > 20 && !strncasecmp(h, "Content-Disposition:", 20)) {
			pt->name = hdr_param(h, n, "name");
			pt->filename = hdr_param(h, n, "filename");
		} else if (n > 13 && !strncasecmp(h, "Content-Type:", 13)) {
			h += 13;
			while (h < eol && *h == ' ')
				h++;
			pt->ctype = xstrndup(h, (size_t)(eol - h));
		}
	}
}

static void
multipart_parse(struct ctx *x)
{
	const char *b = strstr(x->ctype, "boundary="), *body = x->r->body;
	const char *end = body + x->r->len, *p, *h, *next;
	char delim[256];
	size_t n, dl;
	struct part *pt;

	if (!b || !body)
		return;
	b += 9;
	if (*b == '"')
		n = strcspn(++b, "\"");
	else
		n = strcspn(b, "; ");
	if (n == 0 || n > 200)
		return;
	dl = (size_t)snprintf(delim, sizeof(delim), "\r\n--%.*s", (int)n, b);
	if ((p = find(body, x->r->len, delim + 2)) == NULL)
		return;
	for (p += dl - 2; end - p >= 2 && strncmp(p, "--", 2);
	    p = next + dl) {
		if (!strncmp(p, "\r\n", 2))
			p += 2;
		if ((h = find(p, (size_t)(end - p), "\r\n\r\n")) == NULL ||
		    (next = find(h + 4, (size_t)(end - h - 4), delim)) == NULL)
			break;
		x->parts = xrealloc(x->parts, (x->nparts + 1) *
		    sizeof(*x->parts));
		pt = &x->parts[x->nparts++];
		memset(pt, 0, sizeof(*pt));
		part_headers(pt, p, h);
		pt->data = h + 4;
		pt->len = (size_t)(next - h - 4);
	}
	for (n = 0; n < x->nparts; n++)
		if (x->parts[n].filename || (x->parts[n].name &&
		    !strcmp(x->parts[n].name, "file")))
			x->file = &x->parts[n];
	if (x->file)
		sha256_hex(x->file->data, x->file->len, x->file_sha);
}

/* Path, version, segments and multipart parts: no jv, no lock. */
static void
ctx_open(struct ctx *x)
{
	const char *uri = x->r->uri, *q = strchr(uri, '?'), *p, *e;
	char *path, *save, *s;

	x->rawq = q ? q + 1 : "";
	path = url_decode(uri, q ? (size_t)(q - uri) : strlen(uri), 0);
	p = path;
	if (p[0] == '/' && p[1] == 'v' && isdigit((unsigned char)p[2])) {
		for (e = p + 2; isdigit((unsigned char)*e) || *e == '.'; e++)
			;
		if (*e == '/' || !*e) {
			snprintf(x->version, sizeof(x->version), "%.*s",
			    (int)(e - p - 1), p + 1);
			p = e;
		}
	}
	if (!x->version[0])
		snprintf(x->version, sizeof(x->version), "v25.0");
	x->path = xstrdup(*p ? p : "/");
	free(path);
	x->segbuf = xstrdup(x->path);
	for (s = strtok_r(x->segbuf, "/", &save); s;
	    s = strtok_r(NULL, "/", &save))
		if (x->nseg++ < 3)
			x->seg[x->nseg - 1] = s;
	x->ctype = MHD_lookup_connection_value(x->conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_CONTENT_TYPE);
	if (x->ctype && !strncasecmp(x->ctype, "multipart/form-data", 19) &&
	    !x->r->too_big)
		multipart_parse(x);
}

static jv
multipart_jv(struct ctx *x)
{
	jv fields = jv_object(), out;
	size_t i;

	for (i = 0; i < x->nparts; i++)
		if (&x->parts[i] != x->file && x->parts[i].name)
			fields = jset(fields, x->parts[i].name,
			    jv_string_sized(x->parts[i].data,
			    (int)x->parts[i].len));
	out = JV_OBJECT(jv_string("fields"), fields);
	if (x->file) {
		out = jset(out, "file_size", jv_number((double)x->file->len));
		out = jset(out, "file_mime", x->file->ctype ?
		    jv_string(x->file->ctype) : jv_null());
		out = jset(out, "file_name", x->file->filename ?
		    jv_string(x->file->filename) : jv_null());
	}
	return out;
}

/* Query, body and params as jv: under the lock. */
static void
ctx_load(struct ctx *x)
{
	const char *b = x->r->body;
	size_t i = 0, n = x->r->len;
	jv v;

	x->query = parse_form(x->rawq, strlen(x->rawq));
	x->params = jv_copy(x->query);
	x->body = jv_null();
	if (x->r->too_big || !n)
		return;
	while (i < n && isspace((unsigned char)b[i]))
		i++;
	if (x->ctype && !strncasecmp(x->ctype, "multipart/form-data", 19)) {
		jv_free(x->body);
		x->body = multipart_jv(x);
		v = jget(x->body, "fields");
	} else if (i < n && (b[i] == '{' || b[i] == '[')) {
		v = jv_parse_sized(b, (int)n);
		if (!jv_is_valid(v)) {
			jv_free(v);
			x->body_bad = 1;
			return;
		}
		jv_free(x->body);
		x->body = jv_copy(v);
	} else {
		v = parse_form(b, n);
		jv_free(x->body);
		x->body = jv_copy(v);
	}
	if (jv_get_kind(v) == JV_KIND_OBJECT)
		x->params = jv_object_merge(x->params, v);
	else
		jv_free(v);
}

static void
ctx_close(struct ctx *x)
{
	size_t i;

	for (i = 0; i < x->nparts; i++) {
		free(x->parts[i].name);
		free(x->parts[i].filename);
		free(x->parts[i].ctype);
	}
	free(x->parts);
	free(x->path);
	free(x->segbuf);
	free(x->rp.body);
}

/* ---- the request log and control endpoints ---- */

static void
log_request(struct ctx *x)
{
	const char *ua = MHD_lookup_connection_value(x->conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_USER_AGENT);
	jv e, s;
	char *line;

	e = JV_OBJECT(jv_string("seq"), jv_number((double)++g.seq),
	    jv_string("method"), jv_string(x->method),
	    jv_string("path"), jv_string(x->path),
	    jv_string("query"), jv_string(x->rawq),
	    jv_string("auth"), jv_bool(x->auth),
	    jv_string("content_type"), x->ctype ? jv_string(x->ctype) :
	    jv_null(),
	    jv_string("body"), jv_copy(x->body),
	    jv_string("time_ms"), jv_number((double)x->r->t_ms));
	e = jset(e, "status", jv_number(x->rp.status));
	e = jset(e, "user_agent", ua ? jv_string(ua) : jv_null());
	if (x->body_bad)
		e = jset(e, "body_error", jv_string("invalid JSON"));
	s = jv_dump_string(e, 0);
	line = xstrdup(jv_string_value(s));
	jv_free(s);
	if (g.logf) {
		fputs(line, g.logf);
		fputc('\n', g.logf);
		fflush(g.logf);
	}
	ring_push(&g.log, line);
}

/* Control answers are plain jq-style JSON, not Graph-escaped. */
static void
reply_plain(struct reply *rp, int status, jv v)
{
	jv s = jv_dump_string(v, 0);
	char *body = xstrdup(jv_string_value(s));

	jv_free(s);
	reply_raw(rp, status, "application/json", body, strlen(body));
}

static jv
state_dump(void)
{
	jv wabas = jv_object(), media = jv_array(), w;
	size_t i;

	for (i = 0; i < g.nwabas; i++) {
		w = jv_copy(g.wabas[i].info);
		w = jset(w, "phone_numbers", jv_copy(g.wabas[i].numbers));
		w = jset(w, "templates", jv_copy(g.wabas[i].templates));
		w = jset(w, "subscribed_apps", jv_copy(g.wabas[i].apps));
		wabas = jset(wabas, g.wabas[i].id, w);
	}
	for (i = 0; i < g.nmedia; i++)
		media = jv_array_append(media, JV_OBJECT(
		    jv_string("id"), jv_string(g.media[i]->id),
		    jv_string("mime_type"), jv_string(g.media[i]->mime),
		    jv_string("file_size"), jv_number((double)g.media[i]->len),
		    jv_string("sha256"), jv_string(g.media[i]->sha),
		    jv_string("phone_number_id"), jv_string(g.media[i]->pnid)));
	return JV_OBJECT(jv_string("wabas"), wabas,
	    jv_string("business_profiles"), jv_copy(g.profiles),
	    jv_string("media"), media,
	    jv_string("faults"), jv_number((double)g.nfaults),
	    jv_string("latency_ms"), jv_number((double)g.latency_ms),
	    jv_string("now"), jv_number((double)fake_now()),
	    jv_string("requests"), jv_number((double)g.log.n),
	    jv_string("messages"), jv_number((double)g.msgs.n));
}

static void
control_post(struct ctx *x, const char *what)
{
	const char *bad;
	size_t i;

	if (!strcmp(what, "reset")) {
		ring_clear(&g.log);
		g.seq = 0;
		for (i = 0; i < g.nfaults; i++)
			fault_free(&g.faults[i]);
		g.nfaults = 0;
		g.latency_ms = 0;
		if (jkind(x->params, "messages") == JV_KIND_TRUE)
			ring_clear(&g.msgs);
		reply_plain(&x->rp, 200, JV_OBJECT(jv_string("success"),
		    jv_true()));
	} else if (!strcmp(what, "fault")) {
		if (each(x->body, fault_add) < 0)
			reply_plain(&x->rp, 400, JV_OBJECT(jv_string("error"),
			    jv_string("a fault rule is a JSON object")));
		else
			reply_plain(&x->rp, 200, JV_OBJECT(
			    jv_string("success"), jv_true(),
			    jv_string("rules"), jv_number((double)g.nfaults)));
	} else if (!strcmp(what, "latency") &&
	    jlong(x->params, "ms", -1) >= 0) {
		g.latency_ms = jlong(x->params, "ms", 0);
		reply_plain(&x->rp, 200, JV_OBJECT(jv_string("success"),
		    jv_true()));
	} else if (!strcmp(what, "state")) {
		if (state_apply(x->body, &bad) < 0)
			reply_plain(&x->rp, 400, JV_OBJECT(jv_string("error"),
			    jv_string_fmt("cannot apply '%s'", bad)));
		else
			reply_plain(&x->rp, 200, JV_OBJECT(
			    jv_string("success"), jv_true()));
	} else
		reply_plain(&x->rp, 404, JV_OBJECT(jv_string("error"),
		    jv_string("unknown control endpoint")));
}

static void
control(struct ctx *x)
{
	const char *what = x->path + strlen("/_fake/");
	char *body;
	size_t len;

	if (is_post(x)) {
		control_post(x, what);
		return;
	}
	if (!strcmp(what, "requests") || !strcmp(what, "messages")) {
		body = ring_join(what[0] == 'r' ? &g.log : &g.msgs, &len);
		reply_raw(&x->rp, 200, "application/x-ndjson", body, len);
	} else if (!strcmp(what, "state"))
		reply_plain(&x->rp, 200, state_dump());
	else
		reply_plain(&x->rp, 404, JV_OBJECT(jv_string("error"),
		    jv_string("unknown control endpoint")));
}

static void
check_auth(struct ctx *x)
{
	const char *h = MHD_lookup_connection_value(x->conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_AUTHORIZATION);
	const char *tok = jstr(x->query, "access_token");

	if (h && !strncasecmp(h, "Bearer ", 7))
		tok = h + 7;
	else if (h && !strncasecmp(h, "OAuth ", 6))
		tok = h + 6;
	x->auth = tok && g.token && !strcmp(tok, g.token);
}

/* A Graph request: faults, auth, routing, the log. */
static void
graph(struct ctx *x)
{
	struct fault f;
	int hit = fault_take(x, &f);

	check_auth(x);
	if (!hit || f.process || (!f.http && !f.drop)) {
		if (!x->auth) {
			reply_err(&x->rp, 401, err_new(190, "OAuthException",
			    NULL));
			x->rp.www_auth = 1;
		} else if (x->body_bad)
			err_param(x, "(#100) The request body is not valid "
			    "JSON.");
		else if (x->r->too_big)
			reply_err(&x->rp, 413, err_new(100, "OAuthException",
			    "(#100) Request body is too large"));
		else
			route(x);
	}
	if (hit) {
		fault_apply(x, &f);
		fault_free(&f);
	}
	trace_id(x->rp.trace);
	log_request(x);
}

/* ---- HTTP glue ---- */

static void
nap(long ms)
{
	struct timespec t;
	long step;

	while (ms > 0 && !atomic_load(&g.stopping)) {
		step = ms < 50 ? ms : 50;
		t.tv_sec = 0;
		t.tv_nsec = step * 1000000L;
		nanosleep(&t, NULL);
		ms -= step;
	}
}

static enum MHD_Result
send_reply(struct MHD_Connection *c, struct ctx *x)
{
	struct reply *rp = &x->rp;
	struct MHD_Response *resp;
	enum MHD_Result ret;
	char num[32];

	if (rp->status == 0)
		return MHD_NO;	/* a dropped connection: no bytes at all */
	resp = MHD_create_response_from_buffer(rp->len, rp->body,
	    MHD_RESPMEM_MUST_FREE);
	rp->body = NULL;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
	    rp->ctype ? rp->ctype : "application/json");
	if (rp->trace[0]) {
		MHD_add_response_header(resp, "x-fb-trace-id", rp->trace);
		MHD_add_response_header(resp, "x-fb-request-id", rp->trace);
		MHD_add_response_header(resp, "facebook-api-version",
		    x->version);
	}
	if (rp->retry_after >= 0) {
		snprintf(num, sizeof(num), "%ld", rp->retry_after);
		MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, num);
	}
	if (rp->www_auth)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
		    "OAuth \"Facebook Platform\" \"invalid_token\" \"Invalid "
		    "OAuth access token - Cannot parse access token\"");
	ret = MHD_queue_response(c, (unsigned)rp->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result
respond(struct MHD_Connection *c, const char *method, struct req *r)
{
	struct ctx x;
	enum MHD_Result ret;
	long wait = 0;
	int ctl;

	memset(&x, 0, sizeof(x));
	x.conn = c;
	x.r = r;
	x.method = method;
	x.rp.retry_after = -1;
	ctx_open(&x);
	ctl = !strncmp(x.path, "/_fake/", 7);
	pthread_mutex_lock(&g.lock);
	ctx_load(&x);
	if (ctl)
		control(&x);
	else {
		graph(&x);
		wait = g.latency_ms + x.rp.delay_ms;
	}
	jv_free(x.query);
	jv_free(x.body);
	jv_free(x.params);
	pthread_mutex_unlock(&g.lock);
	nap(wait);
	ret = send_reply(c, &x);
	ctx_close(&x);
	return ret;
}

static void *
on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
	struct req *r = xmalloc(sizeof(*r));

	memset(r, 0, sizeof(*r));
	r->uri = xstrdup(uri);
	return r;
}

static void
on_done(void *cls, struct MHD_Connection *c, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct req *r = *con_cls;

	if (!r)
		return;
	free(r->uri);
	free(r->body);
	free(r);
	*con_cls = NULL;
}

static void
body_add(struct req *r, const char *data, size_t n)
{
	if (r->too_big || r->len + n > (size_t)FG_BODY_MAX) {
		r->too_big = 1;
		return;
	}
	if (r->len + n + 1 > r->cap) {
		r->cap = (r->len + n + 1) * 2;
		r->body = xrealloc(r->body, r->cap);
	}
	memcpy(r->body + r->len, data, n);
	r->len += n;
	r->body[r->len] = '\0';
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *data,
    size_t *size, void **con_cls)
{
	struct req *r = *con_cls;

	if (!r)
		*con_cls = r = on_uri(cls, url, c);
	if (!r->started) {
		r->started = 1;
		r->t_ms = now_ms();
		return MHD_YES;
	}
	if (*size) {
		body_add(r, data, *size);
		*size = 0;
		return MHD_YES;
	}
	return respond(c, method, r);
}

/* ---- main ---- */

static const char usage[] =
    "usage: fake-graph --port-file FILE [--listen ADDR:PORT] "
    "[--seed FIXTURE.json]\n"
    "                  [--log REQUESTS.jsonl] [--latency-ms N] "
    "[--token TOKEN]\n";

struct opts {
	const char *port_file, *seed, *log, *token;
	struct sockaddr_in addr;
	long latency;
};

static int
parse_listen(const char *s, struct sockaddr_in *sa)
{
	const char *colon = strrchr(s, ':');
	char host[64];
	long port;

	if (!colon || (size_t)(colon - s) >= sizeof(host) ||
	    parse_long(colon + 1, 0, 65535, &port) < 0)
		return -1;
	memcpy(host, s, (size_t)(colon - s));
	host[colon - s] = '\0';
	sa->sin_family = AF_INET;
	sa->sin_port = htons((uint16_t)port);
	return inet_pton(AF_INET, host, &sa->sin_addr) == 1 ? 0 : -1;
}

static void
parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{ "port-file", required_argument, NULL, 'p' },
		{ "listen", required_argument, NULL, 'l' },
		{ "seed", required_argument, NULL, 's' },
		{ "log", required_argument, NULL, 'L' },
		{ "latency-ms", required_argument, NULL, 'd' },
		{ "token", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(o, 0, sizeof(*o));
	parse_listen("127.0.0.1:0", &o->addr);
	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case 'p': o->port_file = optarg; break;
		case 's': o->seed = optarg; break;
		case 'L': o->log = optarg; break;
		case 't': o->token = optarg; break;
		case 'l':
			if (parse_listen(optarg, &o->addr) == 0)
				break;
			fprintf(stderr, "%s: bad --listen '%s': want "
			    "ADDR:PORT\n", program_invocation_short_name,
			    optarg);
			exit(64);
		case 'd':
			if (parse_long(optarg, 0, 600000, &o->latency) == 0)
				break;
			fprintf(stderr, "%s: bad --latency-ms '%s'\n",
			    program_invocation_short_name, optarg);
			exit(64);
		case 'h':
			fputs(usage, stdout);
			exit(0);
		default:	/* getopt named the option */
			fputs("Try 'fake-graph --help' for more information.\n",
			      stderr);
			exit(64);
		}
	}
	if (optind < argc || !o->port_file) {
		fprintf(stderr, "fake-graph: usage: %s\nTry 'fake-graph --help' "
			"for more information.\n", optind < argc ?
			"unexpected argument" : "--port-file is needed");
		exit(64);
	}
}

/* The suite's seed, tests/fixtures/graph-seed.json, built in (make writes
 * it into tests/graph-seed.h): the state without --seed. */
static const char builtin_seed[] =
#include "graph-seed.h"
    ;

static int
seed_load(const char *path)
{
	jv s = path ? jv_load_file(path, 0) : jv_parse(builtin_seed);
	const char *bad;
	int rc = 0;

	if (!path)
		path = "(built in)";
	if (!jv_is_valid(s)) {
		jv m = jv_invalid_get_msg(s);

		fprintf(stderr, "%s: seed '%s': %s\n",
		    program_invocation_short_name, path,
		    jv_get_kind(m) == JV_KIND_STRING ? jv_string_value(m) :
		    "cannot read");
		jv_free(m);
		return -1;
	}
	if (jv_get_kind(s) == JV_KIND_ARRAY && jlen(s) == 1)
		s = jv_array_get(s, 0);	/* jv_load_file wraps values */
	if (state_apply(s, &bad) < 0) {
		fprintf(stderr, "%s: seed '%s': bad key '%s'\n",
		    program_invocation_short_name, path, bad);
		rc = -1;
	}
	jv_free(s);
	return rc;
}

static int
write_port(const char *path, unsigned port)
{
	char tmp[4096];
	FILE *fp;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp))
		return -1;
	if ((fp = fopen(tmp, "w")) == NULL)
		return -1;
	fprintf(fp, "%u\n", port);
	if (fclose(fp) == EOF || rename(tmp, path) < 0) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

static void
state_free(void)
{
	size_t i;

	for (i = 0; i < g.nwabas; i++) {
		free(g.wabas[i].id);
		jv_free(g.wabas[i].info);
		jv_free(g.wabas[i].numbers);
		jv_free(g.wabas[i].templates);
		jv_free(g.wabas[i].apps);
	}
	free(g.wabas);
	while (g.nmedia)
		media_remove(g.nmedia - 1);
	free(g.media);
	for (i = 0; i < g.nfaults; i++)
		fault_free(&g.faults[i]);
	free(g.faults);
	ring_clear(&g.log);
	ring_clear(&g.msgs);
	free(g.log.v);
	free(g.msgs.v);
	jv_free(g.profiles);
	jv_free(g.edits);
	free(g.token);
}

static struct MHD_Daemon *
start(struct opts *o)
{
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD |
	    MHD_USE_THREAD_PER_CONNECTION | MHD_USE_POLL;

	return MHD_start_daemon(flags, 0, NULL, NULL, on_request, NULL,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&o->addr,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)FG_CONN_MAX,
	    MHD_OPTION_CONNECTION_TIMEOUT, 60U,
	    MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024U,
	    MHD_OPTION_THREAD_STACK_SIZE, (size_t)FG_STACK,
	    MHD_OPTION_URI_LOG_CALLBACK, on_uri, NULL,
	    MHD_OPTION_NOTIFY_COMPLETED, on_done, NULL,
	    MHD_OPTION_END);
}

int
main(int argc, char **argv)
{
	struct opts o;
	struct MHD_Daemon *d;
	const union MHD_DaemonInfo *info;
	struct rlimit rl;
	sigset_t set;
	char host[INET_ADDRSTRLEN];
	int sig;
	unsigned port;

	parse_opts(argc, argv, &o);
	clock_gettime(CLOCK_MONOTONIC, &g.t0);
	g.rng = ((uint64_t)time(NULL) << 20) ^ (uint64_t)getpid() ^
	    0x9E3779B97F4A7C15ULL;
	for (sig = 0; sig < 6; sig++)
		g.nonce[sig] = b64url[rnd() % 62];
	g.profiles = jv_object();
	g.edits = jv_object();
	if (seed_load(o.seed) < 0)
		return 65;
	if (o.token || !g.token) {
		free(g.token);
		g.token = xstrdup(o.token ? o.token : "test-token");
	}
	if (o.latency)
		g.latency_ms = o.latency;
	if (o.log && (g.logf = fopen(o.log, "a")) == NULL) {
		fprintf(stderr, "%s: cannot open '%s': %s\n",
		    program_invocation_short_name, o.log, strerror(errno));
		return 74;
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);	/* threads inherit it */
	if ((d = start(&o)) == NULL) {
		fprintf(stderr, "%s: cannot listen: %s\n",
		    program_invocation_short_name, strerror(errno));
		return 69;
	}
	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	port = info ? info->port : 0;
	if (o.addr.sin_addr.s_addr == htonl(INADDR_ANY))
		snprintf(host, sizeof(host), "127.0.0.1");
	else
		inet_ntop(AF_INET, &o.addr.sin_addr, host, sizeof(host));
	pthread_mutex_lock(&g.lock);
	snprintf(g.base, sizeof(g.base), "http://%s:%u", host, port);
	pthread_mutex_unlock(&g.lock);
	if (write_port(o.port_file, port) < 0) {
		fprintf(stderr, "%s: cannot write '%s': %s\n",
		    program_invocation_short_name, o.port_file, strerror(errno));
		MHD_stop_daemon(d);
		return 74;
	}
	while (sigwait(&set, &sig) != 0)
		;
	atomic_store(&g.stopping, 1);
	MHD_stop_daemon(d);
	if (g.logf)
		fclose(g.logf);
	state_free();
	return 0;
}
