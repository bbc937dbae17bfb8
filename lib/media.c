/* SPDX-License-Identifier: MIT */
/* Incoming media: download through Graph, verify SHA-256 (media_sha.c), store by checksum, record the path. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "jsonl.h"
#include "media.h"
#include "media_int.h"
#include "util.h"

int
media_due(struct store *st, int64_t thread_id, long limit,
	  int retry_failed, int64_t now, struct media_job **jobs,
	  size_t *n, struct wa_err *err)
{
	struct sq *q = store_q(st, Q_MEDIA_DUE);
	struct media_job *j;
	size_t cap = 0;
	int rc;

	*jobs = NULL;
	*n = 0;
	sq_int(q, 1, thread_id);
	sq_int(q, 2, limit > 0 ? limit : INT64_MAX);
	sq_int(q, 3, retry_failed != 0);
	sq_int(q, 4, now);
	while ((rc = sq_step(q)) > 0) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			*jobs = xrealloc(*jobs, cap * sizeof(**jobs));
		}
		j = &(*jobs)[(*n)++];
		j->msg_id = sq_col_int(q, 0);
		j->thread_id = sq_col_int(q, 1);
		j->ticket_id = sq_col_int(q, 2);
		j->wamid = sq_col_dup(q, 3);
		j->channel = sq_col_dup(q, 4);
		j->wa_id = sq_col_dup(q, 5);
		j->media_id = sq_col_dup(q, 6);
		j->mime = sq_col_dup(q, 7);
		j->sha256 = sq_col_dup(q, 8);
		j->state = sq_col_dup(q, 9);
		j->timestamp = sq_col_int(q, 10);
		j->attempts = (long)sq_col_int(q, 11);
	}
	if (rc < 0) {
		media_jobs_free(*jobs, *n);
		*jobs = NULL;
		*n = 0;
		return sq_fail(q, err, "list pending media");
	}
	return 0;
}

void
media_jobs_free(struct media_job *jobs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(jobs[i].wamid);
		free(jobs[i].channel);
		free(jobs[i].wa_id);
		free(jobs[i].media_id);
		free(jobs[i].mime);
		free(jobs[i].sha256);
		free(jobs[i].state);
	}
	free(jobs);
}

static jv
str_or_null(const char *s)
{
	return s ? jv_string(s) : jv_null();
}

jv
media_job_json(const struct media_job *j)
{
	return JV_OBJECT(jv_string("wamid"), str_or_null(j->wamid),
			 jv_string("thread_id"), id_jv(j->thread_id),
			 jv_string("ticket_id"), id_jv(j->ticket_id),
			 jv_string("channel"), str_or_null(j->channel),
			 jv_string("wa_id"), str_or_null(j->wa_id),
			 jv_string("media_id"), str_or_null(j->media_id));
}

/* ---- recording ---- */

static int
record_fail(struct store *st, const struct media_job *j, const char *state,
	    int counts, int64_t retry_at, struct wa_err *err)
{
	struct wa_err dberr;
	struct sq *q;

	wa_err_clear(&dberr);
	if (store_begin(st, &dberr) < 0)
		goto fail;
	q = store_q(st, Q_MEDIA_FAIL);
	sq_int(q, 1, j->msg_id);
	sq_text(q, 2, state);
	sq_text(q, 3, err->message);
	sq_int(q, 4, counts);
	sq_int_or_null(q, 5, retry_at, retry_at < 0);
	if (sq_done(q, &dberr) < 0) {
		store_rollback(st);
		goto fail;
	}
	if (store_commit(st, &dberr) < 0)
		goto fail;
	return -1;
fail:
	*err = dberr;
	wa_err_prefix(err, "recording the media error of '%s'",
		      j->wamid ? j->wamid : j->media_id);
	return -1;
}

static int
record_done(struct store *st, const struct media_job *j, const char *path,
	    long bytes, const char *mime, struct wa_err *err)
{
	struct sq *q;

	if (store_begin(st, err) < 0)
		return -1;
	q = store_q(st, Q_MEDIA_DONE);
	sq_int(q, 1, j->msg_id);
	sq_text(q, 2, path);
	sq_int(q, 3, bytes);
	sq_text(q, 4, mime);
	if (sq_done(q, err) < 0) {
		store_rollback(st);
		return -1;
	}
	return store_commit(st, err);
}

/* ---- fetching ---- */

/* GET /{media-id}: the download URL (owned), Graph's sha256 and MIME type
 * (owned or NULL) and size (-1 unknown). */
