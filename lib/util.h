/* SPDX-License-Identifier: MIT */
/* Memory, string buffers, integer parsing, time (WA_NOW), phone numbers. */
#ifndef WA_UTIL_H
#define WA_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <jv.h>
#include "err.h"

/* Allocation never fails: out of memory prints and aborts. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

struct strbuf {
	char *buf;	/* NUL-terminated, owned; "" until first add */
	size_t len;	/* bytes used, without the NUL */
	size_t cap;	/* bytes allocated */
};
#define STRBUF_INIT { NULL, 0, 0 }
void sb_add(struct strbuf *sb, const void *p, size_t n);
void sb_adds(struct strbuf *sb, const char *s);
void sb_addf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void sb_reset(struct strbuf *sb);
/* Returns the buffer ("" if empty); the strbuf keeps ownership. */
const char *sb_str(struct strbuf *sb);
/* Hands the buffer to the caller and re-inits sb. */
char *sb_detach(struct strbuf *sb);
void sb_release(struct strbuf *sb);

/* Parses a whole decimal integer in [min, max]; 0 on success, -1 else. */
int parse_int(const char *s, long long min, long long max, long long *out);

/* Characters of UTF-8 text: code points, not bytes. */
size_t utf8_len(const char *s);

/* 1 when s equals one of the strings of set (NULL-terminated), else 0. */
int str_one_of(const char *s, const char *const *set);

/* Now in Unix seconds: WA_NOW when set (and valid: config_load refuses
 * a malformed one), else the clock. */
#define WA_NOW_MAX 253402300799LL	/* 9999-12-31T23:59:59Z */
int64_t wa_now(void);
/* The same in milliseconds (WA_NOW's whole seconds when set). */
int64_t wa_now_ms(void);
/* The monotonic clock in microseconds (intervals, never dates). */
int64_t mono_us(void);

/* Parses Unix seconds ("1713290225") or ISO 8601 UTC / with offset
 * ("2024-04-16T17:57:05Z", "2024-04-16T19:57:05+02:00", "2024-04-16",
 * "2024-04-16 17:57:05"). 0 on success, -1 (err invalid_input) else. */
int time_parse(const char *s, int64_t *out, struct wa_err *err);

/* Formats as "YYYY-MM-DDTHH:MM:SSZ" into buf (>= 32 bytes); returns buf. */
char *time_fmt(int64_t t, char *buf, size_t len);

/* Owned jv string of time_fmt(t), or jv_null() when t < 0. */
jv time_jv(int64_t t);

/* Our own row ids (thread_id, ticket_id, contact_id, ...) as records
 * carry them: a JSON string of the decimal id, or null when id <= 0. */
jv id_jv(int64_t id);

/* Days-from-civil helpers (proleptic Gregorian, UTC). */
int64_t time_from_ymd(int y, int m, int d);
void time_to_ymd(int64_t t, int *y, int *m, int *d);
int time_days_in_month(int y, int m);

/* Parses a duration "90", "90s", "15m", "1h", "2d" into seconds. */
int duration_parse(const char *s, int64_t *out);

/* Normalises a phone number to international digits ("15551234567").
 * Accepts "+1 (555) 123-4567", "001 555...", "15551234567" (taken as
 * international when it has no leading 0) and, when default_cc is set,
 * national forms with a leading 0 or marked national by context.
 * Writes into out (>= 32 bytes). 0 on success, -1 with err invalid_phone. */
int phone_normalize(const char *in, const char *default_cc, char *out,
		    size_t outlen, struct wa_err *err);

/* Hex encoding and decoding helpers. */
void hex_encode(const unsigned char *in, size_t n, char *out);
/* Base64 (standard) to bytes; returns decoded length or -1. */
long base64_decode(const char *in, unsigned char *out, size_t outlen);

/* Creates dirs like mkdir -p (mode 0700). 0 or -1 with errno. */
int mkdir_p(const char *path);

/* Makes the calling thread yield to the process's other threads when
 * CPUs are short (nice 10; Linux keeps a nice value per thread). For
 * helpers that work in bursts (printing a batch, checkpointing), so they
 * do not starve the threads that keep the database busy. */
void thread_background(void);

/* The CLOCK_REALTIME time ms from now, for pthread_cond_timedwait. */
struct timespec;
void deadline_after_ms(unsigned ms, struct timespec *t);

#endif
