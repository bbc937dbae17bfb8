#!/bin/sh
# SPDX-License-Identifier: MIT
# wa-view list: every filter, window boundaries to the second, --where, JSON and table output.
. "$(dirname "$0")/../lib.sh"
. "$top/tests/fixtures/view/seed.sh"
seed_day

ids() { jq -r -s 'map(.thread_id) | join(",")' "$T/out"; }

exits 0 "list, piped" wa-view list
is "$(ids)" "1,6,5,4,2,3" "open threads, newest activity first, all of them when piped"
is_json 'select(.thread_id == "1") | [.ticket_id, .status, .owner, .contact, .wa_id, .channel, .last_message_at, .preview, .unread, .session_open, .session_expires_at, .messages, .source]' \
	'["1","open",null,"Ann Lee","15551230001","111111111111111","2024-04-16T16:57:05Z","hello again, order-123 still missing",2,true,"2024-04-17T16:57:05Z",2,"whatsapp"]' \
	"a row carries ticket, status, owner, contact, wa_id, channel, last message, preview, unread, session"
is_json 'select(.thread_id == "4") | .preview' '"[quarantined]"' "a quarantined last message is hidden in the preview"
is_json 'select(.thread_id == "2") | .preview' '"[image] broken screen"' "media preview: type and caption"
is "$(jq -r 'keys | length' "$T/out" | sort -u)" "19" "every row has the same keys"
like "$(head -c 1 "$T/out")" "{" "JSON lines when piped"

exits 0 "--limit" wa-view list --limit 2
is "$(ids)" "1,6" "--limit 2"
exits 0 "--limit 0 means all" wa-view list --limit 0
is "$(ids)" "1,6,5,4,2,3" "all rows"

exits 0 "--channel" wa-view list --channel $CH2
is "$(ids)" "5" "only the second channel"
exits 0 "--contact by number" wa-view list --contact "+1 555 123 0005"
is "$(ids)" "6,5" "both of Eve's threads"
exits 0 "--contact by id" wa-view list --contact 4
is "$(ids)" "4" "contact id 4"
exits 0 "--search" wa-view list --search order
is "$(ids)" "1" "threads with a message matching"
exits 0 "--search never matches hidden content" wa-view list --search payload
is "$(ids)" "" "the quarantined link is not searchable"
exits 0 "--since" wa-view list --since 2024-04-16T09:33:20Z
is "$(ids)" "1,6,5" "last message at or after the time"
exits 0 "--since in Unix seconds" wa-view list --since 1713260001
is "$(ids)" "1,6" "Unix seconds too"
exits 0 "--source whatsapp" wa-view list --source whatsapp
is "$(ids)" "1,6,5,4,2,3" "every thread is from WhatsApp"
exits 0 "--source other" wa-view list --source email
is "$(ids)" "" "no other source"

# Window: Bob's session closes at now + 175 s, Cy's exactly now.
exits 0 "--window open" wa-view list --window open
is "$(ids)" "1,6,5,4,2" "Cy's session closed at exactly 24 h"
exits 0 "--window closed" wa-view list --window closed
is "$(ids)" "3" "only Cy"
exits 0 "--window closing (1 h)" wa-view list --window closing
is "$(ids)" "2" "Bob closes within the hour"
exits 0 "--window closing:175s" wa-view list --window closing:175s
is "$(ids)" "2" "closes at now + 175: inside"
exits 0 "--window closing:174s" wa-view list --window closing:174
is "$(ids)" "" "one second short"
WA_NOW=1713290224 exits 0 "one second earlier" wa-view list --window closing:1s
is "$(ids)" "3" "Cy is open for one more second and closing"
WA_NOW=1713290224 exits 0 "one second earlier, open" wa-view list --window open --contact 15551230003
is "$(ids)" "3" "open at 24 h minus 1 s"

