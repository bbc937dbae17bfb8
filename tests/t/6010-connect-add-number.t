#!/bin/sh
# SPDX-License-Identifier: MIT
# wa-connect add-number: a number new to the WABA (POST /{waba-id}/phone_numbers), the 25 limit first, then verify and connect it.
. "$(dirname "$0")/../lib.sh"
start_fake
W1=100200300400500

exits 64 "missing options" wa-connect add-number --waba $W1 --cc 1
like "$(head -1 "$T/err")" "*--waba, --cc, --number and --display-name*" "names them"
exits 64 "a bad country code" wa-connect add-number --waba $W1 --cc 1x --number 5550009999 --display-name Acme
like "$(head -1 "$T/err")" "*cc: '1x'*" "names the field"
exits 64 "a bad number" wa-connect add-number --waba $W1 --cc 1 --number 12 --display-name Acme
like "$(head -1 "$T/err")" "*number: '12'*" "names the field"
exits 64 "a bad WABA id" wa-connect add-number --waba w1 --cc 1 --number 5550009999 --display-name Acme
is "$(nrequests)" "0" "no Graph call for bad input"

exits 0 "add a new number" wa-connect add-number --waba $W1 --cc 1 --number "(555) 000-9999" --display-name "Acme Support"
is_json '[.ok, .waba_id, .phone, .verified_name, (.phone_number_id | test("^[0-9]+$"))]' \
	'[true,"100200300400500","15550009999","Acme Support",true]' "prints the new phone-number id"
id=$(jq -r .phone_number_id "$T/out")
n0=$(jq -r .numbers_in_waba "$T/out")
is "$(requests 'select(.method == "GET") | .path')" "\"/$W1/phone_numbers\"" "counted the WABA's numbers first"
is "$(requests 'select(.method == "POST") | [.path, .body]')" \
	"[\"/$W1/phone_numbers\",{\"cc\":\"1\",\"phone_number\":\"5550009999\",\"verified_name\":\"Acme Support\"}]" \
	"POST with cc, phone_number (digits) and verified_name"
exits 1 "the same number again" wa-connect add-number --waba $W1 --cc 1 --number 5550009999 --display-name "Acme Support"
is_json '.error.code' '"exists"' "refused: already in the WABA"

# then: connect it, request a code, verify, register
exits 0 "add the new number as a channel" wa-connect add --waba $W1 --phone-number-id "$id"
is_json '[.channel, .phone, .code_verification_status]' "[\"$id\",\"15550009999\",\"NOT_VERIFIED\"]" "connected, not verified yet"
exits 0 "request-code" wa-connect request-code "$id" --method sms
exits 0 "verify" wa-connect verify "$id" --code 123456
exits 0 "register" wa-connect register "$id" --pin 654321
exits 0 "show" wa-connect show "$id"
is_json '[.status, .code_verification_status]' '["connected","VERIFIED"]' "a connected, verified number"

# 25 numbers per WABA: the count comes first, nothing is posted beyond it
i=0
while wa-connect add-number --waba $W1 --cc 1 --number 55501$(printf %05d $i) --display-name N >"$T/last" 2>&1 && [ $i -lt 30 ]; do
	i=$((i + 1))
done
is "$((n0 + i))" "25" "numbers are added up to 25 in the WABA"
fake_ctl reset >/dev/null
exits 1 "the 26th number" wa-connect add-number --waba $W1 --cc 1 --number 5559999999 --display-name N
is_json '.error.code' '"limit_reached"' "limit_reached"
like "$(cat "$T/err")" "*already has 25 numbers*" "says the limit"
is "$(requests 'select(.method == "POST") | .path')" "" "nothing posted"

done_testing
