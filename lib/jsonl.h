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

/*
 * Next record. Returns 1 with *out owned and *line the line the record
 * ends on; 0 at end of input; -1 for a bad line or record (err
 * invalid_input, *line its first line; jsonl_bad_raw has its bytes),
 * after which reading goes on; -2 for a read error (err io, exit 74,
 * *line the line it could not read).
 *
 * Where an error ends, so that one cut line never swallows the records
 * after it. Between records, each line is one of:
 *  - blank: skipped;
 *  - an opening line, '{' or '[' and nothing else (how jq, python's
 *    json.dumps(indent=...) and other pretty printers open a top-level
 *    value): the record goes on over the next lines until it is whole;
 *  - anything else, a line on its own: every value on it must end on
 *    it. Each such line gives its values, or one error (none of its
 *    values), and reading resumes on the next line. So in JSON lines two
 *    bad lines in a row are two errors, and a cut record never takes the
 *    next line as its rest.
 * A record that spans lines ends, unfinished, where a line begins with
 * '{' or '[' in its first column (pretty printers indent everything
 * inside the top-level value): its lines are one error and that line
 * starts the next record. When a spanning record is not JSON, its
 * lines up to the next such line or the end are one error ("lines A-B"),
 * the rest of a bad pretty-printed blob included.
 */
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
/* Owned value at a path of keys, NULL-terminated; invalid when absent. */
jv jx_path(jv obj, ...);
/* obj[key] as an integer: accepts numbers and numeric strings
 * ("1713290225"); returns 1 on success, 0 when absent, -1 bad. */
int jx_intish(jv obj, const char *key, int64_t *out);

/* The exact text of the record jsonl_next just returned when it was one
 * whole line (the common case), else NULL; valid until the next call. */
const char *jsonl_raw(const struct jsonl *r, size_t *len);

/* After jsonl_next returned -1: the exact bytes the error covers (the
 * bad line, or the lines of a bad multi-line record, without the last
 * line ending), to store what could not be read. NULL when they were
 * longer than the limit (jsonl_set_limit); valid until the next call. */
const char *jsonl_bad_raw(const struct jsonl *r, size_t *len);

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
