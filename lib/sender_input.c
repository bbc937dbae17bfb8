/* SPDX-License-Identifier: MIT */
/* What a send record names: ids without U+0000, the idempotency key taken out of it. */
#include <stdlib.h>
#include <string.h>
#include "sender_int.h"
#include "jsonl.h"
#include "util.h"

/* Keys whose strings name something (a recipient, a message, a file, a
 * template): C strings downstream, so a U+0000 would cut them short and
 * a message would go somewhere else than asked.  Free text (body,
 * caption, parameters, contact cards) is sent and stored whole. */
static const char *const id_keys[] = {
	"to", "wa_id", "thread_id", "channel", "idempotency_key",
	"message_id", "id", "link", "path", "url", "file", "code", NULL
};

static int
is_id_key(const char *k)
{
	int i;

	for (i = 0; id_keys[i]; i++)
		if (strcmp(k, id_keys[i]) == 0)
			return 1;
	return 0;
}

static int
has_nul(jv v)
{
	return jv_get_kind(v) == JV_KIND_STRING &&
	       strlen(jv_string_value(v)) !=
	       (size_t)jv_string_length_bytes(jv_copy(v));
}

/* The input's name for a field of the message (borrowed strings). */
static const char *
field_name(const char *parent, const char *key, char *buf, size_t len)
{
	if (!parent)
		return key;
	if (strcmp(parent, "context") == 0)
		return "reply_to";
	if (strcmp(parent, "read") == 0)
		return "mark_read";
	snprintf(buf, len, "%s.%s", parent, key);
	return buf;
}

/* The first id under v (borrowed) holding U+0000: -1 naming it.  The
 * template's name is an id too; a contact card is content. */
static int
check_ids(jv v, const char *parent, int depth, struct wa_err *err)
{
	char buf[96];
	int rc = 0;

	if (jv_get_kind(v) == JV_KIND_ARRAY) {
		jv_array_foreach(v, i, e) {
			if (rc == 0)
				rc = check_ids(e, parent, depth, err);
			jv_free(e);
		}
		return rc;
	}
	if (jv_get_kind(v) != JV_KIND_OBJECT)
		return 0;
	jv_object_foreach(v, k, e) {
		const char *key = jv_string_value(k);

		if (rc == 0 && has_nul(e) &&
		    (is_id_key(key) || (depth == 1 && strcmp(key, "name") == 0 &&
					strcmp(parent, "template") == 0)))
			rc = wa_err_set(err, WA_EX_REJECTED, "invalid_input",
					"%s: holds U+0000 (NUL), which no id, "
					"number or key can",
					field_name(parent, key, buf,
						   sizeof(buf)));
		else if (rc == 0 && strcmp(key, "contacts") != 0)
			rc = check_ids(e, parent ? parent : key, depth + 1,
				       err);
		jv_free(k);
		jv_free(e);
	}
	return rc;
}

/* idempotency_key: a non-empty string, or an integer (its decimal form:
 * 42 and "42" are one key); anything else is refused, never ignored. */
static int
take_key(struct job *j, struct wa_err *err)
{
	jv v = jx_get(j->msg, "idempotency_key");
	int k = jv_get_kind(v), rc = 0;
	double d = k == JV_KIND_NUMBER ? jv_number_value(v) : 0;
	char buf[32];

	if (k == JV_KIND_STRING && jv_string_value(v)[0]) {
		j->key = xstrdup(jv_string_value(v));
	} else if (k == JV_KIND_NUMBER && jv_is_integer(v) &&
		   d >= -9007199254740992.0 && d <= 9007199254740992.0) {
		snprintf(buf, sizeof(buf), "%.0f", d);
		j->key = xstrdup(buf);
	} else if (k == JV_KIND_STRING) {
		rc = wa_err_set(err, WA_EX_REJECTED, "invalid_input",
				"idempotency_key: must not be empty");
	} else if (k == JV_KIND_NUMBER) {
		rc = wa_err_set(err, WA_EX_REJECTED, "invalid_input",
				"idempotency_key: a number must be a whole "
				"number of at most 2^53; give a string");
	} else if (k != JV_KIND_INVALID && k != JV_KIND_NULL) {
		rc = wa_err_set(err, WA_EX_REJECTED, "invalid_input",
				"idempotency_key: want a string or a whole "
				"number");
	}
	jv_free(v);
	return rc;
}

int
sender_check_input(struct job *j, struct wa_err *err)
{
	if (check_ids(j->msg, NULL, 0, err) < 0)
		return -1;
	return take_key(j, err);
}
