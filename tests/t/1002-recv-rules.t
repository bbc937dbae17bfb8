#!/bin/sh
# SPDX-License-Identifier: MIT
# wa-recv file mode: rules 2-7 (channels, threads, contacts, sessions, statuses) with their edges.
. "$(dirname "$0")/../lib.sh"
. "$top/tests/t/1000-recv-lib.sh"
start_fake
exits 0 "connect a channel" wa-connect add --waba 100200300400500 --phone-number-id $CH
T0=1713290300

# Rule 3 and 5: a first message makes a contact, a thread and a ticket.
msg 15551230001 wamid.A1 $T0 "Hello there" >"$T/d"
exits 0 "first message" wa-recv "$T/d"
is_json '[.event, .wamid, .channel, .wa_id, .from, .to, .type, .text, .new_ticket, .thread_id, .ticket_id, .contact_id, .unsupported, .quarantined]' \
	'["message","wamid.A1","111111111111111","15551230001","15551230001","15550001111","text","Hello there",true,"1","1","1",null,false]' \
	"message event with the join keys"
is_json '[.timestamp, .session_expires_at]' '["2024-04-16T17:58:20Z","2024-04-17T17:58:20Z"]' \
	"Meta's timestamp; session 24 h after it"
is "$(sql "SELECT name, phone, wa_id FROM contacts")" "Ann|15551230001|15551230001" "contact from profile name and number"
is "$(sql "SELECT status, owner IS NULL FROM tickets")" "open|1" "open ticket, no owner"
is "$(sql "SELECT last_message_at, last_inbound_at, unread, message_count FROM threads")" "$T0|$T0|1|1" "thread counters"
is "$(fts_ids hello)" "1" "searchable"

msg 15551230001 wamid.A2 $((T0 + 60)) "again" >"$T/d"
exits 0 "second message" wa-recv "$T/d"
is_json '[.thread_id, .ticket_id, .new_ticket]' '["1","1",false]' "joins the open thread"
is "$(sql "SELECT unread, message_count FROM threads")" "2|2" "counters move"

# Duplicate delivery: nothing changes.
before=$(sql "SELECT count(*), sum(unread) FROM messages, threads")
exits 0 "the same delivery again" wa-recv "$T/d"
is_json '[.event, .reason, .wamid, .channel]' '["skipped","duplicate","wamid.A2","111111111111111"]' "skipped duplicate"
is "$(sql "SELECT count(*), sum(unread) FROM messages, threads")" "$before" "nothing changed"
is "$(sql "SELECT count(*) FROM deliveries")" "2" "identical bytes stored once"
msg 15551230001 wamid.A2 $((T0 + 61)) "other bytes, same wamid" >"$T/d"
exits 0 "a redelivery with other bytes" wa-recv "$T/d"
is_json '.reason' '"duplicate"' "still a duplicate (same channel and wamid)"

# Rule 5 to the second.
msg 15551230001 wamid.A3 $((T0 + 60 + 86399)) "last second" >"$T/d"
exits 0 "inside the window by one second" wa-recv "$T/d"
is "$(sql "SELECT opened_at, last_inbound_at FROM sessions")" "$T0|$((T0 + 60 + 86399))" "same session, extended"
sql "INSERT INTO conversations (id, channel_id, contact_id, kind, started_at) VALUES (1, '$CH', 1, 'user_initiated', $T0); UPDATE sessions SET conversation_id = 1"
msg 15551230001 wamid.A4 $((T0 + 60 + 86399 + 86400)) "exactly 24 h later" >"$T/d"
exits 0 "exactly 24 h after the last" wa-recv "$T/d"
is "$(sql "SELECT opened_at, conversation_id IS NULL FROM sessions")" "$((T0 + 60 + 86399 + 86400))|1" "a new session (not counted yet)"
msg 15551230001 wamid.A0 $((T0 - 10)) "late old message" >"$T/d"
exits 0 "an older message arriving late" wa-recv "$T/d"
is "$(sql "SELECT last_inbound_at FROM sessions")" "$((T0 + 60 + 86399 + 86400))" "session not moved back"
is "$(sql "SELECT last_message_at FROM threads")" "$((T0 + 60 + 86399 + 86400))" "thread's last message not moved back"

