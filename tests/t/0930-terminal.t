#!/bin/sh
# SPDX-License-Identifier: MIT
# Every tool at a terminal (a pty, 80 columns and another width): ids whole, one record as key: value lines, --dry-run shows the request, usage errors are one line and the hint; JSON when piped unchanged.
. "$(dirname "$0")/../lib.sh"
start_fake
W=100200300400500
A=111111111111111
B=222222222222222
WA_NOW=1713200000 wa-connect add --waba $W --phone-number-id $A >/dev/null &&
WA_NOW=1713200000 wa-connect add --waba $W --phone-number-id $B >/dev/null &&
wa-template sync >/dev/null
ok $? "two channels connected, templates synced"

# aligned: 0 when every key: value line of $T/out starts its value at the
# same column (one record).
aligned() {
	[ "$(awk 'match($0, /^[a-z_.]+: +/) { print RLENGTH }' "$T/out" | sort -u | grep -c .)" -eq 1 ]
}
# value KEY: the value on KEY's line.
value() { sed -n "s/^$1: *//p" "$T/out"; }

# ---- a table: ids whole ----
on_tty 80 "wa-connect list"
ok $? "wa-connect list on an 80-column terminal"
is "$(cat "$T/out")" "CHANNEL          PHONE        NAME          STATUS     WABA
$A  15550001111  Acme Support  connected  $W
$B  15550002222  Acme Sales    connected  $W" "channel and WABA ids whole; the connection time left out"
on_pty 120 wa-connect list
like "$(head -1 "$T/out")" "CHANNEL*PHONE*NAME*STATUS*WABA*CONNECTED" "120 columns (asked from the terminal): every column"
like "$(sed -n 2p "$T/out")" "$A*2024-04-15 16:53" "the time without seconds"

# ---- one record: key: value lines ----
on_tty 80 "wa-connect business --legal-name 'Acme Inc' --display-name 'Acme Support' --website https://acme.example --email support@acme.example"
ok $? "wa-connect business"
aligned; ok $? "key: value lines, the values aligned"
is "$(value legal_name)|$(value email)|$(value timezone)" "Acme Inc|support@acme.example|-" "every key of the record, null as -"
on_tty 80 "wa-connect show $A"
is "$(value channel) $(value waba_id) $(value connected_at)" "$A $W 2024-04-15T16:53:20Z" "show: ids and times whole"
aligned; ok $? "aligned"
on_tty 80 "wa-connect profile $A"
is "$(value websites)" '["https://acme.example/"]' "an array as JSON"
aligned; ok $? "aligned"
desc="We sell kettles, toasters and every other thing a kitchen needs, and we answer within the hour on working days."
on_tty 80 "wa-connect profile $A --description '$desc'"
ok $? "a profile with a long description"
[ "$(widest)" -le 80 ]; ok $? "wrapped within 80 ($(widest))"
col=$(awk 'match($0, /^description: +/) { print RLENGTH }' "$T/out")
is "$(awk -v c="$col" '/^description:/ { on = 1; print substr($0, c + 1); next }
	on && /^ / { print substr($0, c + 1); next } { on = 0 }' "$T/out" | tr '\n' ' ' | sed 's/ $//')" "$desc" \
	"continued under its first line, nothing cut"
on_pty 50 wa-connect profile $A
[ "$(widest)" -le 50 ]; ok $? "50 columns asked from the terminal: wrapped narrower ($(widest))"

on_tty 80 "wa-template show order_update --language en_US"
ok $? "wa-template show"
is "$(value name) $(value language) $(value status) $(value params.count)" "order_update en_US APPROVED 2" "the template's keys, params.count one level down"
like "$(cat "$T/out")" "*components: *\\[*\"type\": \"BODY\"*" "the components as indented JSON"

on_tty 80 "wa-quota"
ok $? "wa-quota"
aligned; ok $? "aligned"
is "$(value limit) $(value used) $(value daily_business_initiated.limit)" "1000 0 50" "the status, key by key"
# on PostgreSQL, with what a full check needs (else a warning)
! on_pg || sql 'CREATE EXTENSION IF NOT EXISTS amcheck'
on_tty 80 "wa-db check"
is "$(cat "$T/out")" "ok:        yes
problems:  0" "wa-db check: key: value lines"
exits 0 "wa-quota piped" wa-quota
is_json '[.limit, .daily_business_initiated.limit]' '[1000,50]' "piped: the JSON record as before"

