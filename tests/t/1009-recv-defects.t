#!/bin/sh
# SPDX-License-Identifier: MIT
# wa-recv on the shapes real payloads take: several changes, groups, unsupported codes, quality events, poison elements, U+0000, malformed shapes.
. "$(dirname "$0")/../lib.sh"
. "$top/tests/t/1000-recv-lib.sh"
T0=1713200000
wa-recv /dev/null >/dev/null
sql "INSERT INTO channels (id, waba_id, phone, display_phone_number, connected_at, quality_rating) VALUES ('$CH', '100200300400500', '15550001111', '+1 555-000-1111', 0, 'GREEN')"
env1() {	# env1 CHANGES: one entry with these changes
	printf '{"object":"whatsapp_business_account","entry":[{"id":"100200300400500","time":%s,"changes":[%s]}]}\n' "$T0" "$1"
}
meta='"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550001111","phone_number_id":"'$CH'"}'
text() {	# text FROM WAMID BODY: a messages change
	printf '{"field":"messages","value":{%s,"contacts":[{"profile":{"name":"Ann"},"wa_id":"%s"}],"messages":[{"from":"%s","id":"%s","timestamp":"%s","type":"text","text":{"body":"%s"}}]}}' \
		"$meta" "$1" "$1" "$2" "$T0" "$3"
}
ev() { jf "[.event, (.wamid // .field // .code // .reason), (.reason // .type // .status // .message // null)]" | tr '\n' ' '; }

# ---- 1. every change of every entry, whatever comes before it ----
env1 '{"field":"account_review_update","value":{"decision":"APPROVED"}},'"$(text 15551230001 wamid.C1 one)" >"$T/d"
exits 0 "a field change before a messages change" wa-recv "$T/d"
is "$(jf '.event' | tr '\n' ' ')" '"account_review_update" "message" ' "both derived, in order"
is "$(sql "SELECT count(*) FROM messages WHERE wamid = 'wamid.C1'")" 1 "the message stored"
env1 '{"field":"messages","value":{'"$meta"',"messages":[{"from":"15551230001","id":"wamid.C2","type":"text","text":{"body":"no time"}}]}},{"field":"account_update","value":{"event":"VERIFIED_ACCOUNT"}},'"$(text 15551230001 wamid.C3 three)" >"$T/d"
exits 1 "an error, then a field, then a message" wa-recv "$T/d"
is "$(jf '.event' | tr '\n' ' ')" '"error" "account_update" "message" ' "the rest still derived"
is "$(sql "SELECT state FROM deliveries ORDER BY id DESC LIMIT 1")" error "the delivery's state says error"
printf '{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[%s]},{"id":"2","changes":[%s]}]}\n' "$(text 15551230001 wamid.C4 four)" "$(text 15551230001 wamid.C5 five)" >"$T/d"
exits 0 "two entries" wa-recv "$T/d"
is "$(jf '.wamid' | tr '\n' ' ')" '"wamid.C4" "wamid.C5" ' "both entries derived"

