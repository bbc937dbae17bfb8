#!/bin/sh
# wa-template send and rule 6: business-initiated outside a session, the
# session's conversation inside one, the daily limit, the monthly limit.
. "$(dirname "$0")/../lib.sh"
. "$top/tests/t/2000-send-lib.sh"
wa-template sync >/dev/null
fake_ctl reset >/dev/null
# bulk N FIRST: N welcome records to distinct numbers from 1555200FIRST on
bulk() {
	i=0
	while [ $i -lt "$1" ]; do
		printf '{"to":"+1555%07d"}\n' $(($2 + i))
		i=$((i + 1))
	done
}

# inside a session: counted once as user-initiated, then part of it
inbound 15553330001 3600
exits 0 "template inside an open session" wa-template send welcome --to 15553330001
is_json '.conversation' '"new_user_initiated"' "starts the session's conversation"
exits 0 "another template in that session" wa-template send welcome --to 15553330001
is_json '.conversation' '"existing"' "part of the session's conversation"
is "$(sql "SELECT kind FROM conversations")" "user_initiated" "one user-initiated conversation"
exits 0 "template outside any session" wa-template send welcome --to 15553330002
is_json '.conversation' '"new_business_initiated"' "business-initiated"
exits 0 "a second one to the same contact" wa-template send welcome --to 15553330002
is_json '.conversation' '"new_business_initiated"' "each one counts"
is "$(sql "SELECT kind, count(*) FROM conversations GROUP BY kind ORDER BY kind")" \
	"business_initiated|2
user_initiated|1" "counted per rule 6"
inbound 15553330003 86400
exits 0 "the session closed exactly 24 h ago" wa-template send welcome --to 15553330003
is_json '.conversation' '"new_business_initiated"' "at 24 h it is business-initiated"

# unverified business: 50 business-initiated a business day (no time
# zone set: the UTC day; tests/t/5003 has a zone and its DST days)
sql "UPDATE sessions SET conversation_id = NULL; UPDATE messages SET conversation_id = NULL; DELETE FROM conversations"
T0=1713225600	# 2024-04-16T00:00:00Z, today's first second
bulk 50 2000000 >"$T/fifty.jsonl"
WA_NOW=$T0 exits 0 "50 business-initiated sends" wa-template send welcome "$T/fifty.jsonl"
is "$(jf 'select(.ok) | .conversation' | sort | uniq -c | tr -s ' ')" ' 50 "new_business_initiated"' "50 counted"
fake_ctl reset >/dev/null
exits 1 "the 51st the same day" wa-template send welcome --to 15552999999
is_json '[.ok,.error.code,.action]' '[false,"daily_limit","retry"]' "daily_limit"
like "$(cat "$T/err")" "wa-template: daily_limit: *today (at most 50 a day, UTC, until 2024-04-17T00:00:00Z)*" "diagnostic: until when"
is "$(nrequests)" "0" "refused before any request"
exits 0 "inside a session the daily limit does not apply" wa-template send welcome --to 15553330001
is_json '.conversation' '"new_user_initiated"' "the session's conversation"
WA_NOW=$((T0 + 86399)) exits 1 "the day's last second: still refused" wa-template send welcome --to 15552999999
WA_NOW=$((T0 + 86400)) exits 0 "the next day" wa-template send welcome --to 15552999999
is_json '.conversation' '"new_business_initiated"' "sent"
wa-connect business --legal-name "Acme Inc." --display-name Acme --website https://acme.example \
	--email help@acme.example --verified true >/dev/null
exits 0 "a verified business has no daily limit" wa-template send welcome --to 15552999998
is_json '.ok' 'true' "sent"

# the monthly limit
used=$(wa-quota --json | jq .used)
wa-quota set --limit $((used + 1)) >/dev/null
fake_ctl reset >/dev/null
exits 0 "the last conversation under the limit" wa-template send welcome --to 15552999997
exits 1 "the limit is reached" wa-template send welcome --to 15552999996
is_json '[.ok,.error.code]' '[false,"quota_exhausted"]' "quota_exhausted"
is "$(sent_count)" "1" "refused before any request"
exits 0 "a counted session is never refused" wa-template send welcome --to 15553330001
is_json '.conversation' '"existing"' "part of the counted session"
bulk 3 3000000 >"$T/three.jsonl"
exits 1 "bulk at the limit" wa-template send welcome "$T/three.jsonl"
is "$(jf '.error.code' | sort | uniq -c | tr -s ' ')" ' 3 "quota_exhausted"' "each refused"
done_testing
