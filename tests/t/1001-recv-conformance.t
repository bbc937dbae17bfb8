#!/bin/sh
# SPDX-License-Identifier: MIT
# wa-recv file mode over every conformance webhook: the events each one yields, nothing dropped.
. "$(dirname "$0")/../lib.sh"
dir="$top/tests/fixtures/conformance/webhooks"
# Channels for the real-looking phone-number ids; placeholder ids stay unknown.
chans="106540352242922 109999999999999 1111111111111 1122334455667 16315551234 27681414235104944 409552778964973"
fresh() {
	store_remove
	wa-recv /dev/null >/dev/null
	for id in $chans; do
		sql "INSERT INTO channels (id, waba_id, phone, connected_at) VALUES ('$id', 'w', '9$id', 0)"
	done
}
summary='[.event, (.type // .status // .reason // .kind // .code // "-"), (.unsupported // .quarantine_rule // "-")] | join(":")'

# file exit events...: what each file must produce, in order.
while read -r name rc_want events; do
	fresh
	exits "$rc_want" "$name ingests" wa-recv "$dir/$name.json"
	is "$(jq -r "$summary" "$T/out" | tr '\n' ' ' | sed 's/ $//')" "$events" "$name: events"
	is "$(sql "SELECT count(*) FROM deliveries")" "1" "$name: stored raw"
done <<'LIST'
account-review-update-approved 0 account_review_update:APPROVED:-
account-update-disabled-schedule 0 account_update:DISABLED_UPDATE:-
account-update-restriction 0 account_update:ACCOUNT_RESTRICTION:-
account-update-violation 0 account_update:ACCOUNT_VIOLATION:-
account-update-volume-tier 0 account_update:VOLUME_BASED_PRICING_TIER_UPDATE:-
message-audio-forwarded 0 message:audio:-
message-audio-voice 0 message:audio:-
message-button-quick-reply-meta-example 0 message:button:-
message-button-quick-reply-no-context-from-user-id 0 message:button:-
message-button-template-quick-reply 0 message:button:-
message-contacts-full-card 0 skipped:unknown_channel:-
message-contacts 0 message:contacts:-
message-document-filename-forwarded 0 message:document:-
message-document-filename 0 message:document:-
message-edit-image-caption 0 message:edit:edited
message-image-with-url 0 message:image:-
message-image 0 message:image:-
message-interactive-button-reply 0 message:interactive:-
message-interactive-list-reply-with-description 0 message:interactive:-
message-interactive-list-reply 0 message:interactive:-
message-interactive-missing-object 0 message:interactive:unknown error:graph_error:-
message-interactive-nfm-reply-flow 0 message:interactive:-
message-location-current 0 message:location:-
message-location-named 0 message:location:-
message-location-placeholders 0 skipped:unknown_channel:-
message-location-url-only 0 message:location:-
message-order-meta-example 0 skipped:unknown_channel:-
message-order 0 message:order:-
message-reaction-removed-empty-emoji 0 message:reaction:reaction
message-reaction-removed-no-emoji 0 message:reaction:reaction
message-reaction 0 message:reaction:reaction
message-revoke-deleted-by-user 0 skipped:unknown_channel:-
message-sticker-animated 0 message:sticker:-
message-sticker-static 0 message:sticker:-
message-system-customer-identity-changed 0 message:system:-
message-system-user-changed-number 0 message:system:-
message-text-forwarded 0 message:text:-
message-text-frequently-forwarded 0 message:text:-
message-text-meta-example 0 message:text:-
message-text-referral-ctwa-meta-example 0 skipped:unknown_channel:-
message-text-referral-ctwa 0 message:text:-
message-text-referred-product-context 0 skipped:unknown_channel:-
message-text-reply-context 0 message:text:-
message-text-with-identity-object 1 error:invalid_input:-
message-text 0 message:text:-
message-unknown-130501-legacy 0 message:unknown:unknown
message-unsupported-131051 0 message:unsupported:deleted
message-unsupported-deleted-by-user-legacy 0 message:unsupported:deleted
message-unsupported-with-unsupported-type 0 message:unsupported:poll
message-video-caption-forwarded 0 message:video:-
message-video-caption 0 message:video:-
phone-number-name-update-approved 0 phone_number_name:APPROVED:-
phone-number-quality-update-flagged 0 phone_number_quality:FLAGGED:-
smb-message-echo-revoke 0 echo:revoke:deleted
smb-message-echo-text 0 echo:text:-
status-delivered-cbp-business-initiated-legacy 0 status:delivered:-
status-delivered-cbp-service 0 status:delivered:-
status-failed-130472 0 status:failed:-
status-failed-131014-media-url 0 skipped:unknown_channel:-
status-failed-131047-reengagement 0 status:failed:-
status-failed-131053-media-upload 0 status:failed:-
status-played-voice 0 status:played:-
status-read-cbp-service 0 status:read:-
status-read-group-recipient 0 skipped:unknown_channel:-
status-read-minimal 0 status:sent:-
status-sent-biz-opaque-callback-data 0 status:sent:-
status-sent-cbp-business-initiated-legacy 0 status:sent:-
status-sent-cbp-service 0 status:sent:-
status-sent-cbp-user-initiated-legacy 0 skipped:unknown_channel:-
template-category-update 0 template_category:-:-
template-components-update 0 template_components:-:-
template-quality-update-yellow 0 template_quality:-:-
template-status-update-approved 0 template_status:APPROVED:-
template-status-update-flagged-disable-info 0 template_status:FLAGGED:-
template-status-update-rejected-scam 0 template_status:REJECTED:-
template-status-update-rejected 0 template_status:REJECTED:-
user-preferences-marketing-resume 0 user_preferences:-:-
user-preferences-marketing-signup 0 user_preferences:-:-
LIST

