#!/bin/sh
# The EXAMPLES of wa-template(1), as written there.
. "$(dirname "$0")/../lib.sh"
. "$top/tests/t/2000-send-lib.sh"

# interactive
exits 0 "wa-template sync" wa-template sync
exits 0 "wa-template show order_update --language en_US" wa-template show order_update --language en_US
is_json '.params.body' '["1","2"]' "show says what to pass"
exits 0 "wa-template send order_update ..." wa-template send order_update --language en_US --to '+1 555 123 4567' --param 1=Ann --param 2='#123'
is_json '[.ok,.wa_id]' '[true,"15551234567"]' "sent"

# cron: a nightly CRM export
mkdir -p "$T/crm" "$T/log"
printf '%s\n' '{"to":"+15551000001","params":["Ann","#1"]}' '{"to":"+15551000002","params":["Bob","#2"]}' >"$T/crm/shipped.jsonl"
exits 0 "the cron line" sh -c "wa-template sync >/dev/null && wa-template send order_update --language en_US < '$T/crm/shipped.jsonl' >> '$T/log/shipped.jsonl'"
is "$(jf '[.ok,.wa_id]' "$T/log/shipped.jsonl" | tr '\n' ' ')" '[true,"15551000001"] [true,"15551000002"] ' "one result per customer in the log"

# pipeline: threads whose session closes within the hour
inbound 15552000001 84000
inbound 15552000002 600
exits 0 "wa-view list --window closing:1h | wa-template send welcome" sh -c "wa-view list --window closing:1h | wa-template send welcome"
is "$(jf '[.ok,.wa_id,.conversation]')" '[true,"15552000001","new_user_initiated"]' "only the thread closing within the hour"

# create and watch
cp "$top/tests/fixtures/templates/spring_sale.json" "$T/spring_sale.json"
exits 0 "wa-template create spring_sale.json" sh -c "cd '$T' && wa-template create spring_sale.json"
exits 0 "wa-template list --status PENDING" wa-template list --status PENDING
is "$(jf '.name' | tr '\n' ' ')" '"pending_tpl" "spring_sale" ' "the new template waits for review"

# not onboarded to the Marketing Messages API
exits 0 "wa-template set --marketing-messages off" wa-template set --marketing-messages off
exits 0 "wa-template send welcome --dry-run" wa-template send welcome --to '+1 555 123 4567' --dry-run
is_json '.request.path' '"/111111111111111/messages"' "a MARKETING template through /messages"
done_testing
