#!/bin/sh
# SPDX-License-Identifier: MIT
# One identity, the right recipient: replies go to the number that wrote last, the window is that number's, a group thread's reply goes to the group, and ingest and sends find the same contact (rule 4).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/2000-send-lib.sh"
wa-template sync >/dev/null
fake_ctl reset >/dev/null
to_of() { requests 'select(.path | endswith("messages")) | .body | [.recipient_type, .to] | join(" ")' | tail -1 | tr -d '"'; }

# ---- a contact with two numbers, each with its own window ----
wa-view contacts add --name "Ann Two" --phone "+1 555 123 0001" --mobile-phone "+1 555 123 0002" >/dev/null
inbound 15551230001 $((3 * 86400))			# 3 days ago, from the phone
inbound 15551230002 3600				# an hour ago, from the mobile
is "$(sql "SELECT count(*), count(DISTINCT contact_id) FROM messages WHERE direction = 'in'")" "2|1" "both numbers are one contact"
is "$(sql "SELECT count(*) FROM threads")" 1 "one thread"
is "$(sql "SELECT reply_to FROM threads")" 15551230002 "the thread replies to the number that wrote last"
exits 0 "wa-view list" wa-view list --json
is_json '[.to, .session_open, .session_expires_at]' '["15551230002",true,"2024-04-17T16:57:05Z"]' "list: the reply's number and its window"
exits 0 "wa-view show" wa-view show 1 --json
is_json 'select(.record == "thread") | [.to, .session_open]' '["15551230002",true]' "show: the same"
exits 0 "a reply to the thread" wa-send --thread 1 --text "on it"
is "$(to_of)" "individual +15551230002" "goes to the number that wrote, not the contact's first"
is_json '.conversation' '"new_user_initiated"' "counted in that number's session"
is "$(sql "SELECT identity FROM sessions WHERE conversation_id IS NOT NULL")" 15551230002 "the conversation is that number's"
is "$(sql "SELECT to_addr FROM messages WHERE direction = 'out'")" 15551230002 "recorded to that number"
n=$(sent_count)
exits 1 "free-form text to the other number" wa-send --to 15551230001 --text "hello?"
is_json '.error.code' '"window_closed"' "its window closed days ago: window_closed"
is "$(sent_count)" "$n" "nothing sent"
exits 0 "a template to the other number" wa-template send welcome --to 15551230001
is "$(to_of)" "individual +15551230001" "the template goes to it"
# The window to the second: the other number wrote 24 hours ago less one
# second, then exactly 24 hours ago.
inbound 15551230001 $((86400 - 1))
exits 0 "24 h less a second after its last message" wa-send --to 15551230001 --text "just in time"
inbound 15551230003 86400
exits 1 "exactly 24 h after" wa-send --to 15551230003 --text "too late"
is_json '.error.code' '"window_closed"' "closed at 24 h"
exits 0 "--window open" wa-view list --window open --json
is "$(jq -r .to "$T/out" | sort | tr '\n' ' ')" "15551230002 " "the thread answers its latest inbound number (Meta's time), whose window is open"

# ---- rule 4 once: two CRM contacts share a number ----
wa-view contacts add --name "Mobile Mo" --mobile-phone "+1 555 777 0001" >/dev/null
wa-view contacts add --name "Phone Pat" --phone "+1 555 777 0001" >/dev/null
exits 0 "a template to the shared number" wa-template send welcome --to 15557770001
tid=$(jf .thread_id | tr -d '"')
cid=$(sql "SELECT contact_id FROM threads WHERE id = $tid")
is "$(sql "SELECT name FROM contacts WHERE id = $cid")" "Phone Pat" "the send finds the contact ingest would (phone before mobile)"
inbound 15557770001 60
is "$(sql "SELECT thread_id, contact_id FROM messages WHERE direction = 'in' AND from_addr = '15557770001'")" "$tid|$cid" "the reply lands in the same thread: one conversation, one thread"

# a number Meta gave to another user (another BSUID) is another contact
recv_bsuid() {	# recv_bsuid NUMBER BSUID WAMID
	printf '{"object":"whatsapp_business_account","entry":[{"id":"100200300400500","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550001111","phone_number_id":"%s"},"contacts":[{"profile":{"name":"R"},"wa_id":"%s","user_id":"%s"}],"messages":[{"from":"%s","from_user_id":"%s","id":"%s","timestamp":"%s","type":"text","text":{"body":"x"}}]}}]}]}\n' \
		$CH "$1" "$2" "$1" "$2" "$3" $((WA_NOW - 30)) | wa-recv >/dev/null 2>&1
}
recv_bsuid 15558880001 US.888000001 wamid.RC1
recv_bsuid 15558880001 US.888000002 wamid.RC2
is "$(sql "SELECT count(DISTINCT contact_id) FROM messages WHERE wamid IN ('wamid.RC1', 'wamid.RC2')")" 2 "a recycled number (another BSUID) is another contact"
exits 0 "a send to that number" wa-send --to 15558880001 --text "hello"
is "$(sql "SELECT m.contact_id = (SELECT contact_id FROM messages WHERE wamid = 'wamid.RC1') FROM messages m WHERE m.direction = 'out' ORDER BY m.id DESC LIMIT 1")" 1 "by number alone: the oldest contact with it, as rule 4 says"

