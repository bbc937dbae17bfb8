#!/bin/sh
# wa-template lint, pull, diff: templates as files, their stable form, checks naming file and line, Meta's part apart from the content.
. "$(dirname "$0")/../lib.sh"
W=100200300400500
D="$T/tpl"
F="$top/tests/fixtures/templates"

exits 64 "pull without DIR" wa-template pull
exits 64 "pull with two DIRs" wa-template pull a b
exits 64 "lint without FILE" wa-template lint
exits 64 "--prune is for push" wa-template diff "$D" --prune
exits 64 "--dry-run is not for pull" wa-template pull "$D" --dry-run
like "$(head -1 "$T/err")" "*'pull' takes no option '--dry-run'*" "says which option"

# lint needs no database and no token: for CI
mkdir -p "$T/ci"
jq '{name:"order_shipped"} + .' "$F/order_shipped.json" >"$T/ci/order_shipped.en_US.json"
WA_DB="$T/none/wa.db" WA_TOKEN= exits 0 "lint a good file" wa-template lint "$T/ci/order_shipped.en_US.json"
is_json '[.ok,.name,.language]' '[true,"order_shipped","en_US"]' "one record per file"
[ ! -e "$T/none" ]; ok $? "lint created no database"

# each message names the file, the line and the field
cp "$T/ci/order_shipped.en_US.json" "$T/ci/good.en_US.json"
jq '.name = "good"' "$T/ci/order_shipped.en_US.json" >"$T/ci/good.en_US.json"
printf '{\n  "name": "x",\n  "components": [\n    {"type": "BODY",\n' >"$T/ci/cut.en_US.json"
jq --indent 2 '.components[1].text = "Hi {{1}}"' "$T/ci/good.en_US.json" >"$T/ci/ends.en_US.json"
sed -i 's/"name": "good"/"name": "ends"/' "$T/ci/ends.en_US.json"
jq --indent 2 '.name = "status" | .status = "APPROVED"' "$T/ci/good.en_US.json" >"$T/ci/status.en_US.json"
jq --indent 2 '.name = "other"' "$T/ci/good.en_US.json" >"$T/ci/named.en_US.json"
cp "$T/ci/good.en_US.json" "$T/ci/noname.json"
exits 65 "lint several, some bad" wa-template lint "$T/ci/good.en_US.json" "$T/ci/cut.en_US.json" \
	"$T/ci/ends.en_US.json" "$T/ci/status.en_US.json" "$T/ci/named.en_US.json" "$T/ci/noname.json"
ends=$(grep -n '"Hi {{1}}"' "$T/ci/ends.en_US.json" | cut -d: -f1)
status=$(grep -n '"status": "APPROVED"' "$T/ci/status.en_US.json" | cut -d: -f1)
named=$(grep -n '"name": "other"' "$T/ci/named.en_US.json" | cut -d: -f1)
is "$(jf '[.ok,.line,.error.code]' | tr '\n' ' ')" \
	"[true,null,null] [false,5,\"invalid_input\"] [false,$ends,\"template_params\"] [false,$status,\"invalid_input\"] [false,$named,\"invalid_input\"] [false,1,\"invalid_input\"] " \
	"one record per file, in order, with the line of the field"
like "$(cat "$T/err")" "*wa-template: $T/ci/ends.en_US.json:$ends: template_params: components\\[1\\].text: the text may not end with a placeholder*" \
	"FILE:LINE: code: field: why"
