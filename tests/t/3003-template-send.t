#!/bin/sh
# wa-template send: refusals before any request, parameters, headers, buttons,
# dry run, idempotency, retries, bulk records.
. "$(dirname "$0")/../lib.sh"
. "$top/tests/t/2000-send-lib.sh"
wa-template sync >/dev/null
fake_ctl reset >/dev/null
printf '\377\330\377\340\000\020JFIF\000' >"$T/receipt.jpg"
cp "$T/receipt.jpg" "$T/big.jpg" && truncate -s 6M "$T/big.jpg"
echo "just text" >"$T/notes.txt"
# /messages, and /marketing_messages for MARKETING templates (3008)
body() { requests 'select(.path | endswith("messages")) | .body' | sed -n "${1:-1}p"; }

# usage
exits 64 "--to without NAME" wa-template send --to 15551234567
exits 64 "--to with a FILE" wa-template send welcome extra.jsonl --to 15551234567
exits 64 "--param without =" wa-template send welcome --to 1555 --param Ann
exits 64 "--button-param index out of range" wa-template send welcome --to 1555 --button-param 10=x
exits 64 "--rate 0" wa-template send welcome --to 1555 --rate 0
exits 64 "--thread not a number" wa-template send welcome --thread seven
exits 66 "send from a missing file" wa-template send - "$T/nope.jsonl"
WA_TOKEN= exits 78 "no token" wa-template send welcome --to 15551234567
like "$(cat "$T/err")" "*no access token*" "says so"

# every refusal happens before any request
refuse() {	# refuse CODE MESSAGE-GLOB DESC ARGS...
	code=$1 msg=$2 desc=$3
	shift 3
	exits 1 "$desc" wa-template send "$@"
	is "$(jf '[.ok,.error.code]')" "[false,\"$code\"]" "$desc: $code"
	like "$(cat "$T/err")" "wa-template: $code: $msg" "$desc: says why"
}
refuse template_not_found "template 'nope' (en_US) is not known in WABA 100200300400500; run 'wa-template sync'" \
	"unknown template" nope --language en_US --to 15551234567
refuse template_not_found "template 'nope' is not known; run 'wa-template sync'" \
	"unknown template, no language" nope --to 15551234567
refuse template_not_found "template 'welcome' (fr) is not known*" \
	"unknown language" welcome --language fr --to 15551234567
refuse template_not_approved "template 'pending_tpl' (en_US) is PENDING, not APPROVED" \
	"pending template" pending_tpl --language en_US --to 15551234567 --param 1=T-1
refuse template_not_approved "template 'paused_tpl' (en_US) is PAUSED, not APPROVED" \
	"paused template" paused_tpl --to 15551234567
refuse template_params "template 'order_update' (en_US): missing parameter '2' (needs {{1}}, {{2}})" \
	"a number missing" order_update --language en_US --to 15551234567 --param 1=Ann
refuse template_params "template 'order_update' (en_US): unknown parameter '3'" \
	"a number too many" order_update --language en_US --to 15551234567 --param 1=Ann --param 2=b --param 3=x
refuse template_params "template 'promo_named' (en_US): missing parameter 'code'*" \
	"a name missing" promo_named --to 15551234567 --param first_name=Ann
refuse template_params "template 'promo_named' (en_US): unknown parameter 'nick'" \
	"an unknown name" promo_named --to 15551234567 --param first_name=Ann --param code=X --param nick=A
refuse template_params "template 'welcome' (en_US): unknown parameter '1': it takes no body parameters" \
	"a parameter for a template without any" welcome --to 15551234567 --param 1=x
refuse template_params "template 'image_header' (en_US): missing header IMAGE*" \
	"image header missing" image_header --to 15551234567 --param 1=Ann
refuse template_params "template 'order_update' (es): it has no media header*" \
	"header image for a text template" order_update --language es --to 15551234567 --param 1=a --param 2=b --header-image "$T/receipt.jpg"
refuse template_params "template 'image_header' (en_US): its header is image, not video" \
	"video for an image header" image_header --to 15551234567 --param 1=Ann --header-video https://x.example/v.mp4
