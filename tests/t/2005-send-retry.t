#!/bin/sh
# wa-send: retries with backoff and Retry-After, fatal codes, ambiguous timeouts.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/2000-send-lib.sh"
inbound 15551234567 60
inbound 15551234568 60
inbound 15551234569 60
M=/messages

fake_ctl fault '{"method":"POST","path_suffix":"/messages","code":130429,"times":2}' >/dev/null
exits 0 "throughput limit (HTTP 400 + 130429) twice, then accepted" wa-send --to 15551234567 --text a
is "$(sent_count)" "3" "three tries"
is_json .ok true "sent"

fake_ctl reset >/dev/null
fake_ctl fault '{"method":"POST","path_suffix":"/messages","http":503,"retry_after":0,"times":1}' >/dev/null
exits 0 "a 503 with Retry-After, then accepted" wa-send --to 15551234567 --text b
is "$(sent_count)" "2" "retried"

for code in 4 80007 131056; do
	fake_ctl reset >/dev/null
	fake_ctl fault "{\"method\":\"POST\",\"path_suffix\":\"/messages\",\"code\":$code,\"times\":1}" >/dev/null
	exits 0 "code $code is retried" wa-send --to 15551234567 --text c
	is "$(sent_count)" "2" "code $code: two tries"
done

fake_ctl reset >/dev/null
fake_ctl fault '{"method":"POST","path_suffix":"/messages","http":429,"retry_after":1,"times":1}' >/dev/null
exits 0 "Retry-After: 1" wa-send --to 15551234567 --text d
t=$(requests .time_ms | tr '\n' ' ')
set -- $t
ok $(( $2 - $1 >= 950 ? 0 : 1 )) "waited for Retry-After ($(( $2 - $1 )) ms)"

fake_ctl reset >/dev/null
fake_ctl fault '{"method":"POST","path_suffix":"/messages","code":131056,"times":100}' >/dev/null
used=$(sql "SELECT count(*) FROM conversations")
exits 75 "rate limited after every retry" env WA_GRAPH_RETRIES=3 wa-send --to 15551234568 --text e
is_json '[.ok, .error.code, .error.graph_code, .action]' '[false,"rate_limited",131056,"retry"]' "rate_limited, retry later"
like "$(jf .error.message)" '"after 3 tries*' "says how often"
is "$(sent_count)" "3" "WA_GRAPH_RETRIES tries"
is "$(sql "SELECT status FROM messages WHERE to_addr = '15551234568' AND direction = 'out'")" "failed" "recorded failed"
is "$(sql "SELECT count(*) FROM conversations")" "$used" "its conversation is not counted"
is "$(sql "SELECT conversation_id IS NULL FROM sessions s JOIN contacts c ON c.id = s.contact_id WHERE c.wa_id = '15551234568'")" "1" "the session is not counted either"

fake_ctl reset >/dev/null
# (other 5xx answers to a send are ambiguous, never retried: 2011)
fake_ctl fault '{"method":"POST","path_suffix":"/messages","http":503,"retry_after":0,"times":100}' >/dev/null
exits 69 "503 with Retry-After after every retry" env WA_GRAPH_RETRIES=2 wa-send --to 15551234568 --text f
is_json '[.error.code, .action]' '["graph_error","retry"]' "graph_error, retry"

fake_ctl reset >/dev/null
fake_ctl fault '{"method":"POST","path_suffix":"/messages","http":401,"code":190,"times":100}' >/dev/null
printf '%s\n' '{"to":"15551234567","text":"1"}' '{"to":"15551234568","text":"2"}' '{"to":"15551234569","text":"3"}' >"$T/three.json"
exits 77 "a bad token ends the run" wa-send --sequential "$T/three.json"
# Inputs queued before input 1 failed are answered; reading then stops.
is "$(jf '[.line, .error.code]' | head -1)" '[1,"auth"]' "the first answered"
is "$(jf .error.code | sort -u)" '"auth"' "all with the fatal code"
is "$(sent_count)" "1" "nothing sent after the bad token"
is "$(jf .error.message | tail -n +2 | grep -vc '^"not sent: the run stopped')" "0" "any others: not sent"

fake_ctl reset >/dev/null
fake_ctl fault '{"method":"POST","path_suffix":"/messages","code":131047,"times":1}' >/dev/null
exits 1 "Meta's re-engagement error" wa-send --to 15551234567 --text g
is_json '[.error.code, .error.graph_code, .action]' '["window_closed",131047,"use_template"]' "window_closed, use a template"
fake_ctl fault '{"method":"POST","path_suffix":"/messages","code":131026,"times":1}' >/dev/null
exits 1 "undeliverable" wa-send --to 15551234567 --text h
is_json '[.error.graph_code, .action]' '[131026,"never"]' "action never"

fake_ctl reset >/dev/null
fake_ctl fault '{"method":"POST","path_suffix":"/messages","delay_ms":2000,"times":1}' >/dev/null
exits 1 "no answer after the body went out" env WA_GRAPH_TIMEOUT_MS=400 wa-send --to 15551234569 --text i
is_json '[.error.code, .action, .thread_id]' '["ambiguous","never","3"]' "ambiguous, never resent, in its thread"
is "$(sent_count)" "1" "not resent"
is "$(sql "SELECT status, thread_id FROM messages WHERE text = 'i'")" "ambiguous|3" "recorded ambiguous"

fake_ctl reset >/dev/null
fake_ctl fault '{"method":"POST","path_suffix":"/messages","drop":true,"times":1}' >/dev/null
exits 1 "a dropped connection after the request" wa-send --to 15551234569 --text j
is_json .error.code '"ambiguous"' "ambiguous"
is "$(sent_count)" "1" "not resent"

exits 69 "nothing listens" env WA_GRAPH_URL=http://127.0.0.1:9/v25.0 WA_GRAPH_RETRIES=2 wa-send --to 15551234569 --text k
is_json '[.error.code, .action]' '["network","retry"]' "network, retry"

done_testing
