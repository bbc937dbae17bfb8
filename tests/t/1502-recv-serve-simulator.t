#!/bin/sh
# SPDX-License-Identifier: MIT
# scripts/wa-webhook: every type ingests, --post signs like Meta (long secrets too), exit codes; its man page's examples run in 0920-man-examples.t.
. "$(dirname "$0")/../lib.sh"

WA_APP_SECRET=test-app-secret
export WA_APP_SECRET

exits 0 "database created" wa-recv /dev/null
sql "INSERT INTO channels (id, waba_id, phone, connected_at)
     VALUES ('111111111111111', '100200300400500', '15550001111', 1700000000)"

# ---- usage ----
exits 0 "--help" wa-webhook --help
like "$(head -1 "$T/out")" "usage: wa-webhook TYPE *" "--help prints the synopsis"
exits 64 "no TYPE" wa-webhook
exits 64 "unknown TYPE" wa-webhook fax
exits 64 "unknown option" wa-webhook text --fax 1
exits 64 "option without its value" wa-webhook text --from
exits 64 "--from must be digits" wa-webhook text --from +1555
exits 64 "--timestamp takes Unix seconds" wa-webhook text --timestamp 2024-04-16
exits 64 "unknown --status" wa-webhook status --status lost
exits 66 "unreadable --media-file" wa-webhook image --media-file "$T/none"

# ---- every type is a delivery wa-recv understands ----
ts=1713290225
for t in text image audio voice video document sticker location contacts \
    reaction button interactive unsupported system; do
	wa-webhook "$t" --wamid "wamid.T$t" --timestamp $ts --from 15559990000 >"$T/$t.json"
	exits 0 "$t: wa-recv takes it" wa-recv "$T/$t.json"
	ev=$(jq -r '.event' "$T/out" | head -1)
	case $t in
	system) like "$ev" "*" "system: handled" ;;
	*) is "$ev" message "$t: a message event" ;;
	esac
done
is "$(jq -r '.entry[0].changes[0].value.messages[0].audio.voice' "$T/voice.json")" true "voice is an audio voice note"
is "$(jq -r '.entry[0].changes[0].value.messages[0].timestamp | type' "$T/text.json")" string "timestamps are strings, as Meta sends them"
is "$(sql "SELECT type FROM messages WHERE wamid = 'wamid.Tlocation'")" location "location stored"
like "$(sql "SELECT unsupported FROM messages WHERE wamid = 'wamid.Tunsupported'")" "*" "unsupported stored"
wa-webhook status --status failed --wamid wamid.OUT1 --timestamp $ts >"$T/st.json"
is "$(jq -c '.entry[0].changes[0].value.statuses[0] | [.status, .errors[0].code]' "$T/st.json")" '["failed",131047]' "a failed status carries 131047"
exits 0 "status: wa-recv takes it" wa-recv "$T/st.json"
is "$(jq -r .event "$T/out")" status "a status event"
printf 'fake jpeg bytes' >"$T/img"
wa-webhook image --media-file "$T/img" >"$T/img.json"
is "$(jq -r '.entry[0].changes[0].value.messages[0].image.sha256' "$T/img.json")" "$(openssl dgst -sha256 -binary <"$T/img" | openssl base64 -A)" "--media-file: base64 SHA-256 of the file"

# ---- --post against wa-recv serve ----
start_serve
n=$(sql "SELECT count(*) FROM deliveries")
exits 0 "wa-webhook image --post URL" wa-webhook image --post "$SRV/webhook"
is "$(sql "SELECT count(*) FROM deliveries")" $((n + 1)) "posted and stored"
is "$(wc -c <"$T/out")" 0 "--post prints nothing by itself"
exits 0 "--print with --post" wa-webhook text --wamid wamid.PRINTED --post "$SRV/webhook" --print
is "$(jq -r '.entry[0].changes[0].value.messages[0].id' "$T/out")" wamid.PRINTED "--print: the body posted"
exits 1 "--unsigned is refused" wa-webhook text --unsigned --post "$SRV/webhook"
like "$(cat "$T/err")" "wa-webhook: '*' answered HTTP 401: bad signature" "says the endpoint answered 401"
exits 1 "--signature VALUE is sent as is" wa-webhook text --signature sha256=00 --post "$SRV/webhook"
exits 78 "--post without WA_APP_SECRET" env -u WA_APP_SECRET wa-webhook text --post "$SRV/webhook"
exits 1 "another secret: 401" env WA_APP_SECRET=other wa-webhook text --post "$SRV/webhook"
stop_serve
is "$srv_rc" 0 "server stopped cleanly"
exits 69 "nothing listening: exit 69" wa-webhook text --post "$SRV/webhook"

# Secrets longer than SHA-256's block are hashed first (RFC 2104).
long=$(printf 'k%.0s' $(seq 1 100))
WA_APP_SECRET=$long start_serve
exits 0 "a 100-byte secret signs correctly" env WA_APP_SECRET="$long" wa-webhook text --post "$SRV/webhook"
stop_serve
odd='a b"c\d$e%f\n'
WA_APP_SECRET=$odd start_serve
exits 0 "a secret with quotes, backslashes and % signs correctly" env WA_APP_SECRET="$odd" wa-webhook text --post "$SRV/webhook"
stop_serve
done_testing
