#!/bin/sh
# SPDX-License-Identifier: MIT
# fake-graph: the Graph API double every other test stands on.
. "$(dirname "$0")/../lib.sh"

PN=111111111111111
WABA=100200300400500
AUTH="Authorization: Bearer test-token"
# api METHOD PATH [CURL-ARGS...]: a Graph call; body to $T/out, status echoed.
api() {
	m=$1 p=$2
	shift 2
	curl -s -o "$T/out" -w '%{http_code}' -X "$m" -H "$AUTH" "$@" "$WA_GRAPH_URL$p"
}
# send JSON: POST /PN/messages with a JSON body.
send() { api POST "/$PN/messages" -H 'Content-Type: application/json' --data-binary "$1"; }

exits 0 "--help" fake-graph --help
grep -q -- '--port-file FILE' "$T/out"; ok $? "--help shows the synopsis"
exits 64 "no --port-file" fake-graph
exits 64 "bad --listen" fake-graph --port-file "$T/p" --listen nowhere
start_fake
grep -qx '[0-9][0-9]*' "$T/fake.port"; ok $? "port file holds just the port"

# auth and lookups
is "$(curl -s -o "$T/out" -w '%{http_code}' "$WA_GRAPH_URL/$PN")" 401 "no token: 401"
is_json '.error.code' 190 "no token: code 190"
is "$(curl -s -o "$T/out" -w '%{http_code}' -H 'Authorization: Bearer nope' "$WA_GRAPH_URL/$PN")" 401 "wrong token: 401"
is "$(api GET "/$PN")" 200 "GET number"
is_json '[.id,.display_phone_number,.platform_type,.throughput.level]' \
	'["111111111111111","+1 555-000-1111","CLOUD_API","STANDARD"]' "number default fields"
api GET "/444444444444444?fields=platform_type" >/dev/null
is_json '.' '{"id":"444444444444444","platform_type":"ON_PREMISE"}' "?fields= projects"
is "$(api GET /123456789)" 400 "unknown id: 400"
is_json '[.error.code,.error.error_subcode,.error.type]' '[100,33,"GraphMethodException"]' "unknown id: 100/33"
like "$(jq -r .error.message "$T/out")" "Unsupported get request. Object with ID '123456789' does not exist*" "unknown id message"
api POST /123456789/register -d pin=123456 >/dev/null
like "$(jq -r .error.message "$T/out")" "Unsupported post request.*" "unknown id on POST"
grep -q '\\/' "$T/out"; ok $? "slashes escaped like graph.facebook.com"
api GET "/$WABA" >/dev/null
is_json '[.id,.name,(.message_template_namespace|type)]' '["100200300400500","Acme","string"]' "GET WABA"
is "$(api GET /900800700600500/phone_numbers)" 200 "list numbers"
is_json '[(.data|length),(.paging.next|type)]' '[25,"string"]' "first page holds 25 of 26 numbers"
curl -s -o "$T/out" -H "$AUTH" "$(jq -r .paging.next "$T/out")"
is_json '[(.data|length),.data[0].id,(.paging.next|type)]' '[1,"9000000000000026","null"]' "next page holds the 26th"

# sending
is "$(send '{"messaging_product":"whatsapp","to":"+1 (555) 123-4567","type":"text","text":{"body":"hi"}}')" 200 "send text"
is_json '[.messaging_product,.contacts[0].input,.contacts[0].wa_id,(.messages[0].id|startswith("wamid."))]' \
	'["whatsapp","+1 (555) 123-4567","15551234567",true]' "send text: Meta's response shape"
