#!/bin/sh
# SPDX-License-Identifier: MIT
# One pipeline: file mode, serve and replay derive the same rows and print the same events for every conformance and real body.
. "$(dirname "$0")/../lib.sh"
. "$top/tests/t/1000-recv-lib.sh"
WA_APP_SECRET=three-modes-secret
export WA_APP_SECRET
T0=1713200000
mkdir "$T/in"
cp "$top"/tests/fixtures/conformance/webhooks/*.json "$top"/tests/fixtures/real/webhooks/*.json "$T/in/"
# and the shapes of tests/t/1009: quarantine, echoes, groups, poison, U+0000
i=0
{
	msg 15551230009 wamid.Q1 $T0 "login at http://10.1.2.3/x"
	typed 15551230009 wamid.Q2 $T0 document '{"id":"77","mime_type":"application/pdf","sha256":"x","filename":"a.exe"}'
	echo_msg 15551230009 wamid.E1 $T0 "from the app"
	_value "$CH" messages '"messages":[{"from":"15551230001","group_id":"G1","id":"wamid.G1","timestamp":"'$T0'","type":"text","text":{"body":"g"}},{"from":"","id":"wamid.P0","timestamp":"'$T0'","type":"text","text":{"body":"x"}}]'
	_value "$CH" messages '"messages":[{"from":"15551230001","id":"wamid.N\u00000","timestamp":"'$T0'","type":"text","text":{"body":"a\u0000b"}}],"statuses":[{"id":"wamid.Q1","status":"bogus","timestamp":"'$T0'"}]'
	# the other classes of tests/t/1009, one delivery each
	m='"messaging_product":"whatsapp","metadata":{"display_phone_number":"+1 555-000-1111","phone_number_id":"'$CH'"}'
	printf '{"object":"whatsapp_business_account","entry":[{"id":"1","time":%s,"changes":[{"field":"account_review_update","value":{"decision":"APPROVED"}},{"field":"messages","value":{%s,"messages":[{"from":"15551230001","id":"wamid.MC1","timestamp":"%s","type":"text","text":{"body":"after a field"}}]}}]},{"id":"2","changes":[{"field":"phone_number_quality_update","value":{"display_phone_number":"+1 555-000-1111","event":"THROUGHPUT_UPGRADE","current_limit":"TIER_10K"}}]}]}\n' $T0 "$m" $T0
	_value "$CH" messages '"contacts":[{"wa_id":"15551230001"}],"messages":[{"from":"15551230001","id":"wamid.U1","timestamp":"'$T0'","type":"unsupported","errors":[{"code":131051}]},{"from":"15551230001","id":"wamid.U2","timestamp":"'$T0'","type":"unsupported","errors":[{"code":130501}]},{"from":"15551230001","id":"wamid.U3","timestamp":"'$T0'","type":"image","image":{"id":"9"},"errors":[{"code":131052,"title":"Media download error"}]}]'
	_value "$CH" messages '"user_actions":[{"action":"block","wa_id":"15551230001"}],"calls":[{"id":"wacid.1","from":"15551230001"}],"messages":{"from":"15551230001"},"statuses":[{"id":"wamid.Q1","status":"read","timestamp":"'$T0'","recipient_type":"group","recipient_id":"G1","recipient_participant_id":"15551230001"}]'
	_value "$CH" messages '"messages":[{"from":"abc","id":"wamid.M2","timestamp":"'$T0'","type":"text","text":{"body":"x"}},{"from":"15551230001","id":"wamid.M3","timestamp":"'$T0'","type":"text","text":{"body":42}}]'
	printf '{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"statuses":[{"id":"wamid.X","status":"read","timestamp":"%s"}]}},{"field":"history","value":{"history":[]}},{"field":"user_id_update","value":{"wa_id":"15551230001"}},{"field":"template_category_update","value":{"message_template_name":"t","message_template_language":"en_US","previous_category":"UTILITY","new_category":"MARKETING"}}]}]}\n' $T0
} | while read -r line; do i=$((i + 1)); printf '%s\n' "$line" >"$T/in/zz-crafted-$i.json"; done
chans=$(cat "$T"/in/*.json | grep -o '"phone_number_id": *"[^"]*"' | sed 's/.*"\([^"]*\)"$/\1/' | grep -v '\\' | sort -u)
for db in file replay serve; do
	WA_DB="$T/$db.db" wa-recv /dev/null >/dev/null 2>&1
	for id in $chans; do
		WA_DB="$T/$db.db" sql "INSERT INTO channels (id, waba_id, phone, connected_at) VALUES ('$id', 'w', '9$id', 0)"
	done
done
n=$(ls "$T"/in/*.json | wc -l)

WA_DB="$T/file.db" wa-recv "$T"/in/*.json >"$T/file.ev" 2>/dev/null
# the raw deliveries alone, as received (a delivery stored as not
# understood would be no news to a replay)
WA_DB="$T/replay.db" sql "ATTACH '$T/file.db' AS a; INSERT INTO deliveries SELECT * FROM a.deliveries;
	UPDATE deliveries SET state = 'ok', error = NULL"
WA_DB="$T/replay.db" wa-recv replay >"$T/replay.ev" 2>/dev/null
WA_DB="$T/serve.db" start_serve
for f in "$T"/in/*.json; do
	code=$(curl -s -o /dev/null -w '%{http_code}' -H "X-Hub-Signature-256: $(sig "$f")" \
		-H 'Content-Type: application/json' --data-binary @"$f" "$SRV/webhook")
	[ "$code" = 200 ] || echo "# $f: HTTP $code"
done >"$T/codes"
stop_serve
is "$(cat "$T/codes")" "" "serve: every body answered 200, the unreadable ones too"
cp "$T/srv.out" "$T/serve.ev"
is "$(WA_DB="$T/serve.db" sql "SELECT count(*) FROM deliveries")" "$n" "serve: every body stored raw ($n)"

# An error's input line is file mode's own word; the rest is equal.
sed 's/,"line":[0-9]*//' "$T/file.ev" >"$T/file.nl"
[ "$(grep -c . "$T/file.nl")" -gt "$n" ]; ok $? "events for every body ($(grep -c . "$T/file.nl"))"
cmp -s "$T/file.nl" "$T/replay.ev"; ok $? "file mode and replay print the same events"
cmp -s "$T/file.nl" "$T/serve.ev"; ok $? "file mode and serve print the same events"
for t in messages statuses contacts threads tickets sessions events event_log; do
	a=$(WA_DB="$T/file.db" sql "SELECT * FROM $t" | sed 's/,"line":[0-9]*//' | md5sum)
	is "$(WA_DB="$T/replay.db" sql "SELECT * FROM $t" | md5sum)" "$a" "file mode and replay derive the same $t"
	is "$(WA_DB="$T/serve.db" sql "SELECT * FROM $t" | md5sum)" "$a" "file mode and serve derive the same $t"
done
is "$(WA_DB="$T/serve.db" sql "SELECT group_concat(quarantine_rule) FROM messages WHERE quarantined")" \
	"ip_link,executable_attachment" "quarantine rules ran on the planning threads"
# The event log is what was printed, byte for byte.
WA_DB="$T/serve.db" wa-recv events >"$T/log.ev"
cmp -s "$T/log.ev" "$T/serve.ev"; ok $? "wa-recv events gives back what serve printed"
WA_DB="$T/serve.db" wa-recv events --since 10 >"$T/log10.ev"
is "$(head -1 "$T/log10.ev" | jq .seq)" 11 "--since SEQ starts after SEQ"
is "$(grep -c . "$T/log10.ev")" "$(($(grep -c . "$T/serve.ev") - 10))" "and gives every later one"
done_testing
