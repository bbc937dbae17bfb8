#!/bin/sh
# SPDX-License-Identifier: MIT
# wa-view: the man page's examples, pipelines into wa-send, and the fatal exits (64, 74, 78).
. "$(dirname "$0")/../lib.sh"
. "$top/tests/fixtures/view/seed.sh"
seed_day

exits 0 "example: what needs an answer before the session closes" wa-view list --window closing:1h --unassigned
is_json '.thread_id' '"2"' "Bob"
exits 0 "example: remind everyone whose session closes within the hour" \
	sh -c 'wa-view list --window closing:1h | wa-send --text "Anything else?"'
is_json '[.ok, .thread_id, .wa_id, .conversation]' '[true,"2","15551230002","new_user_initiated"]' "wa-send took the row"
is "$(requests 'select(.path | endswith("/messages")) | .body.to' | tr -d '"+')" "15551230002" "one message to Bob through Graph"
exits 0 "example: a shared view" wa-view create waiting --unassigned --where '.unread > 1' --sharing team
exits 0 "used by someone else" wa-view list --view waiting --as bob
is "$(jq -r -s 'map(.thread_id) | join(",")' "$T/out")" "1,4" "threads with more than one unread message"
exits 0 "example: take a ticket, read it, close it" sh -c 'wa-view assign 4 ann && wa-view show --ticket 4 && wa-view close 4'
is "$(sql "SELECT status || ' ' || owner FROM tickets WHERE id = 4")" "closed ann" "closed by ann"
printf '{"name":"Ann","phone":"+15551230001"}\n{"name":"Zed","phone":"+15559999999"}\n' >"$T/crm.jsonl"
exits 0 "example: import and see who wrote before" sh -c "wa-view contacts import '$T/crm.jsonl' | jq -c 'select(.threads > 0)'"
is_json '.name' '"Ann"' "only Ann wrote before"

exits 0 "--help" wa-view --help
like "$(head -1 "$T/out")" "usage: wa-view list*" "the synopsis"
exits 0 "--version" wa-view --version
like "$(cat "$T/out")" "wa-view *" "name and version"
exits 64 "no command" wa-view
exits 64 "unknown command" wa-view frobnicate
exits 64 "unknown option" wa-view list --colour
exits 64 "--ticket outside show" wa-view list --ticket 3
exits 74 "output that cannot be written" sh -c 'wa-view list >/dev/full'
mkdir "$T/dir.db"
exits 74 "a database that cannot be opened" wa-view list --db "$T/dir.db"
exits 78 "no database at the path" wa-view list --db "$T/seed.out/wa.db"
sql "PRAGMA user_version = 99"
exits 78 "a database newer than the binary" wa-view list
like "$(cat "$T/err")" "*newer*" "says so"
done_testing
