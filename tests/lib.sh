# SPDX-License-Identifier: MIT
# Shell test helpers: plan, ok, is, is_json, exits, a temp home, the fake Graph server.
# Source from tests/t/*.t; binaries come from the build tree via PATH.

top=$(cd "$(dirname "$0")/../.." && pwd)
PATH="$top/cmd:$top/tests:$top/scripts:$PATH"
T=$(mktemp -d "${TMPDIR:-/tmp}/wa-test.XXXXXX")
WA_DB="$T/wa.db"
WA_MEDIA_DIR="$T/media"
WA_NOW=1713290225		# 2024-04-16T17:57:05Z
WA_TOKEN=test-token
WA_GRAPH_URL="http://127.0.0.1:9/v25.0"	# nothing listens until start_fake
WA_GRAPH_BACKOFF_MS=20
WA_USER=agent
# WA_TEST_STORE=pg (tests/with-pg started a server): a new database of
# this test's own on it instead of the file.
if [ "${WA_TEST_STORE:-}" = pg ]; then
	pg_db=t$(basename "$0" .t | tr -c 'a-z0-9\n' _)_$$
	if ! "$WA_TEST_PG_BIN/createdb" -h "$WA_TEST_PG_HOST" -U postgres "$pg_db"; then
		echo "Bail out! cannot create the test database $pg_db"
		exit 1
	fi
	WA_DB="postgresql:///$pg_db?host=$WA_TEST_PG_HOST&user=postgres"
fi
export PATH WA_DB WA_MEDIA_DIR WA_NOW WA_TOKEN WA_GRAPH_URL WA_GRAPH_BACKOFF_MS WA_USER
unset WA_TOKEN_FILE WA_APP_SECRET WA_APP_SECRET_FILE WA_VERIFY_TOKEN WA_DEFAULT_CC XDG_DATA_HOME
test_n=0
test_failed=0
fake_pid=
srv_pid=
pg_dbs=		# more databases a test made, dropped at its end
cleanup() {
	[ -n "$srv_pid" ] && kill "$srv_pid" 2>/dev/null
	[ -n "$fake_pid" ] && kill "$fake_pid" 2>/dev/null && wait "$fake_pid" 2>/dev/null
	rm -rf "$T"
	for d in ${pg_db:-} $pg_dbs; do
		"$WA_TEST_PG_BIN/dropdb" -h "$WA_TEST_PG_HOST" -U postgres \
			--force "$d" 2>/dev/null
	done
}
trap cleanup EXIT