WAMID=$(jq -r '.messages[0].id' "$T/out")
send '{"messaging_product":"whatsapp","to":15551234567,"text":{"body":"number to, default type"}}' >/dev/null
is_json '.contacts[0].wa_id' '"15551234567"' "numeric to, type defaults to text"
is "$(send '{"messaging_product":"whatsapp","type":"text","text":{"body":"x"}}')" 400 "missing to: 400"
is_json '.error.code' 131008 "missing to: 131008"
is "$(send '{"messaging_product":')" 400 "unparsable JSON: 400"
is_json '.error.code' 100 "unparsable JSON: 100"
send '{"messaging_product":"sms","to":"1555","text":{"body":"x"}}' >/dev/null
is_json '.error.code' 100 "wrong messaging_product: 100"
send '{"messaging_product":"whatsapp","to":"15551234567","type":"text","text":{"body":""}}' >/dev/null
is_json '.error.code' 131008 "empty text body: 131008"
send '{"messaging_product":"whatsapp","to":"15551234567","type":"fax","fax":{}}' >/dev/null
is_json '.error.code' 100 "unknown type: 100"
send '{"messaging_product":"whatsapp","to":"15551234567","type":"location","location":{"latitude":"x","longitude":1}}' >/dev/null
is_json '.error.code' 100 "bad latitude: 100"
send '{"messaging_product":"whatsapp","to":"15551234567","type":"image","image":{"id":"777"}}' >/dev/null
is_json '[.error.code,(.error.error_data.details|test("media id"))]' '[100,true]' "unknown media id: 100"
send '{"messaging_product":"whatsapp","to":"15551234567","type":"interactive","interactive":{"type":"button","body":{"text":"?"},"action":{"buttons":[{"type":"reply","reply":{"id":"a","title":"This title is far too long"}}]}}}' >/dev/null
is_json '.error.code' 131009 "button title over 20: 131009"
send '{"messaging_product":"whatsapp","status":"read","message_id":"wamid.HBgLMTM0Mzc3NzI5MTAVAgARGBI"}' >/dev/null
is_json '.' '{"success":true}' "mark an inbound message read"
send "{\"messaging_product\":\"whatsapp\",\"status\":\"read\",\"message_id\":\"$WAMID\"}" >/dev/null
like "$(jq -r '.error.code,.error.error_data.details' "$T/out" | tr '\n' ' ')" "100 *is outgoing. Please use an incoming message ID. " "mark an outgoing message read: 100"

# templates on send
tpl() { send "{\"messaging_product\":\"whatsapp\",\"to\":\"15551234567\",\"type\":\"template\",\"template\":$1}"; }
is "$(tpl '{"name":"order_update","language":{"code":"en_US"},"components":[{"type":"body","parameters":[{"type":"text","text":"Ann"}]}]}')" 400 "param count mismatch: 400"
is_json '.error.code' 132000 "param count mismatch: 132000"
tpl '{"name":"no_such","language":{"code":"en_US"}}' >/dev/null
is_json '[.error.code,.error.message]' '[132001,"(#132001) Template name does not exist in the translation"]' "unknown template: 132001"
tpl '{"name":"order_update","language":{"code":"fr"}}' >/dev/null
is_json '.error.code' 132001 "unknown language: 132001"
tpl '{"name":"pending_tpl","language":{"code":"en_US"},"components":[{"type":"body","parameters":[{"type":"text","text":"1"}]}]}' >/dev/null
is_json '.error.code' 132001 "pending template: 132001"
tpl '{"name":"paused_tpl","language":{"code":"en_US"}}' >/dev/null
is_json '.error.code' 132015 "paused template: 132015"
is "$(tpl '{"name":"order_update","language":{"code":"es"},"components":[{"type":"body","parameters":[{"type":"text","text":"Ana"},{"type":"text","text":"#2"}]}]}')" 200 "template send"
is_json '.messages[0].message_status' '"accepted"' "template send: message_status accepted"
tpl '{"name":"promo_named","language":{"code":"en_US"},"components":[{"type":"body","parameters":[{"type":"text","parameter_name":"first_name","text":"Ann"},{"type":"text","parameter_name":"code","text":"X"}]}]}' >/dev/null
is_json '.messages[0].message_status' '"accepted"' "named template send"
tpl '{"name":"promo_named","language":{"code":"en_US"},"components":[{"type":"body","parameters":[{"type":"text","parameter_name":"first_name","text":"Ann"},{"type":"text","parameter_name":"coupon","text":"X"}]}]}' >/dev/null
is_json '.error.code' 132000 "named template, wrong parameter_name: 132000"
tpl '{"name":"image_header","language":{"code":"en_US"},"components":[{"type":"body","parameters":[{"type":"text","text":"Ann"}]}]}' >/dev/null
is_json '.error.code' 132012 "image header missing: 132012"
tpl '{"name":"image_header","language":{"code":"en_US"},"components":[{"type":"header","parameters":[{"type":"image","image":{"link":"https://example.com/a.jpg"}}]},{"type":"body","parameters":[{"type":"text","text":"Ann"}]}]}' >/dev/null
is_json '.messages[0].message_status' '"accepted"' "image header template send"
fake_ctl state '{"template_status":{"name":"pending_tpl","language":"en_US","status":"APPROVED"}}' >/dev/null
tpl '{"name":"pending_tpl","language":{"code":"en_US"},"components":[{"type":"body","parameters":[{"type":"text","text":"1"}]}]}' >/dev/null
is_json '.messages[0].message_status' '"accepted"' "template approved through /_fake/state"
curl -s "$FAKE/_fake/messages" >"$T/msgs"
is "$(grep -c . "$T/msgs")" 6 "/_fake/messages lists accepted sends"