static int
media_lookup(struct graph *g, const char *media_id, char **url, char **sha,
	     char **mime, int64_t *size, struct wa_err *err)
{
	char *esc = graph_escape(media_id), *path;
	struct strbuf sb = STRBUF_INIT;
	const char *u;
	jv resp;
	int rc;

	sb_addf(&sb, "/%s", esc);
	free(esc);
	path = sb_detach(&sb);
	rc = graph_get(g, path, &resp, err);
	free(path);
	if (rc < 0) {
		jv_free(resp);
		return -1;
	}
	u = jx_cstr(resp, "url");
	if (!u || !*u) {
		jv_free(resp);
		return wa_err_set(err, WA_EX_REJECTED, "graph_error",
				  "Graph answered without a media url");
	}
	*url = xstrdup(u);
	*sha = jx_cstr(resp, "sha256") ? xstrdup(jx_cstr(resp, "sha256")) :
	       NULL;
	*mime = jx_cstr(resp, "mime_type") ?
		xstrdup(jx_cstr(resp, "mime_type")) : NULL;
	if (jx_intish(resp, "file_size", size) != 1)
		*size = -1;
	jv_free(resp);
	return 0;
}

/* Downloads url into a new temporary file in dir; *tmp owned path. */
static int
download(struct graph *g, const char *dir, const char *url, char **tmp,
	 unsigned char *md, long *bytes, struct wa_err *err)
{
	struct strbuf sb = STRBUF_INIT;
	FILE *fp;
	int fd;

	if (mkdir_p(dir) < 0)
		return wa_err_set(err, WA_EX_IOERR, "io", "cannot create '%s': "
				  "%s", dir, strerror(errno));
	sb_addf(&sb, "%s/.tmp.XXXXXX", dir);
	*tmp = sb_detach(&sb);
	fd = mkstemp(*tmp);
	if (fd < 0 || !(fp = fdopen(fd, "w+b"))) {
		if (fd >= 0)
			close(fd);
		return wa_err_set(err, WA_EX_IOERR, "io", "cannot create a "
				  "file in '%s': %s", dir, strerror(errno));
	}
	if (graph_download(g, url, fp, MEDIA_MAX_BYTES, err) < 0) {
		fclose(fp);
		return -1;
	}
	/* A retried transfer rewinds; cut what an earlier try left over. */
	*bytes = fflush(fp) == 0 ? ftell(fp) : -1;
	if (*bytes < 0 || ftruncate(fd, *bytes) < 0 ||
	    media_file_sha256(fp, md) < 0 || fsync(fd) < 0) {
		fclose(fp);
		return wa_err_set(err, WA_EX_IOERR, "io", "cannot write a "
				  "file in '%s': %s", dir, strerror(errno));
	}
	if (fclose(fp) != 0)
		return wa_err_set(err, WA_EX_IOERR, "io", "cannot write a "
				  "file in '%s': %s", dir, strerror(errno));
	return 0;
}

/* Moves tmp to DIR/ab/<hex><ext>; *path owned. */
static int
store_file(const char *dir, const char *tmp, const char *hex,
	   const char *ext, char **path, struct wa_err *err)
{
	struct strbuf sb = STRBUF_INIT;

	sb_addf(&sb, "%s/%.2s", dir, hex);
	if (mkdir_p(sb.buf) < 0) {
		sb_release(&sb);
		return wa_err_set(err, WA_EX_IOERR, "io", "cannot create a "
				  "directory in '%s': %s", dir,
				  strerror(errno));
	}
	sb_addf(&sb, "/%s%s", hex, ext);
	/* Same name, same bytes: replacing an earlier copy is harmless. */
	if (rename(tmp, sb.buf) < 0) {
		wa_err_set(err, WA_EX_IOERR, "io", "cannot store '%s': %s",
			   sb.buf, strerror(errno));
		sb_release(&sb);
		return -1;
	}
	*path = sb_detach(&sb);
	return 0;
}

static jv
done_record(const struct media_job *j, const char *path, const char *hex,
	    long bytes, const char *mime)
{
	jv r = JV_OBJECT(jv_string("ok"), jv_true());
	jv keys = media_job_json(j);

	jv_object_foreach(keys, k, v)
		r = jv_object_set(r, k, v);
	jv_free(keys);
	r = jv_object_set(r, jv_string("mime_type"), str_or_null(mime));
	r = jv_object_set(r, jv_string("path"), jv_string(path));
	r = jv_object_set(r, jv_string("sha256"), jv_string(hex));
	return jv_object_set(r, jv_string("bytes"), jv_number((double)bytes));
}

/* What a failed try means for the media. */
enum media_outcome {
	MEDIA_AGAIN,	/* the run failed, not the media: as it was */
	MEDIA_LATER,	/* transient: after a backoff */
	MEDIA_GONE	/* it will never be had: failed */
};

