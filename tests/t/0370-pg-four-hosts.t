#!/bin/sh
# SPDX-License-Identifier: MIT
# Four hosts' worth of writers on one PostgreSQL for 30 seconds: two wa-recv serve (the same bodies sent to both at once), a file ingest, an agent sending and assigning; then nothing lost or doubled, one open ticket per thread, the audit chain and the event log whole.
. "$(dirname "$0")/../lib.sh"
if [ "${WA_TEST_STORE:-}" != pg ]; then
	echo "1..0 # SKIP PostgreSQL only (make check-pg)"
	exit 0
fi
SECS=${WA_TEST_HOSTS_SECS:-30}

start_fake
WA_NOW=$((WA_NOW - 86400)) wa-connect add --waba 100200300400500 \
	--phone-number-id 111111111111111 >/dev/null 2>&1
ok $? "a channel is connected"
WA_APP_SECRET=four-hosts-secret
export WA_APP_SECRET
# Three sets of deliveries from the same 60 senders (so that the hosts
# write the same threads), in the last hours: two posted, one ingested
# from files of 100.
start=$((WA_NOW - 30000))
gen-deliveries 6000 --seed 21 --contacts 60 --start $start --sign "$WA_APP_SECRET" >"$T/a"
gen-deliveries 6000 --seed 22 --contacts 60 --start $start --sign "$WA_APP_SECRET" >"$T/b"
gen-deliveries 20000 --seed 23 --contacts 60 --start $start >"$T/c"
split -l 100 -d -a 3 "$T/c" "$T/c."

# hosts A and B: a wa-recv serve each
start_serve
A=$SRV a_pid=$srv_pid
mv "$T/srv.err" "$T/a.srv.err"
start_serve
B=$SRV b_pid=$srv_pid
srv_pid=
[ -n "$A" ] && [ -n "$B" ] && [ "$A" != "$B" ]
ok $? "two wa-recv serve run on the same database"

# post URL SIGNED-LINE: POSTs the body, prints the HTTP status.
post() {
	curl -s -o /dev/null -m 30 -w '%{http_code}' \
		-H "X-Hub-Signature-256: ${2%% *}" --data-binary "${2#* }" "$1/webhook"
}
# poster FILE HERE THERE: POSTs each line of FILE to HERE, and every
# tenth one to THERE too at the same moment (Meta's retry landing on
# another host), until $T/stop exists; prints "LINE CODE [CODE]".
poster() {
	n=0
	while IFS= read -r line && [ ! -e "$T/stop" ]; do
		n=$((n + 1))
		if [ $((n % 10)) -eq 0 ]; then
			post "$3" "$line" >"$1.twin" &
			c=$(post "$2" "$line")
			wait $!
			echo "$n $c $(cat "$1.twin")"
		else
			echo "$n $(post "$2" "$line")"
		fi
	done <"$1"
}
# host C: the files, one wa-recv after the other
ingester() {
	for f in "$T"/c.[0-9]*; do
		[ -e "$T/stop" ] && break
		wa-recv "$f" >/dev/null 2>>"$T/c.err" && echo "$f" || echo "failed $f"
		sleep 0.1
	done
}
# host D: an agent, sending to a thread and assigning its ticket in turn
agent() {
	k=0
	while [ ! -e "$T/stop" ]; do
		k=$((k + 1))
		t=$(sql 'SELECT id FROM tickets ORDER BY random() LIMIT 1')
		[ -n "$t" ] || { sleep 0.1; continue; }
		if [ $((k % 2)) -eq 0 ]; then
			th=$(sql "SELECT thread_id FROM tickets WHERE id = $t")
			wa-send --thread "$th" --text "reply $k" >/dev/null 2>>"$T/d.err" &&
				echo "send $k" || echo "failed send $k"
		else
			WA_USER=lead wa-view assign "$t" "agent$k" >/dev/null 2>>"$T/d.err" &&
				echo "assign $k" || echo "failed assign $k"
		fi
	done
}
poster "$T/a" "$A" "$B" >"$T/a.codes" & p1=$!
poster "$T/b" "$B" "$A" >"$T/b.codes" & p2=$!
ingester >"$T/c.done" & p3=$!
agent >"$T/d.done" & p4=$!
sleep "$SECS"
touch "$T/stop"
wait $p1 $p2 $p3 $p4
srv_pid=$a_pid; stop_serve; a_rc=$srv_rc
srv_pid=$b_pid; stop_serve; b_rc=$srv_rc
is "$a_rc/$b_rc" 0/0 "both servers stop cleanly"

