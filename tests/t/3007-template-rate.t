#!/bin/sh
# wa-template send --rate: the shared pipeline's rate limit, counted at the fake.
. "$(dirname "$0")/../lib.sh"
. "$top/tests/t/2000-send-lib.sh"
wa-template sync >/dev/null
fake_ctl reset >/dev/null
i=0
while [ $i -lt 12 ]; do
	printf '{"to":"+155540000%02d","params":["c%d","#%d"]}\n' $i $i $i
	i=$((i + 1))
done >"$T/twelve.jsonl"
exits 0 "12 templates at --rate 4" wa-template send order_update --language en_US --rate 4 "$T/twelve.jsonl"
is "$(jf .line | tr '\n' ' ')" "1 2 3 4 5 6 7 8 9 10 11 12 " "answered in input order"
is "$(sent_count)" "12" "all sent"
requests 'select(.path | endswith("messages")) | .time_ms' | sort -n >"$T/times"
max=$(awk '{ t[NR] = $1 } END { for (i = 1; i <= NR; i++) { n = 0
	for (j = i; j <= NR && t[j] - t[i] < 1000; j++) n++; if (n > m) m = n }; print m + 0 }' "$T/times")
ok $(( max <= 4 ? 0 : 1 )) "never more than 4 in any second (max $max)"
span=$(awk 'NR == 1 { a = $1 } END { print $1 - a }' "$T/times")
ok $(( span >= 2000 ? 0 : 1 )) "12 at 4/s take at least 2 s (${span} ms)"
done_testing
