#!/bin/sh
# SPDX-License-Identifier: MIT
# Several processes write one database at once: two file ingests, the webhook
# server and ticket changes. Every write lands once; nobody fails with busy.
. "$(dirname "$0")/../lib.sh"
start_fake
WA_NOW=$((WA_NOW - 86400)) wa-connect add --waba 100200300400500 \
	--phone-number-id 111111111111111 >/dev/null
N=3000
gen-deliveries $N --seed 1 --contacts 50 >"$T/a.jsonl"
gen-deliveries $N --seed 2 --contacts 50 >"$T/b.jsonl"
gen-deliveries 200 --seed 3 --contacts 50 >"$T/c.jsonl"

WA_APP_SECRET=concurrency-secret
export WA_APP_SECRET
start_serve
# two file ingests, and the server's deliveries posted signed meanwhile
wa-recv "$T/a.jsonl" >"$T/a.out" 2>"$T/a.err" & pa=$!
wa-recv "$T/b.jsonl" >"$T/b.out" 2>"$T/b.err" & pb=$!
post_each "$T/c.jsonl" >"$T/codes" & pc=$!
# an agent works tickets meanwhile, once the ingests have made some
w=0
while [ "$(sql 'SELECT count(*) FROM tickets' 2>/dev/null)" -lt 5 ] && [ $w -lt 400 ]; do
	sleep 0.02; w=$((w + 1))
done
i=0 assign_fail=0
while [ $i -lt 40 ]; do
	i=$((i + 1))
	t=$(sql "SELECT id FROM tickets ORDER BY id LIMIT 1 OFFSET $((i % 5))")
	wa-view assign "$t" "agent$i" >/dev/null 2>>"$T/v.err" || assign_fail=$((assign_fail + 1))
done
wait $pa; ra=$?
wait $pb; rb=$?
wait $pc
stop_serve
is "$ra/$rb" "0/0" "both file ingests exit 0"
is "$(grep -c . "$T/a.out")" $N "the first ingest reports every message"
is "$(grep -c . "$T/b.out")" $N "the second ingest reports every message"
is "$(sort -u "$T/codes")" 200 "every posted delivery answered 200"
is "$assign_fail" 0 "no ticket change failed"
is "$(cat "$T/a.err" "$T/b.err" "$T/v.err")" "" "nobody reported busy or an error"
is "$(sql 'SELECT count(*) FROM messages')" $((N * 2 + 200)) "every message stored once"
is "$(sql 'SELECT count(*) FROM deliveries')" $((N * 2 + 200)) "every delivery stored once"
is "$(sql 'SELECT count(DISTINCT wamid) FROM messages')" $((N * 2 + 200)) "no duplicate wamid"
is "$(sql "SELECT count(*) FROM threads t JOIN tickets k ON k.thread_id = t.id WHERE k.status = 'open'")" 50 \
	"one open thread per contact: concurrent writers never split a conversation"
is "$(sql "SELECT count(*) FROM ticket_events WHERE action = 'assign'")" 40 "every assignment recorded"
done_testing
