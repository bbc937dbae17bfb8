/* SPDX-License-Identifier: MIT */
/* lib/tz*.c against the C library's own reading of the same zones, and the day starts at DST edges. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "tap.h"
#include "tz.h"
#include "util.h"

static const char *const zones[] = {
	"Europe/Berlin", "America/New_York", "America/Santiago",
	"Australia/Lord_Howe", "Asia/Kolkata", "Pacific/Apia",
	"Africa/Casablanca", "America/Sao_Paulo", "Asia/Tehran",
	"Pacific/Chatham", "Europe/Dublin", "America/St_Johns", NULL
};

/* glibc's offset at t in zone name (TZ set, so glibc reads the file). */
static long
libc_offset(const char *name, int64_t t)
{
	char tzv[80];
	time_t tt = (time_t)t;
	struct tm tm;

	snprintf(tzv, sizeof(tzv), ":%s", name);
	setenv("TZ", tzv, 1);
	tzset();
	localtime_r(&tt, &tm);
	return tm.tm_gmtoff;
}

/* Every 11 h 13 min 7 s from 1902 to 2099 (the footer's rule after the
 * file's last transition, too), against glibc. */
static void
offsets_agree(const char *name)
{
	struct tz *z;
	struct wa_err err;
	int64_t t, bad = -1;
	long n = 0, wrong = 0;

	if (tz_load(&z, name, NULL, &err) < 0) {
		ok(0, "%s loads: %s", name, err.message);
		return;
	}
	for (t = -2145916800LL; t < 4102444800LL; t += 11 * 3600 + 13 * 60 + 7) {
		n++;
		if (tz_offset(z, t) != libc_offset(name, t)) {
			if (bad < 0)
				bad = t;
			wrong++;
		}
	}
	ok(wrong == 0, "%s: the offset agrees with the C library at %ld "
	   "instants 1902..2099", name, n);
	if (wrong)
		printf("#   %ld differ, first at %lld: %d against %ld\n", wrong,
		       (long long)bad, (int)tz_offset(z, bad),
		       libc_offset(name, bad));
	tz_free(z);
}

/* A day starts where its local date is first reached: the instant before
 * is an earlier local date, and the day itself (when it happens) is the
 * local date of its start; every day 1970..2060. */
static void
day_starts(const char *name)
{
	struct tz *z;
	struct wa_err err;
	int64_t day, s;
	int y, m, d, y2, m2, d2, bad = 0;
	char first[64] = "";

	if (tz_load(&z, name, NULL, &err) < 0) {
		ok(0, "%s loads", name);
		return;
	}
	for (day = 0; day < time_from_ymd(2061, 1, 1) / 86400; day++) {
		time_to_ymd(day * 86400, &y, &m, &d);
		s = tz_day_start(z, y, m, d);
		tz_date(z, s - 1, &y2, &m2, &d2);
		if (time_from_ymd(y2, m2, d2) >= day * 86400)
			bad++;
		tz_date(z, s, &y2, &m2, &d2);
		if (time_from_ymd(y2, m2, d2) < day * 86400 ||
		    (time_from_ymd(y2, m2, d2) > day * 86400 &&
		     s != tz_day_start(z, y2, m2, d2)))
			bad++;
		if (bad && !first[0])
			snprintf(first, sizeof(first), "%04d-%02d-%02d", y, m,
				 d);
	}
	ok(bad == 0, "%s: every day 1970..2060 starts at its first "
	   "instant%s%s", name, first[0] ? ", not " : "", first);
	tz_free(z);
}