# media
printf 'hello media\n' >"$T/note.txt"
is "$(api POST "/$PN/media" -F messaging_product=whatsapp -F type=text/plain -F "file=@$T/note.txt;type=text/plain")" 200 "upload media"
MID=$(jq -r .id "$T/out")
like "$MID" "[0-9]*" "media id is a numeric string"
api GET "/$MID" >/dev/null
is_json '[.messaging_product,.mime_type,.file_size,.id]' "[\"whatsapp\",\"text/plain\",12,\"$MID\"]" "media URL object"
is "$(jq -r .sha256 "$T/out")" "$(sha256sum "$T/note.txt" | cut -d' ' -f1)" "media sha256 is the hex digest"
URL=$(jq -r .url "$T/out")
is "$(curl -s -o "$T/dl" -w '%{http_code}' "$URL")" 401 "download needs the token"
curl -s -o "$T/dl" -H "$AUTH" "$URL"
cmp -s "$T/dl" "$T/note.txt"; ok $? "download returns the bytes"
send "{\"messaging_product\":\"whatsapp\",\"to\":\"15551234567\",\"type\":\"document\",\"document\":{\"id\":\"$MID\",\"filename\":\"note.txt\"}}" >/dev/null
is_json '.messages|length' 1 "send an uploaded media id"
api POST "/$PN/media" -F messaging_product=whatsapp -F "file=@$T/note.txt;type=application/x-msdownload" >/dev/null
is_json '.error.code' 131053 "unsupported media type: 131053"
is "$(api DELETE "/$MID")" 200 "delete media"
api DELETE "/$MID" >/dev/null
is_json '.error.message' '"(#100) Invalid post_id parameter"' "delete it again: invalid post_id"
api GET /5000000000000001 >/dev/null
is_json '.mime_type' '"image/jpeg"' "seeded inbound media"

# template listing, create, delete
NT=$(jq '.wabas["100200300400500"] | (.templates|length) + .generate_templates' "$top/tests/fixtures/graph-seed.json")
pages() {	# pages LIMIT: follows next to the end; prints "pages items"
	url="$WA_GRAPH_URL/$WABA/message_templates?limit=$1&fields=name,language,status"
	np=0 ni=0
	while [ -n "$url" ] && [ $np -lt 50 ]; do
		curl -s -H "$AUTH" "$url" >"$T/page"
		np=$((np + 1)) ni=$((ni + $(jq '.data|length' "$T/page")))
		url=$(jq -r '.paging.next // empty' "$T/page")
	done
	echo "$np $ni"
}
is "$(pages 25)" "$(( (NT + 24) / 25 )) $NT" "paging at 25 reaches every template"
is "$(pages 100)" "2 $NT" "paging at 100 reaches every template"
api GET "/$WABA/message_templates?name=order_update&language=es" >/dev/null
is_json '[.data[]|.language]' '["es"]' "list filters by name and language"
is "$(api POST "/$WABA/message_templates" -H 'Content-Type: application/json' --data-binary \
	'{"name":"ticket_closed","category":"utility","language":"en_US","components":[{"type":"BODY","text":"Ticket {{1}} closed","example":{"body_text":[["42"]]}}]}')" 200 "create template"
