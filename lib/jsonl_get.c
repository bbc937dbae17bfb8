/* SPDX-License-Identifier: MIT */
/* Typed getters on records (jx_*): kind checks naming the key, a per-thread cache of key strings. */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "jsonl.h"
#include "util.h"

static int
kind_error(jv obj, const char *key, const char *want, struct wa_err *err)
{
	(void)obj;
	return wa_err_set(err, WA_EX_REJECTED, "invalid_input",
			  "'%s' must be %s", key, want);
}

/*
 * Keys are nearly always string literals: keep their jv strings (with the
 * hash libjq caches in them) per thread, keyed by the literal's address,
 * instead of allocating and hashing a new string at every lookup. A slot
 * holding another address with the same text is replaced, so a reused
 * buffer with new text can never hit a stale key.
 */
#define KEY_SLOTS 256

static __thread struct key_slot {
	const char *addr;
	jv key;
} key_cache[KEY_SLOTS];
static __thread int key_cache_armed;
static pthread_key_t key_cache_exit;
static pthread_once_t key_cache_once = PTHREAD_ONCE_INIT;

static void
key_cache_destroy(void *p)
{
	(void)p;
	jx_cache_release();
}

static void
key_cache_init(void)
{
	pthread_key_create(&key_cache_exit, key_cache_destroy);
}

static jv
key_jv(const char *key)
{
	uintptr_t h = (uintptr_t)key;
	struct key_slot *s = &key_cache[((h >> 3) ^ (h >> 12)) % KEY_SLOTS];

	if (!key_cache_armed) {
		/* release this thread's keys when it ends */
		pthread_once(&key_cache_once, key_cache_init);
		pthread_setspecific(key_cache_exit, key_cache);
		key_cache_armed = 1;
	}
	if (s->addr == key && strcmp(jv_string_value(s->key), key) == 0)
		return jv_copy(s->key);
	if (s->addr)
		jv_free(s->key);
	s->addr = key;
	s->key = jv_string(key);
	return jv_copy(s->key);
}

/* Owned obj[key], or invalid when obj is not an object / key absent. */
jv
jx_get(jv obj, const char *key)
{
	if (jv_get_kind(obj) != JV_KIND_OBJECT)
		return jv_invalid();
	return jv_object_get(jv_copy(obj), key_jv(key));
}

void
jx_cache_release(void)
{
	int i;

	for (i = 0; i < KEY_SLOTS; i++)
		if (key_cache[i].addr) {
			jv_free(key_cache[i].key);
			key_cache[i].addr = NULL;
		}
}

const char *
jx_cstr(jv obj, const char *key)
{
	jv v = jx_get(obj, key);
	const char *s = NULL;

	if (jv_get_kind(v) == JV_KIND_STRING)
		s = jv_string_value(v);	/* obj keeps its own reference */
	jv_free(v);
	return s;
}

jv
jx_path(jv obj, ...)
{
	va_list ap;
	const char *k;
	jv cur = jv_copy(obj);

	va_start(ap, obj);
	while ((k = va_arg(ap, const char *)) != NULL) {
		jv next = jx_get(cur, k);

		jv_free(cur);
		cur = next;
		if (!jv_is_valid(cur))
			break;
	}
	va_end(ap);
	return cur;
}

int
jx_str(jv obj, const char *key, const char **out, struct wa_err *err)
{
	jv v = jx_get(obj, key);
	jv_kind k = jv_get_kind(v);

	if (k == JV_KIND_INVALID || k == JV_KIND_NULL) {
		jv_free(v);
		return 0;
	}
	if (k != JV_KIND_STRING) {
		jv_free(v);
		return kind_error(obj, key, "a string", err);
	}
	*out = jv_string_value(v);
	jv_free(v);
	return 1;
}

int
jx_num(jv obj, const char *key, double *out, struct wa_err *err)
{
	jv v = jx_get(obj, key);
	jv_kind k = jv_get_kind(v);
	const char *s;
	char *end;
	double d;

	if (k == JV_KIND_INVALID || k == JV_KIND_NULL) {
		jv_free(v);
		return 0;
	}
	if (k == JV_KIND_NUMBER) {
		*out = jv_number_value(v);
		jv_free(v);
		return 1;
	}
	if (k == JV_KIND_STRING) {
		s = jv_string_value(v);
		errno = 0;
		d = strtod(s, &end);
		if (*s && !*end && !errno && isfinite(d)) {
			*out = d;
			jv_free(v);
			return 1;
		}
	}
	jv_free(v);
	return kind_error(obj, key, "a number", err);
}

int
jx_int(jv obj, const char *key, int64_t *out, struct wa_err *err)
{
	double d;
	int rc = jx_num(obj, key, &d, err);

	if (rc <= 0)
		return rc;
	if (d != floor(d) || d < -9007199254740992.0 ||
	    d > 9007199254740992.0)
		return kind_error(obj, key, "an integer", err);
	*out = (int64_t)d;
	return 1;
}

int
jx_intish(jv obj, const char *key, int64_t *out)
{
	struct wa_err err;

	return jx_int(obj, key, out, &err);
}

int
jx_bool(jv obj, const char *key, int *out, struct wa_err *err)
{
	jv v = jx_get(obj, key);
	jv_kind k = jv_get_kind(v);

	jv_free(v);
	if (k == JV_KIND_INVALID || k == JV_KIND_NULL)
		return 0;
	if (k == JV_KIND_TRUE || k == JV_KIND_FALSE) {
		*out = k == JV_KIND_TRUE;
		return 1;
	}
	return kind_error(obj, key, "true or false", err);
}
