#!/bin/sh
# SPDX-License-Identifier: MIT
# wa-webhook builds every kind the desk handles (edits, revokes, polls, orders, echoes, group messages and statuses, template status/category/quality, account and quality events, batches) in the shape of the real payloads, and wa-recv ingests each into the expected record.
. "$(dirname "$0")/../lib.sh"
conf="$top/tests/fixtures/conformance/webhooks"
real="$top/tests/fixtures/real/webhooks"

exits 0 "database created" wa-recv /dev/null
sql "INSERT INTO channels (id, waba_id, phone, connected_at)
     VALUES ('111111111111111', '100200300400500', '15550001111', 1700000000)"

# shape FILE...: every path to a scalar (array indices as 0) with its type.
shape() {
	jq -c 'paths(scalars) as $p | [($p | map(if type == "number" then 0 else . end)), (getpath($p) | type)]' "$@" | sort -u
}
# like_real DESC GENERATED REFERENCE...: what GENERATED has, a real payload
# of its kind has too, with the same JSON type.
like_real() {
	desc=$1 gen=$2
	shift 2
	shape "$@" >"$T/ref.shape"
	shape "$gen" | comm -23 - "$T/ref.shape" >"$T/extra"
	refs=
	for r in "$@"; do refs="$refs ${r##*/}"; done
	is "$(cat "$T/extra")" "" "$desc: in the shape of$refs"
}
# kind NAME ARGS...: wa-webhook ARGS into $T/NAME.json, then wa-recv of it
# (events in $T/out).
kind() {
	name=$1
	shift
	wa-webhook "$@" >"$T/$name.json"; ok $? "$name: wa-webhook $*"
	exits 0 "$name: wa-recv takes it" wa-recv "$T/$name.json"
}
ts=1713290000
W="--timestamp $ts --from 15552000001"

# ---- messages ----
kind text text $W --wamid wamid.ORIG --text 'Where is my order?'
like_real text "$T/text.json" "$conf/message-text.json"

kind order order $W --wamid wamid.ORDER
like_real order "$T/order.json" "$conf/message-order.json"
is_json '[.event, .type, (.order.product_items | length), .order.product_items[0].product_retailer_id]' \
	'["message","order",2,"SKU-MUG"]' "order: the items are in the event"
is "$(sql "SELECT type FROM messages WHERE wamid = 'wamid.ORDER'")" order "order: stored as an order"

kind poll poll $W --wamid wamid.POLL
like_real poll "$T/poll.json" "$conf/message-unsupported-with-unsupported-type.json"
is_json '[.type, .unsupported]' '["unsupported","poll"]' "poll: unsupported, reason poll"
is "$(sql "SELECT unsupported FROM messages WHERE wamid = 'wamid.POLL'")" poll "poll: stored with its reason"

kind edit edit $W --wamid wamid.EDIT --reply-to wamid.ORIG --text 'Where is order #123?'
is "$(jq -c '.entry[0].changes[0].value.messages[0].edit | [.original_message_id, .message.text.body]' "$T/edit.json")" \
	'["wamid.ORIG","Where is order #123?"]' "edit: names the original and carries the new message"
is_json '[.type, .unsupported, .thread_id]' '["edit","edited","1"]' "edit: unsupported, reason edited, in the original's thread"
kind edit-caption edit $W --wamid wamid.EDIT2 --reply-to wamid.ORIG --caption 'New caption'
like_real "edit of a caption" "$T/edit-caption.json" "$conf/message-edit-image-caption.json"

kind revoke revoke $W --wamid wamid.REVOKE --reply-to wamid.ORIG
like_real revoke "$T/revoke.json" "$conf/message-revoke-deleted-by-user.json"
is_json '[.type, .unsupported]' '["revoke","deleted"]' "revoke: unsupported, reason deleted"

kind echo text $W --echo --wamid wamid.ECHO --text 'Sent from the app'
like_real echo "$T/echo.json" "$conf/smb-message-echo-text.json"
is_json '[.event, .from, .to, .text, .thread_id]' '["echo","15550001111","15552000001","Sent from the app","1"]' \
	"echo: the business's message from the app, in the customer's thread"
is "$(sql "SELECT direction FROM messages WHERE wamid = 'wamid.ECHO'")" out "echo: stored as outgoing"
kind echo-revoke revoke $W --echo --wamid wamid.ECHOREV --reply-to wamid.ECHO
like_real "echo of a revoke" "$T/echo-revoke.json" "$conf/smb-message-echo-revoke.json"
is_json '[.event, .unsupported]' '["echo","deleted"]' "echo of a revoke: deleted"