# ---- 2. group messages: their own thread, no 1:1 session ----
grp() {	# grp FROM WAMID TS BODY GROUP
	_value "$CH" messages "\"contacts\":[{\"profile\":{\"name\":\"Gil\"},\"wa_id\":\"$1\"}],\"messages\":[{\"from\":\"$1\",\"group_id\":\"$5\",\"id\":\"$2\",\"timestamp\":\"$3\",\"type\":\"text\",\"text\":{\"body\":\"$4\"}}]"
}
grp 15551239999 wamid.G1 $T0 "hello group" 120363000000000001@g.us >"$T/d"
exits 0 "a group message" wa-recv "$T/d"
is_json '[.group_id, .new_ticket, .session_expires_at]' '["120363000000000001@g.us",true,"2024-04-16T16:53:20Z"]' "the event names the group and the group's window"
gthread=$(jf .thread_id)
is "$(sql "SELECT count(*) FROM sessions WHERE identity = '15551239999' OR contact_id = (SELECT id FROM contacts WHERE wa_id = '15551239999')")" 0 "no 1:1 session opened"
is "$(sql "SELECT count(*) FROM sessions WHERE identity = '120363000000000001@g.us'")" 1 "the group's own window"
is "$(sql "SELECT group_id FROM messages WHERE wamid = 'wamid.G1'")" "120363000000000001@g.us" "group_id on the row"
msg 15551239999 wamid.G2 $((T0 + 5)) "privately" >"$T/d"
exits 0 "then the same person 1:1" wa-recv "$T/d"
is_json '.new_ticket' true "the 1:1 message starts its own thread"
[ "$(jf .thread_id)" != "$gthread" ]; ok $? "not the group's thread"
grp 15551238888 wamid.G3 $((T0 + 9)) "me too" 120363000000000001@g.us >"$T/d"
exits 0 "another member writes in the group" wa-recv "$T/d"
is "$(jf .thread_id)" "$gthread" "the group's one thread"
is "$(jf .wa_id)" '"15551238888"' "the sender kept per message"
status wamid.OUTG read $T0 '"recipient_type":"group","recipient_participant_id":"15551238888"' >"$T/d"
sed -i 's/"recipient_id":"15551230001"/"recipient_id":"120363000000000001@g.us"/' "$T/d"
exits 0 "a status of a group message" wa-recv "$T/d"
is_json '[.group_id, .participant, .wa_id]' '["120363000000000001@g.us","15551238888","15551238888"]' "reports the group and the participant"
for f in group_lifecycle_update group_participants_update group_settings_update group_status_update; do
	env1 '{"field":"'$f'","value":{'"$meta"',"groups":[{"timestamp":"'$T0'","group_id":"120363000000000001@g.us","type":"x"}]}}' >"$T/d"
	exits 0 "$f" wa-recv "$T/d"
	is_json '[.event, .channel]' "[\"$f\",\"$CH\"]" "$f kept as an event"
done

# ---- 3. unsupported: by Meta's code and unsupported.type ----
unsup() {	# unsup WAMID MEMBERS
	_value "$CH" messages "\"contacts\":[{\"profile\":{\"name\":\"Ann\"},\"wa_id\":\"15551230001\"}],\"messages\":[{\"from\":\"15551230001\",\"id\":\"$1\",\"timestamp\":\"$T0\",\"type\":\"unsupported\",$2}]"
}
unsup wamid.U1 '"errors":[{"code":131051,"title":"Message type unknown"}]' >"$T/d"
unsup wamid.U2 '"errors":[{"code":130501,"title":"Unsupported message type"}]' >>"$T/d"
unsup wamid.U3 '"errors":[{"code":131052,"title":"Media download error"}]' >>"$T/d"
unsup wamid.U4 '"errors":[{"code":131051}],"unsupported":{"type":"poll_creation"}' >>"$T/d"
unsup wamid.U5 '"unsupported":{"type":"unknown"}' >>"$T/d"
unsup wamid.U6 '"errors":[{"code":131000}]' >>"$T/d"
exits 0 "unsupported messages" wa-recv "$T/d"
is "$(jf '.unsupported' | tr '\n' ' ')" '"deleted" "unknown" "attachment" "poll" "unknown" "unknown" ' "131051 deleted, 130501 unknown, 131052 attachment, by type, else unknown"

# ---- 4. phone_number_quality_update keeps the rating a rating ----
env1 '{"field":"phone_number_quality_update","value":{"display_phone_number":"+1 555-000-1111","event":"THROUGHPUT_UPGRADE","current_limit":"TIER_10K"}}' >"$T/d"
exits 0 "a quality event" wa-recv "$T/d"
is "$(sql "SELECT quality_rating, quality_event, messaging_limit FROM channels WHERE id = '$CH'")" "GREEN|THROUGHPUT_UPGRADE|TIER_10K" "rating kept; event and limit apart"
is_json '[.quality_rating, .quality_event, .messaging_limit, .channel]' "[null,\"THROUGHPUT_UPGRADE\",\"TIER_10K\",\"$CH\"]" "the event says which"
env1 '{"field":"phone_number_quality_update","value":{"display_phone_number":"15550001111","event":"DOWNGRADE","new_quality_score":"YELLOW"}}' >"$T/d"
exits 0 "a rating change" wa-recv "$T/d"
exits 0 "wa-connect show" wa-connect show "$CH" --json
is_json '[.quality_rating, .quality_event, .messaging_limit]' '["YELLOW","DOWNGRADE","TIER_10K"]' "wa-connect show shows both"