posted=$(cat "$T/a.codes" "$T/b.codes" | grep -c .)
twins=$(cat "$T/a.codes" "$T/b.codes" | awk 'NF == 3' | grep -c .)
files=$(grep -c "^$T/c" "$T/c.done")
sends=$(grep -c '^send' "$T/d.done")
assigns=$(grep -c '^assign' "$T/d.done")
echo "# in ${SECS}s: $posted deliveries posted ($twins to both hosts at once), $files files of 100 ingested, $sends sends, $assigns assignments"
[ "$posted" -gt 50 ] && [ "$twins" -gt 3 ] && [ "$files" -gt 3 ] && [ "$sends" -gt 3 ] && [ "$assigns" -gt 3 ]
ok $? "every writer got work done"
is "$(cat "$T/a.codes" "$T/b.codes" | awk '{ for (i = 2; i <= NF; i++) print $i }' | sort -u)" 200 \
	"every post answered 200, on both hosts"
is "$(grep -c '^failed' "$T/c.done" "$T/d.done" | awk -F: '{ s += $2 } END { print s }')" 0 \
	"no file ingest, send or assignment failed"
is "$(cat "$T/c.err" "$T/d.err" 2>/dev/null)" "" "no error surfaced"
is "$(grep -v 'listening on\|stopped:' "$T/a.srv.err" "$T/srv.err")" "" "nor in the servers' logs"

# What was posted or ingested, against what is stored: each message once.
wamids() { jq -r '.entry[].changes[].value.messages[].id'; }
{
	awk '{ print $1 }' "$T/a.codes" | awk 'FILENAME == ARGV[1] { w[$1] = 1; next } FNR in w' - "$T/a"
	awk '{ print $1 }' "$T/b.codes" | awk 'FILENAME == ARGV[1] { w[$1] = 1; next } FNR in w' - "$T/b"
} | sed 's/^[^ ]* //' | wamids >"$T/want"
grep "^$T/c" "$T/c.done" | xargs cat | wamids >>"$T/want"
sort -u "$T/want" -o "$T/want"
sql "SELECT wamid FROM messages WHERE direction = 'in'" | sort >"$T/got"
is "$(comm -3 "$T/want" "$T/got" | grep -c .)" 0 \
	"every message posted or ingested is stored, and nothing else ($(grep -c . "$T/want"))"
is "$(sql "SELECT count(*) - count(DISTINCT wamid) FROM messages WHERE direction = 'in'")" 0 \
	"none twice, though a tenth was posted to both hosts at once"
is "$(sql "SELECT count(*) FROM messages WHERE direction = 'out'")" "$sends" "every send recorded once"
is "$(sql "SELECT count(*) FROM ticket_events WHERE action = 'assign' AND actor = 'lead'")" "$assigns" \
	"every assignment recorded once"
is "$(sql "SELECT count(*) FROM (SELECT thread_id FROM tickets WHERE status = 'open' GROUP BY thread_id HAVING count(*) > 1) x")" 0 \
	"one open ticket per thread"
is "$(sql 'SELECT count(*) FROM (SELECT channel_id, contact_id FROM threads GROUP BY 1, 2 HAVING count(*) > 1) x')" 0 \
	"one thread per contact and channel: concurrent hosts never split a conversation"
exits 0 "the audit chain verifies" wa-view audit --verify
is "$(sql 'SELECT min(seq), max(seq) - count(*) FROM event_log')" "1|0" \
	"the event log's seq has no gap ($(sql 'SELECT count(*) FROM event_log') events)"
done_testing
