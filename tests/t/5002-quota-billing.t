#!/bin/sh
# SPDX-License-Identifier: MIT
# wa-quota billing: delivered messages by Meta's pricing.category (opaque),
# per channel and period, charged or free (pricing.type), never by billable.
. "$(dirname "$0")/../lib.sh"
start_fake
for ch in 111111111111111 222222222222222; do
	WA_NOW=$((WA_NOW - 86400 * 90)) wa-connect add --waba 100200300400500 \
		--phone-number-id $ch >/dev/null 2>&1 || echo "# cannot connect $ch"
done
wa-quota set --subscription-start 2024-01-01 >/dev/null	# periods start on the 1st
A=111111111111111 B=222222222222222
T0=1712000000		# 2024-04-01T19:33:20Z, in the current period
# st CHANNEL WAMID STATUS AGE [PRICING]: one status webhook, AGE seconds after T0
st() {
	printf '{"object":"whatsapp_business_account","entry":[{"id":"100200300400500","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550001111","phone_number_id":"%s"},"statuses":[{"id":"wamid.%s","status":"%s","timestamp":"%s","recipient_id":"15551230001"%s}]}}]}]}\n' \
		"$1" "$2" "$3" "$((T0 + $4))" "${5:+,\"pricing\":$5}" >>"$T/statuses.jsonl"
}
# pr CATEGORY TYPE [BILLABLE]: Meta's pricing object
pr() { printf '{"billable":%s,"pricing_model":"PMP","category":"%s","type":"%s"}' "${3:-true}" "$1" "$2"; }

st $A m1 sent 1 "$(pr marketing regular)"
st $A m1 delivered 2 "$(pr marketing regular)"		# two statuses, one message
st $A m2 delivered 3 "$(pr marketing regular false)"	# billable false: ignored
st $A m3 delivered 4 "$(pr utility free_customer_service)"	# billable true: ignored
st $A m4 read 5 "$(pr utility regular)"			# read implies delivered
st $A m5 sent 6 "$(pr marketing free_entry_point false)"
st $A m5 delivered 7					# pricing on one status only
st $A m5 read 8
st $A m6 sent 9 "$(pr utility regular)"			# never delivered
st $A m7 sent 10 "$(pr marketing regular)"
st $A m7 failed 11
st $A m8 delivered 12 "$(pr meta_business_agent regular)"	# a new category
st $A m9 delivered 13 "$(pr service free_customer_service false)"
st $A m10 delivered 14					# no pricing at all
st $A m11 delivered $((1711929600 - T0)) "$(pr utility regular)"	# the period's first second
st $A m12 delivered $((1711929599 - T0)) "$(pr utility regular)"	# the previous period's last
st $A m13 delivered $((1710000000 - T0)) "$(pr authentication regular)"	# March
st $B n1 delivered 20 "$(pr marketing regular)"
st $B n2 delivered 21 "$(pr utility free_entry_point false)"
st $B n3 delivered 22 "$(pr utility free_trial_2027 false)"	# a new free type
wa-recv "$T/statuses.jsonl" >"$T/recv.out" 2>&1 || echo "# wa-recv: $(head -3 "$T/recv.out")"
wa-recv "$T/statuses.jsonl" >"$T/recv.out" 2>&1	# delivered twice: counted once

row='[.channel, .category, .delivered, .charged, .free, .free_entry_point, .free_customer_service] | map(tostring) | join(" ")'
exits 0 "billing" wa-quota billing
is "$(jf "$row" | tr -d '"')" \
"$A null 1 0 0 0 0
$A marketing 3 2 1 1 0
$A meta_business_agent 1 1 0 0 0
$A service 1 0 1 0 1
$A utility 3 2 1 0 1
$B marketing 1 1 0 0 0
$B utility 2 0 2 1 0" "per channel and category, delivered only, each once"
is "$(jf '.types' | sed -n 2p)" '{"free_entry_point":1,"regular":2}' "counts by pricing.type"
is "$(jf '.types' | sed -n 7p)" '{"free_entry_point":1,"free_trial_2027":1}' "a new type as it is"
is "$(jf '.types' | sed -n 1p)" '{}' "no pricing: no type"
is "$(jf '[.period_start, .period_end] | join(" ")' | sort -u)" '"2024-04-01T00:00:00Z 2024-05-01T00:00:00Z"' "this period"

exits 0 "two periods" wa-quota billing --periods 2
is "$(jf '[.period_start, .channel, .category, .delivered, .charged] | map(tostring) | join(" ")' | tr -d '"' | head -3)" \
"2024-03-01T00:00:00Z $A authentication 1 1
2024-03-01T00:00:00Z $A utility 1 1
2024-04-01T00:00:00Z $A null 1 0" "the previous period first"
is "$(jf '.' | grep -c .)" "9" "then this one"

COLUMNS=132 exits 0 "the man page's example" wa-quota billing --periods 2 --table
like "$(sed -n 2p "$T/out")" "$A*authentication*1*1*0*0*0*2024-03-01 00:00" "last period first"
COLUMNS=132 exits 0 "a table" wa-quota billing --table
like "$(head -1 "$T/out")" "CHANNEL*CATEGORY*DELIVERED*CHARGED*FREE*ENTRY POINT*SERVICE*PERIOD START" "with its columns"
like "$(sed -n 3p "$T/out")" "$A*marketing*3*2*1*1*0*2024-04-01 00:00" "a row"

WA_NOW=1719800000 exits 0 "a period with nothing delivered" wa-quota billing
is "$(cat "$T/out")" "" "no records"

# Pricing that is not an object is no pricing: never an error
: >"$T/statuses.jsonl"
age=$((1719800000 - T0 - 100))	# in the period of 2024-07
st $A p1 delivered $age '"cheap"'
st $A p2 delivered $age '[1,2]'
st $A p3 delivered $age 7
st $A p4 delivered $age "$(pr utility regular)"
wa-recv "$T/statuses.jsonl" >"$T/recv.out" 2>&1 || echo "# wa-recv: $(head -3 "$T/recv.out")"
WA_NOW=1719800000 exits 0 "pricing as a string, an array, a number" wa-quota billing
is "$(jf "$row" | tr -d '"')" \
"$A null 3 0 0 0 0
$A utility 1 1 0 0 0" "counted as delivered without a category"

exits 64 "--periods 0" wa-quota billing --periods 0
exits 64 "--periods without billing" wa-quota history --periods 2
done_testing
