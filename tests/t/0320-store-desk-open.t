#!/bin/sh
# SPDX-License-Identifier: MIT
# Which commands make a desk (a mistyped --db is no empty desk: 78), and a read-only snapshot read by wa-view, wa-quota, wa-db.
. "$(dirname "$0")/../lib.sh"
. "$top/tests/fixtures/view/seed.sh"

# ---- a missing database: 78 naming the path, nothing made ----------
typo="$T/typo/wa.db"
for c in "wa-view list" "wa-view show 1" "wa-view search refund" \
	"wa-view close 1" "wa-view contacts list" "wa-view contacts add --name Ann" \
	"wa-quota" "wa-quota check" "wa-quota set --limit 5" "wa-quota forecast" \
	"wa-send --to 15551230001 --text hi" "wa-template list" \
	"wa-recv replay" "wa-recv events" "wa-recv media --pending" \
	"wa-connect list" "wa-connect show 111111111111111" \
	"wa-connect disconnect 111111111111111" "wa-connect business" \
	"wa-db check" "wa-db migrate --check"; do
	exits 78 "$c on a missing database" $c --db "$typo"
	like "$(cat "$T/err")" "*: config: no database at '$typo'*" "$c names the path"
	grep -q . "$T/out"; ok $(( ! $? )) "$c prints no record"
done
test ! -e "$T/typo"; ok $? "none of them made a file or directory"
# on PostgreSQL a database without a desk is the same: 78, nothing made
if on_pg; then
	"$WA_TEST_PG_BIN/createdb" -h "$WA_TEST_PG_HOST" -U postgres "${pg_db}_e" &&
		pg_dbs="$pg_dbs ${pg_db}_e"
	empty="postgresql:///${pg_db}_e?host=$WA_TEST_PG_HOST&user=postgres"
	for c in "wa-view list" "wa-view contacts add --name Ann" "wa-quota check" \
		"wa-send --to 15551230001 --text hi" "wa-template list" \
		"wa-recv replay" "wa-connect list" "wa-db check"; do
		exits 78 "$c on a database without a desk" $c --db "$empty"
		like "$(cat "$T/err")" "*: config: no desk in PostgreSQL database '${pg_db}_e'*" "$c names the database"
	done
	is "$(WA_DB=$empty sql "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")" 0 "none of them made a desk"
fi
exits 78 "WA_DB mistyped: the same" env WA_DB="$typo" wa-quota check
exits 78 "a path through a file is no database either" wa-quota --db "$T/typo.d/../x/wa.db"

# ---- the commands that set a desk up make one ----------------------
exits 0 "wa-db migrate makes a desk" wa-db migrate --db "$T/a/wa.db"
exits 0 "wa-recv makes a desk" wa-recv --db "$T/b/wa.db" /dev/null
exits 0 "wa-connect business (setting it) makes a desk" wa-connect business --db "$T/c/wa.db" \
	--legal-name "Acme Inc" --display-name Acme --website https://acme.example --email a@acme.example
for d in a b c; do
	test -f "$T/$d/wa.db"; ok $? "desk $d made"
	is "$(stat -c %a "$T/$d/wa.db")" 600 "desk $d mode 0600"
done
exits 0 "then every command reads it" wa-quota check --db "$T/a/wa.db"

# ---- a read-only snapshot ------------------------------------------
# A snapshot is a copy of a SQLite desk's file (and WAL): on PostgreSQL
# too this part reads one (a read-only PostgreSQL is 0320-store-pg's).
if on_pg; then WA_DB=$T/wa.db; export WA_DB; fi
seed_day
sql "UPDATE threads SET unread = 3 WHERE id = 1"
mkdir "$T/snap" && cp "$WA_DB" "$T/snap/wa.db"	# closed: no WAL beside it
# the snapshot's last change lives only in its WAL, as in a snapshot of a
# running desk: a reader that skipped the WAL would miss it
printf '.dbconfig no_ckpt_on_close on\n.filectrl persist_wal on\nUPDATE threads SET unread = 4 WHERE id = 1;\n' |
	sqlite3 "$T/snap/wa.db" >/dev/null
# ... and one checkpointed and closed: a database file alone
mkdir "$T/nowal" && cp "$T/snap/wa.db" "$T/snap/wa.db-wal" "$T/nowal/"
sqlite3 "$T/nowal/wa.db" 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
test -s "$T/snap/wa.db-wal"; ok $? "the snapshot has a WAL"
test ! -e "$T/nowal/wa.db-wal"; ok $? "the other has none"

# ro DIR CMD...: CMD with DIR read-only, a read-only bind mount in a
# private mount namespace (or, without one, a directory a non-root user
# cannot write)
how=
if unshare -rm sh -c 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" &&
	! touch "$1/probe" 2>/dev/null' sh "$T/snap" 2>/dev/null; then
	how=mount
	ro() { unshare -rm sh -c 'mount --bind "$1" "$1" &&
		mount -o remount,bind,ro "$1" && shift && exec "$@"' sh "$@"; }
elif [ "$(id -u)" -ne 0 ]; then
	how=chmod
	ro() { ro_dir=$1; shift; chmod 444 "$ro_dir"/*; chmod 555 "$ro_dir"
		"$@"; ro_rc=$?; chmod 755 "$ro_dir"; chmod 600 "$ro_dir"/*
		return $ro_rc; }
fi
if [ -z "$how" ]; then
	echo "# skip: neither a private mount namespace (unshare -rm) nor a non-root user to make a directory read-only"
	done_testing
	exit
fi
echo "# read-only by $how"

for d in snap nowal; do
	db="$T/$d/wa.db"
	exits 0 "$d: wa-view list on the read-only snapshot" ro "$T/$d" wa-view list --db "$db"
	is "$(jf 'select(.thread_id == "1") | .unread')" 4 "$d: reads the last change"
	exits 0 "$d: wa-view show" ro "$T/$d" wa-view show 1 --db "$db"
	is_json 'select(.record == "thread") | .thread_id' '"1"' "$d: the thread"
	exits 0 "$d: wa-view search" ro "$T/$d" wa-view search refund --db "$db"
	exits 0 "$d: wa-quota" ro "$T/$d" wa-quota --db "$db"
	is_json '.limit' 1000 "$d: the status record"
	exits 0 "$d: wa-quota check" ro "$T/$d" wa-quota check --db "$db"
	exits 0 "$d: wa-connect list" ro "$T/$d" wa-connect list --db "$db"
	is "$(grep -c . "$T/out")" 2 "$d: both channels"
	exits 0 "$d: wa-recv events" ro "$T/$d" wa-recv events --db "$db"
	exits 0 "$d: wa-db check" ro "$T/$d" wa-db check --db "$db"
	exits 0 "$d: wa-db backup to a writable place" ro "$T/$d" wa-db backup "$T/$d.copy" --db "$db"
	is "$(sqlite3 "$T/$d.copy" 'SELECT unread FROM threads WHERE id = 1')" 4 "$d: the copy has the WAL's change"
	exits 74 "$d: a change is refused (I/O)" ro "$T/$d" wa-view close 1 --db "$db"
done
is "$(sqlite3 "$T/snap/wa.db" 'SELECT unread FROM threads WHERE id = 1')" 4 "show did not touch the snapshot"
sqlite3 "$T/nowal/wa.db" 'PRAGMA user_version = 1'
exits 78 "a read-only snapshot too old to read" ro "$T/nowal" wa-quota --db "$T/nowal/wa.db"
like "$(cat "$T/err")" "*cannot be written and its schema (1) is older*" "says why and what to do"
done_testing