# ---- a group thread replies to the group ----
printf '{"object":"whatsapp_business_account","entry":[{"id":"100200300400500","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550001111","phone_number_id":"%s"},"contacts":[{"profile":{"name":"Gil"},"wa_id":"15551239999"}],"messages":[{"from":"15551239999","group_id":"120363000000000009@g.us","id":"wamid.GRP1","timestamp":"%s","type":"text","text":{"body":"hi all"}}]}}]}]}\n' $CH $((WA_NOW - 60)) | wa-recv >"$T/g.out" 2>&1
gt=$(jq -r .thread_id "$T/g.out")
exits 0 "a reply in the group thread" wa-send --thread "$gt" --text "hello group"
is "$(to_of)" "group 120363000000000009@g.us" "goes to the group, never privately to the member"
exits 1 "the member privately" wa-send --to 15551239999 --text "psst"
is_json '.error.code' '"window_closed"' "the group message opened no 1:1 window for them"
# the group's own window, to the second: its message was 60 s before WA_NOW
WA_NOW=$((WA_NOW + 86400 - 61)) exits 0 "in the group 24 h less a second after its message" wa-send --thread "$gt" --text "still open"
WA_NOW=$((WA_NOW + 86400 - 60)) exits 1 "exactly 24 h after" wa-send --thread "$gt" --text "closed"
is_json '.error.code' '"window_closed"' "the group's window closed at 24 h"

# ---- usernames are shown wherever the contact is ----
printf '{"object":"whatsapp_business_account","entry":[{"id":"100200300400500","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550001111","phone_number_id":"%s"},"contacts":[{"profile":{"name":"Uma","username":"uma.k"},"user_id":"US.555000111"}],"messages":[{"from_user_id":"US.555000111","id":"wamid.USR1","timestamp":"%s","type":"text","text":{"body":"hi"}}]}}]}]}\n' $CH $((WA_NOW - 60)) | wa-recv >"$T/u.out" 2>&1
ut=$(jq -r .thread_id "$T/u.out")
exits 0 "list" wa-view list --json
is_json "select(.thread_id == \"$ut\") | [.username, .to, .bsuid, .session_open]" '["uma.k","US.555000111","US.555000111",true]' "list: the username, and the BSUID replies go to"
exits 0 "contacts list" wa-view contacts list --json
is_json 'select(.bsuid == "US.555000111") | .username' '"uma.k"' "contacts list: the username"

# ---- a user known only by BSUID can be answered ----
exits 0 "a reply to the username user's thread" wa-send --thread "$ut" --text "hi Uma"
is "$(requests 'select(.path | endswith("messages")) | .body | [.recipient, .to] | map(tostring) | join(" ")' | tail -1 | tr -d '"')" "US.555000111 null" "sent to Meta's recipient field, no phone number"
is "$(sql "SELECT identity FROM sessions WHERE conversation_id IS NOT NULL AND identity LIKE 'US.%'")" "US.555000111" "in the BSUID's own window"
exits 0 "by user id in a record" sh -c 'echo "{\"to\":\"US.555000111\",\"text\":\"again\"}" | wa-send'
is_json '.ok' true "a record's to may be a BSUID"
sql "UPDATE templates SET category = 'AUTHENTICATION' WHERE name = 'welcome'"
n=$(sent_count)
exits 1 "an authentication template to a BSUID-only user" wa-template send welcome --thread "$ut"
is_json '.error.code' '"invalid_phone"' "refused before any request: Meta needs a number"
is "$(sent_count)" "$n" "nothing sent"
# ---- a WhatsApp id of ten digits is never read as a national number ----
# (Iceland: +354 and seven digits) with WA_DEFAULT_CC=1 in force
inbound 3545551234 60
fake_ctl reset >/dev/null
WA_DEFAULT_CC=1 exits 0 "a record's to that is a contact's wa_id" sh -c 'echo "{\"to\":\"3545551234\",\"text\":\"hi\"}" | wa-send'
is "$(to_of)" "individual +3545551234" "goes to that contact, not to +1 354..."
is_json .wa_id '"3545551234"' "and says so"
WA_DEFAULT_CC=1 exits 1 "a record's wa_id, even one never seen" sh -c 'echo "{\"wa_id\":\"3545559999\",\"text\":\"hi\"}" | wa-send'
is_json '[.error.code, .wa_id]' '["window_closed","3545559999"]' "is that number (whose window is closed)"
WA_DEFAULT_CC=1 exits 1 "what a user types is still national" wa-send --to "555 123 9999" --text hi
is_json .wa_id '"15551239999"' "(555) numbers get the default code"
WA_DEFAULT_CC=1 exits 1 "and so are bare digits nobody has" wa-send --to 5551239998 --text hi
is_json .wa_id '"15551239998"' "as before"
done_testing
