#!/bin/sh
# SPDX-License-Identifier: MIT
# wa-recv serve under load: 50 parallel deliveries all committed and grouped; SIGTERM drains a request in flight.
. "$(dirname "$0")/../lib.sh"

WA_APP_SECRET=test-app-secret
export WA_APP_SECRET

# post_bg FILE OUT [CURL-ARGS...]: POSTs FILE signed in the background; the status goes to OUT.
post_bg() {
	f=$1 o=$2
	shift 2
	curl -s -o /dev/null -w '%{http_code}' -H "X-Hub-Signature-256: $(sig "$f")" \
		"$@" --data-binary @"$f" "$SRV/webhook" >"$o" &
}

exits 0 "database created" wa-recv /dev/null
sql "INSERT INTO channels (id, waba_id, phone, connected_at)
     VALUES ('111111111111111', '100200300400500', '15550001111', 1700000000)"

# ---- 50 parallel deliveries from 50 contacts ----
start_serve
i=1
while [ $i -le 50 ]; do
	wa-webhook text --from "1555000$(printf %04d $i)" --wamid "wamid.PAR$i" \
		--text "parallel $i" --timestamp $((1713290000 + i)) >"$T/p$i.json"
	i=$((i + 1))
done
pids=
i=1
while [ $i -le 50 ]; do
	post_bg "$T/p$i.json" "$T/s$i"
	pids="$pids $!"
	i=$((i + 1))
done
wait $pids
good=0
i=1
while [ $i -le 50 ]; do
	[ "$(cat "$T/s$i")" = 200 ] && good=$((good + 1))
	i=$((i + 1))
done
is "$good" 50 "50 parallel deliveries: all 200"
is "$(sql "SELECT count(*) FROM deliveries")" 50 "all 50 stored"
is "$(sql "SELECT count(*) FROM messages WHERE wamid LIKE 'wamid.PAR%'")" 50 "50 messages derived"
is "$(sql "SELECT count(DISTINCT thread_id) FROM messages WHERE wamid LIKE 'wamid.PAR%'")" 50 "50 threads"
is "$(sql "SELECT count(*) FROM tickets WHERE status = 'open'")" 50 "50 open tickets"

# ---- SIGTERM with a slow upload in flight ----
head -c 3000 /dev/zero | tr '\0' ' ' >"$T/pad"
wa-webhook text --wamid wamid.SLOW --text "slow one" >"$T/slow0.json"
{ cat "$T/slow0.json"; cat "$T/pad"; } >"$T/slow.json"
post_bg "$T/slow.json" "$T/slow.status" --limit-rate 2K
curl_pid=$!
sleep 0.5
kill -TERM "$srv_pid"
wait "$curl_pid"
is "$(cat "$T/slow.status")" 200 "SIGTERM: the request in flight still gets 200"
wait "$srv_pid"
is "$?" 0 "SIGTERM: exit 0 after draining"
srv_pid=
is "$(sql "SELECT count(*) FROM messages WHERE wamid = 'wamid.SLOW'")" 1 "SIGTERM: the drained delivery is committed"
is "$(jf 'select(.event == "message") | .wamid' "$T/srv.out" | grep -c PAR)" 50 "an event per delivery on stdout"
is "$(jf 'select(.event == "message" and .wamid == "wamid.SLOW") | .text' "$T/srv.out")" '"slow one"' "the drained delivery's event is printed"
like "$(tail -1 "$T/srv.err")" "wa-recv: stopped: 51 deliveries stored in * transactions, 0 refused, 0 not stored" "summary"
tx=$(tail -1 "$T/srv.err" | sed 's/.* stored in \([0-9]*\) transactions.*/\1/')
[ "$tx" -lt 51 ]; ok $? "grouped: 51 deliveries in $tx transactions"
exits 7 "after stop nothing listens" curl -s "$SRV/webhook"
done_testing
