#!/bin/sh
# SPDX-License-Identifier: MIT
# wa-view watch: events of other processes within a bounded time and without busy polling, --since without loss or duplicates, --exec, --window closing to the second, levels, filters, usage.
. "$(dirname "$0")/../lib.sh"
. "$top/tests/fixtures/view/seed.sh"
seed_day

seqs() { jq -r .seq "${1:-$T/out}" | tr '\n' ' '; }
kinds() { jq -r .event "${1:-$T/out}" | tr '\n' ' '; }
last_seq() { wa-recv events | tail -n1 | jq .seq; }
ms() { echo $(($(date +%s%N) / 1000000)); }
# finish PID MAX_MS: waits at most MAX_MS for PID to end; sets wrc (its
# status, or "running" after killing it) and took (ms).
finish() {
	t0=$(ms)
	while kill -0 "$1" 2>/dev/null && [ $(($(ms) - t0)) -lt "$2" ]; do sleep 0.02; done
	if kill -0 "$1" 2>/dev/null; then
		kill "$1"; wait "$1"; wrc=running
	else
		wait "$1"; wrc=$?
	fi
	took=$(($(ms) - t0))
}
# cpu_ticks PID: user + system time of PID so far, in clock ticks.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# ---- the log as it is -------------------------------------------------------
exits 0 "--once --since 0 --event all" wa-view watch --once --since 0 --event all
wa-recv events --since 0 >"$T/log"
is "$(cat "$T/out")" "$(cat "$T/log")" "every event of the log, byte for byte as wa-recv events has it"
is "$(seqs)" "1 2 3 4 5 6 7 8 9 " "in order"
exits 0 "--count 4" wa-view watch --since 0 --count 4
is "$(seqs)" "1 2 3 4 " "stops after 4"
exits 0 "resume after the last seen" wa-view watch --once --since 4
is "$(seqs)" "5 6 7 8 9 " "the rest, nothing twice, nothing lost"
exits 0 "--since the end" wa-view watch --once --since 9
is "$(cat "$T/out")" "" "nothing after the end"
exits 0 "--since past the end" wa-view watch --once --since 1000
is "$(cat "$T/out")" "" "nothing"

# ---- live: every writer, within a bounded time ---------------------------------
wa-template sync >/dev/null
S=$(last_seq)
wa-view watch --event all --count 5 >"$T/live" 2>"$T/live.err" &
wp=$!
# the watcher's queries on PostgreSQL: how many backends of ours, the last start
pg_queries() {
	sql "SELECT count(*) || ' ' || max(query_start) FROM pg_stat_activity
		WHERE application_name = 'wa' AND datname = current_database()"
}
sleep 0.5
c0=$(cpu_ticks $wp)
on_pg && q0=$(pg_queries)
sleep 1
c1=$(cpu_ticks $wp)
[ $((c1 - c0)) -le 5 ]; ok $? "idle for a second, the watcher used $((c1 - c0)) ticks of CPU (no busy polling)"
if on_pg; then
	is "$(pg_queries)" "$q0" "PostgreSQL: not one query while idle (it LISTENs)"
else
	skip 1 "PostgreSQL only"
fi
t0=$(ms)
wa-view assign 5 ann >/dev/null
while [ ! -s "$T/live" ] && [ $(($(ms) - t0)) -lt 5000 ]; do sleep 0.01; done
lat=$(($(ms) - t0))
[ "$lat" -lt 1000 ]; ok $? "a ticket change by another process shows within 1 s (${lat} ms)"
wa-webhook text --from 15551230008 --wamid wamid.live1 --text "from a file" >"$T/d1.json"
wa-recv "$T/d1.json" >/dev/null
WA_USER=ann wa-send --thread 1 --text "we are on it" >/dev/null
WA_APP_SECRET=watch-secret start_serve
WA_APP_SECRET=watch-secret wa-webhook text --from 15551230009 --wamid wamid.live2 --text "through the server" \
	--post "$SRV/webhook" >/dev/null
WA_USER=bob wa-template send order_update --language en_US --to 15551230009 --param 1=Kim --param 2=#9 >/dev/null
finish $wp 5000
stop_serve
is "$wrc" 0 "the watcher saw 5 events and ended"
is "$(kinds "$T/live")" "ticket message send message send " "a ticket change, a file ingest, a send, the server's ingest, a template sent by another agent"
is "$(seqs "$T/live")" "$((S + 1)) $((S + 2)) $((S + 3)) $((S + 4)) $((S + 5)) " "numbered in commit order, no gap"
is "$(jq -r 'select(.event == "send") | .agent' "$T/live" | tr '\n' ' ')" "ann bob " "each send says who sent it"
is "$(cat "$T/live.err")" "" "nothing on standard error"

