#!/bin/sh
# The EXAMPLES of wa-template(1) for templates as files, as written there.
. "$(dirname "$0")/../lib.sh"
start_fake "$top/tests/fixtures/template-files/seed.json"
wa-connect add --waba 100200300400500 --phone-number-id 111111111111111 >/dev/null
page="$top/man/wa-template.1"
# example N: the Nth .Dl line after "as files" in EXAMPLES, without "$ "
example() {
	awk '/^\.Sh EXAMPLES/ { on = 1 } on && /as files/ { go = 1 } go && /^\.Dl / { sub(/^\.Dl (\$ )?/, ""); print }' "$page" |
		sed -n "${1}p"
}
cd "$T" || exit 1

# pull, edit, lint && diff (exit 1: the edit differs), push --dry-run, push
for n in 1 2 3 4 5; do
	cmd=$(example $n)
	want=0
	[ $n -eq 3 ] && want=1
	exits $want "$cmd" sh -c "$cmd"
	[ $n -eq 3 ] && is_json 'select(.change) | [.change,.name,.language,.fields]' \
		'["changed","order_update","en_US",["components[1]"]]' "diff shows the edit"
done
like "$(example 1)" "wa-template pull templates" "the first is the pull"
is_json '[.ok,.op,.name]' '[true,"edit","order_update"]' "pushed"
api_text=$(curl -s -H "Authorization: Bearer test-token" "$WA_GRAPH_URL/1000000000000001" | jq -r '.components[1].text')
is "$api_text" "Hi {{1}}, order {{2}} ships today." "Meta has the edit"

cmd=$(example 6)
exits 0 "$cmd" sh -c "$cmd"
is "$(jf '.ok' | sort -u)" "true" "every file passes"

# the cron line, with the directory and mail of this test
mkdir -p "$T/bin"
printf '#!/bin/sh\ncat > "%s/mailed"\n' "$T" >"$T/bin/mail"
chmod +x "$T/bin/mail"
cmd=$(example 7 | sed "s|^0 7 \* \* \* ||; s|/srv/templates|$T/templates|; s|/var/tmp|$T|g")
like "$(example 7)" "0 7 \\* \\* \\* wa-template sync*" "a crontab line"
PATH="$T/bin:$PATH" exits 0 "the cron line, after the push" sh -c "$cmd"
is "$(jq -c '[.change,.from,.to]' "$T/mailed")" '["status","APPROVED","PENDING"]' "mails that Meta reviews the edit"
done_testing
