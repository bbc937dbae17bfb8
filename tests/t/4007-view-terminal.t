#!/bin/sh
# SPDX-License-Identifier: MIT
# wa-view at a terminal (a pty, 80 columns and others): tables that fit, the session's time left, the channel, show wrapped, --peek, search, usage errors; JSON when piped unchanged.
. "$(dirname "$0")/../lib.sh"
. "$top/tests/fixtures/view/seed.sh"
seed_day

# cell TICKET FIELD: field FIELD of the row of ticket TICKET.
cell() { awk -v t="$1" -v f="$2" '$1 == t { print $f }' "$T/out"; }

# ---- list: the session and the channel ----
on_tty 80 "wa-view list"
ok $? "list on an 80-column terminal"
is "$(head -1 "$T/out")" "TICKET  WINDOW  OWNER  CONTACT    CHANNEL          NEW  PREVIEW" \
	"two channels: the window left and the channel; wa_id, status and last time left out"
[ "$(widest)" -le 80 ]; ok $? "no line is wider than 80 ($(widest))"
is "$(cell 1 2) $(cell 6 2) $(cell 4 2) $(cell 2 2) $(cell 3 2)" "23h 15h 12h 2m closed" \
	"time left in each session: hours, minutes, closed at exactly 24 h"
is "$(grep -c ' 111111111111111 ' "$T/out") $(grep -c ' 222222222222222 ' "$T/out")" "5 1" \
	"channel ids whole, so they can be copied"
like "$(grep '^1 ' "$T/out")" "*Ann Lee*hello again*~" "the preview is shortened with ~"

on_pty 120 wa-view list
ok $? "list on a 120-column terminal (its own size)"
is "$(head -1 "$T/out")" "TICKET  STATUS  WINDOW  OWNER  CONTACT    WA_ID        CHANNEL          LAST MESSAGE      NEW  PREVIEW" \
	"the terminal's width is asked: every column"
like "$(grep '^1 ' "$T/out")" "1 *open *23h *- *Ann Lee *15551230001 *111111111111111 *2024-04-16 16:57 *2 *hello again*" \
	"ids and times whole"
[ "$(widest)" -le 120 ]; ok $? "within 120 ($(widest))"

on_pty 60 wa-view list
[ "$(widest)" -le 60 ]; ok $? "60 columns: still fits ($(widest))"
is "$(grep -c ' 111111111111111 ' "$T/out")" "5" "channel ids still whole"
on_pty 40 wa-view list
is "$(grep -c ' 111111111111111 ' "$T/out")" "5" "40 columns: too narrow for the ids, which stay whole (lines overflow)"

on_tty 80 "WA_NOW=$((1713290400 - 2700)) wa-view list"
is "$(cell 2 2)" "45m" "45 minutes left"
on_tty 80 "WA_NOW=$((1713290400 - 30)) wa-view list"
is "$(cell 2 2)" "<1m" "under a minute"

# One channel: no channel column, room for the time of the last message
(
	WA_DB="$T/one.db"
	export WA_DB
	WA_NOW=1713200000 wa-connect add --waba 100200300400500 --phone-number-id $CH1 >/dev/null 2>&1
	wa-recv "$top/tests/fixtures/view/day.json" >/dev/null 2>&1
	wa-view assign 1 ann >/dev/null
	on_tty 80 "wa-view list --limit 2"
)
ok $? "a desk with one channel"
is "$(cat "$T/out")" "TICKET  WINDOW  OWNER  CONTACT   LAST MESSAGE      NEW  PREVIEW
1       23h     ann    Ann Lee   2024-04-16 16:57  2    hello again, order-123 ~
5       15h     -      Eve Moss  2024-04-16 09:35  1    [location] Shop Berlin" \
	"no channel column; the last message's time fits (as in wa-view(1))"

# ---- piped: JSON as before ----
exits 0 "list piped" wa-view list
is "$(head -1 "$T/out" | jq -c keys)" '["bsuid","channel","contact","contact_id","last_message_at","messages","origin","owner","preview","session_expires_at","session_open","source","status","thread_id","ticket_id","to","unread","username","wa_id"]' \
	"the same keys, nothing for the terminal"
is_json 'select(.thread_id == "2") | [.session_open, .session_expires_at]' '[true,"2024-04-16T18:00:00Z"]' "the window as a time"

# ---- show: the thread, then each message with its text under it ----
long="Hello, I ordered a blue kettle on Monday and the tracking page still says the label was created but nothing has shipped since then. Could you check? Thanks"
esc=$(printf 'red\033[31m alert\033]0;title\007')
wa-webhook text --from 15551230001 --name "Ann Lee" --wamid wamid.long --timestamp $((WA_NOW - 60)) --text "$long" | wa-recv >/dev/null
wa-webhook text --from 15551230001 --name "Ann Lee" --wamid wamid.esc --timestamp $((WA_NOW - 5)) --text "$esc" | wa-recv >/dev/null
before=$(sql "SELECT unread FROM threads WHERE id = 1")

