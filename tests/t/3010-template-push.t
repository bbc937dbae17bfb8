#!/bin/sh
# wa-template push: create, edit by Meta's rules (as the fake Graph API enforces them), prune; nothing sent when a file fails; the round trip pull, edit, push, pull.
. "$(dirname "$0")/../lib.sh"
W=100200300400500
D="$T/tpl"
AUTH="Authorization: Bearer test-token"
# api METHOD PATH [curl args]: a Graph call; prints the HTTP status, body in $T/out
api() {
	m=$1 p=$2
	shift 2
	curl -s -o "$T/out" -w '%{http_code}' -X "$m" -H "$AUTH" \
		-H 'Content-Type: application/json' "$@" "$WA_GRAPH_URL$p"
}
# edit FILE JQ: rewrites a template file with a jq filter
edit() { jq --indent 2 "$2" "$1" >"$T/x" && mv "$T/x" "$1"; }
# meta ID: the template as the fake holds it, [status,category,body text]
meta() {
	api GET "/$1" >/dev/null
	jq -c '[.status,.category,(.components[]|select(.type=="BODY")|.text)]' "$T/out"
}
approve() { fake_ctl state "{\"template_status\":{\"name\":\"$1\",\"language\":\"$2\",\"status\":\"${3:-APPROVED}\"}}" >/dev/null; }
T0=1800000000
DAY=86400

start_fake "$top/tests/fixtures/template-files/seed.json"
fake_ctl state "{\"now\":$T0}" >/dev/null
wa-connect add --waba $W --phone-number-id 111111111111111 >/dev/null
wa-template pull "$D" >/dev/null

# a file that fails the offline checks stops everything
edit "$D/order_update.en_US.json" '.components[1].text = "Hi {{1}}, order {{2}} left our warehouse."'
jq '.name = "new_tpl" | del(."~meta")' "$D/order_update.es.json" >"$D/new_tpl.es.json"
edit "$D/new_tpl.es.json" '.'
jq '.name = "bad_new" | .components[0].text = "Hola {{1}}, tu pedido {{2}}"' "$D/new_tpl.es.json" >"$D/bad_new.es.json"
fake_ctl reset >/dev/null
exits 65 "push with a file that fails a check" wa-template push "$D" --prune
like "$(cat "$T/err")" "*bad_new.es.json:*: template_params: components\\[0\\].text: the text may not end with a placeholder*" \
	"names the file, its line and the field"
is "$(nrequests)" "0" "nothing sent, not even a read"
rm "$D/bad_new.es.json"

# the changes: an edit, a new one, two refusals, a rejected and a paused one edited, a language gone
edit "$D/pending_tpl.en_US.json" '.components[0].text = "Your ticket is open; we reply within a day."'
edit "$D/spring_sale.en.json" '.category = "UTILITY"'
edit "$D/rejected_tpl.en_US.json" '.category = "UTILITY" | .components[0].text = "Your receipt for order {{1}} is attached." | .components[0].example = {"body_text":[["#1234"]]}'
edit "$D/paused_tpl.en_US.json" '.components[0].text = "News from Acme: new opening hours."'
rm "$D/order_update.es.json"
fake_ctl reset >/dev/null
exits 1 "push --dry-run --prune" wa-template push "$D" --dry-run --prune
is "$(jf '[.ok,.op,.name,.language,.request.method,.request.path,.error.code]' | tr '\n' ' ')" \
	'[true,"create","new_tpl","es","POST","/100200300400500/message_templates",null] [true,"edit","order_update","en_US","POST","/1000000000000001",null] [true,"edit","paused_tpl","en_US","POST","/1000000000000005",null] [false,"edit","pending_tpl","en_US",null,null,"template_not_editable"] [true,"edit","rejected_tpl","en_US","POST","/1000000000000006",null] [false,"edit","spring_sale","en",null,null,"template_not_editable"] [true,"delete","order_update","es","DELETE","/100200300400500/message_templates?name=order_update&hsm_id=1000000000000002",null] ' \
	"each request it would make, and the refusals"
is "$(jf 'select(.name == "order_update" and .op == "edit") | [(.request.body|keys), .fields]')" '[["components"],["components[1]"]]' "an edit sends the components"
is "$(jf 'select(.name == "rejected_tpl") | .request.body | [.category, .components[0].text]')" \
	'["UTILITY","Your receipt for order {{1}} is attached."]' "a rejected template may change category"
is "$(jf 'select(.name == "new_tpl") | .request.body | [.name,.language,.category,has("~meta")]')" '["new_tpl","es","UTILITY",false]' \
	"a create sends the content, not Meta's part"
is "$(requests '.method' | sort -u)" '"GET"' "dry run: reads only"
is "$(meta 1000000000000001)" '["APPROVED","UTILITY","Hi {{1}}, order {{2}} is on its way."]' "nothing changed at Meta"