refuse template_params "template 'welcome' (en_US): button 0 takes no parameter" \
	"a button parameter it does not take" welcome --to 15551234567 --button-param 0=x
refuse media_type "*notes.txt*" \
	"a text file as header image" image_header --to 15551234567 --param 1=Ann --header-image "$T/notes.txt"
refuse media_too_large "*big.jpg*more than the 5 MiB*" \
	"a 6 MiB header image" image_header --to 15551234567 --param 1=Ann --header-image "$T/big.jpg"
refuse invalid_input "template 'order_update' has several languages (en_US, es)*" \
	"no language for a template with two" order_update --to 15551234567 --param 1=a --param 2=b
refuse unknown_thread "no thread 999" "an unknown thread" welcome --thread 999
refuse invalid_phone "*" "a number that is not one" welcome --to 'call me'
wa-connect add --waba 100200300400500 --phone-number-id 222222222222222 >/dev/null
wa-connect disconnect 222222222222222 >/dev/null
fake_ctl reset >/dev/null
refuse not_connected "channel '222222222222222' was disconnected*" "a disconnected channel" welcome --to 15551234567 --channel 222222222222222
is "$(nrequests)" "0" "no request reached the fake"
is "$(sql "SELECT count(*) FROM messages")" "0" "nothing recorded"
exits 78 "an unknown channel" wa-template send welcome --to 15551234567 --channel 999
exits 74 "results to a full disk" sh -c 'wa-template send welcome --to 15551234567 --dry-run >/dev/full'

# positional, named, the only language
exits 0 "send order_update" wa-template send order_update --language en_US --to '+1 (555) 123-4567' --param 1=Ann --param 2='#123'
is_json '[.ok,.type,.to,.wa_id,.channel,.conversation,.status,(.wamid|startswith("wamid."))]' \
	'[true,"template","15551234567","15551234567","111111111111111","new_business_initiated","sent",true]' "result record"
is "$(body)" '{"messaging_product":"whatsapp","recipient_type":"individual","to":"+15551234567","type":"template","template":{"name":"order_update","language":{"code":"en_US"},"components":[{"type":"body","parameters":[{"type":"text","text":"Ann"},{"type":"text","text":"#123"}]}]}}' "the exact Graph body"
is "$(sql "SELECT type, text, template_name, template_language, status FROM messages")" \
	"template|Hi Ann, order #123 is on its way.|order_update|en_US|sent" "recorded with the rendered text"
is "$(sql "SELECT kind FROM conversations")" "business_initiated" "counted as business-initiated"
fake_ctl reset >/dev/null
exits 0 "send promo_named" wa-template send promo_named --to 15551234568 --param code=SAVE10 --param first_name=Bob
is "$(body | jq -c '.template.components')" '[{"type":"body","parameters":[{"type":"text","text":"Bob","parameter_name":"first_name"},{"type":"text","text":"SAVE10","parameter_name":"code"}]}]' "named parameters in template order"
exits 0 "send welcome (its only language)" wa-template send welcome --to 15551234569
is "$(body 2 | jq -c '.template')" '{"name":"welcome","language":{"code":"en_US"}}' "no components when nothing is needed"

