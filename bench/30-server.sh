#!/bin/sh
# SPDX-License-Identifier: MIT
# Measure 3: wa-recv serve under wrk — signed deliveries/s, p99 latency, and every 200 stored.
. "$(dirname "$0")/common.inc"
RUNS=${BENCH_RUNS:-3}
SECS=${BENCH_SERVER_SECS:-10}
N=${BENCH_SERVER_N:-250000}	# more than a run sends (~8k/s here): none twice
[ -n "${BENCH_QUICK:-}" ] && { SECS=3; N=40000; }
PN=111111111111111
d="$BENCH_TMP/server"
mkdir -p "$d"
WA_NOW=1713290225
WA_APP_SECRET=bench-app-secret
WA_BENCH_DELIVERIES="$d/deliveries.signed"
WA_BENCH_THREADS=2
export WA_NOW WA_APP_SECRET WA_BENCH_DELIVERIES WA_BENCH_THREADS
unset WA_VERIFY_TOKEN WA_QUARANTINE_RULES

gen-deliveries "$N" --channel "$PN" --seed 30 --sign "$WA_APP_SECRET" \
	>"$WA_BENCH_DELIVERIES"

fresh() {
	rm -f "$1" "$1-wal" "$1-shm"
	wa-recv --db "$1" </dev/null >/dev/null 2>&1
	sqlite3 "$1" "INSERT INTO channels (id, waba_id, phone, connected_at)
		VALUES ('$PN', '100200300400500', '15550001111', 0)"
}

# one_run I: a fresh database, the server, wrk; appends
# "per_second p99_ms wrk_2xx server_200s stored" to $d/runs.
one_run() {
	fresh "$d/db"
	rm -f "$d/port"
	wa-recv serve --listen 127.0.0.1:0 --port-file "$d/port" --db "$d/db" \
		>/dev/null 2>"$d/serve.err" &
	pid=$!
	w=0	# not i: the caller counts runs in i
	while [ ! -s "$d/port" ] && [ $w -lt 200 ]; do sleep 0.05; w=$((w + 1)); done
	if [ ! -s "$d/port" ]; then
		kill "$pid" 2>/dev/null
		wait "$pid"
		echo "bench: wa-recv serve did not start: $(cat "$d/serve.err")" >&2
		return 1
	fi
	wrk -t"$WA_BENCH_THREADS" -c64 -d"${SECS}s" --latency \
		-s "$top/bench/post-signed.lua" \
		"http://127.0.0.1:$(cat "$d/port")/webhook" >"$d/wrk.out" 2>&1
	kill -TERM "$pid"
	wait "$pid"
	res=$(grep '^{"measure"' "$d/wrk.out")
	[ -n "$res" ] || { echo "bench: wrk: $(cat "$d/wrk.out")" >&2; return 1; }
	# "wa-recv: stopped: N deliveries stored in ..." (answered 200 after commit)
	acked=$(sed -n 's/^wa-recv: stopped: \([0-9]*\) deliveries stored.*/\1/p' "$d/serve.err")
	stored=$(sqlite3 "$d/db" "SELECT count(*) FROM deliveries")
	echo "$res" | jq -r --arg a "${acked:-0}" --arg s "$stored" \
		'"\(.per_second) \(.p99_ms) \(.requests - .non_2xx_or_errors) \($a) \($s)"' >>"$d/runs"
}

: >"$d/runs"
i=0
while [ $i -lt "$RUNS" ]; do
	one_run || exit 1
	i=$((i + 1))
done
rate=$(awk '{ print $1 }' "$d/runs" | median)
p99=$(awk '{ print $2 }' "$d/runs" | median)
# every run: wrk's 200s <= the server's 200s == rows stored
ok=$(awk '$3 > $4 || $4 != $5 { bad = 1 } END { print bad ? 0 : 1 }' "$d/runs")
acked=$(awk '{ s += $4 } END { print s }' "$d/runs")
stored=$(awk '{ s += $5 } END { print s }' "$d/runs")
seen=$(awk '{ s += $3 } END { print s }' "$d/runs")
record "serve: signed deliveries/s (wrk -c64, ${SECS}s)" "$rate" req/s "" "" "" ">= 3000 req/s" "$(ge "$rate" 3000)"
record "serve: p99 latency (200 after commit)" "$p99" ms "" "" "" "<= 50 ms" "$(le "$p99" 50)"
record "serve: acknowledged vs stored ($RUNS runs)" "$stored" rows "$acked" acknowledged "$(div "$stored" "$acked")" "stored = acknowledged >= $seen seen by wrk" "$ok"
