#!/bin/sh
# SPDX-License-Identifier: MIT
# Exit statuses agree across the tools: a missing input file 66, a closed pipe quiet, ok:true on actions, idempotent actions.
. "$(dirname "$0")/../lib.sh"
. "$top/tests/fixtures/view/seed.sh"
seed_day
wa-template sync >/dev/null

# ---- a missing input file is 66 in every tool, before any effect ----
none="$T/none.jsonl"
for c in "wa-recv $none" "wa-send $none" "wa-view contacts import $none" \
	"wa-template send - $none" "wa-template create $none" "wa-template lint $none" \
	"wa-send --to 15551230001 --image $T/none.jpg" \
	"wa-send --to 15551230001 --document $T/none.pdf --caption x" \
	"wa-send --to 15551230001 --contacts $T/none.json" \
	"wa-template send welcome --language en_US --to 15551230001 --header-image $T/none.jpg"; do
	fake_ctl reset >/dev/null
	exits 66 "$c" $c
	like "$(cat "$T/err")" "*$T/none.*No such file or directory" "$c names the file"
	is "$(nrequests)" 0 "$c: nothing sent"
done

# ---- input that holds no JSON at all is 65 in every record tool -----
echo 'hello world' >"$T/prose"
for c in "wa-send $T/prose" "wa-view contacts import $T/prose" \
	"wa-template send welcome --language en_US $T/prose" "wa-recv $T/prose"; do
	fake_ctl reset >/dev/null
	exits 65 "$c" $c
	is "$(nrequests)" 0 "$c: nothing sent"
done
printf 'hello\n{"name":"Bea","phone":"+15551239999"}\n' >"$T/half"
exits 1 "one line of JSON among prose is a rejected record, not 65" wa-view contacts import "$T/half"

# ---- a closed pipe ends a tool quietly, never as 74 ----------------
# closed CMD...: CMD writing to a pipe whose reader has gone; its status
# in $T/rc, its standard error in $T/err
closed() {
	rm -f "$T/gone"
	{ while [ ! -e "$T/gone" ]; do sleep 0.02; done
	  "$@" 2>"$T/err"; echo $? >"$T/rc"; } | { exec 0<&-; : >"$T/gone"; }
}
for c in "wa-view list" "wa-view show 1" "wa-view contacts list" "wa-quota" \
	"wa-quota history" "wa-connect list" "wa-recv events" "wa-recv replay" \
	"wa-template list" "wa-db check" "wa-view assign 4 ann" "wa-view close 5" \
	"wa-quota set --limit 999" \
	"wa-connect business --legal-name A --display-name A --website https://a.example --email a@a.example"; do
	closed $c
	is "$(cat "$T/rc")" 141 "$c | (gone): ends as SIGPIPE would"
	is "$(cat "$T/err")" "" "$c | (gone): quietly"
done
is "$(sql "SELECT owner FROM tickets WHERE id = 4")|$(sql "SELECT status FROM tickets WHERE id = 5")" "ann|closed" \
	"the changes were committed before the output"
is "$(sql "SELECT value FROM settings WHERE key = 'quota.limit'")" 999 "the setting too"
fake_ctl reset >/dev/null
closed wa-send --to 15551230001 --text "nobody reads this"
is "$(cat "$T/rc") $(cat "$T/err")" "141 " "wa-send: the same"
is "$(nrequests)" 1 "the message went out"
is "$(sql "SELECT status FROM messages WHERE text = 'nobody reads this'")" sent "and is recorded"
# a full disk is an I/O error, said
for c in "wa-view list" "wa-view close 5" "wa-recv events" "wa-quota"; do
	exits 74 "$c >/dev/full" sh -c "$c >/dev/full"
	like "$(cat "$T/err")" "*: io: cannot write output: No space left on device" "$c >/dev/full: says so, and why"
done

# ---- actions answer ok:true; doing what is done is ok, changed false --
ok_changed() {	# ok_changed DESC CHANGED CMD...
	oc_d=$1; oc_c=$2; shift 2
	exits 0 "$oc_d" "$@"
	is_json '[.ok, .changed]' "[true,$oc_c]" "$oc_d: ok, changed $oc_c"
}
ok_changed "assign" true wa-view assign 1 bob
ok_changed "assign again" false wa-view assign 1 bob
ok_changed "close" true wa-view close 1
ok_changed "close a closed ticket" false wa-view close 1
ok_changed "reopen" true wa-view reopen 1
ok_changed "reopen an open ticket" false wa-view reopen 1
ok_changed "disconnect" true wa-connect disconnect 222222222222222
disc=$(jf .disconnected_at)
ok_changed "disconnect a disconnected channel" false wa-connect disconnect 222222222222222
is "$(jf .disconnected_at)" "$disc" "it keeps the time it was disconnected"
exits 78 "disconnect an unknown channel is still an error" wa-connect disconnect 999999
exits 0 "create a view" wa-view create mine --owner ann
is_json .ok true "ok"
exits 0 "wa-quota set" wa-quota set --limit 1000
is_json '[.ok, .limit]' '[true,1000]' "ok, with the status"
exits 0 "wa-quota (no action)" wa-quota
is_json .ok null "a status is no action: no ok"
exits 0 "wa-template set" wa-template set --marketing-messages off
is_json '[.ok, .marketing_messages]' '[true,false]' "ok"
exits 0 "wa-view contacts add" wa-view contacts add --name Zed
is_json .ok true "ok"
done_testing
