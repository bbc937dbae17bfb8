#!/bin/sh
# SPDX-License-Identifier: MIT
# A failover loses no acknowledged delivery: wa-recv serve on a primary with a synchronous standby, kill -9 of the primary mid-stream, promotion, then every 200 is stored, the outage is answered 503, and serve carries on.
. "$(dirname "$0")/../lib.sh"
if [ "${WA_TEST_STORE:-}" != pg ]; then
	echo "1..0 # SKIP PostgreSQL only (make check-pg)"
	exit 0
fi
bin=$WA_TEST_PG_BIN
if [ ! -x "$bin/pg_basebackup" ] || [ ! -x "$bin/pg_ctl" ]; then
	echo "1..0 # SKIP no pg_basebackup or pg_ctl in $bin"
	exit 0
fi

# Two servers of the test's own, each on a Unix socket of its own
# directory (a short path under /tmp, which the postgres user reaches):
# the primary's data in $pg/p.data and socket in $pg/p, the standby's in
# $pg/s.data and $pg/s. fsync is off: the test
# kills processes, not the machine, so what a server wrote is not lost;
# what matters is which commits reached the standby before the kill.
pg=$(mktemp -d /tmp/wa-fo.XXXXXX)
as=
if [ "$(id -u)" -eq 0 ]; then
	chown postgres "$pg"
	as="runuser -u postgres --"
fi
pgstop() {
	for c in p s; do
		[ -d "$pg/$c.data" ] && $as "$bin/pg_ctl" -D "$pg/$c.data" -m immediate -w stop >/dev/null 2>&1
	done
	rm -rf "$pg"
	cleanup
}
trap pgstop EXIT
trap 'exit 130' INT TERM
# start p|s OPTIONS: starts the primary's or the standby's server.
start() {
	mkdir -p "$pg/$1" && chown --reference="$pg" "$pg/$1" &&
	$as "$bin/pg_ctl" -D "$pg/$1.data" -l "$pg/$1.log" -w -t 60 -o \
		"-k $pg/$1 -c listen_addresses= -c fsync=off -c full_page_writes=off $2" \
		start >/dev/null
}
psql() { "$bin/psql" -X -q -A -t -v ON_ERROR_STOP=1 -U postgres "$@"; }

# The primary commits only once the standby has the commit in its log
# (synchronous_commit on, any standby synchronous): the settings of
# wa-deploy(7) that make "200 means durable" true past a failover.
$as "$bin/initdb" -D "$pg/p.data" -U postgres -A trust -E UTF8 --locale=C \
	--no-sync >"$pg/initdb.log" 2>&1 &&
start p "-c wal_level=replica -c max_wal_senders=4 -c synchronous_commit=on" &&
psql -h "$pg/p" -d postgres -c 'CREATE DATABASE wa' &&
$as "$bin/pg_basebackup" -h "$pg/p" -U postgres -D "$pg/s.data" -R -X stream -c fast \
	--no-sync >"$pg/basebackup.log" 2>&1 &&
start s "-c hot_standby=on" &&
psql -h "$pg/p" -d postgres -c "ALTER SYSTEM SET synchronous_standby_names = '*'" \
	-c 'SELECT pg_reload_conf()' >/dev/null
