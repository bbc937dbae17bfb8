#!/bin/sh
# SPDX-License-Identifier: MIT
# wa-recv's desk cache changes no answer: a move in a batch, other tools between deliveries.
. "$(dirname "$0")/../lib.sh"
. "$top/tests/t/1000-recv-lib.sh"
start_fake
exits 0 "connect a channel" wa-connect add --waba 100200300400500 --phone-number-id $CH
T0=1713290300

# Rule 4 in one batch (one transaction): the number moves, then both
# numbers write again.
{
	msg 15551230001 wamid.M1 $T0 "one"
	msg 15551230001 wamid.M2 $((T0 + 1)) "two"
	changed 15551230001 15551230099 wamid.M3 $((T0 + 2))
	msg 15551230099 wamid.M4 $((T0 + 3)) "from the new number"
	msg 15551230001 wamid.M5 $((T0 + 4)) "from the old number"
	msg 15551230099 wamid.M6 $((T0 + 5)) "new again"
} >"$T/d"
exits 0 "one batch with a number change" wa-recv "$T/d"
is "$(jq -r '[.wamid, .contact_id, .thread_id] | join(":")' "$T/out" | tr '\n' ' ')" \
	"wamid.M1:1:1 wamid.M2:1:1 wamid.M3:1:1 wamid.M4:1:1 wamid.M5:2:2 wamid.M6:1:1 " \
	"after the move the new number is the contact, the old one a new contact"
is "$(sql "SELECT id, wa_id FROM contacts ORDER BY id" | tr '\n' ' ')" \
	"1|15551230099 2|15551230001 " "contacts"

# Two deliveries to one wa-recv serve (a transaction each); between them
# other tools close the ticket, rename the contact and move the session.
WA_APP_SECRET=cache-secret
export WA_APP_SECRET
post() {	# post FILE: prints the HTTP status
	curl -s -o /dev/null -w '%{http_code}' -H "X-Hub-Signature-256: $(sig "$1")" \
		--data-binary @"$1" "$SRV/webhook"
}
start_serve
msg 15551230077 wamid.P1 $((T0 + 10)) "first" >"$T/p1"
msg 15551230077 wamid.P2 $((T0 + 30)) "second" >"$T/p2"
msg 15551230077 wamid.P3 $((T0 + 40)) "third" >"$T/p3"
is "$(post "$T/p1")" 200 "first delivery committed"
WA_NOW=$((T0 + 20)) wa-view close 3 >"$T/out" 2>&1
ok $? "another process closes the ticket"
sql "UPDATE contacts SET profile_name = 'Renamed' WHERE id = 3;
     UPDATE sessions SET last_inbound_at = $((T0 + 500)) WHERE contact_id = 3"
is "$(post "$T/p2")" 200 "second delivery committed"
is "$(post "$T/p3")" 200 "third delivery committed"
stop_serve
is "$(sql "SELECT m.wamid, m.contact_id, k.id, k.status FROM messages m
	JOIN tickets k ON k.thread_id = m.thread_id WHERE m.contact_id = 3
	ORDER BY m.id" | tr '\n' ' ')" \
	"wamid.P1|3|3|closed wamid.P2|3|4|open wamid.P3|3|4|open " \
	"ticket closed by wa-view between the deliveries: a new ticket"
is "$(sql "SELECT last_inbound_at - $T0 FROM sessions WHERE contact_id = 3")" 500 \
	"the session moved by another tool is not moved back"
is "$(sql "SELECT profile_name FROM contacts WHERE id = 3")" "Ann" \
	"the contact renamed by another tool gets Meta's name again"
done_testing
