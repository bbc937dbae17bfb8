#!/bin/sh
# SPDX-License-Identifier: MIT
# wa-view watch while two file ingests, the webhook server, sends and ticket changes write at once: every event once, in commit order, as logged; a watcher stopped midway resumes without loss or duplicates.
. "$(dirname "$0")/../lib.sh"
start_fake
WA_NOW=$((WA_NOW - 86400)) wa-connect add --waba 100200300400500 \
	--phone-number-id 111111111111111 >/dev/null
N=400
gen-deliveries $N --seed 1 --contacts 20 >"$T/a.jsonl"
gen-deliveries $N --seed 2 --contacts 20 >"$T/b.jsonl"
gen-deliveries 60 --seed 3 --contacts 20 >"$T/c.jsonl"
WA_APP_SECRET=watch-writers
export WA_APP_SECRET
start_serve

wa-view watch --event all --since 0 >"$T/all" 2>"$T/all.err" & w1=$!
wa-view watch --event all --since 0 --count 300 >"$T/first" 2>/dev/null & w2=$!
sleep 0.3

agent() {	# agent NAME: assigns and answers tickets while the others write
	w=0	# once the ingests have made some
	until [ "$(sql 'SELECT count(*) FROM tickets' 2>/dev/null)" -ge 5 ] || [ $w -ge 1000 ]; do
		sleep 0.02; w=$((w + 1))
	done
	i=0
	while [ $i -lt 15 ]; do
		i=$((i + 1))
		t=$(sql "SELECT id FROM tickets ORDER BY id LIMIT 1 OFFSET $((i % 5))")
		WA_USER=$1 wa-view assign "$t" "$1" >/dev/null 2>>"$T/agents.err"
		WA_USER=$1 wa-send --thread "$t" --text "$1 $i" >/dev/null 2>>"$T/agents.err"
	done
}
wa-recv "$T/a.jsonl" >/dev/null 2>"$T/a.err" & pa=$!
wa-recv "$T/b.jsonl" >/dev/null 2>"$T/b.err" & pb=$!
post_each "$T/c.jsonl" >"$T/codes" & pc=$!
agent ann & pd=$!
agent bob & pe=$!
wait $pa $pb $pc $pd $pe
stop_serve
is "$(cat "$T/a.err" "$T/b.err" "$T/agents.err")" "" "every writer went through"
is "$(sort -u "$T/codes")" 200 "every posted delivery answered 200"

max=$(wa-recv events | tail -n1 | jq .seq)
[ "$max" -gt $((2 * N + 60)) ]; ok $? "the log holds every writer's events ($max)"
# the follower catches up within a bounded time, then is stopped
n=0
until [ "$(tail -n1 "$T/all" | jq .seq 2>/dev/null)" = "$max" ] || [ $n -ge 250 ]; do sleep 0.02; n=$((n + 1)); done
is "$(tail -n1 "$T/all" | jq .seq)" "$max" "the watcher caught up with the last event"
kill -TERM $w1
wait $w1
is "$?" 0 "and ends on SIGTERM"
wa-recv events >"$T/log"
is "$(jq .seq "$T/all" | tr '\n' ' ')" "$(seq 1 "$max" | tr '\n' ' ')" "every number once, in order"
cmp -s "$T/all" "$T/log"; ok $? "each line as logged (wa-recv events)"
is "$(jq -r .event "$T/all" | sort | uniq -c | awk '{ print $2 "=" $1 }' | tr '\n' ' ')" \
	"$(jq -r .event "$T/log" | sort | uniq -c | awk '{ print $2 "=" $1 }' | tr '\n' ' ')" "the same kinds"
like "$(jq -r .event "$T/all" | sort -u | tr '\n' ' ')" "*message*send*ticket*" "messages, sends and ticket changes"
is "$(jq -r 'select(.event == "send") | .agent' "$T/all" | sort -u | tr '\n' ' ')" "ann bob " "both agents' sends"
is "$(cat "$T/all.err")" "" "nothing on standard error"

wait $w2
is "$?" 0 "the second watcher stopped after 300"
is "$(grep -c . "$T/first")" 300 "300 records"
last=$(tail -n1 "$T/first" | jq .seq)
exits 0 "resumed after the last it saw" wa-view watch --event all --since "$last" --once
cat "$T/first" "$T/out" >"$T/both"
cmp -s "$T/both" "$T/log"; ok $? "the two runs together are the log: nothing lost, nothing twice"
done_testing
