#!/bin/sh
# SPDX-License-Identifier: MIT
# wa-send: inputs never half-understood (keys, U+0000, two kinds, reply_to), and 5xx answers never resent.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/2000-send-lib.sh"
inbound 15551234567 60
inbound 15551234568 60
# bodies: the text bodies of the requests to /messages, one per line
bodies() { requests 'select(.path | endswith("/messages")) | .body.text.body'; }

# --- idempotency_key: a number is its decimal string, never ignored
printf '%s\n' '{"to":"15551234567","text":"n1","idempotency_key":42}' \
	'{"to":"15551234567","text":"n1","idempotency_key":"42"}' \
	'{"to":"15551234567","text":"n1","idempotency_key":42}' >"$T/in"
exits 0 "a numeric key" wa-send "$T/in"
is "$(jf '[.idempotency_key, .duplicate]')" '["42",null]
["42",true]
["42",true]' "taken as \"42\": 42 and \"42\" are one key"
is "$(sent_count)" 1 "sent once"
if on_pg; then typeof=pg_typeof; else typeof=typeof; fi
is "$(sql "SELECT $typeof(idempotency_key) || ' ' || idempotency_key FROM messages WHERE text = 'n1'")" "text 42" "stored as the string"
exits 0 "the number again in a later run" sh -c 'echo "{\"to\":\"15551234567\",\"text\":\"n1\",\"idempotency_key\":42}" | wa-send'
is_json '[.duplicate, .wamid != null]' '[true,true]' "a duplicate of the first"
is "$(sent_count)" 1 "still sent once"

fake_ctl reset >/dev/null
printf '%s\n' '{"to":"15551234567","text":"k1","idempotency_key":1.5}' \
	'{"to":"15551234567","text":"k2","idempotency_key":true}' \
	'{"to":"15551234567","text":"k3","idempotency_key":""}' \
	'{"to":"15551234567","text":"k4","idempotency_key":{"id":7}}' \
	'{"to":"15551234567","text":"k5","idempotency_key":18014398509481985}' \
	'{"to":"15551234567","text":"k6","idempotency_key":null}' >"$T/in"
exits 1 "keys that cannot be one" wa-send "$T/in"
is "$(jf '[.line, .error.code]')" '[1,"invalid_input"]
[2,"invalid_input"]
[3,"invalid_input"]
[4,"invalid_input"]
[5,"invalid_input"]
[6,null]' "each refused, null means none; the run goes on"
is "$(jf .error.message | grep -c '"idempotency_key: ')" 5 "naming idempotency_key"
is "$(bodies)" '"k6"' "only the record without a key was sent"

# --- U+0000: ids, numbers and keys holding it are refused; text keeps it
fake_ctl reset >/dev/null
W=$(sql "SELECT wamid FROM messages WHERE direction = 'in' LIMIT 1")
printf '%s\n' '{"to":"15550000027\u0000999","text":"z1"}' \
	'{"wa_id":"15551234567\u0000","text":"z2"}' \
	'{"thread_id":"1\u00002","text":"z3"}' \
	'{"to":"15551234567","channel":"111111111111111\u0000","text":"z4"}' \
	'{"to":"15551234567","text":"z5","idempotency_key":"a\u0000b"}' \
	'{"to":"15551234567","text":"z6","reply_to":"'"$W"'\u0000x"}' \
	'{"to":"15551234567","image":{"link":"https://example.com/a.png\u0000.exe"}}' \
	'{"to":"15551234567","reaction":{"message_id":"'"$W"'\u0000","emoji":"+"}}' \
	'{"to":"15551234567","text":"a\u0000b"}' >"$T/in"
exits 1 "ids holding U+0000" wa-send "$T/in"
is "$(jf '[.line, .error.code]' | head -8 | sort -u)" '[1,"invalid_input"]
[2,"invalid_input"]
[3,"invalid_input"]
[4,"invalid_input"]
[5,"invalid_input"]
[6,"invalid_input"]
[7,"invalid_input"]
[8,"invalid_input"]' "each refused"
is "$(jf 'select(.error) | .error.message | split(":")[0]' | tr '\n' ' ')" '"to" "wa_id" "thread_id" "channel" "idempotency_key" "reply_to" "image.link" "reaction.message_id" ' "naming the field"
is_json 'select(.line == 9) | [.ok, .to]' '[true,"15551234567"]' "a text holding it is sent"
is "$(bodies)" '"a\u0000b"' "nothing else reached Meta; the text went whole"
is "$(requests 'select(.body.to != null) | .body.to' | sort -u)" '"+15551234567"' "never +15550000027"
wa-view show "$(sql "SELECT thread_id FROM messages WHERE direction = 'out' ORDER BY id DESC LIMIT 1")" >"$T/show"
is "$(jf 'select(.direction == "out") | .text' "$T/show" | tail -1)" '"a\u0000b"' "stored whole"

