#!/bin/sh
# SPDX-License-Identifier: MIT
# Measure 5: the PostgreSQL store — file ingest as a ratio of SQLite's in the same run, wa-recv serve under wrk (every 200 stored), wa-view list/search on a large desk.
. "$(dirname "$0")/common.inc"
RUNS=${BENCH_RUNS:-3}
N=${BENCH_PG_INGEST_N:-50000}		# text deliveries for the ingest ratio
SECS=${BENCH_SERVER_SECS:-10}
SN=${BENCH_PG_SERVER_N:-150000}		# signed deliveries, more than a run takes
THREADS=${BENCH_PG_VIEW_THREADS:-100000}	# x 10 messages
[ -n "${BENCH_QUICK:-}" ] && { N=10000; SECS=3; SN=40000; THREADS=10000; }
PN=111111111111111
d="$BENCH_TMP/pg"
mkdir -p "$d"
WA_NOW=1713290225
WA_APP_SECRET=bench-app-secret
WA_BENCH_DELIVERIES="$d/deliveries.signed"
WA_BENCH_THREADS=2
export WA_NOW WA_APP_SECRET WA_BENCH_DELIVERIES WA_BENCH_THREADS
unset WA_VERIFY_TOKEN WA_QUARANTINE_RULES

bin=$(pg_config --bindir 2>/dev/null || true)
[ -x "$bin/initdb" ] || bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ ! -x "$bin/initdb" ] || [ ! -x "$bin/postgres" ]; then
	record "postgresql: not measured (no server programs)" "" "" "" "" "" "PostgreSQL installed" ""
	exit 0
fi

# A server of the bench's own on a Unix socket, with PostgreSQL's
# durable defaults (fsync on, synchronous_commit on): a 200 of serve and
# a commit of the ingest are on disk, as SQLite's are.
pg=$(mktemp -d /tmp/wa-bpg.XXXXXX)
as=
if [ "$(id -u)" -eq 0 ]; then
	chown postgres "$pg"
	as="runuser -u postgres --"
fi
pid=
stop() {
	[ -z "$pid" ] || kill -TERM "$pid" 2>/dev/null
	$as "$bin/pg_ctl" -D "$pg/data" -m fast -w stop >/dev/null 2>&1
	rm -rf "$pg"
}
trap stop EXIT
$as "$bin/initdb" -D "$pg/data" -U postgres -A trust -E UTF8 --locale=C \
	>"$d/initdb.log" 2>&1 &&
$as "$bin/pg_ctl" -D "$pg/data" -l "$pg/server.log" -w -t 60 \
	-o "-k $pg -c listen_addresses= -c max_connections=50" start >/dev/null || {
	echo "bench: PostgreSQL did not start: $(cat "$d/initdb.log" "$pg/server.log" 2>/dev/null)" >&2
	exit 1
}
psql() { "$bin/psql" -X -q -A -t -v ON_ERROR_STOP=1 -h "$pg" -U postgres "$@"; }
uri() { echo "postgresql:///$1?host=$pg&user=postgres"; }
# fresh_pg NAME: a new database with one channel connected long ago
fresh_pg() {
	psql -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1" &&
	wa-recv --db "$(uri "$1")" </dev/null >/dev/null 2>&1 &&
	psql -d "$1" -c "INSERT INTO channels (id, waba_id, phone, connected_at)
		VALUES ('$PN', '100200300400500', '15550001111', 0)"
}
fresh_sqlite() {
	rm -f "$1" "$1-wal" "$1-shm"
	wa-recv --db "$1" </dev/null >/dev/null 2>&1
	sqlite3 "$1" "INSERT INTO channels (id, waba_id, phone, connected_at)
		VALUES ('$PN', '100200300400500', '15550001111', 0)"
}

