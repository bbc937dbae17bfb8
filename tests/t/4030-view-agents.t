#!/bin/sh
# SPDX-License-Identifier: MIT
# wa-view agents: add, set, list, away, back, remove; who may act once agents exist; assign, unassign, team views.
. "$(dirname "$0")/../lib.sh"
. "$top/tests/fixtures/view/seed.sh"
seed_day

# ---- before the first agent: everything as it was ----
exits 0 "no agents yet" wa-view agents list
is "$(cat "$T/out")" "" "none listed"
exits 0 "an owner is any name" wa-view assign 1 someone
is_json '.owner' '"someone"' "assigned"
exits 0 "a team view is everyone's while there are no agents" \
	wa-view create early --unassigned --sharing team --as zoe
exits 0 "seen by another" wa-view views --as yan
is "$(jq -r 'select(.name == "early") | .owner' "$T/out")" zoe "zoe's team view"

# ---- agents add ----
exits 0 "the first agent" wa-view agents add ann --team support --skill billing --skill es --max-open 2
is_json '[.name, .teams, .skills, .max_open, .away, .notify, .open, .action]' \
	'["ann",["support"],["billing","es"],2,false,"all",0,"add"]' "its record: teams, skills, limit, notify all"
exits 0 "the second, by the first" wa-view agents add bob --team support --team sales --skill billing --as ann
is_json '[.teams, .max_open]' '[["sales","support"],null]' "two teams, no limit"
exits 0 "a third" wa-view agents add cy --team sales --notify mine --as ann
is_json '[.skills, .notify]' '[[],"mine"]' "no skill, notified of their own tickets"
exits 1 "a name taken" wa-view agents add bob --as ann
is_json '[.ok, .error.code, .input.name]' '[false,"duplicate","bob"]' "duplicate"
exits 64 "a bad name" wa-view agents add 'a b' --as ann
like "$(cat "$T/err")" "*NAME: bad name 'a b'*" "says which"
exits 64 "me is nobody's name" wa-view agents add me --as ann
exits 64 "a bad team" wa-view agents add dee --team 'x/y' --as ann
exits 64 "a bad --notify" wa-view agents add dee --notify sometimes --as ann
exits 64 "a bad --max-open" wa-view agents add dee --max-open -1 --as ann
exits 64 "--strategy is route's" wa-view agents add dee --strategy least-open --as ann
exits 64 "--max-open is not list's" wa-view list --max-open 3 --as ann
exits 64 "agents add needs a name" wa-view agents add --as ann
exits 64 "an unknown agents command" wa-view agents fire bob --as ann
is "$(sql "SELECT count(*) FROM agents")" 3 "nothing else was added"

# ---- who acts ----
exits 78 "WA_USER is no agent" wa-view list
like "$(cat "$T/err")" "wa-view: invalid_input: WA_USER (or --as): no agent 'agent'*" "says so"
exits 64 "--as names no agent" wa-view list --as bobb
like "$(cat "$T/err")" "*--as: no agent 'bobb' (did you mean 'bob'?)*" "with the closest name"
exits 64 "nothing close" wa-view close 2 --as zzzzzzzz
like "$(cat "$T/err")" "*no agent 'zzzzzzzz' (see 'wa-view agents list')*" "no guess"
is "$(sql "SELECT status FROM tickets WHERE id = 2")" open "and nothing done"
WA_USER=cy exits 0 "WA_USER names an agent" wa-view list
exits 64 "wa-send as nobody" wa-send --to 15551230001 --text hi --as nobody
exits 78 "wa-send with WA_USER no agent" wa-send --to 15551230001 --text hi
exits 64 "wa-template send as nobody" wa-template send welcome --language en_US --to 15551230001 --as nobody
is "$(requests 'select(.path | endswith("/messages"))' | grep -c .)" 0 "nothing reached Graph"
exits 0 "wa-send as an agent" wa-send --to 15551230001 --text "on it" --as bob
is "$(sql "SELECT agent FROM messages WHERE text = 'on it'")" bob "the message records who sent it"
exits 0 "the audit log" wa-view audit --action send
is_json '.actor' '"bob"' "and so does the audit log"

# ---- agents set, away, back, list ----
exits 0 "set replaces the teams given" wa-view agents set bob --team sales --max-open 5 --as ann
is_json '[.teams, .skills, .max_open, .action]' '[["sales"],["billing"],5,"set"]' "skills kept"
exits 0 "an empty --skill clears them, none lifts the limit" wa-view agents set bob --skill '' --max-open none --as ann
is_json '[.skills, .max_open]' '[[],null]' "cleared"
exits 0 "notifications" wa-view agents set bob --notify team --as ann
is_json '.notify' '"team"' "team"
exits 1 "set an unknown agent" wa-view agents set bobby --notify none --as ann
is_json '[.error.code, .input.name]' '["invalid_input","bobby"]' "refused"
like "$(cat "$T/err")" "*no agent 'bobby' (did you mean 'bob'?)*" "with a hint"
exits 0 "away" wa-view agents away cy --as ann
is_json '[.away, .action]' '[true,"away"]' "away"
exits 0 "list" wa-view agents list --as ann
is "$(jq -r '[.name, .away, .notify] | map(tostring) | join(":")' "$T/out" | paste -sd' ' -)" \
	"ann:false:all bob:false:team cy:true:mine" "every agent by name"
