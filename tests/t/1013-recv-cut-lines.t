#!/bin/sh
# SPDX-License-Identifier: MIT
# One cut line must not swallow the stream: a record cut at any byte between two good ones is stored raw as an error, and both others go through.
. "$(dirname "$0")/../lib.sh"
. "$top/tests/t/1000-recv-lib.sh"
T0=1713200000
fresh() {
	store_remove
	wa-recv /dev/null >/dev/null
	sql "INSERT INTO channels (id, waba_id, phone, connected_at) VALUES ('$CH', 'w', '15550001111', 0)"
}
# Every cut of the middle record, each between two good ones, in one
# stream: A1 B[:1] C1 A2 B[:2] C2 ...
msg 15551230001 wamid.B $((T0 + 1)) "second, cut" | tr -d '\n' >"$T/b"
len=$(wc -c <"$T/b")
fresh
i=1
while [ $i -lt "$len" ]; do
	msg 15551230001 "wamid.A$i" $T0 "first"
	head -c $i "$T/b"; echo
	msg 15551230001 "wamid.C$i" $((T0 + 2)) "third"
	i=$((i + 1))
done >"$T/in"
n=$((len - 1))
exits 1 "$n cut records, each between two good ones" wa-recv "$T/in"
is "$(sql "SELECT count(*) FROM messages WHERE (wamid LIKE 'wamid.A%' OR wamid LIKE 'wamid.C%')")" $((2 * n)) "the records before and after every cut stored"
is "$(sql "SELECT count(*) FROM messages WHERE wamid = 'wamid.B'")" 0 "no cut record taken whole"
is "$(sql "SELECT count(*), count(DISTINCT length(body)), min(length(body)), max(length(body)) FROM deliveries WHERE state = 'error'")" \
	"$n|$n|1|$n" "every cut line stored raw as read, with state error"
is "$(grep -c '"event":"error"' "$T/out")" "$n" "one error event each"
is "$(grep -c 'invalid_input' "$T/err")" "$n" "and one line each on stderr"
# Replay tries it again (still not JSON: known, no news) and changes
# nothing else.
exits 0 "replay" wa-recv replay
is_json 'select(.reason == "known_errors") | .deliveries' "$n" "counts them"
is "$(sql "SELECT count(*) FROM messages")" $((2 * n)) "nothing more derived"
# Pretty-printed deliveries still work, one after another.
fresh
{ msg 15551230001 wamid.P1 $T0 "pretty one" | jq .; msg 15551230001 wamid.P2 $T0 "pretty two" | jq .; } >"$T/pretty"
exits 0 "pretty-printed deliveries" wa-recv "$T/pretty"
is "$(sql "SELECT count(*) FROM messages")" 2 "both stored"
done_testing