# ---- 5. errors[] on a supported type ----
_value "$CH" messages '"contacts":[{"profile":{"name":"Ann"},"wa_id":"15551230001"}],"messages":[{"from":"15551230001","id":"wamid.E1","timestamp":"'$T0'","type":"image","image":{"id":"9001","mime_type":"image/jpeg"},"errors":[{"code":131052,"title":"Media download error"}]}]' >"$T/d"
exits 0 "an image Meta could not fetch" wa-recv "$T/d"
is_json '[.type, .error.code, .error.graph_code]' '["image","graph_error",131052]' "graph_error in the event"
is "$(sql "SELECT coalesce(media_state, 'none'), error IS NOT NULL FROM messages WHERE wamid = 'wamid.E1'")" "none|1" "kept, and never queued for download"

# ---- 6. the business number as digits ----
_value "$CH" messages '"contacts":[{"profile":{"name":"Ann"},"wa_id":"15551230001"}],"messages":[{"from":"15551230001","id":"wamid.B1","timestamp":"'$T0'","type":"text","text":{"body":"x"}}]' | sed 's/"display_phone_number":"15550001111"/"display_phone_number":"+1 555-000-1111"/' >"$T/d"
exits 0 "Meta's formatted business number" wa-recv "$T/d"
is "$(sql "SELECT to_addr FROM messages WHERE wamid = 'wamid.B1'")" 15550001111 "stored as digits"
is_json .to '"15550001111"' "and in the event"

# ---- 7. unknown status values ----
status wamid.OUT1 bogus $T0 >"$T/d"
exits 1 "a status Meta does not document" wa-recv "$T/d"
is_json '[.event, .code]' '["error","invalid_input"]' "an error event"
like "$(cat "$T/err")" "wa-recv: line 1: invalid_input: entry?0?.changes?0?.value.statuses?0?: status value is not one Meta documents ('bogus')" "on stderr, with its line and path"
is "$(sql "SELECT count(*) FROM statuses WHERE status = 'bogus'")" 0 "nothing applied"

# ---- 8. everything else in a delivery is an event with its keys ----
_value "$CH" messages '"user_actions":[{"action":"block","timestamp":"'$T0'","wa_id":"15551230001"}],"calls":[{"id":"wacid.1","event":"connect","from":"15551230001","timestamp":"'$T0'"}]' >"$T/d"
exits 0 "user_actions and calls in a messages change" wa-recv "$T/d"
is "$(jf '[.event, .wa_id, .channel] | join(",")' | tr '\n' ' ')" "\"user_actions,15551230001,$CH\" \"calls,15551230001,$CH\" " "both kept, with the user and channel"
for f in user_id_update history smb_app_state_sync; do
	env1 '{"field":"'$f'","value":{'"$meta"',"x":[{"wa_id":"15551230001"}]}}' >"$T/d"
	exits 0 "$f" wa-recv "$T/d"
	is_json '.event' "\"$f\"" "$f kept as an event"
done
is "$(sql "SELECT count(*) FROM events WHERE field = 'history'")" 1 "history kept"
threads=$(sql "SELECT count(*) FROM threads")
env1 '{"field":"history","value":{'"$meta"',"history":[{"metadata":{"phase":0},"threads":[{"id":"15551237777","messages":[{"from":"15551237777","id":"wamid.H1","timestamp":"'$T0'","type":"text","text":{"body":"old"}}]}]}]}}' >"$T/d"
exits 0 "a history chunk" wa-recv "$T/d"
is "$(sql "SELECT count(*) FROM threads")" "$threads" "history never becomes threads"
sql "INSERT INTO templates (waba_id, name, language, category, status, updated_at) VALUES ('100200300400500', 'promo', 'en_US', 'UTILITY', 'APPROVED', 0)"
env1 '{"field":"template_category_update","value":{"message_template_id":1,"message_template_name":"promo","message_template_language":"en_US","correct_category":"MARKETING","new_category":"UTILITY","category_update_timestamp":'$((T0 + 86400))'}}' >"$T/d"
exits 0 "an impending category change" wa-recv "$T/d"
is_json '[.event, .stage, .category, .previous_category, .applied]' '["template_category","impending","MARKETING","UTILITY",false]' \
	"said (the category to come, and the current one: Meta's new_category), not applied"