group=120363001234567890@g.us
kind group text $W --group-id $group --wamid wamid.GROUP --text 'Hello all'
like_real "group message" "$T/group.json" "$conf/message-text.json" "$real/message-text-group-bsuid-context-user-id-wappa.json"
is_json '[.group_id, .wa_id, .new_ticket]' "[\"$group\",\"15552000001\",true]" "group message: the group's own thread"
is "$(sql "SELECT c.group_id FROM messages m JOIN threads t ON t.id = m.thread_id JOIN contacts c ON c.id = t.contact_id WHERE m.wamid = 'wamid.GROUP'")" \
	"$group" "group message: its thread belongs to the group"
kind group-status status $W --group-id $group --status read --wamid wamid.GROUP
like_real "group status" "$T/group-status.json" "$conf/status-read-group-recipient.json" "$real/status-delivered-pmp-regular-bsuid-only-restfb.json"
is_json '[.event, .group_id, .participant]' "[\"status\",\"$group\",\"15552000001\"]" "group status: the group and the participant"

# ---- other fields ----
kind template-status template-status --timestamp $ts --template order_update --language en_US --category UTILITY
like_real template-status "$T/template-status.json" "$conf/template-status-update-approved.json"
is_json '[.event, .status, .name, .language, .category]' '["template_status","APPROVED","order_update","en_US","UTILITY"]' "template status event"
is "$(sql "SELECT status FROM templates WHERE name = 'order_update' AND language = 'en_US'")" APPROVED "template status: recorded"
kind template-rejected template-status --timestamp $ts --template order_update --event REJECTED
like_real "template rejected" "$T/template-rejected.json" "$conf/template-status-update-rejected.json"
is "$(sql "SELECT status FROM templates WHERE name = 'order_update' AND language = 'en_US'")" REJECTED "template rejected: recorded"

# Meta's reference for template_category_update: an impending change has
# correct_category, new_category (the current one) and
# category_update_timestamp; a completed one previous_category and new_category.
cat >"$T/category-doc.json" <<'JSON'
{"object":"whatsapp_business_account","entry":[{"id":"1","time":1,"changes":[{"field":"template_category_update","value":{"message_template_id":1,"message_template_name":"n","message_template_language":"en_US","correct_category":"MARKETING","new_category":"UTILITY","category_update_timestamp":1,"previous_category":"UTILITY"}}]}]}
JSON
kind category-impending template-category --timestamp $ts --template order_update --category MARKETING
like_real "category change announced" "$T/category-impending.json" "$conf/template-category-update.json" "$T/category-doc.json"
is_json '[.event, .stage, .category, .previous_category]' '["template_category","impending","MARKETING","UTILITY"]' \
	"an impending category change: to MARKETING (correct_category), from UTILITY (new_category)"
kind category-done template-category --timestamp $ts --template order_update --previous-category UTILITY --category MARKETING
like_real "category changed" "$T/category-done.json" "$conf/template-category-update.json" "$T/category-doc.json"
is_json '[.event, .stage, .category]' '["template_category","completed","MARKETING"]' "a completed category change"
is "$(sql "SELECT category FROM templates WHERE name = 'order_update' AND language = 'en_US'")" MARKETING "category: recorded"
kind template-quality template-quality --timestamp $ts --template order_update --quality RED
like_real template-quality "$T/template-quality.json" "$conf/template-quality-update-yellow.json"
is_json '[.event, .quality]' '["template_quality","RED"]' "template quality event"

kind account account --timestamp $ts
like_real account "$T/account.json" "$real/account-update-verified-account-restfb.json"
is_json '[.event, .kind, .waba_id]' '["account_update","VERIFIED_ACCOUNT","100200300400500"]' "account update event"
for e in ACCOUNT_VIOLATION:account-update-violation DISABLED_UPDATE:account-update-disabled-schedule \
    ACCOUNT_RESTRICTION:account-update-restriction; do
	kind "account-$e" account --timestamp $ts --event "${e%%:*}"
	like_real "account ${e%%:*}" "$T/account-$e.json" "$conf/${e#*:}.json"
	is_json '.kind' "\"${e%%:*}\"" "account ${e%%:*}: kept as an event"
done

