#!/bin/sh
# wa-template sync, list, show: all pages, removals at Meta, filters, parameters.
. "$(dirname "$0")/../lib.sh"
W1=100200300400500
W2=900800700600500

exits 64 "no command" wa-template
like "$(head -1 "$T/err")" "wa-template: usage: missing command" "usage error names the problem"
exits 64 "unknown command" wa-template frobnicate
exits 64 "unknown option" wa-template list --frob
exits 64 "show without NAME" wa-template show
exits 64 "list takes no operand" wa-template list extra
exits 64 "send options are for send" wa-template list --to 15551234567
exits 0 "--help" wa-template --help
like "$(head -1 "$T/out")" "usage: wa-template sync*" "--help prints the synopsis"
exits 0 "--version" wa-template --version

exits 78 "sync where there is no database" wa-template sync
if on_pg; then	# an empty database: no desk in it, and none made
	like "$(cat "$T/err")" "wa-template: config: no desk in PostgreSQL database '$pg_db'*" "names the database"
	is "$(sql "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")" 0 "makes no empty desk"
else
	like "$(cat "$T/err")" "wa-template: config: no database at '$WA_DB'*" "names the path"
	test ! -e "$WA_DB"; ok $? "makes no empty desk"
fi
wa-db migrate >/dev/null
exits 78 "sync without any connected channel" wa-template sync
like "$(cat "$T/err")" "wa-template: not_connected: no connected channel*" "says what is missing"
start_fake
wa-connect add --waba $W1 --phone-number-id 111111111111111 >/dev/null
WA_TOKEN= exits 78 "sync without a token" wa-template sync
like "$(cat "$T/err")" "wa-template: *no access token*" "no token: says so"
fake_ctl reset >/dev/null

# every page
exits 0 "sync" wa-template sync
is_json '.' '{"ok":true,"waba_id":"100200300400500","synced":128,"removed":0,"pages":2}' "summary record: 128 templates in 2 pages"
is "$(requests 'select(.method == "GET") | .path' | sort | uniq -c | tr -s ' ')" \
	' 2 "/100200300400500/message_templates"' "two GETs: 100 per page, then the rest"
like "$(requests 'select(.method == "GET") | .query' | head -1)" '*limit=100*' "asks for 100 per page"
like "$(requests 'select(.method == "GET") | .query' | head -1)" '*fields=*parameter_format*quality_score*' "asks for every field kept"
is "$(sql "SELECT count(*) FROM templates WHERE waba_id = '$W1'")" "128" "128 stored"
is "$(sql "SELECT status, parameter_format FROM templates WHERE name = 'promo_named'")" "APPROVED|NAMED" "status and format stored"

# the same again changes nothing; a template deleted at Meta goes
exits 0 "sync again" wa-template sync
is_json '[.synced,.removed]' '[128,0]' "idempotent"
curl -s -X DELETE -H "Authorization: Bearer test-token" "$WA_GRAPH_URL/$W1/message_templates?name=welcome" >/dev/null
curl -s -X DELETE -H "Authorization: Bearer test-token" "$WA_GRAPH_URL/$W1/message_templates?name=bulk_007" >/dev/null
fake_ctl state '{"template":[{"waba":"100200300400500","name":"fresh_one","language":"de","status":"APPROVED","category":"UTILITY","components":[{"type":"BODY","text":"Hallo {{1}}!"}]}]}' >/dev/null
exits 0 "sync after Meta deleted two and added one" wa-template sync --waba $W1
is_json '[.synced,.removed]' '[127,2]' "two removed, one added"
is "$(sql "SELECT count(*) FROM templates WHERE name IN ('welcome','bulk_007')")" "0" "removed locally"
is "$(sql "SELECT status FROM templates WHERE name = 'fresh_one'")" "APPROVED" "new one stored"

