# SPDX-License-Identifier: MIT
# Webhook deliveries for the wa-recv tests (sourced after lib.sh); one JSON line each.
CH=111111111111111		# the fake Graph's first number (+1 555-000-1111)

_value() {	# _value CHANNEL FIELD MEMBERS: one delivery with one change
	printf '{"object":"whatsapp_business_account","entry":[{"id":"100200300400500","changes":[{"field":"%s","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550001111","phone_number_id":"%s"},%s}}]}]}\n' \
		"$2" "$1" "$3"
}
# msg FROM WAMID TS BODY [BSUID [CHANNEL]]: a text message from Ann
msg() {
	_u=${5:+,\"user_id\":\"$5\"}
	_f=${5:+,\"from_user_id\":\"$5\"}
	_value "${6:-$CH}" messages "\"contacts\":[{\"profile\":{\"name\":\"Ann\"},\"wa_id\":\"$1\"$_u}],\"messages\":[{\"from\":\"$1\"$_f,\"id\":\"$2\",\"timestamp\":\"$3\",\"type\":\"text\",\"text\":{\"body\":\"$4\"}}]"
}
# bsuid_msg BSUID WAMID TS BODY: a username user without a number
bsuid_msg() {
	_value "$CH" messages "\"contacts\":[{\"profile\":{\"name\":\"Bob\",\"username\":\"bob\"},\"user_id\":\"$1\"}],\"messages\":[{\"from_user_id\":\"$1\",\"id\":\"$2\",\"timestamp\":\"$3\",\"type\":\"text\",\"text\":{\"body\":\"$4\"}}]"
}
# typed FROM WAMID TS TYPE OBJECT: a message of any type
typed() {
	_value "$CH" messages "\"contacts\":[{\"profile\":{\"name\":\"Ann\"},\"wa_id\":\"$1\"}],\"messages\":[{\"from\":\"$1\",\"id\":\"$2\",\"timestamp\":\"$3\",\"type\":\"$4\",\"$4\":$5}]"
}
# changed OLD NEW WAMID TS: system user_changed_number
changed() {
	_value "$CH" messages "\"messages\":[{\"from\":\"$1\",\"id\":\"$3\",\"timestamp\":\"$4\",\"type\":\"system\",\"system\":{\"body\":\"User A changed from $1 to $2\",\"wa_id\":\"$2\",\"type\":\"user_changed_number\"}}]"
}
# status WAMID STATUS TS [EXTRA_MEMBERS [CHANNEL]]: a status to 15551230001
status() {
	_value "${5:-$CH}" messages "\"statuses\":[{\"id\":\"$1\",\"status\":\"$2\",\"timestamp\":\"$3\",\"recipient_id\":\"15551230001\"${4:+,$4}}]"
}
# echo_msg TO WAMID TS BODY: a message the business sent from the app
echo_msg() {
	_value "$CH" smb_message_echoes "\"message_echoes\":[{\"from\":\"15550001111\",\"to\":\"$1\",\"id\":\"$2\",\"timestamp\":\"$3\",\"type\":\"text\",\"text\":{\"body\":\"$4\"}}]"
}
