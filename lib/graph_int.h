/* SPDX-License-Identifier: MIT */
/* Internal to lib/graph*.c: the client's handle and what one transfer leaves in it. */
#ifndef WA_GRAPH_INT_H
#define WA_GRAPH_INT_H

#include "graph.h"
#include "util.h"

#define GRAPH_MAX_BODY (8L << 20)	/* JSON answers are small; cap them */

struct graph {
	CURL *h;			/* reused: keeps the connection */
	const struct wa_config *cfg;	/* borrowed */
	struct graph_opts o;
	int loopback;			/* base URL is on this machine */
	char errbuf[CURL_ERROR_SIZE];
	struct strbuf body;		/* answer being received */
	long retry_after;		/* seconds from Retry-After, -1 none */
	int too_big;
};

#endif
