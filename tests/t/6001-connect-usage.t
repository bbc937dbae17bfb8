#!/bin/sh
# wa-connect: --help, --version, usage errors (exit 64) and offline validation of flags.
. "$(dirname "$0")/../lib.sh"

exits 0 "--help" wa-connect --help
like "$(head -1 "$T/out")" "usage: wa-connect business *" "--help prints the synopsis"
grep -q 'wa-connect profile ID' "$T/out"; ok $? "--help lists profile"
exits 0 "-h after a command" wa-connect list -h
like "$(cat "$T/out")" "*wa-connect add --waba ID --phone-number-id ID*" "-h prints the synopsis"
exits 0 "--version" wa-connect --version
like "$(cat "$T/out")" "wa-connect [0-9]*.[0-9]*" "--version prints name and version"

exits 64 "no command" wa-connect
like "$(head -1 "$T/err")" "wa-connect: usage: missing command" "names the problem"
exits 64 "unknown command" wa-connect frobnicate
like "$(head -1 "$T/err")" "*unknown command 'frobnicate'*" "names the command"
exits 64 "unknown flag" wa-connect list --frob
like "$(cat "$T/err")" "*--frob*" "names the flag"
like "$(cat "$T/err")" "*Try 'wa-connect --help'*" "hints at --help"
exits 64 "flag of another command" wa-connect list --pin 123456
like "$(head -1 "$T/err")" "*'list' takes no option '--pin'*" "says which flag does not apply"
exits 64 "missing ID" wa-connect show
like "$(head -1 "$T/err")" "*'show' needs one channel ID*" "asks for the ID"
exits 64 "extra operand" wa-connect list extra
exits 64 "option needs an argument" wa-connect verify 1 --code
exits 64 "flag given twice" wa-connect add --waba 1 --waba 2 --phone-number-id 3
like "$(head -1 "$T/err")" "*'--waba' given twice*" "names the repeated flag"
test ! -e "$WA_DB"; ok $? "usage errors do not create the database"

# add
exits 64 "add without --waba" wa-connect add --phone-number-id 111111111111111
exits 64 "add with a non-numeric id" wa-connect add --waba abc --phone-number-id 1
like "$(head -1 "$T/err")" "*--waba: 'abc' is not a Graph id*" "names --waba"
exits 64 "add with a non-numeric phone-number-id" wa-connect add --waba 1 --phone-number-id 12x
like "$(head -1 "$T/err")" "*--phone-number-id: '12x'*" "names --phone-number-id"

# request-code / verify / register
exits 64 "request-code without --method" wa-connect request-code 111111111111111
exits 64 "request-code --method fax" wa-connect request-code 111111111111111 --method fax
like "$(head -1 "$T/err")" "*--method: 'fax' is not sms or voice*" "names --method"
exits 64 "request-code --language with a space" wa-connect request-code 1 --method sms --language "en US"
exits 64 "verify without --code" wa-connect verify 111111111111111
exits 64 "verify --code letters" wa-connect verify 111111111111111 --code abcdef
like "$(head -1 "$T/err")" "*--code:*digits*" "names --code"
exits 64 "register --pin 5 digits" wa-connect register 111111111111111 --pin 12345
like "$(head -1 "$T/err")" "wa-connect: usage: --pin: the PIN is 6 digits" "names --pin"
exits 64 "register --pin 7 digits" wa-connect register 111111111111111 --pin 1234567
exits 64 "register --pin letters" wa-connect register 111111111111111 --pin 12345a
exits 64 "register without --pin" wa-connect register 111111111111111

# business: URL, e-mail, country, timezone, verified
# (words, not functions: WA_WRAP=valgrind runs the binary itself)
biz="wa-connect business --legal-name Acme --display-name Acme"
for u in ftp://acme.example acme.example "http://" "https:///path" "http://exa mple.com" \
	"http://-bad.example" "http://a..b" "http://user:pw@acme.example" "http://acme.example:0" \
	"http://acme.example:99999" "javascript:alert(1)"; do
	exits 64 "website '$u' refused" $biz --website "$u" --email a@acme.example
	like "$(head -1 "$T/err")" "wa-connect: usage: --website: *" "message names --website ($u)"
done
for e in plain "a@b" "@acme.example" "a@" "a b@acme.example" ".a@acme.example" "a..b@acme.example" \
	"a@acme..example" "a@-acme.example" "a@acme.1"; do
	exits 64 "email '$e' refused" $biz --website https://acme.example --email "$e"
	like "$(head -1 "$T/err")" "wa-connect: usage: --email: *" "message names --email ($e)"
done
exits 64 "--verified maybe" $biz --website https://acme.example --email a@acme.example --verified maybe
like "$(head -1 "$T/err")" "*--verified: 'maybe' is not true or false*" "names --verified"
exits 64 "--country USA" $biz --website https://acme.example --email a@acme.example --country USA
like "$(head -1 "$T/err")" "*--country:*" "names --country"
exits 64 "--timezone with spaces" $biz --website https://acme.example --email a@acme.example --timezone "Europe Berlin"
like "$(head -1 "$T/err")" "*--timezone:*" "names --timezone"
exits 64 "empty legal name" wa-connect business --legal-name "  " --display-name A --website https://a.example --email a@a.example
like "$(head -1 "$T/err")" "*--legal-name: must not be empty*" "names --legal-name"
exits 64 "two websites for the business" $biz --website https://a.example --website https://b.example --email a@a.example

# profile flags are checked before anything else (no token needed to see them)
p="wa-connect profile 111111111111111"
exits 64 "--about empty" $p --about ""
like "$(head -1 "$T/err")" "*--about: 0 characters, must be 1 to 139*" "names --about"
long=$(printf '%0140d' 0)
exits 64 "--about 140 characters" $p --about "$long"
exits 64 "--description 513 characters" $p --description "$(printf '%0513d' 0)"
like "$(head -1 "$T/err")" "*--description:*" "names --description"
exits 64 "--address 257 characters" $p --address "$(printf '%0257d' 0)"
exits 64 "--email not an address" $p --email nobody
exits 64 "--vertical unknown" $p --vertical SPACESHIPS
like "$(head -1 "$T/err")" "*--vertical: 'SPACESHIPS'*" "names --vertical"
exits 64 "--website ftp" $p --website ftp://acme.example
exits 64 "three websites" $p --website https://a.example --website https://b.example --website https://c.example
like "$(head -1 "$T/err")" "*at most 2 websites*" "says at most 2"

done_testing
