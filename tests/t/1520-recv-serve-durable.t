#!/bin/sh
# SPDX-License-Identifier: MIT
# wa-recv serve answers 200 only after the fsync of the WAL that covers its commit: a slow sync holds the 200 back, a kill before the sync gets no 200, a failed sync is a 500 and the resend is stored once.
. "$(dirname "$0")/../lib.sh"

WA_APP_SECRET=test-app-secret
export WA_APP_SECRET

# strace stands between the server and the disk: it delays or fails
# fsync(2), the call that makes a commit survive a power cut (the sync
# thread's; SQLite's own syncs are fdatasync(2), left alone).
if ! command -v strace >/dev/null || ! strace -o /dev/null true 2>/dev/null; then
	echo "1..0 # SKIP strace cannot trace here (scripts/install-deps installs it)"
	exit 0
fi

# The sync thread and its fsync are SQLite's (a PostgreSQL server makes
# a commit durable itself, synchronous_commit): under make check-pg too
# this test runs on a SQLite file.
if on_pg; then WA_DB=$T/wa.db; export WA_DB; fi
exits 0 "database created" wa-recv /dev/null
sql "INSERT INTO channels (id, waba_id, phone, connected_at)
     VALUES ('111111111111111', '100200300400500', '15550001111', 1700000000)"

# traced INJECT: wa-recv serve under strace, fsync(2) altered by
# INJECT; srv_pid is the server itself (strace would only detach on a
# signal), tracer_pid strace.
traced() {
	rm -f "$T/srv.port" "$T/strace"
	# LeakSanitizer cannot work under ptrace (the ASan build of CI)
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" strace -f -qq -y -o "$T/strace" -e trace=fsync -e "inject=fsync:$1" \
		wa-recv serve --listen 127.0.0.1:0 --port-file "$T/srv.port" \
		>"$T/srv.out" 2>"$T/srv.err" &
	tracer_pid=$!
	i=0
	while [ ! -s "$T/srv.port" ] && [ $i -lt 400 ]; do sleep 0.05; i=$((i + 1)); done
	SRV="http://127.0.0.1:$(cat "$T/srv.port")"
	srv_pid=$(pgrep -P "$tracer_pid" wa-recv)
}
untrace() {	# [SIGNAL]: sets srv_rc (strace exits as its tracee did)
	kill "-${1:-TERM}" "$srv_pid"
	wait "$tracer_pid"
	srv_rc=$?
	srv_pid=
}
# post FILE: POSTs FILE signed; prints "STATUS SECONDS".
post() {
	curl -s -o /dev/null -w '%{http_code} %{time_total}' --max-time 10 \
		-H "X-Hub-Signature-256: $(sig "$1")" --data-binary @"$1" "$SRV/webhook"
}
stored() { sql "SELECT count(*) FROM messages WHERE wamid = '$1'"; }

# ---- a slow sync holds the 200 back ----
wa-webhook text --wamid wamid.D1 --text "one" >"$T/d1.json"
traced delay_enter=700000
set -- $(post "$T/d1.json")
is "$1" 200 "slow sync: the delivery is answered 200"
awk -v t="$2" 'BEGIN { exit !(t >= 0.7) }'; ok $? "slow sync: the 200 waited for the sync ($2 s >= 0.7 s)"
grep -q 'fsync([0-9]*<[^>]*wa\.db-wal>)' "$T/strace"; ok $? "the sync is an fsync of the database's WAL"
untrace
is "$srv_rc" 0 "slow sync: exit 0 after SIGTERM"
is "$(stored wamid.D1)" 1 "slow sync: stored"

# ---- killed before its sync: no 200 ----
wa-webhook text --wamid wamid.D2 --text "two" >"$T/d2.json"
traced delay_enter=3000000
post "$T/d2.json" >"$T/d2.status" &
curl_pid=$!
sleep 1.5
untrace KILL
wait "$curl_pid"
like "$(cat "$T/d2.status")" "000 *" "killed while its sync waits: the delivery got no answer"
is "$srv_rc" 137 "(killed)"
is "$(sql "SELECT count(*) FROM deliveries WHERE instr(body, 'wamid.D2')")" 1 "(its commit was written, only not yet synced)"

# ---- a failed sync is a 500, and the resend is stored once ----
wa-webhook text --wamid wamid.D3 --text "three" >"$T/d3.json"
traced error=EIO
set -- $(post "$T/d3.json")
is "$1" 500 "failed sync: 500, so Meta sends it again"
untrace
like "$(cat "$T/srv.err")" "*cannot sync '*wa.db-wal'*" "failed sync: logged with the file"
like "$(tail -1 "$T/srv.err")" "wa-recv: stopped: 0 deliveries stored in 1 transactions, 0 refused, 1 not stored" "failed sync: counted as not stored"
start_serve
set -- $(post "$T/d3.json")
is "$1" 200 "the resend is answered 200"
set -- $(post "$T/d2.json")
is "$1" 200 "so is the one killed before its sync"
stop_serve
is "$(stored wamid.D3)" 1 "the resent delivery is stored once"
is "$(stored wamid.D2)" 1 "so is the other"
is "$(sql "SELECT count(*) FROM deliveries")" 3 "three deliveries, none twice"
done_testing