on_tty 80 "wa-view show 1 --peek"
ok $? "show on a terminal"
is "$(sed -n 1,8p "$T/out")" "thread:   1
ticket:   1
status:   open
owner:    -
contact:  Ann Lee
wa_id:    15551230001
channel:  111111111111111
window:   23h" "the thread as aligned key: value lines"
is "$(sed -n 9,10p "$T/out")" "
TIME              DIR  FROM         TO           TYPE  STATUS  READ" "a blank line, then the messages"
[ "$(widest)" -le 80 ]; ok $? "no line wider than 80 ($(widest))"
awk '/^2024-04-16 17:56 /{ on = 1; next } on && /^    / { sub(/^    /, ""); print; next } { on = 0 }' "$T/out" >"$T/body"
[ "$(grep -c . "$T/body")" -ge 2 ]; ok $? "the long text is wrapped over lines under its message"
is "$(tr '\n' ' ' <"$T/body" | sed 's/ $//')" "$long" "every word, in order, nothing cut"
is "$(grep -c "$(printf '\033')" "$T/out")" "0" "no escape sequence of a message reaches the terminal"
like "$(grep -A1 '^2024-04-16 17:56 ' "$T/out" | tail -1)" "    Hello, I ordered*" "the text is indented under its line"
is "$(sql "SELECT unread FROM threads WHERE id = 1")" "$before" "--peek leaves the unread count ($before)"

on_pty 50 wa-view show 1 --peek
[ "$(widest)" -le 50 ]; ok $? "50 columns: wrapped narrower ($(widest))"
is "$(grep '^TIME' "$T/out")" "TIME              DIR  FROM         TYPE  STATUS" "TO, then READ, left out"
[ "$(awk '/^    /' "$T/out" | grep -c .)" -gt "$(grep -c . "$T/body")" ]; ok $? "more lines than at 80"

exits 0 "--peek piped" wa-view show 1 --peek
is "$(sql "SELECT unread FROM threads WHERE id = 1")" "$before" "still unread"
is_json 'select(.record == "thread") | .unread' "$before" "the thread record as before"
exits 0 "show without --peek" wa-view show 1
is "$(sql "SELECT unread FROM threads WHERE id = 1")" "0" "reads it"
exits 64 "--peek is for show" wa-view list --peek
on_tty 80 "wa-view show 99"
is "$?:$(sed -n 2,4p "$T/out")" "1:ok:               no
error.code:       unknown_thread
error.message:    no thread 99" "an unknown thread: the error as key: value lines, exit 1"

# ---- search from the terminal: prefixes and phrases ----
wa-webhook text --from 15551230004 --name "Dee Park" --wamid wamid.s1 --timestamp $((WA_NOW - 20)) --text "When does my shipment arrive?" | wa-recv >/dev/null
wa-webhook text --from 15551230004 --name "Dee Park" --wamid wamid.s2 --timestamp $((WA_NOW - 10)) --text "Shipping to Berlin, please" | wa-recv >/dev/null
on_tty 80 "wa-view search 'ship*'"
ok $? "search a prefix on a terminal"
is "$(head -1 "$T/out")" "TIME              THREAD  TICKET  CONTACT   DIR  SNIPPET" "the hits as a table"
is "$(awk 'NR > 1 { print $3 }' "$T/out" | tr '\n' ' ')" "4 4 1 " "shipping, shipment and shipped, newest first"
like "$(sed -n 2p "$T/out")" "*\\[Shipping\\] to Berlin*" "the matching word in brackets"
[ "$(widest)" -le 80 ]; ok $? "within 80 ($(widest))"
on_tty 80 "wa-view search ship"
is "$(grep -c . "$T/out")" "1" "without the star a whole word: no hit, the header only"
on_tty 80 "wa-view search '\"nothing has shipped\"'"
is "$(awk 'NR > 1 { print $3 }' "$T/out")" "1" "a phrase"
on_tty 80 "wa-view search '\"has nothing shipped\"'"
is "$(grep -c . "$T/out")" "1" "its words in order only"

# ---- usage errors: one line and the hint ----
exits 64 "an unknown command" wa-view lst
is "$(cat "$T/err")" "wa-view: usage: unknown command 'lst'
Try 'wa-view --help' for more information." "one line saying what is wrong, then the hint"
exits 64 "an unknown option" wa-view list --bogus
is "$(cat "$T/err")" "wa-view: unrecognized option '--bogus'
Try 'wa-view --help' for more information." "getopt's line, then the hint"
exits 0 "--help" wa-view --help
like "$(cat "$T/out")" "usage: wa-view list*wa-view show THREAD | --ticket N [--peek]*" "the synopsis only with --help"

done_testing
