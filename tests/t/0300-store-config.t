#!/bin/sh
# SPDX-License-Identifier: MIT
# Store and configuration through a real tool: 0600, --db, WA_DB, XDG default, newer schema refused, *_FILE secrets.
. "$(dirname "$0")/../lib.sh"

exits 0 "wa-recv on empty input creates the database" wa-recv </dev/null
if on_pg; then
	skip 3 "no database file on PostgreSQL"
else
	[ -f "$WA_DB" ]; ok $? "WA_DB was created"
	is "$(stat -c %a "$WA_DB")" 600 "mode 0600"
	is "$(sql 'PRAGMA journal_mode')" wal "WAL mode"
fi
v=$(schema_version)
[ "$v" -ge 1 ]; ok $? "schema version recorded ($v)"

exits 0 "--db wins over WA_DB" wa-recv --db "$T/other.db" </dev/null
[ -f "$T/other.db" ]; ok $? "--db PATH used"

mkdir -p "$T/xdg"
(unset WA_DB; XDG_DATA_HOME="$T/xdg" wa-recv </dev/null >/dev/null 2>&1)
[ -f "$T/xdg/wa/wa.db" ]; ok $? "default is \$XDG_DATA_HOME/wa/wa.db"

sqlite3 "$T/new.db" "CREATE TABLE x (a); PRAGMA user_version = 999"
sum_before=$(sha256sum "$T/new.db")
exits 78 "a newer schema is refused" wa-recv --db "$T/new.db" </dev/null
like "$(cat "$T/err")" "wa-recv: config: *newer*" "the message says the schema is newer"
is "$(sha256sum "$T/new.db")" "$sum_before" "and the file is untouched"
[ ! -e "$T/new.db-wal" ]; ok $? "no WAL file was made"

mkdir "$T/ro" && chmod 500 "$T/ro"
if [ "$(id -u)" -ne 0 ]; then
	exits 74 "an unwritable place exits 74" wa-recv --db "$T/ro/wa.db" </dev/null
else
	exits 74 "an impossible path exits 74" wa-recv --db /proc/nope/wa.db </dev/null
fi

# secrets from files: WA_TOKEN_FILE works and never shows up
printf 'file-token\n' >"$T/tok"
start_fake
WA_TOKEN= WA_TOKEN_FILE="$T/tok" exits 77 "WA_TOKEN_FILE is read (a wrong token reaches Meta)" helper graph GET /111111111111111
grep -q file-token "$T/out" "$T/err"; is $? 1 "the token from the file is never printed"
printf 'test-token\n' >"$T/tok"
WA_TOKEN= WA_TOKEN_FILE="$T/tok" exits 0 "the right token from a file works (newline stripped)" helper graph GET /111111111111111

done_testing