# PostgreSQL: a watcher whose connection is cut makes a new one and LISTENs again
if on_pg; then
	wa-view watch --event ticket --count 1 >"$T/re" 2>"$T/re.err" &
	wp=$!
	sleep 0.5
	sql "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'wa'
		AND datname = current_database() AND pid <> pg_backend_pid()" >/dev/null
	sleep 0.5
	wa-view assign 6 carl >/dev/null
	finish $wp 5000
	is "$wrc" 0 "PostgreSQL: a watcher whose connection was cut connects again"
	is "$(jq -r .to "$T/re")" carl "and reports what came after"
else
	skip 2 "PostgreSQL only"
fi

# ---- --exec -------------------------------------------------------------------
S=$(last_seq)
exits 1 "--exec: a failing command is reported" \
	wa-view watch --once --since 0 --event all \
	--exec "cat >>'$T/x.jsonl'; echo \"\$WA_EVENT \$WA_SEQ\" >>'$T/x.env'; [ \"\$WA_SEQ\" != 3 ]"
like "$(cat "$T/err")" "*--exec: exit status 1 on event 3 (message)*" "the failure names the event"
is "$(grep -c . "$T/err")" 1 "only that one"
is "$(sort "$T/x.jsonl")" "$(wa-recv events | sort)" "every record went to a command on its standard input, once"
is "$(sort -n -k2 "$T/x.env" | head -1)" "message 1" "WA_EVENT and WA_SEQ set"
is "$(cut -d' ' -f2 "$T/x.env" | sort -n | tr '\n' ' ')" "$(seq 1 "$S" | tr '\n' ' ')" "one command per event"
is "$(cat "$T/out")" "" "nothing printed: the commands have the records"
: >"$T/started"
t0=$(ms)
exits 0 "--exec: a slow command does not hold up the next ones" \
	wa-view watch --since 0 --count 3 \
	--exec "echo \"\$WA_SEQ \$(date +%s%N)\" >>'$T/started'; [ \"\$WA_SEQ\" = 1 ] && sleep 2; true"
took=$(($(ms) - t0))
is "$(cut -d' ' -f1 "$T/started" | sort -n | tr '\n' ' ')" "1 2 3 " "three commands"
first_end=$(($(awk '$1 == 1 { print $2 }' "$T/started") / 1000000 + 2000))
last_start=$(($(sort -n -k2 "$T/started" | tail -1 | cut -d' ' -f2) / 1000000))
[ "$last_start" -lt "$first_end" ]; ok $? "the third started while the first still ran"
[ "$took" -ge 1900 ]; ok $? "--count waits for the commands it started (${took} ms)"
t0=$(ms)
exits 1 "--exec-timeout: a command that hangs is stopped" \
	wa-view watch --since 0 --count 2 --exec-timeout 1 --exec 'trap "" TERM; sleep 30; sleep 30'
took=$(($(ms) - t0))
like "$(cat "$T/err")" "*timed out after 1 s on event 1 (message)*" "reported"
[ "$took" -lt 6000 ]; ok $? "SIGTERM ignored: killed 2 s later (${took} ms)"
exits 1 "--exec: a command that is not there" wa-view watch --since 0 --count 1 --exec 'no-such-command-here'
like "$(cat "$T/err")" "*exit status 127 on event 1*" "reported"