like "$(cat "$T/err")" "*cut.en_US.json:5: invalid_input: not JSON: Unfinished JSON term*" "a cut file: where it ends"
like "$(cat "$T/err")" "*status.en_US.json:$status: invalid_input: status: not a key of a template file*" "an unknown key is not dropped"
like "$(cat "$T/err")" "*named.en_US.json:$named: invalid_input: name: 'other', but the file is named for 'named'*" "name and file name agree"
like "$(cat "$T/err")" "*noname.json:1: invalid_input: file: 'noname.json' is not named NAME.LANGUAGE.json*" "the file name says which template"
exits 66 "lint a directory" wa-template lint "$T/ci"
like "$(cat "$T/err")" "*$T/ci: is a directory*" "says so"
exits 66 "lint a missing file" wa-template lint "$T/ci/good.en_US.json" "$T/ci/missing.en_US.json"
is "$(jf '.ok' | tr '\n' ' ')" "false " "nothing checked before every file is read"
# every offline check of create, now with its line
for f in bad-gap bad-example-count bad-url-example; do
	jq --indent 2 '.name = "t"' "$F/$f.json" >"$T/ci/t.en_US.json"
	[ "$(jq -r .language "$F/$f.json")" = en_US ] || continue
	exits 65 "lint $f" wa-template lint "$T/ci/t.en_US.json"
	field=$(jq -r '.error.message | split(": ")[0]' "$T/out")
	is "$(jq -r .error.code "$T/out")" "template_params" "$f: the check of create"
	[ "$(jq .line "$T/out")" -gt 1 ]; ok $? "$f: $field is on line $(jq .line "$T/out")"
done

# pull: one file per template and language, in a stable form
start_fake "$top/tests/fixtures/template-files/seed.json"
exits 78 "pull without a connected channel" wa-template pull "$D"
wa-connect add --waba $W --phone-number-id 111111111111111 >/dev/null
fake_ctl reset >/dev/null
exits 0 "pull" wa-template pull "$D"
is "$(ls "$D" | tr '\n' ' ')" "order_update.en_US.json order_update.es.json paused_tpl.en_US.json pending_tpl.en_US.json rejected_tpl.en_US.json spring_sale.en.json " \
	"NAME.LANGUAGE.json for each"
is "$(jf '[.name,.language,.status,.written]' | head -2 | tr '\n' ' ')" \
	'["order_update","en_US","APPROVED",true] ["order_update","es","APPROVED",true] ' "a record per file"
is "$(requests '[.method,.path]')" '["GET","/100200300400500/message_templates"]' "pull syncs first"
cat >"$T/want" <<'EOF'
{
  "category": "UTILITY",
  "components": [
    {
      "example": {
        "body_text": [
          [
            "Ana",
            "#1234"
          ]
        ]
      },
      "text": "Hola {{1}}, tu pedido {{2}} va en camino.",
      "type": "BODY"
    }
  ],
  "language": "es",
  "name": "order_update",
  "parameter_format": "POSITIONAL",
  "~meta": {
    "category": "UTILITY",
    "id": "1000000000000002",
    "status": "APPROVED"
  }
}
EOF
cmp -s "$D/order_update.es.json" "$T/want"; ok $? "sorted keys, two spaces, one block per component, Meta's part last"
[ "$(grep -c '"type": ' "$D/order_update.en_US.json")" -eq 6 ]; ok $? "every component and button its own block"
is "$(jq -c '."~meta"' "$D/rejected_tpl.en_US.json")" '{"category":"MARKETING","id":"1000000000000006","reason":"INCORRECT_CATEGORY","status":"REJECTED"}' \
	"Meta's reason in Meta's part"
