/* SPDX-License-Identifier: MIT */
/* The webhook server's sockets: the listening address, the bound port and its file, client addresses, room for connections. */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include "whserver_int.h"

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

unsigned
whs_bound_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
		return 0;
	if (ss.ss_family == AF_INET6)
		return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	return ntohs(((struct sockaddr_in *)&ss)->sin_port);
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

const char *
whs_peer(struct MHD_Connection *c, char *buf, size_t len)
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

/* Descriptors kept for everything but connections: the database, its
 * WAL, the log, libmicrohttpd's epoll and wake-up descriptors. */
#define FD_SPARE 64

unsigned
whs_fd_room(unsigned want)
{
	struct rlimit rl;
	rlim_t need = (rlim_t)want + FD_SPARE;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return want;
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < need) {
		rl.rlim_cur = rl.rlim_max == RLIM_INFINITY ||
			      rl.rlim_max >= need ? need : rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
		(void)getrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= need)
		return want;
	return rl.rlim_cur > FD_SPARE ? (unsigned)(rl.rlim_cur - FD_SPARE) : 1;
}