is "$(sql "SELECT category FROM templates WHERE name = 'promo'")" UTILITY "routing unchanged"
env1 '{"field":"template_category_update","value":{"message_template_id":1,"message_template_name":"promo","message_template_language":"en_US","previous_category":"UTILITY","new_category":"MARKETING"}}' >"$T/d"
exits 0 "the completed change" wa-recv "$T/d"
is_json '[.stage, .category, .previous_category, .applied]' '["completed","MARKETING","UTILITY",true]' "applied"
is "$(sql "SELECT category FROM templates WHERE name = 'promo'")" MARKETING "the template's category changed"

# ---- 9. what cannot be attributed is an error ----
printf '{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"statuses":[{"id":"wamid.X","status":"read","timestamp":"%s","recipient_id":"1"}]}}]}]}\n' $T0 >"$T/d"
exits 1 "a status without metadata" wa-recv "$T/d"
is_json '.event' '"error"' "an error event, not skipped"
is "$(sql "SELECT state FROM deliveries ORDER BY id DESC LIMIT 1")" error "stored raw as an error"

# ---- 10-11. poison elements: reported, the rest goes on ----
_value "$CH" messages '"messages":[{"from":"","id":"wamid.P0","timestamp":"'$T0'","type":"text","text":{"body":"x"}},{"from":"15551230001","id":"wamid.P1","timestamp":"'$T0'","type":"text","text":{"body":"y"}}]' >"$T/d"
_value "$CH" smb_message_echoes '"message_echoes":[{"from":"15550001111","to":"","id":"wamid.P2","timestamp":"'$T0'","type":"text","text":{"body":"z"}}]' >>"$T/d"
exits 1 "an empty sender, an empty recipient" wa-recv "$T/d"
is "$(ev)" '["error","wamid.P0","entry[0].changes[0].value.messages[0]: message without a sender number or user id"] ["message","wamid.P1","text"] ["error","wamid.P2","entry[0].changes[0].value.message_echoes[0]: echo without a recipient number or user id"] ' "each reported with its path; the good one stored"
like "$(cat "$T/err")" "wa-recv: line 1: invalid_input: entry?0?.changes?0?.value.messages?0?: *" "on stderr with the line"
i=0
while [ $i -lt 5001 ]; do
	if [ $i -eq 2500 ]; then
		_value "$CH" messages '"messages":[{"from":"","id":"wamid.poison","timestamp":"'$T0'","type":"text","text":{"body":"x"}}]'
	else
		msg 15551230002 "wamid.bulk$i" $T0 "n$i"
	fi
	i=$((i + 1))
done >"$T/bulk"
exits 1 "5001 deliveries, one poison in the middle, from a file" wa-recv "$T/bulk"
is "$(sql "SELECT count(*) FROM messages WHERE wamid LIKE 'wamid.bulk%'")" 5000 "every other one stored"
store_remove; wa-recv /dev/null >/dev/null
sql "INSERT INTO channels (id, waba_id, phone, connected_at) VALUES ('$CH', '100200300400500', '15550001111', 0)"
cat "$T/bulk" | wa-recv >"$T/out" 2>"$T/err"
is "$?" 1 "the same from a pipe (exit 1)"
is "$(sql "SELECT count(*) FROM messages WHERE wamid LIKE 'wamid.bulk%'")" 5000 "every other one stored"
is "$(sql "SELECT count(*) FROM deliveries")" 5001 "all 5001 stored raw"