exits 1 "push --prune" wa-template push "$D" --prune
is "$(jf '[.ok,.op,.name,.language]' | tr '\n' ' ')" \
	'[true,"create","new_tpl","es"] [true,"edit","order_update","en_US"] [true,"edit","paused_tpl","en_US"] [false,"edit","pending_tpl","en_US"] [true,"edit","rejected_tpl","en_US"] [false,"edit","spring_sale","en"] [true,"delete","order_update","es"] ' \
	"done in file order, deletes last"
like "$(jf 'select(.name == "pending_tpl") | .error.message')" "*'pending_tpl' (en_US) is PENDING at Meta: only APPROVED, REJECTED or PAUSED templates can be edited (Meta's rule)*" \
	"the refusal names the rule"
like "$(jf 'select(.name == "spring_sale") | .error.message')" "*'spring_sale' (en) is APPROVED as MARKETING: the category of an approved template cannot be changed (Meta's rule)*" \
	"and the category rule"
like "$(cat "$T/err")" "*template_not_editable: *spring_sale.en.json: *" "on standard error too"
is "$(meta 1000000000000001)" '["PENDING","UTILITY","Hi {{1}}, order {{2}} left our warehouse."]' "edited: Meta reviews it again"
is "$(meta 1000000000000006)" '["PENDING","UTILITY","Your receipt for order {{1}} is attached."]' "the rejected one in its new category"
is "$(meta 1000000000000005)" '["PENDING","MARKETING","News from Acme: new opening hours."]' "the paused one"
is "$(meta 1000000000000004)" '["PENDING","UTILITY","Your ticket is open."]' "the pending one untouched"
is "$(meta 1000000000000003 | jq -c '.[1]')" '"MARKETING"' "spring_sale keeps its category"
api GET "/$W/message_templates?name=order_update" >/dev/null
is "$(jq -c '[.data[].language]' "$T/out")" '["en_US"]' "one language deleted, the other kept"
like "$(requests 'select(.method == "DELETE") | .query | tostring')" "*hsm_id=1000000000000002*" "by its hsm_id"
is "$(requests 'select(.method == "POST") | .path' | wc -l | tr -d ' ')" "4" "nothing sent for the refused ones"
is "$(sql "SELECT status FROM templates WHERE name = 'order_update' AND language = 'en_US'")" "PENDING" "the store synced after the push"
is "$(sql "SELECT count(*) FROM templates WHERE name = 'new_tpl'")" "1" "the new one stored"
exits 0 "the audit log" wa-view audit --action template.push
is "$(jf '[.subject, .detail.op, .detail.outcome, .detail.error // "-"] | join(" ")' | tr -d '"')" \
"template:new_tpl/es create ok -
template:order_update/en_US edit ok -
template:paused_tpl/en_US edit ok -
template:rejected_tpl/en_US edit ok -
template:order_update/es delete ok -" "every push sent to Meta with its outcome; refused before sending: not logged"

# Meta's limit: an approved template changes once in 24 hours
approve order_update en_US
git_text='Hi {{1}}, order {{2}} left our warehouse today.'
edit "$D/order_update.en_US.json" ".components[1].text = \"$git_text\""
edit "$D/spring_sale.en.json" '.category = "MARKETING"'
edit "$D/pending_tpl.en_US.json" '.components[0].text = "Your ticket is open."'
fake_ctl state "{\"now\":$((T0 + DAY - 60))}" >/dev/null
exits 1 "push a second edit within 24 hours" wa-template push "$D"
is_json '[.ok,.op,.name,.error.code,.error.graph_code]' '[false,"edit","order_update","graph_error",100]' "Meta refuses it"
is "$(wa-view audit --action template.push --limit 1 | jq -c '[.subject, .detail.outcome, .detail.error]')" \
	'["template:order_update/en_US","failed","graph_error"]' "the refusal Meta gave is in the audit log"
like "$(jq -r .error.message "$T/out")" "*order_update.en_US.json: *An approved template can be edited once in 24 hours and 10 times in 30 days*" \
	"naming the rule and the file"
fake_ctl state "{\"now\":$((T0 + DAY + 60))}" >/dev/null
exits 0 "a day later" wa-template push "$D"
is_json '[.ok,.op,.name]' '[true,"edit","order_update"]' "edited"

# the round trip: pull, edit, push, pull gives the edited file back
approve order_update en_US
fake_ctl state "{\"now\":$((T0 + 3 * DAY))}" >/dev/null
exits 0 "pull" wa-template pull "$D"
exits 0 "nothing to push" wa-template push "$D"
is "$(cat "$T/out")" "" "equal: no operation"
edit "$D/order_update.en_US.json" '.components[3].buttons[1].text = "No more updates" | .components[2].text = "Acme Inc., Springfield"'
cp "$D/order_update.en_US.json" "$T/edited"
exits 0 "push the edit" wa-template push "$D"
is_json '.fields' '["components[2]","components[3]"]' "the footer and the buttons changed"
approve order_update en_US
exits 0 "pull again" wa-template pull "$D"
cmp -s "$T/edited" "$D/order_update.en_US.json"; ok $? "the edited file comes back as it was written"
exits 0 "diff" wa-template diff "$D"

