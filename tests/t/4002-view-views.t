#!/bin/sh
# SPDX-License-Identifier: MIT
# wa-view views: built-ins, saved views, sharing, private views of others invisible.
. "$(dirname "$0")/../lib.sh"
. "$top/tests/fixtures/view/seed.sh"
seed_day

ids() { jq -r -s 'map(.thread_id) | join(",")' "$T/out"; }

exits 0 "views lists the built-ins" wa-view views
is "$(jq -r -s 'map(select(.builtin) | .name) | join(",")' "$T/out")" \
	"all-open,all-closed,sent,unassigned,whatsapp,quarantine" "six built-in views"

wa-view assign 1 alice >/dev/null
wa-view close 6 >/dev/null
exits 0 "built-in all-open" wa-view list --view all-open
is "$(ids)" "1,5,4,2,3" "open tickets"
exits 0 "built-in all-closed" wa-view list --view all-closed
is "$(ids)" "6" "closed tickets"
exits 0 "built-in unassigned" wa-view list --view unassigned
is "$(ids)" "5,4,2,3" "open without owner"
exits 0 "built-in whatsapp" wa-view list --view whatsapp
is "$(ids)" "1,6,5,4,2,3" "every WhatsApp thread, open or closed"
exits 0 "built-in quarantine" wa-view list --view quarantine
is "$(ids)" "4" "threads with unsupported or quarantined messages"
exits 0 "built-in sent" wa-view list --view sent
is "$(ids)" "" "no business-started thread"
exits 0 "a flag on top of a view narrows it" wa-view list --view all-open --channel $CH2
is "$(ids)" "5" "view plus --channel"
exits 0 "a flag overrides the view's own" wa-view list --view all-closed --status all --limit 2
is "$(ids)" "1,6" "--status replaces the view's status"

exits 0 "create a private view" wa-view create mine --owner alice --window open --as alice
is_json '[.name, .owner, .sharing, .builtin, .filters]' \
	'["mine","alice","private",false,{"owner":"alice","window":"open"}]' "the stored view"
exits 0 "the owner uses it" wa-view list --view mine --as alice
is "$(ids)" "1" "alice's open-session threads"
exits 0 "WA_USER says who asks" env WA_USER=alice wa-view list --view mine
is "$(ids)" "1" "same through WA_USER"
exits 1 "another user cannot see a private view" wa-view list --view mine --as bob
is_json '[.ok, .error.code, .input.view]' '[false,"invalid_input","mine"]' "as if it did not exist"
like "$(cat "$T/err")" "wa-view: invalid_input: no view 'mine'*" "diagnostic"
exits 0 "nor list it" wa-view views --as bob
is "$(jq -r -s 'map(select(.builtin | not) | .name) | join(",")' "$T/out")" "" "bob sees no saved view"

exits 0 "a team view" wa-view create inbox --unassigned --sharing team --as bob
exits 0 "an everyone view" wa-view create big --where '.messages > 1' --status all --sharing everyone --as carol
exits 0 "alice sees her own and the shared ones" wa-view views --as alice
is "$(jq -r -s 'map(select(.builtin | not) | .name + ":" + .owner) | join(",")' "$T/out")" \
	"big:carol,inbox:bob,mine:alice" "sorted by name"
exits 0 "a team view works for everyone" wa-view list --view inbox --as alice
is "$(ids)" "5,4,2,3" "bob's team view as alice"
exits 0 "an everyone view with --where" wa-view list --view big --as dave
is "$(ids)" "1,4" "carol's view as dave"
exits 0 "a user's own view wins over a shared one of the same name" wa-view create inbox --status closed --as alice
exits 0 "alice's inbox" wa-view list --view inbox --as alice
is "$(ids)" "6" "her own"
exits 0 "bob's inbox for dave" wa-view list --view inbox --as dave
is "$(ids)" "5,4,2,3" "the shared one"

exits 1 "same name twice for one owner" wa-view create mine --status all --as alice
is_json '.error.code' '"duplicate"' "duplicate"
exits 1 "a built-in name" wa-view create all-open --as alice
is_json '.error.code' '"invalid_input"' "refused"
exits 1 "a bad name" wa-view create 'my view' --as alice
like "$(jf .error.message)" '*bad view name*' "says why"
exits 64 "bad --sharing" wa-view create x --sharing world --as alice
exits 64 "create without a name" wa-view create
exits 64 "--sharing outside create" wa-view list --sharing team
exits 64 "--view outside list" wa-view views --view mine
exits 64 "a bad --where is refused at create" wa-view create broken --where '.x >'

exits 1 "bob cannot delete alice's view" wa-view delete mine --as bob
like "$(cat "$T/err")" "*you have no view 'mine'*" "diagnostic"
exits 1 "nobody deletes a built-in" wa-view delete all-open
exits 0 "the owner deletes it" wa-view delete mine --as alice
is_json '[.ok, .deleted, .name, .owner]' '[true,true,"mine","alice"]' "deleted"
is "$(sql "SELECT count(*) FROM views WHERE name = 'mine'")" "0" "gone from the database"
exits 1 "twice" wa-view delete mine --as alice
exits 0 "views --table" wa-view views --table --as alice
like "$(head -1 "$T/out")" "NAME*OWNER*SHARING*BUILTIN*FILTERS*" "a table"
done_testing
