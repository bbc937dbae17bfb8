#!/bin/sh
# SPDX-License-Identifier: MIT
# wa-quota: status, set, periods at month ends and leap years, check exits, history, log, forecast, billing.
. "$(dirname "$0")/../lib.sh"

conv() {	# conv KIND STARTED_AT [CONTACT]: a counted conversation (edge data)
	sql "INSERT INTO conversations (channel_id, contact_id, kind, started_at) VALUES ('111111111111111', ${3:-1}, '$1', $2)"
}

exits 78 "check on a mistyped --db" wa-quota check --db "$T/typo.db"
like "$(cat "$T/err")" "wa-quota: config: no database at '$T/typo.db'*" "names the path"
grep -q . "$T/out"; ok $(( ! $? )) "says nothing like 'below warning'"
test ! -e "$T/typo.db"; ok $? "makes no empty desk"
wa-db migrate >/dev/null
exits 0 "status on an empty database" wa-quota
is_json '.' '{"period_start":"2024-04-01T00:00:00Z","period_end":"2024-05-01T00:00:00Z","limit":1000,"used":0,"remaining":1000,"user_initiated":0,"business_initiated":0,"daily_business_initiated":{"limit":50,"used":0,"resets_at":"2024-04-17T00:00:00Z"},"timezone":"UTC"}' \
	"the SPEC's record; no channel: the period starts on the 1st"
exits 0 "status is also a sub-command" wa-quota status
is_json '.limit' '1000' "same record"

start_fake
WA_NOW=1713200000 wa-connect add --waba 100200300400500 --phone-number-id 111111111111111 >/dev/null 2>&1
sql "INSERT INTO contacts (id, wa_id, created_at, updated_at) VALUES (1, '15551230001', 0, 0), (2, '15551230002', 0, 0)"
exits 0 "the first connection sets the reset day" wa-quota
is_json '[.period_start, .period_end]' '["2024-04-15T00:00:00Z","2024-05-15T00:00:00Z"]' "reset day 15 from connected_at"

conv user_initiated 1713139199		# one second before the period
conv user_initiated 1713139200		# the reset second: counts
conv business_initiated 1713280000
conv business_initiated 1713203825	# yesterday (UTC, no zone set): not today's
exits 0 "counts" wa-quota
is_json '[.used, .remaining, .user_initiated, .business_initiated, .daily_business_initiated]' \
	'[3,997,1,2,{"limit":50,"used":1,"resets_at":"2024-04-17T00:00:00Z"}]' "the period's conversations; the business day's"

exits 0 "set both" wa-quota set --limit 3 --subscription-start 2024-01-31
is_json '[.limit, .period_start, .period_end]' '[3,"2024-03-31T00:00:00Z","2024-04-30T00:00:00Z"]' "prints the new status"
is "$(sql "SELECT value FROM settings WHERE key = 'quota.subscription_start'")" "2024-01-31" "stored as YYYY-MM-DD"
is "$(sql "SELECT value FROM settings WHERE key = 'quota.limit'")" "3" "quota.limit"

# The 31st in February: the period resets on the month's last day.
WA_NOW=1709208000 exits 0 "leap year: 2024-02-29 12:00" wa-quota
is_json '[.period_start, .period_end]' '["2024-02-29T00:00:00Z","2024-03-31T00:00:00Z"]' "resets on 29 February"
WA_NOW=1709164799 exits 0 "the second before" wa-quota
is_json '[.period_start, .period_end]' '["2024-01-31T00:00:00Z","2024-02-29T00:00:00Z"]' "still January's period"
WA_NOW=1677585600 exits 0 "common year: 2023-02-28 12:00" wa-quota
is_json '[.period_start, .period_end]' '["2023-02-28T00:00:00Z","2023-03-31T00:00:00Z"]' "resets on 28 February"
WA_NOW=1714435200 exits 0 "30 April" wa-quota
is_json '[.period_start, .period_end]' '["2024-04-30T00:00:00Z","2024-05-31T00:00:00Z"]' "April has 30 days"

# check: 0 below the warning, 1 at or past it, 2 exhausted
exits 0 "set the start back to the 15th" wa-quota set --subscription-start 2024-03-15
exits 2 "limit reached exactly: 3 of 3" wa-quota check
is_json '[.used, .remaining]' '[3,0]' "prints the status"
wa-quota set --limit 4 >/dev/null
exits 0 "3 of 4 is below 80 %" wa-quota check
exits 1 "3 of 4 is at 75 %" wa-quota check --warn 75
exits 0 "3 of 4 is below 76 %" wa-quota check --warn 76
exits 1 "--warn 0 always warns" wa-quota check --warn 0
wa-quota set --limit 2 >/dev/null
exits 2 "past the limit" wa-quota check
is_json '.remaining' '0' "never negative"
wa-quota set --limit 1000 >/dev/null
exits 0 "cron: quiet unless it warns" sh -c 'wa-quota check --warn 80 >/dev/null || echo "quota warning"'
is "$(cat "$T/out")" "" "nothing printed below the warning level"

