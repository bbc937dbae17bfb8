#!/bin/sh
# SPDX-License-Identifier: MIT
# The Graph client (lib/graph.c) against tests/fake-graph: auth, retries, Retry-After, faults, ambiguity.
. "$(dirname "$0")/../lib.sh"
start_fake
PN=111111111111111

exits 0 "GET a phone number" helper graph GET /$PN
is_json '.resp.id' '"111111111111111"' "the number's id comes back"

WA_TOKEN= exits 78 "no token is a configuration error" helper graph GET /$PN
is_json '.error.code' '"config"' "code config"

WA_TOKEN=wrong exits 77 "a bad token is a permission error" helper graph GET /$PN
is_json '[.error.code,.error.graph_code,.action]' '["auth",190,"admin"]' "auth, 190, admin"
grep -q wrong "$T/out" "$T/err"; is $? 1 "the token never appears in output"

exits 1 "an unknown object id is graph_error" helper graph GET /999
is_json '[.error.code,.error.graph_code,.error.graph_subcode]' '["graph_error",100,33]' "code 100 subcode 33"

fake_ctl reset >/dev/null
fake_ctl fault '{"path_suffix":"/messages","times":2,"http":400,"code":130429}' >/dev/null
exits 0 "rate limit 130429 (HTTP 400) twice, then success" \
	helper graph POST /$PN/messages '{"messaging_product":"whatsapp","to":"15551234567","type":"text","text":{"body":"hi"}}'
is "$(requests 'select(.path|endswith("/messages"))' | grep -c .)" 3 "three tries reached the fake"

fake_ctl reset >/dev/null
fake_ctl fault '{"path_suffix":"/messages","times":-1,"http":400,"code":131056}' >/dev/null
exits 75 "a rate limit that never ends exits 75" \
	helper graph POST /$PN/messages '{"messaging_product":"whatsapp","to":"15551234567","type":"text","text":{"body":"hi"}}'
is_json '[.error.code,.error.graph_code,.action]' '["rate_limited",131056,"retry"]' "rate_limited, 131056, retry"
is "$(requests 'select(.path|endswith("/messages"))' | grep -c .)" 4 "four tries (WA_GRAPH_RETRIES default)"

fake_ctl reset >/dev/null
fake_ctl fault '{"times":1,"http":503,"retry_after":1}' >/dev/null
start=$(date +%s%N)
exits 0 "503 with Retry-After, then success" helper graph GET /$PN
end=$(date +%s%N)
[ $(( (end - start) / 1000000 )) -ge 900 ]; ok $? "Retry-After: 1 was honoured"

fake_ctl reset >/dev/null
fake_ctl fault '{"times":-1,"http":500}' >/dev/null
WA_GRAPH_RETRIES=2 exits 69 "5xx past the retries exits 69" helper graph GET /$PN
is "$(requests | grep -c .)" 2 "WA_GRAPH_RETRIES=2 means two tries"

fake_ctl reset >/dev/null
fake_ctl fault '{"method":"POST","path_suffix":"/messages","times":1,"drop":true}' >/dev/null
exits 1 "a dropped POST is ambiguous" \
	helper graph POST /$PN/messages '{"messaging_product":"whatsapp","to":"15551234567","type":"text","text":{"body":"hi"}}'
is_json '[.error.code,.action]' '["ambiguous","never"]' "ambiguous, never resent automatically"
is "$(requests 'select(.path|endswith("/messages"))' | grep -c .)" 1 "exactly one POST reached the fake"

fake_ctl reset >/dev/null
fake_ctl fault '{"method":"GET","times":1,"drop":true}' >/dev/null
exits 0 "a dropped GET is retried" helper graph GET /$PN
is "$(requests | grep -c .)" 2 "two GETs"

fake_ctl reset >/dev/null
fake_ctl fault '{"method":"POST","times":1,"delay_ms":2000}' >/dev/null
WA_GRAPH_TIMEOUT_MS=300 exits 1 "a POST that times out after sending is ambiguous" \
	helper graph POST /$PN/messages '{"messaging_product":"whatsapp","to":"15551234567","type":"text","text":{"body":"hi"}}'
is_json '.error.code' '"ambiguous"' "ambiguous"

WA_GRAPH_URL="http://127.0.0.1:9/v25.0" WA_GRAPH_RETRIES=2 exits 69 "nothing listening exits 69" helper graph GET /$PN
is_json '[.error.code,.action]' '["network","retry"]' "network, retry"

exits 1 "template not found (100/2593002) maps to template_not_found" \
	helper graph DELETE "/100200300400500/message_templates?name=nope"
is_json '[.error.code,.error.graph_code]' '["template_not_found",100]' "template_not_found"

printf 'hello media' >"$T/a.txt"
exits 0 "multipart upload" helper upload /$PN/media "$T/a.txt" text/plain
id=$(jq -r .resp.id "$T/out")
exits 0 "media URL" helper graph GET "/$id"
url=$(jq -r .resp.url "$T/out")
sha=$(jq -r .resp.sha256 "$T/out")
exits 0 "download with the Bearer token" helper download "$url" "$T/dl" 1000
is "$(cat "$T/dl")" "hello media" "the bytes came back"
is "$(sha256sum "$T/dl" | cut -d' ' -f1)" "$sha" "sha256 matches Graph's hex digest"
exits 1 "a download over the cap is refused" helper download "$url" "$T/dl" 5
is_json '.error.code' '"media_too_large"' "media_too_large"

done_testing
