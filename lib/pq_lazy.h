/* SPDX-License-Identifier: MIT */
/* libpq loaded on first use (dlopen), so the tools start fast on SQLite. */
#ifndef WA_PQ_LAZY_H
#define WA_PQ_LAZY_H

/*
 * Linking libpq doubles every tool's start-up (it pulls in Kerberos,
 * LDAP, GnuTLS and some twenty more shared libraries: wa-view contacts
 * 6 ms -> 14 ms), though only a PostgreSQL store needs it. Instead the
 * PQ* names below resolve through a table that pq_lazy_load() fills with
 * dlopen(). Include this instead of <libpq-fe.h>; call pq_lazy_load()
 * before any PQ* call.
 */
#include <libpq-fe.h>
#include "err.h"

struct pq_lazy {
	PGconn *(*connectdb_params)(const char *const *, const char *const *,
				    int);
	PQconninfoOption *(*conninfo_parse)(const char *, char **);
	void (*conninfo_free)(PQconninfoOption *);
	void (*freemem)(void *);
	void (*finish)(PGconn *);
	void (*reset)(PGconn *);
	ConnStatusType (*status)(const PGconn *);
	PGTransactionStatusType (*transaction_status)(const PGconn *);
	char *(*error_message)(const PGconn *);
	char *(*pass)(const PGconn *);
	char *(*db)(const PGconn *);
	PQnoticeReceiver (*set_notice_receiver)(PGconn *, PQnoticeReceiver,
						void *);
	PGresult *(*exec)(PGconn *, const char *);
	PGresult *(*prepare)(PGconn *, const char *, const char *, int,
			     const Oid *);
	PGresult *(*exec_prepared)(PGconn *, const char *, int,
				   const char *const *, const int *,
				   const int *, int);
	ExecStatusType (*result_status)(const PGresult *);
	char *(*result_error_field)(const PGresult *, int);
	char *(*result_error_message)(const PGresult *);
	char *(*cmd_status)(PGresult *);
	char *(*cmd_tuples)(PGresult *);
	int (*ntuples)(const PGresult *);
	int (*nfields)(const PGresult *);
	Oid (*ftype)(const PGresult *, int);
	int (*getisnull)(const PGresult *, int, int);
	char *(*getvalue)(const PGresult *, int, int);
	int (*getlength)(const PGresult *, int, int);
	void (*clear)(PGresult *);
	int (*socket)(const PGconn *);
	int (*consume_input)(PGconn *);
	PGnotify *(*notifies)(PGconn *);
	/* pipeline mode (libpq 14) */
	int (*enter_pipeline_mode)(PGconn *);
	int (*exit_pipeline_mode)(PGconn *);
	int (*pipeline_sync)(PGconn *);
	int (*send_query_prepared)(PGconn *, const char *, int,
				   const char *const *, const int *,
				   const int *, int);
	PGresult *(*get_result)(PGconn *);
};

/* The table; valid after pq_lazy_load() returned 0. */
extern struct pq_lazy pq_lazy_fn;

/* Loads libpq once (thread-safe). 0, or -1 with err "unavailable" (69)
 * when the library or one of its functions is missing. */
int pq_lazy_load(struct wa_err *err);

#define PQconnectdbParams (pq_lazy_fn.connectdb_params)
#define PQconninfoParse (pq_lazy_fn.conninfo_parse)
#define PQconninfoFree (pq_lazy_fn.conninfo_free)
#define PQfreemem (pq_lazy_fn.freemem)
#define PQfinish (pq_lazy_fn.finish)
#define PQreset (pq_lazy_fn.reset)
#define PQstatus (pq_lazy_fn.status)
#define PQtransactionStatus (pq_lazy_fn.transaction_status)
#define PQerrorMessage (pq_lazy_fn.error_message)
#define PQpass (pq_lazy_fn.pass)
#define PQdb (pq_lazy_fn.db)
#define PQsetNoticeReceiver (pq_lazy_fn.set_notice_receiver)
#define PQexec (pq_lazy_fn.exec)
#define PQprepare (pq_lazy_fn.prepare)
#define PQexecPrepared (pq_lazy_fn.exec_prepared)
#define PQresultStatus (pq_lazy_fn.result_status)
#define PQresultErrorField (pq_lazy_fn.result_error_field)
#define PQresultErrorMessage (pq_lazy_fn.result_error_message)
#define PQcmdStatus (pq_lazy_fn.cmd_status)
#define PQcmdTuples (pq_lazy_fn.cmd_tuples)
#define PQntuples (pq_lazy_fn.ntuples)
#define PQnfields (pq_lazy_fn.nfields)
#define PQftype (pq_lazy_fn.ftype)
#define PQgetisnull (pq_lazy_fn.getisnull)
#define PQgetvalue (pq_lazy_fn.getvalue)
#define PQgetlength (pq_lazy_fn.getlength)
#define PQclear (pq_lazy_fn.clear)
#define PQsocket (pq_lazy_fn.socket)
#define PQconsumeInput (pq_lazy_fn.consume_input)
#define PQnotifies (pq_lazy_fn.notifies)
#define PQenterPipelineMode (pq_lazy_fn.enter_pipeline_mode)
#define PQexitPipelineMode (pq_lazy_fn.exit_pipeline_mode)
#define PQpipelineSync (pq_lazy_fn.pipeline_sync)
#define PQsendQueryPrepared (pq_lazy_fn.send_query_prepared)
#define PQgetResult (pq_lazy_fn.get_result)

#endif