# Rule 3: a closed ticket means a new thread and ticket.
sql "UPDATE tickets SET status = 'closed'"
msg 15551230001 wamid.A5 $((T0 + 200000)) "new problem" >"$T/d"
exits 0 "after the ticket closed" wa-recv "$T/d"
is_json '[.thread_id, .ticket_id, .new_ticket]' '["2","2",true]' "new thread and ticket"

# Rule 2.
msg 15551230002 wamid.B0 $((WA_NOW - 1)) "before connect" >"$T/d"
msg 15551230002 wamid.B1 $WA_NOW "at connect" >>"$T/d"
exits 0 "one second before and at connected_at" wa-recv "$T/d"
is "$(jf '[.event, .reason // .type]' | tr '\n' ' ')" '["skipped","before_connect"] ["message","text"] ' \
	"history before connect skipped, at connect ingested"
msg 15551230003 wamid.C1 $T0 "wrong number" "" 999999999999 >"$T/d"
exits 0 "unknown channel" wa-recv "$T/d"
is_json '[.event, .reason, .channel, .wa_id]' '["skipped","unknown_channel","999999999999","15551230003"]' "skipped unknown_channel"
sql "UPDATE channels SET status = 'disconnected'"
msg 15551230003 wamid.C2 $T0 "after disconnect" >"$T/d"
exits 0 "disconnected channel" wa-recv "$T/d"
is_json '[.event, .reason]' '["skipped","not_connected"]' "skipped not_connected"
is "$(sql "SELECT count(*) FROM messages WHERE wamid LIKE 'wamid.C%'")" "0" "nothing ingested"
sql "UPDATE channels SET status = 'connected'"

# Rule 4: contacts.
exits 0 "a contact entered by an agent" wa-view contacts add --name "Zoe Agent" --mobile-phone "+55 11 91234-5678"
msg 5511912345678 wamid.D1 $T0 "oi" >"$T/d"
exits 0 "message from her mobile number" wa-recv "$T/d"
is "$(sql "SELECT c.name FROM messages m JOIN contacts c ON c.id = m.contact_id WHERE wamid = 'wamid.D1'")" "Zoe Agent" \
	"joined the contact by mobile_phone"
msg 551112345678 wamid.D2 $T0 "oi sem nove" >"$T/d"
exits 0 "the number without Brazil's extra 9" wa-recv "$T/d"
is "$(sql "SELECT c.name FROM messages m JOIN contacts c ON c.id = m.contact_id WHERE wamid = 'wamid.D2'")" "Ann" \
	"not merged: a contact of its own (profile name)"
bsuid_msg US.777 wamid.E1 $T0 "no number" >"$T/d"
exits 0 "a BSUID-only sender" wa-recv "$T/d"
is_json '[.wa_id, .user_id, .thread_id != null]' '[null,"US.777",true]' "event with the BSUID"
is "$(sql "SELECT bsuid, wa_id IS NULL, username FROM contacts WHERE bsuid = 'US.777'")" "US.777|1|bob" "contact keyed by BSUID"
msg 15551239000 wamid.E2 $((T0 + 1)) "now with a number" US.777 >"$T/d"
exits 0 "the same BSUID with a number" wa-recv "$T/d"
is "$(sql "SELECT count(*), max(wa_id) FROM contacts WHERE bsuid = 'US.777'")" "1|15551239000" "both ids kept on one contact"
changed 15551230001 15551230099 wamid.F1 $((T0 + 300000)) >"$T/d"
exits 0 "user_changed_number" wa-recv "$T/d"
is_json '[.type, .identity_moved, .wa_id, .contact_id, .system.type]' '["system",true,"15551230099","1","user_changed_number"]' \
	"identity moved to the same contact"