# --- two kinds of message in one record; a reply_to that is not a wamid
fake_ctl reset >/dev/null
printf '%s\n' '{"to":"15551234567","text":"hi","location":"52.5,13.4"}' \
	'{"to":"15551234567","image":"https://example.com/a.png","document":"https://example.com/a.pdf"}' \
	'{"to":"15551234567","text":"r1","reply_to":123}' \
	'{"to":"15551234567","text":"r2","reply_to":{"id":"x"}}' \
	'{"to":"15551234567","text":"fine"}' >"$T/in"
exits 1 "two kinds, a numeric reply_to" wa-send "$T/in"
is "$(jf '[.line, .error.code]')" '[1,"invalid_input"]
[2,"invalid_input"]
[3,"invalid_input"]
[4,"invalid_input"]
[5,null]' "refused per record; the run goes on"
like "$(jf .error.message | sed -n 1p)" '"text, location: *one message*' "names both kinds"
like "$(jf .error.message | sed -n 2p)" '"image, document: *' "media too"
like "$(jf .error.message | sed -n 3p)" '"reply_to: *' "names reply_to"
is "$(bodies)" '"fine"' "only the last was sent"
exits 64 "the same conflict as flags is a usage error" wa-send --to 15551234567 --text hi --location 1,2

# --- a 5xx answer to a send may come after Meta processed it
for code in 500 502 504; do
	fake_ctl reset >/dev/null
	fake_ctl fault "{\"method\":\"POST\",\"path_suffix\":\"/messages\",\"http\":$code,\"process\":true,\"times\":5}" >/dev/null
	exits 1 "Meta processed it, then answered $code" wa-send --to 15551234567 --text "five$code" --idempotency-key "x$code"
	is_json '[.ok, .error.code, .action, .idempotency_key]' "[false,\"ambiguous\",\"never\",\"x$code\"]" "$code: ambiguous, never resent"
	is "$(sent_count)" 1 "$code: one request"
	is "$(curl -s "$FAKE/_fake/messages" | grep -c "five$code")" 1 "$code: Meta has it once"
	is "$(sql "SELECT status FROM messages WHERE text = 'five$code'")" ambiguous "$code: recorded ambiguous"
	exits 1 "$code: its key again" wa-send --to 15551234567 --text "five$code" --idempotency-key "x$code"
	is_json '[.error.code, .duplicate]' '["ambiguous",true]' "$code: still ambiguous, not sent"
	is "$(sent_count)" 1 "$code: still one request"
done

fake_ctl reset >/dev/null
fake_ctl fault '{"method":"POST","path_suffix":"/messages","http":503,"times":5}' >/dev/null
exits 1 "a 503 without Retry-After" wa-send --to 15551234567 --text s1
is_json '[.error.code, .action]' '["ambiguous","never"]' "proves nothing: ambiguous"
is "$(sent_count)" 1 "not resent"
fake_ctl reset >/dev/null
fake_ctl fault '{"method":"POST","path_suffix":"/messages","http":503,"retry_after":0,"times":1}' >/dev/null
exits 0 "a 503 with Retry-After" wa-send --to 15551234567 --text s2
is "$(sent_count)" 2 "retried: Meta said it did not take it"
fake_ctl reset >/dev/null
fake_ctl fault '{"method":"POST","path_suffix":"/messages","http":500,"code":131000,"times":1}' >/dev/null
exits 1 "Meta's transient 131000 on a 500" wa-send --to 15551234567 --text s3
is_json '[.error.code, .error.graph_code]' '["ambiguous",131000]' "ambiguous, with Meta's code"
is "$(sent_count)" 1 "not resent"
for code in 4 80007 130429 131056; do
	fake_ctl reset >/dev/null
	fake_ctl fault "{\"method\":\"POST\",\"path_suffix\":\"/messages\",\"code\":$code,\"times\":1}" >/dev/null
	exits 0 "rate limit $code" wa-send --to 15551234568 --text "rl$code"
	is "$(sent_count)" 2 "$code: retried"
