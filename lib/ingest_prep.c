/* SPDX-License-Identifier: MIT */
/* What deriving a delivery needs no database for, done ahead on another thread. */
#include <stdlib.h>
#include <string.h>
#include "ingest.h"
#include "ingest_int.h"
#include "jsonl.h"
#include "normalize.h"
#include "quarantine.h"
#include "util.h"

static void
prep_message(struct ingest_prep *p, struct quarantine *q, jv msg, int echo,
	     jv value)
{
	struct ingest_prep_msg *pm;

	if (p->n == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 4;
		p->msgs = xrealloc(p->msgs, p->cap * sizeof(*p->msgs));
	}
	pm = &p->msgs[p->n++];
	pm->msg = msg;
	pm->echo = echo;
	pm->qrule = NULL;
	pm->rec = jv_invalid();
	norm_message(msg, &pm->m);
	{
		jv meta = jx_get(value, "metadata");
		jv contacts = jx_get(value, "contacts");

		pm->user = ingest_msg_who(&pm->m, echo,
					  jx_cstr(meta, "display_phone_number"),
					  contacts, &pm->who);
		jv_free(contacts);	/* value keeps them */
		jv_free(meta);
	}
	if (pm->m.error[0] || !pm->m.type)
		return;		/* one_message reports it */
	/* Shares nothing: it goes on to the thread that prints it while the
	 * delivery comes back here to be freed. */
	pm->rec = norm_record(&pm->m, echo ? "echo" : "message");
	if (!pm->m.unsupported && strcmp(pm->m.type, "system"))
		pm->qrule = quarantine_match(q, pm->rec);
	/* The event is printed as this text and its keys (ingest_queue.c):
	 * a few hundred bytes held until the commit instead of an object,
	 * and the dump done here, off the database thread. Not when a key
	 * of the event would replace one of the record ("to" of an inbound
	 * message, "text" of a quarantined one). */
	if (!pm->qrule && !(pm->m.to && !echo))
		pm->rec = ingest_rec_text(pm->rec);
}

/* The walk of derive(): entry[].changes[] with a messages or echoes
 * field and an object value. */
static void
prep_change(struct ingest_prep *p, struct quarantine *q, jv change)
{
	const char *field = jx_cstr(change, "field");
	int echo = field && strcmp(field, "smb_message_echoes") == 0;
	jv value, list;

	if (!field || (!echo && strcmp(field, "messages")))
		return;
	value = jx_get(change, "value");
	list = jx_get(value, echo ? "message_echoes" : "messages");
	if (jv_get_kind(list) == JV_KIND_ARRAY)
		jv_array_foreach(list, i, msg) {
			(void)i;
			prep_message(p, q, msg, echo, value);	/* takes msg */
		}
	jv_free(list);
	jv_free(value);
}

struct ingest_prep *
ingest_prepare(struct quarantine *q, jv d, const char *body, size_t len)
{
	struct ingest_prep *p = xcalloc(1, sizeof(*p));
	jv entries = jx_get(d, "entry");

	ingest_sha256_hex(body, len, p->sha);
	if (jv_get_kind(entries) == JV_KIND_ARRAY)
		jv_array_foreach(entries, i, entry) {
			jv changes = jx_get(entry, "changes");

			(void)i;
			if (jv_get_kind(changes) == JV_KIND_ARRAY)
				jv_array_foreach(changes, j, change) {
					(void)j;
					prep_change(p, q, change);
					jv_free(change);
				}
			jv_free(changes);
			jv_free(entry);
		}
	jv_free(entries);
	return p;
}

static void
prep_msg_release(struct ingest_prep_msg *pm)
{
	norm_release(&pm->m);
	jv_free(pm->rec);
	jv_free(pm->msg);
}

struct ingest_prep_msg *
ingest_prep_take(struct ingest_prep *p, jv msg, int echo)
{
	struct ingest_prep_msg *pm;

	if (!p || p->next >= p->n)
		return NULL;
	pm = &p->msgs[p->next];
	/* Same object, same walk: otherwise derive here (never expected). */
	if (pm->echo != echo || !jv_identical(jv_copy(pm->msg), jv_copy(msg))) {
		p->next = p->n;
		return NULL;
	}
	p->next++;
	return pm;
}

void
ingest_prep_free(struct ingest_prep *p)
{
	size_t i;

	if (!p)
		return;
	for (i = 0; i < p->n; i++)
		prep_msg_release(&p->msgs[i]);
	free(p->msgs);
	free(p);
}
