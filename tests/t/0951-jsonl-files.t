#!/bin/sh
# FILE operands of wa-send, wa-template send/create and wa-view contacts import: one that cannot be
# read is refused (66) before any request; a read error later is answered in-band (74).
. "$(dirname "$0")/../lib.sh"
. "$top/tests/t/2000-send-lib.sh"
wa-template sync >/dev/null
inbound 15551230001 60
fake_ctl reset >/dev/null
printf '%s\n' '{"to":"15551230001","text":"one","phone":"15551230001"}' \
	'{"to":"15551230001","text":"two","phone":"15551230001","name":"Ann"}' >"$T/a.jsonl"
contacts() { sql "SELECT count(*) FROM contacts"; }
n_contacts=$(contacts)

# A file that cannot be read, after one that can: nothing done at all
exits 66 "wa-send: a missing file after a good one" wa-send "$T/a.jsonl" "$T/missing.jsonl"
is "$(cat "$T/out")" "" "no result"
is "$(sent_count)" "0" "no request"
is "$(cat "$T/err")" "wa-send: invalid_input: cannot open '$T/missing.jsonl': No such file or directory" "names the file"
exits 66 "wa-send: a directory" wa-send "$T/a.jsonl" "$T"
like "$(cat "$T/err")" "*cannot open '$T': Is a directory" "says so"
exits 66 "wa-send: checked before the database is created" env WA_DB="$T/new.db" wa-send "$T/missing.jsonl"
ok "$(test ! -e "$T/new.db"; echo $?)" "no database created"
exits 66 "wa-template send: a missing file after a good one" wa-template send welcome "$T/a.jsonl" "$T/missing.jsonl"
is "$(cat "$T/out")" "" "no result"
is "$(sent_count)" "0" "no request"
exits 66 "wa-template create: a missing file after a good one" wa-template create "$top/tests/fixtures/templates/spring_sale.json" "$T/missing.json"
is "$(requests 'select(.method == "POST")' | grep -c .)" "0" "no template created"
exits 66 "wa-view contacts import: a missing file after a good one" wa-view contacts import "$T/a.jsonl" "$T/missing.jsonl"
is "$(contacts)" "$n_contacts" "no contact imported"
exits 0 "'-' is standard input, not a file" sh -c "wa-send --dry-run - <'$T/a.jsonl'"

# A read error after the checks (reading /proc/self/mem at 0 is EIO):
# in-band, as the result of that input, and the run ends (74) once what
# was started has finished; every record read before has its result.
for tool in "wa-send" "wa-template send welcome" "wa-view contacts import"; do
	fake_ctl reset >/dev/null
	# shellcheck disable=SC2086
	exits 74 "$tool: a read error" $tool "$T/a.jsonl" /proc/self/mem
	is "$(grep -c . "$T/out")" "3" "$tool: a result for each record and one for the error"
	is "$(tail -1 "$T/out" | jq -c '[.ok, .error.code, .line]')" '[false,"io",1]' "$tool: the error is the last result, at the line it could not read"
	like "$(tail -1 "$T/out" | jq -r .error.message)" "/proc/self/mem: read error: *" "$tool: naming the file"
	like "$(cat "$T/err")" "*io: /proc/self/mem: read error*" "$tool: and on stderr"
	case $tool in wa-view*) ;; *)
		is "$(sent_count)" "$(grep -c '"ok":true' "$T/out")" "$tool: a request for each record answered ok, no other" ;;
	esac
done
done_testing
