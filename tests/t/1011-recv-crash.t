#!/bin/sh
# SPDX-License-Identifier: MIT
# kill -9 wa-recv at random moments, in file mode and serve, under load: every acknowledged delivery is stored, and a consumer that resumes from its last sequence number sees every event, each as logged.
. "$(dirname "$0")/../lib.sh"
WA_APP_SECRET=crash-secret
export WA_APP_SECRET
CH=111111111111111
rnd() { od -An -N2 -tu2 /dev/urandom | tr -d ' '; }	# 0..65535
pause() { sleep "0.$(printf '%03d' $(($(rnd) % ${1:-600} + 50)))"; }
fresh() {
	store_remove
	wa-recv /dev/null >/dev/null
	sql "INSERT INTO channels (id, waba_id, phone, connected_at) VALUES ('$CH', '100200300400500', '15550001111', 0)"
}
# consume OUT: what a consumer does after a crash: keeps the whole lines
# it saw, then asks the log for everything after the last number it has.
consume() {
	awk 'substr($0, length($0)) == "}"' "$1" >>"$T/seen"
	last=$(jq -s 'map(.seq) | max // 0' "$T/seen")
	wa-recv events --since "$last" >>"$T/seen"
}
# check WHAT: every logged event seen at least once, none seen different.
check() {
	wa-recv events >"$T/log"
	is "$(jq -s 'map(.seq) | unique | length' "$T/seen")" "$(grep -c . "$T/log")" "$1: every event seen at least once"
	sort -u "$T/seen" >"$T/seen.u"
	is "$(jq -s 'map(.seq) | length' "$T/seen.u")" "$(jq -s 'map(.seq) | unique | length' "$T/seen.u")" "$1: none seen with a different content"
	is "$(comm -23 "$T/seen.u" "$(sort "$T/log" >"$T/log.s"; echo "$T/log.s")" | head -3)" "" "$1: every line seen is a logged line"
	is "$(jq -s '[.[].seq] | . == (. | sort)' "$T/log")" true "$1: numbers increase in commit order"
}

# ---- file mode ----
N=16000
gen-deliveries $N --channel $CH --seed 11 >"$T/in"
fresh
: >"$T/seen"
k=0 kills=0 rc=137
while { [ $rc -ne 0 ] || [ $kills -lt 3 ]; } && [ $k -lt 12 ]; do
	k=$((k + 1))
	wa-recv "$T/in" >"$T/run$k" 2>/dev/null &
	pid=$!
	[ $k -lt 10 ] && { pause 400; kill -9 $pid 2>/dev/null && kills=$((kills + 1)); }
	{ wait $pid; } 2>/dev/null
	rc=$?
	consume "$T/run$k"
done
is "$rc" 0 "file mode: ran to the end after $kills kills"
[ "$kills" -ge 3 ]; ok $? "file mode: killed at least 3 times ($kills)"
is "$(sql "SELECT count(*) FROM deliveries")" $N "file mode: every delivery stored once"
is "$(sql "SELECT count(*) FROM messages")" $N "file mode: every message derived once"
check "file mode"

# ---- serve ----
N=200
fresh
: >"$T/seen"
gen-deliveries $N --channel $CH --seed 12 --sign "$WA_APP_SECRET" >"$T/signed"
serve_up() {
	rm -f "$T/srv.port"
	wa-recv serve --listen 127.0.0.1:0 --port-file "$T/srv.port" >"$T/srv$1" 2>/dev/null &
	srv_pid=$!
	i=0
	while [ ! -s "$T/srv.port" ] && [ $i -lt 200 ]; do sleep 0.02; i=$((i + 1)); done
}
# The sender: each delivery until it gets a 200, like Meta.
(
	while read -r sig body; do
		until [ -s "$T/srv.port" ] && [ "$(printf '%s' "$body" | curl -s -o /dev/null -w '%{http_code}' --max-time 2 \
			-H "X-Hub-Signature-256: $sig" --data-binary @- "http://127.0.0.1:$(cat "$T/srv.port" 2>/dev/null)/webhook")" = 200 ]; do
			sleep 0.02
		done
		echo ok
	done <"$T/signed" >"$T/acked"
	touch "$T/sent"
) &
sender=$!
k=0 kills=0
serve_up $k
while [ ! -e "$T/sent" ] && [ $k -lt 8 ]; do
	pause 500
	[ -e "$T/sent" ] && break
	kill -9 $srv_pid 2>/dev/null && kills=$((kills + 1))
	{ wait $srv_pid; } 2>/dev/null
	consume "$T/srv$k"
	k=$((k + 1))
	serve_up $k
done
wait $sender
stop_serve
consume "$T/srv$k"
is "$(grep -c ok "$T/acked")" $N "serve: every delivery acknowledged in the end"
[ "$kills" -ge 2 ]; ok $? "serve: killed at least twice under load ($kills)"
is "$(sql "SELECT count(DISTINCT body) FROM deliveries")" $N "serve: every acknowledged delivery stored"
is "$(sql "SELECT count(*) FROM messages")" $N "serve: every message derived once"
check "serve"
done_testing