# ---- file ingest: PostgreSQL / SQLite ----
gen-deliveries "$N" --channel "$PN" --seed 1 >"$d/text.jsonl"
: >"$d/t.sqlite"
: >"$d/t.pg"
i=0
while [ $i -lt "$RUNS" ]; do	# in turns, so that a slow spell hits both
	fresh_sqlite "$d/db"
	time_ms wa-recv --db "$d/db" "$d/text.jsonl" >>"$d/t.sqlite"
	got=$(sqlite3 "$d/db" "SELECT count(*) FROM messages")
	[ "$got" = "$N" ] || { echo "bench: SQLite stored $got of $N" >&2; exit 1; }
	fresh_pg ingest >/dev/null || exit 1
	time_ms wa-recv --db "$(uri ingest)" "$d/text.jsonl" >>"$d/t.pg"
	got=$(psql -d ingest -c "SELECT count(*) FROM messages")
	[ "$got" = "$N" ] || { echo "bench: PostgreSQL stored $got of $N" >&2; exit 1; }
	i=$((i + 1))
done
rate_lite=$(median <"$d/t.sqlite" | awk -v n="$N" '{ printf "%d", n * 1000 / $1 }')
rate_pg=$(median <"$d/t.pg" | awk -v n="$N" '{ printf "%d", n * 1000 / $1 }')
r=$(div "$rate_pg" "$rate_lite")
record "ingest text $N: PostgreSQL vs SQLite" "$rate_pg" msg/s "$rate_lite" SQLite "$r" ">= 0.3x SQLite" "$(ge "$r" 0.3)"
rm -f "$d/db" "$d/db-wal" "$d/db-shm"
psql -d postgres -c "DROP DATABASE ingest"

# ---- wa-recv serve on PostgreSQL under wrk ----
gen-deliveries "$SN" --channel "$PN" --seed 30 --sign "$WA_APP_SECRET" >"$WA_BENCH_DELIVERIES"
: >"$d/runs"
i=0
while [ $i -lt "$RUNS" ]; do
	fresh_pg serve >/dev/null || exit 1
	rm -f "$d/port"
	wa-recv serve --listen 127.0.0.1:0 --port-file "$d/port" \
		--db "$(uri serve)" >/dev/null 2>"$d/serve.err" &
	pid=$!
	wait_port "$d/port" || { echo "bench: serve did not start: $(cat "$d/serve.err")" >&2; exit 1; }
	res=$(wrk_post "$d/port" "$d/wrk.out")
	kill -TERM "$pid"
	wait "$pid"
	pid=
	[ -n "$res" ] || { echo "bench: wrk: $(cat "$d/wrk.out")" >&2; exit 1; }
	acked=$(sed -n 's/^wa-recv: stopped: \([0-9]*\) deliveries stored.*/\1/p' "$d/serve.err")
	stored=$(psql -d serve -c "SELECT count(*) FROM deliveries")
	echo "$res" | jq -r --arg a "${acked:--}" --arg s "$stored" \
		'(.requests - .non_2xx_or_errors) as $ok |
		 "\(if .requests > 0 then .per_second * $ok / .requests | floor else 0 end) \(.p99_ms) \($ok) \($a) \($s)"' \
		>>"$d/runs"
	i=$((i + 1))
done
psql -d postgres -c "DROP DATABASE serve"
rate=$(awk '{ print $1 }' "$d/runs" | median | awk '{ printf "%d", $1 }')
p99=$(awk '{ print $2 }' "$d/runs" | median)
ok=$(awk '$3 > $5 || ($4 != "-" && $4 != $5) { bad = 1 } END { print bad ? 0 : 1 }' "$d/runs")
stored=$(awk '{ s += $5 } END { print s }' "$d/runs")
seen=$(awk '{ s += $3 } END { print s }' "$d/runs")
record "serve on PostgreSQL (wrk -c64 ${SECS}s): rate" "$rate" deliveries/s "" "" "" ">= 3000 deliveries/s" "$(ge "$rate" 3000)"
record "serve on PostgreSQL: p99 (200 after commit)" "$p99" ms "" "" "" "<= 50 ms" "$(le "$p99" 50)"
if awk -v n="$SN" '$3 > n { w = 1 } END { exit !w }' "$d/runs"; then
	record "serve on PostgreSQL: every 200 stored ($RUNS runs)" "$stored" rows "$seen" "2xx seen by wrk" "$(div "$stored" "$seen")" "resent: raise BENCH_PG_SERVER_N" ""
else
	record "serve on PostgreSQL: every 200 stored ($RUNS runs)" "$stored" rows "$seen" "2xx seen by wrk" "$(div "$stored" "$seen")" "rows >= 2xx = 200s" "$ok"
fi

