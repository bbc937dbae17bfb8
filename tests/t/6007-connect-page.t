#!/bin/sh
# SPDX-License-Identifier: MIT
# wa-connect(1): --help and the page agree on every option and command; its EXAMPLES run in 0920-man-examples.t.
. "$(dirname "$0")/../lib.sh"
man1="$top/man/wa-connect.1"

groff -mdoc -ww -z "$man1" 2>"$T/groff"; ok $? "wa-connect.1 formats"
is "$(cat "$T/groff")" "" "without warnings"
wa-connect --help >"$T/help"
for o in $(grep -o -- '--[a-z-]*' "$T/help" | sort -u); do
	grep -qE -- "^\..*Fl ${o#-}( |\$)" "$man1"; ok $? "option $o of --help is in the man page"
done
for c in business add request-code verify register list show disconnect profile; do
	grep -q "wa-connect $c" "$T/help" && grep -q "^\.Cm $c\$" "$man1"; ok $? "command $c in --help and SYNOPSIS"
done

done_testing
