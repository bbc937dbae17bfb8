/* SPDX-License-Identifier: MIT */
/* libpq loaded on first use (dlopen), so the tools start fast on SQLite. */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include "pq_lazy.h"

struct pq_lazy pq_lazy_fn;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static char why[256];		/* why it could not be loaded */
static int ok;

/* ISO C forbids converting void * to a function pointer; POSIX needs it.
 * The macros of pq_lazy.h would rename the symbol's string: # keeps it. */
#define LOAD(field, sym) \
	if (!(*(void **)(&pq_lazy_fn.field) = dlsym(h, name = #sym))) \
		goto missing

static void
load(void)
{
	const char *name = NULL;
	void *h = dlopen("libpq.so.5", RTLD_NOW | RTLD_LOCAL);

	if (!h) {
		snprintf(why, sizeof(why), "cannot load libpq: %s "
			 "(install libpq5)", dlerror());
		return;
	}
	LOAD(connectdb_params, PQconnectdbParams);
	LOAD(conninfo_parse, PQconninfoParse);
	LOAD(conninfo_free, PQconninfoFree);
	LOAD(freemem, PQfreemem);
	LOAD(finish, PQfinish);
	LOAD(reset, PQreset);
	LOAD(status, PQstatus);
	LOAD(transaction_status, PQtransactionStatus);
	LOAD(error_message, PQerrorMessage);
	LOAD(pass, PQpass);
	LOAD(db, PQdb);
	LOAD(set_notice_receiver, PQsetNoticeReceiver);
	LOAD(exec, PQexec);
	LOAD(prepare, PQprepare);
	LOAD(exec_prepared, PQexecPrepared);
	LOAD(result_status, PQresultStatus);
	LOAD(result_error_field, PQresultErrorField);
	LOAD(result_error_message, PQresultErrorMessage);
	LOAD(cmd_status, PQcmdStatus);
	LOAD(cmd_tuples, PQcmdTuples);
	LOAD(ntuples, PQntuples);
	LOAD(nfields, PQnfields);
	LOAD(ftype, PQftype);
	LOAD(getisnull, PQgetisnull);
	LOAD(getvalue, PQgetvalue);
	LOAD(getlength, PQgetlength);
	LOAD(clear, PQclear);
	LOAD(socket, PQsocket);
	LOAD(consume_input, PQconsumeInput);
	LOAD(notifies, PQnotifies);
	LOAD(enter_pipeline_mode, PQenterPipelineMode);
	LOAD(exit_pipeline_mode, PQexitPipelineMode);
	LOAD(pipeline_sync, PQpipelineSync);
	LOAD(send_query_prepared, PQsendQueryPrepared);
	LOAD(get_result, PQgetResult);
	ok = 1;
	return;
missing:
	snprintf(why, sizeof(why), "libpq lacks %s", name);
}

int
pq_lazy_load(struct wa_err *err)
{
	pthread_once(&once, load);
	if (!ok)
		return wa_err_set(err, WA_EX_UNAVAILABLE, "unavailable", "%s",
				  why);
	return 0;
}
