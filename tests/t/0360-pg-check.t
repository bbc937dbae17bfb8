#!/bin/sh
# SPDX-License-Identifier: MIT
# wa-db check on PostgreSQL finds what it finds on SQLite: rows whose parent is gone, and pages and indexes with amcheck.
. "$(dirname "$0")/../lib.sh"
if [ "${WA_TEST_STORE:-}" != pg ]; then
	echo "1..0 # SKIP PostgreSQL only (make check-pg)"
	exit 0
fi

. "$top/tests/fixtures/view/seed.sh"
seed_day
n=$(sql 'SELECT count(*) FROM tickets')
[ "$n" -gt 2 ]; ok $? "the desk has tickets ($n)"

exits 0 "check on a good desk" wa-db check
is_json '[.ok, .problems]' '[true,0]' "no problems"
like "$(cat "$T/err")" "wa-db: warning: pages and indexes not checked: the amcheck extension is not installed*" \
	"and says that pages and indexes were not checked without amcheck"
sql 'CREATE EXTENSION amcheck'
exits 0 "with amcheck installed, check on a good desk" wa-db check
is "$(cat "$T/err")" "" "checks pages and indexes too, with nothing to say"

# A row written with the server's triggers off (a restore with
# --disable-triggers does that) escapes its foreign key.
t=$(sql 'SELECT min(id) FROM tickets')
sql "SET session_replication_role = replica; UPDATE tickets SET thread_id = 88888 WHERE id = $t"
exits 1 "check finds a row whose parent is gone" wa-db check
is "$(jf 'select(.table)' | head -1)" "{\"table\":\"tickets\",\"rowid\":$t,\"problem\":\"row breaks its foreign key to threads\"}" \
	"naming its table, its id and the parent table, as on SQLite"
is_json 'select(.ok != null) | [.ok, .problems]' '[false,1]' "one problem"
sql "SET session_replication_role = replica; UPDATE tickets SET thread_id = (SELECT thread_id FROM tickets WHERE id <> $t LIMIT 1) WHERE id = $t"

done_testing
