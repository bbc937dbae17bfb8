#!/bin/sh
# SPDX-License-Identifier: MIT
# wa-recv file mode on three threads (read, store, print): order, batches, streams, stops.
. "$(dirname "$0")/../lib.sh"
. "$top/tests/t/1000-recv-lib.sh"
wa-recv </dev/null >/dev/null 2>&1
sql "INSERT INTO channels (id, waba_id, phone, connected_at) VALUES ('$CH', '100200300400500', '15550001111', 0)"
T0=1713290300

# Several transactions' worth (2000 deliveries each), two files.
gen-deliveries 2500 --channel $CH --seed 7 >"$T/a"
gen-deliveries 1500 --channel $CH --seed 8 | sed 's/BENCH/OTHER/g' >"$T/b"
exits 0 "4000 deliveries from two files" wa-recv "$T/a" "$T/b"
is "$(grep -c . "$T/out")" 4000 "one event per message"
cat "$T/a" "$T/b" | jq -r '.entry[0].changes[0].value.messages[0].id' >"$T/wamids"
is "$(jq -r '.wamid' "$T/out" | cmp - "$T/wamids" && echo same)" "same" \
	"events in input order, across batches and files"
is "$(jf 'select(.event != "message")' | head -3)" "" "all of them messages"
is "$(sql "SELECT count(*), count(DISTINCT thread_id) FROM messages")" "4000|1000" \
	"every message stored, in the threads of its contacts"
is "$(fts_ids benchmark | wc -l)" 4000 "all searchable"
is "$(jf '.message_id' | tr -d '"' | sort -n | uniq | wc -l | tr -d ' ')" 4000 "each event names its own row"

exits 0 "the same files again" wa-recv "$T/a" "$T/b"
is "$(jf '.reason' | sort | uniq -c | tr -s ' ')" " 4000 \"duplicate\"" "all duplicates, nothing changed"

# Errors in the middle keep their place between the events around them.
msg 15551230001 wamid.P1 $T0 "one" >"$T/c"
echo 'not json at all' >>"$T/c"
msg 15551230001 wamid.P2 $T0 "two" | tr -d '\n' >>"$T/c"
msg 15551230001 wamid.P3 $T0 "three" >>"$T/c"	# two values on one line
exits 1 "a bad line between good ones" wa-recv "$T/c" "$T/c"
is "$(jf '[.event, .wamid // .line, .reason]' | tr '\n' ' ')" \
	'["message","wamid.P1",null] ["error",2,null] ["message","wamid.P2",null] ["message","wamid.P3",null] ["skipped","wamid.P1","duplicate"] ["error",2,null] ["skipped","wamid.P2","duplicate"] ["skipped","wamid.P3","duplicate"] ' \
	"in input order"
is "$(sql "SELECT count(*) FROM deliveries WHERE $BODY_TEXT LIKE '%wamid.P2%' AND $BODY_TEXT NOT LIKE '%wamid.P3%'")" 1 \
	"two values on one line: each stored as its own delivery"

# Standard input that arrives slowly.
msg 15551230002 wamid.S1 $T0 "first" >"$T/s1"
msg 15551230002 wamid.S2 $T0 "second" >"$T/s2"
(cat "$T/s1"; sleep 1; cat "$T/s2") | wa-recv >"$T/out" 2>"$T/err"
ok $? "a slow stream (exit 0)"
is "$(jf '.wamid' | tr '\n' ' ')" '"wamid.S1" "wamid.S2" ' "both, in order"

# A stream that pauses: what came is committed and printed at once,
# not when 2000 deliveries are in or the input ends.
mkfifo "$T/live"
wa-recv <"$T/live" >"$T/live.out" 2>"$T/live.err" &
recv=$!
exec 3>"$T/live"
msg 15551230004 wamid.L1 $T0 "first" >&3
i=0
while ! grep -q wamid.L1 "$T/live.out" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
grep -q wamid.L1 "$T/live.out"; ok $? "a paused stream: its event is printed while more is awaited"
msg 15551230004 wamid.L2 $T0 "second" >&3
exec 3>&-
wait $recv; ok $? "then the rest (exit 0)"
is "$(jq -r .wamid "$T/live.out" | tr '\n' ' ')" "wamid.L1 wamid.L2 " "both, in order"

# Rule 2 between two transactions of one run: the channel is remembered
# only within a transaction, so a disconnect by another program counts
# from the next delivery on.
sql "INSERT INTO channels (id, waba_id, phone, connected_at) VALUES ('222222222222222', '100200300400500', '15550002222', 0)"
mkfifo "$T/live2"
wa-recv <"$T/live2" >"$T/live2.out" 2>"$T/live2.err" &
recv=$!
exec 3>"$T/live2"
msg 15551230005 wamid.C1 $T0 "while connected" "" 222222222222222 >&3
i=0
while ! grep -q wamid.C1 "$T/live2.out" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
sql "UPDATE channels SET status = 'disconnected' WHERE id = '222222222222222'"
msg 15551230005 wamid.C2 $T0 "after the disconnect" "" 222222222222222 >&3
exec 3>&-
wait $recv; ok $? "a run spanning a disconnect (exit 0)"
is "$(jq -c '[.wamid, .event, .reason]' "$T/live2.out" | tr '\n' ' ')" \
	'["wamid.C1","message",null] ["wamid.C2","skipped","not_connected"] ' \
	"stored before the disconnect, skipped after it"

# A database error stops the run at once, even while standard input
# stays open; nothing of the failed transaction is kept.
if on_pg; then
	sql "CREATE FUNCTION boom() RETURNS trigger LANGUAGE plpgsql AS
	  \$\$BEGIN IF new.wamid = 'wamid.BOOM' THEN RAISE 'boom'; END IF; RETURN new; END\$\$;
	  CREATE TRIGGER boom BEFORE INSERT ON messages FOR EACH ROW EXECUTE FUNCTION boom()"
else
	sql "CREATE TRIGGER boom BEFORE INSERT ON messages WHEN new.wamid = 'wamid.BOOM' BEGIN SELECT RAISE(ABORT, 'boom'); END"
fi
# one delivery, two messages: the second one fails
{ msg 15551230003 wamid.B1 $T0 "before"; msg 15551230003 wamid.BOOM $T0 "boom"; } |
	jq -c -s '.[0].entry[0].changes[0].value.messages += .[1].entry[0].changes[0].value.messages | .[0]' >"$T/f"
mkfifo "$T/fifo"
(cat "$T/f"; sleep 20) >"$T/fifo" &
feeder=$!
timeout 10 wa-recv <"$T/fifo" >"$T/out" 2>"$T/err"
rc=$?
kill $feeder 2>/dev/null
[ $rc -ne 0 ] && [ $rc -ne 124 ]; ok $? "stops without waiting for the end of input (exit $rc)"
like "$(cat "$T/err")" "*boom*" "says why"
is "$(sql "SELECT count(*) FROM messages WHERE wamid IN ('wamid.B1', 'wamid.BOOM')")" 0 "the delivery's transaction rolled back: nothing half-written"
if on_pg; then sql "DROP TRIGGER boom ON messages"; else sql "DROP TRIGGER boom"; fi

# Output that cannot be written: 74, with the reason.
exits 74 "standard output full" sh -c 'wa-recv "$1" >/dev/full' sh "$T/f"
like "$(cat "$T/err")" "*No space left on device*" "names the reason"
is "$(sql "SELECT count(*) FROM messages WHERE wamid IN ('wamid.B1', 'wamid.BOOM')")" 2 "what was stored stays stored"

done_testing