exits 0 "list one" wa-view agents list cy --as ann
is_json '.name' '"cy"' "cy only"
exits 1 "list one that is none" wa-view agents list cyy --as ann
is_json '[.error.code, .input.name]' '["invalid_input","cyy"]' "refused, with a hint"
exits 0 "back" wa-view agents back cy --as ann
is_json '.away' 'false' "back"
exits 0 "a table" wa-view agents list --table --as ann
like "$(head -1 "$T/out")" "NAME*TEAMS*SKILLS*OPEN*MAX*AWAY*NOTIFY*" "columns"

# ---- assign and unassign ----
exits 1 "assign to no agent" wa-view assign 2 bobb --as ann
is_json '[.ok, .error.code, .input.ticket_id]' '[false,"invalid_input","2"]' "refused"
like "$(cat "$T/err")" "*OWNER: no agent 'bobb' (did you mean 'bob'?)*" "with the closest name"
exits 64 "the phantom '-': a name no agent can have" wa-view assign 2 - --as ann
is "$(sql "SELECT coalesce(owner, 'none') FROM tickets WHERE id = 2")" none "nobody owns it"
exits 0 "assign to an agent" wa-view assign 2 bob --as ann
is_json '[.owner, .changed, .actor]' '["bob",true,"ann"]' "bob's"
exits 0 "unassign" wa-view unassign 2 --as bob
is_json '[.owner, .action, .changed, .actor]' '[null,"unassign",true,"bob"]' "nobody's"
exits 0 "unassign again" wa-view unassign 2 --as bob
is_json '.changed' 'false' "no change"
exits 0 "history" wa-view history 2 --as ann
is "$(jf '[.action, .actor, .from, .to] | map(. // "-") | join(" ")' | tr -d '"' | tail -2)" \
"assign ann - bob
unassign bob bob -" "assign and unassign recorded once each"
exits 64 "unassign takes one ticket" wa-view unassign --as ann
exits 1 "unassign an unknown ticket" wa-view unassign 99 --as ann
exits 64 "--owner and --unassigned exclude each other" wa-view list --owner ann --unassigned --as ann
exits 64 "in either order" wa-view create x --unassigned --owner ann --as ann
exits 0 "the old owner of ticket 1 stays" wa-view list --owner someone --as ann
is_json '.ticket_id' '"1"' "a name from before the agents"

# ---- views shared with the team ----
exits 0 "bob joins support again" wa-view agents set bob --team sales --team support --as ann
exits 0 "ann shares a view with her team" wa-view create mine --owner ann --sharing team --as ann
exits 0 "ann's teammate sees it" wa-view list --view mine --as bob
exits 1 "cy, in sales, does not" wa-view list --view mine --as cy
exits 0 "bob in sales only now" wa-view agents set bob --team sales --as ann
exits 1 "and no longer sees it" wa-view list --view mine --as bob
is_json '.error.code' '"invalid_input"' "no such view for him"
exits 0 "his views" wa-view views --as bob
is "$(jq -r 'select(.builtin | not) | .name' "$T/out" | paste -sd, -)" "" "neither ann's nor zoe's (no agent, no team)"
exits 0 "ann's views" wa-view views --as ann
is "$(jq -r 'select(.builtin | not) | .name' "$T/out" | paste -sd, -)" "mine" "her own"
exits 0 "bob rejoins support" wa-view agents set bob --team sales --team support --as ann
exits 0 "sees it again" wa-view list --view mine --as bob

# ---- an agent removed while holding tickets ----
wa-view assign 3 bob --as ann >/dev/null && wa-view assign 4 bob --as ann >/dev/null &&
	wa-view assign 5 bob --as ann >/dev/null && wa-view close 5 --as bob >/dev/null
ok $? "bob holds tickets 3 and 4 open, 5 closed"
exits 0 "remove bob" wa-view agents remove bob --as ann
is_json '[.name, .removed, .unassigned]' '["bob",true,["3","4"]]' "his open tickets are let go"
is "$(sql "SELECT id || ':' || coalesce(owner, '-') FROM tickets WHERE id IN (3, 4, 5) ORDER BY id" | paste -sd' ' -)" \
	"3:- 4:- 5:bob" "the closed one keeps him as its owner"
exits 0 "ticket 3's history" wa-view history 3 --as ann
is "$(jq -r 'select(.action == "unassign") | [.actor, .from] | join(" ")' "$T/out")" "ann bob" "who let go of whose"
exits 1 "bob cannot be assigned any more" wa-view assign 3 bob --as ann
exits 64 "nor act" wa-view list --as bob
exits 0 "his closed tickets still list" wa-view list --status closed --owner bob --as ann
is_json '.ticket_id' '"5"' "ticket 5"
exits 1 "remove him again" wa-view agents remove bob --as ann
is_json '.error.code' '"invalid_input"' "unknown"

exits 0 "the agents' changes in the audit log" wa-view audit --subject agent:bob
is "$(jq -r '[.actor, .action] | join(" ")' "$T/out" | paste -sd, -)" \
	"ann agent.add,ann agent.set,ann agent.set,ann agent.set,ann agent.set,ann agent.set,ann agent.set,ann agent.remove" "every change, by whom"
is "$(jq -c 'select(.action == "agent.remove") | .detail.unassigned' "$T/out")" '["3","4"]' "the removal says which tickets it let go"
exits 0 "unassign is audited as the other ticket changes" wa-view audit --action ticket.unassign
is "$(jq -r .subject "$T/out" | paste -sd, -)" "ticket:2" "the one unassign that changed something"

# ---- the last agent gone: as before ----
wa-view agents remove cy --as ann >/dev/null && wa-view agents remove ann --as ann >/dev/null
ok $? "every agent removed"
exits 0 "anyone acts again" wa-view assign 6 whoever
is_json '.owner' '"whoever"' "any owner"
done_testing
