#!/bin/sh
# wa-connect business: the first call needs all four fields, later ones update any subset.
. "$(dirname "$0")/../lib.sh"

exits 64 "first call without email" wa-connect business --legal-name "Acme Ltd" \
	--display-name Acme --website https://acme.example
like "$(head -1 "$T/err")" "wa-connect: usage: a new business needs*missing: email" "names what is missing"
exits 64 "first call with only a name" wa-connect business --display-name Acme
like "$(head -1 "$T/err")" "*missing: legal name, website, email" "lists every missing field"
is "$(sql 'SELECT count(*) FROM business')" "0" "nothing stored"
exits 64 "no business yet and no flags" wa-connect business
like "$(head -1 "$T/err")" "*no business yet*" "says so"

exits 0 "create" wa-connect business --legal-name "Acme Ltd" --display-name Acme \
	--website https://acme.example/help --email help@acme.example --country de \
	--timezone Europe/Berlin
is_json '[.ok, .created, .legal_name, .display_name, .website, .email, .country, .timezone, .verified]' \
	'[true,true,"Acme Ltd","Acme","https://acme.example/help","help@acme.example","DE","Europe/Berlin",false]' \
	"the record has every field, country upper-cased, unverified by default"
is_json '[.created_at, .updated_at]' '["2024-04-16T17:57:05Z","2024-04-16T17:57:05Z"]' "times are ISO 8601 at WA_NOW"
if on_pg; then skip 1 "no database file on PostgreSQL"
else is "$(stat -c %a "$WA_DB")" "600" "database created mode 0600"; fi

WA_NOW=1713300000 exits 0 "update a subset" wa-connect --verified true business --email support@acme.example
is_json '[.created, .email, .legal_name, .verified, .updated_at, .created_at]' \
	'[false,"support@acme.example","Acme Ltd",true,"2024-04-16T20:40:00Z","2024-04-16T17:57:05Z"]' \
	"only the given fields change; options may precede the command"
is "$(sql 'SELECT verified, email FROM business')" "1|support@acme.example" "stored"
exits 0 "--verified false" wa-connect business --verified false
is_json .verified false "back to unverified (rule 6 daily limit applies)"
exits 64 "a bad website on update" wa-connect business --website http://
is "$(sql 'SELECT website FROM business')" "https://acme.example/help" "a refused update changes nothing"

exits 0 "show the business" wa-connect business
is_json '[has("ok"), .legal_name, .website]' '[false,"Acme Ltd","https://acme.example/help"]' "no flags: the record"
exits 0 "show on a terminal" wa-connect business --table
is "$(sed -n 1p "$T/out")" "legal_name:    Acme Ltd" "one record: key: value lines"

for u in http://acme.example HTTPS://ACME.EXAMPLE/x?y=1#z http://localhost:8080/ \
	http://[::1]:8080/ http://xn--bcher-kva.example/ https://acme.example:443; do
	exits 0 "website '$u' accepted" wa-connect business --website "$u"
done
for e in a.b+tag@sub.acme.example "o'brien@acme.example" x@acme.museum; do
	exits 0 "email '$e' accepted" wa-connect business --email "$e"
done

exits 0 "--phone: normalised" wa-connect business --phone "+49 (30) 123-4567"
is_json .phone '"49301234567"' "stored as international digits"
is "$(sql 'SELECT phone FROM business')" "49301234567" "in the business row"
exits 64 "--phone: national form without WA_DEFAULT_CC" wa-connect business --phone "030 1234567"
like "$(head -1 "$T/err")" "*phone*" "names the field"
exits 64 "--phone: not a number" wa-connect business --phone "call us"
is "$(sql 'SELECT phone FROM business')" "49301234567" "a refused number changes nothing"
WA_DEFAULT_CC=49 exits 0 "--phone: national form with WA_DEFAULT_CC" wa-connect business --phone "030 7654321"
is_json .phone '"49307654321"' "the default country code applies"
exits 0 "other updates keep the number" wa-connect business --email help@acme.example
is_json .phone '"49307654321"' "unchanged"

done_testing