# ---- --dry-run shows the request ----
wa-webhook text --from 15551234567 --name Ann --timestamp $((WA_NOW - 600)) | wa-recv >/dev/null
writes() { requests 'select(.method != "GET") | .path' | grep -c .; }
n0=$(writes)
on_tty 80 "wa-send --dry-run --channel $A --to '+1 555 123 4567' --text 'It ships today.'"
ok $? "wa-send --dry-run on a terminal"
is "$(value request.method) $(value request.path)" "POST /$A/messages" "the method and path"
like "$(cat "$T/out")" '*request.body: *{*"to": "+15551234567",*"text": {*"body": "It ships today."*}*' "the body as indented JSON"
is "$(value conversation)" "new_user_initiated" "what it would count"
on_tty 80 "wa-template send order_update --language en_US --channel $A --to '+1 555 123 4567' --param 1=Ann --param 2=#123 --dry-run"
ok $? "wa-template send --dry-run on a terminal"
is "$(value request.method) $(value request.path)" "POST /$A/messages" "the method and path"
like "$(cat "$T/out")" '*"name": "order_update"*"text": "#123"*' "the body"
mkdir "$T/tpl"
wa-template pull "$T/tpl" >/dev/null 2>&1
rm -f "$T/tpl/promo_named.en_US.json"	# a template lint refuses
sed 's/"order_update"/"order_ready"/; s/order {{2}} shipped/order {{2}} is ready/' \
	"$T/tpl/order_update.en_US.json" >"$T/tpl/order_ready.en_US.json"
on_tty 80 "wa-template push '$T/tpl' --dry-run"
ok $? "wa-template push --dry-run on a terminal"
is "$(value op) $(value request.method) $(value request.path)" "create POST /$W/message_templates" "the operation, its method and path"
like "$(cat "$T/out")" '*request.body: *{*"name": "order_ready"*' "the body"
is "$(writes)" "$n0" "no dry run wrote to Meta (reading templates is all)"
is "$(sql "SELECT count(*) FROM messages WHERE direction = 'out'")" "0" "and nothing was recorded"
exits 0 "wa-send --dry-run piped" wa-send --dry-run --channel $A --to 15551234567 --text hi
is_json '[.ok, .dry_run, .request.method, .request.path, .request.body.text.body]' "[true,true,\"POST\",\"/$A/messages\",\"hi\"]" "piped: the JSON record as before"
exits 0 "wa-template send --dry-run piped" wa-template send order_update --language en_US --channel $A --to 15551234567 --param 1=A --param 2=B --dry-run
is_json '[.dry_run, .request.body.template.name]' '[true,"order_update"]' "JSON"

# ---- usage errors: one line, then the hint; the synopsis with --help ----
for t in wa-connect wa-recv wa-send wa-template wa-view wa-quota wa-db; do
	exits 64 "$t with an unknown option" $t --bogus
	is "$(cat "$T/err")" "$t: unrecognized option '--bogus'
Try '$t --help' for more information." "$t: getopt's line and the hint, no synopsis"
	exits 0 "$t --help" $t --help
	like "$(head -1 "$T/out")" "usage: $t*" "$t: the synopsis with --help"
done
exits 64 "a usage error of a sub-command" wa-quota nope
is "$(cat "$T/err")" "wa-quota: usage: unknown command 'nope'
Try 'wa-quota --help' for more information." "what is wrong in one line"
exits 64 "a missing command" wa-template
is "$(cat "$T/err")" "wa-template: usage: missing command
Try 'wa-template --help' for more information." "one line"
exits 64 "a malformed value" wa-send --rate 0 --to 15551234567 --text a
is "$(grep -c . "$T/err")" "2" "two lines"
exits 64 "wa-webhook" wa-webhook nope
is "$(cat "$T/err")" "wa-webhook: usage: unknown TYPE 'nope'
Try 'wa-webhook --help' for more information." "the simulator too"
exits 64 "fake-graph" fake-graph
is "$(cat "$T/err")" "fake-graph: usage: --port-file is needed
Try 'fake-graph --help' for more information." "and the fake Graph API"

done_testing
