#!/bin/sh
# SPDX-License-Identifier: MIT
# wa-view show and search: the conversation in order with metadata, hidden content, FTS5.
. "$(dirname "$0")/../lib.sh"
. "$top/tests/fixtures/view/seed.sh"
seed_day

exits 0 "show a thread" wa-view show 4
is "$(grep -c . "$T/out")" "4" "a thread record and three messages"
is_json 'select(.record == "thread") | [.thread_id, .ticket_id, .status, .contact, .wa_id, .channel, .session_open, .session_expires_at, .messages]' \
	'["4","4","open","Dee Park","15551230004","111111111111111",true,"2024-04-17T06:48:20Z",3]' "the thread record"
is "$(jf 'select(.record == "message") | .wamid' | tr -d '"' | paste -sd, -)" "wamid.dee1,wamid.dee2,wamid.dee3" "messages in order"
is_json 'select(.wamid == "wamid.dee1") | [.direction, .from, .to, .time, .type, .text, .thread_id, .ticket_id, .channel, .wa_id]' \
	'["in","15551230004","15550001111","2024-04-16T06:46:40Z","text","my invoice is wrong","4","4","111111111111111","15551230004"]' \
	"direction, sender and recipient numbers, time, type, text, join keys"
is_json 'select(.wamid == "wamid.dee2") | [.type, .text, .unsupported]' '["reaction","[unsupported: reaction]","reaction"]' "a reaction is not shown"
is_json 'select(.wamid == "wamid.dee3") | [.text, .quarantined, .media]' '["[quarantined]",true,null]' "quarantined content is hidden"
grep -q "payload" "$T/out"; ok $((! $?)) "the quarantined link appears nowhere"
is "$(sql "SELECT unread FROM threads WHERE id = 4")" "0" "showing a thread reads it"

exits 0 "show a media message" wa-view show 2
is_json 'select(.record == "message") | [.type, .text, .media.id, .media.mime, .media.sha256]' \
	'["image","[image] broken screen","5550001","image/jpeg","f1d2d2f924e986ac86fdf7b36c94bcdf32beec15a3d4c3c1b8b8f2ed5d5c0a4e"]' "media summary"
exits 0 "show a location" wa-view show 6
is_json 'select(.record == "message") | [.type, .text]' '["location","[location] Shop Berlin"]' "location"

# Delivery status and read time of an outgoing message (statuses come from webhooks)
sql "INSERT INTO messages (wamid, channel_id, thread_id, contact_id, direction, type, text, from_addr, to_addr, timestamp, received_at, status)
     VALUES ('wamid.out1', '$CH1', 1, 1, 'out', 'text', 'We are on it', '15550001111', '15551230001', 1713287000, 1713287000, 'sent')"
cat >"$T/status.json" <<'JSON'
{"object":"whatsapp_business_account","entry":[{"id":"100200300400500","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550001111","phone_number_id":"111111111111111"},"statuses":[{"id":"wamid.out1","status":"delivered","timestamp":"1713287010","recipient_id":"15551230001"},{"id":"wamid.out1","status":"read","timestamp":"1713287100","recipient_id":"15551230001"}]}}]}]}
JSON
wa-recv "$T/status.json" >/dev/null 2>&1
exits 0 "show with statuses" wa-view show 1
is_json 'select(.wamid == "wamid.out1") | [.direction, .from, .to, .status, .delivered_at, .read_at]' \
	'["out","15550001111","15551230001","read","2024-04-16T17:03:30Z","2024-04-16T17:05:00Z"]' "delivery status and read time"

exits 0 "show --ticket" wa-view show --ticket 5
is_json 'select(.record == "thread") | [.thread_id, .channel]' '["5","222222222222222"]' "the ticket's thread"
exits 0 "show in a table" wa-view show 4 --table
is "$(head -1 "$T/out")" "thread:   4" "the thread first, as key: value lines"
like "$(grep '^TIME' "$T/out")" "TIME*DIR*FROM*TO*TYPE*STATUS*READ" "then a line per message"
is "$(grep -c '^2024-' "$T/out")" "3" "three messages"
is "$(grep -c '^    ' "$T/out")" "3" "each with its text under it"
exits 1 "an unknown thread" wa-view show 99
is_json '[.ok, .error.code, .input.thread_id]' '[false,"unknown_thread","99"]' "error record on stdout"
is "$(cat "$T/err")" "wa-view: unknown_thread: no thread 99" "and on stderr"
exits 1 "an unknown ticket" wa-view show --ticket 99
is_json '.error.code' '"unknown_thread"' "unknown_thread"
exits 64 "show without a thread" wa-view show
exits 64 "show with a bad number" wa-view show seven
exits 64 "show with two threads" wa-view show 1 2

