#!/bin/sh
# SPDX-License-Identifier: MIT
# The audit log records sends (key, outcome), quota settings, channel connects and disconnects, and still verifies.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/2000-send-lib.sh"

inbound 15551234567 60
exits 0 "a send with a key" env WA_USER=ann wa-send --to 15551234567 --text hi --idempotency-key order-1
exits 0 "the log" wa-view audit --action send
is_json '[.actor, .action, .detail.key, .detail.outcome, .detail.to, .detail.channel, (.detail.wamid | type)]' \
	'["ann","send","order-1","sent","15551234567","111111111111111","string"]' "who sent what to whom, key and outcome"
like "$(jf .subject)" '"message:*"' "the message"
exits 0 "the same key again" wa-send --to 15551234567 --text hi --idempotency-key order-1
exits 0 "the log" wa-view audit --action send
is "$(grep -c . "$T/out")" "1" "answered from the first send: nothing reached the customer, nothing logged"

fake_ctl fault '{"method":"POST","path_suffix":"/messages","code":131026,"times":1}' >/dev/null
exits 1 "a send Meta refuses" wa-send --to 15551234567 --text again --idempotency-key order-2
exits 0 "the log" wa-view audit --action send
is_json 'select(.detail.key == "order-2") | [.detail.outcome, (.detail.error | length > 0)]' '["failed",true]' "the failure and why"
fake_ctl reset >/dev/null

exits 0 "quota set" env WA_USER=boss wa-quota set --limit 7 --subscription-start 2024-01-31
exits 0 "the log" wa-view audit --action quota.set
is_json '[.actor, .subject, .detail.limit, .detail.start]' '["boss","quota",7,"2024-01-31"]' "who set what"

exits 0 "disconnect" wa-connect disconnect $CH
exits 0 "the log" wa-view audit --subject channel:$CH
is "$(jf .action | tr -d '"' | tr '\n' ' ')" "channel.connect channel.disconnect " "connect and disconnect of the channel"
exits 0 "the whole log verifies" wa-view audit --verify
is_json '.entries' "$(sql 'SELECT count(*) FROM audit_log')" "every entry"
done_testing
