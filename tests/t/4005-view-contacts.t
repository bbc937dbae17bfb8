#!/bin/sh
# SPDX-License-Identifier: MIT
# wa-view contacts add/import/list: normalised numbers, import linked to existing threads, rule 4.
. "$(dirname "$0")/../lib.sh"
. "$top/tests/fixtures/view/seed.sh"
wa-db migrate >/dev/null

exits 0 "add a contact before any message" wa-view contacts add --name "Gil Ray" --email gil@example.com --phone "+1 (555) 123-0009" --mobile-phone "+44 7700 900123"
is_json '[.ok, .contact_id, .name, .email, .phone, .mobile_phone, .created, .threads]' \
	'[true,"1","Gil Ray","gil@example.com","15551230009","447700900123",true,0]' "numbers normalised to digits"
seed_day
cat >"$T/gil.json" <<'JSON'
{"object":"whatsapp_business_account","entry":[{"id":"100200300400500","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550001111","phone_number_id":"111111111111111"},"contacts":[{"profile":{"name":"gil on whatsapp"},"wa_id":"447700900123"}],"messages":[{"from":"447700900123","id":"wamid.gil1","timestamp":"1713290000","type":"text","text":{"body":"hi from my mobile"}}]}}]}]}
JSON
exits 0 "Gil writes from his mobile" wa-recv "$T/gil.json"
is_json '.contact_id' '"1"' "the message joins the contact we added (rule 4)"
exits 0 "list by contact" wa-view list --contact 1
is_json '[.contact, .wa_id]' '["Gil Ray","447700900123"]' "our name, his WhatsApp id"
is "$(sql "SELECT count(*) FROM contacts WHERE name = 'Gil Ray' OR profile_name = 'gil on whatsapp'")" "1" "no second contact"

# Import: records on stdin or from files; matching numbers are linked, not duplicated.
cat >"$T/crm.jsonl" <<'JSON'
{"name": "Ann Lee (VIP)", "email": "ann@example.com", "phone": "+1 555 123 0001"}
{"name": "Bo", "mobile_phone": "001 555 123 0002", "extra": "ignored"}
{"name": "Hal New", "phone": "+49 30 1234567"}
{"name": "Bad Phone", "phone": "12"}
this is not json
{"name": "Bad Mail", "email": "nobody"}
[1, 2]
{"phone": "+1 555 123 0005", "email": "eve@example.com"}
JSON
exits 1 "import with some bad records" wa-view contacts import "$T/crm.jsonl"
is "$(grep -c '"ok":true' "$T/out")" "4" "four imported"
is_json 'select(.name == "Ann Lee (VIP)") | [.contact_id, .wa_id, .email, .created, .threads]' \
	'["2","15551230001","ann@example.com",false,1]' "Ann: linked to the contact that already wrote, and its thread"
is_json 'select(.name == "Bo") | [.contact_id, .mobile_phone, .created, .threads]' '["3","15551230002",false,1]' "Bob by his mobile number"
is_json 'select(.name == "Hal New") | [.phone, .created, .threads]' '["49301234567",true,0]' "a new contact"
is_json 'select(.email == "eve@example.com") | [.contact_id, .threads]' '["6",2]' "Eve's two threads"
is_json 'select(.ok == false) | [.line, .error.code]' '[4,"invalid_phone"]
[5,"invalid_input"]
[6,"invalid_input"]
[7,"invalid_input"]' "each bad record reported with its line"
is_json 'select(.line == 4) | .input.name' '"Bad Phone"' "the input is echoed"
like "$(cat "$T/err")" "*wa-view: line 4: invalid_phone: *" "diagnostics with line numbers"
exits 0 "the list shows the imported name" wa-view list --contact 15551230001
is_json '.contact' '"Ann Lee (VIP)"' "renamed"

exits 1 "import again changes nothing new" wa-view contacts import "$T/crm.jsonl" --json
is "$(jq -s 'map(select(.created == true)) | length' "$T/out")" "0" "updated, not duplicated"
exits 0 "import from stdin with a national number and WA_DEFAULT_CC" sh -c 'echo "{\"name\":\"Ida\",\"phone\":\"030 7654321\"}" | WA_DEFAULT_CC=49 wa-view contacts import -'
is_json '.phone' '"49307654321"' "national number with the default country code"
exits 0 "a match by email updates" sh -c 'echo "{\"email\":\"GIL@example.com\",\"name\":\"Gil R.\"}" | wa-view contacts import'
is_json '[.contact_id, .name, .created]' '["1","Gil R.",false]' "case-insensitive email"
exits 66 "a file that does not exist" wa-view contacts import "$T/nope.jsonl"
exits 1 "add with a bad number" wa-view contacts add --name X --phone abc
is_json '[.ok, .error.code]' '[false,"invalid_phone"]' "result record"
exits 1 "add with nothing to store" wa-view contacts add
exits 64 "unknown contacts command" wa-view contacts remove
exits 64 "--name outside contacts" wa-view list --name x

exits 0 "contacts list" wa-view contacts list
is "$(grep -c . "$T/out")" "$(sql 'SELECT count(*) FROM contacts')" "every contact"
is_json 'select(.contact_id == "2") | [.name, .phone, .wa_id, .threads]' '["Ann Lee (VIP)","15551230001","15551230001",1]' "with thread counts"
exits 0 "contacts list --table" wa-view contacts list --table
like "$(head -1 "$T/out")" "ID*NAME*EMAIL*PHONE*MOBILE*WA_ID*THREADS*" "a table"
exits 0 "contacts with no sub-command lists" wa-view contacts
done_testing
