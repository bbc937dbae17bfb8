/* SPDX-License-Identifier: MIT */
/* Time zones from the system's tz database (TZif files), for business days and periods. */
#ifndef WA_TZ_H
#define WA_TZ_H

#include <stdint.h>
#include "err.h"

/*
 * A zone is loaded once from TZDIR_DEFAULT/NAME (RFC 8536: the 64-bit
 * transitions, then the POSIX TZ rule of its footer for the times after
 * them) and then only answers questions, with no clock, environment or
 * I/O: what the offset from UTC is at an instant, which local date an
 * instant falls on, and when a local date begins. NULL stands for UTC
 * everywhere.
 */

#define TZ_DIR_DEFAULT "/usr/share/zoneinfo"
#define TZ_NAME_MAX 64

struct tz;

/* 1 when name is spelled like a zone name of the database ("UTC",
 * "Europe/Berlin", "America/Argentina/Buenos_Aires"): letters, digits,
 * '/', '_', '-', '+', no empty or dot-led component, at most
 * TZ_NAME_MAX - 1 bytes. Says nothing about whether it exists. */
int tz_name_valid(const char *name);

/* Loads the zone name from dir (NULL: TZ_DIR_DEFAULT). *out owned
 * (tz_free). -1 with err invalid_input (exit 64) when the name is
 * malformed or the database has no such zone, io (74) when the file is
 * not a zone (a TZif file it cannot read), naming it. */
int tz_load(struct tz **out, const char *name, const char *dir,
	    struct wa_err *err);
void tz_free(struct tz *z);

/* tz_load from TZ_DIR_DEFAULT once per process and name (a zone does not
 * change while a tool runs); borrowed, kept until exit. Thread-safe. */
const struct tz *tz_cached(const char *name, struct wa_err *err);
/* The name it was loaded as ("UTC" for NULL); borrowed. */
const char *tz_name(const struct tz *z);

/* Seconds east of UTC at instant t. */
int32_t tz_offset(const struct tz *z, int64_t t);

/* The local calendar date of instant t. */
void tz_date(const struct tz *z, int64_t t, int *y, int *m, int *d);

/* The first instant whose local date is y-m-d or later: local midnight
 * of that day, or where the day begins when midnight is skipped (a
 * transition at 00:00), or where the next day begins when the whole day
 * is skipped (Pacific/Apia, 2011-12-30). m may be 0 or 13 (the year
 * before or after); d is 1..31 of that month. */
int64_t tz_day_start(const struct tz *z, int y, int m, int d);

#endif
