#!/bin/sh
# SPDX-License-Identifier: MIT
# Routing with several writers: concurrent ingests and ticket changes keep round-robin exact, a running server sees rule changes, a send that opens a ticket is routed.
. "$(dirname "$0")/../lib.sh"
start_fake
WA_NOW=$((WA_NOW - 86400)) wa-connect add --waba 100200300400500 \
	--phone-number-id 111111111111111 >/dev/null
WA_USER=ann
export WA_USER
wa-view agents add ann --team support >/dev/null &&
	wa-view agents add bob --team support >/dev/null &&
	wa-view route add all --where true --team support >/dev/null
ok $? "two agents and a round-robin rule"

# ---- concurrent ingests and assigns ----
# Two streams of small files, a wa-recv (a transaction) for each, so that
# the two processes' commits interleave; an agent assigns meanwhile.
N=200
gen-deliveries $N --seed 1 --contacts $N >"$T/a.jsonl"
gen-deliveries $N --seed 2 --contacts $N --start $((WA_NOW + 10)) >"$T/b.jsonl"
sed -i 's/"1555/"1666/g' "$T/b.jsonl"	# other senders: other tickets
mkdir "$T/a" "$T/b"
(cd "$T/a" && split -l 10 ../a.jsonl) && (cd "$T/b" && split -l 10 ../b.jsonl)
stream() {	# stream DIR: each file through its own wa-recv; the failures
	for f in "$1"/*; do
		wa-recv "$f" >>"$1.out" 2>>"$1.err" || echo "$f" >>"$1.failed"
	done
}
stream "$T/a" & pa=$!
stream "$T/b" & pb=$!
w=0
while [ "$(sql 'SELECT count(*) FROM tickets')" -lt 5 ] && [ $w -lt 400 ]; do
	sleep 0.02; w=$((w + 1))
done
i=0 fail=0
while [ $i -lt 30 ]; do
	i=$((i + 1))
	t=$(sql "SELECT id FROM tickets ORDER BY id LIMIT 1 OFFSET $((i % 5))")
	if [ $((i % 2)) -eq 0 ]; then
		wa-view assign "$t" bob >/dev/null 2>>"$T/v.err" || fail=$((fail + 1))
	else
		wa-view unassign "$t" >/dev/null 2>>"$T/v.err" || fail=$((fail + 1))
	fi
done
wait $pa
wait $pb
is "$(cat "$T/a.failed" "$T/b.failed" 2>/dev/null | grep -c .)/$fail" "0/0" "every ingest, assign and unassign exits 0"
is "$(cat "$T/a.err" "$T/b.err" "$T/v.err")" "" "nobody reported busy or an error"
sql "SELECT c.wa_id FROM ticket_events e JOIN tickets k ON k.id = e.ticket_id
     JOIN threads t ON t.id = k.thread_id JOIN contacts c ON c.id = t.contact_id
     WHERE e.action = 'route' ORDER BY e.id" | cut -c1-4 | uniq | grep -c . >"$T/runs"
[ "$(cat "$T/runs")" -gt 2 ]; ok $? "the two streams' tickets were routed interleaved ($(cat "$T/runs") runs)"
is "$(sql "SELECT count(*) FROM ticket_events WHERE action = 'route'")" $((N * 2)) "every new ticket routed once"
is "$(cat "$T/a.out" "$T/b.out" | jq -r '.routed.owner // empty' | sort | uniq -c | awk '{ print $2 ":" $1 }' | paste -sd' ' -)" \
	"ann:$N bob:$N" "round-robin exact across both processes"
is "$(sql "SELECT to_value FROM ticket_events WHERE action = 'route' ORDER BY id" | uniq -d | grep -c .)" 0 \
	"strictly in turn, in the order of the commits"

# ---- a running server sees rules change ----
WA_APP_SECRET=routing-secret
export WA_APP_SECRET
start_serve
post() {	# post TEXT FROM: one signed delivery; prints the HTTP status
	wa-webhook text --from "$2" --text "$1" --wamid "wamid.S$2" --timestamp "$WA_NOW" >"$T/one"
	curl -s -o /dev/null -w '%{http_code}' -H "X-Hub-Signature-256: $(sig "$T/one")" \
		--data-binary @"$T/one" "$SRV/webhook"
}
is "$(post hi 15557000001)" 200 "a delivery to the server"
wa-view route add vip --priority 1 --agent ann --where '.preview == "vip"' >/dev/null
is "$(post vip 15557000002)" 200 "another, after a rule was added"
wa-view agents away ann >/dev/null
is "$(post vip 15557000003)" 200 "another, ann away"
stop_serve
is "$(jq -c 'select(.event == "message") | [.routed.rule, .routed.owner, .route_reason]' "$T/srv.out" | paste -sd' ' -)" \
	'["all","ann",null] ["vip","ann",null] [null,null,"no agent available"]' "each delivery saw the rules and agents as they were"
wa-view agents back ann >/dev/null

# ---- a send that opens a ticket ----
wa-template sync >/dev/null
exits 0 "a template to a new contact" wa-template send welcome --language en_US --to 15558000001 --as bob
is_json '[.ok, .routed.rule, .routed.owner]' '[true,"all","bob"]' "its ticket is routed (ann had the rule's last), and the answer says so"
is "$(sql "SELECT owner FROM tickets WHERE id = $(jq -r .ticket_id "$T/out")")" bob "owned by bob"
exits 0 "a second send to the same contact" wa-template send welcome --language en_US --to 15558000001 --as bob
is_json 'has("routed")' 'false' "opens nothing, routes nothing"
done_testing
