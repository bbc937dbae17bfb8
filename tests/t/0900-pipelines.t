#!/bin/sh
# SPDX-License-Identifier: MIT
# wa(7): every PIPELINES block runs as written, taken from the page itself (scripts/man-examples), against tests/fake-graph; its EXAMPLES run in 0920-man-examples.t.
. "$(dirname "$0")/../lib.sh"
. "$top/tests/fixtures/view/seed.sh"
page="$top/man/wa.7"

# pipeline N WANT DESC: runs block N of PIPELINES in $T/work, output to $T/out.
pipeline() {
	n=$1 want=$2; shift 2
	exits "$want" "pipeline $n: $*" timeout 60 sh "$T/p/PIPELINES.$n"
	echo "$n" >>"$T/ran"
}

groff -mdoc -ww -z "$page" 2>"$T/groff"; ok $? "wa.7 formats"
is "$(cat "$T/groff")" "" "without warnings"
npipes=$(man-examples --blocks "$page" PIPELINES "$T/p")
[ "$npipes" -ge 8 ]; ok $? "at least 8 pipelines ($npipes)"

# A mail(1) that keeps what it was given.
mkdir -p "$T/bin" "$T/work"
cat >"$T/bin/mail" <<EOF
#!/bin/sh
printf '%s\n' "\$*" >"$T/mail.args"
cat >"$T/mail.body"
EOF
chmod +x "$T/bin/mail"
PATH="$T/bin:$PATH"
WA_APP_SECRET=test-app-secret
export PATH WA_APP_SECRET
seed_day
cd "$T/work" || exit 1
msgs() { requests 'select(.method == "POST" and (.path | endswith("messages"))) | .body.to |= ltrimstr("+")' >"$T/req"; }

# 1: sessions closing within the hour get a reminder.
fake_ctl reset >/dev/null
pipeline 1 0 "closing sessions get a reminder"
is_json '[.ok, .thread_id, .wa_id, .type, .conversation]' '[true,"2","15551230002","text","new_user_initiated"]' "Bob, whose session closes at 18:00, is reminded"
msgs
is "$(jf '[.body.to, .body.text.body]' "$T/req")" '["15551230002","Anything else we can help with?"]' "one text through Graph"

# 2: closed sessions get a template.
fake_ctl reset >/dev/null
pipeline 2 0 "closed sessions get a template"
is_json '[.ok, .thread_id, .wa_id, .type, .conversation]' '[true,"3","15551230003","template","new_business_initiated"]' "Cy, whose session closed, gets welcome"
msgs
is "$(jf '[.body.to, .body.template.name, .body.template.language.code]' "$T/req")" '["15551230003","welcome","en_US"]' "a template through Graph"

# 3: replies refused for a closed session become templates.
cat >replies.jsonl <<'EOF'
{"to":"+1 555 123 0003","text":"Your order has shipped"}
{"thread_id":"1","text":"Your order has shipped"}
EOF
fake_ctl reset >/dev/null
pipeline 3 0 "replies, with templates where the session closed"
is "$(jf '[.ok, .type, .wa_id, .thread_id]')" '[true,"template","15551230003","3"]' "only the refused one becomes a template"
msgs
is "$(jf '[.body.to, .body.type]' "$T/req" | sort | tr '\n' ' ')" '["15551230001","text"] ["15551230003","template"] ' "Ann got the text, Cy the template"
like "$(cat "$T/err")" "*wa-send: line 1: window_closed: *" "the refusal is on stderr"

# 4: a CRM export becomes order updates.
printf 'name,phone,order\nAnn Lee,+1 555 123 0001,#123\nZed Moss,+1 555 999 0000,#124\n' >shipped.csv
fake_ctl reset >/dev/null
pipeline 4 0 "CRM export to order updates"
is "$(jf '[.ok, .wa_id, .channel, .conversation]' | tr '\n' ' ')" \
	'[true,"15551230001","111111111111111","existing"] [true,"15559990000","111111111111111","new_business_initiated"] ' \
	"two sent from channel 1: Ann inside her session, Zed business-initiated"
msgs
is "$(jf '[.body.to, .body.template.name, [.body.template.components[0].parameters[].text]]' "$T/req" | sort | tr '\n' ' ')" \
	'["15551230001","order_update",["Ann Lee","#123"]] ["15559990000","order_update",["Zed Moss","#124"]] ' "the parameters from the CSV"
is "$(sql "SELECT count(*) FROM contacts WHERE wa_id = '15559990000'")" 1 "Zed is a contact now"

# 5: unassigned tickets per channel.
pipeline 5 0 "unassigned tickets per channel"
is "$(jq -c . "$T/out")" '[{"channel":"111111111111111","unassigned":6},{"channel":"222222222222222","unassigned":1}]' "six on channel 1 (with Zed's), one on channel 2"

