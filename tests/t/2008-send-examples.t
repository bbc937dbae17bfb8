#!/bin/sh
# wa-send: the man page's examples.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/2000-send-lib.sh"
inbound 15551234567 600
inbound 15557654321 $((86400 - 1800))

exits 0 "interactive: answer a customer" wa-send --to '+1 555 123 4567' --text 'Your order has shipped.'
is_json '[.ok, .thread_id]' '[true,"1"]' "sent in thread 1"

printf '\377\330\377\340' >"$T/photo.jpg"
head -c 100 /dev/zero >>"$T/photo.jpg"
exits 0 "interactive: a picture in a thread, quoting" \
	wa-send --thread 1 --image "$T/photo.jpg" --caption 'Like this?' --reply-to wamid.IN15551234567.600
is "$(requests 'select(.path | endswith("/messages")) | [.body.type, .body.context.message_id]' | tail -1)" \
	'["image","wamid.IN15551234567.600"]' "image with context"

fake_ctl reset >/dev/null
wa-view list --window closing:1h >"$T/closing.json" 2>"$T/view.err"
exits 0 "cron: sessions closing within the hour get a reminder" \
	wa-send --text 'Anything else we can do?' "$T/closing.json"
is "$(requests '[.body.to, .body.text.body]')" '["+15557654321","Anything else we can do?"]' "only the closing one"

fake_ctl reset >/dev/null
printf '%s\n' '{"to":"15551234567","text":"a"}' '{"to":"15550000000","text":"b"}' >"$T/replies.jsonl"
wa-send --rate 20 "$T/replies.jsonl" >"$T/all.json" 2>/dev/null
jq -c 'select(.ok == false)' "$T/all.json" >"$T/failed.jsonl"
is "$(jq -c '[.line, .error.code]' "$T/failed.jsonl")" '[2,"window_closed"]' "pipeline: failures kept"

# wa-records(5): resend later whatever may be retried
fake_ctl fault '{"method":"POST","path_suffix":"/messages","code":131056,"times":100}' >/dev/null
WA_GRAPH_RETRIES=1 wa-send "$T/replies.jsonl" >"$T/all.json" 2>/dev/null
jq -c 'select(.action == "retry") | .input' "$T/all.json" >"$T/again.jsonl"
is "$(cat "$T/again.jsonl")" '{"to":"15551234567","text":"a"}' "wa-records(5): the retryable input, ready to resend"

done_testing
