#!/bin/sh
# SPDX-License-Identifier: MIT
# Routing rules (rule 3): route add/list/remove/test; new tickets by priority, round-robin, least-open, away, max-open, failing rules.
. "$(dirname "$0")/../lib.sh"
CH=111111111111111
WA_USER=lead
export WA_USER
exits 0 "database created" wa-recv /dev/null
sql "INSERT INTO channels (id, waba_id, phone, connected_at) VALUES ('$CH', '100200300400500', '15550001111', 0)"

# msg WA_ID TEXT: one delivery (a line) with a text from WA_ID.
n=0
msg() {
	n=$((n + 1))
	printf '{"object":"whatsapp_business_account","entry":[{"id":"100200300400500","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550001111","phone_number_id":"%s"},"contacts":[{"profile":{"name":"C %s"},"wa_id":"%s"}],"messages":[{"from":"%s","id":"wamid.R%s","timestamp":"%s","type":"text","text":{"body":"%s"}}]}}]}]}\n' \
		"$CH" "$1" "$1" "$1" "$n" "$((WA_NOW - 600 + n))" "$2"
}
# recv TEXT FROM...: one message from each number, ingested; events in $T/ev.
recv() {
	text=$1; shift
	for w in "$@"; do msg "$w" "$text"; done >"$T/in.jsonl"
	wa-recv "$T/in.jsonl" >"$T/ev" 2>"$T/recv.err"
}
# owners: the routed owner (or -) of each event, in order.
owners() { jq -r '.routed.owner // "-"' "$T/ev" | paste -sd' ' -; }

# ---- no rules: events as before ----
recv "hello" 15550000001
ok $? "ingest without rules"
is "$(jq -c 'has("routed")' "$T/ev")" false "a new ticket's event says nothing of routing"

# ---- the people and the rules ----
wa-view agents add lead --team leads >/dev/null &&
	wa-view agents add ann --team support --skill billing >/dev/null &&
	wa-view agents add bob --team support --skill billing --skill es >/dev/null &&
	wa-view agents add cy --team support >/dev/null &&
	wa-view agents add dee --team sales --skill billing >/dev/null
ok $? "agents: lead; ann, bob, cy in support; dee in sales"
exits 0 "a rule" wa-view route add support --where 'true' --team support
is_json '[.name, .priority, .where, .team, .skill, .agent, .strategy, .last_owner, .action]' \
	'["support",100,"true","support",null,null,"round-robin",null,"add"]' "its record, defaults"
exits 64 "no --where" wa-view route add x --team support
exits 64 "a program that does not compile" wa-view route add x --where '.a |||'
like "$(cat "$T/err")" "*--where: jq: error: *" "jq's message"
exits 64 "import does not fit in a rule" wa-view route add x --where 'import "a" as a; true'
exits 64 "a bad strategy" wa-view route add x --where true --strategy random
exits 64 "a bad priority" wa-view route add x --where true --priority high
exits 64 "one team only" wa-view route add x --where true --team a --team b
exits 64 "--notify is agents'" wa-view route add x --where true --notify all
exits 64 "--where with agents" wa-view agents add x --where true
exits 1 "an unknown agent" wa-view route add x --where true --agent bobb
is_json '[.error.code, .input.name]' '["invalid_input","x"]' "refused"
like "$(cat "$T/err")" "*--agent: no agent 'bobb' (did you mean 'bob'?)*" "with the closest name"
exits 1 "a name taken" wa-view route add support --where false
is_json '.error.code' '"duplicate"' "duplicate"
is "$(sql "SELECT count(*) FROM routes")" 1 "one rule"

# ---- round-robin: fair over many tickets, by name, in order ----
recv "hi" $(seq 15551000001 15551000030)
ok $? "30 new tickets"
is "$(owners)" "$(for i in 1 2 3 4 5 6 7 8 9 10; do printf 'ann bob cy '; done | sed 's/ $//')" \
	"ann, bob, cy, ann, ... in turn"
is "$(jq -c 'select(.ticket_id == "2") | [.new_ticket, .routed]' "$T/ev")" \
	'[true,{"rule":"support","owner":"ann"}]' "the event says which rule and who"
is "$(sql "SELECT owner || ':' || count(*) FROM tickets WHERE owner IS NOT NULL GROUP BY owner ORDER BY owner" | paste -sd' ' -)" \
	"ann:10 bob:10 cy:10" "ten each"
