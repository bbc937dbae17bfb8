# SPDX-License-Identifier: MIT
# Shared by tests/t/2*-send-*.t: a connected channel and inbound messages.
# Source after lib.sh; starts the fake Graph API.
start_fake
CH=111111111111111
# The channel was connected 30 days before WA_NOW (rule 2 keeps older
# messages out).
WA_NOW=$((WA_NOW - 86400 * 30)) wa-connect add --waba 100200300400500 \
	--phone-number-id $CH >/dev/null || echo "# cannot connect $CH"
fake_ctl reset >/dev/null

# inbound WA_ID AGE [CHANNEL] [TEXT]: a text from WA_ID stamped AGE seconds
# before WA_NOW, through wa-recv; prints nothing.
inbound() {
	printf '{"object":"whatsapp_business_account","entry":[{"id":"100200300400500","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550001111","phone_number_id":"%s"},"contacts":[{"profile":{"name":"Ann"},"wa_id":"%s"}],"messages":[{"from":"%s","id":"wamid.IN%s.%s","timestamp":"%s","type":"text","text":{"body":"%s"}}]}}]}]}\n' \
		"${3:-$CH}" "$1" "$1" "$1" "$2" "$((WA_NOW - $2))" "${4:-hello}" |
		wa-recv >"$T/recv.out" 2>&1 || echo "# wa-recv failed: $(cat "$T/recv.out")"
}
# sent_count: requests to .../messages (or .../marketing_messages) the fake received.
sent_count() { requests 'select(.path | endswith("messages"))' | grep -c . ; }
