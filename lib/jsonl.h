/* SPDX-License-Identifier: MIT */
/* JSON lines: streaming reader (jv_parser) with line numbers, typed getters. */
#ifndef WA_JSONL_H
#define WA_JSONL_H

#include <stdio.h>
#include <stddef.h>
#include <stdint.h>
#include <jv.h>
#include "err.h"

#define JSONL_MAX_RECORD (1 << 20)	/* 1 MiB per line and per record */

struct jsonl;

/* Starts reading fp (borrowed; caller closes it). name is for messages. */
struct jsonl *jsonl_open(FILE *fp, const char *name);
void jsonl_close(struct jsonl *r);

/* Next record. Returns 1 with *out owned and *line the line the record
 * ends on; 0 at end of input; -1 for a bad record or run of bad lines
 * (err invalid_input naming the line, *line set) after which reading goes
 * on with the next line. A fatal read error returns -2 (err, exit 74). */
int jsonl_next(struct jsonl *r, jv *out, long *line, struct wa_err *err);

/* Raises or lowers the 1 MiB cap for lines and records (wa-recv: 3 MB bodies). */
void jsonl_set_limit(struct jsonl *r, size_t max);

/* How many records (good or bad) were seen so far. */
long jsonl_count(const struct jsonl *r);

/* Typed getters: borrow obj. Return 1 when key is present with the right
 * kind, 0 when absent or null, -1 (err invalid_input naming the key) when
 * of the wrong kind or out of range. */
int jx_str(jv obj, const char *key, const char **out, struct wa_err *err);
int jx_int(jv obj, const char *key, int64_t *out, struct wa_err *err);
int jx_bool(jv obj, const char *key, int *out, struct wa_err *err);
int jx_num(jv obj, const char *key, double *out, struct wa_err *err);

/* Borrowed C string of obj[key] or NULL when absent or not a string.
 * Valid as long as obj is alive and unchanged. */
const char *jx_cstr(jv obj, const char *key);
/* Owned obj[key] (jv_invalid() when obj is not an object or key absent).
 * Key strings are cached per thread: call jx_cache_release() before a
 * thread ends (and at exit, for leak checkers). */
jv jx_get(jv obj, const char *key);
void jx_cache_release(void);
/* v (taken) rebuilt so that it shares no allocation with anything else:
 * safe to hand to another thread while the original's other references
 * are still used (jv reference counts are not atomic). */
jv jx_fresh(jv v);
/* Owned value at a path of keys, NULL-terminated; invalid when absent. */
jv jx_path(jv obj, ...);
/* obj[key] as an integer: accepts numbers and numeric strings
 * ("1713290225"); returns 1 on success, 0 when absent, -1 bad. */
int jx_intish(jv obj, const char *key, int64_t *out);

/* The exact text of the record jsonl_next just returned when it was one
 * whole line (the common case), else NULL; valid until the next call. */
const char *jsonl_raw(const struct jsonl *r, size_t *len);

/* Appends v (borrowed) as compact JSON, like jv_dump_string(v, 0) but
 * several times faster (one buffer, no per-character appends). */
struct strbuf;
void jsonl_dump(struct strbuf *sb, jv v);
/* Appends s as a JSON string the way jsonl_dump would, or null. */
void jsonl_dump_str(struct strbuf *sb, const char *s);

/* Writes v (consumed) compactly plus "\n" to fp. 0, or -1 on I/O error. */
int jsonl_write(FILE *fp, jv v);

/* Strips jq's "(while parsing ...)" tail from a parser message. */
void jsonl_clean_message(char *msg);

#endif