/* Meta's codes for media that cannot be had (API.md): download error,
 * upload error, the legacy "request for media URL failed". */
static int
meta_media_gone(long code)
{
	return code == 131052 || code == 131053 || code == 131014;
}

/* The outcome of err: lookup 1 when GET /{media-id} failed (an unknown
 * or expired id: code 100 or 404); gone 1 when the bytes were wrong or
 * too large. */
static enum media_outcome
media_outcome(const struct wa_err *err, int lookup, int gone)
{
	switch (err->sysexit) {
	case WA_EX_CANTCREAT:
	case WA_EX_IOERR:
	case WA_EX_TEMPFAIL:
	case WA_EX_NOPERM:
	case WA_EX_CONFIG:
		return MEDIA_AGAIN;
	}
	if (gone || meta_media_gone(err->graph_code) ||
	    (lookup && (err->graph_code == 100 || err->http_status == 404 ||
			err->http_status == 410)))
		return MEDIA_GONE;
	return MEDIA_LATER;
}

/* The next try after attempts failed ones (this one counted). */
static int64_t
media_backoff(long attempts)
{
	int64_t wait = MEDIA_BACKOFF;

	while (--attempts > 0 && wait < MEDIA_BACKOFF_MAX)
		wait *= 2;
	return wait < MEDIA_BACKOFF_MAX ? wait : MEDIA_BACKOFF_MAX;
}

/* Records a failed try by its outcome; *state and *retry_at as
 * media_fetch says. */
static void
media_failed(struct store *st, const struct media_job *j, int64_t now,
	     enum media_outcome o, const char **state, int64_t *retry_at,
	     struct wa_err *err)
{
	*state = "pending";
	*retry_at = -1;
	if (o == MEDIA_LATER && now - j->timestamp >= MEDIA_KEPT) {
		wa_err_prefix(err, "expired (Meta keeps a message's media %d "
			      "days)", MEDIA_KEPT / 86400);
		o = MEDIA_GONE;
	} else if (o == MEDIA_GONE && err->graph_code == 100) {
		wa_err_prefix(err, "unknown or expired media id");
	}
	if (o == MEDIA_GONE) {
		*state = "failed";
		err->action = "never";
	} else if (o == MEDIA_LATER) {
		*retry_at = now + media_backoff(j->attempts + 1);
		err->action = "retry";
	}
	record_fail(st, j, *state, o != MEDIA_AGAIN, *retry_at, err);
}

int
media_fetch(struct store *st, struct graph *g, const char *dir,
	    const struct media_job *j, int64_t now, jv *rec,
	    const char **state, int64_t *retry_at, struct wa_err *err)
{
	char *url = NULL, *gsha = NULL, *gmime = NULL, *tmp = NULL;
	char *path = NULL, hex[65];
	unsigned char md[32];
	const char *mime;
	int64_t size = -1;
	long bytes = 0;
	int rc = -1, dbfail = 0, lookup = 1, gone = 0;

	*rec = jv_invalid();
	*state = "done";
	*retry_at = -1;
	if (media_lookup(g, j->media_id, &url, &gsha, &gmime, &size,
			 err) < 0)
		goto out;
	lookup = 0;
	mime = j->mime ? j->mime : gmime;
	if (size > MEDIA_MAX_BYTES) {
		wa_err_set(err, WA_EX_REJECTED, "media_too_large", "media is "
			   "%lld bytes, more than %ld", (long long)size,
			   MEDIA_MAX_BYTES);
		gone = 1;
		goto out;
	}
	if (download(g, dir, url, &tmp, md, &bytes, err) < 0) {
		gone = !strcmp(err->code, "media_too_large");
		goto out;
	}
	hex_encode(md, 32, hex);
	if (media_sha_check(j->sha256, md, hex, "the webhook", err) < 0 ||
	    media_sha_check(gsha, md, hex, "Graph", err) < 0) {
		gone = 1;
		goto out;
	}
	if (store_file(dir, tmp, hex, media_mime_ext(mime), &path, err) < 0)
		goto out;
	free(tmp);
	tmp = NULL;
	if (record_done(st, j, path, bytes, gmime, err) < 0) {
		dbfail = 1;
		goto out;
	}
	*rec = done_record(j, path, hex, bytes, mime);
	rc = 0;
out:
	if (tmp)
		unlink(tmp);
	if (rc < 0 && !dbfail)
		media_failed(st, j, now, media_outcome(err, lookup, gone),
			     state, retry_at, err);
	free(tmp);
	free(path);
	free(url);
	free(gsha);
	free(gmime);
	return rc;
}