msg 15551230099 wamid.F2 $((T0 + 300001)) "from my new number" >"$T/d"
exits 0 "message from the new number" wa-recv "$T/d"
is_json '[.contact_id, .thread_id]' '["1","2"]' "same contact, same open thread"
is "$(sql "SELECT count(*) FROM contacts WHERE wa_id IN ('15551230001', '15551230099')")" "1" "no second contact"
is "$(sql "SELECT count(*) FROM sessions WHERE contact_id = 1 AND last_inbound_at = $((T0 + 300000))")" "0" "system message does not open a session"
is "$(sql "SELECT identity FROM sessions WHERE contact_id = 1 ORDER BY last_inbound_at DESC LIMIT 1")" "15551230099" "the new number has its own window"

# Rule 7: statuses.
status wamid.OUT1 read $((T0 + 5)) >"$T/d"
exits 0 "a status before its message" wa-recv "$T/d"
is_json '[.event, .status, .applied, .wa_id]' '["status","read",false,"15551230001"]' "kept, not applied"
echo_msg 15551230099 wamid.OUT1 $((T0 + 1)) "sent from the app" >"$T/d"
exits 0 "the message arrives (an echo)" wa-recv "$T/d"
is_json '[.event, .wamid, .thread_id]' '["echo","wamid.OUT1","2"]' "echo in the contact's open thread"
is "$(sql "SELECT status, read_at FROM messages WHERE wamid = 'wamid.OUT1'")" "read|$((T0 + 5))" "pending status applied"
is "$(sql "SELECT applied FROM statuses WHERE wamid = 'wamid.OUT1'")" "1" "marked applied"
status wamid.OUT1 delivered $((T0 + 3)) '"pricing":{"billable":true,"pricing_model":"PMP","type":"regular","category":"utility"}' >"$T/d"
exits 0 "delivered after read" wa-recv "$T/d"
is_json '[.applied, .current, .thread_id, .pricing.category]' '[true,"read","2","utility"]' "applied, stays read"
is "$(sql "SELECT status, delivered_at, read_at, pricing_category, pricing_type, pricing_model, billable FROM messages WHERE wamid = 'wamid.OUT1'")" \
	"read|$((T0 + 3))|$((T0 + 5))|utility|regular|PMP|1" "never backwards; each time and pricing kept"
exits 0 "the same status again" wa-recv "$T/d"
is_json '[.event, .reason, .of]' '["skipped","duplicate","status"]' "duplicate status skipped"
status wamid.OUT1 played $((T0 + 9)) >"$T/d"
exits 0 "played" wa-recv "$T/d"
is "$(sql "SELECT status, played_at FROM messages WHERE wamid = 'wamid.OUT1'")" "played|$((T0 + 9))" "played is the top"
echo_msg 15551230099 wamid.OUT2 $((T0 + 20)) "second" >"$T/d"
status wamid.OUT2 sent $((T0 + 21)) >>"$T/d"
status wamid.OUT2 failed $((T0 + 22)) '"errors":[{"code":131047,"title":"Re-engagement message"}]' >>"$T/d"
exits 0 "sent then failed" wa-recv "$T/d"
is "$(jf 'select(.event == "status") | [.status, .current, .error.graph_code]' | tr '\n' ' ')" '["sent","sent",null] ["failed","failed",131047] ' \
	"failed after sent applies, with Meta's error"
is "$(sql "SELECT status FROM messages WHERE wamid = 'wamid.OUT2'")|$(sql "SELECT error FROM messages WHERE wamid = 'wamid.OUT2'" | jq -r '.[0].code')" \
	"failed|131047" "error recorded"
status wamid.IN1 read $T0 "" 999999999999 >"$T/d"
exits 0 "a status for an unknown channel" wa-recv "$T/d"
is_json '.reason' '"unknown_channel"' "statuses follow rule 2 too"

done_testing
