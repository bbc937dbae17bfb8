#!/bin/sh
# wa-template create and delete: offline checks per field, Meta's answers, the store.
. "$(dirname "$0")/../lib.sh"
F="$top/tests/fixtures/templates"
W1=100200300400500
start_fake
wa-connect add --waba $W1 --phone-number-id 111111111111111 >/dev/null
fake_ctl reset >/dev/null

# every offline check names its field; nothing reaches the fake
while read -r file code msg; do
	exits 1 "create $file" wa-template create "$F/$file.json"
	is "$(jf '[.ok,.error.code,.line]')" "[false,\"$code\",1]" "$file: $code"
	got=$(jq -r .error.message "$T/out")
	case $got in "${msg%\*}"*) ok 0 "$file: message names the field" ;;
	*) ok 1 "$file: message names the field"; echo "#   got: $got" ;; esac
	like "$(cat "$T/err")" "wa-template: line 1: $code: *" "$file: diagnostic"
done <<'TABLE'
bad-name invalid_input name: 'Order-Shipped' may hold only lowercase letters*
bad-category invalid_input category: 'PROMOTION' is not MARKETING, UTILITY or AUTHENTICATION
bad-language invalid_input language: missing*
bad-format invalid_input parameter_format: 'fancy' is not named or positional
bad-no-body invalid_input components: exactly one BODY is needed
bad-two-bodies invalid_input components[1]: a second BODY
bad-body-long invalid_input components[0].text: longer than 1024 characters
bad-header-long invalid_input components[0].text: longer than 60 characters
bad-footer-long invalid_input components[1].text: longer than 60 characters
bad-adjacent template_params components[0].text: '{{2}}' is adjacent*
bad-starts template_params components[0].text: the text may not start with a placeholder
bad-ends template_params components[0].text: the text may not end with a placeholder
bad-gap template_params components[0].text: placeholders must be {{1}}, {{2}}, ... without gaps: {{2}} is missing
bad-example template_params components[0].example.body_text: missing*
bad-example-count template_params components[0].example.body_text: needs 2 values, got 1
bad-mixed template_params components[0].text: '{{first_name}}' is named but parameter_format is positional*
bad-named-case template_params components[0].text: '{{FirstName}}': parameter names are lowercase*
bad-named-dup template_params components[0].text: '{{name}}' is used more than once
bad-named-example template_params components[0].example.body_text_named_params: no example for 'code'
bad-buttons invalid_input components[1].buttons: more than 10 buttons
bad-url-example template_params components[1].buttons[0].example: a URL with {{1}} needs an example URL
TABLE
is "$(nrequests)" "0" "no request reached the fake"
is "$(sql 'SELECT count(*) FROM templates')" "0" "nothing stored"

echo 'name: order_shipped' >"$T/yaml"
exits 65 "create from a file without JSON" wa-template create "$T/yaml"
is_json '[.ok,.error.code,.line]' '[false,"invalid_input",1]' "one invalid_input record"
exits 66 "create from a missing file" wa-template create "$T/missing.json"
is "$(nrequests)" "0" "still no request"

# success: POSTed as given, stored PENDING
exits 0 "create order_shipped" wa-template create "$F/order_shipped.json"
is_json '[.ok,.waba_id,.name,.language,.status,.category,(.id|type)]' \
	'[true,"100200300400500","order_shipped","en_US","PENDING","UTILITY","string"]' "result record"
is "$(requests '[.method,.path]')" '["POST","/100200300400500/message_templates"]' "one POST to the WABA"
is "$(requests '.body' | jq -cS .)" "$(jq -cS . "$F/order_shipped.json")" "the payload as given"
is "$(sql "SELECT status, category, parameter_format FROM templates WHERE name = 'order_shipped'")" "PENDING|UTILITY|POSITIONAL" "stored PENDING"
exits 0 "show the new template" wa-template show order_shipped
is_json '.params' '{"format":"positional","count":2,"body":["1","2"],"header":{"format":"TEXT","param":"1"},"buttons":[{"index":0,"type":"URL","required":true},{"index":1,"type":"QUICK_REPLY","required":false}]}' "its params: header, body, URL button"