exits 0 "a routed ticket's history" wa-view history 2
is "$(jf '[.action, .actor, .to] | map(. // "-") | join(" ")' | tr -d '"')" \
"create - open
route support ann" "the rule assigned it"
exits 0 "the rule remembers its last choice" wa-view route list
is_json '.last_owner' '"cy"' "cy"
recv "again" 15551000001
is "$(jq -c '[.new_ticket, has("routed")]' "$T/ev")" '[false,false]' "a message to an open ticket routes nothing"

# ---- away and max-open ----
wa-view agents away bob >/dev/null
recv "hi" 15552000001 15552000002 15552000003
is "$(owners)" "ann cy ann" "bob away: skipped"
wa-view agents back bob >/dev/null && wa-view agents set cy --max-open 12 >/dev/null
recv "hi" 15552000004 15552000005 15552000006 15552000007 15552000008
is "$(owners)" "bob cy ann bob ann" "cy takes one more, then is skipped: 12 open of 12"
exits 0 "list shows the open counts" wa-view agents list cy
is_json '[.open, .max_open]' '[12,12]' "full"

# ---- nobody available ----
for a in ann bob cy; do wa-view agents away $a >/dev/null; done
recv "hi" 15553000001
ok $? "ingest goes on"
is "$(jq -c '[.routed, .route_reason, .route_rule]' "$T/ev")" '[null,"no agent available","support"]' "the event says why"
t_none=$(jq -r .ticket_id "$T/ev")
is "$(sql "SELECT coalesce(owner, 'none') FROM tickets WHERE id = $t_none")" none "the ticket stays unassigned"
is "$(sql "SELECT count(*) FROM ticket_events WHERE ticket_id = $t_none AND action = 'route'")" 0 "no route event"
for a in ann bob cy; do wa-view agents back $a >/dev/null; done
wa-view agents set cy --max-open none >/dev/null

# ---- priority, skill, and the first rule that matches decides ----
wa-view route add refunds --priority 10 --skill billing --where '.preview | contains("refund")' >/dev/null &&
	wa-view route add spanish --priority 10 --skill es --where '.preview | startswith("hola")' >/dev/null &&
	wa-view route add vip --priority 5 --agent dee --where '.contact == "C 15559999999"' >/dev/null
ok $? "three more rules"
exits 0 "route list: by priority, then name" wa-view route list
is "$(jf .name | tr -d '"' | paste -sd' ' -)" "vip refunds spanish support" "the order they are tried"
recv "hola, a refund please" 15554000001
is "$(jq -c .routed "$T/ev")" '{"rule":"refunds","owner":"ann"}' "same priority: by name; billing: ann, bob or dee"
recv "hola" 15554000002
is "$(jq -c .routed "$T/ev")" '{"rule":"spanish","owner":"bob"}' "es: bob only"
recv "refund" 15559999999
is "$(jq -c .routed "$T/ev")" '{"rule":"vip","owner":"dee"}' "the lower number first, whatever the team"
recv "refund" 15554000003 15554000004 15554000005
is "$(owners)" "bob dee ann" "each rule has its own turn"

# ---- least-open, and ties ----
wa-view route remove refunds >/dev/null && wa-view route remove spanish >/dev/null && wa-view route remove vip >/dev/null &&
	wa-view route add fewest --priority 1 --team support --strategy least-open --where 'true' >/dev/null
ok $? "a least-open rule first"
sql "UPDATE tickets SET status = 'closed'"
recv "hi" 15555000001 15555000002 15555000003
is "$(owners)" "ann bob cy" "none open: a tie, the first name, then the fewest"
t_bob=$(jq -r 'select(.routed.owner == "bob") | .ticket_id' "$T/ev")
wa-view assign "$t_bob" ann >/dev/null
exits 0 "the open counts" wa-view agents list
is "$(jq -r 'select(.name | test("ann|bob|cy")) | "\(.name):\(.open)"' "$T/out" | paste -sd' ' -)" \
	"ann:2 bob:0 cy:1" "ann took bob's ticket"
recv "hi" 15555000011 15555000012 15555000013 15555000014 15555000015
is "$(owners)" "bob bob cy ann bob" "the fewest open first; on a tie, the first name"

