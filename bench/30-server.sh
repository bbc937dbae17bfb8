#!/bin/sh
# SPDX-License-Identifier: MIT
# Measure 3: wa-recv serve under wrk vs a Python-stdlib receiver vs the no-store libmicrohttpd ceiling;
# signed deliveries/s, p99 latency, and every 200 stored.
. "$(dirname "$0")/common.inc"
RUNS=${BENCH_RUNS:-3}
SECS=${BENCH_SERVER_SECS:-10}
N=${BENCH_SERVER_N:-250000}	# more than wa-recv serve takes in a run (~8k/s here): none twice
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

pid=
trap '[ -z "$pid" ] || kill -TERM "$pid" 2>/dev/null' EXIT

fresh() {
	rm -f "$1" "$1-wal" "$1-shm"
	wa-recv --db "$1" </dev/null >/dev/null 2>&1
	sqlite3 "$1" "INSERT INTO channels (id, waba_id, phone, connected_at)
		VALUES ('$PN', '100200300400500', '15550001111', 0)"
}

# one_run PROG: a fresh database, the server PROG (wa, python or ceiling),
# wrk; appends "per_second p99_ms wrk_2xx server_200s stored" to
# $d/runs.PROG. per_second counts 2xx answers only; server_200s is what
# the server says it answered 200 after its commit ("-" when it does not
# say), stored the deliveries rows in its database ("-" for the ceiling).
one_run() {
	prog=$1
	rm -f "$d/port" "$d/db" "$d/db-wal" "$d/db-shm"
	case $prog in
	wa)
		fresh "$d/db"
		wa-recv serve --listen 127.0.0.1:0 --port-file "$d/port" \
			--db "$d/db" >/dev/null 2>"$d/serve.err" &
		;;
	python)
		python3 "$top/bench/serve.py" "$d/db" --listen 127.0.0.1:0 \
			--port-file "$d/port" >/dev/null 2>"$d/serve.err" &
		;;
	ceiling)
		serve-ceiling --listen 127.0.0.1:0 --port-file "$d/port" \
			>/dev/null 2>"$d/serve.err" &
		;;
	esac
	pid=$!
	if ! wait_port "$d/port"; then
		kill "$pid" 2>/dev/null
		wait "$pid"
		pid=
		echo "bench: $prog server did not start: $(cat "$d/serve.err")" >&2
		return 1
	fi
	res=$(wrk_post "$d/port" "$d/wrk.out")
	kill -TERM "$pid"
	wait "$pid"
	pid=
	[ -n "$res" ] || { echo "bench: wrk against $prog: $(cat "$d/wrk.out")" >&2; return 1; }
	case $prog in
	wa)	# "wa-recv: stopped: N deliveries stored in ..." (200 after commit)
		acked=$(sed -n 's/^wa-recv: stopped: \([0-9]*\) deliveries stored.*/\1/p' "$d/serve.err")
		stored=$(sqlite3 "$d/db" "SELECT count(*) FROM deliveries") ;;
	python)
		acked=$(sed -n 's/^serve.py: stopped: \([0-9]*\) deliveries stored.*/\1/p' "$d/serve.err")
		stored=$(sqlite3 "$d/db" "SELECT count(*) FROM deliveries") ;;
	ceiling)
		acked=$(sed -n 's/^serve-ceiling: stopped: \([0-9]*\) deliveries answered.*/\1/p' "$d/serve.err")
		stored=- ;;
	esac
	echo "$res" | jq -r --arg a "${acked:--}" --arg s "$stored" \
		'(.requests - .non_2xx_or_errors) as $ok |
		 "\(if .requests > 0 then .per_second * $ok / .requests | floor else 0 end) \(.p99_ms) \($ok) \($a) \($s)"' \
		>>"$d/runs.$prog"
}

# The three take turns within each round, so a slow spell of the machine
# hits all of them alike.
: >"$d/runs.wa"
: >"$d/runs.python"
: >"$d/runs.ceiling"
i=0
while [ $i -lt "$RUNS" ]; do
	for prog in wa python ceiling; do
		one_run $prog || exit 1
	done
	i=$((i + 1))
done
for prog in wa python ceiling; do
	eval "rate_$prog=\$(awk '{ print \$1 }' \"\$d/runs.$prog\" | median | awk '{ printf \"%d\", \$1 }')"
	eval "p99_$prog=\$(awk '{ print \$2 }' \"\$d/runs.$prog\" | median)"
done
# Every run of wa-recv serve: wrk's 2xx <= the rows stored, and the
# server's own count of 200s (when it prints one) = the rows stored.
ok=$(awk '$3 > $5 || ($4 != "-" && $4 != $5) { bad = 1 } END { print bad ? 0 : 1 }' "$d/runs.wa")
stored=$(awk '{ s += $5 } END { print s }' "$d/runs.wa")
seen=$(awk '{ s += $3 } END { print s }' "$d/runs.wa")
# The Python receiver answers 200 after its commit too; say so if not.
awk '$3 > $5 { bad = 1 } END { exit bad }' "$d/runs.python" ||
	echo "bench: serve.py answered 200 for deliveries it did not store: $(cat "$d/runs.python")" >&2

r_py=$(div "$rate_wa" "$rate_python")
r_ceil=$(div "$rate_wa" "$rate_ceiling")
r_p99=$(div "$p99_wa" "$p99_ceiling")
load="wrk -c64 ${SECS}s"
record "serve ($load): wa-recv vs python" "$rate_wa" deliveries/s "$rate_python" python "$r_py" ">= 5x python" "$(ge "$r_py" 5)"
record "serve ($load): wa-recv vs ceiling" "$rate_wa" deliveries/s "$rate_ceiling" "no-store ceiling" "$r_ceil" ">= 0.5x ceiling" "$(ge "$r_ceil" 0.5)"
record "serve ($load): absolute rate" "$rate_wa" deliveries/s "" "" "" ">= 3000 deliveries/s" "$(ge "$rate_wa" 3000)"
record "serve p99 (200 after commit): wa-recv" "$p99_wa" ms "$p99_ceiling" "no-store ceiling" "$r_p99" "<= 10 ms" "$(le "$p99_wa" 10)"
record "serve p99 (200 after commit): python" "$p99_python" ms "$p99_ceiling" "no-store ceiling" "$(div "$p99_python" "$p99_ceiling")" "reported" ""
# Past N answers in a run wrk starts over and wa-recv stores a resent body
# once, so rows < 2xx says nothing: then the check is not made.
if awk -v n="$N" '$3 > n { w = 1 } END { exit !w }' "$d/runs.wa"; then
	echo "bench: wrk sent some of the $N deliveries twice; raise BENCH_SERVER_N" >&2
	record "serve: every 200 stored ($RUNS runs)" "$stored" rows "$seen" "2xx seen by wrk" "$(div "$stored" "$seen")" "resent: raise BENCH_SERVER_N" ""
else
	record "serve: every 200 stored ($RUNS runs)" "$stored" rows "$seen" "2xx seen by wrk" "$(div "$stored" "$seen")" "rows >= 2xx = 200s" "$ok"
fi
