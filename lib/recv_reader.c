/* SPDX-License-Identifier: MIT */
/* wa-recv's file mode, the reader thread: reads the files, parses and plans each delivery, hands them over in chunks. */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "recv_files_int.h"
#include "jsonl.h"
#include "quarantine.h"
#include "util.h"

/* Hands the reader's chunk over; -1 (chunk freed) once the database
 * side has stopped. */
static int
put_chunk(struct pipe *p)
{
	int i, n = p->nchunk;

	p->nchunk = 0;
	pthread_mutex_lock(&p->mu);
	while (QUEUE_CAP - p->count < n && !p->stop)
		pthread_cond_wait(&p->can_put, &p->mu);
	if (p->stop) {
		pthread_mutex_unlock(&p->mu);
		for (i = 0; i < n; i++)
			recv_item_free(&p->chunk[i]);
		return -1;
	}
	for (i = 0; i < n; i++)
		p->q[(p->head + p->count++) % QUEUE_CAP] = p->chunk[i];
	pthread_cond_signal(&p->can_take);
	recv_spent_move(&p->freeing, &p->back);
	pthread_mutex_unlock(&p->mu);
	recv_spent_free(&p->freeing);
	return 0;
}

/* Queues it (taken), in chunks so the threads seldom wake each other;
 * -1 when the database side has stopped. */
static int
put(struct pipe *p, struct item *it)
{
	p->chunk[p->nchunk++] = *it;
	if (p->nchunk < CHUNK && it->kind == IT_DELIVERY)
		return 0;
	return put_chunk(p);
}

static int
put_delivery(struct pipe *p, struct jsonl *r, jv v, long line)
{
	struct item it = { .kind = IT_DELIVERY, .line = line };
	size_t len;
	const char *raw = jsonl_raw(r, &len);
	char *body;

	if (raw) {
		body = xmalloc(len + 1);
		memcpy(body, raw, len);
		body[len] = '\0';
	} else {	/* several lines, or several values on one */
		jv dump = jv_dump_string(jv_copy(v), 0);

		body = xstrdup(jv_string_value(dump));
		len = strlen(body);
		jv_free(dump);
	}
	it.plan = ingest_plan_parsed(p->rules, v, body, len, line);
	return put(p, &it);
}

/* A line that is not JSON: stored raw like any delivery, as an error
 * (rule 12), so that replay can try it again. */
static int
put_unreadable(struct pipe *p, struct jsonl *r, const struct wa_err *err,
	       long line)
{
	struct item it = { .kind = IT_DELIVERY, .line = line };
	size_t len = 0;
	const char *raw = jsonl_bad_raw(r, &len);
	char *body;

	if (!raw)	/* longer than the limit: the error says so */
		len = 0;
	body = xmalloc(len + 1);
	memcpy(body, raw ? raw : "", len);
	body[len] = '\0';
	it.plan = ingest_plan_parsed(p->rules, jv_invalid_with_msg(
		jv_string(err->message)), body, len, line);
	return put(p, &it);
}

static int
stopped(struct pipe *p)
{
	return atomic_load_explicit(&p->stop, memory_order_relaxed);
}

/* Whether reading fp can ever wait: not for a regular file. */
static int
may_wait(FILE *fp)
{
	struct stat sb;

	return fstat(fileno(fp), &sb) < 0 || !S_ISREG(sb.st_mode);
}

/* Whether reading fp now would not wait (a pipe with something in it):
 * until then the chunk is not worth holding back. */
static int
input_ready(FILE *fp)
{
	struct pollfd pfd = { .fd = fileno(fp), .events = POLLIN };

	return poll(&pfd, 1, 0) > 0;
}

/* Before each read: when it would wait, what was read so far goes to
 * the database thread, with one IT_IDLE per pause. -1 once stopped. */
static int
before_read(struct pipe *p, FILE *fp)
{
	struct item idle = { .kind = IT_IDLE };

	if (input_ready(fp))
		return 0;
	if (p->idle_sent)
		return p->nchunk ? put_chunk(p) : 0;
	p->idle_sent = 1;
	return put(p, &idle);	/* sends the chunk before it */
}

/* 0 to go on with the next file, -1 to stop. */
static int
read_file(struct pipe *p, const char *name)
{
	struct item it = { .kind = IT_FILE_END, .name = name };
	FILE *fp = strcmp(name, "-") ? fopen(name, "r") : stdin;
	struct jsonl *r;
	jv v;
	int n, rc = 0, can_wait;

	if (!fp) {
		it.kind = IT_BAD;
		wa_err_set(&it.err, WA_EX_REJECTED, "invalid_input",
			   "cannot open '%s': %s", name, strerror(errno));
		return put(p, &it);
	}
	r = jsonl_open(fp, name);
	jsonl_set_limit(r, RECV_MAX_BODY);
	can_wait = may_wait(fp);
	while (!rc && !stopped(p) && (!can_wait || before_read(p, fp) == 0) &&
	       (n = jsonl_next(r, &v, &it.line, &it.err)) != 0) {
		if (n == 1) {
			it.good++;
			p->idle_sent = 0;
			rc = put_delivery(p, r, v, it.line);
		} else if (n == -1) {
			it.nbad++;
			rc = put_unreadable(p, r, &it.err, it.line);
		} else {
			struct item bad = { .kind = IT_FATAL, .err = it.err };

			rc = put(p, &bad) < 0 ? -1 : -1;
		}
	}
	jsonl_close(r);
	if (fp != stdin)
		fclose(fp);
	if (rc < 0 || stopped(p))
		return -1;
	it.line = 0;
	return put(p, &it);
}

void *
recv_reader_main(void *arg)
{
	struct pipe *p = arg;
	struct item end = { .kind = IT_END };
	struct wa_err err;
	int i;

	/* This thread's own compiled rules (the texts are only read); a
	 * rule that does not compile stops the run before anything is
	 * stored (78). */
	p->rules = quarantine_copy(ingest_rule_texts(p->in), &err);
	if (!p->rules) {
		struct item fatal = { .kind = IT_FATAL, .err = err };

		(void)put(p, &fatal);
	} else if (p->nfiles == 0)
		(void)read_file(p, "-");
	for (i = 0; p->rules && i < p->nfiles; i++)
		if (read_file(p, p->files[i]) < 0)
			break;
	if (p->nchunk)
		(void)put_chunk(p);	/* what a stop left unsent */
	(void)put(p, &end);
	pthread_mutex_lock(&p->mu);
	quarantine_free(p->rules);
	p->rules = NULL;
	jx_cache_release();
	p->reader_done = 1;
	pthread_cond_signal(&p->can_take);
	pthread_mutex_unlock(&p->mu);
	return NULL;
}