exits 0 "history" wa-quota history
is "$(jf '[.period_start, .used, .current] | map(tostring) | join(" ")' | tr -d '"')" \
"2024-03-15T00:00:00Z 1 false
2024-04-15T00:00:00Z 3 true" "one record per period from the first conversation"

exits 0 "log" wa-quota log
is "$(jf '[.kind, .started_at, .channel, .wa_id] | join(" ")' | tr -d '"')" \
"user_initiated 2024-04-15T00:00:00Z 111111111111111 15551230001
business_initiated 2024-04-15T17:57:05Z 111111111111111 15551230001
business_initiated 2024-04-16T15:06:40Z 111111111111111 15551230001" "this period's conversations, oldest first"

exits 0 "forecast" wa-quota forecast
is_json '[.reach_at, .pace_per_day, .used, .limit, .pace_since]' '[null,2.87,3,1000,"2024-04-15T16:53:20Z"]' \
	"not reached this period; the pace of the time since the first channel connected, not since the period began"
wa-quota set --limit 4 >/dev/null
exits 0 "forecast near the limit" wa-quota forecast
is_json '.reach_at' '"2024-04-17T02:18:20Z"' "at this pace, the limit is reached tomorrow"

# billing: Meta's pricing from status webhooks, delivered messages only,
# each wamid once (tests/t/5002-quota-billing.t has the edges)
sql "INSERT INTO threads (id, channel_id, contact_id, created_at) VALUES (1, '111111111111111', 1, 0)"
for w in 1 2 3; do
	sql "INSERT INTO messages (wamid, channel_id, thread_id, contact_id, direction, type, timestamp, received_at, template_name)
	     VALUES ('wamid.t$w', '111111111111111', 1, 1, 'out', 'template', 171328000$w, 0, 'order_update')"
done
cat >"$T/pricing.json" <<'JSON'
{
 "object":"whatsapp_business_account","entry":[{"id":"100200300400500","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550001111","phone_number_id":"111111111111111"},"statuses":[
 {"id":"wamid.t1","status":"sent","timestamp":"1713280010","recipient_id":"15551230001","pricing":{"billable":true,"pricing_model":"PMP","category":"utility","type":"regular"}},
 {"id":"wamid.t1","status":"delivered","timestamp":"1713280020","recipient_id":"15551230001","pricing":{"billable":true,"pricing_model":"PMP","category":"utility","type":"regular"}},
 {"id":"wamid.t2","status":"sent","timestamp":"1713280030","recipient_id":"15551230001","pricing":{"billable":false,"pricing_model":"PMP","category":"utility","type":"free_customer_service"}},
 {"id":"wamid.t3","status":"sent","timestamp":"1713280040","recipient_id":"15551230001","pricing":{"billable":true,"pricing_model":"PMP","category":"marketing","type":"regular"}}]}}]}]
}
JSON
wa-recv "$T/pricing.json" >/dev/null 2>&1
exits 0 "billing" wa-quota billing
is "$(jf '[.channel, .category, .delivered, .charged, .free] | map(tostring) | join(" ")' | tr -d '"')" \
"111111111111111 utility 1 1 0" "by channel and category; only the delivered one, counted once"

# verified business: no daily limit
wa-connect business --legal-name "Acme Inc" --display-name Acme --website https://acme.example --email ops@acme.example --verified true >/dev/null 2>&1
exits 0 "a verified business" wa-quota
is_json '.daily_business_initiated' '{"limit":null,"used":1,"resets_at":"2024-04-17T00:00:00Z"}' "no daily limit, still counted"

# errors
exits 64 "set with nothing" wa-quota set
exits 64 "bad --limit" wa-quota set --limit many
exits 64 "negative --limit" wa-quota set --limit -5
exits 64 "not a date" wa-quota set --subscription-start 2024-02-30
like "$(cat "$T/err")" "wa-quota: invalid_input: '2024-02-30' is not a date*" "says why"
exits 64 "not YYYY-MM-DD" wa-quota set --subscription-start 31/01/2024
exits 64 "--warn out of range" wa-quota check --warn 150
exits 64 "--warn without check" wa-quota --warn 50
exits 64 "--limit without set" wa-quota check --limit 5
exits 64 "unknown sub-command" wa-quota reset
exits 64 "an extra operand" wa-quota log now
sql "UPDATE settings SET value = 'lots' WHERE key = 'quota.limit'"
exits 78 "a broken setting" wa-quota
like "$(cat "$T/err")" "wa-quota: invalid_input: setting 'quota.limit'*" "names the setting"
sql "UPDATE settings SET value = '1000' WHERE key = 'quota.limit'"
exits 74 "output that cannot be written" sh -c 'wa-quota >/dev/full'
schema_version 99
exits 78 "a database newer than the binary" wa-quota
exits 0 "--help prints the synopsis" wa-quota --help
like "$(head -1 "$T/out")" "usage: wa-quota*" "synopsis"
done_testing