exits 0 "search" wa-view search order
is "$(jf .wamid | tr -d '"' | paste -sd, -)" "wamid.ann2,wamid.ann1" "newest first"
is_json 'select(.wamid == "wamid.ann1") | [.thread_id, .ticket_id, .channel, .wa_id, .contact, .direction, .time, .snippet]' \
	'["1","1","111111111111111","15551230001","Ann Lee","in","2024-04-16T15:06:40Z","Where is my [order] #123?"]' "snippet with the hit marked, join keys"
exits 0 "two words are both required" wa-view search "order missing"
is "$(jf .wamid | tr -d '"')" "wamid.ann2" "AND"
exits 0 "a word with a dash" wa-view search order-123
is "$(jf .wamid | tr -d '"' | paste -sd, -)" "wamid.ann2,wamid.ann1" "a phrase (order 123), not a syntax error"
exits 0 "FTS5 syntax is only text" wa-view search 'NEAR( "quote * col:x OR'
is "$(grep -c . "$T/out")" "0" "no hit, no error"
exits 0 "diacritics folded" wa-view search 'refünd'
is "$(jf .wamid | tr -d '"')" "wamid.eve1" "refund"
exits 0 "hidden content is never found" wa-view search payload
is "$(grep -c . "$T/out")" "0" "quarantined text not indexed"
exits 0 "search --limit" wa-view search order --limit 1
is "$(grep -c . "$T/out")" "1" "one hit"
# The search syntax: "phrases", -word, or, prefix*
exits 0 "a phrase" wa-view search '"still missing"'
is "$(jf .wamid | tr -d '"')" "wamid.ann2" "its words next to each other"
exits 0 "a phrase in another order" wa-view search '"missing still"'
is "$(grep -c . "$T/out")" "0" "in order"
exits 0 "a word left out" wa-view search 'order -missing'
is "$(jf .wamid | tr -d '"')" "wamid.ann1" "not the message with it"
exits 0 "a phrase left out" wa-view search 'order -"order 123 still"'
is "$(jf .wamid | tr -d '"')" "wamid.ann1" "not the message with the phrase"
exits 0 "or" wa-view search 'invoice or refund'
is "$(jf .wamid | tr -d '"' | sort | paste -sd, -)" "wamid.dee1,wamid.eve1" "either word"
exits 0 "or binds before and" wa-view search 'wrong or refund please'
is "$(jf .wamid | tr -d '"')" "wamid.eve1" "(wrong or refund) and please"
exits 0 "a prefix" wa-view search 'refu*'
is "$(jf .wamid | tr -d '"')" "wamid.eve1" "a word beginning so"
exits 0 "a phrase ending in a prefix" wa-view search '"order 123 sti"*'
is "$(jf .wamid | tr -d '"')" "wamid.ann2" "its last word a prefix"
exits 0 "only punctuation" wa-view search '#'
is "$(grep -c . "$T/out")" "0" "nothing can match, no error"
exits 64 "only a word left out" wa-view search -- -order
like "$(cat "$T/err")" "*only words to leave out*" "says so"
exits 0 "--search takes the syntax" wa-view list --status all --search 'invoice or refund'
is "$(jf .thread_id | tr -d '"' | sort | paste -sd, -)" "4,5" "threads with either"
exits 0 "--search that can match nothing" wa-view list --status all --search '# -x'
is "$(grep -c . "$T/out")" "0" "no thread"
exits 64 "--search with only a word left out" wa-view list --search '-order'
exits 64 "empty search" wa-view search ""
exits 64 "search needs TEXT" wa-view search
exits 64 "search takes one operand" wa-view search a b
exits 64 "filters other than --limit do not go with search" wa-view search order --status open
done_testing
