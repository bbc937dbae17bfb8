#!/bin/sh
# SPDX-License-Identifier: MIT
# Source hygiene: no banned functions, layered includes, every tool has --help/--version/exit 64 and a clean man page.
. "$(dirname "$0")/../lib.sh"
exits 0 "no banned functions in C sources" "$top/scripts/check-banned"
exits 0 "no include in lib/ reaches up a layer or closes a circle" "$top/scripts/check-layers"
[ -s "$T/out" ] && sed 's/^/# /' "$T/out"
exits 0 "every tool: --help, --version, unknown option exits 64" "$top/scripts/check-usage"
[ -s "$T/out" ] && sed 's/^/# /' "$T/out"
exits 0 "man pages lint clean and document every --help option" "$top/scripts/check-man"
[ -s "$T/out" ] && sed 's/^/# /' "$T/out"
for c in "$top"/cmd/wa-*.c; do
	t=$(basename "$c" .c)
	[ -f "$top/man/$t.1" ]; ok $? "$t has a man page"
	grep -q "$t" "$top/README.md"; ok $? "README mentions $t"
done
done_testing
