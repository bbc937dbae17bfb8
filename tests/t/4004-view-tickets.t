#!/bin/sh
# SPDX-License-Identifier: MIT
# wa-view assign, close, reopen, history: transitions, who and when, rule 3 after a close.
. "$(dirname "$0")/../lib.sh"
. "$top/tests/fixtures/view/seed.sh"
seed_day

exits 0 "assign" wa-view assign 1 alice --as lead
is_json '[.ticket_id, .thread_id, .status, .owner, .action, .changed, .actor, .updated_at, .channel, .wa_id]' \
	'["1","1","open","alice","assign",true,"lead","2024-04-16T17:57:05Z","111111111111111","15551230001"]' "the updated ticket record"
WA_NOW=1713290300 exits 0 "reassign" wa-view assign 1 bob --as lead
is_json '[.owner, .changed, .updated_at]' '["bob",true,"2024-04-16T17:58:20Z"]' "new owner"
exits 0 "assign to the same owner" wa-view assign 1 bob
is_json '[.owner, .changed]' '["bob",false]' "no change"
exits 0 "a ticket number may start with #" wa-view assign '#2' carol
is_json '.owner' '"carol"' "assigned"
WA_NOW=1713290400 exits 0 "close" wa-view close 1
is_json '[.status, .closed_at, .changed, .actor]' '["closed","2024-04-16T18:00:00Z",true,"agent"]' "closed by WA_USER"
exits 0 "close again is a no-op" wa-view close 1
is_json '[.status, .changed]' '["closed",false]' "still closed, nothing changed"
WA_NOW=1713290500 exits 0 "reopen" wa-view reopen 1 --as lead
is_json '[.status, .closed_at, .changed]' '["open",null,true]' "open again"
exits 0 "reopen an open ticket is a no-op" wa-view reopen 1
is_json '.changed' 'false' "no change"
exits 0 "history" wa-view history 1
is "$(jf '[.action, .actor, .from, .to, .at] | map(. // "-") | join(" ")' | tr -d '"')" \
"create - - open 2024-04-16T17:57:05Z
assign lead - alice 2024-04-16T17:57:05Z
assign lead alice bob 2024-04-16T17:58:20Z
close agent open closed 2024-04-16T18:00:00Z
reopen lead closed open 2024-04-16T18:01:40Z" "every change with who and when, no-ops not recorded"
is_json 'select(.action == "close") | [.ticket_id, .thread_id]' '["1","1"]' "history records carry the join keys"
exits 0 "history as a table" wa-view history 1 --table
like "$(head -1 "$T/out")" "AT*ACTION*BY*FROM*TO*" "a table"

# Rule 3: after a close, the contact's next message opens a new thread and ticket.
wa-view close 1 >/dev/null
cat >"$T/again.json" <<'JSON'
{"object":"whatsapp_business_account","entry":[{"id":"100200300400500","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550001111","phone_number_id":"111111111111111"},"contacts":[{"profile":{"name":"Ann Lee"},"wa_id":"15551230001"}],"messages":[{"from":"15551230001","id":"wamid.ann3","timestamp":"1713290200","type":"text","text":{"body":"one more thing"}}]}}]}]}
JSON
exits 0 "Ann writes again" wa-recv "$T/again.json"
is_json '[.thread_id, .ticket_id, .new_ticket]' '["7","7",true]' "a new thread and ticket"
exits 0 "list shows the new one open and the old one closed" wa-view list --status all --contact 15551230001
is "$(jq -r -s 'map(.thread_id + ":" + .status) | join(",")' "$T/out")" "7:open,1:closed" "both"
exits 1 "reopening the old one while the new is open" wa-view reopen 1
is_json '[.ok, .error.code, .input.ticket_id]' '[false,"duplicate","1"]' "refused: one open thread per contact and channel"
like "$(cat "$T/err")" "wa-view: duplicate: ticket 7 is open*" "names the open ticket"
is "$(sql "SELECT status FROM tickets WHERE id = 1")" "closed" "unchanged"

exits 1 "an unknown ticket" wa-view close 99
is_json '[.error.code, .input.ticket_id]' '["unknown_thread","99"]' "unknown_thread"
exits 1 "history of an unknown ticket" wa-view history 99
exits 64 "assign needs an owner" wa-view assign 1
exits 64 "close takes one ticket" wa-view close 1 2
exits 64 "a ticket is a number" wa-view reopen abc
exits 64 "assign to nobody" wa-view assign 1 ""
exits 64 "assign to '-', which reads as nobody" wa-view assign 1 -
like "$(cat "$T/err")" "*OWNER: bad name '-'*" "names the owner"
exits 64 "an owner with a space" wa-view assign 1 "bob smith"
is "$(sql "SELECT owner FROM tickets WHERE id = 1")" bob "the owner stays"
exits 0 "assign TICKET me: the user takes it" wa-view assign 1 me --as dora
is_json '[.owner, .actor]' '["dora","dora"]' "dora's now"
exits 64 "history needs a ticket" wa-view history
done_testing