# Every file in the folder is listed above.
is "$(ls "$dir" | grep -c '\.json$')" "78" "78 conformance files walked"

# A closer look at what some of them record (one file per database:
# the samples share wamids).
look() {	# look FILE: fresh database, ingest FILE
	fresh
	exits 0 "$1" wa-recv "$dir/$1.json"
}
look message-audio-voice
is_json '[.media.id, .media.mime_type, .media.sha256, .media.voice, .new_ticket, .thread_id, .ticket_id]' \
	'["1234567890987654321","audio/ogg; codecs=opus","9b4e2915fd8445d6a8a53c859063c0d3e6d7de2f986367588151703a00cb4832",true,true,"1","1"]' \
	"media id, MIME type, SHA-256 from base64 to hex, join keys"
is "$(sql "SELECT media_id, media_state, media_sha256 FROM messages")" \
	"1234567890987654321|pending|9b4e2915fd8445d6a8a53c859063c0d3e6d7de2f986367588151703a00cb4832" \
	"media recorded for wa-recv media"
look message-image-with-url
is_json '.media.url' '"https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=65463453&source=webhook&ext=487r9re&hash=heiwchueowbcew-dnedcw"' "media URL kept when Meta sends one" 
look message-document-filename
is "$(sql "SELECT media_filename = text, media_mime FROM messages")" "1|application/pdf" "file name kept, searchable"
look message-location-named
is_json '[.text, .location.latitude, .location.name, .forwarded]' '["Facebook HQ",37.4611978,"Facebook HQ",true]' "location and forwarded"
look message-contacts
is_json '[.text, (.contacts | length)]' '["Chandler Bing, Monica, Rachel Green",3]' "contacts cards"
look message-text-reply-context
is "$(sql "SELECT context_wamid FROM messages")" "wamid.xyzxyz==" "reply context"
look message-text-referral-ctwa
is "$(sql "SELECT referral FROM messages" | jq -r .ctwa_clid)" "CTWA_CLID" "referral kept"
look message-interactive-list-reply-with-description
is_json '[.text, .interactive.list_reply.description]' '["title","description"]' "list reply"
look message-button-template-quick-reply
is_json '[.type, .button.payload != null]' '["button",true]' "template button reply"
look message-reaction
is_json '[.unsupported, .text, .reaction]' '["reaction",null,null]' "reaction: unsupported, content hidden"
is "$(sql "SELECT unsupported, raw IS NOT NULL, text IS NULL FROM messages")" "reaction|1|1" "raw object kept"
is "$(fts_indexed)" "0" "nothing of it indexed for search"
look smb-message-echo-text
is "$(sql "SELECT direction, echo, text, to_addr FROM messages")" "out|1|Test message|972987654321" \
	"echo stored as outgoing in the contact's thread"
is "$(sql "SELECT origin, last_outbound_at IS NOT NULL, unread FROM threads")" "outbound|1|0" "thread of an echo"
fresh
sql "INSERT INTO templates (waba_id, name, language, status, updated_at) VALUES ('102290129340398', 'order_confirmation', 'en_US', 'PENDING', 0)"
exits 0 "template status update" wa-recv "$dir/template-status-update-approved.json"
is_json '[.event, .name, .language, .status, .applied, .waba_id]' \
	'["template_status","order_confirmation","en_US","APPROVED",true,"102290129340398"]' "template_status event"
is "$(sql "SELECT status FROM templates")" "APPROVED" "template updated"
exits 0 "the same update again" wa-recv "$dir/template-status-update-approved.json"
is_json '[.event, .reason]' '["skipped","duplicate"]' "duplicate event skipped"
is "$(sql "SELECT count(*) FROM events")" "1" "kept once"

done_testing
