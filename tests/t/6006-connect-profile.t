#!/bin/sh
# wa-connect profile: get and set the WhatsApp business profile of a number.
. "$(dirname "$0")/../lib.sh"
start_fake
ID=111111111111111
wa-db migrate >/dev/null

exits 78 "profile of an unknown channel" wa-connect profile $ID
is_json '[.error.code, .channel]' "[\"not_connected\",\"$ID\"]" "not_connected"
wa-connect add --waba 100200300400500 --phone-number-id $ID >/dev/null
fake_ctl reset >/dev/null

exits 0 "get" wa-connect profile $ID
is_json '[.channel, has("ok"), has("messaging_product"), (.websites | type), .vertical]' \
	"[\"$ID\",false,false,\"array\",\"RETAIL\"]" "the profile, keyed by channel"
is "$(requests '[.method, .path, .query]')" "[\"GET\",\"/$ID/whatsapp_business_profile\",\"fields=about,address,description,email,profile_picture_url,websites,vertical\"]" \
	"GET whatsapp_business_profile with the fields"

fake_ctl reset >/dev/null
about=$(printf '%0139d' 0)
exits 0 "set" wa-connect profile $ID --about "$about" --description "Open 9-5" \
	--website https://acme.example --website http://shop.acme.example/x --vertical prof_services \
	--email help@acme.example --address "1 Main St"
is "$(requests 'select(.method == "POST") | .body')" \
	"{\"messaging_product\":\"whatsapp\",\"about\":\"$about\",\"address\":\"1 Main St\",\"description\":\"Open 9-5\",\"email\":\"help@acme.example\",\"vertical\":\"PROF_SERVICES\",\"websites\":[\"https://acme.example\",\"http://shop.acme.example/x\"]}" \
	"POST body: only the given fields, vertical in Meta's spelling"
is_json '[.ok, .channel, .description, .vertical, .websites]' \
	"[true,\"$ID\",\"Open 9-5\",\"PROF_SERVICES\",[\"https://acme.example\",\"http://shop.acme.example/x\"]]" \
	"prints the new profile"
is "$(requests .method | tr '\n' ' ')" '"POST" "GET" ' "set, then read back"

exits 0 "a partial update keeps the rest" wa-connect profile --about "Hi" $ID
is_json '[.about, .description]' '["Hi","Open 9-5"]' "about changed, description kept"
exits 0 "a multi-byte about of 139 characters" wa-connect profile $ID --about "$(printf 'é%.0s' $(seq 139))"

fake_ctl fault '{"method":"POST","path_suffix":"/whatsapp_business_profile","times":1,"http":400,"code":100,"message":"(#100) Invalid parameter"}' >/dev/null
exits 1 "Graph refuses" wa-connect profile $ID --about "x"
is_json '[.ok, .error.code, .error.graph_code, .input.command]' '[false,"graph_error",100,"profile"]' "result record"

done_testing
