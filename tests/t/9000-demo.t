#!/bin/sh
# SPDX-License-Identifier: MIT
# make demo: the README's first command runs a whole help-desk day and ends with exit 0.
. "$(dirname "$0")/../lib.sh"
exits 0 "scripts/demo (built tree, no install)" "$top/scripts/demo" --no-install --no-build
like "$(cat "$T/out")" "*Receive signed webhooks through wa-recv serve*" "webhooks through wa-recv serve"
is "$(grep -c '^\$ wa-webhook' "$T/out")" "11" "seven messages and four receipts posted signed"
like "$(cat "$T/out")" "*wa-view agents add bob --team support --skill es*" "two agents with skills"
like "$(cat "$T/out")" "*my order #123 has not arrived	orders	ann*" "Ann's order routed to billing"
like "$(cat "$T/out")" "*RULE*RESULT*OWNER*WHY*everyone*match*least-open*" "route test says who and why"
like "$(cat "$T/out")" '*"conversation":"new_user_initiated"*' "a reply inside the window"
like "$(cat "$T/out")" "*window_closed*" "refused outside it"
like "$(cat "$T/out")" '*"conversation":"new_business_initiated"*' "a template instead"
like "$(cat "$T/out")" "*[quarantined]*" "the quarantined link is hidden"
like "$(cat "$T/out")" "*route*orders*ann*assign*ann*bob*close*ann*open*closed*" "routed, taken over, closed, with history"
like "$(cat "$T/out")" "*period_start:*limit:*used:*" "wa-quota at the end, key by key"
like "$(sed -n '/watcher printed/,$p' "$T/out")" '*"event":"message"*"event":"window"*"event":"send"*"event":"status"*"event":"ticket","action":"assign"*"event":"ticket","action":"close"*' \
	"the watcher saw the messages so far, the open windows, then sends, statuses and ticket changes as they came"
like "$(tail -1 "$T/out")" "*Demo finished: every step passed*" "the last line says so"
exits 64 "a bad option" "$top/scripts/demo" --fast
done_testing
