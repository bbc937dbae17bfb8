/* SPDX-License-Identifier: MIT */
/* The audit log: append under the write lock, list, and verify the SHA-256 chain. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <openssl/evp.h>
#include "audit.h"
#include "config.h"
#include "jsonl.h"
#include "util.h"

/* The hash before the first entry. */
static const char genesis[AUDIT_HASH_LEN + 1] =
	"0000000000000000000000000000000000000000000000000000000000000000";

static void
hash_field(EVP_MD_CTX *md, const char *s)
{
	char len[32];

	snprintf(len, sizeof(len), "%zu:", strlen(s));
	EVP_DigestUpdate(md, len, strlen(len));
	EVP_DigestUpdate(md, s, strlen(s));
	EVP_DigestUpdate(md, "\n", 1);
}

/*
 * The canonical encoding: a version line, then every field as
 * "LENGTH:BYTES\n" in a fixed order (id, time, actor, action, subject,
 * detail as stored, the previous hash), so no two entries encode alike.
 */
/* SHA-256 fetched once: EVP_sha256() in a digest's init looks the
 * implementation up again each time (OpenSSL 3), a third of an entry's
 * cost. */
static const EVP_MD *sha256_md;

static void
sha256_fetch(void)
{
	sha256_md = EVP_MD_fetch(NULL, "SHA256", NULL);
}

static const EVP_MD *
sha256(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, sha256_fetch);
	return sha256_md ? sha256_md : EVP_sha256();
}

static int
entry_hash(int64_t id, int64_t at, const char *actor, const char *action,
	   const char *subject, const char *detail, const char *prev,
	   char out[AUDIT_HASH_LEN + 1])
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned char d[32];
	unsigned int n = 0;
	char num[32];
	int ok;

	if (!md)
		return -1;
	ok = EVP_DigestInit_ex(md, sha256(), NULL);
	if (ok) {
		EVP_DigestUpdate(md, "wa-audit/1\n", 11);
		snprintf(num, sizeof(num), "%lld", (long long)id);
		hash_field(md, num);
		snprintf(num, sizeof(num), "%lld", (long long)at);
		hash_field(md, num);
		hash_field(md, actor);
		hash_field(md, action);
		hash_field(md, subject);
		hash_field(md, detail);
		hash_field(md, prev);
		ok = EVP_DigestFinal_ex(md, d, &n);
	}
	EVP_MD_CTX_free(md);
	if (!ok || n != sizeof(d))
		return -1;
	hex_encode(d, n, out);
	return 0;
}

static int
append_in_tx(struct store *st, const char *actor, const char *action,
	     const char *subject, const char *detail, struct wa_err *err)
{
	char prev[AUDIT_HASH_LEN + 1], hash[AUDIT_HASH_LEN + 1];
	int64_t id = 1, at = wa_now();
	struct sq *q = store_q(st, Q_AUDIT_HEAD);
	int rc;

	memcpy(prev, genesis, sizeof(prev));
	if ((rc = sq_step(q)) > 0) {
		id = sq_col_int(q, 0) + 1;
		snprintf(prev, sizeof(prev), "%s", sq_col_text(q, 1));
	}
	sq_reset(q);
	if (rc < 0)
		return sq_fail(q, err, "read audit head");
	if (entry_hash(id, at, actor, action, subject, detail, prev, hash) < 0)
		return wa_err_set(err, WA_EX_IOERR, "io",
				  "audit: cannot hash entry");
	q = store_q(st, Q_AUDIT_INSERT);
	sq_int(q, 1, id);
	sq_int(q, 2, at);
	sq_text(q, 3, actor);
	sq_text(q, 4, action);
	sq_text(q, 5, subject);
	sq_text(q, 6, detail);
	sq_text(q, 7, prev);
	sq_text(q, 8, hash);
	return sq_done(q, err);
}

int
audit_append(struct store *st, const char *actor, const char *action,
	     const char *subject, jv detail, struct wa_err *err)
{
	int own = !store_in_tx(st), rc;
	char *who = actor && *actor ? NULL : config_user();
	jv text;

	if (jv_get_kind(detail) == JV_KIND_NULL || !jv_is_valid(detail)) {
		jv_free(detail);
		detail = jv_object();
	}
	text = jv_dump_string(detail, JV_PRINT_SORTED);
	if (own && store_begin(st, err) < 0) {
		jv_free(text);
		free(who);
		return -1;
	}
	rc = append_in_tx(st, who ? who : actor, action,
			  subject ? subject : "", jv_string_value(text), err);
	jv_free(text);
	free(who);
	if (own) {
		if (rc < 0)
			store_rollback(st);
		else
			rc = store_commit(st, err);
	}
	if (rc < 0)
		wa_err_prefix(err, "audit %s", action);
	return rc;
}

