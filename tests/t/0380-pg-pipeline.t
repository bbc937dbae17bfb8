#!/bin/sh
# SPDX-License-Identifier: MIT
# PostgreSQL pipeline mode: writes sent ahead without waiting for their answers (the event log, a thread's last message, a session) still fail their transaction when the server refuses them, in file mode and in serve.
. "$(dirname "$0")/../lib.sh"
. "$top/tests/t/1000-recv-lib.sh"
if [ "${WA_TEST_STORE:-}" != pg ]; then
	echo "1..0 # SKIP PostgreSQL only (make check-pg)"
	exit 0
fi
T0=1713200000
wa-recv /dev/null >/dev/null
sql "INSERT INTO channels (id, waba_id, phone, connected_at) VALUES ('$CH', '100200300400500', '15550001111', 0)"

# ---- what is sent ahead is written ----
i=0
while [ $i -lt 300 ]; do
	msg "1555123$(printf %04d $((i % 30)))" "wamid.P$i" $((T0 + i)) "message $i"
	i=$((i + 1))
done >"$T/many"
exits 0 "300 messages from 30 people" wa-recv "$T/many"
is "$(sql 'SELECT count(*) FROM messages')" 300 "every message stored"
is "$(sql 'SELECT count(*) FROM event_log')" 300 "every event in the log"
is "$(sql "SELECT max(seq) - min(seq) + 1 FROM event_log")" 300 "with no gap in the sequence"
is "$(sql "SELECT last_message_at FROM threads t JOIN contacts c ON c.id = t.contact_id WHERE c.wa_id = '15551230029'")" $((T0 + 299)) \
	"a thread's last message is the last one sent ahead"
is "$(sql "SELECT last_inbound_at FROM sessions WHERE identity = '15551230029'")" $((T0 + 299)) \
	"a session's last inbound message too"

# ---- a write sent ahead that the server refuses ----
sql "CREATE FUNCTION poison() RETURNS trigger LANGUAGE plpgsql AS \$\$
BEGIN
	IF NEW.line LIKE '%wamid.POISON%' THEN
		RAISE EXCEPTION 'poisoned event';
	END IF;
	RETURN NEW;
END \$\$;
CREATE TRIGGER poison BEFORE INSERT ON event_log FOR EACH ROW EXECUTE FUNCTION poison()"
{
	msg 15551239001 wamid.GOOD1 $((T0 + 400)) "before"
	msg 15551239002 wamid.POISON $((T0 + 401)) "refused"
	msg 15551239003 wamid.GOOD2 $((T0 + 402)) "after"
} >"$T/three"
before=$(sql 'SELECT count(*) FROM deliveries')
exits 74 "file mode: the event log refuses one event" wa-recv "$T/three"
like "$(cat "$T/err")" "*poisoned event*" "the server's own words are the error, not a later statement's 'transaction is aborted'"
like "$(cat "$T/err")" "wa-recv: line *: io: write: poisoned event (postgresql P0001 in EVLOG_INSERT)" "naming the write that was refused"
is "$(sql "SELECT count(*) FROM messages WHERE wamid IN ('wamid.GOOD1', 'wamid.POISON', 'wamid.GOOD2')")" 0 \
	"nothing of its transaction committed"
is "$(sql 'SELECT count(*) FROM deliveries')" "$before" "not even the raw delivery"
is "$(sql "SELECT count(*) FROM event_log WHERE line LIKE '%wamid.GOOD1%'")" 0 "nor the event before it"

WA_APP_SECRET=pipeline-secret
export WA_APP_SECRET
start_serve --db "$WA_DB"
msg 15551239002 wamid.POISON $((T0 + 401)) "refused" >"$T/bad"
msg 15551239001 wamid.GOOD1 $((T0 + 400)) "before" >"$T/good"
is "$(post_each "$T/bad")" 500 "serve: the refused write answers 500, so Meta sends it again"
is "$(post_each "$T/good")" 200 "the next delivery: 200"
is "$(sql "SELECT count(*) FROM messages WHERE wamid = 'wamid.POISON'")" 0 "the refused one not stored"
is "$(sql "SELECT count(*) FROM messages WHERE wamid = 'wamid.GOOD1'")" 1 "the next one stored"
sql "DROP TRIGGER poison ON event_log"
is "$(post_each "$T/bad")" 200 "sent again once the server takes it: 200"
is "$(sql "SELECT count(*) FROM event_log WHERE line LIKE '%wamid.POISON%'")" 1 "with its event"
stop_serve
is "$srv_rc" 0 "serve exits 0"

done_testing
