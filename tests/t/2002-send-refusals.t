#!/bin/sh
# wa-send: every refusal before any request (rules 5 and 6), usage and config errors.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/2000-send-lib.sh"

exits 1 "a number that never wrote" wa-send --to 15551234567 --text hi
is_json '[.ok, .error.code, .error.graph_code, .action, .wa_id, .channel]' \
	'[false,"window_closed",null,"use_template","15551234567","111111111111111"]' "window_closed, refused here: no Meta graph_code"
like "$(jf .error.message)" '"no message from 15551234567 on channel 111111111111111 yet*wa-template"' "says never, points to wa-template"
like "$(cat "$T/err")" "wa-send: window_closed: no message from*" "diagnostic"

# rule 5 to the second: at exactly 24 h the session is closed
inbound 15550000001 86400
exits 1 "last inbound exactly 24 h ago" wa-send --to 15550000001 --text hi
is_json .error.code '"window_closed"' "closed at 24 h"
like "$(jf .error.message)" '*closed at 2024-04-16T17:57:05Z*' "names when it closed"
th=$(sql "SELECT t.id || ' ' || k.id FROM threads t JOIN tickets k ON k.thread_id = t.id JOIN contacts c ON c.id = t.contact_id WHERE c.wa_id = '15550000001'")
is "$(jf '.thread_id + " " + .ticket_id')" "\"$th\"" "the refusal names the contact's open thread and ticket"
inbound 15550000002 86399
exits 0 "last inbound 24 h minus a second ago" wa-send --to 15550000002 --text hi
is_json .conversation '"new_user_initiated"' "still open"
is "$(sent_count)" "1" "only the open one reached Meta"

exits 1 "a thread that does not exist" wa-send --thread 99 --text hi
is_json '[.error.code, .action]' '["unknown_thread","fix_input"]' "unknown_thread"
exits 1 "a malformed number" wa-send --to "555-CALL-NOW" --text hi
is_json .error.code '"invalid_phone"' "invalid_phone"
exits 1 "a national number without WA_DEFAULT_CC" wa-send --to "0555 1234" --text hi
is_json .error.code '"invalid_phone"' "invalid_phone"
exits 1 "a record without a recipient" sh -c 'echo "{\"text\":\"hi\"}" | wa-send'
is_json .error.code '"invalid_input"' "invalid_input"
exits 1 "a number given as a JSON number" sh -c 'echo "{\"to\":15550000002,\"text\":\"hi\"}" | wa-send'
like "$(jf .error.message)" '*must be strings*' "IDs and numbers are strings"
exits 1 "a record with nothing to send" sh -c 'echo "{\"to\":\"15550000002\"}" | wa-send'
like "$(jf .error.message)" '*nothing to send*' "invalid_input"
exits 1 "an empty text" wa-send --to 15550000002 --text ""
is_json .error.code '"invalid_input"' "invalid_input"
long=$(head -c 4097 /dev/zero | tr '\0' a)
exits 1 "a text over 4096 characters" wa-send --to 15550000002 --text "$long"
is_json .error.code '"invalid_input"' "invalid_input"

# rule 6: the monthly limit
sql "INSERT INTO settings VALUES ('quota.limit', '1')"
inbound 15550000003 60
exits 1 "a new conversation at the limit" wa-send --to 15550000003 --text hi
is_json '[.error.code, .action]' '["quota_exhausted","admin"]' "quota_exhausted"
like "$(jf .error.message)" '*limit of 1 conversations is reached*' "says which limit"
exits 0 "inside an already counted session at the limit" wa-send --to 15550000002 --text again
is_json .conversation '"existing"' "never refused for quota"
is "$(sent_count)" "2" "the refused one was not sent"
sql "DELETE FROM settings WHERE key = 'quota.limit'"

# channels
exits 78 "bulk: a record naming an unknown channel ends the run" sh -c \
	'printf "%s\n" "{\"to\":\"15550000002\",\"text\":\"a\",\"channel\":\"999\"}" | wa-send'
is "$(jf .error.code)" '"not_connected"' "not_connected"
exits 78 "--channel naming an unknown channel" wa-send --channel 999 --to 15550000002 --text hi
like "$(cat "$T/err")" "wa-send: not_connected: unknown channel '999'" "configuration error"
WA_NOW=$((WA_NOW - 1)) wa-connect disconnect $CH >/dev/null
exits 1 "a disconnected channel" wa-send --channel $CH --to 15550000002 --text hi
is_json '[.error.code, .action]' '["not_connected","admin"]' "not_connected, exit 1"
exits 78 "the only channel disconnected" wa-send --to 15550000002 --text hi
like "$(cat "$T/err")" "*no channel is connected*" "configuration missing"
WA_NOW=$((WA_NOW - 86400 * 40)) wa-connect add --waba 100200300400500 --phone-number-id $CH >/dev/null
is "$(sent_count)" "2" "no request for any refusal"

exits 78 "no token" env -u WA_TOKEN wa-send --to 15550000002 --text hi
like "$(cat "$T/err")" "wa-send: config: no access token*" "says so"


# usage
exits 64 "unknown option" wa-send --bogus
is "$(cat "$T/err")" "wa-send: unrecognized option '--bogus'
Try 'wa-send --help' for more information." "getopt's line and the hint, no synopsis"
exits 64 "two contents" wa-send --to 1555 --text a --image b.jpg
exits 64 "a target but no content" wa-send --to 15550000002
exits 64 "a bad --rate" wa-send --rate 0 --to 15550000002 --text a
exits 64 "a missing argument" wa-send --to
exits 66 "an unreadable --contacts file (an input)" wa-send --to 15550000002 --contacts "$T/none.json"
exits 66 "an unreadable input file" wa-send "$T/none.json"
exits 0 "--help" wa-send --help
like "$(head -1 "$T/out")" "usage: wa-send*" "prints the synopsis"
exits 0 "--version" wa-send --version
like "$(cat "$T/out")" "wa-send *" "version"

# data
printf 'not json\n{also not\n' >"$T/bad.txt"
exits 65 "a file that holds no JSON at all" wa-send --text hi "$T/bad.txt"
is "$(jf '[.ok, .error.code, .line]')" '[false,"invalid_input",1]
[false,"invalid_input",2]' "two bad lines, two invalid_input results"
printf '%s\n' 'oops' '{"to":"15550000002","text":"ok"}' >"$T/mixed.txt"
exits 1 "a bad line among good ones" wa-send "$T/mixed.txt"
is "$(jf '[.ok, .line]')" '[false,1]
[true,2]' "the bad line answered, the good one sent"
exits 0 "empty input" wa-send /dev/null
is "$(cat "$T/out")" "" "nothing to do"

done_testing
