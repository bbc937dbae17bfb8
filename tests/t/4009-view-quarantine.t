#!/bin/sh
# SPDX-License-Identifier: MIT
# wa-view quarantine show and release: hidden content for admins (WA_ADMINS) only, recorded with the actor.
. "$(dirname "$0")/../lib.sh"
. "$top/tests/fixtures/view/seed.sh"

seed_day
q=$(sql "SELECT id FROM messages WHERE quarantined = 1 ORDER BY id LIMIT 1")
u=$(sql "SELECT id FROM messages WHERE unsupported IS NOT NULL ORDER BY id LIMIT 1")
ok_msg=$(sql "SELECT id FROM messages WHERE quarantined = 0 AND unsupported IS NULL ORDER BY id LIMIT 1")
hidden=$(sql "SELECT text FROM messages WHERE id = $q")

exits 77 "an agent cannot see hidden content" wa-view quarantine show "$q" --as ann
like "$(cat "$T/err")" "wa-view: not_admin: ann is not an admin*" "named"
WA_ADMINS=root exits 77 "nor can anyone WA_ADMINS does not name" wa-view quarantine show "$q" --as ann
is "$(sql 'SELECT count(*) FROM audit_log WHERE action LIKE '\''quarantine%'\''')" "0" "a refusal is not recorded as shown"
exits 0 "the thread still hides it from agents" wa-view show 4 --peek
is_json "select(.message_id == \"$q\") | .text" '"[quarantined]"' "hidden"

export WA_ADMINS="boss, admin"
exits 0 "an admin sees it" wa-view quarantine show "$q" --as admin
is_json '[.message_id, .quarantined, .rule, .text, .shown_to]' "[\"$q\",true,\"ip_link\",\"$hidden\",\"admin\"]" "text and rule"
is "$(sql "SELECT actor || ' ' || action || ' ' || subject FROM audit_log WHERE action LIKE 'quarantine%'")" "admin quarantine_show message:$q" "recorded with the actor"
WA_USER=boss exits 0 "WA_USER is the actor without --as" wa-view quarantine show "$u"
is_json '[.message_id, (.unsupported | type), (.raw | type)]' "[\"$u\",\"string\",\"object\"]" "an unsupported message's raw object"
exits 1 "a visible message has nothing hidden" wa-view quarantine show "$ok_msg" --as admin
is_json '.error.code' '"not_hidden"' "named"
exits 1 "an unknown message" wa-view quarantine show 99999 --as admin
is_json '.error.code' '"unknown_message"' "named"
exits 64 "show needs MSG" wa-view quarantine show --as admin
exits 64 "an unknown sub-command" wa-view quarantine drop "$q" --as admin

exits 77 "an agent cannot release" wa-view quarantine release "$q" --as ann
is "$(sql "SELECT quarantined FROM messages WHERE id = $q")" "1" "still quarantined"
exits 1 "an unsupported message is not released" wa-view quarantine release "$u" --as admin
is_json '.error.code' '"not_hidden"' "refused"
exits 0 "an admin releases a false positive" wa-view quarantine release "$q" --as admin
is_json '[.ok, .message_id, .actor, .released_rule]' "[true,\"$q\",\"admin\",\"ip_link\"]" "result record"
is "$(sql "SELECT actor || ' ' || action || ' ' || detail FROM audit_log WHERE action = 'quarantine_release'")" \
	'admin quarantine_release {"rule":"ip_link"}' "recorded with the actor and the rule"
exits 0 "agents see it now" wa-view show 4 --peek --as ann
is_json "select(.message_id == \"$q\") | .text" "\"$hidden\"" "visible"
word=$(echo "$hidden" | tr -c 'a-z\n' ' ' | awk '{print $1}')
exits 0 "and find it" wa-view search "$word"
like "$(cat "$T/out")" "*\"$q\"*" "indexed for search once released"
exits 1 "releasing twice" wa-view quarantine release "$q" --as admin
is_json '.error.code' '"not_hidden"' "nothing to release"

done_testing
