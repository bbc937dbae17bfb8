#!/bin/sh
# JSON lines input: a cut line is one error and never swallows the records after it (wa-send,
# wa-template send, wa-view contacts import); pretty-printed records still work.
. "$(dirname "$0")/../lib.sh"
. "$top/tests/t/2000-send-lib.sh"
wa-template sync >/dev/null
for n in 1 2 3; do inbound 1555123000$n 60; done
fake_ctl reset >/dev/null

# results: each result as ok:WA_ID or ELINE:CODE, on one line.
results() { jf 'if .ok then "ok:\(.wa_id)" else "E\(.line):\(.error.code)" end' | tr -d '"' | tr '\n' ' '; }

# cuts TOOL... : runs TOOL on the three records of $T/three, the middle
# one cut at every byte; the first and last always come out, the cut one
# is one invalid_input on line 2 (nothing when no byte of it is left).
cuts() {
	mid=$(sed -n 2p "$T/three")
	k=0 bad=0
	while [ "$k" -lt "${#mid}" ]; do
		{ sed -n 1p "$T/three"; printf '%s\n' "$mid" | head -c "$k"; echo
		  sed -n 3p "$T/three"; } >"$T/cut"
		$WA_WRAP "$@" "$T/cut" >"$T/out" 2>"$T/err"
		rc=$?
		got=$(results)
		if [ "$k" -eq 0 ]; then want='ok:15551230001 ok:15551230003 ' code=0
		else want='ok:15551230001 E2:invalid_input ok:15551230003 ' code=1
		fi
		if [ "$got" != "$want" ] || [ "$rc" -ne "$code" ]; then
			bad=$((bad + 1))
			[ "$bad" -le 3 ] && printf '# cut at %d: exit %d, got %s\n' "$k" "$rc" "$got"
		fi
		k=$((k + 1))
	done
	is "$bad" 0 "$1 $2: the middle record cut at each of its ${#mid} bytes, the others go through"
}

cat >"$T/three" <<'JSON'
{"to":"15551230001","text":"first"}
{"to":"15551230002","text":"second, with \"quotes\" and [brackets] {braces}"}
{"to":"15551230003","text":"third"}
JSON
cp "$T/three" "$T/texts"
cuts wa-send --dry-run
cat >"$T/three" <<'JSON'
{"to":"15551230001"}
{"to":"15551230002","template":"welcome","language":"en_US"}
{"to":"15551230003"}
JSON
cuts wa-template send welcome --dry-run
cat >"$T/three" <<'JSON'
{"name":"Ann","phone":"+1 555 123 0001"}
{"name":"Bo [two]","phone":"+1 555 123 0002","email":"bo@example.com"}
{"name":"Cy","phone":"+1 555 123 0003"}
JSON
cuts wa-view contacts import
is "$(nrequests)" "0" "dry runs and imports: no request"

# Really sent: the cut line costs no message
printf '%s\n' '{"to":"15551230001","text":"one"}' '{"to":"15551230002","te' \
	'{"to":"15551230003","text":"three"}' >"$T/sent.jsonl"
exits 1 "a cut line among records sent for real" wa-send "$T/sent.jsonl"
is "$(results)" 'ok:15551230001 E2:invalid_input ok:15551230003 ' "one result per line"
is "$(sent_count)" "2" "both whole records sent"

# Two bad lines in a row: two results, each with its own line
printf '%s\n' 'not json' '{"to":"15551230002","te' '{"to":"15551230003","text":"ok","phone":"15551230003"}' >"$T/two"
for tool in "wa-send --dry-run" "wa-template send welcome --dry-run" "wa-view contacts import"; do
	# shellcheck disable=SC2086
	exits 1 "$tool: two bad lines in a row" $tool "$T/two"
	is "$(results)" 'E1:invalid_input E2:invalid_input ok:15551230003 ' "$tool: two errors, then the record"
	is "$(grep -c 'line [12]: invalid_input' "$T/err")" "2" "$tool: two diagnostics"
done

# Pretty-printed records (jq ., python's json.dumps with indent) still work
jq . "$T/texts" >"$T/pretty.json"
python3 -c 'import json, sys
for l in open(sys.argv[1]):
    print(json.dumps(json.loads(l), indent=4))' "$T/texts" >>"$T/pretty.json"
exits 0 "pretty-printed records" wa-send --dry-run "$T/pretty.json"
is "$(jf '[.ok, .line, .wa_id]' | tr '\n' ' ')" \
	'[true,4,"15551230001"] [true,8,"15551230002"] [true,12,"15551230003"] [true,16,"15551230001"] [true,20,"15551230002"] [true,24,"15551230003"] ' \
	"six records, each at the line where it ends"
jq . "$T/three" >"$T/contacts.json"
exits 0 "pretty-printed contacts" wa-view contacts import "$T/contacts.json"
is "$(results)" 'ok:15551230001 ok:15551230002 ok:15551230003 ' "all three imported"
# a pretty record cut short, then a JSON line: one error, the line goes through
{ head -3 "$T/pretty.json"; sed -n 3p "$T/texts"; } >"$T/pcut"
exits 1 "a pretty record cut short" wa-send --dry-run "$T/pcut"
is "$(results)" 'E1:invalid_input ok:15551230003 ' "its lines are one error, the next record is sent"
like "$(cat "$T/err")" "*line 1: invalid_input: *pcut: lines 1-3: not JSON: the record is cut short*" "the error names its lines"
# a pretty blob that is bad as a whole is one error (a double comma: on a
# missing one, libjq 1.6 leaks the string before it)
{ echo '{'; echo '  "to": "15551230001",,'; echo '  "text": "x"'; echo '}'; sed -n 3p "$T/texts"; } >"$T/pbad"
exits 1 "a bad pretty record" wa-send --dry-run "$T/pbad"
is "$(results)" 'E1:invalid_input ok:15551230003 ' "one error for the blob, then the record"
done_testing