exits 0 "the pulled files pass lint" wa-template lint "$D"/*.json
cp -p "$D/order_update.es.json" "$T/before"
echo '{"name":"draft"}' >"$D/draft.en_US.json"
sleep 1
exits 0 "pull again, DIR with a slash" wa-template pull "$D/"
is "$(jf 'select(.written) | .file' | wc -l | tr -d ' ')" "0" "nothing written when nothing changed"
[ ! "$D/order_update.es.json" -nt "$T/before" ]; ok $? "the file was left alone"
is_json 'select(.local_only) | [.file,.written]' "[\"$D/draft.en_US.json\",false]" "a file Meta lacks is reported"
[ -s "$D/draft.en_US.json" ]; ok $? "and kept"
rm "$D/draft.en_US.json"
cp "$D/pending_tpl.en_US.json" "$T/pending"
curl -s -X DELETE -H "Authorization: Bearer test-token" "$WA_GRAPH_URL/$W/message_templates?name=pending_tpl" >/dev/null
exits 0 "pull after Meta deleted a template" wa-template pull "$D"
is_json 'select(.written == false and .removed) | .file' "\"$D/pending_tpl.en_US.json\"" "its pulled file goes too"
[ ! -e "$D/pending_tpl.en_US.json" ]; ok $? "removed from DIR"
fake_ctl state "{\"template\":$(jq -c '{waba:"'$W'",name,language,category,components,status:"PENDING",id:."~meta".id}' "$T/pending")}" >/dev/null
wa-template pull "$D" >/dev/null
cmp -s "$T/pending" "$D/pending_tpl.en_US.json"; ok $? "back when Meta has it again"
ls -a "$D" | grep -q '^\.' && [ "$(ls -a "$D" | grep -c '^\.[^.]')" -eq 0 ]; ok $? "no temporary file left"

# a status change at Meta: only Meta's part of the file changes
fake_ctl state '{"template_status":{"name":"order_update","language":"es","status":"PAUSED"}}' >/dev/null
exits 0 "sync" wa-template sync
exits 1 "diff sees the status change" wa-template diff "$D"
is_json '.' "{\"change\":\"status\",\"file\":\"$D/order_update.es.json\",\"name\":\"order_update\",\"language\":\"es\",\"from\":\"APPROVED\",\"to\":\"PAUSED\"}" \
	"status, from the file's part to Meta's; no content change"
exits 0 "pull it" wa-template pull "$D"
is "$(diff "$T/want" "$D/order_update.es.json" | grep '^[<>]' | tr -s ' ' | tr '\n' ' ')" '< "status": "APPROVED" > "status": "PAUSED" ' \
	"one line changes, inside ~meta"
exits 0 "diff after the pull" wa-template diff "$D"
is "$(cat "$T/out")" "" "equal: no output"

# diff: new, changed, removed, category; no request at all
fake_ctl reset >/dev/null
jq --indent 2 '.components[1].text = "Hi {{1}}, order {{2}} is out for delivery."' "$D/order_update.en_US.json" >"$T/x" && mv "$T/x" "$D/order_update.en_US.json"
jq --indent 2 '.name = "order_update" | .language = "fr" | del(."~meta") | .components[0].text = "Bonjour {{1}}, commande {{2}} en route."' \
	"$D/order_update.es.json" >"$D/order_update.fr.json"
rm "$D/paused_tpl.en_US.json"
fake_ctl state '{"template_status":{"name":"spring_sale","category":"UTILITY"}}' >/dev/null
wa-template sync >/dev/null
fake_ctl reset >/dev/null
exits 1 "diff" wa-template diff "$D"
is "$(jf '[.change,.name,.language,.fields,.from,.to]' | tr '\n' ' ')" \
	'["changed","order_update","en_US",["components[1]"],null,null] ["new","order_update","fr",null,null,null] ["category","spring_sale","en",null,"MARKETING","UTILITY"] ["removed","paused_tpl","en_US",null,null,null] ' \
	"changed (which component), new, Meta's recategorisation, removed"
is "$(nrequests)" "0" "diff asks Meta nothing"
jq --indent 2 '.category = "MARKETING"' "$D/order_update.es.json" >"$T/x" && mv "$T/x" "$D/order_update.es.json"
exits 1 "diff with a category asked for" wa-template diff "$D"
is "$(jf 'select(.name == "order_update" and .language == "es") | [.change,.fields]')" '["changed",["category"]]' \
	"a category other than the one pulled is a content change"
jq --indent 2 '.components[0].type = "body"' "$D/order_update.es.json" >"$T/x" && mv "$T/x" "$D/order_update.es.json"
exits 1 "diff" wa-template diff "$D"
is "$(jf 'select(.language == "es") | .fields')" '["category"]' "the case of a type is no change"
echo '{ "name": ' >"$D/broken.en_US.json"
exits 65 "diff with a file that is not JSON" wa-template diff "$D"
like "$(cat "$T/err")" "*broken.en_US.json:2: invalid_input: not JSON*" "names the file and the line"
is "$(jf 'select(.change) | .change' | wc -l | tr -d ' ')" "5" "the others are still compared"
exits 66 "diff of a missing directory" wa-template diff "$T/nowhere"
# a file that says "at line 5" in its own text is still cut on line 1
printf '{"name at line 5": \036"x"' >"$T/ci/says.en_US.json"
exits 65 "lint a one-line file that quotes a line number" wa-template lint "$T/ci/says.en_US.json"
like "$(cat "$T/err")" "*says.en_US.json:1: invalid_input: not JSON*" "the error is on its only line"
done_testing
