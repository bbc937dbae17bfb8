#!/bin/sh
# SPDX-License-Identifier: MIT
# A POST is never sent twice: libcurl resends on a reused connection that died
# after the request; graph.c forbids that rewind, so the send is ambiguous.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/2000-send-lib.sh"

inbound 15551234567 60
printf '\211PNG\r\n\032\n' >"$T/pic.png"
head -c 200 /dev/zero >>"$T/pic.png"
# the upload succeeds on a new connection; the message POST reuses it and
# its answer is lost
fake_ctl fault '{"method":"POST","path_suffix":"/messages","drop":true,"times":1}' >/dev/null
exits 1 "the message POST lost its answer on a reused connection" \
	wa-send --to 15551234567 --image "$T/pic.png" --caption "receipt"
is_json '[.ok, .error.code, .action]' '[false,"ambiguous","never"]' "ambiguous, never resent"
is "$(requests 'select(.path|endswith("/media"))' | grep -c .)" 1 "one upload"
is "$(sent_count)" 1 "exactly one POST /messages reached Meta"
is "$(sql "SELECT status FROM messages WHERE direction = 'out'")" ambiguous "recorded as ambiguous"

fake_ctl reset >/dev/null
# two texts in one run share the connection; the second loses its answer
fake_ctl fault '{"method":"POST","path_suffix":"/messages","drop":true,"times":1,"path_contains":"/messages"}' >/dev/null
printf '{"to":"15551234567","text":"one"}\n' >"$T/in"
exits 1 "first send dropped" wa-send "$T/in"
printf '{"to":"15551234567","text":"two"}\n{"to":"15551234567","text":"three"}\n' >"$T/in"
exits 0 "later sends on a new connection work" wa-send "$T/in"
is "$(sent_count)" 3 "three POSTs for three messages, none repeated"
done_testing
