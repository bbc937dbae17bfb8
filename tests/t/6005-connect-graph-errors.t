#!/bin/sh
# wa-connect against a failing Graph API: no token, bad token, 5xx, 429, network down, dropped answers.
. "$(dirname "$0")/../lib.sh"
W=100200300400500
ID=111111111111111

# no token: every command that calls Meta exits 78 before touching the database
for c in "add --waba $W --phone-number-id $ID" "request-code $ID --method sms" \
	"verify $ID --code 123456" "register $ID --pin 123456" "profile $ID"; do
	WA_TOKEN= exits 78 "no token: $c" wa-connect $c
	like "$(cat "$T/err")" "*WA_TOKEN*" "says which setting is missing"
done
test ! -e "$WA_DB"; ok $? "nothing created without a token"
grep -q . "$T/out"; ok $(( ! $? )) "no output"
wa-db migrate >/dev/null
exits 0 "local commands need no token" env -u WA_TOKEN wa-connect list

# network down: nothing listens on WA_GRAPH_URL
exits 69 "Graph unreachable" wa-connect add --waba $W --phone-number-id $ID
is_json '[.ok, .error.code, .action]' '[false,"network","retry"]' "network result record"
like "$(cat "$T/err")" "wa-connect: network: *" "diagnostic"
is "$(sql 'SELECT count(*) FROM channels')" "0" "nothing recorded"

start_fake
# bad token: Meta's 190
WA_TOKEN=wrong-token exits 77 "bad token" wa-connect add --waba $W --phone-number-id $ID
is_json '[.error.code, .error.graph_code, .action]' '["auth",190,"admin"]' "auth result record"
grep -q wrong-token "$T/out" "$T/err"; ok $(( ! $? )) "the token is never printed"

# 5xx twice, then success: retried
fake_ctl reset >/dev/null
fake_ctl fault '{"method":"GET","path_suffix":"/'$ID'","times":2,"http":500}' >/dev/null
exits 0 "5xx then success" wa-connect add --waba $W --phone-number-id $ID
is "$(requests 'select(.method == "GET" and .path == "/'$ID'") | .status' | tr '\n' ' ')" "500 500 200 " "retried after two 500s"
fake_ctl reset >/dev/null

# 5xx on every try: unavailable
fake_ctl fault '{"path_suffix":"/request_code","times":10,"http":503}' >/dev/null
exits 69 "5xx persists" wa-connect request-code $ID --method sms
is_json '[.error.code, .action]' '["graph_error","retry"]' "graph_error, retry"
is "$(requests 'select(.path | endswith("request_code")) | .status' | grep -c 503)" "4" "4 tries"
is "$(sql "SELECT code_requested_at IS NULL FROM channels WHERE id = '$ID'")" "1" "not recorded"
fake_ctl reset >/dev/null

# rate limited past the retries: 75
fake_ctl fault '{"path_suffix":"/verify_code","times":10,"http":400,"code":80008}' >/dev/null
exits 75 "rate limited" wa-connect verify $ID --code 123456
is_json '[.error.code, .error.graph_code]' '["rate_limited",80008]' "rate_limited"
fake_ctl reset >/dev/null

# the subscription answer is lost on a reused connection (the GET of the
# number went first): libcurl would resend the POST by itself; graph.c
# refuses the rewind, so exactly one POST goes out and it is ambiguous.
fake_ctl fault '{"method":"POST","path_suffix":"/subscribed_apps","times":1,"drop":true}' >/dev/null
exits 1 "subscription outcome unknown" wa-connect add --waba $W --phone-number-id 222222222222222
is_json '[.error.code, .channel]' '["ambiguous","222222222222222"]' "ambiguous"
is "$(requests 'select(.method == "POST" and (.path|endswith("/subscribed_apps")))' | grep -c .)" 1 \
	"the POST went out once: never resent on a reused connection"
is "$(sql "SELECT count(*) FROM channels WHERE id = '222222222222222'")" "0" "not half-connected"
exits 0 "add again" wa-connect add --waba $W --phone-number-id 222222222222222

# a failed unsubscribe does not undo the disconnect
exits 0 "disconnect 111" wa-connect disconnect $ID
fake_ctl fault '{"method":"DELETE","path_suffix":"/subscribed_apps","times":10,"http":500}' >/dev/null
exits 0 "disconnect the last, Graph failing" wa-connect disconnect 222222222222222
is_json '[.ok, .status, .unsubscribed]' '[true,"disconnected",false]' "disconnected, still subscribed"
like "$(cat "$T/err")" "wa-connect: warning: webhook subscription*kept*" "warns"

done_testing