is_json '[.status,.category,(.id|test("^[0-9]+$"))]' '["PENDING","UTILITY",true]' "create: PENDING"
api POST "/$WABA/message_templates" -H 'Content-Type: application/json' --data-binary \
	'{"name":"ticket_closed","category":"UTILITY","language":"en_US","components":[{"type":"BODY","text":"Again"}]}' >/dev/null
is_json '[.error.code,.error.error_subcode]' '[100,2388024]' "create duplicate: 2388024"
api POST "/$WABA/message_templates" -H 'Content-Type: application/json' --data-binary \
	'{"name":"Bad Name","category":"UTILITY","language":"en_US","components":[{"type":"BODY","text":"x"}]}' >/dev/null
is_json '.error.code' 100 "create with a bad name: 100"
is "$(api DELETE "/$WABA/message_templates?name=ticket_closed")" 200 "delete template"
api DELETE "/$WABA/message_templates?name=ticket_closed" >/dev/null
is_json '[.error.code,.error.error_subcode,.error.error_user_title]' '[100,2593002,"Message Template Not Found"]' "delete unknown: 2593002"
api GET /1000000000000004 >/dev/null
is_json '[.name,.parameter_format]' '["promo_named","NAMED"]' "GET template by id"

# registration, profile, subscriptions
is "$(api POST "/$PN/request_code?code_method=SMS&language=en")" 200 "request_code in the query"
is "$(api POST "/$PN/request_code" -d code_method=VOICE -d language=en_US)" 200 "request_code as a form"
is "$(api POST "/$PN/request_code" -H 'Content-Type: application/json' --data-binary '{"code_method":"FAX","language":"en"}')" 400 "request_code FAX: 400"
api POST "/$PN/verify_code" -d code=000000 >/dev/null
is_json '[.error.code,.error.error_subcode]' '[136025,2388093]' "verify_code wrong: 136025"
is "$(api POST "/$PN/verify_code" -d code=123456)" 200 "verify_code 123456"
is "$(api POST "/$PN/register" -H 'Content-Type: application/json' --data-binary '{"messaging_product":"whatsapp","pin":"12345"}')" 400 "register 5-digit pin: 400"
is "$(api POST "/$PN/register" -H 'Content-Type: application/json' --data-binary '{"messaging_product":"whatsapp","pin":"123456"}')" 200 "register"
api GET "/$PN/whatsapp_business_profile?fields=about,vertical" >/dev/null
is_json '.data[0]' '{"about":"Acme support, 24/7","vertical":"RETAIL","messaging_product":"whatsapp"}' "business profile"
api POST "/222222222222222/whatsapp_business_profile" -H 'Content-Type: application/json' --data-binary '{"messaging_product":"whatsapp","vertical":"SPACESHIPS"}' >/dev/null
is_json '.error.code' 100 "bad vertical: 100"
api POST "/222222222222222/whatsapp_business_profile" -H 'Content-Type: application/json' --data-binary '{"messaging_product":"whatsapp","about":"New","websites":["https://a.example"]}' >/dev/null
api GET "/222222222222222/whatsapp_business_profile" >/dev/null
is_json '.data[0]|[.about,.websites[0],.vertical]' '["New","https://a.example","UNDEFINED"]' "profile stored"
api GET "/$WABA/subscribed_apps" >/dev/null
is_json '.data' '[]' "no subscriptions at first"
is "$(api POST "/$WABA/subscribed_apps")" 200 "subscribe"
api GET "/$WABA/subscribed_apps" >/dev/null
is_json '.data[0].whatsapp_business_api_data.name' '"wa test app"' "subscription listed"

