#!/bin/sh
# SPDX-License-Identifier: MIT
# wa-recv media from cron: permanent failures are marked failed once, transient ones back off, a second run is quiet.
. "$(dirname "$0")/../lib.sh"

b64sha() { printf '%s' "$1" | openssl dgst -sha256 -binary | openssl base64 -A; }
# deliver MEDIA-ID CONTENT WAMID FROM [TIMESTAMP]
deliver() {
	wa-webhook image --media-id "$1" --sha256 "$(b64sha "$2")" --wamid "$3" \
		--from "$4" --timestamp "${5:-1713290000}" >"$T/d.json"
	wa-recv "$T/d.json" >/dev/null
}
state() { sql "SELECT media_state || ' ' || media_attempts || ' ' || coalesce(CAST(media_retry_at - $1 AS TEXT), '-') FROM messages WHERE wamid = '$2'"; }

start_fake
WA_NOW=1700000000 wa-connect add --waba 100200300400500 --phone-number-id 111111111111111 >/dev/null
deliver 5000000000000001 'fake jpeg bytes' wamid.META 15550000001
deliver 5000000000000001 'fake jpeg bytes' wamid.CDN 15550000002
# a week and a bit before now: Meta no longer has it
deliver 5000000000000001 'fake jpeg bytes' wamid.OLD 15550000003 $((WA_NOW - 7 * 86400 - 10))

# the first run: Meta's download error for the first id, the CDN failing
# for the second (Graph unavailable: the run stops there)
fake_ctl fault '{"method":"GET","path_suffix":"/5000000000000001","times":1,"http":400,"code":131052}' >/dev/null
fake_ctl fault '{"method":"GET","path_suffix":"/_media/5000000000000001","times":2,"http":502}' >/dev/null
WA_GRAPH_RETRIES=1 exits 69 "first run: the CDN's 502 stops the run" wa-recv media --pending
is "$(jf '[.input.wamid, .error.graph_code, .media_state, .action] | tostring' | tr '\n' ' ')" \
	'"[\"wamid.META\",131052,\"failed\",\"never\"]" "[\"wamid.CDN\",null,\"pending\",\"retry\"]" ' \
	"Meta's download error 131052 is final; the CDN's 502 may pass"
is "$(state $WA_NOW wamid.META)" "failed 1 -" "failed: no next try"
like "$(sql "SELECT media_error FROM messages WHERE wamid = 'wamid.META'")" "*131052*" "with Meta's reason"
is "$(state $WA_NOW wamid.CDN)" "pending 1 300" "pending: tried again in 5 minutes"
is "$(state $WA_NOW wamid.OLD)" "pending 0 -" "the run stopped before the third"
like "$(cat "$T/err")" "*wa-recv: graph_error:*131052*" "reported on stderr"

# the next run: only the third is due; it is a week old, so a failure
# that might pass (a stale download URL) is final
fake_ctl reset >/dev/null
fake_ctl fault '{"method":"GET","path_suffix":"/_media/5000000000000001","times":1,"http":404,"code":100}' >/dev/null
exits 1 "second run: the week-old one fails" wa-recv media --pending
is_json '[.input.wamid, .media_state, .action]' '["wamid.OLD","failed","never"]' "for good"
like "$(jf .error.message)" '"expired (Meta keeps a message'"'"'s media 7 days): *"' "says why"

# ---- cron runs it again: nothing new, nothing said, exit 0 ----
fake_ctl reset >/dev/null
exits 0 "run again at once: exit 0" wa-recv media --pending
is "$(cat "$T/out" "$T/err")" "" "and quiet (no mail from cron)"
is "$(nrequests)" 0 "no request"

# the wait doubles with each failed try, up to 6 hours
now=$WA_NOW
for want in 600 1200 2400 4800 9600 19200 21600 21600; do
	now=$(sql "SELECT media_retry_at FROM messages WHERE wamid = 'wamid.CDN'")
	fake_ctl fault '{"method":"GET","path_suffix":"/_media/5000000000000001","times":1,"http":404,"code":100}' >/dev/null
	WA_NOW=$now wa-recv media >/dev/null 2>&1
	got=$(state $now wamid.CDN)
	[ "$got" = "pending $(sql "SELECT media_attempts FROM messages WHERE wamid = 'wamid.CDN'") $want" ]
	ok $? "the wait after this try: $want s ($got)"
done
is "$(sql "SELECT media_attempts FROM messages WHERE wamid = 'wamid.CDN'")" 9 "nine tries"

# the same for the one that kept failing, once Meta no longer keeps it
sent=$(sql "SELECT timestamp FROM messages WHERE wamid = 'wamid.CDN'")
late=$((sent + 7 * 86400))
fake_ctl fault '{"method":"GET","path_suffix":"/_media/5000000000000001","times":1,"http":404,"code":100}' >/dev/null
WA_NOW=$late exits 1 "a week after the message: the failure is final" wa-recv media
is_json '[.input.wamid, .media_state, .action]' '["wamid.CDN","failed","never"]' "marked failed"
WA_NOW=$late exits 0 "and not tried again" wa-recv media
is "$(cat "$T/out" "$T/err")" "" "quietly"

# ---- --retry-failed forces: what is there is fetched, the rest fail again
fake_ctl reset >/dev/null
exits 0 "--retry-failed: all three downloaded now" wa-recv media --retry-failed
is "$(jf 'select(.ok) | .wamid' | sort | tr '\n' ' ')" '"wamid.CDN" "wamid.META" "wamid.OLD" ' "every one"
is "$(sql "SELECT count(*) FROM messages WHERE media_state = 'done' AND media_retry_at IS NULL")" 3 "done, no wait left"
done_testing
