#!/bin/sh
# wa-send: text messages by number, thread and record; results and records.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/2000-send-lib.sh"

inbound 15551234567 3600
exits 0 "text to a number in any format" wa-send --to "+1 (555) 123-4567" --text "hi there"
is_json '[.ok, .status, .type, .to, .wa_id, .channel, .conversation, .thread_id, .ticket_id]' \
	'[true,"sent","text","15551234567","15551234567","111111111111111","new_user_initiated","1","1"]' \
	"result: join keys as strings, a new user-initiated conversation"
like "$(jf .wamid)" '"wamid.*' "wamid from Meta"
is "$(requests 'select(.path == "/111111111111111/messages") | .body')" \
	'{"messaging_product":"whatsapp","recipient_type":"individual","to":"+15551234567","type":"text","text":{"body":"hi there"}}' \
	"the Graph request: +country code, text body"
is "$(sql "SELECT direction, status, thread_id, text, wamid IS NOT NULL, agent FROM messages WHERE direction = 'out'")" \
	"out|sent|1|hi there|1|agent" "recorded in the thread as sent"
is "$(sql "SELECT count(*), min(kind) FROM conversations")" "1|user_initiated" "counted once"
is "$(sql "SELECT last_outbound_at, message_count FROM threads WHERE id = 1")" "$WA_NOW|2" "thread touched"

exits 0 "second message in the same session" wa-send --thread 1 --text "and more" --preview-url
is_json '[.conversation, .thread_id]' '["existing","1"]' "joins the counted conversation"
is "$(sql "SELECT count(*) FROM conversations")" "1" "not counted again"
is "$(requests 'select(.path | endswith("/messages")) | .body.text' | tail -1)" \
	'{"body":"and more","preview_url":true}' "--preview-url"

exits 0 "reply with context" wa-send --to 15551234567 --text "re" --reply-to wamid.IN15551234567.3600
is "$(requests 'select(.path | endswith("/messages")) | .body.context' | tail -1)" \
	'{"message_id":"wamid.IN15551234567.3600"}' "context.message_id"
is "$(sql "SELECT context_wamid FROM messages ORDER BY id DESC LIMIT 1")" "wamid.IN15551234567.3600" "context recorded"

# records on stdin: a wa-recv event (thread_id wins), a plain record, a wa_id
inbound 15557770000 60
cp "$T/recv.out" "$T/event.json"
printf '%s\n' '{"to":"15551234567","text":"from a record"}' '{"wa_id":"15557770000","text":{"body":"by wa_id"}}' >"$T/in.json"
exits 0 "records on stdin and a wa-recv event with --text" \
	wa-send --text "thanks for writing" "$T/event.json" "$T/in.json"
is "$(jf '[.ok, .line, .wa_id, .text]')" '[true,1,"15557770000",null]
[true,1,"15551234567",null]
[true,2,"15557770000",null]' "one result per record, in order, with line"
is "$(requests 'select(.path | endswith("/messages")) | .body.text.body' | tail -3 | sort)" '"by wa_id"
"from a record"
"thanks for writing"' "the event got the flag's text, records their own"

# wa-recv writes thread_id as a string; a hand-written number works too
exits 0 "thread_id as a string" wa-send --text ok "$T/event.json"
is_json .thread_id '"2"' "same thread"
sed 's/"thread_id":"\([0-9]*\)"/"thread_id":\1/' "$T/event.json" >"$T/event2.json"
exits 0 "thread_id as a number" wa-send --text ok "$T/event2.json"
is "$(grep -c '"thread_id":2,' "$T/event2.json")" 1 "the input had a number"
is_json .thread_id '"2"' "same thread from a number"

exits 0 "--dry-run prints the request" wa-send --dry-run --to 15551234567 --text "dry"
is_json '[.ok, .dry_run, .request.method, .request.path, .request.body.text.body, .conversation]' \
	'[true,true,"POST","/111111111111111/messages","dry","existing"]' "request after the checks"
n=$(nrequests)
exits 0 "--dry-run needs no token" env -u WA_TOKEN wa-send --dry-run --to 15551234567 --text "dry"
is "$(nrequests)" "$n" "nothing sent"
is "$(sql "SELECT count(*) FROM messages WHERE text = 'dry'")" "0" "nothing recorded"

exits 0 "--json forces records" wa-send --json --to 15551234567 --text "x"
is_json .ok true "JSON line"
exits 0 "--table on a pipe still works" wa-send --table --to 15551234567 --text "y"
like "$(head -1 "$T/out")" "OK*THREAD*TO*" "a table"

done_testing
