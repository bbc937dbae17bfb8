#!/bin/sh
# SPDX-License-Identifier: MIT
# wa-view: --help, --version and the fatal exits (64, 74, 78); its man page's examples run in 0920-man-examples.t.
. "$(dirname "$0")/../lib.sh"
. "$top/tests/fixtures/view/seed.sh"
seed_day

exits 0 "--help" wa-view --help
like "$(head -1 "$T/out")" "usage: wa-view list*" "the synopsis"
exits 0 "--version" wa-view --version
like "$(cat "$T/out")" "wa-view *" "name and version"
exits 64 "no command" wa-view
exits 64 "unknown command" wa-view frobnicate
for t in wa-view wa-quota wa-template wa-connect wa-db; do
	exits 64 "$t: a mistyped command with a mistyped --db is a usage error first" $t lst --db "$T/typo.db"
done
[ ! -e "$T/typo.db" ]; ok $? "and makes no desk"
exits 64 "unknown option" wa-view list --colour
exits 64 "--ticket outside show" wa-view list --ticket 3
exits 74 "output that cannot be written" sh -c 'wa-view list >/dev/full'
mkdir "$T/dir.db"
exits 74 "a database that cannot be opened" wa-view list --db "$T/dir.db"
exits 78 "no database at the path" wa-view list --db "$T/seed.out/wa.db"
schema_version 99
exits 78 "a database newer than the binary" wa-view list
like "$(cat "$T/err")" "*newer*" "says so"
done_testing
