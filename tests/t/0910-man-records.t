#!/bin/sh
# SPDX-License-Identifier: MIT
# wa-records(5) and wa(7) name every event wa-recv emits for the conformance webhooks and every error code the sources set.
. "$(dirname "$0")/../lib.sh"
rec="$top/man/wa-records.5"
seven="$top/man/wa.7"
dir="$top/tests/fixtures/conformance/webhooks"

groff -mdoc -ww -z "$rec" 2>"$T/groff"; ok $? "wa-records.5 formats"
is "$(cat "$T/groff")" "" "without warnings"

# documented WORD FILE: WORD appears as a literal (.Li, .It Li) in FILE.
documented() { grep -E "^\..*Li( .*)? $1( |\$)" "$2" >/dev/null; }

# Every event and skip reason of the conformance webhooks, channels connected.
exits 0 "database created" wa-recv /dev/null
for id in 106540352242922 109999999999999 1111111111111 1122334455667 16315551234 27681414235104944 409552778964973; do
	sql "INSERT INTO channels (id, waba_id, phone, connected_at) VALUES ('$id', 'w', '9$id', 0)"
done
wa-recv "$dir"/*.json >"$T/events" 2>/dev/null
is "$(sql "SELECT count(*) FROM deliveries")" "$(ls "$dir"/*.json | wc -l | tr -d ' ')" "every conformance webhook ingested"
# A duplicate and a status, so that those events are seen too.
wa-recv "$dir/message-text.json" >>"$T/events" 2>/dev/null
n=0
grep -q '^\.It Ar field$' "$rec"; ok $? "other webhook fields are described as one kind"
for ev in $(jq -r 'select(.field != .event) | .event' "$T/events" | sort -u); do
	documented "$ev" "$rec"; ok $? "event $ev in wa-records(5)"
	n=$((n + 1))
done
jq -r 'select(.field == .event) | .event' "$T/events" | sort -u >"$T/fields"
[ -s "$T/fields" ]; ok $? "other fields are events under their own name: $(tr '\n' ' ' <"$T/fields")"
[ "$n" -ge 8 ]; ok $? "at least 8 kinds of event ($n)"
for r in duplicate before_connect not_connected unknown_channel; do
	cat "$top"/lib/ingest/*.c | grep -q "$r"; ok $? "skip reason $r is still what wa-recv says"
	documented "$r" "$rec"; ok $? "skip reason $r in wa-records(5)"
done

# Every code the sources set or map Meta's codes to, with its action.
{
	grep -ohE 'wa_err_set\([^,]+, *[A-Z_0-9]+, *"[a-z_]+"' "$top"/lib/*.c "$top"/cmd/*.c
	grep -ohE '\{ *[0-9]+, *[0-9]+, *"[a-z_]+"' "$top/lib/graph.c"
	grep -ohE '\{ *"[a-z_]+", *"(retry|use_template|fix_input|admin|never)" *\}' "$top/lib/err.c"
} | grep -oE '"[a-z_]+"' | tr -d '"' | sort -u >"$T/codes"
[ "$(wc -l <"$T/codes")" -ge 20 ]; ok $? "found the codes ($(wc -l <"$T/codes" | tr -d ' '))"
for c in $(cat "$T/codes"); do
	case $c in retry|use_template|fix_input|admin|never) continue ;; esac
	documented "$c" "$rec"; ok $? "error code $c in wa-records(5)"
done
for c in invalid_input invalid_phone not_connected unknown_thread window_closed \
    quota_exhausted daily_limit template_not_found template_not_approved \
    template_params media_type media_too_large rate_limited auth network \
    graph_error ambiguous duplicate limit_reached already_connected; do
	documented "$c" "$seven"; ok $? "SPEC code $c in wa(7)"
	documented "$c" "$rec"; ok $? "SPEC code $c in wa-records(5)"
done
for a in retry use_template fix_input admin never; do
	grep -q "^\.It Li $a\$" "$rec"; ok $? "action $a explained"
done
# Every page wa(7) refers to exists.
for x in $(grep -E '^\.Xr wa' "$seven" | awk '{ print $2 "." $3 }' | sort -u); do
	[ -f "$top/man/$x" ]; ok $? "wa(7) refers to man/$x, which exists"
done
done_testing