# header media and buttons
fake_ctl reset >/dev/null
exits 0 "header image by link" wa-template send image_header --to 15551234567 --param 1=Ann --header-image https://cdn.example/r.jpg
is "$(body | jq -c '.template.components[0]')" '{"type":"header","parameters":[{"type":"image","image":{"link":"https://cdn.example/r.jpg"}}]}' "link in the header"
fake_ctl reset >/dev/null
exits 0 "header image from a file" wa-template send image_header --to 15551234567 --param 1=Ann --header-image "$T/receipt.jpg"
is "$(requests '[.method,.path]' | head -1)" '["POST","/111111111111111/media"]' "uploaded first"
MID=$(requests 'select(.path | endswith("/media")) | .status' | head -1)
is "$MID" "200" "upload accepted"
is "$(body | jq -c '.template.components[0].parameters[0].image | keys')" '["id"]' "sent by media id"
fake_ctl reset >/dev/null
exits 0 "quick reply payloads" wa-template send survey_buttons --to 15551234567 --param 1=T-9 --button-param 0=yes-9 --button-param 1=no-9
is "$(body | jq -c '.template.components[1:]')" '[{"type":"button","sub_type":"quick_reply","index":"0","parameters":[{"type":"payload","payload":"yes-9"}]},{"type":"button","sub_type":"quick_reply","index":"1","parameters":[{"type":"payload","payload":"no-9"}]}]' "one button component per payload"
fake_ctl state '{"template":[{"waba":"100200300400500","name":"coupon_link","language":"en_US","status":"APPROVED","category":"MARKETING","components":[{"type":"HEADER","format":"TEXT","text":"For {{1}}"},{"type":"BODY","text":"Your code is ready, {{1}}."},{"type":"BUTTONS","buttons":[{"type":"URL","text":"Shop","url":"https://shop.example/{{1}}"},{"type":"COPY_CODE","example":"X"}]}]}]}' >/dev/null
wa-template sync >/dev/null
fake_ctl reset >/dev/null
refuse template_params "template 'coupon_link' (en_US): button 1 (COPY_CODE) needs a parameter" \
	"COPY_CODE without its code" coupon_link --to 15551234567 --param 1=Ann --header-text Ann --button-param 0=spring
refuse template_params "template 'coupon_link' (en_US): missing header parameter '1'" \
	"header text missing" coupon_link --to 15551234567 --param 1=Ann --button-param 0=spring --button-param 1=C
is "$(nrequests)" "0" "refused before any request"
exits 0 "URL and COPY_CODE buttons, header text" wa-template send coupon_link --to 15551234567 --param 1=Ann --header-text Ann --button-param 0=spring --button-param 1=SAVE20
is "$(body | jq -c '.template.components')" '[{"type":"header","parameters":[{"type":"text","text":"Ann"}]},{"type":"body","parameters":[{"type":"text","text":"Ann"}]},{"type":"button","sub_type":"url","index":"0","parameters":[{"type":"text","text":"spring"}]},{"type":"button","sub_type":"copy_code","index":"1","parameters":[{"type":"coupon_code","coupon_code":"SAVE20"}]}]' "header, body and both buttons"

# dry run: the exact request, nothing sent or recorded
fake_ctl reset >/dev/null
n=$(sql "SELECT count(*) FROM messages")
exits 0 "dry run" wa-template send order_update --language es --to 15557654321 --param 1=Eva --param 2=A-7 --dry-run
is "$(cat "$T/out")" '{"ok":true,"dry_run":true,"request":{"method":"POST","path":"/111111111111111/messages","body":{"messaging_product":"whatsapp","recipient_type":"individual","to":"+15557654321","type":"template","template":{"name":"order_update","language":{"code":"es"},"components":[{"type":"body","parameters":[{"type":"text","text":"Eva"},{"type":"text","text":"A-7"}]}]}}},"conversation":"new_business_initiated","channel":"111111111111111","wa_id":"15557654321"}' "the exact request"
is "$(nrequests)" "0" "nothing sent"
is "$(sql "SELECT count(*) FROM messages")" "$n" "nothing recorded"
WA_TOKEN= exits 0 "dry run needs no token" wa-template send welcome --to 15557654321 --dry-run
WA_TOKEN= exits 1 "dry run still refuses" wa-template send paused_tpl --to 15557654321 --dry-run
is_json '.error.code' '"template_not_approved"' "template_not_approved in a dry run"

# idempotency
fake_ctl reset >/dev/null
exits 0 "send with a key" wa-template send welcome --to 15551230001 --idempotency-key crm-42
W1=$(jq -r .wamid "$T/out")
exits 0 "the same key again" wa-template send welcome --to 15551230001 --idempotency-key crm-42
is_json '[.duplicate,.wamid]' "[true,\"$W1\"]" "answered with the first result"
is "$(sent_count)" "1" "sent once"

