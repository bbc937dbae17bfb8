#!/bin/sh
# wa-connect request-code, verify, register: the requests Meta gets and what is recorded.
. "$(dirname "$0")/../lib.sh"
start_fake
ID=111111111111111
wa-db migrate >/dev/null

# a number is verified and registered before it is connected (add-number, the steps, add)
exits 0 "request-code before add" wa-connect request-code $ID --method sms
is_json '[.ok, .channel, .phone_number_id, .code_method]' "[true,null,\"$ID\",\"SMS\"]" "a record with no channel yet"
is "$(requests '.path')" "\"/$ID/request_code\"" "posted to Graph"
is "$(sql "SELECT count(*) FROM channels")" 0 "nothing stored"
exits 1 "verify before add with a wrong code" wa-connect verify $ID --code 000000
is_json '[.ok, .error.code, .error.graph_code]' '[false,"graph_error",136025]' "Meta's refusal, as for a channel"
fake_ctl reset >/dev/null
exits 0 "add" wa-connect add --waba 100200300400500 --phone-number-id $ID
fake_ctl reset >/dev/null

exits 0 "request-code by SMS" wa-connect request-code $ID --method sms
is_json '[.ok, .channel, .phone, .code_method, .language, .code_requested_at]' \
	"[true,\"$ID\",\"15550001111\",\"SMS\",\"en_US\",\"2024-04-16T17:57:05Z\"]" "result record (default language en_US)"
is "$(requests '[.method, .path, .body]')" "[\"POST\",\"/$ID/request_code\",{\"code_method\":\"SMS\",\"language\":\"en_US\"}]" \
	"POST request_code with code_method SMS"
fake_ctl reset >/dev/null
WA_NOW=1713290300 exits 0 "request-code by voice call, options first" wa-connect --method VOICE --language es request-code $ID
is "$(requests .body)" '{"code_method":"VOICE","language":"es"}' "code_method VOICE and the language"
is "$(sql "SELECT code_method, code_requested_at FROM channels WHERE id = '$ID'")" "VOICE|1713290300" "recorded"

fake_ctl reset >/dev/null
exits 1 "verify with a wrong code" wa-connect verify $ID --code 000000
is_json '[.ok, .error.code, .error.graph_code, .action, .channel, .input.command]' \
	"[false,\"graph_error\",136025,\"fix_input\",\"$ID\",\"verify\"]" "Meta's 136025 in the result record"
like "$(cat "$T/err")" "wa-connect: graph_error: *136025*" "diagnostic"
jf .input | grep -q 000000; ok $(( ! $? )) "the code is not echoed"
is "$(sql "SELECT verified_at IS NULL FROM channels WHERE id = '$ID'")" "1" "not marked verified"
is "$(requests .body)" '{"code":"000000"}' "POST verify_code with the code"
exits 0 "verify with the right code" wa-connect verify $ID --code 123456
is_json '[.ok, .code_verification_status, .verified_at]' '[true,"VERIFIED","2024-04-16T17:57:05Z"]' "verified"
is "$(sql "SELECT code_verification_status, verified_at FROM channels WHERE id = '$ID'")" "VERIFIED|1713290225" "recorded"

fake_ctl reset >/dev/null
exits 0 "register" wa-connect register $ID --pin 654321
is_json '[.ok, .channel, .registered_at]' "[true,\"$ID\",\"2024-04-16T17:57:05Z\"]" "registered"
is "$(requests '[.path, .body]')" "[\"/$ID/register\",{\"messaging_product\":\"whatsapp\",\"pin\":\"654321\"}]" "POST register with the PIN"
grep -q 654321 "$T/out" "$T/err"; ok $(( ! $? )) "the PIN is not printed"
is "$(sql "SELECT registered_at FROM channels WHERE id = '$ID'")" "1713290225" "recorded"
dump_store | grep -q 654321; ok $(( ! $? )) "the PIN is not stored"

exits 0 "disconnect" wa-connect disconnect $ID
exits 1 "register a disconnected channel" wa-connect register $ID --pin 654321
is_json '[.error.code, .channel]' "[\"not_connected\",\"$ID\"]" "not_connected, exit 1"
exits 1 "request-code on a disconnected channel" wa-connect request-code $ID --method sms
exits 1 "verify a number Graph does not know" wa-connect verify 42 --code 123456
like "$(cat "$T/err")" "*graph_error*'42' does not exist*" "Graph's answer names it"
exits 78 "verify what is no phone-number id" wa-connect verify nonsense --code 123456
like "$(cat "$T/err")" "*unknown channel 'nonsense'*" "names it"

done_testing
