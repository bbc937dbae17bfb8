#!/bin/sh
# wa-send: location, contacts, reaction, mark-as-read (not windowed, unread to 0).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/2000-send-lib.sh"
inbound 15551234567 60

exits 0 "a location" wa-send --to 15551234567 --location "37.48,-122.14" --name HQ --address "1 Main St"
is "$(requests '.body.location')" '{"latitude":37.48,"longitude":-122.14,"name":"HQ","address":"1 Main St"}' "location object"
exits 1 "a latitude out of range" wa-send --to 15551234567 --location "91,0"
is_json .error.code '"invalid_input"' "invalid_input"

printf '[{"name":{"formatted_name":"Ann Lee","first_name":"Ann"},"phones":[{"phone":"+1 555 000 9999","type":"WORK"}]}]' >"$T/c.json"
fake_ctl reset >/dev/null
exits 0 "contacts from a file" wa-send --to 15551234567 --contacts "$T/c.json"
is "$(requests '[.body.type, .body.contacts[0].name.formatted_name]')" '["contacts","Ann Lee"]' "contacts array"
printf '{"phones":[]}' >"$T/bad.json"
exits 1 "a contact without a name" wa-send --to 15551234567 --contacts "$T/bad.json"
is_json .error.code '"invalid_input"' "invalid_input"

fake_ctl reset >/dev/null
exits 0 "a reaction" wa-send --to 15551234567 --reaction "👍" --reply-to wamid.IN15551234567.60
is "$(requests '[.body.type, .body.reaction, .body.context]')" \
	'["reaction",{"message_id":"wamid.IN15551234567.60","emoji":"👍"},null]' "reaction object, no context"
exits 1 "a reaction without its message" wa-send --to 15551234567 --reaction "👍"
is_json .error.code '"invalid_input"' "needs reply_to"

printf '%s\n' '{"to":"15551234567","location":{"latitude":"1.5","longitude":2}}' \
	'{"to":"15551234567","reaction":{"message_id":"wamid.IN15551234567.60","emoji":""}}' >"$T/r.json"
fake_ctl reset >/dev/null
exits 0 "location and reaction records" wa-send "$T/r.json"
is "$(requests '.body.type' | sort | tr '\n' ' ')" '"location" "reaction" ' "both sent"

# mark as read: no window, not a message, unread drops to 0
inbound 15552220000 $((86400 * 3))
is "$(sql "SELECT unread FROM threads WHERE id = 2")" "1" "one unread"
fake_ctl reset >/dev/null
exits 0 "mark a received message read, outside the window" \
	wa-send --mark-read wamid.IN15552220000.259200 --typing
is_json '[.ok, .status, .wamid, .thread_id, .channel]' \
	'[true,"read","wamid.IN15552220000.259200","2","111111111111111"]' "read result"
is "$(requests .body)" \
	'{"messaging_product":"whatsapp","status":"read","message_id":"wamid.IN15552220000.259200","typing_indicator":{"type":"text"}}' \
	"the mark-as-read request"
is "$(sql "SELECT unread FROM threads WHERE id = 2")" "0" "unread is 0"
is "$(sql "SELECT count(*) FROM messages WHERE direction = 'out' AND thread_id = 2")" "0" "not recorded as a message"
exits 1 "an outgoing message cannot be marked read" \
	wa-send --mark-read "$(sql "SELECT wamid FROM messages WHERE direction = 'out' LIMIT 1")"
is_json '[.error.code, .error.graph_code]' '["graph_error",100]' "Meta's answer"

done_testing