# ---- 12. U+0000 ----
_value "$CH" messages '"messages":[{"from":"15551230001","id":"wamid.N\u00000","timestamp":"'$T0'","type":"text","text":{"body":"a"}},{"from":"15551230001","id":"wamid.N\u00001","timestamp":"'$T0'","type":"text","text":{"body":"b"}},{"from":"15551230001","id":"wamid.N2","timestamp":"'$T0'","type":"text","text":{"body":"before\u0000after"}}]' >"$T/d"
exits 1 "ids holding U+0000" wa-recv "$T/d"
is "$(jf '.event' | tr '\n' ' ')" '"error" "error" "message" ' "both are errors, not one id"
wa-view show "$(sql "SELECT thread_id FROM messages WHERE wamid = 'wamid.N2'")" >"$T/show"
is "$(jf 'select(.wamid == "wamid.N2") | .text' "$T/show")" '"before\u0000after"' "text keeps every character"
# the store writes U+0000 as U+001A U+0001 on both engines (PostgreSQL's
# text cannot hold it): U+001A itself, and the pair, come back as given
_value "$CH" messages '"messages":[{"from":"15551230001","id":"wamid.N3","timestamp":"'$T0'","type":"text","text":{"body":"\u001a\u0001 \u001a\u001a x\u0000\u001a"}}]' >"$T/d"
exits 0 "a text holding U+001A" wa-recv "$T/d"
wa-view show "$(sql "SELECT thread_id FROM messages WHERE wamid = 'wamid.N3'")" >"$T/show"
is "$(jf 'select(.wamid == "wamid.N3") | .text' "$T/show")" '"\u001a\u0001 \u001a\u001a x\u0000\u001a"' "read back as given"
wa-view search before >"$T/show"
is "$(jf .wamid "$T/show")" '"wamid.N2"' "a word before U+0000 is found"
wa-view search after >"$T/show"
is "$(jf .wamid "$T/show")" '"wamid.N2"' "and the word after it"
printf '{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"metadata":{"phone_number_id":"%s\\u0000x"},"messages":[]}}]}]}\n' $CH >"$T/d"
exits 1 "a channel id holding U+0000" wa-recv "$T/d"
is_json '.event' '"error"' "is an error, not channel $CH"

# ---- 13. malformed shapes ----
_value "$CH" messages '"messages":{"from":"15551230001","id":"wamid.M1","timestamp":"'$T0'","type":"text","text":{"body":"x"}}' >"$T/d"
_value "$CH" messages '"messages":[{"from":"abc","id":"wamid.M2","timestamp":"'$T0'","type":"text","text":{"body":"x"}}]' >>"$T/d"
_value "$CH" messages '"contacts":[{"wa_id":"15551230001"}],"messages":[{"from":"15551230001","id":"wamid.M3","timestamp":"'$T0'","type":"text","text":{"body":42}}]' >>"$T/d"
exits 1 "messages as an object, a from of letters, a number for a text" wa-recv "$T/d"
is "$(jf '.message' | tr '\n' ' ')" "\"entry[0].changes[0].value.messages is not an array\" \"entry[0].changes[0].value.messages[0]: 'from' is not a phone number\" \"entry[0].changes[0].value.messages[0]: 'text.body' is not a string\" " "each an error with its path"
is "$(sql "SELECT count(*) FROM messages WHERE wamid LIKE 'wamid.M%'")" 0 "none stored as a message"
is "$(sql "SELECT count(*) FROM contacts WHERE wa_id = 'abc' OR phone = 'abc'")" 0 "no contact 'abc'"
# ---- an echo to a user known by BSUID alone: never the business's number ----
env1 '{"field":"messages","value":{'"$meta"',"contacts":[{"profile":{"name":"Uma","username":"uma"},"user_id":"US.501"}],"messages":[{"from_user_id":"US.501","id":"wamid.U1","timestamp":"'$T0'","type":"text","text":{"body":"hi"}}]}}' >"$T/d"
exits 0 "a message from a user with no number" wa-recv "$T/d"
thread=$(jf .thread_id)
env1 '{"field":"smb_message_echoes","value":{'"$meta"',"message_echoes":[{"from":"15550001111","to_user_id":"US.501","id":"wamid.U2","timestamp":"'$((T0 + 60))'","type":"text","text":{"body":"echo"}}]}}' >"$T/d"
exits 0 "the business app answers by user id" wa-recv "$T/d"
is_json '[.event, .wa_id, .user_id, .thread_id]' '["echo",null,"US.501",'"$thread"']' "the user's echo, in the user's thread, with no number"
is "$(sql "SELECT coalesce(wa_id, '-') || ' ' || coalesce(phone, '-') FROM contacts WHERE bsuid = 'US.501'")" "- -" \
	"the user did not get the business's number"
is "$(sql "SELECT count(*) FROM contacts WHERE wa_id = '15550001111' OR phone = '15550001111'")" 0 "nobody did"

done_testing
