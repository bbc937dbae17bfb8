#!/bin/sh
# SPDX-License-Identifier: MIT
# wa-recv: bad input, exit statuses, rule 12 (raw storage, replay), kill -9 mid-ingest.
. "$(dirname "$0")/../lib.sh"
. "$top/tests/t/1000-recv-lib.sh"
start_fake
exits 0 "connect a channel" wa-connect add --waba 100200300400500 --phone-number-id $CH
T0=1713290300

# Usage.
exits 0 "--help" wa-recv --help
is "$(head -2 "$T/out")" "usage: wa-recv [--db PATH] [FILE ...]
       wa-recv replay [--since T] [--channel ID] [--db PATH]" "prints the synopsis"
exits 0 "--version" wa-recv --version
exits 64 "unknown option" wa-recv --bogus
exits 64 "replay takes no operands" wa-recv replay x
exits 64 "replay --since needs a time" wa-recv replay --since yesterday
like "$(cat "$T/err")" "wa-recv: usage: --since: bad time 'yesterday'*" "says why"

# Malformed JSON in the middle of a file.
msg 15551230001 wamid.M1 $T0 "one" >"$T/d"
printf '{"object": oops}\n' >>"$T/d"
msg 15551230001 wamid.M2 $((T0 + 1)) "two" >>"$T/d"
exits 1 "a bad line between good ones" wa-recv "$T/d"
is "$(jf '[.event, .line, .code]' | tr '\n' ' ')" '["message",null,null] ["error",2,"invalid_input"] ["message",null,null] ' \
	"an error event naming the line, in order"
like "$(cat "$T/err")" "wa-recv: line 2: invalid_input: *" "stderr names the line"
is "$(sql "SELECT count(*) FROM messages WHERE wamid IN ('wamid.M1', 'wamid.M2')")" "2" "the others ingested"

# Pretty-printed input and stdin.
msg 15551230001 wamid.M3 $((T0 + 2)) "pretty" | jq . >"$T/pretty"
exits 0 "pretty-printed delivery on stdin" sh -c 'wa-recv <"$1"' sh "$T/pretty"
is_json '[.event, .text]' '["message","pretty"]' "read"

# Not JSON at all; empty; missing files.
printf 'hello\nworld\n' >"$T/text"
exits 65 "a file that holds no JSON at all" wa-recv "$T/text"
like "$(cat "$T/err")" "*invalid_input: '*text' holds no JSON at all*" "says so"
: >"$T/empty"
exits 0 "an empty file" wa-recv "$T/empty"
msg 15551230001 wamid.M4 $((T0 + 3)) "after a missing file" >"$T/d"
exits 66 "a missing file, then a good one: nothing done" wa-recv "$T/nope" "$T/d"
like "$(cat "$T/err")" "wa-recv: invalid_input: cannot open '*nope': No such file or directory*" "names the file"
is "$(cat "$T/out")" "" "nothing ingested before every input is known to be there"
exits 0 "then the good one alone" wa-recv "$T/d"

# Rule 12: deliveries that cannot be understood are stored and reported.
printf '{"hello": "world"}\n' >"$T/d"
exits 1 "JSON that is not a webhook" wa-recv "$T/d"
is_json '[.event, .code, .delivery_id != null]' '["error","invalid_input",true]' "error event"
is "$(sql "SELECT state, $BODY_TEXT FROM deliveries ORDER BY id DESC LIMIT 1")" \
	'error|{"hello": "world"}' "stored raw, byte for byte, with state error"
_value $CH messages '"messages":[{"from":"15551230001","id":"wamid.N1","type":"text","text":{"body":"no time"}},{"from":"15551230001","id":"wamid.N2","timestamp":"'$T0'","type":"text","text":{"body":"fine"}}]' >"$T/d"
exits 1 "a message without a timestamp beside a good one" wa-recv "$T/d"
is "$(jf '[.event, .wamid, .message // null]' | tr '\n' ' ')" \
	"[\"error\",\"wamid.N1\",\"entry[0].changes[0].value.messages[0]: message 'wamid.N1' without a valid timestamp\"] [\"message\",\"wamid.N2\",null] " \
	"the bad element reported, the good one ingested"
is "$(sql "SELECT state, error FROM deliveries ORDER BY id DESC LIMIT 1")" \
	"error|entry[0].changes[0].value.messages[0]: message 'wamid.N1' without a valid timestamp" "delivery marked"
_value $CH messages '"errors":[{"code":130429,"title":"Rate limit hit","error_data":{"details":"slow down"}}]' >"$T/d"
exits 0 "value.errors[] from Meta" wa-recv "$T/d"
is_json '[.event, .code, .graph_code, .message, .details, .channel]' \
	'["error","graph_error",130429,"Rate limit hit","slow down","111111111111111"]' "error event with Meta's code"