# retries, rate limits, ambiguous
fake_ctl reset >/dev/null
fake_ctl fault '{"method":"POST","path_suffix":"messages","times":1,"http":503,"retry_after":0}' >/dev/null
exits 0 "a 503 with Retry-After is retried" wa-template send welcome --to 15551230002
is "$(requests 'select(.path | endswith("messages")) | .status' | tr '\n' ' ')" "503 200 " "sent on the second try"
fake_ctl reset >/dev/null
fake_ctl fault '{"method":"POST","path_suffix":"messages","times":1,"http":500}' >/dev/null
exits 1 "a 500 may come after Meta sent it" wa-template send welcome --to 15551230002
is_json '[.ok,.error.code,.action]' '[false,"ambiguous","never"]' "ambiguous, never resent"
is "$(sent_count)" "1" "not resent"
fake_ctl reset >/dev/null
fake_ctl fault '{"method":"POST","path_suffix":"messages","times":1,"http":400,"code":130429,"retry_after":0}' >/dev/null
exits 0 "130429 is retried" wa-template send welcome --to 15551230003
is "$(requests 'select(.path | endswith("messages")) | .status' | tr '\n' ' ')" "400 200 " "throughput limit retried"
fake_ctl reset >/dev/null
fake_ctl fault '{"method":"POST","path_suffix":"messages","times":1,"drop":true}' >/dev/null
exits 1 "a dropped answer is ambiguous" wa-template send welcome --to 15551230004
is_json '[.ok,.error.code,.action]' '[false,"ambiguous","never"]' "ambiguous, never resent"
is "$(sent_count)" "1" "not resent"
fake_ctl reset >/dev/null
fake_ctl fault '{"method":"POST","path_suffix":"messages","times":1,"http":400,"code":132001}' >/dev/null
exits 1 "Meta says the template does not exist" wa-template send welcome --to 15551230005
is_json '[.error.code,.error.graph_code]' '["template_not_found",132001]' "Meta's 132001 mapped"
fake_ctl reset >/dev/null
WA_TOKEN=wrong exits 77 "a bad token" wa-template send welcome --to 15551230006

# bulk records: flags are defaults, every input answered in order
fake_ctl reset >/dev/null
inbound 15559990001 60
TID=$(sql "SELECT id FROM threads ORDER BY id DESC LIMIT 1")
cat >"$T/crm.jsonl" <<JSON
{"to":"+15551110001","params":["Ann","#1"]}
{"to":"+15551110002","params":["Bob"]}
{"to":"+15551110003","template":"promo_named","params":{"first_name":"Cy","code":"C"}}
this is not JSON
{"to":"+15551110004","template":"pending_tpl","params":["x"]}
{"thread_id":$TID,"params":{"1":"Dee","2":"#4"}}
{"to":"+15551110005","params":["Eve","#5"],"language":"es"}
JSON
exits 1 "bulk with failures" wa-template send order_update --language en_US "$T/crm.jsonl"
is "$(jf '[.line,.ok,.error.code]' | tr '\n' ' ')" \
	'[1,true,null] [2,false,"template_params"] [3,true,null] [4,false,"invalid_input"] [5,false,"template_not_approved"] [6,true,null] [7,true,null] ' \
	"every input answered, in order"
is "$(jf 'select(.line == 6) | [.thread_id, .conversation]')" "[\"$TID\",\"new_user_initiated\"]" "thread_id record: inside the session, user-initiated"
is "$(sent_count)" "4" "four sent"
is "$(requests 'select(.body.to == "+15551110005") | .body.template.language')" '{"code":"es"}' "a record's language wins over the flag"
is "$(grep -c 'wa-template: line' "$T/err")" "3" "three diagnostics with line numbers"
like "$(grep 'line 2' "$T/err")" "wa-template: line 2: template_params: *got 1" "diagnostic format"
exits 0 "records from stdin, template from a record" sh -c "echo '{\"to\":\"15551110009\",\"template\":\"welcome\"}' | wa-template send"
is_json '.ok' 'true' "sent"
done_testing
