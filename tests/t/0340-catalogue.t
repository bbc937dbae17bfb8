#!/bin/sh
# SPDX-License-Identifier: MIT
# Every query of the catalogue (lib/sql/*.def) prepares on the store's engine: a text PostgreSQL cannot type fails here, not in some rare path.
. "$(dirname "$0")/../lib.sh"

exits 0 "every query prepares" helper catalogue
like "$(tail -1 "$T/out")" "[1-9]* queries" "and there are some ($(tail -1 "$T/out"))"
grep -v ' queries$' "$T/out" | head -5 | sed 's/^/#   /'
done_testing