done
fake_ctl reset >/dev/null
exits 69 "connection refused" env WA_GRAPH_URL=http://127.0.0.1:9/v25.0 WA_GRAPH_RETRIES=2 wa-send --to 15551234568 --text cr
is_json '[.error.code, .action]' '["network","retry"]' "retried, then network"
is "$(sql "SELECT status FROM messages WHERE text = 'cr'")" failed "recorded failed: it never left"

# uploads and read receipts may be repeated: their 5xx is retried
printf '\211PNG\r\n\032\n' >"$T/pic.png"
head -c 200 /dev/zero >>"$T/pic.png"
fake_ctl reset >/dev/null
fake_ctl fault '{"method":"POST","path_suffix":"/media","http":500,"times":1}' >/dev/null
exits 0 "a 500 to the upload" wa-send --to 15551234567 --image "$T/pic.png"
is "$(requests 'select(.path | endswith("/media")) | .status' | tr '\n' ' ')" "500 200 " "the upload retried"
is "$(sent_count)" 1 "the message sent once"
fake_ctl reset >/dev/null
fake_ctl fault '{"method":"POST","path_suffix":"/messages","http":500,"times":1}' >/dev/null
exits 0 "a 500 to a read receipt" wa-send --mark-read "$W"
is "$(sent_count)" 2 "the receipt retried"

# --- wa-view show piped in: its records name the thread, never content
fake_ctl reset >/dev/null
inbound 15551234567 30 "$CH" "my card is 4111 1111 1111 1111"
t=$(sql "SELECT thread_id FROM messages WHERE text LIKE 'my card%'")
wa-view show "$t" >"$T/show"
exits 0 "wa-view show | wa-send --text" sh -c 'wa-send --text "We are on it" <"$1"' sh "$T/show"
is "$(bodies | sort -u)" '"We are on it"' "only the reply is sent: show's message records never supply content"
is "$(requests 'select(.path | endswith("/messages")) | .body.to' | sort -u)" '"+15551234567"' "to the thread's customer"
fake_ctl reset >/dev/null
exits 0 "its thread record alone" sh -c 'head -1 "$1" | wa-send --text "once"' sh "$T/show"
is "$(sent_count)" 1 "sends one reply"

# --- a flag names a thread by its id: anything else is a usage error
exits 64 "--thread abc" wa-send --thread abc --text hi
like "$(cat "$T/err")" "wa-send: usage: --thread: 'abc' is not a thread id*" "as wa-template send says it"
exits 64 "--thread 0" wa-send --thread 0 --text hi

# --- reply_to is a wamid: an empty one is refused, never sent as ""
exits 1 "--reply-to ''" wa-send --thread "$t" --text hi --reply-to ''
is_json '[.error.code, (.error.message | test("reply_to"))]' '["invalid_input",true]' "invalid_input naming reply_to"
exits 1 "a record's empty reply_to" sh -c 'echo "{\"thread_id\":$1,\"text\":\"hi\",\"reply_to\":\"\"}" | wa-send' sh "$t"

# --- a token is one line: a second one would be another HTTP header
printf 'test-token\nX-Injected: yes\n' >"$T/token"
fake_ctl reset >/dev/null
exits 78 "WA_TOKEN_FILE with two lines" env -u WA_TOKEN WA_TOKEN_FILE="$T/token" wa-send --thread "$t" --text hi
like "$(cat "$T/err")" "wa-send: config: WA_TOKEN_FILE holds a control character*" "says so, without the token"
grep -q "test-token" "$T/err" "$T/out"; is $? 1 "and without showing it"
exits 78 "WA_TOKEN with a line break" env WA_TOKEN="$(printf 'a\nb')" wa-send --thread "$t" --text hi
is "$(sent_count)" 0 "nothing sent"
printf 'test-token\r\n' >"$T/token"
exits 0 "a token file ending in CRLF is one line" env -u WA_TOKEN WA_TOKEN_FILE="$T/token" wa-send --thread "$t" --text crlf

done_testing