ok $? "a primary and its standby start"
i=0
while [ "$(psql -h "$pg/p" -d postgres -c "SELECT count(*) FROM pg_stat_replication WHERE sync_state = 'sync'")" != 1 ] &&
	[ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
is "$(psql -h "$pg/p" -d postgres -c 'SELECT sync_state FROM pg_stat_replication')" sync \
	"the standby is synchronous"

# Both hosts in the target: libpq takes the first that accepts writes.
WA_DB="postgresql:///wa?host=$pg/p,$pg/s&user=postgres&target_session_attrs=read-write&connect_timeout=2"
WA_APP_SECRET=failover-secret
export WA_DB WA_APP_SECRET
start_fake
WA_NOW=$((WA_NOW - 86400)) wa-connect add --waba 100200300400500 \
	--phone-number-id 111111111111111 >/dev/null 2>"$T/connect.err"
ok $? "a channel is connected on the primary"

N=4000
gen-deliveries $N --seed 11 --contacts 40 --sign "$WA_APP_SECRET" >"$T/all"
# two posters, taking alternate lines
awk 'NR % 2 == 1' "$T/all" >"$T/a"
awk 'NR % 2 == 0' "$T/all" >"$T/b"
start_serve
[ -s "$T/srv.port" ]; ok $? "wa-recv serve starts on the primary"

# ---- a commit the standby did not confirm is no 200 ----
# With the standby down, a commit waits for it; cancelled (as a
# statement_timeout would), the server says COMMIT with a WARNING. serve
# answers 503, and a resend of the same body (a duplicate, that writes
# nothing) is no 200 either until the standby has the first copy.
wa-webhook text --wamid wamid.UNSYNCED --text "while the standby is down" \
	--timestamp 1713290000 >"$T/u.json"
# a delivery with no entries: stored, but its resend changes no row
printf '%s' '{"object":"whatsapp_business_account","entry":[]}' >"$T/s.json"
# post_u [FILE]: POSTs u.json (or FILE) signed; prints the status.
post_u() {
	curl -s -o /dev/null -m 30 -w '%{http_code}' \
		-H "X-Hub-Signature-256: $(sig "${1:-$T/u.json}")" \
		--data-binary @"${1:-$T/u.json}" "$SRV/webhook"
}
# cancel_waits: cancels every commit waiting for the standby, every
# 0.2 s, until $T/posted exists.
cancel_waits() {
	while [ ! -e "$T/posted" ]; do
		psql -h "$pg/p" -d postgres -c "SELECT pg_cancel_backend(pid)
			FROM pg_stat_activity WHERE wait_event = 'SyncRep'" >/dev/null
		sleep 0.2
	done
	rm -f "$T/posted"
}
$as "$bin/pg_ctl" -D "$pg/s.data" -m fast -w stop >/dev/null
cancel_waits & cw=$!
u1=$(post_u); touch "$T/posted"; wait $cw
cancel_waits & cw=$!
u2=$(post_u); touch "$T/posted"; wait $cw
# one whose resend changes no row: its commit must wait all the same
cancel_waits & cw=$!
s1=$(post_u "$T/s.json"); touch "$T/posted"; wait $cw
cancel_waits & cw=$!
s2=$(post_u "$T/s.json"); touch "$T/posted"; wait $cw
start s "-c hot_standby=on"
is "$u1/$u2" 503/503 "a commit the standby did not confirm is answered 503, and so is its resend"
is "$s1/$s2" 503/503 "so is a resend that writes nothing"
i=0
while [ "$(psql -h "$pg/p" -d postgres -c "SELECT count(*) FROM pg_stat_replication WHERE sync_state = 'sync'")" != 1 ] &&
	[ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
is "$(post_u)/$(sql "SELECT count(*) FROM messages WHERE wamid = 'wamid.UNSYNCED'")" 200/1 \
	"with the standby back, the resend is answered 200, stored once"

# poster FILE: POSTs each "sha256=SIG BODY" line of FILE with curl, one
# request after the other, until $T/stop exists; prints "LINE CODE
# PHASE" for each, PHASE being what $T/phase said as the request began.
poster() {
	n=0
	while IFS= read -r line && [ ! -e "$T/stop" ]; do
		n=$((n + 1))
		read -r phase <"$T/phase"
		code=$(curl -s -o /dev/null -m 20 -w '%{http_code}' \
			-H "X-Hub-Signature-256: ${line%% *}" \
			--data-binary "${line#* }" "$SRV/webhook")
		echo "$n $code $phase"
	done <"$1"
}
echo up >"$T/phase"
poster "$T/a" >"$T/a.codes" &
pa=$!
poster "$T/b" >"$T/b.codes" &
pb=$!
acked() { cat "$T/a.codes" "$T/b.codes" | grep -c " 200 "; }
i=0
while [ "$(acked)" -lt 150 ] && [ $i -lt 400 ]; do sleep 0.05; i=$((i + 1)); done

# kill -9 the primary (the postmaster and every process of it at once,
# as a machine that stops would), while the posters go on
pm=$(head -1 "$pg/p.data/postmaster.pid")
kids=$(ps -o pid= --ppid "$pm")
echo down >"$T/phase"
kill -9 "$pm" $kids
# its pid file names a process that is gone: pg_ctl must not signal
# whatever process gets that number next
rm -f "$pg/p.data/postmaster.pid"
up_acked=$(acked)
sleep 2
$as "$bin/pg_ctl" -D "$pg/s.data" -w -t 60 promote >/dev/null
ok $? "the standby is promoted"
echo promoted >"$T/phase"
sleep 2
touch "$T/stop"
wait $pa
wait $pb

# which bodies were posted (a's lines are the odd ones of all, b's the
# even ones), and what each got
awk '{ print 2 * $1 - 1, $2, $3 }' "$T/a.codes" >"$T/codes"
awk '{ print 2 * $1, $2, $3 }' "$T/b.codes" >>"$T/codes"
posted=$(grep -c . "$T/codes")
acks=$(awk '$2 == 200' "$T/codes" | grep -c .)
n503=$(awk '$2 == 503' "$T/codes" | grep -c .)
other=$(awk '$2 != 200 && $2 != 503' "$T/codes" | grep -c .)
echo "# $posted posted: $acks answered 200 ($up_acked before the kill), $n503 answered 503, $other other"
[ "$up_acked" -gt 0 ] && [ "$(awk '$3 == "down"' "$T/codes" | grep -c .)" -gt 0 ]
ok $? "the primary died mid-stream: acknowledged deliveries before, requests during the outage"
[ "$n503" -gt 0 ]; ok $? "the outage is answered 503, so Meta sends again ($n503)"
is "$other" 0 "nothing else: no 500, no request left unanswered"
is "$(awk '$3 == "promoted" && $2 != 200' "$T/codes" | grep -c .)" 0 \
	"every request begun after the promotion is answered 200: serve reconnected by itself"
kill -0 "$srv_pid"; ok $? "serve is still running"

# Every 200 is stored on the promoted standby: the wamids of the bodies
# acknowledged against those of the stored messages.
wamid() { sed 's/^[^ ]* //' | jq -r '.entry[].changes[].value.messages[].id'; }
# bodies CONDITION: the lines of $T/all whose answers meet CONDITION (awk)
bodies() {
	awk "$1"' { print $1 }' "$T/codes" >"$T/pick"
	awk 'FILENAME == ARGV[1] { want[$1] = 1; next } FNR in want' "$T/pick" "$T/all"
}
bodies '$2 == 200' | wamid | sort >"$T/acked.ids"
sql 'SELECT wamid FROM messages' | sort >"$T/stored.ids"
lost=$(comm -23 "$T/acked.ids" "$T/stored.ids" | grep -c .)
echo "# acknowledged $(grep -c . "$T/acked.ids"), stored $(grep -c . "$T/stored.ids"), acknowledged but lost: $lost"
is "$lost" 0 "no acknowledged delivery is lost in the failover ($(grep -c . "$T/acked.ids") acknowledged)"

# Meta sends again what was not answered 200: then every body posted is
# stored exactly once.
bodies '$2 != 200' >"$T/again"
rm -f "$T/stop"
echo again >"$T/phase"
poster "$T/again" >"$T/again.codes"
is "$(awk '$2 != 200' "$T/again.codes" | grep -c .)" 0 "the deliveries sent again are answered 200"
is "$(sql "SELECT count(*), count(DISTINCT wamid) FROM messages WHERE wamid <> 'wamid.UNSYNCED'")" "$posted|$posted" \
	"every posted delivery is stored, once ($posted)"
stop_serve
is "$srv_rc" 0 "serve stops cleanly"
done_testing
