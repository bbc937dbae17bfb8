/* SPDX-License-Identifier: MIT */
/* Media from a Graph URL into a file, capped in size, with retries. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "graph.h"
#include "graph_int.h"

struct dl {
	FILE *fp;
	long max, got;
	int over;	/* the answer was larger than max */
};

static size_t
on_file(char *p, size_t size, size_t n, void *ctx)
{
	struct dl *d = ctx;

	if (d->got + (long)(size * n) > d->max) {
		d->over = 1;
		return 0;
	}
	d->got += (long)(size * n);
	return fwrite(p, size, n, d->fp) == n ? size * n : 0;
}

int
graph_download(struct graph *g, const char *url, FILE *fp, long max_bytes,
	       struct wa_err *err)
{
	struct curl_slist *hdrs = graph_headers(g, 0);
	struct dl d = { fp, max_bytes, 0, 0 };
	long status = 0;
	CURLcode rc = CURLE_FAILED_INIT;
	int n;

	for (n = 0; n < g->o.max_attempts; n++) {
		curl_easy_reset(g->h);
		graph_setup_easy(g, g->h, g->errbuf);
		curl_easy_setopt(g->h, CURLOPT_URL, url);
		curl_easy_setopt(g->h, CURLOPT_HTTPHEADER, hdrs);
		curl_easy_setopt(g->h, CURLOPT_WRITEFUNCTION, on_file);
		curl_easy_setopt(g->h, CURLOPT_WRITEDATA, &d);
		/* the CDN may answer from another host: only https there */
		if (!config_url_loopback(url))
			curl_easy_setopt(g->h, CURLOPT_PROTOCOLS_STR, "https");
		d.got = 0;
		d.over = 0;
		/* a failed try may have written part of the file */
		fflush(fp);
		rewind(fp);
		if (n > 0 && ftruncate(fileno(fp), 0) < 0) {
			wa_err_set(err, WA_EX_IOERR, "io", "cannot restart "
				   "the download: the output is not a file");
			break;
		}
		rc = curl_easy_perform(g->h);
		curl_easy_getinfo(g->h, CURLINFO_RESPONSE_CODE, &status);
		if (rc == CURLE_OK && status >= 200 && status < 300)
			break;
		if (rc == CURLE_WRITE_ERROR && d.over) {
			wa_err_set(err, WA_EX_REJECTED, "media_too_large",
				   "download larger than %ld bytes", max_bytes);
			break;
		}
		graph_classify(rc, 0, 1, status, jv_null(), err);
		if (!err->retry)
			break;
		if (n + 1 < g->o.max_attempts)
			graph_backoff(&g->o, n, -1);
	}
	curl_slist_free_all(hdrs);
	return rc == CURLE_OK && status >= 200 && status < 300 ? 0 : -1;
}
