#!/bin/sh
# wa-connect(1) and wa(7): the EXAMPLES and PIPELINES run as written; --help matches the page.
. "$(dirname "$0")/../lib.sh"
start_fake
man1="$top/man/wa-connect.1"

groff -mdoc -ww -z "$man1" 2>"$T/groff"; ok $? "wa-connect.1 formats"
is "$(cat "$T/groff")" "" "without warnings"
groff -mdoc -ww -z "$top/man/wa.7" 2>"$T/groff"; ok $? "wa.7 formats"
is "$(cat "$T/groff")" "" "without warnings"
wa-connect --help >"$T/help"
for o in $(grep -o -- '--[a-z-]*' "$T/help" | sort -u); do
	grep -qE -- "^\..*Fl ${o#-}( |\$)" "$man1"; ok $? "option $o of --help is in the man page"
done
for c in business add request-code verify register list show disconnect profile; do
	grep -q "wa-connect $c" "$T/help" && grep -q "^\.Cm $c\$" "$man1"; ok $? "command $c in --help and SYNOPSIS"
done

# interactive example
exits 0 "business" wa-connect business --legal-name 'Acme Ltd' --display-name Acme \
	--website https://acme.example --email help@acme.example
exits 0 "add" wa-connect add --waba 100200300400500 --phone-number-id 111111111111111
exits 0 "request-code" wa-connect request-code 111111111111111 --method sms
exits 0 "verify" wa-connect verify 111111111111111 --code 123456
exits 0 "register" wa-connect register 111111111111111 --pin 123456
exits 0 "profile" wa-connect profile 111111111111111 --about 'Support, 9-5' --website https://acme.example
is_json '[.about, .websites]' '["Support, 9-5",["https://acme.example"]]' "profile set"
wa-connect add --waba 100200300400500 --phone-number-id 222222222222222 >/dev/null
wa-connect add --waba 900800700600500 --phone-number-id 9000000000000001 >/dev/null

# pipeline: connected numbers per WABA
got=$(wa-connect list | jq -s -c 'map(select(.status == "connected")) | group_by(.waba_id) | map({waba_id: .[0].waba_id, connected: length})')
is "$got" '[{"waba_id":"100200300400500","connected":2},{"waba_id":"900800700600500","connected":1}]' "per-WABA count pipeline"

# cron: numbers never registered
got=$(wa-connect list | jq -r 'select(.status == "connected" and .registered_at == null) | .channel' | tr '\n' ' ')
is "$got" "222222222222222 9000000000000001 " "cron example lists the unregistered"

# wa(7): the profile of every connected number
got=$(wa-connect list | jq -r 'select(.status == "connected") | .channel' |
	while read -r id; do wa-connect profile "$id"; done | jq -r .channel | tr '\n' ' ')
is "$got" "111111111111111 222222222222222 9000000000000001 " "profile pipeline"

done_testing