# Status, owner, unassigned
wa-view assign 4 alice >/dev/null && wa-view close 2 >/dev/null
exits 0 "--status closed" wa-view list --status closed
is "$(ids)" "2" "closed tickets"
exits 0 "--status all" wa-view list --status all
is "$(ids)" "1,6,5,4,2,3" "all tickets"
exits 0 "--owner" wa-view list --owner alice
is "$(ids)" "4" "alice's"
exits 0 "--owner me" wa-view list --owner me --as alice
is "$(ids)" "4" "me is the user (--as), as for assign and watch"
exits 0 "a saved view of mine" wa-view create mine-alice --owner me --sharing everyone --as alice
exits 0 "listed by its owner" wa-view list --view mine-alice --as alice
is "$(ids)" "4" "me is whoever lists it"
exits 0 "--unassigned" wa-view list --unassigned
is "$(ids)" "1,6,5,3" "open and without owner"
exits 0 "--status sent" wa-view list --status sent
is "$(ids)" "" "no thread started by the business yet"
sql "UPDATE threads SET origin = 'outbound' WHERE id = 5"
exits 0 "--status sent after an outbound thread" wa-view list --status sent
is "$(ids)" "5" "threads the business started"

# --where: one jq program over each row
exits 0 "--where" wa-view list --where '.unread > 1 and .session_open'
is "$(ids)" "1,4" "a jq predicate over the row"
exits 0 "--where with a regex" wa-view list --where '.contact | test("^E")'
is "$(ids)" "6,5" "regex in jq"
exits 0 "--where that fails at run time is false" wa-view list --where '(.contact + 1) > 0'
is "$(ids)" "" "no row passes"
like "$(cat "$T/err")" "*warning: --where failed on 5 rows*" "counted in a warning"
exits 64 "--where that does not compile" wa-view list --where '.unread >'
like "$(cat "$T/err")" "wa-view: invalid_input: --where: *syntax error*" "names the jq error"
exits 0 "filters combine" wa-view list --channel $CH1 --unassigned --window open --limit 1
is "$(ids)" "1" "channel and unassigned and window and limit"

# Bad values
exits 64 "bad --status" wa-view list --status maybe
like "$(cat "$T/err")" "*--status: bad value 'maybe'*" "names the option"
exits 64 "bad --window" wa-view list --window closing:soon
exits 64 "bad --since" wa-view list --since yesterday
exits 64 "bad --limit" wa-view list --limit -1
exits 64 "an operand" wa-view list 7
exits 64 "empty --search" wa-view list --search " "

# Output: a table on a terminal (script gives a pty), JSON with --json
COLUMNS=100 script -qec "wa-view list --status all" /dev/null >"$T/tty" 2>&1
ok $? "list under a pseudo-terminal"
tr -d '\r' <"$T/tty" >"$T/table"
like "$(head -1 "$T/table")" "TICKET*WINDOW*OWNER*CONTACT*CHANNEL*LAST MESSAGE*NEW*PREVIEW*" "a header row"
is "$(grep -c . "$T/table")" "7" "header and six rows"
like "$(sed -n 2p "$T/table")" "1 *23h *- *Ann Lee *111111111111111 *2024-04-16 16:57 *2 *hello again*" "aligned columns"
is "$(awk '{ if (length($0) > m) m = length($0) } END { print (m <= 100) }' "$T/table")" "1" "fits the terminal width"
exits 0 "--json on a terminal forces JSON" script -qec "wa-view list --json --limit 1" /dev/null
like "$(tr -d '\r' <"$T/out")" '{"ticket_id":"1"*' "JSON"
exits 0 "--table when piped" wa-view list --table --limit 1 --where '.thread_id == "3"'
like "$(head -1 "$T/out")" "TICKET*" "table"
is "$(grep -c . "$T/out")" "2" "one row"
COLUMNS=80 script -qec "wa-view list" /dev/null >"$T/tty" 2>&1
is "$(tr -d '\r' <"$T/tty" | awk '{ if (length($0) > m) m = length($0) } END { print (m <= 80) }')" "1" "an 80-column terminal cuts long text"
like "$(tr -d '\r' <"$T/tty" | sed -n 2p)" "*~" "a cut cell ends with ~"
done_testing
