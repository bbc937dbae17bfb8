#!/bin/sh
# SPDX-License-Identifier: MIT
# wa-connect add: the number must be one of the WABA's (GET /{waba}/phone_numbers, every page).
. "$(dirname "$0")/../lib.sh"
start_fake
W1=100200300400500	# 111..., 222..., 333..., 444... in the seed
W2=900800700600500	# 9000000000000001 to ...26: two pages of 25
# writes: what the fake was asked to change
writes() { requests 'select(.method != "GET") | [.method, .path]'; }

# the fake lists only a WABA's own numbers
curl -s -H "Authorization: Bearer $WA_TOKEN" "$WA_GRAPH_URL/$W1/phone_numbers?fields=id" >"$T/list"
is "$(jq -c '[.data[].id]' "$T/list")" '["111111111111111","222222222222222","333333333333333","444444444444444"]' \
	"the fake lists only the WABA's own numbers"
fake_ctl reset >/dev/null

# another WABA's number, its owner not known to this desk
exits 1 "another WABA's number" wa-connect add --waba $W1 --phone-number-id 9000000000000001
is_json '[.ok, .error.code, .channel, .input.command, .input.waba_id, .input.phone_number_id]' \
	'[false,"invalid_input","9000000000000001","add","100200300400500","9000000000000001"]' \
	"invalid_input result record with the input"
like "$(jf .error.message)" "*'9000000000000001'*not one of*WABA '100200300400500'*" "names the number and the WABA"
like "$(cat "$T/err")" "wa-connect: invalid_input: *9000000000000001*100200300400500*" "diagnostic on stderr"
is "$(requests 'select(.method == "GET") | .path' | tr '\n' ' ')" \
	'"/9000000000000001" "/100200300400500/phone_numbers" ' "read the number, then the WABA's numbers"
like "$(requests 'select(.path | endswith("/phone_numbers")) | .query')" '*fields=id*' "asked for ids only"
is "$(writes)" "" "no request that changes anything: no POST subscribed_apps"
is "$(sql 'SELECT count(*) FROM channels')" "0" "nothing recorded"

# the normal path still works and reads one page when the number is on it
fake_ctl reset >/dev/null
exits 0 "a number of the WABA" wa-connect add --waba $W1 --phone-number-id 222222222222222
is_json '[.ok, .channel, .waba_id, .status]' '[true,"222222222222222","100200300400500","connected"]' "connected"
is "$(requests 'select(.path | endswith("/phone_numbers")) | .path' | grep -c .)" "1" "one page read"
is "$(writes)" '["POST","/100200300400500/subscribed_apps"]' "then subscribed"

# now this desk knows W1: a W1 number offered as W2's names W1 as its owner
fake_ctl reset >/dev/null
exits 1 "W1's number as W2's" wa-connect add --waba $W2 --phone-number-id 111111111111111
is_json '[.error.code, .channel]' '["invalid_input","111111111111111"]' "invalid_input"
like "$(jf .error.message)" "*'111111111111111' belongs to WABA '100200300400500', not to WABA '900800700600500'*" \
	"names the number, the WABA asked for and the owner"
is "$(writes)" "" "nothing changed at Meta"
is "$(sql "SELECT count(*) FROM channels WHERE id = '111111111111111'")" "0" "not recorded"

# the 26th number of a WABA cannot come in under another WABA
n=0
for i in $(seq -w 1 25); do
	wa-connect add --waba $W2 --phone-number-id 90000000000000$i >/dev/null 2>&1 && n=$((n + 1))
done
is "$n" "25" "25 numbers of W2 connect (number 25 is on the first page)"
fake_ctl reset >/dev/null
exits 1 "the 26th under its own WABA" wa-connect add --waba $W2 --phone-number-id 9000000000000026
is_json .error.code '"limit_reached"' "limit_reached"
exits 1 "the 26th under another WABA" wa-connect add --waba $W1 --phone-number-id 9000000000000026
is_json '[.ok, .error.code, .channel]' '[false,"invalid_input","9000000000000026"]' "refused"
like "$(jf .error.message)" "*'9000000000000026' belongs to WABA '900800700600500', not to WABA '100200300400500'*" \
	"names its owner"
is "$(writes)" "" "no POST subscribed_apps"
is "$(sql "SELECT count(*) FROM channels WHERE id = '9000000000000026'")" "0" "not recorded"
is "$(sql "SELECT waba_id, count(*) FROM channels WHERE status = 'connected' GROUP BY waba_id" | tr '\n' ' ')" \
	"$W1|1 $W2|25 " "still 25 for W2, 1 for W1"

# paging: every page is read before a number is refused...
exits 0 "disconnect one of W2's" wa-connect disconnect 9000000000000001
fake_ctl reset >/dev/null
exits 1 "W1's number as W2's, W2's list on two pages" wa-connect add --waba $W2 --phone-number-id 333333333333333
like "$(jf .error.message)" "*belongs to WABA '100200300400500'*" "refused, owner named"
is "$(requests 'select(.path == "/'$W2'/phone_numbers") | .query | test("after=")' | tr '\n' ' ')" \
	"false true " "both pages of W2 read, the second by its cursor"
is "$(writes)" "" "nothing changed"
# ...and a number on the second page is found there
fake_ctl reset >/dev/null
exits 0 "the 26th, on W2's second page, once a slot is free" wa-connect add --waba $W2 --phone-number-id 9000000000000026
is_json '[.ok, .channel, .waba_id]' '[true,"9000000000000026","900800700600500"]' "connected to W2"
is "$(requests 'select(.path == "/'$W2'/phone_numbers")' | grep -c .)" "2" "two pages read"
is "$(writes)" '["POST","/900800700600500/subscribed_apps"]' "W2 subscribed"

# ownership is Graph's answer of the day, not the desk's memory
fake_ctl reset >/dev/null
fake_ctl state '{"phone_number":{"id":"9000000000000001","waba":"'$W1'"}}' >/dev/null
exits 0 "a number moved to W1 (Meta's migration) connects under W1" \
	wa-connect add --waba $W1 --phone-number-id 9000000000000001
is_json '[.channel, .waba_id, .history[0].connected_at != null]' '["9000000000000001","100200300400500",true]' \
	"connected under its new WABA, the earlier period kept"

# Graph failing on the list: nothing is done
fake_ctl reset >/dev/null
fake_ctl fault '{"method":"GET","path_suffix":"/phone_numbers","times":10,"http":503}' >/dev/null
exits 69 "the WABA's numbers cannot be read" wa-connect add --waba $W1 --phone-number-id 333333333333333
is_json '[.ok, .error.code, .channel]' '[false,"graph_error","333333333333333"]' "graph_error"
is "$(writes)" "" "no subscription"
is "$(sql "SELECT count(*) FROM channels WHERE id = '333333333333333'")" "0" "not recorded"
fake_ctl reset >/dev/null
exits 1 "a WABA Graph does not know" wa-connect add --waba 123456789 --phone-number-id 333333333333333
is_json '[.error.code, .error.graph_code]' '["graph_error",100]' "Graph's error carried through"
is "$(writes)" "" "no subscription"

done_testing
