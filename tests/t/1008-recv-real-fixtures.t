#!/bin/sh
# SPDX-License-Identifier: MIT
# wa-recv over real webhook bodies from other projects' fixtures (tests/fixtures/real): each ingests as Meta means it.
. "$(dirname "$0")/../lib.sh"
dir="$top/tests/fixtures/real/webhooks"
expect="$top/tests/fixtures/real/expect.jsonl"

# Bodies whose placeholders make an element unreadable (a "from" of
# "PHONE_NUMBER" or a masked "91XXXXXXXXX" with no number in contacts[],
# a "TIMESTAMP"; one synthetic text without its text object): that
# element is an error, reported with its path, and the rest goes on.
# file  what is an error
placeholders='
message-contacts-full-card-netflie.json from
message-contacts-two-cards-redacted-restfb.json from
message-interactive-nfm-reply-flow-netflie.json from
message-location-string-coordinates-netflie.json from
message-order-two-items-string-placeholders-netflie.json from
message-reaction-removed-no-emoji-netflie.json from
message-system-user-changed-number-customer-netflie.json from
status-sent-cbp-placeholders-restfb.json timestamp
multi-change-eighteen-fields-kapso.json cannot be attributed
message-interactive-flow-response-json-string-wapoc.json from
message-order-placeholder-from-string-quantities-wapoc.json from
message-reaction-placeholder-from-timestamp-cloudapitypes.json valid timestamp
multi-change-text-without-body-and-account-alerts-heicg.json text.body
'
fresh() {	# fresh FILE: an empty desk with every channel FILE names
	store_remove
	wa-recv /dev/null >/dev/null
	for id in $(grep -o '"phone_number_id": *"[^"]*"' "$1" | sed 's/.*"\([^"]*\)"$/\1/' | sort -u); do
		sql "INSERT INTO channels (id, waba_id, phone, connected_at) VALUES ('$id', 'w', '9$id', 0)"
	done
}
count() { jq -s "[.[] | select($1)] | length" "$T/out"; }

n=0
while read -r line; do
	f=$(printf '%s' "$line" | jq -r .file)
	want() { printf '%s' "$line" | jq -r "$1"; }
	fresh "$dir/$f"
	wa-recv "$dir/$f" >"$T/out" 2>"$T/err"
	rc=$?
	why=$(printf '%s\n' "$placeholders" | grep "^$f " | cut -d' ' -f2-)
	if [ -n "$why" ]; then
		[ $rc -eq 1 ]; ok $? "$f: exit 1 (a placeholder)"
		like "$(jq -r 'select(.event == "error") | .message' "$T/out")" "*$why*" "$f: the unreadable element named"
		like "$(cat "$T/err")" "wa-recv: line *: invalid_input: entry*" "$f: and on stderr"
	else
		[ $rc -eq 0 ]; ok $? "$f: exit 0"
		is "$(count '.event == "message"')" "$(want .messages)" "$f: every message"
		is "$(count '.event == "echo"')" "$(want .echoes)" "$f: every echo"
		is "$(count '.event == "message" and .group_id != null')" "$(want .group_messages)" "$f: group messages in their group"
		# A status of a message (not a call's, kept whole as a calls event)
		st=$(want '.statuses')
		case " $(want '.fields | join(" ")') " in *" calls "*) st=0 ;; esac
		is "$(count '.event == "status"')" "$st" "$f: every status"
		# Every change is an event of its own (messages' are their elements)
		for fld in $(want '.fields[] | select(. != "messages" and . != "smb_message_echoes")' | sort -u); do
			[ "$(count ".field == \"$fld\" or .of == \"$fld\"")" -gt 0 ]; ok $? "$f: the $fld change kept as an event"
		done
	fi
	is "$(sql "SELECT count(*) FROM deliveries")" 1 "$f: stored raw"
	is "$(jq -s '[.[] | select(.seq == null)] | length' "$T/out")" 0 "$f: every event numbered"
	n=$((n + 1))
done <"$expect"
[ "$n" -ge 60 ]; ok $? "at least 60 real bodies ($n)"
done_testing
