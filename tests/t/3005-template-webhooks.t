#!/bin/sh
# Template webhooks (through wa-recv) change what wa-template send allows.
. "$(dirname "$0")/../lib.sh"
. "$top/tests/t/2000-send-lib.sh"
wa-template sync >/dev/null
# status_hook NAME LANGUAGE EVENT [FIELD-JSON]: Meta's template webhook into wa-recv.
status_hook() {
	id=$(sql "SELECT id FROM templates WHERE name = '$1' AND language = '$2'")
	printf '{"object":"whatsapp_business_account","entry":[{"id":"100200300400500","time":%s,"changes":[{"field":"message_template_status_update","value":{"event":"%s","message_template_id":%s,"message_template_name":"%s","message_template_language":"%s","reason":"NONE"}}]}]}\n' \
		"$WA_NOW" "$3" "$id" "$1" "$2" >"$T/hook.json"
	wa-recv "$T/hook.json" >"$T/recv.out" 2>&1 || echo "# wa-recv: $(cat "$T/recv.out")"
}

exits 1 "pending_tpl is refused" wa-template send pending_tpl --to 15551234567 --param 1=T-1
is_json '.error.code' '"template_not_approved"' "not approved yet"
fake_ctl state '{"template_status":[{"name":"pending_tpl","status":"APPROVED"}]}' >/dev/null
status_hook pending_tpl en_US APPROVED
is "$(sql "SELECT status FROM templates WHERE name = 'pending_tpl'")" "APPROVED" "the webhook approved it"
fake_ctl reset >/dev/null
exits 0 "pending_tpl is sent once approved" wa-template send pending_tpl --to 15551234567 --param 1=T-1
is "$(sent_count)" "1" "sent"

fake_ctl state '{"template_status":[{"name":"order_update","language":"en_US","status":"PAUSED"}]}' >/dev/null
status_hook order_update en_US PAUSED
is "$(sql "SELECT status FROM templates WHERE name = 'order_update' AND language = 'en_US'")" "PAUSED" "the webhook paused it"
fake_ctl reset >/dev/null
exits 1 "a paused template is refused" wa-template send order_update --language en_US --to 15551234567 --param 1=a --param 2=b
like "$(cat "$T/err")" "*template 'order_update' (en_US) is PAUSED, not APPROVED" "names the status"
is "$(nrequests)" "0" "no request"
exits 0 "its other language is not paused" wa-template send order_update --language es --to 15551234567 --param 1=a --param 2=b
exits 0 "list shows it" wa-template list --status PAUSED
is "$(jf '[.name,.language]' | tr '\n' ' ')" '["order_update","en_US"] ["paused_tpl","en_US"] ' "paused ones"
done_testing
