#!/bin/sh
# wa-send: idempotency keys: a repeated key is answered with the first result, not resent.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/2000-send-lib.sh"
inbound 15551234567 60

exits 0 "first send with a key" wa-send --to 15551234567 --text a --idempotency-key order-1
first=$(jf .wamid)
is_json .idempotency_key '"order-1"' "key in the result"
exits 0 "the same key again" wa-send --to 15551234567 --text a --idempotency-key order-1
is_json '[.ok, .duplicate]' '[true,true]' "answered as a duplicate"
is "$(jf .wamid)" "$first" "with the first result"
is "$(sent_count)" "1" "sent once"

printf '%s\n' '{"to":"15551234567","text":"x","idempotency_key":"k2"}' \
	'{"to":"15551234567","text":"y"}' \
	'{"to":"15551234567","text":"x","idempotency_key":"k2"}' >"$T/in.json"
exits 0 "a key repeated inside one stream" wa-send "$T/in.json"
is "$(jf '[.line, .duplicate]')" '[1,null]
[2,null]
[3,true]' "answered in order, the repeat as duplicate"
is "$(jf .wamid | sed -n 1p)" "$(jf .wamid | sed -n 3p)" "same wamid"
is "$(sent_count)" "3" "two more requests, not three"
is "$(sql "SELECT count(*) FROM messages WHERE idempotency_key = 'k2'")" "1" "one row"

fake_ctl reset >/dev/null
fake_ctl fault '{"method":"POST","path_suffix":"/messages","code":100,"times":1}' >/dev/null
exits 1 "a key whose first send failed" wa-send --to 15551234567 --text z --idempotency-key k3
exits 0 "is sent again" wa-send --to 15551234567 --text z --idempotency-key k3
is_json '[.ok, .duplicate]' '[true,null]' "a real send"
is "$(sent_count)" "2" "two requests"
is "$(sql "SELECT status FROM messages WHERE text = 'z' ORDER BY id" | paste -sd, -)" "failed,sent" "both attempts kept"

fake_ctl reset >/dev/null
fake_ctl fault '{"method":"POST","path_suffix":"/messages","delay_ms":1500,"times":1}' >/dev/null
exits 1 "an ambiguous send with a key" env WA_GRAPH_TIMEOUT_MS=300 wa-send --to 15551234567 --text w --idempotency-key k4
exits 1 "its key again" wa-send --to 15551234567 --text w --idempotency-key k4
is_json '[.error.code, .duplicate]' '["ambiguous",true]' "answered with the ambiguous result"
is "$(sent_count)" "1" "never resent"

# a run killed between its intent and the answer left the key pending
# (2101 kills real runs; a live run's key is a duplicate there)
sql "UPDATE messages SET status = 'pending' WHERE idempotency_key = 'k4'"
exits 1 "a key left pending by a run that ended" wa-send --to 15551234567 --text w --idempotency-key k4
is_json '[.error.code, .action, .recovered, .duplicate, .idempotency_key]' '["ambiguous","never",true,null,"k4"]
["ambiguous","never",true,true,"k4"]' "found and reported ambiguous, then the key answered so"
is "$(sql "SELECT status FROM messages WHERE idempotency_key = 'k4'")" "ambiguous" "recorded ambiguous"
is "$(sent_count)" "1" "never resent"

exits 0 "--dry-run with a used key" wa-send --dry-run --to 15551234567 --text a --idempotency-key order-1
is_json .duplicate true "shows the first result"

done_testing
