#!/bin/sh
# SPDX-License-Identifier: MIT
# wa-view contacts show, edit and merge: threads, "to", explicit merges recorded with the actor.
. "$(dirname "$0")/../lib.sh"
. "$top/tests/fixtures/view/seed.sh"

seed_day
exits 0 "list" wa-view contacts list
is_json 'select(.contact_id == "1") | [.to, .wa_id]' '["15551230001","15551230001"]' "a contact record carries to: its WhatsApp number"
exits 0 "add a contact without WhatsApp" wa-view contacts add --name "Mo Lin" --phone "+44 7700 900456"
mo=$(jq -r .contact_id "$T/out")
is_json '.to' '"447700900456"' "to: the phone a send would use"

exits 0 "show a contact" wa-view contacts show 1
is_json '[.contact_id, .threads, (.thread_list | length), (.thread_list[0] | has("thread_id"))]' '["1",1,1,true]' "the record and its threads"
exits 1 "show an unknown contact" wa-view contacts show 999
is_json '.error.code' '"unknown_contact"' "named"
exits 64 "show without an id" wa-view contacts show

exits 0 "edit" wa-view contacts edit "$mo" --name "Mo Lin-Ray" --email mo@example.com --as alice
is_json '[.ok, .name, .email, .actor, .phone]' '[true,"Mo Lin-Ray","mo@example.com","alice","447700900456"]' "given fields change"
is "$(sql "SELECT actor || ' ' || action || ' ' || subject FROM audit_log WHERE action = 'contact_edit'")" "alice contact_edit contact:$mo" "recorded with the actor"
exits 1 "edit to another contact's number" wa-view contacts edit "$mo" --mobile-phone "+1 555 123 0001"
is_json '.error.code' '"conflict"' "refused: merging is explicit"
like "$(cat "$T/err")" "*wa-view contacts merge*" "says how to merge"
is "$(sql "SELECT mobile_phone IS NULL FROM contacts WHERE id = $mo")" "1" "nothing changed"
exits 1 "edit with a bad email" wa-view contacts edit "$mo" --email nobody

# a number variant writes: a second contact, never merged by itself
before=$(sql 'SELECT count(*) FROM contacts')
exits 0 "merge" wa-view contacts merge "$mo" 1 --as bob
is_json '[.ok, .merged, .contact_id, .actor, .wa_id, .phone, .threads]' \
	"[true,\"1\",\"$mo\",\"bob\",\"15551230001\",\"447700900456\",1]" "B's number and thread are A's"
is "$(sql 'SELECT count(*) FROM contacts')" "$((before - 1))" "B is removed"
is "$(sql 'SELECT count(*) FROM messages WHERE contact_id = 1')" "0" "no message left on B"
is "$(sql 'SELECT count(*) FROM sessions WHERE contact_id = 1')" "0" "no session left on B"
is "$(sql "SELECT actor || ' ' || action || ' ' || detail FROM audit_log WHERE action = 'contact_merge'")" \
	'bob contact_merge {"merged":"1"}' "recorded with the actor"
exits 0 "B's number writes again" wa-view list --contact 15551230001
is_json '.contact' '"Mo Lin-Ray"' "rule 4 finds A by B's number"
exits 1 "merge a removed contact" wa-view contacts merge "$mo" 1
exits 64 "merge with itself" wa-view contacts merge "$mo" "$mo"
exits 64 "merge needs two ids" wa-view contacts merge "$mo"

# the records go into a send as they are
exits 0 "contacts | jq | wa-send --dry-run" sh -c "wa-view contacts list | jq -c 'select(.contact_id == \"$mo\") | {to, type: \"text\", text: {body: \"hi\"}}' | wa-send --dry-run"
is_json '.request.body.to' '"+15551230001"' "the send goes to the contact's to"

done_testing
