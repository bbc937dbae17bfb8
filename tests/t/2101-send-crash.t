#!/bin/sh
# SPDX-License-Identifier: MIT
# kill -9 wa-send at random moments of a bulk send with idempotency keys: no key is sent twice, none is left pending; a live run's sends are never taken.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/2000-send-lib.sh"
rnd() { od -An -N2 -tu2 /dev/urandom | tr -d ' '; }	# 0..65535
# nap MS: sleeps MS milliseconds
nap() { sleep "$(($1 / 1000)).$(printf '%03d' $(($1 % 1000)))"; }
N=60

# N numbers, each with an open session (one wa-recv run for all)
i=1
while [ $i -le $N ]; do
	n=$((15557000000 + i))
	printf '{"object":"whatsapp_business_account","entry":[{"id":"100200300400500","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550001111","phone_number_id":"%s"},"contacts":[{"profile":{"name":"C%s"},"wa_id":"%s"}],"messages":[{"from":"%s","id":"wamid.IN.%s","timestamp":"%s","type":"text","text":{"body":"hi"}}]}}]}]}\n' \
		"$CH" "$i" "$n" "$n" "$n" "$((WA_NOW - 60))"
	printf '{"to":"%s","text":"crash-k%s","idempotency_key":"k%s"}\n' "$n" "$i" "$i" >>"$T/in"
	i=$((i + 1))
done >"$T/deliveries"
wa-recv "$T/deliveries" >/dev/null 2>&1
is "$(sql "SELECT count(*) FROM sessions")" "$N" "$N open sessions"

# --- a live run's pending send is never taken
fake_ctl latency '{"ms":1500}' >/dev/null
wa-send --to 15557000001 --text live --idempotency-key live1 >"$T/live.out" 2>/dev/null &
live=$!
i=0
while [ "$(sql "SELECT count(*) FROM messages WHERE idempotency_key = 'live1'")" != 1 ] && [ $i -lt 100 ]; do
	nap 20; i=$((i + 1))
done
exits 1 "the same key while a live run sends it" wa-send --to 15557000001 --text live --idempotency-key live1
is_json '[.error.code, .action, .recovered]' '["duplicate","never",null]' "duplicate: being sent by another run"
is "$(sql "SELECT status FROM messages WHERE idempotency_key = 'live1'")" pending "still the live run's"
wait $live
is "$(jq -c '[.ok, .status, .idempotency_key]' "$T/live.out")" '[true,"sent","live1"]' "the live run records it sent"
is "$(sql "SELECT status FROM messages WHERE idempotency_key = 'live1'")" sent "sent in the database"

# --- a run killed while its request waits for Meta
wa-send --to 15557000002 --text orphan --idempotency-key orphan1 >/dev/null 2>&1 &
pid=$!
i=0
while [ "$(sql "SELECT count(*) FROM messages WHERE idempotency_key = 'orphan1'")" != 1 ] && [ $i -lt 100 ]; do
	nap 20; i=$((i + 1))
done
nap 300
kill -9 $pid; wait $pid 2>/dev/null
is "$(sql "SELECT status FROM messages WHERE idempotency_key = 'orphan1'")" pending "left pending by the killed run"
# wa-template send shares the sender: it finds it too
wa-template sync >/dev/null
fake_ctl latency '{"ms":0}' >/dev/null
exits 1 "the next run (wa-template send)" wa-template send welcome --to 15557000003
is "$(jf '[.ok, .error.code, .action, .recovered, .idempotency_key, .wamid, .to]' | head -1)" \
	'[false,"ambiguous","never",true,"orphan1",null,"15557000002"]' "reports it first: ambiguous, with its key"