# ---- wa-view list / search on a large desk ----
# The desk of bench/40-view.sh, straight into the schema: contact i
# writes 10 messages on one of two channels, every 100th mentions
# "refund", a third of the tickets closed.
psql -d postgres -c "CREATE DATABASE view" &&
wa-db migrate --db "$(uri view)" >/dev/null &&
psql -d view >/dev/null <<SQL || exit 1
BEGIN;
INSERT INTO channels (id, waba_id, phone, connected_at) VALUES
 ('111111111111111', '100200300400500', '15550001111', 1700000000),
 ('222222222222222', '100200300400500', '15550002222', 1700000000);
INSERT INTO contacts (id, name, wa_id, phone, created_at, updated_at)
 SELECT i, 'Contact ' || i, (15550000000 + i)::text, (15550000000 + i)::text,
  1700000000, 1700000000 FROM generate_series(1, $THREADS) i;
INSERT INTO threads (id, channel_id, contact_id, created_at, last_message_at,
 last_message_id, last_inbound_at, unread, message_count)
 SELECT id, CASE id % 2 WHEN 0 THEN '111111111111111' ELSE '222222222222222' END,
  id, 1713290225 - id * 60, 1713290225 - id * 60 + 45,
  id * 10, 1713290225 - id * 60 + 45, id % 3, 10 FROM contacts;
INSERT INTO tickets (id, thread_id, status, owner, created_at, updated_at)
 SELECT id, id, CASE id % 3 WHEN 0 THEN 'closed' ELSE 'open' END,
  CASE id % 4 WHEN 0 THEN 'ann' ELSE NULL END, created_at, created_at FROM threads;
INSERT INTO sessions (channel_id, identity, contact_id, opened_at, last_inbound_at)
 SELECT channel_id, (15550000000 + contact_id)::text, contact_id, created_at,
  last_inbound_at FROM threads;
INSERT INTO messages (id, wamid, channel_id, thread_id, contact_id, direction,
 type, text, from_addr, to_addr, timestamp, received_at)
 SELECT (t.id - 1) * 10 + j, 'wamid.' || t.id || '.' || j, t.channel_id, t.id,
  t.contact_id, 'in', 'text',
  'message ' || j || ' from contact ' || t.id ||
  CASE ((t.id - 1) * 10 + j) % 100 WHEN 0 THEN ' asking for a refund' ELSE ' about an order' END,
  (15550000000 + t.id)::text, '15550001111', t.created_at + (j - 1) * 5, t.created_at + (j - 1) * 5
 FROM threads t, generate_series(1, 10) j;
INSERT INTO conversations (channel_id, contact_id, kind, started_at)
 SELECT channel_id, contact_id, CASE id % 5 WHEN 0 THEN 'business_initiated' ELSE 'user_initiated' END,
  created_at FROM threads WHERE id <= 900;
COMMIT;
VACUUM ANALYZE;
SQL
db=$(uri view)
n=$(psql -d view -c "SELECT count(*) FROM messages")
record "view on PostgreSQL: messages in the bench database" "$n" messages "" "" "" "" ""
ms() {
	hyperfine -N -w 3 -r 20 --export-json "$d/h.json" "$*" >/dev/null 2>&1 &&
		jq '.results[0].median * 1000 * 100 | round / 100' "$d/h.json"
}
measure() {	# measure NAME TARGET_MS CMD...
	name=$1 target=$2
	shift 2
	"$@" >/dev/null 2>"$d/view.err" || { echo "bench: $*: $(cat "$d/view.err")" >&2; exit 1; }
	f=$(ms "$@")
	record "$name" "$f" ms "" "" "" "<= $target ms" "$(le "$f" "$target")"
}
measure "view on PostgreSQL: list --status open --limit 50" 20 wa-view --db "$db" list --status open --limit 50
measure "view on PostgreSQL: search refund (50 newest)" 100 wa-view --db "$db" search refund
measure "view on PostgreSQL: show (one thread)" 20 wa-view --db "$db" show 1
# what any program pays for a connection here (a server process forked,
# its caches filled), for the figures above
f=$(ms "$bin/psql" -X -q -A -t -h "$pg" -U postgres -d view -c SELECT)
record "view on PostgreSQL: psql -c SELECT (a connection's floor)" "$f" ms "" "" "" "" ""
