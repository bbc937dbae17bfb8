#!/bin/sh
# wa-connect and its database: unusable file 74, newer schema 78, busy 75, full output 74 after commit.
. "$(dirname "$0")/../lib.sh"

exits 0 "create the database" wa-connect business --legal-name Acme --display-name Acme \
	--website https://acme.example --email a@acme.example

WA_DB=$T exits 74 "a directory as the database" wa-connect list
like "$(cat "$T/err")" "wa-connect: io: *" "io diagnostic"

v=$(schema_version)
schema_version 99
exits 78 "a newer schema is refused" wa-connect list
like "$(cat "$T/err")" "*newer than*" "says why"
is "$(schema_version)" "99" "and left alone"
schema_version "$v"

# output fails: the change is committed first, then exit 74
exits 74 "output to a full device" sh -c 'exec wa-connect business --email b@acme.example >/dev/full'
like "$(cat "$T/err")" "*cannot write output*" "io diagnostic"
is "$(sql 'SELECT email FROM business')" "b@acme.example" "committed before printing"

# another writer holds the database past the busy timeout
hold_store 6 "$T/locked" &
locker=$!
while [ ! -e "$T/locked" ]; do sleep 0.05; done
exits 75 "database busy" wa-connect business --email c@acme.example
like "$(cat "$T/err")" "wa-connect: busy: *retry later*" "busy diagnostic"
wait $locker
exits 0 "free again" wa-connect business --email c@acme.example

done_testing
