#!/bin/sh
# SPDX-License-Identifier: MIT
# The business's time zone: period resets and the daily business-initiated limit follow it, across DST days.
. "$(dirname "$0")/../lib.sh"
start_fake
CH=111111111111111
WA_NOW=1713200000 wa-connect add --waba 100200300400500 --phone-number-id $CH >/dev/null
wa-template sync >/dev/null
sql "INSERT INTO contacts (wa_id, created_at, updated_at) VALUES ('15551230001', 0, 0)"	# id 1
conv() {	# conv KIND STARTED_AT
	sql "INSERT INTO conversations (channel_id, contact_id, kind, started_at) VALUES ('$CH', 1, '$1', $2)"
}
biz() { wa-connect business --legal-name "Acme GmbH" --display-name Acme --website https://acme.example \
	--email ops@acme.example "$@"; }

# ---- the business setting, checked against the tz database -----------
exits 64 "a zone the database does not have" biz --timezone Europe/Berln
like "$(head -1 "$T/err")" "wa-connect: usage: --timezone: 'Europe/Berln' is not a time zone of the tz database*" "says so"
exits 64 "a path is no zone" biz --timezone ../../etc/passwd
exits 0 "an IANA name" biz --timezone Europe/Berlin
is_json .timezone '"Europe/Berlin"' "recorded"
exits 0 "the status says which zone counts" wa-quota
is_json .timezone '"Europe/Berlin"' "Europe/Berlin"

# ---- the reset day is the first connection's date there --------------
sql "UPDATE channels SET connected_at = 1713133800"	# 2024-04-14T22:30:00Z
exits 0 "connected 22:30Z on 14 April: 15 April in Berlin" wa-quota
is_json '[.period_start, .period_end]' '["2024-04-14T22:00:00Z","2024-05-14T22:00:00Z"]' \
	"reset day 15, at midnight in Berlin (CEST)"
sql "UPDATE business SET timezone = NULL"
exits 0 "the same desk in UTC" wa-quota
is_json '[.period_start, .timezone]' '["2024-04-14T00:00:00Z","UTC"]' "reset day 14 at midnight UTC"
biz --timezone Europe/Berlin >/dev/null

# ---- periods across the changes of clocks ----------------------------
wa-quota set --subscription-start 2024-01-31 >/dev/null
exits 0 "reset day 31, in April" wa-quota
is_json '[.period_start, .period_end]' '["2024-03-30T23:00:00Z","2024-04-29T22:00:00Z"]' \
	"31 March 00:00 CET to 30 April 00:00 CEST: an hour short"
WA_NOW=1714428000 exits 0 "30 April 00:00 CEST (22:00Z on the 29th)" wa-quota
is_json .period_start '"2024-04-29T22:00:00Z"' "the new period has begun"
WA_NOW=1714427999 exits 0 "one second before" wa-quota
is_json .period_start '"2024-03-30T23:00:00Z"' "still the old one"
wa-quota set --subscription-start 2024-01-27 >/dev/null
WA_NOW=1730030400 exits 0 "27 October, the day CEST ends" wa-quota
is_json '[.period_start, .period_end]' '["2024-10-26T22:00:00Z","2024-11-26T23:00:00Z"]' \
	"from 00:00 CEST to 00:00 CET: an hour long"

# ---- the daily business-initiated count: the business day there -----
conv business_initiated 1729979999	# 26 Oct 23:59:59 CEST: the day before
conv business_initiated 1729980000	# 27 Oct 00:00:00 CEST: the day's first second
conv business_initiated 1730068200	# 27 Oct 23:30:00 CET
WA_NOW=1730030400 exits 0 "history: the day before is the period before" wa-quota history
is "$(jf 'select(.period_start >= "2024-09") | [.period_start, .period_end] | join(" ")' | tr -d '"')" \
"2024-09-26T22:00:00Z 2024-10-26T22:00:00Z
2024-10-26T22:00:00Z 2024-11-26T23:00:00Z" "periods meet at local midnight"
WA_NOW=1730069999 exits 0 "27 October 23:59:59 CET, 25 hours into the day" wa-quota
is_json .daily_business_initiated '{"limit":50,"used":2,"resets_at":"2024-10-27T23:00:00Z"}' \
	"two today; the day ends at 23:00Z"
WA_NOW=1730070000 exits 0 "28 October 00:00 CET" wa-quota
is_json .daily_business_initiated '{"limit":50,"used":0,"resets_at":"2024-10-28T23:00:00Z"}' "a new day"
conv business_initiated 1711839600	# 31 Mar 00:00 CET (2024-03-30T23:00Z)
WA_NOW=1711922399 exits 0 "31 March 23:59:59 CEST, 23 hours into the day" wa-quota
is_json .daily_business_initiated '{"limit":50,"used":1,"resets_at":"2024-03-31T22:00:00Z"}' \
	"the short day ends at 22:00Z"

# ---- sends follow the same day ---------------------------------------
# 49 business-initiated conversations so far on 27 October in Berlin
sql "DELETE FROM conversations"
i=0
while [ $i -lt 49 ]; do conv business_initiated $((1729980000 + i)); i=$((i + 1)); done
NOW=1730069000	# 27 October 23:43:20 CET
WA_NOW=$NOW exits 0 "the 50th of the business day" wa-template send welcome --to 15552000001
is_json '.conversation' '"new_business_initiated"' "sent"
fake_ctl reset >/dev/null
WA_NOW=$NOW exits 1 "the 51st" wa-template send welcome --to 15552000002
is_json '[.ok, .error.code]' '[false,"daily_limit"]' "daily_limit"
like "$(cat "$T/err")" "*today (at most 50 a day, Europe/Berlin, until 2024-10-27T23:00:00Z)*" "says until when, and where"
is "$(nrequests)" 0 "nothing sent"
WA_NOW=1730070000 exits 0 "at midnight in Berlin (23:00Z)" wa-template send welcome --to 15552000002
is_json '.conversation' '"new_business_initiated"' "the next day has room"

# ---- a zone the database no longer has --------------------------------
sql "UPDATE business SET timezone = 'Mars/Olympus'"
exits 78 "a stored zone that is not there (tzdata removed)" wa-quota
like "$(cat "$T/err")" "wa-quota: invalid_input: the business's time zone: 'Mars/Olympus' is not a time zone of the tz database*" "names it"
done_testing
