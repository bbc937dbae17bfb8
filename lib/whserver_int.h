/* SPDX-License-Identifier: MIT */
/* Inside the webhook server: what lib/whserver*.c share (requests, groups, the server, its guards). */
#ifndef WA_WHSERVER_INT_H
#define WA_WHSERVER_INT_H

#include <pthread.h>
#include "mhd_lazy.h"
#include "util.h"
#include "whserver.h"

/* A request starts ANSWERED (nothing more to do) unless it is a POST. */
enum req_state { REQ_ANSWERED, REQ_READING, REQ_QUEUED, REQ_DONE };

struct req {
	struct strbuf body;		/* raw bytes as received */
	void *payload;			/* what prepare made of them */
	size_t bytes;			/* their length, in queue_bytes */
	size_t held;			/* bytes in s->unverified for it */
	enum req_state state;
	unsigned status;		/* answer once REQ_DONE */
	int too_big;			/* body passed max_body: discard */
	int shed;			/* past max_unverified: discard, 503 */
	int counted;			/* in s->suspended until answered */
	struct MHD_Connection *conn;	/* to resume */
	struct req *next;		/* queue link, then group link */
};

/* A group the writer committed, waiting for the sync that covers it. */
struct group {
	struct req *reqs;		/* linked by next */
	void *done;			/* for the after callback */
	struct group *next;
};

struct whs_guard;
struct whs_tls;

struct whserver {
	struct whserver_opts o;
	struct MHD_Daemon *d;
	struct whs_guard *guard;	/* the read deadline */
	struct whs_tls *tls;		/* NULL: plain HTTP */
	unsigned port;
	pthread_t writer, syncer;
	pthread_mutex_t mu;		/* guards everything below */
	pthread_cond_t queued;		/* writer: work or quit */
	pthread_cond_t synced;		/* syncer: a group or quit */
	pthread_cond_t idle;		/* stop: active or suspended changed */
	struct req *head, *tail;	/* queued for the writer */
	struct group *ghead, *gtail;	/* committed, not yet synced */
	size_t queue_bytes;		/* signed bodies queued */
	size_t unverified;		/* bodies being read, not yet checked */
	unsigned active;		/* requests between first call and completion */
	unsigned suspended;		/* queued or waiting to answer */
	int stopping;			/* refuse new requests (503) */
	int closing;			/* refuse to queue (503) */
	int quit;			/* writer: finish the queue and leave */
	int sync_quit;			/* syncer: the same, after the writer */
	int syncer_started;
	struct whserver_stats stats;
};

/* ---- lib/whserver_req.c: requests (libmicrohttpd's callbacks) ---- */

enum MHD_Result whs_on_request(void *cls, struct MHD_Connection *c,
			       const char *url, const char *method,
			       const char *version, const char *data,
			       size_t *size, void **con_cls);
void whs_on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
		      enum MHD_RequestTerminationCode toe);

/* ---- lib/whserver_commit.c: the writer and the syncer ---- */

void *whs_writer_main(void *arg);
void *whs_syncer_main(void *arg);

/* ---- lib/whserver_net.c ---- */

/* The bound TCP port of a listening socket (0 if unknown). */
unsigned whs_bound_port(int fd);
/* The client's address as text, into buf. */
const char *whs_peer(struct MHD_Connection *c, char *buf, size_t len);
/* Raises the limit on open files so that want connections fit, as far as
 * the hard limit allows; returns how many fit. */
unsigned whs_fd_room(unsigned want);

/* ---- lib/whserver_guard.c: the read deadline ---- */

int whs_guard_start(struct whs_guard **out, unsigned ms, whserver_log_fn log,
		    void *ctx, struct wa_err *err);
void whs_guard_stop(struct whs_guard *g);
/* MHD_OPTION_NOTIFY_CONNECTION's callback (cls: the guard). */
void whs_guard_notify(void *cls, struct MHD_Connection *c,
		      void **socket_context,
		      enum MHD_ConnectionNotificationCode code);
/* The request on c was read whole: the deadline no longer applies. */
void whs_guard_read(struct whs_guard *g, struct MHD_Connection *c);
/* The next request on c (kept alive) begins now. */
void whs_guard_next(struct whs_guard *g, struct MHD_Connection *c);
/* Connections cut so far. */
unsigned long whs_guard_cut(struct whs_guard *g);

/* ---- lib/whserver_tls.c: the certificate ---- */

/* Loads the PEM certificate chain and key (78 when unreadable, not PEM,
 * or not a pair; 69 without GnuTLS). */
int whs_tls_load(struct whs_tls **out, const char *cert, const char *key,
		 struct wa_err *err);
/* Loads the files again; on error the old pair stays in use. */
int whs_tls_reload(struct whs_tls *t, struct wa_err *err);
void whs_tls_free(struct whs_tls *t);
/* MHD_OPTION_HTTPS_CERT_CALLBACK's function: the pair loaded last. */
int whs_tls_retrieve(gnutls_session_t session,
		     const gnutls_datum_t *req_ca_rdn, int nreqs,
		     const gnutls_pk_algorithm_t *pk_algos,
		     int pk_algos_length, gnutls_pcert_st **pcert,
		     unsigned int *pcert_length, gnutls_privkey_t *key);

#endif
