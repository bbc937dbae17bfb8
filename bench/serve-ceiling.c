/* SPDX-License-Identifier: MIT */
/* Benchmark ceiling for wa-recv serve: the same libmicrohttpd server and signature check, no store. */
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <pthread.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include "mhd_lazy.h"
#include "signature.h"
#include "util.h"
#include "whserver.h"

/*
 * What wa-recv serve could reach if storing cost nothing: the listening
 * socket from whserver_listen(), MHD_start_daemon() with the flags and
 * options lib/whserver.c passes by default (internal thread pool of 4,
 * suspend and resume allowed, 4096 connections, 256 per client address,
 * 60 s idle timeout), the body read into a strbuf, signature_verify()
 * (HMAC-SHA256, constant-time compare), and a 200 with the same empty
 * text/plain answer. No queue, no writer or sync thread, no read
 * deadline or byte budget, no database: the 200 goes out as soon as the
 * signature is checked.
 *
 *   serve-ceiling [--listen ADDR:PORT] [--port-file FILE] [--threads N]
 *
 * The secret is WA_APP_SECRET. SIGTERM or SIGINT stops it; it then prints
 * "serve-ceiling: stopped: N deliveries answered 200, M refused" on stderr.
 */

#define PATH "/webhook"
#define MAX_BODY ((size_t)3 << 20 | (size_t)64 << 10)

struct req {
	struct strbuf body;
	int post;		/* a POST to PATH: read the body */
	int too_big;
};

static const char *secret;
static atomic_ulong accepted, refused;

static enum MHD_Result
reply(struct MHD_Connection *c, unsigned status, const char *text)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = MHD_create_response_from_buffer(strlen(text), (void *)text,
					    MHD_RESPMEM_PERSISTENT);
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
				"text/plain; charset=utf-8");
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *c, const char *url,
	   const char *method, const char *version, const char *data,
	   size_t *size, void **con_cls)
{
	struct req *r = *con_cls;
	struct wa_err err;
	const char *sig;

	(void)cls;
	(void)version;
	if (!r) {
		*con_cls = r = xcalloc(1, sizeof(*r));
		if (strcmp(url, PATH) != 0 ||
		    strcmp(method, MHD_HTTP_METHOD_POST) != 0) {
			atomic_fetch_add(&refused, 1);
			return reply(c, MHD_HTTP_NOT_FOUND, "not found\n");
		}
		r->post = 1;
		return MHD_YES;
	}
	if (!r->post) {
		*size = 0;
		return MHD_YES;
	}
	if (*size) {
		if (r->body.len + *size > MAX_BODY)
			r->too_big = 1;
		if (!r->too_big)
			sb_add(&r->body, data, *size);
		*size = 0;
		return MHD_YES;
	}
	r->post = 0;
	if (r->too_big) {
		atomic_fetch_add(&refused, 1);
		return reply(c, MHD_HTTP_CONTENT_TOO_LARGE,
			     "payload too large\n");
	}
	sig = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
					  "X-Hub-Signature-256");
	if (signature_verify(secret, r->body.buf, r->body.len, sig, &err) < 0) {
		atomic_fetch_add(&refused, 1);
		return reply(c, MHD_HTTP_UNAUTHORIZED, "bad signature\n");
	}
	atomic_fetch_add(&accepted, 1);
	return reply(c, MHD_HTTP_OK, "");
}

static void
on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
	     enum MHD_RequestTerminationCode toe)
{
	struct req *r = *con_cls;

	(void)cls;
	(void)c;
	(void)toe;
	if (!r)
		return;
	*con_cls = NULL;
	sb_release(&r->body);
	free(r);
}

static void
usage(void)
{
	fprintf(stderr, "usage: serve-ceiling [--listen ADDR:PORT] "
		"[--port-file FILE] [--threads N]\n");
	exit(64);
}

int
main(int argc, char **argv)
{
	const char *listen_addr = "127.0.0.1:0", *port_file = NULL;
	unsigned threads = 4;
	struct MHD_Daemon *d;
	struct wa_err err;
	sigset_t sigs;
	int i, fd, sig = 0;
	FILE *fp;

	for (i = 1; i < argc; i++) {
		if (i + 1 >= argc)
			usage();
		if (strcmp(argv[i], "--listen") == 0)
			listen_addr = argv[++i];
		else if (strcmp(argv[i], "--port-file") == 0)
			port_file = argv[++i];
		else if (strcmp(argv[i], "--threads") == 0)
			threads = (unsigned)atoi(argv[++i]);
		else
			usage();
	}
	secret = getenv("WA_APP_SECRET");
	if (!secret || !*secret) {
		fprintf(stderr, "serve-ceiling: WA_APP_SECRET is not set\n");
		return 78;
	}
	wa_err_clear(&err);
	if (mhd_lazy_load(&err) < 0 ||
	    (fd = whserver_listen(listen_addr, &err)) < 0) {
		fprintf(stderr, "serve-ceiling: %s\n", err.message);
		return 69;
	}
	/* The pool threads inherit the mask; main takes the signals. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	d = MHD_start_daemon(MHD_USE_AUTO_INTERNAL_THREAD |
			     MHD_ALLOW_SUSPEND_RESUME, 0, NULL, NULL,
			     on_request, NULL,
			     MHD_OPTION_LISTEN_SOCKET, fd,
			     MHD_OPTION_THREAD_POOL_SIZE, threads ? threads : 4,
			     MHD_OPTION_CONNECTION_LIMIT,
			     WHSERVER_MAX_CONNS_DEFAULT,
			     MHD_OPTION_PER_IP_CONNECTION_LIMIT,
			     WHSERVER_MAX_PER_ADDR_DEFAULT,
			     MHD_OPTION_CONNECTION_TIMEOUT, 60u,
			     MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
			     MHD_OPTION_END);
	if (!d) {
		fprintf(stderr, "serve-ceiling: cannot start the server\n");
		return 69;
	}
	if (port_file) {
		struct strbuf tmp = STRBUF_INIT;
		struct sockaddr_storage ss;
		socklen_t len = sizeof(ss);
		unsigned port = 0;

		if (getsockname(fd, (struct sockaddr *)&ss, &len) == 0)
			port = ss.ss_family == AF_INET6 ?
				ntohs(((struct sockaddr_in6 *)&ss)->sin6_port) :
				ntohs(((struct sockaddr_in *)&ss)->sin_port);
		sb_addf(&tmp, "%s.tmp", port_file);
		if (!(fp = fopen(tmp.buf, "w")) ||
		    fprintf(fp, "%u\n", port) < 0 || fclose(fp) != 0 ||
		    rename(tmp.buf, port_file) != 0) {
			fprintf(stderr, "serve-ceiling: cannot write '%s'\n",
				port_file);
			MHD_stop_daemon(d);
			return 74;
		}
		sb_release(&tmp);
	}
	sigwait(&sigs, &sig);
	MHD_stop_daemon(d);
	close(fd);
	fprintf(stderr, "serve-ceiling: stopped: %lu deliveries answered "
		"200, %lu refused\n", atomic_load(&accepted),
		atomic_load(&refused));
	return 0;
}
