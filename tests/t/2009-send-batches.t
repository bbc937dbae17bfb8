#!/bin/sh
# wa-send: intents and outcomes recorded in batches: order, refusals and the quota inside a batch.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/2000-send-lib.sh"

# 30 customers wrote in the last hour; the quota allows 20 conversations
: >"$T/first.json"
: >"$T/second.json"
for i in $(seq 10 39); do
	inbound 155500000$i 60
	echo "{\"to\":\"155500000$i\",\"text\":\"first $i\"}" >>"$T/first.json"
	echo "{\"to\":\"155500000$i\",\"text\":\"second $i\"}" >>"$T/second.json"
done
wa-quota set --limit 20 >/dev/null
{
	cat "$T/first.json"
	echo '{"to":"15559999999","text":"never wrote"}'
	echo '{"to":"15550000010","text":"keyed","idempotency_key":"k1"}'
	echo '{"to":"15550000010","text":"keyed again","idempotency_key":"k1"}'
	cat "$T/second.json"
} >"$T/in.json"
fake_ctl reset >/dev/null
fake_ctl latency '{"ms":50}' >/dev/null
# at 200/s the queue fills, so intents go 12 to a transaction
exits 1 "63 records at --rate 200" wa-send --rate 200 "$T/in.json"
is "$(jf .line | tr '\n' ' ' | sed 's/ $//')" "$(seq 1 63 | tr '\n' ' ' | sed 's/ $//')" \
	"one answer per record, in input order"
is "$(jf 'select(.ok) | .line' | wc -l)" "42" "40 plus the keyed one and its duplicate"
is "$(jf 'select(.error.code == "quota_exhausted") | .line' | wc -l)" "20" \
	"the 21st conversation and later are refused, within a batch too"
is "$(jf 'select(.error.code == "quota_exhausted") | .line' | head -1)" "21" \
	"the first refusal is the 21st new conversation"
is_json 'select(.line == 31) | .error.code' '"window_closed"' "a refusal in the middle of a batch"
is_json 'select(.line == 33) | [.duplicate, .idempotency_key]' '[true,"k1"]' \
	"a repeated key in the same run is answered from the first"
is "$(sql "SELECT count(*) FROM conversations")" "20" "exactly the limit counted"
is "$(sql "SELECT count(*) FROM messages WHERE direction = 'out' AND status = 'sent'")" "41" \
	"every ok (but the duplicate) recorded as sent"
is "$(sql "SELECT count(*) FROM messages WHERE status = 'pending'")" "0" "no intent left pending"
is "$(sent_count)" "41" "one request per recorded message"
is "$(sql "SELECT count(DISTINCT wamid) FROM messages WHERE direction = 'out'")" "41" \
	"each with Meta's wamid"
is "$(jf 'select(.ok and (.duplicate | not)) | .wamid' | sort -u | wc -l)" "41" \
	"results carry the recorded wamids"

# a 500 for some: the batch's other outcomes are recorded all the same
fake_ctl reset >/dev/null
fake_ctl fault '{"method":"POST","path_suffix":"/messages","times":3,"http":400,"code":131009}' >/dev/null
exits 1 "three of the second messages refused by Meta" wa-send --rate 200 "$T/second.json"
is "$(jf 'select(.ok | not) | .error.code' | sort | uniq -c | awk '{ print $1, $2 }' | tr '\n' ' ')" \
	'3 "graph_error" 10 "quota_exhausted" ' "Meta's refusals and the quota's"
is "$(sql "SELECT count(*) FROM messages WHERE status = 'failed'")" "3" "recorded as failed"
is "$(sql "SELECT count(*) FROM conversations")" "20" "a failure counts nothing"

done_testing
