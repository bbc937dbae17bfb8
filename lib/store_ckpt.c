/* SPDX-License-Identifier: MIT */
/* The WAL checkpointer: a thread with its own connection, so that the writer's commits never wait for a checkpoint. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>
#include <sqlite3.h>
#include "store.h"
#include "util.h"


struct store_ckpt {
	sqlite3 *db;
	unsigned ms;
	int quit;
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
};

static void *
ckpt_main(void *arg)
{
	struct store_ckpt *c = arg;
	struct timespec t;
	int quit = 0;

	thread_background();
	while (!quit) {
		deadline_after_ms(c->ms, &t);
		pthread_mutex_lock(&c->mu);
		while (!c->quit &&
		       pthread_cond_timedwait(&c->cv, &c->mu, &t) != ETIMEDOUT)
			;
		quit = c->quit;
		pthread_mutex_unlock(&c->mu);
		sqlite3_wal_checkpoint_v2(c->db, NULL,
					  SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
	}
	return NULL;
}

int
store_ckpt_start(struct store_ckpt **out, const char *db_path,
		    unsigned ms, struct wa_err *err)
{
	struct store_ckpt *c = xcalloc(1, sizeof(*c));

	*out = NULL;
	if (sqlite3_open_v2(db_path, &c->db, SQLITE_OPEN_READWRITE, NULL)) {
		wa_err_set(err, WA_EX_IOERR, "io", "cannot open '%s': %s",
			   db_path, sqlite3_errmsg(c->db));
		sqlite3_close(c->db);
		free(c);
		return -1;
	}
	sqlite3_busy_timeout(c->db, 1000);
	/* A connection that has read nothing has no WAL open yet, and
	 * sqlite3_wal_checkpoint_v2() on it silently does nothing. */
	(void)sqlite3_exec(c->db, "SELECT 1 FROM sqlite_schema LIMIT 1", NULL,
			   NULL, NULL);
	c->ms = ms ? ms : 250;
	pthread_mutex_init(&c->mu, NULL);
	pthread_cond_init(&c->cv, NULL);
	if (pthread_create(&c->th, NULL, ckpt_main, c) != 0) {
		sqlite3_close(c->db);
		free(c);
		return wa_err_set(err, WA_EX_IOERR, "io",
				  "cannot start the checkpoint thread");
	}
	*out = c;
	return 0;
}

void
store_ckpt_stop(struct store_ckpt *c)
{
	if (!c)
		return;
	pthread_mutex_lock(&c->mu);
	c->quit = 1;
	pthread_cond_signal(&c->cv);
	pthread_mutex_unlock(&c->mu);
	pthread_join(c->th, NULL);
	sqlite3_close(c->db);
	pthread_mutex_destroy(&c->mu);
	pthread_cond_destroy(&c->cv);
	free(c);
}

