#!/bin/sh
# SPDX-License-Identifier: MIT
# Measure 2: wa-send --rate 1000 for 10 s through the fake Graph API with 100 ms
# latency: achieved rate (within 2% of the target, never above in any second),
# CPU per message; baseline: the same messages sent one at a time.
. "$(dirname "$0")/common.inc"
RATE=${BENCH_SEND_RATE:-1000}
SECS=${BENCH_SEND_SECS:-10}
SEQ_N=${BENCH_SEND_SEQ_N:-100}
[ -n "${BENCH_QUICK:-}" ] && SECS=3
N=$((RATE * SECS))
K=$((N / 5 > 1 ? N / 5 : 1))	# recipients: 5 messages each fit the pair burst
PN=111111111111111
d="$BENCH_TMP/send"
mkdir -p "$d"
WA_NOW=1713290225
WA_DB="$d/wa.db"
WA_TOKEN=test-token
export WA_NOW WA_DB WA_TOKEN

fake-graph --port-file "$d/port" --seed "$top/tests/fixtures/graph-seed.json" \
	--log "$d/requests.jsonl" >/dev/null 2>&1 &
fake=$!
trap 'kill $fake 2>/dev/null' EXIT
i=0
while [ ! -s "$d/port" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
FAKE="http://127.0.0.1:$(cat "$d/port")"
WA_GRAPH_URL="$FAKE/v25.0"
export WA_GRAPH_URL

# a channel connected yesterday, K contacts who wrote in the last hours
WA_NOW=$((WA_NOW - 86400)) wa-connect add --waba 100200300400500 --phone-number-id $PN >/dev/null
gen-deliveries "$K" --contacts "$K" --start $((WA_NOW - K - 60)) | wa-recv >/dev/null
wa-quota set --limit 1000000 >/dev/null
sqlite3 "$WA_DB" "SELECT wa_id FROM contacts ORDER BY id" >"$d/who"
awk -v n="$N" '{ w[NR] = $1 } END { for (i = 0; i < n; i++) printf "{\"to\":\"%s\",\"text\":\"bench %d\"}\n", w[i % NR + 1], i }' \
	"$d/who" >"$d/in.jsonl"
head -n "$SEQ_N" "$d/in.jsonl" >"$d/seq.jsonl"

ctl() { curl -s -X POST --data-binary "$2" "$FAKE/_fake/$1" >/dev/null; }
# times of the POST .../messages the fake received
req_times() { curl -s "$FAKE/_fake/requests" | jq -r 'select(.path | endswith("/messages")) | .time_ms' | sort -n; }
# achieved: messages per second between the first and the last request
achieved() { awk '{ t[NR] = $1 } END { if (NR < 2 || t[NR] == t[1]) print 0; else printf "%.1f\n", (NR - 1) * 1000 / (t[NR] - t[1]) }'; }
# the most requests in any 1-second window (sliding, on the fake's clock)
maxsec() { awk '{ t[NR] = $1 } END { m = 0; j = 1; for (i = 1; i <= NR; i++) { while (t[i] - t[j] >= 1000) j++; if (i - j + 1 > m) m = i - j + 1 } print m }'; }

ctl reset '{}'
ctl latency '{"ms":100}'
${BENCH_WRAP:-} /usr/bin/time -f "%U %S %e" -o "$d/time" wa-send --rate "$RATE" "$d/in.jsonl" >"$d/out" 2>"$d/err"
status=$?
req_times >"$d/t"
sent=$(grep -c . "$d/t")
okn=$(grep -c '"ok":true' "$d/out")
rate=$(achieved <"$d/t")
max=$(maxsec <"$d/t")
read -r u s e <"$d/time"
cpu_us=$(awk -v u="$u" -v s="$s" -v n="$sent" 'BEGIN { if (n == 0) print 0; else printf "%.1f\n", (u + s) * 1000000 / n }')

ctl reset '{}'
ctl latency '{"ms":100}'
/usr/bin/time -f '%U %S %e' -o "$d/time2" wa-send --sequential --rate "$RATE" "$d/seq.jsonl" >/dev/null 2>&1
req_times >"$d/t2"
seq_rate=$(achieved <"$d/t2")
read -r u2 s2 e2 <"$d/time2"
seq_cpu=$(awk -v u="$u2" -v s="$s2" -v n="$SEQ_N" 'BEGIN { printf "%.1f\n", (u + s) * 1000000 / n }')

low=$(awk -v r="$RATE" 'BEGIN { print r * 0.98 }')
pass=0
[ "$status" -eq 0 ] && [ "$okn" -eq "$N" ] && [ "$(ge "$rate" "$low")" = 1 ] && [ "$max" -le "$RATE" ] && pass=1
echo "# wa-send: $N messages, exit $status, $okn ok, $sent requests in ${e}s wall; sequential: $SEQ_N in ${e2}s" >&2
record "send: achieved rate at --rate $RATE, 100 ms latency" "$rate" "msg/s" "$seq_rate" "sequential" \
	"$(div "$rate" "$seq_rate")" ">= $low, <= $RATE" "$pass"
record "send: most requests in any 1 s window" "$max" "req" "" "" "" "<= $RATE" "$([ "$max" -le "$RATE" ] && echo 1 || echo 0)"
record "send: CPU per message (user+sys)" "$cpu_us" "us" "$seq_cpu" "sequential" "$(div "$cpu_us" "$seq_cpu")" "report" ""