# ---- --window closing, to the second ---------------------------------------------
# Cy's window (thread 3) closes at exactly 1713290225, Bob's (thread 2)
# at 1713290400 (see seed.sh).
win() { jq -c '[.thread_id, .closes_in, .session_expires_at, .at]' "$T/out" | tr '\n' ' '; }
WA_NOW=1713290223 exits 0 "closing:1s two seconds before Cy's end" wa-view watch --once --window closing:1s --event window
is "$(win)" "" "not yet"
WA_NOW=1713290224 exits 0 "closing:1s one second before" wa-view watch --once --window closing:1s --event window
is "$(win)" '["3",1,"2024-04-16T17:57:05Z","2024-04-16T17:57:04Z"] ' "Cy: one second left"
WA_NOW=1713290225 exits 0 "closing:1h at Cy's end" wa-view watch --once --window closing:1h --event window
is "$(win)" '["2",175,"2024-04-16T18:00:00Z","2024-04-16T17:57:05Z"] ' "Cy has closed, Bob closes within the hour"
exits 0 "closing:175s" wa-view watch --once --window closing:175s --event window
is "$(jq -r .thread_id "$T/out")" 2 "Bob at exactly 175 s"
exits 0 "closing:174s" wa-view watch --once --window closing:174s --event window
is "$(win)" "" "one second short"
t0=$(ms)
WA_NOW=1713290222 exits 0 "the watcher wakes for the edge" wa-view watch --window closing:1s --event window --count 1
took=$(($(ms) - t0))
is "$(win)" '["3",1,"2024-04-16T17:57:05Z","2024-04-16T17:57:04Z"] ' "at 17:57:04, two seconds after it started"
[ "$took" -ge 1950 ] && [ "$took" -lt 3500 ]; ok $? "reported 2 s after the start (${took} ms)"
# a window reported once; a message stamped late opens one closing already
wa-view watch --window closing:2m --event window >"$T/win" 2>"$T/win.err" &
wp=$!
sleep 0.5
wa-view assign 1 ann >/dev/null
wa-webhook text --from 15551230010 --wamid wamid.late --timestamp $((WA_NOW - 86400 + 60)) --text "sent yesterday" | wa-recv >/dev/null
wa-webhook text --from 15551230001 --wamid wamid.more --text "any news?" | wa-recv >/dev/null
sleep 1.5
kill -TERM $wp
wait $wp
is "$?" 0 "SIGTERM ends the watcher, exit 0"
is "$(jq -c '[.wa_id, .closes_in > 55 and .closes_in <= 60]' "$T/win" | tr '\n' ',')" '["15551230010",true],' \
	"the late message's window, once; nobody else's closes within 2 minutes"

# ---- levels and filters -------------------------------------------------------
S=$(last_seq)
wa-view assign 4 ann >/dev/null
wa-view assign 6 bob >/dev/null
wa-view assign 4 bob >/dev/null
WA_USER=ann wa-send --thread 1 --text "news" >"$T/sent"
wa-webhook status --wamid "$(jq -r .wamid "$T/sent")" --status delivered --from 15551230001 | wa-recv >/dev/null
wa-webhook text --from 15551230003 --wamid wamid.cy2 --text "still there?" | wa-recv >/dev/null
wa-webhook text --from 15551230001 --wamid wamid.ann9 --text "thanks" | wa-recv >/dev/null
# S+1 assign 4 ann, +2 assign 6 bob, +3 assign 4 ann->bob, +4 ann's send,
# +5 its status, +6 Cy's message (no owner), +7 Ann's message (ticket 1, ann's)
rel() { jq -r '.seq' "$T/out" | while read -r n; do printf '%s ' $((n - S)); done; }
exits 0 "--notify all" wa-view watch --as ann --notify all --once --since "$S"
is "$(rel)" "1 2 3 4 5 6 7 " "everything"
exits 0 "--notify mine" wa-view watch --as ann --notify mine --once --since "$S"
is "$(rel)" "1 3 4 5 7 " "assigned to ann, taken away from her, her send, its status, a message on her ticket"
exits 0 "--notify team" wa-view watch --as ann --notify team --once --since "$S"
is "$(rel)" "1 3 4 5 6 7 " "and the ticket nobody owns"
exits 0 "--notify mine as bob" wa-view watch --as bob --notify mine --once --since "$S"
is "$(rel)" "2 3 " "bob's assignments"
exits 0 "no setting yet: everyone's level is all" wa-view watch --as bob --once --since "$S"
is "$(rel)" "1 2 3 4 5 6 7 " "everything"
exits 0 "--notify none" wa-view watch --as bob --notify none --since "$S"
is "$(cat "$T/out")" "" "nothing"
like "$(cat "$T/err")" "*notifications are off for 'bob'*" "and says so"
exits 0 "--owner me" wa-view watch --as ann --owner me --once --since "$S"
is "$(rel)" "1 4 5 7 " "events of tickets ann owns now"
exits 0 "--unassigned" wa-view watch --unassigned --once --since "$S"
is "$(rel)" "6 " "Cy's ticket"
exits 0 "--channel" wa-view watch --channel 222222222222222 --once --since 0
is "$(jq -r .wa_id "$T/out" | sort -u)" 15551230005 "Eve's message on the second channel"
exits 0 "--contact by number" wa-view watch --contact "+1 555 123 0003" --once --since "$S"
is "$(rel)" "6 " "Cy"
exits 0 "--where" wa-view watch --where '.action == "assign" and .to == "bob"' --once --since "$S"
is "$(rel)" "2 3 " "a jq predicate over the record"
exits 0 "--event" wa-view watch --event status,send --once --since "$S"
is "$(kinds)" "send status " "only those kinds"