# a failing page changes nothing
fake_ctl reset >/dev/null
fake_ctl state '{"template_status":[{"name":"order_update","status":"PAUSED"}]}' >/dev/null
fake_ctl fault '{"method":"GET","path_suffix":"/message_templates","times":10,"http":500}' >/dev/null
exits 69 "sync when Graph keeps failing" wa-template sync
like "$(cat "$T/err")" "wa-template: graph_error: after 4 tries*" "retried, then gave up"
is_json '[.ok,.error.code,.input.waba_id]' '[false,"graph_error","100200300400500"]' "error record names the WABA"
is "$(sql "SELECT count(*) FROM templates")" "127" "nothing removed after a failure"
is "$(sql "SELECT DISTINCT status FROM templates WHERE name = 'order_update'")" "APPROVED" "nothing changed after a failure"
fake_ctl reset >/dev/null
fake_ctl fault '{"method":"GET","path_suffix":"/message_templates","times":1,"http":500}' >/dev/null
exits 0 "sync after one 500" wa-template sync
is "$(sql "SELECT DISTINCT status FROM templates WHERE name = 'order_update'")" "PAUSED" "status change synced"
fake_ctl state '{"template_status":[{"name":"order_update","status":"APPROVED"}]}' >/dev/null
fake_ctl reset >/dev/null
fake_ctl fault '{"method":"GET","path_suffix":"/message_templates","times":1,"http":400,"code":80008}' >/dev/null
WA_GRAPH_RETRIES=1 exits 75 "sync rate limited" wa-template sync
like "$(cat "$T/err")" "wa-template: rate_limited: *" "rate_limited"
fake_ctl reset >/dev/null
WA_TOKEN=wrong exits 77 "sync with a bad token" wa-template sync
like "$(cat "$T/err")" "wa-template: auth: *" "auth"
exits 0 "sync of a WABA without templates" wa-template sync --waba $W2
is_json '[.synced,.removed,.pages]' '[0,0,1]' "empty WABA"
WA_GRAPH_URL=http://127.0.0.1:9/v25.0 exits 69 "sync when Graph is unreachable" wa-template sync
is_json '[.error.code,.action]' '["network","retry"]' "network error record"
exits 0 "final sync" wa-template sync
exits 74 "list to a full disk" sh -c 'wa-template list --json >/dev/full'
like "$(cat "$T/err")" "wa-template: io: *" "output error"
mkdir "$T/dir.db"
exits 74 "a database that cannot be opened" wa-template list --db "$T/dir.db"

# list
exits 0 "list" wa-template list
is "$(grep -c . "$T/out")" "127" "every template listed"
is_json 'select(.name == "order_update") | [.language,.status,.category,.params,.waba_id]' \
	'["en_US","APPROVED","UTILITY",2,"100200300400500"]
["es","APPROVED","UTILITY",2,"100200300400500"]' "list record: params count, waba, one per language"
exits 0 "list --status PENDING" wa-template list --status PENDING
is "$(jf '.name')" '"pending_tpl"' "status filter"
exits 0 "list --status paused (any case)" wa-template list --status paused
is "$(jf '.name')" '"paused_tpl"' "status filter ignores case"
exits 0 "list --category MARKETING" wa-template list --category MARKETING
is "$(jf '.name' | tr '\n' ' ')" '"image_header" "paused_tpl" "promo_named" ' "category filter"
exits 0 "list --language es" wa-template list --language es
is "$(jf '[.name,.language]')" '["order_update","es"]' "language filter"
exits 0 "list --waba of the other WABA" wa-template list --waba $W2
is "$(grep -c . "$T/out")" "0" "waba filter"
exits 0 "list --table" wa-template list --table --status APPROVED --category MARKETING
is "$(head -1 "$T/out" | tr -s ' ')" "NAME LANGUAGE STATUS CATEGORY PARAMS QUALITY WABA" "table header"
like "$(sed -n 2p "$T/out")" "image_header *en_US *APPROVED *MARKETING *1 *- *100200300400500" "table row"

# show
exits 0 "show order_update" wa-template show order_update
is "$(grep -c . "$T/out")" "2" "all languages"
is_json 'select(.language == "es") | .params' '{"format":"positional","count":2,"body":["1","2"],"header":null,"buttons":[]}' "positional params"
is_json 'select(.language == "es") | .components[0].text' '"Hola {{1}}, tu pedido {{2}} fue enviado"' "components shown"
exits 0 "show promo_named --language en_US" wa-template show promo_named --language en_US
is_json '.params' '{"format":"named","count":2,"body":["first_name","code"],"header":null,"buttons":[]}' "named params"
exits 0 "show image_header" wa-template show image_header
is_json '.params.header' '{"format":"IMAGE"}' "image header"
exits 0 "show survey_buttons" wa-template show survey_buttons
is_json '.params.buttons' '[{"index":0,"type":"QUICK_REPLY","required":false},{"index":1,"type":"QUICK_REPLY","required":false}]' "quick replies take optional payloads"
exits 1 "show an unknown template" wa-template show nope
is_json '[.ok,.error.code]' '[false,"template_not_found"]' "template_not_found record"
like "$(cat "$T/err")" "wa-template: template_not_found: template 'nope' is not known; run 'wa-template sync'" "tells to sync"
exits 1 "show a known template in another language" wa-template show welcome --language fr
like "$(cat "$T/err")" "*template 'welcome' (fr)*" "names the language"
done_testing