plan() { echo "1..$1"; }
ok() {	# ok COND-STATUS DESCRIPTION: `cmd; ok $? "desc"`
	test_n=$((test_n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $test_n - $2"
	else echo "not ok $test_n - $2"; test_failed=$((test_failed + 1)); fi
}
is() {	# is GOT WANT DESCRIPTION
	[ "$1" = "$2" ]; ok $? "$3" || true
	[ "$1" = "$2" ] || printf '#   got:  %s\n#   want: %s\n' "$1" "$2"
}
like() {	# like GOT GLOB DESCRIPTION
	case "$1" in $2) ok 0 "$3" ;; *) ok 1 "$3"; printf '#   got: %s\n#   want like: %s\n' "$1" "$2" ;; esac
}
exits() {	# exits N DESC cmd...: runs cmd with stdout/stderr to $T/out, $T/err
	want=$1; desc=$2; shift 2
	$WA_WRAP "$@" >"$T/out" 2>"$T/err"
	got=$?
	[ "$got" -eq "$want" ]; ok $? "$desc (exit $want)"
	[ "$got" -eq "$want" ] || { echo "#   exit $got; stderr:"; sed 's/^/#   /' "$T/err" | head -5; }
	return 0
}
# jf FILTER [FILE]: a jq filter over JSON lines; compact output, one per line.
jf() { jq -c "$1" "${2:-$T/out}"; }
# is_json FILTER WANT DESC [FILE]: compares jq -c output with WANT.
is_json() { is "$(jq -c "$1" "${4:-$T/out}" 2>&1)" "$2" "$3"; }
# on_pg: true when the tests run on PostgreSQL (make check-pg).
on_pg() { [ "${WA_TEST_STORE:-}" = pg ]; }
# db_pg: true when WA_DB (the test's, or one a test set) is PostgreSQL's.
db_pg() { case $WA_DB in postgresql://* | postgres://*) ;; *) false ;; esac; }
# sql QUERY: runs SQL on WA_DB (sqlite3, or psql on PostgreSQL), one row
# a line, columns joined by '|', NULL empty. A boolean prints as SQLite
# prints a comparison, 1 or 0 (so a text that is exactly t or f would).
sql() {
	if ! db_pg; then
		# a reader can meet SQLITE_BUSY while a writer checkpoints
		sqlite3 -batch -noheader -cmd '.timeout 5000' "$WA_DB" "$1"
		return
	fi
	sql_out=$("$WA_TEST_PG_BIN/psql" -X -q -A -t -v ON_ERROR_STOP=1 \
		-d "$WA_DB" -c "$1")
	sql_rc=$?
	[ -z "$sql_out" ] || printf '%s\n' "$sql_out" |
		awk -F'|' -v OFS='|' '{ for (i = 1; i <= NF; i++)
			if ($i == "t") $i = 1; else if ($i == "f") $i = 0
			print }'
	return $sql_rc
}
# $BODY_TEXT: a delivery's raw body as text in SQL on either store.
if on_pg; then BODY_TEXT="convert_from(body, 'UTF8')"
else BODY_TEXT="CAST(body AS TEXT)"; fi
# skip N REASON: N tests that do not apply here, passed as skipped.
skip() {
	i=0
	while [ "$i" -lt "$1" ]; do
		i=$((i + 1)); test_n=$((test_n + 1))
		echo "ok $test_n # SKIP $2"
	done
}
# dump_store: the whole test database as SQL text (schema and rows).
dump_store() {
	if db_pg; then "$WA_TEST_PG_BIN/pg_dump" -d "$WA_DB"
	else sqlite3 "$WA_DB" .dump; fi
}
# fts_ids WORDS: ids of the messages the search index finds for WORDS
# (FTS5 MATCH, or the tsvector column on PostgreSQL), one a line.
fts_ids() {
	if db_pg; then sql "SELECT id FROM messages WHERE search @@ plainto_tsquery('wa_simple', '$1') ORDER BY id"
	else sql "SELECT rowid FROM messages_fts WHERE messages_fts MATCH '$1' ORDER BY rowid"; fi
}
# fts_indexed: how many messages the search index holds.
fts_indexed() {
	if db_pg; then sql "SELECT count(*) FROM messages WHERE search IS NOT NULL"
	else sql "SELECT count(*) FROM messages_fts_docsize"; fi
}
# store_remove: the test database gone, as if never made: the file
# with its WAL and lock files, or on PostgreSQL a new empty database of
# the same name.
store_remove() {
	if db_pg; then
		"$WA_TEST_PG_BIN/dropdb" -h "$WA_TEST_PG_HOST" -U postgres --force "$pg_db" &&
		"$WA_TEST_PG_BIN/createdb" -h "$WA_TEST_PG_HOST" -U postgres "$pg_db"
	else
		rm -f "$WA_DB" "$WA_DB"-*
	fi
}
# hold_store SECONDS FILE: holds the test database's write lock for
# SECONDS, like another writer would (SQLite's BEGIN IMMEDIATE, the
# advisory lock of lib/store_pg.c on PostgreSQL); makes FILE once it
# holds it. Run it in the background.
hold_store() {
	if db_pg; then
		printf 'BEGIN;\nSELECT pg_advisory_xact_lock(7752626425);\n\\! touch %s\nSELECT pg_sleep(%s);\nCOMMIT;\n' \
			"$2" "$1" | "$WA_TEST_PG_BIN/psql" -X -q -d "$WA_DB" >/dev/null
	else
		python3 -c 'import sqlite3,sys,time; c=sqlite3.connect(sys.argv[1], isolation_level=None); c.execute("BEGIN IMMEDIATE"); open(sys.argv[2], "w").close(); time.sleep(float(sys.argv[3]))' \
			"$WA_DB" "$2" "$1"
	fi
}
# schema_version [N]: the test database's schema version; sets it to N.
schema_version() {
	if db_pg; then
		if [ $# -gt 0 ]; then sql "UPDATE wa_schema SET version = $1"
		else sql 'SELECT version FROM wa_schema'; fi
	elif [ $# -gt 0 ]; then sql "PRAGMA user_version = $1"
	else sql 'PRAGMA user_version'; fi
}
# on_tty COLS CMDLINE: CMDLINE on a terminal COLS wide ($COLUMNS, under
# script); what it printed (stderr too) in $T/out; returns its status.
on_tty() {
	COLUMNS=$1 script -qec "$2" /dev/null >"$T/tty" 2>&1
	set -- $?
	tr -d '\r' <"$T/tty" >"$T/out"
	return "$1"
}
# on_pty COLS CMD...: CMD on a terminal that is COLS wide itself (its
# TIOCGWINSZ; COLUMNS unset), output in $T/out.
on_pty() { cols=$1; shift; pty-run "$cols" "$@" >"$T/out" 2>&1; }
# widest [FILE]: the length of the longest line.
widest() { awk '{ if (length($0) > m) m = length($0) } END { print m + 0 }' "${1:-$T/out}"; }

# start_fake [SEED] [ARGS...]: runs tests/fake-graph on a free loopback
# port; sets WA_GRAPH_URL and FAKE (base URL without the version).
start_fake() {
	seed=${1:-$top/tests/fixtures/graph-seed.json}
	[ $# -gt 0 ] && shift
	rm -f "$T/fake.port"
	fake-graph --port-file "$T/fake.port" --seed "$seed" --log "$T/requests.jsonl" "$@" \
		>"$T/fake.out" 2>"$T/fake.err" &
	fake_pid=$!
	i=0
	while [ ! -s "$T/fake.port" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
	FAKE="http://127.0.0.1:$(cat "$T/fake.port")"
	WA_GRAPH_URL="$FAKE/v25.0"
	export WA_GRAPH_URL FAKE
}
# fake_ctl PATH [JSON]: POSTs JSON to the fake's control endpoint.
fake_ctl() { curl -s -X POST --data-binary "${2:-{\}}" "$FAKE/_fake/$1"; }
# requests [FILTER]: the requests the fake received, as JSON lines.
requests() { curl -s "$FAKE/_fake/requests" | jq -c "${1:-.}"; }
nrequests() { curl -s "$FAKE/_fake/requests" | grep -c . ; }

# start_serve [ARGS...]: wa-recv serve on a free loopback port; sets SRV.
start_serve() {
	rm -f "$T/srv.port"
	$WA_WRAP wa-recv serve --listen 127.0.0.1:0 --port-file "$T/srv.port" \
		"$@" >"$T/srv.out" 2>"$T/srv.err" &
	srv_pid=$!
	i=0
	while [ ! -s "$T/srv.port" ] && [ $i -lt 400 ]; do sleep 0.05; i=$((i + 1)); done
	SRV="http://127.0.0.1:$(cat "$T/srv.port")"
}
# stop_serve [SIGNAL]: stops it and sets srv_rc.
stop_serve() {
	kill "-${1:-TERM}" "$srv_pid"
	wait "$srv_pid"
	srv_rc=$?
	srv_pid=
}
# sig FILE: the X-Hub-Signature-256 value of FILE under WA_APP_SECRET.
sig() { echo "sha256=$(openssl dgst -sha256 -hmac "$WA_APP_SECRET" <"$1" | sed 's/.*= //')"; }
# post_each FILE: POSTs each line of FILE signed to the server; prints the codes.
post_each() {
	while IFS= read -r line; do
		printf '%s' "$line" >"$T/one"
		curl -s -o /dev/null -w '%{http_code}\n' -H "X-Hub-Signature-256: $(sig "$T/one")" \
			--data-binary @"$T/one" "$SRV/webhook"
	done <"$1"
}

done_testing() {
	echo "1..$test_n"
	[ "$test_failed" -eq 0 ]
}