is "$(jf '[.ok, .status]' | sed -n 2p)" '[true,"sent"]' "then its own send"
is "$(sql "SELECT status FROM messages WHERE idempotency_key = 'orphan1'")" ambiguous "recorded ambiguous"
is "$(sql "SELECT thread_id IS NOT NULL FROM messages WHERE idempotency_key = 'orphan1'")" 1 "in its thread"
exits 0 "and only once" wa-send --to 15557000003 --text after
is "$(jf .recovered)" null "no second report"
exits 1 "a retry of its key" wa-send --to 15557000002 --text orphan --idempotency-key orphan1
is_json '[.error.code, .duplicate, .recovered]' '["ambiguous",true,true]' "ambiguous, never sent"
is "$(requests 'select(.body.text.body == "orphan")' | grep -c .)" 1 "one request in all"

# --- 20 kills at random moments over a bulk send, rerunning after each
fake_ctl reset >/dev/null
fake_ctl latency '{"ms":40}' >/dev/null
k=0
while [ $k -lt 20 ]; do
	k=$((k + 1))
	wa-send --rate 40 "$T/in" >"$T/run$k" 2>/dev/null &
	pid=$!
	nap $(($(rnd) % 1200 + 20))
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
done
# a send the kills left pending is ambiguous: its answer is not ok (exit 1)
left=$(sql "SELECT count(*) FROM messages WHERE text LIKE 'crash-k%' AND status IN ('pending', 'ambiguous')")
exits $((left > 0)) "a run after the 20th kill" wa-send --rate 40 "$T/in"
cp "$T/out" "$T/final"
amb=$(sql "SELECT count(*) FROM messages WHERE text LIKE 'crash-k%' AND status = 'ambiguous'")
exits $((amb > 0)) "and one more" wa-send --rate 40 "$T/in"
cp "$T/out" "$T/again"

# per key: Graph requests, the row's status, the last runs' answers
requests 'select(.path | endswith("/messages")) | .body.text.body' | tr -d '"' | sort >"$T/bodies"
is "$(uniq -d "$T/bodies" | head -3)" "" "no key reached Meta twice"
sql "SELECT text FROM messages WHERE text LIKE 'crash-k%' AND status = 'sent'" | sort >"$T/sent"
is "$(comm -23 "$T/sent" "$T/bodies" | head -3)" "" "every key recorded sent reached Meta"
unrec=$(comm -13 "$T/sent" "$T/bodies" | sed "s/.*/'&'/" | paste -sd, -)
is "$(sql "SELECT count(*) FROM messages WHERE status != 'ambiguous' AND text IN (${unrec:-NULL})")" 0 \
	"one that reached Meta unrecorded is ambiguous"
is "$(sql "SELECT count(DISTINCT idempotency_key) FROM messages WHERE text LIKE 'crash-k%' AND status IN ('sent', 'failed', 'ambiguous')")" "$N" "every key ends sent, failed or ambiguous"
is "$(sql "SELECT count(*) FROM messages WHERE status = 'pending'")" 0 "none pending"
verdicts() {	# FILE: "key status" per line, from the answers to the inputs
	jq -r 'select(.line != null) | "\(.idempotency_key) \(if .ok then .status else .error.code end)"' "$1" | sort
}
sql "SELECT idempotency_key || ' ' || status FROM messages WHERE text LIKE 'crash-k%'" | sort >"$T/db"
is "$(verdicts "$T/final")" "$(cat "$T/db")" "the rerun answers every key as the database has it"
is "$(verdicts "$T/again")" "$(cat "$T/db")" "and so does the next"
is "$(grep -c . "$T/db")" "$N" "one row per key"
cat "$T"/run* "$T/final" | jq -r 'select(.recovered and .duplicate == null) | .message_id' | sort >"$T/recovered"
is "$(uniq -d "$T/recovered")" "" "no send reported recovered twice"
is "$(jq -c 'select(.recovered and .duplicate == null)' "$T/again")" "" "nothing left to recover"
diag_kills=$(grep -l . "$T"/run* 2>/dev/null | wc -l)
echo "# $(grep -c . "$T/bodies") sent, $(sql "SELECT count(*) FROM messages WHERE text LIKE 'crash-k%' AND status = 'ambiguous'") ambiguous, $(grep -c . "$T/recovered") recovered reports, $diag_kills runs printed something"

done_testing
