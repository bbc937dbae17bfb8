#!/bin/bash
# SPDX-License-Identifier: MIT
# contrib/wa.bash: subcommands as the man pages list them, every --help option, option values, files, and the desk's channels, WABAs, views and templates.
. "$(dirname "$0")/../lib.sh"
tools="wa-connect wa-recv wa-send wa-template wa-view wa-quota wa-db wa-webhook"

. "$top/contrib/wa.bash"; ok $? "the completion sources"
for t in $tools; do
	[[ $(complete -p "$t" 2>/dev/null) == "complete -F _wa $t" ]]; ok $? "registered for $t"
done

# comp LINE: what bash offers with the cursor at the end of LINE, sorted.
comp() {
	read -ra COMP_WORDS <<<"$1"
	[[ $1 == *" " ]] && COMP_WORDS+=("")
	COMP_LINE=$1 COMP_POINT=${#1} COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMPREPLY=()
	_wa
	printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' ' | sed 's/ $//'
}
# synopsis_commands PAGE: the first-level subcommands its SYNOPSIS names:
# the first word of each alternative on a line that starts with .Cm (or
# .Op Cm), and "| Cm word" among operands; not the values of an option
# (.Op Fl -x Cm a | b).
synopsis_commands() {
	awk '/^\.Sh SYNOPSIS/ { p = 1; next } /^\.Sh/ { p = 0 } p' "$1" | awk '
		/^\.(Op )?Cm / {
			sub(/^\.(Op )?Cm /, ""); n = split($0, alt, / \| /)
			for (i = 1; i <= n; i++) { split(alt[i], w, " "); print w[1] }
			next
		}
		/^\.Ar / { while (match($0, /\| Cm [a-z-]+/)) {
			print substr($0, RSTART + 5, RLENGTH - 5)
			$0 = substr($0, RSTART + RLENGTH) } }' |
		sort -u | tr '\n' ' ' | sed 's/ $//'
}
mkdir "$T/empty" "$T/files" && cd "$T/empty" || exit 1

for t in wa-connect wa-recv wa-template wa-view wa-quota wa-db wa-webhook; do
	want=$(synopsis_commands "$top/man/$t.1")
	[ -n "$want" ]; ok $? "$t(1) names subcommands"
	got=$(comp "$t ")
	[ $t = wa-webhook ] && got=$(comp "$t " | tr ' ' '\n' | grep -vx "$(wa-webhook --help | sed -n '/^TYPE:/,$p' | sed 's/^TYPE://' | tr ' ' '\n' | grep .)" | tr '\n' ' ' | sed 's/ $//')
	is "$got" "$want" "$t: the subcommands of its SYNOPSIS"
done
is "$(comp "wa-view contacts ")" "add edit import list merge show" "wa-view contacts: its second word"
is "$(comp "wa-view quarantine ")" "release show" "wa-view quarantine: its second word"
is "$(comp "wa-quota h")" "history" "a prefix"
is "$(comp "wa-webhook ")" "$({ wa-webhook --help | sed -n '/^TYPE:/,$p' | sed 's/^TYPE://'
	wa-webhook --help | sed -n 's/^ *wa-webhook \([a-z]*\) .*/\1/p'; } | tr ' ' '\n' | grep . | sort | tr '\n' ' ' | sed 's/ $//')" \
	"wa-webhook: the TYPEs of its --help, and batch"
is "$(comp "wa-webhook batch --")" "--help --merge --post --version" "wa-webhook batch: its options"

# Every long option of a tool's --help is offered, for its own subcommand.
for t in $tools; do
	subs=$(_wa_subcommands "$t")
	: >"$T/offered"
	for s in "" $subs; do { comp "$t $s --"; echo; } | tr ' ' '\n' >>"$T/offered"; done
	missing=$("$t" --help | grep -o -- '--[a-z][a-z0-9-]*' | sort -u |
		while read -r o; do grep -qx -- "$o" "$T/offered" || printf '%s ' "$o"; done)
	is "$missing" "" "$t: every --help option is offered"
done
is "$(comp "wa-quota check --")" "--db --help --json --table --version --warn" "wa-quota check: its own option and the common ones"
is "$(comp "wa-view list --st")" "--status" "an option prefix"
like "$(comp "wa-view show --")" "*--ticket*" "wa-view show: --ticket"
[[ " $(comp "wa-view show --") " != *" --window "* ]]; ok $? "wa-view show: not list's --window"
is "$(comp "wa-webhook text --d")" "--display-phone-number" "wa-webhook: no --db"

# Values the help spells out, files where a file is taken.
is "$(comp "wa-view list --status ")" "all closed open sent" "--status values"
is "$(comp "wa-view list --window c")" "closed closing" "--window values"
is "$(comp "wa-connect request-code 1 --method ")" "sms voice" "--method values"
is "$(comp "wa-template set --marketing-messages ")" "off on" "--marketing-messages values"
is "$(comp "wa-view create v --sharing ")" "everyone private team" "--sharing values"
cd "$T/files" || exit 1
touch photo.jpg replies.jsonl
is "$(comp "wa-send --image ")" "photo.jpg replies.jsonl" "--image takes a file"
is "$(comp "wa-send --to 1 --text hi r")" "replies.jsonl" "wa-send: FILE operands"
is "$(comp "wa-recv r")" "replay replies.jsonl" "wa-recv: subcommands and files"
is "$(comp "wa-send --thread ")" "" "--thread N: nothing to guess"

# The desk: nothing before the database exists, and no database made by a TAB.
is "$(comp "wa-connect show ")" "" "no channels without a database"
if on_pg; then	# the server's database is there, empty
	skip 1 "a PostgreSQL database always exists"
else
	is "$(comp "wa-view list --view ")" "" "no views without a database"
fi
[ ! -e "$WA_DB" ]; ok $? "a TAB does not create the database"
start_fake
wa-connect add --waba 100200300400500 --phone-number-id 111111111111111 >/dev/null
wa-connect add --waba 100200300400500 --phone-number-id 222222222222222 >/dev/null
wa-view create waiting --unassigned --sharing team >/dev/null
wa-template sync >/dev/null
is "$(comp "wa-connect show ")" "111111111111111 222222222222222" "channel ids from wa-connect list"
is "$(comp "wa-connect profile 2")" "222222222222222" "a channel id prefix"
is "$(comp "wa-send --channel ")" "111111111111111 222222222222222" "--channel"
is "$(comp "wa-connect list --waba ")" "100200300400500" "--waba from wa-connect list"
like " $(comp "wa-view list --view ") " "* all-open * waiting *" "views from wa-view views, built-in and made"
is "$(comp "wa-view delete wa")" "waiting" "wa-view delete: a view name"
like " $(comp "wa-template send ") " "* order_update * welcome *" "template names from wa-template list"
is "$(comp "wa-template send order_update --language en_US --channel 1")" "111111111111111" "a channel after other options"
is "$(comp "wa-connect show --db $T/other.db ")" "" "--db names another database (none there)"
[ ! -e "$T/other.db" ]; ok $? "and it is not created"
if on_pg; then	# a URI's ':' and '&' split a command line's words
	skip 1 "--db with a file, on PostgreSQL"
else
	cp "$WA_DB" "$T/copy.db"
	is "$(WA_DB=/nonexistent comp "wa-connect show --db $T/copy.db 1")" "111111111111111" "--db wins over WA_DB"
fi
done_testing
