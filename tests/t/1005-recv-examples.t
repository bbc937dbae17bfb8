#!/bin/sh
# SPDX-License-Identifier: MIT
# The EXAMPLES of wa-recv(1), run as written.
. "$(dirname "$0")/../lib.sh"
. "$top/tests/t/1000-recv-lib.sh"
start_fake
exits 0 "connect a channel" wa-connect add --waba 100200300400500 --phone-number-id $CH
T0=1713290300
cd "$T" || exit 1

msg 15551230001 wamid.X1 $T0 "first" >webhook-dump.jsonl
msg 15551230001 wamid.X2 $((T0 + 1)) "second" >>webhook-dump.jsonl
exits 0 "wa-recv webhook-dump.jsonl" wa-recv webhook-dump.jsonl
is "$(jf '.event' | tr '\n' ' ')" '"message" "message" ' "two messages"

mkdir saved
msg 15551230002 wamid.X3 $T0 "from Bea" >saved/a.json
msg 15551230002 wamid.X4 $((T0 + 1)) "Bea again" >saved/b.json
wa-recv saved/*.json | grep '"new_ticket":true' >"$T/out"
is "$(jf '[.wamid, .new_ticket]')" '["wamid.X3",true]' "the new tickets among them"

exits 0 "the nightly replay" sh -c 'wa-recv replay --since "$(date -u -d yesterday +%F)" >>"$1"' sh "$T/replay.jsonl"
is "$(cat "$T/replay.jsonl")" "" "nothing received since yesterday (WA_NOW is 2024)"
exits 0 "replay everything" wa-recv replay --since 2024-04-16
is "$(jf '.reason' | sort -u)" '"duplicate"' "all already recorded"

done_testing