kind quality quality --timestamp $ts --event FLAGGED
like_real quality "$T/quality.json" "$conf/phone-number-quality-update-flagged.json"
is_json '[.event, .channel, .quality_event, .messaging_limit]' '["phone_number_quality","111111111111111","FLAGGED","TIER_10K"]' "quality event"
is "$(sql "SELECT quality_event || ' ' || messaging_limit FROM channels WHERE id = '111111111111111'")" "FLAGGED TIER_10K" "quality: recorded on the channel"

# ---- batches: several entries and changes in one delivery ----
{
	wa-webhook text $W --wamid wamid.B1 --text 'first'
	wa-webhook template-status --timestamp $ts --template welcome --event APPROVED
	wa-webhook status --timestamp $ts --status delivered --wamid wamid.ECHO
	wa-webhook text $W --waba 900800700600500 --to-phone-number-id 9000000000000001 --wamid wamid.B2
} >"$T/parts.jsonl"
wa-webhook batch "$T/parts.jsonl" >"$T/batch.json"; ok $? "batch: four deliveries as one"
is "$(jq -c '[.entry[] | [.id, [.changes[].field]]]' "$T/batch.json")" \
	'[["100200300400500",["messages","message_template_status_update","messages"]],["900800700600500",["messages"]]]' \
	"an entry per WABA, its changes in order"
like_real batch "$T/batch.json" "$real/multi-change-text-and-template-status-froggy.json" \
	"$conf/template-status-update-approved.json" "$conf/status-delivered-cbp-service.json" \
	"$real/status-delivered-pmp-regular-bsuid-only-restfb.json"
n=$(sql "SELECT count(*) FROM deliveries")
exits 0 "batch: wa-recv takes it" wa-recv "$T/batch.json"
is "$(jf '[.event, .wamid // .name // .channel]' | tr '\n' ' ')" \
	'["message","wamid.B1"] ["template_status","welcome"] ["status","wamid.ECHO"] ["skipped","wamid.B2"] ' \
	"every change in order (the other WABA's number is not connected)"
is "$(sql "SELECT count(*) FROM deliveries")" $((n + 1)) "one delivery stored"

wa-webhook text $W --wamid wamid.M1 --text 'hi' >"$T/m1.json"
wa-webhook reaction $W --wamid wamid.M2 --reply-to wamid.M1 >"$T/m2.json"
wa-webhook batch --merge "$T/m1.json" "$T/m2.json" >"$T/merged.json"; ok $? "batch --merge"
is "$(jq -c '[.entry[].changes[] | [.field, [.value.messages[].id], (.value.contacts | length)]]' "$T/merged.json")" \
	'[["messages",["wamid.M1","wamid.M2"],1]]' "--merge: one change, two messages, the contact once"
like_real "merged batch" "$T/merged.json" "$real/message-text-and-reaction-two-messages-piusalfred.json"
exits 0 "merged: wa-recv takes it" wa-recv "$T/merged.json"
is "$(jf '[.wamid, .type]' | tr '\n' ' ')" '["wamid.M1","text"] ["wamid.M2","reaction"] ' "both messages"
wa-webhook text $W --wamid wamid.S1 | wa-webhook batch >"$T/stdin.json"
is "$(jq -r '.entry[0].changes[0].value.messages[0].id' "$T/stdin.json")" wamid.S1 "batch reads standard input"

WA_APP_SECRET=test-app-secret
export WA_APP_SECRET
start_serve
n=$(sql "SELECT count(*) FROM deliveries")
exits 0 "batch --post: signed like any delivery" wa-webhook batch "$T/m1.json" "$T/echo.json" --post "$SRV/webhook"
stop_serve
is "$(sql "SELECT count(*) FROM deliveries")" $((n + 1)) "posted as one delivery"

# ---- usage ----
exits 64 "--merge is for batch" wa-webhook text --merge
exits 64 "--echo is not for a status" wa-webhook status --echo
exits 64 "--group-id is not for a template event" wa-webhook template-status --group-id $group
exits 64 "--template-id must be digits" wa-webhook template-status --template-id abc
exits 64 "two TYPEs" wa-webhook text order
exits 66 "batch: a file that cannot be read" wa-webhook batch "$T/none.json"
echo '{"not":"a delivery"}' >"$T/bad.json"
exits 65 "batch: not a delivery" wa-webhook batch "$T/bad.json"
like "$(cat "$T/err")" "wa-webhook: batch: not a webhook delivery*" "says why"
: | wa-webhook batch >"$T/out" 2>"$T/err"
is "$?" 65 "batch: nothing to batch (exit 65)"
done_testing