# 6: refunds go to billing.
pipeline 6 0 "refund tickets to billing"
is_json '[.ticket_id, .owner, .action, .changed]' '["5","billing","assign",true]' "Eve's refund ticket"
is "$(sql "SELECT owner FROM tickets WHERE id = 5")" billing "recorded"

# 7: the other unassigned tickets, shared between two agents.
pipeline 7 0 "round robin"
is "$(jf '.owner' | sort | uniq -c | awk '{ printf "%s%s ", $1, $2 }')" '3"ann" 3"bob" ' "three each"
is "$(sql "SELECT count(*) FROM tickets WHERE status = 'open' AND owner IS NULL")" 0 "none left unassigned"
is "$(sql "SELECT count(*) FROM ticket_events WHERE action = 'assign' AND actor = 'agent'")" 7 "each assignment recorded"

# 8: a day of exported webhook deliveries.
mkdir -p webhooks/2024-04-16
jpeg=$(printf 'fake jpeg bytes' | openssl dgst -sha256 -binary | openssl base64 -A)
wa-webhook text --from 15557770001 --name 'Gus Hill' --wamid wamid.DAY1 --timestamp 1713280000 --text 'where is my parcel' >webhooks/2024-04-16/a.json
wa-webhook text --from 15557770002 --name 'Hal Ford' --wamid wamid.DAY2 --timestamp 1713280100 --text 'refund for #77' >webhooks/2024-04-16/b.json
wa-webhook image --from 15551230004 --wamid wamid.DAY3 --timestamp 1713280200 --media-id 5000000000000001 --sha256 "$jpeg" >webhooks/2024-04-16/c.json
before=$(sql "SELECT count(*) FROM deliveries")
pipeline 8 0 "a day of exported deliveries"
is "$(cut -f2,3 "$T/out" | tr '\t\n' ': ')" '15557770001:where is my parcel 15557770002:refund for #77 ' "two new tickets, not Dee's image in her open thread"
is "$(sql "SELECT count(*) FROM deliveries")" $((before + 3)) "each delivery stored"

# 9: media every five minutes; only failures are printed.
pipeline 9 0 "cron: media --pending"
is "$(jf '[.ok, .error.code, .input.wamid, .input.thread_id]')" '[false,"graph_error","wamid.bob1","2"]' "only Bob's image, unknown to Graph, is reported"
is "$(sql "SELECT media_state FROM messages WHERE wamid = 'wamid.DAY3'")" done "Dee's image was fetched"
[ -f "$(sql "SELECT media_path FROM messages WHERE wamid = 'wamid.DAY3'")" ]; ok $? "into WA_MEDIA_DIR"

# 10: the quota is mailed at 80 %.
pipeline 10 0 "cron: quota below the warning level"
[ ! -e "$T/mail.args" ]; ok $? "nothing mailed"
used=$(wa-quota | jq .used)
is "$used" 5 "five conversations this period"
wa-quota set --limit 6 >/dev/null
pipeline 10 0 "cron: quota over the warning level"
is "$(cat "$T/mail.args" 2>&1)" "-s wa quota ops@example.com" "mailed to ops"
is_json '[.used, .limit, .remaining]' '[5,6,1]' "the status is the mail" "$T/mail.body"

# 11: replay after an upgrade.
sql "DELETE FROM messages WHERE wamid = 'wamid.DAY2';
     UPDATE deliveries SET state = 'error', error = 'old parser', parser_version = 0
     WHERE $BODY_TEXT LIKE '%wamid.DAY2%'"
pipeline 11 0 "replay after an upgrade"
is "$(jf '[.event, .wamid, .text]')" '["message","wamid.DAY2","refund for #77"]' "only the message the old version missed"
is "$(sql "SELECT state, error IS NULL FROM deliveries WHERE $BODY_TEXT LIKE '%wamid.DAY2%'")" "ok|1" "its delivery is understood now"
pipeline 11 0 "replay again"
is "$(cat "$T/out")" "" "nothing new the second time"

# 12: a smoke test of wa-recv serve.
pipeline 12 0 "smoke test of the webhook endpoint"
is_json '[.wa_id, .channel, .snippet]' '["15551234567","111111111111111","[smoke] [test]"]' "the signed delivery is searchable"
is "$(jq -r .event events.jsonl)" message "serve printed the event"

# 13, 14: channels.
pipeline 13 0 "connected numbers per WABA"
is "$(jq -c . "$T/out")" '[{"waba_id":"100200300400500","connected":2}]' "two on the seeded WABA"
pipeline 14 0 "the profile of every connected number"
is "$(jf '.channel' | tr '\n' ' ')" '"111111111111111" "222222222222222" ' "one profile each"

is "$(sort -u "$T/ran" | wc -l | tr -d ' ')" "$npipes" "every pipeline of the page was run"

done_testing