# ---- a rule that fails ----
wa-view route add broken --priority 0 --where '.unread | test("x")' >/dev/null
ok $? "a rule whose program fails at run time (a number is no string)"
recv "hi" 15556000001
ok $? "ingest succeeds"
is "$(jq -c '[.routed, .route_reason, .route_rule]' "$T/ev")" '[null,"rule failed","broken"]' "the event says so"
like "$(jq -r .route_error "$T/ev")" "*cannot be matched, as it is not a string*" "with jq's message"
t_failed=$(jq -r .ticket_id "$T/ev")
is "$(sql "SELECT coalesce(owner, 'none') FROM tickets WHERE id = $t_failed")" none "unassigned, not routed by a later rule"
is "$(sql "SELECT count(*) FROM messages WHERE thread_id = (SELECT thread_id FROM tickets WHERE id = $t_failed)")" 1 "the message is stored"
sql "UPDATE routes SET predicate = '.a |||' WHERE name = 'broken'"
recv "hi" 15556000002
is "$(jq -c '[.route_reason, .route_rule]' "$T/ev")" '["rule failed","broken"]' "a rule that no longer compiles fails alone"
like "$(jq -r .route_error "$T/ev")" "*does not compile*" "and says so"
wa-view route remove broken >/dev/null
wa-view route add sometimes --priority 0 --where 'if .preview == "x" then true else error("no") end' >/dev/null

# ---- route test ----
exits 0 "route test" wa-view route test "$t_failed"
is "$(jq -c 'select(.record == "rule") | [.rule, .result, .owner]' "$T/out" | paste -sd' ' -)" \
	'["sometimes","failed",null] ["fewest","match",null] ["support","match",null]' "every rule, in order"
is "$(jq -r 'select(.rule == "fewest") | .why' "$T/out")" "not tried: rule 'sometimes' decides first" "why the later ones do not count"
is "$(jq -c 'select(.record == "route") | [.result, .owner, .routed, .route_reason, .route_rule]' "$T/out")" \
	'["unassigned",null,null,"rule failed","sometimes"]' "what ingest would say"
wa-view route remove sometimes >/dev/null
exits 0 "route test of a ticket routed before" wa-view route test "$t_none"
is "$(jq -c 'select(.rule == "fewest" and .record == "rule") | [.result, .owner]' "$T/out")" '["match","cy"]' "who would get it"
like "$(jq -r 'select(.record == "route") | .why' "$T/out")" "least-open: 2 open; ann 3 open, bob 3 open, cy 2 open" "and why"
exits 0 "route test as a table" wa-view route test "$t_none" --table
like "$(head -1 "$T/out")" "RULE*PRIO*RESULT*OWNER*WHY*" "a table"
is "$(sql "SELECT count(*) FROM ticket_events WHERE ticket_id = $t_none")" 1 "route test changed nothing"
exits 1 "route test of no ticket" wa-view route test 999
is_json '.error.code' '"unknown_thread"' "unknown_thread"
exits 64 "route test of no number" wa-view route test abc

# ---- a rule of a removed agent ----
wa-view route remove fewest >/dev/null && wa-view route remove support >/dev/null &&
	wa-view route add cy-only --where true --agent cy >/dev/null && wa-view agents remove cy >/dev/null
recv "hi" 15557000001
is "$(jq -c '[.routed, .route_reason, .route_rule]' "$T/ev")" '[null,"no agent available","cy-only"]' "its rule finds nobody"
t_nobody=$(jq -r .ticket_id "$T/ev")
exits 0 "a decision in the audit log" wa-view audit --subject "ticket:$t_nobody"
is "$(jq -c '[.actor, .action, .detail.owner, .detail.reason]' "$T/out")" '["cy-only","ticket.route",null,"no agent available"]' \
	"by its rule, with why nobody got the ticket"
exits 0 "routed tickets in the audit log" wa-view audit --action ticket.route
[ "$(jq -r 'select(.detail.owner != null) | .detail.owner' "$T/out" | sort -u | wc -l)" -ge 2 ]; ok $? "tickets went to more than one agent"
is "$(jq -r 'select(.detail.owner != null) | .detail.owner' "$T/out" | sort -u | paste -sd, -)" \
	"$(sql "SELECT DISTINCT to_value FROM ticket_events WHERE action = 'route' ORDER BY 1" | paste -sd, -)" \
	"every routed ticket, by whom it went to"
exits 0 "route remove" wa-view route remove cy-only
is_json '[.name, .action]' '["cy-only","remove"]' "removed"
exits 0 "rules in the audit log" wa-view audit --subject route:cy-only
is "$(jq -r '[.actor, .action, .detail.agent] | join(" ")' "$T/out" | paste -sd, -)" \
	"lead route.add cy,lead route.remove cy" "added and removed, by whom"
exits 0 "routing is ticket.route, not ticket.assign" wa-view audit --action ticket.assign
is "$(jq -r '[.actor, .subject] | join(" ")' "$T/out")" "lead ticket:$t_bob" "only the one assignment by hand"
exits 1 "remove it again" wa-view route remove cy-only
is_json '.error.code' '"invalid_input"' "unknown"
recv "hi" 15557000002
is "$(jq -c 'has("routed")' "$T/ev")" false "no rules: nothing said again"
done_testing
