/* SPDX-License-Identifier: MIT */
/* Template status webhooks applied to the store (status, category, quality). */
#include <stdlib.h>
#include <string.h>
#include "template.h"
#include "template_int.h"
#include "util.h"

/* The key of the template known by id, else by key, into *k (owned
 * strings): 1, or 0 when none; -1 with err. */
static int
find_row(struct store *st, const char *waba, const char *id,
	 const char *name, const char *language, struct tpl_key *k,
	 struct wa_err *err)
{
	struct sq *q;
	int64_t one;
	int rc;

	memset(k, 0, sizeof(*k));
	if (id) {
		q = store_q(st, Q_TEMPLATE_FIND_ID);
		sq_text(q, 1, id);
		rc = sq_step(q);
		if (rc < 0)
			return sq_fail(q, err, "find template");
		if (rc > 0) {
			k->waba = sq_col_dup(q, 0);
			k->name = sq_col_dup(q, 1);
			k->language = sq_col_dup(q, 2);
			sq_reset(q);
			return 1;
		}
	}
	if (!waba || !name || !language)
		return 0;
	q = store_q(st, Q_TEMPLATE_FIND_KEY);
	sq_text(q, 1, waba);
	sq_text(q, 2, name);
	sq_text(q, 3, language);
	rc = sq_int1(q, &one, "find template", err);
	if (rc > 0) {
		k->waba = xstrdup(waba);
		k->name = xstrdup(name);
		k->language = xstrdup(language);
	}
	return rc;
}

static void
key_release(struct tpl_key *k)
{
	free((char *)k->waba);
	free((char *)k->name);
	free((char *)k->language);
	memset(k, 0, sizeof(*k));
}

/* A template the webhook names that the store does not know yet. */
static int
insert_bare(struct store *st, const struct tpl_key *k, const char *id,
	    const char *status, const char *category, const char *quality,
	    const char *reason, int64_t now, struct wa_err *err)
{
	struct sq *q = store_q(st, Q_TEMPLATE_INSERT_BARE);

	sq_text(q, 1, id);
	sq_text(q, 2, k->waba);
	sq_text(q, 3, k->name);
	sq_text(q, 4, k->language);
	sq_text(q, 5, category);
	sq_text(q, 6, status ? status : "UNKNOWN");
	sq_text(q, 7, quality);
	sq_text(q, 8, reason);
	sq_int(q, 9, now);
	return sq_done(q, err);
}

int
template_apply_status(struct store *st, const char *waba, const char *id,
		      const char *name, const char *language,
		      const char *status, const char *category,
		      const char *quality, const char *reason, int64_t now,
		      struct wa_err *err)
{
	struct category_change c = { 0 };
	char lang[32], *p;
	const char *st_new = status;
	struct sq *q;
	int rc;

	/* webhooks sometimes spell en_US as en-US */
	snprintf(lang, sizeof(lang), "%s", language ? language : "");
	for (p = lang; *p; p++)
		if (*p == '-')
			*p = '_';
	if (template_ieq(status, "REINSTATED"))
		st_new = "APPROVED";
	else if (template_ieq(status, "FLAGGED") || template_ieq(status, "LOCKED"))
		st_new = NULL;
	if (reason && template_ieq(reason, "NONE"))
		reason = NULL;
	rc = find_row(st, waba, id, name, language ? lang : NULL, &c.key,
		      err);
	if (rc < 0)
		return -1;
	if (rc == 0) {
		struct tpl_key k = { waba, name, lang };

		if (!waba || !name || !language)
			return 0;
		return insert_bare(st, &k, id, st_new, category, quality,
				   reason, now, err);
	}
	c.category = category;
	c.id = id;
	c.source = "webhook";
	c.now = now;
	rc = template_category_change(st, &c, err);
	if (rc == 0) {
		q = store_q(st, Q_TEMPLATE_APPLY);
		template_bind_key(q, &c.key);
		sq_text(q, 4, st_new);
		sq_text(q, 5, category);
		sq_text(q, 6, quality);
		sq_text(q, 7, reason);
		sq_text(q, 8, id);
		sq_int(q, 9, now);
		rc = sq_done(q, err);
	}
	key_release(&c.key);
	return rc;
}
