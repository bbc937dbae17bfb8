#!/bin/sh
# wa-connect add/list/show/disconnect: rule 1 against the fake Graph API.
. "$(dirname "$0")/../lib.sh"
start_fake
W1=100200300400500
W2=900800700600500

exits 0 "add a Cloud API number" wa-connect add --waba $W1 --phone-number-id 111111111111111
is_json '[.ok, .channel, .waba_id, .phone, .status, .platform_type, .connected_at, .subscribed_at]' \
	'[true,"111111111111111","100200300400500","15550001111","connected","CLOUD_API","2024-04-16T17:57:05Z","2024-04-16T17:57:05Z"]' \
	"result record: channel, digits-only phone, connected_at = WA_NOW"
is "$(sql "SELECT phone, status, connected_at FROM channels WHERE id = '111111111111111'")" \
	"15550001111|connected|1713290225" "stored with connected_at"
is "$(requests 'select(.method == "GET") | .path' | head -1)" '"/111111111111111"' "read the number from Graph"
like "$(requests 'select(.method == "GET") | .query' | head -1)" '*platform_type*' "asked for platform_type"
is "$(requests 'select(.method == "POST") | .path')" '"/100200300400500/subscribed_apps"' "subscribed the app to the WABA"

fake_ctl reset >/dev/null
exits 1 "the same number again" wa-connect add --waba $W1 --phone-number-id 111111111111111
is_json '[.ok, .error.code, .action, .channel, .input.command, .input.waba_id]' \
	'[false,"already_connected","never","111111111111111","add","100200300400500"]' "already_connected result record"
like "$(cat "$T/err")" "wa-connect: already_connected: *" "diagnostic on stderr"
is "$(nrequests)" "0" "refused before any Graph call"

exits 1 "an On-Premises number" wa-connect add --waba $W1 --phone-number-id 444444444444444
is_json '[.error.code, .channel]' '["invalid_input","444444444444444"]' "refused as invalid_input"
like "$(jf .error.message)" '*not a Cloud API number*ON_PREMISE*' "says why"
is "$(sql "SELECT count(*) FROM channels WHERE id = '444444444444444'")" "0" "not recorded"

exits 1 "an id Graph does not know" wa-connect add --waba $W1 --phone-number-id 123
is_json '[.error.code, .error.graph_code]' '["graph_error",100]' "Graph's error carried through"

exits 0 "second number of the first WABA" wa-connect add --waba $W1 --phone-number-id 222222222222222

# 25 numbers per WABA
n=0
for i in $(seq -w 1 25); do
	wa-connect add --waba $W2 --phone-number-id 90000000000000$i >/dev/null 2>&1 && n=$((n + 1))
done
is "$n" "25" "25 numbers of one WABA connect"
fake_ctl reset >/dev/null
exits 1 "the 26th is refused" wa-connect add --waba $W2 --phone-number-id 9000000000000026
is_json '[.ok, .error.code, .channel]' '[false,"limit_reached","9000000000000026"]' "limit_reached"
like "$(jf .error.message)" "*25*" "says the limit"
is "$(nrequests)" "0" "no Graph call for a refused 26th"
is "$(sql "SELECT count(*) FROM channels WHERE waba_id = '$W2' AND status = 'connected'")" "25" "still 25"

exits 0 "list" wa-connect list
is "$(grep -c . "$T/out")" "27" "one record per channel"
is_json 'select(.channel == "111111111111111") | .phone' '"15550001111"' "records carry channel and phone"
exits 0 "list --waba" wa-connect list --waba $W1
is "$(jf .channel | tr '\n' ' ')" '"111111111111111" "222222222222222" ' "only that WABA"
exits 0 "list --table" wa-connect list --table --waba $W1
like "$(head -1 "$T/out")" "CHANNEL*PHONE*NAME*STATUS*WABA" "table header"

exits 0 "show" wa-connect show 222222222222222
is_json '[.channel, .status, .connected_at, .disconnected_at]' '["222222222222222","connected","2024-04-16T17:57:05Z",null]' "show record"
exits 78 "show an unknown channel" wa-connect show 999
is_json '[.ok, .error.code]' '[false,"not_connected"]' "not_connected"
like "$(cat "$T/err")" "*unknown channel '999'*" "names it"
exits 78 "disconnect an unknown channel" wa-connect disconnect 999

# disconnect: the WABA stays subscribed while another of its numbers is connected
fake_ctl reset >/dev/null
WA_NOW=1713300000 exits 0 "disconnect one of two" wa-connect disconnect 111111111111111
is_json '[.ok, .channel, .status, .disconnected_at, .unsubscribed]' \
	'[true,"111111111111111","disconnected","2024-04-16T20:40:00Z",false]' "disconnected, subscription kept"
is "$(nrequests)" "0" "no Graph call while 222222222222222 is connected"
exits 0 "disconnect twice: nothing to do, ok" wa-connect disconnect 111111111111111
is_json '[.ok, .changed, .disconnected_at]' '[true,false,"2024-04-16T20:40:00Z"]' "ok, changed false, the first time kept"
exits 0 "show a disconnected channel" wa-connect show 111111111111111
is_json '[.status, .disconnected_at]' '["disconnected","2024-04-16T20:40:00Z"]' "kept with its history"
exits 0 "disconnect the last of the WABA" wa-connect disconnect 222222222222222
is_json .unsubscribed true "unsubscribed"
is "$(requests '[.method, .path]')" '["DELETE","/100200300400500/subscribed_apps"]' "DELETE subscribed_apps"

# re-add: a new connected_at, the earlier period kept
WA_NOW=1713400000 exits 0 "re-add a disconnected number" wa-connect add --waba $W1 --phone-number-id 111111111111111
is_json '[.status, .connected_at, .disconnected_at]' '["connected","2024-04-18T00:26:40Z",null]' "connected again with a new connected_at"
is_json '.history' '[{"connected_at":"2024-04-16T17:57:05Z","disconnected_at":"2024-04-16T20:40:00Z"}]' "earlier period in history"
is "$(sql "SELECT connected_at FROM channels WHERE id = '111111111111111'")" "1713400000" "stored"

# a freed slot can be used again
exits 0 "disconnect one of the 25" wa-connect disconnect 9000000000000001
exits 0 "then the 26th fits" wa-connect add --waba $W2 --phone-number-id 9000000000000026

# the database enforces one connection per phone number too
sql "INSERT INTO channels (id, waba_id, phone, connected_at) VALUES ('5', '$W1', '15550001111', 1)" >/dev/null 2>&1
ok $(( ! $? )) "a second connected row for the same phone is refused by the schema"

done_testing
