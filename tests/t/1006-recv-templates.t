#!/bin/sh
# wa-recv: template webhooks (status, quality, category) update the
# templates table through template_apply_status, and so what
# `wa-template send` allows.
. "$(dirname "$0")/../lib.sh"
. "$top/tests/t/2000-send-lib.sh"
wa-template sync >/dev/null
WABA=100200300400500
TO=15551234567

# hook FIELD VALUE-JSON: one template webhook into wa-recv (events in $T/out).
hook() {
	printf '{"object":"whatsapp_business_account","entry":[{"id":"%s","time":%s,"changes":[{"field":"%s","value":%s}]}]}\n' \
		"$WABA" "$WA_NOW" "$1" "$2" >"$T/hook.json"
	exits 0 "$1 $(printf '%s' "$2" | cut -c1-60)" wa-recv "$T/hook.json"
}
# status NAME LANGUAGE EVENT [REASON]: a message_template_status_update.
status() {
	id=$(sql "SELECT id FROM templates WHERE name = '$1' AND language = '$2'")
	hook message_template_status_update "{\"event\":\"$3\",\"message_template_id\":${id:-0},\"message_template_name\":\"$1\",\"message_template_language\":\"$2\",\"reason\":${4:-\"NONE\"}}"
}
row() { sql "SELECT status || '|' || coalesce(reason, '') || '|' || coalesce(quality, '') || '|' || category FROM templates WHERE name = '$1' AND language = '$2'"; }
# send NAME LANGUAGE [PARAMS...]: wa-template send; WANT exit first.
send() {
	want=$1; shift
	name=$1; lang=$2; shift 2
	exits "$want" "send $name ($lang)" wa-template send "$name" --language "$lang" --to "$TO" "$@"
}

# APPROVED: a pending template can be sent afterwards.
send 1 pending_tpl en_US --param 1=T-1
is_json '.error.code' '"template_not_approved"' "pending: refused before"
status pending_tpl en_US APPROVED
is_json '[.event, .status, .applied, .template_id, .name, .language]' \
	'["template_status","APPROVED",true,"1000000000000005","pending_tpl","en_US"]' "APPROVED: the event"
is "$(row pending_tpl en_US)" "APPROVED|||UTILITY" "APPROVED: stored, reason NONE not kept"
fake_ctl state '{"template_status":[{"name":"pending_tpl","status":"APPROVED"}]}' >/dev/null
send 0 pending_tpl en_US --param 1=T-1
is "$(sent_count)" "1" "APPROVED: sent"

# REJECTED with a reason.
status order_update es REJECTED '"INVALID_FORMAT"'
is "$(row order_update es)" "REJECTED|INVALID_FORMAT||UTILITY" "REJECTED: status and reason"
is_json '[.status, .applied]' '["REJECTED",true]' "REJECTED: the event"
fake_ctl reset >/dev/null
send 1 order_update es --param 1=a --param 2=b
is_json '.error.code' '"template_not_approved"' "REJECTED: refused"
like "$(cat "$T/err")" "*is REJECTED, not APPROVED*" "REJECTED: says so"
is "$(nrequests)" "0" "REJECTED: no request"
is "$(row order_update en_US)" "APPROVED|||UTILITY" "REJECTED: the other language unchanged"
# a later quality update keeps the reason; approval after an appeal clears it
hook message_template_quality_update '{"previous_quality_score":"GREEN","new_quality_score":"YELLOW","message_template_id":0,"message_template_name":"order_update","message_template_language":"es"}'
is "$(row order_update es)" "REJECTED|INVALID_FORMAT|YELLOW|UTILITY" "quality update keeps the rejection reason"
status order_update es APPROVED
is "$(row order_update es)" "APPROVED||YELLOW|UTILITY" "APPROVED after REJECTED: the old reason is gone"
status order_update es REJECTED '"INVALID_FORMAT"'


# PAUSED, then REINSTATED (which means APPROVED).
status order_update en_US PAUSED
is "$(row order_update en_US)" "PAUSED|||UTILITY" "PAUSED: stored"
send 1 order_update en_US --param 1=a --param 2=b
like "$(cat "$T/err")" "*is PAUSED, not APPROVED*" "PAUSED: refused"
status order_update en_US REINSTATED
is "$(row order_update en_US)" "APPROVED|||UTILITY" "REINSTATED: APPROVED again"
is_json '.status' '"REINSTATED"' "REINSTATED: the event keeps Meta's word"
send 0 order_update en_US --param 1=a --param 2=b

