/* SPDX-License-Identifier: MIT */
/* wa-view watch --window closing: a record when a session's window starts closing, once per window. */
#include <stdlib.h>
#include <string.h>
#include "watch_int.h"
#include "jsonl.h"
#include "util.h"
#include "window.h"

/*
 * Windows are not in the event log: they close with time, not with a
 * commit. The watcher looks at the sessions when one starts closing
 * (w->next_edge, to the second) and after messages came in (a message
 * stamped long ago may open a window that is closing already), and
 * remembers each window it reported until it has closed. A restarted
 * watcher reports again the windows that are closing then.
 */

static struct watch_seen *
seen_find(struct watch *w, const char *key)
{
	size_t i;

	for (i = 0; i < w->nseen; i++)
		if (strcmp(w->seen[i].key, key) == 0)
			return &w->seen[i];
	return NULL;
}

/* 1 when this window (key, ending at expires) was reported; else
 * remembers it and returns 0. */
static int
seen_check(struct watch *w, const char *key, int64_t expires)
{
	struct watch_seen *s = seen_find(w, key);

	if (s && s->expires == expires)
		return 1;
	if (!s) {
		if (w->nseen == w->capseen) {
			w->capseen = w->capseen ? 2 * w->capseen : 16;
			w->seen = xrealloc(w->seen,
					   w->capseen * sizeof(*w->seen));
		}
		s = &w->seen[w->nseen++];
		s->key = xstrdup(key);
	}
	s->expires = expires;
	return 0;
}

static void
seen_forget(struct watch *w, const char *key)
{
	struct watch_seen *s = seen_find(w, key);

	if (!s)
		return;
	free(s->key);
	*s = w->seen[--w->nseen];
}

/* Windows that have closed cannot close again. */
static void
seen_prune(struct watch *w, int64_t now)
{
	size_t i = 0;

	while (i < w->nseen) {
		if (w->seen[i].expires > now) {
			i++;
			continue;
		}
		free(w->seen[i].key);
		w->seen[i] = w->seen[--w->nseen];
	}
}

void
watch_windows_release(struct watch *w)
{
	size_t i;

	for (i = 0; i < w->nseen; i++)
		free(w->seen[i].key);
	free(w->seen);
	w->seen = NULL;
	w->nseen = w->capseen = 0;
}

static jv
window_record(struct sq *q, int64_t last, int64_t now)
{
	return views_obj("event", jv_string("window"),
		"state", jv_string("closing"),
		"ticket_id", sq_col_str(q, 1),
		"thread_id", sq_col_str(q, 0),
		"owner", sq_col_str(q, 2),
		"channel", sq_col_str(q, 6),
		"contact_id", sq_col_str(q, 3),
		"contact", sq_col_str(q, 4),
		"wa_id", sq_col_str(q, 5),
		"to", sq_col_str(q, 7),
		"session_expires_at", time_jv(window_expires_at(last)),
		"closes_in", jv_number((double)window_remaining(last, now)),
		"at", time_jv(now), NULL);
}

/* The windows closing at now that were not reported yet, with the key
 * each is remembered by (pairs in out: record, key). */
static int
closing_now(struct watch *w, int64_t now, jv *out, struct wa_err *err)
{
	struct sq *q = store_q(w->st, Q_WATCH_CLOSING);
	int rc;

	*out = jv_array();
	sq_int(q, 1, now - WINDOW_SECONDS);
	sq_int(q, 2, now - WINDOW_SECONDS + w->within);
	while ((rc = sq_step(q)) > 0) {
		int64_t last = sq_col_int(q, 8);
		jv key;

		if (!window_is_closing(last, now, w->within))
			continue;
		key = jv_string_fmt("%s\x1f%s", sq_col_text(q, 6),
				    sq_col_text(q, 7));
		if (seen_check(w, jv_string_value(key),
			       window_expires_at(last))) {
			jv_free(key);
			continue;
		}
		*out = jv_array_append(*out, window_record(q, last, now));
		*out = jv_array_append(*out, key);
	}
	return rc < 0 ? sq_fail(q, err, "read sessions") : 0;
}

/* Hands the new windows on; one a busy --exec cannot take now is
 * forgotten, to be found again in a moment. */
static int
report(struct watch *w, jv found, struct wa_err *err)
{
	struct strbuf sb = STRBUF_INIT;
	int n = jv_array_length(jv_copy(found)), i, rc = 0;

	for (i = 0; i + 1 < n && rc >= 0 && !w->stop; i += 2) {
		jv rec = jv_array_get(jv_copy(found), i);
		jv key = jv_array_get(jv_copy(found), i + 1);

		rc = watch_match(w, rec, "window", err);
		if (rc > 0) {
			sb_reset(&sb);
			jsonl_dump(&sb, rec);
			rc = watch_deliver(w, sb.buf, sb.len, "window", 0, err);
			if (rc > 0) {
				seen_forget(w, jv_string_value(key));
				w->scan_due = watch_clock_ms(w) + WATCH_CHECK_MS;
			}
		}
		jv_free(rec);
		jv_free(key);
	}
	sb_release(&sb);
	jv_free(found);
	return rc < 0 ? -1 : 0;
}

int
watch_windows_scan(struct watch *w, struct wa_err *err)
{
	int64_t now = watch_clock_ms(w) / 1000, last = -1;
	struct sq *q;
	jv found;

	w->last_scan = watch_clock_ms(w);
	w->scan_due = -1;
	seen_prune(w, now);
	if (closing_now(w, now, &found, err) < 0) {
		jv_free(found);
		return -1;
	}
	if (report(w, found, err) < 0)
		return -1;
	q = store_q(w->st, Q_WATCH_NEXT_CLOSING);
	sq_int(q, 1, now - WINDOW_SECONDS + w->within);
	if (sq_int1(q, &last, "read sessions", err) < 0)
		return -1;
	w->next_edge = last < 0 ? -1 : last + WINDOW_SECONDS - w->within;
	return 0;
}