static void
edges(void)
{
	struct tz *ber, *scl, *apia, *lhi;
	struct wa_err err;
	int y, m, d;

	tz_load(&ber, "Europe/Berlin", NULL, &err);
	tz_load(&scl, "America/Santiago", NULL, &err);
	tz_load(&apia, "Pacific/Apia", NULL, &err);
	tz_load(&lhi, "Australia/Lord_Howe", NULL, &err);
	/* Berlin: 23 hours on 2024-03-31, 25 on 2024-10-27 */
	is_time(tz_day_start(ber, 2024, 3, 31), "2024-03-30T23:00:00Z",
		"Berlin 2024-03-31 starts at 00:00 CET");
	is_time(tz_day_start(ber, 2024, 4, 1), "2024-03-31T22:00:00Z",
		"... and ends 23 hours later, 00:00 CEST");
	is_time(tz_day_start(ber, 2024, 10, 27), "2024-10-26T22:00:00Z",
		"Berlin 2024-10-27 starts at 00:00 CEST");
	is_time(tz_day_start(ber, 2024, 10, 28), "2024-10-27T23:00:00Z",
		"... and ends 25 hours later, 00:00 CET");
	is_time(tz_day_start(ber, 2024, 13, 1), "2024-12-31T23:00:00Z",
		"month 13 is January of the next year");
	is_time(tz_day_start(ber, 2100, 3, 28), "2100-03-27T23:00:00Z",
		"2100 (the footer's rule): before the change, CET");
	is_time(tz_day_start(ber, 2100, 3, 29), "2100-03-28T22:00:00Z",
		"2100: after it, CEST");
	/* Santiago: the change is at midnight */
	is_time(tz_day_start(scl, 2024, 9, 8), "2024-09-08T04:00:00Z",
		"Santiago 2024-09-08 has no midnight: it starts at 01:00 -03");
	is_time(tz_day_start(scl, 2024, 4, 7), "2024-04-07T04:00:00Z",
		"Santiago 2024-04-07 starts at 00:00 -04, after 23:00-24:00 "
		"of the 6th came twice");
	tz_date(scl, 1712458800, &y, &m, &d);	/* 2024-04-07T03:00:00Z */
	is_int(d, 6, "03:00Z that night is 23:00 of the 6th again");
	/* Apia skipped 2011-12-30 */
	is_time(tz_day_start(apia, 2011, 12, 30), "2011-12-30T10:00:00Z",
		"Apia 2011-12-30 never happened: it starts with the 31st");
	is_time(tz_day_start(apia, 2011, 12, 31), "2011-12-30T10:00:00Z",
		"the 31st at 00:00 +14");
	is_int(tz_offset(lhi, 1704067200), 11 * 3600,
	       "Lord Howe in January: +11");
	is_int(tz_offset(lhi, 1719792000), 10 * 3600 + 1800,
	       "Lord Howe in July: +10:30");
	tz_free(ber);
	tz_free(scl);
	tz_free(apia);
	tz_free(lhi);
}

static void
names(void)
{
	struct tz *z;
	struct wa_err err;
	char dir[] = "/tmp/wa-t-tz.XXXXXX", path[64];
	FILE *fp;

	ok(tz_name_valid("America/Argentina/Buenos_Aires"), "a deep name");
	ok(tz_name_valid("Etc/GMT+5"), "Etc/GMT+5");
	ok(!tz_name_valid("../etc/passwd"), "no ..");
	ok(!tz_name_valid("/etc/passwd"), "no absolute path");
	ok(!tz_name_valid("Europe//Berlin"), "no empty component");
	ok(!tz_name_valid("Europe/Berlin/"), "no trailing slash");
	ok(!tz_name_valid("Europe Berlin"), "no space");
	ok(!tz_name_valid(""), "not empty");
	ok(tz_load(&z, "Europe/Berln", NULL, &err) < 0 &&
	   err.sysexit == 64 && !strcmp(err.code, "invalid_input") &&
	   strstr(err.message, "'Europe/Berln' is not a time zone of the tz "
		  "database") != NULL, "a zone the database has not: 64");
	ok(tz_load(&z, "Europe", NULL, &err) < 0, "a directory is no zone");
	ok(tz_load(&z, "UTC", "/nonexistent", &err) == 0 &&
	   tz_offset(z, 0) == 0 && !strcmp(tz_name(z), "UTC"),
	   "UTC needs no database");
	tz_free(z);
	ok(mkdtemp(dir) != NULL, "scratch directory");
	snprintf(path, sizeof(path), "%s/Nowhere", dir);
	fp = fopen(path, "w");
	fputs("TZif2 but not really\n", fp);
	fclose(fp);
	ok(tz_load(&z, "Nowhere", dir, &err) < 0 && err.sysexit == 74 &&
	   strstr(err.message, "is not a time zone file") != NULL,
	   "a file that is no TZif: 74, named");
	remove(path);
	rmdir(dir);
	is_int(tz_offset(NULL, 12345), 0, "NULL is UTC");
	is_str(tz_name(NULL), "UTC", "named UTC");
}

int
main(void)
{
	int i;

	names();
	edges();
	for (i = 0; zones[i]; i++)
		offsets_agree(zones[i]);
	for (i = 0; zones[i]; i++)
		day_starts(zones[i]);
	return done_testing();
}