# named, pretty-printed, from stdin
fake_ctl reset >/dev/null
exits 0 "create spring_sale from stdin" sh -c "wa-template create < '$F/spring_sale.json'"
is_json '[.name,.language,.status,.category]' '["spring_sale","en","PENDING","MARKETING"]' "named template created"
is "$(sql "SELECT parameter_format FROM templates WHERE name = 'spring_sale'")" "NAMED" "stored NAMED"

# several records: one bad, one refused by Meta, one good; every one answered in order
fake_ctl reset >/dev/null
{ cat "$F/bad-gap.json"; echo 'not json'; cat "$F/order_shipped.json"
  jq -c '.name = "order_shipped_two"' "$F/order_shipped.json"; } >"$T/in"
exits 1 "create several" wa-template create "$T/in"
is "$(jf '[.ok,.error.code,.line,.name]' | tr '\n' ' ')" \
	'[false,"template_params",1,null] [false,"invalid_input",2,null] [false,"graph_error",3,null] [true,null,null,"order_shipped_two"] ' \
	"every record answered in order"
like "$(sed -n 3p "$T/out" | jq -r .error.message)" "*already en_US content*" "Meta's reason for the duplicate"
is "$(sed -n 3p "$T/out" | jq -c '[.error.graph_code,.error.graph_subcode]')" '[100,2388024]' "Meta's codes"
is "$(requests '.status' | tr '\n' ' ')" "400 200 " "only the checked ones were sent"

# Graph failures
fake_ctl reset >/dev/null
fake_ctl fault '{"method":"POST","path_suffix":"/message_templates","times":1,"drop":true}' >/dev/null
exits 1 "create when the connection drops after sending" wa-template create "$F/spring_sale.json"
is_json '.error.code' '"ambiguous"' "ambiguous, not resent"
is "$(requests '.method' | grep -c POST)" "1" "sent once"
fake_ctl reset >/dev/null
WA_TOKEN=wrong exits 77 "create with a bad token" wa-template create "$F/spring_sale.json"
WA_TOKEN= exits 78 "create without a token" wa-template create "$F/spring_sale.json"
exits 64 "create for several WABAs needs --waba" sh -c "wa-connect add --waba 900800700600500 --phone-number-id 9000000000000001 >/dev/null && wa-template create '$F/spring_sale.json'"
like "$(cat "$T/err")" "*several WABAs*--waba*" "says to give --waba"

# delete
fake_ctl reset >/dev/null
exits 0 "sync" wa-template sync --waba $W1
fake_ctl reset >/dev/null
exits 1 "delete one language that is not stored" wa-template delete order_update --language fr --waba $W1
is_json '.error.code' '"template_not_found"' "template_not_found"
is "$(nrequests)" "0" "no request"
ID=$(sql "SELECT id FROM templates WHERE name = 'order_update' AND language = 'es'")
exits 0 "delete order_update --language es" wa-template delete order_update --language es --waba $W1
is_json '.' '{"ok":true,"waba_id":"100200300400500","name":"order_update","language":"es","removed":1}' "result record"
is "$(requests '[.method,.path,.query]' | jq -c '[.[0],.[1],(.[2]|tostring|test("hsm_id='"$ID"'"))]')" \
	'["DELETE","/100200300400500/message_templates",true]' "DELETE with hsm_id"
is "$(sql "SELECT language FROM templates WHERE name = 'order_update'")" "en_US" "the other language stays"
fake_ctl reset >/dev/null
exits 0 "delete welcome (all languages)" wa-template delete welcome --waba $W1
is "$(sql "SELECT count(*) FROM templates WHERE name = 'welcome'")" "0" "removed locally"
like "$(requests '.query|tostring')" "*name=welcome*" "DELETE by name"
exits 1 "delete what Meta does not know" wa-template delete no_such_thing --waba $W1
is_json '[.error.code,.error.graph_code,.input.name]' '["template_not_found",100,"no_such_thing"]' "Meta's 2593002 is template_not_found"
exits 64 "delete NAME extra" wa-template delete a b
done_testing
