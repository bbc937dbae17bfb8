#!/bin/sh
# SPDX-License-Identifier: MIT
# wa-db: migrate (--check), check, backup and copy keep a desk whole and never make one by mistake.
. "$(dirname "$0")/../lib.sh"

plan 36
# backup, check and the copy's checks here are about SQLite files: on
# PostgreSQL too (0330 copies this desk to PostgreSQL)
on_pg && WA_DB="$T/wa.db"

. "$top/tests/fixtures/view/seed.sh"
# the view tests' desk (channels, contacts, threads, tickets, messages,
# sends), the conformance webhooks on top, a saved view and a quota
seed_day
wa-recv "$top"/tests/fixtures/conformance/webhooks/*.json >/dev/null 2>&1
wa-view save mine --owner me >/dev/null 2>&1
wa-quota set --limit 1000 >/dev/null 2>&1
n=$(sql 'SELECT count(*) FROM messages')
[ "$n" -gt 5 ]; ok $? "the desk has messages to copy ($n)"

exits 78 "migrate --check on a missing file exits 78" wa-db migrate --check --db "$T/none.db"
like "$(cat "$T/err")" "wa-db: config: no database at '$T/none.db'*" "naming the path"
[ ! -e "$T/none.db" ]; ok $? "and does not make it"
exits 78 "check on a missing file exits 78" wa-db check --db "$T/none.db"
exits 78 "backup of a missing file exits 78" wa-db backup "$T/b.db" --db "$T/none.db"
[ ! -e "$T/b.db" ]; ok $? "no backup made"
exits 0 "migrate makes a new desk" wa-db migrate --db "$T/new.db"
is_json '[.ok, .migrated > 0]' '[true,true]' "it says it migrated"
exits 0 "migrate --check on a current desk" wa-db migrate --check
is_json '.pending' 0 "nothing pending"
sqlite3 "$T/new.db" 'PRAGMA user_version = 2'
exits 1 "migrate --check sees pending steps and exits 1" wa-db migrate --check --db "$T/new.db"
is_json '[.schema, .pending > 0]' '[2,true]' "and says how many"

# check
exits 0 "check on a good desk" wa-db check
is_json '.problems' 0 "no problems"
cp "$WA_DB" "$T/bad.db"
sqlite3 "$T/bad.db" 'PRAGMA foreign_keys=OFF; INSERT INTO tickets (id, thread_id, status, created_at, updated_at) VALUES (99999, 88888, '"'open'"', 0, 0)' 2>"$T/sqlerr" ||
	sqlite3 "$T/bad.db" 'PRAGMA foreign_keys=OFF; UPDATE tickets SET thread_id = 88888 WHERE id = (SELECT min(id) FROM tickets)'
exits 1 "check finds a row whose parent is gone" wa-db check --db "$T/bad.db"
is "$(jf 'select(.table) | .table' | head -1)" '"tickets"' "and names its table"

# backup
exits 0 "backup writes a copy" wa-db backup "$T/b.db"
is "$(stat -c %a "$T/b.db")" 600 "mode 0600"
is "$(sqlite3 "$T/b.db" 'SELECT count(*) FROM messages')" "$n" "with every message"
exits 73 "an existing file is not replaced" wa-db backup "$T/b.db"
exits 0 "unless --force" wa-db backup --force "$T/b.db"
ls "$T"/b.db.tmp-* >/dev/null 2>&1; is $? 2 "no temporary file is left"
exits 74 "a backup where no file can be made is an I/O error" wa-db backup "$T/no/such/dir/b.db"

# copy (SQLite to SQLite here; check-pg runs it to PostgreSQL)
exits 0 "copy to an empty store" wa-db copy --from "sqlite:$WA_DB" --to "$T/copy.db"
is "$(jf 'select(.same == false)' | wc -l)" 0 "every table the same"
is "$(jf '.copied' | paste -sd+ | bc)" "$(jf '.rows' | paste -sd+ | bc)" "every row copied"
wa-view list --json --all >"$T/a" 2>&1; wa-view list --json --all --db "$T/copy.db" >"$T/b" 2>&1
cmp -s "$T/a" "$T/b"; ok $? "wa-view list reads the same from the copy"
exits 65 "a store with rows is refused" wa-db copy --from "$WA_DB" --to "$T/copy.db"
exits 65 "a source with pending migrations is refused" wa-db copy --from "$T/new.db" --to "$T/copy2.db"
exits 64 "copy without --to is a usage error" wa-db copy --from "$WA_DB"
exits 64 "copy onto its own source (which only busy would stop)" wa-db copy --from "sqlite:$WA_DB" --to "$(dirname "$WA_DB")/./$(basename "$WA_DB")"
like "$(cat "$T/err")" "wa-db: usage: --from and --to name the same file*" "says so"
# an empty delivery (a signed empty POST is stored raw) is an empty body,
# never NULL, in the copy
wa-db migrate --db "$T/e.db" >/dev/null
sqlite3 "$T/e.db" "INSERT INTO deliveries (received_at, source, body, body_sha256, state, parser_version, body_key) VALUES (1, 'http', x'', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', 'error', 2, 1)"
exits 0 "a desk with an empty delivery copies" wa-db copy --from "sqlite:$T/e.db" --to "$T/e2.db"
is "$(sqlite3 "$T/e2.db" 'SELECT typeof(body) || length(body) FROM deliveries')" blob0 "its body an empty blob"
