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
};

/* Lists media to fetch, oldest first: thread_id 0 means every thread,
 * limit <= 0 no limit. *jobs is owned (media_jobs_free). Database errors:
 * -1 with err (74/75). */
int media_due(struct store *st, int64_t thread_id, long limit,
	      struct media_job **jobs, size_t *n, struct wa_err *err);
void media_jobs_free(struct media_job *jobs, size_t n);

/* The join keys of job as an owned object (for result records). */
jv media_job_json(const struct media_job *job);

/*
 * Fetches one: GET /{media-id} for the URL, downloads it with the Bearer
 * token, checks the SHA-256 against the webhook's and Graph's, stores the
 * file as DIR/ab/abcdef....ext and records media_path and state 'done'.
 * On success 0 and *rec an owned {"ok":true,...} record. On failure -1
 * with err (Graph's codes; graph_error for a checksum mismatch) and the
 * row keeps the error in media_error: state 'failed' when the bytes were
 * wrong, 'pending' when they could not be had; both are retried by the
 * next run. A database error while recording overrides err (74/75).
 */
int media_fetch(struct store *st, struct graph *g, const char *dir,
		const struct media_job *job, jv *rec, struct wa_err *err);

#endif
