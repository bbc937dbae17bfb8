#!/bin/sh
# SPDX-License-Identifier: MIT
# wa-recv serve never waits on its standard output: a reader that stops reading gets events late or is told what it missed; deliveries keep being acknowledged. A database it cannot write stops it at start.
. "$(dirname "$0")/../lib.sh"
WA_APP_SECRET=stall-secret
export WA_APP_SECRET
CH=111111111111111
wa-recv /dev/null >/dev/null
sql "INSERT INTO channels (id, waba_id, phone, connected_at) VALUES ('$CH', '100200300400500', '15550001111', 0)"
N=400
gen-deliveries $N --channel $CH --seed 21 --sign "$WA_APP_SECRET" >"$T/signed"

# A reader that never reads: the pipe fills after a few hundred events.
mkfifo "$T/f"
exec 3<>"$T/f"
wa-recv serve --listen 127.0.0.1:0 --port-file "$T/srv.port" --backlog 50 >"$T/f" 2>"$T/srv.err" &
srv_pid=$!
i=0
while [ ! -s "$T/srv.port" ] && [ $i -lt 200 ]; do sleep 0.02; i=$((i + 1)); done
SRV="http://127.0.0.1:$(cat "$T/srv.port")"
while read -r sig body; do
	printf '%s' "$body" | curl -s -o /dev/null -w '%{http_code}\n' --max-time 5 \
		-H "X-Hub-Signature-256: $sig" --data-binary @- "$SRV/webhook"
done <"$T/signed" >"$T/codes"
is "$(sort -u "$T/codes")" 200 "every delivery acknowledged while nobody reads the events"
is "$(sql "SELECT count(*) FROM deliveries")" $N "and stored"
# The reader comes back: what waited comes out, then what was missed.
timeout 3 cat <&3 >"$T/out"
stop_serve
exec 3>&-
is "$srv_rc" 0 "SIGTERM: exit 0"
is "$(jq -c 'select(.event == "missed") | [.count > 0, (.resume | startswith("wa-recv events --since "))]' "$T/out")" "[true,true]" "told once how many it missed and how to resume"
from=$(jq 'select(.event == "missed") | .from_seq' "$T/out")
to=$(jq 'select(.event == "missed") | .to_seq' "$T/out")
[ "$from" -gt 1 ] && [ "$to" -ge "$from" ]; ok $? "the gap is named ($from..$to)"
is "$(jq -s "[.[] | select(.seq != null and .seq >= $from)] | length" "$T/out")" 0 "nothing after the gap was printed out of order"
wa-recv events --since $((from - 1)) >"$T/rest"
is "$(head -1 "$T/rest" | jq .seq)" "$from" "resuming gives the first missed"
is "$(cat "$T/out" "$T/rest" | jq -s '[.[] | .seq // empty] | unique | length')" $N "with what was printed: every event"

# A database it cannot write: refuses to start (74), instead of 500s.
# On PostgreSQL a read-only one is a standby, maybe for a moment: 75.
if on_pg; then
	sql "ALTER DATABASE $pg_db SET default_transaction_read_only = on"
	exits 75 "a read-only database (a standby): retry later" wa-recv serve --listen 127.0.0.1:0
	like "$(cat "$T/err")" "*read-only*" "says why"
	# from another database: this one's sessions now start read-only
	"$WA_TEST_PG_BIN/psql" -X -q -h "$WA_TEST_PG_HOST" -U postgres -d postgres \
		-c "ALTER DATABASE $pg_db RESET default_transaction_read_only"
elif chattr +i "$WA_DB" 2>/dev/null; then
	exits 74 "an immutable database" wa-recv serve --listen 127.0.0.1:0
	like "$(cat "$T/err")" "*readonly*" "says why"
	chattr -i "$WA_DB"
else
	chmod 0444 "$WA_DB"
	exits 74 "a read-only database (as nobody)" setpriv --reuid=65534 --regid=65534 --clear-groups \
		env WA_DB="$WA_DB" "$top/cmd/wa-recv" serve --listen 127.0.0.1:0
	like "$(cat "$T/err")" "*readonly*" "says why"
fi
done_testing