# ---- usage and output ----------------------------------------------------------
exits 64 "--since that is a time" wa-view watch --since 2024-04-16
exits 64 "--window open" wa-view watch --window open
exits 64 "--status is list's" wa-view watch --status closed
exits 64 "--limit is list's" wa-view watch --limit 3
exits 64 "--notify with a bad level" wa-view watch --notify some
exits 64 "--count 0" wa-view watch --count 0
exits 64 "--event with a bad name" wa-view watch --event 'Message!'
exits 64 "--exec with list" wa-view list --exec true
exits 64 "an operand" wa-view watch 3
exits 64 "--where that does not compile" wa-view watch --where '.a ==' --once
exits 74 "output that cannot be written" sh -c 'wa-view watch --once --since 0 >/dev/full'

# ---- on a terminal: a line per event, for people ---------------------------------
exits 0 "--table: a line per event" wa-view watch --since 0 --once --table --window closing:1h
wa-view watch --since 0 --once --window closing:1h >"$T/json"
is "$(grep -c . "$T/out")" "$(grep -c . "$T/json")" "as many lines as the JSON has records"
like "$(sed -n 1p "$T/out")" "2024-04-16 15:06  message   #1      15551230001       new ticket: Where is my o~" \
	"time, event, ticket, who, and the text cut to fit 80 columns"
like "$(grep ' assign ' "$T/out" | head -1)" "2024-04-16 17:57  assign    #5      agent             - -> ann" "a ticket change: its action, from -> to"
like "$(grep ' send ' "$T/out" | head -1)" "2024-04-16 17:57  send      #1      ann               sent text to 15551230001" "a send: its agent, status and recipient"
like "$(grep ' message ' "$T/out" | sed -n 7p)" "*#4 *\\[quarantined\\]" "hidden content stays hidden"
pty-run 100 wa-view watch --since 0 --once >"$T/tty"
like "$(head -1 "$T/tty")" "2024-04-16 15:06  message   #1*" "the same on a real terminal"
pty-run 100 wa-view watch --since 0 --once --json >"$T/tty"
like "$(head -1 "$T/tty")" '{"event":"message",*' "--json prints the log's records there"
# ---- with agents: their own setting, their teams, a removal ----------------------
wa-view --as ann agents add ann --team support --notify mine >/dev/null
wa-view --as ann agents add bob --team support >/dev/null
wa-view --as ann agents add cy --team sales --notify none >/dev/null
exits 0 "ann's own setting, mine" wa-view watch --as ann --once --since "$S"
is "$(rel)" "1 3 4 5 7 " "as --notify mine"
wa-view --as ann agents set ann --notify team >/dev/null
exits 0 "ann's setting, team" wa-view watch --as ann --once --since "$S"
is "$(rel)" "1 2 3 4 5 6 7 " "bob's tickets are her team's too, and the one nobody owns"
exits 0 "cy's setting, none" wa-view watch --as cy --since "$S"
is "$(cat "$T/out")" "" "nothing for cy"
like "$(cat "$T/err")" "*notifications are off for 'cy'*" "and says so"
exits 0 "--notify overrides the setting" wa-view watch --as cy --notify all --once --since "$S"
is "$(rel)" "1 2 3 4 5 6 7 " "everything"
exits 64 "--notify goes with agents and watch" wa-view list --notify all
S=$(last_seq)
wa-view --as ann agents remove bob >/dev/null
exits 0 "removing an agent" wa-view watch --as ann --event ticket --once --since "$S"
is "$(jq -c '[.action, .ticket_id, .from, .to, .actor]' "$T/out" | sort | tr '\n' ' ')" \
	'["unassign","4","bob",null,"ann"] ["unassign","6","bob",null,"ann"] ' "each of bob's open tickets back in the queue, as an event"
done_testing
