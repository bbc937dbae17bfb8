/* SPDX-License-Identifier: MIT */
/* The sender's inside, shared by sender*.c only: jobs, the pipeline state. */
#ifndef WA_SENDER_INT_H
#define WA_SENDER_INT_H

#include <stdint.h>
#include <jv.h>
#include "sender.h"
#include "channel.h"
#include "desk.h"
#include "graph.h"
#include "graph_multi.h"
#include "quotadb.h"
#include "window.h"

#define SENDER_TEXT_MAX 4096	/* characters in a text body */
#define SENDER_CAPTION_MAX 1024
#define SENDER_BATCH_MAX 64	/* intents per transaction */

/* One input, from submission until its answer is emitted. */
struct job {
	struct job *next;		/* answer order */
	struct job *bnext;		/* intent or outcome batch */
	struct sender *s;
	jv input;			/* original record, for errors */
	long line;
	jv result;			/* the answer, once done */
	int done;
	struct job *leader;		/* same idempotency key, earlier */
	int nfollowers;			/* jobs whose leader this is */
	jv msg;				/* the message (owned) */
	jv body;			/* the Graph request body */
	char *payload;			/* body as JSON, dumped once; owned */
	char type[16];
	char endpoint[24];		/* POST /{channel}/{endpoint} */
	int is_template, is_read;
	char channel[CHANNEL_ID_MAX];
	char phone[32];			/* the channel's number */
	char wa_id[32];
	char group[DESK_ID_MAX];	/* a group thread's group, or "" */
	char bsuid[DESK_ID_MAX];	/* a user known only by BSUID, or "" */
	char *key;			/* idempotency key or NULL */
	int64_t contact_id, thread_id, ticket_id, message_id;
	int64_t conversation_id;	/* counted in; 0 none */
	int new_ticket;			/* its thread and ticket made for it */
	enum window_conv conv;
	jv upload_at;			/* path in body of the media object */
	char *file;			/* local media to upload first */
	char mime[80];
	char media_id[64];		/* Meta's id of the upload */
	/* outcome, between the Graph answer and its commit: */
	int out_rc;			/* 0 Graph said yes, -1 no */
	jv resp;			/* Graph's answer (owned) */
	struct wa_err why;		/* out_rc -1: why not sent */
	jv pending;			/* answer waiting for the commit */
	int pending_err;		/* 1: pending is an error result */
	int failed;			/* its rows failed in the batch */
	struct wa_err rec_err;		/* then why */
};

/* Where j goes: its group, else its number, else its BSUID (the
 * session's identity). */
#define JOB_IDENTITY(j) ((j)->group[0] ? (j)->group : \
			 (j)->wa_id[0] ? (j)->wa_id : (j)->bsuid)

struct job_list {
	struct job *head, **tail;
	int n;
};

struct sender {
	struct store *st;		/* borrowed */
	const struct wa_config *cfg;	/* borrowed */
	struct sender_opts o;
	sender_emit_fn emit;
	void *ctx;
	struct graph *g;
	struct graph_multi *gm;
	struct job *head, *tail;	/* answers not yet emitted, in order */
	int njobs;
	struct job_list intents;	/* checked, intent not yet recorded */
	struct job_list outcomes;	/* answered by Graph, not recorded */
	int batch;			/* intents per transaction */
	int queued;			/* requests queued since the last run */
	int status;			/* exit status so far */
	int fatal;			/* a fatal error stopped the run */
	int stopped;			/* queued requests were cancelled */
	struct wa_err fatal_err;
	int64_t now;
	struct quotadb_usage usage;	/* cached inside one transaction */
	int usage_ok;			/* usage is valid */
	int lockfd;			/* the send lock file, -1 none */
	int64_t owner;			/* our locked byte there; 0 none */
};

/* sender.c: the job lists and the line of answers. */
void sender_list_add(struct job_list *l, struct job *j);
/* Empties l and returns its jobs. */
struct job *sender_list_take(struct job_list *l);
/* Emits the answers at the head of the line. */
void sender_flush(struct sender *s);

