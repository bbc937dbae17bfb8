/* SPDX-License-Identifier: MIT */
/* Incoming media: download through Graph, verify SHA-256, store by checksum, record. */
#ifndef WA_MEDIA_H
#define WA_MEDIA_H

#include <stddef.h>
#include <stdint.h>
#include <jv.h>
#include "err.h"
#include "graph.h"
#include "store.h"

#define MEDIA_MAX_BYTES (100L << 20)	/* Meta delivers nothing larger */
#define MEDIA_KEPT (7 * 86400)	/* Meta keeps a webhook's media 7 days */
#define MEDIA_BACKOFF 300	/* first wait after a failed try, doubled */
#define MEDIA_BACKOFF_MAX (6 * 3600)	/* ... up to this */

/* A message whose media is not downloaded yet (state pending or failed). */
struct media_job {
	int64_t msg_id;		/* messages.id */
	int64_t thread_id;	/* 0 when none */
	int64_t ticket_id;	/* 0 when none */
	char *wamid;		/* owned strings; NULL when unknown */
	char *channel;
	char *wa_id;
	char *media_id;
	char *mime;
	char *sha256;		/* from the webhook: base64 (Meta) or hex */
	char *state;		/* "pending" or "failed" */
	int64_t timestamp;	/* the message's */
	long attempts;		/* failed tries so far */
};

/* Lists media to fetch, oldest first: thread_id 0 means every thread,
 * limit <= 0 no limit; pending ones whose backoff has ended by now, or
 * with retry_failed the failed ones too and every pending one. *jobs is
 * owned (media_jobs_free). Database errors: -1 with err (74/75). */
int media_due(struct store *st, int64_t thread_id, long limit,
	      int retry_failed, int64_t now, struct media_job **jobs,
	      size_t *n, struct wa_err *err);
void media_jobs_free(struct media_job *jobs, size_t n);

/* The join keys of job as an owned object (for result records). */
jv media_job_json(const struct media_job *job);

/*
 * Fetches one: GET /{media-id} for the URL, downloads it with the Bearer
 * token, checks the SHA-256 against the webhook's and Graph's, stores the
 * file as DIR/ab/abcdef....ext and records media_path and state 'done'.
 * On success 0 and *rec an owned {"ok":true,...} record. On failure -1
 * with err (Graph's codes; graph_error for a checksum mismatch) and the
 * row keeps the reason in media_error, and *state says what became of it:
 * "failed" for good (an unknown or expired media id, Meta's download
 * errors 131052/131053/131014, a checksum mismatch, too large, or any
 * failure once Meta no longer keeps it: err's action "never"); "pending"
 * and tried again after a backoff from MEDIA_BACKOFF doubling per try
 * (*retry_at); "pending" at once when the run failed, not the media (a
 * token, Meta rate limits, the disk: *retry_at -1). A database error
 * while recording overrides err (74/75).
 */
int media_fetch(struct store *st, struct graph *g, const char *dir,
		const struct media_job *job, int64_t now, jv *rec,
		const char **state, int64_t *retry_at, struct wa_err *err);

#endif