# Replay: idempotent, and it restores what was derived.
count() { sql "SELECT (SELECT count(*) FROM messages) || ',' || (SELECT count(*) FROM threads) || ',' || (SELECT count(*) FROM contacts) || ',' || (SELECT count(*) FROM statuses) || ',' || (SELECT count(*) FROM events) || ',' || (SELECT count(*) FROM deliveries)"; }
status wamid.M1 read $((T0 + 9)) >"$T/d"
exits 0 "a status" wa-recv "$T/d"
before=$(count)
unread=$(sql "SELECT count(*) FROM deliveries WHERE state = 'error'")
exits 0 "replay: nothing new (what is not understood was reported when it came)" wa-recv replay
is "$(count)" "$before" "replay changes nothing"
is "$(jf 'select(.event == "message" or .event == "status")' | wc -l | tr -d ' ')" "0" "nothing new derived"
is "$(jf 'select(.event == "error")' | wc -l | tr -d ' ')" "0" "no error reported again"
is "$(cat "$T/err")" "" "nothing on stderr (no mail from cron)"
is "$(jf 'select(.reason == "known_errors") | [.event, .deliveries, .seq != null]')" "[\"skipped\",$unread,true]" \
	"the deliveries known not understood are counted ($unread), in one event"
exits 0 "replay twice" wa-recv replay
is "$(count)" "$before" "still nothing"
is "$(cat "$T/err")" "" "still quiet"
# a delivery an older version understood and this one does not is news
sql "UPDATE deliveries SET state = 'ok', error = NULL WHERE $BODY_TEXT = '{\"hello\": \"world\"}'"
exits 1 "replay: a delivery not understood any more is reported" wa-recv replay
is "$(jf 'select(.event == "error") | .code')" '"invalid_input"' "as an error"
like "$(cat "$T/err")" "wa-recv: invalid_input: *" "on stderr too"
is "$(jf 'select(.reason == "known_errors") | .deliveries')" "$((unread - 1))" "the others counted"
exits 0 "and then it is known" wa-recv replay
sql "DELETE FROM messages; DELETE FROM statuses; DELETE FROM events; DELETE FROM sessions; DELETE FROM ticket_events; DELETE FROM tickets; DELETE FROM threads; DELETE FROM contacts"
exits 0 "replay after deleting derived rows" wa-recv replay
is "$(count)" "$before" "everything derived again"
is "$(fts_ids pretty | wc -l)" "1" "search index rebuilt too"
states=$(sql "SELECT state FROM deliveries ORDER BY id" | tr '
' ,)
exits 78 "replay of a channel the desk never had" wa-recv replay --channel 999
like "$(cat "$T/err")" "wa-recv: not_connected: unknown channel '999'*" "names it"
exits 64 "a channel that is no phone-number id" wa-recv replay --channel abc
sql "INSERT INTO channels (id, waba_id, phone, connected_at) VALUES ('999', '100200300400500', '15550009999', 0)"
exits 0 "replay one channel" wa-recv replay --channel 999
is "$(jf 'select(.event != "error" and .reason != "known_errors")' | wc -l | tr -d ' ')" "0" "no events for another channel"
is "$(sql "SELECT state FROM deliveries ORDER BY id" | tr '
' ,)" "$states" "a delivery is not judged by one channel's part"
exits 0 "replay since a time after every delivery" wa-recv replay --since 2024-04-17
is "$(cat "$T/out")" "" "nothing replayed"
sql "UPDATE deliveries SET state = 'error', error = 'old parser', parser_version = 0 WHERE $BODY_TEXT LIKE '%wamid.M4%'"
exits 0 "replay after an upgrade" wa-recv replay
is "$(sql "SELECT state, error IS NULL, parser_version FROM deliveries WHERE $BODY_TEXT LIKE '%wamid.M4%'")" "ok|1|2" \
	"a delivery the old version could not read is understood now"

# Exit statuses for the database.
exits 74 "a database that cannot be created" wa-recv --db /dev/null/x/wa.db /dev/null
like "$(cat "$T/err")" "wa-recv: io: *" "io error"
hold_store 7 "$T/locked" &
lock_pid=$!
while [ ! -e "$T/locked" ]; do sleep 0.05; done
msg 15551230001 wamid.L1 $((T0 + 30)) "while locked" >"$T/d"
exits 75 "the database busy past the timeout" wa-recv "$T/d"
like "$(cat "$T/err")" "wa-recv: line 1: busy: *retry later*" "busy"
wait $lock_pid
exits 0 "retried later" wa-recv "$T/d"

# kill -9 during a large ingest, then the same input again: no loss, no duplicates.
gen-deliveries 20000 --channel $CH --start $T0 >"$T/big"
wa-recv "$T/big" >/dev/null 2>&1 &
big_pid=$!
sleep 1
kill -9 $big_pid 2>/dev/null
wait $big_pid 2>/dev/null
partial=$(sql "SELECT count(*) FROM messages WHERE wamid LIKE 'wamid.BENCH%'")
exits 0 "the same input again" wa-recv "$T/big"
is "$(sql "SELECT count(*), count(DISTINCT wamid) FROM messages WHERE wamid LIKE 'wamid.BENCH%'")" "20000|20000" \
	"all 20000 messages, once each (the killed run had $partial)"
is "$(sql "SELECT count(*) FROM deliveries WHERE $BODY_TEXT LIKE '%wamid.BENCH%'")" "20000" "each delivery stored once"
is "$(jf 'select(.event == "message")' | wc -l | tr -d ' ')" "$((20000 - partial))" "events only for what was new"

done_testing