/* sender_batch.c: Graph requests and the batches around them. */
/* Queues j's request (its media upload first, if any). */
void sender_start_request(struct sender *s, struct job *j);
/* Commits the intents waiting and starts their requests. */
void sender_intents_flush(struct sender *s);
/* Records the outcomes so far and emits what is answered. */
void sender_settle(struct sender *s);
/* One poll round: transfers progress, finished ones are recorded. */
void sender_run_round(struct sender *s, int timeout_ms);

/* sender.c: answers.  Each takes rec / first. */
void sender_answer(struct job *j, jv rec);
void sender_answer_err(struct job *j, const struct wa_err *e);
void sender_answer_dup(struct job *j, jv first);
/* Adds the join keys we know to rec (taken, returned). */
jv sender_add_keys(const struct job *j, jv rec);
/* A new job at the end of the answer line; takes input. */
struct job *sender_job_add(struct sender *s, jv input, long line);

/* sender_target.c: who, where and what; -1 with a refusal in err. */
int sender_prepare_msg(struct sender *s, struct job *j, struct wa_err *err);
int sender_prepare_read(struct sender *s, struct job *j, struct wa_err *err);

/* sender_policy.c: idempotency and rules 5 and 6.  ORPHAN: the key's
 * send is pending and the run that sent it died. */
enum sender_idem {
	SENDER_IDEM_NEW, SENDER_IDEM_ANSWERED, SENDER_IDEM_RETRY,
	SENDER_IDEM_ORPHAN
};
/* 1 when an earlier job of this run has j's key (j follows it). */
int sender_idem_follow(struct sender *s, struct job *j);
/* What an earlier run's use of j's key means; ANSWERED answers j. */
int sender_idem_check(struct sender *s, struct job *j, enum sender_idem *out,
		      int64_t *row, struct wa_err *err);
/* Which conversation j joins or starts (j->conv); refusals in err. */
int sender_classify(struct sender *s, struct job *j, struct wa_err *err);
int sender_refuse_window(const struct job *j, int64_t last,
			 struct wa_err *err);

/* sender_recover.c: who owns a pending send, and sends whose run died.
 * owner_take: the run's byte in the send lock file (dry runs only open
 * the file, to look); -1 with err io (74). */
int sender_owner_take(struct sender *s, struct wa_err *err);
void sender_owner_release(struct sender *s);
/* 0 when the run that owns a pending send (owner; isnull for rows older
 * than schema 5) has ended, 1 while it runs or when that is unknown. */
int sender_owner_alive(struct sender *s, int64_t owner, int isnull);
/* Every pending send whose run ended: recorded ambiguous in one
 * transaction, each answered with a "recovered" result (queued ahead of
 * what comes next).  -1 with a fatal err (74, 75). */
int sender_recover(struct sender *s, struct wa_err *err);
/* The answer for a job whose key is pending in a run that died (row),
 * when it cannot be recovered now (a dry run, inside a transaction). */
int sender_answer_orphan(struct sender *s, struct job *j, int64_t row,
			 struct wa_err *err);

/* sender_input.c: the input's ids, numbers and keys: no U+0000 in them,
 * and the idempotency key (a string, or an integer as its decimal form)
 * into j->key; -1 with invalid_input naming the field. */
int sender_check_input(struct job *j, struct wa_err *err);

/* sender_log.c: the outcome of j, once recorded, into the event log
 * (lib/evlog.h) in the same transaction, for watchers; -1 with err. */
int sender_log(struct sender *s, struct job *j, struct wa_err *err);

/* sender_record.c: rows and result records; callers own the transaction.
 * intent: 1 when answered meanwhile (a duplicate), -1 refused or error. */
int sender_intent(struct sender *s, struct job *j, struct wa_err *err);
/* The outcome of j (j->out_rc, resp, why) into rows; the answer goes to
 * j->pending for after the commit. */
int sender_outcome(struct sender *s, struct job *j, struct wa_err *err);
/* The dry-run answer (owned). */
jv sender_dry_record(const struct job *j);
/* The body as JSON into j->payload (replacing it). */
void sender_dump_body(struct job *j);

#endif