# FLAGGED and LOCKED change nothing but the time; DISABLED refuses.
sql "UPDATE templates SET updated_at = 0 WHERE name = 'welcome'"
status welcome en_US FLAGGED null
is "$(row welcome en_US)" "APPROVED|||MARKETING" "FLAGGED: still APPROVED"
is "$(sql "SELECT updated_at FROM templates WHERE name = 'welcome'")" "$WA_NOW" "FLAGGED: the time"
send 0 welcome en_US
status welcome en_US LOCKED
is "$(row welcome en_US)" "APPROVED|||MARKETING" "LOCKED: still APPROVED"
status welcome en_US DISABLED
is "$(row welcome en_US)" "DISABLED|||MARKETING" "DISABLED: stored"
fake_ctl reset >/dev/null
send 1 welcome en_US
like "$(cat "$T/err")" "*is DISABLED, not APPROVED*" "DISABLED: refused"
is "$(nrequests)" "0" "DISABLED: no request"

# Quality and category updates keep the status.
hook message_template_quality_update '{"previous_quality_score":"GREEN","new_quality_score":"YELLOW","message_template_id":1000000000000001,"message_template_name":"order_update","message_template_language":"en_US"}'
is "$(row order_update en_US)" "APPROVED||YELLOW|UTILITY" "quality: YELLOW"
is_json '[.event, .quality, .applied]' '["template_quality","YELLOW",true]' "quality: the event"
hook template_category_update '{"message_template_id":1000000000000001,"message_template_name":"order_update","message_template_language":"en_US","previous_category":"UTILITY","new_category":"MARKETING"}'
is "$(row order_update en_US)" "APPROVED||YELLOW|MARKETING" "category: MARKETING"
is_json '[.event, .category, .applied]' '["template_category","MARKETING",true]' "category: the event"
send 0 order_update en_US --param 1=a --param 2=b
# by id alone (no name or language in the value)
hook message_template_quality_update '{"new_quality_score":"RED","message_template_id":1000000000000001}'
is "$(row order_update en_US)" "APPROVED||RED|MARKETING" "quality by id alone"

# A language spelled with a dash is the stored en_US one.
hook message_template_status_update '{"event":"PAUSED","message_template_id":1000000000000004,"message_template_name":"promo_named","message_template_language":"en-US","reason":null}'
is "$(row promo_named en_US)" "PAUSED|||MARKETING" "en-US: the en_US row"
is_json '.language' '"en_US"' "en-US: the event says en_US"
is "$(sql "SELECT count(*) FROM templates WHERE language = 'en-US'")" "0" "en-US: no new row"
# ... also when the id is unknown
hook message_template_status_update '{"event":"APPROVED","message_template_id":42,"message_template_name":"promo_named","message_template_language":"en-US","reason":"NONE"}'
is "$(row promo_named en_US)" "APPROVED|||MARKETING" "en-US, unknown id: by name and language"

# An unknown template is added (components come with the next sync).
hook message_template_status_update '{"event":"APPROVED","message_template_id":777,"message_template_name":"brand_new","message_template_language":"pt-BR","reason":"NONE","message_template_category":"UTILITY"}'
is "$(sql "SELECT id || '|' || waba_id || '|' || language || '|' || status || '|' || category FROM templates WHERE name = 'brand_new'")" \
	"777|$WABA|pt_BR|APPROVED|UTILITY" "unknown: added"
is_json '.applied' 'true' "unknown: applied"
exits 0 "unknown: listed" wa-template list --status APPROVED
like "$(jf '.name' | tr '\n' ' ')" '*"brand_new"*' "unknown: wa-template list shows it"
# ... but not without a name and language
hook message_template_quality_update '{"new_quality_score":"GREEN","message_template_id":888}'
is_json '.applied' 'false' "no name, unknown id: not applied"
is "$(sql "SELECT count(*) FROM templates WHERE id = '888'")" "0" "no name, unknown id: no row"

# Meta's retry of the same webhook changes nothing more.
status order_update en_US PAUSED
sql "UPDATE templates SET status = 'APPROVED' WHERE name = 'order_update' AND language = 'en_US'"
exits 0 "the same delivery again" wa-recv "$T/hook.json"
is_json '[.event, .reason]' '["skipped","duplicate"]' "duplicate: skipped"
is "$(row order_update en_US | cut -d'|' -f1)" "APPROVED" "duplicate: not applied again"

done_testing