static jv
entry_record(struct sq *q)
{
	jv detail = jv_parse(sq_col_text(q, 5));

	if (!jv_is_valid(detail)) {
		jv_free(detail);
		detail = sq_col_str(q, 5);
	}
	return JV_OBJECT(jv_string("record"), jv_string("audit"),
			 jv_string("id"), sq_col_jint(q, 0),
			 jv_string("time"), sq_col_time(q, 1),
			 jv_string("actor"), sq_col_str(q, 2),
			 jv_string("action"), sq_col_str(q, 3),
			 jv_string("subject"), sq_col_str(q, 4),
			 jv_string("detail"), detail,
			 jv_string("hash"), sq_col_str(q, 7));
}

int
audit_list(struct store *st, const struct audit_filter *f,
	   void (*each)(jv rec, void *ctx), void *ctx, struct wa_err *err)
{
	struct sq *q = store_q(st, Q_AUDIT_LIST);
	int rc;

	if (f->actor)
		sq_text(q, 1, f->actor);
	if (f->action)
		sq_text(q, 2, f->action);
	if (f->subject)
		sq_text(q, 3, f->subject);
	sq_int_or_null(q, 4, f->limit, f->limit <= 0);
	while ((rc = sq_step(q)) > 0)
		each(entry_record(q), ctx);
	sq_reset(q);
	return rc < 0 ? sq_fail(q, err, "read audit log") : 0;
}

int
audit_head(struct store *st, char hash[AUDIT_HASH_LEN + 1],
	   struct wa_err *err)
{
	struct sq *q = store_q(st, Q_AUDIT_HEAD);
	int rc;

	hash[0] = 0;
	if ((rc = sq_step(q)) > 0)
		snprintf(hash, AUDIT_HASH_LEN + 1, "%s", sq_col_text(q, 1));
	sq_reset(q);
	return rc < 0 ? sq_fail(q, err, "read audit head") : 0;
}

/* Checks the entry q is on against the one before; 0 or -1 with err. */
static int
verify_entry(struct sq *q, int64_t want_id, const char *prev,
	     char hash[AUDIT_HASH_LEN + 1], struct wa_err *err)
{
	int64_t id = sq_col_int(q, 0);
	const char *stored_prev = sq_col_text(q, 6);
	const char *stored = sq_col_text(q, 7);

	if (id != want_id)
		return wa_err_set(err, WA_EX_DATAERR, "audit_broken",
				  "entry %lld: expected entry %lld here: "
				  "entries deleted or reordered",
				  (long long)id, (long long)want_id);
	if (!stored_prev || strcmp(stored_prev, prev) != 0)
		return wa_err_set(err, WA_EX_DATAERR, "audit_broken",
				  "entry %lld: does not follow entry %lld: "
				  "entries deleted or reordered",
				  (long long)id, (long long)want_id - 1);
	if (entry_hash(id, sq_col_int(q, 1), sq_col_text(q, 2) ?: "",
		       sq_col_text(q, 3) ?: "", sq_col_text(q, 4) ?: "",
		       sq_col_text(q, 5) ?: "", prev, hash) < 0 ||
	    !stored || strcmp(stored, hash) != 0)
		return wa_err_set(err, WA_EX_DATAERR, "audit_broken",
				  "entry %lld: edited (its hash does not "
				  "match its contents)", (long long)id);
	return 0;
}

int
audit_verify(struct store *st, const char *anchor, jv *out,
	     struct wa_err *err)
{
	char prev[AUDIT_HASH_LEN + 1], hash[AUDIT_HASH_LEN + 1];
	struct sq *q = store_q(st, Q_AUDIT_ALL);
	int64_t n = 0, anchor_id = 0;
	int rc;

	memcpy(prev, genesis, sizeof(prev));
	while ((rc = sq_step(q)) > 0) {
		if (verify_entry(q, n + 1, prev, hash, err) < 0) {
			sq_reset(q);
			return -1;
		}
		n++;
		if (anchor && strcmp(anchor, hash) == 0)
			anchor_id = n;
		memcpy(prev, hash, sizeof(prev));
	}
	sq_reset(q);
	if (rc < 0)
		return sq_fail(q, err, "read audit log");
	if (anchor && !anchor_id)
		return wa_err_set(err, WA_EX_DATAERR, "audit_broken",
				  "anchor %s is not in the log (%lld entries):"
				  " entries deleted (truncated) or changed",
				  anchor, (long long)n);
	*out = JV_OBJECT(jv_string("record"), jv_string("audit_verify"),
			 jv_string("ok"), jv_true(),
			 jv_string("entries"), jv_number((double)n),
			 jv_string("head"), jv_string(n ? prev : ""),
			 jv_string("anchor_id"), anchor ?
			 jv_number((double)anchor_id) : jv_null());
	return 0;
}