# faults
fake_ctl fault '{"method":"POST","path_suffix":"/messages","times":2,"http":400,"code":130429}' >/dev/null
M='{"messaging_product":"whatsapp","to":"15551234567","text":{"body":"x"}}'
is "$(send "$M") $(send "$M") $(send "$M")" "400 400 200" "130429 twice, then through"
fake_ctl fault '{"path_suffix":"/messages","code":130429}' >/dev/null
is "$(send "$M")" 400 "a code alone answers HTTP 400"
is_json '[.error.code,.error.message]' '[130429,"(#130429) Rate limit hit"]' "130429 envelope"
fake_ctl fault '{"http":503,"retry_after":1,"times":1}' >/dev/null
curl -s -D "$T/hdr" -o "$T/out" -H "$AUTH" "$WA_GRAPH_URL/$PN"
grep -qi '^HTTP/1.1 503' "$T/hdr"; ok $? "503 fault"
grep -qi '^Retry-After: 1' "$T/hdr"; ok $? "503 carries Retry-After"
fake_ctl fault '{"drop":true}' >/dev/null
curl -s -o "$T/out" -H "$AUTH" "$WA_GRAPH_URL/$PN"
is $? 52 "dropped connection: curl sees an empty reply"
fake_ctl fault '{"delay_ms":1200,"path_contains":"/messages"}' >/dev/null
t=$(curl -s -o "$T/out" -w '%{time_total}' -H "$AUTH" -H 'Content-Type: application/json' --data-binary "$M" "$WA_GRAPH_URL/$PN/messages")
awk "BEGIN { exit !($t >= 1.1) }"; ok $? "delayed answer ($t s)"
is_json '.messages|length' 1 "delayed request is still processed"
fake_ctl fault '{"delay_ms":3000}' >/dev/null
curl -s -m 1 -o "$T/out" -H "$AUTH" "$WA_GRAPH_URL/$PN"
is $? 28 "client timeout against a delayed answer"
fake_ctl latency '{"ms":300}' >/dev/null
t=$(curl -s -o "$T/out" -w '%{time_total}' -H "$AUTH" "$WA_GRAPH_URL/$PN")
awk "BEGIN { exit !($t >= 0.29) }"; ok $? "fixed latency ($t s)"
fake_ctl latency '{"ms":0}' >/dev/null

# the request log
requests 'select(.path == "/'$PN'/messages" and .status == 400) | .body.to' >"$T/r"
is "$(tail -n 1 "$T/r")" '"15551234567"' "log keeps the parsed body"
requests 'select(.status == 0) | .path' >"$T/r"
is "$(cat "$T/r")" "\"/$PN\"" "dropped request logged with status 0"
requests 'select(.path == "/'$PN'/media" and .status == 200) | [.body.fields.messaging_product,.body.file_size,.body.file_mime]' >"$T/r"
is "$(cat "$T/r")" '["whatsapp",12,"text/plain"]' "multipart logged as fields and file"
requests 'select(.path == "/'$PN'/request_code") | .body.code_method // .query' >"$T/r"
is "$(tr '\n' ' ' <"$T/r")" '"code_method=SMS&language=en" "VOICE" "FAX" ' "query, form and JSON bodies logged"
requests '.seq' | awk 'NR != $1 { bad = 1 } END { exit bad }'; ok $? "seq counts requests in arrival order"
requests 'select(.auth == false) | .status' | sort -u >"$T/r"
is "$(tr '\n' ' ' <"$T/r")" "401 " "requests without the token are logged as auth:false"
is "$(grep -c . "$T/requests.jsonl")" "$(nrequests)" "--log file has every request"
fake_ctl reset >/dev/null
is "$(nrequests)" 0 "reset clears the log"
api GET "/$PN" >/dev/null
requests '[.seq,.method,.path,.query,.status]' >"$T/r"
is "$(cat "$T/r")" "[1,\"GET\",\"/$PN\",\"\",200]" "log restarts at seq 1"

kill "$fake_pid"
wait "$fake_pid"
is $? 0 "SIGTERM: exit 0"
fake_pid=
done_testing