# prune by name: every language gone
rm "$D/spring_sale.en.json"
fake_ctl reset >/dev/null
exits 0 "push --prune without spring_sale" wa-template push "$D" --prune
is_json '[.op,.name,.language]' '["delete","spring_sale",null]' "deleted by name"
is "$(requests 'select(.method == "DELETE") | .query | tostring')" '"name=spring_sale"' "DELETE by name, no hsm_id"
# a new parameter_format goes with the components
approve paused_tpl en_US PAUSED
wa-template pull "$D" >/dev/null
edit "$D/paused_tpl.en_US.json" '.parameter_format = "NAMED"'
exits 0 "push --dry-run a new parameter_format" wa-template push "$D" --dry-run
is_json '[.name,.fields,(.request.body|keys)]' '["paused_tpl",["parameter_format"],["components","parameter_format"]]' \
	"sent with the components"
edit "$D/paused_tpl.en_US.json" 'del(.parameter_format)'
exits 0 "pushing nothing" wa-template push "$D" --dry-run
is "$(cat "$T/out")" "" "no parameter_format is POSITIONAL"
exits 65 "--prune with no file" sh -c "mkdir -p '$T/empty' && wa-template push '$T/empty' --prune"
like "$(cat "$T/err")" "*holds no template file: --prune would delete every template*" "refused"
exits 66 "push a missing directory" wa-template push "$T/nowhere"

# the fake's rules, asked directly
kill "$fake_pid" && wait "$fake_pid" 2>/dev/null
start_fake "$top/tests/fixtures/template-files/seed.json"
fake_ctl state "{\"now\":$T0}" >/dev/null
body() { printf '{"components":[{"type":"BODY","text":"%s","example":{"body_text":[["Ann","#1"]]}}]}' "$1"; }
is "$(api POST /1000000000000004 --data-binary '{"components":[{"type":"BODY","text":"Open."}]}')" 400 "a PENDING template cannot be edited"
is_json '[.error.code,.error.error_user_title]' "[100,\"Template can't be edited\"]" "Meta's title"
like "$(jq -r .error.error_user_msg "$T/out")" "*APPROVED, REJECTED or PAUSED*status is PENDING*" "and why"
is "$(api POST /1000000000000001 --data-binary '{"category":"MARKETING"}')" 400 "an approved template keeps its category"
is_json '.error.error_user_title' "\"Category can't be changed\"" "Meta's title"
is "$(api POST /1000000000000001 --data-binary '{"components":[{"type":"HEADER","format":"TEXT","text":"x"}]}')" 400 "an edit needs a BODY"
is "$(api POST /1000000000000001 --data-binary "$(body 'Hi {{1}}, order {{2}} is near.')")" 200 "edit 1"
is "$(meta 1000000000000001)" '["PENDING","UTILITY","Hi {{1}}, order {{2}} is near."]' "under review"
n=1 t=$T0 refused=0
while [ $n -lt 10 ]; do
	t=$((t + DAY + 60))
	fake_ctl state "{\"now\":$t}" >/dev/null
	approve order_update en_US
	[ "$(api POST /1000000000000001 --data-binary "$(body "Hi {{1}}, order {{2}} edit $n.")")" = 200 ] ||
		refused=$((refused + 1))
	n=$((n + 1))
done
is "$refused" "0" "ten edits, a day apart"
fake_ctl state "{\"now\":$((t + DAY + 60))}" >/dev/null
approve order_update en_US
is "$(api POST /1000000000000001 --data-binary "$(body 'Hi {{1}}, order {{2}} edit 11.')")" 400 "an eleventh within 30 days is refused"
like "$(jq -r .error.error_user_msg "$T/out")" "*edited 10 times in the last 30 days*" "Meta says why"
fake_ctl state "{\"now\":$((T0 + 30 * DAY + 60))}" >/dev/null
is "$(api POST /1000000000000001 --data-binary "$(body 'Hi {{1}}, order {{2}} edit 11.')")" 200 "once the first edit is 30 days old"
is "$(api POST /1000000000000005 --data-binary "$(body 'Paused {{1}} and {{2}} edited.')")" 200 "a paused template"
approve paused_tpl en_US PAUSED
is "$(api POST /1000000000000005 --data-binary "$(body 'Paused {{1}} and {{2}} again.')")" 200 "edited again at once: no limit"
is "$(api POST /1000000000000006 --data-binary '{"category":"utility"}')" 200 "a rejected template changes category"
is "$(meta 1000000000000006 | jq -c '.[:2]')" '["PENDING","UTILITY"]' "in review, as UTILITY"
is "$(api DELETE "/$W/message_templates?name=spring_sale&hsm_id=1000000000000002")" 400 "hsm_id of another name"
is_json '.error.error_subcode' 2593002 "not found"
done_testing
