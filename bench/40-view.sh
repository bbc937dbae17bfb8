#!/bin/sh
# SPDX-License-Identifier: MIT
# Measure 4: wa-view list/search and wa-quota on 1M messages in 100k threads; start-up of every tool.
. "$(dirname "$0")/common.inc"
THREADS=${BENCH_VIEW_THREADS:-100000}
PER=10				# messages per thread
[ -n "${BENCH_QUICK:-}" ] && THREADS=10000
d="$BENCH_TMP/view"
mkdir -p "$d"
db="$d/wa.db"
WA_NOW=1713290225
export WA_NOW

# A deterministic help desk straight into the schema: contact i writes PER
# messages on one of two channels; every 100th message mentions "refund";
# a third of the tickets are closed; conversations for the quota.
wa-db migrate --db "$db" >/dev/null
sqlite3 "$db" <<SQL
PRAGMA synchronous = OFF;
BEGIN;
INSERT INTO channels (id, waba_id, phone, connected_at) VALUES
 ('111111111111111', '100200300400500', '15550001111', 1700000000),
 ('222222222222222', '100200300400500', '15550002222', 1700000000);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $THREADS)
INSERT INTO contacts (id, name, wa_id, phone, created_at, updated_at)
 SELECT i, 'Contact ' || i, 15550000000 + i, 15550000000 + i, 1700000000, 1700000000 FROM n;
INSERT INTO threads (id, channel_id, contact_id, created_at, last_message_at,
 last_message_id, last_inbound_at, unread, message_count)
 SELECT id, CASE id % 2 WHEN 0 THEN '111111111111111' ELSE '222222222222222' END,
  id, 1713290225 - id * 60, 1713290225 - id * 60 + ($PER - 1) * 5,
  id * $PER, 1713290225 - id * 60 + ($PER - 1) * 5, id % 3, $PER FROM contacts;
INSERT INTO tickets (id, thread_id, status, owner, created_at, updated_at)
 SELECT id, id, CASE id % 3 WHEN 0 THEN 'closed' ELSE 'open' END,
  CASE id % 4 WHEN 0 THEN 'ann' ELSE NULL END, created_at, created_at FROM threads;
INSERT INTO sessions (channel_id, identity, contact_id, opened_at, last_inbound_at)
 SELECT channel_id, 15550000000 + contact_id, contact_id, created_at,
  last_inbound_at FROM threads;
WITH RECURSIVE k(j) AS (SELECT 1 UNION ALL SELECT j + 1 FROM k WHERE j < $PER)
INSERT INTO messages (id, wamid, channel_id, thread_id, contact_id, direction,
 type, text, from_addr, to_addr, timestamp, received_at)
 SELECT (t.id - 1) * $PER + j, 'wamid.' || t.id || '.' || j, t.channel_id, t.id,
  t.contact_id, 'in', 'text',
  'message ' || j || ' from contact ' || t.id ||
  CASE ((t.id - 1) * $PER + j) % 100 WHEN 0 THEN ' asking for a refund' ELSE ' about an order' END,
  15550000000 + t.id, '15550001111', t.created_at + (j - 1) * 5, t.created_at + (j - 1) * 5
 FROM threads t, k;
INSERT INTO conversations (channel_id, contact_id, kind, started_at)
 SELECT channel_id, contact_id, CASE id % 5 WHEN 0 THEN 'business_initiated' ELSE 'user_initiated' END,
  created_at FROM threads WHERE id <= 900;
COMMIT;
ANALYZE;
SQL

# median wall time in ms of RUNS runs (hyperfine when present)
ms() {
	if command -v hyperfine >/dev/null 2>&1; then
		hyperfine -N -w 3 -r 20 --export-json "$d/h.json" "$*" >/dev/null 2>&1 &&
			jq '.results[0].median * 1000 * 100 | round / 100' "$d/h.json" && return
	fi
	: >"$d/times"
	i=0
	while [ $i -lt 11 ]; do time_ms "$@" >>"$d/times"; i=$((i + 1)); done
	median <"$d/times"
}
measure() {	# measure NAME TARGET_MS CMD...
	name=$1 target=$2
	shift 2
	f=$(ms "$@")
	record "$name" "$f" ms "" "" "" "<= $target ms" "$(le "$f" "$target")"
}
n=$(sqlite3 "$db" "SELECT count(*) FROM messages")
record "view: messages in the bench database" "$n" messages "" "" "" "" ""
measure "view: list --status open --limit 50" 20 wa-view --db "$db" list --status open --limit 50
measure "view: search refund (50 newest)" 50 wa-view --db "$db" search refund
measure "quota: status" 10 wa-quota --db "$db"
for c in "$top"/cmd/wa-*; do
	case "$c" in *.c|*.o|*.d) continue ;; esac
	measure "start-up: $(basename "$c") --version" 3 "$c" --version
done
