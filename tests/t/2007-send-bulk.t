#!/bin/sh
# wa-send: bulk sends: answers in input order, --rate never exceeded, pair rate queued.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/2000-send-lib.sh"

: >"$T/bulk.json"
for i in $(seq 10 24); do
	inbound 155500000$i 60
	echo "{\"to\":\"155500000$i\",\"text\":\"n$i\"}" >>"$T/bulk.json"
done
exits 0 "15 messages at --rate 5" wa-send --rate 5 "$T/bulk.json"
is "$(jf .line | tr '\n' ' ')" "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 " "answered in input order"
is "$(sent_count)" "15" "all sent"
requests .time_ms >"$T/times"
# the most requests in any 1-second window
max=$(sort -n "$T/times" | awk '{ t[NR] = $1 } END { m = 0; for (i = 1; i <= NR; i++) { n = 0; for (j = i; j <= NR && t[j] - t[i] < 1000; j++) n++; if (n > m) m = n } print m }')
ok $(( max <= 5 ? 0 : 1 )) "never more than 5 in any second (max $max)"
span=$(sort -n "$T/times" | awk 'NR == 1 { a = $1 } END { print $1 - a }')
ok $(( span >= 2000 ? 0 : 1 )) "15 at 5/s take more than 2 s (${span} ms)"

# some records fail: every input answered in order, exit 1
fake_ctl reset >/dev/null
printf '%s\n' '{"to":"15550000010","text":"ok"}' '{"to":"15559999999","text":"never wrote"}' \
	'not json' '{"thread_id":999,"text":"no thread"}' '{"to":"15550000011","text":"ok"}' >"$T/mixed.json"
exits 1 "a bulk send with failing records" wa-send "$T/mixed.json"
is "$(jf '[.line, .ok, .error.code]')" '[1,true,null]
[2,false,"window_closed"]
[3,false,"invalid_input"]
[4,false,"unknown_thread"]
[5,true,null]' "every input answered in order"
is "$(sent_count)" "2" "only the good ones sent"

# pair rate: 5 at once to one user, then one per 6 s; others go on meanwhile
fake_ctl reset >/dev/null
: >"$T/pair.json"
for i in 1 2 3 4 5 6; do echo "{\"to\":\"15550000012\",\"text\":\"p$i\"}" >>"$T/pair.json"; done
echo '{"to":"15550000013","text":"other"}' >>"$T/pair.json"
exits 0 "six messages to one user" wa-send "$T/pair.json"
is "$(jf .line | tr '\n' ' ')" "1 2 3 4 5 6 7 " "answered in input order"
t1=$(requests 'select(.body.text.body == "p1") | .time_ms')
t6=$(requests 'select(.body.text.body == "p6") | .time_ms')
to=$(requests 'select(.body.text.body == "other") | .time_ms')
ok $(( t6 - t1 >= 5500 ? 0 : 1 )) "the sixth waited for the pair rate ($((t6 - t1)) ms)"
ok $(( to < t6 ? 0 : 1 )) "another user's message did not wait"
is "$(jf .ok | sort -u)" "true" "queued, not failed"

done_testing
