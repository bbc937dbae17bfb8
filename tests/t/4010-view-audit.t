#!/bin/sh
# SPDX-License-Identifier: MIT
# wa-view audit: ticket changes are logged hash-chained; --verify catches edits, deletes, reorders, truncation; writers keep one chain.
. "$(dirname "$0")/../lib.sh"
. "$top/tests/fixtures/view/seed.sh"
seed_day

: >"$T/empty.db"
WA_DB="$T/empty.db" exits 0 "an empty log verifies" wa-view audit --verify
is_json '[.ok, .entries, .head]' '[true,0,""]' "no entries"
WA_DB="$T/empty.db" exits 65 "an empty log has no head to anchor" wa-view audit --anchor

exits 0 "the seed's channel connects are logged" wa-view audit
is "$(jf '[.id, .action, .subject, .detail.waba_id] | join(" ")' | tr -d '"')" \
"1 channel.connect channel:111111111111111 100200300400500
2 channel.connect channel:222222222222222 100200300400500" "connects, with the WABA"

wa-view assign 1 alice --as lead >/dev/null
WA_NOW=1713290300 wa-view close 1 --as bob >/dev/null
wa-view close 1 >/dev/null			# no change: not logged
WA_NOW=1713290500 wa-view reopen 1 --as lead >/dev/null
wa-view assign 2 carol >/dev/null
exits 0 "list" wa-view audit
jq -c 'select(.action != "channel.connect")' "$T/out" >"$T/tickets"; mv "$T/tickets" "$T/out"
is "$(jf '[.id, .actor, .action, .subject, .detail.status, .detail.owner] | map(. // "-") | join(" ")' | tr -d '"')" \
"3 lead ticket.assign ticket:1 open alice
4 bob ticket.close ticket:1 closed alice
5 lead ticket.reopen ticket:1 open alice
6 agent ticket.assign ticket:2 open carol" "every change, who, what, in order; the no-op is not there"
is_json 'select(.id == 4) | .time' '"2024-04-16T17:58:20Z"' "with its time"
exits 0 "filter by actor" wa-view audit --actor lead
is "$(jf '.id' | tr '\n' ' ')" "3 5 " "lead's entries"
exits 0 "filter by subject and action" wa-view audit --subject ticket:1 --action ticket.close
is "$(jf '.id')" "4" "the close"
exits 0 "the newest N" wa-view audit --limit 2
is "$(jf '.id' | tr '\n' ' ')" "5 6 " "oldest first"
exits 0 "as a table" wa-view audit --table
like "$(head -1 "$T/out")" "ID*TIME*ACTOR*ACTION*SUBJECT*" "a table"

exits 0 "verify" wa-view audit --verify
is_json '[.ok, .entries]' '[true,6]' "the chain holds"
exits 0 "anchor" wa-view audit --anchor
anchor=$(cat "$T/out")
like "$anchor" "????????????????????????????????????????????????????????????????" "a SHA-256 in hex"
is "$(sql "SELECT hash FROM audit_log WHERE id = 6")" "$anchor" "the head's hash"
exits 0 "verify up to the anchor" wa-view audit --verify --anchor "$anchor"
is_json '.anchor_id' '6' "found at entry 6"
wa-view assign 3 dave >/dev/null
exits 0 "an anchor stays good as the log grows" wa-view audit --verify --anchor "$anchor"

# the log as it is, to put back after each tampering (either store)
sql "CREATE TABLE audit_good AS SELECT * FROM audit_log"
restore() { sql "DELETE FROM audit_log; INSERT INTO audit_log SELECT * FROM audit_good"; }

sql "UPDATE audit_log SET actor = 'mallory' WHERE id = 2"
exits 65 "an edited actor" wa-view audit --verify
like "$(cat "$T/err")" "*entry 2: edited*" "names the entry"
restore
sql "UPDATE audit_log SET detail = replace(detail, 'alice', 'eve') WHERE id = 3"
exits 65 "an edited detail" wa-view audit --verify
like "$(cat "$T/err")" "*entry 3: edited*" "names the entry"
restore
sql "UPDATE audit_log SET at = at + 1 WHERE id = 1"
exits 65 "an edited time" wa-view audit --verify
like "$(cat "$T/err")" "*entry 1: edited*" "names the entry"
restore
sql "DELETE FROM audit_log WHERE id = 2"
exits 65 "a deleted entry" wa-view audit --verify
like "$(cat "$T/err")" "*entry 3: expected entry 2 here: entries deleted or reordered*" "names where the gap is"
restore
sql "DELETE FROM audit_log WHERE id = 2; UPDATE audit_log SET id = id - 1 WHERE id > 2"
exits 65 "a deleted entry, the ids closed up" wa-view audit --verify
like "$(cat "$T/err")" "*entry 2: does not follow entry 1*" "names the entry after the hole"
restore
sql "UPDATE audit_log SET id = -id WHERE id IN (2, 3);
     UPDATE audit_log SET id = 3 WHERE id = -2; UPDATE audit_log SET id = 2 WHERE id = -3"
exits 65 "two entries swapped" wa-view audit --verify
like "$(cat "$T/err")" "*entry 2: does not follow entry 1*" "names the first out of place"
restore
sql "DELETE FROM audit_log WHERE id >= 6"
exits 0 "a truncated log still chains" wa-view audit --verify
exits 65 "but not to an anchor taken before" wa-view audit --verify --anchor "$anchor"
like "$(cat "$T/err")" "*anchor $anchor is not in the log (5 entries)*truncated*" "says so"
restore
sql "DELETE FROM audit_log"
exits 65 "an emptied log against an anchor" wa-view audit --verify --anchor "$anchor"
restore
exits 65 "an anchor never taken" wa-view audit --verify --anchor 0123
restore

# Concurrent writers: one chain, no fork, no entry lost.
before=$(sql "SELECT count(*) FROM audit_log") pids=
for w in 1 2 3 4; do
	(for i in 1 2 3 4 5 6 7 8; do
		wa-view assign "$w" "w$w-$i" --as "writer$w" >/dev/null || echo fail
	done) >"$T/w$w" 2>&1 &
	pids="$pids $!"
done
wait $pids
is "$(cat "$T"/w1 "$T"/w2 "$T"/w3 "$T"/w4)" "" "every writer's change committed"
is "$(sql "SELECT count(*) FROM audit_log")" "$((before + 32))" "every change logged once"
exits 0 "the chain verifies after concurrent writers" wa-view audit --verify
is_json '.entries' "$((before + 32))" "one chain through all of them"
is "$(sql "SELECT count(DISTINCT prev_hash) FROM audit_log")" "$((before + 32))" "no two entries follow the same one"

exits 64 "filters do not go with --verify" wa-view audit --verify --actor x
exits 64 "--verify --anchor needs the hash" wa-view audit --verify --anchor
exits 64 "--anchor alone takes no hash" wa-view audit --anchor abc
exits 64 "a bad limit" wa-view audit --limit 0
exits 64 "an unknown option" wa-view audit --bogus
exits 0 "help" wa-view audit --help
like "$(cat "$T/out")" "*wa-view audit --verify*" "the synopsis"
done_testing
